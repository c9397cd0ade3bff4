"""Averages per calendar day, week or month (日均, 周均, 月均) for metric_query.

A daily average is the window's total divided by the calendar days it spans inside the data, days without a
single order included: dividing by the days that had orders flatters a shop with quiet days. A weekly average
divides by days / 7; a monthly one by the months covered, each partly covered month as its share of days.
Split by weekend/weekday or day of the week (or filtered to them), each group divides by its own days: "平均每个
周三" is the Wednesdays' total over the number of Wednesdays. Split by week or month, each period by its own.
A distinct count (buyers) does not add up over days, so its daily average is the mean of each day's own count.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from typing import Any, Literal

import pandas as pd

from tools import catalog
from tools.result import ToolError
from tools.timewindow import Window

Per = Literal["day", "week", "month"]

# The calendar columns a group key can come from: the same keys the metric dimensions write in SQL.
_CALENDAR_KEYS = ("weekday", "day_of_week", "week", "month")


def rule() -> dict[str, Any]:
    return catalog.load("metrics")["per_period"]


def spec(metric_spec: dict[str, Any], per: str) -> dict[str, Any]:
    """The metric as its average is named and shown: 日均成交额, "Average daily orders" (2 decimals, not whole)."""
    names = rule()["names"][per]
    en = metric_spec["en"]
    en = en[0].lower() + en[1:] if en[1:2].islower() else en  # "Orders" -> "orders", "GMV" stays
    return {**metric_spec, "zh": names["zh"] + metric_spec["zh"], "en": f"{names['en']} {en}",
            "unit": "average" if metric_spec["unit"] == "count" else metric_spec["unit"], "per": per}


def check(metric: str, dimension: str | None, per: str, compare: str | None) -> None:
    """Raise an error the model (and a person) can act on where an average per period has no meaning."""
    spec = rule()
    if metric not in spec["metrics"]:
        allowed = ", ".join(spec["metrics"])
        raise ToolError("bad_argument",
                        f"{metric} is a ratio or an average already: it has no average per {per}. "
                        f"Averages per day, week or month: {allowed}.",
                        f"{metric} 本身是比率或平均值，没有“日均/周均/月均”。可以算日均的有：{allowed}。")
    if dimension == per or (dimension in ("day", "week") and per == "month") or (dimension == "day" and per == "week"):
        raise ToolError("bad_argument",
                        f"Split by {dimension}, each row is already one {dimension}: ask without the average, "
                        f"or split by a longer period (week, month).",
                        f"按{dimension}拆分时每一行已经是一个{dimension}的合计：去掉“日均”再问，或按更长的周期拆分。")
    if metric in spec["distinct"] and (per != "day" or dimension not in (None, *_CALENDAR_KEYS)):
        raise ToolError("bad_argument",
                        f"{metric} is a count of distinct people, so it is averaged per day only, for the whole "
                        "shop or by weekday, week or month. Ask for the total instead, or per day without the split.",
                        f"{metric} 是去重人数，只能算日均（全店，或按周末/星期几/周/月拆分）；可改问合计人数。")
    if compare is not None and dimension is not None:
        raise ToolError("bad_argument",
                        "An average per period is compared over time for one figure, not per group: ask without "
                        "the split, or without the comparison.",
                        "日均的环比/同比只支持单个数值，不支持分组：去掉拆分或去掉对比再问。")


def covered(window: Window, first: date | None, last: date) -> tuple[date, date]:
    """The window's days inside the data: a month the data only half covers is averaged over the half."""
    start = max(d for d in (window.start, first) if d is not None) if (window.start or first) else last
    end = min(window.end, last) if window.end else last
    if first is None or end < start:
        raise ToolError("no_data",
                        f"The data runs from {first} to {last}: {window.label_en} has no days in it, "
                        "so there is no average to give.",
                        f"数据覆盖 {first} 至 {last}：{window.label_zh}不在其中，没有可计算的日均。")
    return start, end


def days_table(start: date, end: date, filters: dict[str, Any], day_labels: tuple[str, ...]) -> pd.DataFrame:
    """One row per calendar day in [start, end], with the keys the calendar dimensions give it, narrowed by a
    weekend/weekday or day-of-week filter."""
    days = [start + timedelta(n) for n in range((end - start).days + 1)]
    table = pd.DataFrame({
        "day": [d.isoformat() for d in days],
        "weekday": ["weekend" if d.weekday() >= 5 else "weekday" for d in days],
        "day_of_week": [day_labels[d.weekday()] for d in days],
        "week": [(d - timedelta(d.weekday())).isoformat() for d in days],
        "month": [d.strftime("%Y-%m") for d in days],
        "month_share": [1 / calendar.monthrange(d.year, d.month)[1] for d in days],
    })
    for key in ("weekday", "day_of_week"):
        if key in filters:
            wanted = filters[key] if isinstance(filters[key], list) else [filters[key]]
            table = table[table[key].isin([str(v) for v in wanted])]
    return table


def length(days: pd.DataFrame, per: str) -> float:
    if per == "day":
        return float(len(days))
    if per == "week":
        return len(days) / 7
    return float(days["month_share"].sum())


def average(frame: pd.DataFrame, dimension: str | None, per: str, days: pd.DataFrame,
            daily: pd.DataFrame | None = None) -> pd.DataFrame:
    """The frame (grp, value, …) with value the average per `per`, `total` the window's figure and `periods`
    the days (weeks, months) it is divided by. `daily`: a distinct count's figure per day (grp = the day), whose
    mean over the days is its daily average."""
    frame = frame.assign(total=frame["value"])  # the window's figure, as asked without the average
    if daily is not None:
        per_day = days[["day", *_CALENDAR_KEYS]].merge(
            daily.assign(day=daily["grp"].astype(str).str[:10])[["day", "value"]], on="day", how="left")
        per_day["value"] = per_day["value"].fillna(0)
        key = dimension if dimension in _CALENDAR_KEYS else None
        sums = per_day.groupby(key)["value"].sum() if key else pd.Series({"all": per_day["value"].sum()})
        frame["value"] = frame["grp"].map(lambda g: float(sums.get(_key(g), 0.0)))
    if dimension in _CALENDAR_KEYS:
        lengths = {str(k): length(g, per) for k, g in days.groupby(dimension)}
        frame["periods"] = frame["grp"].map(lambda g: lengths.get(_key(g)))
    else:
        frame["periods"] = length(days, per)
    frame["value"] = frame["value"].astype(float) / frame["periods"].where(frame["periods"] > 0)
    return frame


def _key(group: Any) -> str:
    """A week's group is a date in SQL; the calendar keys it by its ISO text."""
    return group.isoformat()[:10] if hasattr(group, "isoformat") else str(group)
