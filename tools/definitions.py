"""The definitions behind an answer ("口径"), one click away: metric formulas and segment rules,
read from data/metrics.yaml and data/segments.yaml through tools/catalog.py, never restated.

Each definition is a plain dict {name, zh, en, formula} (the JSON contract's `definitions` items):
`name` is the stable key ("repurchase_rate", "rfm.champions"), `zh`/`en` the display names and
`formula` the definition text in the answer's language. Metric entries also carry `definition`
({zh, en}, exactly as in data/metrics.yaml) and `sql`; segment entries carry `rule` ({zh, en})."""

from __future__ import annotations

from typing import Any

from tools import catalog

Definition = dict[str, Any]


def metric(name: str, language: str) -> Definition:
    spec = catalog.metric(name)
    return {"name": name, "zh": spec["zh"], "en": spec["en"], "kind": "metric",
            "formula": spec["definition"][language], "definition": dict(spec["definition"]), "sql": spec["sql"]}


def rfm_scoring(language: str) -> Definition:
    text = catalog.load("metrics")["rfm"]["definition"]
    return {"name": "rfm", "zh": "RFM 口径", "en": "RFM", "kind": "metric",
            "formula": text[language], "definition": dict(text)}


def segments(scheme: str, language: str, keys: list[str] | None = None) -> list[Definition]:
    """The rules of a segment scheme (all its segments, or only `keys`); none for schemes that are not
    in data/segments.yaml (K-means clusters are defined by their own fit)."""
    if scheme not in catalog.load("segments"):
        return []
    known = catalog.segments(scheme)
    return [{"name": f"{scheme}.{key}", "zh": spec["zh"], "en": spec["en"], "kind": "segment",
             "formula": spec["rule"][language], "rule": dict(spec["rule"])}
            for key, spec in known.items() if keys is None or key in keys]


def custom(name: str, zh: str, en: str, formula: str) -> Definition:
    """A tool's own definition (funnel steps, live-room conversion, churn): text the tool states."""
    return {"name": name, "zh": zh, "en": en, "kind": "tool", "formula": formula}
