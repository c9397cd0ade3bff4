"""`python -m assistant.mcp_server [--data X]`: the MCP server over stdio."""

from __future__ import annotations

import argparse
import logging

from assistant.mcp_server.stdio import run_stdio


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m assistant.mcp_server",
        description="Serve the vetted customer-analytics tools to an MCP client over stdio.",
    )
    parser.add_argument("--data", help="DuckDB file, export file/folder or imported dataset name (default: the demo)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)  # stderr: stdout carries the protocol
    run_stdio(args.data)


if __name__ == "__main__":
    main()
