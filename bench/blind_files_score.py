"""Score blind platform-export files (real layouts, known answers) through import and offline answers.

    uv run python -m bench.blind_files_score /path/to/files   # holds the files and answers.yaml

Each file is imported into a scratch workspace as an operator would upload it; each question is asked
of its file. An answer is right when every expected number appears in the answer's text or first table
(within the question's tolerance); a list of names is right when each name is in the table. An answer
that is not right but names what it did not apply ("not applied: refund reason") is honest, the
question scorer's word for it: only a wrong answer is silently wrong. Import failures and refusals are
counted apart. Prints a line per question and a total.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml


def _numbers(answer: Any) -> list[float]:
    found = [float(n.replace(",", "")) for n in re.findall(r"-?\d[\d,]*\.?\d*", answer.answer)]
    for unit, scale in (("万", 1e4), ("亿", 1e8)):
        found += [float(n) * scale for n in re.findall(rf"(\d+\.?\d*){unit}", answer.answer)]
    found += [v / 100 for v in found]  # 39.5% -> 0.395
    for table in answer.tables:  # every call of a listed question has its table
        for value in table.df.select_dtypes("number").to_numpy().ravel().tolist():
            found.append(float(value))
        for value in table.df.select_dtypes(exclude="number").astype(str).to_numpy().ravel().tolist():
            if re.fullmatch(r"-?\d+(?:\.\d+)?", str(value)):  # ids shown as text ("19339") are read as they are seen
                found.append(float(value))
    return found


def _texts(answer: Any) -> str:
    text = answer.answer
    for table in answer.tables:  # every call of a listed question has its table
        text += " " + " ".join(map(str, table.df.astype(str).to_numpy().ravel().tolist()))
    return text


def _close(expected: float, found: list[float], tolerance: Any) -> bool:
    if isinstance(tolerance, dict):
        tol = float(tolerance.get("abs", 0) or 0) or abs(expected) * float(tolerance.get("rel", 0) or 0)
    else:
        tol = float(tolerance or 0)
    tol = max(tol, abs(expected) * 1e-6)
    return any(abs(v - expected) <= tol for v in found)


def right(case: dict[str, Any], answer: Any) -> bool:
    expected, tolerance = case["expected"], case.get("tolerance", 0)
    found, text = _numbers(answer), _texts(answer)

    def check(value: Any) -> bool:
        if isinstance(value, bool):
            return True
        if isinstance(value, (int, float)):
            return _close(float(value), found, tolerance)
        if isinstance(value, str):
            return value in text or bool(re.fullmatch(r"[\d/: -]+", value))  # a timestamp is context
        if isinstance(value, dict):
            return all(check(v) for v in value.values())
        if isinstance(value, list):
            if len(value) == 2 and isinstance(value[0], str) and isinstance(value[1], (int, float)):
                return check(value[1])  # a [label, figure] pair: the figure is the answer, the label the key's
            return all(check(v) for v in value)
        return False

    return check(expected)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--show", action="store_true", help="print the call, answer and expected figures of each miss")
    options = parser.parse_args(argv)
    data = yaml.safe_load((options.folder / "answers.yaml").read_text(encoding="utf-8"))
    os.environ["ASSISTANT_HOME"] = tempfile.mkdtemp(prefix="blind-files-")
    from assistant.engine import Engine
    from assistant.ingest.workspace import import_dataset

    engines: dict[str, Any] = {}
    counts = {"right": 0, "honest": 0, "wrong": 0, "refused": 0, "import_failed": 0}
    for case in data["questions"]:
        name = case["file"]
        if name not in engines:
            try:
                source = options.folder / name
                if " + " in name:  # several exports uploaded together: one folder, as the web upload makes
                    source = Path(tempfile.mkdtemp(prefix="blind-upload-"))
                    for part in name.split(" + "):
                        shutil.copy(options.folder / part, source / part)
                result = import_dataset(source, name="+".join(Path(p).stem[:20] for p in name.split(" + ")))
                engines[name] = Engine(result.dataset.path)
                print(f"# {name}: {result.report.summary('en')[:300]}")
            except Exception as error:  # noqa: BLE001 - an import failure is a result here
                engines[name] = error
                print(f"# {name}: IMPORT FAILED {str(error)[:200]}")
        engine = engines[name]
        if isinstance(engine, Exception):
            outcome = "import_failed"
        else:
            answer = engine.ask(case["q"])
            outcome = ("right" if right(case, answer) else "honest" if answer.not_applied else "wrong") \
                if answer.tool_calls and answer.ok else "refused"
        counts[outcome] += 1
        print(f"{outcome:>13}  {case['id']}  {case['q'][:70]}")
        if options.show and outcome in ("wrong", "honest", "refused"):
            calls = [(c.name, c.args) for c in answer.tool_calls]
            print(f"{'':>15}calls: {calls}\n{'':>15}expected: {case['expected']}")
            print("".join(f"{'':>15}| {line}\n" for line in answer.answer.splitlines()[:14]), end="")
    print(" ".join(f"{k}={v}" for k, v in counts.items()), f"of {len(data['questions'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
