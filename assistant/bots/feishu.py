"""Feishu/Lark event subscription v2 (im.message.receive_v1), encrypted with the app's Encrypt Key.

Feishu wants a 200 within 3 seconds (else it retries after 15 s, 5 min, 1 h and 6 h with the same
event_id), so each message is acknowledged at once and answered from a worker thread through the
reply-message API with an interactive card. The Encrypt Key is required: without it Feishu neither
encrypts nor signs its callbacks, and this adapter does not take unsigned requests.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from assistant.bots import settings
from assistant.bots.answering import BUSY, TEXT_ONLY, Answerer, clean_question, notice
from assistant.bots.crypto import CryptoError, feishu_decrypt, feishu_signature, same
from assistant.bots.format import Reply, build_reply, feishu_card
from assistant.bots.guard import Rejection, dig, guarded, not_configured, parse_json, read_body, require_fresh, text_at
from assistant.bots.outbound import OutboundError, TokenCache, call_json
from assistant.bots.seen import seen_cache

logger = logging.getLogger("assistant.bots")

APP_ID, APP_SECRET = "ASSISTANT_FEISHU_APP_ID", "ASSISTANT_FEISHU_APP_SECRET"
TOKEN, ENCRYPT_KEY = "ASSISTANT_FEISHU_VERIFICATION_TOKEN", "ASSISTANT_FEISHU_ENCRYPT_KEY"
API_BASE, DEFAULT_API_BASE = "ASSISTANT_FEISHU_API_BASE", "https://open.feishu.cn"
# Feishu documents no timestamp window. One hour covers its 15 s and 5 min retries even if a retry
# kept the original timestamp; a retry that is refused is harmless (event_id already answered).
WINDOW = 3600
EVENT_TTL = 8 * 3600  # retries span about 7.1 hours
_MENTION = re.compile(r"@_(?:user_\d+|all)\b")
_MESSAGE_ID = re.compile(r"^[A-Za-z0-9_-]{1,128}$")
_tokens = TokenCache()


def router(answerer: Answerer) -> APIRouter:
    # Both survive a restart: a replayed request or a platform retry is refused after one too.
    signatures, events = seen_cache("feishu-signatures", 2 * WINDOW), seen_cache("feishu-events", EVENT_TTL)
    routes = APIRouter()

    @routes.post("/feishu")
    @guarded
    async def feishu_events(request: Request) -> Response:
        config, missing = settings.env(APP_ID, APP_SECRET, TOKEN, ENCRYPT_KEY)
        if missing:
            raise not_configured("Feishu/Lark", missing)
        body = await read_body(request)
        signature = _verify(request, body, config[ENCRYPT_KEY])
        payload = _decrypt(parse_json(body), config[ENCRYPT_KEY], signed=bool(signature))
        header = payload.get("header") if isinstance(payload.get("header"), dict) else {}
        token = text_at(header, "token") if header else text_at(payload, "token")
        if not token or not same(token, config[TOKEN]):
            raise Rejection(401, "wrong verification token")
        if payload.get("type") == "url_verification":
            # The URL check carries no signature headers; decrypting with our key plus the token is the proof.
            return JSONResponse({"challenge": text_at(payload, "challenge")})
        if not signature:
            raise Rejection(401, "missing X-Lark-Signature headers")
        if not signatures.add(signature):
            raise Rejection(409, "replayed request")
        event_id = text_at(header, "event_id")
        if text_at(header, "event_type") != "im.message.receive_v1" or not event_id or not events.add(event_id):
            return JSONResponse({})  # another event type, or a retry of one already taken
        event = payload.get("event")
        message = dig(event, "message") or {}
        if text_at(event, "sender", "sender_type") != "user" or not _MESSAGE_ID.match(text_at(message, "message_id")):
            return JSONResponse({})
        target = _Target(config[APP_ID], config[APP_SECRET], text_at(message, "message_id"))
        chat_key = f"feishu:{text_at(message, 'chat_id')}"
        question = _question(message) if text_at(message, "message_type") == "text" else None

        def answer() -> None:
            target.send(build_reply(notice(*TEXT_ONLY)) if question is None else answerer.reply(chat_key, question))

        busy = answerer.in_background(answer, lambda: target.send(build_reply(notice(*BUSY))))
        return JSONResponse({}, background=busy)

    return routes


def _verify(request: Request, body: bytes, encrypt_key: str) -> str:
    """The signature, checked and fresh; "" when the request carries no signature headers at all."""
    timestamp = request.headers.get("x-lark-request-timestamp", "")
    nonce = request.headers.get("x-lark-request-nonce", "")
    signature = request.headers.get("x-lark-signature", "")
    if not (timestamp or nonce or signature):
        return ""
    require_fresh(timestamp, WINDOW)
    if not signature or not same(signature, feishu_signature(timestamp, nonce, encrypt_key, body)):
        raise Rejection(401, "bad X-Lark-Signature")
    return signature


def _decrypt(outer: dict[str, Any], encrypt_key: str, signed: bool) -> dict[str, Any]:
    """The decrypted event. CBC has no integrity check: a wrong key passes the padding check about
    once in 256 tries, so an unsigned body that does not decrypt to JSON is unauthenticated (401);
    a signed one that does not is authentic garbage (400)."""
    encrypted = outer.get("encrypt")
    if not isinstance(encrypted, str):
        raise Rejection(401, "expected an encrypted body: the app's Encrypt Key is configured here")
    cannot = Rejection(401, f"cannot decrypt the body (is {ENCRYPT_KEY} the app's Encrypt Key?)")
    try:
        return parse_json(feishu_decrypt(encrypt_key, encrypted))
    except CryptoError as exc:
        raise cannot from exc
    except Rejection:
        if signed:
            raise
        raise cannot from None


def _question(message: dict[str, Any]) -> str:
    try:
        text = json.loads(text_at(message, "content")).get("text", "")
    except (ValueError, AttributeError):
        text = ""
    return clean_question(_MENTION.sub(" ", str(text)))


class _Target:
    """A reply to one message, sent as the app (tenant_access_token)."""

    def __init__(self, app_id: str, app_secret: str, message_id: str):
        self.app_id, self.app_secret, self.message_id = app_id, app_secret, message_id

    def send(self, reply: Reply) -> None:
        base = settings.api_base(API_BASE, DEFAULT_API_BASE)
        content = json.dumps(feishu_card(reply), ensure_ascii=False)
        try:
            token = _tokens.get(f"{base}|{self.app_id}", lambda: self._fetch_token(base))
            result = call_json("POST", f"{base}/open-apis/im/v1/messages/{self.message_id}/reply",
                               json={"msg_type": "interactive", "content": content}, token=token)
        except OutboundError as exc:
            logger.warning("Feishu reply failed: %s", exc)
            return
        if result.get("code") != 0:
            if result.get("code") in (99991663, 99991661):  # token invalid/expired: fetch anew next time
                _tokens.forget(f"{base}|{self.app_id}")
            logger.warning("Feishu reply refused: code %s %s", result.get("code"), result.get("msg"))

    def _fetch_token(self, base: str) -> tuple[str, float]:
        result = call_json("POST", f"{base}/open-apis/auth/v3/tenant_access_token/internal",
                           json={"app_id": self.app_id, "app_secret": self.app_secret})
        token = result.get("tenant_access_token")
        if result.get("code") != 0 or not isinstance(token, str):
            raise OutboundError(f"tenant_access_token refused: code {result.get('code')} {result.get('msg')}")
        return token, float(result.get("expire") or 0)
