"""Shared fixtures: one real demo warehouse per test session, built by the real generator."""

from __future__ import annotations

import base64
import math
import os
import shutil
import tempfile
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
# A copy of ../shared/eval/dev_questions.yaml, so a clone outside this workplace still runs the
# suite; tests/test_fixtures_in_sync.py fails if the copy drifts from the shared original.
DEV_QUESTIONS = REPO / "tests" / "fixtures" / "dev_questions.yaml"
SHARED_DEV_QUESTIONS = SHARED / "eval" / "dev_questions.yaml"
pytest_plugins = ["tests.redteam_support"]  # red team: end-of-run scan of workspace and logs


def pytest_configure(config: pytest.Config) -> None:
    """Tests never write into the person's real workspace (exports, imported datasets)."""
    os.environ["ASSISTANT_HOME"] = tempfile.mkdtemp(prefix="assistant-tests-")


@pytest.fixture(scope="session")
def _demo_build(tmp_path_factory: pytest.TempPathFactory):
    from data.demo import build_demo

    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    return path, build_demo(path)


@pytest.fixture(scope="session")
def demo_db(_demo_build) -> Path:
    return _demo_build[0]


@pytest.fixture(scope="session")
def demo_truth(_demo_build):
    """What the generator planted in `demo_db` (customer types, pairs, host rates, coupon lift)."""
    return _demo_build[1]


@pytest.fixture(scope="session")
def engine(demo_db: Path):
    from assistant.engine import Engine

    eng = Engine(demo_db)
    yield eng
    eng.close()


@pytest.fixture(scope="session")
def raw_tables(demo_db: Path, demo_contacts: pd.DataFrame,
               tmp_path_factory: pytest.TempPathFactory) -> dict[str, pd.DataFrame]:
    """The demo tables as the generator made them, read through a plain connection to a copy
    (DuckDB shares one instance per file in a process, so the original is already open with the
    locked configuration). The file stores customers' phones and nicknames masked; the raw ones come
    back from the contact store, as a shop's own export would have them."""
    copy = tmp_path_factory.mktemp("raw") / "copy.duckdb"
    shutil.copy(demo_db, copy)
    con = duckdb.connect(str(copy), read_only=True)
    names = ["orders", "order_items", "customers", "products", "hosts", "live_sessions"]
    tables = {name: con.execute(f"SELECT * FROM {name}").df() for name in names}
    con.close()
    customers = tables["customers"]
    raw = demo_contacts.set_index("customer_id").loc[customers["customer_id"]]
    tables["customers"] = customers.assign(nickname=raw["nickname"].to_numpy(), phone=raw["phone"].to_numpy())
    return tables


@pytest.fixture(scope="session")
def demo_contacts(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    """The demo shop's raw personal data (customer_id, nickname, phone): what must never leave masked
    form on any surface. The dataset itself holds them masked; the raw values are in its contact store."""
    from tools.sealing import contacts_path

    copy = tmp_path_factory.mktemp("contacts") / "copy.duckdb"
    shutil.copy(contacts_path(demo_db), copy)
    con = duckdb.connect(str(copy), read_only=True)
    try:
        return con.execute("SELECT customer_id, nickname, phone FROM contacts").df()
    finally:
        con.close()


def dataset_file(path: Path, *statements: str, source: Path | None = None) -> Path:
    """A DuckDB file for one test: a copy of `source` (or a new file) changed by `statements`,
    e.g. dropping the events table or cutting the history, to test how tools cope."""
    if source is not None:
        shutil.copy(source, path)
    con = duckdb.connect(str(path))
    try:
        for statement in statements:
            con.execute(statement)
    finally:
        con.close()
    return path


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("ASSISTANT_HOME", str(home))
    return home


def cli_env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["ASSISTANT_HOME"] = str(home)
    return env


@pytest.fixture(autouse=True)
def no_real_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test may reach a real language model: drop any key the machine happens to have.
    Tests that exercise the agent inject a scripted model or point at a local stub server."""
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "ASSISTANT_MODEL"):
        monkeypatch.delenv(name, raising=False)


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def live_server(demo_db: Path):
    """`assistant serve` on the demo data, launched once: the web app, API, OpenAI endpoint, MCP and
    bots on one port. Settings read per request (tokens, bot secrets) can be monkeypatched per test."""
    from assistant.server import serve

    server = serve(demo_db, "127.0.0.1", free_port(), block=False)
    yield server
    server.close()


def typed_array(value: dict) -> list:
    return np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"])).tolist()


def assert_same(got, expected, where: str = "$") -> None:
    """Equal JSON, floats to 1e-9: DuckDB sums doubles in parallel, so the last bits can differ run to run."""
    if isinstance(expected, dict) and "bdata" in expected and "dtype" in expected:  # a Plotly typed array
        assert isinstance(got, dict) and got.get("dtype") == expected["dtype"], where
        assert_same(typed_array(got), typed_array(expected), where)
    elif isinstance(expected, float) and isinstance(got, (int, float)):
        both_nan = math.isnan(expected) and math.isnan(got)  # empty heatmap cells
        assert both_nan or math.isclose(got, expected, rel_tol=1e-9, abs_tol=1e-9), where
    elif isinstance(expected, dict):
        assert isinstance(got, dict) and set(got) == set(expected), (where, set(got) ^ set(expected))
        for key in expected:
            assert_same(got[key], expected[key], f"{where}.{key}")
    elif isinstance(expected, list):
        assert isinstance(got, list) and len(got) == len(expected), where
        for i, (a, b) in enumerate(zip(got, expected)):
            assert_same(a, b, f"{where}[{i}]")
    else:
        assert got == expected, (where, got, expected)
