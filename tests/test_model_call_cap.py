"""The model-call cap (ASSISTANT_MAX_MODEL_CALLS) holds for every request the model endpoint gets:
the agent's turns, the turns that go back to the model after a malformed tool call, and retries of
failed requests. Proven by counting requests at the OpenAI-protocol stub (tests/openai_stub.py)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from assistant.agent import LLMStrategy
from assistant.agent.config import load_settings
from assistant.conversation import Conversation, Final, Notice
from tests.openai_stub import Reply, StubOpenAI, error, text, tool_call
from tests.test_agent_openai_stub import chat_model

MALFORMED = "metric=gmv&period=last month"  # not JSON: the client cannot repair it
FAST_RETRY = {"retry-after-ms": "1"}


@pytest.fixture
def endpoint(monkeypatch: pytest.MonkeyPatch):
    """Point the environment's LLM settings at a stub; yields a function that starts it with a script."""
    stubs: list[StubOpenAI] = []

    def start(*script: Reply, cap: int = 6, retries: int = 0) -> StubOpenAI:
        stub = StubOpenAI(*script)
        stubs.append(stub)
        monkeypatch.setenv("OPENAI_API_KEY", "stub-key")
        monkeypatch.setenv("OPENAI_BASE_URL", stub.base_url)
        monkeypatch.setenv("ASSISTANT_MODEL", "stub-model")
        monkeypatch.setenv("ASSISTANT_MAX_MODEL_CALLS", str(cap))
        monkeypatch.setenv("ASSISTANT_LLM_MAX_RETRIES", str(retries))
        monkeypatch.setenv("ASSISTANT_LLM_TIMEOUT", "10")
        return stub

    yield start
    for stub in stubs:
        stub.close()


def ask_with_env(engine, question: str) -> list[Any]:
    """The strategy as the app builds it: settings from the environment, its own ChatOpenAI."""
    return list(Conversation(engine, strategy=LLMStrategy(settings=load_settings())).stream(question))


def test_repeated_malformed_tool_calls_stop_at_the_cap(engine, endpoint) -> None:
    stub = endpoint(tool_call("metric_query", MALFORMED), cap=6)  # the last reply repeats forever
    events = ask_with_env(engine, "What is the GMV?")
    assert len(stub.requests) == 6  # was 11: the malformed-call turns went uncounted
    final = events[-1]
    assert isinstance(final, Final) and final.answer.mode == "offline"  # no tool ever answered
    assert any(isinstance(e, Notice) for e in events) and "Traceback" not in final.answer.answer


@pytest.mark.parametrize("streaming", [False, True])
def test_an_injected_model_is_capped_the_same_way(engine, streaming: bool) -> None:
    with StubOpenAI(tool_call("metric_query", MALFORMED)) as stub:
        model = chat_model(stub.base_url, streaming=streaming)
        events = list(Conversation(engine, strategy=LLMStrategy(model, max_model_calls=4)).stream("What is the GMV?"))
    assert len(stub.requests) == 4
    assert isinstance(events[-1], Final)


def test_malformed_and_good_calls_mixed_stay_within_the_cap(engine, endpoint) -> None:
    script = [tool_call("describe_data", {}, "call_1"), tool_call("metric_query", MALFORMED, "call_2")] * 10
    stub = endpoint(*script, cap=5)
    events = ask_with_env(engine, "What data do you have?")
    assert len(stub.requests) == 5
    final = events[-1].answer
    assert final.mode == "llm" and "5" in final.answer  # the cap notice, with what the tools found
    assert final.tables  # describe_data's table made it into the answer


def test_retries_of_failed_requests_count_against_the_cap(engine, endpoint) -> None:
    stub = endpoint(error(500, "internal", FAST_RETRY), cap=3, retries=5)  # every request fails
    events = ask_with_env(engine, "What is the GMV?")
    assert len(stub.requests) == 3  # not 6 (1 + 5 retries): the cap is reached first
    assert events[-1].answer.mode == "offline" and events[-1].answer.ok


def test_retries_still_recover_within_the_cap(engine, endpoint) -> None:
    script = [error(429, "slow down", FAST_RETRY), tool_call("describe_data", {}),
              error(503, "busy", FAST_RETRY), text("Here is what the data holds.")]
    stub = endpoint(*script, cap=6, retries=1)
    events = ask_with_env(engine, "What data do you have?")
    assert len(stub.requests) == 4
    final = events[-1].answer
    assert final.mode == "llm" and final.answer == "Here is what the data holds."
    assert [c.name for c in final.tool_calls] == ["describe_data"]


def test_exhausted_retries_fall_back_offline(engine, endpoint) -> None:
    stub = endpoint(error(502, "bad gateway", FAST_RETRY), cap=6, retries=1)
    events = ask_with_env(engine, "What is the GMV?")
    assert len(stub.requests) == 2  # the first try and its one retry; then the model is given up on
    assert events[-1].answer.mode == "offline" and events[-1].answer.ok


def test_a_non_retryable_error_is_not_retried(engine, endpoint) -> None:
    stub = endpoint(error(400, "bad request"), cap=6, retries=3)
    events = ask_with_env(engine, "What is the GMV?")
    assert len(stub.requests) == 1
    assert events[-1].answer.mode == "offline"


def test_the_served_api_keeps_the_cap(live_server, endpoint) -> None:
    """`POST /api/ask` on the running server, its LLM pointed at the stub: six requests at most."""
    stub = endpoint(tool_call("metric_query", MALFORMED), cap=6, retries=1)
    response = httpx.post(live_server.url + "api/ask", json={"question": "What is the GMV?"}, timeout=120)
    assert response.status_code == 200, response.text[:300]
    assert len(stub.requests) == 6
    assert response.json()["mode"] == "offline" and "Traceback" not in response.text
