"""Segment names from data/segments.yaml: display names and aliases -> (scheme, key).

The file maps scheme (rfm, cn8, lifecycle) -> segment key -> {zh, en, rule, aliases: [...]}.
Matching prefers the longest phrase, so 即将沉睡客户 beats 沉睡客户.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from assistant.router.matching import Hit, Lexicon
from assistant.router.normalize import normalize
from data import DATA_DIR

SEGMENTS_FILE = DATA_DIR / "segments.yaml"
SCHEMES = ("rfm", "cn8", "lifecycle")

# English display names that are ordinary words ("New", "Active") would match everywhere; they
# are only used when they also appear in the aliases.
_GENERIC_DISPLAY_NAMES = {"new", "active", "repeat", "promising", "churned", "reactivated"}

# Router-only extra phrases, used when the key exists in the file.
EXTRA_ALIASES: dict[tuple[str, str], list[str]] = {
    ("rfm", "new_customers"): ["new users", "新来的客户", "新来的用户", "just started buying",
                               "recently started buying", "started buying from us", "刚开始买", "刚开始在我们这买"],
    ("rfm", "at_risk"): ["流失风险用户", "有流失风险的客户", "有流失风险的用户", "at risk users"],
    ("rfm", "hibernating"): ["沉睡", "睡着的客户", "好久没买", "很久没买", "好久没来", "很久没来", "好久没下单",
                             "long time no buy", "haven't bought in ages", "not bought for ages", "gone quiet"],
    ("rfm", "champions"): ["高价值", "most valuable customers"],
}


@dataclass(frozen=True)
class SegmentRef:
    scheme: str
    key: str


def load_segments(path: Path = SEGMENTS_FILE) -> dict[str, dict[str, dict]]:
    """The parsed file (empty when it does not exist yet)."""
    if not path.exists():
        return {}
    with open(path, encoding="utf-8") as handle:
        content = yaml.safe_load(handle) or {}
    return {scheme: dict(content.get(scheme) or {}) for scheme in SCHEMES if content.get(scheme)}


def segment_phrases(segments: dict[str, dict[str, dict]]) -> list[tuple[str, SegmentRef]]:
    """Every (phrase, segment) pair: zh / en display names, aliases and router extras."""
    pairs: list[tuple[str, SegmentRef]] = []
    seen: set[str] = set()
    for scheme, entries in segments.items():
        for key, spec in entries.items():
            ref = SegmentRef(scheme, key)
            names = [spec.get("zh"), spec.get("en")] + list(spec.get("aliases") or [])
            names += EXTRA_ALIASES.get((scheme, key), [])
            for name in names:
                if not isinstance(name, str) or not name.strip():
                    continue
                phrase = normalize(name)
                if phrase in _GENERIC_DISPLAY_NAMES and phrase not in _aliases(spec):
                    continue
                if phrase in seen:  # the first scheme that names it keeps it (rfm before cn8 ...)
                    continue
                seen.add(phrase)
                pairs.append((phrase, ref))
    # Spoken variants after every written name, so a variant never takes another segment's name:
    # 价格敏感用户 -> 价格敏感的用户 / 价格敏感的客户 / 价格敏感顾客 ...
    for phrase, ref in list(pairs):
        for variant in _spoken_variants(phrase):
            if variant not in seen:
                seen.add(variant)
                pairs.append((variant, ref))
    return pairs


_PEOPLE = ("客户", "用户", "顾客", "买家", "粉丝", "人群")


def _spoken_variants(phrase: str) -> list[str]:
    for tail in _PEOPLE:
        stem = phrase[: -len(tail)]
        if phrase.endswith(tail) and len(stem) >= 2 and re.fullmatch(r"[\u4e00-\u9fff]+", stem):
            stem = stem.removesuffix("的")
            return [f"{stem}{middle}{other}" for other in _PEOPLE + ("老客",) for middle in ("", "的")]
    return []


def _aliases(spec: dict) -> set[str]:
    return {normalize(a) for a in spec.get("aliases") or [] if isinstance(a, str)}


def build_lexicon(path: Path = SEGMENTS_FILE) -> Lexicon:
    return Lexicon((phrase, ref, float(len(phrase))) for phrase, ref in segment_phrases(load_segments(path)))


@lru_cache(maxsize=1)
def _default_lexicon() -> Lexicon:
    return build_lexicon(SEGMENTS_FILE)


def default_lexicon() -> Lexicon:
    """The segment phrases of data/segments.yaml (cached until reload)."""
    return _default_lexicon()


def reload() -> None:
    """Forget the cached vocabulary (after data/segments.yaml changed)."""
    _default_lexicon.cache_clear()


# Sleeping said as about to happen ("about to go dormant", "快要沉睡的客户", "starting to go quiet"): the RFM group
# of those drifting towards it (About to Sleep), not the ones already asleep.
_ABOUT_TO = re.compile(r"(?:(?<![a-z])(?:about to|going to|starting to|beginning to|on the verge of|close to|nearly)"
                       r"(?:\s+(?:go|become|get|going|becoming|turn|turning))?|快要?|即将|将要|马上要?|开始(?:要|变得|慢慢)|眼看要)\s*$")


# Customers lost, said with the verb ("我们流失了多少客户", "how many customers have we lost", "流失掉的用户"):
# the lifecycle's churned stage, as its noun form (流失客户) is
_LOST_VERB = re.compile(r"流失(?:了|掉)(?:的)?\s*(?:多少|几)?\s*(?:个|位|名)?\s*(?:客户|用户|买家|顾客|人)"
                        r"|(?:客户|用户|买家|顾客)(?:都|已经)?流失(?:了|掉)"
                        r"|(?<![a-z])(?:customers|buyers|shoppers)\s+(?:have|did|do)\s+we\s+(?:lose|lost)(?![a-z])"
                        r"|(?<![a-z])(?:customers|buyers|shoppers)\s+(?:that\s+|who\s+)?we(?:'ve|\s+have)?\s+lost(?![a-z])"
                        r"|(?<![a-z])(?:have|did)\s+we\s+(?:lose|lost)\s+(?:\w+\s+)?(?:customers|buyers)(?![a-z])")


def find_segments(text: str, lexicon: Lexicon | None = None) -> list[Hit]:
    """Segment mentions in normalised text, longest first, without overlaps; value = SegmentRef."""
    hits = (lexicon or _default_lexicon()).find(text)
    hits = [Hit(h.phrase, SegmentRef("rfm", "about_to_sleep"), h.start, h.end)
            if h.value == SegmentRef("rfm", "hibernating") and _ABOUT_TO.search(text[:h.start]) else h for h in hits]
    if not hits and (m := _LOST_VERB.search(text)):
        # (the verb alone: the people beside it are what is counted, "多少客户", "how many customers")
        verb = re.search(r"流失(?:了|掉)?|lose|lost", m.group(0))
        hits = [Hit(verb.group(0), SegmentRef("lifecycle", "churned"), m.start() + verb.start(),
                    m.start() + verb.end(), 4.0)]
    return hits


def find_segment(text: str, lexicon: Lexicon | None = None) -> Hit | None:
    """The longest segment mention (the earliest among equally long ones)."""
    hits = find_segments(text, lexicon)
    if not hits:
        return None
    return max(hits, key=lambda h: (h.end - h.start, -h.start))


# What joins two groups set side by side: "新客的客单价比老客高多少", "重要价值和重要挽留客户对比",
# "new customers' AOV than returning customers'", "Champions vs At Risk".
SIDE_BY_SIDE = re.compile(r"比|和|与|跟|及|、|/|对比|相比"
                          r"|(?<![a-z])(?:vs\.?|versus|than|compared|against|and|or)(?![a-z])")


def side_by_side(text: str, hits: list[Hit]) -> list[Hit]:
    """Two or more groups of one scheme named with a word joining them: the groups to set side by side.

    Only groups named as groups count ("重要价值和重要挽留客户", not "重要价值客户里的老客"); an empty list
    when the question names fewer than two, or names them without joining them."""
    found = sorted(hits, key=lambda h: h.start)
    for scheme in dict.fromkeys(h.value.scheme for h in found):  # (in the order the question names them)
        same = [h for h in found if h.value.scheme == scheme]
        if len({h.value.key for h in same}) < 2:
            continue
        if all(SIDE_BY_SIDE.search(text[a.end:b.start]) for a, b in zip(same, same[1:])):
            return same
    return []
