"""Red team (d): resources.

Requirements: answers and kept conversation turns are capped in bytes; list- and string-building SQL
functions are capped or refused (`SELECT len(range(1, 150000000))` must not balloon the server's
memory); queries DuckDB cannot bound run where an RSS limit holds, so one request cannot take the
server down; imports are limited on expanded size (an xlsx small zipped and huge unzipped) and on
declared rows (a parquet declaring tens of millions of rows), with clear messages, no stack traces.

The server runs in a subprocess (`assistant serve`), so its memory is its own: before each attack the
peak resident set is reset (`echo 5 > /proc/PID/clear_refs`) and after it VmHWM is read, and a thread
polls VmRSS as a second opinion. The model is the local stub, reached by the server over HTTP.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import REPO
from tests.openai_stub import StubOpenAI, text, tool_call
from tests.redteam_support import (
    MB,
    PeakWatcher,
    RawIndex,
    SubprocessServer,
    index_for,
    module_home,
    peak,
    reset_peak,
    rss,
)

GROWTH_LIMIT = 500 * MB  # what one request may add to the server's peak memory
BODY_LIMIT = 16 * MB  # an answer for a request that would produce 50 MB or more


@pytest.fixture(scope="module")
def raw(demo_contacts, demo_db) -> RawIndex:
    return index_for(demo_contacts, demo_db)


@pytest.fixture(scope="module")
def model(rt_model):
    return rt_model


@pytest.fixture(scope="module")
def server(rt_server):
    if not rt_server.alive():
        rt_server.restart()
    return rt_server


@pytest.fixture(autouse=True)
def _server_survives(request: pytest.FixtureRequest) -> None:
    yield
    if "server" in request.fixturenames:
        server = request.getfixturevalue("server")
        assert server.alive(), "the server went down: " + server.log.read_text(errors="ignore")[-1500:]


def script(model: StubOpenAI, *replies) -> None:
    with model._lock:
        model.script = list(replies)
        model.requests.clear()


def measured(server: SubprocessServer, call) -> tuple[Any, int, float]:
    """(result, peak growth in bytes of the server process, seconds)."""
    base = reset_peak(server.pid)
    started = time.monotonic()
    with PeakWatcher(server.pid) as watcher:
        result = call()
    seconds = time.monotonic() - started
    try:
        top = max(peak(server.pid), watcher.max)
    except OSError:  # the process is gone: it certainly ballooned
        top = base + 10 * GROWTH_LIMIT
    return result, top - base, seconds


def run_sql(server: SubprocessServer, sql: str, **extra: Any) -> httpx.Response:
    return httpx.post(server.url + "api/tools/run_sql", json={"args": {"sql": sql}, **extra}, timeout=180)


# --------------------------------------------------------------------------------------------------
# List- and string-building SQL
# --------------------------------------------------------------------------------------------------

BUILDERS = [
    ("range_150m", "SELECT len(range(1, 150000000)) AS n"),
    ("generate_series_150m", "SELECT len(generate_series(1, 150000000)) AS n"),
    ("repeat_400mb", "SELECT length(repeat('x', 400000000)) AS n"),
    ("lpad_400mb", "SELECT length(lpad('x', 400000000, 'y')) AS n"),
    ("rpad_400mb", "SELECT length(rpad('x', 400000000, 'y')) AS n"),
    ("string_agg_orders", "SELECT length(string_agg(repeat('x', 3000), '')) AS n FROM orders"),
    ("list_agg_orders", "SELECT len(list(repeat('x', 3000))) AS n FROM orders"),
    ("printf_width", "SELECT length(printf('%0400000000d', 1)) AS n"),
    ("list_resize", "SELECT len(list_resize([1], 150000000)) AS n"),
    ("split_huge", "SELECT len(str_split(repeat('a,', 60000000), ',')) AS n"),
    ("lambda_over_range", "SELECT len(list_transform(range(100000000), lambda x: x + 1)) AS n"),
    ("json_of_range", "SELECT length(to_json(range(40000000))) AS n"),
    ("list_concat", "SELECT len(list_concat(range(80000000), range(80000000))) AS n"),
    ("replace_growth", "SELECT length(replace(repeat('a', 100000000), 'a', 'aaaa')) AS n"),
    ("unnest_range", "SELECT count(*) AS n FROM (SELECT unnest(range(150000000)) AS x)"),
    ("nested_repeat", "SELECT length(repeat(repeat('x', 20000), 20000)) AS n"),
    ("recursive_doubling_list", "WITH RECURSIVE r(x) AS (SELECT [1] UNION ALL SELECT list_concat(x, x) FROM r "
                                "WHERE len(x) < 100000000) SELECT max(len(x)) AS n FROM r"),
    ("recursive_doubling_string", "WITH RECURSIVE r(s) AS (SELECT 'x' UNION ALL SELECT s || s FROM r "
                                  "WHERE length(s) < 300000000) SELECT max(length(s)) AS n FROM r"),
]


@pytest.mark.parametrize(("name", "sql"), BUILDERS, ids=[b[0] for b in BUILDERS])
def test_building_functions_do_not_balloon_the_server(server: SubprocessServer, name: str, sql: str) -> None:
    response, growth, seconds = measured(server, lambda: run_sql(server, sql))
    assert response.status_code < 500 and "Traceback" not in response.text, response.text[:300]
    assert growth < GROWTH_LIMIT, f"{name}: the server's memory grew by {growth / MB:.0f} MB for one query"


def test_concurrent_bombs_leave_the_server_answering(server: SubprocessServer) -> None:
    import concurrent.futures

    sqls = ["SELECT len(range(1, 200000000)) AS n", "SELECT length(repeat('x', 600000000)) AS n",
            "SELECT len(list_concat(range(90000000), range(90000000))) AS n"]

    def fire() -> list[httpx.Response]:
        with concurrent.futures.ThreadPoolExecutor(3) as pool:
            return list(pool.map(lambda s: run_sql(server, s), sqls))

    responses, growth, _ = measured(server, fire)
    assert all(r.status_code < 500 for r in responses), [r.status_code for r in responses]
    assert growth < 2 * GROWTH_LIMIT, f"three queries at once grew the server by {growth / MB:.0f} MB"
    after = run_sql(server, "SELECT count(*) AS n FROM orders")
    assert after.status_code == 200 and after.json()["tables"][0]["rows"][0][0] > 0


# --------------------------------------------------------------------------------------------------
# Big answers
# --------------------------------------------------------------------------------------------------

BIG_ANSWERS = [
    ("one_huge_cell", "SELECT repeat('x', 60000000) AS big", {}),
    ("many_big_cells", "SELECT repeat('x', 8000) AS c, order_id FROM orders LIMIT 10000", {"max_rows": 0}),
    ("wide_row", "SELECT " + ", ".join(f"repeat('y', 12000) AS c{i}" for i in range(5000)), {}),
    ("huge_list_cell", "SELECT range(8000000) AS l", {}),
]


@pytest.mark.parametrize(("name", "sql", "extra"), BIG_ANSWERS, ids=[b[0] for b in BIG_ANSWERS])
def test_answers_are_capped_in_bytes(server: SubprocessServer, name: str, sql: str, extra: dict) -> None:
    response, growth, _ = measured(server, lambda: run_sql(server, sql, **extra))
    assert response.status_code < 500 and "Traceback" not in response.text[:5000]
    assert len(response.content) < BODY_LIMIT, f"{name}: a {len(response.content) / MB:.0f} MB answer"
    assert growth < GROWTH_LIMIT, f"{name}: the server grew by {growth / MB:.0f} MB"


def test_v1_answer_is_capped_in_bytes(server: SubprocessServer, model: StubOpenAI) -> None:
    script(model, tool_call("run_sql", {"sql": "SELECT repeat('z', 60000000) AS big"}), text("见表。"))
    body = {"model": "live-commerce-assistant", "messages": [{"role": "user", "content": "给我一个大表"}]}
    response = httpx.post(server.url + "v1/chat/completions", json=body, timeout=180)
    assert response.status_code < 500
    assert len(response.content) < BODY_LIMIT, f"a {len(response.content) / MB:.0f} MB reply"


def test_model_text_is_capped_in_bytes(server: SubprocessServer, model: StubOpenAI) -> None:
    script(model, text("长" * 20_000_000))
    response, growth, _ = measured(server, lambda: httpx.post(server.url + "api/ask",
                                                              json={"question": "总结一下"}, timeout=180))
    assert model.requests, "the model was not asked"
    assert response.status_code < 500
    assert len(response.content) < BODY_LIMIT, f"a {len(response.content) / MB:.0f} MB answer"


# --------------------------------------------------------------------------------------------------
# Kept conversation turns
# --------------------------------------------------------------------------------------------------

def test_history_sent_to_the_model_stays_bounded(server: SubprocessServer, model: StubOpenAI) -> None:
    """Each reply is 400 KB; what the model is sent after ten turns must not carry them all."""
    script(model, text("回" * 400_000))
    conversation = None
    for _ in range(10):
        payload = {"question": "继续分析"} | ({"conversation_id": conversation} if conversation else {})
        response = httpx.post(server.url + "api/ask", json=payload, timeout=180)
        conversation = response.json().get("conversation_id")
    sizes = [len(json.dumps(r, ensure_ascii=False).encode()) for r in model.requests]
    assert sizes, "the model was not asked"
    assert sizes[-1] < 2 * MB, f"the tenth call sent the model {sizes[-1] / MB:.1f} MB of history"


def test_kept_turns_of_many_conversations_stay_bounded(server: SubprocessServer, model: StubOpenAI) -> None:
    """Twenty conversations, each holding a 10 MB answer: the server must not keep them whole."""
    sql = "SELECT repeat('k', 100000) AS c, order_id FROM orders LIMIT 100"
    script(model, tool_call("run_sql", {"sql": sql}), text("好的。"))
    before = rss(server.pid)
    for _ in range(20):
        with model._lock:
            model.requests.clear()
        httpx.post(server.url + "api/ask", json={"question": "查一下"}, timeout=180)
    time.sleep(1)
    grown = rss(server.pid) - before
    assert grown < 150 * MB, f"twenty conversations kept {grown / MB:.0f} MB"


def test_one_conversation_does_not_grow_without_bound(server: SubprocessServer, model: StubOpenAI) -> None:
    sql = "SELECT repeat('m', 100000) AS c, order_id FROM orders LIMIT 100"
    script(model, tool_call("run_sql", {"sql": sql}), text("好的。"))
    before = rss(server.pid)
    conversation = None
    for _ in range(15):
        with model._lock:
            model.requests.clear()
        payload = {"question": "再查一下"} | ({"conversation_id": conversation} if conversation else {})
        conversation = httpx.post(server.url + "api/ask", json=payload, timeout=180).json().get("conversation_id")
    time.sleep(1)
    grown = rss(server.pid) - before
    assert grown < 150 * MB, f"one conversation kept {grown / MB:.0f} MB over 15 turns"


# --------------------------------------------------------------------------------------------------
# Import bombs
# --------------------------------------------------------------------------------------------------

def xlsx_bomb(path: Path, rows: int = 1_500_000) -> Path:
    """A valid workbook whose one sheet is ~150 MB of XML but compresses to well under a megabyte."""
    head = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            '<row r="1"><c r="A1" t="inlineStr"><is><t>order_id</t></is></c><c r="B1" t="inlineStr"><is><t>'
            'customer_id</t></is></c><c r="C1" t="inlineStr"><is><t>order_time</t></is></c>'
            '<c r="D1" t="inlineStr"><is><t>pay_amount</t></is></c></row>')
    files = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
        'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
        'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
        'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="orders" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.'
        'org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
    }
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
        row = ('<row><c t="inlineStr"><is><t>O1</t></is></c><c t="inlineStr"><is><t>C1</t></is></c>'
               '<c t="inlineStr"><is><t>2024-01-01 10:00:00</t></is></c><c><v>10</v></c></row>')
        chunk = (row * 10_000).encode()
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(head.encode())
            for _ in range(rows // 10_000):
                sheet.write(chunk)
            sheet.write(b"</sheetData></worksheet>")
    return path


def parquet_declaring_rows(path: Path, rows: int = 40_000_000) -> Path:
    """A small parquet file (dictionary-encoded constants) that declares tens of millions of rows."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    indices = pa.array(np.zeros(rows, dtype=np.int8))
    columns = {name: pa.DictionaryArray.from_arrays(indices, pa.array([value]))
               for name, value in (("order_id", "O1"), ("customer_id", "C1"), ("order_time", "2024-01-01 10:00:00"),
                                   ("pay_amount", "10"))}
    pq.write_table(pa.table(columns), path, row_group_size=10_000_000, use_dictionary=True, compression="zstd")
    return path


@pytest.fixture(scope="module")
def bombs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("bombs")
    return {"xlsx": xlsx_bomb(folder / "orders.xlsx"), "parquet": parquet_declaring_rows(folder / "orders.parquet")}


def run_cli_measured(args: list[str], home: Path, timeout: float = 90) -> tuple[subprocess.CompletedProcess | None,
                                                                                 int, float]:
    env = dict(os.environ) | {"ASSISTANT_HOME": str(home)}
    started = time.monotonic()
    process = subprocess.Popen([sys.executable, "-m", "assistant.cli", *args], cwd=REPO, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with PeakWatcher(process.pid) as watcher:
        try:
            out, err = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            out, err = process.communicate()
            return None, watcher.max, time.monotonic() - started
    done = subprocess.CompletedProcess(process.args, process.returncode, out, err)
    return done, watcher.max, time.monotonic() - started


@pytest.mark.parametrize("kind", ["xlsx", "parquet"])
def test_import_bomb_is_refused_by_the_cli(bombs: dict[str, Path], kind: str) -> None:
    source = bombs[kind]
    assert source.stat().st_size < 5 * MB
    done, top, seconds = run_cli_measured(["import", str(source), "--dry-run"], module_home("resources-cli"))
    assert done is not None, f"the {kind} import was still running after {seconds:.0f} s (peak {top / MB:.0f} MB)"
    assert "Traceback" not in done.stdout + done.stderr, (done.stdout + done.stderr)[-1500:]
    assert done.returncode != 0, f"the {kind} bomb was accepted (peak {top / MB:.0f} MB)"
    assert (done.stdout + done.stderr).strip(), "refused without a message"
    assert top < 1200 * MB, f"reading the {kind} bomb took {top / MB:.0f} MB"


@pytest.mark.parametrize("kind", ["xlsx", "parquet"])
def test_import_bomb_is_refused_by_the_web_app(server: SubprocessServer, bombs: dict[str, Path], kind: str) -> None:
    import gradio_client

    client = gradio_client.Client(server.url, verbose=False)

    def preview() -> str:
        try:
            report, _ = client.predict([gradio_client.handle_file(str(bombs[kind]))], "", "en",
                                       api_name="/preview_import")
            return str(report)
        except Exception as error:  # noqa: BLE001 - an error event is a refusal too
            return f"error event: {error}"

    report, growth, seconds = measured(server, preview)
    assert "Traceback" not in report
    assert not report.startswith("ℹ") and ("❌" in report or "error event" in report), \
        f"the {kind} bomb was previewed as data: {report[:300]}"
    assert growth < GROWTH_LIMIT, f"previewing the {kind} bomb grew the server by {growth / MB:.0f} MB"
    assert seconds < 60


def test_import_declared_rows_limit_holds_through_the_api_dataset_path(bombs: dict[str, Path], demo_db: Path) -> None:
    """`--data` takes an export and imports it on the fly: the same limits apply."""
    done, top, seconds = run_cli_measured(["ask", "总GMV是多少", "--data", str(bombs["parquet"]), "--json"],
                                          module_home("resources-cli2"))
    assert done is not None, f"still running after {seconds:.0f} s (peak {top / MB:.0f} MB)"
    assert "Traceback" not in done.stdout + done.stderr
    assert done.returncode != 0, "an answer was computed over a file declaring 40 million rows"
    assert top < 1200 * MB
