"""One broadcast, named as "the latest", by id or by title: its own figures in metric_query, live_performance
and funnel, equal to pandas on its orders; an id the data lacks is "not found" with the latest sessions."""

from __future__ import annotations

import pytest

from assistant.conversation import Conversation
from assistant.router import route
from tools.timewindow import resolve_period

PAID = ["paid", "refunded"]


@pytest.fixture(scope="module")
def latest(raw_tables):
    sessions = raw_tables["live_sessions"].sort_values(["start_time", "session_id"])
    return sessions.iloc[-1]


def test_latest_session_gmv_is_its_orders(engine, raw_tables, latest) -> None:
    orders = raw_tables["orders"]
    mine = orders[(orders["session_id"] == latest["session_id"]) & orders["status"].isin(PAID)]
    answer = engine.run_tool("metric_query", {"metric": "gmv", "filters": {"session": "latest"}})
    assert answer.ok, answer.error
    assert float(answer.table().iloc[0]["gmv"]) == pytest.approx(mine["pay_amount"].sum())
    by_id = engine.run_tool("metric_query", {"metric": "gmv", "filters": {"session": str(latest["session_id"])}})
    # the same session by id: the same figure (sums may differ in the last float digit between runs)
    assert float(by_id.table().iloc[0]["gmv"]) == pytest.approx(float(answer.table().iloc[0]["gmv"]))


def test_live_and_funnel_name_the_one_session(engine, raw_tables, latest) -> None:
    orders = raw_tables["orders"]
    mine = orders[(orders["session_id"] == latest["session_id"]) & orders["status"].isin(PAID)]
    live = engine.run_tool("live_performance", {"session": "latest"}, "en")
    assert live.ok and live.table()["session"].tolist() == [f"{latest['title']} #{latest['session_id']}"]
    assert float(live.table().iloc[0]["gmv"]) == pytest.approx(mine["pay_amount"].sum())
    assert live.answer.startswith(f"Session: {latest['title']} #{latest['session_id']}")
    funnel = engine.run_tool("funnel", {"session": str(latest["session_id"])}, "en")
    assert funnel.ok and funnel.tool_calls[0].resolved["session"]["session_id"] == latest["session_id"]
    entered = engine.warehouse.df("SELECT count(DISTINCT customer_id) AS n FROM events WHERE session_id = ? "
                                  "AND event_type = 'enter_live'", [int(latest["session_id"])])
    assert funnel.table().iloc[0]["pairs"] == entered.iloc[0]["n"]


@pytest.mark.parametrize("tool", ["live_performance", "funnel"])
def test_a_session_the_data_lacks_is_not_found(engine, tool) -> None:
    answer = engine.run_tool(tool, {"session": "123"}, "zh")
    assert answer.error["code"] == "value_not_found" and "123" in answer.answer and "最近的场次" in answer.answer


@pytest.mark.parametrize(("question", "tool", "args"), [
    ("最近一场直播的漏斗", "funnel", {"session": "latest"}),
    ("上一场直播的观看人数", "live_performance", {"session": "latest", "metric": "viewers"}),
    ("GMV for session 500777?", "metric_query", {"metric": "gmv", "filters": {"session": "500777"}}),
    ("场次500777的转化漏斗", "funnel", {"session": "500777"}),
    ("昨晚那场直播的转化率", "live_performance", {"period": "yesterday", "dimension": "session"}),
])
def test_one_session_questions_route_to_it(question, tool, args) -> None:
    got = route(question)
    assert got.tool == tool and got.dropped == []
    assert all(got.args.get(k) == v for k, v in args.items()), got.args


def test_a_session_named_by_words_of_its_title_is_the_latest_such_and_says_how_many(engine, raw_tables) -> None:
    sessions = raw_tables["live_sessions"]
    holding = sessions[sessions["title"].str.contains("宠粉福利日")].sort_values(["start_time", "session_id"])
    assert len(holding) > 1
    answer = engine.run_tool("funnel", {"session": "宠粉福利日"}, "zh")
    assert answer.ok and answer.tool_calls[0].resolved["session"]["session_id"] == holding.iloc[-1]["session_id"]
    assert f"标题含“宠粉福利日”的 {len(holding)} 场中最近的一场" in answer.answer
    routed = route("宠粉福利日那场的漏斗", engine.vocabulary)
    assert routed.tool == "funnel" and routed.args == {"session": "宠粉福利日"}
    assert route("the latest session's GMV").args == {"metric": "gmv", "filters": {"session": "latest"}}


@pytest.mark.parametrize(("question", "words"), [
    ("年货节专场那场直播的漏斗看一下", "年货节"),  # words no title holds: not found, with the nearest titles
    ("开学季那场直播卖了多少", "开学季"),
])
def test_a_session_title_the_data_lacks_is_not_found_not_all_sessions(engine, question, words) -> None:
    answer = Conversation(engine).ask(question).to_json()
    assert not answer["tool_calls"]
    named = [(d["kind"], d["phrase"], d["detail"]) for d in answer["not_applied"]]
    assert named == [("unknown_name", words, "session")]


@pytest.mark.parametrize("question", ["双11专场那场直播的漏斗", "最近那场直播的GMV", "小雅上个月那场直播的转化率",
                                      "GMV最高的那场是哪场", "美妆护肤那场直播的漏斗"])
def test_a_time_a_ranking_or_another_name_before_na_chang_is_no_title(engine, question) -> None:
    routed = route(question, engine.vocabulary)
    assert routed is not None and routed.unknown == [] and routed.args.get("session") in (None, "latest")


def test_a_title_written_out_in_quotes_is_that_broadcast_not_its_words(engine, raw_tables) -> None:
    sessions = raw_tables["live_sessions"]
    title = sessions.sort_values("start_time").iloc[-40]["title"]
    same = sessions[sessions["title"] == title].sort_values(["start_time", "session_id"])
    answer = Conversation(engine).ask(f"最近那场「{title}」卖了多少钱")
    call = answer.tool_calls[0]
    assert call.args["filters"] == {"session": title} and "period" not in call.args  # no window, no category
    orders = raw_tables["orders"]
    mine = orders[(orders["session_id"] == same.iloc[-1]["session_id"]) & orders["status"].isin(PAID)]
    assert float(answer.table().iloc[0]["gmv"]) == pytest.approx(mine["pay_amount"].sum())
    assert answer.answer.startswith(f"场次：{title} #{same.iloc[-1]['session_id']}")


def test_a_title_with_a_window_is_the_latest_of_that_title_inside_the_window(engine, raw_tables) -> None:
    sessions = raw_tables["live_sessions"]
    october = sessions[(sessions["title"].str.contains("限时秒杀"))
                       & (sessions["start_time"].dt.strftime("%Y-%m") == "2026-10")].sort_values("start_time")
    answer = Conversation(engine).ask("10月份限时秒杀那场的转化率")
    assert answer.tool_calls[0].resolved["session"]["session_id"] == october.iloc[-1]["session_id"]
    assert f"的 {len(october)} 场中最近的一场" in answer.answer


def test_a_hosts_latest_session_is_that_hosts_last_broadcast(engine, raw_tables, latest) -> None:
    """"米粒最近一场直播卖了多少钱": the latest of that host's broadcasts, in every tool that takes one session
    (not the shop's latest, another host's, filtered down to nothing)."""
    hosts = raw_tables["hosts"]
    other = hosts[hosts["host_id"] != latest["host_id"]].iloc[0]
    sessions = raw_tables["live_sessions"]
    theirs = sessions[sessions["host_id"] == other["host_id"]].sort_values(["start_time", "session_id"]).iloc[-1]
    orders = raw_tables["orders"]
    sold = orders[(orders["session_id"] == theirs["session_id"]) & orders["status"].isin(PAID)]["pay_amount"].sum()
    answer = engine.ask(f"{other['host_name']}最近一场直播卖了多少钱")
    assert answer.ok and answer.tool_calls[0].args["filters"]["session"] == "latest"
    assert float(answer.table().iloc[0]["gmv"]) == pytest.approx(sold) and sold > 0
    assert f"#{theirs['session_id']}" in answer.answer
    for tool in ("live_performance", "funnel"):
        one = engine.run_tool(tool, {"session": "latest", "host": other["host_name"]})
        assert one.tool_calls[0].resolved["session"]["session_id"] == theirs["session_id"], tool
    funnel = engine.ask(f"{other['host_name']}最近一场直播的转化漏斗")
    assert funnel.tool_calls[0].name == "funnel" and not funnel.not_applied  # the host is honoured, not named


def test_a_name_the_data_lacks_is_not_found_before_any_question_back(engine) -> None:
    # "最近" alone would be asked back (which window?); a host who is not in the data is said first
    answer = Conversation(engine).ask("主播Lily最近的GPM怎么样")
    assert answer.clarification is None
    assert [(d["kind"], d["phrase"]) for d in answer.not_applied] == [("unknown_name", "Lily")]


def test_latest_is_each_hosts_own_and_within_the_window_named(engine, raw_tables) -> None:
    """"小雅和米粒最近一场直播的GMV": each host's own last broadcast; "上个月小雅最后一场": October's last."""
    sessions, hosts = raw_tables["live_sessions"], raw_tables["hosts"]
    names = hosts["host_name"].tolist()[:2]
    ids = hosts.set_index("host_name")["host_id"]
    last = {n: sessions[sessions["host_id"] == ids[n]].sort_values(["start_time", "session_id"]).iloc[-1]["session_id"]
            for n in names}
    answer = engine.run_tool("metric_query", {"metric": "gmv", "dimension": "host",
                                              "filters": {"host": names, "session": "latest"}})
    orders = raw_tables["orders"]
    for name, session in last.items():  # each host's row is the GMV of that host's own last broadcast
        sold = orders[(orders["session_id"] == session) & orders["status"].isin(PAID)]["pay_amount"].sum()
        assert f"#{session}" in answer.answer
        assert float(answer.table().set_index("host").loc[name, "gmv"]) == pytest.approx(sold)
    window = resolve_period("last_month", engine.warehouse.anchor_date)
    day = sessions["start_time"].dt.date
    october = sessions[(sessions["host_id"] == ids[names[0]]) & (day >= window.start) & (day <= window.end)]
    expected = october.sort_values(["start_time", "session_id"]).iloc[-1]["session_id"]
    one = engine.run_tool("live_performance", {"session": "latest", "host": names[0], "period": "last_month"})
    assert one.tool_calls[0].resolved["session"]["session_id"] == expected


def test_the_latest_broadcast_of_a_title_named_after_latest(engine, raw_tables) -> None:
    # "小雅最近一场限时秒杀的GMV": the latest of that host's broadcasts whose title holds the words (not her latest)
    sessions, hosts = raw_tables["live_sessions"], raw_tables["hosts"]
    host = hosts.iloc[0]
    titled = sessions[(sessions["host_id"] == host["host_id"]) & sessions["title"].str.contains("限时秒杀")]
    expected = titled.sort_values(["start_time", "session_id"]).iloc[-1]["session_id"]
    answer = engine.ask(f"{host['host_name']}最近一场限时秒杀的GMV")
    assert answer.tool_calls[0].args["filters"]["session"] == "限时秒杀"
    assert f"#{expected}" in answer.answer and not answer.not_applied
