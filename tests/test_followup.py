"""Follow-ups in the offline router: short questions reuse the previous tool and arguments with exactly
the change they name, the numbers equal a direct tool call, and full questions are never mistaken
for follow-ups."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml

from assistant.conversation import Conversation, OfflineStrategy
from assistant.router import route
from assistant.router.followup import DRIVERS, resolve_followup
from tests.conftest import DEV_QUESTIONS
from tools.timewindow import add_months, resolve_period

DEV_CASES = yaml.safe_load(DEV_QUESTIONS.read_text(encoding="utf-8"))
# Slow model-fitting tools are left out of the conversation check (the pure check covers every case).
_SLOW = {"churn_risk", "customer_lifetime_value", "customer_clusters", "sales_forecast"}


def _tools(case: dict) -> list[str]:
    return case["tool"] if isinstance(case["tool"], list) else [case["tool"]]


def _call(answer):
    assert answer.ok, answer.error
    assert len(answer.tool_calls) == 1
    return answer.tool_calls[0]


def _same_numbers(engine, answer, language: str) -> None:
    """The follow-up's tables equal a direct call of the same tool with the same arguments."""
    call = answer.tool_calls[0]
    direct = engine.run_tool(call.name, call.args, language)
    assert direct.ok, direct.error
    assert [t.name for t in answer.tables] == [t.name for t in direct.tables]
    for mine, theirs in zip(answer.tables, direct.tables):
        pd.testing.assert_frame_equal(mine.df, theirs.df)


def _month_before(engine, token: str) -> str:
    window = resolve_period(token, engine.warehouse.anchor_date)
    start = add_months(window.start, -1)
    return f"{start.year}-{start.month:02d}"


def test_chinese_chain_changes_exactly_one_thing_each_turn(engine) -> None:
    chat = Conversation(engine, OfflineStrategy())
    first = _call(chat.ask("上个月的GMV是多少"))
    assert first.name == "metric_query" and first.args == {"metric": "gmv", "period": "last_month"}

    answer = chat.ask("那上上个月呢")
    second = _call(answer)
    assert second.args == {**first.args, "period": _month_before(engine, "last_month")}
    assert answer.answer.startswith("沿用上一个问题（成交额（GMV）），时间改为上上个月")
    _same_numbers(engine, answer, "zh")

    answer = chat.ask("只看女性")
    third = _call(answer)
    assert third.args == {**second.args, "filters": {"gender": "female"}}
    assert answer.answer.startswith("沿用上一个问题") and "只看女性" in answer.answer
    _same_numbers(engine, answer, "zh")

    answer = chat.ask("按主播拆开")
    fourth = _call(answer)
    assert fourth.args == {**third.args, "dimension": "host"}
    assert "按主播拆分" in answer.answer
    _same_numbers(engine, answer, "zh")
    # Women's GMV by host adds up to women's GMV for the month.
    women = chat.turns[-2].answer.table().iloc[0]["gmv"]
    assert answer.table()["gmv"].sum() == pytest.approx(women, rel=1e-9)

    answer = chat.ask("前5呢")
    assert _call(answer).args == {**fourth.args, "limit": 5}
    assert len(answer.table()) == 5


def test_english_chain_with_a_metric_swap(engine) -> None:
    chat = Conversation(engine, OfflineStrategy())
    first = _call(chat.ask("What was the average order value last month?"))
    assert first.args == {"metric": "aov", "period": "last_month"}

    answer = chat.ask("and last week?")
    second = _call(answer)
    assert second.args == {**first.args, "period": "last_week"}
    assert answer.answer.startswith("Same question as before (")
    _same_numbers(engine, answer, "en")

    answer = chat.ask("what about orders?")
    third = _call(answer)
    assert third.args == {**second.args, "metric": "orders"}
    _same_numbers(engine, answer, "en")

    answer = chat.ask("only women")
    fourth = _call(answer)
    assert fourth.args == {**third.args, "filters": {"gender": "female"}}

    answer = chat.ask("by channel")
    assert _call(answer).args == {**fourth.args, "dimension": "channel"}
    assert "broken down by channel" in answer.answer
    _same_numbers(engine, answer, "en")


def test_same_period_last_year_and_region_filter(engine) -> None:
    chat = Conversation(engine, OfflineStrategy())
    first = _call(chat.ask("上个月的订单数是多少？"))
    answer = chat.ask("去年同期呢")
    window = resolve_period("last_month", engine.warehouse.anchor_date)
    start = add_months(window.start, -12)
    assert _call(answer).args == {**first.args, "period": f"{start.year}-{start.month:02d}"}
    answer = chat.ask("广东的呢")
    assert _call(answer).args["filters"] == {"region": "广东"}
    _same_numbers(engine, answer, "zh")


def test_only_a_kind_of_order_keeps_the_measure_and_its_split(engine) -> None:
    # "only live orders": the orders are the kind kept, not a new measure (AOV by gender stays AOV by gender)
    chat = Conversation(engine, OfflineStrategy())
    first = _call(chat.ask("AOV by gender this year"))
    answer = chat.ask("only live orders")
    assert _call(answer).args == {**first.args, "filters": {"source": "live"}}
    _same_numbers(engine, answer, "en")


@pytest.mark.parametrize(("first", "then", "months", "whole_year"), [
    ("双11 GMV 多少", "那去年的呢", -12, False),  # a promotion's window, a year earlier
    ("GMV in October?", "what about last year?", -12, False),
    ("10月GMV多少", "去年全年呢", None, True),  # the whole year said: the whole year
    ("今年GMV多少", "去年呢", None, True),  # after a year, last year is the year
    ("上个月GMV多少", "去年3月呢", None, False),  # a window of its own: that window
])
def test_last_year_said_alone_after_a_window_is_that_window_a_year_earlier(engine, first, then, months,
                                                                             whole_year) -> None:
    chat = Conversation(engine, OfflineStrategy())
    before = _call(chat.ask(first)).args["period"]
    after = _call(chat.ask(then)).args["period"]
    anchor = engine.warehouse.anchor_date
    got, was = resolve_period(after, anchor), resolve_period(before, anchor)
    if whole_year:
        assert after == "last_year"
    elif months is None:
        assert (got.start.year, got.start.month, got.end.month) == (anchor.year - 1, 3, 3)
    else:
        assert (got.start, got.end) == (add_months(was.start, months), add_months(was.end, months))


def test_a_host_name_from_the_data_becomes_a_filter(engine) -> None:
    by_host = engine.run_tool("metric_query", {"metric": "gmv", "dimension": "host"}, "zh").table()
    host = next(h for h in by_host["host"] if not h.startswith("("))
    chat = Conversation(engine, OfflineStrategy())
    first = _call(chat.ask("上个月的GMV是多少"))
    answer = chat.ask(f"只看{host}")
    assert _call(answer).args == {**first.args, "filters": {"host": host}}
    _same_numbers(engine, answer, "zh")


def test_why_breaks_the_number_down_by_its_usual_driver(engine) -> None:
    chat = Conversation(engine, OfflineStrategy())
    first = _call(chat.ask("上个月的GMV是多少"))
    answer = chat.ask("为什么？")
    call = _call(answer)
    assert call.args == {**first.args, "dimension": DRIVERS["gmv"][0]}
    assert "原因" in answer.answer.split("：")[0]
    _same_numbers(engine, answer, "zh")
    # Already broken down by the first driver: "why?" moves on to the next one.
    again = _call(chat.ask("why?"))
    assert again.args["dimension"] == DRIVERS["gmv"][1]


def test_segment_swap_keeps_the_tool(engine) -> None:
    chat = Conversation(engine, OfflineStrategy())
    assert _call(chat.ask("沉睡客户应该怎么运营？")).args == {"segment": "hibernating"}
    answer = chat.ask("那冠军客户呢")
    call = _call(answer)
    assert call.name == "segment_strategy" and call.args == {"segment": "champions"}
    assert "冠军客户" in answer.answer


def test_only_arguments_the_previous_tool_accepts_are_applied() -> None:
    rfm = route("各个RFM分群分别有多少用户？")
    assert rfm is not None and rfm.tool == "rfm_segments"
    assert resolve_followup("只看女性", rfm) is None  # rfm_segments has no filters
    live = route("Rank hosts by conversion rate")
    changed = resolve_followup("and last month?", live)
    assert changed is not None and changed.tool == "live_performance"
    assert changed.args == {**live.args, "period": "last_month"}
    assert resolve_followup("只看女性", None) is None
    assert resolve_followup("", live) is None


def test_the_tool_call_in_json_shows_the_reused_and_changed_arguments(engine) -> None:
    chat = Conversation(engine, OfflineStrategy())
    chat.ask("最近30天的GMV是多少？")
    payload = chat.ask("按品类拆开").to_json()
    assert payload["tool_calls"][0]["name"] == "metric_query"
    assert payload["tool_calls"][0]["args"] == {"metric": "gmv", "period": "last_30_days", "dimension": "category"}
    assert payload["clarification"] is None and payload["error"] is None


PREVIOUS = ["上个月的GMV是多少", "Rank hosts by conversion rate", "沉睡客户应该怎么运营？",
            "各个RFM分群分别有多少用户？"]


@pytest.mark.parametrize("previous", PREVIOUS)
def test_no_dev_question_is_taken_as_a_followup(previous: str) -> None:
    before = route(previous)
    assert before is not None
    taken = [c["q"] for c in DEV_CASES if resolve_followup(c["q"], before) is not None]
    assert taken == []


CONVERSATION_CASES = [c for c in DEV_CASES if not set(_tools(c)) & _SLOW]


def test_full_questions_after_another_route_as_they_do_alone(engine) -> None:
    assert len(CONVERSATION_CASES) >= 20
    for case in CONVERSATION_CASES:
        alone = engine.ask(case["q"])
        chat = Conversation(engine, OfflineStrategy())
        chat.ask("上个月的GMV是多少")
        after = chat.ask(case["q"])
        assert [(c.name, c.args) for c in after.tool_calls] == [(c.name, c.args) for c in alone.tool_calls], case["q"]
        assert not after.answer.startswith(("沿用上一个问题", "Same question as before")), case["q"]


@pytest.mark.parametrize("question", [
    "Which province had the most refunds last quarter, and what was the refund rate there?",
    "上季度哪个省退款最多？那里的退款率多少", "退款的订单有多少？退款率呢",
])
def test_a_refund_rate_after_a_count_of_refunds_is_over_every_paid_order(question: str) -> None:
    """The refunded orders an earlier ask counted are the rate's part, never its filter (which makes it 100%)."""
    rate = route(question).more[0]
    assert rate.args["metric"] == "refund_rate" and "status" not in (rate.args.get("filters") or {})


def test_a_follow_up_says_what_it_took_away_in_words(engine) -> None:
    conversation = Conversation(engine)
    conversation.ask("上个月退款的订单有多少")
    answer = conversation.ask("退款率呢")
    assert answer.tool_calls[0].args == {"metric": "refund_rate", "period": "last_month"}
    assert answer.answer.startswith("沿用上一个问题（订单数），不再只看已退款，指标改为退款率")
    assert answer.table().iloc[0]["refund_rate"] < 1


def _leader(engine, answer, column):
    return answer.table().iloc[0][column]


@pytest.mark.parametrize(("first", "then", "tool", "column", "carried"), [
    # phrased unlike any set: "within that one", "头名", "the top one"
    ("今年哪个省份成交额最高？", "那个省里卖得最好的5个商品呢", "metric_query", "region", {"period": "this_year"}),
    ("上个月按主播看GMV", "头名的转化漏斗", "funnel", "host", {"period": "last_month"}),
    ("Rank our customers by total spend, top 5", "tell me about the top one", "customer_profile", "customer", {}),
])
def test_a_later_turn_about_what_the_turn_before_ranked_first_is_that_group(engine, first, then, tool, column,
                                                                              carried) -> None:
    chat = Conversation(engine)
    earlier = chat.ask(first)
    leader = _leader(engine, earlier, column)
    answer = chat.ask(then)
    call = answer.tool_calls[0]
    assert call.name == tool and all(call.args.get(k) == v for k, v in carried.items()), call.args
    named = call.args.get("customer_id", call.args.get("host", (call.args.get("filters") or {}).get(column)))
    assert str(named) == str(leader)
    assert answer.answer.startswith(("接着上一个问题", "Following on"))


@pytest.mark.parametrize(("first", "then", "tool", "args"), [
    ("查一下客户100000123", "给他推荐几样东西", "recommend_products", {"customer_id": 100000123}),
    ("How many customers are at risk of churning?", "what should we do to bring those people back?",
     "segment_strategy", None),
    ("今年每周的订单数", "同样的，换成客单价", "metric_query", {"metric": "aov", "dimension": "week",
                                                    "period": "this_year"}),
    # the people an earlier turn counted, pointed back to as people
    ("流失风险客户有多少", "这批人都是些什么样的人？", "segment_profile", {"segment": "at_risk"}),
    ("Rank the hosts by orders this year", "now order them by GPM instead", "live_performance",
     {"metric": "gpm", "period": "this_year"}),
])
def test_a_later_turn_that_points_back_takes_the_earlier_turns_subject(engine, first, then, tool, args) -> None:
    chat = Conversation(engine)
    chat.ask(first)
    call = chat.ask(then).tool_calls[0]
    assert call.name == tool and (args is None or call.args == args), call.args


@pytest.mark.parametrize(("first", "then", "args"), [
    ("上个月哪个主播GMV最高？", "今年各品类的退款率", {"metric": "refund_rate", "dimension": "category",
                                                "period": "this_year"}),  # no pointing back: nothing carried
    # "it", "them" inside a question of its own point at nothing of the earlier turn's
    ("上个月女性客户的客单价是多少？", "Is it possible to see GMV by month this year?",
     {"metric": "gmv", "dimension": "month", "period": "this_year"}),
    ("小雅上个月的GMV是多少", "Is it possible to compare all hosts last month?", {"dimension": "host",
                                                                             "period": "last_month"}),
    # a change of the ranking ("去年呢") ranks again, never narrows to the first row
    ("哪个品类今年卖得最好", "去年呢", {"metric": "gmv", "dimension": "category", "period": "last_year",
                                 "order": "desc"}),
    # a broadcast named by the question itself takes no window of the earlier turn's
    ("上个月GMV是多少", "最近那场直播的漏斗", {"session": "latest"}),
])
def test_a_later_turn_that_stands_on_its_own_is_not_read_after_the_one_before(engine, first, then, args) -> None:
    chat = Conversation(engine)
    chat.ask(first)
    call = chat.ask(then).tool_calls[0]
    assert call.args == args, call.args
