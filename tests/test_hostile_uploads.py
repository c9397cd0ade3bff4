"""Hostile uploads (issue 7): oversized files, compressed bombs, binaries renamed .csv, empty files,
path-like names. Each through import_dataset (the path every front end takes), expecting a clear
bilingual ToolError and nothing written into the workspace.

Already covered by tests/test_ingest_readers.py on read_source: a PNG / random bytes renamed .csv,
a CSV over ASSISTANT_MAX_UPLOAD_MB, one xlsx bomb (a 5 MB sheet), empty/blank/BOM-only CSVs, an .xlsx
that is not a zip, a zip that is not a workbook, a damaged Parquet file. Not repeated here."""

from __future__ import annotations

import gzip
import zipfile
from pathlib import Path

import duckdb
import openpyxl
import pytest

from assistant.ingest.workspace import _slug, import_dataset
from tools.result import ToolError

GOOD_CSV = "order_no,customer,order date,amount\n1,a,2025-06-18,100\n2,b,2025-06-19,50\n"


def _bomb_xlsx(path: Path, entries: int = 1, size: int = 5_000_000, member: str = "xl/worksheets/sheet1.xml") -> None:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        for i in range(entries):
            zf.writestr(member if entries == 1 else f"xl/worksheets/sheet{i}.xml", b"<" * size)


def _laughs_xlsx(path: Path) -> None:
    """A real workbook whose shared strings carry a 'billion laughs' entity bomb."""
    openpyxl.Workbook().save(path)
    lol = '<!ENTITY l0 "lol">' + "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    bomb = f'<?xml version="1.0"?><!DOCTYPE sst [{lol}]><sst><si><t>&l9;</t></si></sst>'
    with zipfile.ZipFile(path, "a") as zf:
        zf.writestr("xl/sharedStrings.xml", bomb)


def _parquet_bomb(path: Path) -> None:
    con = duckdb.connect()
    con.execute(f"COPY (SELECT 'x' AS customer, 1 AS amount FROM range(5000000)) TO '{path}' (FORMAT parquet)")
    con.close()


def _empty_parquet(path: Path) -> None:
    con = duckdb.connect()
    con.execute(f"COPY (SELECT 'x' AS customer WHERE false) TO '{path}' (FORMAT parquet)")
    con.close()


# (file name, writer, expected code); ASSISTANT_MAX_UPLOAD_MB is 0.05 (about 50 KB) in these tests
HOSTILE_FILES = [
    pytest.param("big.csv", lambda p: p.write_text(GOOD_CSV + "3,c,2025-06-20,10\n" * 5000), "file_too_large",
                 id="csv-over-limit"),
    pytest.param("big.tsv", lambda p: p.write_text(GOOD_CSV.replace(",", "\t") + "3\tc\t2025-06-20\t10\n" * 5000),
                 "file_too_large", id="tsv-over-limit"),
    pytest.param("big.xlsx", lambda p: p.write_bytes(b"PK" + b"\0" * 80_000), "file_too_large", id="xlsx-over-limit"),
    pytest.param("bomb.xlsx", lambda p: _bomb_xlsx(p), "file_too_large", id="xlsx-bomb-one-member"),
    pytest.param("bomb2.xlsx", lambda p: _bomb_xlsx(p, 1, 4_000_000, "xl/sharedStrings.xml"), "file_too_large",
                 id="xlsx-bomb-shared-strings"),
    pytest.param("bomb3.xlsx", lambda p: _bomb_xlsx(p, entries=400, size=20_000), "file_too_large",
                 id="xlsx-bomb-many-members"),
    pytest.param("laughs.xlsx", _laughs_xlsx, {"not_a_table", "empty_file"}, id="xlsx-billion-laughs"),
    pytest.param("bomb.parquet", _parquet_bomb, {"file_too_large", "too_many_rows"}, id="parquet-rle-bomb"),
    pytest.param("orders.csv.gz", lambda p: p.write_bytes(gzip.compress(GOOD_CSV.encode())), "unsupported_file",
                 id="gzip-suffix"),
    pytest.param("orders.csv", lambda p: p.write_bytes(gzip.compress(b"0" * 10_000_000)), "not_a_table",
                 id="gzip-bomb-renamed-csv"),
    pytest.param("orders.zip", lambda p: _bomb_xlsx(p), "unsupported_file", id="zip-suffix"),
    pytest.param("elf.csv", lambda p: p.write_bytes(b"\x7fELF\x02\x01\x01" + bytes(range(256)) * 8), "not_a_table",
                 id="elf-renamed-csv"),
    pytest.param("doc.csv", lambda p: p.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + bytes(range(256)) * 8),
                 "not_a_table", id="pdf-renamed-csv"),
    pytest.param("book.csv", lambda p: openpyxl.Workbook().save(p), "not_a_table", id="xlsx-renamed-csv"),
    pytest.param("db.csv", lambda p: duckdb.connect(str(p)).close(), "not_a_table", id="duckdb-renamed-csv"),
    pytest.param("nul.csv", lambda p: p.write_bytes(b"a,b\n" + b"\x00" * 4000), "not_a_table", id="nul-bytes-csv"),
    pytest.param("sheet.xlsx", lambda p: p.write_bytes(b"%PDF-1.7\n" + b"x" * 100), "not_a_table",
                 id="pdf-renamed-xlsx"),
    pytest.param("data.parquet", lambda p: p.write_text(GOOD_CSV), "not_a_table", id="csv-renamed-parquet"),
    pytest.param("empty.csv", lambda p: p.write_bytes(b""), "empty_file", id="empty-csv"),
    pytest.param("empty.xlsx", lambda p: openpyxl.Workbook().save(p), "empty_file", id="empty-xlsx"),
    pytest.param("empty.parquet", lambda p: _empty_parquet(p),
                 "empty_file", id="empty-parquet"),
    pytest.param("header.csv", lambda p: p.write_text("order_no,customer,order date,amount\n"), "empty_file",
                 id="header-only"),
    pytest.param("orders.exe", lambda p: p.write_bytes(b"MZ" + b"\0" * 100), "unsupported_file", id="exe-suffix"),
    pytest.param("orders.duckdb", lambda p: duckdb.connect(str(p)).close(), "unsupported_file",
                 id="duckdb-suffix-not-imported"),
]


@pytest.fixture
def small_limit(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ASSISTANT_MAX_UPLOAD_MB", "0.05")
    return workspace


@pytest.mark.parametrize("name,write,code", HOSTILE_FILES)
def test_hostile_file_is_rejected_with_a_clear_limit(small_limit: Path, tmp_path: Path, name, write, code) -> None:
    source = tmp_path / "in" / name
    source.parent.mkdir()
    write(source)
    with pytest.raises(ToolError) as caught:
        import_dataset(source)
    error = caught.value
    assert error.code in (code if isinstance(code, set) else {code}), (error.code, error.en)
    assert error.en and error.zh and error.en != error.zh
    if error.code == "file_too_large":
        assert "MB" in error.en or "KB" in error.en
    written = [p for p in small_limit.rglob("*") if p.is_file() and p.name != "datasets.json"]
    assert written == []  # nothing imported, no half-written file


@pytest.mark.parametrize("file_name,slug", [
    pytest.param("../../etc/passwd.csv", "passwd", id="dotdot"),
    pytest.param("/etc/passwd.csv", "passwd", id="absolute"),
    pytest.param("C:\\x\\y.csv", "C_x_y", id="windows-path"),
    pytest.param("a\x00b.csv", "a_b", id="nul"),
    pytest.param("a\nb\r.csv", "a_b", id="newlines"),
    pytest.param("<script>alert(1)</script>.csv", "script", id="html"),
    pytest.param("..csv", "dataset", id="only-dots"),
    pytest.param("....csv", "dataset", id="many-dots"),
    pytest.param(" .csv", "dataset", id="blank"),
    pytest.param("订单 2025.csv", "订单_2025", id="chinese-kept"),
    pytest.param("x" * 300 + ".csv", "x" * 60, id="very-long"),
])
def test_dataset_name_from_a_file_name_is_sanitised(file_name: str, slug: str) -> None:
    assert _slug(file_name) == slug


@pytest.mark.parametrize("file_name", ["a\nb.csv", "C:\\x\\y.csv", "<b>x</b>.csv", "-rf .csv"],
                         ids=["newline", "backslashes", "html", "dash"])
def test_odd_file_names_import_into_the_workspace(workspace: Path, tmp_path: Path, file_name: str) -> None:
    source = tmp_path / file_name.replace("/", "_")
    source.write_text(GOOD_CSV)
    result = import_dataset(source)
    target = Path(result.dataset.path).resolve()
    assert target.parent == (workspace / "datasets").resolve()
    assert "\n" not in target.name and "\\" not in target.name and "<" not in target.name


@pytest.mark.parametrize("name", ["../../escaped", "/tmp/escaped-absolute"], ids=["dotdot", "absolute"])
def test_explicit_dataset_name_cannot_leave_the_workspace(workspace: Path, tmp_path: Path, name: str) -> None:
    source = tmp_path / "o.csv"
    source.write_text(GOOD_CSV)
    escaped = [Path(f"{(workspace / 'datasets' / name).resolve()}{s}") for s in (".duckdb", ".rejected.csv")]
    try:
        result = import_dataset(source, name=name)
        target = Path(result.dataset.path).resolve()
        assert target.parent == (workspace / "datasets").resolve()
    finally:
        for path in escaped:  # never leave the escaped files behind
            if not path.is_relative_to(workspace):
                path.unlink(missing_ok=True)
