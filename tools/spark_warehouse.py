"""The warehouse surface on Spark: the tools' DuckDB-dialect SQL, transpiled (tools.spark_sql).

Where the tables come from:
- ASSISTANT_SPARK_DATABASE=name: that catalog database's tables, read in place (a cluster's
  Hive/Unity/Glue tables named like the data model: orders, customers, …). Nothing is copied.
- otherwise the dataset's DuckDB file, exported once to Parquet in a temp folder and read as
  session views (how tests and a single machine run it).

Read-only: Spark has no read-only session, so the run_sql guard (tools.sql_guard) is the barrier,
with a second check here on the transpiled text; on a cluster, give the assistant's principal
read-only grants (docs/engines.md).
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import threading
import uuid
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd
import sqlglot

from tools.result import ToolError
from tools.sealing import HIDDEN_TABLES, NameMask, Sealing, sealed_source
from tools.spark_session import is_connect, spark_session
from tools.spark_sql import refuse_unavailable, single_select, to_spark
from tools.warehouse import (
    DEFAULT_TIMEOUT_SECONDS,
    QueryResult,
    WarehouseBase,
    file_missing,
    not_read_only,
    query_timeout,
)

_DUCKDB_TYPES = {
    "bigint": "BIGINT", "int": "INTEGER", "smallint": "SMALLINT", "tinyint": "TINYINT", "double": "DOUBLE",
    "float": "FLOAT", "string": "VARCHAR", "boolean": "BOOLEAN", "date": "DATE", "binary": "BLOB",
    "timestamp": "TIMESTAMP WITH TIME ZONE", "timestamp_ntz": "TIMESTAMP",
}


def duckdb_type(spark_type: str) -> str:
    """Spark's type name as DuckDB writes it: describe_data shows one schema whatever the engine."""
    if spark_type.startswith("array<") and spark_type.endswith(">"):
        return duckdb_type(spark_type[6:-1]) + "[]"
    return _DUCKDB_TYPES.get(spark_type, spark_type.upper())


class SparkWarehouse(WarehouseBase):
    kind = "spark"

    def __init__(self, path: str | Path, *, database: str | None = None, spark: Any = None,
                 timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS, sealing: Sealing | None = None):
        self.source = self.path = Path(path)
        self.timeout_seconds = timeout_seconds
        self.database = database if database is not None else os.environ.get("ASSISTANT_SPARK_DATABASE") or None
        self._views: list[str] = []
        self._export_dir: Path | None = None
        self._temporary: Path | None = None
        if not self.database:
            if not self.source.is_file():
                raise file_missing(self.source)
            # The same sealed file DuckDB reads: Spark never sees a raw personal value either.
            self.path, self._temporary = sealed_source(self.source, sealing)
        self.spark = spark or spark_session()
        self._secret = (sealing.secret if sealing is not None and sealing.secret else os.urandom(32))
        self.names = self._catalog_tables() if self.database else self._views_of_file()

    def _catalog_tables(self) -> dict[str, str]:
        """The catalog's tables, read in place through session views that mask personal columns,
        as a sealed DuckDB file stores them (tools.sealing): a cluster's tables cannot be copied."""
        try:
            listed = self.spark.catalog.listTables(self.database)
        except Exception as error:  # noqa: BLE001 - an unknown database or an unreachable metastore
            first = str(error).strip().splitlines()[0]
            raise ToolError("data_not_found", f"Spark database {self.database!r} cannot be listed: {first}",
                            f"无法列出 Spark 数据库 {self.database!r}：{first}") from None
        prefix = f"wh{uuid.uuid4().hex[:8]}_"
        names = {}
        for table in (t for t in listed if not t.isTemporary):
            source = f"{self.database}.{table.name}"
            select = masked_select(self.spark.table(source), self._secret, table.name)
            if select is None:
                names[table.name] = source
                continue
            view = prefix + table.name
            self.spark.sql(f"CREATE OR REPLACE TEMP VIEW `{view}` AS SELECT {select} FROM {source}")
            self._views.append(view)
            names[table.name] = view
        return names

    def _views_of_file(self) -> dict[str, str]:
        self._export_dir = Path(tempfile.mkdtemp(prefix="assistant-spark-"))
        # A copy of the dataset: removed on close, or when the process ends without one (a CLI run).
        atexit.register(shutil.rmtree, self._export_dir, True)
        prefix = f"wh{uuid.uuid4().hex[:8]}_"  # two warehouses in one session must not share view names
        names = {}
        for table, file in export_parquet(self.path, self._export_dir).items():
            view = prefix + table
            self.spark.read.parquet(str(file)).createOrReplaceTempView(view)
            self._views.append(view)
            names[table] = view
        return names

    def close(self) -> None:
        for view in self._views:
            try:
                self.spark.catalog.dropTempView(view)
            except Exception:  # noqa: BLE001, S110 - a stopped session has no views left to drop
                pass
        self._views = []
        for folder in (self._export_dir, self._temporary):
            if folder is not None:
                shutil.rmtree(folder, ignore_errors=True)
        self._export_dir = self._temporary = None

    @cached_property
    def name_mask(self) -> NameMask:
        # A catalog database keeps no digests of names: only the patterns mask a model's text there.
        return NameMask() if self.database else WarehouseBase.name_mask.func(self)

    @cached_property
    def tables(self) -> dict[str, list[tuple[str, str]]]:
        return {
            table: [(f.name, duckdb_type(f.dataType.simpleString())) for f in self.spark.table(name).schema.fields]
            for table, name in sorted(self.names.items())
        }

    @cached_property
    def _schema(self) -> dict[str, dict[str, str]]:
        """`tables` as sqlglot's schema, which the DATE - DATE rewrite types against."""
        return {table: dict(columns) for table, columns in self.tables.items()}

    def check_select(self, sql: str) -> None:
        """After tools.sql_guard: nothing Spark would answer differently, and the transpiled text is
        still exactly one query."""
        refuse_unavailable(sqlglot.parse_one(sql, read="duckdb"))
        if not single_select(to_spark(sql, tables=self.names).sql):
            raise not_read_only()

    def query(self, sql: str, params: list[Any] | None = None, *, max_rows: int | None = None,
              timeout_seconds: float | None = None) -> QueryResult:
        statement = to_spark(sql, params, tables=self.names, schema=self._schema)
        seconds = timeout_seconds or self.timeout_seconds
        with _Watchdog(self.spark, seconds):
            try:
                frame = self.spark.sql(statement.sql, args=statement.args)
                if max_rows is None:
                    return QueryResult(_as_duckdb_frame(frame.toPandas(), frame.schema), False)
                rows = frame.limit(max_rows + 1).collect()  # the plan stops after one row past the cap
            except Exception as error:  # noqa: BLE001 - pyspark.errors.* differ between classic and Connect
                raise _explain_spark_error(error, seconds) from None
        out = pd.DataFrame([tuple(row) for row in rows[:max_rows]], columns=frame.columns)
        return QueryResult(out, len(rows) > max_rows)


class _Watchdog:
    """Cancel this thread's Spark jobs after `seconds`. Classic sessions cancel by job tag; Connect
    interrupts by operation tag (spark.interruptTag does nothing to a classic session's jobs)."""

    def __init__(self, spark: Any, seconds: float):
        self.spark, self.tag = spark, f"assistant-{uuid.uuid4().hex}"
        if is_connect(spark):
            self._add, self._remove, cancel = spark.addTag, spark.removeTag, spark.interruptTag
        else:
            context = spark.sparkContext
            # Without this a cancelled job's tasks keep running to the end, holding the cores.
            context.setInterruptOnCancel(True)
            self._add, self._remove, cancel = context.addJobTag, context.removeJobTag, context.cancelJobsWithTag
        self.timer = threading.Timer(seconds, cancel, [self.tag])

    def __enter__(self) -> _Watchdog:
        self._add(self.tag)
        self.timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.timer.cancel()
        self._remove(self.tag)


def _explain_spark_error(error: Exception, seconds: float) -> ToolError:
    text = str(error)
    if "SPARK_JOB_CANCELLED" in text or "OPERATION_CANCELED" in text:
        return query_timeout(seconds)
    first = (text.strip().splitlines() or [type(error).__name__])[0]
    return ToolError("sql_error", f"The Spark engine rejected the query: {first}", f"Spark 引擎执行出错：{first}")


def _as_duckdb_frame(frame: pd.DataFrame, schema: Any) -> pd.DataFrame:
    """Columns typed as DuckDB's .df() types them, so tools see one shape whatever the engine:
    DATE as datetime64 (Spark gives date objects), DECIMAL as float64 (Spark gives Decimal)."""
    for field in schema.fields:
        kind = field.dataType.simpleString()
        if field.name not in frame.columns:
            continue
        if kind == "date":
            frame[field.name] = pd.to_datetime(frame[field.name]).astype("datetime64[us]")
        elif kind.startswith("decimal"):
            frame[field.name] = frame[field.name].astype("float64")
    return frame


_SPARK_MOBILE = r"^(\\+?86)?1[3-9][0-9]{9}$"
_SPARK_MOBILE_IN_TEXT = r"(?<![0-9])((?:\\+?86[- ]?)?1[3-9][0-9])[- ]?[0-9]{4}[- ]?([0-9]{4})(?![0-9])"
_SPARK_EMAIL_IN_TEXT = r"([A-Za-z0-9])[A-Za-z0-9._%+-]*@([A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,})"


def masked_select(frame: Any, secret: bytes, table: str = "") -> str | None:
    """The select list of a masking view over a catalog table (None when nothing needs masking):
    personal columns masked whole (phones keep 3 + 4 digits), identifier columns whose sample is
    mostly phone numbers, e-mails or ID numbers replaced by the same keyed surrogate as sealing."""
    import hashlib

    from tools.privacy import is_personal_column, mask_text
    from tools.sealing import PERSONAL_KEY_SHARE, SURROGATE_LETTERS, is_identifier_column

    secret_hex = hashlib.sha256(secret).hexdigest()
    parts, changed = [], False
    for field in frame.schema.fields:
        name, kind = f"`{field.name.replace('`', '``')}`", field.dataType.simpleString()
        text = f"CAST({name} AS STRING)"
        if is_identifier_column(field.name) and kind in ("string", "bigint", "decimal(18,0)"):
            sample = [r[0] for r in frame.select(field.name).dropna().limit(2000).collect()]
            if sample and sum(mask_text(str(v)) != str(v) for v in sample) / len(sample) >= PERSONAL_KEY_SHARE:
                digits, letters = SURROGATE_LETTERS
                parts.append(f"CASE WHEN {name} IS NULL THEN NULL ELSE concat('C', translate(substr(sha2(concat("
                             f"'{secret_hex}', ':', {text}), 256), 1, 16), '{digits}', '{letters}')) END AS {name}")
                changed = True
                continue
        if is_personal_column(field.name, table) and kind in ("string", "bigint", "int"):
            parts.append(f"CASE WHEN {name} IS NULL THEN NULL WHEN {text} RLIKE '{_SPARK_MOBILE}' "
                         f"THEN concat(substr({text}, -11, 3), '****', substr({text}, -4)) "
                         f"ELSE concat(substr({text}, 1, 1), '**') END AS {name}")
            changed = True
            continue
        if kind == "string" and not is_identifier_column(field.name):
            # Mobile numbers and e-mails inside free text (a remark, a title); other forms are left
            # to the masking of answers (docs/engines.md).
            parts.append(f"regexp_replace(regexp_replace({name}, '{_SPARK_MOBILE_IN_TEXT}', '$1****$2'), "
                         f"'{_SPARK_EMAIL_IN_TEXT}', '$1***@$2') AS {name}")
            changed = True
            continue
        parts.append(name)
    return ", ".join(parts) if changed else None


def export_parquet(database: Path, folder: Path) -> dict[str, Path]:
    """Each table of a DuckDB file as folder/<table>.parquet. A plain in-memory connection attaches
    the file read-only: the locked Warehouse connection cannot write files, by design."""
    import duckdb

    con = duckdb.connect()
    try:
        con.execute(f"ATTACH {_literal(str(database))} AS src (READ_ONLY)")
        tables = [row[0] for row in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = 'src' AND schema_name = 'main' "
            "ORDER BY table_name").fetchall() if row[0] not in HIDDEN_TABLES]
        files = {}
        for table in tables:
            target = folder / f"{table}.parquet"
            quoted = '"' + table.replace('"', '""') + '"'
            con.execute(f"COPY src.main.{quoted} TO {_literal(target.as_posix())} (FORMAT parquet)")
            files[table] = target
        return files
    finally:
        con.close()


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
