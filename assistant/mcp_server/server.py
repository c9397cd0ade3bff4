"""The MCP server: the registry's vetted tools, `ask` and `list_datasets`, over any transport.

Built on the SDK's low-level `Server` rather than `MCPServer` (decorated functions): our tools
already exist as a registry with pydantic argument models, so the schemas are handed over as they
are instead of being re-derived from wrapper signatures."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

import anyio.to_thread
import mcp_types as types
import pydantic
from mcp.server import Server, ServerRequestContext
from mcp.shared.exceptions import MCPError

from assistant.answer import Answer
from assistant.engine import Engine
from assistant.ingest.workspace import list_datasets
from assistant.mcp_server.catalog import ASK, COMMON_ARGUMENTS, LIST_DATASETS, Offered, bad_arguments, build_catalog
from assistant.mcp_server.results import answer_result, data_result, error_result
from tools.result import ToolError

log = logging.getLogger("assistant.mcp")

EngineFor = Callable[[str | None], Engine]
AskFunction = Callable[..., tuple[str, Answer]]
"""(question, conversation_id, dataset, language[, caller=...]) -> (conversation_id, answer)."""
CallerOf = Callable[[Any], str]
"""The transport's request (a Starlette `Request` over HTTP, None over stdio) -> the caller's name."""
Page = types.PaginatedRequestParams | None

SERVER_NAME = "live-commerce-analytics"
INSTRUCTIONS = """Customer analytics for a live-streaming shop (orders, customers, hosts, live sessions).
Every tool runs vetted, read-only SQL and returns the answer text, tables, the SQL used and
recommendations; personal data (phone numbers, e-mails, ID numbers, names, addresses) is always masked.
Use `ask` for a question in Chinese or English, or call a specific tool with its arguments.
`list_datasets` shows which datasets can be passed as `dataset`."""


def build_mcp_server(engine_for: EngineFor, *, ask: AskFunction, caller_of: CallerOf | None = None) -> Server[Any]:
    """The MCP server over `engine_for(dataset)` (None: the default dataset).

    `engine_for` must accept dataset *names* only (never open a client-given path); it may raise
    `ToolError` for an unknown one. `ask` answers the `ask` tool with follow-up state kept per
    conversation id: `Service.ask`, so the API and MCP see the same conversations. `caller_of`
    names the caller of each tool call (from its HTTP request's token), passed to `ask` as
    `caller=` so a conversation is continued only by whoever started it; without it `ask` is
    called without a caller (one local client, as over stdio).
    """
    catalog = build_catalog()
    handlers = _Handlers(engine_for, ask)

    async def list_tools(ctx: ServerRequestContext, params: Page) -> types.ListToolsResult:
        return types.ListToolsResult(tools=[offered.tool for offered in catalog.values()])

    async def call_tool(ctx: ServerRequestContext, params: types.CallToolRequestParams) -> types.CallToolResult:
        offered = catalog.get(params.name)
        if offered is None:  # the spec's protocol error for an unknown tool, with the names to pick from
            known = ", ".join(catalog)
            raise MCPError(types.INVALID_PARAMS, f"There is no tool named '{params.name}'. Available tools: {known}.")
        arguments = dict(params.arguments or {})
        caller = None
        if caller_of is not None:
            try:
                caller = caller_of(ctx.request)
            except ToolError as error:  # the token was withdrawn since the request was let in
                return error_result(error.message("en"))
        # engine calls are blocking (DuckDB, pandas): run them in a worker thread, never on the event loop
        return await anyio.to_thread.run_sync(handlers.call, offered, arguments, caller)

    def input_schema(name: str) -> Mapping[str, Any] | None:
        offered = catalog.get(name)
        return offered.tool.input_schema if offered else None

    return Server(SERVER_NAME, instructions=INSTRUCTIONS, on_list_tools=list_tools, on_call_tool=call_tool,
                  get_tool_input_schema=input_schema)


class _Handlers:
    """The blocking side of `tools/call`, run in a worker thread."""

    def __init__(self, engine_for: EngineFor, ask: AskFunction):
        self.engine_for = engine_for
        self.ask = ask

    def call(self, offered: Offered, arguments: dict[str, Any], caller: str | None = None) -> types.CallToolResult:
        language = "zh" if arguments.get("language") == "zh" else "en"  # for messages before validation
        try:
            parsed = offered.args_model.model_validate(arguments)
        except pydantic.ValidationError as error:
            return error_result(bad_arguments(offered.tool.name, offered.args_model, error).message(language))
        try:
            if offered.registry_tool is not None:
                tool_args = {k: v for k, v in arguments.items() if k not in COMMON_ARGUMENTS}
                return self.run_tool(offered.tool.name, tool_args, parsed.dataset, parsed.language or "en")
            if offered.tool.name == ASK:
                return self.run_ask(parsed.question, parsed.conversation_id, parsed.dataset, parsed.language, caller)
            if offered.tool.name == LIST_DATASETS:
                return self.run_list_datasets()
            raise AssertionError(f"no handler for {offered.tool.name}")
        except ToolError as error:  # e.g. an unknown dataset
            return error_result(error.message(language))
        except Exception:  # never a stack trace to the client; keep it in the log
            log.exception("MCP tool %s failed", offered.tool.name)
            return error_result(_INTERNAL.message(language))

    def run_tool(self, name: str, args: dict[str, Any], dataset: str | None, language: str) -> types.CallToolResult:
        # never allow_personal: an MCP client is a program, and contact exports need a person's explicit request
        answer = self.engine_for(dataset).run_tool(name, args, language, allow_personal=False)
        return answer_result(answer)

    def run_ask(self, question: str, conversation_id: str | None, dataset: str | None,
                language: str | None, caller: str | None = None) -> types.CallToolResult:
        by = {"caller": caller} if caller is not None else {}
        conversation_id, answer = self.ask(question, conversation_id, dataset, language, **by)
        return answer_result(answer, {"conversation_id": conversation_id})

    def run_list_datasets(self) -> types.CallToolResult:
        default = self.engine_for(None).data_path.stem
        datasets = [{"name": name, "imported_at": info.imported_at, "rows": dict(info.rows)}
                    for name, info in sorted(list_datasets().items())]
        lines = [f"Default dataset: {default}"]
        lines += [f"- {d['name']} (imported {d['imported_at']}; "
                  + ", ".join(f"{table}: {rows:,} rows" for table, rows in d["rows"].items()) + ")"
                  for d in datasets]
        if not datasets:
            lines.append("No imported datasets: every tool answers from the default one.")
        return data_result({"default": default, "datasets": datasets}, "\n".join(lines))


_INTERNAL = ToolError(
    "internal_error",
    "Something went wrong while computing this answer. Please rephrase or try again.",
    "计算这个答案时出错了，请换个问法或稍后再试。",
)
