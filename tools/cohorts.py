"""cohort_retention: acquisition cohorts (first paid order month or week) and how they come back.

Two views, both computed in DuckDB over paid orders (status paid or refunded):
- N-day repurchase retention: share of a cohort with another paid order within N days of the first
  (days between order dates, same-day second orders count). A cohort is reported for N only when
  its last acquisition day plus N days is on or before the data's last order date; otherwise null.
- Period matrix: share of a cohort with a paid order in period k after acquisition (k = 0..11
  months or weeks; k = 0 is the acquisition period, 100%). Periods not yet started are left out.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Literal

import pandas as pd

from tools import catalog, definitions, fmt
from tools.context import Context
from tools.registry import tool
from tools.result import ChartSpec, Table, ToolError, ToolResult
from tools.timewindow import Window, add_months

Grain = Literal["month", "week"]
MAX_OFFSET = 11
MIN_COHORT_FOR_RANKING = 30  # best/worst cohort only among cohorts at least this large



def _check_days(days: list[int] | None) -> list[int]:
    values = sorted(set(days or [30, 60, 90]))
    if not values or len(values) > 6 or values[0] < 1 or values[-1] > 730:
        raise ToolError(
            "bad_arguments",
            "days must be 1 to 6 whole numbers between 1 and 730, e.g. [30, 60, 90].",
            "days 须为 1 到 6 个 1~730 之间的整数，例如 [30, 60, 90]。",
        )
    return values


def people_sql(grain: str, window: Window) -> str:
    """One row per customer: first paid order day, cohort start, days to the second paid order."""
    statuses = ", ".join(f"'{s}'" for s in catalog.load("metrics")["paid_statuses"])
    conditions = ["TRUE"]
    if window.start:
        conditions.append(f"first_day >= DATE '{window.start}'")
    if window.end:
        conditions.append(f"first_day <= DATE '{window.end}'")
    return f"""paid AS (
  SELECT customer_id, order_id, order_time FROM orders WHERE status IN ({statuses})
),
firsts AS (
  -- the two earliest paid order times per customer (ties kept): a grouped top-2, no window sort
  SELECT customer_id, CAST(t[1] AS DATE) AS first_day, CAST(t[2] AS DATE) AS second_day
  FROM (SELECT customer_id, min(order_time, 2) AS t FROM paid GROUP BY customer_id)
),
people AS (
  SELECT customer_id, first_day, CAST(date_trunc('{grain}', first_day) AS DATE) AS cohort_start,
    date_diff('day', first_day, second_day) AS days_to_second
  FROM firsts WHERE {' AND '.join(conditions)}
)"""


def retention_sql(grain: str, window: Window, days: list[int], anchor: date) -> str:
    cohort_end = f"CAST(cohort_start + INTERVAL 1 {grain.upper()} - INTERVAL 1 DAY AS DATE)"
    columns = []
    for n in days:
        observable = f"{cohort_end} + {n} <= DATE '{anchor}'"
        columns.append(
            f"CASE WHEN {observable} THEN count(*) FILTER (WHERE days_to_second <= {n}) END AS retained_{n}d,\n"
            f"  CASE WHEN {observable} THEN count(*) FILTER (WHERE days_to_second <= {n}) / count(*) END "
            f"AS retention_{n}d"
        )
    return f"""WITH {people_sql(grain, window)}
SELECT cohort_start, count(*) AS customers,
  {(',' + chr(10) + '  ').join(columns)},
  count(days_to_second) AS repurchased,
  median(days_to_second) AS median_days_to_second
FROM people
GROUP BY cohort_start
ORDER BY cohort_start"""


def matrix_sql(grain: str, window: Window) -> str:
    return f"""WITH {people_sql(grain, window)},
activity AS (
  SELECT DISTINCT p.customer_id, pe.cohort_start,
    date_diff('{grain}', pe.cohort_start, CAST(date_trunc('{grain}', p.order_time) AS DATE)) AS period_offset
  FROM paid p JOIN people pe ON pe.customer_id = p.customer_id
)
SELECT cohort_start, period_offset, count(*) AS active
FROM activity WHERE period_offset BETWEEN 0 AND {MAX_OFFSET}
GROUP BY cohort_start, period_offset
ORDER BY cohort_start, period_offset"""


def overall_sql(grain: str, window: Window) -> str:
    return f"""WITH {people_sql(grain, window)}
SELECT count(*) AS customers, count(days_to_second) AS repurchased,
  median(days_to_second) AS median_days_to_second,
  quantile_cont(days_to_second, 0.25) AS p25_days, quantile_cont(days_to_second, 0.75) AS p75_days
FROM people"""


def _label(start: date, grain: str) -> str:
    return start.strftime("%Y-%m") if grain == "month" else start.isoformat()


def _period_start(start: date, grain: str, k: int) -> date:
    return add_months(start, k) if grain == "month" else start + timedelta(weeks=k)


@tool
def cohort_retention(
    ctx: Context,
    grain: Grain = "month",
    period: str | None = None,
    days: list[int] | None = None,
) -> ToolResult:
    """Do new customers come back? Acquisition cohorts: N-day repurchase, retention heatmap, days to 2nd order.

    Use for "首购后N天复购/回购/留存". A window's repurchase rate (buyers with 2+ orders) is metric_query
    metric=repurchase_rate.
    Args:
        grain: month (default) | week.
        period: cohorts by first-order date, a period token (e.g. "2026-01", "month:1", "last_6_months"); default all.
        days: repurchase windows in days (default [30, 60, 90]).
    Example: "一月份新客的30天复购率" -> {"period": "month:1", "days": [30]};
        "Weekly cohort retention" -> {"grain": "week"}
    """
    wh = ctx.warehouse
    wh.require_tables("orders")
    days = _check_days(days)
    window = ctx.window(period)
    anchor = wh.anchor_date
    lang = ctx.language
    r_sql = retention_sql(grain, window, days, anchor)
    m_sql = matrix_sql(grain, window)
    o_sql = overall_sql(grain, window)
    retention = wh.df(r_sql)
    params = {"grain": grain, "days": days, "anchor": str(anchor),
              "window": {"start": str(window.start) if window.start else None,
                         "end": str(window.end) if window.end else None,
                   "label": {"zh": window.label_zh, "en": window.label_en}}}
    window_label = window.label_zh if lang == "zh" else window.label_en
    if retention.empty:
        answer = ctx.t(f"{window_label}没有首次购买的新客，无法计算同期群留存。",
                       f"No customer made a first paid order in {window_label}: there are no cohorts to follow.")
        return ToolResult(answer=answer, tables=[Table("retention", retention)], sql=[r_sql], params=params)
    retention["cohort_start"] = pd.to_datetime(retention["cohort_start"]).dt.date
    retention.insert(0, "cohort", [_label(d, grain) for d in retention["cohort_start"]])
    for n in days:
        retention[f"retained_{n}d"] = retention[f"retained_{n}d"].astype("Int64")
        retention[f"retention_{n}d"] = retention[f"retention_{n}d"].astype(float).round(4)
    retention["customers"] = retention["customers"].astype(int)
    retention["repurchased"] = retention["repurchased"].astype(int)
    retention["median_days_to_second"] = retention["median_days_to_second"].astype(float)

    matrix = _matrix(wh.df(m_sql), retention, grain, anchor)
    overall = wh.df(o_sql).iloc[0]
    by_days = pd.DataFrame([
        {"cohort": r["cohort"], "window": ctx.t(f"{n}天", f"{n} days"), "days": n, "rate": r[f"retention_{n}d"]}
        for n in days for _, r in retention.iterrows() if pd.notna(r[f"retention_{n}d"])
    ], columns=["cohort", "window", "days", "rate"])
    pooled = {n: _pooled(retention, n) for n in days}
    params["pooled_retention"] = {f"{n}d": pooled[n] for n in days}  # the averages the answer cites
    params["second_purchase"] = _second_purchase_params(overall)
    answer = _answer(ctx, retention, pooled, overall, days, grain, window_label)
    unit = ctx.t("月" if grain == "month" else "周", "month" if grain == "month" else "week")
    charts = [
        ChartSpec("heatmap", ctx.t(f"同期群留存矩阵（首购后第 k {unit}有购买的比例）",
                                   f"Cohort retention by {unit} since acquisition"),
                  "matrix", "cohort", "rate", "period_offset"),
    ]
    if not by_days.empty:
        charts.append(ChartSpec("line", ctx.t("各同期群 N 天复购率", "N-day repurchase rate per cohort"),
                                "retention_by_days", "cohort", "rate", "window"))
    return ToolResult(
        answer=answer,
        tables=[Table("retention", retention), Table("matrix", matrix), Table("retention_by_days", by_days)],
        charts=charts,
        sql=[r_sql, m_sql, o_sql],
        params=params,
        recommendations=_recommendations(ctx, retention, pooled, overall, days),
        definitions=[definitions.custom("cohort_retention", "同期群留存", "Cohort retention", ctx.t(
            f"同期群 = 按首次支付订单所在{'月' if grain == 'month' else '周'}划分的新客；N 天复购留存 = "
            "首购后 N 天内再次支付的客户占比。",
            f"Cohort = new customers grouped by the {grain} of their first paid order; N-day retention = share "
            "who paid again within N days of their first order.")),
            definitions.metric("new_customers", ctx.language)],
    )


def _matrix(active: pd.DataFrame, retention: pd.DataFrame, grain: str, anchor: date) -> pd.DataFrame:
    """Long table: one row per cohort and started period offset, with the share active."""
    counts = {(pd.Timestamp(r.cohort_start).date(), int(r.period_offset)): int(r.active)
              for r in active.itertuples()}
    rows = []
    for r in retention.itertuples():
        for k in range(MAX_OFFSET + 1):
            if _period_start(r.cohort_start, grain, k) > anchor:
                break
            buyers = counts.get((r.cohort_start, k), 0)
            rows.append({"cohort": r.cohort, "period_offset": k, "cohort_size": r.customers,
                         "active": buyers, "rate": round(buyers / r.customers, 4)})
    return pd.DataFrame(rows, columns=["cohort", "period_offset", "cohort_size", "active", "rate"])


def _second_purchase_params(overall: pd.Series) -> dict[str, Any]:
    """Repeat buyers and the days from first to second purchase, as the answer cites them."""
    customers, repurchased = int(overall["customers"]), int(overall["repurchased"])
    days = {k: None if pd.isna(overall[k]) else round(float(overall[k]))
            for k in ("median_days_to_second", "p25_days", "p75_days")}
    return {"customers": customers, "repurchased": repurchased,
            "share": round(repurchased / customers, 4) if customers else None, **days}


def _pooled(retention: pd.DataFrame, n: int) -> float | None:
    seen = retention[retention[f"retained_{n}d"].notna()]
    if seen.empty:
        return None
    return float(seen[f"retained_{n}d"].sum()) / float(seen["customers"].sum())


def _ranked(retention: pd.DataFrame, n: int) -> pd.DataFrame:
    seen = retention[retention[f"retention_{n}d"].notna()]
    big = seen[seen["customers"] >= MIN_COHORT_FOR_RANKING]
    return (big if not big.empty else seen).sort_values(f"retention_{n}d", ascending=False, kind="stable")


def _answer(ctx: Context, retention: pd.DataFrame, pooled: dict[int, float | None], overall: pd.Series,
            days: list[int], grain: str, window_label: str) -> str:
    lang = ctx.language
    sep = "、" if lang == "zh" else ", "
    cohorts = len(retention)
    customers = int(overall["customers"])
    averages = sep.join(
        ctx.t(f"{n} 天 {fmt.percent(pooled[n])}", f"{n}-day {fmt.percent(pooled[n])}")
        for n in days if pooled[n] is not None
    )
    unobserved = [n for n in days if pooled[n] is None]
    unit = ctx.t("月" if grain == "month" else "周", "monthly" if grain == "month" else "weekly")
    text = ctx.t(
        f"{window_label}共 {cohorts} 个{unit}同期群、{fmt.number(customers, lang)} 位新客（按首次支付订单划分）。",
        f"{window_label}: {cohorts} {unit} cohort{'s' if cohorts != 1 else ''}, "
        f"{fmt.number(customers, lang)} new customers (by first paid order). ",
    )
    if averages:
        text += ctx.t(f"平均复购留存率（按人数加权，仅计已满观察期的同期群）：{averages}。",
                      f"Average repurchase retention (weighted by customers, cohorts observed long enough only): "
                      f"{averages}. ")
    if unobserved:
        listed = sep.join(str(n) for n in unobserved)
        text += ctx.t(f"{listed} 天留存还无法观察（同期群太新）。",
                      f"{listed}-day retention cannot be observed yet (the cohorts are too recent). ")
    key = next((n for n in days if pooled[n] is not None), None)
    if key is not None:
        ranked = _ranked(retention, key)
        best, worst = ranked.iloc[0], ranked.iloc[-1]
        rate = f"retention_{key}d"
        if len(ranked) > 1:
            text += ctx.t(
                f"{key} 天留存最好的是 {best['cohort']} 同期群（{fmt.percent(best[rate])}，"
                f"{fmt.number(best['customers'], lang)} 人），"
                f"最差的是 {worst['cohort']}（{fmt.percent(worst[rate])}，"
                f"{fmt.number(worst['customers'], lang)} 人）。",
                f"Best {key}-day retention: the {best['cohort']} cohort ({fmt.percent(best[rate])}, "
                f"{fmt.number(best['customers'], lang)} customers); worst: {worst['cohort']} "
                f"({fmt.percent(worst[rate])}, {fmt.number(worst['customers'], lang)} customers). ",
            )
        else:
            text += ctx.t(f"{best['cohort']} 同期群的 {key} 天留存为 {fmt.percent(best[rate])}。",
                          f"The {best['cohort']} cohort's {key}-day retention is {fmt.percent(best[rate])}. ")
    repurchased = int(overall["repurchased"])
    if repurchased:
        text += ctx.t(
            f"已回购的 {fmt.number(repurchased, lang)} 人（占 {fmt.percent(repurchased / customers)}）"
            f"从首购到第二次购买的"
            f"中位数为 {fmt.decimal(overall['median_days_to_second'], 0)} 天（四分位 "
            f"{fmt.decimal(overall['p25_days'], 0)}–"
            f"{fmt.decimal(overall['p75_days'], 0)} 天）。",
            f"The {fmt.number(repurchased, lang)} who bought again "
            f"({fmt.percent(repurchased / customers)}) took a median of "
            f"{fmt.decimal(overall['median_days_to_second'], 0)} days from first to second purchase (quartiles "
            f"{fmt.decimal(overall['p25_days'], 0)}-{fmt.decimal(overall['p75_days'], 0)} days).",
        )
    else:
        text += ctx.t("这些新客中还没有人回购。", "None of these customers has bought again yet.")
    return text.strip()


def _recommendations(ctx: Context, retention: pd.DataFrame, pooled: dict[int, float | None], overall: pd.Series,
                     days: list[int]) -> list[str]:
    out = []
    if int(overall["repurchased"]):
        median = float(overall["median_days_to_second"])
        p25 = float(overall["p25_days"])
        out.append(ctx.t(
            f"在首购后第 {max(int(p25), 1)}–{int(median)} 天给新客推送复购券或直播预告：一半的回购发生在首购后 "
            f"{fmt.decimal(median, 0)} 天内，四分之一在 {fmt.decimal(p25, 0)} 天内。",
            f"Send new buyers a repurchase coupon or live-session reminder between day {max(int(p25), 1)} and day "
            f"{int(median)} after their first order: half of repeat purchases happen within "
            f"{fmt.decimal(median, 0)} days, "
            f"a quarter within {fmt.decimal(p25, 0)}.",
        ))
    key = next((n for n in days if pooled[n] is not None), None)
    if key is not None:
        ranked = _ranked(retention, key)
        if len(ranked) > 1:
            best, worst = ranked.iloc[0], ranked.iloc[-1]
            rate = f"retention_{key}d"
            out.append(ctx.t(
                f"复盘 {best['cohort']} 同期群的获客来源和首单商品（{key} 天留存 {fmt.percent(best[rate])}），"
                f"对比 {worst['cohort']}（{fmt.percent(worst[rate])}），把高留存的拉新方式复制到后续活动。",
                f"Review where the {best['cohort']} cohort came from and what it bought first ({key}-day retention "
                f"{fmt.percent(best[rate])}) against {worst['cohort']} ({fmt.percent(worst[rate])}), and repeat the "
                "acquisition that retains best.",
            ))
        if pooled[key] is not None and pooled[key] < 0.3:
            out.append(ctx.t(
                f"只有 {fmt.percent(pooled[key])} 的新客在 {key} 天内回购：为首单客户设计新客专享二单礼或会员入会礼。",
                f"Only {fmt.percent(pooled[key])} of new customers buy again within {key} days: add a second-order "
                "gift or a membership welcome offer for first-time buyers.",
            ))
    return out
