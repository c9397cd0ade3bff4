"""Numbers for people, one set of rules for every answer.

- Chinese: amounts and counts of 10,000 or more in 万 (1e4) or 亿 (1e8) with two decimals
  (¥185.02万, 1.20亿, 1.47万 人); smaller ones with thousands separators (¥1,518, 2,142).
- English: thousands separators, no abbreviation (¥1,850,210; 14,717).
- The one figure a person asked for ("5月观看人数合计多少") is exact in Chinese too, the 万 form after it:
  75,396（约7.54万）, ¥26,987.31（约2.70万）: checkable against the source to the cent (`exact`).
- Money: two decimals below ¥1,000 (¥45.62), none from ¥1,000 up (¥1,518).
- Rates and shares: percent with one decimal everywhere (12.3%).
- Changes of a rate: percentage points with one decimal and a sign (+4.4 pp / +4.4 个百分点).
- Ratios: one decimal with a multiplier sign (3.2x / 3.2 倍).
- Other statistics (lift, AUC, averages): fixed decimals via `decimal` (lift 29.3, AUC 0.951).
A missing value (None, NaN) shows as "—".
"""

from __future__ import annotations

import math
from typing import Any


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def number(value: Any, language: str, decimals: int = 0) -> str:
    if _is_missing(value):
        return "—"
    value = float(value)
    if language == "zh" and abs(value) >= 1e8:
        return f"{value / 1e8:.2f}亿"
    if language == "zh" and abs(value) >= 1e4:
        return f"{value / 1e4:.2f}万"
    return f"{value:,.{decimals}f}"


def money(value: Any, language: str) -> str:
    if _is_missing(value):
        return "—"
    decimals = 2 if abs(float(value)) < 1000 else 0
    sign = "-" if float(value) < 0 else ""
    return sign + "¥" + number(abs(float(value)), language, decimals)


def exact(value: Any, unit: str, language: str, reading: bool = True) -> str:
    """A headline amount or count to the unit, with its 万/亿 reading after it in Chinese (unless `reading`
    is off: inside a parenthesis of its own, or beside others)."""
    if unit not in ("currency", "count") or _is_missing(value):
        return by_unit(value, unit, language)
    sign = "-" if float(value) < 0 else ""
    full = f"{sign}¥{abs(float(value)):,.2f}" if unit == "currency" else number(value, "en")
    short = by_unit(value, unit, language)
    return f"{full}（约{short.lstrip('-¥')}）" if reading and short[-1] in "万亿" else full


def percent(value: Any) -> str:
    return "—" if _is_missing(value) else f"{float(value) * 100:.1f}%"


def signed_percent(value: Any) -> str:
    """A relative change: +44.6%."""
    return "—" if _is_missing(value) else f"{float(value) * 100:+.1f}%"


def pp(value: Any, language: str) -> str:
    """A change of a rate (given as a fraction, 0.044) in percentage points: +4.4 pp / +4.4 个百分点."""
    if _is_missing(value):
        return "—"
    return f"{float(value) * 100:+.1f}" + (" 个百分点" if language == "zh" else " pp")


def decimal(value: Any, places: int = 1) -> str:
    """A statistic that is no amount, count or rate (lift 29.3, AUC 0.951, 8.4 orders on average)."""
    return "—" if _is_missing(value) else f"{float(value):.{places}f}"


def times(value: Any, language: str) -> str:
    """A ratio of two figures: 3.2x / 3.2 倍."""
    if _is_missing(value):
        return "—"
    return f"{float(value):.1f}" + (" 倍" if language == "zh" else "x")


def by_unit(value: Any, unit: str, language: str) -> str:
    if unit == "currency":
        return money(value, language)
    if unit == "rate":
        return percent(value)
    if unit == "average":  # a count per day (3.67 单): its decimals are the point
        return number(value, language, 2)
    return number(value, language)
