"""Loads the definitions kept as data in `data/`: metrics, schema descriptions, segments, playbook."""

from __future__ import annotations

from functools import cache
from typing import Any

import yaml

from data import DATA_DIR


@cache
def load(name: str) -> dict[str, Any]:
    with open(DATA_DIR / f"{name}.yaml", encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def metrics() -> dict[str, dict[str, Any]]:
    return load("metrics")["metrics"]


def metric(name: str) -> dict[str, Any]:
    return metrics()[name]


def schema_tables() -> dict[str, dict[str, Any]]:
    return load("schema")["tables"]


def segments(scheme: str) -> dict[str, dict[str, Any]]:
    return load("segments")[scheme]


def playbook() -> dict[str, Any]:
    return load("playbook")
