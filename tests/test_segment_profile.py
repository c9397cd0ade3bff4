"""segment_profile: trait shares and indexes against pandas groupbys, the planted bargain hunters'
traits surfacing, bilingual answers, clusters by number or name, missing demographics, errors."""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from tests.test_rfm import reference_rfm
from tools import fmt
from tools.clusters import assign_clusters
from tools.context import Context


@pytest.fixture(scope="module")
def hibernating(engine):
    answer = engine.run_tool("segment_profile", {"segment": "沉睡客户"}, "zh")
    assert answer.ok, answer.error
    return answer


def _shares(frame: pd.DataFrame, key: str, weight: str | None, members: set[int]) -> pd.DataFrame:
    def share(part: pd.DataFrame) -> pd.Series:
        totals = part.groupby(key)[weight].sum() if weight else part.groupby(key).size()
        return totals / totals.sum()

    seg = share(frame[frame["customer_id"].isin(members)])
    overall = share(frame)
    return pd.DataFrame({"segment_share": seg, "overall_share": overall}).fillna(0)


def test_shares_match_pandas_groupby(hibernating, raw_tables) -> None:
    rfm = reference_rfm(raw_tables["orders"])
    members = set(rfm.index[rfm["segment"] == "hibernating"])
    buyers = set(rfm.index)
    traits = hibernating.table("traits")
    assert hibernating.tool_calls[0].args == {"segment": "沉睡客户"}
    customers = raw_tables["customers"][raw_tables["customers"]["customer_id"].isin(buyers)]
    paid = raw_tables["orders"][raw_tables["orders"]["status"] == "paid"]
    lines = raw_tables["order_items"].merge(paid[["order_id", "customer_id"]], on="order_id")
    lines = lines.merge(raw_tables["products"], on="product_id")
    lines["band"] = pd.cut(lines["unit_price"], [-np.inf, 50, 100, 200, 500, np.inf], right=False,
                           labels=["<50", "50-100", "100-200", "200-500", "500+"]).astype(str)
    checks = {
        "gender": _shares(customers, "gender", None, members),
        "province": _shares(customers, "province", None, members),
        "category": _shares(lines, "category", "pay_amount", members),
        "price_band": _shares(lines, "band", None, members),
        "source": _shares(paid.assign(source=paid["source"].astype(str)), "source", None, members),
    }
    for trait, expected in checks.items():
        ours = traits[traits["trait"] == trait].set_index("value")
        assert set(ours.index) == set(expected.index), trait
        for column in ("segment_share", "overall_share"):
            np.testing.assert_allclose(ours.loc[expected.index, column], expected[column], atol=6e-5,
                                       err_msg=f"{trait} {column}")
        index = expected["segment_share"] / expected["overall_share"] * 100
        np.testing.assert_allclose(ours.loc[expected.index, "index"], index, atol=0.06, err_msg=trait)


def test_answer_cites_size_and_top_traits(hibernating, engine) -> None:
    top = hibernating.table("distinctive")
    assert 3 <= len(top) <= 5
    assert (top["segment_share"] >= 0.05).all()
    size = hibernating.table("traits").query("trait == 'gender'")["segment_value"].sum()
    assert fmt.number(size, "zh") in hibernating.answer
    assert "沉睡客户" in hibernating.answer
    for row in top.itertuples():
        assert f"{row.index:.0f}" in hibernating.answer and fmt.percent(row.segment_share) in hibernating.answer
    english = engine.run_tool("segment_profile", {"segment": "hibernating"}, "en")
    assert english.ok, english.error
    assert "Hibernating" in english.answer and "index" in english.answer
    pd.testing.assert_frame_equal(english.table("traits")[["trait", "value", "index"]],
                                  hibernating.table("traits")[["trait", "value", "index"]])


@pytest.fixture(scope="module")
def planted_types(demo_truth) -> pd.DataFrame:
    return demo_truth.customer_types


def test_bargain_hunter_cluster_over_indexes_on_coupons_promos_and_low_prices(engine, planted_types) -> None:
    frame, _, info = assign_clusters(Context(engine.warehouse, "en"))
    merged = frame.merge(planted_types, on="customer_id")
    cluster = int(merged[merged["latent_type"] == "bargain_hunter"]["cluster"].value_counts().idxmax())
    en = engine.run_tool("segment_profile", {"segment": str(cluster), "scheme": "cluster"}, "en")
    zh = engine.run_tool("segment_profile", {"segment": f"聚类{cluster}"}, "zh")
    assert en.ok and zh.ok, (en.error, zh.error)
    top = en.table("distinctive").set_index(["trait", "value"])
    assert ("coupon", "with_coupon") in top.index and ("promo", "in_promo") in top.index
    assert top.loc[("coupon", "with_coupon"), "index"] > 150
    traits = en.table("traits").set_index(["trait", "value"])
    assert traits.loc[("price_band", "<50"), "index"] > 110
    assert "with a coupon" in en.answer and "during 618/双11" in en.answer
    assert "用券" in zh.answer and "618/双11 期间" in zh.answer
    assert info.names[cluster][0] in zh.answer and info.names[cluster][1] in en.answer
    pd.testing.assert_frame_equal(zh.table("traits")[["trait", "value", "index"]],
                                  en.table("traits")[["trait", "value", "index"]])


def test_cluster_by_name_and_default_segment(engine) -> None:
    _, _, info = assign_clusters(Context(engine.warehouse, "en"))
    by_name = engine.run_tool("segment_profile", {"segment": info.names[1][1], "scheme": "cluster"})
    by_number = engine.run_tool("segment_profile", {"segment": "cluster 1"})
    assert by_name.ok and by_number.ok, (by_name.error, by_number.error)
    assert by_name.table("traits").equals(by_number.table("traits"))
    default = engine.run_tool("segment_profile", {}, "zh")
    assert default.ok, default.error
    assert "收入贡献最大" in default.answer and "冠军客户" in default.answer


def test_unknown_segment_and_missing_orders(engine, tmp_path: Path) -> None:
    from assistant.engine import Engine

    for args in ({"segment": "martians"}, {"segment": "cluster 99"}, {"segment": "x", "scheme": "cluster"}):
        answer = engine.run_tool("segment_profile", args)
        assert answer.error["code"] == "unknown_segment", args
    con = duckdb.connect(str(tmp_path / "none.duckdb"))
    con.execute("CREATE TABLE customers (customer_id BIGINT)")
    con.close()
    with Engine(tmp_path / "none.duckdb") as eng:
        assert eng.run_tool("segment_profile", {}).error["code"] == "missing_table"


def test_dataset_without_demographics(tmp_path: Path) -> None:
    from assistant.engine import Engine

    path = tmp_path / "orders_only.duckdb"
    con = duckdb.connect(str(path))
    con.execute("""CREATE TABLE orders AS
        SELECT i AS order_id, 1000 + i % 200 AS customer_id,
          TIMESTAMP '2025-01-01 10:00' + INTERVAL (i * 37 % 400) DAY + INTERVAL (i % 24) HOUR AS order_time,
          'paid' AS status, 20.0 + (i * 13) % 300 AS pay_amount
        FROM range(900) t(i)""")
    con.close()
    with Engine(path) as eng:
        for language, word in (("en", "gender"), ("zh", "性别")):
            answer = eng.run_tool("segment_profile", {"segment": "hibernating"}, language)
            assert answer.ok, answer.error
            assert word in answer.answer  # named as unavailable
        traits = answer.table("traits")
        assert set(traits["trait"]) == {"hour_band", "promo"}
