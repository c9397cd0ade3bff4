"""metric_query: a metric from data/metrics.yaml over a time window, optionally by a dimension."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

from tools import catalog, definitions, fmt, per_period
from tools.context import Context
from tools.registry import tool
from tools.result import ChartSpec, Table, ToolError, ToolResult
from tools.timewindow import Window, previous_window, year_earlier_window

Metric = Literal[
    "gmv", "net_sales", "orders", "buyers", "aov", "net_aov", "spend_per_buyer", "net_spend_per_buyer",
    "orders_per_buyer", "repurchase_rate", "repeat_buyers", "one_time_buyers", "refund_rate", "refund_amount",
    "refund_requested", "new_customers", "first_order_aov", "units", "lines", "refunded_lines",
    "paid_after_free",
]
Compare = Literal["previous_period", "last_year"]
# Money per order or per buyer: averages, which neither add up across groups nor make a share of a total.
_AVERAGES = {"aov", "net_aov", "spend_per_buyer", "net_spend_per_buyer", "orders_per_buyer", "first_order_aov"}
# Measures with refunds in them, where a partial refund of unknown amount leaves a floor, not a figure.
_NET_OF_REFUND_MEASURES = {"refund_amount", "net_sales", "net_aov", "net_spend_per_buyer"}
# The window a comparison needs when the question names none ("环比" alone = the last full month
# against the month before; "同比" alone = this year to date against the same dates last year).
CUSTOMER_RANKING_DEFAULT = 20
_COMPARE_DEFAULT_PERIOD = {"previous_period": "last_month", "last_year": "this_year"}
# New vs returning with no window: over all data every buyer's first order falls inside it (all "new"), so the
# split is taken over the last 30 days of data, and the answer says so
_BUYER_TYPE_DEFAULT_PERIOD = "last_30_days"
Dimension = Literal[
    "day", "week", "month", "quarter", "host", "session", "category", "product", "brand", "region", "gender",
    "age_band", "channel", "segment", "customer", "source", "coupon", "coupon_code", "status", "weekday", "day_of_week",
    "hour", "buyer_type", "shipping", "after_sale",
]


@dataclass(frozen=True)
class DimensionSpec:
    expr: str
    join: str | None  # the alias of the table it needs: c, h, s, p, seg
    zh: str
    en: str
    item_grain: bool = False  # needs order lines (amount = the line's share)
    time: bool = False


# An order's status where partial refunds are known: a paid order with a refund amount is partially_refunded,
# and so is one the export marks 部分退款 without an amount (orders.partly_refunded, where the import kept it).
_PARTLY = "coalesce(o.partly_refunded, false)"


def _partial_status(partly_column: bool) -> str:
    partly = f" OR {_PARTLY}" if partly_column else ""
    return (f"CASE WHEN o.status = 'paid' AND (coalesce(o.refund_amount, 0) > 0{partly}) THEN 'partially_refunded' "
            "ELSE o.status END")

# The values of the day_of_week dimension, Monday first (the router names a weekday filter by these).
DAY_OF_WEEK_LABELS = ("Mon 周一", "Tue 周二", "Wed 周三", "Thu 周四", "Fri 周五", "Sat 周六", "Sun 周日")
# The order's day of the week, 0 = Monday (2024-01-01 was one), in SQL both DuckDB and Spark read alike.
_DAY_OF_WEEK = "(((date_diff('day', DATE '2024-01-01', CAST(o.order_time AS DATE)) % 7) + 7) % 7)"

DIMENSIONS: dict[str, DimensionSpec] = {
    "day": DimensionSpec("CAST(o.order_time AS DATE)", None, "日期", "day", time=True),
    "week": DimensionSpec("CAST(date_trunc('week', o.order_time) AS DATE)", None, "周", "week", time=True),
    "month": DimensionSpec("strftime(o.order_time, '%Y-%m')", None, "月份", "month", time=True),
    "quarter": DimensionSpec("strftime(o.order_time, '%Y') || '-Q' || CAST(quarter(o.order_time) AS VARCHAR)", None,
                             "季度", "quarter", time=True),
    "host": DimensionSpec("coalesce(h.host_name, '(shelf)')", "h", "主播", "host"),
    "session": DimensionSpec(
        "coalesce(s.title || ' #' || CAST(s.session_id AS VARCHAR), '(shelf)')", "s", "直播场次", "session"
    ),
    "category": DimensionSpec("p.category", "p", "品类", "category", item_grain=True),
    "product": DimensionSpec("p.product_name", "p", "商品", "product", item_grain=True),
    "brand": DimensionSpec("p.brand", "p", "品牌", "brand", item_grain=True),
    "region": DimensionSpec("c.province", "c", "地区", "region"),
    "gender": DimensionSpec("c.gender", "c", "性别", "gender"),
    "age_band": DimensionSpec("c.age_band", "c", "年龄段", "age band"),
    "channel": DimensionSpec("c.channel", "c", "渠道", "channel"),
    # A buyer whose every order was refunded (or cancelled) is in no RFM segment, which reads kept orders: a row.
    "segment": DimensionSpec("coalesce(seg.segment, '(no segment)')", "seg", "RFM分群", "RFM segment"),
    # Customer ids only (never names or phones): "top 10 customers by spend" is a ranking by this.
    "customer": DimensionSpec("CAST(o.customer_id AS VARCHAR)", None, "客户ID", "customer id"),
    "source": DimensionSpec("o.source", None, "下单来源（live 直播间 / shelf 货架）", "order source (live / shelf)"),
    "coupon": DimensionSpec("CASE WHEN o.coupon_id IS NOT NULL OR coalesce(o.coupon_amount, 0) > 0 THEN 'coupon' "
                            "ELSE 'no_coupon' END", None, "是否用券（coupon / no_coupon）",
                            "coupon used (coupon / no_coupon)"),
    # Which coupon the order used (its code, as the export gives it): "每张券各带来多少单"
    "coupon_code": DimensionSpec("coalesce(o.coupon_id, '(no coupon)')", None, "优惠券", "coupon"),
    # paid / refunded / cancelled as the import read them; see by_status in data/metrics.yaml
    "status": DimensionSpec("o.status", None, "订单状态", "order status"),
    # When in the week the order was placed: weekend (Saturday, Sunday) or weekday; or the day itself.
    "weekday": DimensionSpec(f"CASE WHEN {_DAY_OF_WEEK} >= 5 THEN 'weekend' ELSE 'weekday' END", None,
                             "周末/工作日（weekend / weekday）", "weekend or weekday"),
    "day_of_week": DimensionSpec("CASE " + " ".join(f"WHEN {_DAY_OF_WEEK} = {i} THEN '{name}'" for i, name in enumerate(
        DAY_OF_WEEK_LABELS)) + " END", None, "星期几", "day of week"),
    # Whether the order had shipped (orders.shipped, where the export tells it): a refund before shipping (仅退款)
    # is told from one after it.
    "shipping": DimensionSpec("CASE WHEN o.shipped THEN 'shipped' WHEN NOT o.shipped THEN 'not_shipped' END", None,
                              "发货（not_shipped 未发货 / shipped 已发货）", "shipped or not"),
    # Whether a refund was asked for on the order and not yet decided (orders.refund_open, where the export's
    # after-sale status tells it): 退款中, 待商家处理 — the order is still a purchase until it is.
    "after_sale": DimensionSpec("CASE WHEN coalesce(o.refund_open, false) THEN 'open' ELSE 'none' END", None,
                                "售后申请（open 处理中 / none 无）", "open refund request (open / none)"),
    # The hour of the day the order was placed (0-23): when buyers buy, and the filter behind "晚上8点以后".
    "hour": DimensionSpec("lpad(CAST(hour(o.order_time) AS VARCHAR), 2, '0') || ':00'", None, "下单时段（整点）",
                          "hour of day"),
    # New or returning in the window: a buyer whose first-ever paid order is before the window is returning
    # (老客); over all data everyone is new. {window_start} is the window's first day, filled in by the builder.
    "buyer_type": DimensionSpec("CASE WHEN fp.first_paid < {window_start} THEN 'returning' ELSE 'new' END", "fp",
                                "新客/老客（new / returning）", "new or returning buyer"),
}

_JOINS = {
    "c": ("customers", "LEFT JOIN customers c ON c.customer_id = o.customer_id"),
    "h": ("hosts", "LEFT JOIN hosts h ON h.host_id = o.host_id"),
    "s": ("live_sessions", "LEFT JOIN live_sessions s ON s.session_id = o.session_id"),
    "p": ("products", "JOIN products p ON p.product_id = i.product_id"),
    "seg": ("orders", "LEFT JOIN rfm_segments seg ON seg.customer_id = o.customer_id"),
    "fp": ("orders", "LEFT JOIN (SELECT customer_id, min(order_time) AS first_paid FROM orders "
                     "WHERE status IN ({paid_statuses}) GROUP BY customer_id) fp ON fp.customer_id = o.customer_id"),
}



def _source_sql(first_orders_only: bool) -> str:
    statuses = ", ".join(f"'{s}'" for s in catalog.load("metrics")["paid_statuses"])
    if not first_orders_only:
        return "orders"
    return (
        f"(SELECT * FROM orders WHERE status IN ({statuses}) "
        "QUALIFY row_number() OVER (PARTITION BY customer_id ORDER BY order_time, order_id) = 1)"
    )


def _filter_values(value: Any) -> list[str]:
    return [str(v) for v in (value if isinstance(value, list) else [value])]


def _window_conditions(window: Window, column: str) -> tuple[list[str], list[Any]]:
    """Conditions keeping `column`'s dates inside the window, and their parameters."""
    conditions, params = [], []
    if window.start:
        conditions.append(f"CAST({column} AS DATE) >= ?")
        params.append(window.start)
    if window.end:
        conditions.append(f"CAST({column} AS DATE) <= ?")
        params.append(window.end)
    return conditions, params


def build_metric_sql(
    metric: str, dimension: str | None, window: Window, filters: dict[str, Any], refund_column: bool = False,
    partly_column: bool = False, open_column: bool = False, refund_shipped_column: bool = False,
    refunded_lines_column: bool = False,
    line_refund_column: bool = False,
    line_shipped_column: bool = False,
    closed_column: bool = False,
    buyers_when: str | None = None,
) -> tuple[str, list[Any]]:
    """Compose the three-step SQL described in data/metrics.yaml; returns (sql, parameters). `refund_column`:
    the orders carry a refund_amount (an import that read partial refunds), so a paid order may be partly
    refunded and a refund is its amount, not the whole order. `partly_column`: they also carry
    partly_refunded, partial refunds the export names without an amount. `buyers_when`: a further condition on
    the buyers counted (an other reading's, of data/metrics.yaml: those who kept something after refunds)."""
    spec = catalog.metric(metric)
    used = [DIMENSIONS[d] for d in [dimension, *filters] if d in DIMENSIONS]
    item_grain = any(d.item_grain for d in used) or bool(spec.get("item_grain"))  # units live on order lines
    aliases = sorted({d.join for d in used if d.join})

    # a refund's timing is that of the goods refunded: a line refunded before it shipped, in an order whose
    # other lines went out, was refunded before shipping (orders.refund_shipped, where the export tells them apart)
    # (orders still to ship, paid or partly refunded, are about the goods still to go out: the order's own shipping)
    statuses = set(_filter_values(filters.get("status", [])))
    of_refunds = metric in ("refund_amount", "refund_rate", "refunded_lines") or bool(
        statuses and statuses <= _REFUND_KINDS)

    def expr(name: str) -> str:  # where partial refunds are known, a paid order with one is its own status: 部分退款
        if name == "shipping" and item_grain and line_shipped_column:  # a line's own shipping, counted on lines
            return DIMENSIONS[name].expr.replace("o.shipped", "coalesce(i.shipped, o.shipped)")
        if name == "shipping" and refund_shipped_column and of_refunds:
            return DIMENSIONS[name].expr.replace("o.shipped", "coalesce(o.refund_shipped, o.shipped)")
        return _partial_status(partly_column) if name == "status" and refund_column else DIMENSIONS[name].expr

    conditions, params = _window_conditions(window, "o.order_time")
    for name, value in filters.items():
        if name == "line_amount":  # an other reading's own filter (never a question's): a line's amount
            condition, bounds = _amount_condition(value, "i.pay_amount")
            conditions.append(condition)
            params.extend(bounds)
            continue
        if name in ("amount", "hour"):
            condition, bounds = (_amount_condition if name == "amount" else _hour_condition)(value)
            conditions.append(condition)
            params.extend(bounds)
            continue
        values = _filter_values(value)
        if name == "status" and refund_column and "refunded" in values:
            values = [*values, "partially_refunded"]  # "退款的订单": any order with a refund, whole or partial
        if name == "status":  # "整单退款": a whole refunded order (the status 'refunded' itself)
            values = ["refunded" if v == "fully_refunded" else v for v in values]
        column = "o.session_id" if name == "session" else expr(name)  # sessions arrive resolved to ids
        if name == "status" and "closed_after_payment" in values:
            # paid, then closed by its whole refund: where the export says which whole refunds closed their order
            # (orders.closed_after_payment); elsewhere every whole refund (the answer says so)
            values = [v for v in values if v != "closed_after_payment"]
            closed = "(o.status = 'refunded'" + (" AND coalesce(o.closed_after_payment, false))" if closed_column
                                                 else ")")
            others = f" OR CAST({column} AS VARCHAR) IN ({', '.join('?' * len(values))})" if values else ""
            conditions.append(f"({closed}{others})")
            params.extend(values)
            continue
        conditions.append(f"CAST({column} AS VARCHAR) IN ({', '.join('?' * len(values))})")
        params.extend(values)
    amount = "i.pay_amount" if item_grain else "o.pay_amount"
    lines = "JOIN order_items i ON i.order_id = o.order_id" if item_grain else ""
    group = expr(dimension) if dimension else "'all'"
    joins = "\n  ".join(_JOINS[a][1] for a in aliases)
    where = ("WHERE " + " AND ".join(conditions)) if conditions else ""
    measures = ",\n    ".join(f"{sql} AS {name}" for name, sql in catalog.load("metrics")["customer_measures"].items())
    segments_cte = ""
    if "seg" in aliases:
        from tools.rfm import customer_segment_sql

        segments_cte = f"rfm_segments AS ({customer_segment_sql(_segment_scheme(filters))}),\n"
    # By status, every order is in its own status's group and counts there (by_status in data/metrics.yaml).
    status = "'paid'" if "status" in (dimension, *filters) else "o.status"
    # What each order had refunded: the whole of a refunded order, or the export's refund amount (a partial
    # refund of a paid order); an order line carries its share of a whole refund only.
    if refund_column and not item_grain:
        refund = ("CASE WHEN o.status = 'refunded' THEN coalesce(o.refund_amount, o.pay_amount) "
                  "WHEN o.status = 'paid' THEN coalesce(o.refund_amount, 0) ELSE 0 END")
    elif item_grain and line_refund_column:  # each line's own refund, where the import read one per line
        refund = ("CASE WHEN o.status = 'refunded' THEN i.pay_amount "
                  "WHEN o.status = 'paid' THEN coalesce(i.refund_amount, 0) ELSE 0 END")
    else:
        refund = f"CASE WHEN o.status = 'refunded' THEN {amount} ELSE 0 END"
    partly = f"(o.status = 'paid' AND {_PARTLY})" if partly_column and not item_grain else "false"
    requested = "coalesce(o.refund_open_amount, 0)" if open_column and not item_grain else "0"
    # a line's own completed refund where the import read one per line, else its order's whole refund
    line_refunded = ("coalesce(i.refunded, false)" if item_grain and refunded_lines_column
                     else "(o.status = 'refunded')")
    # the refund rate by amount beside the one by orders: people state it either way (按金额算的退款率)
    by_amount = ",\n  sum(refund_amount) / nullif(sum(gmv), 0) AS refund_amount_rate" if metric == "refund_rate" else ""
    sql = f"""WITH {segments_cte}fact AS (
  SELECT o.order_id, o.customer_id, {status} AS status, {amount} AS amount, {refund} AS refund, {partly} AS partly,
    {requested} AS requested,
    {"coalesce(i.quantity, 1)" if item_grain else "1"} AS qty, {line_refunded} AS line_refunded,
    o.order_time AS t, {group} AS grp
  FROM {_source_sql(bool(spec.get('first_orders_only')))} o
  {lines}
  {joins}
  {where}
),
per_customer AS (
  SELECT grp, customer_id,
    {measures}
  FROM fact GROUP BY grp, customer_id
)
SELECT grp, {spec['sql']} AS value,
  sum(paid_orders) AS base_orders, count(*) FILTER (WHERE paid_orders > 0) AS base_buyers{by_amount}
FROM per_customer GROUP BY grp"""
    if buyers_when:  # every count of buyers (the measure's and the base) takes the further condition
        if "FILTER (WHERE paid_orders > 0)" not in spec["sql"] or "paid_orders >=" in spec["sql"]:
            # (a measure that counts its buyers another way would be narrowed in part: a reading is for buyers alone)
            raise ValueError(f"buyers_when reads the buyers of a measure counted as 'paid_orders > 0', not {metric}")
        sql = sql.replace("FILTER (WHERE paid_orders > 0)", f"FILTER (WHERE paid_orders > 0 AND ({buyers_when}))")
    # a date of our own window (never text from a question) marks where "returning" begins
    start = f"TIMESTAMP '{window.start.isoformat()}'" if window.start else "TIMESTAMP '0001-01-01'"
    paid = ", ".join(f"'{s}'" for s in catalog.load("metrics")["paid_statuses"])
    sql = sql.replace("{window_start}", start).replace("{paid_statuses}", paid)
    return sql, params


def _add_rule(ctx: Context, result: ToolResult, key: str, zh: str, en: str) -> None:
    """Say how a split or filter counts (a rule of data/metrics.yaml beside the metric's definition)."""
    note = catalog.load("metrics")[key]["definition"]
    result.answer += "\n" + note[ctx.language]
    result.definitions.append({"name": key, "zh": zh, "en": en, "kind": "metric",
                               "formula": note[ctx.language], "definition": dict(note)})


# The kinds of refund a status filter names (closed_after_payment: the whole refunds that closed their order)
_REFUND_KINDS = {"refunded", "fully_refunded", "partially_refunded", "closed_after_payment"}
_PAID_KINDS = {"paid", *_REFUND_KINDS}


def _refund_columns(ctx: Context) -> dict[str, bool]:
    """build_metric_sql's arguments for what the orders record of refunds."""
    columns, lines = ctx.warehouse.columns("orders"), ctx.warehouse.columns("order_items")
    return {"refund_column": "refund_amount" in columns, "partly_column": "partly_refunded" in columns,
            "open_column": "refund_open" in columns, "refund_shipped_column": "refund_shipped" in columns,
            "refunded_lines_column": "refunded" in lines, "line_refund_column": "refund_amount" in lines,
            "line_shipped_column": "shipped" in lines, "closed_column": "closed_after_payment" in columns}


def _records_partial_refunds(refunds: dict[str, bool]) -> bool:
    """Whether the orders record partial refunds (of _refund_columns: an amount, or the export's 部分退款 mark)."""
    return refunds["refund_column"] or refunds["partly_column"]


_NO_PARTIAL_REFUNDS = ("This data does not record partial refunds (no refund amount or refunded order lines): "
                       "a refund here is a whole refunded order.",
                       "这份数据没有记录部分退款（没有退款金额或商品级退款）：这里的退款都是整单退款。")


# The column each dimension reads, so a dataset without it gets a clear message, not a SQL error.
DIMENSION_COLUMNS: dict[str, tuple[str, str]] = {
    "host": ("hosts", "host_name"), "session": ("live_sessions", "title"),
    "category": ("products", "category"), "product": ("products", "product_name"), "brand": ("products", "brand"),
    "region": ("customers", "province"), "gender": ("customers", "gender"),
    "age_band": ("customers", "age_band"), "channel": ("customers", "channel"),
    "status": ("orders", "status"), "coupon_code": ("orders", "coupon_id"),
}


# Order columns only some exports give: the column, the dimensions (or measure) that read it, and what to say
# where the export did not give it.
_EXPORT_ONLY_COLUMNS = (
    ("shipped", {"shipping"},
     "This export does not say whether orders had shipped (no shipping time, and no status such as 未发货/已发货): "
     "refunds before and after shipping cannot be told apart.",
     "这份导出没有发货信息（没有发货时间，状态里也没有“未发货/已发货”）：无法区分发货前和发货后的退款。"),
    ("refund_open", {"after_sale", "refund_requested"},
     "No order in this data has an open refund request (an after-sale status such as 退款中 or 待商家处理); an "
     "export without an after-sale status column cannot tell them.",
     "这份数据里没有售后处理中的订单（售后状态为退款中、待商家处理等）；导出没有售后状态列时无法区分。"),
)


def _require_columns(ctx: Context, dimension: str | None, filters: dict[str, Any]) -> None:
    for name in [dimension, *filters]:
        if name in DIMENSION_COLUMNS:
            table, column = DIMENSION_COLUMNS[name]
            ctx.warehouse.require_column(table, column)


def _tables_needed(dimension: str | None, filters: dict[str, Any]) -> list[str]:
    needed = ["orders"]
    for name in [dimension, *filters]:
        if name not in DIMENSIONS:
            continue
        spec = DIMENSIONS[name]
        if spec.item_grain:
            needed.append("order_items")
        if spec.join:
            needed.append(_JOINS[spec.join][0])
    return needed


def _segment_scheme(filters: dict[str, Any]) -> str:
    """rfm, unless a segment filter names 中国八类 (cn8) segments: a breakdown beside it is then by those groups
    ("重要价值和重要挽留客户的客单价对比")."""
    values = _filter_values(filters["segment"]) if "segment" in filters else []
    if values and all(v in catalog.segments("cn8") for v in values):
        return "cn8"
    return "rfm"


def _segment_keys(filters: dict[str, Any]) -> dict[str, Any]:
    """Segment filters by key: a name or alias ("重要价值客户", "champions") becomes its key; a lifecycle stage
    is refused by name (it is a recency rule, not a segment column here)."""
    if "segment" not in filters:
        return filters
    from tools.strategy import resolve_segment

    keys = []
    for value in _filter_values(filters["segment"]):
        scheme, key = resolve_segment(value, None)
        if scheme not in ("rfm", "cn8"):
            raise ToolError(
                "bad_filter",
                f"'{value}' is a lifecycle stage; metric_query filters by RFM or 中国八类 segments. Ask "
                "lifecycle_stages for stage figures.",
                f"“{value}”是生命周期阶段；metric_query 只能按 RFM 或中国八类分群筛选，阶段数据请用 lifecycle_stages。")
        keys.append(key)
    schemes = {("cn8" if k in catalog.segments("cn8") else "rfm") for k in keys}
    if len(schemes) > 1:
        raise ToolError("bad_filter", "Segment filters mix RFM and 中国八类 segments; use one scheme.",
                        "分群筛选同时包含 RFM 和中国八类分群，请只用一种。")
    return {**filters, "segment": keys[0] if len(keys) == 1 else keys}


def _check_filter_values(ctx: Context, filters: dict[str, Any]) -> dict[str, Any]:
    """A filter value the data does not have is "not found" with the nearest values, never an empty answer
    that reads like zero sales ("王小明的GMV为 —"). Returns the filters with each value as the data writes it."""
    import difflib

    for name, value in filters.items():
        if name in _FIXED_VALUES:
            filters = {**filters, name: _fixed_value(name, value)}
            continue
        if name not in DIMENSION_COLUMNS or name == "session":  # sessions are resolved (and refused) by id
            continue
        table, column = DIMENSION_COLUMNS[name]
        if not ctx.warehouse.has_table(table):
            continue
        known = ctx.warehouse.df(
            f"SELECT DISTINCT CAST({column} AS VARCHAR) AS v FROM {table} WHERE {column} IS NOT NULL")
        values = set(known["v"].astype(str))
        if name == "status":  # kinds of refund the orders' status and refund amount tell apart
            if _filter_values(value) == ["partially_refunded"] and not _records_partial_refunds(_refund_columns(ctx)):
                raise ToolError("value_not_found", *_NO_PARTIAL_REFUNDS)
            values |= {"paid", "cancelled", "unpaid", *_REFUND_KINDS}
        if name == "region":  # "浙江" names the 浙江省 an export writes out in full
            filters = {**filters, name: _same_province(value, values)}
            value = filters[name]
        missing = [v for v in _filter_values(value) if v not in values]
        if missing:
            near = difflib.get_close_matches(missing[0], sorted(values), n=5, cutoff=0.0)
            dim = DIMENSIONS[name]
            raise ToolError(
                "value_not_found",
                f"There is no {dim.en} '{missing[0]}' in the data. Nearest: {', '.join(near)}.",
                f"数据里没有{dim.zh}“{missing[0]}”。最接近的：{'、'.join(near)}。",
            )
    return filters


# Filters whose values are a fixed set our SQL writes (not a column's): each value, and the words its rows are shown
# with, which mean it too ("weekends" -> weekend, "老客" -> returning, "周一"/"Monday" -> "Mon 周一").
_FIXED_VALUES: dict[str, dict[str, str]] = {
    "source": {"live": "live", "shelf": "shelf", "直播间": "live", "直播": "live", "货架": "shelf"},
    "coupon": {"coupon": "coupon", "no_coupon": "no_coupon", "用券": "coupon", "未用券": "no_coupon"},
    "weekday": {"weekend": "weekend", "weekday": "weekday"},
    "buyer_type": {"new": "new", "returning": "returning"},
    "shipping": {"shipped": "shipped", "not_shipped": "not_shipped"},
    "after_sale": {"open": "open", "none": "none"},
    "day_of_week": {**{label: label for label in DAY_OF_WEEK_LABELS},
                    **{word: label for label in DAY_OF_WEEK_LABELS for word in label.split()},
                    **{full: label for label, full in zip(DAY_OF_WEEK_LABELS, (
                        "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"))}},
}


def _fixed_value(name: str, value: Any) -> Any:
    """The filter's values as the SQL writes them; one that is none of them is refused with the values there are
    (an empty answer would read as zero)."""
    known = {k.lower(): v for k, v in _FIXED_VALUES[name].items()}
    for (key, v), (zh, en) in _VALUE_NAMES.items():  # the words a breakdown's rows are shown with
        if key == name:
            known.update({zh.lower(): v, en.lower(): v})
    named = []
    for v in _filter_values(value):
        if (as_written := known.get(str(v).strip().lower())) is None:
            values = sorted(set(_FIXED_VALUES[name].values()))
            dim = DIMENSIONS[name]
            raise ToolError("value_not_found",
                            f"The {name} filter ({dim.en}) has no value '{v}'. Values: {', '.join(values)}.",
                            f"筛选 {name}（{dim.zh}）没有“{v}”这个值。可选：{'、'.join(values)}。")
        named.append(as_written)
    return named[0] if not isinstance(value, list) else named


_PROVINCE_SUFFIX = re.compile(r"(?:省|市|自治区|壮族自治区|回族自治区|维吾尔自治区|特别行政区)$")


def _same_province(value: Any, known: set[str]) -> str | list[str]:
    """Each region named as the data writes it: a short name (浙江) stands for its full one (浙江省) where only
    that is in the data."""
    named = []
    for v in _filter_values(value):
        full = [k for k in known if k.startswith(v) and _PROVINCE_SUFFIX.fullmatch(k[len(v):])]
        named.append(full[0] if v not in known and len(full) == 1 else v)
    return named[0] if not isinstance(value, list) else named


# An order-amount condition: "0" (0元单), ">=1000", "<50", "100-500" (inclusive), on the order's pay_amount.
_AMOUNT = re.compile(r"^\s*(>=|<=|>|<|=)?\s*(\d+(?:\.\d+)?)\s*(?:-\s*(\d+(?:\.\d+)?))?\s*$")


def _amount_condition(value: Any, column: str = "o.pay_amount") -> tuple[str, list[float]]:
    m = _AMOUNT.match(str(value))
    if not m:
        raise ToolError("bad_filter", f"amount filter '{value}': use a number, >=N, <=N, >N, <N or A-B.",
                        f"金额筛选“{value}”无法识别：请用数字、>=N、<=N、>N、<N 或 A-B。")
    return _bounds(column, m.group(1), float(m.group(2)), None if m.group(3) is None else float(m.group(3)))


def _bounds(column: str, op: str | None, low: Any, high: Any) -> tuple[str, list[Any]]:
    """The condition of a parsed amount or hour filter: "A-B" inclusive, else one comparison ("=" when bare)."""
    if high is not None:
        return f"{column} BETWEEN ? AND ?", [low, high]
    return f"{column} {op or '='} ?", [low]


def orders_have_hours(warehouse: Any) -> bool:
    """Whether the orders carry a time of day (an export of dates alone stores every order at midnight)."""
    if not warehouse.has_table("orders"):
        return False
    try:
        return bool(warehouse.scalar("SELECT count(*) FROM (SELECT 1 FROM orders WHERE hour(order_time) <> 0 "
                                     "OR minute(order_time) <> 0 LIMIT 1) AS t"))
    except Exception:  # noqa: BLE001 - read as "not there"
        return False


# An hour-of-day condition on the order time: "20-23" (8pm to midnight, inclusive hours), ">=20", "<9", "22".
_HOURS = re.compile(r"^\s*(>=|<=|>|<|=)?\s*(\d{1,2})\s*(?:-\s*(\d{1,2}))?\s*$")


def _hour_condition(value: Any) -> tuple[str, list[int]]:
    m = _HOURS.match(str(value))
    if not m or int(m.group(2)) > 23 or (m.group(3) is not None and not int(m.group(2)) <= int(m.group(3)) <= 23):
        raise ToolError("bad_filter", f"hour filter '{value}': use an hour 0-23, >=N, <N or A-B (inclusive).",
                        f"时段筛选“{value}”无法识别：请用 0-23 的小时、>=N、<N 或 A-B（含两端）。")
    return _bounds("hour(o.order_time)", m.group(1), int(m.group(2)), None if m.group(3) is None else int(m.group(3)))


def _hour_words(ctx: Context, value: Any) -> str:
    """An hour filter in words, with the clock times it keeps: "下单时间 20:00-23:59"."""
    m = _HOURS.match(str(value))
    op, low, high = m.group(1) or "=", int(m.group(2)), int(m.group(3) if m.group(3) is not None else m.group(2))
    first, last = {">=": (low, 23), ">": (low + 1, 23), "<=": (0, low), "<": (0, low - 1)}.get(op, (low, high))
    return ctx.t(f"下单时间 {first:02d}:00-{last:02d}:59", f"ordered {first:02d}:00-{last:02d}:59")


def _validate_filters(filters: dict[str, Any]) -> None:
    if "amount" in filters:
        _amount_condition(filters["amount"])
    if "hour" in filters:
        _hour_condition(filters["hour"])
    unknown = [k for k in filters if k not in DIMENSIONS and k != "amount"]
    if unknown:
        allowed = ", ".join(DIMENSIONS)
        raise ToolError(
            "bad_filter",
            f"Unknown filter {', '.join(unknown)}. Filters use dimension names: {allowed}.",
            f"无法识别的筛选条件 {', '.join(unknown)}。可用的筛选维度：{allowed}。",
        )


# The group of orders placed outside any live session, in a breakdown by host or session: not a host, so it is
# ranked after every host (the top host, "哪个主播…最高", is a host), and named in the person's language.
_UNHOSTED = "(shelf)"
# ...and likewise the orders that used no coupon, in a breakdown by coupon
_OUTSIDE = {"host": _UNHOSTED, "session": _UNHOSTED, "coupon_code": "(no coupon)", "segment": "(no segment)"}
_OUTSIDE_LABEL = {_UNHOSTED: {"zh": "（货架，非直播）", "en": _UNHOSTED},
                  "(no coupon)": {"zh": "（未用券）", "en": "(no coupon)"},
                  "(no segment)": {"zh": "（无分群：订单全部已退款）", "en": "(no segment: every order refunded)"}}


def _sort(frame: pd.DataFrame, dimension: str | None, order: str, limit: int | None) -> pd.DataFrame:
    if dimension and DIMENSIONS[dimension].time:
        frame = frame.sort_values("grp")
        return frame.tail(limit) if limit else frame
    # Equal values are ordered by name, so a ranking (and its top N) never depends on the query plan.
    unhosted = (frame["grp"] == _OUTSIDE[dimension]) if dimension in _OUTSIDE else False
    frame = frame.assign(_name=frame["grp"].astype(str), _unhosted=unhosted).sort_values(
        ["_unhosted", "value", "_name"], ascending=[True, order == "asc", True], na_position="last",
        kind="stable").drop(columns=["_name", "_unhosted"])
    return frame.head(limit) if limit else frame


def _name_unhosted(ctx: Context, result: ToolResult, dimension: str | None) -> None:
    """The no-host group named in the person's language, in the answer and its tables."""
    if dimension not in _OUTSIDE or (label := _OUTSIDE_LABEL[_OUTSIDE[dimension]][ctx.language]) == _OUTSIDE[dimension]:
        return
    for table in result.tables:
        if dimension in table.df.columns:
            table.df[dimension] = table.df[dimension].replace(_OUTSIDE[dimension], label)
    result.answer = result.answer.replace(_OUTSIDE[dimension], label)


@tool
def metric_query(
    ctx: Context,
    metric: Metric = "gmv",
    dimension: Dimension | None = None,
    period: str | None = None,
    filters: dict[str, str | list[str]] | None = None,
    limit: int | None = None,
    order: Literal["desc", "asc"] = "desc",
    compare: Compare | None = None,
    per: per_period.Per | None = None,
) -> ToolResult:
    """What is GMV, net sales, orders, buyers, AOV/客单价, repurchase/refund rate, new buyers?

    repurchase_rate: share of buyers with 2+ orders; N days after a first order: cohort_retention.
    Args:
        metric: gmv (default) | net_sales | orders | buyers | aov | net_aov | spend_per_buyer | net_spend_per_buyer |
            orders_per_buyer | repurchase_rate | repeat_buyers | one_time_buyers | refund_rate | refund_amount |
            refund_requested | new_customers | first_order_aov | units | lines | refunded_lines |
            paid_after_free.
        dimension: day|week|month|quarter or host | session | category | product | brand | region | gender | age_band |
            channel | segment | customer | source (live/shelf) | coupon | coupon_code | status | weekday | day_of_week |
            hour | buyer_type (new/returning) | shipping | after_sale (open).
        period: last_month, 2025, 2025-06, 2025-Q3, 618.
        filters: {dimension: value or list} (session: "latest"/id), amount (">=1000",
            "100-500") or hour ("20-23").
        limit: top N (time: last N).
        order: desc|asc.
        compare: previous_period (环比) | last_year (同比).
        per: day | week | month: average per day (日均), week or month.
    Example: "上个月女性的客单价" -> {"metric": "aov", "period": "last_month", "filters": {"gender": "female"}};
        "GMV by host this year, top 5" -> {"dimension": "host", "period": "this_year", "limit": 5}
    """
    filters = filters or {}
    _validate_filters(filters)
    if per is not None:
        per_period.check(metric, dimension, per, compare)
    if not ctx.warehouse.has_table("orders") and ctx.warehouse.has_table("session_stats"):
        if per is not None:
            raise ToolError("bad_argument", "A live-session report gives each session's figures; averages per "
                            "day are read from orders. Ask for the total.",
                            "直播场次报表只有各场的数据，日均需要订单数据：可以问合计。")
        return _from_session_report(ctx, metric, dimension, period, filters, limit, order, compare)
    filters = _segment_keys(filters)
    if "hour" in (dimension, *filters):
        if not orders_have_hours(ctx.warehouse):
            raise ToolError("missing_column",
                            "The orders in this dataset carry dates only, no time of day: they cannot be split or "
                            "filtered by hour. Ask for the same figure without the hours.",
                            "这份数据的订单只有日期、没有具体时间：无法按小时拆分或筛选。可以去掉时段再问。")
    for column, readers, english, chinese in _EXPORT_ONLY_COLUMNS:
        if readers & {dimension, metric, *filters} and column not in ctx.warehouse.columns("orders"):
            raise ToolError("missing_column", english, chinese)
    if metric == "refund_requested" and any(DIMENSIONS[d].item_grain for d in (dimension, *filters) if d in DIMENSIONS):
        raise ToolError("bad_dimension",
                        "The value under open refund requests is kept per order, not per product: ask without the "
                        "product or category.",
                        "售后申请中的商品金额按订单记录，不能按商品或品类拆分：去掉商品/品类再问。")
    if "session" in filters:  # one broadcast by id, title or "latest": its orders, by session id
        from tools.live import resolve_hosts, resolve_session

        # ("米粒最近一场直播卖了多少钱": the latest of that host's broadcasts)
        hosts = resolve_hosts(ctx, _filter_values(filters["host"])) if "host" in filters else None
        # "小雅和米粒最近一场直播的GMV": each host's own latest (or titled) broadcast
        each = hosts if isinstance(hosts, list) and len(hosts) > 1 else [hosts]
        sessions = [resolve_session(ctx, v, ctx.window(period), h)
                    for v in _filter_values(filters["session"]) for h in each]
        filters = {**filters, "session": list(dict.fromkeys(one[0] for one in sessions))}
    by_status = "status" in (dimension, *filters)
    # kinds of paid order (有效订单: paid, not wholly refunded) narrow any measure; the other statuses count
    # only in the measures defined per status
    paid_kinds = dimension != "status" and set(_filter_values(filters.get("status", []))) <= _PAID_KINDS
    if by_status and not paid_kinds and metric not in catalog.load("metrics")["by_status"]["metrics"]:
        allowed = ", ".join(catalog.load("metrics")["by_status"]["metrics"])
        raise ToolError("bad_dimension",
                        f"{metric} is defined on paid orders only, so it has no value per order status. "
                        f"By status: {allowed}.",
                        f"{metric} 只按已支付订单定义，不能按订单状态拆分。按状态可看：{allowed}。")
    ctx.warehouse.require_tables(*_tables_needed(dimension, filters),
                                 *(["order_items"] if catalog.metric(metric).get("item_grain") else []))
    _require_columns(ctx, dimension, filters)  # (before the values are looked up in a column that may not exist)
    filters = _check_filter_values(ctx, filters)
    if compare is not None and period is None:
        period = _COMPARE_DEFAULT_PERIOD[compare]
    buyer_type_defaulted = period is None and "buyer_type" in (dimension, *filters)
    if buyer_type_defaulted:
        period = _BUYER_TYPE_DEFAULT_PERIOD
    if dimension == "customer" and limit is None:
        limit = CUSTOMER_RANKING_DEFAULT  # a ranking of customers, not a table of every one
    window = ctx.window(period)
    refunds = _refund_columns(ctx)
    sql, params = build_metric_sql(metric, dimension, window, filters, **refunds)
    frame = ctx.warehouse.df(sql, params)
    sqls = [sql]
    if per is not None:
        frame, periods, daily_sql = _averaged(ctx, metric, dimension, window, filters, frame, per, refunds)
        sqls += [daily_sql] if daily_sql else []
    all_groups = float(frame["value"].sum()) if len(frame) else 0.0  # shares are of every group, not the top N
    frame = _sort(frame, dimension, order, limit)
    result = _present(ctx, metric, dimension, window, filters, frame, sql, all_groups, per, order)
    result.sql = sqls
    result.definitions = [definitions.metric(metric, ctx.language)]
    if per is not None:
        _say_per_period(ctx, result, metric, dimension, filters, frame, per, periods)
    if metric == "buyers" and dimension is None and not filters and per is None:
        _note_unpaid_only(ctx, result, window, frame)
    if compare is None and not by_status and "amount" not in filters and per is None and dimension != "customer":
        _note_other_readings(ctx, result, metric, window, filters, frame, refunds, dimension)
    statuses = set(_filter_values(filters["status"])) if "status" in filters else {"partially_refunded"}
    if metric in _NET_OF_REFUND_MEASURES and statuses == {"partially_refunded"} \
            and not frame["value"].any() and refunds["partly_column"]:
        # every partial refund here is one the export names without an amount: there is no figure to give
        raise ToolError("missing_column",
                        "The export marks these orders partly refunded (部分退款成功) but does not say how much was "
                        "refunded, so their refund amount cannot be given. Their number is known: ask how many "
                        "orders were partly refunded.",
                        "导出只标了这些订单“部分退款成功”，没有退款金额，所以无法给出部分退款的金额。"
                        "它们的单数是知道的：可以问“部分退款有几单”。")
    if metric == "refund_rate" and dimension not in ("segment", "weekday", "buyer_type") and len(frame) \
            and frame["refund_amount_rate"].notna().any():
        _say_refund_amount_rate(ctx, result, frame, dimension)
    if metric in _NET_OF_REFUND_MEASURES and refunds["partly_column"] \
            and statuses & {"partially_refunded", "refunded"}:  # (a whole refund's amount is known)
        _note_unknown_refunds(ctx, result, window)
    if metric == "orders" and dimension is None and per is None and "cancelled" in statuses \
            and statuses <= {"cancelled", "unpaid"}:
        _note_closed_after_payment(ctx, result, window, filters, frame, refunds)
    if statuses & {"refunded", "fully_refunded"} and statuses <= _REFUND_KINDS \
            and "status" in filters and not _records_partial_refunds(refunds):
        # a split of the refunds into whole and partial, or a count of whole ones, would read "all whole" as a
        # finding where the export simply never says a refund was partial
        result.answer += "\n" + ctx.t(_NO_PARTIAL_REFUNDS[1], _NO_PARTIAL_REFUNDS[0])
    if "closed_after_payment" in statuses and not refunds["closed_column"]:
        result.answer += ctx.t("\n这份导出没有说哪些整单退款的订单被关闭了：这里计入全部付款后整单退款的订单。",
                               "\nThis export does not say which wholly refunded orders were closed: every order "
                               "paid and then wholly refunded is counted here.")
    if by_status:
        _add_rule(ctx, result, "by_status", "按订单状态", "By order status")
    if "buyer_type" in (dimension, *filters):
        _add_rule(ctx, result, "by_buyer_type", "新客/老客", "New or returning buyer")
    if buyer_type_defaulted:
        result.params["period_defaulted"] = _BUYER_TYPE_DEFAULT_PERIOD
        result.answer = ctx.t("没有指定时间：新客/老客按数据最后 30 天划分（看全部数据时每个买家都是新客）。",
                              "No window was given: new and returning buyers are told apart over the data's last "
                              "30 days (over all data every buyer is new).") + "\n" + result.answer
    if compare is not None:
        _add_comparison(ctx, result, metric, dimension, window, filters, compare, per=per)
    _name_unhosted(ctx, result, dimension)  # (last: comparisons and other readings match groups by name)
    if "session" in filters:  # which broadcast the id is: its title and time, as live_performance says it
        labels = "；".join(label for _, label in sessions) if ctx.language == "zh" \
            else "; ".join(label for _, label in sessions)
        result.answer = ctx.t(f"场次：{labels}。", f"Session: {labels}.") + "\n" + result.answer
    return result


def _averaged(ctx: Context, metric: str, dimension: str | None, window: Window, filters: dict[str, Any],
              frame: pd.DataFrame, per: str, refunds: dict[str, bool]) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """The window's figures as averages per day (week, month) of the days the window spans in the data; the
    calendar days behind them; and the SQL of each day's count where a count of people needs one."""
    start, end = per_period.covered(window, ctx.warehouse.first_date, ctx.warehouse.anchor_date)
    days = per_period.days_table(start, end, filters, DAY_OF_WEEK_LABELS)
    daily, daily_sql = None, ""
    if metric in per_period.rule()["distinct"]:
        daily_sql, params = build_metric_sql(metric, "day", window, filters, **refunds)
        daily = ctx.warehouse.df(daily_sql, params)
    return per_period.average(frame, dimension, per, days, daily), days, daily_sql


def _plain(number: float) -> str:
    """31 days, 8.71 weeks: a whole number without decimals."""
    number = round(float(number), 2)  # (twelve month shares add up to 11.999…)
    return fmt.number(number, "en", 0 if number.is_integer() else 2)


def _say_per_period(ctx: Context, result: ToolResult, metric: str, dimension: str | None,
                    filters: dict[str, Any], frame: pd.DataFrame, per: str, days: pd.DataFrame) -> None:
    """The total and what it was divided by, then the rule: an average is checkable only with both."""
    rule, lang = per_period.rule(), ctx.language
    unit = rule["units"][per]
    spec = catalog.metric(metric)
    table = result.tables[0].df
    table = table.rename(columns={"total": f"{metric}_total", "periods": unit["en"]})
    if per == "day" and unit["en"] in table:
        table[unit["en"]] = table[unit["en"]].astype("int64")
    if spec["unit"] == "count" and f"{metric}_total" in table:
        table[f"{metric}_total"] = table[f"{metric}_total"].astype("int64")
    result.tables[0].df = table
    if dimension is None and len(frame):
        total, periods = frame["total"].iat[0], frame["periods"].iat[0]
        shown = fmt.exact(total, spec["unit"], lang, reading=False)
        count = _plain(periods)
        said = ctx.t(f"（合计 {shown}，共 {count} {unit['zh']}）", f" ({shown} over {count} {unit['en']})")
        if metric in rule["distinct"]:
            said = ctx.t(f"（时间窗内共 {shown} 人，共 {count} 天）",
                         f" ({shown} distinct over the window; {count} days)")
        first, rest = result.answer.split("\n", 1)
        first = first.rstrip("。.")
        if first.endswith("）"):  # "¥241.02万（约…）": one parenthesis, not two side by side
            first, said = first[:-1], "；" + said.strip("（）") + "）"
        result.answer = f"{first}{said}{ctx.t('。', '.')}\n{rest}"
    span = f"{days['day'].iat[0]} – {days['day'].iat[-1]}" if len(days) else "—"
    periods = _plain(per_period.length(days, per) if len(days) else 0)
    values = {"per": per, "unit": unit["en"], "calendar": unit["calendar"], "name": rule["names"][per]["zh"],
              "periods": ctx.t(f"{periods} {unit['zh']}，{span}", f"{periods} {unit['en']}, {span}")}
    weekdays = {"weekday", "day_of_week"} & {dimension, *filters}
    note = {lang_: ("" if lang_ == "zh" else " ").join([
                text.format(**values), *([rule["by_weekday"][lang_]] if weekdays else []),
                *([rule["people"][lang_]] if metric in rule["distinct"] else [])])
            for lang_, text in rule["definition"].items()}
    result.answer += "\n" + note[lang]
    result.definitions.append({"name": "per_period", "zh": rule["names"][per]["zh"], "en": rule["names"][per]["en"],
                               "kind": "metric", "formula": note[lang], "definition": note})


def _note_unpaid_only(ctx: Context, result: ToolResult, window: Window, frame: pd.DataFrame) -> None:
    """"How many buyers": the customers whose orders in the window were all unpaid or cancelled are not
    buyers, and are said apart, so a count of everyone in the export is one addition away."""
    statuses = ", ".join(f"'{s}'" for s in catalog.load("metrics")["paid_statuses"])
    conditions, params = _window_conditions(window, "order_time")
    where = ("WHERE " + " AND ".join(conditions)) if conditions else ""
    sql = (f"SELECT count(DISTINCT customer_id) AS customers, count(DISTINCT customer_id) FILTER "
           f"(WHERE status IN ({statuses})) AS buyers FROM orders {where}")
    counts = ctx.warehouse.df(sql, params).iloc[0]
    unpaid_only = int(counts["customers"]) - int(counts["buyers"])
    if unpaid_only > 0:
        result.answer += ctx.t(
            f"\n另有 {unpaid_only:,} 位客户在此期间只有未支付或已取消的订单，不算买家"
            f"（连同他们共 {int(counts['customers']):,} 位客户）。",
            f"\nAnother {unpaid_only:,} customers had only unpaid or cancelled orders in the window and are not buyers "
            f"({int(counts['customers']):,} customers with them).")
        result.sql.append(sql)
        # the two figures the sentence quotes, beside the count (every number an answer says is in a table)
        table = result.tables[0].df
        table["unpaid_only_customers"] = unpaid_only
        table["customers_in_orders"] = int(counts["customers"])


def _note_unknown_refunds(ctx: Context, result: ToolResult, window: Window) -> None:
    """Partial refunds the export names without an amount (拼多多 部分退款成功) add nothing to an amount: say how
    many there are, so the figure is read as a floor."""
    conditions, params = _window_conditions(window, "o.order_time")
    where = " AND ".join([*conditions, f"o.status = 'paid' AND {_PARTLY}"])
    sql = f"SELECT count(*) AS n FROM orders o WHERE {where}"
    unknown = int(ctx.warehouse.df(sql, params)["n"].iat[0])
    if unknown:
        result.answer += ctx.t(
            f"\n另有 {unknown:,} 笔订单在此期间标为部分退款，但导出里没有它们的退款金额，未计入上面的金额。",
            f"\nAnother {unknown:,} orders in the window are marked partly refunded with no amount in the export; "
            "the figure above leaves their refunds out.")
        result.sql.append(sql)
        result.tables[0].df["partial_refunds_without_amount"] = unknown


def _note_closed_after_payment(ctx: Context, result: ToolResult, window: Window, filters: dict[str, Any],
                               own: pd.DataFrame, refunds: dict[str, bool]) -> None:
    """Cancelled orders are the ones closed unpaid here; a platform shows an order paid and then wholly refunded
    before it completed as closed too (视频号 已取消, 淘宝 交易关闭): say how many orders were wholly refunded, so
    a count of "已取消" read the platform's way can be made. Both together are given only where the export says
    which whole refunds it closed (orders.closed_after_payment): not every whole refund closes its order."""
    sql, params = build_metric_sql("orders", None, window, {**filters, "status": "fully_refunded"}, **refunds)
    closed_paid = int(ctx.warehouse.df(sql, params)["value"].fillna(0).sum())
    if not closed_paid:
        return
    unpaid = int(own["value"].fillna(0).sum())
    result.sql.append(sql)
    table = result.tables[0].df
    table["wholly_refunded_after_payment"] = closed_paid
    if refunds["closed_column"] and set(filters) == {"status"}:
        # the export says which of them the platform shows closed: those, and both together
        closed_sql, params = build_metric_sql("orders", None, window, {"status": "closed_after_payment"}, **refunds)
        closed = int(ctx.warehouse.df(closed_sql, params)["value"].fillna(0).sum())
        result.sql.append(closed_sql)
        table["closed_after_payment"], table["closed_with_those_paid"] = closed, unpaid + closed
        result.answer += ctx.t(
            f"\n这里的已取消是没付款就关闭的 {unpaid:,} 笔订单；另有 {closed:,} 笔订单付款后整单退款、订单关闭"
            f"（平台上也显示为已取消/交易关闭），计为整单退款。两者合计 {unpaid + closed:,} 笔。",
            f"\nCancelled here means the {unpaid:,} orders closed without payment; another {closed:,} orders were "
            f"paid and then closed by a whole refund (the platform shows them as cancelled / closed too), counted "
            f"as fully refunded. Both together: {unpaid + closed:,}.")
        return
    result.answer += ctx.t(
        f"\n这里的已取消是没付款就关闭的 {unpaid:,} 笔订单；另有 {closed_paid:,} 笔订单付款后整单退款，计为整单退款"
        f"（平台常把其中发货前或收货前退掉的也显示为已取消/交易关闭）。",
        f"\nCancelled here means the {unpaid:,} orders closed without payment; another {closed_paid:,} orders were "
        f"paid and then wholly refunded, counted as fully refunded (platforms show those refunded before delivery as "
        f"cancelled / closed too).")


def _note_other_readings(ctx: Context, result: ToolResult, metric: str, window: Window,
                         filters: dict[str, Any], own: pd.DataFrame, refunds: dict[str, bool],
                         dimension: str | None = None) -> None:
    """The figure under the other common definitions (other_readings in data/metrics.yaml), said beside it
    where the data makes them differ; each reading's figure is a column of the table (of a breakdown, one per
    group: "AOV each month" without the ¥0 orders, month by month)."""
    readings = {name: r for name, r in catalog.load("metrics")["other_readings"].items() if metric in r["metrics"]}
    # most shops have no ¥0 order: one cheap look each, and nothing more
    readings = {name: r for name, r in readings.items()
                if not ctx.warehouse.df(f"SELECT 1 FROM orders WHERE {r['when']} LIMIT 1").empty}
    table = result.tables[0].df
    if not readings or not len(table) or not len(own):
        return
    spec = catalog.metric(metric)
    if dimension is not None:
        _other_readings_by_group(ctx, result, metric, spec, dimension, window, filters, own, refunds, readings)
        return
    said = []
    for name, reading in readings.items():
        if (found := _other_reading(ctx, result, metric, spec, None, window, filters, own, refunds,
                                    reading)) is None:
            continue
        frame, values, left_out = found
        value = values[0]
        table[f"{metric}_{name}"] = value
        # every number the sentence says is in the table
        table[f"{name}_{_left_out_unit(reading, metric)}_left_out"] = left_out
        shown = fmt.exact(value, spec["unit"], ctx.language)
        if metric == "repurchase_rate":  # the two counts the rate is made of, to check it by
            buyers = int(frame["base_buyers"].iat[0])
            repeat = round(value * buyers)
            table[f"{name}_repeat_buyers"], table[f"{name}_buyers"] = repeat, buyers
            shown += ctx.t(f"（{repeat:,}/{buyers:,}）", f" ({repeat:,} of {buyers:,} buyers)")
        said.append(ctx.t(f"{reading['zh']}，去掉 {_left_out(reading, left_out, 'zh', metric)}：{shown}",
                          f"{reading['en']}, {_left_out(reading, left_out, 'en', metric)} fewer: {shown}"))
    if said:
        result.answer += ctx.t("\n其他口径：" + "；".join(said) + "。", "\nOther definitions: " + "; ".join(said) + ".")


def _other_reading(ctx: Context, result: ToolResult, metric: str, spec: dict[str, Any], dimension: str | None,
                   window: Window, filters: dict[str, Any], own: pd.DataFrame, refunds: dict[str, bool],
                   reading: dict[str, Any]) -> tuple[pd.DataFrame, list[Any], int] | None:
    """One other reading's query, its figures in the order of `own`'s rows (the table's) and the orders it
    leaves out; None when every figure is the table's own. Its SQL goes to the result."""
    sql, params = build_metric_sql(metric, dimension, window, {**filters, **reading.get("filters", {})},
                                   buyers_when=reading.get("buyers_when"), **refunds)
    other = ctx.warehouse.df(sql, params)
    values = own[["grp"]].merge(other[["grp", "value"]], on="grp", how="left")["value"].tolist()
    if spec["unit"] == "count":
        values = [0 if pd.isna(v) else v for v in values]
    table = result.tables[0].df
    if all(pd.isna(v) or v == mine for v, mine in zip(values, table[metric])):
        return None
    result.sql.append(sql)
    if reading.get("left_out") == "lines":  # the lines a count of lines loses, not orders
        return other, values, int(own["value"].fillna(0).sum() - other["value"].fillna(0).sum())
    if reading.get("left_out") == "buyers":
        return other, values, int(own["base_buyers"].sum() - other["base_buyers"].sum())
    return other, values, int(own["base_orders"].sum() - other["base_orders"].sum())


def _left_out_unit(reading: dict[str, Any], metric: str) -> str:
    """What an other reading's count of left-out things counts: orders, lines, or of units sold, the lines' pieces."""
    unit = reading.get("left_out", "orders")
    return "units" if unit == "lines" and metric == "units" else unit


_LEFT_OUT_WORDS = {"orders": ("笔订单", "orders"), "lines": ("行", "lines"), "units": ("件", "pieces"),
                   "buyers": ("位买家", "buyers")}


def _left_out(reading: dict[str, Any], count: int, language: str, metric: str) -> str:
    """What an other reading leaves out, in its own unit ("35 笔订单", "7 lines", "12 pieces")."""
    zh, en = _LEFT_OUT_WORDS[_left_out_unit(reading, metric)]
    return f"{count:,} {zh if language == 'zh' else en}"


# A breakdown's other readings are said for its first groups; the table has every one.
_OTHER_READING_GROUPS_SAID = 6


def _other_readings_by_group(ctx: Context, result: ToolResult, metric: str, spec: dict[str, Any], dimension: str,
                             window: Window, filters: dict[str, Any], own: pd.DataFrame,
                             refunds: dict[str, bool], readings: dict[str, Any]) -> None:
    """_note_other_readings for a breakdown: each group's figure under the other definition, a column beside
    its own."""
    table = result.tables[0].df
    said = []
    for name, reading in readings.items():
        if (found := _other_reading(ctx, result, metric, spec, dimension, window, filters, own, refunds,
                                    reading)) is None:
            continue
        other, values, left_out = found
        if spec["unit"] == "count":
            values = [int(v) for v in values]
        table[f"{metric}_{name}"] = values
        shown = "；".join if ctx.language == "zh" else "; ".join
        groups = shown(f"{group} {fmt.exact(v, spec['unit'], ctx.language)}"
                       for group, v in list(zip(table[dimension], values))[:_OTHER_READING_GROUPS_SAID]
                       if not pd.isna(v))
        if reading.get("left_out") == "buyers":
            # one buyer may be in several groups: each group's own count, and no total that would count them twice
            kept = own[["grp"]].merge(other[["grp", "base_buyers"]], on="grp", how="left")["base_buyers"].fillna(0)
            table[f"{name}_buyers_left_out"] = (own["base_buyers"].to_numpy() - kept.to_numpy()).astype(int)
            said.append(ctx.t(f"{reading['zh']}：{groups}", f"{reading['en']}: {groups}"))
            continue
        table[f"{name}_{_left_out_unit(reading, metric)}_left_out"] = left_out
        said.append(ctx.t(f"{reading['zh']}，去掉 {_left_out(reading, left_out, 'zh', metric)}：{groups}",
                          f"{reading['en']}, {_left_out(reading, left_out, 'en', metric)} fewer: {groups}"))
    if said:
        result.answer += ctx.t("\n其他口径：" + "。".join(said) + "。", "\nOther definitions: " + ". ".join(said) + ".")


# What a platform's session report (session_stats, one row per broadcast) can answer without orders.
_REPORT_METRICS = {"gmv": "sum(t.gmv)", "orders": "sum(t.orders)", "buyers": "sum(t.buyers)",
                   # the report's own refund figures (罗盘 直播间退款订单数 / 退款金额), where it has them
                   "refund_rate": "sum(t.refund_orders) / nullif(sum(t.orders), 0)",
                   "refund_amount": "sum(t.refund_amount)"}
_REPORT_NEEDS = {"refund_rate": "refund_orders", "refund_amount": "refund_amount"}
_REPORT_DIMENSIONS = {"host": "coalesce(h.host_name, '(unknown host)')",
                      "session": "s.title || ' #' || CAST(s.session_id AS VARCHAR)",
                      "day": "CAST(s.start_time AS DATE)", "week": "CAST(date_trunc('week', s.start_time) AS DATE)",
                      "month": "strftime(s.start_time, '%Y-%m')",
                      "quarter": DIMENSIONS["quarter"].expr.replace("o.order_time", "s.start_time"),
                      # a broadcast's day is the day it started ("周末开播的场次"), named as for orders
                      "weekday": DIMENSIONS["weekday"].expr.replace("o.order_time", "s.start_time"),
                      "day_of_week": DIMENSIONS["day_of_week"].expr.replace("o.order_time", "s.start_time")}
_REPORT_FILTERS = ("weekday", "day_of_week")


def _from_session_report(ctx: Context, metric: str, dimension: str | None, period: str | None,
                         filters: dict[str, Any], limit: int | None, order: str,
                         compare: str | None = None) -> ToolResult:
    """GMV, orders and buyers summed over the report's sessions (by session start), when the dataset is a
    live-session report without an order export. Anything else needs the orders and says so."""
    if filters.get("source") == "live":  # every figure of a live-session report is the live room's
        filters = {k: v for k, v in filters.items() if k != "source"}
    needs = _REPORT_NEEDS.get(metric)
    has_figure = needs is None or (needs in ctx.warehouse.columns("session_stats")
                                   and bool(ctx.warehouse.scalar(f"SELECT count({needs}) FROM session_stats")))
    if metric not in _REPORT_METRICS or not has_figure or (dimension and dimension not in _REPORT_DIMENSIONS) \
            or set(filters) - {"host", "session", *_REPORT_FILTERS}:
        raise ToolError(
            "needs_orders",
            f"This dataset is a live-session report without orders: it can give GMV, orders and buyers by host, "
            f"session or time, not {metric}"
            + (f" by {dimension}" if dimension else "") + ". Import the order export too.",
            f"这个数据集只有直播场次报表、没有订单：可以按主播、场次或时间看成交额、订单数和成交人数，"
            f"不能计算 {metric}" + (f"（按 {dimension}）" if dimension else "") + "。请同时导入订单导出。")
    from tools.live import resolve_hosts, resolve_session, session_filter

    if "host" in filters:  # a host named by part of its name, as live_performance reads it
        filters = {**filters, "host": resolve_hosts(ctx, _filter_values(filters["host"]))}
    if "session" in filters:  # one broadcast ("latest", an id or a title): its own row of the report
        filters = {**filters, "session": [resolve_session(ctx, v, ctx.window(period), filters.get("host"))[0]
                                          for v in _filter_values(filters["session"])]}
    if compare is not None and period is None:
        period = _COMPARE_DEFAULT_PERIOD[compare]
    buyer_type_defaulted = period is None and "buyer_type" in (dimension, *filters)
    if buyer_type_defaulted:
        period = _BUYER_TYPE_DEFAULT_PERIOD
    window = ctx.window(period)
    refunds = "refund_amount" in ctx.warehouse.columns("session_stats")
    amount_rate = "sum(t.refund_amount) / nullif(sum(t.gmv), 0)" if refunds else "CAST(NULL AS DOUBLE)"

    def report_sql(w: Window) -> tuple[str, list[Any]]:
        where, params = session_filter(w)
        conditions = [where]
        keyed = [("host", "h.host_name"), ("session", "s.session_id"),
                 *((key, _REPORT_DIMENSIONS[key]) for key in _REPORT_FILTERS)]
        for key, column in keyed:
            if key in filters:
                values = _filter_values(filters[key])
                conditions.append(f"{column} IN ({', '.join('?' * len(values))})")
                params.extend(values)
        group = _REPORT_DIMENSIONS[dimension] if dimension else "'all'"
        # the refund rate by amount beside the one by orders: reports state either, and an answer gives both
        extra = f",\n  {amount_rate} AS refund_amount_rate" if metric == "refund_rate" else ""
        return f"""SELECT {group} AS grp, {_REPORT_METRICS[metric]} AS value,
  sum(t.orders) AS base_orders, sum(t.buyers) AS base_buyers{extra}
FROM session_stats t JOIN live_sessions s ON s.session_id = t.session_id
LEFT JOIN hosts h ON h.host_id = s.host_id
WHERE {' AND '.join(conditions)}
GROUP BY 1""", params

    sql, params = report_sql(window)
    frame = ctx.warehouse.df(sql, params)
    all_groups = float(frame["value"].sum()) if len(frame) else 0.0
    frame = _sort(frame, dimension if dimension in DIMENSIONS else None, order, limit)
    result = _present(ctx, metric, dimension, window, filters, frame, sql, all_groups, order=order)
    note = ctx.t("（来自直播场次报表：按开播日期汇总各场的平台数据。）",
                 " (From the live-session report: the platform's per-session figures, by session start.)")
    result.answer = result.answer.replace("\n", note + "\n", 1)
    result.definitions = [definitions.metric(metric, ctx.language)]
    if metric == "refund_rate" and "refund_amount_rate" in frame and frame["refund_amount_rate"].notna().any():
        _say_refund_amount_rate(ctx, result, frame, dimension)
    if compare is not None:
        _add_comparison(ctx, result, metric, dimension, window, filters, compare,
                        fetch=lambda w: (lambda q: (q[0], ctx.warehouse.df(*q)))(report_sql(w)))
    return result


def _say_refund_amount_rate(ctx: Context, result: ToolResult, frame: pd.DataFrame, dimension: str | None) -> None:
    """A session report's refund rate by amount (refunded ÷ GMV) beside the one by orders, in the table and
    the answer: platforms and people state it either way."""
    table = result.tables[0].df
    by_group = dict(zip(frame["grp"].astype(str), frame["refund_amount_rate"]))
    table["refund_amount_rate"] = (table[dimension].astype(str).map(by_group) if dimension
                                   else frame["refund_amount_rate"].iat[0])
    if dimension is None:
        rate = fmt.percent(frame["refund_amount_rate"].iat[0])
        result.answer += ctx.t(f"\n按金额算（退款金额 ÷ 成交额）的退款率为 {rate}。",
                               f"\nBy amount (refunded ÷ GMV) the refund rate is {rate}.")
    else:
        hosted = frame[frame["grp"] != _UNHOSTED] if dimension in ("host", "session") else frame
        top = (hosted if len(hosted) else frame).sort_values("refund_amount_rate", ascending=False).iloc[0]
        result.answer += ctx.t(
            f"\n按金额算（退款金额 ÷ 成交额），最高的是 {top['grp']}（{fmt.percent(top['refund_amount_rate'])}）。",
            f"\nBy amount (refunded ÷ GMV), the highest is {top['grp']} ({fmt.percent(top['refund_amount_rate'])}).")


def _comparison_window(window: Window, compare: str) -> Window | None:
    return previous_window(window) if compare == "previous_period" else year_earlier_window(window)


def _add_comparison(ctx: Context, result: ToolResult, metric: str, dimension: str | None, window: Window,
                    filters: dict[str, Any], compare: str,
                    fetch: Callable[[Window], tuple[str, pd.DataFrame]] | None = None, per: str | None = None) -> None:
    """Add the comparison window's value, the change and the % change to the table and the answer.
    `fetch`: the earlier window's (sql, frame) where the figures come from elsewhere than the orders."""
    earlier = _comparison_window(window, compare)
    if earlier is None:
        return
    if fetch is not None:
        sql, before = fetch(earlier)
    else:
        refunds = _refund_columns(ctx)
        sql, params = build_metric_sql(metric, dimension, earlier, filters, **refunds)
        before = ctx.warehouse.df(sql, params)
        if per is not None:
            try:
                before = _averaged(ctx, metric, dimension, earlier, filters, before, per, refunds)[0]
            except ToolError:  # the earlier window has no day in the data: there is nothing to compare with
                before = before.iloc[0:0]
    table = result.tables[0].df
    column = f"{metric}_{compare}"
    if dimension is None:
        table[column] = before["value"].iat[0] if len(before) else None
    elif DIMENSIONS[dimension].time:
        # Periods line up by position: the n-th day / week / month of each window.
        values = before.sort_values("grp")["value"].tolist()
        table[column] = (values + [None] * len(table))[: len(table)]
    else:
        table[column] = table[dimension].map(dict(zip(before["grp"].astype(str), before["value"])))
    table[column] = pd.to_numeric(table[column], errors="coerce")
    table["change"] = table[metric] - table[column]
    table["change_pct"] = (table["change"] / table[column].where(table[column] != 0)).astype(float)
    result.sql.append(sql)
    result.params["compare"] = {"kind": compare, "start": str(earlier.start), "end": str(earlier.end)}
    result.answer = _comparison_sentence(ctx, metric, table, column, window, earlier, dimension, per) + "\n" \
        + result.answer


def _comparison_sentence(ctx: Context, metric: str, table: pd.DataFrame, column: str, window: Window,
                         earlier: Window, dimension: str | None, per: str | None = None) -> str:
    spec = _metric_spec(metric, per)
    unit, lang = spec["unit"], ctx.language
    name = _label(spec, lang)
    additive = unit != "rate" and metric not in _AVERAGES  # ratios do not add up across groups or periods
    if additive:
        now, then = table[metric].sum(min_count=1), table[column].sum(min_count=1)
    elif dimension is None:
        now, then = table[metric].iat[0], table[column].iat[0]
    else:
        now, then = None, None
    label_now = window.label_zh if lang == "zh" else window.label_en
    label_then = earlier.label_zh if lang == "zh" else earlier.label_en
    kind = ctx.t("环比" if column.endswith("previous_period") else "同比",
                 "vs the previous period" if column.endswith("previous_period") else "year over year")
    if now is None or then is None or pd.isna(now) or pd.isna(then):
        return ctx.t(f"{name}{kind}：各组的对比见表格（{label_then}）。",
                     f"{name} {kind}: see the table for each group ({label_then}).")
    show = lambda v: fmt.by_unit(v, unit, lang)  # noqa: E731
    change = now - then
    if unit == "rate":
        delta = fmt.pp(change, lang)
    else:
        delta = ("+" if change >= 0 else "-") + show(abs(change))
    pct = ctx.t(f"（{fmt.signed_percent(change / then)}）", f" ({fmt.signed_percent(change / then)})") if then else ""
    return ctx.t(
        f"{name}{kind}：{label_now}为 {show(now)}，{label_then}为 {show(then)}，变化 {delta}{pct}。",
        f"{name} {kind}: {show(now)} for {label_now} against {show(then)} for {label_then}, a change of "
        f"{delta}{pct}.",
    )


def _metric_spec(metric: str, per: str | None) -> dict[str, Any]:
    """The metric as an answer names and shows it: itself, or its average per day (week, month)."""
    return catalog.metric(metric) if per is None else per_period.spec(catalog.metric(metric), per)


def _label(spec: dict[str, Any], language: str) -> str:
    return spec["zh"] if language == "zh" else spec["en"]


def _present(
    ctx: Context,
    metric: str,
    dimension: str | None,
    window: Window,
    filters: dict[str, Any],
    frame: pd.DataFrame,
    sql: str,
    all_groups: float | None = None,
    per: str | None = None,
    order: str = "desc",
) -> ToolResult:
    lang = ctx.language
    spec = _metric_spec(metric, per)
    name = _label(spec, lang)
    window_label = window.label_zh if lang == "zh" else window.label_en
    scope = _filters_label(ctx, filters)
    definition = ctx.t("口径：", "Definition: ") + spec["definition"][lang]
    if not dimension:
        value = frame["value"].iat[0] if len(frame) else None
        if spec["unit"] in ("count", "average") and (value is None or pd.isna(value)):
            value = 0  # no orders in the window: none counted, not unknown ("新客数为 0", not "—")
            frame = pd.DataFrame({"grp": ["all"], "value": [0], "base_orders": [0], "base_buyers": [0]})
        shown = fmt.exact(value, spec["unit"], lang)
        answer = ctx.t(f"{window_label}{scope}的{name}为 {shown}。", f"{name} for {window_label}{scope}: {shown}.")
        table = _with_sample_size(frame.drop(columns=["grp"]).rename(columns={"value": metric}), metric, spec)
        table.insert(0, "period", [window_label] * len(table))
        if spec.get("per"):
            table[metric] = table[metric].astype(float).round(2)
        return ToolResult(f"{answer}\n{definition}", [Table(metric, table)], [], [sql], _params(window))
    dim = DIMENSIONS[dimension]
    dim_label = dim.zh if lang == "zh" else dim.en
    table = frame.rename(columns={"grp": dimension, "value": metric}).reset_index(drop=True)
    table = _with_sample_size(table, metric, spec)
    table[dimension] = table[dimension].astype(str)
    if any(key == dimension for key, _ in _VALUE_NAMES):  # "周末" / "老客" rows, in the answer's language
        names = {v: pair[0 if lang == "zh" else 1] for (key, v), pair in _VALUE_NAMES.items() if key == dimension}
        table[dimension] = table[dimension].map(lambda v: names.get(v, v))
    if dimension == "segment":
        names = {k: v[lang] for k, v in catalog.segments(_segment_scheme(filters)).items()}
        table[dimension] = table[dimension].map(lambda key: names.get(key, key))
    if spec["unit"] == "count":
        table[metric] = table[metric].fillna(0).astype("int64")
    elif spec.get("per"):  # an average per day: to the cent, or to two decimals of an order
        table[metric] = table[metric].round(2)
    said = table
    if dimension == "status":  # the rows keep the status keys filters take; the sentence says them in words
        labels = catalog.load("metrics")["by_status"]["labels"]
        said = table.assign(status=table["status"].map(lambda v: labels.get(v, {}).get(lang, v)))
    elif any(key == dimension for key, _ in _SAID_VALUES):  # ...as do the values the data writes in English
        said = table.assign(**{dimension: table[dimension].map(lambda v: _said_value(ctx, dimension, v))})
    summary = _breakdown_summary(ctx, spec, metric, dimension, dim_label, said, all_groups, order)
    asked = _filter_values(filters[dimension]) if isinstance(filters.get(dimension), list) else []
    if missing := [v for v in asked if v not in set(frame["grp"].astype(str))]:
        # "Champions vs At Risk last quarter" with no At Risk orders then: said, not left for the reader to notice
        names = [_value_label(ctx, dimension, v) for v in missing]
        summary += ctx.t(f"{'、'.join(names)}在这段时间没有数据。", f" No data for {', '.join(names)} in this window.")
    answer = ctx.t(
        f"{window_label}{scope}按{dim_label}的{name}：{summary}",
        f"{name} by {dim_label}, {window_label}{scope}: {summary}",
    )
    chart_kind = "line" if dim.time else "bar"
    title = ctx.t(f"{name}（按{dim_label}）", f"{name} by {dim_label}")
    chart = ChartSpec(chart_kind, title, metric, dimension, metric)
    return ToolResult(f"{answer}\n{definition}", [Table(metric, table)], [chart], [sql], _params(window))


def _with_sample_size(table: pd.DataFrame, metric: str, spec: dict[str, Any]) -> pd.DataFrame:
    """Ratios and averages come with the orders and buyers behind them; totals don't need them."""
    if spec["unit"] != "rate" and metric not in _AVERAGES:
        return table.drop(columns=["base_orders", "base_buyers"])
    table = table.rename(columns={"base_orders": "orders", "base_buyers": "buyers"})
    return table.astype({"orders": "int64", "buyers": "int64"})


def _params(window: Window) -> dict[str, Any]:
    return {"window": {"start": str(window.start) if window.start else None,
                       "end": str(window.end) if window.end else None,
                   "label": {"zh": window.label_zh, "en": window.label_en}}}


# Filter values that say themselves without their dimension's name: "（周末）", not "（周末/工作日=weekend）".
_VALUE_NAMES = {("weekday", "weekend"): ("周末", "weekends"), ("weekday", "weekday"): ("工作日", "weekdays"),
                ("shipping", "shipped"): ("已发货", "shipped"), ("shipping", "not_shipped"): ("未发货", "not shipped"),
                ("after_sale", "open"): ("售后处理中", "open refund request"),
                ("after_sale", "none"): ("无未完结售后", "no open refund request"),
                ("buyer_type", "returning"): ("老客", "returning buyers"),
                ("buyer_type", "new"): ("新客", "new buyers")}
# (a breakdown by these shows the same names on its rows)
_DAY_NAMES = {"Mon": "Mondays", "Tue": "Tuesdays", "Wed": "Wednesdays", "Thu": "Thursdays", "Fri": "Fridays",
              "Sat": "Saturdays", "Sun": "Sundays"}


# Values the data (or our SQL) writes as English keys, said in the sentence in the reader's words; the table keeps
# the keys, which filters take and scripts read.
_SAID_VALUES = {("gender", "female"): ("女性", "female"), ("gender", "male"): ("男性", "male"),
                ("gender", "unknown"): ("未知性别", "unknown gender"),
                ("source", "live"): ("直播间", "live room"), ("source", "shelf"): ("货架", "shelf"),
                ("coupon", "coupon"): ("用券", "with a coupon"),
                ("coupon", "no_coupon"): ("未用券", "without a coupon"),
                ("channel", "live_room"): ("直播间", "live room"),
                ("channel", "short_video"): ("短视频", "short video"),
                ("channel", "ads"): ("广告投放", "ads"), ("channel", "referral"): ("老带新", "referral"),
                ("channel", "search"): ("搜索", "search")}


def _said_value(ctx: Context, key: str, value: Any) -> str:
    pair = _SAID_VALUES.get((key, str(value)))
    return str(value) if pair is None else pair[0 if ctx.language == "zh" else 1]


def _value_label(ctx: Context, key: str, value: str) -> str:
    """One filter value in the reader's words: a status, a segment's name, a key the data writes in English."""
    if key == "status":
        return catalog.load("metrics")["by_status"]["labels"].get(value, {}).get(ctx.language, value)
    if key != "segment":
        return _said_value(ctx, key, value)
    for scheme in ("rfm", "cn8"):
        if value in catalog.segments(scheme):
            return catalog.segments(scheme)[value][ctx.language]
    return value


def _filters_label(ctx: Context, filters: dict[str, Any]) -> str:
    if not filters:
        return ""
    def label(key: str) -> str:
        if key == "amount":
            return ctx.t("订单实付金额", "order amount")
        return DIMENSIONS[key].zh if ctx.language == "zh" else DIMENSIONS[key].en

    def value_of(key: str, value: Any) -> str:
        if key == "amount" and _AMOUNT.match(str(value)) and not _AMOUNT.match(str(value)).group(1) \
                and not _AMOUNT.match(str(value)).group(3):
            return str(value)
        return "/".join(_value_label(ctx, key, v) for v in _filter_values(value))

    parts = [_VALUE_NAMES[(k, v)][0 if ctx.language == "zh" else 1] if (k, v) in _VALUE_NAMES  # "（周末）"
             else _hour_words(ctx, v) if k == "hour"
             else ctx.t(str(v).split()[-1], _DAY_NAMES.get(str(v)[:3], str(v))) if k == "day_of_week"  # "（周一）"
             else f"{label(k)}{'' if k == 'amount' and str(v)[:1] in '<>' else '='}{value_of(k, v)}"
             for k, v in filters.items() if not isinstance(v, list)] + [
        f"{label(k)}={value_of(k, v)}" for k, v in filters.items() if isinstance(v, list)]
    return ctx.t(f"（{'，'.join(parts)}）", f" ({', '.join(parts)})")


def _breakdown_summary(
    ctx: Context, spec: dict[str, Any], metric: str, dimension: str, dim_label: str, table: pd.DataFrame,
    all_groups: float | None = None, order: str = "desc",
) -> str:
    lang, unit = ctx.language, spec["unit"]
    if table.empty:
        return ctx.t("该范围内没有数据。", "no data in this window.")
    show = lambda v: fmt.by_unit(v, unit, lang)  # noqa: E731
    if DIMENSIONS[dimension].time:
        first, last = table.iloc[0], table.iloc[-1]
        peak = table.loc[table[metric].idxmax()]
        return ctx.t(
            f"共 {len(table)} 个{dim_label}，从 {first[dimension]} 的 {show(first[metric])} 到 "
            f"{last[dimension]} 的 {show(last[metric])}；最高为 {peak[dimension]}（{show(peak[metric])}）。",
            f"{len(table)} {dim_label}s, from {show(first[metric])} in {first[dimension]} to "
            f"{show(last[metric])} in {last[dimension]}; the peak was {peak[dimension]} ({show(peak[metric])}).",
        )
    top = table.head(3)
    additive = unit not in ("rate", "average") and metric not in _AVERAGES and not spec.get("per")
    total = (all_groups or table[metric].sum()) if additive else None
    items = []
    for row in top.itertuples(index=False):
        key, value = getattr(row, dimension), getattr(row, metric)
        share = f"，占 {fmt.percent(value / total)}" if total and lang == "zh" else (
            f", {fmt.percent(value / total)} of the total" if total else "")
        items.append(f"{key}（{show(value)}{share}）" if lang == "zh" else f"{key} ({show(value)}{share})")
    if len(table) == 2 and table[metric].notna().all():
        return _gap_between_two(ctx, unit, table, metric, items)
    if order == "asc":  # the lowest first ("后3名", "bottom 5"): said as the lowest, not the leaders
        return ctx.t("最低的是 " + "、".join(items) + "。", "the lowest are " + "; ".join(items) + ".")
    return ctx.t("排名前列的是 " + "、".join(items) + "。", "the leaders are " + "; ".join(items) + ".")


def _gap_between_two(ctx: Context, unit: str, table: pd.DataFrame, metric: str, items: list[str]) -> str:
    """Two groups side by side ("新客的客单价比老客高多少", "live vs shelf"): the higher one and by how much,
    a rate's gap in percentage points, an amount's also relative to the lower one."""
    values = [float(v) for v in table[metric]]
    high, low = (0, 1) if values[0] >= values[1] else (1, 0)
    gap, lower = values[high] - values[low], values[low]
    if gap == 0 or (unit == "rate" and round(gap * 100, 1) == 0):
        return ctx.t(f"{items[0]}与{items[1]}持平" + ("（相差不到 0.1 个百分点）。" if gap else "。"),
                     f"{items[0]} and {items[1]} are level" + (" (less than 0.1 pp apart)." if gap else "."))
    if unit == "rate":
        by = fmt.pp(gap, ctx.language).lstrip("+")
    else:
        ratio = values[high] / lower if lower > 0 else None
        relative = "" if ratio is None else ctx.t(
            f"（高 {fmt.percent(ratio - 1)}）" if ratio < 2 else f"（是后者的 {fmt.times(ratio, 'zh')}）",
            f" ({fmt.signed_percent(ratio - 1)})" if ratio < 2 else f" ({fmt.times(ratio, 'en')})")
        by = fmt.by_unit(gap, unit, ctx.language) + relative
    return ctx.t(f"{items[high]}比{items[low]}高 {by}。", f"{items[high]} is ahead of {items[low]} by {by}.")
