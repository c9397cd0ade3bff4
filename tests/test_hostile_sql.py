"""Hostile SQL, second list (issue 7): what tests/test_sql_guard.py does not already cover.

test_sql_guard.py holds the first 39 refused statements (multi-statement, COPY/EXPORT/ATTACH/DETACH/
INSTALL/LOAD/SET/RESET/PRAGMA/CALL, read_csv/read_text/glob/sniff_csv on local paths, file-named
tables, query()/query_table(), duckdb_settings()/duckdb_secrets(), EXPLAIN ANALYZE, empty input,
full-width SELECT) and 12 on the locked engine. Here: IMPORT DATABASE, readers on local paths and URLs,
writes hidden in CTEs, catalog/pragma table functions, full-width and zero-width characters,
homoglyphs, and the expensive queries that only the time and memory limits can stop. Each case runs
through the tool layer (engine.run_tool) and, where the validator stops it, through the locked
connection with the validator bypassed. Every case checks that nothing was written."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from assistant.engine import Engine
from tools.result import ToolError
from tools.warehouse import Warehouse

ZW = "\u200b"  # zero-width space

# (sql, the code run_sql must answer with)
REFUSED = [
    pytest.param("IMPORT DATABASE '{dir}'", "sql_syntax", id="import-database"),
    pytest.param("SELECT * FROM read_parquet('/etc/passwd')", "sql_function_not_allowed", id="read_parquet-local"),
    pytest.param("SELECT * FROM read_parquet('https://example.com/x.parquet')", "sql_function_not_allowed",
                 id="read_parquet-url"),
    pytest.param("SELECT * FROM parquet_scan('/etc/passwd')", "sql_function_not_allowed", id="parquet_scan"),
    pytest.param("SELECT * FROM read_json('/etc/passwd')", "sql_function_not_allowed", id="read_json-local"),
    pytest.param("SELECT * FROM read_json_auto('http://example.com/x.json')", "sql_function_not_allowed",
                 id="read_json_auto-url"),
    pytest.param("SELECT * FROM read_ndjson('/etc/passwd')", "sql_function_not_allowed", id="read_ndjson"),
    pytest.param("SELECT * FROM read_blob('/etc/passwd')", "sql_function_not_allowed", id="read_blob"),
    pytest.param("SELECT * FROM read_csv('http://example.com/x.csv')", "sql_function_not_allowed",
                 id="read_csv-url"),
    pytest.param("SELECT * FROM sniff_csv('http://example.com/x.csv')", "sql_function_not_allowed",
                 id="sniff_csv-url"),
    pytest.param("SELECT * FROM 'http://example.com/x.csv'", "sql_unknown_table", id="url-named-table"),
    pytest.param("SELECT * FROM sqlite_scan('/etc/x.db', 't')", "sql_function_not_allowed", id="sqlite_scan"),
    pytest.param("WITH x AS (INSERT INTO orders SELECT * FROM orders RETURNING *) SELECT * FROM x",
                 "sql_not_read_only", id="cte-insert"),
    pytest.param("WITH x AS (UPDATE orders SET pay_amount = 0 RETURNING *) SELECT * FROM x",
                 "sql_not_read_only", id="cte-update"),
    pytest.param("WITH x AS (SELECT 1) INSERT INTO orders SELECT * FROM orders", "sql_not_read_only",
                 id="with-then-insert"),
    pytest.param("WITH x AS (SELECT 1) UPDATE orders SET pay_amount = 0", "sql_not_read_only",
                 id="with-then-update"),
    pytest.param("WITH x AS (SELECT 1) DELETE FROM orders", "sql_not_read_only", id="with-then-delete"),
    pytest.param("SELECT * FROM duckdb_extensions()", "sql_function_not_allowed", id="duckdb_extensions"),
    pytest.param("SELECT * FROM duckdb_secrets(redact=false)", "sql_function_not_allowed",
                 id="duckdb_secrets-unredacted"),
    pytest.param("SELECT * FROM which_secret('s3://x', 's3')", "sql_function_not_allowed", id="which_secret"),
    pytest.param("SELECT * FROM duckdb_databases()", "sql_function_not_allowed", id="duckdb_databases"),
    pytest.param("SELECT * FROM duckdb_functions()", "sql_function_not_allowed", id="duckdb_functions"),
    pytest.param("SELECT * FROM pragma_database_list()", "sql_function_not_allowed", id="pragma_database_list"),
    pytest.param("SELECT * FROM pragma_table_info('orders')", "sql_function_not_allowed", id="pragma_table_info"),
    pytest.param("SELECT * FROM pragma_storage_info('orders')", "sql_function_not_allowed",
                 id="pragma_storage_info"),
    pytest.param("SELECT version()", "sql_function_not_allowed", id="version"),
    pytest.param("EXPLAIN ANALYZE SELECT count(*) FROM orders", "sql_not_read_only", id="explain-analyze"),
    pytest.param("EXPLAIN SELECT 1", "sql_not_read_only", id="explain"),
    pytest.param("CREATE SECRET (TYPE s3, KEY_ID 'x', SECRET 'y')", "sql_syntax", id="create-secret"),
    pytest.param("CHECKPOINT", "sql_not_select", id="checkpoint"),
    pytest.param("VACUUM", "sql_not_read_only", id="vacuum"),
    pytest.param("BEGIN TRANSACTION", "sql_not_read_only", id="begin"),
    pytest.param("USE other", "sql_not_read_only", id="use"),
    pytest.param("SHOW TABLES", "sql_not_select", id="show-tables"),
    pytest.param("SUMMARIZE orders", "sql_not_select", id="summarize"),
    # full-width keywords and semicolons
    pytest.param("ＳＥＬＥＣＴ＊ＦＲＯＭ orders", "sql_not_select", id="fullwidth-select-star"),
    pytest.param("SELECT count(*) ＦＲＯＭ orders", "sql_syntax", id="fullwidth-from"),
    pytest.param("SELECT 1；DROP TABLE orders", "sql_syntax", id="fullwidth-semicolon-drop"),
    pytest.param("SELECT 1；SELECT 2", "sql_syntax", id="fullwidth-semicolon-select"),
    pytest.param("SELECT 1 \ufe54 DROP TABLE orders", "sql_syntax", id="small-semicolon"),
    pytest.param("SELECT 1 \u037e DROP TABLE orders", "sql_syntax", id="greek-question-mark"),
    # empty, whitespace, comment-only
    pytest.param("   ", "sql_empty", id="spaces"),
    pytest.param("\n\t\r\n", "sql_empty", id="whitespace"),
    pytest.param("/* only a comment */", "sql_empty", id="block-comment"),
    pytest.param("-- a\n-- b", "sql_empty", id="line-comments"),
    pytest.param(";", "sql_empty", id="lone-semicolon"),
    pytest.param(";;;", "sql_empty", id="semicolons"),
    # zero-width characters
    pytest.param(f"SEL{ZW}ECT 1", "sql_syntax", id="zw-in-keyword"),
    pytest.param(f"{ZW}SELECT count(*) FROM orders", "sql_syntax", id="zw-leading"),
    pytest.param(f"SELECT count(*) FROM ord{ZW}ers", "sql_unknown_table", id="zw-in-table"),
    pytest.param(f"SELECT 1;{ZW}DROP TABLE orders", "sql_syntax", id="zw-after-semicolon"),
    # homoglyphs (Cyrillic letters that look Latin)
    pytest.param("SELECT count(*) FROM оrders", "sql_unknown_table", id="cyrillic-o-table"),
    pytest.param("SELECT * FROM read_сsv('/etc/passwd')", "sql_function_not_allowed", id="cyrillic-c-function"),
    pytest.param("ЅELECT 1", "sql_syntax", id="cyrillic-s-keyword"),
]

# Statements the validator stops, sent straight to the locked connection: refused there too.
ENGINE_REFUSES = [
    pytest.param("IMPORT DATABASE '{dir}'", id="import-database"),
    pytest.param("SELECT * FROM read_parquet('/etc/passwd')", id="read_parquet-local"),
    pytest.param("SELECT * FROM read_parquet('https://example.com/x.parquet')", id="read_parquet-url"),
    pytest.param("SELECT * FROM read_json('/etc/passwd')", id="read_json-local"),
    pytest.param("SELECT * FROM read_json_auto('http://example.com/x.json')", id="read_json_auto-url"),
    pytest.param("SELECT * FROM sniff_csv('http://example.com/x.csv')", id="sniff_csv-url"),
    pytest.param("SELECT * FROM sniff_csv('/etc/passwd')", id="sniff_csv-local"),
    pytest.param("SELECT * FROM 'http://example.com/x.csv'", id="url-named-table"),
    pytest.param("WITH x AS (INSERT INTO orders SELECT * FROM orders RETURNING *) SELECT * FROM x", id="cte-insert"),
    pytest.param("WITH x AS (SELECT 1) INSERT INTO orders SELECT * FROM orders", id="with-then-insert"),
    pytest.param("WITH x AS (SELECT 1) UPDATE orders SET pay_amount = 0", id="with-then-update"),
    pytest.param("WITH x AS (SELECT 1) DELETE FROM orders", id="with-then-delete"),
    pytest.param("SELECT * FROM duckdb_extensions()", id="duckdb_extensions"),
    pytest.param("SELECT * FROM duckdb_secrets()", id="duckdb_secrets"),
    pytest.param("SELECT * FROM pragma_database_list()", id="pragma_database_list"),
    pytest.param("CREATE SECRET (TYPE s3, KEY_ID 'x', SECRET 'y')", id="create-secret"),
    pytest.param("SET lock_configuration = false", id="unlock-configuration"),
    pytest.param("LOAD httpfs", id="load"),
    pytest.param("DROP TABLE orders", id="drop"),
    pytest.param("SELECT 1；DROP TABLE orders", id="fullwidth-semicolon"),
    pytest.param("ＳＥＬＥＣＴ 1", id="fullwidth-select"),
    pytest.param("", id="empty"),
    pytest.param("-- only a comment", id="comment-only"),
]

# Refused by the validator, but harmless if they ever reached the connection: they run read-only,
# show no secret and write nothing (the file hash check below proves the last part).
ENGINE_RUNS_READ_ONLY = [
    pytest.param("EXPLAIN ANALYZE SELECT count(*) FROM orders", id="explain-analyze"),
    pytest.param("SELECT name, value FROM duckdb_settings() WHERE name = 'enable_external_access'",
                 id="duckdb_settings"),
    pytest.param("CHECKPOINT", id="checkpoint"),
    pytest.param(f"SELECT{ZW}1", id="zero-width-select"),
]

# Valid, read-only, and expensive: the time or memory limit must stop them with a clear code.
EXPENSIVE = [
    pytest.param("SELECT count(*) FROM orders a, orders b, orders c", {"timeout"}, id="cartesian-3x"),
    pytest.param("WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r",
                 {"timeout"}, id="endless-recursive-cte"),
    pytest.param("SELECT length(repeat('x', 1000000000))", {"sql_too_large"}, id="repeat-1e9"),
    pytest.param("SELECT length(repeat('x', 10000000000))", {"sql_too_large"}, id="repeat-1e10-over-string-cap"),
    pytest.param("SELECT length(repeat('x', (SELECT 1000000000)))", {"timeout", "out_of_memory"},
                 id="repeat-1e9-computed"),
    pytest.param("SELECT length(string_agg(a.status || repeat('x', 1000), ',')) FROM orders a, orders b",
                 {"timeout", "out_of_memory"}, id="string_agg-cartesian"),
    pytest.param("SELECT length(string_agg(repeat(status, 100000), '')) FROM orders",
                 {"timeout", "out_of_memory"}, id="string_agg-huge-rows"),
]

TIMEOUT = 2.0


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _files(*folders: Path) -> set[Path]:
    return {p for folder in folders for p in folder.rglob("*")}


@pytest.fixture(scope="module")
def copy_db(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private copy: its own DuckDB instance, so it can have its own (small) limits."""
    path = tmp_path_factory.mktemp("hostile_sql") / "shop.duckdb"
    shutil.copy(demo_db, path)
    return path


@pytest.fixture(scope="module")
def small(copy_db: Path):
    """An Engine whose locked connection has a 2 s time limit and a 256 MB memory limit."""
    engine = Engine(copy_db)
    engine.warehouse.close()
    engine.warehouse = Warehouse(copy_db, memory_limit="256MB", timeout_seconds=TIMEOUT)
    yield engine
    engine.close()


@pytest.fixture
def untouched(small: Engine, copy_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Runs in an empty cwd; afterwards: no new file anywhere near, the dataset bytes unchanged."""
    monkeypatch.chdir(tmp_path)
    before = _files(tmp_path, copy_db.parent), _digest(copy_db)
    yield tmp_path
    assert (_files(tmp_path, copy_db.parent), _digest(copy_db)) == before
    assert small.warehouse.scalar("SELECT count(*) FROM orders") > 0  # the same connection still answers


@pytest.mark.parametrize("sql,code", REFUSED)
def test_run_sql_refuses(small: Engine, untouched: Path, sql: str, code: str) -> None:
    answer = small.run_tool("run_sql", {"sql": sql.format(dir=untouched)})
    assert answer.error and answer.error["code"] == code, answer.error
    assert answer.tables == [] and answer.files == []
    zh = small.run_tool("run_sql", {"sql": sql.format(dir=untouched)}, "zh")
    assert zh.error["code"] == code and zh.error["message"] != answer.error["message"]  # both languages


@pytest.mark.parametrize("sql", ENGINE_REFUSES)
def test_locked_engine_refuses_with_validator_bypassed(small: Engine, untouched: Path, sql: str) -> None:
    with pytest.raises(ToolError) as caught:
        small.warehouse.query(sql.format(dir=untouched), max_rows=10)
    assert caught.value.code in {"not_allowed", "sql_error"}
    assert caught.value.en and caught.value.zh


@pytest.mark.parametrize("sql", ENGINE_RUNS_READ_ONLY)
def test_locked_engine_runs_these_read_only(small: Engine, untouched: Path, sql: str) -> None:
    result = small.warehouse.query(sql, max_rows=10)
    shown = result.df.to_string()
    assert "secret" not in shown.lower() or "enable_external_access" in shown
    if "duckdb_settings" in sql:
        assert result.df["value"].tolist() == ["false"]  # external access is off and stays off


@pytest.mark.parametrize("sql,codes", EXPENSIVE)
def test_limits_stop_expensive_queries_and_the_connection_still_works(
        small: Engine, untouched: Path, raw_tables, sql: str, codes: set[str]) -> None:
    answer = small.run_tool("run_sql", {"sql": sql})
    assert answer.error and answer.error["code"] in codes, answer.error
    assert answer.tables == []
    if answer.error["code"] == "timeout":
        assert f"{TIMEOUT:g} seconds" in answer.error["message"]
    if answer.error["code"] == "out_of_memory":
        assert "memory" in answer.error["message"]
    after = small.sql("SELECT count(*) AS n FROM orders")
    assert after.ok and after.table()["n"].iat[0] == len(raw_tables["orders"])


@pytest.mark.parametrize("sql,codes", EXPENSIVE[:2])
def test_limits_hold_on_the_bare_connection(small: Engine, untouched: Path, sql: str, codes: set[str]) -> None:
    with pytest.raises(ToolError) as caught:
        small.warehouse.query(sql, timeout_seconds=1)
    assert caught.value.code in codes
    assert small.warehouse.scalar("SELECT 41 + 1") == 42
