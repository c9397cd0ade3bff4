"""Turning answers into safe Markdown, display tables, CSV files and charts."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from assistant import inert
from assistant.answer import Answer, ExportedFile, jsonable
from assistant.web.downloads import download_url
from tools.charts import plain
from tools.exports import table_bytes
from tools.privacy import mask_frame, mask_strings, mask_text

DISPLAY_ROWS = 500


def escape_md(text: Any) -> str:
    """Data values and the model's text as inert text inside the chat's Markdown: no HTML, links,
    autolinks, emphasis, code or block markers (`assistant.inert`, shared with every other surface)."""
    return inert.escape_all(text)


def answer_markdown(answer: Answer, lang: str) -> str:
    from assistant.web.i18n import t

    parts = [escape_md(answer.answer).replace("\n", "  \n")]
    if answer.recommendations:
        parts.append(f"**{t('recommendations', lang)}**")
        parts.append("\n".join(f"- {escape_md(r)}" for r in answer.recommendations))
    if answer.definitions:
        parts.append(definitions_markdown(answer.definitions, lang))
    return "\n\n".join(parts)


DEFINITIONS_TITLE = {"zh": "📖 口径 / 定义", "en": "📖 Definitions (口径)"}


def definitions_markdown(definitions: list[dict[str, Any]], lang: str) -> str:
    """The definitions behind the answer, collapsed: one click opens them (HTML details survive the
    chatbot's sanitiser; the blank lines let the list inside render as Markdown)."""
    title = DEFINITIONS_TITLE["zh" if lang == "zh" else "en"]
    items = "\n".join(
        f"- **{escape_md(d.get(lang) or d.get('en') or d.get('name'))}** ({escape_md(d.get('name', ''))}): "
        f"{escape_md(d.get('formula', ''))}"
        for d in definitions
    )
    return f"<details><summary>{title}</summary>\n\n{items}\n\n</details>"


def step_markdown(args: dict[str, Any], sql: list[str], lang: str) -> str:
    from assistant.web.i18n import t

    shown = json.dumps(mask_strings(jsonable(args)), ensure_ascii=False, indent=2) if args else "{}"
    body = f"{t('args', lang)}:\n```json\n{shown.replace('```', '')}\n```"
    for query in sql:
        body += f"\n```sql\n{mask_text(query.strip()).replace('```', '')}\n```"
    return body


def display_frame(df: pd.DataFrame, rows: int = DISPLAY_ROWS) -> pd.DataFrame:
    """A copy fit for showing: floats rounded, row-capped."""
    frame = mask_frame(df.head(rows))  # already masked at the source and by the Engine: a last pass
    for column in frame.columns:
        series = frame[column]
        if pd.api.types.is_float_dtype(series):
            top = series.abs().max()
            frame[column] = series.round(4 if pd.notna(top) and top <= 1 else 2)
        elif pd.api.types.is_datetime64_any_dtype(series):
            frame[column] = series.astype(str)
        elif series.dtype == object:
            frame[column] = series.map(lambda v: v if v is None or isinstance(v, (str, int, float)) else str(v))
    frame.columns = [str(c) for c in frame.columns]
    return frame


def csv_download(request: Any, df: pd.DataFrame | None, stem: str) -> str | None:
    """A link to the table as CSV (UTF-8 with BOM, so Excel shows Chinese correctly), held in
    memory for this session only (assistant.web.downloads)."""
    if df is None or df.empty:
        return None
    safe = re.sub(r"[^A-Za-z0-9_-]+", "_", stem).strip("_") or "table"
    data = table_bytes(mask_frame(df), "csv")
    return download_url(request, data, f"{safe}.csv")


def file_download(request: Any, exported: ExportedFile) -> str | None:
    """A link to a file the engine exported; the copy on disk is removed once it is held for the
    download. A file with contact details can be downloaded once."""
    path = Path(exported.path)
    try:
        data = path.read_bytes()
    except OSError:
        return None
    path.unlink(missing_ok=True)
    return download_url(request, data, exported.name, once=exported.personal_data)


def style(figure: go.Figure, height: int = 380) -> go.Figure:
    figure.update_layout(
        height=height,
        template="plotly_white",
        font=dict(family="Noto Sans CJK SC, PingFang SC, Microsoft YaHei, sans-serif", size=13),
        margin=dict(t=50, l=50, r=20, b=50),
        colorway=["#ea580c", "#2563eb", "#16a34a", "#9333ea", "#0891b2", "#db2777", "#ca8a04"],
    )
    return figure


def first_figure(answer: Answer) -> go.Figure | None:
    try:
        figures = answer.figures()
    except Exception:  # a chart that cannot render must not break the answer
        return None
    return style(figures[0]) if figures else None


def bar_of_first_two(df: pd.DataFrame, title: str = "") -> go.Figure | None:
    """A bar chart when the result looks like label + number (2..100 rows)."""
    if df is None or df.shape[1] < 2 or not 1 <= len(df) <= 100:
        return None
    x, y = df.columns[0], df.columns[1]
    if not pd.api.types.is_numeric_dtype(df[y]) or pd.api.types.is_bool_dtype(df[y]):
        return None
    labels = df[x].map(lambda v: "—" if v is None or (isinstance(v, float) and pd.isna(v)) else plain(v))
    figure = go.Figure([go.Bar(x=labels, y=df[y], marker_color="#ea580c")])
    figure.update_layout(title=plain(title), xaxis_title=plain(x), yaxis_title=plain(y))
    figure.update_xaxes(type="category")
    return style(figure)



def hint_frame(zh: str, en: str) -> pd.DataFrame:
    """A one-cell table that says what will appear here (better than an empty grid)."""
    return pd.DataFrame({"📋": [f"{zh} / {en}"]})
