"""An `Answer` as an MCP tool result: the answer JSON (the public contract) as structured content,
and a text block with the answer and the first table as Markdown, because many MCP clients hand
only the text to the model and it should still see the numbers. An answer with an error becomes an
error result (`isError`) whose text is the plain-language message, never a stack trace.

MCP clients show the text as Markdown, and the model reading it may repeat it: everything taken from
the answer (data values, a model's words, a client's own conversation id) passes through
`assistant.inert` first, so the text carries no image, link or HTML of anyone else's making."""

from __future__ import annotations

from typing import Any

import mcp_types as types

from assistant import inert
from assistant.answer import Answer, jsonable
from tools.result import Table

MAX_TEXT_ROWS = 30  # the structured content carries up to 1,000 rows; the text is for reading


def answer_result(answer: Answer, extra: dict[str, Any] | None = None) -> types.CallToolResult:
    """`extra`: keys added to the answer JSON (e.g. `conversation_id`), also shown in the text."""
    payload = answer.to_json() | (extra or {})
    if answer.error is not None:
        message = answer.error.get("message") or answer.answer
        return types.CallToolResult(content=[_text(inert.markdown(message))], structured_content=payload,
                                    is_error=True)
    return types.CallToolResult(content=[_text(answer_text(answer, extra))], structured_content=payload)


def data_result(payload: dict[str, Any], text: str) -> types.CallToolResult:
    return types.CallToolResult(content=[_text(text)], structured_content=payload)


def error_result(message: str) -> types.CallToolResult:
    # Messages can quote what was asked for (an unknown segment, a bad argument): inert like answers.
    return types.CallToolResult(content=[_text(inert.markdown(message))], is_error=True)


def answer_text(answer: Answer, extra: dict[str, Any] | None = None) -> str:
    zh = answer.language == "zh"
    parts = [inert.markdown(answer.answer)]
    if answer.clarification is not None:
        options = [f"{i}. {inert.markdown(o.label)}" for i, o in enumerate(answer.clarification.options, 1)]
        hint = "（用序号再问一次即可选择）" if zh else "(ask again with the number to pick one)"
        parts.append("\n".join([*options, hint]))
    if answer.tables:
        parts.append(table_markdown(answer.tables[0]))
    if len(answer.tables) > 1:
        names = ", ".join(inert.markdown(t.name) for t in answer.tables[1:])
        parts.append(("其他表（见结构化结果）：" if zh else "More tables (in the structured result): ") + names)
    if answer.recommendations:
        heading = "建议：" if zh else "Recommendations:"
        parts.append("\n".join([heading, *(f"- {inert.markdown(r)}" for r in answer.recommendations)]))
    parts.extend(f"{key}: {inert.markdown(value)}" for key, value in (extra or {}).items())
    return "\n\n".join(p for p in parts if p)


def table_markdown(table: Table, max_rows: int = MAX_TEXT_ROWS) -> str:
    frame = table.df.head(max_rows)
    lines = [
        f"**{_cell(table.name)}**",
        "",
        _row(frame.columns),
        _row(["---"] * len(frame.columns)),
        *(_row(row) for row in frame.itertuples(index=False, name=None)),
    ]
    more = len(table.df) - len(frame)
    if more > 0:
        lines.append(f"\n({more:,} more rows in the structured result)")
    if table.truncated:
        lines.append("\n(cut off by the row cap)")
    return "\n".join(lines)


def _row(values: Any) -> str:
    return "| " + " | ".join(_cell(v) for v in values) + " |"


def _cell(value: Any) -> str:
    value = jsonable(value)
    if value is None:  # NaN and NaT arrive as None
        return ""
    if isinstance(value, float):  # enough digits to quote, none of the binary noise
        value = round(value, 2) if abs(value) >= 100 else round(value, 4)
        value = int(value) if value.is_integer() else value
    # table values can come from the data (names, titles): keep them inert inside the Markdown table
    text = str(value).replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ")
    return inert.markdown(text)


def _text(text: str) -> types.TextContent:
    return types.TextContent(type="text", text=text)
