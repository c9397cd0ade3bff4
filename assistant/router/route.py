"""The entry point: question -> Route(tool, args, language, matched) or None."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from assistant.router import vocabulary as vocab
from assistant.router.data_vocabulary import DataVocabulary, data_filters
from assistant.router.extract import (
    Features,
    extract,
    find_campaign_id,
    find_cluster_k,
    find_cluster_ref,
    find_customer_id,
    find_future,
    find_product,
)
from assistant.router.language import detect_language
from assistant.router.matching import Hit
from assistant.router.scoring import score
from assistant.router.sql import extract_sql


@dataclass
class Route:
    tool: str
    args: dict
    language: str  # "zh" | "en"
    matched: list[str] = field(default_factory=list)  # keywords / phrases that decided it


class _Args:
    """Collects arguments and the phrases they came from."""

    def __init__(self) -> None:
        self.args: dict[str, Any] = {}
        self.matched: list[str] = []

    def set(self, name: str, value: Any, phrase: str) -> None:
        self.args[name] = value
        self.matched.append(f"{phrase}→{name}={value}")


def _period(f: Features, out: _Args) -> None:
    if f.period:
        out.set("period", f.period.token, f.period.phrase)


def _limit(f: Features, out: _Args) -> None:
    if f.limit:
        out.set("limit", f.limit.value, f.limit.phrase)


def _segment(f: Features, out: _Args, with_scheme: bool) -> None:
    if f.segment:
        ref = f.segment.value
        out.set("segment", ref.key, f.segment.phrase)
        if with_scheme and ref.scheme != "rfm":
            out.set("scheme", ref.scheme, f.segment.phrase)


def _metric_query(f: Features, out: _Args) -> None:
    if f.metric:
        out.set("metric", f.metric.value, f.metric.phrase)
    if f.dimension:
        out.set("dimension", f.dimension.value, f.dimension.phrase)
    _period(f, out)
    filters = dict(f.filters)
    # Names from the data: 橙子姐姐 -> host, 面膜 -> product, 美妆护肤 -> category; a province the
    # built-in list already found stays as it is.
    for kind, value in data_filters(f.data("host", "product", "category", "region")).items():
        filters.setdefault(kind, value)
    if filters:
        out.args["filters"] = filters
        out.matched += [f"{h.phrase}→filter={h.value}" for h in f.filter_hits]
        out.matched += [f"{h.phrase}→filter {h.kind}={'/'.join(h.values)}" for h in f.data_hits]
    # "美妆护肤这个品类" / "host 米粒": the dimension word names the filter, it is not a breakdown.
    if f.dimension and f.dimension.value in filters and not _marked_breakdown(f):
        out.args.pop("dimension", None)
    _limit(f, out)
    if f.order:
        out.set("order", f.order.value, f.order.phrase)
    if f.compare:
        out.set("compare", f.compare.value, f.compare.phrase)


def _marked_breakdown(f: Features) -> bool:
    hit = f.dimension
    if hit is None:
        return False
    before = f.text[: hit.start].rstrip()
    return hit.phrase.startswith(vocab.BREAKDOWN_MARKERS) or before.endswith(vocab.BREAKDOWN_MARKERS)


def _rfm_segments(f: Features, out: _Args) -> None:
    scheme = vocab.SCHEME_WORDS.first(f.text)
    if scheme and scheme.value == "cn8":
        out.set("scheme", "cn8", scheme.phrase)
    elif f.segment and f.segment.value.scheme == "cn8":
        out.set("scheme", "cn8", f.segment.phrase)
    if threshold := vocab.THRESHOLD_WORDS.first(f.text):
        if threshold.value == "median":
            out.set("threshold", "median", threshold.phrase)
    _period(f, out)


def _segment_strategy(f: Features, out: _Args) -> None:
    _segment(f, out, with_scheme=True)


FUNNEL_DIMENSIONS = ("host", "session", "day", "week", "month", "region", "gender", "age_band", "channel")


def _funnel(f: Features, out: _Args) -> None:
    if f.dimension and f.dimension.value in FUNNEL_DIMENSIONS:
        out.set("dimension", f.dimension.value, f.dimension.phrase)
    _period(f, out)


def _live_performance(f: Features, out: _Args) -> None:
    if dim := vocab.LIVE_DIMENSIONS.first(f.text):
        out.set("dimension", dim.value, dim.phrase)
    if metric := vocab.LIVE_METRICS.first(f.text):
        out.set("metric", metric.value, metric.phrase)
    _period(f, out)
    _limit(f, out)


def _cohort_retention(f: Features, out: _Args) -> None:
    _period(f, out)
    if grain := vocab.GRAIN_WORDS.first(f.text):
        out.set("grain", grain.value, grain.phrase)


def _limit_only(f: Features, out: _Args) -> None:
    _limit(f, out)


def _churn_risk(f: Features, out: _Args) -> None:
    _limit(f, out)
    if future := find_future(f.text):
        count, grain = future.value
        days = count * {"day": 1, "week": 7, "month": 30}[grain]
        out.set("horizon_days", min(max(days, 14), 365), future.phrase)


def _customer_clusters(f: Features, out: _Args) -> None:
    if k := find_cluster_k(f.text):
        out.set("k", k.value, k.phrase)


def _product_phrase(f: Features) -> Hit | None:
    """A product named in the data ("空气炸锅", "面膜") first, else a phrase around 买了/with."""
    for hit in f.data("product"):
        return Hit(hit.phrase, hit.phrase, hit.start, hit.end)
    return find_product(f.text)


def _product_associations(f: Features, out: _Args) -> None:
    if product := _product_phrase(f):
        out.set("product", product.value, product.phrase)


def _recommend_products(f: Features, out: _Args) -> None:
    _segment(f, out, with_scheme=False)
    if customer := find_customer_id(f.text):
        out.set("customer_id", customer.value, customer.phrase)
    elif product := _product_phrase(f):
        out.set("product", product.value, product.phrase)
    _limit(f, out)


def _ab_test(f: Features, out: _Args) -> None:
    if campaign := find_campaign_id(f.question):
        out.set("campaign_id", campaign.value, campaign.phrase)


def _export_segment(f: Features, out: _Args) -> None:
    _segment(f, out, with_scheme=False)
    if fmt := vocab.FORMAT_WORDS.first(f.text):
        out.set("format", fmt.value, fmt.phrase)


def _segment_profile(f: Features, out: _Args) -> None:
    if cluster := find_cluster_ref(f.text):
        out.set("segment", cluster.value, cluster.phrase)
        out.set("scheme", "cluster", cluster.phrase)
    else:
        _segment(f, out, with_scheme=True)


def _customer_profile(f: Features, out: _Args) -> None:
    if customer := find_customer_id(f.text):
        out.set("customer_id", customer.value, customer.phrase)


FORECAST_DIMENSIONS = ("category", "host")


def _sales_forecast(f: Features, out: _Args) -> None:
    if f.metric and f.metric.value in ("gmv", "orders", "buyers"):
        out.set("metric", f.metric.value, f.metric.phrase)
    elif f.metric and f.metric.value == "net_sales":
        out.set("metric", "gmv", f.metric.phrase)
    if future := find_future(f.text):
        horizon, grain = future.value
        out.set("horizon", horizon, future.phrase)
        out.set("grain", grain, future.phrase)
    named = f.data("host", "category")
    if named and len(named[0].values) == 1:  # "橙子姐姐下个月能卖多少": that host's forecast only
        out.set("dimension", named[0].kind, named[0].phrase)
        out.set("value", named[0].values[0], named[0].phrase)
    elif f.dimension and f.dimension.value in FORECAST_DIMENSIONS:
        out.set("dimension", f.dimension.value, f.dimension.phrase)
    _limit(f, out)


def _no_args(f: Features, out: _Args) -> None:
    return None


ARGUMENT_BUILDERS: dict[str, Callable[[Features, _Args], None]] = {
    "describe_data": _no_args,
    "metric_query": _metric_query,
    "rfm_segments": _rfm_segments,
    "segment_strategy": _segment_strategy,
    "funnel": _funnel,
    "live_performance": _live_performance,
    "cohort_retention": _cohort_retention,
    "churn_risk": _churn_risk,
    "customer_lifetime_value": _limit_only,
    "customer_clusters": _customer_clusters,
    "lifecycle_stages": _no_args,
    "product_associations": _product_associations,
    "recommend_products": _recommend_products,
    "ab_test": _ab_test,
    "export_segment": _export_segment,
    "segment_profile": _segment_profile,
    "customer_profile": _customer_profile,
    "sales_forecast": _sales_forecast,
}


def route(question: str, vocabulary: DataVocabulary | None = None) -> Route | None:
    """Map a question to one vetted tool and its arguments; None when it cannot be placed."""
    if not isinstance(question, str) or not question.strip():
        return None
    language = detect_language(question)
    sql = extract_sql(question)
    if sql is not None:
        return Route("run_sql", {"sql": sql}, language, ["SQL statement"])
    features = extract(question, vocabulary)
    scores = score(features)
    best = scores.best()
    if best is None:
        return None
    tool = best[0]
    out = _Args()
    ARGUMENT_BUILDERS[tool](features, out)
    matched = list(dict.fromkeys(scores.reasons[tool] + out.matched))
    matched += [f"typo: {c}" for c in features.corrections]
    return Route(tool, out.args, language, matched)
