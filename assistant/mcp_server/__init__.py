"""The vetted analytics tools as an MCP server (Model Context Protocol, SDK `mcp` 2.x).

    build_mcp_server(engine_for, ask=)    the server: every registry tool, `ask`, `list_datasets`
    mount_mcp(app, server, "/mcp")        streamable HTTP inside a FastAPI app (lifespan wired)
    mcp_asgi(server)                      the same as (ASGI app, lifespan) for wiring by hand
    run_stdio(data)                       stdio, also `python -m assistant.mcp_server --data X`

Results carry the answer JSON (assistant/answer.py) as structured content and the answer text
with the first table in Markdown; errors come back as tool errors with a plain-language message.
"""

from assistant.mcp_server.http_app import McpHttpApp, mcp_asgi, mount_mcp, transport_security
from assistant.mcp_server.server import build_mcp_server
from assistant.mcp_server.stdio import run_stdio

__all__ = ["McpHttpApp", "build_mcp_server", "mcp_asgi", "mount_mcp", "run_stdio", "transport_security"]
