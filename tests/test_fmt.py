"""Golden cases for tools/fmt.py: the one set of number rules every answer uses."""

from __future__ import annotations

import math

import pytest

from tools import fmt


@pytest.mark.parametrize(("value", "language", "expected"), [
    (1_850_210, "zh", "185.02万"),
    (1_850_210, "en", "1,850,210"),
    (120_000_000, "zh", "1.20亿"),
    (120_000_000, "en", "120,000,000"),
    (9_999, "zh", "9,999"),  # under 1万: separators, no unit
    (10_000, "zh", "1.00万"),
    (2_142, "en", "2,142"),
    (0, "en", "0"),
    (None, "en", "—"),
    (math.nan, "zh", "—"),
])
def test_number(value, language, expected):
    assert fmt.number(value, language) == expected


@pytest.mark.parametrize(("value", "language", "expected"), [
    (1_850_210, "zh", "¥185.02万"),
    (1_850_210, "en", "¥1,850,210"),
    (1_518.4, "en", "¥1,518"),  # no cents from ¥1,000 up
    (45.6234, "en", "¥45.62"),  # two decimals below ¥1,000
    (45.6234, "zh", "¥45.62"),
    (336_000_000, "zh", "¥3.36亿"),
    (-12.5, "en", "-¥12.50"),  # the sign before the currency symbol
    (None, "zh", "—"),
])
def test_money(value, language, expected):
    assert fmt.money(value, language) == expected


@pytest.mark.parametrize(("value", "expected"), [
    (0.123, "12.3%"), (0.1, "10.0%"), (1, "100.0%"), (0.00049, "0.0%"), (None, "—"),
])
def test_percent_has_one_decimal(value, expected):
    assert fmt.percent(value) == expected


def test_signed_percent_and_percentage_points():
    assert fmt.signed_percent(0.446) == "+44.6%"
    assert fmt.signed_percent(-0.05) == "-5.0%"
    assert fmt.pp(0.044, "en") == "+4.4 pp"
    assert fmt.pp(0.044, "zh") == "+4.4 个百分点"
    assert fmt.pp(-0.0123, "en") == "-1.2 pp"
    assert fmt.pp(None, "en") == "—"


def test_times():
    assert fmt.times(3.2, "en") == "3.2x"
    assert fmt.times(3.24, "zh") == "3.2 倍"
    assert fmt.times(None, "zh") == "—"


def test_by_unit_follows_the_metric_unit():
    assert fmt.by_unit(67_218_299, "currency", "zh") == "¥6721.83万"
    assert fmt.by_unit(0.304, "rate", "en") == "30.4%"
    assert fmt.by_unit(199_602, "count", "en") == "199,602"


def test_the_figure_asked_for_is_exact_with_its_reading_after_it() -> None:
    assert fmt.exact(26987.31, "currency", "zh") == "¥26,987.31（约2.70万）"
    assert fmt.exact(26987.31, "currency", "en") == "¥26,987.31"
    assert fmt.exact(75396, "count", "zh") == "75,396（约7.54万）"
    assert fmt.exact(75396, "count", "zh", reading=False) == "75,396"
    assert fmt.exact(746, "count", "zh") == "746"
    assert fmt.exact(0.123, "rate", "zh") == "12.3%"
