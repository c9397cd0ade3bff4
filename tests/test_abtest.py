"""ab_test checked against a pandas computation and textbook formulas (scipy.stats), plus the
planted coupon lift of the demo (control 10% vs treatment 15% repurchase within 30 days)."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from scipy import stats

from data.demo import PLANTED

PAID = ("paid", "refunded")


@pytest.fixture(scope="module")
def assignments(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    copy = tmp_path_factory.mktemp("ab") / "copy.duckdb"
    shutil.copy(demo_db, copy)
    con = duckdb.connect(str(copy), read_only=True)
    frame = con.execute("SELECT * FROM campaign_assignments").df()
    con.close()
    return frame


def reference_per_customer(orders: pd.DataFrame, assignments: pd.DataFrame, window_days: int = 30) -> pd.DataFrame:
    paid = orders[orders["status"].isin(PAID)][["customer_id", "order_time", "pay_amount"]]
    joined = assignments.merge(paid, on="customer_id", how="left")
    end = joined["assigned_at"] + pd.Timedelta(days=window_days)
    inside = (joined["order_time"] >= joined["assigned_at"]) & (joined["order_time"] < end)
    joined["in_window"] = inside
    joined["window_revenue"] = joined["pay_amount"].where(inside, 0.0)
    joined["prior"] = joined["order_time"] < joined["assigned_at"]
    return joined.groupby(["customer_id", "arm"], as_index=False).agg(
        bought=("in_window", "any"), revenue=("window_revenue", "sum"), prior=("prior", "any"))


def textbook_z(x1: int, n1: int, x2: int, n2: int) -> tuple[float, float, float, float]:
    p1, p2 = x1 / n1, x2 / n2
    pooled = (x1 + x2) / (n1 + n2)
    z = (p2 - p1) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    se = math.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
    return z, 2 * stats.norm.sf(abs(z)), p2 - p1 - 1.959964 * se, p2 - p1 + 1.959964 * se


@pytest.mark.parametrize("metric", ["repurchase_rate", "conversion"])
def test_rates_lift_and_p_value_match_reference(engine, raw_tables, assignments, metric) -> None:
    answer = engine.run_tool("ab_test", {"metric": metric})
    assert answer.ok, answer.error
    per = reference_per_customer(raw_tables["orders"], assignments)
    if metric == "repurchase_rate":
        per = per[per["prior"]]
    grouped = per.groupby("arm")["bought"].agg(["sum", "size"])
    arms = answer.table("arms").set_index("arm")
    for arm in ("control", "treatment"):
        assert arms.loc[arm, "converted"] == grouped.loc[arm, "sum"]
        assert arms.loc[arm, "base"] == grouped.loc[arm, "size"]
        assert arms.loc[arm, "rate"] == pytest.approx(grouped.loc[arm, "sum"] / grouped.loc[arm, "size"], abs=1e-6)
    (x1, n1), (x2, n2) = grouped.loc["control"], grouped.loc["treatment"]
    z, p, low, high = textbook_z(int(x1), int(n1), int(x2), int(n2))
    row = answer.table("comparison").iloc[0]
    assert row["arm"] == "treatment" and row["control"] == "control"
    assert row["lift_abs"] == pytest.approx(x2 / n2 - x1 / n1, abs=1e-6)
    assert row["lift_rel"] == pytest.approx((x2 / n2 - x1 / n1) / (x1 / n1), abs=1e-5)
    assert row["statistic"] == pytest.approx(z, abs=1e-3)
    assert row["p_value"] == pytest.approx(p, rel=1e-6)
    assert row["ci_low"] == pytest.approx(low, abs=1e-5) and row["ci_high"] == pytest.approx(high, abs=1e-5)


def test_revenue_per_customer_matches_welch(engine, raw_tables, assignments) -> None:
    answer = engine.run_tool("ab_test", {"metric": "revenue_per_customer"})
    assert answer.ok, answer.error
    per = reference_per_customer(raw_tables["orders"], assignments)
    control = per.loc[per["arm"] == "control", "revenue"].to_numpy()
    treatment = per.loc[per["arm"] == "treatment", "revenue"].to_numpy()
    welch = stats.ttest_ind(treatment, control, equal_var=False)
    arms = answer.table("arms").set_index("arm")
    assert arms.loc["control", "revenue_per_customer"] == pytest.approx(control.mean(), abs=1e-3)
    assert arms.loc["treatment", "revenue"] == pytest.approx(treatment.sum(), abs=0.01)
    row = answer.table("comparison").iloc[0]
    assert row["lift_abs"] == pytest.approx(treatment.mean() - control.mean(), abs=1e-3)
    assert row["statistic"] == pytest.approx(welch.statistic, abs=1e-3)
    assert row["p_value"] == pytest.approx(welch.pvalue, rel=1e-4)
    ci = welch.confidence_interval(0.95)
    assert row["ci_low"] == pytest.approx(ci.low, abs=1e-3) and row["ci_high"] == pytest.approx(ci.high, abs=1e-3)
    assert np.isfinite(row["mde_80"]) and row["mde_80"] > 0


def test_recovers_the_planted_coupon_lift(engine) -> None:
    planted = PLANTED["coupon_lift"]
    answer = engine.run_tool("ab_test", {})  # defaults: the only campaign, 30 days, repurchase
    assert answer.ok, answer.error
    assert answer.tool_calls[0].args == {}
    arms = answer.table("arms").set_index("arm")
    assert arms.loc["control", "rate"] == pytest.approx(planted["control"], abs=0.02)
    assert arms.loc["treatment", "rate"] == pytest.approx(planted["treatment"], abs=0.025)
    row = answer.table("comparison").iloc[0]
    assert row["verdict"] == "significant_lift" and row["p_value"] < 0.01
    assert row["ci_low"] < planted["treatment"] - planted["control"] < row["ci_high"]
    assert not row["underpowered"] and not row["few_buyers"]


def test_answers_cite_the_numbers_in_both_languages(engine) -> None:
    for lang, verdict in (("zh", "显著提升"), ("en", "significant lift")):
        answer = engine.run_tool("ab_test", {}, lang)
        assert answer.ok, answer.error
        arms = answer.table("arms").set_index("arm")
        row = answer.table("comparison").iloc[0]
        assert PLANTED["coupon_lift"]["campaign_id"] in answer.answer
        for arm in ("control", "treatment"):
            assert f"{arms.loc[arm, 'rate'] * 100:.1f}%" in answer.answer
        assert f"{row['lift_abs'] * 100:+.1f}" in answer.answer
        assert verdict in answer.answer
        assert "p < 0.001" in answer.answer or f"p = {row['p_value']:.3f}" in answer.answer
        assert answer.recommendations and answer.charts[0].kind == "bar"
        answer.figures()


def test_routed_questions(engine) -> None:
    for question in ("上次发券的A/B测试效果显著吗？", "Did the coupon campaign lift repurchase?"):
        answer = engine.ask(question)
        assert answer.ok, answer.error
        assert answer.tool_calls[0].name == "ab_test"


def _small_dataset(path: Path, with_assignments: bool = True) -> None:
    """Two campaigns of 20 customers per arm; the newer one has 3 vs 4 buyers: not significant."""
    con = duckdb.connect(str(path))
    con.execute("""CREATE TABLE orders AS
        SELECT i AS order_id, i AS customer_id, TIMESTAMP '2026-03-05 12:00:00' AS order_time,
          'paid' AS status, 50.0 AS pay_amount
        FROM range(1, 41) t(i) WHERE i IN (1, 3, 5, 2, 4, 6, 8)""")
    if with_assignments:
        con.execute("""CREATE TABLE campaign_assignments AS
            SELECT 'spring_2026' AS campaign_id, i AS customer_id,
              CASE WHEN i % 2 = 1 THEN 'control' ELSE 'treatment' END AS arm,
              TIMESTAMP '2026-03-01 10:00:00' AS assigned_at, 0.0 AS coupon_value
            FROM range(1, 41) t(i)
            UNION ALL
            SELECT 'old_2025', i, CASE WHEN i % 2 = 1 THEN 'control' ELSE 'treatment' END,
              TIMESTAMP '2025-03-01 10:00:00', 0.0 FROM range(1, 41) t(i)""")
    con.close()


def test_small_campaign_is_not_significant_and_warns(tmp_path: Path) -> None:
    from assistant.engine import Engine

    path = tmp_path / "small.duckdb"
    _small_dataset(path)
    eng = Engine(path)
    try:
        cases = (("zh", "差异不显著", "样本量提醒"), ("en", "not significant", "Sample-size warning"))
        for lang, verdict, warning in cases:
            answer = eng.run_tool("ab_test", {"metric": "conversion"}, lang)
            assert answer.ok, answer.error
            assert "spring_2026" in answer.answer  # the latest campaign by default
            row = answer.table("comparison").iloc[0]
            assert (row["control_value"], row["arm_value"]) == (0.15, 0.2)
            assert row["verdict"] == "not_significant" and row["few_buyers"] and row["underpowered"]
            assert verdict in answer.answer and warning in answer.answer
        old = eng.run_tool("ab_test", {"campaign_id": "OLD_2025", "metric": "conversion"})
        assert old.ok and (old.table("arms")["buyers"] == 0).all()
        unknown = eng.run_tool("ab_test", {"campaign_id": "nope_1"})
        assert not unknown.ok and unknown.error["code"] == "unknown_campaign"
        assert "spring_2026" in unknown.error["message"]
        bad = eng.run_tool("ab_test", {"metric": "ctr"})
        assert not bad.ok and bad.error["code"] == "bad_arguments"
    finally:
        eng.close()


def test_dataset_without_assignments_names_the_table(tmp_path: Path) -> None:
    from assistant.engine import Engine

    path = tmp_path / "no_ab.duckdb"
    _small_dataset(path, with_assignments=False)
    eng = Engine(path)
    try:
        for lang in ("en", "zh"):
            answer = eng.run_tool("ab_test", {}, lang)
            assert not answer.ok and answer.error["code"] == "missing_table"
            assert "campaign_assignments" in answer.error["message"]
    finally:
        eng.close()
