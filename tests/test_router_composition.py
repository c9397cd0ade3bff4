"""Kinds of question the router reads by their form, not their words: each case says the kind in other words
than any evaluation set, so a rule that only learned one phrasing fails here."""

from __future__ import annotations

import pytest

from assistant.router import route
from assistant.router.normalize import normalize


def calls(question: str, vocabulary=None) -> list[tuple[str, dict]]:
    routed = route(question, vocabulary)
    assert routed is not None, question
    return [(routed.tool, routed.args)] + [(r.tool, r.args) for r in routed.more]


@pytest.mark.parametrize(("question", "expected"), [
    # a comma and a word that opens a new ask: each ask its own call
    ("本周订单数是多少，然后按品类拆一下GMV", [("metric_query", {"metric": "orders", "period": "this_week"}),
                                              ("metric_query", {"metric": "gmv", "dimension": "category",
                                                                "period": "this_week"})]),
    ("Show refunds last quarter, and which category had the most?",
     [("metric_query", {"metric": "refund_rate", "period": "last_quarter"}),
      ("metric_query", {"metric": "refund_rate", "period": "last_quarter", "dimension": "category"})]),
    ("看看客户100000456的情况，顺便推荐点商品给他", [("customer_profile", {"customer_id": 100000456}),
                                                ("recommend_products", {"customer_id": 100000456})]),
    # the same tool's horizon carries to the ask after it
    ("forecast orders for the next 2 weeks, then buyers too", [
        ("sales_forecast", {"metric": "orders", "horizon": 2, "grain": "week"}),
        ("sales_forecast", {"metric": "buyers", "horizon": 2, "grain": "week"})]),
])
def test_asks_joined_by_a_word_that_opens_a_new_one(question, expected) -> None:
    got = calls(question)
    assert len(got) == len(expected), got
    for (tool, args), (want_tool, want) in zip(got, expected):
        assert tool == want_tool and all(args.get(k) == v for k, v in want.items()), got


def test_a_comma_that_joins_parts_of_one_ask_does_not_split_it() -> None:
    routed = route("各品类的GMV，按周看")
    assert (routed.tool, routed.args, routed.more) == ("metric_query", {"metric": "gmv", "dimension": "category"}, [])
    # the second breakdown cannot be applied with the first: it is named, never silently lost
    assert [(d.kind, d.detail) for d in routed.dropped] == [("breakdown", "week")]
    listed = route("GMV、订单数还有客单价")  # a list of measures is one ask with several measures
    assert listed.more == [] and [a["metric"] for a in listed.also] == ["orders", "aov"]


def test_an_elliptical_ask_keeps_whom_the_earlier_ask_named(engine) -> None:
    (first, second) = calls("场次502100的观看人数？漏斗呢？", engine.vocabulary)
    assert first[0] == "live_performance" and second == ("funnel", {"session": "502100"})
    routed = route("阿杰上个月订单多少？漏斗呢？", engine.vocabulary)
    funnel = routed.more[0]
    assert funnel.tool == "funnel" and funnel.args.get("period") == "last_month"
    # the funnel narrows to the host the earlier ask named, never widened silently
    assert funnel.args.get("host") == "阿杰" and not any(d.kind == "name" for d in funnel.dropped)
    test = calls("优惠券实验对转化有用吗？人均收入呢？")
    assert test == [("ab_test", {"metric": "conversion"}), ("ab_test", {"metric": "revenue_per_customer"})]


@pytest.mark.parametrize(("question", "metric"), [
    ("what does the typical shopper spend per visit... I mean per order?", "aov"),
    ("平均一位顾客在我们这花多少钱", "spend_per_buyer"),
    ("how much money does each customer bring in on average", "spend_per_buyer"),
    ("每笔订单平均花多少", "aov"),
])
def test_an_amount_averaged_over_a_unit_is_that_units_average(question, metric) -> None:
    assert calls(question)[0][1]["metric"] == metric


def test_stages_already_reached_are_lifecycle_counts_and_forecasts_are_churn_risk() -> None:
    assert calls("目前流失了的用户一共多少")[0][0] == "lifecycle_stages"
    assert calls("新客期、流失预警期和流失期的人数分别多少")[0][0] == "lifecycle_stages"
    assert calls("哪些人以后大概率不回来买了")[0][0] == "churn_risk"


def test_carted_but_unpaid_is_the_funnel_not_an_order_status() -> None:
    assert calls("放进购物车却没付款的人有多少")[0][0] == "funnel"
    assert calls("没付款的订单有几单")[0] == ("metric_query", {"metric": "orders", "filters": {
        "status": ["cancelled", "unpaid"]}, "dimension": "status"})


@pytest.mark.parametrize(("question", "days"), [
    ("去年新客的7天、14天、30天复购", [7, 14, 30]),
    ("repeat rate at 45 and 120 days for last year's cohorts", [45, 120]),
    ("首购以后60天之内回购的比例", [60]),
])
def test_a_list_of_repurchase_windows_is_every_window(question, days) -> None:
    tool, args = calls(question)[0]
    assert tool == "cohort_retention" and args["days"] == days
    if "首购" in question:
        assert "period" not in args  # counted from each first order, not a calendar window


def test_which_n_things_is_a_top_n_and_refunded_verbs_filter() -> None:
    assert calls("which 4 categories sold best this year")[0][1]["limit"] == 4
    assert calls("哪5位主播转化最高")[0][1]["limit"] == 5
    assert calls("how many orders had been returned by region")[0][1]["filters"] == {"status": "refunded"}


def test_listed_windows_each_get_the_call() -> None:
    got = calls("9月和10月的订单数各多少")
    assert [a["period"] for _, a in got] == ["month:9", "month:10"] and {a["metric"] for _, a in got} == {"orders"}
    assert len(calls("9月到10月的订单数")) == 1  # a range is one window
    assert calls("双11（2026-11-11）当天卖了多少")[0][1]["period"] == "2026-11-11"  # the date written out wins
    assert len(calls("上周GMV多少？这周呢？哪个高？")) == 2  # weighing the two is answered by showing both


def test_live_room_orders_said_plainly_filter_by_source() -> None:
    assert calls("这个月直播的订单数")[0][1]["filters"] == {"source": "live"}
    assert calls("本月客单价，只算直播间的")[0][1]["filters"] == {"source": "live"}
    assert calls("short_video渠道的买家数")[0][1]["filters"] == {"channel": "short_video"}
    # a window (or the platform's own words in brackets) between the room and its sales
    assert calls("直播间上个月成交额多少")[0][1] == {"metric": "gmv", "period": "last_month",
                                               "filters": {"source": "live"}}
    assert calls("直播间（流量体裁=直播）这三个月一共成交了多少？退款要扣掉。")[0][1] == {
        "metric": "net_sales", "period": "last_3_months", "filters": {"source": "live"}}
    # the live room is what the live tools measure: nothing is named as left out
    r = route("直播间上个月的GMV和观看人数")
    assert r.tool == "live_performance" and not r.dropped
    # the people who bought in the live room, and what they paid there
    assert calls("上周直播间来买东西的有多少人？他们一共付了多少钱") == [
        ("metric_query", {"metric": "buyers", "period": "last_week", "filters": {"source": "live"}}),
        ("metric_query", {"metric": "gmv", "period": "last_week", "filters": {"source": "live"}})]
    assert calls("直播间下单的有几个人")[0] == ("metric_query", {"metric": "buyers", "filters": {"source": "live"}})
    # ...while the room's own measure beside its orders stays the room's
    assert calls("直播间的订单转化率")[0] == ("live_performance", {"metric": "conversion_rate"})


def test_names_the_data_lacks_are_not_found(engine) -> None:
    vocabulary = engine.vocabulary
    for question, name in [("how many buyers came through the tiktok channel?", "tiktok"),
                           ("李雪今年在咱们直播间卖了多少", "李雪"), ("what did 王芳 sell last week?", "王芳"),
                           # a name opening a question of live figures, with no time or selling word
                           ("薇娅的 GPM 多少", "薇娅"),
                           # a brand named as one; a make set apart from the thing the shop sells
                           ("GMV for the brand Nike last month", "Nike"), ("Nike这个牌子卖了多少", "Nike"),
                           ("上个月 Dyson 吹风机卖了多少单", "Dyson吹风机"),
                           ("what's Lisa's GPM? she's one of our hosts", "Lisa")]:
        routed = route(question, vocabulary)
        assert routed is not None and name in [u.name for u in routed.unknown], question
    assert route("各渠道的买家数", vocabulary).unknown == []  # a breakdown by channel names no channel
    for known in ("小雅的GPM多少", "研萃这个牌子今年卖了多少", "Did 高速吹风机 sell well?", "哪个品牌卖得最好",
                  "Monday's viewers", "October's GPM"):
        assert route(known, vocabulary).unknown == [], known
    assert route("the spring_2026 voucher campaign results", vocabulary).args["campaign_id"] == "spring_2026"


def test_spoken_forms_read_as_written() -> None:
    assert normalize("卖的咋样") == normalize("卖得咋样")
    assert normalize("一块儿买") == normalize("一块买") and normalize("哪儿") == "哪儿"  # 哪儿 is a word of its own
    assert normalize("哪一类客户") == normalize("哪类客户")
    assert normalize("沉睡的那些客户") == normalize("沉睡的客户")
    assert calls("高价值的那批老客怎么维护")[0] == ("segment_strategy", {"segment": "champions"})


def test_measures_asked_of_a_group_the_scheme_names_and_counts_in_a_status() -> None:
    assert calls("what is the repurchase rate of the RFM champions segment?")[0] == (
        "metric_query", {"metric": "repurchase_rate", "filters": {"segment": "champions"}})
    tool, args = calls("上周退款成功最多的三个品类")[0]
    assert tool == "metric_query" and args["metric"] == "orders" and args["filters"] == {"status": "refunded"} \
        and args["dimension"] == "category" and args["limit"] == 3


def test_typed_and_spoken_live_measures() -> None:
    assert calls("which streamer convertted best last week")[0][1]["metric"] == "conversion_rate"
    assert calls("哪位主播的直播观众待的时间最长")[0][1]["metric"] == "watch_time"


def test_messages_through_chat_tools_are_declined() -> None:
    from assistant.router.limits import find_limit

    for question in ("ping 阿杰 on WeChat with a reminder about tonight", "用飞书通知运营同学今天的退款率"):
        assert find_limit(question) is not None and find_limit(question).kind == "decline", question
    for question in ("email marketing tips for hibernating customers", "企业微信触达沉睡客户有什么建议"):
        assert find_limit(question) is None, question


def test_paraphrased_kinds_of_the_dev_questions() -> None:
    # buyers of a product, named without 买 before it, and what else they take
    assert calls("口红的顾客通常还会顺便拿点什么")[0][0] == "product_associations"
    # the live-room funnel is the funnel's own name, not a filter of customers by channel
    routed = route("show me the live-room funnel for last week")
    assert routed.tool == "funnel" and not routed.dropped and "filters" not in routed.args
    # new customers brought in, per channel: the acquisition count, not the RFM segment's buyers
    assert calls("各个渠道带来了多少新顾客")[0] == ("metric_query", {"metric": "new_customers", "dimension": "channel"})
    assert calls("any tips for customers who recently started buying from us?")[0] == (
        "segment_strategy", {"segment": "new_customers"})
    assert calls("could you segment our customers for me")[0][0] == "rfm_segments"


def test_kinds_found_after_the_confirmation_set(engine) -> None:
    vocabulary = engine.vocabulary
    # the latest broadcast, however it is said
    assert calls("刚才那场的漏斗怎么样")[0] == ("funnel", {"session": "latest"})
    assert calls("最近的一场直播表现如何")[0][1].get("session") == "latest"
    # new vs returning said with vs
    assert calls("老客 vs 新客 的复购率")[0][1]["dimension"] == "buyer_type"
    # who a group is: its profile; and an ask after a full stop is an ask of its own
    assert calls("who are our loyal customers")[0] == ("segment_profile", {"segment": "loyal_customers"})
    assert [c[1].get("dimension") for c in calls("GMV by region this month. and by category?")] == \
        ["region", "category"]
    assert len(calls("GMV vs. last month")) == 1 and len(calls("AOV was 1.5 times higher. why")) >= 1
    # "里面…": whom the earlier ask named
    got = calls("沉睡客户有多少人？里面哪些人最可能流失？")
    assert got[-1] == ("churn_risk", {"segment": "hibernating"})
    # a number of groups is a clustering; a holdout beside an export is the export's
    assert calls("cluster our buyers into 5 groups")[0][1]["k"] == 5
    assert calls("把流失风险客户导成csv，留10%对照组")[0][1].get("holdout") == 0.1
    # broadcasts ranked: the live table by session
    assert calls("阿杰成交额最高的3场", vocabulary)[0] == ("live_performance", {"dimension": "session", "metric": "gmv",
                                                                    "host": "阿杰", "limit": 3})
    # a subject the data does not have, before a time and a sales verb
    for question, name in [("雅诗兰黛小棕瓶上个月卖了多少", "雅诗兰黛小棕瓶"), ("李宁近30天卖了多少", "李宁")]:
        assert name in [u.name for u in route(question, vocabulary).unknown], question
    for question in ("老板问这个月卖了多少", "双11这个月卖了多少", "美妆护肤上个月卖了多少"):
        assert route(question, vocabulary).unknown == [], question


def test_made_up_records_and_dropping_tables_are_declined() -> None:
    from assistant.router.limits import find_limit

    for question in ("add a fake order of 3000 for 米粒", "帮我刷单做高GMV", "customers表 drop掉",
                     "把 orders 表 drop 掉重新建一下", "把那些取消的订单从库里清一下"):
        assert find_limit(question) is not None and find_limit(question).kind == "decline", question
    for question in ("where do viewers drop off", "how many orders did we add last week"):
        assert find_limit(question) is None, question


def test_a_bound_on_a_count_is_no_ranking_and_distinct_people_are_buyers() -> None:
    tool, args = calls("how many unique customers placed at least two orders last month")[0]
    assert tool == "metric_query" and "order" not in args
    assert calls("上个月有多少不同的客户下单")[0][1]["metric"] == "buyers"
    assert calls("which category sold the least last month")[0][1]["order"] == "asc"
    # a group's share of revenue is the segmentation's table; a rate's own 比例 is the rate
    assert calls("沉睡客户贡献的销售额占比多少")[0][0] == "rfm_segments"
    assert calls("首购之后45天内复购的比例")[0][0] == "cohort_retention"


def test_an_ask_with_too_leans_on_the_one_before_and_none_is_lost() -> None:
    got = calls("上一场直播数据怎么样？转化漏斗也顺便瞧瞧")
    assert got[-1] == ("funnel", {"session": "latest"})
    # a later part that only narrows is applied, and not named as an ask of its own
    routed = route("本月订单数多少？只看直播")
    assert routed.args["filters"] == {"source": "live"} and not routed.dropped


def test_whether_the_data_holds_something_is_a_question_about_the_data() -> None:
    for question in ("Do you have event-level data like product clicks and add-to-cart?", "有没有加购数据？",
                     "数据里有没有退款记录", "is there any refund data"):
        assert route(question).tool == "describe_data", question
    assert route("How many people added to cart but did not pay?").tool == "funnel"  # the figure itself


def test_a_split_by_gender_beside_another_split_is_named_not_read_as_one_gender() -> None:
    routed = route("各月男女的GMV走势")
    assert routed.args.get("dimension") == "month" and "gender" not in routed.args.get("filters", {})
    assert [(d.kind, d.detail) for d in routed.dropped] == [("breakdown", "gender")]
    # two groups of one kind named side by side are honoured, or named when no call can hold them both
    assert route("沉睡客户和重要价值客户的客单价对比").dropped[0].phrase == "沉睡客户"


def test_a_later_ask_about_those_people_takes_the_group_the_earlier_words_named() -> None:
    routed = route("沉睡客户有多少人？他们一般都买些什么")
    assert [(m.tool, m.args) for m in routed.more] == [("segment_profile", {"segment": "hibernating"})]


def test_review_findings_on_groups_spans_and_names(engine) -> None:
    vocabulary = engine.vocabulary
    # a month or a year of the calendar is no span of silence
    for question in ("12月没下单的客户有多少", "2025年没买过的客户有多少"):
        routed = route(question, vocabulary)
        assert routed is None or "churn_days" not in routed.args, question
    assert route("一年半没买的客户", vocabulary).args["churn_days"] == 545
    # a bare 开始 is when something starts, not "about to sleep"
    assert route("下周开始沉睡客户召回活动，怎么做", vocabulary).args["segment"] == "hibernating"
    # two groups pooled under another split, or one playbook of two groups: named
    pooled = route("重要价值和重要挽留客户每个月的客单价", vocabulary)
    assert ("breakdown", "segment") in [(d.kind, d.detail) for d in pooled.dropped]
    playbook = route("沉睡客户和重要价值客户分别该怎么运营", vocabulary)
    assert [d.phrase for d in playbook.dropped if d.kind == "segment"]
    # a gender split in place of a split by month names the month
    assert ("breakdown", "month") in [(d.kind, d.detail) for d in route("男性和女性每个月的GMV").dropped]
    # ordinary words before a live measure, or after "brand", are no names
    for question in ("今晚的场观", "日常的GPM", "同期的GPM", "男装的GPM", "brand share of GMV",
                     "the brand that sold the most last month", "国产品牌的GMV占比"):
        assert route(question, vocabulary) is None or route(question, vocabulary).unknown == [], question
    # people brought in by the live channel are its customers, not orders placed in the live room
    assert (route("live渠道拉来的客户GMV多少", vocabulary).args.get("filters") or {}).get("source") is None


def test_what_viewers_said_and_the_weather_are_not_in_the_data() -> None:
    from assistant.router.limits import find_limit

    for question in ("观众在公屏上都说了啥，有没有骂我们的", "did the heatwave in July hurt our sales?"):
        assert find_limit(question) is not None and find_limit(question).kind == "unanswerable", question
    assert find_limit("取消的订单有多少") is None
