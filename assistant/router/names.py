"""Names a question gives for a host or a product that the data does not have.

"王小明主播的GMV" on a shop without 王小明 must get "not found" and the nearest names, never every
host's figures. A name is read where the question marks it as one: next to 主播/达人/host/streamer, or
in quotes after 商品/产品/product. Names the data has are found by data_vocabulary; this module only
looks at what is left.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from assistant.router.data_vocabulary import DataVocabulary, router_words
from assistant.router.hours import find_hours
from assistant.router.normalize import normalize
from assistant.router.periods import find_periods
from assistant.router.segments import default_lexicon as segment_lexicon
from assistant.router.vocabulary import CHANNEL_WORDS, DIMENSIONS, GENDERS, LIFECYCLE_STAGE_WORDS, METRICS, REGIONS

_HOST_WORD = r"(?:主播|达人|带货主播)"
# Adverbs of how much or how often that end a phrase before a verb: never a name, nor the end of one.
_ADVERBS = "一共|总共|累计|合计|总计|一起|已经|一直|分别|先后|共|又|再|还"
# Words that stand before 主播 without being a name: determiners, qualities, verbs of asking.
_NOT_A_NAME = re.compile(
    r"^(?:哪个|哪位|哪些|每个|每位|各个|各位|各|所有|全部|这个|那个|这位|那位|这些|那些|我们|我们的|咱们|头部|腰部|尾部|带货|明星"
    r"|新|新的|老|女|男|优秀|最好|最差|其他|其它|单个|一个|几个|个|位|的|签约|自营|店铺|品牌|官方|直播间|直播|当红|网红|人气"
    r"|金牌|王牌|主力|当家|top|各家|多个|两个|两位|三个|三位|不同|对比|比较|看看|看下|查下|查查|帮我|统计|分析|请问"
    r"|排名|排行|表现|转化|成交|销售|业绩|数据|客户|用户|粉丝|观众|新人|资深|合作|外部|内部|本店|我家|每场|场均|当前|目前|现在"
    r"|上个月|本月|这个月|今年|去年|昨天|今天|上周|本周|最近|期间|时候|当天|前后|活动|大促|之间|以来|当中|里面"
    # when in the week or day a broadcast ran: "周末开播的场次", "晚上播的"
    r"|周末|工作日|平日|周[一二三四五六日天]|星期[一二三四五六日天]|早上|上午|中午|下午|晚上|夜里|凌晨|白天|深夜|午夜"
    r"|账号|账户|号|带来|带出|带动"
    # adverbs of how much or how often: "一共播了多少场", "总共带货"
    rf"|{_ADVERBS}|总|平均|大概|大约|差不多|经常|多次|一般|通常)+$")
# Characters of grammar, not of names: "最高的是哪些主播", "女主播和男主播" hold no name.
_FUNCTION_CHARS = re.compile(r"[的是哪些最个们有在了吗呢么什谁和与及或、每各这那都也还就很更比率数额量间场]")
_LEAD = re.compile(r"^(?:帮我|请|麻烦|查一下|查下|查查|查|看一下|看下|看看"
                   r"|看|分析一下|分析|统计|对比|比较|请问|告诉我|给我|说说"
                   r"|想知道|了解一下|了解)+")
_CJK_BEFORE_HOST = re.compile(rf"([\u4e00-\u9fff]{{2,6}}?)\s*(?:这个|这位|那位)?{_HOST_WORD}")
# After the word only with a mark that a name follows: 主播：王小明, 主播“王小明”, 主播 Wang
_CJK_AFTER_HOST = re.compile(rf"{_HOST_WORD}\s*(?:[：:]\s*|[「“\"'])([\u4e00-\u9fffA-Za-z0-9_]{{2,12}}?)[」”\"']?"
                             r"(?=的|在|有|上|最近|这|那|近|本|今|去|昨|卖|带|直播|场|,|，|。|？|\?|\s|$|[」”\"'])")
_EN_HOST = re.compile(r"(?<![A-Za-z])(?:host|streamer|anchor|presenter)\s+[\"“']?([A-Z][\w\u4e00-\u9fff]{1,20})"
                      r"|(?<![A-Za-z])([A-Z][A-Za-z0-9_]{1,20})\s*(?:这个|这位|那位|那个)?\s*(?:主播|达人)")
# "主播Momo的GPM": a name in Latin letters right after the word, written as names are (a capital, then small
# letters: not GMV, not "overall", "mtd", "avg"; never a word of the router or of English questions)
_LATIN_AFTER_HOST = re.compile(rf"{_HOST_WORD}\s*([A-Z][a-z][A-Za-z0-9_]{{1,19}})(?![A-Za-z0-9_])")
# "主播王大锤上个月GMV": a name right after the word, ended by a time, 的 or a verb of selling
_CJK_AFTER_HOST_BARE = re.compile(
    rf"{_HOST_WORD}\s*([\u4e00-\u9fff]{{2,4}}?)(?=上个?月|本月|这个月|今年|去年|昨天|今天|上周|本周|最近|近\d|的|在|带货|直播|卖|开播|gmv|GMV)")
# (an apostrophe inside a word, "item's", "order's", opens and closes no quote)
_QUOTED = re.compile(r"(?:[「“\"]|(?<![A-Za-z])')([^」”\"']{2,30})(?:[」”\"]|'(?![A-Za-z]))")
_PRODUCT_MARK = re.compile(r"商品|产品|单品|货品|宝贝|product|item|sku", re.IGNORECASE)


# A name glued to a known one: "蓝牙耳机Pro", "扫地机器人X20" are models the data does not sell.
_GLUED_MODEL = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-]*")
_CATEGORY_MARK = re.compile(r"([\u4e00-\u9fffA-Za-z]{2,8}?)\s*(?:这个|这一"
                            r"|这类)?\s*(?:类目|品类|分类|category)(?!\s*(?:的|里)?\s*(?:有|是|哪))"
                            r"|(?:the\s+)?([\u4e00-\u9fff]{2,8}|[a-z][a-z ]{2,20}?)\s+category(?![a-z])", re.IGNORECASE)
# Hosts are often called by a nickname with a kinship or teacher suffix: 小美老师, 丽丽姐, 阿强哥.
_HOST_NICKNAME = re.compile(r"(?<![\u4e00-\u9fff])([\u4e00-\u9fff]{1,3}(?:老师|姐姐|哥哥|姐|哥|妹妹|酱))"
                            r"(?=的|上|这|在|带|直播|本|近|最|今|去|昨|和|与|跟|vs|\s|$)")
_WHEN = (r"(?:上个?月|本月|这个月|今年|去年|最近|昨天|今天|上周|本周|这周|(?:最)?近\d+天|过去\d+天"
         # quarters and named months: "这个季度", "Q3", "10月份"
         r"|(?:这个|本|上个?|这)季度|[Qq][1-4]|\d{1,2}月份?)")
_SELLS_LIVE = re.compile(rf"([\u4e00-\u9fff]{{2,4}}?){_WHEN}?"
                         r"(?:在(?:我们|咱们|我家)?的?(?:店铺|店里|店|这里|这儿)?"
                         r"这?里?的?(直播间)?里?)?"
                         r"(?:带货|带了|开播|直播带货|播了|直播了|(?<=直播间)卖|(?<=[店里])卖)")
# A subject that opens the question, then a time and a sales verb: "兰蔻小黑瓶这个月卖了多少", "口红上个月卖得咋样".
# The data's hosts, products, categories, brands and provinces are known; anything else is not in the data.
# (a live room's selling before the verb says the subject is a host: "琳琳的妆台 上个月直播带货GMV多少")
_SUBJECT_SOLD = re.compile(rf"^(?:帮我|请|麻烦)?(?:查|看)?(?:一下|下)?([\u4e00-\u9fffA-Za-z0-9\-]{{2,12}}?)\s*{_WHEN}"
                           r"(?:一共|总共|的)?(直播带货|直播带了|直播|带货|带了)?的?"
                           r"(?:卖了|卖得|卖的|销量|销售额|gmv|成交|业绩|退款|客单价?|订单|(?<=[货了播])多少)",
                           re.IGNORECASE)
# A name opening a question of live-room figures, with no time needed ("薇娅的 GPM 多少", "小杨哥直播数据"): a host's
_SUBJECT_LIVE = re.compile(rf"^(?:帮我|请|麻烦)?(?:查|看)?(?:一下|下)?([\u4e00-\u9fff]{{2,3}})\s*{_WHEN}?\s*的?\s*"
                           r"(直播间|直播)?的?\s*(?:gpm|uv价值|观看|场观|转化率|直播数据|场均|停留|在线人数)",
                           re.IGNORECASE)
# A brand named as one ("the brand Nike", "brand Nike's sales", "Nike这个牌子", "品牌：水研社")
# (a capitalised name after "brand"; Chinese words only with a demonstrative, so 国产品牌 is a kind of brand)
_BRAND_NAMED = re.compile(r"(?<![A-Za-z])(?:[Tt]he\s+)?[Bb]rand\s+([A-Z][A-Za-z0-9&'\-]{1,20})"
                          r"|([A-Za-z][A-Za-z0-9&'\-]{1,20})\s*(?:这个|这|那个)?\s*(?:牌子|品牌)(?![的]?(?:排|榜|里|中|哪|有哪))"
                          r"|([\u4e00-\u9fff]{2,6}?)\s*(?:这个|那个)\s*(?:牌子|品牌)")
_EVERY_BRAND = re.compile(r"各|每|哪|所有|不同|(?<![a-z])(?:which|each|every|all|by|per|what|top|our)(?![a-z])")
# A capitalised name owning a live-room measure ("Lisa's GPM", "how is Amy's conversion"): a host's
_OWNER_EN = re.compile(r"(?<![A-Za-z])([A-Z][a-z]{2,15})(?:'s|’s)\s+(?:(?:live|stream|room)\s+)?"
                       r"(?i:gpm|conversion|viewers|views|watch time|sessions?|streams?|broadcasts?|live)(?![A-Za-z])")
_DAY_WORD = re.compile(r"(?:mon|tues|wednes|thurs|fri|satur|sun)day|weekend|weekday|today|tonight|yesterday|tomorrow")
# Characters of counts, scopes, times and things that people's names (薇娅, 小杨哥) do not carry
_NOT_A_HOST = re.compile(r"[次场均每总全整各本这那该此晚早期节假常夜午周季装品类款货]"
                         r"|^[零〇一二两三四五六七八九十百千万]+")
# The start of a range of months or days before the time word ("8-10月", "8到10月"): part of the window, no name
_OPENS_A_RANGE = re.compile(r"^[\d\s]*$|\d\s*(?:-|~|到|至)\s*$")
# A name with 的 inside it, as shops and hosts call themselves ("琳琳的妆台", "阿May的茶桌"): its two sides are names
_OWN_NAME = re.compile(r"([\u4e00-\u9fffA-Za-z]{2,4})的([\u4e00-\u9fff]{2,3})")
_SHOP_WORDS = re.compile(r"店|我们|咱们|全部|整体|总|平台|直播|商品|产品|东西|客户|渠道|大促|活动|品类|类目"
                         # a group of buyers ("18-24岁买家", "女性用户"): who bought, not a name
                         r"|买家|顾客|用户|粉丝|会员|人群|新客|老客|\d\s*岁"
                         # who asks, and what they say, before the question proper: "老板问上个月成交了几单"
                         r"|老板|领导|同事|运营|我|你|他|她|问|说|想|要|让|请|帮", re.IGNORECASE)
# A person named in an English question by what they sold: "what did 小雪 sell this month?"
_SOLD_BY = re.compile(r"(?:what|how much)\s+(?:did|does|has|have)\s+([\u4e00-\u9fff]{2,4})\s+"
                      r"(?:sell|sold|bring in|make|move)(?![a-z])", re.IGNORECASE)
# A channel named by the word channel that the shop's customers never came from: "the email channel", "微信渠道"
_CHANNEL_NAMED = re.compile(r"(?:the\s+|from\s+|via\s+)([a-z][a-z\-]{1,20})\s+channel(?![a-z])"
                            r"|(?:从|来自|通过)?([\u4e00-\u9fff]{2,4}?)渠道", re.IGNORECASE)
_PAIR = re.compile(r"([\u4e00-\u9fff]{2,4}|[A-Z][a-z]+)\s*(?:和|与|跟"
                   r"|vs\.?|VS|对比|比)\s*([\u4e00-\u9fff]{2,4}|[A-Z][a-z]+)")
_SESSION_ID = re.compile(r"(?:session|场次|场次号|场次id|直播间?id)\s*(?:id)?\s*[#:：=]?\s*(\d{2,})", re.IGNORECASE)


@dataclass(frozen=True)
class UnknownName:
    kind: str  # host | product | category | brand | session | channel
    name: str
    nearest: tuple[str, ...]  # the data's closest names, best first


def _nearest(name: str, known: list[str], k: int = 3) -> tuple[str, ...]:
    close = difflib.get_close_matches(name, known, n=k, cutoff=0.0)
    return tuple(close)


# Words that end a candidate without being part of a name: "4月份一共播了" holds no host.
_TRAIL = re.compile(rf"(?:月份|{_ADVERBS}|都)+$|[两俩几]$")  # "工厂店两(个号)": a count begins after the name


def _clean(candidate: str) -> str:
    candidate = _LEAD.sub("", candidate.strip())
    return _TRAIL.sub("", candidate.removesuffix("的").strip()).strip()


def _is_known(name: str, known: list[str]) -> bool:
    lowered = name.lower()
    return any(lowered == k.lower() or lowered in k.lower() or k.lower() in lowered for k in known)


# The Chinese word just before a product's noun, after any word of time or grammar: "上个月戴森吹风机" -> 戴森
# (only a maker written in Latin letters: a Chinese word before a thing sold is as often a time, a place, a buyer or a
# description as a maker — 双十一面膜, 广州面膜, 宝妈买奶粉, 平价口红 — so it is never taken for another make)
_MAKER_BEFORE = re.compile(r"(?<![A-Za-z])[A-Za-z][A-Za-z0-9\-]{1,15} ?$")  # ("Dyson吹风机", "Dyson 吹风机")


# English's small words, which stand before a noun without naming a make
_EN_SMALL = frozenset("our the my your his her their its all any this that these those for of in on at by with from "
                      "and or not me us we top best worst total new old how what which many much sold sell sales buy "
                      "bought each every per some more most less did do does is are was were has have had can could "
                      "will would should why when where who show list give tell compare rank get find see check "
                      "about than vs you they i it he she them".split())


def _another_make(maker: str, word: str, vocabulary: DataVocabulary) -> bool:
    """"戴森吹风机" where the shop sells only 高速吹风机: a thing the shop sells, named with a maker or model before it
    that no product of that kind holds, is another product (not found), never the shop's own one."""
    known = [k.lower() for k in (*vocabulary.products, *vocabulary.categories, *vocabulary.brands, *vocabulary.hosts)]
    lowered = maker.lower()
    from assistant.router.spelling import _PROTECTED, _vocabulary  # (English words: the question's, no maker)

    english = lowered in _EN_COMMON or lowered in _PROTECTED or lowered in _vocabulary() or lowered in _EN_SMALL \
        or any(w in lowered.split("-") for w in router_words())
    return not english and not any(lowered in k or k in lowered for k in known if k) \
        and not any(lowered + word in k for k in known)


# One broadcast named by its title: "宠粉福利日那场", "年货节专场的漏斗"
_SESSION_NAMED = re.compile(r"([\u4e00-\u9fffA-Za-z0-9·]{2,16}?)(?:专场)?\s*的?(?:那|这)一?场(?![观景均])"
                            r"|([\u4e00-\u9fffA-Za-z0-9·]{2,16}?)专场")
# Words that make a title one broadcast's: quotes around it, "那场", "场次", "the … session"
_ONE_BROADCAST = re.compile(r"[「『“\"《]|(?:那|这|哪)一?场|场次|专场|(?<![a-z])(?:session|stream|broadcast)(?![a-z])",
                            re.IGNORECASE)
# Words before a title that are the question's, not the title's: a time, a request
_BEFORE_TITLE = re.compile(r"^(?:(?:上个?|这个?|本|今|去|昨|前|近|最近)(?:月|周|星期|年|天|晚|季度)?"
                           r"|\d{1,2}月份?(?:\d{1,2}[日号])?|昨晚|昨天|今天|今晚|最近|刚才|刚刚|刚(?:结束|播完|下播)的?"
                           r"|上午|下午|中午|晚上|早上|凌晨|周末|工作日)+")
# Words before 那场 that say which broadcast without being its title: "大促那场", "抽奖那场", "首播那场"
_NOT_A_TITLE = re.compile(r"大促|活动|抽奖|首播|开播|直播|专场|秒杀|福利|最后|第一|上一|下一|那|这|哪|刚|早|晚")
# Words that say a title is meant: "年货节专场", "叫「…」的那场", "标题是…"
_TITLED = re.compile(r"专场|[「『“\"《]|叫|名为|标题|主题")


_LATEST_THEN_WORDS = re.compile(r"(?:最近|最新|最后|上)一场\s*([\u4e00-\u9fff·A-Za-z0-9]{3,16}?)"
                                r"\s*(?:的|直播|专场|那场|场次|[，,？?]|$)")


def session_title_asked(question: str, vocabulary: DataVocabulary | None) -> tuple[str | None, str | None]:
    """A broadcast the question names by its title: (the words as the data's titles hold them, or None; the words
    when no title holds them, or None). A time, a host or another of the data's names before 那场 is no title."""
    if vocabulary is None or not vocabulary.session_titles:
        return None, None
    whole = [t for t in set(vocabulary.session_titles) if len(t) >= 4 and t in question]
    if whole and _ONE_BROADCAST.search(question):
        # a title written out as one broadcast's ("最近那场「双11狂欢节·美妆护肤专场」"): that title, whatever it holds
        return max(whole, key=len), None
    if not (m := _SESSION_NAMED.search(question)):
        # "小雅最近一场限时秒杀的GMV": words after the latest broadcast that the data's titles hold
        after = _LATEST_THEN_WORDS.search(question)
        if after and len(words := after.group(1)) >= 3 and not find_periods(normalize(words)) \
                and any(words in title for title in vocabulary.session_titles):
            return words, None
        return None, None
    words = _BEFORE_TITLE.sub("", _LEAD.sub("", (m.group(1) or m.group(2) or "").strip()))
    words = re.sub(r"^(?:的|那|这)+|(?:的|那|这)+$", "", words)
    others = [*vocabulary.hosts, *vocabulary.products, *vocabulary.categories, *vocabulary.provinces]
    if len(words) < 2 or _FUNCTION_CHARS.search(words) or find_periods(normalize(words)) \
            or any(o and (o in words) for o in others) or re.fullmatch(r"[\d#]+|直播|专场|直播间", words) \
            or any(w in words for w in router_words() if len(w) >= 2):
        return None, None
    if len(words) >= 3 and any(words in title for title in vocabulary.session_titles):
        return words, None
    if _NOT_A_TITLE.search(words) and not _TITLED.search(question):
        return None, None  # (a broadcast said by when or what happened in it, not by a title: not "not found")
    return None, words


def _host_candidates(question: str) -> list[str]:
    found = []
    for m in _CJK_BEFORE_HOST.finditer(question):
        found.append(_clean(m.group(1)))
    for m in _CJK_AFTER_HOST.finditer(question):
        found.append(_clean(m.group(1)))
    found += [m.group(1) or m.group(2) for m in _EN_HOST.finditer(question)]
    found += [_clean(m.group(1)) for m in _CJK_AFTER_HOST_BARE.finditer(question)]
    found += [m.group(1) for m in _LATIN_AFTER_HOST.finditer(question)
              if m.group(1).lower() not in _EN_COMMON and not _names_a_group(m.group(1))
              and not find_periods(normalize(m.group(1)))]
    # "女主播和男主播": a pair of kinds, not a name
    return [c for c in found if len(c) >= 2 and not _NOT_A_NAME.match(c) and not re.search(r"主播|达人", c)
            and not _FUNCTION_CHARS.search(c)]


_GENERIC_PEOPLE = re.compile(r"客户|用户|顾客|买家|粉丝|会员|观众|新人|老客"
                             r"|新客|大家|我们|他们|她们|主播|商品|产品|直播")
_GENERIC_CATEGORY = re.compile(r"各|每|哪|所有|全部|不同|这些|商品|产品|按|分|top|each|every|which|what|whose|all|by"
                               r"|per|product"
                               r"|(?<![a-z])(?:on|and|or|the|of|for|with|customers?|buyers?|users?|breadth|share|mix"
                               r"|cluster|clusters|segments?)(?![a-z])"
                               # what is said of a category, not its name: "our best-selling category"
                               r"|sell|popular|favou?rite|best|worst|top|biggest|largest|main|leading|strongest"
                               r"|weakest|our|your|their|fastest|growing|slowest")


def _product_words(vocabulary: DataVocabulary) -> list[str]:
    """Product names, and their 2-3 character endings (蓝牙耳机 -> 耳机), as the router matches them."""
    words = set(vocabulary.products)
    for name in vocabulary.products:
        if re.search(r"[\u4e00-\u9fff]{3,}$", name):
            words.update({name[-2:], name[-3:]})
    return [w for w in words if len(w) >= 2]


# The platforms a shop sells on: "在小红书一共播了几场" names where, not who ("红书" is no host).
_PLATFORMS = re.compile(r"小红书|抖音|抖店|快手|视频号|微信|淘宝|天猫|拼多多|有赞|京东|千帆|罗盘|百应|生意参谋|生意通")


# "the cushion foundation?", "of the vitamin serum in October": an English thing named after "the", at the
# question's end or before a time or a verb of selling
_EN_SUBJECT_SOLD = re.compile(
    rf"^\s*((?:[A-Za-z][a-z]+\s+){{0,2}}[A-Za-z][a-z]+)\s*(?:{_WHEN})?(?:一共|总共|的)?"
    r"(?:卖了|卖得|卖出|销量|销售额|成交额|成交了)"
    r"|(?<![A-Za-z])how (?:much|many)\s+(?:units\s+|money\s+)?(?:did|do|does|have|has)\s+(?:the\s+|our\s+)?"
    r"((?:[A-Za-z][a-z]+\s+){0,2}[A-Za-z][a-z]+)\s+(?:sell|sold|make|made|bring|brought|earn|earned)\b")
_EN_THING = re.compile(r"(?<![A-Za-z])(?:is|are|of|for|about)\s+the\s+((?:[A-Za-z][a-z]+\s+){0,2}[A-Za-z][a-z]+)"
                       r"(?=\s*(?:[?？.!,，]|$)|\s+(?:in|during|last|this|over|since|sell|sold|make|made|do|did|bring)\b)")
# English words that are no product's name (the rest of what a question says, besides the router's own words)
_EN_COMMON = frozenset("""shop store data dataset period month months week weeks year years day days file
export total whole same top best worst most least first last latest previous next end start beginning number
average overall rest other others one ones two three case past current time times question answer figure
figures list table chart report share part half percentage percent amount value money sales sale orders order
customers customer buyers buyer people users user live lives session sessions stream streams host hosts
products product items item brand brands platform platforms channel channels category categories segment
segments group groups team business company breakdown split trend trends change difference gap result results
biggest largest smallest highest lowest following above below moment weekend weekends weekday weekdays morning
evening night holiday holidays season campaign campaigns promotion promotions discount discounts coupon
coupons refund refunds return returns shelf room rooms funnel cohort cohorts entire full main usual normal
longest shortest quarter quarters before after earlier later""".split())


def _names_a_group(text: str, vocabulary: DataVocabulary | None = None) -> bool:
    """Words the router reads as a group of buyers or orders ("女性", "广东", "沉睡客户", "直播间", "货架", "已发货",
    "护肤品"), or as a measure: no name."""
    from assistant.router.extract import extract  # (extract reads names of the data; this module only what is left)

    if any(lexicon.find(text.lower()) for lexicon in (GENDERS, REGIONS, segment_lexicon(), LIFECYCLE_STAGE_WORDS,
                                                      DIMENSIONS, METRICS)) or normalize(text) in router_words():
        return True
    read = extract(text, vocabulary)
    return bool(read.filters or read.data_hits or read.segment_hits or read.dimension or read.metric
                or find_hours(text))  # ("晚上8点后": hours, whether or not this data has them)


def _no_ones_name(name: str, vocabulary: DataVocabulary) -> bool:
    """A would-be name opening a live question that is a count, a time or a thing ("千次", "今晚", "男装"), or holds
    a word the router or the data knows: no person's name."""
    if _NOT_A_HOST.search(name) or find_periods(normalize(name)):
        return True
    lowered = normalize(name)
    things = [*_product_words(vocabulary), *vocabulary.categories, *vocabulary.products]
    return any(w and w in lowered for w in router_words() if len(w) >= 2) or any(lowered in t for t in things)


def _subject_unknown(m: re.Match, vocabulary: DataVocabulary, unknown: list[UnknownName]) -> None:
    """The subject opening a question of its sales or live figures, when the data has no such name: a person's
    name (two or three characters, a nickname, or a live room's selling) is a host, anything else a product."""
    if (name := _clean(m.group(1))) and len(name) >= 2 \
            and not _OPENS_A_RANGE.search(name) \
            and not _FUNCTION_CHARS.search("".join(own.groups()) if (own := _OWN_NAME.fullmatch(name)) else name) \
            and not _NOT_A_NAME.match(name) and not _SHOP_WORDS.search(name) and not _names_a_group(name, vocabulary) \
            and not find_periods(normalize(name)) and not any(
                _is_known(name, known) for known in (vocabulary.hosts, vocabulary.products, vocabulary.categories,
                                                     list(vocabulary.brands), vocabulary.provinces,
                                                     _product_words(vocabulary))):
        person = bool(re.fullmatch(r"[\u4e00-\u9fff]{2,3}", name)) or bool(_HOST_NICKNAME.fullmatch(name)) \
            or bool(m.group(2))
        unknown.append(UnknownName("host" if person and vocabulary.hosts else "product", name,
                                   _nearest(name, vocabulary.hosts if person else vocabulary.products)))


def _names_people_or_place(words: str) -> bool:
    """"Guangdong", "Women", "Shanghai": a province, gender or breakdown the filters read, never a product's name."""
    lowered = words.lower()
    return bool(REGIONS.find(lowered) or GENDERS.find(lowered) or DIMENSIONS.find(lowered))


def find_unknown_names(question: str, vocabulary: DataVocabulary | None) -> list[UnknownName]:
    """Hosts and products the question names that the data does not have (needs the data's names)."""
    if vocabulary is None:
        return []
    question = _PLATFORMS.sub("，", question)
    unknown: list[UnknownName] = []
    if vocabulary.hosts:
        for name in _host_candidates(question):
            if not _is_known(name, vocabulary.hosts) and not _is_known(name, vocabulary.categories):
                unknown.append(UnknownName("host", name, _nearest(name, vocabulary.hosts)))
    hosts = vocabulary.hosts
    if hosts:
        for pattern in (_HOST_NICKNAME, _SELLS_LIVE, _SOLD_BY):
            for m in pattern.finditer(question):
                name = _clean(m.group(1))
                if len(name) >= 2 and not _FUNCTION_CHARS.search(name) and not _NOT_A_NAME.match(name) \
                        and not _is_known(name, hosts) and not _is_known(name, vocabulary.categories) \
                        and not _is_known(name, vocabulary.products) and not _GENERIC_PEOPLE.search(name):
                    unknown.append(UnknownName("host", name, _nearest(name, hosts)))
        for m in _PAIR.finditer(question):  # "薇娅和橙子姐姐": a pair with a known host is a pair of hosts
            left, right = _clean(m.group(1)), _clean(m.group(2))
            for name, other in ((left, right), (right, left)):
                if _is_known(other, hosts) and not _is_known(name, hosts) and not _FUNCTION_CHARS.search(name) \
                        and not _is_known(name, vocabulary.categories) and not _GENERIC_PEOPLE.search(name) \
                        and not any(name in p for p in vocabulary.products):  # ("看下和田玉手镯": a product's 和)
                    unknown.append(UnknownName("host", name, _nearest(name, hosts)))
    if vocabulary.products:
        for m in re.finditer("|".join(re.escape(p) for p in sorted(_product_words(vocabulary), key=len, reverse=True)),
                             question):
            glued = _GLUED_MODEL.match(question, m.end())
            start = m.start()
            while start > 0 and re.match(r"[\u4e00-\u9fff]", question[start - 1]) \
                    and question[start - 1] not in "的了过买给把和与跟在是":
                start -= 1
            name = question[start:m.end()] + glued.group(0) if glued else ""
            if glued and not any(name.lower() in p.lower() for p in vocabulary.products) \
                    and not re.fullmatch(r"\d+", glued.group(0)) and not find_periods(normalize(glued.group(0))):
                unknown.append(UnknownName("product", name, _nearest(name, vocabulary.products)))
    if vocabulary.products:
        for m in re.finditer("|".join(re.escape(p) for p in sorted(_product_words(vocabulary), key=len, reverse=True)),
                             question):
            maker = found.group(0).strip() if (found := _MAKER_BEFORE.search(question[:m.start()])) else ""
            if found and found.group(0).endswith(" ") and not maker[:1].isupper():
                maker = ""  # a word apart from the thing is a make only as a proper name ("Dyson 吹风机", not "did")
            if len(maker) >= 3 and _another_make(maker, m.group(0), vocabulary):
                name = maker + m.group(0)
                unknown.append(UnknownName("product", name, _nearest(name, vocabulary.products)))
    if vocabulary.products:
        # an English name of a thing sold that no product's name holds (products named in Chinese: "the cushion
        # foundation"): named as not found, never dropped
        names = [p.lower() for p in vocabulary.products + vocabulary.categories + list(vocabulary.brands)
                 + vocabulary.hosts]
        # ...or the subject of a question of its sales: "collagen gummies 今年卖了多少", "how much did collagen
        # gummies sell this year"
        for m in [*_EN_THING.finditer(question), *_EN_SUBJECT_SOLD.finditer(question)]:
            thing = next(g for g in m.groups() if g)
            words = thing.lower().split()
            if len(thing) >= 3 and not any(w in _EN_COMMON or w in _EN_SMALL or normalize(w) in router_words()
                                           or any(w in n for n in names) for w in words) \
                    and not segment_lexicon().find(thing.lower()) and not find_periods(normalize(thing)) \
                    and not _names_people_or_place(thing):
                unknown.append(UnknownName("product", thing, _nearest(thing, vocabulary.products)))
    if vocabulary.categories:
        for m in _CATEGORY_MARK.finditer(question):
            name = _clean(m.group(1) or m.group(2) or "")
            if len(name) >= 2 and not _FUNCTION_CHARS.search(name) and not _NOT_A_NAME.match(name) \
                    and not _is_known(name, vocabulary.categories) and not _GENERIC_CATEGORY.search(name.lower()):
                unknown.append(UnknownName("category", name, _nearest(name, vocabulary.categories)))
    if vocabulary.hosts:
        for m in _OWNER_EN.finditer(question):  # "what's Lisa's GPM?": a host's, by the measure
            name = m.group(1)
            lowered = name.lower()
            if not (lowered in _EN_COMMON or lowered in _EN_SMALL or find_periods(lowered)
                    or _DAY_WORD.fullmatch(lowered)
                    or lowered in router_words()
                    or any(_is_known(name, known) for known in (vocabulary.hosts, vocabulary.products,
                                                                 vocabulary.categories, list(vocabulary.brands)))):
                unknown.append(UnknownName("host", name, _nearest(name, vocabulary.hosts)))
    if m := _SUBJECT_SOLD.search(question):
        _subject_unknown(m, vocabulary, unknown)
    if (m := _SUBJECT_LIVE.search(question)) and not _no_ones_name(_clean(m.group(1)), vocabulary):
        _subject_unknown(m, vocabulary, unknown)  # ("千次观看成交", "今晚的场观", "男装的GPM" name no one)
    known_channels = {w.lower() for words in CHANNEL_WORDS.values() for w in words} | set(CHANNEL_WORDS)
    for m in _CHANNEL_NAMED.finditer(question):
        name = _clean(m.group(1) or m.group(2) or "")
        if len(name) >= 2 and name.lower() not in known_channels and not _FUNCTION_CHARS.search(name) \
                and not _NOT_A_NAME.match(name) and not _GENERIC_CATEGORY.search(name.lower()) \
                and not re.search(r"各|每|哪|不同|所有|获客|来源|引流|拉新|acquisition|which|each|every|all|by|per"
                                  r"|what|the", name.lower()):
            unknown.append(UnknownName("channel", name, tuple(CHANNEL_WORDS)))
    if vocabulary.brands:
        for m in _BRAND_NAMED.finditer(question):
            name = (m.group(1) or m.group(2) or m.group(3) or "").strip()
            if len(name) >= 2 and not _FUNCTION_CHARS.search(name) and not _NOT_A_NAME.match(name) \
                    and not _EVERY_BRAND.search(name.lower()) and name.lower() not in _EN_SMALL \
                    and not any(_is_known(name, known) for known in (list(vocabulary.brands), vocabulary.products,
                                                                      vocabulary.categories)):
                unknown.append(UnknownName("brand", name, _nearest(name, list(vocabulary.brands))))
    if (title := session_title_asked(question, vocabulary)[1]) is not None:
        unknown.append(UnknownName("session", title, _nearest(title, sorted(set(vocabulary.session_titles)))))
    if vocabulary.session_ids:
        for m in _SESSION_ID.finditer(question):
            if m.group(1) not in vocabulary.session_ids:
                wanted = int(m.group(1))
                near = sorted(vocabulary.session_ids, key=lambda s: abs(int(s) - wanted) if s.isdigit() else 1e18)
                unknown.append(UnknownName("session", m.group(1), tuple(near[:3])))
    if vocabulary.products:
        for m in _QUOTED.finditer(question):
            name = m.group(1).strip()
            context = question[max(0, m.start() - 8):m.start()] + question[m.end():m.end() + 4]
            if not _PRODUCT_MARK.search(context):
                continue
            if not (_is_known(name, vocabulary.products) or _is_known(name, vocabulary.categories)
                    or _is_known(name, list(vocabulary.brands))):
                unknown.append(UnknownName("product", name, _nearest(name, vocabulary.products)))
    return list({(u.kind, u.name): u for u in unknown}.values())
