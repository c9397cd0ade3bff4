"""An answer (the JSON contract) as Markdown, for OpenAI-style clients and chat tools.

Everything taken from the answer (text, options, assumptions, table names and cells,
recommendations, tool arguments) comes from the data or a model and passes through `assistant.inert`
first; only the links appended at the end are ours (published table images and chart pages)."""

from __future__ import annotations

import json
from typing import Any

from assistant import inert
from assistant.api.table_image import cell_text

MARKDOWN_ROWS = 20


def markdown_table(table: dict[str, Any], max_rows: int = MARKDOWN_ROWS) -> str:
    def cell(value: Any) -> str:
        return inert.markdown(cell_text(value)).replace("|", "\\|")

    columns = table.get("columns") or []
    rows = (table.get("rows") or [])[:max_rows]
    lines = ["| " + " | ".join(cell(c) for c in columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def answer_markdown(answer: dict[str, Any], links: list[tuple[str, str]] | None = None,
                    max_tables: int = 2) -> str:
    zh = answer.get("language") == "zh"
    parts = [inert.markdown(answer.get("answer") or "")]
    clarification = answer.get("clarification")
    offered = (clarification or {}).get("options") or answer.get("options") or []
    if offered:
        options = [f"{i}. {inert.markdown(o['label'])}" for i, o in enumerate(offered, 1)]
        hint = "（回复序号选择，或换个问法）" if zh else "(reply with a number to pick one, or rephrase)"
        parts.append("\n".join(options + [hint]))
    if answer.get("assumptions"):
        parts.append(("**假设**\n" if zh else "**Assumptions**\n")
                     + "\n".join(f"- {inert.markdown(a)}" for a in answer["assumptions"]))
    for table in (answer.get("tables") or [])[:max_tables]:
        total = table.get("row_count", len(table.get("rows") or []))
        shown = min(total, MARKDOWN_ROWS)
        note = ""
        if total > shown:
            note = f"\n\n（前 {shown} 行，共 {total:,} 行）" if zh else f"\n\n(first {shown} of {total:,} rows)"
        parts.append(f"**{inert.markdown(table.get('name', ''))}**\n\n{markdown_table(table)}{note}")
    if answer.get("recommendations"):
        parts.append(("**建议**\n" if zh else "**Recommendations**\n")
                     + "\n".join(f"- {inert.markdown(r)}" for r in answer["recommendations"]))
    if links:  # ours: the server published these, so they are the only links in the reply
        parts.append("\n".join(f"- [{inert.link_label(label)}]({url})" for label, url in links))
    calls = [inert.code(f"{c['name']} {json.dumps(c.get('args') or {}, ensure_ascii=False)}")
             for c in answer.get("tool_calls") or []]
    if calls:
        parts.append(("计算方式：" if zh else "Computed by: ") + ", ".join(calls))
    return "\n\n".join(p for p in parts if p)
