"""Conversations kept for API clients and bots, by id: follow-ups ("那上上个月呢") need the previous
turn. Bounded like the web sessions: at most `ASSISTANT_API_MAX_CONVERSATIONS` (default 1000), each
dropped after `ASSISTANT_API_CONVERSATION_TTL` idle seconds (default 3600).

Each conversation belongs to the caller that started it (its `owner`: an API token's label, the
anonymous local caller, or the bots): an id is a name, not a credential, so another caller sending
it gets `conversation_not_found`, the same answer whether or not the conversation exists. Ids
starting `bot:` are the chat platforms' (one per group chat): only the bot callbacks, which the
platform's signature vouches for, may use them."""

from __future__ import annotations

import dataclasses
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

from assistant.config import env_number
from assistant.conversation import Conversation
from tools.result import ToolError

LOCAL = "local"  # the anonymous caller: no tokens configured, on loopback or a declared-open network
BOTS = "bots"  # the chat-platform callbacks
BOT_PREFIX = "bot:"

NOT_YOURS = ToolError(
    "conversation_not_found",
    "There is no conversation with this conversation_id for you. Leave conversation_id out to start a new one.",
    "没有可供你继续的这个对话（conversation_id）。不传 conversation_id 即可开始新的对话。",
)


@dataclass
class Kept:
    conversation: Conversation
    dataset_key: str
    owner: str = LOCAL
    lock: threading.Lock = field(default_factory=threading.Lock)  # one question at a time per conversation
    last_used: float = field(default_factory=time.monotonic)


class ConversationStore:
    def __init__(self, max_conversations: int | None = None, ttl_seconds: float | None = None):
        self.max_conversations = max_conversations or int(
            env_number("ASSISTANT_API_MAX_CONVERSATIONS", 1000, 1, integer=True))
        self.ttl_seconds = ttl_seconds or env_number("ASSISTANT_API_CONVERSATION_TTL", 3600, 1, integer=True)
        self._kept: OrderedDict[str, Kept] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, conversation_id: str | None, dataset_key: str, start: Callable[[], Conversation],
            owner: str = LOCAL) -> tuple[str, Kept]:
        """`owner`'s conversation with this id on this dataset, or a new one made by `start()`.
        Asking about another dataset under an old id starts afresh: a follow-up never crosses
        datasets. Raises `conversation_not_found` for an id that is another caller's."""
        conversation_id = conversation_id or uuid.uuid4().hex
        if conversation_id.startswith(BOT_PREFIX) != (owner == BOTS):
            raise NOT_YOURS
        now = time.monotonic()
        with self._lock:
            self._expire(now)
            kept = self._kept.get(conversation_id)
            if kept is not None and kept.owner != owner:
                raise NOT_YOURS
            if kept is None or kept.dataset_key != dataset_key:
                kept = Kept(start(), dataset_key, owner)
                kept.conversation.conversation_id = conversation_id
            kept.last_used = now
            self._keep(conversation_id, kept)
        return conversation_id, kept

    def fork(self, source_id: str, new_id: str, owner: str = LOCAL) -> bool:
        """Continue `owner`'s conversation `source_id` under `new_id` on a copy of its turns, so two
        clients who sent the same history (say, the same first question) go on without mixing turns.
        False when there is no such conversation of `owner`'s."""
        source = self.peek(source_id)
        if source is None or source.owner != owner:
            return False
        with source.lock:
            original = source.conversation
            copy = dataclasses.replace(original, conversation_id=new_id, turns=list(original.turns))
        self.put(new_id, Kept(copy, source.dataset_key, owner))
        return True

    def peek(self, conversation_id: str) -> Kept | None:
        with self._lock:
            return self._kept.get(conversation_id)

    def put(self, conversation_id: str, kept: Kept) -> None:
        with self._lock:
            self._keep(conversation_id, kept)

    def _keep(self, conversation_id: str, kept: Kept) -> None:
        """Store as the most recently used, dropping the least recently used beyond the cap (lock held)."""
        self._kept[conversation_id] = kept
        self._kept.move_to_end(conversation_id)
        while len(self._kept) > self.max_conversations:
            self._kept.popitem(last=False)

    def __len__(self) -> int:
        with self._lock:
            return len(self._kept)

    def _expire(self, now: float) -> None:
        for key in [k for k, v in self._kept.items() if now - v.last_used > self.ttl_seconds]:
            del self._kept[key]
