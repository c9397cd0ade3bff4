"""Import end to end: a shop export the code has never seen, answered through the CLI, checked
against pandas; bad rows reported; failed imports leave the previous dataset untouched."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.conftest import cli_env
from tests.test_rfm import reference_rfm

STATUS_ZH = {"paid": "交易成功", "refunded": "退款成功", "cancelled": "已取消"}
GENDER_ZH = {"female": "女", "male": "男", "unknown": ""}


def flat_export(raw_tables: dict[str, pd.DataFrame], customers: int = 1500) -> pd.DataFrame:
    """One row per order line, like a Douyin back-office export, for the first `customers` buyers."""
    orders = raw_tables["orders"]
    chosen = orders["customer_id"].drop_duplicates().head(customers)
    orders = orders[orders["customer_id"].isin(chosen)]
    lines = raw_tables["order_items"].merge(orders, on="order_id", suffixes=("_line", ""))
    lines = lines.merge(raw_tables["products"], on="product_id").merge(
        raw_tables["customers"], on="customer_id").merge(raw_tables["hosts"], on="host_id", how="left")
    return pd.DataFrame({
        "主订单编号": lines["order_id"].astype(str),
        "买家ID": "u" + lines["customer_id"].astype(str),
        "订单提交时间": lines["order_time"].dt.strftime("%Y/%m/%d %H:%M"),
        "订单状态": lines["status"].map(STATUS_ZH),
        "选购商品": lines["product_name"],
        "商品类目": lines["category"],
        "商品数量": lines["quantity"],
        "商品实付（元）": lines["pay_amount_line"].map(lambda v: f"￥{v:,.2f}"),
        "达人昵称": lines["host_name"].fillna(""),
        "省份": lines["province"],
        "性别": lines["gender"].map(GENDER_ZH),
        "收件人手机号": lines["phone"],
    }), orders


@pytest.fixture(scope="module")
def export(raw_tables, tmp_path_factory) -> tuple[Path, pd.DataFrame]:
    frame, orders = flat_export(raw_tables)
    path = tmp_path_factory.mktemp("export") / "抖店订单导出.csv"
    title = "抖店 订单导出\n导出时间：2026-11-16 09:00\n\n"
    path.write_bytes(title.encode("gbk") + frame.to_csv(index=False).encode("gbk"))
    return path, orders


def ask(home: Path, data: Path, question: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "ask", "--data", str(data), "--json", "--max-rows", "0", question],
        capture_output=True, text=True, env=cli_env(home), timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(done.stdout)


def table(payload: dict, name: str | None = None) -> pd.DataFrame:
    found = next(t for t in payload["tables"] if name is None or t["name"] == name)
    return pd.DataFrame(found["rows"], columns=found["columns"])


def test_unseen_gbk_export_answers_core_questions(export, tmp_path) -> None:
    path, orders = export
    home = tmp_path / "home"
    paid = orders[orders["status"].isin(["paid", "refunded"])]

    buyers = ask(home, path, "有多少买家？")
    assert buyers["tool_calls"][0]["name"] == "metric_query"
    assert table(buyers)["buyers"].iat[0] == paid["customer_id"].nunique()

    gmv = ask(home, path, "总GMV是多少？")
    assert table(gmv)["gmv"].iat[0] == pytest.approx(paid["pay_amount"].sum(), abs=0.01)

    monthly = table(ask(home, path, "按月看一下销售额趋势"))
    expected = paid.groupby(paid["order_time"].dt.strftime("%Y-%m"))["pay_amount"].sum()
    assert list(monthly["month"]) == list(expected.index)
    np.testing.assert_allclose(monthly["gmv"], expected.to_numpy(), atol=0.01)

    rate = table(ask(home, path, "整体复购率是多少？"))["repurchase_rate"].iat[0]
    per_customer = paid.groupby("customer_id")["order_id"].nunique()
    assert rate == pytest.approx((per_customer >= 2).mean())

    segments = table(ask(home, path, "各个RFM分群分别有多少用户？"), "segments")
    reference = reference_rfm(orders)["segment"].value_counts()
    assert dict(zip(segments["segment"], segments["customers"])) == {
        key: int(reference.get(key, 0)) for key in segments["segment"]}


def test_second_ask_reuses_the_import(export, tmp_path) -> None:
    path, _ = export
    home = tmp_path / "home"
    ask(home, path, "GMV")
    dataset = next((home / "datasets").glob("*.duckdb"))
    stamp = dataset.stat().st_mtime_ns
    ask(home, path, "GMV")
    assert dataset.stat().st_mtime_ns == stamp


def test_bad_rows_are_reported_with_reasons(tmp_path, workspace) -> None:
    from assistant.ingest.workspace import import_dataset

    csv = tmp_path / "orders.csv"
    csv.write_text(
        "order_no,customer,order date,amount\n"
        "1,a,2025-06-18,100\n"
        "2,b,not a date,50\n"
        "3,c,2025-06-19,-20\n"
        "4,d,2099-01-01,30\n"
        "1,a,2025-06-18,100\n"
        "5,,2025-06-20,10\n"
        "6,e,2025-06-21,abc\n"
        "7,f,20250622,1.2万\n",
        encoding="utf-8",
    )
    result = import_dataset(csv)
    reasons = result.report.rejected["reason_code"].value_counts().to_dict()
    assert reasons == {"bad_date": 1, "negative_amount": 1, "future_date": 1, "duplicate_row": 1,
                       "no_customer": 1, "bad_amount": 1}
    assert result.report.rows_loaded["orders"] == 2
    rejected_file = Path(result.dataset.path).with_suffix(".rejected.csv")
    assert len(pd.read_csv(rejected_file)) == 6
    from tools.warehouse import Warehouse

    with Warehouse(result.dataset.path) as wh:
        assert wh.scalar("SELECT sum(pay_amount) FROM orders") == pytest.approx(12100)


def _digest(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def test_failed_import_leaves_previous_dataset_working(export, workspace, tmp_path) -> None:
    from assistant.engine import Engine
    from assistant.ingest.workspace import import_dataset, list_datasets
    from tools.result import ToolError

    path, _ = export
    first = import_dataset(path, name="shop")
    before = _digest(first.dataset.path)
    corrupt = tmp_path / "shop.csv"
    corrupt.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 50)
    with pytest.raises(ToolError):
        import_dataset(corrupt, name="shop")
    no_orders = tmp_path / "wrong.csv"
    no_orders.write_text("colour,size\nred,1\nblue,2\n", encoding="utf-8")
    with pytest.raises(ToolError) as caught:
        import_dataset(no_orders, name="shop")
    assert caught.value.code == "no_orders_table"
    assert _digest(first.dataset.path) == before
    assert list_datasets()["shop"].fingerprint == first.dataset.fingerprint
    engine = Engine("shop")
    assert engine.ask("GMV是多少？").ok
    engine.close()
    assert not list((Path(first.dataset.path).parent).glob("*.tmp-*"))


def test_missing_table_is_named(tmp_path, workspace) -> None:
    from assistant.engine import Engine

    csv = tmp_path / "simple.csv"
    csv.write_text("客户,日期,金额\nA,2025-01-02,10\nB,2025-01-03,20\nA,2025-02-01,30\n", encoding="utf-8")
    engine = Engine(csv)
    assert engine.ask("总销售额是多少").answer.count("60") >= 1
    by_category = engine.run_tool("metric_query", {"metric": "gmv", "dimension": "category"})
    assert by_category.error["code"] == "missing_table" and "products" in by_category.error["message"]
    by_host = engine.run_tool("metric_query", {"metric": "gmv", "dimension": "gender"})
    assert by_host.error["code"] == "missing_column" and "gender" in by_host.error["message"]
    engine.close()


def test_zero_amounts_are_orders_and_negative_ones_refunds_only_where_the_status_says(tmp_path, workspace) -> None:
    from assistant.ingest.workspace import import_dataset
    from tools.warehouse import Warehouse

    csv = tmp_path / "orders.csv"
    csv.write_text(
        "订单号,买家ID,下单时间,实付金额,订单状态\n"
        "1,a,2025-06-18,100,已完成\n"
        "2,b,2025-06-18,0,已完成\n"       # 福袋: a purchase worth nothing
        "3,c,2025-06-19,-30,退款成功\n"   # the file says refund: a refunded order of 30
        "4,d,2025-06-19,-40,已完成\n",    # negative and 'completed': unexplained
        encoding="utf-8",
    )
    result = import_dataset(csv)
    assert result.report.rejected["reason_code"].tolist() == ["negative_amount"]
    assert result.report.zero_amount_orders == 1
    assert "zero-amount" in result.report.summary("en") and "零元订单" in result.report.summary("zh")
    with Warehouse(result.dataset.path) as wh:
        rows = wh.df("SELECT order_id, status, pay_amount FROM orders ORDER BY order_id").values.tolist()
    assert rows == [["1", "paid", 100.0], ["2", "paid", 0.0], ["3", "refunded", 30.0]]


def test_identical_rows_without_an_order_id_are_separate_orders(tmp_path, workspace) -> None:
    from assistant.ingest.workspace import import_dataset

    csv = tmp_path / "purchases.csv"
    csv.write_text("customer_id,date,amount\n1,20250618,10\n1,20250618,10\n2,20250619,5\n", encoding="utf-8")
    result = import_dataset(csv)
    assert result.report.rows_loaded["orders"] == 3 and result.report.rejected.empty
    assert "repeat an earlier row" in result.report.summary("en")


def test_a_customer_list_is_never_read_as_orders(tmp_path, workspace) -> None:
    # One row per customer with lifetime totals (有赞 / 微店 客户列表): its dates are the customer's own and its
    # amounts are totals, so taking them for orders would make every customer one "order". Refused, and said why.
    from assistant.ingest.workspace import import_dataset
    from tools.result import ToolError

    path = tmp_path / "客户列表.csv"
    path.write_text(
        "客户编号,客户姓名,性别,客户渠道,成为客户时间,最近消费时间,最近消费金额,累计消费次数,累计消费金额,积分\n"
        "8001,张*,女,小程序,2025-03-01 10:00:00,2025-06-01 12:00:00,199.00,3,520.00,520\n"
        "8002,李*,男,直播,2025-04-02 11:00:00,2025-05-20 09:30:00,89.00,1,89.00,89\n"
        "8003,王*,女,企业微信,2025-05-03 12:00:00,,0.00,0,0.00,0\n", encoding="utf-8")
    with pytest.raises(ToolError) as caught:
        import_dataset(path, name="customers_only")
    assert caught.value.code == "no_orders_table"
    assert "customer list" in caught.value.message("en") and "客户列表" in caught.value.message("zh")
