"""Time the vetted `rfm_segments` tool against a plain pandas and a hand-written DuckDB version.

    uv run python bench/bench_rfm.py                      # 1M and 10M orders, best of 3
    uv run python bench/bench_rfm.py --orders 1000000 --repeat 5 --cache /tmp/rfm-cache

For every size it builds (once, cached) a DuckDB file holding a synthetic `orders` table, then
times three ways of producing the same result (per-customer R/F/M, scores and 10-segment map,
plus the per-segment summary), checks they agree and prints one table. See bench/README.md.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import resource
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from tools import catalog
from tools.context import Context
from tools.registry import call_tool
from tools.warehouse import DEFAULT_MEMORY_LIMIT, DEFAULT_THREADS, Warehouse

BENCH_DIR = Path(__file__).resolve().parent
DEFAULT_CACHE = BENCH_DIR / ".cache"
DATA_VERSION = 2  # bump when the generator changes, so cached files are rebuilt
ORDERS_PER_CUSTOMER = 10

# The 10-segment R/F map, written out by hand (checked against data/segments.yaml at start-up).
RULES: dict[str, tuple[tuple[int, ...], tuple[int, ...]]] = {
    "champions": ((5,), (4, 5)),
    "loyal_customers": ((3, 4), (4, 5)),
    "potential_loyalists": ((4, 5), (2, 3)),
    "new_customers": ((5,), (1,)),
    "promising": ((4,), (1,)),
    "need_attention": ((3,), (3,)),
    "about_to_sleep": ((3,), (1, 2)),
    "at_risk": ((1, 2), (3, 4)),
    "cant_lose": ((1, 2), (5,)),
    "hibernating": ((1, 2), (1, 2)),
}
SEGMENTS = list(RULES)


# ------------------------------------------------------------------------------------------------
# Data
# ------------------------------------------------------------------------------------------------

def build_sql(n_orders: int) -> str:
    """Synthetic orders: ~10 per customer, heavy-tailed (customer = floor(C * u^2)), 90% paid."""
    customers = max(n_orders // ORDERS_PER_CUSTOMER, 1)
    two_64 = "18446744073709551616.0"
    return f"""
CREATE TABLE orders AS
WITH u AS (
  SELECT i,
    hash(4 * i + 0) / {two_64} AS u_customer,
    hash(4 * i + 1) / {two_64} AS u_time,
    hash(4 * i + 2) / {two_64} AS u_status,
    hash(4 * i + 3) / {two_64} AS u_amount
  FROM range({n_orders}) t(i)
),
raw AS (
  SELECT
    1 + floor({customers} * pow(u_customer, 2))::BIGINT AS customer_id,
    TIMESTAMP '2024-01-01' + to_seconds(floor(u_time * 730 * 86400)::BIGINT) AS order_time,
    CASE WHEN u_status < 0.90 THEN 'paid' WHEN u_status < 0.95 THEN 'refunded'
         ELSE 'cancelled' END AS status,
    round(9.9 + 990 * pow(u_amount, 3), 2) AS pay_amount,
    i
  FROM u
)
SELECT row_number() OVER (ORDER BY order_time, i)::BIGINT AS order_id,
  customer_id, order_time, status, pay_amount
FROM raw
ORDER BY order_time, i"""


def ensure_database(cache: Path, n_orders: int) -> Path:
    cache.mkdir(parents=True, exist_ok=True)
    path = cache / f"rfm_orders_v{DATA_VERSION}_{n_orders}.duckdb"
    if path.is_file():
        print(f"reusing {path}", flush=True)
        return path
    tmp = path.with_name(path.name + ".building")
    tmp.unlink(missing_ok=True)
    started = time.perf_counter()
    con = duckdb.connect(str(tmp))
    try:
        con.execute(build_sql(n_orders))
        con.execute("CHECKPOINT")
    finally:
        con.close()
    tmp.rename(path)
    print(f"built {path} in {time.perf_counter() - started:.1f}s", flush=True)
    return path


# ------------------------------------------------------------------------------------------------
# The three implementations
# ------------------------------------------------------------------------------------------------

def run_ours(path: Path) -> dict[str, pd.DataFrame]:
    """The vetted tool, exactly as the assistant calls it (open the warehouse, call, close)."""
    with Warehouse(path) as wh:
        result = call_tool(Context(wh, "en"), "rfm_segments", {})
    return {"segments": result.table("segments"), "customers": result.table("customers")}


def pandas_load(path: Path) -> pd.DataFrame:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute("SELECT * FROM orders").df()
    finally:
        con.close()


def _score(values: pd.Series, ascending: bool = True) -> np.ndarray:
    """least(5, 1 + 5 * (RANK() - 1) // (n - 1)): ties share the lowest rank, like SQL RANK()."""
    n = len(values)
    rank = values.rank(method="min", ascending=ascending).to_numpy(dtype=np.int64)
    return np.minimum(5, 1 + (5 * (rank - 1)) // max(n - 1, 1))


def _segment_grid() -> np.ndarray:
    """grid[(r - 1) * 5 + (f - 1)] = index of the segment in SEGMENTS."""
    grid = np.full(25, -1, dtype=np.int8)
    for code, (r_values, f_values) in enumerate(RULES.values()):
        for r in r_values:
            for f in f_values:
                grid[(r - 1) * 5 + (f - 1)] = code
    assert (grid >= 0).all(), "the segment rules must cover all 25 (R, F) cells"
    return grid


SEGMENT_GRID = _segment_grid()


def pandas_compute(orders: pd.DataFrame, names: dict[str, str]) -> dict[str, pd.DataFrame]:
    as_of = orders["order_time"].max().normalize() + pd.Timedelta(days=1)
    paid = orders.loc[orders["status"] == "paid", ["customer_id", "order_time", "pay_amount"]]
    recent = paid["order_time"] >= as_of - pd.Timedelta(days=365)
    paid = paid.assign(pay_365d=paid["pay_amount"].where(recent, 0.0))
    grouped = paid.groupby("customer_id", sort=True).agg(
        last_order=("order_time", "max"),
        frequency=("order_time", "size"),
        monetary=("pay_amount", "sum"),
        monetary_365d=("pay_365d", "sum"),
    )
    per = pd.DataFrame({
        "customer_id": grouped.index.to_numpy(),
        "recency_days": (as_of - grouped["last_order"].dt.normalize()).dt.days.to_numpy(),
        "frequency": grouped["frequency"].to_numpy(dtype=np.int64),
        "monetary": grouped["monetary"].round(2).to_numpy(),
        "monetary_365d": grouped["monetary_365d"].round(2).to_numpy(),
    })
    per["r_score"] = _score(per["recency_days"], ascending=False)
    per["f_score"] = _score(per["frequency"])
    per["m_score"] = _score(per["monetary"])
    codes = SEGMENT_GRID[(per["r_score"].to_numpy() - 1) * 5 + (per["f_score"].to_numpy() - 1)]
    per["segment"] = pd.Categorical.from_codes(codes, categories=SEGMENTS)
    per["segment_name"] = per["segment"].map(names)

    summary = per.groupby("segment", observed=False).agg(
        customers=("customer_id", "size"),
        revenue=("monetary", "sum"),
        revenue_365d=("monetary_365d", "sum"),
        avg_recency_days=("recency_days", "mean"),
        avg_frequency=("frequency", "mean"),
        avg_monetary=("monetary", "mean"),
    )
    summary["share"] = summary["customers"] / max(int(summary["customers"].sum()), 1)
    summary["revenue_share"] = summary["revenue"] / (summary["revenue"].sum() or 1.0)
    summary = summary.reset_index()
    summary["segment"] = summary["segment"].astype(str)
    return {"segments": summary, "customers": per}


HAND_SQL = """
CREATE OR REPLACE TEMP TABLE rfm AS
WITH anchor AS (SELECT max(order_time)::DATE + 1 AS as_of FROM orders),
base AS (
  SELECT customer_id,
    date_diff('day', max(order_time)::DATE, any_value(as_of)) AS recency_days,
    count(*) AS frequency,
    round(sum(pay_amount), 2) AS monetary,
    round(coalesce(sum(pay_amount) FILTER (WHERE order_time >= as_of - INTERVAL 365 DAY), 0), 2)
      AS monetary_365d
  FROM orders CROSS JOIN anchor
  WHERE status = 'paid'
  GROUP BY customer_id
),
scored AS (
  SELECT *,
    least(5, 1 + 5 * (rank() OVER (ORDER BY recency_days DESC) - 1) // greatest(count(*) OVER () - 1, 1))
      AS r_score,
    least(5, 1 + 5 * (rank() OVER (ORDER BY frequency) - 1) // greatest(count(*) OVER () - 1, 1))
      AS f_score,
    least(5, 1 + 5 * (rank() OVER (ORDER BY monetary) - 1) // greatest(count(*) OVER () - 1, 1))
      AS m_score
  FROM base
),
segmented AS (
  SELECT *,
    CASE
      WHEN r_score = 5 AND f_score >= 4 THEN 'champions'
      WHEN r_score IN (3, 4) AND f_score >= 4 THEN 'loyal_customers'
      WHEN r_score >= 4 AND f_score IN (2, 3) THEN 'potential_loyalists'
      WHEN r_score = 5 AND f_score = 1 THEN 'new_customers'
      WHEN r_score = 4 AND f_score = 1 THEN 'promising'
      WHEN r_score = 3 AND f_score = 3 THEN 'need_attention'
      WHEN r_score = 3 AND f_score <= 2 THEN 'about_to_sleep'
      WHEN r_score <= 2 AND f_score IN (3, 4) THEN 'at_risk'
      WHEN r_score <= 2 AND f_score = 5 THEN 'cant_lose'
      WHEN r_score <= 2 AND f_score <= 2 THEN 'hibernating'
    END AS segment
  FROM scored
)
SELECT s.*, n.segment_name
FROM segmented s JOIN (VALUES {names}) n(segment, segment_name) USING (segment)
"""

HAND_CUSTOMERS_SQL = "SELECT * FROM rfm ORDER BY customer_id"

HAND_SUMMARY_SQL = """
SELECT segment,
  count(*) AS customers,
  count(*) / sum(count(*)) OVER () AS share,
  round(sum(monetary), 2) AS revenue,
  sum(monetary) / sum(sum(monetary)) OVER () AS revenue_share,
  round(sum(monetary_365d), 2) AS revenue_365d,
  avg(recency_days) AS avg_recency_days,
  avg(frequency) AS avg_frequency,
  avg(monetary) AS avg_monetary
FROM rfm
GROUP BY segment
"""


def duckdb_hand(path: Path, hand_sql: str) -> dict[str, pd.DataFrame]:
    """Plain read-only connection: one query builds the per-customer table (temp table), which is
    fetched as a DataFrame, and one GROUP BY over it gives the summary."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        con.execute(hand_sql)
        customers = con.execute(HAND_CUSTOMERS_SQL).df()
        summary = con.execute(HAND_SUMMARY_SQL).df()
    finally:
        con.close()
    return {"segments": summary, "customers": customers}


# ------------------------------------------------------------------------------------------------
# Timing and checks
# ------------------------------------------------------------------------------------------------

def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    gc.collect()
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def run_pandas(path: Path, names: dict[str, str]) -> tuple[float, float, dict[str, pd.DataFrame]]:
    """Load, then compute; returns (load seconds, compute seconds, result)."""
    gc.collect()
    started = time.perf_counter()
    orders = pandas_load(path)
    loaded = time.perf_counter()
    result = pandas_compute(orders, names)
    done = time.perf_counter()
    return loaded - started, done - loaded, result


def time_size(path: Path, repeat: int, names: dict[str, str], hand_sql: str) -> dict[str, Any]:
    """One warm-up of each implementation (kept for the checks), then `repeat` rounds that run
    ours, pandas and duckdb-hand in turn, so a busy spell on the machine hits all three alike.
    Each figure is the best over the rounds."""
    ours = run_ours(path)
    _, _, pandas_result = run_pandas(path, names)
    hand = duckdb_hand(path, hand_sql)
    times: dict[str, list[float]] = {"ours": [], "pd_compute": [], "pd_total": [], "hand": []}
    for _ in range(repeat):
        times["ours"].append(timed(partial(run_ours, path))[0])
        load_s, compute_s, _ = run_pandas(path, names)
        times["pd_compute"].append(compute_s)
        times["pd_total"].append(load_s + compute_s)
        times["hand"].append(timed(partial(duckdb_hand, path, hand_sql))[0])
    gc.collect()
    best = {key: min(values) for key, values in times.items()}
    return {"best": best, "ours": ours, "pandas": pandas_result, "hand": hand}


def segment_counts(summary: pd.DataFrame) -> dict[str, int]:
    counts = summary.set_index("segment")["customers"].reindex(SEGMENTS).fillna(0)
    return {key: int(value) for key, value in counts.items()}


def check(ours: dict, pandas_result: dict, hand: dict) -> dict[str, int]:
    counts = segment_counts(ours["segments"])
    assert segment_counts(pandas_result["segments"]) == counts, (
        counts, segment_counts(pandas_result["segments"]))
    assert segment_counts(hand["segments"]) == counts, (counts, segment_counts(hand["segments"]))
    # Stronger: the same customers, scores and segments, row for row (customer_id order).
    columns = ["customer_id", "recency_days", "frequency", "r_score", "f_score", "m_score"]
    reference = ours["customers"]
    for name, other in (("pandas", pandas_result["customers"]), ("duckdb hand", hand["customers"])):
        assert len(other) == len(reference), name
        for column in columns:
            assert np.array_equal(other[column].to_numpy(dtype=np.int64),
                                  reference[column].to_numpy(dtype=np.int64)), (name, column)
        assert (other["segment"].astype(str).to_numpy() == reference["segment"].to_numpy()).all(), name
        assert np.allclose(other["monetary"].to_numpy(), reference["monetary"].to_numpy()), name
    return counts


def check_rules() -> None:
    for key, spec in catalog.segments("rfm").items():
        assert RULES[key] == (tuple(spec["r"]), tuple(spec["f"])), key
    assert list(catalog.segments("rfm")) == SEGMENTS


def machine_info() -> list[str]:
    con = duckdb.connect()
    plain_threads = con.execute("SELECT current_setting('threads')").fetchone()[0]
    con.close()
    load = ", ".join(f"{v:.2f}" for v in os.getloadavg())
    return [
        f"machine: {platform.platform()}, {os.cpu_count()} cores, load average now {load}",
        f"python {platform.python_version()}, duckdb {duckdb.__version__}, "
        f"pandas {pd.__version__}, numpy {np.__version__}",
        f"warehouse (ours): threads={DEFAULT_THREADS}, memory_limit={DEFAULT_MEMORY_LIMIT}; "
        f"duckdb hand: default settings (threads={plain_threads})",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, nargs="+", default=[1_000_000, 10_000_000],
                        help="order counts to benchmark (default: 1000000 10000000)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="timed runs per implementation after one warm-up; best is reported")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE,
                        help=f"folder for the generated databases (default: {DEFAULT_CACHE})")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    check_rules()
    names = {key: spec["en"] for key, spec in catalog.segments("rfm").items()}
    values = ", ".join(
        "('{}', '{}')".format(key, name.replace("'", "''")) for key, name in names.items())
    hand_sql = HAND_SQL.format(names=values)

    rows = []
    for n_orders in args.orders:
        path = ensure_database(args.cache, n_orders)
        print(f"timing {n_orders:,} orders (1 warm-up + best of {args.repeat} interleaved rounds) ...", flush=True)

        timing = time_size(path, args.repeat, names, hand_sql)
        ours, pandas_result, hand = timing["ours"], timing["pandas"], timing["hand"]

        counts = check(ours, pandas_result, hand)
        n_customers = sum(counts.values())
        print(f"  {n_customers:,} purchasing customers; counts match: "
              + ", ".join(f"{k}={v:,}" for k, v in counts.items()), flush=True)
        best = timing["best"]
        rows.append((n_orders, best["ours"], best["pd_compute"], best["pd_total"], best["hand"]))
        del timing, ours, pandas_result, hand
        gc.collect()

    print()
    print("counts match")
    header = ["orders", "ours(s)", "pandas compute(s)", "pandas load+compute(s)", "duckdb hand(s)",
              "ours/pandas compute", "ours/pandas load+compute", "ours/duckdb"]
    table = [header]
    for n_orders, ours_s, pd_compute, pd_total, hand_s in rows:
        table.append([f"{n_orders:,}", f"{ours_s:.3f}", f"{pd_compute:.3f}", f"{pd_total:.3f}",
                      f"{hand_s:.3f}", f"{ours_s / pd_compute:.2f}", f"{ours_s / pd_total:.2f}",
                      f"{ours_s / hand_s:.2f}"])
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    for row in table:
        print("  ".join(cell.ljust(w) if i == 0 else cell.rjust(w)
                        for i, (cell, w) in enumerate(zip(row, widths, strict=True))))
    print()
    for line in machine_info():
        print(line)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of this process: {peak_mb:,.0f} MB; best of {args.repeat} after 1 warm-up; "
          f"times are wall-clock seconds")
    return 0


if __name__ == "__main__":
    sys.exit(main())
