"""recommend_products: what to offer a customer, a segment, or the buyers of a product next.

Every score is computed in DuckDB over paid orders (statuses as in metrics.yaml) and is explainable
from three probabilities:

* co-purchase: same-order rules as in product_associations (associations.pairs_sql): for each
  product X the target bought, confidence(X->Y) = orders with both / orders with X, and
  lift = P(X and Y) / (P(X) P(Y)). Rules need lift > 1 and at least MIN_PAIR_ORDERS orders with
  both; the best rule (highest confidence) per candidate counts. (Customer-level co-occurrence is
  not used: heavy buyers buy everything, so every customer-level pair has lift > 1 and the lift
  stops telling complements apart.)
* segment preference: share of the peer group (the customer's RFM segment, or the asked segment) whose
  customers bought Y (in any paid order); the index (Y's share of the group's purchases / its share
  of everyone's x 100) says whether the group over-indexes on Y.
* popularity: share of all buyers who bought Y, the cold-start fallback.

score = 0.7 co-purchase + 0.2 segment share + 0.1 overall share. Products already bought are never
candidates. For a group, each member is scored the same way; a product's expected uptake is the sum
of the scores of members who have not bought it, and its reach is how many members have it among
their top TOP_K recommendations.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from tools import catalog, fmt
from tools.associations import MIN_PAIR_ORDERS_FOR_PRODUCT, _resolve_items
from tools.context import Context
from tools.registry import tool
from tools.result import ChartSpec, Table, ToolError, ToolResult
from tools.rfm import customer_segments, segment_name
from tools.segment_members import segment_members

MIN_PAIR_ORDERS = MIN_PAIR_ORDERS_FOR_PRODUCT  # a rule needs this many orders with both products
TOP_K = 3  # a product "reaches" a member when it is among that member's top 3 recommendations
WEIGHTS = {"copurchase": 0.7, "segment": 0.2, "overall": 0.1}
# The reason names the segment preference only when the group clearly over-indexes on a product.
INDEX_THRESHOLD = 110
MIN_HOST_ORDERS = 30


def _scored_sql(target_sql: str, peer_sql: str | None, seeds: list[int]) -> str:
    """One row per (target customer, product not yet bought) with its score components."""
    peers = peer_sql or "SELECT DISTINCT customer_id FROM cust_items"
    seed_rows = (f"\n  UNION SELECT t.customer_id, s.item FROM targets t, "
                 f"(SELECT unnest([{', '.join(str(int(s)) for s in seeds)}]) AS item) s") if seeds else ""
    w = WEIGHTS
    return f"""WITH lines AS MATERIALIZED (
  {_lines_sql()}
),
cust_items AS MATERIALIZED (SELECT DISTINCT customer_id, item FROM lines),
all_buyers AS (SELECT count(DISTINCT customer_id) AS n, count(*) AS pairs FROM cust_items),
item_buyers AS (SELECT item, count(*) AS buyers FROM cust_items GROUP BY item),
peers AS (SELECT DISTINCT c.customer_id FROM cust_items c WHERE c.customer_id IN ({peers})),
peer_n AS (
  SELECT greatest(count(*), 1) AS n,
    greatest((SELECT count(*) FROM cust_items JOIN peers USING (customer_id)), 1) AS pairs
  FROM peers
),
peer_buyers AS (SELECT item, count(*) AS buyers FROM cust_items JOIN peers USING (customer_id) GROUP BY item),
targets AS ({target_sql}),
owned AS (
  SELECT c.customer_id, c.item FROM cust_items c JOIN targets t USING (customer_id){seed_rows}
),
baskets AS (SELECT DISTINCT order_id, item FROM lines),
order_n AS (SELECT count(DISTINCT order_id) AS n FROM baskets),
item_orders AS (SELECT item, count(*) AS orders FROM baskets GROUP BY item),
rules AS (
  -- directed same-order rules seed -> item (the pairs of associations.pairs_sql), only from products
  -- the targets own, so one customer's query reads only the orders containing their products
  SELECT p.seed, p.item, s.orders AS seed_orders, p.pair_orders, p.pair_orders / s.orders AS confidence,
    p.pair_orders * order_n.n / (s.orders * c.orders) AS lift
  FROM (
    SELECT a.item AS seed, b.item, count(*) AS pair_orders
    FROM baskets a JOIN baskets b ON a.order_id = b.order_id AND a.item <> b.item
    WHERE a.item IN (SELECT DISTINCT item FROM owned)
    GROUP BY 1, 2
  ) p
  JOIN item_orders s ON s.item = p.seed JOIN item_orders c ON c.item = p.item CROSS JOIN order_n
  WHERE p.pair_orders >= {MIN_PAIR_ORDERS} AND p.pair_orders * order_n.n > s.orders * c.orders
),
best AS (
  -- the strongest rule per (customer, candidate): highest confidence, then lift, then lowest seed id
  SELECT customer_id, item, rule.seed, rule.seed_orders, rule.pair_orders, rule.confidence, rule.lift
  FROM (
    SELECT o.customer_id, r.item, arg_max(r, [r.confidence, r.lift, -r.seed]) AS rule
    FROM owned o JOIN rules r ON r.seed = o.item GROUP BY 1, 2
  )
),
candidates AS (
  SELECT t.customer_id, p.product_id AS item FROM targets t CROSS JOIN products p
  ANTI JOIN owned o ON o.customer_id = t.customer_id AND o.item = p.product_id
)
SELECT c.customer_id, c.item AS product_id, b.seed AS basis_product_id, b.seed_orders AS basis_orders,
  b.pair_orders, coalesce(b.confidence, 0) AS confidence, b.lift,
  coalesce(pb.buyers, 0) / peer_n.n AS segment_share,
  coalesce(ib.buyers, 0) / all_buyers.n AS overall_share,
  -- the product's share of the group's (customer, product) purchases vs of everyone's: an index that
  -- does not rise just because the group buys more products per customer
  100.0 * (coalesce(pb.buyers, 0) / peer_n.pairs) / greatest(coalesce(ib.buyers, 0) / all_buyers.pairs, 1e-12)
    AS segment_index,
  peer_n.n - coalesce(pb.buyers, 0) AS peers_not_bought,
  {w['copurchase']} * coalesce(b.confidence, 0) + {w['segment']} * coalesce(pb.buyers, 0) / peer_n.n
    + {w['overall']} * coalesce(ib.buyers, 0) / all_buyers.n AS score
FROM candidates c
LEFT JOIN best b ON b.customer_id = c.customer_id AND b.item = c.item
LEFT JOIN peer_buyers pb ON pb.item = c.item
LEFT JOIN item_buyers ib ON ib.item = c.item
CROSS JOIN peer_n CROSS JOIN all_buyers"""


def _lines_sql() -> str:
    """One row per (paid order, its customer, product): the rows of associations.baskets_sql plus the
    customer, read once for both the same-order rules and the customer-level purchase shares."""
    statuses = ", ".join(f"'{s}'" for s in catalog.load("metrics")["paid_statuses"])
    return ("SELECT DISTINCT o.order_id, o.customer_id, i.product_id AS item FROM order_items i "
            f"JOIN orders o ON o.order_id = i.order_id WHERE o.status IN ({statuses})")


def _customer_items_sql() -> str:
    """One row per (customer, product bought in a paid order)."""
    return f"SELECT DISTINCT customer_id, item FROM ({_lines_sql()})"


def _customer_sql(scored: str, limit: int) -> str:
    return f"""WITH scored AS (
{scored}
)
SELECT s.*, p.product_name, p.category, p.price, bp.product_name AS basis_product
FROM scored s JOIN products p ON p.product_id = s.product_id
LEFT JOIN products bp ON bp.product_id = s.basis_product_id
ORDER BY s.score DESC, s.product_id
LIMIT {int(limit)}"""


def _group_sql(scored: str, limit: int) -> str:
    return f"""WITH scored AS (
{scored}
),
ranked AS (
  SELECT *, row_number() OVER (PARTITION BY customer_id ORDER BY score DESC, product_id) AS rank FROM scored
),
per_item AS (
  SELECT product_id, count(*) AS eligible, sum(score) AS expected_uptake, avg(score) AS score,
    count(*) FILTER (WHERE rank <= {TOP_K}) AS reach,
    count(*) FILTER (WHERE basis_product_id IS NOT NULL) AS driven,
    mode(basis_product_id) AS basis_product_id,
    any_value(segment_share) AS segment_share, any_value(overall_share) AS overall_share,
    any_value(segment_index) AS segment_index
  FROM ranked GROUP BY product_id
),
basis AS (
  SELECT r.product_id, count(*) AS basis_members, avg(r.confidence) AS confidence, avg(r.lift) AS lift
  FROM ranked r JOIN per_item i ON i.product_id = r.product_id AND i.basis_product_id = r.basis_product_id
  GROUP BY r.product_id
)
SELECT i.*, b.basis_members, b.confidence, b.lift, p.product_name, p.category, p.price,
  bp.product_name AS basis_product
FROM per_item i JOIN products p ON p.product_id = i.product_id
LEFT JOIN basis b ON b.product_id = i.product_id
LEFT JOIN products bp ON bp.product_id = i.basis_product_id
ORDER BY i.expected_uptake DESC, i.product_id
LIMIT {int(limit)}"""


def _reason(ctx: Context, row: pd.Series, group_word: str | None, members: int | None = None) -> str:
    """The dominant component of the score, in words with its numbers; group_word None = no segment."""
    lang = ctx.language
    copurchase = WEIGHTS["copurchase"] * row["confidence"] if pd.notna(row["confidence"]) else 0.0
    segment = WEIGHTS["segment"] * row["segment_share"]
    if copurchase >= segment and pd.notna(row.get("basis_product")) and row["confidence"] > 0:
        who = (ctx.t(f"（{fmt.number(members, lang)} 位成员因此推荐）", f" (drives it for {fmt.number(members, lang)} "
                     "members)") if members is not None else "")
        lift = f"{round(float(row['lift']), 2):.1f}"  # the basis table's rounding, so both read alike
        return ctx.t(
            f"含{row['basis_product']}的订单中 {fmt.percent(row['confidence'])} 同时买了它，提升度 {lift}{who}",
            f"bought with {row['basis_product']} in {fmt.percent(row['confidence'])} of orders with "
            f"{row['basis_product']}, lift {lift}{who}",
        )
    if group_word is None:
        return ctx.t(f"整体热销：{fmt.percent(row['overall_share'])} 的购买客户买过",
                     f"popular overall: bought by {fmt.percent(row['overall_share'])} of buyers")
    index = row["segment_index"]
    if index >= INDEX_THRESHOLD:
        return ctx.t(
            f"在{group_word}中受欢迎：{fmt.percent(row['segment_share'])} 已购买，指数 {fmt.decimal(index, 0)}",
            f"popular in {group_word}: {fmt.percent(row['segment_share'])} bought it, index {fmt.decimal(index, 0)}",
        )
    return ctx.t(
        f"{group_word}中 {fmt.percent(row['segment_share'])} 已购买（指数 {fmt.decimal(index, 0)}，整体 "
        f"{fmt.percent(row['overall_share'])}）",
        f"bought by {fmt.percent(row['segment_share'])} of {group_word} (index {fmt.decimal(index, 0)}; "
        f"{fmt.percent(row['overall_share'])} of all buyers)",
    )


def _table(ctx: Context, frame: pd.DataFrame, group_word: str | None, group: bool) -> pd.DataFrame:
    table = pd.DataFrame({
        "product_id": frame["product_id"].astype(int), "product_name": frame["product_name"],
        "category": frame["category"], "price": frame["price"].round(2), "score": frame["score"].round(4),
    })
    members = frame["basis_members"] if group else [None] * len(frame)
    table["reason"] = [_reason(ctx, row, group_word, None if m is None or pd.isna(m) else int(m))
                       for (_, row), m in zip(frame.iterrows(), members, strict=True)]
    if group:
        table["reach"] = frame["reach"].astype(int)
        table["expected_uptake"] = frame["expected_uptake"].round(1)
        table["not_bought"] = frame["eligible"].astype(int)
    else:  # how many customers of the same segment have not bought it either
        table["reach"] = frame["peers_not_bought"].astype(int)
    table["segment_share"] = frame["segment_share"].round(4)
    table["segment_index"] = frame["segment_index"].round(0).astype(int)
    return table


def _basis_table(frame: pd.DataFrame, group: bool) -> pd.DataFrame:
    driven = frame[frame["basis_product_id"].notna()]
    basis = pd.DataFrame({
        "product_id": driven["product_id"].astype(int), "product_name": driven["product_name"],
        "basis_product_id": driven["basis_product_id"].astype(int), "basis_product": driven["basis_product"],
        "confidence": driven["confidence"].round(4), "lift": driven["lift"].round(2),
    })
    if group:
        basis["members_driven"] = driven["basis_members"].astype(int)
    else:
        basis["basis_orders"] = driven["basis_orders"].astype(int)
        basis["pair_orders"] = driven["pair_orders"].astype(int)
    return basis.reset_index(drop=True)


def _lookup_customer(ctx: Context, customer_id: int) -> None:
    wh = ctx.warehouse
    source = "customers" if wh.has_table("customers") else "orders"
    if wh.scalar(f"SELECT count(*) FROM {source} WHERE customer_id = ?", [int(customer_id)]):
        return
    low, high = wh.df(f"SELECT min(customer_id) AS lo, max(customer_id) AS hi FROM {source}").iloc[0]
    raise ToolError(
        "unknown_customer",
        f"No customer with id {customer_id}. Customer ids in this data run from {int(low)} to {int(high)}; "
        "check the id, or ask for a segment (e.g. \"recommend products for champions\").",
        f"没有编号为 {customer_id} 的客户。本数据的客户编号范围是 {int(low)} 到 {int(high)}；请核对编号，"
        "或按分群提问（例如“给冠军客户推荐什么商品”）。",
    )


def _host_tip(ctx: Context, product_id: int, product_name: str, cited: dict[str, Any]) -> str | None:
    """The host to feature this product with: the one whose live orders over-index most on it (at
    least MIN_HOST_ORDERS orders), else the one selling the most; their share of the product's live
    orders vs their share of all live orders."""
    wh = ctx.warehouse
    if "host_id" not in {c for c, _ in wh.tables.get("orders", [])}:
        return None
    statuses = ", ".join(f"'{s}'" for s in catalog.load("metrics")["paid_statuses"])
    name, join = "CAST(o.host_id AS VARCHAR)", ""
    if wh.has_table("hosts"):
        name, join = "coalesce(h.host_name, CAST(o.host_id AS VARCHAR))", "LEFT JOIN hosts h ON h.host_id = o.host_id"
    frame = wh.df(f"""WITH live AS (
  SELECT o.order_id, {name} AS host,
    bool_or(i.product_id = ?) AS has_product
  FROM orders o JOIN order_items i ON i.order_id = o.order_id {join}
  WHERE o.host_id IS NOT NULL AND o.status IN ({statuses})
  GROUP BY 1, 2
),
per_host AS (
  SELECT host, count(*) FILTER (WHERE has_product) AS orders, count(*) AS all_orders FROM live GROUP BY host
)
SELECT host, orders, orders / sum(orders) OVER () AS share, all_orders / sum(all_orders) OVER () AS base_share
FROM per_host
QUALIFY orders >= {MIN_HOST_ORDERS}
-- a clear over-index (>= 1.1x) wins; otherwise the host selling the most of it
ORDER BY CASE WHEN share >= 1.1 * base_share THEN share / base_share ELSE 0 END DESC, orders DESC, host
LIMIT 1""", [int(product_id)])
    if frame.empty:
        return None
    row = frame.iloc[0]
    cited["host_tip"] = {"product": product_name, "host": str(row["host"]), "orders": int(row["orders"]),
                         "share": round(float(row["share"]), 4), "base_share": round(float(row["base_share"]), 4)}
    lang = ctx.language
    host, share, base, orders = row["host"], fmt.percent(row["share"]), fmt.percent(row["base_share"]), \
        fmt.number(row["orders"], lang)
    if row["share"] >= 1.1 * row["base_share"]:
        return ctx.t(
            f"在{host}的直播间主推{product_name}：它的直播订单中 {share}（{orders} 单）来自{host}，"
            f"高于其占全部直播订单的 {base}。",
            f"Feature {product_name} in {host}'s live sessions: {host} sold {share} of its live orders "
            f"({orders}), more than their {base} of all live orders.",
        )
    return ctx.t(
        f"在{host}的直播间主推{product_name}：{host}卖出的最多，占它直播订单的 {share}（{orders} 单），"
        f"与其占全部直播订单的 {base} 相当，没有主播特别擅长卖它。",
        f"Feature {product_name} in {host}'s live sessions: {host} sells the most of it, {share} of its live "
        f"orders ({orders}), in line with their {base} of all live orders (no host stands out for it).",
    )


def _coupon(price: float) -> float:
    """A coupon of about 10% of the list price, rounded to whole yuan (at least ¥5)."""
    return float(max(5, round(price * 0.1)))


@tool
def recommend_products(
    ctx: Context,
    customer_id: int | None = None,
    segment: str | None = None,
    product: str | None = None,
    limit: int = 10,
) -> ToolResult:
    """What should we recommend next, to one customer, a segment or a product's buyers? Scored, with reasons.

    Excludes what they bought. Actionable picks; raw co-purchase statistics are product_associations.
    Args:
        customer_id: one customer's id; default none.
        segment: segment key/name/alias (e.g. "hibernating", "沉睡客户"), used without customer_id; default none.
        product: seed product (e.g. "面膜"): recommend to its buyers; with a customer, treated as just bought.
        limit: products returned (default 10, max 50).
    Example: "给沉睡客户推荐什么商品？" -> {"segment": "hibernating"};
        "What should we offer customer 100000123?" -> {"customer_id": 100000123}
    """
    wh = ctx.warehouse
    wh.require_tables("orders", "order_items", "products")
    if limit < 1 or limit > 50:
        raise ToolError("bad_arguments", "limit must be between 1 and 50.", "limit 须在 1 到 50 之间。")
    seeds, seed_names = ([], [])
    if product and product.strip():
        seeds, seed_names = _resolve_items(ctx, product, "product")
        seeds = [int(s) for s in seeds]
    if customer_id is not None:  # one customer: their own RFM segment is the peer group
        return _for_customer(ctx, int(customer_id), seeds, seed_names, limit)
    return _for_group(ctx, segment, seeds, seed_names, limit)


def _for_customer(ctx: Context, customer_id: int, seeds: list[int], seed_names: list[str],
                  limit: int) -> ToolResult:
    wh = ctx.warehouse
    lang = ctx.language
    _lookup_customer(ctx, customer_id)
    per_customer, rfm_sql, _ = customer_segments(ctx, "rfm")
    mine = per_customer[per_customer["customer_id"] == customer_id]
    segment_key = None if mine.empty else str(mine.iloc[0]["segment"])
    params: list = []
    peer_sql = None
    if segment_key:
        params = [per_customer.loc[per_customer["segment"] == segment_key, "customer_id"].astype(int).tolist()]
        peer_sql = "SELECT unnest($1::BIGINT[]) AS customer_id"
    bought = int(wh.scalar(f"SELECT count(*) FROM ({_customer_items_sql()}) WHERE customer_id = ?",
                           [customer_id]) or 0)
    sql = _customer_sql(_scored_sql(f"SELECT CAST({customer_id} AS BIGINT) AS customer_id", peer_sql, seeds), limit)
    frame = wh.df(sql, params)
    seg_name = segment_name("rfm", segment_key, lang) if segment_key else None
    group_word = ctx.t(f"你所在的分群（{seg_name}）", f"your segment ({seg_name})") if seg_name else None
    table = _table(ctx, frame, group_word, group=False)
    basis = _basis_table(frame, group=False)
    result_params = {"customer_id": customer_id, "segment": segment_key, "products_bought": bought,
                     "seed_products": seed_names, "limit": limit, "weights": WEIGHTS,
                     "min_pair_orders": MIN_PAIR_ORDERS}
    answer = _customer_answer(ctx, customer_id, table, basis, bought, seg_name, seed_names)
    recs = _customer_recommendations(ctx, table, basis, result_params) if not table.empty else []
    title = ctx.t(f"客户 {customer_id} 的推荐商品得分", f"Recommendation scores for customer {customer_id}")
    chart = ChartSpec("bar", title, "recommendations", "product_name", "score")
    return ToolResult(answer=answer, tables=[Table("recommendations", table), Table("basis", basis)],
                      charts=[chart] if not table.empty else [], sql=[rfm_sql, sql], params=result_params,
                      recommendations=recs)


def _customer_answer(ctx: Context, customer_id: int, table: pd.DataFrame, basis: pd.DataFrame, bought: int,
                     seg_name: str | None, seed_names: list[str]) -> str:
    lang = ctx.language
    if table.empty:
        return ctx.t(f"客户 {customer_id} 已经买过目录里的全部商品，没有可推荐的新商品。",
                     f"Customer {customer_id} has already bought every product in the catalogue: "
                     "nothing new to recommend.")
    top = "；".join(f"{r.product_name}（得分 {fmt.decimal(r.score, 3)}："
                   f"{r.reason}）" for r in table.head(3).itertuples())
    top_en = "; ".join(f"{r.product_name} (score {fmt.decimal(r.score, 3)}: "
                       f"{r.reason})" for r in table.head(3).itertuples())
    seeds_zh = f"（并视为刚买了{'、'.join(seed_names)}）" if seed_names else ""
    seeds_en = f" (treating {', '.join(seed_names)} as just bought)" if seed_names else ""
    if bought == 0 and not seed_names:
        return ctx.t(
            f"客户 {customer_id} 还没有已支付的购买记录，无法做搭配推荐，以下按整体热销推荐"
            f"（{len(table)} 个）：{top}。",
            f"Customer {customer_id} has no paid purchases yet, so there is no co-purchase basis: these "
            f"{len(table)} products are the most popular overall: {top_en}.",
        )
    return ctx.t(
        f"客户 {customer_id} 属于{seg_name or '未分群'}，买过 {fmt.number(bought, lang)} 种商品{seeds_zh}。"
        f"排除已买商品后推荐 {len(table)} 个，其中 {len(basis)} 个来自搭配购买规则。前三名：{top}。"
        "得分 = 0.7×搭配置信度 + 0.2×分群购买率 + 0.1×整体购买率。",
        f"Customer {customer_id} is in {seg_name or 'no segment'} and bought {fmt.number(bought, lang)} distinct "
        f"products{seeds_en}. Excluding those, {len(table)} recommendations, {len(basis)} of them from co-purchase "
        f"rules. Top 3: {top_en}. Score = 0.7 x co-purchase confidence + 0.2 x segment purchase share + "
        "0.1 x overall purchase share.",
    )


def _customer_recommendations(ctx: Context, table: pd.DataFrame, basis: pd.DataFrame,
                              cited: dict[str, Any]) -> list[str]:
    """`cited` (the result's params) receives the figures the text computes: coupon, host shares."""
    top = table.iloc[0]
    cited["coupon"] = {"product": str(top["product_name"]), "coupon": _coupon(top["price"]),
                       "price": float(top["price"])}
    coupon, price = fmt.money(_coupon(top["price"]), ctx.language), fmt.money(top["price"], ctx.language)
    recs = []
    if not basis.empty and int(basis.iloc[0]["product_id"]) == int(top["product_id"]):
        b = basis.iloc[0]
        recs.append(ctx.t(
            f"把{top['product_name']}作为{b['basis_product']}的加购推荐，附 {coupon} 加购券"
            f"（标价 {price}）：含{b['basis_product']}的订单中 {fmt.percent(b['confidence'])} 同时买了它，"
            f"提升度 {fmt.decimal(b['lift'])}。",
            f"Offer {top['product_name']} as an add-on to {b['basis_product']} with a {coupon} "
            f"coupon (list {price}): {fmt.percent(b['confidence'])} of orders with {b['basis_product']} "
            f"also contain it, lift {fmt.decimal(b['lift'])}.",
        ))
    else:
        recs.append(ctx.t(
            f"推送{top['product_name']}（标价 {price}），可配 {coupon} 券："
            f"{top['reason']}。",
            f"Push {top['product_name']} (list {price}) with a {coupon} coupon: "
            f"{top['reason']}.",
        ))
    if tip := _host_tip(ctx, int(top["product_id"]), str(top["product_name"]), cited):
        recs.append(tip)
    return recs


def _for_group(ctx: Context, segment: str | None, seeds: list[int], seed_names: list[str],
               limit: int) -> ToolResult:
    wh = ctx.warehouse
    params: list = []
    sqls: list[str] = []
    peer_sql = None
    seg_key = seg_scheme = None
    if segment and segment.strip():
        members = segment_members(ctx, segment)
        seg_key, seg_scheme, seg_name = members.key, members.scheme, members.name
        sqls.append(members.sql)
        params = [members.customers["customer_id"].astype(int).tolist()]
        peer_sql = "SELECT unnest($1::BIGINT[]) AS customer_id"
        group_word: str | None = seg_name
    else:
        group_word = None
    targets = peer_sql or "SELECT DISTINCT customer_id FROM cust_items"
    if seeds:
        listed = ", ".join(str(s) for s in seeds)
        targets = (f"SELECT DISTINCT customer_id FROM cust_items WHERE item IN ({listed}) "
                   f"AND customer_id IN ({targets})")
    scored = _scored_sql(f"SELECT customer_id FROM ({targets}) WHERE customer_id IS NOT NULL", peer_sql, [])
    sql = _group_sql(scored, limit)
    frame = wh.df(sql, params)
    sqls.append(sql)
    size = int(wh.scalar(f"WITH cust_items AS ({_customer_items_sql()}) SELECT count(*) FROM ({targets})",
                         params) or 0)
    table = _table(ctx, frame, group_word, group=True)
    basis = _basis_table(frame, group=True)
    result_params = {"segment": seg_key, "scheme": seg_scheme, "seed_products": seed_names, "targets": size,
                     "limit": limit, "top_k": TOP_K, "weights": WEIGHTS, "min_pair_orders": MIN_PAIR_ORDERS}
    who = _group_label(ctx, group_word, seed_names)
    answer = _group_answer(ctx, who, table, size)
    recs = _group_recommendations(ctx, who, table, result_params) if not table.empty else []
    chart = ChartSpec("bar", ctx.t(f"{who}：推荐商品的预计购买人数", f"{who}: expected uptake of recommended products"),
                      "recommendations", "product_name", "expected_uptake")
    return ToolResult(answer=answer, tables=[Table("recommendations", table), Table("basis", basis)],
                      charts=[chart] if not table.empty else [], sql=sqls, params=result_params,
                      recommendations=recs)


def _group_label(ctx: Context, group_word: str | None, seed_names: list[str]) -> str:
    """Who the group is: a segment, the buyers of the seed products, or both."""
    names_zh, names_en = "、".join(seed_names[:3]), ", ".join(seed_names[:3])
    if group_word is None:
        if seed_names:
            return ctx.t(f"买过{names_zh}的客户", f"Buyers of {names_en}")
        return ctx.t("全部购买客户", "All buyers")
    if seed_names:
        return ctx.t(f"{group_word}中买过{names_zh}的客户", f"{_capital(group_word)} who bought {names_en}")
    return _capital(group_word)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _group_answer(ctx: Context, who: str, table: pd.DataFrame, size: int) -> str:
    lang = ctx.language
    if table.empty or size == 0:
        return ctx.t(f"{who}没有有购买记录的客户，无法推荐。",
                     f"{who}: no customers with purchases, nothing to recommend.")
    cited = [ctx.t(
        f"{r.product_name}（预计 {fmt.number(r.expected_uptake, lang)} 人购买，"
        f"{fmt.number(r.not_bought, lang)} 人未买过，"
        f"是 {fmt.number(r.reach, lang)} 人的前 {TOP_K} 推荐；{r.reason}）",
        f"{r.product_name} (expected uptake {fmt.number(r.expected_uptake, lang)}, {fmt.number(r.not_bought, lang)} "
        f"members have not bought it, a top-{TOP_K} pick for {fmt.number(r.reach, lang)}; {r.reason})",
    ) for r in table.head(3).itertuples()]
    return ctx.t(
        f"{who}：{fmt.number(size, lang)} 位有购买记录的客户。排除每位客户已买过的商品后，预计购买人数最多的是："
        f"{'；'.join(cited)}。预计购买人数 = 未买过该商品的成员得分之和（得分 = 0.7×搭配置信度 + 0.2×分群购买率 + "
        "0.1×整体购买率）。",
        f"{who}: {fmt.number(size, lang)} customers with purchases. Excluding what each has already bought, the "
        f"products with the highest expected uptake are: {'; '.join(cited)}. Expected uptake = sum of the scores of "
        "members who have not bought it (score = 0.7 x co-purchase confidence + 0.2 x segment purchase share + "
        "0.1 x overall purchase share).",
    )


def _group_recommendations(ctx: Context, who: str, table: pd.DataFrame, cited: dict[str, Any]) -> list[str]:
    """`cited` (the result's params) receives the figures the text computes: coupon, host shares."""
    lang = ctx.language
    top = table.iloc[0]
    cited["coupon"] = {"product": str(top["product_name"]), "coupon": _coupon(top["price"]),
                       "price": float(top["price"])}
    coupon, price = fmt.money(_coupon(top["price"]), lang), fmt.money(top["price"], lang)
    recs = [ctx.t(
        f"给{who}中未买过{top['product_name']}的 {fmt.number(top['not_bought'], lang)} 人推送它并附 "
        f"{coupon} 券（标价 {price}），"
        f"优先其中 {fmt.number(top['reach'], lang)} 位把它排在"
        f"前 {TOP_K} 推荐的客户；预计约 {fmt.number(top['expected_uptake'], lang)} 人会买。",
        f"Send {top['product_name']} with a {coupon} coupon (list {price}) to the "
        f"{fmt.number(top['not_bought'], lang)} customers ({who}) who have not bought it, starting with the "
        f"{fmt.number(top['reach'], lang)} for whom it is a top-{TOP_K} pick; expected uptake about "
        f"{fmt.number(top['expected_uptake'], lang)}.",
    )]
    if tip := _host_tip(ctx, int(top["product_id"]), str(top["product_name"]), cited):
        recs.append(tip)
    driven = table[table["reason"].str.contains("提升度|lift", regex=True)]
    if not driven.empty:
        row = driven.iloc[0]
        recs.append(ctx.t(
            f"直播间讲解时把{row['product_name']}做成搭配加购：{row['reason']}。",
            f"In the live room, pin {row['product_name']} as an add-on: {row['reason']}.",
        ))
    return recs
