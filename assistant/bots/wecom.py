"""WeCom (企业微信) self-built app callback: 接收消息与事件, encrypted XML.

WeCom waits 5 seconds for a reply and retries three times otherwise. An answer ready within
ASSISTANT_BOTS_SYNC_SECONDS goes back as a passive encrypted reply; a slower one gets a passive
"working on it" and is then sent with the message/send API (needs ASSISTANT_WECOM_SECRET and
ASSISTANT_WECOM_AGENT_ID; without them a slow answer is dropped and the person is told to retry).
A self-built app talks to people in the app's own conversation, so the chat is the (app, person) pair.
"""

from __future__ import annotations

import logging
import re
import secrets
import time
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import QueryParams

from assistant.bots import settings
from assistant.bots.answering import BUSY, Answerer, clean_question, notice
from assistant.bots.crypto import CryptoError, same, wecom_decrypt, wecom_encrypt, wecom_key, wecom_signature
from assistant.bots.format import Reply, build_reply, plain_text
from assistant.bots.guard import Rejection, guarded, not_configured, parse_xml, read_body, require_fresh
from assistant.bots.outbound import OutboundError, TokenCache, call_json
from assistant.bots.seen import seen_cache
from assistant.bots.workers import Handoff

logger = logging.getLogger("assistant.bots")

TOKEN, AES_KEY, CORP_ID = "ASSISTANT_WECOM_TOKEN", "ASSISTANT_WECOM_AES_KEY", "ASSISTANT_WECOM_CORP_ID"
SECRET, AGENT_ID = "ASSISTANT_WECOM_SECRET", "ASSISTANT_WECOM_AGENT_ID"
API_BASE, DEFAULT_API_BASE = "ASSISTANT_WECOM_API_BASE", "https://qyapi.weixin.qq.com"
# WeCom documents no timestamp window; its retries come within seconds, so five minutes is ample.
WINDOW = 300
EVENT_TTL = 2 * 3600
MAX_TEXT_BYTES = 2048  # WeCom's limit for a text message
WORKING = ("正在分析，稍后发给你。", "Working on it; I'll send the answer shortly.")
TOO_SLOW = ("这个问题超过了企业微信的等待时间，请稍后再问一次。",
            "This question takes longer than WeCom waits for; please ask again in a minute.")
_XML_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_tokens = TokenCache()


@dataclass(frozen=True)
class _Config:
    token: str
    key: bytes
    corp_id: str
    secret: str
    agent_id: str


def router(answerer: Answerer) -> APIRouter:
    # Both survive a restart: a replayed request or a platform retry is refused after one too.
    signatures, messages = seen_cache("wecom-signatures", 2 * WINDOW), seen_cache("wecom-messages", EVENT_TTL)
    routes = APIRouter()

    @routes.get("/wecom")
    @guarded
    async def wecom_verify_url(request: Request) -> Response:
        config = _config()
        # base64 has no spaces: a '+' decoded as a space by a proxy is restored.
        echostr = request.query_params.get("echostr", "").replace(" ", "+")
        _check(config, request.query_params, echostr)
        message, _ = _open(config, echostr)
        return PlainTextResponse(message.decode("utf-8", errors="replace"))

    @routes.post("/wecom")
    @guarded
    async def wecom_callback(request: Request) -> Response:
        config = _config()
        encrypt = (parse_xml(await read_body(request)).findtext("Encrypt") or "").strip()
        if not encrypt:
            raise Rejection(400, "no Encrypt element")
        if not signatures.add(_check(config, request.query_params, encrypt)):
            raise Rejection(409, "replayed request")
        message = parse_xml(_open(config, encrypt)[0])
        user, msg_id = message.findtext("FromUserName") or "", message.findtext("MsgId") or ""
        if message.findtext("MsgType") != "text" or not user or (msg_id and not messages.add(msg_id)):
            return PlainTextResponse("")  # events (entering the app...), or a retry already taken
        chat_key = f"wecom:{config.corp_id}:{message.findtext('AgentID') or config.agent_id}:{user}"
        question = clean_question(message.findtext("Content") or "")
        sender = _Sender(config, user) if config.secret and config.agent_id else None
        handoff: Handoff[Reply] = Handoff(lambda reply: _send_late(sender, reply))
        if not answerer.workers.submit(lambda: handoff.finish(answerer.reply(chat_key, question))):
            return _passive(config, user, plain_text(build_reply(notice(*BUSY, question=question))))
        reply = await run_in_threadpool(handoff.wait, settings.sync_seconds())
        if reply is None:
            reply = build_reply(notice(*(WORKING if sender else TOO_SLOW), question=question))
        return _passive(config, user, plain_text(reply))

    return routes


def _config() -> _Config:
    values, missing = settings.env(TOKEN, AES_KEY, CORP_ID)
    if missing:
        raise not_configured("WeCom", missing)
    try:
        key = wecom_key(values[AES_KEY])
    except ValueError as exc:
        raise Rejection(503, f"{AES_KEY} is not a valid EncodingAESKey: {exc}") from exc
    optional, _ = settings.env(SECRET, AGENT_ID)
    return _Config(values[TOKEN], key, values[CORP_ID], optional.get(SECRET, ""), optional.get(AGENT_ID, ""))


def _check(config: _Config, query: QueryParams, encrypt: str) -> str:
    timestamp, nonce = query.get("timestamp", ""), query.get("nonce", "")
    signature = query.get("msg_signature", "")
    require_fresh(timestamp, WINDOW)
    if not signature or not same(signature, wecom_signature(config.token, timestamp, nonce, encrypt)):
        raise Rejection(401, "bad msg_signature")
    return signature


def _open(config: _Config, encrypt: str) -> tuple[bytes, str]:
    try:
        message, receive_id = wecom_decrypt(config.key, encrypt)
    except CryptoError as exc:
        raise Rejection(401, f"cannot decrypt (is {AES_KEY} the app's EncodingAESKey?)") from exc
    if not same(receive_id, config.corp_id):
        raise Rejection(401, "message addressed to another corp id")
    return message, receive_id


def _passive(config: _Config, user: str, text: str) -> Response:
    """The encrypted passive reply: a text message inside <Encrypt>, signed like a callback."""
    now = str(int(time.time()))
    inner = (f"<xml><ToUserName>{_cdata(user)}</ToUserName><FromUserName>{_cdata(config.corp_id)}</FromUserName>"
             f"<CreateTime>{now}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
             f"<Content>{_cdata(_fit(text))}</Content></xml>")
    encrypt = wecom_encrypt(config.key, inner.encode("utf-8"), config.corp_id)
    nonce = str(secrets.randbelow(10**10))
    signature = wecom_signature(config.token, now, nonce, encrypt)
    body = (f"<xml><Encrypt>{_cdata(encrypt)}</Encrypt><MsgSignature>{_cdata(signature)}</MsgSignature>"
            f"<TimeStamp>{now}</TimeStamp><Nonce>{_cdata(nonce)}</Nonce></xml>")
    return Response(body, media_type="application/xml")


def _cdata(text: str) -> str:
    return "<![CDATA[" + _XML_UNSAFE.sub("", text).replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _fit(text: str) -> str:
    data = text.encode("utf-8")
    if len(data) <= MAX_TEXT_BYTES:
        return text
    return data[: MAX_TEXT_BYTES - 3].decode("utf-8", errors="ignore") + "…"


def _send_late(sender: _Sender | None, reply: Reply) -> None:
    if sender is None:
        logger.warning("WeCom answer ready too late and no %s/%s to send it with; dropped", SECRET, AGENT_ID)
        return
    sender.send(reply)


class _Sender:
    """Sends an app message to one person through the message/send API."""

    def __init__(self, config: _Config, user: str):
        self.config, self.user = config, user

    def send(self, reply: Reply) -> None:
        base = settings.api_base(API_BASE, DEFAULT_API_BASE)
        key = f"{base}|{self.config.corp_id}|{self.config.agent_id}"
        agent_id = self.config.agent_id
        agent: Any = int(agent_id) if agent_id.isascii() and agent_id.isdigit() else agent_id
        message = {"touser": self.user, "msgtype": "text", "agentid": agent,
                   "text": {"content": _fit(plain_text(reply))}}
        try:
            token = _tokens.get(key, lambda: self._fetch_token(base))
            result = call_json("POST", f"{base}/cgi-bin/message/send", params={"access_token": token}, json=message)
        except OutboundError as exc:
            logger.warning("WeCom send failed: %s", exc)
            return
        if result.get("errcode") != 0:
            if result.get("errcode") in (40014, 42001):  # access_token invalid/expired
                _tokens.forget(key)
            logger.warning("WeCom message/send refused: %s %s", result.get("errcode"), result.get("errmsg"))

    def _fetch_token(self, base: str) -> tuple[str, float]:
        result = call_json("GET", f"{base}/cgi-bin/gettoken",
                           params={"corpid": self.config.corp_id, "corpsecret": self.config.secret})
        token = result.get("access_token")
        if result.get("errcode") != 0 or not isinstance(token, str):
            raise OutboundError(f"gettoken refused: {result.get('errcode')} {result.get('errmsg')}")
        return token, float(result.get("expires_in") or 0)
