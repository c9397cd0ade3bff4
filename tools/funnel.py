"""funnel: the live-room purchase funnel enter_live -> product_click -> add_to_cart -> pay.

Unit: a (customer, session) pair, from the events table. A pair counts at a step only if it also
reached every earlier step (a strict funnel), so each step is a subset of the one before.
Window rule: a session belongs to the window when its start date falls in it (as in live_performance).
"""

from __future__ import annotations

from typing import Any, Literal

import pandas as pd

from tools import definitions, fmt
from tools.context import Context
from tools.live import (
    host_condition,
    name_one_host,
    name_one_session,
    resolve_hosts,
    resolve_session,
    session_filter,
    window_params,
)
from tools.registry import tool
from tools.result import ChartSpec, Table, ToolError, ToolResult
from tools.timewindow import Window

STEPS: list[tuple[str, str, str, str]] = [
    # key, event_type, zh, en
    ("entered", "enter_live", "进入直播间", "entered live"),
    ("clicked", "product_click", "点击商品", "clicked a product"),
    ("carted", "add_to_cart", "加入购物车", "added to cart"),
    ("paid", "pay", "支付", "paid"),
]

# dimension -> (group expression, needs customers table, zh, en, is time)
GROUPS: dict[str, tuple[str, bool, str, str, bool]] = {
    "host": ("coalesce(x.host_name, 'host ' || CAST(x.host_id AS VARCHAR))", False, "主播", "host", False),
    "session": ("x.title || ' #' || CAST(x.session_id AS VARCHAR)", False, "直播场次", "session", False),
    "day": ("strftime(x.start_time, '%Y-%m-%d')", False, "日期", "day", True),
    "week": ("strftime(date_trunc('week', x.start_time), '%Y-%m-%d')", False, "周", "week", True),
    "month": ("strftime(x.start_time, '%Y-%m')", False, "月份", "month", True),
    "region": ("c.province", True, "地区", "region", False),
    "gender": ("c.gender", True, "性别", "gender", False),
    "age_band": ("c.age_band", True, "年龄段", "age band", False),
    "channel": ("c.channel", True, "渠道", "channel", False),
}

FunnelDimension = Literal["host", "session", "day", "week", "month", "region", "gender", "age_band", "channel"]


def build_funnel_sql(dimension: str | None, window: Window, session_id: int | None = None,
                     host: str | list[str] | None = None) -> tuple[str, list[Any]]:
    where, params = host_condition(*session_filter(window, session_id), host)
    expr, needs_customers = (GROUPS[dimension][0], GROUPS[dimension][1]) if dimension else ("'all'", False)
    customers = "LEFT JOIN customers c ON c.customer_id = p.customer_id" if needs_customers else ""
    flags = ",\n    ".join(f"bool_or(e.event_type = '{event}') AS {key}" for key, event, _, _ in STEPS)
    events = ", ".join(f"'{event}'" for _, event, _, _ in STEPS)
    reached, counts = [], []
    for key, _, _, _ in STEPS:
        reached.append(f"p.{key}")
        counts.append(f"count(*) FILTER (WHERE {' AND '.join(reached)}) AS {key}")
    stuck = "p.entered AND p.clicked AND p.carted AND NOT p.paid"
    sql = f"""WITH sess AS (
  SELECT s.session_id, s.host_id, s.title, s.start_time, h.host_name
  FROM live_sessions s LEFT JOIN hosts h ON h.host_id = s.host_id
  WHERE {where}
),
pairs AS (
  SELECT e.session_id, e.customer_id,
    {flags}
  FROM events e JOIN sess x ON x.session_id = e.session_id
  WHERE e.event_type IN ({events})
  GROUP BY e.session_id, e.customer_id
)
SELECT CAST({expr} AS VARCHAR) AS grp, grouping({expr}) AS is_total,
  {', '.join(counts)},
  count(*) FILTER (WHERE {stuck}) AS cart_no_pay,
  count(DISTINCT p.customer_id) FILTER (WHERE {stuck}) AS cart_no_pay_customers
FROM pairs p JOIN sess x ON x.session_id = p.session_id
{customers}
GROUP BY GROUPING SETS (({expr}), ())"""
    return sql, params


@tool
def funnel(
    ctx: Context,
    dimension: FunnelDimension | None = None,
    period: str | None = None,
    limit: int | None = None,
    session: str | None = None,
    host: str | list[str] | None = None,
) -> ToolResult:
    """Where do live-room viewers drop off? Entered -> clicked -> carted -> paid, step conversion, biggest drop.

    Also carted but unpaid. Host/session rankings are live_performance.
    Args:
        dimension: host | session | day | week | month | region | gender | age_band | channel; default overall.
        period: period token by session start (e.g. "last_30_days", "last_month", "double11"); default all.
        limit: groups shown (default all; 20 sessions; latest periods).
        session: one broadcast: "latest", id or title.
        host: a host's sessions.
    Example: "上个月各主播的转化漏斗" -> {"dimension": "host", "period": "last_month"};
        "How many added to cart but didn't pay?" -> {}
    """
    wh = ctx.warehouse
    host = resolve_hosts(ctx, host)
    if not wh.has_table("events") and wh.has_table("session_stats"):
        # an imported session report: its people counts per broadcast are the funnel (罗盘's 五维四率)
        return name_one_host(ctx, report_funnel(ctx, dimension, period, limit, session, host), host)
    wh.require_tables("live_sessions", "events")
    wh.require_column("events", "event_type")
    if dimension and GROUPS[dimension][1]:
        wh.require_tables("customers")
    window = ctx.window(period)
    one = resolve_session(ctx, session, window, host)
    sql, params = build_funnel_sql(dimension, window, one[0] if one else None, host)
    frame = wh.df(sql, params)
    return name_one_host(ctx, name_one_session(ctx, _present(ctx, dimension, window, frame, sql, limit), one), host)


def _steps_table(ctx: Context, row: pd.Series) -> pd.DataFrame:
    records, first, previous = [], None, None
    for key, event, zh, en in STEPS:
        count = int(row[key])
        first = count if first is None else first
        records.append({
            "step": ctx.t(zh, en),
            "event_type": event,
            "pairs": count,
            "step_conversion": 1.0 if previous is None else (count / previous if previous else None),
            "overall_conversion": count / first if first else None,
            "drop_off": (previous - count) if previous is not None else 0,
        })
        previous = count
    return pd.DataFrame(records).astype({"step_conversion": float, "overall_conversion": float})


def _breakdown(frame: pd.DataFrame, dimension: str) -> pd.DataFrame:
    table = frame[frame["is_total"] == 0].drop(columns=["is_total"]).rename(columns={"grp": dimension})
    # rows in name order first, so rankings below break ties the same way on every engine
    table = table.sort_values(dimension, kind="stable")
    for key in [k for k, _, _, _ in STEPS] + ["cart_no_pay", "cart_no_pay_customers"]:
        table[key] = table[key].astype("int64")
    div = lambda a, b: table[a] / table[b].where(table[b] > 0)  # noqa: E731
    table["click_rate"] = div("clicked", "entered")
    table["cart_rate"] = div("carted", "clicked")
    table["pay_rate"] = div("paid", "carted")
    table["conversion"] = div("paid", "entered")
    return table.reset_index(drop=True)


def _present(ctx: Context, dimension: str | None, window: Window, frame: pd.DataFrame, sql: str,
             limit: int | None) -> ToolResult:
    lang = ctx.language
    window_label = window.label_zh if lang == "zh" else window.label_en
    params = {**window_params(window), "dimension": dimension}
    definition = ctx.t(
        "口径：以（客户, 场次）为单位，按开播日期筛选场次；某一步只统计同时完成了之前所有步骤的对数（严格漏斗）。",
        "Definition: counted as (customer, session) pairs, sessions picked by start date; a pair counts at a "
        "step only if it also reached every earlier step (strict funnel).",
    )
    total = frame[frame["is_total"] == 1]
    if total.empty or int(total["entered"].iat[0]) == 0:
        answer = ctx.t(f"{window_label}没有直播观看数据，无法计算漏斗。可以换一个时间范围（例如最近30天）。",
                       f"There is no live viewing data in {window_label}, so there is no funnel to show. "
                       "Try a wider window (e.g. the last 30 days).")
        empty = _steps_table(ctx, pd.Series({k: 0 for k, _, _, _ in STEPS}))
        return ToolResult(f"{answer}\n{definition}", [Table("funnel", empty)], [], [sql], params)
    row = total.iloc[0]
    steps = _steps_table(ctx, row)
    n = lambda v: fmt.number(v, lang)  # noqa: E731
    path = " → ".join(f"{r.step} {n(r.pairs)}" for r in steps.itertuples())
    transitions = steps.iloc[1:]
    worst = transitions.loc[transitions["step_conversion"].astype(float).idxmin()]
    prev_step = steps.iloc[int(worst.name) - 1]["step"]
    overall = steps["overall_conversion"].iat[-1]
    sep, arrow = ctx.t("；", "; "), ctx.t("→", " → ")
    names, conv = steps["step"].tolist(), steps["step_conversion"].tolist()
    rates = sep.join(f"{names[i - 1]}{arrow}{names[i]} {fmt.percent(conv[i])}" for i in range(1, len(steps)))
    stuck, stuck_people = int(row["cart_no_pay"]), int(row["cart_no_pay_customers"])
    params.update(cart_no_pay=stuck, cart_no_pay_customers=stuck_people)  # cited by the answer
    answer = ctx.t(
        f"{window_label}直播间漏斗（客户×场次）：{path}。各步转化：{rates}；整体转化率 {fmt.percent(overall)}。"
        f"流失最大的一步是 {prev_step}→{worst['step']}（只有 {fmt.percent(worst['step_conversion'])} 继续，"
        f"流失 {n(worst['drop_off'])} 对）。加购后未付款的有 {n(stuck)} 次（{n(stuck_people)} 位客户）。",
        f"Live-room funnel for {window_label} (customer x session pairs): {path}. Step conversion: {rates}; "
        f"overall conversion {fmt.percent(overall)}. The biggest drop-off is {prev_step} → {worst['step']} "
        f"(only {fmt.percent(worst['step_conversion'])} continue, {n(worst['drop_off'])} pairs lost). "
        f"{n(stuck)} pairs ({n(stuck_people)} customers) added to cart but did not pay.",
    )
    tables = [Table("funnel", steps)]
    if dimension:
        table = _breakdown(frame, dimension)
        time = GROUPS[dimension][4]
        if time:
            table = table.sort_values(dimension)
            shown = table.tail(limit) if limit else table
        else:
            table = table.sort_values("entered", ascending=False, kind="stable")
            shown = table.head(limit if limit else (20 if dimension == "session" else len(table)))
        answer += "\n" + _breakdown_summary(ctx, dimension, table)
        tables.append(Table("funnel_breakdown", shown.reset_index(drop=True), truncated=len(shown) < len(table)))
    title = ctx.t("直播间转化漏斗", "Live-room funnel")
    chart = ChartSpec("bar", title, "funnel", "step", "pairs")
    recs = [ctx.t(
        f"{n(stuck_people)} 位客户加购后未付款：对这些加购未付款的客户推送限时券或直播间提醒。",
        f"{n(stuck_people)} customers left items in the cart unpaid: send them a time-limited coupon or a "
        "live-room reminder.",
    )] if stuck_people else []
    result = ToolResult(f"{answer}\n{definition}", tables, [chart], [sql], params, recs)
    result.definitions = [definitions.custom("live_funnel", "直播间漏斗", "Live-room funnel",
                                             definition.split("：", 1)[-1].split(": ", 1)[-1])]
    return result


def _breakdown_summary(ctx: Context, dimension: str, table: pd.DataFrame) -> str:
    lang = ctx.language
    dim_zh, dim_en = GROUPS[dimension][2], GROUPS[dimension][3]
    usable = table[table["entered"] > 0]
    if dimension == "session" and len(usable):
        usable = usable[usable["entered"] >= max(1, int(usable["entered"].median() * 0.1))]
    if len(usable) < 2:
        return ""
    best = usable.loc[usable["conversion"].idxmax()]
    worst = usable.loc[usable["conversion"].idxmin()]
    return ctx.t(
        f"按{dim_zh}看，整体转化最高的是 {best[dimension]}（{fmt.percent(best['conversion'])}，"
        f"进入 {fmt.number(best['entered'], lang)} 对），"
        f"最低的是 {worst[dimension]}（{fmt.percent(worst['conversion'])}，"
        f"进入 {fmt.number(worst['entered'], lang)} 对）。",
        f"By {dim_en}, the best overall conversion is {best[dimension]} ({fmt.percent(best['conversion'])} of "
        f"{fmt.number(best['entered'], lang)} pairs) and the worst is {worst[dimension]} "
        f"({fmt.percent(worst['conversion'])} of {fmt.number(worst['entered'], lang)} pairs).",
    )


# A session report's funnel: the people counts the platform gives per broadcast, in funnel order. A step
# the report lacks is left out; viewers and buyers are the ones every report has.
REPORT_STEPS: list[tuple[str, str, str]] = [
    # session_stats column, zh, en
    ("impressions", "直播间曝光", "shown the room"),
    ("viewers", "进入直播间", "entered the room"),
    ("product_impressions", "商品曝光", "shown a product"),
    ("product_clickers", "商品点击", "clicked a product"),
    ("buyers", "成交", "bought"),
]
_REPORT_GROUPS = ("host", "session", "day", "week", "month")


def build_report_funnel_sql(dimension: str | None, window: Window, session_id: int | None,
                            columns: list[str], host: str | list[str] | None = None) -> tuple[str, list[Any]]:
    where, params = host_condition(*session_filter(window, session_id), host)
    expr = GROUPS[dimension][0] if dimension else "'all'"
    sums = ", ".join(f"sum(t.{c}) AS {c}" for c in columns)
    sql = f"""WITH sess AS (
  SELECT s.session_id, s.host_id, s.title, s.start_time, h.host_name
  FROM live_sessions s LEFT JOIN hosts h ON h.host_id = s.host_id
  WHERE {where}
)
SELECT CAST({expr} AS VARCHAR) AS grp, grouping({expr}) AS is_total, {sums}
FROM session_stats t JOIN sess x ON x.session_id = t.session_id
GROUP BY GROUPING SETS (({expr}), ())"""
    return sql, params


def report_funnel(ctx: Context, dimension: str | None, period: str | None, limit: int | None,
                  session: str | None, host: str | list[str] | None = None) -> ToolResult:
    """The funnel of a live-session report: people shown the room -> entering -> shown a product -> clicking
    -> buying, summed over the broadcasts in the window; each step rate is a ratio of sums (weighted by the
    sessions' sizes), never an average of the sessions' own rates."""
    wh = ctx.warehouse
    wh.require_tables("live_sessions", "session_stats")
    lang = ctx.language
    if dimension and dimension not in _REPORT_GROUPS:
        raise ToolError("needs_events",
                        f"A live-session report counts people per broadcast, not per {dimension}: its funnel can "
                        "be broken down by host, session, day, week or month.",
                        f"直播场次报表只按场次统计人数，不能按{GROUPS[dimension][2]}拆分漏斗；可以按主播、场次、日、周或月看。")
    present = wh.columns("session_stats")
    have = [c for c, _, _ in REPORT_STEPS
            if c in present and wh.scalar(f"SELECT count({c}) FROM session_stats")]
    window = ctx.window(period)
    one = resolve_session(ctx, session, window)
    sql, params = build_report_funnel_sql(dimension, window, one[0] if one else None, have, host)
    frame = wh.df(sql, params)
    labels = {c: ctx.t(zh, en) for c, zh, en in REPORT_STEPS}
    definition = ctx.t(
        "口径：来自直播场次报表，各步人数为所选场次的报表人数之和（同一人看了几场就计几次）；"
        "各步转化 = 下一步人数之和 ÷ "
        "上一步人数之和（按场次规模加权，不是各场比率的平均）；按开播日期筛选场次。",
        "Definition: from the live-session report; each step is the sum of the report's people counts over the "
        "sessions (a person watching several sessions counts in each); a step rate is the next step's sum / this "
        "step's sum (weighted by the sessions' sizes, not an average of their rates); sessions by start date.")
    window_label = window.label_zh if lang == "zh" else window.label_en
    params_out = {**window_params(window), "dimension": dimension, "source": "session_report",
                  "steps": have}
    total = frame[frame["is_total"] == 1]
    if total.empty or len(have) < 2 or not float(total[have[0]].fillna(0).iat[0]):
        answer = ctx.t(f"{window_label}没有可用的直播场次报表人数，无法计算漏斗。可以换一个时间范围。",
                       f"There are no session-report counts in {window_label} to build a funnel from. "
                       "Try a wider window.")
        return ToolResult(f"{answer}\n{definition}", [], [], [sql], params_out)
    row = total.iloc[0]
    records, first, previous = [], None, None
    for column in have:
        count = float(row[column]) if pd.notna(row[column]) else 0.0
        first = count if first is None else first
        records.append({"step": labels[column], "figure": column, "people": int(round(count)),
                        "step_conversion": 1.0 if previous is None else (count / previous if previous else None),
                        "overall_conversion": count / first if first else None,
                        "drop_off": int(round(previous - count)) if previous is not None else 0})
        previous = count
    steps = pd.DataFrame(records).astype({"step_conversion": float, "overall_conversion": float})
    n = lambda v: fmt.number(v, lang)  # noqa: E731
    path = " → ".join(f"{r.step} {n(r.people)}" for r in steps.itertuples())
    sep, arrow = ctx.t("；", "; "), ctx.t("→", " → ")
    names, conv = steps["step"].tolist(), steps["step_conversion"].tolist()
    rates = sep.join(f"{names[i - 1]}{arrow}{names[i]} {fmt.percent(conv[i])}" for i in range(1, len(steps)))
    transitions = steps.iloc[1:]
    worst = transitions.loc[transitions["step_conversion"].astype(float).idxmin()]
    prev_step = steps.iloc[int(worst.name) - 1]["step"]
    viewers = float(row["viewers"]) if "viewers" in have else None
    watch_to_buy = float(row["buyers"]) / viewers if viewers and "buyers" in have else None
    params_out["watch_to_buy"] = round(watch_to_buy, 4) if watch_to_buy is not None else None
    answer = ctx.t(
        f"{window_label}直播间漏斗（直播场次报表人数之和）：{path}。各步转化：{rates}"
        + (f"；观看-成交率 {fmt.percent(watch_to_buy)}" if watch_to_buy is not None else "") + "。"
        f"流失最大的一步是 {prev_step}→{worst['step']}（只有 {fmt.percent(worst['step_conversion'])} 继续）。",
        f"Live-room funnel for {window_label} (people counts summed from the session report): {path}. "
        f"Step conversion: {rates}"
        + (f"; watch-to-buy {fmt.percent(watch_to_buy)}" if watch_to_buy is not None else "") + ". "
        f"The biggest drop-off is {prev_step} → {worst['step']} (only {fmt.percent(worst['step_conversion'])} "
        "continue).")
    tables = [Table("funnel", steps)]
    if dimension:
        table = frame[frame["is_total"] == 0].drop(columns=["is_total"]).rename(columns={"grp": dimension})
        for a, b in zip(have, have[1:]):
            table[f"{a}_to_{b}"] = table[b] / table[a].where(table[a] > 0)
        if "viewers" in have and "buyers" in have:
            table["conversion"] = table["buyers"] / table["viewers"].where(table["viewers"] > 0)
        if GROUPS[dimension][4]:
            table = table.sort_values(dimension)
            shown = table.tail(limit) if limit else table
        else:
            table = table.sort_values(have[0], ascending=False, kind="stable")
            shown = table.head(limit if limit else (20 if dimension == "session" else len(table)))
        tables.append(Table("funnel_breakdown", shown.reset_index(drop=True), truncated=len(shown) < len(table)))
    chart = ChartSpec("bar", ctx.t("直播间转化漏斗", "Live-room funnel"), "funnel", "step", "people")
    result = ToolResult(f"{answer}\n{definition}", tables, [chart], [sql], params_out)
    result.definitions = [definitions.custom("live_funnel_report", "直播间漏斗（场次报表）",
                                             "Live-room funnel (report)",
                                             definition.split("：", 1)[-1].split(": ", 1)[-1])]
    return name_one_session(ctx, result, one)
