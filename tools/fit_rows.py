"""How many per-customer rows a model fit pulls back from the engine, and the sample when too many.

Fitting tools (churn_risk, customer_clusters, customer_lifetime_value) aggregate on the engine to
one row per customer and fit in pandas/scikit-learn. Beyond ASSISTANT_FIT_MAX_CUSTOMERS (default
2,000,000) rows they fit on a sample instead, and say so in the answer. The sample keeps a
customer when the MD5 of its id falls below a threshold: the same customers on every engine and
every run (md5 is hex text on DuckDB, Spark, ClickHouse and Trino alike), and uncorrelated with
signup order, unlike a modulo on the id.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from tools import fmt
from tools.context import Context
from tools.fit_cache import cached_fit

DEFAULT_MAX_CUSTOMERS = 2_000_000
_HEX_DIGITS = 8  # the threshold's resolution: 1 / 16^8


def max_fit_customers() -> int:
    try:
        return max(100, int(os.environ.get("ASSISTANT_FIT_MAX_CUSTOMERS", DEFAULT_MAX_CUSTOMERS)))
    except ValueError:
        return DEFAULT_MAX_CUSTOMERS


@dataclass(frozen=True)
class FitSample:
    customers: int  # customers with orders in the dataset
    fraction: float  # of them kept for the fit (1.0: all)

    @property
    def sampled(self) -> bool:
        return self.fraction < 1.0

    def apply(self, sql: str, key: str = "customer_id") -> str:
        """`sql` (one row per customer) restricted to the sample, in `key` order; unchanged when not sampling."""
        if not self.sampled:
            return sql
        threshold = format(int(self.fraction * 16**_HEX_DIGITS), f"0{_HEX_DIGITS}x")
        return (f"SELECT * FROM (\n{sql}\n) fit_rows\n"
                f"WHERE substr(md5(CAST({key} AS VARCHAR)), 1, {_HEX_DIGITS}) < '{threshold}'\nORDER BY {key}")

    def params(self, fitted: int) -> dict[str, Any]:
        return {"fitted_customers": fitted, "customers": self.customers, "sampled": self.sampled}

    def sentence(self, ctx: Context, fitted: int) -> str:
        """Said in the answer only when the fit used a sample: the numbers above are the sample's."""
        if not self.sampled:
            return ""
        lang, share = ctx.language, fmt.percent(self.fraction)
        return ctx.t(
            f"\n注意：客户数超过单次拟合上限，模型只在 {fmt.number(self.customers, lang)} 位客户中按客户ID哈希抽取的 "
            f"{fmt.number(fitted, lang)} 位（{share}）上拟合，以上人数与金额均为样本数。",
            f"\nNote: there are too many customers for one fit, so the model was fitted on a sample of "
            f"{fmt.number(fitted, lang)} of {fmt.number(self.customers, lang)} customers ({share}, "
            "chosen by a hash of the customer id); the counts and amounts above are the sample's.",
        )


def fit_sample(ctx: Context) -> FitSample:
    """The sample for this dataset (counted once per dataset and engine)."""
    cap = max_fit_customers()

    def count() -> FitSample:
        customers = int(ctx.warehouse.scalar("SELECT count(DISTINCT customer_id) FROM orders") or 0)
        return FitSample(customers, 1.0 if customers <= cap else cap / customers)

    return cached_fit(ctx, "fit_sample", cap, count)
