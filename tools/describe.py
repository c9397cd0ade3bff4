"""describe_data: what is in the dataset."""

from __future__ import annotations

from typing import Any

import pandas as pd

from tools import catalog, fmt
from tools.context import Context
from tools.registry import tool
from tools.result import ChartSpec, Table, ToolResult


def _column_description(table: str, column: str, language: str) -> str:
    described = catalog.schema_tables().get(table, {}).get("columns", {}).get(column)
    return described[language] if described else ""


def _table_description(table: str, language: str) -> str:
    described = catalog.schema_tables().get(table)
    return described[language] if described else ""


@tool
def describe_data(ctx: Context) -> ToolResult:
    """What data do we have? Tables, row counts, columns with types and meanings, the orders' date range.

    Use before run_sql, or when a question may need data that does not exist. No arguments.
    Example: "数据里有哪些表和字段？" -> {}; "What data do you have?" -> {}
    """
    wh, lang = ctx.warehouse, ctx.language
    counts = {name: wh.scalar(f'SELECT count(*) FROM "{name}"') for name in wh.tables}
    tables = pd.DataFrame(
        [(name, int(counts[name]), _table_description(name, lang)) for name in wh.tables],
        columns=["table", "rows", "description"],
    )
    columns = pd.DataFrame(
        [
            (name, column, dtype, _column_description(name, column, lang))
            for name, cols in wh.tables.items()
            for column, dtype in cols
        ],
        columns=["table", "column", "type", "description"],
    )
    parts = [
        ctx.t(
            f"数据集包含 {len(tables)} 张表，共 {fmt.number(tables['rows'].sum(), lang)} 行。",
            f"The dataset has {len(tables)} tables with {fmt.number(tables['rows'].sum(), lang)} rows in all.",
        )
    ]
    if wh.has_table("orders") and counts["orders"]:
        parts.append(
            ctx.t(
                f"订单时间范围：{wh.first_date} 至 {wh.anchor_date}；“最近30天”等说法以 {wh.anchor_date} 为截止日。",
                f"Orders run from {wh.first_date} to {wh.anchor_date}; phrases like 'last 30 days' "
                f"end on {wh.anchor_date}.",
            )
        )
    listing = "; ".join(f"{r.table} ({fmt.number(r.rows, lang)})" for r in tables.itertuples())
    parts.append(ctx.t(f"各表行数：{listing}。", f"Rows per table: {listing}."))
    return ToolResult(
        answer=" ".join(parts),
        tables=[Table("tables", tables), Table("columns", columns)],
        charts=[ChartSpec("bar", ctx.t("各表行数", "Rows per table"), "tables", "table", "rows")],
        sql=[f'SELECT count(*) FROM "{name}"' for name in wh.tables],
        params=_date_params(ctx),
    )


def _date_params(ctx: Context) -> dict[str, Any]:
    """The order date range the answer cites ('last 30 days' is the example phrase it explains)."""
    wh = ctx.warehouse
    if not (wh.has_table("orders") and wh.scalar('SELECT count(*) FROM "orders"')):
        return {}
    return {"first_order_date": str(wh.first_date), "anchor_date": str(wh.anchor_date), "example_days": 30}
