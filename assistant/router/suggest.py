"""The understood questions nearest to one that was not understood, offered as clickable options.

The bank is every tool's own examples (the "Example:" lines of its docstring, one registry) plus the
help examples; nearness is the cosine of character 1-3-grams, which needs no model and treats
Chinese (no spaces) and English alike. A question a person typed is never offered back, nor SQL.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from functools import lru_cache

from assistant.help import EXAMPLES
from assistant.router.language import detect_language
from assistant.router.normalize import normalize

_EXAMPLE = re.compile(r'"([^"]+)"\s*->')


def _grams(text: str) -> Counter[str]:
    text = re.sub(r"\s+", " ", normalize(text))
    grams: Counter[str] = Counter()
    for n in (1, 2, 3):
        grams.update(text[i:i + n] for i in range(len(text) - n + 1) if text[i:i + n].strip())
    return grams


def _cosine(a: Counter[str], b: Counter[str]) -> float:
    shared = sum(a[g] * b[g] for g in a.keys() & b.keys())
    norm = math.sqrt(sum(v * v for v in a.values())) * math.sqrt(sum(v * v for v in b.values()))
    return shared / norm if norm else 0.0


@lru_cache(maxsize=1)
def bank() -> tuple[tuple[str, str, str], ...]:
    """(question, tool, language) for every example a tool documents, then the help examples."""
    from tools.registry import all_tools  # noqa: PLC0415 - the registry imports every tool module

    rows: list[tuple[str, str, str]] = []
    for spec in all_tools():
        if spec.name == "run_sql":
            continue  # an operator is never offered SQL
        for question in _EXAMPLE.findall(spec.description):
            rows.append((question, spec.name, detect_language(question)))
    for language, questions in EXAMPLES.items():
        rows += [(q, "", language) for q in questions if not q.lower().startswith("select")]
    return tuple(dict.fromkeys(rows))


@lru_cache(maxsize=1)
def _bank_grams() -> tuple[Counter[str], ...]:
    return tuple(_grams(q) for q, _, _ in bank())


def nearest(question: str, language: str, k: int = 3, exclude_tools: tuple[str, ...] = ()) -> list[str]:
    """Up to k understood questions in `language`, nearest to `question` first, one per tool."""
    target = _grams(question)
    ranked = sorted(((_cosine(target, grams), row) for row, grams in zip(bank(), _bank_grams())
                     if row[2] == language and row[1] not in exclude_tools),
                    key=lambda pair: -pair[0])
    picked: list[str] = []
    tools: set[str] = set()
    asked = normalize(question)
    for _, (text, tool, _) in ranked:
        if normalize(text) == asked or text in picked or (tool and tool in tools):
            continue
        picked.append(text)
        tools.add(tool)
        if len(picked) == k:
            break
    return picked
