"""What sessions share: one WebContext (Engine + cached results) per dataset, created lazily."""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
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
    key: str = ""  # the dataset this conversation talks about (a ContextCache key)


DEMO = "demo"


def path_key(path: str | os.PathLike[str]) -> str:
    return str(Path(path).expanduser().resolve())


class ContextCache:
    """WebContexts by dataset key (the resolved DuckDB path); the default one is made up front."""

    def __init__(self, default: WebContext):
        self.default = default
        self.default_key = path_key(default.engine.data_path)
        self._contexts: dict[str, WebContext] = {self.default_key: default}
        self._lock = threading.Lock()

    def get(self, key: str | None) -> WebContext:
        key = key or self.default_key
        with self._lock:
            ctx = self._contexts.get(key)
        if ctx is not None:
            return ctx
        ctx = WebContext(Engine(key))  # the Warehouse opens the file read-only
        with self._lock:
            return self._contexts.setdefault(key, ctx)

    def forget(self, key: str) -> None:
        """After a re-import rewrote this file: the next `get` opens the new one."""
        if key == self.default_key:
            return
        with self._lock:
            old = self._contexts.pop(key, None)
        if old is not None:
            try:
                old.engine.close()
            except Exception:
                log.exception("could not close a replaced dataset")

    def datasets(self) -> dict[str, str]:
        """Shown name -> key for the dataset dropdown: the default first, then the workspace's."""
        from assistant.ingest.workspace import list_datasets

        out = {DEMO: self.default_key}
        try:
            for name, info in sorted(list_datasets().items()):
                if name != DEMO and Path(info.path).exists() and path_key(info.path) != self.default_key:
                    out[name] = path_key(info.path)
        except Exception:
            log.exception("could not list the workspace's datasets")
        return out

    def name_of(self, key: str | None) -> str:
        key = key or self.default_key
        return next((name for name, k in self.datasets().items() if k == key), Path(key).stem)
