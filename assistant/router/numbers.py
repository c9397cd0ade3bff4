"""Numbers written as digits, Chinese numerals (一 .. 九千九百九十九, 两) or English words."""

from __future__ import annotations

import re

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
              "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}

CN_NUMERAL = "[零〇一二两三四五六七八九十百千]+"

EN_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "ninety": 90, "hundred": 100,
}
# A number in a pattern: digits, a Chinese numeral or an English number word.
EN_NUMBER = "|".join(sorted((w for w in EN_NUMBERS if len(w) > 2), key=len, reverse=True))
NUMBER = rf"(?:\d+|{CN_NUMERAL}|{EN_NUMBER})"


def chinese_to_int(text: str) -> int | None:
    """一 -> 1, 十五 -> 15, 二十 -> 20, 三十五 -> 35, 一百二十 -> 120, 两 -> 2; None if not a numeral."""
    if not text or any(ch not in _CN_DIGITS and ch not in _CN_UNITS for ch in text):
        return None
    if all(ch in _CN_DIGITS for ch in text) and len(text) > 1:  # 一八 style digit strings
        return int("".join(str(_CN_DIGITS[ch]) for ch in text))
    total, digit = 0, None
    for ch in text:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        else:
            total += (1 if digit is None else digit) * _CN_UNITS[ch]
            digit = None
    return total + (digit or 0)


def to_int(text: str) -> int | None:
    """Digits, a Chinese numeral or an English number word -> int (None if not a number)."""
    text = text.strip()
    if re.fullmatch(r"\d+", text):
        return int(text)
    if text in EN_NUMBERS:
        return EN_NUMBERS[text]
    return chinese_to_int(text)


def span_days(count: int, unit_days: int) -> int:
    """A span of `count` units of `unit_days` days in days; whole years of months are years ("12-month" = 365)."""
    if unit_days == 30 and count % 12 == 0:
        return count // 12 * 365
    return count * unit_days
