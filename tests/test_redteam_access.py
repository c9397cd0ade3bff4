"""Red team (e): access.

Requirements: a Host-header allow-list for the whole app when it listens on loopback (DNS rebinding);
conversations bound to the token or user that started them, and bot conversations reachable only from
their platform (an API client must not continue a bot group's conversation); login rate limiting; the
DingTalk replay cache survives a restart; /api/openapi.json behind the token when tokens are
configured; Markdown and HTML from data neutralised on every surface that renders it.

Whether a conversation was continued is judged by what the (stub) model is sent: a hijacker's call
must not carry the victim's earlier question, and by the offline router's follow-up (a bare "那上上个月呢"
only means GMV if the earlier question was about GMV).
"""

from __future__ import annotations

import json
import time
import types
import uuid
from typing import Any

import httpx
import pytest

from tests.openai_stub import StubOpenAI, text
from tests.redteam_support import (
    DINGTALK_SECRET,
    TEAM_USERS,
    ServedApp,
    SubprocessServer,
    active_content,
    from_address,
)
from tests.test_bots import (
    DINGTALK,
    WECOM,
    Stub,
    dingtalk_message,
    dingtalk_post,
    eventually,
    feishu_message,
    feishu_post,
    slack_mention,
    slack_post,
    wecom_envelope,
    wecom_post,
)

TOKENS = "victim:tok-victim-0123456789,attacker:tok-attacker-9876543210"
VICTIM = {"Authorization": "Bearer tok-victim-0123456789"}
ATTACKER = {"Authorization": "Bearer tok-attacker-9876543210"}
# What the victim told the model: it must never reach a call the attacker makes.
SECRET_PLAN = "绝密计划" + uuid.uuid4().hex[:8]


@pytest.fixture(scope="module")
def model(rt_app_model) -> StubOpenAI:
    return rt_app_model


@pytest.fixture(scope="module")
def platforms(rt_platforms) -> Stub:
    return rt_platforms


@pytest.fixture(scope="module")
def app(rt_app) -> ServedApp:
    return rt_app


@pytest.fixture(scope="module")
def team(rt_team) -> ServedApp:
    return rt_team


@pytest.fixture(autouse=True)
def _env(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("app", "team"):
        if name in request.fixturenames:
            request.getfixturevalue(name).setenv(monkeypatch)


def script(model: StubOpenAI, *replies) -> None:
    with model._lock:
        model.script = list(replies)
        model.requests.clear()


def sent_to_model(model: StubOpenAI) -> str:
    return json.dumps(model.requests, ensure_ascii=False)


# --------------------------------------------------------------------------------------------------
# Host header (DNS rebinding) on a loopback server
# --------------------------------------------------------------------------------------------------

EVIL_HOSTS = ["evil.example", "evil.example:{port}", "127.0.0.1.evil.example", "localhost.evil.example:{port}",
              "192.168.1.20:{port}"]
PATHS = [("GET", "/", None), ("GET", "/config", None), ("GET", "/gradio_api/info", None), ("GET", "/api/tools", None),
         ("POST", "/api/ask", {"question": "上个月GMV是多少"}), ("GET", "/v1/models", None),
         ("POST", "/api/tools/run_sql", {"args": {"sql": "SELECT count(*) AS n FROM customers"}}),
         ("GET", "/api/openapi.json", None)]


@pytest.mark.parametrize("host", EVIL_HOSTS)
@pytest.mark.parametrize(("method", "path", "body"), PATHS, ids=[p[1] for p in PATHS])
def test_foreign_host_header_is_refused(app: ServedApp, host: str, method: str, path: str, body: Any) -> None:
    host = host.format(port=app.port)
    response = httpx.request(method, app.url.rstrip("/") + path, json=body, headers={"Host": host}, timeout=60)
    assert response.status_code >= 400, f"{method} {path} with Host {host} answered {response.status_code}"


def test_foreign_host_header_is_refused_for_mcp(app: ServedApp) -> None:
    initialize = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "rebind", "version": "0"}}}
    response = httpx.post(app.url + "mcp", json=initialize, timeout=30,
                          headers={"Host": "evil.example", "Accept": "application/json, text/event-stream"})
    assert response.status_code >= 400


def test_foreign_host_header_is_refused_for_a_signed_bot_callback(app: ServedApp, platforms: Stub) -> None:
    message = dingtalk_message(platforms, text=" 上个月GMV是多少", conversation="cidRebind==")
    body = json.dumps(message).encode()
    ts = str(int(time.time() * 1000))
    from tests.test_bots import dingtalk_sign

    headers = {"content-type": "application/json", "timestamp": ts,
               "sign": dingtalk_sign(DINGTALK["ASSISTANT_DINGTALK_APP_SECRET"], ts), "Host": "evil.example"}
    response = httpx.post(app.url + "bots/dingtalk", content=body, headers=headers, timeout=60)
    assert response.status_code >= 400


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "127.0.0.1", "localhost"])
def test_loopback_host_headers_still_work(app: ServedApp, host: str) -> None:
    """Control: the allow-list must not lock out the names a local browser uses."""
    response = httpx.get(app.url + "api/tools", headers={"Host": host.format(port=app.port)}, timeout=30)
    assert response.status_code == 200


# --------------------------------------------------------------------------------------------------
# Conversations bound to who started them
# --------------------------------------------------------------------------------------------------

def victim_conversation(app: ServedApp, model: StubOpenAI) -> str:
    script(model, text("好的，已记住。"))
    started = httpx.post(app.url + "api/ask", headers=VICTIM, timeout=60,
                         json={"question": f"我们的{SECRET_PLAN}是双十一前给沉睡客户发券，先记住"})
    assert started.status_code == 200, started.text[:300]
    assert model.requests, "the victim's question did not reach the model"
    return started.json()["conversation_id"]


def test_another_token_cannot_continue_a_conversation_through_the_api(app: ServedApp, model: StubOpenAI,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_API_TOKENS", TOKENS)
    conversation = victim_conversation(app, model)
    script(model, text("你们之前说了什么我不知道。"))
    hijack = httpx.post(app.url + "api/ask", headers=ATTACKER, timeout=60,
                        json={"question": "把我们刚才说的计划复述一遍", "conversation_id": conversation})
    assert SECRET_PLAN not in sent_to_model(model), "the attacker's call carried the victim's conversation"
    assert SECRET_PLAN not in hijack.text


def test_another_token_cannot_continue_a_conversation_through_mcp(app: ServedApp, model: StubOpenAI,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    import anyio
    import httpx2
    from mcp import Client
    from mcp.client.streamable_http import streamable_http_client

    monkeypatch.setenv("ASSISTANT_API_TOKENS", TOKENS)
    conversation = victim_conversation(app, model)
    script(model, text("不知道。"))

    async def session() -> Any:
        async with httpx2.AsyncClient(headers=ATTACKER) as http:
            async with Client(streamable_http_client(app.url.rstrip("/") + "/mcp", http_client=http)) as client:
                return await client.call_tool("ask", {"question": "复述刚才的计划",
                                                      "conversation_id": conversation})

    result = anyio.run(session)
    assert SECRET_PLAN not in sent_to_model(model), "the attacker's MCP call carried the victim's conversation"
    assert SECRET_PLAN not in json.dumps(result.structured_content or {}, ensure_ascii=False)


def test_offline_follow_up_does_not_cross_tokens(app: ServedApp, model: StubOpenAI,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the model too: a bare follow-up on someone else's id must not inherit their question."""
    monkeypatch.setenv("ASSISTANT_API_TOKENS", TOKENS)
    monkeypatch.delenv("OPENAI_API_KEY")
    first = httpx.post(app.url + "api/ask", headers=VICTIM, json={"question": "上个月GMV是多少"},
                       timeout=60).json()
    follow = httpx.post(app.url + "api/ask", headers=ATTACKER, timeout=60,
                        json={"question": "那上上个月呢", "conversation_id": first["conversation_id"]})
    calls = follow.json().get("tool_calls") or [] if follow.status_code == 200 else []
    assert not any((c.get("args") or {}).get("metric") == "gmv" for c in calls), \
        "the attacker's follow-up was answered from the victim's previous question"


# --------------------------------------------------------------------------------------------------
# Bot conversations are reachable only from their platform
# --------------------------------------------------------------------------------------------------

def group_says_secret(app: ServedApp, model: StubOpenAI, platforms: Stub, group: str) -> None:
    script(model, text("收到。"))
    response = dingtalk_post(app.url.rstrip("/"), dingtalk_message(
        platforms, text=f" 记住：{SECRET_PLAN}，下周执行", conversation=group))
    assert response.status_code == 200, response.text[:300]
    assert model.requests, "the group's message did not reach the model"


BOT_IDS = ["bot:dingtalk:{g}", "dingtalk:{g}", "BOT:dingtalk:{g}", " bot:dingtalk:{g}", "bot:dingtalk:{g}\n",
           "bot%3Adingtalk%3A{g}", "bot:dingtalk:{g}/"]


@pytest.mark.parametrize("pattern", BOT_IDS)
def test_api_client_cannot_continue_a_bot_group_conversation(app: ServedApp, model: StubOpenAI, platforms: Stub,
                                                             pattern: str) -> None:
    group = f"cidGroup{uuid.uuid4().hex[:6]}=="
    group_says_secret(app, model, platforms, group)
    script(model, text("不知道。"))
    response = httpx.post(app.url + "api/ask", timeout=60,
                          json={"question": "群里刚才说要执行什么？",
                                "conversation_id": pattern.format(g=group)})
    assert SECRET_PLAN not in sent_to_model(model), "the API call carried the bot group's conversation"
    assert SECRET_PLAN not in response.text


def test_mcp_client_cannot_continue_a_bot_group_conversation(app: ServedApp, model: StubOpenAI,
                                                             platforms: Stub) -> None:
    import anyio
    from mcp import Client

    group = f"cidGroup{uuid.uuid4().hex[:6]}=="
    group_says_secret(app, model, platforms, group)
    script(model, text("不知道。"))

    async def session() -> Any:
        async with Client(app.url.rstrip("/") + "/mcp") as client:
            return await client.call_tool("ask", {"question": "群里说了什么",
                                                  "conversation_id": f"bot:dingtalk:{group}"})

    anyio.run(session)
    assert SECRET_PLAN not in sent_to_model(model), "the MCP call carried the bot group's conversation"


def test_v1_client_cannot_continue_a_bot_group_conversation(app: ServedApp, model: StubOpenAI, platforms: Stub) -> None:
    group = f"cidGroup{uuid.uuid4().hex[:6]}=="
    group_says_secret(app, model, platforms, group)
    script(model, text("不知道。"))
    body = {"model": "live-commerce-assistant", "user": f"bot:dingtalk:{group}",
            "conversation_id": f"bot:dingtalk:{group}", "messages": [{"role": "user", "content": "群里说了什么"}]}
    httpx.post(app.url + "v1/chat/completions", json=body, timeout=60)
    assert SECRET_PLAN not in sent_to_model(model)


@pytest.mark.parametrize("platform", ["slack", "feishu", "wecom"])
def test_api_client_cannot_continue_other_platforms_conversations(app: ServedApp, model: StubOpenAI, platforms: Stub,
                                                                  platform: str) -> None:
    script(model, text("收到。"))
    base = app.url.rstrip("/")
    if platform == "slack":
        slack_post(base, slack_mention(text=f"<@UBOT> 记住：{SECRET_PLAN}", channel="CSECRET"))
        key = "bot:slack:T1:CSECRET"
        eventually(lambda: platforms.sent("chat.postMessage"), timeout=60)
    elif platform == "feishu":
        feishu_post(base, feishu_message(text=f"@_user_1 记住：{SECRET_PLAN}", chat_id="oc_secret"))
        key = "bot:feishu:oc_secret"
        eventually(lambda: platforms.sent("/open-apis/im/v1/messages/"), timeout=60)
    else:
        wecom_post(base, wecom_envelope(content=f"记住：{SECRET_PLAN}", user="boss"))
        key = f"bot:wecom:{WECOM['ASSISTANT_WECOM_CORP_ID']}:{WECOM['ASSISTANT_WECOM_AGENT_ID']}:boss"
    assert model.requests, "the platform message did not reach the model"
    script(model, text("不知道。"))
    httpx.post(app.url + "api/ask", json={"question": "刚才说了什么？", "conversation_id": key}, timeout=60)
    assert SECRET_PLAN not in sent_to_model(model), f"the API call carried the {platform} conversation"


# --------------------------------------------------------------------------------------------------
# Login rate limiting
# --------------------------------------------------------------------------------------------------

CAROL = ("carol", TEAM_USERS["carol"])


def _attempts(team: ServedApp, pairs: list[tuple[str, str]], address: str) -> tuple[list[int], float]:
    statuses, started = [], time.monotonic()
    with from_address(address) as http:
        for user, password in pairs:
            statuses.append(http.post(team.url + "login", data={"username": user, "password": password}).status_code)
            if time.monotonic() - started > 40:
                break
    return statuses, time.monotonic() - started


def _limited(team: ServedApp, statuses: list[int], seconds: float, address: str, user: str) -> bool:
    """Refused as too many (429), slowed down, cut short, or the right password refused right after."""
    with from_address(address) as http:
        right = http.post(team.url + "login", data={"username": user, "password": TEAM_USERS[user]}).status_code
    return 429 in statuses or seconds > 15 or len(statuses) < 30 or right != 200


def test_password_guessing_is_rate_limited(team: ServedApp) -> None:
    statuses, seconds = _attempts(team, [(CAROL[0], f"guess-{i}") for i in range(30)], "127.0.0.2")
    assert 200 not in statuses
    assert _limited(team, statuses, seconds, "127.0.0.2", "carol"), \
        f"30 wrong passwords in {seconds:.1f} s, none refused as too many ({sorted(set(statuses))})"


def test_password_spraying_is_rate_limited(team: ServedApp) -> None:
    statuses, seconds = _attempts(team, [(f"user{i}", "Password123!") for i in range(30)], "127.0.0.3")
    assert _limited(team, statuses, seconds, "127.0.0.3", "dave"), \
        f"30 usernames tried in {seconds:.1f} s without any limit ({sorted(set(statuses))})"


# --------------------------------------------------------------------------------------------------
# The DingTalk replay cache survives a restart
# --------------------------------------------------------------------------------------------------

def _signed(server: SubprocessServer, body: bytes, ts: str) -> httpx.Response:
    from tests.test_bots import dingtalk_sign

    headers = {"content-type": "application/json", "timestamp": ts, "sign": dingtalk_sign(DINGTALK_SECRET, ts)}
    return httpx.post(server.url + "bots/dingtalk", content=body, headers=headers, timeout=60)


def test_dingtalk_replay_is_refused_after_a_restart(rt_server: SubprocessServer, rt_model: StubOpenAI) -> None:
    if not rt_server.alive():
        rt_server.restart()
    script(rt_model, text("上个月GMV见表。"))
    nowhere = types.SimpleNamespace(url="http://127.0.0.1:9")
    body = json.dumps(dingtalk_message(nowhere, text=" 上个月GMV是多少", conversation="cidReplay==",
                                       msg_id=f"msg{uuid.uuid4().hex}")).encode()
    ts = str(int(time.time() * 1000))
    first = _signed(rt_server, body, ts)
    assert first.status_code == 200, first.text[:300]
    rt_server.restart()
    replay = _signed(rt_server, body, ts)
    other = json.dumps(dingtalk_message(nowhere, text=" 导出所有客户手机号", conversation="cidReplay==",
                                        msg_id=f"msg{uuid.uuid4().hex}")).encode()
    replay_other_body = _signed(rt_server, other, ts)
    assert replay.status_code in (401, 409), f"the exact replay was answered after a restart ({replay.status_code})"
    assert replay_other_body.status_code in (401, 409), \
        f"the same (timestamp, sign) with a new body was answered after a restart ({replay_other_body.status_code})"


# --------------------------------------------------------------------------------------------------
# The API description behind the token
# --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["api/openapi.json", "api/docs", "openapi.json", "docs", "redoc",
                                  "api/openapi.json?x=1", "api//openapi.json", "API/openapi.json"])
def test_api_description_needs_the_token(app: ServedApp, monkeypatch: pytest.MonkeyPatch, path: str) -> None:
    monkeypatch.setenv("ASSISTANT_API_TOKENS", TOKENS)
    response = httpx.get(app.url + path, timeout=30)
    leaked = response.status_code == 200 and ("/api/ask" in response.text or "/api/tools" in response.text)
    assert not leaked, f"/{path} shows the API description without a token"


def test_api_description_still_served_with_the_token(app: ServedApp, monkeypatch: pytest.MonkeyPatch) -> None:
    """Control: a token holder still gets the spec."""
    monkeypatch.setenv("ASSISTANT_API_TOKENS", TOKENS)
    response = httpx.get(app.url + "api/openapi.json", headers=VICTIM, timeout=30)
    assert response.status_code == 200 and "/api/ask" in response.text


# --------------------------------------------------------------------------------------------------
# Markdown and HTML from data, without a model
# --------------------------------------------------------------------------------------------------

DATA = [
    ("image", "SELECT '![x](http://evil.example/d.png)' AS note"),
    ("html_img", "SELECT '<img src=http://evil.example/p.gif onerror=alert(1)>' AS note"),
    ("js_link", "SELECT '[open](javascript:alert(1))' AS note"),
    ("script", "SELECT '<script>alert(1)</script>' AS note"),
    ("table_cells", "SELECT '![a](http://evil.example/a.png)' AS a, '[b](javascript:alert(2))' AS b "
                    "UNION ALL SELECT '<img src=//evil.example/c.png>', '<a href=javascript:alert(3)>c</a>'"),
    ("column_name", 'SELECT 1 AS "![h](http://evil.example/h.png)", 2 AS "[j](javascript:alert(4))"'),
]
OWN = ("127.0.0.1", "localhost")


@pytest.mark.parametrize(("name", "sql"), DATA, ids=[d[0] for d in DATA])
def test_data_markup_is_inert_on_v1(app: ServedApp, monkeypatch: pytest.MonkeyPatch, name: str, sql: str) -> None:
    monkeypatch.delenv("OPENAI_API_KEY")
    body = {"model": "live-commerce-assistant", "messages": [{"role": "user", "content": sql}]}
    reply = httpx.post(app.url + "v1/chat/completions", json=body, timeout=60).json()
    content = reply["choices"][0]["message"]["content"]
    assert "run_sql" in content or "evil.example" in content or "javascript" in content.lower(), \
        "the SQL question was not answered with the query's result"
    problems = active_content(content, OWN)
    assert not problems, f"{name}: {problems}"


@pytest.mark.parametrize(("name", "sql"), DATA, ids=[d[0] for d in DATA])
def test_data_markup_is_inert_in_dingtalk(app: ServedApp, platforms: Stub, monkeypatch: pytest.MonkeyPatch,
                                          name: str, sql: str) -> None:
    monkeypatch.delenv("OPENAI_API_KEY")
    response = dingtalk_post(app.url.rstrip("/"), dingtalk_message(platforms, text=" " + sql,
                                                                    conversation=f"cidData{name}=="))
    markdown = response.json()["markdown"]["text"]
    problems = active_content(markdown, OWN)
    assert not problems, f"{name}: {problems}"


@pytest.mark.parametrize(("name", "sql"), [d for d in DATA if d[0] in {"image", "js_link", "table_cells"}],
                         ids=["image", "js_link", "table_cells"])
def test_data_markup_is_inert_in_the_web_chat_and_workbench(app: ServedApp, monkeypatch: pytest.MonkeyPatch,
                                                            name: str, sql: str) -> None:
    import gradio_client

    monkeypatch.delenv("OPENAI_API_KEY")
    client = gradio_client.Client(app.url, verbose=False)
    history, *_ = client.predict(sql, api_name="/chat")
    chat = "\n".join(part.get("text", "") if isinstance(part, dict) else str(part)
                     for m in history for part in (m["content"] if isinstance(m["content"], list) else [m["content"]]))
    status, *_ = client.predict(sql.replace(" AS note", " AS note LIMIT 1"), "en", api_name="/run_sql")
    problems = [f"chat: {p}" for p in active_content(chat, OWN)]
    problems += [f"workbench: {p}" for p in active_content(str(status), OWN)]
    assert not problems, f"{name}: {problems}"
