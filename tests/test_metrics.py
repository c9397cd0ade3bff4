"""metric_query against independent pandas computations of the written definitions."""

from __future__ import annotations

import pandas as pd
import pytest

from tools import fmt

PAID = ["paid", "refunded"]


def in_window(orders: pd.DataFrame, days: int | None) -> pd.DataFrame:
    if days is None:
        return orders
    end = orders["order_time"].max().normalize()
    return orders[orders["order_time"] >= end - pd.Timedelta(days=days - 1)]


def reference(orders: pd.DataFrame, metric: str) -> float:
    paid = orders[orders["status"].isin(PAID)]
    per_customer = paid.groupby("customer_id")["order_id"].nunique()
    values = {
        "gmv": paid["pay_amount"].sum(),
        "net_sales": paid["pay_amount"].sum() - orders.loc[orders["status"] == "refunded", "pay_amount"].sum(),
        "orders": len(paid),
        "buyers": paid["customer_id"].nunique(),
        "aov": paid["pay_amount"].sum() / len(paid),
        "spend_per_buyer": paid["pay_amount"].sum() / paid["customer_id"].nunique(),
        "repurchase_rate": (per_customer >= 2).sum() / len(per_customer),
        "repeat_buyers": (per_customer >= 2).sum(),
        "one_time_buyers": (per_customer == 1).sum(),
        "refund_rate": (orders["status"] == "refunded").sum() / len(paid),
    }
    return values[metric]


METRICS = ["gmv", "net_sales", "orders", "buyers", "aov", "spend_per_buyer", "repurchase_rate", "repeat_buyers",
           "one_time_buyers", "refund_rate"]


@pytest.mark.parametrize("metric", METRICS)
@pytest.mark.parametrize("days", [None, 30])
def test_single_value_matches_reference(engine, raw_tables, metric, days) -> None:
    period = None if days is None else f"last_{days}_days"
    answer = engine.run_tool("metric_query", {"metric": metric, "period": period})
    assert answer.ok, answer.error
    ours = float(answer.table().iloc[0][metric])
    assert ours == pytest.approx(reference(in_window(raw_tables["orders"], days), metric), rel=1e-9)


def test_new_customers_reference(engine, raw_tables) -> None:
    orders = raw_tables["orders"]
    first = orders[orders["status"].isin(PAID)].sort_values(["order_time", "order_id"]).groupby("customer_id").head(1)
    start = orders["order_time"].max().normalize() - pd.Timedelta(days=89)
    expected = (first["order_time"] >= start).sum()
    answer = engine.run_tool("metric_query", {"metric": "new_customers", "period": "last_90_days"})
    assert int(answer.table().iloc[0]["new_customers"]) == expected
    by_channel = engine.run_tool("metric_query", {"metric": "new_customers", "dimension": "channel"}).table()
    customers = raw_tables["customers"].set_index("customer_id")["channel"]
    ref = first["customer_id"].map(customers).value_counts()
    assert dict(zip(by_channel["channel"], by_channel["new_customers"])) == ref.to_dict()


def test_gmv_by_month_sums_to_total(engine, raw_tables) -> None:
    monthly = engine.run_tool("metric_query", {"metric": "gmv", "dimension": "month"}).table()
    orders = raw_tables["orders"]
    paid = orders[orders["status"].isin(PAID)]
    ref = paid.groupby(paid["order_time"].dt.strftime("%Y-%m"))["pay_amount"].sum()
    assert list(monthly["month"]) == list(ref.index)
    assert monthly["gmv"].to_numpy() == pytest.approx(ref.to_numpy(), rel=1e-9)


def test_gmv_by_category_uses_order_lines(engine, raw_tables) -> None:
    table = engine.run_tool("metric_query", {"metric": "gmv", "dimension": "category"}).table()
    items = raw_tables["order_items"].merge(raw_tables["orders"][["order_id", "status"]], on="order_id")
    items = items[items["status"].isin(PAID)].merge(raw_tables["products"], on="product_id")
    ref = items.groupby("category")["pay_amount"].sum().sort_values(ascending=False)
    assert list(table["category"]) == list(ref.index)
    assert table["gmv"].to_numpy() == pytest.approx(ref.to_numpy(), rel=1e-9)


def test_gmv_by_brand_and_one_brands_filter_use_order_lines(engine, raw_tables) -> None:
    table = engine.run_tool("metric_query", {"metric": "gmv", "dimension": "brand", "limit": 5}).table()
    items = raw_tables["order_items"].merge(raw_tables["orders"][["order_id", "status"]], on="order_id")
    items = items[items["status"].isin(PAID)].merge(raw_tables["products"], on="product_id")
    ref = items.groupby("brand")["pay_amount"].sum().sort_values(ascending=False).head(5)
    assert list(table["brand"]) == list(ref.index)
    assert table["gmv"].to_numpy() == pytest.approx(ref.to_numpy(), rel=1e-9)
    one = engine.run_tool("metric_query", {"metric": "units", "filters": {"brand": ref.index[1]}}).table()
    assert float(one.iloc[0]["units"]) == items[items["brand"] == ref.index[1]]["quantity"].sum()


def test_orders_by_coupon_code_and_one_codes_filter(engine, raw_tables) -> None:
    table = engine.run_tool("metric_query", {"metric": "orders", "dimension": "coupon_code"}, "zh").table()
    paid = raw_tables["orders"][raw_tables["orders"]["status"].isin(PAID)]
    ref = paid["coupon_id"].value_counts()
    unused = paid["coupon_id"].isna().sum()
    assert dict(zip(table["coupon_code"], table["orders"])) == {**ref.to_dict(), "（未用券）": unused}
    assert table["coupon_code"].iloc[-1] == "（未用券）"  # no coupon is no coupon's row: ranked after every code
    code = ref.index[1]
    one = engine.run_tool("metric_query", {"metric": "orders", "filters": {"coupon_code": code}}).table()
    assert int(one.iloc[0]["orders"]) == ref[code]


def test_aov_by_region_with_filter_and_limit(engine, raw_tables) -> None:
    args = {"metric": "aov", "dimension": "region", "filters": {"gender": "female"}, "limit": 3}
    table = engine.run_tool("metric_query", args).table()
    orders = raw_tables["orders"].merge(raw_tables["customers"], on="customer_id")
    paid = orders[orders["status"].isin(PAID) & (orders["gender"] == "female")]
    ref = paid.groupby("province")["pay_amount"].mean().sort_values(ascending=False).head(3)
    assert list(table["region"]) == list(ref.index)
    assert table["aov"].to_numpy() == pytest.approx(ref.to_numpy(), rel=1e-9)


def test_refund_rate_by_host(engine, raw_tables) -> None:
    table = engine.run_tool("metric_query", {"metric": "refund_rate", "dimension": "host"}).table()
    orders = raw_tables["orders"].merge(raw_tables["hosts"], on="host_id", how="left")
    orders["host_name"] = orders["host_name"].fillna("(shelf)")
    paid = orders[orders["status"].isin(PAID)]
    ref = paid.groupby("host_name")["status"].apply(lambda s: (s == "refunded").mean())
    ours = dict(zip(table["host"], table["refund_rate"]))
    assert ours == pytest.approx(ref.to_dict(), rel=1e-9)
    # a ratio comes with the sample behind it
    assert dict(zip(table["host"], table["orders"])) == paid.groupby("host_name").size().to_dict()


def test_bad_arguments_are_explained(engine) -> None:
    wrong_metric = engine.run_tool("metric_query", {"metric": "profit"})
    assert wrong_metric.error["code"] == "bad_arguments" and "gmv" in wrong_metric.error["message"]
    wrong_period = engine.run_tool("metric_query", {"metric": "gmv", "period": "next_century"})
    assert wrong_period.error["code"] == "bad_period"
    wrong_filter = engine.run_tool("metric_query", {"filters": {"planet": "mars"}})
    assert wrong_filter.error["code"] == "bad_filter"
    extra = engine.run_tool("metric_query", {"colour": "red"})
    assert extra.error["code"] == "bad_arguments"


def test_answer_quotes_definition_and_value(engine) -> None:
    zh = engine.run_tool("metric_query", {"metric": "repurchase_rate", "period": "last_month"}, "zh")
    rate = float(zh.table().iloc[0]["repurchase_rate"])
    assert f"{rate * 100:.1f}%" in zh.answer
    assert "口径" in zh.answer and "复购率" in zh.answer


# --- comparisons (compare=previous_period / last_year) ----------------------------------------


def _paid_between(orders: pd.DataFrame, start: str, end: str) -> pd.DataFrame:
    day = orders["order_time"].dt.normalize()
    return orders[(day >= pd.Timestamp(start)) & (day <= pd.Timestamp(end)) & orders["status"].isin(PAID)]


def test_compare_previous_period_matches_reference(engine, raw_tables) -> None:
    answer = engine.run_tool("metric_query", {"metric": "gmv", "period": "last_30_days",
                                              "compare": "previous_period"}, "en")
    assert answer.error is None, answer.error
    table = answer.tables[0].df
    end = raw_tables["orders"]["order_time"].max().normalize()
    now = _paid_between(raw_tables["orders"], str(end - pd.Timedelta(days=29)), str(end))["pay_amount"].sum()
    then = _paid_between(raw_tables["orders"], str(end - pd.Timedelta(days=59)),
                         str(end - pd.Timedelta(days=30)))["pay_amount"].sum()
    row = table.iloc[0]
    assert row["gmv"] == pytest.approx(now)
    assert row["gmv_previous_period"] == pytest.approx(then)
    assert row["change"] == pytest.approx(now - then)
    assert row["change_pct"] == pytest.approx((now - then) / then)
    # The answer states both numbers and the % change.
    assert f"{now:,.0f}" in answer.answer and f"{then:,.0f}" in answer.answer
    assert f"{(now - then) / then:+.1%}" in answer.answer


def test_compare_last_year_by_category(engine, raw_tables) -> None:
    answer = engine.run_tool("metric_query", {"metric": "orders", "dimension": "category", "period": "2026-Q3",
                                              "compare": "last_year"}, "zh")
    assert answer.error is None, answer.error
    table = answer.tables[0].df.set_index("category")
    lines = raw_tables["order_items"].merge(raw_tables["products"], on="product_id")
    lines = lines.merge(raw_tables["orders"][["order_id", "order_time", "status"]], on="order_id")
    last_year = _paid_between(lines, "2025-07-01", "2025-09-30").groupby("category")["order_id"].nunique()
    for category, value in last_year.items():
        assert table.loc[category, "orders_last_year"] == value
    assert "同比" in answer.answer and "去年同期" in answer.answer


def test_compare_without_period_uses_a_stated_default(engine) -> None:
    answer = engine.run_tool("metric_query", {"metric": "repurchase_rate", "compare": "previous_period"}, "zh")
    assert answer.error is None, answer.error
    assert "上个月" in answer.answer and "个百分点" in answer.answer
    assert answer.tool_calls[0].resolved["compare"]["kind"] == "previous_period"


def test_compare_rejects_unknown_kind(engine) -> None:
    answer = engine.run_tool("metric_query", {"metric": "gmv", "compare": "last_week"})
    assert answer.error is not None and answer.error["code"] == "bad_arguments"


def test_orders_by_status_count_every_order_in_its_own_status(engine, raw_tables) -> None:
    orders = raw_tables["orders"]
    answer = engine.run_tool("metric_query", {"metric": "orders", "dimension": "status"})
    assert answer.ok, answer.error
    table = answer.table().set_index(answer.table().columns[0])["orders"]
    expected = orders.groupby("status")["order_id"].nunique()
    assert set(table.index) == set(expected.index) and len(expected) >= 3  # cancelled too, not only paid ones
    for status, count in expected.items():
        assert table[status] == count
    assert answer.definitions[-1]["name"] == "by_status" and "status" in answer.answer.lower()


def test_one_status_filters_orders_and_their_amount(engine, raw_tables) -> None:
    orders = raw_tables["orders"]
    for status in ("cancelled", "refunded"):
        chosen = orders[orders["status"] == status]
        count = engine.run_tool("metric_query", {"metric": "orders", "filters": {"status": status}})
        amount = engine.run_tool("metric_query", {"metric": "gmv", "filters": {"status": status}})
        assert float(count.table().iloc[0]["orders"]) == chosen["order_id"].nunique() > 0
        assert float(amount.table().iloc[0]["gmv"]) == pytest.approx(chosen["pay_amount"].sum(), rel=1e-9)


def test_paid_only_metrics_refuse_a_status_split(engine) -> None:
    answer = engine.run_tool("metric_query", {"metric": "refund_rate", "dimension": "status"})
    assert answer.error["code"] == "bad_dimension"
    assert "orders" in answer.answer  # names what can be split by status


def test_a_listed_question_answers_every_measure(engine, raw_tables) -> None:
    """"GMV、订单数和客单价": three calls in one answer, each figure equal to pandas."""
    answer = engine.ask("GMV、订单数和客单价分别是多少")
    assert [c.args["metric"] for c in answer.tool_calls] == ["gmv", "orders", "aov"]
    assert answer.not_applied == []
    for metric in ("gmv", "orders", "aov"):
        assert float(answer.table(metric).iloc[0][metric]) == pytest.approx(reference(raw_tables["orders"], metric))
    assert {d["name"] for d in answer.definitions} >= {"gmv", "orders", "aov"}


@pytest.mark.parametrize(("condition", "keep"), [
    ("0", lambda a: a == 0), (">=1000", lambda a: a >= 1000), ("<50", lambda a: a < 50),
    ("100-500", lambda a: (a >= 100) & (a <= 500)), (">300", lambda a: a > 300),
])
def test_amount_filter_is_on_each_order(engine, raw_tables, condition, keep) -> None:
    orders = raw_tables["orders"]
    chosen = orders[keep(orders["pay_amount"])]
    for metric in ("orders", "gmv", "buyers"):
        answer = engine.run_tool("metric_query", {"metric": metric, "filters": {"amount": condition}})
        assert answer.ok, answer.error
        table = answer.table()
        ours = float(table.iloc[0][metric]) if len(table) else 0.0  # no order in the band: an empty table, 0 said
        assert ours == pytest.approx(reference(chosen, metric) if len(chosen) else 0)


def test_an_unreadable_amount_is_refused_in_words(engine) -> None:
    answer = engine.run_tool("metric_query", {"metric": "orders", "filters": {"amount": "lots"}}, "zh")
    assert answer.error["code"] == "bad_filter" and "金额" in answer.answer


def test_buyers_say_how_many_customers_had_only_unpaid_orders(engine, raw_tables) -> None:
    orders = raw_tables["orders"]
    everyone = orders["customer_id"].nunique()
    unpaid_only = everyone - orders.loc[orders["status"].isin(PAID), "customer_id"].nunique()
    assert unpaid_only > 0
    answer = engine.run_tool("metric_query", {"metric": "buyers"}, "en")
    row = answer.table().iloc[0]
    assert (row["unpaid_only_customers"], row["customers_in_orders"]) == (unpaid_only, everyone)
    assert f"{unpaid_only:,}" in answer.answer and f"{everyone:,}" in answer.answer


def test_weekend_and_day_of_week_split_orders_by_when_they_were_placed(engine, raw_tables) -> None:
    orders = raw_tables["orders"]
    paid = orders[orders["status"].isin(PAID)]
    weekend = paid["order_time"].dt.dayofweek >= 5
    split = engine.run_tool("metric_query", {"metric": "gmv", "dimension": "weekday"}, "en").table()
    got = dict(zip(split["weekday"], split["gmv"]))
    assert got["weekends"] == pytest.approx(paid.loc[weekend, "pay_amount"].sum())
    assert got["weekdays"] == pytest.approx(paid.loc[~weekend, "pay_amount"].sum())
    one = engine.run_tool("metric_query", {"metric": "buyers", "filters": {"weekday": "weekend"}}, "zh")
    assert int(one.table().iloc[0]["buyers"]) == paid.loc[weekend, "customer_id"].nunique()
    assert "（周末）" in one.answer  # the value says itself, not "周末/工作日=weekend"
    days = engine.run_tool("metric_query", {"metric": "orders", "dimension": "day_of_week"}).table()
    expected = paid["order_time"].dt.dayofweek.value_counts()
    assert {int(["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].index(d.split()[0])): n
            for d, n in zip(days["day_of_week"], days["orders"])} == expected.to_dict()


def test_new_and_returning_buyers_of_a_window(engine, raw_tables) -> None:
    orders = raw_tables["orders"]
    paid = orders[orders["status"].isin(PAID)]
    first = paid.groupby("customer_id")["order_time"].min()
    end = orders["order_time"].max().normalize()
    start = (end.replace(day=1) - pd.Timedelta(days=1)).replace(day=1)  # last full month
    window = paid[(paid["order_time"] >= start) & (paid["order_time"] < end.replace(day=1))]
    returning = window["customer_id"].map(first) < start
    answer = engine.run_tool("metric_query", {"metric": "buyers", "dimension": "buyer_type", "period": "last_month"},
                             "en")
    got = dict(zip(answer.table()["buyer_type"], answer.table()["buyers"]))
    assert got == {"returning buyers": window.loc[returning, "customer_id"].nunique(),
                   "new buyers": window.loc[~returning, "customer_id"].nunique()}
    assert any(d["name"] == "by_buyer_type" for d in answer.definitions)
    gmv = engine.run_tool("metric_query", {"metric": "gmv", "period": "last_month",
                                           "filters": {"buyer_type": "returning"}}, "zh")
    assert float(gmv.table().iloc[0]["gmv"]) == pytest.approx(window.loc[returning, "pay_amount"].sum())
    assert "（老客）" in gmv.answer and "首笔已支付订单早于时间窗" in gmv.answer
    # with no window the split is over the data's last 30 days (over all data nobody bought before the window,
    # every buyer would be new), and the answer says which window it took
    defaulted = engine.run_tool("metric_query", {"metric": "buyers", "dimension": "buyer_type"}, "en")
    last_day = orders["order_time"].max().normalize()
    recent = paid[paid["order_time"] >= last_day - pd.Timedelta(days=29)]
    old = recent["customer_id"].map(first) < last_day - pd.Timedelta(days=29)
    assert dict(zip(defaulted.table()["buyer_type"], defaulted.table()["buyers"])) == {
        "returning buyers": recent.loc[old, "customer_id"].nunique(),
        "new buyers": recent.loc[~old, "customer_id"].nunique()}
    assert defaulted.answer.startswith("No window was given: new and returning buyers are told apart over the "
                                       "data's last 30 days")


def test_a_headline_figure_is_exact_with_its_wan_reading(engine, raw_tables) -> None:
    orders = raw_tables["orders"]
    total = orders.loc[orders["status"].isin(PAID), "pay_amount"].sum()
    answer = engine.run_tool("metric_query", {"metric": "gmv"}, "zh")
    assert f"¥{total:,.2f}（约{total / 1e4:.2f}万）" in answer.answer


def test_two_groups_side_by_side_say_which_is_higher_and_by_how_much(engine, raw_tables) -> None:
    # 中国八类 groups named in the filter split by those groups (not by the RFM scheme, which has neither)
    args = {"metric": "aov", "dimension": "segment", "filters": {"segment": ["重要价值客户", "重要挽留客户"]}}
    both = engine.run_tool("metric_query", args, "zh")
    table = both.table()
    assert sorted(table["segment"]) == ["重要价值客户", "重要挽留客户"]
    for name in ("重要价值客户", "重要挽留客户"):
        alone = engine.run_tool("metric_query", {"metric": "aov", "filters": {"segment": name}}).table()
        assert float(table.loc[table["segment"] == name, "aov"].iloc[0]) == pytest.approx(float(alone.iloc[0]["aov"]))
    (high_name, high), (low_name, low) = table.sort_values("aov", ascending=False)[["segment", "aov"]].values
    assert f"{high_name}（{fmt.money(high, 'zh')}）比{low_name}（{fmt.money(low, 'zh')}）高 " \
           f"{fmt.money(high - low, 'zh')}" in both.answer
    # a rate's gap is in percentage points; in English the higher one comes first
    for period in ("all", "this_year", "last_month"):
        _check_two_rates(engine, period)


def _check_two_rates(engine, period: str) -> None:
    rate = engine.run_tool("metric_query", {"metric": "refund_rate", "dimension": "source", "period": period}, "en")
    rates = rate.table().set_index("source")["refund_rate"]
    gap = abs(rates["live"] - rates["shelf"]) * 100
    assert len(rates) == 2
    if round(gap, 1) == 0:
        assert "are level" in rate.answer
    else:
        assert f"by {gap:.1f} pp" in rate.answer
        said = rate.answer.split(":", 1)[1]  # (after the heading, which names both)
        assert said.index(rates.idxmax()) < said.index(rates.idxmin())


def test_orders_of_buyers_in_no_segment_are_a_row_of_their_own(engine, raw_tables) -> None:
    orders = raw_tables["orders"]
    paid = orders[orders["status"].isin(PAID)]
    segmented = set(orders.loc[orders["status"] == "paid", "customer_id"])  # RFM reads paid orders only
    table = engine.run_tool("metric_query", {"metric": "orders", "dimension": "segment"}, "en").table()
    assert int(table["orders"].sum()) == len(paid)
    row = table[table["segment"] == "(no segment: every order refunded)"]
    assert int(row["orders"].iloc[0]) == int((~paid["customer_id"].isin(segmented)).sum()) > 0
    assert table["segment"].iloc[-1] == "(no segment: every order refunded)"  # ranked last, like the shelf's orders


def test_a_filter_of_fixed_values_takes_their_row_names_and_refuses_any_other(engine) -> None:
    gmv = {"metric": "gmv"}
    by_name = engine.run_tool("metric_query", {**gmv, "filters": {"weekday": "weekends"}}).table()["gmv"].iloc[0]
    by_key = engine.run_tool("metric_query", {**gmv, "filters": {"weekday": "weekend"}}).table()["gmv"].iloc[0]
    assert float(by_name) == pytest.approx(float(by_key)) and float(by_key) > 0
    returning = {"metric": "orders", "period": "last_month"}
    said = engine.run_tool("metric_query", {**returning, "filters": {"buyer_type": "老客"}}).table()["orders"]
    keyed = engine.run_tool("metric_query", {**returning, "filters": {"buyer_type": "returning"}}).table()["orders"]
    assert said.tolist() == keyed.tolist()
    for name, value in (("coupon", "yes"), ("source", "livestream"), ("buyer_type", "old"), ("day_of_week", "Funday")):
        answer = engine.run_tool("metric_query", {"metric": "gmv", "filters": {name: value}})
        assert answer.error["code"] == "value_not_found" and value in answer.error["message"], (name, answer.error)


def test_the_lowest_first_are_said_as_the_lowest(engine) -> None:
    answer = engine.run_tool("metric_query", {"metric": "gmv", "dimension": "region", "limit": 3, "order": "asc"},
                             "zh")
    table = answer.table()
    assert table["gmv"].is_monotonic_increasing and f"最低的是 {table['region'].iloc[0]}" in answer.answer
    assert "排名前列" not in answer.answer


def test_orders_per_buyer_and_quarters_match_pandas(engine, raw_tables) -> None:
    """"平均每个客户下几单", "GMV by quarter": paid orders over buyers, and calendar quarters, as pandas counts them."""
    orders = raw_tables["orders"]
    paid = orders[orders["status"].isin(PAID)]
    answer = engine.run_tool("metric_query", {"metric": "orders_per_buyer"}, "zh")
    expected = paid["order_id"].nunique() / paid["customer_id"].nunique()
    assert float(answer.table().iloc[0]["orders_per_buyer"]) == pytest.approx(expected)
    assert f"人均订单数为 {expected:.2f}" in answer.answer
    by_channel = engine.run_tool("metric_query", {"metric": "orders_per_buyer", "dimension": "channel"}, "en").table()
    joined = paid.merge(raw_tables["customers"][["customer_id", "channel"]], on="customer_id")
    grouped = joined.groupby("channel")
    per = (grouped["order_id"].nunique() / grouped["customer_id"].nunique()).to_dict()
    assert by_channel.set_index("channel")["orders_per_buyer"].to_dict() == pytest.approx(per, rel=1e-9)
    quarters = engine.run_tool("metric_query", {"metric": "gmv", "dimension": "quarter"}, "en").table()
    stamp = paid["order_time"].dt
    reference = paid.groupby(stamp.year.astype(str) + "-Q" + stamp.quarter.astype(str))["pay_amount"].sum()
    assert quarters.set_index("quarter")["gmv"].to_dict() == pytest.approx(reference.to_dict())


def test_first_order_value_is_the_average_of_first_orders_in_the_window(engine, raw_tables) -> None:
    """"新客首单平均金额": each customer's first-ever paid order, those falling in the window, averaged."""
    orders = raw_tables["orders"]
    paid = orders[orders["status"].isin(PAID)].sort_values(["order_time", "order_id"])
    first = paid.groupby("customer_id").head(1)
    end = orders["order_time"].max().normalize()
    start = (end.replace(day=1) - pd.Timedelta(days=1)).replace(day=1)  # last full month
    in_window = first[(first["order_time"] >= start) & (first["order_time"] < end.replace(day=1))]
    answer = engine.run_tool("metric_query", {"metric": "first_order_aov", "period": "last_month"}, "en")
    assert float(answer.table().iloc[0]["first_order_aov"]) == pytest.approx(in_window["pay_amount"].mean())
