"""Lifecycle stage of each purchasing customer (rules in data/segments.yaml, windows configurable)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tools import catalog


@dataclass(frozen=True)
class LifecycleWindows:
    new_days: int = 30
    active_days: int = 90
    churn_days: int = 180


def _conditions(w: LifecycleWindows) -> dict[str, str]:
    return {
        "churned": f"days_since_last > {w.churn_days}",
        "at_risk": f"days_since_last > {w.active_days}",
        "reactivated": f"days_since_last <= {w.active_days} AND gap_before_last > {w.churn_days}",
        "new": f"days_since_first <= {w.new_days}",
        "repeat": f"days_since_last <= {w.active_days} AND orders >= 2",
        "active": f"days_since_last <= {w.active_days}",
    }


def lifecycle_sql(as_of: date, windows: LifecycleWindows = LifecycleWindows()) -> str:
    """One row per purchasing customer with its stage; stages checked in the priority order of the
    segment vocabulary (overlapping stages go to the first match). `as_of` is the last data day."""
    statuses = ", ".join(f"'{s}'" for s in catalog.load("metrics")["paid_statuses"])
    stages = sorted(catalog.segments("lifecycle").items(), key=lambda item: item[1]["priority"])
    conditions = _conditions(windows)
    case = " ".join(f"WHEN {conditions[key]} THEN '{key}'" for key, _ in stages)
    return f"""WITH purchases AS (
  SELECT customer_id, CAST(order_time AS DATE) AS day, pay_amount
  FROM orders WHERE status IN ({statuses}) AND CAST(order_time AS DATE) <= DATE '{as_of}'
),
purchase_days AS (  -- distinct days, so the gap before the last purchase day is unambiguous
  SELECT customer_id, day, day - lag(day) OVER (PARTITION BY customer_id ORDER BY day) AS gap
  FROM (SELECT DISTINCT customer_id, day FROM purchases)
),
gaps AS (
  SELECT customer_id, coalesce(arg_max(gap, day), 0) AS gap_before_last FROM purchase_days GROUP BY customer_id
),
per_customer AS (
  SELECT customer_id, count(*) AS orders, round(sum(pay_amount), 2) AS revenue,
    round(coalesce(sum(pay_amount) FILTER (WHERE day > DATE '{as_of}' - INTERVAL 365 DAY), 0), 2)
      AS revenue_365d,
    DATE '{as_of}' - max(day) AS days_since_last, DATE '{as_of}' - min(day) AS days_since_first,
    any_value(gap_before_last) AS gap_before_last
  FROM purchases JOIN gaps USING (customer_id) GROUP BY customer_id
)
SELECT customer_id, orders, revenue, revenue_365d, days_since_last, days_since_first, gap_before_last,
  CASE {case} END AS stage
FROM per_customer"""
