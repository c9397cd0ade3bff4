"""Parse-time allow-list for model- or user-written SQL (the first of two layers; the locked
connection is the second). One read-only statement, known tables, known functions only."""

from __future__ import annotations

import logging
from functools import lru_cache

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError

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
regr_r2(x, y), entropy(x), kurtosis(x), skewness(x), histogram(x), count_if(x),
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
typeof(x), (select 1 from unnest([1])), x -> '$.a', x ->> 'a', json_extract(x, '$.a'),
json_extract_string(x, '$.a'), x ~ 'a', regexp_full_match(x, 'a'), x @> y, x && y, x collate nocase,
array_slice(x, 1, 2), list_slice(x, 1, 2), x[1:2], list_has(x, 1), array_has(x, 1), list_has_any(x, y),
array_to_string(x, ','), string_to_array(x, ','), regexp_split_to_array(x, ','), flatten(x),
list_transform(x, y -> y + 1), list_filter(x, y -> y > 1), translate(x, 'a', 'b'), product(x),
bit_and(x), bit_or(x), bit_xor(x), arbitrary(x), cardinality(x), isfinite(x), round_even(x, 2),
century(x), decade(x), millennium(x), epoch_us(x), make_time(1, 2, 3), current_time, date_add(x, 1),
to_json(x), json_array_length(x), struct_extract(x, 'a'), levenshtein(x, y), editdistance(x, y),
quantile(x, 0.5), mean(x), list_sum(x), list_avg(x), list_min(x), list_max(x), list_position(x, 1),
list_concat(x, y), pi(), count_star(), columns('a')
"""


@lru_cache(maxsize=1)
def allowed_function_keys() -> frozenset[str]:
    # The samples form one valid select list, so a single parse covers them all.
    tree = sqlglot.parse_one(f"SELECT {_ALLOWED_CALL_SAMPLES}", read="duckdb")
    return frozenset(function_key(node) for node in calls(tree))


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
    if isinstance(tree, exp.Pivot):
        return  # DuckDB's PIVOT statement: a query written another way (its parts are checked like any)
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


def calls(tree: exp.Expression):
    """The function calls in a tree. AND / OR / XOR are operators, though sqlglot 30 models them as
    exp.Func subclasses: counting them as calls refused every query with a compound WHERE."""
    return (node for node in tree.find_all(exp.Func) if not isinstance(node, exp.Connector))


def _check_functions(tree: exp.Expression) -> None:
    allowed = allowed_function_keys()
    for node in calls(tree):
        if function_key(node) not in allowed:
            label = _function_label(node)
            raise _refuse(
                "sql_function_not_allowed",
                f"The function {label}() is not allowed here (no file, network, setting or "
                "nested-query functions).",
                f"不允许使用函数 {label}()（禁止读取文件、网络、设置或嵌套查询类函数）。",
            )


# Table functions that only generate rows from their arguments; every other one (read_csv, query,
# duckdb_settings...) reads something and is refused.
_TABLE_FUNCTIONS = (exp.GenerateSeries, exp.Unnest, exp.ExplodingGenerateSeries)


def _cte_names(tree: exp.Expression) -> set[str]:
    return {cte.alias_or_name.lower() for cte in tree.find_all(exp.CTE)}


def _check_tables(tree: exp.Expression, known_tables: set[str]) -> None:
    ctes = _cte_names(tree)
    known = {t.lower() for t in known_tables}
    for table in tree.find_all(exp.Table):
        if isinstance(table.this, _TABLE_FUNCTIONS):
            continue  # generated rows (a date spine, unnest): their arguments pass the function checks
        if not isinstance(table.this, exp.Identifier):
            raise _refuse(
                "sql_table_function",
                "Reading from files or table functions is not allowed; query the dataset's tables.",
                "不允许从文件或表函数读取数据，请查询数据集中的表。",
            )
        name = table.name.lower()
        qualifier = (table.db or "").lower()
        # A CTE's name counts only unqualified: `main.x` is always the stored table x, even when a
        # CTE is also called x (WITH x AS (...) SELECT * FROM main.x read a hidden table).
        visible = name in known or (not qualifier and name in ctes)
        if table.catalog or qualifier not in ("", "main") or not visible:
            available = ", ".join(sorted(known_tables))
            raise _refuse(
                "sql_unknown_table",
                f"Unknown table '{table.sql(dialect='duckdb')}'. Available tables: {available}.",
                f"未知的表“{table.sql(dialect='duckdb')}”。可用的表：{available}。",
            )


# List- and string-building functions allocate outside DuckDB's memory limit: `len(range(1,
# 150000000))` once took a server past 13 GB with a 4 GB limit. Literal sizes past these caps are
# refused here with a clear message; sizes only known at run time are bounded by the worker
# process's memory limit (tools.sql_worker).
MAX_SERIES_ELEMENTS = 1_000_000
MAX_BUILT_CHARS = 100_000
_UNITS_IN_SECONDS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400, "week": 7 * 86400,
                     "month": 28 * 86400, "quarter": 89 * 86400, "year": 365 * 86400}


def _number(node: exp.Expression | None) -> float | None:
    """A numeric literal (with its sign), else None."""
    if isinstance(node, exp.Neg):
        value = _number(node.this)
        return None if value is None else -value
    if isinstance(node, exp.Paren):
        return _number(node.this)
    if isinstance(node, exp.Literal) and node.is_number:
        try:
            return float(node.this)
        except ValueError:
            return None
    return None


def _seconds(node: exp.Expression | None) -> float | None:
    """A date/timestamp literal as seconds, an interval literal as its length in seconds, or a number."""
    if isinstance(node, exp.Cast) and isinstance(node.this, exp.Literal) and node.this.is_string:
        try:
            from datetime import datetime

            return datetime.fromisoformat(node.this.this.strip()).timestamp()
        except ValueError:
            return None
    if isinstance(node, exp.Interval):
        amount = _number(node.this) if not (isinstance(node.this, exp.Literal) and node.this.is_string) \
            else _number(exp.Literal.number(node.this.this.split()[0])) if node.this.this.split() else None
        unit = (node.unit.name if node.unit else "").lower().rstrip("s")
        if amount is None or unit not in _UNITS_IN_SECONDS:
            return None
        return amount * _UNITS_IN_SECONDS[unit]
    return _number(node)


def _series_size(node: exp.GenerateSeries) -> float | None:
    start, end, step = node.args.get("start"), node.args.get("end"), node.args.get("step")
    if end is None:  # range(10): from 0 to 10
        start, end = exp.Literal.number(0), start
    low, high = _seconds(start), _seconds(end)
    stride = _seconds(step) if step is not None else (86400.0 if isinstance(start, exp.Cast) else 1.0)
    if low is None or high is None or not stride:
        return None
    return abs(high - low) / abs(stride)


def _check_sizes(tree: exp.Expression) -> None:
    for node in tree.find_all(exp.GenerateSeries):
        size = _series_size(node)
        if size is not None and size > MAX_SERIES_ELEMENTS:
            raise _refuse(
                "sql_too_large",
                f"This series would have about {size:,.0f} elements; the limit is {MAX_SERIES_ELEMENTS:,}. "
                "Use a shorter range or a larger step.",
                f"该序列约有 {size:,.0f} 个元素，上限为 {MAX_SERIES_ELEMENTS:,}。请缩短范围或加大步长。",
            )
    for node in tree.find_all(exp.Repeat, exp.Pad):
        length = _number(node.args.get("times") if isinstance(node, exp.Repeat) else node.expression)
        if length is not None and length > MAX_BUILT_CHARS:
            name = "repeat" if isinstance(node, exp.Repeat) else "lpad" if node.args.get("is_left") else "rpad"
            raise _refuse(
                "sql_too_large",
                f"{name}() would build a value of {length:,.0f} characters; the limit is "
                f"{MAX_BUILT_CHARS:,}.",
                f"{name}() 会生成 {length:,.0f} 个字符的值，上限为 {MAX_BUILT_CHARS:,}。",
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
    _check_sizes(tree)
    return sql
