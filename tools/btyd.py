"""Buy-till-you-die models: BG/NBD (Fader, Hardie & Lee 2005) and Gamma-Gamma spend (Fader, Hardie & Lee 2005b).

Pure numpy/scipy, no Context: tools/clv.py and tools/churn.py import it. Inputs are per-customer
arrays in one time unit (days or weeks): `frequency` = repeat transactions (transactions after the
first), `recency` = time from first to last transaction, `T` = time from first transaction to the
end of the observation period. The textbook counts transactions per day, so several orders on one
day are one transaction (see `summary_sql`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import optimize
from scipy.special import digamma, expit, gammaln, hyp2f1


class ModelFitError(ValueError):
    """Too little (or degenerate) data for the model; the message says why."""


@dataclass(frozen=True)
class BGNBDParams:
    r: float
    alpha: float
    a: float
    b: float


@dataclass(frozen=True)
class GammaGammaParams:
    p: float
    q: float
    v: float


def _arrays(*values: ArrayLike) -> list[np.ndarray]:
    return [np.asarray(v, dtype=float) for v in values]


def _check_summary(x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> None:
    if not (x.shape == t_x.shape == T.shape) or x.ndim != 1:
        raise ModelFitError("frequency, recency and T must be 1-d arrays of the same length")
    if x.size == 0:
        raise ModelFitError("no customers to fit")
    if np.any(~np.isfinite(x) | ~np.isfinite(t_x) | ~np.isfinite(T)):
        raise ModelFitError("frequency, recency and T must be finite")
    if np.any(x < 0) or np.any(t_x < 0) or np.any(t_x > T + 1e-9):
        raise ModelFitError("need frequency >= 0 and 0 <= recency <= T")
    if np.any((x == 0) & (t_x > 0)):
        raise ModelFitError("recency must be 0 for customers without repeat purchases")


# --- BG/NBD -------------------------------------------------------------------------------------

def _distinct_rows(x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> tuple[np.ndarray, ...]:
    """Distinct (x, t_x, T) rows and their counts (a lexsort: much faster than np.unique(axis=0))."""
    order = np.lexsort((T, t_x, x))
    xs, ts, Ts = x[order], t_x[order], T[order]
    new = np.ones(xs.size, dtype=bool)
    new[1:] = (np.diff(xs) != 0) | (np.diff(ts) != 0) | (np.diff(Ts) != 0)
    starts = np.flatnonzero(new)
    counts = np.diff(np.append(starts, xs.size)).astype(float)
    return xs[starts], ts[starts], Ts[starts], counts


class _BGNBDLikelihood:
    """Negative mean log-likelihood and its gradient in log-parameters, over unique (x, t_x, T) rows.

    Customers sharing a summary row are fitted once with a weight; gammaln/digamma of x-dependent
    terms are evaluated on the distinct x values only, so one evaluation stays cheap at 1M rows.
    """

    def __init__(self, x: np.ndarray, t_x: np.ndarray, T: np.ndarray, penalizer: float) -> None:
        self.x, self.t_x, self.T, self.w = _distinct_rows(x, t_x, T)
        self.n = float(self.w.sum())
        self.xu, self.xi = np.unique(self.x, return_inverse=True)
        self.repeat = self.x > 0
        self.penalizer = penalizer

    def __call__(self, log_params: np.ndarray) -> tuple[float, np.ndarray]:
        r, alpha, a, b = np.exp(log_params)
        x, t_x, T, xu, xi, rep = self.x, self.t_x, self.T, self.xu, self.xi, self.repeat
        log_aT, log_atx = np.log(alpha + T), np.log(alpha + t_x)
        a1 = (gammaln(r + xu) - gammaln(r))[xi] + r * np.log(alpha)
        a2 = (gammaln(a + b) + gammaln(b + xu) - gammaln(b) - gammaln(a + b + xu))[xi]
        a3 = -(r + x) * log_aT
        bx1 = np.where(rep, b + x - 1, 1.0)
        a4 = np.where(rep, np.log(a) - np.log(bx1) - (r + x) * log_atx, -np.inf)
        mix = np.logaddexp(a3, a4)
        ll = a1 + a2 + mix
        w3 = np.exp(a3 - mix)  # share of the "still alive at T" branch
        w4 = 1.0 - w3
        g_r = (digamma(r + xu) - digamma(r))[xi] + np.log(alpha) - w3 * log_aT - w4 * log_atx
        g_alpha = r / alpha - (r + x) * (w3 / (alpha + T) + w4 / (alpha + t_x))
        d_ab = (digamma(a + b) - digamma(a + b + xu))[xi]
        g_a = d_ab + w4 / a
        g_b = d_ab + (digamma(b + xu) - digamma(b))[xi] - w4 / bx1
        params = np.array([r, alpha, a, b])
        grads = np.stack([g_r, g_alpha, g_a, g_b])
        value = -float(self.w @ ll) / self.n + self.penalizer * float(params @ params)
        grad = -(grads @ self.w) / self.n * params + 2.0 * self.penalizer * params * params
        return value, grad


def fit_bgnbd(frequency: ArrayLike, recency: ArrayLike, T: ArrayLike, penalizer: float = 0.0) -> BGNBDParams:
    """Maximum-likelihood BG/NBD parameters (optionally L2-penalised like `lifetimes`)."""
    x, t_x, age = _arrays(frequency, recency, T)
    _check_summary(x, t_x, age)
    if not np.any(x > 0):
        raise ModelFitError("no repeat purchases: the BG/NBD model cannot be fitted")
    objective = _BGNBDLikelihood(x, t_x, age, penalizer)
    # Start alpha on the data's time scale so day and week units converge alike.
    scale = max(float(np.mean(age)), 1e-6)
    best = None
    for start in ([0.0, np.log(scale), 0.0, 0.0], [np.log(0.5), np.log(scale / 5), np.log(0.5), np.log(2.0)]):
        result = optimize.minimize(objective, np.array(start), jac=True, method="L-BFGS-B",
                                   bounds=[(-12.0, 12.0)] * 4,
                                   options={"maxiter": 500, "gtol": 1e-9, "ftol": 1e-13})
        if np.isfinite(result.fun) and (best is None or result.fun < best.fun):
            best = result
        if result.success and np.isfinite(result.fun):
            break  # the second start is only a fallback
    if best is None:
        raise ModelFitError("the BG/NBD likelihood did not converge")
    r, alpha, a, b = (float(v) for v in np.exp(best.x))
    return BGNBDParams(r=r, alpha=alpha, a=a, b=b)


def bgnbd_log_likelihood(params: BGNBDParams, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike) -> float:
    """Total log-likelihood of the data under `params` (for comparisons and tests)."""
    x, t_x, age = _arrays(frequency, recency, T)
    objective = _BGNBDLikelihood(x, t_x, age, 0.0)
    value, _ = objective(np.log([params.r, params.alpha, params.a, params.b]))
    return -value * objective.n


def _log_odds_dead(params: BGNBDParams, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> np.ndarray:
    """log( P(dropped out before T) / P(alive at T) ) given the history; -inf when x == 0."""
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    rep = x > 0
    bx1 = np.where(rep, b + x - 1, 1.0)
    value = np.log(a) - np.log(bx1) + (r + x) * (np.log(alpha + T) - np.log(alpha + t_x))
    return np.where(rep, value, -np.inf)


def probability_alive(params: BGNBDParams, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike) -> np.ndarray:
    """P(customer still alive at T | x, t_x, T)."""
    x, t_x, age = _arrays(frequency, recency, T)
    return expit(-_log_odds_dead(params, x, t_x, age))


def _scaled_hyp2f1(a: np.ndarray, b: np.ndarray, c: np.ndarray, z: np.ndarray, log_scale: np.ndarray) -> np.ndarray:
    """2F1(a, b; c; z) * exp(log_scale) for 0 <= z < 1.

    2F1 can be negative (c = a + b + x - 1 < 0 when a + b < 1), so no logs of it; where it
    overflows, Euler's transformation 2F1 = (1-z)^(c-a-b) 2F1(c-a, c-b; c; z) moves the large factor
    into the exponent, which the scale then cancels.
    """
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        direct = hyp2f1(a, b, c, z) * np.exp(log_scale)
        euler = hyp2f1(c - a, c - b, c, z) * np.exp((c - a - b) * np.log1p(-z) + log_scale)
    return np.where(np.isfinite(direct), direct, euler)


def expected_purchases(params: BGNBDParams, t: float | ArrayLike, frequency: ArrayLike, recency: ArrayLike,
                       T: ArrayLike) -> np.ndarray:
    """E[transactions in (T, T + t] | x, t_x, T] (Fader, Hardie & Lee 2005, eq. 10)."""
    x, t_x, age = _arrays(frequency, recency, T)
    horizon = np.asarray(t, dtype=float)
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    c = a + b + x - 1
    z = horizon / (alpha + age + horizon)
    shrink = (r + x) * (np.log(alpha + age) - np.log(alpha + age + horizon))
    tail = 1.0 - _scaled_hyp2f1(r + x, b + x, c, z, shrink)
    return c / (a - 1) * tail * expit(-_log_odds_dead(params, x, t_x, age))


def expected_purchases_new(params: BGNBDParams, t: float | ArrayLike) -> np.ndarray:
    """E[X(t)] for a customer just acquired (unconditional; FHL 2005 eq. 9)."""
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    horizon = np.asarray(t, dtype=float)
    scaled = _scaled_hyp2f1(np.asarray(r), np.asarray(b), np.asarray(a + b - 1), horizon / (alpha + horizon),
                            r * np.log(alpha / (alpha + horizon)))
    return (a + b - 1) / (a - 1) * (1.0 - scaled)


# --- Gamma-Gamma ---------------------------------------------------------------------------------

def _gg_arrays(frequency: ArrayLike, monetary_value: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    x, m = _arrays(frequency, monetary_value)
    if x.shape != m.shape or x.ndim != 1:
        raise ModelFitError("frequency and monetary_value must be 1-d arrays of the same length")
    return x, m


def _gg_neg_ll(log_params: np.ndarray, x: np.ndarray, m: np.ndarray, log_m: np.ndarray,
               log_x: np.ndarray) -> float:
    p, q, v = np.exp(log_params)
    px = p * x
    ll = (gammaln(px + q) - gammaln(px) - gammaln(q) + q * np.log(v)
          + (px - 1) * log_m + px * log_x - (px + q) * np.log(x * m + v))
    return -float(np.mean(ll))


def fit_gamma_gamma(frequency: ArrayLike, monetary_value: ArrayLike) -> GammaGammaParams:
    """Gamma-Gamma spend parameters on repeat buyers (frequency > 0, monetary = mean repeat value > 0)."""
    x, m = _gg_arrays(frequency, monetary_value)
    keep = (x > 0) & (m > 0) & np.isfinite(m)
    x, m = x[keep], m[keep]
    if x.size < 3:
        raise ModelFitError("fewer than 3 repeat buyers with positive spend: cannot fit Gamma-Gamma")
    args = (x, m, np.log(m), np.log(x))
    start = np.log([1.0, 1.0, max(float(np.mean(m)), 1e-6)])
    best = None
    for method in ("L-BFGS-B", "Nelder-Mead"):
        result = optimize.minimize(_gg_neg_ll, start if best is None else best.x, args=args, method=method,
                                   bounds=[(-15.0, 15.0), (-15.0, 15.0), (-30.0, 40.0)],
                                   options={"maxiter": 4000} if method == "Nelder-Mead" else {"maxiter": 1000})
        if np.isfinite(result.fun) and (best is None or result.fun <= best.fun):
            best = result
        if result.success and np.isfinite(result.fun):
            break  # Nelder-Mead only polishes a failed gradient run
    if best is None:
        raise ModelFitError("the Gamma-Gamma likelihood did not converge")
    p, q, v = (float(val) for val in np.exp(best.x))
    return GammaGammaParams(p=p, q=q, v=v)


def expected_average_value(params: GammaGammaParams, frequency: ArrayLike, monetary_value: ArrayLike) -> np.ndarray:
    """E[mean transaction value | x, m]: a credibility blend of the population and the customer's mean.

    Customers with no repeat purchase get the population mean p*v/(q-1).
    """
    x, m = _gg_arrays(frequency, monetary_value)
    p, q, v = params.p, params.q, params.v
    m = np.where(x > 0, np.nan_to_num(m), 0.0)
    return p * (v + x * m) / (p * x + q - 1)


# --- Per-customer summary in DuckDB --------------------------------------------------------------

def summary_sql(as_of: str, unit_days: float = 1.0, first_after: str | None = None) -> str:
    """DuckDB SQL: one row per customer with frequency, recency, T and monetary_value from paid orders.

    `as_of` is a SQL expression (a DATE literal like `DATE '2025-06-30'` or a `?`/`$name` parameter):
    the last observed day, inclusive (orders after it are ignored), as `lifetimes`'
    observation_period_end. Orders are aggregated per day (one transaction per customer-day, value =
    that day's pay_amount). Times are days from the first purchase day divided by `unit_days`. `monetary_value` is
    the mean value of the repeat transactions (0 when there are none), as the Gamma-Gamma model needs.
    `first_after` optionally restricts to customers whose first purchase is on/after that SQL date.
    """
    unit = float(unit_days)
    cohort = f"WHERE first_day >= {first_after}" if first_after else ""
    return f"""WITH days AS (
  SELECT customer_id, CAST(order_time AS DATE) AS day, sum(pay_amount) AS value
  FROM orders
  WHERE status = 'paid' AND CAST(order_time AS DATE) <= {as_of}
  GROUP BY customer_id, CAST(order_time AS DATE)
), firsts AS (
  SELECT customer_id, min(day) AS first_day FROM days GROUP BY customer_id
)
SELECT d.customer_id,
  count(*) - 1 AS frequency,
  date_diff('day', f.first_day, max(d.day)) / {unit} AS recency,
  date_diff('day', f.first_day, {as_of}) / {unit} AS T,
  coalesce(sum(d.value) FILTER (WHERE d.day > f.first_day) / nullif(count(*) - 1, 0), 0) AS monetary_value,
  f.first_day
FROM days d JOIN firsts f USING (customer_id)
{cohort}
GROUP BY d.customer_id, f.first_day"""
