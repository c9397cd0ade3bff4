"""The SQL acceptance corpus (corpus.yaml) and how its results are compared."""

from __future__ import annotations

import datetime as dt
import decimal
import math
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

CORPUS = Path(__file__).with_name("corpus.yaml")
REL = 1e-6


@lru_cache(maxsize=1)
def corpus() -> list[dict[str, Any]]:
    return yaml.safe_load(CORPUS.read_text(encoding="utf-8"))


def _cell(value: Any) -> Any:
    """One comparable form per value, whichever engine or pandas dtype produced it."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return None
    try:
        if pd.isna(value) is True:
            return None
    except (TypeError, ValueError):
        pass
    if hasattr(value, "item") and not isinstance(value, (list, dict, str)):
        value = value.item()
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime):
        # A DATE arrives as a date from a cursor and as a midnight Timestamp from a DataFrame.
        if value.time() == dt.time(0) and value.tzinfo is None:
            return value.date().isoformat()
        return value.replace(tzinfo=None).isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, (list, tuple)) or (hasattr(value, "tolist") and not isinstance(value, str)):
        return tuple(_cell(v) for v in (value.tolist() if hasattr(value, "tolist") else value))
    if isinstance(value, dict):
        return tuple(sorted((k, _cell(v)) for k, v in value.items()))
    return value


def rows(frame: pd.DataFrame) -> list[tuple]:
    return [tuple(_cell(v) for v in row) for row in frame.itertuples(index=False, name=None)]


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=REL, abs_tol=1e-9)
    if isinstance(a, tuple) and isinstance(b, tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return a == b


def _key(row: tuple) -> tuple:
    """A sort key that keeps floats comparable to 1e-6 (rounded) and None first."""
    return tuple((0, "") if v is None else (1, round(v, 4)) if isinstance(v, float) else (2, str(v)) for v in row)


def difference(got: pd.DataFrame, expected: pd.DataFrame, ordered: bool) -> str | None:
    """None when equal; else a short description of the first difference."""
    if [str(c) for c in got.columns] != [str(c) for c in expected.columns]:
        return f"columns {list(got.columns)} != {list(expected.columns)}"
    a, b = rows(got), rows(expected)
    if len(a) != len(b):
        return f"{len(a)} rows != {len(b)} rows"
    if not ordered:
        a, b = sorted(a, key=_key), sorted(b, key=_key)
    for i, (x, y) in enumerate(zip(a, b)):
        if not _same(x, y):
            return f"row {i}: {x} != {y}"
    return None
