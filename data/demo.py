"""Deterministic demo warehouse for a Douyin-style live-commerce shop (美妆/服饰/食品 ...).

`build_demo(path)` writes one DuckDB file with the tables of docs/data_model.md and returns the
truths that were planted in it (`DemoTruth`), so tests and demos can check that analyses recover
them. Customers are generated in fixed-size chunks and appended chunk by chunk, so memory stays
bounded however many customers are asked for; each chunk has its own seed, so the same
(customers, seed) always gives the same tables.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from tools.sealing import seal

DEFAULT_CUSTOMERS = 20_000
DEFAULT_SEED = 7
START_DATE = date(2024, 9, 1)
END_DATE = date(2026, 11, 15)
CHUNK_CUSTOMERS = 50_000
WRITE_MEMORY_LIMIT = "2GB"

# Signups reach back one year before the first order date: the shop already had fans when the
# data starts, so daily orders do not ramp up from zero.
HISTORY_DAYS = 365
FIRST_CUSTOMER_ID = 100_000_001
FIRST_SESSION_ID = 500_001
DAY_SECONDS = 86_400

TYPE_NAMES = ("loyal", "bargain_hunter", "one_timer", "lapsing")
LOYAL, BARGAIN, ONE_TIMER, LAPSING, NEVER = range(5)
NON_BUYER_SHARE = 0.05
BUYER_TYPE_SHARES = (0.12, 0.25, 0.38, 0.25)
LAPSE_DAYS = 120

EVENT_TYPES = (
    "enter_live", "like", "comment", "share", "follow", "product_click", "add_to_cart", "pay",
)
ENTER, LIKE, COMMENT, SHARE, FOLLOW, CLICK, CART, PAY = range(8)

CAMPAIGN_ID = "coupon_2026_09"
CAMPAIGN_ASSIGNED_AT = datetime(2026, 9, 1, 10, 0)
CAMPAIGN_WINDOW_DAYS = 30
CAMPAIGN_LOOKBACK_DAYS = 60
CAMPAIGN_SHARE = 0.20  # of customers: 4,000 at the default size
CAMPAIGN_COUPON = 20.0
CAMPAIGN_P = {"control": 0.10, "treatment": 0.15}

LIVE_SHARE = 0.70
STATUS_SHARES = {"paid": 0.90, "refunded": 0.06, "cancelled": 0.04}

# product_name pairs planted as bought together (the second is added to orders of the first and
# vice versa).
PAIRS = (
    ("补水面膜", "玻尿酸精华"),
    ("氨基酸洗发水", "柔顺护发素"),
    ("无痕内衣", "无痕内裤三条装"),
    ("挂耳咖啡", "黄油曲奇"),
    ("婴儿纸尿裤", "婴儿湿巾"),
    ("手机壳", "钢化膜"),
)
PAIR_PROBABILITY = 0.5

# host_id, host_name, join_date, viewer->pay conversion, pull (share of live orders),
# refund multiplier, usual start hour, specialty.
HOSTS = (
    (1, "橙子姐姐", date(2024, 6, 15), 0.16, 1.5, 0.75, 20.0, "美妆护肤"),
    (2, "小雅", date(2024, 5, 20), 0.13, 1.3, 0.9, 19.0, "服饰穿搭"),
    (3, "阿杰", date(2024, 7, 1), 0.11, 1.0, 1.2, 14.0, "数码家电"),
    (4, "米粒", date(2024, 8, 10), 0.095, 1.1, 0.95, 10.0, "零食饮料"),
    (5, "林老师", date(2025, 1, 6), 0.08, 0.9, 1.0, 15.0, "母婴好物"),
    (6, "大鹏哥", date(2025, 3, 18), 0.065, 0.8, 1.35, 19.5, "家居日用"),
    (7, "甜甜酱", date(2025, 9, 1), 0.05, 0.7, 1.25, 12.0, "宠粉福利"),
)
SESSION_PROBABILITY = 0.36  # a host goes live on a normal day; every day in promo windows

PLANTED: dict = {
    "start_date": START_DATE,
    "end_date": END_DATE,
    "non_buyer_share": NON_BUYER_SHARE,
    "buyer_type_shares": dict(zip(TYPE_NAMES, BUYER_TYPE_SHARES, strict=True)),
    "lapse_days": LAPSE_DAYS,
    "promo_windows": {"618": ((6, 1), (6, 18)), "double11": ((11, 1), (11, 11))},
    "associated_pairs": list(PAIRS),
    "host_conversion": {h[1]: h[3] for h in HOSTS},
    "live_share": LIVE_SHARE,
    "status_shares": STATUS_SHARES,
    "coupon_lift": {
        "campaign_id": CAMPAIGN_ID,
        "assigned_at": CAMPAIGN_ASSIGNED_AT,
        "window_days": CAMPAIGN_WINDOW_DAYS,
        "lookback_days": CAMPAIGN_LOOKBACK_DAYS,
        "coupon_value": CAMPAIGN_COUPON,
        "target_share": CAMPAIGN_SHARE,
        **CAMPAIGN_P,
    },
}

# category | product_name | brand | list price
CATALOG = """
美妆护肤|补水面膜|水研社|79
美妆护肤|玻尿酸精华|水研社|199
美妆护肤|氨基酸洁面乳|肌初|59
美妆护肤|保湿爽肤水|肌初|89
美妆护肤|烟酰胺身体乳|花漾集|69
美妆护肤|防晒霜SPF50|研萃|129
美妆护肤|丝绒口红|花漾集|139
美妆护肤|气垫BB霜|花漾集|159
美妆护肤|紧致眼霜|研萃|259
美妆护肤|温和卸妆水|肌初|69
美妆护肤|修护面霜|研萃|329
美妆护肤|大地色眼影盘|花漾集|119
美妆护肤|控油散粉|花漾集|99
美妆护肤|修护精华油|研萃|289
美妆护肤|美白精华液|水研社|399
个护清洁|氨基酸洗发水|植本|59
个护清洁|柔顺护发素|植本|49
个护清洁|香氛沐浴露|清沐|45
个护清洁|美白牙膏三支装|净源|29.9
个护清洁|电动牙刷刷头|净源|39
个护清洁|洗衣凝珠|净源|49.9
个护清洁|泡沫洗手液|清沐|19.9
个护清洁|香氛洗衣液|净源|59.9
个护清洁|护手霜|清沐|29.9
个护清洁|漱口水|净源|32
个护清洁|身体磨砂膏|清沐|55
个护清洁|修护发膜|植本|69
个护清洁|干发喷雾|植本|45
个护清洁|卫生巾组合装|清沐|39.9
个护清洁|剃须刀片|净源|79
服饰内衣|纯棉T恤|简衣|69
服饰内衣|高腰阔腿裤|简衣|129
服饰内衣|无痕内衣|棉语|89
服饰内衣|无痕内裤三条装|棉语|59
服饰内衣|羊毛针织衫|暖阳|299
服饰内衣|轻薄羽绒服|暖阳|499
服饰内衣|冰丝防晒衣|轻氧|99
服饰内衣|高弹瑜伽裤|轻氧|119
服饰内衣|运动袜五双装|轻氧|29.9
服饰内衣|真丝睡衣|棉语|259
服饰内衣|法式连衣裙|简衣|239
服饰内衣|牛仔外套|简衣|219
服饰内衣|保暖内衣套装|暖阳|139
服饰内衣|百搭帆布鞋|轻氧|149
服饰内衣|羊绒围巾|暖阳|199
食品饮料|挂耳咖啡|咖小匠|49.9
食品饮料|黄油曲奇|麦田记|39.9
食品饮料|每日坚果|山野集|89
食品饮料|柳州螺蛳粉|山野集|35.9
食品饮料|自热火锅|山野集|45.9
食品饮料|风干牛肉干|山野集|59
食品饮料|即食燕麦片|麦田记|29.9
食品饮料|冻干水果|鲜果园|39
食品饮料|手撕面包|麦田记|25.9
食品饮料|气泡水整箱|鲜果园|49
食品饮料|纯牛奶整箱|鲜果园|65
食品饮料|低糖酸奶|鲜果园|39.9
食品饮料|辣条大礼包|山野集|19.9
食品饮料|花果茶|咖小匠|35
食品饮料|冷萃咖啡液|咖小匠|69
母婴用品|婴儿纸尿裤|熊小宝|119
母婴用品|婴儿湿巾|熊小宝|39.9
母婴用品|婴儿奶粉|贝乐|298
母婴用品|宝宝辅食米粉|贝乐|69
母婴用品|婴儿洗发沐浴露|萌芽|59
母婴用品|儿童牙刷|萌芽|25
母婴用品|婴儿护臀膏|萌芽|45
母婴用品|宝宝爬行垫|熊小宝|159
母婴用品|儿童保温杯|萌芽|99
母婴用品|婴儿连体衣|熊小宝|89
母婴用品|电动吸奶器|贝乐|399
母婴用品|宽口径奶瓶|贝乐|79
母婴用品|儿童绘本套装|萌芽|129
母婴用品|婴儿棉柔巾|熊小宝|35
母婴用品|宝宝面霜|萌芽|69
家居日用|乳胶枕|云朵家|159
家居日用|纯棉四件套|云朵家|299
家居日用|抽纸整箱|禾木|49.9
家居日用|加厚垃圾袋|禾木|19.9
家居日用|折叠收纳箱|简居|59
家居日用|香薰蜡烛|简居|79
家居日用|麦饭石不粘锅|简居|169
家居日用|不锈钢保温杯|禾木|89
家居日用|懒人沙发|云朵家|399
家居日用|厨房湿巾|禾木|25
家居日用|防滑衣架二十只装|简居|29.9
家居日用|纯棉浴巾|云朵家|69
家居日用|居家拖鞋|云朵家|39
家居日用|空气炸锅纸|禾木|22
家居日用|香氛扩香|简居|99
数码家电|手机壳|极客派|39
数码家电|钢化膜|极客派|29
数码家电|降噪蓝牙耳机|声浪|299
数码家电|快充充电器|速充|89
数码家电|磁吸充电宝|速充|149
数码家电|智能手环|极客派|259
数码家电|空气炸锅|暖家电器|399
数码家电|高速吹风机|暖家电器|299
数码家电|声波电动牙刷|暖家电器|199
数码家电|扫地机器人|暖家电器|1999
数码家电|蓝牙音箱|声浪|199
数码家电|编织数据线|速充|25
数码家电|平板电脑|极客派|2499
数码家电|自动卷发棒|暖家电器|159
数码家电|挂脖风扇|速充|79
珠宝配饰|925银项链|银月坊|199
珠宝配饰|珍珠耳钉|拾光|129
珠宝配饰|足金转运珠|金玉缘|899
珠宝配饰|黄金手链|金玉缘|2699
珠宝配饰|和田玉手镯|金玉缘|1299
珠宝配饰|古法银手镯|银月坊|329
珠宝配饰|发夹套装|拾光|29.9
珠宝配饰|偏光太阳镜|拾光|159
珠宝配饰|石英手表|拾光|499
珠宝配饰|白水晶手链|银月坊|149
珠宝配饰|真皮腰带|拾光|169
珠宝配饰|耳环礼盒|银月坊|99
珠宝配饰|钛钢戒指|银月坊|79
珠宝配饰|发圈套装|拾光|19.9
珠宝配饰|真丝丝巾|拾光|139
"""
CATEGORY_WEIGHT = {
    "美妆护肤": 1.6, "个护清洁": 1.3, "服饰内衣": 1.2, "食品饮料": 1.3,
    "母婴用品": 0.8, "家居日用": 1.0, "数码家电": 0.7, "珠宝配饰": 0.5,
}
PREMIUM_PRICE = 200.0
CAMPAIGN_MIN_PRICE = 59.0

# province: (weight, cities, first city first); weights follow population and online shopping.
GEOGRAPHY = {
    "广东": (12.0, ("广州", "深圳", "东莞", "佛山", "珠海", "汕头")),
    "浙江": (8.0, ("杭州", "宁波", "温州", "金华", "绍兴")),
    "江苏": (8.0, ("南京", "苏州", "无锡", "常州", "南通")),
    "山东": (7.0, ("济南", "青岛", "烟台", "潍坊", "临沂")),
    "河南": (6.5, ("郑州", "洛阳", "南阳", "新乡")),
    "四川": (6.0, ("成都", "绵阳", "南充", "宜宾")),
    "湖北": (4.5, ("武汉", "宜昌", "襄阳")),
    "湖南": (4.5, ("长沙", "株洲", "岳阳", "衡阳")),
    "河北": (4.5, ("石家庄", "保定", "唐山", "邯郸")),
    "上海": (4.0, ("上海",)),
    "安徽": (4.0, ("合肥", "芜湖", "阜阳")),
    "北京": (3.5, ("北京",)),
    "福建": (3.5, ("福州", "厦门", "泉州")),
    "广西": (3.0, ("南宁", "柳州", "桂林")),
    "陕西": (3.0, ("西安", "咸阳", "宝鸡")),
    "重庆": (2.5, ("重庆",)),
    "辽宁": (2.5, ("沈阳", "大连", "鞍山")),
    "江西": (2.5, ("南昌", "赣州", "九江")),
    "云南": (2.5, ("昆明", "曲靖", "大理")),
    "山西": (1.8, ("太原", "大同")),
    "贵州": (1.8, ("贵阳", "遵义")),
    "天津": (1.5, ("天津",)),
    "黑龙江": (1.5, ("哈尔滨", "大庆")),
    "吉林": (1.2, ("长春", "吉林")),
    "内蒙古": (1.0, ("呼和浩特", "包头")),
    "新疆": (0.8, ("乌鲁木齐",)),
    "甘肃": (0.8, ("兰州",)),
    "海南": (0.7, ("海口", "三亚")),
    "宁夏": (0.3, ("银川",)),
    "青海": (0.3, ("西宁",)),
    "西藏": (0.1, ("拉萨",)),
}
GENDERS = (("female", 0.70), ("male", 0.26), ("unknown", 0.04))
AGE_BANDS = (("18-24", 0.22), ("25-30", 0.31), ("31-40", 0.28), ("41-50", 0.13), ("50+", 0.06))
CHANNELS = (
    ("live_room", 0.38), ("short_video", 0.30), ("search", 0.12), ("ads", 0.12), ("referral", 0.08),
)
NICK_HEADS = (
    "小猫", "小鹿", "橘子", "奶茶", "月亮", "星星", "兔子", "柠檬", "芒果", "桃子", "小熊", "喵喵",
    "可乐", "布丁", "阿狸", "团子", "樱桃", "糖糖", "小鱼", "薄荷", "西瓜", "雪糕", "甜甜", "晴天",
    "云朵", "小胖", "阿花", "胖虎", "土豆", "豆豆", "北北", "一只", "皮皮", "七七", "大白",
)
NICK_TAILS = (
    "爱吃鱼", "不加糖", "要暴富", "在发呆", "爱睡觉", "的日常", "去旅行", "要减肥", "很快乐", "爱逛街",
    "酱", "呀", "不吃香菜", "在追剧", "爱喝奶茶", "超可爱", "冲鸭", "宝宝", "的小窝", "今天也要美",
    "想躺平", "会发光", "的春天", "爱囤货",
)
PHONE_PREFIXES = (
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153",
    "155", "156", "157", "158", "159", "166", "173", "176", "177", "180", "181", "182", "183",
    "185", "186", "187", "188", "189", "191", "198", "199",
)
SHELF_HOUR_WEIGHTS = np.array([
    0.6, 0.3, 0.2, 0.1, 0.1, 0.2, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0,
    3.5, 3.0, 2.5, 2.5, 2.5, 3.0, 3.5, 4.5, 5.5, 6.0, 5.0, 2.5,
])
WEEKDAY_WEIGHTS = np.array([0.92, 0.93, 0.95, 0.98, 1.05, 1.12, 1.08])  # Monday first

SCHEMA = {
    "customers": (
        "customer_id BIGINT, nickname VARCHAR, phone VARCHAR, gender VARCHAR, age_band VARCHAR, "
        "province VARCHAR, city VARCHAR, signup_time TIMESTAMP, channel VARCHAR"
    ),
    "hosts": "host_id INTEGER, host_name VARCHAR, join_date DATE",
    "live_sessions": (
        "session_id BIGINT, host_id INTEGER, title VARCHAR, start_time TIMESTAMP, "
        "end_time TIMESTAMP"
    ),
    "products": (
        "product_id INTEGER, product_name VARCHAR, category VARCHAR, brand VARCHAR, price DOUBLE"
    ),
    "orders": (
        "order_id BIGINT, customer_id BIGINT, order_time TIMESTAMP, status VARCHAR, "
        "total_amount DOUBLE, discount_amount DOUBLE, coupon_id VARCHAR, coupon_amount DOUBLE, "
        "pay_amount DOUBLE, source VARCHAR, session_id BIGINT, host_id INTEGER"
    ),
    "order_items": (
        "order_id BIGINT, line_no INTEGER, product_id INTEGER, quantity INTEGER, "
        "unit_price DOUBLE, pay_amount DOUBLE"
    ),
    "events": (
        "event_time TIMESTAMP, customer_id BIGINT, session_id BIGINT, event_type VARCHAR, "
        "watch_seconds INTEGER, product_id INTEGER"
    ),
    "campaign_assignments": (
        "campaign_id VARCHAR, customer_id BIGINT, arm VARCHAR, assigned_at TIMESTAMP, "
        "coupon_value DOUBLE"
    ),
}


@dataclass
class DemoTruth:
    """What was planted; none of it is stored in the tables."""

    customer_types: pd.DataFrame  # customer_id, latent_type; customers who never order are absent
    associated_pairs: list[tuple[str, str]]
    host_conversion: dict[str, float]
    coupon_lift: dict[str, float]  # planted 30-day repurchase probability per arm
    row_counts: dict[str, int] = field(default_factory=dict)


# ---------------------------------------------------------------- calendar


@dataclass(frozen=True)
class Calendar:
    """Day index 0 is HISTORY_DAYS before START_DATE; order days run from `start` to `end`."""

    first_day: date
    start: int
    end: int
    in_window: np.ndarray  # bool per day: inside a 618 or 双11 window
    regular_cum: np.ndarray  # cumulative daily weights for regular buying (len days + 1)
    bargain_cum: np.ndarray  # same, for bargain hunters who wait for the big promotions
    date_key: np.ndarray  # yyyymmdd per day, for order ids
    coupon_code: np.ndarray  # index into COUPON_IDS of the coupon a day's promotion hands out

    def index(self, day: date) -> int:
        return (day - self.first_day).days

    def seconds(self, moment: datetime) -> int:
        return int((moment - datetime.combine(self.first_day, datetime.min.time())).total_seconds())

    def to_datetime(self, seconds: np.ndarray) -> np.ndarray:
        return np.datetime64(self.first_day, "s") + seconds.astype("timedelta64[s]")


def _promo_multiplier(days: np.ndarray) -> np.ndarray:
    """Ramps through each window and spikes on the final day (6/18, 11/11)."""
    months = days.astype("datetime64[M]")
    month = months.astype(int) % 12 + 1
    dom = (days - months.astype("datetime64[D]")).astype(int) + 1
    mult = np.ones(len(days))
    in_618 = (month == 6) & (dom <= 18)
    in_1111 = (month == 11) & (dom <= 11)
    mult[in_618] = 1.3 + 0.04 * dom[in_618]
    mult[in_1111] = 1.4 + 0.06 * dom[in_1111]
    mult[(month == 6) & (dom == 18)] = 4.0
    mult[(month == 11) & (dom == 11)] = 4.5
    return mult


def _cumulative(weights: np.ndarray) -> np.ndarray:
    return np.concatenate([[0.0], np.cumsum(weights)])


COUPON_IDS = ("coupon_daily", CAMPAIGN_ID) + tuple(
    f"coupon_{kind}_{year}" for year in (2024, 2025, 2026) for kind in ("618", "1111")
)


def _coupon_codes(days: np.ndarray, in_window: np.ndarray) -> np.ndarray:
    years = days.astype("datetime64[Y]").astype(int) + 1970
    month = days.astype("datetime64[M]").astype(int) % 12 + 1
    codes = np.zeros(len(days), dtype=np.int64)
    for year in (2024, 2025, 2026):
        for kind, mon in (("618", 6), ("1111", 11)):
            mask = in_window & (years == year) & (month == mon)
            codes[mask] = COUPON_IDS.index(f"coupon_{kind}_{year}")
    return codes


def build_calendar() -> Calendar:
    first = START_DATE - timedelta(days=HISTORY_DAYS)
    end = (END_DATE - first).days
    days = np.datetime64(first, "D") + np.arange(end + 1)
    promo = _promo_multiplier(days)
    in_window = promo > 1.0
    weekday = (days.astype(int) + 3) % 7  # 1970-01-01 was a Thursday
    # Growth of the shop: it offsets the lapsing customers dropping out, so total orders still
    # grow mildly.
    base = (0.65 + 0.7 * np.arange(end + 1) / end) * WEEKDAY_WEIGHTS[weekday]
    # Bargain hunters wait for the big promotions, and after stocking up at 618 sit out summer.
    summer = np.isin(days.astype("datetime64[M]").astype(int) % 12 + 1, (7, 8))
    bargain = base * np.where(in_window, promo * 5.0, np.where(summer, 0.15, 0.6))
    date_key = (
        (days.astype("datetime64[Y]").astype(int) + 1970) * 10_000
        + (days.astype("datetime64[M]").astype(int) % 12 + 1) * 100
        + (days - days.astype("datetime64[M]").astype("datetime64[D]")).astype(int) + 1
    )
    return Calendar(
        first_day=first,
        start=HISTORY_DAYS,
        end=end,
        in_window=in_window,
        regular_cum=_cumulative(base * promo),
        bargain_cum=_cumulative(bargain),
        date_key=date_key,
        coupon_code=_coupon_codes(days, in_window),
    )


def sample_days(rng: np.random.Generator, cum: np.ndarray, lo: np.ndarray, hi: np.ndarray
                ) -> np.ndarray:
    """One day per row, drawn from the daily weights restricted to [lo, hi] (inclusive)."""
    u = rng.uniform(cum[lo], cum[hi + 1])
    return np.clip(np.searchsorted(cum, u, side="right") - 1, lo, hi)


# ---------------------------------------------------------------- static dimensions


@dataclass(frozen=True)
class Picker:
    """Weighted draws from a fixed set of ids."""

    ids: np.ndarray
    cum: np.ndarray  # normalised cumulative weights, last = 1

    @classmethod
    def of(cls, ids: np.ndarray, weights: np.ndarray) -> Picker:
        cum = np.cumsum(weights)
        return cls(ids, cum / cum[-1])

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        pos = np.searchsorted(self.cum, rng.random(n), side="right")
        return self.ids[np.minimum(pos, len(self.ids) - 1)]


@dataclass(frozen=True)
class Catalog:
    frame: pd.DataFrame
    price_cents: np.ndarray  # by product index
    partner: np.ndarray  # product index of the planted partner, -1 if none
    regular: Picker  # product indices under PREMIUM_PRICE
    premium: Picker
    campaign: Picker  # what campaign orders start with, so a 20-yuan coupon always fits
    everything: Picker


def build_catalog() -> Catalog:
    rows = [line.split("|") for line in CATALOG.strip().splitlines()]
    frame = pd.DataFrame(rows, columns=["category", "product_name", "brand", "price"])
    frame["price"] = frame["price"].astype(float)
    frame.insert(0, "product_id", np.arange(1001, 1001 + len(frame), dtype=np.int32))
    frame = frame[["product_id", "product_name", "category", "brand", "price"]]
    names = frame["product_name"].tolist()
    partner = np.full(len(frame), -1)
    for a, b in PAIRS:
        partner[names.index(a)], partner[names.index(b)] = names.index(b), names.index(a)
    # Fixed, not seeded: the catalogue is the same whatever the seed.
    jitter = np.random.default_rng(20240901).uniform(0.6, 1.4, len(frame))
    price = frame["price"].to_numpy()
    weight = (
        frame["category"].map(CATEGORY_WEIGHT).to_numpy() * price ** -0.3 * jitter
        * np.where(partner >= 0, 2.0, 1.0)
    )
    idx = np.arange(len(frame))
    return Catalog(
        frame=frame,
        price_cents=np.round(price * 100).astype(np.int64),
        partner=partner,
        regular=Picker.of(idx[price < PREMIUM_PRICE], weight[price < PREMIUM_PRICE]),
        premium=Picker.of(idx[price >= PREMIUM_PRICE], weight[price >= PREMIUM_PRICE]),
        campaign=Picker.of(idx[price >= CAMPAIGN_MIN_PRICE], weight[price >= CAMPAIGN_MIN_PRICE]),
        everything=Picker.of(idx, weight),
    )


def hosts_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "host_id": np.array([h[0] for h in HOSTS], dtype=np.int32),
        "host_name": [h[1] for h in HOSTS],
        "join_date": np.array([h[2] for h in HOSTS], dtype="datetime64[D]"),
    })


@dataclass(frozen=True)
class Sessions:
    """Live sessions sorted by start; per-day lookups let orders pick a session of their day."""

    frame: pd.DataFrame
    host: np.ndarray  # host index (0-based) per session
    start: np.ndarray  # seconds since the calendar's first day
    end: np.ndarray
    day_first: np.ndarray  # per calendar day: first session index of that day
    pull_cum: np.ndarray  # cumulative host pull over sessions (len sessions + 1)


def _session_title(rng: np.random.Generator, specialty: str, day: date) -> str:
    if day.month == 6 and day.day <= 18:
        return f"618年中狂欢·{specialty}专场"
    if day.month == 11 and day.day <= 11:
        return f"双11狂欢节·{specialty}专场"
    themes = ("好物分享", "宠粉福利日", "新品首发", "限时秒杀", "周末囤货", "直播间专享价")
    return f"{specialty}{themes[rng.integers(len(themes))]}"


def build_sessions(rng: np.random.Generator, cal: Calendar) -> Sessions:
    days = np.arange(cal.start, cal.end + 1)
    live = np.zeros((len(HOSTS), len(days)), dtype=bool)
    for h, host in enumerate(HOSTS):
        joined = days >= cal.index(host[2] + timedelta(days=7))
        live[h] = joined & ((rng.random(len(days)) < SESSION_PROBABILITY) | cal.in_window[days])
    # Every day has a broadcast: a day nobody planned gets the host whose turn it is.
    empty = ~live.any(axis=0)
    live[(days[empty] % 4), np.flatnonzero(empty)] = True
    host_idx, day_pos = np.nonzero(live)
    day = days[day_pos]
    start_hour = np.array([h[6] for h in HOSTS])[host_idx]
    start = (day * DAY_SECONDS + start_hour * 3600
             + rng.integers(-2, 3, len(day)) * 900).astype(np.int64)
    duration = rng.integers(2 * 3600, 4 * 3600 + 1, len(day))
    end = np.minimum(start + duration, (day + 1) * DAY_SECONDS - 60)
    order = np.lexsort((host_idx, start))
    host_idx, day, start, end = host_idx[order], day[order], start[order], end[order]
    titles = [
        _session_title(rng, HOSTS[h][7], cal.first_day + timedelta(days=int(d)))
        for h, d in zip(host_idx, day, strict=True)
    ]
    frame = pd.DataFrame({
        "session_id": FIRST_SESSION_ID + np.arange(len(day), dtype=np.int64),
        "host_id": np.array([HOSTS[h][0] for h in host_idx], dtype=np.int32),
        "title": titles,
        "start_time": cal.to_datetime(start),
        "end_time": cal.to_datetime(end),
    })
    pull = np.array([h[4] for h in HOSTS])[host_idx]
    day_first = np.searchsorted(day, np.arange(cal.end + 2))
    return Sessions(frame, host_idx, start, end, day_first, _cumulative(pull))


# ---------------------------------------------------------------- customers


@dataclass
class Cohort:
    """One chunk of customers with their latent traits (positions are local indices)."""

    ids: np.ndarray
    kind: np.ndarray
    signup: np.ndarray  # seconds
    premium: np.ndarray  # probability that a line is a premium (>= 200 yuan) product
    single_day: np.ndarray  # the day of a one-timer's only order (-1 for other types)


def _choose(rng: np.random.Generator, options: tuple, n: int) -> np.ndarray:
    names = np.array([o[0] for o in options])
    p = np.array([o[1] for o in options])
    return names[rng.choice(len(names), size=n, p=p / p.sum())]


def _signup_days(rng: np.random.Generator, cal: Calendar, kind: np.ndarray,
                 single_day: np.ndarray) -> np.ndarray:
    """Loyal fans joined early; lapsing ones early enough to lapse; one-timers just before
    their only order."""
    lo = np.zeros(len(kind), dtype=np.int64)
    hi = np.full(len(kind), cal.end)
    hi[kind == LOYAL] = cal.start + 90
    # Bargain hunters joined before the 2026 618, so most are lapsed-for-60-days by September.
    hi[kind == BARGAIN] = cal.start + 600
    hi[kind == LAPSING] = cal.end - LAPSE_DAYS - 61
    days = sample_days(rng, cal.regular_cum, lo, hi)
    one = kind == ONE_TIMER
    days[one] = np.maximum(single_day[one] - rng.geometric(1 / 15, one.sum()), 0)
    return days


def draw_cohort(rng: np.random.Generator, cal: Calendar, first_index: int, n: int) -> Cohort:
    shares = np.array([(1 - NON_BUYER_SHARE) * s for s in BUYER_TYPE_SHARES] + [NON_BUYER_SHARE])
    kind = rng.choice(5, size=n, p=shares / shares.sum())
    # A one-timer's order follows the seasonal curve like everyone's; the signup comes first.
    single_day = np.where(kind == ONE_TIMER, sample_days(
        rng, cal.regular_cum, np.full(n, cal.start), np.full(n, cal.end)), -1)
    signup = (_signup_days(rng, cal, kind, single_day) * DAY_SECONDS
              + rng.integers(7 * 3600, 24 * 3600, n))
    alpha = np.array([3.0, 1.2, 1.5, 1.5, 1.5])[kind]
    beta = np.array([5.0, 8.0, 8.0, 7.0, 8.0])[kind]
    ids = FIRST_CUSTOMER_ID + first_index + np.arange(n, dtype=np.int64)
    return Cohort(ids, kind, signup.astype(np.int64), rng.beta(alpha, beta), single_day)


def _phones(rng: np.random.Generator, ids: np.ndarray) -> np.ndarray:
    # An affine map mod 10^8 with a multiplier coprime to 10 is a bijection: phones are unique.
    suffix = (ids * 48_271 + 12_345_678) % 100_000_000
    prefix = np.array(PHONE_PREFIXES)[rng.integers(len(PHONE_PREFIXES), size=len(ids))]
    return np.char.add(prefix, np.char.zfill(suffix.astype(str), 8))


def _nicknames(rng: np.random.Generator, n: int) -> np.ndarray:
    heads = np.array(NICK_HEADS)[rng.integers(len(NICK_HEADS), size=n)]
    tails = np.array(NICK_TAILS)[rng.integers(len(NICK_TAILS), size=n)]
    digits = rng.integers(1, 10_000, size=n).astype(str)
    digits[rng.random(n) < 0.35] = ""
    return np.char.add(np.char.add(heads, tails), digits)


def _places(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    provinces, cities, weights = [], [], []
    for province, (weight, names) in GEOGRAPHY.items():
        share = 1.0 / np.arange(1, len(names) + 1) ** 0.8
        for city, s in zip(names, share / share.sum(), strict=True):
            provinces.append(province)
            cities.append(city)
            weights.append(weight * s)
    p = np.array(weights)
    pick = rng.choice(len(p), size=n, p=p / p.sum())
    return np.array(provinces)[pick], np.array(cities)[pick]


def customers_frame(rng: np.random.Generator, cal: Calendar, cohort: Cohort) -> pd.DataFrame:
    n = len(cohort.ids)
    province, city = _places(rng, n)
    return pd.DataFrame({
        "customer_id": cohort.ids,
        "nickname": _nicknames(rng, n),
        "phone": _phones(rng, cohort.ids),
        "gender": _choose(rng, GENDERS, n),
        "age_band": _choose(rng, AGE_BANDS, n),
        "province": province,
        "city": city,
        "signup_time": cal.to_datetime(cohort.signup),
        "channel": _choose(rng, CHANNELS, n),
    })


# ---------------------------------------------------------------- order days


def _poisson_counts(rng: np.random.Generator, mean_per_year: float, span_days: np.ndarray,
                    minimum: int) -> np.ndarray:
    # Gamma-distributed personal rates make purchase frequency heavy-tailed.
    rate = rng.gamma(1.5, mean_per_year / 1.5, len(span_days))
    return np.maximum(minimum, rng.poisson(rate * span_days / 365.0))


def draw_order_days(rng: np.random.Generator, cal: Calendar, cohort: Cohort
                    ) -> tuple[np.ndarray, np.ndarray]:
    """(customer position, day index) per order, before the campaign is planted."""
    kind = cohort.kind
    lo = np.maximum(cal.start, cohort.signup // DAY_SECONDS + 1)
    hi = np.full(len(kind), cal.end)
    lapsing = kind == LAPSING
    # Active for 2-14 months, and the last order is at least LAPSE_DAYS + 1 days before
    # END_DATE whatever the convention. Short lives spread the lapses over the whole period.
    hi[lapsing] = np.minimum(lo[lapsing] + rng.integers(60, 421, lapsing.sum()),
                             cal.end - LAPSE_DAYS - 1)
    one = kind == ONE_TIMER
    lo[one] = hi[one] = cohort.single_day[one]
    span = hi - lo + 1
    count = np.zeros(len(kind), dtype=np.int64)
    count[kind == LOYAL] = _poisson_counts(rng, 26.0, span[kind == LOYAL], 8)
    count[kind == BARGAIN] = _poisson_counts(rng, 5.5, span[kind == BARGAIN], 2)
    count[lapsing] = _poisson_counts(rng, 7.0, span[lapsing], 2)
    count[kind == ONE_TIMER] = 1
    cust = np.repeat(np.arange(len(kind)), count)
    day = np.empty(len(cust), dtype=np.int64)
    bargain = kind[cust] == BARGAIN
    day[bargain] = sample_days(rng, cal.bargain_cum, lo[cust[bargain]], hi[cust[bargain]])
    day[~bargain] = sample_days(rng, cal.regular_cum, lo[cust[~bargain]], hi[cust[~bargain]])
    return cust, day


# ---------------------------------------------------------------- A/B coupon campaign


@dataclass
class Campaign:
    customers: np.ndarray  # positions
    treatment: np.ndarray  # bool per assigned customer


def plant_campaign(rng: np.random.Generator, cal: Calendar, cohort: Cohort, cust: np.ndarray,
                   day: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, Campaign]:
    """Assign lapsed-for-60-days buyers to arms and replace their September with planted orders.

    Returns the new (cust, day, arm) per order (arm 0 none, 1 control, 2 treatment).
    """
    n = len(cohort.ids)
    assigned = cal.index(CAMPAIGN_ASSIGNED_AT.date())
    lookback = assigned - CAMPAIGN_LOOKBACK_DAYS
    window_end = assigned + CAMPAIGN_WINDOW_DAYS - 1
    bought = np.bincount(cust[day < assigned], minlength=n) > 0
    recent = np.bincount(cust[(day >= lookback) & (day < assigned)], minlength=n) > 0
    # One-timers and lapsing customers stay out so that their planted shape stays exact.
    eligible = bought & ~recent & np.isin(cohort.kind, (LOYAL, BARGAIN))
    pool = rng.permutation(np.flatnonzero(eligible))
    chosen = np.sort(pool[: int(round(CAMPAIGN_SHARE * n))])
    treatment = np.zeros(len(chosen), dtype=bool)
    treatment[rng.permutation(len(chosen))[: len(chosen) // 2]] = True

    in_campaign = np.zeros(n, dtype=bool)
    in_campaign[chosen] = True
    keep = ~(in_campaign[cust] & (day >= assigned) & (day <= window_end))
    p = np.where(treatment, CAMPAIGN_P["treatment"], CAMPAIGN_P["control"])
    buys = rng.random(len(chosen)) < p
    n_new = np.where(buys, 1 + (rng.random(len(chosen)) < 0.2), 0)
    new_cust = np.repeat(chosen, n_new)
    # From the day after assignment, so every planted order is after assigned_at.
    new_day = rng.integers(assigned + 1, window_end + 1, len(new_cust))
    arm = np.zeros(n, dtype=np.int8)
    arm[chosen] = np.where(treatment, 2, 1)
    out_cust = np.concatenate([cust[keep], new_cust])
    out_day = np.concatenate([day[keep], new_day])
    out_arm = np.concatenate([np.zeros(keep.sum(), dtype=np.int8), arm[new_cust]])
    return out_cust, out_day, out_arm, Campaign(chosen, treatment)


def campaign_frame(cal: Calendar, cohort: Cohort, campaign: Campaign) -> pd.DataFrame:
    k = len(campaign.customers)
    return pd.DataFrame({
        "campaign_id": np.full(k, CAMPAIGN_ID),
        "customer_id": cohort.ids[campaign.customers],
        "arm": np.where(campaign.treatment, "treatment", "control"),
        "assigned_at": np.full(k, np.datetime64(CAMPAIGN_ASSIGNED_AT, "s")),
        "coupon_value": np.where(campaign.treatment, CAMPAIGN_COUPON, 0.0),
    })


# ---------------------------------------------------------------- orders


@dataclass
class Orders:
    """Per order arrays of one chunk, sorted by time."""

    cust: np.ndarray
    day: np.ndarray
    arm: np.ndarray
    session: np.ndarray  # session index, -1 for shelf orders
    time: np.ndarray  # seconds
    status: np.ndarray  # 0 paid, 1 refunded, 2 cancelled
    order_id: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))


def assign_sources(rng: np.random.Generator, sessions: Sessions, day: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray]:
    """Live orders go to a session of their day (popular hosts sell more); the rest to the shelf."""
    n = len(day)
    live = rng.random(n) < LIVE_SHARE
    lo = sessions.pull_cum[sessions.day_first[day]]
    hi = sessions.pull_cum[sessions.day_first[day + 1]]
    pick = np.searchsorted(sessions.pull_cum, rng.uniform(lo, hi), side="right") - 1
    pick = np.clip(pick, sessions.day_first[day], sessions.day_first[day + 1] - 1)
    session = np.where(live, pick, -1)
    s = np.maximum(session, 0)
    live_time = sessions.start[s] + 180 + (
        rng.random(n) * (sessions.end[s] - sessions.start[s] - 180)).astype(np.int64)
    hour = rng.choice(24, size=n, p=SHELF_HOUR_WEIGHTS / SHELF_HOUR_WEIGHTS.sum())
    shelf_time = day * DAY_SECONDS + hour * 3600 + rng.integers(0, 3600, n)
    return session, np.where(live, live_time, shelf_time)


def draw_statuses(rng: np.random.Generator, kind: np.ndarray, host: np.ndarray) -> np.ndarray:
    """Bargain hunters cancel more; some hosts' viewers refund more."""
    cancel = np.where(kind == BARGAIN, 0.062, 0.032)
    refund_mult = np.append(np.array([h[5] for h in HOSTS]), 1.0)  # index -1: shelf
    refund = STATUS_SHARES["refunded"] * refund_mult[host]
    u = rng.random(len(kind))
    return np.where(u < cancel, 2, np.where(u < cancel + refund, 1, 0)).astype(np.int8)


def build_orders(rng: np.random.Generator, sessions: Sessions, cohort: Cohort, cust: np.ndarray,
                 day: np.ndarray, arm: np.ndarray) -> Orders:
    session, time = assign_sources(rng, sessions, day)
    order = np.lexsort((cust, time))
    cust, day, arm, session, time = cust[order], day[order], arm[order], session[order], time[order]
    host = np.where(session >= 0, sessions.host[np.maximum(session, 0)], -1)
    status = draw_statuses(rng, cohort.kind[cust], host)
    return Orders(cust, day, arm, session, time, status)


def assign_order_ids(orders: Orders, cal: Calendar, counters: np.ndarray) -> None:
    """yyyymmdd followed by a running number per day, continued across chunks."""
    per_day = np.bincount(orders.day, minlength=len(counters))
    first = np.searchsorted(orders.day, orders.day)  # orders are sorted by time, hence by day
    rank = np.arange(len(orders.day)) - first
    orders.order_id = cal.date_key[orders.day] * 10_000_000 + counters[orders.day] + rank + 1
    counters += per_day


# ---------------------------------------------------------------- lines and money


@dataclass
class Lines:
    order: np.ndarray  # order position
    line_no: np.ndarray
    product: np.ndarray  # product index
    quantity: np.ndarray
    pay_cents: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))


def _draw_products(rng: np.random.Generator, catalog: Catalog, premium_p: np.ndarray
                   ) -> np.ndarray:
    premium = rng.random(len(premium_p)) < premium_p
    return np.where(premium, catalog.premium.draw(rng, len(premium_p)),
                    catalog.regular.draw(rng, len(premium_p)))


def _group_starts(sorted_keys: np.ndarray) -> np.ndarray:
    """Position of each row's group start in an array sorted by key."""
    return np.searchsorted(sorted_keys, sorted_keys)


def draw_lines(rng: np.random.Generator, catalog: Catalog, cohort: Cohort, orders: Orders
               ) -> Lines:
    n = len(orders.cust)
    premium_p = cohort.premium[orders.cust]
    first = _draw_products(rng, catalog, premium_p)
    in_campaign = orders.arm > 0
    first[in_campaign] = catalog.campaign.draw(rng, int(in_campaign.sum()))
    partner = catalog.partner[first]
    paired = (partner >= 0) & (rng.random(n) < PAIR_PROBABILITY)
    n_lines = rng.choice([1, 2, 3, 4], size=n, p=[0.52, 0.28, 0.14, 0.06])
    n_lines = np.where(paired, np.maximum(n_lines, 2), n_lines)
    order = np.repeat(np.arange(n), n_lines)
    line_no = np.arange(len(order)) - _group_starts(order)
    product = _draw_products(rng, catalog, premium_p[order])
    product[line_no == 0] = first
    second = (line_no == 1) & paired[order]
    product[second] = partner[order[second]]
    # A product appears once per order: duplicates are dropped (the first stays).
    _, keep = np.unique(order * len(catalog.price_cents) + product, return_index=True)
    keep.sort()
    order, product = order[keep], product[keep]
    line_no = np.arange(len(order)) - _group_starts(order)
    quantity = rng.choice([1, 2, 3], size=len(order), p=[0.82, 0.13, 0.05])
    return Lines(order, line_no + 1, product, quantity)


@dataclass
class Money:
    total: np.ndarray  # cents per order
    discount: np.ndarray
    coupon: np.ndarray
    coupon_code: np.ndarray  # index into COUPON_IDS, -1 for none
    pay: np.ndarray


def _coupon_face(total: np.ndarray) -> np.ndarray:
    """满减 tiers: spend 99/199/299 get 15/30/50 off, below that 5 off."""
    return np.select([total >= 29_900, total >= 19_900, total >= 9_900], [5_000, 3_000, 1_500],
                     500)


def price_orders(rng: np.random.Generator, cal: Calendar, cohort: Cohort, orders: Orders,
                 lines: Lines, catalog: Catalog) -> Money:
    n = len(orders.cust)
    total = np.bincount(lines.order, catalog.price_cents[lines.product] * lines.quantity,
                        minlength=n).astype(np.int64)
    promo = cal.in_window[orders.day]
    rate = np.where(promo, rng.uniform(0.10, 0.25, n),
                    np.where(rng.random(n) < 0.45, rng.uniform(0.02, 0.10, n), 0.0))
    discount = np.round(total * rate).astype(np.int64)
    bargain = cohort.kind[orders.cust] == BARGAIN
    p_coupon = np.where(promo, np.where(bargain, 0.70, 0.30), np.where(bargain, 0.35, 0.10))
    face = _coupon_face(total)
    uses = (rng.random(n) < p_coupon) & (total - discount - face >= 100) & (orders.arm == 0)
    coupon = np.where(uses, face, 0)
    code = np.where(uses, cal.coupon_code[orders.day], -1)
    treated = orders.arm == 2
    coupon[treated] = int(CAMPAIGN_COUPON * 100)
    code[treated] = COUPON_IDS.index(CAMPAIGN_ID)
    return Money(total, discount, coupon, code, total - discount - coupon)


def allocate_line_pay(lines: Lines, money: Money, catalog: Catalog) -> None:
    """Share each order's pay over its lines by list value; the last line takes the remainder."""
    value = catalog.price_cents[lines.product] * lines.quantity
    share = (money.pay[lines.order] * value) // money.total[lines.order]
    last = np.append(lines.order[1:] != lines.order[:-1], True)
    others = np.bincount(lines.order[~last], share[~last], minlength=len(money.pay))
    share[last] = money.pay[lines.order[last]] - others[lines.order[last]].astype(np.int64)
    lines.pay_cents = share


# ---------------------------------------------------------------- events


@dataclass
class EventColumns:
    time: list[np.ndarray] = field(default_factory=list)
    cust: list[np.ndarray] = field(default_factory=list)
    session: list[np.ndarray] = field(default_factory=list)
    kind: list[np.ndarray] = field(default_factory=list)
    watch: list[np.ndarray] = field(default_factory=list)
    product: list[np.ndarray] = field(default_factory=list)

    def add(self, time: np.ndarray, cust: np.ndarray, session: np.ndarray, kind: int,
            watch: np.ndarray | None = None, product: np.ndarray | None = None) -> None:
        n = len(time)
        self.time.append(time.astype(np.int64))
        self.cust.append(cust.astype(np.int64))
        self.session.append(session.astype(np.int64))
        self.kind.append(np.full(n, kind, dtype=np.int8))
        self.watch.append(np.full(n, -1, np.int32) if watch is None else watch.astype(np.int32))
        self.product.append(np.full(n, -1, np.int32) if product is None else product.astype(np.int32))


@dataclass
class Viewers:
    """One row per (customer, session) that entered the live room."""

    cust: np.ndarray
    session: np.ndarray
    enter: np.ndarray
    watch: np.ndarray


def buyer_events(rng: np.random.Generator, sessions: Sessions, orders: Orders, lines: Lines,
                 n_customers: int, out: EventColumns) -> Viewers:
    """Enter, click and add-to-cart before each live order, and pay at its time unless cancelled."""
    live = np.flatnonzero(orders.session >= 0)
    s, c, t = orders.session[live], orders.cust[live], orders.time[live]
    gap = rng.lognormal(np.log(900), 0.8, len(live)).astype(np.int64)
    enter_o = np.clip(t - gap, sessions.start[s], t - 60)
    # Several orders in one session share one entry that covers all of them.
    key = s * n_customers + c
    uniq, inv = np.unique(key, return_inverse=True)
    enter = np.full(len(uniq), np.iinfo(np.int64).max)
    np.minimum.at(enter, inv, enter_o)
    last = np.zeros(len(uniq), dtype=np.int64)
    np.maximum.at(last, inv, t)
    v_session, v_cust = uniq // n_customers, uniq % n_customers
    extra = rng.lognormal(np.log(600), 0.9, len(uniq)).astype(np.int64)
    watch = np.minimum(last - enter + extra, sessions.end[v_session] - enter)

    position = np.full(len(orders.session), -1)
    position[live] = np.arange(len(live))
    line_pos = position[lines.order]
    on_live = line_pos >= 0
    lp = line_pos[on_live]
    click = enter_o[lp] + (rng.random(len(lp)) * 0.6 * (t[lp] - enter_o[lp])).astype(np.int64)
    cart = click + (rng.random(len(lp)) * (t[lp] - click)).astype(np.int64)
    out.add(click, c[lp], s[lp], CLICK, product=lines.product[on_live])
    out.add(cart, c[lp], s[lp], CART, product=lines.product[on_live])
    paid = orders.status[live] != 2
    first_line = lines.product[lines.line_no == 1]  # lines are sorted by order
    out.add(t[paid], c[paid], s[paid], PAY, product=first_line[live[paid]])
    return Viewers(v_cust, v_session, enter, watch)


@dataclass(frozen=True)
class ViewerPool:
    """Customers sorted by signup with cumulative watch propensity, for drawing audiences."""

    order: np.ndarray
    signup: np.ndarray
    cum: np.ndarray


VIEW_WEIGHT = np.array([6.0, 2.0, 1.2, 0.8, 0.0])  # by latent type; non-buyers only signed up


def viewer_pool(cohort: Cohort) -> ViewerPool:
    order = np.argsort(cohort.signup, kind="stable")
    return ViewerPool(order, cohort.signup[order], _cumulative(VIEW_WEIGHT[cohort.kind[order]]))


def _audience_needed(rng: np.random.Generator, sessions: Sessions, orders: Orders,
                     buyers: Viewers, n_customers: int) -> np.ndarray:
    """Non-buying viewers per session so that payers / viewers hits the host's conversion."""
    n_sessions = len(sessions.start)
    live = orders.session >= 0
    paid_live = live & (orders.status != 2)
    payer_keys = np.unique(orders.session[paid_live] * n_customers + orders.cust[paid_live])
    payers = np.bincount(payer_keys // n_customers, minlength=n_sessions)
    entered = np.bincount(buyers.session, minlength=n_sessions)
    conversion = np.array([h[3] for h in HOSTS])[sessions.host]
    expected = payers / conversion
    wanted = np.floor(expected + rng.random(n_sessions)).astype(np.int64)
    return np.maximum(wanted - entered, 0)


def draw_audience(rng: np.random.Generator, sessions: Sessions, pool: ViewerPool,
                  need: np.ndarray, buyers: Viewers, n_customers: int
                  ) -> tuple[np.ndarray, np.ndarray]:
    """(session, customer) of non-buying viewers: distinct, signed up before the session."""
    available = pool.cum[np.searchsorted(pool.signup, sessions.start)]
    draws = np.where(available > 0, np.ceil(need * 1.25).astype(np.int64) + 3, 0)
    s = np.repeat(np.arange(len(need)), draws)
    u = rng.random(len(s)) * available[s]
    pos = np.minimum(np.searchsorted(pool.cum, u, side="right") - 1, len(pool.order) - 1)
    key = s * n_customers + pool.order[pos]
    fresh = ~np.isin(key, buyers.session * n_customers + buyers.cust)
    key = key[fresh]
    _, first = np.unique(key, return_index=True)
    key = key[np.sort(first)]  # draw order is random within a session
    s = key // n_customers
    rank = np.arange(len(key)) - _group_starts(s)
    keep = rank < need[s]
    return s[keep], key[keep] % n_customers


def audience_events(rng: np.random.Generator, sessions: Sessions, cohort: Cohort,
                    catalog: Catalog, session: np.ndarray, cust: np.ndarray,
                    out: EventColumns) -> Viewers:
    """Viewers who did not buy: watch a while, and some click or leave a cart behind."""
    n = len(session)
    start, end = sessions.start[session], sessions.end[session]
    enter = start + (rng.random(n) * (end - start - 60)).astype(np.int64)
    fan = np.where(cohort.kind[cust] == LOYAL, 2.5, 1.0)
    watch = np.clip(rng.lognormal(np.log(240 * fan), 1.0).astype(np.int64), 5, end - enter)
    clicked = rng.random(n) < 0.15
    click = enter[clicked] + (rng.random(clicked.sum()) * watch[clicked]).astype(np.int64)
    product = catalog.everything.draw(rng, int(clicked.sum()))
    out.add(click, cust[clicked], session[clicked], CLICK, product=product)
    carted = rng.random(len(click)) < 0.3
    cart_time = click[carted] + (rng.random(carted.sum()) * (enter[clicked][carted]
                                 + watch[clicked][carted] - click[carted])).astype(np.int64)
    out.add(cart_time, cust[clicked][carted], session[clicked][carted], CART,
            product=product[carted])
    return Viewers(cust, session, enter, watch)


def engagement_events(rng: np.random.Generator, viewers: Viewers, out: EventColumns) -> None:
    """Entry with watch time for every viewer, plus likes, comments, shares and follows."""
    out.add(viewers.enter, viewers.cust, viewers.session, ENTER, watch=viewers.watch)
    for kind, p in ((LIKE, 0.20), (COMMENT, 0.06), (SHARE, 0.02), (FOLLOW, 0.025)):
        hit = rng.random(len(viewers.cust)) < p
        when = viewers.enter[hit] + (rng.random(hit.sum()) * viewers.watch[hit]).astype(np.int64)
        out.add(when, viewers.cust[hit], viewers.session[hit], kind)


def build_events(rng: np.random.Generator, cal: Calendar, sessions: Sessions, cohort: Cohort,
                 catalog: Catalog, orders: Orders, lines: Lines) -> pd.DataFrame:
    n_customers = len(cohort.ids)
    out = EventColumns()
    buyers = buyer_events(rng, sessions, orders, lines, n_customers, out)
    need = _audience_needed(rng, sessions, orders, buyers, n_customers)
    a_session, a_cust = draw_audience(rng, sessions, viewer_pool(cohort), need, buyers,
                                      n_customers)
    audience = audience_events(rng, sessions, cohort, catalog, a_session, a_cust, out)
    for viewers in (buyers, audience):
        engagement_events(rng, viewers, out)
    time = np.concatenate(out.time)
    order = np.argsort(time, kind="stable")
    watch = np.concatenate(out.watch)[order]
    product = np.concatenate(out.product)[order]
    product_id = catalog.frame["product_id"].to_numpy()[np.maximum(product, 0)]
    return pd.DataFrame({
        "event_time": cal.to_datetime(time[order]),
        "customer_id": cohort.ids[np.concatenate(out.cust)[order]],
        "session_id": sessions.frame["session_id"].to_numpy()[np.concatenate(out.session)[order]],
        "event_type": pd.Categorical.from_codes(np.concatenate(out.kind)[order], EVENT_TYPES),
        "watch_seconds": pd.arrays.IntegerArray(np.maximum(watch, 0), watch < 0),
        "product_id": pd.arrays.IntegerArray(product_id.astype(np.int32), product < 0),
    })


# ---------------------------------------------------------------- frames of a chunk


def orders_frame(cal: Calendar, sessions: Sessions, cohort: Cohort, orders: Orders,
                 money: Money) -> pd.DataFrame:
    live = orders.session >= 0
    s = np.maximum(orders.session, 0)
    return pd.DataFrame({
        "order_id": orders.order_id,
        "customer_id": cohort.ids[orders.cust],
        "order_time": cal.to_datetime(orders.time),
        "status": pd.Categorical.from_codes(orders.status, ["paid", "refunded", "cancelled"]),
        "total_amount": money.total / 100,
        "discount_amount": money.discount / 100,
        "coupon_id": pd.Categorical.from_codes(money.coupon_code, COUPON_IDS),
        "coupon_amount": money.coupon / 100,
        "pay_amount": money.pay / 100,
        "source": pd.Categorical.from_codes(live.astype(np.int8), ["shelf", "live"]),
        "session_id": pd.arrays.IntegerArray(sessions.frame["session_id"].to_numpy()[s], ~live),
        "host_id": pd.arrays.IntegerArray(sessions.frame["host_id"].to_numpy()[s], ~live),
    })


def items_frame(orders: Orders, lines: Lines, catalog: Catalog) -> pd.DataFrame:
    return pd.DataFrame({
        "order_id": orders.order_id[lines.order],
        "line_no": lines.line_no.astype(np.int32),
        "product_id": catalog.frame["product_id"].to_numpy()[lines.product],
        "quantity": lines.quantity.astype(np.int32),
        "unit_price": catalog.price_cents[lines.product] / 100,
        "pay_amount": lines.pay_cents / 100,
    })


@dataclass
class World:
    """What every chunk shares."""

    cal: Calendar
    catalog: Catalog
    sessions: Sessions
    order_counters: np.ndarray


def build_chunk(world: World, seed: int, chunk: int, first_index: int, n: int
                ) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """All rows of one chunk of customers, plus their latent types."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, 1, chunk]))
    cal, catalog, sessions = world.cal, world.catalog, world.sessions
    cohort = draw_cohort(rng, cal, first_index, n)
    cust, day = draw_order_days(rng, cal, cohort)
    cust, day, arm, campaign = plant_campaign(rng, cal, cohort, cust, day)
    orders = build_orders(rng, sessions, cohort, cust, day, arm)
    assign_order_ids(orders, cal, world.order_counters)
    lines = draw_lines(rng, catalog, cohort, orders)
    money = price_orders(rng, cal, cohort, orders, lines, catalog)
    allocate_line_pay(lines, money, catalog)
    frames = {
        "customers": customers_frame(rng, cal, cohort),
        "orders": orders_frame(cal, sessions, cohort, orders, money),
        "order_items": items_frame(orders, lines, catalog),
        "events": build_events(rng, cal, sessions, cohort, catalog, orders, lines),
        "campaign_assignments": campaign_frame(cal, cohort, campaign),
    }
    buyers = cohort.kind != NEVER
    types = pd.DataFrame({
        "customer_id": cohort.ids[buyers],
        "latent_type": np.array(TYPE_NAMES)[cohort.kind[buyers]],
    })
    return frames, types


# ---------------------------------------------------------------- writing


def _create_tables(con: duckdb.DuckDBPyConnection) -> None:
    for table, columns in SCHEMA.items():
        con.execute(f"CREATE TABLE {table} ({columns})")


def _append(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
    con.register("chunk_frame", frame)
    try:
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM chunk_frame")
    finally:
        con.unregister("chunk_frame")


def _remove(path: Path) -> None:
    for stale in (path, Path(f"{path}.wal")):
        stale.unlink(missing_ok=True)


def _write(con: duckdb.DuckDBPyConnection, customers: int, seed: int) -> DemoTruth:
    cal = build_calendar()
    catalog = build_catalog()
    sessions = build_sessions(np.random.default_rng(np.random.SeedSequence([seed, 0])), cal)
    world = World(cal, catalog, sessions, np.zeros(cal.end + 1, dtype=np.int64))
    _create_tables(con)
    _append(con, "hosts", hosts_frame())
    _append(con, "products", catalog.frame)
    _append(con, "live_sessions", sessions.frame)
    types = []
    for chunk, first in enumerate(range(0, customers, CHUNK_CUSTOMERS)):
        frames, chunk_types = build_chunk(world, seed, chunk, first,
                                          min(CHUNK_CUSTOMERS, customers - first))
        for table, frame in frames.items():
            _append(con, table, frame)
        types.append(chunk_types)
    counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in SCHEMA}
    return DemoTruth(
        customer_types=pd.concat(types, ignore_index=True),
        associated_pairs=list(PAIRS),
        host_conversion={h[1]: h[3] for h in HOSTS},
        coupon_lift=dict(CAMPAIGN_P),
        row_counts=counts,
    )


def build_demo(path: str | os.PathLike, customers: int = DEFAULT_CUSTOMERS,
               seed: int = DEFAULT_SEED) -> DemoTruth:
    """Write the demo warehouse to `path` (replacing it only once the new file is complete)."""
    if customers < 1:
        raise ValueError("customers must be at least 1")
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(f"{target}.tmp-{os.getpid()}")
    _remove(tmp)
    try:
        con = duckdb.connect(str(tmp))
        try:
            # Written blocks would otherwise stay cached up to 80 % of RAM on large builds.
            con.execute(f"SET memory_limit = '{WRITE_MEMORY_LIMIT}'")
            truth = _write(con, customers, seed)
            con.execute("CHECKPOINT")
        finally:
            con.close()
        # A WAL left by the old file would be replayed onto the new one.
        Path(f"{target}.wal").unlink(missing_ok=True)
        # Like every dataset, the demo is stored sealed: phones and nicknames masked in the file,
        # the raw ones in demo.contacts.duckdb beside it (no surrogate keys: its ids are not personal).
        seal(tmp, target, secret=f"demo-{seed}".encode())
    finally:
        _remove(tmp)
    return truth


def main() -> None:
    import argparse
    import time

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--customers", type=int, default=DEFAULT_CUSTOMERS)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args()
    began = time.perf_counter()
    truth = build_demo(args.path, args.customers, args.seed)
    print(f"built {args.path} in {time.perf_counter() - began:.1f}s: {truth.row_counts}")


if __name__ == "__main__":
    main()
