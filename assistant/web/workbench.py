"""The SQL workbench: one vetted read-only SELECT, its table, a quick chart and a CSV."""

from __future__ import annotations

import logging
from typing import Any

import gradio as gr

from assistant.web.context import ContextCache, WebContext
from assistant.web.downloads import DownloadLink
from assistant.web.i18n import t
from assistant.web.render import bar_of_first_two, csv_download, display_frame, escape_md, hint_frame

log = logging.getLogger("assistant.web")

STARTER = """-- 各主播的成交额 / GMV by host
SELECT h.host_name, round(sum(o.pay_amount), 2) AS gmv, count(*) AS orders
FROM orders o JOIN hosts h USING (host_id)
WHERE o.status IN ('paid', 'refunded')
GROUP BY 1
ORDER BY gmv DESC
LIMIT 20"""


def run_query(ctx: WebContext, query: str, lang: str, request: Any = None) -> tuple[str, Any, Any, Any]:
    """(status Markdown, table, chart, CSV button); errors are plain sentences, never traces."""
    empty = display_frame_empty()
    if not (query or "").strip():
        return t("sql_empty", lang), empty, None, gr.DownloadButton(value=None, interactive=False)
    try:
        answer = ctx.engine.sql(query, lang)
    except Exception:
        log.exception("workbench query failed")
        return "⚠️ " + t("error_friendly", lang), empty, None, gr.DownloadButton(value=None, interactive=False)
    if answer.error:
        message = t("refused", lang) + escape_md(answer.error.get("message") or answer.answer)
        return message, empty, None, gr.DownloadButton(value=None, interactive=False)
    frame = answer.tables[0].df if answer.tables else None
    status = "✅ " + escape_md(answer.answer)
    if frame is None:
        return status, empty, None, gr.DownloadButton(value=None, interactive=False)
    path = csv_download(request, frame, "query")
    return (status, display_frame(frame), bar_of_first_two(frame),
            gr.DownloadButton(value=path, interactive=path is not None))


def display_frame_empty() -> Any:
    import pandas as pd

    return pd.DataFrame()


def build_workbench_tab(cache: ContextCache, lang_state: gr.State, active: gr.State, labels: list) -> None:
    editor = gr.Code(value=STARTER, language="sql", label=t("sql_editor", "zh"), lines=8, max_lines=24,
                     interactive=True, elem_id="sql-editor")
    with gr.Row():
        run = gr.Button(t("run", "zh"), variant="primary", scale=0, min_width=120, elem_id="sql-run")
        download = DownloadLink(t("download", "zh"), value=None, interactive=False, scale=0, min_width=160)
    status = gr.Markdown(elem_id="sql-status")
    table = gr.DataFrame(value=hint_frame("点击“运行”后显示查询结果", "results appear after Run"),
                         label=t("result", "zh"), interactive=False, max_height=420, elem_id="sql-result",
                         show_search="search")
    chart = gr.Plot(label=t("chart", "zh"), elem_id="sql-chart")
    labels += [(editor, "label", "sql_editor"), (run, "value", "run"), (download, "label", "download"),
               (table, "label", "result"), (chart, "label", "chart")]

    def handler(query: str, lang: str, key: str | None, request: gr.Request) -> tuple[Any, ...]:
        try:
            ctx = cache.get(key)
        except Exception:
            log.exception("could not open the session's dataset")
            return "⚠️ " + t("error_friendly", lang or "zh"), None, None, gr.DownloadButton(value=None)
        return run_query(ctx, query, lang or "zh", request)

    run.click(handler, [editor, lang_state, active], [status, table, chart, download], api_name="run_sql")
