"""Blind eval set a7: averages per day / week / month and per weekday.

Writes two platform order exports of a fictional tea brand (山野茶语) into this folder,
plus answers.yaml, then re-reads the written files with pandas, recomputes every
expected answer from the file columns alone and asserts that both agree.

Run from the repository root:
    uv run python bench/blind/platform_files7/make_files.py

Only numpy, pandas and openpyxl are used. Fixed seed, so the CSV is byte-identical
on every run (the xlsx is normalised to fixed zip/core timestamps as well).
"""
from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from collections import defaultdict
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd

SEED = 20251207
HERE = Path(__file__).resolve().parent

FILE_A = "抖店订单导出_20250901-20251130.csv"          # 抖店 订单管理 → 批量导出 (CSV, UTF-8 with BOM)
FILE_B = "ExportOrderList_20250901-20251031.xlsx"     # 淘宝/天猫 千牛 已卖出的宝贝 → 批量导出 (xlsx, one row per 子订单)

A_START, A_END = dt.date(2025, 9, 1), dt.date(2025, 11, 30)
B_START, B_END = dt.date(2025, 9, 1), dt.date(2025, 10, 31)

# Days on which the shop had NO paid order (studio rest days / no live session).
A_ZERO_DAYS = {dt.date(2025, 9, 10), dt.date(2025, 9, 21), dt.date(2025, 10, 3), dt.date(2025, 10, 18),
               dt.date(2025, 10, 29), dt.date(2025, 11, 9), dt.date(2025, 11, 12)}
A_UNPAID_ONLY_DAY = dt.date(2025, 10, 29)      # has one cancelled, never-paid order and nothing else
B_ZERO_DAYS = {dt.date(2025, 9, 17), dt.date(2025, 9, 28), dt.date(2025, 10, 5), dt.date(2025, 10, 22)}
B_PEAK_DAY = dt.date(2025, 10, 20)             # true max-GMV day in B
B_BUNDLE_DAY = dt.date(2025, 10, 25)           # many multi-line orders: wins if 买家实际支付金额 is summed per line

rng = np.random.default_rng(SEED)


def daterange(a: dt.date, b: dt.date):
    d = a
    while d <= b:
        yield d
        d += dt.timedelta(days=1)


def yuan(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def r2(x: float) -> float:
    return float(round(x + 0.0, 2))


# ----------------------------------------------------------------------------------------------
# Catalogue
# ----------------------------------------------------------------------------------------------
PRODUCTS = [
    # key, 抖店 选购商品, 抖店 规格, 淘宝 宝贝标题, 淘宝 颜色/尺码, price (cents), 商家编码
    ("dancong", "山野茶语 凤凰单丛鸭屎香 乌龙茶 250g礼盒装", "250g礼盒装",
     "山野茶语凤凰单丛鸭屎香乌龙茶叶 高香单枞 250g礼盒装", "颜色分类:250g礼盒装", 12800, "SYC-DC-250"),
    ("shoumei", "山野茶语 福鼎白茶寿眉 老白茶饼 350g", "350g茶饼",
     "山野茶语福鼎白茶寿眉 2019年老白茶饼 350g", "颜色分类:350g茶饼", 16800, "SYC-BC-350"),
    ("xiaozhong", "山野茶语 正山小种红茶 200g罐装", "200g罐装",
     "山野茶语正山小种红茶 桐木关 200g罐装", "颜色分类:200g罐装", 8900, "SYC-HC-200"),
    ("puer", "山野茶语 云南普洱熟茶 357g七子饼", "357g七子饼",
     "山野茶语云南勐海普洱熟茶 357g七子饼茶", "颜色分类:357g七子饼", 19900, "SYC-PE-357"),
    ("moli", "山野茶语 茉莉飘雪花茶 袋泡茶30包", "30包/盒",
     "山野茶语茉莉飘雪花茶 冷泡袋泡茶 30包", "颜色分类:30包/盒", 3990, "SYC-ML-30"),
    ("longjing", "山野茶语 西湖龙井 明前特级绿茶 100g", "100g罐装",
     "山野茶语西湖龙井2025新茶 明前特级 100g罐装", "颜色分类:100g罐装", 25900, "SYC-LJ-100"),
    ("chaju", "山野茶语 便携旅行茶具 一壶四杯", "一壶四杯",
     "山野茶语便携旅行茶具套装 快客杯 一壶四杯", "颜色分类:一壶四杯", 6900, "SYC-CJ-14"),
]
PROD = {p[0]: p for p in PRODUCTS}
PROD_KEYS = [p[0] for p in PRODUCTS]
PROD_W = np.array([0.20, 0.14, 0.16, 0.10, 0.20, 0.08, 0.12])
A_ITEM_ID = {k: str(3712345678901230000 + 1379 * (i + 1)) for i, k in enumerate(PROD_KEYS)}
B_ITEM_ID = {k: str(712345678900 + 97 * (i + 1)) for i, k in enumerate(PROD_KEYS)}

# province -> list of (city, district); municipalities spelled as each platform does
GEO = [
    ("广东省", [("广州市", "天河区"), ("深圳市", "南山区"), ("佛山市", "禅城区")], 0.16),
    ("浙江省", [("杭州市", "西湖区"), ("宁波市", "鄞州区"), ("温州市", "鹿城区")], 0.14),
    ("江苏省", [("南京市", "鼓楼区"), ("苏州市", "姑苏区")], 0.11),
    ("上海市", [("上海市", "浦东新区")], 0.07),
    ("北京市", [("北京市", "朝阳区")], 0.06),
    ("山东省", [("济南市", "历下区"), ("青岛市", "市南区")], 0.08),
    ("福建省", [("福州市", "鼓楼区"), ("厦门市", "思明区")], 0.08),
    ("四川省", [("成都市", "武侯区")], 0.07),
    ("湖北省", [("武汉市", "洪山区")], 0.06),
    ("河南省", [("郑州市", "金水区")], 0.06),
    ("湖南省", [("长沙市", "岳麓区")], 0.05),
    ("安徽省", [("合肥市", "蜀山区")], 0.06),
]
GEO_W = np.array([g[2] for g in GEO]); GEO_W = GEO_W / GEO_W.sum()
SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程")


def pick_geo():
    g = GEO[rng.choice(len(GEO), p=GEO_W)]
    city, dist = g[1][rng.integers(len(g[1]))]
    return g[0], city, dist


def masked_phone():
    return f"1{rng.choice(['38', '39', '58', '86', '37', '77', '52'])}****{rng.integers(0, 10000):04d}"


def rand_time(day: dt.date, live: bool) -> dt.datetime:
    if live:   # live sessions 19:00-23:30
        secs = int(rng.integers(19 * 3600, 23 * 3600 + 1800))
    else:      # other traffic 08:00-23:30
        secs = int(rng.integers(8 * 3600, 23 * 3600 + 1800))
    return dt.datetime.combine(day, dt.time()) + dt.timedelta(seconds=secs)


# ----------------------------------------------------------------------------------------------
# File A: 抖店 订单导出 (one row per 子订单; 订单应付金额 is the amount of that 子订单)
# ----------------------------------------------------------------------------------------------
OWN_ACCOUNT = ("山野茶语官方旗舰店", "3658291740")
HOSTS = {
    "xiaolu": ("小鹿爱喝茶", "1984736250"),
    "laochen": ("茶叔老陈", "2750163948"),
    "amay": ("阿May的茶桌", "4102938576"),
}


def a_day_lambda(d: dt.date) -> float:
    lam = 10.5
    if d.weekday() >= 5:
        lam *= 1.45
    if dt.date(2025, 10, 1) <= d <= dt.date(2025, 10, 7):
        lam *= 1.3
    if d == dt.date(2025, 11, 11):
        lam *= 2.6
    if dt.date(2025, 11, 1) <= d <= dt.date(2025, 11, 10):
        lam *= 1.15
    return lam


def make_a_orders():
    orders = []
    next_main = 6937201845512300000
    for d in daterange(A_START, A_END):
        if d in A_ZERO_DAYS:
            n_paid = 0
        else:
            n_paid = max(1, int(rng.poisson(a_day_lambda(d))))
        n_unpaid = int(rng.poisson(0.7)) if d not in A_ZERO_DAYS else (1 if d == A_UNPAID_ONLY_DAY else 0)
        kinds = ["paid"] * n_paid + ["unpaid"] * n_unpaid
        if d == A_END:
            kinds += ["pending", "pending"]        # still 待支付 at export time
        for kind in kinds:
            genre = rng.choice(["直播", "短视频", "商品卡", "其他"], p=[0.55, 0.15, 0.25, 0.05])
            if genre == "直播":
                hk = rng.choice(["own", "xiaolu", "laochen"], p=[0.6, 0.25, 0.15])
            elif genre == "短视频":
                hk = rng.choice(["own", "laochen", "amay"], p=[0.4, 0.3, 0.3])
            else:
                hk = None
            host = None if hk is None else (OWN_ACCOUNT if hk == "own" else HOSTS[hk])
            create = rand_time(d, genre == "直播")
            if kind == "pending":
                create = dt.datetime.combine(d, dt.time(23, 40)) + dt.timedelta(seconds=int(rng.integers(0, 500)))
            pay = create + dt.timedelta(seconds=int(rng.integers(5, 300))) if kind == "paid" else None
            n_lines = int(rng.choice([1, 2, 3], p=[0.90, 0.075, 0.025]))
            keys = list(rng.choice(PROD_KEYS, size=n_lines, replace=False, p=PROD_W))
            lines = []
            for k in keys:
                qty = int(rng.choice([1, 2, 3], p=[0.8, 0.15, 0.05]))
                price = PROD[k][5]
                gross = price * qty
                merch = int(rng.choice([0, 500, 1000, 2000], p=[0.45, 0.25, 0.2, 0.1]))
                plat = int(rng.choice([0, 300, 500], p=[0.7, 0.2, 0.1]))
                talent = 200 if (hk in ("xiaolu", "laochen", "amay") and rng.random() < 0.3) else 0
                while merch + plat + talent > gross * 0.3:
                    merch = merch // 2 if merch else 0
                    plat = plat // 2 if plat else 0
                    talent = 0
                    if merch == 0 and plat == 0:
                        break
                pay_c = gross - merch - plat - talent
                lines.append(dict(key=k, qty=qty, price=price, merch=merch, plat=plat, talent=talent, pay=pay_c))
            prov, city, dist = pick_geo()
            refunded = bool(kind == "paid" and rng.random() < 0.045)
            orders.append(dict(
                main=str(next_main), date=d, create=create, pay=pay, kind=kind, paid=(kind == "paid"),
                refunded=refunded, genre=str(genre), hk=hk, host=host, lines=lines,
                prov=prov, city=city, dist=dist,
                app=str(rng.choice(["抖音", "抖音极速版", "抖音火山版"], p=[0.8, 0.15, 0.05])),
                paymethod=str(rng.choice(["抖音支付", "支付宝", "微信"], p=[0.5, 0.3, 0.2])),
                adtype=str(rng.choice(["广告", "非广告"], p=[0.35, 0.65])),
                cancel=str(rng.choice(["超时未支付", "不想要了", "拍错了"], p=[0.6, 0.25, 0.15])),
                name=rng.choice(SURNAMES) + "**", phone=masked_phone(),
            ))
            next_main += int(rng.integers(3, 40)) * 1000 + int(rng.integers(0, 999))
    return orders


A_EXPORT_TS = dt.datetime(2025, 12, 1, 9, 30)
A_COLUMNS = ["主订单编号", "子订单编号", "选购商品", "商品规格", "商品数量", "商品ID", "商家编码", "商品单价",
             "订单应付金额", "运费", "优惠总金额", "平台优惠", "商家优惠", "达人优惠", "支付方式", "收件人",
             "收件人手机号", "省", "市", "区", "街道", "详细地址", "买家留言", "订单提交时间", "旗帜颜色",
             "商家备注", "订单完成时间", "支付完成时间", "APP渠道", "流量来源", "订单状态", "订单类型",
             "达人ID", "达人昵称", "售后状态", "取消原因", "流量类型", "流量体裁", "流量渠道", "发货时间"]
GENRE_CHANNEL = {"直播": "直播间", "短视频": "短视频", "商品卡": "抖音商城", "其他": "其他"}
TS = "%Y-%m-%d %H:%M:%S"


def ship_time(pay: dt.datetime) -> dt.datetime:
    """Warehouse ships the next day between 10:00 and 18:00."""
    base = dt.datetime.combine(pay.date() + dt.timedelta(days=1), dt.time(10, 0))
    return base + dt.timedelta(seconds=int(rng.integers(0, 8 * 3600)))


def a_rows(orders):
    rows = []
    for o in orders:
        age = (A_END - o["date"]).days
        shipped = finished = None
        if o["kind"] == "paid":
            if o["refunded"]:
                status, after = "已关闭", "退款成功"
                if age >= 4 and rng.random() < 0.5:
                    shipped = ship_time(o["pay"])
            elif age >= 10:
                status, after = "已完成", "-"
                shipped = ship_time(o["pay"])
                finished = shipped + dt.timedelta(days=int(rng.integers(5, 8)), hours=int(rng.integers(0, 12)))
            elif age >= 3:
                status, after = "已发货", "-"
                shipped = ship_time(o["pay"])
            else:
                status, after = "待发货", "-"
            cancel = ""
        elif o["kind"] == "unpaid":
            status, after, cancel = "已关闭", "-", o["cancel"]
        else:
            status, after, cancel = "待支付", "-", ""
        source = "精选联盟" if o["hk"] in HOSTS else "小店自卖"
        n = len(o["lines"])
        for i, ln in enumerate(o["lines"]):
            sub = o["main"] if n == 1 else str(int(o["main"]) + i + 1)
            p = PROD[ln["key"]]
            rows.append({
                "主订单编号": o["main"] + "\t", "子订单编号": sub + "\t",
                "选购商品": p[1], "商品规格": p[2], "商品数量": str(ln["qty"]),
                "商品ID": A_ITEM_ID[ln["key"]] + "\t", "商家编码": p[6], "商品单价": yuan(ln["price"]),
                "订单应付金额": yuan(ln["pay"]), "运费": "0.00",
                "优惠总金额": yuan(ln["merch"] + ln["plat"] + ln["talent"]), "平台优惠": yuan(ln["plat"]),
                "商家优惠": yuan(ln["merch"]), "达人优惠": yuan(ln["talent"]),
                "支付方式": o["paymethod"] if o["kind"] == "paid" else "",
                "收件人": o["name"], "收件人手机号": o["phone"], "省": o["prov"], "市": o["city"], "区": o["dist"],
                "街道": "", "详细地址": "****", "买家留言": "", "订单提交时间": o["create"].strftime(TS),
                "旗帜颜色": "灰色", "商家备注": "",
                "订单完成时间": finished.strftime(TS) if finished and finished < A_EXPORT_TS else "",
                "支付完成时间": o["pay"].strftime(TS) if o["pay"] else "",
                "APP渠道": o["app"], "流量来源": source, "订单状态": status, "订单类型": "普通订单",
                "达人ID": o["host"][1] if o["host"] else "", "达人昵称": o["host"][0] if o["host"] else "",
                "售后状态": after, "取消原因": cancel,
                "流量类型": o["adtype"], "流量体裁": o["genre"], "流量渠道": GENRE_CHANNEL[o["genre"]],
                "发货时间": shipped.strftime(TS) if shipped and shipped < A_EXPORT_TS else "",
            })
    return rows


# ----------------------------------------------------------------------------------------------
# File B: 淘宝/天猫 订单导出 (one row per 子订单; 买家实际支付金额 is the ORDER total repeated on
# every row of the order, 子单实际支付金额 is that row's share)
# ----------------------------------------------------------------------------------------------
B_SHOP = ("山野茶语旗舰店", "583920174")
B_COLUMNS = ["子订单编号", "主订单编号", "买家会员名", "买家会员ID", "支付单号", "买家应付货款", "买家应付邮费",
             "总金额", "买家实际支付金额", "子单实际支付金额", "订单状态", "收件人姓名", "收货地址", "联系手机",
             "订单创建时间", "订单付款时间", "宝贝标题", "宝贝数量", "物流单号", "物流公司", "店铺ID", "店铺名称",
             "退款金额", "颜色/尺码", "商家编码", "商品编码"]


def b_day_lambda(d: dt.date) -> float:
    lam = 7.0
    if d.weekday() >= 5:
        lam *= 1.25
    return lam


def make_b_orders():
    orders = []
    buyers = []          # list of dicts: id, nick, geo
    next_main = 4398210556712345000

    def new_buyer():
        bid = str(2206000000000 + int(rng.integers(10 ** 6, 10 ** 9)))
        nick = rng.choice(list("山云清风明月竹兰梅菊星海雨雪青白")) + "**" + str(int(rng.integers(0, 10)))
        b = dict(id=bid, nick=nick, geo=pick_geo())
        buyers.append(b)
        return b

    def pick_buyer():
        if buyers and rng.random() < 0.28:
            return buyers[int(rng.integers(len(buyers)))]
        return new_buyer()

    def build(d, kind, buyer, keys_qty, live_hour=False):
        nonlocal next_main
        create = rand_time(d, live_hour)
        if kind == "pending":
            create = dt.datetime.combine(d, dt.time(23, 35)) + dt.timedelta(seconds=int(rng.integers(0, 600)))
        pay = create + dt.timedelta(seconds=int(rng.integers(5, 300))) if kind == "paid" else None
        lines = [dict(key=k, qty=q, price=PROD[k][5]) for k, q in keys_qty]
        goods = sum(l["price"] * l["qty"] for l in lines)
        post = 0 if goods >= 4900 else 800
        cut = 3000 if goods >= 30000 else 2000 if goods >= 20000 else 1000 if goods >= 10000 else 0
        total = goods + post
        paid_amt = total - cut
        # allocate the order's paid amount to its lines (cents, remainder on last line)
        acc = 0
        for i, l in enumerate(lines):
            if i < len(lines) - 1:
                share = int(round(paid_amt * l["price"] * l["qty"] / goods))
                l["sub_pay"] = share
                acc += share
            else:
                l["sub_pay"] = paid_amt - acc
        o = dict(main=str(next_main), date=d, create=create, pay=pay, kind=kind, paid=(kind == "paid"),
                 buyer=buyer, lines=lines, goods=goods, post=post, total=total, paid_amt=paid_amt,
                 refunded=False, partial=None)
        next_main += int(rng.integers(2, 60)) * 10000 + int(rng.integers(0, 9999))
        orders.append(o)
        return o

    def rand_lines():
        n = int(rng.choice([1, 2, 3], p=[0.80, 0.15, 0.05]))
        keys = list(rng.choice(PROD_KEYS, size=n, replace=False, p=PROD_W))
        return [(k, int(rng.choice([1, 2], p=[0.85, 0.15]))) for k in keys]

    for d in daterange(B_START, B_END):
        n_paid = 0 if d in B_ZERO_DAYS else max(1, int(rng.poisson(b_day_lambda(d))))
        n_unpaid = 0 if d in B_ZERO_DAYS else int(rng.poisson(0.5))
        day_orders = []
        for _ in range(n_paid):
            if day_orders and rng.random() < 0.08:        # same buyer comes back the same day
                buyer = day_orders[-1]["buyer"]
            else:
                buyer = pick_buyer()
            day_orders.append(build(d, "paid", buyer, rand_lines()))
        if d == B_PEAK_DAY:                                 # 龙井 flash sale: big single-line orders
            for _ in range(9):
                day_orders.append(build(d, "paid", pick_buyer(), [("longjing", 2)], live_hour=True))
        if d == B_BUNDLE_DAY:                               # gift bundles: 4 cheap lines each
            for _ in range(7):
                day_orders.append(build(d, "paid", pick_buyer(),
                                        [("moli", 1), ("xiaozhong", 1), ("chaju", 1), ("dancong", 1)]))
        for _ in range(n_unpaid):
            build(d, "unpaid", pick_buyer(), rand_lines())
        if d == B_END:
            build(d, "pending", pick_buyer(), rand_lines())
            build(d, "pending", pick_buyer(), rand_lines())
    for o in orders:
        if o["paid"] and o["date"] not in (B_PEAK_DAY, B_BUNDLE_DAY):
            u = rng.random()
            if u < 0.05:
                o["refunded"] = True
            elif u < 0.08:
                o["partial"] = int(rng.integers(len(o["lines"])))
    return orders


def b_rows(orders):
    rows = []
    for o in orders:
        age = (B_END - o["date"]).days
        express = company = ""
        if o["kind"] == "paid":
            if o["refunded"]:
                status = "交易关闭"
            elif age >= 10:
                status = "交易成功"
            elif age >= 3:
                status = "卖家已发货，等待买家确认"
            else:
                status = "买家已付款，等待卖家发货"
            if status in ("交易成功", "卖家已发货，等待买家确认") or (o["refunded"] and age >= 5):
                company = str(rng.choice(["中通快递", "圆通速递", "顺丰速运"], p=[0.45, 0.35, 0.2]))
                prefix = {"中通快递": "7831", "圆通速递": "YT88", "顺丰速运": "SF14"}[company]
                express = prefix + f"{int(rng.integers(10 ** 9, 10 ** 10))}"
            payno = o["pay"].strftime("%Y%m%d") + "220014" + f"{int(rng.integers(10 ** 13, 10 ** 14))}"
        elif o["kind"] == "unpaid":
            status, payno = "交易关闭", ""
        else:
            status, payno = "等待买家付款", ""
        prov, city, dist = o["buyer"]["geo"]
        prov_txt = prov[:-1] if prov in ("上海市", "北京市") else prov   # 淘宝 writes 上海 上海市 ...
        addr = f"{prov_txt} {city} {dist} {rng.choice(['文','中','建','人','和','新'])}***路**号"
        for i, l in enumerate(o["lines"]):
            refund = 0
            if o["refunded"]:
                refund = l["sub_pay"]
            elif o["partial"] == i:
                refund = int(l["sub_pay"] * 0.3)
            p = PROD[l["key"]]
            rows.append({
                "子订单编号": str(int(o["main"]) + 1 + i) if len(o["lines"]) > 1 else o["main"],
                "主订单编号": o["main"], "买家会员名": o["buyer"]["nick"], "买家会员ID": o["buyer"]["id"],
                "支付单号": payno, "买家应付货款": o["goods"] / 100, "买家应付邮费": o["post"] / 100,
                "总金额": o["total"] / 100, "买家实际支付金额": o["paid_amt"] / 100,
                "子单实际支付金额": l["sub_pay"] / 100, "订单状态": status,
                "收件人姓名": rng.choice(SURNAMES) + "**", "收货地址": addr, "联系手机": masked_phone(),
                "订单创建时间": o["create"].strftime(TS),
                "订单付款时间": o["pay"].strftime(TS) if o["pay"] else None,
                "宝贝标题": p[3], "宝贝数量": l["qty"], "物流单号": express or None, "物流公司": company or None,
                "店铺ID": B_SHOP[1], "店铺名称": B_SHOP[0], "退款金额": refund / 100, "颜色/尺码": p[4],
                "商家编码": p[6], "商品编码": B_ITEM_ID[l["key"]],
            })
    return rows


def write_csv_a(rows):
    buf = io.StringIO()
    df = pd.DataFrame(rows, columns=A_COLUMNS)
    df.to_csv(buf, index=False, lineterminator="\r\n")
    (HERE / FILE_A).write_bytes(buf.getvalue().encode("utf-8-sig"))


def write_xlsx_b(rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(B_COLUMNS)
    text_cols = {"子订单编号", "主订单编号", "买家会员ID", "支付单号", "物流单号", "店铺ID", "商品编码"}
    for r in rows:
        ws.append([r[c] for c in B_COLUMNS])
    for j, c in enumerate(B_COLUMNS, start=1):
        if c in text_cols:
            for row in ws.iter_rows(min_row=2, min_col=j, max_col=j):
                row[0].number_format = "@"
    fixed = dt.datetime(2025, 11, 1, 10, 0, 0)
    wb.properties.creator = "taobao"
    wb.properties.created = fixed
    wb.properties.modified = fixed
    raw = io.BytesIO()
    wb.save(raw)
    # normalise zip timestamps + core.xml dates so the file is byte-stable
    src = zipfile.ZipFile(io.BytesIO(raw.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:)",
                              rb"\g<1>2025-11-01T10:00:00Z\g<3>", data)
            zi = zipfile.ZipInfo(info.filename, date_time=(2025, 11, 1, 10, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(zi, data)
    (HERE / FILE_B).write_bytes(out.getvalue())


# ----------------------------------------------------------------------------------------------
# Ground truth from the generator's own records
# ----------------------------------------------------------------------------------------------
def gt_a_money(o):
    return sum(l["pay"] for l in o["lines"])


def gt_b_money(o):
    return o["paid_amt"]


def in_range(d, a, b):
    return a <= d <= b


def ndays(a, b):
    return (b - a).days + 1


def count_wd(a, b, wds):
    return sum(1 for d in daterange(a, b) if d.weekday() in wds)


WEEKEND, WEEKDAY = {5, 6}, {0, 1, 2, 3, 4}
WD_KEYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
SEP = (dt.date(2025, 9, 1), dt.date(2025, 9, 30))
OCT = (dt.date(2025, 10, 1), dt.date(2025, 10, 31))
NOV = (dt.date(2025, 11, 1), dt.date(2025, 11, 30))


class Truth:
    """Expected answers from the generator's records (not from the files)."""

    def __init__(self, a_orders, b_orders):
        self.A = [o for o in a_orders if o["paid"]]
        self.B = [o for o in b_orders if o["paid"]]

    # generic helpers over the paid orders of a file ------------------------------------------
    def _sel(self, f, a, b, wds=None, pred=None):
        src = self.A if f == "A" else self.B
        return [o for o in src if in_range(o["date"], a, b) and (wds is None or o["date"].weekday() in wds)
                and (pred is None or pred(o))]

    def gmv(self, f, a, b, wds=None, pred=None):
        m = gt_a_money if f == "A" else gt_b_money
        return sum(m(o) for o in self._sel(f, a, b, wds, pred)) / 100

    def orders(self, f, a, b, wds=None, pred=None):
        return len(self._sel(f, a, b, wds, pred))

    def active_days(self, f, a, b, wds=None, pred=None):
        return len({o["date"] for o in self._sel(f, a, b, wds, pred)})

    def line_gmv_a(self, a, b, key):
        return sum(l["pay"] for o in self._sel("A", a, b) for l in o["lines"] if l["key"] == key) / 100

    def line_days_a(self, a, b, key):
        return len({o["date"] for o in self._sel("A", a, b) if any(l["key"] == key for l in o["lines"])})

    def buyers_per_day(self, a, b):
        per = defaultdict(set)
        for o in self._sel("B", a, b):
            per[o["date"]].add(o["buyer"]["id"])
        return [len(per.get(d, ())) for d in daterange(a, b)]

    def new_buyers(self, a, b):
        first = {}
        for o in sorted(self.B, key=lambda o: o["pay"]):
            first.setdefault(o["buyer"]["id"], o["date"])
        return sum(1 for d in first.values() if a <= d <= b)

    def daily_gmv_b(self):
        per = defaultdict(int)
        for o in self.B:
            per[o["date"]] += o["paid_amt"]
        return per


# ----------------------------------------------------------------------------------------------
# Recompute from the files only (pandas)
# ----------------------------------------------------------------------------------------------
def cents(s):
    return (pd.to_numeric(s.astype(str).str.strip(), errors="coerce") * 100).round().astype("Int64")


class FromFiles:
    def __init__(self):
        a = pd.read_csv(HERE / FILE_A, encoding="utf-8-sig", dtype=str, keep_default_na=False)
        for c in ("主订单编号", "子订单编号", "商品ID"):
            a[c] = a[c].str.strip()
        a["pay_c"] = cents(a["订单应付金额"])
        self.a_rows = a
        ap = a[a["支付完成时间"].str.strip() != ""].copy()
        ap["day"] = pd.to_datetime(ap["支付完成时间"]).dt.date
        self.a_paid_rows = ap
        self.a = ap.groupby("主订单编号").agg(day=("day", "first"), money=("pay_c", "sum"),
                                              host=("达人昵称", "first"), genre=("流量体裁", "first")).reset_index()

        b = pd.read_excel(HERE / FILE_B, dtype=str)
        b["order_c"] = cents(b["买家实际支付金额"])
        b["sub_c"] = cents(b["子单实际支付金额"])
        self.b_rows = b
        bp = b[b["订单付款时间"].notna() & (b["订单付款时间"].astype(str).str.strip() != "")].copy()
        bp["day"] = pd.to_datetime(bp["订单付款时间"]).dt.date
        self.b_paid_rows = bp
        self.b = bp.groupby("主订单编号").agg(day=("day", "first"), money=("order_c", "first"),
                                              sub_sum=("sub_c", "sum"), buyer=("买家会员ID", "first"),
                                              nick=("买家会员名", "first"),
                                              addr=("收货地址", "first"), nlines=("子订单编号", "count"),
                                              paytime=("订单付款时间", "first")).reset_index()
        assert (self.b["money"] == self.b["sub_sum"]).all(), "子单实际支付金额 must add up to 买家实际支付金额"

    def _sel(self, f, a, b, wds=None, mask=None):
        df = self.a if f == "A" else self.b
        m = (df["day"] >= a) & (df["day"] <= b)
        if wds is not None:
            m &= df["day"].map(lambda d: d.weekday() in wds)
        if mask is not None:
            m &= mask(df)
        return df[m]

    def gmv(self, f, a, b, wds=None, mask=None):
        return int(self._sel(f, a, b, wds, mask)["money"].sum()) / 100

    def orders(self, f, a, b, wds=None, mask=None):
        return int(self._sel(f, a, b, wds, mask)["主订单编号"].nunique())

    def line_gmv_a(self, a, b, word):
        r = self.a_paid_rows
        m = (r["day"] >= a) & (r["day"] <= b) & r["选购商品"].str.contains(word)
        return int(r.loc[m, "pay_c"].sum()) / 100

    def buyers_per_day(self, a, b):
        s = self._sel("B", a, b).groupby("day")["buyer"].nunique()
        return [int(s.get(d, 0)) for d in daterange(a, b)]

    def nicks_per_day(self, a, b):
        s = self._sel("B", a, b).groupby("day")["nick"].nunique()
        return [int(s.get(d, 0)) for d in daterange(a, b)]

    def new_buyers(self, a, b):
        first = self.b.sort_values("paytime").groupby("buyer")["day"].first()
        return int(((first >= a) & (first <= b)).sum())

    def daily_gmv_b(self):
        return self.b.groupby("day")["money"].sum()

    # wrong readings, used to prove that the traps are live ----------------------------------
    def b_linewise_gmv(self, a, b, wds=None):
        r = self.b_paid_rows
        m = (r["day"] >= a) & (r["day"] <= b)
        if wds is not None:
            m &= r["day"].map(lambda d: d.weekday() in wds)
        return int(r.loc[m, "order_c"].sum()) / 100

    def a_rows_count(self, a, b):
        r = self.a_paid_rows
        return int(((r["day"] >= a) & (r["day"] <= b)).sum())

    def a_gmv_incl_unpaid(self, a, b):
        r = self.a_rows.copy()
        r["d"] = pd.to_datetime(r["订单提交时间"]).dt.date
        return int(r.loc[(r["d"] >= a) & (r["d"] <= b), "pay_c"].sum()) / 100

    def a_gmv_excl_refund(self, a, b):
        r = self.a_paid_rows
        m = (r["day"] >= a) & (r["day"] <= b) & (r["售后状态"] != "退款成功")
        return int(r.loc[m, "pay_c"].sum()) / 100

    def active_days(self, f, a, b, wds=None, mask=None):
        return int(self._sel(f, a, b, wds, mask)["day"].nunique())


# ----------------------------------------------------------------------------------------------
# Questions
# ----------------------------------------------------------------------------------------------
PAID_A = ("Paid orders in the 抖店 file = 主订单编号 with a non-empty 支付完成时间 (this includes 已关闭 orders "
          "whose 售后状态 is 退款成功 = refunded after payment; it excludes 已关闭 rows with a 取消原因 and 待支付 rows, "
          "which have no 支付完成时间). Order money = sum of 订单应付金额 over the order's 子订单 rows (each row carries "
          "its own 子订单 amount; single-line orders have one row). Day = calendar date of 支付完成时间. ")
PAID_B = ("Paid orders in the 淘宝 file = 主订单编号 with a non-empty 订单付款时间 (includes 交易关闭 orders that were "
          "paid and then refunded, i.e. have 支付单号 and 退款金额; excludes 交易关闭 rows without 订单付款时间 and "
          "等待买家付款). Order money = 买家实际支付金额 taken ONCE per 主订单编号 (it is repeated on every 子订单 row; "
          "equivalently the sum of 子单实际支付金额). Day = calendar date of 订单付款时间. ")


def build_questions(T, F):
    """Returns list of question dicts; `calc(X)` computes the expected value with X = T or F."""
    Q = []

    def add(qid, file, lang, q, cat, calc, definition, tol, traps=None):
        Q.append(dict(id=qid, file=file, lang=lang, q=q, category=cat, calc=calc, definition=definition,
                      tol=tol, traps=traps or []))

    MONEY, AVG, CNT, RATE = {"abs": 0.01}, {"abs": 0.01}, {"abs": 0}, {"abs": 0.001}
    A0, A1 = A_START, A_END
    B0, B1 = B_START, B_END
    NAT = (dt.date(2025, 10, 1), dt.date(2025, 10, 7))
    MID = (dt.date(2025, 10, 15), dt.date(2025, 11, 14))

    # ---- plain daily averages ---------------------------------------------------------------
    add("a7-01", FILE_A, "zh", "9月日均GMV是多少？", "daily_avg",
        lambda X: r2(X.gmv("A", *SEP) / 30),
        PAID_A + "GMV of paid orders paid 2025-09-01..2025-09-30 divided by 30 calendar days (days with no paid "
        "order count in the denominator).", MONEY,
        traps=[("days_with_orders", lambda X: r2(X.gmv("A", *SEP) / X.active_days("A", *SEP)))])
    add("a7-02", FILE_A, "zh", "9月和10月的日均GMV各是多少？", "daily_avg",
        lambda X: {"2025-09": r2(X.gmv("A", *SEP) / 30), "2025-10": r2(X.gmv("A", *OCT) / 31)},
        PAID_A + "Two parts: 2025-09 = September GMV / 30; 2025-10 = October GMV / 31 (calendar days, zero-order "
        "days included).", MONEY,
        traps=[("days_with_orders", lambda X: r2(X.gmv("A", *OCT) / X.active_days("A", *OCT)))])
    add("a7-03", FILE_A, "en", "What was our average number of orders per day in November?", "daily_avg",
        lambda X: r2(X.orders("A", *NOV) / 30),
        PAID_A + "Distinct paid 主订单编号 paid 2025-11-01..2025-11-30 divided by 30 (not the number of rows/子订单, "
        "not days with orders).", AVG,
        traps=[("days_with_orders", lambda X: r2(X.orders("A", *NOV) / X.active_days("A", *NOV))),
               ("row_count", lambda X: r2(F.a_rows_count(*NOV) / 30))])
    add("a7-04", FILE_A, "zh", "整个导出期间平均每天多少单？", "daily_avg",
        lambda X: r2(X.orders("A", A0, A1) / 91),
        PAID_A + "Whole file period = 2025-09-01..2025-11-30 from the file name = 91 calendar days. Distinct paid "
        "orders / 91.", AVG,
        traps=[("days_with_orders", lambda X: r2(X.orders("A", A0, A1) / X.active_days("A", A0, A1)))])
    add("a7-05", FILE_A, "zh", "10月1日到10月7日平均一天卖多少钱？", "daily_avg",
        lambda X: r2(X.gmv("A", *NAT) / 7),
        PAID_A + "GMV of orders paid 2025-10-01..2025-10-07 divided by 7 (2025-10-03 had no paid order and still "
        "counts).", MONEY,
        traps=[("days_with_orders", lambda X: r2(X.gmv("A", *NAT) / X.active_days("A", *NAT)))])
    add("a7-06", FILE_B, "en", "What's the average daily GMV over the whole export (September and October)?",
        "daily_avg",
        lambda X: r2(X.gmv("B", B0, B1) / 61),
        PAID_B + "Whole file period 2025-09-01..2025-10-31 = 61 calendar days. GMV / 61.", MONEY,
        traps=[("days_with_orders", lambda X: r2(X.gmv("B", B0, B1) / X.active_days("B", B0, B1))),
               ("linewise_order_amount", lambda X: r2(F.b_linewise_gmv(B0, B1) / 61))])
    add("a7-07", FILE_B, "zh", "10月平均每天多少单？", "daily_avg",
        lambda X: r2(X.orders("B", *OCT) / 31),
        PAID_B + "Distinct paid 主订单编号 paid in October / 31.", AVG,
        traps=[("days_with_orders", lambda X: r2(X.orders("B", *OCT) / X.active_days("B", *OCT)))])
    add("a7-08", FILE_A, "en", "What were average daily sales from October 15 to November 14?", "daily_avg",
        lambda X: r2(X.gmv("A", *MID) / 31),
        PAID_A + "GMV of orders paid 2025-10-15..2025-11-14 (both ends included) divided by 31 calendar days.",
        MONEY,
        traps=[("days_with_orders", lambda X: r2(X.gmv("A", *MID) / X.active_days("A", *MID)))])

    # ---- monthly / weekly averages ----------------------------------------------------------
    add("a7-09", FILE_A, "zh", "这三个月月均GMV是多少？", "monthly_weekly_avg",
        lambda X: r2(X.gmv("A", A0, A1) / 3),
        PAID_A + "Total GMV 2025-09-01..2025-11-30 divided by 3 calendar months.", MONEY)
    add("a7-10", FILE_B, "en", "How many orders did we get per month on average over these two months?",
        "monthly_weekly_avg",
        lambda X: r2(X.orders("B", B0, B1) / 2),
        PAID_B + "Distinct paid orders 2025-09-01..2025-10-31 divided by 2 months.", AVG,
        traps=[("row_count", lambda X: r2(len(F.b_paid_rows) / 2))])
    add("a7-11", FILE_A, "zh", "11月平均每周卖多少钱？", "monthly_weekly_avg",
        lambda X: r2(X.gmv("A", *NOV) / (30 / 7)),
        PAID_A + "November GMV divided by (30 days / 7) = 4.2857 weeks (not by 4 or 5 weeks).", MONEY,
        traps=[("four_weeks", lambda X: r2(X.gmv("A", *NOV) / 4))])
    add("a7-12", FILE_B, "zh", "10月平均每周有多少新客？", "monthly_weekly_avg",
        lambda X: r2(X.new_buyers(*OCT) / (31 / 7)),
        PAID_B + "New customer = 买家会员ID whose first paid order in this file is paid in October (no paid order "
        "in September). Count of such buyers / (31/7 weeks).", AVG,
        traps=[("all_oct_buyers", lambda X: r2(len(set(F.b.loc[(F.b['day'] >= OCT[0]), 'buyer'])) / (31 / 7)))])

    # ---- weekday / weekend per day ----------------------------------------------------------
    add("a7-13", FILE_A, "zh", "周末和工作日日均各卖多少钱？", "weekday_weekend",
        lambda X: {"weekend": r2(X.gmv("A", A0, A1, WEEKEND) / count_wd(A0, A1, WEEKEND)),
                   "weekday": r2(X.gmv("A", A0, A1, WEEKDAY) / count_wd(A0, A1, WEEKDAY))},
        PAID_A + "Whole file period 2025-09-01..2025-11-30. weekend = GMV paid on Saturdays+Sundays / 26 "
        "Sat+Sun days; weekday = GMV paid Mon-Fri / 65 weekdays (zero-order days included).", MONEY,
        traps=[("days_with_orders", lambda X: r2(X.gmv("A", A0, A1, WEEKEND) / X.active_days("A", A0, A1, WEEKEND)))])
    add("a7-14", FILE_A, "en", "How much did we sell on an average Saturday in October?", "weekday_weekend",
        lambda X: r2(X.gmv("A", *OCT, {5}) / count_wd(*OCT, {5})),
        PAID_A + "GMV paid on the Saturdays of October 2025 (4, 11, 18, 25) divided by 4 Saturdays; 2025-10-18 had "
        "no paid order and still counts.", MONEY,
        traps=[("days_with_orders", lambda X: r2(X.gmv("A", *OCT, {5}) / X.active_days("A", *OCT, {5})))])
    add("a7-15", FILE_B, "zh", "平均每个周三多少单？", "weekday_weekend",
        lambda X: r2(X.orders("B", B0, B1, {2}) / count_wd(B0, B1, {2})),
        PAID_B + "Whole file period 2025-09-01..2025-10-31 has 9 Wednesdays. Distinct paid orders paid on "
        "Wednesdays / 9 (the Wednesdays 09-17 and 10-22 had none and still count).", AVG,
        traps=[("days_with_orders", lambda X: r2(X.orders("B", B0, B1, {2}) / X.active_days("B", B0, B1, {2})))])
    add("a7-16", FILE_B, "en", "In September, what was the average daily GMV on weekends vs on weekdays?",
        "weekday_weekend",
        lambda X: {"weekend": r2(X.gmv("B", *SEP, WEEKEND) / count_wd(*SEP, WEEKEND)),
                   "weekday": r2(X.gmv("B", *SEP, WEEKDAY) / count_wd(*SEP, WEEKDAY))},
        PAID_B + "September 2025: weekend = GMV paid on Sat+Sun / 8 weekend days; weekday = GMV paid Mon-Fri / 22 "
        "weekdays.", MONEY,
        traps=[("days_with_orders", lambda X: r2(X.gmv("B", *SEP, WEEKEND) / X.active_days("B", *SEP, WEEKEND))),
               ("linewise_order_amount", lambda X: r2(F.b_linewise_gmv(*SEP, WEEKEND) / 8))])
    add("a7-17", FILE_A, "zh", "11月周末平均每天多少单？", "weekday_weekend",
        lambda X: r2(X.orders("A", *NOV, WEEKEND) / count_wd(*NOV, WEEKEND)),
        PAID_A + "Distinct paid orders paid on the Saturdays/Sundays of November 2025 divided by 10 weekend days "
        "(11-09 had none and still counts).", AVG,
        traps=[("days_with_orders", lambda X: r2(X.orders("A", *NOV, WEEKEND) / X.active_days("A", *NOV, WEEKEND)))])
    add("a7-18", FILE_A, "en",
        "How much do we sell on an average Monday, Tuesday, … Sunday? Give one number per weekday for the whole "
        "export period.", "weekday_weekend",
        lambda X: {k: r2(X.gmv("A", A0, A1, {i}) / count_wd(A0, A1, {i})) for i, k in enumerate(WD_KEYS)},
        PAID_A + "For each weekday: GMV paid on that weekday within 2025-09-01..2025-11-30 divided by the number "
        "of such weekdays in the period (13 each, since the period is exactly 13 weeks).", MONEY,
        traps=[("days_with_orders_sun", lambda X: r2(X.gmv("A", A0, A1, {6}) / X.active_days("A", A0, A1, {6})))])

    # ---- per day with a filter --------------------------------------------------------------
    add("a7-19", FILE_A, "zh", "达人「小鹿爱喝茶」带来的订单，整个导出期间日均GMV是多少？", "filtered_daily_avg",
        lambda X: r2(X.gmv("A", A0, A1, pred=lambda o: o["hk"] == "xiaolu") / 91) if X is T else
        r2(X.gmv("A", A0, A1, mask=lambda d: d["host"] == "小鹿爱喝茶") / 91),
        PAID_A + "Only paid orders with 达人昵称 = 小鹿爱喝茶. Their GMV over 2025-09-01..2025-11-30 divided by 91 "
        "calendar days (not by the days on which she sold).", MONEY,
        traps=[("days_with_orders", lambda X: r2(F.gmv("A", A0, A1, mask=lambda d: d["host"] == "小鹿爱喝茶")
                                                 / F.active_days("A", A0, A1, mask=lambda d: d["host"] == "小鹿爱喝茶")))])
    add("a7-20", FILE_A, "en", "What were the average daily sales of the 凤凰单丛 tea in November?",
        "filtered_daily_avg",
        lambda X: r2(X.line_gmv_a(*NOV, "dancong") / 30) if X is T else r2(X.line_gmv_a(*NOV, "凤凰单丛") / 30),
        PAID_A + "Product-level: sum of 订单应付金额 of the rows whose 选购商品 contains 凤凰单丛, in paid orders paid in "
        "November 2025, divided by 30.", MONEY,
        traps=[("days_with_orders", lambda X: r2(T.line_gmv_a(*NOV, "dancong") / T.line_days_a(*NOV, "dancong")))])
    add("a7-21", FILE_A, "zh", "10月直播间和商品卡各自平均每天多少单？", "filtered_daily_avg",
        lambda X: ({"live": r2(X.orders("A", *OCT, pred=lambda o: o["genre"] == "直播") / 31),
                    "product_card": r2(X.orders("A", *OCT, pred=lambda o: o["genre"] == "商品卡") / 31)}
                   if X is T else
                   {"live": r2(X.orders("A", *OCT, mask=lambda d: d["genre"] == "直播") / 31),
                    "product_card": r2(X.orders("A", *OCT, mask=lambda d: d["genre"] == "商品卡") / 31)}),
        PAID_A + "live = distinct paid orders paid in October with 流量体裁 = 直播, / 31; product_card = same with "
        "流量体裁 = 商品卡, / 31.", AVG,
        traps=[("days_with_orders", lambda X: r2(F.orders("A", *OCT, mask=lambda d: d["genre"] == "商品卡")
                                                 / F.active_days("A", *OCT, mask=lambda d: d["genre"] == "商品卡")))])
    add("a7-22", FILE_B, "en", "What was the average daily GMV from buyers in Zhejiang in October?",
        "filtered_daily_avg",
        lambda X: r2(X.gmv("B", *OCT, pred=lambda o: o["buyer"]["geo"][0] == "浙江省") / 31) if X is T else
        r2(X.gmv("B", *OCT, mask=lambda d: d["addr"].str.startswith("浙江省")) / 31),
        PAID_B + "Only paid orders whose 收货地址 starts with 浙江省, paid in October 2025; GMV / 31.", MONEY,
        traps=[("days_with_orders", lambda X: r2(F.gmv("B", *OCT, mask=lambda d: d["addr"].str.startswith("浙江省"))
                                                 / F.active_days("B", *OCT, mask=lambda d: d["addr"].str.startswith("浙江省"))))])

    # ---- buyers per day ---------------------------------------------------------------------
    add("a7-23", FILE_B, "zh", "10月日均下单人数是多少？", "buyers_per_day",
        lambda X: r2(float(np.mean(X.buyers_per_day(*OCT)))),
        PAID_B + "For each of the 31 October days: number of distinct 买家会员ID with a paid order that day (0 on "
        "days without orders); answer = mean of the 31 numbers.", AVG,
        traps=[("orders_per_day", lambda X: r2(F.orders("B", *OCT) / 31)),
               ("days_with_orders", lambda X: r2(sum(F.buyers_per_day(*OCT)) / F.active_days("B", *OCT))),
               ("by_masked_nick", lambda X: r2(float(np.mean(F.nicks_per_day(*OCT)))))])
    add("a7-24", FILE_B, "en", "What's the average number of buyers per day across the whole file?",
        "buyers_per_day",
        lambda X: r2(float(np.mean(X.buyers_per_day(B0, B1)))),
        PAID_B + "Mean over the 61 days 2025-09-01..2025-10-31 of the number of distinct 买家会员ID with a paid order "
        "that day (0 on days without orders). Not distinct buyers of the whole period / 61.", AVG,
        traps=[("period_distinct", lambda X: r2(F.b["buyer"].nunique() / 61)),
               ("orders_per_day", lambda X: r2(F.orders("B", B0, B1) / 61)),
               ("by_masked_nick", lambda X: r2(float(np.mean(F.nicks_per_day(B0, B1)))))])

    # ---- traps: NOT averages ----------------------------------------------------------------
    def peak(X):
        s = X.daily_gmv_b()
        items = sorted(((int(v), d) for d, v in (s.items() if hasattr(s, "items") else s)), reverse=True)
        return {items[0][1].isoformat(): r2(items[0][0] / 100)}
    add("a7-25", FILE_B, "zh", "哪一天GMV最高？是多少？", "not_average_trap", peak,
        PAID_B + "Plain maximum, not an average: per-day GMV over 2025-09-01..2025-10-31, answer = the day with the "
        "highest GMV and that day's GMV (key = date). Summing 买家实际支付金额 per row would wrongly pick "
        + B_BUNDLE_DAY.isoformat() + ".", MONEY)
    add("a7-26", FILE_A, "zh", "9月一共多少单？", "not_average_trap",
        lambda X: X.orders("A", *SEP),
        PAID_A + "Plain total, not an average: distinct paid orders paid 2025-09-01..2025-09-30 (not rows).", CNT,
        traps=[("row_count", lambda X: F.a_rows_count(*SEP))])
    add("a7-27", FILE_B, "en", "What were total sales on Saturdays in October?", "not_average_trap",
        lambda X: r2(X.gmv("B", *OCT, {5})),
        PAID_B + "Plain total, not an average: GMV of orders paid on 2025-10-04, 10-11, 10-18, 10-25.", MONEY,
        traps=[("linewise_order_amount", lambda X: r2(F.b_linewise_gmv(*OCT, {5}))),
               ("per_saturday", lambda X: r2(F.gmv("B", *OCT, {5}) / 4))])
    add("a7-28", FILE_A, "zh", "每个月GMV分别是多少？", "not_average_trap",
        lambda X: {"2025-09": r2(X.gmv("A", *SEP)), "2025-10": r2(X.gmv("A", *OCT)), "2025-11": r2(X.gmv("A", *NOV))},
        PAID_A + "Plain monthly totals, not averages: GMV of paid orders by month of 支付完成时间.", MONEY,
        traps=[("incl_unpaid", lambda X: r2(F.a_gmv_incl_unpaid(*SEP))),
               ("excl_refunded", lambda X: r2(F.a_gmv_excl_refund(*SEP)))])

    # ---- refusals ---------------------------------------------------------------------------
    add("a7-29", FILE_A, "zh", "9月直播间日均观看人数是多少？", "refusal", lambda X: "refuse",
        "The 抖店 order export has no viewer / 观看人数 / 曝光 data (only orders). The assistant must say it cannot be "
        "computed from this file (order counts or buyer counts are not viewers).", {"abs": 0})
    add("a7-30", FILE_A, "en", "What was the average daily GMV in December 2025?", "refusal", lambda X: "refuse",
        "The export covers 2025-09-01..2025-11-30 only (file name and data). December 2025 is entirely outside the "
        "data; the assistant must say so instead of giving a number (0 or an average of other months is wrong).",
        {"abs": 0})
    return Q


# ----------------------------------------------------------------------------------------------
# YAML + README
# ----------------------------------------------------------------------------------------------
def js(x):
    return json.dumps(x, ensure_ascii=False)


def write_answers(Q, T):
    out = ["shop: " + js("山野茶语 (fictional tea brand): 抖店「山野茶语官方旗舰店」 and 天猫「山野茶语旗舰店」"),
           "period: " + js("抖店 file 2025-09-01..2025-11-30 (91 days); 淘宝/天猫 file 2025-09-01..2025-10-31 (61 days)"),
           "generator: " + js(f"make_files.py (seed {SEED})"),
           "questions:"]
    for q in Q:
        exp = q["calc"](T)
        out += [f"  - id: {js(q['id'])}",
                f"    file: {js(q['file'])}",
                f"    lang: {js(q['lang'])}",
                f"    q: {js(q['q'])}",
                f"    category: {js(q['category'])}",
                f"    expected: {js(exp)}",
                f"    definition: {js(q['definition_full'])}",
                f"    tolerance: {js(q['tol'])}"]
    (HERE / "answers.yaml").write_text("\n".join(out) + "\n", encoding="utf-8")


def same(a, b):
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, str):
        return a == b
    return abs(float(a) - float(b)) < 1e-9


def main():
    a_orders = make_a_orders()
    b_orders = make_b_orders()
    write_csv_a(a_rows(a_orders))
    write_xlsx_b(b_rows(b_orders))

    T = Truth(a_orders, b_orders)
    F = FromFiles()
    Q = build_questions(T, F)

    # trap values (computed from the files) go into the definitions
    for q in Q:
        notes = []
        for name, fn in q["traps"]:
            notes.append(f"{name}={js(fn(F))}")
        q["definition_full"] = q["definition"] + ((" Wrong readings for reference: " + "; ".join(notes) + ".")
                                                  if notes else "")
    write_answers(Q, T)

    # ------------------------------------------------------------------ verify from files
    failures = []
    for q in Q:
        exp_t = q["calc"](T)
        exp_f = q["calc"](F)
        if not same(exp_t, exp_f):
            failures.append(f"{q['id']}: generator {exp_t} != files {exp_f}")
        for name, fn in q["traps"]:
            wrong = fn(F)
            ref = exp_f
            if isinstance(ref, dict):
                if any(same(wrong, v) for v in ref.values()):
                    failures.append(f"{q['id']}: trap {name} not live ({wrong})")
            elif same(wrong, ref):
                failures.append(f"{q['id']}: trap {name} not live ({wrong})")

    # structural checks on the files
    a_dates = set(F.a["day"])
    b_dates = set(F.b["day"])
    assert A_START in a_dates and A_END in a_dates, "A must have paid orders on first and last day"
    assert B_START in b_dates and B_END in b_dates, "B must have paid orders on first and last day"
    assert set(daterange(A_START, A_END)) - a_dates == A_ZERO_DAYS, "A zero days"
    assert set(daterange(B_START, B_END)) - b_dates == B_ZERO_DAYS, "B zero days"
    assert min(a_dates) >= A_START and max(a_dates) <= A_END
    assert min(b_dates) >= B_START and max(b_dates) <= B_END
    # every paid order paid on the day it was created
    ar = F.a_paid_rows
    assert (pd.to_datetime(ar["订单提交时间"]).dt.date == ar["day"]).all()
    br = F.b_paid_rows
    assert (pd.to_datetime(br["订单创建时间"]).dt.date == br["day"]).all()
    # A: the unpaid-only day really has rows but no paid order
    ad = pd.to_datetime(F.a_rows["订单提交时间"]).dt.date
    assert (ad == A_UNPAID_ONLY_DAY).sum() >= 1 and A_UNPAID_ONLY_DAY not in a_dates
    # cancelled/unpaid and refunded orders exist in both files
    assert ((F.a_rows["订单状态"] == "已关闭") & (F.a_rows["支付完成时间"] == "")).sum() > 0
    assert (F.a_rows["订单状态"] == "待支付").sum() > 0
    assert ((F.a_paid_rows["售后状态"] == "退款成功")).sum() > 0
    closed_paid_b = F.b_paid_rows["订单状态"] == "交易关闭"
    assert closed_paid_b.sum() > 0 and (F.b_rows["订单付款时间"].isna() & (F.b_rows["订单状态"] == "交易关闭")).sum() > 0
    # multi-line orders exist; per-row order amount overstates B
    assert (F.a_paid_rows.groupby("主订单编号").size() > 1).sum() > 0
    assert F.b_linewise_gmv(B_START, B_END) > F.gmv("B", B_START, B_END) + 1
    # peak-day trap: linewise peak differs from the true peak
    true_peak = F.daily_gmv_b().idxmax()
    lw = F.b_paid_rows.groupby("day")["order_c"].sum().idxmax()
    assert true_peak == B_PEAK_DAY and lw == B_BUNDLE_DAY and lw != true_peak, (true_peak, lw)
    s = F.daily_gmv_b().sort_values(ascending=False)
    assert s.iloc[0] - s.iloc[1] > 1000, "peak day must be clear"
    # buyers: some buyer bought twice the same day
    assert (F.b.groupby(["day", "buyer"]).size() > 1).any()
    # refunded orders matter for GMV; unpaid orders would change GMV in A
    assert F.a_gmv_excl_refund(*SEP) != F.gmv("A", *SEP)
    assert F.a_gmv_incl_unpaid(A_START, A_END) != F.gmv("A", A_START, A_END)

    # answers.yaml re-read (values must match what we computed from the files)
    text = (HERE / "answers.yaml").read_text(encoding="utf-8")
    for q in Q:
        m = re.search(r'- id: "' + q["id"] + r'"\n(?:    .*\n)*?    expected: (.*)\n', text)
        assert m, q["id"]
        if not same(json.loads(m.group(1)), q["calc"](F)):
            failures.append(f"{q['id']}: answers.yaml differs from files")

    n_a, n_b = F.a["主订单编号"].nunique(), F.b["主订单编号"].nunique()
    print(f"{FILE_A}: {len(F.a_rows)} rows, {F.a_rows['主订单编号'].nunique()} orders, {n_a} paid")
    print(f"{FILE_B}: {len(F.b_rows)} rows, {F.b_rows['主订单编号'].nunique()} orders, {n_b} paid")
    cats = defaultdict(int)
    for q in Q:
        cats[q["category"]] += 1
    print("questions:", len(Q), dict(cats))
    if failures:
        for f in failures:
            print("FAIL", f)
        raise SystemExit(1)
    print("verify: all checks passed")


if __name__ == "__main__":
    main()
