"""The tool registry as LangChain tools: one generic adapter, no per-tool code.

Each tool runs `engine.run_tool(name, args, language)`. The model sees only a short text summary
(answer text, table names and sizes, the first rows of the first table, or the error and how to fix
it); the full `Answer` stays on our side in an `AnswerStore`, and the tool's artifact is just a
serialisable key into it (so the checkpointer never holds a DataFrame).
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from langchain_core.runnables import RunnableConfig
from langchain_core.tools import BaseTool, StructuredTool

from assistant.answer import Answer, jsonable
from assistant.config import env_number
from assistant.engine import Engine
from tools.registry import Tool, all_tools
from tools.result import ToolError

DEFAULT_MAX_TOOL_CALLS = 12  # tool runs per question, across all of the model's calls

SUMMARY_LIMIT = 1500
PREVIEW_ROWS = 5
ARTIFACT_KEY = "answer_key"


class AnswerStore:
    """The tools' full answers for one conversation, by key (thread-safe)."""

    def __init__(self) -> None:
        self._answers: dict[str, Answer] = {}
        self._lock = threading.Lock()

    def put(self, answer: Answer) -> str:
        key = uuid.uuid4().hex
        with self._lock:
            self._answers[key] = answer
        return key

    def get(self, key: str | None) -> Answer | None:
        if key is None:
            return None
        with self._lock:
            return self._answers.get(key)

    def __len__(self) -> int:
        return len(self._answers)


@dataclass
class RunContext:
    """What a tool needs while one question is answered."""

    engine: Engine
    language: str
    store: AnswerStore = field(default_factory=AnswerStore)
    hint: str | None = None  # the router's parse of the question, added to the system prompt
    max_model_calls: int | None = None  # requests to the model endpoint for this question (None: no cap)
    tool_runs: int = 0
    model_calls: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def take_model_call(self) -> bool:
        """Count one request to the model endpoint (a retry is a request too); False once the
        question's cap is used up, and then nothing may be sent."""
        with self._lock:
            if self.max_model_calls is not None and self.model_calls >= self.max_model_calls:
                return False
            self.model_calls += 1
            return True

    def take_tool_run(self) -> bool:
        """Count one tool run for this question; False once the cap is reached (one model message
        may carry any number of parallel calls, and each would be a query)."""
        with self._lock:
            self.tool_runs += 1
            return self.tool_runs <= max_tool_calls()


def max_tool_calls() -> int:
    return int(env_number("ASSISTANT_MAX_TOOL_CALLS", DEFAULT_MAX_TOOL_CALLS, 1, 100, integer=True))


def _too_many(language: str) -> Answer:
    limit = max_tool_calls()
    error = ToolError(
        "too_many_tool_calls",
        f"Too many tool calls for one question (the limit is {limit}). Answer with what you have, or ask the "
        "person to split the question.",
        f"一个问题的工具调用次数过多（上限 {limit} 次）。请用已有结果回答，或请用户拆分问题。",
    )
    message = error.message(language)
    return Answer(message, language, error={"code": error.code, "message": message})


def artifact_answer(store: AnswerStore, artifact: Any) -> Answer | None:
    """The `Answer` a tool artifact points at (None for anything else)."""
    if isinstance(artifact, dict):
        return store.get(artifact.get(ARTIFACT_KEY))
    return None


def _cut(text: str, limit: int) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[: max(0, limit - 1)].rstrip() + "…"


def _cell(value: Any) -> str:
    value = jsonable(value)
    if isinstance(value, float):
        value = round(value, 2 if abs(value) >= 100 else 4)
    text = "" if value is None else str(value)
    return _cut(text.replace("\n", " ").replace("|", "/"), 40)


def summarize(answer: Answer, limit: int = SUMMARY_LIMIT) -> str:
    """The short text the model sees instead of the full result."""
    if answer.error:
        code = answer.error.get("code", "error")
        message = answer.error.get("message", answer.answer)
        text = (
            f"ERROR [{code}]: {message}\n"
            "Fix the arguments (see this tool's description and schema) or choose another tool; "
            "do not guess the numbers."
        )
        return _cut(text, limit)
    parts = [_cut(answer.answer, limit // 2)]
    resolved = [c.resolved for c in answer.tool_calls if c.resolved]
    if resolved:
        parts.append("Resolved parameters: " + _cut(json.dumps(jsonable(resolved[0]), ensure_ascii=False), 200))
    if answer.tables:
        names = ", ".join(f"{t.name} ({len(t.df):,} rows{', truncated' if t.truncated else ''})" for t in answer.tables)
        parts.append(f"Tables shown to the user: {names}.")
        first = answer.tables[0]
        head = first.df.head(PREVIEW_ROWS)
        lines = [" | ".join(str(c) for c in head.columns)]
        lines += [" | ".join(_cell(v) for v in row) for row in head.itertuples(index=False, name=None)]
        more = f" (first {len(head)} of {len(first.df):,})" if len(first.df) > len(head) else ""
        parts.append(f"Table {first.name}{more}:\n" + "\n".join(lines))
    if answer.recommendations:
        parts.append("Recommendations: " + " / ".join(_cut(r, 160) for r in answer.recommendations[:3]))
    return _cut("\n".join(parts), limit)


def _adapter(spec: Tool, context_of: Callable[[RunnableConfig], RunContext]) -> BaseTool:
    def run(config: RunnableConfig, **args: Any) -> tuple[str, dict[str, Any]]:
        ctx = context_of(config)
        if ctx.take_tool_run():
            answer = ctx.engine.run_tool(spec.name, args, ctx.language)  # never raises
        else:
            answer = _too_many(ctx.language)
        key = ctx.store.put(answer)
        return summarize(answer), {ARTIFACT_KEY: key, "tool": spec.name, "ok": answer.ok}

    return StructuredTool.from_function(
        func=run,
        name=spec.name,
        description=spec.description,
        args_schema=spec.args_model,
        response_format="content_and_artifact",
    )


def build_tools(context_of: Callable[[RunnableConfig], RunContext]) -> list[BaseTool]:
    """Every registered tool as a LangChain tool; `context_of(config)` finds the run's engine,
    language and answer store (the config carries the conversation's thread id)."""
    return [_adapter(spec, context_of) for spec in all_tools()]
