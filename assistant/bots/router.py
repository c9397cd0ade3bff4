"""All bot callbacks under /bots: /bots/wecom, /bots/dingtalk, /bots/feishu, /bots/slack."""

from __future__ import annotations

from fastapi import APIRouter

from assistant.bots import dingtalk, feishu, slack, wecom
from assistant.bots.answering import Answerer
from assistant.bots.types import AskFn, PublishFn
from assistant.bots.workers import Workers


def bots_router(ask: AskFn, publish: PublishFn | None = None) -> APIRouter:
    """The four platform adapters, sharing one bounded pool of background answers.

    `ask(chat_key, question)` returns the answer JSON and keeps each chat's conversation;
    `publish(answer)` (optional) turns an answer's tables/charts into [(label, absolute URL)].
    Each platform answers 404 until its environment variables are set (docs/bots.md).
    """
    answerer = Answerer(ask, publish, Workers())
    router = APIRouter(prefix="/bots", tags=["bots"])
    for platform in (wecom, dingtalk, feishu, slack):
        router.include_router(platform.router(answerer))
    return router
