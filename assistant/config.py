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


DUCKDB_SUFFIXES = (".duckdb", ".db", ".ddb")
IMPORT_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".parquet")


def resolve_data(data: str | os.PathLike[str] | None) -> Path:
    """The DuckDB file to open read-only: the demo (no `data`), a user's DuckDB file, a dataset
    already imported into the workspace (by name), or an export (CSV/Excel/Parquet file or folder)
    imported now (idempotent: the same file is imported once)."""
    if data is None:
        return demo_database()
    path = Path(data).expanduser()
    if not path.exists():
        from assistant.ingest.workspace import list_datasets

        known = list_datasets()
        if str(data) in known:
            return Path(known[str(data)].path)
        raise ToolError("data_not_found", f"No such file: {path}", f"找不到文件：{path}")
    if path.is_file() and path.suffix.lower() in DUCKDB_SUFFIXES:
        return path
    if path.is_dir() or path.suffix.lower() in IMPORT_SUFFIXES:
        from assistant.ingest.workspace import import_dataset

        result = import_dataset(path)
        if not result.reused:
            print(result.report.summary("en"), file=sys.stderr)
        return Path(result.dataset.path)
    raise ToolError(
        "unsupported_file",
        f"{path.name}: unsupported file type. Use a DuckDB file or an export: "
        f"{', '.join(IMPORT_SUFFIXES)} (or a folder of them).",
        f"{path.name}：不支持的文件类型。请使用 DuckDB 文件或导出文件："
        f"{'、'.join(IMPORT_SUFFIXES)}（或包含它们的文件夹）。",
    )
