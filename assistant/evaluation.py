"""`assistant eval FILE`: score a YAML question set in offline mode (router + vetted tools, no LLM).

Case format (the same as ../shared/eval/dev_questions.yaml):
  - q: 上个月的复购率是多少？
    tool: metric_query            # or a list: any of them is right
    args: {metric: repurchase_rate}   # optional subset that must match exactly
    after: [前一个问题]             # optional (our extension): earlier turns of the same conversation
A case is right when the answer comes from the expected tool, with the expected arguments, and
the tool ran without an error.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from assistant.answer import Answer


@dataclass
class CaseResult:
    question: str
    expected: list[str]
    got: str | None
    args: dict[str, Any]
    ok: bool
    why: str = ""


@dataclass
class EvalReport:
    results: list[CaseResult] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return sum(r.ok for r in self.results) / len(self.results) if self.results else 0.0

    def per_tool(self) -> dict[str, tuple[int, int]]:
        """expected tool -> (right, total); a case with several right tools counts under the first."""
        counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for r in self.results:
            counts[r.expected[0]][0] += r.ok
            counts[r.expected[0]][1] += 1
        return {tool: (right, total) for tool, (right, total) in sorted(counts.items())}

    def to_json(self) -> dict[str, Any]:
        return {
            "accuracy": self.accuracy,
            "cases": len(self.results),
            "per_tool": {t: {"right": r, "total": n, "accuracy": r / n} for t, (r, n) in self.per_tool().items()},
            "failures": [vars(r) for r in self.results if not r.ok],
        }

    def text(self) -> str:
        lines = [f"{'tool':26} {'right':>5} {'total':>5} {'accuracy':>8}"]
        for tool, (right, total) in self.per_tool().items():
            lines.append(f"{tool:26} {right:5d} {total:5d} {right / total:8.1%}")
        right = sum(r.ok for r in self.results)
        lines.append(f"{'overall':26} {right:5d} {len(self.results):5d} {self.accuracy:8.1%}")
        failures = [r for r in self.results if not r.ok]
        if failures:
            lines.append("\nwrong:")
            lines += [f"- {r.question!r}: expected {'/'.join(r.expected)}, got {r.got} {r.args} ({r.why})"
                      for r in failures]
        return "\n".join(lines)


def load_cases(path: str | Path) -> list[dict[str, Any]]:
    cases = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    if not isinstance(cases, list) or not all(isinstance(c, dict) and "q" in c and "tool" in c for c in cases):
        raise ValueError(f"{path}: expected a YAML list of cases with 'q' and 'tool'")
    return cases


def _args_problem(expected: dict[str, Any], got: dict[str, Any]) -> str:
    for name, value in (expected or {}).items():
        if value is None:
            if name in got:
                return f"{name} should be absent"
        elif got.get(name) != value:
            return f"{name}={got.get(name)!r}, expected {value!r}"
    return ""


def score_case(case: dict[str, Any], answer: Answer) -> CaseResult:
    expected = case["tool"] if isinstance(case["tool"], list) else [case["tool"]]
    call = answer.tool_calls[0] if answer.tool_calls else None
    got, args = (call.name, call.args) if call else (None, {})
    if got not in expected:
        why = "no tool" if got is None else "wrong tool"
    elif problem := _args_problem(case.get("args") or {}, args):
        why = problem
    elif answer.error:
        why = f"error {answer.error['code']}"
    else:
        why = ""
    return CaseResult(case["q"], expected, got, args, not why, why)


def evaluate(cases: list[dict[str, Any]], conversation_factory) -> EvalReport:  # noqa: ANN001
    """Ask each case in a fresh offline conversation (after its earlier turns, if any)."""
    from assistant.conversation import Final

    report = EvalReport()
    for case in cases:
        conversation = conversation_factory()
        for earlier in case.get("after") or []:
            for _ in conversation.stream(earlier):
                pass
        final = None
        for event in conversation.stream(case["q"]):
            if isinstance(event, Final):
                final = event.answer
        report.results.append(score_case(case, final))
    return report
