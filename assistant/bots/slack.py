"""Slack Events API: signed callbacks, answered in a thread with chat.postMessage (Block Kit).

Slack wants a 200 within 3 seconds and retries otherwise (X-Slack-Retry-Num), so every event is
acknowledged at once and answered from a worker thread.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from assistant.bots import settings
from assistant.bots.answering import BUSY, Answerer, clean_question, notice
from assistant.bots.crypto import same, slack_signature
from assistant.bots.format import Reply, build_reply, slack_blocks
from assistant.bots.guard import Rejection, dig, guarded, not_configured, parse_json, read_body, require_fresh, text_at
from assistant.bots.outbound import OutboundError, call_json
from assistant.bots.seen import seen_cache

logger = logging.getLogger("assistant.bots")

SECRET, TOKEN = "ASSISTANT_SLACK_SIGNING_SECRET", "ASSISTANT_SLACK_BOT_TOKEN"
API_BASE, DEFAULT_API_BASE = "ASSISTANT_SLACK_API_BASE", "https://slack.com/api"
WINDOW = 300  # Slack: reject requests more than five minutes from local time
EVENT_TTL = 2 * 3600  # Slack retries within about an hour
_MENTION = re.compile(r"<@[A-Z0-9]+(?:\|[^>]*)?>")


def router(answerer: Answerer) -> APIRouter:
    # A request is valid for WINDOW either side of its timestamp, so remember it for twice that.
    # Both survive a restart: a replayed request or a platform retry is refused after one too.
    signatures, events = seen_cache("slack-signatures", 2 * WINDOW), seen_cache("slack-events", EVENT_TTL)
    routes = APIRouter()

    @routes.post("/slack")
    @guarded
    async def slack_events(request: Request) -> Response:
        config, missing = settings.env(SECRET, TOKEN)
        if missing:
            raise not_configured("Slack", missing)
        body = await read_body(request)
        signature = _verify(request, body, config[SECRET])
        payload = parse_json(body)
        if payload.get("type") == "url_verification":
            return JSONResponse({"challenge": text_at(payload, "challenge")})
        event_id = text_at(payload, "event_id")
        if request.headers.get("x-slack-retry-num") and event_id and event_id in events:
            return Response(status_code=200)  # Slack retrying an event we already took
        if not signatures.add(signature):
            raise Rejection(409, "replayed request")
        event = payload.get("event")
        if payload.get("type") != "event_callback" or not _wanted(event, payload):
            return Response(status_code=200)
        if event_id and not events.add(event_id):
            return Response(status_code=200)
        target = _Target(config[TOKEN], text_at(event, "channel"), text_at(event, "thread_ts") or text_at(event, "ts"))
        chat_key = f"slack:{text_at(payload, 'team_id') or text_at(event, 'team')}:{target.channel}"
        question = clean_question(_MENTION.sub(" ", _unescape(text_at(event, "text"))))
        busy = answerer.in_background(lambda: target.send(answerer.reply(chat_key, question)),
                                      lambda: target.send(build_reply(notice(*BUSY, question=question))))
        return Response(status_code=200, background=busy)

    return routes


def _verify(request: Request, body: bytes, secret: str) -> str:
    timestamp = request.headers.get("x-slack-request-timestamp", "")
    signature = request.headers.get("x-slack-signature", "")
    require_fresh(timestamp, WINDOW)
    if not signature or not same(signature, slack_signature(secret, timestamp, body)):
        raise Rejection(401, "bad X-Slack-Signature")
    return signature


def _wanted(event: Any, payload: dict[str, Any]) -> bool:
    """A person's mention of the bot, or a direct message to it. Not bots (ourselves included),
    not edits or joins (subtypes), and not channel messages: with message.channels subscribed, a
    mention arrives twice (message + app_mention), and only the app_mention is answered."""
    if not isinstance(event, dict) or event.get("bot_id") or event.get("subtype") or not event.get("user"):
        return False
    bot_users = {text_at(a, "user_id") for a in payload.get("authorizations") or [] if isinstance(a, dict)}
    if event.get("user") in bot_users:
        return False
    if event.get("type") == "app_mention":
        return True
    return event.get("type") == "message" and event.get("channel_type") == "im"


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


class _Target:
    """Where a reply goes: one channel, in the asker's thread."""

    def __init__(self, token: str, channel: str, thread_ts: str):
        self.token, self.channel, self.thread_ts = token, channel, thread_ts

    def send(self, reply: Reply) -> None:
        text, blocks = slack_blocks(reply)
        message: dict[str, Any] = {"channel": self.channel, "text": text, "blocks": blocks, "unfurl_links": False}
        if self.thread_ts:
            message["thread_ts"] = self.thread_ts
        base = settings.api_base(API_BASE, DEFAULT_API_BASE)
        try:
            result = call_json("POST", f"{base}/chat.postMessage", json=message, token=self.token)
        except OutboundError as exc:
            logger.warning("Slack reply failed: %s", exc)
            return
        if not result.get("ok"):
            logger.warning("Slack chat.postMessage refused: %s", dig(result, "error"))
