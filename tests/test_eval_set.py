"""The held-out question set (tests/eval_questions.yaml) scored offline: >= 95%, and the dev set 100%."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.conversation import Conversation, OfflineStrategy
from assistant.evaluation import EvalReport, evaluate, load_cases
from tests.conftest import DEV_QUESTIONS
from tools.registry import REGISTRY, load_builtin_tools

EVAL_SET = Path(__file__).resolve().parent / "eval_questions.yaml"
CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def eval_report(engine) -> EvalReport:
    return evaluate(load_cases(EVAL_SET), lambda: Conversation(engine, OfflineStrategy()))


def test_eval_set_is_large_bilingual_and_covers_every_tool() -> None:
    cases = load_cases(EVAL_SET)
    questions = [c["q"] for c in cases]
    assert len(cases) >= 160
    assert len(set(questions)) == len(questions), "duplicate questions"
    chinese = [q for q in questions if CHINESE.search(q)]
    mixed = [q for q in chinese if re.search(r"[A-Za-z]{3,}", q)]
    assert len(chinese) - len(mixed) >= len(cases) / 2, "at least half the questions are plain Chinese"
    assert len(questions) - len(chinese) >= 40 and len(mixed) >= 15, "English and mixed-language too"
    load_builtin_tools()
    expected = {tool for c in cases for tool in ([c["tool"]] if isinstance(c["tool"], str) else c["tool"])}
    assert set(REGISTRY) <= expected, f"tools without a question: {set(REGISTRY) - expected}"
    assert expected <= set(REGISTRY), f"unknown tools: {expected - set(REGISTRY)}"


def test_eval_set_accuracy_at_least_95_percent(eval_report: EvalReport) -> None:
    assert eval_report.accuracy >= 0.95, eval_report.text()


def test_every_tool_is_mostly_understood(eval_report: EvalReport) -> None:
    """No tool is carried by the others: each gets at least 80% of its own questions right."""
    weak = {tool: (right, total) for tool, (right, total) in eval_report.per_tool().items()
            if right / total < 0.8}
    assert not weak, eval_report.text()


def test_dev_set_is_fully_understood(engine) -> None:
    report = evaluate(load_cases(DEV_QUESTIONS), lambda: Conversation(engine, OfflineStrategy()))
    assert report.accuracy == 1.0, report.text()
