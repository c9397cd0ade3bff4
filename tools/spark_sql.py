"""DuckDB-dialect SQL (how every tool writes it) -> Spark SQL: sqlglot's transpiler plus the rewrites
the tools need, and the DuckDB functions that Spark lacks or computes differently.

Each rewrite names the DuckDB behaviour it keeps; tests/test_spark_sql.py pins every one, so a
sqlglot upgrade that changes the output fails there first. Adding ClickHouse or Trino means a
sibling module of this shape (docs/engines.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import sqlglot
from sqlglot import exp
from sqlglot.dialects.spark import Spark
from sqlglot.errors import ParseError
from sqlglot.generators.spark import SparkGenerator

from tools.result import ToolError
from tools.sql_guard import function_key


class Spark3(Spark):
    """Spark 3+ accepts WITH inside subqueries. sqlglot's Spark inherits Hive's hoisting of nested
    CTEs to the top, which clashes when two subqueries reuse CTE names (lifecycle_stages does)."""

    class Generator(SparkGenerator):
        EXPRESSIONS_WITHOUT_NESTED_CTES: set = set()


@dataclass(frozen=True)
class SparkStatement:
    sql: str
    args: dict[str, Any] | None  # named parameters :p1, :p2 … (Spark cannot mix positional and named)


# DuckDB functions the run_sql allow-list accepts but Spark lacks, or answers differently
# (found by running every allow-listed sample on both engines: tests/test_engine_functions.py).
_SPARK_UNAVAILABLE_SAMPLES = """
kurtosis(x), skewness(x), entropy(x), histogram(x), hash(x), format('{}', x), typeof(x),
dayofweek(x), weekday(x), isodow(x), dayname(x), monthname(x), week(x), isoyear(x), yearweek(x),
to_timestamp(x), epoch_ms(x), date_sub('day', x, y), datesub('day', x, y), age(x, y),
try_strptime(x, '%Y'), strptime(x, '%Y'), get_current_timestamp(), time_bucket(INTERVAL 1 DAY, x),
to_days(1), to_hours(1), to_minutes(1), to_weeks(1), to_months(1), to_years(1),
isinf(x), gcd(x, y), lcm(x, y), strlen(x), prefix(x, 'a'), suffix(x, 'a'), to_base(x, 2),
list_extract(x, 1), list_aggregate(x, 'sum'), row(1, 2),
x -> '$.a', x ->> 'a', json_extract(x, '$.a'), json_extract_string(x, '$.a'), to_json(x), json_array_length(x),
regexp_full_match(x, 'a'), regexp_split_to_array(x, ','), x @> y, x && y, list_has_any(x, y), x collate nocase,
array_slice(x, 1, 2), list_slice(x, 1, 2), flatten(x), struct_extract(x, 'a'), product(x), arbitrary(x),
isfinite(x), round_even(x, 2), century(x), decade(x), millennium(x), epoch_us(x), make_time(1, 2, 3),
current_time, editdistance(x, y), list_sum(x), list_avg(x), list_position(x, 1), count_star(), columns('a')
"""
_UNAVAILABLE_LABELS: dict[type[exp.Expression], str] = {exp.SimilarTo: "SIMILAR TO", exp.Glob: "GLOB",
                                                        exp.Slice: "x[a:b] slicing"}
_UNAVAILABLE_NODES = tuple(_UNAVAILABLE_LABELS)


@lru_cache(maxsize=1)
def _unavailable_keys() -> frozenset[str]:
    tree = sqlglot.parse_one(f"SELECT {_SPARK_UNAVAILABLE_SAMPLES}", read="duckdb")
    return frozenset(function_key(node) for node in tree.find_all(exp.Func))


# strptime with only these codes becomes Spark's to_timestamp with the same meaning; other codes
# (%b month names, %j, %-d, time zones) parse differently and stay refused.
_PLAIN_STRPTIME = re.compile(r"^(?:%[YmdHMS]|[-/:. T])+$")


def _plain_strptime(node: exp.Expression) -> bool:
    fmt = node.args.get("format") if isinstance(node, exp.StrToTime) else None
    return isinstance(fmt, exp.Literal) and fmt.is_string and bool(_PLAIN_STRPTIME.match(fmt.this))


def refuse_unavailable(tree: exp.Expression) -> None:
    """A clear refusal for what Spark cannot compute the way DuckDB does (instead of a wrong number)."""
    keys = _unavailable_keys()
    for node in tree.find_all(exp.Func, *_UNAVAILABLE_NODES):
        if _plain_strptime(node):
            continue
        unavailable = isinstance(node, _UNAVAILABLE_NODES) or function_key(node) in keys
        ordered_quantile = isinstance(node, exp.PercentileCont) and node.find(exp.Order) is not None
        if unavailable or ordered_quantile:
            label = _UNAVAILABLE_LABELS.get(type(node)) or node.sql(dialect="duckdb").split("(")[0].upper()
            raise ToolError(
                "sql_not_on_engine",
                f"{label} is not available on the Spark engine (Spark lacks it or computes it differently). "
                "Rewrite the query without it, or ask on the DuckDB engine.",
                f"Spark 引擎不支持 {label}（Spark 没有该函数或计算方式不同）。请改写查询，或在 DuckDB 引擎上查询。",
            )


def _top_n(node: exp.Expression) -> exp.Expression:
    """DuckDB min(x, n) / max(x, n) is the sorted list of the n smallest / largest values."""
    if isinstance(node, (exp.Min, exp.Max)) and node.args.get("count") is not None:
        ascending = isinstance(node, exp.Min)
        collected = exp.Anonymous(this="collect_list", expressions=[node.this.copy()])
        ordered = exp.Anonymous(this="sort_array", expressions=[collected, exp.Boolean(this=ascending)])
        return exp.Anonymous(this="slice", expressions=[ordered, exp.Literal.number(1), node.args["count"].copy()])
    return node


def _percentile(node: exp.Expression) -> exp.Expression | None:
    # sqlglot writes PERCENTILE_CONT(x, p) (not Spark) or PERCENTILE_APPROX (approximate): Spark's
    # exact percentile(x, p) interpolates as DuckDB's quantile_cont does.
    if isinstance(node, exp.WithinGroup) and isinstance(node.this, exp.PercentileCont):
        return exp.Anonymous(this="percentile", expressions=[node.expression.expressions[0].this.copy(),
                                                             node.this.this.copy()])
    if isinstance(node, exp.PercentileCont) and node.expression is not None:
        return exp.Anonymous(this="percentile", expressions=[node.this.copy(), node.expression.copy()])
    if isinstance(node, exp.PercentileDisc) and node.expression is not None:
        return exp.WithinGroup(this=exp.Anonymous(this="percentile_disc", expressions=[node.expression.copy()]),
                               expression=exp.Order(expressions=[exp.Ordered(this=node.this.copy())]))
    return None


def _functions(node: exp.Expression) -> exp.Expression:
    percentile = _percentile(node)
    if percentile is not None:
        return percentile
    # log(x) is base 10 in DuckDB and natural in Spark.
    if isinstance(node, exp.Log) and node.args.get("expression") is None:
        return exp.Log(this=exp.Literal.number(10), expression=node.this.copy())
    # list[i] past the end is NULL in DuckDB and an error in ANSI Spark; get() gives NULL (sqlglot
    # has already made the index 0-based).
    if isinstance(node, exp.Bracket) and len(node.expressions) == 1 and node.expressions[0].is_int:
        return exp.Anonymous(this="get", expressions=[node.this.copy(), node.expressions[0].copy()])
    # arg_max(r, key) with r a whole row of the table aliased r: Spark spells the row struct(r.*).
    if isinstance(node, (exp.ArgMax, exp.ArgMin)) and isinstance(node.this, exp.Column) and not node.this.table:
        select = node.find_ancestor(exp.Select)
        aliases = {source.alias_or_name for source in (select.find_all(exp.Table) if select else [])}
        if node.this.name in aliases:
            row = exp.Column(this=exp.Star(), table=exp.to_identifier(node.this.name))
            node.this.replace(exp.Anonymous(this="struct", expressions=[row]))
    return node


def _year(node: exp.Expression) -> exp.Expression:
    return exp.Anonymous(this="year", expressions=[node.copy()])


def _date_diff(node: exp.Expression) -> exp.Expression:
    """DuckDB's date_diff counts the unit's boundaries crossed (23:00 to 01:00 next day is 1 day);
    Spark's DATEDIFF(unit, a, b) counts whole units elapsed (0 days). Spelled out per unit."""
    if not isinstance(node, exp.DateDiff):
        return node
    unit = (node.unit.name if node.unit is not None else "DAY").upper()
    end, start = node.this, node.expression

    def call(name: str, *args: exp.Expression) -> exp.Expression:
        return exp.Anonymous(this=name, expressions=[a.copy() for a in args])

    def days() -> exp.Expression:
        return call("datediff", exp.cast(end, "DATE"), exp.cast(start, "DATE"))

    def part_diff(name: str) -> exp.Expression:
        return exp.Paren(this=exp.Sub(this=call(name, end), expression=call(name, start)))

    if unit in ("DAY", "DAYS", "D"):
        return days()
    if unit in ("WEEK", "WEEKS"):
        return exp.cast(exp.Div(this=days(), expression=exp.Literal.number(7)), "BIGINT")
    if unit in ("YEAR", "YEARS"):
        return part_diff("year")
    if unit in ("MONTH", "MONTHS", "QUARTER", "QUARTERS"):
        per_year, name = (12, "month") if unit.startswith("MONTH") else (4, "quarter")
        return exp.Paren(this=exp.Add(this=exp.Mul(this=part_diff("year"), expression=exp.Literal.number(per_year)),
                                      expression=part_diff(name)))
    seconds = {"HOUR": 3600, "HOURS": 3600, "MINUTE": 60, "MINUTES": 60, "SECOND": 1, "SECONDS": 1}.get(unit)
    if seconds is None:
        return node

    def bucket(value: exp.Expression) -> exp.Expression:
        epoch = call("unix_timestamp", value)
        return call("floor", exp.Div(this=epoch, expression=exp.Literal.number(seconds)))

    return exp.Paren(this=exp.Sub(this=bucket(end), expression=bucket(start)))


# EXTRACT fields DuckDB numbers differently from Spark, or Spark names differently.
_EXTRACT_FIELDS = {"ISODOW": "DAYOFWEEK_ISO", "ISOYEAR": "YEAROFWEEK"}


def _extract(node: exp.Expression) -> exp.Expression:
    if not isinstance(node, exp.Extract) or not isinstance(node.this, exp.Var):
        return node
    field = node.this.name.upper()
    if field in _EXTRACT_FIELDS:
        return exp.Extract(this=exp.var(_EXTRACT_FIELDS[field]), expression=node.expression.copy())
    if field in ("DOW", "DAYOFWEEK"):  # DuckDB: Sunday 0 .. Saturday 6; Spark: Sunday 1 .. Saturday 7
        return exp.Paren(this=exp.Sub(this=exp.Extract(this=exp.var("DAYOFWEEK"), expression=node.expression.copy()),
                                      expression=exp.Literal.number(1)))
    if field == "SECOND":  # DuckDB: whole seconds; Spark: seconds with their fraction
        return exp.cast(exp.Extract(this=exp.var("SECOND"), expression=node.expression.copy()), "INT")
    return node


def _average(node: exp.Expression) -> exp.Expression:
    """avg() is a DOUBLE in DuckDB whatever it averages; Spark keeps DECIMAL with 4 more digits, so
    avg(CASE WHEN ... THEN 1.0 ELSE 0.0 END) came back as 0.06636 instead of 0.0663606..."""
    if isinstance(node, exp.Avg) and not isinstance(node.this, (exp.Cast, exp.Distinct)):
        node.set("this", exp.cast(node.this.copy(), "DOUBLE"))
    return node


def _series_table(node: exp.Expression) -> exp.Expression:
    """FROM generate_series(a, b, step) t(d) / range(...): a subquery over Spark's
    explode(sequence(...)). DuckDB's range() stops before its end; sequence() includes it."""
    if not isinstance(node, exp.Table) or not isinstance(node.this, exp.GenerateSeries):
        return node
    series = node.this
    start, end, step = series.args.get("start"), series.args.get("end"), series.args.get("step")
    if end is None:
        start, end = exp.Literal.number(0), start
    if series.args.get("is_end_exclusive"):  # the last whole value before the end
        if step is None or step.is_number or isinstance(step, exp.Neg):
            down = isinstance(step, exp.Neg) or (step is not None and step.is_number and float(step.name) < 0)
            end = (exp.Add if down else exp.Sub)(this=end.copy(), expression=exp.Literal.number(1))
        else:
            end = exp.Sub(this=end.copy(), expression=step.copy())
    alias = node.args.get("alias")
    column = (alias.columns[0].name if alias is not None and alias.columns
              else "range" if series.args.get("is_end_exclusive") else "generate_series")
    args = [a.copy() for a in (start, end, step) if a is not None]
    exploded = exp.Anonymous(this="explode", expressions=[exp.Anonymous(this="sequence", expressions=args)])
    select = exp.select(exp.alias_(exploded, column, quoted=True))
    name = alias.name if alias is not None and alias.name else "series"
    return exp.Subquery(this=select, alias=exp.TableAlias(this=exp.to_identifier(name)))


def _quote_non_ascii(tree: exp.Expression) -> None:
    """Chinese aliases (AS 性别) are plain identifiers to DuckDB; Spark needs them in backticks."""
    for identifier in tree.find_all(exp.Identifier):
        if not identifier.this.isascii():
            identifier.set("quoted", True)


def _group_by_expressions(tree: exp.Expression) -> None:
    """GROUP BY 1, 2 -> the projected expressions: Spark refuses ordinals next to struct(r.*)."""
    for select in tree.find_all(exp.Select):
        group = select.args.get("group")
        if not group or not any(e.find(exp.Star) for e in select.expressions):
            continue
        for item in list(group.expressions):
            if item.is_int:
                item.replace(select.expressions[int(item.name) - 1].unalias().copy())


def _date_minus_date(tree: exp.Expression, schema: dict[str, dict[str, str]]) -> exp.Expression:
    """DATE - DATE is a number of days in DuckDB and an INTERVAL in Spark: make it datediff."""
    from sqlglot.optimizer.annotate_types import annotate_types
    from sqlglot.optimizer.qualify import qualify

    if not any(isinstance(node, exp.Sub) for node in tree.walk()):
        return tree
    try:
        typed = annotate_types(
            qualify(tree.copy(), schema=schema, dialect="duckdb", quote_identifiers=False,
                    validate_qualify_columns=False),
            schema=schema, dialect="duckdb")
    except Exception:  # noqa: BLE001 - unqualifiable SQL keeps its own text; Spark reports any error
        return tree
    date = exp.DataType.Type.DATE
    changed = False
    for sub in list(typed.find_all(exp.Sub)):
        if sub.left.is_type(date) and sub.right.is_type(date):
            sub.replace(exp.DateDiff(this=sub.left.copy(), expression=sub.right.copy(), unit=exp.var("DAY")))
            changed = True
    return typed if changed else tree


def _rename_tables(tree: exp.Expression, tables: dict[str, str]) -> None:
    """Dataset table names -> the engine's names (temp views or catalog.db.table), aliases kept."""
    ctes = {cte.alias_or_name for cte in tree.find_all(exp.CTE)}
    for table in tree.find_all(exp.Table):
        if table.name in tables and table.name not in ctes and not table.db:
            alias = table.alias_or_name
            target = exp.to_table(tables[table.name], dialect=Spark3)
            for part in ("this", "db", "catalog"):
                table.set(part, target.args.get(part))
            if not table.alias:
                table.set("alias", exp.TableAlias(this=exp.to_identifier(alias)))


def _name_parameters(tree: exp.Expression, params: list[Any] | None) -> dict[str, Any] | None:
    """`?` and `$n` -> :p1, :p2 … with a dict of values."""
    # in the order they are written: a breadth-first walk would number a condition nested deeper in a chain
    # of ANDs after a shallower one written later, and bind each `?` to another's value
    placeholders = list(tree.find_all(exp.Placeholder, bfs=False))
    if not placeholders:
        return None
    values = list(params or [])
    args: dict[str, Any] = {}
    position = 0
    for node in placeholders:
        if node.this:  # $1, $2: numbered
            index = int(node.this) - 1
        else:
            index, position = position, position + 1
        if index >= len(values):
            raise ToolError("sql_error", "The query has more parameters than values.", "查询参数个数与取值不符。")
        args[f"p{index + 1}"] = values[index]
        node.replace(exp.Placeholder(this=f"p{index + 1}"))
    return args


def to_spark(sql: str, params: list[Any] | None = None, *, tables: dict[str, str] | None = None,
             schema: dict[str, dict[str, str]] | None = None) -> SparkStatement:
    """Transpile one DuckDB statement. `tables`: dataset name -> Spark name; `schema`: table ->
    {column: DuckDB type}, needed to see DATE - DATE."""
    try:
        tree = sqlglot.parse_one(sql, read="duckdb")
    except ParseError as error:
        first = str(error).splitlines()[0]
        raise ToolError("sql_syntax", f"The SQL could not be parsed: {first}", f"无法解析该 SQL：{first}") from None
    for cte in tree.find_all(exp.CTE):
        cte.set("materialized", None)  # AS MATERIALIZED is DuckDB's; Spark plans CTEs itself
    tree = tree.transform(_top_n).transform(_functions).transform(_series_table).transform(_extract)
    _group_by_expressions(tree)
    if schema:
        tree = _date_minus_date(tree, schema)
    tree = tree.transform(_date_diff).transform(_average)
    _quote_non_ascii(tree)
    if tables:
        _rename_tables(tree, tables)
    args = _name_parameters(tree, params)
    return SparkStatement(tree.sql(dialect=Spark3, pretty=True), args)


def single_select(spark_sql: str) -> bool:
    """The engine's second opinion: the text Spark will get is exactly one query."""
    try:
        statements = [s for s in sqlglot.parse(spark_sql, read=Spark3) if s is not None]
    except ParseError:
        return False
    return len(statements) == 1 and isinstance(statements[0], exp.Query)
