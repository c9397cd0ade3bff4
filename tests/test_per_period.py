"""Averages over time (日均, 月均, "on an average Saturday"): metric_query's `per`, asked the ways operators ask.

A daily average is the window's total over its calendar days, quiet days included; split by weekend/weekday
or filtered to a day of the week, each group over its own days; a count of buyers per day is the mean of each
day's own count. Every figure is checked against pandas on the rows the test wrote. A day word that asks for
each day ("每天的GMV", "哪一天最高") stays a breakdown, and a ratio asked per day says it was not averaged."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest

from assistant.router.route import route

START, END = date(2025, 9, 1), date(2025, 10, 31)


def _export() -> pd.DataFrame:
    """A 淘宝-like export over Sep–Oct 2025: one row per order, a buyer id, the address starting with the
    province, quiet days without any order, a few closed unpaid orders (which never count)."""
    rows, day, i = [], START, 0
    while day <= END:
        if day.day % 7 != 3 or day == END:  # the 3rd, 10th, 17th, 24th: no order at all (all data ends on the 31st)
            for k in range(1 + (day.weekday() >= 5) * 2 + day.day % 3):
                i += 1
                paid = k % 5 != 4 or day.day % 2
                rows.append({
                    "主订单编号": f"T{i:05d}", "买家会员名": f"梅**{i % 7}",
                    "买家会员ID": f"22069{i % 23:05d}",
                    "买家实际支付金额": 30.0 + (i * 7) % 90, "订单状态": "交易成功" if paid else "交易关闭",
                    "订单创建时间": f"{day} 1{k % 10}:05:00",
                    "订单付款时间": f"{day} 1{k % 10}:07:00" if paid else "",
                    "收货地址": ("浙江省 杭州市 西湖区 文***路**号" if i % 23 % 3 == 0
                             else "广东省 深圳市 南山区 人***路**号"),
                    "宝贝标题": ("山野茶语 凤凰单丛鸭屎香 乌龙茶 250g礼盒装" if i % 4 == 0
                             else "山野茶语 正山小种红茶 200g罐装"),
                    "宝贝数量": 1,
                })
        day += timedelta(1)
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory):
    from assistant.engine import Engine
    from assistant.ingest.workspace import import_dataset

    home = tmp_path_factory.mktemp("home")
    with pytest.MonkeyPatch.context() as patch:  # (the home of the session's other tests comes back after)
        patch.setenv("ASSISTANT_HOME", str(home))
        frame = _export()
        path = home / "ExportOrderList_20250901-20251031.csv"
        frame.to_csv(path, index=False, encoding="utf-8-sig")
        result = import_dataset(path)
        paid = frame[frame["订单付款时间"] != ""].copy()
        paid["day"] = pd.to_datetime(paid["订单付款时间"]).dt.date
        with Engine(result.dataset.path) as engine:
            yield paid, engine


def _days(start: date = START, end: date = END) -> list[date]:
    return [start + timedelta(n) for n in range((end - start).days + 1)]


def test_a_daily_average_divides_by_every_calendar_day(shop) -> None:
    paid, engine = shop
    answer = engine.ask("9月日均GMV是多少？")
    september = paid[pd.to_datetime(paid["day"]).dt.month == 9]
    expected = september["买家实际支付金额"].sum() / 30
    assert september["day"].nunique() < 30  # the quiet days are live: dividing by days with orders differs
    assert answer.tool_calls[0].args["per"] == "day"
    assert answer.table().iloc[0]["gmv"] == pytest.approx(round(expected, 2))
    assert f"{expected:,.2f}" in answer.answer and "30 天" in answer.answer


def test_weekends_and_weekdays_each_over_their_own_days(shop) -> None:
    paid, engine = shop
    answer = engine.ask("How many orders per day on weekends vs weekdays?")
    call = answer.tool_calls[0].args
    assert (call["dimension"], call["per"]) == ("weekday", "day")
    table = answer.table().set_index("weekday")
    for name, weekend in (("weekends", True), ("weekdays", False)):
        days = [d for d in _days() if (d.weekday() >= 5) == weekend]
        orders = paid[paid["day"].map(lambda d, w=weekend: (d.weekday() >= 5) == w)]
        assert table.loc[name, "orders"] == pytest.approx(round(len(orders) / len(days), 2))
        assert table.loc[name, "days"] == len(days)


def test_an_average_wednesday_is_the_wednesdays_over_their_number(shop) -> None:
    paid, engine = shop
    answer = engine.ask("平均每个周三有多少单？")
    wednesdays = [d for d in _days() if d.weekday() == 2]
    expected = (paid["day"].map(lambda d: d.weekday() == 2)).sum() / len(wednesdays)
    assert answer.tool_calls[0].args["filters"]["day_of_week"] == "Wed 周三"
    assert answer.table().iloc[0]["orders"] == pytest.approx(round(expected, 2))


def test_buyers_per_day_is_the_mean_of_each_days_buyers(shop) -> None:
    paid, engine = shop
    answer = engine.ask("What's the average number of buyers per day across the whole file?")
    daily = paid.groupby("day")["买家会员ID"].nunique()
    expected = daily.sum() / len(_days())
    assert answer.tool_calls[0].args["per"] == "day" and answer.tool_calls[0].args.get("period") == "all"
    assert answer.table().iloc[0]["buyers"] == pytest.approx(round(expected, 2))
    assert paid["买家会员ID"].nunique() / len(_days()) != pytest.approx(expected)  # not distinct / days


def test_a_monthly_average_and_each_months_daily_average(shop) -> None:
    paid, engine = shop
    month = pd.to_datetime(paid["day"]).dt.month
    answer = engine.ask("这两个月月均GMV是多少？")
    assert answer.table().iloc[0]["gmv"] == pytest.approx(round(paid["买家实际支付金额"].sum() / 2, 2))
    each = engine.run_tool("metric_query", {"metric": "gmv", "dimension": "month", "per": "day"}, "zh").table()
    for m, days in ((9, 30), (10, 31)):
        row = each[each["month"] == f"2025-{m:02d}"].iloc[0]
        assert row["gmv"] == pytest.approx(round(paid.loc[month == m, "买家实际支付金额"].sum() / days, 2))


def test_a_product_named_by_part_of_its_name_and_a_province_by_its_short_name(shop) -> None:
    paid, engine = shop
    answer = engine.ask("10月凤凰单丛日均卖多少钱？")
    october = paid[pd.to_datetime(paid["day"]).dt.month == 10]
    tea = october[october["宝贝标题"].str.contains("凤凰单丛")]
    assert answer.tool_calls[0].args["filters"]["product"] == "山野茶语 凤凰单丛鸭屎香 乌龙茶 250g礼盒装"
    assert answer.table().iloc[0]["gmv"] == pytest.approx(round(tea["买家实际支付金额"].sum() / 31, 2))
    zhejiang = engine.ask("What was the average daily GMV from buyers in Zhejiang in October?")
    expected = october.loc[october["收货地址"].str.startswith("浙江"), "买家实际支付金额"].sum() / 31
    assert zhejiang.table().iloc[0]["gmv"] == pytest.approx(round(expected, 2))  # 浙江 = the address's 浙江省


def test_the_buyer_id_beats_a_masked_member_name(shop) -> None:
    paid, engine = shop
    buyers = engine.run_tool("metric_query", {"metric": "buyers"}, "en").table().iloc[0]["buyers"]
    assert buyers == paid["买家会员ID"].nunique() != paid["买家会员名"].nunique()


def test_what_cannot_be_averaged_says_so(shop) -> None:
    _, engine = shop
    outside = engine.run_tool("metric_query", {"metric": "gmv", "per": "day", "period": "2025-12"}, "en")
    assert outside.error
    ratio = engine.ask("日均客单价是多少")
    assert "aov" == ratio.tool_calls[0].args["metric"] and "日均" in ratio.answer and "没有应用" in ratio.answer


@pytest.mark.parametrize("question, per", [
    ("日均GMV是多少", "day"), ("上个月平均每天多少单", "day"), ("What is the average daily GMV last month", "day"),
    ("月均GMV多少", "month"), ("平均每周多少新客", "week"), ("How many orders a day on average in October?", "day"),
    ("How much do we sell on an average Saturday?", "day"), ("平均一个月卖多少件", "month"),
    ("Mon–Fri vs Sat+Sun sales per day", "day"), ("周三平均每天多少单", "day"),
])
def test_averages_over_time_are_read_however_said(question: str, per: str) -> None:
    found = route(question)
    assert found is not None and found.args.get("per") == per, (question, found and found.args)
    assert found.args.get("dimension") != "day"


@pytest.mark.parametrize("question, dimension", [
    ("每天的GMV", "day"), ("GMV per day last week", "day"), ("哪一天GMV最高", "day"), ("每个月GMV分别是多少", "month"),
    ("How much do we sell on an average Monday, Tuesday, … Sunday? Give one figure per weekday.", "day_of_week"),
    ("周一到周日平均每天各卖多少", "day_of_week"),
])
def test_each_day_asked_for_stays_a_breakdown(question: str, dimension: str) -> None:
    found = route(question)
    assert found is not None and found.args.get("dimension") == dimension, (question, found and found.args)
    assert not found.dropped
