"""The answer every front end returns, and its JSON form: the project's public contract.

{"answer", "language", "mode", "tool_calls": [{"name", "args"}],
 "tables": [{"name", "columns", "rows", "truncated"}], "charts": [{"title", "plotly"}],
 "sql": [...], "recommendations": [...], "error": null | {"code", "message"}}
Extensions (additive only): tool_calls[].resolved, tables[].row_count, charts[].spec,
files: [{"name", "path", "format", "rows", "personal_data"}] (campaign exports written to disk),
clarification: null | {"question", "options": [{"label", "question"}]} (asked instead of guessing; no
tool call, no error), assumptions: [...] (defaults taken instead of asking, shown under the answer),
definitions: [{"name", "zh", "en", "formula"}] (the metric definitions and segment rules the answer used),
not_applied: [{"kind", "phrase", "detail"}] (parts of the question the answer does not honour; the answer
text names them too), options: [{"label", "question"}] (questions offered next, each one that is understood:
the nearest ones when a question is not, the alternatives to a default taken), caveats: [{"code", "message"}]
(what makes the dataset's figures doubtful, e.g. an implausible customer key; the answer text leads with it).
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from assistant.router.clarify import Clarification
from tools.charts import render, to_plotly_json
from tools.privacy import mask_strings, mask_text
from tools.result import ChartSpec, Table


@dataclass
class ToolCall:
    name: str
    args: dict[str, Any]
    resolved: dict[str, Any] = field(default_factory=dict)  # what the tool made of them (windows...)


@dataclass
class ExportedFile:
    name: str
    path: str
    format: str
    rows: int
    personal_data: bool


@dataclass
class Answer:
    answer: str
    language: str
    mode: str = "offline"
    tool_calls: list[ToolCall] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[ChartSpec] = field(default_factory=list)
    sql: list[str] = field(default_factory=list)
    recommendations: list[str] = field(default_factory=list)
    error: dict[str, str] | None = None
    files: list[ExportedFile] = field(default_factory=list)
    clarification: Clarification | None = None  # options to pick from instead of an answer
    assumptions: list[str] = field(default_factory=list)
    definitions: list[dict[str, Any]] = field(default_factory=list)  # metric/segment definitions used
    not_applied: list[dict[str, str]] = field(default_factory=list)  # qualifiers the answer does not honour
    options: list[dict[str, str]] = field(default_factory=list)  # understood questions to ask next
    caveats: list[dict[str, str]] = field(default_factory=list)  # doubts about the data behind the figures

    @property
    def ok(self) -> bool:
        return self.error is None

    def table(self, name: str | None = None) -> pd.DataFrame:
        """A table by name (the first one when no name is given)."""
        for table in self.tables:
            if name is None or table.name == name:
                return table.df
        raise KeyError(name)

    def figures(self) -> list[go.Figure]:
        return [render(spec, self.table(spec.table)) for spec in self.charts]

    def to_json(self, max_rows: int | None = 1000) -> dict[str, Any]:
        return {
            "answer": self.answer,
            "language": self.language,
            "mode": self.mode,
            # Arguments and SQL are a person's or a model's text: phone numbers in them are masked too.
            "tool_calls": [
                {"name": c.name, "args": mask_strings(jsonable(c.args)), "resolved": mask_strings(jsonable(c.resolved))}
                for c in self.tool_calls
            ],
            "tables": [_table_json(t, max_rows) for t in self.tables],
            "charts": [
                {"title": spec.title, "plotly": to_plotly_json(figure), "spec": _spec_json(spec)}
                for spec, figure in zip(self.charts, self.figures())
            ],
            "sql": [mask_text(q) for q in self.sql],
            "recommendations": list(self.recommendations),
            "error": self.error,
            "files": [dict(vars(f)) for f in self.files],
            "clarification": self.clarification.to_json() if self.clarification else None,
            "assumptions": list(self.assumptions),
            "definitions": jsonable(self.definitions),
            "not_applied": [dict(d) for d in self.not_applied],
            "options": [dict(o) for o in self.options],
            "caveats": [dict(c) for c in self.caveats],
        }


def _spec_json(spec: ChartSpec) -> dict[str, Any]:
    return {"kind": spec.kind, "table": spec.table, "x": spec.x, "y": spec.y, "color": spec.color}


def _table_json(table: Table, max_rows: int | None) -> dict[str, Any]:
    frame = table.df if max_rows is None else table.df.head(max_rows)
    cut = max_rows is not None and len(table.df) > max_rows
    return {
        "name": table.name,
        "columns": [str(c) for c in frame.columns],
        "rows": [[jsonable(v) for v in row] for row in frame.itertuples(index=False, name=None)],
        "truncated": bool(table.truncated or cut),
        "row_count": len(table.df),
    }


def jsonable(value: Any) -> Any:
    """Plain JSON values: no NaN, numpy scalars, timestamps or decimals."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) or math.isinf(value) else float(value)
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, (pd.Timestamp, dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (np.bool_,)):
        return bool(value)
    if isinstance(value, np.ndarray):
        return [jsonable(v) for v in value.tolist()]
    if isinstance(value, (str, int, bool)):
        return value
    return str(value)
