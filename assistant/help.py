"""Replies for questions the offline router cannot place or whose tool is not installed."""

from __future__ import annotations

EXAMPLES = {
    "zh": [
        "各个RFM分群分别有多少用户？",
        "用中国八类RFM模型给用户分层",
        "沉睡客户应该怎么运营？",
        "最近30天的GMV是多少？",
        "上个月的复购率是多少？",
        "按月看一下销售额趋势",
        "哪个品类卖得最好？",
        "数据里有哪些表和字段？",
        "SELECT count(*) FROM orders",
    ],
    "en": [
        "How many customers are in each RFM segment?",
        "Which segment brings the most revenue?",
        "What should we do about at-risk customers?",
        "What is our repurchase rate this year?",
        "Show daily orders for the last two weeks",
        "Average order value by gender",
        "What data do you have?",
        "SELECT count(*) FROM orders",
    ],
}

TOOL_TOPICS = {
    "funnel": ("直播间转化漏斗", "the live-room conversion funnel"),
    "live_performance": ("主播与直播场次表现", "host and live-session performance"),
    "cohort_retention": ("同期群留存", "cohort retention"),
    "churn_risk": ("流失预警", "churn risk"),
    "customer_lifetime_value": ("客户生命周期价值", "customer lifetime value"),
    "customer_clusters": ("K-means 客户聚类", "k-means customer clusters"),
    "lifecycle_stages": ("生命周期阶段", "lifecycle stages"),
    "product_associations": ("商品关联（一起购买）", "products bought together"),
    "recommend_products": ("商品推荐", "product recommendations"),
    "ab_test": ("A/B 实验评估", "A/B test evaluation"),
    "export_segment": ("名单导出", "customer list export"),
}


def _bullets(language: str) -> str:
    return "\n".join(f"- {q}" for q in EXAMPLES[language])


def examples_reply(language: str, empty: bool = False) -> str:
    if language == "zh":
        lead = "请输入一个问题。" if empty else "抱歉，我没能理解这个问题。"
        return f"{lead}我可以回答关于客户分群、销售指标、运营策略和数据本身的问题，例如：\n{_bullets('zh')}"
    lead = "Please type a question." if empty else "Sorry, I could not place that question."
    return (
        f"{lead} I can answer questions about customer segments, sales metrics, strategy and the "
        f"data itself, for example:\n{_bullets('en')}"
    )


def unavailable_reply(tool: str, language: str) -> str:
    zh_topic, en_topic = TOOL_TOPICS.get(tool, (tool, tool))
    if language == "zh":
        return f"这是关于{zh_topic}的问题，该分析（{tool}）还没有上线。现在可以问：\n{_bullets('zh')}"
    return (
        f"That is a question about {en_topic}; this analysis ({tool}) is not available yet. "
        f"You can ask, for example:\n{_bullets('en')}"
    )
