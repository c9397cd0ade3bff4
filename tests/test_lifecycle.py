"""lifecycle_stages checked customer by customer against an independent pandas implementation of
the written rules (data/segments.yaml), plus the planted lapsing customers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.conftest import dataset_file

PAID = ("paid", "refunded")
NOT_YET = "not_yet_customer"


def _stage(per: pd.DataFrame, gap: pd.Series, new: int, active: int, churn: int) -> pd.Series:
    """The rules as written, first match wins: churned, at_risk, reactivated, new, repeat, active."""
    since_last, since_first = per["days_since_last"], per["days_since_first"]
    choices = [
        since_last > churn,
        since_last > active,
        (since_last <= active) & (gap > churn),
        since_first <= new,
        (since_last <= active) & (per["orders"] >= 2),
        since_last <= active,
    ]
    names = ["churned", "at_risk", "reactivated", "new", "repeat", "active"]
    return pd.Series(np.select(choices, names, default="?"), index=per.index)


def reference_stages(orders: pd.DataFrame, as_of: pd.Timestamp, new: int = 30, active: int = 90,
                     churn: int = 180) -> pd.DataFrame:
    paid = orders[orders["status"].isin(PAID)].copy()
    paid["day"] = paid["order_time"].dt.normalize()
    paid = paid[paid["day"] <= as_of].sort_values(["customer_id", "order_time", "order_id"])
    paid["gap"] = paid.groupby("customer_id")["day"].diff().dt.days
    per = paid.groupby("customer_id").agg(
        orders=("order_id", "size"), first=("day", "min"), last=("day", "max"),
        revenue=("pay_amount", "sum"),
    )
    per["days_since_last"] = (as_of - per["last"]).dt.days
    per["days_since_first"] = (as_of - per["first"]).dt.days
    # The gap before the customer's last order (by time, then order id).
    gap = paid.groupby("customer_id")["gap"].last().fillna(0)
    per["stage"] = _stage(per, gap, new, active, churn)
    # With several orders on the last day, "the gap before the last order" is ambiguous: flag the
    # customers whose stage depends on which of that day's orders is taken.
    on_last = paid[paid["day"] == paid["customer_id"].map(per["last"])]
    hi = on_last.groupby("customer_id")["gap"].max().fillna(0).reindex(per.index)
    lo = on_last.groupby("customer_id")["gap"].min().fillna(0).reindex(per.index)
    per["ambiguous"] = _stage(per, hi, new, active, churn) != _stage(per, lo, new, active, churn)
    return per


def _compare(ours: pd.DataFrame, ref: pd.DataFrame, column: str, ref_column: str = "stage") -> None:
    assert list(ours.index) == list(ref.index)
    mismatched = ours[column].to_numpy() != ref[ref_column].to_numpy()
    # Only customers whose stage is ambiguous by the rules themselves may differ.
    assert not (mismatched & ~ref["ambiguous"].to_numpy()).any(), \
        f"{column}: {(mismatched & ~ref['ambiguous'].to_numpy()).sum()} customers differ"


def test_every_customer_and_transition_matches_reference(engine, raw_tables) -> None:
    answer = engine.run_tool("lifecycle_stages", {})
    assert answer.ok, answer.error
    orders = raw_tables["orders"]
    anchor = orders["order_time"].max().normalize()
    earlier = anchor.replace(day=1) - pd.Timedelta(days=1)
    ours = answer.table("customers").set_index("customer_id").sort_index()
    ref = reference_stages(orders, anchor).sort_index()
    _compare(ours, ref, "stage")
    assert (ours["orders"].to_numpy() == ref["orders"].to_numpy()).all()
    np.testing.assert_allclose(ours["revenue"], ref["revenue"].round(2), atol=0.01)

    before = reference_stages(orders, earlier)
    prev = ref[[]].join(before[["stage", "ambiguous"]]).fillna({"stage": NOT_YET, "ambiguous": False})
    _compare(ours, prev, "previous_stage")

    # The tables aggregate the per-customer rows exactly.
    stages = answer.table("stages").set_index("stage")
    counts = ours["stage"].value_counts()
    for key in ["new", "active", "repeat", "at_risk", "churned", "reactivated"]:
        assert stages.loc[key, "customers"] == counts.get(key, 0)
        assert stages.loc[key, "revenue"] == pytest.approx(ours.loc[ours["stage"] == key, "revenue"].sum(), abs=1)
    assert stages["customers"].sum() == len(ref)
    assert stages["share"].sum() == pytest.approx(1, abs=1e-3)
    assert stages["revenue_share"].sum() == pytest.approx(1, abs=1e-3)
    matrix = answer.table("transitions").set_index(["from_stage", "to_stage"])["customers"]
    expected = ours.groupby(["previous_stage", "stage"]).size()
    assert matrix.sort_index().to_dict() == expected.sort_index().to_dict()
    assert matrix.sum() == len(ref)
    assert [c.kind for c in answer.charts] == ["bar", "heatmap"]
    answer.figures()  # both charts render


def test_configurable_windows_and_as_of(engine, raw_tables) -> None:
    args = {"new_days": 14, "active_days": 60, "churn_days": 365, "as_of": "2026-06-30"}
    answer = engine.run_tool("lifecycle_stages", args)
    assert answer.ok, answer.error
    ours = answer.table("customers").set_index("customer_id").sort_index()
    ref = reference_stages(raw_tables["orders"], pd.Timestamp("2026-06-30"), 14, 60, 365).sort_index()
    _compare(ours, ref, "stage")
    # A period token means its last day.
    by_month = engine.run_tool("lifecycle_stages", {**args, "as_of": "2026-06"})
    assert by_month.ok, by_month.error
    pd.testing.assert_frame_equal(by_month.table("stages"), answer.table("stages"))


def test_answers_cite_the_numbers_in_both_languages(engine) -> None:
    for lang in ("zh", "en"):
        answer = engine.run_tool("lifecycle_stages", {}, lang)
        assert answer.ok, answer.error
        stages = answer.table("stages").set_index("stage")
        total = int(stages["customers"].sum())
        churned = int(stages.loc["churned", "customers"])
        at_risk = int(stages.loc["at_risk", "customers"])
        if lang == "zh":
            assert "截至" in answer.answer and "流失期" in answer.answer
            assert f"{total / 1e4:.2f}万" in answer.answer
        else:
            assert f"{total:,}" in answer.answer and f"{churned:,}" in answer.answer
            assert f"{at_risk:,}" in answer.answer
        # Playbook recommendations for the at-risk and churned groups, with their sizes.
        recs = " ".join(answer.recommendations)
        sizes = [churned, at_risk]
        shown = [f"{n / 1e4:.2f}万" if lang == "zh" and n >= 1e4 else f"{n:,}" for n in sizes]
        assert all(s in recs for s in shown), recs
        assert ("满99减20" if lang == "zh" else "welcome-back coupon") in recs


def test_planted_lapsing_customers_are_at_risk_or_churned(engine, demo_truth) -> None:
    truth = demo_truth
    stages = engine.run_tool("lifecycle_stages", {}).table("customers").set_index("customer_id")["stage"]
    lapsing = truth.customer_types.loc[truth.customer_types["latent_type"] == "lapsing", "customer_id"]
    lapsing = lapsing[lapsing.isin(stages.index)]
    assert len(lapsing) > 1000
    share = stages.loc[lapsing].isin(["at_risk", "churned"]).mean()
    assert share > 0.95, share
    # And the loyal fans are mostly not.
    loyal = truth.customer_types.loc[truth.customer_types["latent_type"] == "loyal", "customer_id"]
    assert stages.loc[loyal[loyal.isin(stages.index)]].isin(["at_risk", "churned"]).mean() < 0.5


def test_routed_question(engine) -> None:
    answer = engine.ask("用户处在生命周期的哪些阶段？")
    assert answer.ok, answer.error
    assert answer.tool_calls[0].name == "lifecycle_stages"


def test_errors(engine, tmp_path: Path) -> None:
    from assistant.engine import Engine

    bad = engine.run_tool("lifecycle_stages", {"active_days": 200, "churn_days": 180})
    assert not bad.ok and bad.error["code"] == "bad_arguments"
    late = engine.run_tool("lifecycle_stages", {"as_of": "2030-01-01"})
    assert not late.ok and late.error["code"] == "bad_period"
    nonsense = engine.run_tool("lifecycle_stages", {"as_of": "someday"}, "zh")
    assert not nonsense.ok and nonsense.error["code"] == "bad_period"

    path = dataset_file(tmp_path / "no_orders.duckdb", "CREATE TABLE customers AS SELECT 1 AS customer_id")
    eng = Engine(path)
    try:
        answer = eng.run_tool("lifecycle_stages", {}, "en")
        assert not answer.ok and answer.error["code"] == "missing_table"
        assert "orders" in answer.error["message"]
    finally:
        eng.close()
