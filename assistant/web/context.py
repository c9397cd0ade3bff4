"""What every session shares: one Engine per dataset, the answer strategy, cached read-only results."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import Any

from assistant.answer import Answer
from assistant.conversation import AnswerStrategy, Conversation, OfflineStrategy
from assistant.engine import Engine

log = logging.getLogger("assistant.web")


def make_strategy(engine: Engine) -> AnswerStrategy:
    """The LLM agent when it is installed and configured, else the offline router."""
    try:
        from assistant.agent import strategy_from_env
    except ImportError:
        return OfflineStrategy()
    try:
        strategy = strategy_from_env(engine)
    except Exception:  # a broken LLM configuration must not take the app down
        log.exception("could not start the LLM strategy; using the offline router")
        return OfflineStrategy()
    return strategy or OfflineStrategy()


@dataclass
class WebContext:
    engine: Engine
    _cache: dict[tuple[Any, ...], Answer] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.offline = isinstance(make_strategy(self.engine), OfflineStrategy)

    def conversation(self) -> Conversation:
        return Conversation(self.engine, make_strategy(self.engine))

    def cached_tool(self, name: str, args: dict[str, Any], lang: str) -> Answer:
        """Tool answers over the read-only data never change while the app runs: compute once."""
        key = (name, tuple(sorted((k, str(v)) for k, v in args.items())), lang)
        with self._lock:
            hit = self._cache.get(key)
        if hit is not None:
            return hit
        answer = self.engine.run_tool(name, args, lang)
        if answer.ok:
            with self._lock:
                self._cache[key] = answer
        return answer


@dataclass
class Session:
    """One browser session: its own conversation and its last answer's table."""

    conversation: Conversation
    history: list[Any] = field(default_factory=list)
    step: int = 0
