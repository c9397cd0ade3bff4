"""churn_risk: features and labels vs pandas, AUC vs an independent rank formula, the planted lapsing
customers among the riskiest, the BG/NBD fallback without events, and the error cases."""

from __future__ import annotations

import shutil
import time
from datetime import date, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from tests.conftest import dataset_file
from tools import fmt
from tools.churn import features_sql

H = 90


@pytest.fixture(scope="module")
def result_en(engine):
    began = time.perf_counter()
    answer = engine.run_tool("churn_risk", {"limit": 500}, "en")
    answer.seconds = time.perf_counter() - began
    assert answer.ok, answer.error
    return answer


@pytest.fixture(scope="module")
def anchor(raw_tables) -> date:
    return raw_tables["orders"]["order_time"].max().date()


@pytest.fixture(scope="module")
def copy_db(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("churn") / "copy.duckdb"
    shutil.copy(demo_db, path)
    return path


def _pandas_features(orders: pd.DataFrame, cutoff: date, horizon: int) -> pd.DataFrame:
    """The same definitions, written independently in pandas."""
    paid = orders[orders["status"].isin(["paid", "refunded"])].copy()
    paid["day"] = paid["order_time"].dt.normalize()
    paid["refunded"] = (paid["status"] == "refunded").astype(float)
    c = pd.Timestamp(cutoff)
    before = paid[paid["day"] <= c]
    after = paid[(paid["day"] > c) & (paid["day"] <= c + pd.Timedelta(days=horizon))]
    g = before.groupby("customer_id")
    out = pd.DataFrame({
        "recency_days": (c - g["day"].max()).dt.days,
        "tenure_days": (c - g["day"].min()).dt.days,
        "orders": g.size(),
        "spend": g["pay_amount"].sum(),
        "orders_90d": before[before["day"] > c - pd.Timedelta(days=90)].groupby("customer_id").size(),
        "orders_prev_90d": before[(before["day"] > c - pd.Timedelta(days=180))
                                  & (before["day"] <= c - pd.Timedelta(days=90))].groupby("customer_id").size(),
        "refund_share": g["refunded"].mean(),
        "distinct_days": g["day"].nunique(),
    })
    out[["orders_90d", "orders_prev_90d"]] = out[["orders_90d", "orders_prev_90d"]].fillna(0)
    span = (g["day"].max() - g["day"].min()).dt.days
    out["avg_gap_days"] = (span / (out["distinct_days"] - 1)).where(out["distinct_days"] > 1)
    out["churned"] = (~out.index.isin(after["customer_id"])).astype(int)
    return out


def test_features_and_labels_match_pandas(engine, raw_tables, anchor, copy_db):
    cutoff = anchor - timedelta(days=H)
    ours = engine.warehouse.df(features_sql(cutoff, H, True)).set_index("customer_id")
    expected = _pandas_features(raw_tables["orders"], cutoff, H)
    assert set(ours.index) == set(expected.index)
    sample = expected.sample(300, random_state=1).index
    for column in ("recency_days", "tenure_days", "orders", "orders_90d", "orders_prev_90d", "churned"):
        assert (ours.loc[sample, column].astype(int) == expected.loc[sample, column].astype(int)).all(), column
    np.testing.assert_allclose(ours.loc[sample, "spend"], expected.loc[sample, "spend"], atol=0.01)
    np.testing.assert_allclose(ours.loc[sample, "refund_share"], expected.loc[sample, "refund_share"])
    np.testing.assert_allclose(ours.loc[sample, "avg_gap_days"].astype(float),
                               expected.loc[sample, "avg_gap_days"].astype(float))
    assert ours["churned"].mean() == pytest.approx(expected["churned"].mean())

    # Engagement: live-room entries / clicks / carts in the 30 and 90 days up to the cutoff.
    con = duckdb.connect(str(copy_db), read_only=True)
    ids = ", ".join(str(i) for i in sample)
    events = con.execute(f"SELECT customer_id, event_type, event_time FROM events WHERE customer_id IN ({ids}) "
                         "AND event_type IN ('enter_live', 'product_click', 'add_to_cart')").df()
    con.close()
    day = events["event_time"].dt.normalize()
    c = pd.Timestamp(cutoff)
    for etype, name in (("enter_live", "entries"), ("product_click", "clicks"), ("add_to_cart", "carts")):
        for days in (30, 90):
            mask = (events["event_type"] == etype) & (day <= c) & (day > c - pd.Timedelta(days=days))
            counts = events[mask].groupby("customer_id").size().reindex(sample, fill_value=0)
            assert (ours.loc[sample, f"{name}_{days}d"].to_numpy() == counts.to_numpy()).all(), (name, days)


def test_validation_auc_is_honest(result_en, raw_tables, anchor):
    validation = result_en.table("validation").iloc[0]
    predictions = result_en.table("validation_predictions")
    expected = _pandas_features(raw_tables["orders"], anchor - timedelta(days=H), H)
    assert validation["n"] == len(expected) == len(predictions)
    assert validation["base_rate"] == pytest.approx(expected["churned"].mean(), abs=1e-4)
    train = _pandas_features(raw_tables["orders"], anchor - timedelta(days=2 * H), H)
    assert validation["train_base_rate"] == pytest.approx(train["churned"].mean(), abs=1e-4)
    labels = expected["churned"].reindex(predictions["customer_id"]).to_numpy()
    assert (predictions["churned"].to_numpy() == labels).all()
    # Mann-Whitney: AUC = (rank sum of positives - n1(n1+1)/2) / (n1 n0), ties given mid-ranks.
    ranks = predictions["churn_probability"].rank(method="average").to_numpy()
    n1, n0 = labels.sum(), (1 - labels).sum()
    auc = (ranks[labels == 1].sum() - n1 * (n1 + 1) / 2) / (n1 * n0)
    assert validation["auc"] == pytest.approx(auc, abs=1e-4)
    assert auc == pytest.approx(roc_auc_score(labels, predictions["churn_probability"]), abs=1e-9)
    assert validation["auc"] > 0.85
    assert validation["brier"] < 0.15
    calibration = result_en.table("calibration")
    assert len(calibration) == 10 and calibration["customers"].sum() == validation["n"]
    # Observed churn rises with the predicted decile.
    assert calibration["observed"].iloc[-1] > calibration["observed"].iloc[0] + 0.5


@pytest.fixture(scope="module")
def planted_types(demo_truth) -> pd.DataFrame:
    return demo_truth.customer_types


def test_lapsing_customers_dominate_the_riskiest(result_en, planted_types, raw_tables):
    riskiest = result_en.table("riskiest")
    assert len(riskiest) == 500
    buyers = raw_tables["orders"].loc[raw_tables["orders"]["status"].isin(["paid", "refunded"]), "customer_id"]
    types = planted_types[planted_types["customer_id"].isin(buyers)].set_index("customer_id")["latent_type"]
    base_share = (types == "lapsing").mean()
    top_share = (types.reindex(riskiest["customer_id"]) == "lapsing").mean()
    print(f"lapsing share: top-500 {top_share:.1%} vs base {base_share:.1%}")
    assert top_share > 2 * base_share and top_share > 0.6
    assert (types.reindex(riskiest["customer_id"]) == "loyal").sum() == 0
    assert riskiest["churn_probability"].is_monotonic_decreasing
    assert riskiest["reasons"].str.len().gt(0).all()
    assert {"customer_id", "churn_probability", "p_alive", "last_purchase", "orders", "spend",
            "rfm_segment"} <= set(riskiest.columns)


def test_bands_and_speed(result_en, raw_tables):
    bands = result_en.table("risk_bands")
    buyers = raw_tables["orders"].loc[raw_tables["orders"]["status"].isin(["paid", "refunded"]), "customer_id"]
    assert bands["customers"].sum() == buyers.nunique()
    assert list(bands["band"]) == ["high", "medium", "low"]
    assert (bands["already_lapsed"] + bands["recent"] == bands["customers"]).all()
    assert result_en.seconds < 15  # ~1.5 s alone on the demo; slack for a busy machine


def test_answers_cite_auc_and_counts(engine, result_en):
    zh = engine.run_tool("churn_risk", {}, "zh")
    assert zh.ok, zh.error
    for answer, lang in ((result_en, "en"), (zh, "zh")):
        validation = answer.table("validation").iloc[0]
        high = answer.table("risk_bands").iloc[0]
        assert "AUC" in answer.answer and f"{validation['auc']:.3f}" in answer.answer
        assert fmt.number(high["customers"], lang) in answer.answer
        assert fmt.number(answer.table("risk_bands")["customers"].sum(), lang) in answer.answer
        assert fmt.percent(validation["base_rate"]) in answer.answer
        assert any("segment_strategy" in r for r in answer.recommendations)
    assert "流失" in zh.answer and len(zh.table("riskiest")) == 20
    assert any("\u4e00" <= ch <= "\u9fff" for ch in zh.table("riskiest")["reasons"].iloc[0])


def test_segment_filter(engine):
    answer = engine.run_tool("churn_risk", {"segment": "at_risk", "limit": 30}, "en")
    assert answer.ok, answer.error
    assert (answer.table("riskiest")["rfm_segment"] == "at_risk").all()
    shorter = engine.run_tool("churn_risk", {"horizon_days": 60, "limit": 5}, "en")
    assert shorter.ok and shorter.table("validation").iloc[0]["horizon_days"] == 60
    assert "60 days" in shorter.answer
    bad = engine.run_tool("churn_risk", {"segment": "no such group"}, "en")
    assert bad.error["code"] == "unknown_segment"


def test_without_events_falls_back_to_p_alive(copy_db, tmp_path, raw_tables, anchor):
    from assistant.engine import Engine

    path = dataset_file(tmp_path / "no_events.duckdb", "DROP TABLE events", source=copy_db)
    eng = Engine(path)
    try:
        en = eng.run_tool("churn_risk", {}, "en")
        zh = eng.run_tool("churn_risk", {}, "zh")
    finally:
        eng.close()
    assert en.ok and zh.ok, (en.error, zh.error)
    validation = en.table("validation").iloc[0]
    assert validation["method"] == "bgnbd"
    assert "P(alive)" in en.answer and "no events table" in en.answer and "1 − P(alive)" in en.answer
    assert "P(alive)" in zh.answer and "事件表" in zh.answer
    predictions = en.table("validation_predictions")
    auc = roc_auc_score(predictions["churned"], predictions["churn_probability"])
    assert validation["auc"] == pytest.approx(auc, abs=1e-4)
    assert f"{validation['auc']:.3f}" in en.answer
    assert validation["auc_repeat_buyers"] > 0.8  # one-time buyers are P(alive) = 1 by construction
    riskiest = en.table("riskiest")
    np.testing.assert_allclose(riskiest["churn_probability"], 1 - riskiest["p_alive"], atol=1e-3)


def _tiny_db(path: Path, days: int) -> Path:
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE orders (order_id BIGINT, customer_id BIGINT, order_time TIMESTAMP, "
                "status VARCHAR, pay_amount DOUBLE)")
    rows = [(i, 1 + i % 50, pd.Timestamp("2026-01-01") + pd.Timedelta(days=i % days), "paid", 10.0)
            for i in range(400)]
    con.executemany("INSERT INTO orders VALUES (?, ?, ?, ?, ?)", rows)
    con.close()
    return path


def test_errors(tmp_path, engine):
    from assistant.engine import Engine

    eng = Engine(_tiny_db(tmp_path / "short.duckdb", 60))
    try:
        short = eng.run_tool("churn_risk", {}, "en")
        zh = eng.run_tool("churn_risk", {}, "zh")
    finally:
        eng.close()
    assert short.error["code"] == "not_enough_history" and "horizon_days" in short.error["message"]
    assert "历史数据不足" in zh.error["message"]

    con = duckdb.connect(str(tmp_path / "empty.duckdb"))
    con.execute("CREATE TABLE customers (customer_id BIGINT)")
    con.close()
    eng = Engine(tmp_path / "empty.duckdb")
    try:
        assert eng.run_tool("churn_risk", {}, "en").error["code"] == "missing_table"
    finally:
        eng.close()
    assert engine.run_tool("churn_risk", {"horizon_days": 5}, "en").error["code"] == "bad_arguments"
    assert engine.run_tool("churn_risk", {"limit": 0}, "en").error["code"] == "bad_arguments"
