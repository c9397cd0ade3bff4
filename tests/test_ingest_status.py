"""Order status as the platform means it: a payment time tells a refunded closed order (淘宝 交易关闭 after a
refund) from an unpaid one, and the answers count them apart."""

from __future__ import annotations

import pandas as pd
import pytest


def _taobao_like() -> pd.DataFrame:
    rows = []
    for i in range(40):
        kind = ["done", "closed_paid", "closed_unpaid", "waiting"][i % 4]
        created = pd.Timestamp("2025-04-01 10:00") + pd.Timedelta(hours=i)
        rows.append({
            "订单编号": f"T{i:05d}", "买家会员名": f"buyer{i % 9}", "买家实际支付金额": 0 if "unpaid" in kind or
            kind == "waiting" else 20.0 + i, "订单状态": {"done": "交易成功", "closed_paid": "交易关闭",
                                                 "closed_unpaid": "交易关闭", "waiting": "等待买家付款"}[kind],
            "订单创建时间": created.strftime("%Y-%m-%d %H:%M:%S"),
            "订单付款时间 ": (created + pd.Timedelta(minutes=5)).strftime("%Y-%m-%d %H:%M:%S")
            if kind in ("done", "closed_paid") else "",
        })
    return pd.DataFrame(rows)


def test_payment_time_tells_refunded_from_unpaid(tmp_path, workspace) -> None:
    from assistant.engine import Engine
    from assistant.ingest.workspace import import_dataset

    frame = _taobao_like()
    path = tmp_path / "ExportOrderList.csv"
    frame.to_csv(path, index=False, encoding="utf-8-sig")
    result = import_dataset(path)
    assert result.mappings[0].roles["pay_time"].column.strip() == "订单付款时间"
    with Engine(result.dataset.path) as engine:
        by_status = engine.run_tool("metric_query", {"metric": "orders", "dimension": "status"}).table()
        counts = dict(zip(by_status.iloc[:, 0], by_status["orders"]))
        assert counts == {"paid": 10, "refunded": 10, "cancelled": 10, "unpaid": 10}  # 等待买家付款 is still open
        paid = frame[frame["订单付款时间 "] != ""]
        buyers = engine.run_tool("metric_query", {"metric": "buyers"}).table().iloc[0]["buyers"]
        assert buyers == paid["买家会员名"].nunique()
        gmv = engine.run_tool("metric_query", {"metric": "gmv"}).table().iloc[0]["gmv"]
        assert gmv == pytest.approx(paid["买家实际支付金额"].sum())
    assert any("payment time" in note for note in result.report.notes_en)


def _pdd_like(dated_ids: bool) -> pd.DataFrame:
    # 拼多多's export: the only time is 支付时间, empty on an order closed before payment or still awaiting it;
    # its order numbers begin with the order day (yymmdd-)
    rows = []
    for i in range(60):
        kind = "cancelled" if i % 10 == 3 else "waiting" if i % 20 == 7 else "paid"
        paid_at = pd.Timestamp("2025-10-01 09:00") + pd.Timedelta(hours=13 * i)
        day = paid_at if dated_ids else pd.Timestamp("2024-01-01")
        rows.append({"订单号": f"{day:%y%m%d}-{600000000000 + i}", "收货人": f"买家{i % 13}",
                     "手机": f"138****{i % 13:04d}",
                     "订单状态": {"paid": "已签收", "cancelled": "已取消", "waiting": "待支付"}[kind],
                     "用户实付金额(元)": 39.9 + i,
                     "支付时间": paid_at.strftime("%Y-%m-%d %H:%M:%S") if kind == "paid" else ""})
    return pd.DataFrame(rows)


def test_orders_without_any_time_are_dated_by_an_order_number_that_says_the_day(tmp_path, workspace) -> None:
    from assistant.engine import Engine
    from assistant.ingest.workspace import import_dataset

    frame = _pdd_like(dated_ids=True)
    path = tmp_path / "拼多多_订单.csv"
    frame.to_csv(path, index=False, encoding="utf-8-sig")
    result = import_dataset(path)
    assert result.report.rejected.empty  # nothing lost: the closed and waiting orders are kept
    assert any("order number" in note for note in result.report.notes_en)
    with Engine(result.dataset.path) as engine:
        by_status = engine.run_tool("metric_query", {"metric": "orders", "dimension": "status"}).table()
        counts = dict(zip(by_status.iloc[:, 0], by_status["orders"]))
        assert counts == {"paid": int((frame["订单状态"] == "已签收").sum()),
                          "cancelled": int((frame["订单状态"] == "已取消").sum()),
                          "unpaid": int((frame["订单状态"] == "待支付").sum())}
        days = engine.sql("SELECT order_id, CAST(order_time AS DATE) AS day FROM orders").table()
        expected = {r["订单号"]: pd.Timestamp("20" + r["订单号"][:6]).date() for _, r in frame.iterrows()}
        assert {str(k): v for k, v in zip(days["order_id"], days["day"])} == expected
    # ids that do not say the day (their prefix never equals the payment day): the undated orders are rejected
    other = tmp_path / "other.csv"
    _pdd_like(dated_ids=False).to_csv(other, index=False, encoding="utf-8-sig")
    assert len(import_dataset(other, name="other").report.rejected) == int((frame["支付时间"] == "").sum())
