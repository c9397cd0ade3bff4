"""The MCP server over streamable HTTP, as an ASGI app to mount inside the main FastAPI server.

Three things the SDK leaves to whoever mounts it:
- Lifespan: its session manager needs a running task group, and Starlette never runs the lifespan
  of a mounted sub-app. `mount_mcp` wraps the parent app's lifespan (as `gr.mount_gradio_app`
  does), so it composes with the app's own lifespan and with Gradio's, in either order.
- Path: a `Mount("/mcp")` answers `POST /mcp` with a 307 to `/mcp/`, and a catch-all mount at "/"
  (Gradio) would take `/mcp` first anyway. Exact routes for `/mcp` and `/mcp/`, put at the front
  of the route list, avoid both.
- Host checks: the SDK refuses requests whose Host header is not allowed (DNS-rebinding
  protection). Loopback names are allowed; a server reached under another name must list it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from mcp.server import Server
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from mcp.server.transport_security import TransportSecuritySettings
from starlette.applications import Starlette
from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

TokenCheck = Callable[[str | None], bool]
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")
REFUSED = -32001  # JSON-RPC "server error" range: refused before reaching the MCP server


def transport_security(allowed_hosts: Sequence[str] | None = None) -> TransportSecuritySettings:
    """DNS-rebinding protection allowing loopback plus `allowed_hosts` (e.g. "analytics.example.com",
    with or without a port); `["*"]` turns the Host/Origin check off (behind a proxy that checks)."""
    if allowed_hosts and "*" in allowed_hosts:
        return TransportSecuritySettings(enable_dns_rebinding_protection=False)
    hosts = [*LOOPBACK_HOSTS, *(allowed_hosts or ())]
    with_ports = [pattern for host in hosts for pattern in (host, f"{host}:*")]
    return TransportSecuritySettings(
        allowed_hosts=with_ports,
        allowed_origins=[f"{scheme}://{pattern}" for scheme in ("http", "https") for pattern in with_ports],
    )


def bearer_token(scope: Scope) -> str | None:
    """The token of an `Authorization: Bearer <token>` header, None without one."""
    scheme, _, token = Headers(scope=scope).get("authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None


class McpHttpApp:
    """The MCP endpoint (ASGI). It serves only while `lifespan()` is entered; each lifespan runs a
    fresh SDK session manager, because one can run only once (tests start apps more than once)."""

    def __init__(self, server: Server[Any], *, check_token: TokenCheck | None = None,
                 allowed_hosts: Sequence[str] | None = None):
        self.server = server
        self.check_token = check_token
        self.security = transport_security(allowed_hosts)
        self._manager: StreamableHTTPSessionManager | None = None

    @asynccontextmanager
    async def lifespan(self) -> AsyncIterator[None]:
        manager = StreamableHTTPSessionManager(app=self.server, security_settings=self.security)
        async with manager.run():
            self._manager = manager
            try:
                yield
            finally:
                self._manager = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":  # only when wired by hand: a mounted Route never routes these here
            return await send({"type": "websocket.close", "code": 1008})
        if scope["type"] != "http":  # lifespan: the caller enters `lifespan()` itself
            return None
        if self.check_token is not None and not self.check_token(bearer_token(scope)):
            response = _refuse(401, "Unauthorized: send a valid API token as Authorization: Bearer <token>.")
            response.headers["WWW-Authenticate"] = "Bearer"
            return await response(scope, receive, send)
        if self._manager is None:
            message = "The MCP endpoint is not running (the app's lifespan was not started)."
            return await _refuse(503, message)(scope, receive, send)
        await self._manager.handle_request(scope, receive, send)


Lifespan = Callable[[], AbstractAsyncContextManager[None]]


def mcp_asgi(server: Server[Any], *, check_token: TokenCheck | None = None,
             allowed_hosts: Sequence[str] | None = None) -> tuple[ASGIApp, Lifespan]:
    """The endpoint and the lifespan to enter around serving it, for wiring by hand."""
    app = McpHttpApp(server, check_token=check_token, allowed_hosts=allowed_hosts)
    return app, app.lifespan


def mount_mcp(app: Starlette, server: Server[Any], path: str = "/mcp", *, check_token: TokenCheck | None = None,
              allowed_hosts: Sequence[str] | None = None) -> McpHttpApp:
    """Serve `server` at `path` (and `path/`) of `app` (FastAPI or Starlette), its lifespan wrapped
    around the app's. Call before or after `gr.mount_gradio_app(app, ..., path="/")`."""
    endpoint = McpHttpApp(server, check_token=check_token, allowed_hosts=allowed_hosts)
    path = "/" + path.strip("/")
    if path == "/":
        raise ValueError("mount MCP under a path of its own, e.g. /mcp")
    app.router.routes[0:0] = [Route(path, endpoint, name="mcp"), Route(path + "/", endpoint, name="mcp_slash")]
    outer = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(parent: Any) -> AsyncIterator[Any]:
        async with endpoint.lifespan(), outer(parent) as state:
            yield state

    app.router.lifespan_context = lifespan
    return endpoint


def _refuse(status: int, message: str) -> JSONResponse:
    """A JSON-RPC error body: the MCP client then shows our message instead of a bare status code."""
    error = {"code": REFUSED, "message": message}
    return JSONResponse({"jsonrpc": "2.0", "id": None, "error": error}, status_code=status)
