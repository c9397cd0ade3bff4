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
# "11.11" written as a date is the day; as the festival's name it comes with a festival word ("11.11大促")
_DOUBLE11 = (r"(?:双\s*(?:11|十一)|(?:11\.11|11/11)(?=\s*(?:大促|活动|期间|预售|狂欢|购物节|促销|promo|sale|campaign))"
             r"|double\s*(?:11|eleven)|singles'?\s*day)")
_SIX18 = r"(?:(?<!\d)618(?!\d)|六一八|年中大促)"
_PROMOS = {
    "double11": _DOUBLE11, "618": _SIX18,
    # named days and holidays (tools/timewindow.py holds their dates)
    "national_day": r"(?:国庆(?:节|假期|黄金周|长假|七天乐?)?|十一(?:假期|黄金周|长假)"
                    r"|national\s+day(?:\s+(?:holiday|week))?|golden\s+week)",
    "double12": r"(?:双\s*(?:12|十二)|(?<![\d.])12\.12(?![\d.]|\s*(?:元|块|%|rmb|yuan))|double\s*(?:12|twelve))",
    "520": r"(?:(?<![\d.])520(?=\s*(?:节|当天|那天|期间|活动|大促|表白|情人节))|网络情人节)",
    "qixi": r"(?:七夕(?:节|情人节)?|qixi(?:\s+festival)?)",
    "mid_autumn": r"(?:中秋(?:节)?|mid[\s-]?autumn(?:\s+festival)?)",
    "spring_festival": r"(?:春节|过年期间|chinese\s+new\s+year|spring\s+festival|lunar\s+new\s+year)",
    "new_year": r"(?:元旦|new\s+year'?s(?:\s+day)?)",
    "black_friday": r"(?:黑五|黑色星期五|black\s+friday)",
    "cyber_monday": r"(?:网络星期一|cyber\s+monday)",
    "christmas": r"(?:圣诞(?:节)?|christmas|xmas)",
    "valentines": r"(?:(?<!网络)情人节|valentine'?s(?:\s+day)?)",
    "womens_day": r"(?:三八节|38节|女神节|女王节|妇女节|(?<![\d.])3\.8(?:节|女王节|大促)|women'?s\s+day)",
}
_FIXED: dict[str, list[str]] = {
    # An explicit "all time" is a chosen window (so 复购率 needs no clarifying question).
    "all": ["全部时间", "所有时间", "全部历史", "历史上", "历史累计", "历史", "有史以来", "一直以来", "开店以来",
            "整体", "总体", "全部数据", "全量", r"\ball[\s-]time\b", r"\boverall\b", r"\bsince (?:the )?start\b",
            r"\bsince we (?:started|opened)\b", r"\bin total\b", r"\bof all time\b",
            # the span of the file uploaded: "整个导出期间", "这份导出里", "across the whole file"
            r"(?:整个|整份|全部|这份|这个)(?:导出|文件|表格?|数据)(?:的|里的?|中的?)?(?:期间|周期|时间段|时间范围|范围)?",
            r"(?:导出|文件)(?:的)?(?:整个)?(?:期间|周期|时间段|时间范围)", "整个期间", "整段时间", "全部期间",
            r"\b(?:the\s+)?(?:whole|entire|full)\s+(?:export|file|period|dataset|data\s?set|time\s+range)\b",
            r"\b(?:across|over|in)\s+the\s+(?:file|export)\b"],
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


# (with the word before it, so "for Aug-Oct" is longer than the "for Aug" a one-month rule reads there)
@_rule(rf"\b(?:(?:from|for|in|over|during)\s+)?({_MONTH_NAME})\s*(?:to|through|thru|until|till|-|–|—)\s*"
       rf"({_MONTH_NAME})\b(?:\s*,?\s*(\d{{4}}))?")
def _month_span_en(m: re.Match[str]) -> str | None:
    return _month_span(m.group(3), MONTH_NAMES[m.group(1)], MONTH_NAMES[m.group(2)])


@_rule(rf"\bbetween\s+({_MONTH_NAME})\s+and\s+({_MONTH_NAME})\b(?:\s*,?\s*(\d{{4}}))?")  # ("May and June": two)
def _month_span_between(m: re.Match[str]) -> str | None:
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


# Days named without a year ("11月3日", "Nov 3", "11/3 那天") resolve to their latest occurrence in the data
# (tools/timewindow.py day:M-D); with a year they are ISO days.
def _day_token(year: str | None, month: int | None, day: int | None) -> str | None:
    if not month or not day or not 1 <= month <= 12 or not 1 <= day <= 31:
        return None
    if year:
        found = _valid_date(int(year), month, day)
        return found.isoformat() if found else None
    return f"day:{month}-{day}" if _valid_date(2000, month, day) else None  # 2000: Feb 29 exists


def _span_token(year: str | None, m1: int | None, d1: int | None, m2: int | None, d2: int | None) -> str | None:
    first, last = _day_token(year, m1, d1), _day_token(year, m2, d2)
    if not first or not last or (m1, d1) == (m2, d2):
        return None
    if year:
        if (m2, d2) < (m1, d1):  # "2025年12月28日到1月3日": the span crosses into the next year
            last = _day_token(str(int(year) + 1), m2, d2)
        return f"{first}..{last}" if last else None
    return f"days:{m1}-{d1}..{m2}-{d2}"


_DAY_NUMBER = rf"(\d{{1,2}}|{CN_NUMERAL})"
_SPAN_TO = r"(?:到|至|~|-|—|–|to|through|thru|until|till)"
# a number followed by one of these is a quantity, not a day ("1.5-2.5倍", "11.9元", "3/4的客户")
_NOT_A_DAY_AFTER = r"(?!\s*(?:[\d.%月天个元块倍折分万千百星次周年小人单件岁]|k\b|w\b|x\b|rmb|yuan|of\b|times))"


@_rule(rf"(?<![\d.年/-])(?:(\d{{4}})\s*年\s*)?{_DAY_NUMBER}\s*月\s*{_DAY_NUMBER}\s*[日号]?\s*{_SPAN_TO}\s*"
       rf"(?:{_DAY_NUMBER}\s*月\s*)?{_DAY_NUMBER}\s*(?:[日号]|{_NOT_A_DAY_AFTER})")
def _day_span_zh(m: re.Match[str]) -> str | None:
    """"11月1日到7日", "10月28日至11月3日", "2026年11月1-7号"."""
    month = to_int(m.group(2))
    end_month = to_int(m.group(4)) if m.group(4) else month
    return _span_token(m.group(1), month, to_int(m.group(3)), end_month, to_int(m.group(5)))


@_rule(rf"(?<![\d.年/-])(?:(\d{{4}})\s*年\s*)?{_DAY_NUMBER}\s*月\s*{_DAY_NUMBER}\s*[日号]")
def _day_zh(m: re.Match[str]) -> str | None:
    return _day_token(m.group(1), to_int(m.group(2)), to_int(m.group(3)))


@_rule(rf"(?<![\d./¥$])(\d{{1,2}})\s*([./])\s*(\d{{1,2}})\s*{_SPAN_TO}\s*(?:(\d{{1,2}})\s*[./]\s*)?(\d{{1,2}})(?![\d./])"
       rf"{_NOT_A_DAY_AFTER}\s*[日号]?")
def _day_span_numeric(m: re.Match[str]) -> str | None:
    """"11.1-11.7", "11/1~11/7", "11/1-7" (a dotted span names its month on both ends: "1.5-8" is a quantity)."""
    if m.group(4) is None and m.group(2) == "." or _MEASURE_BEFORE.search(m.string[:m.start()]):
        return None
    first, day, last = int(m.group(1)), int(m.group(3)), int(m.group(5))
    end_month = int(m.group(4)) if m.group(4) else first
    if (end_month, last) <= (first, day) and end_month >= first:
        return None  # an empty or backward span is not a date span
    return _span_token(None, first, day, end_month, last)


# A value range beside what it measures is no span of days: "客单价5.9-9.9", "转化率2.5-3.5", "AOV from 3.5 to 4.2".
_MEASURE_BEFORE = re.compile(r"(?:率|价|分|扣|值|比|倍|额|量|涨|跌|从|aov|gmv|rate|price|score|value|from|went|between)"
                             r"\s*(?:在|是|为|of|is|was|from)?\s*$")
# A lone "11/3" or "11.3" is a day only where the words around it say so: "on 11/3", "11.3那天", "11/3号".
_DAY_BEFORE_WORDS = r"(?:\bon|\bsince|\bbefore|\bafter|\buntil|\btill|从|自|截至|截止到?)"
_DAY_AFTER_WORDS = r"(?:[日号]|当天|那天|这天|当日|那一天|这一天|这日|那日)"


@_rule(r"(?<![\d./¥$])11\s*[./]\s*11(?![\d./%]|\s*(?:元|块|rmb|yuan))")
def _day_11_11(m: re.Match[str]) -> str | None:
    """"11.11各省GMV": the day (Double 11 itself, not the festival's Nov 1-11 window)."""
    return "day:11-11"


@_rule(rf"(?<![\d./¥$])(\d{{1,2}})\s*[./]\s*(\d{{1,2}})(?![\d./])(\s*{_DAY_AFTER_WORDS})?")
def _day_numeric(m: re.Match[str]) -> str | None:
    if "." in m.group(0) and not m.group(3):
        return None  # "从12.5涨到15.8", "since 1.5": a dotted number is a day only with 号 / 那天 after it
    if not m.group(3) and (not re.search(rf"{_DAY_BEFORE_WORDS}\s*$", m.string[:m.start()])
                           or re.match(_NOT_A_DAY_AFTER.replace("(?!", "(?:", 1), m.string[m.end():])):
        return None
    return _day_token(None, int(m.group(1)), int(m.group(2)))


# what a numbered thing is when "3号" names it, not a day: 3号链接, 2号直播间, 1号主播, 5号仓
_NUMBERED_THING = (r"(?:链接|商品|产品|宝贝|品|款|主播|助播|达人|直播间|坑位|店|仓|车|位|客服|线|楼|群|机|卡|码|包"
                   r"|色|场|窗口|小店)")


_LISTED_THINGS = re.compile(rf"(?:\s*(?:到|至|-|~|、|,|和|与)\s*\d{{1,2}}\s*号)+\s*{_NUMBERED_THING}")
# (日 is a day only before words that end the date: "30日复购率" is a 30-day window read elsewhere)
@_rule(rf"(?<![\d月./第#近前后])(\d{{1,2}}|{CN_NUMERAL})\s*(?:号(?!\s*{_NUMBERED_THING})|日(?=(?:的|当天|那天|这天|那场"
       rf"|[,?.!;:]|$|到|至|-|~)))")
def _day_of_month(m: re.Match[str]) -> str | None:
    """"3号成交额", "20号那天": the latest 3rd / 20th of a month (on or before the data's last day)."""
    if _LISTED_THINGS.match(m.string, m.end()):
        return None  # "1号到3号链接", "3号、5号链接": numbered things listed, not days
    day = to_int(m.group(1))
    return f"day:{day}" if day and 1 <= day <= 31 else None


_ORDINAL = r"(?:st|nd|rd|th)?"
# "top 5 november", "best 3 of May": a rank before a month is not a day
_RANK_BEFORE = re.compile(r"(?:top|bottom|best|worst|first|last|highest|lowest|前|后)\s*$")


@_rule(rf"\b(?:(between|from)\s+)?({_MONTH_NAME})\.?\s+(\d{{1,2}}){_ORDINAL}\s*(-|to|through|thru|until|till|and)\s*"
       rf"(?:({_MONTH_NAME})\.?\s+)?(\d{{1,2}}){_ORDINAL}\b(?:\s*,?\s*{_YEAR4})?")
def _day_span_en(m: re.Match[str]) -> str | None:
    """"Nov 1-7", "from Nov 1 to Nov 7", "between Oct 28 and Nov 3, 2026"."""
    if m.group(4) == "and" and m.group(1) != "between":
        return None
    first = MONTH_NAMES[m.group(2)]
    last = MONTH_NAMES[m.group(5)] if m.group(5) else first
    return _span_token(m.group(7), first, int(m.group(3)), last, int(m.group(6)))


@_rule(rf"\b({_MONTH_NAME})\.?\s+(?:the\s+)?(\d{{1,2}}){_ORDINAL}\b(?!\s*[%:]|\.\d)"
       rf"(?!\s+(?:years?|months?|weeks?|days?|times?|hours?|x)\b)(?:\s*,?\s*{_YEAR4})?")
def _day_en(m: re.Match[str]) -> str | None:
    """"Nov 3", "November 3rd", "Nov 3, 2026"."""
    return _day_token(m.group(3), MONTH_NAMES[m.group(1)], int(m.group(2)))


@_rule(rf"\b(?:the\s+)?(\d{{1,2}}){_ORDINAL}\s+(?:of\s+)?({_MONTH_NAME})\b(?:\s*,?\s*{_YEAR4})?")
def _day_first_en(m: re.Match[str]) -> str | None:
    """"3 Nov", "the 3rd of November 2026" (not "top 3 Nov")."""
    if _RANK_BEFORE.search(m.string[:m.start()]):
        return None
    return _day_token(m.group(3), MONTH_NAMES[m.group(2)], int(m.group(1)))


@_rule(rf"(大前天|(?<![目之以提当眼])前天(?!猫))|(?<![\d.])({NUMBER})\s*天(?:以)?前(?!\s*\d)|\bthe\s+day\s+before\s+yesterday\b"
       rf"|\b({NUMBER})\s+days?\s+ago\b")
def _days_ago(m: re.Match[str]) -> str | None:
    """"前天" (2 days ago), "3天前", "three days ago": one day."""
    if m.group(1):
        return "3_days_ago" if m.group(1) == "大前天" else "2_days_ago"
    count = 2 if m.group(2) is None and m.group(3) is None else to_int(m.group(2) or m.group(3))
    return f"{count}_days_ago" if count and count >= 1 else None


_WEEK_ZH = {"上上": "2_weeks_ago", "上": "last_week", "这": "this_week", "本": "this_week"}
WEEKDAY_NUMBER = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "日": 7, "天": 7, "1": 1, "2": 2,
                   "3": 3, "4": 4, "5": 5, "6": 6, "7": 7}
WEEKDAY_EN = {"monday": 1, "mon": 1, "tuesday": 2, "tue": 2, "tues": 2, "wednesday": 3, "wed": 3,
               "thursday": 4, "thu": 4, "thurs": 4, "friday": 5, "fri": 5, "saturday": 6, "sat": 6,
               "sunday": 7, "sun": 7}
_WEEKDAY_NAME = "|".join(sorted(WEEKDAY_EN, key=len, reverse=True))


# (not "本周一共", "上周日均", "上周天猫", "上周3场", "本周五个品类": a count or a word the character begins)
@_rule(r"(上上|上|这|本)\s*个?\s*(?:周|星期|礼拜)\s*(?:([一二三四五六日天])(?!\s*(?:[共均猫直个场款品种家位名件单笔次天日周月年"
       r"类号批轮期]|\d|小时))|(末))")
def _weekday_zh(m: re.Match[str]) -> str | None:
    """"上周三" (Wednesday of last week), "这周末" (this week's Saturday and Sunday)."""
    week = _WEEK_ZH[m.group(1)]
    return f"{week}:weekend" if m.group(3) else f"{week}:d{WEEKDAY_NUMBER[m.group(2)]}"


@_rule(rf"\b(last|this|past)\s+(?:({_WEEKDAY_NAME})|(weekend))\b|\b(?:on\s+)?({_WEEKDAY_NAME})\s+(?:of\s+)?"
       rf"(last|this)\s+week\b")
def _weekday_en(m: re.Match[str]) -> str | None:
    """"last Wednesday" (the latest Wednesday before today), "this Friday", "last weekend", "Monday of last week"."""
    if m.group(4):
        return f"{'last_week' if m.group(5) == 'last' else 'this_week'}:d{WEEKDAY_EN[m.group(4)]}"
    if m.group(3):
        return "this_week:weekend" if m.group(1) == "this" else "last_week:weekend"
    day = WEEKDAY_EN[m.group(2)]
    return f"weekday:{day}" if m.group(1) != "this" else f"this_week:d{day}"


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
    return f"{'from:' if m.group(1) == 'since' else ''}month:{MONTH_NAMES[name]}"


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


@_rule(rf"(?:最近|近|过去|之前|(?<![\u4e00-\u9fff])前后|前|这)\s*的?\s*({NUMBER})\s*个?\s*(天|日|周|星期|礼拜|月|年)"
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


NAMED_DAYS = tuple(_PROMOS)  # promotions and holidays: tokens of a window with a name, not of dates

# Words next to a period that change it. Each rule sees the text just before (a pattern ending in $) or just
# after (a pattern starting at the period's end), wraps the token and takes its words into the phrase, so
# "11月1日以来" is one period ("from:day:11-1") and nothing of it is left over as unapplied.
_MONTH_TOKEN = re.compile(r"month:\d{1,2}|\d{4}-\d{2}|this_month|last_month|\d+_months_ago|last_year_m\d{1,2}")
NAMED_TOKEN = re.compile(rf"(?:{'|'.join(NAMED_DAYS)})(?:_\w+)?")  # a named window, not its :day
_DAY_TOKEN = re.compile(r"day:[\d-]+|\d{4}-\d{2}-\d{2}|\d+_days_ago|weekday:\d|\w+_weeks?(?:_ago)?:d\d|"
                        r"(?:" + "|".join(_PROMOS) + r")(?:_\w+)?:day")
Wrap = tuple[str, re.Pattern[str], Callable[[str, re.Match[str]], str | None]]


def _month_part(part: str) -> Callable[[str, re.Match[str]], str | None]:
    return lambda token, m: f"{token}:{part}" if _MONTH_TOKEN.fullmatch(token) else None


def _count_part(kind: str) -> Callable[[str, re.Match[str]], str | None]:
    def wrap(token: str, m: re.Match[str]) -> str | None:
        count = to_int(m.group(1))
        if not count or not _MONTH_TOKEN.fullmatch(token):
            return None
        if kind == "w":
            return f"{token}:w{count}" if 1 <= count <= 5 else None
        return f"{token}:{kind}{count}" if kind == "day" else f"{token}:{kind}_{count}_days"
    return wrap


PEAK_PROMOTION = re.compile(r"(?:double11|618)(?:_\w+)?")  # a promotion whose last day is its big day
_SPAN_UNITS = {"天": 1, "日": 1, "周": 7, "星期": 7, "礼拜": 7, "day": 1, "days": 1, "week": 7, "weeks": 7}


def _first_weeks(token: str, m: re.Match[str]) -> str | None:
    """"本月前两周": the month's first 14 days."""
    weeks = to_int(m.group(1))
    return f"{token}:first_{7 * weeks}_days" if weeks and weeks <= 4 and _MONTH_TOKEN.fullmatch(token) else None


def _beside(direction: str) -> Callable[[str, re.Match[str]], str | None]:
    """"双11前一周", "the 3 days after 618": the days just before / after a window."""
    def wrap(token: str, m: re.Match[str]) -> str | None:
        count = to_int(m.group(1)) if m.group(1) else 1
        if not count or not (NAMED_TOKEN.fullmatch(token) or _DAY_TOKEN.fullmatch(token)):
            return None
        if direction == "prior" and PEAK_PROMOTION.fullmatch(token):
            token += ":day"  # a promotion's run-up leads to its big day: 双11前一周 = the week before Nov 11
        return f"{direction}_{count * _SPAN_UNITS[m.group(2)]}_days:{token}"
    return wrap


def _open(kind: str) -> Callable[[str, re.Match[str]], str | None]:
    return lambda token, m: None if token == "all" or token.startswith(("from:", "until:", "after:", "before:")) \
        else f"{kind}:{token}"


_ORDINAL_WORDS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}
_WRAPS: list[Wrap] = [
    # parts of a month: 11月上旬 / 下旬 / 初 / 底, 11月第一周, 本月前10天, 上个月3号, early / mid / late November
    ("after", re.compile(r"\s*的?\s*上旬|\s*月?初(?![一二三四五六七八九十\d]|[次步始期级心见衷稿中学代版创审赛值])"),
     _month_part("early")),
    ("after", re.compile(r"\s*的?\s*中旬"), _month_part("mid")),
    ("after", re.compile(r"\s*的?\s*下旬"), _month_part("late")),
    ("after", re.compile(rf"\s*的?\s*第\s*({NUMBER})\s*(?:周|个?星期|个?礼拜)"), _count_part("w")),
    ("after", re.compile(rf"\s*的?\s*(?:前|头|最初的?)\s*({NUMBER})\s*天"), _count_part("first")),
    ("after", re.compile(rf"\s*的?\s*(?:前|头)\s*({NUMBER})\s*(?:个)?(?:周|星期|礼拜)"), _first_weeks),
    ("after", re.compile(rf"\s*的?\s*(?:最后|末尾?|最末)的?\s*({NUMBER})\s*天"), _count_part("last")),
    ("before", re.compile(rf"\b(?:the\s+)?last\s+({NUMBER})\s+days\s+(?:of|in)\s+$"), _count_part("last")),
    ("before", re.compile(r"\b(?:on\s+)?the\s+(\d{1,2})(?:st|nd|rd|th)\s+of\s+$"), _count_part("day")),
    ("after", re.compile(rf"\s*的?\s*(\d{{1,2}}|{CN_NUMERAL})\s*[日号](?!\s*(?:到|至|-|~|{_NUMBERED_THING}|复购|留存"
                         rf"|回购|内|以内|均|活|新))"), _count_part("day")),
    ("before", re.compile(r"\b(?:early|beginning\s+of|start\s+of)[\s-]*$"), _month_part("early")),
    ("before", re.compile(r"\bmid[\s-]*$|\bmiddle\s+of\s+$"), _month_part("mid")),
    ("before", re.compile(r"\blate[\s-]*$"), _month_part("late")),
    ("before", re.compile(r"\b(?:the\s+)?(first|second|third|fourth|1st|2nd|3rd|4th)\s+week\s+(?:of|in)\s+$"),
     lambda token, m: f"{token}:w{_ORDINAL_WORDS[m.group(1)]}" if _MONTH_TOKEN.fullmatch(token) else None),
    ("before", re.compile(rf"\b(?:the\s+)?first\s+({NUMBER})\s+days\s+(?:of|in)\s+$"), _count_part("first")),
    # a promotion's or holiday's own day: 双11当天 = Nov 11; a day "当天" is that day (not today)
    ("after", re.compile(r"\s*(?:当天|那天|这天|当日|那一天|这一天|正日子|的?(?:正|主)日)"),
     lambda token, m: f"{token}:day" if NAMED_TOKEN.fullmatch(token) else token if _DAY_TOKEN.fullmatch(token)
     else None),
    ("before", re.compile(r"\b(?:on\s+)?the\s+day\s+of\s+$"),
     lambda token, m: f"{token}:day" if NAMED_TOKEN.fullmatch(token) else None),
    # the days just before / after: 双11前一周, 国庆后三天, the week before Double 11, 3 days after 618
    ("after", re.compile(rf"\s*(?:之?前|以前)\s*的?\s*({NUMBER})?\s*个?\s*(天|日|周|星期|礼拜)"), _beside("prior")),
    ("after", re.compile(rf"\s*(?:之?后|以后)\s*的?\s*({NUMBER})?\s*个?\s*(天|日|周|星期|礼拜)"), _beside("next")),
    ("before", re.compile(rf"\b(?:the\s+)?(?:({NUMBER})\s+)?(days?|weeks?)\s+(?:just\s+|right\s+)?before\s+$"),
     _beside("prior")),
    ("before", re.compile(rf"\b(?:the\s+)?(?:({NUMBER})\s+)?(days?|weeks?)\s+(?:just\s+|right\s+)?after\s+$"),
     _beside("next")),
    # one end of a window: 国庆第一天, 本月最后一天, the first day of Double 11
    ("after", re.compile(r"\s*的?\s*(?:第一天|第1天|首日|头一天)"), lambda token, m: f"first_day:{token}"),
    ("after", re.compile(r"\s*的?\s*(?:最后一天|最后1天)"), lambda token, m: f"last_day:{token}"),
    ("before", re.compile(r"\b(?:on\s+)?the\s+first\s+day\s+of\s+$"), lambda token, m: f"first_day:{token}"),
    ("before", re.compile(r"\b(?:on\s+)?the\s+last\s+day\s+of\s+$"), lambda token, m: f"last_day:{token}"),
    # after an event, the days after it (国庆之后 = from Oct 8); after a day or month, from it on (10月20号以后)
    ("after", re.compile(r"\s*(?:以后|之后|过后|结束后|后)(?!\s*\d)"),
     lambda token, m: f"after:{token}" if NAMED_TOKEN.fullmatch(token) else None),
    # open windows: 截至10月底 / until the end of October (up to and including), 10月以前 / before October (not
    # including), 11月1日以来 / since Nov 1 / Nov 1 onwards (from, including), after Nov 1 (from the next day)
    ("before", re.compile(r"(?:截至|截止到?|截止至|直到|一直到|\buntil|\btill|\bup\s+to|\bby\s+the\s+end\s+of"
                          r"|\bas\s+of(?:\s+the\s+end\s+of)?|\bat\s+the\s+end\s+of)\s*(?:the\s+)?$"), _open("until")),
    ("after", re.compile(r"\s*(?:底|末)?\s*(?:为止|以前为止)"), _open("until")),
    ("after", re.compile(r"\s*月?(?:底|末)\s*(?:以前|之前)"), _open("until")),  # 10月底以前: through Oct 31
    ("after", re.compile(r"\s*(?:以前|之前)(?!\s*(?:的?\d|的?[一二三四五六七八九十两几]))"), _open("before")),
    ("before", re.compile(r"(?:\bbefore|\bprior\s+to|\bearlier\s+than)\s*$"), _open("before")),
    ("after", re.compile(r"\s*(?:以来|以后|之后|起|开始|至今|到现在|到今天|到目前(?:为止)?|迄今|到今|\s+onwards?\b"
                         r"|\s+(?:till|until|to)\s+(?:now|date|today)\b)"), _open("from")),
    # ("from" alone is the window itself: "customers from October")
    ("before", re.compile(r"(?:\bsince|\bstarting(?:\s+(?:from|on|in))?)\s*$"), _open("from")),
    ("before", re.compile(r"\bafter\s*$"), _open("after")),
    # the end of a month with no open word before it: 10月底 = its last ten days
    ("after", re.compile(r"\s*月?(?:底(?![价线部层薪下子气色图牌座盘])|末(?![次尾端位班世期梢]))"),
     lambda token, m: token if token.startswith("until:") else _month_part("late")(token, m)),
    ("before", re.compile(r"\b(?:the\s+)?end\s+of\s+$"), _month_part("late")),
]


# a preposition a month rule takes into its phrase ("of november", "in may"): words before it come before that
_LEAD = re.compile(r"(?:in|during|of|for|from)\s+")


def _wrap(text: str, period: PeriodMatch) -> PeriodMatch:
    """The period with the words around it applied (parts first, then an open end), each rule at most once."""
    token, start, end = period.token, period.start, period.end
    lead = _LEAD.match(text, start)
    for side, pattern, make in _WRAPS:
        if side == "after":
            m = pattern.match(text, end)
        else:
            m = pattern.search(text[:lead.end() if lead and start == period.start else start])
        if m is None or m.end() == m.start():
            continue
        wrapped = make(token, m)
        if wrapped is None:
            continue
        token = wrapped
        if side == "after":
            end = m.end()
        else:
            start = m.start()
    if token == period.token and (start, end) == (period.start, period.end):
        return period
    return PeriodMatch(token, text[start:end].strip(), start, end)


# Two periods joined into one window: "9月1日到10月", "from Oct 28 to today", "上周一到今天".
_SPAN_JOIN = re.compile(r"\s*(?:到|至|~|-|—|–|\bto\b|\bthrough\b|\bthru\b|\buntil\b|\btill\b)\s*")
_SPAN_OPEN = re.compile(r"(?:从|自|\bfrom|\bbetween)\s*$")


def _in_order(first: str, second: str) -> bool:
    """Whether the first window starts no later than the second ("本月-上月的差值" is no span)."""
    from tools.timewindow import PeriodError, resolve_period

    today = date.today()  # their order, not their dates, is asked: any day serves
    try:
        a, b = resolve_period(first, today), resolve_period(second, today)
    except PeriodError:
        return False
    if a.start is None or b.start is None:
        return False
    # a day or month named without a year wraps to the one before ("12月20号到1月5号", "28号到5号")
    return a.start <= b.start or all(t.startswith(("day:", "month:")) for t in (first, second))


def _join_spans(text: str, periods: list[PeriodMatch]) -> list[PeriodMatch]:
    joined: list[PeriodMatch] = []
    for period in periods:
        last = joined[-1] if joined else None
        if last is not None and period.token.startswith("until:") and ".." not in last.token \
                and not last.token.startswith(("from:", "until:", "after:", "before:")) \
                and not text[last.end:period.start].strip(" 的"):
            # "本月截至昨天": this month, up to yesterday
            joined[-1] = PeriodMatch(f"{last.token}..{period.token[6:]}", text[last.start:period.end].strip(),
                                     last.start, period.end)
            continue
        if last is not None and ".." not in last.token and ".." not in period.token \
                and not any(t.startswith(("from:", "until:", "after:", "before:")) or t == "all"
                            for t in (last.token, period.token)) \
                and _SPAN_JOIN.fullmatch(text[last.end:period.start]) and _in_order(last.token, period.token):
            opener = _SPAN_OPEN.search(text[:last.start])
            start = opener.start() if opener else last.start
            joined[-1] = PeriodMatch(f"{last.token}..{period.token}", text[start:period.end].strip(), start,
                                     period.end)
            continue
        joined.append(period)
    return joined


def find_periods(text: str) -> list[PeriodMatch]:
    """All time phrases in normalised text, longest first without overlaps, in text order; words around a
    period that change it (parts, open ends, 当天) are applied, and two periods joined by 到 / to are one."""
    hits: list[Hit] = []
    for pattern, make in _RULES:
        for m in pattern.finditer(text):
            token = make(m)
            if token:
                hits.append(Hit(m.group(0).strip(), token, m.start(), m.end()))
    periods = [_wrap(text, PeriodMatch(h.value, h.phrase, h.start, h.end)) for h in select_longest(hits)]
    # a wrapped period may now cover a neighbour ("11月30日当天" took the 当天 that also read as today)
    kept = [p for p in periods if not any(o is not p and o.start <= p.start and p.end <= o.end
                                          and (o.end - o.start) > (p.end - p.start) for o in periods)]
    return _join_spans(text, kept)


def find_period(text: str) -> PeriodMatch | None:
    """The first time phrase in the text (None if there is none)."""
    periods = find_periods(text)
    return periods[0] if periods else None
