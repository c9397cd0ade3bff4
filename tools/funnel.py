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
from tools.live import name_one_session, resolve_session, session_filter, window_params
from tools.registry import tool
from tools.result import ChartSpec, Table, ToolResult
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


def build_funnel_sql(dimension: str | None, window: Window, session_id: int | None = None) -> tuple[str, list[Any]]:
    where, params = session_filter(window, session_id)
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
) -> ToolResult:
    """Where do live-room viewers drop off? Entered -> clicked -> carted -> paid, step conversion, biggest drop.

    Also carted but unpaid. Counts (customer, session) pairs. Host/session rankings are live_performance.
    Args:
        dimension: host | session | day | week | month | region | gender | age_band | channel; default overall.
        period: period token by session start (e.g. "last_30_days", "last_month", "double11"); default all.
        limit: groups shown (default all; 20 sessions; latest periods).
        session: one broadcast: "latest", id or title.
    Example: "上个月各主播的转化漏斗" -> {"dimension": "host", "period": "last_month"};
        "How many added to cart but didn't pay?" -> {}
    """
    wh = ctx.warehouse
    wh.require_tables("live_sessions", "events")
    wh.require_column("events", "event_type")
    if dimension and GROUPS[dimension][1]:
        wh.require_tables("customers")
    window = ctx.window(period)
    one = resolve_session(ctx, session)
    sql, params = build_funnel_sql(dimension, window, one[0] if one else None)
    frame = wh.df(sql, params)
    return name_one_session(ctx, _present(ctx, dimension, window, frame, sql, limit), one)


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
