"""Time phrases (Chinese / English) -> period tokens of tools/timewindow.py.

The router does not know the data's dates, so it emits relative tokens ("last_month",
"double11_last_year", "quarter:3") and the tools resolve them against the last order date.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from assistant.router.matching import Hit, select_longest
from assistant.router.numbers import CN_NUMERAL, NUMBER, to_int


@dataclass(frozen=True)
class PeriodMatch:
    token: str
    phrase: str
    start: int
    end: int


MONTH_NAMES = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12,
    "dec": 12,
}
_MONTH_NAME = "|".join(sorted(MONTH_NAMES, key=len, reverse=True))
# Month names that are also ordinary words are only taken after "in / during / of / for / since".
_AMBIGUOUS_MONTHS = {"may", "mar", "jun", "dec", "oct", "sep", "aug", "jan", "apr", "jul", "nov", "feb"}
_ORDINAL_QUARTERS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4,
                     "4th": 4, "last": 4}

_YEAR4 = r"(?<!\d)((?:19|20)\d{2})(?!\d)"
_DOUBLE11 = r"(?:双\s*(?:11|十一)|11\.11|11/11|double\s*(?:11|eleven)|singles'?\s*day)"
_SIX18 = r"(?:(?<!\d)618(?!\d)|六一八|年中大促)"
_PROMOS = {"double11": _DOUBLE11, "618": _SIX18}
_FIXED: dict[str, list[str]] = {
    # An explicit "all time" is a chosen window (so 复购率 needs no clarifying question).
    "all": ["全部时间", "所有时间", "全部历史", "历史上", "历史累计", "历史", "有史以来", "一直以来", "开店以来",
            "整体", "总体", "全部数据", "全量", r"\ball[\s-]time\b", r"\boverall\b", r"\bsince (?:the )?start\b",
            r"\bsince we (?:started|opened)\b", r"\bin total\b", r"\bof all time\b"],
    "today": ["今天", "今日", "当天", "过去24小时", "最近24小时", r"\btoday\b", r"\b(?:past|last) 24 hours\b"],
    "yesterday": ["昨天", "昨日", r"\byesterday\b"],
    "this_week": ["本周", "这周", "这一周", "这个星期", "本星期", "这星期", "本礼拜", "这个礼拜",
                  r"\bthis week\b", r"\bcurrent week\b", r"\bwtd\b", r"\bweek[\s-]to[\s-]date\b"],
    "this_month": ["本月", "这个月", "当月", "这月", "本月至今", "月初至今", "月初到现在",
                   r"\bthis month\b", r"\bcurrent month\b", r"\bmtd\b", r"\bmonth[\s-]to[\s-]date\b"],
    "this_quarter": ["本季度", "这个季度", "这季度", "本季", "当季", "本季度至今",
                     r"\bthis quarter\b", r"\bcurrent quarter\b", r"\bqtd\b",
                     r"\bquarter[\s-]to[\s-]date\b"],
    "this_year": ["今年", "本年", "本年度", "今年以来", "今年至今", "年初至今", "年初到现在", "年初以来",
                  r"\bthis year\b", r"\bcurrent year\b", r"\bytd\b", r"\byear[\s-]to[\s-]date\b",
                  r"\bso far this year\b"],
    "last_week": ["上周", "上个星期", "上星期", "上一周", "上礼拜", "上个礼拜", "上个周", "上一个星期",
                  r"\blast week\b", r"\bprevious week\b", r"\bprior week\b"],
    "last_month": ["上个月", "上月", "上一个月", "上一月", r"\blast month\b", r"\bprevious month\b",
                   r"\bprior month\b"],
    "last_quarter": ["上季度", "上个季度", "上一季度", "上一个季度", "上季", r"\blast quarter\b",
                     r"\bprevious quarter\b", r"\bprior quarter\b"],
    "last_year": ["去年", "上一年", "上年", "去年全年", r"\blast year\b", r"\bprevious year\b",
                  r"\bprior year\b"],
    "last_7_days": [r"\bpast week\b"],
    "last_1_months": [r"\bpast month\b"],
    "last_3_months": [r"\bpast quarter\b"],
    "last_12_months": [r"\bpast year\b", r"\blast twelve months\b"],
    "last_6_months": ["近半年", "最近半年", "过去半年", r"\b(?:past|last) (?:half[\s-]year|six months)\b"],
    "last_15_days": ["近半个月", "最近半个月", "过去半个月"],
    # Two periods back: 上上个月 is one character longer than 上个月, so the longest match wins.
    "2_weeks_ago": ["上上周", "上上个星期", "上上个礼拜", r"\bthe week before last\b"],
    "2_months_ago": ["上上个月", "上上月", r"\bthe month before last\b"],
    "2_quarters_ago": ["上上季度", "上上个季度", r"\bthe quarter before last\b"],
    "2_years_ago": ["前年", r"\bthe year before last\b", r"\btwo years ago\b"],
    "3_years_ago": ["大前年"],
}


def _year2(text: str) -> int:
    value = int(text)
    return value if value >= 100 else 2000 + value


def _valid_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


# Each rule: (pattern, function(match) -> token or None).
Rule = tuple[re.Pattern[str], Callable[[re.Match[str]], str | None]]
_RULES: list[Rule] = []


def _compile(pattern: str) -> re.Pattern[str]:
    # ASCII: \b and \w ignore CJK characters, so "上周gmv" and "看last month的" have boundaries.
    return re.compile(pattern, re.ASCII)


def _add(pattern: str, make: Callable[[re.Match[str]], str | None]) -> None:
    _RULES.append((_compile(pattern), make))


def _rule(pattern: str) -> Callable[[Callable[[re.Match[str]], str | None]], None]:
    def register(fn: Callable[[re.Match[str]], str | None]) -> None:
        _add(pattern, fn)
    return register


for _token, _phrases in _FIXED.items():
    for _phrase in _phrases:
        _add(_phrase, lambda m, t=_token: t)

for _name, _pattern in _PROMOS.items():
    _add(_pattern, lambda m, n=_name: n)
    # 2025年双11 / 25年618 / double 11 2025 / 2025 double 11
    _add(rf"(?<!\d)(\d{{4}}|\d{{2}}(?=\s*年))\s*年?\s*的?\s*{_pattern}",
         lambda m, n=_name: f"{n}_{_year2(m.group(1))}")
    _add(rf"{_pattern}\s*(?:in\s+|of\s+)?{_YEAR4}", lambda m, n=_name: f"{n}_{m.group(1)}")
    # 去年双11 / last year's double 11 / double 11 last year
    _add(rf"(?:去年|上一年|上年)\s*的?\s*{_pattern}", lambda m, n=_name: f"{n}_last_year")
    _add(rf"last\s+year'?s?\s+{_pattern}|{_pattern}\s+(?:of\s+)?last\s+year",
         lambda m, n=_name: f"{n}_last_year")
    _add(rf"(?:今年|本年)\s*的?\s*{_pattern}|this\s+year'?s?\s+{_pattern}", lambda m, n=_name: n)
    _add(rf"前年\s*的?\s*{_pattern}", lambda m, n=_name: f"{n}_2_years_ago")


@_rule(r"(?:去年|上一年|上年|last\s+year'?s?)\s*的?\s*(?:q([1-4])|第?([一二三四1-4])\s*季度)"
       r"|q([1-4])\s+(?:of\s+)?last\s+year")
def _last_year_quarter(m: re.Match[str]) -> str | None:
    return f"last_year_q{m.group(1) or m.group(3) or to_int(m.group(2))}"


@_rule(rf"(?:去年|上一年|上年)\s*的?\s*(\d{{1,2}}|{CN_NUMERAL})\s*月份?")
def _last_year_month(m: re.Match[str]) -> str | None:
    month = to_int(m.group(1))
    return f"last_year_m{month}" if month and 1 <= month <= 12 else None


@_rule(r"(?:今年|本年|this\s+year'?s?)\s*的?\s*(?:q([1-4])|第?([一二三四1-4])\s*季度)")
def _this_year_quarter(m: re.Match[str]) -> str | None:
    return f"quarter:{m.group(1) or to_int(m.group(2))}"


@_rule(rf"(?:今年|本年)\s*的?\s*(\d{{1,2}}|{CN_NUMERAL})\s*月份?")
def _this_year_month(m: re.Match[str]) -> str | None:
    month = to_int(m.group(1))
    return f"month:{month}" if month and 1 <= month <= 12 else None


@_rule(r"(?<!\d)(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?\s*"
       r"(?:到|至|~|-|until|to|through|and|—)\s*(?:(\d{4})\s*[-/.年]\s*)?(\d{1,2})\s*[-/.月]\s*(\d{1,2})"
       r"(?!\d)\s*[日号]?")
def _date_range(m: re.Match[str]) -> str | None:
    start = _valid_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    end = _valid_date(int(m.group(4) or m.group(1)), int(m.group(5)), int(m.group(6)))
    if not start or not end or start > end:
        return None
    return f"{start.isoformat()}..{end.isoformat()}"


@_rule(r"(?<!\d)(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?!\d)\s*[日号]?")
def _single_date(m: re.Match[str]) -> str | None:
    day = _valid_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    return day.isoformat() if day else None


@_rule(r"(?<!\d)(\d{4}|\d{2}(?=\s*年))\s*年?\s*的?\s*-?\s*(?:q([1-4])|第?([一二三四1-4])\s*季度?)(?![0-9])")
def _year_quarter(m: re.Match[str]) -> str | None:
    quarter = int(m.group(2)) if m.group(2) else to_int(m.group(3))
    return f"{_year2(m.group(1))}-Q{quarter}"


@_rule(r"(?<!\d)(\d{4})\s*年?\s*的?\s*(上半年|下半年|h1|h2)(?![0-9])")
def _half_year(m: re.Match[str]) -> str | None:
    year, first = m.group(1), m.group(2) in ("上半年", "h1")
    return f"{year}-01-01..{year}-06-30" if first else f"{year}-07-01..{year}-12-31"


@_rule(rf"(?<![a-z0-9])(h1|h2)\s*(?:of\s+)?{_YEAR4}")
def _half_year_en(m: re.Match[str]) -> str | None:
    year = m.group(2)
    return f"{year}-01-01..{year}-06-30" if m.group(1) == "h1" else f"{year}-07-01..{year}-12-31"


@_rule(rf"(?<![a-z0-9])q([1-4])\s*(?:of\s+|,\s*|/\s*)?{_YEAR4}")
def _quarter_year_en(m: re.Match[str]) -> str | None:
    return f"{m.group(2)}-Q{m.group(1)}"


@_rule(rf"(?<!\d)(\d{{4}}|\d{{2}})\s*年\s*(\d{{1,2}}|{CN_NUMERAL})\s*月份?")
def _year_month_zh(m: re.Match[str]) -> str | None:
    month = to_int(m.group(2))
    return f"{_year2(m.group(1))}-{month:02d}" if month and 1 <= month <= 12 else None


@_rule(r"(?<![\d.])(\d{4})\s*[-/.]\s*(\d{1,2})(?![\d.\-/])")
def _year_month_iso(m: re.Match[str]) -> str | None:
    month = int(m.group(2))
    return f"{m.group(1)}-{month:02d}" if 1 <= month <= 12 and m.group(1)[:2] in ("19", "20") else None


@_rule(rf"\b({_MONTH_NAME})\.?,?\s+(?:of\s+)?{_YEAR4}")
def _month_year_en(m: re.Match[str]) -> str | None:
    return f"{m.group(2)}-{MONTH_NAMES[m.group(1)]:02d}"


@_rule(rf"{_YEAR4}\s+({_MONTH_NAME})\b")
def _year_month_en(m: re.Match[str]) -> str | None:
    return f"{m.group(1)}-{MONTH_NAMES[m.group(2)]:02d}"


@_rule(rf"{_YEAR4}\s*年?(?!\s*(?:[-/.月]|\d|元|块|人|个|单|件|%|万|w\b|k\b|rmb|yuan|cny))")
def _year(m: re.Match[str]) -> str | None:
    return m.group(1)


@_rule(r"(?<![\d.])([1-3]\d)\s*年(?!\s*\d)")
def _year_short(m: re.Match[str]) -> str | None:
    return str(_year2(m.group(1)))


@_rule(rf"(?<!\d)(?:(\d{{4}})\s*年\s*)?(\d{{1,2}}|{CN_NUMERAL})\s*(?:月份?)?\s*(?:到|至|~|-|—|–)\s*"
       rf"(\d{{1,2}}|{CN_NUMERAL})\s*月份?(?!\d)")
def _month_span_zh(m: re.Match[str]) -> str | None:
    """"3到5月", "2025年3-5月": a span of whole months."""
    return _month_span(m.group(1), to_int(m.group(2)), to_int(m.group(3)))


@_rule(rf"\b(?:from\s+)?({_MONTH_NAME})\s*(?:to|through|until|till|-|–|—)\s*({_MONTH_NAME})\b(?:\s*,?\s*(\d{{4}}))?")
def _month_span_en(m: re.Match[str]) -> str | None:
    return _month_span(m.group(3), MONTH_NAMES[m.group(1)], MONTH_NAMES[m.group(2)])


def _month_span(year: str | None, first: int | None, last: int | None) -> str | None:
    if not first or not last or not (1 <= first <= 12 and 1 <= last <= 12) or first == last:
        return None
    if year is None:
        return f"months:{first}-{last}"
    end_year = int(year) + (1 if first > last else 0)
    end = _valid_date(end_year, last, 28)
    if end is None:
        return None
    last_day = (date(end_year + last // 12, last % 12 + 1, 1) - timedelta(days=1)).isoformat()
    return f"{int(year)}-{first:02d}-01..{last_day}"


@_rule(rf"(?<!\d)(?:(\d{{4}})\s*年\s*)?(\d{{1,2}}|{CN_NUMERAL})\s*月份?\s*的?\s*(上|下|前|后)半(?:个)?月")
def _half_month_zh(m: re.Match[str]) -> str | None:
    month = to_int(m.group(2))
    if not month or not 1 <= month <= 12:
        return None
    base = f"{m.group(1)}-{month:02d}" if m.group(1) else f"month:{month}"
    return f"{base}:h{1 if m.group(3) in '上前' else 2}"


@_rule(rf"\b(first|second|1st|2nd|latter)\s+half\s+of\s+({_MONTH_NAME})\b(?:\s*,?\s*(\d{{4}}))?")
def _half_month_en(m: re.Match[str]) -> str | None:
    month = MONTH_NAMES[m.group(2)]
    base = f"{m.group(3)}-{month:02d}" if m.group(3) else f"month:{month}"
    return f"{base}:h{1 if m.group(1) in ('first', '1st') else 2}"


@_rule(rf"(?<![个\d])(\d{{1,2}}|{CN_NUMERAL})\s*月份?(?!\d)")
def _month_zh(m: re.Match[str]) -> str | None:
    month = to_int(m.group(1))
    return f"month:{month}" if month and 1 <= month <= 12 else None


@_rule(rf"\b(?:(in|during|of|for|since|from)\s+)?({_MONTH_NAME})\b(?!\s*\d)")
def _month_en(m: re.Match[str]) -> str | None:
    name = m.group(2)
    if name in _AMBIGUOUS_MONTHS and not m.group(1):
        return None
    return f"month:{MONTH_NAMES[name]}"


@_rule(r"(?<![a-z0-9])q([1-4])(?![0-9])")
def _quarter_en(m: re.Match[str]) -> str | None:
    return f"quarter:{m.group(1)}"


@_rule(r"\b(first|1st|second|2nd|third|3rd|fourth|4th)\s+quarter\b")
def _quarter_ordinal(m: re.Match[str]) -> str | None:
    return f"quarter:{_ORDINAL_QUARTERS[m.group(1)]}"


@_rule(r"(?<![上本这当])第?([一二三四1-4])\s*季度")
def _quarter_zh(m: re.Match[str]) -> str | None:
    return f"quarter:{to_int(m.group(1))}"


_UNITS_ZH = {"天": "days", "日": "days", "周": "weeks", "星期": "weeks", "礼拜": "weeks", "月": "months",
             "年": "years"}


def _rolling(count: int | None, unit: str) -> str | None:
    if not count or count < 1:
        return None
    if unit == "years":
        return f"last_{12 * count}_months"
    if unit == "weeks" and count == 1:
        return "last_7_days"
    return f"last_{count}_{unit}"


@_rule(rf"(?:最近|近|过去|之前|前|这)\s*的?\s*({NUMBER})\s*个?\s*(天|日|周|星期|礼拜|月|年)"
       rf"(?:内|以内|之内|以来|里|来)?")
def _rolling_zh(m: re.Match[str]) -> str | None:
    return _rolling(to_int(m.group(1)), _UNITS_ZH[m.group(2)])


@_rule(rf"(?<![\d.])({NUMBER})\s*个?\s*(天|日|周|星期|月)(?:内|以内|之内)")
def _within_zh(m: re.Match[str]) -> str | None:
    return _rolling(to_int(m.group(1)), _UNITS_ZH[m.group(2)])


@_rule(rf"\b(?:in\s+|over\s+|for\s+|during\s+)?(?:the\s+)?(?:last|past|previous|recent|trailing|prior)\s+"
       rf"({NUMBER})\s+(day|week|month|year)s?\b")
def _rolling_en(m: re.Match[str]) -> str | None:
    return _rolling(to_int(m.group(1)), m.group(2) + "s")


def find_periods(text: str) -> list[PeriodMatch]:
    """All time phrases in normalised text, longest first without overlaps, in text order."""
    hits: list[Hit] = []
    for pattern, make in _RULES:
        for m in pattern.finditer(text):
            token = make(m)
            if token:
                hits.append(Hit(m.group(0).strip(), token, m.start(), m.end()))
    return [PeriodMatch(h.value, h.phrase, h.start, h.end) for h in select_longest(hits)]


def find_period(text: str) -> PeriodMatch | None:
    """The first time phrase in the text (None if there is none)."""
    periods = find_periods(text)
    return periods[0] if periods else None
