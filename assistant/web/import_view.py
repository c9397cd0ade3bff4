"""What the data tab shows about an import: the mapping per table, the report, editable corrections."""

from __future__ import annotations

from typing import Any

import pandas as pd

from assistant.ingest.mapping import ROLES, role_labels
from assistant.ingest.types import TableMapping
from assistant.web.i18n import t
from assistant.web.render import escape_md
from tools.privacy import mask_text

# the roles a person is offered to correct, in this order (others appear when they were mapped)
EDITABLE = ("order_time", "pay_amount", "customer_id", "nickname", "order_id", "status", "product_name",
            "category", "host_name", "province", "gender")
HEADERS = ["table", "role", "label", "column"]


def role_label(role: str, lang: str) -> str:
    try:
        en, zh = role_labels(role)
    except Exception:
        return role
    return zh if lang == "zh" else en


def _shown(text: object) -> str:
    """File and column names come from the upload: a file named after a customer's phone number
    is shown masked, like any answer."""
    return escape_md(mask_text(str(text)))


def mapping_markdown(mapping: TableMapping, lang: str) -> str:
    lines = [f"#### 📄 {_shown(mapping.raw_name)} · {t('kind', lang)}: **{escape_md(mapping.kind)}**", "",
             f"| {t('h_role', lang)} | {t('h_column', lang)} | {t('h_confidence', lang)} | {t('h_reason', lang)} |",
             "|---|---|---:|---|"]
    for role, match in mapping.roles.items():
        lines.append(f"| {escape_md(role_label(role, lang))} (`{role}`) | {_shown(match.column)} | "
                     f"{match.confidence:.0%} | {escape_md(match.reason)} |")
    if mapping.personal:
        lines += ["", f"🔒 **{t('personal', lang)}**: " + ", ".join(_shown(c) for c in mapping.personal)]
    if mapping.unmapped:
        lines += ["", f"**{t('unused', lang)}**: " + ", ".join(_shown(c) for c in mapping.unmapped)]
    return "\n".join(lines)


def result_markdown(result: Any, lang: str, heading: str = "") -> str:
    parts = [heading] if heading else []
    parts += [mapping_markdown(m, lang) for m in result.mappings]
    parts.append(f"**{t('report', lang)}**: {_shown(result.report.summary(lang))}")
    return "\n\n".join(parts)


def corrections_frame(mappings: list[TableMapping], lang: str) -> pd.DataFrame:
    rows = []
    for mapping in mappings:
        roles = list(EDITABLE) + [r for r in mapping.roles if r not in EDITABLE]
        for role in roles:
            match = mapping.roles.get(role)
            # The table's name is its file's: shown masked (a file named after a phone number).
            rows.append([mask_text(mapping.raw_name), role, role_label(role, lang), match.column if match else ""])
    return pd.DataFrame(rows, columns=HEADERS)


def _rows(frame: Any) -> list[list[Any]]:
    """The corrections as rows, whether they come from the browser (DataFrame) or the API (dict)."""
    if frame is None:
        return []
    if isinstance(frame, pd.DataFrame):
        headers, data = [str(c) for c in frame.columns], frame.astype(object).values.tolist()
    elif isinstance(frame, dict):
        headers, data = [str(c) for c in frame.get("headers") or HEADERS], frame.get("data") or []
    else:
        headers, data = HEADERS, list(frame)
    index = {h: headers.index(h) for h in ("table", "role", "column") if h in headers}
    if len(index) < 3:
        return []
    return [[row[index["table"]], row[index["role"]], row[index["column"]]] for row in data if len(row) >= 3]


def overrides_from(frame: Any, proposed: list[TableMapping]) -> dict[str, dict[str, str | None]]:
    """Only the cells the person changed, compared with the automatic mapping: {table: {role: column}}."""
    by_table = {m.raw_name: m for m in proposed} | {mask_text(m.raw_name): m for m in proposed}
    overrides: dict[str, dict[str, str | None]] = {}
    for table, role, column in _rows(frame):
        table, role = str(table or "").strip(), str(role or "").strip()
        wanted = "" if column is None or (isinstance(column, float) and pd.isna(column)) else str(column).strip()
        if not table or not role:
            continue
        mapping = by_table.get(table)
        match = mapping.roles.get(role) if mapping else None
        if wanted != (match.column if match else ""):
            if role not in ROLES and not wanted:
                continue
            overrides.setdefault(mapping.raw_name if mapping else table, {})[role] = wanted or None
    return overrides
