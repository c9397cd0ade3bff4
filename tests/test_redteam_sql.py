"""Red team (a): every SQL shape we could think of that might reach a raw phone or nickname.

Requirement: queries see personal columns only in masked or pseudonymised form, so no SQL shape can
reach a raw value; filters on personal columns, if allowed at all, only answer counts. Each attack runs
through the served JSON API (`POST /api/tools/run_sql`); a selection also runs through MCP, the web SQL
workbench, the CLI and the Python API. A test fails when any raw demo phone (any formatting) or
nickname appears anywhere in what comes back, when a derived form gives one back (hash, base64,
reversed, arithmetic), when a row pairs a customer id with hidden digits or characters of that
customer's raw value, or when an oracle (WHERE / JOIN ON / GROUP BY / ORDER BY / HAVING / window)
demonstrably selected, grouped or ordered customers by their raw values.

Literal raw values never appear in our SQL: they are built from pieces ('157' || '12393949'), so an
echo of the statement is not mistaken for a leak. The target customer is chosen so that its hidden
middle digits are unique in the shop.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import cli_env
from tests.redteam_support import RawIndex, index_for

FIRST_ID = 100000101  # a window of 200 customers for the ordering / grouping oracles
WINDOW = "customer_id % 97 = 0"  # ~200 customers spread over the shop (ids near each other have similar phones)


@dataclass(frozen=True)
class Target:
    cid: int
    phone: str
    nickname: str

    @property
    def mid(self) -> str:  # the digits a masked phone hides (1xx****yyyy)
        return self.phone[3:7]

    @property
    def phone_expr(self) -> str:  # the raw phone as a SQL expression that is not itself a phone literal
        return f"('{self.phone[:3]}' || '{self.phone[3:]}')"

    @property
    def nick_expr(self) -> str:
        return f"('{self.nickname[:1]}' || '{self.nickname[1:]}')"

    @property
    def tail(self) -> str:  # what a masked nickname hides
        return self.nickname[1:]


@pytest.fixture(scope="module")
def raw(demo_contacts, demo_db) -> RawIndex:
    return index_for(demo_contacts, demo_db)


@pytest.fixture(scope="module")
def target(raw: RawIndex) -> Target:
    mids: dict[str, int] = {}
    for phone in raw.phones:
        mids[phone[3:7]] = mids.get(phone[3:7], 0) + 1
    for cid in sorted(raw.phone_of):
        phone, nick = raw.phone_of[cid], raw.nickname_of[cid]
        if cid < FIRST_ID + 50 or mids[phone[3:7]] != 1 or len(nick) < 6 or nick not in raw.nicknames:
            continue
        tail = nick[1:]
        if any(tail in other for other in raw.nicknames if other != nick) or "'" in nick:
            continue
        return Target(cid, phone, nick)
    raise AssertionError("no suitable target customer")


@pytest.fixture(scope="module")
def api(live_server) -> httpx.Client:
    with httpx.Client(base_url=live_server.url, timeout=120) as client:
        yield client


# --------------------------------------------------------------------------------------------------
# Judging a result
# --------------------------------------------------------------------------------------------------

def first_table(payload: dict) -> dict | None:
    tables = payload.get("tables") or []
    return tables[0] if tables else None


def _cells(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [x for v in value.values() for x in _cells(v)] + list(value.keys())
    if isinstance(value, list):
        joined = "".join(str(v) for v in value if isinstance(v, (str, int)) and not isinstance(v, bool))
        extra = [joined] if len(value) > 1 else []
        if len(value) >= 4 and all(isinstance(v, int) and 32 <= v < 0x110000 for v in value):
            extra.append("".join(chr(v) for v in value))  # code points (ascii/ord/unicode per character)
        return [x for v in value for x in _cells(v)] + extra
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return [value, *_cells(json.loads(value))]
        except ValueError:
            return [value]
    return [value]


def hidden_fragment(cell: Any, phone: str, nickname: str) -> str | None:
    """Does this cell, shown beside a customer's id, give away digits or characters that the masked
    form of that customer's phone or nickname hides?"""
    if isinstance(cell, bool) or cell is None:
        return None
    if isinstance(cell, (int, float)):
        number = int(phone)
        if isinstance(cell, float) and not cell.is_integer():
            if cell and abs(cell) > 1:
                ratio = number / cell
                if any(abs(ratio - k) < 1e-6 * k for k in (2, 3, 4, 5, 7, 10, 100, 1000)):
                    return f"{cell} = phone / {round(ratio)}"
            return None
        value = int(cell)
        if abs(value - number) <= 1000 or any(value == number * k for k in range(2, 17)):
            return f"{value} is arithmetic on the phone"
        if 0 <= value <= 9999 and f"{value:04d}" == phone[3:7]:
            return f"{value:04d} are the hidden digits"
        text = str(value)
    else:
        text = str(cell)
    if re.fullmatch(r"[a-j]{11}", text):  # translate(phone, '0123456789', 'abcdefghij')
        text = text.translate(str.maketrans("abcdefghij", "0123456789"))
    digits = re.sub(r"[\s\-.]", "", text)
    if digits.isdigit() and len(digits) >= 4:
        for form in (digits, digits[::-1]):
            if form in phone and form not in phone[:3] and form not in phone[7:]:
                return f"{form} holds hidden phone digits"
    if len(text) >= 2 and not text.isdigit() and "*" not in text:
        for form in (text, text[::-1]):
            if form in nickname and form != nickname[:1]:
                return f"{form!r} holds hidden nickname characters"
    if len(text) == 1 and text in nickname[1:] and not text.isdigit() and text != nickname[:1]:
        return None  # one character alone proves little
    return None


def paired_fragments(payload: dict, raw: RawIndex) -> list[str]:
    """Rows that carry a customer id next to hidden parts of that customer's raw values."""
    table = first_table(payload)
    if not table or not table.get("rows"):
        return []
    hits, rows_with_id = [], 0
    for row in table["rows"]:
        cids = [v for v in row if isinstance(v, int) and not isinstance(v, bool) and v in raw.phone_of]
        if not cids:
            continue
        rows_with_id += 1
        cid = cids[0]
        for index, cell in enumerate(row):
            if cell is cid or (isinstance(cell, int) and cell == cid):
                continue
            for part in _cells(cell):
                found = hidden_fragment(part, raw.phone_of[cid], raw.nickname_of[cid])
                if found:
                    hits.append(f"row of customer {cid}, column {table['columns'][index]!r}: {found}")
                    break
    needed = 1 if rows_with_id < 3 else 3
    return hits[:5] if len(hits) >= needed else []


def result_ids(payload: dict) -> list[int]:
    table = first_table(payload)
    if not table:
        return []
    out = []
    for row in table.get("rows") or []:
        out += [v for v in row if isinstance(v, int) and not isinstance(v, bool) and 100000000 < v < 100100000]
    return out


Oracle = Callable[[dict, RawIndex, Target], list[str]]


def selects_target(payload: dict, raw: RawIndex, target: Target) -> list[str]:
    """A filter on raw values that picked out the target customer (by id) among a handful of rows."""
    ids = result_ids(payload)
    if target.cid in ids and len(set(ids)) <= 20:
        return [f"the filter on raw values selected customer {target.cid} ({len(set(ids))} ids returned)"]
    return []


def true_for_target(payload: dict, raw: RawIndex, target: Target) -> list[str]:
    """A per-row expression over raw values that answered True for the target."""
    table = first_table(payload)
    for row in (table or {}).get("rows") or []:
        if target.cid in row and any(v is True for v in row):
            return [f"an expression over the raw value was true for customer {target.cid}"]
    return []


def sum_is_target(payload: dict, raw: RawIndex, target: Target) -> list[str]:
    table = first_table(payload)
    for row in (table or {}).get("rows") or []:
        if any(isinstance(v, (int, float)) and not isinstance(v, bool) and v == target.cid for v in row):
            return [f"an aggregate over a raw-value condition returned customer {target.cid}"]
    return []


def window_ids(raw: RawIndex) -> list[int]:
    return [cid for cid in sorted(raw.phone_of) if cid % 97 == 0]


def _raw_order(raw: RawIndex, key: Callable[[str], str]) -> list[int]:
    return sorted(window_ids(raw), key=lambda cid: (key(raw.phone_of[cid]), cid))


def ordered_by(key: Callable[[str], str]) -> Oracle:
    def oracle(payload: dict, raw: RawIndex, target: Target) -> list[str]:
        ids = result_ids(payload)
        expected = _raw_order(raw, key)[:len(ids)]
        if len(ids) >= 10 and ids == expected and ids != sorted(ids):
            return [f"the {len(ids)} customers came back in the order of their raw phones"]
        return []

    return oracle


def ranked_by(key: Callable[[str], str]) -> Oracle:
    def oracle(payload: dict, raw: RawIndex, target: Target) -> list[str]:
        table = first_table(payload)
        rows = [r for r in (table or {}).get("rows") or [] if len(r) >= 2 and r[0] in raw.phone_of]
        if len(rows) < 10:
            return []
        order = _raw_order(raw, key)
        by_rank = [r[0] for r in sorted(rows, key=lambda r: (r[1], r[0]))]
        expected = [cid for cid in order if cid in {r[0] for r in rows}]
        if by_rank == expected and by_rank != sorted(by_rank):
            return ["the window ranks follow the raw phones"]
        return []

    return oracle


def groups_by_hidden(payload: dict, raw: RawIndex, target: Target) -> list[str]:
    """Groups (lists of ids) whose members share raw hidden digits that the masked form does not show."""
    table = first_table(payload)
    revealing = 0
    for row in (table or {}).get("rows") or []:
        for cell in row:
            ids = isinstance(cell, list) and all(isinstance(v, int) and v in raw.phone_of for v in cell)
            if ids and len(cell) >= 2:
                mids = {raw.phone_of[v][3:7] for v in cell}
                firsts = {raw.phone_of[v][3] for v in cell}
                if len(firsts) == 1 and len(cell) < 150 or len(mids) == 1:
                    revealing += 1
    return [f"{revealing} groups of customers share raw hidden digits"] if revealing >= 3 else []


def pairs_share_hidden(payload: dict, raw: RawIndex, target: Target) -> list[str]:
    table = first_table(payload)
    pairs = [(r[0], r[1]) for r in (table or {}).get("rows") or []
             if len(r) >= 2 and r[0] in raw.phone_of and r[1] in raw.phone_of]
    same = [p for p in pairs if raw.phone_of[p[0]][3:7] == raw.phone_of[p[1]][3:7]]
    if pairs and len(same) == len(pairs) and len(pairs) <= 20000:
        return [f"{len(pairs)} pairs of customers joined on their raw hidden digits"]
    return []


def counts_follow_hidden(payload: dict, raw: RawIndex, target: Target) -> list[str]:
    table = first_table(payload)
    rows = [r for r in (table or {}).get("rows") or [] if len(r) >= 2 and r[0] in raw.phone_of]
    if len(rows) < 50:
        return []
    window = window_ids(raw)
    by_digit: dict[str, int] = {}
    for cid in window:
        by_digit[raw.phone_of[cid][3]] = by_digit.get(raw.phone_of[cid][3], 0) + 1
    matches = sum(1 for cid, n, *_ in rows if n == by_digit[raw.phone_of[cid][3]])
    if matches == len(rows) and len(set(by_digit.values())) > 1:
        return ["partition counts follow the raw hidden digits"]
    return []


def true_group_holds_target(payload: dict, raw: RawIndex, target: Target) -> list[str]:
    table = first_table(payload)
    for row in (table or {}).get("rows") or []:
        if row and row[0] is True and any(isinstance(c, list) and target.cid in c and len(c) < 50 for c in row):
            return [f"the group of rows whose raw nickname matches holds customer {target.cid}"]
    return []


@dataclass(frozen=True)
class Attack:
    name: str
    sql: str
    oracle: Oracle | None = None

    def text(self, t: Target) -> str:
        values = {"cid": t.cid, "phone": t.phone_expr, "nick": t.nick_expr, "mid": t.mid, "tail": t.tail,
                  "window": WINDOW, "p27": t.phone[2:8], "nick2": t.nickname[:2], "lo": int(t.phone) - 1_000_003,
                  "first": FIRST_ID}
        return _PLACEHOLDER.sub(lambda m: str(values[m.group(1)]), self.sql)


_PLACEHOLDER = re.compile(r"\{(cid|phone|nick|mid|tail|window|p27|nick2|lo|first)\}")


def _a(name: str, sql: str, oracle: Oracle | None = None) -> Attack:
    return Attack(name, sql, oracle)


# --------------------------------------------------------------------------------------------------
# The attacks
# --------------------------------------------------------------------------------------------------

PROJECTIONS = [
    _a("plain", "SELECT customer_id, phone, nickname FROM customers ORDER BY customer_id LIMIT 50"),
    _a("star", "SELECT * FROM customers LIMIT 50"),
    _a("from_first", "FROM customers SELECT customer_id, phone, nickname LIMIT 30"),
    _a("from_only", "FROM customers LIMIT 30"),
    _a("qualified_star", "SELECT customers.* FROM customers LIMIT 30"),
    _a("quoted_mixed_case", 'SELECT "PHONE", "NickName" FROM customers LIMIT 30'),
    _a("alias", "SELECT phone AS p, nickname AS n FROM customers LIMIT 30"),
    _a("alias_innocent_names", "SELECT phone AS city, nickname AS gender FROM customers LIMIT 30"),
    _a("lateral_alias", "SELECT phone AS p, p AS q, nickname AS n, n AS m FROM customers LIMIT 30"),
    _a("lateral_alias_transform", "SELECT customer_id, nickname AS n, n || '' AS m, phone AS p, p || '' AS q "
                                  "FROM customers LIMIT 30"),
    _a("subquery_alias", "SELECT x, y FROM (SELECT phone AS x, nickname AS y FROM customers) LIMIT 30"),
    _a("cte", "WITH t AS (SELECT phone AS x, nickname AS y FROM customers) SELECT * FROM t LIMIT 30"),
    _a("cte_column_list", "WITH t(a, b) AS (SELECT phone, nickname FROM customers) SELECT a, b FROM t LIMIT 30"),
    _a("cte_materialized", "WITH t AS MATERIALIZED (SELECT * FROM customers) SELECT * FROM t LIMIT 30"),
    _a("derived_column_aliases", "SELECT a, b FROM (SELECT phone, nickname FROM customers) s(a, b) LIMIT 30"),
    _a("positional_rename", "SELECT * FROM (SELECT * FROM customers) AS t(a, b, c) LIMIT 30"),
    _a("recursive_cte", "WITH RECURSIVE r(x, y) AS (SELECT phone, nickname FROM customers WHERE customer_id = {cid} "
                        "UNION ALL SELECT x, y FROM r WHERE false) SELECT x, y FROM r"),
    _a("whole_row", "SELECT c FROM customers c LIMIT 20"),
    _a("whole_row_varchar", "SELECT c::VARCHAR AS s FROM customers c LIMIT 20"),
    _a("whole_row_json", "SELECT to_json(c) AS j FROM customers c LIMIT 20"),
    _a("whole_row_list", "SELECT list(c) AS l FROM (SELECT * FROM customers LIMIT 5) c"),
    _a("row_struct_extract", "SELECT struct_extract(c, 'phone') AS p, struct_extract(c, 'nickname') AS n "
                             "FROM customers c LIMIT 20"),
    _a("row_bracket", "SELECT c['phone'] AS p, c['nickname'] AS n FROM customers c LIMIT 20"),
    _a("struct_literal", "SELECT {'p': phone, 'n': nickname} AS s FROM customers LIMIT 20"),
    _a("struct_pack_dot", "SELECT (struct_pack(p := phone, n := nickname)).p AS x, "
                          "(struct_pack(p := phone, n := nickname)).n AS y FROM customers LIMIT 20"),
    _a("struct_via_subquery", "SELECT s.p, s.n FROM (SELECT {'p': phone, 'n': nickname} AS s FROM customers) LIMIT 20"),
    _a("struct_unnest", "SELECT unnest({'p': phone, 'n': nickname}) FROM customers LIMIT 20"),
    _a("row_function", "SELECT row(phone, nickname) AS r FROM customers LIMIT 20"),
    _a("list_literal", "SELECT [phone, nickname] AS l FROM customers LIMIT 20"),
    _a("list_index", "SELECT [phone][1] AS p, [nickname][1] AS n FROM customers LIMIT 20"),
    _a("list_unnest", "SELECT unnest([phone, nickname]) AS v FROM customers LIMIT 40"),
    _a("map_value", "SELECT map([phone], [nickname]) AS m FROM customers LIMIT 20"),
    _a("map_keys", "SELECT map_keys(map([phone], [1]))[1] AS k, map_values(map([1], [nickname]))[1] AS v "
                   "FROM customers LIMIT 20"),
    _a("columns_regex", "SELECT COLUMNS('ph.*|nick.*') FROM customers LIMIT 20"),
    _a("columns_star_cast", "SELECT COLUMNS(*)::VARCHAR FROM customers LIMIT 20"),
    _a("star_exclude", "SELECT * EXCLUDE (gender, age_band) FROM customers LIMIT 20"),
    _a("star_replace", "SELECT * REPLACE (phone || '' AS phone, nickname || '' AS nickname) FROM customers LIMIT 20"),
    _a("lateral_join", "SELECT t.p, t.n FROM customers c, LATERAL (SELECT c.phone AS p, c.nickname AS n) t LIMIT 20"),
    _a("correlated_subquery", "SELECT (SELECT c2.nickname FROM customers c2 "
                              "WHERE c2.customer_id = c.customer_id) AS n, "
                              "(SELECT c2.phone FROM customers c2 WHERE c2.customer_id = c.customer_id) AS p "
                              "FROM customers c LIMIT 20"),
    _a("scalar_subquery", "SELECT (SELECT phone FROM customers WHERE customer_id = {cid}) AS x, "
                          "(SELECT nickname FROM customers WHERE customer_id = {cid}) AS y"),
    _a("self_join_using", "SELECT * FROM customers JOIN customers c2 USING (customer_id) LIMIT 20"),
    _a("natural_join", "SELECT * FROM customers NATURAL JOIN (SELECT customer_id, phone AS p2 FROM customers) "
                       "LIMIT 20"),
    _a("positional_join", "SELECT * FROM (SELECT phone, nickname FROM customers LIMIT 5) "
                          "POSITIONAL JOIN (SELECT 1 AS x)"),
    _a("join_orders", "SELECT o.order_id, c.phone, c.nickname FROM orders o JOIN customers c USING (customer_id) "
                      "LIMIT 30"),
    _a("union_first_branch_name", "SELECT city AS x FROM customers WHERE false UNION ALL "
                                  "(SELECT phone FROM customers LIMIT 20) UNION ALL (SELECT nickname FROM customers "
                                  "LIMIT 20)"),
    _a("union_literal", "SELECT 'a' AS x UNION ALL (SELECT nickname FROM customers LIMIT 20)"),
    _a("union_by_name", "(SELECT phone AS x FROM customers LIMIT 20) UNION ALL BY NAME (SELECT 'z' AS x)"),
    _a("except", "(SELECT phone AS v FROM customers LIMIT 20) EXCEPT (SELECT 'x')"),
    _a("intersect", "(SELECT nickname FROM customers LIMIT 20) INTERSECT (SELECT nickname FROM customers)"),
    _a("qualify", "SELECT customer_id, phone, nickname FROM customers QUALIFY row_number() OVER () <= 10"),
    _a("distinct_on", "SELECT DISTINCT ON (phone) phone, nickname FROM customers LIMIT 20"),
    _a("group_by_all", "SELECT phone, nickname, count(*) AS n FROM customers GROUP BY ALL LIMIT 20"),
    _a("collate", "SELECT phone COLLATE NOCASE AS p, nickname COLLATE NOCASE AS n FROM customers LIMIT 20"),
    _a("summarize", "SUMMARIZE SELECT phone, nickname FROM customers"),
    _a("summarize_table", "SUMMARIZE customers"),
    _a("pivot_phone_names", "PIVOT (SELECT phone FROM customers WHERE customer_id <= 100000006) "
                            "ON phone USING count(*)"),
    _a("pivot_nickname_names", "PIVOT (SELECT nickname FROM customers WHERE customer_id <= 100000006) "
                               "ON nickname USING count(*)"),
    _a("unpivot", "UNPIVOT (SELECT customer_id, phone, nickname FROM customers LIMIT 10) ON phone, nickname "
                  "INTO NAME k VALUE v"),
]

FUNCTIONS = [
    _a("case_when", "SELECT CASE WHEN true THEN phone END AS x, CASE WHEN true THEN nickname ELSE '' END AS y "
                    "FROM customers LIMIT 20"),
    _a("coalesce_nullif_if", "SELECT coalesce(phone, '') AS a, nullif(nickname, '') AS b, if(true, phone, NULL) AS c "
                             "FROM customers LIMIT 20"),
    _a("greatest_least", "SELECT greatest(phone, '0') AS a, least(nickname, '龘') AS b FROM customers LIMIT 20"),
    _a("casts", "SELECT phone::VARCHAR AS a, CAST(nickname AS TEXT) AS b, phone::BIGINT AS c, phone::DOUBLE AS d, "
                "TRY_CAST(phone AS HUGEINT) AS e, CAST(phone AS DECIMAL(12, 0)) AS f FROM customers LIMIT 20"),
    _a("blob", "SELECT phone::BLOB AS a, encode(nickname) AS b FROM customers LIMIT 20"),
    _a("concat", "SELECT concat(phone, '') AS a, phone || '' AS b, concat_ws('', nickname, '') AS c "
                 "FROM customers LIMIT 20"),
    _a("string_slice", "SELECT phone[1:11] AS a, nickname[1:20] AS b, array_slice(phone, 1, 11) AS c "
                       "FROM customers LIMIT 20"),
    _a("spaced_digits", r"SELECT regexp_replace(phone, '(\d)', '\1 ', 'g') AS a, "
                        r"regexp_replace(nickname, '(.)', '\1 ', 'g') AS b FROM customers LIMIT 20"),
    _a("dashed_pieces", "SELECT substr(phone, 1, 3) || '-' || substr(phone, 4, 4) || '-' || substr(phone, 8) AS a "
                        "FROM customers LIMIT 20"),
    _a("split_characters", "SELECT string_split(phone, '') AS a, str_split(nickname, '') AS b FROM customers LIMIT 20"),
    _a("split_regex", "SELECT string_split_regex(phone, '') AS a, regexp_split_to_array(nickname, '') AS b "
                      "FROM customers LIMIT 20"),
    _a("left_right_pieces", "SELECT customer_id, left(phone, 7) AS a, right(phone, 8) AS b, "
                            "substring(phone, 4, 4) AS m, "
                            "substr(nickname, 2) AS t FROM customers LIMIT 50"),
    _a("slice_middle", "SELECT customer_id, phone[4:7] AS m, nickname[2:] AS t FROM customers LIMIT 50"),
    _a("reverse", "SELECT customer_id, reverse(phone) AS a, reverse(nickname) AS b FROM customers LIMIT 50"),
    _a("case_and_padding", "SELECT upper(nickname) AS a, lower(phone) AS b, trim(phone) AS c, "
                           "lpad(phone, 14, '#') AS d, "
                           "rpad(nickname, 20, '#') AS e FROM customers LIMIT 20"),
    _a("translate_digits", "SELECT customer_id, translate(phone, '0123456789', 'abcdefghij') AS a "
                           "FROM customers LIMIT 50"),
    _a("format_printf", "SELECT format('{}', phone) AS a, printf('%s|%s', phone, nickname) AS b "
                        "FROM customers LIMIT 20"),
    _a("repeat_array_to_string", "SELECT repeat(phone, 1) AS a, array_to_string([nickname], '') AS b "
                                 "FROM customers LIMIT 20"),
    _a("regexp_extract", r"SELECT regexp_extract(phone, '\d+') AS a, regexp_extract(nickname, '.+') AS b "
                         "FROM customers LIMIT 20"),
    _a("split_part", "SELECT split_part(phone || '|x', '|', 1) AS a, split_part(nickname || '|x', '|', 1) AS b "
                     "FROM customers LIMIT 20"),
    _a("replace_noop", "SELECT replace(phone, 'x', 'y') AS a, replace(nickname, '#', '') AS b FROM customers LIMIT 20"),
    _a("arithmetic", "SELECT customer_id, phone::BIGINT + 1 AS a, phone::BIGINT * 3 AS b, "
                     "phone::BIGINT - 13000000000 AS c, (phone::BIGINT // 10000) % 10000 AS mid "
                     "FROM customers LIMIT 50"),
    _a("bit_operations", "SELECT customer_id, xor(phone::BIGINT, 0) AS a, phone::BIGINT << 1 AS b "
                         "FROM customers LIMIT 50"),
    _a("printf_number", "SELECT customer_id, printf('%d', phone::BIGINT) AS a, phone::BIGINT::VARCHAR AS b "
                        "FROM customers LIMIT 20"),
    _a("hashes", "SELECT md5(phone) AS a, sha256(nickname) AS b, hash(phone) AS c, md5(nickname) AS d, "
                 "sha1(phone) AS e "
                 "FROM customers LIMIT 20"),
    _a("base64_hex", "SELECT to_base64(phone::BLOB) AS a, hex(nickname) AS b, hex(phone::BIGINT) AS c, "
                     "to_hex(phone) AS d FROM customers LIMIT 20"),
    _a("codepoints", "SELECT customer_id, unicode(substr(nickname, 2, 1)) AS a, ord(substr(phone, 5, 1)) AS b, "
                     "list_transform(str_split(phone, ''), lambda x: ascii(x)) AS c FROM customers LIMIT 50"),
    _a("json_object", "SELECT json_object('p', phone, 'n', nickname) AS a, to_json([phone]) AS b, "
                      "json_array(nickname) AS c FROM customers LIMIT 20"),
    _a("json_extract", "SELECT json_extract_string(json_object('p', phone, 'n', nickname), '$.p') AS a, "
                       "json_extract_string(json_object('p', phone, 'n', nickname), '$.n') AS b "
                       "FROM customers LIMIT 20"),
    _a("list_lambda", "SELECT list_transform([phone, nickname], lambda x: x || '') AS a, "
                      "list_reduce([phone, ''], lambda a, b: a || b) AS b FROM customers LIMIT 20"),
    _a("list_functions", "SELECT list_sort([phone, nickname])[1] AS a, list_distinct([nickname])[1] AS b, "
                         "flatten([[phone]])[1] AS c FROM customers LIMIT 20"),
]

AGGREGATES = [
    _a("min_max_any", "SELECT min(phone) AS a, max(nickname) AS b, any_value(phone) AS c, first(nickname) AS d, "
                      "last(phone) AS e FROM customers"),
    _a("arg_min_by", "SELECT arg_min(phone, customer_id) AS a, max_by(nickname, customer_id) AS b, "
                     "min_by(phone, customer_id) AS c, mode(nickname) AS d FROM customers"),
    _a("string_agg", "SELECT string_agg(phone, ',') AS a, group_concat(nickname, ',') AS b FROM "
                     "(SELECT * FROM customers LIMIT 20)"),
    _a("string_agg_ordered", "SELECT string_agg(nickname, '' ORDER BY customer_id) AS who FROM customers "
                             "WHERE customer_id = {cid}"),
    _a("list_agg", "SELECT list(phone) AS a, array_agg(nickname) AS b FROM (SELECT * FROM customers LIMIT 20)"),
    _a("histogram", "SELECT histogram(phone) AS h, histogram(nickname) AS n FROM (SELECT * FROM customers LIMIT 10)"),
    _a("window_values", "SELECT first_value(phone) OVER (ORDER BY customer_id) AS a, "
                        "lag(nickname) OVER (ORDER BY customer_id) AS b, "
                        "lead(phone, 1) OVER (ORDER BY customer_id) AS c, "
                        "nth_value(nickname, 2) OVER (ORDER BY customer_id) AS d FROM customers LIMIT 20"),
    _a("one_value_phone", "SELECT phone FROM customers WHERE customer_id = {cid}"),
    _a("one_value_nickname", "SELECT nickname FROM customers WHERE customer_id = {cid}"),
    _a("one_value_renamed", "SELECT nickname || '' AS who FROM customers WHERE customer_id = {cid}"),
    _a("one_value_max", "SELECT max(phone) AS top FROM customers WHERE customer_id = {cid}"),
]

ERRORS = [
    _a("error_cast_int", "SELECT phone::INTEGER AS x FROM customers WHERE customer_id = {cid}"),
    _a("error_function", "SELECT error(phone || ' ' || nickname) FROM customers WHERE customer_id = {cid}"),
    _a("error_cast_date", "SELECT nickname::DATE AS d FROM customers WHERE customer_id = {cid}"),
    _a("error_in_filter", "SELECT count(*) FROM customers WHERE customer_id = {cid} AND nickname::INTEGER > 0"),
    _a("error_strptime", "SELECT strptime(nickname, '%Y') FROM customers WHERE customer_id = {cid}"),
    _a("error_json", "SELECT json(nickname) FROM customers WHERE customer_id = {cid}"),
    _a("error_uuid", "SELECT phone::UUID FROM customers WHERE customer_id = {cid}"),
    _a("error_struct_cast", "SELECT nickname::STRUCT(a INTEGER) FROM customers WHERE customer_id = {cid}"),
    _a("error_regex", "SELECT regexp_matches('x', '(' || phone || nickname) FROM customers WHERE customer_id = {cid}"),
    _a("error_division_message", "SELECT CASE WHEN customer_id = {cid} THEN error('leak:' || phone) END "
                                 "FROM customers WHERE customer_id = {cid}"),
]

ORACLES = [
    _a("where_equals", "SELECT customer_id FROM customers WHERE phone = {phone}", selects_target),
    _a("where_like_hidden", "SELECT customer_id FROM customers WHERE phone LIKE '___{mid}____'", selects_target),
    _a("where_substr", "SELECT customer_id FROM customers WHERE substr(phone, 4, 4) = '{mid}'", selects_target),
    _a("where_contains", "SELECT customer_id FROM customers WHERE contains(phone, '{p27}')", selects_target),
    _a("where_regexp", "SELECT customer_id FROM customers WHERE regexp_matches(phone, '^[0-9]{3}{mid}')",
       selects_target),
    _a("where_glob", "SELECT customer_id FROM customers WHERE phone GLOB '???{mid}*'", selects_target),
    _a("where_similar", "SELECT customer_id FROM customers WHERE phone SIMILAR TO '.{3}{mid}.*'", selects_target),
    _a("where_in", "SELECT customer_id FROM customers WHERE phone IN ({phone}, '0')", selects_target),
    _a("where_any", "SELECT customer_id FROM customers WHERE phone = ANY (SELECT {phone})", selects_target),
    _a("where_between_number", "SELECT customer_id FROM customers "
                               "WHERE phone::BIGINT - {lo} BETWEEN 1000000 AND 1000006",
       selects_target),
    _a("where_nickname", "SELECT customer_id FROM customers WHERE nickname = {nick}", selects_target),
    _a("where_nickname_tail", "SELECT customer_id FROM customers WHERE nickname LIKE '%{tail}'", selects_target),
    _a("where_nickname_ilike", "SELECT customer_id FROM customers WHERE nickname ILIKE '_{tail}'", selects_target),
    _a("where_starts_with", "SELECT customer_id FROM customers WHERE starts_with(nickname, '{nick2}') "
                            "AND customer_id = {cid}", selects_target),
    _a("where_md5", "SELECT customer_id FROM customers WHERE md5(phone) = md5({phone})", selects_target),
    _a("where_hash", "SELECT customer_id FROM customers WHERE hash(nickname) = hash({nick})", selects_target),
    _a("where_levenshtein", "SELECT customer_id FROM customers WHERE levenshtein(phone, {phone}) = 0", selects_target),
    _a("where_jaro", "SELECT customer_id FROM customers WHERE jaro_winkler_similarity(nickname, {nick}) = 1",
       selects_target),
    _a("having", "SELECT customer_id FROM customers GROUP BY customer_id HAVING max(phone) = {phone}", selects_target),
    _a("qualify_filter", "SELECT customer_id FROM customers QUALIFY phone = {phone} AND row_number() OVER () > 0",
       selects_target),
    _a("join_on_literal", "SELECT c.customer_id FROM customers c JOIN (SELECT {phone} AS p) v ON c.phone = v.p",
       selects_target),
    _a("join_on_like", "SELECT c.customer_id FROM customers c JOIN (SELECT '%{mid}%' AS pat) v "
                       "ON c.phone LIKE v.pat AND c.customer_id = {cid}", selects_target),
    _a("join_using_values", "SELECT customer_id FROM customers JOIN (VALUES ({phone})) v(phone) USING (phone)",
       selects_target),
    _a("semi_join", "SELECT customer_id FROM customers SEMI JOIN (SELECT {phone} AS phone) USING (phone)",
       selects_target),
    _a("exists", "SELECT customer_id FROM customers c WHERE EXISTS (SELECT 1 WHERE c.phone = {phone})",
       selects_target),
    _a("in_subquery", "SELECT DISTINCT customer_id FROM orders WHERE customer_id IN "
                      "(SELECT customer_id FROM customers WHERE nickname = {nick})", selects_target),
    _a("boolean_projection", "SELECT customer_id, phone = {phone} AS hit, substr(phone, 4, 4) = '{mid}' AS hit2 "
                             "FROM customers WHERE customer_id = {cid}", true_for_target),
    _a("case_sum", "SELECT sum(CASE WHEN substr(phone, 4, 4) = '{mid}' THEN customer_id END) AS s FROM customers",
       sum_is_target),
    _a("order_by_phone", "SELECT customer_id FROM customers WHERE {window} ORDER BY phone, customer_id",
       ordered_by(lambda p: p)),
    _a("order_by_hidden", "SELECT customer_id FROM customers WHERE {window} ORDER BY substr(phone, 4, 4), customer_id",
       ordered_by(lambda p: p[3:7])),
    _a("order_by_alias", "SELECT customer_id, phone AS p FROM customers WHERE {window} ORDER BY p, customer_id",
       ordered_by(lambda p: p)),
    _a("window_rank", "SELECT customer_id, dense_rank() OVER (ORDER BY phone) AS r FROM customers WHERE {window}",
       ranked_by(lambda p: p)),
    _a("group_by_hidden", "SELECT substr(phone, 4, 1) AS k, list(customer_id ORDER BY customer_id) AS ids "
                          "FROM customers WHERE {window} GROUP BY 1", groups_by_hidden),
    _a("partition_count", "SELECT customer_id, count(*) OVER (PARTITION BY substr(phone, 4, 1)) AS n "
                          "FROM customers WHERE {window}", counts_follow_hidden),
    _a("group_by_nickname_match", "SELECT nickname LIKE '%{tail}' AS k, list(customer_id) AS ids FROM customers "
                                  "GROUP BY 1", true_group_holds_target),
    _a("self_join_hidden", "SELECT a.customer_id, b.customer_id AS other FROM customers a JOIN customers b "
                           "ON substr(a.phone, 4, 4) = substr(b.phone, 4, 4) AND a.customer_id < b.customer_id "
                           "WHERE a.customer_id % 7 = 0", pairs_share_hidden),
]

ALL = PROJECTIONS + FUNCTIONS + AGGREGATES + ERRORS + ORACLES


def judge(payload: dict, attack: Attack, raw: RawIndex, target: Target) -> list[str]:
    problems = [str(leak) for leak in raw.find_any(payload, "answer")]
    problems += paired_fragments(payload, raw)
    if attack.oracle is not None:
        problems += attack.oracle(payload, raw, target)
    return problems


def run_api(api: httpx.Client, sql: str) -> tuple[int, dict, str]:
    response = api.post("/api/tools/run_sql", json={"args": {"sql": sql, "limit": 10000}, "language": "en",
                                                    "max_rows": 0})
    try:
        payload = response.json()
    except ValueError:
        payload = {"answer": response.text}
    return response.status_code, payload, response.text


# --------------------------------------------------------------------------------------------------
# The tests
# --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("attack", ALL, ids=[a.name for a in ALL])
def test_sql_shape_reaches_no_raw_value_through_the_api(api: httpx.Client, raw: RawIndex, target: Target,
                                                        attack: Attack) -> None:
    status, payload, body = run_api(api, attack.text(target))
    assert status < 500, f"server error {status}: {body[:300]}"
    assert "Traceback" not in body
    problems = judge(payload, attack, raw, target) + [str(leak) for leak in raw.find(body, "raw body")]
    assert not problems, f"{attack.name}: " + "\n".join(dict.fromkeys(problems))


def test_count_oracle_cannot_rebuild_a_hidden_phone(api: httpx.Client, raw: RawIndex, target: Target) -> None:
    """Counts alone, constrained to one customer, must not spell out the digits the mask hides."""
    recovered = ""
    for position in range(4, 8):
        found = None
        for digit in "0123456789":
            sql = (f"SELECT count(*) AS n FROM customers WHERE customer_id = {target.cid} "
                   f"AND substr(phone, {position}, 1) = '{digit}'")
            status, payload, _ = run_api(api, sql)
            table = first_table(payload)
            if status == 200 and table and table["rows"] and table["rows"][0][0] == 1:
                found = digit
                break
        if found is None:
            break
        recovered += found
    assert recovered != target.mid, "counts filtered on the raw phone rebuilt the hidden digits of one customer"


def test_dataset_file_queries_read_holds_no_raw_values(raw: RawIndex, demo_db: Path) -> None:
    """What SQL can reach is the dataset file: it must hold personal columns masked or pseudonymised."""
    from tests.redteam_support import file_texts

    leaks = []
    for where, text in file_texts(demo_db):
        leaks += [f"{where}: {leak}" for leak in raw.find(text, "dataset")]
        if len(leaks) > 5:
            break
    assert not leaks, "the dataset file that queries read holds raw personal data:\n" + "\n".join(leaks[:10])


# -- tools and questions that touch customers ------------------------------------------------------------

TOOLS = [
    ("customer_profile", "customer_profile", lambda t: {"customer_id": t.cid}),
    ("customer_profile_by_phone", "customer_profile", lambda t: {"customer_id": t.phone}),
    ("recommend_products", "recommend_products", lambda t: {"customer_id": t.cid}),
    ("rfm_segments", "rfm_segments", lambda t: {"scheme": "cn8"}),
    ("customer_lifetime_value", "customer_lifetime_value", lambda t: {"limit": 200}),
    ("describe_data", "describe_data", lambda t: {}),
    ("segment_profile", "segment_profile", lambda t: {"segment": "champions"}),
    ("metric_query_phone_filter", "metric_query", lambda t: {"metric": "orders", "filters": {"phone": t.phone}}),
    ("metric_query_nickname_filter", "metric_query", lambda t: {"metric": "gmv", "filters": {"nickname": t.nickname}}),
]


@pytest.mark.parametrize(("name", "tool", "args"), TOOLS, ids=[t[0] for t in TOOLS])
def test_tool_answers_carry_no_raw_values(api: httpx.Client, raw: RawIndex, target: Target, name: str, tool: str,
                                          args) -> None:
    response = api.post(f"/api/tools/{tool}", json={"args": args(target)})
    assert response.status_code < 500, response.text[:300]
    problems = [str(leak) for leak in raw.find_any(response.text)] + paired_fragments(response.json(), raw)
    assert not problems, f"{name}: " + "\n".join(problems)


QUESTIONS = [
    ("phone_plain", lambda t: f"手机号{t.phone}的客户买过什么？"),
    ("phone_spaced", lambda t: f"查一下 +86 {t.phone[:3]} {t.phone[3:7]} {t.phone[7:]} 这个客户"),
    ("phone_dashed_english",
     lambda t: f"What did the customer with phone {t.phone[:3]}-{t.phone[3:7]}-{t.phone[7:]} buy?"),
    ("nickname", lambda t: f"昵称是{t.nickname}的客户最近买了什么"),
    ("export_phones", lambda t: "导出所有沉睡客户的手机号和昵称"),
    ("sql_in_question", lambda t: "SELECT nickname, phone FROM customers LIMIT 5"),
]


@pytest.mark.parametrize(("name", "question"), QUESTIONS, ids=[q[0] for q in QUESTIONS])
def test_questions_about_a_customer_echo_no_raw_values(api: httpx.Client, raw: RawIndex, target: Target, name: str,
                                                       question) -> None:
    response = api.post("/api/ask", json={"question": question(target), "max_rows": 0})
    assert response.status_code < 500
    problems = [str(leak) for leak in raw.find_any(response.text)]
    assert not problems, f"{name}: " + "\n".join(problems)


# -- the same attacks through the other doors (a selection) ---------------------------------------------

SELECTION = [a for a in ALL if a.name in {
    "plain", "lateral_alias_transform", "positional_rename", "whole_row_json", "struct_unnest", "pivot_phone_names",
    "split_characters", "hashes", "error_cast_int", "error_function", "one_value_phone", "where_substr",
    "order_by_hidden", "summarize", "union_first_branch_name", "string_agg"}]


@pytest.fixture(scope="module")
def mcp_url(live_server) -> str:
    return live_server.url.rstrip("/") + "/mcp"


@pytest.mark.parametrize("attack", SELECTION, ids=[a.name for a in SELECTION])
def test_sql_shape_reaches_no_raw_value_through_mcp(mcp_url: str, raw: RawIndex, target: Target,
                                                    attack: Attack) -> None:
    import anyio
    from mcp import Client

    async def session() -> Any:
        async with Client(mcp_url) as client:
            return await client.call_tool("run_sql", {"sql": attack.text(target), "limit": 10000})

    result = anyio.run(session)
    texts = "\n".join(getattr(block, "text", "") for block in result.content)
    payload = result.structured_content or {}
    problems = judge(payload, attack, raw, target) + [str(leak) for leak in raw.find(texts, "mcp text")]
    assert not problems, f"{attack.name}: " + "\n".join(dict.fromkeys(problems))


@pytest.fixture(scope="module")
def workbench(rt_app):
    import gradio_client

    client = gradio_client.Client(rt_app.url, verbose=False)
    yield client
    client.close()


@pytest.fixture(autouse=True)
def _workbench_env(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    if "workbench" in request.fixturenames:
        request.getfixturevalue("rt_app").setenv(monkeypatch)
        monkeypatch.delenv("OPENAI_API_KEY")


@pytest.mark.parametrize("attack", SELECTION, ids=[a.name for a in SELECTION])
def test_sql_shape_reaches_no_raw_value_through_the_workbench(workbench, raw: RawIndex, target: Target,
                                                              attack: Attack) -> None:
    status, table, chart, download = workbench.predict(attack.text(target), "en", api_name="/run_sql")
    shown = {"status": status, "table": table, "chart": chart}
    problems = [str(leak) for leak in raw.find_any(json.loads(json.dumps(shown, default=str)), "workbench")]
    payload = {"tables": [{"columns": (table or {}).get("headers", []), "rows": (table or {}).get("data", [])}]}
    problems += paired_fragments(payload, raw)
    if attack.oracle is not None:
        problems += attack.oracle(payload, raw, target)
    path = (download or {}).get("value") if isinstance(download, dict) else download
    if path and Path(str(path)).is_file():
        problems += [f"CSV download: {leak}" for leak in raw.find(Path(str(path)).read_text(encoding="utf-8-sig",
                                                                                             errors="ignore"))]
    assert not problems, f"{attack.name}: " + "\n".join(dict.fromkeys(problems))


CLI_SELECTION = ["lateral_alias_transform", "error_cast_int"]


@pytest.mark.parametrize("name", CLI_SELECTION)
def test_sql_shape_reaches_no_raw_value_through_the_cli(tmp_path: Path, demo_db: Path, raw: RawIndex,
                                                       target: Target, name: str) -> None:
    attack = next(a for a in ALL if a.name == name)
    export = tmp_path / "out.csv"
    done = subprocess.run([sys.executable, "-m", "assistant.cli", "sql", attack.text(target), "--data", str(demo_db),
                           "--json", "--max-rows", "0", "--export", str(export)],
                          capture_output=True, text=True, env=cli_env(tmp_path / "home"), timeout=180)
    assert "Traceback" not in done.stderr
    try:
        payload = json.loads(done.stdout)
    except ValueError:
        payload = {"answer": done.stdout}
    problems = judge(payload, attack, raw, target)
    problems += [f"stdout: {leak}" for leak in raw.find(done.stdout)]
    problems += [f"stderr: {leak}" for leak in raw.find(done.stderr)]
    if export.exists():
        exported = export.read_text(encoding="utf-8-sig", errors="ignore")
        problems += [f"--export file: {leak}" for leak in raw.find(exported)]
    assert not problems, f"{name}: " + "\n".join(dict.fromkeys(problems))


@pytest.mark.parametrize("name", ["plain", "whole_row_varchar", "error_function", "order_by_phone"])
def test_sql_shape_reaches_no_raw_value_through_the_python_api(demo_db: Path, raw: RawIndex, target: Target,
                                                               name: str) -> None:
    from assistant import Assistant

    attack = next(a for a in ALL if a.name == name)
    answer = Assistant(data=str(demo_db)).sql(attack.text(target))
    payload = answer.to_json() if hasattr(answer, "to_json") else json.loads(json.dumps(answer, default=str))
    problems = judge(payload, attack, raw, target)
    try:
        frame = answer.table()
        if frame is not None:
            problems += [f"DataFrame: {leak}" for leak in raw.find(frame.to_csv(index=False))]
    except Exception:  # noqa: BLE001 - a refused query has no table
        pass
    assert not problems, f"{name}: " + "\n".join(dict.fromkeys(problems))
