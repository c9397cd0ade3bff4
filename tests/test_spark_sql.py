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
