"""Choose the tool: weighted keyword hits per tool, adjusted by a few explicit rules.

Every point a tool receives is recorded with its reason, so a route can be explained.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from assistant.router import vocabulary as vocab
from assistant.router.extract import (
    CHURN_RULE,
    Features,
    find_cluster_k,
    find_cluster_ref,
    find_customer_id,
    find_days_without_purchase,
    find_future,
)

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
    r"\d+\s*(?:天|日)\s*(?:内|之内|以内)?\s*(?:的)?\s*(?:复购|回购|留存|再买|再次购买|回来买)"
    r"|\d+[\s-]*days?\s+(?:repurchase|retention|repeat)|(?:within|in)\s+\d+\s+days?\s+(?:of|after)\s+(?:their\s+)?first"
)
_COUNT_RULE_SCHEMES = ("rfm", "cn8")
_EXPORT_NOUN = re.compile(r"(?:这份|这个|该|那份|订单|后台|店铺|抖店|快手|淘宝|有赞)\s*导出(?:的|里|中|文件|表|数据)?"
                          r"|导出(?:里|中|文件里|的数据里)|(?:this|the|our|shop'?s?|douyin|kuaishou|taobao|order)\s+"
                          r"(?:shop\s+)?export(?:ed)?(?:\s+file)?\b(?!\s+(?:the|a|all|as|to|them|it))")
_EXPORT_VERB = re.compile(r"帮我导出|导出来|导出成|导出为|导出一[份下个]|把.{1,20}导出|给我导|拉个名单|拉一份|下载"
                          r"|(?<![a-z])export\s+(?:the|a|all|as|to|them|it|our|my)\b|(?<![a-z])download")
_PROFILE_DIMENSIONS = ("region", "gender", "age_band", "channel", "category", "host")
_NON_REVENUE_METRICS = ("aov", "net_aov", "repurchase_rate", "refund_rate", "orders", "net_sales", "new_customers")
FORECAST_METRICS = ("gmv", "orders", "buyers", "net_sales")
_VALUE_WORDS = re.compile(r"价值|值多少|值钱|(?<![a-z])(?:worth|value)(?![a-z])")
_EXPERIMENT_NAMED = re.compile(r"a/?b|实验|显著|significan|lift|uplift|experiment|p-?value|campaign|活动效果"
                               r"|有没有效果")
_EXPERIMENT = re.compile(r"a/?b|实验|对照|显著|significan|lift|uplift|control|treatment|experiment|split test|p-?value"
                         r"|campaign|活动效果|有没有效果")
# Tools that do something with one named segment.
_SEGMENT_TASKS = ("export_segment", "segment_strategy", "segment_profile", "recommend_products", "churn_risk",
                  "customer_lifetime_value")
_BROADCASTS_RANKED = re.compile(r"(?:最高|最低|最好|最差|最多|最少|前|top\s*)\s*的?\s*(?:\d+|[一二两三四五六七八九十]+)"
                                r"\s*场(?![观景均])"
                                r"|哪(?:几|一)?场(?![观景均])")
# An export named beside a holdout ("导个excel，留20%对照组"): the control group is the export's, not an A/B test's.
_HOLDOUT = re.compile(r"留\s*\d+\s*%?\s*(?:的)?对照组?|对照组\s*\d+\s*%"
                      r"|(?:hold(?:\s|-)?out|control group)\s+(?:of\s+)?\d+\s*%|\d+\s*%\s*(?:hold(?:\s|-)?out|control)")
_GROUP_NOUNS = {"segment", "segments", "group", "分群", "人群", "群体", "tier"}
# A churn word that forecasts (who will leave) rather than names a stage already reached.
_PREDICTED = re.compile(r"可能|概率|预测|会流失|将会|风险|likel|predict|probab|risk of|will|going to")
_SALES_WORDS = re.compile(r"卖|销售|销量|成交|营收|收入|生意|赚|进账|流水|sales|sell|revenue|gmv|orders?\b"
                          r"|(?<![a-z])(?:make|earn|bring in|take in)(?![a-z])")
# "买防晒霜的人一般还会顺手带点啥": buyers of one product, what else they take
_ALSO_BUY = re.compile(r"(?:买(?:了|过)?\S{1,12}?的(?:人|用户|客户|顾客|买家)?|\S{1,12}?的(?:人|用户|客户|顾客|买家))"
                       r".{0,6}?还(?:会|要|经常|常|一般)?"
                       r"(?:搭着|顺手|顺便|一起|另外)?(?:买|带|拿|入|加购)")


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


# Where in the steps people are lost: a funnel's question, whatever metric word sits beside it.
_WHICH_STEP = re.compile(r"哪一步|哪个环节|哪个步骤|哪步|哪一环|(?<![a-z])(?:which|what) step|drop(?:s"
                         r"|ped)?[\s-]off(?![a-z])")


_STRATEGY_NOUN = re.compile(r"策略|打法|玩法|方案|运营|怎么做|(?<![a-z])(?:strateg(?:y|ies)|playbook|tactics?"
                            r"|plan)(?![a-z])")
# "Do you have event-level data like product clicks?", "有没有点击数据": whether the data holds something,
# a question about the dataset, not the figure itself
_HAS_DATA = re.compile(r"(?<![a-z])(?:do|does)\s+(?:you|we|the data(?:set)?|it)\s+(?:have|hold|contain|include|track"
                       r"|record)\b[^?？]{0,40}?(?<![a-z])(?:data|fields?|columns?)(?![a-z])"
                       r"|(?<![a-z])(?:is|are)\s+there\s+(?:any\s+)?[^?？]{0,30}?(?<![a-z])(?:data|fields?|columns?)(?![a-z])"
                       r"|(?:有没有|是否有|有无)\S{0,12}?(?:数据|字段)|数据里?(?:有没有|是否有|包不包含|包含不包含)")
_PRODUCT_NOUN = re.compile(r"商品|产品|货|单品|sku|(?<![a-z])(?:products?|items?)(?![a-z])")


_SPAN = r"(?:\d+|one|two|three|six|twelve)[\s-]*(?:months?|years?|days?)[\s-]*"
_PREDICTED_VALUE = re.compile(rf"(?<![a-z])(?:(?:predicted|projected|forecast(?:ed)?)\s+(?:{_SPAN})?"
                              rf"|(?:expected|future)\s+{_SPAN})(?:customer\s+)?value(?![a-z])")
# Words that ask what to do (not what is): a playbook is wanted
_STRATEGY_ASKED = re.compile(r"怎么|如何|该|应该|策略|方案|建议|打法|运营|唤醒|召回|维护|挽回"
                             r"|(?<![a-z])(?:how (?:should|do|can|could) we|how to|strategy|strategies|playbook|plan"
                             r"|nurture|win (?:back|them)|retain|re-?engage|what should|advice|tips|tactics)(?![a-z])")


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

    if m := _HAS_DATA.search(f.text):
        scores.add("describe_data", 12, f"rule: whether the data has it ({m.group(0)})")

    # Conversion is a live-room metric when hosts / sessions / the live room are mentioned.
    live_context = dimension in ("host", "session") or bool(f.data("host")) or any(  # "甜甜酱和米粒谁的转化率高"
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
    # "…的回购率有多少": how many asks the measure's value, not the segment's size
    # (a share after it, "收入占比", is the segment's share of the whole: the segmentation's table)
    count_of_metric = f.count is not None and f.metric is not None and 0 <= f.count.start - f.metric.end <= 2 \
        and not (f.count.phrase in ("占比", "比例", "share", "proportion", "percentage")
                 and f.metric.value in ("gmv", "net_sales", "orders"))
    if f.count and len(stages) >= 2:
        scores.add("lifecycle_stages", 7, f"rule: {f.count.phrase} + stages {'/'.join(sorted(stages))}")
        if not _PREDICTED.search(f.text):  # "新客、活跃、快流失、已经流失的各有多少人": 流失 names stages, no forecast
            scores.add("churn_risk", -scores.points["churn_risk"], "rule: churn words name stages in a list")
    elif f.count and ref is not None and not segment_is_metric and not count_of_metric:
        target = "rfm_segments" if ref.scheme in _COUNT_RULE_SCHEMES else "lifecycle_stages"
        scores.add(target, 9, f"rule: {f.count.phrase} + segment {f.segment.phrase}")
    elif ref is not None and ref.scheme == "lifecycle" and f.metric is not None and f.metric.value == "buyers" \
            and f.dimension is None and not segment_is_metric:
        # "我们流失了多少客户": the people of a stage counted (a stage is a recency rule metric_query has not)
        scores.add("lifecycle_stages", 9, f"rule: {f.metric.phrase} of stage {f.segment.phrase}")

    # A named segment seen by a customer attribute ("哪些城市的重要价值客户最多", "重要价值客户住在哪里",
    # "champions by gender"): its customers counted by that attribute; a lifecycle stage (a recency rule
    # metric_query cannot filter by) gets its profile, which compares every attribute.
    subject_of_other = f.segment is not None and any(
        f.segment.overlaps(h) for tool, hits in f.tool_hits.items() if tool != "rfm_segments" for h in hits)
    if ref is not None and dimension in _PROFILE_DIMENSIONS and metric is None and not subject_of_other \
            and scores.points["segment_profile"] == 0:
        if ref.scheme in _COUNT_RULE_SCHEMES:  # metric_query filters by RFM / 中国八类 segments
            scores.add("metric_query", 9, f"rule: {f.segment.phrase} counted by {f.dimension.phrase}")
        else:
            scores.add("segment_profile", 9, f"rule: {f.segment.phrase} by {f.dimension.phrase}")

    # "女性最喜欢买什么品类", "广东客户喜欢买什么商品": a group of no segment, its purchases ranked by the
    # category or product named (a segment's persona is segment_profile; these people are a filter)
    if ref is None and dimension in ("category", "product", "brand") and f.filters \
            and scores.points["segment_profile"] > 0:
        scores.add("metric_query", scores.points["segment_profile"] + 1, "rule: a group's purchases ranked")

    # Segment breakdowns: revenue per segment is the RFM report; other metrics are metric_query, and the
    # segmentation words are then the breakdown's name ("每个RFM分群的客单价"), not the question's subject.
    if dimension == "segment" and scores.points["rfm_segments"] > 0:
        if metric in _NON_REVENUE_METRICS:
            scores.add("metric_query", 3, f"rule: {f.metric.phrase} by segment")
            inside = [h for h in f.hits("rfm_segments") if f.dimension.start <= h.start and h.end <= f.dimension.end]
            before = f.text[:f.dimension.start].rstrip()
            marked = f.dimension.phrase.startswith(vocab.BREAKDOWN_MARKERS) or before.endswith(vocab.BREAKDOWN_MARKERS)
            if inside and marked:
                scores.add("rfm_segments", -sum(h.weight for h in inside),
                           "rule: segmentation words name the breakdown")
        else:
            scores.add("rfm_segments", 2, "rule: revenue / size by segment")

    # A scheme word beside a named segment ("the lifecycle 'churned' customers", "RFM里的重要价值客户")
    # says which segment is meant; when something is asked of that segment (a list, a strategy, a profile),
    # the scheme word does not ask for the scheme's report.
    # A measure asked of it ("for the RFM at-risk group, what's their AOV?") is such a task too.
    measured = f.metric is not None and f.segment is not None and not f.metric.overlaps(f.segment) \
        and f.metric.value != "buyers"
    if ref is not None and (measured or any(scores.points[t] > 0 for t in _SEGMENT_TASKS)):
        for tool in ("lifecycle_stages", "rfm_segments"):
            # the scheme's name, or its noun beside the segment's name ("the RFM champions segment")
            scheme_hits = [h for h in f.hits(tool) if vocab.SCHEME_WORDS.first(h.phrase) or h.phrase == "rfm"
                           or (h.phrase in _GROUP_NOUNS and 0 <= h.start - f.segment.end <= 2)]
            if scheme_hits and len(scheme_hits) == len(f.hits(tool)):
                scores.add(tool, -sum(h.weight for h in scheme_hits), "rule: scheme word qualifies the segment")
    # The eight-class scheme named without a segment of it: the segmentation itself.
    if ref is None and (scheme := vocab.SCHEME_WORDS.first(f.text)) and scheme.value == "cn8":
        scores.add("rfm_segments", 6, f"rule: scheme {scheme.phrase}")

    # "这份抖店订单导出里", "in this Douyin export": the export is the file being asked about, not a request.
    if scores.points["export_segment"] > 0 and _EXPORT_NOUN.search(f.text) and not _EXPORT_VERB.search(f.text):
        scores.clear("export_segment")

    # A list of a named segment is an export; products for a named segment are recommendations.
    if ref is not None and f.has("export_segment", "名单", "清单", "list"):
        scores.add("export_segment", 3, f"rule: list of {f.segment.phrase}")
    elif ref is not None and scores.points["export_segment"] >= 6:
        scores.add("export_segment", 3, f"rule: export {f.segment.phrase}")
    if ref is not None and scores.points["recommend_products"] > 0:
        scores.add("recommend_products", 3, f"rule: recommend for {f.segment.phrase}")
    # "针对潜在流失用户，应该推什么样的挽留策略": a strategy is pushed, not a product; products only when named
    if scores.points["segment_strategy"] > 0 and scores.points["recommend_products"] > 0 \
            and _STRATEGY_NOUN.search(f.text) and not _PRODUCT_NOUN.search(f.text):
        scores.add("recommend_products", -scores.points["recommend_products"], "rule: a strategy, not products")

    # "orders with coupon vs without", "用券和没用券的客单价": a split of orders by coupon use; only words of an
    # experiment (A/B, 实验, 对照, lift, significant) ask for the campaign's test
    if dimension == "coupon" and not _EXPERIMENT.search(f.text):
        scores.add("metric_query", 6, "rule: orders split by coupon use")

    # "新老客的GMV占比", "new vs returning customers": buyers split by whether they had bought before the window,
    # not the lifecycle stages (a recency rule as of the data's end)
    if dimension == "buyer_type":
        scores.add("metric_query", 6, "rule: new vs returning buyers")

    # "没付款的订单有多少", "cancelled orders last month": orders in a status are counted, not a funnel step
    # (also when the status was named only to be left out: "没付款的也不算" is which orders count)
    left_out = any(h.value in ("cancelled", "unpaid", "cancelled/unpaid") for h in f.filter_hits)
    if (f.filters.get("status") or dimension == "status" or left_out) and (f.count or f.metric):
        scores.add("metric_query", 5, "rule: orders in a status")

    # "用了券的订单有多少单", "how many orders used a coupon": orders that used one are counted; an experiment is
    # asked about in its own words ("发券实验", "did the coupon campaign lift…")
    if (f.filters.get("coupon") or dimension == "coupon") and (f.count or f.metric) \
            and not _EXPERIMENT.search(f.text):
        scores.add("metric_query", scores.points["ab_test"] + 1, "rule: orders with or without a coupon counted")

    if _ALSO_BUY.search(f.text) and not f.segment and scores.points["recommend_products"] < 6:
        scores.add("product_associations", 7, "rule: buyers of a product, what else they buy")

    # Stage-to-stage wording ("从观看到下单", "from view to purchase") is a funnel; so is asking at which step
    # people are lost ("转化咋这么低，看看是哪一步掉得最狠").
    if funnel_path:
        scores.add("funnel", 6, "rule: from one step to another")
    elif m := _WHICH_STEP.search(f.text):
        scores.add("funnel", 5, f"rule: which step ({m.group(0)})")
    # "30天复购率 / 90-day retention": repeat purchase measured from the first order.
    if _DAYS_RETENTION.search(f.text):
        scores.add("cohort_retention", 6, "rule: N-day repurchase / retention")
    # An explicit number of clusters.
    if scores.points["customer_clusters"] > 0 and find_cluster_k(f.text):
        scores.add("customer_clusters", 4, "rule: number of clusters")
    elif (k := find_cluster_k(f.text)) and not f.segment:
        # "split customers into 4 groups by spend": a number of groups asked for is a clustering (the segmentation's
        # groups are fixed)
        scores.add("customer_clusters", 7, f"rule: {k.phrase}")

    # "橙子姐姐GMV最高的5场", "哪几场": broadcasts ranked, the live table by session
    if _BROADCASTS_RANKED.search(f.text) and scores.points["funnel"] == 0:
        scores.add("live_performance", 6, "rule: broadcasts counted or ranked")
    if scores.points["export_segment"] >= 6 and _HOLDOUT.search(f.text) and not _EXPERIMENT_NAMED.search(f.text):
        scores.add("ab_test", -scores.points["ab_test"], "rule: the export's holdout, not an experiment")

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

    # "冠军客户未来一年价值多少", "what are they worth over the next 2 years": value over a future span
    if future and _VALUE_WORDS.search(f.text):
        scores.add("customer_lifetime_value", 6, f"rule: value + future ({future.phrase})")

    # "超过180天没买的客户有多少": customers past a recency threshold are the churned stage of that rule.
    if (silent := find_days_without_purchase(f.text)) and not find_customer_id(f.text):
        scores.add("lifecycle_stages", 9, f"rule: {silent.phrase}")
    elif rule := CHURN_RULE.search(f.text):  # "流失按90天算，各阶段多少人": the stages' own rule is given
        scores.add("lifecycle_stages", 9, f"rule: {rule.group(0)}")

    # "第3类客户有啥特点": a cluster's profile; one cluster named without a number of clusters to make
    # ("聚类出来的第3类客户") is that cluster, not a new clustering.
    if cluster := find_cluster_ref(f.text):
        if scores.points["segment_profile"] > 0:
            scores.add("segment_profile", 4, "rule: profile of a cluster")
        elif not find_cluster_k(f.text) and scores.points["customer_clusters"] > 0:
            scores.add("segment_profile", scores.points["customer_clusters"] + 1,
                       f"rule: one cluster ({cluster.phrase})")

    # "top 10 customers by predicted 12-month value", "expected 1-year value": a value forecast over a span
    if _PREDICTED_VALUE.search(f.text):
        scores.add("customer_lifetime_value", 8, "rule: a predicted value")

    # "Which customers ..." with churn words: the churn-risk list.
    if f.who and scores.points["churn_risk"] > 0:
        scores.add("churn_risk", 2, f"rule: {f.who.phrase} + churn")

    # "How should we nurture customers in the new-customer stage of the lifecycle?", "Strategy overview across
    # all the RFM segments": the groups' words name whose playbook is asked (one group's, or every group's), not
    # the report that counts them (weighed last, against the report's every point)
    report = max(scores.points["lifecycle_stages"], scores.points["rfm_segments"])
    if scores.points["segment_strategy"] > 0 and _STRATEGY_ASKED.search(f.text) and not f.count \
            and (ref is not None or scores.points["segment_strategy"] >= 7) \
            and scores.points["segment_strategy"] <= report:
        scores.add("segment_strategy", report - scores.points["segment_strategy"] + 1,
                   "rule: a strategy asked for named groups")
    return scores
