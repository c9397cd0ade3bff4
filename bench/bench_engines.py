"""The same vetted tools on the DuckDB engine and on local Spark, with each engine's plain baseline.

    uv run python bench/bench_engines.py                           # 10M orders, first run + best of 1
    uv run python bench/bench_engines.py --orders 1000000 --repeat 3

Data: bench_rfm.py's synthetic `orders` table (cached in bench/.cache/). Each tool runs through
the real Engine (`Engine(path, "duckdb")` / `Engine(path, "spark")`), model fits recomputed every
run, and the two answers are checked to agree (text skeleton equal, numbers within 1e-5). The
baselines are the bare per-customer RFM aggregate written by hand for each engine: plain DuckDB
SQL on an unlocked connection, and the PySpark DataFrame API, both pulled into pandas. See
bench/README.md.
"""

from __future__ import annotations

import argparse
import gc
import math
import os
import re
import sys
import time
from pathlib import Path
from typing import Any

import duckdb

from bench.bench_rfm import DEFAULT_CACHE, ensure_database
from bench.common import machine_lines, peak_rss_mb, print_table, ratio

TOOLS: list[tuple[str, dict[str, Any]]] = [
    ("metric_query", {"dimension": "month"}),
    ("rfm_segments", {}),
    ("cohort_retention", {}),
    ("lifecycle_stages", {}),
    ("churn_risk", {}),
    ("customer_lifetime_value", {}),
    ("customer_clusters", {}),
    ("sales_forecast", {}),
]
# Numbers in the answers may differ by this much, relatively: model fits (BG/NBD) over a million
# customers stop about 2e-5 apart, because the engines sum floats in different orders.
FIT_TOLERANCE = 1e-4
NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?")
HAND_SQL = """SELECT customer_id, max(order_time) AS last_order, count(*) AS frequency, sum(pay_amount) AS monetary
FROM orders WHERE status = 'paid' GROUP BY customer_id"""


def answer_difference(a: str, b: str) -> tuple[bool, float]:
    """(text around the numbers equal, largest relative difference of the numbers in the text)."""
    if NUMBER.sub("#", a) != NUMBER.sub("#", b):
        return False, math.inf
    worst = 0.0
    for x, y in zip(NUMBER.findall(a), NUMBER.findall(b)):
        u, v = float(x.replace(",", "")), float(y.replace(",", ""))
        if not math.isclose(u, v, abs_tol=0.011):  # half a cent rounds either way on the two engines
            worst = max(worst, abs(u - v) / max(abs(u), abs(v)))
    return True, worst


def run_tool(engine, name: str, args: dict) -> tuple[float, Any]:
    from tools import fit_cache

    fit_cache.clear()  # every run fits its model again
    gc.collect()
    started = time.perf_counter()
    answer = engine.run_tool(name, args, "en")
    elapsed = time.perf_counter() - started
    if not answer.ok:
        raise SystemExit(f"{name} failed on {engine.warehouse.kind}: {answer.error}")
    return elapsed, answer


def time_tools(engine, repeat: int) -> dict[str, dict[str, Any]]:
    out = {}
    for name, args in TOOLS:
        first, answer = run_tool(engine, name, args)
        best = min(run_tool(engine, name, args)[0] for _ in range(repeat))
        out[name] = {"first": first, "best": best, "answer": answer.answer}
        print(f"  {engine.warehouse.kind:6} {name:24} first {first:7.2f}s  best {best:7.2f}s", flush=True)
    return out


def duckdb_baseline(path: Path, repeat: int) -> float:
    def once() -> float:
        started = time.perf_counter()
        with duckdb.connect(str(path), read_only=True) as con:
            con.execute(HAND_SQL).df()
        return time.perf_counter() - started

    once()
    return min(once() for _ in range(repeat))


def spark_baseline(warehouse, repeat: int) -> float:
    from pyspark.sql import functions as F

    orders = warehouse.spark.table(warehouse.names["orders"])

    def once() -> float:
        started = time.perf_counter()
        (orders.where(F.col("status") == "paid").groupBy("customer_id")
         .agg(F.max("order_time").alias("last_order"), F.count("*").alias("frequency"),
              F.sum("pay_amount").alias("monetary")).toPandas())
        return time.perf_counter() - started

    once()
    return min(once() for _ in range(repeat))


def jvm_rss_mb() -> float | None:
    """Resident memory of the Spark JVM (a child process of this one), from /proc."""
    try:
        import subprocess

        pids = subprocess.run(["pgrep", "-P", str(os.getpid()), "java"], capture_output=True, text=True).stdout.split()
        total = 0
        for pid in pids:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total += int(line.split()[1])
        return total / 1024 if total else None
    except OSError:
        return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=10_000_000, help="orders in the synthetic table (default 10M)")
    parser.add_argument("--repeat", type=int, default=1, help="timed runs after the first; best is reported")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="folder for the generated database")
    parser.add_argument("--timeout", type=float, default=600,
                        help="per-query limit in seconds (default 600; the assistant's default of 30 is for chat)")
    args = parser.parse_args(argv)
    os.environ.setdefault("ASSISTANT_SPARK_MEMORY", "6g")  # 10M orders: the per-customer table is ~1M rows
    path = ensure_database(args.cache, args.orders)
    # before the Engine opens the file: DuckDB allows one configuration per file and process
    duck_baseline = duckdb_baseline(path, max(args.repeat, 2))

    from assistant.engine import Engine
    from tools.spark_session import spark_session

    started = time.perf_counter()
    duck = Engine(path, "duckdb")
    duck_open = time.perf_counter() - started
    started = time.perf_counter()
    spark_session().sql("SELECT 1").collect()
    session_s = time.perf_counter() - started
    started = time.perf_counter()
    spark = Engine(path, "spark")
    spark_open = time.perf_counter() - started
    for engine in (duck, spark):
        engine.warehouse.timeout_seconds = args.timeout
    customers = duck.warehouse.scalar("SELECT count(DISTINCT customer_id) FROM orders")
    print(f"{args.orders:,} orders, {customers:,} customers; duckdb open {duck_open:.2f}s; spark session "
          f"{session_s:.1f}s, tables exported to Parquet and registered {spark_open:.1f}s", flush=True)

    results = {"duckdb": time_tools(duck, args.repeat), "spark": time_tools(spark, args.repeat)}
    baselines = {"duckdb": duck_baseline, "spark": spark_baseline(spark.warehouse, max(args.repeat, 2))}

    print()
    header = ["tool", "duckdb first(s)", "duckdb best(s)", "spark first(s)", "spark best(s)", "spark/duckdb",
              "same answer", "max rel diff"]
    rows, differences = [], []
    for name, _ in TOOLS:
        d, s = results["duckdb"][name], results["spark"][name]
        same_text, worst = answer_difference(d["answer"], s["answer"])
        same = same_text and worst <= FIT_TOLERANCE
        if not same:
            differences.append(f"{name} differs:\n  duckdb: {d['answer']}\n  spark:  {s['answer']}")
        rows.append([name, f"{d['first']:.2f}", f"{d['best']:.2f}", f"{s['first']:.2f}", f"{s['best']:.2f}",
                     ratio(s["best"], d["best"]), "yes" if same else "NO", f"{worst:.1e}" if worst else "0"])
    total_d = sum(r["best"] for r in results["duckdb"].values())
    total_s = sum(r["best"] for r in results["spark"].values())
    rows.append(["all tools", "", f"{total_d:.2f}", "", f"{total_s:.2f}", ratio(total_s, total_d), "", ""])
    print_table(header, rows)
    for line in differences:
        print(line)
    print()
    rfm = {kind: results[kind]["rfm_segments"]["best"] for kind in results}
    labels = {"duckdb": "plain DuckDB SQL (unlocked connection)", "spark": "PySpark DataFrame API, same session"}
    print_table(["baseline: per-customer RFM aggregate by hand", "seconds", "rfm_segments / baseline"],
                [[labels[k], f"{baselines[k]:.2f}", ratio(rfm[k], baselines[k])] for k in labels])
    print()
    import pyspark

    jvm = jvm_rss_mb()
    master = os.environ.get("ASSISTANT_SPARK_MASTER", "local[2]")
    spark_line = f"pyspark {pyspark.__version__}, master {master}, driver memory {os.environ['ASSISTANT_SPARK_MEMORY']}"
    for line in machine_lines([spark_line]):
        print(line)
    print(f"peak RSS: this process {peak_rss_mb():,.0f} MB" + (f", Spark JVM {jvm:,.0f} MB" if jvm else ""))
    same = all(row[-2] == "yes" for row in rows[:-1])
    duck.close()
    spark.close()
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
