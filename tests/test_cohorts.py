"""cohort_retention checked against an independent pandas groupby."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest


def _reference(orders: pd.DataFrame) -> tuple[pd.DataFrame, pd.Timestamp]:
    anchor = orders["order_time"].max().normalize()
    paid = orders[orders["status"].isin(["paid", "refunded"])].sort_values(["customer_id", "order_time", "order_id"])
    paid = paid.assign(rn=paid.groupby("customer_id").cumcount())
    first = paid[paid["rn"] == 0].set_index("customer_id")["order_time"].dt.normalize()
    second = paid[paid["rn"] == 1].set_index("customer_id")["order_time"].dt.normalize()
    people = pd.DataFrame({"first": first})
    people["days"] = (second.reindex(people.index) - people["first"]).dt.days
    people["cohort"] = people["first"].dt.strftime("%Y-%m")
    people["cohort_end"] = people["first"].dt.to_period("M").dt.end_time.dt.normalize()
    rows = []
    for cohort, g in people.groupby("cohort"):
        row = {"cohort": cohort, "customers": len(g), "median": g["days"].median()}
        for n in (30, 60, 90):
            observable = g["cohort_end"].iat[0] + pd.Timedelta(days=n) <= anchor
            row[n] = (g["days"] <= n).mean() if observable else None
        rows.append(row)
    return pd.DataFrame(rows).set_index("cohort"), anchor


def test_retention_matches_pandas(engine, raw_tables) -> None:
    answer = engine.run_tool("cohort_retention", {}, "en")
    assert answer.ok, answer.error
    ours = answer.table("retention").set_index("cohort")
    ref, _ = _reference(raw_tables["orders"])
    assert list(ours.index) == list(ref.index)
    assert list(ours["customers"]) == list(ref["customers"])
    for n in (30, 60, 90):
        mine, theirs = ours[f"retention_{n}d"], ref[n].astype(float)
        assert list(mine.isna()) == list(theirs.isna())
        assert mine.dropna().to_numpy() == pytest.approx(theirs.dropna().round(4).to_numpy(), abs=1e-4)
    assert ours["median_days_to_second"].to_numpy() == pytest.approx(ref["median"].to_numpy(), nan_ok=True)


def test_period_matrix_matches_pandas(engine, raw_tables) -> None:
    matrix = engine.run_tool("cohort_retention", {}).table("matrix")
    orders = raw_tables["orders"]
    paid = orders[orders["status"].isin(["paid", "refunded"])]
    first = paid.groupby("customer_id")["order_time"].min().dt.to_period("M")
    months = paid.assign(cohort=paid["customer_id"].map(first), month=paid["order_time"].dt.to_period("M"))
    months["k"] = (months["month"] - months["cohort"]).apply(lambda d: d.n)
    active = months[months["k"] <= 11].groupby(["cohort", "k"])["customer_id"].nunique()
    sizes = first.value_counts()
    for row in matrix.sample(60, random_state=1).itertuples():
        period = pd.Period(row.cohort, "M")
        expected = active.get((period, row.period_offset), 0) / sizes[period]
        assert row.rate == pytest.approx(expected, abs=1e-4)
    assert (matrix[matrix["period_offset"] == 0]["rate"] == 1).all()


def test_answers_cite_numbers_and_new_customer_question(engine, raw_tables) -> None:
    ref, _ = _reference(raw_tables["orders"])
    for lang in ("zh", "en"):
        answer = engine.run_tool("cohort_retention", {"period": "month:1"}, lang)
        assert answer.ok, answer.error
        table = answer.table("retention")
        assert list(table["cohort"]) == ["2026-01"]
        for n in (30, 60, 90):
            assert f"{ref.loc['2026-01', n] * 100:.1f}%" in answer.answer
        assert f"{table['median_days_to_second'].iat[0]:.0f}" in answer.answer
        kinds = {c.kind for c in answer.charts}
        assert kinds == {"heatmap", "line"}
    asked = engine.ask("新用户首购后多久会回购？")
    assert asked.ok and "中位数" in asked.answer


def test_weekly_recent_and_errors(engine, tmp_path: Path, raw_tables) -> None:
    weekly = engine.run_tool("cohort_retention", {"grain": "week", "days": [7]}, "en")
    assert weekly.ok, weekly.error
    assert weekly.table("retention")["customers"].sum() == raw_tables["orders"].query(
        "status in ['paid', 'refunded']")["customer_id"].nunique()
    recent = engine.run_tool("cohort_retention", {"period": "this_month"}, "en")
    assert recent.ok and recent.table("retention")["retention_30d"].isna().all()
    assert "cannot be observed yet" in recent.answer
    bad = engine.run_tool("cohort_retention", {"period": "nonsense"}, "zh")
    assert not bad.ok and bad.error["code"] == "bad_period"
    from assistant.engine import Engine

    path = tmp_path / "no_orders.duckdb"
    con = duckdb.connect(str(path))
    frame = raw_tables["customers"].head(50)  # noqa: F841 (read by DuckDB's replacement scan)
    con.execute("CREATE TABLE customers AS SELECT * FROM frame")
    con.close()
    eng = Engine(path)
    try:
        missing = eng.run_tool("cohort_retention", {}, "en")
        assert not missing.ok and missing.error["code"] == "missing_table"
    finally:
        eng.close()
