"""Customer lifetime value: BG/NBD purchase counts × Gamma-Gamma order values, per customer and RFM segment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from tools import btyd, fmt
from tools.context import Context
from tools.fit_rows import FitSample, fit_sample
from tools.registry import tool
from tools.result import ChartSpec, Table, ToolError, ToolResult
from tools.rfm import customer_segments, segment_name

MIN_REPEAT_BUYERS = 30
# Gamma-Gamma assumes spend per transaction is independent of purchase frequency; past this
# absolute Pearson correlation we warn that value forecasts are biased.
GG_CORRELATION_WARNING = 0.3
DISCOUNT_STEP_DAYS = 30


@dataclass(frozen=True)
class ClvFit:
    """The per-customer forecast and the fitted models behind it."""

    customers: pd.DataFrame  # customer_id, frequency, recency, T, monetary_value, p_alive, ...
    bgnbd: btyd.BGNBDParams
    gamma_gamma: btyd.GammaGammaParams
    correlation: float  # frequency vs mean repeat value among repeat buyers
    repeat_buyers: int
    sql: str
    as_of: date
    fit: FitSample  # the customers pulled back for the fit


def summary_frame(ctx: Context, as_of: date, sample: FitSample | None = None) -> tuple[pd.DataFrame, str]:
    """Per-customer frequency/recency/T (days) and mean repeat value, from paid orders up to `as_of`."""
    ctx.warehouse.require_tables("orders")
    sql = btyd.summary_sql(f"DATE '{as_of}'", unit_days=1)
    sql = sample.apply(sql) if sample and sample.sampled else sql + "\nORDER BY customer_id"
    frame = ctx.warehouse.df(sql)
    return frame.drop(columns=["first_day"]), sql


def _not_enough(ctx: Context, repeat: int) -> ToolError:
    return ToolError(
        "not_enough_data",
        f"Only {repeat} customers bought again (need at least {MIN_REPEAT_BUYERS}): there is too little repeat "
        "purchasing to fit a lifetime-value model. Try again when more order history is loaded.",
        f"只有 {repeat} 位客户有复购（至少需要 {MIN_REPEAT_BUYERS} 位），复购数据太少，无法拟合生命周期价值模型。"
        "请导入更长的订单历史后再试。",
    )


def discount_factors(horizon_days: int, rate_annual: float) -> tuple[np.ndarray, np.ndarray]:
    """Step ends (days) and the discount factor at each step's middle, for monthly-discounted CLV."""
    ends = np.unique(np.append(np.arange(DISCOUNT_STEP_DAYS, horizon_days, DISCOUNT_STEP_DAYS), horizon_days))
    mids = (ends + np.concatenate([[0], ends[:-1]])) / 2
    return ends.astype(float), (1 + rate_annual) ** (-mids / 365.0)


def discounted_purchases(params: btyd.BGNBDParams, horizon_days: int, rate_annual: float,
                         x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> np.ndarray:
    """Expected purchases over the horizon, each month's increment weighted by its discount factor."""
    if rate_annual <= 0:
        return btyd.expected_purchases(params, horizon_days, x, t_x, T)
    ends, factors = discount_factors(horizon_days, rate_annual)
    total = np.zeros(x.size)
    previous = np.zeros(x.size)
    for end, factor in zip(ends, factors, strict=True):
        cumulative = btyd.expected_purchases(params, end, x, t_x, T)
        total += factor * (cumulative - previous)
        previous = cumulative
    return total


def fit_clv(ctx: Context, horizon_days: int = 365, discount_rate_annual: float = 0.0,
            as_of: date | None = None) -> ClvFit:
    """Fit both models on paid orders up to `as_of` (default: the last order date) and forecast."""
    as_of = as_of or ctx.warehouse.anchor_date
    sample = fit_sample(ctx)
    frame, sql = summary_frame(ctx, as_of, sample)
    x = frame["frequency"].to_numpy(float)
    t_x = frame["recency"].to_numpy(float)
    T = frame["T"].to_numpy(float)
    m = frame["monetary_value"].to_numpy(float)
    repeat = (x > 0) & (m > 0)
    if int(repeat.sum()) < MIN_REPEAT_BUYERS:
        raise _not_enough(ctx, int(repeat.sum()))
    try:
        bg = btyd.fit_bgnbd(x, t_x, T)
        gg = btyd.fit_gamma_gamma(x[repeat], m[repeat])
    except btyd.ModelFitError as error:
        raise ToolError("not_enough_data", f"The lifetime-value model could not be fitted: {error}.",
                        f"生命周期价值模型无法拟合：{error}。") from None
    correlation = float(np.corrcoef(x[repeat], m[repeat])[0, 1]) if repeat.sum() > 2 else float("nan")
    purchases = btyd.expected_purchases(bg, horizon_days, x, t_x, T)
    weighted = discounted_purchases(bg, horizon_days, discount_rate_annual, x, t_x, T)
    value = btyd.expected_average_value(gg, x, m)
    customers = frame.assign(
        p_alive=btyd.probability_alive(bg, x, t_x, T),
        expected_purchases=purchases,
        expected_order_value=value,
        clv=weighted * value,
    )
    return ClvFit(customers, bg, gg, correlation, int(repeat.sum()), sql, as_of, sample)


def _validate(horizon_days: int, limit: int, discount_rate_annual: float) -> None:
    if not 1 <= horizon_days <= 3650:
        raise ToolError("bad_arguments", "horizon_days must be between 1 and 3650, e.g. 365.",
                        "horizon_days 须在 1 到 3650 之间，例如 365。")
    if not 1 <= limit <= 1000:
        raise ToolError("bad_arguments", "limit must be between 1 and 1000.", "limit 须在 1 到 1000 之间。")
    if not 0 <= discount_rate_annual < 1:
        raise ToolError("bad_arguments", "discount_rate_annual must be at least 0 and below 1, e.g. 0.1 for 10%.",
                        "discount_rate_annual 须 ≥0 且 <1，例如 0.1 表示 10%。")


def _with_segments(ctx: Context, fit: ClvFit) -> tuple[pd.DataFrame, str]:
    """Attach each customer's RFM segment (paid orders, same as-of day)."""
    rfm, rfm_sql, _ = customer_segments(ctx, "rfm")
    names = {key: segment_name("rfm", key, ctx.language) for key in rfm["segment"].unique()}
    merged = fit.customers.merge(rfm[["customer_id", "segment"]], on="customer_id", how="left")
    merged["segment_name"] = merged["segment"].map(names)
    return merged, rfm_sql


def segment_table(customers: pd.DataFrame) -> pd.DataFrame:
    """CLV totals and means per RFM segment, largest total first."""
    grouped = customers.groupby(["segment", "segment_name"], as_index=False).agg(
        customers=("customer_id", "size"),
        clv_total=("clv", "sum"),
        clv_mean=("clv", "mean"),
        expected_purchases=("expected_purchases", "sum"),
        p_alive_mean=("p_alive", "mean"),
    )
    total = float(grouped["clv_total"].sum()) or 1.0
    grouped["clv_share"] = grouped["clv_total"] / total
    grouped["customer_share"] = grouped["customers"] / max(int(grouped["customers"].sum()), 1)
    grouped = grouped.sort_values("clv_total", ascending=False).reset_index(drop=True)
    return grouped.round({"clv_total": 2, "clv_mean": 2, "expected_purchases": 1, "p_alive_mean": 3,
                          "clv_share": 4, "customer_share": 4})


def _top_customers(customers: pd.DataFrame, limit: int) -> pd.DataFrame:
    top = customers.nlargest(limit, "clv")
    columns = {"customer_id": "customer_id", "segment_name": "segment", "frequency": "repeat_purchases",
               "recency": "recency_days", "T": "age_days", "monetary_value": "avg_repeat_value",
               "p_alive": "p_alive", "expected_purchases": "expected_purchases",
               "expected_order_value": "expected_order_value", "clv": "clv"}
    top = top[list(columns)].rename(columns=columns).reset_index(drop=True)
    return top.round({"avg_repeat_value": 2, "p_alive": 3, "expected_purchases": 2, "expected_order_value": 2,
                      "clv": 2})


def _parameter_table(fit: ClvFit) -> pd.DataFrame:
    bg, gg = fit.bgnbd, fit.gamma_gamma
    rows = [("BG/NBD", "r", bg.r), ("BG/NBD", "alpha (days)", bg.alpha), ("BG/NBD", "a", bg.a),
            ("BG/NBD", "b", bg.b), ("Gamma-Gamma", "p", gg.p), ("Gamma-Gamma", "q", gg.q),
            ("Gamma-Gamma", "v", gg.v), ("data", "repeat_buyers", float(fit.repeat_buyers)),
            ("data", "corr(frequency, avg_repeat_value)", fit.correlation)]
    return pd.DataFrame(rows, columns=["model", "parameter", "value"]).round({"value": 4})


@tool
def customer_lifetime_value(
    ctx: Context,
    horizon_days: int = 365,
    limit: int = 20,
    segment: str | None = None,
    discount_rate_annual: float = 0.0,
) -> ToolResult:
    """What will customers be worth? Predicted lifetime value (CLV) per customer and per RFM segment.

    BG/NBD + Gamma-Gamma. Future value; past spend is metric_query or rfm_segments.
    Args:
        horizon_days: forecast horizon in days (default 365).
        limit: top customers listed (default 20).
        segment: only this RFM/cn8/lifecycle segment (e.g. "champions", "重要价值客户"); default all.
        discount_rate_annual: yearly discount rate, 0.1 = 10% (default 0).
    Example: "冠军客户未来一年价值多少？" -> {"segment": "champions"};
        "6-month CLV of our top 10 customers" -> {"horizon_days": 180, "limit": 10}
    """
    _validate(horizon_days, limit, discount_rate_annual)
    fit = fit_clv(ctx, horizon_days, discount_rate_annual)
    customers, rfm_sql = _with_segments(ctx, fit)
    segments = segment_table(customers)
    scope_name = None
    if segment:
        from tools.segment_members import segment_members

        members = segment_members(ctx, segment)
        scope_name = members.name
        customers = customers[customers["customer_id"].isin(members.customers["customer_id"])]
    top = _top_customers(customers, limit)
    figures = _figures(customers)
    return ToolResult(
        answer=_answer(ctx, fit, figures, segments, horizon_days, discount_rate_annual, scope_name)
        + fit.fit.sentence(ctx, len(fit.customers)),
        tables=[Table("top_customers", top), Table("segments", segments),
                Table("parameters", _parameter_table(fit))],
        charts=[ChartSpec("bar", ctx.t(f"各RFM分群未来{horizon_days}天预期价值",
                                       f"Expected value per RFM segment, next {horizon_days} days"),
                          "segments", "segment_name", "clv_total")],
        sql=[fit.sql, rfm_sql],
        params={"horizon_days": horizon_days, "limit": limit, "segment": segment,
                "discount_rate_annual": discount_rate_annual, "as_of": str(fit.as_of),
                "first_forecast_day": str(fit.as_of + timedelta(days=1)), "summary": figures,
                **fit.fit.params(len(fit.customers))},
        recommendations=_recommendations(ctx, fit, figures),
    )


def _model_sentence(ctx: Context, fit: ClvFit) -> str:
    bg, gg = fit.bgnbd, fit.gamma_gamma
    params = (f"BG/NBD r={bg.r:.3f}, alpha={bg.alpha:.1f}, a={bg.a:.3f}, b={bg.b:.3f}; "
              f"Gamma-Gamma p={gg.p:.2f}, q={gg.q:.2f}, v={gg.v:.2f}")
    corr = f"{fit.correlation:.2f}"
    if abs(fit.correlation) >= GG_CORRELATION_WARNING:
        check = ctx.t(f"注意：复购客户的购买次数与客单价相关系数为 {corr}，违反 Gamma-Gamma 的独立性假设，"
                      "预期客单价可能有偏。",
                      f"Caution: purchase frequency and average order value correlate at {corr} among repeat "
                      "buyers, violating the Gamma-Gamma independence assumption; value forecasts may be biased.")
    else:
        check = ctx.t(f"购买次数与客单价相关系数 {corr}，满足 Gamma-Gamma 独立性假设。",
                      f"Frequency and order value correlate at only {corr}, so the Gamma-Gamma assumption holds.")
    return ctx.t(f"模型参数（{fmt.number(fit.repeat_buyers, 'zh')} 位复购客户）：{params}。{check}",
                 f"Model ({fmt.number(fit.repeat_buyers, 'en')} repeat buyers): {params}. {check}")


TOP_SHARE = 0.1  # "the top 10% of customers"
WIN_BACK_MIN_REPEATS, WIN_BACK_P_ALIVE = 2, 0.5
SECOND_PURCHASE_DAYS = 30


def _figures(scope: pd.DataFrame) -> dict[str, Any]:
    """Every figure the answer and the recommendations cite, computed once and kept in the params."""
    total, n = float(scope["clv"].sum()), len(scope)
    # BG/NBD counts single-purchase customers as alive for sure, so average over repeat buyers.
    repeaters = scope.loc[scope["frequency"] > 0, "p_alive"]
    ranked = np.sort(scope["clv"].to_numpy())[::-1]
    k = max(int(np.ceil(ranked.size * TOP_SHARE)), 1)
    fading = scope[(scope["frequency"] >= WIN_BACK_MIN_REPEATS) & (scope["p_alive"] < WIN_BACK_P_ALIVE)]
    one_timers = scope[scope["frequency"] == 0]
    return {
        "customers": n, "clv_total": round(total, 2), "clv_mean": round(total / n, 2) if n else None,
        "expected_purchases": round(float(scope["expected_purchases"].sum()), 1),
        "p_alive_repeat_mean": round(float(repeaters.mean()), 4) if len(repeaters) else None,
        "top": {"share_of_customers": TOP_SHARE, "customers": k,
                "value_share": round(float(ranked[:k].sum() / ranked.sum()), 4) if ranked.sum() > 0 else None},
        "win_back": {"min_repeats": WIN_BACK_MIN_REPEATS, "p_alive_below": WIN_BACK_P_ALIVE,
                     "customers": len(fading),
                     "past_repeat_spend": round(float((fading["monetary_value"] * fading["frequency"]).sum()), 2)},
        "single_purchase": {"customers": len(one_timers), "all_customers": n,
                            "all_clv_mean": round(total / n, 2) if n else None,
                            "clv_mean": round(float(one_timers["clv"].mean()), 2) if len(one_timers) else None,
                            "within_days": SECOND_PURCHASE_DAYS},
    }


def _answer(ctx: Context, fit: ClvFit, figures: dict[str, Any], segments: pd.DataFrame, horizon: int,
            rate: float, scope_name: str | None) -> str:
    lang = ctx.language
    total, n, mean = figures["clv_total"], figures["customers"], figures["clv_mean"]
    purchases, alive = figures["expected_purchases"], figures["p_alive_repeat_mean"]
    top = segments.iloc[0]
    discount = ctx.t(f"（按年折现率 {fmt.percent(rate)} 折现）", f" (discounted at {fmt.percent(rate)} a year)") \
        if rate > 0 else ""
    who_zh = f"{scope_name}的 " if scope_name else ""
    who_en = f"{scope_name} " if scope_name else ""
    head = ctx.t(
        f"截至 {fit.as_of}，{who_zh}{fmt.number(n, lang)} 位客户未来 {horizon} 天的预期总价值为 "
        f"{fmt.money(total, lang)}{discount}，人均 {fmt.money(mean, lang)}；预计 {fmt.number(purchases, lang)} 次购买，"
        f"复购客户平均仍活跃概率 {fmt.percent(alive)}。"
        f"价值最高的分群是{top['segment_name']}：占预期价值的 {fmt.percent(top['clv_share'])}"
        f"（{fmt.money(top['clv_total'], lang)}），仅占客户的 {fmt.percent(top['customer_share'])}。",
        f"As of {fit.as_of}, the {fmt.number(n, lang)} {who_en}customers are expected to bring "
        f"{fmt.money(total, lang)} over the next {horizon} days{discount}, {fmt.money(mean, lang)} per customer, "
        f"from {fmt.number(purchases, lang)} expected purchases; repeat buyers are still active with probability "
        f"{fmt.percent(alive)} on average. The most valuable segment is {top['segment_name']}: "
        f"{fmt.percent(top['clv_share'])} of expected value ({fmt.money(top['clv_total'], lang)}) from "
        f"{fmt.percent(top['customer_share'])} of customers.",
    )
    return head + " " + _model_sentence(ctx, fit) if lang == "en" else head + _model_sentence(ctx, fit)


def _recommendations(ctx: Context, fit: ClvFit, figures: dict[str, Any]) -> list[str]:
    out = [line for line in (_keep_top(ctx, figures["top"]), _win_back(ctx, figures["win_back"]),
                             _second_purchase(ctx, figures["single_purchase"])) if line]
    if abs(fit.correlation) >= GG_CORRELATION_WARNING:
        out.append(ctx.t(
            f"购买次数与客单价相关（{fit.correlation:.2f}），预期价值仅作排序参考，金额请结合历史客单价复核。",
            f"Frequency and order value correlate ({fit.correlation:.2f}): use the CLV ranking, but check the "
            "amounts against historical order values."))
    return out


def _keep_top(ctx: Context, top: dict[str, Any]) -> str | None:
    if top["value_share"] is None:
        return None
    share, people = fmt.percent(top["value_share"]), fmt.number(top["customers"], ctx.language)
    part = fmt.percent(top["share_of_customers"])
    return ctx.t(
        f"前 {part} 的客户（{people} 人）贡献预期价值的 {share}：为他们设专属客服与会员权益，优先保留。",
        f"The top {part} of customers ({people}) hold {share} of expected value: give them dedicated service "
        "and member perks to keep them.")


def _win_back(ctx: Context, fading: dict[str, Any]) -> str | None:
    """Valuable in the past, probably gone now: the win-back list."""
    if not fading["customers"]:
        return None
    people = fmt.number(fading["customers"], ctx.language)
    past = fmt.money(fading["past_repeat_spend"], ctx.language)
    repeats, below = fading["min_repeats"], fmt.percent(fading["p_alive_below"])
    return ctx.t(
        f"{people} 位曾复购 {repeats} 次以上的客户仍活跃概率已低于 {below}（历史复购金额 {past}），"
        "适合定向召回（优惠券/专属推送），先从高客单价者开始。",
        f"{people} customers with {repeats}+ repeat purchases now have P(alive) below {below} "
        f"(past repeat spend {past}): target them with a win-back coupon, highest spenders first.")


def _second_purchase(ctx: Context, single: dict[str, Any]) -> str | None:
    if not single["customers"] or single["customers"] == single["all_customers"]:
        return None
    lang = ctx.language
    people, days = fmt.number(single["customers"], lang), single["within_days"]
    theirs, everyone = fmt.money(single["clv_mean"], lang), fmt.money(single["all_clv_mean"], lang)
    return ctx.t(
        f"{people} 位只买过一天的客户人均预期价值 {theirs}（全体人均 {everyone}）：用首购后 {days} 天内的复购激励"
        "推动第二次购买。",
        f"{people} single-purchase customers are worth {theirs} each on average (all customers: {everyone}): "
        f"a second-purchase incentive within {days} days of the first order moves them up.")
