"""One person's conversation: a stream of events (tool steps, notices, the final answer) that every
front end renders its own way. Offline it runs the router; the LLM agent plugs in through
`AnswerStrategy` so front ends never care which one answered."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from assistant.answer import Answer
from assistant.engine import Engine
from assistant.router import detect_language, route


@dataclass
class ToolStarted:
    tool: str
    args: dict[str, Any]


@dataclass
class ToolFinished:
    tool: str
    args: dict[str, Any]
    answer: Answer  # the tool's own result (tables, charts, sql, error)


@dataclass
class Notice:
    """Something the person should know about how the answer was made (e.g. the LLM was down)."""

    text: str


@dataclass
class Final:
    answer: Answer


Event = ToolStarted | ToolFinished | Notice | Final


@dataclass
class Turn:
    question: str
    answer: Answer


class AnswerStrategy(Protocol):
    def stream(self, conversation: Conversation, question: str) -> Iterator[Event]: ...


class OfflineStrategy:
    """The deterministic router: one vetted tool per question."""

    def stream(self, conversation: Conversation, question: str) -> Iterator[Event]:
        engine = conversation.engine
        routed = route(question)
        if routed is not None and routed.tool in engine.tool_names():
            yield ToolStarted(routed.tool, routed.args)
        answer = engine.ask(question)
        if answer.tool_calls and answer.tool_calls[0].name in engine.tool_names():
            call = answer.tool_calls[0]
            yield ToolFinished(call.name, call.args, answer)
        yield Final(answer)


@dataclass
class Conversation:
    engine: Engine
    strategy: AnswerStrategy = field(default_factory=OfflineStrategy)
    conversation_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    turns: list[Turn] = field(default_factory=list)

    def stream(self, question: str) -> Iterator[Event]:
        """Events as they happen; the last one is always `Final`."""
        final: Answer | None = None
        for event in self.strategy.stream(self, question):
            if isinstance(event, Final):
                final = event.answer
            yield event
        if final is None:  # a strategy must end with an answer; never leave the person hanging
            final = self.engine.ask(question)
            yield Final(final)
        self.turns.append(Turn(question, final))

    def ask(self, question: str) -> Answer:
        final = None
        for event in self.stream(question):
            if isinstance(event, Final):
                final = event.answer
        assert final is not None
        return final

    def language_of(self, question: str) -> str:
        return detect_language(question)
