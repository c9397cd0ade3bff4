"""Short follow-ups ("那上个月呢", "只看女性", "按主播拆开", "why?") applied to the previous route.

A follow-up keeps the previous tool and arguments and changes only what the new words name: a period,
a filter, a breakdown, a top-N, a segment, or (with 那…呢 / "what about") the metric. Vocabulary comes
from the router's own extractor, so a synonym added there works here too. A full question (one that
names its own metric or tool words and routes on its own) is never taken as a follow-up.

"Why?" re-runs the previous question broken down by the dimension that usually explains it
(`DRIVERS`, first one not already used): for sales-type metrics the host (in live commerce the
host and session drive most of the variance), for AOV / refunds the category (price band and product
quality), for repurchase and new customers the acquisition channel. Tools with a natural explainer
move to it (`EXPLAINERS`: live results -> the funnel (by host when hosts were compared), the funnel ->
by host, a segment's strategy -> its persona). Other tools have no explainer: "why?" is then not
taken as a follow-up.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from assistant.router import vocabulary as vocab
from assistant.router.extract import REFUND_KIND_VALUES, Features, extract, find_compare
from assistant.router.normalize import normalize
from assistant.router.periods import find_periods
from assistant.router.route import Route, route
from tools.registry import REGISTRY, load_builtin_tools
from tools.timewindow import PeriodError, add_months, resolve_period

FOLLOWUP_TAG = "follow-up"

# Words that mark a question as leaning on the previous one.
_MARKER = re.compile(
    r"^(?:同样(?:的|地)?[，,\s]*)?(?:那|那么|那如果|如果|换成|改成|改为|换到|再|只看|仅看|只要|单看|光看|就看|再看|还有)"
    r"|呢\s*[?？]?\s*$|同期|拆开|拆分|拆一下|细分|展开|分开看"
    r"|^(?:and|what about|how about|now|only|just|same for|same (?:thing|question|figure) for|same but|then"
    r"|and for|but)\b"
    r"|\b(?:instead|only)\b"
)
_WHY = re.compile(r"为什么|为啥|原因|怎么回事|咋回事|什么导致|^\s*why\b|\bwhy\s*(?:is|was|did|so)?\b|\bhow come\b"
                  r"|\bwhat (?:drove|drives|caused|explains)\b|\breason")
# Periods measured from the previous question's window, not from the data's end.
_BEFORE_PREVIOUS = re.compile(r"上上个?(?:月|周|星期|季度)|前一个?(?:月|周|季度|年)|再往前"
                              r"|the (?:month|week|quarter|year) before|(?:month|week|quarter|year) before that"
                              r"|previous one|before that")
_SAME_LAST_YEAR = re.compile(r"去年同期|上年同期|同期|same (?:period|time|month|week|quarter) last year|a year earlier"
                             r"|year[\s-]over[\s-]year|yoy")
# Last year said alone after a window shorter than a year ("双11 GMV 多少" then "那去年的呢"): that window a year
# earlier (_only_last_year), unless the whole year is said ("去年全年呢")
_WHOLE_YEAR = re.compile(r"全年|整年|一整年|(?<![a-z])(?:full|whole|entire) year(?![a-z])")
_SHORT_ZH_CHARS = 10
_SHORT_EN_WORDS = 5

# Metric -> dimensions that usually explain a change in it, best first (see the module docstring).
DRIVERS: dict[str, tuple[str, ...]] = {
    "gmv": ("host", "category", "channel", "region"),
    "net_sales": ("host", "category", "channel", "region"),
    "orders": ("host", "category", "channel", "region"),
    "buyers": ("channel", "host", "region", "age_band"),
    "aov": ("category", "host", "age_band", "region"),
    "net_aov": ("category", "host", "age_band", "region"),
    "refund_rate": ("category", "product", "host"),
    "repurchase_rate": ("channel", "segment", "age_band", "region"),
    "new_customers": ("channel", "host", "region"),
}
# Tool -> (tool that explains it, arguments carried over).
EXPLAINERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "live_performance": ("funnel", ("period",)),  # where viewers drop between watching and paying
    "segment_strategy": ("segment_profile", ("segment", "scheme")),  # who they are, why the playbook fits
}


def accepted_args(tool: str) -> set[str]:
    load_builtin_tools()
    spec = REGISTRY.get(tool)
    return set(spec.args_model.model_fields) if spec else set()


def _route(question: str, vocabulary: Any) -> Route | None:
    # The vocabulary argument is the router engineer's extension; older routers take only the question.
    return route(question) if vocabulary is None else route(question, vocabulary)  # type: ignore[call-arg]


def _extract(question: str, vocabulary: Any) -> Features:
    return extract(question) if vocabulary is None else extract(question, vocabulary)  # type: ignore[call-arg]


def _data_filters(f: Features) -> dict[str, Any]:
    """Host / product / category names found in the data (the router's vocabulary), as filters."""
    if not hasattr(f, "data"):
        return {}
    from assistant.router.data_vocabulary import data_filters

    found = data_filters(f.data("host", "product", "category", "region"))
    return {kind: value for kind, value in found.items() if kind not in f.filters}


def _is_short(f: Features) -> bool:
    text = re.sub(r"[\s?？!！。,，.、]+", " ", f.text).strip()
    if f.language == "zh":
        return len(text.replace(" ", "")) <= _SHORT_ZH_CHARS
    return len(text.split()) <= _SHORT_EN_WORDS


def _names_subject(f: Features) -> bool:
    """A metric or a strong tool word of its own: the question stands on its own."""
    strong = any(h.weight >= 2 for hits in f.tool_hits.values() for h in hits)
    return f.metric is not None or strong


def _shift(window_start: date, window_end: date, months: int) -> tuple[date, date]:
    start = add_months(window_start, months)
    end = add_months(window_end + timedelta(days=1), months) - timedelta(days=1)
    return start, end


def _token(start: date, end: date) -> str:
    if start.day == 1 and (end + timedelta(days=1)).day == 1 and add_months(start, 1) == end + timedelta(days=1):
        return f"{start.year}-{start.month:02d}"  # one whole month reads better as 2025-05
    return start.isoformat() if start == end else f"{start.isoformat()}..{end.isoformat()}"


def _only_last_year(text: str) -> bool:
    """Last year is the only window the follow-up names, and nothing is compared with it ("那去年的呢"; not
    "去年3月呢", "去年双11呢" or "和去年比呢")."""
    normal = normalize(text)
    periods = find_periods(normal)
    return bool(periods) and all(p.token == "last_year" for p in periods) and find_compare(normal) is None


def relative_period(text: str, previous_period: str | None, anchor: date | None) -> str | None:
    """"上上个月" / "去年同期" resolved against the previous question's window (needs the data's anchor)."""
    if anchor is None or not previous_period:
        return None
    try:
        window = resolve_period(previous_period, anchor)
    except PeriodError:
        return None
    if window.start is None or window.end is None:
        return None
    if _SAME_LAST_YEAR.search(text) or (_only_last_year(text) and not _WHOLE_YEAR.search(text)
                                        and (window.end - window.start).days < 300):
        return _token(*_shift(window.start, window.end, -12))
    if _BEFORE_PREVIOUS.search(text):
        length = (window.end - window.start).days + 1
        whole_months = window.start.day == 1 and (window.end + timedelta(days=1)).day == 1
        if whole_months:
            months = (window.end.year - window.start.year) * 12 + window.end.month - window.start.month + 1
            return _token(*_shift(window.start, window.end, -months))
        end = window.start - timedelta(days=1)
        return _token(end - timedelta(days=length - 1), end)
    return None


def _changes(f: Features, previous: Route, marker: bool, anchor: date | None) -> dict[str, Any]:
    """The arguments the follow-up names, before filtering to what the previous tool accepts."""
    changes: dict[str, Any] = {}
    relative = relative_period(f.text, previous.args.get("period"), anchor)
    if relative:
        changes["period"] = relative
    elif f.period and not _BEFORE_PREVIOUS.search(f.text) and not _SAME_LAST_YEAR.search(f.text):
        changes["period"] = f.period.token
    filters = {**f.filters, **_data_filters(f)}
    if "channel" in (previous.args.get("filters") or {}) and "channel" not in filters \
            and (named := _BARE_CHANNEL.search(f.text)):  # "…from the live_room channel? Same for short video?"
        filters["channel"] = next(k for k, ws in vocab.CHANNEL_WORDS.items() if named.group(0) in ws)
    if filters:
        changes["filters"] = {**(previous.args.get("filters") or {}), **filters}
    if f.dimension and f.dimension.value not in filters:  # "只看橙子姐姐这个主播" filters, not a breakdown
        changes["dimension"] = f.dimension.value
    if "product" in previous.args and (named := f.data("product")):
        changes["product"] = named[0].phrase  # "买了补水面膜的人还会买啥？" then "那洗发水呢？": the other product
    if f.limit:
        changes["limit"] = f.limit.value
    if f.order:
        changes["order"] = f.order.value
    if f.segment and not (f.metric is not None and f.metric.overlaps(f.segment) and _COUNTED.search(f.text)):
        # ("那边的新客有多少": the count of new customers, not the new-customer group's figure)
        ref = f.segment.value
        changes["segment"] = ref.key
        if ref.scheme != "rfm":
            changes["scheme"] = ref.scheme
        elif previous.args.get("scheme") not in (None, "rfm"):
            changes["scheme"] = None  # back to the default scheme
    if marker and f.metric and not _kind_noun(f):
        changes["metric"] = f.metric.value
    if f.compare is not None and not relative:  # "跟去年618比呢", "环比多少": against an earlier window (while
        # "去年同期呢" moves the window itself)
        changes["compare"] = f.compare.value
        if f.period and f.period.start >= f.compare.start - 4 and changes.get("period") == f.period.token:
            changes.pop("period")  # the window named is the one compared with, not a new one to answer
    return changes


_COUNTED = re.compile(r"多少|几个|几位|几人|(?<![a-z])how many(?![a-z])", re.IGNORECASE)
# A channel named bare, after an ask that filtered by a channel: the channel word needs no "from" then.
# (not inside 视频号, the platform, nor a category's name: "the video category")
_BARE_CHANNEL = re.compile("|".join(rf"(?<![a-z_]){re.escape(w)}(?![a-z_号])(?!\s*(?:category|类目|品类|类))"
                                    for w in sorted((w for ws in vocab.CHANNEL_WORDS.values() for w in ws),
                                                    key=len, reverse=True)))


def _apply(previous: Route, changes: dict[str, Any], language: str, why: str) -> Route | None:
    accepted = accepted_args(previous.tool)
    changes = dict(changes)
    if "segment" in changes and "segment" not in accepted and "filters" in accepted:
        # metric_query has no segment argument but filters by the RFM segment dimension.
        changes["filters"] = {**changes.get("filters", previous.args.get("filters") or {}),
                              "segment": changes.pop("segment")}
        changes.pop("scheme", None)
    usable = {k: v for k, v in changes.items() if k in accepted}
    args = dict(previous.args)
    for name, value in usable.items():
        if value is None:
            args.pop(name, None)
        else:
            args[name] = value
    if usable.get("metric") == "refund_rate" and "filters" not in usable \
            and (args.get("filters") or {}).get("status") in REFUND_KIND_VALUES:
        # "the most refunds …, and the refund rate there": a refund rate is over every paid order, the earlier
        # ask's refunded orders its part, never its filter (which makes it 100%)
        args["filters"] = {k: v for k, v in args["filters"].items() if k != "status"}
        if not args["filters"]:
            args.pop("filters")
    if not usable or args == previous.args:
        return None
    matched = [f"{FOLLOWUP_TAG}: {why}"] + [f"{k}={v}" for k, v in usable.items()]
    return Route(previous.tool, args, language, matched)


def explain(previous: Route, language: str) -> Route | None:
    """The route that answers "why?" about the previous answer (see the module docstring)."""
    args = previous.args
    if previous.tool == "metric_query":
        metric = args.get("metric", "gmv")
        used = {args.get("dimension"), *(args.get("filters") or {})}
        driver = next((d for d in DRIVERS.get(metric, ("host", "category")) if d not in used), None)
        if driver is None:
            return None
        new_args = {**args, "dimension": driver}
        new_args.pop("limit", None)
        return Route("metric_query", new_args, language, [f"{FOLLOWUP_TAG}: why -> by {driver}"])
    if previous.tool == "funnel":
        if args.get("dimension") == "host":
            return None
        return Route("funnel", {**args, "dimension": "host"}, language, [f"{FOLLOWUP_TAG}: why -> by host"])
    if previous.tool in EXPLAINERS:
        tool, carried = EXPLAINERS[previous.tool]
        if tool not in REGISTRY:
            return None
        new_args = {k: args[k] for k in carried if k in args}
        if previous.tool == "live_performance" and args.get("dimension") == "host":
            new_args["dimension"] = "host"
        return Route(tool, new_args, language, [f"{FOLLOWUP_TAG}: why -> {tool}"])
    return None


def _kind_noun(f: Features) -> bool:
    """"only live orders" after "AOV by gender": the orders name the kind kept, not a new measure (no count asked)."""
    return f.metric is not None and f.metric.value == "orders" and not re.search(
        r"(?<![a-z])(?:how many|number of)(?![a-z])|多少|几", f.text) and any(
        h.value in ("live", "shelf", "coupon", "no_coupon")
        and (h.overlaps(f.metric) or 0 <= f.metric.start - h.end <= 2) for h in f.filter_hits)


def resolve_followup(question: str, previous: Route | None, vocabulary: Any = None,
                     anchor: date | None = None) -> Route | None:
    """The previous route with the change applied when `question` is a follow-up of it, else None.

    `anchor` (the data's last order date) lets "上上个月" / "去年同期" move the previous window."""
    if previous is None or not isinstance(question, str) or not question.strip():
        return None
    load_builtin_tools()
    f = _extract(question, vocabulary)
    text = normalize(question)
    marker = bool(_MARKER.search(text))
    fresh = _route(question, vocabulary)
    if fresh is not None and fresh.tool == "run_sql":
        return None
    short = _is_short(f)
    if _WHY.search(text) and short and not _names_subject(f):
        return explain(previous, f.language)
    if _names_subject(f) and fresh is not None and not (marker and fresh.tool == previous.tool):
        return None  # a question of its own
    if not (marker or short):
        return None
    followed = _apply(previous, _changes(f, previous, marker, anchor), f.language, "changed")
    return replace(followed, language=f.language) if followed else None


def elliptical(question: str) -> bool:
    """Whether a question leans on the one before by its form ("funnel呢？", "what about buyers?", "那女生呢")."""
    return bool(_MARKER.search(normalize(question)))


def restates(question: str, previous: Route, vocabulary: Any = None) -> bool:
    """Whether a short ask only repeats what the previous call already applies ("…比上个月涨了还是跌了？环比多少？")."""
    f = _extract(question, vocabulary)
    if not (_MARKER.search(normalize(question)) or _is_short(f)):
        return False
    accepted = accepted_args(previous.tool)
    changes = {k: v for k, v in _changes(f, previous, True, None).items() if k in accepted}
    return bool(changes) and all(previous.args.get(k) == v for k, v in changes.items())


def is_followup(routed: Route | None) -> bool:
    return bool(routed and routed.matched and routed.matched[0].startswith(FOLLOWUP_TAG))


def _metric_label(metric: str, language: str) -> str:
    from tools import catalog

    spec = catalog.load("metrics")["metrics"].get(metric, {})
    return str(spec.get(language, metric))


def _dimension_label(dimension: str, language: str) -> str:
    from tools.metrics import DIMENSIONS

    spec = DIMENSIONS.get(dimension)
    return (spec.zh if language == "zh" else spec.en) if spec else dimension


_VALUE_LABELS = {"female": ("女性", "women"), "male": ("男性", "men")}


def value_label(value: Any, zh: bool) -> str:
    """女性 / women, 冠军客户 / Champions, else the value as given (provinces are already names)."""
    if str(value) in _VALUE_LABELS:
        return _VALUE_LABELS[str(value)][0 if zh else 1]
    from tools import catalog  # (order statuses are labelled once, in data/metrics.yaml)

    if (status := catalog.load("metrics")["by_status"]["labels"].get(str(value))) is not None:
        return status["zh" if zh else "en"]
    from assistant.router.segments import load_segments

    for segments in load_segments().values():
        if str(value) in segments:
            return str(segments[str(value)].get("zh" if zh else "en", value))
    return str(value)


def _subject(previous: Route, language: str) -> str:
    if previous.args.get("metric") and previous.tool == "metric_query":
        return _metric_label(previous.args["metric"], language)
    return previous.tool


def describe_change(previous: Route, current: Route, question: str, language: str) -> str:
    """"沿用上一个问题（复购率），时间改为上个月" / "Same as before (GMV), period: last month"."""
    zh = language == "zh"
    f = extract(question)
    parts: list[str] = []
    if current.matched and current.matched[0].startswith(f"{FOLLOWUP_TAG}: why"):
        parts.append(f"为找原因改用 {current.tool}" if zh and current.tool != previous.tool
                     else "为找原因" if zh
                     else f"to see why, with {current.tool}" if current.tool != previous.tool else "to see why")
    for name in sorted(set(current.args) | set(previous.args)):
        old, new = previous.args.get(name), current.args.get(name)
        if old == new or current.tool != previous.tool and name not in ("dimension",):
            continue
        parts.append(_describe_arg(name, new, f, zh) if new is not None else _describe_removed(name, old, zh))
    subject = _subject(previous, language)
    if zh:
        return f"沿用上一个问题（{subject}），" + "，".join(parts)
    return f"Same question as before ({subject}), " + ", ".join(parts)


# What an argument the follow-up takes away is, in words (never the argument's own name)
_REMOVED = {"dimension": ("拆分", "the breakdown"), "limit": ("前N条的限制", "the top-N limit"),
            "period": ("时间范围", "the period"), "order": ("排序", "the ordering"),
            "compare": ("对比", "the comparison"), "segment": ("分群", "the segment")}


def _describe_removed(name: str, old: Any, zh: bool) -> str:
    if name == "filters":  # "不再只看已退款": the conditions taken away, by their values
        shown = "、".join(value_label(v, zh) for values in old.values()
                         for v in (values if isinstance(values, list) else [values]))
        return f"不再只看{shown}" if zh else f"no longer only {shown}"
    zh_label, en_label = _REMOVED.get(name, (name, name))
    return f"去掉{zh_label}" if zh else f"without {en_label}"


def _describe_arg(name: str, value: Any, f: Features, zh: bool) -> str:
    language = "zh" if zh else "en"
    if name == "period":
        phrase = _PERIOD_PHRASE.search(f.text)
        label = phrase.group(0) if phrase else (f.period.phrase if f.period else str(value))
        return f"时间改为{label}（{value}）" if zh else f"period changed to {label} ({value})"
    if name == "dimension":
        label = _dimension_label(str(value), language)
        return f"按{label}拆分" if zh else f"broken down by {label}"
    if name == "filters":
        shown = "、".join(value_label(v, zh) for values in value.values()
                         for v in (values if isinstance(values, list) else [values]))
        return f"只看{shown}" if zh else f"only {shown}"
    if name == "metric":
        label = _metric_label(str(value), language)
        return f"指标改为{label}" if zh else f"metric changed to {label}"
    if name == "limit":
        return f"取前{value}" if zh else f"top {value}"
    if name == "segment":
        return f"分群改为{value_label(value, zh)}" if zh else f"segment changed to {value_label(value, zh)}"
    return f"{name}改为{value}" if zh else f"{name} changed to {value}"


_PERIOD_PHRASE = re.compile(
    r"上上个?(?:月|周|星期|季度)|去年同期|上年同期|前一个?(?:月|周|季度|年)|the (?:month|week|quarter|year) before"
    r"|same (?:period|time|month|week|quarter) last year")
