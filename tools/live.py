"""live_performance: per host or per live session, sales and audience figures side by side.

Window rule: a session belongs to the window when its start date falls in it; all of that session's
orders and events count (so a broadcast that runs past midnight stays whole).

Figures (orders are the session's orders, `orders.session_id`; events are `events.session_id`):
  gmv / orders / buyers   paid statuses from data/metrics.yaml ('paid', 'refunded')
  refund_rate             refunded orders / paid orders
  viewers                 distinct customers with an enter_live event
  views                   enter_live events
  watch_time              average watch_seconds of enter_live events, in minutes
  conversion_rate         watch-to-buy: distinct (customer, session) pairs with a pay event /
                          distinct (customer, session) pairs with an enter_live event
  gpm                     GMV per thousand views = GMV / enter_live events * 1000
  new_followers           follow events
  likes / comments / shares  like, comment and share events (counts: what a comment said is not kept)
From a platform's session report (session_stats) the figures are the report's own, and where it has them:
  refund_rate             refunded orders / orders (the report's 退款订单数 / 成交订单数)
  ad_spend                the report's ad spend (投放消耗)
  roi                     what users paid (用户支付金额; GMV where the report lacks it) / ad spend
"""

from __future__ import annotations

import difflib
from typing import Any, Literal

import pandas as pd

from tools import catalog, definitions, fmt
from tools.context import Context
from tools.registry import tool
from tools.result import ChartSpec, Table, ToolError, ToolResult
from tools.timewindow import Window

LiveMetric = Literal["conversion_rate", "gpm", "viewers", "watch_time", "gmv", "orders", "refund_rate", "ad_spend",
                     "roi", "new_followers", "likes", "comments", "shares", "gmv_per_session"]

# metric -> (zh, en, unit for fmt.by_unit or 'minutes')
METRIC_LABELS: dict[str, tuple[str, str, str]] = {
    "gmv": ("成交额（GMV）", "GMV", "currency"),
    "gmv_per_session": ("场均成交额", "GMV per session", "currency"),
    "orders": ("订单数", "orders", "count"),
    "buyers": ("买家数", "buyers", "count"),
    "viewers": ("观看人数", "viewers", "count"),
    "watch_time": ("平均观看时长", "average watch time", "minutes"),
    "conversion_rate": ("观看-购买转化率", "watch-to-buy conversion", "rate"),
    "gpm": ("GPM（千次观看成交额）", "GPM (GMV per 1,000 views)", "currency"),
    "new_followers": ("新增关注", "new followers", "count"),
    # how often viewers liked, commented or shared (the events count them; what a comment said is not kept)
    "likes": ("点赞数", "likes", "count"),
    "comments": ("评论数", "comments", "count"),
    "shares": ("分享数", "shares", "count"),
    "refund_rate": ("退款率", "refund rate", "rate"),
    "ad_spend": ("投放消耗", "ad spend", "currency"),
    "roi": ("投产比（ROI）", "ROI", "ratio"),
}
# figures only a session report can have (the events hold no refunds of their own, no spend)
REPORT_ONLY = ("ad_spend", "roi")
# figures only viewer events have (a session report counts no likes, comments or shares)
EVENTS_ONLY = ("likes", "comments", "shares")

DEFINITION = {
    "zh": "口径：按开播日期筛选场次；GMV/订单/买家只计已支付与已退款订单；观看人数 = 有进入直播间事件的去重客户数；"
          "转化率 = 有支付事件的（客户, 场次）对数 ÷ 有进入事件的（客户, 场次）对数；"
          "GPM = GMV ÷ 进入直播间次数 × 1000；平均观看时长取进入事件的观看秒数；退款率 = 已退款订单 ÷ 已支付订单；"
          "场均成交额 = GMV ÷ 场次数；新增关注、点赞、评论、分享 = 对应事件的次数。",
    "en": "Definition: sessions are picked by start date; GMV/orders/buyers count paid and refunded orders; "
          "viewers = distinct customers with an enter_live event; conversion = (customer, session) pairs "
          "with a pay event / pairs with an enter_live event; GPM = GMV / enter_live events x 1000; "
          "watch time averages enter_live watch_seconds; refund rate = refunded / paid orders; GMV per session = GMV / "
          "sessions; new followers, likes, comments, shares = counts of those events.",
}



def session_filter(window: Window, session_id: int | None = None) -> tuple[str, list[Any]]:
    """WHERE conditions on live_sessions `s` for a window (by start date), or one session, and their parameters."""
    conditions, params = ["TRUE"], []
    if session_id is not None:
        conditions.append("s.session_id = ?")
        params.append(session_id)
    if window.start:
        conditions.append("CAST(s.start_time AS DATE) >= ?")
        params.append(window.start)
    if window.end:
        conditions.append("CAST(s.start_time AS DATE) <= ?")
        params.append(window.end)
    return " AND ".join(conditions), params


_LATEST = {"latest", "last", "most recent", "最近一场", "最新", "上一场", "最后一场"}


def resolve_session(ctx: Context, session: str | int | None, window: Window | None = None,
                    host: str | list[str] | None = None) -> tuple[int, str] | None:
    """One broadcast named by a question: "latest", an id, or (part of) a title; (id, label) or None. A title is
    the latest broadcast of that title inside `window` when one is given ("10月份限时秒杀那场": October's), and
    "latest" or a title of a host named (as resolve_hosts found it) is that host's ("米粒最近一场": 米粒's last).

    A session the data does not have is "not found" with the nearest ones, never another one's figures."""
    if session is None or not str(session).strip():
        return None
    wh = ctx.warehouse
    wh.require_tables("live_sessions")
    wanted = str(session).strip()
    label = ("coalesce(s.title, '') || ' #' || CAST(s.session_id AS VARCHAR) || ' (' "
             "|| strftime(s.start_time, '%Y-%m-%d %H:%M') || ')'")
    hosted, by_host = ("", [])
    if host is not None and wh.has_table("hosts"):
        hosted, by_host = host_condition("", [], host)
        hosted = " AND s.host_id IN (SELECT h.host_id FROM hosts h WHERE TRUE" + hosted + ")"
    if wanted.lower() in _LATEST:
        # ("上个月小雅最后一场": the last of the window's broadcasts, where a window is named)
        within, bounds = "", []
        if window is not None and window.start is not None:
            within, bounds = " AND CAST(s.start_time AS DATE) BETWEEN ? AND ?", [window.start, window.end]
        found = wh.df(f"SELECT s.session_id, {label} AS label FROM live_sessions s WHERE TRUE{within}{hosted} "
                      "ORDER BY s.start_time DESC, s.session_id DESC LIMIT 1", [*bounds, *by_host])
    elif wanted.isdigit():
        found = wh.df(f"SELECT s.session_id, {label} AS label FROM live_sessions s "
                      "WHERE CAST(s.session_id AS VARCHAR) = ?", [wanted])
    else:
        within, bounds = "", []
        if window is not None and window.start is not None:
            within, bounds = " AND CAST(s.start_time AS DATE) BETWEEN ? AND ?", [window.start, window.end]
        found = wh.df(f"SELECT s.session_id, {label} AS label, count(*) OVER () AS n FROM live_sessions s "
                      f"WHERE (s.title = ? OR s.title LIKE ?){within}{hosted} ORDER BY s.title = ? DESC, "
                      "s.start_time DESC LIMIT 1", [wanted, f"%{wanted}%", *bounds, *by_host, wanted])
        if not found.empty and int(found.iloc[0]["n"]) > 1:  # words several titles hold: say which one this is
            n = int(found.iloc[0]["n"])
            found.loc[found.index[0], "label"] = str(found.iloc[0]["label"]) + ctx.t(
                f"，标题含“{wanted}”的 {n} 场中最近的一场",
                f"; the latest of {n} sessions whose title holds '{wanted}'")
    if found.empty:
        latest = wh.df(f"SELECT {label} AS label FROM live_sessions s ORDER BY s.start_time DESC LIMIT 3")["label"]
        raise ToolError("value_not_found",
                        f"There is no live session '{wanted}' in the data. Latest: {', '.join(latest)}.",
                        f"数据里没有直播场次“{wanted}”。最近的场次：{'、'.join(latest)}。")
    return int(found.iloc[0]["session_id"]), str(found.iloc[0]["label"])


def host_condition(where: str, params: list[Any], host: str | list[str] | None) -> tuple[str, list[Any]]:
    """`where` on live_sessions `s` / hosts `h` narrowed to these hosts' broadcasts (names as resolve_hosts found
    them), and its parameters."""
    if host is None:
        return where, params
    hosts = [host] if isinstance(host, str) else list(host)
    return f"{where} AND h.host_name IN ({', '.join('?' * len(hosts))})", [*params, *hosts]


def window_params(window: Window) -> dict[str, Any]:
    return {"window": {"start": str(window.start) if window.start else None,
                       "end": str(window.end) if window.end else None,
                   "label": {"zh": window.label_zh, "en": window.label_en}}}


def _grouping(dimension: str) -> tuple[str, str, str, str]:
    """SQL pieces grouping sessions by host or by session: key, label, extra columns, and their carry-over."""
    if dimension == "host":
        return "s.host_id", "coalesce(h.host_name, 'host ' || CAST(s.host_id AS VARCHAR))", "", ""
    return ("s.session_id", "s.title || ' #' || CAST(s.session_id AS VARCHAR)",
            "coalesce(h.host_name, '') AS host_name, s.start_time,",
            "any_value(host_name) AS host_name, any_value(start_time) AS start_time,")


def _session_groups(dimension: str, window: Window, session_id: int | None,
                    host: str | list[str] | None = None) -> tuple[str, str, str, list[Any]]:
    """What both live builders share: the sessions in scope keyed by host or session (`sess`), one row per group
    (`groups`), the columns a session row carries into the SELECT, and the parameters."""
    where, params = host_condition(*session_filter(window, session_id), host)
    key, label, extra, keep = _grouping(dimension)
    sess = f"""sess AS (
  SELECT s.session_id, s.host_id, {key} AS grp_key, {label} AS grp, {extra} 1 AS one,
    date_diff('second', s.start_time, s.end_time) AS live_seconds
  FROM live_sessions s LEFT JOIN hosts h ON h.host_id = s.host_id
  WHERE {where}
)"""
    groups = f"""groups AS (
  SELECT grp_key, any_value(grp) AS grp, {keep}
    count(*) AS sessions, sum(live_seconds) / 3600.0 AS hours
  FROM sess GROUP BY grp_key
)"""
    return sess, groups, "g.host_name, g.start_time," if extra else "", params


def build_live_sql(dimension: str, window: Window, session_id: int | None = None,
                   host: str | list[str] | None = None) -> tuple[str, list[Any]]:
    sess, groups, carried, params = _session_groups(dimension, window, session_id, host)
    paid = ", ".join(f"'{s}'" for s in catalog.load("metrics")["paid_statuses"])
    refunded = catalog.load("metrics")["refunded_status"]
    sql = f"""WITH {sess},
sales AS (
  SELECT x.grp_key,
    coalesce(sum(o.pay_amount) FILTER (WHERE o.status IN ({paid})), 0) AS gmv,
    count(DISTINCT o.order_id) FILTER (WHERE o.status IN ({paid})) AS orders,
    count(DISTINCT o.customer_id) FILTER (WHERE o.status IN ({paid})) AS buyers,
    count(DISTINCT o.order_id) FILTER (WHERE o.status = '{refunded}') AS refunded_orders
  FROM orders o JOIN sess x ON x.session_id = o.session_id
  GROUP BY x.grp_key
),
pairs AS (
  SELECT e.session_id, e.customer_id,
    count(*) FILTER (WHERE e.event_type = 'enter_live') AS enters,
    sum(e.watch_seconds) FILTER (WHERE e.event_type = 'enter_live') AS watch_seconds,
    bool_or(e.event_type = 'pay') AS paid,
    count(*) FILTER (WHERE e.event_type = 'follow') AS follows,
    count(*) FILTER (WHERE e.event_type = 'like') AS likes,
    count(*) FILTER (WHERE e.event_type = 'comment') AS comments,
    count(*) FILTER (WHERE e.event_type = 'share') AS shares
  FROM events e JOIN sess x ON x.session_id = e.session_id
  GROUP BY e.session_id, e.customer_id
),
audience AS (
  SELECT x.grp_key,
    count(DISTINCT p.customer_id) FILTER (WHERE p.enters > 0) AS viewers,
    coalesce(sum(p.enters), 0) AS views,
    sum(p.watch_seconds) / nullif(sum(p.enters), 0) / 60.0 AS watch_time,
    count(*) FILTER (WHERE p.enters > 0) AS viewer_pairs,
    count(*) FILTER (WHERE p.paid) AS payer_pairs,
    coalesce(sum(p.follows), 0) AS new_followers,
    coalesce(sum(p.likes), 0) AS likes, coalesce(sum(p.comments), 0) AS comments,
    coalesce(sum(p.shares), 0) AS shares
  FROM pairs p JOIN sess x ON x.session_id = p.session_id
  GROUP BY x.grp_key
),
{groups}
SELECT g.grp_key, g.grp, {carried} g.sessions, g.hours,
  coalesce(a.gmv, 0) AS gmv, coalesce(a.orders, 0) AS orders, coalesce(a.buyers, 0) AS buyers,
  coalesce(v.viewers, 0) AS viewers, coalesce(v.views, 0) AS views, v.watch_time,
  coalesce(v.viewer_pairs, 0) AS viewer_pairs, coalesce(v.payer_pairs, 0) AS payer_pairs,
  v.payer_pairs / nullif(v.viewer_pairs, 0) AS conversion_rate,
  coalesce(a.gmv, 0) / nullif(v.views, 0) * 1000 AS gpm,
  coalesce(v.new_followers, 0) AS new_followers,
  coalesce(v.likes, 0) AS likes, coalesce(v.comments, 0) AS comments, coalesce(v.shares, 0) AS shares,
  coalesce(a.gmv, 0) / nullif(g.sessions, 0) AS gmv_per_session,
  a.refunded_orders / nullif(a.orders, 0) AS refund_rate
FROM groups g
LEFT JOIN sales a ON a.grp_key = g.grp_key
LEFT JOIN audience v ON v.grp_key = g.grp_key
ORDER BY g.grp_key"""
    return sql, params


def build_report_sql(dimension: str, window: Window, session_id: int | None = None,
                     host: str | list[str] | None = None, columns: set[str] | None = None) -> tuple[str, list[Any]]:
    """The same columns from a platform's session report (session_stats) when there are no viewer events:
    viewers, views, watch time, GMV, orders and buyers as the platform counted them per broadcast, and its
    refunds and ad spend. `columns`: session_stats' columns (a dataset imported before a figure was read
    lacks it, and the figure is NULL)."""
    sess, groups, carried, params = _session_groups(dimension, window, session_id, host)
    t = {c: (f"t.{c}" if columns is None or c in columns else "CAST(NULL AS DOUBLE)")
         for c in ("refund_orders", "refund_amount", "ad_spend", "user_paid", "live_minutes")}
    sql = f"""WITH {sess},
spenders AS (
  SELECT x.host_id FROM session_stats t JOIN sess x ON x.session_id = t.session_id
  GROUP BY x.host_id HAVING sum({t['ad_spend']}) > 0
),
reported AS (
  SELECT x.grp_key, sum(t.gmv) AS gmv, sum(t.orders) AS orders, sum(t.buyers) AS buyers,
    sum(t.viewers) AS viewers, sum(t.views) AS views,
    sum(t.avg_watch_minutes * t.viewers) / nullif(sum(t.viewers) FILTER (WHERE t.avg_watch_minutes IS NOT NULL), 0)
      AS watch_time,
    sum(t.new_followers) AS new_followers,
    sum({t['live_minutes']}) / 60.0 AS reported_hours, sum({t['refund_orders']}) AS refund_orders,
    sum({t['refund_amount']}) AS refund_amount,
    sum({t['ad_spend']}) AS ad_spend,
    -- ROI is on what users paid (千川's 支付ROI; a report without that figure has only its GMV), of the
    -- accounts that spent in the window: a host who never bought traffic brings no return on it
    sum(coalesce({t['user_paid']}, t.gmv)) FILTER (WHERE x.host_id IN (SELECT host_id FROM spenders))
      AS paid_for_roi
  FROM session_stats t JOIN sess x ON x.session_id = t.session_id
  GROUP BY x.grp_key
),
{groups}
SELECT g.grp_key, g.grp, {carried} g.sessions,
  -- the platform's own time on air where the report gives it, else each session's end minus start
  coalesce(r.reported_hours, g.hours) AS hours,
  coalesce(r.gmv, 0) AS gmv, coalesce(r.orders, 0) AS orders, coalesce(r.buyers, 0) AS buyers,
  coalesce(r.viewers, 0) AS viewers, coalesce(r.views, 0) AS views, r.watch_time,
  coalesce(r.viewers, 0) AS viewer_pairs, coalesce(r.buyers, 0) AS payer_pairs,
  r.buyers / nullif(r.viewers, 0) AS conversion_rate,
  -- a report without views (快手's 累计观看人数 only): GMV per thousand viewers, said in the answer
  coalesce(r.gmv, 0) / nullif(coalesce(nullif(r.views, 0), r.viewers), 0) * 1000 AS gpm,
  coalesce(r.new_followers, 0) AS new_followers,
  coalesce(r.gmv, 0) / nullif(g.sessions, 0) AS gmv_per_session,
  r.refund_orders, r.refund_amount,
  r.refund_orders / nullif(r.orders, 0) AS refund_rate,
  r.ad_spend, r.paid_for_roi, r.paid_for_roi / nullif(r.ad_spend, 0) AS roi
FROM groups g
LEFT JOIN reported r ON r.grp_key = g.grp_key
ORDER BY g.grp_key"""
    return sql, params


REPORT_DEFINITION = {
    "zh": "口径：来自平台的直播场次报表（每场一行）；按开播日期筛选场次；"
          "观看人数、观看次数、人均观看时长、成交额、成交订单与成交人数取报表数值；"
          "转化率 = 成交人数 ÷ 观看人数；GPM = 成交额 ÷ 观看次数 × 1000。",
    "en": "Definition: from the platform's live-session report (one row per broadcast); sessions are picked by start "
          "date; viewers, views, average watch time, GMV, orders and buyers are the report's figures; conversion = "
          "buyers / viewers; GPM = GMV / views x 1000.",
}


def _show(value: Any, metric: str, lang: str) -> str:
    unit = METRIC_LABELS[metric][2]
    if unit == "ratio":
        return "—" if pd.isna(value) else f"{float(value):.2f}"
    if unit == "minutes":
        return "—" if pd.isna(value) else (f"{float(value):.1f} 分钟" if lang == "zh" else f"{float(value):.1f} min")
    return fmt.by_unit(value, unit, lang)


def _name(metric: str, lang: str) -> str:
    zh, en, _ = METRIC_LABELS[metric]
    return zh if lang == "zh" else en


@tool
def live_performance(
    ctx: Context,
    dimension: Literal["host", "session"] = "host",
    metric: LiveMetric = "gmv",
    period: str | None = None,
    limit: int | None = None,
    session: str | None = None,
    host: str | list[str] | None = None,
    order: Literal["desc", "asc"] = "desc",
) -> ToolResult:
    """How do hosts (主播) or live sessions (场次) perform? GMV, viewers, watch time, conversion, GPM, ROI, ranked.

    Other host metrics, trends: metric_query; step drop-off: funnel.
    Args:
        dimension: host | session.
        metric: gmv | orders | viewers | watch_time | conversion_rate | gpm | refund_rate | ad_spend |
            roi | new_followers | likes | comments | shares | gmv_per_session.
        period: by session start ("last_30_days", "618").
        limit: rows (default all hosts / 20 sessions).
        session: one: "latest", id or title.
        host: name or list.
        order: desc | asc (worst first).
    Example: "上个月哪个主播转化率最高" -> {"metric": "conversion_rate", "period": "last_month"};
        "Top 5 sessions by GPM" -> {"dimension": "session", "metric": "gpm", "limit": 5}
    """
    wh = ctx.warehouse
    host = resolve_hosts(ctx, host)
    one = resolve_session(ctx, session, ctx.window(period), host)
    session_id = one[0] if one else None
    if one:
        dimension = "session"  # the one broadcast's own row
    if not wh.has_table("events") and wh.has_table("session_stats"):
        # an imported session report: the platform's per-broadcast figures stand in for viewer events
        wh.require_tables("live_sessions", "session_stats")
        window = ctx.window(period)
        sql, params = build_report_sql(dimension, window, session_id, host, wh.columns("session_stats"))
        frame = wh.df(sql, params)
        _require_reported(ctx, metric, frame)
        result = _present(ctx, dimension, metric, window, frame, sql, limit, order)
        definition = _report_definition(ctx, frame)
        result.answer = result.answer.replace(DEFINITION[ctx.language], definition)
        return name_one_host(ctx, name_one_session(ctx, result, one), host)
    if metric in REPORT_ONLY:
        raise ToolError("needs_column",
                        f"{_name(metric, 'en')} needs ad spend, which only a live-session report with a spend column "
                        "(投放消耗/千川消耗) has; this dataset has none. GMV, conversion and GPM by host are "
                        "available.",
                        f"{_name(metric, 'zh')}需要投放消耗，只有带投放消耗（千川/投流）列的直播场次报表才有；"
                        "当前数据没有。"
                        "可以看各主播的成交额、转化率和GPM。")
    if not wh.has_table("live_sessions") and wh.has_table("hosts") and metric in _FROM_ORDERS and dimension == "host":
        # an order export with a host column but no sessions or viewers: the hosts' sales from their orders
        from tools.metrics import metric_query

        result = metric_query(ctx, metric=metric, dimension="host", period=period, limit=limit, order=order,
                              filters={"host": host} if host else None)
        result.answer = ctx.t("（没有直播场次和观看数据：按订单里的主播/带货账号统计。）",
                              "(No live sessions or viewer data: hosts' figures from their orders.) ") + result.answer
        return result
    wh.require_tables("orders", "live_sessions", "events")
    wh.require_column("events", "watch_seconds")
    window = ctx.window(period)
    sql, params = build_live_sql(dimension, window, session_id, host)
    frame = wh.df(sql, params)
    return name_one_host(ctx, name_one_session(ctx, _present(ctx, dimension, metric, window, frame, sql, limit,
                                                             order), one), host)


# What an order export alone can rank hosts by (viewers, watch time, conversion and GPM need sessions).
_FROM_ORDERS = ("gmv", "orders", "refund_rate")


def resolve_hosts(ctx: Context, host: str | list[str] | None) -> str | list[str] | None:
    """resolve_host for one name or each of a list (the list stays a list, in its order, without repeats)."""
    if isinstance(host, (list, tuple)):
        names = list(dict.fromkeys(n for n in (resolve_host(ctx, h) for h in host) if n is not None))
        return None if not names else names[0] if len(names) == 1 else names
    return resolve_host(ctx, host)


def _require_reported(ctx: Context, metric: str, frame: pd.DataFrame) -> None:
    """A figure the report does not carry (no spend column, no refund column) is said, not shown as blanks."""
    if metric in EVENTS_ONLY:
        raise ToolError("needs_column",
                        f"The live-session report does not count {_name(metric, 'en')}; viewer events do, and this "
                        "dataset has none. Viewers, GMV, conversion and new followers by session are available.",
                        f"直播场次报表不统计{_name(metric, 'zh')}（需要观看行为事件，当前数据没有）。"
                        "可以看各场的观看人数、成交额、转化率和新增关注。")
    needs = {"ad_spend": "ad_spend", "roi": "ad_spend", "refund_rate": "refund_orders"}.get(metric)
    if needs is None or (needs in frame and frame[needs].notna().any()):
        return
    what_en, what_zh = (("ad spend (投放消耗)", "投放消耗") if needs == "ad_spend" else ("refunds", "退款订单数"))
    raise ToolError("needs_column",
                    f"The live-session report has no {what_en} column, so {_name(metric, 'en')} cannot be computed. "
                    "GMV, viewers, conversion and GPM by host or session are available.",
                    f"直播场次报表里没有{what_zh}，无法计算{_name(metric, 'zh')}。"
                    "可以看各主播或场次的成交额、观看、转化率和GPM。")


def _report_definition(ctx: Context, frame: pd.DataFrame) -> str:
    """The session report's definition, with its refund and spend figures where the report has them."""
    terms = []
    if "reported_hours" in frame and frame["reported_hours"].notna().any():
        terms.append(ctx.t("直播时长取报表的直播时长", "hours on air are the report's durations"))
    if "refund_orders" in frame and frame["refund_orders"].notna().any():
        terms.append(ctx.t("退款率 = 退款订单数 ÷ 成交订单数（按金额：退款金额 ÷ 成交额）",
                           "refund rate = refunded orders / orders (by amount: refunded / GMV)"))
    if "ad_spend" in frame and frame["ad_spend"].notna().any():
        terms.append(ctx.t("投产比 = 有投放的账号的用户支付金额（报表没有时用成交额）÷ 投放消耗",
                           "ROI = what users paid (the GMV where the report lacks it) in the accounts that spent / "
                           "ad spend"))
    base = REPORT_DEFINITION[ctx.language]
    if not terms:
        return base
    return base[:-1] + ctx.t("；" + "；".join(terms) + "。", "; " + "; ".join(terms) + ".")


def resolve_host(ctx: Context, host: str | None) -> str | None:
    """The host a question names, as the data spells it (exact, else the one name containing it); a host the
    data does not have is "not found" with the nearest names, never another host's figures."""
    if host is None or not str(host).strip():
        return None
    wh = ctx.warehouse
    wh.require_tables("hosts")
    wanted = str(host).strip()
    found = wh.df("SELECT host_name FROM hosts WHERE host_name = ? OR host_name ILIKE ? "
                  "ORDER BY host_name = ? DESC, length(host_name) LIMIT 1", [wanted, f"%{wanted}%", wanted])
    if found.empty:
        names = wh.df("SELECT host_name FROM hosts ORDER BY host_name")["host_name"].astype(str).tolist()
        near = difflib.get_close_matches(wanted, names, n=3, cutoff=0.0)  # as metric_query's filters say it
        raise ToolError("value_not_found", f"There is no host '{wanted}' in the data. Nearest: {', '.join(near)}.",
                        f"数据里没有主播“{wanted}”。最接近的主播：{'、'.join(near)}。")
    return str(found.iloc[0]["host_name"])


def name_one_host(ctx: Context, result: ToolResult, host: str | list[str] | None) -> ToolResult:
    """Name the host (or hosts) an answer is limited to, first."""
    if host is not None:
        names = [host] if isinstance(host, str) else host
        result.answer = ctx.t(f"主播：{'、'.join(names)}。", f"Host: {', '.join(names)}.") + "\n" + result.answer
        result.params["host"] = host
    return result


def name_one_session(ctx: Context, result: ToolResult, one: tuple[int, str] | None) -> ToolResult:
    """Name the broadcast a one-session answer is about, first."""
    if one is not None:
        result.answer = ctx.t(f"场次：{one[1]}。", f"Session: {one[1]}.") + "\n" + result.answer
        result.params["session"] = {"session_id": one[0], "label": one[1]}
    return result


def _present(ctx: Context, dimension: str, metric: str, window: Window, frame: pd.DataFrame,
             sql: str, limit: int | None, order: str = "desc") -> ToolResult:
    lang = ctx.language
    window_label = window.label_zh if lang == "zh" else window.label_en
    dim_label = ctx.t("主播", "host") if dimension == "host" else ctx.t("直播场次", "live session")
    definition = DEFINITION[lang]
    params = {**window_params(window), "dimension": dimension, "metric": metric}
    if frame.empty:
        answer = ctx.t(f"{window_label}没有直播场次，无法评估直播表现。可以换一个时间范围（例如最近30天）。",
                       f"There were no live sessions in {window_label}, so there is no live performance to "
                       "report. Try a wider window (e.g. the last 30 days).")
        empty = frame.rename(columns={"grp": dimension}).drop(columns=["grp_key"])
        return ToolResult(f"{answer}\n{definition}", [Table("live_performance", empty)], [], [sql], params)

    table = frame.rename(columns={"grp": dimension}).drop(columns=["grp_key"])
    for col in ("sessions", "orders", "buyers", "viewers", "views", "viewer_pairs", "payer_pairs",
                "new_followers", *EVENTS_ONLY):
        if col in table:  # (a session report has no likes, comments or shares)
            table[col] = table[col].fillna(0).astype("int64")
    table["gmv"] = table["gmv"].astype(float).round(2)
    on_air = pd.to_numeric(table["hours"], errors="coerce")  # hours on air: each session's end minus start
    hours = float(on_air.sum()) if on_air.notna().any() else None  # summed before rounding
    table["hours"] = on_air.round(2)
    table[dimension] = table[dimension].astype(str)
    # stable on rows already in key order: ties (many sessions at GMV 0) rank the same on every engine
    ranked = table.sort_values(metric, ascending=False, na_position="last", kind="stable").reset_index(drop=True)
    valid = ranked[ranked[metric].notna()]
    if dimension == "session" and metric in ("conversion_rate", "watch_time", "gpm"):
        # a session with a handful of viewers should not be named best or worst
        floor = max(1, int(valid["viewer_pairs"].median() * 0.1)) if len(valid) else 1
        valid = valid[valid["viewer_pairs"] >= floor]
    rows = limit if limit else (20 if dimension == "session" else len(ranked))
    # worst first ("转化率最低的3个主播"): the lowest of the rows that can be weighed (not a handful of viewers)
    shown = valid.iloc[::-1].head(rows) if order == "asc" else ranked.head(rows)
    if order == "asc":
        params["order"] = "asc"

    name = _name(metric, lang)
    total_gmv = table["gmv"].sum()
    views = table["views"].sum()
    pairs = table["viewer_pairs"].sum()
    overall_conv = table["payer_pairs"].sum() / pairs if pairs else None
    per_viewer = not views and table["viewers"].sum() > 0  # a report that counts viewers but not views
    overall_gpm = total_gmv / (views or table["viewers"].sum()) * 1000 if (views or per_viewer) else None
    n_sessions = int(table["sessions"].sum())
    n_orders, n_viewers = int(table["orders"].sum()), int(table["viewers"].sum())
    timed = table[table["watch_time"].notna() & (table["viewers"] > 0)]
    # the sessions' average watch time, weighted by their viewers ("人均观看时长" over every session)
    watch = float((timed["watch_time"] * timed["viewers"]).sum() / timed["viewers"].sum()) if len(timed) else None
    # the overall figures the answer cites, kept in the params so each one is traceable
    params["overall"] = {"sessions": n_sessions, "hours": round(hours, 2) if hours is not None else None,
                         "gmv": round(float(total_gmv), 2), "views": int(views),
                         "orders": n_orders, "viewers": n_viewers,
                         "watch_time": round(watch, 2) if watch is not None else None,
                         "conversion_rate": round(float(overall_conv), 4) if overall_conv is not None else None,
                         "gpm": round(float(overall_gpm), 2) if overall_gpm is not None else None,
                         "gpm_per_views": 1000}
    reported_zh, reported_en = _reported_overall(ctx, table, params["overall"])
    sessions = fmt.number(n_sessions, lang)
    per_session = hours * 60 / n_sessions if hours is not None and n_sessions else None  # minutes a broadcast
    params["overall"]["minutes_per_session"] = round(per_session, 2) if per_session is not None else None
    on_air_zh = f"，累计直播 {hours:,.2f} 小时（平均每场 {per_session:,.2f} 分钟）" if per_session is not None else ""
    on_air_en = f", {hours:,.2f} hours on air ({per_session:,.2f} minutes a session)" if per_session is not None \
        else ""
    scope_zh = (f"{sessions} 场直播" if dimension == "session"
                else f"{len(table)} 个主播（{sessions} 场直播）") + on_air_zh
    scope_en = (f"{sessions} sessions" if dimension == "session" else f"{len(table)} hosts ({sessions} sessions)") \
        + on_air_en
    watch_zh = f"，人均观看 {watch:.2f} 分钟" if watch is not None else ""
    watch_en = f", {watch:.2f} minutes watched per viewer" if watch is not None else ""
    overall = ctx.t(
        f"{window_label}共 {scope_zh}，"
        f"GMV {fmt.exact(total_gmv, 'currency', lang)}，成交 {fmt.exact(n_orders, 'count', lang, False)} 单，"
        f"观看 {fmt.exact(n_viewers, 'count', lang, False)} 人"
        + (f"（{fmt.exact(views, 'count', lang, False)} 次）" if views else "") + f"{watch_zh}，"
        f"整体转化率 {fmt.percent(overall_conv)}，GPM {fmt.exact(overall_gpm, 'currency', lang, False)}"
        + ("（报表没有观看次数，GPM 按每千名观看人数计）" if per_viewer else "") + reported_zh + "。",
        f"{window_label}: {scope_en}, GMV "
        f"{fmt.money(total_gmv, lang)}, {fmt.number(n_orders, lang)} orders, {fmt.number(n_viewers, lang)} viewers"
        + (f" ({fmt.number(views, lang)} views)" if views else "") + f"{watch_en}, overall conversion "
        f"{fmt.percent(overall_conv)}, GPM {fmt.exact(overall_gpm, 'currency', lang, False)}"
        + (" (the report has no view counts: GPM is per thousand viewers)" if per_viewer else "") + reported_en + ".",
    )
    if metric == "gmv_per_session" and n_sessions:
        # GMV over every broadcast of the window, each host's below ("阿杰的场均GMV")
        params["overall"]["gmv_per_session"] = round(float(total_gmv) / n_sessions, 2)
        overall = overall[:-1] + ctx.t(f"，场均成交额 {fmt.money(total_gmv / n_sessions, lang)}。",
                                       f", GMV per session {fmt.money(total_gmv / n_sessions, lang)}.")
    if metric in ("new_followers", *EVENTS_ONLY) and metric in table:
        # a count of viewers' actions: its total over every row, beside the sales figures ("一共多少评论")
        total = int(table[metric].sum())
        params["overall"][metric] = total
        overall = overall[:-1] + ctx.t(f"，{name} {fmt.exact(total, 'count', lang, False)}。",
                                       f", {fmt.number(total, lang)} {name}.")
    if valid.empty:
        ranking = ctx.t(f"没有可用于比较{name}的数据。", f"No {dim_label} has data for {name}.")
    else:
        best, worst = valid.iloc[0], valid.iloc[-1]
        detail = lambda r: _row_detail(ctx, r)  # noqa: E731
        if len(valid) == 1:
            ranking = ctx.t(f"{best[dimension]} 的{name}为 {_show(best[metric], metric, lang)}（{detail(best)}）。",
                            f"{best[dimension]}: {name} {_show(best[metric], metric, lang)} ({detail(best)}).")
        elif limit and 1 < limit < len(valid):
            ranking = _listed(ctx, valid, dimension, metric, limit, order, dim_label,
                              {"conversion_rate": overall_conv, "gpm": overall_gpm, "watch_time": watch,
                               "gmv_per_session": total_gmv / n_sessions if n_sessions else None})
        else:
            ranking = ctx.t(
                f"按{name}排名，最高的是 {best[dimension]}（{_show(best[metric], metric, lang)}；{detail(best)}），"
                f"最低的是 {worst[dimension]}（{_show(worst[metric], metric, lang)}；{detail(worst)}）。",
                f"By {name}, the highest is {best[dimension]} ({_show(best[metric], metric, lang)}; "
                f"{detail(best)}) and the lowest is {worst[dimension]} ({_show(worst[metric], metric, lang)}; "
                f"{detail(worst)}).",
            )
    answer = f"{overall}\n{ranking}\n{definition}"
    title = ctx.t(f"各{dim_label}{name}", f"{name} by {dim_label}")
    chart = ChartSpec("bar", title, "live_performance", dimension, metric)
    recs = _recommendations(ctx, dimension, table)
    if dimension == "host":
        params["best_worst_conversion_ratio"] = _conversion_ratio(table)
    result = ToolResult(answer, [Table("live_performance", shown, truncated=len(shown) < len(ranked))],
                        [chart], [sql], params, recs)
    result.definitions = [definitions.custom("live_performance", "直播表现口径", "Live performance",
                                             DEFINITION[lang].split("：", 1)[-1].split(": ", 1)[-1]),
                          definitions.metric("gmv", lang)]
    return result


def _listed(ctx: Context, valid: pd.DataFrame, dimension: str, metric: str, limit: int, order: str,
            dim_label: str, overall: dict[str, Any]) -> str:
    """"转化率最低的3个主播，低多少": the N asked for, each with its gap to the overall figure (a rate's, over
    every viewer) or, for a sum, to the average of every row ranked, so "by how much" is answered."""
    lang, name, unit = ctx.language, _name(metric, ctx.language), METRIC_LABELS[metric][2]
    listed = valid.iloc[::-1].head(limit) if order == "asc" else valid.head(limit)
    reference = overall.get(metric)
    if reference is None or pd.isna(reference):
        reference, label_zh, label_en = float(valid[metric].mean()), f"各{dim_label}平均", f"the {dim_label} average"
    else:
        label_zh, label_en = "整体", "overall"
    shown = _show(reference, metric, lang)

    def gap(value: float) -> str:
        diff = float(value) - float(reference)
        if unit == "rate":
            size = fmt.pp(abs(diff), lang).lstrip("+")
        else:
            size = _show(abs(diff), metric, lang)
        if lang == "zh":
            return f"比{label_zh}{'低' if diff < 0 else '高'} {size}"
        return f"{size} {'below' if diff < 0 else 'above'} {label_en}"

    items = [ctx.t(f"{r[dimension]}（{_show(r[metric], metric, lang)}，{gap(r[metric])}）",
                   f"{r[dimension]} ({_show(r[metric], metric, lang)}, {gap(r[metric])})")
             for _, r in listed.iterrows()]
    end = valid.iloc[0] if order == "asc" else valid.iloc[-1]
    other_zh, other_en = ("最高", "highest") if order == "asc" else ("最低", "lowest")
    return ctx.t(
        f"按{name}，{'最低' if order == 'asc' else '最高'}的 {len(listed)} 个{dim_label}是 " + "、".join(items)
        + f"（{label_zh} {shown}；全部 {fmt.number(len(valid), lang)} 个中{other_zh}的是 {end[dimension]}，"
        f"{_show(end[metric], metric, lang)}）。",
        f"By {name}, the {'lowest' if order == 'asc' else 'highest'} {len(listed)} {dim_label}s are "
        + "; ".join(items) + f" ({label_en} {shown}; of all {fmt.number(len(valid), lang)}, the "
        f"{other_en} is {end[dimension]} at {_show(end[metric], metric, lang)}).")


def _reported_overall(ctx: Context, table: pd.DataFrame, overall: dict[str, Any]) -> tuple[str, str]:
    """The session report's refunds and ad spend over every row, as clauses of the overall sentence (zh, en);
    the figures go into `overall` so each one the answer says is traceable. Empty where the report lacks them."""
    lang, zh, en = ctx.language, "", ""
    if "refund_orders" in table and table["refund_orders"].notna().any():
        refunds = int(table["refund_orders"].sum())
        amount = float(table["refund_amount"].sum()) if table["refund_amount"].notna().any() else None
        orders = int(table["orders"].sum())
        rate = refunds / orders if orders else None
        gmv = float(table["gmv"].sum())
        by_amount = amount / gmv if amount is not None and gmv else None  # reports state either rate
        overall.update(refund_orders=refunds, refund_amount=round(amount, 2) if amount is not None else None,
                       refund_rate=round(rate, 4) if rate is not None else None,
                       refund_amount_rate=round(by_amount, 4) if by_amount is not None else None)
        money = fmt.exact(amount, "currency", lang, False) if amount is not None else None
        zh += f"，退款 {fmt.number(refunds, lang)} 单" + (f"（{money}）" if money else "") \
            + f"，退款率 {fmt.percent(rate)}" \
            + (f"（按金额 {fmt.percent(by_amount)}）" if by_amount is not None else "")
        en += f", {fmt.number(refunds, lang)} refunded orders" + (f" ({money})" if money else "") \
            + f", refund rate {fmt.percent(rate)}" + (f" ({fmt.percent(by_amount)} by amount)" if by_amount is not None
                                                      else "")
    if "ad_spend" in table and table["ad_spend"].notna().any():
        spend, paid = float(table["ad_spend"].sum()), float(table["paid_for_roi"].sum())
        roi = paid / spend if spend else None
        overall.update(ad_spend=round(spend, 2), paid_for_roi=round(paid, 2),
                       roi=round(roi, 4) if roi is not None else None)
        shown = f"{roi:.2f}" if roi is not None else "—"
        zh += f"，投放消耗 {fmt.exact(spend, 'currency', lang, False)}，投产比 {shown}"
        en += f", ad spend {fmt.exact(spend, 'currency', lang, False)}, ROI {shown}"
    return zh, en


def _row_detail(ctx: Context, row: pd.Series) -> str:
    lang = ctx.language
    return ctx.t(
        f"GMV {fmt.money(row['gmv'], lang)}，观看人数 {fmt.number(row['viewers'], lang)}，"
        f"转化率 {fmt.percent(row['conversion_rate'])}，GPM {fmt.money(row['gpm'], lang)}",
        f"GMV {fmt.money(row['gmv'], lang)}, {fmt.number(row['viewers'], lang)} viewers, "
        f"conversion {fmt.percent(row['conversion_rate'])}, GPM {fmt.money(row['gpm'], lang)}",
    )


def _conversion_ratio(table: pd.DataFrame) -> float | None:
    """Best host's conversion over the worst's (hosts with viewers), as the recommendation cites it."""
    usable = table[table["viewer_pairs"] > 0]["conversion_rate"].astype(float)
    if len(usable) < 2 or not usable.min():
        return None
    return round(float(usable.max() / usable.min()), 4)


def _recommendations(ctx: Context, dimension: str, table: pd.DataFrame) -> list[str]:
    usable = table[(table["viewer_pairs"] > 0) & table["conversion_rate"].notna()]  # a report may lack buyers
    if dimension != "host" or len(usable) < 2:
        return []
    recs = []
    best = usable.loc[usable["conversion_rate"].idxmax()]
    worst = usable.loc[usable["conversion_rate"].idxmin()]
    ratio = fmt.times(_conversion_ratio(table), ctx.language)
    recs.append(ctx.t(
        f"{best['host']} 的转化率 {fmt.percent(best['conversion_rate'])}，是 {worst['host']}"
        f"（{fmt.percent(worst['conversion_rate'])}）的 {ratio}："
        "复盘其话术与排品，安排高流量时段给转化更高的主播。",
        f"{best['host']} converts {fmt.percent(best['conversion_rate'])} of viewers, "
        f"{ratio} {worst['host']} "
        f"({fmt.percent(worst['conversion_rate'])}): study their pitch and line-up and give them the peak slots.",
    ))
    with_orders = table[(table["orders"] > 0) & table["refund_rate"].notna()]  # a session report has no refunds
    if len(with_orders):
        risky = with_orders.loc[with_orders["refund_rate"].idxmax()]
        recs.append(ctx.t(
            f"{risky['host']} 的退款率最高（{fmt.percent(risky['refund_rate'])}）：核对商品描述与质检。",
            f"{risky['host']} has the highest refund rate ({fmt.percent(risky['refund_rate'])}): "
            "check product descriptions and quality.",
        ))
    return recs
