"""One person's conversation: a stream of events (tool steps, notices, the final answer) that every
front end renders its own way. Offline it runs the router; the LLM agent plugs in through
`AnswerStrategy` so front ends never care which one answered."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, Protocol

from assistant.answer import Answer, ToolCall
from assistant.config import env_number
from assistant.engine import MAX_QUESTION_CHARS, Engine, about_the_leader
from assistant.router import Route, detect_language, route
from assistant.router.clarify import Clarification, alternatives, assumptions, clarify
from assistant.router.followup import describe_change, resolve_followup
from assistant.router.limits import find_limit
from assistant.router.route import route_after


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
    size: int = -1  # answer_bytes, measured once when the turn is kept

    def __post_init__(self) -> None:
        if self.size < 0:
            self.size = answer_bytes(self.answer)


class AnswerStrategy(Protocol):
    def stream(self, conversation: Conversation, question: str) -> Iterator[Event]: ...


class OfflineStrategy:
    """The deterministic router: one vetted tool per question. A short follow-up reuses the previous
    question's tool and arguments with the change applied; a truly ambiguous question gets options."""

    def stream(self, conversation: Conversation, question: str) -> Iterator[Event]:
        engine = conversation.engine
        language = conversation.language_of(question)
        previous = previous_route(conversation)
        steps: list[Answer] = []  # each call's own answer: a question of several asks shows each as a step
        followed = None
        after = None
        if len(question) <= MAX_QUESTION_CHARS:
            if previous is not None and find_limit(question) is None:
                after = read_after_turn(conversation, question)
            # (one group the last answer ranked first, pointed at, is that group: never the ranking changed)
            if after is None or not after[1]:
                followed = resolve_followup(question, previous, _vocabulary(engine), anchor=_anchor(engine))
            after = after[0] if after is not None and followed is None else None
        if followed is not None and previous is not None:
            yield ToolStarted(followed.tool, followed.args)
            answer = engine.answer_route(followed, language, steps)
            answer.answer = reused_prefix(previous, followed, question, language) + answer.answer
        elif after is not None:  # "Show me the top 5 products in it": the ask after the last turn's
            followed = after
            yield ToolStarted(after.tool, after.args)
            answer = engine.answer_route(after, language, steps)
            answer.answer = ("接着上一个问题：" if language == "zh" else "Following on from the last question: ") \
                + answer.answer
        else:
            vocabulary = _vocabulary(engine)
            figures = vocabulary.figures if vocabulary is not None else frozenset()
            if find_limit(question, figures) is not None:  # declined or not in the data: no tool, no clarification
                yield Final(engine.ask(question, language))
                return
            routed = _route(question, engine)
            # (a name the data does not have is "not found" first: no reading of the rest would answer it)
            if (routed is None or not routed.unknown) and (clarification := clarify(question, routed)) is not None:
                yield Final(clarification_answer(clarification, language))
                return
            if routed is not None and routed.tool in engine.tool_names() and not routed.unknown:
                yield ToolStarted(routed.tool, routed.args)
            answer = engine.ask(question, language, steps)
        if answer.tool_calls and answer.tool_calls[0].name in engine.tool_names():
            call = answer.tool_calls[0]
            if answer.ok:
                answer.assumptions = assumptions(question, Route(call.name, call.args, language))
                if not answer.options and followed is None:
                    answer.options = alternatives(question, Route(call.name, call.args, language))
            if len(steps) > 1:  # several calls: each its own step, with its own SQL, table and chart
                for i, step in enumerate(steps):
                    own = step.tool_calls[0]
                    if i:
                        yield ToolStarted(own.name, own.args)
                    yield ToolFinished(own.name, own.args, step)
            else:
                yield ToolFinished(call.name, call.args, answer)
        yield Final(answer)


def previous_route(conversation: Conversation) -> Route | None:
    """The last turn's tool call, when it answered (a clarification or an error starts afresh)."""
    if not conversation.turns:
        return None
    answer = conversation.turns[-1].answer
    if not answer.tool_calls or not answer.ok or answer.clarification is not None:
        return None
    call = answer.tool_calls[0]
    return Route(call.name, dict(call.args), answer.language)


def read_after_turn(conversation: Conversation, question: str) -> tuple[Route, bool] | None:
    """The question read as the ask after the last turn's question, with the group that turn's answer ranked
    first filled in where it points at it ("in it", "第一名", "the first one"); and whether it was."""
    turn = conversation.turns[-1]
    later = route_after(turn.question, question, _vocabulary(conversation.engine))
    if later is None or later.tool not in conversation.engine.tool_names():
        return None
    return (about_the_leader(later, turn.answer), True) if later.of_leader else (later, False)


def reused_prefix(previous: Route, followed: Route, question: str, language: str) -> str:
    """"沿用上一个问题（复购率），时间改为上个月：" in the asker's language."""
    described = describe_change(previous, followed, question, language)
    return described + ("：" if language == "zh" else ": ")


def clarification_answer(clarification: Clarification, language: str) -> Answer:
    """No tool call and no error: the options are the answer."""
    return Answer(clarification.question, language, clarification=clarification)


def _vocabulary(engine: Engine) -> Any:
    """The data's names, built once by the Engine (None when the data cannot provide them)."""
    try:
        return getattr(engine, "vocabulary", None)
    except Exception:  # e.g. no orders table: route on the built-in vocabulary alone
        return None


def _route(question: str, engine: Engine) -> Route | None:
    vocabulary = _vocabulary(engine)
    return route(question) if vocabulary is None else route(question, vocabulary)  # type: ignore[call-arg]


def _anchor(engine: Engine) -> date | None:
    try:
        return engine.warehouse.anchor_date
    except Exception:  # no orders table: relative follow-up periods are simply not offered
        return None


def picked_option(last: Answer | None, text: str) -> str:
    """"2" after a clarification asks option 2's full question; anything else is asked as typed."""
    options: list[str] = []
    if last is not None:
        options = ([o.question for o in last.clarification.options] if last.clarification is not None
                   else [o["question"] for o in last.options])
    stripped = text.strip()
    if stripped.isascii() and stripped.isdigit() and 1 <= int(stripped) <= len(options):  # not ¹ or ١
        return options[int(stripped) - 1]
    return text


def max_kept_bytes() -> int:
    """Bytes of tables and charts a conversation keeps (`ASSISTANT_CONVERSATION_MB`, default 64):
    past that, older turns keep their question, text and tool call (all a follow-up needs) but drop
    their tables and charts. Counting turns alone let five wide answers hold gigabytes."""
    return int(env_number("ASSISTANT_CONVERSATION_MB", 64, 1) * 1024 * 1024)


def answer_bytes(answer: Answer) -> int:
    """About the memory an answer holds: its text and tables (their charts are drawn from them).
    pandas counts a list inside a cell as one pointer, so cells holding lists or dicts are
    estimated from a sample of their printed size."""
    total = len(answer.answer.encode("utf-8", "replace")) + sum(len(r) for r in answer.recommendations)
    for table in answer.tables:
        frame = table.df
        total += int(frame.memory_usage(index=True, deep=True).sum())
        for position in range(frame.shape[1]):
            column = frame.iloc[:, position]
            if column.dtype != object or column.empty:
                continue
            sample = column.head(50)
            nested = [v for v in sample if isinstance(v, (list, tuple, dict)) or hasattr(v, "ndim")]
            if nested:
                total += int(sum(len(repr(v)) for v in nested) / len(sample) * len(column))
    return total


def max_turns() -> int:
    """Turns a conversation keeps (`ASSISTANT_MAX_TURNS`, default 50): follow-ups only look back one
    turn, so older ones are dropped to keep a long-running session's memory bounded."""
    return int(env_number("ASSISTANT_MAX_TURNS", 50, 1, integer=True))


@dataclass
class Conversation:
    engine: Engine
    strategy: AnswerStrategy = field(default_factory=OfflineStrategy)
    conversation_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    turns: list[Turn] = field(default_factory=list)
    max_turns: int = field(default_factory=max_turns)  # older turns are dropped beyond this
    language: str | None = None  # answer in this language whatever the question's (API clients ask for one)

    def stream(self, question: str) -> Iterator[Event]:
        """Events as they happen; the last one is always `Final`."""
        final: Answer | None = None
        if len(question) > MAX_QUESTION_CHARS:  # refuse at once: no routing, no model call
            final = self.engine.ask(question, self.language)
            self._keep(Turn(question, final))
            yield Final(final)
            return
        for event in self.strategy.stream(self, question):
            if isinstance(event, Final):
                final = event.answer
            yield event
        if final is None:  # a strategy must end with an answer; never leave the person hanging
            final = self.engine.ask(question, self.language)
            yield Final(final)
        self._keep(Turn(question, final))

    def _keep(self, turn: Turn) -> None:
        """Append a turn, then bound the history: by count, then by bytes (oldest tables first,
        never the newest turn's)."""
        self.turns.append(turn)
        if len(self.turns) > self.max_turns:
            del self.turns[: len(self.turns) - self.max_turns]
        budget, total = max_kept_bytes(), sum(t.size for t in self.turns)
        for old in self.turns[:-1]:
            if total <= budget:
                break
            if old.size:  # a lighter copy: the answer object itself may still be on someone's screen
                old.answer = replace(old.answer, tables=[], charts=[])
                total, old.size = total - old.size, 0

    def ask(self, question: str) -> Answer:
        final = None
        for event in self.stream(question):
            if isinstance(event, Final):
                final = event.answer
        assert final is not None
        return final

    def language_of(self, question: str) -> str:
        return self.language or detect_language(question)

    def remember(self, question: str) -> None:
        """Take a past question into the history without answering it: routed (follow-ups resolved
        against the turn before) but no tool run. For clients that resend the whole chat each time
        (the OpenAI protocol), so "那上上个月呢" still knows what came before."""
        language = self.language_of(question)
        previous = previous_route(self)
        followed = None
        if previous is not None and len(question) <= MAX_QUESTION_CHARS:
            followed = resolve_followup(question, previous, _vocabulary(self.engine), anchor=_anchor(self.engine))
        routed = followed or (_route(question, self.engine) if len(question) <= MAX_QUESTION_CHARS else None)
        answer = Answer("", language)
        if routed is not None and routed.tool in self.engine.tool_names():
            answer.tool_calls = [ToolCall(routed.tool, dict(routed.args))]
        else:
            answer.error = {"code": "not_answered", "message": ""}  # nothing to follow up on
        self._keep(Turn(question, answer))
