"""The offline question router: the shared dev set, this repo's own cases, and its building blocks."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from assistant.router import Route, detect_language, route
from assistant.router.matching import Lexicon
from assistant.router.names import find_unknown_names
from assistant.router.normalize import normalize
from assistant.router.numbers import chinese_to_int, to_int
from assistant.router.periods import find_period
from assistant.router.segments import build_lexicon, find_segment, load_segments
from assistant.router.sql import extract_sql
from tests.conftest import DEV_QUESTIONS
from tools.timewindow import resolve_period

HERE = Path(__file__).resolve().parent
DEV_SET = DEV_QUESTIONS
OWN_CASES = HERE / "router_cases.yaml"

_ABSENT = object()


def _load(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle) or []


def _dev_cases() -> list[dict]:
    return _load(DEV_SET)


def _check(case: dict) -> None:
    result = route(case["q"])
    expected = case.get("tool")
    if expected is None:
        assert result is None, f"{case['q']!r} should not be routed, got {result}"
        return
    tools = expected if isinstance(expected, list) else [expected]
    assert result is not None, f"{case['q']!r} was not routed (expected {tools})"
    assert result.tool in tools, f"{case['q']!r}: got {result.tool} {result.args}, expected {tools}"
    for name, value in (case.get("args") or {}).items():
        got = result.args.get(name, _ABSENT)
        if value is None:
            assert got is _ABSENT, f"{case['q']!r}: argument {name} should be absent, got {got!r}"
        else:
            assert got == value, f"{case['q']!r}: {name}={got!r}, expected {value!r} (args {result.args})"
    assert result.matched, f"{case['q']!r}: a route must say what decided it"


@pytest.mark.parametrize("case", _dev_cases(), ids=lambda c: c["q"][:40])
def test_dev_set(case: dict) -> None:
    _check(case)


@pytest.mark.parametrize("case", _load(OWN_CASES), ids=lambda c: c["q"][:40])
def test_own_cases(case: dict) -> None:
    _check(case)


def test_own_cases_are_plentiful_and_bilingual() -> None:
    cases = _load(OWN_CASES)
    routed = [c for c in cases if c.get("tool") is not None]
    chinese = [c for c in routed if detect_language(c["q"]) == "zh"]
    assert len(routed) >= 80
    assert len(chinese) >= len(routed) / 2
    assert sum(1 for c in cases if c.get("tool") is None) >= 5
    assert len({c["q"] for c in cases}) == len(cases), "duplicate questions"


def test_emitted_periods_resolve() -> None:
    """Every period the router emits for the cases is a valid token for tools/timewindow.py."""
    from datetime import date

    for case in _load(OWN_CASES) + _dev_cases():
        result = route(case["q"])
        if result is not None and "period" in result.args:
            resolve_period(result.args["period"], date(2026, 11, 15), date(2024, 9, 1))


# --- public API ------------------------------------------------------------------------------


def test_route_shape() -> None:
    result = route("上个月的复购率是多少？")
    assert isinstance(result, Route)
    assert result.tool == "metric_query"
    assert result.args == {"metric": "repurchase_rate", "period": "last_month"}
    assert result.language == "zh"
    assert any("复购率" in m for m in result.matched)
    assert route("What is the GMV?").language == "en"


@pytest.mark.parametrize("question", [None, "", "   ", "？？？", "...", "🙂"])
def test_nothing_to_route(question) -> None:
    assert route(question) is None


@pytest.mark.parametrize("text, language", [
    ("GMV是多少", "zh"), ("What is the GMV", "en"), ("", "en"), ("１２３", "en"), ("銷售額", "zh"),
    ("top 10 主播", "zh"),
    # an English sentence naming a Chinese host, category or promotion is English; Chinese around English is not
    ("How did 小雅 do last month?", "en"), ("Which host converted best, 小雅 or 阿杰?", "en"),
    ("how did 橙子姐姐 do on 双11?", "en"), ("GMV of 美妆护肤 last month", "en"),
    ("这个月18-24岁的buyers有多少人", "zh"), ("帮我看下 top 5 products", "zh"), ("上个月 GMV 多少 by host", "zh"),
])
def test_detect_language(text: str, language: str) -> None:
    assert detect_language(text) == language


def test_args_only_what_the_question_says() -> None:
    assert route("GMV是多少").args == {"metric": "gmv"}
    assert route("哪些用户有流失风险？").args == {}
    assert route("数据里有哪些表和字段？").args == {}


# --- building blocks ---------------------------------------------------------------------------


@pytest.mark.parametrize("raw, expected", [
    ("ＧＭＶ　是多少？", "gmv 是多少?"),
    ("  Top   10  ", "top 10"),
    ("（上個月）銷售額，“双11”。", '(上个月)销售额,"双11".'),
    ("２０２５年６月", "2025年6月"),
])
def test_normalize(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_normalize_can_keep_case() -> None:
    assert normalize("Campaign ＡＢ_1", lower=False) == "Campaign AB_1"


@pytest.mark.parametrize("text, value", [
    ("一", 1), ("十", 10), ("十五", 15), ("二十", 20), ("两", 2), ("三十五", 35), ("一百二十", 120),
    ("九十", 90),
])
def test_chinese_numerals(text: str, value: int) -> None:
    assert chinese_to_int(text) == value


def test_to_int() -> None:
    assert to_int("20") == 20
    assert to_int("twenty") == 20
    assert to_int("二十") == 20
    assert to_int("abc") is None


@pytest.mark.parametrize("phrase, token", [
    ("最近30天", "last_30_days"), ("近7日", "last_7_days"), ("过去三个月", "last_3_months"),
    ("最近一年", "last_12_months"), ("近半年", "last_6_months"), ("上个月", "last_month"),
    ("上周", "last_week"), ("上季度", "last_quarter"), ("去年", "last_year"), ("本周", "this_week"),
    ("本月", "this_month"), ("本季度", "this_quarter"), ("今年", "this_year"), ("年初至今", "this_year"),
    ("今天", "today"), ("昨天", "yesterday"), ("2025年", "2025"), ("2025年6月", "2025-06"),
    ("2025-06", "2025-06"), ("2025/6", "2025-06"), ("2025年第三季度", "2025-Q3"), ("2025 Q3", "2025-Q3"),
    ("2025年6月1日", "2025-06-01"), ("2025-06-01至2025-06-18", "2025-06-01..2025-06-18"),
    ("6月", "month:6"), ("一月份", "month:1"), ("十二月", "month:12"), ("Q3", "quarter:3"),
    ("第二季度", "quarter:2"), ("618", "618"), ("双11", "double11"), ("双十一", "double11"),
    ("去年双11", "double11_last_year"), ("去年618", "618_last_year"), ("2025年双11", "double11_2025"),
    ("2024年618", "618_2024"), ("last 30 days", "last_30_days"), ("the past two weeks", "last_2_weeks"),
    ("last week", "last_week"), ("last month", "last_month"), ("this year", "this_year"),
    ("YTD", "this_year"), ("MTD", "this_month"), ("QTD", "this_quarter"), ("WTD", "this_week"),
    ("June 2025", "2025-06"), ("in May", "month:5"), ("Q3 2025", "2025-Q3"),
    ("Double 11 last year", "double11_last_year"), ("singles day 2024", "double11_2024"),
    ("between 2025-01-01 and 2025-03-31", "2025-01-01..2025-03-31"),
    ("2025年上半年", "2025-01-01..2025-06-30"),
])
def test_time_phrases(phrase: str, token: str) -> None:
    found = find_period(normalize(phrase))
    assert found is not None and found.token == token


@pytest.mark.parametrize("text", ["最近3个月", "12个月", "前20个", "客单价超过2000元", "may we see it",
                                  "30天、60天、90天留存率"])
def test_no_false_periods(text: str) -> None:
    found = find_period(normalize(text))
    assert found is None or found.token.startswith("last_")


@pytest.mark.parametrize("question, sql", [
    ("SELECT count(*) FROM orders", "SELECT count(*) FROM orders"),
    ("  select 1", "select 1"),
    ("```sql\nSELECT * FROM orders\n```", "SELECT * FROM orders"),
    ("```\nwith x as (select 1) select * from x\n```", "with x as (select 1) select * from x"),
    ("WITH recent AS (SELECT * FROM orders) SELECT count(*) FROM recent",
     "WITH recent AS (SELECT * FROM orders) SELECT count(*) FROM recent"),
])
def test_sql_passthrough(question: str, sql: str) -> None:
    assert extract_sql(question) == sql
    assert route(question) == Route("run_sql", {"sql": sql}, "en", ["SQL statement"])


@pytest.mark.parametrize("question", ["Select the best hosts last month", "With the data, what's GMV?",
                                      "selection of products", "上个月 select 一下"])
def test_not_sql(question: str) -> None:
    assert extract_sql(question) is None


def test_lexicon_prefers_longest_and_respects_word_boundaries() -> None:
    lexicon = Lexicon([("沉睡客户", "a", 1), ("即将沉睡客户", "b", 1), ("active", "c", 1)])
    assert [h.value for h in lexicon.find("即将沉睡客户")] == ["b"]
    assert lexicon.find("inactive users") == []
    assert [h.value for h in lexicon.find("active users")] == ["c"]


SEGMENTS_FIXTURE = """
rfm:
  hibernating:
    zh: 沉睡客户
    en: Hibernating
    aliases: [沉睡用户, dormant]
  about_to_sleep:
    zh: 即将沉睡客户
    en: About to Sleep
    aliases: [即将沉睡]
cn8:
  important_value:
    zh: 重要价值客户
    en: Important value
    aliases: [重要价值]
lifecycle:
  new:
    zh: 新客期
    en: New
    aliases: [新客阶段]
"""


def test_segments_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "segments.yaml"
    path.write_text(SEGMENTS_FIXTURE, encoding="utf-8")
    assert set(load_segments(path)) == {"rfm", "cn8", "lifecycle"}
    lexicon = build_lexicon(path)
    hit = find_segment(normalize("即将沉睡客户怎么办"), lexicon)
    assert (hit.value.scheme, hit.value.key) == ("rfm", "about_to_sleep")
    hit = find_segment(normalize("Dormant customers"), lexicon)
    assert hit.value.key == "hibernating"
    assert find_segment(normalize("重要价值客户"), lexicon).value.scheme == "cn8"
    # A generic English display name ("New") is not a segment mention by itself.
    assert find_segment("new products", lexicon) is None
    assert find_segment(normalize("新客阶段"), lexicon).value.key == "new"


def test_missing_segments_file(tmp_path: Path) -> None:
    assert load_segments(tmp_path / "absent.yaml") == {}
    assert find_segment("沉睡客户", build_lexicon(tmp_path / "absent.yaml")) is None


def test_strategy_scheme_follows_the_segment() -> None:
    assert route("重要价值客户怎么运营").args == {"segment": "important_value", "scheme": "cn8"}
    assert route("流失客户怎么召回").args == {"segment": "churned", "scheme": "lifecycle"}
    assert route("沉睡客户怎么运营").args == {"segment": "hibernating"}


# --- names found in the data (DataVocabulary) --------------------------------------------------

def _toy_vocabulary():
    from assistant.router import DataVocabulary

    return DataVocabulary(hosts=["橙子姐姐", "小雅"], products=["补水面膜", "空气炸锅", "空气炸锅纸", "无痕内衣"],
                          categories=["美妆护肤", "服饰内衣"], brands={"水研社": ["补水面膜", "玻尿酸精华"]})


@pytest.mark.parametrize(("question", "filters"), [
    ("橙子姐姐的GMV", {"host": "橙子姐姐"}),
    ("面膜卖了多少", {"product": "补水面膜"}),  # the kind of product at the end of its name
    ("空气炸锅纸的订单数", {"product": "空气炸锅纸"}),  # the longest name wins
    ("内衣上个月卖了多少", {"category": "服饰内衣"}),  # half of a category before a product ending
    ("水研社的销售额", {"product": ["补水面膜", "玻尿酸精华"]}),  # a brand = its products
    ("小雅卖的补水面膜多少单", {"host": "小雅", "product": "补水面膜"}),
])
def test_data_names_become_filters(question: str, filters: dict) -> None:
    routed = route(question, _toy_vocabulary())
    assert routed.tool == "metric_query"
    assert routed.args["filters"] == filters
    assert route(question).args.get("filters") is None  # without the data, no names are known


def test_named_category_is_a_filter_not_a_breakdown() -> None:
    vocabulary = _toy_vocabulary()
    assert route("美妆护肤这个品类上个月卖了多少", vocabulary).args == {
        "metric": "gmv", "period": "last_month", "filters": {"category": "美妆护肤"}}
    assert route("按品类看美妆护肤的GMV", vocabulary).args["dimension"] == "category"


def test_data_names_fill_tool_arguments() -> None:
    vocabulary = _toy_vocabulary()
    assert route("买空气炸锅的人还会买啥", vocabulary).args["product"] == "空气炸锅"
    assert route("买了面膜的客户推荐什么商品", vocabulary).args["product"] == "面膜"
    forecast = route("橙子姐姐下个月能卖多少", vocabulary)
    assert forecast.tool == "sales_forecast"
    assert (forecast.args["dimension"], forecast.args["value"]) == ("host", "橙子姐姐")


def test_demo_vocabulary_reads_the_warehouse(engine) -> None:
    vocabulary = engine.vocabulary
    assert vocabulary is engine.vocabulary  # built once per engine
    assert {"橙子姐姐", "小雅", "大鹏哥"} <= set(vocabulary.hosts)
    assert {"补水面膜", "空气炸锅"} <= set(vocabulary.products)
    assert "美妆护肤" in vocabulary.categories and "广东" in vocabulary.provinces
    assert "补水面膜" in vocabulary.brands["水研社"]


@pytest.mark.parametrize(("question", "filters"), [
    ("米粒上周的客单价", {"host": "米粒"}),
    ("GMV for host 甜甜酱 last month", {"host": "甜甜酱"}),
    ("挂耳咖啡今年卖了多少", {"product": "挂耳咖啡"}),
    ("食品饮料类目的订单数", {"category": "食品饮料"}),
])
def test_demo_names_route_and_answer(engine, question: str, filters: dict) -> None:
    answer = engine.ask(question)
    call = answer.tool_calls[0]
    assert (call.name, call.args["filters"]) == ("metric_query", filters)
    assert answer.error is None and answer.tables[0].df.iloc[0, 1] > 0
    everything = engine.run_tool("metric_query", {k: v for k, v in call.args.items() if k != "filters"})
    assert answer.tables[0].df.iloc[0, 1] < everything.tables[0].df.iloc[0, 1]  # the filter narrowed it


_DOC_EXAMPLE = re.compile(r'"([^"]+)"\s*->\s*(\{(?:[^{}]|\{[^{}]*\})*\})')


def _documented_examples() -> list[tuple[str, str, dict]]:
    from tools.registry import all_tools, load_builtin_tools

    load_builtin_tools()
    examples = []
    for spec in all_tools():
        for question, args in _DOC_EXAMPLE.findall(spec.description):
            examples.append((spec.name, question, json.loads(args)))
    return examples


def test_every_documented_example_routes_to_its_tool_with_its_arguments() -> None:
    """A tool's docstring examples are what the agent and the offered questions learn from; offline, each
    must reach that tool with (at least) the documented arguments."""
    from datetime import date

    from tools.strategy import resolve_segment
    from tools.timewindow import resolve_period

    def same(name: str, documented: object, got: object) -> bool:
        if documented == got:
            return True
        if name == "segment" and isinstance(documented, str) and isinstance(got, str):
            return resolve_segment(documented, None)[1] == resolve_segment(got, None)[1]  # a name and its key
        if name in ("period", "as_of") and isinstance(documented, str) and isinstance(got, str):
            anchor = date(2026, 11, 15)  # two spellings of one window ("2026-06" and "month:6")
            a, b = resolve_period(documented, anchor), resolve_period(got, anchor)
            return (a.start, a.end) == (b.start, b.end)
        return False

    examples = [e for e in _documented_examples() if e[0] != "run_sql"]
    assert len(examples) >= 30
    misses = []
    for tool, question, args in examples:
        got = route(question)
        if got is None or got.tool != tool or not all(same(k, v, got.args.get(k)) for k, v in args.items()):
            misses.append((question, tool, args, got and (got.tool, got.args)))
    assert misses == []


@pytest.mark.parametrize(("question", "args"), [
    ("有多少笔0元订单？", {"metric": "orders", "filters": {"amount": "0"}}),
    ("1000元以上的订单有多少", {"metric": "orders", "filters": {"amount": ">=1000"}}),
    ("how many orders between 100 and 500 yuan", {"metric": "orders", "filters": {"amount": "100-500"}}),
    ("GMV by host for orders above ¥300", {"metric": "gmv", "dimension": "host", "filters": {"amount": ">300"}}),
    ("付了款后来又退款成功的订单有多少？", {"metric": "orders", "filters": {"status": "refunded"}}),
    ("上个月退款总额", {"metric": "refund_amount", "period": "last_month"}),
    ("How many orders per status?", {"metric": "orders", "dimension": "status"}),
    ("退款订单占比多少", {"metric": "orders", "dimension": "status"}),
    ("女性买家占比", {"metric": "buyers", "dimension": "gender"}),
])
def test_order_conditions_become_filters_or_splits(question: str, args: dict) -> None:
    got = route(question)
    assert (got.tool, got.args, got.dropped) == ("metric_query", args, [])


def test_a_customer_spend_threshold_is_not_an_order_filter() -> None:
    """"消费超过1000元的客户" is a customer's total; the order-amount filter would answer another question."""
    for question in ("消费超过1000元的客户有多少", "customers who spent over 1000 yuan"):
        got = route(question)
        assert got is None or "amount" not in (got.args.get("filters") or {})
        assert got is None or any(d.kind == "condition" for d in got.dropped)


@pytest.mark.parametrize(("question", "kind", "name"), [
    ("宠物用品这个季度GMV多少", "product", "宠物用品"), ("户外露营Q3卖了多少", "product", "户外露营"),
    ("空气炸锅Pro卖了多少", "product", "空气炸锅Pro"),
])
def test_a_subject_before_any_time_word_that_the_data_lacks_is_named(question: str, kind: str, name: str) -> None:
    from assistant.router.names import find_unknown_names

    assert [(u.kind, u.name) for u in find_unknown_names(question, _toy_vocabulary())] == [(kind, name)]


@pytest.mark.parametrize("question", [
    "女性上个月GMV多少", "女性这个季度GMV多少", "广东上个月GMV多少", "沉睡客户上个月GMV多少", "直播间这个季度GMV多少",
    "新客上个月GMV多少", "主播GMV排名", "主播uv价值", "主播cvr多少", "达人top5", "面膜Q3卖了多少",
    # filters the router reads, and English words after 主播
    "货架上个月订单多少", "已发货上个月订单", "零元单上个月订单", "晚上8点后上个月订单",
    "主播overall GPM", "主播mtd GMV", "主播avg gpm", "主播Live间GMV",
    # a range of months opens before the time word
    "8-10月卖得最好的3个产品是哪些", "8到10月卖得最好的产品",
])
def test_groups_and_measures_before_a_time_word_are_no_unknown_names(question: str) -> None:
    from assistant.router.names import find_unknown_names

    assert find_unknown_names(question, _toy_vocabulary()) == []


def test_listed_measures_are_each_answered() -> None:
    got = route("GMV, orders and AOV last month by host")
    assert got.args["metric"] == "gmv" and [a["metric"] for a in got.also] == ["orders", "aov"]
    assert all(a["dimension"] == "host" and a["period"] == "last_month" for a in got.also)
    assert route("新客的客单价").also == [] and route("退款订单数").also == []  # a qualifier is no list


@pytest.mark.parametrize(("question", "name"), [
    ("主播王小明上周GMV多少", "王小明"), ("Lucas这个主播上个月带货多少？", "Lucas"), ("达人张三三的转化率", "张三三"),
    ("主播Momo的GPM多少", "Momo"), ("达人Lily上个月带货多少", "Lily"),
])
def test_a_host_the_data_lacks_is_named_as_unknown(question: str, name: str) -> None:
    from assistant.router.names import find_unknown_names

    vocabulary = _toy_vocabulary()
    assert [u.name for u in find_unknown_names(question, vocabulary) if u.kind == "host"] == [name]
    assert find_unknown_names("主播橙子姐姐上个月GMV多少", vocabulary) == []  # a host the data has


@pytest.mark.parametrize(("question", "args"), [
    # a refund said after the order ("订单退款成功了", "orders had a refund")
    ("3到5月有多少笔订单退款成功了？", {"metric": "orders", "period": "months:3-5", "filters": {"status": "refunded"}}),
    ("How many orders had a refund last month?", {"metric": "orders", "filters": {"status": "refunded"}}),
    # how often a customer bought: the repurchase rate when a share is asked, else a count of such buyers
    ("What share of customers ordered more than once?", {"metric": "repurchase_rate"}),
    ("买过两次及以上的客户有多少", {"metric": "repeat_buyers"}),
    ("How many customers only ever bought once?", {"metric": "one_time_buyers"}),
    ("repurchase rate (customers with 2+ paid orders)", {"metric": "repurchase_rate"}),
    # when in the week
    ("上个月周末的GMV", {"metric": "gmv", "period": "last_month", "filters": {"weekday": "weekend"}}),
    ("周末和工作日的客单价对比", {"metric": "aov", "dimension": "weekday"}),
    ("星期几的订单最多", {"metric": "orders", "dimension": "day_of_week"}),
    ("周末下单的客户有多少", {"metric": "buyers", "filters": {"weekday": "weekend"}}),
    # new or returning within a window
    ("上个月新老客的GMV占比", {"metric": "gmv", "dimension": "buyer_type", "period": "last_month"}),
    ("上个月新客和老客的客单价", {"metric": "aov", "dimension": "buyer_type", "period": "last_month"}),
    ("上个月老客贡献了多少GMV", {"metric": "gmv", "period": "last_month", "filters": {"buyer_type": "returning"}}),
    ("new vs returning customers last month", {"metric": "buyers", "dimension": "buyer_type"}),
    # half a month; a shop's own name; what was paid
    ("6月上半月的GMV", {"metric": "gmv", "period": "month:6:h1"}),
    ("GMV in the second half of May 2026", {"metric": "gmv", "period": "2026-05:h2"}),
    ("有赞商城3到5月有多少个付款客户", {"metric": "buyers", "period": "months:3-5"}),
    ("Total amount actually paid last month", {"metric": "gmv", "period": "last_month"}),
    # a measure word inside an amount condition is the condition's; non-zero orders; refunds said as amounts
    ("实付金额300元及以上的订单有多少单？", {"metric": "orders", "filters": {"amount": ">=300"}}),
    ("How many distinct buyers placed at least one paid, non-zero order in Q3?",
     {"metric": "buyers", "filters": {"amount": ">0"}}),
    ("退款成功的金额一共是多少？", {"metric": "refund_amount"}),
    ("全额退款和部分退款的订单各有多少单？", {"metric": "orders", "dimension": "status"}),
    ("Split the quarter's GMV into live-stream orders and all other orders", {"metric": "gmv", "dimension": "source"}),
    ("三季度卖得最多的3个宝贝是哪几个（按件数）？", {"metric": "units", "dimension": "product", "limit": 3}),
    # not paid: closed unpaid, still awaiting payment, or both
    ("有多少订单是没付款就关闭了的？", {"metric": "orders", "filters": {"status": "cancelled"}}),
    ("现在还有多少单在等买家付款？", {"metric": "orders", "filters": {"status": "unpaid"}}),
    ("没付款的订单有多少", {"metric": "orders", "filters": {"status": ["cancelled", "unpaid"]}, "dimension": "status"}),
    # two asks, each its own count (the second, awaiting payment, follows in `more`)
    ("How many orders were closed without ever being paid, and how many are still awaiting payment?",
     {"metric": "orders", "filters": {"status": "cancelled"}}),
])
def test_kinds_of_order_and_buyer_questions_compose(question: str, args: dict) -> None:
    got = route(question)
    assert got is not None and got.tool == "metric_query" and got.dropped == [], (question, got)
    assert {k: got.args.get(k) for k in args} == args
    assert "source" not in (got.args.get("filters") or {})  # 有赞商城 is the shop, not the shelf
    if "awaiting payment" in question:
        assert [m.args.get("filters") for m in got.more] == [{"status": "unpaid"}]


def test_a_named_host_gets_that_hosts_sessions(engine) -> None:
    routed = route("小雅上个月的转化率", engine.vocabulary)
    assert (routed.tool, routed.args.get("host")) == ("live_performance", "小雅")
    one = engine.run_tool("live_performance", {"host": "小雅"}, "zh")
    every = engine.run_tool("live_performance", {}, "zh").table().set_index("host")
    row = one.table().set_index("host").loc["小雅"]
    assert len(one.table()) == 1 and one.answer.startswith("主播：小雅。")
    for column in ("sessions", "gmv", "orders", "viewers"):
        assert row[column] == pytest.approx(every.loc["小雅", column])
    assert one.tool_calls[0].resolved["overall"]["sessions"] == every.loc["小雅", "sessions"]
    missing = engine.run_tool("live_performance", {"host": "王小明"}, "zh")
    assert missing.error["code"] == "value_not_found" and "王小明" in missing.answer


def test_an_adverb_is_not_a_hosts_name(engine) -> None:
    from assistant.router.names import find_unknown_names

    assert find_unknown_names("4月份一共播了多少场？", engine.vocabulary) == []
    assert find_unknown_names("上个月总共带货多少", engine.vocabulary) == []


@pytest.mark.parametrize(("question", "split", "displaced"), [
    ("周末的场次平均GMV是不是比工作日的高？", "weekday", "场次"),
    ("用券和没用券的订单的客单价按主播看", "coupon", "主播"),
    ("直播间和货架的GMV按月看", "source", "按月"),
])
def test_a_breakdown_beside_a_two_sided_split_is_named(question: str, split: str, displaced: str) -> None:
    got = route(question)
    assert got.args["dimension"] == split
    assert [(d.kind, d.phrase) for d in got.dropped] == [("breakdown", displaced)]


def test_two_named_hosts_and_conversion_compare_their_live_rooms(engine) -> None:
    got = route("小雅和米粒，谁的转化率更高？", engine.vocabulary)
    assert got.tool == "live_performance" and got.args.get("metric") == "conversion_rate"


@pytest.mark.parametrize(("question", "args"), [
    # a span said in one unit and asked in another: the span in the grain asked
    ("预测下未来两周每天的GMV", {"metric": "gmv", "horizon": 14, "grain": "day"}),
    ("forecast daily GMV for the next 2 weeks", {"metric": "gmv", "horizon": 14, "grain": "day"}),
    ("未来30天按周预测GMV", {"metric": "gmv", "horizon": 4, "grain": "week"}),
    ("forecast next quarter revenue, monthly", {"metric": "gmv", "horizon": 3, "grain": "month"}),
    ("预测下个月每天的订单数", {"metric": "orders", "horizon": 30, "grain": "day"}),
    # the measure as the word before "forecast"
    ("weekly order forecast for the next 8 weeks", {"metric": "orders", "horizon": 8, "grain": "week"}),
    ("buyer forecast for next month", {"metric": "buyers", "horizon": 30, "grain": "day"}),
])
def test_a_forecast_takes_its_measure_span_and_grain(question: str, args: dict) -> None:
    r = route(question)
    assert (r.tool, {k: r.args.get(k) for k in args}, r.dropped) == ("sales_forecast", args, [])


@pytest.mark.parametrize("question", ["上周美妆护肤refund了多少钱", "上周refund多少钱", "上周美妆护肤退款了多少钱"])
def test_money_asked_of_refunds_in_either_language_is_the_amount(question: str) -> None:
    assert route(question).args["metric"] == "refund_amount"


@pytest.mark.parametrize(("question", "dimension"), [
    ("10月GMV按省拆一下", "region"), ("last week GMV多少，再按live/shelf拆开", "source"),
    ("live/shelf split of orders last month", "source"),
])
def test_a_split_asked_in_words_is_made(question: str, dimension: str) -> None:
    r = route(question)
    assert [c.args.get("dimension") for c in [r, *r.more]] == [None] * len(r.more) + [dimension]
    assert not any(c.dropped for c in [r, *r.more])


@pytest.mark.parametrize("question", ["上个月有多少订单被拆分发货", "整体退款率多少？不用按时间切，就要一个总数",
                                      "分享直播切片带来的GMV"])
def test_words_of_splitting_that_ask_no_breakdown_name_none(question: str) -> None:
    r = route(question)
    assert not any(d.kind == "breakdown" for c in [r, *r.more] for d in c.dropped)


def test_a_split_asked_by_something_not_understood_is_named_not_dropped() -> None:
    r = route("上个月GMV按星座拆一下")
    assert r.args.get("dimension") is None and any(d.kind == "breakdown" for d in r.dropped)


@pytest.mark.parametrize(("question", "tool", "args"), [
    # an English word of the trade inside a Chinese question reads as its Chinese word
    ("重要价值客户里未来60天可能churn的有哪些", "churn_risk", {"segment": "important_value", "horizon_days": 60}),
    ("流失的customers怎么召回", "segment_strategy", {"segment": "churned"}),
    ("上周refund了多少钱", "metric_query", {"metric": "refund_amount"}),
    # an English question keeps its words
    ("which customers will churn", "churn_risk", {}),
])
def test_english_words_inside_a_chinese_question(question: str, tool: str, args: dict) -> None:
    r = route(question)
    assert r.tool == tool and {k: r.args.get(k) for k in args} == args


def test_other_hosts_after_a_leader_are_not_the_leader() -> None:
    r = route("哪个主播GMV最高？其他的主播的退款率")
    assert r.more[0].of_leader is None


@pytest.mark.parametrize("question", ["上个月退款率啥样", "复购率现在啥样"])
def test_how_a_measure_looks_is_that_measure(question: str) -> None:
    assert route(question).tool == "metric_query"


@pytest.mark.parametrize(("question", "name"), [
    ("Dyson吹风机卖了多少台", "Dyson吹风机"),  # a maker before a thing the shop sells under another name
    ("上个月Apple耳机的退款率", "Apple耳机"),
])
def test_another_make_of_a_thing_sold_is_not_found_not_the_shops_own(engine, question, name) -> None:
    routed = route(question, engine.vocabulary)
    assert [(u.kind, u.name) for u in routed.unknown] == [("product", name)]


def test_words_that_describe_or_place_the_shops_own_product_are_no_other_make(engine) -> None:
    rows = engine.warehouse.df("SELECT product_name, brand, category FROM products")
    host = engine.vocabulary.hosts[0]
    for product, brand, category in rows.itertuples(index=False):
        for question in (f"上个月{product}卖了多少台", f"{brand}{product}卖得怎么样", f"{category}里{product}卖了多少",
                         f"{host}卖的{product}", f"广东{product}的GMV", f"直播间{product}卖了多少", f"新款{product}",
                         # a time, a place, a buyer or a description before the thing sold is no maker
                         f"双十一{product}卖了多少", f"广州{product}卖了多少", f"给妈妈买{product}的客户有多少",
                         f"平价{product}", f"show me {product} sales", f"our{product}", f"top{product}",
                         f"how much did {product} make"):
            assert find_unknown_names(question, engine.vocabulary) == [], question


@pytest.mark.parametrize(("question", "metric"), [("高速吹风机卖了多少台", "units"), ("上个月面膜卖了几盒", "units"),
                                                  ("玻尿酸精华卖出去多少瓶", "units"), ("面膜卖了多少", "gmv")])
def test_a_counter_of_pieces_asks_for_units(question, metric) -> None:
    assert route(question).args["metric"] == metric


@pytest.mark.parametrize(("question", "args"), [
    ("How does this October's GMV stack up against October last year?",
     {"metric": "gmv", "period": "month:10", "compare": "last_year"}),
    ("618期间GMV今年 vs 去年", {"metric": "gmv", "period": "618", "compare": "last_year"}),
    ("10月GMV vs 去年10月", {"metric": "gmv", "period": "month:10", "compare": "last_year"}),
    ("this october vs last october gmv", {"metric": "gmv", "period": "month:10", "compare": "last_year"}),
    ("10月的GMV和9月相比怎么样", {"metric": "gmv", "period": "month:10", "compare": "previous_period"}),
])
def test_a_window_set_against_the_same_one_a_year_or_a_step_before_is_that_comparison(question, args) -> None:
    routed = route(question)
    assert routed.args == args and routed.dropped == []  # (the base window's words are the comparison's)


@pytest.mark.parametrize(("question", "metric", "filters"), [
    ("Which 3 products lost us the most money to refunds?", "refund_amount", None),
    ("去年沉睡客户的消费主要来自哪些省？", "gmv", {"segment": "hibernating"}),
    ("Top 5 products among our champions this year", None, {"segment": "champions"}),  # sales, not people
    ("This month, how much came from new versus returning buyers?", None, None),
    ("今年live渠道下单、母婴用品的订单一共多少单", "orders", {"source": "live", "category": "母婴用品"}),
    ("货架渠道下单的GMV", "gmv", {"source": "shelf"}),
])
def test_money_words_and_where_an_order_was_placed_choose_the_measure_and_filter(engine, question, metric,
                                                                                 filters) -> None:
    routed = route(question, engine.vocabulary)
    assert routed.args.get("metric") == metric and routed.args.get("filters") == filters
    assert routed.args.get("dimension") != "channel"


@pytest.mark.parametrize("question,metric,kind", [
    # orders named by their kind, with 非 / non on the other side: the split of orders, not the coupon experiment
    ("双11期间 coupon 单和非 coupon 单的退款率差多少", "refund_rate", {"dimension": "coupon"}),
    ("券单和非券单的客单价", "aov", {"dimension": "coupon"}),
    ("coupon orders vs non coupon orders AOV last month", "aov", {"dimension": "coupon"}),
    ("live orders vs shelf orders AOV last month", "aov", {"dimension": "source"}),
    ("非优惠券订单的GMV", "gmv", {"filters": {"coupon": "no_coupon"}}),
    ("non-coupon orders' refund rate", "refund_rate", {"filters": {"coupon": "no_coupon"}}),
    ("上个月有券订单有多少单", "orders", {"filters": {"coupon": "coupon"}}),
    ("coupon vs no-coupon, AOV last month", "aov", {"dimension": "coupon"}),
    ("no-coupon orders' GMV", "gmv", {"filters": {"coupon": "no_coupon"}}),
])
def test_orders_named_by_their_kind_are_that_split_or_filter(engine, question, metric, kind) -> None:
    routed = route(question, engine.vocabulary)
    assert routed.tool == "metric_query" and routed.args["metric"] == metric
    assert {k: routed.args.get(k) for k in kind} == kind


@pytest.mark.parametrize("question,args", [
    # people who came by the live channel (not the channels side by side, not orders placed in the room)
    ("live渠道拉来的客户GMV多少", {"metric": "gmv", "filters": {"channel": "live_room"}}),
    ("live channel customers' AOV", {"metric": "aov", "filters": {"channel": "live_room"}}),
    ("live渠道下单的GMV", {"metric": "gmv", "filters": {"source": "live"}}),
    # words that hold their own base ("ahead of last year") leave the window after them the question's own
    ("is GMV ahead of last year this quarter", {"metric": "gmv", "period": "this_quarter", "compare": "last_year"}),
    ("GMV vs last month", {"metric": "gmv", "period": "this_month", "compare": "previous_period"}),
    # new and returning buyers are people: counted; returning buyers with no window still filter (metric_query
    # takes the last 30 days and says so)
    ("新客和老客各有多少人", {"metric": "buyers", "dimension": "buyer_type"}),
    ("how much GMV came from returning buyers", {"metric": "gmv", "filters": {"buyer_type": "returning"}}),
    # a span of a few whole units asked to be compared: its units side by side (前后 is no "last N" ranking)
    ("前后两周的GMV对比", {"metric": "gmv", "dimension": "week", "period": "last_2_weeks"}),
    ("compare GMV for the last two weeks", {"metric": "gmv", "dimension": "week", "period": "last_2_weeks"}),
    ("前后两个月的订单数对比", {"metric": "orders", "dimension": "month", "period": "last_2_months"}),
    ("最近两周的GMV", {"metric": "gmv", "period": "last_2_weeks"}),
    # how often buyers bought is paid orders per buyer (not AOV, not the orders' count)
    ("average orders per customer last year", {"metric": "orders_per_buyer", "period": "last_year"}),
    ("客户平均买几次", {"metric": "orders_per_buyer"}),
    ("how often do champions buy", {"metric": "orders_per_buyer", "filters": {"segment": "champions"}}),
    ("how much do female buyers spend on average", {"metric": "spend_per_buyer", "filters": {"gender": "female"}}),
    # calendar quarters are a breakdown of time as months are
    ("今年GMV按季度看", {"metric": "gmv", "dimension": "quarter", "period": "this_year"}),
    # money the buyers paid, said with 买/消费
    ("广东的女性客户上个月买了多少钱", {"metric": "gmv", "period": "last_month",
                                          "filters": {"gender": "female", "region": "广东"}}),
    # what a group of no segment buys most: its purchases by the category named
    ("女性最喜欢买什么品类", {"metric": "gmv", "dimension": "category", "filters": {"gender": "female"}}),
])
def test_a_qualifier_beside_words_of_its_own_kind_keeps_its_reading(engine, question, args) -> None:
    assert route(question, engine.vocabulary).args == args


@pytest.mark.parametrize("question,args", [
    # viewers' actions in the room are counted per host or session (follows gained, likes, comments, shares)
    ("上个月各主播的点赞数", {"dimension": "host", "metric": "likes", "period": "last_month"}),
    ("how many new followers did 小雅 get last month", {"metric": "new_followers", "host": "小雅",
                                                       "period": "last_month"}),
    ("618期间每个主播涨了多少粉", {"dimension": "host", "metric": "new_followers", "period": "618"}),
    ("分享最多的3场直播", {"dimension": "session", "metric": "shares", "limit": 3}),
    ("最近一场直播有多少评论", {"dimension": "session", "metric": "comments", "session": "latest"}),
])
def test_viewers_actions_in_the_room_are_live_measures(engine, question, args) -> None:
    routed = route(question, engine.vocabulary)
    assert routed.tool == "live_performance" and routed.args == args


@pytest.mark.parametrize("question,tool,args", [
    # values of one kind counted as one ("两地合计", "combined"): one filter of both, not a split
    ("去年四季度，四川重庆两地合计、没用券的订单客单价是多少", "metric_query",
     {"metric": "aov", "period": "last_year_q4", "filters": {"region": ["四川", "重庆"], "coupon": "no_coupon"}}),
    ("Sichuan and Chongqing combined GMV last month", "metric_query",
     {"metric": "gmv", "period": "last_month", "filters": {"region": ["四川", "重庆"]}}),
    # hours "during" a promotion are of its whole run; hours of the promotion alone are of its big day
    ("双11期间晚上8点到12点的订单有多少", "metric_query",
     {"metric": "orders", "period": "double11", "filters": {"hour": "20-23"}}),
    ("双11凌晨0到2点的订单", "metric_query",
     {"metric": "orders", "period": "double11:day", "filters": {"hour": "0-1"}}),
    # customers lost, said with the verb: the churned stage counted
    ("我们流失了多少客户", "lifecycle_stages", {}),
    ("How many customers have we lost?", "lifecycle_stages", {}),
    # a playbook asked for a named group, or for every group, is the strategy (not the report counting them)
    ("How should we nurture customers in the new-customer stage of the lifecycle?", "segment_strategy",
     {"segment": "new", "scheme": "lifecycle"}),
    ("Strategy overview across all the RFM segments, please", "segment_strategy", {}),
    ("Give me a retention plan for our can't-lose customers", "segment_strategy", {"segment": "cant_lose"}),
    ("各RFM分群有多少人", "rfm_segments", {}),
    # people ranked by spend, and a value predicted over a span (12 months are a year)
    ("top 3 spenders among women last month", "metric_query",
     {"metric": "gmv", "dimension": "customer", "period": "last_month", "filters": {"gender": "female"}, "limit": 3,
      "order": "desc"}),
    ("List the top 10 customers by predicted 12-month value", "customer_lifetime_value",
     {"limit": 10, "horizon_days": 365}),
    # what a broadcast sells on average (场均), and what new customers' first orders came to
    ("阿杰的场均GMV", "live_performance", {"metric": "gmv_per_session", "host": "阿杰"}),
    ("average GMV per session by host", "live_performance", {"dimension": "host", "metric": "gmv_per_session"}),
    ("新客首单平均金额多少", "metric_query", {"metric": "first_order_aov"}),
])
def test_what_a_question_names_is_read_as_its_kind(engine, question, tool, args) -> None:
    routed = route(question, engine.vocabulary)
    assert routed.tool == tool and routed.args == args


@pytest.mark.parametrize("question,name", [
    ("collagen gummies 今年卖了多少？", "collagen gummies"),
    ("how much did collagen gummies sell this year", "collagen gummies"),
])
def test_an_english_thing_whose_sales_are_asked_is_not_found_when_the_data_lacks_it(engine, question, name) -> None:
    assert [u.name for u in route(question, engine.vocabulary).unknown] == [name]
    assert not route("how much did we sell this year", engine.vocabulary).unknown


def test_a_coupon_code_in_the_question_is_its_filter_not_a_promotion_window(engine) -> None:
    routed = route("用了coupon_618_2026的女性buyers，按年龄段看下分布", engine.vocabulary)
    assert routed.args["filters"]["coupon_code"] == "coupon_618_2026" and "period" not in routed.args
    assert route("每张券各带来了多少订单？", engine.vocabulary).args == {"metric": "orders", "dimension": "coupon_code"}
    assert route("Which five provinces generate the most revenue?").args["limit"] == 5


@pytest.mark.parametrize(("question", "expected"), [
    # one side of a two-way split left out: the other is counted, no split
    ("这个月直播间的成交额多少？货架的不算", {"filters": {"source": "live"}}),
    ("Split October's sales between live-stream and shelf orders", {"dimension": "source"}),
    ("Were there more orders in Q2 than in Q1?", {"compare": "previous_period", "period": "quarter:2"}),
    ("Who are the five most frequent customers this year?", {"metric": "orders", "dimension": "customer", "limit": 5}),
    ("Which three categories get refunded most often?", {"metric": "refund_rate", "dimension": "category"}),
    ("上个月直播间晚上8点以后下的单有多少", {"metric": "orders", "filters": {"source": "live", "hour": ">=20"}}),
    ("水研社这个牌子哪款卖得最好", {"dimension": "product"}),
])
def test_kinds_comparisons_and_rankings_phrased_as_operators_do(engine, question, expected) -> None:
    args = route(question, engine.vocabulary).args
    assert all(args.get(k) == v for k, v in expected.items()), args


def test_a_holdout_said_in_tenths_is_that_share() -> None:
    assert route("把重要价值客户导出成Excel，留两成不发做对照").args.get("holdout") == 0.2
    assert route("导出沉睡客户，留三成做对照组").args.get("holdout") == 0.3


@pytest.mark.parametrize(("question", "tool", "args"), [
    ("How did 阿杰 do in September?", "live_performance", {"host": "阿杰", "period": "month:9"}),
    ("米粒这个月表现如何", "live_performance", {"host": "米粒", "period": "this_month"}),
    ("how is 母婴用品 doing this year", "metric_query", {"period": "this_year", "filters": {"category": "母婴用品"}}),
])
def test_how_one_named_host_or_category_did_is_its_overview(engine, question, tool, args) -> None:
    routed = route(question, engine.vocabulary)
    assert (routed.tool, routed.args) == (tool, args)
    segment = route("沉睡客户怎么样", engine.vocabulary)  # (no host or category named: no overview of one)
    assert segment is None or segment.tool != "live_performance"


@pytest.mark.parametrize("question", ["看看用户100000777的情况，下一步该给她推什么商品",
                                      "Show customer 100000777's profile and what to recommend to her"])
def test_a_customers_profile_asked_beside_another_ask_is_both(engine, question) -> None:
    routed = route(question, engine.vocabulary)
    assert (routed.tool, routed.args) == ("customer_profile", {"customer_id": 100000777})
    assert [(r.tool, r.args) for r in routed.more] == [("recommend_products", {"customer_id": 100000777})]
    assert not route("给客户100000777推荐几个商品", engine.vocabulary).more


@pytest.mark.parametrize("question,tool,args", [
    # a province or gender named in English before its sales is the filter, never an unknown product
    ("how much did Guangdong sell last month", "metric_query",
     {"metric": "gmv", "period": "last_month", "filters": {"region": "广东"}}),
    ("Women 今年卖了多少", "metric_query", {"metric": "gmv", "period": "this_year", "filters": {"gender": "female"}}),
    # 分享 in a session's title, and "shares of GMV", are no count of shares
    ("零食饮料好物分享那场直播的GMV", "live_performance",
     {"dimension": "session", "metric": "gmv", "session": "零食饮料好物分享"}),
    ("what shares of GMV come from each region", "metric_query", {"metric": "gmv", "dimension": "region"}),
    # a kind of order asked alone still counts those orders
    ("only coupon orders", "metric_query", {"metric": "orders", "filters": {"coupon": "coupon"}}),
    # each value asked for beside their total: the split (pooled only when nothing asks for each)
    ("广东和浙江一共有多少买家，分别是多少", "metric_query",
     {"metric": "buyers", "filters": {"region": ["广东", "浙江"]}, "dimension": "region"}),
    # two hosts' funnels set side by side, not summed; two hosts' latest broadcasts each their own
    ("小雅的漏斗和米粒比一下", "funnel", {"host": ["小雅", "米粒"], "dimension": "host"}),
    # the span just before, said in words, is the comparison
    ("最近两周和之前两周的GMV对比", "metric_query",
     {"metric": "gmv", "period": "last_2_weeks", "compare": "previous_period"}),
    # buyers asked beside another measure stay a measure
    ("buyers last month with AOV", "metric_query", {"metric": "buyers", "period": "last_month"}),
    ("for customers we lost, what did they buy most", "segment_profile", {"segment": "churned", "scheme": "lifecycle"}),
])
def test_the_reviewers_readings_hold(engine, question, tool, args) -> None:
    routed = route(question, engine.vocabulary)
    assert routed.tool == tool and routed.args == args and not routed.unknown


@pytest.mark.parametrize("question,named", [
    ("每个主播的点赞数和评论数", ["comments"]),  # one measure ranked: the other is named
    ("小雅上个月的点赞、评论、分享", ["comments", "shares"]),
    ("活动前后两周的GMV对比", ["span around an event"]),  # no window names the event
    ("how often do top spenders buy", ["how often"]),
])
def test_what_the_call_leaves_out_is_named(engine, question, named) -> None:
    answer = engine.ask(question)
    assert [d["detail"] for d in answer.not_applied] == named


def test_a_pronoun_is_never_the_whole_shop(engine) -> None:
    assert not engine.ask("她买了多少钱").tool_calls  # (hers, pointed at: not the shop's GMV)
