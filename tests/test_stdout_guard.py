"""DuckDB's progress bar never reaches a process's output: the CLI's --json and the SQL worker's reply pipe
hold their own bytes only (tools.stdout_guard). A real DuckDB draws the bar here at once (progress_bar_time 0)."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

SLOW = """
import duckdb
con = duckdb.connect()
con.execute("SET progress_bar_time = 0")
con.execute("SELECT count(*) FROM range(300000000) t(a) WHERE a % 7 = 3").fetchone()
print("ok")
"""


@pytest.mark.parametrize("guarded", [False, True])
def test_the_progress_bar_goes_to_stderr_once_stdout_is_reserved(guarded: bool) -> None:
    script = ("from tools.stdout_guard import reserve_text_stdout\nreserve_text_stdout()\n" if guarded else "") + SLOW
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                          cwd=Path(__file__).resolve().parents[1])
    assert done.returncode == 0, done.stderr
    if guarded:
        assert done.stdout == "ok\n" and "%" in done.stderr
    else:  # the test can fail: without the guard the bar is in the output
        assert "%" in done.stdout


def test_the_command_and_the_sql_worker_reserve_their_stdout() -> None:
    root = Path(__file__).resolve().parents[1]
    scripts = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert scripts["assistant"] == "assistant.cli:entry"
    assert "reserve_stdout()" in (root / "tools" / "sql_worker.py").read_text(encoding="utf-8")
