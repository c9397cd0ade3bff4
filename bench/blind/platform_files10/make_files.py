#!/usr/bin/env python3
"""Blind set 10: per-line shipping, free gifts, closed orders, refund kinds, gross vs net, product net.

Shop: 麦小栗 MAIXIAOLI (made-up snack brand), 2025-09-01 .. 2025-11-30, on 抖音 (抖店), 视频号 (微信小店) and 有赞
(微商城 / 小程序). This script writes four export files into its own folder, each in its platform's layout:

  抖店_订单导出_20250901-20251130.csv             抖店 订单管理 → 批量导出 (UTF-8 BOM CSV, 74 columns, one row per
                                                  子订单, ids with a leading tab, '-' for empty, no refund amount)
  视频号小店_订单列表_20250901-20251130.xlsx       视频号小店/微信小店 订单 → 订单列表 → 导出 (57 columns, one row per
                                                  product line, order columns repeated on every line)
  有赞_订单明细_商品维度_20250901-20251130.xlsx     有赞 订单 → 导出 → 商品维度 (37 columns, one row per product line,
                                                  per-line 商品发货状态 / 商品退款状态 / 商品已退款金额)
  有赞_订单导出_订单维度_20250901-20251130.csv      有赞 订单 → 导出 → 订单维度 (UTF-8 BOM CSV, 60 columns, one row
                                                  per order, 买家付款时间 / 订单退款状态 / 订单已退款金额)

Deterministic (seed 20251201). The generator first builds the ground truth (orders, lines, an explicit outcome label
per order), writes the files, then RE-READS the written files with pandas and computes every expected answer from the
file columns alone. It cross-checks those answers against the ground-truth labels, asserts that each wrong reading
quoted in a definition really gives a different number, writes answers.yaml and prints
`verify: all checks passed (N checks)`.

Run (from the repository root):  uv run python bench/blind/platform_files10/make_files.py
Only numpy, pandas and openpyxl are used; answers.yaml is written by a small emitter (JSON-style scalars).
"""
from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook

SEED = 20251201
OUT = Path(__file__).resolve().parent

F_DY = "抖店_订单导出_20250901-20251130.csv"
F_WX = "视频号小店_订单列表_20250901-20251130.xlsx"
F_YZI = "有赞_订单明细_商品维度_20250901-20251130.xlsx"
F_YZO = "有赞_订单导出_订单维度_20250901-20251130.csv"
F_YZ_PAIR = f"{F_YZO} + {F_YZI}"

START = dt.date(2025, 9, 1)
N_DAYS = 91  # 2025-09-01 .. 2025-11-30
ASOF_DY = dt.datetime(2025, 11, 30, 23, 58, 40)
ASOF_WX = dt.datetime(2025, 11, 30, 23, 57, 15)
ASOF_YZ = dt.datetime(2025, 11, 30, 23, 59, 30)
MID_AUTUMN = dt.date(2025, 10, 6)
D11_FROM, D11_TO = dt.date(2025, 11, 1), dt.date(2025, 11, 11)

H = dt.timedelta(hours=1)
D = dt.timedelta(days=1)

# --------------------------------------------------------------------------------------
# shared reference data (all made up)
# --------------------------------------------------------------------------------------
# code, title, specs, list price (cents), platform product id, weight
PRODUCTS = [
    ("MXL-NUT30", "麦小栗 每日坚果混合果仁 30包", ["750g/30包"], 8990, "3712450918261", 1.5),
    ("MXL-BEEF", "麦小栗 手撕风干牛肉 250g", ["原味", "香辣"], 5990, "3712450918278", 1.2),
    ("MXL-PORK", "麦小栗 靖江猪肉脯 200g", ["原味", "蜜汁"], 2990, "3712450918285", 1.3),
    ("MXL-CHEST", "麦小栗 迁西甘栗仁 100g×5袋", ["5袋装"], 3990, "3712450918292", 1.0),
    ("MXL-MANGO", "麦小栗 芒果干 108g×3袋", ["3袋装"], 2590, "3712450918308", 1.1),
    ("MXL-BISC", "麦小栗 海苔肉松小贝 500g", ["整箱500g"], 3290, "3712450918315", 0.9),
    ("MXL-SPICY", "麦小栗 素毛肚辣条 20包", ["麻辣", "藤椒"], 1990, "3712450918322", 1.0),
    ("MXL-BOX", "麦小栗 中秋坚果礼盒 1.5kg", ["臻选礼盒"], 16800, "3712450918339", 0.5),
    ("MXL-YOG", "麦小栗 冻干酸奶块 60g×4", ["草莓", "蓝莓"], 3690, "3712450918346", 0.8),
]
GIFT = ("MXL-TRY", "【赠品】麦小栗 每日坚果试吃装 25g", ["随机口味"], 990, "3712450918353")
BAG = ("MXL-FUDAI", "【福袋】麦小栗直播间零食福袋", ["随机款"], 990, "3712450918360")
CODE_NUT, CODE_BEEF, CODE_PORK, CODE_MANGO, CODE_BOX = "MXL-NUT30", "MXL-BEEF", "MXL-PORK", "MXL-MANGO", "MXL-BOX"
TITLE = {p[0]: p[1] for p in PRODUCTS}

SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余杜叶程魏苏吕丁任沈姚卢傅钟姜崔谭廖范汪陆金石戴贾韦夏邱方侯邹熊孟秦白江")
PREFIXES = ["130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153", "155", "157",
            "158", "159", "166", "173", "176", "177", "178", "180", "181", "182", "183", "185", "186", "187", "188",
            "189", "191", "195", "198", "199"]
REGIONS = [
    ("广东省", "广州市", "海珠区", "江南中街道"), ("广东省", "深圳市", "福田区", "莲花街道"), ("广东省", "佛山市", "南海区", "桂城街道"),
    ("浙江省", "杭州市", "拱墅区", "米市巷街道"), ("浙江省", "温州市", "鹿城区", "五马街道"), ("江苏省", "南京市", "秦淮区", "夫子庙街道"),
    ("江苏省", "无锡市", "梁溪区", "崇安寺街道"), ("上海市", "上海市", "闵行区", "古美路街道"), ("上海市", "上海市", "杨浦区", "五角场街道"),
    ("北京市", "北京市", "海淀区", "学院路街道"), ("四川省", "成都市", "锦江区", "春熙路街道"), ("湖北省", "武汉市", "江汉区", "民族街道"),
    ("湖南省", "长沙市", "开福区", "四方坪街道"), ("山东省", "济南市", "历下区", "泉城路街道"), ("河南省", "郑州市", "二七区", "五里堡街道"),
    ("福建省", "福州市", "鼓楼区", "东街街道"), ("安徽省", "合肥市", "蜀山区", "三里庵街道"), ("重庆市", "重庆市", "江北区", "观音桥街道"),
    ("陕西省", "西安市", "碑林区", "南院门街道"), ("辽宁省", "沈阳市", "和平区", "太原街街道"),
]
TALENTS_DY = [("2081936654", "零食研究所阿May"), ("1739028814", "吃货小分队老K"), ("3390175522", "囤货达人七七")]
TALENTS_WX = ["零食研究所阿May", "一颗爱吃的栗子", "深夜食堂小苏"]
SHOP_WX_ACCT = "麦小栗零食官方"

RS_OK = "同意退款，退款成功"
DY_AFTER_PENDING = ["待商家处理", "待买家退货"]
DY_AFTER_CLOSED = "售后关闭"

# scenarios (ground-truth labels on paid normal orders)
FULL_SCENS = ("full_before", "full_after", "full_receipt")
PART_SCENS = ("part_before_shipped", "part_return", "part_receipt", "part_price")


def fmt(c: int) -> str:
    return f"{int(c) / 100:.2f}"


def yuan(c) -> float:
    return float(round(int(c) / 100.0, 2))


def r4(x) -> float:
    return float(round(float(x) + 1e-12, 4))


def pick(r, vals, p):
    return vals[int(r.choice(len(vals), p=np.array(p, dtype=float) / np.sum(p)))]


def day_probs():
    days = [START + dt.timedelta(days=i) for i in range(N_DAYS)]
    w = []
    for d in days:
        x = 1.0
        if d.weekday() >= 5:
            x *= 1.15
        if dt.date(2025, 9, 25) <= d <= MID_AUTUMN:  # 中秋 + 国庆 gifting
            x *= 1.6
        if D11_FROM <= d <= D11_TO:
            x *= 2.0
        if d == D11_TO:
            x *= 1.8
        w.append(x)
    w = np.array(w)
    return days, w / w.sum()


DAYS, DAY_P = day_probs()


def sample_time(r, last: dt.datetime) -> dt.datetime:
    while True:
        d = DAYS[int(r.choice(len(DAYS), p=DAY_P))]
        if r.random() < 0.6:  # live-stream evenings
            sec = int(r.uniform(19 * 3600, 23.6 * 3600))
        else:
            sec = int(r.uniform(8 * 3600, 23.8 * 3600))
        t = dt.datetime.combine(d, dt.time()) + dt.timedelta(seconds=sec)
        if t < last:
            return t


def alloc(total: int, weights: list[int]) -> list[int]:
    """Split integer cents over lines in proportion to weights; exact sum."""
    n = len(weights)
    s = sum(weights)
    if total == 0 or s == 0:
        return [0] * n
    raw = [total * w // s for w in weights]
    rem = total - sum(raw)
    for i in sorted(range(n), key=lambda k: (-weights[k], k))[:rem]:
        raw[i] += 1
    return raw


def make_buyers(r, n: int, name_mask: str, taken: set | None = None) -> list[dict]:
    seen = set() if taken is None else taken
    out = []
    while len(out) < n:
        ph = f"{PREFIXES[int(r.integers(len(PREFIXES)))]}****{int(r.integers(0, 10000)):04d}"
        if ph in seen:
            continue
        seen.add(ph)
        reg = REGIONS[int(r.integers(len(REGIONS)))]
        out.append(dict(phone=ph, name=SURNAMES[int(r.integers(len(SURNAMES)))] + name_mask, prov=reg[0], city=reg[1],
                        dist=reg[2], street=reg[3]))
    return out


def new_id(r, used: set, prefix: str, length: int) -> str:
    while True:
        s = prefix + "".join(str(int(x)) for x in r.integers(0, 10, length - len(prefix)))
        if s not in used:
            used.add(s)
            return s


def pick_items(r, n: int, when: dt.datetime):
    w = np.array([p[5] for p in PRODUCTS], dtype=float)
    box = [p[0] for p in PRODUCTS].index(CODE_BOX)
    w[box] *= 3.5 if when.date() <= MID_AUTUMN else 0.35
    w /= w.sum()
    idx = r.choice(len(PRODUCTS), size=n, replace=False, p=w)
    items = []
    for j in sorted(int(k) for k in idx):
        p = PRODUCTS[j]
        spec = p[2][int(r.integers(len(p[2])))]
        qty = int(pick(r, [1, 2, 3], [0.82, 0.14, 0.04]))
        items.append(dict(prod=p, spec=spec, qty=qty, unit=p[3], gross=p[3] * qty, gift=False))
    return items


def gift_item():
    return dict(prod=GIFT, spec=GIFT[2][0], qty=1, unit=GIFT[3], gross=0, gift=True)


def choose_scen(r, n_real: int, allow_part_price: bool, boost_pending: bool = False) -> str:
    if n_real >= 2:
        vals = ["none", "full_before", "full_after", "full_receipt", "part_before_shipped", "part_return",
                "part_receipt", "part_price", "pending", "rejected", "withdrawn"]
        p = [0.55, 0.05, 0.03, 0.0, 0.11, 0.06, 0.05, 0.05 if allow_part_price else 0.0, 0.04, 0.03, 0.03]
    else:
        vals = ["none", "full_before", "full_after", "full_receipt", "part_price", "pending", "rejected", "withdrawn"]
        p = [0.72, 0.08, 0.05, 0.035, 0.05 if allow_part_price else 0.0, 0.035, 0.02, 0.02]
    if boost_pending:
        p[vals.index("pending")] += 0.25
    return pick(r, vals, p)


def apply_scen(r, scen: str, items: list[dict], shipped: bool, ship_t, done: bool, asof: dt.datetime,
               keep_gift_p: float) -> tuple[str, bool]:
    """Apply an after-sale outcome to the lines. Returns (effective scenario, gift_kept_flag)."""
    if scen in ("full_after", "part_return", "part_price") and not (shipped and ship_t < asof - D):
        scen = "none"
    if scen in ("full_receipt", "part_receipt") and not done:
        scen = "none"
    if scen == "part_before_shipped" and not shipped:
        scen = "none"
    real = [i for i, it in enumerate(items) if not it["gift"]]
    gifts = [i for i, it in enumerate(items) if it["gift"]]
    kept = False
    if scen == "full_before":
        for it in items:
            it.update(after="ref_before", ship=None, refund=it["amt"])
    elif scen in ("full_after", "full_receipt"):
        key = "ret_after" if scen == "full_after" else "ref_receipt"
        for i in real:
            items[i].update(after=key, refund=items[i]["amt"])
        if gifts:
            kept = bool(r.random() < keep_gift_p)
            for i in gifts:
                if not kept:
                    items[i].update(after=key, refund=0)
    elif scen == "part_before_shipped":
        k = 1 if len(real) <= 3 else int(r.integers(1, 3))
        for i in sorted(int(x) for x in r.choice(real, size=k, replace=False)):
            items[i].update(after="ref_before", ship=None, refund=items[i]["amt"])
    elif scen == "part_return":
        i = int(r.choice(real))
        items[i].update(after="ret_after", refund=items[i]["amt"])
    elif scen == "part_receipt":
        i = int(r.choice(real))
        items[i].update(after="ref_receipt", refund=items[i]["amt"])
    elif scen == "part_price":
        i = int(r.choice(real))
        amt = items[i]["amt"]
        ref = max(500, int(round(amt * float(r.uniform(0.2, 0.5)) / 100.0)) * 100)
        if ref >= amt:
            ref = max(100, amt // 2 // 100 * 100)
        items[i].update(after="part_price", refund=ref)
    elif scen in ("pending", "rejected", "withdrawn"):
        i = int(r.choice(real))
        items[i].update(after=scen)
    return scen, kept


# ======================================================================================
# 抖店 order export (子订单 rows)
# ======================================================================================
DY_COLS = ["主订单编号", "子订单编号", "选购商品", "商品规格", "商品数量", "商品ID", "商家编码", "商品单价", "订单应付金额", "运费",
           "优惠总金额", "平台优惠", "商家优惠", "达人优惠", "商家改价", "支付优惠", "红包抵扣", "支付方式", "手续费", "收件人",
           "收件人手机号", "省", "市", "区", "街道", "详细地址", "是否修改过地址", "地址修改时段", "买家留言", "订单提交时间", "旗帜颜色",
           "商家备注", "订单完成时间", "支付完成时间", "APP渠道", "流量来源", "订单状态", "承诺发货时间", "订单类型", "鲁班落地页ID",
           "达人ID", "达人昵称", "所属门店ID", "售后状态", "取消原因", "预约发货时间", "仓库ID", "仓库名称", "序列号", "是否安心购",
           "广告渠道", "流量类型", "流量体裁", "流量渠道", "发货主体", "发货主体明细", "发货时间", "降价类优惠", "平台实际承担优惠金额",
           "商家实际承担优惠金额", "达人实际承担优惠金额", "预计送达时间", "是否平台仓自流转", "车型", "商品69码", "发货SN码",
           "发货IMEI码1", "发货IMEI码2", "预约送达时间", "建议发货时间（起）", "建议发货时间（止）", "物流SN码", "物流IMEI码1",
           "物流IMEI码2"]
assert len(DY_COLS) == 74


def dyt(x):
    return "-" if x is None else x.strftime("%Y/%m/%d %H:%M:%S")


def gen_dy():
    r = np.random.default_rng([SEED, 1])
    buyers = make_buyers(r, 470, "**")
    bw = r.gamma(0.8, 1.0, len(buyers))
    bw /= bw.sum()
    used: set = set()
    rows, orders = [], []
    for _ in range(700):
        ct = sample_time(r, ASOF_DY - dt.timedelta(minutes=3))
        kind = pick(r, ["unpaid", "bag", "normal"], [0.07, 0.06, 0.87])
        b = buyers[int(r.choice(len(buyers), p=bw))]
        if kind == "bag":
            genre, tal = "直播", None
        else:
            genre = pick(r, ["直播", "短视频", "商品卡", "其他"], [0.55, 0.12, 0.25, 0.08])
            tal = None
            if genre in ("直播", "短视频") and r.random() < (0.35 if genre == "直播" else 0.8):
                tal = TALENTS_DY[int(r.integers(len(TALENTS_DY)))]
        mid = new_id(r, used, "69" + str(int(r.integers(20, 30))), 19)
        if kind == "bag":
            items = [dict(prod=BAG, spec=BAG[2][0], qty=1, unit=BAG[3], gross=BAG[3], gift=False)]
        else:
            items = pick_items(r, int(pick(r, [1, 2, 3, 4], [0.46, 0.33, 0.15, 0.06])), ct)
        goods = sum(it["gross"] for it in items)
        weights = [it["gross"] for it in items]
        if kind == "bag":
            merch, plat, tald = [BAG[3]], [0], [0]
        else:
            m = 0
            if goods >= 19900 and r.random() < 0.5:
                m = 2500
            elif goods >= 9900 and r.random() < 0.45:
                m = 1000
            elif genre == "直播" and r.random() < 0.35:
                m = 500
            p = int(pick(r, [0, 300, 500, 800], [0.80, 0.09, 0.07, 0.04]))
            t = 300 if (tal and r.random() < 0.25) else 0
            merch, plat, tald = alloc(m, weights), alloc(p, weights), alloc(t, weights)
        for it, m_, p_, t_ in zip(items, merch, plat, tald):
            it.update(m=m_, p=p_, t=t_, amt=it["gross"] - m_ - p_ - t_)
        if kind == "normal" and goods >= 8000 and r.random() < 0.45:
            g = gift_item()
            g.update(unit=0, m=0, p=0, t=0, amt=0)
            items.append(g)
        paid = kind != "unpaid"
        pay_t = ct + dt.timedelta(seconds=int(r.integers(6, 500))) if paid else None
        ship_t = pay_t + dt.timedelta(hours=float(r.uniform(3, 56))) if paid else None
        shipped = paid and ship_t < ASOF_DY
        done_t = ship_t + dt.timedelta(days=float(r.uniform(5, 11))) if paid else None
        done = paid and done_t < ASOF_DY
        for it in items:
            it.update(after="none", refund=0, ship=ship_t if shipped else None)
        scen, kept = ("unpaid" if not paid else "bag" if kind == "bag" else "none"), False
        if kind == "normal":
            scen0 = choose_scen(r, sum(1 for it in items if not it["gift"]), allow_part_price=False)
            scen, kept = apply_scen(r, scen0, items, shipped, ship_t, done, ASOF_DY, keep_gift_p=0.5)
        # per-line status
        for it in items:
            a = it["after"]
            if not paid:
                st, after, done_line = "已关闭", "-", None
            elif a == "ref_before":
                st, after, done_line = "已关闭", RS_OK, None
            elif a == "ret_after":
                st, after, done_line = "已关闭", RS_OK, None
            elif a == "ref_receipt":
                st, after, done_line = "已完成", RS_OK, done_t
            else:
                st = "备货中" if it["ship"] is None else ("已完成" if done else "已发货")
                done_line = done_t if done else None
                after = {"none": "-", "pending": pick(r, DY_AFTER_PENDING, [0.5, 0.5]) if it["ship"] else "待商家处理",
                         "rejected": DY_AFTER_CLOSED, "withdrawn": DY_AFTER_CLOSED}[a]
            it.update(status=st, after_txt=after, done_t=done_line)
        sub_ids = [mid] if len(items) == 1 else [str(int(mid) + 1 + j) for j in range(len(items))]
        cancel = pick(r, ["超时未支付", "买家取消订单：不想要了", "买家取消订单：拍错了"], [0.6, 0.25, 0.15]) if not paid else "-"
        paymeth = "-" if (not paid or kind == "bag") else pick(r, ["抖音支付", "微信", "支付宝", "抖音月付"], [0.45, 0.3, 0.2, 0.05])
        app = pick(r, ["抖音", "抖音极速版", "抖音火山版"], [0.82, 0.14, 0.04])
        msg = "-" if r.random() < 0.9 else pick(r, ["尽快发货谢谢", "不要放驿站", "送人的别放价格单"], [1, 1, 1])
        anxin = pick(r, ["是", "否"], [0.3, 0.7])
        ftype = "广告" if (genre in ("直播", "短视频") and r.random() < 0.3) else "非广告"
        fchan = {"直播": "直播间", "短视频": "短视频", "商品卡": pick(r, ["搜索", "商城推荐", "店铺页"], [0.5, 0.3, 0.2]),
                 "其他": "其他"}[genre]
        src = "精选联盟" if tal else "小店自卖"
        for j, it in enumerate(items):
            pr = it["prod"]
            disc = it["m"] + it["p"] + it["t"]
            rows.append({
                "主订单编号": "\t" + mid, "子订单编号": "\t" + sub_ids[j], "选购商品": pr[1], "商品规格": it["spec"],
                "商品数量": str(it["qty"]), "商品ID": "\t" + pr[4], "商家编码": pr[0], "商品单价": fmt(it["unit"]),
                "订单应付金额": fmt(it["amt"]), "运费": "0.00", "优惠总金额": fmt(disc), "平台优惠": fmt(it["p"]),
                "商家优惠": fmt(it["m"]), "达人优惠": fmt(it["t"]), "商家改价": "0.00", "支付优惠": "0.00", "红包抵扣": "0.00",
                "支付方式": paymeth, "手续费": "0.00", "收件人": b["name"], "收件人手机号": b["phone"], "省": b["prov"],
                "市": b["city"], "区": b["dist"], "街道": b["street"], "详细地址": "****", "是否修改过地址": "否",
                "地址修改时段": "-", "买家留言": msg, "订单提交时间": dyt(ct), "旗帜颜色": "-", "商家备注": "-",
                "订单完成时间": dyt(it["done_t"]), "支付完成时间": dyt(pay_t), "APP渠道": app, "流量来源": src,
                "订单状态": it["status"], "承诺发货时间": dyt(pay_t + 48 * H) if paid else "-", "订单类型": "普通订单",
                "鲁班落地页ID": "-", "达人ID": tal[0] if tal else "-", "达人昵称": tal[1] if tal else "-", "所属门店ID": "-",
                "售后状态": it["after_txt"], "取消原因": cancel, "预约发货时间": "-", "仓库ID": "-", "仓库名称": "-", "序列号": "-",
                "是否安心购": anxin, "广告渠道": "千川" if ftype == "广告" else "-", "流量类型": ftype, "流量体裁": genre,
                "流量渠道": fchan, "发货主体": "商家", "发货主体明细": "-", "发货时间": dyt(it["ship"]), "降价类优惠": "0.00",
                "平台实际承担优惠金额": fmt(it["p"]), "商家实际承担优惠金额": fmt(it["m"]), "达人实际承担优惠金额": fmt(it["t"]),
                "预计送达时间": "-", "是否平台仓自流转": "否", "车型": "-", "商品69码": "-", "发货SN码": "-", "发货IMEI码1": "-",
                "发货IMEI码2": "-", "预约送达时间": "-", "建议发货时间（起）": "-", "建议发货时间（止）": "-", "物流SN码": "-",
                "物流IMEI码1": "-", "物流IMEI码2": "-", "_ct": ct,
            })
        orders.append(dict(mid=mid, scen=scen, kind=kind, kept=kept, phone=b["phone"], genre=genre, tal=bool(tal),
                           amount=sum(it["amt"] for it in items), n_real=sum(1 for it in items if not it["gift"]),
                           has_gift=any(it["gift"] for it in items), shipped=shipped))
    rows.sort(key=lambda x: x["子订单编号"])
    rows.sort(key=lambda x: x["_ct"], reverse=True)  # newest order first, its lines in sub-order order
    for x in rows:
        del x["_ct"]
    return rows, pd.DataFrame(orders)


def write_dy(rows):
    with open(OUT / F_DY, "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(DY_COLS)
        for x in rows:
            w.writerow([x[c] for c in DY_COLS])


# ======================================================================================
# 视频号 / 微信小店 订单列表 (one row per product line)
# ======================================================================================
WX_COLS = ["订单号", "订单下单时间", "订单发货时间", "订单确认收货时间", "订单完成结算时间", "订单状态", "发货方式", "收件人姓名",
           "收件人地址", "省", "市", "区", "收件人手机", "买家备注", "商家备注", "打标颜色", "商品总价", "订单实际支付金额",
           "订单实际收款金额", "订单运费", "商品优惠", "跨店优惠", "商品改价", "积分抵扣", "支付方式", "支付时间", "交易单号", "物流公司",
           "快递单号", "技术服务费", "技术服务费（将以人气卡形式返还）", "运费险预计投保费用", "带货方式", "带货账号类型", "带货账号昵称",
           "带货费用渠道", "带货费用类型", "带货费用", "带货佣金率", "礼物单号", "商品名称", "商品编码(平台)", "商品编码(自定义)",
           "SKU编码(自定义)", "商品属性", "商品价格(单件)", "商品实际价格(单件)", "商品实际价格(总共)", "是否预售", "商品数量",
           "商品平台券优惠", "商品平均运费", "定制信息", "定制预览图", "商品发货", "商品售后", "商品已退款金额"]
assert len(WX_COLS) == 57
WX_MONEY = {"商品总价", "订单实际支付金额", "订单实际收款金额", "订单运费", "商品优惠", "跨店优惠", "商品改价", "积分抵扣", "技术服务费",
            "技术服务费（将以人气卡形式返还）", "运费险预计投保费用", "带货费用", "商品价格(单件)", "商品实际价格(单件)", "商品实际价格(总共)",
            "商品平台券优惠", "商品平均运费", "商品已退款金额"}
WX_AFTER = {"none": "", "ref_before": "退款完成", "ret_after": "退货退款完成", "ref_receipt": "退货退款完成",
            "part_price": "退款完成", "rejected": "商家拒绝退款", "withdrawn": "用户取消申请"}


def wxt(x):
    return "" if x is None else x.strftime("%Y-%m-%d %H:%M:%S")


def gen_wx():
    r = np.random.default_rng([SEED, 2])
    buyers = make_buyers(r, 300, "*")
    bw = r.gamma(0.8, 1.0, len(buyers))
    bw /= bw.sum()
    used: set = set()
    rows, orders = [], []
    for i in range(460):
        if i < 5:  # still unpaid at export time
            ct = ASOF_WX - dt.timedelta(seconds=int(r.integers(60, 1500)))
            kind = "awaiting"
        else:
            ct = sample_time(r, ASOF_WX - dt.timedelta(minutes=30))
            kind = pick(r, ["unpaid", "bag", "normal"], [0.07, 0.06, 0.87])
        b = buyers[int(r.choice(len(buyers), p=bw))]
        if kind == "bag":
            mode, acct = "直播间", SHOP_WX_ACCT
        else:
            mode = pick(r, ["直播间", "短视频", "橱窗", ""], [0.52, 0.12, 0.22, 0.14])
            acct = "" if mode == "" else (TALENTS_WX[int(r.integers(3))] if (mode == "短视频" or r.random() < 0.2)
                                          else SHOP_WX_ACCT)
        oid = new_id(r, used, "37" + str(int(r.integers(20, 40))), 19)
        if kind == "bag":
            items = [dict(prod=BAG, spec=BAG[2][0], qty=1, unit=BAG[3], gross=BAG[3], gift=False)]
        else:
            items = pick_items(r, int(pick(r, [1, 2, 3], [0.50, 0.35, 0.15])), ct)
        goods = sum(it["gross"] for it in items)
        weights = [it["gross"] for it in items]
        if kind == "bag":
            shop_disc, platc = BAG[3], [0]
        else:
            shop_disc = 0
            if goods >= 19900 and r.random() < 0.5:
                shop_disc = 2000
            elif goods >= 9900 and r.random() < 0.45:
                shop_disc = 1000
            elif mode == "直播间" and r.random() < 0.3:
                shop_disc = 500
            platc = alloc(int(pick(r, [0, 300, 500], [0.85, 0.09, 0.06])), weights)
        for it, a, p in zip(items, alloc(shop_disc, weights), platc):
            it.update(amt=it["gross"] - a - p, platc=p)
        if kind == "normal" and goods >= 8000 and r.random() < 0.4:
            g = gift_item()
            g.update(unit=0, amt=0, platc=0)
            items.append(g)
        paid = kind in ("bag", "normal")
        pay_t = ct + dt.timedelta(seconds=int(r.integers(5, 480))) if paid else None
        ship_t = pay_t + dt.timedelta(hours=float(r.uniform(3, 60))) if paid else None
        shipped = paid and ship_t < ASOF_WX
        conf_t = ship_t + dt.timedelta(days=float(r.uniform(4, 10))) if paid else None
        confirmed = paid and conf_t < ASOF_WX
        for it in items:
            it.update(after="none", refund=0, ship=ship_t if shipped else None)
        scen, kept = {"awaiting": "awaiting", "unpaid": "unpaid", "bag": "bag"}.get(kind, "none"), False
        if kind == "normal":
            scen0 = choose_scen(r, sum(1 for it in items if not it["gift"]), allow_part_price=True)
            scen, kept = apply_scen(r, scen0, items, shipped, ship_t, confirmed, ASOF_WX, keep_gift_p=0.5)
        any_ship = any(it["ship"] is not None for it in items)
        all_refunded = paid and all(it["after"] in ("ref_before", "ret_after") for it in items)
        if kind == "awaiting":
            status = "待付款"
        elif kind == "unpaid" or all_refunded:
            status = "已取消"
        elif not any_ship:
            status = "待发货"
        elif confirmed:
            status = "已完成"
        else:
            status = "已发货"
        paid_amt = sum(it["amt"] for it in items)
        plat_total = sum(it["platc"] for it in items)
        settle_t = conf_t + dt.timedelta(hours=float(r.uniform(2, 30))) if status == "已完成" else None
        if settle_t is not None and settle_t >= ASOF_WX:
            settle_t = None
        carrier = pick(r, ["中通快递", "韵达快递", "极兔速递"], [0.5, 0.3, 0.2])
        track = ("7" if carrier == "中通快递" else "4" if carrier == "韵达快递" else "JT") + "".join(
            str(int(x)) for x in r.integers(0, 10, 13))
        txn = "42000027" + "".join(str(int(x)) for x in r.integers(0, 10, 20)) if (paid and paid_amt > 0) else ""
        daren = acct not in ("", SHOP_WX_ACCT)
        insur = 30 if (paid and paid_amt > 0 and r.random() < 0.35) else 0
        order_cols = {
            "订单号": oid, "订单下单时间": wxt(ct), "订单发货时间": wxt(min(it["ship"] for it in items if it["ship"]))
            if any_ship else "", "订单确认收货时间": wxt(conf_t) if status == "已完成" else "",
            "订单完成结算时间": wxt(settle_t), "订单状态": status, "发货方式": "快递", "收件人姓名": b["name"],
            "收件人地址": f"{b['prov']}{b['city']}{b['dist']}{b['street']}****", "省": b["prov"], "市": b["city"],
            "区": b["dist"], "收件人手机": b["phone"], "买家备注": "", "商家备注": "", "打标颜色": "",
            "商品总价": goods, "订单实际支付金额": paid_amt, "订单实际收款金额": paid_amt + plat_total, "订单运费": 0,
            "商品优惠": shop_disc, "跨店优惠": 0, "商品改价": 0, "积分抵扣": 0,
            "支付方式": "微信支付" if txn else "", "支付时间": wxt(pay_t), "交易单号": txn,
            "物流公司": carrier if any_ship else "", "快递单号": track if any_ship else "",
            "技术服务费": int(round(paid_amt * 0.01)) if paid else 0, "技术服务费（将以人气卡形式返还）": 0,
            "运费险预计投保费用": insur, "带货方式": mode, "带货账号类型": "视频号" if mode else "", "带货账号昵称": acct,
            "带货费用渠道": "达人" if daren else "", "带货费用类型": "佣金" if daren else "",
            "带货费用": int(round(paid_amt * 0.12)) if daren else 0, "带货佣金率": "12%" if daren else "", "礼物单号": "",
        }
        for it in items:
            pr = it["prod"]
            a = it["after"]
            if a == "pending":
                after = pick(r, ["商家受理中", "待买家退货"], [0.5, 0.5]) if it["ship"] else "商家受理中"
            else:
                after = WX_AFTER[a]
            row = dict(order_cols)
            row.update({
                "商品名称": pr[1], "商品编码(平台)": "10000" + pr[4][-8:], "商品编码(自定义)": pr[0],
                "SKU编码(自定义)": f"{pr[0]}-{pr[2].index(it['spec']) + 1}",
                "商品属性": f"规格:{it['spec']}", "商品价格(单件)": it["unit"],
                "商品实际价格(单件)": int(round(it["amt"] / it["qty"])), "商品实际价格(总共)": it["amt"], "是否预售": "否",
                "商品数量": it["qty"], "商品平台券优惠": it["platc"], "商品平均运费": 0, "定制信息": "", "定制预览图": "",
                "商品发货": "已发货" if it["ship"] else "未发货", "商品售后": after, "商品已退款金额": it["refund"],
                "_ct": ct,
            })
            rows.append(row)
        orders.append(dict(oid=oid, scen=scen, kind=kind, kept=kept, phone=b["phone"], mode=mode, amount=paid_amt,
                           refund=sum(it["refund"] for it in items), status=status, paid=paid,
                           has_gift=any(it["gift"] for it in items)))
    rows.sort(key=lambda x: x["_ct"], reverse=True)
    for x in rows:
        del x["_ct"]
    return rows, pd.DataFrame(orders)


def write_xlsx(path: Path, sheet: str, cols: list[str], rows: list[dict], money: set[str]):
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(cols)
    for x in rows:
        ws.append([yuan(x[c]) if c in money else x[c] for c in cols])
    for row in ws.iter_rows(min_row=2):
        for c in row:
            if cols[c.column - 1] in money:
                c.number_format = "0.00"
    wb.save(path)


# ======================================================================================
# 有赞 订单导出: 商品维度 (item lines) + 订单维度 (orders)
# ======================================================================================
YZI_COLS = ["订单号", "外部订单号", "订单商品状态", "交易成功时间", "商品名称", "商品类型", "商品类目", "商品规格", "规格编码", "商品编码",
            "商品单价", "商品成本价", "商品优惠方式", "商品优惠后价格", "商品数量", "商品金额小计", "店铺优惠（分摊）", "商品实际成交金额",
            "商品抵用积分数", "商品留言", "收货人/提货人", "收货人手机号/提货人手机号", "收货人省份", "收货人城市", "收货人地区",
            "详细收货地址/提货地址", "买家备注", "商品发货状态", "商品发货方式", "商品发货物流公司", "商品发货物流单号", "发货员工",
            "商品发货时间", "商品退款状态", "商品已退款金额", "商家订单备注", "周期购信息"]
assert len(YZI_COLS) == 37
YZI_MONEY = {"商品单价", "商品成本价", "商品优惠后价格", "商品金额小计", "店铺优惠（分摊）", "商品实际成交金额", "商品已退款金额"}
YZO_COLS = ["订单号", "销售渠道", "归属店铺", "订单类型", "订单状态", "推广方式", "订单来源", "订单创建时间", "买家付款时间", "交易成功时间",
            "付款方式", "支付流水号", "商品金额合计", "运费", "店铺优惠合计", "应收订单金额", "订单实付金额", "支付优惠合计", "订单实收金额",
            "订单抵用积分数", "店铺优惠方式", "支付优惠方式", "全部商品名称", "商品种类数", "订单配送方式", "同城送达时间/提货时间",
            "收货人省份", "收货人城市", "收货人地区", "详细收货地址/提货地址", "收货人/提货人", "收货人手机号/提货人手机号", "买家备注",
            "订单星级", "买家昵称", "买家是否会员", "买家手机号", "下单网点", "收银员", "分销员", "销售导购", "专属导购", "订单退款状态",
            "订单已退款金额", "商家订单备注", "桌号", "挂账主体", "挂账手机号", "团长订单", "订单风险标签", "分销员", "分销员手机号",
            "分销员所属店铺", "分销员所属团队", "分销员所属分组", "分销员等级", "订单佣金类型", "订单佣金金额", "订单下级卖货提成类型",
            "订单下级卖货提成金额"]
assert len(YZO_COLS) == 60 and YZO_COLS.count("分销员") == 2
YZ_OK, YZ_DOING, YZ_REFCLOSED = "退款成功", "退款中", "退款关闭"
YZ_FULL, YZ_PART = "退款成功（全额退款）", "退款成功（部分退款）"
YZ_CLOSED, YZ_WAITPAY, YZ_WAITSHIP, YZ_SHIPPED, YZ_DONE = "交易关闭", "待付款", "待发货", "已发货", "交易完成"
COST = {"MXL-NUT30": 5200, "MXL-BEEF": 3300, "MXL-PORK": 1500, "MXL-CHEST": 2100, "MXL-MANGO": 1250, "MXL-BISC": 1700,
        "MXL-SPICY": 900, "MXL-BOX": 9800, "MXL-YOG": 1900, "MXL-TRY": 260}
YZ_PROMO = {"MXL-PORK", "MXL-SPICY", "MXL-YOG"}  # 限时折扣 9折 on these
YZ_CATS = {"MXL-NUT30": "坚果炒货", "MXL-BEEF": "肉干肉脯", "MXL-PORK": "肉干肉脯", "MXL-CHEST": "坚果炒货",
           "MXL-MANGO": "蜜饯果干", "MXL-BISC": "饼干糕点", "MXL-SPICY": "辣条素食", "MXL-BOX": "节日礼盒",
           "MXL-YOG": "饼干糕点", "MXL-TRY": "坚果炒货"}
NICK_A = ["小栗子", "吃货", "momo", "阿喵", "Sunny", "橘子", "小满", "晴天", "木木", "糖糖", "Echo", "阿朱"]
NICK_B = ["爱零食", "不减肥", "的日常", "在深圳", "要早睡", "种草机", "_eat", "今天吃啥"]


def yzt(x):
    return "" if x is None else x.strftime("%Y-%m-%d %H:%M:%S")


def gen_yz():
    r = np.random.default_rng([SEED, 3])
    taken: set = set()
    buyers = make_buyers(r, 270, "**", taken)
    nicks: set = set()
    for b in buyers:
        while True:
            nk = NICK_A[int(r.integers(len(NICK_A)))] + NICK_B[int(r.integers(len(NICK_B)))] + str(int(r.integers(1, 99)))
            if nk not in nicks:
                nicks.add(nk)
                b["nick"] = nk
                break
        b["member"] = pick(r, ["是", "否"], [0.4, 0.6])
        b["alt"] = None
        if r.random() < 0.3:  # sometimes ships to a family member / office
            fam = make_buyers(r, 1, "**", taken)[0]
            b["alt"] = fam
    bw = r.gamma(0.8, 1.0, len(buyers))
    bw /= bw.sum()
    used: set = set()
    irows, orows, orders = [], [], []
    for i in range(430):
        if i < 4:
            ct = ASOF_YZ - dt.timedelta(seconds=int(r.integers(60, 1100)))
            kind = "awaiting"
        else:
            ct = sample_time(r, ASOF_YZ - dt.timedelta(minutes=25))
            kind = pick(r, ["unpaid", "normal"], [0.08, 0.92])
        b = buyers[int(r.choice(len(buyers), p=bw))]
        rc = b["alt"] if (b["alt"] is not None and r.random() < 0.45) else b
        oid = "E" + ct.strftime("%Y%m%d%H%M%S") + new_id(r, used, "0", 9)
        items = pick_items(r, int(pick(r, [1, 2, 3], [0.50, 0.36, 0.14])), ct)
        for it in items:
            code = it["prod"][0]
            it["promo"] = "限时折扣" if code in YZ_PROMO else ""
            it["unit_after"] = int(round(it["unit"] * 0.9 / 10.0)) * 10 if it["promo"] else it["unit"]
            it["sub"] = it["unit_after"] * it["qty"]
        goods = sum(it["sub"] for it in items)
        coupon = 0
        if goods >= 19900 and r.random() < 0.5:
            coupon = 2500
        elif goods >= 9900 and r.random() < 0.45:
            coupon = 1000
        for it, c in zip(items, alloc(coupon, [it["sub"] for it in items])):
            it.update(share=c, amt=it["sub"] - c)
        if kind == "normal" and goods >= 8000 and r.random() < 0.45:
            g = gift_item()
            g.update(promo="赠品", unit_after=0, sub=0, share=0, amt=0)
            items.append(g)
        paid = kind == "normal"
        pay_t = ct + dt.timedelta(seconds=int(r.integers(8, 600))) if paid else None
        ship_t = pay_t + dt.timedelta(hours=float(r.uniform(6, 84))) if paid else None
        shipped = paid and ship_t < ASOF_YZ
        done_t = ship_t + dt.timedelta(days=float(r.uniform(5, 10))) if paid else None
        done = paid and done_t < ASOF_YZ
        for it in items:
            it.update(after="none", refund=0, ship=ship_t if shipped else None)
        scen, kept = ("awaiting" if kind == "awaiting" else "unpaid" if not paid else "none"), False
        if paid:
            boost = (not shipped)
            scen0 = choose_scen(r, sum(1 for it in items if not it["gift"]), allow_part_price=True, boost_pending=boost)
            scen, kept = apply_scen(r, scen0, items, shipped, ship_t, done, ASOF_YZ, keep_gift_p=0.5)
        for it in items:
            a = it["after"]
            if not paid:
                st = YZ_WAITPAY if kind == "awaiting" else YZ_CLOSED
            elif a in ("ref_before", "ret_after"):
                st = YZ_CLOSED
            else:
                st = YZ_WAITSHIP if it["ship"] is None else (YZ_DONE if done else YZ_SHIPPED)
            it["status"] = st
            it["rstat"] = {"none": "", "ref_before": YZ_OK, "ret_after": YZ_OK, "ref_receipt": YZ_OK,
                           "part_price": YZ_OK, "pending": YZ_DOING, "rejected": YZ_REFCLOSED,
                           "withdrawn": YZ_REFCLOSED}[a]
        paid_amt = sum(it["amt"] for it in items)
        refund = sum(it["refund"] for it in items)
        if not paid:
            ostatus = YZ_WAITPAY if kind == "awaiting" else YZ_CLOSED
        elif all(it["status"] == YZ_CLOSED for it in items):
            ostatus = YZ_CLOSED
        else:
            open_st = [it["status"] for it in items if it["status"] != YZ_CLOSED]
            ostatus = YZ_WAITSHIP if all(s == YZ_WAITSHIP for s in open_st) else (
                YZ_DONE if all(s == YZ_DONE for s in open_st) else YZ_SHIPPED)
        if refund > 0:
            orstat = YZ_FULL if refund == paid_amt else YZ_PART
        elif any(it["rstat"] == YZ_DOING for it in items):
            orstat = YZ_DOING
        else:
            orstat = ""
        succ_t = done_t if ostatus == YZ_DONE else None
        carrier = pick(r, ["中通快递", "圆通速递", "顺丰速运"], [0.5, 0.35, 0.15])
        track = ("7" if carrier == "中通快递" else "YT" if carrier == "圆通速递" else "SF") + "".join(
            str(int(x)) for x in r.integers(0, 10, 13))
        msg = "" if r.random() < 0.9 else pick(r, ["麻烦发顺丰", "送人的，别放发票", "工作日下午在家"], [1, 1, 1])
        addr = f"{rc['prov']}{rc['city']}{rc['dist']}{rc['street']}****"
        txn = ("4200002" + "".join(str(int(x)) for x in r.integers(0, 10, 21))) if paid else ""
        for it in items:
            pr = it["prod"]
            irows.append({
                "订单号": oid, "外部订单号": "", "订单商品状态": it["status"], "交易成功时间": yzt(succ_t),
                "商品名称": pr[1], "商品类型": "实物商品", "商品类目": YZ_CATS[pr[0]], "商品规格": it["spec"],
                "规格编码": f"{pr[0]}-{pr[2].index(it['spec']) + 1}", "商品编码": pr[0], "商品单价": it["unit"],
                "商品成本价": COST[pr[0]], "商品优惠方式": it["promo"], "商品优惠后价格": it["unit_after"],
                "商品数量": it["qty"], "商品金额小计": it["sub"], "店铺优惠（分摊）": it["share"],
                "商品实际成交金额": it["amt"], "商品抵用积分数": 0, "商品留言": "", "收货人/提货人": rc["name"],
                "收货人手机号/提货人手机号": rc["phone"], "收货人省份": rc["prov"], "收货人城市": rc["city"],
                "收货人地区": rc["dist"], "详细收货地址/提货地址": addr, "买家备注": msg,
                "商品发货状态": "已发货" if it["ship"] else "未发货", "商品发货方式": "快递发货",
                "商品发货物流公司": carrier if it["ship"] else "", "商品发货物流单号": track if it["ship"] else "",
                "发货员工": "仓库小周" if it["ship"] else "", "商品发货时间": yzt(it["ship"]),
                "商品退款状态": it["rstat"], "商品已退款金额": it["refund"], "商家订单备注": "", "周期购信息": "",
                "_ct": ct,
            })
        orow = {c: "" for c in dict.fromkeys(YZO_COLS)}
        orow.update({
            "订单号": oid, "销售渠道": "网店", "归属店铺": "麦小栗零食铺", "订单类型": "普通订单", "订单状态": ostatus,
            "推广方式": "", "订单来源": pick(r, ["商家小程序", "微信公众号", "H5"], [0.7, 0.2, 0.1]),
            "订单创建时间": yzt(ct), "买家付款时间": yzt(pay_t), "交易成功时间": yzt(succ_t),
            "付款方式": "微信支付" if paid else "", "支付流水号": txn, "商品金额合计": fmt(goods), "运费": "0.00",
            "店铺优惠合计": fmt(coupon), "应收订单金额": fmt(paid_amt), "订单实付金额": fmt(paid_amt if paid else 0),
            "支付优惠合计": "0.00", "订单实收金额": fmt(paid_amt if paid else 0), "订单抵用积分数": "0",
            "店铺优惠方式": ("满199减25" if coupon == 2500 else "满99减10" if coupon == 1000 else ""), "支付优惠方式": "",
            "全部商品名称": "；".join(it["prod"][1] for it in items), "商品种类数": str(len(items)),
            "订单配送方式": "快递发货", "收货人省份": rc["prov"], "收货人城市": rc["city"], "收货人地区": rc["dist"],
            "详细收货地址/提货地址": addr, "收货人/提货人": rc["name"], "收货人手机号/提货人手机号": rc["phone"],
            "买家备注": msg, "订单星级": " ", "买家昵称": b["nick"], "买家是否会员": b["member"], "买家手机号": b["phone"],
            "订单退款状态": orstat, "订单已退款金额": fmt(refund), "团长订单": "否", "订单风险标签": "——", "_ct": ct,
        })
        orows.append(orow)
        orders.append(dict(oid=oid, scen=scen, kind=kind, kept=kept, phone=b["phone"], amount=paid_amt, refund=refund,
                           paid=paid, status=ostatus, has_gift=any(it["gift"] for it in items), shipped=shipped))
    irows.sort(key=lambda x: x["_ct"], reverse=True)
    orows.sort(key=lambda x: x["_ct"], reverse=True)
    for x in irows + orows:
        del x["_ct"]
    return irows, orows, pd.DataFrame(orders)


def write_yzo(rows):
    with open(OUT / F_YZO, "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(YZO_COLS)
        second = [i for i, c in enumerate(YZO_COLS) if c == "分销员"][1]
        for x in rows:  # the second 分销员 column (distributor block) is left blank
            w.writerow(["" if i == second else x[c] for i, c in enumerate(YZO_COLS)])


# ======================================================================================
# re-read the written files (file columns only) and compute every answer
# ======================================================================================
def cents(s: pd.Series) -> pd.Series:
    return (pd.to_numeric(s, errors="coerce").fillna(0) * 100).round().astype("int64")


def load_dy() -> pd.DataFrame:
    raw = pd.read_csv(OUT / F_DY, dtype=str, encoding="utf-8-sig", keep_default_na=False)
    assert list(raw.columns) == DY_COLS
    assert raw["主订单编号"].str.startswith("\t").all() and raw["子订单编号"].str.startswith("\t").all()
    df = raw.apply(lambda s: s.str.replace("\t", "", regex=False))
    df["pay_c"] = cents(df["订单应付金额"])
    df["qty"] = pd.to_numeric(df["商品数量"]).astype(int)
    df["paid"] = df["支付完成时间"].ne("-")
    df["shipped"] = df["发货时间"].ne("-")
    df["ok"] = df["售后状态"].eq(RS_OK)
    df["real"] = df["paid"] & (df["pay_c"] > 0)
    df["giftrow"] = df["选购商品"].str.startswith("【赠品】")
    df["pay_t"] = pd.to_datetime(df["支付完成时间"].where(df["paid"]), format="%Y/%m/%d %H:%M:%S")
    return df


def load_wx() -> pd.DataFrame:
    df = pd.read_excel(OUT / F_WX, dtype=str)
    assert list(df.columns) == WX_COLS
    df["amt_c"] = cents(df["订单实际支付金额"])
    df["line_c"] = cents(df["商品实际价格(总共)"])
    df["ref_c"] = cents(df["商品已退款金额"])
    df["qty"] = pd.to_numeric(df["商品数量"]).astype(int)
    df["paid"] = df["支付时间"].notna()
    df["giftrow"] = df["商品名称"].str.startswith("【赠品】")
    return df


def load_yzi() -> pd.DataFrame:
    df = pd.read_excel(OUT / F_YZI, dtype=str)
    assert list(df.columns) == YZI_COLS
    df["amt_c"] = cents(df["商品实际成交金额"])
    df["ref_c"] = cents(df["商品已退款金额"])
    df["qty"] = pd.to_numeric(df["商品数量"]).astype(int)
    df["giftrow"] = df["商品优惠方式"].eq("赠品")
    df["shipped"] = df["商品发货状态"].eq("已发货")
    return df


def load_yzo() -> pd.DataFrame:
    raw = pd.read_csv(OUT / F_YZO, dtype=str, encoding="utf-8-sig", keep_default_na=False)
    assert [c.split(".")[0] for c in raw.columns] == YZO_COLS, list(raw.columns)
    df = raw.replace("", np.nan)
    df["paid_c"] = cents(df["订单实付金额"])
    df["ref_c"] = cents(df["订单已退款金额"])
    df["paid"] = df["买家付款时间"].notna()
    return df


Q: list[dict] = []
CHECKS = [0]
MONEY = {"abs": 0.01}
RATE = {"abs": 0.001}


def check(cond, msg):
    assert cond, msg
    CHECKS[0] += 1


def differs(a, b, msg):
    check(a != b, f"trap not live: {msg} ({a} == {b})")


def add(key, category, lang, file, q, expected, definition, tolerance):
    Q.append(dict(key=key, file=file, lang=lang, q=q, category=category, expected=expected, definition=definition,
                  tolerance=tolerance))


def m(c) -> float:
    return yuan(int(c))


def build_answers(dy_truth: pd.DataFrame, wx_truth: pd.DataFrame, yz_truth: pd.DataFrame):
    dy, wx, yi, yo = load_dy(), load_wx(), load_yzi(), load_yzo()
    answers_dy(dy, dy_truth)
    answers_wx(wx, wx_truth)
    answers_yz(yi, yo, yz_truth)


# --------------------------------------------------------------------------------------
# 抖店
# --------------------------------------------------------------------------------------
def answers_dy(dy: pd.DataFrame, t: pd.DataFrame):
    paid = dy[dy.paid]
    real = dy[dy.real]
    okr = real[real.ok]
    check(bool(dy.loc[dy.ok & ~dy.giftrow, "pay_c"].gt(0).all()), "DY refunded non-gift rows carry an amount")
    check(bool(dy.loc[dy.giftrow, "pay_c"].eq(0).all()), "DY gift rows are 0")
    check(bool(dy.loc[dy.ok, "paid"].all()), "DY refunded rows are paid")

    check(bool((okr.groupby("主订单编号")["shipped"].nunique() == 1).all()), "DY refunded lines one side of shipping")

    # ---- D1 partial shipment: refunded-before-ship row next to shipped rows
    g_unship = okr[~okr.shipped].groupby("主订单编号").size()
    shipped_orders = set(dy.loc[dy.shipped, "主订单编号"])
    sel = sorted(o for o in g_unship.index if o in shipped_orders)
    sel_real = sorted(o for o in g_unship.index if o in set(real.loc[real.shipped, "主订单编号"]))
    check(sel == sel_real, "DY partial shipment: same with real rows only")
    d1_amt = int(okr[~okr.shipped & okr["主订单编号"].isin(sel)].pay_c.sum())
    all_unship_amt = int(okr[~okr.shipped].pay_c.sum())
    check(len(sel) == int((t.scen == "part_before_shipped").sum()), "DY partial shipment vs truth")
    differs(d1_amt, all_unship_amt, "DY D1 vs all unshipped refunds")
    add("D1", "line_shipping", "zh", F_DY,
        "抖店这边有些订单是拆开走的：同一个主订单，有的子订单已经发货了，有的子订单还没发就退款成功关掉了。这种主订单一共几个？"
        "没发货就退掉的那几个子订单，订单应付金额合计多少？",
        {"orders": len(sel), "unshipped_refunded_amount": m(d1_amt)},
        f"订单导出一行一个子订单，发货时间是子订单自己的。按主订单编号：有售后状态=“同意退款，退款成功”且发货时间为“-”的子订单，"
        f"同时另有子订单发货时间不为“-”。amount=这些主订单里“退款成功且发货时间为‘-’”的子订单的订单应付金额之和。"
        f"把所有发货前退款的子订单都加上（包括整单没发就全退的）是 {m(all_unship_amt)}；按主订单看“已经发过货”会把这些退款算成发货后。",
        MONEY)

    # ---- D14 refunded sub-orders before / after shipping (gift rows skipped)
    bef = int((~okr.shipped).sum())
    aft = int(okr.shipped.sum())
    okall = dy[dy.ok]
    bef_plain = int((~okall.shipped).sum())
    aft_plain = int(okall.shipped.sum())
    differs((bef, aft), (bef_plain, aft_plain), "DY D14 gift rows")
    add("D14", "line_shipping", "en", F_DY,
        "Douyin refunds by sub-order: how many refunded sub-orders never shipped, and how many were refunded after they'd "
        "gone out? Skip the free gift rows.",
        {"refunded_before_shipping": bef, "refunded_after_shipping": aft},
        f"Rows with 售后状态 '同意退款，退款成功' and 订单应付金额 > 0 (the ¥0 【赠品】 rows that were refunded together with their "
        f"order are skipped). 发货时间 '-' → before shipping; filled → after shipping (this includes rows still 已完成 that were "
        f"refunded after receipt). Per row, not per main order. Counting the gift rows too gives {bef_plain} / {aft_plain}.",
        0)

    # ---- D2 rows / paid rows / real paid rows
    n_rows, n_paid_rows, n_real = len(dy), int(dy.paid.sum()), int(dy.real.sum())
    n_gift_paid = int((dy.paid & dy.giftrow).sum())
    n_bag = int((dy.paid & dy["选购商品"].str.startswith("【福袋】")).sum())
    check(n_paid_rows - n_real == n_gift_paid + n_bag, "DY paid zero rows = gifts + bags")
    add("D2", "gift_lines", "en", F_DY,
        "Douyin export check: how many sub-order rows are in there, how many of them were paid, and how many of the paid ones "
        "are real products we sold — not the free gifts or the ¥0 lucky bags?",
        {"rows": n_rows, "paid_rows": n_paid_rows, "paid_product_rows": n_real},
        f"One row per 子订单. rows = all rows; paid_rows = 支付完成时间 ≠ '-' (refunded later or not); paid_product_rows = paid rows "
        f"with 订单应付金额 > 0, i.e. paid rows minus the {n_gift_paid} ¥0 【赠品】 rows and the {n_bag} ¥0 【福袋】 orders.",
        0)

    # ---- order-level frame
    do = dy.groupby("主订单编号").agg(paid=("paid", "first"), amt=("pay_c", "sum"), phone=("收件人手机号", "first"),
                                    genre=("流量体裁", "first"), tal=("达人昵称", lambda s: s.ne("-").any()),
                                    all_closed=("订单状态", lambda s: s.eq("已关闭").all()),
                                    any_closed=("订单状态", lambda s: s.eq("已关闭").any()),
                                    any_stock=("订单状态", lambda s: s.eq("备货中").any()),
                                    any_ship=("shipped", "any"))
    dpo = do[do.paid]

    # ---- D9 lucky bags
    bags = dpo[dpo.amt == 0]
    check(len(bags) == int((t.scen == "bag").sum()), "DY bags vs truth")
    share_bag = r4(len(bags) / len(dpo))
    share_bag_rows = r4(n_bag / n_paid_rows)
    differs(share_bag, share_bag_rows, "DY bag share by rows")
    add("D9", "gift_lines", "zh", F_DY,
        "直播间的0元福袋这三个月一共送了几单？占所有付过款的主订单的几成？",
        {"lucky_bag_orders": len(bags), "share_of_paid_orders": share_bag},
        f"按主订单编号：支付完成时间不为“-”且订单应付金额合计=0的主订单就是0元【福袋】单（商家优惠=9.90原价），共 {len(bags)} 单；"
        f"付过款的主订单共 {len(dpo)} 个（后来退款的也算）。比例={len(bags)}/{len(dpo)}，小数。付费订单里的0元【赠品】行所在主订单合计>0，不是福袋。"
        f"按子订单行算（福袋行÷已付款行）是 {share_bag_rows}。",
        RATE)

    # ---- D3 status rundown
    closed = do[do.all_closed]
    paid_closed = closed[closed.paid]
    unpaid_closed = closed[~closed.paid]
    stock = int(dpo.any_stock.sum())
    check(len(unpaid_closed) == int((t.scen == "unpaid").sum()), "DY unpaid vs truth")
    exp_pc = int((t.scen.isin(["full_before", "full_after"]) & ~t.kept).sum())
    check(len(paid_closed) == exp_pc, "DY paid-closed vs truth")
    any_closed_n = int(do.any_closed.sum())
    closed_rows = int(dy["订单状态"].eq("已关闭").sum())
    differs(len(closed), any_closed_n, "DY closed any vs all")
    n_receipt_full = int((t.scen == "full_receipt").sum())
    add("D3", "closed_orders", "zh", F_DY,
        "订单状态汇总：抖店已关闭的主订单有几个？其中付过款、后来退款才关掉的几个？压根没付款就关掉的几个？另外付了款、还在备货中的主订单还有几个？",
        {"closed_orders": len(closed), "paid_then_closed": len(paid_closed), "closed_unpaid": len(unpaid_closed),
         "paid_awaiting_shipment": stock},
        f"订单状态是每个子订单一个，按主订单编号汇总：所有子订单都是“已关闭”的主订单算已关闭（{len(closed)}）。支付完成时间不为“-”→付款后退款关闭；"
        f"为“-”→没付款就关闭（取消原因写超时未支付/买家取消订单）。只要有一个子订单已关闭就算会得到 {any_closed_n}（混进了只退一部分商品的订单）；"
        f"数已关闭的行是 {closed_rows}。整单退款但买家留下了0元赠品的订单，赠品行不是已关闭，不算；确认收货后整单退款的单件订单订单状态仍为已完成"
        f"（本文件 {n_receipt_full} 单），也不算。备货中=付过款、有子订单订单状态为备货中的主订单数。",
        0)

    # ---- D12 money of paid-then-closed
    pc_amt = int(paid_closed.amt.sum())
    pc_ship = int(paid_closed.any_ship.sum())
    check(pc_ship == int((t.scen == "full_after").sum() - (t[t.scen == "full_after"].kept).sum()), "DY closed shipped vs truth")
    all_closed_amt = int(closed.amt.sum())
    differs(pc_amt, all_closed_amt, "DY closed incl unpaid")
    add("D12", "closed_orders", "en", F_DY,
        "Douyin orders that got closed after the buyer had already paid: how much had buyers paid on those orders in total, and "
        "how many of them had already shipped before they were closed?",
        {"paid_amount": m(pc_amt), "shipped_before_closing": pc_ship},
        f"Main orders (主订单编号) whose every sub-order has 订单状态 已关闭 and whose 支付完成时间 ≠ '-' ({len(paid_closed)} orders). "
        f"paid_amount = Σ订单应付金额 over their rows (the amount is per sub-order, so rows are summed). shipped_before_closing = those "
        f"with a 发货时间 on their rows (returned after shipping); the rest were refunded before shipping. Adding the never-paid "
        f"closed orders (their 订单应付金额 shows the amount that was due) gives {m(all_closed_amt)}.",
        MONEY)

    # ---- D4 / D13 refund kinds
    g = real.groupby("主订单编号").agg(NT=("ok", "size"), NR=("ok", "sum"))
    refd = g[g.NR > 0]
    full_ids = set(refd.index[refd.NR == refd.NT])
    part_ids = set(refd.index[refd.NR < refd.NT])
    check(len(full_ids) == int(t.scen.isin(FULL_SCENS).sum()), "DY full vs truth")
    check(len(part_ids) == int(t.scen.isin(PART_SCENS).sum()), "DY partial vs truth")
    sh_full, sh_part = r4(len(full_ids) / len(refd)), r4(len(part_ids) / len(refd))
    # wrong: every row of the order (gift rows included) must be refunded
    ga = paid.groupby("主订单编号").agg(NT=("ok", "size"), NR=("ok", "sum"))
    ga = ga[ga.NR > 0]
    sh_full_rows = r4(int((ga.NR == ga.NT).sum()) / len(ga))
    differs(sh_full, sh_full_rows, "DY full share gift rows")
    add("D4", "refund_kinds_share", "en", F_DY,
        "For Douyin orders that had any item refunded, what share were refunded in full (every paid item in the order "
        "refunded) and what share only partly?",
        {"full_share": sh_full, "partial_share": sh_part},
        f"Paid rows with 订单应付金额 > 0 are the paid items (¥0 【赠品】 rows are not). Per 主订单编号: refunded orders = at least one "
        f"item with 售后状态 '同意退款，退款成功' ({len(refd)}); full = every item refunded ({len(full_ids)}), whatever the 订单状态 "
        f"(已关闭, or 已完成 for refunds after receipt); partial = some items refunded, others not ({len(part_ids)}). Shares as "
        f"decimals. Requiring every row to be refunded (so an order whose buyer kept the free gift looks partial) gives a full "
        f"share of {sh_full_rows}.",
        RATE)

    tot_ref = int(okr.pay_c.sum())
    full_amt = int(okr[okr["主订单编号"].isin(full_ids)].pay_c.sum())
    part_amt = int(okr[okr["主订单编号"].isin(part_ids)].pay_c.sum())
    check(full_amt + part_amt == tot_ref, "DY refund split adds up")
    closed_only = int(okr[okr["订单状态"].eq("已关闭")].pay_c.sum())
    differs(tot_ref, closed_only, "DY refund closed only")
    add("D13", "refund_kinds_share", "zh", F_DY,
        "抖店一共退了多少钱？按退款成功子订单的订单应付金额算。这里面整单全退的订单占多少钱，部分退的订单占多少钱？",
        {"total_refunded": m(tot_ref), "full_refund_orders": m(full_amt), "partial_refund_orders": m(part_amt)},
        f"售后状态=“同意退款，退款成功”的子订单，订单应付金额求和（0元赠品行是0）。按主订单编号分：订单里所有订单应付金额>0的子订单都退款成功=整单全退"
        f"（买家留下0元赠品的也算整单），否则=部分退。只加订单状态=已关闭的退款行会得到 {m(closed_only)}：确认收货后才退的子订单订单状态仍是已完成。",
        MONEY)

    # ---- D5 gross
    gross = int(paid.pay_c.sum())
    gross_all = int(dy.pay_c.sum())
    differs(gross, gross_all, "DY gross incl unpaid")
    add("D5", "gross_vs_net", "zh", F_DY,
        "抖店9月到11月付了款的订单，总共卖了多少钱？退款先不扣。",
        m(gross),
        f"订单应付金额是每个子订单自己的金额，按行加总。只取支付完成时间不为“-”的行（后来退款的也算，福袋和赠品是0）。"
        f"把没付款就关闭的订单也加进去是 {m(gross_all)}；扣掉退款成功子订单的金额是 {m(gross - tot_ref)}。",
        MONEY)

    # ---- D11 live net
    live = paid[paid["流量体裁"].eq("直播")]
    live_gross = int(live.pay_c.sum())
    live_ref = int(live[live.ok].pay_c.sum())
    live_ref_closed = int(live[live.ok & live["订单状态"].eq("已关闭")].pay_c.sum())
    differs(live_ref, live_ref_closed, "DY live closed-only refunds")
    add("D11", "gross_vs_net", "zh", F_DY,
        "抖店直播间（流量体裁=直播）这三个月一共成交了多少？退款要扣掉，退款成功的子订单整笔扣。",
        m(live_gross - live_ref),
        f"流量体裁=直播、支付完成时间不为“-”的子订单，订单应付金额之和 {m(live_gross)}，减去其中售后状态=“同意退款，退款成功”的子订单的订单应付金额 "
        f"{m(live_ref)}。不扣退款是 {m(live_gross)}；只扣订单状态已关闭的退款行会得到 {m(live_gross - live_ref_closed)}。",
        MONEY)

    # ---- D10 net spend per paying customer
    cust = sorted(set(real["收件人手机号"]))
    net_c = int(real.pay_c.sum()) - int(okr.pay_c.sum())
    per = round(net_c / len(cust) / 100.0, 2)
    per_gross = round(int(real.pay_c.sum()) / len(cust) / 100.0, 2)
    all_ph = sorted(set(paid["收件人手机号"]))
    per_incl_bag = round(net_c / len(all_ph) / 100.0, 2)
    netp = real.assign(net=real.pay_c - real.pay_c.where(real.ok, 0)).groupby("收件人手机号").net.sum()
    per_pos = round(int(netp[netp > 0].sum()) / int((netp > 0).sum()) / 100.0, 2)
    differs(per, per_incl_bag, "DY per customer incl bag-only")
    differs(per, per_pos, "DY per customer excl fully refunded")
    add("D10", "gross_vs_net", "en", F_DY,
        "On average, how much did each paying Douyin customer spend with us once refunds are taken off? A refunded sub-order "
        "comes off in full. Count everyone who paid for something, even if it was all refunded later.",
        per,
        f"Customer = 收件人手机号 (masked, unique per buyer; 收件人 names are masked and collide). Paying customers = phones with at "
        f"least one row with 支付完成时间 ≠ '-' and 订单应付金额 > 0: {len(cust)}. Net = Σ订单应付金额 of those rows minus the rows "
        f"with 售后状态 '同意退款，退款成功' = {m(net_c)}; average = {m(net_c)} ÷ {len(cust)}. Before refunds it is {per_gross}; "
        f"adding the people who only got a ¥0 福袋 to the headcount gives {per_incl_bag}; dropping the customers whose every item "
        f"was refunded gives {per_pos}.",
        MONEY)

    # ---- D6 product net (每日坚果)
    pn = real[real["商家编码"].eq(CODE_NUT)]
    pn_ref = int(pn[pn.ok].pay_c.sum())
    pn_gross = int(pn.pay_c.sum())
    pn_pcs = int(pn.qty.sum())
    multi = set(real.groupby("主订单编号").size().loc[lambda s: s >= 2].index)
    check(int(pn[pn.ok & pn["主订单编号"].isin(multi)].shape[0]) > 0, "DY nut refunds inside multi-line orders")
    add("D6", "product_net", "en", F_DY,
        "How did the 每日坚果 30-pack do on Douyin? Pieces sold on paid orders, the money refunded on it, and its net sales "
        "after those refunds. Treat a refunded sub-order as refunded in full.",
        {"pieces_sold": pn_pcs, "refunded": m(pn_ref), "net_sales": m(pn_gross - pn_ref)},
        f"Rows with 选购商品 '{TITLE[CODE_NUT]}' (商家编码 {CODE_NUT}) and 支付完成时间 ≠ '-'. pieces_sold = Σ商品数量 (refunded rows "
        f"included); refunded = Σ订单应付金额 of its rows with 售后状态 '同意退款，退款成功' (several of them are one line of a "
        f"multi-item order whose other lines were kept); net = Σ订单应付金额 {m(pn_gross)} − refunded.",
        {"abs": 0.01})

    # ---- D7 follow-on talent orders with refunds
    tal_rows = real[real["达人昵称"].ne("-")]
    tal_ok = tal_rows[tal_rows.ok]
    tal_orders = sorted(set(tal_ok["主订单编号"]))
    tal_money = int(tal_ok.pay_c.sum())
    tal_order_total = int(paid[paid["主订单编号"].isin(tal_orders)].pay_c.sum())
    differs(tal_money, tal_order_total, "DY talent refund vs order totals")
    add("D7", "follow_on", "zh", F_DY,
        "抖店达人带货的订单（有达人昵称的）里，有多少个主订单出现了退款成功的商品？涉及多少钱？按退掉的子订单金额算。",
        {"orders": len(tal_orders), "refunded_amount": m(tal_money)},
        f"达人昵称/达人ID不为“-”、支付完成时间不为“-”、订单应付金额>0的子订单中，售后状态=“同意退款，退款成功”的行：主订单编号去重={len(tal_orders)}，"
        f"这些行的订单应付金额之和={m(tal_money)}。用这些主订单的全部订单应付金额（含没退的商品）会得到 {m(tal_order_total)}。",
        MONEY)

    add("D8", "refuse", "en", F_DY,
        "Can you break down the Douyin refunds by reason — how many for quality issues, wrong item, changed mind, and so on?",
        "refuse",
        "The 抖店 order export has no after-sale reason column: 售后状态 only says '同意退款，退款成功' (or a pending/closed state). "
        "取消原因 is filled only for orders that were never paid (超时未支付 / 买家取消订单：…) and is '-' on every refunded row, so it "
        "must not be used as a refund reason. Refund reasons (售后原因) are in the separate 售后单 export. A correct answer declines, "
        "may give the number of refunded sub-orders, and names the export that is needed.",
        0)


# --------------------------------------------------------------------------------------
# 视频号
# --------------------------------------------------------------------------------------
def answers_wx(wx: pd.DataFrame, t: pd.DataFrame):
    check(wx.groupby("订单号")["amt_c"].nunique().eq(1).all(), "WX order amount repeated")
    wo = wx.groupby("订单号").agg(amt=("amt_c", "first"), ref=("ref_c", "sum"), paid=("paid", "first"),
                                 status=("订单状态", "first"), oship=("订单发货时间", "first"),
                                 phone=("收件人手机", "first"), rows=("amt_c", "size"))
    wp = wo[wo.paid]
    pl = wx[wx.paid]

    # ---- W1 refunded lines by line shipping
    rl = wx[wx.ref_c > 0]
    check(bool(rl.paid.all()), "WX refunded lines are paid")
    check(bool((rl.groupby("订单号")["商品发货"].nunique() == 1).all()), "WX refunded lines one side of shipping")
    b_ = rl[rl["商品发货"].eq("未发货")]
    a_ = rl[rl["商品发货"].eq("已发货")]
    ol_b = rl[rl["订单发货时间"].isna()]
    differs(len(b_), len(ol_b), "WX W1 order-level")
    add("W1", "line_shipping", "en", F_WX,
        "WeChat shop: go through the refunded product lines one by one — how many had never shipped and how many had shipped, "
        "and how much money was refunded in each group?",
        {"lines_not_shipped": len(b_), "lines_shipped": len(a_), "refunded_not_shipped": m(int(b_.ref_c.sum())),
         "refunded_shipped": m(int(a_.ref_c.sum()))},
        f"Rows with 商品已退款金额 > 0 (商品售后 退款完成 or 退货退款完成; pending, rejected and withdrawn requests are 0.00). Split by the "
        f"line's own 商品发货: 未发货 vs 已发货 (shipped lines include returns and part-price refunds on kept items). In multi-item "
        f"orders where one line was refunded before shipping and the rest shipped, 订单发货时间 is filled; splitting by 订单发货时间 "
        f"instead gives {len(ol_b)} / {len(rl) - len(ol_b)} lines and {m(int(ol_b.ref_c.sum()))} / "
        f"{m(int(rl.ref_c.sum()) - int(ol_b.ref_c.sum()))}.",
        {"abs": 0.01})

    # ---- W2 after-sale done lines, with/without gifts
    done_l = wx[wx["商品售后"].isin(["退款完成", "退货退款完成"])]
    ng = done_l[~done_l.giftrow]
    check(int((done_l.giftrow).sum()) > 0, "WX gift lines in refunded orders")
    check(len(ng) == len(rl), "WX non-gift done lines == refunded lines")
    add("W2", "gift_lines", "zh", F_WX,
        "视频号里商品售后显示“退款完成”或者“退货退款完成”的商品行一共有几行？把赠品去掉以后还剩几行？",
        {"all_lines": len(done_l), "excluding_gifts": len(ng)},
        f"一行一个商品。商品售后 ∈ {{退款完成, 退货退款完成}} 的行共 {len(done_l)} 行，其中【赠品】行（商品实际价格0.00、商品已退款金额0.00，"
        f"跟着整单一起退/退回）{len(done_l) - len(ng)} 行，去掉后 {len(ng)} 行（=商品已退款金额>0的行）。",
        0)

    # ---- W3 status rundown
    canc = wo[wo.status == "已取消"]
    c_unpaid = int((~canc.paid).sum())
    c_paid = int(canc.paid.sum())
    await_ = int((wo.status == "待付款").sum())
    check(c_unpaid == int((t.scen == "unpaid").sum()), "WX unpaid cancelled vs truth")
    check(await_ == int((t.scen == "awaiting").sum()), "WX awaiting vs truth")
    check(c_paid == int((t.scen.isin(["full_before", "full_after"]) & ~t.kept).sum()), "WX paid cancelled vs truth")
    canc_rows = int(wx["订单状态"].eq("已取消").sum())
    differs(len(canc), canc_rows, "WX cancelled rows")
    add("W3", "closed_orders", "zh", F_WX,
        "视频号订单状态盘点：显示已取消的订单有多少？这些里面，钱都没付就取消的有几单，付了钱、后来整单退掉才取消的有几单？现在还挂在待付款的有几单？",
        {"cancelled": len(canc), "cancelled_unpaid": c_unpaid, "cancelled_after_full_refund": c_paid,
         "awaiting_payment": await_},
        f"订单列表一行一个商品，订单列重复，按订单号去重。订单状态=已取消：支付时间为空→没付款取消；支付时间有值→付款后所有商品（连同赠品）都退款，"
        f"订单变为已取消。待付款=11-30晚上刚下单还没付的。按行数已取消是 {canc_rows}。确认收货后才整单退的、或整单退款但买家留下了赠品的订单，"
        f"状态不是已取消，不在这里。",
        0)

    # ---- W4 refund kinds
    rf = wp[wp.ref > 0]
    full = rf[rf.ref == rf.amt]
    part = rf[rf.ref < rf.amt]
    check(len(full) == int(t.scen.isin(FULL_SCENS).sum()), "WX full vs truth")
    check(len(part) == int(t.scen.isin(PART_SCENS).sum()), "WX part vs truth")
    sh_full = r4(len(full) / len(rf))
    sh_status = r4(c_paid / len(rf))
    differs(sh_full, sh_status, "WX full by status")
    add("W4", "refund_kinds_share", "en", F_WX,
        "Of the WeChat orders where we gave money back, what fraction were full refunds and what fraction partial? Also give "
        "me the total refunded and how it splits between full-refund and partial-refund orders.",
        {"full_share": sh_full, "partial_share": r4(len(part) / len(rf)), "total_refunded": m(int(rf.ref.sum())),
         "full_refund_money": m(int(full.ref.sum())), "partial_refund_money": m(int(part.ref.sum()))},
        f"Per 订单号 (支付时间 filled): refunded = Σ商品已退款金额 over its lines, paid = 订单实际支付金额 once (it repeats on every "
        f"line). Orders with refunded > 0: {len(rf)}; full = refunded equals paid ({len(full)}); partial = less ({len(part)}: "
        f"one item of several, or part of an item's price). Counting only 订单状态 已取消 orders as full gives a full share of "
        f"{sh_status}: orders refunded in full after receipt stay 已完成, and orders whose buyer kept the free gift are not "
        f"cancelled.",
        {"abs": 0.01})

    # ---- W5 gross
    gross = int(wp.amt.sum())
    rowsum = int(pl.amt_c.sum())
    incl_unpaid = int(wo.amt.sum())
    differs(gross, rowsum, "WX gross rowsum")
    differs(gross, incl_unpaid, "WX gross incl unpaid")
    add("W5", "gross_vs_net", "zh", F_WX,
        "视频号9到11月一共收了多少钱？退款先不扣。",
        m(gross),
        f"按订单号去重，订单实际支付金额每单取一次（它在每个商品行上重复），只算支付时间不为空的订单（后来退款/已取消的也算）。"
        f"按行直接加总是 {m(rowsum)}；把没付款的已取消和待付款订单也加上（它们显示应付金额）是 {m(incl_unpaid)}；扣掉退款是 "
        f"{m(gross - int(wp.ref.sum()))}。",
        MONEY)

    # ---- W6 net AOV
    val = wp[(wp.amt > 0) & (wp.ref < wp.amt)]
    net = int((val.amt - val.ref).sum())
    aov = round(net / len(val) / 100.0, 2)
    aov_gross = round(int(val.amt.sum()) / len(val) / 100.0, 2)
    pos = wp[wp.amt > 0]
    aov_keepfull = round(int((pos.amt - pos.ref).sum()) / len(pos) / 100.0, 2)
    differs(aov, aov_keepfull, "WX aov keep full")
    add("W6", "gross_vs_net", "en", F_WX,
        "What's our WeChat average order value after refunds? Leave out the ¥0 lucky bags and any order that was refunded in full.",
        aov,
        f"Per 订单号 with 支付时间 filled, 订单实际支付金额 > 0 and Σ商品已退款金额 < 订单实际支付金额 ({len(val)} orders). Net = "
        f"订单实际支付金额 (once per order) − Σ商品已退款金额 = {m(net)}; AOV = {m(net)} ÷ {len(val)}. Before refunds it is "
        f"{aov_gross}; keeping the fully refunded orders in the count gives {aov_keepfull}.",
        MONEY)

    # ---- W7 product net beef
    pb = pl[pl["商品编码(自定义)"].eq(CODE_BEEF)]
    pb_ref = int(pb.ref_c.sum())
    pb_net = int(pb.line_c.sum()) - pb_ref
    check(bool(((pb.ref_c > 0) & (pb.ref_c < pb.line_c)).any()), "WX beef has part-price refunds")
    wrong = int(pb[pb.ref_c > 0].line_c.sum())
    differs(pb_ref, wrong, "WX beef refunded whole lines")
    add("W7", "product_net", "zh", F_WX,
        "视频号上手撕风干牛肉这款，一共退了多少钱？扣掉退款以后净卖了多少？",
        {"refunded": m(pb_ref), "net_sales": m(pb_net)},
        f"商品名称“{TITLE[CODE_BEEF]}”（商品编码(自定义) {CODE_BEEF}）、支付时间不为空的商品行。refunded=这些行商品已退款金额之和"
        f"（有的是整件退，有的是发货后只退部分差价、商品售后仍写退款完成）；net_sales=商品实际价格(总共)之和 {m(int(pb.line_c.sum()))} − refunded。"
        f"把有退款的行整行当成退掉会得到退款 {m(wrong)}；用订单实际支付金额（整单金额）会把同单其他商品算进来。",
        MONEY)

    # ---- W11 product mango: pieces kept + net
    pm = pl[pl["商品编码(自定义)"].eq(CODE_MANGO)]
    whole = pm.ref_c == pm.line_c
    whole = whole & (pm.ref_c > 0)
    kept = int(pm[~whole].qty.sum())
    kept_wrong = int(pm[pm.ref_c == 0].qty.sum())
    differs(kept, kept_wrong, "WX mango kept pieces part-price")
    pm_net = int(pm.line_c.sum()) - int(pm.ref_c.sum())
    add("W11", "product_net", "en", F_WX,
        "Mango slices (芒果干) on the WeChat shop: how many pieces did buyers end up keeping, and what's the net revenue after "
        "refunds?",
        {"pieces_kept": kept, "net_revenue": m(pm_net)},
        f"Lines with 商品名称 '{TITLE[CODE_MANGO]}' and 支付时间 filled. A line is given back when 商品已退款金额 equals its "
        f"商品实际价格(总共) (refunded before shipping or returned); pieces_kept = Σ商品数量 of the other lines, including lines "
        f"that only got part of the price back (商品售后 退款完成, amount below the line price, item kept). net = Σ商品实际价格(总共) − "
        f"Σ商品已退款金额. Treating every line with a refund as given back gives {kept_wrong} pieces.",
        MONEY)

    # ---- W8 return-and-refund orders
    rr = wx[wx["商品售后"].eq("退货退款完成") & (wx.ref_c > 0)]
    rr_orders = sorted(set(rr["订单号"]))
    rr_money = int(rr.ref_c.sum())
    rr_amt = int(wo.loc[rr_orders].amt.sum())
    differs(rr_money, rr_amt, "WX return money vs order amount")
    check(len(rr_orders) == int(t.scen.isin(["full_after", "full_receipt", "part_return", "part_receipt"]).sum()),
          "WX return orders vs truth")
    add("W8", "follow_on", "en", F_WX,
        "How many WeChat orders had items sent back for a return-and-refund (退货退款)? How much money was that?",
        {"orders": len(rr_orders), "refunded": m(rr_money)},
        f"Lines with 商品售后 '退货退款完成' and 商品已退款金额 > 0 (gift lines that came back with them show 0.00); distinct 订单号 = "
        f"{len(rr_orders)}; money = Σ商品已退款金额 of those lines. Taking 订单实际支付金额 of those orders instead counts the items "
        f"that were kept too: {m(rr_amt)}. 退款完成 lines are refund-only (before shipping, or part of the price) and are not "
        f"returns.",
        MONEY)

    # ---- W10 refunded buyers
    rb = wp[wp.ref > 0].groupby("phone").size()
    rb2 = int((rb >= 2).sum())
    rows_per = rl.groupby("收件人手机").size()
    rb2_rows = int((rows_per >= 2).sum())
    differs(rb2, rb2_rows, "WX repeat refunders by rows")
    add("W10", "follow_on", "zh", F_WX,
        "视频号这三个月有多少个买家退过款？其中退款不止一单的有几个？",
        {"buyers_with_refund": len(rb), "with_two_or_more_refunded_orders": rb2},
        f"买家=收件人手机（打码但每人唯一；收件人姓名打码会重名）。退过款=有支付时间不为空、商品已退款金额合计>0的订单（整单退、部分退、只退差价都算；"
        f"申请中/被拒/撤销的不算）。不止一单=这样的订单号≥2个。按退款商品行数≥2算会得到 {rb2_rows} 人。",
        0)

    add("W9", "refuse", "en", F_WX,
        "What's the age and gender mix of our WeChat buyers?",
        "refuse",
        "The 视频号 订单列表 has no buyer age or gender: buyers appear only as a masked 收件人姓名 (王*), a masked 收件人手机 and an "
        "address. Guessing gender from surnames or names is not possible. The answer needs the platform's 用户画像/数据中心 reports; "
        "a correct answer declines and says what is missing (it may give the number of distinct buyers or a province split).",
        0)


# --------------------------------------------------------------------------------------
# 有赞
# --------------------------------------------------------------------------------------
def answers_yz(yi: pd.DataFrame, yo: pd.DataFrame, t: pd.DataFrame):
    check(set(yi["订单号"]) == set(yo["订单号"]), "YZ ids join")
    check(bool((yi.loc[yi.ref_c > 0, "商品退款状态"] == YZ_OK).all()), "YZ refund amounts only on 退款成功")
    paid_ids = set(yo.loc[yo.paid, "订单号"])
    yi["paid"] = yi["订单号"].isin(paid_ids)
    check(bool(yi.loc[yi.ref_c > 0, "paid"].all()), "YZ refunds on paid orders")

    check(bool((yi[yi.ref_c > 0].groupby("订单号")["shipped"].nunique() == 1).all()), "YZ refunded lines one side of shipping")

    # ---- I1 share of refund money on never-shipped lines
    tot = int(yi.ref_c.sum())
    bef = int(yi[~yi.shipped].ref_c.sum())
    share = r4(bef / tot)
    closed_share = r4(int(yi[yi["订单商品状态"].eq(YZ_CLOSED)].ref_c.sum()) / tot)
    differs(share, closed_share, "YZ share closed lines")
    add("I1", "line_shipping", "zh", F_YZI,
        "有赞退掉的钱里，商品还没发货就退掉的占多大比例？",
        share,
        f"商品维度一行一个商品，商品发货状态/商品发货时间是每个商品自己的。商品已退款金额之和 {m(tot)}；其中商品发货状态=未发货的行 {m(bef)}"
        f"（包括同一订单里别的商品已发货、这一件没发就退的）。比例={m(bef)}/{m(tot)}，小数。把订单商品状态=交易关闭当成发货前退款会得到 "
        f"{closed_share}（发货后退货退款的商品也是交易关闭）。",
        RATE)

    # ---- I4 partial shipment orders + pieces
    okl = yi[yi.ref_c > 0]
    un = okl[~okl.shipped]
    ship_ids = set(yi.loc[yi.shipped, "订单号"])
    sel = sorted(o for o in set(un["订单号"]) if o in ship_ids)
    pcs = int(un[un["订单号"].isin(sel)].qty.sum())
    check(len(sel) == int((t.scen == "part_before_shipped").sum()), "YZ partial shipment vs truth")
    all_un_pcs = int(un.qty.sum())
    differs(pcs, all_un_pcs, "YZ pieces all unshipped")
    add("I4", "line_shipping", "en", F_YZI,
        "Youzan item export: in how many orders did part of the order ship while another item in it was refunded before it "
        "ever shipped? How many pieces were refunded that way?",
        {"orders": len(sel), "pieces": pcs},
        f"One row per product line. Orders (订单号) with a line whose 商品发货状态 is 未发货 and 商品已退款金额 > 0 (商品退款状态 "
        f"退款成功, 订单商品状态 交易关闭) and another line with 商品发货状态 已发货. pieces = Σ商品数量 of those refunded unshipped "
        f"lines. All lines refunded before shipping (including whole orders cancelled before shipping) hold {all_un_pcs} pieces.",
        0)

    # ---- I2 gifts shipped
    gl = yi[yi.giftrow]
    g_ship = int(gl[gl.shipped].qty.sum())
    g_all = int(gl.qty.sum())
    differs(g_ship, g_all, "YZ gifts shipped vs all")
    add("I2", "gift_lines", "en", F_YZI,
        "Youzan freebies: how many gift pieces actually shipped out? And how many gift pieces show up in the item export in total?",
        {"gift_pieces_shipped": g_ship, "gift_pieces_in_export": g_all},
        f"Gift lines = 商品优惠方式 '赠品' (商品名称 starts with 【赠品】; 商品单价 shows the 9.90 list price but 商品优惠后价格 and "
        f"商品实际成交金额 are 0.00). shipped = those with 商品发货状态 已发货, Σ商品数量. The rest never left: the order was cancelled "
        f"before shipping, or it is still waiting to ship.",
        0)

    # ---- I3 pork refunds whole vs part price
    pk = yi[yi["商品编码"].eq(CODE_PORK) & (yi.ref_c > 0)]
    whole = pk[pk.ref_c == pk.amt_c]
    partp = pk[pk.ref_c < pk.amt_c]
    check(len(whole) > 0 and len(partp) > 0, "YZ pork has both kinds")
    add("I3", "product_net", "zh", F_YZI,
        "有赞上猪肉脯这款一共退了多少钱？其中整件退掉的多少、只退了部分差价（东西没退回）的多少？",
        {"total_refunded": m(int(pk.ref_c.sum())), "whole_item": m(int(whole.ref_c.sum())),
         "part_of_price": m(int(partp.ref_c.sum()))},
        f"商品名称“{TITLE[CODE_PORK]}”（商品编码 {CODE_PORK}）的行，商品已退款金额之和。整件退=商品已退款金额等于该行商品实际成交金额"
        f"（发货前退款、退货退款，订单商品状态多为交易关闭；确认收货后退的仍是交易完成）；部分差价=商品已退款金额小于商品实际成交金额，"
        f"商品退款状态也是退款成功，订单商品状态仍是已发货/交易完成。",
        MONEY)

    # ---- I7 refund kinds share by order (item export)
    go = yi.groupby("订单号").agg(amt=("amt_c", "sum"), ref=("ref_c", "sum"),
                                 allclosed=("订单商品状态", lambda s: s.eq(YZ_CLOSED).all()))
    rf = go[go.ref > 0]
    full = rf[rf.ref == rf.amt]
    check(len(full) == int(t.scen.isin(FULL_SCENS).sum()), "YZ full vs truth")
    sh_full = r4(len(full) / len(rf))
    sh_closed = r4(int(rf.allclosed.sum()) / len(rf))
    differs(sh_full, sh_closed, "YZ full share by closed")
    add("I7", "refund_kinds_share", "zh", F_YZI,
        "有赞有退款的订单里，整单全退的占几成，部分退的占几成？",
        {"full_share": sh_full, "partial_share": r4(1 - len(full) / len(rf))},
        f"商品维度按订单号汇总：商品已退款金额合计>0的订单 {len(rf)} 单；合计退款=各行商品实际成交金额合计 → 整单全退（{len(full)} 单）；"
        f"小于 → 部分退（退了其中几件，或只退了部分差价）。按“所有商品行都是交易关闭”判断整单会得到 {sh_closed}：确认收货后才整单退的订单"
        f"仍是交易完成，买家留下赠品的订单赠品行也不是交易关闭。",
        RATE)

    # ---- I6 waiting to ship + refund in progress
    ws = yi[yi["订单商品状态"].eq(YZ_WAITSHIP)]
    ws_doing = int(ws["商品退款状态"].eq(YZ_DOING).sum())
    check(ws_doing > 0, "YZ waiting lines with refund in progress")
    check(bool((~ws.shipped).all()), "YZ waiting lines unshipped")
    unship_all = int((~yi.shipped).sum())
    differs(len(ws), unship_all, "YZ waiting vs all unshipped")
    add("I6", "follow_on", "en", F_YZI,
        "How many Youzan product lines are still waiting to be shipped (gifts included, they need packing too)? Of those, how "
        "many have a refund in progress, so I should hold them?",
        {"lines_waiting": len(ws), "with_refund_in_progress": ws_doing},
        f"Rows with 订单商品状态 待发货 (paid, not shipped, not closed; 商品发货状态 未发货), gift lines included. Of those, 商品退款状态 "
        f"'退款中'. Counting every 未发货 row gives {unship_all}: it mixes in unpaid and cancelled lines and lines refunded before "
        f"shipping.",
        0)

    add("I5", "refuse", "zh", F_YZI,
        "有赞的包裹从发货到买家签收，平均要几天？",
        "refuse",
        "商品维度导出只有商品发货时间，没有物流签收时间；交易成功时间是买家确认收货或系统自动确认收货的时间（通常发货后7–10天自动），不是快递签收时间。"
        "需要物流轨迹/签收数据。正确做法是说明文件里没有签收时间，不能用交易成功时间代替（最多可说明发货到交易成功的间隔不是签收时长）。",
        0)

    # ---- O1 status rundown
    st = yo["订单状态"]
    closed = yo[st.eq(YZ_CLOSED)]
    c_unpaid = int((~closed.paid).sum())
    c_paid = int(closed.paid.sum())
    waitpay = int(st.eq(YZ_WAITPAY).sum())
    check(c_unpaid == int((t.scen == "unpaid").sum()), "YZ unpaid closed vs truth")
    check(c_paid == int((t.scen.isin(["full_before", "full_after"]) & ~t.kept).sum()), "YZ paid closed vs truth")
    n_full = int(yo["订单退款状态"].eq(YZ_FULL).sum())
    differs(c_paid, n_full, "YZ closed-after-refund vs 全额退款")
    add("O1", "closed_orders", "en", F_YZO,
        "Youzan orders, status rundown: total closed? Closed without ever being paid? Closed because the whole order was "
        "refunded? And still waiting on payment right now?",
        {"closed": len(closed), "closed_never_paid": c_unpaid, "closed_after_full_refund": c_paid,
         "awaiting_payment": waitpay},
        f"订单维度 export, one row per order. 订单状态 交易关闭: 买家付款时间 blank → never paid (订单实付金额 0.00); filled → paid, "
        f"then every item refunded (订单退款状态 {YZ_FULL}). awaiting_payment = 订单状态 待付款. There are {n_full} orders with "
        f"订单退款状态 {YZ_FULL}: the others stay 交易完成/已发货 (refunded after receipt, or the buyer kept the free gift), so "
        f"they are not closed.",
        0)

    # ---- O2 refund money full vs partial, in progress
    po = yo[yo.paid]
    rfo = po[po.ref_c > 0]
    f_ = rfo[rfo.ref_c == rfo.paid_c]
    p_ = rfo[rfo.ref_c < rfo.paid_c]
    check(set(f_["订单号"]) == set(yo.loc[yo["订单退款状态"].eq(YZ_FULL), "订单号"]), "YZ full amount == 全额 label")
    doing = int(yo["订单退款状态"].eq(YZ_DOING).sum())
    check(doing > 0, "YZ refunds in progress exist")
    add("O2", "refund_kinds_share", "en", F_YZO,
        "Youzan: total money refunded, split into orders refunded in full vs partly. Also, how many orders still have a refund "
        "in progress?",
        {"total_refunded": m(int(rfo.ref_c.sum())), "full_refund_orders": m(int(f_.ref_c.sum())),
         "partial_refund_orders": m(int(p_.ref_c.sum())), "orders_refund_in_progress": doing},
        f"订单维度: Σ订单已退款金额 (only paid orders have refunds). Full = 订单已退款金额 equals 订单实付金额 (订单退款状态 "
        f"{YZ_FULL}, {len(f_)} orders); partial = less ({YZ_PART}, {len(p_)}). In progress = 订单退款状态 '退款中' "
        f"(their 订单已退款金额 is 0.00, nothing has gone back yet).",
        MONEY)

    # ---- O3 per buyer net, fully-refunded buyers excluded
    net = po.assign(net=po.paid_c - po.ref_c).groupby("买家手机号").net.sum()
    pos = net[net > 0]
    per = round(int(pos.sum()) / len(pos) / 100.0, 2)
    per_all = round(int(net.sum()) / len(net) / 100.0, 2)
    net_r = po.assign(net=po.paid_c - po.ref_c).groupby("收货人手机号/提货人手机号").net.sum()
    per_recv = round(int(net_r[net_r > 0].sum()) / int((net_r > 0).sum()) / 100.0, 2)
    differs(per, per_recv, "YZ per buyer receiver key")
    differs(per, per_all, "YZ per buyer incl zero")
    add("O3", "gross_vs_net", "zh", F_YZO,
        "有赞平均每个买家花了多少钱？退款要扣掉。全部退光的买家不算人头。",
        per,
        f"订单维度一行一单。买家=买家手机号（打码、每人唯一）；收货人手机号有时是家人/同事的，不能当买家。只取买家付款时间非空的订单，"
        f"每人净花费=Σ(订单实付金额−订单已退款金额)；净额为0（全部退光）的买家去掉，剩 {len(pos)} 人，平均={m(int(pos.sum()))}÷{len(pos)}。"
        f"按收货人手机号算人头会得到 {per_recv}；全退光的也算人头是 {per_all}。",
        MONEY)

    add("O4", "refuse", "en", F_YZO,
        "What was the Youzan shop's visitor-to-buyer conversion rate in October?",
        "refuse",
        "The 订单维度 export lists orders only; it has no visitor, UV or page-view numbers, so no conversion rate can be computed. "
        "That needs the 有赞 数据中心 (店铺概况/流量) report. A correct answer declines, may give October's paying buyers or orders, "
        "and says which data is missing.",
        0)

    # ---- pair: P1 product net gift box
    bx = yi[yi["商品编码"].eq(CODE_BOX)]
    bxp = bx[bx.paid]
    g_ = int(bxp.amt_c.sum())
    r_ = int(bxp.ref_c.sum())
    g_all = int(bx.amt_c.sum())
    differs(g_, g_all, "YZ box incl unpaid")
    add("P1", "product_net", "zh", F_YZ_PAIR,
        "有赞的中秋坚果礼盒，付了款的一共卖了多少钱？扣掉退款以后净卖多少？",
        {"paid_sales": m(g_), "net_sales": m(g_ - r_)},
        f"商品维度里商品名称“{TITLE[CODE_BOX]}”（商品编码 {CODE_BOX}）的行，用订单号关联订单维度，只留买家付款时间非空的订单。paid_sales="
        f"商品实际成交金额之和（后来退款的也算）；net=paid_sales−这些行商品已退款金额之和 {m(r_)}。商品维度本身没有付款时间，"
        f"未付款/待付款订单的行也显示商品实际成交金额，不筛掉会得到 {m(g_all)}。",
        MONEY)

    # ---- P2 gift orders, of those full refunds
    gift_ids = set(yi.loc[yi.giftrow, "订单号"])
    pg = po[po["订单号"].isin(gift_ids)]
    pg_full = int(pg["订单退款状态"].eq(YZ_FULL).sum())
    pg_closed = int(pg["订单状态"].eq(YZ_CLOSED).sum())
    differs(pg_full, pg_closed, "YZ gift orders full vs closed")
    add("P2", "follow_on", "en", F_YZ_PAIR,
        "How many paid Youzan orders came with a free gift? Of those, how many ended up refunded in full?",
        {"paid_orders_with_gift": len(pg), "refunded_in_full": pg_full},
        f"Gift orders = 订单号 with a line whose 商品优惠方式 is '赠品' in the 商品维度 export; paid = 买家付款时间 filled in the 订单维度 "
        f"export ({len(pg)}). Refunded in full = 订单退款状态 '{YZ_FULL}' (订单已退款金额 = 订单实付金额). Counting 订单状态 交易关闭 "
        f"instead gives {pg_closed}: when the buyer kept the gift, or the refund came after receipt, the order is not closed.",
        0)

    # ---- P3 pieces sold on paid orders, gifts excluded
    sold = yi[yi.paid & ~yi.giftrow]
    pcs = int(sold.qty.sum())
    pcs_gift = int(yi[yi.paid].qty.sum())
    pcs_all = int(yi[~yi.giftrow].qty.sum())
    differs(pcs, pcs_gift, "YZ pieces incl gifts")
    differs(pcs, pcs_all, "YZ pieces incl unpaid")
    add("P3", "gift_lines", "zh", F_YZ_PAIR,
        "有赞付了款的订单一共卖出去多少件商品？退款的先不管。",
        pcs,
        f"商品维度行用订单号关联订单维度，取买家付款时间非空的订单；Σ商品数量，不含商品优惠方式=赠品的【赠品】行（送的不算卖出）。退款的商品照算。"
        f"连赠品一起数是 {pcs_gift}；不筛付款（含未付款关闭和待付款）是 {pcs_all}。",
        0)

    # ---- P4 closed paid orders: money + shipped before refund
    cp = yo[yo["订单状态"].eq(YZ_CLOSED) & yo.paid]
    cp_amt = int(cp.paid_c.sum())
    shipped_ids = set(yi.loc[yi.shipped, "订单号"])
    cp_ship = int(cp["订单号"].isin(shipped_ids).sum())
    check(cp_ship == int((t.scen.eq("full_after") & ~t.kept).sum()), "YZ closed shipped vs truth")
    cp_due = int(cents(yo.loc[yo["订单状态"].eq(YZ_CLOSED), "应收订单金额"]).sum())
    differs(cp_amt, cp_due, "YZ closed amount incl unpaid due")
    add("P4", "closed_orders", "zh", F_YZ_PAIR,
        "有赞交易关闭的订单里，付过钱的那些当初一共付了多少？其中已经发了货才退款关闭的有几单？",
        {"paid_amount": m(cp_amt), "shipped_then_closed": cp_ship},
        f"订单维度：订单状态=交易关闭且买家付款时间非空（{len(cp)}单，都是全额退款后关闭），订单实付金额之和。再用订单号到商品维度看，"
        f"有商品发货状态=已发货的行的订单=发货后退货退款关闭。用交易关闭订单的应收订单金额合计（含没付款关闭的）会得到 {m(cp_due)}。",
        MONEY)


# ======================================================================================
# answers.yaml emitter
# ======================================================================================
ORDER = ["D1", "D14", "D2", "D9", "D3", "D12", "D4", "D13", "D5", "D11", "D10", "D6", "D7", "D8",
         "W1", "W2", "W3", "W4", "W5", "W6", "W7", "W11", "W8", "W10", "W9",
         "I1", "I4", "I2", "I3", "I7", "I6", "I5",
         "O1", "O2", "O3", "O4",
         "P1", "P2", "P3", "P4"]


def js(x) -> str:
    return json.dumps(x, ensure_ascii=False)


def to_yaml(meta: dict, qs: list[dict]) -> str:
    out = [f"shop: {js(meta['shop'])}", f"period: {js(meta['period'])}", f"generator: {js(meta['generator'])}", "questions:"]
    for q in qs:
        out.append(f"  - id: {js(q['id'])}")
        out.append(f"    file: {js(q['file'])}")
        out.append(f"    lang: {js(q['lang'])}")
        out.append(f"    q: {js(q['q'])}")
        out.append(f"    category: {js(q['category'])}")
        e = q["expected"]
        if isinstance(e, dict):
            out.append("    expected:")
            for k, v in e.items():
                out.append(f"      {js(k)}: {js(v)}")
        else:
            out.append(f"    expected: {js(e)}")
        out.append(f"    definition: {js(q['definition'])}")
        tl = q["tolerance"]
        if isinstance(tl, dict):
            out.append("    tolerance:")
            for k, v in tl.items():
                out.append(f"      {k}: {js(v)}")
        else:
            out.append(f"    tolerance: {js(tl)}")
    return "\n".join(out) + "\n"


def main():
    dy_rows, dy_truth = gen_dy()
    write_dy(dy_rows)
    wx_rows, wx_truth = gen_wx()
    write_xlsx(OUT / F_WX, "Sheet1", WX_COLS, wx_rows, WX_MONEY)
    yi_rows, yo_rows, yz_truth = gen_yz()
    write_xlsx(OUT / F_YZI, "订单明细", YZI_COLS, yi_rows, YZI_MONEY)
    write_yzo(yo_rows)

    build_answers(dy_truth, wx_truth, yz_truth)
    by = {q["key"]: q for q in Q}
    check(sorted(by) == sorted(ORDER) and len(Q) == len(ORDER) == 40, "40 questions")
    qs = []
    for i, k in enumerate(ORDER, 1):
        q = dict(by[k])
        q["id"] = f"f10-{i:02d}"
        qs.append(q)
    langs = pd.Series([q["lang"] for q in qs]).value_counts().to_dict()
    cats = pd.Series([q["category"] for q in qs]).value_counts().to_dict()
    check(langs.get("zh") == 20 and langs.get("en") == 20, f"language split {langs}")
    check(all(v >= 4 for v in cats.values()) and len(cats) == 8, f"categories {cats}")
    check(sum(1 for q in qs if q["expected"] == "refuse") == 4, "4 refusals")
    meta = {"shop": "麦小栗 MAIXIAOLI (fictional snack brand) on 抖音, 视频号 and 有赞",
            "period": "2025-09-01..2025-11-30",
            "generator": f"make_files.py (seed {SEED})"}
    (OUT / "answers.yaml").write_text(to_yaml(meta, qs), encoding="utf-8")

    dy, wx, yi, yo = load_dy(), load_wx(), load_yzi(), load_yzo()
    print(f"{F_DY}: {len(dy)} rows, {dy['主订单编号'].nunique()} orders "
          f"({dy.loc[dy.paid, '主订单编号'].nunique()} paid), {dy['收件人手机号'].nunique()} buyers")
    print(f"{F_WX}: {len(wx)} rows, {wx['订单号'].nunique()} orders ({wx.loc[wx.paid, '订单号'].nunique()} paid), "
          f"{wx['收件人手机'].nunique()} buyers")
    print(f"{F_YZI}: {len(yi)} rows, {yi['订单号'].nunique()} orders")
    print(f"{F_YZO}: {len(yo)} orders ({int(yo.paid.sum())} paid), {yo['买家手机号'].nunique()} buyers")
    print(f"answers.yaml: {len(qs)} questions {langs} {cats}")
    print(f"verify: all checks passed ({CHECKS[0]} checks)")


if __name__ == "__main__":
    main()
