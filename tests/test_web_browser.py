"""The web app in a real browser (Debian's chromium through Playwright): ask, see text, table, chart.

CI installs chromium (`apt-get install chromium`); without it this test fails on purpose.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
# The committed screenshot is refreshed only on request, so a test run never dirties the tree.
DOCS_SCREENSHOT = Path(__file__).resolve().parents[1] / "docs" / "screenshot-chat.png"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
QUESTION = "各个RFM分群分别有多少用户？"



@pytest.fixture(scope="module")
def app_url(live_server) -> str:
    return live_server.url


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium) to run "
                    "the browser test; Playwright must not download a browser.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


def test_chat_in_the_browser(app_url: str, browser, engine, tmp_path: Path) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 1300}, locale="zh-CN",
                                  extra_http_headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(app_url)
    box = page.locator("#question textarea")
    box.wait_for(state="visible", timeout=60_000)
    page.locator("#data-panel").get_by_text("orders").first.wait_for(timeout=60_000)  # the load event ran

    box.fill(QUESTION)
    box.press("Enter")

    chatbot = page.locator("#chatbot")
    chatbot.locator(".js-plotly-plot").first.wait_for(state="visible", timeout=60_000)
    expected = engine.run_tool("rfm_segments", {}, "zh").table("segments")
    biggest = expected.sort_values("customers", ascending=False).iloc[0]
    answer = chatbot.get_by_text(f"人数最多的是{biggest['name']}", exact=False).first
    answer.wait_for(state="visible", timeout=30_000)
    assert f"{int(biggest['customers']):,}" in chatbot.inner_text()
    assert chatbot.get_by_text("rfm_segments").first.is_visible()  # the collapsible tool step

    table = page.locator("#answer-table")
    table.get_by_text(str(biggest["name"])).first.wait_for(state="visible", timeout=30_000)
    assert table.locator("table").first.is_visible()
    assert page.locator("#chat-download").first.is_enabled()  # the CSV of this table
    assert chatbot.locator("svg.main-svg").first.is_visible()
    assert page.get_by_text("离线模式").first.is_visible()

    # show the question, the tool step and the answer at the top of the chat for the screenshot
    page.evaluate("""() => {
        const user = document.querySelector('#chatbot [data-testid="user"]');
        if (user) {
            user.scrollIntoView({block: 'start'});
            let box = user.parentElement;
            while (box && box.scrollHeight <= box.clientHeight) box = box.parentElement;
            if (box) box.scrollTop = Math.max(0, box.scrollTop - 56);
        }
        window.scrollTo(0, 0);
    }""")
    page.wait_for_timeout(800)
    shot = DOCS_SCREENSHOT if os.environ.get("ASSISTANT_UPDATE_SCREENSHOTS") else tmp_path / "chat.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 20_000  # a real rendered page, not a blank one
    assert not errors, errors
    context.close()


def test_language_follows_the_browser(app_url: str, browser) -> None:
    context = browser.new_context(locale="en-US", extra_http_headers={"Accept-Language": "en-US,en;q=0.9"})
    page = context.new_page()
    page.goto(app_url)
    page.get_by_text("Live-commerce Customer Analytics").first.wait_for(timeout=60_000)
    page.get_by_role("radio", name="中文").check()
    page.get_by_text("直播电商客户分析助手").first.wait_for(timeout=30_000)
    context.close()


def test_sql_workbench_in_the_browser(app_url: str, browser) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 1100},
                                  extra_http_headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    page = context.new_page()
    page.goto(app_url)
    page.locator("#question textarea").wait_for(state="visible", timeout=60_000)
    page.get_by_role("tab", name="🧮 SQL 工作台").click()
    page.click("#sql-run")  # the starter query: GMV by host
    page.locator("#sql-status").get_by_text("查询返回").wait_for(timeout=30_000)
    page.locator("#sql-chart .js-plotly-plot").first.wait_for(state="visible", timeout=30_000)
    assert page.locator("#sql-result table").first.is_visible()
    context.close()


def _ask_in_chinese(browser, app_url: str, question: str):
    """A fresh Chinese-language page with `question` asked: (context, page, chatbot)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1100},
                                  extra_http_headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    page = context.new_page()
    page.goto(app_url)
    box = page.locator("#question textarea")
    box.wait_for(state="visible", timeout=60_000)
    box.fill(question)
    box.press("Enter")
    return context, page, page.locator("#chatbot")


def test_clarification_options_are_clickable(app_url: str, browser) -> None:
    """A question answered with its standard default offers the other reading as a button; clicking it
    asks that fully specified question."""
    context, page, chatbot = _ask_in_chinese(browser, app_url, "复购率是多少？")
    option = chatbot.get_by_role("button", name="首购后复购率", exact=False).first
    option.wait_for(state="visible", timeout=60_000)
    assert chatbot.get_by_text("metric_query").first.is_visible()  # answered with the period rate first
    option.click()
    chatbot.get_by_text("cohort_retention").first.wait_for(state="visible", timeout=60_000)
    chatbot.get_by_text("新客首购后30天、60天、90天的复购率").first.wait_for(state="visible", timeout=30_000)
    chatbot.locator(".js-plotly-plot").first.wait_for(state="visible", timeout=60_000)
    context.close()


def test_every_table_of_a_several_part_answer_can_be_shown(app_url: str, browser, engine) -> None:
    """A question of several asks: each call is a step, and the side panel's picker shows any of its tables."""
    from playwright.sync_api import expect

    question = "小雅上个月播了几场？GMV按主播排呢？"
    expected = engine.ask(question, "zh")
    second = expected.tables[1]
    context, page, chatbot = _ask_in_chinese(browser, app_url, question)
    chatbot.get_by_text("metric_query").first.wait_for(state="visible", timeout=60_000)
    assert chatbot.get_by_text("live_performance").first.is_visible()
    pick = page.locator("#table-pick input")
    pick.wait_for(state="visible", timeout=30_000)
    table = page.locator("#answer-table")
    shown_first = {str(v) for v in expected.tables[0].df.to_numpy().ravel()}
    top_host = next(str(h) for h in second.df.iloc[:, 0] if str(h) not in shown_first and str(h)[0] != "(")
    expect(table).to_contain_text(str(expected.tables[0].df.iloc[0, 0]), timeout=30_000)
    assert top_host not in table.inner_text()  # the first table (one host's sessions) is shown first
    pick.click()
    page.get_by_role("option", name=f"2. {second.name}", exact=False).first.click()
    expect(table).to_contain_text(top_host, timeout=30_000)
    assert page.locator("#chat-download").first.is_enabled()  # the picked table's CSV
    context.close()
