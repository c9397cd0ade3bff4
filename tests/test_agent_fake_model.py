"""The LLM agent loop with a scripted fake chat model: no network, no real model."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from langchain_core.language_models.fake_chat_models import FakeMessagesListChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from langchain_core.outputs import ChatGeneration, ChatResult

from assistant.agent import LLMStrategy, llm_configured, strategy_from_env
from assistant.agent.config import load_settings
from assistant.agent.tools import SUMMARY_LIMIT, summarize
from assistant.conversation import Conversation, Final, Notice, OfflineStrategy, ToolFinished, ToolStarted

Step = AIMessage | Callable[[list[BaseMessage]], AIMessage] | Exception


class ScriptedModel(FakeMessagesListChatModel):
    """Replays `script` (messages, callables of the prompt, or exceptions to raise); the last step
    repeats. Records every prompt it receives in `seen`."""

    responses: list[BaseMessage] = []
    script: list[Any] = []
    seen: list[list[BaseMessage]] = []

    def bind_tools(self, tools: Any, **kwargs: Any) -> ScriptedModel:
        return self

    def _generate(
        self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None, **kwargs: Any
    ) -> ChatResult:
        self.seen.append(list(messages))
        step = self.script[min(len(self.seen) - 1, len(self.script) - 1)]
        if isinstance(step, Exception):
            raise step
        message = step(messages) if callable(step) else step
        return ChatResult(generations=[ChatGeneration(message=message)])


def call(name: str, args: dict[str, Any], call_id: str = "call_1") -> AIMessage:
    return AIMessage("", tool_calls=[{"name": name, "args": args, "id": call_id, "type": "tool_call"}])


def run(conversation: Conversation, question: str) -> list[Any]:
    return list(conversation.stream(question))


def kinds(events: list[Any]) -> list[str]:
    return [type(e).__name__ for e in events]


def tool_messages(messages: list[BaseMessage]) -> list[ToolMessage]:
    return [m for m in messages if isinstance(m, ToolMessage)]


def test_tool_call_then_final_answer(engine) -> None:
    model = ScriptedModel(script=[call("rfm_segments", {}), AIMessage("Hibernating is the largest segment.")])
    conversation = Conversation(engine, strategy=LLMStrategy(model))
    events = run(conversation, "How many customers are in each RFM segment?")

    assert kinds(events) == ["ToolStarted", "ToolFinished", "Final"]
    started, finished, final = events
    assert started.tool == finished.tool == "rfm_segments"
    assert finished.answer.ok and finished.answer.table("customers") is not None
    answer = final.answer
    assert answer.mode == "llm" and answer.language == "en"
    assert answer.answer == "Hibernating is the largest segment."
    assert [c.name for c in answer.tool_calls] == ["rfm_segments"]
    assert answer.tool_calls[0].resolved  # the tool's own parameters travel with the call
    # the artifact reached the UI side: full tables, charts, SQL, recommendations
    assert {t.name for t in answer.tables} == {"segments", "customers"}
    assert len(answer.table("customers")) == len(finished.answer.table("customers")) > 1000
    assert answer.charts and answer.sql and answer.recommendations
    payload = json.dumps(answer.to_json(max_rows=3))  # the public JSON contract still serialises
    assert '"mode": "llm"' in payload
    assert conversation.turns[-1].answer is answer

    # the model saw only the summary, never the per-customer table
    assert len(model.seen) == 2
    (tool_message,) = tool_messages(model.seen[1])
    assert len(tool_message.content) <= SUMMARY_LIMIT
    customers = finished.answer.table("customers")
    deep_id = str(customers["customer_id"].iloc[len(customers) // 2])
    assert deep_id not in tool_message.content
    assert "customers (18" in tool_message.content or "customers (" in tool_message.content


def test_the_model_sees_the_system_prompt_and_router_hint(engine) -> None:
    model = ScriptedModel(script=[AIMessage("ok")])
    run(Conversation(engine, strategy=LLMStrategy(model)), "各个RFM分群分别有多少用户？")
    first = model.seen[0]
    assert first[0].type == "system" and "工具" in first[0].content  # the Chinese system prompt
    assert "Router suggestion" in first[0].content and "tool=rfm_segments" in first[0].content
    human = [m for m in first if isinstance(m, HumanMessage)][-1]
    assert human.content == "各个RFM分群分别有多少用户？"  # memory keeps the person's words only


def test_multi_turn_memory_per_conversation(engine) -> None:
    model = ScriptedModel(script=[call("rfm_segments", {}), AIMessage("First answer."), AIMessage("Second answer.")])
    strategy = LLMStrategy(model)
    conversation = Conversation(engine, strategy=strategy)
    run(conversation, "How many customers are in each RFM segment?")
    events = run(conversation, "And which one should I focus on?")
    assert events[-1].answer.answer == "Second answer."
    second_prompt = model.seen[-1]
    texts = [str(m.content) for m in second_prompt]
    assert any("How many customers are in each RFM segment?" in t for t in texts)
    assert "First answer." in texts
    assert len(tool_messages(second_prompt)) == 1  # the first turn's tool result is remembered

    other = Conversation(engine, strategy=strategy)  # another conversation starts fresh
    run(other, "Hello?")
    assert not any("First answer." in str(m.content) for m in model.seen[-1])


def test_bad_arguments_come_back_as_a_tool_message_and_the_model_recovers(engine) -> None:
    def recover(messages: list[BaseMessage]) -> AIMessage:
        error = tool_messages(messages)[-1]
        assert "metric" in error.content  # the error tells the model what to fix
        return call("metric_query", {"metric": "gmv", "period": "last_month"}, "call_2")

    model = ScriptedModel(script=[call("metric_query", {"metric": "profit"}), recover, AIMessage("GMV was X.")])
    events = run(Conversation(engine, strategy=LLMStrategy(model)), "What was the profit last month?")
    assert kinds(events) == ["ToolStarted", "ToolFinished", "ToolStarted", "ToolFinished", "Final"]
    assert events[1].answer.error["code"] == "bad_arguments"
    assert events[3].answer.ok
    final = events[-1].answer
    assert final.mode == "llm" and final.answer == "GMV was X."
    assert [c.name for c in final.tool_calls] == ["metric_query", "metric_query"]
    assert final.tables  # only the successful call's tables


def test_tool_errors_and_unknown_tools_are_messages_not_aborts(engine) -> None:
    model = ScriptedModel(
        script=[
            AIMessage(
                "",
                tool_calls=[
                    {"name": "segment_strategy", "args": {"segment": "martians"}, "id": "a", "type": "tool_call"},
                    {"name": "delete_everything", "args": {}, "id": "b", "type": "tool_call"},
                ],
            ),
            AIMessage("Sorry, I could not find that segment."),
        ]
    )
    events = run(Conversation(engine, strategy=LLMStrategy(model)), "How do I win back martians?")
    finished = {e.tool: e.answer for e in events if isinstance(e, ToolFinished)}
    assert finished["segment_strategy"].error["code"] == "unknown_segment"
    assert finished["delete_everything"].error["code"] == "unknown_tool"
    contents = " ".join(m.content for m in tool_messages(model.seen[1]))
    assert "hibernating" in contents  # the known segments, so the model can fix its call
    assert "ERROR [unknown_segment]" in contents
    assert events[-1].answer.mode == "llm"


def test_model_call_cap_stops_an_endless_tool_caller(engine) -> None:
    counter = iter(range(1000))

    def again(messages: list[BaseMessage]) -> AIMessage:
        return call("metric_query", {"metric": "gmv"}, f"call_{next(counter)}")

    model = ScriptedModel(script=[again])
    events = run(Conversation(engine, strategy=LLMStrategy(model, max_model_calls=3)), "What is the GMV?")
    assert len(model.seen) == 3
    assert isinstance(events[-1], Final) and any(isinstance(e, Notice) for e in events)
    final = events[-1].answer
    assert final.mode == "llm" and "3" in final.answer and final.tables
    assert "Model call limits exceeded" not in final.answer


def test_cap_without_any_tool_result_falls_back_offline(engine) -> None:
    model = ScriptedModel(script=[call("nope", {})])
    events = run(Conversation(engine, strategy=LLMStrategy(model, max_model_calls=2)), "What is the GMV?")
    assert isinstance(events[-1], Final) and events[-1].answer.mode == "offline"
    assert any(isinstance(e, Notice) for e in events)


@pytest.mark.parametrize("question,language", [("What is the GMV?", "en"), ("最近30天的GMV是多少？", "zh")])
def test_a_failing_model_falls_back_offline_with_a_notice(engine, question, language) -> None:
    model = ScriptedModel(script=[RuntimeError("boom")])
    events = run(Conversation(engine, strategy=LLMStrategy(model)), question)
    notices = [e for e in events if isinstance(e, Notice)]
    assert len(notices) == 1 and ("offline" in notices[0].text or "离线" in notices[0].text)
    assert isinstance(events[-1], Final)
    final = events[-1].answer
    assert final.mode == "offline" and final.language == language and final.ok
    assert final.tool_calls[0].name == "metric_query"
    assert "boom" not in final.answer


def test_an_empty_reply_falls_back_offline_and_is_remembered(engine) -> None:
    model = ScriptedModel(script=[AIMessage(""), AIMessage("Now I am back.")])
    conversation = Conversation(engine, strategy=LLMStrategy(model))
    events = run(conversation, "What is the GMV?")
    assert events[-1].answer.mode == "offline"
    offline_text = events[-1].answer.answer
    events = run(conversation, "Thanks, and orders?")
    assert events[-1].answer.answer == "Now I am back."
    assert offline_text in [m.content for m in model.seen[-1]]  # the next turn sees the offline answer


def test_summary_is_capped() -> None:
    from assistant.answer import Answer

    long = Answer("x" * 10_000, "en")
    assert len(summarize(long)) <= SUMMARY_LIMIT


def test_strategy_from_env(engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    assert not llm_configured()
    assert isinstance(strategy_from_env(engine), OfflineStrategy)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    monkeypatch.setenv("ASSISTANT_MODEL", "deepseek-chat")
    monkeypatch.setenv("ASSISTANT_LLM_TIMEOUT", "5")
    monkeypatch.setenv("ASSISTANT_MAX_MODEL_CALLS", "not a number")
    settings = load_settings()
    assert settings.model == "deepseek-chat" and settings.timeout == 5.0 and settings.max_model_calls == 6
    assert "sk-test" not in repr(settings)
    strategy = strategy_from_env(engine)
    assert isinstance(strategy, LLMStrategy) and strategy.max_model_calls == 6


def test_events_are_the_conversation_interface(engine) -> None:
    model = ScriptedModel(script=[call("describe_data", {}), AIMessage("Six tables.")])
    events = run(Conversation(engine, strategy=LLMStrategy(model)), "What data do you have?")
    assert isinstance(events[0], ToolStarted) and events[0].args == {}
    assert isinstance(events[1], ToolFinished) and events[1].answer.tables


def test_parallel_tool_calls_are_merged_with_unique_table_names(engine) -> None:
    model = ScriptedModel(
        script=[
            AIMessage(
                "",
                tool_calls=[
                    {"name": "rfm_segments", "args": {}, "id": "a", "type": "tool_call"},
                    {"name": "rfm_segments", "args": {"scheme": "cn8"}, "id": "b", "type": "tool_call"},
                    {
                        "name": "metric_query",
                        "args": {"metric": "aov", "dimension": "gender"},
                        "id": "c",
                        "type": "tool_call",
                    },
                ],
            ),
            AIMessage("Compared."),
        ]
    )
    events = run(Conversation(engine, strategy=LLMStrategy(model)), "Compare the RFM schemes and AOV by gender")
    assert kinds(events).count("ToolStarted") == 3 and kinds(events).count("ToolFinished") == 3
    final = events[-1].answer
    names = [t.name for t in final.tables]
    assert len(names) == len(set(names)) == 5 and "segments_2" in names
    assert {c.table for c in final.charts} <= set(names)
    assert len(final.figures()) == len(final.charts)  # every chart still finds its table
    assert sorted(c.name for c in final.tool_calls) == ["metric_query", "rfm_segments", "rfm_segments"]


def test_a_cancelled_turn_does_not_break_the_conversation(engine) -> None:
    model = ScriptedModel(script=[call("rfm_segments", {}), AIMessage("Fresh start.")])
    conversation = Conversation(engine, strategy=LLMStrategy(model))
    stream = conversation.stream("How many customers are in each RFM segment?")
    assert isinstance(next(stream), ToolStarted)
    stream.close()  # the person pressed "stop" before the tool ran
    events = run(conversation, "What is the GMV?")
    assert events[-1].answer.mode == "llm" and events[-1].answer.answer == "Fresh start."
    prompt = model.seen[-1]
    # every tool call in the history the model sees has an answer
    answered = {m.tool_call_id for m in tool_messages(prompt)}
    asked = {c["id"] for m in prompt if isinstance(m, AIMessage) for c in m.tool_calls}
    assert asked <= answered


def test_after_a_failed_turn_the_next_turn_sees_the_offline_answer(engine) -> None:
    model = ScriptedModel(script=[RuntimeError("down"), AIMessage("Back again.")])
    conversation = Conversation(engine, strategy=LLMStrategy(model))
    offline = conversation.ask("What is the GMV in the last 30 days?")
    assert offline.mode == "offline"
    again = conversation.ask("And orders?")
    assert again.mode == "llm" and again.answer == "Back again."
    assert offline.answer in [m.content for m in model.seen[-1]]
