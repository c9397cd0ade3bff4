"""product_associations checked against an independent pandas/itertools basket count."""

from __future__ import annotations

from collections import Counter
from itertools import combinations
from pathlib import Path

import duckdb
import pytest

from data.demo import PLANTED


def _baskets(raw_tables, month: str | None = None) -> list[list[int]]:
    orders = raw_tables["orders"]
    paid = orders[orders["status"].isin(["paid", "refunded"])]
    if month:
        paid = paid[paid["order_time"].dt.strftime("%Y-%m") == month]
    items = raw_tables["order_items"]
    items = items[items["order_id"].isin(paid["order_id"])]
    return [sorted(set(g)) for _, g in items.groupby("order_id")["product_id"]]


def _reference(baskets: list[list[int]]) -> tuple[int, Counter, Counter]:
    singles, pairs = Counter(), Counter()
    for basket in baskets:
        singles.update(basket)
        pairs.update(combinations(basket, 2))
    return len(baskets), singles, pairs


def _check(table, n, singles, pairs) -> None:
    for row in table.itertuples():
        a, b = int(row.product_id_a), int(row.product_id_b)
        both = pairs[(a, b)]
        assert row.pair_orders == both
        assert row.support == pytest.approx(both / n, abs=1e-5)
        assert row.confidence_a_to_b == pytest.approx(both / singles[a], abs=1e-4)
        assert row.confidence_b_to_a == pytest.approx(both / singles[b], abs=1e-4)
        assert row.lift == pytest.approx(both * n / (singles[a] * singles[b]), abs=0.01)


def test_one_month_matches_itertools(engine, raw_tables) -> None:
    answer = engine.run_tool("product_associations", {"period": "2025-06", "min_support": 0.0005, "limit": 50})
    assert answer.ok, answer.error
    n, singles, pairs = _reference(_baskets(raw_tables, "2025-06"))
    table = answer.table("pairs")
    _check(table, n, singles, pairs)
    expected = sorted(((both * n / (singles[a] * singles[b]), (a, b)) for (a, b), both in pairs.items()
                       if both / n >= 0.0005), reverse=True)[:50]
    assert [round(v, 2) for v, _ in expected] == pytest.approx(list(table["lift"]), abs=0.01)


def test_planted_pairs_are_the_top_pairs(engine, raw_tables) -> None:
    for lang in ("zh", "en"):
        answer = engine.run_tool("product_associations", {}, lang)
        assert answer.ok, answer.error
        table = answer.table("pairs")
        n, singles, pairs = _reference(_baskets(raw_tables))
        _check(table, n, singles, pairs)
        planted = {frozenset(p) for p in PLANTED["associated_pairs"]}
        top = {frozenset((r.item_a, r.item_b)): r.lift for r in table.head(len(planted)).itertuples()}
        assert set(top) == planted
        assert min(top.values()) > 3
        first = table.iloc[0]
        assert f"{first['lift']:.1f}" in answer.answer and first["item_a"] in answer.answer
        assert any(f"{first['lift']:.1f}" in r for r in answer.recommendations)
        assert answer.charts and answer.charts[0].kind == "bar"


def test_also_bought_for_one_product(engine, raw_tables) -> None:
    zh = engine.run_tool("product_associations", {"product": "面膜"}, "zh")
    en = engine.run_tool("product_associations", {"product": "face mask"}, "en")
    assert zh.ok and en.ok, (zh.error, en.error)
    table = zh.table("also_bought")
    assert table.equals(en.table("also_bought"))
    assert list(table["confidence"]) == sorted(table["confidence"], reverse=True)
    top = table.iloc[0]
    assert (top["antecedent"], top["consequent"]) == ("补水面膜", "玻尿酸精华")
    products = raw_tables["products"].set_index("product_name")["product_id"]
    n, singles, pairs = _reference(_baskets(raw_tables))
    a, b = int(products["补水面膜"]), int(products["玻尿酸精华"])
    both = pairs[tuple(sorted((a, b)))]
    assert top["confidence"] == pytest.approx(both / singles[a], abs=1e-4)
    assert top["lift"] == pytest.approx(both * n / (singles[a] * singles[b]), abs=0.01)
    assert top["lift"] > 3
    for answer in (zh, en):
        assert f"{top['confidence'] * 100:.1f}%" in answer.answer and f"{top['lift']:.1f}" in answer.answer


def test_category_level_and_errors(engine, raw_tables, tmp_path: Path) -> None:
    answer = engine.run_tool("product_associations", {"level": "category"}, "en")
    assert answer.ok, answer.error
    assert set(answer.table("pairs")["item_a"]) <= set(raw_tables["products"]["category"])
    unknown = engine.run_tool("product_associations", {"product": "火箭发动机"}, "zh")
    assert not unknown.ok and unknown.error["code"] == "unknown_product"
    assert "相近的商品" in unknown.error["message"]
    from assistant.engine import Engine

    path = tmp_path / "no_items.duckdb"
    con = duckdb.connect(str(path))
    frame = raw_tables["orders"].head(100)  # noqa: F841 (read by DuckDB's replacement scan)
    con.execute("CREATE TABLE orders AS SELECT * FROM frame")
    con.close()
    eng = Engine(path)
    try:
        missing = eng.run_tool("product_associations", {}, "en")
        assert not missing.ok and missing.error["code"] == "missing_table"
        assert "order_items" in missing.error["message"]
    finally:
        eng.close()
