"""Every number an answer cites comes from its tool result; answers lead with the number; the
definitions behind an answer travel with it (JSON `definitions`, the web chat's collapsed block).

The checker's rules are in tests/answer_numbers.py."""

from __future__ import annotations

import re

import pytest

from assistant.answer import Answer
from tests.answer_numbers import cited_numbers, untraceable
from tools import catalog
from tools.registry import all_tools

# A few representative argument sets per registered tool (defaults first).
CASES: dict[str, list[dict]] = {
    "ab_test": [{}, {"metric": "revenue_per_customer"}],
    "churn_risk": [{}, {"segment": "at_risk"}],
    "cohort_retention": [{}, {"period": "this_year"}],
    "customer_clusters": [{}, {"k": 4}],
    "customer_lifetime_value": [{}],
    "customer_profile": [{"customer_id": 100014902}],
    "describe_data": [{}],
    "export_segment": [{"segment": "hibernating"}],
    "funnel": [{}, {"period": "last_30_days"}],
    "lifecycle_stages": [{}],
    "live_performance": [{}, {"period": "last_month"}],
    "metric_query": [{}, {"metric": "repurchase_rate"}, {"metric": "aov", "dimension": "gender"},
                     {"metric": "gmv", "dimension": "month", "period": "this_year"}],
    "product_associations": [{}, {"product": "手机壳"}],
    "recommend_products": [{}, {"segment": "hibernating"}],
    "rfm_segments": [{}, {"scheme": "cn8"}],
    "run_sql": [{"sql": "SELECT gender, count(*) AS n FROM customers GROUP BY 1 ORDER BY 1"}],
    "sales_forecast": [{}, {"metric": "orders", "horizon": 7}],
    "segment_profile": [{}, {"segment": "hibernating"}],
    "segment_strategy": [{}, {"segment": "at_risk"}],
}
# Tools whose call without arguments asks for one (an error that says what to give).
NEEDS_ARGUMENT = {"customer_profile", "export_segment", "run_sql"}


def test_every_registered_tool_has_cases():
    assert {t.name for t in all_tools()} == set(CASES)


@pytest.mark.parametrize(("text", "expected"), [
    ("共 1,234 人", [("1,234", 1234.0)]),
    ("成交额 ¥1.23万，去年 3.5亿", [("¥1.23万", 12300.0), ("3.5亿", 3.5e8)]),
    ("复购率 12.3%，提升 +4.4 pp", [("12.3%", 0.123), ("+4.4 pp", 0.044)]),
    ("提升 +4.4 个百分点", [("+4.4 个百分点", 0.044)]),
    ("R5 F4，第3 名，近 7天", [("5", 5.0), ("4", 4.0), ("3", 3.0), ("7", 7.0)]),
    ("quartiles 10-85 days", [("10", 10.0), ("85", 85.0)]),
    ("保留 10–20% 对照组", [("10%", 0.1), ("20%", 0.2)]),
    ("campaign coupon_2026_09, 2.5x", [("2.5x", 2.5)]),
])
def test_checker_reads_numbers_in_both_languages(text, expected):
    cited, _ = cited_numbers(text)
    got = [(n.text.strip(), round(n.candidates()[0][0], 6)) for n in cited]
    assert got == [(t, round(v, 6)) for t, v in expected]


def test_checker_reads_dates_and_skips_vetted_playbook_text():
    cited, dates = cited_numbers("2024-09-01 至 2026-11-15，2024-09 同期群")
    assert dates == ["2024-09-01", "2026-11-15", "2024-09"] and cited == []
    tactic = catalog.playbook()["rfm"]["champions"]["tactics"]["zh"][0]
    assert re.search(r"\d", tactic)  # "开播前24小时..." has a number of its own
    # ...that belongs to the vetted action text, not to the result
    assert cited_numbers(f"冠军客户（3,099 人）——{tactic}")[0][0].text.strip() == "3,099"
    assert len(cited_numbers(f"冠军客户（3,099 人）——{tactic}")[0]) == 1


def test_checker_flags_numbers_the_result_does_not_hold(engine):
    answer = engine.run_tool("metric_query", {"metric": "gmv"}, "en")
    assert untraceable(answer, [answer.answer]) == []
    shown = re.search(r"¥[\d,]+(?:\.\d+)?", answer.answer).group(0)
    wrong = float(shown[1:].replace(",", "")) * 1.37
    forged = [answer.answer.replace(shown, f"¥{wrong:,.0f}"),
              "Orders grew to 8,765 last week, 17.3% of them new.",
              "数据截至 2031-02-30。"]
    assert untraceable(answer, forged) == [f"¥{wrong:,.0f}", "8,765", "17.3%", "2031-02-30"]


def _answers(engine) -> list[tuple[str, dict, str, Answer]]:
    out = []
    for name, arg_sets in CASES.items():
        for args in arg_sets:
            for language in ("zh", "en"):
                out.append((name, args, language, engine.run_tool(name, args, language)))
    return out


@pytest.fixture(scope="module")
def answers(engine):
    return _answers(engine)


def test_every_number_in_every_answer_comes_from_the_result(answers):
    problems, checked_numbers = [], 0
    for name, args, language, answer in answers:
        assert answer.ok, (name, args, answer.error)
        texts = [answer.answer, *answer.recommendations]
        checked_numbers += sum(len(c) + len(d) for c, d in map(cited_numbers, texts))
        if missing := untraceable(answer, texts):
            problems.append((name, args, language, missing))
    assert problems == []
    assert len(answers) >= 68 and checked_numbers >= 1200  # the run really read the answers


def _first_sentence(text: str) -> str:
    return re.split(r"[。！？\n]|[.!?](?:\s|$)", text.strip(), maxsplit=1)[0]


@pytest.mark.parametrize("language", ["zh", "en"])
def test_each_default_answer_leads_with_a_number(engine, language):
    for name in CASES:
        args = {} if name not in NEEDS_ARGUMENT else CASES[name][0]
        answer = engine.run_tool(name, args, language)
        if not answer.ok:
            continue
        first = _first_sentence(answer.answer)
        assert cited_numbers(first)[0], f"{name} ({language}) opens without its number: {first!r}"


def test_metric_query_carries_the_repurchase_rate_definition(engine):
    spec = catalog.metric("repurchase_rate")
    for language in ("zh", "en"):
        answer = engine.ask("上个月的复购率是多少？" if language == "zh" else "Repurchase rate last month?")
        assert answer.tool_calls[0].name == "metric_query"
        [definition] = answer.definitions
        assert definition["name"] == "repurchase_rate"
        assert (definition["zh"], definition["en"]) == (spec["zh"], spec["en"])
        assert definition["formula"] == spec["definition"][language]
        assert definition["definition"] == spec["definition"]
        assert answer.to_json()["definitions"][0]["formula"] == spec["definition"][language]


def test_segment_tools_carry_the_segment_rules(engine):
    rules = catalog.segments("rfm")
    rfm = engine.run_tool("rfm_segments", {}, "zh")
    by_name = {d["name"]: d for d in rfm.definitions}
    assert by_name["rfm"]["formula"] == catalog.load("metrics")["rfm"]["definition"]["zh"]
    assert {f"rfm.{k}" for k in rules} <= set(by_name)
    assert by_name["rfm.champions"]["formula"] == rules["champions"]["rule"]["zh"]
    strategy = engine.run_tool("segment_strategy", {"segment": "hibernating"}, "en")
    assert [d["name"] for d in strategy.definitions] == ["rfm.hibernating"]
    lifecycle = engine.run_tool("lifecycle_stages", {}, "en")
    assert {d["name"] for d in lifecycle.definitions} == {f"lifecycle.{k}" for k in catalog.segments("lifecycle")}
    churn = engine.run_tool("churn_risk", {}, "en")
    assert churn.definitions[0]["name"] == "churn" and "90" in churn.definitions[0]["formula"]


def test_web_chat_shows_definitions_collapsed_under_the_answer(engine):
    from assistant.web.render import answer_markdown

    answer = engine.run_tool("metric_query", {"metric": "repurchase_rate"}, "zh")
    markdown = answer_markdown(answer, "zh")
    assert markdown.index("<details>") > markdown.index(answer.answer.splitlines()[0][:10])
    block = markdown[markdown.index("<details>"):]
    assert "<summary>📖 口径 / 定义</summary>" in block and block.rstrip().endswith("</details>")
    assert "复购率" in block and "2 单及以上" in block
    plain = engine.run_tool("describe_data", {}, "en")
    assert "<details>" not in answer_markdown(plain, "en")  # nothing to show, no empty block
