"""Hostile requests (issue 7): oversized questions, floods of emoji / zero-width characters, too many
model calls, too many tool calls in one model message, endless follow-up loops.

Already covered by tests/test_agent_fake_model.py: the model-call cap passed to LLMStrategy
(max_model_calls=3) and a cap reached without any tool result (falls back offline). Here: the cap
from ASSISTANT_MAX_MODEL_CALLS, the question-size limit on every path, parallel tool-call floods, and
200 follow-ups in one conversation."""

from __future__ import annotations

import time
import tracemalloc

import pytest
from langchain_core.messages import AIMessage, BaseMessage

from assistant.agent import LLMStrategy
from assistant.conversation import Conversation, Final, ToolFinished
from assistant.engine import MAX_QUESTION_CHARS
from tests.test_agent_fake_model import ScriptedModel, call

OVERSIZED = [
    pytest.param("GMV是多少？" * 1000, id="zh-repeated-6000"),
    pytest.param("x" * (MAX_QUESTION_CHARS + 1), id="one-over-the-limit"),
    pytest.param("a" * 1_000_000, id="one-million-chars"),
    pytest.param("😀" * 10_000, id="10k-emoji"),
    pytest.param("\u200b" * 10_000, id="10k-zero-width"),
    pytest.param("\u202e" * 5_000 + "GMV", id="5k-rtl-overrides"),
    pytest.param("最近30天的GMV是多少？" + "\u200b\u200c\u200d\ufeff" * 2_500, id="question-plus-10k-invisible"),
]

# Under the limit but hostile: answered (or politely not understood) quickly, never an error page.
WITHIN_LIMIT = [
    pytest.param("\u200b" * 3_900 + "最近30天的GMV是多少？", "metric_query", id="zero-width-padding"),
    pytest.param("最\u200b近\u200b3\u200b0\u200b天\u200b的\u200bG\u200bM\u200bV", None, id="zero-width-between"),
    pytest.param("😀" * 3_990, None, id="3990-emoji"),
    pytest.param("ＧＭＶ是多少？", "metric_query", id="fullwidth-latin"),
    pytest.param("\x00\x01\x02GMV\x7f", None, id="control-chars"),
    pytest.param("GMV " * 999, None, id="word-repeated"),
]


@pytest.mark.parametrize("question", OVERSIZED)
def test_oversized_questions_are_refused_fast(engine, question: str) -> None:
    started = time.perf_counter()
    answer = engine.ask(question)
    assert answer.error["code"] == "question_too_long"
    assert f"{MAX_QUESTION_CHARS:,}" in answer.answer and answer.tool_calls == [] and answer.tables == []
    assert time.perf_counter() - started < 1


@pytest.mark.parametrize("question", OVERSIZED[:2] + OVERSIZED[3:])
def test_oversized_questions_are_refused_in_a_conversation(engine, question: str) -> None:
    answer = Conversation(engine).ask(question)
    assert answer.error["code"] == "question_too_long" and answer.tool_calls == []


def test_a_huge_question_is_refused_before_routing(engine) -> None:
    started = time.perf_counter()
    assert Conversation(engine).ask("a" * 1_000_000).error["code"] == "question_too_long"
    assert time.perf_counter() - started < 2


def test_an_oversized_question_never_reaches_the_model(engine) -> None:
    model = ScriptedModel(script=[AIMessage("ok")])
    answer = Conversation(engine, strategy=LLMStrategy(model)).ask("x" * (MAX_QUESTION_CHARS + 1))
    assert answer.error["code"] == "question_too_long"
    assert model.seen == []


@pytest.mark.parametrize("question,tool", WITHIN_LIMIT)
def test_odd_but_small_questions_get_an_answer(engine, question: str, tool: str | None) -> None:
    started = time.perf_counter()
    answer = engine.ask(question)
    assert answer.error is None or answer.error["code"] != "internal_error"
    if tool:
        assert answer.ok and answer.tool_calls[0].name == tool
    assert time.perf_counter() - started < 10


@pytest.mark.parametrize("cap", [1, 2, 5])
def test_model_call_cap_from_the_environment(engine, monkeypatch: pytest.MonkeyPatch, cap: int) -> None:
    monkeypatch.setenv("ASSISTANT_MAX_MODEL_CALLS", str(cap))
    counter = iter(range(1000))

    def again(messages: list[BaseMessage]) -> AIMessage:
        return call("metric_query", {"metric": "gmv"}, f"call_{next(counter)}")

    model = ScriptedModel(script=[again])
    strategy = LLMStrategy(model)
    assert strategy.max_model_calls == cap
    events = list(Conversation(engine, strategy=strategy).stream("What is the GMV?"))
    assert len(model.seen) == cap
    assert isinstance(events[-1], Final)
    assert sum(isinstance(e, ToolFinished) for e in events) <= cap


@pytest.mark.parametrize("bad", ["0", "-3", "abc", ""], ids=["zero", "negative", "text", "empty"])
def test_a_bad_cap_setting_falls_back_to_a_finite_default(monkeypatch: pytest.MonkeyPatch, bad: str) -> None:
    from assistant.agent.config import load_settings

    monkeypatch.setenv("ASSISTANT_MAX_MODEL_CALLS", bad)
    assert 1 <= load_settings().max_model_calls <= 20


def _flood(n: int, tool: str = "metric_query", args: dict | None = None) -> AIMessage:
    return AIMessage("", tool_calls=[{"name": tool, "args": args or {"metric": "gmv"}, "id": f"c{i}",
                                      "type": "tool_call"} for i in range(n)])


@pytest.mark.parametrize("n,tool", [(30, "metric_query"), (200, "no_such_tool")], ids=["30-real", "200-unknown"])
def test_a_flood_of_parallel_tool_calls_ends_in_bounded_time(engine, n: int, tool: str) -> None:
    """Calls beyond ASSISTANT_MAX_TOOL_CALLS are refused, not run (see the test below); what holds: each is
    answered, unknown tools run nothing, the turn ends with a Final answer, in bounded time."""
    model = ScriptedModel(script=[_flood(n, tool), AIMessage("done")])
    started = time.perf_counter()
    events = list(Conversation(engine, strategy=LLMStrategy(model)).stream("GMV?"))
    finished = [e for e in events if isinstance(e, ToolFinished)]
    assert len(finished) == n and isinstance(events[-1], Final)
    if tool == "no_such_tool":
        assert all(e.answer.error["code"] == "unknown_tool" for e in finished)
    assert time.perf_counter() - started < 60


def test_parallel_tool_calls_in_one_message_are_capped(engine) -> None:
    model = ScriptedModel(script=[_flood(100), AIMessage("done")])
    events = list(Conversation(engine, strategy=LLMStrategy(model)).stream("GMV?"))
    ran = [e for e in events if isinstance(e, ToolFinished) and e.answer.ok]
    assert len(ran) <= 20


def test_two_hundred_follow_ups_stay_fast_and_bounded(engine) -> None:
    conversation = Conversation(engine)
    first = conversation.ask("最近30天的GMV是多少？")
    assert first.ok and first.tool_calls[0].name == "metric_query"
    tracemalloc.start()
    started = time.perf_counter()
    answers = []
    try:
        for _ in range(200):
            answers.append(conversation.ask("那上个月呢"))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    elapsed = time.perf_counter() - started
    assert answers[0].ok and answers[0].tool_calls[0].name == "metric_query"  # the follow-up is understood
    assert all(a.error is None for a in answers)  # never an error, however often it is repeated
    assert elapsed < 60, elapsed  # ~3 s on the 2-core dev machine
    assert peak < 100 * 1024 * 1024, peak  # ~0.2 MB measured
    assert len(conversation.turns) <= conversation.max_turns <= 200  # the turn list is capped (default 50)


def test_two_hundred_follow_ups_through_the_agent_keep_the_prompt_bounded(engine) -> None:
    """The agent's memory grows with the conversation; the model call cap bounds each question."""
    model = ScriptedModel(script=[AIMessage("ok")])
    conversation = Conversation(engine, strategy=LLMStrategy(model))
    started = time.perf_counter()
    for _ in range(200):
        conversation.ask("那上个月呢")
    assert len(model.seen) == 200 and time.perf_counter() - started < 120
    assert len(conversation.turns) <= conversation.max_turns
