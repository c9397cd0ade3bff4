"""Refunds as exports record them, and order amounts as a line-level export repeats them.

A refund amount column or a refunded line of a paid order is a partial refund (the order stays paid); an
order is refunded only when every paid line was. An order's own amount repeated on each of its product rows
(视频号小店) is counted once. Every figure is checked against pandas on the same rows."""

from __future__ import annotations

import pandas as pd
import pytest


def _line_export() -> pd.DataFrame:
    """A 视频号-like export: one row per product, the order's paid amount repeated on each row, a refunded
    amount per line, and how the order was sold (直播 / 短视频)."""
    rows = []
    for i in range(60):
        lines = 1 + i % 3
        start = pd.Timestamp("2025-07-01 09:00") + pd.Timedelta(hours=7 * i)
        prices = [30.0 + 10 * k + i for k in range(lines)]
        paid = round(sum(prices) * 0.9, 2)
        for k in range(lines):
            refunded_line = i % 10 == 1 and k == 0 or i % 10 == 2  # i%10==2: every line refunded
            rows.append({
                "订单号": f"W{i:04d}", "订单下单时间": start.strftime("%Y-%m-%d %H:%M:%S"),
                "支付时间": (start + pd.Timedelta(minutes=3)).strftime("%Y-%m-%d %H:%M:%S"),
                "订单状态": "已完成", "收件人手机": f"1380000{i % 25:04d}", "商品名称": f"茶{k}",
                "商品价格(单件)": prices[k], "商品数量": 1, "订单实际支付金额": paid,
                "商品已退款金额": round(prices[k] * 0.9, 2) if refunded_line else 0,
                "带货方式": "直播" if i % 2 else "短视频",
            })
    return pd.DataFrame(rows)


@pytest.fixture()
def line_engine(tmp_path, workspace):
    from assistant.engine import Engine
    from assistant.ingest.workspace import import_dataset

    frame = _line_export()
    path = tmp_path / "视频号小店_订单列表.csv"
    frame.to_csv(path, index=False, encoding="utf-8-sig")
    result = import_dataset(path)
    with Engine(result.dataset.path) as engine:
        yield frame, result, engine


def test_an_order_amount_repeated_on_each_line_is_counted_once(line_engine) -> None:
    frame, result, engine = line_engine
    orders = frame.drop_duplicates("订单号")
    gmv = engine.run_tool("metric_query", {"metric": "gmv"}).table().iloc[0]["gmv"]
    assert gmv == pytest.approx(orders["订单实际支付金额"].sum())
    assert any("repeats each order's amount" in note for note in result.report.notes_en)
    # each line carries its share, so a product's GMV adds up to the orders' total too
    by_product = engine.run_tool("metric_query", {"metric": "gmv", "dimension": "product"}).table()
    assert by_product["gmv"].sum() == pytest.approx(gmv)


def test_partial_and_whole_refunds_are_told_apart(line_engine) -> None:
    frame, result, engine = line_engine
    per_order = frame.groupby("订单号").agg(refund=("商品已退款金额", "sum"), lines=("商品名称", "size"),
                                           refunded_lines=("商品已退款金额", lambda s: int((s > 0).sum())))
    whole = per_order[(per_order["refunded_lines"] == per_order["lines"]) & (per_order["refund"] > 0)]
    partial = per_order[(per_order["refund"] > 0) & (per_order["refunded_lines"] < per_order["lines"])]
    split = engine.run_tool("metric_query", {"metric": "orders", "dimension": "status"}, "en").table()
    counts = dict(zip(split["status"], split["orders"]))
    assert counts.get("partially_refunded", 0) == len(partial) and counts.get("refunded", 0) == len(whole)
    amount = engine.run_tool("metric_query", {"metric": "refund_amount"}).table().iloc[0]["refund_amount"]
    assert amount == pytest.approx(per_order["refund"].sum())
    any_refund = engine.run_tool("metric_query", {"metric": "orders", "filters": {"status": "refunded"}}).table()
    assert int(any_refund.iloc[0]["orders"]) == len(whole) + len(partial)
    full_only = engine.run_tool("metric_query", {"metric": "orders", "filters": {"status": "fully_refunded"}})
    assert int(full_only.table().iloc[0]["orders"]) == len(whole)
    rate = engine.run_tool("metric_query", {"metric": "refund_rate"}).table().iloc[0]["refund_rate"]
    assert rate == pytest.approx((len(whole) + len(partial)) / len(per_order))
    net = engine.run_tool("metric_query", {"metric": "net_sales"}).table().iloc[0]["net_sales"]
    assert net == pytest.approx(frame.drop_duplicates("订单号")["订单实际支付金额"].sum() - per_order["refund"].sum())
    assert result.report.partially_refunded_orders == len(partial)


def test_the_platforms_words_for_how_an_order_was_sold_become_live_or_not(line_engine) -> None:
    frame, _, engine = line_engine
    orders = frame.drop_duplicates("订单号")
    split = engine.run_tool("metric_query", {"metric": "orders", "dimension": "source"}).table()
    assert dict(zip(split["source"], split["orders"])) == {
        "live": int((orders["带货方式"] == "直播").sum()), "shelf": int((orders["带货方式"] == "短视频").sum())}


def test_units_are_counted_on_order_lines(line_engine) -> None:
    frame, _, engine = line_engine
    answer = engine.ask("按件数算，卖得最好的前三个商品是？")
    assert answer.tool_calls[0].args == {"metric": "units", "dimension": "product", "limit": 3, "order": "desc"}
    expected = frame.groupby("商品名称")["商品数量"].sum().sort_values(ascending=False).head(3)
    table = answer.table()
    assert dict(zip(table["product"], table["units"])) == expected.to_dict()


def test_a_report_without_view_counts_gives_gpm_per_viewer(tmp_path, workspace) -> None:
    from assistant.engine import Engine
    from assistant.ingest.workspace import import_dataset

    sessions = pd.DataFrame({
        "直播开始时间": [f"2025-09-{d:02d} 20:00:00" for d in range(1, 9)],
        "主播昵称": ["小禾", "老周"] * 4, "累计观看人数": [1000 + 100 * d for d in range(8)],
        "成交金额": [500.0 + 20 * d for d in range(8)], "成交订单数": [10 + d for d in range(8)],
    })
    path = tmp_path / "快手_直播数据.csv"
    sessions.to_csv(path, index=False, encoding="utf-8-sig")
    result = import_dataset(path)
    with Engine(result.dataset.path) as engine:
        answer = engine.run_tool("live_performance", {"metric": "gpm"}, "zh")
    expected = sessions["成交金额"].sum() / sessions["累计观看人数"].sum() * 1000
    assert answer.tool_calls[0].resolved["overall"]["gpm"] == pytest.approx(expected, abs=0.01)
    assert "GPM 按每千名观看人数计" in answer.answer and "（0 次）" not in answer.answer


def test_hosts_of_an_order_export_without_sessions_are_ranked_from_their_orders(tmp_path, workspace) -> None:
    from assistant.engine import Engine
    from assistant.ingest.workspace import import_dataset

    frame = pd.DataFrame({
        "订单编号": [f"D{i}" for i in range(30)], "下单时间": [f"2025-08-{1 + i % 28:02d} 10:00:00" for i in range(30)],
        "买家ID": [f"b{i % 7}" for i in range(30)], "实付金额": [50.0 + i for i in range(30)],
        "达人昵称": ["茶小白", "老周", "青岚"] * 10, "订单状态": ["已完成"] * 30,
    })
    path = tmp_path / "orders.csv"
    frame.to_csv(path, index=False, encoding="utf-8-sig")
    result = import_dataset(path)
    with Engine(result.dataset.path) as engine:
        answer = engine.run_tool("live_performance", {"metric": "gmv"}, "en")
    assert answer.ok and answer.answer.startswith("(No live sessions or viewer data")
    got = dict(zip(answer.table()["host"], answer.table()["gmv"]))
    assert got == pytest.approx(frame.groupby("达人昵称")["实付金额"].sum().to_dict())


def test_the_buyers_own_phone_keys_customers_not_the_receivers(tmp_path, workspace) -> None:
    from assistant.engine import Engine
    from assistant.ingest.workspace import import_dataset

    rows = []
    for i in range(40):  # 8 buyers, each shipping to two receivers; one order of each buyer still awaits payment
        buyer = i % 8
        rows.append({"订单号": f"Y{i:03d}", "订单创建时间": f"2025-07-{1 + i % 28:02d} 12:00:00",
                     "订单状态": "待付款" if i < 8 else "交易成功", "商品实际成交金额": 20.0 + i,
                     "收货人/提货人": f"收{i % 16}*", "收货人手机号/提货人手机号": f"139****{i % 16:04d}",
                     "买家昵称": ["安然", "阿福"][buyer % 2], "买家手机号": f"136****{buyer:04d}"})
    frame = pd.DataFrame(rows)
    path = tmp_path / "有赞_订单.csv"
    frame.to_csv(path, index=False, encoding="utf-8-sig")
    result = import_dataset(path)
    assert result.report.customer_key[next(iter(result.report.customer_key))] == ["买家手机号"]
    with Engine(result.dataset.path) as engine:
        buyers = engine.run_tool("metric_query", {"metric": "buyers"}).table().iloc[0]["buyers"]
        waiting = engine.run_tool("metric_query", {"metric": "orders", "filters": {"status": "unpaid"}}).table()
    assert buyers == frame.loc[frame["订单状态"] == "交易成功", "买家手机号"].nunique()
    assert int(waiting.iloc[0]["orders"]) == 8  # awaiting payment: open, not closed


def test_a_refund_kind_written_in_brackets_after_its_state_is_read(tmp_path, workspace) -> None:
    """有赞's 订单退款状态 says a completed refund's kind in brackets (退款成功（全额退款）, 退款成功（部分退款）),
    beside the amount that went back (订单已退款金额): whole refunds are refunded orders, partial ones stay paid
    with their amount, and a refund still in progress (退款中) gives nothing back yet."""
    from assistant.engine import Engine
    from assistant.ingest.workspace import import_dataset

    rows = []
    for i in range(48):
        paid = 50.0 + i
        kind = ("退款成功（全额退款）", "退款成功（部分退款）", "退款中", "")[i % 4]
        rows.append({"订单号": f"E{i:04d}", "订单创建时间": f"2025-09-{1 + i % 28:02d} 12:00:00",
                     "买家付款时间": f"2025-09-{1 + i % 28:02d} 12:01:00",
                     "订单状态": "交易关闭" if i % 8 == 0 else "交易完成", "订单实付金额": paid,
                     "买家手机号": f"136****{i % 12:04d}", "订单退款状态": kind,
                     "订单已退款金额": paid if i % 4 == 0 else 12.5 if i % 4 == 1 else 0.0})
    frame = pd.DataFrame(rows)
    path = tmp_path / "有赞_订单导出_订单维度.csv"
    frame.to_csv(path, index=False, encoding="utf-8-sig")
    result = import_dataset(path)
    whole = frame["订单退款状态"] == "退款成功（全额退款）"
    part = frame["订单退款状态"] == "退款成功（部分退款）"
    assert result.report.refunded_orders == whole.sum()
    assert result.report.partially_refunded_orders == part.sum()
    with Engine(result.dataset.path) as engine:
        refunds = engine.run_tool("metric_query", {"metric": "refund_amount", "dimension": "status"}).table()
        by_status = dict(zip(refunds["status"], refunds["refund_amount"]))
        open_requests = engine.run_tool("metric_query", {"metric": "orders", "filters": {"after_sale": "open"}})
    assert by_status["refunded"] == pytest.approx(frame.loc[whole, "订单已退款金额"].sum())
    assert by_status["partially_refunded"] == pytest.approx(frame.loc[part, "订单已退款金额"].sum())
    assert int(open_requests.table().iloc[0]["orders"]) == (frame["订单退款状态"] == "退款中").sum()
