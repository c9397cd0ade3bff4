"""`POST /v1/chat/completions` and `GET /v1/models`: the assistant as an OpenAI-style model, so any
tool that can talk to such a model can use it. The reply is Markdown (answer, tables, recommendations,
links to a table image and chart pages, how it was computed); the JSON contract rides along as `answer`.

The protocol is stateless (the client resends the chat), but follow-ups need the previous turn: each
reply's chat is remembered under a digest of the messages so far, and the next request that carries
that history continues the same conversation. An unknown history (say, after a restart) is taken in
by routing its questions again, without re-running their tools. The digest includes the caller
(the API token), and a history is only ever continued for the caller that built it: another token
resending the same chat starts its own conversation."""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from assistant.api.markdown import answer_markdown
from assistant.api.schemas import ERROR_RESPONSES
from assistant.api.service import Service
from tools.result import ToolError

MODEL = "live-commerce-assistant"
CREATED = 1_767_225_600  # 2026-01-01: a fixed "created" for the model list
STREAM_PIECE_CHARS = 80


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="allow")
    role: Literal["system", "developer", "user", "assistant", "tool", "function"]
    content: str | list[dict[str, Any]] | None = None


class ChatRequest(BaseModel):
    """The fields we use; others (temperature, tools, ...) are accepted and ignored."""

    model_config = ConfigDict(extra="allow")
    model: str = Field(default=MODEL, max_length=300)
    messages: list[ChatMessage] = Field(min_length=1, max_length=500)
    stream: bool = False
    user: str | None = Field(default=None, max_length=256)


class ModelOut(BaseModel):
    id: str
    object: Literal["model"]
    created: int
    owned_by: str


class ModelList(BaseModel):
    object: Literal["list"]
    data: list[ModelOut]


class ChoiceOut(BaseModel):
    index: int
    message: dict[str, Any]
    finish_reason: str


class ChatCompletion(BaseModel):
    """What we send back: OpenAI's fields, plus `answer` (the JSON contract)."""

    model_config = ConfigDict(extra="allow")
    id: str
    object: Literal["chat.completion"]
    created: int
    model: str
    choices: list[ChoiceOut]
    usage: dict[str, int]
    answer: dict[str, Any]


def text_of(message: ChatMessage) -> str:
    if isinstance(message.content, str):
        return message.content
    parts = message.content or []
    return "\n".join(str(p.get("text", "")) for p in parts if isinstance(p, dict) and p.get("type") == "text")


def history_key(caller: str, model: str, messages: list[tuple[str, str]]) -> str:
    digest = hashlib.sha256(json.dumps([caller, model, messages], ensure_ascii=False).encode("utf-8"))
    return "openai:" + digest.hexdigest()[:40]


def dataset_of(model: str) -> str | None:
    """`live-commerce-assistant:shop` answers on the dataset `shop`."""
    base, _, dataset = model.partition(":")
    if base != MODEL:
        raise ToolError("unknown_model",
                        f"Unknown model '{model}'. Use '{MODEL}' or '{MODEL}:<dataset>' (GET /v1/models).",
                        f"未知模型“{model}”。请使用“{MODEL}”或“{MODEL}:<数据集>”（见 GET /v1/models）。")
    return dataset or None


def openai_routes(service: Service, caller: Any) -> APIRouter:
    router = APIRouter(prefix="/v1", dependencies=[Depends(caller)], tags=["openai"])

    @router.get("/models", response_model=ModelList, responses=ERROR_RESPONSES)
    def models() -> dict[str, Any]:
        """One model per dataset: `live-commerce-assistant` is the default dataset."""
        names = list(service.cache.datasets())
        ids = [MODEL] + [f"{MODEL}:{name}" for name in names]
        return {"object": "list",
                "data": [{"id": i, "object": "model", "created": CREATED, "owned_by": "live-commerce-assistant"}
                         for i in ids]}

    @router.post("/chat/completions", response_model=None, responses={
        200: {"description": "A chat.completion object, or server-sent chat.completion.chunk events with `stream`",
              "content": {"application/json": {"schema": ChatCompletion.model_json_schema()},
                          "text/event-stream": {}}},
        **ERROR_RESPONSES})
    def completions(request: ChatRequest, http: Request,
                    who: str = Depends(caller)) -> JSONResponse | StreamingResponse:
        """OpenAI chat completions, plain and streaming (`stream: true`, server-sent events)."""
        dataset = dataset_of(request.model)
        said = [(m.role, text_of(m)) for m in request.messages if m.role in ("user", "assistant")]
        if not said or said[-1][0] != "user":  # nothing asked yet: the reply says what can be asked
            said.append(("user", ""))
        question = said[-1][1]
        service.dataset_key(dataset)  # an unknown dataset is refused before any streaming starts
        base_url = str(http.base_url)

        def reply() -> tuple[dict[str, Any], str]:
            # Each request answers in its own fork of the conversation its history left off in:
            # identical histories from different clients must not share later turns.
            conversation_id = "openai:" + uuid.uuid4().hex
            known = service.conversations.fork(history_key(who, request.model, said[:-1]), conversation_id, who)
            history = [text for role, text in said[:-1] if role == "user"]
            _, answer = service.ask(question, conversation_id, dataset, history=None if known else history,
                                    caller=who)
            payload = answer.to_json(200)
            content = answer_markdown(payload, service.links(payload, base_url))
            kept = service.conversations.peek(conversation_id)
            if kept is not None:  # the next request carries this reply in its history
                service.conversations.put(history_key(who, request.model, said + [("assistant", content)]), kept)
            return payload, content

        completion_id = "chatcmpl-" + uuid.uuid4().hex
        if request.stream:
            return StreamingResponse(_chunks(completion_id, request.model, reply),
                                     media_type="text/event-stream",
                                     headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
        payload, content = reply()
        return JSONResponse({
            "id": completion_id, "object": "chat.completion", "created": int(time.time()), "model": request.model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                         "finish_reason": "stop", "logprobs": None}],
            "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
            "answer": payload,
        })

    return router


def _chunks(completion_id: str, model: str, reply: Callable[[], tuple[dict[str, Any], str]]) -> Iterator[str]:
    """The role chunk goes out at once (the client sees the reply start), then the answer in pieces."""
    created = int(time.time())

    def chunk(delta: dict[str, Any], finish: Literal["stop"] | None = None, **extra: Any) -> str:
        body = {"id": completion_id, "object": "chat.completion.chunk", "created": created, "model": model,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}], **extra}
        return f"data: {json.dumps(body, ensure_ascii=False)}\n\n"

    yield chunk({"role": "assistant", "content": ""})
    payload, content = reply()
    for start in range(0, len(content), STREAM_PIECE_CHARS):
        yield chunk({"content": content[start:start + STREAM_PIECE_CHARS]})
    yield chunk({}, "stop", answer=payload)
    yield "data: [DONE]\n\n"

