"""customer_clusters: features and k-means checked against an independent pandas + scikit-learn run,
the planted customer types recovered, names unique and deterministic, bilingual answers, edge cases."""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score, silhouette_score
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from tools import fit_cache, fmt
from tools.clusters import assign_clusters
from tools.context import Context

FEATURES = ["recency_days", "tenure_days", "frequency", "monetary", "coupon_share", "promo_share"]


def reference_features(orders: pd.DataFrame) -> pd.DataFrame:
    """The default clustering features written out in pandas (paid orders, like RFM)."""
    as_of = orders["order_time"].max().normalize() + pd.Timedelta(days=1)
    paid = orders[orders["status"] == "paid"].copy()
    day = paid["order_time"].dt.normalize()
    month, dom = paid["order_time"].dt.month, paid["order_time"].dt.day
    paid["promo"] = ((month == 6) & (dom <= 18)) | ((month == 11) & (dom <= 11))
    paid["coupon"] = paid["coupon_amount"].fillna(0) > 0
    paid["day"] = day
    per = paid.groupby("customer_id").agg(
        first=("day", "min"), last=("day", "max"), frequency=("order_id", "size"),
        monetary=("pay_amount", "sum"), promo=("promo", "sum"), coupon=("coupon", "sum"),
    )
    per["recency_days"] = (as_of - per["last"]).dt.days
    per["tenure_days"] = (per["last"] - per["first"]).dt.days
    for name, count in (("promo_share", "promo"), ("coupon_share", "coupon")):
        prior = per[count].sum() / per["frequency"].sum()
        per[name] = (per[count] + 2 * prior) / (per["frequency"] + 2)  # 2 pseudo-orders at the overall rate
    return per.sort_index()


def reference_matrix(per: pd.DataFrame) -> np.ndarray:
    raw = per[FEATURES].astype(float).copy()
    for column in ("tenure_days", "frequency", "monetary"):
        raw[column] = np.log1p(raw[column])
    return StandardScaler().fit_transform(raw.to_numpy())


@pytest.fixture(scope="module")
def reference(raw_tables) -> tuple[pd.DataFrame, np.ndarray]:
    per = reference_features(raw_tables["orders"])
    return per, reference_matrix(per)


@pytest.fixture(scope="module")
def k4(engine) -> tuple[pd.DataFrame, pd.DataFrame, object]:
    return assign_clusters(Context(engine.warehouse, "en"), k=4)


@pytest.fixture(scope="module")
def planted_types(demo_truth) -> pd.DataFrame:
    return demo_truth.customer_types


def test_features_and_partition_match_independent_sklearn(k4, reference) -> None:
    frame, _, info = k4
    per, x = reference
    ours = frame.set_index("customer_id").sort_index()
    assert list(ours.index) == list(per.index)
    for column in FEATURES:
        np.testing.assert_allclose(ours[column].astype(float), per[column].astype(float), atol=0.006,
                                   err_msg=column)
    with threadpool_limits(limits=1):
        labels = KMeans(n_clusters=4, n_init=10, random_state=0).fit_predict(x)
    assert adjusted_rand_score(labels, ours["cluster"]) > 0.999
    expected = silhouette_score(x, labels, sample_size=4000, random_state=0)
    assert info.silhouette == pytest.approx(expected, abs=2e-3)


def test_planted_types_recovered_with_k4(k4, planted_types) -> None:
    frame, _, info = k4
    merged = frame.merge(planted_types, on="customer_id")
    ari = adjusted_rand_score(merged["latent_type"], merged["cluster"])
    assert ari >= 0.65, ari  # measured 0.74 on the default demo
    majority = merged.groupby("latent_type")["cluster"].agg(lambda s: s.value_counts().idxmax())
    assert majority.nunique() == 4  # each planted type has its own cluster
    for latent, words in (("one_timer", ("one-time", "一次性")), ("bargain_hunter", ("promo", "大促")),
                          ("loyal", ("frequent", "高频"))):
        zh, en = info.names[int(majority[latent])]
        assert words[0] in en and words[1] in zh, (latent, zh, en)


def test_names_unique_and_deterministic(engine, k4) -> None:
    _, _, info = k4
    fit_cache.clear()  # refit from scratch, not from the cache
    again = assign_clusters(Context(engine.warehouse, "zh"), k=4)[2]
    assert again.names == info.names
    for pick in (0, 1):
        names = [n[pick] for n in info.names.values()]
        assert len(set(names)) == len(names)


@pytest.mark.parametrize("language", ["zh", "en"])
def test_answer_cites_k_silhouette_and_sizes(engine, language) -> None:
    answer = engine.run_tool("customer_clusters", {"k": 4}, language)
    assert answer.ok, answer.error
    table = answer.table("clusters")
    assert len(table) == 4 and table["customers"].sum() > 15_000
    assert "k=4" in answer.answer
    sil = answer.table("silhouette")
    assert f"{sil['silhouette'].iloc[0]:.3f}" in answer.answer
    for row in table.itertuples():
        assert fmt.number(row.customers, language) in answer.answer
        assert row.name in answer.answer
    customers = answer.table("customers")
    assert list(customers.columns) == ["customer_id", "cluster", "name"]
    assert len(customers) <= 5000
    assert len(answer.recommendations) == 4


def test_k_chosen_by_silhouette(engine) -> None:
    answer = engine.run_tool("customer_clusters", {"max_k": 6})
    assert answer.ok, answer.error
    sil = answer.table("silhouette")
    assert list(sil["k"]) == [2, 3, 4, 5, 6]
    best = int(sil.loc[sil["silhouette"].idxmax(), "k"])
    assert len(answer.table("clusters")) == best
    assert f"k={best}" in answer.answer


def _small_db(path: Path, customers: int, with_coupon: bool = False) -> Path:
    con = duckdb.connect(str(path))
    coupon = ", CASE WHEN i % 3 = 0 THEN 5.0 ELSE 0.0 END AS coupon_amount" if with_coupon else ""
    con.execute(f"""CREATE TABLE orders AS
        SELECT i AS order_id, 1000 + i % {customers} AS customer_id,
          TIMESTAMP '2025-01-01 10:00' + INTERVAL (i * 37 % 400) DAY AS order_time,
          'paid' AS status, 20.0 + (i * 13) % 300 AS pay_amount{coupon}
        FROM range({customers * 3}) t(i)""")
    con.close()
    return path


def test_edge_cases(tmp_path: Path) -> None:
    from assistant.engine import Engine

    with Engine(_small_db(tmp_path / "tiny.duckdb", 5)) as eng:
        assert eng.run_tool("customer_clusters", {}).error["code"] == "too_little_data"
    with Engine(_small_db(tmp_path / "plain.duckdb", 80)) as eng:
        plain = eng.run_tool("customer_clusters", {"k": 3}, "zh")
        assert plain.ok, plain.error  # no coupons, items or products: clusters on what exists
        assert "coupon_share" not in plain.table("clusters").columns
        assert eng.run_tool("customer_clusters", {"features": ["coupon_share", "frequency"]}).error["code"] \
            == "missing_column"
        assert eng.run_tool("customer_clusters", {"k": 1}).error["code"] == "bad_arguments"
        assert eng.run_tool("customer_clusters", {"features": ["nonsense"]}).error["code"] == "bad_arguments"
    con = duckdb.connect(str(tmp_path / "none.duckdb"))
    con.execute("CREATE TABLE customers (customer_id BIGINT)")
    con.close()
    with Engine(tmp_path / "none.duckdb") as eng:
        assert eng.run_tool("customer_clusters", {}).error["code"] == "missing_table"
