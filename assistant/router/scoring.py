"""Choose the tool: weighted keyword hits per tool, adjusted by a few explicit rules.

Every point a tool receives is recorded with its reason, so a route can be explained.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from assistant.router.extract import Features, find_cluster_k, find_cluster_ref, find_customer_id, find_future

# Ties go to the more specific tool (earlier in this list).
PRIORITY = [
    "describe_data", "export_segment", "funnel", "ab_test", "cohort_retention", "product_associations",
    "recommend_products", "customer_profile", "segment_profile", "customer_clusters", "customer_lifetime_value",
    "sales_forecast", "segment_strategy", "churn_risk", "lifecycle_stages", "live_performance", "rfm_segments",
    "metric_query",
]
MIN_SCORE = 2.0
_STEPS_ZH = "(?:观看|看直播|进直播间|进入直播间|进房|曝光|点击|浏览|加购|加入购物车|下单|支付|付款|购买|成交)"
_STEPS_EN = (
    "(?:view|views|viewing|watch|watching|impression|click|clicking|cart|add to cart|order|pay|paying|payment"
    "|purchase|checkout)"
)
_FUNNEL_PATH = re.compile(
    rf"从?\s*{_STEPS_ZH}.{{0,6}}?(?:到|至|->|→)\s*{_STEPS_ZH}|from\s+{_STEPS_EN}\s+(?:to|through)\s+{_STEPS_EN}"
)
_DAYS_RETENTION = re.compile(
    r"\d+\s*(?:天|日)\s*(?:的)?\s*(?:复购|回购|留存)|\d+[\s-]*day\s+(?:repurchase|retention|repeat)"
)
_COUNT_RULE_SCHEMES = ("rfm", "cn8")
_NON_REVENUE_METRICS = ("aov", "repurchase_rate", "refund_rate", "orders", "net_sales", "new_customers")
FORECAST_METRICS = ("gmv", "orders", "buyers", "net_sales")
_SALES_WORDS = re.compile(r"卖|销售|销量|成交|营收|收入|生意|sales|sell|revenue|gmv|orders?\b")


@dataclass
class Scores:
    points: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    reasons: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def add(self, tool: str, weight: float, reason: str) -> None:
        self.points[tool] += weight
        self.reasons[tool].append(reason)

    def clear(self, tool: str) -> None:
        self.points[tool] = 0.0
        self.reasons[tool] = []

    def best(self) -> tuple[str, float] | None:
        ranked = sorted(self.points.items(), key=lambda kv: (-kv[1], PRIORITY.index(kv[0])))
        if not ranked or ranked[0][1] < MIN_SCORE:
            return None
        return ranked[0]


def score(f: Features) -> Scores:
    scores = Scores()
    for tool, hits in f.tool_hits.items():
        for hit in hits:
            scores.add(tool, hit.weight, hit.phrase)

    ref = f.segment.value if f.segment else None
    metric = f.metric.value if f.metric else None
    dimension = f.dimension.value if f.dimension else None

    # A metric asks for a number; a breakdown adds to it.
    if f.metric:
        scores.add("metric_query", 3, f.metric.phrase)
        if f.dimension:
            scores.add("metric_query", 1, f.dimension.phrase)
    elif f.dimension:
        scores.add("metric_query", 1.5, f.dimension.phrase)
    if f.dimension and (f.limit or f.order):
        scores.add("metric_query", 1, f"rule: ranking by {f.dimension.phrase}")

    # Conversion is a live-room metric when hosts / sessions / the live room are mentioned.
    live_context = dimension in ("host", "session") or any(
        "直播" in h.phrase or "live" in h.phrase or "session" in h.phrase for h in f.hits("live_performance"))
    funnel_path = _FUNNEL_PATH.search(f.text)
    if (f.has("live_performance", "转化率", "转化", "conversion rate", "conversion", "converts") and live_context
            and not funnel_path):
        scores.add("live_performance", 4, "rule: conversion + host/session")

    if dimension in ("host", "session") and f.has(
            "live_performance", "表现", "perform", "performing", "performance", "performed"):
        scores.add("live_performance", 3, "rule: performance of hosts / sessions")

    # Strategy words only count for questions about customers or the business.
    if scores.points["segment_strategy"] > 0:
        if not f.domain:
            scores.clear("segment_strategy")
        elif ref is not None:
            scores.add("segment_strategy", 3, f"rule: strategy + segment {f.segment.phrase}")

    # Sizes: "how many" + a segment (or several lifecycle stages).
    stages = {h.value for h in f.lifecycle_words}
    segment_is_metric = f.segment is not None and f.metric is not None and (
        f.segment.start < f.metric.end and f.metric.start < f.segment.end)
    if f.count and len(stages) >= 2:
        scores.add("lifecycle_stages", 7, f"rule: {f.count.phrase} + stages {'/'.join(sorted(stages))}")
    elif f.count and ref is not None and not segment_is_metric:
        target = "rfm_segments" if ref.scheme in _COUNT_RULE_SCHEMES else "lifecycle_stages"
        scores.add(target, 9, f"rule: {f.count.phrase} + segment {f.segment.phrase}")

    # Segment breakdowns: revenue per segment is the RFM report; other metrics are metric_query.
    if dimension == "segment" and scores.points["rfm_segments"] > 0:
        if metric in _NON_REVENUE_METRICS:
            scores.add("metric_query", 3, f"rule: {f.metric.phrase} by segment")
        else:
            scores.add("rfm_segments", 2, "rule: revenue / size by segment")

    # A list of a named segment is an export; products for a named segment are recommendations.
    if ref is not None and f.has("export_segment", "名单", "清单", "list"):
        scores.add("export_segment", 3, f"rule: list of {f.segment.phrase}")
    elif ref is not None and scores.points["export_segment"] >= 6:
        scores.add("export_segment", 3, f"rule: export {f.segment.phrase}")
    if ref is not None and scores.points["recommend_products"] > 0:
        scores.add("recommend_products", 3, f"rule: recommend for {f.segment.phrase}")

    # Stage-to-stage wording ("从观看到下单", "from view to purchase") is a funnel.
    if funnel_path:
        scores.add("funnel", 6, "rule: from one step to another")
    # "30天复购率 / 90-day retention": repeat purchase measured from the first order.
    if _DAYS_RETENTION.search(f.text):
        scores.add("cohort_retention", 6, "rule: N-day repurchase / retention")
    # An explicit number of clusters.
    if scores.points["customer_clusters"] > 0 and find_cluster_k(f.text):
        scores.add("customer_clusters", 4, "rule: number of clusters")

    # One customer by id: their profile, unless the question asks for products or a list for them.
    if find_customer_id(f.text):
        if scores.points["recommend_products"] > 0:
            scores.add("recommend_products", 3, "rule: recommend for one customer")
        elif scores.points["export_segment"] < 6:
            scores.add("customer_profile", 7, "rule: one customer by id")
    # A persona of a segment or a cluster.
    if scores.points["segment_profile"] > 0 and (ref is not None or find_cluster_ref(f.text)):
        scores.add("segment_profile", 3, "rule: persona of a named group")
    # Sales in the future ("下个月能卖多少", "GMV next 4 weeks"): a forecast, not a lookup.
    future = find_future(f.text)
    if future and (metric in FORECAST_METRICS or _SALES_WORDS.search(f.text)):
        scores.add("sales_forecast", 6, f"rule: sales + future ({future.phrase})")

    # "Which customers ..." with churn words: the churn-risk list.
    if f.who and scores.points["churn_risk"] > 0:
        scores.add("churn_risk", 2, f"rule: {f.who.phrase} + churn")
    return scores
