"""Answer language: Chinese if the text contains any CJK character, else English."""

from __future__ import annotations

import re

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text or ""))


def detect_language(text: str) -> str:
    """"zh" if any CJK ideograph occurs in the text, otherwise "en"."""
    return "zh" if has_cjk(text) else "en"
