"""DNS-rebinding protection for the whole app: on loopback, a request whose Host is not one of the
server's names is refused (421) before any route runs, whatever its path (web app, API, OpenAI
endpoint, MCP, bots, published links); names can be added with ASSISTANT_ALLOWED_HOSTS and
ASSISTANT_PUBLIC_URL. Off loopback nothing changes unless ASSISTANT_ALLOWED_HOSTS is set."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from assistant.api.hosts import LOOPBACK_NAMES, allowed_hosts, host_name
from tests.conftest import free_port

INITIALIZE = {"jsonrpc": "2.0", "id": 1, "method": "initialize",
              "params": {"protocolVersion": "2025-06-18", "capabilities": {},
                         "clientInfo": {"name": "host-test", "version": "1"}}}
MCP_HEADERS = {"Accept": "application/json, text/event-stream", "content-type": "application/json"}

# (method, path, body): one route of each kind the server has
ROUTES = [
    ("GET", "/", None),
    ("GET", "/config", None),
    ("GET", "/health", None),
    ("GET", "/api/openapi.json", None),
    ("POST", "/api/ask", {"question": "上个月GMV是多少"}),
    ("GET", "/v1/models", None),
    ("POST", "/mcp", INITIALIZE),
    ("POST", "/bots/dingtalk", {}),
    ("GET", "/api/images/abc.png", None),
]


@pytest.mark.parametrize(("value", "name"), [
    ("127.0.0.1:7860", "127.0.0.1"), ("localhost", "localhost"), ("LOCALHOST.:80", "localhost"),
    ("[::1]:7860", "::1"), ("[::1]", "::1"), ("Analytics.Example.com:443", "analytics.example.com"),
    ("", ""),
])
def test_host_names_are_compared_without_port_or_case(value: str, name: str) -> None:
    assert host_name(value) == name


def test_what_each_listening_address_accepts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ASSISTANT_ALLOWED_HOSTS", raising=False)
    monkeypatch.delenv("ASSISTANT_PUBLIC_URL", raising=False)
    assert allowed_hosts("127.0.0.1") == LOOPBACK_NAMES == allowed_hosts("localhost") == allowed_hosts("::1")
    assert allowed_hosts("0.0.0.0") is None and allowed_hosts("192.168.1.20") is None  # as before: any Host

    monkeypatch.setenv("ASSISTANT_ALLOWED_HOSTS", " BI.example.com:8443 , intranet ")
    monkeypatch.setenv("ASSISTANT_PUBLIC_URL", "https://assistant.example.org/")
    names = {"bi.example.com", "intranet", "assistant.example.org"}
    assert allowed_hosts("127.0.0.1") == LOOPBACK_NAMES | names
    assert allowed_hosts("0.0.0.0") == LOOPBACK_NAMES | names  # the setting given: enforced off loopback too
    assert allowed_hosts("192.168.1.20") == LOOPBACK_NAMES | names | {"192.168.1.20"}

    monkeypatch.setenv("ASSISTANT_ALLOWED_HOSTS", "*")
    assert allowed_hosts("127.0.0.1") is None  # explicitly off (e.g. a proxy that checks Host itself)

    monkeypatch.delenv("ASSISTANT_ALLOWED_HOSTS")
    assert allowed_hosts("0.0.0.0") is None  # a public URL alone does not switch the check on off loopback
    assert allowed_hosts("127.0.0.1") == LOOPBACK_NAMES | {"assistant.example.org"}


@pytest.mark.parametrize(("method", "path", "body"), ROUTES)
def test_a_rebound_host_is_refused_on_every_route(live_server, method: str, path: str, body) -> None:
    for host in ("attacker.example", "attacker.example:7860", "127.0.0.1.attacker.example", "localhost.evil"):
        response = httpx.request(method, live_server.url.rstrip("/") + path, json=body, timeout=30,
                                 headers={"Host": host, **(MCP_HEADERS if path == "/mcp" else {})})
        assert response.status_code == 421, (path, host, response.status_code)
        error = response.json()["error"]
        assert error["code"] == "host_not_allowed" and "ASSISTANT_ALLOWED_HOSTS" in error["message"]
        assert "Traceback" not in response.text


def test_refused_before_any_route_runs(live_server, monkeypatch: pytest.MonkeyPatch) -> None:
    """A wrong token, an oversized body or an unknown path would each get their own answer (401,
    413, 404) from a route or a middleware inside; the Host check comes first."""
    monkeypatch.setenv("ASSISTANT_API_TOKENS", "team:host-test-token")
    url, evil = live_server.url.rstrip("/"), {"Host": "attacker.example"}
    assert httpx.post(url + "/api/ask", json={"question": "GMV"}, headers=evil).status_code == 421
    assert httpx.post(url + "/api/ask", content=b"x" * 2_000_000, headers=evil).status_code == 421
    assert httpx.get(url + "/api/nowhere", headers=evil).status_code == 421
    assert httpx.post(url + "/api/ask", json={"question": "GMV"}).status_code == 401  # the real name: 401


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::1]"])
def test_loopback_names_with_any_port_are_served(live_server, host: str) -> None:
    port = live_server.url.rstrip("/").rsplit(":", 1)[1]
    for value in (host, f"{host}:{port}", f"{host}:80"):
        response = httpx.get(live_server.url + "health", headers={"Host": value}, timeout=30)
        assert response.status_code == 200 and response.json()["status"] == "ok"
    asked = httpx.post(live_server.url + "api/ask", json={"question": "上个月GMV是多少"},
                       headers={"Host": f"{host}:{port}"}, timeout=120)
    assert asked.status_code == 200 and asked.json()["error"] is None


@pytest.fixture(scope="module")
def named_server(demo_db: Path, tmp_path_factory: pytest.TempPathFactory):
    """A loopback server reached through a proxy under two more names (read at start)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ASSISTANT_HOME", str(tmp_path_factory.mktemp("hosts-home")))
        patch.setenv("ASSISTANT_ALLOWED_HOSTS", "bi.example.com")
        patch.setenv("ASSISTANT_PUBLIC_URL", "https://assistant.example.org")
        from assistant.server import serve

        server = serve(demo_db, "127.0.0.1", free_port(), block=False)
        try:
            yield server
        finally:
            server.close()


def test_configured_names_are_served_everywhere_mcp_included(named_server) -> None:
    for host in ("bi.example.com", "bi.example.com:8443", "assistant.example.org", "127.0.0.1"):
        assert httpx.get(named_server.url + "health", headers={"Host": host}, timeout=30).status_code == 200
        mcp = httpx.post(named_server.url + "mcp", json=INITIALIZE, headers={"Host": host, **MCP_HEADERS},
                         timeout=30)
        assert mcp.status_code == 200, (host, mcp.text[:200])  # the MCP SDK's own check agrees
    refused = httpx.get(named_server.url + "health", headers={"Host": "other.example.com"}, timeout=30)
    assert refused.status_code == 421
