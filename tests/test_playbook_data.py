"""Consistency checks for data/segments.yaml and data/playbook.yaml."""

from __future__ import annotations

import itertools
from collections import Counter
from pathlib import Path

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parents[1]
DATA = REPO_ROOT / "data"
# shared/ sits next to the repo (repo = <root>/main, seeds = <root>/shared/seeds), locally and in CI.
SEEDS_DIR = REPO_ROOT.parent / "shared" / "seeds"

SCHEMES = ("rfm", "cn8", "lifecycle")
LANGS = ("zh", "en")

RFM_CELLS = {  # key -> (R scores, F scores), as specified
    "champions": ([5], [4, 5]),
    "loyal_customers": ([3, 4], [4, 5]),
    "potential_loyalists": ([4, 5], [2, 3]),
    "new_customers": ([5], [1]),
    "promising": ([4], [1]),
    "need_attention": ([3], [3]),
    "about_to_sleep": ([3], [1, 2]),
    "at_risk": ([1, 2], [3, 4]),
    "cant_lose": ([1, 2], [5]),
    "hibernating": ([1, 2], [1, 2]),
}
RFM_KEYS = set(RFM_CELLS)
CN8 = {  # key -> (r, f, m, zh name)
    "important_value": ("high", "high", "high", "重要价值客户"),
    "important_development": ("high", "low", "high", "重要发展客户"),
    "important_retention": ("low", "high", "high", "重要保持客户"),
    "important_winback": ("low", "low", "high", "重要挽留客户"),
    "general_value": ("high", "high", "low", "一般价值客户"),
    "general_development": ("high", "low", "low", "一般发展客户"),
    "general_retention": ("low", "high", "low", "一般保持客户"),
    "general_winback": ("low", "low", "low", "一般挽留客户"),
}
LIFECYCLE_KEYS = {"new", "active", "repeat", "at_risk", "churned", "reactivated"}

# Seed 003's seven customer groups and the rfm segment each maps to (see segments.yaml header).
SEED_003_GROUPS = {
    "高价值客户": "champions",
    "新客户": "new_customers",
    "沉睡客户": "hibernating",
    "即将流失客户": "at_risk",
    "低价值客户": "hibernating",
    "潜力新星客户": "potential_loyalists",
    "品牌粉丝": "loyal_customers",
}

# Aliases deliberately shared by two schemes. Keep this tiny; add entries only on purpose.
CROSS_SCHEME_SHARED_ALIASES: set[str] = set()

PLAYBOOK_TEXT_FIELDS = ("who", "goal", "measure")
PLAYBOOK_LIST_FIELDS = ("tactics", "channels", "kpis")
BUDGET_LEVELS = {"high", "medium", "low"}
GENERAL_PRACTICE = "general_practice"


def _load(name: str) -> dict:
    with open(DATA / name, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@pytest.fixture(scope="module")
def segments() -> dict:
    return _load("segments.yaml")


@pytest.fixture(scope="module")
def playbook() -> dict:
    return _load("playbook.yaml")


def _norm(alias: str) -> str:
    return " ".join(alias.split()).casefold()


def _nonempty_str(value) -> bool:
    return isinstance(value, str) and value.strip() != ""


def _all_segments(segments):
    for scheme in SCHEMES:
        for key, seg in segments[scheme].items():
            yield scheme, key, seg


# --------------------------------------------------------------------------- segments.yaml


def test_segment_schemes_and_keys(segments):
    assert set(segments) == set(SCHEMES)
    assert set(segments["rfm"]) == RFM_KEYS
    assert set(segments["cn8"]) == set(CN8)
    assert set(segments["lifecycle"]) == LIFECYCLE_KEYS


def test_segment_common_fields(segments):
    for scheme, key, seg in _all_segments(segments):
        where = f"{scheme}.{key}"
        for lang in LANGS:
            assert _nonempty_str(seg.get(lang)), f"{where}: missing display name {lang}"
            assert _nonempty_str(seg.get("rule", {}).get(lang)), f"{where}: missing rule.{lang}"
        aliases = seg.get("aliases")
        assert isinstance(aliases, list) and aliases, f"{where}: aliases must be a non-empty list"
        assert all(_nonempty_str(a) for a in aliases), f"{where}: aliases must be non-empty strings"
        assert _norm(seg["zh"]) in {_norm(a) for a in aliases}, f"{where}: zh name not in aliases"


def _fmt_range(values: list[int]) -> str:
    return str(values[0]) if len(values) == 1 else f"{values[0]}-{values[-1]}"


def test_rfm_rules_machine_readable_and_consistent(segments):
    for key, seg in segments["rfm"].items():
        r, f = seg.get("r"), seg.get("f")
        for name, scores in (("r", r), ("f", f)):
            assert isinstance(scores, list) and scores, f"rfm.{key}: {name} must be a list"
            assert all(isinstance(s, int) and 1 <= s <= 5 for s in scores), f"rfm.{key}.{name}"
            assert scores == sorted(set(scores)), f"rfm.{key}.{name} must be sorted, unique"
            assert scores == list(range(scores[0], scores[-1] + 1)), f"rfm.{key}.{name} contiguous"
        assert (r, f) == RFM_CELLS[key], f"rfm.{key}: r/f differ from the specification"
        assert seg["rule"]["en"] == f"R {_fmt_range(r)} and F {_fmt_range(f)}", f"rfm.{key} rule.en"
        assert seg["rule"]["zh"] == f"R={_fmt_range(r)} 且 F={_fmt_range(f)}", f"rfm.{key} rule.zh"


def test_rfm_rules_cover_all_25_cells_exactly_once(segments):
    cells = Counter((r, f) for seg in segments["rfm"].values() for r in seg["r"] for f in seg["f"])
    all_cells = set(itertools.product(range(1, 6), repeat=2))
    assert set(cells) == all_cells, f"uncovered: {sorted(all_cells - set(cells))}"
    overlaps = {cell: n for cell, n in cells.items() if n > 1}
    assert not overlaps, f"cells covered more than once: {overlaps}"


def test_cn8_levels(segments):
    seen = set()
    for key, (r, f, m, zh) in CN8.items():
        seg = segments["cn8"][key]
        assert (seg.get("r"), seg.get("f"), seg.get("m")) == (r, f, m), f"cn8.{key} levels"
        assert seg["zh"] == zh, f"cn8.{key} zh name"
        seen.add((r, f, m))
    assert len(seen) == 8


def test_lifecycle_priorities(segments):
    priorities = [seg.get("priority") for seg in segments["lifecycle"].values()]
    assert sorted(priorities) == list(range(1, len(LIFECYCLE_KEYS) + 1))


def test_no_alias_maps_to_two_keys_within_a_scheme(segments):
    for scheme in SCHEMES:
        owner: dict[str, str] = {}
        for key, seg in segments[scheme].items():
            normed = [_norm(a) for a in seg["aliases"]]
            dups = [a for a, n in Counter(normed).items() if n > 1]
            assert not dups, f"{scheme}.{key}: repeated aliases {dups}"
            for alias in normed:
                assert alias not in owner, (
                    f"{scheme}: alias {alias!r} maps to both {owner[alias]} and {key}"
                )
                owner[alias] = key


def test_cross_scheme_alias_overlap_is_deliberate(segments):
    schemes_of: dict[str, set[str]] = {}
    for scheme, _key, seg in _all_segments(segments):
        for alias in seg["aliases"]:
            schemes_of.setdefault(_norm(alias), set()).add(scheme)
    shared = {a for a, s in schemes_of.items() if len(s) > 1}
    assert shared <= CROSS_SCHEME_SHARED_ALIASES, f"undeclared cross-scheme aliases: {shared}"


def test_seed_003_group_names_are_aliases(segments):
    owner = {_norm(a): key for key, seg in segments["rfm"].items() for a in seg["aliases"]}
    for group, key in SEED_003_GROUPS.items():
        assert owner.get(_norm(group)) == key, f"seed 003 group {group} should map to rfm.{key}"


# --------------------------------------------------------------------------- playbook.yaml


def test_playbook_has_exactly_one_entry_per_segment(segments, playbook):
    assert set(playbook) == set(SCHEMES)
    for scheme in SCHEMES:
        missing = set(segments[scheme]) - set(playbook[scheme])
        extra = set(playbook[scheme]) - set(segments[scheme])
        assert not missing, f"{scheme}: no playbook entry for {sorted(missing)}"
        assert not extra, f"{scheme}: playbook entries for unknown segments {sorted(extra)}"
    assert sum(len(playbook[s]) for s in SCHEMES) == 24


def test_playbook_entry_fields(segments, playbook):
    for scheme, key, _seg in _all_segments(segments):
        entry = playbook[scheme][key]
        where = f"{scheme}.{key}"
        for field in PLAYBOOK_TEXT_FIELDS:
            for lang in LANGS:
                value = entry.get(field, {}).get(lang)
                assert _nonempty_str(value), f"{where}: {field}.{lang} missing"
                assert "\n" not in value.strip(), f"{where}: {field}.{lang} must be one line"
        for field in PLAYBOOK_LIST_FIELDS:
            lists = {lang: entry.get(field, {}).get(lang) for lang in LANGS}
            for lang, items in lists.items():
                assert isinstance(items, list) and items, f"{where}: {field}.{lang} missing"
                assert all(_nonempty_str(i) for i in items), f"{where}: {field}.{lang} items"
                assert all("\n" not in i.strip() for i in items), f"{where}: {field}.{lang} 1 line"
            assert len(lists["zh"]) == len(lists["en"]), f"{where}: {field} zh/en lengths differ"
        assert 3 <= len(entry["tactics"]["zh"]) <= 5, f"{where}: need 3-5 tactics"
        budget = entry.get("budget", {})
        assert budget.get("level") in BUDGET_LEVELS, f"{where}: budget.level"
        for lang in LANGS:
            assert _nonempty_str(budget.get(lang)), f"{where}: budget.{lang} missing"


def test_playbook_sources_exist(segments, playbook):
    if not SEEDS_DIR.is_dir():  # only outside the workplace, where ../shared is not checked out
        pytest.skip(f"seed articles not found at {SEEDS_DIR}")
    seed_files = {p.name for p in SEEDS_DIR.iterdir() if p.is_file()}
    for scheme, key, _seg in _all_segments(segments):
        sources = playbook[scheme][key].get("source")
        where = f"{scheme}.{key}"
        assert isinstance(sources, list) and sources, f"{where}: source must be a non-empty list"
        assert len(sources) == len(set(sources)), f"{where}: duplicate sources"
        for src in sources:
            assert src == GENERAL_PRACTICE or src in seed_files, f"{where}: unknown source {src}"
        assert any(src in seed_files for src in sources), f"{where}: cite at least one seed"


def test_playbook_entries_are_differentiated(segments, playbook):
    who = Counter(playbook[s][k]["who"]["zh"] for s, k, _ in _all_segments(segments))
    assert all(n == 1 for n in who.values()), "two entries share the same who.zh"
    for scheme in SCHEMES:
        seen: dict[str, str] = {}
        for key, entry in playbook[scheme].items():
            for tactic in entry["tactics"]["zh"]:
                assert tactic not in seen, f"{scheme}: tactic repeated in {seen[tactic]} and {key}"
                seen[tactic] = key


def test_budget_follows_seed_003_roi_guidance(playbook):
    # Seed 003: invest in high-value customers; no costly 1:1 resources for low-value ones.
    assert playbook["rfm"]["champions"]["budget"]["level"] == "high"
    assert playbook["cn8"]["important_value"]["budget"]["level"] == "high"
    assert playbook["rfm"]["hibernating"]["budget"]["level"] == "low"
    assert playbook["cn8"]["general_winback"]["budget"]["level"] == "low"
