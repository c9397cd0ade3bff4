"""segment_profile: the persona of an RFM / 中国八类 / lifecycle segment or a k-means cluster, each
trait's share in the segment against all purchasing customers, with an index (100 = same as everyone)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from tools import catalog, definitions, fmt
from tools.clusters import _promo_condition, assign_clusters
from tools.context import Context
from tools.registry import tool
from tools.result import ChartSpec, Table, ToolError, ToolResult
from tools.segment_members import segment_members

Scheme = Literal["rfm", "cn8", "lifecycle", "cluster"]

# A trait cell must hold at least this share of the segment to be called distinctive: a 2 % cell
# with index 300 is noise, not a persona.
MIN_SEGMENT_SHARE = 0.05
MIN_INDEX = 110.0
TOP_TRAITS = 5
MIN_TRAITS = 3
MAX_PER_TRAIT = 2
_CLUSTER = re.compile(r"(?:cluster|聚类|群|类|#)\s*(?:no\.?\s*)?(\d+)|^\s*(\d+)\s*$", re.IGNORECASE)

# trait -> (zh label, en label, what the share counts: zh, en)
TRAITS = {
    "gender": ("性别", "gender", "客户", "customers"),
    "age_band": ("年龄段", "age band", "客户", "customers"),
    "province": ("省份", "province", "客户", "customers"),
    "channel": ("获客渠道", "acquisition channel", "客户", "customers"),
    "category": ("品类", "category", "消费额", "spend"),
    "brand": ("品牌", "brand", "消费额", "spend"),
    "price_band": ("价格带", "price band", "商品件数", "order lines"),
    "host": ("主播", "host", "直播消费额", "live spend"),
    "hour_band": ("下单时段", "hour of day", "订单", "orders"),
    "source": ("下单场景", "where they buy", "订单", "orders"),
    "coupon": ("用券", "coupon use", "订单", "orders"),
    "promo": ("大促", "promotions", "订单", "orders"),
}
VALUE_LABELS = {
    "female": ("女性", "female"), "male": ("男性", "male"), "unknown": ("未知", "unknown"),
    "live_room": ("直播间", "live room"), "short_video": ("短视频", "short video"),
    "search": ("搜索", "search"), "ads": ("广告", "ads"), "referral": ("老带新", "referral"),
    "live": ("直播间下单", "in live sessions"), "shelf": ("货架下单", "on the shelf"),
    "with_coupon": ("用券", "with a coupon"), "no_coupon": ("未用券", "without a coupon"),
    "in_promo": ("618/双11 期间", "during 618/双11"), "regular_days": ("平时", "on regular days"),
    "00-06": ("凌晨 0-6 点", "00:00-06:00"), "06-12": ("上午 6-12 点", "06:00-12:00"),
    "12-18": ("下午 12-18 点", "12:00-18:00"), "18-24": ("晚上 18-24 点", "18:00-24:00"),
    "<50": ("50 元以下", "under ¥50"), "50-100": ("50-100 元", "¥50-100"),
    "100-200": ("100-200 元", "¥100-200"), "200-500": ("200-500 元", "¥200-500"), "500+": ("500 元以上", "¥500+"),
}


@dataclass
class Members:
    scheme: str
    key: str
    name: str
    ids: list[int]
    sql: str


def _columns(ctx: Context, table: str) -> set[str]:
    return ctx.warehouse.columns(table)


def _paid() -> str:
    statuses = catalog.load("metrics")["rfm"]["purchase_statuses"]
    return "o.status IN (" + ", ".join(f"'{s}'" for s in statuses) + ")"


# ---------------------------------------------------------------- who is in the segment


def _cluster_number(segment: str) -> int | None:
    match = _CLUSTER.search(segment)
    return int(match.group(1) or match.group(2)) if match else None


def _cluster_members(ctx: Context, segment: str | None) -> Members:
    frame, table, info = assign_clusters(ctx)
    number = _cluster_number(segment) if segment else int(table.loc[table["revenue"].idxmax(), "cluster"])
    if number is None:
        wanted = segment.strip().lower() if segment else ""
        number = next((c for c, names in info.names.items() if wanted in (names[0].lower(), names[1].lower())), None)
    if number not in info.names:
        known = "; ".join(f"{c}: {info.names[c][0 if ctx.language == 'zh' else 1]}" for c in sorted(info.names))
        raise ToolError("unknown_segment", f"Unknown cluster '{segment}'. Clusters (k={info.k}): {known}.",
                        f"无法识别的聚类“{segment}”。当前聚类（k={info.k}）：{known}。")
    ids = frame.loc[frame["cluster"] == number, "customer_id"].astype("int64").tolist()
    name = info.names[number][0 if ctx.language == "zh" else 1]
    label = ctx.t(f"聚类 {number}「{name}」（k={info.k}）", f"cluster {number} ({name}, k={info.k})")
    return Members("cluster", str(number), label, ids, info.sql)


def _biggest_revenue_rfm(ctx: Context, scheme: str) -> str:
    from tools.strategy import segment_table

    table, _ = segment_table(ctx, scheme)
    return str(table.loc[table["revenue"].idxmax(), "segment"])


def resolve_members(ctx: Context, segment: str | None, scheme: str | None) -> tuple[Members, bool]:
    """The segment's customers, and whether the segment was picked for the asker (no segment given)."""
    looks_like_cluster = segment is not None and scheme is None and re.search(r"cluster|聚类", segment, re.I)
    if scheme == "cluster" or looks_like_cluster:
        return _cluster_members(ctx, segment), segment is None
    picked = segment is None
    if picked:
        segment = _biggest_revenue_rfm(ctx, scheme or "rfm")
    found = segment_members(ctx, segment, scheme)
    ids = found.customers["customer_id"].astype("int64").tolist()
    return Members(found.scheme, found.key, found.name, ids, found.sql), picked


# ---------------------------------------------------------------- trait shares


def _trait_queries(ctx: Context) -> tuple[list[str], list[str]]:
    """SELECTs giving (trait, value, segment_value, overall_value), and the traits this data lacks."""
    orders, customers = _columns(ctx, "orders"), _columns(ctx, "customers")
    items, products, hosts = _columns(ctx, "order_items"), _columns(ctx, "products"), _columns(ctx, "hosts")
    paid = _paid()
    parts: list[str] = []
    missing: list[str] = []

    def measure(expr: str) -> str:
        return f"sum({expr}) FILTER (WHERE b.in_seg) AS segment_value, sum({expr}) AS overall_value"

    for trait in ("gender", "age_band", "province", "channel"):
        if trait in customers:
            parts.append(f"SELECT '{trait}' AS trait, coalesce(CAST(c.{trait} AS VARCHAR), 'unknown') AS value, "
                         f"{measure('1')} FROM base b JOIN customers c ON c.customer_id = b.customer_id GROUP BY 2")
        else:
            missing.append(trait)
    if items and "product_id" in items and "category" in products:
        parts.append(f"SELECT 'category', p.category, {measure('i.pay_amount')} FROM base b "
                     f"JOIN orders o ON o.customer_id = b.customer_id JOIN order_items i ON i.order_id = o.order_id "
                     f"JOIN products p ON p.product_id = i.product_id WHERE {paid} GROUP BY 2")
    else:
        missing.append("category")
    if items and "product_id" in items and "brand" in products:
        parts.append(f"SELECT 'brand', p.brand, {measure('i.pay_amount')} FROM base b "
                     f"JOIN orders o ON o.customer_id = b.customer_id JOIN order_items i ON i.order_id = o.order_id "
                     f"JOIN products p ON p.product_id = i.product_id WHERE {paid} AND p.brand IS NOT NULL GROUP BY 2")
    else:
        missing.append("brand")
    if "unit_price" in items:
        band = ("CASE WHEN i.unit_price < 50 THEN '<50' WHEN i.unit_price < 100 THEN '50-100' "
                "WHEN i.unit_price < 200 THEN '100-200' WHEN i.unit_price < 500 THEN '200-500' ELSE '500+' END")
        parts.append(f"SELECT 'price_band', {band}, {measure('1')} FROM base b "
                     f"JOIN orders o ON o.customer_id = b.customer_id JOIN order_items i ON i.order_id = o.order_id "
                     f"WHERE {paid} GROUP BY 2")
    else:
        missing.append("price_band")
    if "host_id" in orders:
        if "host_name" in hosts:
            host_from = "LEFT JOIN hosts h ON h.host_id = o.host_id"
            host_value = "coalesce(h.host_name, CAST(o.host_id AS VARCHAR))"
        else:
            host_from, host_value = "", "CAST(o.host_id AS VARCHAR)"
        parts.append(f"SELECT 'host', {host_value}, {measure('o.pay_amount')} FROM base b "
                     f"JOIN orders o ON o.customer_id = b.customer_id {host_from} "
                     f"WHERE {paid} AND o.host_id IS NOT NULL GROUP BY 2")
    else:
        missing.append("host")
    order_from = f"FROM base b JOIN orders o ON o.customer_id = b.customer_id WHERE {paid} GROUP BY 2"
    hour = "lpad(CAST(6 * (hour(o.order_time) // 6) AS VARCHAR), 2, '0') || '-' || " \
           "lpad(CAST(6 * (hour(o.order_time) // 6) + 6 AS VARCHAR), 2, '0')"
    parts.append(f"SELECT 'hour_band', {hour}, {measure('1')} {order_from}")
    if "source" in orders:
        parts.append(f"SELECT 'source', CAST(o.source AS VARCHAR), {measure('1')} {order_from}")
    else:
        missing.append("source")
    if "coupon_amount" in orders:
        coupon = "CASE WHEN coalesce(o.coupon_amount, 0) > 0 THEN 'with_coupon' ELSE 'no_coupon' END"
        parts.append(f"SELECT 'coupon', {coupon}, {measure('1')} {order_from}")
    else:
        missing.append("coupon")
    promo = f"CASE WHEN {_promo_condition('o.order_time')} THEN 'in_promo' ELSE 'regular_days' END"
    parts.append(f"SELECT 'promo', {promo}, {measure('1')} {order_from}")
    return parts, missing


def trait_sql(ctx: Context) -> tuple[str, list[str]]:
    """One query for every trait; parameter 1 is the list of the segment's customer ids."""
    parts, missing = _trait_queries(ctx)
    purchase = _paid()
    body = "\nUNION ALL\n".join(parts)
    sql = f"""WITH seg AS (SELECT DISTINCT unnest(CAST(? AS BIGINT[])) AS customer_id),
buyers AS (SELECT DISTINCT o.customer_id FROM orders o WHERE {purchase}),
base AS (
  SELECT buyers.customer_id, seg.customer_id IS NOT NULL AS in_seg
  FROM buyers LEFT JOIN seg ON seg.customer_id = buyers.customer_id
)
{body}"""
    return sql, missing


def trait_table(raw: pd.DataFrame, language: str) -> pd.DataFrame:
    frame = raw.copy()
    frame["segment_value"] = frame["segment_value"].fillna(0).astype(float)
    frame["overall_value"] = frame["overall_value"].fillna(0).astype(float)
    totals = frame.groupby("trait")[["segment_value", "overall_value"]].transform("sum")
    frame["segment_share"] = frame["segment_value"] / totals["segment_value"].where(totals["segment_value"] > 0)
    frame["overall_share"] = frame["overall_value"] / totals["overall_value"].where(totals["overall_value"] > 0)
    frame["index"] = (frame["segment_share"] / frame["overall_share"] * 100).round(1)
    pick = 0 if language == "zh" else 1
    frame.insert(1, "trait_name", frame["trait"].map(lambda t: TRAITS[t][pick]))
    frame.insert(3, "value_name", frame["value"].map(lambda v: VALUE_LABELS.get(v, (v, v))[pick]))
    frame["label"] = frame["trait_name"] + (" · ") + frame["value_name"]
    order = {t: i for i, t in enumerate(TRAITS)}
    # The value breaks ties in share, so the table's order never depends on the query plan.
    frame = frame.assign(_o=frame["trait"].map(order)).sort_values(
        ["_o", "overall_share", "value"], ascending=[True, False, True], kind="stable")
    frame["segment_share"] = frame["segment_share"].round(4)
    frame["overall_share"] = frame["overall_share"].round(4)
    for column in ("segment_value", "overall_value"):
        frame[column] = frame[column].round(2)
    return frame.drop(columns="_o").reset_index(drop=True)


def distinctive(traits: pd.DataFrame) -> pd.DataFrame:
    """The 3-5 most over-indexed cells with a real weight in the segment (at most 2 per trait)."""
    usable = traits[(traits["segment_share"] >= MIN_SEGMENT_SHARE) & traits["index"].notna()]
    ranked = usable.sort_values(["index", "segment_share", "trait", "value"], ascending=[False, False, True, True],
                                kind="stable")
    ranked = ranked[ranked.groupby("trait").cumcount() < MAX_PER_TRAIT]
    strong = ranked[ranked["index"] >= MIN_INDEX].head(TOP_TRAITS)
    if len(strong) < MIN_TRAITS:
        strong = ranked[ranked["index"] > 100].head(MIN_TRAITS)
    return strong.reset_index(drop=True)


# ---------------------------------------------------------------- the answer


def _cell(ctx: Context, row: pd.Series) -> str:
    return ctx.t(
        f"{row['trait_name']}「{row['value_name']}」占 {fmt.percent(row['segment_share'])}"
        f"（全体 {fmt.percent(row['overall_share'])}，指数 {fmt.decimal(row['index'], 0)}）",
        f"{row['trait_name']} {row['value_name']}: {fmt.percent(row['segment_share'])} "
        f"(everyone {fmt.percent(row['overall_share'])}, index {fmt.decimal(row['index'], 0)})",
    )


def _mainly(ctx: Context, traits: pd.DataFrame) -> str:
    tops = []
    for trait in ("gender", "age_band", "province", "category", "price_band", "hour_band"):
        rows = traits[traits["trait"] == trait]
        if not rows.empty and rows["segment_share"].notna().any():
            top = rows.loc[rows["segment_share"].idxmax()]
            tops.append(f"{top['value_name']} {fmt.percent(top['segment_share'])}")
    return ("、" if ctx.language == "zh" else ", ").join(tops)


def _answer(ctx: Context, members: Members, picked: bool, traits: pd.DataFrame, top: pd.DataFrame,
            overall: int, missing: list[str]) -> str:
    lang = ctx.language
    n = len(members.ids)
    share = n / overall if overall else float("nan")
    # the headline number first; why this segment was picked comes after it
    lines = [ctx.t(
        f"{members.name}共 {fmt.number(n, lang)} 人，占全部 {fmt.number(overall, lang)} 位有购买客户的 "
        f"{fmt.percent(share)}。",
        f"{members.name}: {fmt.number(n, lang)} customers, {fmt.percent(share)} of all "
        f"{fmt.number(overall, lang)} purchasing customers.",
    )]
    if picked:
        lines.append(ctx.t(f"（未指定分群，这里画像收入贡献最大的分群：{members.name}。）",
                           f"(No segment given, so this profiles the segment bringing the most revenue: "
                           f"{members.name}.)"))
    if top.empty:
        lines.append(ctx.t("这个分群在各项特征上与全体客户没有明显差别。",
                           "This group does not stand out from everyone on any trait."))
    else:
        cells = ("；" if lang == "zh" else "; ").join(_cell(ctx, row) for _, row in top.iterrows())
        lines.append(ctx.t(f"与全体客户相比，最突出的 {len(top)} 个特征（指数=分群占比÷全体占比×100）：{cells}。",
                           f"What makes this group different ({len(top)} most over-indexed traits; index = "
                           f"segment share / everyone's share × 100): {cells}."))
    if mainly := _mainly(ctx, traits):
        lines.append(ctx.t(f"主要构成：{mainly}。", f"Mostly: {mainly}."))
    if missing:
        names = ("、" if lang == "zh" else ", ").join(TRAITS[t][0 if lang == "zh" else 1] for t in missing)
        lines.append(ctx.t(f"数据中没有以下特征，未能画像：{names}。",
                           f"Not available in this data, so not profiled: {names}."))
    return "\n".join(lines)


def _recommendations(ctx: Context, members: Members, top: pd.DataFrame) -> list[str]:
    lines = []
    for _, row in top.head(3).iterrows():
        lines.append(ctx.t(
            f"投放与选品向「{row['value_name']}」倾斜：该群在这一项的占比是全体的 {fmt.times(row['index'] / 100, 'zh')}"
            f"（{fmt.percent(row['segment_share'])} 对 {fmt.percent(row['overall_share'])}）。",
            f"Lean targeting and assortment toward {row['trait_name']} {row['value_name']}: this group has "
            f"{fmt.times(row['index'] / 100, 'en')} everyone's share ({fmt.percent(row['segment_share'])} vs "
            f"{fmt.percent(row['overall_share'])}).",
        ))
    if members.scheme != "cluster":
        lines.append(ctx.t(f"运营打法见 segment_strategy（分群：{members.key}）。",
                           f"For the playbook, see segment_strategy (segment: {members.key})."))
    return lines


@tool
def segment_profile(ctx: Context, segment: str | None = None, scheme: Scheme | None = None) -> ToolResult:
    """Who is in a segment? Demographics, channels, categories, hosts, price bands, habits vs all customers.

    Also its key traits. Describes; how to operate it is segment_strategy; one customer is customer_profile.
    Args:
        segment: key/name/alias (RFM, 中国八类, lifecycle, e.g. "champions", "沉睡客户") or a cluster ("cluster 2",
            "聚类2"); default the top-revenue RFM segment.
        scheme: rfm | cn8 | lifecycle | cluster when the name is ambiguous; default inferred.
    Example: "重要价值客户是什么样的人？" -> {"segment": "重要价值客户"};
        "What do at-risk customers look like?" -> {"segment": "at_risk"}
    """
    ctx.warehouse.require_tables("orders")
    members, picked = resolve_members(ctx, segment, scheme)
    if not members.ids:
        raise ToolError("empty_segment", f"{members.name} has no customers in this data.",
                        f"{members.name}在当前数据中没有客户。")
    sql, missing = trait_sql(ctx)
    raw = ctx.warehouse.df(sql, [members.ids])
    raw.columns = ["trait", "value", "segment_value", "overall_value"]
    traits = trait_table(raw, ctx.language)
    top = distinctive(traits)
    overall = int(ctx.warehouse.scalar(f"SELECT count(DISTINCT o.customer_id) FROM orders o WHERE {_paid()}") or 0)
    return ToolResult(
        answer=_answer(ctx, members, picked, traits, top, overall, missing),
        tables=[Table("distinctive", top), Table("traits", traits)],
        charts=[ChartSpec("bar", ctx.t("最突出特征的指数（100=与全体相同）", "Index of the most distinctive traits "
                                       "(100 = same as everyone)"), "distinctive", "label", "index")],
        sql=[members.sql, sql],
        params={"scheme": members.scheme, "segment": members.key, "picked_for_you": picked,
                "customers": len(members.ids), "overall_customers": overall, "unavailable": missing},
        recommendations=_recommendations(ctx, members, top),
        definitions=definitions.segments(members.scheme, ctx.language, [members.key]),
    )
