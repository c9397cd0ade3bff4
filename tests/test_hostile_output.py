"""Output handling (issue 7): data values with HTML, Markdown and formulas.

Already covered elsewhere: tests/test_web_app.py::test_hostile_text_is_inert (a hostile question
through the running app) and ::test_escape_keeps_values_inert (three escape_md cases);
tests/test_export_segment.py (formula cells through neutralise_formulas and export_segment).
Here: every hostile value through the chat renderers (escape_md, answer_markdown, step_markdown,
display_frame) and through every file path (export_segment CSV/XLSX, the CLI's --export, the chat's
CSV download), each with its expected inert form."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pytest

from assistant.answer import Answer
from assistant.engine import Engine
from assistant.web.downloads import DOWNLOADS
from assistant.web.render import answer_markdown, csv_download, display_frame, escape_md, step_markdown
from tests.conftest import cli_env, dataset_file
from tools.exports import table_bytes
from tools.privacy import mask_personal

# (value, a substring the rendered Markdown must NOT contain, one it MUST contain)
MARKDOWN_CASES = [
    pytest.param("<script>alert(1)</script>", "<script", "&lt;script&gt;", id="script-tag"),
    pytest.param("<img src=x onerror=alert(1)>", "<img", "&lt;img", id="img-onerror"),
    pytest.param("<iframe src=//e.vil></iframe>", "<iframe", "&lt;iframe", id="iframe"),
    pytest.param("<a href='javascript:alert(1)'>x</a>", "<a ", "&lt;a ", id="anchor-js"),
    pytest.param("![x](http://e.vil/p.png)", "![x](", "!\\[x\\](", id="md-image"),
    pytest.param("[点我](javascript:alert(1))", "[点我](", "\\[点我\\](", id="md-link-js"),
    pytest.param("[x](http://e.vil)", "[x](", "\\[x\\](", id="md-link"),
    pytest.param("<http://e.vil>", "<http", "&lt;http", id="autolink"),
    pytest.param("&lt;b&gt;hi&amp;", "&lt;b&gt;hi", "&amp;lt;b&amp;gt;hi&amp;amp;", id="html-entities"),
    pytest.param("&#60;script&#62;", "&#60;", "&amp;#60;", id="numeric-entities"),
    pytest.param("# 标题", "\n# ", "\\# 标题", id="md-heading"),
    pytest.param("## h2\n### h3", "\n### h3", "\\### h3", id="md-headings-multiline"),
    pytest.param("| a | b |\n|---|---|\n| 1 | 2 |", "| a |", "\\| a \\|", id="md-table"),
    pytest.param("> quote", "\n> ", "&gt; quote", id="blockquote"),
    pytest.param("- item\n+ item\n1. item", "\n- item", "\\- item", id="lists"),
    pytest.param("**bold** _em_ ~~del~~", "**bold**", "\\*\\*bold\\*\\*", id="emphasis"),
    pytest.param("`code` ```fence```", "`code`", "\\`code\\`", id="code"),
    pytest.param("$x^2$ $$y$$", " $x", "\\$x", id="latex"),
    pytest.param("line\n===", "\n===", "\\===", id="setext-heading"),
]

FORMULA_CELLS = ['=HYPERLINK("http://e.vil","点我")', "+cmd|' /C calc'!A0", "-1+2", "@SUM(A1:A9)",
                 "\t=1+1", "=1+1", "=cmd|'/C notepad'!A1", "\n=1+1"]
HTMLISH_CELLS = ["<script>alert(1)</script>", "![x](http://e.vil/p.png)", "[点我](javascript:alert(1))"]


@pytest.mark.parametrize("value,forbidden,expected", MARKDOWN_CASES)
def test_values_render_as_inert_markdown(value: str, forbidden: str, expected: str) -> None:
    shown = escape_md(value)
    assert expected in shown and forbidden not in "\n" + shown
    answer = Answer(f"排名第一的是 {value}（¥1,234）", "zh", recommendations=[f"联系 {value}"],
                    definitions=[{"name": value, "zh": value, "en": value, "formula": value}])
    markdown = answer_markdown(answer, "zh")
    body = markdown.replace("<details><summary>", "").replace("</summary>", "").replace("</details>", "")
    assert forbidden not in "\n" + body.replace("  \n", "\n")
    assert expected in markdown


@pytest.mark.parametrize("value,forbidden,expected", MARKDOWN_CASES)
def test_display_frame_keeps_values_as_plain_text(value: str, forbidden: str, expected: str) -> None:
    """The chat's table is a plain-text grid: the value is shown as it is, never interpreted;
    contact columns are masked (even a frame that somehow arrived unmasked)."""
    frame = pd.DataFrame({"product_name": [value], "nickname": [value], "phone": ["13812345678"], "gmv": [1.5]})
    shown = display_frame(frame)
    assert list(shown.columns) == ["product_name", "nickname", "phone", "gmv"]
    assert shown["product_name"].iat[0] == value and isinstance(shown["product_name"].iat[0], str)
    assert shown["phone"].iat[0] == "138****5678" and shown["nickname"].iat[0].endswith("**")


@pytest.mark.parametrize("payload", [
    pytest.param({"sql": "SELECT 1\n```\n<script>alert(1)</script>\n```"}, id="fence-breakout-in-args"),
    pytest.param({"segment": "```html\n<img src=x onerror=alert(1)>"}, id="fence-in-segment"),
])
def test_tool_step_cannot_break_out_of_its_code_block(payload: dict) -> None:
    markdown = step_markdown(payload, [payload.get("sql", "SELECT 1") + "\n```"], "en")
    assert markdown.count("```") % 2 == 0
    fences = re.findall(r"```(\w*)\n(.*?)\n```", markdown, re.DOTALL)
    outside = re.sub(r"```\w*\n.*?\n```", "", markdown, flags=re.DOTALL)
    assert "<script" not in outside and "<img" not in outside
    assert fences  # the hostile text stays inside the code blocks


def _hostile_db(tmp_path: Path) -> Path:
    names = FORMULA_CELLS + HTMLISH_CELLS
    path = dataset_file(
        tmp_path / "hostile.duckdb",
        "CREATE TABLE orders (order_id BIGINT, customer_id BIGINT, order_time TIMESTAMP, status VARCHAR, "
        "pay_amount DOUBLE)",
        "CREATE TABLE customers (customer_id BIGINT, nickname VARCHAR, phone VARCHAR, province VARCHAR)",
    )
    con = duckdb.connect(str(path))
    con.executemany("INSERT INTO orders VALUES (?, ?, ?, 'paid', ?)",
                    [(i, i % len(names) + 1, f"2025-0{1 + i % 9}-1{i % 10} 10:00:00", 10.0 + i) for i in range(66)])
    con.executemany("INSERT INTO customers VALUES (?, ?, ?, ?)",
                    [(i + 1, n, f"1380000{i:04d}", n) for i, n in enumerate(names)])
    con.close()
    return path


def _cells(path: Path) -> list[object]:
    if path.suffix == ".xlsx":
        book = openpyxl.load_workbook(path)
        cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
        assert all(c.data_type != "f" for c in cells)
        return [c.value for c in cells]
    return pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False).to_numpy().ravel().tolist()


def _no_formula(values: list[object]) -> None:
    texts = [v for v in values if isinstance(v, str)]
    assert not [v for v in texts if v.startswith(("=", "+", "@", "\t", "\r")) or re.match(r"-\d+\+", v)]


@pytest.fixture
def hostile_engine(tmp_path: Path, workspace: Path):
    engine = Engine(_hostile_db(tmp_path))
    # Stored masked (tools.sealing); the raw, hostile nicknames live in the contact store.
    assert set(engine.warehouse.df("SELECT nickname FROM customers")["nickname"]) == {
        mask_personal(v) for v in FORMULA_CELLS + HTMLISH_CELLS}
    yield engine
    engine.close()


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
@pytest.mark.parametrize("personal", [False, True], ids=["masked", "ticked-personal"])
def test_export_segment_files_are_formula_safe(hostile_engine: Engine, file_format: str, personal: bool) -> None:
    answer = hostile_engine.run_tool("export_segment", {"segment": "repeat", "scheme": "lifecycle",
                                                        "format": file_format, "include_personal": personal},
                                     "en", allow_personal=personal)
    assert answer.ok, answer.error
    values = _cells(Path(answer.files[0].path))
    _no_formula(values)
    if personal:  # the nicknames are in the file, as text: neutralised formulas, HTML left as plain text
        assert "'=1+1" in values and "<script>alert(1)</script>" in values


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_cli_export_is_formula_safe(hostile_engine: Engine, tmp_path: Path, suffix: str) -> None:
    from assistant.cli import _save_tables

    answer = hostile_engine.sql("SELECT province, 'x' || province AS tag, 1 AS n FROM customers UNION ALL "
                                "SELECT '=1+1', '@SUM(A1)', -5")
    assert answer.ok
    target = tmp_path / f"out{suffix}"
    _save_tables(answer, str(target))
    values = _cells(target)
    _no_formula(values)
    assert "'=1+1" in values and "'@SUM(A1)" in values
    assert -5 in values or "-5" in values  # numbers stay numbers


def test_cli_export_through_the_command_line(hostile_engine: Engine, tmp_path: Path, workspace: Path) -> None:
    target = tmp_path / "cli.csv"
    command = [sys.executable, "-m", "assistant.cli", "sql", "SELECT '=HYPERLINK(1)' AS a, '+1' AS b",
               "--data", str(hostile_engine.data_path), "--export", str(target)]
    done = subprocess.run(command, capture_output=True, text=True, env=cli_env(workspace), timeout=120)
    assert done.returncode == 0, done.stderr
    assert _cells(target) == ["'=HYPERLINK(1)", "'+1"]


@pytest.mark.parametrize("value", FORMULA_CELLS)
def test_chat_csv_download_is_formula_safe(value: str, tmp_path: Path) -> None:
    link = csv_download(None, pd.DataFrame({"product_name": [value], "phone": ["13812345678"], "gmv": [1]}),
                        "../../x")
    assert link and link.endswith("/x.csv")  # the name cannot climb out of the download route
    offer = DOWNLOADS.take(link.split("/")[-2])
    path = tmp_path / offer.filename
    path.write_bytes(offer.data)
    values = _cells(path)
    _no_formula(values)
    assert "13812345678" not in path.read_text(encoding="utf-8-sig")


@pytest.mark.parametrize("value", FORMULA_CELLS + HTMLISH_CELLS)
def test_table_bytes_round_trip(value: str) -> None:
    frame = pd.DataFrame({value: [value]})  # a hostile header too
    for file_format in ("csv", "xlsx"):
        data = table_bytes(frame, file_format)
        if file_format == "csv":
            values = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype=str, header=None).to_numpy().ravel()
        else:
            sheet = openpyxl.load_workbook(io.BytesIO(data)).active
            values = [c.value for row in sheet.iter_rows() for c in row]
        _no_formula(list(values))


@pytest.mark.parametrize("value", ["\r=1+1", "x\r=2+2"], ids=["cr-first", "cr-inside"])
def test_carriage_return_cannot_start_a_new_csv_row(value: str) -> None:
    data = table_bytes(pd.DataFrame({"nickname": [value]}), "csv").decode("utf-8-sig")
    rows = csv.reader(io.StringIO(data, newline=""))  # like Excel: an unquoted \r or \n ends the row
    _no_formula([cell for row in rows for cell in row])


def test_chart_labels_cannot_become_links() -> None:
    from tools.charts import render
    from tools.result import ChartSpec

    link = '<a href="https://evil.example/coupon">领取优惠券</a>'
    frame = pd.DataFrame({"product": [link, "<b>x</b>"], "gmv": [1, 2]})
    for kind in ("bar", "pie", "treemap"):
        shown = json.dumps(render(ChartSpec(kind, "<img src=x>", "t", "product", "gmv"), frame).to_plotly_json(),
                           ensure_ascii=False, default=str)
        assert "<a " not in shown and "<b>" not in shown and "<img" not in shown
        assert "&lt;a href" in shown  # shown as text
