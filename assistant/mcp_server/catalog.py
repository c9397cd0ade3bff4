"""What the MCP server offers: every vetted tool of the registry under its own name, docstring and
argument schema (plus `dataset` and `language`), and two tools of its own, `ask` and `list_datasets`.
Each tool's arguments are one pydantic model, so the advertised schema and the validation that
refuses bad arguments can never disagree."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import mcp_types as types
import pydantic

from assistant.mcp_server.schemas import ANSWER_SCHEMA, ASK_SCHEMA, DATASETS_SCHEMA
from tools.registry import Tool, all_tools
from tools.result import ToolError

ASK = "ask"
LIST_DATASETS = "list_datasets"
COMMON_ARGUMENTS = ("dataset", "language")  # taken by the MCP layer, never passed to a tool

Dataset = pydantic.Field(
    None,
    max_length=100,
    description="Name of an imported dataset (see list_datasets). Omit it to use the default dataset.",
)
Language = pydantic.Field(
    None,
    description="Language of the answer text: 'zh' (Chinese) or 'en' (English). "
    "Default: English for tools, the question's language for ask.",
)


class AskArgs(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")

    question: str = pydantic.Field(description="The question, in Chinese or English.")
    conversation_id: str | None = pydantic.Field(
        None,
        max_length=128,
        description="Id returned with an earlier answer: the question is then read as a follow-up to it. "
        "Omit it to start a new conversation. Only the client (API token) that started a conversation can "
        "continue it.",
    )
    dataset: str | None = Dataset
    language: Literal["zh", "en"] | None = Language


class ListDatasetsArgs(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")


ASK_DESCRIPTION = """Answer a question about the shop's customers, in Chinese or English, as the chat does.

A deterministic router picks one vetted tool and its arguments (no model-written SQL); the result
says which tool, arguments and SQL produced it. Pass the `conversation_id` of the previous answer
to ask a follow-up ("那上上个月呢", "and by gender?"): it reuses that question with the change
applied. An ambiguous question comes back with numbered options: ask again with the number.

Example question: "上个月GMV是多少" (What was GMV last month?)."""

LIST_DATASETS_DESCRIPTION = """List the datasets this server can answer from.

Returns the default dataset (used when `dataset` is omitted) and the imported ones with their
import time and row counts. Pass a name as `dataset` to any other tool.

Example question: which datasets can you analyse?"""


@dataclass(frozen=True)
class Offered:
    """One MCP tool: its advertised definition and the model that validates its arguments."""

    tool: types.Tool
    args_model: type[pydantic.BaseModel]
    registry_tool: Tool | None = None  # None for the MCP server's own tools


def _with_common(spec: Tool) -> type[pydantic.BaseModel]:
    clash = set(COMMON_ARGUMENTS) & set(spec.args_model.model_fields)
    if clash:  # a tool argument named like ours would be silently swallowed by the MCP layer
        raise ValueError(f"tool {spec.name} has arguments {sorted(clash)} reserved by the MCP server")
    return pydantic.create_model(
        f"{spec.name}_args",
        __base__=spec.args_model,
        dataset=(str | None, Dataset),
        language=(Literal["zh", "en"] | None, Language),
    )


def _offer(name: str, description: str, model: type[pydantic.BaseModel], output: dict[str, Any],
           registry_tool: Tool | None = None) -> Offered:
    tool = types.Tool(name=name, description=description, input_schema=model.model_json_schema(),
                      output_schema=output)
    return Offered(tool, model, registry_tool)


def build_catalog() -> dict[str, Offered]:
    """Every offered tool by name: the registry's, sorted, then `ask` and `list_datasets`."""
    offered = {spec.name: _offer(spec.name, spec.description, _with_common(spec), ANSWER_SCHEMA, spec)
               for spec in all_tools()}
    for name in (ASK, LIST_DATASETS):
        if name in offered:
            raise ValueError(f"a registry tool is named {name!r}, which the MCP server uses for its own tool")
    offered[ASK] = _offer(ASK, ASK_DESCRIPTION, AskArgs, ASK_SCHEMA)
    offered[LIST_DATASETS] = _offer(LIST_DATASETS, LIST_DATASETS_DESCRIPTION, ListDatasetsArgs, DATASETS_SCHEMA)
    return offered


def bad_arguments(name: str, model: type[pydantic.BaseModel], error: pydantic.ValidationError) -> ToolError:
    """What was wrong and what is allowed, in the registry's words, so a model can correct itself."""
    problems = []
    for item in error.errors():
        where = ".".join(str(p) for p in item["loc"]) or "arguments"
        problems.append(f"{where}: {item['msg']}")
    detail = "; ".join(problems)
    allowed = ", ".join(model.model_fields) or "(none)"
    return ToolError(
        "bad_arguments",
        f"Invalid arguments for {name}: {detail}. Allowed arguments: {allowed}.",
        f"{name} 的参数有误：{detail}。可用参数：{allowed}。",
    )
