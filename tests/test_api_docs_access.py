"""The OpenAPI spec and the docs page map every endpoint and argument: they sit behind the same token
as the API whenever tokens (or web logins) are configured, and stay open where the API is open."""

from __future__ import annotations

import httpx
import pytest

from assistant.config import hash_password

DOCS = ["/api/openapi.json", "/api/docs"]


@pytest.fixture
def api(live_server) -> httpx.Client:
    with httpx.Client(base_url=live_server.url, timeout=60) as client:
        yield client


def test_with_tokens_the_spec_and_docs_need_one(api: httpx.Client, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_API_TOKENS", "ci:docs-token")
    for path in DOCS:
        for headers in ({}, {"Authorization": "Bearer wrong"}):
            refused = api.get(path, headers=headers)
            assert refused.status_code == 401 and refused.headers["www-authenticate"] == "Bearer"
            assert refused.json()["error"]["code"] == "unauthorized"
            assert "/api/ask" not in refused.text  # nothing of the map
        allowed = api.get(path, headers={"Authorization": "Bearer docs-token"})
        assert allowed.status_code == 200
    spec = api.get(DOCS[0], headers={"Authorization": "Bearer docs-token"}).json()
    assert {"/api/ask", "/api/tools/{name}", "/v1/chat/completions"} <= set(spec["paths"])
    assert not set(DOCS) & set(spec["paths"])  # the documentation does not document itself
    page = api.get(DOCS[1], headers={"Authorization": "Bearer docs-token"})
    assert "swagger" in page.text.lower() and "/api/openapi.json" in page.text


def test_with_web_logins_and_no_tokens_they_are_shut(api: httpx.Client, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ASSISTANT_API_TOKENS", raising=False)
    monkeypatch.setenv("ASSISTANT_USERS", f"ana:{hash_password('pw')}")
    for path in DOCS:
        refused = api.get(path)
        assert refused.status_code == 401 and "ASSISTANT_API_TOKENS" in refused.json()["error"]["message"]


def test_open_where_the_api_is_open(api: httpx.Client, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ASSISTANT_API_TOKENS", raising=False)
    monkeypatch.delenv("ASSISTANT_USERS", raising=False)
    assert api.get(DOCS[0]).json()["openapi"].startswith("3.")
    assert api.get(DOCS[1]).status_code == 200
