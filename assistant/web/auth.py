"""Who may do what in the web app. Login itself is Gradio's (`auth=`), configured by ASSISTANT_USERS,
with `LoginLimiter` in front of the password check; admin actions (importing or replacing datasets,
exports with personal data) are for the names in ASSISTANT_ADMINS. Without ASSISTANT_USERS (one
person on 127.0.0.1) all is allowed."""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from contextvars import ContextVar

import gradio as gr
from starlette.types import ASGIApp, Receive, Scope, Send

from assistant.config import check_login, env_number, login_required, user_is_admin, verify_api_token

__all__ = ["ADMIN_ONLY", "LoginLimiter", "RememberClientAddress", "admin_refusal", "check_login", "is_admin",
           "login_required", "username", "verify_api_token"]
log = logging.getLogger("assistant.web")

ADMIN_ONLY = {
    "en": "Only an administrator can do this (see ASSISTANT_ADMINS). Nothing was changed.",
    "zh": "只有管理员可以执行此操作（见 ASSISTANT_ADMINS）。未做任何更改。",
}


def username(request: gr.Request | None) -> str | None:
    return getattr(request, "username", None) if request is not None else None


def is_admin(request: gr.Request | None) -> bool:
    """True when login is off, or the logged-in user is listed in ASSISTANT_ADMINS."""
    allowed = user_is_admin(username(request))
    if not allowed:
        log.warning("admin action refused for user %r", username(request))
    return allowed


def admin_refusal(lang: str) -> str:
    return "🔒 " + ADMIN_ONLY["en" if lang == "en" else "zh"]


# --- login rate limiting ------------------------------------------------------------------------
# Gradio calls its `auth` callable with (username, password) only. The client's address reaches it
# through this context variable, set for every HTTP request by `RememberClientAddress` (the login
# handler runs in the same context). Behind a reverse proxy, uvicorn takes the address from
# X-Forwarded-For when the proxy is one it trusts (--forwarded-allow-ips; 127.0.0.1 by default).
_client_address: ContextVar[str | None] = ContextVar("assistant_client_address", default=None)


class RememberClientAddress:
    """ASGI middleware: makes the client's address known to `LoginLimiter` for this request."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        token = _client_address.set(str(client[0]) if client else None)
        try:
            await self.app(scope, receive, send)
        finally:
            _client_address.reset(token)


def max_login_failures() -> int:
    return int(env_number("ASSISTANT_LOGIN_MAX_FAILURES", 5, 1, integer=True))


def login_window_seconds() -> float:
    return env_number("ASSISTANT_LOGIN_WINDOW", 300, 1)


class LoginLimiter:
    """Gradio's `auth=` callable: `check_login`, unless the user name or the client address has had
    `max_failures` failed logins (ASSISTANT_LOGIN_MAX_FAILURES, 5) within `window` seconds
    (ASSISTANT_LOGIN_WINDOW, 300). Then every attempt fails at once, without checking the password,
    until the oldest failure leaves the window: a guesser gets five tries per five minutes per name
    and per address instead of thousands. Unknown names count like known ones, so the lock reveals
    nothing about which names exist; a good password clears its name's failures (not its
    address's). Attempts that are checked still cost one constant-time scrypt comparison, known
    name or not (`check_login`). Failures are kept in memory per server, for at most `max_keys`
    names and addresses (the least recently failed are forgotten first)."""

    def __init__(self, check: Callable[[str, str], bool] = check_login, *, max_failures: int | None = None,
                 window: float | None = None, clock: Callable[[], float] = time.monotonic,
                 max_keys: int = 10_000):
        self.check = check
        self.max_failures = max_failures or max_login_failures()
        self.window = window or login_window_seconds()
        self.clock = clock
        self.max_keys = max_keys
        self._failures: OrderedDict[tuple[str, str], deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, username: str, password: str) -> bool:
        keys = [("user", username[:256])]
        address = _client_address.get()
        if address:
            keys.append(("address", address))
        now = self.clock()
        with self._lock:
            locked = [key for key in keys if self._recent(key, now) >= self.max_failures]
        if locked:
            log.warning("login refused without checking the password: %s had %d failed logins within %.0f s",
                        _describe(locked), self.max_failures, self.window)
            return False
        accepted = self.check(username, password)
        with self._lock:
            if accepted:
                self._failures.pop(keys[0], None)
            else:
                for key in keys:
                    self._fail(key, now)
        return accepted

    def _recent(self, key: tuple[str, str], now: float) -> int:
        """Failures of `key` inside the window (older ones are dropped). Lock held."""
        times = self._failures.get(key)
        if times is None:
            return 0
        while times and times[0] <= now - self.window:
            times.popleft()
        if not times:
            del self._failures[key]
            return 0
        return len(times)

    def _fail(self, key: tuple[str, str], now: float) -> None:
        count = self._recent(key, now)
        times = self._failures.setdefault(key, deque(maxlen=self.max_failures))
        times.append(now)
        self._failures.move_to_end(key)
        while len(self._failures) > self.max_keys:
            self._failures.popitem(last=False)
        if count + 1 == self.max_failures:
            log.warning("login locked for %.0f s: %s had %d failed logins", self.window, _describe([key]),
                        self.max_failures)


def _describe(keys: list[tuple[str, str]]) -> str:
    return " and ".join(f"user {value!r}" if kind == "user" else f"address {value}" for kind, value in keys)


class WebUsers:
    """The logged-in web user a plain HTTP request carries (Gradio's login cookie), for routes that
    live beside the Gradio app (downloads). `attach` finds the mounted Gradio app once it exists."""

    def __init__(self) -> None:
        self._app: object | None = None

    def attach(self, parent: object) -> None:
        for route in getattr(parent, "routes", []):
            inner = getattr(route, "app", None)
            if hasattr(inner, "tokens") and hasattr(inner, "cookie_id"):
                self._app = inner
                return

    def __call__(self, request: object) -> str | None:
        app = self._app
        if app is None:
            return None
        cookies = getattr(request, "cookies", {}) or {}
        token = cookies.get(f"access-token-{app.cookie_id}") or cookies.get(f"access-token-unsecure-{app.cookie_id}")
        return app.tokens.get(token) if token else None
