"""The shapes passed between the import stages."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd


@dataclass
class RawTable:
    """One table as read from a file: every cell a string (or None), nothing typed yet."""

    name: str                 # table name from the file/sheet name, e.g. "orders" or "订单导出"
    df: pd.DataFrame          # object dtype, header row already applied, blank rows dropped
    source: str               # file path (and "#sheet" for Excel)
    encoding: str | None = None
    delimiter: str | None = None
    header_row: int = 0       # 0-based line/row index of the header in the original file
    notes: list[str] = field(default_factory=list)  # e.g. "skipped 2 title rows"


@dataclass
class ColumnMatch:
    column: str               # the column name in the RawTable
    confidence: float         # 0..1
    reason: str               # e.g. "header '下单时间' ~ order_time" or "values look like phone numbers"


@dataclass
class TableMapping:
    """Which canonical table a raw table feeds, and which raw column plays each role."""

    raw_name: str
    kind: str                 # orders | customers | order_items | products | hosts | live_sessions | unknown
    roles: dict[str, ColumnMatch] = field(default_factory=dict)
    unmapped: list[str] = field(default_factory=list)
    personal: list[str] = field(default_factory=list)  # raw columns holding personal data
