"""Tool docstrings are written for the model (issue 6, item 5): the agent sends every tool's
description on every call, so each must say what it answers, cover every argument, show a worked
example in both languages, and the whole set must stay small."""

from __future__ import annotations

import inspect
import json
import re

import pytest

from tools.registry import Tool, all_tools

TOTAL_BUDGET = 12_000  # characters of all descriptions together (about 3.5k tokens)
TOOL_BUDGET = 1_400
CJK = re.compile(r"[\u4e00-\u9fff]")
EXAMPLE = re.compile(r'"([^"]+)"\s*->\s*')

TOOLS = all_tools()


def arguments(spec: Tool) -> list[str]:
    return list(inspect.signature(spec.function).parameters)[1:]  # skip ctx


def examples(spec: Tool) -> list[tuple[str, dict]]:
    """(question, arguments) pairs written as `"question" -> {json}` after "Example:"."""
    text = spec.description.split("Example:", 1)[1]
    pairs = []
    for match in EXAMPLE.finditer(text):
        args, _ = json.JSONDecoder().raw_decode(text[match.end() :])
        pairs.append((match.group(1), args))
    return pairs


def estimated_tokens(text: str) -> int:
    """Rough: a CJK character is about one token, other text about four characters a token."""
    cjk = len(CJK.findall(text))
    return cjk + (len(text) - cjk) // 4


def test_every_registered_tool_is_checked() -> None:
    assert len(TOOLS) >= 19 and {"metric_query", "rfm_segments", "run_sql"} <= {t.name for t in TOOLS}


@pytest.mark.parametrize("spec", TOOLS, ids=lambda t: t.name)
def test_the_first_line_says_what_it_answers(spec: Tool) -> None:
    first = spec.summary()
    assert 30 <= len(first) <= 115, first
    assert spec.description.splitlines()[1] == ""  # a one-line summary, then the details


@pytest.mark.parametrize("spec", TOOLS, ids=lambda t: t.name)
def test_every_argument_is_described(spec: Tool) -> None:
    for name in arguments(spec):
        assert re.search(rf"^\s+{name}: ", spec.description, re.MULTILINE), f"{spec.name}: {name} undocumented"
    described = re.findall(r"^    (\w+): ", spec.description.split("Example:")[0], re.MULTILINE)
    assert set(described) <= set(arguments(spec)), f"{spec.name} documents arguments it does not take"


@pytest.mark.parametrize("spec", TOOLS, ids=lambda t: t.name)
def test_examples_in_both_languages_have_valid_arguments(spec: Tool) -> None:
    assert "Example:" in spec.description
    pairs = examples(spec)
    questions = [q for q, _ in pairs]
    assert any(CJK.search(q) for q in questions), f"{spec.name}: no Chinese example"
    assert any(not CJK.search(q) and " " in q for q in questions), f"{spec.name}: no English example"
    for question, args in pairs:
        spec.args_model.model_validate(args)  # the example call is one the tool accepts
        assert set(args) <= set(arguments(spec)), question


def test_neighbouring_tools_point_at_each_other() -> None:
    docs = {t.name: t.description for t in TOOLS}
    assert "cohort_retention" in docs["metric_query"] and "repurchase_rate" in docs["cohort_retention"]
    assert {"lifecycle_stages", "churn_risk"} <= set(re.findall(r"\w+", docs["rfm_segments"]))
    assert "rfm_segments" in docs["lifecycle_stages"] and "lifecycle_stages" in docs["churn_risk"]
    assert "recommend_products" in docs["product_associations"]
    assert "product_associations" in docs["recommend_products"]


def test_the_descriptions_fit_the_budget() -> None:
    sizes = {t.name: len(t.description) for t in TOOLS}
    too_long = {name: size for name, size in sizes.items() if size > TOOL_BUDGET}
    assert not too_long, too_long
    total = sum(sizes.values())
    assert total <= TOTAL_BUDGET, f"{total} characters of tool descriptions"
    assert estimated_tokens("\n".join(t.description for t in TOOLS)) < 4_000


def test_the_agent_sends_these_descriptions() -> None:
    from assistant.agent.tools import build_tools

    sent = {t.name: t.description for t in build_tools(lambda config: None)}  # type: ignore[arg-type, return-value]
    assert sent == {t.name: t.description for t in TOOLS}
