"""readers.read_source on files generated here: every encoding x delimiter, title rows, Excel, Parquet,
folders, and the files a person should get a clear bilingual error for."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pytest

from assistant.ingest.readers import read_source, sniff_delimiter, unique_names
from tools.result import ToolError

HEADER = ["订单编号", "下单时间", "实付金额", "收货省份", "备注"]
ROWS = [
    ["100001", "2024-06-18 20:15:30", "1299.00", "广东", "首单"],
    ["100002", "2024/6/19 08:00", "12.5", "浙江", ""],
    ["100003", "2024-06-20", "88", "四川", "直播间, 主播A"],
]


def _csv_text(delimiter: str, rows=ROWS, header=HEADER) -> str:
    def fmt(cell: str) -> str:
        return f'"{cell}"' if delimiter in cell or '"' in cell else cell

    return "".join(delimiter.join(fmt(c) for c in row) + "\r\n" for row in [header, *rows])


def _encode(text: str, encoding: str) -> bytes:
    if encoding == "utf-16":
        return text.encode("utf-16")  # with BOM
    if encoding == "utf-16-be":
        return b"\xfe\xff" + text.encode("utf-16-be")
    return text.encode(encoding)


def _check(table, delimiter: str | None = ",") -> None:
    assert list(table.df.columns) == HEADER
    assert len(table.df) == 3
    assert table.df["订单编号"].tolist() == ["100001", "100002", "100003"]
    assert table.df["备注"].tolist() == ["首单", None, "直播间, 主播A"]
    assert table.df["收货省份"].iat[2] == "四川"
    if delimiter is not None:
        assert table.delimiter == delimiter
    assert all(table.df[c].dtype == object for c in table.df.columns)


@pytest.mark.parametrize("delimiter", [",", "\t", ";", "|"])
@pytest.mark.parametrize("encoding,recorded", [
    ("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("utf-16", "utf-16"), ("utf-16-be", "utf-16"),
    ("gbk", "gb18030"), ("gb18030", "gb18030"),
])
def test_every_encoding_and_delimiter(tmp_path: Path, encoding: str, recorded: str, delimiter: str) -> None:
    path = tmp_path / "订单.csv"
    path.write_bytes(_encode(_csv_text(delimiter), encoding))
    [table] = read_source(path)
    _check(table, delimiter)
    assert table.encoding == recorded
    assert table.name == "订单"
    assert table.header_row == 0
    assert table.source == str(path)


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(_csv_text("\t").encode(encoding))
    [table] = read_source(path)
    _check(table, "\t")
    assert table.encoding == "utf-16"


def test_tsv_and_txt_suffixes(tmp_path: Path) -> None:
    (tmp_path / "a.tsv").write_text(_csv_text("\t"), encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(_csv_text("|").encode("gbk"))
    _check(read_source(tmp_path / "a.tsv")[0], "\t")
    _check(read_source(tmp_path / "b.txt")[0], "|")


def test_gbk_with_title_rows_above_header(tmp_path: Path) -> None:
    path = tmp_path / "抖店订单导出.csv"
    title = "抖店订单导出 2024-06-18\n导出时间：2024-06-18 09:00\n\n"
    path.write_bytes((title + _csv_text(",")).encode("gbk"))
    [table] = read_source(path)
    _check(table)
    assert table.encoding == "gb18030"
    assert table.header_row == 3
    assert table.notes and "header" in table.notes[0]
    # row labels keep the distance from the header, so line numbers can be reported
    assert table.df.index.tolist() == [0, 1, 2]


def test_excel_artefacts_blank_rows_and_duplicate_headers(tmp_path: Path) -> None:
    text = (
        '订单号,金额,金额,,备注\n'
        '="00123",\t1299 ,12,x,=A\n'
        ',,,,\n'
        '\n'
        '"=""456""",7,8,y,\n'
    )
    path = tmp_path / "x.csv"
    path.write_text(text, encoding="utf-8")
    [table] = read_source(path)
    assert list(table.df.columns) == ["订单号", "金额", "金额_2", "列4", "备注"]
    assert table.df["订单号"].tolist() == ["00123", "456"]
    assert table.df["金额"].tolist() == ["1299", "7"]
    assert table.df["备注"].tolist() == ["A", None]
    assert table.df.index.tolist() == [0, 3]


def test_ragged_rows_do_not_crash(tmp_path: Path) -> None:
    path = tmp_path / "ragged.csv"
    path.write_text("a,b,c\n1,2,3\n4,5,6,7\n8,9\n", encoding="utf-8")
    [table] = read_source(path)
    assert len(table.df) == 3
    assert table.df["a"].tolist() == ["1", "4", "8"]
    assert table.df["c"].tolist() == ["3", "6", None]


def test_single_column_file(tmp_path: Path) -> None:
    path = tmp_path / "phones.csv"
    path.write_text("手机号\n13800138000\n13900139000\n", encoding="utf-8")
    [table] = read_source(path)
    assert list(table.df.columns) == ["手机号"]
    assert len(table.df) == 2


def test_sniff_delimiter_falls_back_to_counting() -> None:
    lines = ["报表\n", "a;b;c\n", "1;2;3\n", "4;5;6\n"]
    assert sniff_delimiter(lines) == ";"
    assert sniff_delimiter(["only one column\n", "x\n"]) == ","


def test_unique_names() -> None:
    assert unique_names(["a", None, "a", "", "a", "a_2"]) == ["a", "列2", "a_2", "列4", "a_3", "a_2_2"]


def _xlsx_with_title(path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "订单"
    ws.append(["快手小店订单报表"])
    ws.append([])
    ws.append(["订单号", "下单时间", "金额", "数量"])
    ws.append([1001, dt.datetime(2024, 6, 18, 20, 15, 30), 1299.0, 2])
    ws.append([1002, dt.datetime(2024, 6, 19, 8, 0), 12.5, 1])
    ws.append([None, None, None, None])
    ws.append(["1003", dt.date(2024, 6, 20), "88", 3])
    wb.save(path)


def test_xlsx_title_row_and_dates(tmp_path: Path) -> None:
    path = tmp_path / "kuaishou.xlsx"
    _xlsx_with_title(path)
    [table] = read_source(path)
    assert table.name == "kuaishou"
    assert table.source == f"{path}#订单"
    assert table.header_row == 2
    assert list(table.df.columns) == ["订单号", "下单时间", "金额", "数量"]
    assert table.df["订单号"].tolist() == ["1001", "1002", "1003"]
    assert table.df["下单时间"].tolist() == ["2024-06-18 20:15:30", "2024-06-19 08:00:00", "2024-06-20 00:00:00"]
    assert table.df["金额"].tolist() == ["1299", "12.5", "88"]
    assert table.df["数量"].tolist() == ["2", "1", "3"]


def test_xlsx_two_sheets_and_empty_sheet_skipped(tmp_path: Path) -> None:
    path = tmp_path / "shop.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "orders"
    ws.append(["order_id", "amount"])
    ws.append(["A1", 10])
    ws2 = wb.create_sheet("customers")
    ws2.append(["customer_id", "gender"])
    ws2.append(["c1", "女"])
    ws2.append(["c2", "男"])
    wb.create_sheet("empty")
    wb.save(path)
    tables = read_source(path)
    assert [t.name for t in tables] == ["orders", "customers"]
    assert tables[1].df["gender"].tolist() == ["女", "男"]
    assert tables[1].source.endswith("#customers")


def test_parquet(tmp_path: Path) -> None:
    path = tmp_path / "orders.parquet"
    con = duckdb.connect()
    con.execute(
        f"""COPY (SELECT * FROM (VALUES
              (1, TIMESTAMP '2024-06-18 20:15:30', 1299.0, 'paid', 12.25),
              (2, TIMESTAMP '2024-06-19 08:00:00', 12.5, NULL, NULL))
            t(order_id, order_time, amount, status, fee)) TO '{path}' (FORMAT parquet)"""
    )
    con.close()
    [table] = read_source(path)
    assert table.name == "orders"
    assert list(table.df.columns) == ["order_id", "order_time", "amount", "status", "fee"]
    assert table.df["order_id"].tolist() == ["1", "2"]
    assert table.df["order_time"].tolist() == ["2024-06-18 20:15:30", "2024-06-19 08:00:00"]
    assert table.df["amount"].tolist() == ["1299", "12.5"]
    assert table.df["status"].tolist() == ["paid", None]
    assert table.df["fee"].tolist() == ["12.25", None]


def test_folder_of_csvs_sorted_by_name(tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "b_customers.csv").write_bytes("客户,性别\nc1,女\n".encode("gbk"))
    (folder / "a_orders.csv").write_text(_csv_text(","), encoding="utf-8-sig")
    (folder / "c_items.tsv").write_text("订单,商品\n1,口红\n".replace(",", "\t"), encoding="utf-8")
    (folder / "notes.md").write_text("ignored", encoding="utf-8")
    tables = read_source(folder)
    assert [t.name for t in tables] == ["a_orders", "b_customers", "c_items"]
    _check(tables[0])
    assert tables[1].df["性别"].tolist() == ["女"]
    assert tables[2].df["商品"].tolist() == ["口红"]


# --- errors a person must understand ----------------------------------------------------------------------------


def _error(path: Path) -> ToolError:
    with pytest.raises(ToolError) as info:
        read_source(path)
    err = info.value
    assert err.en and err.zh and err.en != err.zh
    assert path.name in err.en
    return err


def test_png_renamed_csv_is_not_a_table(tmp_path: Path) -> None:
    path = tmp_path / "订单.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    err = _error(path)
    assert err.code == "not_a_table"
    assert "PNG" in err.en and "PNG" in err.zh


def test_random_binary_csv_is_not_a_table(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes(bytes(range(1, 256)) * 40)
    assert _error(path).code == "not_a_table"


def test_oversized_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_MAX_UPLOAD_MB", "0.001")  # about 1 KB
    path = tmp_path / "big.csv"
    path.write_text(_csv_text(",", rows=ROWS * 50), encoding="utf-8")
    err = _error(path)
    assert err.code == "file_too_large"
    assert "MB" in err.en or "KB" in err.en


@pytest.mark.parametrize("content", [b"", b"   \r\n\r\n", "\ufeff".encode()])
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(content)
    assert _error(path).code == "empty_file"


def test_header_only_file_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "header_only.csv"
    path.write_text("订单号,金额\n", encoding="utf-8")
    assert _error(path).code == "empty_file"


def test_unsupported_type_lists_supported(tmp_path: Path) -> None:
    path = tmp_path / "orders.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 100)
    err = _error(path)
    assert err.code == "unsupported_file"
    assert ".xlsx" in err.en and ".csv" in err.en and ".xlsx" in err.zh


def test_duckdb_file_is_not_read_here(tmp_path: Path) -> None:
    path = tmp_path / "shop.duckdb"
    path.write_bytes(b"x")
    assert _error(path).code == "unsupported_file"


def test_missing_path(tmp_path: Path) -> None:
    with pytest.raises(ToolError) as info:
        read_source(tmp_path / "nope.csv")
    assert info.value.code == "data_not_found"


def test_folder_without_tables(tmp_path: Path) -> None:
    (tmp_path / "readme.md").write_text("hi", encoding="utf-8")
    with pytest.raises(ToolError) as info:
        read_source(tmp_path)
    assert info.value.code == "empty_file"


def test_xlsx_that_is_not_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "orders.xlsx"
    path.write_text("订单号,金额\n1,2\n", encoding="utf-8")
    assert _error(path).code == "not_a_table"


def test_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "orders.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("hello.txt", "not a workbook")
    assert _error(path).code == "not_a_table"


def test_xlsx_zip_bomb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_MAX_UPLOAD_MB", "0.05")  # 50 KB upload, so > 1 MB unpacked is refused
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/worksheets/sheet1.xml", b"\x00" * 5_000_000)
    assert path.stat().st_size < 50 * 1024
    assert _error(path).code == "file_too_large"


def test_empty_workbook(tmp_path: Path) -> None:
    path = tmp_path / "blank.xlsx"
    openpyxl.Workbook().save(path)
    assert _error(path).code == "empty_file"


def test_damaged_parquet(tmp_path: Path) -> None:
    path = tmp_path / "orders.parquet"
    path.write_bytes(b"PAR1 this is not parquet")
    assert _error(path).code == "not_a_table"


def test_reads_into_pandas_friendly_frames(tmp_path: Path) -> None:
    path = tmp_path / "o.csv"
    path.write_text(_csv_text(","), encoding="utf-8")
    df = read_source(path)[0].df
    assert isinstance(df, pd.DataFrame)
    assert df.isna().sum().sum() == 1
