"""Which `Host` names the server answers to: protection against DNS rebinding.

A web page on another site can make a browser send requests to 127.0.0.1 by pointing its own domain
name at that address ("rebinding"); the browser then treats our answers as that site's and lets its
script read them. Such requests still carry the other site's name in `Host`, so a server that
answers only under its own names is safe from it.

- Listening on loopback (the default, no login): only `localhost`, `127.0.0.1` and `[::1]` (any port),
  plus the names in `ASSISTANT_ALLOWED_HOSTS` (comma-separated, e.g. `analytics.example.com` for a
  reverse proxy on the same machine) and the host of `ASSISTANT_PUBLIC_URL`.
- Listening on another address: any `Host`, as before (logins or tokens guard it), unless
  `ASSISTANT_ALLOWED_HOSTS` is set; then the same rule applies, the listening address included.
  `ASSISTANT_ALLOWED_HOSTS=*` turns the check off explicitly.

Read once at start, like the other access settings. `HostGuard` enforces it for the whole app (web
app, API, OpenAI endpoint, MCP, bots, published links) before any route runs."""

from __future__ import annotations

import json
import logging
import os
from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from assistant.api.errors import error_payload
from assistant.config import is_loopback
from tools.result import ToolError

log = logging.getLogger("assistant.api")

SETTING = "ASSISTANT_ALLOWED_HOSTS"
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
ANY = "*"


def host_name(value: str) -> str:
    """The name in a `Host` header or a setting, without port, brackets or trailing dot, lowercased:
    `[::1]:7860` -> `::1`, `Example.com.:443` -> `example.com`."""
    value = value.strip().lower()
    if value.startswith("["):
        value = value[1:].partition("]")[0]
    elif value.count(":") == 1:
        value = value.partition(":")[0]
    return value.rstrip(".")


def configured_hosts() -> set[str]:
    """ASSISTANT_ALLOWED_HOSTS (names, ports ignored) and the host of ASSISTANT_PUBLIC_URL."""
    names = {host_name(item) for item in os.environ.get(SETTING, "").split(",") if item.strip()}
    public = os.environ.get("ASSISTANT_PUBLIC_URL", "").strip()
    if public:
        try:
            parsed = urlsplit(public if "//" in public else "//" + public).hostname
        except ValueError:  # a malformed URL adds no name; links then simply use the listening address
            parsed = None
        if parsed:
            names.add(host_name(parsed))
    return {name for name in names if name}


def allowed_hosts(listen_host: str) -> frozenset[str] | None:
    """The Host names to accept for a server listening on `listen_host`; None accepts any."""
    configured = configured_hosts()
    if ANY in configured:
        return None
    if is_loopback(listen_host):
        return LOOPBACK_NAMES | configured
    if not os.environ.get(SETTING, "").strip():
        return None  # a network address without the setting: reached under names we cannot know
    listening = host_name(listen_host)
    specific = {listening} if listening not in ("0.0.0.0", "::", "") else set()
    return LOOPBACK_NAMES | configured | specific


class HostGuard:
    """ASGI middleware: a request whose `Host` is not allowed gets 421 before any route runs."""

    def __init__(self, app: ASGIApp, allowed: frozenset[str] | None):
        self.app = app
        self.allowed = allowed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.allowed is None or scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        host = Headers(scope=scope).get("host", "")
        if host_name(host) in self.allowed:
            await self.app(scope, receive, send)
            return
        log.warning("refused a request for Host %r: not one of this server's names (%s)", host[:100], SETTING)
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        await _refuse(send)


REFUSAL = ToolError(
    "host_not_allowed",
    "This server does not answer under that host name. Open it at its own address (e.g. "
    f"http://127.0.0.1:<port>/), or add the name to {SETTING}.",
    f"本服务不接受这个主机名的访问。请用它自己的地址打开（例如 http://127.0.0.1:<端口>/），或把该名称加入 {SETTING}。",
)


async def _refuse(send: Send) -> None:
    body = json.dumps(error_payload(REFUSAL), ensure_ascii=False).encode()
    await send({"type": "http.response.start", "status": 421,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
