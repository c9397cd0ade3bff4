"""The one result type every tool returns, and the error type tools raise."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd

ChartKind = Literal["line", "bar", "pie", "treemap", "heatmap"]


@dataclass
class Table:
    """A named table; `truncated` says rows were cut by a row cap."""

    name: str
    df: pd.DataFrame
    truncated: bool = False


@dataclass
class ChartSpec:
    """A declarative chart over one of the result's tables; our code renders it, never the model."""

    kind: ChartKind
    title: str
    table: str
    x: str
    y: str
    color: str | None = None


@dataclass
class FileRequest:
    """Ask the front end to hand one of the result's tables over as a file (campaign exports).

    `personal` asks for the customers' contact details in the file; the engine honours it only when
    the person asked explicitly (never on the model's or the router's say-so). Tools never see
    raw contact details: the engine adds them from the dataset's contact store, matched on the
    table's `contact_key` column, as the columns `contact_columns` names (field -> header)."""

    table: str
    stem: str
    format: Literal["csv", "xlsx"] = "csv"
    personal: bool = False
    contact_key: str = "customer_id"
    contact_columns: dict[str, str] = field(default_factory=dict)


@dataclass
class ToolResult:
    answer: str
    tables: list[Table] = field(default_factory=list)
    charts: list[ChartSpec] = field(default_factory=list)
    sql: list[str] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)
    recommendations: list[str] = field(default_factory=list)
    files: list[FileRequest] = field(default_factory=list)
    # the metric definitions and segment rules the answer used (tools/definitions.py): {name, zh, en, formula}
    definitions: list[dict[str, Any]] = field(default_factory=list)

    def table(self, name: str) -> pd.DataFrame:
        for t in self.tables:
            if t.name == name:
                return t.df
        raise KeyError(name)


class ToolError(Exception):
    """An error the person (or the model) can act on: a code and a message in both languages."""

    def __init__(self, code: str, en: str, zh: str | None = None):
        super().__init__(en)
        self.code = code
        self.en = en
        self.zh = zh or en

    def message(self, language: str) -> str:
        return self.zh if language == "zh" else self.en
