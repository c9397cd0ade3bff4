"""Login rate limiting for the web app: after 5 failed logins within 5 minutes for one user name or
from one client address, further attempts fail at once, without the password being checked, until
the window has passed. Logged as a warning, never with the password."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import httpx
import pytest

from assistant.web.auth import LoginLimiter, _client_address
from tests.conftest import free_port

PASSWORD = "correct horse"
WRONG = "Tr0ub4dor-guess-7"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Checker:
    """Stands in for check_login and counts how often a password was really checked."""

    def __init__(self) -> None:
        self.checked: list[str] = []

    def __call__(self, username: str, password: str) -> bool:
        self.checked.append(username)
        return password == PASSWORD


def limiter(**kwargs) -> tuple[LoginLimiter, Checker, Clock]:
    checker, clock = Checker(), Clock()
    return LoginLimiter(checker, max_failures=5, window=300, clock=clock, **kwargs), checker, clock


def from_address(address: str | None):
    return _client_address.set(address)


@pytest.fixture(autouse=True)
def no_address():
    token = _client_address.set(None)
    yield
    _client_address.reset(token)


def test_five_failures_lock_the_name_until_the_window_passes(caplog: pytest.LogCaptureFixture) -> None:
    login, checker, clock = limiter()
    caplog.set_level(logging.WARNING, logger="assistant.web")
    for _ in range(5):
        assert not login("alice", "guess")
        clock.now += 10
    assert len(checker.checked) == 5
    assert not login("alice", PASSWORD)  # the right password, but locked: not even checked
    assert len(checker.checked) == 5
    assert "alice" in caplog.text and "without checking the password" in caplog.text
    assert "guess" not in caplog.text and PASSWORD not in caplog.text
    clock.now = 1000.0 + 300 + 1  # the first failure left the window: one attempt is checked again
    assert login("alice", PASSWORD) and len(checker.checked) == 6


def test_a_good_login_clears_the_names_failures() -> None:
    login, checker, clock = limiter()
    for _ in range(4):
        assert not login("bob", "guess")
    assert login("bob", PASSWORD)
    for _ in range(4):
        assert not login("bob", "typo")
    assert login("bob", PASSWORD) and len(checker.checked) == 10


def test_unknown_names_count_like_known_ones() -> None:
    """Locking only real accounts would tell a guesser which names exist."""
    login, checker, _ = limiter()
    for _ in range(6):
        assert not login("nobody-here", "guess")
    assert len(checker.checked) == 5


def test_one_address_trying_many_names_is_locked_too() -> None:
    login, checker, _ = limiter()
    token = from_address("203.0.113.7")
    try:
        for name in ("a", "b", "c", "d", "e"):
            assert not login(name, "guess")
        assert not login("carol", PASSWORD)  # a fresh name from the same address: locked
        assert len(checker.checked) == 5
    finally:
        _client_address.reset(token)
    token = from_address("198.51.100.2")  # another address, another name: checked as usual
    try:
        assert login("carol", PASSWORD)
    finally:
        _client_address.reset(token)


def test_memory_stays_bounded() -> None:
    login, _, _ = limiter(max_keys=50)
    for i in range(500):
        login(f"sprayed-{i}", "guess")
    assert len(login._failures) <= 50


# --- the served login ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def team_server(demo_db: Path, tmp_path_factory: pytest.TempPathFactory):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ASSISTANT_HOME", str(tmp_path_factory.mktemp("login-home")))
        patch.setenv("ASSISTANT_USERS", f"alice:{PASSWORD},bob:bobs-password")
        patch.setenv("ASSISTANT_LOGIN_WINDOW", "4")  # short, so the test can wait it out
        from assistant.server import serve

        server = serve(demo_db, "127.0.0.1", free_port(), block=False)
        try:
            yield server
        finally:
            server.close()


def post_login(url: str, username: str, password: str) -> httpx.Response:
    return httpx.post(url + "login", data={"username": username, "password": password}, timeout=30)


def test_the_served_login_locks_and_unlocks(team_server, caplog: pytest.LogCaptureFixture) -> None:
    url = team_server.url
    caplog.set_level(logging.WARNING, logger="assistant.web")
    assert post_login(url, "alice", PASSWORD).status_code == 200  # the login works at all
    started = time.monotonic()
    for _ in range(5):
        assert post_login(url, "alice", WRONG).status_code == 400
    locked = post_login(url, "alice", PASSWORD)
    assert locked.status_code == 400 and "Traceback" not in locked.text  # the same refusal as a wrong password
    assert post_login(url, "bob", "bobs-password").status_code == 400  # this address is locked as well
    assert "without checking the password" in caplog.text and WRONG not in caplog.text
    assert PASSWORD not in caplog.text
    time.sleep(max(0.0, 5.0 - (time.monotonic() - started)))  # every failure is older than the window
    response = post_login(url, "alice", PASSWORD)
    assert response.status_code == 200 and response.json() == {"success": True}
