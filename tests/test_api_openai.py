"""The OpenAI-compatible endpoint through the official `openai` client, plain and streaming, against
a launched `assistant serve`: what any tool that speaks to an OpenAI-style model would see."""

from __future__ import annotations

import re

import httpx
import openai
import pytest

MODEL = "live-commerce-assistant"
LINK = re.compile(r"\((https?://[^)]+)\)")


@pytest.fixture
def client(live_server) -> openai.OpenAI:
    return openai.OpenAI(base_url=live_server.url + "v1", api_key="not-needed-on-loopback", max_retries=0,
                         timeout=120)


def ask(client: openai.OpenAI, *messages: tuple[str, str], model: str = MODEL):
    return client.chat.completions.create(model=model, messages=[{"role": r, "content": c} for r, c in messages])


def streamed(client: openai.OpenAI, *messages: tuple[str, str]) -> tuple[str, list]:
    chunks = list(client.chat.completions.create(
        model=MODEL, messages=[{"role": r, "content": c} for r, c in messages], stream=True))
    return "".join(c.choices[0].delta.content or "" for c in chunks if c.choices), chunks


def without_links(text: str) -> str:
    return LINK.sub("(link)", text)


def test_models_lists_one_model_per_dataset(client: openai.OpenAI) -> None:
    ids = [m.id for m in client.models.list()]
    assert ids[0] == MODEL and f"{MODEL}:demo" in ids


def test_plain_completion_carries_the_answer_table_and_how(client: openai.OpenAI, engine) -> None:
    completion = ask(client, ("user", "各RFM分群有多少人?"))
    content = completion.choices[0].message.content
    expected = engine.ask("各RFM分群有多少人?")
    assert completion.choices[0].finish_reason == "stop" and completion.model == MODEL
    assert content.startswith(expected.answer)
    segments = expected.table("segments")
    for row in segments.itertuples():  # every segment row is in the Markdown table with its count
        assert re.search(rf"\| {row.segment} \| {row.name} \| {row.customers:,} \|", content), row.segment
    assert "`rfm_segments {}`" in content
    assert completion.model_extra["answer"]["tables"][0]["rows"][0][0] == segments.iloc[0]["segment"]


def test_streaming_gives_the_same_reply_in_pieces(client: openai.OpenAI) -> None:
    text, chunks = streamed(client, ("user", "上个月GMV是多少"))
    plain = ask(client, ("user", "上个月GMV是多少")).choices[0].message.content
    assert without_links(text) == without_links(plain)
    assert chunks[0].choices[0].delta.role == "assistant"
    assert chunks[-1].choices[0].finish_reason == "stop" and len(chunks) >= 3
    assert "¥" in text and "GMV" in text


def test_follow_up_through_the_resent_history(client: openai.OpenAI) -> None:
    first = ask(client, ("user", "上个月GMV是多少")).choices[0].message.content
    follow = ask(client, ("user", "上个月GMV是多少"), ("assistant", first), ("user", "那上上个月呢"))
    answer = follow.model_extra["answer"]
    assert answer["tool_calls"][0]["args"]["metric"] == "gmv"
    assert "沿用上一个问题" in follow.choices[0].message.content


def test_follow_up_on_a_history_the_server_never_saw(client: openai.OpenAI) -> None:
    """After a restart (or from another client) the history is new to the server: its questions are
    routed again, without re-running their tools, so the follow-up still knows what came before."""
    follow = ask(client, ("user", "上个月复购率是多少"), ("assistant", "(an answer from before the restart)"),
                 ("user", "那上上个月呢"))
    answer = follow.model_extra["answer"]
    assert answer["tool_calls"][0]["args"]["metric"] == "repurchase_rate"
    assert answer["tool_calls"][0]["resolved"]["window"]["start"].endswith("-01")
    assert "沿用上一个问题" in answer["answer"]


def test_links_open_the_table_image_and_chart(client: openai.OpenAI) -> None:
    content = ask(client, ("user", "最近12个月每月GMV趋势")).choices[0].message.content
    urls = LINK.findall(content)
    assert any(u.endswith(".png") for u in urls) and any("/api/charts/" in u for u in urls)
    for url in urls:
        response = httpx.get(url, timeout=30)  # no token: a browser or chat platform opens these
        assert response.status_code == 200 and response.content


def test_errors_come_back_as_openai_errors(client: openai.OpenAI, monkeypatch: pytest.MonkeyPatch,
                                           live_server) -> None:
    with pytest.raises(openai.NotFoundError) as unknown:
        ask(client, ("user", "GMV"), model="gpt-4o")
    assert "live-commerce-assistant" in str(unknown.value)
    with pytest.raises(openai.UnprocessableEntityError):
        client.chat.completions.create(model=MODEL, messages=[])
    nothing_asked = ask(client, ("user", "GMV"), ("assistant", "¥1")).choices[0].message.content
    assert "RFM" in nothing_asked  # no question after the reply: what can be asked, not an error
    monkeypatch.setenv("ASSISTANT_API_TOKENS", "team:the-right-token")
    with pytest.raises(openai.AuthenticationError):
        ask(client, ("user", "GMV"))
    good = openai.OpenAI(base_url=live_server.url + "v1", api_key="the-right-token", max_retries=0)
    assert ask(good, ("user", "上个月GMV是多少")).choices[0].message.content


def test_a_question_the_router_cannot_place_still_gets_a_reply(client: openai.OpenAI) -> None:
    text, _ = streamed(client, ("user", "给我讲个笑话吧"))
    assert "没能理解" in text and "1. " in text and "2. " in text  # the nearest questions, numbered to pick
    text, _ = streamed(client, ("user", "今天天气怎么样"))
    assert "没有天气信息" in text  # not in the data: said so, not "not understood"


def test_two_chats_with_the_same_start_do_not_mix(client: openai.OpenAI) -> None:
    """Same first question from two clients: one history, so one remembered conversation, but
    each goes on in its own copy (a follow-up never lands on the other chat's turns)."""
    first_a = ask(client, ("user", "上个月GMV是多少")).choices[0].message.content
    first_b = ask(client, ("user", "上个月GMV是多少")).choices[0].message.content
    b = ask(client, ("user", "上个月GMV是多少"), ("assistant", first_b), ("user", "按主播拆开"))
    assert b.model_extra["answer"]["tool_calls"][0]["args"].get("dimension") == "host"
    a = ask(client, ("user", "上个月GMV是多少"), ("assistant", first_a), ("user", "那上上个月呢"))
    args = a.model_extra["answer"]["tool_calls"][0]["args"]
    assert args["metric"] == "gmv" and "dimension" not in args
