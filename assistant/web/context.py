"""What sessions share: one WebContext (Engine + cached results) per dataset, created lazily.

Memory stays bounded however long the app runs and however many people use it (issue 7, load):

- `ASSISTANT_WEB_MAX_DATASETS` (default 8): at most this many datasets are open at once, the
  default (demo) one included. Opening one more closes the least recently used dataset that has
  been idle for `ASSISTANT_WEB_DATASET_IDLE` seconds (default 120, longer than a query's time
  limit, so no request still running on it is cut off). When every other dataset is busy the cap
  is exceeded for a moment and enforced at the next `get`. A closed dataset frees its DuckDB
  instance (buffer pool, caches); a session still talking about it gets the same Engine reopened
  on its next question, so its follow-ups keep working.
- `ASSISTANT_WEB_MAX_CACHED_ANSWERS` (default 256): cached tool answers per dataset (LRU).
- `ASSISTANT_WEB_MAX_TURNS` (default: `ASSISTANT_MAX_TURNS`, 50): a session's chat history keeps
  the messages of its last N questions; its Conversation keeps its last N turns (see
  `assistant.conversation`).
"""

from __future__ import annotations

import logging
import os
import threading
import time
import weakref
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.answer import Answer
from assistant.config import env_number, sealing
from assistant.conversation import AnswerStrategy, Conversation, OfflineStrategy, max_turns
from assistant.engine import Engine
from tools.warehouse import open_warehouse

log = logging.getLogger("assistant.web")


def max_open_datasets() -> int:
    return int(env_number("ASSISTANT_WEB_MAX_DATASETS", 8, 1))


def dataset_idle_seconds() -> float:
    return env_number("ASSISTANT_WEB_DATASET_IDLE", 120, 0)


def max_cached_answers() -> int:
    return int(env_number("ASSISTANT_WEB_MAX_CACHED_ANSWERS", 256, 0))


def max_history_turns() -> int:
    return int(env_number("ASSISTANT_WEB_MAX_TURNS", max_turns(), 1))


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
    _cache: OrderedDict[tuple[Any, ...], Answer] = field(default_factory=OrderedDict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    last_used: float = field(default_factory=time.monotonic)
    max_cached: int = field(default_factory=max_cached_answers)

    def __post_init__(self) -> None:
        self.offline = isinstance(make_strategy(self.engine), OfflineStrategy)

    def conversation(self) -> Conversation:
        return Conversation(self.engine, make_strategy(self.engine))

    def cached_tool(self, name: str, args: dict[str, Any], lang: str) -> Answer:
        """Tool answers over the read-only data never change while the app runs: compute once
        (the least recently used answers are dropped beyond `max_cached`)."""
        key = (name, tuple(sorted((k, str(v)) for k, v in args.items())), lang)
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
        if hit is not None:
            return hit
        answer = self.engine.run_tool(name, args, lang)
        if answer.ok and self.max_cached > 0:
            with self._lock:
                self._cache[key] = answer
                while len(self._cache) > self.max_cached:
                    self._cache.popitem(last=False)
        return answer

    def cached_answers(self) -> int:
        with self._lock:
            return len(self._cache)


def trim_history(history: list[Any], turns: int) -> list[Any]:
    """The messages from the `turns`-th last question on (each question starts a turn)."""
    starts = [i for i, message in enumerate(history) if _role(message) == "user"]
    if len(starts) <= turns:
        return history
    return history[starts[-turns]:]


def _role(message: Any) -> Any:
    return message.get("role") if isinstance(message, dict) else getattr(message, "role", None)


@dataclass
class Session:
    """One browser session: its own conversation and its last answer's table."""

    conversation: Conversation
    history: list[Any] = field(default_factory=list)
    step: int = 0
    key: str = ""  # the dataset this conversation talks about (a ContextCache key)
    tables: list[Any] = field(default_factory=list)  # the last answer's tables, for the table picker

    def __setattr__(self, name: str, value: Any) -> None:
        # Whoever replaces the history (the chat tab after each answer), it keeps the last turns only.
        if name == "history" and isinstance(value, list):
            value = trim_history(value, max_history_turns())
        super().__setattr__(name, value)


DEMO = "demo"


def path_key(path: str | os.PathLike[str]) -> str:
    return str(Path(path).expanduser().resolve())


_CACHES: weakref.WeakSet[ContextCache] = weakref.WeakSet()


def open_caches() -> list[ContextCache]:
    """Every live ContextCache in this process (for tests and diagnostics)."""
    return list(_CACHES)


class ContextCache:
    """WebContexts by dataset key (the resolved DuckDB path); the default one is made up front and
    never closed. At most `max_open` are open: see the module docstring."""

    def __init__(self, default: WebContext, max_open: int | None = None, idle_seconds: float | None = None):
        self.default = default
        self.default_key = path_key(default.engine.data_path)
        self.max_open = max_open or max_open_datasets()
        self.idle_seconds = dataset_idle_seconds() if idle_seconds is None else idle_seconds
        self._contexts: OrderedDict[str, WebContext] = OrderedDict({self.default_key: default})
        # Engines closed to free memory, still referenced by some session: reopened on its next use.
        self._closed: weakref.WeakValueDictionary[str, Engine] = weakref.WeakValueDictionary()
        self._lock = threading.Lock()
        self.closed_count = 0
        _CACHES.add(self)

    def get(self, key: str | None) -> WebContext:
        key = key or self.default_key
        with self._lock:
            ctx = self._contexts.get(key)
            if ctx is not None:
                self._contexts.move_to_end(key)
                ctx.last_used = time.monotonic()
                evicted = self._over_cap(key)
            else:
                dormant = self._closed.pop(key, None)
        if ctx is not None:
            self._close_all(evicted)
            return ctx
        ctx = WebContext(_reopen(dormant) if dormant is not None
                         else Engine(key, self.default.engine.warehouse.kind))  # read-only, same engine
        with self._lock:
            kept = self._contexts.setdefault(key, ctx)
            self._contexts.move_to_end(key)
            kept.last_used = time.monotonic()
            evicted = self._over_cap(key)
        if kept is not ctx:  # another request opened it meanwhile
            evicted.append(ctx)
        self._close_all(evicted)
        return kept

    def _over_cap(self, wanted: str) -> list[WebContext]:
        """Pop the least recently used idle contexts beyond the cap, never the default one or the
        one just asked for (call with the lock held)."""
        evicted: list[WebContext] = []
        now = time.monotonic()
        for key in list(self._contexts):
            if len(self._contexts) <= self.max_open:
                break
            ctx = self._contexts[key]
            if key in (self.default_key, wanted) or now - ctx.last_used < self.idle_seconds:
                continue
            del self._contexts[key]
            self._closed[key] = ctx.engine
            evicted.append(ctx)
        return evicted

    def _close_all(self, contexts: list[WebContext]) -> None:
        for ctx in contexts:
            try:
                ctx.engine.close()
                self.closed_count += 1
            except Exception:
                log.exception("could not close an idle dataset")

    def open_count(self) -> int:
        with self._lock:
            return len(self._contexts)

    def forget(self, key: str) -> None:
        """After a re-import rewrote this file: the next `get` opens the new one."""
        if key == self.default_key:
            return
        with self._lock:
            old = self._contexts.pop(key, None)
            self._closed.pop(key, None)
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


def _reopen(engine: Engine) -> Engine:
    """Give a closed Engine a fresh read-only warehouse on the same file (same object, so sessions
    holding it carry on)."""
    engine.warehouse = open_warehouse(engine.data_path, engine.warehouse.kind, sealing())
    return engine
