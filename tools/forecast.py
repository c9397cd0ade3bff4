"""sales_forecast: GMV, orders or buyers for the coming days/weeks/months, with intervals and a backtest.

Model (one per series, fitted on the daily series; numpy only):
  log(y_day + shift) = ridge regression on
    linear trend + day-of-week dummies + yearly Fourier terms (3 harmonics, only with >= 1.5 years
    of history) + promotion terms per shopping festival: in-window dummy, linear ramp through the
    window, peak-day dummy, and a 3-day after-peak dummy.
  shift = a tenth of the mean day (days without sales would otherwise dominate the log scale).
  The promotion calendar is fixed (618: 6/1-6/18, peak 6/18; 双11: 11/1-11/11, peak 11/11;
  双12: 12/1-12/12, peak 12/12), so future windows are known in advance; a festival enters the
  model only if some year of the history shows its peak day at >= 1.5x the 4 weeks before its
  window.  exp() of the fit is a median; it is multiplied by the mean of exp(in-sample residuals)
  (Duan's smearing) to forecast the mean, and capped at 1.5x the largest day seen.
  Weekly / monthly figures are sums of the daily forecasts; buyers are distinct per period, so the
  daily sum is scaled by the historical ratio distinct-buyers-per-period / sum of daily buyers.

Backtest: rolling origin on the data's own history: the last 3 windows of the horizon (a window is
at most 91 days / 13 weeks / 3 months), plus a window starting 7 days before the latest 618/双11
peak when the rolling windows miss it.  Each window is forecast from data before its origin and
scored with WAPE = sum|actual - forecast| / sum actual, for the model and a seasonal-naive
baseline (day: the last observed week repeated; week/month: the same period a year earlier, else
the last period).

Prediction intervals (80%): empirical 10%/90% quantiles of the backtest log errors
log(actual / forecast) at the requested grain (±1.28 x their RMS when fewer than 20),
widened by sqrt(lead / window length) beyond the
backtest window length.  Coverage is measured leave-one-window-out (each window's actuals against
intervals built from the other windows' errors).  The horizon total's interval adds up the period
bounds (errors within a window are strongly correlated, so this is the conservative choice).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

import numpy as np
import pandas as pd

from tools import catalog, definitions, fmt
from tools.context import Context
from tools.registry import tool
from tools.result import ChartSpec, Table, ToolError, ToolResult

ForecastMetric = Literal["gmv", "orders", "buyers"]
Grain = Literal["day", "week", "month"]
ForecastDimension = Literal["category", "host"]

MIN_HISTORY_DAYS = 56  # 8 weeks: less cannot separate the weekly pattern from noise
MAX_HORIZON = {"day": 366, "week": 53, "month": 12}
BACKTEST_WINDOWS = 3
BACKTEST_MAX_PERIODS = {"day": 91, "week": 13, "month": 3}
SEASON = {"week": 52, "month": 12}  # seasonal-naive lag for week/month grains
COVERAGE = 0.80
Z_80 = 1.2816  # standard normal quantile for a central 80% band
RIDGE = 1.0
YEARLY_MIN_DAYS = 548  # yearly seasonality needs 1.5 years, or it just bends the trend
SMALL_SAMPLE = 20  # fewer backtest errors than this: a normal band instead of empirical quantiles
HISTORY_TAIL = {"day": 90, "week": 26, "month": 12}


@dataclass(frozen=True)
class Promotion:
    key: str
    zh: str
    en: str
    start: tuple[int, int]  # (month, day) the promotion window opens
    peak: tuple[int, int]  # its last and biggest day


# Fixed festival calendar: known in advance, so future windows enter the forecast.  双11 pre-sales
# open around 10/20, but paid orders concentrate from 11/1 (when deposits' final payments open).
PROMOTIONS = (
    Promotion("618", "618", "618", (6, 1), (6, 18)),
    Promotion("double11", "双11", "Double 11", (11, 1), (11, 11)),
    Promotion("double12", "双12", "Double 12", (12, 1), (12, 12)),
)
# Festivals the backtest makes sure to cover (the big two).
MAJOR_PROMOTIONS = ("618", "double11")

METRIC_LABELS = {
    "gmv": ("成交额（GMV）", "GMV", "currency"),
    "orders": ("订单数", "orders", "count"),
    "buyers": ("买家数", "buyers", "count"),
}
DIMENSION_LABELS = {"category": ("品类", "category"), "host": ("主播", "host")}
GRAIN_LABELS = {"day": ("天", "days"), "week": ("周", "weeks"), "month": ("个月", "months")}


# ---------------------------------------------------------------- data


def build_daily_sql(metric: str, dimension: str | None, value: str | None, has_hosts: bool
                    ) -> tuple[str, list[Any]]:
    """Daily metric per key ('all' or a category/host) over paid statuses (data/metrics.yaml)."""
    return _series_sql(metric, dimension, value, has_hosts, "CAST(o.order_time AS DATE)")


def build_period_sql(metric: str, dimension: str | None, value: str | None, has_hosts: bool,
                     grain: str) -> tuple[str, list[Any]]:
    """The same metric per week/month: buyers are distinct within the period, not summed days."""
    return _series_sql(metric, dimension, value, has_hosts,
                       f"CAST(date_trunc('{grain}', o.order_time) AS DATE)")


def _series_sql(metric: str, dimension: str | None, value: str | None, has_hosts: bool,
                period: str) -> tuple[str, list[Any]]:
    paid = ", ".join(f"'{s}'" for s in catalog.load("metrics")["paid_statuses"])
    amount, joins, key = "o.pay_amount", "", "'all'"
    if dimension == "category":
        # category questions work on order lines: amount = the line's share of the order
        amount = "i.pay_amount"
        joins = "JOIN order_items i ON i.order_id = o.order_id JOIN products p ON p.product_id = i.product_id"
        key = "p.category"
    elif dimension == "host":
        joins = "LEFT JOIN hosts h ON h.host_id = o.host_id" if has_hosts else ""
        name = "h.host_name" if has_hosts else "'host ' || CAST(o.host_id AS VARCHAR)"
        fallback = "'host ' || CAST(o.host_id AS VARCHAR)"
        key = f"CASE WHEN o.host_id IS NULL THEN '(shelf)' ELSE coalesce({name}, {fallback}) END"
    measure = {
        "gmv": f"sum({amount})",
        "orders": "count(DISTINCT o.order_id)",
        "buyers": "count(DISTINCT o.customer_id)",
    }[metric]
    params: list[Any] = []
    where = f"o.status IN ({paid})"
    if value is not None:
        where += f" AND CAST({key} AS VARCHAR) = ?"
        params.append(value)
    sql = f"""SELECT CAST({key} AS VARCHAR) AS key, {period} AS period, {measure} AS value
FROM orders o
{joins}
WHERE {where}
GROUP BY 1, 2
ORDER BY 1, 2"""
    return sql, params


def daily_series(frame: pd.DataFrame, key: str, end: date) -> pd.Series:
    """One key's daily values on a full calendar from its first sale to `end` (missing days = 0)."""
    part = frame[frame["key"] == key]
    values = pd.Series(part["value"].to_numpy(float), index=pd.to_datetime(part["period"]))
    index = pd.date_range(values.index.min(), pd.Timestamp(end), freq="D")
    return values.reindex(index, fill_value=0.0)


# ---------------------------------------------------------------- model


def active_promotions(history: pd.Series) -> tuple[Promotion, ...]:
    """Festivals whose peak day was at least 1.5x the median of the 4 weeks before its window in
    some year of the history: the others (e.g. a 双12 the shop does not run) stay out of the model."""
    active = []
    for promo in PROMOTIONS:
        for year in range(history.index[0].year, history.index[-1].year + 1):
            peak = pd.Timestamp(year, *promo.peak)
            start = pd.Timestamp(year, *promo.start)
            before = history[(history.index >= start - pd.Timedelta(days=28)) & (history.index < start)]
            if peak in history.index and len(before) >= 14 and history[peak] >= 1.5 * max(before.mean(), 1e-9):
                active.append(promo)
                break
    return tuple(active)


def _promo_features(days: pd.DatetimeIndex, promotions: tuple[Promotion, ...]) -> np.ndarray:
    columns = [np.zeros(len(days))]
    for promo in promotions:
        start = pd.to_datetime({"year": days.year, "month": promo.start[0], "day": promo.start[1]})
        peak = pd.to_datetime({"year": days.year, "month": promo.peak[0], "day": promo.peak[1]})
        start, peak = pd.DatetimeIndex(start), pd.DatetimeIndex(peak)
        length = (peak - start).days.to_numpy(float)
        into = (days - start).days.to_numpy(float)
        inside = (into >= 0) & (days <= peak)
        after = ((days - peak).days >= 1) & ((days - peak).days <= 3)
        columns += [inside.astype(float), np.where(inside, into / np.maximum(length, 1), 0.0),
                    (days == peak).astype(float), np.asarray(after, dtype=float)]
    return np.column_stack(columns)


def design(days: pd.DatetimeIndex, origin: pd.Timestamp, yearly: bool,
           promotions: tuple[Promotion, ...]) -> np.ndarray:
    """Features for `days`; the trend counts years from the training series' first day."""
    trend = (days - origin).days.to_numpy(float) / 365.0
    dow = np.eye(7)[days.day_of_week.to_numpy()][:, 1:]
    parts = [np.ones(len(days)), trend, dow, _promo_features(days, promotions)]
    if yearly:
        angle = 2 * np.pi * days.day_of_year.to_numpy(float) / 365.25
        parts += [f(k * angle) for k in (1, 2, 3) for f in (np.sin, np.cos)]
    return np.column_stack(parts)


@dataclass
class Fit:
    coef: np.ndarray
    origin: pd.Timestamp
    yearly: bool
    promotions: tuple[Promotion, ...]
    smear: float
    shift: float
    ceiling: float  # log-scale cap: 1.5x the largest day seen

    def predict(self, days: pd.DatetimeIndex) -> np.ndarray:
        x = design(days, self.origin, self.yearly, self.promotions)
        return np.maximum(np.exp(np.minimum(x @ self.coef, self.ceiling)) * self.smear - self.shift, 0.0)


def fit(history: pd.Series) -> Fit:
    """Ridge on log(y + shift) of the daily series (intercept not penalised); see the module docstring.

    The shift (a tenth of the mean day) keeps days without sales, common for a single host who is
    not live every day, from dominating the log scale; the cap stops a short, fast-growing series
    from extrapolating its trend into absurd days."""
    days = pd.DatetimeIndex(history.index)
    values = history.to_numpy(float)
    shift = max(0.1 * float(values.mean()), 1.0)
    yearly = len(history) >= YEARLY_MIN_DAYS
    promotions = active_promotions(history)
    x = design(days, days[0], yearly, promotions)
    y = np.log(values + shift)
    penalty = RIDGE * np.eye(x.shape[1])
    penalty[0, 0] = 0.0
    coef = np.linalg.solve(x.T @ x + penalty, x.T @ y)
    residuals = y - x @ coef
    ceiling = float(np.log(1.5 * values.max() + shift))
    return Fit(coef, days[0], yearly, promotions, float(np.mean(np.exp(residuals))), shift, ceiling)


def period_start(days: pd.DatetimeIndex, grain: str) -> pd.DatetimeIndex:
    if grain == "week":
        return days.normalize() - pd.to_timedelta(days.day_of_week, unit="D")
    if grain == "month":
        return days.to_period("M").to_timestamp()
    return days


def to_periods(values: np.ndarray, days: pd.DatetimeIndex, grain: str) -> pd.Series:
    return pd.Series(values, index=days).groupby(period_start(days, grain)).sum()


def seasonal_naive(actual: pd.Series, origin: pd.Timestamp, periods: pd.DatetimeIndex, grain: str
                   ) -> np.ndarray:
    """Day: the last observed week repeated; week/month: a year earlier, else the last period."""
    before = actual[actual.index < origin]
    if grain == "day":
        last_week = before.iloc[-7:].to_numpy()
        if len(last_week) < 7:
            return np.full(len(periods), float(last_week.mean()) if len(last_week) else 0.0)
        # last_week[i] is the day origin - 7 + i, the same weekday as origin + lead when lead % 7 == i
        return last_week[(periods - origin).days.to_numpy() % 7]
    out = []
    for period in periods:
        earlier = period - (pd.DateOffset(weeks=SEASON[grain]) if grain == "week"
                            else pd.DateOffset(months=SEASON[grain]))
        out.append(before.get(earlier, before.iloc[-1]))
    return np.asarray(out, float)


@dataclass
class Series:
    """Everything the model needs for one key."""

    key: str
    daily: pd.Series  # daily values up to the anchor
    actual: pd.Series  # values at the requested grain, complete periods only
    ratio: pd.Series  # per complete period: grain value / sum of daily values (1 except buyers)


def make_series(key: str, daily: pd.Series, period_values: pd.Series | None, grain: str,
                anchor: date) -> Series:
    summed = daily.groupby(period_start(pd.DatetimeIndex(daily.index), grain)).sum()
    last_full = pd.Timestamp(anchor) + pd.Timedelta(days=1)
    # complete periods only: a period begun before the first sale or running past the anchor is dropped
    ends = period_end(pd.DatetimeIndex(summed.index), grain)
    complete = summed[(summed.index >= daily.index[0]) & (ends <= last_full)]
    actual = complete if period_values is None else period_values.reindex(complete.index, fill_value=0.0)
    ratio = (actual / complete.replace(0, np.nan)).fillna(1.0)
    return Series(key, daily, actual, ratio)


def period_end(starts: pd.DatetimeIndex, grain: str) -> pd.DatetimeIndex:
    """The day after each period's last day."""
    if grain == "week":
        return starts + pd.Timedelta(days=7)
    if grain == "month":
        return starts + pd.offsets.MonthBegin(1)
    return starts + pd.Timedelta(days=1)


def forecast_periods(model: Fit, series: Series, first_day: pd.Timestamp, periods: pd.DatetimeIndex,
                     grain: str) -> np.ndarray:
    """Model forecast for whole periods (or the remaining days of a period begun before `first_day`)."""
    last = period_end(periods[-1:], grain)[0] - pd.Timedelta(days=1)
    days = pd.date_range(first_day, last, freq="D")
    summed = to_periods(model.predict(days), days, grain).reindex(periods, fill_value=0.0)
    before = series.ratio[series.ratio.index < first_day]
    factor = float(before.iloc[-12:].median()) if len(before) else 1.0
    return summed.to_numpy() * factor


# ---------------------------------------------------------------- backtest


def backtest_windows(series: Series, grain: str, horizon: int) -> list[tuple[str, pd.DatetimeIndex]]:
    """(kind, periods) for the rolling windows plus, if missed, a window across the latest peak."""
    length = min(horizon, BACKTEST_MAX_PERIODS[grain])
    periods = pd.DatetimeIndex(series.actual.index)
    first = pd.Timestamp(series.daily.index[0])
    windows: list[tuple[str, pd.DatetimeIndex]] = []
    for k in range(BACKTEST_WINDOWS, 0, -1):
        lo = len(periods) - k * length
        if lo < 0 or (periods[lo] - first).days < MIN_HISTORY_DAYS:
            continue
        windows.append(("rolling", periods[lo:lo + length]))
    peak = _latest_peak(periods, first, grain)
    if peak is not None and not any(peak in _days(w, grain) for _, w in windows):
        origin = period_start(pd.DatetimeIndex([peak - pd.Timedelta(days=7)]), grain)[0]
        window = periods[periods >= origin][:length]
        if len(window) and (window[0] - first).days >= MIN_HISTORY_DAYS:
            windows.append(("peak", window))
    return windows


def _days(periods: pd.DatetimeIndex, grain: str) -> pd.DatetimeIndex:
    return pd.date_range(periods[0], period_end(periods[-1:], grain)[0] - pd.Timedelta(days=1))


def _latest_peak(periods: pd.DatetimeIndex, first: pd.Timestamp, grain: str) -> pd.Timestamp | None:
    """The latest 618/双11 peak in the complete periods with a year of training data before it."""
    if not len(periods):
        return None
    end = period_end(periods[-1:], grain)[0]
    peaks = [pd.Timestamp(year, p.peak[0], p.peak[1]) for p in PROMOTIONS if p.key in MAJOR_PROMOTIONS
             for year in range(first.year, end.year + 1)]
    usable = [p for p in peaks if p < end and (p - first).days >= 365]
    return max(usable) if usable else None


def run_backtest(series: Series, grain: str, horizon: int) -> pd.DataFrame:
    rows = []
    for number, (kind, periods) in enumerate(backtest_windows(series, grain, horizon), start=1):
        origin = periods[0]
        model = fit(series.daily[series.daily.index < origin])
        predicted = forecast_periods(model, series, origin, periods, grain)
        naive = seasonal_naive(series.actual, origin, periods, grain)
        rows.append(pd.DataFrame({
            "window": number, "kind": kind, "origin": origin.date(), "period": periods.date,
            "lead": np.arange(1, len(periods) + 1), "actual": series.actual.reindex(periods).to_numpy(),
            "forecast": predicted, "naive": naive,
        }))
    columns = ["window", "kind", "origin", "period", "lead", "actual", "forecast", "naive"]
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=columns)


def wape(actual: np.ndarray, predicted: np.ndarray) -> float:
    total = float(np.sum(np.abs(actual)))
    return float(np.sum(np.abs(actual - predicted)) / total) if total else float("nan")


def log_errors(frame: pd.DataFrame) -> np.ndarray:
    ok = (frame["actual"] > 0) & (frame["forecast"] > 0)
    return np.log(frame.loc[ok, "actual"].to_numpy(float) / frame.loc[ok, "forecast"].to_numpy(float))


def quantile_band(errors: np.ndarray) -> tuple[float, float]:
    """Log-scale (low, high) offsets of the 80% band: empirical quantiles of the backtest errors,
    or ±z·RMS error when there are few of them (a handful of monthly errors); ±30% with none."""
    if len(errors) == 0:
        return float(np.log(0.7)), float(np.log(1.3))
    tail = (1 - COVERAGE) / 2
    if len(errors) < SMALL_SAMPLE:
        spread = Z_80 * float(np.sqrt(np.mean(errors ** 2)))
        return -spread, spread
    return float(np.quantile(errors, tail)), float(np.quantile(errors, 1 - tail))


def coverage(backtest: pd.DataFrame) -> float | None:
    """Leave-one-window-out share of backtest actuals inside the band built from other windows."""
    hits, total = 0, 0
    for number in backtest["window"].unique():
        own = backtest[backtest["window"] == number]
        low, high = quantile_band(log_errors(backtest[backtest["window"] != number]))
        inside = (own["actual"] >= own["forecast"] * np.exp(low)) & (own["actual"] <= own["forecast"] * np.exp(high))
        hits += int(inside.sum())
        total += len(own)
    return hits / total if total else None


# ---------------------------------------------------------------- forecast of one series


@dataclass
class Outcome:
    series: Series
    forecast: pd.DataFrame  # period, days, forecast, lower, upper
    backtest: pd.DataFrame
    model_wape: float
    naive_wape: float
    coverage: float | None
    promotions: tuple[Promotion, ...]  # festivals the final model found in the history


def forecast_series(series: Series, grain: str, horizon: int, anchor: date) -> Outcome:
    backtest = run_backtest(series, grain, horizon)
    model = fit(series.daily)
    first_day = pd.Timestamp(anchor) + pd.Timedelta(days=1)
    start = period_start(pd.DatetimeIndex([first_day]), grain)[0]
    periods = pd.date_range(start, periods=horizon, freq={"day": "D", "week": "7D", "month": "MS"}[grain])
    predicted = forecast_periods(model, series, first_day, periods, grain)
    low, high = quantile_band(log_errors(backtest))
    window_len = max(int(backtest.groupby("window").size().max()) if len(backtest) else 1, 1)
    widen = np.sqrt(np.maximum(np.arange(1, horizon + 1) / window_len, 1.0))
    ends = period_end(periods, grain)
    days = ((ends - np.maximum(periods, first_day)).days).to_numpy()
    frame = pd.DataFrame({
        "period": periods.date, "days": days, "forecast": predicted,
        "lower": predicted * np.exp(low * widen), "upper": predicted * np.exp(high * widen),
    })
    model_err = wape(backtest["actual"].to_numpy(float), backtest["forecast"].to_numpy(float))
    naive_err = wape(backtest["actual"].to_numpy(float), backtest["naive"].to_numpy(float))
    return Outcome(series, frame, backtest, model_err, naive_err, coverage(backtest), model.promotions)


def upcoming_peaks(first_day: date, last_day: date, promotions: tuple[Promotion, ...]
                   ) -> list[tuple[Promotion, date]]:
    found = []
    for year in range(first_day.year, last_day.year + 2):
        for promo in promotions:
            day = date(year, *promo.peak)
            if day >= first_day:
                found.append((promo, day))
    return sorted(found, key=lambda item: item[1])


# ---------------------------------------------------------------- the tool


@tool
def sales_forecast(
    ctx: Context,
    metric: ForecastMetric = "gmv",
    horizon: int = 30,
    grain: Grain = "day",
    dimension: ForecastDimension | None = None,
    value: str | None = None,
    limit: int = 5,
) -> ToolResult:
    """What will GMV, orders or buyers be? Forecast for coming days/weeks/months with 80% intervals.

    618/双11 peaks modelled; backtest errors reported. Future only; past trends are metric_query.
    Args:
        metric: gmv (default) | orders | buyers.
        horizon: periods ahead (default 30; max 366 days, 53 weeks, 12 months).
        grain: day (default) | week | month.
        dimension: category | host: also forecast the top ones; default none.
        value: one category or host name (needs dimension), e.g. "美妆护肤".
        limit: top categories/hosts (default 5).
    Example: "预测未来30天的GMV" -> {"horizon": 30};
        "Monthly orders for the next 3 months" -> {"metric": "orders", "grain": "month", "horizon": 3}
    """
    wh = ctx.warehouse
    wh.require_tables("orders")
    if dimension == "category":
        wh.require_tables("order_items", "products")
    horizon, clipped = _check_arguments(ctx, horizon, grain, dimension, value, limit)
    anchor = wh.anchor_date
    has_hosts = wh.has_table("hosts")
    sql, params = build_daily_sql(metric, dimension if value else None, value, has_hosts)
    sqls = [sql]
    frame = wh.df(sql, params)
    if frame.empty:
        _unknown_value(ctx, dimension, value, metric, has_hosts)
    key = "all" if value is None else value
    total = _outcome(ctx, key, frame, metric, dimension if value else None, value, grain, horizon,
                     anchor, has_hosts, sqls)
    by_dimension: list[Outcome] = []
    if dimension and value is None:
        by_dimension = _dimension_outcomes(ctx, metric, dimension, grain, horizon, limit, anchor,
                                           has_hosts, sqls)
    return _present(ctx, metric, grain, horizon, clipped, dimension, value, total, by_dimension,
                    anchor, sqls)


def _check_arguments(ctx: Context, horizon: int, grain: str, dimension: str | None, value: str | None,
                     limit: int) -> tuple[int, bool]:
    if horizon < 1:
        raise ToolError("bad_arguments", f"horizon must be at least 1 (got {horizon}).",
                        f"horizon 至少为 1（当前为 {horizon}）。")
    if limit < 1:
        raise ToolError("bad_arguments", f"limit must be at least 1 (got {limit}).",
                        f"limit 至少为 1（当前为 {limit}）。")
    if value is not None and dimension is None:
        raise ToolError("bad_arguments", "value needs a dimension (category or host).",
                        "指定 value 时需要同时给出 dimension（category 或 host）。")
    if dimension == "host":
        ctx.warehouse.require_column("orders", "host_id")
    return min(horizon, MAX_HORIZON[grain]), horizon > MAX_HORIZON[grain]


def _unknown_value(ctx: Context, dimension: str | None, value: str | None, metric: str,
                   has_hosts: bool) -> None:
    if value is None:
        raise ToolError("no_data", "There are no paid orders to forecast from.", "没有已支付订单，无法预测。")
    sql, params = build_daily_sql(metric, dimension, None, has_hosts)
    known = sorted(ctx.warehouse.df(f"SELECT DISTINCT key FROM ({sql}) t", params)["key"].astype(str))
    dim_zh, dim_en = DIMENSION_LABELS[dimension or "category"]
    raise ToolError("unknown_value", f"No paid orders for {dim_en} '{value}'. Known: {', '.join(known)}.",
                    f"没有{dim_zh}“{value}”的已支付订单。可选：{'、'.join(known)}。")


def _outcome(ctx: Context, key: str, frame: pd.DataFrame, metric: str, dimension: str | None,
             value: str | None, grain: str, horizon: int, anchor: date, has_hosts: bool,
             sqls: list[str]) -> Outcome:
    daily = daily_series(frame, key, anchor)
    if len(daily) < MIN_HISTORY_DAYS:
        raise ToolError(
            "insufficient_history",
            f"Only {len(daily)} days of sales history; a forecast needs at least {MIN_HISTORY_DAYS} days "
            "(8 weeks) to learn the weekly pattern. Import a longer order history.",
            f"只有 {len(daily)} 天的销售历史，预测至少需要 {MIN_HISTORY_DAYS} 天（8 周）来学习周规律。"
            "请导入更长的订单历史。",
        )
    period_values = _period_values(ctx, metric, dimension, value, has_hosts, grain, key, sqls)
    series = make_series(key, daily, period_values, grain, anchor)
    return forecast_series(series, grain, horizon, anchor)


def _period_values(ctx: Context, metric: str, dimension: str | None, value: str | None,
                   has_hosts: bool, grain: str, key: str, sqls: list[str],
                   cache: dict[str, pd.DataFrame] | None = None) -> pd.Series | None:
    """Distinct buyers per week/month (other metrics are sums of days, computed in pandas)."""
    if metric != "buyers" or grain == "day":
        return None
    if cache is not None and "frame" in cache:
        frame = cache["frame"]
    else:
        sql, params = build_period_sql(metric, dimension, value, has_hosts, grain)
        sqls.append(sql)
        frame = ctx.warehouse.df(sql, params)
        if cache is not None:
            cache["frame"] = frame
    part = frame[frame["key"] == key]
    return pd.Series(part["value"].to_numpy(float), index=pd.to_datetime(part["period"]))


def _dimension_outcomes(ctx: Context, metric: str, dimension: str, grain: str, horizon: int,
                        limit: int, anchor: date, has_hosts: bool, sqls: list[str]) -> list[Outcome]:
    sql, params = build_daily_sql(metric, dimension, None, has_hosts)
    sqls.append(sql)
    frame = ctx.warehouse.df(sql, params)
    recent = frame[pd.to_datetime(frame["period"]) > pd.Timestamp(anchor) - pd.Timedelta(days=365)]
    ranked = recent.groupby("key")["value"].sum().sort_values(ascending=False, kind="stable")  # ties: key order
    cache: dict[str, pd.DataFrame] = {}
    outcomes = []
    for key in ranked.index[:limit]:
        daily = daily_series(frame, str(key), anchor)
        if len(daily) < MIN_HISTORY_DAYS:
            continue  # too new to forecast; the answer lists only the forecast ones
        values = _period_values(ctx, metric, dimension, None, has_hosts, grain, str(key), sqls, cache)
        series = make_series(str(key), daily, values, grain, anchor)
        outcomes.append(forecast_series(series, grain, horizon, anchor))
    return outcomes


# ---------------------------------------------------------------- presentation


def _present(ctx: Context, metric: str, grain: str, horizon: int, clipped: bool, dimension: str | None,
             value: str | None, total: Outcome, by_dimension: list[Outcome], anchor: date,
             sqls: list[str]) -> ToolResult:
    fc = total.forecast.copy()
    first_day = anchor + timedelta(days=1)
    last_day = first_day + timedelta(days=int(fc["days"].sum()) - 1)
    for col in ("forecast", "lower", "upper"):
        fc[col] = fc[col].round(2)
    history = _history_table(total, grain)
    backtest = _backtest_table(total.backtest)
    tables = [Table("forecast", fc), Table("history", history), Table("backtest", backtest)]
    chart_frame = _chart_frame(ctx, history, fc)
    tables.append(Table("forecast_chart", chart_frame))
    if by_dimension:
        tables.append(Table("by_dimension", _dimension_table(by_dimension, dimension or "category")))
    name_zh, name_en, unit = METRIC_LABELS[metric]
    scope = _scope(ctx, dimension, value)
    title = ctx.t(f"{scope}{name_zh}预测", f"{name_en} forecast{scope}")
    chart = ChartSpec("line", title, "forecast_chart", "period", "value", "series")
    peaks = _peaks_in(fc, grain, first_day, last_day, total.promotions)
    answer = _answer(ctx, metric, grain, horizon, clipped, total, by_dimension, dimension, value,
                     first_day, last_day, peaks)
    params = {
        "metric": metric, "grain": grain, "horizon": horizon, "dimension": dimension, "value": value,
        "window": {"start": str(first_day), "end": str(last_day)}, "anchor_date": str(anchor),
        "model_wape": _round(total.model_wape), "naive_wape": _round(total.naive_wape),
        "wape_ratio": _round(total.model_wape / total.naive_wape) if total.naive_wape else None,
        "interval_coverage": _round(total.coverage), "nominal_coverage": COVERAGE,
        # figures the answer and recommendations derive, so each cited number is in the result
        "peaks": [{"promotion": p.en, "day": str(d), "forecast": round(float(v), 2), "multiple": round(float(m), 2)}
                  for p, d, v, m in peaks],
        "next_peak": None if peaks else _next_peak(first_day, total.promotions),
        "weekday_average": _weekday_extremes(fc, grain),
        "interval_quantiles": [round((1 - COVERAGE) / 2, 4), round(1 - (1 - COVERAGE) / 2, 4)],
        "small_sample": SMALL_SAMPLE,
        "upper_over_forecast": _round(fc["upper"].sum() / fc["forecast"].sum() - 1) if fc["forecast"].sum() else None,
    }
    recs = _recommendations(ctx, metric, unit, total, by_dimension, peaks, grain)
    used = [definitions.metric(metric, ctx.language)] if metric in catalog.metrics() else []
    return ToolResult(answer, tables, [chart], sqls, params, recs, definitions=used)


def _round(x: float | None) -> float | None:
    return None if x is None or np.isnan(x) else round(float(x), 6)


def _scope(ctx: Context, dimension: str | None, value: str | None) -> str:
    if value is None:
        return ctx.t("", "")
    dim_zh, dim_en = DIMENSION_LABELS[dimension or "category"]
    return ctx.t(f"{dim_zh}“{value}”", f" for {dim_en} {value}")


def _history_table(outcome: Outcome, grain: str) -> pd.DataFrame:
    tail = outcome.series.actual.iloc[-HISTORY_TAIL[grain]:]
    return pd.DataFrame({"period": pd.DatetimeIndex(tail.index).date, "actual": tail.to_numpy().round(2)})


def _backtest_table(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for col in ("actual", "forecast", "naive"):
        out[col] = out[col].astype(float).round(2)
    return out


def _chart_frame(ctx: Context, history: pd.DataFrame, fc: pd.DataFrame) -> pd.DataFrame:
    names = {"actual": ctx.t("历史", "history"), "forecast": ctx.t("预测", "forecast"),
             "lower": ctx.t("下限(80%)", "lower (80%)"), "upper": ctx.t("上限(80%)", "upper (80%)")}
    parts = [pd.DataFrame({"period": history["period"], "value": history["actual"], "series": names["actual"]})]
    for col in ("forecast", "lower", "upper"):
        parts.append(pd.DataFrame({"period": fc["period"], "value": fc[col], "series": names[col]}))
    return pd.concat(parts, ignore_index=True)


def _dimension_table(outcomes: list[Outcome], dimension: str) -> pd.DataFrame:
    rows = []
    for o in outcomes:
        rows.append({
            dimension: o.series.key,
            "last_period_actual": round(float(o.series.actual.iloc[-1]), 2) if len(o.series.actual) else None,
            "forecast": round(float(o.forecast["forecast"].sum()), 2),
            "lower": round(float(o.forecast["lower"].sum()), 2),
            "upper": round(float(o.forecast["upper"].sum()), 2),
            "model_wape": _round(o.model_wape), "naive_wape": _round(o.naive_wape),
        })
    return pd.DataFrame(rows)


def _peaks_in(fc: pd.DataFrame, grain: str, first_day: date, last_day: date,
              promotions: tuple[Promotion, ...]) -> list[tuple[Promotion, date, float, float]]:
    """(promotion, peak day, forecast of its period, its multiple of the median period)."""
    out = []
    median = float(fc["forecast"].median()) or 1.0
    starts = pd.DatetimeIndex(pd.to_datetime(fc["period"]))
    for promo, day in upcoming_peaks(first_day, last_day, promotions):
        if day > last_day:
            break
        period = period_start(pd.DatetimeIndex([pd.Timestamp(day)]), grain)[0]
        value = float(fc["forecast"].to_numpy()[starts == period][0])
        out.append((promo, day, value, value / median))
    return out


def _answer(ctx: Context, metric: str, grain: str, horizon: int, clipped: bool, total: Outcome,
            by_dimension: list[Outcome], dimension: str | None, value: str | None,
            first_day: date, last_day: date, peaks: list[tuple[Promotion, date, float, float]]) -> str:
    lang = ctx.language
    name_zh, name_en, unit = METRIC_LABELS[metric]
    fc = total.forecast
    point, low, high = (float(fc[c].sum()) for c in ("forecast", "lower", "upper"))
    show = lambda x: fmt.by_unit(x, unit, lang)  # noqa: E731
    g_zh, g_en = GRAIN_LABELS[grain]
    scope = _scope(ctx, dimension, value)
    buyers_note = ctx.t("（各期买家数相加，跨期重复购买的客户会被重复计数）",
                        " (buyers per period added up: a customer buying in two periods counts twice)"
                        ) if metric == "buyers" else ""
    head = ctx.t(
        f"预计未来 {horizon} {g_zh}（{first_day} 至 {last_day}）{scope}{name_zh}为 {show(point)}{buyers_note}，"
        f"80% 预测区间 {show(low)} – {show(high)}。",
        f"Forecast {name_en}{scope} for the next {horizon} {g_en} ({first_day} to {last_day}): {show(point)}"
        f"{buyers_note}, 80% prediction interval {show(low)} – {show(high)}.",
    )
    parts = [head]
    if clipped:
        parts.append(ctx.t(f"预测期最长为 {MAX_HORIZON[grain]} {g_zh}，已截断。",
                           f"The horizon is capped at {MAX_HORIZON[grain]} {g_en}."))
    parts.append(_backtest_sentence(ctx, total))
    parts.append(_peak_sentence(ctx, peaks, first_day, unit, total.promotions))
    if by_dimension:
        dim_zh, dim_en = DIMENSION_LABELS[dimension or "category"]
        items = "；".join if lang == "zh" else "; ".join
        listed = items([f"{o.series.key} {show(o.forecast['forecast'].sum())}" for o in by_dimension])
        parts.append(ctx.t(f"按{dim_zh}（前 {len(by_dimension)} 个）：{listed}。",
                           f"By {dim_en} (top {len(by_dimension)}): {listed}."))
    promos_zh = "、" + "/".join(p.zh for p in total.promotions) + " 活动窗口与峰值日" if total.promotions else ""
    promos_en = ", " + "/".join(p.en for p in total.promotions) + " windows and peak days" if total.promotions else ""
    parts.append(ctx.t(
        f"口径：GMV/订单/买家只计已支付与已退款订单。模型：对数尺度回归（趋势、星期、年度季节{promos_zh}）；"
        f"区间取回测误差的 10%/90% 分位数（误差少于 {SMALL_SAMPLE} 个时按均方根误差的正态区间；"
        "超出回测窗口长度按 √期数放宽），"
        "合计区间为各期上下限之和。",
        f"Definition: GMV/orders/buyers count paid and refunded orders. Model: log-scale regression (trend, "
        f"weekday, yearly seasonality{promos_en}); intervals are the 10%/90% quantiles of backtest errors "
        f"(a normal band from their RMS with fewer than {SMALL_SAMPLE}; widened by √ of the lead beyond the "
        "backtest window), the total's interval adds up the period bounds.",
    ))
    return "\n".join(parts)


def _backtest_sentence(ctx: Context, total: Outcome) -> str:
    bt = total.backtest
    if bt.empty:
        return ctx.t("历史太短，无法回测；区间按 ±30% 给出。",
                     "The history is too short to backtest; the interval is ±30%.")
    windows = int(bt["window"].nunique())
    covered = _backtest_peaks(bt, total)
    with_zh = f"，含 {'、'.join(p.zh for p, _ in covered)} 峰值" if covered else ""
    with_en = f", including the {', '.join(f'{p.en} peak ({d})' for p, d in covered)}" if covered else ""
    ratio = total.model_wape / total.naive_wape if total.naive_wape else float("nan")
    cov = fmt.percent(total.coverage)
    sentence = ctx.t(
        f"回测（{windows} 个历史窗口{with_zh}）：模型误差 WAPE {fmt.percent(total.model_wape)}，"
        f"季节性朴素基线（{_naive_zh(bt)}）{fmt.percent(total.naive_wape)}，误差为基线的 {fmt.decimal(ratio, 2)} 倍；"
        f"80% 区间的实测覆盖率 {cov}。",
        f"Backtest ({windows} windows of history{with_en}): model WAPE "
        f"{fmt.percent(total.model_wape)} vs {fmt.percent(total.naive_wape)} for the seasonal-naive baseline "
        f"({_naive_en(bt)}), a ratio of {fmt.decimal(ratio, 2)}; the 80% interval covered {cov} of backtest actuals.",
    )
    if not ratio < 1:
        sentence += ctx.t("模型在回测中没有跑赢基线（这条序列波动大，如主播并非每天开播）：请把预测当作粗略参考。",
                          " The model did not beat the baseline on this series (it is erratic, e.g. a host who "
                          "is not live every day): treat the forecast as a rough guide.")
    return sentence


def _backtest_peaks(bt: pd.DataFrame, total: Outcome) -> list[tuple[Promotion, date]]:
    """Festival peak days that fall inside a backtest window."""
    grain = "day" if _is_daily(bt) else ("week" if _is_weekly(bt) else "month")
    periods = pd.DatetimeIndex(pd.to_datetime(bt["period"]).unique())
    days = pd.DatetimeIndex(np.unique(np.concatenate([_days(periods[[i]], grain) for i in range(len(periods))])))
    first, last = days[0].date(), days[-1].date()
    return [(p, d) for p, d in upcoming_peaks(first, last, total.promotions)
            if d <= last and pd.Timestamp(d) in days]


def _is_weekly(bt: pd.DataFrame) -> bool:
    periods = pd.to_datetime(bt["period"])
    return len(periods) > 1 and (periods.iloc[1] - periods.iloc[0]).days == 7


def _naive_zh(bt: pd.DataFrame) -> str:
    return "上周同日" if _is_daily(bt) else "去年同期"


def _naive_en(bt: pd.DataFrame) -> str:
    return "same day last week" if _is_daily(bt) else "same period last year"


def _is_daily(bt: pd.DataFrame) -> bool:
    periods = pd.to_datetime(bt["period"])
    return len(periods) < 2 or (periods.iloc[1] - periods.iloc[0]).days == 1


def _next_peak(first_day: date, promotions: tuple[Promotion, ...]) -> dict[str, Any] | None:
    """The next promotion peak after the horizon starts (within 400 days), counted in days from today."""
    ahead = upcoming_peaks(first_day, first_day + timedelta(days=400), promotions)
    if not ahead:
        return None
    promo, day = ahead[0]
    return {"promotion": promo.en, "day": str(day), "days_ahead": (day - first_day).days + 1}


def _weekday_extremes(fc: pd.DataFrame, grain: str) -> dict[str, Any] | None:
    """The weekdays with the highest and lowest mean daily forecast (first four weeks)."""
    if grain != "day" or len(fc) < 7:
        return None
    weekday = pd.Series(fc["forecast"].to_numpy(), index=pd.to_datetime(fc["period"])).iloc[:28]
    by_dow = weekday.groupby(weekday.index.day_of_week).mean()
    best, worst = int(by_dow.idxmax()), int(by_dow.idxmin())
    return {"best": {"weekday": best, "mean": round(float(by_dow[best]), 2)},
            "worst": {"weekday": worst, "mean": round(float(by_dow[worst]), 2)}}


def _peak_sentence(ctx: Context, peaks: list[tuple[Promotion, date, float, float]], first_day: date,
                   unit: str, promotions: tuple[Promotion, ...]) -> str:
    lang = ctx.language
    if peaks:
        items = [ctx.t(f"{p.zh}（{d}）预测 {fmt.by_unit(v, unit, lang)}，为中位水平的 {fmt.times(m, 'zh')}",
                       f"{p.en} ({d}): {fmt.by_unit(v, unit, lang)}, {fmt.times(m, 'en')} the median period")
                 for p, d, v, m in peaks]
        return ctx.t("预测期内的大促峰值：" + "；".join(items) + "。", "Promotion peaks in the horizon: "
                     + "; ".join(items) + ".")
    ahead = _next_peak(first_day, promotions)
    if not ahead:
        return ctx.t("历史数据中没有明显的大促峰值，预测未计入大促。",
                     "The history shows no promotion peak, so none is built into the forecast.")
    promo = next(p for p in promotions if p.en == ahead["promotion"])
    day, days = ahead["day"], ahead["days_ahead"]
    return ctx.t(f"预测期内没有大促峰值；下一个是 {promo.zh}（{day}，{days} 天后）。",
                 f"No promotion peak falls in the horizon; the next is {promo.en} on {day}, in {days} days.")


def _recommendations(ctx: Context, metric: str, unit: str, total: Outcome, by_dimension: list[Outcome],
                     peaks: list[tuple[Promotion, date, float, float]], grain: str) -> list[str]:
    lang = ctx.language
    fc = total.forecast
    show = lambda x: fmt.by_unit(x, unit, lang)  # noqa: E731
    recs = [ctx.t(
        f"备货按预测 {show(fc['forecast'].sum())} 准备，并按 80% 上限 {show(fc['upper'].sum())} 预留安全库存"
        f"（多出 {fmt.percent(fc['upper'].sum() / fc['forecast'].sum() - 1)}）。",
        f"Stock for the forecast {show(fc['forecast'].sum())} and keep safety stock up to the 80% upper bound "
        f"{show(fc['upper'].sum())} ({fmt.percent(fc['upper'].sum() / fc['forecast'].sum() - 1)} more).",
    )]
    for promo, day, value, multiple in peaks:
        if multiple >= 1.5:
            recs.append(ctx.t(
                f"{promo.zh}峰值（{day}）预测 {show(value)}，是平常的 {fmt.times(multiple, 'zh')}：提前备货，"
                "把转化最高的主播排在峰值当天和前几天的黄金时段，并加开场次。",
                f"The {promo.en} peak ({day}) is forecast at {show(value)}, "
                f"{fmt.times(multiple, 'en')} a normal period: "
                "stock up early, put the best-converting hosts on the peak day and the days before, add sessions.",
            ))
    if extremes := _weekday_extremes(fc, grain):
        best, worst = extremes["best"]["weekday"], extremes["worst"]["weekday"]
        by_dow = {best: extremes["best"]["mean"], worst: extremes["worst"]["mean"]}
        names_zh = "一二三四五六日"
        names_en = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
        recs.append(ctx.t(
            f"星期{names_zh[best]}的日均预测最高（{show(by_dow[best])}），星期{names_zh[worst]}最低"
            f"（{show(by_dow[worst])}）：主力主播与新品排在星期{names_zh[best]}，星期{names_zh[worst]}安排培养期主播。",
            f"{names_en[best]} has the highest forecast daily average ({show(by_dow[best])}), {names_en[worst]} the "
            f"lowest ({show(by_dow[worst])}): schedule the lead hosts and launches on {names_en[best]}s.",
        ))
    if by_dimension:
        top = max(by_dimension, key=lambda o: o.forecast["forecast"].sum())
        share = top.forecast["forecast"].sum() / max(fc["forecast"].sum(), 1e-9)
        recs.append(ctx.t(
            f"{top.series.key} 预计贡献 {show(top.forecast['forecast'].sum())}（占合计 {fmt.percent(share)}）："
            "优先保障其库存与排期。",
            f"{top.series.key} is forecast at {show(top.forecast['forecast'].sum())} ({fmt.percent(share)} of the "
            "total): secure its stock and slots first.",
        ))
    return recs
