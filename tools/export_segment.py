"""export_segment: a segment's customers as a campaign file (CSV or Excel).

The file carries what a campaign needs (who, how recently and how much they bought, where they
are, the playbook's first action) and, only on an explicit request by a person, their contact
details (added by the engine from the contact store: this tool never reads them). An optional
hold-out group makes the campaign measurable with `ab_test` later.
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any, Literal

import pandas as pd

from tools import definitions, fmt
from tools.context import Context
from tools.registry import tool
from tools.result import FileRequest, Table, ToolError, ToolResult
from tools.segment_members import SegmentMembers, segment_members
from tools.strategy import SCHEMES, playbook_entry

Scheme = Literal["rfm", "cn8", "lifecycle"]
PROFILE_COLUMNS = ("gender", "age_band", "province", "city", "channel")
# Read from the contact store by the engine; source_customer_key is the platform's own buyer id
# where the dataset keeps a pseudonymous one instead (an export keyed by phone or account name).
CONTACT_COLUMNS = ("nickname", "phone", "source_customer_key")
MAX_HOLDOUT = 0.5


def in_holdout(customer_id: object, share: float, salt: str) -> bool:
    """A stable, reproducible split: the same customer lands in the same group on every export."""
    digest = hashlib.sha256(f"{salt}:{customer_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < share


def _customer_columns(ctx: Context) -> list[str]:
    if not ctx.warehouse.has_table("customers"):
        return []
    existing = ctx.warehouse.columns("customers")
    return [c for c in PROFILE_COLUMNS if c in existing]


def _member_rows(ctx: Context, members: SegmentMembers) -> tuple[pd.DataFrame, str]:
    columns = _customer_columns(ctx)
    picked = ", ".join(f"c.{c}" for c in columns)
    customers_join = "LEFT JOIN customers c USING (customer_id)" if columns else ""
    sql = (
        "SELECT o.customer_id, min(o.order_time)::DATE AS first_order_date, "
        "max(o.order_time)::DATE AS last_order_date"
        + (f", {picked}" if picked else "")
        + f" FROM orders o {customers_join} WHERE o.status = 'paid' GROUP BY ALL"
    )
    details = ctx.warehouse.df(sql)
    keep = ["customer_id", "recency_days", "frequency", "monetary"]
    rows = members.customers[[c for c in keep if c in members.customers.columns]]
    return rows.merge(details, on="customer_id", how="left"), sql


def _labels(ctx: Context) -> dict[str, str]:
    return {
        "customer_id": ctx.t("客户ID", "customer_id"),
        "segment": ctx.t("分群", "segment"),
        "recency_days": ctx.t("距上次购买天数", "days_since_last_purchase"),
        "frequency": ctx.t("购买次数", "orders"),
        "monetary": ctx.t("累计消费", "total_spend"),
        "first_order_date": ctx.t("首次购买日", "first_order_date"),
        "last_order_date": ctx.t("最近购买日", "last_order_date"),
        "gender": ctx.t("性别", "gender"),
        "age_band": ctx.t("年龄段", "age_band"),
        "province": ctx.t("省份", "province"),
        "city": ctx.t("城市", "city"),
        "channel": ctx.t("来源渠道", "channel"),
        "nickname": ctx.t("昵称", "nickname"),
        "phone": ctx.t("手机号", "phone"),
        "source_customer_key": ctx.t("平台买家标识", "platform_buyer_id"),
        "group": ctx.t("分组", "group"),
        "suggested_action": ctx.t("建议动作", "suggested_action"),
    }


@tool
def export_segment(
    ctx: Context,
    segment: str | None = None,
    scheme: Scheme | None = None,
    format: Literal["csv", "xlsx"] = "csv",
    include_personal: bool = False,
    holdout: float = 0.0,
) -> ToolResult:
    """Export a customer segment as a CSV/Excel campaign list (SMS, coupons, private-domain outreach).

    Only when a file or list is asked for. Formula-like cells are neutralised.
    Args:
        segment: key, zh/en name or alias ("hibernating", "沉睡客户"); required.
        scheme: rfm | cn8 | lifecycle when the name is ambiguous; default from the name.
        format: csv (default, UTF-8 BOM) | xlsx.
        include_personal: nickname and phone; only when the person ticked it in the app/CLI (default false).
        holdout: share 0-0.5 marked "control", not contacted (default 0; 0.2-0.3 advised).
    Example: "把沉睡客户导出成Excel，留20%对照组" -> {"segment": "沉睡客户", "format": "xlsx", "holdout": 0.2};
        "Export the at-risk customers" -> {"segment": "at_risk"}
    """
    if not segment:
        known = ", ".join(f"{s}: " + "/".join(_keys(s)) for s in SCHEMES)
        raise ToolError(
            "segment_required",
            f"Which segment should be exported? For example 'hibernating' or 'at_risk'. Known: {known}.",
            f"要导出哪个分群？例如“沉睡客户”或“流失期”。可用分群：{known}。",
        )
    if not 0 <= holdout <= MAX_HOLDOUT:
        raise ToolError(
            "bad_holdout",
            f"holdout must be between 0 and {MAX_HOLDOUT} (a share of the segment), not {holdout}.",
            f"对照组比例 holdout 需在 0 到 {MAX_HOLDOUT} 之间（占分群的比例），而不是 {holdout}。",
        )
    ctx.warehouse.require_tables("orders")
    members = segment_members(ctx, segment, scheme)
    rows, detail_sql = _member_rows(ctx, members)
    rows.insert(1, "segment", members.name)
    today = date.today().isoformat()
    if holdout > 0:
        salt = f"{members.scheme}.{members.key}"
        control = rows["customer_id"].map(lambda c: in_holdout(c, holdout, salt))
        rows["group"] = control.map(lambda is_control: ctx.t("对照组(不触达)", "control (do not contact)")
                                    if is_control else ctx.t("触达组", "treatment"))
    tactics = playbook_entry(members.scheme, members.key, ctx.language).get("tactics") or []
    rows["suggested_action"] = tactics[0] if tactics else ""
    for column in ("first_order_date", "last_order_date"):
        rows[column] = pd.to_datetime(rows[column]).dt.date  # a day, not midnight, in the file
    rows = rows.sort_values("monetary", ascending=False, kind="stable").reset_index(drop=True)
    names = _labels(ctx)
    table = rows.rename(columns=names)
    stem = f"{members.key}_{today}"
    n_control = int(control.sum()) if holdout > 0 else 0
    return ToolResult(
        answer=_answer(ctx, members, rows, format, n_control),
        tables=[Table("export", table)],
        sql=[members.sql, detail_sql],
        params={"segment": members.key, "scheme": members.scheme, "format": format,
                "include_personal": include_personal, "holdout": holdout, "rows": len(rows),
                "n_control": n_control, **_suggested_holdout(rows, holdout)},
        recommendations=_recommendations(ctx, members, rows, holdout),
        definitions=definitions.segments(members.scheme, ctx.language, [members.key]),
        files=[FileRequest("export", stem, format, personal=include_personal, contact_key=names["customer_id"],
                           contact_columns={c: names[c] for c in CONTACT_COLUMNS})],
    )


def _keys(scheme: str) -> list[str]:
    from tools import catalog

    return list(catalog.segments(scheme))


def _answer(ctx: Context, members: SegmentMembers, rows: pd.DataFrame, file_format: str, n_control: int) -> str:
    # Whether contact details made it into the file is the engine's call; it adds that sentence.
    lang = ctx.language
    n = fmt.number(len(rows), lang)
    spend = fmt.money(float(rows["monetary"].sum()), lang) if len(rows) else fmt.money(0, lang)
    kind = "Excel" if file_format == "xlsx" else "CSV"
    text = ctx.t(
        f"已导出{members.name} {n} 人（{kind} 文件），他们累计消费 {spend}。",
        f"Exported {n} customers in {members.name} ({kind} file); together they spent {spend}.",
    )
    if n_control:
        text += ctx.t(
            f"其中 {fmt.number(n_control, lang)} 人标为对照组，不要触达，活动后用 ab_test 对比两组。",
            f" {fmt.number(n_control, lang)} of them are marked control: do not contact them, and compare the "
            "two groups with ab_test after the campaign.",
        )
    return text


SUGGESTED_HOLDOUT = 0.2
MIN_ROWS_FOR_HOLDOUT = 200  # below this a control group is too small to measure anything


def _suggested_holdout(rows: pd.DataFrame, holdout: float) -> dict[str, Any]:
    """The control group the recommendations suggest when none was asked for (cited figures live in params)."""
    if holdout or len(rows) < MIN_ROWS_FOR_HOLDOUT:
        return {}
    return {"suggested_holdout": SUGGESTED_HOLDOUT, "suggested_control": round(len(rows) * SUGGESTED_HOLDOUT)}


def _recommendations(ctx: Context, members: SegmentMembers, rows: pd.DataFrame, holdout: float) -> list[str]:
    entry = playbook_entry(members.scheme, members.key, ctx.language)
    tips = [str(t) for t in (entry.get("tactics") or [])[:2]]
    suggested = _suggested_holdout(rows, holdout)
    if suggested:
        control = fmt.number(suggested["suggested_control"], ctx.language)
        share = fmt.percent(suggested["suggested_holdout"])
        tips.append(ctx.t(
            f"建议留 {share} 对照组（约 {control} 人）不触达，才能算出活动的真实增量。",
            f"Keep about {share} ({control} customers) as an untouched "
            "control group so the campaign's true lift can be measured.",
        ))
    return tips
