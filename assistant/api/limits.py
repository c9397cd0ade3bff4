"""Request bodies for the API are small JSON: refuse big ones before anything parses them."""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.api.errors import error_payload
from assistant.config import env_number
from tools.result import ToolError

LIMITED_PREFIXES = ("/api/", "/v1/", "/bots/", "/mcp")


def max_body_bytes() -> int:
    return int(env_number("ASSISTANT_API_MAX_BODY", 1_000_000, 1024, integer=True))


class BodyLimit:
    """413 for a body over the limit, whether or not it declares its length (chunked uploads too).
    The body is read once here and handed on, so the app sees exactly what was sent."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(LIMITED_PREFIXES):
            await self.app(scope, receive, send)
            return
        limit = max_body_bytes()
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await _too_large(send, limit)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > limit:
                await _too_large(send, limit)
                return
            if not message.get("more_body"):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


async def _too_large(send: Send, limit: int) -> None:
    error = ToolError("request_too_large", f"The request body is over the {limit:,}-byte limit.",
                      f"请求内容超过 {limit:,} 字节的上限。")
    body = json.dumps(error_payload(error), ensure_ascii=False).encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
