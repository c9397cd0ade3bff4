"""The entry point: question -> Route(tool, args, language, matched) or None."""

from __future__ import annotations

import copy
import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from assistant.router import vocabulary as vocab
from assistant.router.asks import (
    asks_something,
    follows_in_sequence,
    only_deducts,
    only_qualifies,
    points_back,
    split_asks,
)
from assistant.router.audit import NEVER_RECORDED, Dropped, unhonoured
from assistant.router.data_vocabulary import DataVocabulary, data_filters
from assistant.router.extract import (
    CHURN_RULE,
    MONEY_MEASURES,
    REFUND_KIND_VALUES,
    SHARE,
    Features,
    extract,
    find_campaign_id,
    find_cluster_k,
    find_cluster_ref,
    find_customer_id,
    find_days_without_purchase,
    find_future,
    find_product,
    main_segment,
)
from assistant.router.language import detect_language
from assistant.router.matching import Hit
from assistant.router.names import UnknownName, find_unknown_names
from assistant.router.normalize import normalize
from assistant.router.numbers import span_days, to_int
from assistant.router.periods import PeriodMatch
from assistant.router.scoring import score
from assistant.router.segments import side_by_side
from assistant.router.sql import extract_sql
from tools import catalog
from tools.registry import REGISTRY, load_builtin_tools


@dataclass
class Route:
    tool: str
    args: dict
    language: str  # "zh" | "en"
    matched: list[str] = field(default_factory=list)  # keywords / phrases that decided it
    dropped: list[Dropped] = field(default_factory=list)  # parts of the question the call does not apply
    question: str = ""  # as asked
    unknown: list[UnknownName] = field(default_factory=list)  # hosts / products named that the data lacks
    # Further calls of the same tool the question lists ("GMV、订单数和客单价"): args of each, answered together.
    also: list[dict] = field(default_factory=list)
    # The question's further asks ("…多少单？观看人数合计多少？"), each routed on its own, answered in turn.
    more: list[Route] = field(default_factory=list)
    # The breakdown whose leading group this ask is about ("哪个主播的退款率最高？退了多少钱？": the refunds of the
    # host the earlier answer ranks first); the engine fills the group in from that answer's table.
    of_leader: str | None = None
    # This ask is the whole the ask before it is a share of ("…几单？占所有订单的几成？"): the engine says the share.
    share_of_earlier: bool = False


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


# Values of one kind counted as one ("四川重庆两地合计", "广东和浙江加起来", "Sichuan and Chongqing combined"): one
# filter of both, not the two side by side
_POOLED = re.compile(r"合计|总计|共计|加起来|合起来|加在一起|一共|总共"
                     r"|(?<![a-z])(?:in total|altogether|combined|together|as one)(?![a-z])")
_EACH_ASKED = re.compile(r"分别|各自|各是|对比|比较|相比"
                         r"|(?<![a-z])(?:each|respectively|compare[sd]?|vs\.?|versus)(?![a-z])")


def _pooled(text: str) -> bool:
    """Values of one kind asked as one total, and nothing asks for each of them."""
    return bool(_POOLED.search(text)) and not _EACH_ASKED.search(text)


def _metric_query(f: Features, out: _Args) -> None:
    if f.metric:
        out.set("metric", f.metric.value, f.metric.phrase)
    elif f.segment and f.dimension and f.dimension.value not in ("product", "category"):
        # "哪些城市的重要价值客户最多": customers counted (what a segment buys is ranked by its sales)
        out.set("metric", "buyers", f.segment.phrase)
    if f.dimension:
        out.set("dimension", f.dimension.value, f.dimension.phrase)
    _period(f, out)
    filters = dict(f.filters)
    # Names from the data: 橙子姐姐 -> host, 面膜 -> product, 美妆护肤 -> category; a province the
    # built-in list already found stays as it is.
    for kind, value in data_filters(f.data("host", "product", "category", "region", "coupon_code")).items():
        filters.setdefault(kind, value)
    segment = f.segment
    named = [h for h in f.segment_hits if h.value.scheme in ("rfm", "cn8") and h.value.key != "new_customers"
             and not (f.metric and _within(h, f.metric))]
    if len(groups := side_by_side(f.text, named)) >= 2:
        # "重要价值和重要挽留客户的平均消费对比", "Champions vs At Risk AOV": those groups side by side
        filters["segment"] = list(dict.fromkeys(h.value.key for h in groups))
        out.matched.append(f"{'/'.join(h.phrase for h in groups)}→filter segment={'/'.join(filters['segment'])}")
        if "dimension" not in out.args:
            out.set("dimension", "segment", "/".join(h.phrase for h in groups))
        segment = None
    if segment and segment.value.scheme in ("rfm", "cn8") and not (f.metric and _within(segment, f.metric)) \
            and not any(segment.overlaps(h) for h in f.hits("metric_query")):
        # "重要价值客户的客单价": the metric over that segment's customers
        if segment.value.key == "new_customers" and out.args.get("metric") in ("new_customers", "first_order_aov"):
            pass  # "新客首单平均金额": the measure is of new customers' first orders already
        elif segment.value.key == "new_customers" and "buyer_type" not in filters:
            # "10月新客下了多少单", "orders placed by first-time buyers": buyers whose first order is in the window
            # (buyer_type), not the RFM group of recent first-time buyers as of the data's end
            filters["buyer_type"] = "new"
            out.matched.append(f"{segment.phrase}→filter buyer_type=new")
        else:
            filters["segment"] = segment.value.key
            out.matched.append(f"{segment.phrase}→filter segment={segment.value.key}")
    if filters:
        out.args["filters"] = filters
        out.matched += [f"{h.phrase}→filter={h.value}" for h in f.filter_hits]
        out.matched += [f"{h.phrase}→filter {h.kind}={'/'.join(h.values)}" for h in f.data_hits]
    # "美妆护肤这个品类" / "host 米粒": the dimension word names the filter, it is not a breakdown.
    if f.dimension and f.dimension.value in filters and not _marked_breakdown(f) and not f.split_within:
        out.args.pop("dimension", None)
    _limit(f, out)
    if f.order:
        out.set("order", _direction(f.order, out.args.get("metric", "gmv")), f.order.phrase)
    if f.compare:
        out.set("compare", f.compare.value, f.compare.phrase)
    metric = out.args.get("metric", "gmv")
    if f.per and metric in catalog.load("metrics")["per_period"]["metrics"]:
        out.set("per", f.per.value, f.per.phrase)  # (a ratio has no average per day: the answer names it)


def _nest_stage_windows(out: _Args) -> None:
    """The lifecycle windows must nest (new <= active < churned): a window the question set is kept and the
    defaults it would cross are brought inside it ("30天没买算流失": active within 29 days)."""
    fields = REGISTRY["lifecycle_stages"].args_model.model_fields
    days = {name: out.args.get(name, fields[name].default) for name in ("new_days", "active_days", "churn_days")}
    if days["active_days"] >= days["churn_days"] and "active_days" not in out.args:
        days["active_days"] = days["churn_days"] - 1
        out.set("active_days", days["active_days"], f"{days['churn_days']}→active_days")
    if days["new_days"] > days["active_days"] and "new_days" not in out.args:
        out.set("new_days", days["active_days"], f"{days['active_days']}→new_days")


# Measures where more is worse: "the worst products by refund rate" are those refunded most.
_MORE_IS_WORSE = {"refund_rate", "refund_amount", "refunded_lines", "refund_requested"}
_WORST = re.compile(r"最差|差|垫底|最烂|(?<![a-z])(?:worst|poorest)(?![a-z])")


def _direction(order: Hit, metric: str) -> str:
    """The order a ranking word asks for: "worst" of a measure where more is worse is the highest first."""
    if order.value == "asc" and metric in _MORE_IS_WORSE and _WORST.search(order.phrase):
        return "desc"
    return order.value


def _within(inner: Hit, outer: Hit) -> bool:
    """The whole of `inner` lies in `outer` (新客 in 新客数), not just touching it (重要价值客户 / 客户最多)."""
    return outer.start <= inner.start and inner.end <= outer.end


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
    _hosts(f, out)
    _period(f, out)


def _hosts(f: Features, out: _Args) -> None:
    """The hosts a question names ("小雅的漏斗"; two: theirs, side by side, "小雅的漏斗和米粒比一下", unless one
    broadcast is asked or they are pooled, "两人合计")."""
    if hosts := data_filters(f.data("host")).get("host"):
        out.set("host", hosts, "、".join(h.phrase for h in f.data("host")))
        if isinstance(hosts, list) and len(hosts) > 1 and "dimension" not in out.args and not _pooled(f.text):
            out.set("dimension", "host", "、".join(h.phrase for h in f.data("host")))


# One broadcast: the latest ("最近一场", "the last session"), or one by id ("场次500777", "session 500777").
_LATEST_SESSION = re.compile(r"(?:最近|最新|最后|刚才|刚刚)(?:的)?(?:一|那|这)?场|上一场|刚(?:播完|结束|下播)的?那场"
                             r"|(?:the\s+)?(?:latest|last|most recent|previous|newest)\s+(?:live\s+)?"
                             r"(?:session|stream|broadcast|livestream|show)(?!s)"
                             # "our most recent live: GMV, …": live as the broadcast itself
                             r"|(?<![a-z])(?:latest|last|most recent|newest)\s+live(?![a-z])"
                             r"(?!\s*(?:-|room)(?![a-z]))")
_SESSION_BY_ID = re.compile(r"(?:session|场次|场次号|场次id|直播间?id|直播场次)\s*(?:id)?\s*[#:：=]?\s*"
                            r"(\d{3,})|(?<![\d.])(\d{3,})\s*(?:这|那)?场(?:直播)?")
_YESTERDAY_SESSION = re.compile(r"昨晚那场|昨天那场|昨晚的直播|昨天的直播"
                                r"|yesterday'?s? (?:session|stream|broadcast|live)")


def _one_session(f: Features) -> tuple[str, str] | None:
    if f.session_title and len(f.session_title) >= 6 and f.session_title in f.question:
        return f.session_title, f.session_title  # a title written out: the latest broadcast of that title
    if f.session_title and _LATEST_SESSION.search(f.text):
        return f.session_title, f.session_title  # "最近一场限时秒杀": the latest broadcast of that title
    if m := _LATEST_SESSION.search(f.text):
        return "latest", m.group(0)
    if m := _SESSION_BY_ID.search(f.text):
        return m.group(1) or m.group(2), m.group(0)
    if f.session_title:  # "宠粉福利日那场": the latest broadcast whose title holds those words
        return f.session_title, f.session_title
    return None


# "GPM最高的5场", "哪几场": 场 counting broadcasts (not 场观, a viewer count, or 市场).
_SESSION_COUNTER = re.compile(r"(?:\d+|[一二两三四五六七八九十]+|几|哪)\s*场(?![观景均])")


# ("那天的几场直播": the few broadcasts that day, each on its row, not how many)
_SESSION_COUNT = re.compile(r"(?:多少|(?<!哪)(?<!的)(?<![那这])几)场"
                            r"|how many (?:live )?(?:sessions|broadcasts|streams)")


def _live_performance(f: Features, out: _Args) -> None:
    measures = vocab.LIVE_METRICS.find(f.text)
    # ("average GMV per session by host": the session is the measure's, the host the breakdown)
    dims = [d for d in vocab.LIVE_DIMENSIONS.find(f.text) if not any(m.start <= d.start and d.end <= m.end
                                                                   for m in measures)]
    dim = min(dims, key=lambda d: d.start) if dims else None
    count = _SESSION_COUNT.search(f.text)
    if dim and count and dim.value == "session" and dim.start < count.end() and count.start() < dim.end:
        dim = None  # "how many sessions did each host run": sessions are what is counted, per host
    if dim:
        out.set("dimension", dim.value, dim.phrase)
    elif not count and (counter := _SESSION_COUNTER.search(f.text)):
        out.set("dimension", "session", counter.group(0))
    if measures and f.order is not None:  # "观众待的时间最长": the measure ranked is the one beside the ranking word
        measures.sort(key=lambda h: min(abs(f.order.start - h.end), abs(h.start - f.order.end)))
    if measures:
        out.set("metric", measures[0].value, measures[0].phrase)
    _hosts(f, out)  # "小雅4月播了多少场": that host's sessions
    _period(f, out)
    _limit(f, out)
    if f.order is not None and _direction(f.order, out.args.get("metric", "gmv")) == "asc":
        out.set("order", "asc", f.order.phrase)  # "转化率最低的3个主播": the worst first


# "首单后30天内的回购率", "30天内复购": a window counted from each first order, not the calendar period asked
_FIRST_ORDER_BEFORE = re.compile(r"(?:首单|首购|第一单|first (?:order|purchase))\s*(?:后|之后|以后|after)?\s*$")
_REPURCHASE_AFTER = re.compile(r"^\s*(?:的)?\s*(?:复购|回购|留存|再买|再次购买|repurchase|retention|repeat)")


def _counted_from_first_order(f: Features) -> bool:
    return f.period is not None and bool(_FIRST_ORDER_BEFORE.search(f.text[:f.period.start])
                                         or _REPURCHASE_AFTER.search(f.text[f.period.end:]))


def _cohort_retention(f: Features, out: _Args) -> None:
    if not _counted_from_first_order(f):  # else the days argument takes it (in _compose)
        _period(f, out)
    if grain := vocab.GRAIN_WORDS.first(f.text):
        out.set("grain", grain.value, grain.phrase)


def _customer_lifetime_value(f: Features, out: _Args) -> None:
    _own_segment(f, out, "customer_lifetime_value")
    _limit(f, out)


def _own_segment(f: Features, out: _Args, tool: str) -> None:
    """The segment a list is restricted to, unless its words are what chose the tool (流失风险 -> churn_risk)."""
    if f.segment and not any(f.segment.overlaps(h) for h in f.hits(tool)):
        _segment(f, out, with_scheme=False)
    elif f.segment and (other := main_segment([s for s in f.segment_hits if not any(s.overlaps(h)
                                                                                    for h in f.hits(tool))])):
        # "冠军客户里有流失风险的吗": 有流失风险 chose the tool; the group it is asked of is the other one named
        ref = other.value
        out.set("segment", ref.key, other.phrase)


def _churn_risk(f: Features, out: _Args) -> None:
    _own_segment(f, out, "churn_risk")
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
    # "哪些品类经常一起买", "which categories get bought together": pairs of categories, not products
    if category := next((h for h in vocab.DIMENSIONS.find(f.text) if h.value == "category"), None):
        out.set("level", "category", category.phrase)


def _recommend_products(f: Features, out: _Args) -> None:
    _segment(f, out, with_scheme=False)
    if customer := find_customer_id(f.text):
        out.set("customer_id", customer.value, customer.phrase)
    # with a customer, the product is what they just bought ("100003210 just bought the lipstick")
    if product := _product_phrase(f):
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


# The grain a forecast is asked in, said apart from its span ("未来两周每天的GMV", "daily GMV for the next 2 weeks")
_FORECAST_GRAIN = {
    "day": re.compile(r"每天|每日|按天|按日|逐日|日度|(?<![a-z])(?:daily|per day|by day|each day|day by day)(?![a-z])"),
    "week": re.compile(r"每周|按周|逐周|周度|(?<![a-z])(?:weekly|per week|by week|each week|week by week)(?![a-z])"),
    "month": re.compile(r"每月|按月|逐月|月度|(?<![a-z])(?:monthly|per month|by month|each month)(?![a-z])"),
}
_GRAIN_DAYS = {"day": 1, "week": 7, "month": 30.4}  # (a month of days: 13 weeks are 3 months)
# "weekly order forecast": the one word before forecast names what is forecast
_FORECAST_OF = re.compile(r"(?<![a-z])(orders?|sales|revenue|gmv|buyers?|customers?)\s+(?:forecast|projection|outlook)",
                          re.IGNORECASE)


def _sales_forecast(f: Features, out: _Args) -> None:
    if f.metric and f.metric.value in ("gmv", "orders", "buyers"):
        out.set("metric", f.metric.value, f.metric.phrase)
    elif f.metric and f.metric.value == "net_sales":
        out.set("metric", "gmv", f.metric.phrase)
    elif m := _FORECAST_OF.search(f.text):
        word = m.group(1).lower()
        out.set("metric", "orders" if word.startswith("order") else "buyers" if word[:3] in ("buy", "cus")
                else "gmv", m.group(0))
    if future := find_future(f.text):
        horizon, grain = future.value
        asked = next(((g, m) for g, pattern in _FORECAST_GRAIN.items() if (m := pattern.search(f.text))), None)
        if asked and asked[0] != grain:  # the span in the grain asked: two weeks, each day, are 14 days
            horizon = max(1, round(horizon * _GRAIN_DAYS[grain] / _GRAIN_DAYS[asked[0]]))
            grain = asked[0]
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


# A change asked about: why it fell or rose, or how much it moved.
_CHANGE = re.compile(r"为什么|为啥|咋|怎么会|原因|下降|下滑|跌|掉了|掉这么多|涨了|增长了|上涨|变化|"
                     r"(?<![a-z])(?:why|dip|dipped|drop|dropped|decline|declined|fell|fall|rise|rose|grew|jump|jumped)(?![a-z])")
_DURATION = re.compile(r"(\d{1,3}|[一二两三四五六七八九十半]+)\s*[-\s]?(个月|月"
                       r"|年|周|星期|天|日|months?|years?|weeks?|days?)")
_DAYS_PER = {"个月": 30, "月": 30, "month": 30, "months": 30, "年": 365, "year": 365, "years": 365, "周": 7,
             "星期": 7, "week": 7, "weeks": 7, "天": 1, "日": 1, "day": 1, "days": 1}
_AB_METRICS = [("revenue_per_customer", re.compile(r"人均(?:收入|消费|金额|贡献)|revenue per (?:customer|user|head)"
                                                    r"|spend per customer|arpu")),
               ("conversion", re.compile(r"转化|下单率|购买率|conversion|convert|purchase rate|buy at all")),
               ("repurchase_rate", re.compile(r"复购|回购|repurchase|repeat"))]
_CLUSTER_FEATURES = [
    ("monetary", r"消费金额|消费|金额|花钱|spend|monetary"),
    ("frequency", r"频次|频率|购买次数|下单次数|frequency|purchase count"),
    ("recency_days", r"最近一次|最近购买|多久没买|recency"), ("aov", r"客单价|aov|basket"),
    ("coupon_share", r"用券|优惠券|coupon"), ("promo_share", r"促销|大促|活动|promo"),
    ("live_share", r"直播间?(?:购买|下单)?(?:占比|比例)?|live"), ("refund_share", r"退款|退货|refund"),
    ("category_breadth", r"品类(?:宽度|数|广度)|多少个品类|categories|category (?:breadth|count|spread)"),
    ("evening_share", r"晚上|夜间|evening|night"), ("tenure_days", r"老客|注册多久|tenure"),
]


def _duration_days(text: str, after: str) -> int | None:
    """"未来6个月" / "2-year" / "next 90 days" -> days, the first duration after a future word."""
    m = re.search(after + r".{0,6}?" + _DURATION.pattern, text) or _DURATION.search(text)
    if not m:
        return None
    count = to_int(m.group(1)) if m.group(1) != "半" else None
    unit = m.group(2)
    if count is None:
        return 180 if m.group(1) == "半" and unit in ("年",) else None
    return span_days(count, _DAYS_PER[unit])  # ("12-month value": a year, as "1-year" says it)


def _compose(f: Features, tool: str, out: _Args) -> None:
    """Every qualifier the question names, for every argument the chosen tool takes: the tool-specific
    builders above decide what is special; this pass makes the common arguments compose with any tool."""
    fields = REGISTRY[tool].args_model.model_fields if tool in REGISTRY else {}
    has = lambda name: name in fields and name not in out.args  # noqa: E731
    if f.period and has("period") and not (tool == "cohort_retention" and _counted_from_first_order(f)):
        _period(f, out)
    elif f.period and has("as_of") and "period" not in fields:
        # a stage count "at the end of September": the evaluation day is the window's last ("until:" adds nothing)
        out.set("as_of", f.period.token.removeprefix("until:"), f.period.phrase)
    if f.limit and has("limit"):
        _limit(f, out)
    if f.segment and has("segment") and not any(f.segment.overlaps(h) for h in f.hits(tool)) \
            and not (f.metric and _within(f.segment, f.metric)):
        _segment(f, out, with_scheme="scheme" in fields and tool != "export_segment")
    if has("customer_id") and (customer := find_customer_id(f.text)):
        out.set("customer_id", customer.value, customer.phrase)
    elif has("customer_id") and (m := re.search(r"(?<![\d.])(\d{6,12})(?![\d.])", f.text)) \
            and not re.fullmatch(r"(?:19|20)\d{6}", m.group(1)):
        out.set("customer_id", int(m.group(1)), m.group(0))  # "给100000456推荐点啥": a bare id is a customer
    if f.compare and has("compare"):
        out.set("compare", f.compare.value, f.compare.phrase)
    if has("horizon_days") and (future := find_future(f.text)):
        days = _duration_days(f.text, re.escape(future.phrase[:2]))
        if days:
            out.set("horizon_days", days, future.phrase)
    elif has("horizon_days") and tool == "customer_lifetime_value" and (m := _DURATION.search(f.text)):
        days = _duration_days(m.group(0), "")
        if days:  # "2-year CLV", "半年的CLV": a value is always over a future span
            out.set("horizon_days", days, m.group(0))
    if has("holdout") and (m := re.search(r"(\d{1,2})\s*[%％]|([一二两三四五])成", f.text)) and re.search(
            r"对照|控制组|留出|holdout|hold out|control", f.text):  # ("留三成不发做对照": three tenths)
        out.set("holdout", int(m.group(1)) / 100 if m.group(1) else to_int(m.group(2)) / 10, m.group(0))
    if has("k") and (m := re.search(r"(?<![\d.])(\d{1,2})\s*(?:个)?\s*(?:groups"
                                    r"|clusters|segments|类|群|组|簇)", f.text)):
        out.set("k", int(m.group(1)), m.group(0))
    if tool == "metric_query" and has("compare") and f.period and _CHANGE.search(f.text):
        out.set("compare", "previous_period", _CHANGE.search(f.text).group(0))
    if tool in ("live_performance", "funnel", "metric_query"):
        if one := _one_session(f):
            value, phrase = one
            if tool == "metric_query":
                out.args["filters"] = {**(out.args.get("filters") or {}), "session": value}
                out.matched.append(f"{phrase}→filter session={value}")
                if out.args.get("dimension") == "session":
                    out.args.pop("dimension")
            else:
                out.set("session", value, phrase)
                if tool == "funnel" and out.args.get("dimension") == "session":
                    out.args.pop("dimension")  # the one broadcast's funnel, not a table of them
        elif (m := _YESTERDAY_SESSION.search(f.text)) and "period" not in out.args:
            out.set("period", "yesterday", m.group(0))  # yesterday's broadcasts, each on its row
            out.set("dimension", "session", m.group(0))
    if tool == "metric_query" and (phrase := _share_by_breakdown(out.args, f.text, f.one_group, f.filter_hits)):
        out.matched.append(f"{phrase}→dimension={out.args['dimension']}")
    if tool == "metric_query" and "dimension" not in out.args:
        lists = [k for k, v in (out.args.get("filters") or {}).items() if isinstance(v, list) and k != "segment"
                 and k not in f.one_group]  # ("周二到周四": one run of days; 有效订单: one kind of order)
        # "short video vs ads": those values side by side (pooled only when nothing asks for each: "分别", "对比")
        if len(lists) == 1 and not _pooled(f.text):
            out.set("dimension", lists[0], "/".join(out.args["filters"][lists[0]]))
    if has("holdout") and "holdout" not in out.args and re.search(r"对照组|控制组|holdout|hold-out|control group",
                                                                 f.text):
        out.set("holdout", 0.2, "对照组 (advised 20%)")
    if tool == "ab_test":
        if has("metric"):
            for metric, pattern in _AB_METRICS:
                if m := pattern.search(f.text):
                    out.set("metric", metric, m.group(0))
                    break
        if has("window_days") and (m := re.search(r"(\d{1,3})\s*(?:天|日|days?)", f.text)):
            out.set("window_days", int(m.group(1)), m.group(0))
    if tool == "customer_clusters" and has("features"):
        picked = [name for name, pattern in _CLUSTER_FEATURES if re.search(pattern, f.text)]
        if len(picked) >= 2 and re.search(r"按|根据|基于|用|by|based on|using|on", f.text):
            out.set("features", picked, "/".join(picked))
    if tool == "lifecycle_stages" and has("churn_days") and (silent := find_days_without_purchase(f.text)):
        churn = min(max(silent.value, 2), 3650)
        out.set("churn_days", churn, silent.phrase)
    if tool == "lifecycle_stages":
        for name, pattern in (("churn_days", CHURN_RULE),
                              ("active_days", r"(\d{2,3})\s*(?:天|日)\s*(?:内)?\s*(?:有购买"
                                              r"|买过)?\s*(?:算|为|即)\s*活跃"
                                              r"|active\s+(?:within|=|at)\s*(\d{2,3})\s*days"
                                              r"|活跃\s*(?:按|以|定义为|算|是|为)\s*(\d{2,3})\s*(?:天|日)"),
                              ("new_days", r"(\d{2,3})\s*(?:天|日)\s*(?:内)?\s*(?:首购|首单)?\s*(?:算|为|即)\s*新客"
                                           r"|new\s+(?:within|=)\s*(\d{2,3})\s*days")):
            if has(name) and (m := re.search(pattern, f.text)):
                out.set(name, int(next(g for g in m.groups() if g)), m.group(0))
        _nest_stage_windows(out)
    if tool == "cohort_retention" and has("days"):
        # "30/60/90天", "30、60、90 days", "30 and 90-day": every number of a list the unit closes
        lists = re.findall(r"((?:\d{1,3}\s*(?:天|日|days?)?\s*(?:/|、|,|，|和|及|与|or|and)\s*)*\d{1,3})"
                           r"\s*(?:天|日|[\s-]*days?)", f.text)
        days = [int(d) for group in lists for d in re.findall(r"\d{1,3}", group) if 1 <= int(d) <= 365]
        if days:
            out.set("days", sorted(set(days)), "/".join(map(str, days)))


ARGUMENT_BUILDERS: dict[str, Callable[[Features, _Args], None]] = {
    "describe_data": _no_args,
    "metric_query": _metric_query,
    "rfm_segments": _rfm_segments,
    "segment_strategy": _segment_strategy,
    "funnel": _funnel,
    "live_performance": _live_performance,
    "cohort_retention": _cohort_retention,
    "churn_risk": _churn_risk,
    "customer_lifetime_value": _customer_lifetime_value,
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


def _read_in_turn(asks: list[str], routes: list[Route | None], vocabulary: DataVocabulary | None) -> set[int]:
    """Each later ask read against the one before it (everyone's, the same orders' value or people, a follow-up,
    pointing back, whom it is about), in place; the asks so read (leaning on the one before)."""
    leaned: set[int] = set()
    for i in range(1, len(asks)):
        if routes[i - 1] is not None and (widened := _across_all(asks[i], routes[i - 1], routes[i])) is not None:
            routes[i] = widened  # "小雅上个月的退款率是多少？全店的呢？": the same measure, of everyone
            leaned.add(i)
        elif routes[i - 1] is not None and (valued := _value_under_request(asks[i], routes[i - 1], routes[i])):
            routes[i] = valued
            leaned.add(i)
        elif routes[i - 1] is not None and (inside := _inside_those_orders(asks[i], routes[i - 1], routes[i])):
            routes[i] = inside
            leaned.add(i)
        elif routes[i - 1] is not None and (leaning := _follows_on(asks[i], routes[i - 1], routes[i],
                                                                 vocabulary)) is not None \
                and not (routes[i] is not None and routes[i].dropped
                         and (leaning.tool, leaning.args) == (routes[i - 1].tool, routes[i - 1].args)
                         != (routes[i].tool, routes[i].args)):
            # (a follow-up read as the earlier call itself, placed alone as another with words it could not
            # apply, understood nothing of its own as a follow-up: it stays as placed alone, and they are named)
            # (a qualifier the ask alone could not apply is not applied by the follow-up reading either: still named,
            # "…各几个子订单？等买家寄回来的和等我们收货的": the kind of return)
            kept = [d for d in (routes[i].dropped if routes[i] is not None else []) if d.kind == "condition"
                    and d.detail in NEVER_RECORDED and d not in leaning.dropped]
            if kept:
                leaning = copy.copy(leaning)
                leaning.dropped = [*leaning.dropped, *kept]
            routes[i] = leaning  # "退款率呢？", "按主播拆开看呢？", "How about Chongqing?": the earlier ask, changed
            leaned.add(i)
        elif routes[i - 1] is not None and (points_back(asks[i]) or (
                routes[i] is None and routes[i - 1].args.get("metric") == "orders" and _MONEY_ASKED.search(asks[i]))):
            routes[i] = _pointing_back(asks[i - 1], asks[i], routes[i - 1], routes[i], vocabulary)
        elif routes[i] is not None and routes[i].tool in _NEEDS_A_SUBJECT \
                and not set(routes[i].args) & _SUBJECTS:  # "…有多少？帮我导出成xlsx": the earlier ask's group
            joined = _read_after(asks[i - 1], asks[i], vocabulary)
            if joined is not None and joined.tool == routes[i].tool and set(joined.args) & _SUBJECTS:
                routes[i] = joined
        elif routes[i] is None and routes[i - 1] is not None and (asks_something(asks[i])
                                                                   or _WEIGHED.search(asks[i])):
            # "流失风险客户都是些什么样的人？顺便给个挽回的策略": placed once read after the ask before it, as a
            # call of another tool (a reading that is the earlier call again adds nothing)
            joined = _pointing_back(asks[i - 1], asks[i], routes[i - 1], None, vocabulary) \
                if routes[i - 1].tool != "metric_query" else _read_after(asks[i - 1], asks[i], vocabulary)
            if joined is not None and joined.tool != routes[i - 1].tool:
                routes[i] = joined
            elif _WEIGHED.search(asks[i]) and (when := extract(asks[i], vocabulary).period) is not None \
                    and "period" in REGISTRY[routes[i - 1].tool].args_model.model_fields:
                # "小雅上个月卖了多少？比9月多还是少": the earlier call, for the window it is weighed against
                routes[i] = Route(routes[i - 1].tool, {**routes[i - 1].args, "period": when.token},
                                  routes[i - 1].language, [f"the earlier call, for {when.token}"], [], asks[i])
    return leaned

# A customer's profile asked beside another ask about that customer ("看看…的情况，…推什么", "show her profile
# and what to recommend")
_PROFILE_TOO = re.compile(r"(?:的|她的|他的)?(?:情况|画像|资料|详情|档案|基本信息)"
                          r"(?=.{0,3}[，,、;；]|.{0,3}(?:和|再|然后|并|另外))"
                          r"|(?<![a-z])(?:profile|details|overview)(?![a-z])(?=.{0,12}(?:and|then|plus|,))")


def route(question: str, vocabulary: DataVocabulary | None = None) -> Route | None:
    """Map a question to vetted tool calls and their arguments; None when it cannot be placed. A question of
    several asks gets one route per ask (the first, with the rest in `more`)."""
    if not isinstance(question, str) or not question.strip():
        return None
    asks = split_asks(question)
    if len(asks) > 1 and re.match(rf"\s*{re.escape(asks[0])}\s*[:：]", question):
        if not asks_something(asks[0]) and _route_one(asks[0], vocabulary) is None:
            # "Taobao order status rundown please: how many …, how many …": a heading, said of every ask after it
            asks = [f"{asks[0].rstrip('，, ')}，{ask}" for ask in asks[1:]]
        else:  # "退款情况：上个月退了多少单？", "Refunded orders: how many last month?": the words of the first ask
            asks = [f"{asks[0]}：{asks[1]}", *asks[2:]]
        if len(asks) == 1:
            question = asks[0]
    elif len(asks) > 2 and (said := [a for a in asks[1:] if only_qualifies(a)]) \
            and len(own := [a for a in asks if a not in said]) >= 2:
        # "付了款的销售额一共多少？退款先不扣。里面达人带货卖的有多少钱？": a part that only narrows, among asks of
        # their own, is said of each of them (not a reason to read the whole question as one ask); what comes off
        # money is said of the asks of money ("卖了多少钱？订单多少？退款要扣掉。": the orders stay counted)
        asks = [f"{a.rstrip()} {' '.join(q for q in said if not only_deducts(q) or _of_money(a, vocabulary))}".rstrip()
                for a in own]
    elif len(asks) > 1 and only_qualifies(asks[0]):
        # "Leaving out the free lucky-bag orders, how many customers …, and how many …": said of every ask
        asks = [f"{asks[0].rstrip('，, ')}，{ask}" for ask in asks[1:]]
        if len(asks) == 1:
            question = asks[0]
    if len(asks) == 1:
        one = _route_one(question, vocabulary)
        if one is not None and _VERSUS_ALL.search(question) \
                and (everyone := _across_all(question, one, None)) is not None:
            one.more = [everyone]  # "小雅's refund rate last month vs the shop as a whole": both figures
        if one is not None and one.tool != "customer_profile" and one.args.get("customer_id") \
                and (profile := _PROFILE_TOO.search(question)):
            # "看看用户100000777的情况，下一步该给她推什么商品": the customer's profile first, then the other ask
            return Route("customer_profile", {"customer_id": one.args["customer_id"]}, one.language,
                         [profile.group(0)], question=question, more=[one])
        return one
    routes = [_route_one(ask, vocabulary) for ask in asks]
    leaned = _read_in_turn(asks, routes, vocabulary)
    # a later part that only narrows ("only last year's orders", "top 20 pls") qualifies the question: read as one
    # an ask read as the earlier one changed ("and this month?") is one of its own, though it names no measure
    if all(r is not None and r.tool != "run_sql" for r in routes) and all(
            i in leaned and asks[i].rstrip().endswith(("?", "？")) or _asks_apart(a)
            for i, a in enumerate(asks) if i):
        if (first := _join_asks(question, asks, routes, vocabulary)) is not None:  # type: ignore[arg-type]
            return first
    whole = _route_one(question, vocabulary)  # an ask we cannot place alone may qualify another: read as one
    if whole is not None:
        # ...but one that asks a question of its own ("其中整单退的有几笔？") and is not placed is named, never lost
        # (so is one placed for another tool that the whole reading does not call)
        whole.dropped += [Dropped("ask", ask) for i, (ask, r) in enumerate(zip(asks, routes))
                          if (r is None and asks_something(ask)
                              and not (i and _answered_by(whole, asks[i - 1], routes[i - 1], ask, vocabulary)))
                          or (i and r is not None and r.tool != whole.tool and not only_qualifies(ask))]
    return whole


# A later turn carrying the turn before over whole: "同样的，换成…", "the same for …", "那场的漏斗"
# (那场 opening the question points back; "大促那场" names a broadcast of its own)
_CARRIES = re.compile(r"同样|一样的|^\s*(?:那|这)一?场|换成|改成|改为"
                      r"|(?<![a-z])(?:the same|same (?:thing|question|but|for)|instead)(?![a-z])", re.IGNORECASE)
# ...and one asking only about the first of the earlier answer's rows: "Tell me more about the first one"
_FIRST_ONLY = re.compile(r"第一名|第一个|排第一|榜首|头名|(?<![a-z])(?:(?:the )?first one|(?:the )?top one|number one"
                         r"|#1)(?![a-z])", re.IGNORECASE)
# What a row of an earlier ranking is, told more about: a customer's profile, a host's live figures
_MORE_ABOUT = {"customer": "customer_profile", "host": "live_performance"}


def route_after(earlier: str, question: str, vocabulary: DataVocabulary | None = None) -> Route | None:
    """A question read as the ask after an earlier turn's, as if both were one message ("Which category led this
    year?" then "Show me the top 5 products in it"): the later ask's route when the question leans on the earlier
    one (placed only so, or pointing at what it found); None when it stands on its own."""
    if not earlier or not question or not question.strip():
        return None
    alone = route(question, vocabulary)
    # pointing at the one group the earlier turn found ("那个省", "她", "in it", "第一名"), or carrying it over whole
    # ("大促那场", "刚结束的那场": a broadcast the question names itself, not the earlier one's)
    own_words = re.sub(r"(?<=[\u4e00-\u9fff])(?:那|这)一?场", "", question)
    one_group, carries = bool(_THAT_GROUP.search(own_words) or _FIRST_ONLY.search(question)), \
        bool(_CARRIES.search(question))
    if alone is not None and not (one_group or carries or _THOSE_PEOPLE.search(question)):
        return None  # placed on its own and leaning on nothing: no need to read the two turns together
    # the two turns as two asks of one message (the earlier one was asked on its own: never a mere qualifier)
    first = route(earlier, vocabulary)
    joined = None
    if first is not None and first.tool != "run_sql":
        first = copy.copy([first, *first.more][-1])  # (of an earlier turn of several asks, its last)
        first.more = []
        asks, routes = [first.question or earlier, question], [first, _route_one(question, vocabulary)]
        _read_in_turn(asks, routes, vocabulary)
        joined = first if routes[1] is None \
            else _join_asks(f"{asks[0]}？{question}", asks, routes, vocabulary)  # type: ignore[arg-type]
    if joined is not None and not joined.more and _FIRST_ONLY.search(question) \
            and (tool := _MORE_ABOUT.get(joined.args.get("dimension") or "")) is not None and alone is None:
        # "Top 10 customers by spend" then "Tell me more about the first one": that row's own profile
        return Route(tool, {}, detect_language(question), ["the first row of the earlier answer"], [], question,
                     of_leader=joined.args["dimension"])
    if joined is None or len(joined.more) != 1:
        return None
    later = joined.more[0]
    if later.tool == "run_sql" or later.unknown or (later.tool, later.args) == (joined.tool, joined.args):
        return None
    if alone is not None and (alone.args.get("session") or (alone.args.get("filters") or {}).get("session")):
        return None  # "最近那场直播的漏斗": a broadcast of its own, with no window of the earlier turn's
    if later.of_leader and not one_group:
        return None  # "去年呢" after "哪个品类最好": the ranking again, changed (a follow-up), never its first row
    if alone is None:
        return _retold(later, question) if later.of_leader or not one_group or _adds_a_subject(later, None) else None
    if one_group:  # the group itself, found in the earlier answer or named by the earlier turn ("给她推荐")
        return _retold(later, question) if later.of_leader or _adds_a_subject(later, alone) else None
    if _THOSE_PEOPLE.search(question) and _adds_a_subject(later, alone, filters=False):
        return _retold(later, question)  # "沉睡客户有多少人" then "他们都是些什么样的人": that segment's people
    return _retold(later, question) if carries and later.tool == alone.tool else None


def _adds_a_subject(later: Route, alone: Route | None, filters: bool = True) -> bool:
    """Whether the later reading names whom or what the ask alone leaves unnamed (a customer, a segment, a host…;
    with `filters`, also a filter)."""
    own = set(alone.args) if alone is not None else set()
    own_filters = set((alone.args.get("filters") or {}) if alone is not None else {})
    return bool((set(later.args) & (_SUBJECTS | {"session"})) - own) \
        or (filters and bool(set(later.args.get("filters") or {}) - own_filters))


def _retold(later: Route, question: str) -> Route:
    later.question = question
    return later


def _of_money(ask: str, vocabulary: DataVocabulary | None) -> bool:
    alone = _route_one(ask, vocabulary)
    return alone is None or alone.tool != "metric_query" or alone.args.get("metric", "gmv") in MONEY_MEASURES


def _answered_by(whole: Route, earlier: str, before: Route | None, ask: str,
                 vocabulary: DataVocabulary | None) -> bool:
    """Whether an ask not placed alone is the call the whole question makes, once read after the ask before it
    ("沉睡客户有多少人？给我一个唤醒方案": the plan is the sleeping customers' strategy the whole reading gives).
    A reading that is only the earlier ask's own call again ("都是些什么人？给他们推点啥好？") answers not this ask."""
    joined = _read_after(earlier, ask, vocabulary)
    return joined is not None and joined.tool == whole.tool and joined.args.items() <= whole.args.items() \
        and (before is None or (before.tool, before.args) != (joined.tool, joined.args))


# Who and where a measure was narrowed to, which an ask about everyone ("全店的呢？") leaves out; what kind of
# order was counted (status, amount, after-sale, shipping) stays.
_WHO_AND_WHERE = ("host", "session", "region", "category", "product", "channel", "source", "segment", "customer",
                  "coupon", "gender", "age_band", "buyer_type")


# One ask weighing a group against everyone: "vs the shop as a whole", "和全店比", "compared with all customers".
_VERSUS_ALL = re.compile(r"(?:vs\.?|versus|compared (?:to|with)|against|比|对比|相比|和|跟|与)\s*(?:the\s+)?"
                         r"(?:shop as a whole|whole (?:shop|store)|entire (?:shop|store)|overall|all customers|everyone"
                         r"|全店|整体|大盘|全部客户|所有客户|全国)", re.IGNORECASE)


def _across_all(ask: str, before: Route, alone: Route | None) -> Route | None:
    """A later ask about everyone, after a measure narrowed to some ("小雅上个月的退款率是多少？全店的呢？",
    "…live-room orders in Q3, and overall?", "What about all categories combined?"): the same measure and
    window, without whom or where the earlier ask narrowed to, nor its breakdown."""
    if before.tool != "metric_query" or not _ACROSS_ALL.search(ask):
        return None
    # "占所有付过款的主订单的几成": every order is the whole, of whatever kind the earlier ask counted
    dropped = (*_WHO_AND_WHERE, *_ORDER_KIND_FILTERS) if _ALL_ORDERS.search(ask) else _WHO_AND_WHERE
    narrowed = {k for k in before.args.get("filters") or {} if k in dropped}
    if not narrowed and not before.args.get("dimension"):
        return None
    if alone is not None and (alone.tool != "metric_query" or alone.args.get("dimension")
                              or set(alone.args.get("filters") or {}) & set(_WHO_AND_WHERE)):
        return None  # an ask of its own group ("全店的GMV按品类呢")
    if alone is None and ask != before.question \
            and (_REFUND_WORD.search(ask) or re.search(r"取消|cancel", ask, re.IGNORECASE)):
        return None  # "How many were refunded overall?": a kind of order this reading cannot place, not everyone's
    # (a breakdown a share asked for is the measure itself: "what share were refunded … and for everyone?")
    as_share = any(SHARE.search(m) and "→dimension=" in m for m in before.matched)
    args = {k: v for k, v in before.args.items() if k not in ("order", "limit", *(() if as_share else ("dimension",)))}
    mine = (alone.args.get("filters") or {}) if alone is not None else {}
    if alone is not None and extract(ask).metric is not None:  # "全店的退款率呢？": everyone's, of its own measure
        args["metric"] = alone.args.get("metric", args["metric"])
        mine = {**mine, **{k: v for k, v in (before.args.get("filters") or {}).items() if k in mine}}
    filters = {**{k: v for k, v in (before.args.get("filters") or {}).items() if k not in dropped}, **mine}
    args.pop("filters", None)
    if filters:
        args["filters"] = filters
    if alone is not None and "period" in alone.args:
        args["period"] = alone.args["period"]
    if (compare := extract(ask).compare) is not None:  # "…，整体比前7天多还是少？": everyone's, compared
        args["compare"] = compare.value
    widened = Route("metric_query", args, before.language, ["the earlier ask's measure, for everyone"], [], ask)
    widened.share_of_earlier = bool(SHARE.search(ask) or _SHARE_OF_WHOLE.search(ask)) and not as_share \
        and args.get("metric") == before.args.get("metric") and not args.get("dimension")
    return widened


# A share asked of the whole it names: "占所有付过款的主订单的几成", "what share of all orders is that"
_SHARE_OF_WHOLE = re.compile(r"占[^，,。？?；;]{0,16}?(?:多少|几成|比例|比重|份额|百分之)"
                             r"|(?<![a-z])(?:share|percent(?:age)?|proportion|fraction)(?![a-z])", re.IGNORECASE)
_ALL_ORDERS = re.compile(r"(?:所有|全部)[^，,。？?；;]{0,8}?(?:订单|单)|(?<![a-z])all (?:\w+ ){0,3}orders(?![a-z])",
                         re.IGNORECASE)


def _value_under_request(ask: str, before: Route, alone: Route | None) -> Route | None:
    """Money asked after a count of orders with an open refund request ("还在退款中的有几单？这些商品金额一共多少？",
    "…, and how much merchandise value is involved?"): the value of the lines asked back, not the whole orders'.
    So too money asked of the people of counted orders ("…closed after paying, and how much had those buyers
    paid?"): what those orders came to, not how many buyers."""
    if before.tool != "metric_query" or not _MONEY_ASKED.search(ask):
        return None
    if (before.args.get("filters") or {}).get("after_sale") == "open":
        if before.args.get("metric") == "refund_requested":
            return None
    elif not (before.args.get("metric") in {"orders"} | _CUSTOMER_MEASURES - {"repurchase_rate"}
              and (alone is None or alone.tool == "metric_query"
                   and alone.args.get("metric") in _CUSTOMER_MEASURES - {"spend_per_buyer", "repurchase_rate"})
              and not _PER_PERSON.search(ask)):
        return None
    args = {**before.args, "metric": _amount_of(before, ask)}
    args.pop("dimension", None)
    return Route("metric_query", args, before.language, ["the value of the orders the earlier ask counted"], [], ask)


# The kinds of order a count can be of; a later ask about what is inside them keeps them.
_ORDER_KIND_FILTERS = ("status", "amount", "after_sale", "shipping")
# A later ask about what those orders held or who placed them: the items ("一共送出去多少件", "how many units"),
# or the people ("有多少人拿到了", "涉及多少人", "how many people got one").
_UNITS_ASKED = re.compile(r"多少件|几件|(?<![a-z])how many (?:units|items|pieces)(?![a-z])", re.IGNORECASE)
_PEOPLE_ASKED = re.compile(r"(?:多少|几)(?:个|位)?(?:人|买家|客户|顾客|用户)"
                           r"|(?<![a-z])how many (?:people|buyers|customers|shoppers|different people)(?![a-z])",
                           re.IGNORECASE)
# ...unless the ask counts across everything ("全部订单一共多少件", "overall").
_ACROSS_ALL = re.compile(r"全部|所有|全店|整体|总体|全国|全平台|大盘"
                         r"|(?<![a-z])(?:overall|all orders|in all|whole (?:shop|store)|entire (?:shop|store)"
                         r"|as a whole|(?:shop|store)[- ]wide|combined|everyone|everybody"
                         r"|all (?:categories|hosts|regions|provinces|channels|customers|buyers|products))(?![a-z])",
                         re.IGNORECASE)


def _inside_those_orders(ask: str, before: Route, alone: Route | None) -> Route | None:
    """A later ask, naming no kind of order of its own, about the items or the people of the orders an earlier
    ask counted ("0元单有几单？一共送出去多少件？有多少人拿到了？"): the same orders, measured in units or buyers."""
    filters = before.args.get("filters") or {}
    if before.tool != "metric_query" or before.args.get("metric") != "orders" \
            or not set(filters) & set(_ORDER_KIND_FILTERS) or _ACROSS_ALL.search(ask):
        return None
    mine = (alone.args.get("filters") or {}) if alone is not None and alone.tool == "metric_query" else {}
    if alone is not None and (alone.tool != "metric_query" or set(mine) & set(_ORDER_KIND_FILTERS)
                              or alone.args.get("dimension")):
        return None
    if _UNITS_ASKED.search(ask) and (alone is None or alone.args.get("metric") == "units"):
        metric = "units"
    elif _PEOPLE_ASKED.search(ask) and (alone is None or alone.args.get("metric") == "buyers"):
        metric = "buyers"
    else:
        return None
    args = {k: v for k, v in before.args.items() if k != "dimension"}
    args = {**args, **(alone.args if alone is not None else {}), "metric": metric,
            "filters": {**filters, **mine}}
    return Route("metric_query", args, before.language, [f"{metric} of the orders the earlier ask counted"],
                 alone.dropped if alone is not None else [], ask)


def _amount_of(before: Route, ask: str = "") -> str:
    """The amount of the orders an earlier count named: of open refund requests, the value asked back; of
    refunded ones, what was refunded (unless the ask is what they had paid); else what they paid."""
    filters = before.args.get("filters") or {}
    if filters.get("after_sale") == "open":
        return "refund_requested"
    if (filters.get("status") in REFUND_KIND_VALUES or before.args.get("metric") == "refunded_lines") \
            and not _PAID_ASKED.search(ask):
        return "refund_amount"
    return "gmv"


def _asks_apart(ask: str) -> bool:
    """Whether a later part of a question is an ask of its own: a question or request, or a measure named
    ("And the refund rate?"), not a part that only narrows the rest ("only last year's orders", "top 20 pls")."""
    if only_qualifies(ask):
        return False
    return asks_something(ask) or follows_in_sequence(ask) or extract(ask).metric is not None


def _follows_on(ask: str, before: Route, alone: Route | None, vocabulary: DataVocabulary | None) -> Route | None:
    """An ask that leans on the earlier one as a conversation's follow-up does, read the same way."""
    from assistant.router.followup import elliptical, resolve_followup, restates  # they route with this module

    if alone is not None and _new_topic(ask, alone.tool != before.tool):
        return None  # "…？还有，哪些商品最常被一起买？": a new topic, which leans on nothing
    leaning = resolve_followup(ask, before, vocabulary)
    if leaning is None and (alone is None or alone.tool == before.tool) and restates(ask, before, vocabulary):
        return before  # already answered by the earlier call: the same call, said once
    if leaning is None and (elliptical(ask) or _TOO.search(ask)):  # "漏斗也顺便看下": the same one, too
        leaning = _elided(ask, before, alone)
    if leaning is None:
        return None
    if alone is not None and alone.also and leaning.tool == alone.tool and not leaning.also:
        # "订单数和客单价呢？": every measure the ask lists, each changed the same way
        leaning.also = [{**leaning.args, "metric": listed["metric"]} for listed in alone.also
                        if listed["metric"] != leaning.args.get("metric")]
    if leaning.tool == before.tool and leaning.args == before.args and not leaning.also:
        return before  # "Give one figure per weekday": what the earlier call already does, said again
    leaning.question = ask
    return leaning


_TOO = re.compile(r"也|同样|一样|(?<![a-z])(?:too|also|as well|likewise)(?![a-z])", re.IGNORECASE)


def _takes(tool: str, args: dict[str, Any]) -> bool:
    """Whether the tool accepts these arguments (its own schema says: a measure it has, a valid window)."""
    try:
        REGISTRY[tool].args_model.model_validate(args)
    except Exception:  # noqa: BLE001 - any validation error means no
        return False
    return True


def _elided(ask: str, before: Route, alone: Route | None) -> Route | None:
    """An elliptical ask ("funnel呢？", "what about revenue per customer?") keeps what the earlier ask named and
    it leaves unsaid: the A/B test's other measure; another tool's call about the same session, host, group or
    customer, and window."""
    if before.tool == "ab_test" and (metric := next((m for m, words in _AB_METRICS if words.search(ask.lower())
                                                     and m != before.args.get("metric")), None)):
        return Route("ab_test", {**before.args, "metric": metric}, before.language,
                     [f"the earlier ask's test, measured by {metric}"], [], ask)
    if alone is None or alone.tool == before.tool:
        return None
    if _TOO.search(ask) and (metric := alone.args.get("metric")) and _takes(before.tool, {**before.args,
                                                                                        "metric": metric}):
        # "forecast orders for two weeks, then buyers too": the same call again, for the other measure
        return Route(before.tool, {**before.args, "metric": metric}, before.language,
                     [f"the earlier ask's call, for {metric}"], [], ask)
    accepted = set(REGISTRY[alone.tool].args_model.model_fields)
    whom = {**(before.args.get("filters") or {}), **before.args}
    carried = {k: v for k, v in whom.items()
               if k in {"session", "host", "segment", "customer_id", "period"} & accepted and k not in alone.args}
    # whom the earlier ask named and this tool cannot narrow to is said, never silently widened to everyone
    lost = [Dropped("name", str(whom[k]), f"{k}={whom[k]}") for k in ("host", "segment", "customer_id", "product")
            if whom.get(k) and k not in accepted and k not in (alone.args.get("filters") or {})]
    if not carried and not lost:
        return None
    return Route(alone.tool, {**alone.args, **carried}, alone.language,
                 alone.matched + [f"{k} of the earlier ask" for k in carried], alone.dropped + lost, ask)


def _pointing_back(earlier: str, ask: str, before: Route, alone: Route | None,
                   vocabulary: DataVocabulary | None) -> Route | None:
    """An ask about the set the earlier one counted ("取消订单有几笔？其中多少是直播间下单的？"). Placed alone as
    the same kind of call, it takes the earlier one's filters (_join_asks); else it is read with the earlier
    ask in front of it, and is unplaced (so named) when that adds nothing to the earlier call."""
    money = before.tool == "metric_query" and _MONEY_ASKED.search(ask)
    if alone is not None and alone.tool == before.tool \
            and not (money and alone.args.get("metric") in _CUSTOMER_MEASURES):  # ("how much had those buyers paid")
        return alone
    if money:
        # "退款的订单有多少？涉及多少钱？": the amount of those orders (of refunded ones, what was refunded; the
        # refunded-status filter it then needs no more is dropped where every pointing ask takes its filters)
        args = {**before.args, "metric": _amount_of(before, ask)}
        return Route("metric_query", args, before.language, ["points back: the amount of those orders"], [], ask)
    joined = _read_after(earlier, ask, vocabulary)
    if joined is None or (joined.tool == before.tool and joined.args == before.args):
        # "export the champions list, and tell me how we should look after them": the earlier ask's own words
        # pull the reading back to its own tool; the ask with whom it names put in place of the pronoun is not
        from assistant.router.followup import value_label  # it routes with this module

        named = [value_label(before.args[k], before.language == "zh") for k in ("segment", "customer_id", "host",
                                                                                   "product") if before.args.get(k)]
        if not named and (group := extract(earlier, vocabulary).segment) is not None:
            named = [group.phrase]  # "沉睡客户有多少人？他们一般都买些什么": the group its words named (a table of all)
        if named and (mine := _route_one(f"{ask.rstrip('？?。. ')} ({named[0]})", vocabulary)) is not None \
                and mine.tool != before.tool:
            mine.question = ask
            return mine
        return None
    return joined


def _read_after(earlier: str, ask: str, vocabulary: DataVocabulary | None) -> Route | None:
    """An ask read with the earlier one in front of it, as the route of that ask."""
    joined = _route_one(earlier.rstrip("？?；; ") + "，" + ask.strip(), vocabulary)
    if joined is not None:
        joined.question = ask
    return joined


# Money asked of a set an earlier ask counted: "涉及多少钱", "how much money was that".
_MONEY_ASKED = re.compile(r"多少钱|多少元|多少金额|金额(?:是)?多少|金额(?:一共|总共|合计)多少"
                          r"|^\W*(?:那|那么)?(?:一共|总共|合计)?(?:涉及)?金额(?:呢|是多少|多少)?\W*$"
                          # a bare "and how much?" after a count: the money of what was counted
                          r"|^\W*(?:and\s+)?how much(?:\s+(?:in total|altogether|overall))?\W*$"
                          r"|(?<![a-z])(?:how much (?:are|were|is) (?:they|those|these|it)(?: orders)? worth"
                          r"|what (?:are|were) (?:they|those|these)(?: orders)? worth)(?![a-z])"
                          r"|(?<![a-z])(?:how much|what) (?:had|did|have) (?:those|these|the|they|them)(?: buyers"
                          r"| customers| people| orders)? (?:paid|pay|spent|spend|cost)"
                          r"|(?<![a-z])(?:how much money|how much was that"
                          r"|how much (?:order |sales |merchandise |goods )?value|what (?:order |sales )?value"
                          r"|what amount|how much (?:had|has|was|were) (?:been |already been )?paid"
                          r"|how much did (?:they|those|that) (?:cost|come to))(?![a-z])", re.IGNORECASE)
# Money per person ("人均消费多少", "平均每人花了多少", "per person"): an average of its own, not the total paid.
_PER_PERSON = re.compile(r"人均|平均每人|每人|每个人|(?<![a-z])(?:per (?:person|buyer|customer|head)|each)(?![a-z])",
                         re.IGNORECASE)
# What those orders' buyers had paid, which of refunded orders is not what came back ("付了多少钱").
_PAID_ASKED = re.compile(r"付了?多少|支付了?多少|花了?多少|(?<![a-z])(?:paid|pay|spent|spend)(?![a-z])",
                         re.IGNORECASE)
# Calls about someone or some group, and the arguments that name who: an ask of one of these that names no one
# is about whom the earlier ask named.
_NEEDS_A_SUBJECT = {"export_segment", "recommend_products", "segment_profile", "customer_profile"}
_SUBJECTS = {"segment", "customer_id", "product", "campaign_id", "host"}
# The orders a measure is about, for an ask that points back to it ("退款金额多少？涉及多少订单？").
_IMPLIED_FILTERS = {"refund_amount": {"status": "refunded"}, "refunded_lines": {"status": "refunded"}}
# Measures that are sums of money, of which a later ask may ask a part; and the words that count orders instead.
_SUMS = {"gmv", "net_sales", "refund_amount", "refund_requested"}
_LINE_COUNTS = {"lines", "refunded_lines"}
# Orders named as whose money it was: "其中多少来自部分退款的订单", "how much of that came from partial orders"
_WHOSE_ORDERS = re.compile(r"(?:来自|出自|是在|(?<![a-z])(?:from|on|in)(?![a-z]))\s*[^，,。？?]{0,20}?"
                           r"(?:订单|单|orders?)",
                           re.IGNORECASE)
_RATE_SAID = re.compile(r"率|比例|(?<![a-z])(?:rates?|ratios?)(?![a-z])", re.IGNORECASE)
# (整单 is how much of an order went back, not orders counted: "其中整单退的多少")
_ORDER_NOUN = re.compile(r"(?<![整下简清名菜])单(?![价品])|(?<![a-z])orders?(?![a-z])", re.IGNORECASE)
_COUNTED = re.compile(r"几|多少(?:个|张)?(?:单|笔|订单)|(?<![a-z])(?:how many|number of|count)(?![a-z])", re.IGNORECASE)
# What a later ask may take from an earlier one: never what it measures, splits by or how it ranks.
_OWN_ARGS = {"metric", "dimension", "limit", "order", "compare", "k", "max_k", "features", "format", "sql"}


# "各", "分别", "each": a later ask of every group an earlier ask split into.
_EACH = re.compile(r"^[^，,]{0,6}(?:各|分别|每(?:个|种|类))|(?<![a-z])(?:each|for both)(?![a-z])", re.IGNORECASE)
# "他们的人均消费分别是多少": each group, unless the ask lists its measures ("退款率和客单价分别多少": each measure)
_RESPECTIVELY = re.compile(r"分别(?:是|为|有)?(?:多少|几|怎样|如何)|(?<![a-z])respectively(?![a-z])", re.IGNORECASE)


def _each_group(ask: str, later: Route) -> bool:
    return bool(_EACH.search(ask)) or (bool(_RESPECTIVELY.search(ask)) and not later.also)
# A kind of refund an earlier ask counted, and a later ask's words of refunding that keep it.
_REFUND_WORD = re.compile(r"退(?!出|订|回去)|(?<![a-z])refund", re.IGNORECASE)
# Measures of the customers who bought (a filter on their orders says who they are, for each of these alike).
_CUSTOMER_MEASURES = {"buyers", "repeat_buyers", "one_time_buyers", "repurchase_rate", "spend_per_buyer",
                      "net_spend_per_buyer"}


# Where a share names its whole: "share of the refunded orders (were …)", "among / out of …", "Of the refunded
# orders, …", "退款订单里（中）",
# "占全部退款订单的": a filter said there is the whole, which stays a filter; the other one is the part.
_WHOLE_EN = re.compile(r"(?<![a-z])(?:share|percentage|proportion|fraction|percent|among|out of)(?: of)?\b"
                       r"(?P<whole>.*?)(?=(?<![a-z])(?:were|was|are|is|came|come|had|have|got|did|that|which)\b|[,，]|$)",
                       re.IGNORECASE)
_WHOLE_ZH = re.compile(r"(?P<whole>[^，,。？?；;]{1,16}?)(?:的订单|的客户|的人|的买家)?(?:里面|之中|当中|里|中)[，,]?"
                       r"|占(?P<of>[^，,。？?的]{1,16})的")


_WHOLE_FIRST = re.compile(r"^\W*(?:and\s+)?(?:of|among|out of)\s+(?P<whole>[^,，]+)[,，]", re.IGNORECASE)


def _wholes(text: str) -> list[tuple[int, int]]:
    spans = [m.span("whole") for m in [*_WHOLE_EN.finditer(text), *_WHOLE_FIRST.finditer(text)]]
    for m in _WHOLE_ZH.finditer(text):
        spans.append(m.span("whole") if m.group("whole") else m.span("of"))
    return spans


# What a customer has of their own, by which people split without counting anyone twice (a buyer has orders
# of several statuses, products and hosts, so a share of buyers by those adds up to more than everyone).
_PEOPLE_SPLITS = {"gender", "region", "age_band", "channel", "segment", "buyer_type", "customer"}


def _share_by_breakdown(args: dict[str, Any], text: str, one_group: set[str] | frozenset[str] = frozenset(),
                        hits: list[Hit] | None = None) -> str | None:
    """"退款订单占比", "share of orders from the live room": the filtered group beside the others, each with its
    share of the total, is the answer; one figure for the group alone is not. Moves the one filter to the
    breakdown in `args` and returns the share's words (None when the call stays as it is). With two filters,
    the one that names the whole ("share of the fully refunded orders that were not shipped") stays a filter."""
    if "dimension" in args or not (share := SHARE.search(text)):
        return None
    filters = args.get("filters") or {}
    kinds = [k for k in filters if k not in ("segment", "amount", *one_group)]
    if len(kinds) in (1, 2) and hits:  # (one filter naming the whole leaves the part unsaid: no breakdown)
        wholes = _wholes(text)

        def in_whole(kind: str) -> bool:
            said = [h for h in hits if h.value == filters[kind]
                    or (isinstance(filters[kind], list) and h.value in filters[kind])]
            return bool(said) and all(any(a <= h.start and h.end <= b for a, b in wholes) for h in said)

        whole_said = [k for k in kinds if in_whole(k)]
        if whole_said:
            kinds = [k for k in kinds if k not in whole_said]
        elif len(kinds) == 2:  # no whole marked: the part is the one said just before the share ("…的退款订单占比")
            before = {k: min((share.start() - h.end for h in hits if h.end <= share.start() and (
                h.value == filters[k] or isinstance(filters[k], list) and h.value in filters[k])), default=99)
                for k in kinds}
            near = [k for k in kinds if before[k] <= 6]
            kinds = near if len(near) == 1 else kinds
    if len(kinds) != 1 or (args.get("metric") in _CUSTOMER_MEASURES and kinds[0] not in _PEOPLE_SPLITS):
        return None  # ("付过款的买家里，有退过款的人占多少": no split of buyers gives it; the share is named)
    args["filters"].pop(kinds[0])
    if not args["filters"]:
        args.pop("filters")
    args["dimension"] = kinds[0]
    return share.group(0)


# A later ask opened as a new topic ("另外，…", "Also, …"), or set at the present ("现在", "right now").
_NEW_TOPIC = re.compile(r"^\W*(?:此外|再问一下|顺便问一?下|题外话"
                        r"|(?:and\s+)?(?:separately|on another note|btw|by the way|unrelated)\b)", re.IGNORECASE)
# ...or opened with a word that may also only add to the earlier ask ("还有，退款率是多少？"): a new topic when it
# asks another tool, speaks of the whole shop, or sets its own window ("还有，今年到现在我们一共拉了多少新客").
_ANOTHER_ASK = re.compile(r"^\W*(?:另外|还有|(?:and\s+)?(?:also|besides|additionally)\b)", re.IGNORECASE)
_WE = re.compile(r"我们|咱们|全店|(?<![a-z])(?:we|our|us)(?![a-z])", re.IGNORECASE)
_AT_PRESENT = re.compile(r"现在|目前|当前|眼下|(?<![a-z])(?:right now|currently|at the moment|as of now|as of today"
                         r"|today)(?![a-z])", re.IGNORECASE)


_CHANGES_ONLY = re.compile(r"呢\s*[?？。]?\s*$|^\W*(?:and\s+)?(?:also\s+)?(?:what|how)\s+about\b", re.IGNORECASE)


def _new_topic(ask: str, another_tool: bool = False) -> bool:
    """Whether a later ask opens a topic of its own ("btw, …", "还有，今年我们一共拉了多少新客"), not one that only
    adds to or changes the earlier ask ("还有，退款率是多少？", "另外订单数呢？": still about whom it named)."""
    if _CHANGES_ONLY.search(ask):
        return False
    return bool(_NEW_TOPIC.search(ask)) or bool(_ANOTHER_ASK.search(ask)) and (
        another_tool or bool(_WE.search(ask)) or extract(ask).period is not None)  # (its own window: its own topic)


def _stands_apart(ask: str, first: Route, later: Route) -> bool:
    """Whether a later ask keeps its own time: one set at the present, or a new topic for another tool
    ("小雅上个月卖了多少钱？另外，现在各个RFM分群都有多少人？"), takes no window from the first ask."""
    return bool(_AT_PRESENT.search(ask)) or (later.tool != first.tool and _new_topic(ask, True))


# Words that weigh one figure against another: "how does it compare with September?", "和9月比呢".
_WEIGHED = re.compile(r"比|对比|相比|比较|(?<![a-z])(?:compare[sd]?|comparison|versus|vs\.?|against)(?![a-z])",
                      re.IGNORECASE)


def _as_comparison(first: Route, later: Route, ask: str, anchor: datetime.date) -> bool:
    """A later ask weighing the first's figure against the window just before it, or a year before ("What was the
    refund rate in October, and how does it compare with September?"): the first call, compared; the later one
    is then that comparison's base, answered within it."""
    from tools.timewindow import previous_window, resolve_period, year_earlier_window

    if first.tool != "metric_query" or later.tool != first.tool or "compare" in first.args \
            or not _WEIGHED.search(ask) or not first.args.get("period") or not later.args.get("period") \
            or {k: v for k, v in first.args.items() if k != "period"} \
            != {k: v for k, v in later.args.items() if k != "period"}:
        return False
    try:
        mine, base = resolve_period(first.args["period"], anchor), resolve_period(later.args["period"], anchor)
    except Exception:  # noqa: BLE001 - a window we cannot place is not a comparison
        return False
    span = (base.start, base.end)
    for compare, before in (("previous_period", previous_window(mine)), ("last_year", year_earlier_window(mine))):
        if before is not None and (before.start, before.end) == span:
            first.args["compare"] = compare
            first.matched.append(f"the later ask's window is the one before→compare={compare}")
            later.args = dict(first.args)  # the same call: answered once, as the comparison
            return True
    return False


def _join_asks(question: str, asks: list[str], routes: list[Route],
               vocabulary: DataVocabulary | None = None) -> Route | None:
    """One route for the asks, each placed on its own: the first, with the rest in `more`, each taking what it
    leaves unsaid from the asks before it; None when they all make the same call."""
    first = routes[0]
    for i, (previous, later, ask) in enumerate(zip(routes, routes[1:], asks[1:]), start=1):
        accepted = set(REGISTRY[later.tool].args_model.model_fields)
        if later.tool in _NEEDS_A_SUBJECT and not set(later.args) & _SUBJECTS:
            # "沉睡客户有多少人？该怎么唤醒？顺手把名单导出来": about whom the nearest earlier ask named
            for earlier in reversed(routes[:i]):
                if named := {k: v for k, v in earlier.args.items() if k in _SUBJECTS and k in accepted}:
                    later.args.update(named)
                    later.matched.append(f"whom an earlier ask named→{named}")
                    break
        if later.args.get("period") == "all" and "period" in first.args \
                and (said := extract(ask).period) is not None and said.phrase.lower().strip() == "in total":
            later.args.pop("period")  # "…? how much did they spend in total?": a sum, not a window of its own
        if "period" in first.args and "period" in accepted and "period" not in later.args \
                and not _stands_apart(ask, first, later):
            later.args["period"] = first.args["period"]  # "5月成交了多少单？观看人数合计多少？": May for both
            later.matched.append(f"period of the first ask→period={first.args['period']}")
        scope = _SUBJECTS | {"filters", "session"}
        if later.tool == previous.tool:  # "未来30天的GMV，顺便orders也预测一下": the same horizon, grain, window
            for name, value in previous.args.items():
                if name not in _OWN_ARGS | scope | {"period"} and name in accepted and name not in later.args:
                    later.args[name] = value
                    later.matched.append(f"{name} of the previous ask")
        if later.tool == previous.tool == "metric_query" and previous.args.get("dimension") \
                and "dimension" not in later.args and _each_group(ask, later):
            # "全额退款和部分退款各有多少单？各退了多少钱？": each of the groups the earlier ask split into
            later.args["dimension"] = previous.args["dimension"]
            later.matched.append(f"each of the previous ask's groups→dimension={later.args['dimension']}")
        kind = (previous.args.get("filters") or {}).get("status")
        if later.tool == previous.tool == "metric_query" and kind in REFUND_KIND_VALUES \
                and (later.args.get("filters") or {}).get("status") in (None, "refunded") and _REFUND_WORD.search(ask) \
                and "after_sale" not in (later.args.get("filters") or {}) and not _new_topic(ask) \
                and later.args.get("metric") != "refund_rate":
            # (a refund of its own words, "发货后退的", is the earlier ask's kind of refund, narrowed no further)
            # the same refunds, asked of again ("整单退款的里，发货前退的有几单？发货后退的有几单？"); a refund rate's
            # word names the measure, over every paid order (as followup._apply keeps it)
            later.args["filters"] = {**later.args.get("filters", {}), "status": kind}
            later.matched.append(f"status of the previous ask→{kind}")
        if later.tool == previous.tool and not set(later.args) & scope and not _ACROSS_ALL.search(ask) \
                and not _new_topic(ask, later.tool != previous.tool):
            # "小雅上个月播了几场？转化率多少？": an ask naming no one of its own is about whom the one before named
            for name in sorted(set(previous.args) & scope & accepted):
                value = previous.args[name]
                if name == "filters":  # who and where carry over; what kind of order was counted does not,
                    # unless both asks count the same customers ("paid a non-zero order … their repurchase rate")
                    same_people = {previous.args.get("metric"), later.args.get("metric")} <= _CUSTOMER_MEASURES
                    value = {k: v for k, v in value.items()
                             if k != "status" and (k != "amount" or same_people)}
                if value:
                    later.args[name] = value
                    later.matched.append(f"{name} of the previous ask")
            # "周末场次卖了多少？占总数的比例是多少？": the share of the group the earlier ask named
            if later.tool == "metric_query" and (phrase := _share_by_breakdown(later.args, normalize(ask))):
                later.matched.append(f"{phrase}→dimension={later.args['dimension']}")
                later.dropped = [d for d in later.dropped if d.detail != "share of the total"]
        if later.tool == previous.tool == "metric_query" and previous.args.get("metric") in _LINE_COUNTS \
                and later.args.get("metric") == "orders" \
                and (not _ORDER_NOUN.search(ask) or points_back(ask) and _WHOSE_ORDERS.search(ask)) \
                and (later.args.get("filters") or {}).get("status") in (None, *REFUND_KIND_VALUES):
            # "退款成功的有几个子订单？已经发了货才退的有几个？": the same unit counted again, of other lines;
            # "how many of those were in orders where …": the orders only say whose lines they were
            later.args["metric"] = previous.args["metric"]
            if (later.args.get("filters") or {}).get("status") == "refunded" \
                    and previous.args["metric"] == "refunded_lines":
                later.args["filters"].pop("status")
                if not later.args["filters"]:
                    later.args.pop("filters")
            later.matched.append(f"counted as the previous ask counted: {previous.args['metric']}")
        if points_back(ask) and later.tool == previous.tool == "metric_query" \
                and previous.args.get("metric") in _SUMS and (
                    later.args.get("metric") == "orders" and (not _ORDER_NOUN.search(ask) or _WHOSE_ORDERS.search(ask))
                    or later.args.get("metric") == "refund_rate" and not _RATE_SAID.search(ask)) \
                and not _COUNTED.search(ask):
            # "退了多少钱？其中部分退款的占多少？", "…, and how much of that came from …": a part of that sum,
            # the orders named only as whose money it was (a count says so: "其中几单", "how many of them")
            later.args["metric"] = previous.args["metric"]
            later.matched.append(f"a part of the previous ask's {previous.args['metric']}")
            if phrase := _share_by_breakdown(later.args, normalize(ask)):
                later.matched.append(f"{phrase}→dimension={later.args['dimension']}")
                later.dropped = [d for d in later.dropped if d.detail != "share of the total"]
        if points_back(ask) and later.tool == previous.tool:  # "退款金额多少？涉及多少订单？": the refunded ones
            implied = _IMPLIED_FILTERS.get(previous.args.get("metric"))
            if implied and "filters" in REGISTRY[later.tool].args_model.model_fields:
                later.args["filters"] = {**implied, **later.args.get("filters", {})}
            if (whole := (previous.args.get("filters") or {}).get("status")) in ("fully_refunded",
                                                                               "closed_after_payment") \
                    and (later.args.get("filters") or {}).get("status") == "cancelled":
                # "orders closed after the buyer had paid: …, and how many of them had shipped before they were
                # closed?": their closing is the one the earlier ask named, not a closing unpaid ("退款关闭": the
                # refund that closed them is that kind, no refund rate left unanswered)
                later.args["filters"]["status"] = whole
                later.dropped = [d for d in later.dropped if (d.kind, d.detail) != ("metric", "refund_rate")]
            for name, value in previous.args.items():
                if name in _OWN_ARGS or name not in accepted:
                    continue
                if name == "filters" and any(d.detail == "customers who got a free order" for d in later.dropped):
                    # "这些领过福袋的人一共花了多少钱": their money, not the ¥0 orders' (which is nothing)
                    value = {k: v for k, v in value.items() if k != "amount"}
                if isinstance(value, dict):
                    if merged := {**value, **later.args.get(name, {})}:
                        later.args[name] = merged
                else:
                    later.args.setdefault(name, value)
            if later.args.get("metric") == "refund_amount" \
                    and (later.args.get("filters") or {}).get("status") == "refunded":
                # a refund amount is of refunded orders already (a kind of them stays: "how much of that came
                # from orders only partly refunded")
                later.args["filters"].pop("status")
                if not later.args["filters"]:
                    later.args.pop("filters")
            later.matched.append("points back to the previous ask")
        if later.tool == "metric_query" and "dimension" not in later.args and SHARE.search(normalize(ask)) \
                and (phrase := _share_by_breakdown(later.args, normalize(ask), hits=extract(ask).filter_hits)):
            # "今年GMV多少？广东占了几成": the part beside the rest, each with its share of the whole
            later.matched.append(f"{phrase}→dimension={later.args['dimension']}")
            later.dropped = [d for d in later.dropped if d.detail != "share of the total"]
        # each measure the ask lists takes what the ask took from the asks before it
        later.also = [{**later.args, "metric": listed["metric"]} for listed in later.also]
        _about_the_leader(previous, later, ask)
        if later.args.get("metric") == "paid_after_free" and "amount" in (later.args.get("filters") or {}):
            # "…free trial, and how many of them later paid": they are who had the ¥0 order; what they paid later
            # is above ¥0, so the earlier ask's ¥0 filter is not theirs
            later.args["filters"].pop("amount")
            if not later.args["filters"]:
                later.args.pop("filters")
    anchor = vocabulary.anchor if vocabulary is not None and vocabulary.anchor else datetime.date.today()
    weighed = [_as_comparison(first, later, ask, anchor) for later, ask in zip(routes[1:], asks[1:])]
    distinct: list[Route] = []
    repeated: list[str] = []  # later asks that came out as an earlier call while saying something it leaves out
    for i, r in enumerate(routes):
        compared = next((i for i, d in enumerate(distinct) if r.tool == d.tool and "compare" in r.args
                         and {k: v for k, v in r.args.items() if k != "compare"} == d.args), None)
        if compared is not None:  # "…, and how that compares to the month before": the comparison shows both
            r.more = distinct[compared].more
            distinct[compared] = r
        elif not any(r.tool == d.tool and r.args == d.args for d in distinct):
            distinct.append(r)
        elif i and r.dropped and not only_qualifies(asks[i]):
            repeated.append(asks[i])  # ("…？另外还有几单的退款申请卡着没处理完？" read as the refunds before it)
    if len(distinct) == 1 and not any(weighed):
        return None
    language = detect_language(question)
    for r in distinct:
        r.language = language
    first = distinct[0]  # the first ask's call, or the comparison that took its place
    first.more = first.more + distinct[1:]
    first.question = question
    first.dropped = first.dropped + [Dropped("ask", ask) for ask in repeated]
    return first


# An ask for the one group a ranking puts first ("哪个主播…最高", "which province had the most…"), not for several
# ("哪些主播", "前三名").
_ONE_ASKED = re.compile(r"哪(?:个|位|家|一|款|种|类|天|场|座|条)(?!些)|是谁|谁(?:的|是|卖|带|最)"
                        r"|最(?:高|多|好|大|强)的(?:那个|那位)?(?:主播|达人|品类|类目|商品|产品|单品|省份?|城市|渠道|品牌|牌子)"
                        r"(?![们些])"
                        r"|(?<![a-z])(?:which|who|what(?:'s| is| was)? (?:the|our) (?:top|best|worst|weakest|strongest"
                        r"|biggest|largest|smallest|highest|lowest|most|leading) \w+(?<!s))(?![a-z])", re.IGNORECASE)
# A group named by a demonstrative ("那个商品的退款率", "that host's AOV"): the one the earlier ask found, not a
# breakdown by it.
_THAT_GROUP = re.compile(r"(?:那|这|该)(?:个|款|位|家|座|一)?(?:商品|产品|单品|主播|达人|省份?|品类|类目|城市|渠道|地区"
                         r"|品牌|牌子|场次?|年龄段)"
                         r"|(?<![a-z])(?:that|this) (?:host|product|item|category|province|region|city|channel"
                         r"|session)(?![a-z])"
                         # the one group pointed at by a pronoun: "她的男女买家各多少", "her buyers by gender"
                         r"|(?<!其)(?:她|他|它)(?!们)|(?<![a-z])(?:her|his|its)(?![a-z])"
                         r"|它(?:里面|里头|之中|当中)|(?<![a-z])(?:(?:with)?in|inside) (?:it|that one)(?![a-z])",
                         re.IGNORECASE)
# A later ask that asks which group itself ("and which has the highest AOV?"): a ranking of its own.
_WHICH_GROUP = re.compile(r"哪(?:个|位|家|一|款|种|类|些|天|场)|(?<![a-z])(?:which|who)(?![a-z])", re.IGNORECASE)
# The people a count measured, whom a later "their …" is about: new customers are the buyers new to the shop.
_WHOSE = {"new_customers": {"buyer_type": "new"}}


# Breakdowns whose first row is no leader: those listed by date, and the hours and days of the week.
_IN_TIME = ("day", "week", "month", "hour", "weekday", "day_of_week")
# The people a count measured, pointed back to ("他们的客单价", "their AOV"); her/him is the group's one person.
_THOSE_PEOPLE = re.compile(r"他们|她们|这些人|这批人|(?<![a-z])(?:their|them|those|these)(?![a-z])", re.IGNORECASE)
# The calls a leader can narrow: by a filter (metric_query) or by name (live_performance's host).
_NARROWED_BY_LEADER = {"metric_query", "live_performance", "funnel"}  # (a funnel: of a host only)
_LOWEST = re.compile(r"最低|最少|最差|最小|垫底|倒数|(?<![a-z])(?:lowest|least|fewest|worst|bottom)(?![a-z])",
                     re.IGNORECASE)


def _about_the_leader(previous: Route, later: Route, ask: str) -> None:
    """A later ask that names no group of its own, after an ask for the one group a ranking puts first ("上个月
    哪个主播的退款率最高？退了多少钱？", "Which province had the most new buyers, and what was their AOV?"), is about
    that group: marked so the engine narrows it to the earlier answer's first row. "Their" of a count of people
    is also about those people (the new buyers' AOV)."""
    if previous.tool == "live_performance":  # hosts ranked highest first, always
        dimension, ranked = "host", previous.args.get("dimension", "host") == "host" \
            and not _LOWEST.search(previous.question)
    else:  # (a breakdown's first row is its highest, "第一名", when no other order is asked)
        dimension, ranked = previous.args.get("dimension"), previous.tool == "metric_query" \
            and (bool(previous.args.get("order")) or (bool(_FIRST_ONLY.search(ask))
                                                     and previous.args.get("order", "desc") == "desc"))
    if previous.of_leader and later.tool == previous.tool and not later.of_leader:
        dimension, ranked = previous.of_leader, True  # "…？她的退款率多少？订单数呢？": still that one
        asked_for_one = True
    else:  # ("…排个名？第一名的漏斗": the first row named)
        asked_for_one = bool(_ONE_ASKED.search(previous.question) or _FIRST_ONLY.search(ask))
    if dimension in _IN_TIME or (later.tool in ("live_performance", "funnel") and dimension != "host"):
        return  # (a ranking over time is listed by date: its first row is no leader)
    said = extract(ask)
    own = said.dimension
    # "那个省男女买家各多少": that group, split its own way (each of the genders, not each of the provinces)
    split_within = own is not None and own.value != dimension and bool(_THAT_GROUP.search(ask)) \
        and later.args.get("dimension") == own.value
    # (a top N's first is named by "第一名", "the top one")
    if not (ranked and dimension and later.tool in _NARROWED_BY_LEADER
            and ((previous.args.get("limit") or 1) == 1 or _FIRST_ONLY.search(ask)) and asked_for_one) \
            or (own is not None and not _THAT_GROUP.search(ask)) or (_each_group(ask, later) and not split_within) \
            or _ACROSS_ALL.search(ask) or (_WHICH_GROUP.search(ask) and not split_within) \
            or _new_topic(ask, later.tool != previous.tool) \
            or dimension in (later.args.get("filters") or {}) or later.args.get(dimension):
        return
    for args in [later.args, *later.also]:  # ("退款率和客单价分别多少": each listed measure, of that group)
        # (its own split keeps the number it asks for: "那个品类里前5的商品")
        for name in (("order",) if said.limit else ("order", "limit")) if split_within \
                else ("dimension", "order", "limit"):
            args.pop(name, None)
    later.of_leader = dimension
    later.matched.append(f"the {dimension} the previous ask ranks first")
    whose = _WHOSE.get(previous.args.get("metric"), {})
    if whose and _THOSE_PEOPLE.search(ask) \
            and later.args.get("metric") in _CUSTOMER_MEASURES | {"aov", "gmv", "orders"}:
        later.args["filters"] = {**later.args.get("filters", {}), **whose}
        later.matched.append(f"the people the previous ask counted→filters={whose}")


# How one host, category or product did, asked with no measure ("How did 小雅 do last month?", "小雅上个月表现怎么样")
_HOW_DID = re.compile(r"(?<![a-z])how(?:'s| (?:did|does|do|is|was|are|were|has))\b.{0,40}?"
                      r"\b(?:do|doing|did|perform|performing|performed|go|going|gone)\b"
                      r"|表现|(?:怎么样|如何|咋样|怎样)了?\s*[?？。]?\s*$", re.IGNORECASE)


# Asking to be shown something ("数据给我看一下", "show me session 502130"), not a phrase that only places an ask
# ("In the most recent stream, …")
_SHOW_ME = re.compile(r"看|数据|情况|表现|怎么样|如何|咋样|怎样|多少|几|吗|呢|[?？]"
                      r"|(?<![a-z])(?:show|how|stats|numbers|data|overview|recap|summary|figures|results)(?![a-z])")


def _how_one_did(f: Features) -> str | None:
    """The overview a question of how one named host (their live figures), category or product (its sales) did
    reads as, when nothing else placed it; one broadcast named with no measure ("场次502130的数据给我看一下",
    "最近一场的情况") is that broadcast's live figures."""
    if f.metric is not None:
        return None
    if _one_session(f) and not f.data("category", "product") and _SHOW_ME.search(f.text):
        return "live_performance"
    if not _HOW_DID.search(f.text):
        return None
    if f.data("host"):
        return "live_performance"
    return "metric_query" if f.data("category", "product") else None


def _route_one(question: str, vocabulary: DataVocabulary | None = None) -> Route | None:
    language = detect_language(question)
    sql = extract_sql(question)
    if sql is not None:
        return Route("run_sql", {"sql": sql}, language, ["SQL statement"])
    load_builtin_tools()
    features = extract(question, vocabulary)
    scores = score(features)
    best = scores.best()
    if (best is None or best[0] == "metric_query" and features.metric is None
            and (features.dimension is None or features.dimension.value == "session")) \
            and (overview := _how_one_did(features)) is not None:
        best = (overview, 0)
    if best is None:
        return None
    tool = best[0]
    out = _Args()
    ARGUMENT_BUILDERS[tool](features, out)
    _compose(features, tool, out)
    matched = list(dict.fromkeys(scores.reasons[tool] + out.matched))
    matched += [f"typo: {c}" for c in features.corrections]
    dropped = unhonoured(features, tool, out.args)
    windows = _listed_periods(features, tool, out.args)
    if windows:  # "10月和11月的GMV分别是多少": the same call for each window listed
        dropped = [d for d in dropped if not any(p.start <= d.start < p.end for p in windows)]
    also: list[dict] = []
    if tool == "metric_query":
        listed = _listed_measures(features, out.args.get("metric", "gmv"))
        also = [{**out.args, "metric": h.value} for h in listed]
        dropped = [d for d in dropped if not (d.kind == "metric" and any(d.start == h.start for h in listed))]
        matched += [f"{h.phrase}→also metric={h.value}" for h in listed]
    routed = Route(tool, out.args, language, matched, dropped, question,
                   find_unknown_names(features.question, vocabulary), also)
    routed.more = [Route(tool, {**out.args, "period": p.token}, language, matched + [f"{p.phrase}→listed period"],
                         [], question) for p in windows]
    return routed


# Windows listed side by side: "10月和11月", "10月、11月", "上个月和这个月", "Q1 and Q2".
_PERIOD_JOINER = re.compile(r"\s*(?:和|与|跟|及|以及|、|,|，|/|and|&|vs\.?|versus|v\.s\.?|对比|相比|比较)\s*")


def _listed_periods(f: Features, tool: str, args: dict[str, Any]) -> list[PeriodMatch]:
    """The windows listed after the one a call takes, each joined to the one before by a list word; none
    when the question compares them (a comparison is one call) or the tool takes no window."""
    if "period" not in args or "compare" in args or f.compare is not None \
            or "period" not in REGISTRY[tool].args_model.model_fields or len(f.periods) < 2:
        return []
    chain = [f.periods[0]]
    for before, after in zip(f.periods, f.periods[1:]):
        if before is chain[-1] and _PERIOD_JOINER.fullmatch(f.text[before.end:after.start]):
            chain.append(after)
    if len(chain) < 2 or args["period"] != chain[0].token:
        return []
    return [p for p in chain[1:] if p.token != chain[0].token]


# Words that join the measures of a list: "GMV、订单数和客单价", "GMV, orders and AOV", "GMV跟买家数".
_LIST_JOINER = re.compile(r"\s*(?:和|与|跟|及|以及|还有|、|,|，|/|and|&|plus|as well as)\s*"
                          # the next measure's own words of counting: "GMV and number of paid orders", "GMV和总订单数"
                          r"(?:the\s+|their\s+|number\s+of\s+|count\s+of\s+|total\s+|paid\s+|已支付的?|总)*")


def _listed_measures(f: Features, chosen: str) -> list[Hit]:
    """The measures a question lists beside the one chosen, each joined to a neighbouring measure by a list
    word. A measure that only qualifies another ("退款的订单数", "新客的客单价") is not listed: 的 is no joiner."""
    known = set(catalog.load("metrics")["metrics"])
    # (words in brackets define what is asked, "(paid orders, refunds not deducted)": they list no measure)
    bracketed = [m.span() for m in re.finditer(r"[(（][^()（）]*[)）]", f.text)]
    hits = sorted((h for h in f.metric_hits if not any(a < h.start and h.end < b for a, b in bracketed)),
                  key=lambda h: h.start)
    joined = set()
    for left, right in zip(hits, hits[1:]):
        if left.end <= right.start and _LIST_JOINER.fullmatch(f.text[left.end:right.start]):
            joined.update({left.start, right.start})
    listed, seen = [], {chosen}
    for hit in f.asked_too:  # asked of the same orders without a list word between
        if hit.value in known and hit.value not in seen:
            listed.append(hit)
            seen.add(hit.value)
    for hit in hits:
        if hit.start in joined and hit.value in known and hit.value not in seen \
                and not (f.metric and hit.overlaps(f.metric)):
            listed.append(hit)
            seen.add(hit.value)
    return listed
