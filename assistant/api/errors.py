"""Errors as the JSON contract (an answer whose `error` is set) with the matching HTTP status."""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse

from assistant.answer import Answer
from tools.result import ToolError

STATUS_BY_CODE = {
    "unauthorized": 401,
    "unknown_tool": 404,
    "unknown_dataset": 404,
    "unknown_model": 404,
    "not_found": 404,
    "conversation_not_found": 404,
    "method_not_allowed": 405,
    "request_too_large": 413,
    "host_not_allowed": 421,
    "bad_request": 422,
    "busy": 429,
    "internal_error": 500,
    "out_of_memory": 503,
    "timeout": 504,
}


def status_for(answer: dict[str, Any]) -> int:
    error = answer.get("error")
    if not error:
        return 200
    return STATUS_BY_CODE.get(error.get("code", ""), 400)


def error_payload(error: ToolError, language: str = "en") -> dict[str, Any]:
    message = error.message(language)
    return Answer(message, language, error={"code": error.code, "message": message}).to_json()


def error_response(error: ToolError, language: str = "en", headers: dict[str, str] | None = None) -> JSONResponse:
    payload = error_payload(error, language)
    return JSONResponse(payload, status_code=status_for(payload), headers=headers)

ERROR_STATUS = {404: "not_found", 405: "method_not_allowed", 401: "unauthorized", 413: "request_too_large"}
