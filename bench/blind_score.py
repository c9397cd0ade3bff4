"""Score a blind question set (written by someone who never read the router) in offline mode.

    uv run python -m bench.blind_score bench/blind/questions_blind1.yaml [--data PATH] [--show wrong]

Each question is asked in a fresh conversation (a case with `turns:` asks the earlier turns first and is scored on
its last) and its outcome is one of:
  right      the expected behaviour: the expected tool and arguments (a subset; defaults count), "not
             found" for a name the data lacks, a decline in words, "cannot answer" for data we lack, or a
             clarification where one was expected
  honest     the call misses part of the question but the answer names what it did not apply
  refused    no answer and nothing wrong said: not understood (with the nearest questions offered)
  wrong      silently wrong: a tool answered something other than the question and said nothing
Prints counts per category and outcome; a category fix is judged on these, never on single items.
"""

from __future__ import annotations

import argparse
import collections
import sys
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from assistant.conversation import Conversation
from assistant.engine import Engine
from tools.registry import get_tool

DECLINE_CODES = {"declined"}
_NOT_FOUND_CODES = {"unknown_segment", "unknown_campaign", "unknown_customer", "unknown_product"}
UNANSWERABLE_CODES = {"unanswerable", "no_data", "missing_table", "missing_column"}


def _same(expected: Any, got: Any, name: str) -> bool:
    if isinstance(expected, date):  # YAML reads an unquoted 2026-11-03 as a date
        expected = expected.isoformat()
    if isinstance(expected, dict) and "any_of" in expected:
        return any(_same(option, got, name) for option in expected["any_of"])
    if name == "segment" and isinstance(expected, str) and isinstance(got, str):
        from tools.strategy import resolve_segment
        try:
            return resolve_segment(expected, None)[1] == resolve_segment(got, None)[1]
        except Exception:  # noqa: BLE001 - an unknown name is simply not the same
            return expected == got
    if name in ("period", "as_of") and isinstance(expected, str) and isinstance(got, str) and expected != got:
        # two spellings of one window ("2026-Q3" and "quarter:3" in 2026) are the same request
        from tools.timewindow import resolve_period
        try:
            # the demo data's first and last order dates, which the sets were written against
            anchor, first = date(2026, 11, 15), date(2024, 9, 1)
            a, b = resolve_period(expected, anchor, first), resolve_period(got, anchor, first)
            if name == "as_of":  # an evaluation day: a month token means its last day
                return a.end == b.end
            return (a.start, a.end) == (b.start, b.end)
        except Exception:  # noqa: BLE001 - an unreadable token is simply not the same
            return False
    if isinstance(expected, dict) and isinstance(got, dict):
        return all(k in got and _same(v, got[k], k) for k, v in expected.items())
    if isinstance(expected, list) and isinstance(got, list):
        return sorted(map(str, expected)) == sorted(map(str, got))
    if isinstance(expected, (int, float)) and isinstance(got, (int, float)):
        return float(expected) == float(got)
    return str(expected) == str(got)


def args_match(tool: str, expected: dict[str, Any], got: dict[str, Any]) -> bool:
    fields = get_tool(tool).args_model.model_fields
    for name, value in (expected or {}).items():
        if name in got:
            if not _same(value, got[name], name):
                return False
        elif name in fields and not fields[name].is_required() and _same(value, fields[name].default, name):
            continue  # the default is what was asked
        else:
            return False
    return True


def _leader_filled(want: dict[str, Any], answer: dict[str, Any]) -> dict[str, Any]:
    """A wanted call whose filter or argument value is `$top` (the group the earlier call's ranking puts first),
    with that group read from the first row of the answer's first table that has the column of that name."""
    def filled(values: dict[str, Any]) -> dict[str, Any]:
        out = {}
        for name, value in values.items():
            if value == "$top":
                table = next((t for t in answer.get("tables") or [] if name in t["columns"] and t["rows"]), None)
                value = table["rows"][0][table["columns"].index(name)] if table else "(no earlier ranking)"
            out[name] = value
        return out

    args = want.get("args") or {}
    filters = args.get("filters") or {}
    if "$top" not in filters.values() and "$top" not in args.values():
        return want
    done = filled({k: v for k, v in args.items() if k != "filters"})  # ("funnel {host: $top}": an argument)
    return {**want, "args": {**done, **({"filters": filled(filters)} if filters else {})}}


def outcome(case: dict[str, Any], answer: dict[str, Any], earlier: dict[str, Any] | None = None) -> str:
    """`earlier`: the answer to the turn before (a follow-up's `$top` is the group that answer ranked first)."""
    expect = case.get("expect", "answer")
    calls = answer.get("tool_calls") or []
    error = (answer.get("error") or {}).get("code")
    named = bool(answer.get("not_applied"))
    unknown = any(d.get("kind") == "unknown_name" for d in answer.get("not_applied") or [])
    answered = bool(calls) and error is None and answer.get("clarification") is None
    if expect == "not_found":
        if unknown or (error and "not_found" in error) or error in _NOT_FOUND_CODES:
            return "right"
        return "wrong" if answered else "refused"
    if expect == "decline":
        if error in DECLINE_CODES:
            return "right"
        return "wrong" if answered and (answer.get("files") or answer.get("tables")) else "refused"
    if expect == "unanswerable":
        if error in UNANSWERABLE_CODES:
            return "right"
        return "wrong" if answered and not named else ("honest" if answered else "refused")
    if expect == "clarify":
        if answer.get("clarification") or (error == "bad_arguments"):
            return "right"
        return "wrong" if answered and not named else "refused"
    if not answered:
        return "refused"
    if case.get("calls"):  # a question of several asks: every call it needs is among the answer's calls
        needed = [_leader_filled(want, answer) for want in case["calls"]]
        def wanted(want: dict[str, Any], call: dict[str, Any]) -> bool:  # a call may name several right tools
            tools = want["tool"] if isinstance(want["tool"], list) else [want["tool"]]
            return call["name"] in tools and args_match(call["name"], want.get("args") or {} if call["name"] == tools[0]
                                                        else {}, call["args"])
        found = all(any(wanted(want, c) for c in calls) for want in needed)
        return ("honest" if named else "right") if found else ("honest" if named else "wrong")
    tools = case["tool"] if isinstance(case["tool"], list) else [case["tool"]]
    wanted_args = _leader_filled({"args": case.get("args") or {}}, earlier or answer)["args"]
    call = calls[0]
    if call["name"] in tools and args_match(call["name"], wanted_args if call["name"] == tools[0] else {},
                                            call["args"]):
        return "honest" if named else "right"
    return "honest" if named else "wrong"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("questions", type=Path)
    parser.add_argument("--data", default=None)
    parser.add_argument("--show", action="append", default=[], help="print the cases with this outcome")
    options = parser.parse_args(argv)
    cases = yaml.safe_load(options.questions.read_text(encoding="utf-8"))
    if isinstance(cases, dict):
        cases = cases.get("questions") or []
    engine = Engine(options.data)
    table: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for case in cases:
        conversation, earlier = Conversation(engine), None
        for turn in (case.get("turns") or [])[:-1]:  # a follow-up is scored on its last turn, in context
            earlier = conversation.ask(turn).to_json(max_rows=5)
        answer = conversation.ask(case["q"]).to_json(max_rows=5)
        result = outcome(case, answer, earlier)
        table[case.get("category", "all")][result] += 1
        table["TOTAL"][result] += 1
        if result in options.show:
            calls = [(c["name"], c["args"]) for c in answer["tool_calls"]]
            print(f"[{result}] {case.get('id')} {case['q']}\n   expected {case.get('expect')} {case.get('tool')} "
                  f"{case.get('args')}\n   got {calls} {answer['error']} {answer.get('not_applied')}")
    outcomes = ["right", "honest", "refused", "wrong"]
    print(f"{'category':<14}" + "".join(f"{o:>9}" for o in outcomes) + f"{'n':>6}")
    for category in sorted(table, key=lambda c: (c == "TOTAL", c)):
        counts = table[category]
        print(f"{category:<14}" + "".join(f"{counts[o]:>9}" for o in outcomes) + f"{sum(counts.values()):>6}")
    engine.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
