"""customer_profile: one customer's page agrees with pandas and with every tool it draws on."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from assistant.engine import Engine
from tests.test_rfm import reference_rfm
from tools import fmt
from tools.churn import BANDS

PAID = ("paid", "refunded")


def facts(answer) -> dict[str, str]:  # noqa: ANN001
    table = answer.table("profile")
    return dict(zip(table.iloc[:, 0], table.iloc[:, 1]))


@pytest.fixture(scope="module")
def sample_ids(raw_tables) -> list[int]:
    orders = raw_tables["orders"]
    counts = orders[orders["status"].isin(PAID)].groupby("customer_id").size()
    # one-time, a few orders, the heaviest buyer
    return [int(counts[counts == 1].index[0]), int(counts[counts == 4].index[0]), int(counts.idxmax())]


def test_orders_and_spend_match_pandas(engine, raw_tables, sample_ids) -> None:
    orders = raw_tables["orders"]
    for customer_id in sample_ids:
        answer = engine.run_tool("customer_profile", {"customer_id": customer_id}, "en")
        assert answer.ok, answer.error
        mine = orders[(orders["customer_id"] == customer_id) & orders["status"].isin(PAID)]
        got = facts(answer)
        assert int(got["orders (incl. refunded)"]) == len(mine)
        assert got["GMV"] == fmt.money(mine["pay_amount"].sum(), "en")
        assert got["last order"] == str(mine["order_time"].max().date())
        recent = answer.table("recent_orders")
        everything = orders[orders["customer_id"] == customer_id].sort_values("order_time", ascending=False)
        assert list(recent["order_id"]) == list(everything["order_id"].head(10))


def test_segment_churn_and_value_agree_with_their_tools(engine, raw_tables, sample_ids) -> None:
    reference = reference_rfm(raw_tables["orders"])
    clv = engine.run_tool("customer_lifetime_value", {"limit": 1}, "en").table("top_customers")
    top_id = int(clv["customer_id"].iloc[0])
    for customer_id in [*sample_ids, top_id]:
        got = facts(engine.run_tool("customer_profile", {"customer_id": customer_id}, "en"))
        ref = reference.loc[customer_id]
        assert got["R/F/M scores"] == f"{ref['r_score']}/{ref['f_score']}/{ref['m_score']}"
    churn = engine.run_tool("churn_risk", {"limit": 1}, "en").table("riskiest").iloc[0]
    got = facts(engine.run_tool("customer_profile", {"customer_id": int(churn["customer_id"])}, "en"))
    assert got["churn risk (next 90 days)"] == f"{churn['churn_probability'] * 100:.1f}%"
    top = facts(engine.run_tool("customer_profile", {"customer_id": top_id}, "en"))
    clv_column = next(c for c in clv.columns if c in ("clv", "expected_value", "clv_365d"))
    assert top["expected value, next 12 months"] == fmt.money(clv[clv_column].iloc[0], "en")


def test_planted_loyal_and_lapsing_customers_read_as_such(engine, demo_truth, raw_tables) -> None:
    types = demo_truth.customer_types.set_index("customer_id")["latent_type"]
    paid = raw_tables["orders"][raw_tables["orders"]["status"].isin(PAID)]
    buyers = paid.groupby("customer_id").size()
    high = BANDS[0][0]  # the lowest probability of the high band
    loyal = [c for c in types[types == "loyal"].index if buyers.get(c, 0) >= 5][:5]
    lapsing = [c for c in types[types == "lapsing"].index if buyers.get(c, 0) >= 2][:5]
    loyal_risk = [_risk(engine, c) for c in loyal]
    lapsing_risk = [_risk(engine, c) for c in lapsing]
    assert max(loyal_risk) < min(0.5, high) and min(lapsing_risk) > 0.5
    assert sum(lapsing_risk) / len(lapsing_risk) > 3 * sum(loyal_risk) / len(loyal_risk)


def _risk(engine, customer_id: int) -> float:  # noqa: ANN001
    got = facts(engine.run_tool("customer_profile", {"customer_id": customer_id}, "en"))
    return float(got["churn risk (next 90 days)"].rstrip("%")) / 100


def test_answers_in_both_languages_cite_the_numbers(engine, sample_ids) -> None:
    customer_id = sample_ids[2]
    zh = engine.run_tool("customer_profile", {"customer_id": customer_id}, "zh")
    en = engine.run_tool("customer_profile", {"customer_id": customer_id}, "en")
    zh_facts, en_facts = facts(zh), facts(en)
    for text, got, spend, segment in ((zh.answer, zh_facts, "累计成交额", "RFM 分群"),
                                      (en.answer, en_facts, "GMV", "RFM segment")):
        assert str(customer_id) in text and got[spend] in text and got[segment] in text
    assert "流失概率" in zh.answer and "Churn risk" in en.answer
    assert zh.recommendations and en.recommendations
    assert "recommended_products" in [t.name for t in en.tables]
    # Nothing personal on the page.
    shown = " ".join(str(v) for v in en_facts.values()) + en.answer
    assert "phone" not in " ".join(en_facts) and not any(ch.isdigit() and len(ch) == 11 for ch in shown.split())


@pytest.mark.parametrize(("args", "code"), [({}, "customer_required"), ({"customer_id": 42}, "unknown_customer"),
                                            ({"customer_id": "abc"}, "bad_arguments")])
def test_errors(engine, args: dict, code: str) -> None:
    answer = engine.run_tool("customer_profile", args, "zh")
    assert answer.error["code"] == code


def test_orders_only_dataset_still_gives_a_page(tmp_path: Path) -> None:
    path = tmp_path / "orders_only.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE orders (order_id BIGINT, customer_id BIGINT, order_time TIMESTAMP, status VARCHAR,"
                " pay_amount DOUBLE)")
    days = pd.date_range("2025-01-01", periods=20, freq="15D")
    rows = [(i * 100 + j, i, day, "paid", 50.0 + i) for i in range(1, 40) for j, day in enumerate(days[: 1 + i % 7])]
    con.executemany("INSERT INTO orders VALUES (?, ?, ?, ?, ?)", rows)
    con.close()
    with Engine(path) as shop:
        answer = shop.run_tool("customer_profile", {"customer_id": 6}, "zh")
    assert answer.ok, answer.error
    got = facts(answer)
    assert got["订单数（含退款）"] == "7" and "RFM 分群" in got


def test_router_reaches_it(engine, sample_ids) -> None:
    answer = engine.ask(f"查一下客户 {sample_ids[1]}")
    assert answer.ok and answer.tool_calls[0].name == "customer_profile"
    assert answer.tool_calls[0].args == {"customer_id": sample_ids[1]}
