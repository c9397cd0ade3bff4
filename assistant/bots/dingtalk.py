"""DingTalk enterprise-internal robot (企业内部机器人) HTTP callback.

The answer goes back in the HTTP response (a markdown message) when it is ready within
ASSISTANT_BOTS_SYNC_SECONDS; otherwise the response says "working on it" and the answer is posted
to the conversation's sessionWebhook when done. DingTalk's signature covers only the timestamp, not
the body, so each (timestamp, sign) pair is accepted once.
"""

from __future__ import annotations

import logging
import re
import time
from typing import Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from assistant.bots import settings
from assistant.bots.answering import BUSY, TEXT_ONLY, Answerer, clean_question, notice
from assistant.bots.crypto import dingtalk_sign, same
from assistant.bots.format import Reply, build_reply, markdown
from assistant.bots.guard import Rejection, guarded, not_configured, parse_json, read_body, require_fresh, text_at
from assistant.bots.outbound import OutboundError, call_json
from assistant.bots.seen import seen_cache
from assistant.bots.workers import Handoff

logger = logging.getLogger("assistant.bots")

SECRET = "ASSISTANT_DINGTALK_APP_SECRET"
# Late answers are posted only to a sessionWebhook under this base: the callback body is not
# signed, so its URL must not be able to send our answers (or requests) anywhere else.
API_BASE, DEFAULT_API_BASE = "ASSISTANT_DINGTALK_API_BASE", "https://oapi.dingtalk.com"
WINDOW = 3600  # DingTalk: a timestamp more than one hour from now is illegitimate
EVENT_TTL = 2 * 3600
WORKING = ("正在分析，稍后在这里回复。", "Working on it; I'll post the answer here shortly.")
TOO_SLOW = ("这个问题需要的时间超过了钉钉的等待时间，请稍后再问一次。",
            "This question takes longer than DingTalk waits for; please ask again in a minute.")
_LEADING_MENTIONS = re.compile(r"^(?:\s*@\S+)+\s")


def router(answerer: Answerer) -> APIRouter:
    # Both survive a restart: a replayed request or a platform retry is refused after one too.
    signatures, messages = seen_cache("dingtalk-signatures", 2 * WINDOW), seen_cache("dingtalk-messages", EVENT_TTL)
    routes = APIRouter()

    @routes.post("/dingtalk")
    @guarded
    async def dingtalk_callback(request: Request) -> Response:
        config, missing = settings.env(SECRET)
        if missing:
            raise not_configured("DingTalk", missing)
        body = await read_body(request)
        timestamp, sign = request.headers.get("timestamp", ""), request.headers.get("sign", "")
        require_fresh(timestamp, WINDOW, unit=0.001)
        if not sign or not same(sign, dingtalk_sign(config[SECRET], timestamp)):
            raise Rejection(401, "bad sign")
        payload = parse_json(body)
        if not signatures.add(f"{timestamp}:{sign}"):
            raise Rejection(409, "replayed request")
        msg_id = text_at(payload, "msgId")
        if msg_id and not messages.add(msg_id):
            return JSONResponse({})
        if text_at(payload, "msgtype") != "text":
            return _message(build_reply(notice(*TEXT_ONLY)))
        chat_key = f"dingtalk:{text_at(payload, 'conversationId')}"
        question = clean_question(_LEADING_MENTIONS.sub("", " " + text_at(payload, "text", "content")))
        webhook = _session_webhook(payload)
        handoff: Handoff[Reply] = Handoff(lambda reply: _post_late(webhook, reply))
        if not answerer.workers.submit(lambda: handoff.finish(answerer.reply(chat_key, question))):
            return _message(build_reply(notice(*BUSY, question=question)))
        reply = await run_in_threadpool(handoff.wait, settings.sync_seconds())
        if reply is not None:
            return _message(reply)
        return _message(build_reply(notice(*(WORKING if webhook else TOO_SLOW), question=question)))

    return routes


def _message(reply: Reply) -> Response:
    return JSONResponse(_markdown_message(reply))


def _markdown_message(reply: Reply) -> dict[str, Any]:
    # The title is what the conversation list and notifications show.
    title = (reply.text.splitlines() or [""])[0][:30] or reply.label("title")
    return {"msgtype": "markdown", "markdown": {"title": title, "text": markdown(reply)[:5000]}}


def _session_webhook(payload: dict[str, Any]) -> str:
    """The conversation's reply URL if it is DingTalk's and still valid, else ""."""
    url = text_at(payload, "sessionWebhook")
    expires = payload.get("sessionWebhookExpiredTime")
    target, base = urlsplit(url), urlsplit(settings.api_base(API_BASE, DEFAULT_API_BASE))
    if (target.scheme, target.netloc) != (base.scheme, base.netloc) or "@" in target.netloc:
        return ""
    if isinstance(expires, (int, float)) and expires / 1000 < time.time():
        return ""
    return url


def _post_late(webhook: str, reply: Reply) -> None:
    if not webhook:
        logger.warning("DingTalk answer ready too late and no usable sessionWebhook; dropped")
        return
    try:
        result = call_json("POST", webhook, json=_markdown_message(reply))
    except OutboundError as exc:
        logger.warning("DingTalk late reply failed: %s", exc)
        return
    if result.get("errcode") not in (0, None):
        logger.warning("DingTalk sessionWebhook refused: %s %s", result.get("errcode"), result.get("errmsg"))
