"""A live-session report's figures beyond viewers and GMV (罗盘 直播间列表): its refunds, its ad spend and the
return on it (投产比), its people funnel (曝光 -> 观看 -> 商品曝光 -> 商品点击 -> 成交) and its own time on air.
Each number is checked against pandas on the same rows; a dataset without spend still says it has none."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

HOSTS = ["暖屿羊绒官方旗舰店", "暖屿羊绒工厂店", "穿搭师Lily"]


def luopan_report(seed: int = 11) -> pd.DataFrame:
    """罗盘's column names; the third account never buys traffic (its spend is 0)."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(36):
        host = HOSTS[i % 3]
        start = pd.Timestamp("2025-10-01 19:00") + pd.Timedelta(days=i + (i % 2) * 0.3)
        minutes = int(rng.integers(90, 300))
        viewers = int(rng.integers(500, 5000))
        shown = viewers * int(rng.integers(3, 6))
        product_shown = int(viewers * rng.uniform(0.5, 0.8))
        clickers = int(product_shown * rng.uniform(0.1, 0.3))
        buyers = max(1, int(clickers * rng.uniform(0.02, 0.1)))
        orders = buyers + int(rng.integers(0, 5))
        gmv = round(orders * float(rng.uniform(200, 600)), 2)
        spend = 0.0 if host == "穿搭师Lily" else round(gmv / float(rng.uniform(2, 5)), 2)
        refunds = int(rng.integers(0, max(1, orders // 3)))
        rows.append({
            "主播昵称": host, "直播开始时间": start.strftime("%Y/%m/%d %H:%M:%S"),
            # no end time: the time on air is the report's, written as the platform writes it
            "直播时长": f"{minutes // 60}小时{minutes % 60}分",
            "直播间曝光人数": shown, "直播间观看人数": viewers, "直播间观看次数": viewers + int(rng.integers(0, 900)),
            "人均观看时长(秒)": int(rng.integers(40, 200)),
            "直播间商品曝光人数": product_shown, "直播间商品点击人数": clickers,
            "直播间成交订单数": orders, "直播间成交金额": gmv,
            "直播间用户支付金额": round(gmv * 0.97, 2), "直播间成交人数": buyers,
            "直播间退款订单数": refunds, "直播间退款金额": round(refunds * 300.0, 2),
            "商品点击-成交率(人数)": round(buyers / clickers, 4) if clickers else 0,
            "投放消耗(店铺绑定)": spend, "投放消耗(店铺被投)": spend, "1小时退款金额": 0,
        })
    return pd.DataFrame(rows)


@pytest.fixture
def report(tmp_path, workspace):
    from assistant.engine import Engine
    from assistant.ingest.workspace import import_dataset

    frame = luopan_report()
    path = tmp_path / "罗盘_直播间列表.xlsx"
    frame.to_excel(path, index=False)
    result = import_dataset(path)
    with Engine(result.dataset.path) as engine:
        yield engine, frame, result


def test_the_reports_figures_are_mapped_each_to_its_own_role(report) -> None:
    _, _, result = report
    (mapping,) = result.mappings
    roles = {role: m.column for role, m in mapping.roles.items()}
    assert mapping.kind == "live_sessions"
    assert roles["pay_amount"] == "直播间成交金额" and roles["user_paid"] == "直播间用户支付金额"
    assert roles["ad_spend"] == "投放消耗(店铺绑定)"  # one of the two equal columns, never their sum
    assert roles["session_refunds"] == "直播间退款订单数" and roles["refund_amount"] == "直播间退款金额"
    assert roles["product_clickers"] == "直播间商品点击人数" and roles["live_minutes"] == "直播时长"


def test_roi_is_paid_over_spend_of_the_accounts_that_spent(report) -> None:
    engine, frame, _ = report
    answer = engine.ask("各主播的投产比")
    assert [c.name for c in answer.tool_calls] == ["live_performance"]
    assert answer.tool_calls[0].args["metric"] == "roi"
    by_host = frame.groupby("主播昵称")[["直播间用户支付金额", "投放消耗(店铺绑定)"]].sum()
    table = answer.table().set_index("host")
    for host, row in by_host.iterrows():
        expected = row["直播间用户支付金额"] / row["投放消耗(店铺绑定)"] if row["投放消耗(店铺绑定)"] else None
        got = table.loc[host, "roi"]
        assert (pd.isna(got) if expected is None else got == pytest.approx(expected, rel=1e-9)), host
    spent = by_host[by_host["投放消耗(店铺绑定)"] > 0]
    overall = spent["直播间用户支付金额"].sum() / spent["投放消耗(店铺绑定)"].sum()
    assert answer.tool_calls[0].resolved["overall"]["roi"] == pytest.approx(overall, abs=1e-4)
    assert f"投产比 {overall:.2f}" in answer.answer and "投放消耗" in answer.answer
    assert "穿搭师Lily" not in answer.answer.split("按投产比")[1].split("。")[0]  # no spend: not ranked


def test_spend_of_two_accounts_named_by_part_of_their_names(report) -> None:
    engine, frame, _ = report
    answer = engine.ask("10月官方旗舰店和工厂店两个号投流一共花了多少？")
    call = answer.tool_calls[0]
    assert call.name == "live_performance" and call.args["metric"] == "ad_spend"
    assert call.args["host"] == ["暖屿羊绒官方旗舰店", "暖屿羊绒工厂店"]
    october = frame[frame["直播开始时间"].str.startswith("2025/10")]
    spend = october[october["主播昵称"].isin(HOSTS[:2])]["投放消耗(店铺绑定)"].sum()
    assert answer.tool_calls[0].resolved["overall"]["ad_spend"] == pytest.approx(spend, abs=0.01)
    assert f"¥{spend:,.2f}" in answer.answer


def test_refund_rate_by_account_is_the_reports_refunded_over_its_orders(report) -> None:
    engine, frame, _ = report
    answer = engine.ask("Which live account has the highest refund rate?")
    assert answer.ok and answer.tool_calls[0].args.get("dimension") == "host"
    sums = frame.groupby("主播昵称")[["直播间退款订单数", "直播间成交订单数"]].sum()
    expected = (sums["直播间退款订单数"] / sums["直播间成交订单数"]).sort_values(ascending=False)
    got = answer.table().set_index("host")["refund_rate"]
    assert got.to_dict() == pytest.approx(expected.to_dict(), rel=1e-9)
    assert expected.index[0] in answer.answer.split("\n")[0]


def test_likes_and_comments_a_report_does_not_count_are_said_not_blank(report) -> None:
    # a platform report counts viewers and follows, not each like or comment: said, never a column of zeros
    engine, _, _ = report
    answer = engine.ask("各主播的点赞数")
    assert not answer.ok and answer.error["code"] == "needs_column" and "点赞数" in answer.error["message"]


def test_the_reports_funnel_is_sums_of_people_in_order(report) -> None:
    engine, frame, _ = report
    answer = engine.ask("10月的商品点击到成交转化率是多少？")
    assert answer.tool_calls[0].name == "funnel" and answer.ok
    assert "拆分维度" not in answer.answer  # 商品点击 names a step, not a breakdown by product
    october = frame[frame["直播开始时间"].str.startswith("2025/10")]
    steps = answer.tables[0].df.set_index("figure")
    columns = {"impressions": "直播间曝光人数", "viewers": "直播间观看人数",
               "product_impressions": "直播间商品曝光人数",
               "product_clickers": "直播间商品点击人数", "buyers": "直播间成交人数"}
    assert list(steps.index) == list(columns)
    for figure, column in columns.items():
        assert steps.loc[figure, "people"] == october[column].sum()
    weighted = october["直播间成交人数"].sum() / october["直播间商品点击人数"].sum()
    assert steps.loc["buyers", "step_conversion"] == pytest.approx(weighted, rel=1e-9)
    # not the average of the sessions' own rates, which the report also carries
    assert abs(october["商品点击-成交率(人数)"].mean() - weighted) > 1e-4
    by_host = engine.ask("各主播的转化漏斗").tables[1].df.set_index("host")
    lily = frame[frame["主播昵称"] == "穿搭师Lily"]
    assert by_host.loc["穿搭师Lily", "conversion"] == pytest.approx(
        lily["直播间成交人数"].sum() / lily["直播间观看人数"].sum(), rel=1e-9)


def test_hours_on_air_are_the_reports_durations(report) -> None:
    engine, frame, _ = report
    answer = engine.ask("Lily一共直播了多少小时？")
    assert answer.tool_calls[0].args["host"] == "穿搭师Lily"
    minutes = frame[frame["主播昵称"] == "穿搭师Lily"]["直播时长"].str.extract(r"(\d+)小时(\d+)分").astype(int)
    hours = (minutes[0] * 60 + minutes[1]).sum() / 60
    assert answer.tool_calls[0].resolved["overall"]["hours"] == pytest.approx(hours, abs=0.01)
    watch = engine.ask("平均观看时长").tool_calls[0].resolved["overall"]["watch_time"]
    seconds = (frame["人均观看时长(秒)"] * frame["直播间观看人数"]).sum() / frame["直播间观看人数"].sum()
    assert watch == pytest.approx(seconds / 60, abs=0.01)  # the report counted seconds; answers are minutes


def test_roi_without_spend_in_the_data_is_still_declined(engine) -> None:
    answer = engine.ask("各主播的投产比是多少")
    assert not answer.tool_calls and "投放花费" in answer.answer
    assert not engine.ask("获客成本是多少").tool_calls  # spend per new customer: no data has it


def test_a_report_figure_the_dataset_lacks_is_null_not_an_error() -> None:
    """A dataset imported before the report's refunds and spend were read has no such columns: the SQL
    still runs, and asking for ROI says the figure is missing."""
    from tools.live import build_report_sql
    from tools.timewindow import Window

    sql, _ = build_report_sql("host", Window(None, None, "all", "全部", "all"), columns={"session_id", "gmv"})
    assert "t.ad_spend" not in sql and "t.refund_orders" not in sql and "CAST(NULL AS DOUBLE)" in sql


def test_weekend_sessions_their_share_and_the_month_before(report) -> None:
    engine, frame, _ = report
    starts = pd.to_datetime(frame["直播开始时间"])
    weekend = frame[starts.dt.dayofweek >= 5]["直播间成交金额"].sum()
    answer = engine.ask("周末开播的场次一共卖了多少？占总成交额的比例是多少？")
    first, second = answer.tool_calls
    assert first.args["filters"] == {"weekday": "weekend"} and second.args["dimension"] == "weekday"
    assert "注意" not in answer.answer  # the share is answered by the split, not named as dropped
    shares = answer.tables[-1].df.set_index("weekday")  # the groups as the answer names them
    assert shares.loc["周末", "gmv"] == pytest.approx(weekend, abs=0.01)
    compared = engine.ask("最近7天的成交额环比变化多少？")  # compare was dropped silently on a report before
    window = compared.tool_calls[0].resolved["compare"]
    earlier = frame[(starts.dt.date >= pd.Timestamp(window["start"]).date())
                    & (starts.dt.date <= pd.Timestamp(window["end"]).date())]["直播间成交金额"].sum()
    assert compared.table()["gmv_previous_period"].iat[0] == pytest.approx(earlier, abs=0.01)


def test_a_hosts_funnel_and_minutes_per_session(report) -> None:
    engine, frame, _ = report
    lily = frame[frame["主播昵称"] == "穿搭师Lily"]
    funnel = engine.ask("Lily的转化漏斗")
    assert funnel.tool_calls[0].args["host"] == "穿搭师Lily"
    steps = funnel.tables[0].df.set_index("figure")
    assert steps.loc["buyers", "people"] == lily["直播间成交人数"].sum()
    sessions = engine.ask("工厂店平均每场播多久？")
    minutes = frame[frame["主播昵称"] == "暖屿羊绒工厂店"]["直播时长"].str.extract(r"(\d+)小时(\d+)分").astype(int)
    per_session = (minutes[0] * 60 + minutes[1]).mean()
    assert sessions.tool_calls[0].resolved["overall"]["minutes_per_session"] == pytest.approx(per_session, abs=0.01)
    assert f"平均每场 {per_session:,.2f} 分钟" in sessions.answer


def test_a_host_is_named_by_any_part_only_it_has() -> None:
    from assistant.router.data_vocabulary import DataVocabulary
    from assistant.router.normalize import normalize

    hosts = ["暖屿羊绒官方旗舰店", "暖屿羊绒工厂店", "东北虎妞爱分享", "May姐好物推荐", "营养师小周", "穿搭师Lily",
             "Lily的护肤日记"]
    vocabulary = DataVocabulary(hosts=hosts)

    def named(question: str) -> list[str]:
        return [v for h in vocabulary.find(normalize(question)) if h.kind == "host" for v in h.values]

    assert named("10月虎妞直播间有多少买家") == ["东北虎妞爱分享"]  # a part from the middle
    assert named("May姐那场卖了多少") == ["May姐好物推荐"]  # across the Latin and Chinese halves
    assert named("小周的直播") == ["营养师小周"] and named("工厂店两个号") == ["暖屿羊绒工厂店"]
    # a part two hosts share names both, so the answer says whom it covers (never everyone, silently)
    assert named("Lily的GMV") == ["穿搭师Lily", "Lily的护肤日记"]
    assert named("暖屿羊绒的GMV") == ["暖屿羊绒官方旗舰店", "暖屿羊绒工厂店"]  # the brand the accounts share
    assert named("护肤品卖了多少") == []  # two characters shared: a word, not a name
    assert named("分享率是多少") == []  # a word the router reads, not the host's
    shop = DataVocabulary(hosts=["山野小馆快手店", "小雅"])
    assert not shop.find(normalize("快手店一共有多少个不同的买家？"))  # the platform's shop: all the data
