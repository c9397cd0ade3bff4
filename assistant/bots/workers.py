"""Background answering: a bounded pool, and a hand-off between a quick reply and a late one."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Generic, TypeVar

logger = logging.getLogger("assistant.bots")
T = TypeVar("T")


class Workers:
    """At most `running` answers at once and `waiting` more queued; beyond that `submit` says no,
    so a flood of mentions cannot pile up unbounded threads or memory."""

    def __init__(self, running: int = 4, waiting: int = 16):
        self._pool = ThreadPoolExecutor(max_workers=running, thread_name_prefix="bot-answer")
        self._slots = threading.BoundedSemaphore(running + waiting)

    def submit(self, job: Callable[[], None]) -> bool:
        if not self._slots.acquire(blocking=False):
            return False
        try:
            self._pool.submit(self._run, job)
        except RuntimeError:  # pool shut down
            self._slots.release()
            return False
        return True

    def _run(self, job: Callable[[], None]) -> None:
        try:
            job()
        except Exception:
            logger.exception("bot background job failed")
        finally:
            self._slots.release()


class Handoff(Generic[T]):
    """An answer goes in the HTTP response if it is ready within the platform's time limit, and
    through the platform's API otherwise: exactly one of the two, whichever way the race goes."""

    def __init__(self, deliver_late: Callable[[T], None]):
        self._deliver_late = deliver_late
        self._lock = threading.Lock()
        self._ready = threading.Event()
        self._result: T | None = None
        self._late = False

    def finish(self, result: T) -> None:
        """Called by the worker with the answer."""
        with self._lock:
            late = self._late
            if not late:
                self._result = result
                self._ready.set()
        if late:
            self._deliver_late(result)

    def wait(self, seconds: float) -> T | None:
        """The answer if ready within `seconds`; None means it will be delivered late instead."""
        self._ready.wait(seconds)
        with self._lock:
            if self._ready.is_set():
                return self._result
            self._late = True
            return None
