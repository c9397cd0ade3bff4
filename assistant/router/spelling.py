"""Typo tolerance for English words: a word one edit (two for long words) away from exactly one
router vocabulary word is read as that word ("custmers" -> "customers", "retension" -> "retention")."""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.router import vocabulary as vocab
from assistant.router.numbers import EN_NUMBERS
from assistant.router.periods import MONTH_NAMES
from assistant.router.segments import load_segments, segment_phrases

# Ordinary words that must never be "corrected" into a vocabulary word.
_PROTECTED = set("""
about above after again against along also although always among another answer anyone anything
around asked because become been before being below better between both bring brings brought
build call came cannot change chart charts check chinese class classes close come could country
create daily data dates doing done during each earlier early either else enough even ever every
exact example first follow following found from further generate given going good great group
groups guess happen happened have having help here high higher how however into items just keep
know large later latest least leave less level like likely little live long look looking lower
made make many maybe mean means might model money month months more most much must name need
needs never next night number numbers often only order other others ought over overall people
per percent perhaps place plan please point possible price prices quite rather ready really
reason report result results right same says scale scales second seems sell seller sellers
selling sells send separate several shall share shop shops short should shown shows simple since
single small some something soon sort start still store stores such sure table take than thank
that their them then there these they thing things think this those three through time times
today together total toward trade trend trends under until using usual value values very want
week weeks well went were what when where whether which while whole whom whose will with within
without word words work worse worst would year years your yours hello hosts women stage stages
lasted lapse cells sales lists loyal sleep growth group totally value period periods
promote promoted promoting promotion promotions promotional account accounts creator creators affiliate
affiliates partner partners brought bringing paying spending ordering placed placing
pending across request requested requests undecided ongoing waiting awaiting involved
fraction fractions proportion proportions portion portions percentage percentages ratio ratios
frequent declined
""".split())

_WORD = re.compile(r"(?<![a-z\-'])[a-z][a-z']{2,}[a-z](?![a-z\-])")


@lru_cache(maxsize=1)
def _vocabulary() -> frozenset[str]:
    words: set[str] = set()
    lexicon_phrases: list[str] = []
    for table in (vocab.METRIC_SYNONYMS, vocab.DIMENSION_SYNONYMS, vocab.GENDER_WORDS, vocab.PROVINCES):
        lexicon_phrases += [p for phrases in table.values() for p in phrases]
    lexicon_phrases += list(EN_NUMBERS) + list(MONTH_NAMES)
    lexicon_phrases += [phrase for phrase, _ref in segment_phrases(load_segments())]
    for keywords in vocab.TOOL_KEYWORDS.values():
        lexicon_phrases += list(keywords)
    lexicon_phrases += ["customers", "customer", "users", "segment", "segments", "champions",
                        "loyalists", "hibernating", "dormant", "potential", "promising", "retention",
                        "cohort", "repurchase", "revenue", "average", "category", "categories",
                        "products", "region", "regions", "channel", "channels", "gender", "converted", "converting",
                        "conversion", "watched", "refunded", "cancelled",
                        # the words of a window ("befor 2025-06-01", "yesturday", "wendesday")
                        "before", "after", "since", "until", "between", "through", "yesterday", "weekend", "monday",
                        "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "morning", "afternoon",
                        "evening", "midnight", "christmas", "valentine"]
    for phrase in lexicon_phrases:
        words.update(w for w in re.findall(r"[a-z]+", phrase) if len(w) >= 5)
    return frozenset(words)


def _distance(a: str, b: str, limit: int) -> int:
    """Damerau-Levenshtein (optimal string alignment) distance, cut off above `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


@lru_cache(maxsize=1)
def _documented_words() -> frozenset[str]:
    """Every English word the tools' own descriptions use ("frequency", "monetary", "holdout"): words of the
    domain, spelt right, that must not be bent into a nearby vocabulary word ("frequency" -> "frequently")."""
    from tools.registry import all_tools, load_builtin_tools  # noqa: PLC0415 - the registry imports every tool

    load_builtin_tools()
    return frozenset(w for spec in all_tools() for w in re.findall(r"[a-z]{5,}", spec.description.lower()))


@lru_cache(maxsize=4096)
def correct_word(word: str) -> str:
    if word.endswith("'s"):  # a possessive ("session's") is its word, spelt right or corrected as itself
        return correct_word(word[:-2]) + "'s" if len(word) > 2 else word
    known = _vocabulary()
    stem = word[:-1] if word.endswith("s") else word
    if len(word) < 5 or word in known or stem in known or word in _PROTECTED or stem in _PROTECTED:
        return word
    if word in _documented_words() or stem in _documented_words():
        return word
    limit = 1 if len(word) < 8 else 2
    scored = sorted((_distance(word, w, limit), w) for w in known if abs(len(w) - len(word)) <= limit)
    if not scored or scored[0][0] > limit:
        return word
    best = [w for d, w in scored if d == scored[0][0]]
    return best[0] if len(best) == 1 else word


def correct_spelling(text: str) -> tuple[str, list[str]]:
    """The text with misspelt English words corrected, and the corrections made ("a->b")."""
    corrections: list[str] = []

    def fix(match: re.Match[str]) -> str:
        word = match.group(0)
        fixed = correct_word(word)
        if fixed != word:
            corrections.append(f"{word}->{fixed}")
        return fixed

    return _WORD.sub(fix, text), corrections
