"""The import's mapping and validation report, for people (text) and scripts (JSON)."""

from __future__ import annotations

from typing import Any

from assistant.ingest.workspace import ImportResult


def import_json(result: ImportResult, language: str) -> dict[str, Any]:
    report = result.report
    return {
        "dataset": None if result.dataset is None else {
            "name": result.dataset.name, "path": result.dataset.path, "rows": result.dataset.rows},
        "reused": result.reused,
        "summary": report.summary(language),
        "rows_read": report.rows_read,
        "rows_loaded": report.rows_loaded,
        "rejected": len(report.rejected),
        "rejected_by_reason": report.rejected.groupby("reason_code").size().to_dict(),
        "mappings": [
            {"table": m.raw_name, "kind": m.kind, "personal": m.personal, "unmapped": m.unmapped,
             "roles": {role: {"column": c.column, "confidence": round(c.confidence, 2), "reason": c.reason}
                       for role, c in m.roles.items()}}
            for m in result.mappings
        ],
    }


def import_text(result: ImportResult, language: str) -> str:
    zh = language == "zh"
    lines = []
    for mapping in result.mappings:
        lines.append(f"[{mapping.raw_name}] -> {mapping.kind}")
        for role, match in mapping.roles.items():
            lines.append(f"  {role:16} <- {match.column}  ({match.confidence:.0%}; {match.reason})")
        if mapping.unmapped:
            lines.append(("  未使用的列：" if zh else "  unused columns: ") + ", ".join(mapping.unmapped))
        if mapping.personal:
            lines.append(("  个人信息列：" if zh else "  personal data: ") + ", ".join(mapping.personal))
    lines.append(result.report.summary(language))
    if result.reused:
        reused = "该文件已导入过，沿用现有数据集。" if zh else "This file was imported before; the dataset is reused."
        lines.append(reused)
    if result.dataset:
        lines.append(("数据集：" if zh else "Dataset: ") + f"{result.dataset.name} ({result.dataset.path})")
    elif not result.reused:
        lines.append("（试运行：未写入任何数据）" if zh else "(dry run: nothing was written)")
    return "\n".join(lines)
