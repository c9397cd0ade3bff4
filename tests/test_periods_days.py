"""Days, spans of days, open windows, weekdays and named days in questions -> the window a tool filters on.

Checked by the dates the phrase resolves to (tools/timewindow.py against the demo's anchor), not by the token
the router spells, so two spellings of one window are one answer. The other half: numbers that are not dates
("1.5-2.5倍", "3号链接", "30日复购率") stay numbers.
"""

from __future__ import annotations

from datetime import date

import pytest

from assistant import Engine
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
    "30日复购率", "top 3 Nov hosts", "评分4.5以上的商品", "第3号商品",
])
def test_numbers_that_are_not_days_stay_numbers(question: str) -> None:
    assert not [p for p in find_periods(normalize(question)) if p.token.startswith(("day", "days"))], \
        find_periods(normalize(question))


@pytest.mark.parametrize("token", ["day:2-30", "day:32", "days:13-1..13-5", "first_day:all", "qixi_2031",
                                   "month:11:w6", "this_month:first_40_days", "0_days_ago"])
def test_malformed_day_tokens_say_so(token: str) -> None:
    with pytest.raises(PeriodError):
        resolve_period(token, ANCHOR, FIRST)


def test_a_leap_day_without_a_year_is_the_latest_leap_day() -> None:
    assert resolve_period("day:2-29", ANCHOR, FIRST).start == date(2024, 2, 29)


@pytest.fixture(scope="module")
def engine(tmp_path_factory) -> Engine:
    engine = Engine()
    yield engine
    engine.close()


def test_a_day_is_applied_and_named_in_the_answer(engine: Engine) -> None:
    answer = Conversation(engine).ask("11月3日的GMV是多少").to_json()
    assert answer["tool_calls"][0]["args"]["period"] == "day:11-3"
    assert answer["not_applied"] == []  # 11 and 3 are the day, not numbers left over
    assert "2026-11-03" in answer["answer"]


def test_a_span_written_with_dots_is_not_read_as_two_decimals(engine: Engine) -> None:
    answer = Conversation(engine).ask("11.3-11.9 退款率").to_json()
    window = answer["tool_calls"][0]["resolved"]["window"]
    assert (window["start"], window["end"]) == ("2026-11-03", "2026-11-09")
    assert answer["not_applied"] == []


def test_two_named_days_compared_are_each_answered(engine: Engine) -> None:
    """"上周三和上周四对比" names both days: not Wednesday against the Tuesday before it."""
    answer = Conversation(engine).ask("上周三和上礼拜四的订单数对比").to_json()
    assert [c["args"].get("period") for c in answer["tool_calls"]] == ["last_week:d3", "last_week:d4"]
    assert all("compare" not in c["args"] for c in answer["tool_calls"])


def test_a_comparison_with_the_window_before_keeps_its_comparison(engine: Engine) -> None:
    answer = Conversation(engine).ask("这周和上周的GMV对比").to_json()
    assert answer["tool_calls"][0]["args"] == {"metric": "gmv", "period": "this_week", "compare": "previous_period"}


def test_a_time_of_day_is_named_as_not_applied(engine: Engine) -> None:
    answer = Conversation(engine).ask("11月8号10点到12点的GMV").to_json()
    assert answer["tool_calls"][0]["args"]["period"] == "day:11-8"
    assert answer["not_applied"], "the hours are not a window the tools take: the answer must say so"
