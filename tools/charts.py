"""Renders declarative chart specs to Plotly figures. Specs come from our tools, never from a model."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from tools.result import ChartSpec


def plain(text: object) -> str:
    """A label as text: Plotly reads <a href=...>, <b>, <br> and entities in every label, title
    and legend entry, so a product named `<a href="...">领取优惠券</a>` became a link on the chart."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _plain_labels(df: pd.DataFrame, spec: ChartSpec) -> pd.DataFrame:
    frame = df.copy()
    for column in {spec.x, spec.color} - {None}:
        if column in frame.columns and (frame[column].dtype == object or pd.api.types.is_string_dtype(frame[column])):
            frame[column] = frame[column].map(lambda v: v if v is None or (isinstance(v, float) and pd.isna(v))
                                              else plain(v))
    return frame


def _line(df: pd.DataFrame, spec: ChartSpec) -> go.Figure:
    if spec.color:
        traces = [
            go.Scatter(x=group[spec.x], y=group[spec.y], mode="lines+markers", name=str(key))
            for key, group in df.groupby(spec.color, sort=False)
        ]
    else:
        traces = [go.Scatter(x=df[spec.x], y=df[spec.y], mode="lines+markers", name=plain(spec.y))]
    return go.Figure(traces)


def _bar(df: pd.DataFrame, spec: ChartSpec) -> go.Figure:
    return go.Figure([go.Bar(x=df[spec.x].astype(str), y=df[spec.y], name=plain(spec.y))])


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
    figure = _RENDERERS[spec.kind](_plain_labels(df, spec), spec)
    figure.update_layout(title=plain(spec.title), template="plotly_white", margin=dict(t=50, l=40, r=20, b=40))
    if spec.kind in ("line", "bar"):
        figure.update_layout(xaxis_title=plain(spec.x), yaxis_title=plain(spec.y))
    return figure


def to_plotly_json(figure: go.Figure) -> dict[str, Any]:
    """A JSON-safe dict (numpy arrays and dates encoded the way Plotly's own JSON does)."""
    return json.loads(figure.to_json())
