"""lifecycle_stages: new / active / repeat / at risk / churned / reactivated, with configurable
windows, and how customers moved between stages since the previous month end.

The stage rules live in tools/lifecycle_rules.py (names and priorities in data/segments.yaml);
this tool runs them twice (now and at the previous month end) and compares."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pandas as pd

from tools import catalog, definitions, fmt
from tools.context import Context
from tools.lifecycle_rules import LifecycleWindows, lifecycle_sql
from tools.registry import tool
from tools.result import ChartSpec, Table, ToolError, ToolResult
from tools.timewindow import PeriodError, resolve_period

NOT_YET = "not_yet_customer"  # from_stage of customers whose first purchase came after the earlier date
AT_STAKE = ("at_risk", "churned")


def _stage_names(language: str) -> dict[str, str]:
    names = {key: spec[language] for key, spec in catalog.segments("lifecycle").items()}
    names[NOT_YET] = "尚未购买" if language == "zh" else "Not yet a buyer"
    return names


def _check_windows(new_days: int, active_days: int, churn_days: int) -> LifecycleWindows:
    if not (0 < new_days <= active_days < churn_days):
        raise ToolError(
            "bad_arguments",
            f"Lifecycle windows must satisfy 0 < new_days <= active_days < churn_days "
            f"(got {new_days} / {active_days} / {churn_days}).",
            f"生命周期窗口需满足 0 < new_days <= active_days < churn_days"
            f"（当前为 {new_days} / {active_days} / {churn_days}）。",
        )
    return LifecycleWindows(new_days, active_days, churn_days)


def _resolve_as_of(ctx: Context, as_of: str | None) -> date:
    wh = ctx.warehouse
    anchor = wh.anchor_date
    if as_of is None or not str(as_of).strip():
        return anchor
    text = str(as_of).strip()
    try:
        day = date.fromisoformat(text)
    except ValueError:
        try:
            window = resolve_period(text, anchor, wh.first_date)
        except PeriodError as error:
            raise ToolError("bad_period", str(error), f"无法识别的日期：{as_of}。{error}") from None
        day = window.end or anchor
    if day > anchor:
        raise ToolError(
            "bad_period",
            f"as_of {day.isoformat()} is after the data's last order date ({anchor.isoformat()}).",
            f"日期 {day.isoformat()} 晚于数据的最后下单日期（{anchor.isoformat()}）。",
        )
    first = wh.first_date
    if first is not None and day < first:
        raise ToolError(
            "bad_period",
            f"as_of {day.isoformat()} is before the first order ({first.isoformat()}); no customers yet.",
            f"日期 {day.isoformat()} 早于第一笔订单（{first.isoformat()}），当时还没有客户。",
        )
    return day


def previous_month_end(day: date) -> date:
    return day.replace(day=1) - timedelta(days=1)


def movement_sql(as_of: date, earlier: date, windows: LifecycleWindows) -> str:
    """One row per purchasing customer at `as_of` with its stage then and at `earlier`."""
    return f"""SELECT cur.customer_id, cur.orders, cur.revenue, cur.revenue_365d, cur.days_since_last,
  cur.days_since_first, cur.gap_before_last, cur.stage, coalesce(prev.stage, '{NOT_YET}') AS previous_stage
FROM ({lifecycle_sql(as_of, windows)}) AS cur
LEFT JOIN ({lifecycle_sql(earlier, windows)}) AS prev USING (customer_id)
ORDER BY cur.customer_id"""


def _summary(per_customer: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    keys = list(catalog.segments("lifecycle"))
    grouped = per_customer.groupby("stage").agg(
        customers=("customer_id", "size"),
        revenue=("revenue", "sum"),
        revenue_365d=("revenue_365d", "sum"),
        avg_days_since_last=("days_since_last", "mean"),
        avg_orders=("orders", "mean"),
    ).reindex(keys)
    for column in ("customers", "revenue", "revenue_365d"):
        grouped[column] = grouped[column].fillna(0)
    grouped["customers"] = grouped["customers"].astype(int)
    previous = per_customer["previous_stage"].value_counts().reindex(keys).fillna(0).astype(int)
    total_customers = max(int(grouped["customers"].sum()), 1)
    total_revenue = float(grouped["revenue"].sum()) or 1.0
    grouped["share"] = (grouped["customers"] / total_customers).round(4)
    grouped["revenue_share"] = (grouped["revenue"] / total_revenue).round(4)
    grouped["previous_customers"] = previous
    grouped["change"] = grouped["customers"] - grouped["previous_customers"]
    grouped = grouped.reset_index().rename(columns={"index": "stage"})
    grouped.insert(1, "name", grouped["stage"].map(names))
    for column in ("revenue", "revenue_365d"):
        grouped[column] = grouped[column].round(2)
    grouped["avg_days_since_last"] = grouped["avg_days_since_last"].round(1)
    grouped["avg_orders"] = grouped["avg_orders"].round(2)
    return grouped[["stage", "name", "customers", "share", "revenue", "revenue_share", "revenue_365d",
                    "avg_days_since_last", "avg_orders", "previous_customers", "change"]]


def _transitions(per_customer: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    order = [NOT_YET, *catalog.segments("lifecycle")]
    counts = (per_customer.groupby(["previous_stage", "stage"]).size()
              .rename("customers").reset_index()
              .rename(columns={"previous_stage": "from_stage", "stage": "to_stage"}))
    from_totals = counts.groupby("from_stage")["customers"].transform("sum")
    counts["share_of_from"] = (counts["customers"] / from_totals).round(4)
    rank = {key: i for i, key in enumerate(order)}
    counts = counts.sort_values(["from_stage", "to_stage"], key=lambda s: s.map(rank)).reset_index(drop=True)
    counts.insert(1, "from_name", counts["from_stage"].map(names))
    counts.insert(3, "to_name", counts["to_stage"].map(names))
    counts["customers"] = counts["customers"].astype(int)
    return counts[["from_stage", "from_name", "to_stage", "to_name", "customers", "share_of_from"]]


def _moved(transitions: pd.DataFrame, to_stage: str, from_stages: tuple[str, ...] | None = None) -> int:
    rows = transitions[(transitions["to_stage"] == to_stage) & (transitions["from_stage"] != to_stage)]
    if from_stages is not None:
        rows = rows[rows["from_stage"].isin(from_stages)]
    return int(rows["customers"].sum())


@tool
def lifecycle_stages(
    ctx: Context,
    new_days: int = 30,
    active_days: int = 90,
    churn_days: int = 180,
    as_of: str | None = None,
) -> ToolResult:
    """Which lifecycle stage are customers in? new/active/repeat/at_risk/churned/reactivated: counts, revenue, moves.

    Recency rules on purchase dates. RFM scores are rfm_segments; predicted churn per customer is churn_risk.
    Args:
        new_days: first purchase within this many days = new (default 30).
        active_days: bought within this many days = active/repeat, older = at_risk (default 90).
        churn_days: no purchase for longer = churned (default 180).
        as_of: evaluation day ("2026-10-31", or a period token: its last day); default the last order date.
    Example: "流失客户有多少？" -> {};
        "Lifecycle stages at the end of June, churned after 120 days" -> {"as_of": "2026-06", "churn_days": 120}
    """
    windows = _check_windows(new_days, active_days, churn_days)
    ctx.warehouse.require_tables("orders")
    day = _resolve_as_of(ctx, as_of)
    earlier = previous_month_end(day)
    lang = ctx.language
    names = _stage_names(lang)
    sql = movement_sql(day, earlier, windows)
    per_customer = ctx.warehouse.df(sql)
    if per_customer.empty:
        raise ToolError(
            "no_data",
            f"No paid orders up to {day.isoformat()}, so there are no lifecycle stages to report.",
            f"截至 {day.isoformat()} 没有已支付订单，无法划分生命周期阶段。",
        )
    per_customer["stage_name"] = per_customer["stage"].map(names)
    per_customer["previous_stage_name"] = per_customer["previous_stage"].map(names)
    summary = _summary(per_customer, names)
    transitions = _transitions(per_customer, names)
    answer = _answer(ctx, summary, transitions, windows, day, earlier)
    return ToolResult(
        answer=answer,
        tables=[Table("stages", summary), Table("transitions", transitions),
                Table("customers", per_customer)],
        charts=[
            ChartSpec("bar", ctx.t("各生命周期阶段客户数", "Customers per lifecycle stage"), "stages",
                      "name", "customers"),
            ChartSpec("heatmap", ctx.t(f"阶段流转（{earlier.isoformat()} → {day.isoformat()}）",
                                       f"Stage movement ({earlier.isoformat()} -> {day.isoformat()})"),
                      "transitions", "from_name", "customers", "to_name"),
        ],
        sql=[sql],
        params={"as_of": day.isoformat(), "previous": earlier.isoformat(),
                "windows": {"new_days": new_days, "active_days": active_days, "churn_days": churn_days},
                "at_stake": _at_stake(summary),
                # movements since the previous month end, as the answer and recommendations cite them
                "moved_in": {stage: _moved(transitions, stage) for stage in summary["stage"]},
                "first_purchases": _moved(transitions, "new", (NOT_YET,))},
        recommendations=_recommendations(ctx, summary, transitions, earlier),
        definitions=definitions.segments("lifecycle", ctx.language),
    )


def _at_stake(summary: pd.DataFrame) -> dict[str, Any]:
    """At risk + churned together, as the answer cites them."""
    stake = summary[summary["stage"].isin(AT_STAKE)]
    customers = int(stake["customers"].sum())
    return {"stages": list(AT_STAKE), "customers": customers,
            "share": round(customers / max(int(summary["customers"].sum()), 1), 4),
            "revenue_365d": round(float(stake["revenue_365d"].sum()), 2)}


def _row(summary: pd.DataFrame, key: str) -> pd.Series:
    return summary.loc[summary["stage"] == key].iloc[0]


def _answer(ctx: Context, summary: pd.DataFrame, transitions: pd.DataFrame, windows: LifecycleWindows,
            day: date, earlier: date) -> str:
    lang = ctx.language
    total = int(summary["customers"].sum())
    sep = "、" if lang == "zh" else "; "
    sizes = sep.join(
        f"{r.name} {fmt.number(r.customers, lang)}" + ("人" if lang == "zh" else "")
        + (f"（{fmt.percent(r.share)}）" if lang == "zh" else f" ({fmt.percent(r.share)})")
        for r in summary.itertuples()
    )
    stake = _at_stake(summary)
    stake_n, stake_share, stake_365 = stake["customers"], stake["share"], stake["revenue_365d"]
    slipping = _moved(transitions, "at_risk")
    churning = _moved(transitions, "churned")
    back = _moved(transitions, "reactivated")
    new = _moved(transitions, "new", (NOT_YET,))
    w = windows
    return ctx.t(
        f"截至 {day.isoformat()}，共 {fmt.number(total, lang)} 位有购买的客户（新客期≤{w.new_days}天、"
        f"活跃≤{w.active_days}天、流失>{w.churn_days}天）。各阶段：{sizes}。"
        f"流失预警期与流失期合计 {fmt.number(stake_n, lang)} 人（占 {fmt.percent(stake_share)}），"
        f"他们近12个月消费 {fmt.money(stake_365, lang)}。"
        f"与上月末（{earlier.isoformat()}）相比：{fmt.number(slipping, lang)} 人新进入流失预警期，"
        f"{fmt.number(churning, lang)} 人转为流失期，{fmt.number(back, lang)} 人回流，"
        f"新增首购客户 {fmt.number(new, lang)} 人。",
        f"As of {day.isoformat()}, {fmt.number(total, lang)} purchasing customers (new <= {w.new_days} days, "
        f"active <= {w.active_days} days, churned > {w.churn_days} days). Stages: {sizes}. "
        f"At risk and churned together: {fmt.number(stake_n, lang)} customers ({fmt.percent(stake_share)}), "
        f"who spent {fmt.money(stake_365, lang)} in the last 12 months. "
        f"Since the previous month end ({earlier.isoformat()}): {fmt.number(slipping, lang)} customers "
        f"slipped into at risk, {fmt.number(churning, lang)} became churned, {fmt.number(back, lang)} were "
        f"reactivated and {fmt.number(new, lang)} made their first purchase.",
    )


def _recommendations(ctx: Context, summary: pd.DataFrame, transitions: pd.DataFrame,
                     earlier: date) -> list[str]:
    from tools.strategy import playbook_entry

    lang = ctx.language
    lines = []
    stake = summary[summary["stage"].isin(AT_STAKE) & (summary["customers"] > 0)]
    for row in stake.sort_values("customers", ascending=False, kind="stable").itertuples():
        entry = playbook_entry("lifecycle", row.stage, lang)
        moved_in = _moved(transitions, row.stage)
        tactics = entry["tactics"]
        second = tactics[1] if len(tactics) > 1 else ""
        lines.append(ctx.t(
            f"{row.name}（{fmt.number(row.customers, lang)} 人，占 {fmt.percent(row.share)}，"
            f"近12个月消费 {fmt.money(row.revenue_365d, lang)}，上月末以来新进入 {fmt.number(moved_in, lang)} 人）"
            f"——{entry['goal']}：{tactics[0]}；{second}",
            f"{row.name} ({fmt.number(row.customers, lang)} customers, {fmt.percent(row.share)}, "
            f"{fmt.money(row.revenue_365d, lang)} in the last 12 months, {fmt.number(moved_in, lang)} new "
            f"since {earlier.isoformat()}): {entry['goal']}: {tactics[0]}; {second}",
        ))
        if entry.get("measure"):
            lines.append(ctx.t(f"{row.name}效果评估：{entry['measure']}",
                               f"Measure the {row.name} play: {entry['measure']}"))
    return lines
