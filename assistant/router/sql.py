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


# "帮我跑一下 SELECT ...", "run this: SELECT ...": a short request in front of the statement.
_LEAD_IN = re.compile(r"^(?:请|麻烦)?(?:帮我|帮忙)?(?:跑|执行|运行|查)(?:一下|下)?(?:这个|这条)?(?:sql)?\s*[:：]?\s*"
                      r"|^(?:please\s+)?(?:run|execute)(?:\s+this)?(?:\s+(?:sql|query))?\s*:?\s*", re.I)


def extract_sql(question: str) -> str | None:
    """The SQL text if the question is a SELECT / WITH statement (fence removed), else None."""
    text = _strip_fence((question or "").strip())
    text = _strip_fence(_LEAD_IN.sub("", text, count=1).strip()) if _LEAD_IN.match(text) else text
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
