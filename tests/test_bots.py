"""Chat-tool bots end to end over real HTTP.

A uvicorn server runs `bots_router(fake_ask, fake_publish)`; a stub HTTP server plays the Feishu,
Slack, WeCom and DingTalk APIs and records what the bots send. Every callback is signed and
encrypted here straight from each platform's published spec (not with the adapter's functions),
and the spec-side helpers are pinned to the platforms' own published examples where they exist.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import json
import os
import re
import struct
import threading
import time
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import uvicorn
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from fastapi import FastAPI

from assistant.bots import bots_router, crypto
from assistant.bots.seen import SeenCache
from assistant.bots.workers import Handoff, Workers
from tests.conftest import free_port

# --- the platforms' side, from their specs --------------------------------------------------------


def aes_cbc(key: bytes, iv: bytes, data: bytes, encrypt: bool) -> bytes:
    cipher = Cipher(algorithms.AES(key), modes.CBC(iv))
    op = cipher.encryptor() if encrypt else cipher.decryptor()
    return op.update(data) + op.finalize()


def pkcs7(data: bytes, block: int) -> bytes:
    n = block - len(data) % block
    return data + bytes([n]) * n


def wecom_sign(token: str, timestamp: str, nonce: str, encrypt: str) -> str:
    return hashlib.sha1("".join(sorted([token, timestamp, nonce, encrypt])).encode()).hexdigest()


def wecom_seal(aes_key: str, message: bytes, corp_id: str) -> str:
    key = base64.b64decode(aes_key + "=")
    plain = os.urandom(16) + struct.pack(">I", len(message)) + message + corp_id.encode()
    return base64.b64encode(aes_cbc(key, key[:16], pkcs7(plain, 32), encrypt=True)).decode()


def wecom_open(aes_key: str, encrypt: str) -> tuple[bytes, str]:
    key = base64.b64decode(aes_key + "=")
    plain = aes_cbc(key, key[:16], base64.b64decode(encrypt), encrypt=False)
    plain = plain[: -plain[-1]]
    (length,) = struct.unpack(">I", plain[16:20])
    return plain[20 : 20 + length], plain[20 + length :].decode()


def feishu_seal(encrypt_key: str, plaintext: bytes) -> str:
    iv = os.urandom(16)
    key = hashlib.sha256(encrypt_key.encode()).digest()
    return base64.b64encode(iv + aes_cbc(key, iv, pkcs7(plaintext, 16), encrypt=True)).decode()


def feishu_open(encrypt_key: str, encrypt: str) -> bytes:
    raw = base64.b64decode(encrypt)
    plain = aes_cbc(hashlib.sha256(encrypt_key.encode()).digest(), raw[:16], raw[16:], encrypt=False)
    return plain[: -plain[-1]]


def feishu_sign(timestamp: str, nonce: str, encrypt_key: str, body: bytes) -> str:
    return hashlib.sha256((timestamp + nonce + encrypt_key).encode() + body).hexdigest()


def slack_sign(secret: str, timestamp: str, body: bytes) -> str:
    return "v0=" + hmac.new(secret.encode(), b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256).hexdigest()


def dingtalk_sign(secret: str, timestamp: str) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


# --- published examples ----------------------------------------------------------------------------
# WeCom: the WXBizMsgCrypt samples shipped with the official callback SDKs (Sample.py / Sample.php).
WECOM_DOC = {"token": "QDG6eK", "aes_key": "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C", "corp": "wx5823bf96d3bd56c7"}
WECOM_DOC_ECHO = ("5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3", "1409659589", "263014780",
                  "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==")
WECOM_DOC_MESSAGE = (
    "477715d11cdb4164915debcba66cb864d751f3e6", "1409659813", "1372623149",
    "RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYY"
    "vuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+"
    "LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcr"
    "w8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z"
    "1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==")
# Feishu: the decryption example in the event-subscription guide ("test key" -> "hello world").
FEISHU_DOC = ("test key", "P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk=", b"hello world")
# Slack: the worked example in "Verifying requests from Slack".
SLACK_DOC = ("8f742231b10e8888abcd99yyyzzz85a5", "1531420618",
             b"token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&"
             b"channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&"
             b"response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&"
             b"trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c",
             "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503")


def test_wecom_official_url_example() -> None:
    signature, timestamp, nonce, echostr = WECOM_DOC_ECHO
    assert wecom_sign(WECOM_DOC["token"], timestamp, nonce, echostr) == signature
    assert crypto.wecom_signature(WECOM_DOC["token"], timestamp, nonce, echostr) == signature
    expected = (b"1616140317555161061", WECOM_DOC["corp"])
    assert wecom_open(WECOM_DOC["aes_key"], echostr) == expected
    assert crypto.wecom_decrypt(crypto.wecom_key(WECOM_DOC["aes_key"]), echostr) == expected


def test_wecom_official_message_example() -> None:
    signature, timestamp, nonce, encrypt = WECOM_DOC_MESSAGE
    assert crypto.wecom_signature(WECOM_DOC["token"], timestamp, nonce, encrypt) == signature
    message, corp = crypto.wecom_decrypt(crypto.wecom_key(WECOM_DOC["aes_key"]), encrypt)
    assert (message, corp) == wecom_open(WECOM_DOC["aes_key"], encrypt)
    xml = ET.fromstring(message)
    assert corp == WECOM_DOC["corp"] and xml.findtext("ToUserName") == WECOM_DOC["corp"]
    assert [xml.findtext(f) for f in ("MsgType", "Content", "FromUserName")] == ["text", "hello", "mycreate"]


def test_feishu_official_decryption_example() -> None:
    key, encrypt, plain = FEISHU_DOC
    assert feishu_open(key, encrypt) == plain
    assert crypto.feishu_decrypt(key, encrypt) == plain
    with pytest.raises(crypto.CryptoError):
        crypto.feishu_decrypt("other key", encrypt)


def test_slack_official_signature_example() -> None:
    secret, timestamp, body, signature = SLACK_DOC
    assert slack_sign(secret, timestamp, body) == signature
    assert crypto.slack_signature(secret, timestamp, body) == signature


def test_round_trips_between_spec_side_and_adapter() -> None:
    """What the test side seals, the adapter opens, and the other way round."""
    key = WECOM_DOC["aes_key"]
    sealed = crypto.wecom_encrypt(crypto.wecom_key(key), "你好 <xml>".encode(), "corp1")
    assert wecom_open(key, sealed) == ("你好 <xml>".encode(), "corp1")
    assert crypto.wecom_decrypt(crypto.wecom_key(key), wecom_seal(key, b"x" * 100, "c")) == (b"x" * 100, "c")
    assert crypto.feishu_decrypt("k", feishu_seal("k", b"{}")) == b"{}"
    assert crypto.feishu_signature("1", "2", "k", b"body") == feishu_sign("1", "2", "k", b"body")
    assert crypto.dingtalk_sign("s", "1700000000000") == dingtalk_sign("s", "1700000000000")


# --- the assistant and the platforms' APIs, faked ---------------------------------------------------

ROWS = [["R1", "重要价值客户", 3120, 0.156], ["R2", "重要发展客户", 2210, 0.1105],
        ["R3", "重要保持客户", 1980, 0.099], ["R4", "重要挽留客户", 1760, 0.088],
        ["R5", "一般价值客户", 1500, 0.075], ["R6", "一般发展客户", 1400, 0.07],
        ["R7", "一般保持客户", 1300, 0.065], ["R8", "一般挽留客户", 1200, 0.06],
        ["R9", "新客户", 1100, 0.055], ["R10", "沉睡客户", 1000, 0.05],
        ["R11", "只在第十一行", 900, 0.045], ["R12", "只在第十二行", 800, 0.04]]
ANSWER = {
    "answer": "各RFM分群中，**重要价值客户**最多，共 3,120 人。", "language": "zh", "mode": "offline",
    "tool_calls": [{"name": "rfm_segments", "args": {}, "resolved": {}}],
    "tables": [{"name": "segments", "columns": ["segment", "name", "customers", "share"], "rows": ROWS,
                "truncated": False, "row_count": 12}],
    "charts": [], "sql": ["SELECT segment, count(*) FROM customers GROUP BY 1"],
    "recommendations": ["给重要挽留客户发放专属优惠券"], "error": None, "files": [],
    "clarification": None, "assumptions": [], "definitions": [],
}
CLARIFY = {**ANSWER, "answer": "你指的是哪种复购率？", "tables": [], "recommendations": [],
           "clarification": {"question": "你指的是哪种复购率？", "options": [
               {"label": "期间复购率", "question": "最近90天的复购率是多少？"},
               {"label": "首购后30天复购率", "question": "首购后30天的复购率是多少？"}]}}


class FakeAssistant:
    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []
        self.lock = threading.Lock()

    def ask(self, chat_key: str, question: str) -> dict[str, Any]:
        with self.lock:
            self.calls.append((chat_key, question))
        if "boom" in question:
            raise RuntimeError("Traceback: database exploded at /srv/secret.duckdb")
        if "slow" in question:
            time.sleep(1.0)
        return copy.deepcopy(CLARIFY if "复购率" in question else ANSWER)

    def publish(self, answer: dict[str, Any]) -> list[tuple[str, str]]:
        return [("表格图片", "https://assistant.example.com/api/images/ab12.png"),
                ("图表", "https://assistant.example.com/api/charts/cd34")]


class Stub:
    """The platforms' APIs: records each call and answers like the real endpoints do."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                self.answer()

            def do_POST(self) -> None:
                self.answer()

            def answer(self) -> None:
                url = urlsplit(self.path)
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length) if length else b""
                stub.calls.append({"method": self.command, "path": url.path, "query": parse_qs(url.query),
                                   "auth": self.headers.get("authorization", ""),
                                   "json": json.loads(raw) if raw else None})
                body = json.dumps(stub.response(url.path)).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @staticmethod
    def response(path: str) -> dict[str, Any]:
        if path == "/open-apis/auth/v3/tenant_access_token/internal":
            return {"code": 0, "msg": "ok", "tenant_access_token": "t-stub-token", "expire": 7200}
        if path.startswith("/open-apis/im/v1/messages/"):
            return {"code": 0, "msg": "success", "data": {"message_id": "om_reply"}}
        if path == "/chat.postMessage":
            return {"ok": True, "ts": "1700000000.000200"}
        if path == "/cgi-bin/gettoken":
            return {"errcode": 0, "errmsg": "ok", "access_token": "wecom-stub-token", "expires_in": 7200}
        return {"errcode": 0, "errmsg": "ok"}

    def sent(self, path_part: str) -> list[dict[str, Any]]:
        return [c for c in self.calls if path_part in c["path"]]


@pytest.fixture(scope="module")
def assistant() -> FakeAssistant:
    return FakeAssistant()


@pytest.fixture(scope="module")
def stub():
    stub = Stub()
    yield stub
    stub.server.shutdown()


@pytest.fixture(scope="module")
def base_url(assistant: FakeAssistant):
    app = FastAPI()
    app.include_router(bots_router(assistant.ask, assistant.publish))
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 10
    while not server.started and time.time() < deadline:
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(5)


WECOM = {"ASSISTANT_WECOM_TOKEN": "wecom-token",
         "ASSISTANT_WECOM_AES_KEY": "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
         "ASSISTANT_WECOM_CORP_ID": "ww-corp-1", "ASSISTANT_WECOM_SECRET": "wecom-secret",
         "ASSISTANT_WECOM_AGENT_ID": "1000002"}
DINGTALK = {"ASSISTANT_DINGTALK_APP_SECRET": "ding-app-secret"}
FEISHU = {"ASSISTANT_FEISHU_APP_ID": "cli_test", "ASSISTANT_FEISHU_APP_SECRET": "feishu-secret",
          "ASSISTANT_FEISHU_VERIFICATION_TOKEN": "verify-token", "ASSISTANT_FEISHU_ENCRYPT_KEY": "encrypt-key"}
SLACK = {"ASSISTANT_SLACK_SIGNING_SECRET": "slack-signing-secret", "ASSISTANT_SLACK_BOT_TOKEN": "xoxb-test"}


@pytest.fixture(autouse=True)
def bot_env(monkeypatch: pytest.MonkeyPatch, stub: Stub, assistant: FakeAssistant):
    for name, value in {**WECOM, **DINGTALK, **FEISHU, **SLACK}.items():
        monkeypatch.setenv(name, value)
    for name in ("FEISHU", "SLACK", "WECOM", "DINGTALK"):
        monkeypatch.setenv(f"ASSISTANT_{name}_API_BASE", stub.url)
    monkeypatch.setenv("ASSISTANT_BOTS_SYNC_SECONDS", "3")
    stub.calls.clear()
    assistant.calls.clear()


def eventually(check: Any, timeout: float = 5.0) -> Any:
    deadline = time.time() + timeout
    while time.time() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.02)
    raise AssertionError("timed out waiting")


def quietly(stub: Stub, assistant: FakeAssistant, wait: float = 0.3) -> None:
    """Nothing was asked and nothing was sent (after giving background work a moment)."""
    time.sleep(wait)
    assert assistant.calls == [] and stub.calls == []


def assert_shows_answer(text: str) -> None:
    """The answer text, the first table's cells (10 rows at most), recommendation and links."""
    assert "重要价值客户" in text and "3,120" in text and "沉睡客户" in text
    assert "只在第十一行" not in text and "前 10 行，共 12 行" in text
    assert "给重要挽留客户发放专属优惠券" in text
    assert "https://assistant.example.com/api/images/ab12.png" in text


# --- Slack -----------------------------------------------------------------------------------------


def slack_post(base_url: str, payload: dict[str, Any] | bytes, timestamp: int | None = None,
               secret: str = SLACK["ASSISTANT_SLACK_SIGNING_SECRET"], headers: dict[str, str] | None = None):
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    ts = str(int(time.time()) if timestamp is None else timestamp)
    sent = {"content-type": "application/json", "x-slack-request-timestamp": ts,
            "x-slack-signature": slack_sign(secret, ts, body), **(headers or {})}
    return httpx.post(f"{base_url}/bots/slack", content=body, headers=sent)


def slack_mention(text: str = "<@UBOT> 各个RFM分群分别有多少用户？", channel: str = "C1", event_id: str = "",
                  **event: Any) -> dict[str, Any]:
    event_id = event_id or f"Ev{os.urandom(6).hex()}"
    return {"token": "legacy", "team_id": "T1", "api_app_id": "A1", "type": "event_callback", "event_id": event_id,
            "event_time": int(time.time()), "authorizations": [{"user_id": "UBOT", "is_bot": True}],
            "event": {"type": "app_mention", "user": "U1", "text": text, "ts": "1700000000.000100",
                      "channel": channel, "event_ts": "1700000000.000100", **event}}


def test_slack_url_verification(base_url: str) -> None:
    response = slack_post(base_url, {"token": "x", "challenge": "3eZbrw1aBm2rZgRNFdxV", "type": "url_verification"})
    assert response.status_code == 200 and response.json() == {"challenge": "3eZbrw1aBm2rZgRNFdxV"}


def test_slack_mention_is_answered_in_thread(base_url: str, stub: Stub, assistant: FakeAssistant) -> None:
    started = time.time()
    response = slack_post(base_url, slack_mention())
    assert response.status_code == 200 and time.time() - started < 2
    post = eventually(lambda: stub.sent("/chat.postMessage"))[0]
    assert assistant.calls == [("slack:T1:C1", "各个RFM分群分别有多少用户？")]
    assert post["auth"] == "Bearer xoxb-test"
    message = post["json"]
    assert message["channel"] == "C1" and message["thread_ts"] == "1700000000.000100"
    assert message["text"].startswith("各RFM分群中")
    blocks = json.dumps(message["blocks"], ensure_ascii=False)
    assert "*重要价值客户*" in blocks  # Markdown bold became Slack bold
    assert_shows_answer(blocks)
    table = next(b["text"]["text"] for b in message["blocks"] if "```" in b.get("text", {}).get("text", ""))
    assert re.search(r"R1\s+重要价值客户\s+3,120\s+0.156", table)
    assert {"type": "image", "image_url": "https://assistant.example.com/api/images/ab12.png",
            "alt_text": "表格图片"} in message["blocks"]


def test_slack_bad_signature_is_rejected(base_url: str, stub: Stub, assistant: FakeAssistant) -> None:
    assert slack_post(base_url, slack_mention(), secret="wrong-secret").status_code == 401
    unsigned = httpx.post(f"{base_url}/bots/slack", json=slack_mention())
    assert unsigned.status_code == 401
    quietly(stub, assistant)


def test_slack_exact_replay_is_rejected(base_url: str, stub: Stub, assistant: FakeAssistant) -> None:
    body, ts = json.dumps(slack_mention(event_id="EvReplay")).encode(), int(time.time())
    assert slack_post(base_url, body, timestamp=ts).status_code == 200
    assert slack_post(base_url, body, timestamp=ts).status_code == 409
    eventually(lambda: stub.sent("/chat.postMessage"))
    time.sleep(0.3)
    assert len(assistant.calls) == 1 and len(stub.sent("/chat.postMessage")) == 1


def test_slack_retry_is_acknowledged_without_a_second_answer(base_url: str, stub: Stub,
                                                              assistant: FakeAssistant) -> None:
    body = json.dumps(slack_mention(event_id="EvRetry")).encode()
    assert slack_post(base_url, body, timestamp=int(time.time()) - 2).status_code == 200
    retry = slack_post(base_url, body, headers={"x-slack-retry-num": "1", "x-slack-retry-reason": "http_timeout"})
    assert retry.status_code == 200
    eventually(lambda: stub.sent("/chat.postMessage"))
    time.sleep(0.3)
    assert len(assistant.calls) == 1 and len(stub.sent("/chat.postMessage")) == 1


def test_slack_stale_timestamp_is_rejected(base_url: str, stub: Stub, assistant: FakeAssistant) -> None:
    assert slack_post(base_url, slack_mention(), timestamp=int(time.time()) - 6 * 60).status_code == 401
    quietly(stub, assistant)


def test_slack_ignores_bots_edits_and_channel_chatter(base_url: str, stub: Stub, assistant: FakeAssistant) -> None:
    ignored = [slack_mention(event_id="EvBot", bot_id="B1"),
               slack_mention(event_id="EvEdit", subtype="message_changed"),
               slack_mention(event_id="EvSelf", user="UBOT"),
               slack_mention(event_id="EvChan", type="message", channel_type="channel")]
    for payload in ignored:
        assert slack_post(base_url, payload).status_code == 200
    quietly(stub, assistant)


def test_slack_keeps_one_chat_key_per_channel(base_url: str, stub: Stub, assistant: FakeAssistant) -> None:
    slack_post(base_url, slack_mention("<@UBOT> 各个RFM分群分别有多少用户？", event_id="EvA"))
    slack_post(base_url, slack_mention("<@UBOT> 那沉睡客户呢？", event_id="EvB"))
    slack_post(base_url, slack_mention("<@UBOT> hello", channel="C2", event_id="EvC"))
    slack_post(base_url, slack_mention("direct question", event_id="EvD", type="message", channel="D9",
                                       channel_type="im"))
    eventually(lambda: len(stub.sent("/chat.postMessage")) == 4)
    keys = {question: key for key, question in assistant.calls}
    assert keys["各个RFM分群分别有多少用户？"] == keys["那沉睡客户呢？"] == "slack:T1:C1"
    assert keys["hello"] == "slack:T1:C2" and keys["direct question"] == "slack:T1:D9"


# --- Feishu / Lark -----------------------------------------------------------------------------------


def feishu_post(base_url: str, plaintext: dict[str, Any], timestamp: int | None = None,
                encrypt_key: str = FEISHU["ASSISTANT_FEISHU_ENCRYPT_KEY"], signed: bool = True,
                body: bytes | None = None, nonce: str | None = None):
    if body is None:
        body = json.dumps({"encrypt": feishu_seal(encrypt_key, json.dumps(plaintext).encode())}).encode()
    headers = {"content-type": "application/json"}
    if signed:
        ts, nonce = str(int(time.time()) if timestamp is None else timestamp), nonce or os.urandom(6).hex()
        headers |= {"x-lark-request-timestamp": ts, "x-lark-request-nonce": nonce,
                    "x-lark-signature": feishu_sign(ts, nonce, encrypt_key, body)}
    return httpx.post(f"{base_url}/bots/feishu", content=body, headers=headers)


def feishu_message(text: str = "@_user_1 各个RFM分群分别有多少用户？", chat_id: str = "oc_group1",
                   event_id: str = "", message_id: str = "om_1", token: str = "verify-token",
                   sender_type: str = "user") -> dict[str, Any]:
    event_id = event_id or f"fe-{os.urandom(6).hex()}"
    return {"schema": "2.0",
            "header": {"event_id": event_id, "event_type": "im.message.receive_v1", "create_time": "1700000000000",
                       "token": token, "app_id": "cli_test", "tenant_key": "tenant1"},
            "event": {"sender": {"sender_id": {"open_id": "ou_asker"}, "sender_type": sender_type,
                                 "tenant_key": "tenant1"},
                      "message": {"message_id": message_id, "chat_id": chat_id, "chat_type": "group",
                                  "message_type": "text", "content": json.dumps({"text": text}),
                                  "mentions": [{"key": "@_user_1", "id": {"open_id": "ou_bot"}, "name": "数据助手"}]}}}


def test_feishu_url_verification(base_url: str) -> None:
    challenge = {"challenge": "ajls384kdj", "token": "verify-token", "type": "url_verification"}
    response = feishu_post(base_url, challenge, signed=False)
    assert response.status_code == 200 and response.json() == {"challenge": "ajls384kdj"}
    assert feishu_post(base_url, {**challenge, "token": "someone-else"}, signed=False).status_code == 401
    assert feishu_post(base_url, challenge, encrypt_key="wrong key", signed=False).status_code == 401
    # CBC has no integrity check: about 1 in 256 wrong-key ciphertexts still ends in valid padding.
    # Such a body is unauthenticated too (401), not "garbage" (400).
    right = hashlib.sha256(FEISHU["ASSISTANT_FEISHU_ENCRYPT_KEY"].encode()).digest()
    while True:
        sealed = feishu_seal("wrong key", json.dumps(challenge).encode())
        raw = base64.b64decode(sealed)
        if aes_cbc(right, raw[-32:-16], raw[-16:], encrypt=False)[-1] == 1:
            break
    assert feishu_post(base_url, {}, body=json.dumps({"encrypt": sealed}).encode(), signed=False).status_code == 401


def test_feishu_message_gets_a_card_reply(base_url: str, stub: Stub, assistant: FakeAssistant) -> None:
    response = feishu_post(base_url, feishu_message())
    assert response.status_code == 200
    reply = eventually(lambda: stub.sent("/reply"))[0]
    assert reply["path"] == "/open-apis/im/v1/messages/om_1/reply" and reply["auth"] == "Bearer t-stub-token"
    token_call = stub.sent("tenant_access_token")[0]
    assert token_call["json"] == {"app_id": "cli_test", "app_secret": "feishu-secret"}
    assert assistant.calls == [("feishu:oc_group1", "各个RFM分群分别有多少用户？")]
    assert reply["json"]["msg_type"] == "interactive"
    card = json.loads(reply["json"]["content"])
    assert card["schema"] == "2.0"
    elements = card["body"]["elements"]
    assert elements[0] == {"tag": "markdown", "content": ANSWER["answer"]}
    table = next(e for e in elements if e["tag"] == "table")
    assert [c["display_name"] for c in table["columns"]] == ["segment", "name", "customers", "share"]
    assert len(table["rows"]) == 10 and table["page_size"] == 10
    assert list(table["rows"][0].values()) == ["R1", "重要价值客户", "3,120", "0.156"]
    assert_shows_answer(json.dumps(card, ensure_ascii=False))


def test_feishu_bad_signature_and_token_are_rejected(base_url: str, stub: Stub, assistant: FakeAssistant) -> None:
    body = json.dumps({"encrypt": feishu_seal("encrypt-key", json.dumps(feishu_message()).encode())}).encode()
    ts = str(int(time.time()))
    forged = {"x-lark-request-timestamp": ts, "x-lark-request-nonce": "n1",
              "x-lark-signature": feishu_sign(ts, "n1", "not-the-key", body)}
    assert httpx.post(f"{base_url}/bots/feishu", content=body, headers=forged).status_code == 401
    assert feishu_post(base_url, feishu_message(), signed=False).status_code == 401
    assert feishu_post(base_url, feishu_message(token="wrong-token")).status_code == 401
    plain = json.dumps(feishu_message()).encode()  # unencrypted although an Encrypt Key is configured
    assert feishu_post(base_url, {}, body=plain).status_code == 401
    quietly(stub, assistant)


def test_feishu_exact_replay_is_rejected(base_url: str, stub: Stub, assistant: FakeAssistant) -> None:
    body = json.dumps({"encrypt": feishu_seal("encrypt-key", json.dumps(feishu_message()).encode())}).encode()
    now = int(time.time())  # one timestamp: two calls to time() can fall in different seconds
    first = feishu_post(base_url, {}, body=body, timestamp=now, nonce="fixed-nonce")
    again = feishu_post(base_url, {}, body=body, timestamp=now, nonce="fixed-nonce")
    assert first.status_code == 200 and again.status_code == 409
    eventually(lambda: stub.sent("/reply"))
    time.sleep(0.3)
    assert len(assistant.calls) == 1 and len(stub.sent("/reply")) == 1


def test_feishu_retry_of_an_event_is_acknowledged_once(base_url: str, stub: Stub, assistant: FakeAssistant) -> None:
    assert feishu_post(base_url, feishu_message(event_id="fe-retry")).status_code == 200
    assert feishu_post(base_url, feishu_message(event_id="fe-retry")).status_code == 200  # new nonce, same event
    eventually(lambda: stub.sent("/reply"))
    time.sleep(0.3)
    assert len(assistant.calls) == 1 and len(stub.sent("/reply")) == 1


def test_feishu_stale_timestamp_is_rejected(base_url: str, stub: Stub, assistant: FakeAssistant) -> None:
    assert feishu_post(base_url, feishu_message(), timestamp=int(time.time()) - 2 * 3600).status_code == 401
    quietly(stub, assistant)


def test_feishu_keeps_one_chat_key_per_chat(base_url: str, stub: Stub, assistant: FakeAssistant) -> None:
    feishu_post(base_url, feishu_message("@_user_1 各个RFM分群分别有多少用户？", event_id="k1", message_id="om_k1"))
    feishu_post(base_url, feishu_message("@_user_1 那沉睡客户呢？", event_id="k2", message_id="om_k2"))
    feishu_post(base_url, feishu_message("@_user_1 hi", chat_id="oc_other", event_id="k3", message_id="om_k3"))
    feishu_post(base_url, feishu_message("from a bot", event_id="k4", sender_type="app"))
    eventually(lambda: len(stub.sent("/reply")) == 3)
    keys = {question: key for key, question in assistant.calls}
    assert keys == {"各个RFM分群分别有多少用户？": "feishu:oc_group1", "那沉睡客户呢？": "feishu:oc_group1",
                    "hi": "feishu:oc_other"}


def test_feishu_clarification_shows_numbered_options(base_url: str, stub: Stub) -> None:
    feishu_post(base_url, feishu_message("@_user_1 复购率是多少", event_id="clarify"))
    card = json.loads(eventually(lambda: stub.sent("/reply"))[0]["json"]["content"])
    text = json.dumps(card, ensure_ascii=False)
    assert "1. **期间复购率**：最近90天的复购率是多少？" in text
    assert "2. **首购后30天复购率**：首购后30天的复购率是多少？" in text


# --- DingTalk ----------------------------------------------------------------------------------------


def dingtalk_post(base_url: str, payload: dict[str, Any] | bytes, timestamp_ms: int | None = None,
                  secret: str = DINGTALK["ASSISTANT_DINGTALK_APP_SECRET"]):
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    ts = str(int(time.time() * 1000) if timestamp_ms is None else timestamp_ms)
    headers = {"content-type": "application/json", "timestamp": ts, "sign": dingtalk_sign(secret, ts)}
    return httpx.post(f"{base_url}/bots/dingtalk", content=body, headers=headers, timeout=10)


def dingtalk_message(stub: Stub, text: str = " 各个RFM分群分别有多少用户？", conversation: str = "cidGroup1==",
                     msg_id: str | None = None) -> dict[str, Any]:
    return {"conversationId": conversation, "conversationType": "2", "conversationTitle": "运营群",
            "msgId": msg_id or f"msg{os.urandom(4).hex()}", "msgtype": "text", "text": {"content": text},
            "senderNick": "小王", "senderStaffId": "user123", "chatbotCorpId": "ding-corp", "isInAtList": True,
            "createAt": int(time.time() * 1000), "robotCode": "ding-robot",
            "sessionWebhook": f"{stub.url}/robot/sendBySession?session=abc",
            "sessionWebhookExpiredTime": int(time.time() * 1000) + 3_600_000}


def test_dingtalk_message_is_answered_in_the_response(base_url: str, stub: Stub, assistant: FakeAssistant) -> None:
    response = dingtalk_post(base_url, dingtalk_message(stub))
    assert response.status_code == 200
    message = response.json()
    assert message["msgtype"] == "markdown" and message["markdown"]["title"].startswith("各RFM分群中")
    text = message["markdown"]["text"]
    assert text.startswith(ANSWER["answer"])
    assert "| R1 | 重要价值客户 | 3,120 | 0.156 |" in text
    assert "![表格图片](https://assistant.example.com/api/images/ab12.png)" in text
    assert_shows_answer(text)
    assert assistant.calls == [("dingtalk:cidGroup1==", "各个RFM分群分别有多少用户？")]


def test_dingtalk_bad_signature_is_rejected(base_url: str, stub: Stub, assistant: FakeAssistant) -> None:
    assert dingtalk_post(base_url, dingtalk_message(stub), secret="wrong").status_code == 401
    assert httpx.post(f"{base_url}/bots/dingtalk", json=dingtalk_message(stub)).status_code == 401
    quietly(stub, assistant)


def test_dingtalk_exact_replay_is_rejected(base_url: str, stub: Stub, assistant: FakeAssistant) -> None:
    ts = int(time.time() * 1000)
    assert dingtalk_post(base_url, dingtalk_message(stub), timestamp_ms=ts).status_code == 200
    # The sign covers only the timestamp, so even a different body with the same sign is refused.
    assert dingtalk_post(base_url, dingtalk_message(stub, " 别的问题"), timestamp_ms=ts).status_code == 409
    assert len(assistant.calls) == 1


def test_dingtalk_stale_timestamp_is_rejected(base_url: str, stub: Stub, assistant: FakeAssistant) -> None:
    stale = int((time.time() - 3601) * 1000)
    assert dingtalk_post(base_url, dingtalk_message(stub), timestamp_ms=stale).status_code == 401
    future = int((time.time() + 3601) * 1000)
    assert dingtalk_post(base_url, dingtalk_message(stub), timestamp_ms=future).status_code == 401
    quietly(stub, assistant)


def test_dingtalk_slow_answer_goes_to_the_session_webhook(base_url: str, stub: Stub, assistant: FakeAssistant,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_BOTS_SYNC_SECONDS", "0.2")
    response = dingtalk_post(base_url, dingtalk_message(stub, " slow 各个RFM分群分别有多少用户？"))
    assert "正在分析" in response.json()["markdown"]["text"]
    late = eventually(lambda: stub.sent("/robot/sendBySession"))[0]
    assert late["query"] == {"session": ["abc"]}
    assert late["json"]["msgtype"] == "markdown"
    assert_shows_answer(late["json"]["markdown"]["text"])
    assert len(assistant.calls) == 1


def test_dingtalk_never_posts_to_a_foreign_session_webhook(base_url: str, stub: Stub, assistant: FakeAssistant,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """The callback body is not signed: its sessionWebhook must not send answers elsewhere."""
    monkeypatch.setenv("ASSISTANT_BOTS_SYNC_SECONDS", "0.2")
    message = {**dingtalk_message(stub, " slow question"),
               "sessionWebhook": f"http://127.0.0.1:{free_port()}/robot/sendBySession?session=abc"}
    assert "超过了钉钉的等待时间" in dingtalk_post(base_url, message).json()["markdown"]["text"]
    eventually(lambda: assistant.calls)
    time.sleep(1.2)
    assert stub.calls == []


def test_dingtalk_keeps_one_chat_key_per_conversation(base_url: str, stub: Stub, assistant: FakeAssistant) -> None:
    dingtalk_post(base_url, dingtalk_message(stub, " 第一个问题"))
    dingtalk_post(base_url, dingtalk_message(stub, " 第二个问题"))
    dingtalk_post(base_url, dingtalk_message(stub, " 第三个问题", conversation="cidOther=="))
    assert [key for key, _ in assistant.calls] == ["dingtalk:cidGroup1==", "dingtalk:cidGroup1==",
                                                     "dingtalk:cidOther=="]


def test_failing_ask_gets_a_friendly_bilingual_reply(base_url: str, stub: Stub) -> None:
    text = dingtalk_post(base_url, dingtalk_message(stub, " boom")).json()["markdown"]["text"]
    assert "抱歉" in text and "Sorry" in text
    assert "Traceback" not in text and "exploded" not in text and "secret" not in text


def test_a_bare_mention_gets_help_without_asking(base_url: str, stub: Stub, assistant: FakeAssistant) -> None:
    text = dingtalk_post(base_url, dingtalk_message(stub, " ")).json()["markdown"]["text"]
    assert "请在 @我 之后直接提问" in text and assistant.calls == []


# --- WeCom -------------------------------------------------------------------------------------------


def wecom_query(encrypt: str, timestamp: int | None = None, token: str = WECOM["ASSISTANT_WECOM_TOKEN"],
                nonce: str | None = None) -> dict[str, str]:
    ts, nonce = str(int(time.time()) if timestamp is None else timestamp), nonce or str(int.from_bytes(os.urandom(4)))
    return {"msg_signature": wecom_sign(token, ts, nonce, encrypt), "timestamp": ts, "nonce": nonce}


def wecom_envelope(content: str = "各个RFM分群分别有多少用户？", user: str = "zhangsan", msg_id: str | None = None,
                   corp: str = WECOM["ASSISTANT_WECOM_CORP_ID"]) -> str:
    inner = (f"<xml><ToUserName><![CDATA[{corp}]]></ToUserName><FromUserName><![CDATA[{user}]]></FromUserName>"
             f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
             f"<Content><![CDATA[{content}]]></Content><MsgId>{msg_id or int.from_bytes(os.urandom(6))}</MsgId>"
             f"<AgentID>1000002</AgentID></xml>")
    return wecom_seal(WECOM["ASSISTANT_WECOM_AES_KEY"], inner.encode(), corp)


def wecom_post(base_url: str, encrypt: str, query: dict[str, str] | None = None):
    body = (f"<xml><ToUserName><![CDATA[{WECOM['ASSISTANT_WECOM_CORP_ID']}]]></ToUserName>"
            f"<Encrypt><![CDATA[{encrypt}]]></Encrypt><AgentID><![CDATA[1000002]]></AgentID></xml>")
    return httpx.post(f"{base_url}/bots/wecom", params=query or wecom_query(encrypt), content=body.encode(),
                      headers={"content-type": "text/xml"}, timeout=10)


def open_passive_reply(response: httpx.Response) -> ET.Element:
    """Check the passive reply's signature as WeCom would, then decrypt it."""
    outer = ET.fromstring(response.content)
    encrypt = outer.findtext("Encrypt")
    sign = wecom_sign(WECOM["ASSISTANT_WECOM_TOKEN"], outer.findtext("TimeStamp"), outer.findtext("Nonce"), encrypt)
    assert outer.findtext("MsgSignature") == sign
    message, corp = wecom_open(WECOM["ASSISTANT_WECOM_AES_KEY"], encrypt)
    assert corp == WECOM["ASSISTANT_WECOM_CORP_ID"]
    return ET.fromstring(message)


def test_wecom_url_verification_echoes_the_decrypted_echostr(base_url: str) -> None:
    echostr = wecom_seal(WECOM["ASSISTANT_WECOM_AES_KEY"], b"8848123456789", WECOM["ASSISTANT_WECOM_CORP_ID"])
    response = httpx.get(f"{base_url}/bots/wecom", params={**wecom_query(echostr), "echostr": echostr})
    assert response.status_code == 200 and response.text == "8848123456789"
    forged = {**wecom_query(echostr, token="not-the-token"), "echostr": echostr}
    assert httpx.get(f"{base_url}/bots/wecom", params=forged).status_code == 401


def test_wecom_message_gets_an_encrypted_passive_reply(base_url: str, stub: Stub, assistant: FakeAssistant) -> None:
    response = wecom_post(base_url, wecom_envelope())
    assert response.status_code == 200
    reply = open_passive_reply(response)
    assert reply.findtext("ToUserName") == "zhangsan" and reply.findtext("MsgType") == "text"
    content = reply.findtext("Content")
    assert content.startswith("各RFM分群中，重要价值客户最多") and "R1 | 重要价值客户 | 3,120 | 0.156" in content
    assert_shows_answer(content)
    assert assistant.calls == [("wecom:ww-corp-1:1000002:zhangsan", "各个RFM分群分别有多少用户？")]
    assert stub.calls == []


def test_wecom_bad_signature_and_wrong_corp_are_rejected(base_url: str, stub: Stub,
                                                         assistant: FakeAssistant) -> None:
    encrypt = wecom_envelope()
    assert wecom_post(base_url, encrypt, wecom_query(encrypt, token="wrong")).status_code == 401
    other_corp = wecom_envelope(corp="ww-someone-else")
    assert wecom_post(base_url, other_corp).status_code == 401
    quietly(stub, assistant)


def test_wecom_exact_replay_is_rejected(base_url: str, stub: Stub, assistant: FakeAssistant) -> None:
    encrypt = wecom_envelope()
    query = wecom_query(encrypt)
    assert wecom_post(base_url, encrypt, query).status_code == 200
    assert wecom_post(base_url, encrypt, query).status_code == 409
    assert len(assistant.calls) == 1


def test_wecom_retry_of_a_message_is_acknowledged_once(base_url: str, assistant: FakeAssistant) -> None:
    first = wecom_post(base_url, wecom_envelope(msg_id="424242"))
    retry = wecom_post(base_url, wecom_envelope(msg_id="424242"))
    assert first.status_code == retry.status_code == 200 and retry.text == ""
    assert len(assistant.calls) == 1


def test_wecom_stale_timestamp_is_rejected(base_url: str, stub: Stub, assistant: FakeAssistant) -> None:
    encrypt = wecom_envelope()
    assert wecom_post(base_url, encrypt, wecom_query(encrypt, timestamp=int(time.time()) - 600)).status_code == 401
    quietly(stub, assistant)


def test_wecom_slow_answer_is_sent_through_the_api(base_url: str, stub: Stub, assistant: FakeAssistant,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_BOTS_SYNC_SECONDS", "0.2")
    response = wecom_post(base_url, wecom_envelope("slow 各个RFM分群分别有多少用户？"))
    assert "正在分析" in open_passive_reply(response).findtext("Content")
    sent = eventually(lambda: stub.sent("/cgi-bin/message/send"))[0]
    assert stub.sent("/cgi-bin/gettoken")[0]["query"] == {"corpid": ["ww-corp-1"], "corpsecret": ["wecom-secret"]}
    assert sent["query"] == {"access_token": ["wecom-stub-token"]}
    assert sent["json"]["touser"] == "zhangsan" and sent["json"]["agentid"] == 1000002
    assert_shows_answer(sent["json"]["text"]["content"])
    assert len(assistant.calls) == 1


def test_wecom_keeps_one_chat_key_per_person(base_url: str, assistant: FakeAssistant) -> None:
    wecom_post(base_url, wecom_envelope("第一个问题"))
    wecom_post(base_url, wecom_envelope("第二个问题"))
    wecom_post(base_url, wecom_envelope("第三个问题", user="lisi"))
    assert [key for key, _ in assistant.calls] == ["wecom:ww-corp-1:1000002:zhangsan"] * 2 + [
        "wecom:ww-corp-1:1000002:lisi"]


# --- all platforms -------------------------------------------------------------------------------------

PLATFORMS = {"wecom": WECOM, "dingtalk": DINGTALK, "feishu": FEISHU, "slack": SLACK}


@pytest.mark.parametrize("platform", PLATFORMS)
def test_unconfigured_platform_says_what_to_set(base_url: str, platform: str,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    first = next(iter(PLATFORMS[platform]))
    monkeypatch.delenv(first)
    response = httpx.post(f"{base_url}/bots/{platform}", content=b"{}")
    assert response.status_code == 404 and first in response.json()["error"]


def test_garbage_bodies_get_400_not_500(base_url: str, stub: Stub, assistant: FakeAssistant) -> None:
    assert slack_post(base_url, b"\xff not json").status_code == 400
    assert slack_post(base_url, b"[1, 2]").status_code == 400
    assert dingtalk_post(base_url, b"<xml/>").status_code == 400
    assert feishu_post(base_url, {}, body=b"{{{").status_code == 400
    assert feishu_post(base_url, {}, body=json.dumps({"encrypt": feishu_seal("encrypt-key", b"not json")}).encode()
                       ).status_code == 400
    assert httpx.post(f"{base_url}/bots/wecom", params=wecom_query("x"), content=b"{not xml").status_code == 400
    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><xml><Encrypt>&a;</Encrypt></xml>'
    assert httpx.post(f"{base_url}/bots/wecom", params=wecom_query("aaaa"), content=bomb).status_code == 400
    quietly(stub, assistant)


def test_oversized_body_is_refused(base_url: str) -> None:
    big = b'{"pad": "' + b"x" * 1_100_000 + b'"}'
    assert slack_post(base_url, big).status_code == 413
    assert httpx.post(f"{base_url}/bots/feishu", content=big).status_code == 413


# --- the building blocks -------------------------------------------------------------------------------


def test_seen_cache_forgets_after_ttl_and_stays_bounded() -> None:
    seen = SeenCache(ttl=10, max_items=3)
    assert seen.add("a", now=0) and not seen.add("a", now=5)
    assert seen.add("a", now=11)  # expired, so new again
    for key in "bcd":
        seen.add(key, now=12)
    assert len(seen._expiry) == 3 and seen.add("a", now=12)  # the oldest was dropped to stay bounded


def test_workers_refuse_beyond_their_bound() -> None:
    workers, gate, done = Workers(running=1, waiting=1), threading.Event(), []
    assert workers.submit(gate.wait) and workers.submit(lambda: done.append(1))
    assert not workers.submit(lambda: done.append(2))
    gate.set()
    eventually(lambda: done == [1])
    assert workers.submit(lambda: done.append(3))
    eventually(lambda: done == [1, 3])


def test_handoff_delivers_exactly_once_either_way() -> None:
    late: list[str] = []
    quick = Handoff(late.append)
    quick.finish("answer")
    assert quick.wait(0) == "answer" and late == []
    slow = Handoff(late.append)
    assert slow.wait(0.01) is None
    slow.finish("answer")
    assert late == ["answer"]
