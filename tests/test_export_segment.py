"""export_segment: the right customers, formula-safe files, contact details only on a person's
explicit request, a stable hold-out group; through the engine, the CLI and the router."""

from __future__ import annotations

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

from assistant.engine import Engine
from tests.conftest import cli_env
from tests.test_rfm import reference_rfm
from tools.exports import neutralise_formulas, table_bytes

PHONE = re.compile(r"1[3-9]\d{9}")
HOSTILE = ["=HYPERLINK(\"http://e.vil\",\"点我\")", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)", "\tTAB", "ok"]


def test_exports_hibernating_customers_exactly(engine, raw_tables, workspace: Path) -> None:
    answer = engine.run_tool("export_segment", {"segment": "沉睡客户"}, "zh")
    assert answer.ok, answer.error
    expected = reference_rfm(raw_tables["orders"])
    expected = expected[expected["segment"] == "hibernating"]
    exported = pd.read_csv(answer.files[0].path, encoding="utf-8-sig")
    assert set(exported["客户ID"]) == set(expected.index)
    assert exported["累计消费"].sum() == pytest.approx(expected["monetary"].sum())
    assert answer.files[0].rows == len(expected)
    assert f"{len(expected):,}" in answer.answer
    assert Path(answer.files[0].path).parent == workspace / "exports"


def test_contact_details_need_the_persons_explicit_request(engine, workspace: Path, demo_contacts) -> None:
    asked_by_model = engine.run_tool("export_segment", {"segment": "at_risk", "include_personal": True}, "en")
    data = Path(asked_by_model.files[0].path).read_bytes().decode("utf-8-sig")
    assert not asked_by_model.files[0].personal_data
    assert "phone" not in data and "nickname" not in data and not PHONE.search(data)
    assert "--include-personal" in asked_by_model.answer

    allowed = engine.run_tool("export_segment", {"segment": "at_risk", "include_personal": True}, "en",
                              allow_personal=True)
    data = Path(allowed.files[0].path).read_bytes().decode("utf-8-sig")
    assert allowed.files[0].personal_data
    assert re.fullmatch(r"at_risk_[-0-9]+_contacts_[0-9a-f]{10}\.csv", allowed.files[0].name)  # unique name
    assert len(PHONE.findall(data)) == allowed.files[0].rows
    # The raw numbers come from the contact store, each on its own customer's row.
    exported = pd.read_csv(Path(allowed.files[0].path), encoding="utf-8-sig", dtype=str)
    truth = demo_contacts.astype(str).set_index("customer_id")
    assert (exported["phone"].to_numpy() == truth.loc[exported["customer_id"], "phone"].to_numpy()).all()
    assert (exported["nickname"].to_numpy() == truth.loc[exported["customer_id"], "nickname"].to_numpy()).all()
    # The chat-visible table never holds contact details, not even masked ones.
    shown = allowed.table("export")
    assert not {"phone", "nickname"} & set(shown.columns)
    assert oct(Path(allowed.files[0].path).stat().st_mode & 0o777) == "0o600"


def test_holdout_is_stable_and_near_the_share(engine) -> None:
    first = engine.run_tool("export_segment", {"segment": "hibernating", "holdout": 0.25}, "en").table("export")
    second = engine.run_tool("export_segment", {"segment": "hibernating", "holdout": 0.25}, "en").table("export")
    pd.testing.assert_frame_equal(first, second)
    control = first["group"].str.startswith("control").mean()
    assert 0.22 < control < 0.28


def test_formula_cells_are_neutralised_in_csv_and_excel() -> None:
    frame = pd.DataFrame({"nickname": HOSTILE, "amount": [1.5, -2.0, 3.0, 4.0, 5.0, 6.0]})
    safe = neutralise_formulas(frame)
    assert list(safe["nickname"][:5]) == ["'" + v for v in HOSTILE[:5]] and safe["nickname"][5] == "ok"
    assert list(safe["amount"]) == [1.5, -2.0, 3.0, 4.0, 5.0, 6.0]  # numbers stay numbers
    csv_text = table_bytes(frame, "csv").decode("utf-8-sig")
    assert all(not line.startswith(("=", "+", "-", "@", "\t")) for line in csv_text.splitlines())
    sheet = openpyxl.load_workbook(io.BytesIO(table_bytes(frame, "xlsx"))).active
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert all(c.data_type == "s" and not str(c.value).startswith("=") for c in cells)


def _hostile_shop(path: Path) -> None:
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE orders (order_id BIGINT, customer_id BIGINT, order_time TIMESTAMP, status VARCHAR,"
                " pay_amount DOUBLE)")
    rows = [(i, 1 + i % len(HOSTILE), f"2025-0{1 + i % 9}-1{i % 10} 10:00:00", "paid", 10.0 + i)
            for i in range(60)]
    con.executemany("INSERT INTO orders VALUES (?, ?, ?, ?, ?)", rows)
    con.execute("CREATE TABLE customers (customer_id BIGINT, nickname VARCHAR, phone VARCHAR, province VARCHAR)")
    con.executemany("INSERT INTO customers VALUES (?, ?, ?, ?)",
                    [(i + 1, name, f"1380000{i:04d}", "=1+1") for i, name in enumerate(HOSTILE)])
    con.close()


def test_hostile_values_from_an_import_cannot_run_as_formulas(tmp_path: Path, workspace: Path) -> None:
    _hostile_shop(tmp_path / "shop.duckdb")
    with Engine(tmp_path / "shop.duckdb") as shop:
        for file_format in ("csv", "xlsx"):
            answer = shop.run_tool("export_segment", {"segment": "repeat", "scheme": "lifecycle",
                                                      "format": file_format, "include_personal": True},
                                   "en", allow_personal=True)
            assert answer.ok, answer.error
            path = Path(answer.files[0].path)
            if file_format == "csv":
                frame = pd.read_csv(path, encoding="utf-8-sig", dtype=str)
                values = frame.to_numpy().ravel().tolist()
            else:
                sheet = openpyxl.load_workbook(path).active
                values = [c.value for row in sheet.iter_rows() for c in row]
                assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
            texts = [v for v in values if isinstance(v, str)]
            assert "'=1+1" in texts and not any(v.startswith(("=", "+", "@")) for v in texts)


def test_a_dataset_without_customers_still_exports(tmp_path: Path, workspace: Path) -> None:
    _hostile_shop(tmp_path / "shop.duckdb")
    con = duckdb.connect(str(tmp_path / "shop.duckdb"))
    con.execute("DROP TABLE customers")
    con.close()
    with Engine(tmp_path / "shop.duckdb") as shop:
        answer = shop.run_tool("export_segment", {"segment": "repeat", "scheme": "lifecycle"}, "zh")
    assert answer.ok, answer.error
    assert {"客户ID", "累计消费", "建议动作"} <= set(answer.table("export").columns)


@pytest.mark.parametrize(("args", "code"), [
    ({}, "segment_required"),
    ({"segment": "外星客户"}, "unknown_segment"),
    ({"segment": "hibernating", "holdout": 0.9}, "bad_holdout"),
    ({"segment": "hibernating", "format": "pdf"}, "bad_arguments"),
])
def test_errors_say_what_to_change(engine, args: dict, code: str) -> None:
    answer = engine.run_tool("export_segment", args, "zh")
    assert answer.error["code"] == code
    assert not answer.files


def test_router_and_cli(engine, demo_db: Path, tmp_path: Path) -> None:
    answer = engine.ask("把沉睡客户名单导出成Excel")
    assert answer.ok and answer.tool_calls[0].name == "export_segment"
    assert answer.files[0].format == "xlsx" and not answer.files[0].personal_data

    home = tmp_path / "home"
    command = [sys.executable, "-m", "assistant.cli", "tool", "export_segment", "--data", str(demo_db), "--json",
               "--args", '{"segment": "champions"}', "--include-personal"]
    done = subprocess.run(command, capture_output=True, text=True, env=cli_env(home), timeout=120)
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    (file,) = payload["files"]
    assert file["personal_data"] and Path(file["path"]).is_file()
    assert Path(file["path"]).parent == home / "exports"
    assert payload["tables"][0]["row_count"] == file["rows"]
