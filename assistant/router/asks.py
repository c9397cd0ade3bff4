"""A question of several asks: "5月成交了多少单？观看人数合计多少？", "What was GMV? And how many buyers?".

Each ask is routed on its own and answered in turn, so one ask's words never qualify another's measure
(two counts asked apart are not one count filtered by both). A later ask takes what it leaves unsaid
from the first: its time window, and, when it points back ("其中", "涉及", "of those"), the first ask's
filters too. ?-marks and semicolons separate asks, and so does a comma before a word that opens a new ask
("，再…", "，顺便…", ", and which…", ", then…"); any other comma joins parts of one ask.
"""

from __future__ import annotations

import re

# Where one ask ends: a question mark or semicolon with more words after it, or a comma (or dash) before a word
# that starts another ask: "GMV多少，再给他推荐几个商品", "What was GMV, and which host led it?", "…, then by month".
_ASK_END = re.compile(r"(?<=[？?；;。])\s*"
                      # a full stop between two sentences ("forecast GMV next 30 days. also what did we do…")
                      r"|(?<=[^\d.]\.)(?<!\bvs\.)(?<!\be\.g\.)(?<!\bi\.e\.)(?<!\betc\.)(?<!\bno\.)\s+"
                      r"(?=[A-Za-z\u4e00-\u9fff])"
                      r"|(?:\s*[，,—–]+|\s+-+)\s*(?=(?:然后|接着|再(?!次|来|买|购)|顺便|另外|同时|并且|以及|还有(?!多少|几)"
                      # a demonstrative for the group the ask before named: "…新客最多，那个省的客单价怎么样"
                      r"|[那这](?:个|位|家|款)(?!月|周|星期|季度|年|时候|期间)[^，,]{0,6}的|[那这](?:批|群|类)人"
                      r"|[那这](?:个|位|家|款)?(?:省|城市|品类|类目|主播|商品|产品|渠道|地区|场)"
                      r"|该(?:群体|人群|分群|批|类)"
                      # inside the set the ask before counted: "…有多少单，其中美妆护肤类的GMV是多少"
                      r"|(?:这)?其中|这里面|这些|所有(?:客户|人|买家|用户|订单)|帮我|麻烦|请(?!问)"
                      # the same asked of everyone: "…，全国整体又是多少", "…, and overall?"
                      r"|(?:全店|全国|整体|总体|大盘|全平台)"
                      r"|and\s+(?:overall|(?:shop|store)[\s-]wide|for\s+(?:the\s+)?(?:whole|entire|all)|across\s+all"
                      r"|(?:for\s+)?(?:everyone|everybody)"
                      r"|in\s+total)\b"
                      r"|(?:and\s+)?then\b|and\s+(?:also\s+)?(?:which|who|what|how|where|when|why|tell|show|give|list"
                      r"|export|among|of\s+(?:those|them)|is|are|did|does|do|can)\b"
                      # inside the one group the ask before found: "top category, and within it the 5 best products"
                      r"|and\s+(?:(?:with)?in|inside)\s+(?:it|that\s+one)\b|and\s+(?:its|her|his)\b"
                      r"|(?:她|他|它)(?:的|卖|带|里面|里头)"
                      # "How many 0元 orders were there, how many were cancelled unpaid, …": a count after a count
                      r"|how\s+(?:many|much)\b))"
                      # a heading, then its questions: "order status rundown please: how many were never paid, …"
                      r"|(?<=[A-Za-z\u4e00-\u9fff])\s*[:：]\s*(?=how\s+(?:many|much)\b|(?:一共|总共)?(?:有)?(?:多少|几)"
                      # ("Youzan orders, status rundown: total closed? Closed without ever being paid?")
                      r"|[^:：?？]{2,40}[?？]\s*\S)",
                      re.IGNORECASE)
# A part that starts by putting itself after the one before: "then only the live_room channel", "顺便orders也预测一下".
_SEQUENCE = re.compile(r"^\s*(?:然后|接着|再|顺便|另外|同时|并且|以及|还有|(?:and\s+)?then\b|and\s+also\b)",
                       re.IGNORECASE)
# A sentence that says what a word of the question means ("整单全退是指一单里的东西全退了", "'valid' means …"):
# a definition of the ask before it, not an ask.
_DEFINES = re.compile(r"^\W*[^，,。？?；;]{1,14}?(?:是指|指的是|就是指|的意思是|定义为|我的意思是|是只|是说)"
                      r"|^\W*(?:by\s+)?[\w'\"“”‘’ -]{1,30}?\s+(?:means|is defined as|refers to)\b", re.IGNORECASE)
# A parenthesised note after the asks ("（需要同时导入两个文件）") is context, not an ask.
_NOTE = re.compile(r"\s*[（(][^（()）]*[)）]\s*[。.]?\s*")
# An ask that points back to the set the previous ask counted.
_POINTS_BACK = re.compile(r"^\s*(?:那么|那|并且|而且|另外)?\s*"
                          r"(?:其中|这其中|这些|它们|他们|涉及|其|当中|里面|这里面|里头|这里头)"
                          r"|^\s*(?:and\s+)?(?:of|among)\s+(?:those|them|these)\b"
                          r"|^\s*(?:and\s+)?how many of (?:those|them)\b"
                          r"|\b(?:of|among)\s+(?:those|them|these)\s*[?？]?\s*$"
                          r"|\b(?:is|are|was|were)\s+involved\b"
                          # "…closed after paying, and how much had been paid?": what those orders had paid
                          r"|^\s*(?:and\s+)?how\s+much\s+(?:had|has|was|were)\s+(?:been\s+|already\s+been\s+)?paid\b"
                          # a pronoun for the customer, host or group the earlier ask named: "该给他推荐点啥"
                          r"|[他她]们?|该(?:客户|用户|主播|商品|群体|人群|分群|群|批|类)|这位|这个(?:客户|用户|主播|人)|那位"
                          r"|那个主播|[这那](?:批|群|类)人"
                          r"|\b(?:him|her|them|they|their|that (?:host|customer|product|person)"
                          r"|this (?:host|customer|product|person)|(?:was|is|are|were) (?:that|those|these|it)"
                          r"|of (?:that|it))\b|\bthat\s*[?？]?\s*$|这(?:个|些)?(?:占|是|里)", re.IGNORECASE)


# An ask that only weighs the earlier asks' answers against each other ("哪个多？", "which is higher?"): the
# answers side by side answer it.
_WEIGHS_EARLIER = re.compile(r"^\s*(?:那|所以)?(?:哪个|哪一个|哪边|谁)(?:更|比较)?(?:多|高|大|好|强|少|低|小|差)"
                             r"(?:一些|一点)?\s*[?？]?\s*$|^\s*(?:so\s+)?which\s+(?:one\s+)?(?:is|was|did)\s+(?:higher|bigger|more|better"
                             r"|larger|lower|smaller|worse|best)\s*[?？]?\s*$", re.IGNORECASE)


# A part that is only the word setting the next ask after this one ("… 7 days? Also, how many …", "Also,
# unrelated - how many …"), or only pointing back to what the ask before counted ("Of those, how many …").
_ONLY_SEQUENCE = re.compile(r"^\s*(?:(?:and\s+)?(?:also|then|plus|besides|additionally|btw|by the way)|and"
                            r"|另外|还有|顺便|同时|此外|(?:and\s+)?(?:of|among)\s+(?:those|them|these)|(?:这)?其中|这里面)"
                            r"(?:[\s,，:：-]+(?:unrelated|separately|btw|on another note|另外问一下|题外话))?"
                            r"\s*[,，:：-]?\s*$", re.IGNORECASE)
# A part that only names the whole the next part asks about: "Of the orders that got closed after they'd been
# paid, how many closed before anything shipped?"
_WHOLE_LEADS = re.compile(r"^\s*(?:and\s+)?(?:of|among|out of)\s+(?:the|all|our|those|these)\b", re.IGNORECASE)
# Asks set one per numbered line: "1. 今年GMV前10的省份\n2. 这几个省各自的买家数" ("11.11当天" is no number).
_NUMBERED = re.compile(r"^\s*(?:\d{1,2}|[一二三四五六七八九十])\s*(?:[、)）:：]|\.(?!\d))\s*|^\s*\d{1,2}\s+(?=\S)")
# A comma after a whole question, before another question ("其中 refunded 的有几单，退款金额多少"): two asks.
_QUESTION_END = re.compile(r"(?:几|多少|吗|怎么样|如何|咋样)(?:单|笔|个|人|位|件|次|钱|元)?\s*$"
                           r"|(?:是)?哪(?:个|位|家|款|种|类|天|场|一个)\s*$|是谁\s*$")
_BETWEEN_QUESTIONS = re.compile(r"\s*[，,]\s*")
# ...a question of its own after it, not a request that says how or how many ("，用聚类看看", "，给我5个就行")
_ASKS_OF_ITS_OWN = re.compile(r"几|多少|什么|哪|吗|呢|怎么|如何|为什么|是否|有没有|怎样|啥|还是"
                              r"|(?<![a-z])(?:how|what|which|who|why|when|where)(?![a-z])", re.IGNORECASE)
# A space in Chinese before a word that starts another ask: "冠军客户一共多少人 他们上个月贡献了多少GMV".
_SPACE_BEFORE_ASK = re.compile(r"(?<=[\u4e00-\u9fff])\s+"
                               r"(?=(?:他们|她们|它们|其中|这些|另外|还有|顺便|然后|那么)[^\s])")


def split_asks(question: str) -> list[str]:
    """The asks of a question, in order; one element when it asks one thing."""
    lines = [line for line in re.split(r"\s*\n+\s*", question.strip()) if line.strip()]
    # one ask per line where the lines are numbered ("1. …\n2. …"); else a line break is only a space
    lines = [_NUMBERED.sub("", line) for line in lines] if sum(bool(_NUMBERED.match(line)) for line in lines) >= 2 \
        else [" ".join(lines)]
    parts = [p.strip() for line in lines for spaced in _SPACE_BEFORE_ASK.split(line)
             for p in _ASK_END.split(spaced) if p.strip()]
    parts = [q for p in parts for q in _between_questions(p)]
    for i in range(len(parts) - 2, -1, -1):  # "Also" alone opens the ask after it; so does "Of the …" alone
        if _ONLY_SEQUENCE.match(parts[i]) or (_WHOLE_LEADS.match(parts[i]) and not asks_something(parts[i])):
            parts[i:i + 2] = [f"{parts[i].rstrip(',，:： ')} {parts[i + 1]}"]
    asks = [p for p in parts if not _NOTE.fullmatch(p) and re.search(r"\w", p)]
    asks = [a for i, a in enumerate(asks) if not (i and _DEFINES.match(a) and not a.rstrip().endswith(("?", "？"))
                                                  and not re.search(r"多少|吗|呢|怎么|哪|\b(?:how|what|which)\b", a))]
    asks = [a for i, a in enumerate(asks) if not (i >= 2 and _WEIGHS_EARLIER.match(a))]
    return asks if len(asks) > 1 else [question]


def _between_questions(part: str) -> list[str]:
    """A part split at each comma that closes a whole question with another after it."""
    pieces = _BETWEEN_QUESTIONS.split(part)
    out = [pieces[0]]
    for piece in pieces[1:]:
        if _QUESTION_END.search(out[-1]) and len(piece) >= 3 and _ASKS_OF_ITS_OWN.search(piece):
            out.append(piece)
        else:
            out[-1] = f"{out[-1]}，{piece}" if re.search(r"[\u4e00-\u9fff]", piece) else f"{out[-1]}, {piece}"
    return out if len(out) > 1 else [part]


def follows_in_sequence(ask: str) -> bool:
    """Whether a part opens with a word that sets it after the one before ("然后…", "then…", "顺便…"): an ask of
    its own even when it only changes the earlier one."""
    return bool(_SEQUENCE.search(ask))


def points_back(ask: str) -> bool:
    """Whether an ask refers to what the previous ask counted ("其中整单退的有几笔", "how many of those")."""
    return bool(_POINTS_BACK.search(ask))


# A question word: an ask that has one asks for something of its own.
_QUESTION_WORD = re.compile(r"几|多少|什么|哪|吗|呢|怎么|如何|为什么|为何|是否|有没有|怎样|啥"
                            # one way or the other: "比9月多还是少", "涨了还是跌了"
                            r"|(?:多|高|大|涨|升|好|快)了?还是(?:少|低|小|跌|降|差|慢)"
                            # a request is an ask too: "帮我导出成xlsx", "export them as Excel"
                            # (not the file's span: "整个导出期间", "over the whole export")
                            r"|帮我|请|给我|(?<!整个)(?<!整份)(?<!这份)导出(?!期间)|列出|看看|看一下|看下|瞧瞧|对比一下|拆一下"
                            r"|分析一下|也看|顺便"
                            r"|(?<![a-z])(?:show|list|(?<!whole )(?<!entire )(?<!full )(?<!the )export|give me|tell me"
                            r"|compare|break (?:it|that"
                            r"|this) down)(?![a-z])"
                            r"|(?<![a-z])(?:how|which|who|whom|why|when|where|is|are|does|do|did|can)(?![a-z])"
                            # ("use what the buyer kept": a relative clause of an instruction, no question)
                            r"|(?<![a-z])(?<!use )(?<!using )(?<!on )(?<!count )what(?![a-z])",
                            re.IGNORECASE)


def asks_something(ask: str) -> bool:
    """Whether an ask is a question in its own right, not a note ("按月看", "thanks")."""
    return bool(_QUESTION_WORD.search(ask))


# A part that only narrows the question ("only last year's orders", "只看直播间的"): a qualifier, not an ask.
_QUALIFIER = re.compile(r"^\s*(?:only|just|but only|excluding|except|仅|只看|只要|只算|只统计|不含|不算|限|排除)",
                        re.IGNORECASE)


# A part that only says which orders count: "整单退掉的和0元福袋都不算，部分退款的照算", "excluding free trials".
_COUNTS_WHICH = re.compile(r"(?:都|也|照|全|均)?(?:不算|不计|算上|照算|也算|不含|不包括|排除|剔除|去掉)"
                           # what is deducted or not: "退款先不扣", "退款要扣掉"; what is set aside: "部分退款的先不管"
                           r"|(?:先|暂时|暂且|都|也)?(?:不扣|不减|不扣除|要扣|要扣掉|要减掉|扣掉|扣除)"
                           r"|(?:先|暂时|暂且|都|就)?(?:不管|不用管|不考虑|别管)\W*$|^\W*(?:先)?(?:不管|不用管|别管)"
                           r"|(?<![a-z])(?:excluding|including|not counting|leaving out|leave out|exclude|don'?t count"
                           r"|do not count|ignore)(?![a-z])", re.IGNORECASE)


# A part that only says what the ranking or figure is measured by: "按件数算", "按销售额排", "by units".
_MEASURED_BY = re.compile(r"^\s*(?:按|以|用)照?\s*[^，,。？?]{1,8}?\s*(?:来)?(?:算|计算|统计|排|排名|排序)(?:的话)?"
                          r"\s*[。.!！]?\s*$"
                          r"|^\s*(?:ranked |sorted |measured |counted )?(?:by|in terms of)\s+[a-z ]{2,20}?\s*[.!]?\s*$",
                          re.IGNORECASE)


# A qualifier that says what is taken off money (or kept in it): said of the asks of money alone.
_DEDUCTION = re.compile(r"扣|减|(?<![a-z])(?:deduct|subtract|net of|before refunds|after refunds)",
                        re.IGNORECASE)


def only_deducts(ask: str) -> bool:
    """Whether a qualifying part only says what comes off money ("退款要扣掉", "退款先不扣")."""
    return bool(_DEDUCTION.search(ask))


# A part that only says how many rows to show: "给我前三", "列前5个就行", "只要top 10", "top 5 only", "just the top 3".
_SHOWN_ONLY = re.compile(r"^\s*(?:那|就|请|麻烦)?\s*(?:给我|帮我)?\s*(?:列|列出|只要|只看|只列|取|要|显示|看|拉)?\s*"
                         r"(?:一下)?\s*"
                         r"(?:前|top\s*|倒数|后)\s*(?:\d{1,3}|[一二两三四五六七八九十]{1,3})\s*(?:名|个|位|款|家|场|条|行|项)?"
                         r"\s*(?:就行|就好|即可|就够了|就可以了?|吧|好了|呗)?\s*[。.!！?？~～]*\s*$"
                         r"|^\s*(?:(?:just|only|show(?:\s+me)?|give\s+me|list)\s+)?(?:the\s+)?(?:top|bottom|first)\s+"
                         r"(?:\d{1,3}|three|five|ten|twenty)\s*(?:only|please|pls|plz)?\s*[.!?]*\s*$",
                         re.IGNORECASE)


def only_qualifies(ask: str) -> bool:
    """Whether a part of a question narrows it rather than asking something of its own."""
    if _MEASURED_BY.search(ask) or _SHOWN_ONLY.search(ask):
        return True
    return bool(_QUALIFIER.search(ask) or _COUNTS_WHICH.search(ask)) and not asks_something(ask)
