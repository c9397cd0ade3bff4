"""BG/NBD and Gamma-Gamma (tools/btyd.py) against the published CDNOW fits and a simulation of the model.

The CDNOW files ship with the `lifetimes` package (dev group); we only read its data files, never
import it. Published figures: Fader, Hardie & Lee (2005) and the lifetimes documentation.
"""

from __future__ import annotations

import importlib.metadata
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from tools import btyd

PUBLISHED_BGNBD = {"r": 0.2426, "alpha": 4.4135, "a": 0.7929, "b": 2.4258}
PUBLISHED_GG = {"p": 6.25, "q": 3.74, "v": 15.44}
CALIBRATION_END = "DATE '1997-09-30'"  # 39 weeks from 1997-01-01


def _dataset(name: str) -> Path:
    try:
        files = importlib.metadata.files("lifetimes") or []
    except importlib.metadata.PackageNotFoundError:
        pytest.skip("the lifetimes package (dev group) carries the CDNOW data")
    for file in files:
        if str(file).endswith(f"datasets/{name}"):
            return Path(str(file.locate()))
    pytest.skip(f"{name} not shipped with lifetimes")


@pytest.fixture(scope="module")
def raw_summary() -> pd.DataFrame:
    """Per-customer weekly summary built by our DuckDB SQL from the raw CDNOW sample transactions."""
    raw = pd.read_csv(_dataset("CDNOW_sample.txt"), sep=r"\s+", header=None,
                      names=["master_id", "customer_id", "date", "quantity", "amount"])
    orders = pd.DataFrame({
        "customer_id": raw["customer_id"],
        "order_time": pd.to_datetime(raw["date"].astype(str), format="%Y%m%d"),
        "status": "paid",
        "pay_amount": raw["amount"],
    })
    con = duckdb.connect()
    con.register("orders", orders)
    return con.execute(btyd.summary_sql(CALIBRATION_END, unit_days=7) + " ORDER BY customer_id").df()


@pytest.fixture(scope="module")
def published_summary() -> pd.DataFrame:
    return pd.read_csv(_dataset("cdnow_customers_summary_with_transactions.csv"))


@pytest.fixture(scope="module")
def cdnow_fit(raw_summary: pd.DataFrame) -> btyd.BGNBDParams:
    return btyd.fit_bgnbd(raw_summary["frequency"], raw_summary["recency"], raw_summary["T"])


def _within(got: float, want: float, rel: float = 0.01) -> bool:
    return abs(got - want) <= rel * abs(want)


def test_raw_summary_matches_published_summary(raw_summary, published_summary):
    published = published_summary.rename(columns={"T": "T_published"})
    merged = raw_summary.merge(published, left_on="customer_id", right_on="ID")
    assert len(merged) == len(published_summary) == 2357
    assert (merged["frequency"] == merged["x"]).all()
    # The published file rounds weeks to 2 decimals.
    assert np.abs(merged["recency"] - merged["t_x"]).max() < 0.006
    assert np.abs(merged["T"] - merged["T_published"]).max() < 0.006
    repeat = merged["x"] > 0
    assert np.abs(merged.loc[repeat, "monetary_value"] - merged.loc[repeat, "zbar"]).max() < 0.006


def test_bgnbd_reproduces_published_cdnow_fit(cdnow_fit):
    for name, want in PUBLISHED_BGNBD.items():
        assert _within(getattr(cdnow_fit, name), want), (name, getattr(cdnow_fit, name), want)


def test_bgnbd_on_published_summary_file(published_summary):
    fit = btyd.fit_bgnbd(published_summary["x"], published_summary["t_x"], published_summary["T"])
    for name, want in PUBLISHED_BGNBD.items():
        assert _within(getattr(fit, name), want, 0.001), (name, getattr(fit, name), want)
    # The paper's log-likelihood at the optimum.
    ll = btyd.bgnbd_log_likelihood(fit, published_summary["x"], published_summary["t_x"], published_summary["T"])
    assert ll == pytest.approx(-9582.4, abs=0.5)


def test_gamma_gamma_reproduces_published_fit(published_summary, raw_summary):
    repeat = published_summary[published_summary["x"] > 0]
    fit = btyd.fit_gamma_gamma(repeat["x"], repeat["zbar"])
    for name, want in PUBLISHED_GG.items():
        assert _within(getattr(fit, name), want), (name, getattr(fit, name), want)
    # From the raw transactions (unrounded repeat means) the fit is the same within 0.1%.
    raw_repeat = raw_summary[raw_summary["frequency"] > 0]
    raw_fit = btyd.fit_gamma_gamma(raw_repeat["frequency"], raw_repeat["monetary_value"])
    for name in PUBLISHED_GG:
        assert _within(getattr(raw_fit, name), getattr(fit, name), 0.001)


def test_textbook_customer_values(cdnow_fit, published_summary):
    # FHL (2005) / lifetimes docs: x=2, t_x=30.43, T=38.86 expects 1.226 purchases in the next 39 weeks.
    assert btyd.expected_purchases(cdnow_fit, 39, [2], [30.43], [38.86])[0] == pytest.approx(1.226, abs=0.002)
    # Nobody-repeat customers are alive for sure; P(alive) falls as recency ages.
    alive = btyd.probability_alive(cdnow_fit, [0, 2, 2], [0, 30.43, 5.0], [38.86, 38.86, 38.86])
    assert alive[0] == 1.0 and alive[1] > alive[2]
    # lifetimes docs: conditional expected average profit of CDNOW customers 1-3.
    repeat = published_summary[published_summary["x"] > 0]
    gg = btyd.fit_gamma_gamma(repeat["x"], repeat["zbar"])
    values = btyd.expected_average_value(gg, [2, 1, 0], [22.35, 11.77, 0.0])
    np.testing.assert_allclose(values, [24.658619, 18.911489, 35.170981], rtol=2e-3)


def test_aggregate_forecast_against_holdout(cdnow_fit, raw_summary):
    # Weeks 40-78 (1997-10-01 .. 1998-06-30) are the paper's holdout; count buying days there.
    # Measured: 1,653 expected vs 1,882 actual (-12%), the model's known slight under-forecast here.
    raw = pd.read_csv(_dataset("CDNOW_sample.txt"), sep=r"\s+", header=None,
                      names=["master_id", "customer_id", "date", "quantity", "amount"])
    holdout = raw[(raw["date"] > 19970930) & (raw["date"] <= 19980630)]
    actual = holdout.drop_duplicates(["customer_id", "date"]).shape[0]
    expected = btyd.expected_purchases(cdnow_fit, 39, raw_summary["frequency"], raw_summary["recency"],
                                       raw_summary["T"]).sum()
    print(f"\nCDNOW 39-week holdout: expected {expected:.0f}, actual {actual}")
    assert expected == pytest.approx(actual, rel=0.15)


def _simulate(params: btyd.BGNBDParams, n: int, T: float, horizon: float, seed: int) -> dict[str, np.ndarray]:
    """Simulate BG/NBD customers whose first purchase is at 0: their (x, t_x) by T, futures, and alive flags."""
    rng = np.random.default_rng(seed)
    lam = rng.gamma(params.r, 1 / params.alpha, n)
    drop = rng.beta(params.a, params.b, n)
    now = np.zeros(n)
    alive = np.ones(n, dtype=bool)
    x = np.zeros(n)
    t_x = np.zeros(n)
    future = np.zeros(n)
    dead_at = np.full(n, np.inf)
    open_ = np.ones(n, dtype=bool)
    while open_.any():
        idx = np.flatnonzero(open_)
        now[idx] += rng.exponential(1 / lam[idx])
        late = now[idx] > T + horizon
        open_[idx[late]] = False
        idx = idx[~late]
        before = now[idx] <= T
        x[idx[before]] += 1
        t_x[idx[before]] = now[idx[before]]
        future[idx[~before]] += 1
        dies = rng.random(idx.size) < drop[idx]
        dead_at[idx[dies]] = now[idx[dies]]
        open_[idx[dies]] = False
    alive = dead_at > T
    return {"x": x, "t_x": t_x, "future": future, "alive": alive}


@pytest.mark.parametrize("params", [
    btyd.BGNBDParams(0.2426, 4.4135, 0.7929, 2.4258),
    btyd.BGNBDParams(1.5, 20.0, 1.6, 6.0),
    btyd.BGNBDParams(0.335, 2.6, 0.139, 0.795),  # a + b < 1, as fitted on the demo shop (weeks)
])
def test_conditional_expectations_agree_with_simulation(params):
    T, horizon, n = 39.0, 39.0, 200_000
    sim = _simulate(params, n, T, horizon, seed=7)
    ages = np.full(n, T)
    predicted = btyd.expected_purchases(params, horizon, sim["x"], sim["t_x"], ages)
    alive = btyd.probability_alive(params, sim["x"], sim["t_x"], ages)
    # Law of total expectation: the conditional forecasts average to the simulated future.
    assert predicted.mean() == pytest.approx(sim["future"].mean(), rel=0.03)
    assert alive.mean() == pytest.approx(sim["alive"].mean(), abs=0.005)
    # And to the closed-form unconditional E[X(T+t)] - E[X(T)].
    unconditional = btyd.expected_purchases_new(params, T + horizon) - btyd.expected_purchases_new(params, T)
    assert predicted.mean() == pytest.approx(float(unconditional), rel=0.01)
    # Within a slice of histories too (repeaters with a recent last purchase).
    recent = (sim["x"] >= 2) & (sim["t_x"] > 30)
    assert predicted[recent].mean() == pytest.approx(sim["future"][recent].mean(), rel=0.06)
    assert alive[recent].mean() == pytest.approx(sim["alive"][recent].mean(), abs=0.02)


def test_fit_recovers_simulated_parameters():
    truth = btyd.BGNBDParams(0.8, 12.0, 1.3, 4.0)
    sim = _simulate(truth, 60_000, 52.0, 0.0, seed=3)
    fit = btyd.fit_bgnbd(sim["x"], sim["t_x"], np.full(sim["x"].size, 52.0))
    assert fit.r == pytest.approx(truth.r, rel=0.1)
    assert fit.alpha == pytest.approx(truth.alpha, rel=0.15)
    assert fit.a == pytest.approx(truth.a, rel=0.25)
    assert fit.b == pytest.approx(truth.b, rel=0.3)


def test_day_units_scale_alpha_only(raw_summary):
    weeks = btyd.fit_bgnbd(raw_summary["frequency"], raw_summary["recency"], raw_summary["T"])
    days = btyd.fit_bgnbd(raw_summary["frequency"], raw_summary["recency"] * 7, raw_summary["T"] * 7)
    assert days.alpha == pytest.approx(weeks.alpha * 7, rel=1e-3)
    assert days.r == pytest.approx(weeks.r, rel=1e-3)
    assert days.b == pytest.approx(weeks.b, rel=1e-3)


def test_numerically_stable_for_heavy_buyers(cdnow_fit):
    x = np.array([0, 50, 300, 2000])
    t_x = np.array([0, 38.0, 38.5, 38.8])
    T = np.full(4, 38.86)
    predicted = btyd.expected_purchases(cdnow_fit, 39, x, t_x, T)
    alive = btyd.probability_alive(cdnow_fit, x, t_x, T)
    assert np.isfinite(predicted).all() and np.isfinite(alive).all()
    assert (np.diff(predicted) > 0).all()  # more purchases, all recent -> more expected


def test_rejects_bad_input():
    with pytest.raises(btyd.ModelFitError):
        btyd.fit_bgnbd([0, 0, 0], [0, 0, 0], [10, 10, 10])  # no repeat purchases
    with pytest.raises(btyd.ModelFitError):
        btyd.fit_bgnbd([1], [5], [3])  # recency beyond T
    with pytest.raises(btyd.ModelFitError):
        btyd.fit_gamma_gamma([1, 0], [10.0, 0.0])  # too few repeat buyers
