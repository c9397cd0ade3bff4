"""The offline pipeline shared by every front end: question -> router -> vetted tool -> Answer."""

from __future__ import annotations

import dataclasses
import logging
import os
from pathlib import Path
from typing import Any

import pandas as pd

from assistant.answer import Answer, ToolCall
from assistant.config import resolve_data, sealing
from assistant.exporting import personal_data_note, write_export
from assistant.help import examples_reply, unavailable_reply
from assistant.router import DataVocabulary, Route, detect_language, route
from assistant.router.audit import describe_dropped
from assistant.router.limits import Limit, find_limit
from assistant.router.names import find_unknown_names
from assistant.router.suggest import nearest
from tools import catalog, fmt
from tools.context import Context
from tools.privacy import mask_frame, mask_text
from tools.registry import REGISTRY, call_tool, load_builtin_tools
from tools.result import Table, ToolError, ToolResult
from tools.warehouse import open_warehouse

log = logging.getLogger("assistant")
MAX_QUESTION_CHARS = 4000


class Engine:
    """Answers questions and tool calls against one dataset without any LLM."""

    def __init__(self, data: str | os.PathLike[str] | None = None, engine: str | None = None, *,
                 sql_workers: int | None = None):
        """`engine`: "duckdb" or "spark" (default: ASSISTANT_ENGINE, else duckdb). `sql_workers`:
        processes for written SQL (tools.warehouse.Warehouse); a one-shot CLI command uses none."""
        self.data_path: Path = resolve_data(data)
        self.warehouse = open_warehouse(self.data_path, engine, sealing(), sql_workers)
        load_builtin_tools()
        from assistant.ingest.workspace import dataset_caveats  # noqa: PLC0415 - pandas-heavy import module

        self.caveats = dataset_caveats(self.data_path)

    def close(self) -> None:
        self.warehouse.close()

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def mask_text(self, text: str) -> str:
        """Text from outside the tools (a model's reply) masked: phone numbers, e-mails and ID
        numbers by pattern, and this dataset's customers' names by their digests (tools.sealing).
        Remembered for a while: a conversation's earlier replies are masked again on every call."""
        cache = self.__dict__.setdefault("_masked", {})
        if text not in cache:
            if len(cache) >= 256:
                cache.pop(next(iter(cache)))
            cache[text] = self.warehouse.name_mask(mask_text(text))
        return cache[text]

    def tool_names(self) -> set[str]:
        return set(REGISTRY)

    @property
    def vocabulary(self) -> DataVocabulary:
        """Host / product / category / brand / province names in the data, read once for the router."""
        if getattr(self, "_vocabulary", None) is None:
            self._vocabulary = DataVocabulary.from_warehouse(self.warehouse)
        return self._vocabulary

    def ask(self, question: str, language: str | None = None, steps: list[Answer] | None = None) -> Answer:
        """`steps`, when given, receives each tool call's own answer before they are merged into one
        (a front end shows each call as its own step, with its own SQL and chart)."""
        language = language or detect_language(question)
        if len(question) > MAX_QUESTION_CHARS:
            return _error_answer(
                ToolError(
                    "question_too_long",
                    f"The question is {len(question):,} characters; the limit is {MAX_QUESTION_CHARS:,}.",
                    f"问题长度为 {len(question):,} 个字符，超过上限 {MAX_QUESTION_CHARS:,}。",
                ),
                language,
            )
        if not question.strip():
            return Answer(examples_reply(language, empty=True), language)
        if (limit := find_limit(question, self.vocabulary.figures)) is not None:
            return limit_answer(limit, language)
        routed = route(question, self.vocabulary)
        if routed is None:
            unknown = find_unknown_names(question, self.vocabulary)
            if unknown:
                return not_found(Route("", {}, language, question=question, unknown=unknown), language)
            return not_understood(question, language)
        return self.answer_route(routed, language, steps)

    def answer_route(self, routed: Route, language: str | None = None, steps: list[Answer] | None = None) -> Answer:
        """Answer an already-routed question (a follow-up, an option picked): no routing again."""
        language = language or routed.language
        if routed.tool not in REGISTRY:
            answer = Answer(unavailable_reply(routed.tool, language), language)
            answer.tool_calls = [ToolCall(routed.tool, routed.args)]
            answer.error = {"code": "tool_unavailable", "message": answer.answer}
            return answer
        if routed.unknown:
            return not_found(routed, language)
        answer = _kept(self.run_tool(routed.tool, routed.args, language), steps)
        for args in routed.also:  # "GMV、订单数和客单价": each listed measure, one answer
            if answer.ok:
                answer = merge_answers(answer, _kept(self.run_tool(routed.tool, args, language), steps))
        if routed.dropped:
            name_the_dropped(answer, routed, language)
        before = answer
        for ask in routed.more:  # "…多少单？观看人数合计多少？": each further ask answered in turn
            if ask.of_leader:
                ask = about_the_leader(ask, before)
            part, before = before, self.answer_route(ask, language, steps)
            line = share_line(part, before, ask.args["metric"], language) if ask.share_of_earlier else None
            answer = merge_answers(answer, before)
            if line:
                answer.answer += "\n" + line
        return answer

    def run_tool(self, name: str, args: dict[str, Any] | None = None, language: str = "en",
                 allow_personal: bool = False) -> Answer:
        """Run one tool. `allow_personal` is set only by a front end acting on a person's explicit
        request (a CLI flag, a ticked box); the router and the model can never set it."""
        call = ToolCall(name, dict(args or {}))
        try:
            result = call_tool(Context(self.warehouse, language), name, call.args)
        except ToolError as error:
            answer = _error_answer(error, language)
            answer.tool_calls = [call]
            return answer
        except Exception:  # never show a stack trace to a person; keep it in the log
            log.exception("tool %s failed", name)
            answer = _error_answer(
                ToolError(
                    "internal_error",
                    "Something went wrong while computing this answer. Please rephrase or try again.",
                    "计算这个答案时出错了，请换个问法或稍后再试。",
                ),
                language,
            )
            answer.tool_calls = [call]
            return answer
        call.resolved = result.params
        answer = _from_result(result, call, language)
        if self.caveats and rests_on_customers(name, call.args):
            lead = ("⚠️ 数据提醒：" if language == "zh" else "⚠️ About this data: ")
            answer.caveats = [{"code": c["code"], "message": c.get(language, c["en"])} for c in self.caveats]
            answer.answer = lead + " ".join(c["message"] for c in answer.caveats) + "\n\n" + answer.answer
        for request in result.files:
            exported = write_export(result, request, allow_personal, self.warehouse.path)
            answer.files.append(exported)
            note = personal_data_note(exported, request.personal, language)
            answer.answer += (" " if language == "en" else "") + note
        return answer

    def sql(self, query: str, language: str = "en", limit: int | None = None) -> Answer:
        args: dict[str, Any] = {"sql": query}
        if limit is not None:
            args["limit"] = limit
        return self.run_tool("run_sql", args, language)


# Figures that count or follow customers: a doubtful customer key (an import caveat) makes them doubtful too.
# Order and session totals (GMV, orders, AOV, live figures, baskets, forecasts) do not depend on it.
_ORDER_METRICS = {"gmv", "net_sales", "orders", "aov", "net_aov", "refund_rate"}
_CUSTOMER_ATTRIBUTES = {"customer", "segment", "region", "gender", "age_band", "channel"}
_ORDER_TOOLS = {"describe_data", "live_performance", "funnel", "product_associations", "sales_forecast"}


def about_the_leader(ask: Route, before: Answer) -> Route:
    """The ask narrowed to the group the earlier answer ranks first (its table's first row); where that answer has
    no such row (it failed, or found nothing), the ask is answered for each group, which the leader is among."""
    column = ask.of_leader
    frame = before.table() if before.ok and before.tables else None
    if frame is None or column not in frame.columns or frame.empty or pd.isna(frame[column].iloc[0]):
        if "dimension" not in REGISTRY[ask.tool].args_model.model_fields:
            return dataclasses.replace(ask, of_leader=None)
        return dataclasses.replace(ask, args={**ask.args, "dimension": column},
                                   also=[{**a, "dimension": column} for a in ask.also], of_leader=None)
    leader = frame[column].iloc[0]
    leader = leader.item() if hasattr(leader, "item") else leader
    def narrowed(args: dict[str, Any]) -> dict[str, Any]:
        fields = REGISTRY[ask.tool].args_model.model_fields
        if column in fields:  # live_performance names its host
            return {**args, column: leader}
        if column == "customer" and "customer_id" in fields:  # a customer's own profile or picks
            return {**args, "customer_id": int(leader) if str(leader).isdigit() else leader}
        return {**args, "filters": {**(args.get("filters") or {}), column: leader}}

    return dataclasses.replace(ask, args=narrowed(ask.args), also=[narrowed(a) for a in ask.also], of_leader=None,
                               matched=ask.matched + [f"{column}={leader}, first in the earlier answer"])


def rests_on_customers(tool: str, args: dict[str, Any]) -> bool:
    if tool in _ORDER_TOOLS:
        return False
    if tool == "metric_query":
        filters = args.get("filters") or {}
        return args.get("metric", "gmv") not in _ORDER_METRICS or args.get("dimension") in _CUSTOMER_ATTRIBUTES \
            or bool(_CUSTOMER_ATTRIBUTES & set(filters))
    if tool == "run_sql":
        return "customer" in str(args.get("sql", "")).lower()
    return True


def not_understood(question: str, language: str) -> Answer:
    """The nearest understood questions, offered as options, instead of a fixed list."""
    options = nearest(question, language)
    lead = ("抱歉，我没能理解这个问题。下面是意思最接近、我能回答的问题，点一下即可提问："
            if language == "zh" else
            "Sorry, I could not place that question. These are the nearest questions I can answer; pick one to ask it:")
    answer = Answer(lead, language)
    answer.options = [{"label": q, "question": q} for q in options]
    return answer


def limit_answer(limit: Limit, language: str) -> Answer:
    """A request declined, or a question the data cannot answer: said as such, with what can be asked."""
    text = limit.reply_zh if language == "zh" else limit.reply_en
    answer = Answer(text, language)
    answer.error = {"code": "declined" if limit.kind == "decline" else "unanswerable", "message": text}
    instead = limit.instead_zh if language == "zh" else limit.instead_en
    answer.options = [{"label": q, "question": q} for q in instead]
    return answer


def not_found(routed: Route, language: str) -> Answer:
    """A host or product the data does not have: said plainly, with the nearest names as the same question
    about them. Never another name's figures."""
    lines, options = [], []
    for name in routed.unknown:
        kind = {"host": ("主播", "host"), "product": ("商品", "product"), "category": ("品类", "category"),
                "brand": ("品牌", "brand"), "session": ("直播场次", "live session"),
                "channel": ("获客渠道", "acquisition channel")}[name.kind]
        near = "、".join(name.nearest) if language == "zh" else ", ".join(name.nearest)
        lines.append(f"数据里没有名为“{name.name}”的{kind[0]}。最接近的{kind[0]}：{near}。" if language == "zh" else
                     f"There is no {kind[1]} named “{name.name}” in this data. The nearest {kind[1]}s: {near}.")
        options += [routed.question.replace(name.name, other) for other in name.nearest[:2]]
    answer = Answer("\n".join(lines), language)
    answer.options = [{"label": q, "question": q} for q in dict.fromkeys(options)]
    answer.not_applied = [{"kind": "unknown_name", "phrase": n.name, "detail": n.kind} for n in routed.unknown]
    return answer


def _kept(answer: Answer, steps: list[Answer] | None) -> Answer:
    """Record one call's own answer as it was before merging (merge_answers extends the first in place)."""
    if steps is not None:
        lists = {f.name: list(getattr(answer, f.name)) for f in dataclasses.fields(answer)
                 if isinstance(getattr(answer, f.name), list)}
        steps.append(dataclasses.replace(answer, **lists))
    return answer


def merge_answers(first: Answer, more: Answer) -> Answer:
    """One answer for two calls of a listed question: texts in order (a shared data caveat said once), every
    call, table, chart, SQL and definition kept. An error in the second is said, the first still stands."""
    # run_tool leads an answer with the dataset's caveats in a paragraph of their own: said once, by the first
    text = more.answer.split("\n\n", 1)[-1] if more.caveats else more.answer
    first.answer = first.answer + "\n\n" + text.strip()
    first.tool_calls += more.tool_calls
    taken = {t.name for t in first.tables}
    renamed = {}
    for table in more.tables:  # two calls may name their tables alike: each chart keeps its own table
        name, n = table.name, 2
        while name in taken:
            name, n = f"{table.name}_{n}", n + 1
        renamed[table.name] = name
        taken.add(name)
        first.tables.append(dataclasses.replace(table, name=name))
    first.charts += [dataclasses.replace(c, table=renamed.get(c.table, c.table)) for c in more.charts]
    first.files += more.files
    first.not_applied += more.not_applied
    first.options += [o for o in more.options if o not in first.options]
    first.assumptions += [a for a in more.assumptions if a not in first.assumptions]
    first.sql += more.sql
    first.recommendations += [r for r in more.recommendations if r not in first.recommendations]
    names = {d.get("name") for d in first.definitions}
    first.definitions += [d for d in more.definitions if d.get("name") not in names]
    return first


# Measures whose parts add up to the whole: a share of them is a share (not an average, a rate or new buyers).
_PARTS_OF_A_WHOLE = {"gmv", "net_sales", "orders", "buyers", "units", "lines", "refund_amount", "refunded_lines"}


def share_line(part: Answer, whole: Answer, metric: str, language: str) -> str | None:
    """The earlier figure as a share of the whole a later ask measured ("41 / 646 = 6.3%"), when each answer is
    that one figure (the last table of the earlier answer, the first of the whole's)."""
    def one(answer: Answer, index: int) -> float | None:
        if not answer.ok or not answer.tables:
            return None
        frame = answer.tables[index].df
        if len(frame) != 1 or metric not in frame.columns or pd.isna(frame.iloc[0][metric]):
            return None
        return float(frame.iloc[0][metric])

    numerator, denominator = one(part, -1), one(whole, 0)
    kinds = (part.tool_calls[-1].args.get("filters") or {}).get("status") if part.tool_calls else None
    if numerator is None or not denominator or metric not in _PARTS_OF_A_WHOLE \
            or set(kinds if isinstance(kinds, list) else [kinds]) & {"cancelled", "unpaid", "cancelled/unpaid"}:
        return None  # (an average or a rate is no part of a whole; cancelled orders are outside the paid ones)
    unit = catalog.metric(metric)["unit"]
    a, b = (fmt.exact(v, unit, language, reading=False) for v in (numerator, denominator))
    share = fmt.percent(numerator / denominator)
    return f"占比：{a} / {b} = {share}。" if language == "zh" else f"Share: {a} of {b} = {share}."


def name_the_dropped(answer: Answer, routed: Route, language: str) -> None:
    """Say which parts of the question the answer does not apply, first, and offer the nearest questions
    of other tools (the ones that may honour them)."""
    answer.not_applied = [d.to_json() for d in routed.dropped]
    sentence = describe_dropped(routed.dropped, language)
    answer.answer = sentence + ("\n\n" if answer.answer else "") + answer.answer
    answer.options = [{"label": q, "question": q} for q in nearest(routed.question, language, 2, (routed.tool,))]


def _from_result(result: ToolResult, call: ToolCall, language: str) -> Answer:
    """Every answer leaves the engine with personal data masked, whichever tool or SQL made it."""
    return Answer(
        answer=mask_text(result.answer),
        language=language,
        tool_calls=[call],
        tables=[Table(t.name, mask_frame(t.df), t.truncated) for t in result.tables],
        charts=result.charts,
        sql=result.sql,
        recommendations=[mask_text(r) for r in result.recommendations],
        definitions=list(result.definitions),
    )


def _error_answer(error: ToolError, language: str) -> Answer:
    message = mask_text(error.message(language))  # errors quote what was asked ("no customer 138...")
    return Answer(message, language, error={"code": error.code, "message": message})
