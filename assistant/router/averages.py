"""Averages over time asked for (日均, 平均每天, 月均, "average daily", "per day on average"): metric_query's
`per`. A day, week or month word alone ("每天的GMV", "GMV per day") asks for the figure of each day, a
breakdown; averaged, it asks for one figure (or one per group), the total over the calendar days."""

from __future__ import annotations

import re

from assistant.router.matching import Hit

_UNIT = {"天": "day", "日": "day", "周": "week", "星期": "week", "礼拜": "week", "月": "month", "个月": "month",
         "day": "day", "week": "week", "month": "month", "daily": "day", "weekly": "week", "monthly": "month"}
_WEEKDAY = r"(?:周|星期|礼拜)[一二三四五六日天]"
_EN_WEEKDAY = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"

# (pattern, unit): the unit is the pattern's group "unit", or the value given where the pattern has none.
RULES: list[tuple[re.Pattern[str], str | None]] = [
    # 日均, 周均, 月均 (not 人均, 单均, 场均: averages over people, orders and sessions are measures of their own)
    (re.compile(r"(?P<unit>日|周|月)均"), None),
    # 平均每个周三, 平均每个星期六, 每个周末平均: one day of the week, averaged over its days
    (re.compile(rf"平均(?:下来)?每(?:个|一个)?{_WEEKDAY}|每(?:个|一个)?{_WEEKDAY}平均"), "day"),
    # 平均每天, 平均一天, 平均下来每个月, 平均算下来一周
    (re.compile(r"平均(?:下来|算下来|来看|来说)?\s*(?:每|一)(?:个|一个)?(?P<unit>天|日|周|星期|礼拜|个月|月)"
                r"(?![一二三四五六日天])"), None),
    # 每天平均, 一个月平均下来
    (re.compile(r"(?:每|一)(?:个|一个)?(?P<unit>天|日|周|星期|礼拜|个月|月)(?![一二三四五六日天])"
                r"(?:下来)?\s*平均"), None),
    # average daily, daily average, avg weekly
    (re.compile(r"(?<![a-z])(?:average|avg|mean)\s+(?P<unit>daily|weekly|monthly)(?![a-z])"
                r"|(?<![a-z])(?P<unit2>daily|weekly|monthly)\s+(?:average|avg|mean)(?![a-z])"), None),
    # on an average Wednesday, per Saturday on average, the average Monday
    (re.compile(rf"(?<![a-z])(?:on\s+)?(?:an?|the)\s+average\s+{_EN_WEEKDAY}|(?<![a-z])average\s+(?:per|each|every)\s+"
                rf"{_EN_WEEKDAY}|(?:per|each|every)\s+{_EN_WEEKDAY}\s+on\s+average"), "day"),
    # on an average day; per day on average; a day on average; on average per day / each day
    (re.compile(r"(?<![a-z])(?:on\s+)?an?\s+average\s+(?P<unit>day|week|month)(?![a-z])"
                r"|(?<![a-z])(?:per|a|each|every)\s+(?P<unit2>day|week|month)\s*,?\s+on\s+average"
                r"|(?<![a-z])on\s+average\s*,?\s+(?:per|a|each|every)\s+(?P<unit3>day|week|month)(?![a-z])"), None),
    # the average number of orders per day, average sales a day, average GMV per month
    (re.compile(r"(?<![a-z])(?:average|avg|mean)\b[^.?!;,，。？]{0,40}?\b(?:per|a|each|every)\s+"
                r"(?P<unit>day|week|month)(?![a-z])"), None),
]


def find_per(text: str) -> Hit | None:
    """The first average over time the (normalised) text asks for: value "day" | "week" | "month"."""
    found = []
    for pattern, unit in RULES:
        for m in pattern.finditer(text):
            said = next((m.group(g) for g in ("unit", "unit2", "unit3") if g in pattern.groupindex and m.group(g)),
                        None)
            found.append(Hit(m.group(0), unit or _UNIT[said], m.start(), m.end()))
    return min(found, key=lambda h: h.start) if found else None
