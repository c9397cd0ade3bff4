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
    N_days_ago                            one day, N days before the anchor (2_days_ago = 前天)
    day:M-D | day:D | days:M-D..M-D       a day / span of days named without a year (or month): the latest started
    national_day | double12 | 520 | qixi | mid_autumn | spring_festival | new_year | black_friday |
        cyber_monday | christmas | valentines | womens_day
        (with _YYYY / _last_year like the promotions)  named days and holidays; lunar ones from a table
    <promotion or holiday>:day            its main day (double11:day = Nov 11, 618:day = Jun 18)
    <month>:h1 | :h2 | :early | :mid | :late | :wN | :first_N_days | :last_N_days | :dayN   part of a month
        token (上旬 = 1st-10th, 中旬 = 11th-20th, 下旬 = 21st-end; wN = days 7N-6..7N; day3 = the 3rd)
    prior_N_days:<token> | next_N_days:<token>   the N days just before / after a window (双11前一周)
    <week>:dN | <week>:weekend            day N (1 = Monday) or Sat-Sun of this_week / last_week / N_weeks_ago
    weekday:N                             the latest weekday N (1 = Monday) before the anchor ("last Wednesday")
    <token>..<token>                      from the first window's start to the second's end ("9月1日到10月")
    first_day:<token> | last_day:<token>  the window's first / last day (国庆第一天)
    from:<token> | after:<token>          from the window's first day (after: the day after its last) to the anchor
    until:<token> | before:<token>        from the data's first day to the window's last day (before: the day
        before its first)
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
    "last_year_qN, last_year_mN, N_days_ago, day:M-D, day:D, days:M-D..M-D, national_day, double12, 520, qixi, "
    "mid_autumn, spring_festival, new_year, black_friday, cyber_monday, christmas, valentines, womens_day, "
    "first_day:<token>, last_day:<token>, <promotion>:day, <month>:early|mid|late|wN|first_N_days, "
    "<week>:dN|weekend, weekday:N, <token>..<token>, from:<token>, after:<token>, until:<token>, before:<token>"
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

# Named days and holidays that are not promotions (so not in the promotion features): (month, day, last month,
# last day, zh, en) for fixed dates; lunar holidays and Black Friday move, and are looked up or computed per year.
_HOLIDAYS = {
    "national_day": (10, 1, 10, 7, "国庆", "National Day holiday"),
    "double12": (12, 12, 12, 12, "双12", "Double 12"),
    "520": (5, 20, 5, 20, "520", "520 (May 20)"),
    "new_year": (1, 1, 1, 1, "元旦", "New Year's Day"),
    "christmas": (12, 25, 12, 25, "圣诞节", "Christmas"),
    "valentines": (2, 14, 2, 14, "情人节", "Valentine's Day"),
    "womens_day": (3, 8, 3, 8, "三八节", "Women's Day (3.8)"),
}
# Lunar holidays by Gregorian date (七夕 = 7th of the 7th lunar month; 中秋 = 15th of the 8th; 春节 = 1st of the 1st).
_LUNAR = {
    "qixi": ("七夕", "Qixi", {2019: (8, 7), 2020: (8, 25), 2021: (8, 14), 2022: (8, 4), 2023: (8, 22),
                              2024: (8, 10), 2025: (8, 29), 2026: (8, 19), 2027: (8, 8), 2028: (8, 26)}),
    "mid_autumn": ("中秋", "Mid-Autumn Festival", {2019: (9, 13), 2020: (10, 1), 2021: (9, 21), 2022: (9, 10),
                                                  2023: (9, 29), 2024: (9, 17), 2025: (10, 6), 2026: (9, 25),
                                                  2027: (9, 15), 2028: (10, 3)}),
    "spring_festival": ("春节", "Spring Festival", {2019: (2, 5), 2020: (1, 25), 2021: (2, 12), 2022: (2, 1),
                                                   2023: (1, 22), 2024: (2, 10), 2025: (1, 29), 2026: (2, 17),
                                                   2027: (2, 6), 2028: (1, 26)}),
}
_NAMED_DAYS = (*_PROMOTIONS, *_HOLIDAYS, *_LUNAR, "black_friday", "cyber_monday")

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
_PROMO = re.compile(rf"({'|'.join(_NAMED_DAYS)})(?:_(\d{{4}}|last_year|this_year|2_years_ago))?(:day)?")
_AGO = re.compile(r"(\d+)_(day|week|month|quarter|year)s?_ago")
_YEARLESS_DAY = re.compile(r"day:\s*(?:(\d{1,2})-)?(\d{1,2})")
_YEARLESS_SPAN = re.compile(r"days:\s*(\d{1,2})-(\d{1,2})\s*\.\.\s*(\d{1,2})-(\d{1,2})")
_OPEN = re.compile(r"(from|after|until|before|first_day|last_day):(.+)")
_MONTH_PART = re.compile(r"(.+):(early|mid|late|w[1-5]|(?:first|last)_(\d{1,2})_days|day(\d{1,2}))")
_BESIDE = re.compile(r"(prior|next)_(\d{1,3})_days:(.+)")
_WEEK_PART = re.compile(r"(this_week|last_week|\d+_weeks_ago):(d[1-7]|weekend)")
_WEEKDAY = re.compile(r"weekday:([1-7])")
_WEEKDAYS_ZH = "一二三四五六日"
_WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
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


def _named_dates(token: str, name: str, year: int) -> tuple[date, date, str, str]:
    """The first and last day of a promotion or holiday in one year, and its names."""
    if name in _PROMOTIONS or name in _HOLIDAYS:
        m1, d1, m2, d2, zh, en = _PROMOTIONS.get(name) or _HOLIDAYS[name]
        return date(year, m1, d1), date(year, m2, d2), zh, en
    if name in ("black_friday", "cyber_monday"):  # the day after the fourth Thursday of November; its Monday
        first = date(year, 11, 1)
        day = first + timedelta(days=(3 - first.weekday()) % 7 + 21 + (1 if name == "black_friday" else 4))
        return day, day, *(("黑五", "Black Friday") if name == "black_friday" else ("网络星期一", "Cyber Monday"))
    zh, en, table = _LUNAR[name]
    if year not in table:
        raise PeriodError(f"'{token}': the date of {en} in {year} is not in the calendar this tool knows "
                          f"({min(table)}-{max(table)}); give the dates instead (YYYY-MM-DD..YYYY-MM-DD).")
    day = date(year, *table[year])
    return day, day, zh, en


def _promotion(token: str, name: str, which: str | None, anchor: date, main_day: bool = False) -> Window:
    if which is None:
        year = anchor.year if _named_dates(token, name, anchor.year)[0] <= anchor else anchor.year - 1
    elif which == "last_year":
        year = anchor.year - 1
    elif which == "this_year":
        year = anchor.year
    elif which == "2_years_ago":
        year = anchor.year - 2
    else:
        year = int(which)
    start, end, zh, en = _named_dates(token, name, year)
    if main_day:  # 双11当天 = Nov 11, 618当天 = Jun 18, 国庆当天 = Oct 1: the day the name is
        day = start if name in _HOLIDAYS else end
        return _make(token, day, day, anchor, f"{year}年{zh}当天", f"{en} {year} (the day)")
    return _make(token, start, end, anchor, f"{year}年{zh}", f"{en} {year}")


def _latest_day(month: int, day: int, anchor: date, token: str) -> date:
    """The latest month-day on or before the anchor (Feb 29 only in a leap year)."""
    for year in range(anchor.year, anchor.year - 9, -1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate <= anchor:
            return candidate
    raise PeriodError(f"'{token}' is not a calendar day. Valid forms: {VALID_FORMS}.")


def _day_in_month(month: date, day: int) -> date | None:
    try:
        return month.replace(day=day)
    except ValueError:
        return None


def _yearless_span(token: str, m1: int, d1: int, m2: int, d2: int, anchor: date) -> Window:
    """A span of days named without a year: the latest one that has started (it may run up to the anchor)."""
    start = _latest_day(m1, d1, anchor, token)
    try:
        end = date(start.year + (1 if (m2, d2) < (m1, d1) else 0), m2, d2)
    except ValueError:
        raise PeriodError(f"'{token}' contains an invalid date. Valid forms: {VALID_FORMS}.") from None
    return _make(token, start, end, anchor, None, None)


def _month_part(token: str, whole: Window, part: str, anchor: date) -> Window:
    """上旬 / 中旬 / 下旬, the Nth week (days 7N-6..7N) or the first N days of a month window."""
    if whole.start is None or whole.start.day != 1 or whole.start.month != (whole.end or whole.start).month:
        raise PeriodError(f"'{token}': a part of a month needs a month before it (e.g. month:11:early).")
    first = whole.start
    last = _month_end(first.year, first.month)
    month_zh, month_en = f"{first.year}年{first.month}月", f"{_MONTHS_EN[first.month]} {first.year}"
    if part in ("early", "mid", "late"):
        index = ("early", "mid", "late").index(part)
        start, end = first.replace(day=1 + 10 * index), (last if part == "late" else first.replace(day=10 + 10 * index))
        zh, en = month_zh + "上中下"[index] + "旬", f"{part} {month_en}"
    elif part.startswith("w"):
        week = int(part[1:])
        start = first + timedelta(days=7 * (week - 1))
        if start > last:
            raise PeriodError(f"'{token}': {month_en} has no week {week}.")
        end = min(start + timedelta(days=6), last)
        zh, en = f"{month_zh}第{week}周", f"week {week} of {month_en}"
    elif part.startswith("day"):
        day = int(part[3:])
        if not 1 <= day <= last.day:
            raise PeriodError(f"'{token}': {month_en} has no day {day}.")
        start = end = first.replace(day=day)
        return _make(token, start, end, anchor, None, None)
    else:
        count = int(part.split("_")[1])
        if not 1 <= count <= last.day:
            raise PeriodError(f"'{token}': the number of days must be 1-{last.day}.")
        if part.startswith("first"):
            start, end = first, first + timedelta(days=count - 1)
            zh, en = f"{month_zh}前{count}天", f"first {count} days of {month_en}"
        else:
            start, end = last - timedelta(days=count - 1), last
            zh, en = f"{month_zh}最后{count}天", f"last {count} days of {month_en}"
    return _make(token, start, end, anchor, zh, en)


def _week_part(token: str, week: Window, part: str, anchor: date) -> Window:
    """One weekday (d1 = Monday .. d7 = Sunday) or the weekend of a calendar-week window."""
    monday = week.start
    assert monday is not None
    if part == "weekend":
        start, end = monday + timedelta(days=5), monday + timedelta(days=6)
        return _make(token, start, end, anchor, f"{week.label_zh.split('（')[0]}周末",
                     f"the weekend of {week.label_en.split(' (')[0]}")
    day = monday + timedelta(days=int(part[1:]) - 1)
    return _make(token, day, day, anchor, f"{week.label_zh.split('（')[0]}{_WEEKDAYS_ZH[day.weekday()]}",
                 f"{_WEEKDAYS_EN[day.weekday()]} of {week.label_en.split(' (')[0]}")


def _open_window(token: str, kind: str, inner: Window, anchor: date, data_start: date | None) -> Window:
    """A window open at one end: from / after a period to the anchor, or until / before it from the first day."""
    if inner.start is None or inner.end is None:
        raise PeriodError(f"'{token}': an open window needs a bounded period after '{kind}:'.")
    first = data_start or date(1900, 1, 1)
    name_zh, name_en = inner.label_zh.split("（")[0], inner.label_en.split(" (")[0]  # the name, not its dates
    if kind in ("first_day", "last_day"):
        day = inner.start if kind == "first_day" else inner.end
        return _make(token, day, day, anchor, f"{name_zh}{'第一天' if kind == 'first_day' else '最后一天'}",
                     f"the {'first' if kind == 'first_day' else 'last'} day of {name_en}")
    if kind == "from":
        start, end = inner.start, anchor
        zh, en = f"{name_zh}以来", f"{name_en} onwards"
    elif kind == "after":
        start, end = inner.end + timedelta(days=1), anchor
        zh, en = f"{name_zh}之后", f"the days after {name_en}"
    elif kind == "until":
        start, end = first, inner.end
        zh, en = f"截至{name_zh}", f"all data up to {name_en}"
    else:
        start, end = first, inner.start - timedelta(days=1)
        zh, en = f"{name_zh}之前", f"all data before {name_en}"
    return _make(token, start, end, anchor, zh, en)


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
    if m := _OPEN.fullmatch(text):
        return _open_window(text, m.group(1), resolve_period(m.group(2), anchor, data_start), anchor, data_start)
    if m := _BESIDE.fullmatch(text):  # "双11前一周": the N days just before (or after) a window
        inner, count = resolve_period(m.group(3), anchor, data_start), int(m.group(2))
        if count < 1 or inner.start is None or inner.end is None:
            raise PeriodError(f"'{token}': needs at least one day and a bounded period. Valid forms: {VALID_FORMS}.")
        name_zh, name_en = inner.label_zh.split("（")[0], inner.label_en.split(" (")[0]
        if m.group(1) == "prior":
            start, end = inner.start - timedelta(days=count), inner.start - timedelta(days=1)
            return _make(text, start, end, anchor, f"{name_zh}前{count}天", f"the {count} days before {name_en}")
        start, end = inner.end + timedelta(days=1), inner.end + timedelta(days=count)
        return _make(text, start, end, anchor, f"{name_zh}后{count}天", f"the {count} days after {name_en}")
    if m := _PROMO.fullmatch(text):
        return _promotion(text, m.group(1), m.group(2), anchor, main_day=bool(m.group(3)))
    if m := _WEEK_PART.fullmatch(text):
        return _week_part(text, resolve_period(m.group(1), anchor, data_start), m.group(2), anchor)
    if m := _MONTH_PART.fullmatch(text):
        return _month_part(text, resolve_period(m.group(1), anchor, data_start), m.group(2), anchor)
    if m := _WEEKDAY.fullmatch(text):
        back = (anchor.weekday() - (int(m.group(1)) - 1)) % 7 or 7  # strictly before the anchor
        day = anchor - timedelta(days=back)
        return _make(text, day, day, anchor, f"上一个星期{_WEEKDAYS_ZH[day.weekday()]}",
                     f"last {_WEEKDAYS_EN[day.weekday()]}")
    if m := _YEARLESS_DAY.fullmatch(text):
        if m.group(1) is None:  # "3号那天": the latest 3rd of a month
            day = next((d for k in range(12) if (d := _day_in_month(add_months(anchor, -k), int(m.group(2))))
                        and d <= anchor), None)
            if day is None:
                raise PeriodError(f"'{token}': a day of the month must be 1-31. Valid forms: {VALID_FORMS}.")
        else:
            day = _latest_day(int(m.group(1)), int(m.group(2)), anchor, token)
        return _make(text, day, day, anchor, None, None)
    if m := _YEARLESS_SPAN.fullmatch(text):
        return _yearless_span(text, *(int(g) for g in m.groups()), anchor)
    if m := _AGO.fullmatch(text):
        if m.group(2) == "day":
            count = int(m.group(1))
            if count < 1:
                raise PeriodError(f"'{token}': the number of days must be at least 1. Valid forms: {VALID_FORMS}.")
            day = anchor - timedelta(days=count)
            return _make(text, day, day, anchor, f"{count}天前", f"{count} day{'s' if count > 1 else ''} ago")
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
    if ".." in text:  # "9月1日到10月", "上周一到今天": from the first window's start to the second's end
        first, _, last = text.partition("..")
        end = resolve_period(last, anchor, data_start)
        if end.end is None:
            raise PeriodError(f"'{token}': a span needs a bounded period after '..'.")
        # a window of its own (上周一, 3_days_ago) where it falls before the end; else a day named without a
        # year is the latest one on or before the span's end ("12月1日到1月5日")
        start = resolve_period(first, anchor, data_start)
        if start.start is None or start.start > end.end:
            start = resolve_period(first, end.end, data_start)
        if start.start is None:
            raise PeriodError(f"'{token}': a span needs a bounded period before '..'.")
        return _make(text, start.start, end.end, anchor, None, None)
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
