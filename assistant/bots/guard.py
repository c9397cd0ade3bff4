"""Request checks every adapter shares: a capped body, parsed without surprises, fresh timestamps,
and refusals as short JSON (never a stack trace)."""

from __future__ import annotations

import functools
import json
import logging
import time
import xml.etree.ElementTree as ET
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse, Response

MAX_BODY = 1_000_000  # platform callbacks are a few KB; anything near this is not one

logger = logging.getLogger("assistant.bots")


class Rejection(Exception):
    """A refused request: status code and a short reason for the caller."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message

    def response(self) -> Response:
        return JSONResponse({"error": self.message}, status_code=self.status)


def guarded(handler: Callable[..., Awaitable[Response]]) -> Callable[..., Awaitable[Response]]:
    """Turn a Rejection raised anywhere in a handler into its JSON response."""

    @functools.wraps(handler)
    async def wrapper(*args: Any, **kwargs: Any) -> Response:
        try:
            return await handler(*args, **kwargs)
        except Rejection as rejection:
            logger.info("bot request refused (%s): %s", rejection.status, rejection.message)
            return rejection.response()

    return wrapper


def not_configured(platform: str, missing: list[str]) -> Rejection:
    return Rejection(404, f"The {platform} bot is not configured: set {', '.join(missing)} (see docs/bots.md).")


async def read_body(request: Request, limit: int = MAX_BODY) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > limit:
        raise Rejection(413, f"body larger than {limit} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:  # chunked uploads declare no length: count as it arrives
            raise Rejection(413, f"body larger than {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def parse_json(body: bytes) -> dict[str, Any]:
    try:
        value = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise Rejection(400, "body is not JSON") from exc
    if not isinstance(value, dict):
        raise Rejection(400, "body is not a JSON object")
    return value


def parse_xml(body: bytes) -> ET.Element:
    # Callbacks never declare a DTD; refusing one rules out entity-expansion bombs before parsing.
    if b"<!DOCTYPE" in body.upper() or b"<!ENTITY" in body.upper():
        raise Rejection(400, "XML with a DTD is not accepted")
    try:
        return ET.fromstring(body)
    except ET.ParseError as exc:
        raise Rejection(400, "body is not XML") from exc


def require_fresh(timestamp: str, window: float, unit: float = 1.0) -> None:
    """401 unless `timestamp` (in `unit` seconds, e.g. 0.001 for ms) is within `window` of now."""
    try:
        moment = int(timestamp) * unit
    except ValueError as exc:
        raise Rejection(401, "timestamp missing or not a number") from exc
    if abs(time.time() - moment) > window:
        raise Rejection(401, "timestamp outside the allowed window (stale or replayed request, or clock skew)")


def dig(value: Any, *keys: str) -> Any:
    """value[k1][k2]... or None when any level is missing or not an object."""
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def text_at(value: Any, *keys: str) -> str:
    found = dig(value, *keys)
    return found if isinstance(found, str) else ("" if found is None else str(found))
