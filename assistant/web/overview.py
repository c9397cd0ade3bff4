"""The overview tab: KPI cards with change vs the previous window, GMV trend, RFM treemap."""

from __future__ import annotations

import html
import logging
from datetime import date
from typing import Any

import gradio as gr

from assistant.web.context import WebContext
from assistant.web.i18n import t, window_choices
from assistant.web.render import first_figure
from tools import catalog, fmt
from tools.timewindow import Window, previous_window

log = logging.getLogger("assistant.web")
KPIS = ("gmv", "orders", "buyers", "aov", "repurchase_rate")


def _value(ctx: WebContext, metric: str, period: str, lang: str) -> tuple[float | None, Window | None]:
    answer = ctx.cached_tool("metric_query", {"metric": metric, "period": period}, lang)
    if not answer.ok or not answer.tables:
        return None, None
    frame = answer.tables[0].df
    value = frame[metric].iat[0] if metric in frame.columns and len(frame) else None
    window = (answer.tool_calls[0].resolved or {}).get("window") or {}
    start, end = window.get("start"), window.get("end")
    resolved = Window(date.fromisoformat(start), date.fromisoformat(end), period, "", "") if start and end else None
    return (None if value is None else float(value)), resolved


def kpi(ctx: WebContext, metric: str, period: str, lang: str) -> dict[str, Any]:
    value, window = _value(ctx, metric, period, lang)
    unit = catalog.metric(metric)["unit"]
    card: dict[str, Any] = {"metric": metric, "value": value, "shown": fmt.by_unit(value, unit, lang),
                            "change": None, "previous": None, "window": None}
    if window is not None:
        card["window"] = f"{window.start}..{window.end}"
    previous = previous_window(window) if window is not None and period != "all" else None
    if previous is not None and value is not None:
        before, _ = _value(ctx, metric, previous.token, lang)
        card["previous"] = previous.token
        if before:
            card["change"] = (value - before) / abs(before) if unit != "rate" else value - before
            card["change_is_points"] = unit == "rate"
    return card


def _card_html(card: dict[str, Any], lang: str) -> str:
    change = card["change"]
    if change is None:
        delta = f'<span class="kpi-flat">{html.escape(t("no_compare", lang))}</span>' if not card["previous"] \
            else '<span class="kpi-flat">—</span>'
    else:
        arrow, klass = ("▲", "kpi-up") if change > 0 else ("▼", "kpi-down") if change < 0 else ("＝", "kpi-flat")
        amount = f"{abs(change) * 100:.1f} pp" if card.get("change_is_points") else f"{abs(change) * 100:.1f}%"
        delta = (f'<span class="{klass}">{arrow} {html.escape(amount)}</span> '
                 f'<span class="kpi-note">{html.escape(t("vs_prev", lang))}</span>')
    return (
        f'<div class="kpi-card"><div class="kpi-label">{html.escape(t("kpi_" + card["metric"], lang))}</div>'
        f'<div class="kpi-value">{html.escape(card["shown"])}</div><div class="kpi-delta">{delta}</div>'
        f'<div class="kpi-note" title="{html.escape(card["previous"] or "")}">'
        f'{html.escape((card["window"] or "").replace("..", " ~ "))}</div></div>'
    )


def overview(ctx: WebContext, period: str, lang: str) -> tuple[str, Any, Any]:
    """KPI cards HTML, GMV trend figure, RFM treemap figure; a friendly message on any failure."""
    try:
        cards = "".join(_card_html(kpi(ctx, m, period, lang), lang) for m in KPIS)
        cards_html = f'<div class="kpi-grid">{cards}</div>'
    except Exception:
        log.exception("KPI cards failed")
        cards_html = f'<div class="kpi-error">{html.escape(t("error_friendly", lang))}</div>'
    trend = treemap = None
    try:
        dimension = "day" if period in ("last_30_days", "this_month") else "month"
        trend = first_figure(ctx.cached_tool("metric_query", {"metric": "gmv", "dimension": dimension,
                                                              "period": period}, lang))
        segments_args = {} if period == "all" else {"period": period}
        treemap = first_figure(ctx.cached_tool("rfm_segments", segments_args, lang))
    except Exception:
        log.exception("overview charts failed")
    return cards_html, trend, treemap


def build_overview_tab(ctx: WebContext, labels: list) -> dict[str, Any]:
    with gr.Row():
        window = gr.Radio(window_choices("zh"), value="last_30_days", label=t("window", "zh"),
                          elem_id="overview-window", scale=4)
        refresh = gr.Button(t("refresh", "zh"), scale=0, min_width=100)
    cards = gr.HTML(elem_id="kpi-cards")
    with gr.Row():
        trend = gr.Plot(label=t("trend", "zh"), elem_id="gmv-trend")
        treemap = gr.Plot(label=t("treemap", "zh"), elem_id="rfm-treemap")
    labels += [(window, "label", "window"), (refresh, "value", "refresh"), (trend, "label", "trend"),
               (treemap, "label", "treemap")]
    return {"window": window, "refresh": refresh, "outputs": [cards, trend, treemap]}
