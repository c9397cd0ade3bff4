"""A live-session report (罗盘/百应 layout: one row per broadcast with the platform's figures) imports on its
own as hosts, sessions and session_stats, answers live questions from those figures, and links the orders
of an order export placed during a session by its host."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

HOSTS = ["山野小馆官方旗舰店", "吃货小美", "老王测评"]


def session_report(seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(30):
        start = pd.Timestamp("2025-03-01 19:00") + pd.Timedelta(days=i) + pd.Timedelta(minutes=int(rng.integers(0, 60)))
        viewers = int(rng.integers(300, 3000))
        views = viewers + int(rng.integers(50, 900))
        gmv = round(float(rng.uniform(50, 3000)), 1)
        orders = int(rng.integers(1, 40))
        rows.append({
            "主播昵称": HOSTS[i % 3], "直播开始时间": start.strftime("%Y/%m/%d %H:%M:%S"),
            "直播结束时间": (start + pd.Timedelta(hours=3)).strftime("%Y/%m/%d %H:%M:%S"),
            "直播时长(分钟)": 180, "直播间观看人数": viewers, "直播间观看次数": views,
            "人均观看时长(分钟)": round(float(rng.uniform(0.5, 4)), 2), "新增粉丝数": int(rng.integers(0, 50)),
            "商品点击率": "7.5%", "直播间成交订单数": orders, "直播间成交人数": max(1, orders - 1),
            "直播间用户支付金额": gmv, "千次观看成交金额": round(gmv / views * 1000, 2),
        })
    return pd.DataFrame(rows)


def order_export(report: pd.DataFrame) -> pd.DataFrame:
    """Orders by host: one inside each session's window, one the next morning (outside every session)."""
    rows = []
    for i, session in report.iterrows():
        start = pd.Timestamp(session["直播开始时间"])
        for j, when in enumerate((start + pd.Timedelta(minutes=30), start + pd.Timedelta(hours=14))):
            rows.append({"订单号": f"O{i:03d}{j}", "买家ID": f"B{i % 7}",
                         "下单时间": when.strftime("%Y-%m-%d %H:%M:%S"),
                         "实付金额": 10.0 + i, "订单状态": "已完成", "达人昵称": session["主播昵称"]})
    return pd.DataFrame(rows)


@pytest.fixture
def report_file(tmp_path, workspace):
    path = tmp_path / "罗盘_直播列表.xlsx"
    frame = session_report()
    frame.to_excel(path, index=False)
    return path, frame


def test_a_session_report_alone_imports_and_answers_from_its_figures(report_file) -> None:
    from assistant.engine import Engine
    from assistant.ingest.workspace import import_dataset

    path, frame = report_file
    result = import_dataset(path)
    assert result.report.rows_loaded == {"hosts": 3, "live_sessions": 30, "session_stats": 30}
    assert {m.kind for m in result.mappings} == {"live_sessions"}
    with Engine(result.dataset.path) as engine:
        best = engine.ask("Which live session had the best GPM?")
        table = best.table()
        expected = frame["直播间用户支付金额"] / frame["直播间观看次数"] * 1000
        assert best.tool_calls[0].name == "live_performance" and best.ok
        assert table["gpm"].max() == pytest.approx(expected.max(), rel=1e-9)
        hosts = engine.ask("各主播的GMV")
        got = hosts.table().set_index("host")["gmv"].to_dict()
        assert got == pytest.approx(frame.groupby("主播昵称")["直播间用户支付金额"].sum().to_dict())
        orders = engine.ask("一共成交了多少单")
        assert float(orders.table()["orders"].iat[0]) == frame["直播间成交订单数"].sum()
        aov = engine.ask("客单价是多少")  # needs orders: said so, not a made-up number
        assert aov.error["code"] == "needs_orders"


def test_a_session_report_with_an_order_export_links_orders_to_sessions(tmp_path, workspace) -> None:
    from assistant.ingest.workspace import import_dataset
    from tools.warehouse import Warehouse

    folder = tmp_path / "shop"
    folder.mkdir()
    report = session_report()
    report.to_excel(folder / "罗盘_直播列表.xlsx", index=False)
    order_export(report).to_csv(folder / "订单导出.csv", index=False, encoding="utf-8-sig")
    result = import_dataset(folder)
    assert "30 orders fall inside a reported session" in result.report.summary("en")
    with Warehouse(result.dataset.path) as wh:
        linked = wh.df("SELECT o.order_id, s.title FROM orders o JOIN live_sessions s USING (session_id) "
                       "JOIN hosts h ON h.host_id = s.host_id ORDER BY 1")
        assert len(linked) == 30 and all(o.endswith("0") for o in linked["order_id"])
        assert wh.scalar("SELECT count(*) FROM orders WHERE session_id IS NULL") == 30  # the next-morning ones


def test_live_answers_total_orders_viewers_and_watch_time(report_file) -> None:
    """"5月所有直播一共成交了多少单、观看人数合计多少", "人均观看时长": totals over every session, each in the
    answer."""
    from assistant.engine import Engine
    from assistant.ingest.workspace import import_dataset

    path, frame = report_file
    result = import_dataset(path)
    with Engine(result.dataset.path) as engine:
        answer = engine.run_tool("live_performance", {"dimension": "host"}, "zh")
    overall = answer.tool_calls[0].resolved["overall"]
    assert overall["orders"] == frame["直播间成交订单数"].sum()
    assert overall["viewers"] == frame["直播间观看人数"].sum()
    weighted = (frame["人均观看时长(分钟)"] * frame["直播间观看人数"]).sum() / frame["直播间观看人数"].sum()
    assert overall["watch_time"] == pytest.approx(weighted, abs=0.01)
    assert f"{overall['orders']:,}" in answer.answer and f"{weighted:.2f}" in answer.answer
