"""The demo warehouse follows docs/data_model.md and its planted truths can be recovered with SQL."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

import data.demo as demo
from data.demo import (
    CAMPAIGN_ASSIGNED_AT,
    CAMPAIGN_ID,
    DEFAULT_CUSTOMERS,
    END_DATE,
    PLANTED,
    START_DATE,
    DemoTruth,
    build_demo,
)
from tools.sealing import contacts_path

ROOT = Path(__file__).resolve().parents[1]
SMALL = 3_000
PROMO = (
    "((month(order_time) = 6 AND day(order_time) <= 18) "
    "OR (month(order_time) = 11 AND day(order_time) <= 11))"
)


class Built:
    """A generated warehouse opened read-only, with the truth registered as `truth_types`."""

    def __init__(self, path: Path, truth: DemoTruth):
        self.path = path
        self.truth = truth
        self.con = duckdb.connect(str(path), read_only=True)
        self.con.register("truth_types", truth.customer_types)

    def df(self, sql: str, params: list | None = None) -> pd.DataFrame:
        return self.con.execute(sql, params or []).df()

    def one(self, sql: str, params: list | None = None):
        return self.con.execute(sql, params or []).fetchone()[0]

    def contacts(self) -> pd.DataFrame:
        """The raw phones and nicknames, from the contact store beside the dataset."""
        with duckdb.connect(str(contacts_path(self.path)), read_only=True) as con:
            return con.execute("SELECT * FROM contacts").df()


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    path = tmp_path_factory.mktemp("small") / "demo.duckdb"
    built = Built(path, build_demo(path, customers=SMALL))
    yield built
    built.con.close()


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    """The default size: large enough for the statistical truths to show clearly."""
    path = tmp_path_factory.mktemp("full") / "demo.duckdb"
    built = Built(path, build_demo(path))
    yield built
    built.con.close()


# ---------------------------------------------------------------- schema


def _split_top_level(text: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    return parts + [current.strip()]


def _doc_schema() -> dict[str, list[tuple[str, str, str]]]:
    """table -> [(column, type, parenthetical note)] as written in docs/data_model.md."""
    schema = {}
    for line in (ROOT / "docs" / "data_model.md").read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 3 or not re.fullmatch(r"[a-z_]+", cells[0]) or cells[0] == "table":
            continue
        columns = []
        for spec in _split_top_level(cells[2]):
            name, col_type = spec.split()[:2]
            note = re.search(r"\((.*)\)", spec)
            columns.append((name, col_type, note.group(1) if note else ""))
        schema[cells[0]] = columns
    return schema


def _vocabulary(note: str) -> set[str] | None:
    """'(female/male/unknown)' or '(acquisition: live_room, ...)' -> the allowed values."""
    values = [v.strip() for v in re.split(r"[/,]", note.split(":")[-1])]
    if len(values) > 1 and all(re.fullmatch(r"[a-z0-9_+\-]+", v) for v in values):
        return set(values)
    return None


def test_doc_parser_finds_every_table() -> None:
    schema = _doc_schema()
    assert set(schema) == set(demo.SCHEMA) and len(schema) == 8
    vocab_columns = {
        (t, c) for t, cols in schema.items() for c, _, note in cols if _vocabulary(note)
    }
    assert vocab_columns == {
        ("customers", "gender"), ("customers", "age_band"), ("customers", "channel"),
        ("orders", "status"), ("orders", "source"), ("events", "event_type"),
        ("campaign_assignments", "arm"),
    }


def test_schema_matches_data_model(small: Built) -> None:
    for table, columns in _doc_schema().items():
        described = small.df(f"DESCRIBE {table}")
        actual = list(zip(described["column_name"], described["column_type"], strict=True))
        assert actual == [(name, col_type) for name, col_type, _ in columns], table


def test_values_follow_the_documented_vocabularies(small: Built) -> None:
    for table, columns in _doc_schema().items():
        for column, _, note in columns:
            vocab = _vocabulary(note)
            if vocab:
                values = set(small.df(f"SELECT DISTINCT {column} v FROM {table}")["v"])
                assert values == vocab, (table, column)


def test_keys_are_unique(small: Built) -> None:
    keys = {
        "customers": "customer_id", "hosts": "host_id", "live_sessions": "session_id",
        "products": "product_id", "orders": "order_id", "order_items": "order_id, line_no",
        "campaign_assignments": "campaign_id, customer_id",
    }
    for table, key in keys.items():
        dupes = small.one(f"SELECT count(*) FROM (SELECT {key} FROM {table} GROUP BY ALL "
                          "HAVING count(*) > 1)")
        assert dupes == 0, table
    orphans = small.one("""
        SELECT (SELECT count(*) FROM orders WHERE customer_id NOT IN (SELECT customer_id FROM customers))
             + (SELECT count(*) FROM order_items WHERE order_id NOT IN (SELECT order_id FROM orders))
             + (SELECT count(*) FROM order_items WHERE product_id NOT IN (SELECT product_id FROM products))
             + (SELECT count(*) FROM events WHERE session_id NOT IN (SELECT session_id FROM live_sessions))
             + (SELECT count(*) FROM live_sessions WHERE host_id NOT IN (SELECT host_id FROM hosts))
    """)
    assert orphans == 0


# ---------------------------------------------------------------- determinism


def _table_hashes(path: Path) -> dict[str, str]:
    with duckdb.connect(str(path), read_only=True) as con:
        return {
            table: con.execute(
                f"SELECT md5(string_agg(r, chr(10) ORDER BY r)) "
                f"FROM (SELECT CAST(t AS VARCHAR) r FROM {table} t)"
            ).fetchone()[0]
            for table in demo.SCHEMA
        }


def test_same_size_and_seed_give_identical_tables(small: Built, tmp_path: Path) -> None:
    again = tmp_path / "again.duckdb"
    truth = build_demo(again, customers=SMALL)
    assert _table_hashes(again) == _table_hashes(small.path)
    pd.testing.assert_frame_equal(truth.customer_types, small.truth.customer_types)


def test_another_seed_gives_other_data(small: Built, tmp_path: Path) -> None:
    other = tmp_path / "other.duckdb"
    build_demo(other, customers=SMALL, seed=8)
    hashes, base = _table_hashes(other), _table_hashes(small.path)
    assert hashes["orders"] != base["orders"] and hashes["events"] != base["events"]
    assert hashes["products"] == base["products"]  # the catalogue is fixed


# ---------------------------------------------------------------- orders and lines


def test_lines_sum_to_their_order(small: Built) -> None:
    bad = small.df("""
        SELECT o.order_id, o.pay_amount, sum(i.pay_amount) lines, count(*) n,
               max(i.line_no) max_line
        FROM orders o JOIN order_items i USING (order_id)
        GROUP BY ALL
        HAVING abs(o.pay_amount - sum(i.pay_amount)) > 0.001 OR n NOT BETWEEN 1 AND 4
            OR max_line <> n
    """)
    assert bad.empty
    assert small.one("SELECT count(*) FROM orders WHERE order_id NOT IN "
                     "(SELECT order_id FROM order_items)") == 0
    assert small.one("""SELECT count(*) FROM order_items i JOIN products p USING (product_id)
                        WHERE i.unit_price <> p.price OR i.quantity NOT BETWEEN 1 AND 3
                           OR i.pay_amount < 0""") == 0


def test_money_adds_up(small: Built) -> None:
    assert small.one("""
        SELECT count(*) FROM orders
        WHERE pay_amount <> round(total_amount - discount_amount - coupon_amount, 2)
           OR pay_amount <= 0 OR discount_amount < 0 OR coupon_amount < 0
           OR (coupon_id IS NULL) <> (coupon_amount = 0)
           OR total_amount <> (SELECT round(sum(quantity * unit_price), 2) FROM order_items i
                               WHERE i.order_id = orders.order_id)
    """) == 0
    assert small.one("SELECT avg((quantity = 1)::INT) FROM order_items") > 0.7


def test_status_mix(full: Built) -> None:
    shares = full.df("SELECT status, count(*) / sum(count(*)) OVER () s FROM orders GROUP BY 1")
    shares = dict(zip(shares["status"], shares["s"], strict=True))
    for status, planted in PLANTED["status_shares"].items():
        assert abs(shares[status] - planted) < 0.015, status
    by_type = full.df("""
        SELECT latent_type, avg((status = 'cancelled')::INT) r
        FROM orders JOIN truth_types USING (customer_id) GROUP BY 1
    """).set_index("latent_type")["r"]
    assert by_type["bargain_hunter"] > 1.4 * by_type.drop("bargain_hunter").max()
    refunds = full.df("""SELECT host_id, avg((status = 'refunded')::INT) r FROM orders
                         WHERE source = 'live' GROUP BY 1""")["r"]
    assert refunds.max() > 1.3 * refunds.min()


def test_order_dates_span_the_documented_range(small: Built) -> None:
    first, last = small.df(
        "SELECT min(order_time)::DATE a, max(order_time)::DATE b FROM orders").iloc[0]
    assert first.date() == START_DATE and last.date() == END_DATE


def test_discounts_deeper_in_promotions(full: Built) -> None:
    rates = full.df(f"""SELECT {PROMO} promo, sum(discount_amount) / sum(total_amount) r
                        FROM orders GROUP BY 1""").set_index("promo")["r"]
    assert rates[True] > 2 * rates[False]


# ---------------------------------------------------------------- live orders and events


def test_live_orders_sit_inside_their_session(small: Built) -> None:
    assert small.one("""
        SELECT count(*) FROM orders o LEFT JOIN live_sessions s USING (session_id)
        WHERE (o.source = 'live') <> (o.session_id IS NOT NULL)
           OR (o.session_id IS NULL) <> (o.host_id IS NULL)
           OR (o.source = 'live' AND (o.host_id <> s.host_id
               OR o.order_time NOT BETWEEN s.start_time AND s.end_time))
    """) == 0
    live = small.one("SELECT avg((source = 'live')::INT) FROM orders")
    assert abs(live - PLANTED["live_share"]) < 0.03


def test_live_orders_have_their_funnel_events(small: Built) -> None:
    funnel = small.df("""
        SELECT o.order_id, o.status,
          count(*) FILTER (WHERE e.event_type = 'enter_live' AND e.event_time <= o.order_time
                           AND e.watch_seconds > 0) enter,
          count(*) FILTER (WHERE e.event_type = 'product_click' AND e.event_time <= o.order_time
                           AND e.product_id IN (SELECT product_id FROM order_items i
                                                WHERE i.order_id = o.order_id)) click,
          count(*) FILTER (WHERE e.event_type = 'add_to_cart' AND e.event_time <= o.order_time)
            cart,
          count(*) FILTER (WHERE e.event_type = 'pay' AND e.event_time = o.order_time) pay
        FROM orders o LEFT JOIN events e
          ON e.customer_id = o.customer_id AND e.session_id = o.session_id
        WHERE o.source = 'live' GROUP BY ALL
    """)
    assert len(funnel) > 10_000
    assert (funnel[["enter", "click", "cart"]] > 0).all().all()
    paid = funnel["status"] != "cancelled"
    # Cancelled means never paid (docs/data_model.md), so only those orders lack a pay event.
    assert (funnel.loc[paid, "pay"] >= 1).all() and (funnel.loc[~paid, "pay"] == 0).all()


def test_events_are_well_formed(small: Built) -> None:
    assert small.one("""
        SELECT count(*) FROM events e JOIN live_sessions s USING (session_id)
        JOIN customers c USING (customer_id)
        WHERE (e.event_type = 'enter_live') <> (e.watch_seconds IS NOT NULL)
           OR (e.event_type IN ('product_click', 'add_to_cart', 'pay')) <> (e.product_id IS NOT NULL)
           OR e.event_time NOT BETWEEN s.start_time AND s.end_time
           OR e.event_time <= c.signup_time
           OR e.watch_seconds > epoch(s.end_time - e.event_time)
    """) == 0
    assert small.one("""SELECT count(*) FROM (SELECT customer_id, session_id FROM events
                        WHERE event_type = 'enter_live' GROUP BY ALL HAVING count(*) > 1)""") == 0
    assert small.one("""SELECT count(*) FROM events e WHERE event_type <> 'enter_live'
                        AND NOT EXISTS (SELECT 1 FROM events x WHERE x.event_type = 'enter_live'
                          AND x.customer_id = e.customer_id AND x.session_id = e.session_id
                          AND x.event_time <= e.event_time)""") == 0


def test_event_volume_is_moderate(full: Built) -> None:
    per_order = full.one("SELECT (SELECT count(*) FROM events) / (SELECT count(*) FROM orders)")
    assert 10 <= per_order <= 15
    abandoned = full.one("""
        SELECT count(*) FROM events c WHERE c.event_type = 'add_to_cart' AND NOT EXISTS (
          SELECT 1 FROM events p WHERE p.event_type = 'pay'
            AND p.customer_id = c.customer_id AND p.session_id = c.session_id)""")
    assert abandoned > 10_000


def test_loyal_fans_watch_more(full: Built) -> None:
    watch = full.df("""
        SELECT t.latent_type = 'loyal' loyal, avg(e.watch_seconds) w,
               count(*) / count(DISTINCT e.customer_id) visits
        FROM events e JOIN truth_types t USING (customer_id)
        WHERE e.event_type = 'enter_live' GROUP BY 1
    """).set_index("loyal")
    assert watch.loc[True, "w"] > watch.loc[False, "w"]
    assert watch.loc[True, "visits"] > 3 * watch.loc[False, "visits"]


# ---------------------------------------------------------------- customers, hosts, sessions


def test_customers_look_real(small: Built) -> None:
    customers = small.df("SELECT * FROM customers")
    contacts = small.contacts().set_index("customer_id").loc[customers["customer_id"]]
    assert contacts["phone"].str.fullmatch(r"1[3-9]\d{9}").all()
    assert contacts["phone"].str[:3].isin(demo.PHONE_PREFIXES).all()
    assert contacts["phone"].is_unique
    assert contacts["nickname"].str.fullmatch(r"[\u4e00-\u9fff]+\d{0,4}").all()
    # The dataset itself holds them masked: the raw values exist only in the contact store.
    assert (customers["phone"].to_numpy() == [p[:3] + "****" + p[-4:] for p in contacts["phone"]]).all()
    assert (customers["nickname"].to_numpy() == [n[0] + "**" for n in contacts["nickname"]]).all()
    assert abs((customers["gender"] == "female").mean() - 0.70) < 0.03
    top = customers["province"].value_counts().index[:6].tolist()
    assert top[0] == "广东" and {"浙江", "江苏", "山东"} <= set(top)
    pairs = {(p, c) for p, (_, cities) in demo.GEOGRAPHY.items() for c in cities}
    assert set(zip(customers["province"], customers["city"], strict=True)) <= pairs
    assert customers["channel"].value_counts().index[0] == "live_room"


def test_signup_precedes_first_order(small: Built) -> None:
    assert small.one("""SELECT count(*) FROM customers c JOIN (SELECT customer_id,
                        min(order_time) first FROM orders GROUP BY 1) o USING (customer_id)
                        WHERE c.signup_time >= o.first""") == 0


def test_hosts_broadcast_every_two_to_three_days(small: Built) -> None:
    hosts = small.df("SELECT * FROM hosts")
    assert 6 <= len(hosts) <= 8
    assert hosts["host_name"].str.fullmatch(r"[\u4e00-\u9fff]+").all()
    cadence = small.df("""
        SELECT host_id, count(*) n, max(start_time)::DATE - min(start_time)::DATE AS span_days,
               avg(epoch(end_time - start_time)) / 3600 AS hours, min(h.join_date) AS joined,
               min(start_time) first_session
        FROM live_sessions JOIN hosts h USING (host_id)
        GROUP BY 1
    """)
    gap = cadence["span_days"] / cadence["n"]
    assert gap.between(2.0, 3.0).all(), gap
    assert cadence["hours"].between(2.0, 4.0).all()
    assert (cadence["first_session"].dt.date > cadence["joined"].dt.date).all()
    days_without = small.one("""SELECT count(*) FROM range(DATE '2024-09-01', DATE '2026-11-16',
        INTERVAL 1 DAY) d(day) WHERE NOT EXISTS (SELECT 1 FROM live_sessions
        WHERE start_time::DATE = d.day::DATE)""")
    assert days_without == 0


def test_products_span_eight_categories(small: Built) -> None:
    products = small.df("SELECT * FROM products")
    assert 100 <= len(products) <= 140 and products["product_name"].is_unique
    assert set(products["category"]) == {
        "美妆护肤", "个护清洁", "服饰内衣", "食品饮料", "母婴用品", "家居日用", "数码家电", "珠宝配饰",
    }
    assert (products["price"] > 0).all()


# ---------------------------------------------------------------- planted truths


def test_promotion_peaks(full: Built) -> None:
    daily = full.df("SELECT order_time::DATE d, count(*) n FROM orders GROUP BY 1")
    daily = daily.set_index(pd.to_datetime(daily["d"]))["n"].sort_index()
    windows = [("2024-11-01", "2024-11-11"), ("2025-06-01", "2025-06-18"),
               ("2025-11-01", "2025-11-11"), ("2026-06-01", "2026-06-18")]
    for first, last in windows:
        first, last = pd.Timestamp(first), pd.Timestamp(last)
        inside = daily[first:last]
        around = pd.concat([
            daily[first - pd.DateOffset(months=1): first - pd.Timedelta(days=1)],
            daily[last + pd.Timedelta(days=1): last + pd.DateOffset(months=1)],
        ])
        around = around[~around.index.isin(inside.index)]
        assert inside.mean() > 2 * around.mean(), first
        assert inside.idxmax() == last  # 6/18 and 11/11 are the strongest days
    weekday = daily.groupby(daily.index.day_of_week).mean()
    assert weekday[[5, 6]].mean() > weekday[[0, 1, 2, 3]].mean()


def test_orders_grow_mildly(full: Built) -> None:
    per_year = full.df(f"""
        SELECT year(order_time) y, count(*) / count(DISTINCT order_time::DATE) per_day
        FROM orders WHERE month(order_time) IN (9, 10) AND NOT {PROMO} GROUP BY 1
    """).set_index("y")["per_day"]
    assert per_year[2024] < per_year[2025] < per_year[2026] < 2 * per_year[2024]


def test_spend_is_heavy_tailed(full: Built) -> None:
    spend = full.df("""SELECT customer_id, sum(pay_amount) v FROM orders
                       WHERE status <> 'cancelled' GROUP BY 1""")["v"].sort_values(ascending=False)
    top = spend.iloc[: int(0.2 * len(spend))].sum() / spend.sum()
    assert top >= 0.6
    orders = full.df("SELECT pay_amount FROM orders")["pay_amount"]
    assert orders.mean() > 1.3 * orders.median()
    logs = np.log(orders)
    assert abs(((logs - logs.mean()) ** 3).mean() / logs.std() ** 3) < 1.0  # roughly lognormal


def test_latent_type_shares(full: Built) -> None:
    types = full.truth.customer_types
    assert types["customer_id"].is_unique
    shares = types["latent_type"].value_counts(normalize=True)
    for name, planted in PLANTED["buyer_type_shares"].items():
        assert abs(shares[name] - planted) < 0.02, name
    never = full.one("""SELECT avg((customer_id NOT IN (SELECT customer_id FROM orders))::INT)
                        FROM customers""")
    assert abs(never - PLANTED["non_buyer_share"]) < 0.01
    assert full.one("""SELECT count(*) FROM customers WHERE
        (customer_id IN (SELECT customer_id FROM orders))
        <> (customer_id IN (SELECT customer_id FROM truth_types))""") == 0


def _orders_per_type(built: Built) -> pd.DataFrame:
    return built.df(f"""
        SELECT t.customer_id, t.latent_type, count(o.order_id) n,
               max(o.order_time) last_order, min(o.order_time) first_order,
               avg({PROMO}::INT) promo_share, avg((o.coupon_id IS NOT NULL)::INT) coupon_share
        FROM truth_types t LEFT JOIN orders o USING (customer_id) GROUP BY ALL
    """)


def test_one_timers_and_lapsing(small: Built) -> None:
    per = _orders_per_type(small)
    assert (per.loc[per["latent_type"] == "one_timer", "n"] == 1).all()
    lapsing = per[per["latent_type"] == "lapsing"]
    cutoff = pd.Timestamp(END_DATE - timedelta(days=PLANTED["lapse_days"]))
    assert (lapsing["last_order"] < cutoff).all() and (lapsing["n"] >= 2).all()
    others = per[per["latent_type"] != "lapsing"]
    assert (others["last_order"] >= cutoff).mean() > 0.3


def test_loyal_and_bargain_hunters(full: Built) -> None:
    per = _orders_per_type(full)
    by_type = per.groupby("latent_type")
    mean_orders = by_type["n"].mean()
    assert mean_orders["loyal"] > 3 * mean_orders.drop("loyal").max()
    loyal = per[per["latent_type"] == "loyal"]
    spans_all = ((loyal["first_order"] < pd.Timestamp(START_DATE + timedelta(days=120)))
                 & (loyal["last_order"] > pd.Timestamp(END_DATE - timedelta(days=120))))
    assert spans_all.mean() > 0.8
    promo = by_type["promo_share"].mean()
    assert promo["bargain_hunter"] > 0.5 > 2 * promo.drop("bargain_hunter").max()
    coupons = by_type["coupon_share"].mean()
    assert coupons["bargain_hunter"] > 2 * coupons.drop("bargain_hunter").max()


def _pair_lifts(built: Built) -> pd.DataFrame:
    return built.df("""
        WITH lines AS (SELECT DISTINCT order_id, product_name
                       FROM order_items JOIN products USING (product_id)),
             n AS (SELECT count(DISTINCT order_id) n FROM lines),
             single AS (SELECT product_name, count(*) c FROM lines GROUP BY 1)
        SELECT a.product_name a, b.product_name b, count(*) ab,
               count(*) * any_value(n.n) / (any_value(sa.c) * any_value(sb.c)) lift
        FROM lines a JOIN lines b ON a.order_id = b.order_id AND a.product_name < b.product_name
        JOIN single sa ON sa.product_name = a.product_name
        JOIN single sb ON sb.product_name = b.product_name, n
        GROUP BY 1, 2 HAVING count(*) >= 20
    """)


def test_planted_pairs_are_bought_together(small: Built) -> None:
    lifts = _pair_lifts(small)
    lifts["pair"] = [frozenset(p) for p in zip(lifts["a"], lifts["b"], strict=True)]
    planted = {frozenset(p) for p in small.truth.associated_pairs}
    assert len(planted) >= 5
    found = lifts[lifts["pair"].isin(planted)]
    assert len(found) == len(planted) and (found["lift"] > 5).all()
    top = set(lifts.nlargest(len(planted), "lift")["pair"])
    assert top == planted
    assert lifts.loc[~lifts["pair"].isin(planted), "lift"].max() < 3


def test_host_conversion_recovered_from_events(full: Built) -> None:
    conversion = full.df("""
        SELECT h.host_name,
               count(DISTINCT (e.customer_id, e.session_id)) FILTER (WHERE e.event_type = 'pay')
             / count(DISTINCT (e.customer_id, e.session_id)) FILTER (WHERE e.event_type = 'enter_live') c
        FROM events e JOIN live_sessions USING (session_id) JOIN hosts h USING (host_id)
        GROUP BY 1
    """).set_index("host_name")["c"]
    planted = pd.Series(full.truth.host_conversion)
    assert set(conversion.index) == set(planted.index)
    assert conversion.idxmax() == planted.idxmax() and conversion.idxmin() == planted.idxmin()
    assert list(conversion.sort_values().index) == list(planted.sort_values().index)
    assert (conversion - planted[conversion.index]).abs().max() < 0.01
    assert planted.max() / planted.min() > 2


def test_coupon_campaign(full: Built) -> None:
    arms = full.df("SELECT * FROM campaign_assignments")
    assert set(arms["campaign_id"]) == {CAMPAIGN_ID}
    assert (arms["assigned_at"] == pd.Timestamp(CAMPAIGN_ASSIGNED_AT)).all()
    expected = PLANTED["coupon_lift"]["target_share"] * DEFAULT_CUSTOMERS
    assert abs(len(arms) - expected) <= 0.1 * expected
    counts = arms["arm"].value_counts()
    assert abs(counts["treatment"] - counts["control"]) <= 1
    coupon = arms.groupby("arm")["coupon_value"].agg(["min", "max"])
    assert tuple(coupon.loc["treatment"]) == (20.0, 20.0)
    assert tuple(coupon.loc["control"]) == (0.0, 0.0)

    eligible = full.one("""
        SELECT count(*) FROM campaign_assignments a
        WHERE EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = a.customer_id
                      AND o.order_time < a.assigned_at)
          AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = a.customer_id
                      AND o.order_time >= a.assigned_at - INTERVAL 60 DAY
                      AND o.order_time < a.assigned_at)
    """)
    assert eligible == len(arms)

    window = full.df("""
        SELECT a.arm, o.order_time, o.coupon_id, o.coupon_amount
        FROM campaign_assignments a JOIN orders o USING (customer_id)
        WHERE o.order_time >= DATE '2026-09-01' AND o.order_time < DATE '2026-10-01'
    """)
    assert (window["order_time"] > pd.Timestamp(CAMPAIGN_ASSIGNED_AT)).all()
    treated = window[window["arm"] == "treatment"]
    assert (treated["coupon_id"] == CAMPAIGN_ID).all() and (treated["coupon_amount"] == 20).all()
    assert window.loc[window["arm"] == "control", "coupon_id"].isna().all()

    rates = full.df("""
        SELECT arm, count(*) n, avg((EXISTS (SELECT 1 FROM orders o
            WHERE o.customer_id = a.customer_id AND o.order_time >= DATE '2026-09-01'
              AND o.order_time < DATE '2026-10-01'))::INT) rate
        FROM campaign_assignments a GROUP BY 1
    """).set_index("arm")
    assert rates.loc["treatment", "rate"] > rates.loc["control", "rate"]
    for arm, planted in full.truth.coupon_lift.items():
        se = (planted * (1 - planted) / rates.loc[arm, "n"]) ** 0.5
        assert abs(rates.loc[arm, "rate"] - planted) < 3 * se, arm


def test_default_size_gives_about_200k_orders(full: Built) -> None:
    orders = full.truth.row_counts["orders"]
    assert 170_000 <= orders <= 230_000
    assert orders == full.one("SELECT count(*) FROM orders")


# ---------------------------------------------------------------- chunks and atomic writes


def test_chunks_join_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(demo, "CHUNK_CUSTOMERS", 700)
    path = tmp_path / "chunked.duckdb"
    truth = build_demo(path, customers=2_000)
    with duckdb.connect(str(path), read_only=True) as con:
        counts = con.execute("""SELECT count(*), count(DISTINCT customer_id), min(customer_id),
                                max(customer_id) FROM customers""").fetchone()
        assert counts == (2_000, 2_000, demo.FIRST_CUSTOMER_ID, demo.FIRST_CUSTOMER_ID + 1_999)
        assert con.execute("SELECT count(*) = count(DISTINCT order_id) FROM orders").fetchone()[0]
        ids = con.execute("""SELECT count(*) FROM orders
            WHERE order_id // 10000000 <> strftime(order_time, '%Y%m%d')::BIGINT""").fetchone()
        assert ids[0] == 0
        assert con.execute("SELECT count(*) FROM campaign_assignments").fetchone()[0] > 300
        buyers = set(con.execute("SELECT DISTINCT customer_id FROM orders").df()["customer_id"])
    assert set(truth.customer_types["customer_id"]) == buyers


def _leftovers(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if ".tmp-" in p.name]


def test_build_replaces_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "dir" / "demo.duckdb"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"an older file")
    build_demo(path, customers=300)
    with duckdb.connect(str(path), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM customers").fetchone()[0] == 300
    assert _leftovers(path.parent) == []


def test_build_creates_parent_folders(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "demo.duckdb"
    build_demo(path, customers=50)
    assert path.is_file() and _leftovers(path.parent) == []


def test_failed_build_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "demo.duckdb"
    path.write_bytes(b"the previous warehouse")

    def crash(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(demo, "build_chunk", crash)
    with pytest.raises(RuntimeError, match="disk on fire"):
        build_demo(path, customers=300)
    assert path.read_bytes() == b"the previous warehouse"
    assert _leftovers(tmp_path) == []
