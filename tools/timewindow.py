"""Period tokens: the shared vocabulary for time windows (pure functions, no I/O).

The router emits a token ("last_30_days", "2025-Q3", "double11_last_year", ...) and the tools resolve
it against the anchor: the data's last order date. Windows are inclusive on both ends and never
extend past the anchor.

Grammar (case-insensitive, surrounding whitespace ignored):

    all | (None)                          unbounded: all data
    today | yesterday
    last_N_days | last_N_weeks | last_N_months     rolling, ending at the anchor (N >= 1)
    this_week | this_month | this_quarter | this_year   calendar period to date
        (aliases wtd, mtd, qtd, ytd; weeks start on Monday)
    last_week | last_month | last_quarter | last_year   the previous full calendar period
    YYYY | YYYY-MM | YYYY-QN | YYYY-MM-DD | YYYY-MM-DD..YYYY-MM-DD
    month:N | quarter:N                   the latest month / quarter N that has started
    month:N:h1 | YYYY-MM:h2               the first (1st-15th) / second (16th-end) half of that month
    618 | double11                        the latest promotion started (Jun 1-18, Nov 1-11)
    618_YYYY | double11_YYYY | 618_last_year | double11_last_year | 618_2_years_ago | double11_2_years_ago
    N_weeks_ago | N_months_ago | N_quarters_ago | N_years_ago   the full calendar period N back
        (1_months_ago = last_month; 2_months_ago = 上上个月; 2_years_ago = 前年)
    last_year_qN | last_year_mN          quarter N / month N of the previous calendar year
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

VALID_FORMS = (
    "all, today, yesterday, last_N_days, last_N_weeks, last_N_months, "
    "this_week, this_month, this_quarter, this_year (or wtd, mtd, qtd, ytd), "
    "last_week, last_month, last_quarter, last_year, YYYY, YYYY-MM, YYYY-QN, YYYY-MM-DD, "
    "YYYY-MM-DD..YYYY-MM-DD, month:N, month:N:h1, YYYY-MM:h2, months:A-B, quarter:N, 618, double11, 618_YYYY, "
    "double11_YYYY, "
    "618_last_year, double11_last_year, double11_2_years_ago, N_weeks_ago, N_months_ago, N_quarters_ago, N_years_ago, "
    "last_year_qN, last_year_mN"
)

_MONTHS_EN = [
    "", "January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December",
]

# Promotions: (first month, first day, last month, last day, zh name, en name).
_PROMOTIONS = {
    "618": (6, 1, 6, 18, "618大促", "618 festival"),
    "double11": (11, 1, 11, 11, "双11", "Double 11"),
}

_TO_DATE_ALIASES = {"wtd": "this_week", "mtd": "this_month", "qtd": "this_quarter", "ytd": "this_year"}


class PeriodError(ValueError):
    """The period token is not understood, or its window lies entirely after the data."""


@dataclass(frozen=True)
class Window:
    start: date | None  # inclusive; None = unbounded (all data)
    end: date | None  # inclusive
    token: str
    label_zh: str
    label_en: str

    @property
    def days(self) -> int | None:
        if self.start is None or self.end is None:
            return None
        return (self.end - self.start).days + 1


# ---------------------------------------------------------------------------------------------
# Calendar helpers


def add_months(day: date, months: int) -> date:
    """Shift by whole months, clamping the day to the target month's length (Mar 31 - 1 -> Feb 28)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _quarter_start(year: int, quarter: int) -> date:
    return date(year, 3 * (quarter - 1) + 1, 1)


def _quarter_end(year: int, quarter: int) -> date:
    return _month_end(year, 3 * quarter)


def _quarter_of(day: date) -> int:
    return (day.month - 1) // 3 + 1


def _span(start: date, end: date) -> tuple[str, str]:
    if start == end:
        return f"{start.isoformat()}", f"{start.isoformat()}"
    return f"{start.isoformat()} 至 {end.isoformat()}", f"{start.isoformat()} to {end.isoformat()}"


def _make(token: str, start: date, end: date, anchor: date, zh: str | None, en: str | None) -> Window:
    """Build a window clipped to the anchor; the label names the period (if any) and shows the dates."""
    if end > anchor:
        end = anchor
    if start > end:
        raise PeriodError(
            f"The period '{token}' starts on {start.isoformat()}, after the data's last order date "
            f"({anchor.isoformat()}); there is no data for it."
        )
    span_zh, span_en = _span(start, end)
    if zh is None or en is None:
        return Window(start, end, token, span_zh, span_en)
    return Window(start, end, token, f"{zh}（{span_zh}）", f"{en} ({span_en})")


def _parse_date(text: str, token: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise PeriodError(f"'{token}' contains an invalid date '{text}'. Valid forms: {VALID_FORMS}.") from None


# ---------------------------------------------------------------------------------------------
# Token families

_ROLLING = re.compile(r"last_(\d+)_(day|week|month)s?")
_YEAR = re.compile(r"(\d{4})")
_MONTH = re.compile(r"(\d{4})-(\d{1,2})")
_QUARTER = re.compile(r"(\d{4})-?q([1-4])")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_RANGE = re.compile(r"(\d{4}-\d{2}-\d{2})\s*\.\.\s*(\d{4}-\d{2}-\d{2})")
_MONTH_N = re.compile(r"month:\s*(\d{1,2})")
_HALF_MONTH = re.compile(r"(month:\s*\d{1,2}|\d{4}-\d{1,2}):h([12])")
_MONTH_SPAN = re.compile(r"months:\s*(\d{1,2})-(\d{1,2})")
_QUARTER_N = re.compile(r"quarter:\s*q?(\d)")
_PROMO = re.compile(r"(618|double11)(?:_(\d{4}|last_year|this_year|2_years_ago))?")
_AGO = re.compile(r"(\d+)_(week|month|quarter|year)s?_ago")
_LAST_YEAR_PART = re.compile(r"last_year_(q|m)(\d{1,2})")


def _rolling(token: str, count: int, unit: str, anchor: date) -> Window:
    if count < 1:
        raise PeriodError(f"'{token}': the number of {unit}s must be at least 1. Valid forms: {VALID_FORMS}.")
    if unit == "day":
        start = anchor - timedelta(days=count - 1)
        zh, en = f"最近{count}天", f"last {count} day{'s' if count > 1 else ''}"
    elif unit == "week":
        start = anchor - timedelta(days=7 * count - 1)
        zh, en = f"最近{count}周", f"last {count} week{'s' if count > 1 else ''}"
    else:
        start = add_months(anchor, -count) + timedelta(days=1)
        zh, en = f"最近{count}个月", f"last {count} month{'s' if count > 1 else ''}"
    return _make(token, start, anchor, anchor, zh, en)


def _to_date(token: str, unit: str, anchor: date) -> Window:
    if unit == "week":
        start = anchor - timedelta(days=anchor.weekday())
        zh, en = "本周", "this week"
    elif unit == "month":
        start = anchor.replace(day=1)
        zh, en = "本月", "this month"
    elif unit == "quarter":
        start = _quarter_start(anchor.year, _quarter_of(anchor))
        zh, en = "本季度", "this quarter"
    else:
        start = date(anchor.year, 1, 1)
        zh, en = "今年", "this year"
    return _make(token, start, anchor, anchor, zh, en)


def _previous_full(token: str, unit: str, anchor: date) -> Window:
    if unit == "week":
        end = anchor - timedelta(days=anchor.weekday() + 1)
        start = end - timedelta(days=6)
        zh, en = "上周", "last week"
    elif unit == "month":
        end = anchor.replace(day=1) - timedelta(days=1)
        start = end.replace(day=1)
        zh, en = "上个月", "last month"
    elif unit == "quarter":
        end = _quarter_start(anchor.year, _quarter_of(anchor)) - timedelta(days=1)
        start = _quarter_start(end.year, _quarter_of(end))
        zh, en = "上季度", "last quarter"
    else:
        start, end = date(anchor.year - 1, 1, 1), date(anchor.year - 1, 12, 31)
        zh, en = "去年", "last year"
    return _make(token, start, end, anchor, zh, en)


def _periods_ago(token: str, count: int, unit: str, anchor: date) -> Window:
    """The full calendar week / month / quarter / year `count` periods before the current one."""
    if count < 1:
        raise PeriodError(f"'{token}': the number of {unit}s must be at least 1. Valid forms: {VALID_FORMS}.")
    if unit == "week":
        start = anchor - timedelta(days=anchor.weekday() + 7 * count)
        end = start + timedelta(days=6)
        zh, en = f"{count}周前", f"{count} week{'s' if count > 1 else ''} ago"
    elif unit == "month":
        start = add_months(anchor.replace(day=1), -count)
        end = _month_end(start.year, start.month)
        zh, en = f"{start.year}年{start.month}月", f"{_MONTHS_EN[start.month]} {start.year}"
    elif unit == "quarter":
        start = add_months(_quarter_start(anchor.year, _quarter_of(anchor)), -3 * count)
        end = _quarter_end(start.year, _quarter_of(start))
        zh, en = f"{start.year}年第{_quarter_of(start)}季度", f"Q{_quarter_of(start)} {start.year}"
    else:
        start, end = date(anchor.year - count, 1, 1), date(anchor.year - count, 12, 31)
        zh, en = f"{start.year}年", f"{start.year}"
    return _make(token, start, end, anchor, zh, en)


def _month_window(token: str, year: int, month: int, anchor: date) -> Window:
    if not 1 <= month <= 12:
        raise PeriodError(f"'{token}': month must be 1-12. Valid forms: {VALID_FORMS}.")
    return _make(
        token, date(year, month, 1), _month_end(year, month), anchor,
        f"{year}年{month}月", f"{_MONTHS_EN[month]} {year}",
    )


def _quarter_window(token: str, year: int, quarter: int, anchor: date) -> Window:
    if not 1 <= quarter <= 4:
        raise PeriodError(f"'{token}': quarter must be 1-4. Valid forms: {VALID_FORMS}.")
    return _make(
        token, _quarter_start(year, quarter), _quarter_end(year, quarter), anchor,
        f"{year}年第{quarter}季度", f"Q{quarter} {year}",
    )


def _promotion(token: str, name: str, which: str | None, anchor: date) -> Window:
    m1, d1, m2, d2, zh, en = _PROMOTIONS[name]
    if which is None:
        year = anchor.year if date(anchor.year, m1, d1) <= anchor else anchor.year - 1
    elif which == "last_year":
        year = anchor.year - 1
    elif which == "this_year":
        year = anchor.year
    elif which == "2_years_ago":
        year = anchor.year - 2
    else:
        year = int(which)
    return _make(token, date(year, m1, d1), date(year, m2, d2), anchor, f"{year}年{zh}", f"{en} {year}")


def _all(anchor: date, data_start: date | None) -> Window:
    if data_start is not None:
        span_zh, span_en = _span(data_start, anchor)
        return Window(None, None, "all", f"全部数据（{span_zh}）", f"all data ({span_en})")
    return Window(None, None, "all", f"全部数据（截至 {anchor.isoformat()}）",
                  f"all data (up to {anchor.isoformat()})")


# ---------------------------------------------------------------------------------------------
# Public API


def resolve_period(token: str | None, anchor: date, data_start: date | None = None) -> Window:
    """Resolve a period token to an inclusive date window ending no later than `anchor`.

    `data_start` (the first order date) only improves the label of the unbounded window.
    Raises PeriodError for an unknown token (the message lists the valid forms).
    """
    if token is None:
        return _all(anchor, data_start)
    if not isinstance(token, str):
        raise PeriodError(f"A period must be a string, not {type(token).__name__}. Valid forms: {VALID_FORMS}.")
    text = token.strip().lower()
    text = _TO_DATE_ALIASES.get(text, text)
    if text in ("", "all", "all_time"):
        return _all(anchor, data_start)
    if text == "today":
        return _make(text, anchor, anchor, anchor, "今天", "today")
    if text == "yesterday":
        day = anchor - timedelta(days=1)
        return _make(text, day, day, anchor, "昨天", "yesterday")
    if m := _ROLLING.fullmatch(text):
        return _rolling(text, int(m.group(1)), m.group(2), anchor)
    if text.startswith("this_") and text[5:] in ("week", "month", "quarter", "year"):
        return _to_date(text, text[5:], anchor)
    if text.startswith("last_") and text[5:] in ("week", "month", "quarter", "year"):
        return _previous_full(text, text[5:], anchor)
    if m := _PROMO.fullmatch(text):
        return _promotion(text, m.group(1), m.group(2), anchor)
    if m := _AGO.fullmatch(text):
        return _periods_ago(text, int(m.group(1)), m.group(2), anchor)
    if m := _LAST_YEAR_PART.fullmatch(text):
        number, year = int(m.group(2)), anchor.year - 1
        if m.group(1) == "q":
            return _quarter_window(text, year, number, anchor)
        return _month_window(text, year, number, anchor)
    if _YEAR.fullmatch(text):
        year = int(text)
        return _make(text, date(year, 1, 1), date(year, 12, 31), anchor, f"{year}年", f"{year}")
    if m := _QUARTER.fullmatch(text):
        year, quarter = int(m.group(1)), int(m.group(2))
        return _quarter_window(f"{year}-Q{quarter}", year, quarter, anchor)
    if m := _MONTH.fullmatch(text):
        year, month = int(m.group(1)), int(m.group(2))
        return _month_window(f"{year}-{month:02d}", year, month, anchor)
    if _DAY.fullmatch(text):
        day = _parse_date(text, token)
        return _make(text, day, day, anchor, None, None)
    if m := _RANGE.fullmatch(text):
        start, end = _parse_date(m.group(1), token), _parse_date(m.group(2), token)
        if start > end:
            raise PeriodError(f"'{token}': the start date is after the end date.")
        return _make(f"{start.isoformat()}..{end.isoformat()}", start, end, anchor, None, None)
    if m := _HALF_MONTH.fullmatch(text):
        whole = resolve_period(m.group(1), anchor, data_start)
        first = m.group(2) == "1"
        start = whole.start if first else whole.start.replace(day=16)
        end = whole.start.replace(day=15) if first else whole.end
        month = f"{whole.start.year}年{whole.start.month}月"
        name = f"{_MONTHS_EN[whole.start.month]} {whole.start.year}"
        return _make(text, start, min(end, anchor), anchor, month + ("上半月" if first else "下半月"),
                     ("first" if first else "second") + f" half of {name}")
    if m := _MONTH_N.fullmatch(text):
        month = int(m.group(1))
        if not 1 <= month <= 12:
            raise PeriodError(f"'{token}': month must be 1-12. Valid forms: {VALID_FORMS}.")
        year = anchor.year if month <= anchor.month else anchor.year - 1
        return _month_window(f"month:{month}", year, month, anchor)
    if m := _MONTH_SPAN.fullmatch(text):
        # "3到5月", "March to May": the latest such span that has started (its last month decides the year)
        first, last = int(m.group(1)), int(m.group(2))
        if not (1 <= first <= 12 and 1 <= last <= 12):
            raise PeriodError(f"'{token}': months must be 1-12. Valid forms: {VALID_FORMS}.")
        end_year = anchor.year if last <= anchor.month else anchor.year - 1
        start_year = end_year if first <= last else end_year - 1
        start, end = date(start_year, first, 1), _month_end(end_year, last)
        return _make(text, start, end, anchor, f"{start_year}年{first}月至{end_year}年{last}月",
                     f"{_MONTHS_EN[first]} {start_year} to {_MONTHS_EN[last]} {end_year}")
    if m := _QUARTER_N.fullmatch(text):
        quarter = int(m.group(1))
        if not 1 <= quarter <= 4:
            raise PeriodError(f"'{token}': quarter must be 1-4. Valid forms: {VALID_FORMS}.")
        year = anchor.year if quarter <= _quarter_of(anchor) else anchor.year - 1
        return _quarter_window(f"quarter:{quarter}", year, quarter, anchor)
    raise PeriodError(f"Unknown period '{token}'. Valid forms: {VALID_FORMS}.")


def _whole_months(start: date, end: date) -> int:
    """How many calendar months [start, end] spans when it is exactly whole months, else 0."""
    if start.day != 1 or (end + timedelta(days=1)).day != 1:
        return 0
    after = end + timedelta(days=1)
    return (after.year - start.year) * 12 + after.month - start.month


def previous_window(window: Window) -> Window | None:
    """The window just before `window`: the previous calendar month / quarter / year for whole ones, else the
    same number of days immediately before (None when unbounded)."""
    if window.start is None or window.end is None:
        return None
    months = _whole_months(window.start, window.end)
    if months:
        # a calendar month, quarter or year: the one before it (March -> February, not the 31 days before)
        start, end = add_months(window.start, -months), window.start - timedelta(days=1)
    else:
        length = (window.end - window.start).days + 1
        end = window.start - timedelta(days=1)
        start = end - timedelta(days=length - 1)
    span_zh, span_en = _span(start, end)
    token = start.isoformat() if start == end else f"{start.isoformat()}..{end.isoformat()}"
    return Window(start, end, token, f"上一周期（{span_zh}）", f"previous period ({span_en})")


def year_earlier_window(window: Window) -> Window | None:
    """The same calendar dates one year earlier (Feb 29 -> Feb 28); None when unbounded."""
    if window.start is None or window.end is None:
        return None
    start, end = add_months(window.start, -12), add_months(window.end, -12)
    span_zh, span_en = _span(start, end)
    token = start.isoformat() if start == end else f"{start.isoformat()}..{end.isoformat()}"
    return Window(start, end, token, f"去年同期（{span_zh}）", f"same period last year ({span_en})")
