"""Faults (issue 7, item 3): the model endpoint failing, a tool raising, the database file locked,
read-only, deleted or replaced, the disk full or a crash during an import. Each ends with a clear
message, the conversation still usable, and no data lost.

Model-endpoint faults on a fresh conversation (timeouts, 429/500/503, garbage, invalid tool
arguments, unknown tools, endless tool calls) are in tests/test_agent_openai_stub.py and
tests/test_agent_fake_model.py; here: the SAME conversation answers the next question."""

from __future__ import annotations

import dataclasses
import errno
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from langchain_core.messages import AIMessage

from assistant.agent import LLMStrategy
from assistant.conversation import Conversation
from assistant.engine import Engine
from tests.conftest import REPO, cli_env
from tests.openai_stub import StubOpenAI, error, garbage, text
from tests.test_agent_fake_model import ScriptedModel, call
from tests.test_agent_openai_stub import chat_model
from tools.registry import REGISTRY
from tools.result import ToolError

TRACE_WORDS = ("Traceback", "RuntimeError", "File \"", "line ", "kaboom")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def gmv(engine: Engine) -> float:
    answer = engine.run_tool("metric_query", {"metric": "gmv"}, "en")
    assert answer.ok, answer.error
    return round(float(answer.tables[0].df["gmv"].iat[0]), 2)


# --- the model endpoint: the same conversation goes on ------------------------------------------

@pytest.mark.parametrize("failure", ["timeout", "429", "500", "garbage"])
def test_after_an_endpoint_failure_the_same_conversation_answers(engine, failure: str) -> None:
    first = {"timeout": text("too late", delay=2), "429": error(429, "rate limited"),
             "500": error(500, "internal"), "garbage": garbage()}[failure]
    with StubOpenAI(first, text("Back online.")) as stub:
        conversation = Conversation(engine, strategy=LLMStrategy(chat_model(stub.base_url, timeout=0.5)))
        offline = conversation.ask("What is the GMV in the last 30 days?")
        assert offline.ok and offline.mode == "offline"
        assert offline.tool_calls[0].name == "metric_query"
        assert not any(word in offline.answer for word in ("Traceback", "rate limited", "internal"))
        again = conversation.ask("And how many orders?")
    assert again.ok and again.mode == "llm" and again.answer == "Back online."
    sent = [m.get("content") for m in stub.requests[-1]["messages"]]
    assert offline.answer in sent and "What is the GMV in the last 30 days?" in sent  # history survived


# --- a tool raising -----------------------------------------------------------------------------

@pytest.fixture
def broken_metric_query(monkeypatch: pytest.MonkeyPatch):
    def kaboom(*args, **kwargs):
        raise RuntimeError("kaboom: /secret/path line 42")

    monkeypatch.setitem(REGISTRY, "metric_query", dataclasses.replace(REGISTRY["metric_query"], function=kaboom))
    return monkeypatch


@pytest.mark.parametrize("question,language", [("What is the GMV?", "en"), ("总GMV是多少？", "zh")])
def test_a_raising_tool_gives_internal_error_and_the_next_question_works(
        engine, broken_metric_query: pytest.MonkeyPatch, question: str, language: str) -> None:
    conversation = Conversation(engine)
    answer = conversation.ask(question)
    assert not answer.ok and answer.error["code"] == "internal_error"
    assert ("try again" in answer.answer) if language == "en" else ("稍后再试" in answer.answer)
    assert not any(word in answer.answer for word in TRACE_WORDS)
    broken_metric_query.undo()  # the tool works again: the same conversation carries on
    again = conversation.ask(question)
    assert again.ok and again.tool_calls[0].name == "metric_query" and again.tables


def test_a_raising_tool_inside_the_agent_loop(engine, broken_metric_query: pytest.MonkeyPatch) -> None:
    model = ScriptedModel(script=[call("metric_query", {"metric": "gmv"}), AIMessage("I could not compute it."),
                                  AIMessage("Here you go.")])
    conversation = Conversation(engine, strategy=LLMStrategy(model))
    answer = conversation.ask("What is the GMV?")
    assert answer.answer == "I could not compute it." and "Traceback" not in answer.answer
    tool_result = [m for m in model.seen[1] if m.type == "tool"][0].content
    assert "internal_error" in tool_result or "went wrong" in tool_result
    assert "kaboom" not in tool_result  # the exception text never reaches the model
    assert conversation.ask("Thanks. And orders?").answer == "Here you go."


# --- the database file --------------------------------------------------------------------------

def test_a_read_only_dataset_file_still_answers(demo_db: Path, engine, tmp_path: Path) -> None:
    copy = tmp_path / "readonly.duckdb"
    shutil.copy(demo_db, copy)
    before = digest(copy)
    copy.chmod(0o444)
    try:
        with Engine(copy) as read_only:
            assert gmv(read_only) == gmv(engine)
            assert read_only.sql("SELECT count(*) AS n FROM orders").ok
    finally:
        copy.chmod(0o644)
    assert digest(copy) == before


HOLDER = """
import duckdb, sys, time
con = duckdb.connect(sys.argv[1])  # read-write: DuckDB takes an exclusive lock on the file
print("holding", flush=True)
sys.stdin.readline()
"""


@pytest.fixture
def locked_copy(demo_db: Path, tmp_path: Path):
    copy = tmp_path / "locked.duckdb"
    shutil.copy(demo_db, copy)
    before = digest(copy)
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(copy)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        yield copy, before
    finally:
        holder.kill()
        holder.wait(timeout=30)


def test_a_file_locked_by_another_writer_gives_a_clear_error(locked_copy, tmp_path: Path) -> None:
    copy, before = locked_copy
    with pytest.raises(ToolError) as caught:
        Engine(copy)
    assert caught.value.code == "data_unreadable" and "lock" in caught.value.message("en")
    from assistant.web.app import shared_engine

    with pytest.raises(ToolError) as caught:  # the web app adds what to do
        shared_engine(copy)
    assert caught.value.code == "data_locked"
    assert "close that program" in caught.value.message("en") and "关闭该程序" in caught.value.message("zh")

    done = subprocess.run([sys.executable, "-m", "assistant.cli", "ask", "What is the GMV?", "--data", str(copy)],
                          cwd=REPO, env=cli_env(tmp_path / "home"), capture_output=True, text=True, timeout=120)
    assert done.returncode != 0 and "lock" in done.stderr and "Traceback" not in done.stderr
    assert digest(copy) == before


def test_the_active_file_deleted_or_replaced_while_running(demo_db: Path, engine, tmp_path: Path) -> None:
    copy = tmp_path / "active.duckdb"
    shutil.copy(demo_db, copy)
    running = Engine(copy)
    try:
        expected = gmv(running)
        copy.unlink()  # the open database keeps its data; the running app keeps answering
        assert gmv(running) == expected
        with pytest.raises(ToolError) as caught:  # a new session is told plainly
            Engine(copy)
        assert caught.value.code == "data_not_found" and str(copy) in caught.value.message("en")

        other = tmp_path / "other.duckdb"
        con = duckdb.connect(str(other))
        con.execute("CREATE TABLE orders AS SELECT 'X' AS order_id")
        con.close()
        shutil.copy(demo_db, copy)
        os.replace(other, copy)  # swapped for a different file under the same name
        assert gmv(running) == expected
    finally:
        running.close()


def test_an_imported_dataset_whose_file_was_deleted(workspace: Path, tmp_path: Path) -> None:
    from assistant.config import resolve_data
    from assistant.ingest.workspace import import_dataset

    result = import_dataset(export(tmp_path / "a.csv", 10), "gone")
    Path(result.dataset.path).unlink()
    with pytest.raises(ToolError) as caught:
        resolve_data("gone")
    assert caught.value.code == "dataset_missing" and "Import" in caught.value.message("en")
    assert "重新导入" in caught.value.message("zh")


# --- imports: disk full, crashes -----------------------------------------------------------------

def export(path: Path, amount: int) -> Path:
    path.write_text("order_id,customer_id,order_time,pay_amount\n" + "\n".join(
        f"O{i},C{i % 7},2024-05-{1 + i % 28:02d} 09:00:00,{amount + i}" for i in range(50)) + "\n",
        encoding="utf-8")
    return path


def disk_full(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


@pytest.fixture
def shop(workspace: Path, tmp_path: Path):
    """A dataset 'shop' already imported; returns (datasets folder, fingerprints, GMV, new export)."""
    from assistant.ingest.workspace import datasets_dir, import_dataset

    result = import_dataset(export(tmp_path / "v1.csv", 100), "shop")
    folder = datasets_dir()
    files = {p.name: digest(p) for p in folder.iterdir()}
    assert {"shop.duckdb", "shop.rejected.csv", "datasets.json"} <= set(files)
    with Engine(result.dataset.path) as engine:
        total = gmv(engine)
    return folder, files, total, export(tmp_path / "v2.csv", 900)


def assert_untouched(folder: Path, files: dict[str, str], total: float) -> None:
    assert {p.name: digest(p) for p in folder.iterdir()} == files  # byte-identical, no temp file left
    with Engine(folder / "shop.duckdb") as engine:
        assert gmv(engine) == total


def _raise_on_temp_connect(real):
    def connect(database=":memory:", *args, **kwargs):
        if ".tmp-" in str(database):
            raise duckdb.IOException(f'Could not write file "{database}": No space left on device')
        return real(database, *args, **kwargs)
    return connect


STAGES = {
    "database_file": lambda m, ws: m.setattr(ws, "_write_duckdb", _partial_then_full),
    "duckdb_io_error": lambda m, ws: m.setattr(ws.duckdb, "connect", _raise_on_temp_connect(duckdb.connect)),
    "rejected_rows": lambda m, ws: m.setattr(ws.pd.DataFrame, "to_csv", disk_full),
    "registry": lambda m, ws: m.setattr(ws, "_write_registry", disk_full),
}


def _partial_then_full(tables, target: Path) -> None:
    Path(target).write_bytes(b"DUCK" * 1000)  # half a file, then the disk fills up
    disk_full()


@pytest.mark.parametrize("stage", list(STAGES))
def test_disk_full_during_an_import_keeps_the_previous_dataset(shop, stage: str,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from assistant.ingest import workspace as ws

    folder, files, total, new_export = shop
    STAGES[stage](monkeypatch, ws)
    with pytest.raises(ToolError) as caught:
        ws.import_dataset(new_export, "shop")
    monkeypatch.undo()
    assert caught.value.code == "disk_full"
    assert "disk is full" in caught.value.message("en") and "磁盘已满" in caught.value.message("zh")
    assert "unchanged" in caught.value.message("en") and "未受影响" in caught.value.message("zh")
    assert_untouched(folder, files, total)
    assert ws.import_dataset(new_export, "shop").dataset.rows["orders"] == 50  # space is back: it works


def test_disk_full_on_a_first_import_leaves_nothing(workspace: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from assistant.ingest import workspace as ws

    monkeypatch.setattr(ws, "_write_registry", disk_full)
    with pytest.raises(ToolError) as caught:
        ws.import_dataset(export(tmp_path / "first.csv", 10), "first")
    assert caught.value.code == "disk_full"
    assert sorted(p.name for p in ws.datasets_dir().iterdir()) == []


def test_another_write_error_is_explained(shop, monkeypatch: pytest.MonkeyPatch) -> None:
    from assistant.ingest import workspace as ws

    folder, files, total, new_export = shop

    def denied(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(ws, "_write_registry", denied)
    with pytest.raises(ToolError) as caught:
        ws.import_dataset(new_export, "shop")
    monkeypatch.undo()
    assert caught.value.code == "write_failed" and "Permission denied" in caught.value.message("en")
    assert_untouched(folder, files, total)


class _CrashHalfway(dict):
    """Yields the first table, then fails: a crash in the middle of writing the dataset."""

    def items(self):
        for index, item in enumerate(super().items()):
            if index == 1:
                raise RuntimeError("kaboom halfway")
            yield item


@pytest.mark.parametrize("where", ["building", "writing"])
def test_a_crash_mid_import_leaves_no_partial_dataset(shop, where: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from assistant.ingest import workspace as ws

    folder, files, total, new_export = shop
    if where == "building":
        def crash(*args, **kwargs):
            raise RuntimeError("kaboom in build")
        monkeypatch.setattr(ws, "build_dataset", crash)
    else:
        real = ws._write_duckdb
        monkeypatch.setattr(ws, "_write_duckdb", lambda tables, target: real(_CrashHalfway(tables), target))
    for name in ("shop", "brand_new"):
        with pytest.raises(ToolError) as caught:
            ws.import_dataset(new_export, name)
        assert caught.value.code == "import_failed" and "kaboom" not in caught.value.message("en")
        assert "Nothing was saved" in caught.value.message("en")
    monkeypatch.undo()
    assert_untouched(folder, files, total)
    assert set(ws.list_datasets()) == {"shop"}


def test_the_web_data_tab_reports_disk_full_in_plain_words(shop, monkeypatch: pytest.MonkeyPatch) -> None:
    from assistant.ingest import workspace as ws
    from assistant.web.data_tab import _failure

    _, _, _, new_export = shop
    monkeypatch.setattr(ws, "_write_registry", disk_full)
    with pytest.raises(ToolError) as caught:
        ws.import_dataset(new_export, "shop")
    assert "磁盘已满" in _failure(caught.value, "zh") and "disk is full" in _failure(caught.value, "en")
