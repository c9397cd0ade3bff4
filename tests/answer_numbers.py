"""Checks that every number an answer cites comes from its tool result.

A cited number is traceable when, after undoing the display rules of tools/fmt.py (万/亿 scaling,
percent ×100, rounding to the shown decimals), it equals:
  1. a value in the result: a numeric table cell, a table's row count, a numeric param or resolved
     argument (nested lists/dicts included), or a number written inside a string cell or string
     param (labels such as "25-30", "2024-09", "200-500 元");
  2. a derived value, by one of these explicit rules only:
     - difference or ratio of two numeric cells in the same table row or the same table column;
     - share: a cell divided by its column's sum; a column's sum;
     - difference or ratio of two numeric params.
Dates (YYYY-MM-DD, YYYY-MM) must appear in the result's params or tables. Text quoted verbatim from
the vetted definition files (data/metrics.yaml, segments.yaml, playbook.yaml) is removed before
numbers are read: the constants in a playbook action are part of that action, not a result.
Event names (618, 双11, Double 11) and list enumerators ("1. ...") are not quantities.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import numpy as np
import pandas as pd
import yaml

from data import DATA_DIR

# Names that contain digits but are no quantity: events, model names, and the label of the 365-day
# spend columns ("近12个月" / "last 12 months" is how revenue_365d reads).
NAMES = re.compile(r"双11|双十一|双12|Double 11|Double 12|618|3C|B2C|K-means|BG/NBD|WAPE|GPM|P\(alive\)"
                   r"|近\s?12\s?个月|last 12 months")
# "10–20%": the first end of a range takes the unit of the second.
RANGE_UNIT = re.compile(r"(\d+(?:\.\d+)?)(\s?[–-]\s?)(\d+(?:\.\d+)?)(%|万|亿)")
DATE = re.compile(r"(?<![\d.])(\d{4})[-/](\d{2})(?:[-/](\d{2}))?(?![\d])")
ENUMERATOR = re.compile(r"(?:(?<=^)|(?<=[\s；;：:。]))(\d{1,2})\.(?=\s|\D)")
# A number with its display unit; a leading sign counts only when it is not a range dash.
NUMBER = re.compile(
    r"(?P<sign>(?:(?<=^)|(?<=[\s(\[（［:：,，=≥≤<>约])|(?<=vs ))[+\-−])?"
    r"(?P<money>¥)?(?P<value>\d+(?:,\d{3})*(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"\s?(?P<unit>万|亿|%|pp|个百分点|x|×|倍)?"
)
IDENTIFIER_CHAR = re.compile(r"[A-Za-z_]")
FULL_TABLE_ROWS, HEAD_ROWS = 1000, 200


@dataclass
class Cited:
    text: str
    value: float  # the number as displayed, before undoing the unit
    unit: str
    decimals: int

    def candidates(self) -> list[tuple[float, float]]:
        """(value, tolerance) pairs the raw number could have been, per tools/fmt.py."""
        step = 0.5 * 10 ** -self.decimals + 1e-9
        if self.unit == "万":
            return [(self.value * 1e4, step * 1e4)]
        if self.unit == "亿":
            return [(self.value * 1e8, step * 1e8)]
        if self.unit in ("%", "pp", "个百分点"):
            return [(self.value / 100, step / 100)]
        return [(self.value, step)]


@dataclass
class Sources:
    values: np.ndarray
    strings: set[str]
    rows: list[np.ndarray] = field(default_factory=list)      # numeric cells per table row
    columns: list[np.ndarray] = field(default_factory=list)   # numeric cells per table column
    params: np.ndarray = field(default_factory=lambda: np.array([]))
    row_limit: int = 60  # rows per table taken into the pairwise rules (the answer cites the head)


@cache
def _vetted_texts() -> tuple[str, ...]:
    texts: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
        elif isinstance(node, str) and len(node) >= 6 and re.search(r"\d", node):
            texts.append(node)

    for name in ("metrics", "segments", "playbook"):
        with open(DATA_DIR / f"{name}.yaml", encoding="utf-8") as handle:
            walk(yaml.safe_load(handle))
    return tuple(sorted(set(texts), key=len, reverse=True))


def _strip(text: str) -> str:
    for quoted in _vetted_texts():
        text = text.replace(quoted, " ")
    # Vetted text may be quoted in pieces (an action split at its first colon or comma).
    for quoted in _vetted_texts():
        for piece in re.split(r"[:：,，;；]", quoted):
            if len(piece) >= 12 and re.search(r"\d", piece):
                text = text.replace(piece, " ")
    return NAMES.sub(" ", text)


def cited_numbers(text: str) -> tuple[list[Cited], list[str]]:
    """The numbers and the dates an answer cites."""
    text = RANGE_UNIT.sub(r"\1\4\2\3\4", _strip(text))
    dates = [m.group(0) for m in DATE.finditer(text)]
    text = DATE.sub(" ", text)
    text = ENUMERATOR.sub(" ", text)
    cited = []
    for m in NUMBER.finditer(text):
        start, end = m.start("value"), m.end("value")
        before = text[start - 1] if start else ""
        after = text[end] if end < len(text) else ""
        if IDENTIFIER_CHAR.match(after) and not m.group("unit") or before == "_":
            continue  # part of an identifier such as coupon_2026_09
        raw = m.group("value").replace(",", "")
        decimals = len(raw.split(".")[1]) if "." in raw else 0
        value = float(raw) * (-1 if m.group("sign") in ("-", "−") else 1)
        cited.append(Cited(m.group(0).strip(), value, m.group("unit") or "", decimals))
    return cited, dates


def _numbers_in(text: str) -> list[float]:
    """Numbers written inside a string cell, in the units they are written in (¥6.34万 -> 63400)."""
    out = []
    for m in re.finditer(r"(\d+(?:,\d{3})*(?:\.\d+)?)\s?(万|亿|%)?", text):
        value = float(m.group(1).replace(",", ""))
        out.append(value)
        scale = {"万": 1e4, "亿": 1e8, "%": 0.01}.get(m.group(2) or "")
        if scale:
            out.append(value * scale)
    return out


def _date_strings(value: Any) -> list[str]:
    if isinstance(value, (pd.Timestamp, dt.datetime, dt.date)):
        iso = value.isoformat()[:10]
        return [iso, iso[:7]]
    if isinstance(value, str):
        return [d.group(0) for d in DATE.finditer(value)] + [d.group(0)[:7] for d in DATE.finditer(value)]
    return []


def _flatten(node: Any, numbers: list[float], strings: set[str]) -> None:
    if isinstance(node, dict):
        for value in node.values():
            _flatten(value, numbers, strings)
    elif isinstance(node, (list, tuple)):
        for value in node:
            _flatten(value, numbers, strings)
    elif isinstance(node, bool) or node is None:
        return
    elif isinstance(node, (int, float, np.integer, np.floating)):
        if not (isinstance(node, float) and math.isnan(node)):
            numbers.append(float(node))
    else:
        strings.update(_date_strings(node))
        if isinstance(node, str):
            numbers.extend(_numbers_in(node))


def sources(result: Any) -> Sources:
    """Everything the answer may cite, from a ToolResult or an Answer (tables + params/resolved)."""
    params = getattr(result, "params", None)
    if params is None:
        params = {k: v for call in result.tool_calls for k, v in {**call.args, **call.resolved}.items()}
        params = {"args": [dict(c.args) for c in result.tool_calls], "resolved": params}
    numbers: list[float] = []
    strings: set[str] = set()
    _flatten(params, numbers, strings)
    param_values = np.array(numbers, dtype=float)
    rows: list[np.ndarray] = []
    columns: list[np.ndarray] = []
    limit = Sources(np.array([]), set()).row_limit
    for table in result.tables:
        numbers.append(float(len(table.df)))
        # Per-customer tables hold thousands of small numbers that would "match" anything: an answer
        # cites their head (they are sorted) or their column totals, so only those count.
        df = table.df if len(table.df) <= FULL_TABLE_ROWS else table.df.head(HEAD_ROWS)
        numeric = df.select_dtypes(include=[np.number, "bool"]).astype(float)
        numbers.extend(numeric.to_numpy().ravel().tolist())
        for column in df.columns:
            if column not in numeric.columns:
                for value in df[column].head(2000).tolist():  # mixed columns: labels and values
                    _flatten(value, numbers, strings)
        head = numeric.head(limit).to_numpy()
        rows.extend(head)
        full = table.df.select_dtypes(include=[np.number, "bool"]).astype(float)
        for column in full.columns:
            values = full[column].dropna().to_numpy()
            numbers.append(float(values.sum()))
            if values.sum():
                numbers.extend((values[:limit] / values.sum()).tolist())
    values = np.array([v for v in numbers if not math.isnan(v)], dtype=float)
    return Sources(values, strings, rows, columns, param_values)


def _hits(values: np.ndarray, target: float, tolerance: float) -> bool:
    return bool(values.size) and bool(np.any(np.abs(values - target) <= tolerance))


def _pairwise(group: np.ndarray, target: float, tolerance: float) -> bool:
    group = group[~np.isnan(group)]
    if group.size < 2:
        return False
    a, b = group[:, None], group[None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        derived = np.concatenate([(a - b).ravel(), (a / b).ravel()])
    derived = derived[np.isfinite(derived)]
    return _hits(derived, target, tolerance)


def traceable(number: Cited, src: Sources) -> bool:
    for target, tolerance in number.candidates():
        for signed in {target, abs(target)}:
            if _hits(src.values, signed, tolerance):
                return True
            if _pairwise(src.params, signed, tolerance):
                return True
            if any(_pairwise(group, signed, tolerance) for group in src.rows):
                return True
    return False


def untraceable(result: Any, texts: list[str]) -> list[str]:
    """The numbers and dates in `texts` that `result` does not account for."""
    src = sources(result)
    missing = []
    for text in texts:
        cited, dates = cited_numbers(text)
        missing += [n.text for n in cited if not traceable(n, src)]
        missing += [d for d in dates if d not in src.strings]
    return missing
