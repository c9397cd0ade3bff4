"""run_sql: one read-only SELECT, validated by parsing and run on the locked connection."""

from __future__ import annotations

from tools import fmt
from tools.context import Context
from tools.registry import tool
from tools.result import Table, ToolResult
from tools.sql_guard import validate_select

DEFAULT_ROW_CAP = 1000
ONE_VALUE_CHARS = 200  # a single value is also said in the answer's sentence, this long at most
MAX_ROW_CAP = 10_000


@tool
def run_sql(ctx: Context, sql: str, limit: int = DEFAULT_ROW_CAP) -> ToolResult:
    """Anything the other tools cannot answer: one read-only DuckDB SELECT over the dataset's tables.

    Last resort. Only SELECT (CTEs, joins, window functions) over known tables; describe_data lists columns.
    Args:
        sql: the SELECT statement; required.
        limit: max rows returned (1-10000, default 1000).
    Example: "每个获客渠道有多少客户？" -> {"sql": "SELECT channel, count(*) FROM customers GROUP BY 1"};
        "Orders per status" -> {"sql": "SELECT status, count(*) FROM orders GROUP BY 1"}
    """
    cap = max(1, min(int(limit), MAX_ROW_CAP))
    sql = sql.strip()
    validate_select(sql, set(ctx.warehouse.tables))
    ctx.warehouse.check_select(sql)
    result = ctx.warehouse.query_untrusted(sql, max_rows=cap)
    rows = len(result.df)
    shown_cap, shown_rows = fmt.number(cap, ctx.language), fmt.number(rows, ctx.language)
    if result.truncated:
        answer = ctx.t(
            f"查询返回超过 {shown_cap} 行，仅显示前 {shown_cap} 行（已截断）。",
            f"The query returned more than {shown_cap} rows; showing the first {shown_cap} (truncated).",
        )
    else:
        answer = ctx.t(f"查询返回 {shown_rows} 行。", f"The query returned {shown_rows} row{'s' if rows != 1 else ''}.")
    if rows == 1 and len(result.df.columns) == 1:
        value = str(result.df.iat[0, 0])
        value = value if len(value) <= ONE_VALUE_CHARS else value[:ONE_VALUE_CHARS] + "…"  # the table has it all
        answer += ctx.t(f"结果：{value}。", f" Result: {value}.")
    return ToolResult(
        answer=answer, tables=[Table("result", result.df, result.truncated)], sql=[sql]
    )
