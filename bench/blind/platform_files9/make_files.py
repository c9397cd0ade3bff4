#!/usr/bin/env python3
"""Blind set 9: line-level refunds, refund timing, shares and sums in real order exports.

Shop: 栖木家居 QIMU HOME (made-up homeware brand), 2025-09-01 .. 2025-11-30, on 抖音 (抖店), 视频号 (微信小店) and 淘宝.
This script writes four export files into its own folder, each in its platform's layout:

  抖店_订单导出_20250901-20251130.csv        抖店 订单管理 → 批量导出 (UTF-8 BOM CSV, one row per 子订单,
                                              ids with a leading tab, '-' for empty, no refund amount)
  微信小店_订单列表_20250901-20251130.xlsx    视频号小店/微信小店 订单 → 订单列表 → 导出 (57 columns, one row per
                                              product line, order columns repeated on every line)
  ExportOrderList202512010905.xlsx            淘宝/千牛 已卖出的宝贝 → 订单报表 (one row per order)
  ExportOrderDetailList202512010905.xlsx      淘宝/千牛 已卖出的宝贝 → 宝贝报表 (one row per 子订单, per-line
                                              退款状态 / 退款金额 / 发货时间)

Deterministic (seed 20251130). The generator first builds the ground truth (orders, lines, an explicit
outcome label per order), writes the files, then RE-READS the written files with pandas and computes
every expected answer from the file columns alone. It cross-checks those answers against the ground-truth
labels, asserts that each documented wrong reading really gives a different number, and writes
answers.yaml. On success it prints `verify: all checks passed`.

Run (from the repository root):  uv run python bench/blind/platform_files9/make_files.py
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

SEED = 20251130
OUT = Path(__file__).resolve().parent

F_DY = "抖店_订单导出_20250901-20251130.csv"
F_WX = "微信小店_订单列表_20250901-20251130.xlsx"
F_TBL = "ExportOrderList202512010905.xlsx"
F_TBD = "ExportOrderDetailList202512010905.xlsx"
F_TB_PAIR = f"{F_TBL} + {F_TBD}"

START = dt.date(2025, 9, 1)
N_DAYS = 91  # 2025-09-01 .. 2025-11-30
ASOF_DY = dt.datetime(2025, 11, 30, 23, 58, 12)
ASOF_WX = dt.datetime(2025, 11, 30, 23, 57, 40)
ASOF_TB = dt.datetime(2025, 12, 1, 9, 5, 0)
D11_FROM, D11_TO = dt.date(2025, 11, 1), dt.date(2025, 11, 11)

H = dt.timedelta(hours=1)
D = dt.timedelta(days=1)

# --------------------------------------------------------------------------------------
# shared reference data (all made up)
# --------------------------------------------------------------------------------------
# code, title, specs, price (cents), platform product id, weight
PRODUCTS = [
    ("QM-MUG01", "栖木 哑光陶瓷马克杯 350ml", ["燕麦白", "雾霾蓝", "松石绿"], 3990, "3651208847190", 1.6),
    ("QM-BOWL4", "栖木 日式粗陶饭碗 4只装", ["4.5英寸", "5英寸"], 5900, "3651208847206", 1.0),
    ("QM-BOX3", "栖木 竹纤维收纳盒 3件套", ["米白", "浅灰"], 4590, "3651208847213", 1.1),
    ("QM-TWL2", "栖木 长绒棉毛巾 2条装", ["奶咖+燕麦", "雾蓝+浅灰"], 2990, "3651208847220", 1.4),
    ("QM-CDL", "栖木 大豆蜡香薰蜡烛 200g", ["白茶", "无花果", "雪松"], 6900, "3651208847237", 0.9),
    ("QM-MAT2", "栖木 亚麻隔热餐垫 2片装", ["亚麻原色", "墨绿"], 3500, "3651208847244", 0.8),
    ("QM-GLS5", "栖木 耐热玻璃保鲜盒 5件套", ["方形", "圆形"], 8900, "3651208847251", 0.7),
    ("QM-RACK", "栖木 北欧实木落地衣帽架", ["原木色", "胡桃色"], 12900, "3651208847268", 0.35),
    ("QM-RUG", "栖木 记忆棉厨房地垫 45x120", ["浅咖", "灰蓝"], 4990, "3651208847275", 0.8),
    ("QM-CUPS", "栖木 玻璃冷水杯 4只装", ["透明", "琥珀"], 4500, "3651208847282", 0.7),
]
PW = np.array([p[5] for p in PRODUCTS])
PW = PW / PW.sum()
GIFT = ("QM-GIFT", "【赠品】栖木 软木杯垫", ["随机"], 0, "3651208847299")
BAG = ("QM-BAG", "【福袋】栖木直播间惊喜小物", ["随机款"], 1990, "3651208847305")
MUG_CODE = "QM-MUG01"

SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余杜叶程魏苏吕丁任沈姚卢傅钟姜崔谭廖范汪陆金石戴贾韦夏邱方侯邹熊孟秦白江")
PREFIXES = ["130", "131", "132", "135", "136", "137", "138", "139", "150", "151", "152", "155", "157", "158", "159",
            "166", "176", "177", "180", "181", "182", "185", "186", "187", "188", "189", "191", "199"]
REGIONS = [
    ("浙江省", "杭州市", "西湖区", "北山街道"), ("浙江省", "宁波市", "鄞州区", "钟公庙街道"), ("江苏省", "苏州市", "姑苏区", "平江街道"),
    ("江苏省", "南京市", "鼓楼区", "湖南路街道"), ("上海市", "上海市", "浦东新区", "花木街道"), ("上海市", "上海市", "徐汇区", "田林街道"),
    ("北京市", "北京市", "朝阳区", "望京街道"), ("广东省", "广州市", "天河区", "石牌街道"), ("广东省", "深圳市", "南山区", "粤海街道"),
    ("四川省", "成都市", "武侯区", "玉林街道"), ("湖北省", "武汉市", "洪山区", "关山街道"), ("福建省", "厦门市", "思明区", "莲前街道"),
    ("山东省", "青岛市", "市南区", "八大峡街道"), ("湖南省", "长沙市", "岳麓区", "望岳街道"), ("陕西省", "西安市", "雁塔区", "小寨路街道"),
    ("天津市", "天津市", "南开区", "体育中心街道"), ("重庆市", "重庆市", "渝北区", "龙溪街道"), ("河南省", "郑州市", "金水区", "丰产路街道"),
]
TALENTS_DY = [("1840392271", "小满的家居日记"), ("2291004718", "阿木爱收纳"), ("3312876650", "居家好物铺子")]
TALENTS_WX = ["小满的家居日记", "一只收纳控", "住进森林里"]

RS_DY_OK = "同意退款，退款成功"


def fmt(c: int) -> str:
    return f"{int(c) / 100:.2f}"


def yuan(c) -> float:
    return float(round(int(c) / 100.0, 2))


def r4(x) -> float:
    return float(round(float(x) + 1e-12, 4))


def pick(r, vals, p):
    return vals[int(r.choice(len(vals), p=np.array(p) / np.sum(p)))]


def day_probs():
    days = [START + dt.timedelta(days=i) for i in range(N_DAYS)]
    w = []
    for d in days:
        x = 1.0
        if d.weekday() >= 5:
            x *= 1.2
        if dt.date(2025, 10, 1) <= d <= dt.date(2025, 10, 7):
            x *= 1.3
        if D11_FROM <= d <= D11_TO:
            x *= 2.2
        if d == D11_TO:
            x *= 2.0
        w.append(x)
    w = np.array(w)
    return days, w / w.sum()


DAYS, DAY_P = day_probs()


def sample_time(r) -> dt.datetime:
    d = DAYS[int(r.choice(len(DAYS), p=DAY_P))]
    if r.random() < 0.6:  # live-stream evenings
        sec = int(r.uniform(19 * 3600, 23.5 * 3600))
    else:
        sec = int(r.uniform(8 * 3600, 23.85 * 3600))
    return dt.datetime.combine(d, dt.time()) + dt.timedelta(seconds=sec)


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


def make_buyers(r, n: int, name_mask: str) -> list[dict]:
    seen, out = set(), []
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


def pick_items(r, n: int):
    idx = r.choice(len(PRODUCTS), size=n, replace=False, p=PW)
    items = []
    for j in sorted(int(k) for k in idx):
        p = PRODUCTS[j]
        spec = p[2][int(r.integers(len(p[2])))]
        qty = int(pick(r, [1, 2, 3], [0.84, 0.13, 0.03]))
        items.append(dict(prod=p, spec=spec, qty=qty, gross=p[3] * qty))
    return items


# ======================================================================================
# 抖店 order export (子订单 rows)
# ======================================================================================
DY_COLS = ["主订单编号", "子订单编号", "选购商品", "商品规格", "商品数量", "商品ID", "商家编码", "商品单价", "订单应付金额", "运费",
           "优惠总金额", "平台实际承担优惠金额", "商家实际承担优惠金额", "达人实际承担优惠金额", "手续费", "支付方式", "收件人", "收件人手机号",
           "省", "市", "区", "街道", "详细地址", "买家留言", "订单提交时间", "支付完成时间", "订单完成时间", "承诺发货时间", "发货时间",
           "订单状态", "售后状态", "取消原因", "订单类型", "流量来源", "APP渠道", "达人ID", "达人昵称", "广告渠道", "是否安心购", "商家备注"]


def dyt(x):
    return "-" if x is None else x.strftime("%Y/%m/%d %H:%M:%S")


def gen_dy():
    r = np.random.default_rng([SEED, 1])
    buyers = make_buyers(r, 430, "**")
    bw = r.gamma(0.9, 1.0, len(buyers))
    bw /= bw.sum()
    used: set = set()
    rows, orders = [], []
    for _ in range(650):
        ct = sample_time(r)
        kind = pick(r, ["unpaid", "bag", "normal"], [0.07, 0.05, 0.88])
        b = buyers[int(r.choice(len(buyers), p=bw))]
        if kind == "bag":
            src, tal = "直播", None
        else:
            k = int(r.choice(4, p=[0.40, 0.15, 0.10, 0.35]))
            src = ["直播", "直播", "短视频", "商品卡"][k]
            tal = TALENTS_DY[int(r.integers(len(TALENTS_DY)))] if k in (1, 2) else None
        mid = new_id(r, used, "69" + str(int(r.integers(30, 40))), 19)
        if kind == "bag":
            items = [dict(prod=BAG, spec=BAG[2][0], qty=1, gross=BAG[3])]
        else:
            items = pick_items(r, int(pick(r, [1, 2, 3, 4], [0.50, 0.31, 0.14, 0.05])))
        goods = sum(it["gross"] for it in items)
        weights = [it["gross"] for it in items]
        if kind == "bag":
            merch, plat, tald = [BAG[3]], [0], [0]
        else:
            m = 0
            if goods >= 9900 and r.random() < 0.45:
                m = 1000 if goods < 19900 else 2000
            elif src == "直播" and r.random() < 0.35:
                m = 500
            p = int(pick(r, [0, 300, 500, 800], [0.82, 0.08, 0.06, 0.04]))
            t = 300 if (tal and r.random() < 0.2) else 0
            merch, plat, tald = alloc(m, weights), alloc(p, weights), alloc(t, weights)
        for it, m_, p_, t_ in zip(items, merch, plat, tald):
            it.update(m=m_, p=p_, t=t_, pay=it["gross"] - m_ - p_ - t_, gift=False)
        if kind == "normal" and goods >= 9900 and r.random() < 0.35:
            items.append(dict(prod=GIFT, spec="随机", qty=1, gross=0, m=0, p=0, t=0, pay=0, gift=True))
        paid = kind != "unpaid"
        pay_t = ct + dt.timedelta(seconds=int(r.integers(8, 600))) if paid else None
        ship_t = pay_t + dt.timedelta(hours=float(r.uniform(3, 56))) if paid else None
        shipped = paid and ship_t < ASOF_DY
        done_t = ship_t + dt.timedelta(days=float(r.uniform(4.5, 11))) if paid else None
        done = paid and done_t < ASOF_DY
        real = [i for i, it in enumerate(items) if not it["gift"]]
        scen = "unpaid" if not paid else ("bag" if kind == "bag" else "none")
        if kind == "normal":
            if len(real) >= 2:
                scen = pick(r, ["none", "full_before", "full_after", "part_before", "part_after_closed", "part_after_done",
                                "pending", "closed_req"], [0.64, 0.05, 0.03, 0.08, 0.06, 0.07, 0.035, 0.035])
            else:
                scen = pick(r, ["none", "full_before", "full_after", "pending", "closed_req"], [0.78, 0.09, 0.05, 0.04, 0.04])
            if scen in ("full_after", "part_after_closed", "pending", "closed_req") and not (shipped and ship_t < ASOF_DY - D):
                scen = "none"
            if scen == "part_after_done" and not done:
                scen = "none"
        base = ("备货中" if not shipped else ("已完成" if done else "已发货")) if paid else "已关闭"
        for it in items:
            it.update(status=base, after="-", ship=ship_t if shipped else None, done=done_t if (done and paid) else None)
            if not paid:
                it.update(status="已关闭", ship=None, done=None)
        if scen == "full_before":
            for it in items:
                it.update(status="已关闭", after=("-" if it["gift"] else RS_DY_OK), ship=None, done=None)
        elif scen == "full_after":
            for it in items:
                it.update(status="已关闭", after=("-" if it["gift"] else RS_DY_OK), ship=ship_t, done=None)
        elif scen == "part_before":
            k = 1 if len(real) == 2 else int(r.integers(1, len(real)))
            for i in sorted(int(x) for x in r.choice(real, size=k, replace=False)):
                items[i].update(status="已关闭", after=RS_DY_OK, ship=None, done=None)
        elif scen == "part_after_closed":
            i = int(r.choice(real))
            items[i].update(status="已关闭", after=RS_DY_OK, done=None)
        elif scen == "part_after_done":
            i = int(r.choice(real))
            items[i].update(after=RS_DY_OK)
        elif scen == "pending":
            i = int(r.choice(real))
            items[i].update(after=pick(r, ["待买家退货处理", "待商家收货"], [0.5, 0.5]))
        elif scen == "closed_req":
            i = int(r.choice(real))
            items[i].update(after="售后关闭")
        sub_ids = [mid] if len(items) == 1 else [str(int(mid) + 1 + j) for j in range(len(items))]
        if not paid:
            cancel = pick(r, ["超时未支付", "买家取消订单"], [0.7, 0.3])
        else:
            cancel = "-"
        paymeth = "-" if (not paid or kind == "bag") else pick(r, ["抖音支付", "微信", "支付宝", "抖音月付"], [0.45, 0.3, 0.2, 0.05])
        app = pick(r, ["抖音", "抖音极速版", "抖音火山版"], [0.8, 0.15, 0.05])
        msg = "-" if r.random() < 0.9 else pick(r, ["尽快发货谢谢", "不要放驿站", "送人的不要放价格单"], [1, 1, 1])
        anxin = pick(r, ["是", "否"], [0.3, 0.7])
        for j, it in enumerate(items):
            pr = it["prod"]
            rows.append({
                "主订单编号": "\t" + mid, "子订单编号": "\t" + sub_ids[j], "选购商品": pr[1], "商品规格": it["spec"],
                "商品数量": str(it["qty"]), "商品ID": "\t" + pr[4], "商家编码": pr[0], "商品单价": fmt(pr[3]),
                "订单应付金额": fmt(it["pay"]), "运费": "0.00", "优惠总金额": fmt(it["m"] + it["p"] + it["t"]),
                "平台实际承担优惠金额": fmt(it["p"]), "商家实际承担优惠金额": fmt(it["m"]), "达人实际承担优惠金额": fmt(it["t"]),
                "手续费": "0.00", "支付方式": paymeth, "收件人": b["name"], "收件人手机号": b["phone"], "省": b["prov"],
                "市": b["city"], "区": b["dist"], "街道": b["street"], "详细地址": "****", "买家留言": msg,
                "订单提交时间": dyt(ct), "支付完成时间": dyt(pay_t), "订单完成时间": dyt(it["done"]),
                "承诺发货时间": dyt(pay_t + 48 * H) if paid else "-", "发货时间": dyt(it["ship"]), "订单状态": it["status"],
                "售后状态": it["after"], "取消原因": cancel, "订单类型": "普通订单", "流量来源": src, "APP渠道": app,
                "达人ID": tal[0] if tal else "-", "达人昵称": tal[1] if tal else "-", "广告渠道": "-", "是否安心购": anxin,
                "商家备注": "-", "_ct": ct,
            })
        orders.append(dict(mid=mid, scen=scen, kind=kind, phone=b["phone"], src=src, tal=bool(tal), pay_t=pay_t,
                           amount=sum(it["pay"] for it in items), n_real=len(real),
                           merch=sum(it["m"] for it in items)))
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
# 视频号小店 / 微信小店 订单列表 (57 columns, one row per product line)
# ======================================================================================
WX_COLS = ["订单号", "订单下单时间", "订单发货时间", "订单确认收货时间", "订单完成结算时间", "订单状态", "发货方式", "收件人姓名",
           "收件人地址", "省", "市", "区", "收件人手机", "买家备注", "商家备注", "打标颜色", "商品总价", "订单实际支付金额", "订单实际收款金额",
           "订单运费", "商品优惠", "跨店优惠", "商品改价", "积分抵扣", "支付方式", "支付时间", "交易单号", "物流公司", "快递单号", "技术服务费",
           "技术服务费（将以人气卡形式返还）", "运费险预计投保费用", "带货方式", "带货账号类型", "带货账号昵称", "带货费用渠道", "带货费用类型",
           "带货费用", "带货佣金率", "礼物单号", "商品名称", "商品编码(平台)", "商品编码(自定义)", "SKU编码(自定义)", "商品属性",
           "商品价格(单件)", "商品实际价格(单件)", "商品实际价格(总共)", "是否预售", "商品数量", "商品平台券优惠", "商品平均运费", "定制信息",
           "定制预览图", "商品发货", "商品售后", "商品已退款金额"]
assert len(WX_COLS) == 57
WX_MONEY = {"商品总价", "订单实际支付金额", "订单实际收款金额", "订单运费", "商品优惠", "跨店优惠", "商品改价", "积分抵扣", "技术服务费",
            "技术服务费（将以人气卡形式返还）", "运费险预计投保费用", "带货费用", "商品价格(单件)", "商品实际价格(单件)", "商品实际价格(总共)",
            "商品平台券优惠", "商品平均运费", "商品已退款金额"}


def wxt(x):
    return "" if x is None else x.strftime("%Y-%m-%d %H:%M:%S")


def gen_wx():
    r = np.random.default_rng([SEED, 2])
    buyers = make_buyers(r, 300, "*")
    bw = r.gamma(0.9, 1.0, len(buyers))
    bw /= bw.sum()
    used: set = set()
    rows, orders = [], []
    n_orders = 440
    for i in range(n_orders):
        if i < 4:  # still unpaid at export time
            ct = dt.datetime(2025, 11, 30, 23, 31) + dt.timedelta(seconds=int(r.integers(0, 1500)))
            kind = "awaiting"
        else:
            ct = sample_time(r)
            kind = pick(r, ["unpaid", "bag", "normal"], [0.07, 0.05, 0.88])
        b = buyers[int(r.choice(len(buyers), p=bw))]
        if kind == "bag":
            mode, acct = "直播间", "栖木家居官方"
        else:
            mode = pick(r, ["直播间", "短视频", "橱窗", ""], [0.50, 0.12, 0.23, 0.15])
            acct = "" if mode == "" else (TALENTS_WX[int(r.integers(3))] if (mode == "短视频" or r.random() < 0.2) else "栖木家居官方")
        oid = new_id(r, used, "37" + str(int(r.integers(10, 30))), 19)
        if kind == "bag":
            items = [dict(prod=BAG, spec=BAG[2][0], qty=1, gross=BAG[3])]
        else:
            items = pick_items(r, int(pick(r, [1, 2, 3], [0.52, 0.34, 0.14])))
        goods = sum(it["gross"] for it in items)
        weights = [it["gross"] for it in items]
        if kind == "bag":
            shop_disc, cross, platc = BAG[3], 0, [0]
        else:
            shop_disc = 0
            if goods >= 19900 and r.random() < 0.5:
                shop_disc = 2500
            elif goods >= 9900 and r.random() < 0.45:
                shop_disc = 1000
            elif mode == "直播间" and r.random() < 0.3:
                shop_disc = 500
            cross = 500 if (goods >= 9900 and r.random() < 0.05) else 0
            pc = int(pick(r, [0, 300, 500], [0.85, 0.09, 0.06]))
            platc = alloc(pc, weights)
        sd, cr = alloc(shop_disc, weights), alloc(cross, weights)
        for it, a, c, p in zip(items, sd, cr, platc):
            it.update(amt=it["gross"] - a - c - p, platc=p, gift=False)
        if kind == "normal" and goods >= 9900 and r.random() < 0.3:
            items.append(dict(prod=GIFT, spec="随机", qty=1, gross=0, amt=0, platc=0, gift=True))
        paid = kind in ("bag", "normal")
        pay_t = ct + dt.timedelta(seconds=int(r.integers(5, 480))) if paid else None
        ship_t = pay_t + dt.timedelta(hours=float(r.uniform(3, 60))) if paid else None
        shipped = paid and ship_t < ASOF_WX
        conf_t = ship_t + dt.timedelta(days=float(r.uniform(4, 10))) if paid else None
        confirmed = paid and conf_t < ASOF_WX
        real = [k for k, it in enumerate(items) if not it["gift"]]
        scen = {"awaiting": "awaiting", "unpaid": "unpaid", "bag": "bag"}.get(kind, "none")
        if kind == "normal":
            if len(real) >= 2:
                scen = pick(r, ["none", "full_before", "full_after", "part_before", "part_return", "part_amount", "pending",
                                "rejected", "withdrawn"], [0.58, 0.05, 0.03, 0.10, 0.065, 0.05, 0.045, 0.04, 0.04])
            else:
                scen = pick(r, ["none", "full_before", "full_after", "part_amount", "pending", "rejected", "withdrawn"],
                            [0.74, 0.08, 0.05, 0.04, 0.04, 0.025, 0.025])
            if scen in ("full_after", "part_return", "part_amount") and not (shipped and ship_t < ASOF_WX - D):
                scen = "none"
        for it in items:
            it.update(ship=shipped, after="", refund=0)
        cancelled = kind in ("unpaid",)
        if scen == "full_before":
            for it in items:
                it.update(ship=False)
                if not it["gift"]:
                    it.update(after="退款完成", refund=it["amt"])
            cancelled = True
        elif scen == "full_after":
            for it in items:
                if not it["gift"]:
                    it.update(after="退货退款完成", refund=it["amt"])
            cancelled = True
        elif scen == "part_before":
            k = int(r.choice(real))
            items[k].update(ship=False, after="退款完成", refund=items[k]["amt"])
        elif scen == "part_return":
            k = int(r.choice(real))
            items[k].update(after="退货退款完成", refund=items[k]["amt"])
        elif scen == "part_amount":
            k = int(r.choice(real))
            frac = float(r.uniform(0.2, 0.5))
            items[k].update(after="退款完成", refund=int(round(items[k]["amt"] * frac / 100.0)) * 100 or 100)
        elif scen == "pending":
            k = int(r.choice(real))
            items[k].update(after=pick(r, ["商家受理中", "待买家退货", "待商家收货"], [0.4, 0.3, 0.3]) if shipped else "商家受理中")
        elif scen in ("rejected", "withdrawn"):
            k = int(r.choice(real))
            items[k].update(after="商家拒绝退款" if scen == "rejected" else "用户取消申请")
        any_ship = any(it["ship"] for it in items)
        if kind == "awaiting":
            status = "待付款"
        elif cancelled:
            status = "已取消"
        elif not any_ship:
            status = "待发货"
        elif confirmed:
            status = "已完成"
        else:
            status = "已发货"
        paid_amt = sum(it["amt"] for it in items)
        plat_total = sum(it["platc"] for it in items)
        settle_t = conf_t + dt.timedelta(hours=float(r.uniform(2, 30))) if (status == "已完成") else None
        if settle_t is not None and settle_t >= ASOF_WX:
            settle_t = None
        carrier = pick(r, ["中通快递", "韵达快递", "圆通速递"], [0.5, 0.3, 0.2])
        track = ("7" if carrier == "中通快递" else "4" if carrier == "韵达快递" else "YT") + "".join(
            str(int(x)) for x in r.integers(0, 10, 13))
        txn = "42000029" + "".join(str(int(x)) for x in r.integers(0, 10, 20)) if (paid and paid_amt > 0) else ""
        daren = acct not in ("", "栖木家居官方")
        insur = 35 if (paid and paid_amt > 0 and r.random() < 0.4) else 0
        order_cols = {
            "订单号": oid, "订单下单时间": wxt(ct), "订单发货时间": wxt(ship_t) if any_ship else "",
            "订单确认收货时间": wxt(conf_t) if status == "已完成" else "", "订单完成结算时间": wxt(settle_t),
            "订单状态": status, "发货方式": "快递", "收件人姓名": b["name"],
            "收件人地址": f"{b['prov']}{b['city']}{b['dist']}{b['street']}****", "省": b["prov"], "市": b["city"],
            "区": b["dist"], "收件人手机": b["phone"], "买家备注": "", "商家备注": "", "打标颜色": "",
            "商品总价": goods, "订单实际支付金额": paid_amt, "订单实际收款金额": paid_amt + plat_total, "订单运费": 0,
            "商品优惠": shop_disc, "跨店优惠": cross, "商品改价": 0, "积分抵扣": 0,
            "支付方式": "微信支付" if txn else "", "支付时间": wxt(pay_t), "交易单号": txn,
            "物流公司": carrier if any_ship else "", "快递单号": track if any_ship else "",
            "技术服务费": int(round(paid_amt * 0.01)) if paid else 0, "技术服务费（将以人气卡形式返还）": 0,
            "运费险预计投保费用": insur, "带货方式": mode, "带货账号类型": "视频号" if mode else "", "带货账号昵称": acct,
            "带货费用渠道": "达人" if daren else "", "带货费用类型": "佣金" if daren else "",
            "带货费用": int(round(paid_amt * 0.1)) if daren else 0, "带货佣金率": "10%" if daren else "", "礼物单号": "",
        }
        for it in items:
            pr = it["prod"]
            row = dict(order_cols)
            row.update({
                "商品名称": pr[1], "商品编码(平台)": "10000" + pr[4][-8:], "商品编码(自定义)": pr[0],
                "SKU编码(自定义)": f"{pr[0]}-{pr[2].index(it['spec']) + 1 if it['spec'] in pr[2] else 1}",
                "商品属性": f"规格:{it['spec']}", "商品价格(单件)": pr[3],
                "商品实际价格(单件)": int(round(it["amt"] / it["qty"])), "商品实际价格(总共)": it["amt"], "是否预售": "否",
                "商品数量": it["qty"], "商品平台券优惠": it["platc"], "商品平均运费": 0, "定制信息": "", "定制预览图": "",
                "商品发货": "已发货" if it["ship"] else "未发货", "商品售后": it["after"], "商品已退款金额": it["refund"],
                "_ct": ct,
            })
            rows.append(row)
        orders.append(dict(oid=oid, scen=scen, kind=kind, phone=b["phone"], mode=mode, amount=paid_amt,
                           refund=sum(it["refund"] for it in items), status=status, paid=paid))
    rows.sort(key=lambda x: x["_ct"], reverse=True)
    for x in rows:
        del x["_ct"]
    return rows, pd.DataFrame(orders)


def write_wx(rows):
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(WX_COLS)
    for x in rows:
        ws.append([yuan(x[c]) if c in WX_MONEY else x[c] for c in WX_COLS])
    for row in ws.iter_rows(min_row=2):
        for c in row:
            if WX_COLS[c.column - 1] in WX_MONEY:
                c.number_format = "0.00"
    wb.save(OUT / F_WX)


# ======================================================================================
# 淘宝 ExportOrderList (订单报表) + ExportOrderDetailList (宝贝报表)
# ======================================================================================
TBL_COLS = ["订单编号", "买家会员名", "买家支付宝账号", "买家应付货款", "买家应付邮费", "买家支付积分", "总金额", "返点积分",
            "买家实际支付金额", "买家实际支付积分", "订单状态", "买家留言", "收货人姓名", "收货地址", "运送方式", "联系电话", "联系手机",
            "订单创建时间", "订单付款时间", "宝贝标题", "宝贝种类", "物流单号", "物流公司", "订单备注", "宝贝总数量", "店铺Id", "店铺名称",
            "订单关闭原因", "卖家服务费", "买家服务费", "发票抬头", "是否手机订单", "分阶段订单信息", "特权订金订单id", "定金排名",
            "修改后的sku", "修改后的收货地址", "异常信息", "天猫卡券抵扣", "集分宝抵扣", "是否是O2O交易", "退款金额", "发货时间",
            "确认收货时间"]
TBD_COLS = ["子订单编号", "主订单编号", "商品标题", "商品价格", "购买数量", "外部系统编号", "商品属性", "套餐信息", "联系方式备注",
            "订单状态", "商家编码", "买家应付货款", "买家实付金额", "退款状态", "退款金额", "订单创建时间", "订单付款时间", "商品ID",
            "商家备注", "主订单买家留言", "发货时间", "物流单号", "物流公司"]
TBL_MONEY = {"买家应付货款", "买家应付邮费", "总金额", "买家实际支付金额", "卖家服务费", "退款金额"}
TBD_MONEY = {"商品价格", "买家应付货款", "买家实付金额", "退款金额"}
TB_WAIT_PAY, TB_WAIT_SHIP, TB_SHIPPED, TB_OK, TB_CLOSED = (
    "等待买家付款", "买家已付款，等待卖家发货", "卖家已发货，等待买家确认", "交易成功", "交易关闭")
TB_R_NONE, TB_R_OK, TB_R_CLOSED, TB_R_REFUSED = "没有申请退款", "退款成功", "退款关闭", "卖家拒绝退款"
TB_R_PENDING = ["买家已经申请退款，等待卖家同意", "卖家已经同意退款，等待买家退货", "买家已经退货，等待卖家确认收货"]
NICK_A = ["lucy", "momo", "echo", "vivi", "coco", "tata", "nana", "kiki", "amy", "yoyo", "lily", "mia", "summer", "sunny", "leaf"]
NICK_B = ["的小窝", "爱生活", "小院", "家居控", "_home", "不吃香菜", "在杭州", "要早睡", "种草机", "的日常"]


def tbt(x):
    return "" if x is None else x.strftime("%Y-%m-%d %H:%M:%S")


def gen_tb():
    r = np.random.default_rng([SEED, 3])
    buyers = make_buyers(r, 360, "**")
    nicks = set()
    for b in buyers:
        while True:
            nk = NICK_A[int(r.integers(len(NICK_A)))] + NICK_B[int(r.integers(len(NICK_B)))] + str(int(r.integers(1, 999)))
            if nk not in nicks:
                nicks.add(nk)
                b["nick"] = nk
                break
    bw = r.gamma(0.9, 1.0, len(buyers))
    bw /= bw.sum()
    used: set = set()
    lrows, drows, orders = [], [], []
    for i in range(500):
        if i < 5:
            ct = dt.datetime(2025, 11, 30, 20, 0) + dt.timedelta(seconds=int(r.integers(0, 13800)))
            kind = "awaiting"
        else:
            ct = sample_time(r)
            kind = pick(r, ["unpaid", "normal"], [0.08, 0.92])
        b = buyers[int(r.choice(len(buyers), p=bw))]
        tid = new_id(r, used, "4" + str(int(r.integers(1, 4))), 19)
        items = pick_items(r, int(pick(r, [1, 2, 3, 4], [0.55, 0.29, 0.12, 0.04])))
        goods = sum(it["gross"] for it in items)
        disc = 0
        if goods >= 19900 and r.random() < 0.5:
            disc = 2000
        elif goods >= 9900 and r.random() < 0.4:
            disc = 800
        for it, d_ in zip(items, alloc(disc, [it["gross"] for it in items])):
            it.update(amt=it["gross"] - d_)
        total = sum(it["amt"] for it in items)
        paid = kind == "normal"
        pay_t = ct + dt.timedelta(seconds=int(r.integers(10, 1200))) if paid else None
        ship_t = pay_t + dt.timedelta(hours=float(r.uniform(4, 72))) if paid else None
        shipped = paid and ship_t < ASOF_TB
        conf_t = ship_t + dt.timedelta(days=float(min(10.0, r.uniform(2.5, 12)))) if paid else None
        confirmed = paid and conf_t < ASOF_TB
        n = len(items)
        scen = kind if kind != "normal" else "none"
        if kind == "normal":
            if n >= 2:
                scen = pick(r, ["none", "full_before", "full_after", "part_before", "part_after_closed", "after_receipt",
                                "pending", "refused", "closed"], [0.60, 0.05, 0.03, 0.08, 0.05, 0.07, 0.045, 0.03, 0.045])
            else:
                scen = pick(r, ["none", "full_before", "full_after", "after_receipt", "pending", "refused", "closed"],
                            [0.76, 0.08, 0.045, 0.045, 0.035, 0.015, 0.02])
            if scen in ("full_after", "part_after_closed") and not (shipped and ship_t < ASOF_TB - D):
                scen = "none"
            if scen == "after_receipt" and not confirmed:
                scen = "none"
        keep_status = (TB_WAIT_SHIP if not shipped else (TB_OK if confirmed else TB_SHIPPED)) if paid else None
        for it in items:
            it.update(status=keep_status, rstat=TB_R_NONE, refund=0, ship=ship_t if shipped else None)
        if scen == "full_before":
            for it in items:
                it.update(status=TB_CLOSED, rstat=TB_R_OK, refund=it["amt"], ship=None)
        elif scen == "full_after":
            for it in items:
                it.update(status=TB_CLOSED, rstat=TB_R_OK, refund=it["amt"])
        elif scen == "part_before":
            k = 1 if n == 2 else int(r.integers(1, n))
            for j in sorted(int(x) for x in r.choice(n, size=k, replace=False)):
                items[j].update(status=TB_CLOSED, rstat=TB_R_OK, refund=items[j]["amt"], ship=None)
        elif scen == "part_after_closed":
            j = int(r.integers(n))
            items[j].update(status=TB_CLOSED, rstat=TB_R_OK, refund=items[j]["amt"])
        elif scen == "after_receipt":
            j = int(r.integers(n))
            if n >= 2:  # multi-item order: one item returned after receipt, refunded in full
                amt = items[j]["amt"]
            else:
                amt = max(500, int(round(items[j]["amt"] * float(r.uniform(0.2, 0.6)) / 100.0)) * 100)
            items[j].update(rstat=TB_R_OK, refund=amt)
        elif scen == "pending":
            j = int(r.integers(n))
            items[j].update(rstat=pick(r, TB_R_PENDING, [0.4, 0.3, 0.3]) if shipped else TB_R_PENDING[0])
        elif scen == "refused":
            j = int(r.integers(n))
            items[j].update(rstat=TB_R_REFUSED)
        elif scen == "closed":
            j = int(r.integers(n))
            items[j].update(rstat=TB_R_CLOSED)
        if not paid:
            ostatus = TB_WAIT_PAY if kind == "awaiting" else TB_CLOSED
            for it in items:
                it.update(status=ostatus)
        elif all(it["status"] == TB_CLOSED for it in items):
            ostatus = TB_CLOSED
        else:
            ostatus = keep_status
        refund = sum(it["refund"] for it in items)
        ship_any = [it["ship"] for it in items if it["ship"] is not None]
        o_ship = min(ship_any) if ship_any else None
        close_reason = "买家未付款" if kind == "unpaid" else ("退款" if (paid and ostatus == TB_CLOSED) else "订单未关闭")
        carrier = pick(r, ["圆通速递", "中通快递", "韵达快递"], [0.4, 0.35, 0.25])
        track = ("YT" if carrier == "圆通速递" else "7" if carrier == "中通快递" else "4") + "".join(
            str(int(x)) for x in r.integers(0, 10, 13))
        msg = "" if r.random() < 0.9 else pick(r, ["顺丰可以吗", "包装好一点，送人", "周末在家"], [1, 1, 1])
        lrows.append({
            "订单编号": tid, "买家会员名": b["nick"], "买家支付宝账号": "**", "买家应付货款": total, "买家应付邮费": 0,
            "买家支付积分": 0, "总金额": total, "返点积分": 0, "买家实际支付金额": (total - refund) if paid else 0,
            "买家实际支付积分": 0, "订单状态": ostatus, "买家留言": msg, "收货人姓名": b["name"],
            "收货地址": f"{b['prov']} {b['city']} {b['dist']} {b['street']} ****", "运送方式": "快递", "联系电话": "",
            "联系手机": b["phone"], "订单创建时间": tbt(ct), "订单付款时间": tbt(pay_t),
            "宝贝标题": "，".join(it["prod"][1] for it in items), "宝贝种类": n, "物流单号": track if ship_any else "",
            "物流公司": carrier if ship_any else "", "订单备注": "", "宝贝总数量": sum(it["qty"] for it in items),
            "店铺Id": "", "店铺名称": "栖木家居小铺", "订单关闭原因": close_reason, "卖家服务费": 0, "买家服务费": "0元",
            "发票抬头": "", "是否手机订单": "手机订单", "分阶段订单信息": "", "特权订金订单id": "", "定金排名": "",
            "修改后的sku": "", "修改后的收货地址": "", "异常信息": "", "天猫卡券抵扣": "", "集分宝抵扣": "", "是否是O2O交易": "",
            "退款金额": refund, "发货时间": tbt(o_ship), "确认收货时间": tbt(conf_t) if ostatus == TB_OK else "", "_ct": ct,
        })
        sub_ids = [tid] if n == 1 else [str(int(tid) + 1 + j) for j in range(n)]
        for j, it in enumerate(items):
            pr = it["prod"]
            drows.append({
                "子订单编号": sub_ids[j], "主订单编号": tid, "商品标题": pr[1], "商品价格": pr[3], "购买数量": it["qty"],
                "外部系统编号": "", "商品属性": f"颜色分类：{it['spec']}", "套餐信息": "", "联系方式备注": "",
                "订单状态": it["status"], "商家编码": pr[0], "买家应付货款": it["gross"], "买家实付金额": it["amt"],
                "退款状态": it["rstat"], "退款金额": it["refund"], "订单创建时间": tbt(ct), "订单付款时间": tbt(pay_t),
                "商品ID": "7" + pr[4][-11:], "商家备注": "", "主订单买家留言": msg, "发货时间": tbt(it["ship"]),
                "物流单号": track if it["ship"] else "", "物流公司": carrier if it["ship"] else "", "_ct": ct,
            })
        orders.append(dict(tid=tid, scen=scen, kind=kind, nick=b["nick"], total=total, refund=refund, paid=paid,
                           status=ostatus))
    lrows.sort(key=lambda x: x["_ct"], reverse=True)
    drows.sort(key=lambda x: x["子订单编号"])
    drows.sort(key=lambda x: x["_ct"], reverse=True)
    for x in lrows + drows:
        del x["_ct"]
    return lrows, drows, pd.DataFrame(orders)


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
# re-read the written files (file columns only) and compute every answer
# ======================================================================================
def cents(s: pd.Series) -> pd.Series:
    return (pd.to_numeric(s, errors="coerce").fillna(0) * 100).round().astype("int64")


def load_dy() -> pd.DataFrame:
    raw = pd.read_csv(OUT / F_DY, dtype=str, encoding="utf-8-sig", keep_default_na=False)
    assert list(raw.columns) == DY_COLS
    assert raw["主订单编号"].str.startswith("\t").all() and raw["子订单编号"].str.startswith("\t").all()
    df = raw.apply(lambda s: s.str.replace("\t", "", regex=False)).replace("-", np.nan)
    df["pay_c"] = cents(df["订单应付金额"])
    df["merch_c"] = cents(df["商家实际承担优惠金额"])
    df["pay_t"] = pd.to_datetime(df["支付完成时间"], format="%Y/%m/%d %H:%M:%S")
    df["ship_t"] = pd.to_datetime(df["发货时间"], format="%Y/%m/%d %H:%M:%S")
    return df


def load_wx() -> pd.DataFrame:
    df = pd.read_excel(OUT / F_WX, dtype=str)
    assert list(df.columns) == WX_COLS
    df["amt_c"] = cents(df["订单实际支付金额"])
    df["line_c"] = cents(df["商品实际价格(总共)"])
    df["ref_c"] = cents(df["商品已退款金额"])
    return df


def load_tbl() -> pd.DataFrame:
    df = pd.read_excel(OUT / F_TBL, dtype=str)
    assert list(df.columns) == TBL_COLS
    df["total_c"] = cents(df["总金额"])
    df["actual_c"] = cents(df["买家实际支付金额"])
    df["refund_c"] = cents(df["退款金额"])
    df["paid"] = df["订单付款时间"].notna()
    return df


def load_tbd() -> pd.DataFrame:
    df = pd.read_excel(OUT / F_TBD, dtype=str)
    assert list(df.columns) == TBD_COLS
    df["pay_c"] = cents(df["买家实付金额"])
    df["ref_c"] = cents(df["退款金额"])
    df["paid"] = df["订单付款时间"].notna()
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


def add(qid, category, lang, file, q, expected, definition, tolerance):
    Q.append(dict(id=qid, file=file, lang=lang, q=q, category=category, expected=expected, definition=definition,
                  tolerance=tolerance))


def m(c) -> float:
    return yuan(int(c))


def build_answers(dy_truth: pd.DataFrame, wx_truth: pd.DataFrame, tb_truth: pd.DataFrame):
    dy, wx, tl, td = load_dy(), load_wx(), load_tbl(), load_tbd()

    # ---------------- 抖店 ----------------
    dpaid = dy[dy["pay_t"].notna()]
    do = dpaid.groupby("主订单编号").agg(amt=("pay_c", "sum"), phone=("收件人手机号", "first"), src=("流量来源", "first"),
                                       tal=("达人昵称", lambda s: s.notna().any()), merch=("merch_c", "sum"),
                                       pay_t=("pay_t", "first"))
    real = dpaid[dpaid["pay_c"] > 0].copy()
    real["ref"] = real["售后状态"].eq(RS_DY_OK)
    check(dy.loc[dy["售后状态"].eq(RS_DY_OK), "pay_c"].gt(0).all(), "DY refund rows are real lines")
    g = real.groupby("主订单编号").agg(NT=("ref", "size"), NR=("ref", "sum"))
    dy_full = int((g.NR == g.NT).sum())
    dy_part = int(((g.NR > 0) & (g.NR < g.NT)).sum())
    ts_ = dy_truth
    check(dy_full == int(ts_.scen.isin(["full_before", "full_after"]).sum()), "DY full vs truth")
    check(dy_part == int(ts_.scen.isin(["part_before", "part_after_closed", "part_after_done"]).sum()), "DY partial vs truth")
    real["ref_closed"] = real["ref"] & real["订单状态"].eq("已关闭")
    g2 = real.groupby("主订单编号").agg(NT=("ref", "size"), NR=("ref_closed", "sum"))
    dy_part_closed_only = int(((g2.NR > 0) & (g2.NR < g2.NT)).sum())
    dy_any = int((g.NR > 0).sum())
    differs(dy_part, dy_part_closed_only, "DY partial closed-only")
    n_done_ref = int((real["ref"] & real["订单状态"].eq("已完成")).sum())
    check(n_done_ref > 0, "DY has 已完成+退款成功 lines")
    add("f9-01", "refund_lines", "zh", F_DY,
        "抖店这三个月，有没有那种一单买了好几样、只退了其中一部分商品、剩下的没退的？有几单？一单里所有商品全退掉的又有几单？",
        {"partial_item_orders": dy_part, "fully_refunded_orders": dy_full},
        f"按主订单编号分组，只看已支付（支付完成时间不为“-”）、订单应付金额>0的子订单（0元【赠品】行和0元【福袋】单不算商品）。"
        f"售后状态=“同意退款，退款成功”的子订单算退掉的商品，不管订单状态是已关闭还是已完成（确认收货后才退的子订单订单状态仍是已完成，"
        f"本文件有{n_done_ref}个这样的子订单）。部分商品退款=同一主订单里既有退掉的子订单、又有没退的子订单；全部退掉=所有这样的子订单都退款成功。"
        f"只把“已关闭+退款成功”当退掉会得到部分商品退款 {dy_part_closed_only} 单；把有退款行的订单都算整单退会得到 {dy_any} 单。",
        0)

    # f9-06
    refunded_items = int(real["ref"].sum())
    kept_orders = g.index[(g.NR > 0) & (g.NR < g.NT)]
    in_kept = int(real.loc[real["ref"] & real["主订单编号"].isin(kept_orders), "ref"].sum())
    closed_only_items = int(real["ref_closed"].sum())
    differs(refunded_items, closed_only_items, "DY items closed-only")
    add("f9-06", "refund_lines", "en", F_DY,
        "抖店 question: how many individual items (子订单) ended up refunded over Sep–Nov? And how many of those refunded "
        "items were in orders where the buyer still kept at least one other item?",
        {"refunded_sub_orders": refunded_items, "in_orders_with_kept_items": in_kept},
        f"Rows of the order export with 支付完成时间 ≠ '-' and 订单应付金额 > 0 (the ¥0 【赠品】 rows and ¥0 【福袋】 orders are not items). "
        f"A refunded item = a row with 售后状态 '同意退款，退款成功', whatever its 订单状态 (已关闭, or 已完成 when it was refunded after "
        f"receipt). in_orders_with_kept_items = refunded rows whose 主订单编号 also has a paid non-zero row that was not refunded "
        f"(its 售后状态 is '-', 售后关闭 or a pending status). Counting only 已关闭 refunded rows gives {closed_only_items}.",
        0)

    # f9-07 timing lines
    rr = real[real["ref"]]
    before_l = int(rr["ship_t"].isna().sum())
    after_l = int(rr["ship_t"].notna().sum())
    after_closed_only = int((rr["ship_t"].notna() & rr["订单状态"].eq("已关闭")).sum())
    differs(after_l, after_closed_only, "DY after closed-only")
    add("f9-07", "refund_timing", "zh", F_DY,
        "抖店退款成功的商品里，还没发货就退掉的有几个子订单？已经发了货才退的有几个？",
        {"before_shipping_sub_orders": before_l, "after_shipping_sub_orders": after_l},
        f"订单导出一行一个子订单。取售后状态=“同意退款，退款成功”的行（都已支付、订单应付金额>0）；该行发货时间为“-”→发货前退款，"
        f"有发货时间→发货后退款（含订单状态已关闭的发货后退货退款，以及订单状态仍为已完成、确认收货后才退的子订单）。"
        f"按行数，不按主订单去重。只数已关闭的行会把发货后少算成 {after_closed_only}。",
        0)

    # f9-12 share live coupon
    live = do[(do.src == "直播") & (do.amt > 0)]
    share_live = r4((live.merch > 0).mean())
    live_all = do[do.src == "直播"]
    share_live_bags = r4((live_all.merch > 0).mean())
    lr = real[real["流量来源"].eq("直播")]
    share_rows = r4((lr["merch_c"] > 0).mean())
    differs(share_live, share_live_bags, "DY live coupon incl bags")
    add("f9-12", "share_of_whole", "zh", F_DY,
        "直播间成交的订单里（0元福袋不算），用了店铺优惠券的大概占多少？",
        share_live,
        f"按主订单编号：支付完成时间不为“-”、流量来源=直播、各子订单订单应付金额合计>0的订单共 {len(live)} 单（达人直播和店铺自播都算）；"
        f"其中各子订单“商家实际承担优惠金额”合计>0（用了商家券/直播间专享券）的 {int((live.merch > 0).sum())} 单。比例={int((live.merch > 0).sum())}/{len(live)}，小数。"
        f"把0元福袋单（商家优惠=原价）也算进去会得到 {share_live_bags}；按子订单行算会得到 {share_rows}。",
        RATE)

    # f9-15 share refunded customers repeat
    paid_nz = do[do.amt > 0]
    n_per_phone = paid_nz.groupby("phone").size()
    ref_phones = sorted(set(rr["收件人手机号"]))
    rep = int((n_per_phone.reindex(ref_phones).fillna(0) >= 2).sum())
    share_rep = r4(rep / len(ref_phones))
    n_all_per_phone = do.groupby("phone").size()
    rep_incl_bag = int((n_all_per_phone.reindex(ref_phones).fillna(0) >= 2).sum())
    rows_per_phone = real.groupby("收件人手机号").size()
    rep_rows = int((rows_per_phone.reindex(ref_phones).fillna(0) >= 2).sum())
    differs(rep, rep_rows, "DY repeat by rows")
    add("f9-15", "share_of_whole", "en", F_DY,
        "Douyin: of the customers who got at least one refund, what share are repeat buyers, i.e. placed 2 or more paid orders with us?",
        share_rep,
        f"Customer = 收件人手机号 (masked, unique per buyer in this file; 收件人 names are masked and collide). Refunded customers = "
        f"phones with at least one row whose 售后状态 is '同意退款，退款成功': {len(ref_phones)}. Paid orders = distinct 主订单编号 with "
        f"支付完成时间 ≠ '-' and Σ订单应付金额 > 0 (refunded orders still count as paid; ¥0 福袋 orders do not). {rep} of the "
        f"{len(ref_phones)} have ≥2 such orders → {share_rep}. Counting ¥0 福袋 orders too gives {rep_incl_bag}/{len(ref_phones)}; "
        f"counting rows (sub-orders) instead of orders gives {rep_rows}/{len(ref_phones)}.",
        RATE)

    # f9-19 part of sum talent
    tot_dy = int(do.amt.sum())
    tal_dy = int(do[do.tal].amt.sum())
    all_rows = int(dy["pay_c"].sum())
    differs(tot_dy, all_rows, "DY total incl unpaid")
    add("f9-19", "part_of_sum", "zh", F_DY,
        "抖店这三个月付了款的销售额一共多少？退款先不扣。里面达人带货卖的有多少钱？",
        {"paid_sales": m(tot_dy), "talent_sales": m(tal_dy)},
        f"订单应付金额是每个子订单自己的金额，直接按行加总（不是整单重复）。paid_sales=支付完成时间不为“-”的所有行的订单应付金额之和"
        f"（后来退款的也算，未付款关闭的不算）；talent_sales=其中达人昵称/达人ID不为“-”的行（达人直播和达人短视频）。"
        f"把未付款的已关闭订单也加进去会得到 {m(all_rows)}。",
        MONEY)

    # f9-23 double 11 buyers
    d11 = paid_nz[(paid_nz.pay_t.dt.date >= D11_FROM) & (paid_nz.pay_t.dt.date <= D11_TO)]
    d11_buyers = sorted(set(d11.phone))
    d11_total_all = int(paid_nz[paid_nz.phone.isin(d11_buyers)].amt.sum())
    d11_only = int(d11.amt.sum())
    differs(d11_total_all, d11_only, "DY d11 only")
    add("f9-23", "money_of_counted", "en", F_DY,
        "How many different Douyin customers paid for an order during the Double 11 run (Nov 1–11)? And how much had those same "
        "people paid us over the whole Sep–Nov period? Gross, don't worry about refunds.",
        {"double11_customers": len(d11_buyers), "their_total_paid_sep_nov": m(d11_total_all)},
        f"Orders = 主订单编号 with 支付完成时间 ≠ '-' and Σ订单应付金额 > 0 (¥0 福袋 orders excluded). double11_customers = distinct "
        f"收件人手机号 with such an order paid 2025-11-01..2025-11-11. their_total_paid = Σ订单应付金额 over all such orders of those "
        f"customers from 2025-09-01 to 2025-11-30, later refunds not deducted. Their Double 11 orders alone sum to {m(d11_only)}.",
        MONEY)

    # f9-26 bags
    bags = do[do.amt == 0]
    check(len(bags) == int((ts_.scen == "bag").sum()), "DY bag count vs truth")
    rec = sorted(set(bags.phone))
    rec_spend = int(paid_nz[paid_nz.phone.isin(rec)].amt.sum())
    add("f9-26", "money_of_counted", "zh", F_DY,
        "直播间0元福袋一共送出去多少单？有多少人领到？这些领过福袋的人，付款下单一共花了多少钱（退款不用管）？",
        {"lucky_bag_orders": len(bags), "recipients": len(rec), "recipients_paid_total": m(rec_spend)},
        f"按主订单编号：支付完成时间不为“-”且各子订单订单应付金额合计=0的订单就是0元福袋单（均为【福袋】行，商家优惠=原价）。"
        f"付费订单里的【赠品】行订单应付金额也是0，但所在订单合计>0，不算。recipients=这些订单不同的收件人手机号。"
        f"recipients_paid_total=这些人所有已支付且合计>0的主订单的订单应付金额之和（9-11月全期，不扣退款，福袋本身是0元）。",
        MONEY)

    # f9-32 status
    wait_ret = int(dy["售后状态"].eq("待买家退货处理").sum())
    wait_recv = int(dy["售后状态"].eq("待商家收货").sum())
    awaiting = int(dpaid[dpaid["订单状态"].eq("备货中")]["主订单编号"].nunique())
    awaiting_rows = int(dpaid["订单状态"].eq("备货中").sum())
    differs(awaiting, awaiting_rows, "DY awaiting rows")
    add("f9-32", "status", "zh", F_DY,
        "抖店现在还有多少售后没走完？等买家寄回来的和等我们收货的各几个子订单？另外付了款还没发货（备货中）的还有几单？",
        {"waiting_buyer_return": wait_ret, "waiting_merchant_receipt": wait_recv, "paid_orders_awaiting_shipment": awaiting},
        f"售后状态按子订单行数：“待买家退货处理”{wait_ret}个、“待商家收货”{wait_recv}个（“售后关闭”是已结束的申请，“同意退款，退款成功”已退完，都不算）。"
        f"备货中按主订单编号去重：支付完成时间不为“-”且有子订单订单状态=备货中的订单；按行数会得到 {awaiting_rows}。",
        0)

    add("f9-34", "refuse", "zh", F_DY,
        "抖店那些确认收货以后又申请退款、退款成功的，一共退了多少钱？",
        "refuse",
        f"订单导出没有退款金额列：售后状态“同意退款，退款成功”只说明退款成功，不给金额。确认收货后才退的子订单（订单状态仍是已完成，"
        f"本文件 {n_done_ref} 个）可能是退货全额退，也可能是仅退款退一部分，订单应付金额只是该子订单的付款额，不是退款额。正确做法是说明"
        f"这个文件答不了金额（可以给出子订单数 {n_done_ref}），需要抖店的售后单导出（退款金额）才能算。",
        0)

    # no order has refunded items on both sides of shipping (抖店)
    side = rr.assign(before=rr["ship_t"].isna()).groupby("主订单编号")["before"].nunique()
    check(bool((side == 1).all()), "DY refunded lines one side of shipping")

    # ---------------- 视频号 ----------------
    wo = wx.groupby("订单号").agg(paid_amt=("amt_c", "first"), refund=("ref_c", "sum"), pay=("支付时间", "first"),
                                 status=("订单状态", "first"), mode=("带货方式", "first"), oship=("订单发货时间", "first"),
                                 phone=("收件人手机", "first"))
    check(wx.groupby("订单号")["amt_c"].nunique().eq(1).all(), "WX order amount repeated")
    wpaid = wo[wo.pay.notna()]
    wpart = wpaid[(wpaid.refund > 0) & (wpaid.refund < wpaid.paid_amt)]
    wl = wx[wx["订单号"].isin(wpart.index)]
    whole_line = wl[(wl.ref_c > 0) & (wl.ref_c == wl.line_c)]["订单号"].unique()
    part_line = wl[(wl.ref_c > 0) & (wl.ref_c < wl.line_c)]["订单号"].unique()
    check(len(set(whole_line) & set(part_line)) == 0, "WX partial kinds disjoint")
    n_whole, n_parta = len(whole_line), len(part_line)
    check(n_whole + n_parta == len(wpart), "WX partial split complete")
    check(n_whole == int(wx_truth.scen.isin(["part_before", "part_return"]).sum()), "WX whole-item vs truth")
    check(n_parta == int((wx_truth.scen == "part_amount").sum()), "WX part-amount vs truth")
    tk_orders = wx[wx["商品售后"].eq("退款完成")]["订单号"].nunique()
    add("f9-04", "refund_lines", "en", F_WX,
        "WeChat Channels shop: of the orders that were only partly refunded, how many had a whole item refunded, and how many just "
        "got part of an item's price back while keeping it?",
        {"whole_item_refunded_orders": n_whole, "part_of_item_price_orders": n_parta},
        f"One row per product line; 订单实际支付金额 repeats on every line of the order. Per 订单号 (支付时间 not blank): "
        f"refunded = Σ商品已退款金额 over its lines, paid = 订单实际支付金额 taken once. Partly refunded = 0 < refunded < paid "
        f"({len(wpart)} orders). whole_item = such an order with a line whose 商品已退款金额 equals its 商品实际价格(总共) (the item "
        f"was refunded in full, before shipping 退款完成 or as 退货退款完成); part_of_item_price = the refunded line got back less "
        f"than its 商品实际价格(总共) (仅退款 of part of the price, 商品售后 退款完成). No order is in both groups. Counting orders "
        f"with any 商品售后 '退款完成' line instead gives {tk_orders} (it mixes in full refunds).",
        0)

    wr = wx[wx.ref_c > 0]
    check(bool((wr.groupby("订单号")["商品发货"].nunique() == 1).all()), "WX refunded lines one side of shipping")
    check(bool(wx.loc[wx.ref_c > 0, "商品售后"].isin(["退款完成", "退货退款完成"]).all()), "WX refund words")
    # f9-09
    unship_ref = wx[(wx.ref_c > 0) & wx["商品发货"].eq("未发货")]
    shipped_orders = set(wx[wx["商品发货"].eq("已发货")]["订单号"])
    mixed = sorted(set(unship_ref["订单号"]) & shipped_orders)
    mixed_ref = int(wx[wx["订单号"].isin(mixed)].ref_c.sum())
    check(len(mixed) > 0, "WX mixed exists")
    add("f9-09", "refund_timing", "zh", F_WX,
        "视频号有没有那种一单几件、其中一件还没发货就退款了、其他的照样发走的？有几单？这几单一共退了多少钱？",
        {"orders": len(mixed), "refunded": m(mixed_ref)},
        f"看商品行：同一订单号里，有一行“商品已退款金额”>0且“商品发货”=未发货，同时另有一行“商品发货”=已发货。"
        f"这些订单的“订单发货时间”都有值，按订单发货时间判断会把它们算成发货后退款。refunded=这些订单所有行商品已退款金额之和。",
        MONEY)

    # f9-11 share of refund money before shipping
    tot_ref_wx = int(wx.ref_c.sum())
    bef_ref_wx = int(wx[wx["商品发货"].eq("未发货")].ref_c.sum())
    share_bef = r4(bef_ref_wx / tot_ref_wx)
    bef_order_level = int(wx[wx["订单发货时间"].isna()].ref_c.sum())
    share_bef_ol = r4(bef_order_level / tot_ref_wx)
    differs(share_bef, share_bef_ol, "WX share before order-level")
    add("f9-11", "refund_timing", "en", F_WX,
        "For the WeChat shop, what share of all the refund money went back on items that had never shipped?",
        share_bef,
        f"Σ商品已退款金额 over lines whose 商品发货 is 未发货 ({m(bef_ref_wx)}) ÷ Σ商品已退款金额 over all lines ({m(tot_ref_wx)}), as a "
        f"decimal. Decided per line: in some multi-item orders one line was refunded before shipping while the others shipped, so the "
        f"order's 订单发货时间 is filled. Using the order-level 订单发货时间 (blank = before) gives {share_bef_ol}. Pending, rejected and "
        f"withdrawn requests have 0.00 refunded.",
        RATE)

    # f9-13 share of ¥0 in paid orders
    n_paid_w = len(wpaid)
    n_zero = int((wpaid.paid_amt == 0).sum())
    share_zero = r4(n_zero / n_paid_w)
    prow = wx[wx["支付时间"].notna()]
    share_zero_rows = r4((prow.line_c == 0).mean())
    wp_nc = wpaid[wpaid.status != "已取消"]
    share_zero_nc = r4((wp_nc.paid_amt == 0).mean())
    differs(share_zero, share_zero_rows, "WX zero rows")
    differs(share_zero, share_zero_nc, "WX zero excl cancelled")
    add("f9-13", "share_of_whole", "en", F_WX,
        "Of all the paid WeChat orders, what share were the ¥0 福袋 giveaways?",
        share_zero,
        f"Per 订单号: paid = 支付时间 not blank ({n_paid_w} orders, including orders later cancelled after a full refund); ¥0 = "
        f"订单实际支付金额 0.00 ({n_zero}, all 【福袋】). Share = {n_zero}/{n_paid_w}. Unpaid and 待付款 orders show the amount due, "
        f"not 0, and are not paid. Counting rows (the ¥0 【赠品】 lines inside paid orders look like ¥0 rows) gives {share_zero_rows}; "
        f"dropping the paid-then-cancelled orders from the base gives {share_zero_nc}.",
        RATE)

    # f9-18 part of sum live
    tot_wx = int(wpaid.paid_amt.sum())
    live_wx = int(wpaid[wpaid["mode"] == "直播间"].paid_amt.sum())
    rows_sum = int(prow.amt_c.sum())
    differs(tot_wx, rows_sum, "WX rows sum")
    add("f9-18", "part_of_sum", "en", F_WX,
        "How much did the WeChat shop take in over Sep–Nov (paid orders, refunds not deducted), and how much of that came from "
        "live-room orders?",
        {"paid_sales": m(tot_wx), "live_room_sales": m(live_wx)},
        f"Per 订单号, 订单实际支付金额 taken once (it repeats on every product line), orders with 支付时间 not blank, including ones "
        f"later refunded/cancelled. live_room = 带货方式 '直播间'. Summing 订单实际支付金额 over rows gives {m(rows_sum)}.",
        MONEY)

    # f9-20 part of sum return refunds
    ret_wx = int(wx[wx["商品售后"].eq("退货退款完成")].ref_c.sum())
    add("f9-20", "part_of_sum", "zh", F_WX,
        "视频号这三个月一共退了多少钱？其中退货退款（东西寄回来了的）占多少钱？",
        {"total_refunded": m(tot_ref_wx), "return_and_refund": m(ret_wx)},
        f"total_refunded=所有商品行“商品已退款金额”之和（商家受理中/待买家退货/待商家收货/商家拒绝退款/用户取消申请的行都是0）。"
        f"return_and_refund=其中“商品售后”=退货退款完成的行；“退款完成”是仅退款（发货前退款或发货后只退部分钱）。",
        MONEY)

    # f9-24 awaiting shipment
    ws_ = wo[wo.status == "待发货"]
    ws_amt = int(ws_.paid_amt.sum())
    ws_rows = int(wx[wx["订单状态"].eq("待发货")].amt_c.sum())
    differs(ws_amt, ws_rows, "WX awaiting rows")
    add("f9-24", "money_of_counted", "en", F_WX,
        "How many WeChat orders are 待发货 right now (paid, not shipped yet)? How much are they worth?",
        {"orders": len(ws_), "amount": m(ws_amt)},
        f"Distinct 订单号 with 订单状态 待发货 (all paid). amount = 订单实际支付金额 once per order. Summing it over product rows gives "
        f"{m(ws_rows)}. 待付款 orders are not paid yet and are not included.",
        MONEY)

    # f9-28 net
    net_w = int((wpaid.paid_amt - wpaid.refund).sum())
    valid = wpaid[(wpaid.paid_amt > 0) & (wpaid.refund < wpaid.paid_amt)]
    aov_net = round(net_w / len(valid) / 100.0, 2)
    gross_aov = round(int(wpaid[wpaid.paid_amt > 0].paid_amt.sum()) / int((wpaid.paid_amt > 0).sum()) / 100.0, 2)
    add("f9-28", "net_values", "zh", F_WX,
        "视频号扣掉退款之后，实际卖了多少钱？按这个算客单价是多少？整单退光的和0元福袋单不算单数。",
        {"net_sales": m(net_w), "net_aov": aov_net},
        f"按订单号：支付时间非空的订单，订单实际支付金额（每单取一次）减去该单各行商品已退款金额之和，再求和=net_sales。"
        f"客单价=net_sales÷有效订单数，有效订单=支付时间非空、订单实际支付金额>0、且没有整单退光（已退款合计<实付）的订单，共 {len(valid)} 单。"
        f"不扣退款的客单价是 {gross_aov}。",
        MONEY)

    # f9-33 status
    canc = wo[wo.status == "已取消"]
    paid_canc = int(canc.pay.notna().sum())
    unpaid_canc = int(canc.pay.isna().sum())
    open_orders = int(wx[wx["商品售后"].isin(["商家受理中", "待买家退货", "待商家收货"])]["订单号"].nunique())
    check(paid_canc == int(wx_truth.scen.isin(["full_before", "full_after"]).sum()), "WX paid-cancel vs truth")
    add("f9-33", "status", "zh", F_WX,
        "视频号已取消的单子一共几单？里面多少是付了钱以后才取消的？另外还有几单的退款申请现在卡着没处理完？",
        {"cancelled_orders": len(canc), "paid_then_cancelled": paid_canc, "orders_with_open_refund_request": open_orders},
        f"按订单号去重。订单状态=已取消：支付时间为空→没付款就取消（{unpaid_canc}单）；支付时间非空→付款后全部商品退款、订单变为已取消。"
        f"未处理完的退款申请=有商品行“商品售后”为商家受理中/待买家退货/待商家收货的订单；商家拒绝退款、用户取消申请是已结束的，退款完成/退货退款完成已退完。",
        0)

    add("f9-36", "refuse", "en", F_WX,
        "On average, how many days did WeChat refunds take from the buyer asking to the money landing back with them?",
        "refuse",
        "The 订单列表 export has no after-sale application time, refund approval time or refund-arrival time: per line it only has "
        "商品售后 (a status word) and 商品已退款金额. 订单下单时间/支付时间/订单发货时间/订单确认收货时间 are order milestones, not refund "
        "times. The answer needs the 售后单 export; a correct assistant declines and says what is missing.",
        0)

    # ---------------- 淘宝 ----------------
    paid_l = tl[tl.paid]
    full_m = paid_l[(paid_l.refund_c == paid_l.total_c) & (paid_l.total_c > 0)]
    part_m = paid_l[(paid_l.refund_c > 0) & (paid_l.refund_c < paid_l.total_c)]
    tdp = td[td.paid]
    agg_d = tdp.groupby("主订单编号").agg(pay=("pay_c", "sum"), ref=("ref_c", "sum"))
    check(int(((agg_d.ref == agg_d.pay) & (agg_d.ref > 0)).sum()) == len(full_m), "TB full list vs detail")
    check(int(((agg_d.ref > 0) & (agg_d.ref < agg_d.pay)).sum()) == len(part_m), "TB partial list vs detail")
    check(len(full_m) == int(tb_truth.scen.isin(["full_before", "full_after"]).sum()), "TB full vs truth")
    closed_all = int((tl["订单状态"] == TB_CLOSED).sum())
    tb_any_line = int(tdp[tdp["退款状态"].eq(TB_R_OK)]["主订单编号"].nunique())
    differs(len(full_m), closed_all, "TB full vs all closed")
    add("f9-05", "refund_lines", "zh", F_TB_PAIR,
        "淘宝整单全退和部分退款各有多少单？整单全退是指一单里的东西全退了、钱全退回去了；部分退是只退了其中几件，或者只退了一部分钱。",
        {"full_refund_orders": len(full_m), "partial_refund_orders": len(part_m)},
        f"订单报表（ExportOrderList）按订单编号：订单付款时间非空，退款金额=总金额（>0）→整单全退；0<退款金额<总金额→部分退。"
        f"用宝贝报表按主订单编号汇总“退款金额”和“买家实付金额”结果相同。部分退包括多件里退掉其中几件（那几行订单状态=交易关闭），"
        f"也包括交易成功后单件只退部分钱（订单状态仍是交易成功）。直接数订单状态=交易关闭会得到 {closed_all} 单（含没付款关闭的）；"
        f"把有“退款成功”行的订单都算上是 {tb_any_line} 单。",
        0)

    # f9-02 detail orders with refunded + kept lines
    dd = tdp.copy()
    dd["ok"] = dd["退款状态"].eq(TB_R_OK)
    gd = dd.groupby("主订单编号").agg(n=("ok", "size"), k=("ok", "sum"), ref=("ref_c", "sum"))
    sel = gd[(gd.k > 0) & (gd.k < gd.n)]
    sel_ok = dd[dd["主订单编号"].isin(sel.index) & dd["ok"]]
    check(bool((sel_ok.ref_c == sel_ok.pay_c).all()), "TB refunded items in kept orders are refunded in full")
    by_amount = len(part_m)
    differs(len(sel), by_amount, "TB kept vs by amount")
    add("f9-02", "refund_lines", "en", F_TBD,
        "On Taobao, how many orders had some items refunded while the buyer kept the other items? And how much did we refund on "
        "those orders?",
        {"orders": len(sel), "refunded": m(int(sel.ref.sum()))},
        f"宝贝报表 (ExportOrderDetailList), one row per 子订单; paid rows only (订单付款时间 not blank). Per 主订单编号: at least one row "
        f"with 退款状态 '退款成功' and at least one row whose 退款状态 is not '退款成功' (没有申请退款, 退款关闭, 卖家拒绝退款 or a pending "
        f"request). In those orders every refunded item got its whole 买家实付金额 back. refunded = Σ退款金额 of those orders. Partly refunded by amount (0 < Σ退款金额 < Σ买家实付金额) is {by_amount} orders: "
        f"that also counts single-item orders where part of the price was refunded after receipt.",
        MONEY)

    # f9-03 after receipt lines
    ar = tdp[tdp["订单状态"].eq(TB_OK) & tdp["退款状态"].eq(TB_R_OK)]
    check(len(ar) == int((tb_truth.scen == "after_receipt").sum()), "TB after receipt vs truth")
    closed_ref = int(tdp[tdp["订单状态"].eq(TB_CLOSED)].ref_c.sum())
    add("f9-03", "refund_lines", "zh", F_TBD,
        "淘宝有没有确认收货以后才退款的？就是订单状态还是交易成功、但退款状态是退款成功的那种。有几个商品、几单、一共退了多少钱？",
        {"lines": len(ar), "orders": int(ar["主订单编号"].nunique()), "refunded": m(int(ar.ref_c.sum()))},
        f"宝贝报表一行一个子订单：订单状态=交易成功且退款状态=退款成功的行。lines=行数，orders=主订单编号去重，refunded=这些行“退款金额”之和"
        f"（有的是退货全额退，有的是只退部分钱）。只按订单状态=交易关闭找退款会漏掉这些；交易关闭行的退款合计是 {m(closed_ref)}。",
        MONEY)

    # f9-08 timing by money
    okl = tdp[tdp["退款状态"].eq(TB_R_OK)]
    bef = int(okl[okl["发货时间"].isna()].ref_c.sum())
    aft = int(okl[okl["发货时间"].notna()].ref_c.sum())
    shipped_o = set(tdp[tdp["发货时间"].notna()]["主订单编号"])
    bef_ol = int(okl[~okl["主订单编号"].isin(shipped_o)].ref_c.sum())
    differs(bef, bef_ol, "TB before order-level")
    add("f9-08", "refund_timing", "en", F_TBD,
        "Taobao refunds before vs after shipping: how much money in each bucket? Go by each item's own ship time, not the order's.",
        {"refunded_before_shipping": m(bef), "refunded_after_shipping": m(aft)},
        f"宝贝报表 rows with 退款状态 '退款成功': 发货时间 blank → refunded before that item shipped; 发货时间 filled → after (returns "
        f"while in transit and refunds after receipt). Σ退款金额 per group. Some orders had one item refunded before shipping while "
        f"the rest shipped; an order-level rule (order counts as shipped once any of its items shipped, like the 发货时间 in "
        f"ExportOrderList) gives only {m(bef_ol)} before shipping.",
        MONEY)

    # f9-10 list timing
    cp = paid_l[paid_l["订单状态"].eq(TB_CLOSED)]
    cp_before = int(cp["发货时间"].isna().sum())
    cp_after = int(cp["发货时间"].notna().sum())
    add("f9-10", "refund_timing", "en", F_TBL,
        "Just from the Taobao order report: of the orders that got closed after they'd been paid, how many closed before anything "
        "shipped and how many after shipping?",
        {"closed_before_shipping": cp_before, "closed_after_shipping": cp_after},
        f"ExportOrderList, one row per order. 订单状态 交易关闭 with 订单付款时间 filled (订单关闭原因 退款) = paid then closed after a full "
        f"refund: {len(cp)}. 发货时间 blank → closed before shipping, filled → after. 交易关闭 without 订单付款时间 (订单关闭原因 买家未付款) "
        f"were never paid and are not counted.",
        0)

    check(set(full_m["订单编号"]) == set(cp["订单编号"]), "TB full refunds == paid-then-closed")
    tr = tdp[tdp.ref_c > 0]
    check(bool((tr.groupby("主订单编号")["发货时间"].apply(lambda s: s.isna().nunique()) == 1).all()),
          "TB refunded lines one side of shipping")
    # f9-14 share full among refunded
    share_full = r4(len(full_m) / (len(full_m) + len(part_m)))
    share_full_wrong = r4(len(cp) / int((paid_l.refund_c > 0).sum()))
    add("f9-14", "share_of_whole", "en", F_TBL,
        "Of the Taobao orders where we gave any money back, what fraction were full refunds?",
        share_full,
        f"ExportOrderList, paid orders (订单付款时间 filled) with 退款金额 > 0: {len(full_m) + len(part_m)}. Full = 退款金额 equals 总金额: "
        f"{len(full_m)}. Share = {len(full_m)}/{len(full_m) + len(part_m)} as a decimal. In this file every full refund is also 交易关闭 "
        f"(so the status-based count agrees: {share_full_wrong}); partial refunds stay 交易成功 / 卖家已发货 / 买家已付款.",
        RATE)

    # f9-16 share of buyers with refund
    bl = paid_l.groupby("买家会员名").agg(anyref=("refund_c", lambda s: bool((s > 0).any())))
    share_buyers = r4(bl.anyref.mean())
    share_orders = r4((paid_l.refund_c > 0).mean())
    differs(share_buyers, share_orders, "TB buyer vs order share")
    add("f9-16", "share_of_whole", "zh", F_TBL,
        "淘宝付过款的买家里，有退过款的人占多少？",
        share_buyers,
        f"订单报表按买家会员名（每人唯一；收货人姓名打码会重名）。付过款的买家=有订单付款时间非空订单的买家，共 {len(bl)} 人；"
        f"其中至少一单退款金额>0（整单或部分）的 {int(bl.anyref.sum())} 人。比例取小数。按订单算（有退款的已付款订单÷已付款订单）是 {share_orders}。",
        RATE)

    # f9-17 part of sum
    tot_ref = int(paid_l.refund_c.sum())
    full_ref = int(full_m.refund_c.sum())
    part_ref = int(part_m.refund_c.sum())
    wrong_gap = int((tl.total_c - tl.actual_c).sum())
    differs(tot_ref, wrong_gap, "TB total-actual incl unpaid")
    add("f9-17", "part_of_sum", "zh", F_TBL,
        "淘宝这三个月一共退了多少钱？其中整单退的多少、部分退的多少？",
        {"total_refunded": m(tot_ref), "full_refund_orders_part": m(full_ref), "partial_refund_orders_part": m(part_ref)},
        f"订单报表“退款金额”列求和（只有已付款订单有退款）。按订单：退款金额=总金额为整单退，0<退款金额<总金额为部分退，两部分相加=总额。"
        f"用“总金额−买家实际支付金额”来算会得到 {m(wrong_gap)}：未付款订单的买家实际支付金额是0，会被当成退款。",
        MONEY)

    # f9-22 money of counted
    cp_amt = int(cp.total_c.sum())
    cp_actual = int(cp.actual_c.sum())
    check(cp_actual == 0, "TB closed actual zero")
    add("f9-22", "money_of_counted", "zh", F_TBL,
        "淘宝有几单是付了款、后来又交易关闭的？金额呢？",
        {"orders": len(cp), "amount": m(cp_amt)},
        f"订单报表：订单状态=交易关闭且订单付款时间非空（订单关闭原因=退款，全额退款后关闭）。amount=这些订单的总金额之和（=退款金额之和）。"
        f"它们的“买家实际支付金额”已经扣掉退款，都是0，用这一列会得到0。交易关闭但没有付款时间的是未付款关闭，共 {closed_all - len(cp)} 单，不算。",
        MONEY)

    # f9-27 net aov
    val = paid_l[paid_l.refund_c < paid_l.total_c]
    aov = round(int(val.actual_c.sum()) / len(val) / 100.0, 2)
    aov_gross = round(int(val.total_c.sum()) / len(val) / 100.0, 2)
    aov_allpaid = round(int(paid_l.actual_c.sum()) / len(paid_l) / 100.0, 2)
    add("f9-27", "net_values", "en", F_TBL,
        "What's our Taobao AOV net of refunds? Paid orders only, leave out the ones refunded in full, and use what the buyer kept "
        "after any partial refund.",
        aov,
        f"ExportOrderList: orders with 订单付款时间 filled and 退款金额 < 总金额 ({len(val)}). In this export 买家实际支付金额 is already "
        f"总金额 − 退款金额 for paid orders, so AOV = Σ买家实际支付金额 ÷ {len(val)}. Using 总金额 gives {aov_gross}; keeping the "
        f"fully refunded orders in the count gives {aov_allpaid}.",
        MONEY)

    # f9-31 status
    st = tl["订单状态"]
    add("f9-31", "status", "en", F_TBL,
        "Taobao order status rundown please: how many were never paid and got closed, how many were paid and then closed, how many "
        "are still waiting for payment, and how many paid ones are still waiting to be shipped?",
        {"unpaid_closed": int((st.eq(TB_CLOSED) & ~tl.paid).sum()), "paid_then_closed": len(cp),
         "awaiting_payment": int(st.eq(TB_WAIT_PAY).sum()), "awaiting_shipment": int(st.eq(TB_WAIT_SHIP).sum())},
        "ExportOrderList, one row per order. unpaid_closed = 交易关闭 with blank 订单付款时间 (订单关闭原因 买家未付款); paid_then_closed = "
        "交易关闭 with 订单付款时间 (订单关闭原因 退款); awaiting_payment = 等待买家付款 (created on the evening of 11-30, export taken "
        "2025-12-01 09:05); awaiting_shipment = 买家已付款，等待卖家发货 (orders where only some items were refunded before shipping "
        "keep this status while the rest wait to ship).",
        0)

    # f9-21 detail part of sum: d11
    tot_ref_d = int(tdp.ref_c.sum())
    check(tot_ref_d == tot_ref, "TB detail total refund == list")
    pd_ = pd.to_datetime(tdp["订单付款时间"])
    d11_ref = int(tdp[(pd_.dt.date >= D11_FROM) & (pd_.dt.date <= D11_TO)].ref_c.sum())
    add("f9-21", "part_of_sum", "en", F_TBD,
        "Total refunded on Taobao items over the three months — and how much of that was on orders paid during 双11 "
        "(Nov 1–11)?",
        {"total_refunded": m(tot_ref_d), "on_double11_orders": m(d11_ref)},
        "宝贝报表: Σ退款金额 over all rows (only 退款成功 rows carry an amount; pending, 退款关闭 and 卖家拒绝退款 rows are 0.00). "
        "on_double11_orders = the rows whose 订单付款时间 falls on 2025-11-01..2025-11-11, whenever the refund happened. The order "
        "report's 退款金额 column gives the same total.",
        MONEY)

    # f9-30 net by month (detail)
    tdp2 = tdp.assign(mon=pd.to_datetime(tdp["订单付款时间"]).dt.month, net=tdp.pay_c - tdp.ref_c)
    bym = tdp2.groupby("mon").net.sum()
    unp = td[~td.paid]
    nov_incl_unpaid = int(bym.get(11, 0) + unp[pd.to_datetime(unp["订单创建时间"]).dt.month == 11].pay_c.sum())
    differs(int(bym.get(11, 0)), nov_incl_unpaid, "TB nov incl unpaid")
    add("f9-30", "net_values", "en", F_TBD,
        "Using the Taobao item report: net sales by month for September, October and November, i.e. what buyers paid minus what we "
        "refunded? Bucket by payment date.",
        {"2025-09": m(int(bym.get(9, 0))), "2025-10": m(int(bym.get(10, 0))), "2025-11": m(int(bym.get(11, 0)))},
        f"宝贝报表 rows with 订单付款时间 filled; net per row = 买家实付金额 − 退款金额; summed by the month of 订单付款时间. Unpaid rows "
        f"(等待买家付款 / 交易关闭 without a payment time) still show the amount due in 买家实付金额 and must be left out: including "
        f"them would make November {m(nov_incl_unpaid)}.",
        MONEY)

    # f9-25 pair: buyers who refunded shipped items
    ship_ref_tids = set(okl[okl["发货时间"].notna()]["主订单编号"])
    nick_of = dict(zip(tl["订单编号"], tl["买家会员名"]))
    check(set(td["主订单编号"]) == set(tl["订单编号"]), "TB ids join")
    bset = sorted({nick_of[t] for t in ship_ref_tids})
    their = paid_l[paid_l["买家会员名"].isin(bset)]
    paid_total = int(their.total_c.sum())
    net_total = int(their.actual_c.sum())
    differs(paid_total, net_total, "TB gross vs net")
    add("f9-25", "money_of_counted", "zh", F_TB_PAIR,
        "淘宝有多少个买家是在商品已经发货以后才拿到退款的？这些买家这三个月一共付了多少钱（按付款金额算，不扣退款）？",
        {"buyers": len(bset), "their_total_paid": m(paid_total)},
        f"宝贝报表：退款状态=退款成功且该行发货时间非空的子订单（在途退货退款、确认收货后退货或只退部分钱都算），取其主订单编号，用订单报表的订单编号关联到"
        f"买家会员名，去重={len(bset)}人。their_total_paid=这些买家在订单报表里所有订单付款时间非空的订单“总金额”之和（含后来退款的）。"
        f"用“买家实际支付金额”（已扣退款）会得到 {m(net_total)}。",
        MONEY)

    # f9-29 pair: mug buyers net per buyer
    mug = tdp[tdp["商家编码"].eq(MUG_CODE)].copy()
    mug["nick"] = mug["主订单编号"].map(nick_of)
    nb = mug["nick"].nunique()
    mug_net = int((mug.pay_c - mug.ref_c).sum())
    per_buyer = round(mug_net / nb / 100.0, 2)
    per_buyer_gross = round(int(mug.pay_c.sum()) / nb / 100.0, 2)
    per_order = round(mug_net / mug["主订单编号"].nunique() / 100.0, 2)
    add("f9-29", "net_values", "zh", F_TB_PAIR,
        "淘宝买过那款陶瓷马克杯的人，平均每人在马克杯上实际花了多少钱？退款要扣掉。",
        per_buyer,
        f"宝贝报表里商品标题为“栖木 哑光陶瓷马克杯 350ml”（商家编码 QM-MUG01）、订单付款时间非空的行；实际花费=买家实付金额−退款金额；"
        f"买家用订单报表的买家会员名（主订单编号=订单编号关联），共 {nb} 人（马克杯后来退掉的人也算在内）。平均={m(mug_net)}÷{nb}。"
        f"不扣退款是 {per_buyer_gross}；按订单平均是 {per_order}。",
        MONEY)

    add("f9-35", "refuse", "en", F_TB_PAIR,
        "Break down the Taobao refunds by reason — how much money went back for each refund reason?",
        "refuse",
        "Neither ExportOrderList nor ExportOrderDetailList has a refund-reason column: they give 退款金额 and, per item, 退款状态 "
        "(退款成功 / 退款关闭 / pending words), and 订单关闭原因 only says 买家未付款 / 退款 / 订单未关闭. Refund reasons are in the 退款 "
        "(售后) export. A correct assistant declines, may give the total refunded, and says which export is needed.",
        0)

    return dict(dy=dy, wx=wx, tl=tl, td=td)


# ======================================================================================
# answers.yaml emitter
# ======================================================================================
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
        t = q["tolerance"]
        if isinstance(t, dict):
            out.append("    tolerance:")
            for k, v in t.items():
                out.append(f"      {k}: {js(v)}")
        else:
            out.append(f"    tolerance: {js(t)}")
    return "\n".join(out) + "\n"


def main():
    dy_rows, dy_truth = gen_dy()
    write_dy(dy_rows)
    wx_rows, wx_truth = gen_wx()
    write_wx(wx_rows)
    tl_rows, td_rows, tb_truth = gen_tb()
    write_xlsx(OUT / F_TBL, "ExportOrderList202512010905", TBL_COLS, tl_rows, TBL_MONEY)
    write_xlsx(OUT / F_TBD, "ExportOrderDetailList2025120109", TBD_COLS, td_rows, TBD_MONEY)

    build_answers(dy_truth, wx_truth, tb_truth)
    order = {q["id"]: q for q in Q}
    qs = [order[f"f9-{i:02d}"] for i in range(1, 37)]
    check(len(qs) == 36 and len(Q) == 36, "36 questions")
    langs = pd.Series([q["lang"] for q in qs]).value_counts().to_dict()
    cats = pd.Series([q["category"] for q in qs]).value_counts().to_dict()
    check(langs.get("zh") == 18 and langs.get("en") == 18, f"language split {langs}")
    check(sum(1 for q in qs if q["expected"] == "refuse") == 3, "3 refusals")
    meta = {"shop": "栖木家居 QIMU HOME (fictional homeware brand) on 抖音, 视频号 and 淘宝",
            "period": "2025-09-01..2025-11-30",
            "generator": f"make_files.py (seed {SEED})"}
    (OUT / "answers.yaml").write_text(to_yaml(meta, qs), encoding="utf-8")

    # summary of the written files
    dy = load_dy()
    wx = load_wx()
    tl = load_tbl()
    td = load_tbd()
    print(f"{F_DY}: {len(dy)} rows, {dy['主订单编号'].nunique()} orders, {dy['收件人手机号'].nunique()} buyers")
    print(f"{F_WX}: {len(wx)} rows, {wx['订单号'].nunique()} orders, {wx['收件人手机'].nunique()} buyers")
    print(f"{F_TBL}: {len(tl)} orders, {tl['买家会员名'].nunique()} buyers")
    print(f"{F_TBD}: {len(td)} rows")
    print(f"answers.yaml: {len(qs)} questions {langs} {cats}")
    print(f"verify: all checks passed ({CHECKS[0]} checks)")


if __name__ == "__main__":
    main()
