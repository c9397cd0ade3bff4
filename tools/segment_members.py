"""Who is in a segment: one lookup shared by every tool that acts on a segment's customers
(profiles, recommendations, exports), so "沉睡客户" means the same people everywhere."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from tools.context import Context
from tools.rfm import customer_segments, segment_name
from tools.strategy import _lifecycle_customers, resolve_segment


@dataclass(frozen=True)
class SegmentMembers:
    scheme: str  # rfm | cn8 | lifecycle
    key: str  # stable segment key from data/segments.yaml
    name: str  # display name in the asker's language
    customers: pd.DataFrame  # one row per member: customer_id plus the scheme's per-customer columns
    sql: str  # the query that assigned every customer to a segment


def segment_members(ctx: Context, segment: str, scheme: str | None = None) -> SegmentMembers:
    """Resolve a key, display name or alias (zh/en) and return that segment's customers.

    Raises ToolError('unknown_segment') with the known names when nothing matches."""
    scheme_name, key = resolve_segment(segment, scheme)
    if scheme_name == "lifecycle":
        per_customer, sql = _lifecycle_customers(ctx)
    else:
        per_customer, sql, _ = customer_segments(ctx, scheme_name)
    members = per_customer[per_customer["segment"] == key].reset_index(drop=True)
    return SegmentMembers(scheme_name, key, segment_name(scheme_name, key, ctx.language), members, sql)
