"""Which parts of a question the chosen tool call does not honour, so the answer can say so.

An answer to a different question is worse than "I could not do X": a qualifier the router found
(a segment, a period, a filter, a named host, a top N, a comparison, a breakdown) that the tool call
does not reflect is named in the answer instead of being dropped silently. So are qualifiers no
tool can apply yet (weekends, a price threshold, coupon use, the latest session, time of day): they
are recognised here only so that they can be named.

Each rule is (kind, how it is found, which tool calls honour it); the list is the whole policy.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from assistant.router import vocabulary as vocab
from assistant.router.extract import (
    DAYS_WITHOUT_PURCHASE,
    FREE_ORDER_PEOPLE,
    SHARE,
    Features,
    find_customer_id,
    find_future,
)
from assistant.router.matching import Hit
from assistant.router.numbers import span_days
from assistant.router.segments import SIDE_BY_SIDE
from tools import catalog
from tools.registry import REGISTRY


@dataclass(frozen=True)
class Dropped:
    """A qualifier of the question that the answer does not apply."""

    kind: str  # segment | period | filter | name | limit | compare | customer | breakdown | condition | ask
    phrase: str  # as it occurs in the question
    detail: str = ""  # the value it stands for (a segment key, a dimension, a filter value)
    start: int = -1  # its span in the normalised question
    end: int = -1

    def to_json(self) -> dict[str, str]:
        return {"kind": self.kind, "phrase": self.phrase, "detail": self.detail}


# Tools whose answer covers every group of a breakdown in one table: a named segment, host or
# dimension is one of its rows.
_SEGMENT_TABLES = {"rfm_segments": ("rfm", "cn8"), "lifecycle_stages": ("lifecycle",),
                   "segment_strategy": ("rfm", "cn8", "lifecycle")}
# Breakdowns a tool gives without a dimension argument (its table is by that group).
_NATURAL_BREAKDOWNS = {
    "rfm_segments": {"segment"}, "lifecycle_stages": {"segment"}, "segment_strategy": {"segment"},
    "live_performance": {"host"}, "cohort_retention": {"month", "week"},
    "segment_profile": {"region", "gender", "age_band", "channel", "category", "host", "segment"},
    "customer_clusters": {"segment"}, "customer_lifetime_value": {"segment"},
    "product_associations": {"product", "category"}, "recommend_products": {"product"},
    "sales_forecast": {"day", "week", "month"},
}
# Tools whose answer has no time window: a period does not change them, so it is not a dropped part.
_TIMELESS = {"describe_data", "segment_strategy"}
# Tools that list rows and take `limit`.
_LIMITED = {"metric_query", "live_performance", "funnel", "churn_risk", "customer_lifetime_value",
            "recommend_products", "product_associations", "sales_forecast"}

# Conditions no tool argument can express yet; found only so the answer can name them.
_CONDITIONS: list[tuple[str, re.Pattern[str]]] = [
    ("weekend", re.compile(r"周末|双休|星期[六日天]|周[六日]|工作日|weekends?|weekdays?|saturdays?|sundays?")),
    ("time of day", re.compile(r"晚上|晚间|夜间|凌晨|早上|上午|下午|中午|白天|黄金时段|evening|night|morning|afternoon"
                               r"|prime time|\d{1,2}\s*(?:点|时)\s*(?:到|至|-|~)\s*\d{1,2}\s*(?:点|时)")),
    ("amount threshold", re.compile(
        r"(?:超过|大于|高于|多于|不低于|不少于|至少|满|以上|低于|小于|少于|不到"
        r"|不超过|over|above|more than|less than|under"
        r"|at least|below|greater than|>=?|<=?)\s*[¥￥$]?\s*\d+(?:\.\d+)?\s*(?:元|块|rmb|yuan|dollars?|美元)"
        r"|[¥￥$]\s*\d+(?:\.\d+)?\s*(?:以上|以下|及以上|或以上|\+|or more|and above|and up)"
        r"|\d+(?:\.\d+)?\s*(?:元|块)\s*(?:以上|以下|及以上|或以上)")),
    ("coupon use", re.compile(r"用券|用了券|使用优惠券|用优惠券|没用券|未用券|不用券|核销|券后|with (?:a )?coupons?"
                              r"|without (?:a )?coupons?|coupon (?:users|orders|buyers)|used (?:a )?coupons?"
                              r"|(?:券|coupon)\s*的?\s*(?:订)?单|非\s*(?:优惠)?(?:券|coupon)|带(?:优惠)?券"
                              r"|non[\s-]+coupons?")),
    # how often buyers bought, where the call measures something else ("how often do top spenders buy")
    ("how often", re.compile(r"(?<![a-z])how often(?![a-z])")),
    # the weeks around an event ("活动前后两周", "the two weeks before and after the launch"): no window names it
    ("span around an event", re.compile(r"(?<=[\u4e00-\u9fff])前后\s*(?:\d+|[一二两三四五六七八九十]+)"
                                        r"\s*个?(?:天|周|星期|月)"
                                        r"|(?<![a-z])(?:before and after|either side of)(?![a-z])")),
    ("single session", re.compile(r"(?:最近|最新|最后|刚才|刚刚)(?:的)?(?:一|那|这)?场|上一场|这一场"
                                  r"|昨晚那场|昨天那场|那一场|单场|某一场|第\s*\d+\s*场"
                                  r"|(?:last|latest|most recent|previous|yesterday'?s?|one|a single|that)"
                                  r"\s+(?:live\s+)?(?:session|stream|broadcast|show)(?!s)"
                                  r"|(?<![a-z])(?:latest|last|most recent|newest)\s+live(?![a-z])"
                                  r"(?!\s*(?:-|room)(?![a-z]))")),
    ("live vs shelf", re.compile(r"货架|(?<![\u4e00-\u9fff])商城|(?<=[在的从和与跟及或])商城|非直播|直播间下单"
                                 r"|直播渠道(?:和|与|vs)|shelf|storefront|non-live"
                                 r"|live (?:vs\.?|versus|or) (?:shelf|store)")),
    ("order count condition", re.compile(
        r"只买(?:过)?一次|仅购买一次|买过一次|一次性|首单后没|没有复购|未复购"
        r"|(?:bought|ordered|purchased) (?:only )?once"
        r"|one-time buyers?|single-purchase|never (?:came back|returned|bought again)|买了?\s*[2-9两三四五]\s*次以上"
        r"|(?:bought|ordered) (?:more than|at least) \w+ times")),
    ("days without purchase", DAYS_WITHOUT_PURCHASE),
    # "超过500元的订单占多少": a share of a whole, which one figure for the filtered part does not give
    ("share of the total", SHARE),
    # What no table records: a product's colour, size or spec; the courier; the buyer's device; whether a refund
    # request was refused. Always named as not applied (a product whose name holds the word is the product's).
    ("product spec", re.compile(r"(?:红|黄|蓝|绿|黑|白|粉|紫|灰|橙|棕|咖啡|米|卡其|酒红|藏青)色(?:的|款)?(?=\S{0,6}"
                                r"(?:衣|裙|裤|鞋|包|款|外套|毛衣|T恤|上衣|帽|袜|围巾|口红|商品|产品|的))|颜色|尺码|规格|色号|型号"
                                r"|\d+\s*(?:ml|毫升|克|码)(?![a-z])"
                                r"|(?<![a-z])(?:red|blue|green|black|white|pink|purple|grey|gray|yellow|orange|brown|beige)"
                                r"\s+(?:clothes|dresses|items|products|ones|shirts|t-shirts|coats|shoes|bags|lipsticks?)"
                                r"|(?<![a-z])(?:(?:by|per|each|which|what)\s+(?:colou?rs?|sizes?|variants?)"
                                r"|sku specs?)(?![a-z])")),
    ("courier", re.compile(r"顺丰|中通|圆通|申通|韵达|极兔|邮政|京东快递|德邦|快递公司|物流公司|哪家快递"
                           r"|(?<![a-z])(?:sf express|zto|yto|yunda|j&t|ems|courier|carrier|shipping company"
                           r"|logistics (?:company|provider))(?![a-z])")),
    ("device", re.compile(r"苹果手机|安卓|华为手机|小米手机|手机型号|用什么手机"
                          r"|(?:什么|哪种|哪类|用的)设备|设备(?:型号|类型)"
                          r"|(?<![a-z])(?:iphones?|android|ios|ipad|devices?|mobile os"
                          r"|on (?:an? )?(?:phone|tablet|pc|desktop))(?![a-z])", re.IGNORECASE)),
    ("refused refunds", re.compile(r"驳回|拒绝(?:了)?(?:的)?(?:退款|退货|售后)|拒(?:了)?(?:退)?(?:款|货)申请|商家拒绝"
                                   r"|(?<![a-z])(?:reject|refus|declin|den(?:y|ied))\w*\s+(?:\w+\s+){0,2}?"
                                   r"(?:refunds?|returns?|requests?)|(?:refunds?|returns?|requests?)\s+(?:\w+\s+){0,3}?"
                                   r"(?:reject|refus|den(?:y|ied))\w*(?![a-z])")),
    # what the people who got a free order paid on all their orders: no filter of orders says who they are
    ("customers who got a free order", FREE_ORDER_PEOPLE),
    # an order that includes a free gift line, as opposed to a free (¥0) order: no figure says which orders had one
    ("orders with a gift", re.compile(r"(?:带|含|附|附带|送)(?:了|有)?赠品的(?:订单|单)"
                                      r"|(?:订单|单)(?:里|中)(?:带|含|有)(?:了)?赠品"
                                      r"|(?<![a-z])(?:orders? (?:that )?(?:came|come|comes|shipped|went out|included?"
                                      r"|with) (?:with )?(?:a |an )?(?:free )?(?:gifts?|freebies?|samples?)"
                                      r"|(?:came|come|comes) with (?:a |an )?(?:free )?(?:gifts?|freebies?))"
                                      r"(?![a-z])(?! cards?)")),
    ("refund reason", re.compile(r"(?:退款|退货|售后)(?:的)?(?:原因|理由)"
                                 r"|(?<![a-z])(?:(?:refunds?|returns?) by reason|reasons? (?:for|behind) (?:the )?"
                                 r"(?:refunds?|returns?)|(?:refund|return) reasons?"
                                 r"|why (?:buyers|customers|people|they) (?:refund|return)(?:ed)?)(?![a-z])")),
    ("refund time", re.compile(r"(?:退款|售后|退货)(?:处理)?(?:时长|用时|周期|花了?(?:多少|几)天|用了?(?:多少|几)天"
                               r"|要(?:多久|几天))|多久(?:才)?(?:退款|退到|到账)"
                               r"|(?<![a-z])(?:how (?:long|many days) (?:did|do|does|it) (?:\w+\s+){0,3}?"
                               r"(?:refunds?|returns?)"
                               r"|(?:refunds?|returns?) (?:\w+\s+){0,2}?take|refund (?:processing )?time)(?![a-z])")),
    # whether the buyer had received the goods: the data knows shipped or not, never received (a refund "after
    # receipt" is answered as one after shipping, and says so)
    ("after receipt", re.compile(r"(?:确认)?(?:收货|签收|收到货)(?:以|之)?后|(?:已|确认)(?:收货|签收)"
                                 r"|(?<![a-z])after (?:delivery|receipt|(?:it|they|the (?:goods|items?|parcel)) "
                                 r"(?:was|were) (?:delivered|received)|(?:they|the buyers?) received)(?![a-z])")),
    ("refund type", re.compile(r"仅退款|只退款不退货|寄回来|寄回|退回来的货|(?:东西|货)(?:有没有|没有|没)?(?:退|寄)回"
                               r"|(?<![a-z])(?:refund[- ]only|sent (?:the \w+ )?back)"
                               r"(?![a-z])")),
    # customers.signup_time is described by describe_data but no tool counts sign-ups: said, never swapped for buyers
    ("sign-ups", re.compile(r"注册|新注册|(?<![a-z])(?:sign(?:ed)?[\s-]?ups?|registered|registrations?)(?![a-z])")),
]


def _args_filters(args: dict[str, Any]) -> dict[str, Any]:
    filters = args.get("filters")
    return filters if isinstance(filters, dict) else {}


def _segment_honoured(f: Features, tool: str, args: dict[str, Any]) -> bool:
    return f.segment is None or _group_honoured(f.segment.value, tool, args)


def _group_honoured(ref: Any, tool: str, args: dict[str, Any], beside: bool = False) -> bool:
    """Whether the call answers for a group the question names: the main one (any group the call takes will do),
    or one named `beside` it, which the call must name too ("沉睡客户和重要价值客户的客单价")."""
    filters = _args_filters(args)
    named = filters.get("segment", args.get("segment"))
    if beside:
        if ref.key in (named if isinstance(named, list) else [named]) or (args.get("dimension") == "segment"
                                                                           and not named):
            return True  # one of the groups filtered, or every group a row
    elif args.get("segment") or "segment" in filters or args.get("dimension") == "segment":
        return True
    if ref.key == "new_customers" and (filters.get("buyer_type") == "new" or args.get("dimension") == "buyer_type"
                                       or args.get("metric") in ("new_customers", "first_order_aov")):
        return True  # new customers narrowing an order measure, or measured: those new in the window
    if args.get("segment"):
        return False  # (a playbook or table of one group leaves the one beside it out)
    if tool in ("segment_strategy", "customer_profile", "customer_clusters"):
        # the overview has a row per segment; one customer's profile names their segment and stage;
        # clusters are the data's own groups, which is what "价格敏感型用户有多少，用聚类看看" asks for
        return True
    if tool in _SEGMENT_TABLES:
        scheme = args.get("scheme") or ("lifecycle" if tool == "lifecycle_stages" else "rfm")
        return ref.scheme == scheme or ref.key in catalog.segments(scheme)
    return False


def _period_honoured(f: Features, tool: str, args: dict[str, Any]) -> bool:
    if f.period is None or tool in _TIMELESS:
        return True
    if args.get("period") or args.get("as_of"):
        return True
    if tool == "sales_forecast" and (future := find_future(f.text)) and future.overlaps(_hit(f.period)):
        return True
    # "30天复购率", "超过180天没买": a number of days that is a window length, read elsewhere
    days = re.search(r"\d+\s*(?:天|日|days?)", f.period.phrase)
    return bool(days) and tool in ("cohort_retention", "lifecycle_stages", "churn_risk")


def _hit(period: Any) -> Hit:
    return Hit(period.phrase, period.token, period.start, period.end)


def _filter_honoured(kind: str, value: Any, tool: str, args: dict[str, Any]) -> bool:
    filters = _args_filters(args)
    if kind in filters:
        return True
    if args.get("dimension") == kind or kind in _NATURAL_BREAKDOWNS.get(tool, set()) and tool != "segment_profile":
        return True  # the value is one row of the answer's table
    if tool == "sales_forecast" and args.get("dimension") == kind and args.get("value"):
        return True
    if kind == "product" and args.get("product"):
        return True
    if kind == "host" and args.get("host"):
        # (live_performance and funnel take the host as an argument of its own: this host, not any other)
        given = args["host"] if isinstance(args["host"], list) else [args["host"]]
        return any(str(value) == str(g) or str(value) in str(g) for g in given)
    if kind == "source" and value == "live" and tool in ("live_performance", "funnel"):
        return True  # ("直播间上个月的GMV和观看人数": the live room is what these tools measure)
    return False


def _breakdown_honoured(dimension: str, tool: str, args: dict[str, Any]) -> bool:
    if args.get("dimension") == dimension or args.get("grain") == dimension:
        return True
    if dimension == "session" and args.get("session"):
        return True  # "场次500777的漏斗": the word names the one session asked for
    if dimension in _NATURAL_BREAKDOWNS.get(tool, set()):
        return True
    # "美妆护肤这个品类": the dimension word names a filter that is applied.
    return dimension in _args_filters(args)


def _rules() -> list[tuple[str, Callable[[Features, str, dict[str, Any]], list[Dropped]]]]:
    return [
        ("segment", _check_segment), ("period", _check_period), ("filter", _check_filters),
        ("name", _check_names), ("limit", _check_limit), ("compare", _check_compare),
        ("per", _check_per),
        ("customer", _check_customer), ("breakdown", _check_breakdown), ("condition", _check_conditions),
        ("number", _check_numbers), ("metric", _check_metrics),
    ]


def _check_segment(f: Features, tool: str, args: dict[str, Any]) -> list[Dropped]:
    if not _segment_honoured(f, tool, args):
        assert f.segment is not None
        return [Dropped("segment", f.segment.phrase, f.segment.value.key, f.segment.start, f.segment.end)]
    dropped = [Dropped("segment", h.phrase, h.value.key, h.start, h.end) for h in _other_groups(f)
               if not _group_honoured(h.value, tool, args, beside=True)]
    named = _args_filters(args).get("segment")
    if isinstance(named, list) and len(named) > 1 and args.get("dimension") not in (None, "segment"):
        # "重要价值和重要挽留客户每个月的客单价": both groups' orders together, by month; each group apart is not
        groups = [h for h in f.segment_hits if h.value.key in named]
        if groups:
            dropped.append(Dropped("breakdown", "/".join(h.phrase for h in groups), "segment",
                                   groups[0].start, groups[-1].end))
    return dropped


def _other_groups(f: Features) -> list[Hit]:
    """Groups named beside the main one and joined to it ("沉睡客户和重要价值客户的客单价"): each is honoured or
    named too. (A group word that only qualifies the main one, "好久没来买的老客", is part of it.)"""
    main = f.segment
    if main is None:
        return []
    words = f.metric_hits + f.filter_hits
    return [h for h in f.segment_hits if h.value.key != main.value.key and not h.overlaps(main)
            and not any(h.overlaps(w) for w in words)
            and SIDE_BY_SIDE.search(f.text[min(h.end, main.end):max(h.start, main.start)])]


def _check_period(f: Features, tool: str, args: dict[str, Any]) -> list[Dropped]:
    if _period_honoured(f, tool, args):
        return []
    assert f.period is not None
    return [Dropped("period", f.period.phrase, f.period.token, f.period.start, f.period.end)]


def _check_filters(f: Features, tool: str, args: dict[str, Any]) -> list[Dropped]:
    dropped = []
    for hit in f.filter_hits:
        kind = next((k for k, v in f.filters.items() if hit.value == v or (isinstance(v, list) and hit.value in v)),
                    None)
        if kind and not _filter_honoured(kind, hit.value, tool, args):
            dropped.append(Dropped("filter", hit.phrase, f"{kind}={hit.value}", hit.start, hit.end))
    return dropped


def _check_names(f: Features, tool: str, args: dict[str, Any]) -> list[Dropped]:
    dropped = []
    for hit in f.data_hits:
        if f.segment is not None and hit.start < f.segment.end and f.segment.start < hit.end:
            continue
        value = hit.values[0] if len(hit.values) == 1 else "/".join(hit.values[:3])
        if not _filter_honoured(hit.kind, value, tool, args):
            dropped.append(Dropped("name", hit.phrase, f"{hit.kind}={value}", hit.start, hit.end))
    return dropped


def _check_limit(f: Features, tool: str, args: dict[str, Any]) -> list[Dropped]:
    if f.limit is None or args.get("limit") or args.get("k") or args.get("horizon"):
        return []
    if tool not in _LIMITED and tool in ("rfm_segments", "lifecycle_stages", "describe_data", "segment_strategy"):
        return []  # "八大人群", "5个阶段": the count names the groups, the table has them all
    return [Dropped("limit", f.limit.phrase, str(f.limit.value), f.limit.start, f.limit.end)]


def _check_compare(f: Features, tool: str, args: dict[str, Any]) -> list[Dropped]:
    if f.compare is None or args.get("compare"):
        return []
    return [Dropped("compare", f.compare.phrase, f.compare.value, f.compare.start, f.compare.end)]


def _check_per(f: Features, tool: str, args: dict[str, Any]) -> list[Dropped]:
    if f.per is None or args.get("per"):
        return []
    return [Dropped("per", f.per.phrase, f.per.value, f.per.start, f.per.end)]


def _check_customer(f: Features, tool: str, args: dict[str, Any]) -> list[Dropped]:
    hit = find_customer_id(f.text)
    if hit is None or args.get("customer_id") or tool == "run_sql":
        return []
    return [Dropped("customer", hit.phrase, str(hit.value), hit.start, hit.end)]


_VERB_BEFORE = re.compile(r"(?:点击|点开|浏览|看了|加购|买了|购买了?|买过|下单了?|clicked"
                          r"|viewed|bought|carted)\s*(?:了|过|the|a)?\s*$")
# "商品点击到成交", "product click-through": the product word names a funnel step's action, not a breakdown
_ACTION_AFTER = re.compile(r"^\s*(?:点击|曝光|浏览|加购|clicks?|impressions?|views?)")


def _check_breakdown(f: Features, tool: str, args: dict[str, Any]) -> list[Dropped]:
    displaced = [Dropped("breakdown", h.phrase, h.value, h.start, h.end) for h in f.displaced
                 if not _breakdown_honoured(h.value, tool, args)]
    return displaced + _check_named_breakdown(f, tool, args)


# A split asked for in words, whatever it is by ("按省拆一下", "break it down"): with no breakdown understood, the
# call's single figure is named as not split, never given as if it were the split
# ("拆分发货", "拆单": an order shipped in parts; "直播切片": a clip; "不用按时间切": no split wanted)
_SPLIT_ASKED = re.compile(r"(?<!不用)(?<!不要)(?<!无需)(?<!不必)(?<!别)按\S{1,8}?(?:拆(?!分?发货|单)|细分|切(?!片))"
                          r"|拆开|拆一下|拆分(?!发货|订单|的订单|单)|拆成|细分一下"
                          r"|(?<![a-z])(?:break (?:it |that |this |them )?down|broken down|split (?:it |that )?by)"
                          r"(?![a-z])")


def _check_named_breakdown(f: Features, tool: str, args: dict[str, Any]) -> list[Dropped]:
    hit = f.dimension
    if hit is None and not args.get("dimension") and not args.get("compare") \
            and tool in REGISTRY and "dimension" in REGISTRY[tool].args_model.model_fields \
            and (m := _SPLIT_ASKED.search(f.text)):
        return [Dropped("breakdown", m.group(0), "", m.start(), m.end())]
    if hit is None or _breakdown_honoured(hit.value, tool, args):
        return []
    if _VERB_BEFORE.search(f.text[:hit.start]) or _ACTION_AFTER.search(f.text[hit.end:]):
        return []  # "点击了商品", "商品点击": the object of an action, not a breakdown
    if hit.value in vocab.TIME_DIMENSIONS and tool in _TIMELESS | {"customer_profile"}:
        return []
    if tool == "customer_clusters" and args.get("features"):
        return []  # "on aov and category breadth": the words name the clustering's features
    return [Dropped("breakdown", hit.phrase, hit.value, hit.start, hit.end)]


_NUMBER = re.compile(r"(?<![a-z0-9_.第])(\d+(?:\.\d+)?)(?!st|nd|rd|th|\d)[\s-]*"
                     r"(%|％|个月|月|年|周|星期|天|日|days?|weeks?|months?|years?)?")
_UNIT_DAYS = {"个月": 30, "月": 30, "month": 30, "months": 30, "年": 365, "year": 365, "years": 365, "周": 7,
              "星期": 7, "week": 7, "weeks": 7, "天": 1, "日": 1, "day": 1, "days": 1}


def _numbers_in(value: Any) -> set[float]:
    if isinstance(value, bool):
        return set()
    if isinstance(value, (int, float)):
        return {float(value)}
    if isinstance(value, str):
        return {float(n) for n in re.findall(r"\d+(?:\.\d+)?", value)}
    if isinstance(value, dict):
        return set().union(*(_numbers_in(v) for v in value.values())) if value else set()
    if isinstance(value, (list, tuple)):
        return set().union(*(_numbers_in(v) for v in value)) if value else set()
    return set()


def _is_the_base(token: str, args: dict[str, Any]) -> bool:
    """Whether a window named after the comparison words is the one the call compares with (the same window a year
    before, or the one just before it)."""
    from tools.timewindow import PeriodError, previous_window, resolve_period, year_earlier_window

    today = date.today()  # (either side resolves against the same day: only how they relate matters)
    try:
        mine, theirs = resolve_period(args.get("period") or "this_year", today), resolve_period(token, today)
    except PeriodError:
        return False
    base = year_earlier_window(mine) if args.get("compare") == "last_year" else previous_window(mine)
    return base is not None and (base.start, base.end) == (theirs.start, theirs.end)


def _check_numbers(f: Features, tool: str, args: dict[str, Any]) -> list[Dropped]:
    """Every number the question gives is in the call, or named: "50个客户", "留25%", "2年", "超过100元"
    are each an instruction, and a number no argument took is the surest sign of one dropped."""
    used = _numbers_in(args)
    names = [(h.start, h.end) for h in f.data_hits] + [(h.start, h.end) for h in f.segment_hits]
    # the words of a window the call took ("11.3-11.9", "24年双11") are that window, whatever its token spells
    taken = {args.get("period"), args.get("as_of")} - {None}
    windows = [(p.start, p.end) for p in f.periods if p.token in taken]
    if args.get("compare") and f.compare is not None:
        # a comparison the call makes takes its base's words too ("10月GMV比9月"), and a year said right after the
        # base ("october vs october last year"); any other window named is not taken ("今年和去年双11": 双11)
        after = [p for p in f.periods if p.start >= f.compare.start]
        if after and _is_the_base(after[0].token, args):
            windows.append((after[0].start, after[0].end))
        elif after and len(after) > 1 and after[0].token == args.get("period") and after[1].token == "last_year" \
                and re.fullmatch(r"\s*(?:of|in)?\s*", f.text[after[0].end:after[1].start]):
            windows += [(after[0].start, after[0].end), (after[1].start, after[1].end)]
    if "hour" in _args_filters(args):  # "晚上8点以后": the 8 is the hour filter's, spelled 20 in the call
        windows += [(h.start, h.end) for h in f.filter_hits if h.value == _args_filters(args)["hour"]]
    windows += [(h.start, h.end) for h in f.honoured]  # "算上0元的单": counted as usual, so honoured
    if tool == "sales_forecast" and args.get("horizon") and (future := find_future(f.text)):
        windows.append((future.start, future.end))  # "未来30天按周": 30 days, spelled in weeks
    dropped = []
    for m in _NUMBER.finditer(f.text):
        if any(a <= m.start() < b for a, b in names):
            continue  # part of a product or segment name (防晒霜SPF50, 中国8类)
        if any(a <= m.start() < b for a, b in windows):
            continue
        value, unit = float(m.group(1)), (m.group(2) or "").strip()
        candidates = {value}
        if unit in ("%", "％"):
            candidates.add(round(value / 100, 6))
        if unit in _UNIT_DAYS:
            candidates.add(value * _UNIT_DAYS[unit])
            if value.is_integer():
                candidates.add(span_days(int(value), _UNIT_DAYS[unit]))  # (12 months are a year of days)
        if candidates & used:
            continue
        dropped.append(Dropped("number", m.group(0).strip(), m.group(1), m.start(), m.end()))
    return dropped


# Nouns that name what is counted without changing it ("订单里", "买家的"): not a second measure.
_PLAIN_NOUNS = {"订单", "买家", "销售", "orders", "order", "buyers", "buyer", "sales"}


# What a tool that measures a fixed set reports: another measure named of it ("发券实验对退款率有没有影响")
# was not measured, and is named. (ab_test: who bought in the window and revenue per customer, by group.)
_FIXED_MEASURES = {"ab_test": {"repurchase_rate", "buyers", "gmv", "spend_per_buyer", "orders", "new_customers"}}


# Viewers' actions in a live room, which only live_performance counts: asked of another tool ("哪个商品分享最多"
# answered with products' GMV), they were not measured
_ROOM_ACTIONS = {"new_followers", "likes", "comments", "shares"}
# viewers' actions listed bare after another ("点赞、评论、分享", "likes, comments and shares")
_LISTED_ACTION = {"点赞": "likes", "评论": "comments", "分享": "shares", "转发": "shares", "关注": "new_followers",
                  "likes": "likes", "comments": "comments", "shares": "shares", "follows": "new_followers"}
_LISTED_ACTIONS = re.compile(r"(?:[、，,和及与]|(?<![a-z])and)\s*"
                             r"(点赞|评论|分享|转发|关注|likes|comments|shares|follows)(?![a-z])")
# what live_performance says of every host or session, whatever it ranks by
_LIVE_ALWAYS = {"gmv", "orders", "viewers", "watch_time", "conversion_rate", "gpm", "buyers"}


def _check_metrics(f: Features, tool: str, args: dict[str, Any]) -> list[Dropped]:
    """"GMV和订单数" answers one of them; "退款的订单数" counts all paid orders: every other measure the
    question names is named as not applied (metric_query computes one metric per call)."""
    if tool != "live_performance" and (actions := [h for h in vocab.LIVE_METRICS.find(f.text)
                                                   if h.value in _ROOM_ACTIONS]):
        return [Dropped("metric", h.phrase, h.value, h.start, h.end) for h in actions]
    if tool == "live_performance":
        # one measure ranked; the sales and audience figures every row and the overall sentence give beside it
        reported = {args.get("metric", "gmv"), *_LIVE_ALWAYS}
        listed = [Hit(m.group(1), _LISTED_ACTION[m.group(1)], m.start(1), m.end(1))
                  for m in _LISTED_ACTIONS.finditer(f.text)]  # "点赞、评论、分享": each a measure listed
        said = [h for h in vocab.LIVE_METRICS.find(f.text) + f.metric_hits + listed
                if h.value not in reported and h.phrase not in _PLAIN_NOUNS]
        return [Dropped("metric", h.phrase, h.value, h.start, h.end)
                for i, h in enumerate(said) if not any(h.overlaps(o) for o in said[:i])]
    if tool in _FIXED_MEASURES:
        return [Dropped("metric", h.phrase, h.value, h.start, h.end) for h in f.metric_hits
                if h.value not in _FIXED_MEASURES[tool] and h.phrase not in _PLAIN_NOUNS]
    if tool != "metric_query" or not f.metric:
        return []
    chosen = args.get("metric", "gmv")
    segment = f.segment if f.segment and _segment_honoured(f, tool, args) else None
    # "退款订单数" with status=refunded applied: 退款 is the filter, not a second measure
    status = [h for h in f.filter_hits if h.value in ("refunded", "cancelled")] \
        if "status" in _args_filters(args) else []
    return [Dropped("metric", h.phrase, h.value, h.start, h.end) for h in f.metric_hits
            if h.value != chosen and not h.overlaps(f.metric) and h.phrase not in _PLAIN_NOUNS
            and not (segment and h.overlaps(segment)) and not any(h.overlaps(s) for s in status)]


NEVER_RECORDED = {"product spec", "courier", "device", "refused refunds", "refund reason", "refund time",
                   "refund type", "after receipt", "orders with a gift"}
# Qualifiers named even where they touch the words that chose the tool or measure ("驳回了多少个退款申请": the
# refund words chose the refund rate, and the refusal is still not applied).
_ALWAYS_SAID = {"share of the total"} | NEVER_RECORDED


def _check_conditions(f: Features, tool: str, args: dict[str, Any]) -> list[Dropped]:
    dropped = []
    for name, pattern in _CONDITIONS:
        if name in NEVER_RECORDED and any(pattern.search(h.phrase) for h in f.data_hits):
            continue  # ("红色口红礼盒" is a product's name in the data)
        if name == "days without purchase" and tool == "lifecycle_stages" and "churn_days" in args:
            continue
        if name == "how often" and (args.get("metric") == "orders_per_buyer" or tool in (
                "cohort_retention", "customer_profile", "customer_lifetime_value", "rfm_segments")):
            continue  # (buying frequency is what these measure)
        if name == "coupon use" and (tool == "ab_test" or "coupon_share" in (args.get("features") or [])):
            continue
        if name == "single session" and (args.get("session") or "session" in _args_filters(args) or (
                args.get("dimension") == "session" and args.get("period"))):
            continue
        if name == "live vs shelf" and ("source" in _args_filters(args) or args.get("dimension") == "source"):
            continue
        if name == "coupon use" and ("coupon" in _args_filters(args) or args.get("dimension") == "coupon"):
            continue
        if name == "amount threshold" and "amount" in _args_filters(args):
            continue
        if name == "customers who got a free order" and "amount" in _args_filters(args):
            continue  # (a count of them is the ¥0 orders' buyers: "领到福袋的有多少人")
        if name == "time of day" and ("hour" in _args_filters(args) or args.get("dimension") == "hour"):
            continue
        if name == "weekend" and ({"weekday", "day_of_week"} & set(_args_filters(args))
                                  or args.get("dimension") in ("weekday", "day_of_week")):
            continue
        if name == "order count condition" and args.get("metric") in ("one_time_buyers", "repeat_buyers",
                                                                       "repurchase_rate"):
            continue
        if name == "sign-ups" and tool in ("describe_data", "customer_profile"):
            continue
        if name == "share of the total" and (tool != "metric_query" or args.get("dimension")
                                             or args.get("metric") in ("repurchase_rate", "refund_rate")):
            continue  # a breakdown shows each group's share; a rate is a share; other tools show shares
        taken = {args.get("period"), args.get("as_of")} - {None}
        for m in pattern.finditer(f.text):
            if any(p.start <= m.start() < p.end for p in f.periods if p.token in taken):
                continue  # "上周六": the day is the window the call took, not a weekend filter left out
            dropped.append(Dropped("condition", m.group(0).strip(), name, m.start(), m.end()))
            break
    return dropped


def unhonoured(f: Features, tool: str, args: dict[str, Any]) -> list[Dropped]:
    """The question's qualifiers that the call `tool(**args)` does not apply, in question order."""
    if tool == "run_sql":
        return []  # the SQL is the question
    dropped: list[Dropped] = []
    for _, check in _rules():
        dropped += check(f, tool, args)
    # Words that chose the tool or the metric are its subject, not a qualifier: 流失风险 in a churn-risk
    # question, 新客 in a count of new customers, 商品 in "点击了商品但没下单" (a funnel step).
    subject = list(f.hits(tool))
    if tool == "cohort_retention":
        subject += [h for h in f.segment_hits if h.value.key == "new_customers"]
    # (A share asked of one figure is never the subject: 占比 chooses metric_query but one number is no share.)
    # (a second measure of the room, "点赞数和评论数", chose the tool as the first did: it is still not ranked)
    dropped = [d for d in dropped if d.detail in _ALWAYS_SAID or (d.kind == "metric" and tool == "live_performance")
               or not any(d.start < h.end and h.start < d.end for h in subject)]
    # The metric's own words: 新客 inside 新客数 is the measure; 重要价值客户 only touching 客户最多 is not.
    if f.metric and tool in ("metric_query", "sales_forecast"):
        dropped = [d for d in dropped if d.detail in _ALWAYS_SAID or (
            not (f.metric.start <= d.start and d.end <= f.metric.end)
            and not (d.kind != "segment" and d.start < f.metric.end and f.metric.start < d.end))]
    # A period inside an identifier ("coupon_2026_09") is part of the name.
    dropped = [d for d in dropped if not (d.kind == "period" and _inside_identifier(f.text, d.start, d.end))]
    named = [d for d in dropped if d.kind != "number"]
    dropped = named + [d for d in dropped if d.kind == "number"
                       and not any(n.start <= d.start < n.end for n in named)]
    unique: dict[tuple[int, int], Dropped] = {}
    for d in dropped:  # one note per span of the question: 新客 as a segment and as a measure is one thing
        if not any(d.start < e and s < d.end for s, e in unique):
            unique[(d.start, d.end)] = d
    return sorted(unique.values(), key=lambda d: d.start)


def _inside_identifier(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return bool(re.match(r"[a-z_]", before) or re.match(r"[a-z_]", after)) and "_" in text[max(0, start - 12):end + 4]


_KIND_NAMES = {
    "segment": ("segment", "人群"), "period": ("period", "时间"), "filter": ("filter", "筛选"),
    "name": ("name", "名称"), "limit": ("top N", "前N名"), "compare": ("comparison", "对比"),
    "per": ("average per day, week or month", "日均/周均/月均"),
    "customer": ("customer", "客户"), "breakdown": ("breakdown", "拆分维度"), "condition": ("condition", "条件"),
    "number": ("number", "数字"), "metric": ("measure", "指标"), "ask": ("question not answered", "未回答的子问题"),
}


def describe_dropped(dropped: list[Dropped], language: str) -> str:
    """One sentence naming every qualifier the answer does not apply (and one for each ask not answered)."""
    asks = [d for d in dropped if d.kind == "ask"]
    if asks:
        if language == "zh":
            said = "⚠️ 这一问我答不了：" + "、".join(f"“{d.phrase}”" for d in asks) + "；下面只回答问题的其余部分。"
        else:
            said = ("⚠️ I could not answer " + ", ".join(f"“{d.phrase}”" for d in asks)
                    + "; the answer below covers the rest of the question.")
        rest = [d for d in dropped if d.kind != "ask"]
        return said + ("\n" + describe_dropped(rest, language) if rest else "")
    if language == "zh":
        parts = "、".join(f"“{d.phrase}”（{_KIND_NAMES[d.kind][1]}）" for d in dropped)
        return f"⚠️ 注意：问题中的 {parts} 这里没有应用，下面的结果不包含这些限定。"
    parts = ", ".join(f"“{d.phrase}” ({_KIND_NAMES[d.kind][0]})" for d in dropped)
    return f"⚠️ Not applied: {parts}. The answer below does not reflect {'it' if len(dropped) == 1 else 'them'}."
