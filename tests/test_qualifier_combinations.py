"""Generated combinations of qualifiers (segment x breakdown x period x filter x metric), in Chinese and
English: every answer either honours each qualifier (its tool call and its table reflect it) or names it
as not applied. None may be dropped silently. A question no tool takes is fine (it is said so)."""

from __future__ import annotations

import itertools
import random

import pytest

# (phrase, qualifier kind, value the call must carry)
SEGMENTS = {
    "zh": [("重要价值客户", "important_value"), ("冠军客户", "champions"), ("沉睡客户", "hibernating"), None],
    "en": [("champions", "champions"), ("hibernating customers", "hibernating"), ("at-risk customers", "at_risk"),
           None],
}
BREAKDOWNS = {
    "zh": [("按省份", "region"), ("按性别", "gender"), ("各渠道", "channel"), ("按主播", "host"),
           ("按品类", "category"),
           ("按月", "month"), None],
    "en": [("by province", "region"), ("by gender", "gender"), ("by channel", "channel"), ("by host", "host"),
           ("by month", "month"), None],
}
PERIODS = {
    "zh": [("上个月", "last_month"), ("今年", "this_year"), ("最近30天", "last_30_days"), None],
    "en": [("last month", "last_month"), ("this year", "this_year"), ("in the last 30 days", "last_30_days"), None],
}
FILTERS = {
    "zh": [("女性", ("gender", "female")), ("广东", ("region", "广东")), ("来自直播间的", ("channel", "live_room")),
           None],
    "en": [("female", ("gender", "female")), ("Guangdong", ("region", "广东")), ("from ads", ("channel", "ads")), None],
}
METRICS = {
    "zh": [("GMV", "gmv"), ("客单价", "aov"), ("订单数", "orders"), ("复购率", "repurchase_rate")],
    "en": [("GMV", "gmv"), ("average order value", "aov"), ("orders", "orders"), ("refund rate", "refund_rate")],
}


def question(language: str, segment, breakdown, period, filter_, metric) -> str:
    if language == "zh":
        who = (filter_[0] if filter_ else "") + (segment[0] if segment else "")
        return f"{period[0] if period else ''}{who}{'的' if who else ''}{metric[0]}{breakdown[0] if breakdown else ''}"
    who = " ".join(p for p in [filter_[0] if filter_ else "", segment[0] if segment else ""] if p)
    parts = [metric[0], f"of {who}" if who else "", breakdown[0] if breakdown else "", period[0] if period else ""]
    return " ".join(p for p in parts if p)


def cases() -> list[tuple[str, str, dict]]:
    rng = random.Random(16)
    out = []
    for language in ("zh", "en"):
        grid = list(itertools.product(SEGMENTS[language], BREAKDOWNS[language], PERIODS[language],
                                      FILTERS[language], METRICS[language]))
        for combo in rng.sample(grid, 90):
            segment, breakdown, period, filter_, metric = combo
            wanted = {"segment": segment and segment[1], "breakdown": breakdown and breakdown[1],
                      "period": period and period[1], "filter": filter_ and filter_[1], "metric": metric[1]}
            out.append((language, question(language, *combo), wanted))
    return out


CASES = cases()


def _named(answer, kind: str) -> bool:
    return any(d["kind"] == kind for d in answer.not_applied)


def _honoured(answer, kind: str, value) -> bool:
    call = answer.tool_calls[0]
    args, table = call.args, answer.tables[0].df if answer.tables else None
    filters = args.get("filters") or {}
    if kind == "segment":
        return value in (args.get("segment"), filters.get("segment")) or (
            table is not None and call.name in ("rfm_segments", "segment_strategy"))
    if kind == "breakdown":
        if args.get("dimension") == value or args.get("grain") == value:
            return table is None or value in table.columns or len(table.columns) > 1
        return call.name == "segment_profile" and value in ("region", "gender", "channel", "host", "category")
    if kind == "period":
        return args.get("period") == value or args.get("as_of") == value
    if kind == "filter":
        dimension, wanted = value
        return filters.get(dimension) == wanted or (call.name == "segment_profile" and dimension != "region")
    raise AssertionError(kind)


@pytest.mark.parametrize("language, text, wanted", CASES, ids=[c[1][:40] for c in CASES])
def test_every_qualifier_is_honoured_or_named(engine, language, text, wanted) -> None:
    answer = engine.ask(text)
    if not answer.tool_calls:
        assert answer.options or answer.clarification, text  # not understood: nearest questions offered
        return
    if answer.error:
        assert answer.error["message"], text
        return
    kinds = {"segment": "segment", "breakdown": "breakdown", "period": "period", "filter": "filter"}
    silent = [kind for kind, value in wanted.items() if kind in kinds and value
              and not _honoured(answer, kind, value) and not _named(answer, kinds[kind])]
    assert not silent, (text, answer.tool_calls[0].name, answer.tool_calls[0].args, answer.not_applied)
    if not answer.not_applied:
        assert not answer.answer.startswith("⚠️")


def test_the_grid_is_mostly_answered_not_refused(engine) -> None:
    """The combinations are ordinary operator questions: most must get a tool call, not a refusal."""
    answered = sum(bool(engine.ask(text).tool_calls) for _, text, _ in CASES)
    assert answered >= 0.9 * len(CASES), answered


@pytest.mark.parametrize("text, segment, dimension", [
    ("哪些城市的重要价值客户最多", "important_value", "region"),
    ("哪个渠道的冠军客户最多", "champions", "channel"),
    ("Which province has the most hibernating customers?", "hibernating", "region"),
])
def test_a_segment_counted_by_an_attribute_keeps_the_segment(engine, text, segment, dimension) -> None:
    """"客户最多" is the measure (buyers); the segment it touches is still a filter, not part of the measure."""
    answer = engine.ask(text)
    call = answer.tool_calls[0]
    assert call.args["metric"] == "buyers" and call.args["dimension"] == dimension
    assert call.args["filters"]["segment"] == segment and not answer.not_applied


@pytest.mark.parametrize("text, measure", [
    ("发券实验对退款率有没有影响", "refund_rate"),
    ("A/B test: did coupons lift AOV", "aov"),
])
def test_a_measure_the_experiment_does_not_report_is_named(engine, text, measure) -> None:
    """ab_test reports who bought in the window and revenue per customer; a refund rate or an AOV asked of it
    was not measured, and the answer says so rather than giving the repurchase lift as if it were."""
    answer = engine.ask(text)
    assert answer.tool_calls[0].name == "ab_test"
    assert [d["detail"] for d in answer.not_applied if d["kind"] == "metric"] == [measure]
    # what it does report is not named
    assert not engine.ask("发券实验有没有提升复购率").not_applied


def test_a_viewers_action_asked_of_products_is_named_not_measured(engine) -> None:
    """Shares, likes and follows are counted per host or session, not per product: whichever the call answers,
    the part it could not keep is named (the shares asked of products, or the products the shares are not by)."""
    answer = engine.ask("哪个商品分享最多")
    named = [(d["kind"], d["detail"]) for d in answer.not_applied]
    if answer.tool_calls[0].name == "live_performance":
        assert answer.tool_calls[0].args["metric"] == "shares" and named == [("breakdown", "product")]
    else:
        assert named == [("metric", "shares")]
    both = engine.ask("各商品的GMV和分享数")
    assert {("metric", "shares"), ("breakdown", "product")} <= {(d["kind"], d["detail"]) for d in both.not_applied}
