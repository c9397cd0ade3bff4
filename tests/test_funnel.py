"""funnel against an independent pandas computation, the planted host conversions, and edges."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from data.demo import PLANTED
from tools import fmt

STEPS = ["enter_live", "product_click", "add_to_cart", "pay"]


@pytest.fixture(scope="module")
def pairs(demo_db: Path, raw_tables, tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    """One row per (customer, session) with a strict-funnel flag per step, computed in pandas."""
    copy = tmp_path_factory.mktemp("funnel_events") / "copy.duckdb"
    shutil.copy(demo_db, copy)
    con = duckdb.connect(str(copy), read_only=True)
    events = con.execute("SELECT customer_id, session_id, event_type::VARCHAR AS event_type FROM events").df()
    con.close()
    events = events[events["event_type"].isin(STEPS)]
    flags = pd.crosstab([events["customer_id"], events["session_id"]], events["event_type"]) > 0
    flags = flags.reindex(columns=STEPS, fill_value=False)
    strict = flags.cumprod(axis=1).astype(bool).reset_index()
    sessions = raw_tables["live_sessions"].merge(raw_tables["hosts"], on="host_id")
    return strict.merge(sessions[["session_id", "host_name"]], on="session_id")


def test_step_counts_match_pandas(engine, pairs) -> None:
    answer = engine.run_tool("funnel", {"dimension": "host"}, "en")
    assert answer.ok, answer.error
    steps = answer.table("funnel")
    assert list(steps["event_type"]) == STEPS
    assert list(steps["pairs"]) == [int(pairs[s].sum()) for s in STEPS]
    assert steps["pairs"].is_monotonic_decreasing
    for i in range(1, 4):
        expected = pairs[STEPS[i]].sum() / pairs[STEPS[i - 1]].sum()
        assert steps["step_conversion"].iat[i] == pytest.approx(expected)
    by_host = answer.table("funnel_breakdown").set_index("host")
    ref = pairs.groupby("host_name")[STEPS].sum()
    for column, step in zip(["entered", "clicked", "carted", "paid"], STEPS, strict=True):
        assert by_host.loc[ref.index, column].tolist() == ref[step].tolist()
    stuck = pairs[pairs["add_to_cart"] & ~pairs["pay"]]
    assert by_host["cart_no_pay"].sum() == len(stuck)


def test_biggest_drop_off_is_named(engine, pairs) -> None:
    totals = [pairs[s].sum() for s in STEPS]
    rates = [totals[i] / totals[i - 1] for i in range(1, 4)]
    worst = rates.index(min(rates)) + 1
    answer = engine.run_tool("funnel", {}, "en")
    steps = answer.table("funnel")
    named = f"{steps['step'].iat[worst - 1]} → {steps['step'].iat[worst]}"
    assert f"biggest drop-off is {named}" in answer.answer
    assert fmt.percent(rates[worst - 1]) in answer.answer


def test_recovers_planted_host_conversion(engine) -> None:
    table = engine.run_tool("funnel", {"dimension": "host"}, "en").table("funnel_breakdown")
    measured = table.set_index("host")["conversion"]
    planted = PLANTED["host_conversion"]
    assert measured.idxmax() == max(planted, key=planted.get)
    for host, rate in planted.items():
        assert abs(measured[host] - rate) < 0.005, (host, measured[host], rate)


def test_cart_without_pay_is_answered_in_both_languages(engine, pairs) -> None:
    stuck = pairs[pairs["add_to_cart"] & ~pairs["pay"]]
    people = stuck["customer_id"].nunique()
    zh = engine.ask("加购以后没付款的人有多少？")
    assert zh.ok, zh.error
    assert zh.tool_calls[0].name == "funnel"
    assert fmt.number(len(stuck), "zh") in zh.answer and fmt.number(people, "zh") in zh.answer
    assert "加购后未付款" in zh.answer
    en = engine.run_tool("funnel", {}, "en")
    assert f"{len(stuck):,} pairs ({people:,} customers) added to cart but did not pay" in en.answer
    total = pairs["pay"].sum() / pairs["enter_live"].sum()
    assert fmt.percent(total) in en.answer and fmt.percent(total) in zh.answer
    assert en.charts[0].kind == "bar" and en.charts[0].table == "funnel"


def test_time_breakdown_and_window(engine, raw_tables) -> None:
    answer = engine.run_tool("funnel", {"dimension": "month", "period": "last_3_months"}, "zh")
    assert answer.ok, answer.error
    table = answer.table("funnel_breakdown")
    assert list(table["month"]) == sorted(table["month"]) and 3 <= len(table) <= 4
    assert table["entered"].sum() == answer.table("funnel")["pairs"].iat[0]


def test_empty_window_and_missing_table(engine, tmp_path: Path, raw_tables) -> None:
    for lang, words in (("zh", "没有直播观看数据"), ("en", "no live viewing data")):
        answer = engine.run_tool("funnel", {"period": "2024-01"}, lang)
        assert answer.ok, answer.error
        assert words in answer.answer and not answer.charts
    from assistant.engine import Engine

    path = tmp_path / "no_events.duckdb"
    con = duckdb.connect(str(path))
    for name in ("orders", "live_sessions", "hosts"):
        frame = raw_tables[name].head(200)  # noqa: F841 (read by DuckDB's replacement scan)
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM frame")
    con.close()
    eng = Engine(path)
    try:
        answer = eng.run_tool("funnel", {"dimension": "host"}, "zh")
        assert not answer.ok and answer.error["code"] == "missing_table"
        assert "events" in answer.error["message"]
    finally:
        eng.close()
