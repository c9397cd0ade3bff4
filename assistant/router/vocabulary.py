"""Keyword tables (data only): metric and dimension synonyms, filters, and per-tool keywords.

Weights: 6-10 = the phrase alone identifies the tool; 3-5 = a strong hint; 1-2 = context.
"""

from __future__ import annotations

from assistant.router.matching import Lexicon

# ---------------------------------------------------------------------------------------------
# Metrics (metric_query). Longest match wins, so 净销售额 beats 销售额 and 下单人数 beats 订单.

METRIC_SYNONYMS: dict[str, list[str]] = {
    "gmv": [
        "gmv", "销售额", "销收额", "消售额", "销受额", "销额", "销售金额", "成交额", "成交金额", "成交总额",
        "交易额", "营业额", "营收", "收入",
        "销售", "业绩", "流水", "卖了多少钱", "卖了多少", "卖得最好", "卖得好", "卖得多", "卖的多", "卖得少",
        "卖的少", "卖的好", "卖得最多", "卖得最差",
        # the same sum from the buyer's side: "男的女的谁买得多"
        "买得多", "买的多", "买得更多", "买得最多", "买的最多", "买得少",
        # in shop slang: "双十一卖爆了没" ("成交了多少" with no unit is read in extract.py: 成交了多少单 is orders)
        "成交了多少钱", "带了多少货", "带了多少钱的货", "带货金额", "带货额", "带货gmv",
        "卖爆", "卖爆了", "爆单", "卖疯了", "卖得咋样", "卖得怎样", "卖了几个钱",
        "卖得不好", "卖的最好", "卖得怎么样", "卖得如何", "销售情况", "销量额", "revenue", "sales",
        "take in", "took in", "taken in", "takings",
        "turnover", "gross merchandise value", "sold the most", "sells the most", "sell the most",
        "sells best", "sell best", "sold more", "sell more", "sells more", "sold better", "sell better",
        "sells better", "sold less", "sell less", "sells less", "sell well", "sold well", "selling well", "sells well",
        "best selling", "best-selling", "top selling", "top-selling", "revnue", "reveune",
        "how much did we sell", "how much have we sold", "how much we sold", "how much revenue",
        # what a customer spent is the same sum seen from the buyer's side
        "消费金额", "消费额", "消费总额", "累计消费", "花钱",
        # 消费 as the money spent ("沉睡客户的消费主要来自哪些省"), not 消费者 or 消费频次
        "的消费", "消费主要", "消费来自", "消费了多少", "消费多少", "消费情况", "消费贡献",
        "花了多少", "花多少", "花多少钱", "花得最多", "花钱最多", "买得最多", "买的最多",
        "最爱买", "最喜欢买", "买最多",
        "购买金额", "spend", "spending", "spent", "total spend", "amount spent", "biggest spenders", "top spenders",
        "big spenders", "high spenders", "heavy spenders", "largest spenders",
        # what was paid for the orders: the pay_amount every export carries (实付金额, 支付金额)
        "实付金额", "实付", "支付金额", "付款金额", "实际支付金额", "amount paid", "paid amount", "actually paid",
        "total paid", "payment amount",
    ],
    "net_sales": [
        "净销售额", "净销售", "实收", "实收金额", "实际收入", "扣掉退款", "去掉退款", "刨去退款", "不含退款",
        "退款后", "净收入", "净成交额", "净营收",
        "扣除退款后的销售额", "扣除退款", "退款要扣掉", "退款要扣", "退款扣掉", "退款要扣除", "退款要减掉",
        "net sales", "net revenue", "sales net of refunds",
    ],
    "orders": [
        "订单数", "订单量", "几单", "单数", "订单数量", "订单", "单量", "销量", "多少单", "卖了多少单",
        "卖出多少单", "下单量", "下单最多", "下单最少", "出单最多", "出单量", "出单数",
        "成交单数", "成交订单", "下的单有多少", "下的单有几", "下的单数", "下的订单数",
        "orders", "order count", "number of orders", "order volume", "how many orders",
    ],
    "buyers": [
        "买家数", "买家数量", "买家", "买过东西", "买过东西的人", "下过单", "下过单的人", "购买过的人",
        "购买人数", "下单人数", "下单用户数", "付款人数", "支付人数",
        "成交人数", "购买用户数", "多少人买", "多少人购买", "多少人下单", "buyers", "buyer count",
        "number of buyers", "paying customers", "purchasers", "how many people bought",
        "多少客户", "多少用户", "多少顾客", "客户数", "用户数", "顾客数", "客户总数", "用户总数", "客户数量",
        "用户数量", "how many customers", "number of customers", "customer count", "total customers",
        "how many users", "number of users", "客户最多", "用户最多", "买家最多", "顾客最多", "客户最少",
        "most customers", "most buyers", "fewest customers", "至少下过一单", "下过单的客户", "有过购买的客户",
        "购买客户", "购买的客户", "买过的客户", "下单客户", "付费客户", "付费用户", "buying customers",
        "customers who bought", "customers bought", "customers have bought", "customers purchased",
        # counted once each: "how many distinct customers paid", "不同的客户有多少"
        "distinct customers", "unique customers", "different customers", "distinct buyers", "unique buyers",
        "不同的客户", "不同客户", "去重客户", "去重买家", "不同的买家", "不同的付款顾客", "不同的顾客",
    ],
    "aov": [
        "客单价", "客单", "平均客单价", "平均订单金额", "平均订单价值", "笔单价", "平均每单", "单均价",
        "aov", "average order value", "avg order value", "average order size", "average basket",
        "basket size", "average ticket", "一单平均", "每单平均", "平均一单", "平均每笔", "每笔平均", "一单多少钱",
        "average per order", "per order on average", "average spend per order", "average order",
    ],
    # what new customers' first orders came to, on average
    "first_order_aov": ["首单客单价", "首单平均金额", "首单金额", "首单均价", "首单平均", "首单平均客单价", "首单价",
                        "first order value", "first-order value", "average first order", "first purchase value",
                        "average first purchase", "first order aov"],
    # how often a buyer bought: paid orders per buyer ("平均每个客户下几单" before "平均每个客户", spend)
    "orders_per_buyer": [
        "人均订单数", "人均订单", "人均单数", "人均下单数", "人均下单次数", "人均购买次数", "平均购买次数",
        "平均购买频次", "购买频次", "购买频率", "下单频次", "平均每个客户下几单", "平均每个客户下多少单",
        "平均每个客户买几次",
        "平均每人下几单", "每人平均几单", "平均每人买几次", "客户平均买几次", "平均买几次", "平均下几单", "平均几单",
        "orders per customer", "orders per buyer", "average number of orders", "average orders per customer",
        "average orders per buyer", "how often do customers buy", "how often customers buy", "purchase frequency",
        "order frequency", "buying frequency",
    ],
    "spend_per_buyer": [
        "人均消费", "平均消费", "平均花费", "平均每人消费", "客均消费", "人均花费", "每个客户平均消费", "平均每个客户",
        "人均贡献", "客户平均消费",
        "平均每个买家", "平均每位买家", "平均每位客户", "每个买家平均", "每位买家平均", "每位客户平均", "平均每人",
        "每人平均", "平均每个用户", "每个用户平均", "on average per customer", "per customer on average",
        "per buyer on average", "average customer spent", "average buyer spent",
        "average spend per customer", "spend per customer", "average spend per buyer", "spend per buyer",
        "revenue per customer", "revenue per buyer", "arpu", "average customer spend", "average revenue per user",
        "spend on average", "spent on average", "spend per head", "spent per head",
    ],
    "repurchase_rate": [
        "复购率", "回购率", "复构率", "复购律", "附购率", "回构率", "复买率", "重复购买率", "复购", "回购",
        "二次购买率", "复购比例", "复够率", "付购率",
        "repurchase rate", "repurchase", "repeat purchase rate", "repeat purchase", "repeat rate",
        "repeat buying", "re-purchase", "repurchse", "came back for more", "came back to buy", "bought again",
        "回头客占比", "回头率", "再来买的比例",
    ],
    "repeat_buyers": [
        "复购买家数", "复购买家", "复购人数", "repeat buyers", "repeat purchasers", "repeat customers count",
    ],
    "one_time_buyers": [
        "一次性客户", "一次性买家", "只买一次的", "one-time buyers", "one-time customers", "single-purchase customers",
    ],
    "refund_rate": [
        "退款率", "退货率", "退款比例", "退货比例", "退款", "退货", "退单率", "refund rate",
        "return rate", "refund", "refunds", "returns rate",
        # refunded most: how often, of the things ranked
        "refunded most", "most refunded", "most often refunded", "refunded most often", "refunded the most",
    ],
    "units": [
        "件数", "按件数", "销售件数", "多少件", "几件", "卖了多少件", "卖出多少件", "销售数量", "商品数量", "售出件数",
        # the counters of things sold by the piece: "卖了多少台", "几瓶", "卖出去多少盒"
        *(f"{how}{counter}" for how in ("多少", "几", "卖了多少", "卖出多少", "卖出去多少", "卖了几", "卖掉多少")
          for counter in "台瓶盒套双"),  # (not 支 or 部: 多少支付, 多少部分退款)
        "units", "units sold", "by units", "unit sales", "quantity sold", "pieces sold", "items sold", "by quantity",
    ],
    # 子订单: a product line of an order (抖店 exports one row per 子订单 under its 主订单)
    "lines": [
        "子订单", "子订单数", "子单", "商品行", "sub-orders", "sub-order", "suborders", "suborder", "order lines",
        "line items", "order line items", "item lines",
    ],
    "refunded_lines": [
        "退款子订单", "退款的子订单", "退款成功的子订单", "退了款的子订单", "refunded sub-orders", "refunded suborders",
        "refunded line items", "refunded order lines",
    ],
    "refund_amount": [
        "退款金额", "退款总额", "退款总金额", "退款额", "refund amount", "refunded amount", "amount refunded",
        "total refunded", "refunded in total", "total refunds", "how much was refunded", "how much we refunded",
    ],
    "refund_requested": [
        "申请退款金额", "申请退款的金额", "申请金额", "售后申请金额", "退款申请金额", "申请了多少钱", "申请退多少钱",
        "requested amount", "amount requested", "value under open refund requests", "value of open refund requests",
    ],
    "new_customers": [
        "新客数", "新客数量", "新客户数", "新客户数量", "新客", "新用户数", "新用户数量", "新增客户",
        "新增用户", "新增买家", "新买家数", "拉新", "拉新人数", "新顾客", "新顾客数", "new customers",
        "new customer count",
        "new buyers", "new users", "customer acquisition", "acquired customers", "first-time buyers",
    ],
}
METRICS = Lexicon.from_mapping(METRIC_SYNONYMS)

# ---------------------------------------------------------------------------------------------
# Dimensions (metric_query breakdowns, and funnel / live_performance).

DIMENSION_SYNONYMS: dict[str, list[str]] = {
    "day": ["哪天", "哪一天", "which day",
            "按天", "按日", "每天", "每日", "日度", "逐日", "分天", "每一天", "日趋势", "日销售额", "日成交额",
            "日gmv", "日订单量", "日单量", "日销量", "daily", "by day",
            "per day", "day by day", "each day", "day-by-day"],
    "week": ["按周", "每周", "周度", "逐周", "分周", "周趋势", "weekly", "by week", "per week",
             "each week", "week by week", "week over week"],
    "month": ["哪个月", "哪一个月", "哪月", "which month", "按月", "每月", "月度", "逐月", "分月", "每个月", "月趋势",
              "各月", "各个月", "各月份", "每个月份", "按月份", "monthly", "by month",
              "per month", "each month", "month by month", "month over month"],
    "quarter": ["按季度", "每季度", "每个季度", "各季度", "各个季度", "分季度", "逐季度", "哪个季度", "哪一个季度",
                "季度趋势", "by quarter", "quarterly", "per quarter", "each quarter", "which quarter",
                "quarter by quarter", "quarter over quarter"],
    # a live account (直播账号, a shop's own 官方号) is ranked as a host is
    "host": ["主播", "达人", "带货主播", "host", "hosts", "streamer", "streamers", "anchor", "kol", "直播账号",
             "带货账号", "达人账号", "直播号", "live account", "live accounts", "streaming account",
             "streaming accounts", "视频号 accounts", "视频号 account", "视频号账号", "抖音号", "快手号", "小红书账号"],
    "session": ["场次", "每场直播", "每一场直播", "各场直播", "哪场直播", "那场直播", "这场直播",
                "每场", "直播场次", "session", "live session", "broadcast", "live stream", "livestream"],
    "category": ["品类", "类目", "商品类别", "商品分类", "category", "categories", "product category"],
    "product": ["商品", "单品", "产品", "sku", "product", "item", "宝贝", "哪个宝贝", "各宝贝", "哪款", "哪几款",
                "哪些款"],
    "brand": ["品牌", "牌子", "哪个牌子", "brand", "brands"],
    # each coupon by its code (not whether one was used: that is the coupon / no_coupon split)
    "coupon_code": ["每张券", "每张优惠券", "每张coupon", "各优惠券", "各张券", "每个优惠券", "每种优惠券", "哪张券",
                    "哪张优惠券", "哪个优惠券", "按优惠券", "券码", "each coupon", "which coupon", "per coupon",
                    "by coupon", "coupon code", "coupon codes"],
    "region": ["地区", "省份", "区域", "地域", "各省", "哪个省", "哪些省", "哪几个省", "的省", "每个省", "分省", "按省",
               "region", "province", "geography",
               "by state", "area",
               # where people live: customers.province is the finest place every export has
               "城市", "哪些城市", "哪个城市", "哪里", "哪儿", "住在", "地域分布", "地理分布", "city", "cities",
               "location", "locations", "live where", "where they live", "where do they live", "where they are from",
               "regions"],
    "gender": ["性别", "男女", "gender", "sex"],
    "age_band": ["年龄", "年龄段", "年龄层", "age", "age band", "age group"],
    "channel": ["渠道", "来源", "获客渠道", "引流渠道", "channel", "acquisition channel", "source"],
    "segment": ["分群", "客群", "人群", "rfm分群", "segment", "rfm segment", "customer segment"],
    "day_of_week": ["周几", "星期几", "礼拜几", "哪个星期几", "每周哪天", "一周哪天", "一周里哪天", "一周中哪天",
                    "一周内哪天", "day of week", "day of the week",
                    "days of the week", "which weekday", "which day of the week", "by weekday",
                    "per weekday", "each weekday", "for each weekday", "every day of the week", "星期一到星期日各"],
    "hour": ["每小时", "每个小时", "按小时", "分小时", "分时段", "各时段", "各个时段", "哪个时段", "哪个时间段",
             "什么时段", "几点下单", "几点买", "几点成交", "几点付款", "时段分布", "小时分布", "by hour", "per hour",
             "hour of day", "hour of the day",
             "hourly", "which hour", "what time of day", "what time do"],
    "buyer_type": ["新老客", "新老客户", "新客和老客", "新客与老客", "新客老客", "新老用户", "新老买家", "老客和新客",
                   "新客vs老客", "新客 vs 老客", "老客vs新客", "老客 vs 新客", "新客对比老客", "新客跟老客",
                   "新客户和老客户",
                   "new vs returning", "new and returning", "new versus returning", "returning vs new", "new vs repeat",
                   "new or returning", "new and existing"],
    "status": ["订单状态", "各状态", "每种状态", "各个状态", "什么状态", "哪些状态", "按状态", "status", "statuses",
               "order status", "order statuses"],
}
DIMENSIONS = Lexicon.from_mapping(DIMENSION_SYNONYMS)
TIME_DIMENSIONS = ("day", "week", "month", "quarter")
TREND_WORDS = Lexicon.from_mapping({"month": ["趋势", "走势", "变化", "trend", "over time"]})
# A breakdown marker at or right before a dimension word ("按地区", "各渠道", "by region").
BREAKDOWN_MARKERS = ("按", "各", "分", "每", "逐", "每个", "各个", "每一个", "哪个", "哪些", "不同",
                     "by", "per", "each", "across", "every", "which", "different")

# ---------------------------------------------------------------------------------------------
# Filters

GENDER_WORDS: dict[str, list[str]] = {
    "female": ["女性", "女生", "女用户", "女性用户", "女客户", "女顾客", "女买家", "女士", "女的",
               "women", "woman", "female", "females", "ladies", "girls"],
    "male": ["男性", "男生", "男用户", "男性用户", "男客户", "男顾客", "男买家", "男士", "男的",
             "men", "man", "male", "males", "guys"],
}
GENDERS = Lexicon.from_mapping(GENDER_WORDS, plural=False)

# The 34 provincial-level divisions: short name (as stored in customers.province) -> variants.
PROVINCES: dict[str, list[str]] = {
    "北京": ["北京", "北京市", "beijing"], "天津": ["天津", "天津市", "tianjin"],
    "上海": ["上海", "上海市", "shanghai"], "重庆": ["重庆", "重庆市", "chongqing"],
    "河北": ["河北", "河北省", "hebei"], "山西": ["山西", "山西省", "shanxi"],
    "辽宁": ["辽宁", "辽宁省", "liaoning"], "吉林": ["吉林", "吉林省", "jilin"],
    "黑龙江": ["黑龙江", "黑龙江省", "heilongjiang"], "江苏": ["江苏", "江苏省", "jiangsu"],
    "浙江": ["浙江", "浙江省", "zhejiang"], "安徽": ["安徽", "安徽省", "anhui"],
    "福建": ["福建", "福建省", "fujian"], "江西": ["江西", "江西省", "jiangxi"],
    "山东": ["山东", "山东省", "shandong"], "河南": ["河南", "河南省", "henan"],
    "湖北": ["湖北", "湖北省", "hubei"], "湖南": ["湖南", "湖南省", "hunan"],
    "广东": ["广东", "广东省", "guangdong"], "海南": ["海南", "海南省", "hainan"],
    "四川": ["四川", "四川省", "sichuan"], "贵州": ["贵州", "贵州省", "guizhou"],
    "云南": ["云南", "云南省", "yunnan"], "陕西": ["陕西", "陕西省", "shaanxi"],
    "甘肃": ["甘肃", "甘肃省", "gansu"], "青海": ["青海", "青海省", "qinghai"],
    "台湾": ["台湾", "台湾省", "taiwan"],
    "内蒙古": ["内蒙古", "内蒙古自治区", "内蒙", "inner mongolia"],
    "广西": ["广西", "广西壮族自治区", "广西自治区", "guangxi"],
    "西藏": ["西藏", "西藏自治区", "tibet", "xizang"],
    "宁夏": ["宁夏", "宁夏回族自治区", "宁夏自治区", "ningxia"],
    "新疆": ["新疆", "新疆维吾尔自治区", "新疆自治区", "xinjiang"],
    "香港": ["香港", "香港特别行政区", "hong kong"], "澳门": ["澳门", "澳门特别行政区", "macau", "macao"],
}
REGIONS = Lexicon.from_mapping(PROVINCES, plural=False)

# Acquisition channels as stored in customers.channel; only taken with a "from / channel" word
# around them, since 直播间 and 搜索 alone mean other things.
CHANNEL_WORDS: dict[str, list[str]] = {
    "live_room": ["直播间", "直播", "live room", "live-room", "livestream", "live_room"],
    "short_video": ["短视频", "视频", "short video", "short-video", "video", "short_video"],
    "ads": ["广告", "投流", "付费推广", "信息流", "ads", "ad", "paid ads", "advertising"],
    "referral": ["老带新", "推荐", "分享", "转介绍", "referral", "referrals"],
    "search": ["搜索", "search"],
}

# Age bands as stored in customers.age_band; only taken with 岁 / "aged" / "age" around them.
AGE_BANDS = ("18-24", "25-30", "31-40", "41-50", "50+")

# ---------------------------------------------------------------------------------------------
# Ranking direction

ORDER_WORDS = Lexicon.from_mapping({
    "asc": ["最低", "最少", "最差", "垫底", "倒数", "最小", "最不", "最短", "卖得最差", "最弱", "worst", "lowest",
            "shortest",
            "least", "bottom", "smallest", "fewest", "weakest",
            # a sort direction said outright
            "从低到高", "从低往高", "由低到高", "从小到大", "由小到大", "从少到多", "升序", "ascending",
            "low to high", "lowest first", "smallest first", "low-to-high"],
    "desc": ["最高", "最多", "最好", "最大", "最强", "最长", "最久", "卖得最好", "排名靠前", "best", "highest", "most",
             "longest",
             "top", "biggest", "largest", "strongest",
             "从高到低", "从高往低", "由高到低", "从大到小", "由大到小", "从多到少", "降序", "descending",
             "high to low", "highest first", "largest first", "high-to-low"],
}, plural=False)

# ---------------------------------------------------------------------------------------------
# Tool keywords: phrase -> weight.

TOOL_KEYWORDS: dict[str, dict[str, float]] = {
    "describe_data": {
        "有哪些表": 8, "哪些表": 7, "什么表": 6, "哪些字段": 8, "什么字段": 8, "表和字段": 8, "字段": 4,
        "表结构": 8, "数据结构": 7, "数据字典": 8, "有什么数据": 8, "有哪些数据": 8, "什么数据": 5,
        "数据有哪些": 8, "数据范围": 6, "什么时候到什么时候": 6, "数据是从什么时候": 8, "时间跨度": 6,
        "啥数据": 8, "有些什么数据": 8, "数据里有什么": 7, "数据里都有": 7, "数据里有啥": 8, "数据都有啥": 8,
        "数据覆盖": 6, "数据时间范围": 7, "数据从什么时候": 7, "数据概况": 7,
        "从哪天到哪天": 8, "哪天到哪天": 8, "时间范围": 6, "日期范围": 7, "最早一笔": 6, "最晚一笔": 6, "覆盖多久": 7,
        "date range": 7, "time span": 6, "how far back": 7, "earliest order": 6, "latest order": 5,
        "介绍一下数据": 8, "数据介绍": 8, "数据说明": 7, "数据集": 4, "数据表": 6,
        "what data": 8, "which data": 7, "which tables": 8, "what tables": 8, "list tables": 8,
        "tables": 4, "table": 2, "what fields": 8, "which fields": 8, "what columns": 8,
        "which columns": 8, "columns": 4, "fields": 3, "schema": 7, "data dictionary": 8,
        "describe the data": 8, "describe data": 8, "data model": 7, "dataset": 4,
        "available data": 7, "data available": 7, "data coverage": 7,
    },
    "metric_query": {
        "是多少": 1, "多少": 0.5, "对比": 1, "分布": 1, "比例": 1, "占比": 1, "排名前": 1,
        "排名": 1, "排行": 1, "看一下": 0.5, "看看": 0.5,
        "统计": 1, "汇总": 1, "how much": 1, "what is": 0.5, "what was": 0.5, "show": 0.5,
        "compare": 1, "breakdown": 1, "break down": 1, "rank": 1, "ranking": 1, "total": 1,
        "口径": 3, "定义": 3, "怎么算": 3, "怎么计算": 3, "如何计算": 3, "计算": 1, "definition": 3, "defined": 3,
        "calculate": 2, "calculated": 3, "formula": 3, "公式": 3,
    },
    "rfm_segments": {
        "rfm": 5, "分群": 4, "分层": 4, "用户分群": 6, "客户分群": 6, "人群划分": 5, "客户分层": 6,
        "用户分层": 6, "哪几类": 3, "每类多少": 6, "每类多少人": 7, "各类多少人": 7, "customer tiers": 6, "tiers": 3,
        "tier": 3, "客群": 3, "分群结果": 6, "中国八类": 8, "八类": 6, "八大类": 6, "8类": 5,
        "cn8": 8, "segment": 4, "segmentation": 6, "segments": 4, "which segment": 5,
        "eight classes": 6, "eight segments": 6, "8 segments": 6, "customer segments": 6,
        "segment sizes": 7, "segment size": 7, "哪个分群": 5, "哪类客户": 3, "哪类用户": 3,
        "各类客户": 3, "各类用户": 3, "客户价值分层": 7, "value tiers": 5,
        "split our customers": 6, "split customers": 6, "split the customers": 6, "group our customers": 6,
        "segment our customers": 7, "segment customers": 6, "into groups": 4, "bucket our customers": 6,
        "哪类客户群": 5, "哪个客户群": 5, "哪类人群": 4, "which customer group": 5, "which group of customers": 5,
    },
    "segment_strategy": {
        "怎么运营": 7, "如何运营": 7, "运营策略": 7, "运营方案": 7, "运营建议": 7, "怎么办": 4, "策略": 5,
        "建议": 4, "营销建议": 7, "营销方案": 7, "营销策略": 7, "怎么唤醒": 7, "叫醒": 5, "怎么叫醒": 7,
        "如何唤醒": 7, "唤醒": 5,
        "召回": 5, "怎么召回": 7, "怎么维护": 7, "如何维护": 7, "维护": 3, "怎么留住": 7, "留住": 4,
        "挽回": 5, "激活": 4, "促活": 5, "整体方案": 6, "方案": 4, "打法建议": 6,
        "拉回来": 5, "救回来": 5, "handle": 4, "deal with": 4, "game plan": 6,
        "怎么做": 3, "该做什么": 5, "做什么": 2, "打法": 5, "玩法": 4,
        # how much to spend on a group: the playbook's budget and test ("值得投入多少预算")
        "值得投入": 6, "投入多少": 5, "worth investing": 6, "how much to invest": 6,
        "话术": 5, "触达": 4, "怎么运营好": 7, "运营": 2, "怎么提升": 3, "如何提升": 3,
        "怎么提高": 3, "如何提高": 3, "怎么转化": 4, "怎么激活": 7, "怎么挽回": 7, "怎么处理": 4,
        "应该怎么": 3, "该怎么": 3, "怎么对待": 5, "有什么办法": 6, "什么办法": 5, "办法": 3, "措施": 4,
        "采取什么": 4, "怎么应对": 5, "运营思路": 6, "should we run": 5, "what campaigns": 4,
        "playbook": 7, "strategy": 5, "strategies": 5, "strategy overview": 9, "retention plan": 8,
        "retention strategy": 8, "retention playbook": 8, "plan for": 3, "what should we do": 7, "what should i do": 7,
        "what to do": 6, "what can we do": 6, "how to win back": 7, "win back": 5, "win them back": 7,
        "how do we win": 6, "how to retain": 6, "how do we retain": 6, "how to keep": 5,
        "how do we keep": 5, "re-engage": 6, "reengage": 6, "reactivate": 5, "nurture": 5,
        "advice": 5, "tips": 5, "keeping": 3, "keep them": 4, "怎么营销": 7, "营销": 3, "怎么搞": 4, "action plan": 6,
        "tactics": 5, "how should we": 5, "how to handle": 5,
        "how should we handle": 7, "how to engage": 6, "engage": 3, "marketing ideas": 6,
        "marketing plan": 6, "recommendations for": 3, "suggestions": 4, "suggest": 3,
        "what actions": 6, "treat": 3, "approach": 3, "how can we": 5, "how do we": 4, "how to": 2,
        "how could we": 5, "ways to": 4, "ideas": 3, "improve": 3, "boost": 3, "increase": 2, "grow": 2,
        # caring for / reaching a group: "how should we look after them", "how to market to new buyers"
        "look after": 5, "take care of": 5, "care for": 4, "market to": 5, "reach out to": 4, "照顾": 4, "维系": 5,
    },
    "funnel": {
        "漏斗": 10, "转化漏斗": 10, "funnel": 10, "drop off": 7, "drop-off": 7, "drop out": 6,
        "流失在哪": 6, "哪一步": 5, "哪个环节": 6, "各环节": 6, "环节": 3, "加购": 4, "加购物车": 5,
        "购物车": 4, "没买": 4, "但没买": 5, "没下单": 5, "未下单": 5, "carted": 6, "never paid": 5,
        "没付款": 5, "未付款": 5, "没支付": 5, "未支付": 5, "不付款": 5, "弃购": 7,
        "观看到下单": 9, "观看到支付": 9, "点击到下单": 9, "点击到购买": 9, "从观看": 4, "到付款": 4,
        "between watching and paying": 7, "watching and paying": 6, "watch to pay": 6,
        "cart abandonment": 8, "abandon": 5, "abandoned cart": 8, "add to cart": 5,
        "added to cart": 5, "add-to-cart": 5, "checkout": 4, "click to pay": 6, "click-through": 3,
        "点击率": 3, "click rate": 3, "ctr": 3,
        # a step's own rate: from clicking a product to buying it (a session report's 商品点击-成交率)
        "点击到成交": 9, "点击-成交": 9, "点击成交率": 9, "click-to-purchase": 9, "click to purchase": 9,
        "click-to-buy": 9, "click to buy": 9, "click-to-order": 9, "clicks to purchases": 9, "曝光到观看": 8,
        "曝光-观看": 8,
        "conversion steps": 6, "step by step conversion": 6, "didn't pay": 5, "did not pay": 5,
    },
    "live_performance": {
        # how many broadcasts: the sessions column of the host or session table
        "播了多少场": 7, "播了几场": 7, "开了几场": 7, "开了多少场": 7, "多少场直播": 7, "几场直播": 6,
        "直播了多少场": 7,
        # hours on air: the sessions' end minus start, summed ("累计直播多少小时", "hours streamed")
        "直播多少小时": 7, "直播了多少小时": 7, "播了多少小时": 7, "播了几个小时": 7, "直播时长": 6, "累计直播": 5,
        "开播时长": 6, "每场播多久": 7, "平均每场播": 7, "每场多久": 6, "场均时长": 7, "场均直播时长": 7,
        "average session length": 7, "average broadcast length": 7, "how long each session": 6, "hours on air": 7,
        "hours streamed": 7, "hours live": 6, "streamed for": 5, "how many hours": 4,
        "how many sessions": 7, "how many live sessions": 7, "how many broadcasts": 7, "how many streams": 7,
        "how many lives": 6, "人均观看时长": 6, "平均观看时长": 6, "average watch time": 6,
        "场观": 7, "gpm": 8, "千次观看成交": 8, "千次观看成交额": 8, "uv价值": 7, "观看人数": 5,
        "在线人数": 5, "观看时长": 5, "停留时长": 5, "观众": 3, "观看": 2, "互动率": 5, "直播表现": 7,
        "直播效果": 7, "直播数据": 5, "主播表现": 7, "主播排名": 6, "主播排行": 6, "场次排名": 6,
        "主播排个名": 6, "主播排一下": 6, "主播排排名": 6, "给主播排": 6, "rank our hosts": 6,
        "直播间": 2, "直播": 2, "带货": 4, "最能卖": 3, "那场直播": 5, "这场直播": 5, "哪场直播": 5, "哪几场直播": 5,
        "每场直播": 4, "转化率": 2, "转化": 2, "带货能力": 6, "带货效果": 6,
        "看得最久": 6, "看得久": 5, "停留最久": 6, "留得住观众": 6, "留住观众": 6, "变成买家": 5, "转成买家": 5,
        "watching the longest": 6, "watch the longest": 6, "stay the longest": 6, "keeps viewers": 5,
        "viewers into buyers": 7, "viewers into customers": 7, "turn viewers": 5, "turning viewers": 5,
        "viewers": 3, "views": 3, "viewer": 3, "watch time": 5, "conversion rate": 2,
        "conversion": 2, "converts": 2, "converted": 3, "converting": 3, "rank hosts": 4, "rank the hosts": 4,
        "host performance": 7,
        "streamer performance": 7, "live performance": 7, "session performance": 7,
        "live sessions": 4, "live session": 4, "livestreams": 3, "broadcasts": 3,
        "best sessions": 5, "best hosts": 3, "top hosts": 3, "engagement rate": 5, "表现": 1,
        "perform": 1, "performing": 1, "performance": 1, "performed": 1,
        # spend and its return per account or session: a session report's 投放消耗 (when the data has none,
        # limits.yaml says so before routing)
        "投产比": 9, "投入产出比": 9, "roi": 9, "roas": 9, "投流": 8, "千川": 8, "投放消耗": 9, "投放花费": 9,
        "广告费": 8, "广告花费": 8, "推广费": 8, "ad spend": 9, "advertising spend": 9, "磁力金牛": 8, "加热": 6,
        # what a broadcast sells on average
        "场均gmv": 8, "场均成交额": 8, "场均成交": 7, "场均销售额": 8, "场均业绩": 7, "每场平均gmv": 8,
        "平均每场gmv": 8, "平均每场成交额": 8, "平均每场卖": 7, "gmv per session": 8, "average gmv per session": 8,
        "per-session gmv": 8,
        "revenue per session": 8, "sales per session": 8, "gmv per broadcast": 8,
        # viewers' actions in the room, which only the live tools count
        "涨粉": 8, "涨了多少粉": 8, "涨了几个粉": 8, "涨多少粉": 8, "新增关注": 8, "新关注": 6, "新增粉丝": 8,
        "加关注": 6, "关注人数": 6, "new followers": 8,
        "new follows": 8, "gained followers": 8, "followers gained": 8, "点赞": 7, "点赞数": 8, "likes": 6,
        "评论数": 8, "评论条数": 8, "多少评论": 8, "多少条评论": 8, "评论最多": 8, "评论最少": 8, "留言数": 7,
        "number of comments": 8, "how many comments": 8, "comment count": 8, "comments per": 7, "most comments": 8,
        "分享数": 8, "分享次数": 8, "分享量": 8, "多少分享": 8, "多少次分享": 8, "分享最多": 8, "分享最少": 8,
        "被分享": 7, "转发数": 8, "转发次数": 8, "转发量": 8, "转发最多": 8, "number of shares": 8,
        "how many shares": 8, "most shares": 8, "shares per": 7, "times shared": 8, "most shared": 8,
        "most-shared": 8,
    },
    "cohort_retention": {
        "留存": 7, "留存率": 8, "同期群": 9, "群组分析": 8, "cohort": 9, "cohorts": 9, "retention": 6,
        "retention rate": 8, "首购后多久": 8, "多久会回购": 7, "多久回购": 7, "多久复购": 7,
        "多久会复购": 7, "多久再买": 7, "复购周期": 6, "回购周期": 6, "第二次购买": 5, "二次购买间隔": 7,
        "how long until": 4, "time to second purchase": 8, "second purchase": 5, "come back": 3,
        "days to repurchase": 7, "how soon": 3, "retained": 5, "多久": 3, "再次购买": 3, "再买": 2,
        "how long": 3, "回来买": 6, "还会回来": 5, "回头买": 5, "还回来": 4, "buy again": 4, "purchase again": 4,
        "order again": 4, "come back to buy": 5, "粘性": 6, "黏性": 6, "用户粘性": 7, "sticky": 6, "stickiness": 7,
    },
    "churn_risk": {
        "流失风险": 6, "有流失风险": 7, "流失预警": 6, "会流失": 6, "可能流失": 7, "要流失": 6,
        "即将流失": 5, "快流失": 5, "流失概率": 8, "流失预测": 8, "预测流失": 8, "流失的可能": 7,
        "风险客户": 2, "流失": 2, "churn risk": 6, "churn": 4, "churning": 5, "likely to churn": 8,
        "at risk of churning": 8, "churn prediction": 8, "predict churn": 8, "churn probability": 8,
        "likely to leave": 7, "about to leave": 6, "at risk of leaving": 8, "who will churn": 8,
        "going to churn": 8, "risk of churn": 8, "stop buying": 6, "stop purchasing": 6, "不再购买": 6,
        "快要跑掉": 7, "要跑掉": 6, "跑掉": 4, "快要跑了": 7, "要跑了": 6, "快跑了": 6,
        "要流走": 6, "流走": 4, "留不住": 5, "要走了": 5, "slipping away": 7,
        "drifting away": 6, "might leave": 6, "may leave": 6,
        "不买了": 5, "不再回购": 7, "不再复购": 7, "不再下单": 7, "不会再买": 7, "不再买": 6, "很久没来": 5,
        "好久没来": 5, "没回来": 4, "不再回来": 6, "不会再回来": 6, "不再回来买": 8, "不会再回来买": 8,
        "不回来买了": 8, "不回来了": 5, "不会回来": 5,
        "riskiest": 7, "most at risk": 7, "highest risk": 6, "高风险客户": 6, "最危险": 5,
        "haven't come back": 5, "haven't bought": 5,
        "haven't purchased": 5,
    },
    "customer_lifetime_value": {
        "生命周期价值": 9, "终身价值": 9, "客户价值预测": 8, "未来价值": 6, "预测价值": 6, "ltv": 9,
        "clv": 9, "cltv": 9, "lifetime value": 9, "life time value": 9, "customer value": 4,
        "future value": 6, "expected value": 4, "长期价值": 6, "值多少钱": 4, "能贡献多少": 5,
        "worth over": 4, "最值钱": 6, "值钱": 5, "bg/nbd": 9, "bgnbd": 9, "most valuable": 5, "最有价值": 5,
    },
    "customer_clusters": {
        "聚类": 9, "聚成": 8, "k-means": 9, "kmeans": 9, "k均值": 9, "聚类分析": 9, "cluster": 8,
        "clusters": 8, "clustering": 9, "分成几类": 6, "分成几组": 6, "behavioural groups": 6,
        "behavioral groups": 6, "by behaviour": 3, "by behavior": 3, "按行为": 4, "行为特征": 3,
        "相似的用户": 4, "similar customers": 4, "分组": 3, "给用户分组": 5, "给客户分组": 5, "按消费行为": 5,
        "消费行为": 3, "购买行为": 4, "按购买行为": 5, "自动分群": 7, "智能分群": 7, "算法分群": 7,
        "machine learning": 7, "机器学习": 7,
    },
    "lifecycle_stages": {
        "生命周期阶段": 9, "生命周期": 5, "哪些阶段": 5, "哪个阶段": 5, "所处阶段": 6, "阶段分布": 7,
        "客户阶段": 6, "用户阶段": 6, "lifecycle": 6, "life cycle": 6, "lifecycle stage": 9,
        "lifecycle stages": 9, "stages": 4, "stage": 3, "生命周期分布": 8,
    },
    "product_associations": {
        "一起购买": 8, "一起买": 8, "同时购买": 8, "同时买": 7, "搭配购买": 8, "连带购买": 8,
        "连带率": 6, "关联购买": 8, "关联商品": 7, "关联分析": 7, "关联规则": 8, "购物篮": 8,
        "还会买什么": 8, "还买了什么": 8, "还会买": 6, "还买了": 6, "经常搭配": 7, "搭配": 4, "组合购买": 8,
        "搭着买": 7, "搭配着买": 7, "搭着一块买": 8, "凑单": 4,
        "还买什么": 8, "还买啥": 8, "还会买啥": 8, "还买了啥": 8, "还会买哪些": 8, "还购买了": 8, "也购买了": 7,
        "也买了": 6, "还购买": 7, "bought together": 8,
        "buy together": 8, "purchased together": 8, "frequently bought": 7, "sell together": 8, "sold together": 8,
        "sells together": 8, "ordered together": 8, "一起下单": 8, "一块买": 7,
        "market basket": 8, "basket analysis": 8, "cross-sell": 6, "cross sell": 6,
        "association rules": 8, "associations": 6, "also buy": 7, "also bought": 7, "also purchase": 7,
        "paired with": 5, "go together": 6, "bundle": 4, "套餐": 5, "组合套餐": 7, "bundles": 4, "组合装": 5,
        "一起卖": 7, "一起销售": 7, "搭配销售": 7,
        "经常一起": 6, "goes well with": 7,
        # appearing in the same order: "product pairs", "show up together in baskets", "同一单里"
        "product pairs": 8, "pairs of products": 8, "show up together": 8, "shows up together": 8,
        "appear together": 8, "appears together": 8, "same basket": 8, "same order": 6, "in baskets": 6,
        "同一单": 7, "同一个订单": 7, "一起出现": 8, "同时出现": 8, "商品组合": 7,
        "go well with": 7, "goes with": 6, "pair with": 5, "关联": 5,
    },
    "recommend_products": {
        "推荐什么商品": 9, "推荐什么产品": 9, "推荐商品": 8, "推荐产品": 8, "推荐什么": 6, "推荐": 4,
        "推什么": 6, "推哪些": 6, "推点啥": 6, "推点什么": 6, "推些什么": 6, "推些啥": 6, "推荐点": 6,
        "给他们推": 6, "给她们推": 6, "商品推荐": 8, "产品推荐": 8, "适合买什么": 7, "适合什么商品": 7,
        "卖什么给": 6, "推送什么": 6, "给他推": 6, "给她推": 6, "选品": 4,
        "recommend": 5, "recommendation": 5, "recommendations": 5, "what products should": 7,
        "which products should": 7, "what should we sell": 7, "what to sell": 6, "next best offer": 8,
        "next best product": 8, "products to offer": 7, "products to push": 7, "suggest products": 8,
        "product suggestions": 8, "推啥": 6, "适合推": 6, "还能推": 6, "交叉销售": 7, "追加销售": 7, "搭售": 5,
        "pitch to": 6, "should we pitch": 7, "promote to": 5, "push to": 5,
        "upsell": 7, "should we offer": 7, "can we offer": 7, "could we offer": 7, "what to offer": 7, "up-sell": 7,
        "cross-sell": 7, "cross sell": 7, "what else can we sell": 7,
    },
    "ab_test": {
        "a/b测试": 9, "ab测试": 9, "a/b test": 9, "ab test": 9, "abtest": 9, "a/b": 6, "实验组": 7,
        "对照组": 7, "实验效果": 7, "实验": 4, "显著": 5, "显著性": 7, "发券": 5, "优惠券": 4, "发券效果": 8,
        "券的效果": 7, "活动效果": 5, "营销活动": 3, "提升了复购": 3, "有没有效果": 3, "效果显著": 6,
        "significant": 5, "significance": 7, "statistically": 5, "uplift": 6, "lift": 4,
        "coupon campaign": 8, "coupon": 4, "coupons": 4, "campaign": 4, "campaigns": 4, "treatment": 5,
        "control group": 8, "experiment": 6, "split test": 8, "p-value": 7, "p value": 7,
    },
    "segment_profile": {
        "画像": 7, "用户画像": 9, "客户画像": 9, "人群画像": 9, "群体画像": 9, "人群特征": 8, "群体特征": 8,
        "有什么特点": 7, "什么特点": 6, "有什么特征": 7, "什么特征": 6, "是什么样的人": 8, "什么样的人": 7,
        "都是谁": 5, "是哪些人": 5, "男女比例": 4, "特征": 4, "哪些人": 3, "偏好": 3, "喜欢买什么": 5,
        # what a group buys ("沉睡客户一般都买些什么", "what do they usually buy"): its categories, in the profile
        "买些什么": 5, "都买什么": 5, "都买些什么": 5, "买什么东西": 5, "都买啥": 5, "买些啥": 5,
        "what do they buy": 6, "what do they usually buy": 6, "what they buy": 5, "what did they buy": 5,
        "有什么不同": 4, "和其他人有什么不同": 7,
        "persona": 9, "personas": 9, "profile": 4, "demographics": 7, "look like": 5, "what makes": 4,
        "characteristics": 7, "characterise": 7, "characterize": 7, "who are the": 3, "different from": 3,
        "what kind of people": 8, "what are they like": 7, "who are our": 4, "都是些什么人": 8, "是些什么人": 7,
        "都是什么人": 8, "啥样的人": 7, "都是些啥人": 8,
        # what a group "looks like", said plainly
        "长啥样": 7, "长什么样": 7,
    },
    "customer_profile": {
        "客户详情": 8, "用户详情": 8, "客户档案": 8, "用户档案": 8, "客户信息": 5, "这个客户": 4, "这位客户": 4,
        "该客户": 4, "查一下客户": 7, "查询客户": 6, "customer details": 8, "customer record": 8,
        "tell me about customer": 8, "look up customer": 8, "lookup customer": 8, "about customer": 5,
    },
    "sales_forecast": {
        "预测": 4, "预计": 4, "预估": 4, "预判": 4, "销量预测": 9, "销售预测": 9, "销售额预测": 9, "gmv预测": 9,
        "能卖多少": 6, "会卖多少": 6, "能卖": 3, "走势预测": 8, "备货": 5, "备多少货": 7,
        "forecast": 9, "forecasts": 9, "forecasting": 9, "projection": 7, "projected": 6, "predict": 4,
        "prediction": 4, "will sell": 6, "expected sales": 7, "how much will we sell": 9, "outlook": 5,
    },
    "export_segment": {
        "导出": 8, "下载": 6, "export": 8, "download": 6, "名单": 2, "清单": 2, "list": 1, "excel": 6,
        "csv": 6, "xlsx": 6, "导成": 6, "拉一份": 4, "拉个名单": 6, "发我一份": 4,
    },
}


def _with_variants(words: dict[str, float]) -> dict[str, float]:
    """怎么X -> also 怎样X and 如何X (same weight)."""
    expanded = dict(words)
    for phrase, weight in words.items():
        for prefix in ("怎么", "应该怎么"):
            if phrase.startswith(prefix):
                rest = phrase[len(prefix):]
                head = prefix[: -len("怎么")]
                for variant in ("怎样", "如何"):
                    expanded.setdefault(f"{head}{variant}{rest}", weight)
    return expanded


TOOL_KEYWORDS = {tool: _with_variants(words) for tool, words in TOOL_KEYWORDS.items()}
TOOL_LEXICONS: dict[str, Lexicon] = {
    tool: Lexicon((phrase, phrase, weight) for phrase, weight in words.items())
    for tool, words in TOOL_KEYWORDS.items()
}

# ---------------------------------------------------------------------------------------------
# Context words

# "How many / how big": a segment / stage mentioned with these asks for sizes.
COUNT_WORDS = Lexicon.from_mapping({"count": [
    "有多少", "多少人", "多少个", "多少位", "几个人", "占比", "比例", "人数", "规模", "分别有多少", "有几个",
    "一共多少", "总共多少", "共多少", "一共有几", "总共有几",
    "how many", "how big", "size", "sizes", "share", "proportion", "percentage", "count",
]}, plural=False)
# Strategy words that only count when the question is about customers or the business.
DOMAIN_WORDS = Lexicon.from_mapping({"domain": [
    "客户", "用户", "顾客", "买家", "粉丝", "会员", "人群", "复购", "回购", "gmv", "销售", "营销", "直播",
    "店铺", "customers", "customer", "users", "buyers", "shoppers", "fans", "members", "audience",
    "segment", "sales", "revenue", "marketing",
]})
# Lifecycle stage words: two or more (+ a count word) = lifecycle_stages.
LIFECYCLE_STAGE_WORDS = Lexicon.from_mapping({
    "new": ["新客", "新用户", "新客户", "new"],
    "active": ["活跃", "active"],
    "repeat": ["复购", "老客", "repeat", "returning"],
    "at_risk": ["沉默", "预警", "流失风险", "快流失", "快要流失", "即将流失", "at risk", "at-risk", "lapsing"],
    "churned": ["已流失", "流失", "churned", "lost"],
    "reactivated": ["回流", "召回", "reactivated", "won back"],
})
# A question about people ("哪些用户", "which customers"): lists of customers, not sizes.
WHO_WORDS = Lexicon.from_mapping({"who": [
    "哪些用户", "哪些客户", "哪些人", "哪些买家", "谁", "which customers", "which users", "who",
    "which buyers",
]}, plural=False)


# ---------------------------------------------------------------------------------------------
# Argument words for specific tools

SCHEME_WORDS = Lexicon.from_mapping({
    "cn8": ["中国八类", "八类", "8类", "八大类", "八种", "八个", "重要价值客户", "cn8", "eight classes",
            "eight segments", "8 segments", "8 classes", "eight-class", "chinese rfm", "8 types",
            "8-class", "8 class", "8-group", "eight groups", "8 groups", "八群", "8群"],
    "lifecycle": ["生命周期", "lifecycle", "life cycle"],
}, plural=False)
THRESHOLD_WORDS = Lexicon.from_mapping({"median": ["中位数", "中值", "median"],
                                        "mean": ["平均值", "均值", "mean", "average"]}, plural=False)
FORMAT_WORDS = Lexicon.from_mapping({
    "xlsx": ["excel", "xlsx", "xls", "表格", "电子表格", "spreadsheet"],
    "csv": ["csv", "逗号分隔"],
}, plural=False)
GRAIN_WORDS = Lexicon.from_mapping({
    "month": ["按月", "月度", "每月", "monthly", "by month", "per month", "month"],
    "week": ["按周", "周度", "每周", "weekly", "by week", "per week", "week"],
}, plural=False)
LIVE_METRICS = Lexicon.from_mapping({
    "conversion_rate": ["转化率", "转化", "conversion rate", "conversion", "converts", "converted", "converting",
                        "cvr", "变成买家", "转成买家",
                        "看客变成买家", "观众变成买家", "viewers into buyers", "viewers into customers",
                        "turning viewers", "turn viewers", "turns viewers"],
    "gpm": ["gpm", "千次观看成交", "千次观看成交额", "uv价值"],
    "viewers": ["场观", "观看人数", "在线人数", "观众", "viewers", "views", "viewer", "audience", "uv"],
    "watch_time": ["观看时长", "停留时长", "停留时间", "观看时间", "待的时间", "待得最久", "看得最久", "看得久",
                   "停留最久", "留得住观众", "watch time",
                   "看多久", "看了多久", "观看多久", "停留多久", "how long people watch", "how long viewers watch",
                   "how long they watch", "how long people stay", "how long viewers stay", "watch longest",
                   "watch seconds", "watching the longest", "watch the longest", "stay the longest",
                   "keeps viewers watching"],
    "gmv": ["gmv", "销售额", "成交额", "revenue", "sales"],
    # what a broadcast sells on average (场均): GMV over the sessions
    "gmv_per_session": ["场均gmv", "场均成交额", "场均成交", "场均销售额", "场均业绩", "每场平均gmv", "平均每场gmv",
                        "平均每场成交额", "平均每场卖", "gmv per session", "average gmv per session", "per-session gmv",
                        "revenue per session", "sales per session", "gmv per broadcast"],
    "orders": ["订单数", "单量", "orders"],
    # a session report's spend (投放消耗) and its return: only asked when the data has them (limits.yaml)
    "roi": ["投产比", "投入产出比", "roi", "roas", "return on ad spend"],
    "ad_spend": ["投流", "千川", "磁力金牛", "加热", "投放消耗", "投放花费", "投放费用", "广告费", "广告花费", "推广费",
                 "ad spend", "advertising spend", "ads cost", "ad cost"],
    "refund_rate": ["退款率", "退货率", "refund rate", "return rate"],
    # viewers' actions in the room, counted (follows gained, likes, comments, shares)
    "new_followers": ["涨粉", "涨了多少粉", "涨了几个粉", "涨多少粉", "新增关注", "新关注", "新增粉丝", "加关注",
                      "关注人数", "new followers", "new follows",
                      "gained followers", "followers gained", "follows"],
    # (counted words only: 分享 alone is in titles, "好物分享"; "shares of GMV" are portions; "给点评论" is commentary)
    "likes": ["点赞", "点赞数", "likes"],
    "comments": ["评论数", "评论条数", "多少评论", "多少条评论", "评论最多", "评论最少", "留言数", "number of comments",
                 "how many comments", "comment count", "comments per", "most comments"],
    "shares": ["分享数", "分享次数", "分享量", "多少分享", "多少次分享", "分享最多", "分享最少", "被分享", "转发数",
               "转发次数", "转发量", "转发最多", "number of shares", "how many shares", "most shares", "shares per",
               "times shared", "most shared", "most-shared"],
})
LIVE_DIMENSIONS = Lexicon.from_mapping({
    "host": ["主播", "达人", "host", "streamer", "anchor", "kol", "直播账号", "带货账号", "达人账号", "直播号",
             "live account", "streaming account"],
    "session": ["场次", "那场", "这场", "哪场", "每场", "场直播", "session", "broadcast", "livestream",
                "live stream"],
})
