"""Files the web app hands out, as short-lived links with random names; no folder is served.

Gradio serves a file by copying it into its cache and linking to the copy, so a campaign file with
phone numbers would sit in a served folder under a guessable name for as long as the server runs.
Instead every download here is held in memory under a random 256-bit token and served by
`GET /downloads/<token>/<name>`, to its owner only:

- the owner is the logged-in user who made the file (login on), else the browser that made it,
  known by the `assistant-client` cookie this server gives every browser (`ClientCookie`);
- a file with contact details is served once, and only to an owner it can name: a client that
  shows neither a login nor the cookie (a script without login) gets no link for it (the CLI's
  `--include-personal` is the scripted way);
- any other file is served until the link expires (a person may click "download CSV" twice),
  bound to its owner when there is one.

Nothing is written to disk; a link another client presents is answered like an unknown one.
"""

from __future__ import annotations

import os
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import gradio as gr
from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response
from gradio.data_classes import FileData

from tools.exports import MEDIA_TYPES

TTL_SECONDS = 30 * 60
MAX_HELD_BYTES = 512 * 1024 * 1024  # past this, the oldest offers are dropped first
PREFIX = "/downloads"
CLIENT_COOKIE = "assistant-client"


@dataclass(frozen=True)
class Owner:
    user: str | None = None  # the logged-in user, when login is on
    client: str | None = None  # the browser's assistant-client cookie

    @property
    def known(self) -> bool:
        return bool(self.user or self.client)

    def admits(self, requester: Owner) -> bool:
        if self.user:
            return requester.user == self.user
        if self.client:
            return requester.client is not None and secrets.compare_digest(requester.client, self.client)
        return True


@dataclass
class Offer:
    data: bytes
    filename: str
    media_type: str
    once: bool
    expires: float
    owner: Owner


class Downloads:
    def __init__(self, ttl: float = TTL_SECONDS, max_bytes: int = MAX_HELD_BYTES):
        self.ttl, self.max_bytes = ttl, max_bytes
        self._offers: dict[str, Offer] = {}
        self._lock = threading.Lock()

    def offer(self, data: bytes, filename: str, *, once: bool, owner: Owner = Owner()) -> str:
        """A new token for these bytes. `once`: the first successful download removes it."""
        suffix = filename.rsplit(".", 1)[-1].lower()
        token = secrets.token_urlsafe(32)
        offer = Offer(data, filename, MEDIA_TYPES.get(suffix, "application/octet-stream"), once,
                      time.monotonic() + self.ttl, owner)
        with self._lock:
            self._prune()
            self._offers[token] = offer
            held = sum(len(o.data) for o in self._offers.values())
            for old in list(self._offers):
                if held <= self.max_bytes or old == token:
                    break
                held -= len(self._offers.pop(old).data)
        return token

    def take(self, token: str, requester: Owner = Owner()) -> Offer | None:
        """The offer, if `requester` owns it (a one-off offer is then gone)."""
        with self._lock:
            self._prune()
            offer = self._offers.get(token)
            if offer is None or not offer.owner.admits(requester):
                return None
            if offer.once:
                del self._offers[token]
            return offer

    def _prune(self) -> None:
        now = time.monotonic()
        for token in [t for t, o in self._offers.items() if o.expires < now]:
            del self._offers[token]

    def __len__(self) -> int:
        with self._lock:
            self._prune()
            return len(self._offers)


DOWNLOADS = Downloads()


class DownloadLink(gr.DownloadButton):
    """Gradio's download button given one of these links. Handed a plain http URL, Gradio would
    fetch it into its cache (taking a one-off link, and refused on loopback); as a FileData with its
    `url` set, the browser fetches it when the person clicks."""

    is_template = True  # the frontend draws it as the DownloadButton it is

    def postprocess(self, value: str | Path | None) -> FileData | None:
        if isinstance(value, str) and value.startswith(("http://", "https://")):
            name = unquote(value.rsplit("/", 1)[-1]) or "download"
            # is_stream: gradio_client then fetches the URL itself instead of asking /file= for it.
            return FileData(path=value, url=value, orig_name=name, is_stream=True)
        return super().postprocess(value)


def event_owner(request: Any) -> Owner:
    """Who made a file, from the gr.Request of the event that made it."""
    raw = getattr(request, "request", None)
    cookies = getattr(raw, "cookies", None) or getattr(request, "cookies", None) or {}
    return Owner(getattr(request, "username", None) or None, cookies.get(CLIENT_COOKIE) or None)


def download_url(request: Any, data: bytes, filename: str, *, once: bool = False) -> str | None:
    """An absolute link (Gradio leaves http URLs alone instead of caching a copy) on the address
    the browser used, for these bytes; None for a one-off file whose maker cannot be named."""
    owner = event_owner(request)
    if once and not owner.known:
        return None
    token = DOWNLOADS.offer(data, filename, once=once, owner=owner)
    return f"{base_url(request)}{PREFIX.lstrip('/')}/{token}/{quote(filename)}"


def base_url(request: Any) -> str:
    """scheme://host/root/ as the browser sees the app: ASSISTANT_PUBLIC_URL when set (a reverse
    proxy may pass its own address as Host), else the request's Host (already checked against the
    server's allow-list) and forwarded scheme."""
    public = os.environ.get("ASSISTANT_PUBLIC_URL", "").strip()
    if public.startswith(("http://", "https://")):
        return public.rstrip("/") + "/"
    raw = getattr(request, "request", None)
    headers = getattr(raw, "headers", None) or getattr(request, "headers", None) or {}
    host = headers.get("host") or "127.0.0.1"
    scheme = headers.get("x-forwarded-proto") or getattr(getattr(raw, "url", None), "scheme", None) or "http"
    root = (getattr(raw, "scope", None) or {}).get("root_path", "") if raw is not None else ""
    return f"{scheme.split(',')[0].strip()}://{host.split(',')[0].strip()}{root.rstrip('/')}/"


class ClientCookie:
    """Gives every client that has none a random `assistant-client` cookie (HttpOnly, SameSite=Lax),
    so a browser can be told apart from another without a login (pure ASGI middleware)."""

    def __init__(self, app: Any):
        self.app = app

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http" or _has_cookie(scope):
            await self.app(scope, receive, send)
            return
        value = secrets.token_urlsafe(24)
        secure = "; Secure" if scope.get("scheme") == "https" else ""
        cookie = f"{CLIENT_COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax{secure}".encode()

        async def with_cookie(message: dict) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), (b"set-cookie", cookie)]}
            await send(message)

        await self.app(scope, receive, with_cookie)


def _has_cookie(scope: dict) -> bool:
    for name, value in scope.get("headers", []):
        if name == b"cookie" and f"{CLIENT_COOKIE}=".encode() in value:
            return True
    return False


def downloads_router(user_of: Callable[[Request], str | None] = lambda request: None,
                     downloads: Downloads = DOWNLOADS) -> APIRouter:
    """`user_of`: the logged-in web user a request carries (the Gradio login cookie), if any."""
    router = APIRouter(include_in_schema=False)

    @router.get(PREFIX + "/{token}/{name}")
    def download(token: str, name: str, request: Request) -> Response:
        requester = Owner(user_of(request), request.cookies.get(CLIENT_COOKIE))
        offer = downloads.take(token, requester)
        if offer is None:
            return PlainTextResponse("This download link has expired, was already used, or belongs to another "
                                     "session. Export the file again.\n"
                                     "下载链接已失效、已被使用或属于其他会话，请重新导出。", status_code=404,
                                     headers={"Cache-Control": "no-store"})
        disposition = f"attachment; filename*=UTF-8''{quote(offer.filename)}"
        return Response(offer.data, media_type=offer.media_type,
                        headers={"Content-Disposition": disposition, "Cache-Control": "no-store",
                                 "X-Content-Type-Options": "nosniff"})

    return router
