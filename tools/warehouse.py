"""Where tools' SQL runs: a read-only warehouse behind one small surface (query/df/scalar/tables).

Tools write SQL once, in DuckDB's dialect. `Warehouse` runs it on a locked-down DuckDB file;
`tools.spark_warehouse.SparkWarehouse` transpiles it for Spark. `open_warehouse` picks by name.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import threading
from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from tools.result import ToolError
from tools.sealing import HIDDEN_TABLES, NameMask, Sealing, name_mask, sealed_source

DEFAULT_TIMEOUT_SECONDS = float(os.environ.get("ASSISTANT_QUERY_TIMEOUT", "30"))
DEFAULT_MEMORY_LIMIT = os.environ.get("ASSISTANT_MEMORY_LIMIT", "4GB")
DEFAULT_THREADS = int(os.environ.get("ASSISTANT_THREADS", str(min(4, os.cpu_count() or 1))))
# Worker processes for person- or model-written SQL (tools.sql_worker), per open dataset, and the
# resident memory a worker may reach before it is stopped (default: the DuckDB limit plus 1 GB).
DEFAULT_SQL_WORKERS = 2
_UNITS = {"": 1, "B": 1, "KB": 1000, "MB": 1000**2, "GB": 1000**3, "TB": 1000**4, "KIB": 1024, "MIB": 1024**2,
          "GIB": 1024**3, "TIB": 1024**4}


def size_in_bytes(text: str) -> int:
    """"4GB", "512 MiB", "1000000" as bytes (DuckDB's spelling of memory sizes)."""
    import re

    match = re.fullmatch(r"\s*([\d.]+)\s*([A-Za-z]*)\s*", text or "")
    if not match or match.group(2).upper() not in _UNITS:
        raise ValueError(f"not a size: {text!r}")
    return int(float(match.group(1)) * _UNITS[match.group(2).upper()])


def _machine_memory() -> int:
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return 16 * 1000**3


def _setting(name: str, default: str) -> str:
    return os.environ.get(name, "").strip() or default


@dataclass
class QueryResult:
    df: pd.DataFrame
    truncated: bool


def _locked_config(memory_limit: str, threads: int) -> dict[str, Any]:
    # Given at connect time: DuckDB shares one instance per file within a process, so a second
    # Warehouse on the same file must ask for the identical (already locked) configuration.
    return {
        "memory_limit": memory_limit,
        "threads": int(threads),
        "enable_external_access": False,
        # Spilled intermediates go to the system temp folder, never beside the dataset file.
        "temp_directory": str(Path(tempfile.gettempdir()) / "assistant-duckdb-spill"),
        "lock_configuration": True,
    }


ENGINES = ("duckdb", "spark")
log = logging.getLogger("assistant")


class WarehouseBase(ABC):
    """What every engine shares: the helpers tools use, written once on top of `tables` and `scalar`.

    An engine supplies `query`, `tables`, `check_select` and `close`; `kind` names it."""

    kind: str
    path: Path
    timeout_seconds: float

    @abstractmethod
    def query(self, sql: str, params: list[Any] | None = None, *, max_rows: int | None = None,
              timeout_seconds: float | None = None) -> QueryResult:
        """Run one statement; with `max_rows`, fetch one row more to report truncation."""

    @property
    @abstractmethod
    def tables(self) -> dict[str, list[tuple[str, str]]]:
        """Table name -> [(column, DuckDB type name)] for the dataset's tables."""

    @abstractmethod
    def check_select(self, sql: str) -> None:
        """The engine's own second opinion after tools.sql_guard: exactly one read-only SELECT."""

    @abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> WarehouseBase:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def query_untrusted(self, sql: str, max_rows: int) -> QueryResult:
        """Run SQL a person or a model wrote (already through tools.sql_guard and check_select):
        results bounded in rows, cell sizes and bytes (tools.sql_worker). DuckDB overrides this to
        run it in a worker process under a memory watch."""
        from tools.sql_worker import bound_rows

        result = self.query(sql, max_rows=max_rows)
        rows, cut = bound_rows(list(result.df.itertuples(index=False, name=None)))
        if not cut:
            return result
        return QueryResult(pd.DataFrame(rows, columns=list(result.df.columns)), True)

    def df(self, sql: str, params: list[Any] | None = None) -> pd.DataFrame:
        return self.query(sql, params).df

    def scalar(self, sql: str, params: list[Any] | None = None) -> Any:
        """The first value as a Python object (dates stay dates, unlike a DataFrame round trip)."""
        result = self.query(sql, params, max_rows=1)
        return None if result.df.empty else result.df.iat[0, 0]

    def has_table(self, name: str) -> bool:
        return name in self.tables

    def columns(self, table: str) -> set[str]:
        """The column names of `table` (empty when the dataset has no such table)."""
        return {name for name, _ in self.tables.get(table, [])}

    def require_tables(self, *names: str) -> None:
        missing = [n for n in names if n not in self.tables]
        if missing:
            joined = ", ".join(missing)
            raise ToolError(
                "missing_table",
                f"This analysis needs the table(s) {joined}, which this dataset does not have.",
                f"该分析需要数据表 {joined}，当前数据集中没有。",
            )

    def require_column(self, table: str, column: str) -> None:
        self.require_tables(table)
        if column not in self.columns(table):
            raise ToolError(
                "missing_column",
                f"This analysis needs the column {table}.{column}, which this dataset does not have.",
                f"该分析需要数据列 {table}.{column}，当前数据集中没有。",
            )

    @cached_property
    def name_mask(self) -> NameMask:
        """Masks this dataset's customers' names in free text (a model's reply): names, unlike
        phone numbers, have no pattern (tools.sealing.NameMask)."""
        try:
            return name_mask(self.path) if self.path.is_file() else NameMask()
        except ToolError:
            return NameMask()

    @cached_property
    def anchor_date(self) -> date:
        """The last order date (a session report alone: the last session's start): relative time phrases
        resolve against it, not against today."""
        if not self.has_table("orders") and self.has_table("live_sessions"):
            value = self.scalar("SELECT max(start_time)::DATE FROM live_sessions")
            return value if value is not None else date.today()
        self.require_tables("orders")
        value = self.scalar("SELECT max(order_time)::DATE FROM orders")
        return value if value is not None else date.today()

    @cached_property
    def first_date(self) -> date | None:
        if not self.has_table("orders") and self.has_table("live_sessions"):
            return self.scalar("SELECT min(start_time)::DATE FROM live_sessions")
        self.require_tables("orders")
        return self.scalar("SELECT min(order_time)::DATE FROM orders")


def engine_name(engine: str | None = None) -> str:
    """The engine asked for (argument, else ASSISTANT_ENGINE, else duckdb), checked."""
    name = (engine or os.environ.get("ASSISTANT_ENGINE") or "duckdb").strip().lower()
    if name not in ENGINES:
        raise ToolError(
            "bad_engine",
            f"Unknown engine {name!r}; choose one of: {', '.join(ENGINES)}.",
            f"未知的计算引擎 {name!r}；可选：{'、'.join(ENGINES)}。",
        )
    return name


def open_warehouse(path: str | Path, engine: str | None = None, sealing: Sealing | None = None,
                   sql_workers: int | None = None) -> WarehouseBase:
    """The dataset at `path` on the chosen engine (see engine_name); an unsealed file is read through
    a sealed copy (tools.sealing), made in `sealing.folder`. `sql_workers`: see Warehouse."""
    if engine_name(engine) == "spark":
        from tools.spark_warehouse import SparkWarehouse  # pyspark and a JVM only when asked for

        return SparkWarehouse(path, sealing=sealing)
    return Warehouse(path, sealing=sealing, sql_workers=sql_workers)


class Warehouse(WarehouseBase):
    """A DuckDB database opened read-only; the assistant never modifies the file it is given.

    `source` is the file asked for; `path` the file opened: the same file when it is sealed, else
    its sealed copy (personal columns masked at the source, tools.sealing)."""

    kind = "duckdb"

    def __init__(
        self,
        path: str | Path,
        *,
        memory_limit: str = DEFAULT_MEMORY_LIMIT,
        threads: int = DEFAULT_THREADS,
        timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS,
        sealing: Sealing | None = None,
        sql_workers: int | None = None,
    ):
        """`sql_workers`: processes for person- or model-written SQL (default ASSISTANT_SQL_WORKERS,
        else 2); 0 runs it in this process, for a one-shot command that nobody else shares."""
        self.source = Path(path)
        if not self.source.is_file():
            raise file_missing(self.source)
        self.path, self._temporary = sealed_source(self.source, sealing)
        try:
            self._con = duckdb.connect(
                str(self.path), read_only=True, config=_locked_config(memory_limit, threads)
            )
        except duckdb.Error as error:
            self._remove_temporary()
            raise ToolError(
                "data_unreadable",
                f"Could not open {self.source.name} as a DuckDB database ({error}).",
                f"无法把 {self.source.name} 作为 DuckDB 数据库打开（{error}）。",
            ) from None
        self.timeout_seconds = timeout_seconds
        self.memory_limit, self.threads = memory_limit, int(threads)
        self.sql_workers = sql_workers
        self._pool: Any = None
        self._pool_lock = threading.Lock()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
        self._con.close()
        self._remove_temporary()

    def _workers(self) -> Any:
        from tools.sql_worker import WorkerConfig, WorkerPool

        with self._pool_lock:
            if self._pool is None:
                try:
                    rss = size_in_bytes(_setting("ASSISTANT_SQL_WORKER_MEMORY", ""))
                except ValueError:  # unset: DuckDB's limit plus room, and never a quarter of the machine's memory
                    rss = min(size_in_bytes(self.memory_limit) + 1000**3, max(_machine_memory() // 4, 512 * 1000**2))
                self._pool = WorkerPool(WorkerConfig(str(self.path), self.memory_limit, self.threads, rss),
                                        self._worker_count())
            return self._pool

    def _worker_count(self) -> int:
        if self.sql_workers is not None:
            return max(0, self.sql_workers)
        try:
            return max(0, int(_setting("ASSISTANT_SQL_WORKERS", str(DEFAULT_SQL_WORKERS))))
        except ValueError:
            return DEFAULT_SQL_WORKERS

    def query_untrusted(self, sql: str, max_rows: int) -> QueryResult:
        """In a worker process whose memory is watched (tools.sql_worker): a query that allocates
        past every limit stops that worker, not the server."""
        import queue

        from tools.sql_worker import WorkerKilled

        if self._worker_count() == 0:
            return super().query_untrusted(sql, max_rows)
        pool = self._workers()
        try:
            reply = pool.run(sql, None, max_rows, self.timeout_seconds)
        except WorkerKilled as killed:
            if killed.reason == "timeout":
                raise query_timeout(self.timeout_seconds) from None
            if killed.reason == "memory":
                limit = pool.config.rss_limit / 1000**3
                raise ToolError(
                    "out_of_memory",
                    f"The query needed more than {limit:.1f} GB of memory and was stopped. Aggregate more, "
                    "build smaller lists or strings, or add a LIMIT.",
                    f"查询所需内存超过 {limit:.1f} GB，已被中止。请先聚合、生成更小的列表或字符串，或加 LIMIT。",
                ) from None
            raise ToolError("sql_error", "The query stopped unexpectedly. Please simplify it and try again.",
                            "查询意外中止，请简化后重试。") from None
        except queue.Empty:
            raise ToolError("busy", "Too many queries are running; try again in a moment.",
                            "正在运行的查询过多，请稍后再试。") from None
        except RuntimeError:  # a worker could not open the dataset (its path stays in the log)
            log.exception("an SQL worker could not open %s", self.path)
            raise ToolError("data_unreadable", "The dataset could not be opened for this query; please try again.",
                            "无法为此查询打开数据集，请稍后再试。") from None
        if "error" in reply:
            raise ToolError(*reply["error"])
        return QueryResult(pd.DataFrame(reply["rows"], columns=reply["columns"]), reply["truncated"])

    def _remove_temporary(self) -> None:
        if self._temporary is not None:
            shutil.rmtree(self._temporary, ignore_errors=True)
            self._temporary = None

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """Each request gets its own cursor: one connection shared by threads is not allowed."""
        return self._con.cursor()

    def query(
        self,
        sql: str,
        params: list[Any] | None = None,
        *,
        max_rows: int | None = None,
        timeout_seconds: float | None = None,
    ) -> QueryResult:
        """Run one statement with a watchdog; fetch one row past `max_rows` to know it truncated."""
        cursor = self.cursor()
        timer = threading.Timer(timeout_seconds or self.timeout_seconds, cursor.interrupt)
        timer.start()
        try:
            cursor.execute(sql, params or [])
            columns = [d[0] for d in cursor.description or []]
            if max_rows is None:
                return QueryResult(cursor.df(), False)
            rows = cursor.fetchmany(max_rows + 1)
        except duckdb.InterruptException:
            raise query_timeout(timeout_seconds or self.timeout_seconds) from None
        except duckdb.Error as error:
            raise _explain_duckdb_error(error) from None
        finally:
            timer.cancel()
            cursor.close()
        truncated = len(rows) > max_rows
        return QueryResult(pd.DataFrame(rows[:max_rows], columns=columns), truncated)

    @cached_property
    def tables(self) -> dict[str, list[tuple[str, str]]]:
        """Table name -> [(column, type)] for the user tables of the main schema."""
        frame = self.df(
            "SELECT table_name, column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = 'main' ORDER BY table_name, ordinal_position"
        )
        tables: dict[str, list[tuple[str, str]]] = {}
        for row in frame.itertuples(index=False):
            if row.table_name in HIDDEN_TABLES:  # bookkeeping, not data: unknown to queries
                continue
            tables.setdefault(row.table_name, []).append((row.column_name, row.data_type))
        return tables

    def check_select(self, sql: str) -> None:
        """DuckDB's own parser is the second opinion: exactly one SELECT statement."""
        try:
            statements = self.cursor().extract_statements(sql)
        except duckdb.Error as error:
            message = str(error).splitlines()[0]
            raise ToolError(
                "sql_syntax", f"The SQL could not be parsed: {message}", f"无法解析该 SQL：{message}"
            ) from None
        if len(statements) != 1 or statements[0].type != duckdb.StatementType.SELECT:
            raise not_read_only()


def file_missing(path: Path) -> ToolError:
    return ToolError("data_not_found", f"No database file at {path}.", f"找不到数据库文件：{path}。")


def query_timeout(seconds: float) -> ToolError:
    return ToolError(
        "timeout",
        f"The query ran longer than {seconds:g} seconds and was stopped. "
        "Narrow it down (a time window, fewer joins, a LIMIT).",
        f"查询超过 {seconds:g} 秒，已被中止。请缩小范围（加时间范围、减少关联或加 LIMIT）。",
    )


def not_read_only() -> ToolError:
    return ToolError(
        "sql_not_read_only",
        "Only one read-only SELECT statement can run.",
        "只能运行一条只读的 SELECT 语句。",
    )


def _explain_duckdb_error(error: duckdb.Error) -> ToolError:
    text = str(error).split("\n")[0]
    if isinstance(error, duckdb.PermissionException) or "configuration has been locked" in text:
        return ToolError(
            "not_allowed",
            f"Refused: this connection cannot read files, use the network or change settings ({text}).",
            f"已拒绝：此连接不能读取文件、访问网络或修改设置（{text}）。",
        )
    if isinstance(error, duckdb.OutOfMemoryException):
        return ToolError(
            "out_of_memory",
            "The query needed more memory than allowed. Aggregate more or add a LIMIT.",
            "查询所需内存超过上限。请先聚合或加 LIMIT。",
        )
    return ToolError("sql_error", f"The database rejected the query: {text}", f"数据库执行出错：{text}")
