"""The same tools on both engines: DuckDB and local Spark give the same answers on the same data.

Each call runs through the real Engine on a locked DuckDB file and on a local[2] Spark session
(SparkWarehouse over that file's tables), and the whole JSON contract is compared: answer text,
every table cell, charts, SQL shown, recommendations. Numbers may differ only where the engines
round a half-cent differently (abs 0.011), or where a model fit's optimiser stops a hair apart:
rel 1e-5, and 1e-3 for the lifetime-value fit, whose Gamma-Gamma likelihood is flat along a ridge
(its parameters move ~2e-5 when DuckDB's own threads add the same amounts in another order).
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

from tests.conftest import typed_array

pytestmark = pytest.mark.slow

CUSTOMER = 100_001_264  # a frequent buyer of the small demo (checked below)
CALLS: list[tuple[str, dict]] = [
    ("describe_data", {}),
    ("metric_query", {}),
    ("metric_query", {"dimension": "month", "period": "this_year", "compare": "last_year"}),
    ("metric_query", {"metric": "aov", "dimension": "host", "filters": {"gender": "female"}}),
    ("metric_query", {"metric": "buyers", "dimension": "segment"}),
    ("metric_query", {"metric": "orders", "dimension": "day_of_week"}),
    ("metric_query", {"metric": "gmv", "dimension": "buyer_type", "period": "this_year"}),
    ("metric_query", {"metric": "repeat_buyers", "filters": {"weekday": "weekend"}}),
    ("rfm_segments", {}),
    ("rfm_segments", {"scheme": "cn8", "threshold": "median"}),
    ("cohort_retention", {}),
    ("lifecycle_stages", {}),
    ("churn_risk", {}),
    ("customer_clusters", {}),
    ("customer_lifetime_value", {}),
    ("customer_profile", {"customer_id": CUSTOMER}),
    ("export_segment", {"segment": "champions"}),
    ("funnel", {"dimension": "host"}),
    ("live_performance", {"dimension": "session"}),
    ("live_performance", {"host": "小雅"}),
    ("product_associations", {}),
    ("recommend_products", {"segment": "champions"}),
    ("sales_forecast", {}),
    ("sales_forecast", {"dimension": "category"}),
    ("segment_profile", {"segment": "champions"}),
    ("segment_strategy", {}),
    ("ab_test", {}),
    ("run_sql", {"sql": "SELECT c.channel, count(*) AS orders, round(avg(o.pay_amount), 2) AS aov, "
                        "median(o.pay_amount) AS median_pay FROM orders o JOIN customers c USING (customer_id) "
                        "GROUP BY 1 ORDER BY 1"}),
]
NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?")


@pytest.fixture(scope="session")
def small_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 3,000-customer demo: Spark's cost is per query, so a smaller shop keeps CI quick."""
    from data.demo import build_demo

    path = tmp_path_factory.mktemp("engines") / "small.duckdb"
    build_demo(path, customers=3000)
    return path


@pytest.fixture(scope="module")
def engines(small_db: Path):
    from assistant.engine import Engine
    from tools.spark_session import stop_session

    opened = {"duckdb": Engine(small_db, "duckdb"), "spark": Engine(small_db, "spark")}
    yield opened
    for engine in opened.values():
        engine.close()
    stop_session()  # the JVM (GBs, its own threads) has no business in the rest of the suite


def test_the_cli_offers_every_engine() -> None:
    from assistant.cli import ENGINE_CHOICES
    from tools.warehouse import ENGINES

    assert ENGINE_CHOICES == ENGINES  # the CLI keeps its own copy so that `--help` imports no tools


def test_every_registered_tool_is_compared() -> None:
    from tools.registry import REGISTRY, load_builtin_tools

    load_builtin_tools()
    assert set(REGISTRY) == {name for name, _ in CALLS}


def test_the_engines_are_what_they_say(engines) -> None:
    from tools.spark_warehouse import SparkWarehouse
    from tools.warehouse import Warehouse

    assert isinstance(engines["duckdb"].warehouse, Warehouse)
    assert isinstance(engines["spark"].warehouse, SparkWarehouse)
    assert engines["spark"].warehouse.spark.version.startswith("4.")
    assert engines["duckdb"].warehouse.scalar("SELECT count(*) FROM orders WHERE customer_id = ?", [CUSTOMER]) > 0


@pytest.mark.parametrize(("name", "args"), CALLS, ids=[f"{n}{i}" for i, (n, _) in enumerate(CALLS)])
def test_same_answer_on_duckdb_and_spark(engines, name: str, args: dict) -> None:
    from tools import fit_cache

    answers = {}
    for kind, engine in engines.items():
        fit_cache.clear()  # each engine fits its own model
        answer = engine.run_tool(name, args, "zh" if name == "rfm_segments" else "en")
        assert answer.ok, (kind, answer.error)
        answers[kind] = normalised(answer.to_json(max_rows=None))
    assert answers["duckdb"]["tables"], "every compared call answers with a table"
    assert_equivalent(answers["spark"], answers["duckdb"], rel=tolerance(name))


def normalised(contract: dict) -> dict:
    for file in contract["files"]:
        file.pop("path", None)  # export files are named per call
        file.pop("name", None)
    return contract


def tolerance(tool: str) -> float:
    return 1e-3 if tool == "customer_lifetime_value" else 1e-5


def assert_equivalent(got, expected, where: str = "$", rel: float = 1e-5) -> None:
    if isinstance(expected, dict) and "bdata" in expected and "dtype" in expected:  # Plotly typed arrays
        got = typed_array(got) if isinstance(got, dict) and "bdata" in got else got
        assert_equivalent(got, typed_array(expected), where, rel)
    elif isinstance(expected, bool) or expected is None:
        assert got == expected, (where, got, expected)
    elif isinstance(expected, (int, float)):
        assert isinstance(got, (int, float)) and not isinstance(got, bool), (where, got, expected)
        assert close(float(got), float(expected), rel), (where, got, expected)
    elif isinstance(expected, str):
        assert isinstance(got, str), (where, got)
        assert NUMBER.sub("#", got) == NUMBER.sub("#", expected), (where, got, expected)
        for a, b in zip(NUMBER.findall(got), NUMBER.findall(expected)):
            assert close(float(a.replace(",", "")), float(b.replace(",", "")), rel), (where, a, b, expected)
    elif isinstance(expected, dict):
        assert isinstance(got, dict) and set(got) == set(expected), (where, set(got) ^ set(expected))
        for key in expected:
            assert_equivalent(got[key], expected[key], f"{where}.{key}", rel)
    elif isinstance(expected, list):
        assert isinstance(got, list) and len(got) == len(expected), (where, len(got), len(expected))
        for i, (a, b) in enumerate(zip(got, expected)):
            assert_equivalent(a, b, f"{where}[{i}]", rel)
    else:
        assert got == expected, (where, got, expected)


def close(a: float, b: float, rel: float = 1e-5) -> bool:
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return math.isclose(a, b, rel_tol=rel, abs_tol=0.011)


@pytest.mark.parametrize("name", ["customer_clusters", "churn_risk", "customer_lifetime_value"])
def test_fits_beyond_the_cap_use_the_same_sample_on_both_engines(engines, name: str, monkeypatch) -> None:
    """Over ASSISTANT_FIT_MAX_CUSTOMERS the per-customer rows pulled back are a hash sample of the
    customer ids: the same customers on both engines, and the answer says it is a sample."""
    from tools import fit_cache

    monkeypatch.setenv("ASSISTANT_FIT_MAX_CUSTOMERS", "1000")
    answers = {}
    for kind, engine in engines.items():
        fit_cache.clear()
        answer = engine.run_tool(name, {}, "en")
        assert answer.ok, (kind, answer.error)
        answers[kind] = answer.to_json(max_rows=None)
    resolved = answers["duckdb"]["tool_calls"][0]["resolved"]
    buyers = engines["duckdb"].warehouse.scalar("SELECT count(DISTINCT customer_id) FROM orders")
    assert resolved["sampled"] is True and resolved["customers"] == buyers
    assert 800 <= resolved["fitted_customers"] <= 1200  # about the cap: a hash sample, not a LIMIT
    assert f"a sample of {resolved['fitted_customers']:,} of {buyers:,} customers" in answers["duckdb"]["answer"]
    assert "md5(CAST(customer_id AS VARCHAR))" in answers["duckdb"]["sql"][0]
    assert_equivalent(answers["spark"], answers["duckdb"], rel=tolerance(name))
    fit_cache.clear()


# --- The same limits on both engines --------------------------------------------------------------

SPARK_HOSTILE = [
    "SELECT reflect('java.lang.System', 'getProperty', 'user.home')",
    "SELECT java_method('java.lang.Runtime', 'getRuntime')",
    "CREATE TABLE evil USING parquet AS SELECT 1",
    "CREATE TEMPORARY VIEW orders AS SELECT 1 AS x",
    "DROP VIEW orders",
    "SET spark.sql.runSQLOnFiles=true",
    "CACHE TABLE orders",
    "ADD JAR /tmp/evil.jar",
    "SELECT * FROM parquet.`/tmp`",
    "SELECT * FROM orders; DROP VIEW orders",
    "INSERT OVERWRITE DIRECTORY '/tmp/leak' SELECT * FROM orders",
    "SELECT * FROM read_csv('/etc/passwd')",
    "SELECT * FROM json.`/tmp`",
]


# Long on each engine, and interruptible on Spark: a cancelled Spark task stops only where it checks
# for interruption (between input rows), so a 3-way cross join would keep a core busy after its
# cancel; this 2-way one stops at once.
LONG_QUERY = {
    "duckdb": "SELECT count(*) FROM orders a, orders b, orders c WHERE a.pay_amount + b.pay_amount > c.pay_amount",
    # orders x order_items: long enough (~8 s warm) that a warmed-up JVM on an idle machine still hits 3 s.
    "spark": "SELECT count(*) FROM orders a, order_items b WHERE a.pay_amount * b.pay_amount > a.order_id + b.order_id",
}


@pytest.fixture(params=["duckdb", "spark"])
def kind(request) -> str:
    return request.param


def test_both_engines_describe_one_schema(engines) -> None:
    duck, spark = engines["duckdb"].warehouse, engines["spark"].warehouse
    assert spark.tables == duck.tables
    assert spark.anchor_date == duck.anchor_date and spark.first_date == duck.first_date


def test_row_cap_and_python_values(engines, kind: str) -> None:
    warehouse = engines[kind].warehouse
    capped = warehouse.query("SELECT order_id FROM orders ORDER BY order_id", max_rows=5)
    assert capped.truncated and capped.df["order_id"].tolist() == sorted(capped.df["order_id"].tolist())
    assert len(capped.df) == 5
    whole = warehouse.query("SELECT count(*) AS n FROM hosts", max_rows=5)
    assert not whole.truncated and whole.df.iat[0, 0] == len(engines["duckdb"].warehouse.df("SELECT * FROM hosts"))
    assert type(warehouse.scalar("SELECT max(order_time)::DATE FROM orders")).__name__ == "date"
    params = warehouse.df("SELECT count(*) AS n FROM orders WHERE customer_id = ? AND status = ?",
                          [CUSTOMER, "paid"])
    listed = warehouse.df("SELECT count(*) AS n FROM orders WHERE customer_id IN (SELECT unnest(CAST(? AS BIGINT[])))",
                          [[CUSTOMER]])
    assert int(params.iat[0, 0]) > 0 and int(listed.iat[0, 0]) >= int(params.iat[0, 0])


@pytest.mark.parametrize("sql", SPARK_HOSTILE)
def test_hostile_sql_is_refused_and_the_data_survives(engines, kind: str, sql: str, tmp_path: Path,
                                                       monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)  # a Spark CTAS would write ./spark-warehouse here
    engine = engines[kind]
    before = engine.warehouse.scalar("SELECT count(*) FROM orders")
    answer = engine.run_tool("run_sql", {"sql": sql}, "en")
    assert not answer.ok and answer.error["code"].startswith("sql_"), answer.error
    assert "Traceback" not in answer.answer
    assert engine.warehouse.scalar("SELECT count(*) FROM orders") == before
    assert list(tmp_path.iterdir()) == []
    assert not Path("/tmp/leak").exists()


def test_a_long_query_is_stopped_and_the_engine_carries_on(engines, kind: str) -> None:
    from tools.result import ToolError

    warehouse = engines[kind].warehouse
    with pytest.raises(ToolError) as stopped:
        warehouse.query(LONG_QUERY[kind], timeout_seconds=3)
    assert stopped.value.code == "timeout"
    assert warehouse.scalar("SELECT count(*) FROM hosts") > 0


def test_spark_refuses_what_it_would_answer_differently(engines) -> None:
    sql = "SELECT dayofweek(order_time) AS weekday, count(*) AS n FROM orders GROUP BY 1 ORDER BY 1"
    on_duckdb = engines["duckdb"].run_tool("run_sql", {"sql": sql}, "en")
    on_spark = engines["spark"].run_tool("run_sql", {"sql": sql}, "zh")
    assert on_duckdb.ok and len(on_duckdb.tables[0].df) == 7
    assert on_spark.error["code"] == "sql_not_on_engine"
    assert "DAYOFWEEK" in on_spark.answer and "Spark 引擎不支持" in on_spark.answer


def test_a_spark_error_is_a_plain_message(engines) -> None:
    answer = engines["spark"].run_tool("run_sql", {"sql": "SELECT CAST(status AS INT) FROM orders"}, "en")
    assert answer.error["code"] == "sql_error"
    assert answer.answer.startswith("The Spark engine rejected the query:") and "\n" not in answer.answer
    assert "Traceback" not in answer.answer and "at org.apache" not in answer.answer


# --- Choosing the engine --------------------------------------------------------------------------

def run_cli(*args: str, **env: str):
    import os
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "assistant.cli", *args], capture_output=True, text=True,
                          env={**os.environ, **env}, timeout=600)


def test_an_unknown_engine_is_a_clear_error(small_db: Path) -> None:
    setting = run_cli("ask", "总GMV是多少？", "--data", str(small_db), ASSISTANT_ENGINE="hive")
    assert setting.returncode == 1
    assert "Unknown engine 'hive'; choose one of: duckdb, spark." in setting.stderr + setting.stdout
    assert "Traceback" not in setting.stderr
    option = run_cli("ask", "总GMV是多少？", "--engine", "hive")
    assert option.returncode == 2 and "invalid choice: 'hive'" in option.stderr


CONNECT_CHECK = """
import contextlib, io, json, sys
from assistant.cli import main
from tools.result import ToolError
from tools.spark_session import spark_session
from tools.spark_warehouse import SparkWarehouse
printed = io.StringIO()
with contextlib.redirect_stdout(printed):  # the CLI as a person runs it, in this process
    status = main(["tool", "rfm_segments", "--data", sys.argv[1], "--engine", "spark", "--json", "--max-rows", "0"])
out = {"status": status, "cli": json.loads(printed.getvalue()), "session": type(spark_session()).__module__}
warehouse = SparkWarehouse(sys.argv[1])
try:
    warehouse.query("SELECT count(*) FROM orders a, order_items b "
                    "WHERE a.pay_amount * b.pay_amount > a.order_id + b.order_id", timeout_seconds=3)
except ToolError as error:
    out["timeout"] = error.code
out["after"] = int(warehouse.scalar("SELECT count(*) FROM hosts"))
warehouse.close()
print(json.dumps(out))
"""


def test_cli_engine_option_and_spark_connect(small_db: Path, engines) -> None:
    """`--engine spark` wins over ASSISTANT_ENGINE=duckdb, and ASSISTANT_SPARK_REMOTE picks Spark
    Connect ("local[2]" starts an in-process Connect server, as `sc://host:15002` reaches a
    cluster's): the CLI's JSON equals the DuckDB answer, and the timeout interrupts by tag."""
    import json
    import os
    import subprocess
    import sys

    env = {**os.environ, "ASSISTANT_SPARK_REMOTE": "local[2]", "ASSISTANT_ENGINE": "duckdb"}
    done = subprocess.run([sys.executable, "-c", CONNECT_CHECK, str(small_db)], capture_output=True, text=True,
                          env=env, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stderr
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["status"] == 0 and out["session"].startswith("pyspark.sql.connect")
    expected = engines["duckdb"].run_tool("rfm_segments", {}, "en").to_json(max_rows=None)
    assert_equivalent(out["cli"], json.loads(json.dumps(expected, default=str)))
    assert out["timeout"] == "timeout"
    assert out["after"] == engines["duckdb"].warehouse.scalar("SELECT count(*) FROM hosts")


# --- The SQL acceptance corpus on Spark (the DuckDB run is tests/test_sql_acceptance.py) ---------

def test_analyst_corpus_on_spark_matches_an_unlocked_duckdb(small_db: Path, engines, tmp_path: Path) -> None:
    """Every realistic analyst query of tests/sql_acceptance/corpus.yaml through run_sql on Spark
    (guard, transpiler, Spark) equals a plain DuckDB connection's result on the same file."""
    import shutil

    import duckdb

    from tests.sql_acceptance import corpus, difference

    copy = tmp_path / "unlocked.duckdb"
    shutil.copy(small_db, copy)
    failures = []
    with duckdb.connect(str(copy), read_only=True) as unlocked:
        for entry in corpus():
            answer = engines["spark"].sql(entry["sql"], limit=10_000)
            if not answer.ok:
                failures.append(f"{entry['id']}: {answer.error['message']}")
                continue
            expected = unlocked.execute(entry["sql"]).df()
            if (problem := difference(answer.table(), expected, entry["ordered"])) is not None:
                failures.append(f"{entry['id']}: {problem}")
    assert not failures, f"{len(failures)} of {len(corpus())} differ on Spark:\n" + "\n".join(failures)


def test_a_catalog_database_is_read_through_masking_views(engines, small_db: Path) -> None:
    """ASSISTANT_SPARK_DATABASE reads a cluster's tables in place: personal columns are masked by
    session views (as sealing masks a DuckDB file), and a key column of phone numbers becomes the
    same keyed surrogate."""
    from tools.spark_session import spark_session
    from tools.spark_warehouse import SparkWarehouse

    spark = spark_session()
    spark.sql("CREATE DATABASE IF NOT EXISTS raw_shop")
    rows = [(f"1390000{i:04d}", f"1390000{i:04d}", f"买家{i:03d}", "广东", f"备用 1370000{i:04d}，邮箱 b{i}@qq.com")
            for i in range(30)]
    spark.createDataFrame(rows, "customer_id string, phone string, nickname string, province string, remark string") \
        .write.mode("overwrite").saveAsTable("raw_shop.customers")
    orders = [(f"O{i}", rows[i % 30][0], 10.0 + i) for i in range(90)]
    spark.createDataFrame(orders, "order_id string, customer_id string, pay_amount double") \
        .write.mode("overwrite").saveAsTable("raw_shop.orders")
    warehouse = SparkWarehouse(small_db, database="raw_shop")
    try:
        shown = warehouse.query("SELECT c.customer_id, c.phone, c.nickname, count(*) AS n FROM customers c "
                                "JOIN orders o USING (customer_id) GROUP BY 1, 2, 3").df
        assert len(shown) == 30 and (shown["n"] == 3).all()  # joins hold across the surrogate
        assert shown["customer_id"].str.fullmatch(r"C[a-s]{16}").all()
        assert shown["phone"].str.fullmatch(r"139\*{4}\d{4}").all()
        assert shown["nickname"].eq("买**").all()
        assert "13900000001" not in shown.to_string()
        text = warehouse.query("SELECT reverse(remark) AS r, province FROM customers").df.to_string()
        assert not [i for i in range(30) if f"1370000{i:04d}"[::-1] in text or f"moc.qq@{i}b" in text]  # free text
    finally:
        warehouse.close()
        spark.sql("DROP DATABASE raw_shop CASCADE")
