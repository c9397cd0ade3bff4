"""Calls to the platforms' APIs: JSON over HTTPS with timeouts, and cached access tokens."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import httpx

TIMEOUT = httpx.Timeout(10.0, connect=5.0)


class OutboundError(RuntimeError):
    """A platform API call that failed (network, HTTP status, or an error code in the body)."""


def call_json(method: str, url: str, *, json: Any = None, params: dict[str, str] | None = None,
              token: str | None = None) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    try:
        response = httpx.request(method, url, json=json, params=params, headers=headers, timeout=TIMEOUT)
        response.raise_for_status()
        body = response.json()
    except (httpx.HTTPError, ValueError) as exc:
        raise OutboundError(f"{method} {_public(url)} failed: {exc.__class__.__name__}") from exc
    if not isinstance(body, dict):
        raise OutboundError(f"{method} {_public(url)} returned a non-object")
    return body


def _public(url: str) -> str:
    """The URL without its query string, which may hold tokens (WeCom puts access_token there)."""
    return url.split("?", 1)[0]


class TokenCache:
    """Access tokens per app, reused until shortly before they expire (platforms rate-limit the
    token endpoints, and fetching one per message doubles every reply's latency)."""

    MARGIN = 300.0  # refresh five minutes early

    def __init__(self) -> None:
        self._tokens: dict[str, tuple[str, float]] = {}
        self._lock = threading.Lock()

    def get(self, key: str, fetch: Callable[[], tuple[str, float]]) -> str:
        """The cached token for `key`, or a new one from `fetch` -> (token, lifetime in seconds)."""
        with self._lock:
            token, expires = self._tokens.get(key, ("", 0.0))
            if token and expires > time.time():
                return token
            token, lifetime = fetch()
            self._tokens[key] = (token, time.time() + max(0.0, lifetime - self.MARGIN))
            return token

    def forget(self, key: str) -> None:
        with self._lock:
            self._tokens.pop(key, None)
