"""Small helpers shared by bench_associations.py and bench_cohorts.py (bench_rfm.py prints inline)."""

from __future__ import annotations

import os
import platform
import resource

import duckdb
import numpy as np
import pandas as pd

from tools.warehouse import DEFAULT_MEMORY_LIMIT, DEFAULT_THREADS


def print_table(header: list[str], rows: list[list[str]]) -> None:
    """Left-align the first column, right-align the others (same layout as bench_rfm.py)."""
    table = [header, *rows]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    for row in table:
        print("  ".join(cell.ljust(w) if i == 0 else cell.rjust(w)
                        for i, (cell, w) in enumerate(zip(row, widths, strict=True))))


def ratio(ours: float | None, other: float | None) -> str:
    return f"{ours / other:.2f}" if ours and other else "n/a"


def machine_lines(extra: list[str] | None = None) -> list[str]:
    load = ", ".join(f"{v:.2f}" for v in os.getloadavg())
    return [
        f"machine: {platform.platform()}, {os.cpu_count()} cores, load average now {load}",
        f"python {platform.python_version()}, duckdb {duckdb.__version__}, "
        f"pandas {pd.__version__}, numpy {np.__version__}",
        f"warehouse (ours): threads={DEFAULT_THREADS}, memory_limit={DEFAULT_MEMORY_LIMIT}",
        *(extra or []),
    ]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
