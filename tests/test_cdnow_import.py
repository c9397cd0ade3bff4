"""The public CDNOW sample, imported as an operator would upload it, in two layouts (tests/cdnow_layouts.py):
the raw English columns with integer dates, and a GBK file with Chinese headers. Questions in both
languages; every number equals pandas on the same rows.

Definitions the pandas side follows (data/metrics.yaml): every row is a paid order (no status column);
zero-amount orders are orders and buyers that add nothing to GMV; identical rows are separate orders
(no order id column); periods are calendar windows.
"""

from __future__ import annotations

import pandas as pd
import pytest

from tests.cdnow_layouts import sample_path, transactions, write_layouts

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def truth() -> pd.DataFrame:
    path = sample_path()
    if path is None:
        pytest.skip("the lifetimes package (dev group) carries the CDNOW data")
    rows = transactions(path)
    return rows.assign(day=pd.to_datetime(rows["date"].astype(str), format="%Y%m%d"))


@pytest.fixture(scope="module", params=["raw", "gbk"])
def cdnow(request, tmp_path_factory, truth):
    from assistant.engine import Engine
    from assistant.ingest.workspace import import_dataset

    home = tmp_path_factory.mktemp(f"cdnow-{request.param}")
    mp = pytest.MonkeyPatch()
    mp.setenv("ASSISTANT_HOME", str(home / "home"))
    files = write_layouts(home, sample_path())
    result = import_dataset(files[request.param])
    engine = Engine(result.dataset.path)
    yield request.param, result, engine
    engine.close()
    mp.undo()


def number(answer, metric: str) -> float:
    return float(answer.tables[0].df[metric].iat[0])  # (other columns: sample sizes, other definitions)


def test_both_layouts_import_every_row_and_keep_zero_amount_orders(cdnow, truth) -> None:
    layout, result, _ = cdnow
    report = result.report
    assert report.rows_loaded["orders"] == len(truth) and report.rejected.empty
    assert report.rows_loaded["customers"] == truth["customer_id"].nunique()
    assert report.zero_amount_orders == int((truth["dollar_value"] == 0).sum()) > 0
    summary = report.summary("en")
    assert f"{report.zero_amount_orders:,} zero-amount orders" in summary
    mapping = {m.kind: m for m in result.mappings}["orders"].roles
    assert mapping["order_time"].column in ("date", "购买日期")
    assert mapping["pay_amount"].column in ("dollar_value", "消费金额")


@pytest.mark.parametrize("question, metric, pandas_value", [
    ("How many customers bought?", "buyers", lambda t: t["customer_id"].nunique()),
    ("有多少购买客户", "buyers", lambda t: t["customer_id"].nunique()),
    ("订单数是多少", "orders", len),
    ("What is total revenue?", "gmv", lambda t: t["dollar_value"].sum()),
    ("客单价是多少", "aov", lambda t: t["dollar_value"].sum() / len(t)),
    ("average order value in 1997", "aov",
     lambda t: t.loc[t.day.dt.year == 1997, "dollar_value"].sum() / (t.day.dt.year == 1997).sum()),
    ("1997年第一季度的GMV", "gmv", lambda t: t.loc[t.day < "1997-04-01", "dollar_value"].sum()),
    ("1998年的订单数", "orders", lambda t: (t.day.dt.year == 1998).sum()),
    ("1997年2月新客有多少", "new_customers",
     lambda t: (t.groupby("customer_id").day.min().dt.to_period("M") == "1997-02").sum()),
    ("1997年的复购率", "repurchase_rate",
     lambda t: (t[t.day.dt.year == 1997].groupby("customer_id").size() >= 2).mean()),
])
def test_single_numbers_equal_pandas(cdnow, truth, question, metric, pandas_value) -> None:
    _, _, engine = cdnow
    answer = engine.ask(question)
    assert answer.ok and answer.tool_calls[0].name == "metric_query", (question, answer.answer)
    assert answer.tool_calls[0].args.get("metric", "gmv") == metric and not answer.not_applied
    assert number(answer, metric) == pytest.approx(float(pandas_value(truth)), rel=1e-6)


def test_top_customers_by_spend_and_by_orders(cdnow, truth) -> None:
    _, _, engine = cdnow
    spend = truth.groupby("customer_id")["dollar_value"].sum().sort_values(ascending=False)
    answer = engine.ask("消费金额最高的5个客户")
    table = answer.table()
    assert answer.tool_calls[0].args["dimension"] == "customer" and len(table) == 5
    assert table["gmv"].tolist() == pytest.approx(spend.head(5).tolist())
    assert [int(c) for c in table["customer"]] == [int(c) for c in spend.head(5).index]
    orders = truth.groupby("customer_id").size().sort_values(ascending=False)
    answer = engine.ask("Top 10 customers by number of orders")
    assert answer.table()["orders"].tolist() == orders.head(10).tolist()  # counts; ties may swap ids


def test_revenue_by_month_and_buyers_by_month(cdnow, truth) -> None:
    _, _, engine = cdnow
    month = truth.day.dt.strftime("%Y-%m")
    answer = engine.ask("按月看销售额")
    got = answer.table().set_index("month")["gmv"]
    assert got.to_dict() == pytest.approx(truth.groupby(month)["dollar_value"].sum().to_dict())
    answer = engine.ask("buyers by month")
    got = answer.table().set_index("month")["buyers"]
    assert got.to_dict() == truth.groupby(month)["customer_id"].nunique().to_dict()


def test_month_on_month_change_compares_calendar_months(cdnow, truth) -> None:
    _, _, engine = cdnow
    answer = engine.ask("GMV in March 1997 compared with the previous month")
    table = answer.table()
    march = truth.loc[truth.day.dt.strftime("%Y-%m") == "1997-03", "dollar_value"].sum()
    february = truth.loc[truth.day.dt.strftime("%Y-%m") == "1997-02", "dollar_value"].sum()
    assert answer.tool_calls[0].args["compare"] == "previous_period"
    assert table.iloc[0]["gmv"] == pytest.approx(march)
    assert f"{round(february):,}" in answer.answer.replace("¥", "")


def test_a_months_new_customers_90_day_repurchase(cdnow, truth) -> None:
    _, _, engine = cdnow
    answer = engine.ask("1997年1月新客的90天复购率")
    call = answer.tool_calls[0]
    assert call.name == "cohort_retention" and call.args["days"] == [90] and call.args["period"] == "1997-01"
    days = truth.sort_values("day", kind="stable").groupby("customer_id").day.apply(list)
    january = days[days.map(lambda d: d[0].strftime("%Y-%m") == "1997-01")]
    # the second paid order's day counted from the first one's (a same-day second order counts)
    came_back = january.map(lambda d: len(d) >= 2 and (d[1] - d[0]).days <= 90)
    expected = came_back.mean()
    assert f"{expected:.1%}" in answer.answer


def test_customers_silent_for_more_than_n_days_as_of_a_date(cdnow, truth) -> None:
    _, _, engine = cdnow
    answer = engine.ask("截至1998-06-30，超过180天没买的客户有多少")
    call = answer.tool_calls[0]
    assert call.name == "lifecycle_stages" and call.args["churn_days"] == 180 and not answer.not_applied
    last = truth.groupby("customer_id").day.max()
    silent = int(((pd.Timestamp("1998-06-30") - last).dt.days > 180).sum())
    table = answer.table()
    churned = table.loc[table[table.columns[0]].astype(str).str.contains("churned|流失期", regex=True)]
    assert silent in churned.select_dtypes("number").iloc[0].tolist()


def test_rfm_segments_cover_every_buyer(cdnow, truth) -> None:
    _, _, engine = cdnow
    answer = engine.ask("各RFM分群有多少人")
    table = answer.table()
    count = next(c for c in table.columns if c in ("customers", "人数", "size", "count"))
    assert int(table[count].sum()) == truth["customer_id"].nunique()


def test_buyers_by_how_often_they_bought_equal_pandas(cdnow, truth) -> None:
    _, _, engine = cdnow
    per_customer = truth.groupby("customer_id").size()
    once = engine.ask("How many customers only ever bought once?")
    assert once.tool_calls[0].args["metric"] == "one_time_buyers" and not once.not_applied
    assert int(once.table().iloc[0]["one_time_buyers"]) == int((per_customer == 1).sum())
    repeat = engine.ask("What share of customers ordered more than once?")
    assert repeat.tool_calls[0].args["metric"] == "repurchase_rate" and not repeat.not_applied
    assert float(repeat.table().iloc[0]["repurchase_rate"]) == pytest.approx((per_customer >= 2).mean())


def test_a_condition_no_tool_applies_is_named(cdnow) -> None:
    _, _, engine = cdnow
    answer = engine.ask("How many customers bought in the evening?")
    assert any(d["kind"] == "condition" for d in answer.not_applied)
    assert answer.answer.startswith("⚠️ Not applied: “evening”")
