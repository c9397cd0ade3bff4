"""customer_clusters: k-means on scaled RFM and behaviour features, each cluster profiled and named
in plain words (zh/en) from its z-scores; `assign_clusters` is the plain function other tools reuse."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Literal

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from tools import catalog, fmt
from tools.context import Context
from tools.fit_cache import cached_fit
from tools.fit_rows import FitSample, fit_sample
from tools.registry import tool
from tools.result import ChartSpec, Table, ToolError, ToolResult
from tools.timewindow import _PROMOTIONS

Feature = Literal[
    "recency_days", "tenure_days", "frequency", "monetary", "aov", "category_breadth", "live_share",
    "refund_share", "coupon_share", "promo_share", "evening_share",
]
ALL_FEATURES: tuple[str, ...] = (
    "recency_days", "tenure_days", "frequency", "monetary", "aov", "category_breadth", "live_share",
    "refund_share", "coupon_share", "promo_share", "evening_share",
)
# Clustering uses the features that separate buying styles; the rest are profiled only. Live/shelf,
# refunds and hour of day are close to random per customer, and average order value and category
# breadth mostly split the many one-order customers by what their single basket held (on the demo,
# adding aov drops the adjusted Rand index against the planted types from 0.74 to 0.47).
DEFAULT_FEATURES: tuple[str, ...] = (
    "recency_days", "tenure_days", "frequency", "monetary", "coupon_share", "promo_share",
)
LOGGED = {"tenure_days", "frequency", "monetary", "aov"}  # right-skewed: log1p before scaling
RANDOM_STATE = 0
N_INIT = 10
SILHOUETTE_SAMPLE = 4000  # silhouette is O(n^2): scored on a fixed random sample of customers
MIN_CUSTOMERS = 20
ASSIGNMENT_CAP = 5000
PSEUDO_ORDERS = 2  # shares are shrunk toward the overall rate so one order is not a 100% share

LABELS = {
    "recency_days": ("距上次购买天数", "days since last purchase"),
    "tenure_days": ("首末次购买间隔天数", "days from first to last purchase"),
    "frequency": ("购买次数", "orders"),
    "monetary": ("消费金额", "spend"),
    "aov": ("客单价", "average order value"),
    "category_breadth": ("购买品类数", "categories bought"),
    "live_share": ("直播间订单占比", "share of orders in live sessions"),
    "refund_share": ("退款占比", "refund share"),
    "coupon_share": ("用券订单占比", "share of orders with a coupon"),
    "promo_share": ("大促订单占比", "share of orders in 618/双11"),
    "evening_share": ("晚间(18-24点)订单占比", "share of orders 18:00-24:00"),
}
# (feature, sign, zh word, en word): a cluster gets the word when its mean z-score on the feature
# is beyond NAME_Z in that direction. Order here is the order words appear in a name.
NAME_Z = 0.4
WORDS: tuple[tuple[str, int, str, str], ...] = (
    ("recency_days", -1, "近期活跃", "recent"),
    ("recency_days", 1, "久未购买", "lapsed"),
    ("frequency", 1, "高频", "frequent"),
    ("frequency", -1, "低频", "infrequent"),
    ("aov", 1, "高客单", "big-ticket"),
    ("aov", -1, "低价", "bargain"),
    ("monetary", 1, "高消费", "high-spending"),
    ("monetary", -1, "低消费", "low-spending"),
    ("category_breadth", 1, "多品类", "multi-category"),
    ("promo_share", 1, "大促", "promo-driven"),
    ("coupon_share", 1, "爱用券", "coupon-using"),
    ("live_share", 1, "直播间", "live-room"),
    ("live_share", -1, "货架", "shelf"),
    ("refund_share", 1, "高退款", "refund-prone"),
    ("evening_share", 1, "夜猫", "night-owl"),
)
WORDS_PER_NAME = 3


@dataclass
class ClusterInfo:
    k: int
    chosen_by_silhouette: bool
    silhouette: float  # of the chosen k, on the sample
    silhouette_by_k: pd.DataFrame  # k, silhouette
    features: list[str]
    sample_size: int
    sql: str
    fit: FitSample  # the customers pulled back for the fit
    zscores: pd.DataFrame = field(default_factory=pd.DataFrame)  # cluster x feature, mean z-score
    names: dict[int, tuple[str, str]] = field(default_factory=dict)  # cluster -> (zh, en)


def _promo_condition(column: str) -> str:
    parts = [
        f"(month({column}) = {m1} AND day({column}) BETWEEN {d1} AND {d2})"
        for m1, d1, _m2, d2, *_ in _PROMOTIONS.values()
    ]
    return "(" + " OR ".join(parts) + ")"


def _columns(ctx: Context, table: str) -> set[str]:
    return ctx.warehouse.columns(table)


def available_features(ctx: Context) -> list[str]:
    """The features this dataset can give (imported data may lack items, products, coupons ...)."""
    orders = _columns(ctx, "orders")
    have = ["recency_days", "tenure_days", "frequency", "monetary", "aov", "promo_share", "evening_share"]
    if "status" in orders:
        have.append("refund_share")
    if "source" in orders:
        have.append("live_share")
    if "coupon_amount" in orders:
        have.append("coupon_share")
    if "category" in _columns(ctx, "products") and ctx.warehouse.has_table("order_items"):
        have.append("category_breadth")
    return [f for f in ALL_FEATURES if f in have]


def _share(count: str, total: str) -> str:
    prior = f"sum({count}) OVER () / greatest(sum({total}) OVER (), 1)"
    return f"({count} + {PSEUDO_ORDERS} * {prior}) / ({total} + {PSEUDO_ORDERS})"


def feature_sql(ctx: Context, features: list[str]) -> str:
    """One row per customer with at least one paid order (the RFM population)."""
    as_of = ctx.warehouse.anchor_date + timedelta(days=1)
    purchase = catalog.load("metrics")["rfm"]["purchase_statuses"]
    paid = "status IN (" + ", ".join(f"'{s}'" for s in purchase) + ")"
    has = set(features)
    extra = []
    if "live_share" in has:
        extra.append(f"count(*) FILTER (WHERE {paid} AND source = 'live') AS live_orders")
    if "coupon_share" in has:
        extra.append(f"count(*) FILTER (WHERE {paid} AND coalesce(coupon_amount, 0) > 0) AS coupon_orders")
    if "refund_share" in has:
        extra.append("count(*) FILTER (WHERE status = 'refunded') AS refunded_orders")
        extra.append(f"count(*) FILTER (WHERE status = 'refunded' OR {paid}) AS kept_or_refunded")
    breadth_cte, breadth_join, breadth_col = "", "", ""
    if "category_breadth" in has:
        breadth_cte = (f",\nbreadth AS (\n  SELECT o.customer_id, count(DISTINCT p.category) AS category_breadth\n"
                       f"  FROM orders o JOIN order_items i ON i.order_id = o.order_id\n"
                       f"  JOIN products p ON p.product_id = i.product_id\n"
                       f"  WHERE o.{paid} GROUP BY o.customer_id\n)")
        breadth_join = "\nLEFT JOIN breadth b ON b.customer_id = per.customer_id"
        breadth_col = ",\n  coalesce(b.category_breadth, 0) AS category_breadth"
    shares = []
    if "live_share" in has:
        shares.append(f"{_share('live_orders', 'frequency')} AS live_share")
    if "refund_share" in has:
        shares.append(f"{_share('refunded_orders', 'kept_or_refunded')} AS refund_share")
    if "coupon_share" in has:
        shares.append(f"{_share('coupon_orders', 'frequency')} AS coupon_share")
    shares.append(f"{_share('promo_orders', 'frequency')} AS promo_share")
    shares.append(f"{_share('evening_orders', 'frequency')} AS evening_share")
    extra_sql = "".join(f",\n    {e}" for e in extra)
    return f"""WITH per AS (
  SELECT customer_id,
    date_diff('day', max(order_time) FILTER (WHERE {paid})::DATE, DATE '{as_of}') AS recency_days,
    date_diff('day', min(order_time) FILTER (WHERE {paid})::DATE,
      max(order_time) FILTER (WHERE {paid})::DATE) AS tenure_days,
    count(*) FILTER (WHERE {paid}) AS frequency,
    round(coalesce(sum(pay_amount) FILTER (WHERE {paid}), 0), 2) AS monetary,
    count(*) FILTER (WHERE {paid} AND {_promo_condition('order_time')}) AS promo_orders,
    count(*) FILTER (WHERE {paid} AND hour(order_time) >= 18) AS evening_orders{extra_sql}
  FROM orders
  GROUP BY customer_id
  HAVING count(*) FILTER (WHERE {paid}) > 0
){breadth_cte}
SELECT per.customer_id, recency_days, tenure_days, frequency, monetary,
  round(monetary / frequency, 2) AS aov{breadth_col},
  {(',' + chr(10) + '  ').join(shares)}
FROM per{breadth_join}
ORDER BY per.customer_id"""


def _matrix(frame: pd.DataFrame, features: list[str]) -> np.ndarray:
    raw = frame[features].astype(float).copy()
    for column in features:
        if column in LOGGED:
            raw[column] = np.log1p(raw[column].clip(lower=0))
    return StandardScaler().fit_transform(raw.to_numpy())


def _silhouette(x: np.ndarray, labels: np.ndarray) -> float:
    sample = min(SILHOUETTE_SAMPLE, len(x))
    return float(silhouette_score(x, labels, sample_size=sample, random_state=RANDOM_STATE))


def _kmeans(x: np.ndarray, k: int) -> np.ndarray:
    # One thread: on a busy machine OpenMP threads oversubscribe and k-means runs 30x slower.
    with threadpool_limits(limits=1):
        return KMeans(n_clusters=k, n_init=N_INIT, random_state=RANDOM_STATE).fit_predict(x)


def _by_size(labels: np.ndarray) -> np.ndarray:
    """Cluster numbers 1..k, largest first (ties: lower k-means label first), so "cluster 1" is stable."""
    counts = np.bincount(labels)
    order = sorted(range(len(counts)), key=lambda c: (-counts[c], c))
    mapping = np.empty(len(counts), dtype=int)
    mapping[order] = np.arange(1, len(counts) + 1)
    return mapping[labels]


def _resolve_features(ctx: Context, features: list[str] | None) -> list[str]:
    have = available_features(ctx)
    wanted = list(dict.fromkeys(features)) if features else [f for f in DEFAULT_FEATURES if f in have]
    missing = [f for f in wanted if f not in have]
    if missing:
        joined = ", ".join(missing)
        raise ToolError("missing_column", f"This dataset cannot give the feature(s) {joined}.",
                        f"当前数据集无法计算特征 {joined}。")
    if len(wanted) < 2:
        raise ToolError("bad_arguments", "Clustering needs at least two features.", "聚类至少需要两个特征。")
    return wanted


def _fit(ctx: Context, k: int | None, max_k: int, used: list[str]) -> tuple[pd.DataFrame, ClusterInfo]:
    sample = fit_sample(ctx)
    sql = sample.apply(feature_sql(ctx, available_features(ctx)))
    frame = ctx.warehouse.df(sql)
    n = len(frame)
    if n < MIN_CUSTOMERS:
        raise ToolError("too_little_data", f"Only {n} purchasing customers: too few to cluster (need {MIN_CUSTOMERS}).",
                        f"只有 {n} 位有购买的客户，太少，无法聚类（至少需要 {MIN_CUSTOMERS} 位）。")
    if k is not None and not 2 <= k <= min(20, n - 1):
        raise ToolError("bad_arguments", f"k must be between 2 and {min(20, n - 1)}.",
                        f"k 必须在 2 到 {min(20, n - 1)} 之间。")
    x = _matrix(frame, used)
    candidates = [k] if k is not None else list(range(2, max(min(max_k, n - 1, 20), 2) + 1))
    runs = {c: _kmeans(x, c) for c in candidates}
    scores = pd.DataFrame({"k": candidates, "silhouette": [round(_silhouette(x, runs[c]), 4) for c in candidates]})
    chosen = k if k is not None else int(scores.loc[scores["silhouette"].idxmax(), "k"])
    frame["cluster"] = _by_size(runs[chosen])
    z_all = _zscores_all(frame, pd.Index(range(1, chosen + 1)))
    mean_orders = frame.groupby("cluster")["frequency"].mean()
    names = cluster_names(z_all, {int(c): bool(v <= 1.05) for c, v in mean_orders.items()})
    info = ClusterInfo(chosen, k is None, float(scores.loc[scores["k"] == chosen, "silhouette"].iloc[0]),
                       scores, used, min(SILHOUETTE_SAMPLE, n), sql, sample, z_all, names)
    return frame, info


def assign_clusters(ctx: Context, k: int | None = None, max_k: int = 8,
                    features: list[str] | None = None) -> tuple[pd.DataFrame, pd.DataFrame, ClusterInfo]:
    """(per-customer features + cluster + name, cluster profile, info). k=None: best silhouette."""
    ctx.warehouse.require_tables("orders")
    used = _resolve_features(ctx, features)
    cached, info = cached_fit(ctx, "clusters", (k, max_k, tuple(used)), lambda: _fit(ctx, k, max_k, used))
    frame = cached.copy()
    pick = 0 if ctx.language == "zh" else 1
    frame["name"] = frame["cluster"].map({c: info.names[c][pick] for c in info.names})
    return frame, profile(frame, info.names, ctx.language), info


def _zscores_all(frame: pd.DataFrame, clusters: pd.Index) -> pd.DataFrame:
    """Mean z-score per cluster on every feature (used or not), on the same transformed scale."""
    present = [f for f in ALL_FEATURES if f in frame.columns]
    x = _matrix(frame, present)
    return pd.DataFrame(x, columns=present).groupby(frame["cluster"].to_numpy()).mean().reindex(clusters)


def _words(row: pd.Series, taken: int) -> list[tuple[float, int]]:
    """(|z|, index into WORDS) of the words that apply, strongest first."""
    hits = []
    for i, (feature, sign, _zh, _en) in enumerate(WORDS):
        value = row.get(feature, np.nan)
        if pd.notna(value) and sign * value >= NAME_Z:
            hits.append((abs(float(value)), i))
    return sorted(hits, key=lambda h: (-h[0], h[1]))[:taken]


def _compose(indices: list[int], one_time: bool, loyal: bool) -> tuple[str, str]:
    ordered = sorted(set(indices))
    zh = "".join(WORDS[i][2] for i in ordered)
    en = " ".join(WORDS[i][3] for i in ordered)
    if one_time:
        zh, en = "一次性" + zh.replace("低频", ""), " ".join(["one-time", *en.replace("infrequent", "").split()])
    zh = (zh or "普通") + "客户"
    en = (en or "typical") + " buyers"
    if loyal:
        zh, en = zh.replace("客户", "忠诚客户"), en.replace(" buyers", " loyal buyers")
    return zh, " ".join(en.split())


def cluster_names(z: pd.DataFrame, one_time: dict[int, bool] | None = None) -> dict[int, tuple[str, str]]:
    """Deterministic, unique (zh, en) names from mean z-scores: the strongest traits beyond NAME_Z
    in a fixed word order; a clash adds the next trait, then the cluster number."""
    one_time = one_time or {}
    names: dict[int, tuple[str, str]] = {}
    for cluster, row in z.iterrows():
        for taken in range(WORDS_PER_NAME, len(WORDS) + 1):
            words = [i for _, i in _words(row, taken)]
            # "Loyal" only when the name already says frequent and the cluster also bought recently.
            frequent = any(WORDS[i][:2] == ("frequency", 1) for i in words)
            loyal = frequent and row.get("recency_days", 0) <= -NAME_Z
            name = _compose(words, one_time.get(int(cluster), False), bool(loyal))
            if name not in names.values():
                break
        if name in names.values():
            name = (f"{name[0]}（群{cluster}）", f"{name[1]} (#{cluster})")
        names[int(cluster)] = name
    return names


def profile(frame: pd.DataFrame, names: dict[int, tuple[str, str]], language: str) -> pd.DataFrame:
    present = [f for f in ALL_FEATURES if f in frame.columns]
    grouped = frame.groupby("cluster")
    table = grouped[present].mean()
    table.insert(0, "customers", grouped.size())
    table.insert(1, "share", table["customers"] / table["customers"].sum())
    revenue = grouped["monetary"].sum()
    table.insert(2, "revenue", revenue.round(2))
    table.insert(3, "revenue_share", revenue / max(revenue.sum(), 1e-9))
    table.insert(0, "name", [names[int(c)][0 if language == "zh" else 1] for c in table.index])
    table = table.reset_index()
    for column in ("share", "revenue_share", *[f for f in present if f.endswith("_share")]):
        table[column] = table[column].round(4)
    for column in ("recency_days", "tenure_days", "frequency", "category_breadth"):
        if column in table:
            table[column] = table[column].round(1)
    for column in ("monetary", "aov"):
        table[column] = table[column].round(2)
    return table


def _rfm_mapping(ctx: Context, frame: pd.DataFrame) -> tuple[dict[int, tuple[str, float]], str]:
    """Each cluster's most common RFM segment and the share of its members in it."""
    from tools.rfm import customer_segments

    rfm, sql, _ = customer_segments(ctx, "rfm")
    merged = frame[["customer_id", "cluster"]].merge(rfm[["customer_id", "segment"]], on="customer_id")
    result: dict[int, tuple[str, float]] = {}
    for cluster, group in merged.groupby("cluster"):
        counts = group["segment"].value_counts()
        top = sorted(counts.index[counts == counts.max()])[0]
        result[int(cluster)] = (top, float(counts[top] / len(group)))
    return result, sql


def _recommendations(ctx: Context, table: pd.DataFrame, mapping: dict[int, tuple[str, float]]) -> list[str]:
    from tools.strategy import playbook_entry

    lang = ctx.language
    lines = []
    for row in table.sort_values("revenue_share", ascending=False, kind="stable").itertuples():
        key, share = mapping[int(row.cluster)]
        entry = playbook_entry("rfm", key, lang)
        segment = catalog.segments("rfm")[key][lang]
        lines.append(ctx.t(
            f"{row.name}（{fmt.number(row.customers, lang)} 人，贡献 {fmt.percent(row.revenue_share)} 收入，"
            f"{fmt.percent(share)} 属于{segment}）——{entry['goal']}：{entry['tactics'][0]}",
            f"{row.name} ({fmt.number(row.customers, lang)} customers, {fmt.percent(row.revenue_share)} of revenue, "
            f"{fmt.percent(share)} of them {segment}): {entry['goal']}: {entry['tactics'][0]}",
        ))
    return lines


def _answer(ctx: Context, table: pd.DataFrame, info: ClusterInfo) -> str:
    lang = ctx.language
    total = int(table["customers"].sum())
    sep = "；" if lang == "zh" else "; "
    parts = []
    for row in table.itertuples():
        parts.append(ctx.t(
            f"{row.cluster}. {row.name} {fmt.number(row.customers, lang)} 人（{fmt.percent(row.share)}），"
            f"收入占比 {fmt.percent(row.revenue_share)}，平均 {fmt.decimal(row.frequency)} 单、"
            f"客单价 {fmt.money(row.aov, lang)}、{fmt.number(row.recency_days, lang)} 天未购买",
            f"{row.cluster}. {row.name}: {fmt.number(row.customers, lang)} ({fmt.percent(row.share)}), "
            f"{fmt.percent(row.revenue_share)} of revenue, {fmt.decimal(row.frequency)} orders, AOV "
            f"{fmt.money(row.aov, lang)}, last purchase {fmt.number(row.recency_days, lang)} days ago",
        ))
    how = ctx.t(
        f"k={info.k}（在 2–{int(info.silhouette_by_k['k'].max())} 中轮廓系数最高）" if info.chosen_by_silhouette
        else f"k={info.k}（指定）",
        f"k={info.k} (best silhouette among 2-{int(info.silhouette_by_k['k'].max())})" if info.chosen_by_silhouette
        else f"k={info.k} (as asked)",
    )
    features = ("、" if lang == "zh" else ", ").join(LABELS[f][0 if lang == "zh" else 1] for f in info.features)
    return ctx.t(
        f"用 K-means 把 {fmt.number(total, lang)} 位有购买的客户分成 {info.k} 类，{how}，"
        f"轮廓系数 {fmt.decimal(info.silhouette, 3)}（随机抽样 {fmt.number(info.sample_size, lang)} 人计算）。"
        f"特征：{features}（金额与次数取对数后标准化）。各类：" + sep.join(parts) + "。",
        f"K-means split {fmt.number(total, lang)} purchasing customers into {info.k} clusters, {how}, "
        f"silhouette {fmt.decimal(info.silhouette, 3)} (on a random sample of "
        f"{fmt.number(info.sample_size, lang)} customers). "
        f"Features: {features} (spend and counts log-transformed, then standardised). Clusters: "
        + sep.join(parts) + ".",
    )


@tool
def customer_clusters(
    ctx: Context,
    k: int | None = None,
    max_k: int = 8,
    features: list[Feature] | None = None,
) -> ToolResult:
    """What natural customer groups are there? k-means clusters on RFM and behaviour, named, sized, profiled.

    Data-driven groups; fixed RFM/中国八类 rules are rfm_segments. Profile a cluster with segment_profile("cluster 2").
    Args:
        k: number of clusters (2-20); default the best silhouette.
        max_k: largest k tried when k is omitted (default 8).
        features: subset of recency_days, tenure_days, frequency, monetary, aov, category_breadth, live_share,
            refund_share, coupon_share, promo_share, evening_share; default the first four, coupon_share, promo_share.
    Example: "把用户聚成5类" -> {"k": 5};
        "Cluster customers by spend and frequency" -> {"features": ["monetary", "frequency"]}
    """
    frame, table, info = assign_clusters(ctx, k, max_k, list(features) if features else None)
    mapping, rfm_sql = _rfm_mapping(ctx, frame)
    table.insert(2, "rfm_segment", [mapping[int(c)][0] for c in table["cluster"]])
    # the recommendations cite this share, so it is a column too
    table.insert(3, "rfm_segment_share", [round(mapping[int(c)][1], 4) for c in table["cluster"]])
    assignment = frame[["customer_id", "cluster", "name"]]
    capped = len(assignment) > ASSIGNMENT_CAP
    return ToolResult(
        answer=_answer(ctx, table, info) + info.fit.sentence(ctx, len(frame)),
        tables=[
            Table("clusters", table),
            Table("silhouette", info.silhouette_by_k.copy()),
            Table("customers", assignment.head(ASSIGNMENT_CAP), truncated=capped),
        ],
        charts=[
            ChartSpec("bar", ctx.t("各类客户数", "Customers per cluster"), "clusters", "name", "customers"),
            ChartSpec("line", ctx.t("不同 k 的轮廓系数", "Silhouette by k"), "silhouette", "k", "silhouette"),
        ],
        sql=[info.sql, rfm_sql],
        params={"k": info.k, "chosen_by_silhouette": info.chosen_by_silhouette, "features": info.features,
                "silhouette_sample": info.sample_size, "random_state": RANDOM_STATE, "n_init": N_INIT,
                **info.fit.params(len(frame))},
        recommendations=_recommendations(ctx, table, mapping),
    )
