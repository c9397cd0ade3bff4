"""Who may do what in the web app. Login itself is Gradio's (`launch(auth=check_login)`), configured
by ASSISTANT_USERS; admin actions (importing or replacing datasets, exports with personal data) are
for the names in ASSISTANT_ADMINS. Without ASSISTANT_USERS (one person on 127.0.0.1) all is allowed."""

from __future__ import annotations

import logging

import gradio as gr

from assistant.config import check_login, login_required, user_is_admin, verify_api_token

__all__ = ["ADMIN_ONLY", "admin_refusal", "check_login", "is_admin", "login_required", "username",
           "verify_api_token"]
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
