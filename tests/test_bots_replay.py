"""The bots' replay cache survives a restart: a captured, correctly signed callback (DingTalk's sign
covers only its timestamp, valid for an hour) is refused after the server restarts, on every
platform. The cache lives in the workspace, bounded, pruned by the timestamp window, written
atomically with mode 0600, and holds digests rather than the signatures themselves."""

from __future__ import annotations

import json
import logging
import os
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from assistant.bots import seen
from assistant.bots.seen import SeenCache, seen_cache
from tests.conftest import REPO, free_port
from tests.openai_stub import dead_url
from tests.test_bots import (
    DINGTALK,
    FEISHU,
    SLACK,
    WECOM,
    dingtalk_message,
    dingtalk_post,
    feishu_message,
    feishu_post,
    feishu_seal,
    slack_mention,
    slack_post,
    wecom_envelope,
    wecom_post,
    wecom_query,
)

# --- the cache itself ------------------------------------------------------------------------------


def test_a_new_cache_on_the_same_file_remembers(tmp_path: Path) -> None:
    path = tmp_path / "bots" / "x.seen"
    first = SeenCache(600, path=path)
    assert first.add("1700000000000:signature-one") and first.add("event-2")
    again = SeenCache(600, path=path)  # what a restarted server loads
    assert not again.add("1700000000000:signature-one") and "event-2" in again
    assert again.add("event-3")


def test_the_file_is_private_and_holds_no_signature(tmp_path: Path) -> None:
    path = tmp_path / "bots" / "x.seen"
    cache = SeenCache(600, path=path)
    cache.add("v0=3f1c2e-the-actual-signature")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text = path.read_text()
    assert "the-actual-signature" not in text
    expiry, digest = text.split()
    assert len(digest) == 64 and abs(int(expiry) - (time.time() + 600)) < 5
    assert [p.name for p in path.parent.iterdir()] == ["x.seen"]  # no temporary file left behind


def test_expired_keys_are_pruned_and_the_file_stays_bounded(tmp_path: Path) -> None:
    path = tmp_path / "x.seen"
    cache = SeenCache(10, max_items=3, path=path)
    now = time.time()
    cache.add("old", now=now - 100)  # its window closed long ago
    cache.add("recent")
    assert len(path.read_text().splitlines()) == 1  # written after pruning: only "recent"
    for key in ("k1", "k2", "k3", "k4"):
        cache.add(key)
    assert len(path.read_text().splitlines()) == 3
    reloaded = SeenCache(10, max_items=3, path=path)
    assert "k4" in reloaded and "k2" in reloaded and "k1" not in reloaded  # the oldest went first


def test_a_file_from_the_past_holds_only_what_is_still_in_the_window(tmp_path: Path) -> None:
    path = tmp_path / "x.seen"
    SeenCache(10, path=path).add("gone", now=time.time() - 11)
    assert "gone" not in SeenCache(10, path=path)
    # a tampered expiry far in the future is held no longer than the cache's own ttl
    path.write_text(f"{int(time.time()) + 10**9} {'a' * 64}\n")
    reloaded = SeenCache(10, path=path)
    assert all(expiry <= time.time() + 10 for expiry in reloaded._expiry.values())


def test_a_damaged_file_is_survived(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "x.seen"
    path.write_bytes(b"\xff\xfe not the cache \x00\n12 short\nnonsense\n")
    caplog.set_level(logging.WARNING, logger="assistant.bots")
    cache = SeenCache(60, path=path)
    assert "could not read the replay cache" in caplog.text
    assert cache.add("sig") and not SeenCache(60, path=path).add("sig")


def test_an_unwritable_workspace_still_refuses_replays_in_memory(tmp_path: Path,
                                                                 caplog: pytest.LogCaptureFixture) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the folder should be")
    caplog.set_level(logging.ERROR, logger="assistant.bots")
    cache = SeenCache(60, path=blocked / "x.seen")
    assert cache.add("sig") and not cache.add("sig")
    assert "could not save the replay cache" in caplog.text


def test_caches_live_in_the_workspace_one_per_name(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(seen, "_shared", {})  # this test's registry; the session's is put back after
    cache = seen_cache("unit-signatures", 600)
    assert cache is seen_cache("unit-signatures", 600)  # routers in one process share it
    assert cache is not seen_cache("unit-events", 600)
    cache.add("sig")
    assert (workspace / "bots" / "unit-signatures.seen").is_file()
    seen._shared.clear()  # a restart
    assert "sig" in seen_cache("unit-signatures", 600)


# --- a real restart ----------------------------------------------------------------------------------

SERVER = """
import sys
import uvicorn
from fastapi import FastAPI
from assistant.bots import bots_router

def ask(chat_key, question):
    with open(sys.argv[2], "a", encoding="utf-8") as log:
        log.write(chat_key + "\\n")
    return {"answer": "各RFM分群中，重要价值客户最多。", "language": "zh", "tables": [], "recommendations": [],
            "clarification": None, "error": None}

app = FastAPI()
app.include_router(bots_router(ask))
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
"""


class Dead:
    url = dead_url()  # DingTalk's late replies go nowhere


def start(home: Path, asked: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "ASSISTANT_HOME": str(home), **WECOM, **DINGTALK, **FEISHU, **SLACK,
           "ASSISTANT_BOTS_SYNC_SECONDS": "0"}
    for name in ("FEISHU", "SLACK", "WECOM", "DINGTALK"):
        env[f"ASSISTANT_{name}_API_BASE"] = Dead.url.removesuffix("/v1")
    process = subprocess.Popen([sys.executable, "-c", SERVER, str(port), str(asked)], cwd=REPO, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            httpx.get(base + "/openapi.json", timeout=2)
            return process, base
        except httpx.TransportError:
            assert process.poll() is None, process.stderr.read().decode()[-2000:]
            assert time.monotonic() < deadline, "the bot server did not start"
            time.sleep(0.1)


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    process.wait(timeout=30)


def captured_requests() -> dict[str, Any]:
    """One correctly signed callback per platform, fixed to the byte so it can be sent again."""
    now = time.time()
    feishu_body = json.dumps({"encrypt": feishu_seal(FEISHU["ASSISTANT_FEISHU_ENCRYPT_KEY"],
                                                     json.dumps(feishu_message()).encode())}).encode()
    wecom_encrypt = wecom_envelope()
    return {
        "dingtalk": (dingtalk_message(Dead, msg_id="msgReplayTest1"), int(now * 1000)),
        "slack": (slack_mention(), int(now)),
        "feishu": (feishu_body, str(int(now)), os.urandom(6).hex()),
        "wecom": (wecom_encrypt, wecom_query(wecom_encrypt)),
    }


def send(base: str, platform: str, captured: tuple) -> httpx.Response:
    if platform == "dingtalk":
        payload, ts = captured
        return dingtalk_post(base, payload, timestamp_ms=ts)
    if platform == "slack":
        payload, ts = captured
        return slack_post(base, payload, timestamp=ts)
    if platform == "feishu":
        body, ts, nonce = captured
        return feishu_post(base, {}, timestamp=int(ts), body=body, nonce=nonce)
    encrypt, query = captured
    return wecom_post(base, encrypt, query)


def asked_count(asked: Path) -> int:
    return len(asked.read_text(encoding="utf-8").splitlines()) if asked.exists() else 0


def test_captured_callbacks_are_refused_after_a_restart(tmp_path: Path) -> None:
    home, asked = tmp_path / "home", tmp_path / "asked.txt"
    captured = captured_requests()
    process, base = start(home, asked)
    try:
        for platform, request in captured.items():
            assert send(base, platform, request).status_code == 200, platform
        deadline = time.monotonic() + 20
        while asked_count(asked) < 4:  # each platform's question reached the assistant once
            assert time.monotonic() < deadline, asked.read_text() if asked.exists() else "nothing asked"
            time.sleep(0.05)
    finally:
        stop(process)
    files = sorted(p.name for p in (home / "bots").glob("*.seen"))
    assert {f"{p}-signatures.seen" for p in captured} <= set(files)
    assert all(stat.S_IMODE((home / "bots" / name).stat().st_mode) == 0o600 for name in files)

    process, base = start(home, asked)  # the same workspace, a new process
    try:
        for platform, request in captured.items():
            replay = send(base, platform, request)
            assert replay.status_code == 409, (platform, replay.status_code, replay.text)
        # DingTalk's retry of a message already taken (same msgId, freshly signed): acknowledged, not answered
        retry = dingtalk_post(base, dingtalk_message(Dead, msg_id="msgReplayTest1"))
        assert retry.status_code == 200 and retry.json() == {}
        fresh = dingtalk_post(base, dingtalk_message(Dead, msg_id="msgReplayTest2"))  # a new message is answered
        assert fresh.status_code == 200 and fresh.json()["msgtype"] == "markdown"
        deadline = time.monotonic() + 20
        while asked_count(asked) < 5:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        time.sleep(0.5)
        assert asked_count(asked) == 5  # nothing replayed was answered a second time
    finally:
        stop(process)
