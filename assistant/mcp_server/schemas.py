"""JSON Schemas of what the MCP tools return (their `outputSchema`): the Answer JSON contract of
assistant/answer.py, and the dataset list. Loose on purpose (extra keys allowed): the contract grows
by additive extensions, and a client validating against an older schema must still accept them."""

from __future__ import annotations

from typing import Any

_STRINGS: dict[str, Any] = {"type": "array", "items": {"type": "string"}}

ANSWER_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "answer": {"type": "string", "description": "The answer in plain language, citing the numbers."},
        "language": {"type": "string", "enum": ["zh", "en"]},
        "mode": {"type": "string", "description": "'offline' (router) or 'llm'."},
        "tool_calls": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "args": {"type": "object"},
                    "resolved": {"type": "object", "description": "What the tool made of the arguments."},
                },
                "required": ["name", "args"],
            },
        },
        "tables": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "columns": _STRINGS,
                    "rows": {"type": "array", "items": {"type": "array"}},
                    "truncated": {"type": "boolean"},
                    "row_count": {"type": "integer"},
                },
                "required": ["name", "columns", "rows", "truncated"],
            },
        },
        "charts": {"type": "array", "items": {"type": "object"}},
        "sql": _STRINGS,
        "recommendations": _STRINGS,
        "error": {
            "anyOf": [
                {"type": "null"},
                {
                    "type": "object",
                    "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
                    "required": ["code", "message"],
                },
            ]
        },
        "files": {"type": "array", "items": {"type": "object"}},
        "clarification": {"anyOf": [{"type": "null"}, {"type": "object"}]},
        "assumptions": _STRINGS,
        "definitions": {"type": "array", "items": {"type": "object"}},
    },
    "required": ["answer", "language", "tool_calls", "tables", "error"],
}

ASK_SCHEMA: dict[str, Any] = {
    **ANSWER_SCHEMA,
    "properties": {
        **ANSWER_SCHEMA["properties"],
        "conversation_id": {"type": "string", "description": "Pass it back with the next question to follow up."},
    },
    "required": [*ANSWER_SCHEMA["required"], "conversation_id"],
}

DATASETS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "default": {"type": "string", "description": "The dataset used when `dataset` is omitted."},
        "datasets": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "imported_at": {"type": "string"},
                    "rows": {"type": "object", "additionalProperties": {"type": "integer"}},
                },
                "required": ["name"],
            },
        },
    },
    "required": ["default", "datasets"],
}
