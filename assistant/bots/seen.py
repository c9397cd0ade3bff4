"""A bounded, thread-safe memory of recently seen keys (signatures, event ids) with expiry."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict


class SeenCache:
    """Remembers each key for `ttl` seconds, at most `max_items` keys (oldest dropped first).

    `add` is an atomic check-and-insert, so two concurrent copies of one request cannot both pass.
    """

    def __init__(self, ttl: float, max_items: int = 10_000):
        self.ttl = ttl
        self.max_items = max_items
        self._expiry: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()

    def add(self, key: str, now: float | None = None) -> bool:
        """True the first time `key` is seen within ttl, False for a repeat."""
        now = time.time() if now is None else now
        with self._lock:
            self._purge(now)
            if key in self._expiry:
                return False
            self._expiry[key] = now + self.ttl
            while len(self._expiry) > self.max_items:
                self._expiry.popitem(last=False)
            return True

    def __contains__(self, key: object) -> bool:
        with self._lock:
            self._purge(time.time())
            return key in self._expiry

    def _purge(self, now: float) -> None:
        # Insertion order is expiry order (one ttl per cache), so expired keys sit at the front.
        while self._expiry:
            key, expiry = next(iter(self._expiry.items()))
            if expiry > now:
                break
            del self._expiry[key]
