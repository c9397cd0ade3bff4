"""churn_risk: per-customer churn probability, validated on a time split, with the reasons behind it.

Definitions (paid statuses from data/metrics.yaml: 'paid', 'refunded'):
  cutoff c     a date; behaviour on or before c is "before", (c, c + H] is "after" (H = horizon_days)
  population   customers with at least one paid order on or before c
  churned      1 when a customer of the population has no paid order in (c, c + H]

Model: logistic regression on standardized features. It is chosen over gradient boosting because
each customer's reasons are then exact and additive (coefficient x standardized value), the scores
come out reasonably calibrated without a separate calibration step, and it fits 20k rows in
milliseconds. Time split, with anchor A = last order date:
  train      features as of c1 = A - 2H, labels from (c1, c1 + H]
  validate   features as of c2 = A - H, labels from (c2, A]: AUC, Brier score, calibration deciles
  score      refit on c2 (the most recent labelled period), features as of A
Without an events table the score is 1 - BG/NBD P(alive) from purchases only (tools/btyd.py),
validated the same way; P(alive) is reported as a column in both cases.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, roc_auc_score
from sklearn.preprocessing import StandardScaler

from tools import catalog, definitions, fmt
from tools.context import Context
from tools.fit_cache import cached_fit
from tools.fit_rows import FitSample, fit_sample
from tools.registry import tool
from tools.result import ChartSpec, Table, ToolError, ToolResult

PAID = "'paid', 'refunded'"
MIN_CUSTOMERS = 200  # per cutoff, and at least MIN_CLASS of each outcome to learn from
MIN_CLASS = 20
BANDS = ((0.7, "high"), (0.4, "medium"), (0.0, "low"))
BAND_NAMES = {"high": ("高风险", "high"), "medium": ("中风险", "medium"), "low": ("低风险", "low")}
ENGAGEMENT = {"enter_live": "entries", "product_click": "clicks", "add_to_cart": "carts"}

# Model inputs built from the raw features; counts and money are log-transformed (heavy tails).
PURCHASE_FEATURES = ["log_recency", "log_orders", "log_spend", "log_tenure", "trend", "refund_share",
                     "log_avg_gap", "log_gap_ratio", "single_purchase"]
GAP_FEATURES = {"log_avg_gap", "log_gap_ratio"}
EVENT_FEATURES = [f"log_{name}_{days}d" for name in ENGAGEMENT.values() for days in (30, 90)]

# feature -> (zh, en) reason when the value pushes the risk up; {v} is the customer's raw value.
REASONS_HIGH: dict[str, tuple[str, str]] = {
    "log_recency": ("已 {recency_days} 天未购买", "no purchase for {recency_days} days"),
    "log_tenure": ("老客（首购距今 {tenure_days} 天）", "customer for {tenure_days} days"),
    "log_orders": ("购买次数多（{orders} 单）", "many orders ({orders})"),
    "log_spend": ("累计消费高（{spend}）", "high total spend ({spend})"),
    "trend": ("近90天下单比前90天多", "more orders in the last 90 days than the 90 before"),
    "refund_share": ("退款占比高（{refund_share}）", "high refund share ({refund_share})"),
    "log_avg_gap": ("平时购买间隔长（约 {avg_gap_days} 天）",
                    "long usual gap between purchases (~{avg_gap_days} days)"),
    "log_gap_ratio": ("未购天数已是其平均间隔的 {gap_ratio} 倍",
                      "silent for {gap_ratio}x their usual gap"),
    "single_purchase": ("只买过一次", "bought only once"),
}
REASONS_LOW: dict[str, tuple[str, str]] = {
    "log_recency": ("刚购买不久（{recency_days} 天前）", "bought recently ({recency_days} days ago)"),
    "log_tenure": ("新客（首购距今 {tenure_days} 天）", "new customer ({tenure_days} days)"),
    "log_orders": ("购买次数少（{orders} 单）", "few orders ({orders})"),
    "log_spend": ("累计消费低（{spend}）", "low total spend ({spend})"),
    "trend": ("下单在减少（近90天 {orders_90d} 单，之前90天 {orders_prev_90d} 单）",
              "orders falling ({orders_90d} in the last 90 days vs {orders_prev_90d} before)"),
    "refund_share": ("几乎没有退款", "hardly any refunds"),
    "log_avg_gap": ("平时购买间隔短（约 {avg_gap_days} 天）", "short usual gap (~{avg_gap_days} days)"),
    "log_gap_ratio": ("未购天数仍在其平均间隔内", "still within their usual gap"),
    "single_purchase": ("有复购", "has bought more than once"),
}
for _name, _days in [(n, d) for n in ENGAGEMENT.values() for d in (30, 90)]:
    _zh = {"entries": "进直播间", "clicks": "点商品", "carts": "加购"}[_name]
    _en = {"entries": "live-room entries", "clicks": "product clicks", "carts": "add-to-carts"}[_name]
    REASONS_HIGH[f"log_{_name}_{_days}d"] = (f"近{_days}天{_zh}较多（{{{_name}_{_days}d}} 次）",
                                             f"many {_en} in the last {_days} days ({{{_name}_{_days}d}})")
    REASONS_LOW[f"log_{_name}_{_days}d"] = (f"近{_days}天{_zh}少（{{{_name}_{_days}d}} 次）",
                                            f"few {_en} in the last {_days} days ({{{_name}_{_days}d}})")


def features_sql(cutoff: date, horizon_days: int, with_events: bool) -> str:
    """One row per customer who bought on or before `cutoff`: raw features as of the cutoff and
    `churned` (no paid order in (cutoff, cutoff + horizon]; NULL when that period is not observed)."""
    c = f"DATE '{cutoff}'"
    end = f"DATE '{cutoff + timedelta(days=horizon_days)}'"
    events_cte, events_cols, events_join = "", "", ""
    if with_events:
        counts = ",\n    ".join(
            f"count(*) FILTER (WHERE event_type = '{etype}' AND day > {c} - {days}) AS {name}_{days}d"
            for etype, name in ENGAGEMENT.items() for days in (30, 90))
        types = ", ".join(f"'{t}'" for t in ENGAGEMENT)
        events_cte = f""",
ev AS (
  SELECT customer_id,
    {counts}
  FROM (SELECT customer_id, event_type, CAST(event_time AS DATE) AS day FROM events
        WHERE event_type IN ({types})) e
  WHERE day > {c} - 90 AND day <= {c}
  GROUP BY customer_id
)"""
        events_cols = "".join(f",\n  coalesce(ev.{name}_{days}d, 0) AS {name}_{days}d"
                              for name in ENGAGEMENT.values() for days in (30, 90))
        events_join = "LEFT JOIN ev USING (customer_id)"
    return f"""WITH o AS (
  SELECT customer_id, CAST(order_time AS DATE) AS day, status, pay_amount
  FROM orders WHERE status IN ({PAID}) AND CAST(order_time AS DATE) <= {end}
),
before AS (
  SELECT customer_id,
    date_diff('day', max(day), {c}) AS recency_days,
    date_diff('day', min(day), {c}) AS tenure_days,
    count(*) AS orders,
    round(sum(pay_amount), 2) AS spend,
    count(*) FILTER (WHERE day > {c} - 90) AS orders_90d,
    count(*) FILTER (WHERE day > {c} - 180 AND day <= {c} - 90) AS orders_prev_90d,
    count(*) FILTER (WHERE status = 'refunded') / count(*) AS refund_share,
    count(DISTINCT day) - 1 AS repeat_days,
    date_diff('day', min(day), max(day)) AS active_span_days,
    min(day) AS first_purchase, max(day) AS last_purchase,
    round(coalesce(sum(pay_amount) FILTER (WHERE day > {c} - 365), 0), 2) AS spend_365d
  FROM o WHERE day <= {c}
  GROUP BY customer_id
),
after AS (
  SELECT DISTINCT customer_id FROM o WHERE day > {c} AND day <= {end}
){events_cte}
SELECT before.*,
  CASE WHEN repeat_days > 0 THEN active_span_days / repeat_days END AS avg_gap_days,
  CASE WHEN {end} > (SELECT max(order_time)::DATE FROM orders) THEN NULL
       WHEN after.customer_id IS NULL THEN 1 ELSE 0 END AS churned{events_cols}
FROM before LEFT JOIN after USING (customer_id) {events_join}
ORDER BY customer_id"""


@dataclass
class Design:
    """Model inputs with the imputations learnt on the training frame (applied as-is elsewhere)."""

    features: list[str]
    median_gap: float

    def matrix(self, frame: pd.DataFrame) -> pd.DataFrame:
        gap = frame["avg_gap_days"].astype(float).fillna(self.median_gap).clip(lower=1)
        x = pd.DataFrame({
            "log_recency": np.log1p(frame["recency_days"].astype(float)),
            "log_orders": np.log1p(frame["orders"].astype(float)),
            "log_spend": np.log1p(frame["spend"].astype(float)),
            "log_tenure": np.log1p(frame["tenure_days"].astype(float)),
            "trend": np.log1p(frame["orders_90d"].astype(float)) - np.log1p(frame["orders_prev_90d"].astype(float)),
            "refund_share": frame["refund_share"].astype(float),
            "log_avg_gap": np.log(gap),
            "log_gap_ratio": np.log1p(frame["recency_days"].astype(float) / gap),
            "single_purchase": (frame["repeat_days"] == 0).astype(float),
        }, index=frame.index)
        for name in EVENT_FEATURES:
            x[name] = np.log1p(frame[name[4:]].astype(float))
        return x[self.features]


@dataclass
class Model:
    design: Design
    scaler: StandardScaler
    logit: LogisticRegression

    def z(self, frame: pd.DataFrame) -> np.ndarray:
        return self.scaler.transform(self.design.matrix(frame).to_numpy())

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        return self.logit.predict_proba(self.z(frame))[:, 1]

    def contributions(self, frame: pd.DataFrame) -> np.ndarray:
        return self.z(frame) * self.logit.coef_[0]


def fit_model(frame: pd.DataFrame, with_events: bool) -> Model:
    features = PURCHASE_FEATURES + (EVENT_FEATURES if with_events else [])
    gaps = frame["avg_gap_days"].dropna().astype(float)
    design = Design(features, float(gaps.median()) if len(gaps) else 30.0)
    x = design.matrix(frame).to_numpy()
    scaler = StandardScaler().fit(x)
    # Newton steps converge in a few iterations even with the correlated engagement counts.
    logit = LogisticRegression(C=1.0, solver="newton-cholesky", max_iter=200)
    logit.fit(scaler.transform(x), frame["churned"].astype(int))
    return Model(design, scaler, logit)


def p_alive(frame: pd.DataFrame) -> np.ndarray:
    """BG/NBD P(alive) at the frame's cutoff; fitted on the frame itself (no labels used).

    Time is in weeks; the fit uses whole weeks, which collapses the likelihood onto far fewer
    distinct (x, t_x, T) rows (seconds -> a fraction of one on 20k customers), and P(alive) is then
    evaluated on the exact day counts / 7."""
    try:
        from tools.btyd import ModelFitError, fit_bgnbd, probability_alive
    except ImportError:  # pragma: no cover - btyd.py is written alongside this module
        raise ToolError("tool_unavailable", "The BG/NBD model (tools/btyd.py) is not available.",
                        "BG/NBD 模型（tools/btyd.py）不可用。") from None
    x = frame["repeat_days"].to_numpy(float)
    t_x = frame["active_span_days"].to_numpy(float) / 7
    age = frame["tenure_days"].to_numpy(float) / 7
    try:
        params = fit_bgnbd(x, np.floor(t_x), np.floor(age), penalizer=0.001)
    except ModelFitError as error:
        raise ToolError("not_enough_history", f"The BG/NBD model could not be fitted: {error}.",
                        f"BG/NBD 模型无法拟合：{error}。") from None
    return probability_alive(params, x, t_x, age)


def _check_history(ctx: Context, frame: pd.DataFrame, cutoff: date, horizon: int) -> None:
    counts = frame["churned"].value_counts()
    if len(frame) >= MIN_CUSTOMERS and counts.get(0, 0) >= MIN_CLASS and counts.get(1, 0) >= MIN_CLASS:
        return
    first = ctx.warehouse.first_date
    raise ToolError(
        "not_enough_history",
        f"Too little history for a {horizon}-day churn model: it needs buyers before {cutoff} and "
        f"both outcomes afterwards (at least {MIN_CUSTOMERS} customers, {MIN_CLASS} who returned and "
        f"{MIN_CLASS} who did not); the data starts {first} and has {len(frame)} such customers. "
        "Try a shorter horizon_days.",
        f"历史数据不足，无法建立 {horizon} 天流失模型：需要 {cutoff} 之前的买家，以及之后两种结果都有"
        f"（至少 {MIN_CUSTOMERS} 位客户，回购和未回购各至少 {MIN_CLASS} 位）；数据从 {first} 开始，"
        f"符合条件的客户只有 {len(frame)} 位。可以试试更短的 horizon_days。",
    )


def calibration_table(predicted: np.ndarray, observed: np.ndarray) -> pd.DataFrame:
    """Deciles of the predicted probability: mean predicted vs observed churn rate."""
    frame = pd.DataFrame({"p": predicted, "y": observed})
    frame["decile"] = pd.qcut(frame["p"].rank(method="first"), 10, labels=range(1, 11)).astype(int)
    table = frame.groupby("decile").agg(customers=("y", "size"), predicted=("p", "mean"),
                                        observed=("y", "mean")).reset_index()
    table["predicted"] = table["predicted"].round(4)
    table["observed"] = table["observed"].round(4)
    return table


def _band(p: float) -> str:
    return next(name for low, name in BANDS if p >= low)


def _values(row: pd.Series, lang: str) -> dict[str, Any]:
    values: dict[str, Any] = {
        "recency_days": int(row["recency_days"]), "tenure_days": int(row["tenure_days"]),
        "orders": int(row["orders"]), "spend": fmt.money(row["spend"], lang),
        "orders_90d": int(row["orders_90d"]), "orders_prev_90d": int(row["orders_prev_90d"]),
        "refund_share": fmt.percent(row["refund_share"]),
        "avg_gap_days": fmt.number(row["avg_gap_days"], lang),
        "gap_ratio": fmt.number(row["recency_days"] / row["avg_gap_days"], lang, 1)
        if pd.notna(row["avg_gap_days"]) and row["avg_gap_days"] > 0 else "—",
    }
    for name in EVENT_FEATURES:
        if name[4:] in row:
            values[name[4:]] = int(row[name[4:]])
    return values


def reasons(model: Model, frame: pd.DataFrame, lang: str, top: int = 3) -> list[str]:
    """Plain-words reasons per row: the features whose coefficient x standardized value raise the
    risk the most (only positive contributions; 'why is this customer above average')."""
    contrib = model.contributions(frame)
    z = model.z(frame)
    names = model.design.features
    out = []
    for i, (_, row) in enumerate(frame.iterrows()):
        values = _values(row, lang)
        texts: list[str] = []
        seen: set[str] = set()
        for j in np.argsort(-contrib[i]):
            family = names[j].removesuffix("_30d").removesuffix("_90d")
            if contrib[i, j] <= 0 or len(texts) == top:
                break
            # A one-time buyer's usual gap is imputed: not a reason to show them.
            if family in seen or (row["repeat_days"] == 0 and family in GAP_FEATURES):
                continue
            if family == "trend" and (row["orders_90d"] < row["orders_prev_90d"]) != (z[i, j] < 0):
                continue  # below-average trend without an actual fall: nothing to say
            seen.add(family)
            zh, en = (REASONS_HIGH if z[i, j] > 0 else REASONS_LOW)[names[j]]
            texts.append((zh if lang == "zh" else en).format(**values))
        out.append(("；" if lang == "zh" else "; ").join(texts))
    return out


@dataclass
class Validation:
    method: str  # "logistic" | "bgnbd"
    auc: float
    brier: float
    base_rate: float
    n: int
    auc_repeat_buyers: float  # among customers with 2+ purchase days (BG/NBD's blind spot is the rest)
    predicted: pd.DataFrame  # customer_id, churn_probability, churned (validation cutoff)


def _validate(customers: pd.DataFrame, p: np.ndarray, method: str) -> Validation:
    y = customers["churned"].astype(int).to_numpy()
    predicted = pd.DataFrame({"customer_id": customers["customer_id"].to_numpy(),
                              "churn_probability": p, "churned": y})
    repeat = customers["repeat_days"].to_numpy() > 0
    auc_repeat = (float(roc_auc_score(y[repeat], p[repeat])) if len(set(y[repeat])) == 2 else float("nan"))
    return Validation(method, float(roc_auc_score(y, p)), float(brier_score_loss(y, p)),
                      float(y.mean()), len(y), auc_repeat, predicted)


@dataclass(frozen=True)
class ChurnScores:
    """Every current customer scored, with the validation behind the scores."""

    now: pd.DataFrame  # features as of the anchor + p_alive, churn_probability, risk_band
    validation: Validation
    model: Model | None  # None: the score is 1 - BG/NBD P(alive) (no events table)
    train_base_rate: float
    sqls: list[str]
    cutoffs: tuple[date, date, date]  # train, validation, scored-as-of
    fit: FitSample  # the customers pulled back for the fit


def score_customers(ctx: Context, horizon_days: int = 90) -> ChurnScores:
    """Train, validate and score (cached per dataset version: customer lookups reuse it)."""
    return cached_fit(ctx, "churn", horizon_days, lambda: _score_customers(ctx, horizon_days))


def _score_customers(ctx: Context, horizon_days: int) -> ChurnScores:
    wh = ctx.warehouse
    wh.require_tables("orders")
    with_events = wh.has_table("events")
    anchor = wh.anchor_date
    cut1, cut2 = anchor - timedelta(days=2 * horizon_days), anchor - timedelta(days=horizon_days)
    sample = fit_sample(ctx)
    sqls = [sample.apply(features_sql(day, horizon_days, with_events)) for day in (cut1, cut2, anchor)]
    train, valid, now = (wh.df(sql) for sql in sqls)
    _check_history(ctx, train, cut1, horizon_days)
    _check_history(ctx, valid, cut2, horizon_days)

    now["p_alive"] = p_alive(now)
    if with_events:
        validation = _validate(valid, fit_model(train, True).predict(valid), "logistic")
        model: Model | None = fit_model(valid, True)  # refit on the latest labelled period
        now["churn_probability"] = model.predict(now)
    else:
        validation = _validate(valid, 1 - p_alive(valid), "bgnbd")
        model = None
        now["churn_probability"] = 1 - now["p_alive"]
    now["risk_band"] = now["churn_probability"].map(_band)
    return ChurnScores(now, validation, model, float(train["churned"].mean()), sqls, (cut1, cut2, anchor), sample)



@tool
def churn_risk(
    ctx: Context,
    limit: int = 20,
    horizon_days: int = 90,
    segment: str | None = None,
) -> ToolResult:
    """Which customers are likely to churn? Per-customer churn probability with reasons and revenue at stake.

    A validated prediction. Stage counts by recency rules: lifecycle_stages; RFM groups: rfm_segments.
    Args:
        limit: riskiest customers listed (default 20).
        horizon_days: churn = no paid order within this many days (default 90; 14-365).
        segment: only this RFM/cn8/lifecycle segment (key or name, e.g. "at_risk", "重要保持客户"); default all.
    Example: "哪些重要价值客户可能流失？" -> {"segment": "重要价值客户"};
        "Who may churn in the next 30 days?" -> {"horizon_days": 30}
    """
    if not 1 <= limit <= 1000:
        raise ToolError("bad_arguments", "limit must be between 1 and 1000.", "limit 必须在 1 到 1000 之间。")
    if not 14 <= horizon_days <= 365:
        raise ToolError("bad_arguments", "horizon_days must be between 14 and 365.",
                        "horizon_days 必须在 14 到 365 之间。")
    scores = score_customers(ctx, horizon_days)
    validation, model, sqls = scores.validation, scores.model, scores.sqls
    (cut1, cut2, anchor), train_rate = scores.cutoffs, scores.train_base_rate
    with_events = model is not None
    now = scores.now.copy()
    scored, segment_label, segment_sql = _attach_segments(ctx, now, segment)
    riskiest = _riskiest(ctx, scored, model, limit)
    bands = _bands(ctx, scored, horizon_days)
    calibration = calibration_table(validation.predicted["churn_probability"].to_numpy(),
                                    validation.predicted["churned"].to_numpy())
    val_table = pd.DataFrame([{
        "method": validation.method, "auc": round(validation.auc, 4),
        "auc_repeat_buyers": round(validation.auc_repeat_buyers, 4), "brier": round(validation.brier, 4),
        "base_rate": round(validation.base_rate, 4),
        "train_base_rate": round(train_rate, 4),
        "mean_predicted": round(float(validation.predicted["churn_probability"].mean()), 4), "n": validation.n,
        "train_cutoff": str(cut1), "validation_cutoff": str(cut2), "scored_as_of": str(anchor),
        "horizon_days": horizon_days}])
    lang = ctx.language
    high_risk_segments = _high_risk_segments(scored)
    return ToolResult(
        answer=_answer(ctx, validation, scored, bands, riskiest, horizon_days, segment_label, (cut1, cut2, anchor),
                       train_rate) + scores.fit.sentence(ctx, len(scores.now)),
        tables=[Table("riskiest", riskiest), Table("risk_bands", bands), Table("validation", val_table),
                Table("calibration", calibration),
                Table("validation_predictions", validation.predicted)],
        charts=[
            ChartSpec("bar", ctx.t("各风险档客户数", "Customers per risk band"), "risk_bands", "band_name",
                      "customers"),
            ChartSpec("line", ctx.t("校准：预测 vs 实际流失率（按十分位）",
                                    "Calibration: predicted vs observed churn by decile"),
                      "calibration", "predicted", "observed"),
        ],
        sql=[*sqls, segment_sql],
        params={"limit": limit, "horizon_days": horizon_days, "segment": segment,
                "method": validation.method, "model": "logistic regression refit on validation cutoff"
                if with_events else "BG/NBD P(alive)",
                "cutoffs": {"train": str(cut1), "validation": str(cut2), "scored": str(anchor)},
                "band_thresholds": {key: low for low, key in BANDS},
                "high_risk_segments": high_risk_segments, **scores.fit.params(len(scores.now))},
        recommendations=_recommendations(ctx, bands, high_risk_segments, lang),
        definitions=[_churn_definition(ctx, horizon_days),
                     *definitions.segments("rfm", lang, list(high_risk_segments))],
    )


def _attach_segments(ctx: Context, now: pd.DataFrame, segment: str | None
                     ) -> tuple[pd.DataFrame, str | None, str]:
    """Add the current RFM segment; keep only `segment`'s members when one is asked for."""
    from tools.rfm import customer_segments, segment_name

    rfm, sql, _ = customer_segments(ctx, "rfm")
    names = {key: segment_name("rfm", key, ctx.language) for key in catalog.segments("rfm")}
    seg = rfm[["customer_id", "segment"]].rename(columns={"segment": "rfm_segment"})
    scored = now.merge(seg, on="customer_id", how="left")
    scored["rfm_segment_name"] = scored["rfm_segment"].map(names)
    if segment is None:
        return scored, None, sql
    from tools.segment_members import segment_members

    members = segment_members(ctx, segment)
    scored = scored[scored["customer_id"].isin(members.customers["customer_id"])].reset_index(drop=True)
    return scored, members.name, members.sql


def _riskiest(ctx: Context, scored: pd.DataFrame, model: Model | None, limit: int) -> pd.DataFrame:
    top = scored.sort_values(["churn_probability", "spend_365d"], ascending=[False, False]).head(limit)
    top = top.reset_index(drop=True)
    if model is not None:
        why = reasons(model, top, ctx.language)
    else:
        why = [_bgnbd_reason(ctx, row) for _, row in top.iterrows()]
    return pd.DataFrame({
        "customer_id": top["customer_id"],
        "churn_probability": top["churn_probability"].round(4),
        "p_alive": top["p_alive"].round(4),
        "risk_band": top["risk_band"],
        "reasons": why,
        "last_purchase": top["last_purchase"].astype(str),
        "recency_days": top["recency_days"],
        "orders": top["orders"],
        "spend": top["spend"],
        "spend_365d": top["spend_365d"],
        "rfm_segment": top["rfm_segment"],
        "rfm_segment_name": top["rfm_segment_name"],
    })


def _bgnbd_reason(ctx: Context, row: pd.Series) -> str:
    lang = ctx.language
    v = _values(row, lang)
    parts = [ctx.t(REASONS_HIGH["log_recency"][0], REASONS_HIGH["log_recency"][1]).format(**v)]
    if v["gap_ratio"] != "—":
        parts.append(ctx.t(REASONS_HIGH["log_gap_ratio"][0], REASONS_HIGH["log_gap_ratio"][1]).format(**v))
    parts.append(ctx.t(f"购买 {v['orders']} 单", f"{v['orders']} orders so far"))
    return ("；" if lang == "zh" else "; ").join(parts)


def _bands(ctx: Context, scored: pd.DataFrame, horizon: int) -> pd.DataFrame:
    """Counts and money per band; `already_lapsed` = no purchase for more than the horizon already,
    `recent` = bought within it (still reachable: the ones to act on first)."""
    rows = []
    total = max(len(scored), 1)
    for _, key in BANDS:
        part = scored[scored["risk_band"] == key]
        recent = part[part["recency_days"] <= horizon]
        rows.append({"band": key, "band_name": ctx.t(*BAND_NAMES[key]), "customers": len(part),
                     "share": round(len(part) / total, 4),
                     "already_lapsed": int(len(part) - len(recent)), "recent": len(recent),
                     "recent_revenue_365d": round(float(recent["spend_365d"].sum()), 2),
                     "avg_churn_probability": round(float(part["churn_probability"].mean()), 4) if len(part) else None,
                     "revenue_365d_at_stake": round(float(part["spend_365d"].sum()), 2),
                     "expected_revenue_lost": round(float((part["spend_365d"] * part["churn_probability"]).sum()), 2)})
    return pd.DataFrame(rows)


def _answer(ctx: Context, v: Validation, scored: pd.DataFrame, bands: pd.DataFrame, riskiest: pd.DataFrame,
            horizon: int, segment_label: str | None, cutoffs: tuple[date, date, date], train_rate: float) -> str:
    lang = ctx.language
    high = bands.iloc[0]
    who = ctx.t(f"{segment_label}中", f"in {segment_label}, ") if segment_label else ""
    n_now = fmt.number(len(scored), lang)
    if v.method == "logistic":
        how = ctx.t(
            f"流失 = 未来 {horizon} 天没有支付订单。模型为逻辑回归（购买行为 + 直播间互动），"
            f"用 {cutoffs[0]} 之前的行为训练，在 {cutoffs[1]} 之后 {horizon} 天的真实结果上验证：",
            f"Churn = no paid order in the next {horizon} days. Logistic regression on purchase behaviour and "
            f"live-room engagement, trained on behaviour up to {cutoffs[0]} and validated on what happened in "
            f"the {horizon} days after {cutoffs[1]}: ")
    else:
        how = ctx.t(
            f"该数据集没有事件表（events），因此风险分数为 BG/NBD 模型的 P(alive)（仅基于购买记录），"
            f"流失风险 = 1 − P(alive)；流失 = 未来 {horizon} 天没有支付订单，在 {cutoffs[1]} 之后的真实结果上验证：",
            f"This dataset has no events table, so the score is the BG/NBD P(alive) based on purchases only, "
            f"and the churn risk is 1 − P(alive); churn = no paid order in the next {horizon} days, validated "
            f"on what happened after {cutoffs[1]}: ")
    quality = ctx.t(
        f"AUC {fmt.decimal(v.auc, 3)}，Brier 分数 {fmt.decimal(v.brier, 3)}，实际流失率 {fmt.percent(v.base_rate)}"
        f"（{fmt.number(v.n, lang)} 位客户）。",
        f"AUC {fmt.decimal(v.auc, 3)}, Brier score {fmt.decimal(v.brier, 3)}, observed churn rate "
        f"{fmt.percent(v.base_rate)} "
        f"({fmt.number(v.n, lang)} customers).")
    mean_p = float(v.predicted["churn_probability"].mean())
    off = mean_p < v.base_rate - 0.05 or mean_p > v.base_rate + 0.05
    quality += ctx.t(
        f"校准：平均预测 {fmt.percent(mean_p)}，实际 {fmt.percent(v.base_rate)}，训练期流失率 {fmt.percent(train_rate)}"
        + ("；两者有差距，概率宜看作排序。" if off else "，基本一致。"),
        f" Calibration: {fmt.percent(mean_p)} predicted on average vs {fmt.percent(v.base_rate)} observed "
        f"({fmt.percent(train_rate)} in the training period)"
        + ("; they differ, so read the probabilities as a ranking." if off else ", close."))
    if v.method == "bgnbd":
        quality += ctx.t(
            f"注意：BG/NBD 认为只买过一次的客户 P(alive) = 1，因此整体 AUC 偏低；在复购客户中 AUC 为 "
            f"{fmt.decimal(v.auc_repeat_buyers, 3)}。1 − P(alive) 是“已不再活跃”的概率，"
            f"不是校准过的 {horizon} 天流失概率，请参考校准表。",
            f" Note: BG/NBD gives one-time buyers P(alive) = 1 by construction, which drags the overall AUC "
            f"down; among repeat buyers the AUC is "
            f"{fmt.decimal(v.auc_repeat_buyers, 3)}. 1 − P(alive) is the probability of "
            f"having dropped out, not a calibrated {horizon}-day churn probability; see the calibration table.")
    top = riskiest.iloc[0] if len(riskiest) else None
    head = ctx.t(
        f"{who}{n_now} 位客户中，{fmt.number(high['customers'], lang)} 位属于高风险（流失概率 ≥ 70%，"
        f"占 {fmt.percent(high['share'])}），他们近12个月消费 {fmt.money(high['revenue_365d_at_stake'], lang)}。",
        f"{who}{fmt.number(high['customers'], lang)} of {n_now} customers are high risk (churn probability "
        f"≥ 70%, {fmt.percent(high['share'])}); they spent {fmt.money(high['revenue_365d_at_stake'], lang)} "
        f"in the last 12 months. ")
    tail = ""
    if top is not None:
        tail = ctx.t(f"风险最高的客户 {top['customer_id']}（流失概率 {fmt.percent(top['churn_probability'])}）："
                     f"{top['reasons']}。",
                     f" Riskiest: customer {top['customer_id']} ({fmt.percent(top['churn_probability'])}): "
                     f"{top['reasons']}.")
    act = ctx.t(
        f"其中 {fmt.number(high['already_lapsed'], lang)} 位已超过 {horizon} 天未购买；"
        f"另有 {fmt.number(high['recent'], lang)} 位在最近 {horizon} 天内还买过（近12个月消费 "
        f"{fmt.money(high['recent_revenue_365d'], lang)}），应优先挽留。",
        f"Of these, {fmt.number(high['already_lapsed'], lang)} have already gone more than {horizon} days "
        f"without buying; the {fmt.number(high['recent'], lang)} who bought within the last {horizon} days "
        f"({fmt.money(high['recent_revenue_365d'], lang)} in the last 12 months) are the ones to act on first. ")
    return head + act + how + quality + tail


def _churn_definition(ctx: Context, horizon: int) -> dict[str, Any]:
    high, medium = (low for low, _ in BANDS[:2])
    return definitions.custom("churn", "流失", "Churn", ctx.t(
        f"流失 = 未来 {horizon} 天没有支付订单；高风险 = 流失概率 ≥ {fmt.percent(high)}，"
        f"中风险 = {fmt.percent(medium)}–{fmt.percent(high)}。",
        f"Churn = no paid order in the next {horizon} days; high risk = churn probability ≥ {fmt.percent(high)}, "
        f"medium = {fmt.percent(medium)}–{fmt.percent(high)}."))


def _high_risk_segments(scored: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """The high-risk members of the RFM segments worth a personal win-back, with their spend: the
    recommendations cite these figures, so they travel in the result's params."""
    high = scored[scored["risk_band"] == "high"]
    out: dict[str, dict[str, Any]] = {}
    for key in ("cant_lose", "at_risk"):
        members = high[high["rfm_segment"] == key]
        if not members.empty:
            out[key] = {"name": str(members["rfm_segment_name"].iloc[0]), "customers": len(members),
                        "spend_365d": round(float(members["spend_365d"].sum()), 2)}
    return out


def _recommendations(ctx: Context, bands: pd.DataFrame, high_risk: dict[str, dict[str, Any]],
                     lang: str) -> list[str]:
    from tools.strategy import playbook_entry

    out = []
    for key, seg in high_risk.items():
        entry = playbook_entry("rfm", key, lang)
        name, count, spend = seg["name"], fmt.number(seg["customers"], lang), fmt.money(seg["spend_365d"], lang)
        out.append(ctx.t(
            f"高风险中的{name}（{count} 人，近12个月消费 {spend}）——{entry['goal']}：{entry['tactics'][0]}"
            f"（详见 segment_strategy：{key}）",
            f"High-risk {name} ({count} customers, {spend} in the last 12 months): {entry['goal']}: "
            f"{entry['tactics'][0]} (see segment_strategy: {key})"))
    medium = bands[bands["band"] == "medium"].iloc[0]
    if medium["customers"]:
        out.append(ctx.t(
            f"中风险 {fmt.number(medium['customers'], lang)} 人（近12个月消费 "
            f"{fmt.money(medium['revenue_365d_at_stake'], lang)}）仍可低成本挽回：按流失原因分组推送，"
            "并随机留出一组不触达，用来衡量挽回效果。",
            f"The {fmt.number(medium['customers'], lang)} medium-risk customers "
            f"({fmt.money(medium['revenue_365d_at_stake'], lang)} in the last 12 months) are the cheapest to "
            "keep: message them by their main reason, and hold out a random group to measure the lift."))
    return out
