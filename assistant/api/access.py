"""Who may call the API. With ASSISTANT_API_TOKENS set, every call needs `Authorization: Bearer <token>`.
Without tokens the API is open only where the web app is open too: no ASSISTANT_USERS (one person on
127.0.0.1, or a network the operator declared protected with ASSISTANT_ALLOW_OPEN=1; `serve` refuses
any other address). With web logins but no tokens, the API stays shut rather than bypass the login.

A caller is named by its token (`token:<label>`), or `local` when the API is open: conversations are
bound to that name (assistant.api.conversations), so one token cannot continue another's."""

from __future__ import annotations

from typing import Any

from assistant.api.conversations import LOCAL
from assistant.config import load_api_tokens, login_required, verify_api_token
from tools.result import ToolError

TOKEN_PREFIX = "token:"


def check_caller(authorization: str | None) -> str:
    """The caller's name (`token:<label>`, or `local` when the API is open), or a ToolError `unauthorized`."""
    if load_api_tokens():
        label = verify_api_token(authorization)
        if label is None:
            raise ToolError(
                "unauthorized",
                "Missing or wrong API token: send `Authorization: Bearer <token>` (ASSISTANT_API_TOKENS).",
                "缺少或错误的 API 令牌：请发送 `Authorization: Bearer <令牌>`（见 ASSISTANT_API_TOKENS）。",
            )
        return TOKEN_PREFIX + label
    if login_required():
        raise ToolError(
            "unauthorized",
            "The web app requires login and no API tokens are configured: set ASSISTANT_API_TOKENS to use the API.",
            "网页端需要登录，但未配置 API 令牌：请设置 ASSISTANT_API_TOKENS 后再使用 API。",
        )
    return LOCAL


def request_caller(request: Any) -> str:
    """The caller of an HTTP request (a Starlette `Request`, e.g. the one an MCP tool call came in)."""
    headers = getattr(request, "headers", None)
    return check_caller(headers.get("authorization") if headers is not None else None)


def token_ok(authorization: str | None) -> bool:
    try:
        check_caller(authorization)
    except ToolError:
        return False
    return True
