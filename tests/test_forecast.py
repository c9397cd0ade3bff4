"""sales_forecast: the series against pandas, the backtest errors recomputed, the planted 618/双11
peaks recovered (in the backtest and in a forecast that reaches the next 618), intervals, edges."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from data.demo import PLANTED
from tests.conftest import dataset_file
from tools import fmt

PAID = ("paid", "refunded")


@pytest.fixture(scope="module")
def paid_orders(raw_tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    orders = raw_tables["orders"]
    paid = orders[orders["status"].astype(str).isin(PAID)].copy()
    paid["day"] = pd.to_datetime(paid["order_time"]).dt.normalize()
    return paid


@pytest.fixture(scope="module")
def default_en(engine):
    began = time.perf_counter()
    answer = engine.run_tool("sales_forecast", {}, "en")
    return answer, time.perf_counter() - began


def _anchor(paid: pd.DataFrame) -> pd.Timestamp:
    return paid["day"].max()


def _peak(key: str, year: int) -> pd.Timestamp:
    month, day = PLANTED["promo_windows"][key][1]
    return pd.Timestamp(year, month, day)


def test_daily_series_matches_pandas(default_en, paid_orders) -> None:
    answer, _ = default_en
    assert answer.ok, answer.error
    daily = paid_orders.groupby("day")["pay_amount"].sum()
    history = answer.table("history")
    assert len(history) == 90
    expected = daily.reindex(pd.to_datetime(history["period"]), fill_value=0.0).to_numpy()
    np.testing.assert_allclose(history["actual"].astype(float), expected, atol=0.01)
    backtest = answer.table("backtest")
    expected = daily.reindex(pd.to_datetime(backtest["period"]), fill_value=0.0).to_numpy()
    np.testing.assert_allclose(backtest["actual"].astype(float), expected, atol=0.01)
    # the forecast starts the day after the last order and runs `horizon` days
    forecast = answer.table("forecast")
    assert len(forecast) == 30
    assert pd.Timestamp(forecast["period"].iat[0]) == _anchor(paid_orders) + pd.Timedelta(days=1)


def test_orders_and_weekly_buyers_match_pandas(engine, paid_orders) -> None:
    orders = engine.run_tool("sales_forecast", {"metric": "orders"}, "en")
    assert orders.ok, orders.error
    history = orders.table("history")
    counts = paid_orders.groupby("day")["order_id"].nunique()
    np.testing.assert_array_equal(history["actual"].astype(int),
                                  counts.reindex(pd.to_datetime(history["period"]), fill_value=0).to_numpy())
    weekly = engine.run_tool("sales_forecast", {"metric": "buyers", "grain": "week", "horizon": 8}, "en")
    assert weekly.ok, weekly.error
    week = paid_orders["day"] - pd.to_timedelta(paid_orders["day"].dt.day_of_week, unit="D")
    buyers = paid_orders.assign(week=week).groupby("week")["customer_id"].nunique()
    history = weekly.table("history")
    np.testing.assert_array_equal(history["actual"].astype(int),
                                  buyers.reindex(pd.to_datetime(history["period"])).to_numpy())
    # complete weeks only: the last one ends on or before the anchor
    assert pd.Timestamp(history["period"].iat[-1]) + pd.Timedelta(days=6) <= _anchor(paid_orders)
    assert len(weekly.table("forecast")) == 8


def test_backtest_errors_recomputed(default_en, paid_orders) -> None:
    answer, _ = default_en
    bt = answer.table("backtest")
    params = answer.tool_calls[0].resolved
    model = (bt["actual"] - bt["forecast"]).abs().sum() / bt["actual"].sum()
    naive = (bt["actual"] - bt["naive"]).abs().sum() / bt["actual"].sum()
    assert params["model_wape"] == pytest.approx(model, abs=1e-3)
    assert params["naive_wape"] == pytest.approx(naive, abs=1e-3)
    assert params["wape_ratio"] == pytest.approx(model / naive, abs=1e-3)
    # seasonal naive = the value 7·k days earlier, from the last observed week before the origin
    daily = paid_orders.groupby("day")["pay_amount"].sum()
    for origin, window in bt.groupby("origin"):
        origin = pd.Timestamp(origin)
        lead = (pd.to_datetime(window["period"]) - origin).dt.days.to_numpy()
        source = origin - pd.Timedelta(days=7) + pd.to_timedelta(lead % 7, unit="D")
        np.testing.assert_allclose(window["naive"].astype(float), daily.reindex(source).to_numpy(), atol=0.01)
    # rolling windows end at the anchor, back to back
    rolling = bt[bt["kind"] == "rolling"]
    assert pd.Timestamp(rolling["period"].max()) == _anchor(paid_orders)
    assert rolling.groupby("window").size().eq(30).all()


def test_model_beats_seasonal_naive(default_en) -> None:
    answer, seconds = default_en
    ratio = answer.tool_calls[0].resolved["wape_ratio"]
    print(f"model/naive WAPE ratio {ratio:.2f}, {seconds:.2f}s")
    assert ratio < 0.8
    assert seconds < 3.0


def test_backtest_recovers_planted_double11_peak(default_en, paid_orders) -> None:
    """With the demo's anchor (2026-11-15) the last 30-day window starts 10-17 and spans 11/11."""
    answer, _ = default_en
    bt = answer.table("backtest")
    peak = _peak("double11", _anchor(paid_orders).year)
    window = bt[bt["window"] == bt.loc[pd.to_datetime(bt["period"]) == peak, "window"].iat[0]]
    at = window[pd.to_datetime(window["period"]) == peak].iloc[0]
    normal = window[~pd.to_datetime(window["period"]).dt.month.eq(11)]
    actual_x = at["actual"] / normal["actual"].median()
    model_x = at["forecast"] / normal["forecast"].median()
    naive_x = at["naive"] / normal["naive"].median()
    print(f"11/11 vs a normal day: actual {actual_x:.1f}x, model {model_x:.1f}x, naive {naive_x:.1f}x")
    assert actual_x > 3
    assert model_x > 2.5
    assert naive_x < 1.5
    assert at["forecast"] > 2.5 * at["naive"]
    assert abs(at["forecast"] - at["actual"]) < abs(at["naive"] - at["actual"]) / 2
    assert "Double 11" in answer.answer


def test_forecast_recovers_planted_618_window(engine, paid_orders) -> None:
    """The next peak after the anchor is 618: a horizon reaching it must show the ramp and the spike."""
    first = _anchor(paid_orders) + pd.Timedelta(days=1)
    peak = _peak("618", first.year + 1)
    horizon = (peak - first).days + 5
    answer = engine.run_tool("sales_forecast", {"horizon": horizon}, "en")
    assert answer.ok, answer.error
    fc = answer.table("forecast").assign(period=lambda f: pd.to_datetime(f["period"]))
    start = pd.Timestamp(peak.year, *PLANTED["promo_windows"]["618"][0])
    series = fc.set_index("period")["forecast"]
    outside = series[(series.index < start - pd.Timedelta(days=14)) & (series.index >= "2027-03-01")]
    ramp = series[(series.index >= start) & (series.index < peak)]
    assert series[peak] > 3 * outside.median()
    assert ramp.mean() > 1.3 * outside.median()
    assert series[peak + pd.Timedelta(days=1)] < 0.5 * series[peak]
    assert "618" in answer.answer and str(peak.date()) in answer.answer
    assert any("618" in r for r in answer.recommendations)


def _coverage(bt: pd.DataFrame) -> float:
    """Leave-one-window-out: each window's actuals against the 10-90% band of the others' log errors."""
    bt = bt.assign(err=np.log(bt["actual"] / bt["forecast"]))
    hits = 0
    for number, own in bt.groupby("window"):
        others = bt.loc[bt["window"] != number, "err"]
        low, high = np.quantile(others, 0.1), np.quantile(others, 0.9)
        hits += int(own["err"].between(low, high).sum())
    return hits / len(bt)


def test_interval_coverage(default_en) -> None:
    answer, _ = default_en
    params = answer.tool_calls[0].resolved
    bt = answer.table("backtest")
    assert params["interval_coverage"] == pytest.approx(_coverage(bt), abs=0.02)
    print(f"80% interval coverage on the backtest: {params['interval_coverage']:.1%}")
    assert 0.6 <= params["interval_coverage"] <= 0.95
    fc = answer.table("forecast")
    assert (fc["lower"] <= fc["forecast"]).all() and (fc["forecast"] <= fc["upper"]).all()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_answers_cite_the_numbers(engine, default_en, lang) -> None:
    answer = engine.run_tool("sales_forecast", {}, lang) if lang == "zh" else default_en[0]
    fc = answer.table("forecast")
    params = answer.tool_calls[0].resolved
    for value in (fc["forecast"].sum(), fc["lower"].sum(), fc["upper"].sum()):
        assert fmt.money(value, lang) in answer.answer
    for rate in (params["model_wape"], params["naive_wape"], params["interval_coverage"]):
        assert fmt.percent(rate) in answer.answer
    assert f"{params['wape_ratio']:.2f}" in answer.answer
    assert any(fmt.money(fc["upper"].sum(), lang) in r for r in answer.recommendations)
    assert ("618" in answer.answer) and ("2027-06-18" in answer.answer)  # the next peak, outside 30 days


def test_by_category_sums_to_total(engine) -> None:
    answer = engine.run_tool("sales_forecast", {"dimension": "category", "limit": 50}, "en")
    assert answer.ok, answer.error
    total = answer.table("forecast")["forecast"].sum()
    parts = answer.table("by_dimension")
    share = parts["forecast"].sum() / total
    print(f"sum of category forecasts / total forecast = {share:.3f}")
    assert share == pytest.approx(1.0, abs=0.05)
    one = engine.run_tool("sales_forecast", {"dimension": "category", "value": parts["category"].iat[0]}, "zh")
    assert one.ok, one.error
    assert one.table("forecast")["forecast"].sum() == pytest.approx(parts["forecast"].iat[0], rel=1e-6)
    top = engine.run_tool("sales_forecast", {"dimension": "host", "limit": 3}, "en")
    assert len(top.table("by_dimension")) == 3


def test_monthly_grain_and_horizon_cap(engine) -> None:
    answer = engine.run_tool("sales_forecast", {"metric": "orders", "grain": "month", "horizon": 40}, "en")
    assert answer.ok, answer.error
    assert len(answer.table("forecast")) == 12
    assert "capped at 12 months" in answer.answer
    assert answer.tool_calls[0].resolved["horizon"] == 12


def test_argument_errors(engine) -> None:
    assert engine.run_tool("sales_forecast", {"dimension": "category", "value": "火星特产"}, "en").error["code"] \
        == "unknown_value"
    assert engine.run_tool("sales_forecast", {"value": "美妆护肤"}, "en").error["code"] == "bad_arguments"
    assert engine.run_tool("sales_forecast", {"horizon": 0}, "en").error["code"] == "bad_arguments"
    assert engine.run_tool("sales_forecast", {"grain": "year"}, "en").error["code"] == "bad_arguments"


def _small_db(path: Path, days: int) -> Path:
    rng = np.random.default_rng(1)
    start = date(2026, 1, 1)
    n = days * 5
    frame = pd.DataFrame({  # noqa: F841 (read by DuckDB by name)
        "order_id": np.arange(n), "customer_id": rng.integers(1, 50, n),
        "order_time": pd.Timestamp(start) + pd.to_timedelta(np.arange(n) % days, unit="D") + pd.Timedelta(hours=12),
        "status": "paid", "pay_amount": rng.uniform(20, 200, n),
    })
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE orders AS SELECT * FROM frame")
    con.close()
    return path


def test_short_history_and_missing_tables(tmp_path: Path) -> None:
    from assistant.engine import Engine

    short = Engine(_small_db(tmp_path / "short.duckdb", 30))
    try:
        answer = short.run_tool("sales_forecast", {}, "zh")
        assert answer.error["code"] == "insufficient_history"
        assert "30 天" in answer.error["message"]
    finally:
        short.close()
    enough = Engine(_small_db(tmp_path / "enough.duckdb", 70))
    try:
        answer = enough.run_tool("sales_forecast", {"horizon": 14}, "en")
        assert answer.ok, answer.error
        assert len(answer.table("forecast")) == 14
        assert enough.run_tool("sales_forecast", {"dimension": "category"}, "en").error["code"] == "missing_table"
        assert enough.run_tool("sales_forecast", {"dimension": "host"}, "en").error["code"] == "missing_column"
    finally:
        enough.close()


def test_backtest_adds_a_window_across_the_latest_peak(demo_db: Path, tmp_path: Path) -> None:
    """Cut the demo at 2026-10-15: the rolling windows (07-18..10-15) miss every peak, so a window
    from a week before the 2026 618 is added, and the model forecasts the planted spike there."""

    from assistant.engine import Engine

    copy = dataset_file(tmp_path / "cut.duckdb", "DELETE FROM orders WHERE order_time >= TIMESTAMP '2026-10-16'",
                        source=demo_db)
    cut = Engine(copy)
    try:
        answer = cut.run_tool("sales_forecast", {}, "en")
    finally:
        cut.close()
    assert answer.ok, answer.error
    bt = answer.table("backtest")
    peak_window = bt[bt["kind"] == "peak"]
    peak = _peak("618", 2026)
    assert pd.Timestamp(peak_window["origin"].iat[0]) == peak - pd.Timedelta(days=7)
    at = peak_window[pd.to_datetime(peak_window["period"]) == peak].iloc[0]
    after = peak_window[pd.to_datetime(peak_window["period"]) > peak + pd.Timedelta(days=3)]
    print(f"618 in the peak window: actual {at['actual'] / after['actual'].median():.1f}x, "
          f"model {at['forecast'] / after['forecast'].median():.1f}x, "
          f"naive {at['naive'] / after['naive'].median():.1f}x")
    assert at["forecast"] > 2.5 * after["forecast"].median()
    assert at["naive"] < 1.5 * after["naive"].median()
    assert "618 peak (2026-06-18)" in answer.answer
