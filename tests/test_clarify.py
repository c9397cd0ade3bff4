"""Clarification: ask only when readings give different answers, with options that route where they
say; state the default otherwise. Checked in the router, the conversation, the JSON contract, the
CLI chat (pick by number) and the served web chat (options as buttons)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from assistant.conversation import Conversation, OfflineStrategy
from assistant.render_text import render_answer
from assistant.router import route
from assistant.router.clarify import assumptions, clarify
from tests.conftest import DEV_QUESTIONS, cli_env
from tests.test_cli import home_with_demo  # noqa: F401 - the fixture, reused
from tests.test_web_app import app_url, client, texts  # noqa: F401 - the served app, reused

# question -> (reason, the tool each option routes to, in order)
CASES = {
    "最近的销售额": ("recent_window", ["metric_query"] * 3),
    "What were recent sales?": ("recent_window", ["metric_query"] * 3),
    "转化率是多少": ("conversion_definition", ["live_performance", "funnel"]),
    "What is the conversion rate?": ("conversion_definition", ["live_performance", "funnel"]),
}
# Readings with a standard default: answered with it (first tool), the other reading offered as an option.
DEFAULTED = {
    "复购率是多少？": ("metric_query", ["metric_query", "cohort_retention"]),
    "What's our repurchase rate?": ("metric_query", ["metric_query", "cohort_retention"]),
    "流失客户有多少": ("lifecycle_stages", ["lifecycle_stages", "rfm_segments"]),
    "How many churned customers are there?": ("lifecycle_stages", ["lifecycle_stages", "rfm_segments"]),
}
NOT_AMBIGUOUS = [
    "上个月的复购率是多少？", "What is our repurchase rate this year?", "复购率按渠道对比", "新客30天复购率",
    "最近30天的GMV是多少？", "最近7天的订单数", "Rank hosts by conversion rate", "昨天那场直播的转化怎么样？",
    "直播间的观看到下单转化漏斗", "哪些用户有流失风险？", "How many customers are new, active, at risk or churned?",
    "沉睡客户有多少？", "销售额是多少", "下个月可能不再回购的用户",
]
DEV = [c["q"] for c in yaml.safe_load(DEV_QUESTIONS.read_text(encoding="utf-8"))]


@pytest.mark.parametrize("question", list(CASES))
def test_ambiguous_questions_get_options_that_route_where_they_say(question: str) -> None:
    reason, tools = CASES[question]
    found = clarify(question, route(question))
    assert found is not None and found.reason == reason
    assert found.question and 2 <= len(found.options) <= 3
    for option, tool in zip(found.options, tools, strict=True):
        routed = route(option.question)
        assert routed is not None and routed.tool == tool, option.question
        assert clarify(option.question, routed) is None  # picking an option never asks again
    if reason == "recent_window":
        assert [route(o.question).args["period"] for o in found.options] == [
            "last_7_days", "last_30_days", "last_90_days"]


@pytest.mark.parametrize("question", list(DEFAULTED))
def test_a_standard_default_is_answered_stated_and_the_other_reading_offered(engine, question: str) -> None:
    tool, option_tools = DEFAULTED[question]
    answer = Conversation(engine, OfflineStrategy()).ask(question)
    assert answer.ok and answer.clarification is None and answer.tool_calls[0].name == tool
    assert answer.assumptions  # the definition used is said
    assert [route(o["question"]).tool for o in answer.options] == option_tools
    assert answer.to_json()["options"] == answer.options


@pytest.mark.parametrize("question", NOT_AMBIGUOUS + DEV + list(DEFAULTED))
def test_clear_questions_are_answered_not_questioned(question: str) -> None:
    assert clarify(question, route(question)) is None


def test_clarification_answer_has_no_tool_call_no_error_and_the_json_keys(engine) -> None:
    answer = Conversation(engine, OfflineStrategy()).ask("最近的销售额")
    assert answer.ok and answer.tool_calls == [] and answer.clarification is not None
    payload = answer.to_json()
    assert payload["error"] is None and payload["tool_calls"] == []
    assert payload["answer"] == payload["clarification"]["question"]
    assert [set(o) for o in payload["clarification"]["options"]] == [{"label", "question"}] * 3
    assert payload["assumptions"] == []
    text = render_answer(answer)
    assert "1. " in text and "2. " in text


def test_a_reasonable_default_is_answered_and_stated(engine) -> None:
    answer = Conversation(engine, OfflineStrategy()).ask("销售额是多少")
    assert answer.ok and answer.clarification is None
    assert answer.tool_calls[0].args == {"metric": "gmv"}
    assert answer.assumptions == ["未指定时间：按全部数据计算。"]
    assert answer.to_json()["assumptions"] == answer.assumptions
    assert "假设：" in render_answer(answer)
    english = Conversation(engine, OfflineStrategy()).ask("What is our repurchase rate this year?")
    assert english.clarification is None and any("2+ orders" in a for a in english.assumptions)


def test_assumptions_follow_the_route_not_the_wording() -> None:
    assert assumptions("x", None) == []
    assert assumptions("上个月GMV", route("上个月的GMV是多少")) == []


def test_picking_an_option_in_the_conversation_answers_it(engine) -> None:
    chat = Conversation(engine, OfflineStrategy())
    options = chat.ask("最近的销售额").clarification.options
    picked = chat.ask(options[1].question)
    assert picked.ok and picked.tool_calls[0].args["period"] == "last_30_days"
    # The clarification is not a previous route: a follow-up after it starts from the picked answer.
    assert picked.clarification is None


def test_cli_chat_picks_an_option_by_number(home_with_demo: Path) -> None:  # noqa: F811
    done = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "chat", "--offline"], input="复购率是多少？\n2\n\n",
        capture_output=True, text=True, env=cli_env(home_with_demo), timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "1. 期内复购率" in done.stdout and "2. 首购后复购率" in done.stdout
    assert "(cohort_retention" in done.stdout  # option 2 was asked and answered


def test_served_chat_shows_clarification_options_as_buttons(app_url: str) -> None:  # noqa: F811
    history, *_ = client(app_url).predict("最近的销售额", api_name="/chat")
    last = history[-1]
    assert last["role"] == "assistant"
    options = last.get("options") or []
    expected = clarify("最近的销售额", route("最近的销售额"))
    assert [o["value"] for o in options] == [o.question for o in expected.options]
    assert all(o["label"] for o in options)
    assert "最近" in texts([last])
    assert not any((m.get("metadata") or {}).get("title") for m in history)  # no tool ran


def test_served_chat_offers_the_other_reading_of_a_default_as_buttons(app_url: str) -> None:  # noqa: F811
    history, *_ = client(app_url).predict("复购率是多少？", api_name="/chat")
    answer = [m for m in history if m["role"] == "assistant" and not (m.get("metadata") or {}).get("title")][0]
    values = [o["value"] for o in answer.get("options") or []]
    assert len(values) == 2 and route(values[1]).tool == "cohort_retention"


def test_conversion_of_a_named_host_is_their_live_room_not_a_question(engine) -> None:
    """A host named makes the live-room reading; the other parts of the question are answered too."""
    answer = engine.ask("小雅上个月播了几场？转化率多少？")
    assert answer.clarification is None
    assert [(c.name, c.args.get("host")) for c in answer.tool_calls] == [("live_performance", "小雅")] * 2
    assert answer.tool_calls[1].args["metric"] == "conversion_rate"
