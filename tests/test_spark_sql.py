"""The DuckDB -> Spark rewrites, one per DuckDB behaviour kept (no JVM: pure sqlglot)."""

from __future__ import annotations

import re

import pytest

from tools.result import ToolError
from tools.spark_sql import single_select, to_spark

SCHEMA = {"orders": {"order_id": "BIGINT", "customer_id": "BIGINT", "order_time": "TIMESTAMP",
                     "pay_amount": "DOUBLE", "status": "VARCHAR"}}


def spark(sql: str, params=None, **kw) -> str:
    """The Spark text on one line (the engine gets it pretty-printed)."""
    flat = " ".join(to_spark(sql, params, **kw).sql.split())
    return re.sub(r"\(\s+", "(", re.sub(r"\s+\)", ")", flat))


@pytest.mark.parametrize(("duckdb_sql", "expected"), [
    # min(x, n): the n smallest as a sorted list
    ("SELECT min(order_time, 2) FROM orders", "SLICE(SORT_ARRAY(COLLECT_LIST(order_time), TRUE), 1, 2)"),
    ("SELECT max(pay_amount, 3) FROM orders", "SLICE(SORT_ARRAY(COLLECT_LIST(pay_amount), FALSE), 1, 3)"),
    # list[i] past the end is NULL, not an error (index already 0-based)
    ("SELECT l[2] FROM (SELECT [1] AS l) t", "GET(l, 1)"),
    # exact quantiles, never PERCENTILE_APPROX
    ("SELECT quantile_cont(pay_amount, 0.25) FROM orders", "PERCENTILE(pay_amount, 0.25)"),
    ("SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY pay_amount) FROM orders", "PERCENTILE(pay_amount, 0.5)"),
    ("SELECT quantile_disc(pay_amount, 0.5) FROM orders",
     "PERCENTILE_DISC(0.5) WITHIN GROUP (ORDER BY pay_amount"),
    # log(x) is base 10 in DuckDB
    ("SELECT log(pay_amount) FROM orders", "LOG(10, pay_amount)"),
    # AS MATERIALIZED is DuckDB's
    ("WITH x AS MATERIALIZED (SELECT 1 AS a) SELECT a FROM x", "WITH x AS (SELECT 1 AS a) SELECT a FROM x"),
    # a whole row as arg_max's value; GROUP BY ordinals spelled out next to it
    ("SELECT r.customer_id, arg_max(r, r.pay_amount) FROM orders r GROUP BY 1",
     "MAX_BY(STRUCT(r.*), r.pay_amount) FROM orders AS r GROUP BY r.customer_id"),
    # date_diff counts boundaries crossed (23:00 -> 01:00 is one day), not whole units elapsed
    ("SELECT date_diff('day', order_time, paid_time) FROM orders",
     "DATEDIFF(CAST(paid_time AS DATE), CAST(order_time AS DATE))"),
    ("SELECT date_diff('month', order_time, paid_time) FROM orders",
     "((YEAR(paid_time) - YEAR(order_time)) * 12 + (MONTH(paid_time) - MONTH(order_time)))"),
    ("SELECT date_diff('week', order_time, paid_time) FROM orders",
     "CAST(DATEDIFF(CAST(paid_time AS DATE), CAST(order_time AS DATE)) / 7 AS BIGINT)"),
    ("SELECT date_diff('hour', order_time, paid_time) FROM orders",
     "(FLOOR(UNIX_TIMESTAMP(paid_time) / 3600) - FLOOR(UNIX_TIMESTAMP(order_time) / 3600))"),
    # Monday is 1 in ISO numbering on both; DuckDB's dow counts Sunday as 0, Spark's as 1
    ("SELECT extract(isodow FROM order_time) FROM orders", "EXTRACT(DAYOFWEEK_ISO FROM order_time)"),
    ("SELECT extract(dow FROM order_time) FROM orders", "(EXTRACT(DAYOFWEEK FROM order_time) - 1)"),
    # avg is a DOUBLE in DuckDB, a widened DECIMAL in Spark
    ("SELECT avg(CASE WHEN status = 'paid' THEN 1.0 ELSE 0.0 END) FROM orders",
     "AVG(CAST(CASE WHEN status = 'paid' THEN 1.0 ELSE 0.0 END AS DOUBLE))"),
    # a date spine in FROM; range() stops before its end, sequence() includes it
    ("SELECT d FROM generate_series(DATE '2026-10-01', DATE '2026-10-03', INTERVAL 1 DAY) t(d)",
     "FROM (SELECT EXPLODE(SEQUENCE(CAST('2026-10-01' AS DATE), CAST('2026-10-03' AS DATE), INTERVAL '1' DAY)) "
     "AS `d`) AS t"),
    ("SELECT r FROM range(1, 10, 2) t(r)", "FROM (SELECT EXPLODE(SEQUENCE(1, 10 - 1, 2)) AS `r`) AS t"),
    # Chinese aliases need backticks in Spark
    ("SELECT status AS 状态 FROM orders", "SELECT status AS `状态` FROM orders"),
])
def test_rewrite(duckdb_sql: str, expected: str) -> None:
    assert expected in spark(duckdb_sql)


def test_nested_ctes_stay_nested() -> None:
    """Two subqueries may reuse CTE names (lifecycle_stages): hoisting them would clash."""
    sql = ("SELECT * FROM (WITH g AS (SELECT 1 AS a) SELECT a FROM g) x "
           "JOIN (WITH g AS (SELECT 1 AS a) SELECT a FROM g) y USING (a)")
    assert spark(sql).count("WITH g AS") == 2


def test_date_minus_date_is_a_day_count() -> None:
    sql = "SELECT max(order_time)::DATE - min(order_time)::DATE AS span FROM orders"
    assert "DATEDIFF(" in spark(sql, schema=SCHEMA)
    assert "DATEDIFF(" not in spark("SELECT pay_amount - 1 FROM orders", schema=SCHEMA)


def test_parameters_become_named() -> None:
    statement = to_spark("SELECT * FROM orders WHERE customer_id = ? AND status = ?", [7, "paid"])
    assert ":p1" in statement.sql and ":p2" in statement.sql
    assert statement.args == {"p1": 7, "p2": "paid"}
    numbered = to_spark("SELECT * FROM orders WHERE customer_id IN (SELECT unnest($1::BIGINT[]))", [[1, 2]])
    assert ":p1" in numbered.sql and numbered.args == {"p1": [1, 2]}
    with pytest.raises(ToolError):
        to_spark("SELECT ? + ?", [1])


def test_parameters_bind_in_the_order_they_are_written() -> None:
    # a chain of ANDs nests its first conditions deepest: each ? still takes the value written for it
    statement = to_spark("SELECT 1 FROM t o WHERE o.a = ? AND o.b > ? AND o.c IN (?, ?) AND o.d = ?",
                         ["a", 1, "c1", "c2", "d"])
    bound = {name: statement.args[key] for name, key in re.findall(r"o\.(\w) \S+ \(?:(p\d)", statement.sql)}
    assert bound == {"a": "a", "b": 1, "c": "c1", "d": "d"}


def test_tables_are_renamed_but_ctes_and_aliases_kept() -> None:
    sql = "WITH orders_2 AS (SELECT * FROM orders) SELECT o.order_id FROM orders o JOIN orders_2 USING (order_id)"
    out = spark(sql, tables={"orders": "shop.orders", "orders_2": "never"})
    assert "FROM shop.orders AS orders" in out and "FROM shop.orders AS o" in out
    assert "JOIN orders_2" in out


def test_only_one_query_passes_the_second_check() -> None:
    assert single_select("SELECT 1")
    assert not single_select("SELECT 1; DROP VIEW orders")
    assert not single_select("CREATE TABLE x USING parquet AS SELECT 1")
    assert not single_select("SELECT FROM WHERE (")
