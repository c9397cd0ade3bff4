"""The other half of the SQL guard: realistic analyst queries run (issue 15).

Every query of tests/sql_acceptance/corpus.yaml (written blind to the guard) goes through `run_sql`
(the guard, the locked connection, the worker process) and must return exactly what an unlocked
DuckDB connection returns on the same file. The Spark run of the same corpus is in test_engines.py.
"""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import duckdb
import pytest

from tests.sql_acceptance import corpus, difference

ENTRIES = corpus()


def test_the_corpus_is_large_and_varied() -> None:
    assert len(ENTRIES) >= 150
    assert len({e["id"] for e in ENTRIES}) == len(ENTRIES)
    by_category = Counter(e["category"] for e in ENTRIES)
    assert len(by_category) >= 12 and min(by_category.values()) >= 5


@pytest.fixture(scope="module")
def unlocked(demo_db: Path, tmp_path_factory: pytest.TempPathFactory):
    """A plain connection to a copy of the same (sealed) file: no guard, no lock, no worker."""
    copy = tmp_path_factory.mktemp("acceptance") / "copy.duckdb"
    shutil.copy(demo_db, copy)
    con = duckdb.connect(str(copy), read_only=True)
    yield con
    con.close()


@pytest.mark.parametrize("entry", ENTRIES, ids=[e["id"] for e in ENTRIES])
def test_analyst_query_runs_and_matches_an_unlocked_connection(engine, unlocked, entry: dict) -> None:
    answer = engine.sql(entry["sql"], limit=10_000)
    assert answer.ok, f"{entry['id']}: {answer.error}"
    expected = unlocked.execute(entry["sql"]).df()
    assert not answer.tables[0].truncated
    assert difference(answer.table(), expected, entry["ordered"]) is None, entry["id"]
