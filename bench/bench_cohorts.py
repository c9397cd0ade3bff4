"""Time the `cohort_retention` tool against a plain pandas version of the same output.

    uv run python bench/bench_cohorts.py                        # 1M and 10M orders, best of 3
    uv run python bench/bench_cohorts.py --orders 1000000 --repeat 5

Sizes are orders (the tool reads only `orders`), on the same cached synthetic `orders` table as
bench_rfm.py (`rfm_orders_v<version>_<N>.duckdb`). Both sides produce the monthly retention table
(customers, 30/60/90-day repurchase counts and rates where observable, repurchased, median days to
the second order) and the cohort x month-offset matrix; they are checked equal before timings count.
See bench/README.md.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from datetime import date
from functools import partial
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from bench.bench_rfm import DEFAULT_CACHE, ensure_database, timed
from bench.common import machine_lines, peak_rss_mb, print_table, ratio
from tools import catalog
from tools.context import Context
from tools.registry import call_tool
from tools.warehouse import Warehouse

DAYS = [30, 60, 90]
MAX_OFFSET = 11
PAID = list(catalog.load("metrics")["paid_statuses"])


def run_ours(path: Path) -> dict[str, pd.DataFrame]:
    """The tool as the assistant calls it: open the warehouse, call with default arguments, close."""
    with Warehouse(path) as wh:
        result = call_tool(Context(wh, "en"), "cohort_retention", {})
    return {"retention": result.table("retention"), "matrix": result.table("matrix")}


def pandas_load(path: Path) -> pd.DataFrame:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute("SELECT order_id, customer_id, order_time, status FROM orders").df()
    finally:
        con.close()


def _month_index(days: pd.Series) -> np.ndarray:
    return (days.dt.year * 12 + days.dt.month - 1).to_numpy(dtype=np.int64)


def pandas_compute(orders: pd.DataFrame) -> dict[str, pd.DataFrame]:
    anchor = orders["order_time"].max().normalize()
    paid = orders.loc[orders["status"].isin(PAID), ["customer_id", "order_id", "order_time"]]
    paid = paid.sort_values(["customer_id", "order_time", "order_id"], kind="stable")
    rank = paid.groupby("customer_id", sort=False).cumcount().to_numpy()
    first = paid.loc[rank == 0].set_index("customer_id")["order_time"].dt.normalize()
    second = paid.loc[rank == 1].set_index("customer_id")["order_time"].dt.normalize()
    people = pd.DataFrame({"first_day": first})
    people["days_to_second"] = (second.reindex(people.index) - people["first_day"]).dt.days
    people["cohort_start"] = people["first_day"].dt.to_period("M").dt.start_time

    grouped = people.groupby("cohort_start", sort=True)["days_to_second"]
    retention = pd.DataFrame({"customers": grouped.size()})
    cohort_end = retention.index + pd.offsets.MonthEnd(0)
    for n in DAYS:
        observable = (cohort_end + pd.Timedelta(days=n) <= anchor)
        retained = people["days_to_second"].le(n).groupby(people["cohort_start"]).sum()
        retention[f"retained_{n}d"] = retained.where(observable).astype("Int64")
        retention[f"retention_{n}d"] = (retained / retention["customers"]).where(observable)
    retention["repurchased"] = grouped.count()
    retention["median_days_to_second"] = grouped.median()
    retention = retention.reset_index()

    # Matrix: distinct (customer, month offset since the cohort month) with a paid order.
    cohort_month = _month_index(people["cohort_start"])
    lookup = pd.Series(cohort_month, index=people.index)
    offset = _month_index(paid["order_time"]) - lookup.reindex(paid["customer_id"]).to_numpy()
    activity = pd.DataFrame({"customer_id": paid["customer_id"].to_numpy(), "offset": offset})
    activity = activity[(activity["offset"] >= 0) & (activity["offset"] <= MAX_OFFSET)].drop_duplicates()
    activity["cohort_start"] = people["cohort_start"].reindex(activity["customer_id"]).to_numpy()
    active = activity.groupby(["cohort_start", "offset"]).size()
    rows = []
    anchor_month = anchor.year * 12 + anchor.month - 1
    for start, size in zip(retention["cohort_start"], retention["customers"], strict=True):
        for k in range(MAX_OFFSET + 1):
            if start.year * 12 + start.month - 1 + k > anchor_month:
                break  # the period has not started (month starts are always on the 1st)
            buyers = int(active.get((start, k), 0))
            rows.append((start.strftime("%Y-%m"), k, int(size), buyers, round(buyers / size, 4)))
    matrix = pd.DataFrame(rows, columns=["cohort", "period_offset", "cohort_size", "active", "rate"])
    return {"retention": retention, "matrix": matrix}


def run_pandas(path: Path) -> tuple[float, float, dict[str, pd.DataFrame]]:
    gc.collect()
    started = time.perf_counter()
    orders = pandas_load(path)
    loaded = time.perf_counter()
    result = pandas_compute(orders)
    return loaded - started, time.perf_counter() - loaded, result


def check(ours: dict[str, pd.DataFrame], theirs: dict[str, pd.DataFrame]) -> str:
    a, b = ours["retention"], theirs["retention"]
    assert len(a) == len(b), (len(a), len(b))
    starts = [pd.Timestamp(d).date() for d in b["cohort_start"]]
    assert list(a["cohort_start"]) == starts, "cohort starts differ"
    for column in ["customers", "repurchased", *(f"retained_{n}d" for n in DAYS)]:
        left = a[column].astype("Int64").fillna(-1).to_numpy(dtype=np.int64)
        right = b[column].astype("Int64").fillna(-1).to_numpy(dtype=np.int64)
        assert np.array_equal(left, right), column
    for column in ["median_days_to_second", *(f"retention_{n}d" for n in DAYS)]:
        left = a[column].astype(float).to_numpy()
        right = b[column].astype(float).round(4 if column.startswith("retention") else 6).to_numpy()
        assert np.allclose(left, right, equal_nan=True), column
    ma, mb = ours["matrix"].reset_index(drop=True), theirs["matrix"]
    assert ma[["cohort", "period_offset", "cohort_size", "active"]].astype(str).equals(
        mb[["cohort", "period_offset", "cohort_size", "active"]].astype(str)), "matrix differs"
    assert np.allclose(ma["rate"].to_numpy(float), mb["rate"].to_numpy(float)), "matrix rates differ"
    pooled = {n: a[f"retained_{n}d"].sum() / a.loc[a[f"retained_{n}d"].notna(), "customers"].sum()
              for n in DAYS}
    return (f"{len(a)} cohorts, {int(a['customers'].sum()):,} customers, {len(ma)} matrix cells; pooled "
            + ", ".join(f"{n}d={pooled[n]:.4f}" for n in DAYS))


def time_size(path: Path, repeat: int) -> dict:
    """One warm-up each (kept for the check), then `repeat` interleaved rounds; best per column."""
    ours = run_ours(path)
    _, _, theirs = run_pandas(path)
    times: dict[str, list[float]] = {"ours": [], "pd_compute": [], "pd_total": []}
    for _ in range(repeat):
        times["ours"].append(timed(partial(run_ours, path))[0])
        load_s, compute_s, _ = run_pandas(path)
        times["pd_compute"].append(compute_s)
        times["pd_total"].append(load_s + compute_s)
    return {"best": {k: min(v) for k, v in times.items()}, "ours": ours, "pandas": theirs}


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

    rows = []
    for n_orders in args.orders:
        path = ensure_database(args.cache, n_orders)
        print(f"timing {n_orders:,} orders (1 warm-up + best of {args.repeat} interleaved rounds) ...",
              flush=True)
        timing = time_size(path, args.repeat)
        print(f"  results match: {check(timing['ours'], timing['pandas'])}", flush=True)
        best = timing["best"]
        rows.append([f"{n_orders:,}", f"{best['ours']:.3f}", f"{best['pd_compute']:.3f}",
                     f"{best['pd_total']:.3f}", ratio(best["ours"], best["pd_compute"]),
                     ratio(best["ours"], best["pd_total"])])
        del timing
        gc.collect()

    print()
    print(f"results match (retention table and matrix); {date.today().isoformat()}")
    print_table(["orders", "ours(s)", "pandas compute(s)", "pandas load+compute(s)",
                 "ours/pandas compute", "ours/pandas load+compute"], rows)
    print()
    for line in machine_lines():
        print(line)
    print(f"peak RSS of this process: {peak_rss_mb():,.0f} MB; best of {args.repeat} after 1 warm-up; "
          "times are wall-clock seconds")
    return 0


if __name__ == "__main__":
    sys.exit(main())
