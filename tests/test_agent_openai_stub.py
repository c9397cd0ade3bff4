"""The real `ChatOpenAI` client and our agent loop against a local stub server (127.0.0.1 only)."""

from __future__ import annotations

import time
from typing import Any

import pytest
from langchain_openai import ChatOpenAI

from assistant.agent import LLMStrategy
from assistant.agent.config import LLMSettings
from assistant.agent.strategy import build_chat_model
from assistant.agent.tools import SUMMARY_LIMIT
from assistant.conversation import Conversation, Final, Notice, ToolFinished, ToolStarted
from tests.openai_stub import StubOpenAI, dead_url, error, garbage, text, tool_call


def chat_model(base_url: str, *, timeout: float = 5.0, max_retries: int = 0, streaming: bool = False) -> ChatOpenAI:
    return ChatOpenAI(
        model="stub-model",
        api_key="x",
        base_url=base_url,
        timeout=timeout,
        max_retries=max_retries,
        use_responses_api=False,
        streaming=streaming,
    )


def ask(engine, model: ChatOpenAI, question: str, **kwargs: Any) -> list[Any]:
    conversation = Conversation(engine, strategy=LLMStrategy(model, **kwargs))
    return list(conversation.stream(question))


def kinds(events: list[Any]) -> list[str]:
    return [type(e).__name__ for e in events]


def assert_offline(events: list[Any], language: str = "en") -> None:
    assert isinstance(events[-1], Final)
    notices = [e for e in events if isinstance(e, Notice)]
    assert len(notices) == 1
    assert ("离线" in notices[0].text) if language == "zh" else ("offline" in notices[0].text)
    final = events[-1].answer
    assert final.mode == "offline" and final.language == language and final.ok
    assert "Traceback" not in final.answer


@pytest.mark.parametrize("streaming", [False, True])
def test_question_tool_call_and_final_answer(engine, streaming: bool) -> None:
    script = [tool_call("rfm_segments", {"scheme": "cn8"}), text("冠军客户贡献了大部分收入（rfm_segments）。")]
    with StubOpenAI(*script) as stub:
        events = ask(engine, chat_model(stub.base_url, streaming=streaming), "各个RFM分群分别有多少用户？")

    assert kinds(events) == ["ToolStarted", "ToolFinished", "Final"]
    assert events[0].tool == "rfm_segments" and events[0].args == {"scheme": "cn8"}
    final = events[-1].answer
    assert final.mode == "llm" and final.language == "zh"
    assert final.answer == "冠军客户贡献了大部分收入（rfm_segments）。"
    assert final.tool_calls[0].name == "rfm_segments" and final.table("customers") is not None

    first, second = stub.requests
    assert first["model"] == "stub-model" and first["_authorization"] == "Bearer x"
    assert bool(first.get("stream")) is streaming
    assert {t["function"]["name"] for t in first["tools"]} >= {
        "describe_data",
        "metric_query",
        "rfm_segments",
        "run_sql",
        "segment_strategy",
    }
    rfm = next(t for t in first["tools"] if t["function"]["name"] == "rfm_segments")["function"]
    assert "cn8" in str(rfm["parameters"]) and "RFM" in rfm["description"]
    assert first["messages"][0]["role"] == "system"
    tool_messages = [m for m in second["messages"] if m["role"] == "tool"]
    assert len(tool_messages) == 1 and tool_messages[0]["tool_call_id"] == "call_1"
    assert len(tool_messages[0]["content"]) <= SUMMARY_LIMIT


def test_dead_endpoint_falls_back_offline(engine) -> None:
    started = time.monotonic()
    events = ask(engine, chat_model(dead_url()), "What is the GMV in the last 30 days?")
    assert_offline(events)
    assert events[-1].answer.tool_calls[0].name == "metric_query"
    assert time.monotonic() - started < 10


def test_timeout_falls_back_offline(engine) -> None:
    with StubOpenAI(text("too late", delay=3)) as stub:
        started = time.monotonic()
        events = ask(engine, chat_model(stub.base_url, timeout=0.5), "最近30天的GMV是多少？")
        assert time.monotonic() - started < 3
    assert_offline(events, "zh")


@pytest.mark.parametrize("status", [429, 500, 503])
def test_http_errors_fall_back_offline(engine, status: int) -> None:
    with StubOpenAI(error(status, "rate limited" if status == 429 else "internal")) as stub:
        events = ask(engine, chat_model(stub.base_url), "What is the GMV in the last 30 days?")
    assert_offline(events)
    assert len(stub.requests) == 1  # max_retries=0: no retry


def test_a_429_is_retried_when_retries_are_allowed(engine) -> None:
    retry_now = {"retry-after-ms": "10"}
    with StubOpenAI(error(429, "slow down", retry_now), text("Recovered.")) as stub:
        events = ask(engine, chat_model(stub.base_url, max_retries=1), "Hello")
    assert events[-1].answer.mode == "llm" and events[-1].answer.answer == "Recovered."
    assert len(stub.requests) == 2


def test_garbage_response_falls_back_offline(engine) -> None:
    with StubOpenAI(garbage()) as stub:
        events = ask(engine, chat_model(stub.base_url), "What is the GMV in the last 30 days?")
    assert_offline(events)


@pytest.mark.parametrize("streaming", [False, True])
def test_malformed_tool_arguments_let_the_model_retry(engine, streaming: bool) -> None:
    # not JSON at all (a truncated object would be repaired by the client's partial-JSON parser)
    script = [
        tool_call("metric_query", "metric=gmv&period=last month"),
        tool_call("metric_query", {"metric": "gmv"}, "call_2"),
        text("GMV is in the table (metric_query, metric=gmv)."),
    ]
    with StubOpenAI(*script) as stub:
        events = ask(engine, chat_model(stub.base_url, streaming=streaming), "What is the GMV?")
    finals = [e for e in events if isinstance(e, Final)]
    assert len(finals) == 1 and finals[0].answer.mode == "llm"
    finished = [e for e in events if isinstance(e, ToolFinished)]
    assert finished[0].answer.error["code"] == "bad_tool_call"
    assert finished[-1].answer.ok
    retry_prompt = stub.requests[1]["messages"]
    assert any(m["role"] == "tool" and "malformed" in m["content"] for m in retry_prompt)


def test_unknown_tool_name_lets_the_model_recover(engine) -> None:
    script = [tool_call("drop_tables", {}), text("I can only use the analytics tools.")]
    with StubOpenAI(*script) as stub:
        events = ask(engine, chat_model(stub.base_url), "Delete all orders")
    assert [e.tool for e in events if isinstance(e, ToolStarted)] == ["drop_tables"]
    finished = [e for e in events if isinstance(e, ToolFinished)]
    assert finished[0].answer.error["code"] == "unknown_tool"
    assert events[-1].answer.mode == "llm"
    tool_message = next(m for m in stub.requests[1]["messages"] if m["role"] == "tool")
    assert "rfm_segments" in tool_message["content"]  # the error lists the real tools


def test_an_endless_tool_calling_endpoint_is_capped(engine) -> None:
    with StubOpenAI(tool_call("describe_data", {})) as stub:  # the last reply repeats forever
        events = ask(engine, chat_model(stub.base_url), "What data do you have?", max_model_calls=3)
    assert len(stub.requests) == 3
    assert isinstance(events[-1], Final) and events[-1].answer.mode == "llm"


def test_multi_turn_sends_the_history(engine) -> None:
    with StubOpenAI(text("First."), text("Second.")) as stub:
        conversation = Conversation(engine, strategy=LLMStrategy(chat_model(stub.base_url)))
        conversation.ask("Hello")
        assert conversation.ask("Again").answer == "Second."
    roles = [m["role"] for m in stub.requests[1]["messages"]]
    assert roles == ["system", "user", "assistant", "user"]


def test_build_chat_model_uses_the_settings() -> None:
    settings = LLMSettings(api_key="k", base_url="http://127.0.0.1:9/v1", model="qwen-plus", timeout=7, max_retries=2)
    model = build_chat_model(settings)
    assert model.model_name == "qwen-plus" and model.request_timeout == 7 and model.max_retries == 2
    assert model.openai_api_base == "http://127.0.0.1:9/v1" and model.use_responses_api is False


def test_missing_key_falls_back_offline(engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    strategy = LLMStrategy(settings=LLMSettings(api_key=None, base_url=dead_url()))
    events = list(Conversation(engine, strategy=strategy).stream("What is the GMV in the last 30 days?"))
    assert_offline(events)


def test_the_router_hint_reaches_the_real_client_in_the_request_body(engine) -> None:
    script = [tool_call("metric_query", {"metric": "gmv", "period": "last_month"}), text("上个月 GMV 见表。")]
    with StubOpenAI(*script) as stub:
        events = ask(engine, chat_model(stub.base_url), "上个月的GMV是多少")
    assert events[-1].answer.mode == "llm"
    for body in stub.requests:  # every model call of the question carries it, in the leading system message
        system = body["messages"][0]
        assert system["role"] == "system" and "Router suggestion" in system["content"]
        assert 'tool=metric_query args={"metric": "gmv", "period": "last_month"}' in system["content"]
        assert [m for m in body["messages"] if m["role"] == "system"] == [system]
    assert stub.requests[0]["messages"][1] == {"role": "user", "content": "上个月的GMV是多少"}
