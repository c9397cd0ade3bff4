"""SQL written by a person or a model runs in a worker process whose memory is watched.

DuckDB's memory limit covers its buffer manager, not everything a query can allocate: list and
string building (`len(range(1, 150000000))`, `repeat(x, n)` with a computed n, a huge
`list()` aggregate) once took a server from 0.5 GB to 13.7 GB under a 4 GB limit. The parse-time
guard refuses such calls when their sizes are literals (tools.sql_guard); what is only known at
run time runs here: a small pool of worker processes, each with its own locked, read-only
connection to the dataset. A watcher reads each worker's resident memory while it works and kills
it past the limit, or past the time limit; the server process and every other session carry on,
and the next query gets a fresh worker.

Results come back bounded too: at most `max_rows` rows, text cells cut at MAX_CELL_CHARS, lists
at MAX_CELL_ITEMS, and the whole result at MAX_RESULT_BYTES (the result says it was cut).

Protocol: length-prefixed pickles over the worker's stdin/stdout; the worker is our own code, run
as `python -c "from tools.sql_worker import main; main()"`.
"""

from __future__ import annotations

import os
import pickle
import queue
import struct
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

MAX_CELL_CHARS = 10_000
MAX_CELL_ITEMS = 1_000
MAX_RESULT_BYTES = 16 * 1024 * 1024
WATCH_INTERVAL = 0.02  # seconds between memory readings: memory grows at most a few GB/s
KILL_GRACE = 5.0  # seconds past the query timeout before an unresponsive worker is killed
_HEADER = struct.Struct("!Q")


@dataclass
class WorkerConfig:
    path: str
    memory_limit: str
    threads: int
    rss_limit: int  # bytes


# --- Bounding values (also used by engines that need no worker) -----------------------------

def bound_cell(value: Any) -> tuple[Any, bool]:
    """A cell cut to a displayable size, and whether anything was cut. The budget is the whole
    cell's, however deeply nested: a list of a thousand lists of a thousand strings is one cell."""
    budget = [MAX_CELL_CHARS, MAX_CELL_ITEMS]
    cut = [False]
    return _bounded(value, budget, cut), cut[0]


def _bounded(value: Any, budget: list[int], cut: list[bool]) -> Any:
    if isinstance(value, (str, bytes)):
        room = max(budget[0], 0)
        budget[0] -= len(value)
        if len(value) > room:
            cut[0] = True
            return value[:room] + ("…" if isinstance(value, str) else b"")
        return value
    if isinstance(value, (list, tuple, dict)):
        items = list(value.items()) if isinstance(value, dict) else list(value)
        kept = []
        for item in items:
            if budget[1] <= 0 or budget[0] <= 0:
                cut[0] = True
                break
            budget[1] -= 1
            kept.append((item[0], _bounded(item[1], budget, cut)) if isinstance(value, dict)
                        else _bounded(item, budget, cut))
        return dict(kept) if isinstance(value, dict) else kept
    budget[0] -= 8
    return value


def _size(value: Any) -> int:
    if isinstance(value, (str, bytes)):
        return len(value) + 16
    if isinstance(value, (list, tuple)):
        return 16 + sum(_size(v) for v in value)
    if isinstance(value, dict):
        return 16 + sum(_size(k) + _size(v) for k, v in value.items())
    return 16


def bound_rows(rows: list[tuple]) -> tuple[list[tuple], bool]:
    """Rows with every cell bounded, cut once they add up to MAX_RESULT_BYTES."""
    out, total, cut = [], 0, False
    for row in rows:
        bounded = []
        for value in row:
            value, cell_cut = bound_cell(value)
            bounded.append(value)
            cut = cut or cell_cut
        total += sum(_size(v) for v in bounded)
        if total > MAX_RESULT_BYTES and out:
            return out, True
        out.append(tuple(bounded))
    return out, cut


# --- The worker side ----------------------------------------------------------------------------

def _send(stream: BinaryIO, message: Any) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)) + data)
    stream.flush()


def _receive(stream: BinaryIO) -> Any:
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        raise EOFError
    (length,) = _HEADER.unpack(header)
    data = stream.read(length)
    if len(data) < length:
        raise EOFError
    return pickle.loads(data)


def main() -> None:
    """The worker: one locked read-only connection, one query at a time, until stdin closes."""
    import duckdb

    from tools.stdout_guard import reserve_stdout
    from tools.warehouse import _explain_duckdb_error, _locked_config, query_timeout

    requests, replies = sys.stdin.buffer, reserve_stdout()
    sys.stdout = sys.stderr  # nothing but replies may reach the pipe (DuckDB's progress bar goes to stderr)
    config: WorkerConfig = _receive(requests)
    try:
        con = duckdb.connect(config.path, read_only=True, config=_locked_config(config.memory_limit, config.threads))
    except duckdb.Error as error:
        _send(replies, {"error": ("data_unreadable", str(error).splitlines()[0], str(error).splitlines()[0])})
        return
    _send(replies, {"ready": os.getpid()})
    while True:
        try:
            request = _receive(requests)
        except EOFError:
            return
        cursor = con.cursor()
        timer = threading.Timer(request["timeout"], cursor.interrupt)
        timer.start()
        try:
            cursor.execute(request["sql"], request.get("params") or [])
            columns = [d[0] for d in cursor.description or []]
            rows = cursor.fetchmany(request["max_rows"] + 1)
            truncated = len(rows) > request["max_rows"]
            rows, cut = bound_rows(rows[: request["max_rows"]])
            reply: dict[str, Any] = {"columns": columns, "rows": rows, "truncated": truncated or cut}
        except duckdb.InterruptException:
            error = query_timeout(request["timeout"])
            reply = {"error": (error.code, error.message("en"), error.message("zh"))}
        except duckdb.Error as failure:
            error = _explain_duckdb_error(failure)
            reply = {"error": (error.code, error.message("en"), error.message("zh"))}
        finally:
            timer.cancel()
            cursor.close()
        _send(replies, reply)


# --- The server side ----------------------------------------------------------------------------

def resident_bytes(pid: int) -> int:
    """VmRSS of a process (0 when it is gone or the platform has no /proc)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return 0
    return 0


class WorkerKilled(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason  # "memory" | "timeout" | "crashed"


class _Worker:
    def __init__(self, config: WorkerConfig):
        root = str(Path(__file__).resolve().parents[1])
        env = dict(os.environ)
        env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        self.config = config
        self.process = subprocess.Popen(
            [sys.executable, "-c", "from tools.sql_worker import main; main()"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, cwd=root,
        )
        _send(self.process.stdin, config)
        hello = _receive(self.process.stdout)
        if "error" in hello:
            self.close()
            raise RuntimeError(hello["error"][1])

    def alive(self) -> bool:
        return self.process.poll() is None

    def run(self, request: dict[str, Any], deadline: float) -> dict[str, Any]:
        """Send one request and wait for its reply while watching memory and time."""
        killed: list[str] = []
        done = threading.Event()

        def watch() -> None:
            while not done.wait(WATCH_INTERVAL):
                if resident_bytes(self.process.pid) > self.config.rss_limit:
                    killed.append("memory")
                elif time.monotonic() > deadline:
                    killed.append("timeout")
                else:
                    continue
                self.process.kill()
                return

        watcher = threading.Thread(target=watch, name="sql-worker-watch", daemon=True)
        watcher.start()
        try:
            _send(self.process.stdin, request)
            return _receive(self.process.stdout)
        except (EOFError, BrokenPipeError, OSError, pickle.UnpicklingError):
            self.process.wait(timeout=10)
            raise WorkerKilled(killed[0] if killed else "crashed") from None
        finally:
            done.set()
            watcher.join()

    def close(self) -> None:
        if self.alive():
            try:
                self.process.stdin.close()
                self.process.wait(timeout=2)
            except (OSError, subprocess.TimeoutExpired):
                self.process.kill()
                self.process.wait(timeout=5)


class WorkerPool:
    """Up to `size` workers for one dataset, started when first needed, replaced when killed."""

    def __init__(self, config: WorkerConfig, size: int):
        self.config = config
        self.size = max(1, size)
        self._idle: queue.LifoQueue[_Worker] = queue.LifoQueue()
        self._started = 0
        self._lock = threading.Lock()
        self._closed = False

    def _take(self, wait: float) -> _Worker:
        try:
            return self._idle.get_nowait()
        except queue.Empty:
            pass
        with self._lock:
            if self._started < self.size:
                self._started += 1
                try:
                    return _Worker(self.config)
                except BaseException:
                    self._started -= 1
                    raise
        return self._idle.get(timeout=wait)

    def _give_back(self, worker: _Worker) -> None:
        if worker.alive() and not self._closed:
            self._idle.put(worker)
            return
        worker.close()
        with self._lock:
            self._started -= 1

    def run(self, sql: str, params: list[Any] | None, max_rows: int, timeout: float) -> dict[str, Any]:
        worker = self._take(timeout)
        try:
            request = {"sql": sql, "params": params or [], "max_rows": max_rows, "timeout": timeout}
            return worker.run(request, time.monotonic() + timeout + KILL_GRACE)
        finally:
            self._give_back(worker)

    def close(self) -> None:
        self._closed = True
        while True:
            try:
                self._idle.get_nowait().close()
            except queue.Empty:
                return
