"""Phrase matching: a lexicon of phrases -> values, found longest-first without overlaps.

Chinese phrases match as substrings. A phrase that starts / ends with an ASCII letter or digit
must sit on a word boundary there, may take a plural "s"/"es", and a space or hyphen inside it
matches a space, a hyphen or nothing ("drop off" = "drop-off" = "dropoff").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from assistant.router.normalize import normalize


@dataclass(frozen=True)
class Hit:
    phrase: str  # the text as it occurs in the (normalised) question
    value: Any  # what the phrase stands for
    start: int
    end: int
    weight: float = 1.0

    def overlaps(self, other: Hit) -> bool:
        return self.start < other.end and other.start < self.end


def phrase_pattern(phrase: str, plural: bool = True) -> re.Pattern[str]:
    phrase = normalize(phrase)
    parts = [re.escape(piece) for piece in re.split(r"[\s\-]+", phrase) if piece]
    body = r"[\s\-]?".join(parts)
    if re.match(r"[a-z0-9]", phrase):
        body = r"(?<![a-z0-9])" + body
    if re.search(r"[a-z0-9]$", phrase):
        if plural and re.search(r"[a-z]$", phrase):
            body += r"(?:s|es)?"
        body += r"(?![a-z0-9])"
    return re.compile(body)


def select_longest(hits: Iterable[Hit]) -> list[Hit]:
    """Keep the longest hits that do not overlap a longer (or earlier, equally long) one."""
    chosen: list[Hit] = []
    for hit in sorted(hits, key=lambda h: (-(h.end - h.start), h.start)):
        if not any(hit.overlaps(kept) for kept in chosen):
            chosen.append(hit)
    return sorted(chosen, key=lambda h: h.start)


def select_maximal(hits: Iterable[Hit]) -> list[Hit]:
    """Drop hits that lie inside a longer hit; partly overlapping hits are all kept."""
    hits = list(hits)
    kept = [h for h in hits if not any(
        o is not h and o.start <= h.start and h.end <= o.end and (o.end - o.start) > (h.end - h.start)
        for o in hits)]
    unique = {(h.start, h.end, str(h.value)): h for h in kept}
    return sorted(unique.values(), key=lambda h: (h.start, h.end))


class Lexicon:
    """Phrases with a value and a weight; `find` returns non-overlapping hits, longest first."""

    def __init__(self, entries: Iterable[tuple[str, Any, float]] = (), plural: bool = True):
        self._entries: list[tuple[re.Pattern[str], Any, float]] = []
        self._plural = plural
        for phrase, value, weight in entries:
            self.add(phrase, value, weight)

    @classmethod
    def from_mapping(cls, mapping: dict[Any, Iterable[str]], weight: float = 1.0,
                     plural: bool = True) -> Lexicon:
        """{value: [phrase, ...]} -> Lexicon."""
        return cls(((p, value, weight) for value, phrases in mapping.items() for p in phrases), plural)

    def add(self, phrase: str, value: Any, weight: float = 1.0) -> None:
        self._entries.append((phrase_pattern(phrase, self._plural), value, weight))

    def all_hits(self, text: str) -> list[Hit]:
        return [Hit(m.group(0), value, m.start(), m.end(), weight)
                for pattern, value, weight in self._entries for m in pattern.finditer(text)]

    def find(self, text: str) -> list[Hit]:
        return select_longest(self.all_hits(text))

    def find_maximal(self, text: str) -> list[Hit]:
        return select_maximal(self.all_hits(text))

    def first(self, text: str) -> Hit | None:
        hits = self.find(text)
        return hits[0] if hits else None
