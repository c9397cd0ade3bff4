"""Every dev-set question whose tool exists routes to it and is answered without error."""

from __future__ import annotations

import pytest
import yaml

from tests.conftest import DEV_QUESTIONS
from tools.registry import REGISTRY, load_builtin_tools

load_builtin_tools()
CASES = yaml.safe_load(DEV_QUESTIONS.read_text(encoding="utf-8"))


def _expected_tools(case: dict) -> list[str]:
    return case["tool"] if isinstance(case["tool"], list) else [case["tool"]]


AVAILABLE = [c for c in CASES if any(t in REGISTRY for t in _expected_tools(c))]


@pytest.mark.parametrize("case", AVAILABLE, ids=[c["q"][:40] for c in AVAILABLE])
def test_dev_question_is_answered_by_the_right_tool(engine, case) -> None:
    answer = engine.ask(case["q"])
    assert answer.ok, answer.error
    call = answer.tool_calls[0]
    assert call.name in _expected_tools(case)
    for key, value in (case.get("args") or {}).items():
        assert call.args.get(key) == value
    assert answer.answer.strip()


def test_most_of_the_dev_set_is_covered_now() -> None:
    assert len(AVAILABLE) >= 25
