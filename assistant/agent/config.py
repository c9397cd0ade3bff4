"""LLM settings, read from the environment (never from files, never logged)."""

from __future__ import annotations

import os
from dataclasses import dataclass

DEFAULT_MODEL = "gpt-4o-mini"
DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_RETRIES = 1
DEFAULT_MAX_MODEL_CALLS = 6


@dataclass(frozen=True)
class LLMSettings:
    api_key: str | None = None
    base_url: str | None = None
    model: str = DEFAULT_MODEL
    timeout: float = DEFAULT_TIMEOUT  # seconds per model request
    max_retries: int = DEFAULT_MAX_RETRIES  # SDK retries per request (429/5xx/connection)
    max_model_calls: int = DEFAULT_MAX_MODEL_CALLS  # model calls per question

    def __repr__(self) -> str:  # keep the key out of logs and tracebacks
        key = "set" if self.api_key else "unset"
        return (
            f"LLMSettings(api_key=<{key}>, base_url={self.base_url!r}, model={self.model!r}, "
            f"timeout={self.timeout}, max_retries={self.max_retries}, "
            f"max_model_calls={self.max_model_calls})"
        )


def _number(name: str, default: float, cast: type, minimum: float) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = cast(raw)
    except ValueError:
        return default
    return value if value >= minimum else default


def load_settings() -> LLMSettings:
    """`OPENAI_API_KEY`, `OPENAI_BASE_URL`, `ASSISTANT_MODEL`, `ASSISTANT_LLM_TIMEOUT`,
    `ASSISTANT_LLM_MAX_RETRIES`, `ASSISTANT_MAX_MODEL_CALLS` (bad values fall back to defaults)."""
    return LLMSettings(
        api_key=os.environ.get("OPENAI_API_KEY", "").strip() or None,
        base_url=os.environ.get("OPENAI_BASE_URL", "").strip() or None,
        model=os.environ.get("ASSISTANT_MODEL", "").strip() or DEFAULT_MODEL,
        timeout=float(_number("ASSISTANT_LLM_TIMEOUT", DEFAULT_TIMEOUT, float, 0.1)),
        max_retries=int(_number("ASSISTANT_LLM_MAX_RETRIES", DEFAULT_MAX_RETRIES, int, 0)),
        max_model_calls=int(_number("ASSISTANT_MAX_MODEL_CALLS", DEFAULT_MAX_MODEL_CALLS, int, 1)),
    )


def llm_configured() -> bool:
    """True when an API key is set (for a local server such as Ollama any non-empty key works)."""
    return load_settings().api_key is not None
