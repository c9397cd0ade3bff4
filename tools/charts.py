"""Renders declarative chart specs to Plotly figures. Specs come from our tools, never from a model."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from tools.result import ChartSpec


def _line(df: pd.DataFrame, spec: ChartSpec) -> go.Figure:
    if spec.color:
        traces = [
            go.Scatter(x=group[spec.x], y=group[spec.y], mode="lines+markers", name=str(key))
            for key, group in df.groupby(spec.color, sort=False)
        ]
    else:
        traces = [go.Scatter(x=df[spec.x], y=df[spec.y], mode="lines+markers", name=spec.y)]
    return go.Figure(traces)


def _bar(df: pd.DataFrame, spec: ChartSpec) -> go.Figure:
    return go.Figure([go.Bar(x=df[spec.x].astype(str), y=df[spec.y], name=spec.y)])


def _pie(df: pd.DataFrame, spec: ChartSpec) -> go.Figure:
    return go.Figure([go.Pie(labels=df[spec.x].astype(str), values=df[spec.y], hole=0.35)])


def _treemap(df: pd.DataFrame, spec: ChartSpec) -> go.Figure:
    labels = df[spec.x].astype(str)
    return go.Figure([go.Treemap(labels=labels, parents=[""] * len(df), values=df[spec.y])])


def _heatmap(df: pd.DataFrame, spec: ChartSpec) -> go.Figure:
    grid = df.pivot(index=spec.x, columns=spec.color, values=spec.y)
    return go.Figure([go.Heatmap(z=grid.values, x=[str(c) for c in grid.columns], y=grid.index)])


_RENDERERS = {"line": _line, "bar": _bar, "pie": _pie, "treemap": _treemap, "heatmap": _heatmap}


def render(spec: ChartSpec, df: pd.DataFrame) -> go.Figure:
    figure = _RENDERERS[spec.kind](df, spec)
    figure.update_layout(title=spec.title, template="plotly_white", margin=dict(t=50, l=40, r=20, b=40))
    if spec.kind in ("line", "bar"):
        figure.update_layout(xaxis_title=spec.x, yaxis_title=spec.y)
    return figure


def to_plotly_json(figure: go.Figure) -> dict[str, Any]:
    """A JSON-safe dict (numpy arrays and dates encoded the way Plotly's own JSON does)."""
    return json.loads(figure.to_json())
