"""A question of several asks: each ask is answered on its own, none is merged into another or lost."""

from __future__ import annotations

import pandas as pd
import pytest

from assistant.router import route
from assistant.router.asks import asks_something, points_back, split_asks

PAID = ["paid", "refunded"]


@pytest.mark.parametrize(("question", "asks"), [
    ("5月成交了多少单？观看人数合计多少？", ["5月成交了多少单？", "观看人数合计多少？"]),
    ("What was GMV last month? And how many buyers?", ["What was GMV last month?", "And how many buyers?"]),
    ("退款金额多少；涉及多少订单", ["退款金额多少；", "涉及多少订单"]),
    ("上个月GMV多少？", ["上个月GMV多少？"]),  # a mark at the end ends the only ask
    ("各品类GMV，按月看", ["各品类GMV，按月看"]),  # a comma joins parts of one ask
    ("6月付款客户里有多少老客？（需要两个文件）", ["6月付款客户里有多少老客？（需要两个文件）"]),  # a note is no ask
])
def test_asks_are_split_at_question_marks_and_semicolons(question, asks) -> None:
    assert split_asks(question) == asks


def test_pointing_back_and_asking_are_told_from_their_words() -> None:
    assert points_back("其中整单退的有几笔？") and points_back("涉及多少订单？") and points_back("How many of those?")
    assert not points_back("观看人数合计多少？")
    assert asks_something("其中整单退的有几笔？") and not asks_something("按月看")


def test_each_ask_gets_its_own_call_and_shares_the_first_asks_window() -> None:
    routed = route("5月GMV多少？订单数呢？")
    calls = [(routed.tool, routed.args)] + [(r.tool, r.args) for r in routed.more]
    assert calls == [("metric_query", {"metric": "gmv", "period": "month:5"}),
                     ("metric_query", {"metric": "orders", "period": "month:5"})]


def test_an_ask_that_points_back_takes_the_earlier_asks_filters() -> None:
    routed = route("退款金额一共多少？涉及多少订单？")
    assert routed.args == {"metric": "refund_amount"}
    (second,) = routed.more  # the orders a refund amount is about are the refunded ones
    assert second.args == {"metric": "orders", "filters": {"status": "refunded"}}
    routed = route("上个月的取消订单有几笔？其中多少是直播间下的？")
    (second,) = routed.more
    assert second.args["filters"] == {"status": "cancelled", "source": "live"} and second.args["period"] == "last_month"


def test_two_counts_asked_apart_are_never_one_count_filtered_by_both(engine, raw_tables) -> None:
    orders = raw_tables["orders"]
    answer = engine.ask("上个月退款成功的订单几笔？0元的订单几笔？")
    assert [c.args.get("filters") for c in answer.tool_calls] == [{"status": "refunded"}, {"amount": "0"}]
    assert [c.args.get("period") for c in answer.tool_calls] == ["last_month", "last_month"]
    end = orders["order_time"].max().normalize()
    start = (end.replace(day=1) - pd.Timedelta(days=1)).replace(day=1)
    month = orders[(orders["order_time"] >= start) & (orders["order_time"] < end.replace(day=1))]
    assert [t.name for t in answer.tables] == ["orders", "orders_2"]  # each call keeps its own table
    assert int(answer.table("orders").iloc[0]["orders"]) == int((month["status"] == "refunded").sum())
    zero = month[(month["pay_amount"] == 0) & month["status"].isin(PAID)]
    assert int(answer.table("orders_2").iloc[0]["orders"]) == len(zero)


def test_an_ask_that_cannot_be_placed_is_named_not_dropped(engine) -> None:
    answer = engine.ask("上个月有多少笔订单退款成功了？其中有几笔是用花呗付的？")
    assert [c.args.get("filters") for c in answer.tool_calls] == [{"status": "refunded"}]
    assert {"kind": "ask", "phrase": "其中有几笔是用花呗付的？", "detail": ""} in answer.not_applied
    assert answer.answer.startswith("⚠️ 这一问我答不了：“其中有几笔是用花呗付的？”")
    english = engine.ask("How many orders were refunded last month? How many of those had a gift message?")
    assert any(d["kind"] == "ask" for d in english.not_applied)
    assert english.answer.startswith("⚠️ I could not answer “How many of those had a gift message?”")


def test_an_ask_for_the_hours_of_the_earlier_set_narrows_it(engine) -> None:
    """"其中有几笔是晚上下的": those refunded orders placed in the evening (the label shows the hours used)."""
    for question in ("上个月有多少笔订单退款成功了？其中有几笔是晚上下的？",
                     "How many orders were refunded last month? How many of those came in at night?"):
        answer = engine.ask(question)
        assert [c.args.get("filters") for c in answer.tool_calls] == [
            {"status": "refunded"}, {"status": "refunded", "hour": "18-23"}]
        assert answer.not_applied == []


def test_an_ask_about_part_of_the_earlier_set_narrows_it(engine) -> None:
    routed = route("3到5月有多少笔订单退款成功了？其中整单退的有几笔？")
    (second,) = routed.more
    assert second.args == {"metric": "orders", "period": "months:3-5", "filters": {"status": "fully_refunded"}}
    # the demo records no partial refunds: said, never a zero that reads like none happened
    answer = engine.ask("How many orders were refunded last month? How many of those were partial?")
    assert answer.tool_calls[1].args["filters"] == {"status": "partially_refunded"}
    assert "does not record partial refunds" in answer.answer


def test_a_split_of_refunds_by_kind_says_when_partial_ones_are_never_recorded(engine) -> None:
    """All refunds whole on the demo is what its data can say, not a finding: the answer says so, and a share of
    whole refunds still answers (the refunded orders by status)."""
    answer = engine.ask("Of the refunded orders last month, what share were full refunds?")
    assert answer.tool_calls[0].args["dimension"] == "status"
    assert "does not record partial refunds" in answer.answer
    plain = engine.ask("上个月GMV多少")  # a figure that is no count of refunds says nothing of them
    assert "部分退款" not in plain.answer


def test_asks_for_different_tools_are_each_answered(engine) -> None:
    answer = engine.ask("上个月GMV多少？哪个主播转化率最高？")
    assert [c.name for c in answer.tool_calls] == ["metric_query", "live_performance"]
    assert answer.tool_calls[1].args.get("period") == "last_month"
    assert answer.ok and len(answer.tables) == 2


def test_a_part_that_only_narrows_is_read_with_the_question() -> None:
    routed = route("who're the big spenders this year? top 20 pls")
    assert routed.more == [] and routed.args["dimension"] == "customer" and routed.args["limit"] == 20
    routed = route("which categories get bought together? only last year's orders")
    assert routed.more == [] and routed.args["period"] == "last_year"


def test_an_ask_naming_no_one_is_about_whom_the_one_before_named() -> None:
    routed = route("广东上个月GMV多少？订单数多少？")
    assert routed.more[0].args == {"metric": "orders", "period": "last_month", "filters": {"region": "广东"}}
    routed = route("退款的订单有多少？GMV多少？")  # the kind of order counted first is not carried
    assert "filters" not in routed.more[0].args


def test_each_call_of_a_several_part_answer_streams_as_its_own_step(engine) -> None:
    # The front ends show a step per call: each with its own arguments and SQL, not the first call's twice.
    from assistant.conversation import Conversation, Final, ToolFinished, ToolStarted

    events = list(Conversation(engine).stream("上个月GMV是多少？订单数呢？"))
    kinds = [type(e).__name__ for e in events]
    assert kinds == ["ToolStarted", "ToolFinished", "ToolStarted", "ToolFinished", "Final"]
    finished = [e for e in events if isinstance(e, ToolFinished)]
    final = events[-1].answer
    assert isinstance(events[-1], Final) and [(c.name, c.args) for c in final.tool_calls] == \
        [(e.tool, e.args) for e in finished]
    assert [e.args["metric"] for e in finished] == ["gmv", "orders"]
    assert [e.answer.sql for e in finished] == [final.sql[:1], final.sql[1:]]  # each step its own query
    assert [t.name for e in finished for t in e.answer.tables] == [t.name for t in final.tables]
    assert all(isinstance(e, ToolStarted) for e in events[0:3:2])
    # one call: one step, the whole answer (as before)
    single = list(Conversation(engine).stream("上个月GMV是多少？"))
    assert [type(e).__name__ for e in single] == ["ToolStarted", "ToolFinished", "Final"]
    assert single[1].answer is single[2].answer
