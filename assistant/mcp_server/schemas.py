"""JSON Schemas of what the MCP tools return (their `outputSchema`): the Answer JSON contract of
assistant/answer.py (the API's `AnswerOut`, which allows extra keys: the contract grows by additive
extensions, and a client validating against an older schema must still accept them), and the
dataset list."""

from __future__ import annotations

from typing import Any

from assistant.api.schemas import AnswerOut

# The contract is described once, by the HTTP API's response model: MCP advertises the same schema.
ANSWER_SCHEMA: dict[str, Any] = AnswerOut.model_json_schema()

ASK_SCHEMA: dict[str, Any] = {
    **ANSWER_SCHEMA,
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
