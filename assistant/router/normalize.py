"""Text normalisation before matching: one canonical form for every way of typing a question."""

from __future__ import annotations

import re
import unicodedata

# Chinese / typographic punctuation that NFKC leaves alone, mapped to ASCII equivalents.
_PUNCTUATION = str.maketrans({
    "。": ".", "、": ",", "，": ",", "；": ";", "：": ":", "？": "?", "！": "!",
    "「": '"', "」": '"', "『": '"', "』": '"', "“": '"', "”": '"', "‘": "'", "’": "'",
    "《": '"', "》": '"', "〈": '"', "〉": '"', "【": "[", "】": "]", "〔": "(", "〕": ")",
    "（": "(", "）": ")", "～": "~", "〜": "~", "—": "-", "–": "-", "−": "-", "·": " ",
    "・": " ", "…": " ", "\u3000": " ", "\u00a0": " ", "\u200b": "",
})

# Traditional characters that occur in analytics questions, mapped to simplified ones, so that
# 銷售額 / 訂單數 / 復購率 / 客戶 match the simplified vocabulary.
_TRADITIONAL = str.maketrans({
    "銷": "销", "額": "额", "訂": "订", "單": "单", "數": "数", "復": "复", "購": "购", "買": "买",
    "賣": "卖", "戶": "户", "貨": "货", "費": "费", "員": "员", "會": "会", "價": "价", "層": "层",
    "類": "类", "別": "别", "複": "复", "顧": "顾", "區": "区", "東": "东", "週": "周", "個": "个",
    "這": "这", "麼": "么",
    "後": "后", "們": "们", "營": "营", "運": "运", "場": "场", "轉": "转", "導": "导", "來": "来",
    "動": "动", "據": "据", "與": "与", "對": "对", "時": "时", "間": "间", "進": "进", "過": "过",
    "還": "还", "細": "细", "潛": "潜", "經": "经", "產": "产", "風": "风", "險": "险", "議": "议",
    "漲": "涨", "計": "计", "錄": "录", "聯": "联", "組": "组", "讓": "让", "嗎": "吗", "麽": "么",
    "為": "为", "覽": "览", "誰": "谁", "於": "于", "歲": "岁", "億": "亿", "萬": "万", "種": "种",
    "幾": "几", "廣": "广", "實": "实", "驗": "验", "測": "测", "試": "试", "顯": "显", "條": "条",
    "籤": "签", "標": "标", "準": "准", "護": "护", "膚": "肤", "維": "维", "喚": "唤",
    "門": "门", "問": "问", "題": "题", "點": "点", "擊": "击", "觀": "观",
})

_SPACES = re.compile(r"\s+")
# 的 typed for the complement 得 after a verb ("卖的咋样", "播的最好"): one form for both, one character for one
# "休眠的那批老客", "高价值的那些用户": a group pointed at is the group named ("休眠的老客")
_POINTED_GROUP = re.compile(r"(?<=[\u4e00-\u9fff])的?(?:那批|那些|这批|这些|那群|这群|那帮|这帮)"
                            r"(?=老客|客户|用户|顾客|买家|粉丝|人群)")
# 儿 after a measure word is spoken form only: 一块儿 = 一块, 一点儿 = 一点, 一会儿 = 一会
_ERHUA = re.compile(r"(?<=[块点会])儿")
# "哪一类客户", "哪一个品类": the 一 adds nothing to which
_WHICH_ONE = re.compile(r"(?<=哪)一(?=[类个位款种家])")
_VERB_DE = re.compile(r"(?<=[卖买花赚播聊带])的(?=咋|怎|如何|好|最|不错|还行|差|快|慢|多(?!少)|少)")


# A thousands separator inside a number ("¥1,000", "12,345.60"); a list "1,2,3" has no three-digit groups
_THOUSANDS = re.compile(r"(?<=\d)(?<![,，、]\d{3})(?<!\d{4}),(?=\d{3}(?![\d,，、]))")

# "WeChat Channels", "Channels lives/accounts": the platform (视频号), not the acquisition-channel dimension
_CHANNELS_PLATFORM = re.compile(r"(?<![a-z])(?:wechat\s+channels?|channels(?=\s+(?:lives?|live\s|accounts?|sessions?"
                                r"|streams?|shop|store)))(?![a-z])")


# An English word of the trade typed inside a Chinese question ("可能churn的", "流失的customers怎么召回",
# "美妆护肤refund了多少钱"): read as its Chinese word, so the sentence is matched as one language. Only where it
# touches a Chinese character: an English question keeps its words.
_MIXED_WORDS = {"churn": "流失", "customers": "客户", "customer": "客户", "users": "用户",
                "buyers": "买家", "refunds": "退款", "refund": "退款", "repurchase": "复购", "lifecycle": "生命周期",
                "conversion": "转化"}
_CJK = r"[\u4e00-\u9fff]"
# (a word alone between Chinese: one of an English phrase, "的refund amount", "churned stage", keeps its phrase)
_MIXED = re.compile(rf"(?<={_CJK})({'|'.join(_MIXED_WORDS)})(?![a-z])(?!\s+[a-z])"
                    rf"|(?<![a-z])(?<![a-z]\s)({'|'.join(_MIXED_WORDS)})(?={_CJK})")


def normalize(text: str, lower: bool = True) -> str:
    """NFKC (full-width -> half-width), Chinese punctuation -> ASCII, a few traditional
    characters -> simplified, lowercase (unless lower=False), trimmed, whitespace collapsed."""
    text = _THOUSANDS.sub("", text or "")  # "¥1,000": one number (before NFKC turns a list's ，、 into ",")
    text = unicodedata.normalize("NFKC", text)
    text = _VERB_DE.sub("得", text.translate(_PUNCTUATION).translate(_TRADITIONAL))
    text = _WHICH_ONE.sub("", _ERHUA.sub("", _POINTED_GROUP.sub("的", text)))
    if lower:
        text = _CHANNELS_PLATFORM.sub("视频号", text.lower())
        text = _MIXED.sub(lambda m: _MIXED_WORDS[m.group(1) or m.group(2)], text)
    return _SPACES.sub(" ", text).strip()
