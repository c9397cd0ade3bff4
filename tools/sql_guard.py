"""Parse-time allow-list for model- or user-written SQL (the first of two layers; the locked
connection is the second). One read-only statement, known tables, known functions only."""

from __future__ import annotations

import logging
from functools import lru_cache

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError

from tools.privacy import is_personal_column
from tools.result import ToolError

# sqlglot logs a warning when it falls back to a Command node; we refuse those nodes anyway.
logging.getLogger("sqlglot").setLevel(logging.ERROR)

MAX_SQL_CHARS = 20_000

# Written as calls so the allow-list follows how sqlglot names each function, whatever its class.
_ALLOWED_CALL_SAMPLES = """
count(x), count(distinct x), sum(x), avg(x), min(x), max(x), median(x), mode(x), stddev(x),
stddev_samp(x), stddev_pop(x), variance(x), var_samp(x), var_pop(x), quantile_cont(x, 0.5),
quantile_disc(x, 0.5), percentile_cont(0.5) within group (order by x), approx_count_distinct(x),
approx_quantile(x, 0.5), arg_max(x, y), arg_min(x, y), max_by(x, y), min_by(x, y), first(x), last(x),
any_value(x), list(x), array_agg(x), string_agg(x, ','), listagg(x, ','), group_concat(x), bool_and(x),
bool_or(x), corr(x, y), covar_pop(x, y), covar_samp(x, y), regr_slope(x, y), regr_intercept(x, y),
regr_r2(x, y), entropy(x), kurtosis(x), skewness(x), histogram(x), count_if(x), sum_if(x, y), avg_if(x, y),
row_number(), rank(), dense_rank(), percent_rank(), cume_dist(), ntile(5), lag(x), lead(x),
first_value(x), last_value(x), nth_value(x, 2),
abs(x), round(x, 2), ceil(x), ceiling(x), floor(x), trunc(x), sqrt(x), cbrt(x), pow(x, 2), power(x, 2), exp(x),
ln(x), log(x), log10(x), log2(x), sign(x), greatest(x, y), least(x, y), mod(x, y), div(x, y),
coalesce(x, y), nullif(x, y), ifnull(x, y), if(x, y, z), iff(x, y, z), cast(x as int), try_cast(x as int),
x::int, case when x then y else z end, isnan(x), isinf(x), gcd(x, y), lcm(x, y), random(), bit_count(x),
lower(x), upper(x), lcase(x), ucase(x), length(x), strlen(x), char_length(x), substr(x, 1, 2),
substring(x, 1, 2), left(x, 2), right(x, 2), trim(x), ltrim(x), rtrim(x), replace(x, 'a', 'b'), concat(x, y),
concat_ws(',', x, y), x || y, lpad(x, 2, '0'), rpad(x, 2, '0'), reverse(x), repeat(x, 2), position('a' in x),
strpos(x, 'a'), instr(x, 'a'), contains(x, 'a'), starts_with(x, 'a'), ends_with(x, 'a'), prefix(x, 'a'),
suffix(x, 'a'), split_part(x, ',', 1), string_split(x, ','), str_split(x, ','), regexp_matches(x, 'a'),
regexp_replace(x, 'a', 'b'), regexp_extract(x, 'a'), format('{}', x), printf('%s', x), md5(x), hash(x),
x like 'a', x ilike 'a', x similar to 'a', x glob 'a', unicode(x), ascii(x), chr(65), to_base(x, 2),
date_trunc('month', x), datetrunc('month', x), date_part('year', x), datepart('year', x),
extract(year from x), year(x), month(x), day(x), dayofweek(x), dayofmonth(x), dayofyear(x), week(x),
weekofyear(x), weekday(x), quarter(x), hour(x), minute(x), second(x), isodow(x), isoyear(x),
yearweek(x), epoch(x), epoch_ms(x), make_date(2024, 1, 1), make_timestamp(2024, 1, 1, 0, 0, 0),
date_diff('day', x, y), datediff('day', x, y), date_sub('day', x, y), datesub('day', x, y),
date_add(x, interval 1 day), x + interval 1 day, age(x, y), last_day(x), dayname(x), monthname(x),
strftime(x, '%Y'), strptime(x, '%Y'), try_strptime(x, '%Y'), to_timestamp(x), to_date(x),
current_date, current_timestamp, now(), today(), get_current_timestamp(), time_bucket(interval 1 day, x),
to_days(1), to_hours(1), to_months(1), to_years(1), to_weeks(1), to_minutes(1),
generate_series(1, 10), range(1, 10), unnest(x), list_value(1, 2), list_contains(x, 1), len(x),
array_length(x), list_extract(x, 1), list_sort(x), list_distinct(x), list_aggregate(x, 'sum'),
struct_pack(a := 1), row(1, 2), x[1], x in (1, 2), x between 1 and 2, x is null, exists (select 1),
typeof(x)
"""


@lru_cache(maxsize=1)
def allowed_function_keys() -> frozenset[str]:
    # The samples form one valid select list, so a single parse covers them all.
    tree = sqlglot.parse_one(f"SELECT {_ALLOWED_CALL_SAMPLES}", read="duckdb")
    return frozenset(function_key(node) for node in tree.find_all(exp.Func))


def function_key(node: exp.Func) -> str:
    """How a call is told apart: an unknown name by its text, a known function by its sqlglot type."""
    if isinstance(node, exp.Anonymous):
        return f"anon:{node.name.lower()}"
    return f"typed:{type(node).__name__}"


def _function_label(node: exp.Func) -> str:
    return node.name if isinstance(node, exp.Anonymous) else node.sql_name()


_FORBIDDEN_NODES: tuple[type[exp.Expression], ...] = (
    exp.Command, exp.Insert, exp.Update, exp.Delete, exp.Create, exp.Drop, exp.Alter, exp.Merge,
    exp.Copy, exp.Into, exp.Pragma, exp.Set, exp.Use, exp.Attach, exp.Detach, exp.Transaction,
    exp.Commit, exp.Rollback, exp.Describe, exp.LoadData, exp.Export, exp.Install,
)


def _refuse(code: str, en: str, zh: str) -> ToolError:
    return ToolError(code, en, zh)


def _parse_single_statement(sql: str) -> exp.Expression:
    try:
        statements = [s for s in sqlglot.parse(sql, read="duckdb") if s is not None]
    except ParseError as error:
        first = str(error).splitlines()[0]
        raise _refuse(
            "sql_syntax",
            f"The SQL could not be parsed: {first}. Write one SELECT statement.",
            f"无法解析该 SQL：{first}。请写一条 SELECT 语句。",
        ) from None
    if not statements:
        raise _refuse("sql_empty", "The SQL is empty.", "SQL 为空。")
    if len(statements) > 1:
        raise _refuse(
            "sql_multiple_statements",
            f"Only one statement is allowed; this has {len(statements)}.",
            f"只允许一条语句，这里有 {len(statements)} 条。",
        )
    return statements[0]


def _check_root(tree: exp.Expression) -> None:
    if not isinstance(tree, exp.Query) or isinstance(tree, exp.Subquery):
        kind = tree.key.upper()
        raise _refuse(
            "sql_not_select",
            f"Only read-only SELECT queries are allowed (got {kind}).",
            f"只允许只读的 SELECT 查询（收到的是 {kind}）。",
        )


def _check_nodes(tree: exp.Expression) -> None:
    for node in tree.walk():
        if isinstance(node, _FORBIDDEN_NODES):
            kind = str(node.this).split()[0].upper() if isinstance(node, exp.Command) else node.key.upper()
            raise _refuse(
                "sql_not_read_only",
                f"{kind} is not allowed: only read-only SELECT queries can run.",
                f"不允许 {kind}：只能运行只读的 SELECT 查询。",
            )


def _check_functions(tree: exp.Expression) -> None:
    allowed = allowed_function_keys()
    for node in tree.find_all(exp.Func):
        if function_key(node) not in allowed:
            label = _function_label(node)
            raise _refuse(
                "sql_function_not_allowed",
                f"The function {label}() is not allowed here (no file, network, setting or "
                "nested-query functions).",
                f"不允许使用函数 {label}()（禁止读取文件、网络、设置或嵌套查询类函数）。",
            )


def _cte_names(tree: exp.Expression) -> set[str]:
    return {cte.alias_or_name.lower() for cte in tree.find_all(exp.CTE)}


def _check_tables(tree: exp.Expression, known_tables: set[str]) -> None:
    ctes = _cte_names(tree)
    known = {t.lower() for t in known_tables}
    for table in tree.find_all(exp.Table):
        if not isinstance(table.this, exp.Identifier):
            raise _refuse(
                "sql_table_function",
                "Reading from files or table functions is not allowed; query the dataset's tables.",
                "不允许从文件或表函数读取数据，请查询数据集中的表。",
            )
        name = table.name.lower()
        qualifier = (table.db or "").lower()
        if table.catalog or qualifier not in ("", "main") or (name not in known and name not in ctes):
            available = ", ".join(sorted(known_tables))
            raise _refuse(
                "sql_unknown_table",
                f"Unknown table '{table.sql(dialect='duckdb')}'. Available tables: {available}.",
                f"未知的表“{table.sql(dialect='duckdb')}”。可用的表：{available}。",
            )


# Personal columns whose values the pattern masking recognises anywhere (so any alias is safe).
_PATTERN_MASKED = ("phone", "mobile", "telephone", "email", "id_card", "idcard", "手机", "电话", "邮箱", "身份证")
_FILTERING = (exp.Where, exp.Having, exp.Join, exp.Group, exp.Order, exp.Qualify)


def _personal_use_ok(column: exp.Column, root: exp.Expression) -> bool:
    """A personal column may be shown as it is (then masked by name or pattern), counted, or used
    to filter, join, group or sort; not transformed (reverse, substr, cast, list) nor renamed
    (a phone column may take another name in the final select list: its values stay masked)."""
    parent = column.parent
    if isinstance(parent, exp.Select):
        return True
    if isinstance(parent, exp.Alias) and isinstance(parent.parent, exp.Select):
        final = parent.parent is root and any(w in column.name.lower() for w in _PATTERN_MASKED)
        return is_personal_column(parent.alias) or final
    if isinstance(parent, exp.Distinct):
        parent = parent.parent
    if isinstance(parent, (exp.Count, exp.ApproxDistinct)):
        return True
    node = column.parent
    while node is not None and not isinstance(node, exp.Select):
        if isinstance(node, _FILTERING):
            return True
        node = node.parent
    return False


def _check_personal(tree: exp.Expression, known_tables: set[str]) -> None:
    rows = {t.lower() for t in known_tables} | _cte_names(tree)
    for alias in tree.find_all(exp.TableAlias):
        source = alias.parent.this if isinstance(alias.parent, (exp.CTE, exp.Subquery)) else None
        hides = source is None or any(is_personal_column(c.name) for c in source.find_all(exp.Column))
        if alias.columns and hides:  # t(a, b) would rename a personal column out of sight
            raise _refuse(
                "sql_not_supported",
                "Renaming a table's or personal columns in an alias (t(a, b)) is not supported; use AS "
                "inside the query.",
                "不支持在别名中重命名表的列或个人信息列（t(a, b)），请在查询内使用 AS。",
            )
    for column in tree.find_all(exp.Column):
        if not column.table and column.name.lower() in rows:
            raise _refuse(
                "sql_whole_row",
                f"Selecting the whole row {column.name} as one value is not supported; name the columns.",
                f"不支持把整行 {column.name} 作为一个值查询，请列出需要的列。",
            )
        if is_personal_column(column.name) and not _personal_use_ok(column, tree):
            raise _refuse(
                "sql_personal_data",
                f"The personal column {column.name} can only be shown as it is (masked), counted or used "
                "in a filter; it cannot be transformed, cast, combined or renamed.",
                f"个人信息列 {column.name} 只能原样显示（已打码）、计数或用于筛选，不能变换、转换类型、拼接或改名。",
            )


def validate_select(sql: str, known_tables: set[str]) -> str:
    """Return the SQL if it is one read-only SELECT over known tables; raise ToolError otherwise."""
    if len(sql) > MAX_SQL_CHARS:
        raise _refuse(
            "sql_too_long",
            f"The SQL is {len(sql):,} characters; the limit is {MAX_SQL_CHARS:,}.",
            f"SQL 长度为 {len(sql):,} 个字符，超过上限 {MAX_SQL_CHARS:,}。",
        )
    tree = _parse_single_statement(sql)
    _check_nodes(tree)
    _check_root(tree)
    _check_functions(tree)
    _check_tables(tree, known_tables)
    _check_personal(tree, known_tables)
    return sql
