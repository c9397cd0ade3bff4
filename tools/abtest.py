"""ab_test: compare the arms of a campaign in campaign_assignments on repurchase, conversion or
revenue per customer: lift, 95% confidence interval, p-value, power check and a plain verdict."""

from __future__ import annotations

import math
from typing import Literal

import pandas as pd

from tools import catalog, fmt
from tools.context import Context
from tools.registry import tool
from tools.result import ChartSpec, Table, ToolError, ToolResult

Metric = Literal["repurchase_rate", "conversion", "revenue_per_customer"]

ALPHA = 0.05
Z_975 = 1.959963984540054  # two-sided 95%
Z_80 = 0.8416212335729143  # 80% power
MIN_BUYERS = 30  # fewer buyers than this in an arm: the normal approximation is shaky
P_FLOOR = 0.001  # smaller p-values read "p < 0.001"
HOLDOUT_SHARE = (0.1, 0.2)  # random holdout to keep after a roll-out, to keep measuring the increment

METRIC_NAMES = {
    "repurchase_rate": ("复购率", "repurchase rate"),
    "conversion": ("转化率", "conversion rate"),
    "revenue_per_customer": ("人均收入", "revenue per customer"),
}


# ------------------------------------------------------------------ statistics (textbook formulas)


def _normal_two_sided(z: float) -> float:
    """P(|Z| >= |z|) for a standard normal."""
    return math.erfc(abs(z) / math.sqrt(2))


def _t_two_sided(t: float, df: float) -> float:
    """P(|T| >= |t|) for Student's t with df degrees of freedom (scipy if present, else normal)."""
    try:
        from scipy import stats
    except ImportError:  # pragma: no cover - scipy ships with scikit-learn here
        return _normal_two_sided(t)
    return float(2 * stats.t.sf(abs(t), df))


def _t_quantile(df: float) -> float:
    try:
        from scipy import stats
    except ImportError:  # pragma: no cover
        return Z_975
    return float(stats.t.ppf(1 - ALPHA / 2, df))


def two_proportion_test(x1: int, n1: int, x2: int, n2: int) -> dict[str, float]:
    """Arm 2 vs arm 1: difference, unpooled 95% CI, pooled two-proportion z-test, power check."""
    p1, p2 = x1 / n1, x2 / n2
    diff = p2 - p1
    se = math.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
    pooled = (x1 + x2) / (n1 + n2)
    se0 = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    z = diff / se0 if se0 > 0 else 0.0
    # Smallest difference a test of this size detects 80% of the time, around the baseline rate.
    mde = (Z_975 + Z_80) * math.sqrt(p1 * (1 - p1) * (1 / n1 + 1 / n2))
    variance = p1 * (1 - p1) + p2 * (1 - p2)
    needed = math.ceil((Z_975 + Z_80) ** 2 * variance / diff**2) if diff else math.inf
    return {"baseline": p1, "value": p2, "diff": diff, "ci_low": diff - Z_975 * se,
            "ci_high": diff + Z_975 * se, "statistic": z, "p_value": _normal_two_sided(z),
            "mde": mde, "needed_per_arm": needed}


def welch_test(mean1: float, var1: float, n1: int, mean2: float, var2: float, n2: int) -> dict[str, float]:
    """Arm 2 vs arm 1 on a mean (revenue per customer): Welch t-test and its 95% CI."""
    diff = mean2 - mean1
    a, b = var1 / n1, var2 / n2
    se = math.sqrt(a + b)
    df = (a + b) ** 2 / (a**2 / (n1 - 1) + b**2 / (n2 - 1)) if a + b > 0 else float(n1 + n2 - 2)
    t = diff / se if se > 0 else 0.0
    q = _t_quantile(df)
    mde = (Z_975 + Z_80) * se
    needed = math.ceil((Z_975 + Z_80) ** 2 * (var1 + var2) / diff**2) if diff else math.inf
    return {"baseline": mean1, "value": mean2, "diff": diff, "ci_low": diff - q * se,
            "ci_high": diff + q * se, "statistic": t, "df": df, "p_value": _t_two_sided(t, df),
            "mde": mde, "needed_per_arm": needed}


# ------------------------------------------------------------------ data


def _pick_campaign(ctx: Context, campaign_id: str | None) -> tuple[str, pd.DataFrame]:
    campaigns = ctx.warehouse.df(
        "SELECT campaign_id, count(*) AS customers, min(assigned_at) AS first_assigned, "
        "max(assigned_at) AS last_assigned FROM campaign_assignments GROUP BY campaign_id "
        "ORDER BY last_assigned DESC, campaign_id"
    )
    if campaigns.empty:
        raise ToolError("no_data", "campaign_assignments is empty: no campaign to analyse.",
                        "campaign_assignments 表为空，没有可分析的活动。")
    known = [str(c) for c in campaigns["campaign_id"]]
    if campaign_id is None or not str(campaign_id).strip():
        return known[0], campaigns
    wanted = str(campaign_id).strip()
    for key in known:
        if key.lower() == wanted.lower():
            return key, campaigns
    raise ToolError(
        "unknown_campaign",
        f"No campaign '{wanted}' in campaign_assignments. Campaigns: {', '.join(known)}.",
        f"campaign_assignments 中没有活动“{wanted}”。现有活动：{'、'.join(known)}。",
    )


def arms_sql(window_days: int) -> str:
    """Per arm: assigned customers, prior buyers, buyers and revenue in [assigned_at, +window)."""
    statuses = ", ".join(f"'{s}'" for s in catalog.load("metrics")["paid_statuses"])
    return f"""WITH assigned AS (
  SELECT customer_id, arm, min(assigned_at) AS assigned_at
  FROM campaign_assignments WHERE campaign_id = ? GROUP BY customer_id, arm
),
paid AS (SELECT customer_id, order_time, pay_amount FROM orders WHERE status IN ({statuses})),
per_customer AS (
  SELECT a.customer_id, a.arm, a.assigned_at,
    count(p.order_time) FILTER (WHERE p.order_time >= a.assigned_at
      AND p.order_time < a.assigned_at + INTERVAL {int(window_days)} DAY) AS window_orders,
    coalesce(sum(p.pay_amount) FILTER (WHERE p.order_time >= a.assigned_at
      AND p.order_time < a.assigned_at + INTERVAL {int(window_days)} DAY), 0) AS window_revenue,
    count(p.order_time) FILTER (WHERE p.order_time < a.assigned_at) AS prior_orders
  FROM assigned a LEFT JOIN paid p ON p.customer_id = a.customer_id
  GROUP BY a.customer_id, a.arm, a.assigned_at
)
SELECT arm,
  count(*) AS customers,
  count(*) FILTER (WHERE prior_orders > 0) AS prior_buyers,
  count(*) FILTER (WHERE window_orders > 0) AS buyers,
  count(*) FILTER (WHERE window_orders > 0 AND prior_orders > 0) AS repeat_buyers,
  sum(window_orders) AS orders,
  round(sum(window_revenue), 2) AS revenue,
  avg(window_revenue) AS revenue_per_customer,
  coalesce(var_samp(window_revenue), 0) AS revenue_variance,
  min(assigned_at) AS assigned_from, max(assigned_at) AS assigned_to
FROM per_customer GROUP BY arm ORDER BY arm"""


def _control_arm(arms: list[str]) -> str:
    for name in arms:
        if name.lower() in ("control", "对照", "对照组", "holdout", "a"):
            return name
    return sorted(arms)[0]


# ------------------------------------------------------------------ the tool


@tool
def ab_test(
    ctx: Context,
    campaign_id: str | None = None,
    window_days: int = 30,
    metric: Metric = "repurchase_rate",
) -> ToolResult:
    """Did an A/B test (e.g. a coupon campaign) work? Per-arm rates, lift over control, CI, p-value, verdict.

    Reads campaign_assignments; checks statistical power.
    Args:
        campaign_id: the campaign; default the latest one assigned.
        window_days: days after assignment that count (default 30).
        metric: repurchase_rate (default; earlier buyers who bought again) | conversion (any purchase) |
            revenue_per_customer.
    Example: "上次发券的A/B测试效果显著吗？" -> {};
        "Did the coupon lift revenue per customer?" -> {"metric": "revenue_per_customer"}
    """
    wh = ctx.warehouse
    wh.require_tables("campaign_assignments", "orders")
    for column in ("campaign_id", "customer_id", "arm", "assigned_at"):
        wh.require_column("campaign_assignments", column)
    if not 1 <= window_days <= 365:
        raise ToolError("bad_arguments", f"window_days must be between 1 and 365 (got {window_days}).",
                        f"window_days 需在 1 到 365 之间（当前为 {window_days}）。")
    campaign, _ = _pick_campaign(ctx, campaign_id)
    sql = arms_sql(window_days)
    arms = wh.df(sql, [campaign])
    if len(arms) < 2:
        raise ToolError(
            "not_enough_arms",
            f"Campaign {campaign} has only {len(arms)} arm(s); an A/B comparison needs two.",
            f"活动 {campaign} 只有 {len(arms)} 个分组，A/B 对比至少需要两个。",
        )
    control = _control_arm(list(arms["arm"]))
    arms = _arm_table(arms, metric, control)
    comparison = _comparison(arms, metric, control)
    window_end = pd.Timestamp(arms["assigned_to"].max()) + pd.Timedelta(days=window_days)
    incomplete = window_end.date() > wh.anchor_date
    metric_zh, metric_en = METRIC_NAMES[metric]
    value_col = "revenue_per_customer" if metric == "revenue_per_customer" else "rate"
    chart_title = ctx.t(f"各组{metric_zh}（活动 {campaign}，{window_days} 天内）",
                        f"{metric_en.capitalize()} by arm ({campaign}, {window_days} days)")
    shown = arms.drop(columns=["revenue_variance", "assigned_from", "assigned_to"])
    return ToolResult(
        answer=_answer(ctx, campaign, window_days, metric, arms, comparison, control, incomplete),
        tables=[Table("arms", shown), Table("comparison", comparison)],
        charts=[ChartSpec("bar", chart_title, "arms", "arm", value_col)],
        sql=[sql.replace("?", f"'{campaign}'", 1)],
        params={"campaign_id": campaign, "window_days": window_days, "metric": metric,
                "control": control, "window_complete": not incomplete,
                # the constants the answer text cites, so every number in it is traceable
                "confidence_level": 1 - ALPHA, "power": 0.8, "min_buyers": MIN_BUYERS,
                "holdout_share": HOLDOUT_SHARE, "p_floor": P_FLOOR},
        recommendations=_recommendations(ctx, metric, comparison, arms, control, campaign),
    )


def _arm_table(arms: pd.DataFrame, metric: str, control: str) -> pd.DataFrame:
    arms = arms.copy()
    for column in ("customers", "prior_buyers", "buyers", "repeat_buyers", "orders"):
        arms[column] = arms[column].fillna(0).astype(int)
    if metric == "repurchase_rate":
        arms["base"], arms["converted"] = arms["prior_buyers"], arms["repeat_buyers"]
    else:
        arms["base"], arms["converted"] = arms["customers"], arms["buyers"]
    arms["rate"] = (arms["converted"] / arms["base"].where(arms["base"] > 0)).round(6)
    arms["revenue_per_customer"] = arms["revenue_per_customer"].astype(float).round(4)
    arms["is_control"] = arms["arm"] == control
    arms = arms.sort_values(["is_control", "arm"], ascending=[False, True]).reset_index(drop=True)
    return arms[["arm", "is_control", "customers", "prior_buyers", "buyers", "repeat_buyers", "base",
                 "converted", "rate", "orders", "revenue", "revenue_per_customer", "revenue_variance",
                 "assigned_from", "assigned_to"]]


def _comparison(arms: pd.DataFrame, metric: str, control: str) -> pd.DataFrame:
    c = arms.loc[arms["arm"] == control].iloc[0]
    rows = []
    for t in arms[arms["arm"] != control].itertuples():
        if metric == "revenue_per_customer":
            if min(int(c["customers"]), t.customers) < 2:
                continue
            stats = welch_test(float(c["revenue_per_customer"]), float(c["revenue_variance"]),
                               int(c["customers"]), float(t.revenue_per_customer),
                               float(t.revenue_variance), t.customers)
        else:
            if min(int(c["base"]), t.base) == 0:
                continue
            stats = two_proportion_test(int(c["converted"]), int(c["base"]), t.converted, t.base)
        baseline = stats["baseline"]
        significant = stats["p_value"] < ALPHA
        underpowered = abs(stats["diff"]) < stats["mde"]
        few = min(int(c["buyers"]), t.buyers) < MIN_BUYERS
        verdict = ("significant_lift" if significant and stats["diff"] > 0 else
                   "significant_drop" if significant else "not_significant")
        rows.append({
            "arm": t.arm, "control": control, "metric": metric,
            "control_value": round(baseline, 6), "arm_value": round(stats["value"], 6),
            "lift_abs": round(stats["diff"], 6),
            "lift_rel": round(stats["diff"] / baseline, 6) if baseline else None,
            "ci_low": round(stats["ci_low"], 6), "ci_high": round(stats["ci_high"], 6),
            "statistic": round(stats["statistic"], 4), "p_value": stats["p_value"],
            "mde_80": round(stats["mde"], 6),
            "extra_buyers": round(stats["diff"] * t.base) if metric != "revenue_per_customer" else None,
            "needed_per_arm": stats["needed_per_arm"] if math.isfinite(stats["needed_per_arm"]) else None,
            "underpowered": bool(underpowered), "few_buyers": bool(few), "verdict": verdict,
        })
    if not rows:
        raise ToolError("no_data", "Not enough customers in the arms to compare them.",
                        "各组客户数不足，无法比较。")
    return pd.DataFrame(rows)


def _value(metric: str, value: float, lang: str) -> str:
    return fmt.money(value, lang) if metric == "revenue_per_customer" else fmt.percent(value)


def _diff(metric: str, value: float, lang: str) -> str:
    if metric == "revenue_per_customer":
        return ("+" if value >= 0 else "-") + fmt.money(abs(value), lang)
    return fmt.pp(value, lang)


def _p(p: float) -> str:
    return f"p < {P_FLOOR}" if p < P_FLOOR else f"p = {p:.3f}"


VERDICT = {
    "significant_lift": ("显著提升", "significant lift"),
    "significant_drop": ("显著下降", "significant drop"),
    "not_significant": ("差异不显著", "not significant"),
}


def _answer(ctx: Context, campaign: str, window_days: int, metric: str, arms: pd.DataFrame,
            comparison: pd.DataFrame, control: str, incomplete: bool) -> str:
    lang = ctx.language
    metric_zh, metric_en = METRIC_NAMES[metric]
    value_col = "revenue_per_customer" if metric == "revenue_per_customer" else "rate"
    per_arm = ("；" if lang == "zh" else "; ").join(
        ctx.t(f"{r.arm} 组 {fmt.number(r.customers, lang)} 人，窗口内购买 {fmt.number(r.buyers, lang)} 人，"
              f"{metric_zh} {_value(metric, getattr(r, value_col), lang)}"
              + ("" if value_col != "rate" else f"，人均收入 {fmt.money(r.revenue_per_customer, lang)}"),
              f"{r.arm}: {fmt.number(r.customers, lang)} customers, {fmt.number(r.buyers, lang)} bought in the "
              f"window, {metric_en} {_value(metric, getattr(r, value_col), lang)}"
              + ("" if value_col != "rate" else f", {fmt.money(r.revenue_per_customer, lang)} revenue per customer"))
        for r in arms.itertuples()
    )
    arms_line = ctx.t(
        f"活动 {campaign}（分组后 {window_days} 天内的已支付订单）：{per_arm}。",
        f"Campaign {campaign} (paid orders within {window_days} days of assignment): {per_arm}.",
    )
    lines: list[str] = []  # the lift (the direct answer) first, then the arms behind it
    for r in comparison.itertuples():
        zh, en = VERDICT[r.verdict]
        rel_zh = f"（相对 {fmt.signed_percent(r.lift_rel)}）" if r.lift_rel is not None else ""
        rel_en = f" ({fmt.signed_percent(r.lift_rel)} relative)" if r.lift_rel is not None else ""
        ci = f"[{_diff(metric, r.ci_low, lang)}, {_diff(metric, r.ci_high, lang)}]"
        lines.append(ctx.t(
            f"{r.arm} 对比 {control}：{metric_zh} {_value(metric, r.arm_value, lang)} vs "
            f"{_value(metric, r.control_value, lang)}，提升 {_diff(metric, r.lift_abs, lang)}{rel_zh}，"
            f"95% 置信区间 {ci}，{_p(r.p_value)}。结论：{zh}（{en}）。",
            f"{r.arm} vs {control}: {metric_en} {_value(metric, r.arm_value, lang)} vs "
            f"{_value(metric, r.control_value, lang)}, lift {_diff(metric, r.lift_abs, lang)}{rel_en}, "
            f"95% CI {ci}, {_p(r.p_value)}. Verdict: {en} ({zh}).",
        ))
        if r.underpowered or r.few_buyers:
            needed = fmt.number(r.needed_per_arm, lang) if r.needed_per_arm else "—"
            lines.append(ctx.t(
                f"样本量提醒：以当前样本，80% 把握能检出的最小差异约为 {_diff(metric, r.mde_80, lang)}，"
                f"大于观测到的 {_diff(metric, r.lift_abs, lang)}；要可靠检出这么大的差异，每组约需 {needed} 人"
                + ("；且有分组购买人数少于 30。" if r.few_buyers else "。"),
                f"Sample-size warning: with these arms the smallest difference detectable with 80% power is "
                f"about {_diff(metric, r.mde_80, lang)}, larger than the observed "
                f"{_diff(metric, r.lift_abs, lang)}; detecting an effect this size needs about {needed} "
                f"customers per arm" + ("; and an arm has fewer than 30 buyers." if r.few_buyers else "."),
            ))
    lines.insert(1, arms_line)
    if incomplete:
        lines.append(ctx.t("注意：部分客户的观察窗口尚未结束，结果可能偏低。",
                           "Note: the window has not ended for some customers yet; rates may still rise."))
    return "\n".join(lines)


def _recommendations(ctx: Context, metric: str, comparison: pd.DataFrame, arms: pd.DataFrame,
                     control: str, campaign: str) -> list[str]:
    lang = ctx.language
    out = []
    holdout_lo, holdout_hi = (round(share * 100) for share in HOLDOUT_SHARE)
    for r in comparison.itertuples():
        extra_buyers = r.extra_buyers if metric != "revenue_per_customer" else None
        if r.verdict == "significant_lift":
            gain = (ctx.t(f"约多带来 {fmt.number(extra_buyers, lang)} 位购买客户",
                          f"about {fmt.number(extra_buyers, lang)} extra buyers")
                    if extra_buyers is not None else
                    ctx.t(f"人均多带来 {fmt.money(r.lift_abs, lang)}",
                          f"{fmt.money(r.lift_abs, lang)} more per customer"))
            out.append(ctx.t(
                f"{r.arm} 相对 {control} 显著有效（{gain}，{_p(r.p_value)}）：可以扩大到同类人群，"
                f"同时保留 {holdout_lo}–{holdout_hi}% 随机对照组持续衡量增量，并核算券成本是否低于增量毛利。",
                f"{r.arm} beats {control} ({gain}, {_p(r.p_value)}): roll it out to similar customers, "
                f"keep a random {holdout_lo}-{holdout_hi}% holdout to keep measuring the increment, and check the "
                f"coupon cost stays below the incremental margin.",
            ))
        elif r.verdict == "significant_drop":
            out.append(ctx.t(f"{r.arm} 表现显著差于 {control}：停止该方案并复盘原因。",
                             f"{r.arm} does significantly worse than {control}: stop it and review why."))
        else:
            needed = fmt.number(r.needed_per_arm, lang) if r.needed_per_arm else "—"
            out.append(ctx.t(
                f"{r.arm} 与 {control} 的差异不显著（{_p(r.p_value)}）：不要据此扩大投放；"
                f"若想检出 {_diff(metric, r.lift_abs, lang)} 的差异，每组约需 {needed} 人，或延长观察窗口。",
                f"{r.arm} vs {control} is not significant ({_p(r.p_value)}): don't scale it on this "
                f"evidence; detecting a {_diff(metric, r.lift_abs, lang)} difference needs about {needed} "
                f"customers per arm, or a longer window.",
            ))
    if metric != "revenue_per_customer":
        out.append(ctx.t(
            f"同时看人均收入：ab_test(campaign_id=\"{campaign}\", metric=\"revenue_per_customer\")，"
            "确认提升的购买率没有被券成本吃掉。",
            f"Check revenue per customer too (metric=\"revenue_per_customer\" for {campaign}) so the higher "
            "rate is not eaten by the coupon cost.",
        ))
    return out
