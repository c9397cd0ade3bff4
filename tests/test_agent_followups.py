"""The agent's side of follow-ups and clarification (issue 6, items 2, 3, 5), with a scripted model.

The router's parse of each question reaches the model as a hint in its system message; follow-ups
are resolved against the conversation's previous tool call; an ambiguous question's hint lists the
options, and a model that asks back ends the turn with its question.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
import types
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage

from assistant.agent import LLMStrategy
from assistant.agent.hint import HEAD, RouterHint, router_hint
from assistant.conversation import Conversation, Final, ToolFinished, ToolStarted
from assistant.router import Route
from tests.test_agent_fake_model import ScriptedModel, call

HAS_FOLLOWUP = importlib.util.find_spec("assistant.router.followup") is not None
HAS_CLARIFY = importlib.util.find_spec("assistant.router.clarify") is not None


def system_text(messages: list[BaseMessage]) -> str:
    assert messages[0].type == "system"
    return str(messages[0].content)


def suggested(messages: list[BaseMessage]) -> tuple[str, dict[str, Any]] | None:
    """The (tool, args) the hint in the system message suggests, or None."""
    text = system_text(messages)
    if HEAD not in text:
        return None
    for line in text.split(HEAD, 1)[1].splitlines():
        if line.startswith("tool="):
            name, rest = line[len("tool=") :].split(" args=", 1)
            args, _ = json.JSONDecoder().raw_decode(rest)
            return name, args
    return None


def follow_hint(messages: list[BaseMessage]) -> AIMessage:
    """A model that does what the router suggests."""
    hint = suggested(messages)
    assert hint is not None, system_text(messages)[-400:]
    n = sum(isinstance(m, ToolMessage) for m in messages)
    return call(hint[0], hint[1], f"call_{n}")


def run(conversation: Conversation, question: str) -> list[Any]:
    return list(conversation.stream(question))


def month_before(start: str) -> str:
    day = date.fromisoformat(start)
    return f"{day.year - 1}-12" if day.month == 1 else f"{day.year}-{day.month - 1:02d}"


# -- the hint ---------------------------------------------------------------------------------------
def test_the_hint_carries_the_routers_tool_and_arguments(engine) -> None:
    model = ScriptedModel(script=[follow_hint, AIMessage("上个月 GMV 见上。")])
    events = run(Conversation(engine, strategy=LLMStrategy(model)), "上个月的GMV是多少")
    assert suggested(model.seen[0]) == ("metric_query", {"metric": "gmv", "period": "last_month"})
    assert "上个月→period=last_month" in system_text(model.seen[0])  # why the router chose it
    assert suggested(model.seen[1]) is not None  # every model call of the question sees it
    started = [e for e in events if isinstance(e, ToolStarted)]
    assert [(e.tool, e.args) for e in started] == [("metric_query", {"metric": "gmv", "period": "last_month"})]
    final = events[-1].answer
    assert final.mode == "llm" and final.tool_calls[0].resolved["window"]["start"].endswith("-01")


def test_the_hint_knows_the_hosts_in_the_data(engine) -> None:
    model = ScriptedModel(script=[AIMessage("ok")])
    run(Conversation(engine, strategy=LLMStrategy(model)), "小雅上个月卖了多少")
    tool, args = suggested(model.seen[0]) or ("", {})
    assert tool == "metric_query" and args.get("filters") == {"host": "小雅"}  # from the engine's vocabulary


def test_the_hint_is_per_question_and_not_stored_in_memory(engine) -> None:
    model = ScriptedModel(script=[AIMessage("one"), AIMessage("two")])
    conversation = Conversation(engine, strategy=LLMStrategy(model))
    run(conversation, "How many customers are in each RFM segment?")
    run(conversation, "What data do you have?")
    second = model.seen[-1]
    assert suggested(second) == ("describe_data", {})
    assert system_text(second).count(HEAD) == 1  # only the latest question's hint
    humans = [m.content for m in second if isinstance(m, HumanMessage)]
    assert humans == ["How many customers are in each RFM segment?", "What data do you have?"]


def test_no_route_says_so_and_hints_can_be_switched_off(engine) -> None:
    model = ScriptedModel(script=[AIMessage("Hello!")])
    run(Conversation(engine, strategy=LLMStrategy(model)), "Hello there")
    assert "none: no vetted tool matched" in system_text(model.seen[0])
    quiet = ScriptedModel(script=[AIMessage("Hello!")])
    run(Conversation(engine, strategy=LLMStrategy(quiet, router_hint=False)), "上个月的GMV是多少")
    assert HEAD not in system_text(quiet.seen[0])


def test_the_hint_never_shows_a_phone_number() -> None:
    hint = router_hint("客户13812345678的情况怎么样")
    assert hint.route is not None and hint.route.tool == "customer_profile"
    text = hint.text()
    assert "13812345678" not in text and "138****5678" in text


# -- follow-ups -------------------------------------------------------------------------------------
def test_a_follow_up_reuses_the_conversation_with_the_changed_period(engine) -> None:
    first_start: dict[str, str] = {}

    def month_before_last(messages: list[BaseMessage]) -> AIMessage:
        humans = [m.content for m in messages if isinstance(m, HumanMessage)]
        assert humans == ["上个月的GMV是多少", "那上上个月呢"]  # turn 1 is in the conversation memory
        (turn1,) = [m for m in messages if isinstance(m, ToolMessage)]
        assert "GMV" in turn1.content and first_start["start"] in turn1.content
        return call("metric_query", {"metric": "gmv", "period": month_before(first_start["start"])}, "call_2")

    model = ScriptedModel(
        script=[
            call("metric_query", {"metric": "gmv", "period": "last_month"}),
            AIMessage("上个月 GMV 如上。"),
            month_before_last,
            AIMessage("上上个月 GMV 如上。"),
        ]
    )
    conversation = Conversation(engine, strategy=LLMStrategy(model))
    one = run(conversation, "上个月的GMV是多少")
    first_start["start"] = one[-1].answer.tool_calls[0].resolved["window"]["start"]
    two = run(conversation, "那上上个月呢")

    (finished,) = [e for e in two if isinstance(e, ToolFinished)]
    expected = month_before(first_start["start"])
    assert finished.args == {"metric": "gmv", "period": expected}  # executed with the changed period
    assert finished.answer.ok
    window = finished.answer.tool_calls[0].resolved["window"]
    assert window["start"] == f"{expected}-01" and window["start"] != first_start["start"]
    assert two[-1].answer.answer == "上上个月 GMV 如上。" and two[-1].answer.mode == "llm"
    assert len(conversation.turns) == 2


@dataclass
class FakeClarifyOption:
    label: str
    question: str


@dataclass
class FakeClarification:
    question: str
    options: list[FakeClarifyOption] = field(default_factory=list)
    reason: str = ""


@pytest.fixture
def fake_router_modules(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[Any]]:
    """Stand-ins for assistant.router.followup / clarify that record what the agent passes them."""
    seen: dict[str, list[Any]] = {"followup": [], "clarify": []}

    def resolve_followup(question: str, previous: Route | None, vocabulary: Any = None) -> Route | None:
        seen["followup"].append((question, previous))
        if previous is None or not question.startswith("那"):
            return None
        return Route(previous.tool, {**previous.args, "period": "2026-09"}, "zh", ["上上个月→period=2026-09"])

    def clarify(question: str, routed: Route | None) -> FakeClarification | None:
        seen["clarify"].append((question, routed))
        if question != "复购率怎么样":
            return None
        options = [
            FakeClarifyOption("整体复购率", "全部时间的复购率是多少"),
            FakeClarifyOption("新客30天回购", "新客30天内回购的比例是多少"),
        ]
        return FakeClarification("您指哪种复购率？", options, "复购率 has two definitions")

    followup = types.ModuleType("assistant.router.followup")
    followup.resolve_followup = resolve_followup  # type: ignore[attr-defined]
    clarification = types.ModuleType("assistant.router.clarify")
    clarification.clarify = clarify  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "assistant.router.followup", followup)
    monkeypatch.setitem(sys.modules, "assistant.router.clarify", clarification)
    return seen


def test_the_follow_up_hint_is_resolved_against_the_previous_tool_call(engine, fake_router_modules) -> None:
    model = ScriptedModel(script=[follow_hint, AIMessage("一"), follow_hint, AIMessage("二")])
    conversation = Conversation(engine, strategy=LLMStrategy(model))
    run(conversation, "上个月的GMV是多少")
    two = run(conversation, "那上上个月呢")

    # turn 1 has no previous route; turn 2 gets turn 1's executed call as its base
    assert fake_router_modules["followup"] == [
        ("那上上个月呢", Route("metric_query", {"metric": "gmv", "period": "last_month"}, "zh", ["answered"]))
    ]
    prompt = model.seen[2]
    assert suggested(prompt) == ("metric_query", {"metric": "gmv", "period": "2026-09"})
    assert "follow-up" in system_text(prompt) and '"period": "last_month"' in system_text(prompt)
    (finished,) = [e for e in two if isinstance(e, ToolFinished)]
    assert finished.args == {"metric": "gmv", "period": "2026-09"} and finished.answer.ok


def test_an_ambiguous_question_lists_the_options_and_the_model_may_ask_back(engine, fake_router_modules) -> None:
    question_back = "您指哪种复购率？整体复购率，还是新客30天回购？"
    model = ScriptedModel(script=[AIMessage(question_back)])
    events = run(Conversation(engine, strategy=LLMStrategy(model)), "复购率怎么样")

    hint = system_text(model.seen[0])
    assert "Clarification needed" in hint and "您指哪种复购率？" in hint
    assert "整体复购率 -> \"全部时间的复购率是多少\"" in hint and "新客30天回购" in hint
    assert fake_router_modules["clarify"][0][1].tool == "metric_query"  # the router's parse went along
    assert [type(e).__name__ for e in events] == ["Final"]  # no tool call
    final = events[-1].answer
    assert final.answer == question_back and final.mode == "llm" and final.error is None
    assert final.tool_calls == []
    if hasattr(final, "clarification"):  # the JSON contract's clickable options, once Answer has them
        assert [o.label for o in final.clarification.options] == ["整体复购率", "新客30天回购"]


def test_hint_text_with_clarification_and_no_route() -> None:
    clar = FakeClarification("Which window?", [FakeClarifyOption("Last 30 days", "GMV in the last 30 days")])
    text = RouterHint(None, clarification=clar).text()
    assert "none: no vetted tool matched" in text and "Last 30 days -> \"GMV in the last 30 days\"" in text


# -- with the real follow-up / clarification modules, once they exist ------------------------------
@pytest.mark.skipif(not HAS_FOLLOWUP, reason="assistant.router.followup not written yet")
def test_real_follow_up_hint_carries_gmv_and_the_new_period(engine) -> None:
    model = ScriptedModel(script=[follow_hint, AIMessage("一"), AIMessage("二")])
    conversation = Conversation(engine, strategy=LLMStrategy(model))
    run(conversation, "上个月的GMV是多少")
    run(conversation, "那上上个月呢")
    tool, args = suggested(model.seen[-1]) or ("", {})
    assert tool == "metric_query" and args.get("metric") == "gmv"
    assert args.get("period") not in (None, "last_month")


@pytest.mark.skipif(not HAS_CLARIFY, reason="assistant.router.clarify not written yet")
def test_real_clarification_options_reach_the_model(engine) -> None:
    from assistant.router import route
    from assistant.router.clarify import clarify

    candidates = ["最近的销售额", "What were recent sales?", "转化率是多少", "GMV", "销售额怎么样"]
    ambiguous = [q for q in candidates if clarify(q, route(q)) is not None]
    assert ambiguous, "none of the sample questions asks for clarification"
    question = ambiguous[0]
    model = ScriptedModel(script=[AIMessage("Which one do you mean?")])
    events = run(Conversation(engine, strategy=LLMStrategy(model)), question)
    expected = clarify(question, route(question))
    hint = system_text(model.seen[0])
    assert "Clarification needed" in hint
    assert all(o.question in hint for o in expected.options)
    assert isinstance(events[-1], Final) and events[-1].answer.answer == "Which one do you mean?"
    assert events[-1].answer.tool_calls == []


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_system_prompts_carry_worked_examples(language: str) -> None:
    from assistant.agent.strategy import system_prompt

    prompt = system_prompt(language)
    assert len(prompt) < 3_500  # sent with every model call
    assert "Router suggestion" in prompt  # the model is told what the hint is
    calls = re.findall(r"(\w+)\((\w+)=", prompt)
    assert {"metric_query", "segment_strategy"} <= {name for name, _ in calls}
    assert "export_segment" in prompt and "run_sql" in prompt  # refusal points at the vetted alternatives
    assert len(re.findall(r"^(?:问|Q)[:：]", prompt, re.MULTILINE)) >= 5
