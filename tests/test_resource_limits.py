"""One request cannot take the server down: SQL that allocates past DuckDB's limit runs in a watched
worker process, results and kept conversation turns are capped in bytes, and imports are capped on
expanded size and declared rows, each with a clear message and no stack trace."""

from __future__ import annotations

import os
import time
import zipfile
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from assistant.conversation import Conversation, Turn, max_kept_bytes
from assistant.engine import Engine
from assistant.ingest.readers import read_source
from tools.result import ToolError
from tools.sql_worker import MAX_CELL_CHARS, MAX_CELL_ITEMS, resident_bytes


def _own_peak_reset() -> None:
    Path("/proc/self/clear_refs").write_text("5")


def _own_peak() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return 0


@pytest.fixture(scope="module")
def small_memory(demo_db: Path, tmp_path_factory: pytest.TempPathFactory):
    """An engine whose SQL workers may use 1 GB: enough for the demo, far below what these ask."""
    os.environ["ASSISTANT_SQL_WORKER_MEMORY"] = "1GB"
    try:
        engine = Engine(demo_db)
        yield engine
    finally:
        os.environ.pop("ASSISTANT_SQL_WORKER_MEMORY", None)
        engine.close()


@pytest.mark.parametrize("sql", [
    pytest.param("SELECT len(range(1, (SELECT 150000000))) AS n", id="computed-range"),
    pytest.param("SELECT length(repeat('x', (SELECT 2000000000))) AS n", id="computed-repeat"),
    pytest.param("SELECT len(list(o.order_id || repeat('x', 200))) AS n FROM orders o, (SELECT 1 FROM range(40))",
                 id="huge-list-aggregate"),
])
def test_runaway_sql_stops_its_worker_not_the_server(small_memory: Engine, sql: str) -> None:
    _own_peak_reset()
    before = _own_peak()
    answer = small_memory.sql(sql)
    assert answer.error and answer.error["code"] in ("out_of_memory", "timeout"), answer.error
    assert "Traceback" not in answer.answer
    assert _own_peak() - before < 300 * 1024 * 1024  # the server process did not grow
    after = small_memory.sql("SELECT count(*) AS n FROM orders")  # the next query gets a fresh worker
    assert after.ok and after.table()["n"].iat[0] > 0


def test_literal_sizes_are_refused_before_running(engine) -> None:
    for sql in ("SELECT len(range(1, 150000000))", "SELECT repeat('x', 1000000000)",
                "SELECT lpad('x', 500000000, 'y')", "SELECT count(*) FROM generate_series(1, 10000000000)"):
        answer = engine.sql(sql)
        assert answer.error and answer.error["code"] == "sql_too_large", (sql, answer.error)


def test_cells_and_results_are_bounded(engine) -> None:
    answer = engine.sql("SELECT repeat('x', 90000) AS wide, list(customer_id) AS ids FROM customers")
    assert answer.ok and answer.tables[0].truncated
    row = answer.table().iloc[0]
    assert len(row["wide"]) <= MAX_CELL_CHARS + 1 and len(row["ids"]) <= MAX_CELL_ITEMS
    assert len(str(answer.to_json())) < 2_000_000


def test_workers_are_processes_of_their_own(engine) -> None:
    assert engine.sql("SELECT 1 AS one").ok
    pool = engine.warehouse._workers()
    worker = pool._idle.queue[0]
    assert worker.process.pid != os.getpid() and resident_bytes(worker.process.pid) > 0


def test_a_conversation_keeps_a_bounded_number_of_bytes(engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_CONVERSATION_MB", "2")
    conversation = Conversation(engine)
    for _ in range(5):  # five wide answers, each about 0.7 MB
        answer = engine.sql("SELECT o.*, repeat('x', 200) AS pad FROM orders o LIMIT 1500", limit=5000)
        assert answer.ok
        conversation._keep(Turn("wide rows please", answer))
    assert len(conversation.turns) == 5
    assert sum(t.size for t in conversation.turns) <= max_kept_bytes()
    assert conversation.turns[-1].answer.tables  # the newest answer is always whole
    oldest = conversation.turns[0].answer
    assert not oldest.tables and oldest.tool_calls and oldest.answer  # a follow-up still knows what it was


# --- imports ----------------------------------------------------------------------------------

def _ratio_bomb(path: Path) -> None:
    """A workbook of 60 MB of repeated cells that zips to well under 1 MB."""
    row = "<row>" + "<c t=\"inlineStr\"><is><t>aaaaaaaa</t></is></c>" * 20 + "</row>"
    sheet = "<worksheet><sheetData>" + row * (60_000_000 // len(row)) + "</sheetData></worksheet>"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", sheet)


def test_a_small_workbook_that_unpacks_a_hundredfold_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    _ratio_bomb(path)
    assert path.stat().st_size < 2_000_000
    started = time.monotonic()
    with pytest.raises(ToolError) as refused:
        read_source(path)
    assert refused.value.code == "file_too_large" and time.monotonic() - started < 5
    assert "unpacks" in refused.value.message("en")


def test_a_parquet_declaring_tens_of_millions_of_rows_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "many.parquet"
    with duckdb.connect() as con:
        con.execute(f"COPY (SELECT 1 AS a FROM range(30000000)) TO '{path}' (FORMAT parquet)")
    assert path.stat().st_size < 5_000_000
    with pytest.raises(ToolError) as refused:
        read_source(path)
    assert refused.value.code == "too_many_rows" and "30,000,000" in refused.value.message("en")


def test_row_cap_applies_to_text_and_excel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_MAX_IMPORT_ROWS", "100")
    frame = pd.DataFrame({"buyer": range(500), "paid": [1.5] * 500, "time": ["2025-01-01"] * 500})
    frame.to_csv(tmp_path / "many.csv", index=False)
    frame.to_excel(tmp_path / "many.xlsx", index=False)
    for name in ("many.csv", "many.xlsx"):
        with pytest.raises(ToolError) as refused:
            read_source(tmp_path / name)
        assert refused.value.code == "too_many_rows", name
        assert "100" in refused.value.message("zh")


def _sparse_workbook(path: Path, last_row: int) -> None:
    """A 2 KB workbook declaring all 16,384 columns, with a cell far down: openpyxl pads every row
    it reads to the declared width."""
    sheet = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
             'spreadsheetml/2006/main"><dimension ref="A1:XFD1048576"/><sheetData>'
             '<row r="1"><c r="A1" t="inlineStr"><is><t>订单号</t></is></c><c r="XFD1" t="inlineStr"><is><t>x</t>'
             f'</is></c></row><row r="{last_row}"><c r="A{last_row}" t="inlineStr"><is><t>1</t></is></c></row>'
             '</sheetData></worksheet>')
    ns = "http://schemas.openxmlformats.org"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", f'<Types xmlns="{ns}/package/2006/content-types"><Default '
                    'Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                    '<Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
                    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
                    'officedocument.spreadsheetml.worksheet+xml"/></Types>')
        zf.writestr("_rels/.rels", f'<Relationships xmlns="{ns}/package/2006/relationships"><Relationship Id="rId1" '
                    f'Type="{ns}/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
                    '</Relationships>')
        zf.writestr("xl/workbook.xml", f'<workbook xmlns="{ns}/spreadsheetml/2006/main" xmlns:r="{ns}/'
                    'officeDocument/2006/relationships"><sheets><sheet name="orders" sheetId="1" r:id="rId1"/>'
                    '</sheets></workbook>')
        zf.writestr("xl/_rels/workbook.xml.rels", f'<Relationships xmlns="{ns}/package/2006/relationships">'
                    f'<Relationship Id="rId1" Type="{ns}/officeDocument/2006/relationships/worksheet" '
                    'Target="worksheets/sheet1.xml"/></Relationships>')
        zf.writestr("xl/worksheets/sheet1.xml", sheet)


def test_a_workbook_declaring_every_column_is_read_within_bounds(tmp_path: Path) -> None:
    _own_peak_reset()
    before = _own_peak()
    _sparse_workbook(tmp_path / "wide.xlsx", 20_000)
    assert [len(t.df.columns) for t in read_source(tmp_path / "wide.xlsx")] == [1]  # read 300 columns wide
    _sparse_workbook(tmp_path / "far.xlsx", 1_000_000)
    with pytest.raises(ToolError) as refused:
        read_source(tmp_path / "far.xlsx")
    assert refused.value.code == "too_many_cells"
    assert _own_peak() - before < 1024 * 1024 * 1024  # was 10 GB


def test_a_parquet_of_few_rows_that_unpacks_to_gigabytes_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "strings.parquet"
    with duckdb.connect() as con:
        con.execute(f"COPY (SELECT repeat('x', 100_000_000) AS s FROM range(20)) TO '{path}' "
                    "(FORMAT parquet, COMPRESSION zstd)")
    assert path.stat().st_size < 1_000_000
    with pytest.raises(ToolError) as refused:
        read_source(path)
    assert refused.value.code == "file_too_large"


def test_one_row_of_nested_lists_is_bounded_too(engine) -> None:
    sql = ("SELECT list(s) AS big FROM (SELECT list(repeat('x', 100)) AS s FROM range(100000) t(i) "
           "GROUP BY i % 100)")
    answer = engine.sql(sql)
    assert answer.ok and answer.tables[0].truncated
    assert len(str(answer.to_json())) < 200_000 and len(answer.answer) < 400  # the sentence says a short value


def test_the_upload_route_has_the_import_size_limit(live_server) -> None:
    from assistant.ingest.readers import max_upload_bytes

    assert live_server.built.blocks.max_file_size == max_upload_bytes()
