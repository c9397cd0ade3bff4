"""Kinds of refund and of order, read as an after-sale export states them and asked for the way operators ask.

A line whose after-sale status says 退款成功 for less than was paid is a partial refund (the order stays
paid); an order closed after payment, or whose refunds add up to what was paid, is a whole refund; a refused
refund is none. The amount refunded splits and filters by those kinds. A count of buyers, repeat buyers or the
repurchase rate says what it is without ¥0 orders and over valid orders only, where the data has them. Every
figure is checked against pandas on the same rows."""

from __future__ import annotations

import pandas as pd
import pytest


def _after_sale_export() -> pd.DataFrame:
    """A 视频号-like export, one row per product with the order's paid amount repeated, a 商品售后 status and
    a refunded amount per line: some single-line orders refunded in part under 退款成功, some whole."""
    rows = []
    for i in range(80):
        lines = 1 + i % 2
        start = pd.Timestamp("2025-07-01 09:00") + pd.Timedelta(hours=11 * i)
        prices = [40.0 + 5 * k + i for k in range(lines)]
        paid = 0.0 if i % 13 == 0 else round(sum(prices), 2)  # a 福袋 now and then
        closed = i % 17 == 5  # paid, then closed: the whole order refunded
        for k in range(lines):
            after, refund = "", 0.0
            if closed:
                after, refund = "退款成功", round(prices[k], 2)
            elif i % 9 == 2 and k == 0:  # a tenth of the first line given back: a partial refund
                after, refund = "退款成功", round(prices[k] * 0.1, 2)
            elif i % 9 == 4 and lines == 2 and k == 1:  # one line of two given back in full: partial too
                after, refund = "退款成功", round(prices[k], 2)
            elif i % 11 == 3:  # asked for and refused: nothing came back
                after, refund = "商家拒绝退款", round(prices[k], 2)
            rows.append({
                "订单号": f"S{i:04d}", "订单下单时间": start.strftime("%Y-%m-%d %H:%M:%S"),
                "支付时间": (start + pd.Timedelta(minutes=2)).strftime("%Y-%m-%d %H:%M:%S"),
                "订单状态": "已取消" if closed else "已完成",
                "收件人手机": f"1370000{i:04d}" if i % 26 == 0 else f"1390000{i % 30:04d}",  # some took a gift only
                "商品名称": f"茶{k}", "商品价格(单件)": prices[k], "商品数量": 1, "订单实际支付金额": paid,
                "商品售后": after, "商品已退款金额": refund if paid else 0.0,
            })
    return pd.DataFrame(rows)


@pytest.fixture()
def refunds(tmp_path, workspace):
    from assistant.engine import Engine
    from assistant.ingest.workspace import import_dataset

    frame = _after_sale_export()
    path = tmp_path / "视频号小店_订单列表.csv"
    frame.to_csv(path, index=False, encoding="utf-8-sig")
    result = import_dataset(path)
    orders = frame.groupby("订单号").agg(
        paid=("订单实际支付金额", "first"), status=("订单状态", "first"), customer=("收件人手机", "first"),
        refund=("商品已退款金额", lambda s: s[frame.loc[s.index, "商品售后"] == "退款成功"].sum()))
    orders["kind"] = "none"
    orders.loc[(orders["status"] == "已取消") | ((orders["refund"] > 0) & (orders["refund"] >= orders["paid"] - 0.01)),
               "kind"] = "whole"
    orders.loc[(orders["kind"] == "none") & (orders["refund"] > 0), "kind"] = "partial"
    with Engine(result.dataset.path) as engine:
        yield orders, engine


def test_a_refund_smaller_than_the_line_is_partial_even_when_the_status_says_refunded(refunds) -> None:
    orders, engine = refunds
    split = engine.run_tool("metric_query", {"metric": "orders", "dimension": "status"}, "en").table()
    counts = dict(zip(split["status"], split["orders"]))
    assert (orders["kind"] == "partial").sum() > 5 and (orders["kind"] == "whole").sum() > 3
    assert counts["partially_refunded"] == (orders["kind"] == "partial").sum()
    assert counts["refunded"] == (orders["kind"] == "whole").sum()


def test_the_refund_amount_splits_and_filters_by_kind(refunds) -> None:
    orders, engine = refunds
    whole = orders.loc[orders["kind"] == "whole", "paid"].sum()
    partial = orders.loc[orders["kind"] == "partial", "refund"].sum()
    split = engine.run_tool("metric_query", {"metric": "refund_amount", "dimension": "status"}, "zh")
    amounts = dict(zip(split.table()["status"], split.table()["refund_amount"]))
    assert amounts["refunded"] == pytest.approx(whole) and amounts["partially_refunded"] == pytest.approx(partial)
    assert "部分退款（" in split.answer and "partially_refunded" not in split.answer  # the sentence says it in words
    one = engine.run_tool("metric_query", {"metric": "refund_amount", "filters": {"status": "partially_refunded"}})
    assert one.table().iloc[0]["refund_amount"] == pytest.approx(partial)


@pytest.mark.parametrize("question, metrics", [
    ("有几单是部分退款（只退了一部分），一共退了多少钱？", ["orders", "refund_amount"]),
    ("部分退款的订单退了多少钱？", ["refund_amount"]),
    ("How many orders were partially refunded and how much was refunded on them?", ["orders", "refund_amount"]),
    ("整单退的有几笔", ["orders"]),
])
def test_a_kind_of_refund_is_counted_its_amount_or_both(refunds, question, metrics) -> None:
    orders, engine = refunds
    answer = engine.ask(question)
    assert [c.args["metric"] for c in answer.tool_calls] == metrics
    kind = "fully_refunded" if "整单" in question else "partially_refunded"
    assert all(c.args["filters"] == {"status": kind} for c in answer.tool_calls)
    if "refund_amount" in metrics:
        amount = answer.table("refund_amount").iloc[0]["refund_amount"]
        assert amount == pytest.approx(orders.loc[orders["kind"] == "partial", "refund"].sum())


def test_both_kinds_amounts_side_by_side(refunds) -> None:
    _, engine = refunds
    answer = engine.ask("全额退款和部分退款各退了多少钱")
    assert [(c.args["metric"], c.args["dimension"]) for c in answer.tool_calls] == [("refund_amount", "status")]


def test_buying_again_is_also_given_without_zero_orders_and_over_valid_orders(refunds) -> None:
    orders, engine = refunds
    paid = orders  # every order here was paid
    answer = engine.ask("复购率多少")
    assert answer.tool_calls[0].args == {"metric": "repurchase_rate"}
    table = answer.table("repurchase_rate").iloc[0]

    def rate(rows: pd.DataFrame) -> tuple[float, int, int]:
        counts = rows.groupby("customer").size()
        return (counts >= 2).mean(), int((counts >= 2).sum()), len(counts)

    assert table["repurchase_rate"] == pytest.approx(rate(paid)[0])
    nonzero = rate(paid[paid["paid"] > 0])
    valid = rate(paid[(paid["paid"] > 0) & (paid["kind"] != "whole")])
    assert nonzero[0] != rate(paid)[0] and valid[0] != nonzero[0]  # the data makes all three differ
    assert table["repurchase_rate_without_zero_amount"] == pytest.approx(nonzero[0])
    assert table["repurchase_rate_valid_orders_only"] == pytest.approx(valid[0])
    assert f"（{nonzero[1]}/{nonzero[2]}）" in answer.answer and f"（{valid[1]}/{valid[2]}）" in answer.answer
    buyers = engine.ask("How many distinct customers paid at least once?")
    assert "without zero-amount orders" in buyers.answer
    assert buyers.table("buyers").iloc[0]["buyers_without_zero_amount"] == paid.loc[paid["paid"] > 0,
                                                                                     "customer"].nunique()
    assert "valid orders" not in buyers.answer  # a count of buyers is not a measure of buying again


def test_data_without_zero_orders_or_refunds_says_no_other_reading(workspace, tmp_path) -> None:
    from assistant.engine import Engine
    from assistant.ingest.workspace import import_dataset

    frame = pd.DataFrame({"订单编号": [f"D{i}" for i in range(20)],
                          "下单时间": [f"2025-08-{1 + i:02d}" for i in range(20)],
                          "买家ID": [f"b{i % 6}" for i in range(20)], "实付金额": [30.0 + i for i in range(20)]})
    path = tmp_path / "orders.csv"
    frame.to_csv(path, index=False)
    with Engine(import_dataset(path).dataset.path) as engine:
        answer = engine.ask("复购率多少")
    assert "其他口径" not in answer.answer
    assert not [c for c in answer.table().columns if "zero_amount" in c or "valid_orders" in c]


@pytest.mark.parametrize("question, metric", [
    ("复购客户有多少", "repeat_buyers"), ("上个月复购用户数", "repeat_buyers"), ("复购客户占比多少", "repurchase_rate"),
])
def test_the_people_who_bought_again_are_counted_when_named(engine, question, metric) -> None:
    answer = engine.ask(question)
    assert answer.tool_calls[0].args["metric"] == metric and "没有应用" not in answer.answer


def test_partial_refunds_named_without_an_amount_are_counted_and_said(tmp_path, workspace) -> None:
    """A 拼多多-like export: 售后状态 says 退款成功 or 部分退款成功, and no column says how much came back."""
    from assistant.engine import Engine
    from assistant.ingest.workspace import import_dataset

    rows = []
    for i in range(90):
        after = "退款成功" if i % 10 == 3 else "部分退款成功" if i % 10 == 6 else "退款中" if i % 15 == 1 \
            else "无售后或售后取消"
        rows.append({"订单号": f"251001-{600000000000 + i}",
                     "订单状态": "已签收，退款成功" if after == "退款成功" else "已签收",
                     "用户实付金额(元)": f"{50 + i}.00\t", "收货人": f"王**{i % 20}", "手机": f"138****{i % 20:04d}",
                     "支付时间": f"2025-10-{1 + i % 28:02d} 10:00:00", "售后状态": after, "商品": "羊绒围巾"})
    frame = pd.DataFrame(rows)
    path = tmp_path / "拼多多_订单查询导出.csv"
    frame.to_csv(path, index=False, encoding="utf-8-sig")
    result = import_dataset(path)
    whole, partial = (frame["售后状态"] == "退款成功").sum(), (frame["售后状态"] == "部分退款成功").sum()
    assert result.report.partially_refunded_orders == partial
    with Engine(result.dataset.path) as engine:
        split = engine.run_tool("metric_query", {"metric": "orders", "dimension": "status"}).table()
        rate = engine.run_tool("metric_query", {"metric": "refund_rate"}).table().iloc[0]["refund_rate"]
        amount = engine.ask("退款金额多少")
        both = engine.ask("How many orders were fully refunded and for how much, and how many were partially refunded?")
    counts = dict(zip(split["status"], split["orders"]))
    assert counts["partially_refunded"] == partial and counts["refunded"] == whole  # 退款中 is neither
    assert rate == pytest.approx((whole + partial) / len(frame))
    paid = frame["用户实付金额(元)"].str.strip().astype(float)
    assert amount.table().iloc[0]["refund_amount"] == pytest.approx(paid[frame["售后状态"] == "退款成功"].sum())
    assert f"另有 {partial} 笔订单在此期间标为部分退款" in amount.answer
    assert amount.table().iloc[0]["partial_refunds_without_amount"] == partial
    assert [(c.args["metric"], c.args["filters"]["status"]) for c in both.tool_calls] == [
        ("orders", "fully_refunded"), ("refund_amount", "fully_refunded"), ("orders", "partially_refunded")]
    assert "no amount in the export" not in both.answer  # a whole refund's amount is known


@pytest.mark.parametrize("question, filters", [
    # a kind left out is the orders without it; one said to count as usual filters nothing
    ("复购率多少？整单退掉的和0元福袋都不算，部分退款的照算。",
     {"status": ["paid", "partially_refunded"], "amount": ">0"}),
    ("What's the average order value on valid orders only — paid, not free, and not fully refunded?",
     {"status": ["paid", "partially_refunded"], "amount": ">0"}),
    ("What's the repurchase rate if we exclude free trials and any order that had a refund?",
     {"status": ["paid"], "amount": ">0"}),
    ("有效订单一共多少单？", {"status": ["paid", "partially_refunded"]}),
    ("算上0元的单，一共有多少个付过款的买家？", {}),
    ("不算0元单的客单价", {"amount": ">0"}),
    ("What's the AOV on valid orders only — paid, not fully refunded, and not a ¥0 trial?",
     {"status": ["paid", "partially_refunded"], "amount": ">0"}),
    ("What's the average order value with the ¥0 trial orders counted, and without them?", {}),
])
def test_kinds_of_order_left_out_or_counted_as_usual(refunds, question, filters) -> None:
    _, engine = refunds
    answer = engine.ask(question)
    assert [c.args.get("filters", {}) for c in answer.tool_calls] == [filters] and answer.ok
    assert "dimension" not in answer.tool_calls[0].args  # one group of orders, not a split of them
    assert not answer.not_applied


def test_a_kind_left_out_gives_the_figure_over_the_rest(refunds) -> None:
    orders, engine = refunds
    answer = engine.ask("What's the average order value on valid orders only — paid, not free, and not fully "
                        "refunded?")
    valid = orders[(orders["paid"] > 0) & (orders["kind"] != "whole")]
    assert answer.table().iloc[0]["aov"] == pytest.approx(valid["paid"].mean())


def test_leaving_out_said_first_holds_for_every_ask(refunds) -> None:
    _, engine = refunds
    answer = engine.ask("Leaving out the free lucky-bag orders, how many different customers paid, and how many of "
                        "them bought more than once?")
    assert [(c.args["metric"], c.args.get("filters")) for c in answer.tool_calls] == [
        ("buyers", {"amount": ">0"}), ("repeat_buyers", {"amount": ">0"})]


@pytest.mark.parametrize("question, metric, status", [
    ("有多少单是没付钱就取消的？付了钱后来又整单关闭的有几单？", "orders", "closed_after_payment"),
    ("一共有多少单退了款？", "orders", "refunded"),
    ("How many customers actually got money back from a refund?", "buyers", "refunded"),
    ("How much money went back to buyers on the orders that were refunded in full?", "refund_amount",
     "fully_refunded"),
])
def test_refunds_said_the_ways_operators_say_them(refunds, question, metric, status) -> None:
    _, engine = refunds
    answer = engine.ask(question)
    last = answer.tool_calls[-1].args
    assert (last["metric"], last["filters"]["status"]) == (metric, status) and not answer.not_applied


def test_the_refund_rate_is_also_given_by_amount(refunds) -> None:
    orders, engine = refunds
    answer = engine.ask("按金额算的退款率是多少？")
    refunded = orders.loc[orders["kind"] == "whole", "paid"].sum() + orders.loc[orders["kind"] == "partial",
                                                                                  "refund"].sum()
    assert answer.table().iloc[0]["refund_amount_rate"] == pytest.approx(refunded / orders["paid"].sum())
    assert "按金额算（退款金额 ÷ 成交额）的退款率" in answer.answer


def test_an_amount_the_export_never_gives_is_declined(tmp_path, workspace) -> None:
    from assistant.engine import Engine
    from assistant.ingest.workspace import import_dataset

    frame = pd.DataFrame({"订单号": [f"251001-{600000000000 + i}" for i in range(30)],
                          "订单状态": ["已签收"] * 30, "用户实付金额(元)": [40.0 + i for i in range(30)],
                          "手机": [f"138****{i % 9:04d}" for i in range(30)], "收货人": ["李**"] * 30,
                          "支付时间": [f"2025-10-{1 + i:02d} 09:00:00" for i in range(30)],
                          "售后状态": ["部分退款成功" if i % 6 == 0 else "无售后或售后取消" for i in range(30)]})
    path = tmp_path / "拼多多_订单查询导出.csv"
    frame.to_csv(path, index=False, encoding="utf-8-sig")
    with Engine(import_dataset(path).dataset.path) as engine:
        answer = engine.ask("部分退款的那些单，一共退了多少钱？")
        count = engine.ask("部分退款有几单")
    assert not answer.ok and "没有退款金额" in answer.answer
    assert count.table().iloc[0]["orders"] == 5


def _pdd_statuses() -> pd.DataFrame:
    statuses = ["未发货，退款成功", "已发货，退款成功", "已签收，退款成功", "已签收", "已发货，待签收", "待发货"]
    return pd.DataFrame({"订单号": [f"251002-{610000000000 + i}" for i in range(60)],
                         "订单状态": [statuses[i % 6] for i in range(60)],
                         "用户实付金额(元)": [30.0 + i for i in range(60)],
                         "手机": [f"139****{i % 12:04d}" for i in range(60)], "收货人": ["赵**"] * 60,
                         "支付时间": [f"2025-10-{1 + i % 28:02d} 09:00:00" for i in range(60)]})


@pytest.mark.parametrize("question, expected", [
    ("全额退款的订单里，有多少是还没发货就退了、多少是发货以后退的？", {"not_shipped": 10, "shipped": 20}),
    ("整单退款的订单里，发货前退的有几单？发货后退的有几单？", [10, 20]),
    ("How much was refunded on orders that had already been shipped?", 20),
])
def test_refunds_before_and_after_shipping(tmp_path, workspace, question, expected) -> None:
    """A status that says it (拼多多 未发货/已发货/已签收，退款成功) or a shipping time tells them apart."""
    from assistant.engine import Engine
    from assistant.ingest.workspace import import_dataset

    frame = _pdd_statuses()
    path = tmp_path / "拼多多_订单查询导出.csv"
    frame.to_csv(path, index=False, encoding="utf-8-sig")
    with Engine(import_dataset(path).dataset.path) as engine:
        answer = engine.ask(question)
    assert answer.ok and not answer.not_applied
    if isinstance(expected, dict):
        table = answer.table()
        assert dict(zip(table["shipping"], table["orders"])) == {"未发货": 10, "已发货": 20}
    elif isinstance(expected, list):
        assert [int(t.df.iloc[0]["orders"]) for t in answer.tables] == expected
        assert all(c.args["filters"]["status"] == "fully_refunded" for c in answer.tool_calls)
    else:
        shipped = frame[frame["订单状态"].isin(["已发货，退款成功", "已签收，退款成功"])]
        assert answer.table().iloc[0]["refund_amount"] == pytest.approx(shipped["用户实付金额(元)"].sum())


def test_a_shipping_time_says_whether_an_order_had_shipped(tmp_path, workspace) -> None:
    from assistant.engine import Engine
    from assistant.ingest.workspace import import_dataset

    frame = pd.DataFrame({"订单编号": [f"T{i}" for i in range(24)], "买家会员名": [f"b{i % 5}" for i in range(24)],
                          "订单创建时间": [f"2025-09-{1 + i:02d} 10:00:00" for i in range(24)],
                          "订单付款时间": [f"2025-09-{1 + i:02d} 10:05:00" for i in range(24)],
                          "买家实际支付金额": [50.0] * 24, "订单状态": ["交易关闭" if i % 4 == 0 else "交易成功"
                                                                  for i in range(24)],
                          "发货时间": ["" if i % 8 == 0 else f"2025-09-{2 + i:02d} 10:00:00" for i in range(24)]})
    path = tmp_path / "ExportOrderList.csv"
    frame.to_csv(path, index=False, encoding="utf-8-sig")
    with Engine(import_dataset(path).dataset.path) as engine:
        before = engine.ask("发货前就退款的订单有几单")
    assert before.tool_calls[0].args["filters"] == {"shipping": "not_shipped", "status": "refunded"}
    assert int(before.table().iloc[0]["orders"]) == 3  # closed after payment, never shipped: 0, 8, 16


def test_without_shipping_information_the_split_is_declined(refunds) -> None:
    _, engine = refunds
    answer = engine.ask("发货前退款的订单有多少")
    assert not answer.ok and "没有发货信息" in answer.answer


def test_each_of_the_groups_an_earlier_ask_split_into(refunds) -> None:
    _, engine = refunds
    answer = engine.ask("全额退款和部分退款各有多少单？各退了多少钱？")
    assert [(c.args["metric"], c.args.get("dimension")) for c in answer.tool_calls] == [
        ("orders", "status"), ("refund_amount", "status")]


def test_orders_never_paid_are_a_status_not_the_funnel(refunds) -> None:
    _, engine = refunds
    answer = engine.ask("How many orders were never paid, and how much order value did they represent?")
    assert [(c.name, c.args["metric"], c.args["filters"]["status"]) for c in answer.tool_calls] == [
        ("metric_query", "orders", ["cancelled", "unpaid"]), ("metric_query", "gmv", ["cancelled", "unpaid"])]


@pytest.mark.parametrize("words", ["退款成功", "退款完成", "退货退款完成", "同意退款，退款成功", "退款已完成"])
def test_the_after_sale_words_of_a_completed_refund(words) -> None:
    from assistant.ingest import parsing

    assert parsing.REFUND_DONE.search(words)
    assert not parsing.REFUND_DONE.search("部分" + words) and not parsing.REFUND_DONE.search("退款中")


@pytest.fixture()
def open_requests(tmp_path, workspace):
    """The same export with some lines' refunds asked for and not yet decided (待商家处理, 退款中)."""
    from assistant.engine import Engine
    from assistant.ingest.workspace import import_dataset

    frame = _after_sale_export()
    number = frame["订单号"].str[1:].astype(int)
    asked = (frame["商品售后"] == "") & (frame["订单实际支付金额"] > 0) & (number % 10 == 7)
    frame.loc[asked, "商品售后"] = ["待商家处理" if n % 20 == 7 else "退款中" for n in number[asked]]
    path = tmp_path / "视频号小店_订单列表.csv"
    frame.to_csv(path, index=False, encoding="utf-8-sig")
    result = import_dataset(path)
    price = frame["商品价格(单件)"] * frame["商品数量"]
    share = frame["订单实际支付金额"] * price / price.groupby(frame["订单号"]).transform("sum")
    with Engine(result.dataset.path) as engine:
        yield frame.assign(asked=asked, share=share), engine


def test_open_refund_requests_are_counted_with_the_value_asked_back(open_requests) -> None:
    frame, engine = open_requests
    asked = frame[frame["asked"]]
    assert asked["订单号"].nunique() >= 4 and (frame.groupby("订单号")["商品名称"].count() > 1).any()
    answer = engine.ask("还有几单在退款中、售后还没处理完？这些商品金额一共多少？")
    assert [(c.args["metric"], c.args["filters"]) for c in answer.tool_calls] == [
        ("orders", {"after_sale": "open"}), ("refund_requested", {"after_sale": "open"})]
    assert int(answer.tables[0].df.iloc[0]["orders"]) == asked["订单号"].nunique()
    assert answer.tables[1].df.iloc[0]["refund_requested"] == pytest.approx(asked["share"].sum(), abs=0.05)
    english = engine.ask("How many orders have a refund request that's still open?")
    assert english.tool_calls[0].args == {"metric": "orders", "filters": {"after_sale": "open"}}
    # an open request is no refund: every such order is still a purchase, not a refunded order
    kept = engine.run_tool("metric_query", {"metric": "orders", "filters": {
        "after_sale": "open", "status": ["paid", "partially_refunded"]}}, "en")
    assert int(kept.table().iloc[0]["orders"]) == asked["订单号"].nunique()


def test_without_after_sale_statuses_open_requests_are_declined(refunds) -> None:
    _, engine = refunds
    answer = engine.ask("还有几单在退款中？")
    assert not answer.ok and "售后处理中" in answer.answer


@pytest.mark.parametrize("question", [
    "拼多多现在还有多少单在退款、售后还没处理完？", "退款中的订单有多少", "How many refunds are still pending?",
    "How many orders have an open refund request?",
])
def test_open_requests_said_the_ways_operators_say_them(question: str) -> None:
    from assistant.router.route import route

    found = route(question)
    assert found is not None and found.args.get("filters") == {"after_sale": "open"}, found and found.args
    assert found.args["metric"] == "orders" and not found.dropped


@pytest.mark.parametrize("question", [
    "已取消的订单里，多少是压根没付款的、多少是付了钱后来取消的？", "已取消的里面付过钱的几单、没付钱的几单？",
    "交易关闭的单子，没付款超时关掉的有多少、付了款又退款关掉的有多少？",
    "How many cancelled orders were never paid and how many were cancelled after they had paid?",
])
def test_closed_orders_split_by_whether_they_were_paid_first(question: str) -> None:
    from assistant.router.route import route

    found = route(question)
    assert found is not None and found.args["metric"] == "orders", found and found.args
    assert (found.args.get("dimension"), found.args["filters"]) == (
        "status", {"status": ["cancelled", "closed_after_payment"]})


def test_closed_unpaid_and_paid_then_closed_side_by_side(refunds) -> None:
    orders, engine = refunds
    answer = engine.ask("已取消的订单里，多少是没付款的、多少是付了钱后来取消的？")
    counts = dict(zip(answer.table()["status"], answer.table()["orders"]))
    assert counts == {"refunded": (orders["kind"] == "whole").sum()}  # this export has no order closed unpaid
    money = engine.ask("How many orders were closed after the buyer had already paid, and how much had been paid?")
    assert [c.args["metric"] for c in money.tool_calls] == ["orders", "gmv"]
    assert money.tables[1].df.iloc[0]["gmv"] == pytest.approx(orders.loc[orders["kind"] == "whole", "paid"].sum())


def test_spend_per_buyer_net_of_refunds_is_also_given_without_buyers_refunded_in_full(workspace, tmp_path) -> None:
    """A buyer whose every payment came back kept nothing with the shop: the figure without them is said beside
    the one over every buyer, and a buyer of a ¥0 gift alone is not one of them (nothing was refunded)."""
    from assistant.engine import Engine
    from assistant.ingest.workspace import import_dataset

    rows = []
    for i in range(60):
        buyer = f"b{i % 20}"
        refunded = i % 20 in (3, 7) or i % 11 == 0  # b3 and b7 got every payment back; some others one
        rows.append({"订单编号": f"D{i:03d}", "下单时间": f"2025-08-{1 + i % 28:02d} 10:00:00", "买家ID": buyer,
                     "实付金额": 0.0 if i % 20 == 9 else 40.0 + i, "订单状态": "已退款" if refunded else "交易成功"})
    frame = pd.DataFrame(rows)
    path = tmp_path / "orders.csv"
    frame.to_csv(path, index=False)
    with Engine(import_dataset(path).dataset.path) as engine:
        answer = engine.ask("退款后人均消费多少")
    assert answer.tool_calls[0].args == {"metric": "net_spend_per_buyer"}
    kept = frame["实付金额"].where(frame["订单状态"] == "交易成功", 0.0)
    per_buyer = kept.groupby(frame["买家ID"]).sum()
    refunded_all = frame.groupby("买家ID")["订单状态"].apply(lambda s: (s == "已退款").all())
    table = answer.table("net_spend_per_buyer").iloc[0]
    assert table["net_spend_per_buyer"] == pytest.approx(per_buyer.mean())
    assert table["net_spend_per_buyer_kept_buyers_only"] == pytest.approx(per_buyer[~refunded_all].mean())
    assert table["kept_buyers_only_buyers_left_out"] == refunded_all.sum() == 2
    assert "不计全部退款的买家" in answer.answer and "去掉 2 位买家" in answer.answer
