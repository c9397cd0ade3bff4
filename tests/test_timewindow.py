"""Period tokens -> date windows (tools/timewindow.py)."""

from __future__ import annotations

import datetime
from datetime import date

import pytest

from tools.timewindow import (
    PeriodError,
    Window,
    add_months,
    previous_window,
    resolve_period,
    year_earlier_window,
)

ANCHOR = date(2026, 11, 15)  # a Sunday; the demo data's last order date
DATA_START = date(2024, 9, 1)


def window(token: str | None, anchor: date = ANCHOR) -> tuple[date | None, date | None]:
    resolved = resolve_period(token, anchor, DATA_START)
    return resolved.start, resolved.end


def d(text: str) -> date:
    return date.fromisoformat(text)


# --- unbounded -----------------------------------------------------------------------------


@pytest.mark.parametrize("token", [None, "all", "ALL", "  all  "])
def test_all(token) -> None:
    resolved = resolve_period(token, ANCHOR, DATA_START)
    assert (resolved.start, resolved.end) == (None, None)
    assert resolved.token == "all"
    assert "2024-09-01" in resolved.label_zh and "2026-11-15" in resolved.label_en


def test_all_without_data_start() -> None:
    resolved = resolve_period(None, ANCHOR)
    assert resolved.start is None and "2026-11-15" in resolved.label_en


# --- single days ---------------------------------------------------------------------------


def test_today_and_yesterday() -> None:
    assert window("today") == (ANCHOR, ANCHOR)
    assert window("Yesterday") == (d("2026-11-14"), d("2026-11-14"))
    assert window("yesterday", d("2024-03-01")) == (d("2024-02-29"), d("2024-02-29"))  # leap day
    assert window("yesterday", d("2025-01-01")) == (d("2024-12-31"), d("2024-12-31"))


# --- rolling windows -------------------------------------------------------------------------


@pytest.mark.parametrize("token, start", [
    ("last_1_days", "2026-11-15"),
    ("last_7_days", "2026-11-09"),
    ("last_30_days", "2026-10-17"),
    ("last_90_days", "2026-08-18"),
    ("LAST_30_DAYS", "2026-10-17"),
    (" last_30_days ", "2026-10-17"),
    ("last_1_day", "2026-11-15"),
    ("last_1_weeks", "2026-11-09"),
    ("last_2_weeks", "2026-11-02"),
    ("last_1_months", "2026-10-16"),
    ("last_2_months", "2026-09-16"),
    ("last_12_months", "2025-11-16"),
])
def test_rolling(token: str, start: str) -> None:
    assert window(token) == (d(start), ANCHOR)


def test_rolling_months_clamp_month_ends() -> None:
    # 2025-03-31 minus one month is 2025-02-28 (clamped), so the window starts on 03-01.
    assert window("last_1_months", d("2025-03-31")) == (d("2025-03-01"), d("2025-03-31"))
    # Leap year: 2024-03-31 minus one month is 2024-02-29.
    assert window("last_1_months", d("2024-03-31")) == (d("2024-03-01"), d("2024-03-31"))
    assert window("last_2_months", d("2024-04-30")) == (d("2024-03-01"), d("2024-04-30"))
    assert window("last_12_months", d("2024-02-29")) == (d("2023-03-01"), d("2024-02-29"))


def test_rolling_label() -> None:
    resolved = resolve_period("last_30_days", ANCHOR)
    assert resolved.label_zh == "最近30天（2026-10-17 至 2026-11-15）"
    assert resolved.label_en == "last 30 days (2026-10-17 to 2026-11-15)"


# --- calendar periods to date -----------------------------------------------------------------


@pytest.mark.parametrize("token, start", [
    ("this_week", "2026-11-09"),  # Monday
    ("wtd", "2026-11-09"),
    ("this_month", "2026-11-01"),
    ("mtd", "2026-11-01"),
    ("this_quarter", "2026-10-01"),
    ("QTD", "2026-10-01"),
    ("this_year", "2026-01-01"),
    ("ytd", "2026-01-01"),
])
def test_to_date(token: str, start: str) -> None:
    assert window(token) == (d(start), ANCHOR)


def test_this_week_on_a_monday_is_one_day() -> None:
    assert window("this_week", d("2026-11-09")) == (d("2026-11-09"), d("2026-11-09"))


def test_aliases_resolve_to_canonical_tokens() -> None:
    assert resolve_period("mtd", ANCHOR).token == "this_month"
    assert resolve_period("YTD", ANCHOR).token == "this_year"


# --- previous full calendar periods ---------------------------------------------------------------


@pytest.mark.parametrize("token, anchor, start, end", [
    ("last_week", "2026-11-15", "2026-11-02", "2026-11-08"),
    ("last_week", "2026-11-09", "2026-11-02", "2026-11-08"),  # anchor on a Monday
    ("last_week", "2026-01-02", "2025-12-22", "2025-12-28"),  # across the year end
    ("last_month", "2026-11-15", "2026-10-01", "2026-10-31"),
    ("last_month", "2026-01-10", "2025-12-01", "2025-12-31"),
    ("last_month", "2024-03-31", "2024-02-01", "2024-02-29"),  # leap February
    ("last_month", "2025-03-01", "2025-02-01", "2025-02-28"),
    ("last_quarter", "2026-11-15", "2026-07-01", "2026-09-30"),
    ("last_quarter", "2026-02-01", "2025-10-01", "2025-12-31"),
    ("last_year", "2026-11-15", "2025-01-01", "2025-12-31"),
])
def test_previous_full_periods(token: str, anchor: str, start: str, end: str) -> None:
    assert window(token, d(anchor)) == (d(start), d(end))


# --- explicit dates -------------------------------------------------------------------------------


@pytest.mark.parametrize("token, start, end, canonical", [
    ("2025", "2025-01-01", "2025-12-31", "2025"),
    ("2026", "2026-01-01", "2026-11-15", "2026"),  # clipped to the anchor
    ("2025-06", "2025-06-01", "2025-06-30", "2025-06"),
    ("2025-6", "2025-06-01", "2025-06-30", "2025-06"),
    ("2024-02", "2024-02-01", "2024-02-29", "2024-02"),  # leap year
    ("2025-02", "2025-02-01", "2025-02-28", "2025-02"),
    ("2025-12", "2025-12-01", "2025-12-31", "2025-12"),
    ("2026-11", "2026-11-01", "2026-11-15", "2026-11"),  # clipped
    ("2025-Q1", "2025-01-01", "2025-03-31", "2025-Q1"),
    ("2025-q3", "2025-07-01", "2025-09-30", "2025-Q3"),
    ("2025Q4", "2025-10-01", "2025-12-31", "2025-Q4"),
    ("2026-Q4", "2026-10-01", "2026-11-15", "2026-Q4"),  # clipped
    ("2025-06-18", "2025-06-18", "2025-06-18", "2025-06-18"),
    ("2024-02-29", "2024-02-29", "2024-02-29", "2024-02-29"),
    ("2025-06-01..2025-06-18", "2025-06-01", "2025-06-18", "2025-06-01..2025-06-18"),
    ("2025-06-01 .. 2025-06-18", "2025-06-01", "2025-06-18", "2025-06-01..2025-06-18"),
    ("2026-11-01..2026-12-31", "2026-11-01", "2026-11-15", "2026-11-01..2026-12-31"),  # clipped
])
def test_explicit(token: str, start: str, end: str, canonical: str) -> None:
    resolved = resolve_period(token, ANCHOR)
    assert (resolved.start, resolved.end) == (d(start), d(end))
    assert resolved.token == canonical


def test_explicit_labels() -> None:
    assert resolve_period("2025-06", ANCHOR).label_zh == "2025年6月（2025-06-01 至 2025-06-30）"
    assert resolve_period("2025-06", ANCHOR).label_en == "June 2025 (2025-06-01 to 2025-06-30)"
    assert resolve_period("2025-Q3", ANCHOR).label_en.startswith("Q3 2025")
    assert resolve_period("2025-Q3", ANCHOR).label_zh.startswith("2025年第3季度")
    assert resolve_period("2025-06-18", ANCHOR).label_en == "2025-06-18"
    assert resolve_period("2025-06-01..2025-06-18", ANCHOR).label_zh == "2025-06-01 至 2025-06-18"


# --- month:N and quarter:N --------------------------------------------------------------------------


@pytest.mark.parametrize("token, anchor, start, end", [
    ("month:1", "2026-11-15", "2026-01-01", "2026-01-31"),
    ("month:11", "2026-11-15", "2026-11-01", "2026-11-15"),  # the current month, to date
    ("month:12", "2026-11-15", "2025-12-01", "2025-12-31"),  # not started this year -> last year
    ("month:2", "2024-11-15", "2024-02-01", "2024-02-29"),  # leap year
    ("month:2", "2025-01-31", "2024-02-01", "2024-02-29"),
    ("quarter:1", "2026-11-15", "2026-01-01", "2026-03-31"),
    ("quarter:4", "2026-11-15", "2026-10-01", "2026-11-15"),  # current quarter, clipped
    ("quarter:3", "2026-05-20", "2025-07-01", "2025-09-30"),  # in the future this year -> last year
    ("quarter:2", "2026-04-01", "2026-04-01", "2026-04-01"),  # started on the anchor
    ("Quarter:2", "2026-03-31", "2025-04-01", "2025-06-30"),
])
def test_month_and_quarter_n(token: str, anchor: str, start: str, end: str) -> None:
    assert window(token, d(anchor)) == (d(start), d(end))


# --- promotions ------------------------------------------------------------------------------------


@pytest.mark.parametrize("token, anchor, start, end", [
    ("618", "2026-11-15", "2026-06-01", "2026-06-18"),
    ("618", "2026-05-31", "2025-06-01", "2025-06-18"),  # before June -> last year's
    ("618", "2026-06-10", "2026-06-01", "2026-06-10"),  # running: clipped to the anchor
    ("618", "2026-06-01", "2026-06-01", "2026-06-01"),
    ("double11", "2026-11-15", "2026-11-01", "2026-11-11"),
    ("DOUBLE11", "2026-11-05", "2026-11-01", "2026-11-05"),
    ("double11", "2026-10-31", "2025-11-01", "2025-11-11"),
    ("618_2025", "2026-11-15", "2025-06-01", "2025-06-18"),
    ("double11_2024", "2026-11-15", "2024-11-01", "2024-11-11"),
    ("618_last_year", "2026-11-15", "2025-06-01", "2025-06-18"),
    ("618_last_year", "2026-03-01", "2025-06-01", "2025-06-18"),
    ("double11_last_year", "2026-11-15", "2025-11-01", "2025-11-11"),
])
def test_promotions(token: str, anchor: str, start: str, end: str) -> None:
    assert window(token, d(anchor)) == (d(start), d(end))


def test_promotion_labels() -> None:
    resolved = resolve_period("double11_last_year", ANCHOR)
    assert "双11" in resolved.label_zh and "2025" in resolved.label_zh
    assert "Double 11" in resolved.label_en
    assert "618" in resolve_period("618", ANCHOR).label_zh


# --- errors -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("token", [
    "", "yesteday", "last_month_2", "last_0_days", "last_x_days", "month:13", "month:0", "quarter:5",
    "2025-13", "2025-Q5", "2025-02-30", "2025-06-18..2025-06-01", "next_month", "double13", "618_20", "day:2-30",
    "days:11-1..", "qixi_2031", "from:all", "month:13:early",
])
def test_invalid_tokens(token: str) -> None:
    if token == "":  # an empty token means "all"
        assert resolve_period(token, ANCHOR).start is None
        return
    with pytest.raises(PeriodError):
        resolve_period(token, ANCHOR)


def test_error_lists_valid_forms() -> None:
    with pytest.raises(PeriodError) as error:
        resolve_period("fortnight", ANCHOR)
    message = str(error.value)
    for form in ("last_N_days", "this_month", "YYYY-QN", "month:N", "double11_last_year"):
        assert form in message
    assert isinstance(error.value, ValueError)


def test_period_entirely_after_the_anchor() -> None:
    with pytest.raises(PeriodError):
        resolve_period("2027", ANCHOR)
    with pytest.raises(PeriodError):
        resolve_period("2026-12", ANCHOR)


def test_not_a_string() -> None:
    with pytest.raises(PeriodError):
        resolve_period(30, ANCHOR)  # type: ignore[arg-type]


# --- previous window ----------------------------------------------------------------------------------


@pytest.mark.parametrize("token, start, end", [
    ("last_30_days", "2026-09-17", "2026-10-16"),
    ("last_7_days", "2026-11-02", "2026-11-08"),
    ("today", "2026-11-14", "2026-11-14"),
    ("last_month", "2026-09-01", "2026-09-30"),  # a calendar month: the month before, not the 31 days before
    ("this_month", "2026-10-17", "2026-10-31"),  # 15 days to date -> the 15 days before
    ("2024-03", "2024-02-01", "2024-02-29"),  # leap-year February before March
])
def test_previous_window(token: str, start: str, end: str) -> None:
    current = resolve_period(token, ANCHOR)
    previous = previous_window(current)
    assert previous is not None
    assert (previous.start, previous.end) == (d(start), d(end))
    # Whole calendar months step back by months; other windows by the same number of days.
    whole = current.start.day == 1 and (current.end + datetime.timedelta(days=1)).day == 1
    assert whole or previous.days == current.days
    # The previous window's token is itself a valid token for the same window.
    again = resolve_period(previous.token, ANCHOR)
    assert (again.start, again.end) == (previous.start, previous.end)
    assert start in previous.label_en and start in previous.label_zh


def test_previous_of_unbounded_is_none() -> None:
    assert previous_window(resolve_period("all", ANCHOR)) is None


def test_window_is_frozen() -> None:
    resolved = resolve_period("today", ANCHOR)
    assert isinstance(resolved, Window)
    with pytest.raises(AttributeError):
        resolved.start = None  # type: ignore[misc]


def test_add_months() -> None:
    assert add_months(d("2025-01-31"), 1) == d("2025-02-28")
    assert add_months(d("2024-01-31"), 1) == d("2024-02-29")
    assert add_months(d("2025-03-15"), -3) == d("2024-12-15")
    assert add_months(d("2025-12-31"), 2) == d("2026-02-28")


def test_every_window_ends_by_the_anchor() -> None:
    tokens = ["all", "today", "yesterday", "last_400_days", "this_week", "this_year", "last_week",
              "2026", "2026-Q4", "month:11", "quarter:4", "618", "double11", "2024-09-01..2030-01-01"]
    for token in tokens:
        resolved = resolve_period(token, ANCHOR, DATA_START)
        assert resolved.end is None or resolved.end <= ANCHOR
        assert resolved.start is None or resolved.start <= resolved.end


# --- periods N back, parts of last year, year-earlier windows (comparisons) ----------------


@pytest.mark.parametrize(("token", "start", "end"), [
    ("1_months_ago", "2026-10-01", "2026-10-31"),  # = last_month
    ("2_months_ago", "2026-09-01", "2026-09-30"),  # 上上个月
    ("11_months_ago", "2025-12-01", "2025-12-31"),  # across a year boundary
    ("2_weeks_ago", "2026-10-26", "2026-11-01"),  # 上上周 (weeks start on Monday)
    ("2_quarters_ago", "2026-04-01", "2026-06-30"),
    ("2_years_ago", "2024-01-01", "2024-12-31"),  # 前年
    ("last_year_q4", "2025-10-01", "2025-12-31"),  # 去年Q4
    ("last_year_m6", "2025-06-01", "2025-06-30"),  # 去年6月
    ("double11_2_years_ago", "2024-11-01", "2024-11-11"),  # 前年双11
])
def test_periods_back(token: str, start: str, end: str) -> None:
    assert window(token) == (d(start), d(end))


def test_one_month_ago_is_last_month() -> None:
    assert window("1_months_ago") == window("last_month")
    assert window("1_years_ago") == window("last_year")
    assert window("1_weeks_ago") == window("last_week")
    assert window("1_quarters_ago") == window("last_quarter")


@pytest.mark.parametrize("token", ["0_months_ago", "last_year_q5", "last_year_m13", "0_days_ago"])
def test_bad_periods_back(token: str) -> None:
    with pytest.raises(PeriodError):
        resolve_period(token, ANCHOR)


def test_year_earlier_window() -> None:
    earlier = year_earlier_window(resolve_period("this_year", ANCHOR))
    assert (earlier.start, earlier.end) == (d("2025-01-01"), d("2025-11-15"))
    leap = year_earlier_window(resolve_period("2028-02-01..2028-02-29", date(2028, 3, 1)))
    assert (leap.start, leap.end) == (d("2027-02-01"), d("2027-02-28"))
    assert year_earlier_window(resolve_period(None, ANCHOR)) is None


@pytest.mark.parametrize(("token", "start", "end"), [
    ("month:6:h1", date(2026, 6, 1), date(2026, 6, 15)),
    ("month:6:h2", date(2026, 6, 16), date(2026, 6, 30)),
    ("2025-02:h2", date(2025, 2, 16), date(2025, 2, 28)),
    ("month:11:h1", date(2026, 11, 1), date(2026, 11, 15)),
])
def test_half_months(token: str, start: date, end: date) -> None:
    window = resolve_period(token, date(2026, 11, 15))
    assert (window.start, window.end) == (start, end)
    assert ("上半月" if token.endswith("h1") else "下半月") in window.label_zh


def test_a_half_month_not_begun_is_said() -> None:
    with pytest.raises(PeriodError, match="after the data's last order date"):
        resolve_period("month:11:h2", date(2026, 11, 15))
