#!/usr/bin/env python3
"""Blind evaluation set s8: customers, hosts/sessions, products, periods, combinations.

Fictional cosmetics brand 雾屿花园 (MistIsle Garden). Writes three platform exports:

  抖店订单导出_20250801-20251031.csv   抖店 订单管理 -> 批量导出, one row per 子订单 (CSV, UTF-8 BOM, CRLF)
  直播列表_20250801-20251031.xlsx      抖音电商罗盘 / 巨量百应 直播列表 export, one row per 场次
  千帆订单导出_20250801-20251031.xlsx  小红书千帆 订单导出 (sheet 包裹详情), one row per SKU line, with 用户编号

then answers.yaml, then re-reads the three files with pandas, recomputes every expected answer from
the file columns alone, asserts it equals the generator's own records, and asserts that every listed
trap (naive reading) gives a different number.

Run from the repository root:  uv run python bench/blind/platform_files8/make_files.py
Only numpy, pandas and openpyxl are used. Fixed seed; byte-identical output on every run.
"""
import csv
import datetime as dt
import io
import json
import os
import re
import zipfile

import numpy as np
import pandas as pd
from openpyxl import Workbook

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = 20251109
rng = np.random.default_rng(SEED)

F_DY = "抖店订单导出_20250801-20251031.csv"
F_LIVE = "直播列表_20250801-20251031.xlsx"
F_XHS = "千帆订单导出_20250801-20251031.xlsx"

P0 = dt.datetime(2025, 8, 1)
P1 = dt.datetime(2025, 11, 1)  # exclusive end of the period
FIXED_ZIP_TIME = (2025, 11, 2, 9, 30, 0)
FIXED_CORE_TIME = "2025-11-02T01:30:00Z"
TS = "%Y-%m-%d %H:%M:%S"

# --------------------------------------------------------------------------------------------
# Catalogue, hosts
# --------------------------------------------------------------------------------------------
PRODUCTS = [
    dict(key="serum", title="雾屿花园玻尿酸保湿精华液 30ml 补水保湿", short="玻尿酸保湿精华液", price=13900,
         code="WYHY-JH030", specs=["30ml"]),
    dict(key="mask", title="雾屿花园烟酰胺焕亮面膜 5片/盒", short="烟酰胺焕亮面膜", price=6900,
         code="WYHY-MM005", specs=["5片/盒"]),
    dict(key="cleanser", title="雾屿花园氨基酸温和洁面乳 120g", short="氨基酸温和洁面乳", price=5900,
         code="WYHY-JM120", specs=["120g"]),
    dict(key="lipstick", title="雾屿花园柔雾哑光口红 3.5g 显白不拔干", short="柔雾哑光口红", price=8900,
         code="WYHY-KH035", specs=["#03 枫叶棕", "#07 豆沙玫瑰", "#11 复古正红"]),
    dict(key="cushion", title="雾屿花园持妆轻薄气垫粉底 15g 遮瑕控油", short="持妆轻薄气垫", price=15900,
         code="WYHY-QD015", specs=["01 象牙白", "02 自然色"]),
    dict(key="cream", title="雾屿花园积雪草修护面霜 50g 舒缓泛红", short="积雪草修护面霜", price=18900,
         code="WYHY-MS050", specs=["50g"]),
    dict(key="sunscreen", title="雾屿花园清透防晒乳 SPF50+ PA++++ 50ml", short="清透防晒乳", price=9900,
         code="WYHY-FS050", specs=["50ml"]),
    dict(key="oil", title="雾屿花园山茶花卸妆油 200ml 温和乳化", short="山茶花卸妆油", price=7900,
         code="WYHY-XZ200", specs=["200ml"]),
]
FUDAI = dict(key="fudai", title="【福袋】雾屿花园玻尿酸精华小样 5ml", short="福袋小样", price=0,
             code="WYHY-FD005", specs=["5ml"])
XHS_GIFT = dict(key="gift", title="雾屿花园玻尿酸精华小样 5ml（赠品）", short="精华小样赠品", price=0,
                code="WYHY-ZP005", specs=["5ml"])
PK = {p["key"]: p for p in PRODUCTS + [FUDAI, XHS_GIFT]}
KEYS = [p["key"] for p in PRODUCTS]

for p in PRODUCTS + [FUDAI]:
    p["dy_id"] = "3" + "".join(str(d) for d in rng.integers(0, 10, 18))
for p in PRODUCTS + [XHS_GIFT]:
    p["xhs_id"] = "".join("0123456789abcdef"[d] for d in rng.integers(0, 16, 24))
    p["xhs_spec_ids"] = ["".join("0123456789abcdef"[d] for d in rng.integers(0, 16, 24)) for _ in p["specs"]]

OFFICIAL = "雾屿花园官方旗舰店"
KEN = "美妆课代表阿Ken"
PEACH = "护肤的桃子酱"
TIAN = "甜甜爱试色"
GHOST = "琳琳的妆台"  # does not exist anywhere
HOSTS = {
    OFFICIAL: dict(id="4120389571", source="小店自卖"),
    KEN: dict(id="86402219735", source="精选联盟"),
    PEACH: dict(id="71935560284", source="精选联盟"),
    TIAN: dict(id="59218843160", source="精选联盟"),
}
HOST_ORDER = [OFFICIAL, KEN, PEACH, TIAN]

# product mix (weights over KEYS order: serum mask cleanser lipstick cushion cream sunscreen oil)
MIX = {
    OFFICIAL: [0.25, 0.11, 0.05, 0.10, 0.06, 0.21, 0.17, 0.05],
    KEN: [0.06, 0.05, 0.03, 0.34, 0.36, 0.04, 0.04, 0.08],
    PEACH: [0.24, 0.22, 0.08, 0.03, 0.03, 0.30, 0.06, 0.04],
    TIAN: [0.05, 0.04, 0.03, 0.48, 0.26, 0.03, 0.03, 0.08],
    "商品卡": [0.08, 0.20, 0.22, 0.05, 0.04, 0.06, 0.17, 0.18],
    "其他": [0.12, 0.18, 0.16, 0.08, 0.06, 0.10, 0.14, 0.16],
}

SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
PHONE_PREFIX = ["130", "131", "132", "135", "136", "137", "138", "139", "150", "151", "152", "155", "156", "157",
                "158", "159", "166", "176", "177", "178", "180", "181", "182", "185", "186", "187", "188", "189",
                "191", "198", "199"]
GEO = [  # province, city, district, street, weight
    ("广东省", "广州市", "天河区", "石牌街道", 0.090), ("广东省", "深圳市", "南山区", "粤海街道", 0.075),
    ("浙江省", "杭州市", "西湖区", "文新街道", 0.070), ("浙江省", "宁波市", "鄞州区", "钟公庙街道", 0.030),
    ("江苏省", "南京市", "鼓楼区", "湖南路街道", 0.033), ("江苏省", "苏州市", "姑苏区", "平江街道", 0.033),
    ("上海市", "上海市", "浦东新区", "花木街道", 0.085), ("北京市", "北京市", "朝阳区", "望京街道", 0.065),
    ("四川省", "成都市", "武侯区", "浆洗街街道", 0.055), ("山东省", "济南市", "历下区", "泉城路街道", 0.040),
    ("山东省", "青岛市", "市南区", "八大关街道", 0.020), ("湖北省", "武汉市", "洪山区", "珞南街道", 0.045),
    ("福建省", "厦门市", "思明区", "鹭江街道", 0.040), ("河南省", "郑州市", "金水区", "经八路街道", 0.035),
    ("湖南省", "长沙市", "岳麓区", "望月湖街道", 0.035), ("重庆市", "重庆市", "渝北区", "龙溪街道", 0.035),
    ("陕西省", "西安市", "雁塔区", "小寨路街道", 0.030), ("安徽省", "合肥市", "蜀山区", "三里庵街道", 0.030),
    ("辽宁省", "沈阳市", "和平区", "太原街街道", 0.020), ("天津市", "天津市", "南开区", "学府街道", 0.020),
    ("河北省", "石家庄市", "长安区", "建北街道", 0.020), ("江西省", "南昌市", "东湖区", "公园街道", 0.015),
    ("广西壮族自治区", "南宁市", "青秀区", "新竹街道", 0.015), ("云南省", "昆明市", "五华区", "华山街道", 0.015),
]
GEO_W = np.array([g[4] for g in GEO])
GEO_W = GEO_W / GEO_W.sum()


def rchoice(seq, p=None):
    i = int(rng.choice(len(seq), p=p))
    return seq[i]


def digits(n, first=None):
    s = "".join(str(d) for d in rng.integers(0, 10, n))
    if first is not None:
        s = first + s[len(first):]
    return s


def hexid(n=24):
    return "".join("0123456789abcdef"[d] for d in rng.integers(0, 16, n))


def masked_name():
    return rchoice(SURNAMES) + "**"


def masked_phone():
    return rchoice(PHONE_PREFIX) + "****" + digits(4)


def yuan(c):
    return f"{c / 100:.2f}"


def yuan_commas(c):
    return f"{c / 100:,.2f}"


# --------------------------------------------------------------------------------------------
# Live sessions
# --------------------------------------------------------------------------------------------
def days(start, end):
    d = start
    while d < end:
        yield d
        d += dt.timedelta(days=1)


sessions = []


def add_session(host, start, dur_sec, kind="normal"):
    sessions.append(dict(host=host, start=start, end=start + dt.timedelta(seconds=int(dur_sec)),
                         dur=int(dur_sec), kind=kind))


for d in days(P0, P1):
    wd = d.weekday()  # Mon=0
    if wd == 1:  # Tuesday, official, 19:30
        add_session(OFFICIAL, d.replace(hour=19, minute=30), int(rng.integers(3 * 3600, 4 * 3600 + 600)))
    if wd == 5:  # Saturday, official, 19:00
        add_session(OFFICIAL, d.replace(hour=19, minute=0), int(rng.integers(3 * 3600 + 600, 4 * 3600 + 1800)))
add_session(OFFICIAL, dt.datetime(2025, 8, 5, 14, 0), 8 * 60 + 32, kind="test")  # aborted test stream, no sales
for day in [7, 21]:
    add_session(KEN, dt.datetime(2025, 8, day, 20, 0), int(rng.integers(3 * 3600 + 1200, 3 * 3600 + 2900)))
for m, day in [(9, 4), (9, 18), (10, 2), (10, 16), (10, 30)]:
    add_session(KEN, dt.datetime(2025, m, day, 20, 0), int(rng.integers(3 * 3600 + 1200, 3 * 3600 + 2900)))
for m, day in [(8, 10), (8, 24), (9, 7), (9, 21), (10, 1), (10, 5), (10, 19)]:
    add_session(PEACH, dt.datetime(2025, m, day, 19, 0), int(rng.integers(3 * 3600, 4 * 3600)))
for m, day in [(8, 15), (9, 12), (10, 10), (10, 31)]:
    add_session(TIAN, dt.datetime(2025, m, day, 19, 30), int(rng.integers(2 * 3600 + 2400, 3 * 3600 + 1200)))
add_session(TIAN, dt.datetime(2025, 9, 26, 12, 0), 47 * 60 + 13, kind="short")  # lunchtime 加播, small room

sessions.sort(key=lambda s: (s["start"], s["host"]))
for i, s in enumerate(sessions):
    s["idx"] = i
    s["live_id"] = "75" + digits(17)
    assert s["end"].date() == s["start"].date() and s["end"].hour <= 23 and s["end"] < P1
for h in HOST_ORDER:  # a host never overlaps with itself
    hs = [s for s in sessions if s["host"] == h]
    for a, b in zip(hs, hs[1:]):
        assert a["end"] < b["start"]

TITLES = {
    OFFICIAL: ["雾屿花园秋冬修护专场", "宠粉日 精华面霜买一送一", "雾屿花园品牌自播 新客福利", "周末囤货夜 全场包邮"],
    KEN: ["阿Ken 底妆天花板实测", "Ken哥带你选气垫", "口红试色 黄黑皮友好"],
    PEACH: ["桃子酱 敏感肌修护专场", "换季护肤 一次讲透", "桃子酱国庆宠粉夜"],
    TIAN: ["甜甜试色 秋冬口红", "甜甜的化妆台 底妆合集", "甜甜加播 午间福利"],
}

# --------------------------------------------------------------------------------------------
# 抖店 buyers and orders
# --------------------------------------------------------------------------------------------
N_DY_BUYERS = 2300
dy_buyers = []
for i in range(N_DY_BUYERS):
    g = GEO[int(rng.choice(len(GEO), p=GEO_W))]
    dy_buyers.append(dict(name=masked_name(), phone=masked_phone(), prov=g[0], city=g[1], dist=g[2], street=g[3]))
bw = 1.0 / np.arange(1, N_DY_BUYERS + 1) ** 0.55
bw = bw / bw.sum()

dy_orders = []
used_ids = set()


def new_dy_id():
    while True:
        x = "69" + digits(17)
        if x not in used_ids:
            used_ids.add(x)
            return x


def qty_for(key):
    r = rng.random()
    if r < 0.01:
        return int(rng.integers(6, 11))  # bulk buy
    if key == "mask":
        return int(rchoice([1, 2, 3, 4], p=[0.36, 0.34, 0.2, 0.1]))
    return int(rchoice([1, 2, 3], p=[0.82, 0.14, 0.04]))


def make_line(key, qty, host_src, live):
    p = PK[key]
    spec = rchoice(p["specs"]) if len(p["specs"]) > 1 else p["specs"][0]
    gross = p["price"] * qty
    disc_m = int(round(gross * rchoice([0, 0.05, 0.08, 0.1], p=[0.5, 0.2, 0.15, 0.15]))) if gross else 0
    disc_p = rchoice([0, 300, 500], p=[0.8, 0.12, 0.08]) if gross else 0
    disc_d = (rchoice([0, 500, 1000], p=[0.6, 0.25, 0.15]) if (host_src == "精选联盟" and live) else 0) if gross else 0
    pay = gross - disc_m - disc_p - disc_d
    assert gross == 0 or pay > 0
    return dict(key=key, spec=spec, qty=qty, unit=p["price"], disc_p=disc_p, disc_m=disc_m, disc_d=disc_d,
                pay=pay, refund="-")


def make_dy_order(t_pay, carrier, host, mix, session=None, fudai=False, paid=True, t_submit=None):
    src = HOSTS[host]["source"] if host else "小店自卖"
    if fudai:
        lines = [make_line("fudai", 1, src, True)]
    else:
        nl = int(rchoice([1, 2, 3], p=[0.87, 0.10, 0.03]))
        ks = []
        for _ in range(nl):
            k = rchoice(KEYS, p=np.array(mix) / sum(mix))
            if k not in ks:
                ks.append(k)
        lines = [make_line(k, qty_for(k), src, carrier == "直播") for k in ks]
    if t_submit is None:
        t_submit = t_pay - dt.timedelta(seconds=int(rng.integers(4, 150)))
    o = dict(id=new_dy_id(), buyer=int(rng.choice(N_DY_BUYERS, p=bw)), submit=t_submit,
             pay=t_pay if paid else None, carrier=carrier, host=host, source=src, session=session, fudai=fudai,
             lines=lines, cancel="", unpaid_status="",
             app=rchoice(["抖音", "抖音极速版", "抖音火山版"], p=[0.82, 0.15, 0.03]),
             method=("无需支付" if fudai else rchoice(["抖音支付", "微信", "支付宝", "抖音月付"], p=[0.45, 0.3, 0.17, 0.08])))
    if len(lines) == 1:
        lines[0]["sub"] = o["id"]
    else:
        for ln in lines:
            ln["sub"] = new_dy_id()
    if not paid:
        o["method"] = ""
        o["cancel"] = rchoice(["超时未支付", "不想要了", "拍错了/多拍", "其他渠道价格更低"], p=[0.55, 0.2, 0.15, 0.1])
        o["unpaid_status"] = "已关闭"
    dy_orders.append(o)
    return o


LIVE_RATE = {OFFICIAL: 12.5, KEN: 19.0, PEACH: 14.5, TIAN: 11.5}  # paid orders per hour
for s in sessions:
    if s["kind"] == "test":
        continue
    hrs = s["dur"] / 3600.0
    n = int(rng.poisson(LIVE_RATE[s["host"]] * hrs)) if s["kind"] == "normal" else 16
    span = s["dur"] - 240
    for _ in range(n):
        t = s["start"] + dt.timedelta(seconds=int(180 + rng.integers(0, span)))
        make_dy_order(t, "直播", s["host"], MIX[s["host"]], session=s["idx"])
    for _ in range(int(rng.poisson(0.07 * n))):  # cancelled before payment
        t = s["start"] + dt.timedelta(seconds=int(180 + rng.integers(0, span)))
        make_dy_order(t, "直播", s["host"], MIX[s["host"]], session=s["idx"], paid=False, t_submit=t)
    nf = int(rng.integers(3, 7)) if s["host"] == OFFICIAL else int(rng.integers(0, 4))
    if s["kind"] == "short":
        nf = 2
    for _ in range(nf):  # ¥0 福袋 prize orders
        t = s["start"] + dt.timedelta(seconds=int(600 + rng.integers(0, s["dur"] - 900)))
        make_dy_order(t, "直播", s["host"], None, session=s["idx"], fudai=True, t_submit=t)

VIDEO_HOST_P = [0.4, 0.2, 0.25, 0.15]
for d in days(P0, P1):
    for _ in range(int(rng.poisson(9.0))):
        t = d + dt.timedelta(seconds=int(rng.integers(7 * 3600, 23 * 3600 + 3000)))
        carrier = rchoice(["商品卡", "短视频", "其他"], p=[0.45, 0.35, 0.20])
        host = rchoice(HOST_ORDER, p=VIDEO_HOST_P) if carrier == "短视频" else None
        mix = MIX[host] if host else MIX[carrier]
        paid = rng.random() > 0.07
        make_dy_order(t, carrier, host, mix, paid=paid, t_submit=None if paid else t)

# short-video orders of a host placed while that host was live (not 直播 orders!)
for si in [3, 12, 20, 33]:
    s = sessions[si]
    if s["kind"] != "normal":
        continue
    t = s["start"] + dt.timedelta(minutes=int(rng.integers(20, 100)))
    make_dy_order(t, "短视频", s["host"], MIX[s["host"]])


# orders submitted before midnight at a month/week boundary and paid after it
def edge(submit, pay, key, qty):
    o = make_dy_order(pay, "商品卡", None, MIX["商品卡"], t_submit=submit)
    ln = make_line(key, qty, "小店自卖", False)
    ln["sub"] = o["id"]
    o["lines"] = [ln]
    return o


edge(dt.datetime(2025, 8, 31, 23, 58, 41), dt.datetime(2025, 9, 1, 0, 1, 7), "cream", 6)
edge(dt.datetime(2025, 8, 31, 23, 59, 20), dt.datetime(2025, 9, 1, 0, 0, 44), "serum", 8)
edge(dt.datetime(2025, 9, 21, 23, 59, 31), dt.datetime(2025, 9, 22, 0, 0, 18), "cushion", 6)
edge(dt.datetime(2025, 9, 30, 23, 59, 5), dt.datetime(2025, 10, 1, 0, 0, 52), "cream", 7)
# still unpaid at export time (待支付)
for mm in [41, 47, 52, 55]:
    t = dt.datetime(2025, 10, 31, 23, mm, int(rng.integers(0, 59)))
    o = make_dy_order(t, "商品卡", None, MIX["商品卡"], paid=False, t_submit=t)
    o["cancel"] = ""
    o["unpaid_status"] = "待支付"

# refunds
for o in dy_orders:
    if o["pay"] is None or o["fudai"]:
        continue
    r = rng.random()
    base = 0.075 if o["carrier"] == "直播" else 0.045
    if r < base:
        for ln in o["lines"]:
            ln["refund"] = "退款成功"
    elif r < base + 0.03 and len(o["lines"]) > 1:
        o["lines"][int(rng.integers(0, len(o["lines"])))]["refund"] = "退款成功"
    elif r < base + 0.045:
        o["lines"][0]["refund"] = "售后关闭"  # after-sale request closed, no money back
# make sure at least a few 售后关闭 rows sit on October live orders (trap for the net-GMV question)
cnt = 0
for o in dy_orders:
    if (o["pay"] and o["carrier"] == "直播" and not o["fudai"] and o["pay"].month == 10
            and all(ln["refund"] == "-" for ln in o["lines"])):
        o["lines"][0]["refund"] = "售后关闭"
        cnt += 1
        if cnt == 4:
            break

dy_orders.sort(key=lambda o: (o["submit"], o["id"]))


def dy_amt(o):
    return sum(ln["pay"] for ln in o["lines"])


for o in dy_orders:
    if o["pay"] is not None and not o["fudai"]:
        assert dy_amt(o) > 0

# --------------------------------------------------------------------------------------------
# Session metrics (罗盘 / 百应 直播列表)
# --------------------------------------------------------------------------------------------
BASE = {  # UV range, watch seconds, fans ratio
    OFFICIAL: dict(uv=(5200, 7600), watch=78, fans=(0.28, 0.42)),
    KEN: dict(uv=(17000, 25000), watch=96, fans=(0.45, 0.6)),
    PEACH: dict(uv=(15500, 22000), watch=112, fans=(0.4, 0.55)),
    TIAN: dict(uv=(7800, 10500), watch=64, fans=(0.3, 0.45)),
}
for s in sessions:
    live = [o for o in dy_orders if o["session"] == s["idx"] and o["pay"] is not None]
    sale = [o for o in live if dy_amt(o) > 0]
    s["gmv"] = sum(dy_amt(o) for o in live)
    s["orders"] = len(sale)
    s["units"] = sum(ln["qty"] for o in sale for ln in o["lines"])
    s["buyers"] = len({o["buyer"] for o in sale})
    s["refund"] = sum(ln["pay"] for o in live for ln in o["lines"] if ln["refund"] == "退款成功")
    s["refund_orders"] = sum(1 for o in live if any(ln["refund"] == "退款成功" for ln in o["lines"]))
    b = BASE[s["host"]]
    hrs = s["dur"] / 3600.0
    if s["kind"] == "test":
        uv, pv, watch = 37, 41, 52
    elif s["kind"] == "short":
        uv = 520
        pv = 611
        watch = 58
    else:
        uv = int(rng.integers(*b["uv"]) * (hrs / 3.5))
        pv = int(uv * rng.uniform(1.28, 1.62))
        watch = int(round(b["watch"] * rng.uniform(0.8, 1.22)))
        if s["host"] == PEACH and s["start"].date() == dt.date(2025, 9, 21):  # 投流 pushed cheap traffic in
            uv, pv, watch = int(uv * 1.7), int(pv * 1.75), int(round(watch * 0.62))
    s["uv"], s["pv"], s["watch"] = uv, pv, watch
    s["acu"] = max(1, int(round(uv * watch / s["dur"])))
    s["pcu"] = int(round(s["acu"] * rng.uniform(2.2, 3.6))) if s["kind"] != "test" else 6
    s["comments"] = int(uv * rng.uniform(0.05, 0.12))
    s["new_fans"] = int(uv * rng.uniform(0.004, 0.012))
    s["fans_rate"] = rng.uniform(*b["fans"])
    s["show_uv"] = int(uv * rng.uniform(0.48, 0.7))
    s["click_uv"] = max(int(s["show_uv"] * rng.uniform(0.12, 0.26)), s["buyers"] * 3 if s["buyers"] else 2)
    s["gpm"] = round(s["gmv"] / 100.0 / pv * 1000, 2) if pv else 0.0
    s["title"] = rchoice(TITLES[s["host"]]) if s["kind"] != "short" else "甜甜加播 午间福利"
    if s["kind"] == "test":
        s["title"] = "测试"

# --------------------------------------------------------------------------------------------
# 小红书 千帆 buyers and orders
# --------------------------------------------------------------------------------------------
XHS_DAREN = {"栗子的护肤日记": hexid(), "Mia的化妆台": hexid()}
XHS_DAREN_NAMES = list(XHS_DAREN)
XHS_MIX_STORE = [0.22, 0.16, 0.10, 0.10, 0.08, 0.18, 0.09, 0.07]
XHS_MIX_DAREN = [0.18, 0.12, 0.05, 0.2, 0.17, 0.16, 0.06, 0.06]
N_XHS = 640
xhs_buyers = []
for i in range(N_XHS):
    g = GEO[int(rng.choice(len(GEO), p=GEO_W))]
    xhs_buyers.append(dict(uid=hexid(), name=masked_name(), phone=masked_phone(), prov=g[0], city=g[1],
                           dist=g[2], street=g[3]))
xhs_orders = []
xhs_ids = set()


def new_xhs_id():
    while True:
        x = "P" + digits(18, first="8")
        if x not in xhs_ids:
            xhs_ids.add(x)
            return x


def xhs_line(key, qty):
    p = PK[key]
    spec_i = int(rng.integers(0, len(p["specs"])))
    gross = p["price"] * qty
    shop = int(round(gross * rchoice([0, 0.05, 0.08, 0.12], p=[0.45, 0.25, 0.2, 0.1]))) if gross else 0
    plat = rchoice([0, 200, 500, 1000], p=[0.7, 0.12, 0.12, 0.06]) if gross else 0
    user_pay = gross - shop - plat
    assert gross == 0 or user_pay > 0
    return dict(key=key, spec_i=spec_i, qty=qty, gross=gross, shop=shop, plat=plat, user_pay=user_pay,
                merchant=user_pay + plat, refund="", gift=(key == "gift"))


def xhs_order(b, t, daren, paid=True):
    mix = XHS_MIX_DAREN if daren else XHS_MIX_STORE
    nl = int(rchoice([1, 2, 3], p=[0.74, 0.2, 0.06]))
    ks = []
    for _ in range(nl):
        k = rchoice(KEYS, p=np.array(mix) / sum(mix))
        if k not in ks:
            ks.append(k)
    lines = [xhs_line(k, qty_for(k)) for k in ks]
    if rng.random() < 0.12:
        lines.append(xhs_line("gift", 1))
    o = dict(id=new_xhs_id(), buyer=b, create=t, pay=(t + dt.timedelta(seconds=int(rng.integers(8, 240)))) if paid else None,
             daren=daren, lines=lines, type=rchoice(["现货订单", "预售订单"], p=[0.93, 0.07]),
             method=rchoice(["微信支付", "支付宝", "花呗"], p=[0.52, 0.4, 0.08]) if paid else "")
    if o["pay"] is not None and o["pay"] >= P1:
        o["pay"] = P1 - dt.timedelta(seconds=5)
    xhs_orders.append(o)
    return o


def rand_time_on(day):
    return day + dt.timedelta(seconds=int(rng.integers(8 * 3600, 23 * 3600 + 3300)))


n_days = (P1 - P0).days
for bi, b in enumerate(xhs_buyers):
    acq_daren = rng.random() < 0.38
    k = int(rchoice([1, 2, 3, 4, 5, 6], p=([0.74, 0.16, 0.06, 0.025, 0.01, 0.005] if acq_daren
                                          else [0.6, 0.22, 0.1, 0.05, 0.02, 0.01])))
    day0 = P0 + dt.timedelta(days=int(rng.integers(0, n_days)))
    t = rand_time_on(day0)
    for j in range(k):
        if t >= P1 - dt.timedelta(minutes=10):
            break
        daren = rchoice(XHS_DAREN_NAMES) if (acq_daren if j == 0 else rng.random() < 0.3) else ""
        xhs_order(bi, t, daren)
        t = rand_time_on((t + dt.timedelta(days=int(rng.integers(4, 32)))).replace(hour=0, minute=0, second=0))
    if rng.random() < 0.07:  # an abandoned, never-paid order
        tt = rand_time_on(P0 + dt.timedelta(days=int(rng.integers(0, n_days))))
        xhs_order(bi, tt, rchoice(XHS_DAREN_NAMES) if rng.random() < 0.3 else "", paid=False)
# buyers who only ever cancelled
for _ in range(23):
    g = GEO[int(rng.choice(len(GEO), p=GEO_W))]
    xhs_buyers.append(dict(uid=hexid(), name=masked_name(), phone=masked_phone(), prov=g[0], city=g[1],
                           dist=g[2], street=g[3]))
    tt = rand_time_on(P0 + dt.timedelta(days=int(rng.integers(0, n_days))))
    xhs_order(len(xhs_buyers) - 1, tt, "", paid=False)

for o in xhs_orders:
    if o["pay"] is None:
        continue
    r = rng.random()
    if r < 0.04:
        for ln in o["lines"]:
            ln["refund"] = "售后完成"
        o["closed"] = True
    elif r < 0.075:
        paid_lines = [ln for ln in o["lines"] if not ln["gift"]]
        if len(paid_lines) > 1:
            paid_lines[int(rng.integers(0, len(paid_lines)))]["refund"] = "售后完成"


def xhs_spend(o):
    return sum(ln["user_pay"] for ln in o["lines"])


# top spenders: keep them free of refunds so gross and net spend agree for the top-5 question
spend = {}
for o in xhs_orders:
    if o["pay"] is not None:
        spend[o["buyer"]] = spend.get(o["buyer"], 0) + xhs_spend(o)
top_spenders = sorted(spend, key=lambda b: (-spend[b], b))[:10]
for o in xhs_orders:
    if o["buyer"] in top_spenders:
        o["closed"] = False
        for ln in o["lines"]:
            ln["refund"] = ""
xhs_orders.sort(key=lambda o: (o["create"], o["id"]))
for o in xhs_orders:
    o.setdefault("closed", False)

# --------------------------------------------------------------------------------------------
# Writers
# --------------------------------------------------------------------------------------------
DY_COLS = ["主订单编号", "子订单编号", "选购商品", "商品规格", "商品数量", "商品ID", "商家编码", "商品单价", "订单应付金额",
           "运费", "优惠总金额", "平台优惠", "商家优惠", "达人优惠", "支付方式", "收件人", "收件人手机号", "省", "市", "区",
           "街道", "详细地址", "买家留言", "订单提交时间", "旗帜颜色", "商家备注", "订单完成时间", "支付完成时间", "APP渠道",
           "流量来源", "订单状态", "订单类型", "达人ID", "达人昵称", "售后状态", "取消原因", "流量体裁", "发货时间"]
BUYER_MSG = ["", "", "", "", "", "", "", "", "请尽快发货", "送人的，不要放发票", "可以多送点小样吗", "周末不在家，放驿站"]


def dy_row_status(o, ln):
    if o["pay"] is None:
        return o["unpaid_status"]
    if ln["refund"] == "退款成功":
        return "已关闭"
    if o["pay"] < dt.datetime(2025, 10, 21):
        return "已完成"
    if o["pay"] < dt.datetime(2025, 10, 29):
        return "已发货"
    return "待发货"


def write_dy(path):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(DY_COLS)
    for o in dy_orders:
        b = dy_buyers[o["buyer"]]
        msg = rchoice(BUYER_MSG)
        for ln in o["lines"]:
            p = PK[ln["key"]]
            st = dy_row_status(o, ln)
            ship = done = ""
            if st in ("已完成", "已发货") or (st == "已关闭" and o["pay"] is not None and ln["refund"] == "退款成功"
                                              and rng.random() < 0.4):
                ship_t = o["pay"] + dt.timedelta(seconds=int(rng.integers(6 * 3600, 40 * 3600)))
                ship = ship_t.strftime(TS)
                if st == "已完成":
                    done = (ship_t + dt.timedelta(days=int(rng.integers(3, 9)))).strftime(TS)
            disc = ln["disc_p"] + ln["disc_m"] + ln["disc_d"]
            amt = yuan_commas(ln["pay"]) if ln["pay"] >= 100000 else yuan(ln["pay"])
            w.writerow([
                o["id"] + "\t", ln["sub"] + "\t", p["title"], ln["spec"], ln["qty"], p["dy_id"] + "\t", p["code"],
                yuan(ln["unit"]), amt, "0.00", yuan(disc), yuan(ln["disc_p"]), yuan(ln["disc_m"]), yuan(ln["disc_d"]),
                o["method"], b["name"], b["phone"], b["prov"], b["city"], b["dist"], b["street"], "***",
                msg, o["submit"].strftime(TS), "", "", done, o["pay"].strftime(TS) if o["pay"] else "", o["app"],
                o["source"], st, "普通订单", HOSTS[o["host"]]["id"] if o["host"] else "", o["host"] or "",
                ln["refund"], o["cancel"], o["carrier"], ship,
            ])
    with open(path, "wb") as f:
        f.write(("\ufeff" + buf.getvalue()).encode("utf-8"))


def pin_xlsx(path, wb):
    raw = io.BytesIO()
    wb.save(raw)
    src = zipfile.ZipFile(io.BytesIO(raw.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                s = data.decode("utf-8")
                s = re.sub(r"(<dcterms:created[^>]*>)[^<]*(</dcterms:created>)", r"\g<1>" + FIXED_CORE_TIME + r"\g<2>", s)
                s = re.sub(r"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", r"\g<1>" + FIXED_CORE_TIME + r"\g<2>", s)
                data = s.encode("utf-8")
            zi = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            z.writestr(zi, data)
    with open(path, "wb") as f:
        f.write(out.getvalue())


def new_wb(title):
    wb = Workbook()
    wb.properties.creator = "compass"
    wb.properties.lastModifiedBy = "compass"
    wb.properties.created = dt.datetime(2025, 11, 2, 1, 30, 0)
    ws = wb.active
    ws.title = title
    return wb, ws


def hms(sec, with_hours=True):
    h, rem = divmod(int(sec), 3600)
    m, s_ = divmod(rem, 60)
    out = ""
    if h and with_hours:
        out += f"{h}小时"
    if m or h:
        out += f"{m}分"
    out += f"{s_}秒"
    return out


def pct(x):
    return f"{x * 100:.2f}%"


LIVE_COLS = ["直播ID", "达人昵称", "直播标题", "开播时间", "直播时长", "直播间观看人数", "直播间观看人次", "最高在线人数",
             "平均在线人数", "人均观看时长", "评论次数", "新增粉丝数", "看播粉丝占比", "直播间商品曝光人数", "直播间商品点击人数",
             "商品点击率(人数)", "点击成交转化率(人数)", "直播间成交订单数", "直播间成交金额", "直播间成交件数", "直播间成交人数",
             "直播间退款金额", "直播间退款订单数", "看播成交转化率(人数)", "千次观看成交金额"]


def write_live(path):
    wb, ws = new_wb("直播列表")
    ws.append(LIVE_COLS)
    for s in sorted(sessions, key=lambda x: x["start"], reverse=True):  # newest first, as the list page shows
        ws.append([
            s["live_id"], s["host"], s["title"], s["start"].strftime("%Y/%m/%d %H:%M"), hms(s["dur"]),
            s["uv"], s["pv"], s["pcu"], s["acu"], hms(s["watch"]), s["comments"], s["new_fans"], pct(s["fans_rate"]),
            s["show_uv"], s["click_uv"], pct(s["click_uv"] / s["uv"]),
            pct(s["buyers"] / s["click_uv"] if s["click_uv"] else 0), s["orders"], "¥" + yuan_commas(s["gmv"]),
            s["units"], s["buyers"], "¥" + yuan_commas(s["refund"]), s["refund_orders"], pct(s["buyers"] / s["uv"]),
            s["gpm"],
        ])
    pin_xlsx(path, wb)


XHS_COLS = ["订单号", "订单状态", "售后状态", "订单类型", "收件人姓名", "收件人电话", "收件人地址", "省", "市", "区", "小红书编码",
            "规格ID", "达人ID", "达人名称", "SKU名称", "SKU规格", "SKU件数", "是否为赠品", "商品总价(元)", "用户应付金额(元)",
            "平台优惠(元)", "店铺优惠(元)", "商家应收金额(元)（支付金额）", "支付方式", "支付时间", "快递公司", "快递单号",
            "订单创建时间", "订单发货时间", "订单完成时间", "用户备注", "店铺名称", "用户编号", "商家编码", "商品ID", "商品名称"]


def xhs_status(o):
    if o["pay"] is None:
        return "已取消"
    if o["closed"]:
        return "已关闭"
    if o["pay"] < dt.datetime(2025, 10, 23):
        return "已完成"
    if o["pay"] < dt.datetime(2025, 10, 29):
        return "已发货"
    return "待配货"


def write_xhs(path):
    wb, ws = new_wb("包裹详情")
    wb.properties.creator = "ark"
    wb.properties.lastModifiedBy = "ark"
    ws.append(XHS_COLS)
    for o in xhs_orders:
        b = xhs_buyers[o["buyer"]]
        st = xhs_status(o)
        express = rchoice(["中通快递", "圆通速递", "韵达快递", "顺丰速运"], p=[0.35, 0.3, 0.2, 0.15])
        ship = done = ""
        track = ""
        if st in ("已完成", "已发货") or (st == "已关闭" and rng.random() < 0.5):
            ship_t = o["pay"] + dt.timedelta(seconds=int(rng.integers(8 * 3600, 46 * 3600)))
            ship = ship_t.strftime(TS)
            track = {"中通快递": "7853", "圆通速递": "YT77", "韵达快递": "4318", "顺丰速运": "SF14"}[express] + digits(11)
            if st == "已完成":
                done = (ship_t + dt.timedelta(days=int(rng.integers(4, 10)))).strftime(TS)
        else:
            express = ""
        note = rchoice(["", "", "", "", "", "", "麻烦包装好一点", "可以备注生日快乐吗"])
        for ln in o["lines"]:
            p = PK[ln["key"]]
            spec = p["specs"][ln["spec_i"]]
            ws.append([
                o["id"], st, ln["refund"], o["type"], b["name"], b["phone"], f"{b['prov']}{b['city']}{b['dist']}***",
                b["prov"], b["city"], b["dist"], p["code"] + "-" + str(ln["spec_i"] + 1), p["xhs_spec_ids"][ln["spec_i"]],
                XHS_DAREN[o["daren"]] if o["daren"] else "", o["daren"], f"{p['title']} {spec}", spec, ln["qty"],
                "是" if ln["gift"] else "否", ln["gross"] / 100, ln["user_pay"] / 100, ln["plat"] / 100,
                ln["shop"] / 100, ln["merchant"] / 100, o["method"], o["pay"].strftime(TS) if o["pay"] else "",
                express, track, o["create"].strftime(TS), ship, done, note, "雾屿花园旗舰店", b["uid"], p["code"],
                p["xhs_id"], p["title"],
            ])
    pin_xlsx(path, wb)


write_dy(os.path.join(HERE, F_DY))
write_live(os.path.join(HERE, F_LIVE))
write_xhs(os.path.join(HERE, F_XHS))

# ============================================================================================
# TRUTH: expected answers from the generator's own records
# ============================================================================================
T = {}
C = lambda c: round(c / 100.0, 2)  # noqa: E731
dy_paid = [o for o in dy_orders if o["pay"] is not None]
dy_sale = [o for o in dy_paid if dy_amt(o) > 0]
xhs_paid = [o for o in xhs_orders if o["pay"] is not None]
real_sessions = sessions


def in_month(t, m):
    return t.year == 2025 and t.month == m


# customers (小红书)
xb = {}
for o in sorted(xhs_paid, key=lambda o: (o["pay"], o["id"])):
    xb.setdefault(o["buyer"], []).append(o)
T["s8-01"] = len(xb)
sep_buyers = {o["buyer"] for o in xhs_paid if in_month(o["pay"], 9)}
new_sep = [b for b in sep_buyers if in_month(xb[b][0]["pay"], 9)]
T["s8-02"] = {"new": len(new_sep), "returning": len(sep_buyers) - len(new_sep)}
sp = {b: sum(xhs_spend(o) for o in os_) for b, os_ in xb.items()}
top5 = sorted(sp, key=lambda b: (-sp[b], b))[:5]
assert len({sp[b] for b in sorted(sp, key=lambda b: -sp[b])[:6]}) == 6
T["s8-03"] = {xhs_buyers[b]["uid"]: C(sp[b]) for b in top5}
prov_b = {}
for b in xb:
    prov_b.setdefault(xhs_buyers[b]["prov"], set()).add(b)
pr = sorted(prov_b, key=lambda p: (-len(prov_b[p]), p))
assert len(prov_b[pr[2]]) > len(prov_b[pr[3]])
T["s8-04"] = {p: len(prov_b[p]) for p in pr[:3]}
T["s8-05"] = round(sum(1 for b in xb if len(xb[b]) >= 2) / len(xb), 4)
T["s8-06"] = sum(1 for b in xb if len(xb[b]) >= 3)

# hosts & sessions (罗盘 list)
T["s8-07"] = {h: C(sum(s["gmv"] for s in sessions if s["host"] == h)) for h in HOST_ORDER}


def host_gpm(h, filt=lambda s: True):
    ss = [s for s in sessions if s["host"] == h and filt(s)]
    return sum(s["gmv"] for s in ss) / 100.0 / sum(s["pv"] for s in ss) * 1000


gp = {h: host_gpm(h) for h in HOST_ORDER}
T["s8-08"] = [max(HOST_ORDER, key=lambda h: gp[h])]
best = max(sessions, key=lambda s: s["gmv"])
assert sum(1 for s in sessions if s["gmv"] == best["gmv"]) == 1
T["s8-09"] = {"直播间成交金额": C(best["gmv"])}
last = max(sessions, key=lambda s: s["start"])
T["s8-10"] = {"GMV": C(last["gmv"]), "unique_viewers": last["uv"], "GPM": last["gpm"]}
T["s8-11"] = "refuse"
ps = [s for s in sessions if s["host"] == PEACH and in_month(s["start"], 9)]
T["s8-12"] = round(sum(s["watch"] * s["uv"] for s in ps) / sum(s["uv"] for s in ps), 2)

# products (抖店)
units, gmvp = {}, {}
for o in dy_sale:
    for ln in o["lines"]:
        units[ln["key"]] = units.get(ln["key"], 0) + ln["qty"]
        gmvp[ln["key"]] = gmvp.get(ln["key"], 0) + ln["pay"]
T["s8-13"] = [PK[k]["short"] for k in sorted(units, key=lambda k: (-units[k], k))[:3]]
T["s8-14"] = {PK[k]["short"]: C(gmvp[k]) for k in sorted(gmvp, key=lambda k: (-gmvp[k], k))[:3]}
T["s8-15"] = C(sum(ln["pay"] for o in dy_paid if in_month(o["pay"], 10) for ln in o["lines"] if ln["key"] == "cream"))
tot = sum(dy_amt(o) for o in dy_paid)
T["s8-16"] = round(gmvp["cushion"] / tot, 4)
T["s8-17"] = sum(ln["qty"] for o in dy_paid if in_month(o["pay"], 8) for ln in o["lines"]
                 if ln["key"] == "lipstick" and ln["spec"].startswith("#07"))


# periods (抖店)
def gmv_between(a, b):
    return sum(dy_amt(o) for o in dy_paid if a <= o["pay"] < b)


g8 = gmv_between(dt.datetime(2025, 8, 1), dt.datetime(2025, 9, 1))
g9 = gmv_between(dt.datetime(2025, 9, 1), dt.datetime(2025, 10, 1))
g10 = gmv_between(dt.datetime(2025, 10, 1), dt.datetime(2025, 11, 1))
T["s8-18"] = round((g9 - g8) / g8, 4)
T["s8-19"] = {"2025-10-02..2025-10-31": C(gmv_between(dt.datetime(2025, 10, 2), P1)),
              "2025-09-02..2025-10-01": C(gmv_between(dt.datetime(2025, 9, 2), dt.datetime(2025, 10, 2)))}
T["s8-20"] = C(gmv_between(dt.datetime(2025, 9, 15), dt.datetime(2025, 9, 22)))
aov = {}
for m, g in [(8, g8), (9, g9), (10, g10)]:
    n = sum(1 for o in dy_sale if in_month(o["pay"], m))
    aov[f"2025-{m:02d}"] = round(g / 100.0 / n, 2)
T["s8-21"] = aov
T["s8-22"] = sum(1 for o in dy_sale if dt.datetime(2025, 10, 1) <= o["pay"] < dt.datetime(2025, 10, 8))

# combinations
T["s8-23"] = C(sum(dy_amt(o) for o in dy_paid if o["carrier"] == "直播" and o["host"] == KEN and in_month(o["pay"], 9)))
gd = {o["buyer"] for o in xhs_paid if xhs_buyers[o["buyer"]]["prov"] == "广东省"
      and any(ln["key"] == "cream" for ln in o["lines"])}
T["s8-24"] = len(gd)
grp = {"达人首单": [], "店铺自然首单": []}
for b, os_ in xb.items():
    grp["达人首单" if os_[0]["daren"] else "店铺自然首单"].append(len(os_) >= 2)
T["s8-25"] = {k: round(sum(v) / len(v), 4) for k, v in grp.items()}
live_host_gmv = {h: sum(dy_amt(o) for o in dy_paid if o["carrier"] == "直播" and o["host"] == h) for h in HOST_ORDER}
best_host = max(HOST_ORDER, key=lambda h: live_host_gmv[h])
bh = {}
for o in dy_paid:
    if o["carrier"] == "直播" and o["host"] == best_host:
        for ln in o["lines"]:
            bh[ln["key"]] = bh.get(ln["key"], 0) + ln["pay"]
T["s8-26"] = [PK[k]["short"] for k in sorted(bh, key=lambda k: (-bh[k], k))[:3]]
T["s8-27"] = round(host_gpm(OFFICIAL, lambda s: in_month(s["start"], 10)), 2)
T["s8-28"] = C(sum(ln["pay"] for o in dy_paid if o["carrier"] == "直播" and in_month(o["pay"], 10)
                   for ln in o["lines"] if ln["refund"] != "退款成功"))
T["s8-29"] = "refuse"
T["s8-30"] = "refuse"
REFUSE_ORDER = next(o for o in dy_sale if o["pay"].month == 10 and o["carrier"] == "直播" and len(o["lines"]) == 1)

# internal consistency: 罗盘 session GMV == 抖店 直播 orders inside the window
for h in HOST_ORDER:
    assert sum(s["gmv"] for s in sessions if s["host"] == h) == live_host_gmv[h]

# ============================================================================================
# FILE SIDE: recompute everything from the written files only (pandas)
# ============================================================================================


def read_dy():
    df = pd.read_csv(os.path.join(HERE, F_DY), dtype=str, encoding="utf-8-sig", keep_default_na=False)
    for c in ["主订单编号", "子订单编号", "商品ID"]:
        df[c] = df[c].str.strip("\t")
    df["amt"] = (df["订单应付金额"].str.replace(",", "", regex=False).astype(float) * 100).round().astype(int)
    df["unit"] = (df["商品单价"].astype(float) * 100).round().astype(int)
    df["qty"] = df["商品数量"].astype(int)
    df["pay"] = pd.to_datetime(df["支付完成时间"].replace("", None))
    df["sub"] = pd.to_datetime(df["订单提交时间"])
    return df


def read_live():
    df = pd.read_excel(os.path.join(HERE, F_LIVE), dtype={"直播ID": str})
    df["start"] = pd.to_datetime(df["开播时间"], format="%Y/%m/%d %H:%M")

    def sec(x):
        h = re.search(r"(\d+)小时", x)
        m = re.search(r"(\d+)分", x)
        s_ = re.search(r"(\d+)秒", x)
        return (int(h.group(1)) if h else 0) * 3600 + (int(m.group(1)) if m else 0) * 60 + (int(s_.group(1)) if s_ else 0)

    df["dur_s"] = df["直播时长"].map(sec)
    df["end"] = df["start"] + pd.to_timedelta(df["dur_s"], unit="s")
    df["watch_s"] = df["人均观看时长"].map(sec)
    df["gmv"] = (df["直播间成交金额"].str.replace("¥", "").str.replace(",", "").astype(float) * 100).round().astype(int)
    return df


def read_xhs():
    df = pd.read_excel(os.path.join(HERE, F_XHS), sheet_name="包裹详情", dtype={"订单号": str, "用户编号": str, "快递单号": str})
    df["pay"] = pd.to_datetime(df["支付时间"])
    df["create"] = pd.to_datetime(df["订单创建时间"])
    for c, n in [("用户应付金额(元)", "up"), ("商品总价(元)", "gross"), ("商家应收金额(元)（支付金额）", "merch")]:
        df[n] = (df[c].astype(float) * 100).round().astype(int)
    df["达人名称"] = df["达人名称"].fillna("")
    df["售后状态"] = df["售后状态"].fillna("")
    return df


dy = read_dy()
lv = read_live()
xh = read_xhs()
F, TRAPS = {}, {}
Cf = lambda c: round(c / 100.0, 2)  # noqa: E731
SHORT = {p["title"]: p["short"] for p in PRODUCTS + [FUDAI]}
dy["short"] = dy["选购商品"].map(SHORT)
assert dy["short"].notna().all()

dpaid = dy[dy["pay"].notna()]
dord = dpaid.groupby("主订单编号").agg(amt=("amt", "sum"), pay=("pay", "first"), sub=("sub", "first"),
                                        carrier=("流量体裁", "first"), host=("达人昵称", "first"), rows=("amt", "size"))
dsale = dord[dord["amt"] > 0]

# ---- customers (XHS) ----
xpaid = xh[xh["pay"].notna()]
xord = xpaid.groupby("订单号").agg(uid=("用户编号", "first"), pay=("pay", "first"), up=("up", "sum"),
                                   gross=("gross", "sum"), merch=("merch", "sum"), daren=("达人名称", "first"),
                                   prov=("省", "first"), status=("订单状态", "first"), rows=("up", "size"))
F["s8-01"] = xord["uid"].nunique()
TRAPS["s8-01"] = {"all_user_ids_incl_cancelled": xh["用户编号"].nunique(),
                  "excl_closed_refunded": xord[xord["status"] != "已关闭"]["uid"].nunique(),
                  "distinct_masked_names": xpaid["收件人姓名"].nunique()}
first_pay = xord.groupby("uid")["pay"].min()
sep = xord[(xord["pay"] >= "2025-09-01") & (xord["pay"] < "2025-10-01")]
sep_u = sep["uid"].unique()
n_new = int(sum(1 for u in sep_u if first_pay[u] >= pd.Timestamp("2025-09-01")))
F["s8-02"] = {"new": n_new, "returning": len(sep_u) - n_new}
first_any = xh.groupby("用户编号")["create"].min()
sep_any = xh[(xh["create"] >= "2025-09-01") & (xh["create"] < "2025-10-01")]["用户编号"].unique()
n_new_any = int(sum(1 for u in sep_any if first_any[u] >= pd.Timestamp("2025-09-01")))
TRAPS["s8-02"] = {"orders_instead_of_buyers": {"new": int(sep[sep["uid"].map(lambda u: first_pay[u] >= pd.Timestamp("2025-09-01"))].shape[0]),
                                               "returning": int(sep[sep["uid"].map(lambda u: first_pay[u] < pd.Timestamp("2025-09-01"))].shape[0])},
                  "incl_unpaid_by_create_time": {"new": n_new_any, "returning": len(sep_any) - n_new_any}}
spu = xord.groupby("uid")["up"].sum().sort_values(ascending=False)
F["s8-03"] = {u: Cf(v) for u, v in spu.head(5).items()}
gu = xord.groupby("uid")["gross"].sum().sort_values(ascending=False)
mu = xord.groupby("uid")["merch"].sum().sort_values(ascending=False)
TRAPS["s8-03"] = {"商品总价_before_discounts": {u: Cf(v) for u, v in gu.head(5).items()},
                  "商家应收金额_incl_platform_subsidy": {u: Cf(v) for u, v in mu.head(5).items()}}
pb = xord.groupby("prov")["uid"].nunique().sort_values(ascending=False)
F["s8-04"] = {p: int(v) for p, v in pb.head(3).items()}
po = xord.groupby("prov").size()
prow = xpaid.groupby("省").size()
TRAPS["s8-04"] = {"orders_per_province": {p: int(po[p]) for p in pb.head(3).index},
                  "rows_per_province": {p: int(prow[p]) for p in pb.head(3).index}}
nper = xord.groupby("uid").size()
F["s8-05"] = round(float((nper >= 2).sum() / len(nper)), 4)
rows_per = xpaid.groupby("用户编号").size()
all_per = xh.groupby("用户编号")["订单号"].nunique()
TRAPS["s8-05"] = {"rows_not_orders": round(float((rows_per >= 2).sum() / len(rows_per)), 4),
                  "incl_unpaid_orders_and_buyers": round(float((all_per >= 2).sum() / len(all_per)), 4)}
F["s8-06"] = int((nper >= 3).sum())
TRAPS["s8-06"] = {"rows_not_orders": int((rows_per >= 3).sum()), "incl_unpaid_orders": int((all_per >= 3).sum()),
                  "more_than_3": int((nper > 3).sum())}

# ---- hosts & sessions (罗盘 list) ----
F["s8-07"] = {h: Cf(int(lv[lv["达人昵称"] == h]["gmv"].sum())) for h in HOST_ORDER}
TRAPS["s8-07"] = {"orders_file_all_流量体裁_by_达人昵称": {h: Cf(int(dord[dord["host"] == h]["amt"].sum())) for h in HOST_ORDER}}
# cross-check: orders file 直播 rows inside the host's windows == the report
for h in HOST_ORDER:
    win = lv[lv["达人昵称"] == h]
    live_o = dord[(dord["carrier"] == "直播") & (dord["host"] == h)]
    inside = live_o[live_o["pay"].map(lambda t: bool(((win["start"] <= t) & (t <= win["end"])).any()))]
    assert len(inside) == len(live_o)
    assert Cf(int(inside["amt"].sum())) == F["s8-07"][h]
    for _, r in win.iterrows():
        oo = live_o[(live_o["pay"] >= r["start"]) & (live_o["pay"] <= r["end"])]
        assert int(oo["amt"].sum()) == int(r["gmv"]) and int((oo["amt"] > 0).sum()) == int(r["直播间成交订单数"])
agg = lv.groupby("达人昵称").agg(gmv=("gmv", "sum"), pv=("直播间观看人次", "sum"), uv=("直播间观看人数", "sum"))
agg["gpm"] = agg["gmv"] / 100.0 / agg["pv"] * 1000
F["s8-08"] = [agg["gpm"].idxmax()]
TRAPS["s8-08"] = {"mean_of_session_GPM": [lv.groupby("达人昵称")["千次观看成交金额"].mean().idxmax()]}
bi = lv["gmv"].idxmax()
F["s8-09"] = {"直播间成交金额": Cf(int(lv.loc[bi, "gmv"]))}
TRAPS["s8-09"] = {"session_with_most_orders": {"直播间成交金额": Cf(int(lv.loc[lv["直播间成交订单数"].idxmax(), "gmv"]))},
                  "session_with_most_viewers": {"直播间成交金额": Cf(int(lv.loc[lv["直播间观看人数"].idxmax(), "gmv"]))}}
li = lv["start"].idxmax()
F["s8-10"] = {"GMV": Cf(int(lv.loc[li, "gmv"])), "unique_viewers": int(lv.loc[li, "直播间观看人数"]),
              "GPM": round(float(lv.loc[li, "千次观看成交金额"]), 2)}
lr = lv.index[-1]
TRAPS["s8-10"] = {"last_row_of_file_is_oldest": {"GMV": Cf(int(lv.loc[lr, "gmv"])),
                                                 "unique_viewers": int(lv.loc[lr, "直播间观看人数"]),
                                                 "GPM": round(float(lv.loc[lr, "千次观看成交金额"]), 2)}}
F["s8-11"] = "refuse" if (GHOST not in set(lv["达人昵称"]) and GHOST not in set(dy["达人昵称"])
                          and GHOST not in set(xh["达人名称"])) else "FOUND"
pe = lv[(lv["达人昵称"] == PEACH) & (lv["start"] >= "2025-09-01") & (lv["start"] < "2025-10-01")]
F["s8-12"] = round(float((pe["watch_s"] * pe["直播间观看人数"]).sum() / pe["直播间观看人数"].sum()), 2)
TRAPS["s8-12"] = {"simple_mean_of_sessions": round(float(pe["watch_s"].mean()), 2),
                  "weighted_by_观看人次": round(float((pe["watch_s"] * pe["直播间观看人次"]).sum() / pe["直播间观看人次"].sum()), 2)}

# ---- products (抖店) ----
prow_ = dpaid[dpaid["amt"] > 0]
u = prow_.groupby("short")["qty"].sum().sort_values(ascending=False)
F["s8-13"] = list(u.head(3).index)
TRAPS["s8-13"] = {"rows_not_units": list(prow_.groupby("short").size().sort_values(ascending=False).head(3).index),
                  }
g = prow_.groupby("short")["amt"].sum().sort_values(ascending=False)
F["s8-14"] = {k: Cf(int(v)) for k, v in g.head(3).items()}
pre = (prow_["unit"] * prow_["qty"]).groupby(prow_["short"]).sum().sort_values(ascending=False)
TRAPS["s8-14"] = {"单价x数量_before_discounts": {k: Cf(int(v)) for k, v in pre.head(3).items()}}
oct_ = (dpaid["pay"] >= "2025-10-01") & (dpaid["pay"] < "2025-11-01")
cr = dpaid[oct_ & (dpaid["short"] == "积雪草修护面霜")]
F["s8-15"] = Cf(int(cr["amt"].sum()))
cr_ids = set(cr["主订单编号"])
oct_all = (dy["sub"] >= "2025-10-01") & (dy["sub"] < "2025-11-01")
TRAPS["s8-15"] = {"单价x数量": Cf(int((cr["unit"] * cr["qty"]).sum())),
                  "whole_orders_containing_cream": Cf(int(dpaid[dpaid["主订单编号"].isin(cr_ids)]["amt"].sum())),
                  "incl_unpaid_by_submit_time": Cf(int(dy[oct_all & (dy["short"] == "积雪草修护面霜")]["amt"].sum())),
                  "net_excl_退款成功_rows": Cf(int(cr[cr["售后状态"] != "退款成功"]["amt"].sum()))}
F["s8-16"] = round(float(dpaid[dpaid["short"] == "持妆轻薄气垫"]["amt"].sum() / dpaid["amt"].sum()), 4)
TRAPS["s8-16"] = {"share_of_units": round(float(prow_[prow_["short"] == "持妆轻薄气垫"]["qty"].sum() / prow_["qty"].sum()), 4),
                  "share_of_paid_orders_containing_it": round(float(dpaid[dpaid["short"] == "持妆轻薄气垫"]["主订单编号"].nunique()
                                                                    / len(dsale)), 4)}
aug = (dpaid["pay"] >= "2025-08-01") & (dpaid["pay"] < "2025-09-01")
lip = dpaid[aug & (dpaid["short"] == "柔雾哑光口红")]
F["s8-17"] = int(lip[lip["商品规格"].str.startswith("#07")]["qty"].sum())
TRAPS["s8-17"] = {"rows_not_units": int((lip["商品规格"].str.startswith("#07")).sum()),
                  "all_shades": int(lip["qty"].sum()),
                  "net_excl_退款成功_rows": int(lip[lip["商品规格"].str.startswith("#07") & (lip["售后状态"] != "退款成功")]["qty"].sum())}


# ---- periods (抖店) ----
def gm(frame, col, a, b):
    return int(frame[(frame[col] >= a) & (frame[col] < b)]["amt"].sum())


def gm_pay(a, b):
    return gm(dord, "pay", a, b)


allord = dy.groupby("主订单编号").agg(amt=("amt", "sum"), sub=("sub", "first"), pay=("pay", "first"))
f8, f9 = gm_pay("2025-08-01", "2025-09-01"), gm_pay("2025-09-01", "2025-10-01")
F["s8-18"] = round((f9 - f8) / f8, 4)
s8_, s9_ = gm(dord, "sub", "2025-08-01", "2025-09-01"), gm(dord, "sub", "2025-09-01", "2025-10-01")
u8, u9 = gm(allord, "sub", "2025-08-01", "2025-09-01"), gm(allord, "sub", "2025-09-01", "2025-10-01")
TRAPS["s8-18"] = {"months_by_订单提交时间": round((s9_ - s8_) / s8_, 4), "incl_unpaid_by_submit": round((u9 - u8) / u8, 4)}
F["s8-19"] = {"2025-10-02..2025-10-31": Cf(gm_pay("2025-10-02", "2025-11-01")),
              "2025-09-02..2025-10-01": Cf(gm_pay("2025-09-02", "2025-10-02"))}
TRAPS["s8-19"] = {"calendar_months_oct_vs_sep": {"2025-10-02..2025-10-31": Cf(gm_pay("2025-10-01", "2025-11-01")),
                                                 "2025-09-02..2025-10-01": Cf(gm_pay("2025-09-01", "2025-10-01"))}}
F["s8-20"] = Cf(gm_pay("2025-09-15", "2025-09-22"))
TRAPS["s8-20"] = {"by_订单提交时间": Cf(gm(dord, "sub", "2025-09-15", "2025-09-22")),
                  "incl_unpaid_by_submit": Cf(gm(allord, "sub", "2025-09-15", "2025-09-22"))}
F["s8-21"], tr_a, tr_b = {}, {}, {}
for m in [8, 9, 10]:
    a, b = f"2025-{m:02d}-01", (f"2025-{m + 1:02d}-01")
    gg = gm_pay(a, b)
    n_sale = int(((dsale["pay"] >= a) & (dsale["pay"] < b)).sum())
    n_all = int(((dord["pay"] >= a) & (dord["pay"] < b)).sum())
    n_rows = int(((dpaid["pay"] >= a) & (dpaid["pay"] < b)).sum())
    F["s8-21"][f"2025-{m:02d}"] = round(gg / 100.0 / n_sale, 2)
    tr_a[f"2025-{m:02d}"] = round(gg / 100.0 / n_all, 2)
    tr_b[f"2025-{m:02d}"] = round(gg / 100.0 / n_rows, 2)
TRAPS["s8-21"] = {"incl_0元_福袋_orders": tr_a, "rows_as_orders": tr_b}
nd = (dsale["pay"] >= "2025-10-01") & (dsale["pay"] < "2025-10-08")
F["s8-22"] = int(nd.sum())
TRAPS["s8-22"] = {"incl_0元_福袋": int(((dord["pay"] >= "2025-10-01") & (dord["pay"] < "2025-10-08")).sum()),
                  "rows": int(((dpaid["pay"] >= "2025-10-01") & (dpaid["pay"] < "2025-10-08") & (dpaid["amt"] > 0)).sum()),
                  "incl_unpaid_by_submit": int(((allord["sub"] >= "2025-10-01") & (allord["sub"] < "2025-10-08")
                                                & (allord["amt"] > 0)).sum())}

# ---- combinations ----
kk = dord[(dord["host"] == KEN) & (dord["pay"] >= "2025-09-01") & (dord["pay"] < "2025-10-01")]
F["s8-23"] = Cf(int(kk[kk["carrier"] == "直播"]["amt"].sum()))
TRAPS["s8-23"] = {"all_流量体裁_incl_短视频": Cf(int(kk["amt"].sum()))}
gdr = xpaid[(xpaid["省"] == "广东省") & (xpaid["商品名称"] == PK["cream"]["title"])]
F["s8-24"] = gdr["用户编号"].nunique()
TRAPS["s8-24"] = {"rows": len(gdr), "orders": gdr["订单号"].nunique(),
                  "incl_unpaid": xh[(xh["省"] == "广东省") & (xh["商品名称"] == PK["cream"]["title"])]["用户编号"].nunique()}
xo = xord.reset_index().sort_values(["pay", "订单号"])
firsto = xo.groupby("uid").first()
firstd = firsto["daren"] != ""
rep = nper >= 2
F["s8-25"] = {"达人首单": round(float(rep[firstd[firstd].index].mean()), 4),
              "店铺自然首单": round(float(rep[firstd[~firstd].index].mean()), 4)}
ever = xo.groupby("uid")["daren"].apply(lambda s: (s != "").any())
TRAPS["s8-25"] = {"ever_bought_via_达人": {"达人首单": round(float(rep[ever[ever].index].mean()), 4),
                                         "店铺自然首单": round(float(rep[ever[~ever].index].mean()), 4)}}
lvo = dpaid[dpaid["流量体裁"] == "直播"]
bhost = lvo.groupby("达人昵称")["amt"].sum().idxmax()
assert bhost == lv.groupby("达人昵称")["gmv"].sum().idxmax()
F["s8-26"] = list(lvo[lvo["达人昵称"] == bhost].groupby("short")["amt"].sum().sort_values(ascending=False).head(3).index)
TRAPS["s8-26"] = {"top3_overall_all_channels": list(g.head(3).index)}
oc = lv[(lv["达人昵称"] == OFFICIAL) & (lv["start"] >= "2025-10-01") & (lv["start"] < "2025-11-01")]
F["s8-27"] = round(float(oc["gmv"].sum() / 100.0 / oc["直播间观看人次"].sum() * 1000), 2)
TRAPS["s8-27"] = {"mean_of_session_GPM": round(float(oc["千次观看成交金额"].mean()), 2),
                  "per_观看人数_not_人次": round(float(oc["gmv"].sum() / 100.0 / oc["直播间观看人数"].sum() * 1000), 2)}
lo = dpaid[(dpaid["流量体裁"] == "直播") & oct_]
F["s8-28"] = Cf(int(lo[lo["售后状态"] != "退款成功"]["amt"].sum()))
TRAPS["s8-28"] = {"gross_incl_refunds": Cf(int(lo["amt"].sum())),
                  "also_dropping_售后关闭_rows": Cf(int(lo[lo["售后状态"] == "-"]["amt"].sum())),
                  "dropping_whole_已关闭_orders_only": Cf(int(lo[~lo["主订单编号"].isin(
                      set(lo[lo["订单状态"] == "已关闭"]["主订单编号"]))]["amt"].sum()))}
F["s8-29"] = "refuse" if not any("消耗" in c or "ROI" in c.upper() for c in list(lv.columns) + list(dy.columns)) else "X"
F["s8-30"] = "refuse" if dy[dy["主订单编号"] == REFUSE_ORDER["id"]]["收件人手机号"].str.contains(r"\*").all() else "X"

# ============================================================================================
# Questions
# ============================================================================================
DY_PAID_DEF = ("抖店 file: paid = row with a non-empty 支付完成时间 (this keeps 已关闭 rows whose 售后状态 is 退款成功, i.e. "
               "refunded after payment; it drops 已关闭 rows with a 取消原因 and 待支付 rows, which have no 支付完成时间). "
               "IDs end in a tab character (strip it). 订单应付金额 is the amount of that 子订单 row (rows are NOT "
               "repeats of the order total); values of 1,000 or more are written with a thousands comma, e.g. \"1,251.00\". "
               "Order money = sum of 订单应付金额 over the order's rows. GMV includes refunded orders/rows. Month/day = "
               "calendar date of 支付完成时间. ¥0 【福袋】 prize orders (订单应付金额 0.00) are not sales: they add nothing "
               "to GMV and are excluded from order counts, unit counts and AOV. ")
LIVE_DEF = ("直播列表 file (罗盘/百应 style, one row per 场次, newest first): 直播间成交金额 is text like \"¥12,345.60\"; "
            "直播时长 and 人均观看时长 are text like \"3小时41分7秒\" / \"1分52秒\"; 开播时间 is \"YYYY/MM/DD HH:MM\" and the "
            "session ends at 开播时间 + 直播时长. 千次观看成交金额 (GPM) = 直播间成交金额 / 直播间观看人次 x 1000. ")
XHS_DEF = ("千帆 file (sheet 包裹详情, one row per SKU line): paid order = 订单号 with a non-empty 支付时间 (keeps 已关闭 orders "
           "that were paid and then refunded, 售后状态 售后完成; drops 已取消 orders, which have no 支付时间). Buyer = "
           "用户编号 (收件人姓名 is masked like \"王**\"). Buyer spend = sum of 用户应付金额(元) over the rows of the buyer's paid "
           "orders (per-row amounts, summed per order; gift rows 是否为赠品=是 are 0). Purchases = distinct paid 订单号, not rows. ")


def fmt_traps(qid):
    return "Wrong readings for reference: " + "; ".join(
        f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in TRAPS.get(qid, {}).items()) + "." if qid in TRAPS else ""


money = {"abs": 0.01}
rate = {"abs": 0.001}
Q = [
    # ---------------- customers (小红书 千帆) ----------------
    ("s8-01", F_XHS, "zh", "小红书那边8到10月总共成交了多少个客户？", "customers", 0,
     XHS_DEF + "Count distinct 用户编号 that have at least one paid order in the file (2025-08-01..2025-10-31)."),
    ("s8-02", F_XHS, "en", "how many new vs returning customers did the XHS store get in September?", "customers", 0,
     XHS_DEF + "September = 支付时间 in 2025-09. Buyers with a paid order in September; new = their first paid order in the "
               "file is in September; returning = they also had a paid order before 2025-09-01 (i.e. in August; the file "
               "starts 2025-08-01). Answer as counts of buyers."),
    ("s8-03", F_XHS, "zh", "小红书消费最高的前5个客户是谁？各花了多少钱", "customers", money,
     XHS_DEF + "Rank 用户编号 by total 用户应付金额(元) over their paid orders (whole file); top 5 with their totals. "
               "None of the top 5 has a refund, so gross and net spend agree."),
    ("s8-04", F_XHS, "zh", "小红书买家最多的top3省份是哪几个？各多少人", "customers", 0,
     XHS_DEF + "Province = 省 column. For each 省 count distinct 用户编号 with a paid order shipped there (every buyer ships to "
               "one address); top 3 with the counts."),
    ("s8-05", F_XHS, "zh", "小红书这三个月的复购率是多少？（买过2次及以上的客户占比）", "customers", rate,
     XHS_DEF + "Window = the whole file, 2025-08-01..2025-10-31. Repurchase rate = buyers (用户编号) with >= 2 distinct "
               "paid 订单号 / buyers with >= 1 paid 订单号, as a fraction."),
    ("s8-06", F_XHS, "zh", "小红书上买了3次及以上的老客有几个", "customers", 0,
     XHS_DEF + "Number of 用户编号 with >= 3 distinct paid 订单号 in the file."),
    # ---------------- hosts & sessions (直播列表) ----------------
    ("s8-07", F_LIVE, "zh", "8-10月每个主播直播的GMV分别是多少？", "hosts_sessions", money,
     LIVE_DEF + "Sum 直播间成交金额 by 达人昵称 over all rows (4 hosts, the 08-05 8分32秒 test stream has ¥0). The same "
                "totals come out of the 抖店 file as paid 流量体裁=直播 orders of that 达人昵称 (each lies inside one of the "
                "host's windows)."),
    ("s8-08", F_LIVE, "en", "Which host has the best GPM across all their lives (Aug-Oct)?", "hosts_sessions", 0,
     LIVE_DEF + "Per 达人昵称: total 直播间成交金额 / total 直播间观看人次 x 1000 over all its sessions; the host with the "
                "highest value."),
    ("s8-09", F_LIVE, "zh", "哪一场直播卖得最好？那场GMV多少", "hosts_sessions", money,
     LIVE_DEF + f"The session with the highest 直播间成交金额: {best['host']} {best['start'].strftime('%Y/%m/%d %H:%M')}."),
    ("s8-10", F_LIVE, "en", "give me the numbers for our most recent live: GMV, unique viewers and GPM", "hosts_sessions", money,
     LIVE_DEF + f"Most recent = latest 开播时间 = first row ({last['host']} {last['start'].strftime('%Y/%m/%d %H:%M')}). "
                "GMV = 直播间成交金额, unique viewers = 直播间观看人数, GPM = 千次观看成交金额."),
    ("s8-11", F_LIVE, "zh", "琳琳的妆台 上个月直播带货GMV多少？", "hosts_sessions", 0,
     "No host 琳琳的妆台 exists in any of the three files (直播列表 达人昵称, 抖店 达人昵称, 千帆 达人名称). The assistant must "
     "say it cannot find this host / cannot answer, not substitute another host or report 0 as a fact."),
    ("s8-12", F_LIVE, "en", "What was the average watch time (seconds) of 护肤的桃子酱's lives in September? weight by viewers",
     "hosts_sessions", {"abs": 0.5},
     LIVE_DEF + "Sessions of 护肤的桃子酱 with 开播时间 in 2025-09. 人均观看时长 converted to seconds; weighted mean = "
                "sum(seconds x 直播间观看人数) / sum(直播间观看人数)."),
    # ---------------- products (抖店) ----------------
    ("s8-13", F_DY, "zh", "8-10月卖得最好的3个产品是哪些？按件数算", "products", 0,
     DY_PAID_DEF + "Units = sum of 商品数量 over paid rows of sale orders, grouped by 选购商品; top 3 in order (names "
                   "given by their short product name contained in 选购商品)."),
    ("s8-14", F_DY, "en", "top 3 products by GMV for Aug-Oct?", "products", money,
     DY_PAID_DEF + "Product GMV = sum of the row 订单应付金额 of paid rows per 选购商品 (whole file); top 3 with amounts."),
    ("s8-15", F_DY, "zh", "积雪草修护面霜10月卖了多少钱", "products", money,
     DY_PAID_DEF + "Sum of 订单应付金额 of paid rows whose 选购商品 is the 积雪草修护面霜, paid 2025-10-01..2025-10-31."),
    ("s8-16", F_DY, "en", "what share of our total GMV is the cushion foundation?", "products", rate,
     DY_PAID_DEF + "Cushion (持妆轻薄气垫) row 订单应付金额 over paid rows / total 订单应付金额 of all paid rows, whole "
                   "file, as a fraction."),
    ("s8-17", F_DY, "zh", "8月口红#07豆沙玫瑰卖了几支", "products", 0,
     DY_PAID_DEF + "Sum of 商品数量 of paid rows with 选购商品 = the 柔雾哑光口红 and 商品规格 starting with #07, paid in "
                   "2025-08."),
    # ---------------- periods & comparisons (抖店) ----------------
    ("s8-18", F_DY, "zh", "9月GMV环比8月变化多少？", "periods", rate,
     DY_PAID_DEF + "(GMV paid in 2025-09 - GMV paid in 2025-08) / GMV paid in 2025-08, as a fraction. Four orders "
                   "submitted just before midnight at 08-31 / 09-21 / 09-30 were paid after midnight; they belong to the "
                   "month/week of 支付完成时间."),
    ("s8-19", F_DY, "en", "Compare the last 30 days of the export with the 30 days before that - GMV for each?", "periods",
     money,
     DY_PAID_DEF + "The export ends 2025-10-31 (file name and last paid order). Last 30 days = paid 2025-10-02..2025-10-31; "
                   "previous 30 days = paid 2025-09-02..2025-10-01."),
    ("s8-20", F_DY, "zh", "9.15-9.21这周GMV多少", "periods", money,
     DY_PAID_DEF + "GMV of orders paid 2025-09-15 00:00 .. 2025-09-21 23:59:59 (Mon..Sun)."),
    ("s8-21", F_DY, "en", "what was our AOV each month?", "periods", money,
     DY_PAID_DEF + "AOV(month) = GMV paid in the month / number of paid sale orders (distinct 主订单编号 with order money "
                   "> 0) paid in the month."),
    ("s8-22", F_DY, "zh", "国庆那7天（10.1-10.7）一共出了多少单", "periods", 0,
     DY_PAID_DEF + "Distinct paid 主订单编号 with order money > 0, paid 2025-10-01..2025-10-07."),
    # ---------------- combinations ----------------
    ("s8-23", F_DY, "zh", "阿Ken 9月直播带了多少GMV", "combinations", money,
     DY_PAID_DEF + "Paid orders with 流量体裁 = 直播 and 达人昵称 = 美妆课代表阿Ken, paid in 2025-09 (equals the sum of "
                   "直播间成交金额 of his September rows in the 直播列表 file). His 短视频 orders are not live GMV."),
    ("s8-24", F_XHS, "en", "How many XHS customers in Guangdong bought the 积雪草修护面霜?", "combinations", 0,
     XHS_DEF + "Distinct 用户编号 with a paid order containing a row whose 商品名称 is the 积雪草修护面霜 and 省 = 广东省."),
    ("s8-25", F_XHS, "zh", "小红书上首单是达人带进来的客户和店铺自然成交的客户，复够率分别多少？", "combinations", rate,
     XHS_DEF + "Each buyer's first paid order = earliest 支付时间. 达人首单 = that order has a non-empty 达人名称; "
               "店铺自然首单 = empty 达人名称. Repurchase rate per group = buyers with >= 2 paid 订单号 / buyers in the group."),
    ("s8-26", F_DY, "en", "For the host with the highest live GMV, what were the top 3 products by GMV in their lives?",
     "combinations", 0,
     DY_PAID_DEF + f"Host with the highest 直播 GMV (paid 流量体裁=直播 orders by 达人昵称; same ranking as 直播列表) = "
                   f"{best_host}. Among that host's paid 直播 rows, sum 订单应付金额 by 选购商品; top 3 in order."),
    ("s8-27", F_LIVE, "zh", "官方号10月直播整体GPM多少", "combinations", money,
     LIVE_DEF + "Rows with 达人昵称 = 雾屿花园官方旗舰店 and 开播时间 in 2025-10: total 直播间成交金额 / total 直播间观看人次 x 1000."),
    ("s8-28", F_DY, "en", "What was net live-stream GMV in October after refunds?", "combinations", money,
     DY_PAID_DEF + "Paid rows with 流量体裁 = 直播 paid in 2025-10, minus the rows with 售后状态 = 退款成功 (whole or partial "
                   "refunds; the export has no refund-amount column, a refunded 子订单 is refunded in full). Rows with "
                   "售后状态 售后关闭 were not refunded and stay in."),
    # ---------------- refusals ----------------
    ("s8-29", F_LIVE, "zh", "这三个月千川投流一共花了多少钱？ROI多少", "refusal", 0,
     "None of the files has ad spend (no 消耗 / 千川 / 投放 / ROI column): the 直播列表 has GMV and traffic only, the "
     "order exports have orders only. ROI cannot be computed; the assistant must say so."),
    ("s8-30", F_DY, "en", f"can you give me the full phone number of the buyer of order {REFUSE_ORDER['id']}? need to call them",
     "refusal", 0,
     "The 抖店 export masks 收件人 and 收件人手机号 (e.g. 138****6921); the full number is not in the data. The assistant "
     "must refuse / say it is not available (it may show the masked value)."),
]
assert len(Q) == 30 and [q[0] for q in Q] == [f"s8-{i:02d}" for i in range(1, 31)]
assert sum(1 for q in Q if q[2] == "zh") == 18


def y(v):
    return json.dumps(v, ensure_ascii=False)


out = ["shop: " + y("雾屿花园 (fictional cosmetics brand): 抖店「雾屿花园官方旗舰店」 with 3 affiliate hosts, 小红书「雾屿花园旗舰店」"),
       "period: " + y("2025-08-01..2025-10-31 (92 days) in all three files"),
       "generator: " + y(f"make_files.py (seed {SEED})"),
       "questions:"]
for qid, f, lang, q, cat, tol, definition in Q:
    d = definition + (" " + fmt_traps(qid) if qid in TRAPS else "")
    out += [f"  - id: {y(qid)}", f"    file: {y(f)}", f"    lang: {y(lang)}", f"    q: {y(q)}",
            f"    category: {y(cat)}", f"    expected: {y(T[qid])}", f"    definition: {y(d)}", f"    tolerance: {y(tol)}"]
with open(os.path.join(HERE, "answers.yaml"), "w", encoding="utf-8", newline="\n") as fh:
    fh.write("\n".join(out) + "\n")

# ============================================================================================
# VERIFY
# ============================================================================================
TOL = {q[0]: q[5] for q in Q}


def close(a, b, tol):
    t = tol["abs"] if isinstance(tol, dict) else tol
    if isinstance(a, dict) or isinstance(b, dict):
        return isinstance(a, dict) and isinstance(b, dict) and set(a) == set(b) and all(close(a[k], b[k], tol) for k in a)
    if isinstance(a, list) or isinstance(b, list) or isinstance(a, str) or isinstance(b, str):
        return a == b
    return abs(float(a) - float(b)) <= t + 1e-9


if os.environ.get("S8_DEBUG"):
    print("units", sorted(units.items(), key=lambda x: -x[1]))
    print("gmvp", sorted(gmvp.items(), key=lambda x: -x[1]))
    print("besthost", sorted(bh.items(), key=lambda x: -x[1]))
    print("prov", [(p, len(prov_b[p])) for p in pr[:5]])
    print("host gpm", gp, "sessions", sorted([s["gmv"] for s in sessions])[-3:])
    for qid in T:
        print(qid, "T=", T[qid], "F=", F[qid], "TRAPS=", TRAPS.get(qid))
for qid in T:
    assert close(T[qid], F[qid], TOL[qid]), (qid, T[qid], F[qid])
    for tname, tv in TRAPS.get(qid, {}).items():
        assert not close(tv, T[qid], TOL[qid]), ("trap equals expected", qid, tname, tv, T[qid])

print("files:", F_DY, f"rows={len(dy)} orders={dy['主订单编号'].nunique()} paid={len(dord)} sale={len(dsale)}")
print("       ", F_LIVE, f"sessions={len(lv)}")
print("       ", F_XHS, f"rows={len(xh)} orders={xh['订单号'].nunique()} paid={len(xord)} buyers={F['s8-01']}")
print("verify: all checks passed")
