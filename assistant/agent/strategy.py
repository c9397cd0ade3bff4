"""`LLMStrategy`: a chat model chooses vetted tools (LangChain `create_agent`); our code runs them.

Events follow `assistant.conversation`: `ToolStarted` when the model asks for a tool, `ToolFinished`
with the tool's full `Answer`, then one `Final`. Whatever goes wrong with the model (unreachable,
timeout, 429/5xx, garbage), the person gets a `Notice` and the offline router's answer instead.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import Any

from langchain.agents import create_agent
from langchain.agents.middleware import AgentMiddleware, ModelRequest, hook_config
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage, ToolMessage
from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.config import get_config

from assistant.agent.config import LLMSettings, llm_configured, load_settings
from assistant.agent.hint import RouterHint, router_hint
from assistant.agent.tools import RunContext, artifact_answer, build_tools
from assistant.answer import Answer, ToolCall
from assistant.config import env_number
from assistant.conversation import (
    AnswerStrategy,
    Conversation,
    Event,
    Final,
    Notice,
    OfflineStrategy,
    ToolFinished,
    ToolStarted,
    max_turns,
)
from assistant.router import Route
from tools.privacy import mask_text
from tools.result import Table

log = logging.getLogger("assistant.agent")

PROMPTS = Path(__file__).resolve().parents[2] / "prompts"
LIMIT_MARK = "assistant_model_call_limit"  # response_metadata flag of the message that ends a capped run
MAX_RETRY_DELAY = 8.0  # seconds between retries at most, whatever the endpoint's Retry-After says
RUN_KEY = "assistant_run"  # configurable key: which run's engine, language and answer store a tool uses

NOTICE_UNAVAILABLE = {
    "zh": "语言模型暂时不可用，以下是离线模式（规则路由）给出的回答。",
    "en": "The language model is unavailable, so this answer was made offline (rule-based router).",
}
NOTICE_LIMIT = {
    "zh": "已达到每个问题最多 {n} 次模型调用的上限，以下汇总已完成的工具结果。",
    "en": "Reached the limit of {n} model calls for one question; here is what the tools found.",
}


def max_threads() -> int:
    """Conversations whose memory one LLMStrategy keeps (`ASSISTANT_AGENT_MAX_THREADS`, default 200).
    Beyond it the least recently used conversation's thread (messages, checkpoints, last route) is
    dropped; a thread is also reset after `ASSISTANT_MAX_TURNS` questions (the router hint still
    carries the last route, so a short follow-up keeps working)."""
    return int(env_number("ASSISTANT_AGENT_MAX_THREADS", 200, 1, integer=True))


def system_prompt(language: str) -> str:
    for name in (f"system_{language}.txt", "system_en.txt"):
        path = PROMPTS / name
        if path.exists():
            return path.read_text(encoding="utf-8").strip()
    return "Answer only from tool results. Never invent numbers."


def build_chat_model(settings: LLMSettings) -> BaseChatModel:
    """`ChatOpenAI` for any OpenAI-compatible endpoint (OpenAI, DeepSeek, Qwen, Ollama, vLLM)."""
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(
        model=settings.model,
        api_key=settings.api_key,
        base_url=settings.base_url,
        timeout=settings.timeout,
        max_retries=settings.max_retries,
        use_responses_api=False,
    )


class AnswerDanglingToolCalls(AgentMiddleware):
    """If an earlier run stopped between a tool request and its result (the person cancelled, the
    process was interrupted), OpenAI-compatible APIs reject the history. Before each model call,
    add a "not run" ToolMessage after every tool call that has no result (request only)."""

    def wrap_model_call(self, request: ModelRequest, handler: Callable[[ModelRequest], Any]) -> Any:
        answered = {m.tool_call_id for m in request.messages if isinstance(m, ToolMessage)}
        if not any(
            isinstance(m, AIMessage) and any(c.get("id") not in answered for c in m.tool_calls)
            for m in request.messages
        ):
            return handler(request)
        patched: list[Any] = []
        for message in request.messages:
            patched.append(message)
            if isinstance(message, AIMessage):
                for call in message.tool_calls:
                    if call.get("id") and call["id"] not in answered:
                        content = "Not run: the previous request was interrupted."
                        patched.append(ToolMessage(content, tool_call_id=call["id"], name=call["name"], status="error"))
        return handler(request.override(messages=patched))


MAX_MODEL_TEXT = 20_000  # characters of a model's reply kept (and sent back to it as history)
MAX_HISTORY_CHARS = 200_000  # characters of earlier messages sent with a model call


class MaskedHistory(AgentMiddleware):
    """What goes to the model endpoint is masked and bounded: the conversation's earlier messages
    (the model's own replies included: a compromised model's phone number must not travel back and
    forth) pass the same masking as every answer, each is cut at MAX_MODEL_TEXT characters, and the
    oldest are left out past MAX_HISTORY_CHARS (a person's question is never cut)."""

    def __init__(self, run_of: Callable[[], RunContext | None]):
        super().__init__()
        self._run_of = run_of

    def wrap_model_call(self, request: ModelRequest, handler: Callable[[ModelRequest], Any]) -> Any:
        run = self._run_of()
        names = getattr(run.engine, "mask_text", mask_text) if run is not None else mask_text
        # The model's own replies are checked for customers' names too; questions and tool
        # summaries (masked answers already) only for patterns: names cost a digest per character.
        messages = [_masked_message(m, names if isinstance(m, AIMessage) else mask_text) for m in request.messages]
        total, keep_from = 0, 0
        for index in range(len(messages) - 1, -1, -1):
            total += len(_text(messages[index]))
            if total > MAX_HISTORY_CHARS and index > 0:
                keep_from = index + 1
                break
        while 0 < keep_from < len(messages) and not isinstance(messages[keep_from], HumanMessage):
            keep_from += 1  # start at a question, never between a tool call and its result
        if keep_from >= len(messages):
            keep_from = 0
        return handler(request.override(messages=messages[keep_from:]))


def _masked_message(message: BaseMessage, mask: Callable[[str], str]) -> BaseMessage:
    content = message.content
    if isinstance(content, str):
        masked = mask(content[:MAX_MODEL_TEXT] if isinstance(message, AIMessage) else content)
        return message if masked == content else message.model_copy(update={"content": masked})
    return message


class RouterHintMiddleware(AgentMiddleware):
    """Adds the current question's router hint to the system message of every model call.

    The hint lives in the run, not in the thread: memory keeps the person's words only, and each
    question gets its own hint. It joins the one leading system message because some
    OpenAI-compatible servers reject system messages anywhere else."""

    def __init__(self, hint_of: Callable[[], str | None]):
        super().__init__()
        self._hint_of = hint_of

    def wrap_model_call(self, request: ModelRequest, handler: Callable[[ModelRequest], Any]) -> Any:
        hint = self._hint_of()
        if not hint:
            return handler(request)
        base = request.system_message.content if request.system_message is not None else ""
        text = f"{base}\n\n{hint}" if isinstance(base, str) and base else hint
        return handler(request.override(system_message=SystemMessage(text)))


class ModelCallBudget(AgentMiddleware):
    """Every request to the model endpoint for one question counts against its cap
    (`ASSISTANT_MAX_MODEL_CALLS`): the agent's turns, the turns that go back to the model after a
    malformed tool call, and retries after a failed request. When the cap is used up the run ends
    with a limit message (`LIMIT_MARK`) instead of another request.

    It counts here, around the request itself, because LangChain's ModelCallLimitMiddleware counts in
    an `after_model` hook, and hooks run in reverse order: `RetryMalformedToolCalls` jumps back to
    the model before that hook runs, so a model that kept returning malformed tool calls was never
    counted (with a cap of 6 the endpoint got 11 requests, until LangGraph's recursion limit ended
    the run). And the OpenAI client's own retries happen inside one model call, unseen by any hook:
    so a model the strategy builds itself gets a client without retries, and `retries` (from
    `ASSISTANT_LLM_MAX_RETRIES`) are made here, each one counted. An injected model keeps whatever
    retries its own client makes (`retries=0`)."""

    def __init__(self, run_of: Callable[[], RunContext | None], retries: int = 0):
        super().__init__()
        self._run_of = run_of
        self.retries = retries

    def wrap_model_call(self, request: ModelRequest, handler: Callable[[ModelRequest], Any]) -> Any:
        run = self._run_of()
        if run is None:  # outside a run of ours: nothing to count against
            return handler(request)
        for attempt in range(self.retries + 1):
            if not run.take_model_call():
                return AIMessage("Model call limit reached.", id=f"model-call-limit-{uuid.uuid4().hex}",
                                 response_metadata={LIMIT_MARK: True})
            try:
                return handler(request)
            except Exception as error:
                if attempt == self.retries or not _retryable(error):
                    raise
                delay = _retry_delay(error, attempt)
                log.info("model request failed (%s); retrying in %.1f s", type(error).__name__, delay)
                time.sleep(delay)
        raise AssertionError("unreachable: the last attempt returns or raises")


def _retryable(error: Exception) -> bool:
    """What the OpenAI client itself would retry: connection errors and timeouts, 408, 409, 429 and
    5xx, unless the endpoint says `x-should-retry: false`."""
    import openai

    headers = getattr(getattr(error, "response", None), "headers", None) or {}
    advice = str(headers.get("x-should-retry", "")).lower()
    if advice in ("true", "false"):
        return advice == "true"
    if isinstance(error, openai.APIConnectionError):  # includes timeouts
        return True
    if isinstance(error, openai.APIStatusError):
        return error.status_code in (408, 409, 429) or error.status_code >= 500
    return False


def _retry_delay(error: Exception, attempt: int) -> float:
    """The endpoint's Retry-After(-ms) when it gives one, else 0.5 s doubling; at most MAX_RETRY_DELAY."""
    headers = getattr(getattr(error, "response", None), "headers", None) or {}
    for name, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        try:
            return min(MAX_RETRY_DELAY, max(0.0, float(headers.get(name, "")) * scale))
        except ValueError:
            continue
    return min(MAX_RETRY_DELAY, 0.5 * 2**attempt)


class RetryMalformedToolCalls(AgentMiddleware):
    """When the model's only tool calls are malformed (bad JSON arguments), go back to the model:
    `create_agent` then shows it an error ToolMessage per malformed call, so it can retry.
    `ModelCallBudget` counts these turns like any other model call, so the cap still ends the loop."""

    @hook_config(can_jump_to=["model"])
    def after_model(self, state: Any, runtime: Any) -> dict[str, Any] | None:
        messages = state.get("messages") or []
        last = messages[-1] if messages else None
        if isinstance(last, AIMessage) and last.invalid_tool_calls and not last.tool_calls:
            if any(call.get("id") for call in last.invalid_tool_calls):
                return {"jump_to": "model"}
        return None


def _text(message: BaseMessage) -> str:
    content = message.content
    if isinstance(content, str):
        return content.strip()
    parts = []
    for block in content or []:
        if isinstance(block, str):
            parts.append(block)
        elif isinstance(block, dict) and block.get("type") == "text":
            parts.append(str(block.get("text", "")))
    return "".join(parts).strip()


def _error_answer(tool: str, args: dict[str, Any], code: str, message: str, language: str) -> Answer:
    message = mask_text(message)
    answer = Answer(message, language, mode="llm", error={"code": code, "message": message})
    answer.tool_calls = [ToolCall(tool, args)]
    return answer


def _parse_args(raw: Any) -> dict[str, Any]:
    if isinstance(raw, dict):
        return raw
    try:
        parsed = json.loads(raw or "{}")
    except (TypeError, ValueError):
        return {"_raw": str(raw)[:500]}
    return parsed if isinstance(parsed, dict) else {"_raw": str(raw)[:500]}


def _masker(conversation: Conversation) -> Callable[[str], str]:
    return getattr(conversation.engine, "mask_text", mask_text)


def merge_answers(text: str, language: str, calls: list[ToolCall], answers: list[Answer],
                  mask: Callable[[str], str] | None = None) -> Answer:
    """The final answer: the model's text plus every tool's tables, charts, SQL and advice.
    Table names are made unique (charts follow their table)."""
    # The model's own words are masked like every tool's (names too: `mask`, the dataset's), and
    # bounded: a compromised or injected model must deliver neither a phone number, e-mail, ID
    # number or customer's name through its text, nor 20 million characters.
    if len(text) > MAX_MODEL_TEXT:
        text = text[:MAX_MODEL_TEXT] + ("…（回复过长，已截断）" if language == "zh" else "… (reply too long, cut)")
    final = Answer((mask or mask_text)(text), language, mode="llm", tool_calls=list(calls))
    used: set[str] = set()
    for answer in answers:
        renamed: dict[str, str] = {}
        for table in answer.tables:
            name, n = table.name, 2
            while name in used:
                name, n = f"{table.name}_{n}", n + 1
            used.add(name)
            renamed[table.name] = name
            final.tables.append(table if name == table.name else Table(name, table.df, table.truncated))
        for chart in answer.charts:
            target = renamed.get(chart.table, chart.table)
            final.charts.append(chart if target == chart.table else dataclasses.replace(chart, table=target))
        final.sql.extend(s for s in answer.sql if s not in final.sql)
        final.recommendations.extend(r for r in answer.recommendations if r not in final.recommendations)
    return final


class LLMStrategy:
    """Answers with a tool-calling chat model; falls back to the offline router on any failure.

    `model`: an already-built chat model (tests inject fakes or a `ChatOpenAI` pointed at a stub);
    otherwise one is built from `settings` (default: the environment) on first use.
    `max_model_calls`: model calls per question (default `settings.max_model_calls`).
    `router_hint`: show the model the offline router's parse of each question (follow-ups resolved
    against the conversation's previous route, clarification options when it is ambiguous).
    """

    def __init__(
        self,
        model: BaseChatModel | None = None,
        *,
        settings: LLMSettings | None = None,
        max_model_calls: int | None = None,
        router_hint: bool = True,
    ):
        self.settings = settings or load_settings()
        self.max_model_calls = max_model_calls or self.settings.max_model_calls
        self.router_hint = router_hint
        self._model = model
        # A model built here gets a client without retries; ModelCallBudget retries, counting each one.
        self._retries = self.settings.max_retries if model is None else 0
        self._checkpointer = InMemorySaver()
        self._agents: dict[str, Any] = {}
        self._runs: dict[str, RunContext] = {}
        self._previous: dict[str, Route] = {}  # conversation id -> the last answered tool call
        self._threads: OrderedDict[str, int] = OrderedDict()  # thread id -> questions, least recent first
        self.max_threads = max_threads()
        self._lock = threading.Lock()

    # -- building ---------------------------------------------------------------------------------
    def _context_of(self, config: RunnableConfig) -> RunContext:
        return self._runs[(config.get("configurable") or {})[RUN_KEY]]

    def _current_run(self) -> RunContext | None:
        try:
            return self._context_of(get_config())
        except (KeyError, RuntimeError):  # outside a run of ours
            return None

    def _current_hint(self) -> str | None:
        run = self._current_run()
        return run.hint if run is not None else None

    def _agent(self, language: str) -> Any:
        with self._lock:
            if language not in self._agents:
                if self._model is None:
                    self._model = build_chat_model(dataclasses.replace(self.settings, max_retries=0))
                self._agents[language] = create_agent(
                    self._model,
                    build_tools(self._context_of),
                    system_prompt=system_prompt(language),
                    middleware=[
                        ModelCallBudget(self._current_run, self._retries),  # outermost: counts every request
                        RetryMalformedToolCalls(),
                        AnswerDanglingToolCalls(),
                        MaskedHistory(self._current_run),
                        RouterHintMiddleware(self._current_hint),
                    ],
                    checkpointer=self._checkpointer,
                )
            return self._agents[language]

    def hint_for(self, conversation: Conversation, question: str) -> RouterHint | None:
        """The router's parse of `question` in this conversation (None when hints are off)."""
        if not self.router_hint:
            return None
        try:
            vocabulary = getattr(conversation.engine, "vocabulary", None)
            if callable(vocabulary):
                vocabulary = vocabulary()
        except Exception:  # the data's host/product names only sharpen the hint
            vocabulary = None
        try:
            anchor = conversation.engine.warehouse.anchor_date
        except Exception:  # no orders table: relative follow-up periods are simply not offered
            anchor = None
        return router_hint(question, self._previous.get(conversation.conversation_id), vocabulary, anchor)

    def _remember_route(self, conversation: Conversation, language: str, answered: list[tuple[str, dict[str, Any]]],
                        hint: RouterHint | None) -> None:
        """The next question's follow-up base: the last tool call that answered (as called, without
        empty arguments), else the router's parse (after a clarifying question, the person's reply
        builds on it)."""
        if answered:
            name, args = answered[-1]
            args = {k: v for k, v in args.items() if v is not None}
            self._previous[conversation.conversation_id] = Route(name, args, language, ["answered"])
        elif hint is not None and hint.route is not None:
            self._previous[conversation.conversation_id] = hint.route

    # -- answering --------------------------------------------------------------------------------
    def stream(self, conversation: Conversation, question: str) -> Iterator[Event]:
        language = conversation.language_of(question)
        self._touch_thread(conversation.conversation_id)
        run_key = uuid.uuid4().hex
        config: RunnableConfig = {
            "configurable": {"thread_id": conversation.conversation_id, RUN_KEY: run_key},
            "recursion_limit": 4 * self.max_model_calls + 10,
        }
        hint = self.hint_for(conversation, question)
        ctx = RunContext(conversation.engine, language, hint=hint.text() if hint is not None else None,
                         max_model_calls=self.max_model_calls)
        run = _Run(ctx, conversation.engine.tool_names())
        try:
            agent = self._agent(language)
            self._runs[run_key] = run.ctx
            inputs = {"messages": [HumanMessage(question)]}
            for update in agent.stream(inputs, config, stream_mode="updates"):
                for node, delta in _node_updates(update):
                    for message in _messages(delta):
                        yield from run.on_message(node, message)
        except Exception as error:  # any model/transport failure: never a stack trace to the person
            log.warning("LLM run failed, answering offline: %s: %s", type(error).__name__, error)
            offline = yield from self._offline(conversation, question, language, config)
            self._remember_route(conversation, language, _answered([offline] if offline else []), hint)
            return
        finally:
            self._runs.pop(run_key, None)

        ok = [a for a in run.answers if a.ok]
        if run.limit_message is not None:
            if not ok:
                offline = yield from self._offline(conversation, question, language, config, replace=run.limit_message)
                self._remember_route(conversation, language, _answered([offline] if offline else []), hint)
                return
            notice = NOTICE_LIMIT[language].format(n=self.max_model_calls)
            yield Notice(notice)
            body = "\n\n".join(a.answer for a in ok)
            final = merge_answers(f"{notice}\n\n{body}", language, run.calls, ok, _masker(conversation))
            self._remember(config, language, final.answer, replace=run.limit_message)
            self._remember_route(conversation, language, run.answered, hint)
            yield Final(final)
            return
        if not run.final_text:  # an empty or unusable reply is as good as no model
            log.warning("LLM returned no usable answer, answering offline")
            offline = yield from self._offline(conversation, question, language, config)
            self._remember_route(conversation, language, _answered([offline] if offline else []), hint)
            return
        self._remember_route(conversation, language, run.answered, hint)
        final = merge_answers(run.final_text, language, run.calls, run.answers, _masker(conversation))
        if hint is not None and hint.clarification is not None and not run.calls and hasattr(final, "clarification"):
            final.clarification = hint.clarification  # the model asked back: the options become clickable
        yield Final(final)

    def _touch_thread(self, thread_id: str) -> None:
        """Bound memory: count this question, drop the oldest threads beyond `max_threads` and
        reset a thread that has had more than `max_turns()` questions."""
        dropped: list[str] = []
        with self._lock:
            count = self._threads.pop(thread_id, 0) + 1
            if count > max_turns():
                dropped.append(thread_id)
                count = 1
            self._threads[thread_id] = count
            while len(self._threads) > self.max_threads:
                oldest, _ = self._threads.popitem(last=False)
                self._previous.pop(oldest, None)
                dropped.append(oldest)
        for thread in dropped:
            try:
                self._checkpointer.delete_thread(thread)
            except Exception as error:  # memory is best effort
                log.debug("could not drop thread %s: %s", thread, error)

    def thread_count(self) -> int:
        with self._lock:
            return len(self._threads)

    def _offline(
        self,
        conversation: Conversation,
        question: str,
        language: str,
        config: RunnableConfig,
        replace: AIMessage | None = None,
    ) -> Generator[Event, None, Answer | None]:
        yield Notice(NOTICE_UNAVAILABLE[language])
        final: Answer | None = None
        for event in OfflineStrategy().stream(conversation, question):
            if isinstance(event, Final):
                final = event.answer
            yield event
        if final is not None:
            self._remember(config, language, final.answer, replace=replace)
        return final

    def _remember(self, config: RunnableConfig, language: str, text: str, replace: AIMessage | None = None) -> None:
        """Put the answer the person actually got into the thread, so the next turn sees it."""
        agent = self._agents.get(language)
        if agent is None:
            return
        try:
            message = AIMessage(text, id=replace.id) if replace is not None and replace.id else AIMessage(text)
            agent.update_state(config, {"messages": [message]})
        except Exception as error:  # memory is best effort
            log.debug("could not record the answer in the thread: %s", error)


class _Run:
    """Turns the agent's messages into conversation events, and remembers what happened."""

    def __init__(self, ctx: RunContext, known_tools: set[str]):
        self.ctx = ctx
        self.known_tools = known_tools
        self.calls: list[ToolCall] = []
        self.answers: list[Answer] = []  # the tools' own answers, in order
        self.answered: list[tuple[str, dict[str, Any]]] = []  # (tool, args as the model called it) that worked
        self.pending: dict[str, tuple[str, dict[str, Any]]] = {}
        self.final_text: str | None = None
        self.limit_message: AIMessage | None = None

    def on_message(self, node: str, message: BaseMessage) -> Iterator[Event]:
        language = self.ctx.language
        if isinstance(message, AIMessage) and message.response_metadata.get(LIMIT_MARK):
            self.limit_message = message
        elif isinstance(message, AIMessage):
            for call in message.tool_calls:
                args = dict(call["args"] or {})
                self.pending[call.get("id") or ""] = (call["name"], args)
                yield ToolStarted(call["name"], args)
            for bad in message.invalid_tool_calls:
                name, args = bad.get("name") or "unknown", _parse_args(bad.get("args"))
                text = f"Malformed tool call ({bad.get('error') or 'invalid JSON arguments'})."
                answer = _error_answer(name, args, "bad_tool_call", text, language)
                self.calls.extend(answer.tool_calls)
                yield ToolStarted(name, args)
                yield ToolFinished(name, args, answer)
            if not message.tool_calls and not message.invalid_tool_calls:
                self.final_text = _text(message)
        elif isinstance(message, ToolMessage):
            name, args = self.pending.pop(message.tool_call_id, (message.name or "unknown", {}))
            answer = artifact_answer(self.ctx.store, message.artifact)
            if answer is None:  # rejected before running: unknown tool, invalid arguments
                code = "bad_arguments" if name in self.known_tools else "unknown_tool"
                answer = _error_answer(name, args, code, _text(message), language)
            else:
                self.answers.append(answer)
                if answer.ok:
                    self.answered.append((name, args))
            self.calls.extend(answer.tool_calls or [ToolCall(name, args)])
            yield ToolFinished(name, args, answer)


def _answered(answers: list[Answer]) -> list[tuple[str, dict[str, Any]]]:
    return [(a.tool_calls[0].name, dict(a.tool_calls[0].args)) for a in answers if a.ok and a.tool_calls]


def _node_updates(update: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(update, dict):
        for node, delta in update.items():
            yield str(node), delta
    elif isinstance(update, (list, tuple)):
        for item in update:
            yield from _node_updates(item)


def _messages(delta: Any) -> list[BaseMessage]:
    if isinstance(delta, dict):
        messages = delta.get("messages") or []
        return [m for m in messages if isinstance(m, BaseMessage)]
    if isinstance(delta, (list, tuple)):
        return [m for d in delta for m in _messages(d)]
    return []


def strategy_from_env(engine: Any = None) -> AnswerStrategy:
    """`LLMStrategy` when `OPENAI_API_KEY` is set, else the offline router. `engine` is accepted for
    symmetry with the front ends; strategies take the engine from the conversation."""
    if llm_configured():
        return LLMStrategy()
    return OfflineStrategy()
