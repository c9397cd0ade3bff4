"""The MCP server over stdio, for a desktop client that launches it as a subprocess
(`python -m assistant.mcp_server --data shop.duckdb`). Logs go to stderr; stdout is the wire."""

from __future__ import annotations

import sys
from typing import Any

import anyio
from mcp.server import Server
from mcp.server.stdio import stdio_server

from assistant.api.service import Service
from assistant.config import with_advice
from assistant.engine import Engine
from assistant.mcp_server.server import build_mcp_server
from assistant.web.context import ContextCache, WebContext
from tools.result import ToolError


def run_stdio(data: str | None) -> None:
    """Serve until the client closes stdin. `data`: a DuckDB file, an export to import or an imported
    dataset's name, as for `assistant ask --data`; None for the demo."""
    try:  # open the default now: a bad --data fails at start, not on the first call
        service = Service(ContextCache(WebContext(Engine(data))))
    except ToolError as error:
        print(with_advice(error).message("en"), file=sys.stderr)
        raise SystemExit(2) from None
    try:
        anyio.run(_serve, build_mcp_server(service.engine, ask=service.ask))
    finally:
        service.cache.default.engine.close()


async def _serve(server: Server[Any]) -> None:
    async with stdio_server() as (read_stream, write_stream):
        await server.run(read_stream, write_stream, server.create_initialization_options())
