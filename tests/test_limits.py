"""data/limits.yaml: requests we decline and measures the data lacks are told in words, and the same
marks leave every real analytics question alone (the acceptance corpus: the dev set, our eval set and
router cases, none of which asks us to change data or for a competitor's figures)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from assistant.router.limits import find_limit

HERE = Path(__file__).parent

# (question, kind, rule): paraphrases of each kind, not the words of any blind set
LIMITED = [
    ("把上个月退款的订单都改成已支付", "decline", "change_data"),
    ("flip the cancelled orders from last week to paid", "decline", "change_data"),
    ("mark these orders as refunded please", "decline", "change_data"),
    ("把这几笔订单标记为已完成", "decline", "change_data"),
    ("delete the test customers", "decline", "change_data"),
    ("给沉睡客户群发一条短信", "decline", "contact"),
    ("mail him a coupon", "decline", "contact"),
    ("sms every at-risk buyer a ¥10 voucher tonight", "decline", "contact"),
    ("帮我给她寄个小礼物", "decline", "contact"),
    ("where does our biggest buyer live? I want to visit", "decline", "personal_data"),
    ("这位客户住在哪里", "decline", "personal_data"),
    ("导出重要价值客户的手机号", "decline", "personal_data"),
    ("run this python: print(1)", "decline", "run_code"),
    ("帮我把上周的退款率在数据里调低一点", "decline", "change_data"),
    ("how do we stack up against other live shops", "unanswerable", "competitors"),
    ("how does our AOV measure up to the industry", "unanswerable", "competitors"),
    ("隔壁店铺上周卖了多少", "unanswerable", "competitors"),
    ("how do we compare with the shop next door", "unanswerable", "competitors"),
    ("千川投流的ROI多少", "unanswerable", "ad_spend"),
    ("毛利率最高的商品", "unanswerable", "cost_margin"),
    ("付款客户里会员占多少？", "unanswerable", "membership"),
    ("how much do our members spend vs non-members", "unanswerable", "membership"),
    ("小雅的账号现在有多少粉丝？", "unanswerable", "membership"),
    ("直播间弹幕里大家都在说什么", "unanswerable", "satisfaction"),
    ("what do viewer comments say about our lipstick", "unanswerable", "satisfaction"),
    ("评论区大家都在说什么", "unanswerable", "satisfaction"),
    ("how many followers does our account have", "unanswerable", "membership"),
]

# Analytics questions near those marks that must still reach a tool.
NOT_LIMITED = [
    "重要价值客户住在哪里", "where do our champions live", "哪些城市的客户最多", "How many orders per status?",
    "订单里各状态分别有多少单？", "上个月退款金额多少", "how did GMV change vs last month", "turn viewers into buyers",
    "把沉睡客户导出来我发短信", "GMV trend as of last month", "set of customers who bought twice",
    "哪个主播转化率最高", "how much was refunded last month", "GMV调高了多少", "这个月GMV提高了多少",
    "查下会员号100000456", "tips for keeping our VIP customers happy",
    "send me the list of VIPs who used a coupon", "how many customers did we send a coupon to last month",
    "Send a summary of coupon usage last month", "What's the best time to send customers a coupon?",
    "Which message got the most coupon redemptions?",
    # weighed against our own earlier window, not another shop
    "how does this quarter stack up against Q2?", "does May measure up to April",
    "GMV in 2026 benchmarked against 2025",
    # commentary asked on a figure, not the comments of viewers
    "any comments on last month's GMV?", "上个月GMV多少，给点评论",
    # viewers' actions counted (follows gained, likes, comments): events live_performance counts
    "最近一场直播有多少评论", "哪场直播涨粉最多", "how many new followers did 小雅 get last month",
    "how many comments in the live session yesterday", "各主播的评论数",
]


@pytest.mark.parametrize(("question", "kind", "rule"), LIMITED)
def test_request_is_limited_in_words(question: str, kind: str, rule: str) -> None:
    limit = find_limit(question)
    assert limit is not None, question
    assert (limit.kind, limit.name) == (kind, rule)
    assert limit.reply_zh and limit.reply_en and (limit.instead_zh or limit.instead_en)


@pytest.mark.parametrize("question", NOT_LIMITED)
def test_near_miss_reaches_a_tool(question: str) -> None:
    assert find_limit(question) is None


def _corpus() -> list[str]:
    questions = []
    for name in ("eval_questions.yaml", "router_cases.yaml", "fixtures/dev_questions.yaml"):
        path = HERE / name
        if path.exists():
            questions += [case["q"] for case in yaml.safe_load(path.read_text(encoding="utf-8"))
                          if isinstance(case, dict) and case.get("tool")]
    return questions


def test_no_answerable_question_of_the_corpora_is_limited() -> None:
    corpus = _corpus()
    assert len(corpus) > 300
    limited = [(q, find_limit(q).name) for q in corpus if find_limit(q) is not None]
    assert limited == []


def test_every_offered_instead_question_is_answered() -> None:
    """The questions a limit offers instead reach a tool and are not limited themselves."""
    from assistant.router.route import route

    for kind in ("decline", "unanswerable"):
        for rule in yaml.safe_load((HERE.parent / "data" / "limits.yaml").read_text(encoding="utf-8"))[kind].values():
            for question in [*rule.get("instead", {}).get("zh", []), *rule.get("instead", {}).get("en", [])]:
                assert find_limit(question) is None, question
                assert route(question).tool is not None, question
