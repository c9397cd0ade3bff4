"""The hours of the day a question names -> metric_query's hour filter ("20-23", ">=20", "<9").

"晚上8点以后", "10点到12点", "after 10pm", "凌晨": orders placed in those hours. An hour range is inclusive of
whole hours ("10点到12点" is 10:00-11:59, so "10-11"); a part of the day stands for the hours in _PARTS, and the
answer's label shows the clock times it used, so the assumption is visible.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from assistant.router.matching import Hit
from assistant.router.numbers import to_int

# Parts of the day, as the hours people mean by them (the answer prints the clock times).
_PARTS: list[tuple[str, str]] = [
    (r"凌晨|(?<![a-z])(?:early morning|small hours|before dawn)(?![a-z])", "0-5"),
    (r"早上|早晨|清晨", "6-8"),
    (r"上午|(?<![a-z])(?:in the morning|mornings?)(?![a-z])", "6-11"),
    (r"中午|(?<![a-z])(?:noon|lunchtime|lunch time)(?![a-z])", "11-12"),
    (r"下午|(?<![a-z])(?:in the afternoon|afternoons?)(?![a-z])", "12-17"),
    (r"傍晚", "17-18"),
    (r"晚上|晚间|夜里|夜间|(?<![a-z])(?:in the evening|evenings?|at night|nights?)(?![a-z])", "18-23"),
]
# A part of the day that is no time of ordering: a greeting ("晚上好", "good evening"), when the asker needs the
# answer ("老板下午要看"), or a word of a name ("夜间修护面霜" is checked against the data's names by the caller).
_NOT_ORDER_TIME = re.compile(r"\s*(?:好|要|开会|之前要|前要|给|发|见|汇报)")
_GREETING = re.compile(r"(?<![a-z])good\s+$")
# A live session named by its time of day ("晚场", "下午场", "morning streams") is a session, not order hours.
_SESSION_AFTER = re.compile(r"\s*(?:的|那)?\s*(?:场|直播|(?:live\s+)?(?:sessions?|streams?|shows?|broadcasts?))")

_HOUR = r"(\d{1,2})"  # digits: "降价一点之后" is a little, not one o'clock
_PM_ZH = r"(晚上|晚|夜里|下午|傍晚|凌晨|早上|上午|中午)?"  # _clock moves only the afternoon and evening ones
_CLOCK = r"\s*(?:点|时|:00)"
_AFTER_ZH = r"(?:以后|之后|后|起|开始|以来)"
_BEFORE_ZH = r"(?:以前|之前|前)"
_AM_PM = r"\s*(am|pm|a\.m\.|p\.m\.)(?![a-z])"


def _clock(hour: int | None, pm: str | None) -> int | None:
    """A spoken hour on the 24-hour clock: 晚上8点 and 8pm are 20; midnight (12am) is 0."""
    if hour is None or not 0 <= hour <= 24:
        return None
    if pm and pm.startswith(("晚", "夜")) and hour == 12:
        return 24  # 晚上12点: midnight, the end of the evening
    if pm and pm.startswith(("晚", "夜", "下午", "傍晚", "p")) and hour < 12:
        hour += 12
    elif pm and pm.startswith("a") and hour == 12:
        hour = 0
    return 0 if hour == 24 else hour


def _span(first: int | None, end: int | None) -> str | None:
    """Hours first..end-1 ("10点到12点" ends when 12:00 starts); None for an empty or wrapping span."""
    if first is None or end is None:
        return None
    end = 24 if end == 0 else end
    return f"{first}-{end - 1}" if first < end else None


_RULES: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str | None]]] = [
    # 10点到12点, 晚8到10点, 20:00-22:00
    (re.compile(rf"{_PM_ZH}\s*{_HOUR}{_CLOCK}?\s*(?:到|至|-|~)\s*{_PM_ZH}\s*{_HOUR}{_CLOCK}"),
     lambda m: _span(_clock(to_int(m.group(2)), m.group(1)), _clock(to_int(m.group(4)), m.group(3) or m.group(1)))),
    # between 8pm and midnight, 8pm-10pm, from 9am to noon
    (re.compile(rf"(?<![a-z0-9])(?:between|from)?\s*(\d{{1,2}}){_AM_PM}?\s*(?:and|to|-|until|till)\s*"
                rf"(?:(\d{{1,2}}){_AM_PM}|(midnight|noon))"),
     lambda m: _span(_clock(int(m.group(1)), m.group(2) or m.group(4)),
                     0 if m.group(5) == "midnight" else 12 if m.group(5) == "noon"
                     else _clock(int(m.group(3)), m.group(4)))),
    # 晚上8点以后, 20点后, after 10pm, from 9pm
    (re.compile(rf"{_PM_ZH}\s*{_HOUR}{_CLOCK}\s*{_AFTER_ZH}"),
     lambda m: (h := _clock(to_int(m.group(2)), m.group(1))) is not None and h < 24 and f">={h}" or None),
    (re.compile(rf"(?<![a-z])(?:after|since|from)\s+(\d{{1,2}}){_AM_PM}"),
     lambda m: (h := _clock(int(m.group(1)), m.group(2))) is not None and f">={h}" or None),
    # 早上9点前, before 9am
    (re.compile(rf"{_PM_ZH}\s*(?:早上|上午|早)?\s*{_HOUR}{_CLOCK}\s*{_BEFORE_ZH}"),
     lambda m: (h := _clock(to_int(m.group(2)), m.group(1))) and f"<{h}" or None),
    (re.compile(rf"(?<![a-z])before\s+(\d{{1,2}}){_AM_PM}"),
     lambda m: (h := _clock(int(m.group(1)), m.group(2))) and f"<{h}" or None),
]


def find_hours(text: str) -> Hit | None:
    """The hours of the day the (normalised) question keeps, as an hour filter value, or None."""
    clocks = False
    for pattern, make in _RULES:
        for m in pattern.finditer(text):
            clocks = True
            value = make(m)
            if value:
                return Hit(m.group(0).strip(), value, m.start(), m.end())
    if clocks:  # "晚上10点到凌晨2点" runs past midnight: no one range, so none (the answer names the hours)
        return None
    for pattern, value in _PARTS:
        for m in re.finditer(pattern, text):
            if not (_SESSION_AFTER.match(text, m.end()) or _NOT_ORDER_TIME.match(text, m.end())
                    or _GREETING.search(text[:m.start()])):
                return Hit(m.group(0), value, m.start(), m.end())
    return None
