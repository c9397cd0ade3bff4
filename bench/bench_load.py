"""Throughput and latency of the offline assistant under concurrent conversations.

    uv run python bench/bench_load.py                          # 20 clients x 15 questions, web and engine
    uv run python bench/bench_load.py --clients 40 --requests 30 --modes web
    uv run python bench/bench_load.py --cache /tmp/load-cache

Builds (once, cached) the demo DuckDB and two variants (only 2026 orders; every other customer's
orders removed), launches the web app in this process on a free port with the variants
registered in a temporary workspace, then runs N concurrent clients, each on one of the three
datasets, asking R questions (several tools, follow-ups, a clarifying question, zh and en):

- `web`: one `gradio_client.Client` per client (its own session): `/set_dataset` once (not timed),
  then R calls of `/chat` (the whole streamed answer, as a browser gets it).
- `engine`: the baseline without HTTP or Gradio: one offline `Conversation` per client over one
  shared `Engine` per dataset, `conversation.ask(question)`.

No language model is used (offline mode; any OPENAI_API_KEY is ignored). Prints one table
(requests/s, p50/p95/p99 latency, errors, peak RSS during the mode) and the machine. See
bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import socket
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.common import machine_lines, peak_rss_mb, print_table

BENCH_DIR = Path(__file__).resolve().parent
DEFAULT_CACHE = BENCH_DIR / ".cache"
DATA_VERSION = 1
UNITS: list[tuple[str, ...]] = [
    ("总GMV是多少？",),
    ("最近30天的GMV是多少？", "那上个月呢？"),
    ("各个RFM分群分别有多少用户？",),
    ("How many orders last month?",),
    ("复购率是多少？",),
    ("What is the average order value in the last 90 days?",),
    ("各主播的GMV排名",),
    ("新客有多少？",),
    ("退款率是多少",),
    ("销量前10的商品是哪些？",),
]
VARIANTS = {
    "only2026": "DELETE FROM orders WHERE order_time < '2026-01-01'",
    "half": "DELETE FROM orders WHERE customer_id % 2 = 0",
}


def ensure_datasets(cache: Path) -> dict[str, Path]:
    import duckdb

    from data.demo import build_demo

    cache.mkdir(parents=True, exist_ok=True)
    demo = cache / f"load_demo_v{DATA_VERSION}.duckdb"
    if not demo.is_file():
        started = time.perf_counter()
        tmp = demo.with_name(demo.name + ".building")
        tmp.unlink(missing_ok=True)
        build_demo(tmp)
        tmp.rename(demo)
        print(f"built {demo} in {time.perf_counter() - started:.1f}s", flush=True)
    out = {"demo": demo}
    for name, statement in VARIANTS.items():
        path = cache / f"load_{name}_v{DATA_VERSION}.duckdb"
        if not path.is_file():
            tmp = path.with_name(path.name + ".building")
            shutil.copy(demo, tmp)
            con = duckdb.connect(str(tmp))
            try:
                con.execute(statement)
                con.execute("CHECKPOINT")
            finally:
                con.close()
            tmp.rename(path)
        out[name] = path
    return out


def sequence(index: int, requests: int) -> list[str]:
    """Client `index`'s questions: its own shuffle of the units, repeated, cut to `requests`
    (a follow-up cut from its question would still be answered, as a fresh question)."""
    rng = random.Random(index)
    out: list[str] = []
    while len(out) < requests:
        units = list(UNITS)
        rng.shuffle(units)
        out += [q for unit in units for q in unit]
    return out[:requests]


def rss_now_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return peak_rss_mb()


class RssWatch:
    """Peak resident memory of this process (server and clients) while a mode runs."""

    def __init__(self) -> None:
        self.peak = rss_now_mb()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.1):
            self.peak = max(self.peak, rss_now_mb())

    def __enter__(self) -> RssWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_now_mb())


def _error_in(history: list[dict]) -> bool:
    last_user = max((i for i, m in enumerate(history) if m.get("role") == "user"), default=-1)
    text = json.dumps(history[last_user + 1:], ensure_ascii=False)
    return "⚠️" in text or "Traceback" in text or last_user < 0


def run_web(url: str, names: list[str], clients: int, requests: int) -> tuple[list[float], int, float]:
    import gradio_client

    def connect(index: int) -> Any:
        client = gradio_client.Client(url, verbose=False, download_files=False)
        client.predict(names[index % len(names)], "zh", api_name="/set_dataset")
        return client

    with ThreadPoolExecutor(clients) as pool:
        connected = list(pool.map(connect, range(clients)))

    def work(index: int) -> tuple[list[float], int]:
        latencies, errors = [], 0
        for question in sequence(index, requests):
            started = time.perf_counter()
            try:
                history = connected[index].predict(question, api_name="/chat")[0]
                errors += _error_in(history)
            except Exception:  # noqa: BLE001 - counted, the run goes on
                errors += 1
            latencies.append(time.perf_counter() - started)
        return latencies, errors

    return _timed(work, clients)


def run_engine(paths: dict[str, Path], clients: int, requests: int) -> tuple[list[float], int, float]:
    from assistant.conversation import Conversation
    from assistant.engine import Engine

    engines = {name: Engine(path) for name, path in paths.items()}
    names = list(paths)
    for engine in engines.values():  # warm-up: vocabulary and metadata, as the web app's first requests
        Conversation(engine).ask("总GMV是多少？")

    def work(index: int) -> tuple[list[float], int]:
        conversation = Conversation(engines[names[index % len(names)]])
        latencies, errors = [], 0
        for question in sequence(index, requests):
            started = time.perf_counter()
            try:
                errors += conversation.ask(question).error is not None
            except Exception:  # noqa: BLE001
                errors += 1
            latencies.append(time.perf_counter() - started)
        return latencies, errors

    try:
        return _timed(work, clients)
    finally:
        for engine in engines.values():
            engine.close()


def _timed(work: Any, clients: int) -> tuple[list[float], int, float]:
    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        results = list(pool.map(work, range(clients)))
    elapsed = time.perf_counter() - started
    return [x for lat, _ in results for x in lat], sum(e for _, e in results), elapsed


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def launch(paths: dict[str, Path]) -> tuple[Any, str]:
    home = Path(tempfile.mkdtemp(prefix="bench-load-"))
    (home / "datasets").mkdir()
    registry = {name: {"name": name, "path": str(path), "source": str(path), "fingerprint": name,
                       "imported_at": datetime.now().isoformat(), "rows": {}}
                for name, path in paths.items() if name != "demo"}
    (home / "datasets" / "datasets.json").write_text(json.dumps(registry), encoding="utf-8")
    os.environ["ASSISTANT_HOME"] = str(home)
    from assistant.web.app import serve

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return serve(paths["demo"], "127.0.0.1", port, block=False), f"http://127.0.0.1:{port}/"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=20, help="concurrent conversations (default 20)")
    parser.add_argument("--requests", type=int, default=15, help="questions per client (default 15)")
    parser.add_argument("--modes", nargs="+", choices=["web", "engine"], default=["engine", "web"])
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="where the datasets are kept")
    args = parser.parse_args(argv)
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "ASSISTANT_MODEL"):  # offline mode only
        os.environ.pop(name, None)

    paths = ensure_datasets(args.cache)
    rows = []
    for mode in args.modes:
        demo = None
        with RssWatch() as watch:
            if mode == "web":
                demo, url = launch(paths)
                latencies, errors, elapsed = run_web(url, list(paths), args.clients, args.requests)
            else:
                latencies, errors, elapsed = run_engine(paths, args.clients, args.requests)
        if demo is not None:
            demo.close()
        n = len(latencies)
        rows.append([mode, str(args.clients), f"{n:,}", str(errors), f"{n / elapsed:.1f}",
                     f"{statistics.median(latencies) * 1000:.0f}", f"{percentile(latencies, 95) * 1000:.0f}",
                     f"{percentile(latencies, 99) * 1000:.0f}", f"{watch.peak:,.0f}"])
        print(f"{mode}: done in {elapsed:.1f}s", flush=True)
    print()
    print_table(["mode", "clients", "requests", "errors", "req/s", "p50(ms)", "p95(ms)", "p99(ms)",
                 "peak RSS(MB)"], rows)
    print()
    for line in machine_lines([f"datasets: {', '.join(paths)} (clients spread round-robin); "
                               f"{args.requests} questions per client; offline router, no LLM"]):
        print(line)
    print(f"peak RSS of this process over the whole run: {peak_rss_mb():,.0f} MB (server and clients "
          f"share it); latency is one whole answer, wall-clock")
    return 0


if __name__ == "__main__":
    sys.exit(main())
