"""segment_strategy: the playbook (data/playbook.yaml, grounded in the seed articles) combined with
this dataset's numbers for the segment: size, shares, value at stake."""

from __future__ import annotations

from typing import Any, Literal

import pandas as pd

from tools import catalog, definitions, fmt
from tools.context import Context
from tools.lifecycle_rules import lifecycle_sql
from tools.registry import tool
from tools.result import ChartSpec, Table, ToolError, ToolResult

Scheme = Literal["rfm", "cn8", "lifecycle"]
SCHEMES: tuple[str, ...] = ("rfm", "cn8", "lifecycle")

# Segments whose revenue is at stake (retention plays) and those with upside (growth plays).
AT_STAKE = {
    "rfm": ["cant_lose", "at_risk", "about_to_sleep", "hibernating"],
    "cn8": ["important_retention", "important_winback"],
    "lifecycle": ["at_risk", "churned"],
}
GROWTH = {
    "rfm": ["potential_loyalists", "new_customers", "promising"],
    "cn8": ["important_development", "general_value"],
    "lifecycle": ["new", "reactivated"],
}
FIELDS = ("who", "goal", "tactics", "channels", "kpis", "budget", "measure", "source")


def playbook_entry(scheme: str, key: str, language: str) -> dict[str, Any]:
    """One playbook entry with every field in `language` (sources stay as file names)."""
    book = catalog.playbook()
    entry = book[scheme][key]
    if language in entry and isinstance(entry[language], dict):
        localized = dict(entry[language])
        localized.setdefault("source", entry.get("source", []))
        return localized
    return {f: (v[language] if isinstance(v, dict) and language in v else v) for f, v in entry.items()}


def _norm(text: str) -> str:
    return " ".join(text.lower().replace("-", " ").replace("_", " ").split())


def resolve_segment(segment: str, scheme: str | None) -> tuple[str, str]:
    """Find (scheme, key) from a key, a display name or an alias; longest alias wins."""
    wanted = _norm(segment)
    schemes = [scheme] if scheme else list(SCHEMES)
    best: tuple[int, str, str] | None = None
    for name in schemes:
        for key, spec in catalog.segments(name).items():
            names = [key, spec["zh"], spec["en"], *spec.get("aliases", [])]
            for alias in map(_norm, names):
                if alias == wanted:
                    return name, key
                if alias and alias in wanted and (best is None or len(alias) > best[0]):
                    best = (len(alias), name, key)
    if best:
        return best[1], best[2]
    known = ", ".join(catalog.segments(schemes[0]))
    raise ToolError(
        "unknown_segment",
        f"Unknown segment '{segment}'. Known segments: {known}.",
        f"无法识别的分群“{segment}”。可用分群：{known}。",
    )


def _lifecycle_customers(ctx: Context) -> tuple[pd.DataFrame, str]:
    sql = lifecycle_sql(ctx.warehouse.anchor_date)
    frame = ctx.warehouse.df(sql)
    renamed = {"stage": "segment", "revenue": "monetary", "revenue_365d": "monetary_365d",
               "days_since_last": "recency_days", "orders": "frequency"}
    return frame.rename(columns=renamed), sql


def segment_table(ctx: Context, scheme: str) -> tuple[pd.DataFrame, str]:
    """Per-segment numbers for a scheme, and the SQL behind them."""
    from tools.rfm import customer_segments, summarise_segments

    if scheme == "lifecycle":
        per_customer, sql = _lifecycle_customers(ctx)
    else:
        per_customer, sql, _ = customer_segments(ctx, scheme)
    return summarise_segments(per_customer, scheme, ctx.language), sql


def _stats_sentence(ctx: Context, row: pd.Series) -> str:
    lang = ctx.language
    stake = ctx.t(f"，近12个月消费 {fmt.money(row['revenue_365d'], lang)}",
                  f", {fmt.money(row['revenue_365d'], lang)} in the last 12 months")
    return ctx.t(
        f"{row['name']}共 {fmt.number(row['customers'], lang)} 人（占有购买客户的 {fmt.percent(row['share'])}），"
        f"贡献 {fmt.percent(row['revenue_share'])} 的收入（{fmt.money(row['revenue'], lang)}{stake}）；"
        f"人均消费 {fmt.money(row['avg_monetary'], lang)}，平均 {fmt.number(row['avg_recency_days'], lang)} 天未购买。",
        f"{row['name']}: {fmt.number(row['customers'], lang)} customers ({fmt.percent(row['share'])} of buyers), "
        f"{fmt.percent(row['revenue_share'])} of revenue ({fmt.money(row['revenue'], lang)}{stake}); "
        f"{fmt.money(row['avg_monetary'], lang)} spent per customer, last purchase "
        f"{fmt.number(row['avg_recency_days'], lang)} days ago on average.",
    )


def _row(table: pd.DataFrame, key: str) -> pd.Series:
    return table.loc[table["segment"] == key].iloc[0]


def headline_actions(ctx: Context, scheme: str, table: pd.DataFrame) -> list[str]:
    """Up to three actions: keep the top revenue segment, save the biggest value at stake, grow."""
    chosen: list[str] = []
    populated = table[table["customers"] > 0]
    if populated.empty:
        return []
    chosen.append(populated.loc[populated["revenue"].idxmax(), "segment"])
    for group in (AT_STAKE[scheme], GROWTH[scheme]):
        candidates = populated[populated["segment"].isin(group) & ~populated["segment"].isin(chosen)]
        if not candidates.empty:
            chosen.append(candidates.loc[candidates["revenue"].idxmax(), "segment"])
    return [_action_line(ctx, scheme, _row(table, key)) for key in chosen]


def _action_line(ctx: Context, scheme: str, row: pd.Series) -> str:
    entry = playbook_entry(scheme, row["segment"], ctx.language)
    lang = ctx.language
    return ctx.t(
        f"{row['name']}（{fmt.number(row['customers'], lang)} 人，贡献 {fmt.percent(row['revenue_share'])} 收入）"
        f"——{entry['goal']}：{entry['tactics'][0]}",
        f"{row['name']} ({fmt.number(row['customers'], lang)} customers, {fmt.percent(row['revenue_share'])} "
        f"of revenue): {entry['goal']}: {entry['tactics'][0]}",
    )


@tool
def segment_strategy(ctx: Context, segment: str | None = None, scheme: Scheme | None = None) -> ToolResult:
    """How should we operate a segment? A playbook (tactics, channels, KPIs, test) with its size and revenue share.

    Who they are: segment_profile; a contact file: export_segment.
    Args:
        segment: key/name in any scheme (e.g. "hibernating", "沉睡客户", "重要价值客户", "churned"); default an overview
            of all RFM segments.
        scheme: rfm | cn8 | lifecycle when the name is ambiguous; default inferred.
    Example: "沉睡客户应该怎么运营？" -> {"segment": "hibernating"};
        "How do we keep our champions?" -> {"segment": "champions"}
    """
    ctx.warehouse.require_tables("orders")
    if segment is None:
        return _overview(ctx, scheme or "rfm")
    scheme, key = resolve_segment(segment, scheme)
    table, sql = segment_table(ctx, scheme)
    row = _row(table, key)
    entry = playbook_entry(scheme, key, ctx.language)
    spec = catalog.segments(scheme)[key]
    rule = spec["rule"][ctx.language]
    answer = "\n".join([  # the segment's numbers first, then who they are and the goal
        _stats_sentence(ctx, row),
        ctx.t(f"{row['name']}（{rule}）", f"{row['name']} ({rule})") + ": " + entry["who"],
        ctx.t(f"运营目标：{entry['goal']}。投入级别：{entry['budget'].rstrip('。.')}。",
              f"Goal: {entry['goal']}. Spend level: {entry['budget'].rstrip('。.')}."),
    ])
    recommendations = [_action_line(ctx, scheme, row), *entry["tactics"][1:]]
    recommendations.append(ctx.t("关注指标：", "Watch: ") + "、".join(entry["kpis"]) if ctx.language == "zh"
                           else "Watch: " + ", ".join(entry["kpis"]))
    recommendations.append(ctx.t("效果评估：", "Measure it: ") + entry["measure"])
    tactics = pd.DataFrame({"step": range(1, len(entry["tactics"]) + 1), "tactic": entry["tactics"]})
    sources = entry.get("source", [])
    return ToolResult(
        answer=answer,
        tables=[Table("segment", row.to_frame().T.reset_index(drop=True)), Table("tactics", tactics),
                Table("segments", table)],
        charts=[ChartSpec("bar", ctx.t("各分群收入占比", "Revenue share per segment"), "segments", "name",
                          "revenue_share")],
        sql=[sql],
        params={"scheme": scheme, "segment": key, "sources": sources},
        recommendations=recommendations,
        definitions=definitions.segments(scheme, ctx.language, [key]),
    )


def _overview_headline(ctx: Context, table: pd.DataFrame) -> str:
    """The number first: how many customers and segments, and the one that brings the most revenue."""
    lang = ctx.language
    if table.empty:
        return ""
    top = table.sort_values("revenue_share", ascending=False, kind="stable").iloc[0]
    total, people = fmt.number(table["customers"].sum(), lang), fmt.number(top["customers"], lang)
    return ctx.t(
        f"{len(table)} 个分群共 {total} 位客户，收入贡献最大的是{top['name']}（{people} 人，"
        f"贡献 {fmt.percent(top['revenue_share'])} 收入）。",
        f"{len(table)} segments, {total} customers; {top['name']} brings the most revenue "
        f"({people} customers, {fmt.percent(top['revenue_share'])} of revenue). ",
    )


def _overview(ctx: Context, scheme: str) -> ToolResult:
    table, sql = segment_table(ctx, scheme)
    goals = [playbook_entry(scheme, key, ctx.language)["goal"] for key in table["segment"]]
    first = [playbook_entry(scheme, key, ctx.language)["tactics"][0] for key in table["segment"]]
    overview = table[["segment", "name", "customers", "share", "revenue_share"]].assign(goal=goals, first_action=first)
    answer = _overview_headline(ctx, table) + ctx.t(
        "各分群的运营目标与首要动作如下表；优先顺序：先守住收入贡献最大的分群，再挽回价值最高的流失风险分群，"
        "最后培育有潜力的分群。",
        "The table gives each segment's goal and first action. Priorities: keep the segment that brings "
        "the most revenue, win back the at-risk segment with the most value at stake, then grow the "
        "promising ones.",
    )
    return ToolResult(
        answer=answer,
        tables=[Table("strategy", overview)],
        charts=[ChartSpec("treemap", ctx.t("各分群客户数", "Customers per segment"), "strategy", "name", "customers")],
        sql=[sql],
        params={"scheme": scheme},
        recommendations=headline_actions(ctx, scheme, table),
        definitions=definitions.segments(scheme, ctx.language),
    )
