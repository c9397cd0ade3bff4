"""The JSON API over real HTTP against a launched `assistant serve`: same answers as the CLI,
follow-ups by conversation id, errors as the contract with the right status, tokens, body limits."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from PIL import Image

from tests.conftest import assert_same, cli_env

VOLATILE = {"conversation_id", "dataset"}  # API extensions the CLI has no use for


@pytest.fixture
def api(live_server) -> httpx.Client:
    with httpx.Client(base_url=live_server.url, timeout=120) as client:
        yield client


def cli_json(tmp_path: Path, demo_db: Path, *args: str) -> dict:
    done = subprocess.run([sys.executable, "-m", "assistant.cli", *args, "--data", str(demo_db), "--json"],
                          capture_output=True, text=True, env=cli_env(tmp_path / "home"), timeout=300)
    return json.loads(done.stdout)


def without_volatile(payload: dict) -> dict:
    return {k: v for k, v in payload.items() if k not in VOLATILE}


@pytest.mark.parametrize("question", [
    "上个月GMV是多少",
    "各RFM分群有多少人?",
    "which host converts best?",
    "沉睡客户怎么唤醒?",
    "复购率是多少",            # the standard default, with the other reading offered
    "最近的销售额",            # a clarification, not a guess
    "asdfgh qwerty",           # not understood: the examples reply
])
def test_ask_answers_exactly_as_the_cli(api: httpx.Client, tmp_path: Path, demo_db: Path, question: str) -> None:
    response = api.post("/api/ask", json={"question": question})
    expected = cli_json(tmp_path, demo_db, "ask", question)
    assert response.status_code == (200 if expected["error"] is None else 400)
    assert_same(without_volatile(response.json()), expected)
    assert response.json()["dataset"] == "demo"


@pytest.mark.parametrize(("name", "args", "language"), [
    ("rfm_segments", {}, "zh"),
    ("metric_query", {"metric": "gmv", "dimension": "month", "period": "last_90_days"}, "en"),
    ("cohort_retention", {"period": "last_365_days"}, "zh"),
])
def test_tool_answers_exactly_as_the_cli(api: httpx.Client, tmp_path: Path, demo_db: Path, name: str,
                                         args: dict, language: str) -> None:
    response = api.post(f"/api/tools/{name}", json={"args": args, "language": language})
    assert response.status_code == 200
    expected = cli_json(tmp_path, demo_db, "tool", name, "--args", json.dumps(args), "--lang", language)
    assert_same(without_volatile(response.json()), expected)
    assert expected["tables"] and expected["tool_calls"][0]["name"] == name


def test_tool_list_is_the_cli_list(api: httpx.Client, tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "assistant.cli", "tools", "--json"], capture_output=True,
                          text=True, env=cli_env(tmp_path), timeout=120)
    assert api.get("/api/tools").json() == json.loads(done.stdout)


def test_follow_up_keeps_the_conversation_and_ids_do_not_mix(api: httpx.Client) -> None:
    first = api.post("/api/ask", json={"question": "上个月GMV是多少"}).json()
    follow = api.post("/api/ask", json={"question": "那上上个月呢", "conversation_id": first["conversation_id"]}).json()
    assert follow["conversation_id"] == first["conversation_id"]
    assert follow["tool_calls"][0]["name"] == "metric_query"
    assert follow["tool_calls"][0]["args"]["metric"] == "gmv"
    window = follow["tool_calls"][0]["resolved"]["window"]
    assert window["start"] < first["tool_calls"][0]["resolved"]["window"]["start"]
    stranger = api.post("/api/ask", json={"question": "那上上个月呢", "conversation_id": "someone-else"}).json()
    assert not stranger["tool_calls"] or stranger["tool_calls"][0]["args"].get("metric") != "gmv" \
        or stranger["conversation_id"] != first["conversation_id"]
    assert "沿用上一个问题" not in stranger["answer"]


def test_a_number_picks_a_clarification_option(api: httpx.Client) -> None:
    asked = api.post("/api/ask", json={"question": "最近的销售额"}).json()
    options = asked["clarification"]["options"]
    picked = api.post("/api/ask", json={"question": "2", "conversation_id": asked["conversation_id"]}).json()
    alone = api.post("/api/ask", json={"question": options[1]["question"]}).json()
    assert picked["error"] is None and picked["tool_calls"] == alone["tool_calls"]


def test_a_number_picks_an_offered_question(api: httpx.Client) -> None:
    asked = api.post("/api/ask", json={"question": "复购率是多少"}).json()
    assert asked["tool_calls"] and len(asked["options"]) == 2
    picked = api.post("/api/ask", json={"question": "2", "conversation_id": asked["conversation_id"]}).json()
    alone = api.post("/api/ask", json={"question": asked["options"][1]["question"]}).json()
    assert picked["tool_calls"] == alone["tool_calls"] and picked["tool_calls"][0]["name"] == "cohort_retention"


def test_language_can_be_asked_for(api: httpx.Client) -> None:
    english = api.post("/api/ask", json={"question": "上个月GMV是多少", "language": "en"}).json()
    assert english["language"] == "en" and "GMV" in english["answer"] and "上个月" not in english["answer"]


@pytest.mark.parametrize(("method", "path", "body", "status", "code"), [
    ("post", "/api/tools/no_such_tool", {}, 404, "unknown_tool"),
    ("post", "/api/ask", {"question": "GMV", "dataset": "nope"}, 404, "unknown_dataset"),
    ("post", "/api/tools/metric_query", {"args": {"metric": "gmv", "colour": "red"}}, 400, "bad_arguments"),
    ("post", "/api/tools/run_sql", {"args": {"sql": "DROP TABLE orders"}}, 400, "sql_not_read_only"),
    ("post", "/api/ask", {"question": "x" * 5000}, 400, "question_too_long"),
    ("post", "/api/ask", {"text": "GMV"}, 422, "bad_request"),
    ("post", "/api/ask", "not json", 422, "bad_request"),
    ("get", "/api/nowhere", None, 404, "not_found"),
    ("delete", "/api/ask", None, 405, "method_not_allowed"),
])
def test_errors_are_answers_with_a_status(api: httpx.Client, method: str, path: str, body, status: int,
                                          code: str) -> None:
    kwargs = {"content": body} if isinstance(body, str) else {"json": body} if body is not None else {}
    response = api.request(method.upper(), path, **kwargs)
    assert response.status_code == status
    payload = response.json()
    assert payload["error"]["code"] == code and payload["answer"] == payload["error"]["message"]
    assert "Traceback" not in response.text


def test_hostile_sql_leaves_the_data_answering(api: httpx.Client) -> None:
    before = api.post("/api/tools/run_sql", json={"args": {"sql": "SELECT count(*) AS n FROM orders"}}).json()
    hostile = ["DELETE FROM orders", "COPY orders TO '/tmp/x.csv'", "ATTACH '/tmp/x.db'", "SELECT 1; DROP TABLE orders"]
    for sql in hostile:
        assert api.post("/api/tools/run_sql", json={"args": {"sql": sql}}).status_code == 400
    after = api.post("/api/tools/run_sql", json={"args": {"sql": "SELECT count(*) AS n FROM orders"}}).json()
    assert after["tables"][0]["rows"] == before["tables"][0]["rows"] and before["tables"][0]["rows"][0][0] > 0


def test_oversized_bodies_are_refused_before_parsing(api: httpx.Client, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_API_MAX_BODY", "2048")
    big = {"question": "GMV " + "x" * 4000}
    declared = api.post("/api/ask", json=big)
    chunked = api.post("/api/ask", content=iter([json.dumps(big).encode()[i:i + 500] for i in range(0, 4100, 500)]),
                       headers={"content-type": "application/json"})
    for response in (declared, chunked):
        assert response.status_code == 413 and response.json()["error"]["code"] == "request_too_large"
    assert api.post("/api/ask", json={"question": "上个月GMV是多少"}).status_code == 200


def test_tokens_guard_every_endpoint_but_health(api: httpx.Client, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_API_TOKENS", "ci:s3cret-token,other:second-token")
    calls = [("get", "/api/tools", None), ("get", "/api/datasets", None), ("get", "/v1/models", None),
             ("post", "/api/ask", {"question": "上个月GMV是多少"}),
             ("post", "/api/tools/rfm_segments", {}),
             ("post", "/v1/chat/completions", {"model": "live-commerce-assistant",
                                               "messages": [{"role": "user", "content": "GMV"}]})]
    for method, path, body in calls:
        kwargs = {"json": body} if body is not None else {}
        for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Bearer s3cret-token-x"}):
            refused = api.request(method.upper(), path, headers=headers, **kwargs)
            assert refused.status_code == 401, (path, headers)
            assert refused.headers["www-authenticate"] == "Bearer"
            assert refused.json()["error"]["code"] == "unauthorized"
        for token in ("s3cret-token", "second-token"):
            allowed = api.request(method.upper(), path, headers={"Authorization": f"Bearer {token}"}, **kwargs)
            assert allowed.status_code == 200, (path, allowed.text[:300])
    assert api.get("/health").json() == {"status": "ok", "version": "0.1.0", "llm": False}


def test_web_logins_without_tokens_shut_the_api(api: httpx.Client, monkeypatch: pytest.MonkeyPatch) -> None:
    from assistant.config import hash_password

    monkeypatch.setenv("ASSISTANT_USERS", f"ana:{hash_password('pw')}")
    refused = api.post("/api/ask", json={"question": "GMV"})
    assert refused.status_code == 401 and "ASSISTANT_API_TOKENS" in refused.json()["error"]["message"]


def test_datasets_lists_imported_ones_and_answers_on_them(api: httpx.Client, workspace: Path, raw_tables,
                                                          tmp_path: Path) -> None:
    from assistant.ingest.workspace import import_dataset

    export = tmp_path / "small_shop.csv"
    orders = raw_tables["orders"].sort_values("order_id").head(3000)
    orders[["order_id", "customer_id", "order_time", "pay_amount", "status"]].to_csv(export, index=False)
    import_dataset(export, "small_shop")
    listed = {d["name"]: d for d in api.get("/api/datasets").json()}
    assert listed["demo"]["default"] and not listed["small_shop"]["default"]
    assert listed["small_shop"]["rows"]["orders"] == 3000
    sql = {"args": {"sql": "SELECT count(*) AS n FROM orders"}}
    small = api.post("/api/tools/run_sql", json={**sql, "dataset": "small_shop"}).json()
    demo = api.post("/api/tools/run_sql", json=sql).json()
    assert small["tables"][0]["rows"] == [[3000]] and demo["tables"][0]["rows"][0][0] > 3000
    assert small["dataset"] == "small_shop"


def test_openapi_spec_documents_every_route(api: httpx.Client) -> None:
    spec = api.get("/api/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    assert {"/health", "/api/ask", "/api/tools", "/api/tools/{name}", "/api/datasets", "/v1/models",
            "/v1/chat/completions"} <= set(spec["paths"])
    answer = spec["components"]["schemas"]["AnswerOut"]["properties"]
    assert {"answer", "tables", "charts", "error", "conversation_id"} <= set(answer)
    assert api.get("/api/docs").status_code == 200


def test_published_table_image_and_chart_page(api: httpx.Client, live_server) -> None:
    payload = api.post("/api/ask", json={"question": "最近12个月每月GMV趋势"}).json()
    assert payload["charts"], payload["answer"]
    links = live_server.built.service.links(payload, live_server.url)
    image_url = next(url for label, url in links if url.endswith(".png"))
    chart_url = next(url for label, url in links if "/api/charts/" in url)
    image = api.get(image_url)
    assert image.status_code == 200 and image.headers["content-type"] == "image/png"
    picture = Image.open(io.BytesIO(image.content))
    rows = len(payload["tables"][0]["rows"][:20])
    assert picture.width > 200 and picture.height > 30 * (rows + 1)
    page = api.get(chart_url)
    assert page.status_code == 200 and "Plotly.newPlot" in page.text
    assert json.dumps(payload["charts"][0]["plotly"]["data"][0]["x"][0]) in page.text
    assert api.get("/api/static/plotly.min.js").status_code == 200
    assert api.get(chart_url.replace("/api/charts/", "/api/charts/x")).status_code == 404
    assert api.get(image_url.rsplit("/", 1)[0] + "/guess.png").status_code == 404


@pytest.mark.parametrize("question", ["¹", "١", "²³", "①"])
def test_digit_like_characters_are_questions_not_option_numbers(api: httpx.Client, question: str) -> None:
    """Found by the fuzz run: "¹".isdigit() is True but int("¹") fails; after a clarification, only
    an ASCII number picks an option."""
    asked = api.post("/api/ask", json={"question": "复购率是多少"}).json()
    response = api.post("/api/ask", json={"question": question, "conversation_id": asked["conversation_id"]})
    assert response.status_code == 200 and response.json()["error"] is None
