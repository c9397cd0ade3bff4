"""The web app end to end over HTTP: launched on a free port, driven with gradio_client."""

from __future__ import annotations

import json
from pathlib import Path

import gradio_client
import pytest
import yaml

from tests.conftest import DEV_QUESTIONS
from tools.registry import REGISTRY, load_builtin_tools


@pytest.fixture(scope="module")
def app_url(live_server) -> str:
    return live_server.url


def client(url: str):
    return gradio_client.Client(url, verbose=False)


def texts(history: list[dict]) -> str:
    """All text parts of a chat history as one string (component parts as JSON)."""
    parts = []
    for message in history:
        title = (message.get("metadata") or {}).get("title")
        if title:
            parts.append(title)
        content = message["content"]
        for part in content if isinstance(content, list) else [content]:
            parts.append(part.get("text", "") if isinstance(part, dict) and "text" in part
                         else json.dumps(part, ensure_ascii=False))
    return "\n".join(parts)


def user_questions(history: list[dict]) -> list[str]:
    return [m["content"][0]["text"] for m in history if m["role"] == "user"]


def test_chat_in_chinese_shows_tool_step_and_real_numbers(app_url: str, engine) -> None:
    history, box, table, download, pick = client(app_url).predict("各个RFM分群分别有多少用户？", api_name="/chat")
    assert box == ""
    steps = [m for m in history if (m.get("metadata") or {}).get("title")]
    assert steps and steps[0]["metadata"]["title"] == "🔧 rfm_segments"
    assert steps[0]["metadata"]["status"] == "done"
    assert "```sql" in steps[0]["content"][0]["text"]
    expected = engine.run_tool("rfm_segments", {}, "zh").table("segments")
    biggest = expected.sort_values("customers", ascending=False).iloc[0]
    reply = texts(history)
    assert f"{int(biggest['customers']):,}" in reply
    assert biggest["name"] in reply
    components = [p["component"] for m in history for p in m["content"] if isinstance(p, dict) and "component" in p]
    assert "plot" in components  # the chart inside the chat
    assert table["headers"][:3] == ["segment", "name", "customers"]  # the sortable table beside it
    assert [int(biggest["customers"])] == [row[2] for row in table["data"] if row[0] == biggest["segment"]]
    assert download["value"] and str(download["value"]).endswith(".csv")


def test_an_answer_of_several_calls_shows_each_call_its_chart_and_every_table(app_url: str, engine) -> None:
    # Each call is its own step with its own SQL; the side panel offers every table, not only the first.
    question = "小雅上个月播了几场？GMV按主播排呢？"
    history, _, table, _, pick = client(app_url).predict(question, api_name="/chat")
    expected = engine.ask(question, "zh")
    assert len(expected.tool_calls) == 2 and len(expected.tables) >= 2
    steps = [m for m in history if (m.get("metadata") or {}).get("title")]
    assert [s["metadata"]["title"] for s in steps] == [f"🔧 {c.name}" for c in expected.tool_calls]
    for step, sql in zip(steps, (expected.sql[0], expected.sql[-1])):  # each step shows its own query
        assert step["metadata"]["status"] == "done"
        assert sql.split()[0] in step["content"][0]["text"]
    assert steps[0]["content"][0]["text"] != steps[1]["content"][0]["text"]
    assert [value for _, value in pick["choices"]] == [t.name for t in expected.tables]
    assert pick["value"] == expected.tables[0].name
    plots = [p for m in history for p in (m["content"] if isinstance(m["content"], list) else [m["content"]])
             if isinstance(p, dict) and p.get("component") == "plot"]
    assert len(expected.charts) == 2 and len(plots) == 2  # a chart per call, not the first call's only


def test_streaming_shows_the_step_before_the_answer(app_url: str) -> None:
    job = client(app_url).submit("最近30天的GMV是多少？", api_name="/chat")
    outputs = job.outputs() if job.result() is not None else []
    pending = [o for o in outputs if any((m.get("metadata") or {}).get("status") == "pending" for m in o[0])]
    assert pending, "the tool step should appear (pending) before the answer"
    assert "GMV" in texts(outputs[-1][0])


def test_workbench_runs_sql_and_refuses_writes(app_url: str, engine) -> None:
    c = client(app_url)
    status, table, chart, download = c.predict(
        "SELECT status, count(*) AS n FROM orders GROUP BY 1 ORDER BY 2 DESC", "zh", api_name="/run_sql")
    assert status.startswith("✅")
    expected = engine.sql("SELECT count(*) FROM orders", "zh").table().iat[0, 0]
    assert sum(row[1] for row in table["data"]) == expected
    assert chart is not None and download["value"].endswith(".csv")
    status, table, chart, _ = c.predict("DROP TABLE orders", "zh", api_name="/run_sql")
    assert "⛔" in status and "DROP" in status and "Traceback" not in status
    assert not table["data"] or table["data"] == [[]] or table["data"] == [[""]]
    status, *_ = c.predict("SELECT * FROM read_csv('/etc/passwd')", "en", api_name="/run_sql")
    assert "⛔" in status and "Traceback" not in status


def test_conversations_do_not_mix(app_url: str) -> None:
    alice, bob = client(app_url), client(app_url)
    alice.predict("各个RFM分群分别有多少用户？", api_name="/chat")
    bob.predict("Average order value by gender", api_name="/chat")
    history, *_ = alice.predict("上个月的复购率是多少？", api_name="/chat")
    assert user_questions(history) == ["各个RFM分群分别有多少用户？", "上个月的复购率是多少？"]
    history, *_ = bob.predict("What data do you have?", api_name="/chat")
    assert user_questions(history) == ["Average order value by gender", "What data do you have?"]


def test_overview_and_segments(app_url: str) -> None:
    c = client(app_url)
    cards, trend, treemap = c.predict("last_30_days", "zh", api_name="/overview")
    assert cards.count('class="kpi-card"') == 5 and "较上一周期" in cards
    assert trend is not None and treemap is not None
    table, treemap, pick, customers, strategy, _ = c.predict("cn8", "zh", api_name="/segments")
    assert "重要价值客户" in json.dumps(table, ensure_ascii=False)
    customers, strategy, download = c.predict("cn8", "important_value", "zh", api_name="/segment_detail")
    assert customers["data"] and "phone" not in customers["headers"]
    assert "重要价值客户" in strategy


def test_campaign_export_downloads_a_formula_safe_file(app_url: str) -> None:
    import openpyxl

    c = client(app_url)
    c.predict("rfm", "zh", api_name="/segments")
    status, button = c.predict("rfm", "hibernating", "xlsx", 0.2, False, api_name="/export_segment")
    path = button["value"]  # the button comes back as an update carrying the served file
    assert "对照组" in status and "不含手机号" in status
    sheet = openpyxl.load_workbook(path).active
    headers = [cell.value for cell in sheet[1]]
    assert "客户ID" in headers and "手机号" not in headers and "分组" in headers
    rows = sheet.max_row - 1
    assert f"{rows:,}" in status
    status, button = c.predict("rfm", "hibernating", "csv", 0, True, api_name="/export_segment")
    assert "包含手机号" in status and Path(button["value"]).read_text(encoding="utf-8-sig").count("\n") == rows + 1


def test_hostile_text_is_inert(app_url: str) -> None:
    history, *_ = client(app_url).predict("<img src=x onerror=alert(1)> **bold** [x](http://e.vil)",
                                            api_name="/chat")
    question = user_questions(history)[0]
    assert "<img" not in question and "&lt;img" in question
    assert "\\*\\*bold\\*\\*" in question and "\\[x\\]" in question


def test_a_failing_strategy_becomes_a_friendly_message(engine) -> None:
    from assistant.conversation import Conversation, ToolStarted
    from assistant.web.chat import stream_reply
    from assistant.web.context import Session, WebContext

    class Broken:
        def stream(self, conversation, question):
            yield ToolStarted("rfm_segments", {})
            raise RuntimeError("secret internals")

    ctx = WebContext(engine)
    session = Session(Conversation(engine, Broken()))
    *_, (history, final) = stream_reply(ctx, session, "各个RFM分群分别有多少用户？")
    text = "\n".join(str(m.content) for m in history)
    assert "出错了" in text and "secret internals" not in text and "Traceback" not in text


def test_accept_language() -> None:
    from assistant.web.i18n import from_accept_language

    assert from_accept_language("zh-CN,zh;q=0.9,en;q=0.8") == "zh"
    assert from_accept_language("en-US,en;q=0.9,zh-CN;q=0.8") == "en"
    assert from_accept_language("fr-FR,zh-TW;q=0.5") == "zh"
    assert from_accept_language(None) == "en"


def test_escape_keeps_values_inert() -> None:
    from assistant.web.render import escape_md

    assert escape_md("<script>x</script>") == "&lt;script&gt;x&lt;/script&gt;"
    assert escape_md("# title\n- item") == "\\# title\n\\- item"
    assert escape_md("¥1,234.50 占 31.3%") == "¥1,234.50 占 31.3%"


def _covered_dev_questions() -> list[dict]:
    load_builtin_tools()
    cases = yaml.safe_load(DEV_QUESTIONS.read_text(encoding="utf-8"))
    tools_of = lambda case: case["tool"] if isinstance(case["tool"], list) else [case["tool"]]  # noqa: E731
    return [dict(case, tools=tools_of(case)) for case in cases if any(t in REGISTRY for t in tools_of(case))]


def test_every_covered_dev_question_is_answered_in_the_app(app_url: str) -> None:
    """With no API key, the served app answers every dev-set question its tools cover."""
    c = client(app_url)
    cases = _covered_dev_questions()
    assert len(cases) >= 25
    for case in cases:
        history, *_ = c.predict(case["q"], api_name="/chat")
        steps = [m["metadata"]["title"] for m in history if (m.get("metadata") or {}).get("title")]
        assert any(title.endswith(tuple(case["tools"])) for title in steps), (case["q"], steps)
        assert not any("⚠" in texts([m]) for m in history[-1:]), case["q"]


# One question per registered tool, in either language: each must route to its tool and render in
# the served chat with its step, a real answer, and its chart when the tool draws one.
TOOL_QUESTIONS = {
    "ab_test": "优惠券实验效果显著吗？",
    "churn_risk": "Which customers are likely to churn?",
    "cohort_retention": "新客30天复购率是多少？",
    "customer_clusters": "把客户聚成4类",
    "customer_lifetime_value": "What is the expected lifetime value of our customers?",
    "customer_profile": "查一下客户 100000123",
    "describe_data": "What data do you have?",
    "export_segment": "把沉睡客户名单导出成Excel",
    "funnel": "从进直播间到支付的转化漏斗",
    "lifecycle_stages": "How many customers are new, active, at risk or churned?",
    "live_performance": "哪个主播转化率最高？",
    "metric_query": "上个月的GMV是多少？",
    "product_associations": "哪些商品经常一起买？",
    "recommend_products": "给沉睡客户推荐什么商品？",
    "rfm_segments": "各RFM分群有多少人？",
    "run_sql": "SELECT count(*) AS n FROM orders",
    "sales_forecast": "预测未来30天的销售额",
    "segment_profile": "高价值客户的用户画像",
    "segment_strategy": "沉睡客户怎么唤醒？",
}


def test_every_tool_renders_in_the_chat(app_url: str, engine) -> None:
    load_builtin_tools()
    assert set(TOOL_QUESTIONS) == set(REGISTRY), "a registered tool has no chat question here"
    c = client(app_url)
    for name, question in TOOL_QUESTIONS.items():
        history, _, table, *_ = c.predict(question, api_name="/chat")
        last_turn = history[[i for i, m in enumerate(history) if m["role"] == "user"][-1]:]
        steps = [m["metadata"]["title"] for m in last_turn if (m.get("metadata") or {}).get("title")]
        assert steps and steps[0] == f"🔧 {name}", (question, steps)
        final = texts(last_turn[-1:])
        assert "⚠" not in final and len(final) > 20, (question, final)
        expected = engine.ask(question)
        assert expected.ok, (question, expected.error)
        if expected.charts:
            assert any('"plot"' in json.dumps(part) or "plotly" in json.dumps(part)
                       for m in last_turn for part in (m["content"] if isinstance(m["content"], list)
                                                       else [m["content"]])), (question, "no chart")
        if expected.tables:
            assert table["data"], (question, "no table beside the chat")
