"""Access control (issue 7, item 2): login for the web app, admin-only imports, API tokens, and a
refusal to serve shop data on a network address with no login."""

from __future__ import annotations

import hmac
import json
import subprocess
import sys
import time
from pathlib import Path

import gradio_client
import pytest
from gradio_client import handle_file

from assistant import config
from tests.test_web_import import NO_FIXES, free_port

ALICE, BOB = ("alice", "s3cret-ü"), ("bob", "pw-bob")


# --- hashing and comparison ---------------------------------------------------------------------

def test_hashes_are_salted_and_verified() -> None:
    first, second = config.hash_password("secret"), config.hash_password("secret")
    assert first != second and "secret" not in first  # a fresh salt each time, never the password
    assert first.startswith("scrypt$")
    assert config.verify_password("secret", first) and config.verify_password("secret", second)
    for wrong in ("Secret", "secret ", "", "secre"):
        assert not config.verify_password(wrong, first)
    assert not config.verify_password("secret", "plain-text-secret")  # a malformed hash never matches
    assert not config.verify_password("secret", "md5$1$2$3$00$00")


def test_comparisons_are_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple] = []
    real = hmac.compare_digest

    def spy(a, b):
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    monkeypatch.setenv("ASSISTANT_USERS", "alice:secret")
    monkeypatch.setenv("ASSISTANT_API_TOKENS", "ci:tok-123,bot:tok-456")
    assert config.check_login("alice", "secret") and not config.check_login("alice", "nope")
    assert len(calls) == 2
    assert config.verify_api_token("tok-456") == "bot" and config.verify_api_token("Bearer tok-123") == "ci"
    assert len(calls) == 6  # every configured token is compared, whichever matches
    assert config.verify_api_token("tok-12") is None and config.verify_api_token("") is None
    assert config.verify_api_token(None) is None


def test_users_from_env_and_from_a_hash_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_USERS", "alice:secret, bob:pw")
    users = config.load_users()
    assert set(users) == {"alice", "bob"} and all(h.startswith("scrypt$") for h in users.values())
    assert config.check_login("bob", "pw") and not config.check_login("bob", "secret")
    assert not config.check_login("mallory", "pw") and not config.check_login("", "")

    file = tmp_path / "users.txt"
    file.write_text(f"# team\nalice:{config.hash_password('a-long-pass')}\n\ncarol:{config.hash_password('c')}\n")
    monkeypatch.setenv("ASSISTANT_USERS", str(file))
    assert config.check_login("alice", "a-long-pass") and config.check_login("carol", "c")
    assert not config.check_login("bob", "pw") and not config.check_login("alice", "secret")

    monkeypatch.setenv("ASSISTANT_USERS", str(tmp_path / "missing.txt"))
    with pytest.raises(config.ToolError) as caught:
        config.load_users()
    assert caught.value.code == "config_error"


def test_admin_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    from assistant.web.auth import is_admin

    class Req:
        def __init__(self, username):
            self.username = username

    monkeypatch.delenv("ASSISTANT_USERS", raising=False)
    assert is_admin(Req(None)) and is_admin(None)  # no login configured: one local person, all allowed
    monkeypatch.setenv("ASSISTANT_USERS", "alice:x,bob:y")
    monkeypatch.delenv("ASSISTANT_ADMINS", raising=False)
    assert not is_admin(Req("alice"))  # login without admins: nobody may import
    monkeypatch.setenv("ASSISTANT_ADMINS", "alice")
    assert is_admin(Req("alice")) and not is_admin(Req("bob")) and not is_admin(Req(None))
    assert not is_admin(None)


def test_hash_password_command() -> None:
    from tests.conftest import REPO

    assert subprocess.run([sys.executable, "-m", "assistant.config"], cwd=REPO,
                          capture_output=True).returncode == 2


# --- exposure -----------------------------------------------------------------------------------

@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "127.0.0.2"])
def test_loopback_is_always_allowed(host: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ASSISTANT_USERS", raising=False)
    config.check_exposure(host)


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "shop.example.com"])
def test_network_host_without_login_refuses(host: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ASSISTANT_USERS", raising=False)
    monkeypatch.delenv("ASSISTANT_ALLOW_OPEN", raising=False)
    with pytest.raises(config.ToolError) as caught:
        config.check_exposure(host)
    assert caught.value.code == "open_server_refused"
    assert "ASSISTANT_USERS" in caught.value.message("en") and "ASSISTANT_USERS" in caught.value.message("zh")
    monkeypatch.setenv("ASSISTANT_ALLOW_OPEN", "1")
    config.check_exposure(host)
    monkeypatch.delenv("ASSISTANT_ALLOW_OPEN")
    monkeypatch.setenv("ASSISTANT_USERS", "alice:x")
    config.check_exposure(host)


def test_cli_serve_on_all_interfaces_without_users_refuses(demo_db: Path, tmp_path: Path) -> None:
    from tests.conftest import REPO, cli_env

    env = cli_env(tmp_path / "home")
    for name in ("ASSISTANT_USERS", "ASSISTANT_ALLOW_OPEN"):
        env.pop(name, None)
    port = free_port()
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "assistant.cli", "serve", "--data", str(demo_db), "--host",
                           "0.0.0.0", "--port", str(port)], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode != 0 and time.monotonic() - started < 120
    assert "ASSISTANT_USERS" in done.stdout + done.stderr and "Traceback" not in done.stderr


# --- the launched app -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def team_app(demo_db: Path, tmp_path_factory: pytest.TempPathFactory):
    with pytest.MonkeyPatch.context() as patch:
        home = tmp_path_factory.mktemp("team-home")
        patch.setenv("ASSISTANT_HOME", str(home))
        patch.setenv("ASSISTANT_USERS", f"{ALICE[0]}:{ALICE[1]},{BOB[0]}:{BOB[1]}")
        patch.setenv("ASSISTANT_ADMINS", "alice")
        from assistant.server import serve

        port = free_port()
        demo = serve(demo_db, "127.0.0.1", port, block=False)
        try:
            yield f"http://127.0.0.1:{port}/", home
        finally:
            demo.close()


@pytest.fixture(scope="module")
def small_export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("team-export") / "orders.csv"
    path.write_text("order_id,customer_id,order_time,pay_amount\n" + "\n".join(
        f"O{i},C{i % 5},2024-03-{1 + i % 28:02d} 10:00:00,{10 + i}" for i in range(40)) + "\n", encoding="utf-8")
    return path


def _registry(home: Path) -> dict:
    path = home / "datasets" / "datasets.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def test_anonymous_and_wrong_password_are_refused(team_app) -> None:
    url, _ = team_app
    with pytest.raises(Exception):  # noqa: B017 - gradio_client raises on the 401 / login page
        gradio_client.Client(url, verbose=False).predict("总GMV是多少？", api_name="/chat")
    with pytest.raises(Exception) as caught:  # noqa: B017
        gradio_client.Client(url, verbose=False, auth=(ALICE[0], "wrong"))
    assert "Traceback" not in str(caught.value)
    import httpx

    assert httpx.get(url + "config", timeout=10).status_code in (401, 403)


def test_a_user_can_chat(team_app) -> None:
    url, _ = team_app
    history, *_ = gradio_client.Client(url, verbose=False, auth=BOB).predict("总GMV是多少？", api_name="/chat")
    text = json.dumps(history, ensure_ascii=False)
    assert "GMV" in text and "Traceback" not in text


def test_only_an_admin_can_import(team_app, small_export: Path) -> None:
    url, home = team_app
    before = _registry(home)
    bob = gradio_client.Client(url, verbose=False, auth=BOB)
    report, *_ = bob.predict([handle_file(str(small_export))], "bobs_data", NO_FIXES, "en", api_name="/import_data")
    assert report.startswith("🔒") and "administrator" in report
    assert _registry(home) == before and not (home / "datasets" / "bobs_data.duckdb").exists()
    report, *_ = bob.predict([handle_file(str(small_export))], "bobs_data", NO_FIXES, "zh", api_name="/import_data")
    assert "管理员" in report and _registry(home) == before

    alice = gradio_client.Client(url, verbose=False, auth=ALICE)
    report, *_ = alice.predict([handle_file(str(small_export))], "alices_data", NO_FIXES, "en",
                               api_name="/import_data")
    assert "✅" in report and "Traceback" not in report
    assert set(_registry(home)) == set(before) | {"alices_data"}
    assert (home / "datasets" / "alices_data.duckdb").is_file()


def test_only_an_admin_exports_contact_details(team_app) -> None:
    url, home = team_app
    bob = gradio_client.Client(url, verbose=False, auth=BOB)
    bob.predict("rfm", "en", api_name="/segments")
    exports = home / "exports"
    before = sorted(p.name for p in exports.glob("*")) if exports.exists() else []
    status, button = bob.predict("rfm", "hibernating", "csv", 0, True, api_name="/export_segment")
    assert status.startswith("🔒") and not (button or {}).get("value")
    after = sorted(p.name for p in exports.glob("*")) if exports.exists() else []
    assert not [name for name in after if name not in before and "_contacts" in name]
    status, button = bob.predict("rfm", "hibernating", "csv", 0, False, api_name="/export_segment")
    assert "🔒" not in status and button["value"]  # the same export without contact details is fine

    alice = gradio_client.Client(url, verbose=False, auth=ALICE)
    alice.predict("rfm", "en", api_name="/segments")
    status, button = alice.predict("rfm", "hibernating", "csv", 0, True, api_name="/export_segment")
    assert "🔒" not in status and "_contacts" in button["value"]
