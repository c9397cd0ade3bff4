"""The four bot adapters inside `assistant serve`, answering with the real tools: a correctly signed
callback gets the real answer (the same text and numbers as the engine) into the group; a badly
signed or replayed one is refused and nothing is answered. The protocol details are in test_bots.py;
the signing there is written from each platform's spec, independently of the adapters."""

from __future__ import annotations

import json
import re
import time

import httpx
import pytest

from tests.test_bots import (
    DINGTALK,
    FEISHU,
    SLACK,
    WECOM,
    Stub,
    dingtalk_message,
    dingtalk_post,
    eventually,
    feishu_message,
    feishu_post,
    open_passive_reply,
    slack_mention,
    slack_post,
    slack_sign,
    wecom_envelope,
    wecom_post,
    wecom_query,
)

QUESTION = "各个RFM分群分别有多少用户？"


@pytest.fixture(scope="module")
def platforms():
    stub = Stub()
    yield stub
    stub.server.shutdown()


@pytest.fixture
def served(live_server, platforms: Stub, monkeypatch: pytest.MonkeyPatch) -> str:
    for name, value in {**WECOM, **DINGTALK, **FEISHU, **SLACK}.items():
        monkeypatch.setenv(name, value)
    for name in ("FEISHU", "SLACK", "WECOM", "DINGTALK"):
        monkeypatch.setenv(f"ASSISTANT_{name}_API_BASE", platforms.url)
    monkeypatch.setenv("ASSISTANT_BOTS_SYNC_SECONDS", "60")  # the real tools: wait for the answer in line
    platforms.calls.clear()
    return live_server.url.rstrip("/")


@pytest.fixture(scope="module")
def expected(engine):
    answer = engine.ask(QUESTION)
    segments = answer.table("segments")
    return answer, segments


def shows_real_answer(text: str, expected) -> None:
    answer, segments = expected
    assert answer.answer.splitlines()[0][:40] in text
    for row in segments.head(5).itertuples():
        assert row.name in text and f"{row.customers:,}" in text, row.name
    assert re.search(r"/api/images/[\w-]+\.png", text), "the table image link"


def test_dingtalk_answers_in_the_group_and_refuses_forgeries(served: str, platforms: Stub, expected) -> None:
    message = dingtalk_message(platforms, text=" " + QUESTION)
    answered = dingtalk_post(served, message, timestamp_ms=None)
    assert answered.status_code == 200
    shows_real_answer(answered.json()["markdown"]["text"], expected)
    assert dingtalk_post(served, dingtalk_message(platforms), secret="wrong").status_code == 401


def test_dingtalk_exact_replay_is_refused(served: str, platforms: Stub) -> None:
    ts = int(time.time() * 1000)
    first = dingtalk_post(served, dingtalk_message(platforms, text=" 总GMV是多少"), timestamp_ms=ts)
    again = dingtalk_post(served, dingtalk_message(platforms, text=" 总GMV是多少"), timestamp_ms=ts)
    assert first.status_code == 200 and again.status_code in (401, 409)


def test_slack_answers_in_the_thread_and_refuses_forgeries(served: str, platforms: Stub, expected) -> None:
    event = slack_mention(text="<@UBOT> " + QUESTION)
    assert slack_post(served, event).status_code == 200
    posted = eventually(lambda: platforms.sent("chat.postMessage"), timeout=60)
    blocks = str(posted[0]["json"])
    shows_real_answer(blocks.replace("\\n", "\n"), expected)
    platforms.calls.clear()
    assert slack_post(served, slack_mention(), secret="wrong").status_code == 401
    replay = slack_mention(text="<@UBOT> 总GMV是多少")
    body, ts = json.dumps(replay).encode(), str(int(time.time()))
    headers = {"content-type": "application/json", "x-slack-request-timestamp": ts,
               "x-slack-signature": slack_sign(SLACK["ASSISTANT_SLACK_SIGNING_SECRET"], ts, body)}
    assert httpx.post(f"{served}/bots/slack", content=body, headers=headers).status_code == 200
    assert httpx.post(f"{served}/bots/slack", content=body, headers=headers).status_code in (401, 409)
    eventually(lambda: platforms.sent("chat.postMessage"), timeout=60)
    time.sleep(0.5)
    assert len(platforms.sent("chat.postMessage")) == 1  # the replay was not answered


def test_feishu_replies_with_a_card_and_refuses_forgeries(served: str, platforms: Stub, expected) -> None:
    assert feishu_post(served, feishu_message(text="@_user_1 " + QUESTION)).status_code == 200
    replies = eventually(lambda: platforms.sent("/open-apis/im/v1/messages/"), timeout=60)
    card = str(replies[0]["json"])
    answer, segments = expected
    assert answer.answer[:30] in card
    for row in segments.head(5).itertuples():
        assert row.name in card
    platforms.calls.clear()
    forged = feishu_post(served, feishu_message(), encrypt_key="not-the-key")
    assert forged.status_code == 401


def test_wecom_passive_reply_carries_the_real_answer(served: str, expected) -> None:
    response = wecom_post(served, wecom_envelope(content=QUESTION))
    assert response.status_code == 200
    content = open_passive_reply(response).findtext("Content")
    shows_real_answer(content, expected)
    encrypt = wecom_envelope(content="总GMV是多少")
    query = wecom_query(encrypt)
    assert wecom_post(served, encrypt, query).status_code == 200
    assert wecom_post(served, encrypt, query).status_code in (401, 409)
    forged = wecom_query(encrypt, token="not-the-token")
    assert wecom_post(served, encrypt, forged).status_code == 401
