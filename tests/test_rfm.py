"""RFM segments checked customer by customer against an independent pandas implementation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

# The 10-segment R/F map, written out here independently of data/segments.yaml.
RF_MAP = {
    (5, 4): "champions", (5, 5): "champions",
    (3, 4): "loyal_customers", (3, 5): "loyal_customers", (4, 4): "loyal_customers", (4, 5): "loyal_customers",
    (4, 2): "potential_loyalists", (4, 3): "potential_loyalists", (5, 2): "potential_loyalists",
    (5, 3): "potential_loyalists",
    (5, 1): "new_customers", (4, 1): "promising", (3, 3): "need_attention",
    (3, 1): "about_to_sleep", (3, 2): "about_to_sleep",
    (1, 3): "at_risk", (1, 4): "at_risk", (2, 3): "at_risk", (2, 4): "at_risk",
    (1, 5): "cant_lose", (2, 5): "cant_lose",
    (1, 1): "hibernating", (1, 2): "hibernating", (2, 1): "hibernating", (2, 2): "hibernating",
}
CN8 = {
    (True, True, True): "important_value", (True, False, True): "important_development",
    (False, True, True): "important_retention", (False, False, True): "important_winback",
    (True, True, False): "general_value", (True, False, False): "general_development",
    (False, True, False): "general_retention", (False, False, False): "general_winback",
}


def reference_rfm(orders: pd.DataFrame) -> pd.DataFrame:
    as_of = orders["order_time"].max().normalize() + pd.Timedelta(days=1)
    done = orders[orders["status"] == "paid"]
    per = done.groupby("customer_id").agg(
        last=("order_time", "max"), frequency=("order_id", "size"), monetary=("pay_amount", "sum")
    )
    per["monetary"] = per["monetary"].round(2)
    per["recency_days"] = (as_of - per["last"].dt.normalize()).dt.days
    n = len(per)

    def score(values: pd.Series, ascending: bool) -> pd.Series:
        rank = values.rank(method="min", ascending=ascending).astype(int)
        return np.minimum(5, 1 + (5 * (rank - 1)) // max(n - 1, 1))

    per["r_score"] = score(per["recency_days"], ascending=False)
    per["f_score"] = score(per["frequency"], ascending=True)
    per["m_score"] = score(per["monetary"], ascending=True)
    per["segment"] = [RF_MAP[(r, f)] for r, f in zip(per["r_score"], per["f_score"])]
    return per


def test_every_customer_matches_reference(engine, raw_tables) -> None:
    answer = engine.run_tool("rfm_segments", {})
    assert answer.ok, answer.error
    ours = answer.table("customers").set_index("customer_id").sort_index()
    ref = reference_rfm(raw_tables["orders"]).sort_index()
    assert list(ours.index) == list(ref.index)
    for column in ["recency_days", "frequency", "r_score", "f_score", "m_score", "segment"]:
        mismatched = (ours[column].to_numpy() != ref[column].to_numpy()).sum()
        assert mismatched == 0, f"{column}: {mismatched} customers differ"
    np.testing.assert_allclose(ours["monetary"], ref["monetary"], atol=0.005)


def test_segment_sizes_sum_to_buying_customers(engine, raw_tables) -> None:
    segments = engine.run_tool("rfm_segments", {}).table("segments")
    orders = raw_tables["orders"]
    buyers = orders.loc[orders["status"] == "paid", "customer_id"].nunique()
    assert segments["customers"].sum() == buyers
    assert len(segments) == 10
    assert segments["share"].sum() == pytest.approx(1, abs=1e-3)
    assert segments["revenue_share"].sum() == pytest.approx(1, abs=1e-3)
    ref = reference_rfm(orders)["segment"].value_counts()
    for row in segments.itertuples():
        assert row.customers == ref.get(row.segment, 0)


@pytest.mark.parametrize("threshold", ["mean", "median"])
def test_cn8_matches_reference(engine, raw_tables, threshold) -> None:
    answer = engine.run_tool("rfm_segments", {"scheme": "cn8", "threshold": threshold})
    assert answer.ok, answer.error
    ours = answer.table("customers").set_index("customer_id").sort_index()
    ref = reference_rfm(raw_tables["orders"]).sort_index()
    center = (lambda s: s.mean()) if threshold == "mean" else (lambda s: s.median())
    r_high = ref["recency_days"] < center(ref["recency_days"])
    f_high = ref["frequency"] > center(ref["frequency"])
    m_high = ref["monetary"] > center(ref["monetary"])
    expected = [CN8[key] for key in zip(r_high, f_high, m_high)]
    assert (ours["segment"].to_numpy() == np.array(expected)).all()
    assert answer.table("segments")["customers"].sum() == len(ref)


def test_period_limits_orders(engine, raw_tables) -> None:
    answer = engine.run_tool("rfm_segments", {"period": "last_90_days"})
    orders = raw_tables["orders"]
    cutoff = orders["order_time"].max().normalize() - pd.Timedelta(days=89)
    recent = orders[(orders["status"] == "paid") & (orders["order_time"] >= cutoff)]
    assert answer.table("segments")["customers"].sum() == recent["customer_id"].nunique()


def test_answer_cites_numbers_in_both_languages(engine) -> None:
    zh = engine.run_tool("rfm_segments", {}, "zh")
    en = engine.run_tool("rfm_segments", {}, "en")
    segments = en.table("segments")
    total = int(segments["customers"].sum())
    assert f"{total:,}" in en.answer
    assert "冠军客户" in zh.answer or "忠诚客户" in zh.answer
    richest = segments.loc[segments["revenue"].idxmax()]
    assert richest["name"] in en.answer
    assert len(en.recommendations) >= 2
    assert any(f"{richest['customers']:,}" in r for r in en.recommendations)


def test_unknown_period_is_explained(engine) -> None:
    answer = engine.run_tool("rfm_segments", {"period": "next_century"})
    assert answer.error["code"] == "bad_period"
