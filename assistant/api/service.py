"""What every embedding front end shares: datasets by name, conversations by id, published links.
The JSON API, the OpenAI-compatible endpoint, the bots and the MCP server all answer through it."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from assistant.answer import Answer
from assistant.api.conversations import LOCAL, ConversationStore
from assistant.api.published import Publisher
from assistant.conversation import Final, picked_option
from assistant.engine import Engine
from assistant.web.context import ContextCache
from tools.result import ToolError


@dataclass
class Service:
    cache: ContextCache
    conversations: ConversationStore = field(default_factory=ConversationStore)
    publisher: Publisher = field(default_factory=Publisher)

    @property
    def llm(self) -> bool:
        return not self.cache.default.offline

    def dataset_key(self, name: str | None) -> str:
        if not name:
            return self.cache.default_key
        known = self.cache.datasets()
        if name in known:
            return known[name]
        names = ", ".join(known)
        raise ToolError("unknown_dataset", f"There is no dataset named '{name}'. Available: {names}.",
                        f"没有名为“{name}”的数据集。可用的数据集：{names}。")

    def dataset_name(self, name: str | None) -> str:
        """The name an answer reports: the one asked for, or the default dataset's."""
        return name or self.cache.name_of(None)

    def engine(self, dataset: str | None = None) -> Engine:
        return self.cache.get(self.dataset_key(dataset)).engine

    def ask(self, question: str, conversation_id: str | None = None, dataset: str | None = None,
            language: str | None = None, history: list[str] | None = None, *,
            caller: str = LOCAL) -> tuple[str, Answer]:
        """Answer in `caller`'s kept conversation (a new one without an id; `conversation_not_found`
        for an id that is another caller's). `history`: earlier questions of a client that resends
        the whole chat, taken in (routed, not answered) when the conversation is new."""
        key = self.dataset_key(dataset)
        context = self.cache.get(key)
        conversation_id, kept = self.conversations.get(conversation_id, key, context.conversation, caller)
        with kept.lock:
            conversation = kept.conversation
            conversation.language = language
            if history and not conversation.turns:
                for earlier in history:
                    conversation.remember(earlier)
            last = conversation.turns[-1].answer if conversation.turns else None
            final = None
            for event in conversation.stream(picked_option(last, question)):
                if isinstance(event, Final):
                    final = event.answer
        assert final is not None  # Conversation.stream always ends with Final
        return conversation_id, final

    def run_tool(self, name: str, args: dict[str, Any], dataset: str | None, language: str) -> Answer:
        # Never allow_personal: an API caller is a program; contact exports need a person's explicit request.
        return self.engine(dataset).run_tool(name, args, language, allow_personal=False)

    def links(self, answer: dict[str, Any], base_url: str) -> list[tuple[str, str]]:
        return self.publisher.publish(answer, public_url() or base_url)


def public_url() -> str:
    """ASSISTANT_PUBLIC_URL: the address people reach the server at (behind a proxy), for links."""
    return os.environ.get("ASSISTANT_PUBLIC_URL", "").strip().rstrip("/")
