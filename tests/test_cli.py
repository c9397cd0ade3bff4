"""The CLI as a person and a script use it: real subprocesses, the JSON contract, exit codes."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import cli_env

CONTRACT_KEYS = {"answer", "language", "mode", "tool_calls", "tables", "charts", "sql", "recommendations", "error"}


def run_cli(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "assistant.cli", *args],
        capture_output=True, text=True, env=cli_env(home), timeout=300,
    )


@pytest.fixture
def home_with_demo(tmp_path: Path, demo_db: Path) -> Path:
    """A workspace that already holds the demo database (saves rebuilding it per test)."""
    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(demo_db, home / "demo.duckdb")
    return home


def check_contract(payload: dict) -> None:
    assert set(payload) >= CONTRACT_KEYS
    assert payload["language"] in ("zh", "en") and payload["mode"] == "offline"
    for call in payload["tool_calls"]:
        assert isinstance(call["name"], str) and isinstance(call["args"], dict)
    for table in payload["tables"]:
        assert isinstance(table["truncated"], bool)
        assert all(len(row) == len(table["columns"]) for row in table["rows"])
    for chart in payload["charts"]:
        assert chart["title"] and "data" in chart["plotly"]
    assert all(isinstance(s, str) for s in payload["sql"] + payload["recommendations"])


def test_rfm_tool_json_segment_sizes_sum_to_buyers(home_with_demo: Path, raw_tables) -> None:
    done = run_cli(home_with_demo, "tool", "rfm_segments", "--json")
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    check_contract(payload)
    segments = next(t for t in payload["tables"] if t["name"] == "segments")
    count = segments["columns"].index("customers")
    orders = raw_tables["orders"]
    assert sum(row[count] for row in segments["rows"]) == orders.loc[orders.status == "paid", "customer_id"].nunique()
    customers = next(t for t in payload["tables"] if t["name"] == "customers")
    assert customers["truncated"] and len(customers["rows"]) == 1000


@pytest.mark.parametrize(
    "question,tool,language",
    [("各个RFM分群分别有多少用户？", "rfm_segments", "zh"),
     ("What is our repurchase rate this year?", "metric_query", "en"),
     ("沉睡客户应该怎么运营？", "segment_strategy", "zh")],
)
def test_ask_json(home_with_demo: Path, question: str, tool: str, language: str) -> None:
    done = run_cli(home_with_demo, "ask", "--json", question)
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    check_contract(payload)
    assert payload["tool_calls"][0]["name"] == tool
    assert payload["language"] == language and payload["error"] is None


def test_ask_text_output(home_with_demo: Path) -> None:
    done = run_cli(home_with_demo, "ask", "最近30天的GMV是多少？", "--show-sql")
    assert done.returncode == 0
    assert "GMV" in done.stdout and "metric_query" in done.stdout and "SELECT" in done.stdout


def test_hostile_sql_fails_with_clear_message(home_with_demo: Path, tmp_path: Path) -> None:
    target = tmp_path / "leak.csv"
    done = run_cli(home_with_demo, "sql", f"COPY orders TO '{target}'", "--json")
    assert done.returncode == 1
    payload = json.loads(done.stdout)
    check_contract(payload)
    assert payload["error"]["code"] == "sql_not_read_only"
    assert not target.exists()


def test_sql_command_and_row_cap(home_with_demo: Path) -> None:
    done = run_cli(home_with_demo, "sql", "SELECT * FROM orders", "--limit", "5", "--json")
    payload = json.loads(done.stdout)
    assert done.returncode == 0
    assert payload["tables"][0]["truncated"] and len(payload["tables"][0]["rows"]) == 5


def test_tools_listing(home_with_demo: Path) -> None:
    done = run_cli(home_with_demo, "tools", "--json")
    tools = {t["name"]: t for t in json.loads(done.stdout)}
    assert {"describe_data", "run_sql", "metric_query", "rfm_segments", "segment_strategy"} <= set(tools)
    assert "metric" in tools["metric_query"]["parameters"]["properties"]


def test_bad_tool_args_exit_nonzero(home_with_demo: Path) -> None:
    done = run_cli(home_with_demo, "tool", "metric_query", "--args", "{not json", "--json")
    assert done.returncode == 1 and json.loads(done.stdout)["error"]["code"] == "bad_arguments"
    unknown = run_cli(home_with_demo, "tool", "no_such_tool", "--json")
    assert unknown.returncode == 1 and json.loads(unknown.stdout)["error"]["code"] == "unknown_tool"


def test_data_flag_opens_file_read_only(home_with_demo: Path, demo_db: Path, tmp_path: Path) -> None:
    copy = tmp_path / "shop.duckdb"
    shutil.copy(demo_db, copy)
    before = copy.read_bytes()
    done = run_cli(home_with_demo, "ask", "--data", str(copy), "--json", "What data do you have?")
    assert done.returncode == 0
    assert json.loads(done.stdout)["tool_calls"][0]["name"] == "describe_data"
    assert copy.read_bytes() == before
    missing = run_cli(home_with_demo, "ask", "--data", str(tmp_path / "none.duckdb"), "--json", "GMV?")
    assert missing.returncode == 1 and json.loads(missing.stdout)["error"]["code"] == "data_not_found"


def test_first_run_creates_demo_database(tmp_path: Path) -> None:
    home = tmp_path / "fresh-home"
    done = run_cli(home, "ask", "--json", "How many customers are in each RFM segment?")
    assert done.returncode == 0, done.stderr
    assert (home / "demo.duckdb").is_file()
    assert json.loads(done.stdout)["tool_calls"][0]["name"] == "rfm_segments"


def test_chat_reads_questions_from_stdin(home_with_demo: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "chat"], input="哪个品类卖得最好？\n\n",
        capture_output=True, text=True, env=cli_env(home_with_demo), timeout=300,
    )
    assert done.returncode == 0
    assert "品类" in done.stdout and "metric_query" in done.stdout


def test_ask_uses_the_llm_agent_when_configured(home_with_demo: Path) -> None:
    from tests.openai_stub import StubOpenAI, text, tool_call

    script = (tool_call("rfm_segments", {}), text("冠军客户贡献了最多的收入（rfm_segments）。"))
    with StubOpenAI(*script) as stub:
        env = cli_env(home_with_demo) | {"OPENAI_API_KEY": "test-key", "OPENAI_BASE_URL": stub.base_url}
        done = subprocess.run(
            [sys.executable, "-m", "assistant.cli", "ask", "--json", "哪个分群贡献最多收入？"],
            capture_output=True, text=True, env=env, timeout=300,
        )
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    check_contract(payload | {"mode": "offline"})  # same shape; only the mode differs
    assert payload["mode"] == "llm" and payload["tool_calls"][0]["name"] == "rfm_segments"
    assert "冠军客户" in payload["answer"]
    assert any(t["name"] == "segments" for t in payload["tables"])


def test_ask_falls_back_offline_when_the_llm_is_down(home_with_demo: Path) -> None:
    from tests.openai_stub import dead_url

    env = cli_env(home_with_demo) | {"OPENAI_API_KEY": "test-key", "OPENAI_BASE_URL": dead_url(),
                                     "ASSISTANT_LLM_TIMEOUT": "3", "ASSISTANT_LLM_MAX_RETRIES": "0"}
    done = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "ask", "--json", "各个RFM分群分别有多少用户？"],
        capture_output=True, text=True, env=env, timeout=300,
    )
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    assert payload["mode"] == "offline" and payload["tool_calls"][0]["name"] == "rfm_segments"
    assert "Traceback" not in done.stderr and done.stderr.strip()


def test_export_saves_every_table_formula_safe(home_with_demo: Path, tmp_path: Path) -> None:
    import openpyxl

    target = tmp_path / "out" / "segments.xlsx"
    done = run_cli(home_with_demo, "ask", "各RFM分群有多少人？", "--json", "--export", str(target))
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == [t["name"] for t in payload["tables"]]
    sheet = book[payload["tables"][0]["name"]]
    assert sheet.max_row - 1 == payload["tables"][0]["row_count"]
    assert payload["files"][0]["path"] == str(target.resolve())

    csv_target = tmp_path / "gmv.csv"
    done = run_cli(home_with_demo, "sql", "SELECT '=1+1' AS trap, 2 AS n", "--export", str(csv_target))
    assert done.returncode == 0, done.stderr
    assert csv_target.read_text(encoding="utf-8-sig").splitlines() == ["trap,n", "'=1+1,2"]

    done = run_cli(home_with_demo, "ask", "上个月GMV", "--export", str(tmp_path / "x.pdf"))
    assert done.returncode == 1 and ".xlsx" in done.stderr


def test_eval_scores_a_question_set(home_with_demo: Path, tmp_path: Path) -> None:
    cases = tmp_path / "cases.yaml"
    cases.write_text(
        "- q: 上个月的GMV是多少？\n  tool: metric_query\n  args: {metric: gmv, period: last_month}\n"
        "- q: 各RFM分群有多少人？\n  tool: rfm_segments\n"
        "- q: 沉睡客户怎么唤醒？\n  tool: rfm_segments\n",  # wrong on purpose: it is segment_strategy
        encoding="utf-8")
    done = run_cli(home_with_demo, "eval", str(cases), "--json", "--min-accuracy", "0.9")
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    assert report["cases"] == 3 and abs(report["accuracy"] - 2 / 3) < 1e-9
    assert report["per_tool"]["rfm_segments"] == {"right": 1, "total": 2, "accuracy": 0.5}
    (failure,) = report["failures"]
    assert failure["got"] == "segment_strategy" and failure["why"] == "wrong tool"

    text = run_cli(home_with_demo, "eval", str(cases))
    assert text.returncode == 0 and "overall" in text.stdout and "66.7%" in text.stdout

    cases.write_text("not: a list", encoding="utf-8")
    bad = run_cli(home_with_demo, "eval", str(cases))
    assert bad.returncode == 1 and "question set" in bad.stderr
