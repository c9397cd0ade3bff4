"""Everything the router reads from a question, before choosing a tool: periods, metrics,
dimensions, filters, top-N, direction, segments, per-tool keyword hits and a few argument values."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from assistant.router import vocabulary as vocab
from assistant.router.averages import find_per
from assistant.router.data_vocabulary import DataHit, DataVocabulary
from assistant.router.hours import find_hours
from assistant.router.language import detect_language
from assistant.router.matching import Hit
from assistant.router.names import session_title_asked
from assistant.router.normalize import normalize
from assistant.router.numbers import CN_NUMERAL, EN_NUMBER, NUMBER, to_int
from assistant.router.periods import (
    NAMED_TOKEN,
    PEAK_PROMOTION,
    WEEKDAY_EN,
    WEEKDAY_NUMBER,
    PeriodMatch,
    find_periods,
)
from assistant.router.segments import SIDE_BY_SIDE, find_segments
from assistant.router.spelling import correct_spelling


@dataclass
class Features:
    question: str
    text: str  # normalised (lowercase)
    language: str
    corrections: list[str] = field(default_factory=list)
    period: PeriodMatch | None = None
    metric: Hit | None = None  # value: metric key
    metric_hits: list[Hit] = field(default_factory=list)  # every metric word, the chosen one included
    dimension: Hit | None = None  # value: dimension key
    filters: dict[str, str | list[str]] = field(default_factory=dict)
    filter_hits: list[Hit] = field(default_factory=list)
    limit: Hit | None = None  # value: int
    order: Hit | None = None  # value: "asc" | "desc"
    segment: Hit | None = None  # value: SegmentRef
    segment_hits: list[Hit] = field(default_factory=list)
    count: Hit | None = None
    who: Hit | None = None
    domain: bool = False
    lifecycle_words: list[Hit] = field(default_factory=list)
    periods: list[PeriodMatch] = field(default_factory=list)  # every time phrase, in text order
    tool_hits: dict[str, list[Hit]] = field(default_factory=dict)
    data_hits: list[DataHit] = field(default_factory=list)  # host / product / category names in the data
    session_title: str | None = None  # one broadcast named by (part of) its title, as the data's titles hold it
    compare: Hit | None = None  # value: "previous_period" | "last_year"
    displaced: list[Hit] = field(default_factory=list)  # breakdowns named beside a two-sided split (not applied)
    # measures asked of the same orders beside the chosen one, where no list word joins them ("部分退款有几单，
    # 退了多少钱", "how many were partially refunded and how much was refunded")
    asked_too: list[Hit] = field(default_factory=list)
    # filters whose list of values is one group, not values to set side by side ("周二到周四", 有效订单's statuses)
    one_group: set[str] = field(default_factory=set)
    # phrases a call honours with no argument of their own ("算上0元的单": the usual count has them)
    honoured: list[Hit] = field(default_factory=list)
    per: Hit | None = None  # an average over time asked for (日均, "per day on average"); value: day | week | month
    # the breakdown splits the group a filter of its own kind names ("Of the refunded orders, what share were full
    # refunds": refunded orders by kind of refund), so the filter does not make it a word of the filter's
    split_within: bool = False

    def data(self, *kinds: str) -> list[DataHit]:
        return [h for h in self.data_hits if h.kind in kinds]

    def hits(self, tool: str) -> list[Hit]:
        return self.tool_hits.get(tool, [])

    def has(self, tool: str, *phrases: str) -> bool:
        """Whether any of `phrases` (vocabulary entries) was found for `tool`."""
        return any(h.value in phrases for h in self.hits(tool))


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")



def _choose_metric(features: Features, phrase: str, value: str, start: int, end: int) -> None:
    """Make `value` the measure asked for; metric words it covers are its own, not measures beside it."""
    features.metric = Hit(phrase, value, start, end)
    features.metric_hits = [h for h in features.metric_hits if not h.overlaps(features.metric)] + [features.metric]


def main_segment(hits: list[Hit]) -> Hit | None:
    """The segment a question names: its longest segment phrase, the first of equals."""
    return max(hits, key=lambda h: (h.end - h.start, -h.start), default=None)


def _not_inside(hits: list[Hit], blockers: list[Hit | PeriodMatch]) -> list[Hit]:
    return [h for h in hits if not any(h.start < b.end and b.start < h.end for b in blockers)]


# "成交了多少" with no unit after it asks for the amount; "成交了多少单 / 件 / 人" count something else.
_DEALT_HOW_MUCH = re.compile(r"成交(?:了)?多少(?![单笔件人个位次场])"
                             # "平均一天卖多少钱", "卖了多少": money taken (not 能卖多少, a forecast; not 卖了多少件)
                             r"|(?<![能会将要])卖(?:了|出|掉)?多少(?:钱|金额)?(?![单笔件人个位次场货台瓶盒套双])"
                             # "女性客户上个月买了多少钱", "共消费了多少钱": money the buyers paid
                             # (not of one person pointed at: "她买了多少钱" is hers, never the shop's)
                             r"|(?<![能会将要她他它])(?<!ta)(?<!ta )(?:买|消费|付|支付)(?:了|掉)?(?:多少|几)"
                             r"(?:钱|块钱|元)"
                             # "how much did 玻尿酸精华 make", "what did 小雅 sell": money a subject brought in
                             r"|(?<![a-z])(?:how much|what)\s+(?:money\s+)?(?:do|did|does|has|have)\s+.{1,40}?\s+"
                             r"(?:make|made|earn|earned|bring in|brought in|take in|gross|sell|sold)(?![a-z])")
# Words of selling well that name no amount: with units asked for, they rank by units.
_SELLING_WORDS = re.compile(r"卖|销售$|sell|sold|best|top")

# Bare nouns that usually qualify another metric ("新客的客单价", "复购用户的GMV", "退款订单数").
_QUALIFIER_PHRASES = {"新客", "新客户", "新用户", "新买家", "复购", "回购", "退款", "退货", "订单", "买家",
                      "销售", "refund", "refunds", "repurchase", "repeat purchase", "new customers", "new users"}


_COUNTED = re.compile(r"(?:多少|几)\s*(?:个|位|名|笔|单|家)?\s*(?:真实|不同|独立|去重|实际)?\s*$"
                      r"|(?:how many|number of)\s+(?:distinct |unique |real |different |paying )?$")


_BROKEN_DOWN = re.compile(r"\s*(?:per|by|each|every|across)\s+(?:day|week|month|quarter|year|host|session|category"
                          r"|product|region|province|city|gender|age|channel|segment)")


# Money asked in English ("how much came from …"), a word of money, and a rate's own word.
_MONEY_ASKED_EN = re.compile(r"(?<![a-z])how much(?![a-z])(?!\s+(?:of|customers|buyers|people|users|shoppers|new))"
                             r"|(?<![a-z])(?:revenue|spend|spent|money)(?![a-z])")
_MONEY_WORD = re.compile(r"钱|金额|(?<![a-z])(?:money|amount|dollars?|yuan|rmb)(?![a-z])")
_RATE_WORD = re.compile(r"率|比例|(?<![a-z])(?:rate|ratio|share|percent)")


_PER_BUYER_MEASURES = {"spend_per_buyer", "net_spend_per_buyer", "orders_per_buyer", "first_order_aov"}
_PEOPLE_NOUNS = {"buyers", "buyer", "customers", "customer", "shoppers", "users", "买家", "客户", "顾客", "用户"}


def _main_metric(hits: list[Hit], text: str = "") -> Hit | None:
    """The metric being counted ("多少个买家"), else the first that is not just a qualifier of another one."""
    if not hits:
        return None
    counted = [h for h in hits if _COUNTED.search(text[max(0, h.start - 12):h.start])]
    if counted:
        return counted[0]
    # "male buyers in 山东, orders per month": the measure is the one a breakdown is applied to
    broken_down = [h for h in hits if _BROKEN_DOWN.match(text, h.end)]
    if len(broken_down) == 1 and len(hits) > 1:
        return broken_down[0]
    # "how much do female buyers spend on average": buyers not counted are who is measured, not the measure
    # (only beside a measure taken per buyer; "buyers and GMV", "buyers last month with AOV" ask both)
    people = [h for h in hits if h.value == "buyers" and h.phrase in _PEOPLE_NOUNS
              and not re.match(r"\s*(?:和|与|及|、|,|，|and|&|\+|vs)", text[h.end:])]
    if people and any(h.value in _PER_BUYER_MEASURES for h in hits):
        hits = [h for h in hits if h not in people]
    strong = [h for h in hits if h.phrase not in _QUALIFIER_PHRASES]
    return strong[0] if strong else hits[0]


def _not_within(hits: list[Hit], containers: list[Hit]) -> list[Hit]:
    """Drop hits lying entirely inside one of `containers` (日销售额 keeps "day"; 新客数 drops 新客)."""
    return [h for h in hits if not any(c.start <= h.start and h.end <= c.end for c in containers)]


_NAME_GAP = re.compile(r"\s*(?:这个|这一个|这位|这款|那个|那位|叫|名为|named|called)?\s*")


def _names_a_value(text: str, dimension: Hit, data_hits: list[DataHit]) -> bool:
    """"母婴用品 category", "品类母婴用品", "主播小雅": the dimension's noun labels a value the question names,
    so it is that value's filter, not a breakdown."""
    return any(hit.kind == dimension.value and (
        (hit.end <= dimension.start and _NAME_GAP.fullmatch(text[hit.end:dimension.start]))
        or (dimension.end <= hit.start and _NAME_GAP.fullmatch(text[dimension.end:hit.start])))
        for hit in data_hits)


# A group's noun after a demonstrative ("这个品类", "that host"): the one group an earlier ask found, not a breakdown.
_POINTED_AT = re.compile(r"(?:这|那|该)(?:个|款|位|家|座|一)?\s*$|(?<![a-z])(?:this|that|the same)\s+$", re.IGNORECASE)


def _marked(text: str, hit: Hit) -> bool:
    """A dimension named after a breakdown marker (按/各/by/per ...)."""
    before = text[: hit.start].rstrip()
    return hit.phrase.startswith(vocab.BREAKDOWN_MARKERS) or before.endswith(vocab.BREAKDOWN_MARKERS)


def _choose_dimension(text: str, hits: list[Hit]) -> Hit | None:
    """The dimension named after a breakdown marker (按/各/by/per ...), else the first non-time one."""
    if not hits:
        return None

    def marked(hit: Hit) -> bool:
        return _marked(text, hit)

    # of two marked, the one that is not time: a table by category can be read by month, a trend not by category
    for candidates in (sorted((h for h in hits if marked(h)), key=lambda h: h.value in vocab.TIME_DIMENSIONS),
                       [h for h in hits if h.value not in vocab.TIME_DIMENSIONS],
                       hits):
        if candidates:
            return candidates[0]
    return None


_AGE = re.compile(r"(?:(?<![\d.\-])(18|25|31|41)\s*(?:-|~|到|至)\s*(24|30|40|50)(?:\s*岁|(?![\d\-/]))"
                  r"|(?:aged?|ages)\s+(18|25|31|41)\s*(?:-|~|to)\s*(24|30|40|50)(?!\d)"
                  r"|(50)\s*(?:\+|岁以上|岁及以上|岁\+)|(?:aged?|over)\s+(50)\s*\+?(?!\d))")


_CHANNEL_NAMES = "|".join(sorted((re.escape(w) for ws in vocab.CHANNEL_WORDS.values() for w in ws),
                                 key=len, reverse=True))
_CHANNEL = re.compile(
    rf"(?:来自|从|通过)\s*({_CHANNEL_NAMES})|({_CHANNEL_NAMES})\s*(?:渠道|来源|来的|进来的|引流|拉新|获客)"
    # ("直播渠道下单": where the order was placed, the source's reading)
    r"(?!\s*(?:下单|下的单|成交|的?订单))"
    # (the live-room funnel is the funnel's own name, not customers from a channel)
    rf"|(?<![a-z])(?:from|via|through)\s+(?:the\s+)?({_CHANNEL_NAMES})(?![a-z])(?!\s*(?:funnel|漏斗))"
    rf"|(?<![a-z])({_CHANNEL_NAMES})\s+(?:channel|traffic|acquisition)"
    # the data's own codes mean nothing else: taken alone
    r"|(?<![a-z_])(live_room|short_video)(?![a-z_])"
    # "live渠道拉来的客户": people who came by the live channel (its sales, "live渠道下单", are the source's)
    r"|(?<![a-z])(live)\s*(?:渠道|channel)(?=\s*(?:来的|进来|引流|拉新|获客|拉来|获取|带来|引来|吸引|过来"
    r"|的?(?:客户|用户|买家|顾客|新客|人)|(?:customers|buyers|users|shoppers|people)(?![a-z])))")
_CHANNEL_OF = {w: key for key, ws in vocab.CHANNEL_WORDS.items() for w in ws} | {"live": "live_room"}


def find_channels(text: str) -> list[Hit]:
    """"来自直播间的", "短视频来的", "from ads": an acquisition-channel filter."""
    hits = []
    for m in _CHANNEL.finditer(text):
        word = next(g for g in m.groups() if g)
        hits.append(Hit(m.group(0), _CHANNEL_OF[word], m.start(), m.end()))
    return hits


def find_age_bands(text: str) -> list[Hit]:
    hits = []
    for m in _AGE.finditer(text):
        low, high = m.group(1) or m.group(3), m.group(2) or m.group(4)
        band = f"{low}-{high}" if low else "50+"
        if band in vocab.AGE_BANDS:
            hits.append(Hit(m.group(0), band, m.start(), m.end()))
    return hits


_LIMIT_PATTERNS = [
    # (not a span of time: "前后两个月" is two months)
    re.compile(rf"(?:倒数|(?<!前)后|末尾)\s*({NUMBER})\s*(?:名|个(?!\s*(?:月|星期|礼拜|季度?|小时))|位|款|家|场|种|类)"),
    re.compile(rf"前\s*({NUMBER})(?!\s*个?\s*(?:天|日|周|星期|礼拜|月|年|季|小时|次))"),
    re.compile(rf"(?<![a-z])top\s*-?\s*({NUMBER})(?![\d.])"),
    re.compile(rf"(?<![\d.])(\d{{1,3}}|{CN_NUMERAL})\s*(?:大|强)(?!促|盘|于|概)"),
    re.compile(rf"(?<![a-z])(?:best|worst|bottom|highest|lowest|largest|biggest|first)\s+({NUMBER})(?![\d.])"),
    re.compile(rf"(?<![a-z0-9])({NUMBER})\s+(?:best|worst|top|highest|lowest|largest|biggest|most)(?![a-z])"),
    re.compile(rf"最(?:高|低|多|少|好|差|大|小)的\s*({NUMBER})\s*(?:个|名|位|款|家|场|种|类)"),
    re.compile(r"(?<![a-z])limit\s+(\d+)"),
    # "推荐5个商品", "列出10位客户", "给我20个名单": a verb of listing, a count, a counter word.
    re.compile(rf"(?:推荐|列出|列一下|给我|找出|挑出|选出|拉出)\s*({NUMBER})\s*(?:个|名|位|款|件|家|场|种)"),
    # "最可能流失的50个客户", "10位主播": a count of the things listed
    re.compile(r"(?<![\d.])(\d{1,4})\s*(?:个|位|名|款|件|场)\s*(?:客户|用户|顾客|买家|人|会员|商品|产品|单品|主播|场次|直播)"),
    re.compile(r"(?<![a-z0-9])(?:the|list|show|give me|just)\s+(\d{1,4})\s+(?:riskiest|most likely|most valuable"
               r"|customers|buyers|products|hosts|sessions)(?![a-z])"),
    # "which 3 provinces had the lowest AOV", "which 50 重要价值客户 are most at risk": a count of the ones asked for
    re.compile(rf"(?<![a-z])(?:which|what)\s+(\d{{1,4}}|{EN_NUMBER})\s+(?!days?\b|weeks?\b|months?\b|years?\b|hours?\b)"
               r"(?:[a-z]+|[\u4e00-\u9fff]+)"),
    re.compile(rf"哪\s*({NUMBER})\s*(?:个|位|名|款|件|家|场|种|类)(?!\s*(?:天|日|周|星期|月|年|季|小时))"),
]


def find_limit(text: str) -> Hit | None:
    for pattern in _LIMIT_PATTERNS:
        for m in pattern.finditer(text):
            value = to_int(m.group(1))
            if value and 1 <= value <= 1000:
                return Hit(m.group(0).strip(), value, m.start(), m.end())
    return None


_CLUSTER_K = [
    re.compile(rf"(?:聚成|分成|分为|聚为|划分为|划分成|切成)\s*({NUMBER})\s*(?:个)?\s*(?:类|群|组|簇|堆|cluster)"),
    re.compile(rf"({NUMBER})\s*个?\s*(?:簇|类人群|个类|clusters?)(?![a-z])"),
    re.compile(rf"into\s+({NUMBER})\s+(?:groups|clusters|segments|types|classes|personas|buckets)"),
    re.compile(r"(?<![a-z])k\s*=\s*(\d+)"),
]


def find_cluster_k(text: str) -> Hit | None:
    for pattern in _CLUSTER_K:
        if m := pattern.search(text):
            value = to_int(m.group(1))
            if value and 2 <= value <= 50:
                return Hit(m.group(0), value, m.start(), m.end())
    return None


_CLUSTER_REF = re.compile(
    r"(?:第\s*(\d{1,2})\s*(?:个)?(?:聚类|簇|类人群|类客户|类)|(?:聚类|簇|cluster|group)\s*#?\s*(\d{1,2}))")


def find_cluster_ref(text: str) -> Hit | None:
    """"第2类", "聚类3", "cluster 2": a cluster from customer_clusters (its number)."""
    if m := _CLUSTER_REF.search(text):
        number = m.group(1) or m.group(2)
        return Hit(m.group(0), str(int(number)), m.start(), m.end())
    return None


_UNIT_GRAIN = {"天": "day", "日": "day", "day": "day", "days": "day", "周": "week", "星期": "week",
               "week": "week", "weeks": "week", "月": "month", "个月": "month", "month": "month",
               "months": "month", "年": "year", "year": "year", "years": "year"}
_NEXT_N = re.compile(
    r"(?:未来|接下来|之后|今后|往后|next|coming|following)\s*的?\s*(\d{1,3}|[一二两三四五六七八九十]+)\s*"
    r"(个月|天|日|周|星期|年|days?|weeks?|months?|years?)")
_NEXT_ONE = [
    (re.compile(r"明天|tomorrow"), 1, "day"),
    (re.compile(r"下周|下个?星期|下个礼拜|next week|coming week"), 7, "day"),
    (re.compile(r"下个?月|next month|coming month"), 30, "day"),
    (re.compile(r"下个?季度|next quarter"), 13, "week"),
    (re.compile(r"明年|next year"), 12, "month"),
]


def find_future(text: str) -> Hit | None:
    """A future span: "未来30天" -> (30, day), "next 4 weeks" -> (4, week), "下个月" -> (30, day).

    The value is (horizon, grain), in the units sales_forecast takes."""
    if m := _NEXT_N.search(text):
        count = to_int(m.group(1))
        if count:
            grain = _UNIT_GRAIN[m.group(2)]
            if grain == "year":  # "未来一年", "next 2 years": in months
                count, grain = count * 12, "month"
            return Hit(m.group(0), (count, grain), m.start(), m.end())
    for pattern, horizon, grain in _NEXT_ONE:
        if m := pattern.search(text):
            return Hit(m.group(0), (horizon, grain), m.start(), m.end())
    return None


_GENERIC_PRODUCTS = {"什么", "哪些", "商品", "东西", "产品", "啥", "这个", "那个", "it", "what", "which",
                     "products", "product", "items", "something", "this", "that"}
_PRODUCT_PATTERNS = [
    re.compile(r"(?:买了|购买了|买过|购买过|下单了|购买|买)\s*([^\s,.?!的]{1,20}?)\s*的(?:人|用户|客户|顾客|买家|消费者)?"
               r"(?=.{0,8}还)"),
    re.compile(r"(?:买了|购买了|买过|购买过|下单了|购买)\s*([^\s,.?!的]{1,20}?)\s*的(?:人|用户|客户|顾客|买家|消费者)"),
    re.compile(r"(?:和|跟|与)\s*([^\s,.?!的]{1,20}?)\s*(?:一起|搭配|同时)"),
    re.compile(r"([^\s,.?!的买]{1,20}?)\s*(?:经常)?(?:和|跟|与)什么(?:一起|搭配)"),
    re.compile(r"(?:bought|buy|buys|purchased|purchase|ordered)\s+(?:a |an |the |some )?"
               r"([a-z0-9\u4e00-\u9fff][a-z0-9\u4e00-\u9fff \-]{0,30}?)[,，]?\s+(?:also|tend|usually|often|typically|"
               r"buy|will|too|then|what)"),
    re.compile(r"(?:goes well with|go well with|goes with|go with|paired with|together with|alongside|along with)"
               r"\s+(?:a |an |the )?"
               r"([a-z0-9\u4e00-\u9fff][a-z0-9\u4e00-\u9fff \-]{0,30}?)\s*(?:\?|$|,|\.)"),
]


def find_product(text: str) -> Hit | None:
    for pattern in _PRODUCT_PATTERNS:
        for m in pattern.finditer(text):
            name = m.group(1).strip(" \"'")
            if name and name not in _GENERIC_PRODUCTS and not name.startswith(("什么", "哪")):
                return Hit(m.group(0), name, m.start(1), m.end(1))
    return None


_CUSTOMER_ID = re.compile(
    r"(?:客户|用户|顾客|买家|会员|customer|user|buyer|member)\s*(?:id|编号|号|no\.?|number)?\s*[:#=]?\s*(\d{3,})")
_CAMPAIGN_ID = re.compile(
    r"(?:campaign|活动|实验|测试|test|experiment)\s*(?:id|编号|号)?\s*[:#=]?\s*"
    r"([A-Za-z][A-Za-z0-9_\-]*\d[A-Za-z0-9_\-]*|\d{2,}[A-Za-z0-9_\-]*)")


def find_customer_id(text: str) -> Hit | None:
    if m := _CUSTOMER_ID.search(text):
        return Hit(m.group(0), int(m.group(1)), m.start(1), m.end(1))
    return None


# An id written before its noun: "coupon_2025_618那个活动", "spring-ab-2 experiment".
_CAMPAIGN_ID_BEFORE = re.compile(
    r"(?<![A-Za-z0-9_\-])([A-Za-z][A-Za-z0-9]*[_\-][A-Za-z0-9_\-]*\d[A-Za-z0-9_\-]*)\s*(?:这个|那个|这次|那次|的)?\s*"
    # a kind of campaign may stand between: "the double11_2026 coupon campaign", "spring_2026发券活动"
    r"(?:(?:coupon|voucher|discount|email|sms|a/b|优惠券|发券|满减|短信)\s*)?"
    r"(?:campaign|活动|实验|测试|test|experiment|ab)", re.IGNORECASE)


# An id whose own name says it is a campaign: "Did coupon_2026_09 lift revenue per customer?"
_CAMPAIGN_ID_BARE = re.compile(r"(?<![A-Za-z0-9_\-])((?:coupon|campaign|promo|ab|test|exp"
                               r"|experiment)[_\-][A-Za-z0-9_\-]*\d"
                               r"[A-Za-z0-9_\-]*)", re.IGNORECASE)


def find_campaign_id(question: str) -> Hit | None:
    """Campaign ids keep their case, so this reads the question, not the lowercased text."""
    text = normalize(question, lower=False)
    for pattern in (_CAMPAIGN_ID, _CAMPAIGN_ID_BEFORE, _CAMPAIGN_ID_BARE):
        if m := pattern.search(text):
            return Hit(m.group(0), m.group(1), m.start(1), m.end(1))
    return None


# Comparisons. 同比 = the same window a year earlier; 环比 = the window just before. The last-year
# forms are checked first, so "比去年" is not read as "比 + a previous period".
_COMPARE_LAST_YEAR = re.compile(
    r"同比|去年同期|上年同期|(?:比|跟|和|与|较|相比|对比|超过|跑赢|赶上|不如|落后于?)\s*(?:起)?去年"
    r"|(?<![a-z])yoy(?![a-z])|y-o-y"
    r"|year[\s-]over[\s-]year|same (?:period|time|window|quarter|month|week|day|season) (?:of |in )?last year"
    # ("are we ahead of last year", "behind last year's pace"): last year as the bar the window is held to
    r"|(?:vs\.?|versus|compare[sd]? (?:with|to)|comparing|against|than|ahead of|behind|up on|down on|beating|beat"
    r"|outpacing|trailing) (?:the same \w+ )?last year")
_COMPARE_PREVIOUS = re.compile(
    r"环比|(?:比|跟|和|与|较|相比|对比)\s*(?:起)?(?:再)?(?:上|前)(?!年)|上一期|上期"
    r"|(?<![a-z])mom(?![a-z])|m-o-m|(?:month|week|quarter)[\s-]over[\s-](?:month|week|quarter)"
    # ("compare the last 30 days with …": the verb's object is the window asked about, not the base)
    r"|(?:vs\.?|versus|compared (?:with|to)|compares? (?:with|to)|against|than)\s*"
    r"(?:the )?(?:previous|prior|last|"
    r"(?:month|week|quarter|year) before|上|前)"
    # "with the 30 days before that", "vs the 4 weeks prior": the same length just before
    # ("the day before yesterday", "the week before last" are days and weeks, not a comparison)
    r"|(?<![a-z])the\s+\d+\s+(?:days|weeks|months)\s+(?:before|prior|earlier)(?![a-z])(?!\s+(?:yesterday|last))"
    r"|(?<![a-z])the\s+(?:day|week|month)\s+(?:before|prior)\s+(?:that|it)(?![a-z])"
    r"|(?:再)?(?:之前|往前)的?\s*\d+\s*(?:天|周|个月)"
    # "最近两周和之前两周比", "相比前面两个月": the same span just before, in words
    r"|(?:和|与|跟|比|相比|对比)\s*(?:再)?(?:之前|往前|前面|前)的?\s*[一二两三四五六七八九十]+\s*个?(?:天|周|星期|月)")
# The grain a comparison names ("week over week", "周环比"): the grain of the trend it asks for.
_COMPARE_GRAIN = re.compile(r"(day|week|month)[\s-]over|(日|周|月)环比")
# A period named as the comparison base ("比上个月") -> the period it is compared with (this month).
_SUCCESSOR = {"last_month": "this_month", "last_week": "this_week", "last_quarter": "this_quarter",
              "last_year": "this_year", "2_months_ago": "last_month", "2_weeks_ago": "last_week",
              "2_quarters_ago": "last_quarter", "2_years_ago": "last_year"}


# A span of a few whole units ("最近两周", "前后两个月", "the last 3 weeks") asked to be compared, with no other
# window named as the base: its units side by side
_SPAN_OF_UNITS = re.compile(r"last_[23]_(weeks|months)")
_SPAN_GRAIN = {"weeks": "week", "months": "month"}
_COMPARED = re.compile(r"对比|比较|比一比|比一下|相比"
                       r"|(?<![a-z])(?:compare[sd]?|comparing|comparison|vs\.?|versus)(?![a-z])")


def find_compare(text: str) -> Hit | None:
    for pattern, kind in ((_COMPARE_LAST_YEAR, "last_year"), (_COMPARE_PREVIOUS, "previous_period")):
        if m := pattern.search(text):
            return Hit(m.group(0), kind, m.start(), m.end())
    return None


def _compared_period(text: str, periods: list[PeriodMatch], compare: Hit) -> PeriodMatch | None:
    """The window being asked about: the first period outside the comparison phrase; when the only
    period is the comparison base ("GMV比上个月涨了多少"), the period after it (this month)."""
    inside = [p for p in periods if compare.start <= p.start < compare.end]

    def is_base(p: PeriodMatch) -> bool:
        # inside the comparison words or right after them ("比上个月", "vs last month"); a period after a
        # comma is the question's own window ("vs the month before, last month"), and so is one after words
        # that already hold their base ("ahead of last year this quarter")
        if inside:
            return p in inside
        return compare.start <= p.start and not text[compare.end:p.start].strip()
    own = [p for p in periods if not is_base(p)]
    if own:
        return own[0]
    base = next((p for p in periods if is_base(p)), None)
    if base is None or base.token not in _SUCCESSOR:
        return None
    return PeriodMatch(_SUCCESSOR[base.token], base.phrase, base.start, base.end)


_VERSUS = re.compile(r"\s*(?:vs\.?|versus|v\.s\.?|对比|相比|比较|比|和|跟|与|against|than|compared? (?:to|with)"
                     r"|stack(?:s|ed)? up against)\s*")
# Words between two windows set against each other that name neither: the measure, "of", "的", "'s"
_BETWEEN_WINDOWS = re.compile(r"'s|的|期间|(?<![a-z])(?:the|of|in|for|this|that|last|same|month|period)(?![a-z])")
# A year said after a window ("october last year", "september of last year"): that window in that year
_OF_YEAR = re.compile(r"\s*(?:of|in)?\s*")


def _versus(text: str, periods: list[PeriodMatch], anchor: date) -> Hit | None:
    """"october vs september", "今年双11 vs 去年双11", "this october against october last year", "618 今年 vs
    去年": two windows set against each other. When the second is the window just before the first (or the same
    one a year earlier) it is that comparison; otherwise none, and the two windows are answered side by side."""
    from tools.timewindow import PeriodError, previous_window, resolve_period, year_earlier_window

    for i, (first, second) in enumerate(zip(periods, periods[1:])):
        between = text[first.end:second.start]
        for measure in vocab.METRICS.find(between):
            between = between.replace(measure.phrase, " ")
        joiner = _VERSUS.fullmatch(_BETWEEN_WINDOWS.sub(" ", between))
        if joiner is None:
            continue
        hit = Hit(text[first.end:second.start].strip(), "last_year", first.end, second.start)
        if (first.token, second.token) == ("this_year", "last_year"):
            return hit  # "今年 vs 去年": the same span of the year before
        year = periods[i + 2] if i + 2 < len(periods) else None
        if first.token == second.token and (
                (year is not None and year.token == "last_year" and _OF_YEAR.fullmatch(text[second.end:year.start]))
                or re.search(r"(?<![a-z])last\s+$", text[:second.start])):
            return hit  # "october vs october last year", "this october vs last october"
        try:
            mine, theirs = resolve_period(first.token, anchor), resolve_period(second.token, anchor)
        except PeriodError:
            return None
        for kind, natural in (("last_year", year_earlier_window(mine)), ("previous_period", previous_window(mine))):
            if natural is not None and (natural.start, natural.end) == (theirs.start, theirs.end):
                return Hit(text[first.end:second.start].strip(), kind, first.end, second.start)
        return None
    return None


def _trend_grain(trend: Hit, period: PeriodMatch | None, anchor: date) -> Hit:
    """A trend over a window of days or weeks is by day ("10/10~10/20 走势", "本月走势"): by month it would be one
    or two points. Longer windows, or none, keep the trend by month."""
    from tools.timewindow import PeriodError, resolve_period

    if period is None:
        return trend
    try:
        days = resolve_period(period.token, anchor).days
    except PeriodError:
        return trend
    return Hit(trend.phrase, "day", trend.start, trend.end) if days is not None and days <= 45 else trend


def _explicit_pair(text: str, periods: list[PeriodMatch], compare: Hit, anchor: date) -> bool:
    """The comparison names its base window, and that base is not the window just before (or a year before)
    the one asked about: "上周三和上周四" compares two named days, not Wednesday with the Tuesday before it."""
    from tools.timewindow import PeriodError, resolve_period, year_earlier_window

    base = next((p for p in periods if compare.start <= p.start and not text[compare.end:p.start].strip()), None)
    own = next((p for p in periods if p is not base and p.end <= compare.start), None)
    if base is None or own is None:
        return False
    try:
        mine, theirs = resolve_period(own.token, anchor), resolve_period(base.token, anchor)
    except PeriodError:
        return False
    if theirs.days != 1 or mine.days != 1:
        return False  # a coarser base ("跟前一个月比", "同比去年") is the comparison's own window
    if compare.value == "last_year":
        natural = year_earlier_window(mine)
        return natural is not None and (natural.start, natural.end) != (theirs.start, theirs.end)
    return theirs.end + timedelta(days=1) != mine.start  # the day before is the comparison's own


# The churn rule given in days ("90天没买算流失", "流失按150天算", "churn 按120天算", "churn window of 120 days"):
# the lifecycle stages' own threshold (churn_days).
CHURN_RULE = re.compile(r"(\d{2,3})\s*(?:天|日)\s*(?:没|未|不)\s*(?:买|购买|下单)?\s*(?:算|就算|即|为)?\s*流失"
                        r"|churn(?:ed)?\s+(?:after|at|=)\s*(\d{2,3})\s*days"
                        r"|(?:流失|churn)\s*(?:期|线|标准|阈值)?\s*(?:按|以|定义为|算|是|为|=)\s*(\d{2,3})\s*(?:天|日|days?)"
                        r"|churn\s*(?:window|threshold|cut-?off|rule)?\s*(?:of|=|:|is)?\s*(\d{2,3})[\s-]*days?"
                        r"|(\d{2,3})[\s-]*day churn")
# A span of time said in digits, Chinese or English words: "180天", "三个月", "半年", "一年", "six months", "a year".
# (a month is counted with 个 and a year up to ten: "12月", "5月", "2025年" are a month and a year of the calendar)
_SPAN_ZH = (rf"(?:(?:\d+|{CN_NUMERAL})\s*个?\s*(?:天|日|周|星期)|(?:\d+|{CN_NUMERAL})\s*个\s*半?\s*月"
            rf"|(?<!\d)(?:\d|10|[一二两三四五六七八九十])\s*年半?|半\s*(?:个月|年))")
_SPAN_EN = rf"(?:(?:\d+|{EN_NUMBER}|an?)\s+(?:days?|weeks?|months?|years?)|half\s+a\s+year|a\s+year\s+and\s+a\s+half)"
# "超过180天没买", "no purchase in 90 days", "silent for 6 months": a recency threshold, the churn rule of
# lifecycle_stages.
DAYS_WITHOUT_PURCHASE = re.compile(
        rf"(?:超过|大于|多于|已经|连续|有)?\s*{_SPAN_ZH}\s*(?:以上|多|了)?\s*(?:都|还|一直)?\s*(?:没有?|未|不曾)\s*"
        r"(?:再|来|回来|过来)?\s*(?:买|购买|下单|下过单|复购|消费|光顾)"
        rf"|(?:没有?|未)\s*(?:再|来)?(?:买|购买|下单|消费)\s*(?:超过|满|已)\s*{_SPAN_ZH}"
        r"|(?:no|not|haven'?t|hasn'?t|didn'?t)\s+(?:\w+\s+){0,2}(?:bought|ordered|purchased|buy|order|purchase)\w*"
        rf"\s+(?:\w+\s+){{0,3}}(?:in|for)\s+(?:more than\s+|over\s+|the (?:last|past)\s+)?{_SPAN_EN}"
        rf"|(?:gone|went|been|go|going)\s+(?:more than\s+|over\s+)?{_SPAN_EN}\s+without\s+"
        r"(?:buying|a purchase|an order|ordering|purchasing|shopping)"
        rf"|(?:silent|inactive|dormant|lapsed)\s+(?:for\s+)?(?:more than\s+|over\s+)?{_SPAN_EN}")
# Days in one unit of a span
_UNIT_DAYS = {"天": 1, "日": 1, "day": 1, "周": 7, "星期": 7, "week": 7, "月": 30, "month": 30, "年": 365, "year": 365}


def find_days_without_purchase(text: str) -> Hit | None:
    """The recency threshold in days ("3个月没买" -> 90, "半年以上没买过" -> 180, "a year without buying" -> 365)."""
    if not (m := DAYS_WITHOUT_PURCHASE.search(text)):
        return None
    said = m.group(0)
    halves = {r"a\s+year\s+and\s+a\s+half|(?:一|1)\s*年半": 545, r"(?:一|1)\s*个半月": 45,
              r"半\s*年|half\s+a\s+year": 180, r"半\s*个月": 15}
    if days := next((d for pattern, d in halves.items() if re.search(pattern, said)), None):
        return Hit(said, days, m.start(), m.end())
    span = re.search(rf"(\d+|{CN_NUMERAL}|{EN_NUMBER}|an?)\s*个?\s*(天|日|周|星期|月|年|day|week|month|year)", said)
    count = None if not span else 1 if span.group(1) in ("a", "an") else to_int(span.group(1))
    if count is None:
        return None
    return Hit(said, count * _UNIT_DAYS[span.group(2)], m.start(), m.end())


# Order kinds metric_query can split or filter by: live-room vs shelf orders, coupon vs no coupon.
_ORDER_KINDS = {
    "source": (re.compile(r"(?<![a-z])live[\s-]?stream(?:ing)?[\s-]+(?:orders?|sales|gmv|purchases)(?![a-z])"
                          r"|直播间?(?:里|中|上)?(?:一共|总共|共|累计|合计)?(?:下单|下的单?|订单|成交|购买|卖出?了?|带(?:货|了)|的订单)"
                          # an order placed through the live channel: "live渠道下单", "直播渠道的订单"
                          r"|(?:直播间?|(?<![a-z])live)\s*渠道(?=\s*(?:下单|下的单|成交|的?订单))"
                          # "live 渠道" in a mixed sentence: the live-stream sales channel, unless people came by it
                          r"|(?<![a-z])live\s*渠道(?!\s*(?:来的|进来|引流|拉新|获客|拉来|获取|带来|引来|吸引|过来"
                          r"|的?(?:客户|用户|买家|顾客|新客|人)))"
                          r"|在直播间(?:里|中|上)?|直播间?的?(?=\s*(?:gmv|销售|成交|订单|营业|业绩|客单|收入|营收|实付|复购|回购|退款"
                          r"|退货|净销售|件数|销量|人均|aov))"
                          # "live room only", "only the live room", "live-room sales"
                          r"|(?<![a-z])(?:(?:only|just)\s+(?:the\s+)?live[\s-]?rooms?|live[\s-]?rooms?\s+only"
                          r"|live[\s-]?room\s+(?:orders?|sales|gmv|purchases|revenue)"
                          r"|(?:sold|bought|ordered|purchased|placed|sales|orders)\s+(?:\w+\s+){0,2}?in\s+(?:the\s+|our\s+)?"
                          r"live[\s-]?rooms?)"
                          r"(?![a-z])"
                          # a window between the room and its selling: "直播间这个月出了多少单"
                          r"|直播间[^，,。？?\s]{0,6}?(?:出了|出单|卖了|卖出)"
                          # ...and its sales measured: "直播间上个月成交额多少",
                          # "直播间（流量体裁=直播）这三个月成交多少"
                          # (来自直播间: where the customers came from, the channel's reading)
                          r"|(?<!来自)直播间(?:[（(][^（）()]{0,20}[）)])?[^，,。？?\s（(]{0,10}?(?:成交|销售额|gmv|营业额"
                          r"|业绩|客单价|营收|净销售|销量|订单数|下单|下的单)"
                          # the room's share of a count: "其中直播间的有几单"
                          r"|直播间(?:里|中|上)?的?(?=\s*(?:订单)?\s*(?:有|占)?\s*(?:多少|几)\s*(?:单|笔|个订单))"
                          # who bought in a live room: "虎妞直播间一共有多少个不同的买家", "bought in X's live sessions"
                          r"|直播间(?:里|中|上)?(?:一共|总共|共|累计)?有?(?:多少|几)?个?(?:不同的?)?(?:买家|顾客|下单的人|付款的人)"
                          # "直播间来买东西的有多少人": the people who bought there, counted
                          r"|直播间(?:里|中|上)?(?:来|去)?(?:买东西|买过东西|买了东西|下单|下过单|购买|买过|付款)的(?:人|买家|客户)?"
                          r"(?=(?:一共|总共|共)?(?:有)?(?:多少|几)(?:个|位)?(?:人|买家|客户)?)"
                          r"|(?<![a-z])(?:bought|buying|purchased|ordered|paid)\s+(?:in|from|during)\s+(?:[\w'’]+\s+){0,3}?"
                          r"live\s+(?:sessions?|rooms?|streams?)(?![a-z])|(?<![a-z])live(?:-room)?\s+buyers(?![a-z])"
                          r"|(?:只看|仅看|只算|只要|只统计)直播间?(?:里|的|里的)?"
                          r"|live[\s-]?(?:room\s+)?(?:orders?|sales|purchases)"
                          r"|(?<![a-z])live(?:[\s-]+(?:room|stream|streams|streaming))?(?=\s*(?:和|与|跟|vs\.?|versus|or|and|—|-|/|,)\s*"
                          r"(?:the\s+)?(?:货架|shelf|store|product[\s-]?cards?))"
                          # (the two as places of sale: "直播渠道和货架渠道", "直播订单vs货架订单")
                          r"|直播间?(?:渠道|订单|下单)?(?=\s*(?:和|与|跟|vs\.?|对比|/|,|、|比)\s*(?:货架|商品卡))"),
               # 商城 alone or after a particle is the shelf; after a name (有赞商城, 天猫商城) it is the shop
               # 商品卡 (抖店's product card: bought from the product page, not in a live room)
               re.compile(r"货架(?:渠道)?|商品卡|(?<![\u4e00-\u9fff])商城|(?<=[在的从和与跟及或])商城|非直播"
                          r"|(?<![a-z])product[\s-]?cards?(?![a-z])"
                          r"|(?<![a-z])(?:all )?other orders(?![a-z])"
                          r"|(?<![a-z])(?:shelf|storefront|non-live)(?![a-z])"),
               "live", "shelf"),
    "coupon": (re.compile(r"(?<!没)(?<!未)(?<!不)(?<!没有)用了?(?:优惠)?券|(?<!没)(?<!未)(?<!不)用了?\s*coupons?"
                          r"|使用(?:了)?优惠券|券后|(?<!without )(?<!no )(?<!no-)(?<!non-)(?<!non )"
                          r"(?:with (?:a )?coupons?|coupon (?:orders|users|buyers)|used (?:a )?coupons?)"
                          # the bare word set against its negation: "coupon vs no-coupon orders", "券 vs 无券"
                          r"|(?<![a-z-])(?:coupons?|(?:优惠)?券)(?=\s*(?:vs\.?|versus|and|or|/|和|与|跟|对比|比)\s*"
                          r"(?:no[\s-]|non[\s-]?|without|非|没|无|不))"
                          # the order named by its kind: "coupon 单", "券单", "带券的订单", "有券订单"
                          r"|(?<!非)(?<!非 )(?<!无)(?<!不)(?<!没)(?<!优惠)(?<![a-z] )(?<!用)(?<!用了)"
                          r"(?:(?:带|有)(?:优惠)?券|(?:优惠)?券|(?<![a-z])coupon)"
                          r"\s*的?\s*(?:订)?单"),
               re.compile(r"(?:没|未|不|没有)用(?:了)?(?:优惠)?券|无券|without (?:a )?coupons?|no[\s-]coupons?"
                          r"|non-coupon"
                          # "非 coupon 单", "非券订单", "不带券的", "non coupon orders"
                          r"|非\s*(?:优惠)?(?:券|coupon)|(?:不|没|没有)带(?:优惠)?券|无优惠券|(?<![a-z])non[\s-]+coupons?"
                          r"|(?:vs\.?|versus|or|and|compared to)\s+(?:those\s+|ones\s+)?without(?![a-z])"),
               "coupon", "no_coupon"),
    "weekday": (re.compile(r"周末|双休日?|周六日|周六\s*[+和/、]?\s*周日|星期六\s*[+和/、]?\s*星期[日天]"
                           r"|(?<![a-z])(?:weekends?|sat(?:urday)?s?\s*(?:\+|&|and|/)\s*sun(?:day)?s?)(?![a-z])"),
                re.compile(r"工作日|平日|(?:周|星期|礼拜)一\s*(?:到|至|~|-|—|–)\s*(?:周|星期|礼拜)?五"
                           # (not "per weekday", "each weekday": those are the days of the week, one by one)
                           r"|(?<![a-z])(?<!per )(?<!each )(?<!by )(?<!every )(?:weekdays?"
                           r"|mon(?:day)?\s*(?:-|–|—|to|through|thru)\s*fri(?:day)?)(?![a-z])"),
                "weekend", "weekday"),
    # refunded before the order shipped, or after ("没发货就退了", "发货以后才退的", "before they were ever shipped")
    "shipping": (re.compile(r"发货前|发货之前|(?:还)?(?:没|未|没有)(?:有)?发货|(?:等)?待发货|等待发货|待出库|备货中"
                            r"|(?<![a-z])(?:waiting|awaiting|yet)\s+to\s+(?:be\s+)?ship(?:ped)?(?![a-z])"
                            r"|(?<![a-z])awaiting\s+shipment(?![a-z])"
                            r"|(?<![a-z])(?:before (?:[a-z]+\s+){0,3}?(?:ever )?"
                            r"shipp(?:ed|ing)|(?:not|never) (?:yet |been |ever )?shipped|unshipped"
                            r"|before shipment)(?![a-z])"),
                 re.compile(r"发货(?:以|之)?后|已(?:经)?发(?:了)?货|发了货|(?:签收|收到货|收货)(?:以|之)?后"
                            r"|(?<![a-z])(?:after (?:[a-z]+\s+){0,3}?shipp(?:ed|ing)"
                            r"|(?:already|had already been|had been|been) shipped|after shipment)(?![a-z])"),
                 "not_shipped", "shipped"),
    # a refund asked for and not yet decided ("还在退款中", "售后还没处理完", "refund request still open")
    "after_sale": (re.compile(r"(?:还在|正在|仍在|仍然在|在)(?:退款|退货|售后)|(?:退款|退货|售后)(?:处理)?中"
                              r"|(?:售后|退款|退货)(?:申请)?[^，,。？?]{0,4}?(?:还|仍)?(?:没|未)(?:有)?(?:处理完|处理|完结|结束"
                              r"|办完|处理好|走完|弄完|完成)"
                              r"|待商家处理|待买家退货|待商家收货|商家受理中|未完结的?(?:售后|退款)"
                              r"|(?<![a-z])(?:refunds?|returns?)\s+(?:requests?\s+)?(?:that'?s\s+|that\s+(?:is|are)\s+"
                              r"|which\s+(?:is|are)\s+|is\s+|are\s+)?(?:still\s+)?(?:open|pending|in\s+progress"
                              r"|outstanding|unresolved|undecided)(?![a-z])"
                              r"|(?<![a-z])(?:open|pending|outstanding|unresolved)\s+(?:refund|return|after-?sales?)"
                              r"(?:\s+requests?)?(?![a-z])"),
                   re.compile(r"(?:没有|无)(?:任何)?售后(?:申请)?|(?<![a-z])(?:no|without)\s+(?:an?\s+)?(?:open\s+)?"
                              r"(?:refund|return|after-?sale)\s+requests?(?![a-z])"),
                   "open", "none"),
}


# Order statuses as the import reads them. Two or more named ("paid / refunded / cancelled 各有多少单") ask for
# a split by status; cancelled or unpaid alone is a filter ("取消的订单有多少"). Paid or refunded alone are not
# read here: "paid orders" are the orders, and refunds are metrics of their own.
_STATUS_WORDS = {
    "paid": re.compile(r"已支付|已付款|支付成功|(?<![a-z])paid(?![a-z])"),
    "refunded": re.compile(r"已退款|退款成功|(?<![a-z])refunded(?![a-z])"),
    "cancelled": re.compile(r"已取消|取消(?:了)?的订单|取消订单|(?:就|被|已)?(?:取消|关闭)(?:了)?"
                            # (关掉 of an order, not of the room or a filter: "关掉的直播间", "关掉美颜")
                            r"|(?:就|被|已|才|又|后来)关掉(?:了)?(?!美颜|直播|滤镜)|关掉(?:了)?的(?:主)?(?:订单|单)"
                            r"|关闭(?:了)?的订单"
                            r"|(?<![a-z])(?:cancell?ed|closed)(?![a-z])"),
    # awaiting payment: placed, not paid, not closed
    "unpaid": re.compile(r"待付款|待支付|等(?:待)?(?:买家)?付款|还没付|(?<![a-z])(?:awaiting payment|pending payment"
                         r"|waiting (?:for |on )?payment|still unpaid|not yet paid"
                         r"|yet to (?:be )?pa(?:y|id))(?![a-z])"),
}
# Not paid, either way (closed unpaid or awaiting payment): "没付款的订单", "unpaid orders".
_NOT_PAID = re.compile(r"未支付|未付款|没有?(?:付款|支付|付钱)|(?<![a-z])(?:unpaid|not paid|never paid"
                       r"|without (?:being )?paid"
                       r"|without (?:ever )?being paid)(?![a-z])")


_REFUND_AMOUNT = re.compile(r"(?:退款|退货)(?:成功|完成)?(?:的|总)?(?:金额|总额|额|多少钱)|退了多少钱"
                            r"|退款.{0,4}(?:多少钱|多少元)"
                            r"|(?:一共|总共|共)?退了(?:多少|几)(?:钱|元|块)"
                            # "又有多少单、退了多少？": 多少 with no unit after it is money
                            r"|退了多少(?![单笔件个人次位家份种\w])"
                            r"|(?<![a-z])(?:refund(?:ed)? (?:amount|value|total|sum)|amount (?:refunded|of refunds)"
                            r"|(?:total )?(?:money|cash) (?:we )?refunded|refunded (?:money|cash)"
                            r"|how much (?:money |cash )?(?:was |did \w+ |have \w+ |has \w+ )?(?:actually |really "
                            r"|in total )?refund(?:ed)?"
                            # money that went back to buyers is what was refunded
                            r"|(?:money|cash) (?:went|came|was (?:given|paid|sent)) back"
                            r"|(?:gave|paid|sent|given) back to (?:the )?(?:buyers|customers))(?![a-z])"
                            r"|退(?:给|还给)?(?:了)?(?:买家|顾客|客户)(?:多少|几)(?:钱|元)"
                            # "退掉的钱里…", "退回去的钱": the money refunded
                            r"|(?:退掉|退回去|退出去|退还|退回)的(?:钱|金额)|退款的钱")
_REFUNDED_ORDERS = re.compile(r"(?:已)?(?:退款|退货)(?:成功|完成|了)?的?(?:订单|单)(?!价)"
                              # the order first, the refund after it: "多少笔订单退款成功了", "订单发生了退款"
                              r"|(?:订单|单)(?:是|被|都)?(?:发生|产生|出现|有|申请)?(?:了|过)?(?:退款|退货)(?:成功|完成|了)?"
                              r"(?![率比额金])"
                              r"|(?:发生|产生|出现|有)(?:了|过)?(?:退款|退货)的?(?:订单|单)"
                              r"|(?<![a-z])orders? (?:had|have|has|got|with|that had|that got) (?:a |any |some )?"
                              r"(?:refunds?"
                              r"|returns?|(?:some |any )?money (?:refunded|returned|back))(?![a-z])"
                              r"|(?<![a-z])(?:refunded|returned) orders?(?![a-z])"
                              # "orders that had any item refunded"
                              r"|(?<![a-z])orders? (?:that |which )?(?:had|have|has|got|with) "
                              r"(?:any|some|an?|at least one) "
                              r"(?:items?|products?|lines?|sub-orders?) (?:refunded|returned)(?![a-z])"
                              # "the orders where we gave any money back"
                              r"|(?<![a-z])orders? (?:where|that|which|on which|in which) "
                              r"(?:we |the shop |the seller )?"
                              r"(?:gave|paid|sent|handed) (?:any |some |the )?(?:money|cash) back(?![a-z])"
                              # "退款成功最多的品类", "most refunds": refunded orders counted
                              r"|(?:退款|退货)(?:成功)?的?(?=最多|最少)"
                              r"|(?<![a-z])(?:most|fewest) (?:refunds|returns)(?![a-z])"
                              r"|(?<![a-z])(?:ended|ending|end) up (?:being )?(?:refunded|returned)(?![a-z])"
                              r"|orders? (?:that (?:were|got|have been) |were |got |have been |had been )?(?:refunded"
                              r"|returned)(?![a-z])"
                              # "多少单退了款", "sub-orders ended with a completed refund", "customers got money back"
                              r"|(?:订单|单)(?:是|都)?(?:退了|退过)(?:款|货)"
                              # the refund verb, then the count of orders: "一共退了多少单", "退货了几笔"
                              r"|(?:退了|退掉了?|退款了?|退货了?)(?:一共|总共|共)?(?:多少|几)(?:个|笔)?(?:订单|单)"
                              r"|(?:退了|退掉了?|退款了?|退货了?)(?:一共|总共|共)?(?:多少|几)笔"
                              # refunded more than once: "退款不止一单的" (the people with several, counted)
                              r"|(?:退款|退货)(?=(?:不止|超过|多于)(?:一|1|两|2)(?:单|笔|次))"
                              # people who had one: "多少个买家退过款", "退过款的客户"
                              r"|(?:多少|几)(?:个|位)?(?:买家|客户|顾客|人)(?:有)?(?:退过|退了|申请过)(?:款|货)"
                              r"|(?:退过|退了)(?:款|货)的(?:买家|客户|顾客|人)"
                              # the refunded ones, then their count: "退款的有几单", "退货成功的一共有多少笔"
                              r"|(?:已)?(?:退款|退货)(?:成功|完成|了)?的(?:一共|总共|共)?(?:有)?(?:多少|几)(?:个|笔|位)?"
                              r"(?:订单|单|客户|买家|顾客|人)"
                              r"|(?:已)?(?:退款|退货)(?:成功|完成|了)?的(?:一共|总共|共)?(?:有)?(?:多少|几)笔"
                              r"|(?<![a-z])(?:ended|ending|end) (?:up )?(?:with|in) (?:a |an )?(?:completed "
                              r"|successful |full )?(?:refund|return)s?(?![a-z])"
                              r"|(?<![a-z])(?:got|get|received|receive|were given) (?:their |some |any )?(?:money back"
                              r"|(?:a )?refunds?)(?![a-z])"
                              r"|(?:拿到|收到|得到)(?:了|过)?退款")


# Kinds of refund where the export tells them apart: a whole order, or part of one (a line, an amount).
_REFUND_KINDS = {
    "fully_refunded": re.compile(r"整单(?:全)?退(?:款|货|光)?|全额退款?|全部退款|全退(?:款|光)"
                                 # every product of the order sent back: "一单里所有商品全退掉的"
                                 r"|(?:所有|全部)(?:的)?(?:商品|东西|宝贝)?(?:都|全)(?:部)?退(?:掉|了|光)?"
                                 r"|(?<![a-z])(?:fully refunded"
                                 r"|full refunds?|refunded in full)(?![a-z])"
                                 # paid, then closed: the whole payment went back ("付了钱后来又整单关闭的",
                                 # "已取消的里面付过钱的")
                                 r"|(?<![没未不])付(?:了|过)?(?:钱|款)(?:的?)?(?:[、，,](?=后来|之后|以后|然后|又))?(?:后|之后|以后)?(?:来|后来)?"
                                 r"(?:又|再|才)?(?:被)?"
                                 r"(?:整单)?(?:退款|退货|退了款)?(?:又|再|才|就|后)?(?:交易)?(?:关闭|取消|关掉|关了)"
                                 r"|(?:已取消|取消|已关闭|关闭|交易关闭)(?:了)?的(?:订单|单子?)?(?:里面?|中|当中)?[，,\s]?(?:有)?(?:几单|多少单?)?"
                                 r"(?:是)?(?:付过|付了|已经付了?|已付)(?:钱|款)"
                                 r"|(?<![a-z])(?:closed|cancell?ed) after "
                                 r"(?:(?:the buyer|they|the customer|the order|it)(?:'d| had| was| were)? "
                                 r"|they'd |it'd |being )?(?:had )?(?:already )?(?:been )?(?:paid|payment)"
                                 r"|paid (?:and|but) (?:then |later )?(?:closed|cancell?ed)(?![a-z])"
                                 # "closed because the whole order was refunded", "closed after a full refund"
                                 r"|(?<![a-z])(?:closed|cancell?ed) (?:because|as|since|after|when|due to|because of) "
                                 r"(?:a |the )?(?:whole |entire |full )?(?:order )?(?:was |got |had been |were )?"
                                 r"(?:fully )?refund(?:ed)?(?![a-z])"),
    "partially_refunded": re.compile(r"部分退(?:款|货)?|退了一部分|退了(?:一)?(?:部分|点儿?|些)(?:钱|款)"
                                     # "refunded in full vs partly": the other kind, said short
                                     r"|(?<![a-z])(?:vs\.?|versus|or|and) (?:only )?(?:partly|partially"
                                     r"|in part)(?![a-z])"
                                     # one product of several sent back, the rest kept ("退掉了其中一样")
                                     r"|(?:只|仅)?退(?:掉|了)了?其中(?:的)?(?:一|几|某|部分)(?:样|件|个|款)?"
                                     r"|(?<![a-z])(?:(?:had|with) (?:some|one|a few|part) (?:of (?:the|its|their) )?"
                                     r"(?:items?|products?|lines?) (?:refunded|returned)|kept the rest"
                                     # "orders where the buyer still kept at least one other item"
                                     r"|(?:buyers?|customers?|they|people) (?:still |also )?kept (?:at least )?"
                                     r"(?:one|some|an?|the) ?(?:other |remaining )?(?:items?|products?|lines?|rest)"
                                     r"|(?:only )?(?:one|some) of (?:the|its|their)"
                                     r" (?:items|products|lines)"
                                     r" (?:was |were |got )?(?:refunded|returned))(?![a-z])"
                                     # a refund on an order that still went through: only part went back
                                     r"|(?:交易成功|已完成|已签收|完成)的?(?:订单|单子?)?(?:里|中)?(?:还|也|仍然?|却)"
                                     r"(?:有)?退(?:过|了)?(?:款|钱)"
                                     r"|(?<![a-z])(?:(?:partial(?:ly)?|partly) refund(?:ed|s)?|refunded in part"
                                     r"|(?:some|part) of (?:the|their|its) (?:money|payment|amount) (?:was |were )?"
                                     r"(?:refunded|returned|given back)"
                                     r"|still (?:had|got|with) (?:some )?(?:money )?refunded|(?:had|got|with) part of "
                                     r"(?:the|their|its) (?:money|payment|amount) refunded"
                                     r"|(?:were|was|are|is) partial|partial ones)(?![a-z])"),
}


# The kinds of refund a status filter names: any refund, a whole one, a partial one, a whole one that closed its order
REFUND_KIND_VALUES = ("refunded", "fully_refunded", "partially_refunded", "closed_after_payment")
# A whole refund said as the order's closing ("closed after the buyer had paid", "付了钱后来又关闭的"): of the
# whole refunds, the ones that closed their order (where the export says which)
_CLOSING = re.compile(r"关闭|取消|关掉|关了|(?<![a-z])(?:closed|cancell?ed)(?![a-z])", re.IGNORECASE)


def _refund_kind(kind: str, m: re.Match[str]) -> str:
    return "closed_after_payment" if kind == "fully_refunded" and _CLOSING.search(m.group(0)) else kind


_CARTED = re.compile(r"加购|加了购物车|加入购物车|加进购物车|加到购物车|放进购物车|购物车里"
                     r"|(?<![a-z])(?:carted|add(?:ed)? to (?:the )?cart|in (?:the|their) carts?)(?![a-z])")


def _status_heading_not_split(text: str, features: Features) -> None:
    """"order status rundown: how many were never paid and got closed": the words of a heading, not a split by
    status, when one status is asked (a split said so stays: "by order status", "按订单状态")."""
    d = features.dimension
    if d is not None and d.value == "status" and not _marked(text, d) \
            and not re.search(r"\b(?:by|per|each|breakdown|distribution|split|mix)\b|按|各|分别|分布|构成|占比",
                              text[d.end:]):
        features.dimension = None


def _order_statuses(text: str, features: Features) -> list[Hit]:
    kinds = {kind: m for kind, pattern in _REFUND_KINDS.items() if (m := pattern.search(text))}
    # ("use what the buyer kept after any partial refund": what is deducted, not a kind of order counted)
    kinds = {k: m for k, m in kinds.items() if not _DEDUCTED.search(text[max(0, m.start() - 18):m.start()]
                                                                    .replace("any ", "").replace("each ", ""))}
    if features.dimension is not None and any(m.start() <= features.dimension.start < m.end() for m in kinds.values()):
        features.dimension = None  # ("only one of the items refunded": the items are the kind's, not a breakdown)
    for m in kinds.values():  # 退款 inside 全额退款 names the kind, not the refund rate
        features.metric_hits = [h for h in features.metric_hits
                                if not (h.value == "refund_rate" and m.start() <= h.start and h.end <= m.end())]
    if features.metric is not None and features.metric not in features.metric_hits:
        features.metric = _main_metric(features.metric_hits, text) if features.metric_hits else None
    if len(kinds) == 2 and any(kind_stance(text, m.start(), m.end()) for m in kinds.values()):
        # "整单退掉的不算，部分退款的照算": which orders count, not a split; one counted as usual filters nothing
        kinds = {k: m for k, m in kinds.items() if kind_stance(text, m.start(), m.end()) != "in"}
    # "部分退款的订单退了多少钱": the amount those orders had refunded (its words outside the kind's own)
    after = max((k.end() for k in kinds.values()), default=0)  # ("部分退款各退了多少钱": not 退款各退了多少钱)
    money = next((r for r in [*_KIND_MONEY.finditer(text), _KIND_MONEY.search(text, after)]
                  if r and not any(r.start() < k.end() and k.start() < r.end() for k in kinds.values())), None)
    if len(kinds) == 2 and (features.dimension is None or features.dimension.value in vocab.TIME_DIMENSIONS):
        # "全额退款和部分退款的订单各有多少单": the orders split by status, both kinds side by side
        first, last = min(kinds.values(), key=lambda m: m.start()), max(kinds.values(), key=lambda m: m.end())
        features.dimension = Hit(text[first.start():last.end()], "status", first.start(), last.end())
        if _kind_measured(features, money):
            _kind_measures(features, text, money, first)
        return []
    not_paid = _NOT_PAID.search(text)
    if list(kinds) == ["fully_refunded"] and not_paid and re.search(r"付|paid", kinds["fully_refunded"].group(0)) \
            and not (kinds["fully_refunded"].start() <= not_paid.start() < kinds["fully_refunded"].end()):
        # "已取消的里面，多少是压根没付款的、多少是付了钱后来取消的": the closed orders split by whether they
        # were paid first: closed unpaid, and paid then closed (a whole refund)
        m, first = kinds["fully_refunded"], min(kinds["fully_refunded"].start(), not_paid.start())
        features.dimension = Hit(text[first:max(m.end(), not_paid.end())], "status", first,
                                 max(m.end(), not_paid.end()))
        features.filters["status"] = ["cancelled", _refund_kind("fully_refunded", m)]
        return []
    for kind, m in kinds.items():  # "其中整单退的有几笔": orders refunded that way
        _status_heading_not_split(text, features)
        whole = _REFUNDED_ORDERS.search(text)
        if whole and SHARE.search(text) and whole.end() <= m.start():
            # "Of the refunded orders, what share were full refunds?", "退款的订单里，整单退的占多少": the refunded
            # orders (the whole, said first) split by kind of refund, each with its share of them
            features.filters["status"] = "refunded"
            features.dimension = Hit(m.group(0), "status", m.start(), m.end())
            features.split_within = True
            if features.metric is None or features.metric.value == "refund_rate":
                _choose_metric(features, whole.group(0), "orders", whole.start(), whole.end())
            return [Hit(whole.group(0), "refunded", whole.start(), whole.end())]
        features.filters["status"] = _refund_kind(kind, m)
        if _kind_measured(features, money):
            _kind_measures(features, text, money, m)
        return [Hit(m.group(0), features.filters["status"], m.start(), m.end())]
    found = {status: m for status, pattern in _STATUS_WORDS.items() if (m := pattern.search(text))}
    not_paid = _NOT_PAID.search(text)
    if not_paid and "paid" in found and not_paid.start() <= found["paid"].start() < not_paid.end():
        found.pop("paid")  # "never paid", "not paid": the paid of not paying
    for status, m in list(found.items()):
        if status in ("cancelled", "unpaid") and kind_stance(text, m.start(), m.end()) == "out":
            # "paid, not cancelled", "取消的不算": never-paid orders are not counted anyway; no split by them
            found.pop(status)
            features.honoured.append(Hit(m.group(0), status, m.start(), m.end()))
    if (m := not_paid) and "paid" not in found and not _CARTED.search(text):
        # (carted and then not paid is the live-room funnel's last step, not an order's status)
        if not found:  # "没付款的订单有多少": both ways of not paying, side by side
            features.filters["status"] = ["cancelled", "unpaid"]
            return [Hit(m.group(0), "cancelled/unpaid", m.start(), m.end())]
        found.setdefault("cancelled", m)  # "没付款就关闭的", "…还在等付款的": the closed unpaid ones among them
    if len(found) >= 2:
        if features.dimension is None or features.dimension.value in vocab.TIME_DIMENSIONS:
            first = min(found.values(), key=lambda m: m.start())
            last = max(found.values(), key=lambda m: m.end())
            features.dimension = Hit(text[first.start():last.end()], "status", first.start(), last.end())
        return []
    if not_paid and "cancelled" in found and 0 <= found["cancelled"].start() - not_paid.end() <= 2:
        # "没付款就关掉": one phrase from the not paying to the closing (matched where it stands)
        found["cancelled"] = re.compile(re.escape(text[not_paid.start():found["cancelled"].end()])).match(
            text, not_paid.start())
    for status in ("cancelled", "unpaid"):
        if status in found:
            _status_heading_not_split(text, features)
        if status in found and (features.dimension is None or features.dimension.value != "status"):
            m = found[status]
            features.filters["status"] = status
            return [Hit(m.group(0), status, m.start(), m.end())]
    if (m := _REFUND_AMOUNT.search(text)) and (features.metric is None
                                               or features.metric.value in ("refund_rate", "buyers", "orders")):
        # "退款金额", "how much was refunded": the amount refunded (partial refunds too), not the refund rate
        # (nor the buyers or orders it went back to: "how much did we refund to buyers")
        _choose_metric(features, m.group(0), "refund_amount", m.start(), m.end())
        return []
    if m := _REFUNDED_ORDERS.search(text):  # "退款订单数", "refunded orders": orders in that status
        features.filters["status"] = "refunded"
        if features.metric is None or features.metric.value == "refund_rate":  # "退款成功的订单有多少": a count
            # of the people when people are counted ("how many customers got money back")
            people = (_BUYER_NOUN.search(text) or m.group(0).endswith("人")) \
                and not _ORDER_NOUN.search(text.replace(m.group(0), ""))  # ("退款的有多少人": people)
            # ("退款不止一单的有几个": only people have more than one order: those with several refunded)
            counted = "repeat_buyers" if _MORE_THAN_ONE.search(text) and not _RATE_ASKED.search(text) \
                else "buyers" if people else "orders"
            _choose_metric(features, m.group(0), counted, m.start(), m.end())
        # ("got money back from a refund": the refund is what they got, not the refund rate)
        features.metric_hits = [h for h in features.metric_hits if h.value != "refund_rate"]
        return [Hit(m.group(0), "refunded", m.start(), m.end())]
    return []


# Buyers of a ¥0 order who paid later ("领完试用之后又花钱下单的有几个人", "拿过0元福袋的人里面，后来又自己花钱
# 下单的", "how many of them later paid for an order"): paid_after_free, over every order (not the ¥0 ones only).
_FREE_WORDS = re.compile(r"0\s*元|零元|福袋|试用|赠品|免费|白送|(?<![a-z])(?:free|trials?|lucky[\s-]?bags?|giveaways?"
                        r"|gifts?)(?![a-z])|[¥￥$]\s*0(?![\d.])")
_PAID_LATER = re.compile(r"(?:之后|以后|后来|后面|然后|随后|接着|再|又)\s*(?:又|再|还)?"
                        r"\s*(?:有\s*(?:几|多少)\s*(?:个|位)?人?)?\s*(?:真正|自己|真的)?\s*(?:花钱|付费|付款|掏钱|正价)\s*(?:下单|下了单|买|购买|买了)?"
                        r"|(?:之后|以后|后来|后面)\s*(?:又|再|还)\s*(?:下单|下了单|买了?|购买)"
                        r"|(?<![a-z])(?:later|then|afterwards|subsequently|went on to|go on to|came back to)\s+"
                        r"(?:\w+\s+){0,2}?(?:paid|pay|bought|buy|ordered|order|purchased|purchase|placed|spent)(?![a-z])"
                        r"|转化(?:为|成)付费|(?<![a-z])converted to pay", re.IGNORECASE)
_PEOPLE_WORDS = re.compile(r"人|个|位|买家|客户|顾客|用户|(?<![a-z])(?:people|buyers|customers|users|who|of them)"
                           r"(?![a-z])", re.IGNORECASE)


def _paid_after_free(text: str, features: Features) -> None:
    if not (_FREE_WORDS.search(text) and (later := _PAID_LATER.search(text)) and _PEOPLE_WORDS.search(text)):
        return
    if features.metric is not None and features.metric.value not in ("buyers", "orders", "gmv", "repeat_buyers"):
        return
    _choose_metric(features, later.group(0), "paid_after_free", later.start(), later.end())
    features.metric_hits = [h for h in features.metric_hits if h is features.metric]
    if features.filters.get("amount") == "0":  # (the ¥0 orders name who; the later ones are what they paid)
        features.filters.pop("amount")
        features.honoured += [h for h in features.filter_hits if h.value == "0"]


# Refunding said beside whether the goods had shipped ("还没发货就退款的", "发了货之后才退的", "refund before the
# goods shipped"): the refunded orders, split or filtered by shipping.
_REFUND_VERB = re.compile(r"退款|退掉|退货|退了|(?:就|才|又)退|退的|(?<![a-z])refund(?:s|ed)?(?![a-z])")


# Orders waiting to ship ("待发货", "still waiting to ship"): paid and still to go out, so not refunded or closed.
_AWAITING_SHIPMENT = re.compile(r"(?:等)?待发货|等待发货|待出库|备货中"
                                r"|(?<![a-z])(?:(?:waiting|awaiting|yet|still) to (?:be )?"
                                r"ship(?:ped)?|awaiting shipment|waiting for shipment)(?![a-z])", re.IGNORECASE)


def _refunded_by_shipping(text: str, features: Features) -> None:
    shipping = features.filters.get("shipping") or (features.dimension and features.dimension.value == "shipping")
    if features.filters.get("shipping") == "not_shipped" and "status" not in features.filters \
            and (wait := _AWAITING_SHIPMENT.search(text)) and not _REFUND_VERB.search(text):
        features.filters["status"] = ["paid", "partially_refunded"]  # ("…, and how many of those have a refund
        features.one_group.add("status")  # in progress": asked back, not yet refunded, so still waiting)
        features.honoured.append(Hit(wait.group(0), "paid", wait.start(), wait.end()))
        return
    if not shipping or "status" in features.filters or "after_sale" in features.filters \
            or not (verb := _REFUND_VERB.search(text)):
        return
    features.filters["status"] = "refunded"
    features.filter_hits.append(Hit(verb.group(0), "refunded", verb.start(), verb.end()))
    features.metric_hits = [h for h in features.metric_hits if h.value != "refund_rate"]
    if features.metric is not None and features.metric.value == "refund_rate":
        features.metric = None
    money = _KIND_MONEY.search(text) or _MONEY_WORDS.search(text)
    if features.metric is not None and features.metric.value == "gmv" and money is not None:
        features.metric = None  # money asked of refunded orders: what they had refunded (_kind_measures)
    if features.metric is None or features.metric.value == "orders" and money is not None:
        _kind_measures(features, text, money, verb)


# Money asked of orders refunded one way: what they had refunded ("部分退款的订单退了多少钱", "fully refunded and
# for how much"); words of selling ("卖了多少钱") stay the GMV.
_KIND_MONEY = re.compile(_REFUND_AMOUNT.pattern + r"|(?<![卖售花付])(?:了)?(?:各|分别)(?:是|为)?多少(?:钱|元|金额)"
                         r"|(?<![a-z])(?:for how much|how much money|how much was that"
                         r"|how much of (?:that|it|this|those)"
                         r"|how much did (?:they|those|that) come to)(?![a-z])")


def _kind_measured(features: Features, money: re.Match[str] | None) -> bool:
    """Whether the measure chosen so far is one a kind of refund decides: none, the refund rate, a count of
    orders, or a word inside the refund's own amount ("各退了多少钱": 多少钱 is what was refunded)."""
    m = features.metric
    return m is None or m.value in ("refund_rate", "orders") or money is not None and (
        m.value == "buyers" or money.start() <= m.start and m.end <= money.end())  # (money back to buyers)


def _kind_measures(features: Features, text: str, money: re.Match[str] | None, kind: re.Match[str]) -> None:
    """What is measured of orders refunded one way: how many ("有几单"), what they had refunded ("退了多少钱"),
    or both; a count when neither is said."""
    if money is not None and not _ORDER_COUNT.search(text):
        # "部分退款的订单退了多少钱": 订单 says whose amount, not a count of them
        _choose_metric(features, money.group(0), "refund_amount", money.start(), money.end())
        return
    if features.metric is None or features.metric.value == "refund_rate":
        _choose_metric(features, kind.group(0), "orders", kind.start(), kind.end())
    if money is not None:  # both: the count, and the amount beside it
        features.asked_too.append(Hit(money.group(0), "refund_amount", money.start(), money.end()))


def _places_of_sale(features: Features) -> None:
    """"直播渠道和货架渠道": set beside the shelf, 直播渠道 is the place of sale, not the channel customers came by."""
    split = features.dimension
    if split is None or split.value != "source":
        return
    said = [h for h in features.filter_hits if h.value == features.filters.get("channel") and h.overlaps(split)]
    if said:
        features.filters.pop("channel")
        features.filter_hits = [h for h in features.filter_hits if h not in said]


def _order_kinds(text: str, features: Features, dimensions: list[Hit]) -> list[Hit]:
    """"直播间下单和货架下单" -> a split by source; "货架订单" -> source=shelf; likewise coupon use."""
    hits, said = [], []
    for kind, (first, second, first_value, second_value) in _ORDER_KINDS.items():
        a, b = first.search(text), second.search(text)
        if kind == "coupon" and not re.search(r"券|coupon", text):
            a = b = None  # ("…, and without them": without what the question named, not without a coupon)
        said += [m for m in (a, b) if m]
        if a and b and (left := [v for m, v in ((a, first_value), (b, second_value))
                                 if kind_stance(text, m.start(), m.end()) == "out"]) and len(left) == 1:
            # "直播间的GMV……shelf的不算": one side left out, the other is the orders counted
            kept, m = (second_value, b) if left[0] == first_value else (first_value, a)
            features.filters[kind] = kept
            hits.append(Hit(m.group(0), kept, m.start(), m.end()))
        elif a and b:
            # both sides named ("周末和工作日", "live vs shelf") ask for the two side by side; a breakdown also
            # named ("周末的场次…比工作日", "…按月看") cannot be kept with it, and the audit names it as not applied
            split = Hit(f"{a.group(0)}/{b.group(0)}", kind, min(a.start(), b.start()), max(a.end(), b.end()))
            if features.dimension is not None and features.dimension.value != kind \
                    and not features.dimension.overlaps(Hit(a.group(0), kind, a.start(), a.end())) \
                    and not features.dimension.overlaps(Hit(b.group(0), kind, b.start(), b.end())):
                features.displaced.append(features.dimension)
            features.dimension = split
        elif a or b:
            m, value = (a, first_value) if a else (b, second_value)
            d = features.dimension
            if d and d.value != "buyer_type" and d.overlaps(Hit(m.group(0), value, m.start(), m.end())):
                # (新客 / 老客 are never a kind's own word: "直播间新客的客单价" spans one but keeps the split)
                if not (m.start() <= d.start and d.end <= m.end() and m.end() - m.start() > d.end - d.start):
                    continue  # "which weekday": the word names the breakdown (day_of_week), not one kind of day
                # "商品卡的订单": the kind's longer word holds the breakdown's (商品); another one named stays
                # ("live 渠道 top 3 品类")
                features.dimension = _choose_dimension(text, [h for h in dimensions if not h.overlaps(
                    Hit(m.group(0), value, m.start(), m.end()))])
            features.filters[kind] = value
            hits.append(Hit(m.group(0), value, m.start(), m.end()))
    # "coupon orders vs non-coupon orders, AOV": "orders" is the kind's noun (in its words or right after them),
    # not the measure, when one is named
    nouns = [h for h in features.metric_hits if h.value == "orders" and any(
        m.start() <= h.start and (h.end <= m.end() or re.fullmatch(r"\s*的?\s*", text[m.end():h.start]))
        for m in said)]
    if nouns and len(features.metric_hits) > len(nouns):
        features.metric_hits = [h for h in features.metric_hits if h not in nouns]
        if features.metric in nouns:
            features.metric = _main_metric(features.metric_hits, text) if features.metric_hits else None
    return hits


# Words that leave the kinds of order named beside them out of the count ("整单退掉的和0元福袋都不算",
# "leaving out the free lucky-bag orders", "exclude free trials and any order that had a refund"), or say they
# are counted as usual ("算上0元试用的单", "部分退款的照算"). Either is said within one clause.
_LEFT_OUT_BEFORE = re.compile(r"(?:不算|不含|不包括|不包含|不计|排除(?:掉)?|剔除(?:掉)?|去掉|去除|扣掉|除去|除了|除开"
                              r"|刨去|刨除"
                              r"|(?<![a-z])(?:leav(?:e|ing)\s+out|left\s+out|exclud(?:e|ing)|without|not\s+counting"
                              r"|except(?:\s+for)?|other\s+than|ignor(?:e|ing)|minus|drop(?:ping)?)(?![a-z]))")
_LEFT_OUT_AFTER = re.compile(r"(?:都|也|全|均)?(?:不算|不计|不含|不要|除外|排除|剔除|去掉)"
                             r"|(?<![a-z])(?:excluded|left\s+out|aside|removed)(?![a-z])")
# (at the clause's end, so "…不算部分退款" leaves out what follows it, not what came before)
_LEFT_OUT_AT_END = re.compile(_LEFT_OUT_AFTER.pattern + r"[的了在内]*\s*$")
# a kind negated right before it: "not fully refunded", "没全额退款的", "未退款"
_NOT_BEFORE = re.compile(r"(?:(?<![a-z])(?:not|never|no)\s+(?:an?\s+|the\s+)?|[没未非]有?|不是)\s*$")
_COUNTED_TOO = re.compile(r"算上|包括|包含|(?:照|也|都)算|一起算|合在一起"
                          r"|(?<![a-z])(?:including|counting|counted|included|together|combined)(?![a-z])")
_CLAUSE_END = re.compile(r"[，,。.？?；;！!]")
# a kind set aside: "部分退款的先不管", "0元单不考虑" (of a refund measure, left out; of any other, no matter)
_SET_ASIDE = re.compile(r"\s*(?:的|单|订单)?\s*(?:先|暂时|暂且|都|就)?(?:不管|不用管|别管)")
_SET_ASIDE_BEFORE = re.compile(r"(?:不管|不用管|别管)\s*$")
_NOT_CONSIDERED = re.compile(r"\s*(?:的|单|订单)?\s*(?:先|暂时|暂且|都|就)?(?:不考虑|不看|先不看)")
# "有效订单", "valid orders": paid and not wholly refunded (valid_orders in data/metrics.yaml)
_VALID_ORDERS = re.compile(r"有效订单|有效单|(?<![a-z])valid (?:orders?|purchases?)(?![a-z])")
# The orders left when a kind is left out: a filter value of its own, or nothing beyond the paid orders.
_LEFT_WHEN_OUT = {("amount", "0"): ">0", ("status", "fully_refunded"): ["paid", "partially_refunded"],
                  # (the whole refunds that closed their order, left out with the others: there is no "not")
                  ("status", "closed_after_payment"): ["paid", "partially_refunded"],
                  ("status", "refunded"): ["paid"], ("status", "partially_refunded"): ["paid", "refunded"],
                  ("status", "cancelled"): None, ("status", "unpaid"): None, ("status", "cancelled/unpaid"): None}


def kind_stance(text: str, start: int, end: int) -> str | None:
    """"out" when the clause leaves the kind at text[start:end] out of the count, "in" when it says the kind is
    counted as usual, else None."""
    first = max((m.end() for m in _CLAUSE_END.finditer(text, 0, start)), default=0)
    last = next((m.start() for m in _CLAUSE_END.finditer(text, end)), len(text))
    before, after = text[first:start], text[end:last]
    if _LEFT_OUT_BEFORE.search(before) or _NOT_BEFORE.search(before) or _LEFT_OUT_AT_END.search(after):
        return "out"
    if _COUNTED_TOO.search(before[-6:]) or _COUNTED_TOO.search(after):
        return "in"
    if _SET_ASIDE.match(after) or _SET_ASIDE_BEFORE.search(before):
        return "aside"  # "部分退款的先不管", "不管部分退款": not a kind of order to count by
    if _NOT_CONSIDERED.match(after):
        return "out"  # "0元单不考虑": left out of the count
    return None


def _kinds_left_out(text: str, features: Features) -> None:
    """A kind of order the question leaves out becomes the orders without it; one it says is counted as usual
    (they are, by default) filters nothing; 有效订单 are the paid orders not wholly refunded."""
    from tools import catalog  # (the definition lives in data/metrics.yaml)

    for hit in [h for h in features.filter_hits if h.value in ("0", *REFUND_KIND_VALUES, "cancelled", "unpaid",
                                                                "cancelled/unpaid")]:
        key = "amount" if hit.value == "0" else "status"
        if features.filters.get(key) != (hit.value.split("/") if "/" in hit.value else hit.value):
            continue
        stance = kind_stance(text, hit.start, hit.end)
        if stance == "aside":
            refunds = features.metric is not None and features.metric.value in _REFUND_MEASURES
            stance = "out" if refunds and key == "status" else "in"
        if stance == "in":
            features.filters.pop(key)  # "算上0元试用的单": the usual count, which has them
            features.honoured.append(hit)
        elif stance == "out":
            left = _LEFT_WHEN_OUT[(key, hit.value)]
            if left is None:
                features.filters.pop(key)  # never-paid orders are not counted anyway
                features.honoured.append(hit)
            else:
                features.filters[key] = left
                features.one_group.add(key)
    if (m := _VALID_ORDERS.search(text)) and "status" not in features.filters:
        features.filters["status"] = catalog.load("metrics")["valid_orders"]["filters"]["status"]
        features.one_group.add("status")
        features.filter_hits.append(Hit(m.group(0), "valid", m.start(), m.end()))


# A day of the week named on its own ("周一的GMV", "每周五", "on Mondays"): orders placed on that weekday, in
# whatever window the question has. A weekday of a named week (上周三, last Friday) is a day, read as a period;
# 周末 / 工作日 are the weekday kinds above.
_DAY_OF_WEEK = re.compile(
    r"(?<![上这本])(?:每个?)?(?:周|星期|礼拜)([一二三四五六日天])(?![共均猫直个场款品种家位名件单笔次天日周月年类号批轮期末]"
    r"|\d|小时|到|至)"
    r"|(?<![a-z])(?:on\s+|every\s+)?(mon|tue|wed|thu|fri|sat|sun)(?:day|nesday|sday|rsday|urday)?s?(?![a-z])",
    re.IGNORECASE)


_EN_DAY = r"(mon|tue|wed|thu|fri|sat|sun)[a-z]*"
# A run of days: "周二到周四", "周一、周二……周日", "Tuesday through Thursday", "Mon–Fri", "Monday, Tuesday, … Sunday".
_DAY_RANGE = re.compile(r"(?<![上这本])(?:周|星期|礼拜)([一二三四五六日天])\s*"
                        r"(?:到|至|~|-|—|–|、.{0,16}?(?:…|\.\.\.)+、?)\s*(?:周|星期|礼拜)?([一二三四五六日天])"
                        rf"|(?<![a-z]){_EN_DAY}\s*(?:to|through|thru|till|until|-|–|—|~|,.{{0,40}}?(?:…|\.\.\.)+,?)"
                        rf"\s*(?:on\s+)?{_EN_DAY}(?![a-z])", re.IGNORECASE)
# Each day of a run or list given on its own ("周一到周日各卖多少", "one figure per day"): a split by day of week.
_EACH_DAY = re.compile(r"各|分别|每一?天各|(?<![a-z])(?:each|respectively|one\s+(?:figure|number)\s+(?:per|for\s+each)"
                       r"|per\s+(?:week)?day|for\s+each\s+(?:week)?day|by\s+day)(?![a-z])", re.IGNORECASE)


_IN_TOTAL = re.compile(r"一共|总共|合计|总计|共计|加起来|(?<![a-z])(?:in total|altogether|combined|overall)(?![a-z])")


def _run_of_days(m: re.Match[str]) -> list[str]:
    """The day_of_week values from a _DAY_RANGE match's first day to its last, round the weekend if need be."""
    first, last = ((WEEKDAY_NUMBER[m.group(1)], WEEKDAY_NUMBER[m.group(2)]) if m.group(1)
                   else (WEEKDAY_EN[m.group(3).lower()], WEEKDAY_EN[m.group(4).lower()]))
    return [_day_label((first - 1 + i) % 7 + 1) for i in range((last - first) % 7 + 1)]


_WEEK_DAY_TOKEN = re.compile(r"(\d+_weeks?_ago|last_week|this_week):d(\d)")


def _weekday_label(word: str) -> str:
    """The day_of_week value of a weekday word ("五", "天", "fri")."""
    return _day_label(WEEKDAY_NUMBER.get(word) or WEEKDAY_EN[word.lower()])


def _day_label(number: int) -> str:
    """The day_of_week value of a day's number in the period tables (Monday is 1)."""
    from tools.metrics import DAY_OF_WEEK_LABELS  # (the dimension's own values; loaded with the tools)

    return DAY_OF_WEEK_LABELS[number - 1]


def _ends_a_week_span(text: str, features: Features, m: re.Match[str]) -> bool:
    """"上周一到周三": the weekday after 到 ends the named week's run of days that the period began; the period
    becomes the run ("last_week:d1..last_week:d3")."""
    for i, p in enumerate(features.periods):
        week = _WEEK_DAY_TOKEN.fullmatch(p.token)
        if week and re.fullmatch(r"\s*(?:到|至|~|-|—)\s*", text[p.end:m.start()]):
            day = WEEKDAY_NUMBER[m.group(1)]
            if day <= int(week.group(2)):
                return False
            span = PeriodMatch(f"{p.token}..{week.group(1)}:d{day}", text[p.start:m.end()], p.start, m.end())
            features.periods[i] = span
            if features.period is p:
                features.period = span
            return True
    return False


def _days_of_week(text: str, features: Features) -> list[Hit]:
    """Weekday filters (metric_query's day_of_week), unless a breakdown by weekday is asked or a period
    took the word."""
    if "weekday" in features.filters or (features.dimension and features.dimension.value == "day_of_week"):
        return []
    taken: list[Hit | PeriodMatch] = list(features.periods)
    if features.dimension is not None and features.dimension.value == "weekday":
        # "weekends vs weekdays — Sat+Sun vs Mon–Fri": the days name the two sides of the split
        taken += [Hit(m.group(0), "weekday", m.start(), m.end()) for pattern in _ORDER_KINDS["weekday"][:2]
                  for m in pattern.finditer(text)]
    hits = []
    for m in _DAY_RANGE.finditer(text):  # "周二到周四": each day of the run
        if any(p.start < m.end() and m.start() < p.end for p in taken):
            continue
        for day in _run_of_days(m):
            hits.append(Hit(m.group(0), day, m.start(), m.end()))
        taken.append(hits[-1])
        features.one_group.add("day_of_week")
    for m in _DAY_OF_WEEK.finditer(text):
        if any(p.start < m.end() and m.start() < p.end for p in taken):
            continue
        if m.group(1) and _ends_a_week_span(text, features, m):
            continue
        if m.group(2) and not re.search(r"day|s$", m.group(0), re.IGNORECASE):
            continue  # "mon", "sat" alone are too short to be sure of; "Mondays", "on Saturday" are days
        hits.append(Hit(m.group(0), _weekday_label(m.group(1) or m.group(2)), m.start(), m.end()))
    if not hits:
        return []
    values = list(dict.fromkeys(h.value for h in hits))
    # each day one by one: "on an average Monday, Tuesday, … Sunday" (every day named), "周一到周日平均每天各卖多少"
    # (each day of the run a row; the days outside it left out)
    every_day = len(values) == 7 and not _IN_TOTAL.search(text) and features.dimension is None
    if every_day or len(values) > 1 and _EACH_DAY.search(text) and (
            features.dimension is None or features.dimension.value in (*vocab.TIME_DIMENSIONS, "weekday")):
        features.dimension = Hit(hits[0].phrase, "day_of_week", hits[0].start, hits[-1].end)
        features.one_group.discard("day_of_week")
        if len(values) == 7:
            return hits
    features.filters["day_of_week"] = values[0] if len(values) == 1 else values
    if features.dimension is not None and features.dimension.value == "week" \
            and any(features.dimension.overlaps(h) for h in hits):
        features.dimension = None  # "每周五的客单价": Fridays, not a trend by week
    return hits


# Buying more than once, however it is said ("ordered more than once", "2+ paid orders", "买过两次及以上"):
# the repurchase rate when a share is asked, else the count of such buyers. Once, only: one-time buyers.
_BUY_VERB = r"(?:bought|ordered|purchased|shopped|placed|made|come back|came back|returned|buy|order|purchase)"
_REPEAT_BUYING = re.compile(
    r"(?:两|2|二)\s*(?:次|单|笔|个订单|次购买)(?:及|或|和)?以上(?:的?(?:订单|购买))?|不止(?:买过?|下过?|购买过?)?一(?:次|单)"
    r"|(?:买|下单|购买|复购)(?:过|了)?(?:两|2|二)次(?:及|或)?(?:以上|或更多)"
    # the people who bought again, named as such: "复购客户有多少" counts them (a rate when a share is asked)
    r"|复购(?:过)?的?(?:客户|用户|买家|顾客|人)"
    r"|(?<![a-z])(?:" + _BUY_VERB + r"\w*\s+(?:\w+\s+){0,2}?(?:more than once|twice or more|two or more times"
    r"|multiple times|repeatedly|at least twice|again and again)"
    r"|(?:2|two)\s*(?:\+|or more|plus)\s*(?:paid\s+|valid\s+)?(?:orders|purchases)"
    r"|at least (?:2|two) (?:paid |valid )?(?:orders|purchases)|more than one (?:paid )?(?:order|purchase))(?![a-z])")
_ONCE_ONLY = re.compile(r"只(?:买|购买|下单|下)(?:过|了)?一(?:次|单)|仅(?:购买|买|下单)(?:过|了)?一(?:次|单)"
                        r"|(?<![a-z])(?:" + _BUY_VERB + r"\w*\s+(?:only\s+|just\s+)?once"
                        r"|(?:only|just)\s+(?:ever\s+)?" + _BUY_VERB + r"\w*\s+once"
                        r"|(?:only|just|exactly) one (?:paid )?(?:order|purchase)|one-time (?:buyers|customers"
                        r"|purchasers))"
                        r"(?![a-z])")
_RATE_ASKED = re.compile(r"比例|占比|占多少|百分之|多少成|率|(?<![a-z])(?:share|percentage|percent|proportion"
                         r"|rate|fraction)"
                         r"(?![a-z])")


# An amount averaged over a unit: "how much does each buyer spend" is spend per buyer, "avg spend per order" the AOV.
_AVERAGED = re.compile(r"平均|人均|均摊|(?<![a-z])(?:average|avg|on average|mean|each|per|apiece)(?![a-z])")
_PER_ORDER = re.compile(r"每一?[单笔]|一[单笔]|单均|(?<![a-z])(?:per|each|an?|every|the average)\s+"
                        r"(?:order|basket|purchase|transaction)(?![a-z])")
_PER_BUYER = re.compile(r"人均|(?:每|平均)一?(?:个|位|名)?(?:人|客户|买家|用户|顾客)"
                        r"|一(?:个|位|名)(?:客户|买家|用户|顾客)|(?<![a-z])(?:per|each|an?|every)\s+(?:buyer|customer|person|head|user|shopper)(?![a-z])|(?:buyers|customers|shoppers|users)\b.{0,30}\beach\b")
_AMOUNT_WORDS = re.compile(r"花|消费|spend|spent|spending|pay|paid|revenue|money|worth")


_MONEY_WORDS = re.compile(r"多少钱|金额|货值|(?<![a-z])(?:how much|amount|value|worth)(?![a-z])")


def _refunds_still_open(text: str, features: Features) -> None:
    """"还在退款中", "a refund request that's still open": the refund words name the open request, not a refund
    given (no refunded status, no refund measure); money asked of them is the value under request."""
    open_hit = next((h for h in features.filter_hits if h.value == "open"), None)
    if open_hit is None:
        return
    if features.filters.get("status") in ("refunded", ["refunded"]) and any(
            h.value == "refunded" and (h.overlaps(open_hit) or open_hit.start - h.end < 12)
            for h in features.filter_hits):
        features.filters.pop("status")
        features.filter_hits = [h for h in features.filter_hits if h.value != "refunded"]
    refund_words = [h for h in features.metric_hits if h.value in ("refund_rate", "refund_amount")
                    and (h.overlaps(open_hit) or abs(h.start - open_hit.start) < 12)]
    features.metric_hits = [h for h in features.metric_hits if h not in refund_words]
    if features.metric in refund_words:
        features.metric = _main_metric(features.metric_hits, text)
    elif features.metric is not None and features.metric.value == "gmv":
        features.metric = None
    money = _MONEY_WORDS.search(text)
    if money and (features.metric is None or features.metric.value in ("gmv", "refund_amount")):
        _choose_metric(features, money.group(0), "refund_requested", money.start(), money.end())
        if features.dimension is not None and features.dimension.value == "product" \
                and text[features.dimension.end:].lstrip().startswith(("金额", "价值", "value")):
            features.dimension = None  # "这些商品金额": the goods' value, not a split by product
    elif features.metric is None and re.search(r"几|多少|how many", text):
        _choose_metric(features, open_hit.phrase, "orders", open_hit.start, open_hit.end)


def _average_over_time(text: str, features: Features, dimensions: list[Hit]) -> None:
    """日均 / "per day on average": one average, not a breakdown by the day its words name. A day word beside
    weekends, weekdays or a day of the week ("weekend vs weekday sales per day", "周三每天多少单") is the
    same average: those days cannot be listed one by one as the answer."""
    features.per = find_per(text)
    chosen = features.dimension
    if features.per is None and chosen is not None and chosen.value == "day" and (
            {"weekday", "day_of_week"} & set(features.filters)):
        features.per = Hit(chosen.phrase, "day", chosen.start, chosen.end)
    elif features.per is None and chosen is not None and chosen.value in ("weekday", "day_of_week"):
        day = next((d for d in dimensions if d.value == "day" and not d.overlaps(chosen)), None)
        features.per = Hit(day.phrase, "day", day.start, day.end) if day else None
    per = features.per
    if per is not None:  # the day word is the average's, not a breakdown left out
        features.displaced = [d for d in features.displaced if not d.overlaps(per)]
    if per is None or chosen is None or not (chosen.overlaps(per) or chosen.value == per.value):
        return
    rest = [d for d in dimensions if not d.overlaps(per) and d.value != per.value]
    features.dimension = _choose_dimension(text, rest) if rest else None


def _averaged_amount(text: str, features: Features) -> None:
    """A money amount averaged over orders or buyers is the AOV or spend per buyer, not the total."""
    spent = [h for h in features.metric_hits if h.value == "gmv" and _AMOUNT_WORDS.search(h.phrase)]
    if not spent or not _AVERAGED.search(text) or (
            features.metric is not None and features.metric.value not in ("gmv", "buyers", "orders")):
        return
    hit = spent[0]
    if _PER_ORDER.search(text):
        _choose_metric(features, hit.phrase, "aov", hit.start, hit.end)
    elif _PER_BUYER.search(text) or any(h.value == "buyers" for h in features.metric_hits):
        _choose_metric(features, hit.phrase, "spend_per_buyer", hit.start, hit.end)
    features.metric_hits = [h for h in features.metric_hits if h.value not in ("buyers", "orders", "gmv")
                            or h is features.metric]


# The buyers who buy most often, ranked: customers by their orders ("three most frequent buyers", "下单次数最多的客户")
_MOST_FREQUENT = re.compile(r"(?<![a-z])most frequent (?:buyers|customers|shoppers)(?![a-z])"
                            r"|(?:下单|购买|买)(?:次数|频次)最(?:多|高)的(?:客户|买家|顾客|用户)|买得最(?:勤|频繁)的(?:客户|买家|顾客|人)")


# How often buyers bought, with anyone between the words: paid orders per buyer
_HOW_OFTEN = re.compile(r"(?<![a-z])how often (?:do|does|did|have|has|are)?\s*(?:[\w'-]+\s+){0,4}?"
                        r"(?:buy|bought|order|ordered|purchase|purchased|shop|shopped)(?![a-z])")


# A promotion named with the whole of its run: "双11期间", "整个618", "during double 11", "throughout 618"
_WHOLE_RUN = re.compile(r"期间|整个|全程|活动期|大促期|(?<![a-z])(?:during|throughout|whole|entire|over)(?![a-z])")


def _buying_frequency(text: str, features: Features) -> None:
    """A count of buyers by how often they bought: the repurchase rate, repeat or one-time buyers."""
    if features.metric is not None and features.metric.value not in ("buyers", "orders", "repurchase_rate"):
        return
    if {"repurchase_rate", "repeat_buyers"} <= {h.value for h in features.metric_hits}:
        return  # "复购率和复购人数": both measures are listed, each answered
    if m := _REPEAT_BUYING.search(text):
        value = "repurchase_rate" if _RATE_ASKED.search(text) else "repeat_buyers"
    elif m := _ONCE_ONLY.search(text):
        value = "one_time_buyers"  # a share of them is the rest of the repurchase rate: said as a count
    else:
        return
    features.metric_hits = [h for h in features.metric_hits if h.value not in ("buyers", "orders")]
    _choose_metric(features, m.group(0), value, m.start(), m.end())
    # "买过两次及以上的老客": 老客 / 复购客户 name the same people the phrase defines, not the lifecycle stage
    features.segment_hits = [h for h in features.segment_hits if h.value.key != "repeat"]
    features.segment = main_segment(features.segment_hits)



# 老客 beside a measure of a window ("上个月老客贡献了多少GMV") is a buyer who had bought before the window,
# not the lifecycle stage 复购期 (a recency rule as of the data's end): a filter of metric_query's buyer_type.
_RETURNING = re.compile(r"老客户?|老买家|老用户|老顾客|回头客|(?<![a-z])(?:returning|existing|old) (?:customers"
                        r"|buyers|shoppers|ones)"
                        r"(?![a-z])")


_GLOSS_OPENS = re.compile(r"\s*(?:客户|用户|顾客|买家|会员|customers?|buyers?|users?)?\s*[（(]\s*")


def _glossed(text: str, hits: list[Hit]) -> list[Hit]:
    """A group glossed in brackets right after it ("high value客户（重要价值客户）") is the group the brackets
    name: one group, said twice, not two."""
    glosses = [(a, b) for a in hits for b in hits
               if b.start > a.end and _GLOSS_OPENS.fullmatch(text[a.end:b.start])
               and re.match(r"\s*[）)]", text[b.end:])]
    return [h for h in hits if not any(h is a for a, _ in glosses)]


def _new_and_returning(text: str, segment_hits: list[Hit]) -> list[Hit]:
    """新客 and 老客 named apart and joined ("新客的客单价比老客高多少", "new customers' AOV than returning
    customers'"): the two sides of the new-or-returning split."""
    new = next((h for h in segment_hits if h.value.key == "new_customers"), None)
    old = next((h for h in segment_hits if _RETURNING.fullmatch(h.phrase)), None)
    if new is not None and old is None and (said := _RETURNING.search(text, new.end)):
        old = Hit(said.group(0), None, said.start(), said.end())  # "new buyers vs returning ones"
    if new is None or old is None:
        return []
    first, second = sorted((new, old), key=lambda h: h.start)
    return [first, second] if SIDE_BY_SIDE.search(text[first.end:second.start]) else []


def _returning_buyers(text: str, features: Features) -> list[Hit]:
    if features.dimension is not None and features.dimension.value == "buyer_type":
        return []
    seg = features.segment
    # (with no window metric_query takes the data's last 30 days: over all data nobody bought before it)
    if features.metric is None or features.metric.value in ("new_customers", "repurchase_rate"):
        return []
    if seg is None or seg.value.key != "repeat" or not _RETURNING.fullmatch(seg.phrase):
        # "gmv from returning buyers last month": the words alone, where no group was read from them
        said = _RETURNING.search(text)
        if said is None or re.search(r"[\u4e00-\u9fff]", said.group(0)) or features.segment is not None:
            return []
        seg = Hit(said.group(0), None, said.start(), said.end())
    features.segment_hits = [h for h in features.segment_hits if h is not seg]
    features.segment = main_segment(features.segment_hits)
    features.filters["buyer_type"] = "returning"
    return [Hit(seg.phrase, "returning", seg.start, seg.end)]


# Counting orders without naming them: "几笔", "多少单", "how many".
_MOST_OF = re.compile(r"最多|最少|(?<![a-z])(?:most|fewest|least)(?![a-z])")
_ORDER_COUNT = re.compile(r"[几多少]+\s*[笔单]|[笔单]数|有几|有多少|(?<![a-z])how many(?![a-z])"
                          # "没付款就关掉的几个": orders of a status, counted with no noun
                          r"|的(?:几|多少)个\s*[?？]?\s*$")


# A share of a whole asked for: "占比", "what share of".
SHARE = re.compile(r"占比|占多少|占了多少|占了?几成|占总|占全部|比例是多少|百分之多少|所占|占多大(?:比例|比重|份额)"
                   r"|占(?:到)?百分之几"
                   r"|(?<![a-z])(?:share of|percentage of"
                   r"|proportion of|what percent|what share|fraction of|what fraction|what proportion"
                   r"|what percentage)(?![a-z])")
# Order-amount conditions, always with a currency word so "超过180天" is never one: metric_query's amount filter.
_MONEY = r"(?:元|块钱|块|rmb|yuan|dollars?|美元)"
_NUM = r"(\d+(?:\.\d+)?)"
_MORE = r"(?:超过|大于|高于|多于|>|over|above|more than|greater than)"
_LESS = r"(?:低于|小于|少于|不到|<|under|below|less than)"
# the amount named instead of a currency: "金额大于1000的订单", "orders with an amount over 500"
_AMOUNT_NOUN = r"(?:金额|实付|付款额|支付额|订单额|(?<![a-z])(?:amount|order value|value|total))\s*(?:是|为|都)?\s*"
_AMOUNTS: list[tuple[re.Pattern[str], str]] = [
    # "at least one paid, non-zero order", "不含0元单": every order worth something (checked first: it holds a 0)
    (re.compile(r"(?<![a-z])non[- ]?zero(?:[- ](?:amount|value))?(?![a-z])|金额大于\s*0|大于\s*0\s*元"
                r"|不含\s*0\s*元(?:单|订单)?"
                r"|(?<![a-z])not (?:free|zero)(?![a-z])"
                r"|排除\s*0\s*元(?:单|订单)?|非\s*0\s*元|不算\s*0\s*元(?:单|订单)?|(?<![a-z])excluding (?:zero|0"
                r"|free)[- ]"
                r"(?:amount|value|yuan|gift)? ?orders?"), ">0"),
    (re.compile(rf"[¥￥$]?\s*{_NUM}\s*{_MONEY}?\s*(?:-|~|到|至|and)\s*[¥￥$]?\s*{_NUM}\s*{_MONEY}"
                rf"|between\s+[¥￥$]?\s*{_NUM}\s*{_MONEY}?\s+and\s+[¥￥$]?\s*{_NUM}"), "{}-{}"),
    (re.compile(rf"(?:不低于|不少于|至少|满|>=|at least|no less than)\s*[¥￥$]?\s*{_NUM}\s*{_MONEY}?(?=\D|$)"
                rf"|[¥￥$]\s*{_NUM}\s*(?:以上|及以上|或以上|\+|or more|and above|and up)"
                rf"|{_NUM}\s*{_MONEY}\s*(?:及以上|或以上|以上|or more|and above|and up)"), ">={}"),
    (re.compile(rf"(?:不超过|不高于|最多|<=|at most|no more than)\s*[¥￥$]?\s*{_NUM}\s*{_MONEY}"
                rf"|{_NUM}\s*{_MONEY}\s*(?:及以下|或以下|以内)"), "<={}"),
    (re.compile(rf"{_MORE}\s*[¥￥$]?\s*{_NUM}\s*{_MONEY}|{_MORE}\s*[¥￥$]\s*{_NUM}|{_AMOUNT_NOUN}{_MORE}\s*{_NUM}"),
     ">{}"),
    (re.compile(rf"{_LESS}\s*[¥￥$]?\s*{_NUM}\s*{_MONEY}|{_LESS}\s*[¥￥$]\s*{_NUM}|{_NUM}\s*{_MONEY}\s*以下"
                rf"|{_AMOUNT_NOUN}{_LESS}\s*{_NUM}"), "<{}"),
    (re.compile(rf"{_AMOUNT_NOUN}(?:=|等于|of|is|为|是)?\s*[¥￥$]?\s*0(?:\.0+)?\s*(?:元|块)?(?![\d.])"), "0"),
    (re.compile(r"(?<![\d.])0\s*元(?:购|单|订单)?|零元(?:购|单|订单)?"
                r"|(?<![a-z])(?:zero[- ]amount|zero[- ]value|0[- ]yuan|free[- ]gift) orders?"
                r"|[¥￥$]0 (?:orders?|trials?|gifts?|samples?)"
                # what a live room gives away: "free lucky-bag orders", "free trials", "免费试用"
                r"|(?<![a-z])(?<!with )(?<!with a )(?<!with an )free (?:lucky[- ]bags?|gifts?|trials?|samples?)"
                r"(?: orders?)?(?![a-z])"
                r"|免费(?:福袋|赠品|试用)"),
     "0"),
]


_ORDER_NOUN = re.compile(r"订单|单|笔|(?<![a-z])(?:orders?|purchases?|baskets?|transactions?)(?![a-z])")
_PEOPLE_AFTER = re.compile(r"\s*的?\s*(?:客户|用户|顾客|买家|会员|人)"
                           r"|\s*(?:customers?|buyers?|users?|spenders?|shoppers?)")


def find_amount(text: str) -> Hit | None:
    """"1000元以上的订单" -> ">=1000", "0元单" -> "0", "orders between 100 and 500 yuan" -> "100-500".

    Only an amount of an order: an order noun within a few characters, and no people right after it
    ("消费超过1000元的客户" is a customer's total spend, which this filter is not)."""
    for pattern, form in _AMOUNTS:
        for m in pattern.finditer(text):
            near = text[max(0, m.start() - 20):m.end() + 8]
            if _PEOPLE_AFTER.match(text, m.end()) or not (form in ("0", ">0") or _ORDER_NOUN.search(near)):
                continue
            numbers = [g for g in m.groups() if g is not None]
            return Hit(m.group(0), form.format(*numbers) if numbers else form, m.start(), m.end())
    return None


_CUSTOMER_NOUN = re.compile(r"客户|顾客|买家|用户|会员|粉丝|(?<![a-z])(?:customers?|buyers?|users?|spenders?"
                            r"|shoppers?|members?)(?![a-z])")
_PER_CUSTOMER_METRICS = ("gmv", "net_sales", "orders", "aov", "net_aov")
# Who buys, without a qualifier we could not apply (会员, 粉丝 are attributes the data may not have).
# New and returning buyers are people: "各有多少人", "人数" count them (no noun of buyers needed)
_HOW_MANY_PEOPLE = re.compile(r"(?:多少|几)\s*(?:个|位)?\s*人|人数"
                              r"|(?<![a-z])how many(?!\s+(?:orders|items|units|times))")
_BUYER_NOUN = re.compile(r"客户|顾客|买家|用户|(?<![a-z])(?:customers|buyers|users|shoppers)(?![a-z])"
                         # people counted with a word of buying or selling: "how many people did 小雅 sell to"
                         r"|(?:多少|几)(?:个)?人(?=\S{0,12}(?:买|下单|付款|购买|成交))"
                         r"|(?<![a-z])(?:how many|number of) (?:different |distinct |unique )?people(?=.{0,40}"
                         r"(?:bought|buy|ordered|order|paid|pay|purchased|sell|sold|shopped))")
# GMV said net of what was refunded: "net live-stream GMV", "GMV after refunds", "GMV minus refunds"
_NET_OF_REFUNDS = re.compile(r"(?<![a-z])net\s+(?:[\w-]+\s+){0,2}?(?:gmv|sales|revenue)(?![a-z])"
                             r"|(?<![a-z])(?:after|net of|minus|less|excluding|without)\s+(?:the\s+)?refunds?(?![a-z])")
# ...and in Chinese, the refunds named as what is taken off: "退款要扣掉", "扣除退款"
_NET_OF_REFUNDS_ZH = re.compile(r"(?:扣除|扣掉|减去|减掉|刨去)(?:了)?(?:所有|全部)?(?:的)?(?:退款|退货)"
                                r"|(?:退款|退货)(?:金额|的钱)?(?:要|需要|得|都)?(?:扣|减)(?:除|掉|去)")


def _net_said(text: str) -> re.Match[str] | None:
    """Words that take refunds off the figure, unless they are said not to ("不扣除退款")."""
    kept = _NOT_DEDUCTED.search(text)
    for pattern in (_NET_OF_REFUNDS, _NET_OF_REFUNDS_ZH):
        for m in pattern.finditer(text):
            if not (kept and kept.start() <= m.start() and m.end() <= kept.end() + 1):
                return m
    return None


_DEDUCTED = re.compile(r"(?:after|net of|minus|less|excluding|扣除|扣掉|去掉|刨去|减去|不含)\s*(?:the\s+|all\s+)?$",
                       re.IGNORECASE)


# Refunds said to stay in the figure ("退款先不扣", "不扣除退款", "before refunds", "refunds not deducted"): the
# usual gross figure is what is asked, and the refund words are no measure of their own. (退款的不算 is another
# matter: refunded orders left out.)
_NOT_DEDUCTED = re.compile(r"(?:先|暂时|暂且|都|也)?不(?:用|要|必)?(?:扣|减)(?:除|掉|去)?(?:掉)?(?:退款|退货)"
                           # "退款的先不管", "不考虑退款": refunds set aside, the figure as it was bought
                           r"|(?:退款|退货)(?:的)?(?:先|暂时|暂且|都)?(?:不管|不用管|不考虑|别管)"
                           r"|(?:先|暂时|暂且)?(?:不管|不考虑|不看)(?:退款|退货)"
                           r"|(?:退款|退货)(?:金额|的钱)?(?:先|暂时|暂且|都|也)?不(?:用|要|必)?(?:扣|减)(?:除|掉|去)?"
                           r"|(?<![a-z])(?:before (?:any )?refunds|(?:the )?refunds? (?:are |is )?not (?:deducted"
                           r"|subtracted|taken off|taken out)|without (?:deducting|subtracting|taking off|taking out) "
                           r"(?:the |any )?refunds?|not net of refunds|gross of refunds"
                           r"|(?:don'?t|do not|no need to) (?:deduct|subtract|take off|take out) (?:the |any )?refunds?"
                           r")(?![a-z])")
_REFUND_MEASURES = ("refund_rate", "refund_amount", "net_sales", "net_aov", "net_spend_per_buyer")


def _refunds_not_deducted(text: str, features: Features) -> None:
    """"抖店付了款的销售额一共多少？退款先不扣": the gross figure, with the refund words honoured by it."""
    if not (m := _NOT_DEDUCTED.search(text)):
        return
    said = [h for h in features.metric_hits if h.value in _REFUND_MEASURES and m.start() <= h.start
            and h.end <= m.end()]
    if not said:
        return
    features.metric_hits = [h for h in features.metric_hits if h not in said]
    if features.metric in said:
        features.metric = _main_metric(features.metric_hits, text) if features.metric_hits else None
        if features.metric is None or features.metric.value in ("refund_rate", "refund_amount"):
            _choose_metric(features, m.group(0), "gmv", m.start(), m.end())
    features.honoured.append(Hit(m.group(0), "gross", m.start(), m.end()))


# Two measures listed ("净销售额和客单价", "net sales and AOV"), and net sales named as a measure of its own.
_MEASURES_LISTED = re.compile(r"[和与及、,/]|以及|还有|(?<![a-z])(?:and|plus|as well as)(?![a-z])")
_NET_MEASURE = re.compile(r"净销售额?|净收入|净营收|净成交额|net\s+(?:[\w-]+\s+){0,2}?(?:sales|revenue|gmv)",
                         re.IGNORECASE)
# An amount bound left out is its opposite kept: "<10" out is ">=10" in.
_OPPOSITE = {"<": ">=", "<=": ">", ">": "<=", ">=": "<"}
# A line said refunded ("退款成功的有几个子订单", "sub-orders that were refunded").
_LINE_REFUNDED = re.compile(r"退款成功|退货成功|退款完成|退了款|退掉|已退款"
                            r"|(?<![a-z])(?:refunded|completed refunds?)(?![a-z])")


def _refunds_deducted(features: Features, text: str) -> None:
    """The kind of refund named as what is deducted ("kept after partial refunds", "扣除部分退款后") is what
    comes off, not which orders count: a status filter said only there is dropped."""
    said = [h for h in features.filter_hits if h.value == features.filters.get("status")]
    if said and all(_DEDUCTED.search(text[max(0, h.start - 14):h.start]) for h in said):
        features.filters.pop("status")
        features.filter_hits = [h for h in features.filter_hits if h not in said]


# Averages and the same average net of refunds.
_NET_AVERAGES = {"aov": "net_aov", "spend_per_buyer": "net_spend_per_buyer"}
# What was kept once refunds went back: "what customers actually kept after partial refunds", "扣除退款后",
# "退款后实际留下的", "净客单价".
_KEPT_AFTER_REFUNDS = re.compile(r"(?:扣除|扣掉|去掉|刨去|减去|不含)(?:部分)?退款|退款(?:以|之)?后|净客单价|实际留下"
                                 r"|(?<![a-z])(?:net aov|net average order value|kept after (?:the )?(?:partial )?"
                                 r"refunds?|(?:actually|really) kept)(?![a-z])", re.IGNORECASE)
# People counted with a few words between ("how many distinct JD customers", "number of unique paying buyers");
# words of things bought between them count those things instead ("how many orders did customers place")
_PEOPLE_COUNTED = re.compile(r"(?<![a-z])(?:how many|number of)\s+(?:(?!(?:orders?|items?|units?|times?|sales?"
                             r"|purchases?|pieces?|products?|sessions?|of)(?![a-z]))[\w¥$'-]+\s+){0,3}?"
                             r"(?:customers|buyers|shoppers|people|users)(?![a-z])", re.IGNORECASE)


# People counted at the end of a question whose filter says what they did ("直播间下单的有几个人")
_PEOPLE_AT_END = re.compile(r"(?:多少|几)(?:个|位)?人\s*[?？。]?\s*$")
# More than one order, with words between ("two or more refunded orders", "不止一笔退款订单")
_MORE_THAN_ONE = re.compile(r"(?<![a-z])(?:(?:two|2) or more|more than one|at least (?:two|2)|multiple)\s+"
                            r"(?:[a-z-]+\s+){0,2}?orders?(?![a-z])|(?:不止|超过|多于)(?:一|1)(?:笔|单)|(?:两|2)(?:笔|单)(?:及)?以上",
                            re.IGNORECASE)
# The people who got a free (¥0) order, as whom a measure is about ("领过福袋的人", "customers who got a lucky bag")
FREE_ORDER_PEOPLE = re.compile(r"(?:领|拿|抢|得|收|中)(?:过|了|到)+(?:的)?(?:0元|零元|免费)?(?:福袋|赠品|试用装?|小样)"
                               r"的?"
                               r"(?:人|买家|客户|用户|粉丝)"
                               r"|(?<![a-z])(?:people|customers|buyers|users|fans) who (?:got|received|claimed|grabbed"
                               r"|won) (?:a |the |any |their )?(?:free |¥0 |0-yuan )?(?:lucky[- ]bags?|gifts?|trials?"
                               r"|samples?)(?![a-z])", re.IGNORECASE)
# Measures of money (as opposed to counts of orders or people)
MONEY_MEASURES = {"gmv", "net_sales", "aov", "net_aov", "spend_per_buyer", "net_spend_per_buyer", "refund_amount"}
# A name followed by words that make it a time ("国庆特惠期间", "双11当天"): the window, not the product
_AS_A_WINDOW = re.compile(r"\s*(?:期间|的时候|那几天|那天|当天|活动期间?|大促)")
# Money paid asked of people or orders ("how much had buyers paid on those orders", "这些订单一共付了多少钱"),
# not per head ("how much did each buyer spend": spend per buyer)
_MONEY_PAID = re.compile(r"(?<![a-z])how much (?:money )?(?:had|did|have|has|do|does) (?:the |those |these |our )?"
                         r"(?:buyers?|customers?|they|people|shoppers?|he|she) (?:already |actually )?"
                         r"(?:paid|pay|spent|spend)(?![a-z])"
                         r"|(?:一共|总共|共)?(?:付|花|支付)了(?:多少钱|多少)(?!人|位|个|单|笔)", re.IGNORECASE)
_EACH_ONE = re.compile(r"人均|平均|每人|每个人|每位|(?<![a-z])(?:each|per|average|on average|apiece)(?![a-z])",
                       re.IGNORECASE)


# The whole file's span named ("整个导出期间", "the whole export (September and October)"): the months named
# beside it spell it out, they do not narrow it as they narrow "overall" ("the overall GPM in November").
_FILE_SPAN = re.compile(r"导出|文件|期间|(?<![a-z])(?:export|file|period|dataset|data\s?set|time\s+range)(?![a-z])")


def extract(question: str, vocabulary: DataVocabulary | None = None) -> Features:
    text, corrections = correct_spelling(normalize(question))
    features = Features(question=question, text=text, language=detect_language(question),
                        corrections=corrections)
    periods = find_periods(text)
    if vocabulary is not None and periods:  # "中秋坚果礼盒", "双11限定款": a product's name, not a window
        names = [h for h in vocabulary.find(text) if h.kind in ("product", "host", "category", "coupon_code")]
        periods = [p for p in periods if not any(h.start <= p.start and p.end <= h.end
                                                 and not _AS_A_WINDOW.match(text, h.end) for h in names)]
    features.period = periods[0] if periods else None
    features.periods = periods
    if features.period is not None and features.period.token == "all" and not _FILE_SPAN.search(
            features.period.phrase) and (named := [p for p in periods if p.token != "all"]):
        features.period = named[0]  # "the overall GPM in November", "11月整体转化率": overall over the window named
    dated = [p for p in periods if _ISO_DAY.fullmatch(p.token) or p.token.startswith("day:")]
    if features.period is not None and dated and NAMED_TOKEN.fullmatch(features.period.token):
        features.period = dated[0]  # "Double 11 (2025-11-11)": the day written out, not the promotion's window
    # windows are weighed against the data's last day, as the tools will resolve them (today without data)
    anchor = vocabulary.anchor if vocabulary is not None and vocabulary.anchor else date.today()
    features.compare = _versus(text, periods, anchor) or find_compare(text)
    if features.compare and _explicit_pair(text, periods, features.compare, anchor):
        features.compare = None  # "上周三和上周四对比": two windows named side by side, each answered
    if features.compare:
        features.period = _compared_period(text, periods, features.compare)
    if vocabulary is not None:
        features.data_hits = vocabulary.find(text)
        features.session_title = session_title_asked(question, vocabulary)[0]
        if features.session_title and (at := text.find(normalize(features.session_title))) >= 0:
            # the words of a title written out are the title's: no category, product or window of their own
            end = at + len(normalize(features.session_title))
            features.data_hits = [h for h in features.data_hits if not (at <= h.start and h.end <= end)]
            periods = [p for p in periods if not (at <= p.start and p.end <= end)]
            features.period = periods[0] if periods else None
            features.periods = periods

    features.segment_hits = _glossed(text, find_segments(text))
    dimension_words = vocab.DIMENSIONS.find(text)
    split_by_buyer_type = next((d for d in dimension_words if d.value == "buyer_type"), None)
    sides = [split_by_buyer_type] if split_by_buyer_type else _new_and_returning(text, features.segment_hits)
    if sides and split_by_buyer_type is None:  # "新客的客单价比老客高多少": the two named apart, set side by side
        split_by_buyer_type = Hit("/".join(h.phrase for h in sides), "buyer_type", sides[0].start, sides[0].end)
        dimension_words.append(split_by_buyer_type)
    if split_by_buyer_type:  # "新客和老客的客单价": the split names them, no segment is meant
        features.segment_hits = [h for h in features.segment_hits if not any(h.overlaps(s) for s in sides)]
    features.segment = main_segment(features.segment_hits)

    metrics = _not_inside(vocab.METRICS.find(text), periods)
    if not metrics and (m := _DEALT_HOW_MUCH.search(text)):  # "今天成交了多少？": the amount, no unit said
        metrics = [Hit(m.group(0), "gmv", m.start(), m.end())]
    if any(h.value == "units" for h in metrics):  # "按件数算，卖得最好": the selling words rank by units
        metrics = [h for h in metrics if not (h.value == "gmv" and _SELLING_WORDS.search(h.phrase))]
    if split_by_buyer_type:  # 新客 inside "新客和老客" names a row of the split, not the new-customer count
        metrics = [h for h in metrics if not any(s.overlaps(h) for s in sides)]
    if split_by_buyer_type and _MONEY_ASKED_EN.search(text):
        # "how much came from new versus returning buyers": the buyers name the split's rows; the money is asked
        metrics = [h for h in metrics if not (h.value in ("buyers", "customers")
                                              and not text[split_by_buyer_type.end:h.start].strip())]
    features.metric = _main_metric(metrics, text)
    if features.metric is not None and features.metric.value == "orders" and (m := _DEALT_HOW_MUCH.search(text)) \
            and m.start() < features.metric.start and features.metric.end <= m.end() and m.group(0)[:1].isascii():
        # "how much did shelf orders bring in": the orders are what brought the money in, which is asked
        _choose_metric(features, m.group(0), "gmv", m.start(), m.end())
        metrics = features.metric_hits
    if features.metric is not None and features.metric.value == "refund_rate" \
            and not _RATE_WORD.search(features.metric.phrase) and _MONEY_WORD.search(text) \
            and not re.search(r"(?<![a-z])how many(?![a-z])|(?:多少|几)(?:个|位|笔)?(?:人|客户|买家|顾客|单)", text):
        # "lost us the most money to refunds", "退款损失了多少钱": the money refunded, not a rate
        amount = Hit(features.metric.phrase, "refund_amount", features.metric.start, features.metric.end)
        metrics = [amount if h is features.metric else h for h in metrics]
        features.metric = amount
    features.metric_hits = metrics
    _averaged_amount(text, features)
    _buying_frequency(text, features)
    if (features.metric is None or features.metric.value in ("buyers", "orders")) and (m := _HOW_OFTEN.search(text)):
        # "how often do champions buy": the words "how often" (the buyers between them are the segment's)
        _choose_metric(features, "how often", "orders_per_buyer", m.start(), m.start() + len("how often"))

    dimensions = _not_within(_not_inside(dimension_words, periods), metrics)
    if features.compare:
        dimensions = _not_inside(dimensions, [features.compare])
    dimensions = [d for d in dimensions if not _names_a_value(text, d, features.data_hits)]
    pointed = [d for d in dimensions if _POINTED_AT.search(text[:d.start])]
    if pointed and len(pointed) < len(dimensions):  # "这个品类里前5的商品": the one category, split by product
        dimensions = [d for d in dimensions if d not in pointed]
    features.dimension = _choose_dimension(text, dimensions)
    if (m := _MOST_FREQUENT.search(text)) and (features.metric is None or features.metric.value == "buyers") \
            and (features.dimension is None or features.dimension.value == "customer") \
            and not re.search(r"(?<![a-z])(?:where|live|located|from)(?![a-z])|哪里|住在|哪些?省|哪些?城市", text):
        # "three most frequent buyers": the customers, ranked by their orders
        _choose_metric(features, m.group(0), "orders", m.start(), m.end())
        features.dimension = Hit(m.group(0), "customer", m.start(), m.end())
    if features.dimension is not None and _marked(text, features.dimension):
        # "各品类的GMV，按周看": one breakdown is applied; the other one marked as a breakdown is named, not lost
        features.displaced += [d for d in dimensions if _marked(text, d) and d.value != features.dimension.value
                               and not d.overlaps(features.dimension)]
    if features.dimension is None and (trend := vocab.TREND_WORDS.first(text)):
        # a trend is by month unless the comparison names its grain ("week over week 趋势", "日环比走势")
        compare = features.compare
        grain = _COMPARE_GRAIN.search(text[max(0, compare.start - 1):compare.end]) if compare else None
        features.dimension = (Hit(trend.phrase, _UNIT_GRAIN[grain.group(1) or grain.group(2)], trend.start, trend.end)
                              if grain else trend if compare else _trend_grain(trend, features.period, anchor))

    if features.dimension is None and features.compare is None and features.period is not None \
            and (span := _SPAN_OF_UNITS.fullmatch(features.period.token)) and _COMPARED.search(text):
        # "前后两周的GMV对比", "compare GMV for the last two weeks": the weeks of the span set side by side
        features.dimension = Hit(features.period.phrase, _SPAN_GRAIN[span.group(1)], features.period.start,
                                 features.period.end)
    if features.dimension is not None and features.dimension.value != "gender":
        # "各月男女的GMV": a split by gender beside the one made cannot be kept with it, and is named
        features.displaced += [d for d in dimensions if d.value == "gender" and not d.overlaps(features.dimension)]
    # (a gender inside a word of splitting by gender, "男女", is a row of that split, never a filter)
    genders = _not_inside(vocab.GENDERS.find(text), ([features.dimension] if features.dimension else [])
                          + [d for d in dimensions if d.value == "gender"])
    regions = _not_inside(vocab.REGIONS.find(text), [])
    if len({h.value for h in genders}) > 1:  # 男性和女性 / men vs women: a comparison by gender
        if features.dimension is None or features.dimension.value in vocab.TIME_DIMENSIONS:
            if features.dimension is not None:  # "男性和女性每个月的GMV": the split by month cannot be kept too
                features.displaced.append(features.dimension)
            first = genders[0]
            features.dimension = Hit(" / ".join(h.phrase for h in genders), "gender", first.start, first.end)
            # the two named, side by side (buyers of no recorded gender are neither)
            features.filters["gender"] = list(dict.fromkeys(h.value for h in genders))
        genders = []
    elif genders:
        features.filters["gender"] = genders[0].value
    if regions:
        values = list(dict.fromkeys(h.value for h in regions))
        features.filters["region"] = values[0] if len(values) == 1 else values
    ages = find_age_bands(text)
    if ages:
        values = list(dict.fromkeys(h.value for h in ages))
        features.filters["age_band"] = values[0] if len(values) == 1 else values
    channels = find_channels(text)
    if channels:
        values = list(dict.fromkeys(h.value for h in channels))
        features.filters["channel"] = values[0] if len(values) == 1 else values
        if features.dimension and features.dimension.value == "channel" and any(
                features.dimension.overlaps(h) for h in channels):
            # "广告渠道的客单价": the channel is a filter, not a breakdown; another breakdown named stays
            # ("only the live_room channel, month by month")
            rest = [d for d in dimensions if not any(d.overlaps(h) for h in channels)]
            features.dimension = _choose_dimension(text, rest)
    if features.dimension is not None and features.dimension.value == "buyer_type" and features.metric is None \
            and not _MONEY_ASKED_EN.search(text) and (m := _BUYER_NOUN.search(text) or _HOW_MANY_PEOPLE.search(text)):
        _choose_metric(features, m.group(0), "buyers", m.start(), m.end())  # "new vs returning customers": how many
    features.filter_hits = (genders + regions + ages + channels + _order_kinds(text, features, dimensions)
                            + _order_statuses(text, features) + _returning_buyers(text, features)
                            + _days_of_week(text, features))
    _places_of_sale(features)
    # "晚上8点以后", "after 10pm": orders placed in those hours, where the orders have a time of day (on dates
    # alone the hours stay unapplied, and the answer says so)
    if (hours := find_hours(text)) and (vocabulary is None or "order_hours" in vocabulary.figures) \
            and not any(hours.overlaps(h) for h in features.data_hits):  # "夜间修护面霜": a product's name
        features.filters["hour"] = hours.value
        features.filter_hits.append(hours)
        if features.period is not None and PEAK_PROMOTION.fullmatch(features.period.token) \
                and not _WHOLE_RUN.search(text[max(0, features.period.start - 12):features.period.end + 6]):
            # "双11凌晨0到2点": hours of the promotion's big day, not of its whole run-up ("双11期间晚上8点到12点",
            # "during the whole of 618": its every day)
            features.period = PeriodMatch(features.period.token + ":day", features.period.phrase,
                                          features.period.start, features.period.end)
    _average_over_time(text, features, dimensions)
    if (amount := find_amount(text)) and amount.value == "0" and FREE_ORDER_PEOPLE.search(text) \
            and features.metric is not None and features.metric.value in MONEY_MEASURES:
        amount = None  # "领过福袋的人一共花了多少钱": all those people paid, which no filter of orders gives (named)
    if amount:
        features.filters["amount"] = amount.value
        features.filter_hits.append(amount)
        if (turned := _OPPOSITE.get(str(amount.value)[:2].rstrip("0123456789."))) \
                and kind_stance(text, amount.start, amount.end) == "out":
            # "10元以下的订单不算", "exclude orders below 10 yuan": the orders left are the others
            features.filters["amount"] = turned + str(amount.value).lstrip("<>=")
        inside = [h for h in features.metric_hits if h.overlaps(amount) or h.end == amount.start]
        if inside and features.metric in inside and len(features.metric_hits) > len(inside):
            features.metric_hits = [h for h in features.metric_hits if h not in inside]
            features.metric = _main_metric(features.metric_hits, text)
    _kinds_left_out(text, features)
    _refunds_still_open(text, features)
    _refunded_by_shipping(text, features)
    _paid_after_free(text, features)
    if features.metric is None and {"amount", "status", "after_sale"} & set(features.filters) and (
            (m := _ORDER_COUNT.search(text)) or (m := _MOST_OF.search(text))):  # "cancelled最多的商品": a count
        _choose_metric(features, m.group(0), "orders", m.start(), m.end())  # "0元福袋单几笔？": those orders

    features.limit = find_limit(text)
    # "at least one order", "at most 3", "至少", "最少要": a bound on a count, not a ranking
    order_hits = [h for h in vocab.ORDER_WORDS.find(text) if not re.search(r"(?:at|not)\s+$", text[:h.start])]
    features.order = order_hits[0] if order_hits else None
    if features.order is None and features.limit is not None \
            and re.match(r"(?:倒数|后|末尾|bottom)", features.limit.phrase):
        # "后3名", "bottom 5": the lowest N, though no word of ranking direction is said
        features.order = Hit(features.limit.phrase, "asc", features.limit.start, features.limit.end)
    if features.metric is None and (features.limit or features.order) \
            and (m := re.search(r"(?<![a-z])spenders(?![a-z])", text)):
        _choose_metric(features, m.group(0), "gmv", m.start(), m.end())  # "top 3 spenders": ranked by spend
    if features.dimension is None and (features.limit or features.order) and features.metric is not None \
            and features.metric.value in _PER_CUSTOMER_METRICS and not features.segment_hits:
        # "消费最高的5个客户", "top 10 customers by spend": a ranking of customers by a sum of their orders
        if m := _CUSTOMER_NOUN.search(text):
            features.dimension = Hit(m.group(0), "customer", m.start(), m.end())
    _refunds_not_deducted(text, features)
    if features.metric is not None and features.metric.value == "gmv" and (m := _net_said(text)):
        # "net live-stream GMV after refunds": what was kept, not the GMV (nor a refund rate beside it)
        _choose_metric(features, m.group(0), "net_sales", m.start(), m.end())
        features.metric_hits = [h for h in features.metric_hits
                                if h.value not in ("gmv", "refund_rate") or h is features.metric]
    if features.metric is not None and features.metric.value in ("refund_rate", "refund_amount") \
            and (net := _net_said(text) or _KEPT_AFTER_REFUNDS.search(text)) \
            and features.metric.start >= net.start() and features.metric.end <= net.end() \
            and (average := next((h for h in features.metric_hits if h.value in _NET_AVERAGES), None)):
        features.metric = average  # "AOV after refunds": the refund words say what is deducted from the average
    if features.metric is not None and features.metric.value == "net_sales" \
            and (average := next((h for h in features.metric_hits if h.value in _NET_AVERAGES
                                  and h.start >= features.metric.end
                                  and not _MEASURES_LISTED.search(text[features.metric.end:h.start])), None)):
        # "扣除退款后的客单价", "退款后人均消费": the average (per order or per buyer), net of refunds (below); not
        # "净销售额和客单价"
        features.metric = average
    if features.metric is not None and features.metric.value in _NET_AVERAGES and not any(
            h.value == "net_sales" and _NET_MEASURE.fullmatch(h.phrase.strip()) for h in features.metric_hits) \
            and (m := _net_said(text) or _KEPT_AFTER_REFUNDS.search(text)) \
            and not _NET_MEASURE.fullmatch(m.group(0).strip()):
        # "AOV using what customers actually kept after partial refunds", "扣除退款后的客单价", "平均每人实际花了多少，
        # 退款要扣掉": the average net of refunds
        gross = features.metric.value
        _choose_metric(features, m.group(0), _NET_AVERAGES[gross], m.start(), m.end())
        features.metric_hits = [h for h in features.metric_hits
                                if h.value not in (gross, "refund_rate", "net_sales") or h is features.metric]
        _refunds_deducted(features, text)
    if features.metric is not None and features.metric.value == "lines" \
            and (features.filters.get("status") == "refunded"
                 or ("status" not in features.filters and _LINE_REFUNDED.search(text))):
        # "how many sub-orders ended with a completed refund", "退款成功的子订单有多少个": refunded lines
        _choose_metric(features, features.metric.phrase, "refunded_lines", features.metric.start, features.metric.end)
        features.filters.pop("status", None)
    if features.metric is not None and features.metric.value == "refunded_lines" \
            and (money := (_KIND_MONEY.search(text) or _MONEY_WORDS.search(text))):  # "…有多少个、涉及金额多少"
        features.asked_too.append(Hit(money.group(0), "refund_amount", money.start(), money.end()))
    if (features.metric is None or features.metric.value in ("orders", "buyers")) \
            and (m := _MONEY_PAID.search(text)) and not _EACH_ONE.search(text):
        # "how much had buyers paid on those orders in total": the money they paid, not the people or orders
        _choose_metric(features, m.group(0), "gmv", m.start(), m.end())
    elif (features.metric is None or features.metric.value == "buyers") and (m := _MONEY_PAID.search(text)):
        _choose_metric(features, m.group(0), "spend_per_buyer", m.start(), m.end())  # "买家平均付了多少钱"
    if features.metric is not None and (features.metric.value == "buyers" or features.metric.value == "orders"
                                        and _PEOPLE_COUNTED.search(text)) \
            and (m := _MORE_THAN_ONE.search(text)) and not _RATE_ASKED.search(text):
        # "how many customers had two or more refunded orders": the people with more than one, of that kind
        _choose_metric(features, m.group(0), "repeat_buyers", m.start(), m.end())
        features.metric_hits = [h for h in features.metric_hits if h.value not in ("orders", "buyers")]
    if features.metric is not None and features.metric.value == "orders" and (m := _PEOPLE_COUNTED.search(text)):
        # "how many distinct JD customers placed a valid order": the people are counted, the order is what they did
        _choose_metric(features, m.group(0), "buyers", m.start(), m.end())
    features.count = vocab.COUNT_WORDS.first(text)
    features.who = vocab.WHO_WORDS.first(text)
    features.lifecycle_words = vocab.LIFECYCLE_STAGE_WORDS.find(text)
    if features.metric is not None and features.metric.value in ("repeat_buyers", "one_time_buyers"):
        features.lifecycle_words = [h for h in features.lifecycle_words if h.value != "repeat"]  # the same people
    # a tool's word inside a time phrase is the time's ("整个导出期间": the file's span, not an export)
    # ...and a channel's word inside its filter is the channel's ("来自直播间的客户": customers, not the live room)
    # (and an order status's words are the status's: "没付款就关掉的": orders closed unpaid, not the funnel's step)
    # (so are the live room's words in a filter of live-room sales: "直播间（流量体裁=直播）这三个月成交了多少")
    # (every reading of source=live names buying: "直播间下单的有几个人" counts buyers, not the room's figures,
    # unless the room's own measures are asked beside it: "直播间的订单转化率")
    live = [h for h in features.filter_hits if h.value == "live"]
    room_words = [h for h in _dedupe(vocab.TOOL_LEXICONS["live_performance"].find_maximal(text))
                  if not any(c.start <= h.start and h.end <= c.end for c in live)]
    channels = [h for h in features.filter_hits if h.value in vocab.CHANNEL_WORDS
                or h.value in ("cancelled", "unpaid", "cancelled/unpaid")] + (live if not room_words else [])
    features.tool_hits = {tool: [h for h in _dedupe(lex.find_maximal(text))
                                 if not any(p.start <= h.start and h.end <= p.end for p in periods)
                                 and not any(c.start <= h.start and h.end <= c.end for c in channels)]
                          for tool, lex in vocab.TOOL_LEXICONS.items()}
    if features.metric is None and features.count and not (features.segment_hits or features.lifecycle_words
                                                            or any(hits for tool, hits in features.tool_hits.items()
                                                                   if tool != "metric_query")):
        if m := _BUYER_NOUN.search(text) or (_PEOPLE_AT_END.search(text) if features.filters else None):
            # "周末下单的客户有多少", "客户有多少", "直播间下单的有几个人": a count of buyers, however worded
            _choose_metric(features, m.group(0), "buyers", m.start(), m.end())
    _goods_not_a_breakdown(text, features)
    _live_room_sales(text, features)
    features.domain = bool(
        vocab.DOMAIN_WORDS.first(text) or features.metric or features.segment or features.dimension
    )
    return features


# The goods as a plain noun ("退款成功的商品里", "只退了其中一部分商品", "items (子订单)"): what was refunded or
# counted, not a breakdown by product, unless a breakdown is marked ("按商品", "各商品", "which product").
_GOODS = re.compile(r"^(?:商品|产品|单品|宝贝|东西|货|items?|products?|goods)$", re.IGNORECASE)
_GOODS_AS_WHOLE = re.compile(r"^\s*(?:里面|里|中|当中|之中|\(|（)")
_LINE_MEASURES = {"lines", "refunded_lines", "units"}
_RANKED = re.compile(r"排行|排名|最(?!少有|多有|少要|多要)|(?<![a-z])(?:top|best|(?<!at )most|(?<!at )least|worst"
                     r"|rank(?:ed|ing)?|leaderboard|highest|lowest|biggest|largest)(?![a-z])", re.IGNORECASE)


def _goods_not_a_breakdown(text: str, features: Features) -> None:
    d = features.dimension
    if d is None or d.value != "product" or not _GOODS.match(d.phrase.strip()) or features.limit or features.order:
        return
    before = text[:d.start].rstrip()
    marked = before.endswith(vocab.BREAKDOWN_MARKERS) and not before.endswith("部分")  # (一部分: a part)
    if marked or re.search(r"哪|(?<![a-z])(?:which|what|each|per|by|every)\s*$", before, re.IGNORECASE):
        return
    kinds = [h for h in features.filter_hits if h.value in REFUND_KIND_VALUES]
    after_kind = any(0 <= d.start - h.end <= 6 for h in kinds)
    refunds_of = bool(kinds) or (features.metric is not None and features.metric.value in (
        "refund_amount", "refund_rate", "refunded_lines", "lines"))
    if re.fullmatch(r"items|products|goods", d.phrase.strip()) and refunds_of and not _RANKED.search(text):
        features.dimension = None  # "refunded on Taobao items", "orders had some items refunded": the goods
        return
    every = bool(kinds) and bool(re.search(r"(?:所有|全部|every|all(?: the)?)\s*$", before))  # ("所有商品全退掉的")
    if after_kind or every or _GOODS_AS_WHOLE.match(text[d.end:]) \
            or (features.metric is not None and features.metric.value in _LINE_MEASURES and features.metric is not d):
        features.dimension = None


# Measures of orders and money: where a sale was made (source), not where its buyer first came from (channel).
_SALES_MEASURES = {"gmv", "net_sales", "orders", "aov", "net_aov", "refund_amount", "refund_rate", "units", "lines",
                   "refunded_lines"}
_CHANNEL_SAID = re.compile(r"渠道|来源|引流|拉新|获客|(?<![a-z])(?:channel|traffic|acquisition)(?![a-z])|live_room")


def _live_room_sales(text: str, features: Features) -> None:
    """"how much of that came from the live room", "what share of orders came from the live room": sales made
    in the live room (source=live); the acquisition channel only where a channel is said ("the live_room
    channel", "直播间渠道来的客户") or people are counted ("new customers from the live room")."""
    sales = features.metric.value in _SALES_MEASURES if features.metric is not None \
        else not _BUYER_NOUN.search(text)  # ("…, and how much of that came from the live room?")
    said = [h for h in features.filter_hits if h.value == "live_room"]
    if not sales or features.filters.get("channel") != "live_room" or not said \
            or any(_CHANNEL_SAID.search(text[h.start:h.end + 10]) for h in said) \
            or features.filters.get("source") not in (None, "live"):
        return
    if any(_BUYER_NOUN.search(text[h.end:h.end + 12]) or any(0 <= s.start - h.end <= 12 for s in features.segment_hits)
           or re.search(r"(?:customers|buyers|people|shoppers|users)\s+(?:who\s+)?(?:\w+\s+){0,3}$",
                        text[max(0, h.start - 40):h.start])
           for h in said):
        return  # "来自直播间的沉睡客户的GMV", "customers who came in through the live room": who they are
    if features.filters.get("source") != "live" and any(re.search(r"[\u4e00-\u9fff]", h.phrase) for h in said):
        return  # (来自直播间 alone is the channel's own marker; said with 直播间的订单 too, the sale's place wins)
    features.filters.pop("channel")
    features.filters["source"] = "live"
    features.filter_hits = [h for h in features.filter_hits if h not in said or not any(
        o.value == "live" and o.overlaps(h) for o in features.filter_hits)]  # (one phrase said both)
    features.filter_hits = [Hit(h.phrase, "live", h.start, h.end) if h in said else h for h in features.filter_hits]


def _dedupe(hits: list[Hit]) -> list[Hit]:
    """One hit per keyword; "segment" and "segments" count once."""
    seen: set[str] = set()
    unique = []
    for hit in hits:
        key = hit.value[:-1] if hit.value.endswith("s") else hit.value
        if key not in seen:
            seen.add(key)
            unique.append(hit)
    return unique
