"""The chat tab: questions in, streamed tool steps and answers (text, table, chart) out."""

from __future__ import annotations

import logging
import os
import re
import time
from collections.abc import Iterator
from typing import Any

import gradio as gr

from assistant.answer import Answer
from assistant.conversation import Final, Notice, ToolFinished, ToolStarted
from assistant.help import EXAMPLES
from assistant.router import detect_language
from assistant.web.context import ContextCache, Session, WebContext
from assistant.web.downloads import DownloadLink
from assistant.web.i18n import t
from assistant.web.render import (
    answer_markdown,
    csv_download,
    display_frame,
    escape_md,
    file_download,
    first_figure,
    hint_frame,
    step_markdown,
)

SESSION_TTL_SECONDS = int(os.environ.get("ASSISTANT_SESSION_TTL", "7200"))
log = logging.getLogger("assistant.web")
TABLE_HINT = hint_frame("提问后，这里显示答案的数据表格", "the answer's table appears here")
Labels = list[tuple[Any, str, str]]  # (component, property, text key)


_NOT_IN_A_TOOL_NAME = re.compile(r"[^\w.\-]")


def _step(tool: str, body: str, status: str, step_id: str, duration: float | None = None) -> gr.ChatMessage:
    # With an LLM the name is the model's (a made-up tool too): the title shows name characters only.
    title = _NOT_IN_A_TOOL_NAME.sub("_", tool)[:64]
    metadata: dict[str, Any] = {"title": f"🔧 {title}", "status": status, "id": step_id}
    if duration is not None:
        metadata["duration"] = round(duration, 2)
    return gr.ChatMessage(role="assistant", content=body, metadata=metadata)


MAX_FIGURES = 4  # a question of several asks charts each call; more than this would bury the text


def _final_messages(answer: Answer, lang: str, steps: list[Answer] | None = None) -> list[gr.ChatMessage]:
    """The answer's text, then a chart per call (each call's first chart: what a single question shows)."""
    if answer.clarification is not None:
        return [clarification_message(answer, lang)]
    text = answer_markdown(answer, lang)
    if answer.error:
        text = "⚠️ " + text
    if answer.assumptions:
        text += f"\n\n_{t('assumptions', lang)}_:\n" + "\n".join(f"- _{escape_md(a)}_" for a in answer.assumptions)
    if len(answer.tables) > 1:
        text += f"\n\n_📋 {t('tables_beside', lang, n=len(answer.tables))}_"
    elif answer.tables:
        text += f"\n\n_📋 {t('table_beside', lang)}_"
    # Questions offered next (the nearest understood ones, or ones that apply what this answer could not):
    # one click asks them, like a clarification's options.
    options = [{"value": o["question"], "label": o["label"]} for o in answer.options]
    messages = [gr.ChatMessage(role="assistant", content=text, options=options)]
    figures = [first_figure(step) for step in steps or [] if step.ok] if steps and len(steps) > 1 else \
        [first_figure(answer)]
    for figure in [f for f in figures if f is not None][:MAX_FIGURES]:
        messages.append(gr.ChatMessage(role="assistant", content=gr.Plot(value=figure, show_label=False)))
    return messages


def clarification_message(answer: Answer, lang: str) -> gr.ChatMessage:
    """The question with one clickable button per option; a click asks the option's full question."""
    clarification = answer.clarification
    assert clarification is not None
    options = [{"value": o.question, "label": o.label} for o in clarification.options]
    text = "❓ " + escape_md(clarification.question) + f"\n\n_{t('pick_option', lang)}_"
    return gr.ChatMessage(role="assistant", content=text, options=options)


def picked_question(option: gr.SelectData) -> str:
    """option_select carries the option's value: the fully specified question."""
    return str(option.value or "")


def stream_reply(ctx: WebContext, session: Session, question: str) -> Iterator[tuple[list[Any], Answer | None]]:
    """Yields (whole history, final answer or None) after each event, so steps show as they happen."""
    lang = detect_language(question)
    history = list(session.history) + [gr.ChatMessage(role="user", content=escape_md(question))]
    yield history, None
    pending: dict[str, tuple[int, float]] = {}  # tool -> (index in history, start time)
    final: Answer | None = None
    steps: list[Answer] = []  # each finished call's own answer, for a chart per call
    try:
        for event in session.conversation.stream(question):
            if isinstance(event, ToolStarted):
                session.step += 1
                body = step_markdown(event.args, [], lang) + f"\n\n_{t('running', lang)}_"
                pending[event.tool] = (len(history), time.monotonic())
                history.append(_step(event.tool, body, "pending", f"step-{session.step}"))
            elif isinstance(event, ToolFinished):
                steps.append(event.answer)
                index, started = pending.pop(event.tool, (None, time.monotonic()))
                step_id = history[index].metadata["id"] if index is not None else f"step-{session.step + 1}"
                if index is None:
                    session.step += 1
                body = step_markdown(event.args, event.answer.sql, lang)
                if event.answer.error:
                    body += "\n\n⚠️ " + escape_md(event.answer.error.get("message", ""))
                done = _step(event.tool, body, "done", step_id, time.monotonic() - started)
                if index is None:
                    history.append(done)
                else:
                    history[index] = done  # a new message, never a mutated one
            elif isinstance(event, Notice):
                history.append(gr.ChatMessage(role="assistant", content="ℹ️ " + escape_md(event.text)))
            elif isinstance(event, Final):
                final = event.answer
                for tool, (index, started) in pending.items():
                    old = history[index]
                    history[index] = _step(tool, old.content, "done", old.metadata["id"],
                                           time.monotonic() - started)
                pending.clear()
                history.extend(_final_messages(final, final.language or lang, steps))
            yield history, final
    except Exception:
        log.exception("chat turn failed")
        history.append(gr.ChatMessage(role="assistant", content="⚠️ " + t("error_friendly", lang)))
        yield history, final
    session.history = history


def switched_session(cache: ContextCache, key: str, lang: str) -> Session:
    """A fresh conversation on dataset `key`, opening with a note that the chat restarted."""
    note = gr.ChatMessage(role="assistant", content="🔄 " + t("dataset_switched", lang,
                                                                  name=escape_md(cache.name_of(key))))
    return Session(cache.get(key).conversation(), history=[note], key=key)


def build_chat_tab(cache: ContextCache, lang_state: gr.State, active: gr.State, labels: Labels) -> dict[str, Any]:
    # A conversation nobody has touched for a while is dropped, so idle browser tabs do not hold memory.
    session_state = gr.State(None, time_to_live=SESSION_TTL_SECONDS)
    with gr.Row(equal_height=False):
        with gr.Column(scale=5, min_width=480):
            chatbot = gr.Chatbot(
                label=t("chatbot", "zh"), height="72vh", min_height=520, layout="bubble", elem_id="chatbot",
                latex_delimiters=[], sanitize_html=True, feedback_options=None,
                buttons=["copy", "copy_all"], group_consecutive_messages=False,
                placeholder="### 👋\n" + "  \n".join(EXAMPLES["zh"][:3] + EXAMPLES["en"][:2]),
            )
            with gr.Row():
                question = gr.Textbox(
                    label=t("question", "zh"), placeholder=t("placeholder", "zh"), show_label=False,
                    scale=8, lines=1, max_lines=4, elem_id="question", submit_btn=False,
                )
                send = gr.Button(t("send", "zh"), variant="primary", scale=1, min_width=80, elem_id="send")
            with gr.Row():
                clear = gr.Button(t("clear", "zh"), size="sm", variant="secondary", scale=0, min_width=110)
            examples = gr.Dataset(
                label=t("examples", "zh"), components=[question], samples=[[q] for q in EXAMPLES["zh"]],
                samples_per_page=12, elem_id="examples", layout="gallery",
            )
        with gr.Column(scale=3, min_width=360):
            # An answer of several calls has several tables: the picker shows only then.
            table_pick = gr.Dropdown(choices=[], value=None, label=t("pick_table", "zh"), visible=False,
                                     interactive=True, elem_id="table-pick")
            table = gr.DataFrame(value=TABLE_HINT, label=t("answer_table", "zh"), interactive=False, max_height=430,
                                 elem_id="answer-table", show_search="search", wrap=False)
            download = DownloadLink(t("download_csv", "zh"), value=None, size="sm", interactive=False,
                                         elem_id="chat-download")
            with gr.Accordion(t("data_panel", "zh"), open=True) as data_acc:
                data_panel = gr.Markdown(elem_id="data-panel")
    labels += [(chatbot, "label", "chatbot"), (question, "placeholder", "placeholder"),
               (send, "value", "send"), (clear, "value", "clear"), (download, "label", "download_csv"),
               (examples, "label", "examples"), (data_acc, "label", "data_panel"),
               (table, "label", "answer_table"), (table_pick, "label", "pick_table")]

    def respond(text: str, session: Session | None, key: str | None,
                request: gr.Request) -> Iterator[tuple[Any, ...]]:
        text = (text or "").strip()
        key = key or cache.default_key
        try:
            ctx = cache.get(key)
            if session is not None and (session.key != key or session.conversation.engine is not ctx.engine):
                session = switched_session(cache, key, detect_language(text) if text else "zh")
            session = session or Session(ctx.conversation(), key=key)
        except Exception:
            log.exception("could not start a conversation")
            lang = detect_language(text) if text else "zh"
            failed = [gr.ChatMessage(role="assistant", content=t("error_friendly", lang))]
            yield failed, "", gr.skip(), gr.skip(), gr.skip(), session
            return
        if not text:
            yield session.history, "", gr.skip(), gr.skip(), gr.skip(), session
            return
        for history, final in stream_reply(ctx, session, text):
            if final is None:
                yield history, "", gr.skip(), gr.skip(), gr.skip(), session
                continue
            session.tables = list(final.tables)
            shown, button = _table_view(request, session.tables, None, final.files[0] if final.files else None)
            lang = final.language or detect_language(text)
            yield history, "", shown, button, _picker(session.tables, lang), session

    def picked_table(name: str | None, session: Session | None, request: gr.Request) -> tuple[Any, ...]:
        if session is None or not session.tables:
            return gr.skip(), gr.skip()
        return _table_view(request, session.tables, name)

    def reset() -> tuple[Any, ...]:
        return [], None, TABLE_HINT, gr.DownloadButton(value=None, interactive=False), \
            gr.Dropdown(choices=[], value=None, visible=False)

    outputs = [chatbot, question, table, download, table_pick, session_state]
    inputs = [question, session_state, active]
    question.submit(respond, inputs, outputs, api_name="chat")
    send.click(respond, inputs, outputs, api_name=False)
    examples.click(lambda sample: sample[0], examples, question, api_name=False).then(
        respond, inputs, outputs, api_name=False)
    chatbot.option_select(picked_question, None, question, api_name=False).then(
        respond, inputs, outputs, api_name=False)
    table_pick.input(picked_table, [table_pick, session_state], [table, download], api_name=False)
    clear.click(reset, None, [chatbot, session_state, table, download, table_pick], api_name=False)
    return {"examples": examples, "data_panel": data_panel, "chatbot": chatbot, "session": session_state,
            "table": table, "download": download, "table_pick": table_pick}


def _table_view(request: Any, tables: list[Any], name: str | None, exported: Any = None) -> tuple[Any, Any]:
    """The named table (the first when none) for the side panel, with its CSV download; an export's
    download is the exported file itself (formula-safe, personal data as decided)."""
    table = next((t for t in tables if t.name == name), tables[0] if tables else None)
    if exported is not None:
        path = file_download(request, exported)
    else:
        path = csv_download(request, table.df, table.name) if table is not None else None
    shown = display_frame(table.df) if table is not None else TABLE_HINT
    return shown, gr.DownloadButton(value=path, interactive=path is not None)


def _picker(tables: list[Any], lang: str) -> Any:
    """One choice per table of the answer ("2. orders · 1 行"), shown only when there is a choice to make."""
    choices = [(f"{i}. {table.name} · {len(table.df):,} {t('rows_short', lang)}", table.name)
               for i, table in enumerate(tables, 1)]
    return gr.Dropdown(choices=choices, value=choices[0][1] if choices else None, visible=len(choices) > 1,
                       label=t("pick_table", lang))


def data_panel_markdown(ctx: WebContext, lang: str) -> str:
    try:
        answer = ctx.cached_tool("describe_data", {}, lang)
        tables = answer.table("tables") if answer.ok else None
        wh = ctx.engine.warehouse
        lines = [f"**{t('file', lang)}**: `{_code(ctx.engine.data_path.name)}`"]
        if getattr(wh, "first_date", None):
            lines.append(f"**{t('date_range', lang)}**: {wh.first_date} {t('to', lang)} {wh.anchor_date}")
        bullets: list[str] = []
        if tables is not None:
            lines.append(f"**{t('tables', lang)}**:")
            bullets = [f"- `{_code(r.table)}` · {int(r.rows):,} {t('rows', lang)}" for r in tables.itertuples()]
        return "  \n".join(lines) + "\n\n" + "\n".join(bullets)
    except Exception:
        log.exception("data panel failed")
        return t("error_friendly", lang)


def _code(value: Any) -> str:
    return str(value).replace("`", "'").replace("\n", " ")
