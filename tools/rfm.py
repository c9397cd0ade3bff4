"""rfm_segments: R, F, M quintile scores and named segments (10-segment R/F map, or 中国八类)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Literal

import pandas as pd

from tools import catalog, definitions, fmt
from tools.context import Context
from tools.registry import tool
from tools.result import ChartSpec, Table, ToolResult
from tools.timewindow import Window

Scheme = Literal["rfm", "cn8"]
Threshold = Literal["mean", "median"]

def _score(column: str, descending: bool = False) -> str:
    """Quintile score 1-5 from the percent rank; ties share a score (integer maths, no float edges)."""
    direction = "DESC" if descending else "ASC"
    return (
        f"least(5, 1 + (5 * (rank() OVER (ORDER BY {column} {direction}) - 1)) "
        f"// greatest(count(*) OVER () - 1, 1))"
    )


def _rfm_case() -> str:
    branches = []
    for key, spec in catalog.segments("rfm").items():
        r_list = ", ".join(str(v) for v in spec["r"])
        f_list = ", ".join(str(v) for v in spec["f"])
        branches.append(f"WHEN r_score IN ({r_list}) AND f_score IN ({f_list}) THEN '{key}'")
    return "CASE " + " ".join(branches) + " END"


def _cn8_case(threshold: str) -> str:
    agg = "avg" if threshold == "mean" else "median"
    r_high = f"recency_days < {agg}(recency_days) OVER ()"
    f_high = f"frequency > {agg}(frequency) OVER ()"
    m_high = f"monetary > {agg}(monetary) OVER ()"
    branches = []
    for key, spec in catalog.segments("cn8").items():
        levels = ((r_high, spec["r"]), (f_high, spec["f"]), (m_high, spec["m"]))
        parts = [c if level == "high" else f"NOT ({c})" for c, level in levels]
        branches.append(f"WHEN {' AND '.join(parts)} THEN '{key}'")
    return "CASE " + " ".join(branches) + " END"


def customer_segment_sql(scheme: str = "rfm", threshold: str = "mean", window: Window | None = None,
                         as_of: date | None = None) -> str:
    """SQL giving one row per purchasing customer: recency/frequency/monetary, scores, segment.

    `as_of` is the day after the last order date in scope; recency counts days back from it.
    """
    statuses = ", ".join(f"'{s}'" for s in catalog.load("metrics")["rfm"]["purchase_statuses"])
    conditions = [f"status IN ({statuses})"]
    if window and window.start:
        conditions.append(f"CAST(order_time AS DATE) >= DATE '{window.start}'")
    if window and window.end:
        conditions.append(f"CAST(order_time AS DATE) <= DATE '{window.end}'")
    as_of_sql = f"DATE '{as_of}'" if as_of else "(SELECT max(order_time)::DATE + 1 FROM orders)"
    segment = _rfm_case() if scheme == "rfm" else _cn8_case(threshold)
    return f"""WITH base AS (
  SELECT customer_id,
    date_diff('day', max(order_time)::DATE, {as_of_sql}) AS recency_days,
    count(*) AS frequency,
    round(sum(pay_amount), 2) AS monetary,
    round(coalesce(sum(pay_amount) FILTER (
      WHERE CAST(order_time AS DATE) >= {as_of_sql} - INTERVAL 365 DAY), 0), 2) AS monetary_365d
  FROM orders WHERE {' AND '.join(conditions)}
  GROUP BY customer_id
),
scored AS (
  SELECT *, {_score('recency_days', descending=True)} AS r_score,
    {_score('frequency')} AS f_score, {_score('monetary')} AS m_score
  FROM base
)
SELECT customer_id, recency_days, frequency, monetary, monetary_365d, r_score, f_score, m_score,
  {segment} AS segment
FROM scored"""


def segment_name(scheme: str, key: str, language: str) -> str:
    return catalog.segments(scheme)[key][language]


def customer_segments(ctx: Context, scheme: str = "rfm", threshold: str = "mean",
                      period: str | None = None) -> tuple[pd.DataFrame, str, Window]:
    """The per-customer table, the SQL that made it and the window used."""
    wh = ctx.warehouse
    wh.require_tables("orders")
    window = ctx.window(period)
    as_of = (window.end or wh.anchor_date) + timedelta(days=1)
    sql = customer_segment_sql(scheme, threshold, window, as_of)
    frame = wh.df(sql + "\nORDER BY customer_id")
    return frame, sql, window


def summarise_segments(per_customer: pd.DataFrame, scheme: str, language: str) -> pd.DataFrame:
    keys = list(catalog.segments(scheme))
    grouped = per_customer.groupby("segment").agg(
        customers=("customer_id", "size"),
        revenue=("monetary", "sum"),
        revenue_365d=("monetary_365d", "sum"),
        avg_recency_days=("recency_days", "mean"),
        avg_frequency=("frequency", "mean"),
        avg_monetary=("monetary", "mean"),
    ).reindex(keys)
    grouped[["customers", "revenue", "revenue_365d"]] = grouped[["customers", "revenue", "revenue_365d"]].fillna(0)
    grouped["customers"] = grouped["customers"].astype(int)
    total_customers = max(int(grouped["customers"].sum()), 1)
    total_revenue = grouped["revenue"].sum() or 1.0
    grouped["share"] = grouped["customers"] / total_customers
    grouped["revenue_share"] = grouped["revenue"] / total_revenue
    grouped.insert(0, "name", [segment_name(scheme, k, language) for k in keys])
    grouped = grouped.reset_index().rename(columns={"index": "segment"})
    for column in ("revenue", "revenue_365d", "avg_monetary"):
        grouped[column] = grouped[column].round(2)
    for column in ("avg_recency_days", "avg_frequency"):
        grouped[column] = grouped[column].round(1)
    grouped["share"] = grouped["share"].round(4)
    grouped["revenue_share"] = grouped["revenue_share"].round(4)
    return grouped[["segment", "name", "customers", "share", "revenue", "revenue_share", "revenue_365d",
                    "avg_recency_days", "avg_frequency", "avg_monetary"]]


@tool
def rfm_segments(
    ctx: Context,
    scheme: Scheme = "rfm",
    threshold: Threshold = "mean",
    period: str | None = None,
) -> ToolResult:
    """How many customers are in each RFM segment? Size, customer share, revenue share and average R/F/M per segment.

    Value groups by recency/frequency/spend. Recency-rule stages: lifecycle_stages; predicted churn: churn_risk; how to
    operate one: segment_strategy.
    Args:
        scheme: rfm (default; 10 segments, champions ... hibernating) | cn8 (中国八类, 重要价值客户 ... 一般挽留客户).
        threshold: cn8 cut-off: mean (default) | median.
        period: only orders in this period token (e.g. "this_year"); default all.
    Example: "各个RFM分群分别有多少用户？" -> {};
        "Eight-class segments by median this year" -> {"scheme": "cn8", "threshold": "median", "period": "this_year"}
    """
    per_customer, sql, window = customer_segments(ctx, scheme, threshold, period)
    lang = ctx.language
    summary = summarise_segments(per_customer, scheme, lang)
    names = {key: spec[lang] for key, spec in catalog.segments(scheme).items()}
    per_customer = per_customer.assign(segment_name=per_customer["segment"].map(names))
    answer = _answer(ctx, scheme, threshold, summary, window)
    from tools.strategy import headline_actions

    title_people = ctx.t("各分群客户数", "Customers per segment")
    title_revenue = ctx.t("各分群收入占比", "Revenue share per segment")
    return ToolResult(
        answer=answer,
        tables=[Table("segments", summary), Table("customers", per_customer)],
        charts=[
            ChartSpec("treemap", title_people, "segments", "name", "customers"),
            ChartSpec("bar", title_revenue, "segments", "name", "revenue_share"),
        ],
        sql=[sql],
        params={"window": {"start": str(window.start) if window.start else None,
                           "end": str(window.end) if window.end else None,
                   "label": {"zh": window.label_zh, "en": window.label_en}}},
        recommendations=headline_actions(ctx, scheme, summary),
        definitions=[definitions.rfm_scoring(ctx.language), *definitions.segments(scheme, ctx.language)],
    )


def _answer(ctx: Context, scheme: str, threshold: str, summary: pd.DataFrame, window: Window) -> str:
    lang = ctx.language
    total = int(summary["customers"].sum())
    biggest = summary.loc[summary["customers"].idxmax()]
    richest = summary.loc[summary["revenue"].idxmax()]
    window_label = window.label_zh if lang == "zh" else window.label_en
    scheme_label = ctx.t("10 类 RFM 分群", "the 10-segment RFM map") if scheme == "rfm" else ctx.t(
        f"中国八类 RFM（以{'均值' if threshold == 'mean' else '中位数'}为高低分界）",
        f"the Chinese 8-class RFM ({threshold} as the high/low line)")
    sizes = ("、" if lang == "zh" else "; ").join(
        f"{r.name} {fmt.number(r.customers, lang)}" + ("人" if lang == "zh" else "")
        for r in summary.sort_values("customers", ascending=False, kind="stable").itertuples() if r.customers
    )
    return ctx.t(
        f"{window_label}共有 {fmt.number(total, lang)} 位有购买的客户，按{scheme_label}划分。"
        f"人数最多的是{biggest['name']}（{fmt.number(biggest['customers'], lang)} 人，"
        f"占 {fmt.percent(biggest['share'])}）；"
        f"收入贡献最大的是{richest['name']}（占收入 {fmt.percent(richest['revenue_share'])}，"
        f"{fmt.money(richest['revenue'], lang)}，仅占客户的 {fmt.percent(richest['share'])}）。各分群人数：{sizes}。",
        f"{fmt.number(total, lang)} purchasing customers, {window_label}, segmented with {scheme_label}. "
        f"The largest segment is {biggest['name']} ({fmt.number(biggest['customers'], lang)} customers, "
        f"{fmt.percent(biggest['share'])}); {richest['name']} brings the most revenue "
        f"({fmt.percent(richest['revenue_share'])} of revenue, {fmt.money(richest['revenue'], lang)}, from "
        f"{fmt.percent(richest['share'])} of customers). Sizes: {sizes}.",
    )


def rules_table(language: str) -> list[dict[str, Any]]:
    """The segment rules as rows, for the README and describe-style answers."""
    return [
        {"segment": key, "name": spec[language], "rule": spec["rule"][language]}
        for key, spec in catalog.segments("rfm").items()
    ]
