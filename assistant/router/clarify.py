"""Ask instead of guessing, but only when the readings give different answers and no default is fair.

Two readings are asked about (recent, conversion), and an export that names no group; two have a
standard default that is answered, stated and offered with the other reading as an option (repurchase
rate, churned). The four cases of two readings:
- 复购率 / repurchase rate with no window and no breakdown: the period rate (buyers with 2+ orders in
  the window, metric_query) and the N-day rate after the first purchase (cohort_retention) are
  different numbers with the same name.
- "最近的销售额" / "recent sales": "recent" names a window without its length; 7, 30 and 90 days differ.
- 转化率 / conversion rate with neither live-room nor funnel words: the live watch-to-buy rate
  (live_performance) and the step-by-step funnel are different measures.
- 流失客户 / churned customers: the lifecycle stage (no purchase for `churn_days`) and the RFM
  hibernating segment count different people.

Where a default is reasonable the question is answered and the default is stated instead
(`assumptions`): no window means all data; a period repurchase rate says which definition it used.
Every option's `question` is a complete question that routes to the intended tool on its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.router.extract import extract, find_future
from assistant.router.normalize import normalize
from assistant.router.route import Route


@dataclass
class ClarifyOption:
    label: str
    question: str


@dataclass
class Clarification:
    question: str
    options: list[ClarifyOption] = field(default_factory=list)
    reason: str = ""

    def to_json(self) -> dict:
        return {"question": self.question,
                "options": [{"label": o.label, "question": o.question} for o in self.options]}


_REPURCHASE = re.compile(r"复购率|回购率|复购|回购|repurchase|repeat purchase|repeat rate")
_N_DAYS = re.compile(r"\d+\s*(?:天|日)|\d+[\s-]*days?|首购|first (?:purchase|order)|cohort|同期群|留存")
_RECENT_ZH = re.compile(r"(?:最近|近期|近来)(?!\s*(?:\d|[一二两三四五六七八九十半]|个))(?:的)?")
_RECENT_EN = re.compile(r"\b(?:recent|recently|lately|these days)\b")
_CONVERSION = re.compile(r"转化率|转化|conversion|converts?\b|cvr")
_LIVE_WORDS = re.compile(r"直播|主播|场次|场观|观看|live|host|session|stream|viewer|watch")
_FUNNEL_WORDS = re.compile(r"漏斗|环节|加购|购物车|哪一步|funnel|cart|checkout|step|drop")
_CHURNED = re.compile(r"流失(?:的)?(?:客户|用户|顾客|买家|人)|已流失|churned (?:customers|users|buyers)"
                      r"|lost customers")
_CHURN_QUALIFIED = re.compile(r"风险|预警|可能|会流失|快|即将|risk|likely|predict|about to|will|沉睡|hibernat"
                              r"|生命周期|lifecycle|rfm|stage|阶段")


def _zh(language: str) -> bool:
    return language == "zh"


def _repurchase(question: str, routed: Route) -> Clarification | None:
    text = normalize(question)
    args = routed.args
    if routed.tool != "metric_query" or args.get("metric") != "repurchase_rate":
        return None
    if args.get("period") or args.get("dimension") or args.get("filters") or _N_DAYS.search(text):
        return None
    if extract(question).who or find_future(text):  # "who will not buy again" is about people, not a rate
        return None
    if _zh(routed.language):
        return Clarification("“复购率”有两种算法，结果不同。你想看哪一种？", [
            ClarifyOption("期内复购率：最近12个月下单2次及以上的买家占比", "最近12个月的复购率是多少？"),
            ClarifyOption("首购后复购率：新客首购后30/60/90天内再次购买的比例",
                          "新客首购后30天、60天、90天的复购率"),
        ], "repurchase_definition")
    return Clarification("“Repurchase rate” has two definitions with different results. Which one?", [
        ClarifyOption("Period rate: share of buyers with 2+ orders in the last 12 months",
                      "What is the repurchase rate in the last 12 months?"),
        ClarifyOption("After first purchase: share of new customers buying again within 30/60/90 days",
                      "30-day repurchase rate of new customers"),
    ], "repurchase_definition")


def _recent_variant(question: str, days: int, language: str) -> str:
    if _zh(language):
        return _RECENT_ZH.sub(f"最近{days}天的", question, count=1)
    stripped = re.sub(r"\s*\b(?:recent|recently|lately|these days)\b", "", question, count=1, flags=re.I)
    stripped = stripped.strip().rstrip("?？. ")
    return f"{stripped} in the last {days} days?"


def _recent(question: str, routed: Route) -> Clarification | None:
    from assistant.router.followup import accepted_args

    text = normalize(question)
    if routed.args.get("period") or "period" not in accepted_args(routed.tool):
        return None
    if routed.args.get("session") or (routed.args.get("filters") or {}).get("session"):
        return None  # "the most recent live", "最近那场「…」": one broadcast; no window to ask about
    if not (_RECENT_ZH.search(text) if _zh(routed.language) else _RECENT_EN.search(text)):
        return None
    zh = _zh(routed.language)
    options = [ClarifyOption(f"最近{d}天" if zh else f"Last {d} days", _recent_variant(question, d, routed.language))
               for d in (7, 30, 90)]
    ask = "“最近”指多长时间？" if zh else "How recent do you mean?"
    return Clarification(ask, options, "recent_window")


def _conversion(question: str, routed: Route) -> Clarification | None:
    text = normalize(question)
    if routed.tool not in ("live_performance", "funnel") or not _CONVERSION.search(text):
        return None
    if _LIVE_WORDS.search(text) or _FUNNEL_WORDS.search(text) or routed.args.get("dimension"):
        return None
    if routed.args.get("host") or routed.args.get("session"):
        return None  # "小雅上个月播了几场？转化率多少？": one host's or session's live room is already the reading
    period = extract(question).period
    when = period.phrase if period else ""
    if _zh(routed.language):
        return Clarification("“转化率”是指哪一种？", [
            ClarifyOption("直播间观看→购买的转化率（按主播）", f"{when}各主播的直播转化率"),
            ClarifyOption("从进直播间到支付的各步转化漏斗", f"{when}从进直播间到支付的转化漏斗"),
        ], "conversion_definition")
    suffix = f" {period.phrase}" if period else ""
    return Clarification("Which conversion rate do you mean?", [
        ClarifyOption("Live watch-to-buy conversion, by host", f"Rank hosts by conversion rate{suffix}"),
        ClarifyOption("The step-by-step funnel from entering the live room to paying",
                      f"Show the conversion funnel{suffix}"),
    ], "conversion_definition")


def _churned(question: str, routed: Route) -> Clarification | None:
    text = normalize(question)
    if routed.tool not in ("lifecycle_stages", "rfm_segments") or not _CHURNED.search(text):
        return None
    if _CHURN_QUALIFIED.search(text) or len({h.value for h in extract(question).lifecycle_words}) > 1:
        return None
    if _zh(routed.language):
        return Clarification("“流失客户”有两种口径，人数不同。你想看哪一种？", [
            ClarifyOption("生命周期：很久没有再购买、已判定流失的客户", "生命周期各阶段分别有多少客户？"),
            ClarifyOption("RFM：沉睡客户（很久没买、买得也少）", "沉睡客户有多少？"),
        ], "churned_definition")
    return Clarification("“Churned customers” can mean two groups of different sizes. Which one?", [
        ClarifyOption("Lifecycle stage: no purchase for a long time, counted as churned",
                      "How many customers are in each lifecycle stage?"),
        ClarifyOption("RFM: hibernating customers (long ago, rarely)", "How many hibernating customers are there?"),
    ], "churned_definition")


def _export_which(question: str, routed: Route) -> Clarification | None:
    """An export (a list for a campaign) needs its segment: there is no fair default group of customers."""
    if routed.tool != "export_segment" or routed.args.get("segment"):
        return None
    suffix = {"csv": "CSV", "xlsx": "Excel"}.get(routed.args.get("format", ""), "Excel")
    if _zh(routed.language):
        return Clarification("要导出哪一群客户？", [
            ClarifyOption("沉睡客户（唤醒）", f"把沉睡客户导出成{suffix}"),
            ClarifyOption("重要价值客户（维护）", f"把重要价值客户导出成{suffix}"),
            ClarifyOption("流失期客户（召回）", f"把流失期客户导出成{suffix}"),
        ], "export_segment")
    return Clarification("Which customers should the list hold?", [
        ClarifyOption("Hibernating customers (win back)", f"Export the hibernating customers as {suffix}"),
        ClarifyOption("Champions (keep)", f"Export the champions as {suffix}"),
        ClarifyOption("At-risk customers (save)", f"Export the at-risk customers as {suffix}"),
    ], "export_segment")


RULES = (_recent, _conversion, _export_which)
# Readings with a standard default: answered with it (stated in `assumptions`), the other reading offered.
DEFAULTED = (_repurchase, _churned)


def clarify(question: str, routed: Route | None) -> Clarification | None:
    """One short question with options when `question` has several readings with different answers."""
    if routed is None or not isinstance(question, str):
        return None
    for rule in RULES:
        if found := rule(question, routed):
            return found
    return None


def alternatives(question: str, routed: Route | None) -> list[dict[str, str]]:
    """The other readings of a question answered with its standard default, as options to ask next."""
    if routed is None or not isinstance(question, str):
        return []
    for rule in DEFAULTED:
        if found := rule(question, routed):
            return [{"label": o.label, "question": o.question} for o in found.options]
    return []


def assumptions(question: str, routed: Route | None) -> list[str]:
    """Defaults taken instead of asking, stated under the answer in the asker's language."""
    if routed is None:
        return []
    zh = _zh(routed.language)
    notes: list[str] = []
    args = routed.args
    buyer_type = "buyer_type" in (args.get("dimension"), *(args.get("filters") or {}))
    if routed.tool == "metric_query" and not args.get("period") and not buyer_type:
        # (new vs returning has a window of its own when none is given: metric_query says which)
        notes.append("未指定时间：按全部数据计算。" if zh else "No time window given: computed over all data.")
    if routed.tool == "metric_query" and args.get("metric") == "repurchase_rate":
        notes.append("复购率按期内口径：期内下单2次及以上的买家占比（首购后N天复购请问“新客首购后30天复购率”）。" if zh
                     else "Repurchase rate = share of the window's buyers with 2+ orders in it (for the rate "
                          "after the first purchase ask “30-day repurchase rate of new customers”).")
    if routed.tool == "lifecycle_stages" and _CHURNED.search(normalize(question)) and not args.get("churn_days"):
        notes.append("流失按生命周期口径：超过180天没有购买（RFM的“沉睡客户”是另一种口径）。" if zh
                     else "Churned = the lifecycle stage: no purchase for over 180 days (RFM “hibernating” is "
                          "another reading).")
    if routed.tool == "live_performance" and args.get("metric") == "conversion_rate":
        notes.append("转化率按直播间口径：购买人数 ÷ 观看人数。" if zh
                     else "Conversion = live-room buyers ÷ viewers (watch-to-buy).")
    return notes
