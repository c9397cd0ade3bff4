"""Answer language: English for an English sentence (even one naming a Chinese host or product), else Chinese."""

from __future__ import annotations

import re

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text or ""))


# An English sentence's own small words: a question written in English around a Chinese name has them
_ENGLISH_GRAMMAR = re.compile(r"(?<![a-z])(?:the|of|did|does|do|how|what|which|who|is|are|was|were|in|for|by|and"
                              r"|last|this|with|from|our|much|many|about|vs|than|sell|sold|show|give|me|or|to|on|at|per|each|has|have"
                              r"|had|over)(?![a-z])",
                              re.IGNORECASE)
# A Chinese run set apart by spaces, quotes or brackets: a name or a value inside an English sentence
_SET_APART = re.compile(r"(?:^|(?<=[\s\"'“”‘’(（\[【,，:：/]))[^\sA-Za-z]{1,6}(?=$|[\s\"'“”‘’)）\]】,，.?？!！:：/'])")


def detect_language(text: str) -> str:
    """"zh" if the text is Chinese, "en" if English: an English sentence that only names a Chinese host, product
    or category ("How did 小雅 do last month?", "GMV of 美妆护肤 in October") is English."""
    if not has_cjk(text):
        return "en"
    rest = _SET_APART.sub(" ", text)
    words = re.findall(r"[A-Za-z]{2,}", rest)
    if not has_cjk(rest) and len(words) >= 3 and len(_ENGLISH_GRAMMAR.findall(rest)) >= 2:
        return "en"
    return "zh"
