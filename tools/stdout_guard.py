"""Keep a process's standard output for what it means to write there.

DuckDB draws a progress bar for a query slower than two seconds, straight onto file descriptor 1 from C (no
Python setting reaches it on a locked connection). In the CLI's --json output, or the SQL worker's reply pipe,
those bytes are corrupt data. A process entry point reserves its stdout first: descriptor 1 then goes to
stderr, where anything else written there is harmless, and the process's own output keeps the real stdout."""

from __future__ import annotations

import io
import os
import sys
from typing import BinaryIO


def reserve_stdout() -> BinaryIO:
    """Point descriptor 1 at stderr and return the real stdout as a binary stream, for the caller to keep."""
    sys.stdout.flush()
    kept = os.fdopen(os.dup(1), "wb")  # (buffered: a raw write to a pipe may write only part)
    os.dup2(2, 1)
    return kept


def reserve_text_stdout() -> None:
    """reserve_stdout, with sys.stdout (print) writing to the real stdout as before."""
    encoding, errors = sys.stdout.encoding or "utf-8", getattr(sys.stdout, "errors", None) or "strict"
    sys.stdout = io.TextIOWrapper(reserve_stdout(), encoding=encoding, errors=errors, line_buffering=True,
                                  write_through=True)
