"""Choose the tool: weighted keyword hits per tool, adjusted by a few explicit rules.

Every point a tool receives is recorded with its reason, so a route can be explained.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from assistant.router.extract import Features

# Ties go to the more specific tool (earlier in this list).
PRIORITY = [
    "describe_data", "export_segment", "funnel", "ab_test", "cohort_retention", "product_associations",
    "recommend_products", "customer_clusters", "customer_lifetime_value", "churn_risk", "lifecycle_stages",
    "segment_strategy", "live_performance", "rfm_segments", "metric_query",
]
MIN_SCORE = 2.0
_COUNT_RULE_SCHEMES = ("rfm", "cn8")
_NON_REVENUE_METRICS = ("aov", "repurchase_rate", "refund_rate", "orders", "net_sales", "new_customers")


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
    if f.has("live_performance", "转化率", "转化", "conversion rate", "conversion", "converts") and live_context:
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

    # A list of a named segment is an export.
    if ref is not None and f.has("export_segment", "名单", "清单", "list"):
        scores.add("export_segment", 3, f"rule: list of {f.segment.phrase}")

    # "Which customers ..." with churn words: the churn-risk list.
    if f.who and scores.points["churn_risk"] > 0:
        scores.add("churn_risk", 2, f"rule: {f.who.phrase} + churn")
    return scores
