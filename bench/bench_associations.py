"""Time the `product_associations` tool against mlxtend (fpgrowth) and a plain pandas self-merge.

    uv run --group bench python bench/bench_associations.py          # 100k, 1M, 10M lines, best of 3
    uv run --group bench python bench/bench_associations.py --lines 1000000 --repeat 5 --mlxtend-timeout 300

Sizes are order lines (`order_items` rows). For every size it builds (once, cached) a DuckDB file
with synthetic `orders`, `order_items` and `products`, then computes the product pairs bought
together in paid orders with support >= --min-support (default 0.001, the tool's default) three
ways, checks the top pairs agree (pair orders, support, lift) and prints one table. mlxtend runs
in a child process with a time cap and a memory cap and is reported as "did not finish in N s" or
"out of memory" when it hits one. See bench/README.md.
"""

from __future__ import annotations

import argparse
import gc
import pickle
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from bench.bench_rfm import DEFAULT_CACHE, timed
from bench.common import machine_lines, peak_rss_mb, print_table, ratio
from tools import catalog
from tools.context import Context
from tools.registry import call_tool
from tools.warehouse import Warehouse

DATA_VERSION = 1  # bump when the generator changes, so cached files are rebuilt
LINES_PER_ORDER = 2.5  # mean of the geometric basket size (q = 0.6), capped at 15 lines
PRODUCTS = 500
CATEGORIES = 10
PARTNER_RATE = 0.3  # share of lines (after the first) that take the previous line's partner product
PAID = list(catalog.load("metrics")["paid_statuses"])
TOP = 10  # the tool's default limit: the pairs compared and returned


# ------------------------------------------------------------------------------------------------
# Data
# ------------------------------------------------------------------------------------------------

def build_sql(n_lines: int) -> list[str]:
    """Synthetic baskets: geometric basket sizes (mean 2.5 lines), products skewed toward low ids
    (product = 1 + floor(P * u^2)), and planted complements: after the first line, 30% of lines
    take the partner of the previous line's product (1<->2, 3<->4, ...), so those pairs have lift
    well above 1. Random numbers come from hash(), so the data is the same on every machine."""
    n_orders = max(int(n_lines / LINES_PER_ORDER), 1)
    customers = max(n_orders // 4, 1)
    two_64 = "18446744073709551616.0"
    base = f"(1 + floor({PRODUCTS} * pow(hash(3 * (o * 16 + k)) / {two_64}, 2))::INTEGER)"
    prev = f"(1 + floor({PRODUCTS} * pow(hash(3 * (o * 16 + k - 1)) / {two_64}, 2))::INTEGER)"
    partner = f"(CASE WHEN {prev} % 2 = 1 THEN {prev} + 1 ELSE {prev} - 1 END)"
    return [
        f"""CREATE TABLE products AS
SELECT i::INTEGER AS product_id, 'product_' || i AS product_name,
  'category_' || ((i - 1) % {CATEGORIES}) AS category
FROM range(1, {PRODUCTS} + 1) t(i)""",
        f"""CREATE TABLE orders AS
SELECT o + 1 AS order_id,
  1 + floor({customers} * pow(hash(4 * o + 0) / {two_64}, 2))::BIGINT AS customer_id,
  TIMESTAMP '2024-01-01' + to_seconds(floor(hash(4 * o + 1) / {two_64} * 730 * 86400)::BIGINT)
    AS order_time,
  CASE WHEN hash(4 * o + 2) / {two_64} < 0.90 THEN 'paid'
       WHEN hash(4 * o + 2) / {two_64} < 0.95 THEN 'refunded' ELSE 'cancelled' END AS status,
  least(15, 1 + floor(ln(greatest(hash(4 * o + 3) / {two_64}, 1e-12)) / ln(0.6)))::INTEGER
    AS n_lines
FROM range({n_orders}) t(o)""",
        f"""CREATE TABLE order_items AS
WITH lines AS (SELECT order_id - 1 AS o, unnest(range(n_lines)) AS k FROM orders)
SELECT o + 1 AS order_id, (k + 1)::INTEGER AS line_no,
  CASE WHEN k > 0 AND hash(3 * (o * 16 + k) + 1) / {two_64} < {PARTNER_RATE}
       THEN {partner} ELSE {base} END AS product_id,
  1 AS quantity
FROM lines
ORDER BY order_id, line_no""",
        "ALTER TABLE orders DROP COLUMN n_lines",
    ]


def ensure_database(cache: Path, n_lines: int) -> Path:
    cache.mkdir(parents=True, exist_ok=True)
    path = cache / f"baskets_v{DATA_VERSION}_{n_lines}.duckdb"
    if path.is_file():
        print(f"reusing {path}", flush=True)
        return path
    tmp = path.with_name(path.name + ".building")
    tmp.unlink(missing_ok=True)
    started = time.perf_counter()
    con = duckdb.connect(str(tmp))
    try:
        for statement in build_sql(n_lines):
            con.execute(statement)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    tmp.rename(path)
    print(f"built {path} in {time.perf_counter() - started:.1f}s", flush=True)
    return path


def describe(path: Path) -> str:
    con = duckdb.connect(str(path), read_only=True)
    try:
        lines, orders = con.execute(
            "SELECT (SELECT count(*) FROM order_items), (SELECT count(*) FROM orders)").fetchone()
    finally:
        con.close()
    return f"{lines:,} order lines in {orders:,} orders, {PRODUCTS} products"


# ------------------------------------------------------------------------------------------------
# The three implementations; each returns the pairs with support >= min_support as a DataFrame
# (item_a < item_b, pair_orders, support, lift) sorted like the tool: lift desc, support desc.
# ------------------------------------------------------------------------------------------------

def run_ours(path: Path, min_support: float) -> pd.DataFrame:
    """The tool as the assistant calls it (open the warehouse, call, close); top TOP pairs."""
    with Warehouse(path) as wh:
        result = call_tool(Context(wh, "en"), "product_associations",
                           {"min_support": min_support, "limit": TOP})
    table = result.table("pairs")
    return pd.DataFrame({"item_a": table["product_id_a"].astype(int), "item_b": table["product_id_b"].astype(int),
                         "pair_orders": table["pair_orders"].astype(int), "support": table["support"],
                         "lift": table["lift"]})


def load(path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """What a pandas user would read: order status and the order lines (plain read-only connection)."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        orders = con.execute("SELECT order_id, status FROM orders").df()
        items = con.execute("SELECT order_id, product_id FROM order_items").df()
    finally:
        con.close()
    return orders, items


def baskets(orders: pd.DataFrame, items: pd.DataFrame) -> pd.DataFrame:
    """Distinct (paid order, product) rows, as the tool's baskets CTE."""
    paid = orders.loc[orders["status"].isin(PAID), "order_id"]
    return items.loc[items["order_id"].isin(paid), ["order_id", "product_id"]].drop_duplicates()


def _finish(pairs: pd.DataFrame) -> pd.DataFrame:
    pairs = pairs.sort_values(["lift", "support"], ascending=False, kind="stable")
    return pairs.reset_index(drop=True)


def pandas_compute(orders: pd.DataFrame, items: pd.DataFrame, min_support: float) -> pd.DataFrame:
    b = baskets(orders, items)
    total = b["order_id"].nunique()
    item_orders = b["product_id"].value_counts()
    merged = b.merge(b, on="order_id", suffixes=("_a", "_b"))
    merged = merged[merged["product_id_a"] < merged["product_id_b"]]
    counts = merged.groupby(["product_id_a", "product_id_b"], sort=False).size()
    counts = counts[counts / total >= min_support]
    a = counts.index.get_level_values(0)
    c = counts.index.get_level_values(1)
    pair_orders = counts.to_numpy(dtype=np.int64)
    orders_a = item_orders.reindex(a).to_numpy(dtype=np.float64)
    orders_b = item_orders.reindex(c).to_numpy(dtype=np.float64)
    return _finish(pd.DataFrame({
        "item_a": np.asarray(a, dtype=np.int64), "item_b": np.asarray(c, dtype=np.int64),
        "pair_orders": pair_orders, "support": pair_orders / total,
        "lift": pair_orders * total / (orders_a * orders_b)}))


def mlxtend_compute(orders: pd.DataFrame, items: pd.DataFrame, min_support: float) -> pd.DataFrame:
    """Sparse one-hot basket DataFrame -> fpgrowth(max_len=2) -> association_rules -> pairs."""
    from mlxtend.frequent_patterns import association_rules, fpgrowth
    from scipy import sparse

    b = baskets(orders, items)
    rows, _ = pd.factorize(b["order_id"])
    cols, products = pd.factorize(b["product_id"], sort=True)
    n = int(rows.max()) + 1
    matrix = sparse.csr_matrix((np.ones(len(b), dtype=bool), (rows, cols)), shape=(n, len(products)))
    onehot = pd.DataFrame.sparse.from_spmatrix(matrix, columns=[str(p) for p in products])  # mlxtend needs str names
    frequent = fpgrowth(onehot, min_support=min_support, use_colnames=True, max_len=2)
    rules = association_rules(frequent, num_itemsets=n, metric="lift", min_threshold=0.0)
    a = rules["antecedents"].map(lambda s: int(next(iter(s))))
    c = rules["consequents"].map(lambda s: int(next(iter(s))))
    rules = rules.assign(item_a=a, item_b=c)[a < c]  # each unordered pair once
    return _finish(pd.DataFrame({
        "item_a": rules["item_a"].astype(np.int64).to_numpy(),
        "item_b": rules["item_b"].astype(np.int64).to_numpy(),
        "pair_orders": np.rint(rules["support"].to_numpy() * n).astype(np.int64),
        "support": rules["support"].to_numpy(), "lift": rules["lift"].to_numpy()}))


def run_loaded(fn: Any, path: Path, min_support: float) -> tuple[float, float, pd.DataFrame]:
    gc.collect()
    started = time.perf_counter()
    orders, items = load(path)
    loaded = time.perf_counter()
    result = fn(orders, items, min_support)
    return loaded - started, time.perf_counter() - loaded, result


def _own_peak_mb() -> float:
    """VmHWM of this process image (ru_maxrss would carry the parent's peak across exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return peak_rss_mb()


def mlxtend_worker(path: Path, min_support: float, out: Path, memory_gb: float) -> None:
    """Child process: cap the address space, run load + mlxtend once, pickle the outcome."""
    cap = int(memory_gb * 1024**3)
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    try:
        outcome: dict[str, Any] = dict(zip(("load", "compute", "pairs"),
                                           run_loaded(mlxtend_compute, path, min_support), strict=True))
    except MemoryError:
        outcome = {"error": "out of memory"}
    outcome["peak_mb"] = _own_peak_mb()
    out.write_bytes(pickle.dumps(outcome))


def run_mlxtend(path: Path, min_support: float, timeout: float, memory_gb: float) -> dict[str, Any]:
    """One mlxtend run in a fresh child; {"error": ...} on the time cap, the memory cap or a crash."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "mlxtend.pkl"
        command = [sys.executable, "-m", "bench.bench_associations", "--mlxtend-worker", str(path),
                   "--min-support", repr(min_support), "--worker-out", str(out),
                   "--mlxtend-memory-gb", str(memory_gb)]
        try:
            done = subprocess.run(command, timeout=timeout, capture_output=True, text=True,
                                  cwd=Path(__file__).resolve().parent.parent)
        except subprocess.TimeoutExpired:
            return {"error": f"did not finish in {timeout:.0f} s"}
        if out.is_file():
            return pickle.loads(out.read_bytes())
        tail = (done.stderr or "").strip().splitlines()[-1:] or [f"exit code {done.returncode}"]
        return {"error": "out of memory" if "MemoryError" in tail[0] or done.returncode == -9
                else f"failed: {tail[0][:80]}"}


# ------------------------------------------------------------------------------------------------
# Checks and timing
# ------------------------------------------------------------------------------------------------

def check(ours: pd.DataFrame, name: str, other: pd.DataFrame) -> None:
    """The tool's top pairs are in the other result with the same pair orders, support and lift,
    and no pair left out of the tool's top has a higher lift than its last one."""
    assert len(ours) > 0, "the tool returned no pair: lower --min-support"
    keyed = other.set_index(["item_a", "item_b"])
    for row in ours.itertuples():
        key = (row.item_a, row.item_b)
        assert key in keyed.index, (name, key)
        theirs = keyed.loc[key]
        assert int(theirs["pair_orders"]) == row.pair_orders, (name, key)
        assert abs(round(float(theirs["support"]), 5) - row.support) < 1e-9, (name, key)
        assert abs(round(float(theirs["lift"]), 2) - row.lift) < 0.011, (name, key)
    chosen = set(zip(ours["item_a"], ours["item_b"], strict=True))
    rest = other[[k not in chosen for k in zip(other["item_a"], other["item_b"], strict=True)]]
    if len(ours) == TOP and not rest.empty:
        assert rest["lift"].max() <= ours["lift"].min() + 0.005, (name, "ranking")
    else:
        assert len(other) == len(ours), (name, "pair count")


def time_size(path: Path, repeat: int, min_support: float, mlx: dict[str, Any] | None) -> dict[str, Any]:
    """Ours and pandas: one warm-up (kept for the checks), then `repeat` interleaved rounds. mlxtend:
    `mlx["repeat"]` runs, each in a fresh capped child; skipped when `mlx` is None."""
    ours = run_ours(path, min_support)
    _, _, pandas_pairs = run_loaded(pandas_compute, path, min_support)
    check(ours, "pandas", pandas_pairs)
    times: dict[str, list[float]] = {"ours": [], "pd_compute": [], "pd_total": [],
                                     "mx_compute": [], "mx_total": []}
    mlx_error, mlx_peak = None, None
    for round_no in range(repeat):
        times["ours"].append(timed(partial(run_ours, path, min_support))[0])
        load_s, compute_s, _ = run_loaded(pandas_compute, path, min_support)
        times["pd_compute"].append(compute_s)
        times["pd_total"].append(load_s + compute_s)
        if mlx is not None and mlx_error is None and round_no < mlx["repeat"]:
            outcome = run_mlxtend(path, min_support, mlx["timeout"], mlx["memory_gb"])
            mlx_error = outcome.get("error")
            if mlx_error is None:
                check(ours, "mlxtend", outcome["pairs"])
                times["mx_compute"].append(outcome["compute"])
                times["mx_total"].append(outcome["load"] + outcome["compute"])
                mlx_peak = max(mlx_peak or 0, outcome["peak_mb"])
            print(f"  mlxtend run {round_no + 1}: {mlx_error or 'ok, results match'}", flush=True)
    best = {k: (min(v) if v else None) for k, v in times.items()}
    if mlx is None:
        mlx_error = "not run"
    return {"best": best, "ours": ours, "mlx_error": mlx_error, "mlx_peak": mlx_peak}


def _cell(value: float | None, error: str | None) -> str:
    return f"{value:.3f}" if value is not None else (error or "n/a")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, nargs="+", default=[100_000, 1_000_000, 10_000_000],
                        help="order-line counts to benchmark (default: 100000 1000000 10000000)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="timed runs of ours and pandas after one warm-up; best is reported")
    parser.add_argument("--min-support", type=float, default=0.001,
                        help="smallest pair support kept, the same for all three (default 0.001)")
    parser.add_argument("--mlxtend-timeout", type=float, default=600,
                        help="seconds one mlxtend run (load + compute) may take (default 600)")
    parser.add_argument("--mlxtend-memory-gb", type=float, default=12,
                        help="address-space cap of the mlxtend child in GB (default 12)")
    parser.add_argument("--mlxtend-repeat", type=int, default=1,
                        help="mlxtend runs per size, each in a fresh process (default 1)")
    parser.add_argument("--no-mlxtend", action="store_true", help="skip mlxtend")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE,
                        help=f"folder for the generated databases (default: {DEFAULT_CACHE})")
    parser.add_argument("--mlxtend-worker", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--worker-out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.mlxtend_worker:
        mlxtend_worker(args.mlxtend_worker, args.min_support, args.worker_out, args.mlxtend_memory_gb)
        return 0
    if args.repeat < 1 or args.mlxtend_repeat < 1:
        parser.error("--repeat and --mlxtend-repeat must be at least 1")
    try:
        import mlxtend
        mlxtend_version = mlxtend.__version__
    except ImportError:
        if not args.no_mlxtend:
            parser.error("mlxtend is not installed: run with `uv run --group bench ...` or pass --no-mlxtend")
        mlxtend_version = "not installed"

    rows = []
    skip_reason: str | None = "not run (--no-mlxtend)" if args.no_mlxtend else None
    for n_lines in sorted(args.lines):
        path = ensure_database(args.cache, n_lines)
        print(f"timing {describe(path)} (1 warm-up + best of {args.repeat} interleaved rounds; "
              f"mlxtend {args.mlxtend_repeat} run(s)) ...", flush=True)
        mlx = None if skip_reason else {"repeat": args.mlxtend_repeat, "timeout": args.mlxtend_timeout,
                                        "memory_gb": args.mlxtend_memory_gb}
        timing = time_size(path, args.repeat, args.min_support, mlx)
        best = timing["best"]
        error = skip_reason or timing["mlx_error"]
        if timing["mlx_error"] and not skip_reason:
            skip_reason = f"not run ({timing['mlx_error']} at {n_lines:,})"
        top = timing["ours"].iloc[0]
        print(f"  top pairs match; strongest {int(top.item_a)}+{int(top.item_b)}: "
              f"{int(top.pair_orders):,} orders, support {top.support}, lift {top.lift}"
              + (f"; mlxtend child peak RSS {timing['mlx_peak']:,.0f} MB" if timing["mlx_peak"] else ""),
              flush=True)
        rows.append([f"{n_lines:,}", f"{best['ours']:.3f}", f"{best['pd_compute']:.3f}",
                     f"{best['pd_total']:.3f}", _cell(best["mx_compute"], error),
                     _cell(best["mx_total"], error), ratio(best["ours"], best["pd_total"]),
                     ratio(best["ours"], best["mx_total"])])
        del timing
        gc.collect()

    print()
    print(f"top {TOP} pairs match (pair orders, support, lift) wherever a baseline finished; "
          f"min_support={args.min_support}; {date.today().isoformat()}")
    print_table(["lines", "ours(s)", "pandas compute(s)", "pandas load+compute(s)", "mlxtend compute(s)",
                 "mlxtend load+compute(s)", "ours/pandas load+compute", "ours/mlxtend load+compute"], rows)
    print()
    for line in machine_lines([f"mlxtend {mlxtend_version}: fpgrowth(max_len=2) + association_rules on a "
                               f"sparse one-hot DataFrame, child capped at {args.mlxtend_timeout:.0f} s "
                               f"and {args.mlxtend_memory_gb:g} GB"]):
        print(line)
    print(f"peak RSS of this process: {peak_rss_mb():,.0f} MB; ours and pandas best of {args.repeat} after "
          f"1 warm-up, mlxtend best of {args.mlxtend_repeat}; times are wall-clock seconds")
    return 0


if __name__ == "__main__":
    sys.exit(main())
