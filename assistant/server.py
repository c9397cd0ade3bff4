"""`assistant serve`: one process, one port, serving the web app and the API side by side.

    /            the Gradio web app (login when ASSISTANT_USERS is set)
    /api/...     the JSON API (the CLI's contract; docs at /api/docs, spec at /api/openapi.json)
    /v1/...      the OpenAI-compatible endpoint
    /mcp         the MCP server (streamable HTTP)
    /bots/...    WeCom, DingTalk, Feishu and Slack callbacks (docs/bots.md)
    /api/images/, /api/charts/   table images and chart pages that answers link to
    /health      liveness

All of them answer through one `Service` (datasets, conversations, published links), so a dataset
opened for the web app is the one the API reads.

Access, in one place each: `HostGuard` refuses Host names that are not the server's (DNS rebinding,
assistant/api/hosts.py) before any route runs; `LoginLimiter` slows password guessing at the web
login (assistant/web/auth.py); conversations are bound to the caller that started them
(assistant/api/conversations.py), the bots' to the bot callbacks."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import gradio as gr
import uvicorn
from fastapi import FastAPI

from assistant.api import build_api
from assistant.api.access import request_caller, token_ok
from assistant.api.app import caller, finish_routes
from assistant.api.conversations import BOT_PREFIX, BOTS
from assistant.api.hosts import HostGuard, allowed_hosts
from assistant.api.openai_compat import openai_routes
from assistant.api.service import Service
from assistant.bots import bots_router
from assistant.config import check_exposure, login_required, workspace
from assistant.ingest.readers import max_upload_bytes
from assistant.mcp_server import build_mcp_server, mount_mcp
from assistant.web.app import AUTH_MESSAGE, build_app, launch_options, shared_engine
from assistant.web.auth import LoginLimiter, RememberClientAddress, WebUsers
from assistant.web.context import ContextCache, WebContext
from assistant.web.downloads import ClientCookie, downloads_router

log = logging.getLogger("assistant.server")


@dataclass
class Built:
    app: FastAPI
    blocks: gr.Blocks
    service: Service


def build_server(data: str | os.PathLike[str] | None = None, host: str = "127.0.0.1", port: int = 7860) -> Built:
    service = Service(ContextCache(WebContext(shared_engine(data))))
    app = build_api(service)
    app.include_router(openai_routes(service, caller))
    # Platform callbacks, not an API for clients: kept out of the OpenAPI spec (docs/bots.md).
    app.include_router(bots_router(*bot_hooks(service, f"http://{_reachable(host)}:{port}")),
                       include_in_schema=False)
    web_users = WebUsers()
    app.include_router(downloads_router(web_users))  # the web app's files: short-lived owned links, no folder
    finish_routes(app)
    hosts = allowed_hosts(host)
    # The SDK's own Host/Origin check on /mcp stays, with the same names as HostGuard's.
    mount_mcp(app, build_mcp_server(service.engine, ask=service.ask, caller_of=request_caller), "/mcp",
              check_token=token_ok, allowed_hosts=["*"] if hosts is None else _as_host_patterns(hosts))
    private_uploads()
    blocks = build_app(data, service.cache)
    login = {"auth": LoginLimiter(), "auth_message": AUTH_MESSAGE} if login_required() else {}
    # max_file_size: Gradio's own upload route stops at the size the importer accepts (mounted, it
    # set no limit, and a 300 MB upload landed in the workspace before anything looked at it).
    app = gr.mount_gradio_app(app, blocks, path="/", footer_links=["api"], show_error=False,
                              max_file_size=max_upload_bytes(), **login, **launch_options())
    web_users.attach(app)
    # Mounted apps never count as launched, and Gradio then skips its own check that a file input
    # names an upload (processing_utils._check_allowed): any server path was copied in and handed on.
    blocks.has_launched = True
    app.add_middleware(ClientCookie)  # tells browsers apart, to give each its own downloads
    app.add_middleware(RememberClientAddress)  # the login limiter counts failures per client address
    app.add_middleware(HostGuard, allowed=hosts)  # added last: the outermost, before any route runs
    return Built(app, blocks, service)


def _as_host_patterns(names: frozenset[str]) -> list[str]:
    """Names as they appear in a Host header: IPv6 addresses in brackets."""
    return sorted(f"[{name}]" if ":" in name else name for name in names)


def private_uploads() -> None:
    """Gradio keeps uploads (shops' exports, with phone numbers) in its temp folder, /tmp/gradio by
    default and readable by every account on the machine: use a folder in the workspace (0700)."""
    if not os.environ.get("GRADIO_TEMP_DIR"):
        folder = workspace() / "uploads"
        folder.mkdir(mode=0o700, exist_ok=True)
        os.environ["GRADIO_TEMP_DIR"] = str(folder)


def _reachable(host: str) -> str:
    return "127.0.0.1" if host in ("0.0.0.0", "::", "") else host


def bot_hooks(service: Service, base_url: str) -> tuple[Callable[[str, str], dict], Callable[[dict], list]]:
    """Each group chat is one conversation (its chat key is the conversation id), so follow-ups work
    in a group as in the web app. Links use ASSISTANT_PUBLIC_URL when set: chat platforms and the
    people in them reach the server by its public name, not the address it listens on."""

    def ask(chat_key: str, question: str) -> dict:
        # Only this path (behind each platform's signature check) may use a `bot:` conversation.
        conversation_id, answer = service.ask(question, BOT_PREFIX + chat_key, caller=BOTS)
        return answer.to_json(200) | {"conversation_id": conversation_id}

    def publish(answer: dict) -> list[tuple[str, str]]:
        return service.links(answer, base_url)

    return ask, publish


class RunningServer:
    """A server started with `block=False` (tests, notebooks): `.url`, then `.close()`."""

    def __init__(self, server: uvicorn.Server, thread: threading.Thread, built: Built, url: str):
        self.server, self.thread, self.built, self.url = server, thread, built, url

    def close(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)


def serve(data: str | os.PathLike[str] | None = None, host: str = "127.0.0.1", port: int = 7860,
          block: bool = True) -> RunningServer | None:
    """With ASSISTANT_USERS set, every page needs a login and the API a token; without it, a
    non-loopback `host` is refused unless ASSISTANT_ALLOW_OPEN=1 (README "Running it for a team")."""
    check_exposure(host)
    built = build_server(data, host, port)
    config = uvicorn.Config(built.app, host=host, port=port, log_level="warning" if block else "error",
                            timeout_graceful_shutdown=5)
    server = uvicorn.Server(config)
    url = f"http://{_reachable(host)}:{port}/"
    if block:
        print(f"Serving on {url} (API docs: {url}api/docs)", flush=True)
        server.run()
        return None
    thread = threading.Thread(target=server.run, name="assistant-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"the server did not start on {host}:{port}")
        time.sleep(0.05)
    return RunningServer(server, thread, built, url)
