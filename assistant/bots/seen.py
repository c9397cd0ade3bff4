"""A bounded, thread-safe memory of recently seen keys (signatures, event ids) with expiry, kept on
disk so that it survives a restart.

Replay protection rests on it: a signed callback is accepted once within its timestamp window. Held
only in memory, a captured request would be accepted again after the server restarts (DingTalk's
signature covers only its timestamp, valid for an hour either side). `seen_cache(name, ttl)` keeps
the keys in the workspace (`<ASSISTANT_HOME>/bots/<name>.seen`): one line per key, its expiry and a
SHA-256 digest of the key (never the signature itself), at most `max_items` lines, expired ones
pruned; each change is written to a temporary file (mode 0600) that then replaces the old one, so a
crash leaves either the old or the new file, never half of one."""

from __future__ import annotations

import hashlib
import logging
import math
import os
import tempfile
import threading
import time
from collections import OrderedDict
from pathlib import Path

from assistant.config import workspace

logger = logging.getLogger("assistant.bots")

MAX_ITEMS = 10_000


class SeenCache:
    """Remembers each key for `ttl` seconds, at most `max_items` keys (oldest dropped first); with a
    `path`, also across restarts (see the module docstring).

    `add` is an atomic check-and-insert, so two concurrent copies of one request cannot both pass.
    """

    def __init__(self, ttl: float, max_items: int = MAX_ITEMS, path: Path | None = None):
        self.ttl = ttl
        self.max_items = max_items
        self.path = path
        self._expiry: OrderedDict[str, float] = OrderedDict()  # key digest -> expiry (epoch seconds)
        self._lock = threading.Lock()
        if path is not None:
            self._load(time.time())

    def add(self, key: str, now: float | None = None) -> bool:
        """True the first time `key` is seen within ttl, False for a repeat."""
        now = time.time() if now is None else now
        digest = _digest(key)
        with self._lock:
            self._purge(now)
            if digest in self._expiry:
                return False
            self._expiry[digest] = now + self.ttl
            while len(self._expiry) > self.max_items:
                self._expiry.popitem(last=False)
            self._save()
            return True

    def __contains__(self, key: object) -> bool:
        with self._lock:
            self._purge(time.time())
            return isinstance(key, str) and _digest(key) in self._expiry

    def _purge(self, now: float) -> None:
        # Insertion order is expiry order (one ttl per cache), so expired keys sit at the front.
        while self._expiry:
            key, expiry = next(iter(self._expiry.items()))
            if expiry > now:
                break
            del self._expiry[key]

    def _load(self, now: float) -> None:
        assert self.path is not None
        try:
            text = self.path.read_text(encoding="ascii")
        except FileNotFoundError:
            return
        except (OSError, UnicodeDecodeError) as exc:
            # Starting empty still refuses stale timestamps; only replays inside the window slip by.
            logger.warning("could not read the replay cache %s (%s); starting it empty", self.path, exc)
            return
        entries = []
        for line in text.splitlines():
            expiry, _, digest = line.partition(" ")
            try:
                moment = float(expiry)
            except ValueError:
                continue
            if moment > now and len(digest) == 64:
                entries.append((min(moment, now + self.ttl), digest))
        for moment, digest in sorted(entries)[-self.max_items:]:
            self._expiry[digest] = moment

    def _save(self) -> None:
        """Write the whole cache atomically (lock held). A failed write is logged, and this process
        keeps refusing replays from memory."""
        if self.path is None:
            return
        body = "".join(f"{math.ceil(expiry)} {digest}\n" for digest, expiry in self._expiry.items())
        temporary = None
        try:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=self.path.name + ".", suffix=".tmp")
            with os.fdopen(handle, "w", encoding="ascii") as out:
                os.fchmod(out.fileno(), 0o600)
                out.write(body)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, self.path)
            temporary = None
        except OSError as exc:
            logger.error("could not save the replay cache %s (%s); replays would be accepted after a restart",
                         self.path, exc)
        finally:
            if temporary is not None:
                try:
                    os.unlink(temporary)
                except OSError:
                    pass


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


_shared: dict[Path, SeenCache] = {}
_shared_lock = threading.Lock()


def seen_cache(name: str, ttl: float) -> SeenCache:
    """The persistent cache `name` (e.g. "dingtalk-signatures") in this workspace. Every router in
    the process that asks for the same name shares one cache, so they never overwrite each other's
    file."""
    path = (workspace() / "bots" / f"{name}.seen").resolve()
    with _shared_lock:
        cache = _shared.get(path)
        if cache is None or cache.ttl != ttl:
            cache = _shared[path] = SeenCache(ttl, path=path)
        return cache
