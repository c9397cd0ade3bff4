"""Hostile and harmless SQL through the validator, the tool layer and the bare locked engine."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.result import ToolError
from tools.sql_guard import validate_select
from tools.warehouse import Warehouse

TABLES = {"orders", "customers", "order_items", "products", "hosts", "live_sessions"}

ALLOWED = [
    "SELECT count(*) FROM orders",
    "select host_id, sum(pay_amount) from orders group by 1 order by 2 desc limit 5",
    "WITH a AS (SELECT * FROM orders) SELECT count(*) FROM a",
    "SELECT date_trunc('month', order_time) AS m, count(*) FROM orders GROUP BY 1 ORDER BY 1",
    "SELECT o.customer_id FROM orders o JOIN customers c USING (customer_id) WHERE c.gender = 'female' "
    "QUALIFY row_number() OVER (PARTITION BY o.customer_id ORDER BY o.order_time) = 1 LIMIT 3",
    "SELECT * FROM orders UNION ALL SELECT * FROM orders LIMIT 1",
    "FROM orders SELECT count(*)",
    "SELECT count(*) FROM orders;",
    "-- a comment\nSELECT 1",
]

REFUSED = [
    ("SELECT 1; SELECT 2", "sql_multiple_statements"),
    ("SELECT 1; DROP TABLE orders", "sql_multiple_statements"),
    ("COPY orders TO 'leak.csv'", "sql_not_read_only"),
    ("COPY (SELECT * FROM customers) TO 'leak.parquet' (FORMAT parquet)", "sql_not_read_only"),
    ("EXPORT DATABASE 'leakdir'", None),
    ("ATTACH 'other.duckdb' AS other", "sql_not_read_only"),
    ("DETACH other", "sql_not_read_only"),
    ("INSTALL httpfs", "sql_not_read_only"),
    ("LOAD httpfs", "sql_not_read_only"),
    ("SET enable_external_access = true", "sql_not_read_only"),
    ("RESET threads", "sql_not_read_only"),
    ("PRAGMA database_list", "sql_not_read_only"),
    ("CALL pragma_version()", "sql_not_read_only"),
    ("INSERT INTO orders SELECT * FROM orders", "sql_not_read_only"),
    ("WITH x AS (DELETE FROM orders RETURNING *) SELECT * FROM x", "sql_not_read_only"),
    ("CREATE TABLE t AS SELECT 1", "sql_not_read_only"),
    ("UPDATE orders SET pay_amount = 0", "sql_not_read_only"),
    ("SELECT * FROM read_csv('/etc/passwd')", "sql_function_not_allowed"),
    ("SELECT * FROM read_csv_auto('/etc/passwd')", "sql_function_not_allowed"),
    ("SELECT read_text('/etc/passwd')", "sql_function_not_allowed"),
    ("SELECT * FROM read_text('/etc/passwd')", "sql_function_not_allowed"),
    ("SELECT * FROM read_parquet('https://example.com/x.parquet')", "sql_function_not_allowed"),
    ("SELECT * FROM glob('/etc/*')", "sql_function_not_allowed"),
    ("SELECT * FROM sniff_csv('/etc/passwd')", "sql_function_not_allowed"),
    ("SELECT * FROM '/etc/passwd'", None),
    ('SELECT * FROM "data.parquet"', "sql_unknown_table"),
    ("SELECT * FROM query('SELECT 1')", "sql_function_not_allowed"),
    ("SELECT * FROM query_table('orders')", "sql_function_not_allowed"),
    ("SELECT * FROM duckdb_settings()", "sql_function_not_allowed"),
    ("SELECT * FROM duckdb_secrets()", "sql_function_not_allowed"),
    ("SELECT current_setting('threads')", "sql_function_not_allowed"),
    ("SELECT getenv('HOME')", "sql_function_not_allowed"),
    ("EXPLAIN ANALYZE SELECT 1", "sql_not_read_only"),
    ("SELECT * FROM information_schema.tables", "sql_unknown_table"),
    ("SELECT * FROM other.main.orders", "sql_unknown_table"),
    ("", "sql_empty"),
    ("   -- only a comment", "sql_empty"),
    ("ＳＥＬＥＣＴ 1", "sql_syntax"),
    ("SELECT " + "1 + " * 6000 + "1", "sql_too_long"),
]


@pytest.mark.parametrize("sql", ALLOWED)
def test_validator_accepts_read_only_selects(sql: str) -> None:
    assert validate_select(sql, TABLES) == sql


@pytest.mark.parametrize("sql,code", REFUSED)
def test_validator_refuses(sql: str, code: str | None) -> None:
    with pytest.raises(ToolError) as caught:
        validate_select(sql, TABLES)
    if code:
        assert caught.value.code == code
    assert caught.value.en and caught.value.zh


def _files_under(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*")}


@pytest.mark.parametrize("sql,code", REFUSED)
def test_run_sql_refuses_and_writes_nothing(engine, sql, code, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    before = _files_under(tmp_path) | _files_under(engine.data_path.parent)
    answer = engine.sql(sql)
    assert not answer.ok
    assert answer.error["code"].startswith("sql_")
    assert answer.tables == []
    assert _files_under(tmp_path) | _files_under(engine.data_path.parent) == before


ENGINE_REFUSES = [
    "COPY orders TO '{dir}/leak.csv'",
    "EXPORT DATABASE '{dir}/leakdir'",
    "ATTACH '{dir}/other.duckdb' AS other",
    "INSTALL httpfs",
    "SET enable_external_access = true",
    "SET memory_limit = '100GB'",
    "SELECT * FROM read_csv('/etc/passwd')",
    "SELECT * FROM read_text('/etc/passwd')",
    "SELECT * FROM glob('/etc/*')",
    "SELECT * FROM '/etc/passwd'",
    "CREATE TABLE hijack AS SELECT 1",
    "INSERT INTO orders SELECT * FROM orders LIMIT 1",
]


@pytest.mark.parametrize("template", ENGINE_REFUSES)
def test_locked_engine_refuses_with_validator_bypassed(demo_db: Path, tmp_path: Path, template: str) -> None:
    """The second layer on its own: the read-only, locked connection refuses too."""
    sql = template.format(dir=tmp_path)
    with Warehouse(demo_db) as wh:
        with pytest.raises(ToolError):
            wh.query(sql)
        assert wh.scalar("SELECT count(*) FROM orders") > 0  # still usable afterwards
    assert list(tmp_path.iterdir()) == []


def test_file_named_table_is_not_read_even_if_it_exists(engine, tmp_path, monkeypatch) -> None:
    (tmp_path / "secret.csv").write_text("a,b\n1,2\n")
    monkeypatch.chdir(tmp_path)
    answer = engine.sql('SELECT * FROM "secret.csv"')
    assert answer.error["code"] == "sql_unknown_table"
    assert "secret" not in str(answer.tables)


def test_a_qualified_name_is_never_a_cte() -> None:
    """WITH x AS (...) SELECT * FROM main.x reads the stored table x: a hidden one must stay unknown."""
    for sql in ("WITH _assistant_sealed AS (SELECT 1) SELECT * FROM main._assistant_sealed",
                "WITH t AS (SELECT 1) SELECT * FROM main.t"):
        with pytest.raises(ToolError) as refused:
            validate_select(sql, {"orders"})
        assert refused.value.code == "sql_unknown_table"
    assert validate_select("WITH t AS (SELECT 1) SELECT * FROM t", {"orders"})


def test_analyst_statements_beyond_select() -> None:
    for sql in ("PIVOT orders ON status USING count(*) GROUP BY source",
                "SELECT quantile(pay_amount, 0.9), mean(pay_amount), pi() FROM orders",
                "SELECT COLUMNS('.*amount') FROM orders",
                "SELECT * FROM orders WHERE (status = 'paid' AND pay_amount > 10) OR NOT source = 'live'"):
        assert validate_select(sql, {"orders"})
