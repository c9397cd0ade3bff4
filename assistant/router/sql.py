"""Questions that are SQL: SELECT / WITH statements, optionally inside a ``` fence."""

from __future__ import annotations

import re

_FENCE = re.compile(r"^```[\w-]*[ \t]*\n?(.*?)\n?[ \t]*```$", re.S)
_SELECT = re.compile(r"select\s+(.*)", re.I | re.S)
_WITH = re.compile(r"with\s+(?:recursive\s+)?[\w\"`]+\s*(?:\([^)]*\))?\s+as\s*(?:not\s+)?(?:materialized\s+)?\(",
                   re.I)
_FROM = re.compile(r"\bfrom\s+([\w\"`.]+)", re.I)
# "Select the hosts from last month" is English, not SQL.
_PROSE_AFTER_FROM = {"last", "the", "this", "past", "previous", "our", "my", "each", "all", "every",
                     "a", "an", "yesterday", "today", "june", "january"}
_SQL_SYMBOLS = re.compile(r"[*(),=<>'\";]")


def _strip_fence(text: str) -> str:
    match = _FENCE.match(text)
    if match:
        return match.group(1).strip()
    if text.startswith("```"):  # an unclosed fence
        return re.sub(r"^```[\w-]*[ \t]*\n?", "", text).strip()
    return text


def extract_sql(question: str) -> str | None:
    """The SQL text if the question is a SELECT / WITH statement (fence removed), else None."""
    text = _strip_fence((question or "").strip())
    if _WITH.match(text):
        return text
    match = _SELECT.match(text)
    if not match:
        return None
    rest = match.group(1)
    source = _FROM.search(rest)
    if source and source.group(1).lower() not in _PROSE_AFTER_FROM:
        return text
    if not source and (_SQL_SYMBOLS.search(rest) or re.fullmatch(r"[\w.]+", rest.strip())):
        return text
    return None
