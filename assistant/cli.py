"""Command line: ask, tool, tools, sql, chat, demo-data. `--json` prints the public contract."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from assistant.answer import Answer
from assistant.render_text import render_answer
from tools.result import ToolError

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _default_language() -> str:
    return "zh" if os.environ.get("LANG", "").lower().startswith("zh") else "en"


ENGINE_CHOICES = ("duckdb", "spark")  # tools.warehouse.ENGINES, without importing tools on `--help`


def _engine_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--engine", choices=ENGINE_CHOICES, default=None,
                        help="where the SQL runs: duckdb (default) or spark; default: $ASSISTANT_ENGINE")


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", help="a DuckDB file (opened read-only); default: the demo dataset")
    _engine_option(parser)
    parser.add_argument("--json", action="store_true", help="print the JSON contract")
    parser.add_argument("--max-rows", type=int, default=1000,
                        help="rows per table in --json output (0 = all; default 1000)")
    parser.add_argument("--show-sql", action="store_true", help="print the SQL behind the answer")
    parser.add_argument("--export", metavar="FILE",
                        help="also save the answer's tables: .xlsx (one sheet per table) or .csv (the first table)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="assistant", description="Customer analytics for live-streaming e-commerce (offline mode)."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    ask = sub.add_parser("ask", help="answer a question in Chinese or English")
    ask.add_argument("question")
    ask.add_argument("--offline", action="store_true", help="use the offline router even if an LLM is configured")
    _common(ask)
    run = sub.add_parser("tool", help="run one vetted tool")
    run.add_argument("name")
    run.add_argument("--args", default="{}", help="JSON object of arguments")
    run.add_argument("--lang", choices=["zh", "en"], default=None)
    run.add_argument("--include-personal", action="store_true",
                     help="allow personal data (phones, nicknames) in files this tool exports")
    _common(run)
    listing = sub.add_parser("tools", help="list the vetted tools")
    listing.add_argument("--json", action="store_true")
    sql = sub.add_parser("sql", help="run one read-only SELECT")
    sql.add_argument("query")
    sql.add_argument("--limit", type=int, default=None)
    sql.add_argument("--lang", choices=["zh", "en"], default=None)
    _common(sql)
    chat = sub.add_parser("chat", help="ask questions interactively (one per line)")
    chat.add_argument("--data")
    _engine_option(chat)
    chat.add_argument("--offline", action="store_true", help="use the offline router even if an LLM is configured")
    demo = sub.add_parser("demo-data", help="generate the demo dataset")
    demo.add_argument("--customers", type=int, default=None)
    demo.add_argument("--seed", type=int, default=None)
    demo.add_argument("--out", default=None, help="output file (default: the workspace demo file)")
    load = sub.add_parser("import", help="import a CSV/TSV/TXT/XLSX/Parquet export (or a folder of them)")
    load.add_argument("path")
    load.add_argument("--name", help="dataset name (default: from the file name)")
    load.add_argument("--mapping", help="YAML file correcting the proposed column mapping")
    load.add_argument("--dry-run", action="store_true", help="show the mapping and validation report only")
    load.add_argument("--lang", choices=["zh", "en"], default=None)
    load.add_argument("--json", action="store_true")
    sub.add_parser("datasets", help="list the datasets in the workspace")
    scoring = sub.add_parser("eval", help="score a YAML question set in offline mode (accuracy per tool)")
    scoring.add_argument("file", help="YAML cases: q, tool, optional args (like ../shared/eval/dev_questions.yaml)")
    scoring.add_argument("--data", help="dataset to answer on (default: the demo dataset)")
    _engine_option(scoring)
    scoring.add_argument("--json", action="store_true")
    scoring.add_argument("--min-accuracy", type=float, default=None,
                         help="exit with status 1 when overall accuracy is below this (0-1)")
    mcp = sub.add_parser("mcp", help="serve the vetted tools to an MCP client over stdio")
    mcp.add_argument("--data", help="dataset name or DuckDB file; default: the demo dataset")
    _engine_option(mcp)
    serve = sub.add_parser("serve", help="start the web app and the HTTP API (JSON, OpenAI-compatible, MCP, bots)")
    serve.add_argument("--data", help="a DuckDB file (opened read-only); default: the demo dataset")
    _engine_option(serve)
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=7860, help="port (default 7860)")
    return parser


def _save_tables(answer: Answer, target: str) -> None:
    """--export: the answer's (already masked) tables as a formula-safe file."""
    from pathlib import Path

    from assistant.answer import ExportedFile
    from tools.exports import table_bytes, workbook_bytes

    path = Path(target)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise ToolError("bad_export_format", f"--export needs a .csv or .xlsx file name, not '{path.name}'.",
                        f"--export 的文件名需以 .csv 或 .xlsx 结尾，而不是“{path.name}”。")
    if not answer.tables:
        return
    if suffix == ".csv":
        data, rows = table_bytes(answer.tables[0].df, "csv"), len(answer.tables[0].df)
    else:
        data = workbook_bytes([(t.name, t.df) for t in answer.tables])
        rows = sum(len(t.df) for t in answer.tables)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    answer.files.append(ExportedFile(path.name, str(path.resolve()), suffix[1:], rows, False))


def _emit(answer: Answer, args: argparse.Namespace) -> int:
    if getattr(args, "export", None) and answer.ok:
        _save_tables(answer, args.export)
    if args.json:
        max_rows = None if args.max_rows == 0 else args.max_rows
        print(json.dumps(answer.to_json(max_rows), ensure_ascii=False, indent=2))
    else:
        print(render_answer(answer, show_sql=args.show_sql))
    return EXIT_OK if answer.ok else EXIT_FAILED


def _fail(error: ToolError, language: str, as_json: bool) -> int:
    answer = Answer(error.message(language), language, error={"code": error.code,
                                                               "message": error.message(language)})
    if as_json:
        print(json.dumps(answer.to_json(), ensure_ascii=False, indent=2))
    else:
        print(answer.answer, file=sys.stderr)
    return EXIT_FAILED


def _engine(args: argparse.Namespace):  # noqa: ANN202 - keeps heavy imports off `--help`
    from assistant.config import with_advice
    from assistant.engine import Engine

    try:
        # One command, one person's own process: its SQL runs here rather than in a worker process,
        # which would cost a second interpreter's start (the server keeps its workers).
        return Engine(args.data, sql_workers=0)
    except ToolError as error:
        raise with_advice(error) from None


def _run_tool(args: argparse.Namespace) -> int:
    language = args.lang or _default_language()
    try:
        tool_args: Any = json.loads(args.args)
    except json.JSONDecodeError as error:
        raise ToolError(
            "bad_arguments", f"--args is not valid JSON: {error}", f"--args 不是合法的 JSON：{error}"
        ) from None
    if not isinstance(tool_args, dict):
        raise ToolError("bad_arguments", "--args must be a JSON object.", "--args 必须是 JSON 对象。")
    if args.include_personal:
        tool_args.setdefault("include_personal", True)
    answer = _engine(args).run_tool(args.name, tool_args, language, allow_personal=args.include_personal)
    return _emit(answer, args)


def _list_tools(args: argparse.Namespace) -> int:
    from tools.registry import all_tools

    tools = all_tools()
    if args.json:
        payload = [{"name": t.name, "description": t.description, "parameters": t.json_schema()} for t in tools]
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        for t in tools:
            print(f"{t.name:18} {t.summary()}")
    return EXIT_OK


def _conversation(args: argparse.Namespace):  # noqa: ANN202 - keeps heavy imports off `--help`
    """The LLM agent when one is configured (and not --offline), else the offline router."""
    from assistant.agent import llm_configured
    from assistant.conversation import Conversation, OfflineStrategy

    engine = _engine(args)
    if args.offline or not llm_configured():
        return Conversation(engine, OfflineStrategy())
    from assistant.agent import strategy_from_env

    return Conversation(engine, strategy_from_env(engine))


def _answer(conversation, question: str) -> Answer:  # noqa: ANN001
    from assistant.conversation import Final, Notice

    final = None
    for event in conversation.stream(question):
        if isinstance(event, Notice):
            print(event.text, file=sys.stderr)
        elif isinstance(event, Final):
            final = event.answer
    return final


def _chat(args: argparse.Namespace) -> int:
    from assistant.conversation import picked_option

    conversation = _conversation(args)
    print("Ask a question (Chinese or English); an empty line or Ctrl-D quits. 输入问题，空行退出。")
    last: Answer | None = None
    for line in sys.stdin:
        question = picked_option(last, line.strip())
        if not question:
            break
        last = _answer(conversation, question)
        print(render_answer(last), end="\n\n", flush=True)
    return EXIT_OK


def _demo_data(args: argparse.Namespace) -> int:
    from assistant.config import workspace
    from data.demo import DEFAULT_CUSTOMERS, DEFAULT_SEED, build_demo

    out = args.out or str(workspace() / "demo.duckdb")
    customers = args.customers or DEFAULT_CUSTOMERS
    seed = DEFAULT_SEED if args.seed is None else args.seed
    print(f"Building {customers:,} customers (seed {seed}) into {out} ...", file=sys.stderr)
    build_demo(out, customers=customers, seed=seed)
    print(out)
    return EXIT_OK


def _import(args: argparse.Namespace) -> int:
    from assistant.ingest.report_text import import_json, import_text
    from assistant.ingest.workspace import import_dataset
    from tools.privacy import mask_text

    language = args.lang or _default_language()
    result = import_dataset(args.path, args.name, args.mapping, dry_run=args.dry_run)
    if args.json:
        print(mask_text(json.dumps(import_json(result, language), ensure_ascii=False, indent=2)))
    else:
        print(mask_text(import_text(result, language)))  # file and column names can hold a phone number
    return EXIT_OK


def _evaluate(args: argparse.Namespace) -> int:
    from assistant.conversation import Conversation, OfflineStrategy
    from assistant.evaluation import evaluate, load_cases

    try:
        cases = load_cases(args.file)
    except (OSError, ValueError, yaml_error()) as error:
        raise ToolError("bad_eval_file", f"Cannot read the question set: {error}",
                        f"无法读取问题集：{error}") from None
    engine = _engine(args)
    report = evaluate(cases, lambda: Conversation(engine, OfflineStrategy()))
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    else:
        print(report.text())
    if args.min_accuracy is not None and report.accuracy < args.min_accuracy:
        return EXIT_FAILED
    return EXIT_OK


def yaml_error() -> type[Exception]:
    import yaml

    return yaml.YAMLError


def _list_datasets(args: argparse.Namespace) -> int:
    from assistant.ingest.workspace import list_datasets

    for info in list_datasets().values():
        rows = ", ".join(f"{table} {count:,}" for table, count in info.rows.items())
        print(f"{info.name:24} {info.imported_at}  {rows}  <- {info.source}")
    return EXIT_OK


def entry() -> int:
    """The `assistant` command: its stdout is its output alone (tools.stdout_guard), then main."""
    from tools.stdout_guard import reserve_text_stdout

    reserve_text_stdout()
    return main()


def main(argv: list[str] | None = None) -> int:
    try:
        return _main(argv)
    except BrokenPipeError:  # output piped into `head` and the reader left: not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


def _main(argv: list[str] | None) -> int:
    args = build_parser().parse_args(argv)
    language = _default_language()
    if getattr(args, "engine", None):
        # The option overrides the setting for this process: every Engine opened below follows it.
        os.environ["ASSISTANT_ENGINE"] = args.engine
    try:
        if args.command == "ask":
            return _emit(_answer(_conversation(args), args.question), args)
        if args.command == "tool":
            return _run_tool(args)
        if args.command == "tools":
            return _list_tools(args)
        if args.command == "sql":
            engine = _engine(args)
            return _emit(engine.sql(args.query, args.lang or language, args.limit), args)
        if args.command == "chat":
            return _chat(args)
        if args.command == "import":
            return _import(args)
        if args.command == "datasets":
            return _list_datasets(args)
        if args.command == "eval":
            return _evaluate(args)
        if args.command == "mcp":
            from assistant.mcp_server import run_stdio

            run_stdio(args.data)
            return EXIT_OK
        if args.command == "serve":
            from assistant.server import serve

            serve(args.data, args.host, args.port)
            return EXIT_OK
        return _demo_data(args)
    except ToolError as error:
        return _fail(error, language, getattr(args, "json", False))


if __name__ == "__main__":
    sys.exit(entry())
