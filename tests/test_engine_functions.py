"""Every function the run_sql allow-list accepts, on both engines: Spark either gives DuckDB's
answer or refuses it by name (sql_not_on_engine). Never a silently different number.

A sqlglot or PySpark upgrade that changes a translation fails here with the function's name.
"""

from __future__ import annotations

import datetime
import decimal
import math

import duckdb
import numpy as np
import pandas as pd
import pytest
import sqlglot
from sqlglot import exp

from tools.result import ToolError
from tools.sql_guard import _ALLOWED_CALL_SAMPLES

pytestmark = pytest.mark.slow

ROWS = """CREATE TABLE t AS SELECT * FROM (VALUES
 (1, 2.5::DOUBLE, 3.0::DOUBLE, 'abc,def', TIMESTAMP '2024-03-10 13:45:30', DATE '2024-02-29', [1, 2, 3], TRUE),
 (2, -1.25::DOUBLE, 4.0::DOUBLE, 'Hello', TIMESTAMP '2024-12-31 23:59:59', DATE '2023-01-01', [4, 5], FALSE),
 (3, 7.0::DOUBLE, NULL, 'a,b', TIMESTAMP '2025-01-05 00:00:00', DATE '2025-06-15', [6], TRUE)
) v(k, n, m, s, ts, d, l, b)"""
# The placeholders x, y, z of each sample are bound to columns in turn until DuckDB accepts one.
BINDINGS = [
    {"x": "n", "y": "m", "z": "k"}, {"x": "s", "y": "s", "z": "s"}, {"x": "ts", "y": "ts", "z": "ts"},
    {"x": "d", "y": "d", "z": "d"}, {"x": "l", "y": "l", "z": "l"}, {"x": "b", "y": "b", "z": "k"},
    {"x": "k", "y": "k", "z": "k"},
]
WINDOW_ONLY = ("row_number", "rank", "dense_rank", "percent_rank", "cume_dist", "ntile", "lag", "lead",
               "first_value", "last_value", "nth_value")
# Samples whose test binding is a type error Spark reports (a clear sql_error, not a number):
# a DOUBLE as a CASE condition, concat() of numbers (sqlglot adds COALESCE(x, '')), string[i].
SPARK_TYPE_ERRORS = {"CASE WHEN x THEN y ELSE z END", "CONCAT(x, y)", "x[1]"}
# Aggregates whose answer follows row order (no ORDER BY): alone, each engine scans the 3-row
# file in order; in a batch Spark may aggregate in another order.
ORDER_DEPENDENT = ("first(", "last(", "any_value(", "listagg(", "string_agg(", "array_agg(", "group_concat(")
# Aggregates whose answer is any of several tied values (both engines: "arbitrary" on ties); every
# value of the 3-row table is tied, so the engines agree only that the answer is one of the ties.
TIE_DEPENDENT = ("mode(",)
NOT_REPEATABLE = ("random", "now", "current_timestamp", "get_current_timestamp", "uuid", "gen_random_uuid")


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory):
    from tools.spark_warehouse import SparkWarehouse
    from tools.warehouse import Warehouse

    path = tmp_path_factory.mktemp("functions") / "t.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute(ROWS)
    duck, spark = Warehouse(path), SparkWarehouse(path)
    yield duck, spark
    duck.close()
    spark.close()  # the session stays for tests/test_engines.py, which stops it


def samples() -> list[exp.Expression]:
    return sqlglot.parse_one(f"SELECT {_ALLOWED_CALL_SAMPLES}", read="duckdb").expressions


def bound_query(duck, node: exp.Expression) -> tuple[str, pd.DataFrame] | None:
    """The sample over table t with the first binding DuckDB accepts (None: it accepts none)."""
    text = node.sql(dialect="duckdb").lower()
    over = " OVER (ORDER BY k)" if text.startswith(tuple(f"{w}(" for w in WINDOW_ONLY)) else ""
    for binding in BINDINGS:
        bound = node.copy()
        for column in bound.find_all(exp.Column):
            if column.name in binding and not column.table:
                column.replace(exp.column(binding[column.name]))
        select = f"SELECT {bound.sql(dialect='duckdb')}{over} AS v FROM t"
        for sql in (select + " ORDER BY k", select):  # aggregates take no ORDER BY k
            try:
                return sql, duck.df(sql)
            except ToolError:
                continue
    return None


def plain(value):
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, decimal.Decimal):
        value = float(value)
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, datetime.datetime):
        return value.replace(tzinfo=None).isoformat()
    if isinstance(value, datetime.date):
        return datetime.datetime(value.year, value.month, value.day).isoformat()
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    if isinstance(value, (list, tuple, np.ndarray)):
        return tuple(sorted((plain(v) for v in value), key=str))  # list order is not part of the answer
    if isinstance(value, dict):
        return tuple(sorted((k, plain(v)) for k, v in value.items()))
    return value


def spark_values(spark, checks: list[tuple[str, str, pd.DataFrame]]) -> dict[str, list | ToolError]:
    """Each check's column from Spark: one query for all row-level samples and one for all aggregates
    (a Spark query costs about a quarter second), each alone when a batch fails or changes row counts."""
    out: dict[str, list | ToolError] = {}
    groups: dict[bool, list[tuple[str, str, pd.DataFrame]]] = {True: [], False: []}
    for check in checks:
        groups[check[1].endswith(" ORDER BY k")].append(check)
    for ordered, members in groups.items():
        rows = {len(expected) for _, _, expected in members}
        projections = ", ".join(sql.split(" AS v FROM t")[0].removeprefix("SELECT ") + f" AS v{i}"
                                for i, (_, sql, _) in enumerate(members))
        batch = f"SELECT {projections} FROM t" + (" ORDER BY k" if ordered else "")
        try:
            frame = spark.df(batch) if len(rows) == 1 else None
        except ToolError:
            frame = None
        for i, (name, sql, _) in enumerate(members):
            if frame is not None and len(frame) in rows:
                out[name] = frame[f"v{i}"].tolist()
                continue
            try:
                out[name] = spark.df(sql)["v"].tolist()
            except ToolError as error:
                out[name] = error
    return out


def tied_values(duck, sql: str) -> set:
    """The most frequent values of the aggregate's argument: any of them is a right answer."""
    argument = sqlglot.parse_one(sql, read="duckdb").expressions[0].find(exp.AggFunc).this.sql(dialect="duckdb")
    counts = duck.df(f"SELECT {argument} AS v, count(*) AS c FROM t GROUP BY 1")
    return {plain(v) for v in counts.loc[counts["c"] == counts["c"].max(), "v"]}


def test_every_allowed_function_matches_or_is_refused_on_spark(both) -> None:
    duck, spark = both
    refused, checks, alone = [], [], []
    for node in samples():
        name = node.sql(dialect="duckdb")
        found = bound_query(duck, node)
        if found is None or name.lower().startswith(NOT_REPEATABLE):
            continue
        sql, expected = found
        try:
            spark.check_select(sql)
        except ToolError as error:
            assert error.code == "sql_not_on_engine", (name, error.code)
            refused.append(name)
            continue
        # alone: known type errors, set-returning samples (unnest changes the row count), order-dependent ones
        batchable = (name not in SPARK_TYPE_ERRORS and len(expected) in (1, 3)
                     and not name.lower().startswith(ORDER_DEPENDENT + TIE_DEPENDENT))
        (checks if batchable else alone).append((name, sql, expected))
    got = spark_values(spark, checks)
    for name, sql, _ in alone:
        try:
            got[name] = spark.df(sql)["v"].tolist()
        except ToolError as error:
            got[name] = error
    failed = {name for name, value in got.items() if isinstance(value, ToolError)}
    assert all(got[name].code == "sql_error" for name in failed)
    wrong = [f"{name}: DuckDB {expected['v'].tolist()} vs Spark {got[name]}"
             for name, sql, expected in checks + alone
             if name not in failed and not name.lower().startswith(TIE_DEPENDENT)
             and [plain(v) for v in got[name]] != [plain(v) for v in expected["v"]]]
    wrong += [f"{name}: Spark {got[name]} is not one of the tied values {ties}"
              for name, sql, _ in alone if name.lower().startswith(TIE_DEPENDENT) and name not in failed
              for ties in [tied_values(duck, sql)] if [plain(v) for v in got[name]][0] not in ties]
    assert not wrong, "\n".join(wrong)
    assert failed == SPARK_TYPE_ERRORS, f"Spark fails on {failed - SPARK_TYPE_ERRORS}: add to spark_sql's list"
    same = len(checks) + len(alone) - len(failed)
    assert same > 140 and len(refused) > 25, (same, len(refused))
    assert {"DAYOFWEEK(x)", "KURTOSIS(x)", "LOG(10, x)"} & set(refused) == {"DAYOFWEEK(x)", "KURTOSIS(x)"}
