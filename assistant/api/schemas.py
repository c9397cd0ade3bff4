"""Request and response shapes of the HTTP API, for validation and the OpenAPI spec. The response
models mirror the CLI's `--json` contract (assistant/answer.py); they only describe it."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

ConversationId = Field(default=None, pattern=r"^[A-Za-z0-9_.:\-]{1,128}$",
                       description="Keep follow-ups together: send back the conversation_id of the previous answer.")
DatasetName = Field(default=None, max_length=200,
                    description="A dataset name from GET /api/datasets; default: the server's dataset.")
MaxRows = Field(default=1000, ge=0, le=100_000, description="Rows per table in the answer (0 = all).")


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    question: str = Field(max_length=100_000, description="A question in Chinese or English.")
    conversation_id: str | None = ConversationId
    dataset: str | None = DatasetName
    language: Literal["zh", "en"] | None = Field(
        default=None, description="Answer language; default: the question's language.")
    max_rows: int = MaxRows


class ToolRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    args: dict[str, Any] = Field(default_factory=dict, description="The tool's arguments (see GET /api/tools).")
    dataset: str | None = DatasetName
    language: Literal["zh", "en"] = "zh"
    max_rows: int = MaxRows


class ToolCallOut(BaseModel):
    name: str
    args: dict[str, Any]
    resolved: dict[str, Any] = {}


class TableOut(BaseModel):
    name: str
    columns: list[str]
    rows: list[list[Any]]
    truncated: bool
    row_count: int


class ChartOut(BaseModel):
    title: str
    plotly: dict[str, Any]
    spec: dict[str, Any]


class ErrorOut(BaseModel):
    code: str
    message: str


class OptionOut(BaseModel):
    label: str
    question: str


class ClarificationOut(BaseModel):
    question: str
    options: list[OptionOut]


class NotAppliedOut(BaseModel):
    """A part of the question the answer does not honour (also named in the answer text)."""

    kind: str
    phrase: str
    detail: str = ""


class CaveatOut(BaseModel):
    """Why the dataset's figures may be wrong (an implausible customer key); the answer text leads with it."""

    code: str
    message: str


class FileOut(BaseModel):
    name: str
    path: str
    format: str
    rows: int
    personal_data: bool


class AnswerOut(BaseModel):
    """The CLI's `--json` contract, plus `conversation_id` and `dataset` on API answers."""

    model_config = ConfigDict(extra="allow")
    answer: str
    language: str
    mode: str
    tool_calls: list[ToolCallOut]
    tables: list[TableOut]
    charts: list[ChartOut]
    sql: list[str]
    recommendations: list[str]
    error: ErrorOut | None
    files: list[FileOut] = []
    clarification: ClarificationOut | None = None
    assumptions: list[str] = []
    definitions: list[dict[str, Any]] = []
    not_applied: list[NotAppliedOut] = []
    options: list[OptionOut] = []
    caveats: list[CaveatOut] = []
    conversation_id: str | None = None
    dataset: str | None = None


class ToolOut(BaseModel):
    name: str
    description: str
    parameters: dict[str, Any]


class DatasetOut(BaseModel):
    name: str
    default: bool
    imported_at: str | None = None
    rows: dict[str, int] = {}


class HealthOut(BaseModel):
    status: Literal["ok"]
    version: str
    llm: bool


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": AnswerOut, "description": text}
    for status, text in [(400, "The question or arguments were refused; `error` says why."),
                         (401, "Missing or wrong API token."),
                         (404, "Unknown tool or dataset, or a conversation_id that is not this caller's."),
                         (413, "Request body too large."), (422, "The request body does not match the schema."),
                         (429, "Too many requests at once."), (500, "An internal error (logged)."),
                         (504, "The computation hit its time limit.")]
}
