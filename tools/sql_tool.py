"""run_sql: one read-only SELECT, validated by parsing and run on the locked connection."""

from __future__ import annotations

import duckdb

from tools import fmt
from tools.context import Context
from tools.registry import tool
from tools.result import Table, ToolError, ToolResult
from tools.sql_guard import validate_select

DEFAULT_ROW_CAP = 1000
MAX_ROW_CAP = 10_000


def _engine_statement_check(ctx: Context, sql: str) -> None:
    """DuckDB's own parser is the second opinion: exactly one SELECT statement."""
    try:
        statements = ctx.warehouse.cursor().extract_statements(sql)
    except duckdb.Error as error:
        message = str(error).splitlines()[0]
        raise ToolError(
            "sql_syntax", f"The SQL could not be parsed: {message}", f"无法解析该 SQL：{message}"
        ) from None
    if len(statements) != 1 or statements[0].type != duckdb.StatementType.SELECT:
        raise ToolError(
            "sql_not_read_only",
            "Only one read-only SELECT statement can run.",
            "只能运行一条只读的 SELECT 语句。",
        )


@tool
def run_sql(ctx: Context, sql: str, limit: int = DEFAULT_ROW_CAP) -> ToolResult:
    """Run one read-only SQL SELECT (DuckDB dialect) over the dataset's tables and return the rows.

    Only SELECT (with CTEs, joins, window functions) over known tables is allowed; no file,
    network or settings access. Results are capped at `limit` rows (max 10000) and the answer
    says when rows were cut. Prefer the dedicated tools for metrics and segments.

    Args:
        sql: the SELECT statement, e.g. "SELECT count(*) FROM orders".
        limit: maximum number of rows to return (1-10000, default 1000).

    Example question: "select host_id, sum(pay_amount) from orders group by 1 order by 2 desc limit 5"
    """
    cap = max(1, min(int(limit), MAX_ROW_CAP))
    sql = sql.strip()
    validate_select(sql, set(ctx.warehouse.tables))
    _engine_statement_check(ctx, sql)
    result = ctx.warehouse.query(sql, max_rows=cap)
    rows = len(result.df)
    if result.truncated:
        answer = ctx.t(
            f"查询返回超过 {fmt.number(cap, 'en')} 行，仅显示前 {fmt.number(cap, 'en')} 行（已截断）。",
            f"The query returned more than {cap:,} rows; showing the first {cap:,} (truncated).",
        )
    else:
        answer = ctx.t(f"查询返回 {rows:,} 行。", f"The query returned {rows:,} row{'s' if rows != 1 else ''}.")
    if rows == 1 and len(result.df.columns) == 1:
        value = result.df.iat[0, 0]
        answer += ctx.t(f"结果：{value}。", f" Result: {value}.")
    return ToolResult(
        answer=answer, tables=[Table("result", result.df, result.truncated)], sql=[sql]
    )
