"""Conversations belong to whoever started them: a conversation_id started under one API token (or by
the anonymous local caller) cannot be continued or read with another, through /api/ask or MCP; the
bots' conversations ("bot:<chat key>") are reachable only from their platform's signed callback.
The refusal is a 404 `conversation_not_found` that says nothing about the conversation."""

from __future__ import annotations

import time
from typing import Any

import anyio
import httpx
import httpx2
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from assistant.api.conversations import NOT_YOURS, ConversationStore
from assistant.api.openai_compat import history_key
from assistant.conversation import Conversation, OfflineStrategy
from tests.test_bots import DINGTALK, Stub, dingtalk_message, dingtalk_post

TOKENS = "alice:alice-token,bob:bob-token"
ALICE, BOB = {"Authorization": "Bearer alice-token"}, {"Authorization": "Bearer bob-token"}
FIRST, FOLLOW = "上个月GMV是多少", "那上上个月呢"


@pytest.fixture
def api(live_server, monkeypatch: pytest.MonkeyPatch) -> httpx.Client:
    monkeypatch.setenv("ASSISTANT_API_TOKENS", TOKENS)
    with httpx.Client(base_url=live_server.url, timeout=120) as client:
        yield client


def ask(api: httpx.Client, headers: dict[str, str], question: str, conversation_id: str | None = None,
        **extra: Any) -> httpx.Response:
    body = {"question": question, **extra}
    if conversation_id is not None:
        body["conversation_id"] = conversation_id
    return api.post("/api/ask", json=body, headers=headers)


def assert_refused(response: httpx.Response, *secrets: str) -> None:
    assert response.status_code == 404, response.text[:300]
    payload = response.json()
    assert payload["error"]["code"] == "conversation_not_found"
    assert payload["answer"] == payload["error"]["message"] == NOT_YOURS.message("en")
    assert payload["tool_calls"] == [] and payload["tables"] == [] and payload.get("conversation_id") is None
    for secret in secrets:  # nothing of the conversation: not its questions, not its numbers
        assert secret not in response.text


def test_another_token_cannot_continue_or_read_a_conversation(api: httpx.Client) -> None:
    first = ask(api, ALICE, FIRST).json()
    conversation = first["conversation_id"]
    refused = ask(api, BOB, FOLLOW, conversation)
    assert_refused(refused, FIRST, first["answer"][:20], "GMV")
    assert_refused(ask(api, BOB, "2", conversation))  # not even an option number of it
    assert_refused(ask(api, BOB, FOLLOW, conversation, dataset="demo"))  # nor on the same dataset again
    follow = ask(api, ALICE, FOLLOW, conversation).json()  # its owner carries on, untouched
    assert follow["conversation_id"] == conversation and "沿用上一个问题" in follow["answer"]
    assert follow["tool_calls"][0]["args"]["metric"] == "gmv"


def test_the_refusal_is_the_same_whoever_owns_the_id(api: httpx.Client) -> None:
    owned = ask(api, ALICE, FIRST).json()["conversation_id"]
    by_alice, by_bot = ask(api, BOB, FOLLOW, owned), ask(api, BOB, FOLLOW, "bot:dingtalk:cidSomeGroup")
    assert by_alice.status_code == by_bot.status_code == 404 and by_alice.json() == by_bot.json()
    fresh = ask(api, BOB, FIRST, "bob-chose-this-id").json()  # an id nobody holds starts a conversation
    assert fresh["conversation_id"] == "bob-chose-this-id" and fresh["error"] is None


def test_the_anonymous_callers_conversation_is_not_a_tokens(live_server, monkeypatch: pytest.MonkeyPatch) -> None:
    with httpx.Client(base_url=live_server.url, timeout=120) as client:
        local = ask(client, {}, FIRST).json()["conversation_id"]  # no tokens yet: the local caller
        monkeypatch.setenv("ASSISTANT_API_TOKENS", TOKENS)
        assert_refused(ask(client, ALICE, FOLLOW, local), FIRST)
        started = ask(client, ALICE, FIRST).json()["conversation_id"]
        monkeypatch.delenv("ASSISTANT_API_TOKENS")
        assert_refused(ask(client, {}, FOLLOW, started), FIRST)  # and the other way round
        assert ask(client, {}, FOLLOW, local).json()["conversation_id"] == local


@pytest.fixture
def platforms():
    stub = Stub()
    yield stub
    stub.server.shutdown()


def test_bot_conversations_are_reachable_only_from_their_callback(live_server, platforms: Stub,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in DINGTALK.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("ASSISTANT_DINGTALK_API_BASE", platforms.url)
    monkeypatch.setenv("ASSISTANT_BOTS_SYNC_SECONDS", "4.5")
    group = f"cidBinding{time.time_ns()}"  # no "=": the API's id pattern would refuse it first
    base = live_server.url.rstrip("/")
    first = dingtalk_post(base, dingtalk_message(platforms, text=" " + FIRST, conversation=group))
    assert first.status_code == 200 and "GMV" in first.json()["markdown"]["text"]

    bot_id = f"bot:dingtalk:{group}"
    with httpx.Client(base_url=live_server.url, timeout=120) as client:
        assert_refused(ask(client, {}, FOLLOW, bot_id), FIRST)  # open API, loopback: still refused
        monkeypatch.setenv("ASSISTANT_API_TOKENS", TOKENS)
        assert_refused(ask(client, ALICE, FOLLOW, bot_id), FIRST)
        assert_refused(ask(client, ALICE, FIRST, "bot:dingtalk:a-group-not-started-yet"))  # none may be claimed
    monkeypatch.delenv("ASSISTANT_API_TOKENS")
    refused = run_mcp(live_server.url + "mcp", {}, FOLLOW, bot_id)
    assert refused.is_error and refused.content[0].text == NOT_YOURS.message("en")

    follow = dingtalk_post(base, dingtalk_message(platforms, text=" " + FOLLOW, conversation=group))
    assert "沿用上一个问题" in follow.json()["markdown"]["text"]  # the group's own thread goes on


def run_mcp(url: str, headers: dict[str, str], question: str, conversation_id: str | None = None) -> Any:
    async def session() -> Any:
        async with httpx2.AsyncClient(headers=headers, timeout=120) as http:
            async with Client(streamable_http_client(url, http_client=http)) as client:
                arguments = {"question": question}
                if conversation_id is not None:
                    arguments["conversation_id"] = conversation_id
                return await client.call_tool("ask", arguments)

    return anyio.run(session)


def test_mcp_callers_are_told_apart_by_their_token(live_server, api: httpx.Client) -> None:
    url = live_server.url + "mcp"
    started = run_mcp(url, ALICE, FIRST)
    conversation = started.structured_content["conversation_id"]
    refused = run_mcp(url, BOB, FOLLOW, conversation)
    assert refused.is_error and refused.content[0].text == NOT_YOURS.message("en")
    assert FIRST not in str(refused.content) and refused.structured_content is None
    assert_refused(ask(api, BOB, FOLLOW, conversation), FIRST)  # nor through the HTTP API
    follow = ask(api, ALICE, FOLLOW, conversation).json()  # MCP and the API share Alice's conversation
    assert "沿用上一个问题" in follow["answer"]
    again = run_mcp(url, ALICE, FOLLOW, conversation)
    assert not again.is_error and again.structured_content["conversation_id"] == conversation


def test_openai_histories_are_kept_per_token(engine) -> None:
    """/v1 has no conversation ids: a chat is found by a digest of its history. The digest includes
    the token, and a remembered history is continued only for the token that built it."""
    said = [("user", FIRST)]
    assert history_key("token:alice", "m", said) != history_key("token:bob", "m", said)
    store = ConversationStore()
    store.get("openai:alice-1", "demo", lambda: Conversation(engine, OfflineStrategy()), "token:alice")
    store.put(history_key("token:alice", "m", said), store.peek("openai:alice-1"))
    assert not store.fork(history_key("token:alice", "m", said), "openai:bob-1", "token:bob")
    assert store.peek("openai:bob-1") is None
    assert store.fork(history_key("token:alice", "m", said), "openai:alice-2", "token:alice")
    assert store.peek("openai:alice-2").owner == "token:alice"


def test_the_store_refuses_other_owners_and_reserves_bot_ids(engine) -> None:
    store = ConversationStore()
    start = lambda: Conversation(engine, OfflineStrategy())  # noqa: E731
    cid, kept = store.get(None, "demo", start, "token:alice")
    assert kept.owner == "token:alice" and store.get(cid, "demo", start, "token:alice")[1] is kept
    for owner in ("token:bob", "local", "bots"):
        with pytest.raises(type(NOT_YOURS)) as caught:
            store.get(cid, "demo", start, owner)
        assert caught.value.code == "conversation_not_found"
    with pytest.raises(type(NOT_YOURS)):
        store.get("bot:slack:T1:C1", "demo", start, "local")
    with pytest.raises(type(NOT_YOURS)):
        store.get("plain-id", "demo", start, "bots")  # the bots keep to their own ids too
    assert store.get("bot:slack:T1:C1", "demo", start, "bots")[1].owner == "bots"
