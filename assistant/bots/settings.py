"""Bot configuration from environment variables, read on every request (rotating a secret or
enabling a platform needs no restart, and tests can monkeypatch)."""

from __future__ import annotations

import os

from assistant.config import env_number

DEFAULT_SYNC_SECONDS = 4.0  # under WeCom's 5 s limit, with room for the network


def env(*names: str) -> tuple[dict[str, str], list[str]]:
    """The values of `names` that are set (stripped), and the names that are missing."""
    values = {name: os.environ.get(name, "").strip() for name in names}
    return {k: v for k, v in values.items() if v}, [k for k, v in values.items() if not v]


def api_base(name: str, default: str) -> str:
    return (os.environ.get(name, "").strip() or default).rstrip("/")


def sync_seconds() -> float:
    """How long WeCom and DingTalk wait for an answer before replying "working on it" and sending
    the answer later (ASSISTANT_BOTS_SYNC_SECONDS, 0-4.5 s)."""
    return env_number("ASSISTANT_BOTS_SYNC_SECONDS", DEFAULT_SYNC_SECONDS, 0.0, 4.5)
