"""Where the workspace lives and which dataset a command uses."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from tools.result import ToolError

DEMO_FILE_NAME = "demo.duckdb"


def workspace() -> Path:
    """The assistant's own folder: `ASSISTANT_HOME`, else ~/.live-commerce-assistant."""
    configured = os.environ.get("ASSISTANT_HOME")
    home = Path(configured).expanduser() if configured else Path.home() / ".live-commerce-assistant"
    home.mkdir(parents=True, exist_ok=True)
    return home


def demo_database() -> Path:
    """The built-in demo database, generated on first use."""
    path = workspace() / DEMO_FILE_NAME
    if not path.exists():
        from data.demo import build_demo

        print(f"Creating the demo dataset at {path} (first run only)...", file=sys.stderr)
        build_demo(path)
    return path


def resolve_data(data: str | os.PathLike[str] | None) -> Path:
    """A user's DuckDB file (opened read-only later), or the demo database when none is given."""
    if data is None:
        return demo_database()
    path = Path(data).expanduser()
    if not path.exists():
        raise ToolError("data_not_found", f"No such file: {path}", f"找不到文件：{path}")
    if path.is_dir() or path.suffix.lower() not in (".duckdb", ".db", ".ddb"):
        raise ToolError(
            "unsupported_data",
            f"{path.name} is not a DuckDB database file (.duckdb). Importing CSV/Excel exports is not "
            "supported yet.",
            f"{path.name} 不是 DuckDB 数据库文件（.duckdb）。暂不支持导入 CSV/Excel。",
        )
    return path
