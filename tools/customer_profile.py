"""customer_profile: one customer on one page: what they bought, where they stand (RFM, lifecycle),
how likely they are to leave, what they are expected to be worth, and what to do next.

It reuses the vetted pieces (rfm, lifecycle rules, churn_risk's model, the CLV fit, the playbook,
recommend_products) so a customer's page agrees with every list they appear on."""

from __future__ import annotations

from typing import Any

import pandas as pd

from tools import fmt
from tools.clv import fit_clv
from tools.context import Context
from tools.fit_cache import cached_fit
from tools.registry import call_tool, tool
from tools.result import ChartSpec, Table, ToolError, ToolResult
from tools.rfm import customer_segments, segment_name
from tools.strategy import _lifecycle_customers, playbook_entry

PAID = "('paid', 'refunded')"  # data/metrics.yaml: GMV and orders count paid and later-refunded orders
RECENT_ORDERS = 10
PROFILE_COLUMNS = ("gender", "age_band", "province", "city", "channel", "signup_time")


def _columns(ctx: Context, table: str) -> set[str]:
    return ctx.warehouse.columns(table)


def _summary(ctx: Context, customer_id: int) -> tuple[dict[str, Any], str]:
    sql = (
        f"SELECT count(*) FILTER (WHERE status IN {PAID}) AS orders, "
        "count(*) FILTER (WHERE status = 'refunded') AS refunded_orders, "
        "count(*) FILTER (WHERE status NOT IN ('paid', 'refunded')) AS other_orders, "
        f"coalesce(sum(pay_amount) FILTER (WHERE status IN {PAID}), 0) AS gmv, "
        f"min(order_time) FILTER (WHERE status IN {PAID})::DATE AS first_order, "
        f"max(order_time) FILTER (WHERE status IN {PAID})::DATE AS last_order, "
        "count(*) AS all_orders FROM orders WHERE customer_id = ?"
    )
    row = ctx.warehouse.df(sql, [customer_id]).iloc[0].to_dict()
    return row, sql


def _attributes(ctx: Context, customer_id: int) -> dict[str, Any]:
    """Demographics without anything personal (no nickname, phone or address)."""
    wanted = [c for c in PROFILE_COLUMNS if c in _columns(ctx, "customers")]
    if not wanted:
        return {}
    frame = ctx.warehouse.df(f"SELECT {', '.join(wanted)} FROM customers WHERE customer_id = ?", [customer_id])
    return frame.iloc[0].to_dict() if len(frame) else {}


def _recent_orders(ctx: Context, customer_id: int) -> tuple[pd.DataFrame, str]:
    has_items = ctx.warehouse.has_table("order_items") and ctx.warehouse.has_table("products")
    has_hosts = ctx.warehouse.has_table("hosts") and "host_id" in _columns(ctx, "orders")
    items = ("(SELECT string_agg(p.product_name, '、' ORDER BY i.line_no) FROM order_items i "
             "JOIN products p USING (product_id) WHERE i.order_id = o.order_id)") if has_items else "NULL"
    host = "(SELECT host_name FROM hosts h WHERE h.host_id = o.host_id)" if has_hosts else "NULL"
    sql = (f"SELECT o.order_id, o.order_time, o.status, o.pay_amount, {items} AS products, {host} AS host "
           f"FROM orders o WHERE o.customer_id = ? ORDER BY o.order_time DESC LIMIT {RECENT_ORDERS}")
    return ctx.warehouse.df(sql, [customer_id]), sql


def _interests(ctx: Context, customer_id: int) -> tuple[pd.DataFrame, str | None]:
    if not (ctx.warehouse.has_table("order_items") and ctx.warehouse.has_table("products")):
        return pd.DataFrame(), None
    brand = "p.brand" if "brand" in _columns(ctx, "products") else "NULL"
    sql = (
        f"SELECT p.category, {brand} AS brand, count(DISTINCT o.order_id) AS orders, sum(i.pay_amount) AS spend "
        "FROM orders o JOIN order_items i USING (order_id) JOIN products p USING (product_id) "
        f"WHERE o.customer_id = ? AND o.status IN {PAID} GROUP BY ALL ORDER BY spend DESC, category, brand"
    )
    frame = ctx.warehouse.df(sql, [customer_id])
    if frame.empty:
        return frame, sql
    by_category = frame.groupby("category", as_index=False).agg(orders=("orders", "sum"), spend=("spend", "sum"))
    by_category["share"] = by_category["spend"] / by_category["spend"].sum()
    top_brand = frame.groupby("category")["brand"].first()  # the SQL order: most spend, then name
    by_category["top_brand"] = by_category["category"].map(top_brand)
    ranked = by_category.sort_values(["spend", "category"], ascending=[False, True], kind="stable")
    return ranked.reset_index(drop=True), sql


def _monthly_spend(ctx: Context, customer_id: int) -> tuple[pd.DataFrame, str]:
    sql = (f"SELECT strftime(date_trunc('month', order_time), '%Y-%m') AS month, sum(pay_amount) AS gmv, "
           f"count(*) AS orders FROM orders WHERE customer_id = ? AND status IN {PAID} GROUP BY 1 ORDER BY 1")
    return ctx.warehouse.df(sql, [customer_id]), sql


def _row(frame: pd.DataFrame, customer_id: int) -> pd.Series | None:
    hit = frame[frame["customer_id"] == customer_id]
    return hit.iloc[0] if len(hit) else None


def _churn(ctx: Context, customer_id: int) -> dict[str, Any] | None:
    from tools.churn import reasons, score_customers

    try:
        scores = score_customers(ctx)
    except ToolError:
        return None  # too little history for a model: the page says so instead of failing
    row = scores.now[scores.now["customer_id"] == customer_id]
    if row.empty:
        return None
    why = reasons(scores.model, row, ctx.language)[0] if scores.model is not None else ""
    return {"probability": float(row["churn_probability"].iloc[0]), "band": str(row["risk_band"].iloc[0]),
            "reasons": why, "auc": scores.validation.auc,
            "horizon_days": int((scores.cutoffs[2] - scores.cutoffs[1]).days)}


def _value(ctx: Context, customer_id: int) -> dict[str, Any] | None:
    try:
        fit = cached_fit(ctx, "clv", (365, 0.0), lambda: fit_clv(ctx))
    except ToolError:
        return None
    row = _row(fit.customers, customer_id)
    if row is None:
        return None
    return {"clv": float(row["clv"]), "expected_purchases": float(row["expected_purchases"]),
            "p_alive": float(row["p_alive"]), "repeat_buyer": bool(row["frequency"] > 0)}


def _recommended_products(ctx: Context, customer_id: int) -> pd.DataFrame:
    try:
        result = call_tool(ctx, "recommend_products", {"customer_id": customer_id, "limit": 3})
    except ToolError:
        return pd.DataFrame()
    return result.tables[0].df if result.tables else pd.DataFrame()


def _lookup(ctx: Context, customer_id: int | None) -> int:
    if customer_id is None:
        examples = ctx.warehouse.df(
            f"SELECT customer_id FROM orders WHERE status IN {PAID} GROUP BY 1 ORDER BY sum(pay_amount) DESC LIMIT 3")
        ids = ", ".join(str(v) for v in examples["customer_id"])
        raise ToolError("customer_required",
                        f"Which customer? Give a customer id, e.g. {ids}.",
                        f"要看哪位客户？请给出客户ID，例如 {ids}。")
    if not ctx.warehouse.scalar("SELECT count(*) FROM orders WHERE customer_id = ?", [customer_id]):
        raise ToolError("unknown_customer",
                        f"No orders from customer {customer_id} in this dataset. Check the id (it is the "
                        "customer_id column, not a phone number).",
                        f"当前数据集中没有客户 {customer_id} 的订单。请核对客户ID（是 customer_id 列，不是手机号）。")
    return customer_id


@tool
def customer_profile(ctx: Context, customer_id: int | None = None) -> ToolResult:
    """Tell me about one customer: orders, RFM segment, lifecycle stage, churn risk, expected value, next action.

    Needs an id; personal data (nickname, phone, address) is never shown. A whole segment is segment_profile.
    Args:
        customer_id: the customer's id (customer_id column); required.
    Example: "查一下用户100000123" -> {"customer_id": 100000123};
        "Tell me about customer 100000005" -> {"customer_id": 100000005}
    """
    wh = ctx.warehouse
    wh.require_tables("orders")
    customer_id = _lookup(ctx, customer_id)
    summary, summary_sql = _summary(ctx, customer_id)
    attributes = _attributes(ctx, customer_id)
    recent, recent_sql = _recent_orders(ctx, customer_id)
    interests, interests_sql = _interests(ctx, customer_id)
    monthly, monthly_sql = _monthly_spend(ctx, customer_id)
    rfm_all, rfm_sql, _ = customer_segments(ctx, "rfm")
    rfm = _row(rfm_all, customer_id)
    stages, stage_sql = _lifecycle_customers(ctx)
    stage_row = _row(stages, customer_id)
    churn = _churn(ctx, customer_id)
    value = _value(ctx, customer_id)
    products = _recommended_products(ctx, customer_id)

    facts = _facts(ctx, customer_id, summary, attributes, rfm, stage_row, churn, value)
    scheme, key = ("lifecycle", str(stage_row["segment"])) if stage_row is not None else (None, None)
    if rfm is not None and key in (None, "active", "repeat"):
        scheme, key = "rfm", str(rfm["segment"])  # an active customer's RFM cell says more about them
    action = _next_action(ctx, scheme, key, churn, products)
    tables = [Table("profile", facts), Table("recent_orders", recent)]
    if not interests.empty:
        tables.append(Table("interests", interests))
    if not products.empty:
        tables.append(Table("recommended_products", products))
    tables.append(Table("monthly_spend", monthly))
    charts = [ChartSpec("bar", ctx.t(f"客户 {customer_id} 每月消费", f"Customer {customer_id}: spend per month"),
                        "monthly_spend", "month", "gmv")] if len(monthly) > 1 else []
    return ToolResult(
        answer=_answer(ctx, customer_id, summary, rfm, stage_row, churn, value, interests),
        tables=tables,
        charts=charts,
        sql=[s for s in (summary_sql, recent_sql, interests_sql, monthly_sql, rfm_sql, stage_sql) if s],
        params={"customer_id": customer_id, "segment_for_action": f"{scheme}.{key}" if key else None},
        recommendations=action,
    )


def _facts(ctx: Context, customer_id: int, summary: dict, attributes: dict, rfm: pd.Series | None,
           stage: pd.Series | None, churn: dict | None, value: dict | None) -> pd.DataFrame:
    lang = ctx.language
    rows: list[tuple[str, Any]] = [
        (ctx.t("客户ID", "customer id"), customer_id),
        (ctx.t("订单数（含退款）", "orders (incl. refunded)"), int(summary["orders"])),
        (ctx.t("退款订单", "refunded orders"), int(summary["refunded_orders"])),
        (ctx.t("累计成交额", "GMV"), fmt.money(summary["gmv"], lang)),
        (ctx.t("首次购买", "first order"), str(summary["first_order"])[:10]),
        (ctx.t("最近购买", "last order"), str(summary["last_order"])[:10]),
    ]
    for column, label in (("gender", ctx.t("性别", "gender")), ("age_band", ctx.t("年龄段", "age band")),
                          ("province", ctx.t("省份", "province")), ("city", ctx.t("城市", "city")),
                          ("channel", ctx.t("来源渠道", "acquired via"))):
        if attributes.get(column) is not None and not pd.isna(attributes.get(column)):
            rows.append((label, attributes[column]))
    if rfm is not None:
        rows += [(ctx.t("RFM 分群", "RFM segment"), segment_name("rfm", str(rfm["segment"]), lang)),
                 (ctx.t("R/F/M 得分", "R/F/M scores"), f"{rfm['r_score']}/{rfm['f_score']}/{rfm['m_score']}")]
    if stage is not None:
        rows.append((ctx.t("生命周期阶段", "lifecycle stage"), segment_name("lifecycle", str(stage["segment"]), lang)))
    if churn is not None:
        days = churn["horizon_days"]
        rows.append((ctx.t(f"流失概率（未来{days}天）", f"churn risk (next {days} days)"),
                     fmt.percent(churn["probability"])))
        if churn["reasons"]:
            rows.append((ctx.t("风险原因", "risk drivers"), churn["reasons"]))
    if value is not None:
        rows += [(ctx.t("预计未来一年购买次数", "expected purchases, next 12 months"),
                  f"{fmt.decimal(value['expected_purchases'])}"),
                 (ctx.t("预计未来一年价值", "expected value, next 12 months"), fmt.money(value["clv"], lang))]
        if value["repeat_buyer"]:  # BG/NBD puts every one-time buyer at 100%: meaningless for them
            rows.append((ctx.t("仍活跃的概率 (BG/NBD)", "probability still active (BG/NBD)"),
                         fmt.percent(value["p_alive"])))
    return pd.DataFrame(rows, columns=[ctx.t("项目", "field"), ctx.t("值", "value")]).astype({
        ctx.t("值", "value"): str})


def _answer(ctx: Context, customer_id: int, summary: dict, rfm: pd.Series | None, stage: pd.Series | None,
            churn: dict | None, value: dict | None, interests: pd.DataFrame) -> str:
    lang = ctx.language
    orders, gmv = int(summary["orders"]), fmt.money(summary["gmv"], lang)
    if orders == 0:
        return ctx.t(f"客户 {customer_id} 有 {int(summary['all_orders'])} 笔订单，但都未成交（取消或未支付）。",
                     f"Customer {customer_id} has {int(summary['all_orders'])} orders, none of them paid "
                     "(cancelled or unpaid).")
    last = str(summary["last_order"])[:10]
    days = (ctx.warehouse.anchor_date - pd.Timestamp(summary["last_order"]).date()).days
    order_word = "order" if orders == 1 else "orders"
    parts = [ctx.t(f"客户 {customer_id}：共 {orders} 单、累计成交 {gmv}，"
                   f"最近一次购买在 {last}（距数据截止 {days} 天）。",
                   f"Customer {customer_id}: {orders} {order_word}, {gmv} in total; last purchase {last} "
                   f"({days} days before the data ends).")]
    where = []
    if rfm is not None:
        where.append(ctx.t(f"RFM 属于{segment_name('rfm', str(rfm['segment']), lang)}"
                           f"（R{rfm['r_score']} F{rfm['f_score']} M{rfm['m_score']}）",
                           f"RFM segment {segment_name('rfm', str(rfm['segment']), lang)} "
                           f"(R{rfm['r_score']} F{rfm['f_score']} M{rfm['m_score']})"))
    if stage is not None:
        where.append(ctx.t(f"生命周期处于{segment_name('lifecycle', str(stage['segment']), lang)}",
                           f"lifecycle stage {segment_name('lifecycle', str(stage['segment']), lang)}"))
    if where:
        parts.append(ctx.t("；".join(where) + "。", " " + "; ".join(where) + "."))
    if churn is not None:
        parts.append(ctx.t(f"未来 {churn['horizon_days']} 天流失概率 {fmt.percent(churn['probability'])}"
                           + (f"，主要因为{churn['reasons']}" if churn["reasons"] else "") + "。",
                           f" Churn risk over the next {churn['horizon_days']} days: "
                           f"{fmt.percent(churn['probability'])}"
                           + (f", mainly: {churn['reasons']}" if churn["reasons"] else "") + "."))
    if value is not None:
        worth = fmt.money(value["clv"], lang)
        parts.append(ctx.t(f"预计未来一年再买 {fmt.decimal(value['expected_purchases'])} 次，价值约 {worth}。",
                           f" Expected next 12 months: "
                           f"{fmt.decimal(value['expected_purchases'])} purchases worth about "
                           f"{fmt.money(value['clv'], lang)}."))
    if not interests.empty:
        top = interests.head(2)
        liked = ctx.t("、".join(f"{r.category}（{fmt.percent(r.share)}）" for r in top.itertuples()),
                      ", ".join(f"{r.category} ({fmt.percent(r.share)})" for r in top.itertuples()))
        parts.append(ctx.t(f"主要买{liked}。", f" Buys mostly {liked} (share of spend)."))
    return "".join(parts)


def _next_action(ctx: Context, scheme: str | None, key: str | None, churn: dict | None,
                 products: pd.DataFrame) -> list[str]:
    actions: list[str] = []
    if scheme and key:
        tactics = playbook_entry(scheme, key, ctx.language).get("tactics") or []
        if tactics:
            name = segment_name(scheme, key, ctx.language)
            actions.append(ctx.t(f"按{name}的打法：{tactics[0]}", f"As a {name} customer: {tactics[0]}"))
    if churn is not None and churn["band"] == "high":
        actions.append(ctx.t(f"流失概率 {fmt.percent(churn['probability'])}，优先在 7 天内触达（企业微信/短信）。",
                             f"Churn risk {fmt.percent(churn['probability'])}: reach out within 7 days "
                             "(WeCom or SMS)."))
    if not products.empty:
        name_column = next((c for c in products.columns if "name" in str(c).lower() or "商品" in str(c)),
                           products.columns[0])
        names = "、".join(str(v) for v in products[name_column].head(3))
        actions.append(ctx.t(f"下一次推荐：{names}（来自 recommend_products）。",
                             f"Next products to offer: {names} (from recommend_products)."))
    return actions
