"""Builds the web app: `build_app(data) -> gr.Blocks` (served with the API by `assistant.server`)."""

from __future__ import annotations

import html
import logging
import os
from typing import Any

import gradio as gr

from assistant.config import with_advice
from assistant.engine import Engine
from assistant.help import EXAMPLES
from assistant.web.chat import build_chat_tab, data_panel_markdown
from assistant.web.context import DEMO, ContextCache, WebContext
from assistant.web.data_tab import build_data_tab, refresh_choices
from assistant.web.i18n import from_accept_language, t, window_choices
from assistant.web.overview import build_overview_tab, overview
from assistant.web.segments import build_segments_tab
from assistant.web.style import CSS, theme
from assistant.web.workbench import build_workbench_tab
from tools.result import ToolError
from tools.warehouse import engine_name

log = logging.getLogger("assistant.web")
AUTH_MESSAGE = "直播电商客户分析助手 · Live-commerce Analytics — 请登录 / please sign in"
_ENGINES: dict[str, Engine] = {}


def shared_engine(data: str | os.PathLike[str] | None) -> Engine:
    """One Engine per dataset for the whole process; it hands each request its own cursor."""
    key = (os.fspath(data) if data is not None else "") + "@" + engine_name()
    if key not in _ENGINES:
        try:
            _ENGINES[key] = Engine(data)
        except ToolError as error:
            raise with_advice(error) from None
    return _ENGINES[key]


def _banner(offline: bool, lang: str) -> str:
    klass, key = ("mode-offline", "offline") if offline else ("mode-llm", "llm_on")
    icon = "🔌" if offline else "🤖"
    return f'<div class="mode-banner {klass}" id="mode-banner">{icon} {html.escape(t(key, lang))}</div>'


def _header(lang: str) -> str:
    return f"# 🛍️ {t('title', lang)}\n{t('subtitle', lang)}"


def build_app(data: str | os.PathLike[str] | None = None, cache: ContextCache | None = None) -> gr.Blocks:
    """The Gradio app. `cache`: the datasets it shares with the HTTP API (one per process)."""
    cache = cache or ContextCache(WebContext(shared_engine(data)))
    ctx = cache.default
    labels: list[tuple[Any, str, str]] = []
    # Uploaded exports (raw personal data) and Gradio's cached outputs are deleted after an hour.
    with gr.Blocks(title="直播电商客户分析助手 · Live-commerce Analytics", delete_cache=(1800, 3600)) as demo:
        active = gr.State(cache.default_key)  # this session's dataset (a ContextCache key)
        header = gr.Markdown(_header("zh"), elem_id="app-header")
        with gr.Row(equal_height=True):
            banner = gr.HTML(_banner(ctx.offline, "zh"), scale=4)
            picker = gr.Dropdown(list(cache.datasets()), value=DEMO, label=t("active_dataset", "zh"),
                                 elem_id="dataset-pick", scale=1, min_width=200)
            lang = gr.Radio([("中文", "zh"), ("English", "en")], value="zh", label=t("language", "zh"),
                            show_label=False, elem_id="lang-switch", scale=1, min_width=220, container=False)
        with gr.Tabs():
            with gr.Tab(t("tab_chat", "zh"), id="chat") as tab_chat:
                chat = build_chat_tab(cache, lang, active, labels)
            with gr.Tab(t("tab_overview", "zh"), id="overview") as tab_overview:
                over = build_overview_tab(ctx, labels)
            with gr.Tab(t("tab_sql", "zh"), id="sql") as tab_sql:
                build_workbench_tab(cache, lang, active, labels)
            with gr.Tab(t("tab_segments", "zh"), id="segments") as tab_segments:
                seg = build_segments_tab(cache, lang, active, labels)
            with gr.Tab(t("tab_data", "zh"), id="data") as tab_data:
                data_events = build_data_tab(cache, lang, active, picker, chat, labels)
        labels += [(lang, "label", "language"), (tab_chat, "label", "tab_chat"),
                   (tab_overview, "label", "tab_overview"), (tab_sql, "label", "tab_sql"),
                   (tab_segments, "label", "tab_segments"), (tab_data, "label", "tab_data")]
        labelled = [component for component, _, _ in labels]

        def texts(language: str, key: str | None) -> list[Any]:
            updates = [gr.update(**{prop: t(k, language)}) for _, prop, k in labels]
            return [
                _header(language), _banner(ctx.offline, language), panel(language, key),
                gr.Dataset(samples=[[q] for q in EXAMPLES[language]]),
                gr.Radio(choices=window_choices(language)), refresh_choices(cache, key, language), *updates,
            ]

        def panel(language: str, key: str | None) -> str:
            try:
                return data_panel_markdown(cache.get(key), language)
            except Exception:
                log.exception("data panel failed")
                return t("error_friendly", language)

        static = [header, banner, chat["data_panel"], chat["examples"], over["window"], picker, *labelled]

        def on_load(key: str | None, request: gr.Request) -> list[Any]:
            language = "zh"
            try:
                language = from_accept_language(request.headers.get("accept-language"))
            except Exception:
                log.exception("could not read Accept-Language")
            return [language, *texts(language, key)]

        def on_language(language: str, key: str | None) -> list[Any]:
            return texts(language or "zh", key)

        def on_overview(period: str, language: str, key: str | None) -> tuple[Any, ...]:
            try:
                return overview(cache.get(key), period or "last_30_days", language or "zh")
            except Exception:
                log.exception("overview failed")
                return f'<div class="kpi-error">{html.escape(t("error_friendly", language or "zh"))}</div>', None, None

        def on_segments(scheme: str, language: str, key: str | None, request: gr.Request) -> tuple[Any, ...]:
            return seg["refresh"](scheme, language, key, request)

        def on_panel(language: str, key: str | None) -> str:
            return panel(language or "zh", key)

        over_inputs = [over["window"], lang, active]
        load = demo.load(on_load, [active], [lang, *static], api_name=False)
        switch = lang.input(on_language, [lang, active], static, api_name=False)
        for event in (load, switch, data_events["imported"], data_events["picked"]):
            event.then(on_overview, over_inputs, over["outputs"], api_name=False)
            event.then(on_segments, seg["inputs"], seg["outputs"], api_name=False)
        for event in (data_events["imported"], data_events["picked"]):
            event.then(on_panel, [lang, active], chat["data_panel"], api_name=False)
        over["window"].input(on_overview, over_inputs, over["outputs"], api_name="overview")
        over["refresh"].click(on_overview, over_inputs, over["outputs"], api_name=False)
    demo.queue(default_concurrency_limit=8)
    return demo


def launch_options() -> dict[str, Any]:
    # No allowed_paths: no folder of the workspace is served. Files reach the browser as short-lived
    # random links (assistant.web.downloads); uploads land in Gradio's own folder (upload_folder()).
    return {"theme": theme(), "css": CSS}
