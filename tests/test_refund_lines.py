"""Refunds read line by line, and the asks that follow them.

An export with a row per product line (抖店 子订单, 有赞 商品维度) says per line whether it was refunded and
whether it shipped. A line whose own status stayed 已完成 with 同意退款，退款成功 was refunded in part (a whole
refund closes the line, 已关闭), by an amount only the after-sale export gives; a refund's timing is that of
the goods refunded. Questions ask a share of a named whole, a part of a sum asked first, the money of orders
counted first, or AOV net of refunds. Every figure is checked against pandas on the same rows."""

from __future__ import annotations

import pandas as pd
import pytest

from assistant.router.route import route


def _douyin_lines() -> pd.DataFrame:
    """抖店-like: 主订单 with one to three 子订单; some lines closed and refunded (a whole line back), some
    refunded while their status stayed 已完成 (part of the line back, amount not in this export)."""
    rows = []
    for i in range(60):
        start = pd.Timestamp("2025-08-01 10:00") + pd.Timedelta(hours=13 * i)
        lines = 1 + i % 3
        for k in range(lines):
            status, after = "已完成", "-"
            if i % 10 == 3:  # every line closed after payment: the whole order refunded
                status, after = "已关闭", "同意退款，退款成功"
            elif i % 10 == 6 and k == 0:  # the first line closed, the others delivered: a partial refund
                status, after = "已关闭", "同意退款，退款成功"
            elif i % 10 == 8 and k == lines - 1:  # refunded after delivery, the line still 已完成: partial
                after = "同意退款，退款成功"
            rows.append({"主订单编号": f"69{i:06d}", "子订单编号": f"69{i:06d}{k}", "选购商品": f"商品{k}",
                         "商品数量": 1, "订单应付金额": 50.0 + 10 * k, "收件人手机号": f"138****{i % 25:04d}",
                         "订单提交时间": start.strftime("%Y/%m/%d %H:%M:%S"),
                         "支付完成时间": (start + pd.Timedelta(minutes=1)).strftime("%Y/%m/%d %H:%M:%S"),
                         "订单状态": status, "售后状态": after})
    return pd.DataFrame(rows)


@pytest.fixture()
def douyin(tmp_path, workspace):
    from assistant.engine import Engine
    from assistant.ingest.workspace import import_dataset

    frame = _douyin_lines()
    path = tmp_path / "抖店_订单导出.csv"
    frame.to_csv(path, index=False, encoding="utf-8-sig")
    result = import_dataset(path)
    with Engine(result.dataset.path) as engine:
        yield frame, engine, result.report


def test_a_refund_on_a_line_that_stayed_completed_is_partial_and_its_amount_unknown(douyin) -> None:
    frame, engine, report = douyin
    by_order = frame.groupby("主订单编号")
    whole = by_order["订单状态"].apply(lambda s: (s == "已关闭").all())
    refunded_line = frame["售后状态"] == "同意退款，退款成功"
    partial = by_order.apply(lambda g: bool(((g["售后状态"] == "同意退款，退款成功")).any())) & ~whole
    unsized = by_order.apply(lambda g: bool(((g["订单状态"] == "已完成") & (g["售后状态"] != "-")).any())
                             and not (g["订单状态"] == "已关闭").any())
    split = engine.run_tool("metric_query", {"metric": "orders", "dimension": "status"}, "en").table()
    counts = dict(zip(split["status"], split["orders"]))
    assert whole.sum() > 5 and partial.sum() > 5
    assert counts["refunded"] == whole.sum() and counts["partially_refunded"] == partial.sum()
    # the closed lines' amount is known; the completed lines' is not, and is left out of the refund amount
    closed = frame[refunded_line & (frame["订单状态"] == "已关闭")]
    amount = engine.run_tool("metric_query", {"metric": "refund_amount"}, "en")
    assert amount.table().iloc[0]["refund_amount"] == pytest.approx(closed["订单应付金额"].sum())
    assert unsized.sum() == 6 and any("已完成/已发货" in note for note in report.notes_en)


def test_a_refund_before_the_refunded_line_shipped_is_before_shipping(tmp_path, workspace) -> None:
    """有赞-like per-line shipping: a line refunded before it shipped, in an order whose other line went out, is a
    refund before shipping; the order itself still counts as shipped."""
    from assistant.engine import Engine
    from assistant.ingest.workspace import import_dataset

    rows = []
    for i in range(40):
        start = pd.Timestamp("2025-09-01 09:00") + pd.Timedelta(hours=9 * i)
        for k in range(2):
            refunded = (i % 5 == 1 and k == 0) or (i % 5 == 3 and k == 1)
            shipped = not (i % 5 == 1 and k == 0)  # in the first kind, the refunded line never went out
            rows.append({"订单号": f"E{i:04d}", "买家手机号": f"1390000{i % 15:04d}", "商品名称": f"茶{k}",
                         "商品数量": 1, "商品实际成交金额": 80.0 + k * 20, "订单状态": "交易成功",
                         "下单时间": start.strftime("%Y-%m-%d %H:%M:%S"),
                         "买家付款时间": (start + pd.Timedelta(minutes=3)).strftime("%Y-%m-%d %H:%M:%S"),
                         "商品发货时间": (start + pd.Timedelta(days=1)).strftime("%Y-%m-%d %H:%M:%S")
                         if shipped else "",
                         "商品退款状态": "退款成功" if refunded else "",
                         "商品已退款金额": (80.0 + k * 20) if refunded else 0.0})
    frame = pd.DataFrame(rows)
    path = tmp_path / "有赞_订单明细_商品维度.csv"
    frame.to_csv(path, index=False, encoding="utf-8-sig")
    with Engine(import_dataset(path).dataset.path) as engine:
        split = engine.run_tool("metric_query", {"metric": "refund_amount", "dimension": "shipping"}, "en").table()
        shipped_orders = engine.run_tool("metric_query", {"metric": "orders", "dimension": "shipping"}, "en").table()
    before = frame[(frame["商品退款状态"] == "退款成功") & (frame["商品发货时间"] == "")]["商品已退款金额"].sum()
    after = frame[(frame["商品退款状态"] == "退款成功") & (frame["商品发货时间"] != "")]["商品已退款金额"].sum()
    assert before > 0 and after > 0
    assert dict(zip(split["shipping"], split["refund_amount"])) == {"not shipped": pytest.approx(before),
                                                                   "shipped": pytest.approx(after)}
    assert dict(zip(shipped_orders["shipping"], shipped_orders["orders"])) == {"shipped": 40}


@pytest.mark.parametrize("question, filters, dimension", [
    ("What share of the fully refunded orders were refunded before they were shipped?",
     {"status": "fully_refunded"}, "shipping"),
    ("全额退款的订单里，发货前退的占多少比例？", {"status": "fully_refunded"}, "shipping"),
    ("Of the orders that got any money back, what share were refunded before shipping?",
     {"status": "refunded"}, "shipping"),
    ("Among fully refunded orders, what share were never shipped?", {"status": "fully_refunded"}, "shipping"),
    ("女性客户的订单中直播间订单占比多少？", {"gender": "female"}, "source"),
    ("直播间下单的订单占比多少？", None, "source"),
])
def test_a_share_keeps_its_whole_as_a_filter_and_splits_by_the_part(question, filters, dimension) -> None:
    r = route(question)
    assert (r.tool, r.args.get("filters"), r.args.get("dimension")) == ("metric_query", filters, dimension)


def test_a_share_whose_part_is_unsaid_is_named_not_split_by_its_whole() -> None:
    r = route("女性客户的订单里，退款的占多少？")
    assert r.args.get("dimension") != "gender" and r.args["filters"] == {"gender": "female"}
    assert any(d.detail == "share of the total" for d in r.dropped)


@pytest.mark.parametrize("question, calls", [
    ("How much did we refund, and how much of that came from orders that were only partly refunded?",
     [("refund_amount", None), ("refund_amount", {"status": "partially_refunded"})]),
    ("退了多少钱，其中多少来自部分退款的订单？",
     [("refund_amount", None), ("refund_amount", {"status": "partially_refunded"})]),
    ("How many orders were partially refunded, and how much?",
     [("orders", {"status": "partially_refunded"}), ("refund_amount", {"status": "partially_refunded"})]),
    ("How many orders that ended up 交易成功 still had some money refunded, and how much?",
     [("orders", {"status": "partially_refunded"}), ("refund_amount", {"status": "partially_refunded"})]),
    ("How many orders were closed after the buyer had already paid, and how much had those buyers paid in total?",
     [("orders", {"status": "closed_after_payment"}), ("gmv", {"status": "closed_after_payment"})]),
    ("退款的订单有多少？涉及多少钱？", [("orders", {"status": "refunded"}), ("refund_amount", None)]),
    ("退了多少钱？其中整单退的有几笔？", [("refund_amount", None), ("orders", {"status": "fully_refunded"})]),
    ("待发货的订单有多少？", [("orders", {"shipping": "not_shipped", "status": ["paid", "partially_refunded"]})]),
])
def test_a_later_ask_measures_a_part_or_the_money_of_what_was_counted(question, calls) -> None:
    r = route(question)
    assert [(c.args["metric"], c.args.get("filters")) for c in [r, *r.more]] == calls
    assert not r.dropped


def test_a_later_ask_not_understood_as_a_follow_up_stays_and_names_what_it_could_not_apply(douyin) -> None:
    _, engine, _ = douyin
    answer = engine.ask("交易关闭的单子，没付款超时关掉的有多少、付了款又退款关掉的有多少？商家拒绝退款的有几单？")
    assert len(answer.tool_calls) == 2 and answer.not_applied


@pytest.mark.parametrize("question", ["扣除退款后的客单价是多少？", "What's the net AOV?",
                                      "What's our AOV using what customers actually kept after partial refunds?"])
def test_aov_net_of_refunds(douyin, question) -> None:
    frame, engine, _ = douyin
    answer = engine.ask(question)
    assert answer.tool_calls[0].args["metric"] == "net_aov" and not answer.not_applied
    gmv = engine.run_tool("metric_query", {"metric": "gmv"}).table().iloc[0]["gmv"]
    refunds = engine.run_tool("metric_query", {"metric": "refund_amount"}).table().iloc[0]["refund_amount"]
    orders = frame["主订单编号"].nunique()
    assert gmv == pytest.approx(frame["订单应付金额"].sum())
    assert answer.table().iloc[0]["net_aov"] == pytest.approx((gmv - refunds) / orders)


@pytest.mark.parametrize("question, metric, filters", [
    ("一共有多少个子订单？", "lines", None),
    ("How many sub-orders actually ended with a completed refund?", "refunded_lines", None),
    ("退款成功的子订单有多少个？", "refunded_lines", None),
    ("How many sub-orders were refunded before they were ever shipped?", "refunded_lines", {"shipping": "not_shipped"}),
])
def test_order_lines_and_refunded_lines_are_counted_on_the_lines(douyin, question, metric, filters) -> None:
    frame, engine, _ = douyin
    answer = engine.ask(question)
    call = answer.tool_calls[0]
    assert (call.args["metric"], call.args.get("filters")) == (metric, filters)
    if filters is None:
        expected = len(frame) if metric == "lines" else int((frame["售后状态"] == "同意退款，退款成功").sum())
        assert int(answer.table().iloc[0][metric]) == expected


def test_refunded_lines_and_their_amount_in_one_ask(douyin) -> None:
    frame, engine, _ = douyin
    answer = engine.ask("退款成功的子订单有多少个、涉及金额多少？")
    assert [c.args["metric"] for c in answer.tool_calls] == ["refunded_lines", "refund_amount"]


@pytest.mark.parametrize("question", ["一单买了好几样东西、退掉了其中一样的有几单？",
                                      "How many orders had only one of the items refunded?"])
def test_one_item_of_several_sent_back_is_a_partial_refund(question) -> None:
    r = route(question)
    assert (r.args.get("filters"), r.args.get("dimension"), r.more) == ({"status": "partially_refunded"}, None, [])


def _taobao_items() -> pd.DataFrame:
    """淘宝-like item report (ExportOrderDetailList): no buyer, an empty 联系方式备注, a line per 宝贝."""
    rows = []
    for i in range(30):
        start = pd.Timestamp("2025-09-02 12:00") + pd.Timedelta(hours=20 * i)
        for k in range(1 + i % 2):
            rows.append({"子订单编号": f"43{i:05d}{k}", "主订单编号": f"43{i:05d}", "商品标题": f"杯子{k}",
                         "商品价格": 30 + k, "购买数量": 1, "联系方式备注": None, "订单状态": "交易成功",
                         "买家实付金额": 30.0 + k, "退款状态": "", "退款金额": 0.0,
                         "订单创建时间": start.strftime("%Y-%m-%d %H:%M:%S"),
                         "订单付款时间": (start + pd.Timedelta(minutes=5)).strftime("%Y-%m-%d %H:%M:%S")})
    return pd.DataFrame(rows)


def test_an_item_report_with_no_buyer_imports_and_every_customer_answer_says_so(tmp_path, workspace) -> None:
    from assistant.engine import Engine
    from assistant.ingest.workspace import import_dataset

    frame = _taobao_items()
    path = tmp_path / "ExportOrderDetailList202512010905.xlsx"
    frame.to_excel(path, index=False)
    result = import_dataset(path)
    assert result.report.rows_loaded["orders"] == frame["主订单编号"].nunique()
    with Engine(result.dataset.path) as engine:
        orders = engine.ask("How many orders were there?")
        buyers = engine.ask("How many buyers were there?")
    assert int(orders.table().iloc[0]["orders"]) == frame["主订单编号"].nunique() and not orders.caveats
    assert [c["code"] for c in buyers.caveats] == ["no_buyer_column"]


def test_an_item_report_with_an_empty_contact_column_joins_its_order_report(tmp_path, workspace) -> None:
    from assistant.ingest.workspace import import_dataset

    items = _taobao_items()
    order_ids = items["主订单编号"].unique()
    orders = pd.DataFrame({"订单编号": order_ids, "买家会员名": [f"buyer{i % 7}" for i in range(len(order_ids))],
                           "买家实际支付金额": items.groupby("主订单编号", sort=False)["买家实付金额"].sum().to_numpy(),
                           "订单状态": "交易成功",
                           "订单创建时间": items.groupby("主订单编号", sort=False)["订单创建时间"].first().to_numpy(),
                           "订单付款时间": items.groupby("主订单编号", sort=False)["订单付款时间"].first().to_numpy()})
    folder = tmp_path / "upload"
    folder.mkdir()
    orders.to_excel(folder / "ExportOrderList202512010905.xlsx", index=False)
    items.to_excel(folder / "ExportOrderDetailList202512010905.xlsx", index=False)
    result = import_dataset(folder)
    assert result.report.rows_loaded["order_items"] == len(items)
    assert result.report.rows_loaded["customers"] == 7 and not result.report.caveats()


@pytest.mark.parametrize("question, calls", [
    ("Orders above ¥1,500 last month: how many?", [("orders", {"amount": ">1500"})]),
    ("整单全退的有几单？整单全退是指一单里的东西全退了、钱全退回去了。", [("orders", {"status": "fully_refunded"})]),
    ("退款成功的有几个子订单？没发货就退的有几个？",
     [("refunded_lines", None), ("refunded_lines", {"shipping": "not_shipped"})]),
])
def test_thousands_definitions_and_the_unit_counted_again(question, calls) -> None:
    r = route(question)
    assert [(c.args["metric"], c.args.get("filters")) for c in [r, *r.more]] == calls


@pytest.mark.parametrize("question, calls", [
    ("Total refunded on our items last quarter, and how much of that was in September?",
     [("refund_amount", None, None), ("refund_amount", None, None)]),
    ("How many orders had a few items returned while the buyer kept the rest?",
     [("orders", {"status": "partially_refunded"}, None)]),
    ("Refund rate of the goods we sold in the live room", [("refund_rate", {"source": "live"}, None)]),
    ("Which products had the most refunds?", [("orders", {"status": "refunded"}, "product")]),
])
def test_the_goods_as_a_plain_noun_are_no_breakdown(question, calls) -> None:
    r = route(question)
    assert [(c.args["metric"], c.args.get("filters"), c.args.get("dimension")) for c in [r, *r.more]] == calls


def test_a_sentence_of_conditions_after_the_ask_qualifies_it() -> None:
    r = route("What was the net AOV last month? Only paid orders, leave out those refunded in full, "
              "and use what buyers kept after partial refunds.")
    assert (r.args["metric"], r.args.get("filters"), r.more) == (
        "net_aov", {"status": ["paid", "partially_refunded"]}, [])


@pytest.mark.parametrize("question, metric", [
    ("退款后人均消费多少", "net_spend_per_buyer"), ("扣掉退款的人均消费", "net_spend_per_buyer"),
    ("退款后每个客户平均消费多少", "net_spend_per_buyer"), ("扣除退款后的客单价", "net_aov"),
    ("spend per buyer after refunds", "net_spend_per_buyer"),
])
def test_refund_words_before_an_average_make_it_the_average_net_of_refunds(question, metric) -> None:
    r = route(question)
    assert (r.args["metric"], r.more, r.dropped) == (metric, [], [])


@pytest.mark.parametrize("after_sale", ["退款成功", "全额退款成功"])
def test_an_export_of_one_row_per_order_keeps_a_completed_refund_whole(tmp_path, workspace, after_sale) -> None:
    """Only a line that stayed completed inside a multi-line order is a partial refund; one row per order with
    交易成功 and 退款成功 is the whole order refunded, as before."""
    from assistant.engine import Engine
    from assistant.ingest.workspace import import_dataset

    frame = pd.DataFrame({"订单编号": [f"A{i}" for i in range(40)], "买家会员名": [f"b{i % 9}" for i in range(40)],
                          "下单时间": [f"2025-09-{1 + i % 28:02d} 10:00:00" for i in range(40)],
                          "实付金额": [100.0 + i for i in range(40)], "订单状态": "交易成功",
                          "售后状态": [after_sale if i % 5 == 0 else "" for i in range(40)]})
    path = tmp_path / "orders.csv"
    frame.to_csv(path, index=False, encoding="utf-8-sig")
    with Engine(import_dataset(path).dataset.path) as engine:
        split = engine.run_tool("metric_query", {"metric": "orders", "dimension": "status"}, "en").table()
        refunds = engine.run_tool("metric_query", {"metric": "refund_amount"}, "en").table()
    assert dict(zip(split["status"], split["orders"])) == {"paid": 32, "refunded": 8}
    assert refunds.iloc[0]["refund_amount"] == pytest.approx(frame["实付金额"][frame["售后状态"] != ""].sum())


def _wechat_lines() -> pd.DataFrame:
    """视频号-like 订单列表: a row per product line, the order's amount repeated on each, the order's shipping time
    beside each line's own 商品发货; a ¥0 gift line in some orders; some lines refunded before they shipped while
    the others went out, some refunded in part (商品已退款金额 below the line's price); some orders paid and then
    cancelled after a whole refund, some cancelled unpaid."""
    rows = []
    for i in range(50):
        start = pd.Timestamp("2025-09-01 09:00") + pd.Timedelta(hours=11 * i)
        prices = [60.0, 40.0] + ([0.0] if i % 4 == 0 else [])  # 赠品 at ¥0
        kind = i % 10
        for k, price in enumerate(prices):
            # kind 5: cancelled after payment, every line refunded; kind 9: every line refunded after delivery,
            # the order still 已完成 (a whole refund, no closed order)
            refunded = price if (kind == 1 and k == 0) or kind in (5, 9) else (15.0 if kind == 3 and k == 1 else 0.0)
            line_shipped = not (kind == 1 and k == 0) and kind not in (5, 7)
            status = "已取消" if kind in (5, 7) else "已完成"
            rows.append({"订单号": f"37{i:06d}", "订单下单时间": start.strftime("%Y-%m-%d %H:%M:%S"),
                         "支付时间": "" if kind == 7 else (start + pd.Timedelta(minutes=2)).strftime(
                             "%Y-%m-%d %H:%M:%S"),
                         "订单发货时间": "" if kind in (5, 7) else (start + pd.Timedelta(days=1)).strftime(
                             "%Y-%m-%d %H:%M:%S"),
                         "订单状态": status, "收件人手机": f"138****{i % 20:04d}", "收件人姓名": "王**",
                         "订单实际支付金额": sum(prices), "商品名称": f"零食{k}" if price else "【赠品】小样",
                         "商品数量": 1, "商品价格(单件)": price, "商品发货": "已发货" if line_shipped else "未发货",
                         "商品售后": "退款完成" if refunded else "", "商品已退款金额": refunded})
    return pd.DataFrame(rows)


@pytest.fixture()
def wechat(tmp_path, workspace):
    from assistant.engine import Engine
    from assistant.ingest.workspace import import_dataset

    frame = _wechat_lines()
    path = tmp_path / "微信小店_订单列表.xlsx"
    frame.to_excel(path, index=False)
    with Engine(import_dataset(path).dataset.path) as engine:
        yield frame, engine


def test_a_lines_own_shipping_status_decides_its_refunds_timing(wechat) -> None:
    """商品发货 says a refunded line never went out though its order's 发货时间 is filled: before shipping."""
    frame, engine = wechat
    split = engine.run_tool("metric_query", {"metric": "refund_amount", "dimension": "shipping"}, "en").table()
    refunded = frame[frame["商品已退款金额"] > 0]
    by_line = refunded.groupby("商品发货")["商品已退款金额"].sum()
    assert dict(zip(split["shipping"], split["refund_amount"])) == {
        "not shipped": pytest.approx(by_line["未发货"]), "shipped": pytest.approx(by_line["已发货"])}
    # orders still count as shipped when any of their lines went out
    orders = engine.run_tool("metric_query", {"metric": "orders", "dimension": "shipping"}, "en").table()
    paid = frame[frame["支付时间"] != ""].groupby("订单号")["商品发货"].apply(lambda s: (s == "已发货").any())
    assert dict(zip(orders["shipping"], orders["orders"])) == {"shipped": paid.sum(), "not shipped": (~paid).sum()}


def test_a_products_refunds_count_a_line_refunded_in_part(wechat) -> None:
    frame, engine = wechat
    table = engine.run_tool("metric_query", {"metric": "refund_amount", "dimension": "product"}, "en").table()
    expected = frame[frame["支付时间"] != ""].groupby("商品名称")["商品已退款金额"].sum()
    got = dict(zip(table["product"], table["refund_amount"]))
    assert got["零食1"] == pytest.approx(expected["零食1"]) and expected["零食1"] % 40 != 0  # parts of lines


def test_free_gift_lines_are_counted_and_the_count_without_them_is_given(wechat) -> None:
    frame, engine = wechat
    result = engine.run_tool("metric_query", {"metric": "lines"}, "zh")
    paid = frame[frame["支付时间"] != ""]
    gifts = int((paid["商品价格(单件)"] == 0).sum())
    assert result.table().iloc[0]["lines"] == len(paid) and gifts > 0
    assert f"不计零元商品行（赠品、福袋等），去掉 {gifts} 行：{len(paid) - gifts}" in result.answer
    # pieces sold: a free gift is given, not sold, for many sellers; both figures, the gifts' pieces named
    units = engine.run_tool("metric_query", {"metric": "units"}, "en")
    pieces = paid["商品数量"].sum()
    gift_pieces = int(paid.loc[paid["商品价格(单件)"] == 0, "商品数量"].sum())
    assert units.table().iloc[0]["units"] == pieces
    assert units.table().iloc[0]["without_zero_lines_units_left_out"] == gift_pieces > 0
    assert f"{gift_pieces:,} pieces fewer: {pieces - gift_pieces:,}" in units.answer


def test_cancelled_orders_name_the_ones_closed_after_payment(wechat) -> None:
    frame, engine = wechat
    orders = frame.drop_duplicates("订单号")
    unpaid = int(((orders["订单状态"] == "已取消") & (orders["支付时间"] == "")).sum())
    paid_then = int(((orders["订单状态"] == "已取消") & (orders["支付时间"] != "")).sum())
    answer = engine.ask("已取消的订单有几单？")
    assert answer.table().iloc[0]["orders"] == unpaid and unpaid and paid_then
    assert f"另有 {paid_then} 笔订单付款后整单退款、订单关闭" in answer.answer
    assert f"两者合计 {unpaid + paid_then} 笔" in answer.answer
    # (a whole refund after the order completed is no closed order: counted apart from the closed ones)
    assert answer.table().iloc[0]["closed_after_payment"] == paid_then
    assert answer.table().iloc[0]["wholly_refunded_after_payment"] > paid_then


@pytest.mark.parametrize("question", [
    "付了钱后来又整单关闭的有几单", "已取消的订单里面，付过钱的有几单？",
    "How many orders were closed after the buyer had already paid?",
])
def test_orders_closed_after_payment_are_the_whole_refunds_that_closed_them(wechat, question) -> None:
    """Of the whole refunds, the ones the platform closed (已取消 with a payment time): not the ones refunded in
    full after the order completed."""
    frame, engine = wechat
    orders = frame.drop_duplicates("订单号")
    paid_then = int(((orders["订单状态"] == "已取消") & (orders["支付时间"] != "")).sum())
    answer = engine.ask(question)
    assert answer.tool_calls[0].args["filters"] == {"status": "closed_after_payment"}
    whole = engine.run_tool("metric_query", {"metric": "orders", "filters": {"status": "fully_refunded"}}).table()
    assert answer.table().iloc[0]["orders"] == paid_then < whole.iloc[0]["orders"]
    assert "does not say which" not in answer.answer and "没有说哪些" not in answer.answer


def test_without_the_closing_said_orders_closed_after_payment_are_every_whole_refund_and_say_so(engine) -> None:
    answer = engine.ask("上个月付了钱后来又整单关闭的有几单")
    whole = engine.run_tool("metric_query", {"metric": "orders", "period": "last_month",
                                             "filters": {"status": "fully_refunded"}}).table()
    assert answer.table().iloc[0]["orders"] == whole.iloc[0]["orders"] > 0
    assert "这份导出没有说哪些整单退款的订单被关闭了" in answer.answer


def test_spend_per_buyer_net_of_refunds(wechat) -> None:
    frame, engine = wechat
    answer = engine.ask("平均每个买家实际花了多少钱？退款要扣掉。")
    assert answer.tool_calls[0].args["metric"] == "net_spend_per_buyer" and not answer.not_applied
    paid = frame[frame["支付时间"] != ""]
    net = paid.drop_duplicates("订单号")["订单实际支付金额"].sum() - paid["商品已退款金额"].sum()
    assert answer.table().iloc[0]["net_spend_per_buyer"] == pytest.approx(net / paid["收件人手机"].nunique())


@pytest.mark.parametrize("question, calls", [
    # a share of the refunded orders by kind: the refunded orders are the whole, split by kind of refund
    ("Of the orders where we gave any money back, what fraction were full refunds?",
     [("orders", {"status": "refunded"}, "status")]),
    ("退款的订单里，整单退的占多少？", [("orders", {"status": "refunded"}, "status")]),
    # ...but a kind named first is the whole, and the other words split it
    ("What share of the fully refunded orders were refunded before shipping?",
     [("orders", {"status": "fully_refunded"}, "shipping")]),
    # a heading, then its questions: each question on its own
    ("Order status rundown please: how many were never paid and got closed, how many were paid and then closed?",
     [("orders", {"status": "cancelled"}, None), ("orders", {"status": "closed_after_payment"}, None)]),
    ("订单状态汇总一下：没付款就关闭的有几单？", [("orders", {"status": "cancelled"}, None)]),
    ("Of the orders that got closed after they'd been paid, how many closed before anything shipped?",
     [("orders", {"status": "closed_after_payment", "shipping": "not_shipped"}, None)]),
    ("Of the orders that got closed after they'd been paid, how many closed before anything shipped and how "
     "many after shipping?", [("orders", {"status": "closed_after_payment"}, "shipping")]),
    # refunds said to stay in, or to come off, in a sentence of their own
    ("上个月卖了多少钱？退款先不扣。", [("gmv", None, None)]),
    ("GMV last month, refunds not deducted", [("gmv", None, None)]),
    ("上个月卖了多少钱？退款要扣掉。", [("net_sales", None, None)]),
    ("付了款的销售额一共多少？退款先不扣。其中直播间卖的有多少钱？",
     [("gmv", None, None), ("gmv", {"source": "live"}, None)]),
    ("spend per buyer after refunds", [("net_spend_per_buyer", None, None)]),
    # the refunded ones counted, then their money
    ("退款的有几单？涉及多少钱？", [("orders", {"status": "refunded"}, None), ("refund_amount", None, None)]),
    ("退款的有多少人", [("buyers", {"status": "refunded"}, None)]),
    ("退款成功的子订单有多少个？涉及多少钱？", [("refunded_lines", None, None), ("refund_amount", None, None)]),
    ("退款成功的子订单有多少个？其中有几个是在部分退款的订单里？",
     [("refunded_lines", None, None), ("refunded_lines", {"status": "partially_refunded"}, None)]),
    ("How many sub-orders were refunded? And how many of those were in orders where the buyer still kept at "
     "least one other item?",
     [("refunded_lines", None, None), ("refunded_lines", {"status": "partially_refunded"}, None)]),
    ("一共退了多少钱？其中整单退的多少、部分退的多少？",
     [("refund_amount", None, None), ("refund_amount", None, "status")]),
])
def test_refund_wordings_of_platform_operators(question, calls) -> None:
    r = route(question)
    assert [(c.args["metric"], c.args.get("filters"), c.args.get("dimension")) for c in [r, *r.more]] == calls
    assert not r.dropped


@pytest.mark.parametrize("question, calls", [
    # the status words platforms use: closed unpaid, paid then closed after a refund, still being packed
    ("压根没付款就关掉的几个？", [("orders", {"status": "cancelled"}, None)]),
    ("其中付过款、后来退款才关掉的几个？", [("orders", {"status": "closed_after_payment"}, None)]),
    ("付了款、还在备货中的订单还有几个？",
     [("orders", {"shipping": "not_shipped", "status": ["paid", "partially_refunded"]}, None)]),
    ("抖店现在还有多少售后没走完？", [("orders", {"after_sale": "open"}, None)]),
    ("Youzan orders, status rundown: total closed? Closed without ever being paid? Closed because the whole order "
     "was refunded? And still waiting on payment right now?",
     [("orders", {"status": "cancelled"}, None), ("orders", {"status": "closed_after_payment"}, None),
      ("orders", {"status": "unpaid"}, None)]),
    ("Douyin orders that got closed after the buyer had already paid: how much had buyers paid on those orders in "
     "total, and how many of them had already shipped before they were closed?",
     [("gmv", {"status": "closed_after_payment"}, None),
      ("orders", {"status": "closed_after_payment", "shipping": "shipped"}, None)]),
    # money paid asked of people, in total or each
    ("这些订单的买家一共付了多少钱", [("gmv", None, None)]),
    ("买家平均付了多少钱", [("spend_per_buyer", None, None)]),
    # the people who had refunds, and those with more than one
    ("这三个月有多少个买家退过款？其中退款不止一单的有几个？",
     [("buyers", {"status": "refunded"}, None), ("repeat_buyers", {"status": "refunded"}, None)]),
    ("how many customers had two or more refunded orders?", [("repeat_buyers", {"status": "refunded"}, None)]),
    # refund money in other words, and its share by shipping
    ("退掉的钱里，商品还没发货就退掉的占多大比例？", [("refund_amount", {"status": "refunded"}, "shipping")]),
    ("Total money refunded, split into orders refunded in full vs partly.", [("refund_amount", None, "status")]),
    ("For orders that had any item refunded, what share were refunded in full and what share only partly?",
     [("orders", {"status": "refunded"}, "status")]),
    ("付了款的订单一共卖出去多少件商品？退款的先不管。", [("units", None, None)]),
])
def test_platform_status_and_refund_wordings(question, calls) -> None:
    r = route(question)
    assert [(c.args["metric"], c.args.get("filters"), c.args.get("dimension")) for c in [r, *r.more]] == calls
    assert not any(c.dropped for c in [r, *r.more])


@pytest.mark.parametrize("question, named", [
    # a share of buyers by a kind of order: buyers have orders of several kinds, so no split gives it
    ("付过款的买家里，有退过款的人占多少？", "share of the total"),
    # orders that include a gift line, as opposed to free orders
    ("How many paid orders came with a free gift?", "orders with a gift"),
    # what the people who got a free order paid in all: no filter of orders says who they are
    ("领过福袋的人，付款下单一共花了多少钱？", "customers who got a free order"),
])
def test_what_no_call_gives_is_named(question, named) -> None:
    r = route(question)
    assert named in [d.detail for c in [r, *r.more] for d in c.dropped]
    assert "amount" not in (r.args.get("filters") or {}) or named != "customers who got a free order"


def test_a_qualifier_the_ask_could_not_apply_stays_named_when_it_follows_on() -> None:
    r = route("还有多少售后没走完？等买家寄回来的和等我们收货的各几个子订单？")
    assert r.more[0].args["metric"] == "lines" and r.more[0].args["filters"] == {"after_sale": "open"}
    assert [d.detail for d in r.more[0].dropped] == ["refund type"]


def test_a_window_inside_a_products_name_is_the_products(tmp_path, workspace) -> None:
    from assistant.engine import Engine
    from assistant.ingest.workspace import import_dataset

    frame = pd.DataFrame({"订单号": [f"A{i}" for i in range(30)], "买家": [f"b{i % 7}" for i in range(30)],
                          "下单时间": [str(pd.Timestamp("2025-08-01") + pd.Timedelta(days=3 * i)) for i in range(30)],
                          "商品名称": ["中秋坚果礼盒" if i % 2 else "每日坚果" for i in range(30)],
                          "实付金额": [100.0 + i for i in range(30)], "订单状态": "交易成功"})
    path = tmp_path / "orders.csv"
    frame.to_csv(path, index=False)
    with Engine(import_dataset(path).dataset.path) as engine:
        answer = engine.ask("中秋坚果礼盒一共卖了多少钱？")
    assert "period" not in answer.tool_calls[0].args and answer.tool_calls[0].args["filters"] == {
        "product": "中秋坚果礼盒"}
    assert answer.table().iloc[0]["gmv"] == pytest.approx(frame[frame["商品名称"] == "中秋坚果礼盒"]["实付金额"].sum())


def test_lines_still_to_ship_are_counted_by_their_own_shipping(wechat) -> None:
    """An order whose lines did not all go out together: its lines are counted each by its own 商品发货."""
    frame, engine = wechat
    table = engine.run_tool("metric_query", {"metric": "lines", "dimension": "shipping"}, "en").table()
    paid = frame[frame["支付时间"] != ""]
    expected = paid["商品发货"].map({"已发货": "shipped", "未发货": "not shipped"}).value_counts()
    assert dict(zip(table["shipping"], table["lines"])) == dict(expected)
    mixed = paid.groupby("订单号")["商品发货"].nunique().gt(1).sum()
    assert mixed > 0  # (orders with a line out and a line held back are what the test is about)


@pytest.mark.parametrize("question, calls", [
    # a heading before a colon that is itself a topic stays with the first question (no ask of its own)
    ("退款情况：上个月退了多少单？退了多少钱？",
     [("orders", "last_month", {"status": "refunded"}), ("refund_amount", "last_month", {"status": "refunded"})]),
    ("直播复盘：上周卖了多少？多少单？", [("gmv", "last_week", None), ("orders", "last_week", None)]),
    ("Refunded orders: how many last month? how much money?",
     [("orders", "last_month", {"status": "refunded"}), ("refund_amount", "last_month", {"status": "refunded"})]),
    ("新客：上个月有多少？客单价多少？", [("new_customers", "last_month", None), ("aov", "last_month", None)]),
    # a share of customers with more than one order is the repurchase rate
    ("What share of customers have more than one order?", [("repurchase_rate", None, None)]),
    ("多少比例的客户下了不止一单？", [("repurchase_rate", None, None)]),
    # what comes off money is said of the money, not of a count beside it
    ("上个月卖了多少钱？订单多少？退款要扣掉。", [("net_sales", "last_month", None), ("orders", "last_month", None)]),
    # a kind set aside is no kind counted by; one not considered is left out
    ("上个月GMV多少？部分退款的先不管。", [("gmv", "last_month", None)]),
    ("上个月订单多少？GMV多少？取消的不管。", [("orders", "last_month", None), ("gmv", "last_month", None)]),
    ("上个月订单多少？GMV多少？0元单不考虑。",
     [("orders", "last_month", {"amount": ">0"}), ("gmv", "last_month", {"amount": ">0"})]),
])
def test_plain_questions_beside_the_new_wordings_keep_their_reading(question, calls) -> None:
    r = route(question)
    assert [(c.args.get("metric"), c.args.get("period"), c.args.get("filters")) for c in [r, *r.more]] == calls
    assert not any(c.dropped for c in [r, *r.more])


def test_a_status_distribution_stays_a_split_and_other_closings_are_no_status() -> None:
    assert route("订单状态分布，尤其是已取消的").args.get("dimension") == "status"
    assert route("Order status breakdown, especially the cancelled ones").args.get("dimension") == "status"
    for question in ("关掉的直播间有哪些？", "把直播关掉以后还有订单吗"):
        assert "status" not in (route(question).args.get("filters") or {})
    assert not route("How many orders came with a gift card?").dropped
