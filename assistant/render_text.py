"""Plain-text rendering of an Answer for the terminal."""

from __future__ import annotations

import json

import pandas as pd

from assistant.answer import Answer

MAX_TEXT_ROWS = 20


def _table_text(name: str, frame: pd.DataFrame, truncated: bool) -> str:
    shown = frame.head(MAX_TEXT_ROWS)
    with pd.option_context("display.width", 160, "display.max_columns", 12):
        body = shown.to_string(index=False)
    more = len(frame) - len(shown)
    tail = f"\n... {more:,} more rows" if more > 0 else ""
    if truncated:
        tail += "\n(truncated by the row cap)"
    return f"[{name}]\n{body}{tail}"


def options_text(answer: Answer) -> str:
    """The clarification's options (else the questions offered next), numbered: typing the number in
    `assistant chat` picks one."""
    labels = ([o.label for o in answer.clarification.options] if answer.clarification is not None
              else [o["label"] for o in answer.options])
    if not labels:
        return ""
    lines = [f"{i}. {label}" for i, label in enumerate(labels, 1)]
    hint = "（输入序号选择，或直接换个问法）" if answer.language == "zh" else "(type a number to pick one, or rephrase)"
    return "\n".join(lines + [hint])


def render_answer(answer: Answer, show_sql: bool = False) -> str:
    parts = [answer.answer]
    if answer.clarification is not None or answer.options:
        parts.append(options_text(answer))
    if answer.assumptions:
        heading = "假设：" if answer.language == "zh" else "Assumptions:"
        parts.append(heading + "\n" + "\n".join(f"- {a}" for a in answer.assumptions))
    for table in answer.tables[:1]:
        parts.append(_table_text(table.name, table.df, table.truncated))
    if answer.recommendations:
        heading = "建议：" if answer.language == "zh" else "Recommendations:"
        parts.append(heading + "\n" + "\n".join(f"- {r}" for r in answer.recommendations))
    for file in answer.files:
        label = "文件" if answer.language == "zh" else "File"
        parts.append(f"{label}: {file.path} ({file.rows:,} rows)")
    for call in answer.tool_calls:
        parts.append(f"({call.name} {json.dumps(call.args, ensure_ascii=False)})")
    if show_sql:  # how it was computed: the definitions used, then the SQL
        if answer.definitions:
            heading = "口径：" if answer.language == "zh" else "Definitions:"
            lang = "zh" if answer.language == "zh" else "en"
            parts.append(heading + "\n" + "\n".join(f"- {d.get(lang, d['name'])}: {d['formula']}"
                                                      for d in answer.definitions))
        parts.extend(answer.sql)
    return "\n\n".join(parts)
