#!/usr/bin/env python3
"""Blind confirmation set 6: order exports of three more platforms (禾初茶事, Aug–Oct 2025).

The shop is 禾初茶事 (HECHU TEA, a made-up tea brand). It sells through live rooms on 视频号, a 有赞
mini-program shop for its private-domain customers, and a 京东 POP store. This script writes one
order export per platform, each in that platform's own layout:

  微信小店_订单列表_20250801-20251031.xlsx          视频号小店 / 微信小店 → 订单 → 订单列表 → 导出 (57 columns,
                                                  one row per product line, order amounts repeated)
  有赞_订单明细_商品维度_20250901-20251031.csv      有赞 → 订单 → 批量导出 → 商品维度 (UTF-8 BOM, ids with a
                                                  leading tab, one row per product line)
  京东POP_订单导出_20250801-20250930.csv           京麦 → 订单管理 → 导出 (GBK, 30 columns, one row per SKU,
                                                  order amounts repeated)

Deterministic (seed 20251101). The ground truth is built as pandas tables (orders + lines, money in
cents); every expected answer is computed from those tables and written to answers.yaml. The script
then re-reads every written file with pandas, recomputes each answer from the file columns alone and
prints `verify: all checks passed`.

Only numpy, pandas and openpyxl are used (answers.yaml is written by a small emitter below).

Run:  uv run python bench/blind/platform_files6/make_files.py      (from the repository root)
"""
from __future__ import annotations

import csv
import io
import json
import random
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook

SEED = 20251101
OUT = Path(__file__).resolve().parent

F_WX = "微信小店_订单列表_20250801-20251031.xlsx"
F_YZ = "有赞_订单明细_商品维度_20250901-20251031.csv"
F_JD = "京东POP_订单导出_20250801-20250930.csv"

WX_START, WX_END = pd.Timestamp("2025-08-01"), pd.Timestamp("2025-10-31")
YZ_START, YZ_END = pd.Timestamp("2025-09-01"), pd.Timestamp("2025-10-31")
JD_START, JD_END = pd.Timestamp("2025-08-01"), pd.Timestamp("2025-09-30")
WX_EXPORT = pd.Timestamp("2025-10-31 23:58:12")
YZ_EXPORT = pd.Timestamp("2025-10-31 23:56:40")
JD_EXPORT = pd.Timestamp("2025-09-30 23:52:05")

WEEKDAY_EN = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


# --------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------
def yuan(cents: int) -> float:
    return float(round(int(cents) / 100.0, 2))


def fmt(cents: int) -> str:
    return f"{int(cents) / 100:.2f}"


def r4(x) -> float:
    return float(round(float(x) + 1e-12, 4))


def ts(x) -> str:
    return "" if pd.isna(x) else pd.Timestamp(x).strftime("%Y-%m-%d %H:%M:%S")


def n_weekdays(start: pd.Timestamp, end: pd.Timestamp, days: set[int]) -> int:
    return int(sum(1 for d in pd.date_range(start, end, freq="D") if d.weekday() in days))


SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余杜叶程魏苏吕丁任沈姚卢傅钟姜崔谭廖范汪陆金石戴贾韦夏邱方侯邹熊孟秦白江阎薛尹段雷黎史龙陶贺顾毛郝龚邵万钱严覃武洪")
PREFIXES = ["130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "155", "156", "157", "158",
            "159", "166", "175", "176", "177", "178", "180", "181", "182", "183", "185", "186", "187", "188", "189", "191", "199"]
REGIONS = [
    ("浙江省", "杭州市", "西湖区"), ("浙江省", "宁波市", "鄞州区"), ("江苏省", "苏州市", "工业园区"), ("江苏省", "南京市", "鼓楼区"),
    ("上海市", "上海市", "浦东新区"), ("北京市", "北京市", "朝阳区"), ("广东省", "广州市", "天河区"), ("广东省", "深圳市", "南山区"),
    ("福建省", "福州市", "鼓楼区"), ("福建省", "厦门市", "思明区"), ("四川省", "成都市", "武侯区"), ("湖北省", "武汉市", "洪山区"),
    ("山东省", "青岛市", "市南区"), ("安徽省", "合肥市", "蜀山区"), ("河南省", "郑州市", "金水区"), ("湖南省", "长沙市", "岳麓区"),
]
STREETS = ["文三路", "学院路", "人民路", "解放路", "中山路", "建设路", "新华路", "长江路", "和平路", "滨江大道"]


def newest_first(ln: pd.DataFrame, od: pd.DataFrame) -> pd.DataFrame:
    """Export row order: newest order first (by creation time), lines of an order together."""
    t = ln.merge(od[["oid", "created"]], on="oid", how="left")
    return t.sort_values(["created", "oid", "j"], ascending=[False, True, True])


def make_buyers(r: random.Random, n: int, style: str, taken: set | None = None) -> list[dict]:
    """Buyers with a masked phone that is unique per buyer (style 'wx'/'jd' 138****1234, 'yz' 138******12)."""
    taken = taken if taken is not None else set()
    out = []
    while len(out) < n:
        p = r.choice(PREFIXES) + "".join(r.choice("0123456789") for _ in range(8))
        m = p[:3] + "******" + p[-2:] if style == "yz" else p[:3] + "****" + p[-4:]
        if m in taken:
            continue
        taken.add(m)
        sn = r.choice(SURNAMES)
        prov, city, dist = r.choice(REGIONS)
        out.append(dict(
            phone=m, name=sn + ("*" if r.random() < 0.75 else "**"), prov=prov, city=city, dist=dist,
            addr=f"{prov}{city}{dist}{r.choice(STREETS)}****", nick=f"茶友_{r.getrandbits(24):06x}",
            account=f"jd_{r.getrandbits(48):012x}",
        ))
    return out


def pick_time(r: random.Random, d: pd.Timestamp, live_share: float = 0.65) -> pd.Timestamp:
    """Creation time of a paid order: 08:00–23:40, evening-heavy (live sessions)."""
    if r.random() < live_share:
        sec = r.randint(19 * 3600 + 30 * 60, 23 * 3600 + 40 * 60)
    else:
        sec = r.randint(8 * 3600, 19 * 3600)
    return d + pd.Timedelta(seconds=sec)


# ======================================================================================
# 1. 视频号小店 (微信小店) 订单列表
# ======================================================================================
WX_HEADERS = [
    "订单号", "订单下单时间", "订单发货时间", "订单确认收货时间", "订单完成结算时间", "订单状态", "发货方式", "收件人姓名", "收件人地址",
    "省", "市", "区", "收件人手机", "买家备注", "商家备注", "打标颜色", "商品总价", "订单实际支付金额", "订单实际收款金额", "订单运费",
    "商品优惠", "跨店优惠", "商品改价", "积分抵扣", "支付方式", "支付时间", "交易单号", "物流公司", "快递单号", "技术服务费",
    "技术服务费（将以人气卡形式返还）", "运费险预计投保费用", "带货方式", "带货账号类型", "带货账号昵称", "带货费用渠道", "带货费用类型",
    "带货费用", "带货佣金率", "礼物单号", "商品名称", "商品编码(平台)", "商品编码(自定义)", "SKU编码(自定义)", "商品属性",
    "商品价格(单件)", "商品实际价格(单件)", "商品实际价格(总共)", "是否预售", "商品数量", "商品平台券优惠", "商品平均运费", "定制信息",
    "定制预览图", "商品发货", "商品售后", "商品已退款金额",
]
assert len(WX_HEADERS) == 57

# name, platform id, own code, attribute, list price, live price (cents), weight
WX_PRODUCTS = [
    ("禾初 明前龙井 特级 100g罐装", "10000412231", "HC-LJ100", "规格:100g罐装", 16800, 14900, 3.0),
    ("禾初 正山小种 红茶 150g", "10000412245", "HC-ZS150", "规格:150g袋装", 8900, 7900, 4.0),
    ("禾初 白毫银针 礼盒 200g", "10000412258", "HC-YZ200", "规格:礼盒装", 29800, 26800, 1.2),
    ("禾初 桂花乌龙 冷泡茶 10包", "10000412266", "HC-GH10", "规格:10包/盒", 3990, 3590, 5.0),
    ("禾初 陈皮白茶饼 357g", "10000412279", "HC-CP357", "规格:357g", 12900, 10900, 2.0),
    ("禾初 玻璃公道杯 300ml", "10000412283", "HC-GDB", "规格:300ml", 4900, 3900, 1.5),
]
WX_GIFT = ("【赠品】禾初 不锈钢茶漏", "10000412297", "HC-GIFT-CL", "规格:默认", 0, 0)
WX_FUDAI = ("【福袋专享】禾初 试饮装 3泡", "10000412301", "HC-FD3", "规格:3泡装", 2990, 0)
WX_OPEN_REFUND = ["商家受理中", "待买家退货", "待商家收货"]
WX_TALENTS = ["茶姐说好物", "品茶的阿远"]


def _lines_for_order(r: random.Random, products, nmax=3) -> list[dict]:
    k = r.choices([1, 2, 3], weights=[75, 20, 5])[0]
    k = min(k, nmax)
    prods = []
    while len(prods) < k:
        p = r.choices(products, weights=[x[-1] for x in products])[0]
        if p not in prods:
            prods.append(p)
    out = []
    for p in prods:
        q = r.choices([1, 2, 3], weights=[85, 12, 3])[0]
        out.append(dict(prod=p[0], pid=p[1], code=p[2], attr=p[3], list_c=p[4], unit_c=p[5], qty=q, total_c=p[5] * q, gift=False))
    return out


def build_wx(r: random.Random):
    buyers = make_buyers(r, 265, "wx")
    bw = [r.choice([1, 1, 1, 1, 2, 2, 3, 5]) for _ in buyers]  # a few heavy repeat buyers
    days = list(pd.date_range(WX_START, WX_END, freq="D"))
    dw = [{0: 0.8, 1: 1.1, 2: 0.9, 3: 1.2, 4: 1.0, 5: 2.2, 6: 1.1}[d.weekday()] for d in days]
    orders, lines = [], []
    used_ids = set()

    def new_id():
        while True:
            x = "37" + "".join(r.choice("0123456789") for _ in range(17))
            if x not in used_ids:
                used_ids.add(x)
                return x

    N = 430
    for i in range(N):
        # the last 16 orders come from the 10-31 双11 warm-up live, most still unshipped at export
        d = r.choices(days, weights=dw)[0] if i < N - 16 else pd.Timestamp("2025-10-31")
        b = r.choices(range(len(buyers)), weights=bw)[0]
        u = r.random()
        kind = "unpaid_cancel" if u < 0.07 else ("zero" if u < 0.13 else "normal")
        created = pick_time(r, d) if kind != "unpaid_cancel" else d + pd.Timedelta(seconds=r.randint(8 * 3600, 23 * 3600 + 50 * 60))
        o = dict(oid=new_id(), buyer=b, created=created, kind=kind, scen="none")
        if kind == "zero":
            p = WX_FUDAI
            o["ls"] = [dict(prod=p[0], pid=p[1], code=p[2], attr=p[3], list_c=p[4], unit_c=0, qty=1, total_c=0, gift=False)]
            o["paid"] = created + pd.Timedelta(seconds=r.randint(1, 6))
        else:
            o["ls"] = _lines_for_order(r, WX_PRODUCTS)
            o["paid"] = pd.NaT if kind == "unpaid_cancel" else created + pd.Timedelta(seconds=r.randint(8, 290))
        if kind == "normal":
            multi = len(o["ls"]) >= 2
            u = r.random()
            if u < 0.05:
                o["scen"] = "full_pre"
            elif u < 0.09:
                o["scen"] = "full_post"
            elif u < 0.125:
                o["scen"] = "part_line_post" if multi else "part_amt"
            elif u < 0.155:
                o["scen"] = "part_amt"
            elif u < 0.175:
                o["scen"] = "part_line_pre" if multi else "none"
            elif u < 0.195:
                o["scen"] = "rejected"
            elif u < 0.21:
                o["scen"] = "withdrawn"
            sub = sum(x["total_c"] for x in o["ls"])
            if o["scen"] not in ("full_pre", "full_post") and sub >= 15000 and r.random() < 0.35:
                g = WX_GIFT
                o["ls"].append(dict(prod=g[0], pid=g[1], code=g[2], attr=g[3], list_c=0, unit_c=0, qty=1, total_c=0, gift=True))
        orders.append(o)
    # four orders still awaiting payment at export time (created after 23:40 on the last day)
    for k in range(4):
        created = pd.Timestamp("2025-10-31 23:41:00") + pd.Timedelta(seconds=r.randint(0, 14 * 60))
        o = dict(oid=new_id(), buyer=r.randrange(len(buyers)), created=created, kind="awaiting", scen="none",
                 ls=_lines_for_order(r, WX_PRODUCTS), paid=pd.NaT)
        orders.append(o)

    # timeline and statuses
    for o in orders:
        o["ship"] = o["confirm"] = o["settle"] = pd.NaT
        for ln in o["ls"]:
            ln["shipped"], ln["as"], ln["refund_c"] = False, "", 0
        if o["kind"] == "unpaid_cancel":
            o["status"] = "已取消"
            continue
        if o["kind"] == "awaiting":
            o["status"] = "待付款"
            continue
        ship = o["paid"] + pd.Timedelta(minutes=r.randint(8 * 60, 40 * 60))
        shipped = ship <= WX_EXPORT
        if o["scen"] in ("full_post", "part_line_post", "part_amt") and not shipped:
            o["scen"] = "none"
        if o["scen"] == "full_pre":
            o["status"] = "已取消"
            for ln in o["ls"]:
                ln["as"], ln["refund_c"] = "退款完成", ln["total_c"]
            continue
        o["ship"] = ship if shipped else pd.NaT
        for ln in o["ls"]:
            ln["shipped"] = shipped
        if o["scen"] == "full_post":
            o["status"] = "已取消"
            for ln in o["ls"]:
                ln["as"], ln["refund_c"] = "退货退款完成", ln["total_c"]
            continue
        conf = ship + pd.Timedelta(hours=r.randint(3 * 24, 9 * 24))
        if not shipped:
            o["status"] = "待发货"
        elif conf > WX_EXPORT:
            o["status"] = "已发货"
        else:
            o["status"] = "已完成"
            o["confirm"] = conf
            st = conf + pd.Timedelta(hours=r.randint(1, 30))
            o["settle"] = st if st <= WX_EXPORT else pd.NaT
        paid_lines = [ln for ln in o["ls"] if not ln["gift"]]
        if o["scen"] == "part_line_post":
            ln = r.choice(paid_lines)
            ln["as"], ln["refund_c"] = "退货退款完成", ln["total_c"]
        elif o["scen"] == "part_line_pre":
            ln = r.choice(paid_lines)
            ln["as"], ln["refund_c"], ln["shipped"] = "退款完成", ln["total_c"], False
        elif o["scen"] == "part_amt":
            ln = r.choice(paid_lines)
            amt = int(round(ln["total_c"] * r.uniform(0.1, 0.4) / 100.0)) * 100
            ln["as"], ln["refund_c"] = "退款完成", max(500, min(amt, ln["total_c"] - 100))
        elif o["scen"] == "rejected":
            r.choice(paid_lines)["as"] = "商家拒绝退款"
        elif o["scen"] == "withdrawn":
            r.choice(paid_lines)["as"] = "用户取消申请"

    # open refund requests on recent normal orders: 4 not yet shipped, 4 shipped and in transit
    cand_pre = [o for o in orders if o["kind"] == "normal" and o["scen"] == "none" and o["status"] == "待发货"]
    cand_post = [o for o in orders if o["kind"] == "normal" and o["scen"] == "none" and o["status"] == "已发货"]
    assert len(cand_pre) >= 4 and len(cand_post) >= 4, (len(cand_pre), len(cand_post))
    for o in r.sample(cand_pre, 4):
        o["scen"] = "pending_pre"
        r.choice([x for x in o["ls"] if not x["gift"]])["as"] = "商家受理中"
    for o in r.sample(cand_post, 4):
        o["scen"] = "pending_post"
        r.choice([x for x in o["ls"] if not x["gift"]])["as"] = r.choice(["待买家退货", "待商家收货"])

    # channel info
    for o in orders:
        u = r.random()
        if o["kind"] == "zero":
            o["via"], o["acct_type"], o["acct"] = "直播", "商家自营", "禾初茶事官方"
        elif u < 0.62:
            o["via"], o["acct_type"], o["acct"] = "直播", "商家自营", "禾初茶事官方"
        elif u < 0.80:
            o["via"], o["acct_type"], o["acct"] = "直播", "达人", r.choice(WX_TALENTS)
        elif u < 0.90:
            o["via"], o["acct_type"], o["acct"] = "短视频", "商家自营", "禾初茶事官方"
        else:
            o["via"], o["acct_type"], o["acct"] = "商品卡", "", ""
        o["carrier"] = r.choice(["中通快递", "圆通速递", "韵达快递", "顺丰速运"])
        o["track"] = "ZT7" + "".join(r.choice("0123456789") for _ in range(11))
        o["txn"] = "42000028" + "".join(r.choice("0123456789") for _ in range(20))
        o["insure"] = r.random() < 0.3

    od = pd.DataFrame([{k: v for k, v in o.items() if k != "ls"} for o in orders])
    for o in orders:
        for j, ln in enumerate(o["ls"]):
            lines.append(dict(oid=o["oid"], j=j, **ln))
    ln = pd.DataFrame(lines)
    od["phone"] = od.buyer.map(lambda b: buyers[b]["phone"])
    od["amt_c"] = od.oid.map(ln.groupby("oid").total_c.sum())
    od["refund_c"] = od.oid.map(ln.groupby("oid").refund_c.sum())
    od["is_paid"] = od.paid.notna()
    return od, ln, buyers


def wx_rows(od: pd.DataFrame, ln: pd.DataFrame, buyers: list[dict]) -> list[list]:
    rows = [WX_HEADERS]
    ol = od.set_index("oid")
    for _, x in newest_first(ln, od).iterrows():
        o = ol.loc[x.oid]
        b = buyers[o.buyer]
        paid = bool(o.is_paid)
        amt = int(o.amt_c)
        list_total = int(ln[ln.oid == x.oid].eval("list_c * qty").sum())
        shipped_o = pd.notna(o.ship)
        talent = o.acct_type == "达人"
        fee = int(round(amt * 0.01)) if paid and amt > 0 else 0
        rows.append([
            x.oid, ts(o.created), ts(o.ship), ts(o.confirm), ts(o.settle), o.status, "快递发货", b["name"], b["addr"],
            b["prov"], b["city"], b["dist"], b["phone"], "", "", "",
            fmt(list_total), fmt(amt), fmt(amt), "0.00",
            fmt(list_total - amt), "0.00", "0.00", "0.00",
            ("微信支付" if paid and amt > 0 else ""), ts(o.paid), (o.txn if paid and amt > 0 else ""),
            (o.carrier if shipped_o else ""), (o.track if shipped_o else ""), fmt(fee),
            "0.00", ("1.20" if o.insure and paid and amt > 0 else "0.00"),
            o.via, o.acct_type, o.acct, ("带货佣金" if talent else ""), ("CPS佣金" if talent else ""),
            (fmt(int(round(amt * 0.2))) if talent else ""), ("20%" if talent else ""), "",
            x["prod"], x.pid, x.code, x.code + "-01", x.attr,
            fmt(x.list_c), fmt(x.unit_c), fmt(x.total_c), "否", int(x.qty), "0.00", "0.00", "", "",
            ("已发货" if x.shipped else "未发货"), x["as"], fmt(x.refund_c),
        ])
    return rows


# ======================================================================================
# 2. 有赞 订单明细（商品维度）
# ======================================================================================
YZ_HEADERS = [
    "订单号", "订单类型", "订单状态", "订单创建时间", "买家付款时间", "交易成功时间", "订单实付金额", "买家昵称", "买家手机号",
    "订单商品状态", "商品名称", "商品类型", "商品规格", "规格编码", "商品编码", "商品单价", "商品优惠方式", "商品优惠后价格", "商品数量",
    "商品金额小计", "店铺优惠（分摊）", "商品实际成交金额", "商品抵用积分数", "商品留言", "收货人/提货人", "收货人手机号/提货人手机号",
    "收货人省份", "收货人城市", "收货人地区", "详细收货地址/提货地址", "买家备注", "商品发货状态", "商品发货方式", "商品发货物流公司",
    "商品发货物流单号", "发货员工", "商品发货时间", "商品退款状态", "商品已退款金额", "商家订单备注",
]
# name, spec, spec code, item code, list price (cents), weight
YZ_PRODUCTS = [
    ("禾初 明前龙井 特级 100g罐装", "100g罐装", "HC-LJ100-01", "HC-LJ100", 16800, 3.0),
    ("禾初 正山小种 红茶 150g", "150g袋装", "HC-ZS150-01", "HC-ZS150", 8900, 3.5),
    ("禾初 白毫银针 礼盒 200g", "礼盒装", "HC-YZ200-01", "HC-YZ200", 29800, 1.5),
    ("禾初 桂花乌龙 冷泡茶 10包", "10包/盒", "HC-GH10-01", "HC-GH10", 3990, 4.0),
    ("禾初 陈皮白茶饼 357g", "357g", "HC-CP357-01", "HC-CP357", 12900, 2.0),
    ("禾初 茶友会 月度茶样盒", "6款×5g", "HC-BOX6-01", "HC-BOX6", 5900, 2.0),
]
YZ_TRIAL = ("【0元试用】禾初 桂花乌龙 冷泡茶 2包", "2包装", "HC-GH2-T", "HC-GH2", 990)
YZ_GIFT = ("【赠品】禾初 茶友会 便携茶杯", "默认", "HC-GIFT-BZ", "HC-GIFT", 0)


def _yz_lines(r: random.Random) -> list[dict]:
    k = r.choices([1, 2, 3], weights=[70, 24, 6])[0]
    prods = []
    while len(prods) < k:
        p = r.choices(YZ_PRODUCTS, weights=[x[-1] for x in YZ_PRODUCTS])[0]
        if p not in prods:
            prods.append(p)
    member = r.random() < 0.3
    out = []
    for p in prods:
        q = r.choices([1, 2, 3], weights=[82, 14, 4])[0]
        unit_after = int(round(p[4] * 0.95)) if member else p[4]
        out.append(dict(prod=p[0], spec=p[1], scode=p[2], icode=p[3], list_c=p[4], disc_way=("会员折扣" if member else ""),
                        after_c=unit_after, qty=q, sub_c=unit_after * q, gift=False))
    return out


def _yz_share(ls: list[dict]):
    """满199减20 / 满99减8, allocated over the priced lines in proportion; remainder on the last priced line."""
    sub = sum(x["sub_c"] for x in ls)
    off = 2000 if sub >= 19900 else (800 if sub >= 9900 else 0)
    priced = [x for x in ls if x["sub_c"] > 0]
    acc = 0
    for i, x in enumerate(ls):
        x["share_c"] = 0
    for i, x in enumerate(priced):
        if i < len(priced) - 1:
            x["share_c"] = int(off * x["sub_c"] // sub)
            acc += x["share_c"]
        else:
            x["share_c"] = off - acc
    for x in ls:
        x["total_c"] = x["sub_c"] - x["share_c"]


def build_yz(r: random.Random):
    taken: set = set()
    regular = make_buyers(r, 150, "yz", taken)
    trial_pool = make_buyers(r, 26, "yz", taken)
    others = make_buyers(r, 20, "yz", taken)  # recipients who are not buyers (gifts sent to family)
    buyers = regular + trial_pool
    nreg = len(regular)
    bw = [r.choice([1, 1, 1, 2, 2, 3, 4]) for _ in regular]
    days = list(pd.date_range(YZ_START, YZ_END, freq="D"))
    dw = [{0: 0.9, 1: 1.0, 2: 1.1, 3: 1.0, 4: 1.6, 5: 1.2, 6: 1.0}[d.weekday()] for d in days]
    used = set()

    def new_id(t: pd.Timestamp):
        while True:
            x = "E" + t.strftime("%Y%m%d%H%M%S") + "".join(r.choice("0123456789") for _ in range(8))
            if x not in used:
                used.add(x)
                return x

    orders = []

    def add(buyer, created, kind, ls, paid):
        o = dict(buyer=buyer, created=created, kind=kind, ls=ls, paid=paid, scen="none", oid=new_id(created))
        o["recv"] = r.choice(others) if (kind == "normal" and r.random() < 0.06) else buyers[buyer]
        orders.append(o)
        return o

    for i in range(262):
        d = r.choices(days, weights=dw)[0]
        b = r.choices(range(nreg), weights=bw)[0]
        unpaid = r.random() < 0.085
        if unpaid:
            created = d + pd.Timedelta(seconds=r.randint(8 * 3600, 23 * 3600 + 50 * 60))
            add(b, created, "unpaid_close", _yz_lines(r), pd.NaT)
        else:
            created = pick_time(r, d, 0.45)
            add(b, created, "normal", _yz_lines(r), created + pd.Timedelta(seconds=r.randint(10, 280)))
    # ¥0 trial orders: first paid order of each trial buyer, all before 10-25 so they have shipped
    trial_days = [d for d in days if d <= pd.Timestamp("2025-10-24")]
    for k in range(len(trial_pool)):
        b = nreg + k
        d = r.choice(trial_days)
        created = pick_time(r, d, 0.3)
        t = YZ_TRIAL
        ls = [dict(prod=t[0], spec=t[1], scode=t[2], icode=t[3], list_c=t[4], disc_way="0元试用", after_c=0, qty=1, sub_c=0, gift=False)]
        add(b, created, "zero", ls, created + pd.Timedelta(seconds=r.randint(1, 5)))
        if r.random() < 0.42:  # converted: a later paid order for the full-size product
            later = [x for x in days if x >= d + pd.Timedelta(days=3)]
            if later:
                d2 = r.choice(later)
                c2 = pick_time(r, d2, 0.45)
                o2 = add(b, c2, "normal", _yz_lines(r), c2 + pd.Timedelta(seconds=r.randint(10, 280)))
                o2["keep"] = True  # converted orders carry no refund
    # awaiting payment at export
    for k in range(3):
        created = pd.Timestamp("2025-10-31 23:12:00") + pd.Timedelta(seconds=r.randint(0, 30 * 60))
        add(r.randrange(nreg), created, "awaiting", _yz_lines(r), pd.NaT)

    for o in orders:
        _yz_share(o["ls"])
        if o["kind"] == "normal" and not o.get("keep"):
            sub = sum(x["total_c"] for x in o["ls"])
            multi = len(o["ls"]) >= 2
            u = r.random()
            if u < 0.055:
                o["scen"] = "full_pre"
            elif u < 0.10:
                o["scen"] = "full_post"
            elif u < 0.135:
                o["scen"] = "part_line_post" if multi else "part_amt"
            elif u < 0.165:
                o["scen"] = "part_amt"
            elif u < 0.19:
                o["scen"] = "part_line_pre" if multi else "none"
            elif u < 0.215:
                o["scen"] = "rejected"
            elif u < 0.23:
                o["scen"] = "withdrawn"
            if o["scen"] not in ("full_pre", "full_post") and sub >= 20000 and r.random() < 0.4:
                g = YZ_GIFT
                o["ls"].append(dict(prod=g[0], spec=g[1], scode=g[2], icode=g[3], list_c=0, disc_way="赠品", after_c=0, qty=1,
                                    sub_c=0, gift=True, share_c=0, total_c=0))

    for o in orders:
        o["success"] = pd.NaT
        for ln in o["ls"]:
            ln["ship"], ln["rs"], ln["refund_c"] = pd.NaT, "", 0
        if o["kind"] == "unpaid_close":
            o["status"] = "交易关闭"
            continue
        if o["kind"] == "awaiting":
            o["status"] = "待付款"
            continue
        ship = o["paid"] + pd.Timedelta(minutes=r.randint(6 * 60, 44 * 60))
        shipped = ship <= YZ_EXPORT
        if o["scen"] in ("full_post", "part_line_post", "part_amt") and not shipped:
            o["scen"] = "none"
        if o["scen"] == "full_pre":
            o["status"] = "交易关闭"
            for ln in o["ls"]:
                ln["rs"], ln["refund_c"] = "退款成功", ln["total_c"]
            continue
        for ln in o["ls"]:
            ln["ship"] = ship if shipped else pd.NaT
        if o["scen"] == "full_post":
            o["status"] = "交易关闭"
            for ln in o["ls"]:
                ln["rs"], ln["refund_c"] = "退款成功", ln["total_c"]
            continue
        conf = ship + pd.Timedelta(hours=r.randint(4 * 24, 10 * 24))
        if not shipped:
            o["status"] = "待发货"
        elif conf > YZ_EXPORT:
            o["status"] = "已发货"
        else:
            o["status"] = "交易成功"
            o["success"] = conf
        priced = [x for x in o["ls"] if not x["gift"]]
        if o["scen"] == "part_line_post":
            ln = r.choice(priced)
            ln["rs"], ln["refund_c"] = "退款成功", ln["total_c"]
        elif o["scen"] == "part_line_pre":
            ln = r.choice(priced)
            ln["rs"], ln["refund_c"], ln["ship"] = "退款成功", ln["total_c"], pd.NaT
        elif o["scen"] == "part_amt":
            ln = r.choice(priced)
            amt = int(round(ln["total_c"] * r.uniform(0.1, 0.35) / 100.0)) * 100
            ln["rs"], ln["refund_c"] = "退款成功", max(500, min(amt, ln["total_c"] - 100))
        elif o["scen"] == "rejected":
            r.choice(priced)["rs"] = "商家拒绝退款"
        elif o["scen"] == "withdrawn":
            r.choice(priced)["rs"] = "退款关闭"

    cand_pre = [o for o in orders if o["kind"] == "normal" and o["scen"] == "none" and o["status"] == "待发货" and not o.get("keep")]
    cand_post = [o for o in orders if o["kind"] == "normal" and o["scen"] == "none" and o["status"] == "已发货" and not o.get("keep")]
    assert len(cand_pre) >= 3 and len(cand_post) >= 5, (len(cand_pre), len(cand_post))
    for o in r.sample(cand_pre, 3):
        o["scen"] = "pending_pre"
        r.choice([x for x in o["ls"] if not x["gift"]])["rs"] = "退款中"
    for o in r.sample(cand_post, 5):
        o["scen"] = "pending_post"
        r.choice([x for x in o["ls"] if not x["gift"]])["rs"] = "退款中"

    for o in orders:
        o["otype"] = "拼团订单" if (o["kind"] == "normal" and r.random() < 0.12) else "普通订单"
        o["carrier"] = r.choice(["中通快递", "韵达快递", "申通快递"])
        o["track"] = "7" + "".join(r.choice("0123456789") for _ in range(13))

    od = pd.DataFrame([{k: v for k, v in o.items() if k not in ("ls", "recv")} for o in orders])
    od["recv_phone"] = [o["recv"]["phone"] for o in orders]
    lines = []
    for o in orders:
        for j, ln in enumerate(o["ls"]):
            lines.append(dict(oid=o["oid"], j=j, **ln))
    ln = pd.DataFrame(lines)
    od["phone"] = od.buyer.map(lambda b: buyers[b]["phone"])
    od["amt_c"] = od.oid.map(ln.groupby("oid").total_c.sum())
    od["refund_c"] = od.oid.map(ln.groupby("oid").refund_c.sum())
    od["is_paid"] = od.paid.notna()
    recv = {o["oid"]: o["recv"] for o in orders}
    return od, ln, buyers, recv


def yz_bytes(od: pd.DataFrame, ln: pd.DataFrame, buyers: list[dict], recv: dict) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(YZ_HEADERS)
    ol = od.set_index("oid")
    for _, x in newest_first(ln, od).iterrows():
        o = ol.loc[x.oid]
        b = buyers[o.buyer]
        rc = recv[x.oid]
        if o.status in ("待付款", "交易关闭") and not o.is_paid:
            line_state = o.status
        elif x.refund_c > 0 and x.refund_c == x.total_c:
            line_state = "交易关闭"
        else:
            line_state = o.status
        shipped = pd.notna(x.ship)
        w.writerow([
            "\t" + x.oid, o.otype, o.status, ts(o.created), ts(o.paid), ts(o.success), fmt(o.amt_c), b["nick"], b["phone"],
            line_state, x["prod"], "实物商品", x.spec, x.scode, x.icode, fmt(x.list_c), x.disc_way, fmt(x.after_c), int(x.qty),
            fmt(x.sub_c), fmt(x.share_c), fmt(x.total_c), 0, "", rc["name"], rc["phone"], rc["prov"], rc["city"], rc["dist"], rc["addr"],
            "", ("已发货" if shipped else "未发货"), "快递发货", (o.carrier if shipped else ""), ("\t" + o.track if shipped else ""),
            ("仓库-小林" if shipped else ""), ts(x.ship), x.rs, fmt(x.refund_c), "",
        ])
    return buf.getvalue().encode("utf-8-sig")


# ======================================================================================
# 3. 京东 POP 订单导出
# ======================================================================================
JD_HEADERS = [
    "订单号", "商品ID", "商品名称", "订购数量", "支付方式", "下单时间", "京东价", "订单金额", "结算金额", "余额支付", "应付金额", "订单状态",
    "订单类型", "下单帐号", "客户姓名", "客户地址", "联系电话", "订单备注", "发票类型", "发票抬头", "发票内容", "商家备注",
    "商家备注等级（等级1-5为由高到低）", "运费金额", "付款确认时间", "增值税发票", "货号", "订单完成时间", "订单来源", "订单渠道",
]
assert len(JD_HEADERS) == 30
# name, sku id, item code, price (cents), weight
JD_PRODUCTS = [
    ("禾初 明前龙井 特级 100g罐装 绿茶 春茶", "100098765401", "HC-LJ100", 15800, 3.0),
    ("禾初 正山小种 红茶 150g 袋装", "100098765402", "HC-ZS150", 8500, 3.5),
    ("禾初 白毫银针 白茶 礼盒 200g", "100098765403", "HC-YZ200", 28800, 1.2),
    ("禾初 桂花乌龙 冷泡茶 10包 袋泡茶", "100098765404", "HC-GH10", 3990, 4.5),
    ("禾初 陈皮白茶饼 357g", "100098765405", "HC-CP357", 11900, 2.0),
]
JD_GIFT = ("【赠品】禾初 不锈钢茶漏", "100098765406", "HC-GIFT-CL", 0)
JD_TRIAL = ("【试用装】禾初 桂花乌龙 冷泡茶 2包", "100098765407", "HC-GH2", 990)


def build_jd(r: random.Random):
    buyers = make_buyers(r, 140, "jd")
    bw = [r.choice([1, 1, 1, 1, 2, 2, 3]) for _ in buyers]
    days = list(pd.date_range(JD_START, JD_END, freq="D"))
    dw = [{0: 1.0, 1: 1.1, 2: 1.0, 3: 1.2, 4: 1.0, 5: 1.3, 6: 1.2}[d.weekday()] for d in days]
    used = set()

    def new_id():
        while True:
            x = "3" + "".join(r.choice("0123456789") for _ in range(11))
            if x not in used:
                used.add(x)
                return x

    orders = []
    for i in range(226):
        d = r.choices(days, weights=dw)[0]
        b = r.choices(range(len(buyers)), weights=bw)[0]
        u = r.random()
        kind = "unpaid_cancel" if u < 0.08 else ("zero" if u < 0.15 else ("paid_cancel" if u < 0.205 else "normal"))
        if kind == "unpaid_cancel":
            created = d + pd.Timedelta(seconds=r.randint(8 * 3600, 23 * 3600 + 50 * 60))
        else:
            created = pick_time(r, d, 0.5)
        if kind == "zero":
            if d > pd.Timestamp("2025-09-25"):
                d = d - pd.Timedelta(days=7)
                created = pick_time(r, d, 0.5)
            t = JD_TRIAL
            ls = [dict(prod=t[0], sku=t[1], code=t[2], price_c=t[3], qty=(2 if r.random() < 0.25 else 1))]
        else:
            k = r.choices([1, 2, 3], weights=[72, 22, 6])[0]
            ps = []
            while len(ps) < k:
                p = r.choices(JD_PRODUCTS, weights=[x[-1] for x in JD_PRODUCTS])[0]
                if p not in ps:
                    ps.append(p)
            ls = [dict(prod=p[0], sku=p[1], code=p[2], price_c=p[3], qty=r.choices([1, 2, 3], weights=[84, 12, 4])[0]) for p in ps]
        goods = sum(x["price_c"] * x["qty"] for x in ls)
        if kind == "zero":
            freight, pay = 0, 0
        else:
            freight = 600 if goods < 9900 else 0
            off = 2000 if goods >= 19900 else 0
            pay = goods + freight - off
            if goods >= 19900 and r.random() < 0.4:
                g = JD_GIFT
                ls.append(dict(prod=g[0], sku=g[1], code=g[2], price_c=0, qty=1))
        o = dict(oid=new_id(), buyer=b, created=created, kind=kind, ls=ls, goods_c=goods, freight_c=freight,
                 order_c=goods + freight, pay_c=pay)
        o["paid"] = pd.NaT if kind == "unpaid_cancel" else created + pd.Timedelta(seconds=r.randint(5, 280))
        orders.append(o)
    for k in range(5):
        created = pd.Timestamp("2025-09-30 23:00:00") + pd.Timedelta(seconds=r.randint(0, 45 * 60))
        p = r.choices(JD_PRODUCTS, weights=[x[-1] for x in JD_PRODUCTS])[0]
        ls = [dict(prod=p[0], sku=p[1], code=p[2], price_c=p[3], qty=1)]
        goods = p[3]
        freight = 600 if goods < 9900 else 0
        orders.append(dict(oid=new_id(), buyer=r.randrange(len(buyers)), created=created, kind="awaiting", ls=ls, goods_c=goods,
                           freight_c=freight, order_c=goods + freight, pay_c=goods + freight, paid=pd.NaT))
    for o in orders:
        o["done"] = pd.NaT
        if o["kind"] == "awaiting":
            o["status"] = "等待付款"
        elif o["kind"] in ("unpaid_cancel", "paid_cancel"):
            o["status"] = "已取消"
        else:
            ship = o["paid"] + pd.Timedelta(minutes=r.randint(10 * 60, 36 * 60))
            conf = ship + pd.Timedelta(hours=r.randint(3 * 24, 8 * 24))
            if ship > JD_EXPORT:
                o["status"] = "等待出库"
            elif conf > JD_EXPORT:
                o["status"] = "等待确认收货"
            else:
                o["status"] = "完成"
                o["done"] = conf
        o["src"] = r.choice(["移动端订单", "移动端订单", "移动端订单", "微信订单", "PC订单"])
        o["chan"] = r.choice(["京东直播", "京东直播", "搜索", "暂无来源"])
        o["inv"] = r.random() < 0.3
    od = pd.DataFrame([{k: v for k, v in o.items() if k != "ls"} for o in orders])
    lines = []
    for o in orders:
        for j, ln in enumerate(o["ls"]):
            lines.append(dict(oid=o["oid"], j=j, **ln))
    ln = pd.DataFrame(lines)
    od["account"] = od.buyer.map(lambda b: buyers[b]["account"])
    od["is_paid"] = od.paid.notna()
    return od, ln, buyers


def jd_bytes(od: pd.DataFrame, ln: pd.DataFrame, buyers: list[dict]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(JD_HEADERS)
    ol = od.set_index("oid")
    for _, x in newest_first(ln, od).iterrows():
        o = ol.loc[x.oid]
        b = buyers[o.buyer]
        w.writerow([
            x.oid, x.sku, x["prod"], int(x.qty), "在线支付", ts(o.created), fmt(x.price_c), fmt(o.order_c), fmt(o.pay_c), "0.00",
            fmt(o.pay_c), o.status, "销售订单", b["account"], b["name"], b["addr"].replace("省", "").replace("****", "***"), b["phone"],
            ("京东试用" if o.kind == "zero" else ""), ("电子普通发票" if o.inv else ""), ("个人" if o.inv else ""),
            ("商品明细" if o.inv else ""), "", "", fmt(o.freight_c), ts(o.paid), "", x.code, ts(o.done), o.src, o.chan,
        ])
    return buf.getvalue().encode("gbk")


# ======================================================================================
# answers
# ======================================================================================
def q(qid, file, lang, text, category, expected, definition, tol):
    return dict(id=qid, file=file, lang=lang, q=text, category=category, expected=expected, definition=definition, tolerance=tol)


MONEY = {"abs": 0.01}
RATE = {"abs": 0.001}


def answers(wx, wxl, yz, yzl, jd, jdl) -> list[dict]:
    Q = []
    # ---------------- shared order-level derivations
    wp = wx[wx.is_paid]
    w_full = wp[(wp.amt_c > 0) & (wp.refund_c == wp.amt_c)]
    w_part = wp[(wp.refund_c > 0) & (wp.refund_c < wp.amt_c)]
    yp = yz[yz.is_paid]
    y_full = yp[(yp.amt_c > 0) & (yp.refund_c == yp.amt_c)]
    y_part = yp[(yp.refund_c > 0) & (yp.refund_c < yp.amt_c)]

    # paid-then-cancelled / closed orders are exactly the fully refunded ones
    assert set(w_full.oid) == set(wp[wp.status == "已取消"].oid)
    assert set(y_full.oid) == set(yp[yp.status == "交易关闭"].oid)

    # ================= refund_kind
    Q.append(q("c6-01", F_WX, "zh", "视频号小店这三个月，整单退款的有多少单、一共退了多少钱？只退了一部分的又有多少单、退了多少？", "refund_kind",
               {"full_orders": int(len(w_full)), "full_refund": yuan(w_full.refund_c.sum()),
                "partial_orders": int(len(w_part)), "partial_refund": yuan(w_part.refund_c.sum())},
               "文件一行是一个商品行，同一订单号的多行重复“订单实际支付金额”。按订单号汇总：退款额=该订单各行“商品已退款金额”之和；订单金额=“订单实际支付金额”取一次（不能按行加总）。"
               "只看“支付时间”非空的订单。整单退款=订单金额>0且退款额=订单金额；部分退款=0<退款额<订单金额（一单里只退了其中一个商品行，或单行只退了部分金额）。"
               "“商家拒绝退款”“用户取消申请”“商家受理中/待买家退货/待商家收货”这些行的已退款金额是0，不算退款。赠品行价格为0。", MONEY))
    Q.append(q("c6-02", F_YZ, "en", "On Youzan, how many orders were only partly refunded, and what fraction of the money paid on those orders went back to the buyers?", "refund_kind",
               {"partial_orders": int(len(y_part)), "refund_share": r4(y_part.refund_c.sum() / y_part.amt_c.sum())},
               "One row per product line; 订单实付金额 is repeated on every line of an order. Per 订单号: refunded = sum of 商品已退款金额 over its lines, paid = 订单实付金额 taken once. "
               "Paid orders only (买家付款时间 not blank). Partly refunded = 0 < refunded < paid (one line of a multi-line order refunded, or part of a line's amount). "
               "refund_share = Σrefunded ÷ Σpaid over those orders, as a decimal. 商家拒绝退款 / 退款中 / 退款关闭 lines have 0.00 refunded.", RATE))
    Q.append(q("c6-03", F_YZ, "zh", "有赞这两个月一共退了多少钱？里面整单退的和部分退的各是多少钱？", "refund_kind",
               {"total_refund": yuan(yz.refund_c.sum()), "full_refund": yuan(y_full.refund_c.sum()), "partial_refund": yuan(y_part.refund_c.sum())},
               "total_refund=全部行“商品已退款金额”之和。按订单号汇总退款额，与“订单实付金额”（每单取一次）比较：相等且>0为整单退（订单状态为交易关闭且买家付款时间非空），"
               "0<退款额<实付为部分退。full_refund、partial_refund分别为两类订单的退款额之和，二者相加等于total_refund。", MONEY))
    oct_part = sorted(w_part[w_part.created.dt.month == 10].oid.tolist())
    Q.append(q("c6-04", F_WX, "zh", "10月份视频号有哪些订单是部分退款的？把订单号列给我。", "refund_kind",
               oct_part,
               "部分退款订单的判定同c6-01（按订单号：0<Σ商品已退款金额<订单实际支付金额，支付时间非空），再取“订单下单时间”在2025-10的（付款与下单同一天，按支付时间结果相同）。"
               "订单号为19位文本。按订单号排序。", 0))
    Q.append(q("c6-05", F_JD, "en", "On the JD store, how many orders got partial refunds in August and September?", "refund_kind", "refuse",
               "The 京东 POP order export has no refund amount, after-sale status or return column (only 订单状态, where 已取消 marks a cancelled order). "
               "Partial refunds cannot be identified from this file; it would need the 售后/退款 export.", 0))

    # ================= refund_timing
    wr = wxl[wxl.refund_c > 0]
    wb, wa = wr[~wr.shipped], wr[wr.shipped]
    assert not (set(wb.oid) & set(wa.oid))
    Q.append(q("c6-06", F_WX, "zh", "视频号这边，还没发货就退款的有几单、退了多少？发了货之后才退的又有几单、多少钱？", "refund_timing",
               {"before_orders": int(wb.oid.nunique()), "before_refund": yuan(wb.refund_c.sum()),
                "after_orders": int(wa.oid.nunique()), "after_refund": yuan(wa.refund_c.sum())},
               "看商品行：“商品已退款金额”>0的行，“商品发货”=未发货→发货前退款，=已发货→发货后退款；订单数按订单号去重，金额为这些行的已退款金额之和（没有订单同时属于两类）。"
               "注意：一单多商品、其中一个商品发货前就退掉、其余商品照常发货的订单，“订单发货时间”有值，但退掉的那行“商品发货”是未发货，算发货前退款。"
               "退款中/拒绝/撤销的行已退款金额为0，不计。", MONEY))
    yr = yzl[yzl.refund_c > 0]
    yb, ya = yr[yr.ship.isna()], yr[yr.ship.notna()]
    assert not (set(yb.oid) & set(ya.oid))
    Q.append(q("c6-07", F_YZ, "en", "Youzan refunds: how much money did we refund before the goods shipped, and how much after they had shipped?", "refund_timing",
               {"before_shipping": yuan(yb.refund_c.sum()), "after_shipping": yuan(ya.refund_c.sum())},
               "Line level: rows with 商品已退款金额 > 0. 商品发货时间 blank (商品发货状态 未发货) → refunded before shipping; 商品发货时间 filled (已发货) → after shipping. "
               "Sum 商品已退款金额 per group. A line refunded before shipping inside an order whose other lines shipped counts as before.", MONEY))
    yps = yzl[(yzl.rs == "退款中") & yzl.ship.notna()]
    Q.append(q("c6-08", F_YZ, "zh", "有赞有几单是已经发货了、买家又申请退款、现在还在退款中的？这些商品金额一共多少？", "refund_timing",
               {"orders": int(yps.oid.nunique()), "amount": yuan(yps.total_c.sum())},
               "商品行“商品退款状态”=退款中 且 “商品发货状态”=已发货（商品发货时间非空）。orders=这些行的订单号去重数；amount=这些行“商品实际成交金额”之和（退款还没退，已退款金额都是0）。"
               "还没发货就申请、仍在退款中的行（待发货订单）不算。", MONEY))
    Q.append(q("c6-09", F_JD, "zh", "京东店这两个月，发货以后又被退货退款的有多少单？", "refund_timing", "refuse",
               "京东POP订单导出没有发货/出库时间列，也没有售后或退款列；“已取消”只说明订单被取消，看不出是否发过货，发货后的退货退款在这个文件里看不到，需要售后单导出。", 0))
    y_ref_orders = yr.oid.nunique()
    Q.append(q("c6-10", F_YZ, "en", "Of the Youzan orders that got any money back, what share were refunded before shipping?", "refund_timing",
               r4(yb.oid.nunique() / y_ref_orders),
               f"Orders with Σ商品已退款金额 > 0 (paid orders): {y_ref_orders}. An order is 'before shipping' when its refunded lines have blank 商品发货时间 "
               f"({yb.oid.nunique()} orders; no order has refunded lines on both sides). Share = before ÷ all refunded orders, decimal.", RATE))

    # ================= zero_amount
    wz = wp[wp.amt_c == 0]
    Q.append(q("c6-11", F_WX, "zh", "视频号0元的单子（直播间福袋那种）一共有多少单？", "zero_amount",
               int(len(wz)),
               "按订单号：“支付时间”非空且“订单实际支付金额”=0.00的订单（均为【福袋专享】试饮装）。不要按行数数：付费订单里的【赠品】行“商品实际价格(总共)”也是0，但订单金额不为0；"
               "未付款/已取消订单的“订单实际支付金额”显示的是应付金额，不是0。", 0))
    Q.append(q("c6-12", F_WX, "en", "How many different buyers paid for at least one WeChat Channels order (later refunds don't matter)? Give me the number with the free lucky-bag orders included and with them left out.", "zero_amount",
               {"including_free": int(wp.phone.nunique()), "excluding_free": int(wp[wp.amt_c > 0].phone.nunique())},
               "Buyer = 收件人手机 (masked like 138****1234; unique per buyer in this file; 收件人姓名 is masked and collides). Paid orders = 支付时间 not blank, including orders later refunded/cancelled. "
               "including_free counts buyers over all paid orders; excluding_free only over orders with 订单实际支付金额 > 0 (a buyer whose only paid orders are ¥0 福袋 drops out).", 0))
    yzz = yp[yp.kind == "zero"]
    assert (yp[yp.amt_c == 0].oid.tolist() == yzz.oid.tolist())
    conv = 0
    for ph, g in yp.groupby("phone"):
        z = g[g.amt_c == 0]
        if len(z) and (g[(g.amt_c > 0)].paid > z.paid.min()).any():
            conv += 1
    Q.append(q("c6-13", F_YZ, "zh", "有赞0元试用一共发了多少单？领完试用之后又花钱下单的有几个人？", "zero_amount",
               {"trial_orders": int(len(yzz)), "converted_buyers": int(conv)},
               "trial_orders=按订单号：买家付款时间非空且“订单实付金额”=0.00的订单（【0元试用】，订单类型仍是普通订单）。converted_buyers=按“买家手机号”：有0元试用单，且在其后（买家付款时间更晚）"
               "还有订单实付金额>0的已付款订单的买家数（这些人在试用前都没有付费订单，“其后”与“任何时候”结果相同；转化订单都没有退款）。", 0))
    Q.append(q("c6-14", F_YZ, "en", "What's the Youzan average order value with the ¥0 trial orders counted, and without them? Just use the paid amount, ignore refunds.", "zero_amount",
               {"with_trials": yuan(yp.amt_c.sum() / len(yp)), "without_trials": yuan(yp[yp.amt_c > 0].amt_c.sum() / len(yp[yp.amt_c > 0]))},
               "Paid orders = 买家付款时间 not blank (this includes orders later closed after a full refund — refunds are ignored as asked). AOV = Σ订单实付金额 (once per 订单号) ÷ number of orders. "
               "with_trials includes the ¥0 【0元试用】 orders in the count; without_trials drops orders with 订单实付金额 = 0.", MONEY))
    jz = jd[jd.is_paid & (jd.pay_c == 0)]
    Q.append(q("c6-15", F_JD, "zh", "京东这边0元的试用单有几单？一共送出去多少件？", "zero_amount",
               {"orders": int(len(jz)), "items": int(jdl[jdl.oid.isin(jz.oid)].qty.sum())},
               "京东导出一行一个SKU，订单金额/应付金额在每行重复。0元单=“应付金额”=0.00且“付款确认时间”非空的订单（按订单号去重；订单备注“京东试用”）。注意这些订单的“京东价”是9.90元/件、“订单金额”是原价合计，都不是0；要看“应付金额”（“结算金额”也是0.00）。"
               "items=这些订单行的“订购数量”之和。付费订单里的【赠品】行京东价为0，但所在订单应付金额不为0，不算。", 0))

    # ================= valid_orders
    wv = wp[(wp.amt_c > 0) & (wp.refund_c < wp.amt_c)]
    cnt = wv.groupby("phone").size()
    Q.append(q("c6-16", F_WX, "zh", "视频号的复购率帮我算一下，整单退掉的和0元福袋单都不算。", "valid_orders",
               r4((cnt >= 2).sum() / len(cnt)),
               f"有效订单=支付时间非空、订单实际支付金额>0、且没有整单退款（按订单号Σ商品已退款金额<订单实际支付金额；部分退款的订单保留）。买家=收件人手机。"
               f"复购率=有效订单≥2单的买家数÷有效订单买家数={int((cnt >= 2).sum())}÷{len(cnt)}，小数。待付款、未付款取消的订单不算。", RATE))
    yv = yp[(yp.amt_c > 0) & (yp.refund_c < yp.amt_c)]
    Q.append(q("c6-17", F_YZ, "en", "What's our Youzan AOV on valid orders only — paid, not fully refunded, not ¥0 trials — using what customers actually kept after partial refunds?", "valid_orders",
               yuan((yv.amt_c - yv.refund_c).sum() / len(yv)),
               f"Valid = 买家付款时间 not blank, 订单实付金额 > 0, and Σ商品已退款金额 < 订单实付金额 per 订单号 ({len(yv)} orders). "
               "Kept amount per order = 订单实付金额 (once) − Σ商品已退款金额; AOV = Σkept ÷ number of valid orders.", MONEY))
    yc = yv.groupby("phone").size()
    Q.append(q("c6-18", F_YZ, "zh", "有赞有效订单（付了款、没整单退、不是0元试用）一共多少个买家？其中下过两单及以上的有几个？", "valid_orders",
               {"buyers": int(len(yc)), "repeat_buyers": int((yc >= 2).sum())},
               "有效订单定义同c6-17。买家按“买家手机号”去重（打码但每人唯一）；不要用“收货人手机号/提货人手机号”，有些订单是送给家人的，收货人不是买家。", 0))
    jv = jd[jd.is_paid & (jd.status != "已取消") & (jd.pay_c > 0)]
    Q.append(q("c6-19", F_JD, "zh", "京东平均一单多少钱？取消的和0元单不算，没付款的也不算。", "valid_orders",
               yuan(jv.pay_c.sum() / len(jv)),
               f"按订单号去重（一行一个SKU，金额列每行重复）。有效订单=“付款确认时间”非空、订单状态≠已取消、“应付金额”>0，共{len(jv)}单。平均=Σ应付金额÷单数（应付金额含运费、已扣满减；"
               "不要用“订单金额”，那是优惠前金额）。", MONEY))
    jc = jv.groupby("account").size()
    Q.append(q("c6-20", F_JD, "en", "How many distinct JD customers placed a valid order (paid, not cancelled, not a ¥0 trial), and how many of them ordered at least twice?", "valid_orders",
               {"customers": int(len(jc)), "repeat_customers": int((jc >= 2).sum())},
               "Valid orders as in c6-19 (付款确认时间 not blank, 订单状态 ≠ 已取消, 应付金额 > 0), one per 订单号. Customer = 下单帐号 (客户姓名 is masked like 王* and collides). "
               "repeat = customers with ≥ 2 valid orders.", 0))

    # ================= status
    wc = wx[wx.status == "已取消"]
    Q.append(q("c6-21", F_WX, "zh", "视频号已取消的订单里，多少是压根没付款的、多少是付了钱后来取消的？另外现在还有几单在等付款？", "status",
               {"unpaid_cancelled": int((~wc.is_paid).sum()), "paid_then_cancelled": int(wc.is_paid.sum()), "awaiting_payment": int((wx.status == "待付款").sum())},
               "按订单号去重。订单状态=已取消：支付时间为空→没付款就取消；支付时间非空→付款后取消（全部商品退款后订单变为已取消，含发货前退款和发货后退货退款）。"
               "awaiting_payment=订单状态为待付款的订单数（10-31深夜下单、导出时还没付）。", 0))
    yc_ = yz[yz.status == "交易关闭"]
    Q.append(q("c6-22", F_YZ, "zh", "有赞交易关闭的单子，没付款超时关掉的有多少、付了款又退款关掉的有多少？商家拒绝退款的有几单？", "status",
               {"unpaid_closed": int((~yc_.is_paid).sum()), "paid_then_closed": int(yc_.is_paid.sum()),
                "merchant_rejected_orders": int(yzl[yzl.rs == "商家拒绝退款"].oid.nunique())},
               "按订单号去重。订单状态=交易关闭：买家付款时间为空→未付款关闭；非空→付款后整单退款关闭。merchant_rejected_orders=有商品行“商品退款状态”=商家拒绝退款的订单数（这些订单照常成交，已退款金额为0）。", 0))
    jc_ = jd[jd.status == "已取消"]
    Q.append(q("c6-23", F_JD, "zh", "京东还有几单等待付款？已取消的里面付过钱的几单、没付钱的几单？", "status",
               {"awaiting_payment": int((jd.status == "等待付款").sum()), "cancelled_paid": int(jc_.is_paid.sum()), "cancelled_unpaid": int((~jc_.is_paid).sum())},
               "按订单号去重（一行一个SKU）。awaiting_payment=订单状态“等待付款”；已取消订单按“付款确认时间”是否为空分为未付款取消和付款后取消。", 0))
    wo = wxl[wxl["as"].isin(WX_OPEN_REFUND)]
    Q.append(q("c6-24", F_WX, "en", "How many WeChat Channels orders have a refund request that's still open right now, and how much merchandise value is involved?", "status",
               {"orders": int(wo.oid.nunique()), "amount": yuan(wo.total_c.sum())},
               "Open after-sale = line 商品售后 in {商家受理中, 待买家退货, 待商家收货} (商品已退款金额 still 0.00). orders = distinct 订单号; amount = Σ商品实际价格(总共) of those lines. "
               "退款完成/退货退款完成 are finished; 商家拒绝退款 and 用户取消申请 are closed, not open.", MONEY))
    yw = yz[yz.status == "待发货"]
    ywp = yzl[yzl.oid.isin(yw.oid) & (yzl.rs == "退款中")].oid.nunique()
    Q.append(q("c6-25", F_YZ, "en", "How many paid Youzan orders are still waiting to ship, and how many of those have a refund in progress?", "status",
               {"awaiting_shipment": int(len(yw)), "with_refund_in_progress": int(ywp)},
               "Distinct 订单号 with 订单状态 = 待发货 (all paid, none is a ¥0 trial). Of those, orders with a line whose 商品退款状态 = 退款中. "
               "Shipped orders with 退款中 lines (订单状态 已发货) are not waiting to ship.", 0))

    # ================= weekday
    wpw = wp.assign(wd=wp.paid.dt.day_of_week)
    Q.append(q("c6-26", F_WX, "zh", "视频号三个月里所有周一加起来成交了多少钱？退款的先不扣。", "weekday",
               yuan(wpw[wpw.wd == 0].amt_c.sum()),
               f"支付时间非空的订单，按订单号取一次“订单实际支付金额”，支付时间是星期一的求和（2025-08-01至10-31共{n_weekdays(WX_START, WX_END, {0})}个周一）；"
               "含之后退款/取消的订单，不扣退款；未付款订单不算。下单与付款在同一天，按下单时间结果相同。", MONEY))
    ypw = yp.assign(wd=yp.paid.dt.day_of_week)
    we, wd = ypw[ypw.wd >= 5], ypw[ypw.wd < 5]
    n_we, n_wd = n_weekdays(YZ_START, YZ_END, {5, 6}), n_weekdays(YZ_START, YZ_END, {0, 1, 2, 3, 4})
    Q.append(q("c6-27", F_YZ, "en", "Youzan: weekends vs weekdays — total sales on Sat+Sun vs Mon–Fri, and the average per day for each? Gross, before refunds.", "weekday",
               {"weekend_sales": yuan(we.amt_c.sum()), "weekday_sales": yuan(wd.amt_c.sum()),
                "weekend_per_day": yuan(we.amt_c.sum() / n_we), "weekday_per_day": yuan(wd.amt_c.sum() / n_wd)},
               f"Paid orders (买家付款时间 not blank), 订单实付金额 once per 订单号, grouped by the weekday of 买家付款时间; refunds not deducted. "
               f"Per-day averages divide by the calendar days of each kind in the export period 2025-09-01..2025-10-31: {n_we} weekend days, {n_wd} weekdays "
               "(days without sales count; the 国庆 holiday weekdays are still weekdays).", MONEY))
    jpw = jd[jd.is_paid & (jd.pay_c > 0)].assign(wd=lambda d: d.paid.dt.day_of_week)
    Q.append(q("c6-28", F_JD, "zh", "京东周二到周四一共有多少单付了款？后来取消的也算，0元试用单不算。", "weekday",
               int(jpw.wd.isin([1, 2, 3]).sum()),
               "按订单号去重：“付款确认时间”非空、应付金额>0，且付款确认时间是周二、周三或周四（2025-08-01至09-30全期）。包括付款后又取消的订单。下单与付款同一天。", 0))
    net = wpw.assign(net=wpw.amt_c - wpw.refund_c).groupby("wd").net.sum().sort_values(ascending=False)
    assert net.iloc[0] > net.iloc[1] * 1.1, net
    Q.append(q("c6-29", F_WX, "en", "Which day of the week brings in the most net sales on WeChat Channels (after refunds), and how much over the three months?", "weekday",
               {WEEKDAY_EN[int(net.index[0])]: yuan(net.iloc[0])},
               "Paid orders (支付时间 not blank); net per order = 订单实际支付金额 (once per 订单号) − Σ商品已退款金额 of its lines; grouped by the weekday of 支付时间 over 2025-08-01..10-31. "
               "Values: " + ", ".join(f"{WEEKDAY_EN[int(k)]}={yuan(v):.2f}" for k, v in net.items()) + ".", MONEY))
    n_wed = n_weekdays(YZ_START, YZ_END, {2})
    wedc = int(((ypw.wd == 2) & (ypw.amt_c > 0)).sum())
    Q.append(q("c6-30", F_YZ, "zh", "有赞平均每个周三有多少单付款订单？0元试用的不算。", "weekday",
               float(round(wedc / n_wed, 2)),
               f"买家付款时间非空、订单实付金额>0的订单（含后来退款关闭的），付款时间为周三的共{wedc}单；导出期2025-09-01至10-31共{n_wed}个周三；平均={wedc}÷{n_wed}，保留两位小数。", {"abs": 0.01}))
    return Q


# ======================================================================================
# YAML emitter (JSON-style scalars are valid YAML)
# ======================================================================================
def _scalar(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, float):
        assert np.isfinite(v)
        return repr(v)
    return json.dumps(str(v), ensure_ascii=False)


def _emit(v, indent: int) -> list[str]:
    pad = " " * indent
    lines = []
    if isinstance(v, dict):
        for k, x in v.items():
            key = k if str(k).isascii() and str(k).replace("_", "").isalnum() else json.dumps(str(k), ensure_ascii=False)
            if isinstance(x, (dict, list)) and x:
                lines.append(f"{pad}{key}:")
                lines += _emit(x, indent + 2)
            else:
                lines.append(f"{pad}{key}: {_scalar(x)}")
    elif isinstance(v, list):
        for x in v:
            if isinstance(x, dict):
                sub = _emit(x, indent + 2)
                sub[0] = pad + "- " + sub[0].lstrip()
                lines += sub
            else:
                lines.append(f"{pad}- {_scalar(x)}")
    else:
        lines.append(pad + _scalar(v))
    return lines


def to_yaml(doc: dict) -> str:
    return "\n".join(_emit(doc, 0)) + "\n"


# ======================================================================================
# verification: re-read the written files and recompute every answer from their columns
# ======================================================================================
def _money(s: pd.Series) -> pd.Series:
    return pd.to_numeric(s.astype(str).str.replace(",", "", regex=False).str.strip().replace({"": np.nan}), errors="coerce")


def verify(qs: list[dict]):
    A = {x["id"]: x["expected"] for x in qs}
    n = 0

    def check(name, got, exp, tol=0.011):
        nonlocal n
        if isinstance(exp, (int, float)) and not isinstance(exp, bool):
            assert abs(float(got) - float(exp)) <= tol, f"{name}: file gives {got}, answer says {exp}"
        else:
            assert got == exp, f"{name}: file gives {got!r}, answer says {exp!r}"
        n += 1

    # ---------------------------------------------------------------- 视频号 / 微信小店
    w = pd.read_excel(OUT / F_WX, dtype=str, keep_default_na=False)
    assert list(w.columns) == WX_HEADERS
    for c in ["订单实际支付金额", "商品实际价格(总共)", "商品已退款金额"]:
        w[c] = _money(w[c])
    w["pt"] = pd.to_datetime(w["支付时间"].replace("", None))
    w["ct"] = pd.to_datetime(w["订单下单时间"])
    o = w.groupby("订单号").agg(paid=("订单实际支付金额", "first"), ref=("商品已退款金额", "sum"), pt=("pt", "first"), ct=("ct", "first"),
                              st=("订单状态", "first"), ph=("收件人手机", "first"), nm=("收件人姓名", "first"),
                              npaid=("订单实际支付金额", "nunique"))
    assert (o.npaid == 1).all()
    o["ref"] = o.ref.round(2)
    p = o[o.pt.notna()]
    full = p[(p.paid > 0) & ((p.ref - p.paid).abs() < 0.005)]
    part = p[(p.ref > 0.005) & (p.ref < p.paid - 0.005)]
    check("c6-01 fo", len(full), A["c6-01"]["full_orders"]); check("c6-01 fr", full.ref.sum(), A["c6-01"]["full_refund"])
    check("c6-01 po", len(part), A["c6-01"]["partial_orders"]); check("c6-01 pr", part.ref.sum(), A["c6-01"]["partial_refund"])
    check("c6-04", sorted(part[part.ct.dt.month == 10].index.tolist()), A["c6-04"])
    rl = w[w["商品已退款金额"] > 0]
    b, a = rl[rl["商品发货"] == "未发货"], rl[rl["商品发货"] == "已发货"]
    check("c6-06 bo", b["订单号"].nunique(), A["c6-06"]["before_orders"]); check("c6-06 br", b["商品已退款金额"].sum(), A["c6-06"]["before_refund"])
    check("c6-06 ao", a["订单号"].nunique(), A["c6-06"]["after_orders"]); check("c6-06 ar", a["商品已退款金额"].sum(), A["c6-06"]["after_refund"])
    # the naive order-level rule (订单发货时间 blank) gives a different before-count: the trap is live
    naive_b = w[(w["商品已退款金额"] > 0) & (w["订单发货时间"] == "")]["订单号"].nunique()
    assert naive_b != A["c6-06"]["before_orders"]
    check("c6-11", int((p.paid == 0).sum()), A["c6-11"])
    assert int((w["商品实际价格(总共)"] == 0).sum()) != A["c6-11"]  # counting ¥0 rows is wrong
    check("c6-12 in", p.ph.nunique(), A["c6-12"]["including_free"]); check("c6-12 ex", p[p.paid > 0].ph.nunique(), A["c6-12"]["excluding_free"])
    assert p.groupby("ph").nm.nunique().max() == 1  # 姓名+手机 gives the same buyers
    v = p[(p.paid > 0) & (p.ref < p.paid - 0.005)]
    c = v.groupby("ph").size()
    check("c6-16", r4((c >= 2).sum() / len(c)), A["c6-16"], 0.0005)
    cx = o[o.st == "已取消"]
    check("c6-21 u", int(cx.pt.isna().sum()), A["c6-21"]["unpaid_cancelled"]); check("c6-21 p", int(cx.pt.notna().sum()), A["c6-21"]["paid_then_cancelled"])
    check("c6-21 a", int((o.st == "待付款").sum()), A["c6-21"]["awaiting_payment"])
    op = w[w["商品售后"].isin(["商家受理中", "待买家退货", "待商家收货"])]
    check("c6-24 o", op["订单号"].nunique(), A["c6-24"]["orders"]); check("c6-24 a", op["商品实际价格(总共)"].sum(), A["c6-24"]["amount"])
    check("c6-26", p[p.pt.dt.day_of_week == 0].paid.sum(), A["c6-26"])
    assert abs(p[p.ct.dt.day_of_week == 0].paid.sum() - A["c6-26"]) < 0.005
    nt = (p.paid - p.ref).groupby(p.pt.dt.day_of_week).sum()
    k = list(A["c6-29"].keys())[0]
    check("c6-29 day", WEEKDAY_EN[int(nt.idxmax())], k); check("c6-29 amt", nt.max(), A["c6-29"][k])

    # ---------------------------------------------------------------- 有赞
    y = pd.read_csv(OUT / F_YZ, dtype=str, encoding="utf-8-sig", keep_default_na=False)
    assert list(y.columns) == YZ_HEADERS
    assert y["订单号"].str.startswith("\t").all()
    y["oid"] = y["订单号"].str.strip()
    for c in ["订单实付金额", "商品实际成交金额", "商品已退款金额"]:
        y[c] = _money(y[c])
    y["pt"] = pd.to_datetime(y["买家付款时间"].replace("", None))
    o = y.groupby("oid").agg(paid=("订单实付金额", "first"), ref=("商品已退款金额", "sum"), pt=("pt", "first"), st=("订单状态", "first"),
                            ph=("买家手机号", "first"), npaid=("订单实付金额", "nunique"))
    assert (o.npaid == 1).all()
    o["ref"] = o.ref.round(2)
    p = o[o.pt.notna()]
    full = p[(p.paid > 0) & ((p.ref - p.paid).abs() < 0.005)]
    part = p[(p.ref > 0.005) & (p.ref < p.paid - 0.005)]
    check("c6-02 n", len(part), A["c6-02"]["partial_orders"]); check("c6-02 s", r4(part.ref.sum() / part.paid.sum()), A["c6-02"]["refund_share"], 0.0005)
    check("c6-03 t", y["商品已退款金额"].sum(), A["c6-03"]["total_refund"]); check("c6-03 f", full.ref.sum(), A["c6-03"]["full_refund"])
    check("c6-03 p", part.ref.sum(), A["c6-03"]["partial_refund"])
    rl = y[y["商品已退款金额"] > 0]
    b, a = rl[rl["商品发货时间"] == ""], rl[rl["商品发货时间"] != ""]
    check("c6-07 b", b["商品已退款金额"].sum(), A["c6-07"]["before_shipping"]); check("c6-07 a", a["商品已退款金额"].sum(), A["c6-07"]["after_shipping"])
    pp = y[(y["商品退款状态"] == "退款中") & (y["商品发货状态"] == "已发货")]
    check("c6-08 o", pp.oid.nunique(), A["c6-08"]["orders"]); check("c6-08 a", pp["商品实际成交金额"].sum(), A["c6-08"]["amount"])
    check("c6-10", r4(b.oid.nunique() / rl.oid.nunique()), A["c6-10"], 0.0005)
    zt = p[p.paid == 0]
    check("c6-13 n", len(zt), A["c6-13"]["trial_orders"])
    conv = sum(1 for ph, g in p.groupby("ph") if (g.paid == 0).any() and (g[g.paid > 0].pt > g[g.paid == 0].pt.min()).any())
    check("c6-13 c", conv, A["c6-13"]["converted_buyers"])
    check("c6-14 w", p.paid.mean(), A["c6-14"]["with_trials"]); check("c6-14 wo", p[p.paid > 0].paid.mean(), A["c6-14"]["without_trials"])
    v = p[(p.paid > 0) & (p.ref < p.paid - 0.005)]
    check("c6-17", (v.paid - v.ref).mean(), A["c6-17"])
    c = v.groupby("ph").size()
    check("c6-18 b", len(c), A["c6-18"]["buyers"]); check("c6-18 r", int((c >= 2).sum()), A["c6-18"]["repeat_buyers"])
    assert y.groupby("oid")["收货人手机号/提货人手机号"].first()[v.index].nunique() != len(c)  # recipient ≠ buyer matters
    cl = o[o.st == "交易关闭"]
    check("c6-22 u", int(cl.pt.isna().sum()), A["c6-22"]["unpaid_closed"]); check("c6-22 p", int(cl.pt.notna().sum()), A["c6-22"]["paid_then_closed"])
    check("c6-22 r", y[y["商品退款状态"] == "商家拒绝退款"].oid.nunique(), A["c6-22"]["merchant_rejected_orders"])
    ws = o[o.st == "待发货"]
    check("c6-25 a", len(ws), A["c6-25"]["awaiting_shipment"])
    check("c6-25 r", y[y.oid.isin(ws.index) & (y["商品退款状态"] == "退款中")].oid.nunique(), A["c6-25"]["with_refund_in_progress"])
    wdn = p.pt.dt.day_of_week
    check("c6-27 we", p[wdn >= 5].paid.sum(), A["c6-27"]["weekend_sales"]); check("c6-27 wd", p[wdn < 5].paid.sum(), A["c6-27"]["weekday_sales"])
    days = pd.date_range("2025-09-01", "2025-10-31")
    check("c6-27 wepd", p[wdn >= 5].paid.sum() / (days.day_of_week >= 5).sum(), A["c6-27"]["weekend_per_day"])
    check("c6-27 wdpd", p[wdn < 5].paid.sum() / (days.day_of_week < 5).sum(), A["c6-27"]["weekday_per_day"])
    check("c6-30", round(((wdn == 2) & (p.paid > 0)).sum() / (days.day_of_week == 2).sum(), 2), A["c6-30"], 0.005)

    # ---------------------------------------------------------------- 京东 POP
    j = pd.read_csv(OUT / F_JD, dtype=str, encoding="gbk", keep_default_na=False)
    assert list(j.columns) == JD_HEADERS
    for c in ["应付金额", "订单金额", "京东价"]:
        j[c] = _money(j[c])
    j["qty"] = j["订购数量"].astype(int)
    j["pt"] = pd.to_datetime(j["付款确认时间"].replace("", None))
    o = j.groupby("订单号").agg(pay=("应付金额", "first"), pt=("pt", "first"), st=("订单状态", "first"), acct=("下单帐号", "first"),
                             qty=("qty", "sum"), npay=("应付金额", "nunique"))
    assert (o.npay == 1).all()
    z = o[o.pt.notna() & (o.pay == 0)]
    check("c6-15 o", len(z), A["c6-15"]["orders"]); check("c6-15 i", int(z.qty.sum()), A["c6-15"]["items"])
    assert int((j["京东价"] == 0).sum()) != A["c6-15"]["orders"]
    v = o[o.pt.notna() & (o.st != "已取消") & (o.pay > 0)]
    check("c6-19", v.pay.mean(), A["c6-19"])
    c = v.groupby("acct").size()
    check("c6-20 c", len(c), A["c6-20"]["customers"]); check("c6-20 r", int((c >= 2).sum()), A["c6-20"]["repeat_customers"])
    cx = o[o.st == "已取消"]
    check("c6-23 a", int((o.st == "等待付款").sum()), A["c6-23"]["awaiting_payment"])
    check("c6-23 p", int(cx.pt.notna().sum()), A["c6-23"]["cancelled_paid"]); check("c6-23 u", int(cx.pt.isna().sum()), A["c6-23"]["cancelled_unpaid"])
    pj = o[o.pt.notna() & (o.pay > 0)]
    check("c6-28", int(pj.pt.dt.day_of_week.isin([1, 2, 3]).sum()), A["c6-28"])

    # ---------------------------------------------------------------- every paid order was paid on the day it was created
    for f, enc, cc, pc in [(F_YZ, "utf-8-sig", "订单创建时间", "买家付款时间"), (F_JD, "gbk", "下单时间", "付款确认时间")]:
        t = pd.read_csv(OUT / f, dtype=str, encoding=enc, keep_default_na=False)
        t = t[t[pc] != ""]
        assert (pd.to_datetime(t[cc]).dt.date == pd.to_datetime(t[pc]).dt.date).all(), f
    assert (w[w["支付时间"] != ""]["订单下单时间"].str[:10] == w[w["支付时间"] != ""]["支付时间"].str[:10]).all()

    # ---------------------------------------------------------------- set-level checks
    cats = pd.Series([x["category"] for x in qs]).value_counts()
    assert len(qs) == 30 and cats.min() >= 4 and cats.max() <= 6, cats.to_dict()
    assert [x["id"] for x in qs] == [f"c6-{i:02d}" for i in range(1, 31)]
    assert sum(1 for x in qs if x["expected"] == "refuse") == 2
    print(f"verify: {n} checks on re-read files")
    print("verify: all checks passed")


# ======================================================================================
def main():
    wx, wxl, wxb = build_wx(random.Random(SEED))
    yz, yzl, yzb, yzr = build_yz(random.Random(SEED + 1))
    jd, jdl, jdb = build_jd(random.Random(SEED + 2))

    wb = Workbook()
    ws = wb.active
    ws.title = "订单列表"
    for row in wx_rows(wx, wxl, wxb):
        ws.append(row)
    for cell in ws["A"]:
        cell.number_format = "@"
    wb.properties.creator = "export"
    wb.save(OUT / F_WX)
    (OUT / F_YZ).write_bytes(yz_bytes(yz, yzl, yzb, yzr))
    (OUT / F_JD).write_bytes(jd_bytes(jd, jdl, jdb))

    qs = answers(wx, wxl, yz, yzl, jd, jdl)
    doc = dict(shop="禾初茶事 HECHU TEA (fictional tea brand)", period="视频号 2025-08-01..10-31; 有赞 2025-09-01..10-31; 京东 2025-08-01..09-30",
               generator=f"make_files.py (seed {SEED})", questions=qs)
    (OUT / "answers.yaml").write_text(to_yaml(doc), encoding="utf-8")
    for name, od, ln in [(F_WX, wx, wxl), (F_YZ, yz, yzl), (F_JD, jd, jdl)]:
        print(f"{name}: {len(od)} orders ({int(od.is_paid.sum())} paid), {len(ln)} rows")
    langs = pd.Series([x["lang"] for x in qs]).value_counts().to_dict()
    cats = pd.Series([x["category"] for x in qs]).value_counts().to_dict()
    print(f"answers.yaml: {len(qs)} questions {langs} {cats}")
    verify(qs)


if __name__ == "__main__":
    main()
