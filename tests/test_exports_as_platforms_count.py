"""Exports read as the platforms count them, and questions about them read whole.

A 京东 order export names the buyer's account (下单帐号, the older spelling of 账号), gives both an order amount
before discounts (订单金额) and what was payable (应付金额), and says 等待出库 for paid orders waiting to leave the
warehouse. An order paid on a later day than it was placed is a sale of the day it was paid. Every figure is
checked against pandas on the rows the test wrote; the router's readings are checked as tool calls."""

from __future__ import annotations

import pandas as pd
import pytest

from assistant.router.data_vocabulary import DataVocabulary
from assistant.router.names import find_unknown_names
from assistant.router.periods import find_periods
from assistant.router.route import route


def _jd_export() -> pd.DataFrame:
    """One row per SKU, the order's money repeated on its rows; ¥0 京东试用 orders; 等待出库; cancelled orders;
    a few orders placed just before midnight and paid just after it."""
    rows = []
    for i in range(1, 121):
        order, account = f"3835602{i:05d}", f"jd_{(i * 37) % 40:04x}ab"
        trial = i % 15 == 0
        status = "已取消" if i % 11 == 0 else "等待出库" if i % 13 == 0 else "完成"
        day = 1 + i % 28
        late = i % 17 == 0  # placed 23:58, paid at 00:03 the next day
        placed = f"2025-09-{day:02d} {'23:58:00' if late else '10:15:00'}"
        paid = "" if status == "已取消" and i % 2 else (
            f"2025-09-{day + 1:02d} 00:03:00" if late else f"2025-09-{day:02d} 10:16:00")
        lines = 1 + (i % 4 == 0)
        listed = 158.0 * lines
        payable = 0.0 if trial else listed - (20.0 if i % 3 == 0 else 0.0)
        for k in range(lines):
            rows.append({"订单号": order, "商品ID": f"1000987654{k}", "商品名称": f"禾初 明前龙井 {k} 号",
                         "订购数量": 1, "下单时间": placed, "订单金额": f"{listed:.2f}",
                         "应付金额": f"{payable:.2f}", "订单状态": status, "下单帐号": account,
                         "客户姓名": "杜**", "联系电话": "159****3194", "客户地址": "广东深圳市南山区和平路***",
                         "付款确认时间": paid, "订单备注": "京东试用" if trial else ""})
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def jd(tmp_path_factory: pytest.TempPathFactory):
    from assistant.engine import Engine
    from assistant.ingest.workspace import import_dataset

    home = tmp_path_factory.mktemp("home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ASSISTANT_HOME", str(home))
        frame = _jd_export()
        path = home / "京东POP_订单导出_20250901-20250930.csv"
        frame.to_csv(path, index=False, encoding="gbk")
        result = import_dataset(path)
        orders = frame.drop_duplicates("订单号").copy()
        orders["payable"] = orders["应付金额"].astype(float)
        orders["paid_day"] = pd.to_datetime(orders["付款确认时间"].replace("", None)).dt.date
        with Engine(result.dataset.path) as engine:
            yield orders, engine, result


def test_the_jd_export_maps_the_buyer_account_and_the_payable_amount(jd) -> None:
    _, _, result = jd
    roles = {role: m.column for role, m in result.mappings[0].roles.items()}
    assert roles["customer_id"] == "下单帐号"
    assert roles["pay_amount"] == "应付金额"  # not 订单金额, which is before discounts
    assert result.report.rejected.empty  # 等待出库 is a paid order waiting to ship, not an unknown status


def test_gmv_and_buyers_equal_pandas_on_the_payable_amount_and_the_account(jd) -> None:
    orders, engine, _ = jd
    paid = orders[orders["付款确认时间"] != ""]
    answer = engine.run_tool("metric_query", {"metric": "gmv"}, language="zh")
    assert answer.tables[0].df["gmv"].iat[0] == pytest.approx(paid["payable"].sum())
    buyers = engine.run_tool("metric_query", {"metric": "buyers"}, language="zh")
    assert buyers.tables[0].df["buyers"].iat[0] == paid["下单帐号"].nunique()


def test_an_order_paid_after_midnight_is_a_sale_of_the_day_it_was_paid(jd) -> None:
    orders, engine, result = jd
    assert "dated by the payment time" in result.report.summary("en")
    paid = orders[orders["付款确认时间"] != ""]
    late = paid[paid["paid_day"] != pd.to_datetime(paid["下单时间"]).dt.date]
    assert len(late) >= 3
    day = late["paid_day"].iat[0]
    answer = engine.run_tool("metric_query", {"metric": "gmv", "period": f"{day}..{day}"}, language="zh")
    assert answer.tables[0].df["gmv"].iat[0] == pytest.approx(paid.loc[paid["paid_day"] == day, "payable"].sum())


def test_a_breakdown_gives_each_group_without_the_zero_amount_orders_too(jd) -> None:
    orders, engine, _ = jd
    paid = orders[orders["付款确认时间"] != ""].copy()
    paid["week"] = pd.to_datetime(paid["paid_day"]).dt.to_period("W-SUN").dt.start_time.dt.date.astype(str)
    answer = engine.run_tool("metric_query", {"metric": "aov", "dimension": "week"}, language="zh")
    table = answer.tables[0].df.set_index("week")
    sold = paid[paid["payable"] > 0]
    expected = sold.groupby("week")["payable"].mean()
    assert table["aov_without_zero_amount"].to_dict() == pytest.approx(expected.to_dict())
    assert "其他口径：不计零元订单" in answer.answer


@pytest.mark.parametrize(("question", "metric", "filters"), [
    ("京东平均一单多少钱？取消的和0元单不算，没付款的也不算。", "aov", {"amount": ">0"}),
    ("平均一单多少钱？没付款的也不算。", "aov", None),
    ("How many distinct customers placed an order (paid, not cancelled)?", "buyers", None),
    ("How many distinct JD customers placed a valid order (not a ¥0 trial)?", "buyers",
     {"amount": ">0", "status": ["paid", "partially_refunded"]}),
])
def test_kinds_of_order_left_out_are_which_orders_count_not_a_split(question, metric, filters) -> None:
    routed = route(question)
    assert routed.tool == "metric_query" and not routed.more
    assert routed.args["metric"] == metric
    assert routed.args.get("filters") == filters
    assert "dimension" not in routed.args


@pytest.mark.parametrize(("question", "second"), [
    ("京东这边0元的试用单有几单？一共送出去多少件？", {"metric": "units", "filters": {"amount": "0"}}),
    ("直播间福袋那种0元单，一共发出去多少单？有多少人拿到了？", {"metric": "buyers", "filters": {"amount": "0"}}),
    ("退款的订单有几单？涉及多少人？", {"metric": "buyers", "filters": {"status": "refunded"}}),
    ("上个月退款的订单有几单？全部订单一共多少件？", {"metric": "units", "period": "last_month"}),
])
def test_a_later_ask_about_the_items_or_people_of_the_orders_counted_keeps_them(question, second) -> None:
    routed = route(question)
    assert len(routed.more) == 1
    later = routed.more[0]
    assert later.tool == "metric_query"
    assert {k: later.args.get(k) for k in second} == second
    if "filters" not in second:  # ("全部订单": across every order, the kind the first ask counted is not kept)
        assert "status" not in (later.args.get("filters") or {})


@pytest.mark.parametrize(("text", "token"), [
    ("top 3 products by gmv for aug-oct?", "months:8-10"),
    ("gmv for sep-oct", "months:9-10"),
    ("orders between aug and oct", "months:8-10"),
])
def test_english_month_spans(text, token) -> None:
    assert [p.token for p in find_periods(text)] == [token]


def test_two_months_joined_by_and_stay_two() -> None:
    assert [p.token for p in find_periods("compare may and june")] != ["months:5-6"]


@pytest.mark.parametrize(("question", "metric"), [
    ("8-10月卖得最好的3个产品是哪些？按件数算", "units"),
    ("top 3 products? by units", "units"),
    ("卖得最好的3个产品？按销售额算", "gmv"),
])
def test_a_trailing_measured_by_part_sets_the_ranking_measure(question, metric) -> None:
    routed = route(question)
    assert not routed.more and routed.args["metric"] == metric and routed.args["dimension"] == "product"
    assert routed.args["limit"] == 3


def test_the_most_recent_live_is_the_latest_session_without_a_question_back() -> None:
    from assistant.router.clarify import clarify

    routed = route("give me the numbers for our most recent live: GMV, unique viewers and GPM")
    assert routed.tool == "live_performance" and routed.args.get("session") == "latest"
    assert clarify("give me the numbers for our most recent live: GMV, unique viewers and GPM", routed) is None


def test_a_live_room_selling_verb_is_the_live_source() -> None:
    routed = route("阿Ken 9月直播带了多少GMV")
    assert routed.args.get("filters", {}).get("source") == "live"


SHOP = DataVocabulary(hosts=["护肤的桃子酱", "美妆课代表阿Ken", "雾屿花园官方旗舰店"],
                      products=["雾屿花园持妆轻薄气垫粉底 15g 遮瑕控油", "雾屿花园积雪草修护面霜 50g 舒缓泛红"])


@pytest.mark.parametrize(("question", "kind", "name"), [
    ("琳琳的妆台 上个月直播带货GMV多少？", "host", "琳琳的妆台"),
    ("what share of our total GMV is the cushion foundation?", "product", "cushion foundation"),
])
def test_a_name_the_data_does_not_have_is_found_missing(question, kind, name) -> None:
    unknown = find_unknown_names(question, SHOP)
    assert [(u.kind, u.name) for u in unknown] == [(kind, name)]


@pytest.mark.parametrize("question", [
    "what was the GMV of the shop in September?",
    "Give me churn probabilities for the champions, just the 10 riskiest",
    "美妆课代表阿Ken 上个月直播带货GMV多少？",
    "what share of our GMV is the 积雪草 cream?",
])
def test_words_of_the_question_and_known_names_are_not_missing_names(question) -> None:
    assert find_unknown_names(question, SHOP) == []


@pytest.mark.parametrize(("question", "expected"), [
    ("10月直播间和商品卡各自平均每天多少单？", {"dimension": "source"}),
    ("live vs product card GMV", {"dimension": "source"}),
    ("商品卡的订单有多少", {"filters": {"source": "shelf"}}),
    ("各商品的GMV", {"dimension": "product"}),
])
def test_the_product_card_is_the_shelf_not_a_product_breakdown(question, expected) -> None:
    routed = route(question)
    assert {k: routed.args.get(k) for k in expected} == expected


def test_the_form_a_sale_came_through_is_read_before_who_sold_it(tmp_path: pytest.TempPathFactory) -> None:
    """抖店 has 流量来源 (精选联盟 / 小店自卖: who sold) and 流量体裁 (直播 / 短视频 / 商品卡: how): live or not
    is the second."""
    from assistant.engine import Engine
    from assistant.ingest.workspace import import_dataset

    rows = [{"主订单编号": f"69766570063720{i:05d}", "选购商品": "雾屿花园烟酰胺焕亮面膜", "商品数量": 1,
             "订单应付金额": 100.0 + i, "收件人": "尹**", "收件人手机号": "150****8959", "省": "江苏省",
             "详细地址": f"平江街道***{i % 9}", "订单提交时间": f"2025-09-{1 + i % 28:02d} 10:00:00",
             "支付完成时间": f"2025-09-{1 + i % 28:02d} 10:01:00", "流量来源": "精选联盟" if i % 2 else "小店自卖",
             "订单状态": "已完成", "达人昵称": "护肤的桃子酱" if i % 3 else "",
             "流量体裁": ("直播", "短视频", "商品卡")[i % 3]} for i in range(60)]
    frame = pd.DataFrame(rows)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ASSISTANT_HOME", str(tmp_path))
        path = tmp_path / "抖店订单导出_20250901-20250930.csv"
        frame.to_csv(path, index=False, encoding="utf-8-sig")
        result = import_dataset(path)
        assert result.mappings[0].roles["source"].column == "流量体裁"
        with Engine(result.dataset.path) as engine:
            answer = engine.run_tool("metric_query", {"metric": "gmv", "filters": {"source": "live"}}, language="zh")
    live = frame.loc[frame["流量体裁"] == "直播", "订单应付金额"].sum()
    assert answer.tables[0].df["gmv"].iat[0] == pytest.approx(live)


@pytest.mark.parametrize("question", [
    "Compare the last 30 days of the export with the 30 days before that - GMV?",
    "GMV in the last 30 days compared with the 30 days before",
])
def test_the_same_length_just_before_is_the_previous_period(question) -> None:
    routed = route(question)
    assert routed.args.get("period") == "last_30_days" and routed.args.get("compare") == "previous_period"
    assert not routed.dropped


@pytest.mark.parametrize("question", ["What was net live-stream GMV in October after refunds?",
                                      "GMV minus refunds in October"])
def test_gmv_said_net_of_refunds_is_net_sales(question) -> None:
    routed = route(question)
    assert routed.args["metric"] == "net_sales" and not routed.dropped


@pytest.mark.parametrize(("question", "calls"), [
    ("还没发货就退款的有几单？", [("orders", {"shipping": "not_shipped", "status": "refunded"})]),
    ("发了货之后才退的又有几单？", [("orders", {"shipping": "shipped", "status": "refunded"})]),
    ("how much money did we refund before the goods shipped?",
     [("refund_amount", {"shipping": "not_shipped", "status": "refunded"})]),
    ("已发货的订单有多少", [("orders", {"shipping": "shipped"})]),
])
def test_refunding_beside_shipping_is_the_refunded_orders(question, calls) -> None:
    routed = route(question)
    assert [(r.args["metric"], r.args.get("filters")) for r in [routed, *routed.more]] == calls
    assert not routed.dropped


def test_refunded_before_or_after_shipping_split_with_counts_and_amounts() -> None:
    routed = route("抖店退款成功的里面，发货前就退掉的和发货以后才退的，各是多少单、多少钱？")
    assert routed.args == {"metric": "orders", "dimension": "shipping", "filters": {"status": "refunded"}}
    assert [a["metric"] for a in routed.also] == ["refund_amount"]


@pytest.mark.parametrize(("question", "metric"), [
    ("只退了一部分的又有多少单、退了多少？", "refund_amount"),
    ("整单退的和部分退的各是多少钱？", "refund_amount"),
    ("整单退款和部分退款的订单各卖了多少钱？", "gmv"),
])
def test_money_asked_of_kinds_of_refund_is_what_they_had_refunded(question, metric) -> None:
    routed = route(question)
    assert metric in [routed.args["metric"], *(a["metric"] for a in routed.also)]


@pytest.mark.parametrize(("question", "later"), [
    ("有赞0元试用一共发了多少单？领完试用之后又花钱下单的有几个人？", 1),
    ("拿过0元福袋的人里面，后来又自己花钱下单的有几个？", 0),
    ("How many people got a free trial on Taobao, and how many of them later paid for an order?", 1),
])
def test_buyers_who_paid_after_a_free_order(question, later) -> None:
    routed = [r for r in [route(question)] for r in [r, *r.more]][later]
    assert routed.args == {"metric": "paid_after_free"}


def test_paid_after_free_equals_pandas(jd) -> None:
    orders, engine, _ = jd
    paid = orders[orders["付款确认时间"] != ""].assign(t=lambda d: pd.to_datetime(d["付款确认时间"]))
    first_free = paid[paid["payable"] == 0].groupby("下单帐号")["t"].min()
    last_sale = paid[paid["payable"] > 0].groupby("下单帐号")["t"].max()
    both = pd.concat([first_free.rename("free"), last_sale.rename("sale")], axis=1).dropna()
    expected = int((both["sale"] > both["free"]).sum())
    answer = engine.run_tool("metric_query", {"metric": "paid_after_free"}, language="en")
    assert answer.tables[0].df["paid_after_free"].iat[0] == expected
    assert expected > 0


def test_a_paid_amount_net_of_its_refund_is_read_as_the_total(tmp_path) -> None:
    """淘宝's 买家实际支付金额 is 总金额 − 退款金额 (0 on a wholly refunded order): the paid amount is 总金额, so a
    refunded order is no ¥0 order and its refund is counted once; a 0元试用 (总金额 0) stays a ¥0 order."""
    from assistant.engine import Engine
    from assistant.ingest.workspace import import_dataset

    rows = []
    for i in range(80):
        total = 0.0 if i % 16 == 0 else 50.0 + i
        refund = total if i % 10 == 3 else 12.0 if i % 10 == 7 else 0.0
        closed = refund == total and refund
        rows.append({"订单编号": f"4{i:08d}", "买家会员名": f"tb_{i % 30}", "总金额": total, "退款金额": refund,
                     "买家实际支付金额": total - refund, "订单状态": "交易关闭" if closed else "交易成功",
                     "订单创建时间": f"2025-09-{1 + i % 28:02d} 10:00:00",
                     "订单付款时间": f"2025-09-{1 + i % 28:02d} 10:01:00"})
    frame = pd.DataFrame(rows)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ASSISTANT_HOME", str(tmp_path))
        path = tmp_path / "ExportOrderList202510010900.csv"
        frame.to_csv(path, index=False, encoding="utf-8-sig")
        result = import_dataset(path)
        assert "net of refunds" in result.report.summary("en")
        with Engine(result.dataset.path) as engine:
            gmv = engine.run_tool("metric_query", {"metric": "gmv"}).tables[0].df["gmv"].iat[0]
            net = engine.run_tool("metric_query", {"metric": "net_sales"}).tables[0].df["net_sales"].iat[0]
            free = engine.run_tool("metric_query", {"metric": "orders", "filters": {"amount": "0"}})
    assert gmv == pytest.approx(frame["总金额"].sum())
    assert net == pytest.approx(frame["买家实际支付金额"].sum())
    assert free.tables[0].df["orders"].iat[0] == (frame["总金额"] == 0).sum()
