"""Requests the product will not carry out, and questions the data cannot answer: said in words, with
what can be asked instead, before any tool runs. The rules are data (data/limits.yaml)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from assistant.router.normalize import normalize
from assistant.router.sql import extract_sql
from tools import catalog


@dataclass(frozen=True)
class Limit:
    kind: str  # "decline" | "unanswerable"
    name: str  # the rule: change_data, personal_data, ad_spend ...
    phrase: str  # what in the question marked it
    reply_zh: str
    reply_en: str
    instead_zh: tuple[str, ...]
    instead_en: tuple[str, ...]


@lru_cache(maxsize=1)
def _rules() -> tuple[tuple[str, str, tuple[re.Pattern[str], ...], dict], ...]:
    data = catalog.load("limits")
    rules = []
    for kind in ("decline", "unanswerable"):  # a request to act is declined before its topic is judged
        for name, entry in data[kind].items():
            rules.append((kind, name, tuple(re.compile(m) for m in entry["marks"]), entry))
    return tuple(rules)


def find_limit(question: str, figures: frozenset[str] = frozenset()) -> Limit | None:
    """The first rule the question meets; a SQL statement is left to the SQL guard. `figures`: the optional
    figures this dataset has (DataVocabulary.figures): a rule `unless_data` one of them does not apply."""
    if not isinstance(question, str) or extract_sql(question) is not None:
        return None
    text = normalize(question)
    for kind, name, patterns, entry in _rules():
        if entry.get("unless_data") in figures:
            continue  # e.g. ROI on a session report that has its ad spend
        for pattern in patterns:
            m = pattern.search(text)
            before = text[max(0, m.start() - 12):m.start()] if m else ""
            if m and entry.get("unless_before") and re.search(entry["unless_before"], before):
                continue  # the person will do it themselves ("我发短信"): not a request to us
            if m:
                instead = entry.get("instead") or {}
                return Limit(kind, name, m.group(0), entry["zh"], entry["en"],
                             tuple(instead.get("zh", ())), tuple(instead.get("en", ())))
    return None
