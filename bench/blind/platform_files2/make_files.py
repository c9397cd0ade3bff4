# -*- coding: utf-8 -*-
"""Deterministic generator for blind test set #2 (shop export files).

Shop / brand: 青岚茶舍 (fictional tea brand), period 2025-07-01 .. 2025-09-30.
Writes 8 files + answers.yaml into the folder of this script.

Run:  uv run python bench/blind/platform_files2/make_files.py

Every expected answer is computed with pandas from the generator's ground-truth
tables (orders / items / sessions), NOT by re-parsing the written files.  At the
end the files are re-read with pandas and a few answers are asserted.
"""
from __future__ import annotations

import csv
import io
import random
import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from openpyxl import Workbook

OUT = Path(__file__).resolve().parent
SEED = 20250930
START = dt.datetime(2025, 7, 1)
END = dt.datetime(2025, 9, 30, 23, 59, 59)
CUTOFF = dt.datetime(2025, 9, 30, 23, 50, 0)      # moment the exports were taken
NDAYS = 92

# ----------------------------------------------------------------------------
# catalogue
# ----------------------------------------------------------------------------
PRODUCTS = [
    # code, title, spec, price, platform product id
    ("QL-LJ250", "青岚 明前龙井 250g 礼盒装", "250g礼盒", 368.00, "3581002001"),
    ("QL-BZ100", "青岚 白毫银针 100g 罐装", "100g罐装", 228.00, "3581002002"),
    ("QL-ZS200", "青岚 正山小种红茶 200g", "200g", 128.00, "3581002003"),
    ("QL-MH050", "青岚 茉莉花茶 试饮装 50g", "50g试饮装", 19.90, "3581002004"),
    ("QL-CP357", "青岚 陈皮白茶饼 357g", "357g", 198.00, "3581002005"),
    ("QL-LP015", "青岚 冷泡茶 15包/盒", "15包", 59.00, "3581002006"),
    ("QL-CJ001", "青岚 便携旅行茶具套装", "一壶二杯", 89.00, "3581002007"),
    ("QL-JZ001", "青岚 建盏主人杯", "兔毫", 69.00, "3581002008"),
]
PROD_WEIGHTS = [0.20, 0.12, 0.16, 0.14, 0.10, 0.14, 0.07, 0.07]
GIFT = ("QL-GIFT", "【0元领】青岚 茶样三件套福袋", "福袋", 0.00, "3581002099")

SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超", "秀兰", "霞", "平",
         "刚", "桂英", "晨", "欣怡", "子涵", "雨轩", "浩然", "思远", "梓萱", "一诺", "佳怡", "宇航", "晓东", "春梅", "海燕", "建华",
         "文静", "志强", "丹", "琳", "婷", "倩", "博", "鑫", "悦", "萌", "淑华", "国庆", "玉兰", "红"]
PHONE_PREFIX = ["130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "155", "156", "157",
                "158", "159", "166", "176", "177", "180", "181", "182", "183", "185", "186", "187", "188", "189", "199"]
REGIONS = [
    ("浙江省", "杭州市", "西湖区", "西溪街道"), ("浙江省", "宁波市", "鄞州区", "首南街道"), ("江苏省", "南京市", "鼓楼区", "宁海路街道"),
    ("江苏省", "苏州市", "姑苏区", "平江街道"), ("上海市", "上海市", "浦东新区", "花木街道"), ("上海市", "上海市", "徐汇区", "天平路街道"),
    ("北京市", "北京市", "朝阳区", "望京街道"), ("北京市", "北京市", "海淀区", "中关村街道"), ("广东省", "广州市", "天河区", "林和街道"),
    ("广东省", "深圳市", "南山区", "粤海街道"), ("福建省", "福州市", "鼓楼区", "东街街道"), ("福建省", "厦门市", "思明区", "鹭江街道"),
    ("山东省", "济南市", "历下区", "泉城路街道"), ("四川省", "成都市", "武侯区", "玉林街道"), ("湖北省", "武汉市", "洪山区", "珞南街道"),
    ("安徽省", "合肥市", "蜀山区", "三里庵街道"), ("河南省", "郑州市", "金水区", "文化路街道"), ("湖南省", "长沙市", "岳麓区", "望月湖街道"),
]
NICK_WORDS = ["小鱼", "晴天", "一叶知秋", "Lily", "阿福", "茶茶", "木子", "青青", "Sunny", "大橙子", "云淡风轻", "喵喵", "老王",
              "安然", "知足常乐", "Coco", "向日葵", "小确幸", "清风", "陌上花开"]
TB_SYLL = ["xiao", "ming", "hua", "lily", "tea", "yun", "feng", "mei", "qing", "an", "le", "cc", "bo", "zi", "mo", "jia"]


def rint(rng, a, b):
    return rng.randint(a, b)


def money(x):
    return float(round(x + 1e-9, 2))


def ts(t):
    return t.strftime("%Y-%m-%d %H:%M:%S") if t else ""


def digits(rng, n):
    return "".join(str(rng.randrange(10)) for _ in range(n))


def mask_name(name):
    return name[0] + "**"


def mask_phone(p):
    return p[:3] + "****" + p[-4:]


# ----------------------------------------------------------------------------
# buyers
# ----------------------------------------------------------------------------
def make_buyers(rng, n, taobao=False, youzan=False):
    buyers, used_phone_mask, used_ali, used_nick = [], set(), set(), set()
    while len(buyers) < n:
        name = rng.choice(SURNAMES) + rng.choice(GIVEN)
        phone = rng.choice(PHONE_PREFIX) + digits(rng, 8)
        pm = mask_phone(phone)
        if pm in used_phone_mask:
            continue
        b = dict(bid=len(buyers), name=name, phone=phone, phone_mask=pm, region=rng.choice(REGIONS))
        if taobao:
            ali = "*" * (len(name) - 1) + name[-1] + "(" + phone[:3] + "****" + phone[-2:] + ")"
            nick = "".join(rng.choice(TB_SYLL) for _ in range(rng.randint(2, 3))) + (digits(rng, rng.randint(2, 4)) if rng.random() < 0.7 else "")
            nm = nick[:2] + "***" + nick[-2:]
            if ali in used_ali or nm in used_nick:
                continue
            used_ali.add(ali)
            used_nick.add(nm)
            b.update(alipay_mask=ali, tb_nick_mask=nm)
            # a few taobao buyers ship to a second receiver (gift to family)
            b["alt_receiver"] = (rng.choice(SURNAMES) + rng.choice(GIVEN), rng.choice(PHONE_PREFIX) + digits(rng, 8)) if rng.random() < 0.15 else None
        if youzan:
            b["nick"] = rng.choice(NICK_WORDS)      # nicknames collide on purpose
            r = rng.random()
            if r < 0.40:
                b["member_from"] = START - dt.timedelta(days=30)
            elif r < 0.52:
                b["member_from"] = dt.datetime(2025, 8, 1) + dt.timedelta(days=rng.randrange(40), hours=rng.randrange(24))
            else:
                b["member_from"] = None
            b["alt_receiver"] = (rng.choice(SURNAMES) + rng.choice(GIVEN), rng.choice(PHONE_PREFIX) + digits(rng, 8)) if rng.random() < 0.2 else None
        used_phone_mask.add(pm)
        buyers.append(b)
    return buyers


def buyer_picker(rng, buyers, skew=0.55):
    idx = list(range(len(buyers)))
    w = [1.0 / (i + 1) ** skew for i in idx]
    rng.shuffle(w)
    return lambda: buyers[rng.choices(idx, weights=w, k=1)[0]]


# ----------------------------------------------------------------------------
# generic orders
# ----------------------------------------------------------------------------
def rand_time(rng, live):
    # weekend days get ~35% more orders
    while True:
        d = START + dt.timedelta(days=rng.randrange(NDAYS))
        if d.weekday() >= 5 or rng.random() < 0.74:
            break
    if live:
        h = rng.choice([19, 20, 20, 21, 21, 22, 23])
    else:
        h = rng.choice([8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22])
    return d.replace(hour=h, minute=rng.randrange(60), second=rng.randrange(60))


def make_items(rng, gift=False):
    if gift:
        code, title, spec, price, pid = GIFT
        return [dict(code=code, title=title, spec=spec, price=price, pid=pid, qty=1)]
    k = rng.choices([1, 2, 3], weights=[0.68, 0.24, 0.08])[0]
    chosen = []
    while len(chosen) < k:
        p = rng.choices(PRODUCTS, weights=PROD_WEIGHTS)[0]
        if p not in chosen:
            chosen.append(p)
    items = []
    for code, title, spec, price, pid in chosen:
        qty = rng.choices([1, 2, 3], weights=[0.8, 0.15, 0.05])[0]
        items.append(dict(code=code, title=title, spec=spec, price=price, pid=pid, qty=qty))
    return items


def gen_orders(rng, n, buyers, channel_fn, n_awaiting=4, p_closed=0.06, p_gift=0.03,
               p_full=0.05, p_partial_item=0.22, p_partial_amt=0.04, p_rejected=0.03, refund_boost=None, skew=0.6):
    """Return a list of order dicts (platform independent truth)."""
    pick = buyer_picker(rng, buyers, skew)
    refund_boost = refund_boost or {}
    orders = []
    for i in range(n + n_awaiting):
        awaiting = i >= n
        b = pick()
        gift = (not awaiting) and rng.random() < p_gift
        ch, host = channel_fn(rng, gift)
        created = rand_time(rng, ch == "live")
        if awaiting:
            created = dt.datetime(2025, 9, 30, 21, 0) + dt.timedelta(minutes=rng.randrange(150), seconds=rng.randrange(60))
        items = make_items(rng, gift)
        disc = 0.0 if gift else rng.choice([0.0, 0.0, 0.0, 0.05, 0.10])
        for it in items:
            it["unit_actual"] = money(it["price"] * (1 - disc))
            it["actual"] = money(it["unit_actual"] * it["qty"])
            it["refund"] = 0.0
            it["refund_state"] = None   # None / 'success' / 'rejected' / 'pending'
            it["refund_req"] = 0.0
            it["refund_time"] = None
        amount = money(sum(it["actual"] for it in items))
        o = dict(buyer=b, created=created, items=items, channel=ch, host=host, gift=gift,
                 amount=amount, disc=disc)
        if awaiting:
            o.update(state="awaiting", paid=None)
        elif (not gift) and rng.random() < p_closed:
            o.update(state="closed_unpaid", paid=None)
        else:
            o.update(state="paid", paid=created + dt.timedelta(seconds=rng.randint(5, 600)))
        # fulfilment stage
        if o["paid"]:
            age = (CUTOFF - o["paid"]).total_seconds() / 86400
            o["stage"] = "to_ship" if age < 1 else ("shipped" if age < 7 else "done")
            o["ship_time"] = o["paid"] + dt.timedelta(hours=rng.randint(6, 40)) if o["stage"] != "to_ship" else None
            if o["ship_time"] and o["ship_time"] > CUTOFF:
                o["ship_time"], o["stage"] = None, "to_ship"
            o["confirm_time"] = o["ship_time"] + dt.timedelta(days=rng.randint(3, 6)) if o["stage"] == "done" else None
            if o["confirm_time"] and o["confirm_time"] > CUTOFF:
                o["confirm_time"], o["stage"] = None, "shipped"
        else:
            o["stage"] = None
            o["ship_time"] = o["confirm_time"] = None
        # refunds
        o["refund_type"] = None
        if o["state"] == "paid" and not gift and o["paid"] < dt.datetime(2025, 9, 30, 12, 0):
            r = rng.random() / refund_boost.get(host, 1.0)
            latest = dt.datetime(2025, 9, 30, 22, 0)
            rt = o["paid"] + dt.timedelta(days=rng.randint(1, 12), hours=rng.randint(0, 12), minutes=rng.randrange(60))
            if rt > latest:
                rt = o["paid"] + (latest - o["paid"]) * rng.uniform(0.2, 0.95)
                rt = rt.replace(microsecond=0)
            if r < p_full:
                o["refund_type"] = "full"
                for it in items:
                    it.update(refund=it["actual"], refund_req=it["actual"], refund_state="success", refund_time=rt)
            elif len(items) > 1 and r < p_full + p_partial_item:
                o["refund_type"] = "partial"
                it = rng.choice(items)
                it.update(refund=it["actual"], refund_req=it["actual"], refund_state="success", refund_time=rt)
            elif len(items) == 1 and r < p_full + p_partial_amt:
                o["refund_type"] = "partial"
                it = items[0]
                amt = money(it["actual"] * rng.choice([0.1, 0.2, 0.3]))
                it.update(refund=amt, refund_req=amt, refund_state="success", refund_time=rt)
            elif r < p_full + p_partial_amt + p_rejected + (p_partial_item if len(items) > 1 else 0):
                it = rng.choice(items)
                it.update(refund_req=it["actual"], refund_state="rejected", refund_time=rt)
        o["refund"] = money(sum(it["refund"] for it in items))
        if o["refund_type"] == "full":
            o["stage"] = "refunded"
        orders.append(o)
    orders.sort(key=lambda o: o["created"])
    return orders


def orders_frame(orders, key_fn):
    rows = []
    for o in orders:
        rows.append(dict(oid=o["oid"], buyer_key=key_fn(o), created=o["created"], paid=o["paid"], state=o["state"],
                         amount=o["amount"], paid_amount=o["amount"] if o["paid"] else 0.0, gift=o["gift"],
                         refund=o["refund"], refund_type=o["refund_type"], channel=o["channel"], host=o["host"],
                         stage=o["stage"]))
    df = pd.DataFrame(rows)
    df["paid"] = pd.to_datetime(df["paid"])
    df["created"] = pd.to_datetime(df["created"])
    return df


def items_frame(orders, extra=None):
    rows = []
    for o in orders:
        for it in o["items"]:
            r = dict(oid=o["oid"], sub_id=it.get("sub_id"), code=it["code"], title=it["title"], qty=it["qty"],
                     price=it["price"], actual=it["actual"], refund=it["refund"], refund_state=it["refund_state"],
                     refund_req=it["refund_req"], paid=o["paid"], state=o["state"], host=o["host"],
                     channel=o["channel"], buyer_key=o.get("buyer_key"), gift=o["gift"])
            if extra:
                r.update(extra(o, it))
            rows.append(r)
    df = pd.DataFrame(rows)
    df["paid"] = pd.to_datetime(df["paid"])
    return df


# ============================================================================
ANSWERS = []


def plain(x):
    if isinstance(x, dict):
        return {str(k): plain(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [plain(v) for v in x]
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, (np.floating, float)):
        return float(round(float(x), 4))
    if isinstance(x, np.str_):
        return str(x)
    return x


def add_q(qid, file, lang, q, expected, definition, tolerance):
    expected = plain(expected)
    ANSWERS.append(dict(id=qid, file=file, lang=lang, q=q, expected=expected, definition=definition, tolerance=tolerance))


def month_mask(series, m):
    return series.notna() & (series.dt.month == m)


# ============================================================================
# 1. 视频号小店 order export (xlsx, one row per product line)
# ============================================================================
SPH_FILE = "视频号小店_订单列表_20250701-20250930.xlsx"
SPH_COLS = ["订单号", "订单下单时间", "订单发货时间", "订单确认收货时间", "订单完成结算时间", "订单状态", "发货方式", "收件人姓名",
            "收件人地址", "省", "市", "区", "收件人手机", "买家备注", "商家备注", "打标颜色", "商品总价", "订单实际支付金额",
            "订单实际收款金额", "订单运费", "商品优惠", "跨店优惠", "商品改价", "积分抵扣", "支付方式", "支付时间", "交易单号",
            "物流公司", "快递单号", "技术服务费", "技术服务费（将以人气卡形式返还）", "运费险预计投保费用", "带货方式", "带货账号类型",
            "带货账号昵称", "带货ID", "带货费用渠道", "带货费用类型", "带货费用", "带货佣金率", "礼物单号", "商品名称",
            "商品编码(平台)", "商品编码(自定义)", "SKU编码(自定义)", "商品属性", "商品价格(单件)", "商品实际价格(单件)",
            "商品实际价格(总共)", "是否预售", "商品数量", "商品平台券优惠", "商品平均运费", "定制信息", "定制预览图", "商品发货",
            "商品售后", "商品已退款金额"]
SPH_OWN = "青岚茶舍"
SPH_DAREN = {"茶小白说茶": "wx7c1f2a9b3d4e5f60", "老周爱喝茶": "wx2b8d6e4f1a3c5079"}


def sph_channel(rng, gift):
    r = rng.random()
    if gift or r < 0.55:
        h = rng.choices([SPH_OWN, "茶小白说茶", "老周爱喝茶"], weights=[0.58, 0.24, 0.18])[0]
        return "live", h
    if r < 0.70:
        return "video", "茶小白说茶"
    return "none", None


def build_sph(rng):
    buyers = make_buyers(rng, 300)
    orders = gen_orders(rng, 262, buyers, sph_channel)
    used = set()
    for o in orders:
        while True:
            oid = "37" + digits(rng, 17)
            if oid not in used:
                break
        used.add(oid)
        o["oid"] = oid
        o["buyer_key"] = o["buyer"]["phone_mask"]
    wb = Workbook()
    ws = wb.active
    ws.title = "订单列表"
    ws.append(SPH_COLS)
    for o in orders:
        b = o["buyer"]
        prov, city, dist, street = b["region"]
        status = {"awaiting": "待付款", "closed_unpaid": "已取消"}.get(o["state"])
        if status is None:
            status = {"to_ship": "待发货", "shipped": "待收货", "done": "已完成", "refunded": "已取消"}[o["stage"]]
        paid = o["paid"] is not None
        goods_total = money(sum(it["price"] * it["qty"] for it in o["items"]))
        fee = money(o["amount"] * 0.02) if paid else 0.0
        settle = o["confirm_time"] + dt.timedelta(days=1) if o["confirm_time"] else None
        if settle and settle > CUTOFF:
            settle = None
        is_daren = o["host"] in SPH_DAREN
        if o["channel"] == "live":
            mode = "直播"
        elif o["channel"] == "video":
            mode = "短视频"
        else:
            mode = ""
        commission = money(o["amount"] * 0.20) if (is_daren and paid) else 0.0
        express = rng.choice(["中通快递", "顺丰速运", "圆通速递"]) if o["ship_time"] else ""
        ship_no = ("ZT" if express == "中通快递" else "SF" if express == "顺丰速运" else "YT") + digits(rng, 12) if o["ship_time"] else ""
        txn = "4200002" + digits(rng, 21) if paid else ""
        for it in o["items"]:
            after = {"success": "退款成功", "rejected": "商家拒绝退款", None: ""}[it["refund_state"]]
            ws.append([
                o["oid"], ts(o["created"]), ts(o["ship_time"]), ts(o["confirm_time"]), ts(settle), status, "快递",
                mask_name(b["name"]), f"{prov}{city}{dist}{street}****", prov, city, dist, b["phone_mask"], "", "", "",
                goods_total, o["amount"], o["amount"] if paid else 0.0, 0.0, money(goods_total - o["amount"]), 0.0, 0.0, 0.0,
                "微信支付" if paid else "", ts(o["paid"]), txn, express, ship_no, fee, 0.0, 0.0 if not paid else 0.4,
                mode, ("带货达人" if is_daren else "视频号") if o["host"] else "", o["host"] or "",
                (SPH_DAREN.get(o["host"]) or "sphQLcs8x2Kd") if o["host"] else "",
                "达人带货" if is_daren else "", "佣金" if is_daren else "", commission if is_daren else "", "20%" if is_daren else "",
                "", it["title"], it["pid"], it["code"], it["code"] + "-01", "规格:" + it["spec"], it["price"], it["unit_actual"],
                it["actual"], "否", it["qty"], 0.0, 0.0, "", "", "已发货" if o["ship_time"] else "未发货", after, it["refund"],
            ])
    wb.save(OUT / SPH_FILE)

    od = orders_frame(orders, lambda o: o["buyer_key"])
    paid = od[od["paid"].notna()]
    # sph-01
    jul = money(paid.loc[month_mask(paid["paid"], 7), "paid_amount"].sum())
    add_q("sph-01", SPH_FILE, "zh", "7月视频号小店一共卖了多少钱（已支付的订单）？", jul,
          "订单级去重：每个订单号只取一次“订单实际支付金额”（该列在同一订单的每个商品行重复出现）。已支付=“支付时间”非空，按支付时间落在2025-07；"
          "含之后全额退款的订单（状态“已取消”但有支付时间），不扣退款；0元订单计0；待付款/未支付取消（支付时间为空）不计。", 0.01)
    # sph-02
    nb = paid[paid["paid_amount"] > 0]["buyer_key"].nunique()
    add_q("sph-02", SPH_FILE, "en", "How many distinct buyers placed at least one paid, non-zero order in Q3 2025?", int(nb),
          "Buyer = masked 收件人手机 (e.g. 138****5678; unique per buyer in this file). Masked 收件人姓名 like 张** collides across different people and must not be used. "
          "Paid = 支付时间 not empty; order amount (订单实际支付金额, once per order) > 0. Refunded orders still count.", 0)
    # sph-03
    add_q("sph-03", SPH_FILE, "zh", "有多少订单是没付款就取消的？现在还有多少单在等买家付款？",
          {"closed_unpaid": int((od["state"] == "closed_unpaid").sum()), "awaiting_payment": int((od["state"] == "awaiting").sum())},
          "按订单号去重。closed_unpaid=订单状态“已取消”且支付时间为空（注意：全额退款后的已支付订单状态也是“已取消”，但有支付时间，不算）；"
          "awaiting_payment=订单状态“待付款”。", 0)
    # sph-04
    live = money(paid.loc[paid["channel"] == "live", "paid_amount"].sum())
    nonlive = money(paid.loc[paid["channel"] != "live", "paid_amount"].sum())
    add_q("sph-04", SPH_FILE, "en", "Split the quarter's paid GMV into live-stream orders and all other orders.",
          {"live": live, "non_live": nonlive},
          "live = 带货方式 == '直播'; non_live = everything else (短视频 or empty). Paid orders only (支付时间 not empty), "
          "订单实际支付金额 counted once per order, gross of refunds, whole Q3.", 0.01)
    # sph-05
    add_q("sph-05", SPH_FILE, "zh", "三季度一共退了多少钱？全额退款和部分退款的订单各有多少单？",
          {"refund_amount": money(od["refund"].sum()), "full_refund_orders": int((od["refund_type"] == "full").sum()),
           "partial_refund_orders": int((od["refund_type"] == "partial").sum())},
          "退款金额=各商品行“商品已退款金额”之和（只在商品售后=退款成功的行上非零；“商家拒绝退款”的行为0）。"
          "全额退款订单=订单内退款合计等于订单实际支付金额（状态已取消且有支付时间）；部分退款订单=有退款但小于实付（多商品订单退其中一件，或单件部分退款）。", 0.01)
    # sph-06
    g = paid[paid["host"].notna()].groupby("host")["paid_amount"].sum().sort_values(ascending=False)
    assert g.iloc[0] - g.iloc[1] > 500, g
    add_q("sph-06", SPH_FILE, "en", "Which promoting account (带货账号) brought in the most paid GMV this quarter?", g.index[0],
          "Group paid orders by 带货账号昵称 (empty = no promoter, excluded); sum 订单实际支付金额 once per order, gross of refunds. "
          f"Ranking: {', '.join(f'{k}={money(v)}' for k, v in g.items())}.", 0)
    # sph-07
    add_q("sph-07", SPH_FILE, "zh", "0元订单有多少单？", int(((paid["paid_amount"] == 0)).sum()),
          "已支付（支付时间非空）且订单实际支付金额=0 的订单数（福袋0元领），按订单号去重。", 0)
    return orders, od


# ============================================================================
# 2. 快手小店 live-session list (xlsx)
# ============================================================================
KS_FILE = "快手小店_直播数据_场次明细_20250701-20250930.xlsx"
KS_COLS = ["直播ID", "直播标题", "主播", "开播时间", "下播时间", "直播时长", "累计观看人数", "最高在线人数", "平均在线人数",
           "人均观看时长", "新增粉丝数", "评论次数", "成交金额(元)", "成交订单数", "成交人数", "成交件数", "客单价(元)",
           "千次观看成交金额(元)", "退款金额(元)"]
KS_HOSTS = ["小禾", "阿岚", "老周"]


def fmt_wan(n):
    if n >= 10000:
        assert n % 100 == 0
        s = f"{n / 10000:.2f}".rstrip("0").rstrip(".")
        return s + "万"
    return str(n)


def build_ks(rng):
    sessions = []
    d = START
    alnum = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    while d <= END:
        if d.weekday() in (1, 3, 5, 6):
            sessions.append(dict(start=d.replace(hour=19, minute=rng.choice([28, 30, 31, 35]), second=rng.randrange(60)),
                                 minutes=rng.randint(120, 200), kind="normal"))
        d += dt.timedelta(days=1)
    # test session (a few minutes, no sales) and the month-end session running past midnight
    sessions.append(dict(start=dt.datetime(2025, 7, 2, 14, 5, 12), minutes=3, kind="test"))
    sessions.append(dict(start=dt.datetime(2025, 7, 31, 22, 0, 40), minutes=190, kind="midnight"))
    sessions.sort(key=lambda s: s["start"])
    titles = ["明前龙井品鉴专场", "白茶陈皮茶饼直播", "夏日冷泡茶清凉节", "周末宠粉福利场", "茶具好物分享", "新客专享秒杀"]
    rows = []
    for i, s in enumerate(sessions):
        host = KS_HOSTS[i % 3] if s["kind"] != "midnight" else "老周"
        if s["kind"] == "test":
            host, title = "小禾", "测试直播"
            viewers, peak, avg_on, stay, fans, comments, gmv, orders_, buyers_, pieces, refund = 4, 2, 1, 41, 0, 0, 0.0, 0, 0, 0, 0.0
        else:
            title = "7月末清仓夜 全场包邮" if s["kind"] == "midnight" else rng.choice(titles)
            viewers = rng.randint(1800, 16000)
            if viewers >= 10000:
                viewers = int(round(viewers / 100.0)) * 100
            peak = int(viewers * rng.uniform(0.03, 0.07))
            avg_on = int(peak * rng.uniform(0.35, 0.6))
            stay = rng.randint(55, 260)
            fans = int(viewers * rng.uniform(0.005, 0.02))
            comments = int(viewers * rng.uniform(0.05, 0.2))
            gpm = rng.uniform(220, 900)
            gmv = money(viewers * gpm / 1000)
            aov = rng.uniform(85, 160)
            orders_ = max(1, int(gmv / aov))
            buyers_ = max(1, int(orders_ * rng.uniform(0.85, 0.98)))
            pieces = int(orders_ * rng.uniform(1.05, 1.4))
            refund = money(gmv * rng.uniform(0.03, 0.12))
        end = s["start"] + dt.timedelta(minutes=s["minutes"], seconds=rng.randrange(60))
        sid = "".join(rng.choice(alnum) for _ in range(11))
        rows.append(dict(sid=sid, title=title, host=host, start=s["start"], end=end, minutes=s["minutes"], viewers=viewers,
                         peak=peak, avg_on=avg_on, stay=stay, fans=fans, comments=comments, gmv=gmv, orders=orders_,
                         buyers=buyers_, pieces=pieces, refund=refund))
    wb = Workbook()
    ws = wb.active
    ws.title = "直播场次"
    ws.append(KS_COLS)
    for r in rows:
        aov = f"¥{r['gmv'] / r['buyers']:,.2f}" if r["buyers"] else "-"
        gpm = f"{r['gmv'] / r['viewers'] * 1000:.2f}" if r["viewers"] else "0.00"
        ws.append([r["sid"], r["title"], r["host"], ts(r["start"]), ts(r["end"]), f"{r['minutes'] // 60}小时{r['minutes'] % 60:02d}分",
                   fmt_wan(r["viewers"]), r["peak"], r["avg_on"], f"{r['stay'] // 60}分{r['stay'] % 60:02d}秒", r["fans"], r["comments"],
                   f"{r['gmv']:,.2f}", r["orders"], r["buyers"], r["pieces"], aov, gpm, f"{r['refund']:,.2f}"])
    wb.save(OUT / KS_FILE)

    df = pd.DataFrame(rows)
    df["start"] = pd.to_datetime(df["start"])
    aug = df[df["start"].dt.month == 8]
    sep = df[df["start"].dt.month == 9]
    add_q("ks-01", KS_FILE, "zh", "8月一共开播了多少场？", int(len(aug)),
          "每一行是一场直播；按“开播时间”落在2025-08计数。7月31日22:00开播、跨零点到8月1日下播的那场算7月。", 0)
    add_q("ks-02", KS_FILE, "en", "What is the total cumulative audience (累计观看人数) across all sessions this quarter?",
          int(df["viewers"].sum()),
          "Sum of 累计观看人数 over every session row (including the 4-viewer 测试直播). Values ≥10000 are written like '1.26万' = 12600.", 0)
    gpm_sep = round(sep["gmv"].sum() / sep["viewers"].sum() * 1000, 2)
    add_q("ks-03", KS_FILE, "zh", "9月整体的千次观看成交金额（GPM）是多少？", gpm_sep,
          "9月开播的场次：成交金额(元)之和 ÷ 累计观看人数之和 × 1000（加权，不是各场GPM的简单平均）。成交金额带千分位逗号，观看人数可能写成“x.xx万”。", {"abs": 0.05})
    g = df.groupby("host")["gmv"].sum().sort_values(ascending=False)
    assert g.iloc[0] - g.iloc[1] > 1000, g
    add_q("ks-04", KS_FILE, "en", "Which host (主播) generated the highest total GMV across the quarter?", g.index[0],
          "Group sessions by 主播 and sum 成交金额(元) over all Q3 sessions. "
          f"Totals: {', '.join(f'{k}={money(v)}' for k, v in g.items())}.", 0)
    add_q("ks-05", KS_FILE, "zh", "9月一共直播了多少个小时？", round(sep["minutes"].sum() / 60, 2),
          "9月开播场次的“直播时长”（格式“X小时YY分”）求和，换算成小时。", {"abs": 0.02})
    return df


# ============================================================================
# 3. 淘宝 ExportOrderList + ExportOrderDetailList (CSV, GBK, ="..." ids)
# ============================================================================
TB_LIST_FILE = "ExportOrderList202510011032.csv"
TB_DETAIL_FILE = "ExportOrderDetailList202510011032.csv"
TB_PAIR = f"{TB_LIST_FILE} + {TB_DETAIL_FILE}"
TB_LIST_COLS = ["订单编号", "买家会员名", "买家支付宝账号", "买家应付货款", "买家应付邮费", "买家支付积分", "总金额", "返点积分",
                "买家实际支付金额", "买家实际支付积分", "订单状态", "买家留言", "收货人姓名", "收货地址", "运送方式", "联系电话",
                "联系手机", "订单创建时间", "订单付款时间", "宝贝标题", "宝贝种类", "物流单号", "物流公司", "订单备注", "宝贝总数量",
                "店铺Id", "店铺名称", "订单关闭原因", "卖家服务费", "买家服务费", "发票抬头", "是否手机订单", "分阶段订单信息",
                "特权订金订单id", "定金排名", "修改后的sku", "修改后的收货地址", "异常信息", "天猫卡券抵扣", "集分宝抵扣",
                "是否是O2O交易", "退款金额"]
TB_DETAIL_COLS = ["子订单编号", "主订单编号", "标题", "价格", "购买数量", "外部系统编号", "商品属性", "套餐信息", "备注", "订单状态",
                  "商家编码", "支付单号", "买家应付货款", "买家实际支付金额", "退款状态", "退款金额", "订单创建时间", "订单付款时间",
                  "商品id", "分阶段订单信息", "主订单备注", "主订单买家留言", "发货时间", "物流单号", "物流公司", "是否赔付",
                  "赔付金额", "赔付出账时间"]


def tb_channel(rng, gift):
    return ("none", None)


def csv_line(fields):
    out = []
    for f in fields:
        s = "" if f is None else str(f)
        if s.startswith('="') and s.endswith('"') and "," not in s:
            out.append(s)                      # Taobao style ="123", written raw
        elif any(c in s for c in [",", '"', "\n", "\r"]):
            out.append('"' + s.replace('"', '""') + '"')
        else:
            out.append(s)
    return ",".join(out)


def build_tb(rng):
    buyers = make_buyers(rng, 260, taobao=True)
    orders = gen_orders(rng, 224, buyers, tb_channel, n_awaiting=3, p_rejected=0.05)
    used = set()
    for o in orders:
        while True:
            oid = "3" + digits(rng, 18)
            if oid not in used:
                break
        used.add(oid)
        o["oid"] = oid
        o["buyer_key"] = o["buyer"]["tb_nick_mask"]
        o["alipay_no"] = o["paid"].strftime("%Y%m%d") + "2200" + digits(rng, 16) if o["paid"] else ""
        if len(o["items"]) == 1:
            o["items"][0]["sub_id"] = oid
        else:
            for it in o["items"]:
                while True:
                    sid = "3" + digits(rng, 18)
                    if sid not in used:
                        break
                used.add(sid)
                it["sub_id"] = sid
        alt = o["buyer"].get("alt_receiver")
        o["receiver"] = alt if (alt and rng.random() < 0.5) else (o["buyer"]["name"], o["buyer"]["phone"])
    list_lines, detail_lines = [csv_line(TB_LIST_COLS)], [csv_line(TB_DETAIL_COLS)]
    q = lambda v: f'="{v}"' if v else ""
    for o in orders:
        b = o["buyer"]
        prov, city, dist, street = b["region"]
        paid = o["paid"] is not None
        if o["state"] == "awaiting":
            st, close = "等待买家付款", "订单未关闭"
        elif o["state"] == "closed_unpaid":
            st, close = "交易关闭", "买家未付款"
        elif o["stage"] == "refunded":
            st, close = "交易关闭", "退款"
        else:
            st = {"to_ship": "买家已付款，等待卖家发货", "shipped": "卖家已发货，等待买家确认", "done": "交易成功"}[o["stage"]]
            close = "订单未关闭"
        goods_total = money(sum(it["price"] * it["qty"] for it in o["items"]))
        express = "中通快递" if o["ship_time"] else ""
        ship_no = "7531" + digits(rng, 10) if o["ship_time"] else ""
        titles = "，".join(it["title"] for it in o["items"])
        rname, rphone = o["receiver"]
        list_lines.append(csv_line([
            q(o["oid"]), b["tb_nick_mask"], "", f"{goods_total:.2f}", "0.00", "0", f"{o['amount']:.2f}", "0",
            f"{o['amount']:.2f}" if paid else "0.00", "0", st, "", mask_name(rname),
            f"{prov} {city} {dist} {street}***号", "快递", "", mask_phone(rphone), ts(o["created"]), ts(o["paid"]), titles,
            len(o["items"]), q(ship_no), express, "", sum(it["qty"] for it in o["items"]), "0", "青岚茶舍", close, "0.00", "0.00",
            "", "手机订单", "", "", "", "", "", "", "0.00", "0.00", "否", f"{o['refund']:.2f}"]))
        for it in o["items"]:
            if it["refund_state"] == "success":
                rs = "退款成功"
            elif it["refund_state"] == "rejected":
                rs = "退款关闭"
            else:
                rs = "没有申请退款"
            sub_st = "交易关闭" if (it["refund_state"] == "success" and it["refund"] >= it["actual"]) else st
            detail_lines.append(csv_line([
                q(it["sub_id"]), q(o["oid"]), it["title"], f"{it['price']:.2f}", it["qty"], "", "规格:" + it["spec"], "", "", sub_st,
                it["code"], q(o["alipay_no"]), f"{money(it['price'] * it['qty']):.2f}", f"{it['actual']:.2f}" if paid else "0.00",
                rs, f"{it['refund_req']:.2f}" if it["refund_state"] else "0.00", ts(o["created"]), ts(o["paid"]), it["pid"], "",
                "", "", ts(o["ship_time"]), q(ship_no), express, "否", "0.00", ""]))
    (OUT / TB_LIST_FILE).write_bytes(("\r\n".join(list_lines) + "\r\n").encode("gbk"))
    (OUT / TB_DETAIL_FILE).write_bytes(("\r\n".join(detail_lines) + "\r\n").encode("gbk"))

    od = orders_frame(orders, lambda o: o["buyer_key"])
    it = items_frame(orders)
    paid = od[od["paid"].notna()]
    # tb-01 top products by units
    pit = it[it["paid"].notna() & (it["refund_state"] != "success") & (~it["gift"])]
    units = pit.groupby("title")["qty"].sum().sort_values(ascending=False)
    assert units.iloc[0] > units.iloc[1] > units.iloc[2] > units.iloc[3], units
    add_q("tb-01", TB_PAIR, "zh", "三季度卖得最多的3个宝贝是哪几个（按件数）？", list(units.index[:3]),
          "明细表（ExportOrderDetailList）按“标题”汇总“购买数量”；只算已付款订单（订单付款时间非空），退款状态=退款成功的子订单不计"
          "（退款关闭=商家拒绝，仍计入）；0元福袋不计。按件数降序前三。"
          f"件数：{', '.join(f'{k}={int(v)}' for k, v in units.items())}。", 0)
    # tb-02
    add_q("tb-02", TB_PAIR, "en", "How many orders were paid this quarter, and of those how many were fully refunded and how many partially refunded?",
          {"paid_orders": int(len(paid)), "full_refund_orders": int((od["refund_type"] == "full").sum()),
           "partial_refund_orders": int((od["refund_type"] == "partial").sum())},
          "One row per order in ExportOrderList. paid = 订单付款时间 not empty (includes 交易关闭 orders whose 订单关闭原因 is 退款, and 0元 orders); "
          "'交易关闭' + 订单关闭原因 '买家未付款' and '等待买家付款' are not paid. Refund status comes from the detail file (join 主订单编号 -> 订单编号): "
          "full = all sub-orders 退款成功 for the whole paid amount; partial = some 退款成功 but less than the paid amount. '退款关闭' is a rejected refund and does not count.", 0)
    # tb-03
    add_q("tb-03", TB_PAIR, "zh", "退款成功的金额一共是多少？", money(it.loc[it["refund_state"] == "success", "refund"].sum()),
          "明细表中 退款状态=“退款成功” 的子订单“退款金额”求和。退款状态=“退款关闭”的行虽然退款金额列有数（申请金额），但退款被拒，不计。", 0.01)
    # tb-04 repurchase
    pb = paid[paid["paid_amount"] > 0].groupby("buyer_key")["oid"].nunique()
    rep = int((pb >= 2).sum())
    add_q("tb-04", TB_PAIR, "en", "How many customers bought more than once this quarter, and what is the repurchase rate?",
          {"repeat_buyers": rep, "buyers": int(len(pb)), "repurchase_rate": round(rep / len(pb), 4)},
          "Customer = 买家会员名 (masked nick, unique per buyer here; NOT 收货人姓名, since some buyers ship to two different receivers). "
          "Count paid orders (订单付款时间 not empty, 买家实际支付金额 > 0, refunded orders included). repeat = ≥2 such orders; rate = repeat/buyers.",
          {"abs": 0.001})
    # tb-05 threshold
    add_q("tb-05", TB_PAIR, "zh", "实付金额300元及以上的订单有多少单？", int((paid["paid_amount"] >= 300).sum()),
          "订单列表中已付款（订单付款时间非空）且“买家实际支付金额”≥300.00 的订单数；含之后退款的订单（按实付口径，不扣退款）。", 0)
    # tb-06 weekend vs weekday
    wk = paid["paid"].dt.day_of_week >= 5
    add_q("tb-06", TB_PAIR, "en", "How much paid GMV came in on weekends versus weekdays?",
          {"weekend": money(paid.loc[wk, "paid_amount"].sum()), "weekday": money(paid.loc[~wk, "paid_amount"].sum())},
          "By 订单付款时间 (Sat/Sun = weekend), sum of 买家实际支付金额 over paid orders in ExportOrderList, gross of refunds.", 0.01)
    return orders, od, it


# ============================================================================
# 4. 抖店 order export + 售后单 export (CSV UTF-8, tab-prefixed ids, '-' empties)
# ============================================================================
DD_FILE = "抖店_订单导出_20250701-20250930.csv"
DD_AS_FILE = "抖店_售后单导出_20250701-20251001.csv"
DD_PAIR = f"{DD_FILE} + {DD_AS_FILE}"
DD_COLS = ["主订单编号", "子订单编号", "支付方式", "选购商品", "货号", "商品ID", "商家编码", "商品数量", "商品金额", "订单提交时间",
           "支付完成时间", "订单完成时间", "承诺发货时间", "预约发货时间", "买家留言", "旗帜颜色", "商家备注", "APP渠道", "订单状态",
           "取消原因", "售后状态", "订单类型", "发货时间", "车型", "是否是以旧换新", "换新额外补贴", "换新额外补贴发放状态",
           "订单应付金额", "运费", "优惠总金额", "平台优惠", "商家优惠", "达人优惠", "商家改价", "支付优惠", "手续费", "红包抵扣",
           "降价类优惠", "平台实际承担优惠金额", "商家实际承担优惠金额", "达人实际承担优惠金额", "收件人", "收件人手机号", "省", "市",
           "区", "街道", "详细地址", "是否修改过地址", "快递信息", "序列号", "达人ID", "达人昵称", "拼团订单团编号", "商品单价是否含税",
           "税费", "鲁班落地页ID", "所属门店ID", "流量来源", "仓库ID", "仓库名称", "是否安心购", "广告渠道", "流量类型", "流量体裁",
           "流量渠道", "发货主体", "发货主体明细", "教育优惠", "预计送达时间", "是否平台仓自流转", "是否是渠道商品", "预约送达时间",
           "建议发货时间（起）", "建议发货时间（止）"]
DD_AS_COLS = ["售后单号", "订单号", "商品单号", "商品名称", "商品ID", "应付金额（元）", "商品运费（元）", "支付优惠（元）", "商品税费（元）",
              "商品发货状态", "售后类型", "退商品金额（元）", "退运费金额（元）", "退支付优惠（元）", "退税费金额（元）", "售后状态",
              "售后申请时间", "退款方式", "是否已上传退款凭证", "售后原因", "售后原因标签", "退货物流单号", "退货发货时间", "退货物流公司",
              "同意售后申请时间", "商家退款时间", "用户到账时间", "售后关闭时间", "是否极速退款", "售后完结时间", "订单备注",
              "用户售后说明", "售后备注", "商家编码"]
DD_OWN = "青岚茶舍官方旗舰店"
DD_DAREN_ID = {DD_OWN: "3625118890", "茶茶子": "1876523940", "山野阿木": "2290371165", "品茶的林老师": "4108826637"}


def dd_channel(rng, gift):
    r = rng.random()
    if gift or r < 0.60:
        return "live", rng.choices([DD_OWN, "茶茶子", "山野阿木", "品茶的林老师"], weights=[0.46, 0.26, 0.18, 0.10])[0]
    if r < 0.75:
        return "video", rng.choice(["山野阿木", "茶茶子"])
    return "card", None


def amt(x):
    return f"{x:,.2f}"


def build_dd(rng):
    buyers = make_buyers(rng, 330)
    orders = gen_orders(rng, 330, buyers, dd_channel, n_awaiting=5, refund_boost={"茶茶子": 2.2})
    used = set()
    for o in orders:
        while True:
            oid = "69" + digits(rng, 17)
            if oid not in used:
                break
        used.add(oid)
        o["oid"] = oid
        o["buyer_key"] = o["buyer"]["phone_mask"]
        for k, it in enumerate(o["items"]):
            if len(o["items"]) == 1:
                it["sub_id"] = oid
            else:
                it["sub_id"] = str(int(oid) + k + 1)
                assert it["sub_id"] not in used
                used.add(it["sub_id"])
    # a couple of pending after-sale requests on late-September orders
    pend = [o for o in orders if o["state"] == "paid" and not o["gift"] and o["refund_type"] is None
            and o["paid"] > dt.datetime(2025, 9, 26) and all(i["refund_state"] is None for i in o["items"])][:2]
    for o in pend:
        it = o["items"][0]
        it.update(refund_state="pending", refund_req=it["actual"], refund_time=o["paid"] + dt.timedelta(days=1))
    T = lambda t: "\t" + ts(t) if t else "-"
    lines = io.StringIO()
    w = csv.writer(lines, lineterminator="\r\n")
    w.writerow(DD_COLS)
    for o in orders:
        b = o["buyer"]
        prov, city, dist, street = b["region"]
        paid = o["paid"] is not None
        host = o["host"]
        for it in o["items"]:
            if o["state"] == "awaiting":
                st, cancel = "待支付", "-"
            elif o["state"] == "closed_unpaid":
                st, cancel = "已关闭", rng.choice(["超时未支付", "超时未支付", "买家取消订单"])
            elif it["refund_state"] == "success" and it["refund"] >= it["actual"]:
                st, cancel = "已关闭", "-"
            else:
                st = {"to_ship": "待发货", "shipped": "已发货", "done": "已完成", "refunded": "已关闭"}[o["stage"]]
                cancel = "-"
            after = {"success": "退款成功", "rejected": "售后关闭", "pending": "售后中", None: "-"}[it["refund_state"]]
            disc = money(it["price"] * it["qty"] - it["actual"])
            if o["channel"] == "live":
                genre, chan = "直播", "直播间"
            elif o["channel"] == "video":
                genre, chan = "短视频", "短视频"
            else:
                genre, chan = "其他", "商品卡"
            src = "精选联盟" if host and host != DD_OWN else "自营"
            express = "中通快递:" + "7531" + digits(rng, 10) if o["ship_time"] else "-"
            w.writerow([
                "\t" + o["oid"], "\t" + it["sub_id"], rng.choice(["抖音支付", "微信", "支付宝"]) if paid else "-", it["title"],
                it["code"], "\t" + it["pid"], it["code"], it["qty"], amt(it["price"]), T(o["created"]), T(o["paid"]),
                T(o["confirm_time"]), T(o["paid"] + dt.timedelta(hours=48)) if paid else "-", "-", "-", "-", "-",
                "抖音", st, cancel, after, "普通订单", T(o["ship_time"]), "-", "否", "0.00", "-",
                amt(it["actual"]), "0.00", amt(disc), "0.00", amt(disc), "0.00", "0.00", "0.00", "0.00", "0.00", "0.00",
                "0.00", amt(disc), "0.00", mask_name(b["name"]), b["phone_mask"], prov, city, dist, street, "****",
                "否", express, "-", ("\t" + DD_DAREN_ID[host]) if host else "-", host or "-", "-", "-", "0.00", "-", "-", src,
                "-", "-", "否", rng.choice(["-", "-", "千川"]) if o["channel"] == "live" else "-",
                rng.choice(["自然流量", "广告流量"]) if host else "自然流量", genre, chan, "商家", "-", "0.00", "-", "否", "否", "-",
                "-", "-"])
    (OUT / DD_FILE).write_bytes(lines.getvalue().encode("utf-8-sig"))

    # after-sale export
    recs = []
    for o in orders:
        for it in o["items"]:
            if not it["refund_state"]:
                continue
            shipped = o["ship_time"] is not None and o["ship_time"] < it["refund_time"]
            if it["refund_state"] == "success" and rng.random() < 0.15:
                # an earlier request that the buyer cancelled, then re-applied
                t0 = it["refund_time"] - dt.timedelta(hours=rng.randint(20, 40))
                if t0 > o["paid"]:
                    recs.append(dict(o=o, it=it, state="售后关闭", req=it["refund_req"], t=t0, shipped=shipped))
            recs.append(dict(o=o, it=it, state={"success": "退款成功", "rejected": "售后关闭", "pending": "待商家处理"}[it["refund_state"]],
                             req=it["refund_req"], t=it["refund_time"], shipped=shipped))
    recs.sort(key=lambda r: r["t"])
    lines = io.StringIO()
    w = csv.writer(lines, lineterminator="\r\n")
    w.writerow(DD_AS_COLS)
    as_rows = []
    for r in recs:
        o, it = r["o"], r["it"]
        asid = "14" + digits(rng, 17)
        partial_amt = r["req"] < it["actual"]
        typ = "仅退款" if (not r["shipped"] or partial_amt) else rng.choice(["退货退款", "仅退款"])
        done = r["state"] == "退款成功"
        closed = r["state"] == "售后关闭"
        fin = r["t"] + dt.timedelta(hours=rng.randint(2, 30))
        w.writerow(["\t" + asid, "\t" + o["oid"], "\t" + it["sub_id"], it["title"], "\t" + it["pid"], amt(it["actual"]), "0.00",
                    "0.00", "0.00", "已发货" if r["shipped"] else "未发货", typ, amt(r["req"]), "0.00", "0.00", "0.00", r["state"],
                    "\t" + ts(r["t"]), "原路退回", "否", rng.choice(["不想要了", "口感不喜欢", "包装破损", "拍错/多拍", "价格变化（补差）"]) if not partial_amt else "价格变化（补差）",
                    "-", "-", "-", "-", ("\t" + ts(r["t"] + dt.timedelta(hours=1))) if done else "-",
                    ("\t" + ts(fin)) if done else "-", ("\t" + ts(fin + dt.timedelta(minutes=5))) if done else "-",
                    ("\t" + ts(fin)) if closed else "-", "是" if (done and not r["shipped"]) else "否",
                    ("\t" + ts(fin)) if (done or closed) else "-", "-", "-", "-", it["code"]])
        as_rows.append(dict(asid=asid, oid=o["oid"], sub_id=it["sub_id"], state=r["state"], amount=r["req"], host=o["host"]))
    (OUT / DD_AS_FILE).write_bytes(lines.getvalue().encode("utf-8-sig"))

    od = orders_frame(orders, lambda o: o["buyer_key"])
    it = items_frame(orders)
    paid_it = it[it["paid"].notna()]
    # dd-01
    add_q("dd-01", DD_PAIR, "zh", "8月抖店的成交金额（GMV）是多少？", money(paid_it.loc[month_mask(paid_it["paid"], 8), "actual"].sum()),
          "订单导出每行是一个子订单，“订单应付金额”是该子订单的金额（带千分位逗号，如1,104.00）。已支付=“支付完成时间”不是“-”，"
          "按支付完成时间落在2025-08对所有子订单行求和；不扣退款（含之后已关闭的退款子订单）；待支付/超时未支付关闭的不计。ID和时间前面有制表符。", 0.01)
    # dd-02
    g = paid_it[paid_it["host"].notna()].groupby("host")["actual"].sum().sort_values(ascending=False)
    assert g.iloc[0] - g.iloc[1] > 1000, g
    add_q("dd-02", DD_PAIR, "en", "Which host / creator (达人昵称) drove the most GMV this quarter?", g.index[0],
          "Paid sub-order rows (支付完成时间 not '-'), grouped by 达人昵称 ('-' = 商品卡 orders with no creator, excluded; the shop's own "
          "live account counts as a host), summing 订单应付金额, gross of refunds. "
          f"Totals: {', '.join(f'{k}={money(v)}' for k, v in g.items())}.", 0)
    # dd-03
    asd = pd.DataFrame(as_rows)
    ok = asd[asd["state"] == "退款成功"]
    add_q("dd-03", DD_PAIR, "zh", "售后退款成功的一共退了多少钱？涉及多少个订单？",
          {"refund_amount": money(ok["amount"].sum()), "refunded_orders": int(ok["oid"].nunique())},
          "售后单导出中 售后状态=“退款成功” 的记录：退商品金额（元）+退运费金额（元）（运费均为0）求和；订单数按“订单号”（主订单）去重。"
          "售后关闭（被拒/买家撤销后重新申请的旧单）和待商家处理的不算。", 0.01)
    # dd-04
    rh = ok[ok["host"].notna()].groupby("host")["amount"].sum().sort_values(ascending=False)
    assert rh.iloc[0] - rh.iloc[1] > 50, rh
    assert rh.index[0] != g.index[0]          # top refund host differs from top GMV host
    add_q("dd-04", DD_PAIR, "en", "Which creator (达人) has the largest amount of successful refunds?", rh.index[0],
          "Join the after-sale file's 商品单号 to the order file's 子订单编号 (strip leading tabs) to get 达人昵称; "
          "sum 退商品金额（元） over 售后状态 == '退款成功'; '-' (商品卡) excluded. "
          f"Totals: {', '.join(f'{k}={money(v)}' for k, v in rh.items())}.", 0)
    # dd-05 new vs returning in September
    po = od[(od["paid"].notna()) & (od["paid_amount"] > 0)]
    before = set(po.loc[po["paid"].dt.month.isin([7, 8]), "buyer_key"])
    sep_b = set(po.loc[po["paid"].dt.month == 9, "buyer_key"])
    add_q("dd-05", DD_PAIR, "zh", "9月下单的客人里，有多少是7-8月就买过的老客，多少是新客？",
          {"returning": len(sep_b & before), "new": len(sep_b - before)},
          "买家=收件人手机号（脱敏形式138****5678，本文件内每位买家唯一；收件人“张**”会撞名不能用）。只看已支付（支付完成时间非“-”）且订单金额>0的订单"
          "（订单金额=同一主订单各子订单“订单应付金额”之和）。9月有支付的买家中，7或8月也有支付的=老客，否则=新客。退款不影响。", 0)
    # dd-06
    add_q("dd-06", DD_PAIR, "en", "How many orders were closed without ever being paid, and how many are still waiting for payment?",
          {"closed_unpaid": int((od["state"] == "closed_unpaid").sum()), "awaiting_payment": int((od["state"] == "awaiting").sum())},
          "Count distinct 主订单编号. closed_unpaid = 订单状态 '已关闭' with 支付完成时间 '-' (取消原因 超时未支付/买家取消订单); "
          "'已关闭' rows that were paid and then refunded are NOT included. awaiting_payment = 订单状态 '待支付'.", 0)
    return orders, od, it, asd


# ============================================================================
# 5. 有赞 order export, item level (xlsx)
# ============================================================================
YZ_FILE = "有赞_订单明细_商品维度_20250701-20250930.xlsx"
YZ_COLS = ["订单号", "订单状态", "订单创建时间", "买家付款时间", "交易成功时间", "商品名称", "商品类型", "商品规格", "规格编码", "商品编码",
           "商品单价", "商品优惠方式", "商品优惠后价格", "商品数量", "商品金额小计", "店铺优惠（分摊）", "商品实际成交金额",
           "收货人/提货人", "收货人手机号/提货人手机号", "收货人省份", "收货人城市", "收货人地区", "详细收货地址/提货地址", "买家备注",
           "商品发货状态", "商品发货方式", "商品退款状态", "商品已退款金额", "商家订单备注", "买家昵称", "买家是否会员", "买家手机号",
           "分销员", "订单来源"]


def yz_channel(rng, gift):
    return ("none", None)


def build_yz(rng):
    buyers = make_buyers(rng, 200, youzan=True)
    orders = gen_orders(rng, 186, buyers, yz_channel, n_awaiting=3, p_gift=0.05)
    used = set()
    for o in orders:
        while True:
            oid = "E" + o["created"].strftime("%Y%m%d%H%M%S") + digits(rng, 9)
            if oid not in used:
                break
        used.add(oid)
        o["oid"] = oid
        o["buyer_key"] = o["buyer"]["phone_mask"]
        mf = o["buyer"]["member_from"]
        o["member"] = bool(mf and o["created"] >= mf)
        alt = o["buyer"].get("alt_receiver")
        o["receiver"] = alt if (alt and rng.random() < 0.6) else (o["buyer"]["name"], o["buyer"]["phone"])
        o["source"] = rng.choice(["商家小程序", "商家小程序", "微信公众号"])
        o["seller"] = "导购-阿青" if rng.random() < 0.12 else ""
    wb = Workbook()
    ws = wb.active
    ws.title = "商品维度"
    ws.append(YZ_COLS)
    for o in orders:
        b = o["buyer"]
        prov, city, dist, street = b["region"]
        if o["state"] == "awaiting":
            st = "待付款"
        elif o["state"] == "closed_unpaid" or o["stage"] == "refunded":
            st = "交易关闭"
        else:
            st = {"to_ship": "待发货", "shipped": "已发货", "done": "交易完成"}[o["stage"]]
        rname, rphone = o["receiver"]
        for it in o["items"]:
            rs = {"success": "退款成功", "rejected": "退款关闭", None: ""}[it["refund_state"]]
            ws.append([o["oid"], st, ts(o["created"]), ts(o["paid"]), ts(o["confirm_time"]), it["title"], "实物商品", it["spec"],
                       it["code"] + "-01", it["code"], it["price"], ("会员折扣" if o["member"] else "限时折扣") if o["disc"] else "",
                       it["unit_actual"], it["qty"], money(it["price"] * it["qty"]), 0.0, it["actual"], mask_name(rname),
                       mask_phone(rphone), prov, city, dist, f"{prov}{city}{dist}{street}****", "",
                       ("已发货" if o["ship_time"] else "待发货") if o["paid"] else "", "快递发货", rs, it["refund"], "",
                       b["nick"], "是" if o["member"] else "否", b["phone_mask"], o["seller"], o["source"]])
    wb.save(OUT / YZ_FILE)

    od = orders_frame(orders, lambda o: o["buyer_key"])
    od["member"] = [o["member"] for o in orders]
    it = items_frame(orders, extra=lambda o, i: dict(member=o["member"]))
    paid = od[od["paid"].notna()]
    # yz-01
    add_q("yz-01", YZ_FILE, "zh", "会员和非会员各贡献了多少成交额？",
          {"member": money(paid.loc[paid["member"], "paid_amount"].sum()), "non_member": money(paid.loc[~paid["member"], "paid_amount"].sum())},
          "已支付订单（买家付款时间非空）各商品行“商品实际成交金额”之和，不扣退款；按每一行的“买家是否会员”划分（同一买家入会前的订单为“否”，入会后为“是”，按下单当时的标记算）。"
          "待付款、未付款关闭的订单即使有商品实际成交金额也不计。", 0.01)
    # yz-02
    pb = paid[paid["paid_amount"] > 0].groupby("buyer_key")["oid"].nunique()
    rep = int((pb >= 2).sum())
    add_q("yz-02", YZ_FILE, "en", "What share of paying customers bought more than once (repurchase rate)?",
          {"repeat_buyers": rep, "buyers": int(len(pb)), "repurchase_rate": round(rep / len(pb), 4)},
          "Customer = 买家手机号 (masked, unique per buyer). Not 收货人手机号 (some orders ship to a family member) and not 买家昵称 (nicknames repeat across different people). "
          "Orders: 买家付款时间 not empty and order total of 商品实际成交金额 > 0, counted by distinct 订单号; refunds ignored. rate = repeat/buyers.",
          {"abs": 0.001})
    # yz-03
    pit = it[it["paid"].notna() & (it["refund_state"] != "success") & (~it["gift"])]
    units = pit.groupby("title")["qty"].sum().sort_values(ascending=False)
    assert units.iloc[0] > units.iloc[1] > units.iloc[2] > units.iloc[3], units
    add_q("yz-03", YZ_FILE, "zh", "按件数算，卖得最好的前三个商品是？", list(units.index[:3]),
          "已支付订单的商品行按“商品名称”汇总“商品数量”，商品退款状态=退款成功的行不计（退款关闭的仍计），0元福袋不计。"
          f"件数：{', '.join(f'{k}={int(v)}' for k, v in units.items())}。", 0)
    # yz-04
    add_q("yz-04", YZ_FILE, "en", "How many zero-value (0元) orders are there?", int((paid["paid_amount"] == 0).sum()),
          "Distinct 订单号 with 买家付款时间 not empty whose 商品实际成交金额 sums to 0.00 (the 【0元领】 sample bag).", 0)
    # yz-05
    part = od[od["refund_type"] == "partial"]
    add_q("yz-05", YZ_FILE, "zh", "有几单是部分退款（只退了一部分），一共退了多少钱？",
          {"partial_refund_orders": int(len(part)), "partial_refund_amount": money(part["refund"].sum())},
          "按订单号汇总“商品已退款金额”（只在商品退款状态=退款成功的行上有值）：0<退款合计<订单商品实际成交金额合计 的订单为部分退款；"
          "全额退款的订单（订单状态交易关闭且已付款）不算。金额=这些订单的退款合计。", 0.01)
    # yz-06
    nb = paid[paid["paid_amount"] > 0]["buyer_key"].nunique()
    recv = {}
    for o in orders:
        if o["paid"] and o["amount"] > 0:
            recv[mask_phone(o["receiver"][1])] = 1
    assert len(recv) != nb
    add_q("yz-06", YZ_FILE, "en", "How many distinct customers paid at least once this quarter?", int(nb),
          "Distinct 买家手机号 over orders with 买家付款时间 not empty and amount > 0. "
          f"(Counting 收货人手机号/提货人手机号 instead would give {len(recv)}; counting 买家昵称 would give "
          f"{paid[paid['paid_amount'] > 0].merge(pd.DataFrame([dict(oid=o['oid'], nick=o['buyer']['nick']) for o in orders]), on='oid')['nick'].nunique()}.)", 0)
    return orders, od, it


# ============================================================================
# 6. 支付宝商家 业务明细 for the Taobao shop (GBK CSV re-saved by Excel)
# ============================================================================
ALI_FILE = "支付宝业务明细_淘宝店_20250701-20250930.csv"
ALI_COLS = ["支付宝交易号", "商户订单号", "业务类型", "商品名称", "创建时间", "完成时间", "门店编号", "门店名称", "操作员", "终端号",
            "对方账户", "订单金额（元）", "商家实收（元）", "支付宝红包（元）", "集分宝（元）", "支付宝优惠（元）", "商家优惠（元）",
            "券核销金额（元）", "券名称", "商家红包消费金额（元）", "卡消费金额（元）", "退款批次号/请求号", "服务费（元）", "分润（元）", "备注"]


def excel_sci(s):
    """How Excel (General format) writes a long digit string back to CSV."""
    v = float(s)
    e = int(np.floor(np.log10(v)))
    m = f"{v / 10 ** e:.5f}".rstrip("0").rstrip(".")
    return f"{m}E+{e:02d}"


def excel_time(t):
    return f"{t.year}/{t.month}/{t.day} {t.hour}:{t.minute:02d}"


def excel_num(x):
    s = f"{x:.2f}".rstrip("0").rstrip(".")
    return s if s not in ("-0", "") else "0"


def build_ali(rng, tb_orders):
    rows = []
    for o in tb_orders:
        if not o["paid"] or o["amount"] <= 0:
            continue
        title = o["items"][0]["title"] + (f"等{len(o['items'])}件商品" if len(o["items"]) > 1 else "")
        rows.append(dict(tno=o["alipay_no"], oid=o["oid"], kind="交易", title=title, created=o["created"], done=o["paid"],
                         payer=o["buyer"]["alipay_mask"], order_amt=o["amount"], net=o["amount"], batch=""))
        for it in o["items"]:
            if it["refund_state"] == "success":
                rows.append(dict(tno=o["alipay_no"], oid=o["oid"], kind="退款", title=title, created=it["refund_time"],
                                 done=it["refund_time"] + dt.timedelta(minutes=rng.randint(1, 30)),
                                 payer=o["buyer"]["alipay_mask"], order_amt=o["amount"], net=-it["refund"],
                                 batch="RF" + it["refund_time"].strftime("%Y%m%d") + digits(rng, 10)))
    rows.sort(key=lambda r: r["done"])
    width = len(ALI_COLS)
    pad = lambda s: s + "," * (width - 1)
    out = [pad("#支付宝业务明细查询"), pad("#账号：[20880123456789010156]"),
           pad("#起始日期：[2025年07月01日 00:00:00]   终止日期：[2025年10月01日 00:00:00]"),
           pad("#-----------------------------------------业务明细列表----------------------------------------"),
           csv_line(ALI_COLS)]
    for r in rows:
        out.append(csv_line([excel_sci(r["tno"]), excel_sci(r["oid"]), r["kind"], r["title"], excel_time(r["created"]),
                             excel_time(r["done"]), "", "", "", "", r["payer"], excel_num(r["order_amt"]), excel_num(r["net"]),
                             "0", "0", "0", "0", "0", "", "0", "0", r["batch"], "0", "0", ""]))
    df = pd.DataFrame(rows)
    tr = df[df["kind"] == "交易"]
    rf = df[df["kind"] == "退款"]
    out += [pad("#-----------------------------------------业务明细列表结束------------------------------------"),
            pad(f"#交易合计：{len(tr)}笔，商家实收共{tr['net'].sum():.2f}元，商家优惠共0.00元"),
            pad(f"#退款合计：{len(rf)}笔，商家实收退款共{rf['net'].sum():.2f}元，商家优惠退款共0.00元"),
            pad("#导出时间：[2025年10月01日 10:12:33]")]
    (OUT / ALI_FILE).write_bytes(("\r\n".join(out) + "\r\n").encode("gbk"))

    df["done"] = pd.to_datetime(df["done"])
    jul = tr[pd.to_datetime(tr["done"]).dt.month == 7]
    add_q("ali-01", ALI_FILE, "zh", "7月支付宝一共进了多少笔交易、商家实收多少钱？",
          {"trades": int(len(jul)), "amount": money(jul["net"].sum())},
          "跳过开头的#标题行和结尾的#合计行（#交易合计/#退款合计不是数据）。业务类型=“交易”且“完成时间”在2025年7月的行："
          "笔数与“商家实收（元）”之和。该文件被Excel另存过：时间变成“2025/7/3 14:22”，金额去掉了末尾的0，交易号/订单号变成科学计数法（不能用来去重或关联）。", 0.01)
    add_q("ali-02", ALI_FILE, "en", "How much money was refunded in total this quarter according to the Alipay statement?",
          money(-rf["net"].sum()),
          "Rows with 业务类型 == '退款' between the '业务明细列表' markers; sum of 商家实收（元） (negative numbers) reported as a positive amount. "
          "Do not add the '#退款合计' footer line.", 0.01)
    add_q("ali-03", ALI_FILE, "zh", "三季度有多少个不同的付款人？", int(tr["payer"].nunique()),
          "业务类型=“交易”的行按“对方账户”（脱敏，如 **伟(138****78)，本文件内每位付款人唯一）去重计数。", 0)
    return df


# ============================================================================
# re-read the written files and check a few answers
# ============================================================================
def A(qid):
    return next(a["expected"] for a in ANSWERS if a["id"] == qid)


def close(a, b, tol=0.011):
    assert abs(float(a) - float(b)) <= tol, (a, b)


def verify():
    # 视频号: order amount repeated on every item row -> dedupe by order
    s = pd.read_excel(OUT / SPH_FILE, dtype={"订单号": str})
    o = s.drop_duplicates("订单号")
    pt = pd.to_datetime(o["支付时间"], errors="coerce")
    close(o.loc[pt.dt.month == 7, "订单实际支付金额"].sum(), A("sph-01"))
    paid = o[pt.notna() & (o["订单实际支付金额"] > 0)]
    assert paid["收件人手机"].nunique() == A("sph-02")
    assert paid["收件人姓名"].nunique() < A("sph-02")          # masked names collide
    assert (s["订单实际支付金额"].sum() - o["订单实际支付金额"].sum()) > 1000   # naive sum is wrong
    # 快手
    k = pd.read_excel(OUT / KS_FILE)
    v = k["累计观看人数"].astype(str).map(lambda x: int(round(float(x[:-1]) * 10000)) if x.endswith("万") else int(x))
    assert int(v.sum()) == A("ks-02")
    st = pd.to_datetime(k["开播时间"])
    assert int((st.dt.month == 8).sum()) == A("ks-01")
    g = k["成交金额(元)"].astype(str).str.replace(",", "").astype(float)
    sep = st.dt.month == 9
    close(g[sep].sum() / v[sep].sum() * 1000, A("ks-03"), 0.05)
    # 淘宝 detail: GBK, ="..." ids
    d = pd.read_csv(OUT / TB_DETAIL_FILE, encoding="gbk", dtype=str)
    lst = pd.read_csv(OUT / TB_LIST_FILE, encoding="gbk", dtype=str)
    for df_ in (d, lst):
        for c in df_.columns:
            if c.endswith("编号") or c in ("支付单号", "物流单号"):
                df_[c] = df_[c].str.strip('="')
    close(d.loc[d["退款状态"] == "退款成功", "退款金额"].astype(float).sum(), A("tb-03"))
    assert set(d["主订单编号"]) <= set(lst["订单编号"])
    paid_l = lst[lst["订单付款时间"].notna()]
    assert len(paid_l) == A("tb-02")["paid_orders"]
    assert int((paid_l["买家实际支付金额"].astype(float) >= 300).sum()) == A("tb-05")
    # 抖店: tabs, commas, '-'
    dd = pd.read_csv(OUT / DD_FILE, dtype=str, encoding="utf-8-sig")
    dd = dd.apply(lambda c: c.str.strip("\t"))
    pay = pd.to_datetime(dd["支付完成时间"].replace("-", None), errors="coerce")
    amt_ = dd["订单应付金额"].str.replace(",", "").astype(float)
    close(amt_[pay.dt.month == 8].sum(), A("dd-01"))
    asf = pd.read_csv(OUT / DD_AS_FILE, dtype=str, encoding="utf-8-sig").apply(lambda c: c.str.strip("\t"))
    ok = asf[asf["售后状态"] == "退款成功"]
    close(ok["退商品金额（元）"].str.replace(",", "").astype(float).sum(), A("dd-03")["refund_amount"])
    assert ok["订单号"].nunique() == A("dd-03")["refunded_orders"]
    assert set(asf["商品单号"]) <= set(dd["子订单编号"])
    # 有赞
    y = pd.read_excel(OUT / YZ_FILE, dtype={"订单号": str})
    yp = y[y["买家付款时间"].notna()]
    tot = yp.groupby("订单号")["商品实际成交金额"].sum()
    assert int((tot == 0).sum()) == A("yz-04")
    close(yp.loc[yp["买家是否会员"] == "是", "商品实际成交金额"].sum(), A("yz-01")["member"])
    # 支付宝: GBK, # lines, Excel-mangled
    raw = (OUT / ALI_FILE).read_text(encoding="gbk").splitlines()
    hdr = next(i for i, l in enumerate(raw) if l.startswith("支付宝交易号"))
    body = [l for l in raw[hdr + 1:] if not l.startswith("#")]
    al = pd.read_csv(io.StringIO("\n".join([raw[hdr]] + body)), dtype=str)
    rf = al[al["业务类型"] == "退款"]
    close(-rf["商家实收（元）"].astype(float).sum(), A("ali-02"))
    tr = al[al["业务类型"] == "交易"]
    assert tr["对方账户"].nunique() == A("ali-03")
    assert tr["商户订单号"].str.contains("E+", regex=False).all()
    print("verify: all checks passed")


def build_with_retry(fn, base_seed, *args):
    """Deterministic: the first sub-seed whose data has unambiguous answers (no ties, clear winners) is kept."""
    for k in range(200):
        n_before = len(ANSWERS)
        try:
            return fn(random.Random(base_seed + k), *args)
        except AssertionError:
            del ANSWERS[n_before:]
    raise RuntimeError(f"no usable sub-seed for {fn.__name__}")


def main():
    rng = random.Random(SEED)
    seeds = [rng.randrange(2**32) for _ in range(6)]
    build_with_retry(build_sph, seeds[0])
    build_with_retry(build_ks, seeds[1])
    tb_orders, _, _ = build_with_retry(build_tb, seeds[2])
    build_with_retry(build_dd, seeds[3])
    build_with_retry(build_yz, seeds[4])
    build_with_retry(build_ali, seeds[5], tb_orders)
    doc = {"shop": "青岚茶舍 (fictional tea brand)", "period": "2025-07-01..2025-09-30",
           "generator": "make_files.py (seed %d)" % SEED, "questions": ANSWERS}
    (OUT / "answers.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=200), encoding="utf-8")
    verify()
    for f in [SPH_FILE, KS_FILE, TB_LIST_FILE, TB_DETAIL_FILE, DD_FILE, DD_AS_FILE, YZ_FILE, ALI_FILE]:
        print(f, (OUT / f).stat().st_size)
    print(len(ANSWERS), "questions")


if __name__ == "__main__":
    main()
