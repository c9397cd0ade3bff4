"""The MCP server end to end with the official `mcp` client: streamable HTTP against a real uvicorn
server (the endpoint mounted in a FastAPI app the way the main server mounts it), and stdio against
`python -m assistant.mcp_server` in a subprocess."""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

import anyio
import httpx
import httpx2
import pytest
import uvicorn
from fastapi import FastAPI
from mcp import Client, StdioServerParameters
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.exceptions import MCPError
from mcp_types.version import HANDSHAKE_PROTOCOL_VERSIONS
from starlette.responses import PlainTextResponse

from assistant.api.service import Service
from assistant.engine import Engine
from assistant.mcp_server import build_mcp_server, mcp_asgi, mount_mcp
from assistant.mcp_server.schemas import ANSWER_SCHEMA
from assistant.web.context import ContextCache, WebContext
from tests.conftest import REPO, assert_same, free_port
from tools.registry import REGISTRY, load_builtin_tools

TOKEN = "mcp-test-token"
OWN_TOOLS = {"ask", "list_datasets"}
INITIALIZE = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
    "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "raw-http", "version": "0"}}}
ACCEPT = {"Accept": "application/json, text/event-stream"}


def run(session: Callable[[], Awaitable[Any]]) -> Any:
    return anyio.run(session)


def build_app(demo_db: Path, lifespan_log: list[str]) -> FastAPI:
    """A FastAPI app shaped like the main server: its own lifespan, a catch-all app at "/" (where
    Gradio sits) mounted first, then MCP at /mcp, and a second copy that requires a token."""

    @asynccontextmanager
    async def own_lifespan(app: FastAPI) -> Any:
        lifespan_log.append("started")
        yield
        lifespan_log.append("stopped")

    app = FastAPI(lifespan=own_lifespan)
    app.mount("/", PlainTextResponse("the web app"))  # stands in for gr.mount_gradio_app(app, blocks, path="/")
    service = Service(ContextCache(WebContext(Engine(demo_db))))
    server = build_mcp_server(service.engine, ask=service.ask)
    mount_mcp(app, server)
    mount_mcp(app, server, "/private/mcp", check_token=lambda token: token == TOKEN)
    return app


@contextmanager
def serving(app: FastAPI) -> Iterator[str]:
    """`app` on a free loopback port in a background thread; yields its base URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, name="mcp-test-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the test server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def lifespan_log() -> list[str]:
    return []


@pytest.fixture(scope="module")
def base_url(demo_db: Path, lifespan_log: list[str]) -> Iterator[str]:
    # To test the main server instead: `return live_server.url.rstrip("/")` (conftest.live_server).
    with serving(build_app(demo_db, lifespan_log)) as url:
        yield url


@pytest.fixture(scope="module")
def mcp_url(base_url: str) -> str:
    return f"{base_url}/mcp"  # no trailing slash: what people paste into their MCP client


def leaves(error: BaseException) -> list[BaseException]:
    """The exceptions inside (nested) exception groups: the client raises from a task group."""
    if isinstance(error, BaseExceptionGroup):
        return [leaf for inner in error.exceptions for leaf in leaves(inner)]
    return [error]


def text_of(result: Any) -> str:
    return "\n".join(block.text for block in result.content if block.type == "text")


def test_lists_every_registry_tool_with_its_schema(mcp_url: str, lifespan_log: list[str]) -> None:
    async def session() -> Any:
        async with Client(mcp_url) as client:
            return (await client.list_tools()).tools

    tools = {tool.name: tool for tool in run(session)}
    load_builtin_tools()
    assert set(tools) == set(REGISTRY) | OWN_TOOLS
    for name, spec in REGISTRY.items():
        schema, expected = tools[name].input_schema, spec.json_schema()
        assert tools[name].description == spec.description
        assert {k: schema["properties"][k] for k in expected["properties"]} == expected["properties"]
        assert set(schema["properties"]) - set(expected["properties"]) == {"dataset", "language"}
        assert schema.get("required", []) == expected.get("required", [])
        assert tools[name].output_schema == ANSWER_SCHEMA
    assert tools["ask"].input_schema["required"] == ["question"]
    assert lifespan_log == ["started"]  # mounting MCP kept the app's own lifespan


def test_tool_result_is_the_answer_json_plus_readable_text(mcp_url: str, engine) -> None:
    async def session() -> Any:
        async with Client(mcp_url) as client:
            return await client.call_tool("rfm_segments", {})

    result = run(session)
    expected = engine.run_tool("rfm_segments", {}, "en").to_json()
    assert not result.is_error
    assert_same(result.structured_content["tables"], expected["tables"])
    assert result.structured_content["answer"] == expected["answer"]
    text = text_of(result)
    first = expected["tables"][0]
    assert "| " + " | ".join(first["columns"]) + " |" in text  # the first table, as Markdown
    assert f"| {first['rows'][0][0]} | {first['rows'][0][1]} | {first['rows'][0][2]} |" in text


def test_hostile_sql_is_a_tool_error_and_the_data_survives(mcp_url: str) -> None:
    async def session() -> Any:
        async with Client(mcp_url) as client:
            refused = await client.call_tool("run_sql", {"sql": "DROP TABLE orders"})
            after = await client.call_tool("run_sql", {"sql": "SELECT count(*) AS n FROM orders"})
            return refused, after

    refused, after = run(session)
    assert refused.is_error
    assert "only read-only SELECT" in text_of(refused) and "Traceback" not in text_of(refused)
    assert refused.structured_content["error"]["code"]
    assert not after.is_error and after.structured_content["tables"][0]["rows"][0][0] > 0


def test_bad_arguments_name_the_allowed_ones(mcp_url: str) -> None:
    async def session() -> Any:
        async with Client(mcp_url) as client:
            return (
                await client.call_tool("rfm_segments", {"colour": "red"}),
                await client.call_tool("rfm_segments", {"scheme": "zodiac"}),
                await client.call_tool("describe_data", {"dataset": "no_such_dataset"}),
            )

    unknown, wrong_value, no_dataset = run(session)
    assert unknown.is_error and wrong_value.is_error and no_dataset.is_error
    assert "colour" in text_of(unknown)
    assert "Allowed arguments: scheme, threshold, period, dataset, language" in text_of(unknown)
    assert "'rfm'" in text_of(wrong_value) and "'cn8'" in text_of(wrong_value)
    assert "no_such_dataset" in text_of(no_dataset)


def test_ask_answers_as_the_router_and_keeps_follow_ups(mcp_url: str, engine) -> None:
    question = "上个月GMV是多少"

    async def session() -> Any:
        async with Client(mcp_url) as client:
            first = await client.call_tool("ask", {"question": question, "conversation_id": "mcp-c1"})
            follow = await client.call_tool("ask", {"question": "那上上个月呢", "conversation_id": "mcp-c1"})
            fresh = await client.call_tool("ask", {"question": "那上上个月呢"})
            return first, follow, fresh

    first, follow, fresh = run(session)
    expected = engine.ask(question).to_json()
    got = dict(first.structured_content)
    assert got.pop("conversation_id") == "mcp-c1"
    # the same answer as the router's (the conversation adds the assumptions it made)
    assert_same(got, expected | {"assumptions": got["assumptions"]})
    assert expected["tables"][0]["rows"][0][1] > 0

    window = first.structured_content["tool_calls"][0]["resolved"]["window"]
    followed = follow.structured_content["tool_calls"][0]
    assert followed["name"] == "metric_query" and followed["args"]["metric"] == "gmv"
    assert followed["resolved"]["window"]["end"] < window["start"]  # the month before, not the same one
    assert follow.structured_content["tables"][0]["rows"][0][1] != expected["tables"][0]["rows"][0][1]
    assert fresh.structured_content["conversation_id"] not in ("", "mcp-c1")  # a new one, to follow up with


def test_legacy_handshake_clients_are_served_too(mcp_url: str) -> None:
    async def session() -> Any:
        async with Client(mcp_url, mode="legacy") as client:
            names = {tool.name for tool in (await client.list_tools()).tools}
            return names, await client.call_tool("list_datasets", {}), client.protocol_version

    names, datasets, version = run(session)
    assert version in HANDSHAKE_PROTOCOL_VERSIONS and "rfm_segments" in names
    assert not datasets.is_error and datasets.structured_content["default"] == "demo"


def test_token_check_refuses_clients_without_the_token(base_url: str) -> None:
    url = f"{base_url}/private/mcp"

    async def without_token() -> None:
        async with Client(url) as client:
            await client.list_tools()

    with pytest.raises((MCPError, BaseExceptionGroup)) as refused_client:
        run(without_token)
    errors = [e for e in leaves(refused_client.value) if isinstance(e, MCPError)]
    assert errors and "Unauthorized: send a valid API token" in errors[-1].message

    async def with_token() -> int:
        async with httpx2.AsyncClient(headers={"Authorization": f"Bearer {TOKEN}"}) as http:
            async with Client(streamable_http_client(url, http_client=http)) as client:
                return len((await client.list_tools()).tools)

    assert run(with_token) == len(REGISTRY) + len(OWN_TOOLS)
    refused = httpx.post(url, json={}, headers={"Authorization": "Bearer wrong"})
    assert refused.status_code == 401 and "API token" in refused.json()["error"]["message"]


def test_http_edges_no_redirect_and_host_check(base_url: str) -> None:
    served = httpx.post(f"{base_url}/mcp", json=INITIALIZE, headers=ACCEPT)
    assert served.status_code == 200 and "mcp-session-id" in served.headers  # no 307 to /mcp/
    assert httpx.post(f"{base_url}/mcp/", json=INITIALIZE, headers=ACCEPT).status_code == 200
    rebound = httpx.post(f"{base_url}/mcp", json=INITIALIZE, headers=ACCEPT | {"Host": "evil.example"})
    assert rebound.status_code == 421  # DNS-rebinding protection: only loopback names by default
    assert httpx.get(f"{base_url}/elsewhere").text == "the web app"


def unused_ask(*args: Any) -> Any:
    raise AssertionError("these tests do not call `ask`")


def test_hand_wired_endpoint_serves_only_inside_its_lifespan(engine) -> None:
    app, lifespan = mcp_asgi(build_mcp_server(lambda dataset: engine, ask=unused_ask))

    async def post() -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://127.0.0.1") as http:
            return await http.post("/", json=INITIALIZE, headers=ACCEPT)

    async def session() -> tuple[httpx.Response, httpx.Response]:
        before = await post()
        async with lifespan():
            return before, await post()

    before, during = run(session)
    assert before.status_code == 503 and "lifespan was not started" in before.json()["error"]["message"]
    assert during.status_code == 200 and '"serverInfo"' in during.text


def test_tool_calls_do_not_block_the_event_loop(engine) -> None:
    """While one call waits inside the engine, another request is still answered."""
    release = threading.Event()
    seen_while_waiting: list[bool] = []

    def slow_engine_for(dataset: str | None):
        seen_while_waiting.append(release.wait(timeout=10))
        return engine

    async def session() -> None:
        async with Client(build_mcp_server(slow_engine_for, ask=unused_ask)) as client, anyio.create_task_group() as tg:
            tg.start_soon(client.call_tool, "describe_data", {})
            await anyio.sleep(0.1)
            await client.list_tools()  # would wait out the timeout if the call held the loop
            release.set()

    run(session)
    assert seen_while_waiting == [True]


def test_stdio_server_lists_and_answers(demo_db: Path) -> None:
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "assistant.cli", "mcp", "--data", str(demo_db)],  # `assistant mcp`, as a client config runs it
        env={"ASSISTANT_HOME": os.environ["ASSISTANT_HOME"]},
        cwd=REPO,
    )

    async def session() -> Any:
        async with Client(params) as client:
            names = {tool.name for tool in (await client.list_tools()).tools}
            return names, await client.call_tool("metric_query", {"metric": "orders", "language": "zh"})

    names, result = run(session)
    load_builtin_tools()  # REGISTRY fills on import: this test may run first in its process
    assert names == set(REGISTRY) | OWN_TOOLS
    assert not result.is_error and result.structured_content["language"] == "zh"
    assert result.structured_content["tables"][0]["rows"][0][-1] > 0


def test_the_served_app_answers_mcp_with_the_api_s_conversations(live_server, monkeypatch: pytest.MonkeyPatch,
                                                                 engine) -> None:
    """`assistant serve` itself: MCP at /mcp beside the web app and the API, sharing conversations with
    POST /api/ask, and guarded by the same API tokens."""
    url = live_server.url + "mcp"

    async def session() -> Any:
        async with Client(url) as client:
            tools = (await client.list_tools()).tools
            first = await client.call_tool("ask", {"question": "上个月GMV是多少"})
            return tools, first

    tools, first = run(session)
    load_builtin_tools()
    assert {t.name for t in tools} == set(REGISTRY) | OWN_TOOLS
    conversation = first.structured_content["conversation_id"]
    follow = httpx.post(live_server.url + "api/ask", json={"question": "那上上个月呢", "conversation_id": conversation},
                        timeout=60).json()
    assert "沿用上一个问题" in follow["answer"] and follow["tool_calls"][0]["args"]["metric"] == "gmv"
    assert first.structured_content["answer"] == engine.ask("上个月GMV是多少").answer

    monkeypatch.setenv("ASSISTANT_API_TOKENS", "team:served-token")
    refused = httpx.post(url, json=INITIALIZE, headers=ACCEPT)
    assert refused.status_code == 401

    async def with_token() -> int:
        async with httpx2.AsyncClient(headers={"Authorization": "Bearer served-token"}) as http:
            async with Client(streamable_http_client(url, http_client=http)) as client:
                return len((await client.list_tools()).tools)

    assert run(with_token) == len(REGISTRY) + len(OWN_TOOLS)
