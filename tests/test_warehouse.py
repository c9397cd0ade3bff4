"""The locked-down warehouse: read-only, time limit, row cap, one cursor per request."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

import pytest

from tools.result import ToolError
from tools.warehouse import Warehouse


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_user_file_is_never_modified(demo_db: Path) -> None:
    before = _digest(demo_db)
    with Warehouse(demo_db) as wh:
        wh.query("SELECT count(*) FROM orders")
        with pytest.raises(ToolError):
            wh.query("DELETE FROM orders")
    assert _digest(demo_db) == before


def test_timeout_interrupts_and_connection_survives(demo_db: Path) -> None:
    endless = "WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t) SELECT count(*) FROM t"
    with Warehouse(demo_db, timeout_seconds=1) as wh:
        with pytest.raises(ToolError) as caught:
            wh.query(endless)
        assert caught.value.code == "timeout"
        assert wh.scalar("SELECT count(*) FROM customers") > 0


def test_cartesian_join_hits_time_limit(demo_db: Path) -> None:
    with Warehouse(demo_db, timeout_seconds=1) as wh:
        with pytest.raises(ToolError) as caught:
            wh.query(
                "SELECT count(*) FROM orders a, orders b, orders c WHERE a.pay_amount + b.pay_amount > c.pay_amount"
            )
        assert caught.value.code == "timeout"


def test_row_cap_reports_truncation(demo_db: Path) -> None:
    with Warehouse(demo_db) as wh:
        capped = wh.query("SELECT * FROM orders", max_rows=10)
        assert len(capped.df) == 10 and capped.truncated
        exact = wh.query("SELECT * FROM hosts", max_rows=1000)
        assert not exact.truncated and len(exact.df) == wh.scalar("SELECT count(*) FROM hosts")


def test_concurrent_requests_each_get_a_cursor(demo_db: Path) -> None:
    results: list[int] = []
    errors: list[Exception] = []
    with Warehouse(demo_db) as wh:
        expected = wh.scalar("SELECT count(*) FROM orders")

        def work() -> None:
            try:
                for _ in range(5):
                    results.append(int(wh.scalar("SELECT count(*) FROM orders")))
            except Exception as error:  # collected and asserted below
                errors.append(error)

        threads = [threading.Thread(target=work) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert not errors
    assert results == [expected] * 40


def test_missing_and_corrupt_files_give_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(ToolError) as missing:
        Warehouse(tmp_path / "nope.duckdb")
    assert missing.value.code == "data_not_found"
    corrupt = tmp_path / "corrupt.duckdb"
    corrupt.write_bytes(b"this is not a database" * 100)
    with pytest.raises(ToolError) as bad:
        Warehouse(corrupt)
    assert bad.value.code == "data_unreadable"
    assert corrupt.read_bytes() == b"this is not a database" * 100


def test_anchor_is_last_order_date(demo_db: Path, raw_tables) -> None:
    with Warehouse(demo_db) as wh:
        assert wh.anchor_date == raw_tables["orders"]["order_time"].max().date()
