"""Exports uploaded together that belong together: an order list and its detail lines (淘宝), an order export
and its after-sale records (抖店). Each is joined to the other by order (or line) id; figures equal pandas."""

from __future__ import annotations

import pandas as pd
import pytest


def _upload(tmp_path, frames: dict[str, pd.DataFrame]):
    from assistant.ingest.workspace import import_dataset

    folder = tmp_path / "upload"
    folder.mkdir()
    for name, frame in frames.items():
        frame.to_csv(folder / name, index=False, encoding="utf-8-sig")
    return import_dataset(folder)


def _taobao_pair() -> tuple[pd.DataFrame, pd.DataFrame]:
    orders, lines = [], []
    for i in range(30):
        oid = f"31{i:05d}"
        items = [(f"青岚 茶{(i + k) % 4}", 1 + (i + k) % 2, 20.0 + 5 * ((i + k) % 4)) for k in range(1 + i % 2)]
        paid = sum(q * p for _, q, p in items)
        orders.append({"订单编号": oid, "买家会员名": f"tb_{i % 9}", "买家实际支付金额": paid, "订单状态": "交易成功",
                       "订单创建时间": f"2025-07-{1 + i:02d} 10:00:00", "订单付款时间": f"2025-07-{1 + i:02d} 10:05:00",
                       "收货人姓名": f"张{i % 9}"})
        for k, (title, qty, price) in enumerate(items):
            status = ["", "退款成功", "退款关闭"][i % 3] if k == 0 else ""
            lines.append({"主订单编号": oid, "子订单编号": f"{oid}{k}", "标题": title, "价格": price, "购买数量": qty,
                          "买家实际支付金额": qty * price, "订单状态": "交易成功",
                          "订单创建时间": f"2025-07-{1 + i:02d} 10:00:00",
                          "退款状态": status, "退款金额": qty * price if status else 0})
    return pd.DataFrame(orders), pd.DataFrame(lines)


def test_detail_lines_take_their_orders_buyer(tmp_path, workspace) -> None:
    from assistant.engine import Engine

    orders, lines = _taobao_pair()
    result = _upload(tmp_path, {"ExportOrderList.csv": orders, "ExportOrderDetailList.csv": lines})
    assert result.report.rejected.empty
    assert any("lists the products of" in note for note in result.report.notes_en)
    with Engine(result.dataset.path) as engine:
        buyers = engine.run_tool("metric_query", {"metric": "buyers"}).table().iloc[0]["buyers"]
        units = engine.run_tool("metric_query", {"metric": "units", "dimension": "product"}).table()
        refunds = engine.run_tool("metric_query", {"metric": "refund_amount"}).table().iloc[0]["refund_amount"]
        gmv = engine.run_tool("metric_query", {"metric": "gmv"}).table().iloc[0]["gmv"]
    assert buyers == orders["买家会员名"].nunique()
    assert dict(zip(units["product"], units["units"])) == lines.groupby("标题")["购买数量"].sum().to_dict()
    # a refund the after-sale status closed (退款关闭) was not given back
    assert refunds == pytest.approx(lines.loc[lines["退款状态"] == "退款成功", "退款金额"].sum())
    assert gmv == pytest.approx(orders["买家实际支付金额"].sum())


def _douyin_pair() -> tuple[pd.DataFrame, pd.DataFrame]:
    rows, after = [], []
    for i in range(24):
        for k in range(1 + i % 2):
            line = f"69{i:04d}{k}"
            rows.append({"主订单编号": f"69{i:04d}", "子订单编号": line, "选购商品": f"茶{k}", "商品数量": 1,
                         "订单应付金额": 50.0 + k * 10, "订单状态": "已完成",
                         "订单提交时间": f"2025-08-{1 + i:02d} 20:00:00",
                         "支付完成时间": f"2025-08-{1 + i:02d} 20:01:00", "收件人": f"王{i % 7}*",
                         "收件人手机号": f"138****{i % 7:04d}", "省": "浙江省", "市": "杭州市",
                         "详细地址": f"文{i % 7}路***"})
            if i % 4 == 0 and k == 0:
                after.append({"售后单号": f"AS{i}", "订单号": f"69{i:04d}", "商品单号": line, "售后类型": "仅退款",
                              "售后状态": "退款成功" if i % 8 == 0 else "售后关闭", "退款金额": 50.0,
                              "售后申请时间": f"2025-08-{2 + i:02d} 09:00:00"})
    return pd.DataFrame(rows), pd.DataFrame(after)


def test_after_sale_records_become_the_refunds_of_their_lines(tmp_path, workspace) -> None:
    from assistant.engine import Engine

    orders, after = _douyin_pair()
    result = _upload(tmp_path, {"抖店_订单导出.csv": orders, "抖店_售后单导出.csv": after})
    assert result.report.rejected.empty
    assert any("after-sale records" in note for note in result.report.notes_en)
    done = after[after["售后状态"] == "退款成功"]
    with Engine(result.dataset.path) as engine:
        amount = engine.run_tool("metric_query", {"metric": "refund_amount"}).table().iloc[0]["refund_amount"]
        split = engine.run_tool("metric_query", {"metric": "orders", "dimension": "status"}, "en").table()
    assert amount == pytest.approx(done["退款金额"].sum())
    counts = dict(zip(split["status"], split["orders"]))
    lines_per_order = orders.groupby("主订单编号").size()
    whole = sum(1 for oid in done["订单号"] if lines_per_order[oid] == 1)
    assert counts.get("refunded", 0) == whole and counts.get("partially_refunded", 0) == len(done) - whole


def test_a_line_export_naming_receivers_is_the_detail_of_an_order_export(tmp_path, workspace) -> None:
    """有赞: the order export (订单维度) names the buyer (买家手机号) and when the order was placed and paid; the
    product export (商品维度) names each line and the parcel's receiver, and has only 交易成功时间. Uploaded
    together they are one set of orders: the buyer and the times come from the order export, nothing is
    rejected for a line that never completed, and the receivers are no customers."""
    from assistant.engine import Engine

    orders, lines = [], []
    for i in range(40):
        oid = f"E2025{i:06d}"
        placed = pd.Timestamp("2025-09-01 10:00") + pd.Timedelta(hours=17 * i)
        done = i % 4 != 3  # a quarter never completed: no 交易成功时间
        items = [(f"坚果{k}", 30.0 + 10 * k) for k in range(1 + i % 3)]
        orders.append({"订单号": oid, "买家手机号": f"139****{i % 12:04d}", "订单创建时间": str(placed),
                       "买家付款时间": str(placed + pd.Timedelta(minutes=4)),
                       "订单状态": "交易成功" if done else "已发货",
                       "订单实付金额": sum(p for _, p in items), "商品名称": "；".join(n for n, _ in items)})
        for name, price in items:
            lines.append({"订单号": oid, "商品名称": name, "商品数量": 1, "商品实际成交金额": price,
                          "交易成功时间": str(placed + pd.Timedelta(days=5)) if done else "",
                          "收货人/提货人": f"李{(i + len(lines)) % 30}*",
                          "收货人手机号/提货人手机号": f"186****{len(lines):04d}",
                          "商品发货状态": "已发货"})
    orders, lines = pd.DataFrame(orders), pd.DataFrame(lines)
    result = _upload(tmp_path, {"有赞_订单导出_订单维度.csv": orders, "有赞_订单明细_商品维度.csv": lines})
    with Engine(result.dataset.path) as engine:
        counts = {name: engine.run_tool("metric_query", {"metric": name}, "en").table().iloc[0][name]
                  for name in ("orders", "buyers", "lines", "gmv")}
        first = engine.run_tool("metric_query", {"metric": "orders", "dimension": "day"}, "en").table()
    assert result.report.rejected.empty
    assert counts == {"orders": 40, "buyers": orders["买家手机号"].nunique(), "lines": len(lines),
                      "gmv": pytest.approx(lines["商品实际成交金额"].sum())}
    assert str(first["day"].min())[:10] == "2025-09-01"  # placed, not completed
    assert "No buyer column" not in result.report.summary("en")  # (nothing left of the order file alone)


def test_a_line_export_with_its_own_buyers_is_no_detail_of_a_file_listing_only_some_of_its_orders(
        tmp_path, workspace) -> None:
    """A line export naming its buyers, beside a summary of only some of its orders: its orders are its own
    (every one kept, with its own time), not lines to hang on the summary's orders."""
    from assistant.engine import Engine

    lines, summary = [], []
    for i in range(50):
        placed = pd.Timestamp("2025-09-01 10:00") + pd.Timedelta(hours=9 * i)
        for k in range(1 + i % 2):
            lines.append({"主订单编号": f"69{i:05d}", "子订单编号": f"69{i:05d}{k}", "买家昵称": f"抖音用户{i % 17}",
                          "选购商品": f"零食{k}", "商品数量": 1, "订单应付金额": 50.0, "订单提交时间": str(placed)})
        if i < 30:
            summary.append({"订单编号": f"69{i:05d}", "买家昵称": f"抖音用户{i % 17}", "下单时间": str(placed),
                            "实付金额": 50.0 * (1 + i % 2)})
    lines = pd.DataFrame(lines)
    result = _upload(tmp_path, {"抖店_订单导出.csv": lines, "订单汇总.csv": pd.DataFrame(summary)})
    with Engine(result.dataset.path) as engine:
        orders = engine.run_tool("metric_query", {"metric": "orders"}, "en").table().iloc[0]["orders"]
    assert result.report.rejected.empty and orders == 50
