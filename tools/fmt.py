"""Numbers for people: 万/亿 in Chinese, thousands separators in English, rates with one decimal."""

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
    return "¥" + number(value, language, decimals)


def percent(value: Any) -> str:
    return "—" if _is_missing(value) else f"{float(value) * 100:.1f}%"


def by_unit(value: Any, unit: str, language: str) -> str:
    if unit == "currency":
        return money(value, language)
    if unit == "rate":
        return percent(value)
    return number(value, language)
