"""Days, spans of days, open windows, weekdays and named days in questions -> the window a tool filters on.

Checked by the dates the phrase resolves to (tools/timewindow.py against the demo's anchor), not by the token
the router spells, so two spellings of one window are one answer. The other half: numbers that are not dates
("1.5-2.5倍", "3号链接", "30日复购率") stay numbers.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from assistant.conversation import Conversation
from assistant.router.normalize import normalize
from assistant.router.periods import find_periods
from tools.timewindow import PeriodError, resolve_period

ANCHOR = date(2026, 11, 15)  # a Sunday; the demo data's last order date
FIRST = date(2024, 9, 1)


def windows(question: str) -> list[tuple[str, str]]:
    found = []
    for period in find_periods(normalize(question)):
        w = resolve_period(period.token, ANCHOR, FIRST)
        found.append((w.start.isoformat(), w.end.isoformat()))
    return found


@pytest.mark.parametrize("question, start, end", [
    # a day without a year: its latest occurrence on or before the data's last day
    ("11月3日的GMV", "2026-11-03", "2026-11-03"),
    ("11月5号一共多少单", "2026-11-05", "2026-11-05"),
    ("12月1日的订单量", "2025-12-01", "2025-12-01"),
    ("十一月三日成交额", "2026-11-03", "2026-11-03"),
    ("how many buyers on 11/3", "2026-11-03", "2026-11-03"),
    ("11.3那天的退款", "2026-11-03", "2026-11-03"),
    ("Nov 4 net sales?", "2026-11-04", "2026-11-04"),
    ("What was the AOV on November 8th?", "2026-11-08", "2026-11-08"),
    ("units sold on the 2nd of November", "2026-11-02", "2026-11-02"),
    ("gmv nov 20", "2025-11-20", "2025-11-20"),
    ("3号成交额多少", "2026-11-03", "2026-11-03"),
    ("20号退款金额多少", "2026-10-20", "2026-10-20"),
    ("11.11各省GMV", "2026-11-11", "2026-11-11"),
    # with a year
    ("buyers Oct 1 2026?", "2026-10-01", "2026-10-01"),
    ("3 November 2025 orders", "2025-11-03", "2025-11-03"),
    ("2025.6.18 GMV多少", "2025-06-18", "2025-06-18"),
    # spans of days
    ("11月1日到7日每天的GMV", "2026-11-01", "2026-11-07"),
    ("10月28日至11月3日的订单", "2026-10-28", "2026-11-03"),
    ("12月25日到1月3日的GMV", "2025-12-25", "2026-01-03"),
    ("11.1-11.7的订单", "2026-11-01", "2026-11-07"),
    ("11/1~11/7 gmv", "2026-11-01", "2026-11-07"),
    ("GMV Nov 1-7", "2026-11-01", "2026-11-07"),
    ("between Oct 28 and Nov 3", "2026-10-28", "2026-11-03"),
    ("1号到5号的GMV", "2026-11-01", "2026-11-05"),
    ("9月1日到10月的GMV", "2026-09-01", "2026-10-31"),
    ("2026年11月1-7号的订单", "2026-11-01", "2026-11-07"),
    # open at one end
    ("11月1日以来GMV多少了", "2026-11-01", "2026-11-15"),
    ("10月20号以后的订单量", "2026-10-20", "2026-11-15"),
    ("9月15日至今新客多少", "2026-09-15", "2026-11-15"),
    ("buyers since Nov 5", "2026-11-05", "2026-11-15"),
    ("repeat buyers since September", "2026-09-01", "2026-11-15"),
    ("截至10月底累计买家数", "2024-09-01", "2026-10-31"),
    ("total GMV before October", "2024-09-01", "2026-09-30"),
    ("10月以前的退款率", "2024-09-01", "2026-09-30"),
    ("国庆之后GMV怎么样", "2026-10-08", "2026-11-15"),
    ("after Double 11, refund rate", "2026-11-12", "2026-11-15"),
    ("本月截至昨天的订单", "2026-11-01", "2026-11-14"),
    # relative days and weekdays
    ("前天多少单", "2026-11-13", "2026-11-13"),
    ("大前天GMV", "2026-11-12", "2026-11-12"),
    ("3天前退款金额", "2026-11-12", "2026-11-12"),
    ("new customers five days ago", "2026-11-10", "2026-11-10"),
    ("上周三的买家数", "2026-11-04", "2026-11-04"),
    ("GMV last Wednesday", "2026-11-11", "2026-11-11"),
    ("orders on Tuesday of last week", "2026-11-03", "2026-11-03"),
    ("上个周末的GMV", "2026-11-07", "2026-11-08"),
    # parts of a month
    ("11月上旬的GMV", "2026-11-01", "2026-11-10"),
    ("上个月下旬退款率", "2026-10-21", "2026-10-31"),
    ("11月第一周", "2026-11-01", "2026-11-07"),
    ("GMV for the first week of November", "2026-11-01", "2026-11-07"),
    ("本月前10天的订单", "2026-11-01", "2026-11-10"),
    ("late October gmv", "2026-10-21", "2026-10-31"),
    ("aov on the 2nd of this month?", "2026-11-02", "2026-11-02"),
    ("25年10月1号各渠道gmv", "2025-10-01", "2025-10-01"),
    ("这个月月初退款金额", "2026-11-01", "2026-11-10"),
    ("上月最后三天的买家数", "2026-10-29", "2026-10-31"),
    ("the last 5 days of October", "2026-10-27", "2026-10-31"),
    # the days just before / after an event (a promotion's run-up leads to its big day)
    ("双11前一周每天的订单", "2026-11-04", "2026-11-10"),
    ("the week before Double 11", "2026-11-04", "2026-11-10"),
    ("国庆后三天GMV", "2026-10-08", "2026-10-10"),
    ("3 days after 618", "2026-06-19", "2026-06-21"),
    # named days
    ("双11当天GMV", "2026-11-11", "2026-11-11"),
    ("去年双11当天GMV", "2025-11-11", "2025-11-11"),
    ("618当天的新客数", "2026-06-18", "2026-06-18"),
    ("国庆期间GMV", "2026-10-01", "2026-10-07"),
    ("国庆第一天卖了多少件", "2026-10-01", "2026-10-01"),
    ("双12卖得怎么样", "2025-12-12", "2025-12-12"),
    ("中秋那天GMV", "2026-09-25", "2026-09-25"),
    ("七夕的订单", "2026-08-19", "2026-08-19"),
    ("黑五订单多少", "2025-11-28", "2025-11-28"),
    ("Black Friday to Cyber Monday GMV", "2025-11-28", "2025-12-01"),
    ("New Year's Day orders", "2026-01-01", "2026-01-01"),
])
def test_phrase_resolves_to_its_window(question: str, start: str, end: str) -> None:
    assert windows(question)[:1] == [(start, end)], (question, find_periods(normalize(question)))


@pytest.mark.parametrize("question", [
    "1.5-2.5倍", "11.9元的商品", "3/4的客户", "客单价在1.5-8之间", "3号链接卖了多少", "2号直播间的观看",
    "30日复购率", "top 3 Nov hosts", "评分4.5以上的商品", "第3号商品", "客单价12.12元的订单", "11.11元的商品",
    "客单价5.9-9.9的订单数", "转化率2.5-3.5", "AOV went from 3.5 to 4.2", "客单价从12.5涨到15.8", "since 1.5 version",
    "目前天猫渠道GMV", "之前天猫的订单有多少", "1号到3号链接", "3号、5号链接", "5号产品", "2号助播", "7日 GMV趋势",
])
def test_numbers_that_are_not_days_stay_numbers(question: str) -> None:
    assert find_periods(normalize(question)) == [], find_periods(normalize(question))


@pytest.mark.parametrize("question, start, end", [
    # a weekday character that begins a word or a count is no weekday: the whole week stays the window
    ("本周一共卖了多少单", "2026-11-09", "2026-11-15"), ("上周日均GMV", "2026-11-02", "2026-11-08"),
    ("上周天猫渠道GMV", "2026-11-02", "2026-11-08"), ("上周3场直播的GMV", "2026-11-02", "2026-11-08"),
    ("本周五个品类", "2026-11-09", "2026-11-15"), ("上周五天的订单", "2026-11-02", "2026-11-08"),
    # 初 / 底 / 末 that begin a word are no part of the month
    ("上个月初次下单的客户", "2026-10-01", "2026-10-31"), ("本月底价商品的销量", "2026-11-01", "2026-11-15"),
    ("上个月末次购买的客户", "2026-10-01", "2026-10-31"),
    ("上个月的30日复购率", "2026-10-01", "2026-10-31"), ("上个月3号链接卖了多少", "2026-10-01", "2026-10-31"),
    ("1号达人上个月成交额", "2026-10-01", "2026-10-31"),
    # the first weeks of a month, an open end through a month's end
    ("本月前两周GMV", "2026-11-01", "2026-11-14"), ("10月底以前的GMV", "2024-09-01", "2026-10-31"),
    ("11月3日前一周的GMV", "2026-10-27", "2026-11-02"),
])
def test_words_that_only_look_like_part_of_a_window(question: str, start: str, end: str) -> None:
    assert windows(question)[:1] == [(start, end)], (question, find_periods(normalize(question)))


@pytest.mark.parametrize("question", ["本月-上月的GMV差值", "今年双11-去年双11的GMV差", "昨天-前天"])
def test_a_difference_of_two_windows_is_no_span(question: str) -> None:
    assert len(find_periods(normalize(question))) == 2


def test_named_days_are_the_same_list_in_the_router_and_the_resolver() -> None:
    from assistant.router.periods import NAMED_DAYS
    from tools.timewindow import _NAMED_DAYS

    assert set(NAMED_DAYS) == set(_NAMED_DAYS)


@pytest.mark.parametrize("token", ["day:2-30", "day:32", "days:13-1..13-5", "first_day:all", "qixi_2031",
                                   "month:11:w6", "this_month:first_40_days", "0_days_ago"])
def test_malformed_day_tokens_say_so(token: str) -> None:
    with pytest.raises(PeriodError):
        resolve_period(token, ANCHOR, FIRST)


def test_a_leap_day_without_a_year_is_the_latest_leap_day() -> None:
    assert resolve_period("day:2-29", ANCHOR, FIRST).start == date(2024, 2, 29)


def test_a_day_is_applied_and_named_in_the_answer(engine) -> None:
    answer = Conversation(engine).ask("11月3日的GMV是多少").to_json()
    assert answer["tool_calls"][0]["args"]["period"] == "day:11-3"
    assert answer["not_applied"] == []  # 11 and 3 are the day, not numbers left over
    assert "2026-11-03" in answer["answer"]


def test_a_span_written_with_dots_is_not_read_as_two_decimals(engine) -> None:
    answer = Conversation(engine).ask("11.3-11.9 退款率").to_json()
    window = answer["tool_calls"][0]["resolved"]["window"]
    assert (window["start"], window["end"]) == ("2026-11-03", "2026-11-09")
    assert answer["not_applied"] == []


def test_two_named_days_compared_are_each_answered(engine) -> None:
    """"上周三和上周四对比" names both days: not Wednesday against the Tuesday before it."""
    answer = Conversation(engine).ask("上周三和上礼拜四的订单数对比").to_json()
    assert [c["args"].get("period") for c in answer["tool_calls"]] == ["last_week:d3", "last_week:d4"]
    assert all("compare" not in c["args"] for c in answer["tool_calls"])


def test_a_comparison_with_the_window_before_keeps_its_comparison(engine) -> None:
    answer = Conversation(engine).ask("这周和上周的GMV对比").to_json()
    assert answer["tool_calls"][0]["args"] == {"metric": "gmv", "period": "this_week", "compare": "previous_period"}


@pytest.mark.parametrize("question, hours", [
    ("昨天晚上8点以后的GMV", ">=20"), ("11月8号10点到12点的GMV", "10-11"), ("orders after 10pm on Nov 11", ">=22"),
    ("GMV on Nov 14 between 8pm and midnight", "20-23"), ("今天凌晨的订单有多少", "0-5"),
    ("早上9点前下单的买家本周有多少", "<9"), ("本周每天晚8到10点的订单", "20-21"),
])
def test_hours_of_the_day_are_an_hour_filter(question: str, hours: str) -> None:
    from assistant.router import route

    routed = route(question)
    assert routed.args["filters"]["hour"] == hours
    assert routed.dropped == []


@pytest.mark.parametrize("question", [
    "上周六下午场的GPM", "小雅11月10号晚上那场GMV多少", "晚上好，上个月GMV是多少", "good evening, gmv last month",
    "老板下午要看，上个月GMV多少", "帮我总结上个月GMV下降的几点原因", "降价一点之后销量", "晚上10点到凌晨2点的订单",
])
def test_time_words_that_are_no_order_hours(question: str) -> None:
    """A session named by its time, a greeting, when the asker needs it, a few reasons, a span past midnight."""
    from assistant.router import route

    routed = route(question)
    assert routed is not None
    assert "hour" not in (routed.args.get("filters") or {}) and routed.args.get("dimension") != "hour"


def test_a_product_named_for_a_time_of_day_is_the_product(engine) -> None:
    from assistant.router.data_vocabulary import DataVocabulary
    from assistant.router.extract import extract

    vocabulary = DataVocabulary.from_warehouse(engine.warehouse)
    vocabulary.products = [*vocabulary.products, "夜间修护面霜"]
    assert "hour" not in extract("夜间修护面霜上个月卖了多少", vocabulary).filters


def test_an_hour_filter_counts_what_pandas_counts(engine, raw_tables) -> None:
    """GMV of yesterday's orders placed from 20:00: the tool's number, and pandas on the same rows."""
    answer = Conversation(engine).ask("昨天晚上8点以后的GMV").to_json()
    assert answer["not_applied"] == []
    orders = raw_tables["orders"]
    day = orders["order_time"].max().normalize() - pd.Timedelta(days=1)
    kept = orders[(orders["order_time"].dt.normalize() == day) & (orders["order_time"].dt.hour >= 20)
                  & orders["status"].isin(["paid", "refunded"])]
    assert answer["tables"][0]["rows"][0][1] == pytest.approx(kept["pay_amount"].sum())
    assert "20:00-23:59" in answer["answer"]


def test_orders_by_hour_add_up_to_the_day(engine, raw_tables) -> None:
    answer = Conversation(engine).ask("orders by hour last week").to_json()
    table = answer["tables"][0]
    assert table["columns"][:2] == ["hour", "orders"]
    orders = raw_tables["orders"]
    anchor = orders["order_time"].max().normalize()
    monday = anchor - pd.Timedelta(days=anchor.weekday() + 7)
    week = orders[(orders["order_time"] >= monday) & (orders["order_time"] < monday + pd.Timedelta(days=7))
                  & orders["status"].isin(["paid", "refunded"])]
    expected = week.groupby(week["order_time"].dt.hour)["order_id"].nunique()
    got = {int(hour[:2]): count for hour, count in table["rows"]}
    assert got == expected.to_dict()


def test_a_bad_hour_filter_says_how_to_write_one(engine) -> None:
    for value in ("25", "22-3", "evening"):
        answer = engine.run_tool("metric_query", {"metric": "gmv", "filters": {"hour": value}})
        assert answer.error["code"] == "bad_filter" and "0-23" in answer.error["message"]


@pytest.mark.parametrize("question, args, more", [
    # the second window is the one just before (or a year before) the first: one comparison
    ("october vs september aov", {"metric": "aov", "period": "month:10", "compare": "previous_period"}, []),
    ("今年双11 vs 去年双11 GMV", {"metric": "gmv", "period": "double11", "compare": "last_year"}, []),
    # any other pair: both windows, side by side
    ("11月1日 vs 11月8日 订单", {"metric": "orders", "period": "day:11-1"}, ["day:11-8"]),
])
def test_two_windows_set_against_each_other(question: str, args: dict, more: list[str]) -> None:
    from assistant.router import route

    routed = route(question)
    assert routed.args == args
    assert [r.args["period"] for r in routed.more] == more


@pytest.mark.parametrize("question, grain", [
    ("10/10~10/20 客单价走势", "day"), ("本月GMV走势", "day"), ("最近半年GMV趋势", "month"), ("GMV趋势", "month"),
])
def test_a_trend_over_days_is_by_day(question: str, grain: str) -> None:
    from assistant.router import route

    assert route(question).args["dimension"] == grain


def test_a_group_of_buyers_is_not_an_unknown_name(engine) -> None:
    answer = Conversation(engine).ask("18-24岁买家上个月gmv").to_json()
    assert answer["tool_calls"][0]["args"]["filters"] == {"age_band": "18-24"}
    assert not [d for d in answer["not_applied"] if d["kind"] == "unknown_name"]


def test_the_hours_of_a_promotion_are_its_big_day() -> None:
    from assistant.router import route

    assert route("双11凌晨0到2点成交额").args == {"metric": "gmv", "period": "double11:day", "filters": {"hour": "0-1"}}


@pytest.mark.parametrize("question, days", [
    ("周一的GMV", "Mon 周一"), ("GMV on Mondays", "Mon 周一"), ("每周五的客单价", "Fri 周五"),
    ("礼拜六的成交额", "Sat 周六"), ("星期天的订单数", "Sun 周日"),
    ("周二到周四的GMV", ["Tue 周二", "Wed 周三", "Thu 周四"]), ("上个月周一和周三的订单数", ["Mon 周一", "Wed 周三"]),
])
def test_a_weekday_named_on_its_own_filters_the_orders_by_it(engine, question: str, days) -> None:
    """"周一的GMV" is Mondays' GMV, not all days' (the weekday of a named week is a day: 上周三)."""
    answer = Conversation(engine).ask(question).to_json()
    call = answer["tool_calls"][0]
    assert call["args"]["filters"]["day_of_week"] == days and answer["not_applied"] == []
    assert call["args"].get("dimension") in (None, "day_of_week")
    assert ("period" in call["args"]) == ("上个月" in question)
    orders = engine.warehouse.df("SELECT order_time, pay_amount, status FROM orders")
    if call["args"].get("metric") == "gmv" and isinstance(days, str):
        paid = orders[orders["status"].isin(["paid", "refunded"])]
        expected = paid.loc[pd.to_datetime(paid["order_time"]).dt.dayofweek == "一二三四五六日".index(days[-1]),
                            "pay_amount"].sum()
        table = answer["tables"][0]
        assert table["rows"][0][table["columns"].index("gmv")] == pytest.approx(expected)


@pytest.mark.parametrize("question, start, end", [
    ("上周一到周三的GMV", "2026-11-02", "2026-11-04"), ("本周二到周四卖了多少", "2026-11-10", "2026-11-12"),
])
def test_a_run_of_days_in_a_named_week_is_one_window(engine, question: str, start: str, end: str) -> None:
    answer = Conversation(engine).ask(question).to_json()
    window = answer["tool_calls"][0]["resolved"]["window"]
    assert (window["start"], window["end"]) == (start, end)
    assert "day_of_week" not in answer["tool_calls"][0]["args"].get("filters", {})


@pytest.mark.parametrize("question", ["周一到周五的GMV", "周一至周五的订单", "本周一共卖了多少", "周三场直播"])
def test_weekday_words_that_are_no_single_weekday(engine, question: str) -> None:
    answer = Conversation(engine).ask(question).to_json()
    assert "day_of_week" not in answer["tool_calls"][0]["args"].get("filters", {})
