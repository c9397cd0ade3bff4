"""One answer JSON, shown the way each chat tool shows things best.

`build_reply` picks what a group should see (answer text, the first table cut to a few rows,
recommendations, clarification options, links); the renderers lay it out per platform:
`plain_text` (WeCom), `markdown` (DingTalk), `slack_blocks` (Slack Block Kit), `feishu_card`
(a Feishu/Lark card JSON 2.0 with a native table component).

The answer's text, table, options, recommendations and link labels come from the data or a model:
each renderer passes them through `assistant.inert` in its platform's dialect before laying them
out, so the only links and images in a reply are the ones the server published.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from assistant import inert

MAX_ROWS = 10
MAX_COLUMNS = 8
MAX_CELL = 40
MAX_TEXT = 2500  # Slack sections stop at 3000 characters; cards and WeCom texts are small too

_LABELS = {
    "title": ("客户分析助手", "Customer analytics"),
    "recommendations": ("建议", "Recommendations"),
    "options": ("请选择（复制其中一个问题发给我）", "Which did you mean? (send me one of these questions)"),
    "assumptions": ("说明", "Assumed"),
    "links": ("链接", "Links"),
    "rows": ("前 {shown} 行，共 {total} 行", "First {shown} of {total} rows"),
}
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_IMAGE = re.compile(r"\.(png|jpe?g|gif|webp)(\?|$)", re.IGNORECASE)


@dataclass
class TableView:
    name: str
    columns: list[str]
    rows: list[list[str]]
    numeric: list[bool]
    total: str  # "12", or "1000+" when the answer itself was cut


@dataclass
class Reply:
    text: str
    language: str
    table: TableView | None = None
    recommendations: list[str] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)
    clarify: str = ""  # the clarification question when the answer text does not already ask it
    options: list[tuple[str, str]] = field(default_factory=list)  # (label, full question)
    links: list[tuple[str, str]] = field(default_factory=list)  # (label, URL)
    error: bool = False

    def label(self, key: str, **values: Any) -> str:
        zh, en = _LABELS[key]
        return (zh if self.language == "zh" else en).format(**values)

    def rows_note(self) -> str:
        table = self.table
        if table is None or str(len(table.rows)) == table.total:
            return ""
        return self.label("rows", shown=len(table.rows), total=table.total)


def build_reply(answer: dict[str, Any], links: list[tuple[str, str]] | None = None) -> Reply:
    error = answer.get("error")
    text = str(answer.get("answer") or "")
    if not text and isinstance(error, dict):
        text = str(error.get("message") or "")
    reply = Reply(_clip(text, MAX_TEXT), "zh" if answer.get("language") == "zh" else "en", error=bool(error))
    tables = answer.get("tables") or []
    if isinstance(tables, list) and tables and isinstance(tables[0], dict):
        reply.table = table_view(tables[0])
    reply.recommendations = [str(r) for r in _list(answer.get("recommendations"))]
    reply.assumptions = [str(a) for a in _list(answer.get("assumptions"))]
    clarification = answer.get("clarification")
    reply.options = [(str(o.get("label", "")), str(o.get("question", "")))
                     for o in _list(answer.get("options")) if isinstance(o, dict)]
    if isinstance(clarification, dict):
        question = str(clarification.get("question") or "")
        reply.clarify = "" if question and question in text else question
        reply.options = [(str(o.get("label", "")), str(o.get("question", "")))
                         for o in _list(clarification.get("options")) if isinstance(o, dict)]
    reply.links = list(links or [])
    return reply


def table_view(table: dict[str, Any]) -> TableView | None:
    columns = [str(c) for c in _list(table.get("columns"))][:MAX_COLUMNS]
    if not columns:
        return None
    raw = [row for row in _list(table.get("rows")) if isinstance(row, list)]
    shown = [row[: len(columns)] + [None] * (len(columns) - len(row)) for row in raw[:MAX_ROWS]]
    numeric = [all(_is_number(row[i]) for row in shown if row[i] is not None) and bool(shown)
               for i in range(len(columns))]
    count = table.get("row_count")
    total = str(count if isinstance(count, int) else len(raw))
    if table.get("truncated") and total == str(len(raw)):
        total += "+"
    return TableView(str(table.get("name") or ""), columns, [[cell(v) for v in row] for row in shown], numeric, total)


def cell(value: Any) -> str:
    """A table value as short display text: thousands separators, two decimals, no newlines."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if not math.isfinite(value):
            return ""
        if value.is_integer() and abs(value) < 1e15:
            return f"{int(value):,}"
        return f"{value:,.2f}" if abs(value) >= 1 else f"{value:.4f}".rstrip("0").rstrip(".")
    return _clip(" ".join(str(value).split()), MAX_CELL)


# --- WeCom: plain text ------------------------------------------------------------------------

def plain_text(reply: Reply) -> str:
    text = inert.plain
    parts = [text(_BOLD.sub(r"\1", reply.text))]  # WeCom text shows Markdown asterisks literally
    if reply.table:
        table = reply.table
        lines = [f"【{text(table.name)}】" if table.name else "", " | ".join(text(c) for c in table.columns)]
        lines += [" | ".join(text(c) for c in row) for row in table.rows]
        parts.append("\n".join(line for line in lines if line) + _line(reply.rows_note(), "\n(", ")"))
    parts.append(_numbered(reply, lambda label, q: f"{text(label)}：{text(q)}" if label and label != q else text(q),
                           title=text))
    # Links before the recommendations: a text past WeCom's 2,048 bytes is cut from the end.
    parts.append("\n".join(f"{text(label)}: {url}" for label, url in reply.links))
    parts.append(_bullets(reply.label("recommendations"), [text(r) for r in reply.recommendations], "• "))
    parts.append(_bullets(reply.label("assumptions"), [text(a) for a in reply.assumptions], "• "))
    return "\n\n".join(p for p in parts if p)


# --- DingTalk: Markdown -----------------------------------------------------------------------

def markdown(reply: Reply) -> str:
    parts = [inert.markdown(reply.text)]
    if reply.table:
        table = reply.table
        esc = [[inert.markdown(c).replace("|", "\\|") for c in row] for row in [table.columns, *table.rows]]
        lines = [f"**{inert.markdown(table.name)}**\n"] if table.name else []
        lines += ["| " + " | ".join(esc[0]) + " |", "| " + " | ".join("---" for _ in esc[0]) + " |"]
        lines += ["| " + " | ".join(row) + " |" for row in esc[1:]]
        parts.append("\n".join(lines) + _line(reply.rows_note(), "\n\n> "))
    parts += _markdown_extras(reply)
    parts.append("\n\n".join(f"![{inert.link_label(label)}]({url})" if _IMAGE.search(url)
                             else f"[{inert.link_label(label)}]({url})" for label, url in reply.links))
    return "\n\n".join(p for p in parts if p)


# --- Slack: Block Kit ---------------------------------------------------------------------------

def slack_blocks(reply: Reply) -> tuple[str, list[dict[str, Any]]]:
    """(fallback text, blocks). Slack's mrkdwn needs &, < and > escaped in anything we did not write."""
    blocks: list[dict[str, Any]] = [_section(_slack_md(reply.text) or " ")]
    if reply.table:
        blocks.append(_section(_fit_code_block(reply.table)))
        if reply.rows_note():
            blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": reply.rows_note()}]})
    esc = inert.slack
    options = _numbered(reply, lambda label, q: f"*{esc(label)}*: {esc(q)}" if label and label != q else esc(q),
                        title=lambda t: f"*{esc(t)}*")
    recommendations = _bullets(f"*{reply.label('recommendations')}*", [esc(r) for r in reply.recommendations], "• ")
    assumptions = _bullets(f"*{reply.label('assumptions')}*", [esc(a) for a in reply.assumptions], "• ")
    blocks += [_section(text) for text in (options, recommendations, assumptions) if text]
    for label, url in reply.links:
        if _IMAGE.search(url):
            blocks.append({"type": "image", "image_url": url, "alt_text": label[:2000]})
    if reply.links:
        blocks.append(_section(" · ".join(f"<{url}|{esc(label)}>" for label, url in reply.links)))
    # The fallback text (notifications, clients without blocks) is mrkdwn too: inert like the blocks.
    return inert.slack(_clip(reply.text, 3000)) or reply.label("title"), blocks


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": _clip(text, 3000)}}


def _slack_md(text: str) -> str:
    return _BOLD.sub(r"*\1*", inert.slack(text))  # Markdown bold -> Slack bold


def _fit_code_block(table: TableView) -> str:
    """The table as aligned monospace text, dropping rows until it fits one section."""
    rows = table.rows
    while True:
        body = _aligned(table.columns, rows, table.numeric)
        title = f"*{inert.slack(table.name)}*\n" if table.name else ""
        text = f"{title}```\n{inert.slack(body)}\n```"
        if len(text) <= 3000 or len(rows) <= 1:
            return text
        rows = rows[:-1]


def _aligned(columns: list[str], rows: list[list[str]], numeric: list[bool]) -> str:
    widths = [max(_width(r[i]) for r in [columns, *rows]) for i in range(len(columns))]

    def line(cells: list[str]) -> str:
        return "  ".join(_pad(c, w, right=num) for c, w, num in zip(cells, widths, numeric)).rstrip()

    return "\n".join([line(columns), "  ".join("-" * w for w in widths), *[line(r) for r in rows]])


def _width(text: str) -> int:
    """Display columns: CJK characters take two in a monospace font."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, right: bool) -> str:
    space = " " * (width - _width(text))
    return space + text if right else text + space


# --- Feishu/Lark: card JSON 2.0 ---------------------------------------------------------------

def feishu_card(reply: Reply) -> dict[str, Any]:
    elements: list[dict[str, Any]] = [{"tag": "markdown", "content": inert.markdown(reply.text) or " "}]
    table = reply.table
    if table:
        if table.name:
            elements.append({"tag": "markdown", "content": f"**{inert.markdown(table.name)}**"})
        keys = [f"c{i}" for i in range(len(table.columns))]
        elements.append({
            "tag": "table",
            "page_size": max(1, min(MAX_ROWS, len(table.rows))),
            "row_height": "low",
            "header_style": {"bold": True, "background_style": "grey"},
            "columns": [{"name": key, "display_name": inert.plain(name), "data_type": "text",
                         "horizontal_align": "right" if num else "left"}
                        for key, name, num in zip(keys, table.columns, table.numeric)],
            "rows": [dict(zip(keys, (inert.plain(c) for c in row))) for row in table.rows],
        })
        if reply.rows_note():
            elements.append({"tag": "markdown", "content": reply.rows_note(), "text_size": "notation"})
    for text in _markdown_extras(reply):
        if text:
            elements.append({"tag": "markdown", "content": text})
    if reply.links:
        elements.append({"tag": "markdown", "content": " · ".join(f"[{inert.link_label(label)}]({url})"
                                                                  for label, url in reply.links)})
    return {
        "schema": "2.0",
        "config": {"summary": {"content": inert.plain(_clip(reply.text, 60))}},
        "header": {"title": {"tag": "plain_text", "content": reply.label("title")},
                   "template": "red" if reply.error else "blue"},
        "body": {"elements": elements},
    }


# --- shared pieces ----------------------------------------------------------------------------

def _markdown_extras(reply: Reply) -> list[str]:
    """Options, recommendations and assumptions as Markdown (DingTalk, Feishu), made inert."""
    text = inert.markdown
    return [
        _numbered(reply, lambda label, q: f"**{text(label)}**：{text(q)}" if label and label != q else text(q),
                  title=lambda t: f"**{text(t)}**"),
        _bullets(f"**{reply.label('recommendations')}**", [text(r) for r in reply.recommendations], "- "),
        _bullets(f"**{reply.label('assumptions')}**", [text(a) for a in reply.assumptions], "- "),
    ]


def _numbered(reply: Reply, item: Any, title: Any) -> str:
    """The clarification options, numbered; `item(label, question)` and `title(heading)` lay them
    out (and make them inert) in the platform's dialect."""
    if not reply.options:
        return ""
    heading = title(reply.clarify or reply.label("options"))
    return heading + "\n" + "\n".join(f"{i}. {item(label, q)}" for i, (label, q) in enumerate(reply.options, 1))


def _bullets(heading: str, items: list[str], mark: str) -> str:
    return heading + "\n" + "\n".join(mark + i for i in items) if items else ""


def _line(text: str, before: str, after: str = "") -> str:
    return f"{before}{text}{after}" if text else ""


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
