"""The segments tab: RFM segment table and treemap, then one segment's customers and playbook."""

from __future__ import annotations

import logging
from typing import Any

import gradio as gr
import pandas as pd

from assistant.web.auth import admin_refusal, is_admin
from assistant.web.context import ContextCache, WebContext
from assistant.web.downloads import DownloadLink
from assistant.web.i18n import t
from assistant.web.render import answer_markdown, csv_download, display_frame, file_download, first_figure, hint_frame

log = logging.getLogger("assistant.web")
CUSTOMER_ROWS = 200


def segment_overview(ctx: WebContext, scheme: str, lang: str) -> tuple[Any, Any, Any, str | None]:
    """(segment table, treemap, dropdown update, the segment picked first: the top earner)."""
    try:
        answer = ctx.cached_tool("rfm_segments", {"scheme": scheme}, lang)
        if not answer.ok:
            raise RuntimeError(answer.answer)
        table = answer.table("segments")
        choices = [(f"{r.name} · {int(r.customers):,}", str(r.segment)) for r in table.itertuples()]
        first = str(table.sort_values("revenue", ascending=False)["segment"].iat[0]) if len(table) else None
        return display_frame(table), first_figure(answer), gr.Dropdown(choices=choices, value=first), first
    except Exception:
        log.exception("segment overview failed")
        return pd.DataFrame(), None, gr.Dropdown(choices=[], value=None), None


def segment_detail(ctx: WebContext, scheme: str, segment: str | None, lang: str,
                   request: Any = None) -> tuple[Any, str, Any]:
    """(customers table without personal data, strategy Markdown, CSV button)."""
    none = gr.DownloadButton(value=None, interactive=False)
    if not segment:
        return pd.DataFrame(), "", none
    try:
        answer = ctx.cached_tool("rfm_segments", {"scheme": scheme}, lang)
        customers = answer.table("customers")
        chosen = customers[customers["segment"] == segment]
        if "monetary" in chosen.columns:
            chosen = chosen.sort_values("monetary", ascending=False)
        strategy = ctx.cached_tool("segment_strategy", {"segment": segment, "scheme": scheme}, lang)
        note = t("rows_shown", lang, total=f"{len(chosen):,}", shown=f"{min(len(chosen), CUSTOMER_ROWS):,}")
        text = f"{note}\n\n---\n\n{answer_markdown(strategy, lang)}"
        path = csv_download(request, chosen, f"segment_{segment}")
        return (display_frame(chosen, CUSTOMER_ROWS), text,
                gr.DownloadButton(value=path, interactive=path is not None))
    except Exception:
        log.exception("segment detail failed")
        return pd.DataFrame(), "⚠️ " + t("error_friendly", lang), none


def campaign_export(ctx: WebContext, scheme: str, segment: str | None, file_format: str, holdout: float,
                    personal: bool, lang: str, request: Any = None) -> tuple[str, Any]:
    """(status Markdown, file button) for export_segment. Ticking the box is the person's explicit
    request, the only way contact details reach a file."""
    none = gr.DownloadButton(value=None, interactive=False)
    if not segment:
        return t("pick_segment", lang), none
    args = {"segment": segment, "scheme": scheme, "format": file_format, "holdout": float(holdout or 0),
            "include_personal": bool(personal)}
    try:
        answer = ctx.engine.run_tool("export_segment", args, lang, allow_personal=bool(personal))
    except Exception:
        log.exception("campaign export failed")
        return "⚠️ " + t("error_friendly", lang), none
    if not answer.ok or not answer.files:
        return "⚠️ " + answer.answer, none
    link = file_download(request, answer.files[0])
    text = answer_markdown(answer, lang)
    if link is None:  # a contact file for a client that cannot be told apart from any other
        text += "\n\n⚠️ " + t("download_needs_session", lang)
    return text, gr.DownloadButton(value=link, interactive=link is not None)


def build_segments_tab(cache: ContextCache, lang_state: gr.State, active: gr.State, labels: list) -> dict[str, Any]:
    with gr.Row():
        scheme = gr.Radio([("RFM 10", "rfm"), ("中国八类 cn8", "cn8")], value="rfm", label=t("scheme", "zh"),
                          elem_id="segment-scheme", scale=2)
        pick = gr.Dropdown(choices=[], label=t("pick_segment", "zh"), elem_id="segment-pick", scale=3)
    with gr.Row():
        table = gr.DataFrame(label=t("segment_table", "zh"), interactive=False, max_height=420, scale=3)
        treemap = gr.Plot(label=t("treemap", "zh"), scale=2)
    with gr.Row():
        with gr.Column(scale=3):
            hint = hint_frame("选择分群后显示客户名单", "pick a segment to list its customers")
            customers = gr.DataFrame(value=hint,
                                     label=t("segment_customers", "zh"), interactive=False, max_height=420,
                                     show_search="search")
            download = DownloadLink(t("download_segment", "zh"), value=None, interactive=False, size="sm")
        with gr.Column(scale=2):
            strategy = gr.Markdown(elem_id="segment-strategy")
    with gr.Accordion(t("campaign_export", "zh"), open=False, elem_id="campaign-export") as export_box:
        with gr.Row():
            export_format = gr.Radio([("CSV", "csv"), ("Excel", "xlsx")], value="xlsx",
                                     label=t("export_format", "zh"), scale=1)
            holdout = gr.Slider(0, 0.5, value=0.2, step=0.05, label=t("export_holdout", "zh"), scale=2)
        personal = gr.Checkbox(False, label=t("export_personal", "zh"), elem_id="export-personal")
        with gr.Row():
            export = gr.Button(t("campaign_export", "zh"), variant="primary", scale=0, min_width=160,
                               elem_id="export-run")
            export_file = DownloadLink(t("export_file", "zh"), value=None, interactive=False, scale=0,
                                            min_width=160, elem_id="export-file")
        export_status = gr.Markdown(elem_id="export-status")
    labels += [(scheme, "label", "scheme"), (pick, "label", "pick_segment"), (table, "label", "segment_table"),
               (treemap, "label", "treemap"), (customers, "label", "segment_customers"),
               (download, "label", "download_segment"), (export_box, "label", "campaign_export"),
               (export_format, "label", "export_format"), (holdout, "label", "export_holdout"),
               (personal, "label", "export_personal"), (export, "value", "campaign_export"),
               (export_file, "label", "export_file")]

    def on_scheme(scheme_value: str, lang: str, key: str | None = None, request: Any = None) -> tuple[Any, ...]:
        scheme_value, lang, ctx = scheme_value or "rfm", lang or "zh", cache.get(key)
        frame, figure, dropdown, first = segment_overview(ctx, scheme_value, lang)
        return frame, figure, dropdown, *segment_detail(ctx, scheme_value, first, lang, request)

    def on_scheme_event(scheme_value: str, lang: str, key: str | None, request: gr.Request) -> tuple[Any, ...]:
        return on_scheme(scheme_value, lang, key, request)

    def on_pick(scheme_value: str, segment: str | None, lang: str, key: str | None,
                request: gr.Request) -> tuple[Any, ...]:
        return segment_detail(cache.get(key), scheme_value or "rfm", segment, lang or "zh", request)

    overview_outputs = [table, treemap, pick, customers, strategy, download]
    scheme.change(on_scheme_event, [scheme, lang_state, active], overview_outputs, api_name="segments")
    pick.input(on_pick, [scheme, pick, lang_state, active], [customers, strategy, download],
               api_name="segment_detail")
    def on_export(scheme_value: str, segment: str | None, file_format: str, share: float, include: bool,
                  lang: str, key: str | None, request: gr.Request) -> tuple[Any, ...]:
        if include and not is_admin(request):  # contact details are an admin action when login is on
            return admin_refusal(lang or "zh"), gr.DownloadButton(value=None, interactive=False)
        return campaign_export(cache.get(key), scheme_value or "rfm", segment, file_format or "xlsx", share,
                               include, lang or "zh", request)

    export.click(on_export, [scheme, pick, export_format, holdout, personal, lang_state, active],
                 [export_status, export_file], api_name="export_segment")
    return {"scheme": scheme, "refresh": on_scheme, "inputs": [scheme, lang_state, active],
            "outputs": overview_outputs}
