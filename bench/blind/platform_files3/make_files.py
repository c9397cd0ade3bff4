#!/usr/bin/env python3
"""Blind test set 3: shop export files for 暖屿羊绒 (fictional), 2025-10-01 .. 2025-11-30.

Deterministic (seed 20251130). Builds the shop's ground truth with pandas, writes six export
files in the layouts sellers download, computes every expected answer from the ground-truth
tables (never from the written files), writes answers.yaml, then re-reads each written file
with pandas and asserts a sample of the answers.

Run:  uv run python bench/blind/platform_files3/make_files.py
      (any python with pandas, numpy, openpyxl, pyyaml; the system python3 here has no pandas)
"""
from __future__ import annotations

import csv
import hashlib
import io
import random
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from openpyxl import Workbook

SEED = 20251130
OUT = Path(__file__).resolve().parent
R = random.Random(SEED)
NP = np.random.default_rng(SEED)

P_START = pd.Timestamp("2025-10-01 00:00:00")
P_END = pd.Timestamp("2025-11-30 23:59:59")
EXPORT_T = pd.Timestamp("2025-11-30 23:58:00")  # 抖店 / 拼多多 exports were pulled late on 11-30
DAYS = pd.date_range("2025-10-01", "2025-11-30", freq="D")

F_DD = "抖店订单导出_20251001-20251130.xlsx"
F_LP = "罗盘_直播间列表_20251001-20251130.xlsx"
F_PDD = "拼多多_订单查询导出_20251001-20251130.csv"
F_TG = "拼多多_推广数据_20251001-20251130_Excel另存.csv"
F_YZ = "有赞_客户列表导出_20251201.xlsx"
F_SY = "【生意参谋平台】商品_全部_2025-11-01_2025-11-30.xlsx"

# --------------------------------------------------------------------------------------
# shared helpers
# --------------------------------------------------------------------------------------
SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红梅琳雪婷慧颖欣怡佳晨宇浩然子轩梓涵思雨")

# (province, weight, [(city, [districts])])  -- winter cashmere: the north buys more
GEO = [
    ("黑龙江省", 9, [("哈尔滨市", ["南岗区", "道里区", "香坊区"]), ("大庆市", ["萨尔图区"])]),
    ("吉林省", 6, [("长春市", ["朝阳区", "南关区"]), ("吉林市", ["船营区"])]),
    ("辽宁省", 9, [("沈阳市", ["和平区", "浑南区", "皇姑区"]), ("大连市", ["沙河口区", "甘井子区"])]),
    ("北京市", 9, [("北京市", ["朝阳区", "海淀区", "丰台区", "通州区"])]),
    ("河北省", 7, [("石家庄市", ["长安区", "裕华区"]), ("保定市", ["竞秀区"])]),
    ("山东省", 8, [("济南市", ["历下区", "槐荫区"]), ("青岛市", ["市南区", "黄岛区"])]),
    ("内蒙古自治区", 4, [("呼和浩特市", ["赛罕区", "新城区"]), ("包头市", ["昆都仑区"])]),
    ("江苏省", 7, [("南京市", ["鼓楼区", "江宁区"]), ("苏州市", ["姑苏区", "吴中区"])]),
    ("浙江省", 7, [("杭州市", ["西湖区", "余杭区", "拱墅区"]), ("宁波市", ["鄞州区"])]),
    ("上海市", 6, [("上海市", ["浦东新区", "闵行区", "徐汇区"])]),
    ("广东省", 5, [("广州市", ["天河区", "海珠区"]), ("深圳市", ["南山区", "福田区"])]),
    ("河南省", 5, [("郑州市", ["金水区", "二七区"])]),
    ("湖北省", 4, [("武汉市", ["武昌区", "江汉区"])]),
    ("四川省", 4, [("成都市", ["武侯区", "锦江区"])]),
    ("陕西省", 4, [("西安市", ["雁塔区", "未央区"])]),
    ("新疆维吾尔自治区", 2, [("乌鲁木齐市", ["天山区"])]),
]
STREETS = ["人民路", "建设路", "中山路", "解放路", "长江路", "和平街", "文化路", "新华路", "幸福路", "青年路", "学府路", "黄河路"]
TOWNS = ["南湖街道", "新华街道", "中山街道", "城关街道", "和平街道", "东风街道", "建设街道", "湖滨街道", "长安街道", "站前街道", "丰收街道", "文昌街道"]
PHONE_PREFIX = ["130", "131", "132", "135", "136", "137", "138", "139", "150", "151", "152", "155", "156", "157", "158", "159", "176", "177", "180", "181", "186", "187", "188", "189", "199"]


def masked_name(r: random.Random) -> str:
    return r.choice(SURNAMES) + ("*" if r.random() < 0.35 else "**")


def full_name(r: random.Random) -> str:
    return r.choice(SURNAMES) + "".join(r.choice(GIVEN) for _ in range(r.choice([1, 2, 2])))


def new_phone_mask(r: random.Random, used: set) -> str:
    while True:
        p = f"{r.choice(PHONE_PREFIX)}****{r.randint(0, 9999):04d}"
        if p not in used:
            used.add(p)
            return p


def pick_geo(r: random.Random):
    prov = r.choices(GEO, weights=[g[1] for g in GEO])[0]
    city, dists = r.choice(prov[2])
    return prov[0], city, r.choice(dists)


def ts(x: pd.Timestamp) -> str:
    return x.strftime("%Y-%m-%d %H:%M:%S")


def slash_ts(x: pd.Timestamp) -> str:
    return x.strftime("%Y/%m/%d %H:%M:%S")


def rnd_between(r: random.Random, a: pd.Timestamp, b: pd.Timestamp) -> pd.Timestamp:
    span = int((b - a).total_seconds())
    return a + pd.Timedelta(seconds=r.randint(0, max(span, 0)))


def money(x) -> float:
    return float(round(float(x) + 1e-9, 2))


def digits(r: random.Random, n: int, first: str = "") -> str:
    s = first
    while len(s) < n:
        s += str(r.randint(0 if s else 1, 9))
    return s


def write_xlsx(path: Path, rows: list[list], sheet: str = "Sheet1", text_cols: set | None = None):
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    if text_cols:
        for col in ws.iter_cols(min_row=2):
            for cell in col:
                if cell.column in text_cols and isinstance(cell.value, str):
                    cell.number_format = "@"
    wb.properties.creator = "export"
    wb.save(path)


# ======================================================================================
# 1. 抖音: hosts, live sessions (罗盘) and orders (抖店)
# ======================================================================================
HOSTS = {
    "H1": dict(nick="暖屿羊绒官方旗舰店", dyid="NY88cashmere", aid="4127730915623418", own=True),
    "H2": dict(nick="暖屿羊绒工厂店", dyid="NY66factory", aid="3958821147720365", own=True),
    "H3": dict(nick="穿搭师Lily", dyid="lily_chuanda", aid="2740918836612057", own=False),
    "H4": dict(nick="东北大花姐", dyid="dahuajie1988", aid="1836620499831742", own=False),
}
DY_PRODUCTS = [
    # key, 商品ID, 选购商品, specs, 单价, 商家编码, live weight
    ("P1", "3712450981237765421", "暖屿 100%山羊绒围巾 180cm", ["燕麦色", "驼色", "雾霾蓝", "酒红"], 299.00, "NY-WJ180", 0.22),
    ("P2", "3712450981237765908", "暖屿 羊绒高领毛衣 女款", ["米白 S", "米白 M", "黑色 M", "燕麦 L"], 599.00, "NY-GL01", 0.17),
    ("P3", "3712450981239981034", "暖屿 双面羊绒大衣 中长款", ["驼色 M", "驼色 L", "黑色 M"], 1899.00, "NY-DY09", 0.07),
    ("P4", "3712450981240017752", "暖屿 羊毛针织开衫", ["奶白 均码", "灰色 均码"], 399.00, "NY-KS03", 0.14),
    ("P5", "3712450981240233119", "暖屿 羊绒袜 3双装", ["女款 混色", "男款 深色"], 89.90, "NY-WZ3", 0.18),
    ("P6", "3712450981240561287", "暖屿 羊绒针织帽", ["燕麦", "黑色", "红色"], 159.00, "NY-MZ02", 0.08),
    ("P7", "3712450981240561942", "暖屿 羊绒手套 触屏款", ["驼色", "黑色"], 129.00, "NY-ST05", 0.08),
    ("P8", "3712450981240777310", "暖屿 羊绒洗护套装（洗剂+去球梳）", ["套装"], 69.90, "NY-XH01", 0.06),
]
FUDAI = ("P0", "3712450981241000027", "【福袋】暖屿羊绒袜 单双装 0元领", ["均码"], 0.00, "NY-FD00", 0)
DYP = {p[0]: p for p in DY_PRODUCTS + [FUDAI]}


def build_sessions(r: random.Random) -> pd.DataFrame:
    rows = []
    d11 = lambda d: pd.Timestamp("2025-11-01") <= d <= pd.Timestamp("2025-11-11")
    for d in DAYS:
        # H1: the official shop account, evening 店播
        if d == pd.Timestamp("2025-10-31"):
            rows.append(dict(host="H1", start=pd.Timestamp("2025-10-31 21:30:05"), end=pd.Timestamp("2025-11-01 01:05:40"), test=False))
        elif r.random() < (0.9 if d11(d) else 0.5) or d == pd.Timestamp("2025-11-30") or d == pd.Timestamp("2025-11-10"):
            st = d + pd.Timedelta(hours=19, minutes=r.randint(0, 20), seconds=r.randint(0, 59))
            rows.append(dict(host="H1", start=st, end=st + pd.Timedelta(minutes=r.randint(150, 230), seconds=r.randint(0, 59)), test=False))
        if d == pd.Timestamp("2025-10-08"):
            rows.append(dict(host="H1", start=pd.Timestamp("2025-10-08 15:02:11"), end=pd.Timestamp("2025-10-08 15:05:20"), test=True))
        # H2: factory account, afternoons
        if r.random() < 0.25:
            st = d + pd.Timedelta(hours=13, minutes=30 + r.randint(0, 15), seconds=r.randint(0, 59))
            rows.append(dict(host="H2", start=st, end=st + pd.Timedelta(minutes=r.randint(120, 190), seconds=r.randint(0, 59)), test=False))
    for ds in ["2025-10-05", "2025-10-12", "2025-10-19", "2025-10-26", "2025-11-02", "2025-11-06", "2025-11-09", "2025-11-16", "2025-11-23"]:
        st = pd.Timestamp(ds) + pd.Timedelta(hours=20, minutes=r.randint(0, 10), seconds=r.randint(0, 59))
        rows.append(dict(host="H3", start=st, end=st + pd.Timedelta(minutes=r.randint(150, 200), seconds=r.randint(0, 59)), test=False))
    for ds in ["2025-10-15", "2025-10-28", "2025-11-08", "2025-11-22"]:
        st = pd.Timestamp(ds) + pd.Timedelta(hours=19, minutes=30 + r.randint(0, 5), seconds=r.randint(0, 59))
        rows.append(dict(host="H4", start=st, end=st + pd.Timedelta(minutes=r.randint(200, 250), seconds=r.randint(0, 59)), test=False))
    # 双11 eve special: crosses midnight into 11-11
    rows.append(dict(host="H4", start=pd.Timestamp("2025-11-10 20:00:18"), end=pd.Timestamp("2025-11-11 01:32:47"), test=False))
    s = pd.DataFrame(rows).sort_values(["start", "host"]).reset_index(drop=True)
    s["sid"] = [f"S{i:03d}" for i in range(len(s))]
    return s


def dy_buyers(r: random.Random, n: int = 700) -> pd.DataFrame:
    used: set = set()
    rows = []
    for i in range(n):
        prov, city, dist = pick_geo(r)
        rows.append(dict(bid=i, name=masked_name(r), phone=new_phone_mask(r, used), prov=prov, city=city, dist=dist,
                         town=r.choice(TOWNS), addr=f"{r.choice(STREETS)}{r.randint(1, 9)}**号", w=float(NP.lognormal(0, 0.6))))
    return pd.DataFrame(rows)


def in_any_window(t: pd.Timestamp, wins) -> bool:
    return any(a - pd.Timedelta(minutes=5) <= t <= b + pd.Timedelta(minutes=5) for a, b in wins)


def build_dy_orders(r: random.Random, sess: pd.DataFrame, buyers: pd.DataFrame):
    """Return (orders, items) ground-truth tables."""
    bw = buyers["w"].to_numpy() / buyers["w"].sum()
    used_ids: set = set()

    def new_oid():
        while True:
            o = digits(r, 19, "69")
            if o not in used_ids:
                used_ids.add(o)
                return o

    def pick_buyer():
        return int(NP.choice(len(bw), p=bw))

    def pick_items(channel):
        keys = [p[0] for p in DY_PRODUCTS]
        w = [p[6] for p in DY_PRODUCTS]
        first = r.choices(keys, weights=w)[0]
        items = [first]
        if r.random() < 0.15:
            second = r.choices([k for k in keys if k != first], weights=[p[6] for p in DY_PRODUCTS if p[0] != first])[0]
            items.append(second)
        out = []
        for k in items:
            q = (2 if r.random() < 0.3 else 1) if k == "P5" else (2 if r.random() < 0.06 else 1)
            out.append((k, q, r.choice(DYP[k][3])))
        return out

    orders = []
    host_windows = {h: list(zip(sess.loc[sess.host == h, "start"], sess.loc[sess.host == h, "end"])) for h in HOSTS}

    def add(channel, host, submit, pay, kind, items, cancel=None, sid=None):
        orders.append(dict(oid=new_oid(), channel=channel, host=host, bid=pick_buyer(), submit=submit, pay=pay,
                           kind=kind, items=items, cancel=cancel, sid=sid))

    # live orders, inside session windows
    for _, s in sess.iterrows():
        if s.test:
            continue
        dur = (s.end - s.start).total_seconds() / 60
        base = {"H1": 6.0, "H2": 3.0, "H3": 9.0, "H4": 15.0}[s.host]
        if s.start.month == 11 and s.start.day <= 11:
            base *= 1.6
        if s.host == "H4" and s.start.date() == pd.Timestamp("2025-11-10").date():
            base = 32
        if s.host == "H1" and s.start.date() == pd.Timestamp("2025-10-31").date():
            base = 14  # 双11 first wave opens on the evening of 10-31
        n = int(NP.poisson(base))
        lo, hi = s.start + pd.Timedelta(minutes=4), s.end - pd.Timedelta(minutes=1)
        for _ in range(n):
            pay = rnd_between(r, lo, hi)
            sub = pay - pd.Timedelta(seconds=r.randint(10, 150))
            add("live", s.host, sub, pay, "paid", pick_items("live"), sid=s.sid)
        # 福袋 0元 orders (H1 sometimes, H4 always)
        nf = (r.choice([1, 1, 2]) if r.random() < 0.4 else 0) if s.host == "H1" else (2 if s.host == "H4" else 0)
        for _ in range(nf):
            pay = rnd_between(r, lo, hi)
            add("live", s.host, pay - pd.Timedelta(seconds=r.randint(3, 20)), pay, "paid", [("P0", 1, "均码")], sid=s.sid)
        # unpaid in the live room
        if r.random() < 0.4:
            sub = rnd_between(r, lo, hi)
            add("live", s.host, sub, None, "closed", pick_items("live"), cancel=r.choice(["超时未支付", "超时未支付", "买家取消订单"]), sid=s.sid)

    def random_time_outside(host):
        while True:
            d = r.choice(list(DAYS))
            t = d + pd.Timedelta(hours=r.randint(8, 23), minutes=r.randint(0, 59), seconds=r.randint(0, 59))
            if t > EXPORT_T - pd.Timedelta(minutes=40):
                continue
            if host is None or not in_any_window(t, host_windows[host]):
                return t

    for _ in range(70):  # short-video orders
        host = r.choices(["H1", "H3", "H4"], weights=[4, 3, 3])[0]
        pay = random_time_outside(host)
        add("video", host, pay - pd.Timedelta(seconds=r.randint(15, 300)), pay, "paid", pick_items("video"))
    for _ in range(82):  # 商品卡 / 搜索 / 店铺页 orders: no creator
        pay = random_time_outside(None)
        add("card", None, pay - pd.Timedelta(seconds=r.randint(15, 400)), pay, "paid", pick_items("card"))
    for _ in range(12):  # unpaid, outside live
        host = r.choice([None, None, "H1", "H3"])
        sub = random_time_outside(host)
        add("card" if host is None else "video", host, sub, None, "closed", pick_items("card"), cancel=r.choice(["超时未支付", "买家取消订单"]))
    for k in range(4):  # still waiting for payment at export time
        sub = pd.Timestamp("2025-11-30 23:31:00") + pd.Timedelta(minutes=6 * k, seconds=r.randint(0, 50))
        add("card", None, sub, None, "awaiting", pick_items("card"))

    # items
    items = []
    for o in orders:
        multi = len(o["items"]) > 1
        for j, (k, q, spec) in enumerate(o["items"]):
            p = DYP[k]
            price = p[4]
            gross = price * q
            plat = merch = talent = payd = 0.0
            if k != "P0":
                when = o["pay"] if o["pay"] is not None else o["submit"]
                if pd.Timestamp("2025-11-01") <= when <= pd.Timestamp("2025-11-11 23:59:59"):
                    plat = 30.0 * int(gross // 300) if r.random() < 0.8 else 0.0
                elif r.random() < 0.15:
                    plat = r.randint(300, 1500) / 100
                if gross >= 599 and r.random() < 0.4:
                    merch = 50.0
                elif gross >= 299 and r.random() < 0.5:
                    merch = 20.0
                if o["host"] in ("H3", "H4") and o["channel"] != "card" and r.random() < 0.3:
                    talent = 10.0
                if r.random() < 0.12:
                    payd = r.randint(100, 800) / 100
            disc = plat + merch + talent + payd
            items.append(dict(oid=o["oid"], cid=(o["oid"] if not multi else None), seq=j, pkey=k, pid=p[1], pname=p[2], spec=spec, code=p[5],
                              qty=q, price=price, plat=plat, merch=merch, talent=talent, payd=payd, disc=disc,
                              amt=money(gross - disc)))
    it = pd.DataFrame(items)
    # child ids: single-item orders reuse the parent id, multi-item orders get their own ids
    for idx in it.index[it.cid.isna()]:
        it.at[idx, "cid"] = new_oid()
    od = pd.DataFrame(orders)
    od["n_items"] = od["items"].apply(len)
    od = od.drop(columns=["items"])
    it = it.merge(od[["oid", "channel", "host", "bid", "submit", "pay", "kind", "cancel", "sid"]], on="oid")
    it["pay"] = pd.to_datetime(it["pay"])
    it["submit"] = pd.to_datetime(it["submit"])

    # after-sales per sub-order (paid, non 0元)
    it["after"] = "-"
    it["refund_1h"] = False
    for idx, row in it.iterrows():
        if row.kind != "paid" or row.pkey == "P0":
            continue
        p_ref = 0.17 if row.host == "H3" else (0.06 if row.channel != "live" else 0.07)
        u = r.random()
        if u < p_ref and row.pay < pd.Timestamp("2025-11-29"):
            it.at[idx, "after"] = "退款成功"
            it.at[idx, "refund_1h"] = row.channel == "live" and r.random() < 0.35
        elif u < p_ref + 0.03:
            it.at[idx, "after"] = "售后关闭"
        elif row.pay >= pd.Timestamp("2025-11-20") and u < p_ref + 0.09:
            it.at[idx, "after"] = "待商家处理"
    # make sure we have a handful of partial orders (one of two sub-orders refunded)
    multi_oids = od.loc[(od.n_items > 1) & (od.kind == "paid"), "oid"].tolist()
    for oid in multi_oids[::4]:
        sub = it[(it.oid == oid)]
        if (sub.after == "退款成功").sum() == 0 and sub.pay.iloc[0] < pd.Timestamp("2025-11-29"):
            it.at[sub.index[-1], "after"] = "退款成功"
    # statuses, shipping and completion times
    status, ship, done, promise = [], [], [], []
    for _, row in it.iterrows():
        if row.kind == "closed":
            status.append("已关闭"); ship.append(None); done.append(None); promise.append(None); continue
        if row.kind == "awaiting":
            status.append("待支付"); ship.append(None); done.append(None); promise.append(None); continue
        h = (sh((row.oid, "ship")) % 34) + 6
        t_ship = row.pay + pd.Timedelta(hours=h, minutes=(sh((row.oid, "m")) % 60))
        promise.append(row.pay + pd.Timedelta(hours=48))
        if row.after == "退款成功":
            status.append("已关闭"); ship.append(t_ship if t_ship <= EXPORT_T and (sh(row.cid) % 2) else None); done.append(None); continue
        if t_ship > EXPORT_T:
            status.append("待发货"); ship.append(None); done.append(None); continue
        fin = t_ship + pd.Timedelta(days=3 + sh((row.oid, "d")) % 6, hours=sh((row.oid, "h")) % 12)
        if fin > EXPORT_T:
            status.append("已发货"); ship.append(t_ship); done.append(None)
        else:
            status.append("已完成"); ship.append(t_ship); done.append(fin)
    it["status"], it["ship"], it["done"], it["promise"] = status, ship, done, promise
    return od, it


def sh(x) -> int:
    """Stable hash (python's hash() of str is salted per process)."""
    return int(hashlib.md5(repr(x).encode("utf-8")).hexdigest()[:12], 16)


def has(v) -> bool:
    return v is not None and not pd.isna(v)


def enrich_dy(it: pd.DataFrame, buyers: pd.DataFrame, r: random.Random) -> pd.DataFrame:
    it = it.merge(buyers[["bid", "name", "phone", "prov", "city", "dist", "town", "addr"]], on="bid")
    it = it.sort_values(["submit", "oid", "seq"]).reset_index(drop=True)
    # traffic attributes: decided per main order
    body, ttype, chan, src = [], [], [], []
    per_order = {}
    for _, row in it.iterrows():
        if row.oid not in per_order:
            if row.submit.date() == pd.Timestamp("2025-11-30").date():
                b = t = c = "数据将于第二天更新"
            elif row.channel == "live":
                b, t = "直播", ("广告" if (HOSTS[row.host]["own"] and r.random() < 0.35) else "非广告")
                c = r.choices(["推荐feed", "个人主页&店铺&橱窗", "直播广场", "搜索", "关注"], weights=[5, 1, 1, 1, 2])[0]
            elif row.channel == "video":
                b, t = "短视频", ("广告" if r.random() < 0.2 else "非广告")
                c = r.choices(["推荐feed", "搜索", "个人主页&店铺&橱窗"], weights=[6, 2, 1])[0]
            else:
                b, t = "其他", "非广告"
                c = r.choices(["商城推荐", "搜索", "个人主页&店铺&橱窗", "其他"], weights=[4, 4, 2, 1])[0]
            s = "精选联盟" if (isinstance(row.host, str) and not HOSTS[row.host]["own"]) else "小店自卖"
            per_order[row.oid] = (b, t, c, s, r.choices(["抖音", "抖音极速版", "抖音商城"], weights=[85, 10, 5])[0],
                                  r.choices(["抖音支付", "微信", "支付宝", "抖音月付"], weights=[5, 3, 2, 1])[0])
        b, t, c, s, app, paym = per_order[row.oid]
        body.append(b); ttype.append(t); chan.append(c); src.append(s)
    it["flow_body"], it["flow_type"], it["flow_chan"], it["flow_src"] = body, ttype, chan, src
    it["app"] = it.oid.map(lambda o: per_order[o][4])
    it["paym"] = it.oid.map(lambda o: per_order[o][5])
    return it


DD_HEADERS = [
    "主订单编号", "子订单编号", "选购商品", "商品规格", "商品数量", "商品ID", "商家编码", "商品单价", "订单应付金额", "运费", "优惠总金额",
    "平台优惠", "商家优惠", "达人优惠", "商家改价", "支付优惠", "红包抵扣", "支付方式", "手续费", "收件人", "收件人手机号", "省", "市", "区",
    "街道", "详细地址", "是否修改过地址", "地址修改时段", "买家留言", "订单提交时间", "旗帜颜色", "商家备注", "订单完成时间", "支付完成时间",
    "APP渠道", "流量来源", "订单状态", "承诺发货时间", "订单类型", "鲁班落地页ID", "达人ID", "达人昵称", "所属门店ID", "售后状态", "取消原因",
    "预约发货时间", "仓库ID", "仓库名称", "序列号", "是否安心购", "广告渠道", "流量类型", "流量体裁", "流量渠道", "发货主体", "发货主体明细",
    "发货时间", "降价类优惠", "平台实际承担优惠金额", "商家实际承担优惠金额", "达人实际承担优惠金额", "预计送达时间", "是否平台仓自流转", "车型",
    "商品69码", "发货SN码", "发货IMEI码1", "发货IMEI码2", "预约送达时间", "建议发货时间（起）", "建议发货时间（止）", "物流SN码", "物流IMEI码1",
    "物流IMEI码2",
]
assert len(DD_HEADERS) == 74


def dd_rows(it: pd.DataFrame, r: random.Random) -> list[list]:
    rows = [DD_HEADERS]
    dash = "-"
    for _, x in it.iterrows():
        paid = x.kind == "paid"
        host = HOSTS.get(x.host) if isinstance(x.host, str) else None
        msg = r.choices([dash, "尽快发货", "送人的，不要放发票", "能发顺丰吗"], weights=[20, 1, 1, 1])[0]
        rows.append([
            x.oid, x.cid, x.pname, x.spec, int(x.qty), x.pid, x.code, x.price, x.amt, 0.0, x.disc,
            x.plat, x.merch, x.talent, 0.0, x.payd, 0.0, x.paym if paid else dash, 0.0, x["name"], x.phone, x.prov, x.city, x.dist,
            x.town, x.addr, "否", dash, msg, ts(x.submit), dash, dash, ts(x.done) if has(x.done) else dash,
            ts(x.pay) if paid else dash,
            x.app, x.flow_src, x.status, ts(x.promise) if has(x.promise) else dash, "普通订单", dash,
            host["aid"] if host else dash, host["nick"] if host else dash, dash, x.after if paid else dash,
            (x.cancel if x.kind == "closed" else dash),
            dash, dash, dash, dash, "否", dash, x.flow_type, x.flow_body, x.flow_chan, "商家", dash,
            ts(x.ship) if has(x.ship) else dash, 0.0, money(x.plat + x.payd), x.merch, x.talent, dash, "否", dash,
            dash, dash, dash, dash, dash, dash, dash, dash, dash, dash,
        ])
    return rows


# ---- 罗盘 直播间列表 (one row per session), computed from the order ground truth ----
LP_HEADERS = [
    "主播头像", "主播昵称", "主播抖音号", "直播开始时间", "直播结束时间", "直播时长(分钟)", "直播间曝光人数", "直播间曝光次数", "直播间观看人数",
    "单小时观看人数", "直播间观看次数", "直播激励观看次数", "最高在线人数", "平均在线人数", "人均观看时长(分钟)", "评论次数", "新加直播团人数",
    "新增粉丝数", "取关粉丝数", "观看老粉占比", "带货商品数", "直播间商品曝光人数", "直播间商品点击人数", "直播间商品曝光次数", "直播间商品点击次数",
    "直播间成交订单数", "直播间成交金额", "直播间用户支付金额", "单小时用户支付金额", "直播间成交件数", "直播间成交人数", "直播间退款订单数",
    "直播间退款金额", "直播间退款人数", "预估佣金支出", "商品曝光-点击率(次数)", "商品曝光-点击率(人数)", "商品点击-成交率(次数)",
    "商品点击-成交率(人数)", "观看-成交率(次数)", "观看-成交率(人数)", "预售订单数", "预售全款金额", "新加购物团人数", "投放消耗(店铺绑定)",
    "投放消耗(店铺被投)", "净成交金额", "净成交订单数", "1小时退款金额", "1小时退款订单数", "1小时退款率", "消费券引导支付金额", "消费券引导支付占比",
    "消费券补贴金额", "消费券使用量",
]
assert len(LP_HEADERS) == 55


def session_live_rows(it: pd.DataFrame, s) -> pd.DataFrame:
    return it[(it.kind == "paid") & (it.host == s.host) & (it.pay >= s.start) & (it.pay <= s.end) & (it.channel == "live") & (it.amt > 0)]


def build_lp(sess: pd.DataFrame, it: pd.DataFrame, r: random.Random) -> pd.DataFrame:
    out = []
    for _, s in sess.iterrows():
        dur = int(round((s.end - s.start).total_seconds() / 60))
        L = session_live_rows(it, s)
        pay_amt = money((L.amt + L.plat + L.payd).sum())
        user_pay = money(L.amt.sum())
        orders = L.oid.nunique()
        pieces = int(L.qty.sum())
        payuv = L.phone.nunique()
        ref = L[L.after == "退款成功"]
        ref_amt = money(ref.amt.sum())
        ref1 = ref[ref.refund_1h]
        if s.test:
            watch_uv, exp_uv = 4, 37
        else:
            conv = r.uniform(0.004, 0.011)
            watch_uv = max(int(payuv / conv) + r.randint(0, 80), 150)
            exp_uv = int(watch_uv / r.uniform(0.18, 0.38))
        exp_pv = int(exp_uv * r.uniform(1.3, 1.6))
        watch_pv = int(watch_uv * r.uniform(1.25, 1.5))
        avg_watch = round(r.uniform(0.8, 2.4), 2) if not s.test else 1.6
        avg_online = max(int(round(watch_uv * avg_watch / max(dur, 1))), 1)
        max_online = avg_online + int(avg_online * r.uniform(0.8, 2.5)) + 1
        if s.test:
            ps_uv = ps_pv = pc_uv = pc_pv = 0
        else:
            ps_uv = int(watch_uv * r.uniform(0.55, 0.8))
            pc_uv = max(int(ps_uv * r.uniform(0.12, 0.28)), payuv + 1)
            ps_pv = int(ps_uv * r.uniform(2.5, 5))
            pc_pv = max(int(pc_uv * r.uniform(1.4, 1.9)), orders + 1)
        own = HOSTS[s.host]["own"]
        spend = money(user_pay / r.uniform(2.5, 5.5)) if (own and user_pay > 0) else 0.0
        commission = money(user_pay * 0.2) if not own else 0.0
        ratio = lambda a, b: round(a / b, 4) if b else 0
        out.append({
            "sid": s.sid, "host": s.host, "test": s.test,
            "主播头像": f"https://p3.douyinpic.com/aweme/100x100/aweme-avatar/tos-cn-avt-0015_{HOSTS[s.host]['aid'][-8:]}.jpeg",
            "主播昵称": HOSTS[s.host]["nick"], "主播抖音号": HOSTS[s.host]["dyid"],
            "直播开始时间": slash_ts(s.start), "直播结束时间": slash_ts(s.end), "直播时长(分钟)": dur,
            "直播间曝光人数": exp_uv, "直播间曝光次数": exp_pv, "直播间观看人数": watch_uv,
            "单小时观看人数": watch_uv / (dur / 60), "直播间观看次数": watch_pv, "直播激励观看次数": "-",
            "最高在线人数": max_online, "平均在线人数": avg_online, "人均观看时长(分钟)": avg_watch,
            "评论次数": int(watch_uv * r.uniform(0.03, 0.12)), "新加直播团人数": int(watch_uv * r.uniform(0, 0.004)),
            "新增粉丝数": int(watch_uv * r.uniform(0.01, 0.04)), "取关粉丝数": int(watch_uv * r.uniform(0, 0.003)),
            "观看老粉占比": round(r.uniform(0.03, 0.25), 4), "带货商品数": 0 if s.test else r.randint(6, 9),
            "直播间商品曝光人数": ps_uv, "直播间商品点击人数": pc_uv, "直播间商品曝光次数": ps_pv, "直播间商品点击次数": pc_pv,
            "直播间成交订单数": orders, "直播间成交金额": pay_amt, "直播间用户支付金额": user_pay,
            "单小时用户支付金额": user_pay / (dur / 60), "直播间成交件数": pieces, "直播间成交人数": payuv,
            "直播间退款订单数": ref.oid.nunique(), "直播间退款金额": ref_amt, "直播间退款人数": ref.phone.nunique(),
            "预估佣金支出": commission,
            "商品曝光-点击率(次数)": ratio(pc_pv, ps_pv), "商品曝光-点击率(人数)": ratio(pc_uv, ps_uv),
            "商品点击-成交率(次数)": ratio(orders, pc_pv), "商品点击-成交率(人数)": ratio(payuv, pc_uv),
            "观看-成交率(次数)": ratio(orders, watch_pv), "观看-成交率(人数)": ratio(payuv, watch_uv),
            "预售订单数": 0, "预售全款金额": 0, "新加购物团人数": 0,
            "投放消耗(店铺绑定)": spend, "投放消耗(店铺被投)": spend,
            "净成交金额": money(pay_amt - ref_amt), "净成交订单数": orders - ref.oid.nunique(),
            "1小时退款金额": money(ref1.amt.sum()), "1小时退款订单数": ref1.oid.nunique(),
            "1小时退款率": ratio(ref1.amt.sum(), pay_amt), "消费券引导支付金额": "-", "消费券引导支付占比": "-",
            "消费券补贴金额": "-", "消费券使用量": "-",
        })
    lp = pd.DataFrame(out)
    lp["start_ts"] = sess.start.values
    lp["end_ts"] = sess.end.values
    return lp


# ======================================================================================
# 2. 拼多多: order export (no buyer id) and 推广 report
# ======================================================================================
PDD_PRODUCTS = [
    # key, 商品id, 商品, specs, price, 商家编码-商品维度, weight
    ("Q1", "754299529443", "暖屿 山羊绒围巾 加厚款 180cm", ["燕麦色", "驼色", "雾霾蓝"], 139.00, "PDD-WJ180", 0.30),
    ("Q2", "754300118872", "暖屿 羊绒袜 3双装 加厚保暖", ["女款 混色", "男款 深色"], 39.90, "PDD-WZ3", 0.28),
    ("Q3", "768845120067", "暖屿 羊毛针织开衫 百搭款", ["奶白 均码", "灰色 均码"], 199.00, "PDD-KS03", 0.16),
    ("Q4", "768845562210", "暖屿 羊绒针织帽 护耳款", ["燕麦", "黑色"], 69.00, "PDD-MZ02", 0.12),
    ("Q5", "771120398815", "暖屿 羊绒高领打底衫", ["米白 M", "黑色 M", "燕麦 L"], 259.00, "PDD-GL01", 0.14),
]
PDD_TRIAL = ("Q0", "771120401106", "暖屿 羊绒袜 单双装【0元试用】", ["均码"], 19.90, "PDD-SY00", 0)
PDDP = {p[0]: p for p in PDD_PRODUCTS + [PDD_TRIAL]}
PDD_HEADERS = [
    "商品", "订单号", "订单状态", "商品总价(元)", "店铺优惠折扣(元)", "平台优惠折扣(元)", "多多支付立减金额(元)", "邮费(元)", "上门安装费(元)",
    "送货入户费(元)", "送货入户并安装费(元)", "用户实付金额(元)", "商家实收金额(元)", "商品数量(件)", "身份证姓名", "身份证号码", "收货人", "手机",
    "是否审核中", "省", "市", "区", "街道", "支付时间", "拼单成功时间", "订单确认时间", "承诺发货时间", "发货时间", "确认收货时间", "商品id",
    "商品规格", "用户购买手机号", "样式ID", "商家编码-SKU维度", "商家编码-商品维度", "快递单号", "快递公司", "海淘清关订单号", "支付ID", "支付方式",
    "是否抽奖或0元试用", "是否顺丰加价", "商家备注", "售后状态", "买家留言", "关联货品编码", "货品名称", "货品类型", "子货品", "仓库名称",
    "仓库所在地址", "是否门店自提", "门店名称", "门店自定义编码", "旅行类信息",
]


def pdd_people(r: random.Random, n: int = 700) -> pd.DataFrame:
    used: set = set()
    rows = []
    for i in range(n):
        prov, city, dist = pick_geo(r)
        rows.append(dict(pp=i, name=masked_name(r), phone=new_phone_mask(r, used), prov=prov, city=city, dist=dist, town=r.choice(TOWNS)))
    df = pd.DataFrame(rows)
    # engineered collisions: different people who share the masked phone, and a few who share
    # masked name AND masked phone (only the address tells them apart)
    idx = list(range(n))
    R2 = random.Random(SEED + 7)
    R2.shuffle(idx)
    phone_pairs = [(idx[2 * k], idx[2 * k + 1]) for k in range(10)]
    both_pairs = [(idx[20 + 2 * k], idx[21 + 2 * k]) for k in range(3)]
    for a, b in phone_pairs:
        df.at[b, "phone"] = df.at[a, "phone"]
        if df.at[b, "prov"] == df.at[a, "prov"] and df.at[b, "city"] == df.at[a, "city"]:
            df.at[b, "town"] = TOWNS[(TOWNS.index(df.at[a, "town"]) + 3) % len(TOWNS)]
    for a, b in both_pairs:
        df.at[b, "phone"] = df.at[a, "phone"]
        df.at[b, "name"] = df.at[a, "name"]
        # same name+phone mask, different place
        other = [g for g in GEO if g[0] != df.at[a, "prov"]][R2.randint(0, len(GEO) - 2)]
        city, dists = other[2][0]
        df.at[b, "prov"], df.at[b, "city"], df.at[b, "dist"] = other[0], city, dists[0]
    key = df[["name", "phone", "prov", "city", "dist", "town"]].astype(str).agg("|".join, axis=1)
    assert key.nunique() == n, "composite key must be unique per person"
    df["w"] = NP.lognormal(0, 0.7, n)
    return df


def build_pdd(r: random.Random, people: pd.DataFrame) -> pd.DataFrame:
    orders = []
    used: set = set()

    def new_no(t: pd.Timestamp):
        while True:
            no = t.strftime("%y%m%d") + "-" + digits(r, 15, "6")
            if no not in used:
                used.add(no)
                return no

    day_w = np.array([2.2 if (pd.Timestamp("2025-11-01") <= d <= pd.Timestamp("2025-11-11")) else 1.0 for d in DAYS])
    day_w = day_w / day_w.sum()

    def rand_time():
        while True:
            d = DAYS[int(NP.choice(len(DAYS), p=day_w))]
            t = d + pd.Timedelta(hours=r.randint(7, 23), minutes=r.randint(0, 59), seconds=r.randint(0, 59))
            if t < EXPORT_T - pd.Timedelta(minutes=60):
                return t

    for _, p in people.iterrows():
        n = int(NP.geometric(0.6)) if r.random() > 0.05 else 0  # a few only ever cancel or take the free trial
        for _ in range(n):
            orders.append(dict(pp=p.pp, kind="paid", t=rand_time(), trial=False))
    trial_people = people.sample(14, random_state=SEED).pp.tolist()
    for pp in trial_people:
        orders.append(dict(pp=pp, kind="paid", t=rand_time(), trial=True))
    for pp in people.sample(24, random_state=SEED + 1).pp.tolist():
        orders.append(dict(pp=pp, kind="cancelled", t=rand_time(), trial=False))
    for k, pp in enumerate(people.sample(3, random_state=SEED + 2).pp.tolist()):
        orders.append(dict(pp=pp, kind="awaiting", t=pd.Timestamp("2025-11-30 23:20:00") + pd.Timedelta(minutes=9 * k, seconds=r.randint(0, 40)), trial=False))
    od = pd.DataFrame(orders).sort_values("t").reset_index(drop=True)

    rows = []
    for _, o in od.iterrows():
        k = "Q0" if o.trial else r.choices([p[0] for p in PDD_PRODUCTS], weights=[p[6] for p in PDD_PRODUCTS])[0]
        p = PDDP[k]
        q = 1 if o.trial else ((2 if r.random() < 0.25 else 1) if k == "Q2" else (2 if r.random() < 0.05 else 1))
        total = money(p[4] * q)
        shop = plat = ddpay = 0.0
        if o.trial:
            shop = total
        else:
            if total >= 99 and r.random() < 0.45:
                shop = 10.0 if total < 199 else 20.0
            if pd.Timestamp("2025-11-01") <= o.t <= pd.Timestamp("2025-11-11 23:59:59") and r.random() < 0.6:
                plat = float(r.choice([3, 5, 8, 10]))
            elif r.random() < 0.15:
                plat = float(r.choice([2, 3, 5]))
            if r.random() < 0.2:
                ddpay = float(r.choice([0.5, 1, 2, 3]))
        user_paid = money(total - shop - plat - ddpay)
        merchant = money(total - shop)
        pay = o.t + pd.Timedelta(seconds=r.randint(5, 90)) if o.kind == "paid" else None
        rows.append(dict(no=new_no(o.t), pp=o.pp, kind=o.kind, created=o.t, pay=pay, trial=o.trial, pkey=k, pid=p[1], pname=p[2],
                         spec=r.choice(p[3]), code=p[5], qty=q, total=total, shop=shop, plat=plat, ddpay=ddpay,
                         user_paid=user_paid, merchant=merchant))
    df = pd.DataFrame(rows)
    # after-sales / statuses
    st, after, ship, sign = [], [], [], []
    for _, x in df.iterrows():
        if x.kind == "cancelled":
            st.append("已取消"); after.append("无售后或售后取消"); ship.append(None); sign.append(None); continue
        if x.kind == "awaiting":
            st.append("待支付"); after.append("无售后或售后取消"); ship.append(None); sign.append(None); continue
        t_ship = x.pay + pd.Timedelta(hours=8 + sh((x.no, "s")) % 36, minutes=sh((x.no, "m")) % 60)
        sg = t_ship + pd.Timedelta(days=2 + sh((x.no, "g")) % 4, hours=sh((x.no, "h")) % 10)
        u = (sh((x.no, "after")) % 10000) / 10000
        if x.trial:
            u = 0.99
        if u < 0.085 and x.pay < pd.Timestamp("2025-11-28"):
            after.append("退款成功")
            stage = sh((x.no, "stage")) % 10
            if stage < 5 or t_ship > EXPORT_T:
                st.append("未发货，退款成功"); ship.append(None); sign.append(None)
            elif stage < 8 or sg > EXPORT_T:
                st.append("已发货，退款成功"); ship.append(t_ship); sign.append(None)
            else:
                st.append("已签收，退款成功"); ship.append(t_ship); sign.append(sg)
            continue
        if t_ship > EXPORT_T:
            st.append("待发货"); after.append("无售后或售后取消"); ship.append(None); sign.append(None); continue
        if sg > EXPORT_T:
            st.append("已发货，待签收"); ship.append(t_ship); sign.append(None)
        else:
            st.append("已签收"); ship.append(t_ship); sign.append(sg)
        if u < 0.125 and x.pay < pd.Timestamp("2025-11-25") and sg <= EXPORT_T:
            after.append("部分退款成功")
        elif u < 0.145 and x.pay >= pd.Timestamp("2025-11-15"):
            after.append("退款中")
        else:
            after.append("无售后或售后取消")
    df["status"], df["after"], df["ship"], df["sign"] = st, after, ship, sign
    df = df.merge(people[["pp", "name", "phone", "prov", "city", "dist", "town"]], on="pp")
    return df.sort_values("created").reset_index(drop=True)


def pdd_csv_bytes(df: pd.DataFrame, r: random.Random) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(PDD_HEADERS)
    t = lambda v: f"{v}\t"  # the export appends a tab to numeric cells so Excel keeps them as text
    for _, x in df.iterrows():
        paid = x.kind == "paid"
        shipped = has(x.ship)
        w.writerow([
            x.pname, x.no, x.status, t(f"{x.total:.2f}"), t(f"{x.shop:.2f}"), t(f"{x.plat:.2f}"), t(f"{x.ddpay:.2f}"), t("0.00"), t("0.00"),
            t("0.00"), t("0.00"), t(f"{x.user_paid:.2f}"), t(f"{x.merchant:.2f}"), t(x.qty), "", "", x["name"], x.phone,
            "否", x.prov, x.city, x.dist, x.town, ts(x.pay) if paid else "", ts(x.pay + pd.Timedelta(seconds=2)) if paid else "",
            ts(x.pay + pd.Timedelta(seconds=40)) if paid else "", ts(x.pay + pd.Timedelta(hours=48)) if paid else "",
            ts(x.ship) if shipped else "", ts(x.sign) if has(x.sign) else "", t(x.pid),
            x.spec, "", t(digits(random.Random(x.pid + x.spec), 12, "2")), f"{x.code}-{x.spec.split()[0]}", x.code,
            t(digits(random.Random(x.no), 15, "7")) if shipped else "", ("中通快递" if sh(x.no) % 3 else "韵达快递") if shipped else "", "",
            t(digits(random.Random(x.no + "p"), 28, "4")) if paid else "", ("微信" if sh((x.no, "pay")) % 3 else "支付宝") if paid else "",
            "是" if x.trial else "否", "否", "", x.after, "", "", "", "", "", "", "", "否", "", "", "",
        ])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


# ---- 拼多多 推广 report (daily x product), opened and re-saved by Excel ----
TG_HEADERS = ["日期", "商品ID", "商品名称", "推广场景", "推广名称", "出价方式", "分组", "是否已删除", "成交花费(元)", "交易额(元)", "实际投产比",
              "总花费(元)", "曝光量", "点击量"]


def build_tg(r: random.Random) -> pd.DataFrame:
    plans = [("Q1", "全站推广", "围巾-全站", 5.80, pd.Timestamp("2025-10-01")),
             ("Q2", "全站推广", "羊绒袜-全站", 6.50, pd.Timestamp("2025-10-01")),
             ("Q3", "标准推广", "开衫-标准", 4.20, pd.Timestamp("2025-10-20"))]
    rows = []
    for d in DAYS:
        for k, scene, name, target, since in plans:
            if d < since or r.random() > 0.9:
                continue
            base = {"Q1": 90, "Q2": 45, "Q3": 60}[k]
            if pd.Timestamp("2025-11-01") <= d <= pd.Timestamp("2025-11-11"):
                base *= 2.6
            if d in (pd.Timestamp("2025-11-10"), pd.Timestamp("2025-11-11")) and k == "Q1":
                base *= 2.2
            spend = money(base * r.uniform(0.6, 1.4))
            roi = r.uniform(target * 0.65, target * 1.3)
            gmv = money(spend * roi)
            imp = int(spend * r.uniform(45, 80))
            clk = int(imp * r.uniform(0.04, 0.09))
            rows.append(dict(date=d, pkey=k, pid=PDDP[k][1], pname=PDDP[k][2], scene=scene, plan=name, bid=f"目标投产比：{target:.2f}",
                             spend=spend, gmv=gmv, roi=round(gmv / spend, 2), imp=imp, clk=clk))
    return pd.DataFrame(rows)


def excel_general(x: float) -> str:
    """How Excel's General format renders a 12+ digit integer when saving CSV (6 significant digits)."""
    m, e = f"{x:.5E}".split("E")
    m = m.rstrip("0").rstrip(".")
    return f"{m}E+{int(e):02d}"


def thousands(x: float, dec: int = 2) -> str:
    return f"{x:,.{dec}f}"


def tg_csv_bytes(tg: pd.DataFrame) -> bytes:
    width = len(TG_HEADERS)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(["名称：推广"] + [""] * (width - 1))
    w.writerow(TG_HEADERS)
    for _, x in tg.iterrows():
        w.writerow([f"{x.date.year}/{x.date.month}/{x.date.day}", excel_general(float(x.pid)), x.pname, x.scene, x.plan, x.bid, "", "",
                    thousands(x.spend), thousands(x.gmv), f"{x.roi:.2f}", thousands(x.spend), thousands(x.imp, 0), thousands(x.clk, 0)])
    tot_spend, tot_gmv = money(tg.spend.sum()), money(tg.gmv.sum())
    w.writerow(["总计", "-", "-", "-", "-", "-", "-", "-", thousands(tot_spend), thousands(tot_gmv), f"{tot_gmv / tot_spend:.2f}",
                thousands(tot_spend), thousands(int(tg.imp.sum()), 0), thousands(int(tg.clk.sum()), 0)])
    return buf.getvalue().encode("gbk")


# ======================================================================================
# 3. 有赞 客户列表 export
# ======================================================================================
YZ_HEADERS = ["客户姓名", "微信昵称", "手机号", "客户编号", "性别", "客户渠道", "会员等级", "客户标签", "成为客户时间", "成为会员时间", "最近消费时间",
              "最近消费金额", "累计消费次数", "累计消费金额", "客单价", "积分", "是否添加企微"]
NICKS_A = ["小", "阿", "大", "老", "甜", "暖", "静", "悠", "晴", "晚"]
NICKS_B = ["鹿", "猫", "橙子", "柚子", "木木", "苏苏", "糖糖", "七七", "可可", "安安", "朵朵", "米粒", "豆豆", "一一", "果果"]


def build_yz(r: random.Random) -> pd.DataFrame:
    used: set = set()
    nick_used: set = set()
    export_t = pd.Timestamp("2025-12-01 10:12:00")
    rows = []
    n = 420
    for i in range(n):
        u = r.random()
        if u < 0.14:
            became = rnd_between(r, pd.Timestamp("2025-11-01"), pd.Timestamp("2025-11-30 23:00"))
        elif u < 0.25:
            became = rnd_between(r, pd.Timestamp("2025-10-01"), pd.Timestamp("2025-10-31 23:00"))
        else:
            became = rnd_between(r, pd.Timestamp("2023-03-01"), pd.Timestamp("2025-09-30 23:00"))
        channel = r.choices(["视频号直播", "微信小程序", "公众号", "有赞微商城", "企业微信", "导入"], weights=[5, 3, 2, 2, 1, 1])[0]
        if became >= pd.Timestamp("2025-10-01"):
            channel = r.choices(["视频号直播", "微信小程序", "公众号", "有赞微商城", "企业微信"], weights=[8, 3, 1, 2, 1])[0]
        # purchases
        if r.random() < 0.16:
            cnt = 0
        else:
            cnt = int(NP.geometric(0.45))
            if channel == "导入":
                cnt = max(cnt, 1)
        amt = money(sum(r.choice([89, 129, 159, 299, 399, 599, 69, 1899 if r.random() < 0.1 else 299]) * r.uniform(0.85, 1.0) for _ in range(cnt)))
        last = rnd_between(r, became, export_t - pd.Timedelta(hours=2)) if cnt else None
        if cnt and r.random() < 0.25 and became < pd.Timestamp("2025-06-01"):
            last = rnd_between(r, became, pd.Timestamp("2025-08-31"))
        last_amt = money(amt / cnt * r.uniform(0.7, 1.2)) if cnt else 0.0
        if cnt == 1:
            last_amt = amt
        member = (cnt >= 1 and r.random() < 0.55) or (cnt == 0 and r.random() < 0.1)
        if member:
            mt = rnd_between(r, became, min(export_t - pd.Timedelta(hours=1), became + pd.Timedelta(days=120)))
            lvl = "VIP1 普通会员" if amt < 800 else ("VIP2 银卡会员" if amt < 2500 else "VIP3 金卡会员")
        else:
            mt, lvl = None, ""
        while True:
            nick = r.choice(NICKS_A) + r.choice(NICKS_B) + (str(r.randint(1, 999)) if r.random() < 0.5 else "")
            if nick not in nick_used:
                nick_used.add(nick)
                break
        tags = r.choices(["", "直播间粉丝", "高客单", "复购客", "羊绒老客", "双11新客"], weights=[6, 3, 1, 1, 1, 1])[0]
        rows.append(dict(cname=full_name(r) if r.random() < 0.7 else "", nick=nick, phone=new_phone_mask(r, used),
                         cno=digits(r, 10, "8"), sex=r.choices(["女", "男", "未知"], weights=[7, 2, 1])[0], channel=channel,
                         level=lvl, tag=tags, became=became, member_t=mt, last=last, last_amt=last_amt, cnt=cnt, amt=amt,
                         aov=money(amt / cnt) if cnt else 0.0, points=int(amt) if member else 0,
                         qw=r.choice(["是", "否", "否"])))
    return pd.DataFrame(rows).sort_values("became", ascending=False).reset_index(drop=True)


# ======================================================================================
# 4. 生意参谋 商品_全部 (淘宝/天猫 shop, November)
# ======================================================================================
SY_HEADERS = ["统计日期", "商品ID", "商品名称", "货号", "商品状态", "商品标签", "商品访客数", "商品浏览量", "平均停留时长", "商品详情页跳出率",
              "商品收藏人数", "商品加购件数", "商品加购人数", "下单买家数", "下单件数", "下单金额", "下单转化率", "支付买家数", "支付件数", "支付金额",
              "商品支付转化率", "支付新买家数", "支付老买家数", "老买家支付金额", "聚划算支付金额", "访客平均价值", "成功退款金额", "竞争力评分",
              "搜索引导访客数", "搜索引导支付买家数"]
SY_PRODUCTS = [
    ("823410098712", "暖屿 100%山羊绒围巾 180cm 纯色百搭", "NY-WJ180", 269.0, 5200, "当前在线"),
    ("823410221065", "暖屿 羊绒高领毛衣 女 秋冬内搭", "NY-GL01", 559.0, 3900, "当前在线"),
    ("823410337790", "暖屿 双面羊绒大衣 中长款 女", "NY-DY09", 1799.0, 2600, "当前在线"),
    ("823410449921", "暖屿 羊毛针织开衫 宽松外搭", "NY-KS03", 369.0, 3100, "当前在线"),
    ("823410556634", "暖屿 羊绒袜 3双装 加厚", "NY-WZ3", 85.0, 4100, "当前在线"),
    ("823410667013", "暖屿 羊绒针织帽 护耳", "NY-MZ02", 149.0, 1500, "当前在线"),
    ("823410778842", "暖屿 羊绒手套 触屏款", "NY-ST05", 119.0, 1400, "当前在线"),
    ("823410889270", "暖屿 羊绒洗护套装", "NY-XH01", 65.0, 900, "当前在线"),
    ("823411002215", "暖屿 羊绒披肩 大尺寸", "NY-PJ01", 429.0, 1100, "当前在线"),
    ("823411113376", "暖屿 儿童羊绒毛衣", "NY-ET01", 299.0, 700, "当前在线"),
    ("823411224480", "暖屿 羊绒连衣裙 针织长裙", "NY-LYQ1", 699.0, 600, "当前在线"),
    ("812200457781", "暖屿 羊毛围巾 2024款 格纹", "NY-WJ24", 159.0, 0, "已下架"),
]


def build_sy(r: random.Random) -> pd.DataFrame:
    rows = []
    for pid, name, code, price, uv, state in SY_PRODUCTS:
        if uv == 0:
            rows.append(dict(pid=pid, name=name, code=code, state=state, uv=0))
            continue
        uv = int(uv * r.uniform(0.85, 1.15))
        pv = int(uv * r.uniform(1.6, 2.4))
        conv = r.uniform(0.012, 0.045)
        if pid in ("823411113376", "823411224480"):
            conv = 0.0  # visitors but not a single sale this month
        payb = int(uv * conv)
        pieces = payb + (int(payb * r.uniform(0.05, 0.3)) if payb else 0)
        pay = money(pieces * price * r.uniform(0.9, 0.98)) if payb else 0.0
        old = int(payb * r.uniform(0.15, 0.4)) if payb else 0
        old_pay = money(pay * old / payb * r.uniform(0.9, 1.1)) if payb else 0.0
        ob = payb + int(payb * r.uniform(0.05, 0.2)) + (r.randint(1, 4) if not payb else 0)
        oq = pieces + (ob - payb)
        rows.append(dict(pid=pid, name=name, code=code, state=state, uv=uv, pv=pv, stay=round(r.uniform(18, 65), 2),
                         bounce=r.uniform(0.55, 0.8), fav=int(uv * r.uniform(0.02, 0.06)), cartq=int(uv * r.uniform(0.05, 0.12)),
                         cartb=int(uv * r.uniform(0.04, 0.1)), ob=ob, oq=oq, oamt=money(oq * price * 0.97), payb=payb, pieces=pieces,
                         pay=pay, newb=payb - old, oldb=old, oldpay=old_pay, refund=money(pay * r.uniform(0.03, 0.12)) if payb else 0.0,
                         suv=int(uv * r.uniform(0.25, 0.45)), spb=int(payb * r.uniform(0.2, 0.45)),
                         score=r.randint(55, 92)))
    return pd.DataFrame(rows)


def sy_rows(sy: pd.DataFrame) -> list[list]:
    def n(v):
        return f"{int(v):,}"

    def a(v):
        return f"{v:,.2f}"

    def pct(v):
        return f"{v * 100:.2f}%"

    out = [["【生意参谋平台】商品_全部"], ["统计时间：2025-11-01 ~ 2025-11-30"], ["店铺名称：暖屿羊绒旗舰店", "终端：所有终端"], [], SY_HEADERS]
    for _, x in sy.iterrows():
        base = ["2025-11-01~2025-11-30", x.pid, x["name"], x.code, x.state, "-"]
        if x.uv == 0:
            out.append(base + ["-"] * (len(SY_HEADERS) - 6))
            continue
        if x.payb == 0:
            pay_part = ["-", "-", "-", "0.00%", "-", "-", "-", "-", "0.00", "-"]
        else:
            pay_part = [n(x.payb), n(x.pieces), a(x.pay), pct(x.payb / x.uv), n(x.newb), n(x.oldb), a(x.oldpay), "-", a(x.pay / x.uv), a(x.refund)]
        out.append(base + [n(x.uv), n(x.pv), f"{x.stay:.2f}", pct(x.bounce), n(x.fav), n(x.cartq), n(x.cartb), n(x.ob), n(x.oq), a(x.oamt),
                           pct(x.ob / x.uv)] + pay_part + [str(int(x.score)), n(x.suv), n(x.spb) if x.payb else "-"])
    return out


# ======================================================================================
# main
# ======================================================================================
def main():
    r = R
    # ---------------- 抖音 ----------------
    sess = build_sessions(r)
    buyers = dy_buyers(r)
    dy_orders, it = build_dy_orders(r, sess, buyers)
    it = enrich_dy(it, buyers, r)
    lp = build_lp(sess, it, r)
    # ---------------- 拼多多 ----------------
    people = pdd_people(r)
    pdd = build_pdd(r, people)
    tg = build_tg(r)
    # ---------------- 有赞 / 生意参谋 ----------------
    yz = build_yz(r)
    sy = build_sy(r)

    # ---------------- write files ----------------
    write_xlsx(OUT / F_DD, dd_rows(it, random.Random(SEED + 11)), sheet="Sheet1", text_cols={1, 2, 6, 41})
    lp_rows = [LP_HEADERS] + [[row[h] for h in LP_HEADERS] for _, row in lp.iterrows()]
    write_xlsx(OUT / F_LP, lp_rows, sheet="直播间列表")
    (OUT / F_PDD).write_bytes(pdd_csv_bytes(pdd, r))
    (OUT / F_TG).write_bytes(tg_csv_bytes(tg))
    yz_rows = [YZ_HEADERS]
    for _, x in yz.iterrows():
        yz_rows.append([x.cname, x.nick, x.phone, x.cno, x.sex, x.channel, x.level, x.tag, ts(x.became),
                        ts(x.member_t) if has(x.member_t) else "", ts(x["last"]) if has(x["last"]) else "",
                        x.last_amt, int(x.cnt), x.amt, x.aov, int(x.points), x.qw])
    write_xlsx(OUT / F_YZ, yz_rows, sheet="客户列表", text_cols={4})
    write_xlsx(OUT / F_SY, sy_rows(sy), sheet="商品_全部", text_cols={2})

    qs = answers(sess, it, lp, pdd, people, tg, yz, sy)
    doc = dict(shop="暖屿羊绒 (fictional cashmere brand)", period="2025-10-01..2025-11-30",
               generator=f"make_files.py (seed {SEED})", questions=qs)
    (OUT / "answers.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=200), encoding="utf-8")
    stats = {
        F_DD: f"{len(it)} rows, {it.oid.nunique()} orders",
        F_LP: f"{len(lp)} sessions",
        F_PDD: f"{len(pdd)} orders",
        F_TG: f"{len(tg)} data rows + title line + 总计 line",
        F_YZ: f"{len(yz)} customers",
        F_SY: f"{len(sy)} products",
    }
    for k, v in stats.items():
        print(f"{k}: {v}")
    print(f"answers.yaml: {len(qs)} questions")
    verify(qs)


# ======================================================================================
# answers (computed from the ground-truth tables)
# ======================================================================================
def q(qid, file, lang, text, expected, definition, tol):
    return dict(id=qid, file=file, lang=lang, q=text, expected=expected, definition=definition, tolerance=tol)


def r2(x):
    return float(round(float(x) + 1e-9, 2))


def answers(sess, it, lp, pdd, people, tg, yz, sy):
    Q = []
    paid = it[it.kind == "paid"].copy()
    paid["month"] = paid.pay.dt.month
    # ---------------------------------------------------------------- 抖店 orders
    gm = paid.groupby("month").amt.sum()
    Q.append(q("dd3-01", F_DD, "zh", "抖店10月和11月的成交金额（GMV）分别是多少？",
               {"oct": r2(gm[10]), "nov": r2(gm[11])},
               "每行是一个子订单，“订单应付金额”属于该子订单，直接按行求和。已支付=“支付完成时间”不是“-”，按支付完成时间所在月份归属；"
               "不扣退款（含之后退款成功、订单状态变为已关闭的子订单）；0元福袋计0；“已关闭+取消原因超时未支付/买家取消订单”和“待支付”的订单没有支付时间，"
               "虽然订单应付金额有数，但不计。", 0.01))
    body = paid.groupby("flow_body").amt.sum()
    Q.append(q("dd3-02", F_DD, "en", "Split the two months' paid GMV by traffic format: live, short video, other (product card/search/store page), and orders whose traffic data is not yet available.",
               {"直播": r2(body.get("直播", 0)), "短视频": r2(body.get("短视频", 0)), "其他": r2(body.get("其他", 0)),
                "数据将于第二天更新": r2(body.get("数据将于第二天更新", 0))},
               "Group paid sub-order rows (支付完成时间 not '-') by the 流量体裁 column and sum 订单应付金额, gross of refunds. Orders placed on 2025-11-30 "
               "(the export day) show 流量类型/流量体裁/流量渠道 = '数据将于第二天更新'; they are a separate bucket, not 'other'.", 0.01))
    nov = paid[paid.month == 11]
    hn = nov[nov.host.notna()].groupby("host").amt.sum().sort_values(ascending=False)
    Q.append(q("dd3-03", F_DD, "zh", "11月哪个达人/主播账号带来的成交额最高？",
               HOSTS[hn.index[0]]["nick"],
               "11月已支付（按支付完成时间）的子订单按“达人昵称”分组求和订单应付金额（直播+短视频都算，不扣退款）；“-”表示没有达人（商品卡等），不参与排名；"
               "店铺自己的两个号也算达人账号。各账号合计：" + ", ".join(f"{HOSTS[h]['nick']}={r2(v)}" for h, v in hn.items()) + "。", 0))
    # buyers / repeat
    order_amt = paid.groupby("oid").agg(amt=("amt", "sum"), phone=("phone", "first"), pay=("pay", "first"))
    pos = order_amt[order_amt.amt > 0]
    per_buyer = pos.groupby("phone").size()
    nb, nr = int(per_buyer.size), int((per_buyer >= 2).sum())
    names_only = paid.loc[paid.oid.isin(pos.index), "name"].nunique()
    Q.append(q("dd3-04", F_DD, "en", "How many distinct customers paid for at least one non-zero order in Oct–Nov, how many of them ordered more than once, and what is the repurchase rate?",
               {"buyers": nb, "repeat_buyers": nr, "repurchase_rate": round(nr / nb, 4)},
               f"Customer = 收件人手机号 (masked like 138****5678, unique per buyer in this file). 收件人 (masked name like 张** / 李*) collides across people and "
               f"must not be used (it would give {names_only}). An order = distinct 主订单编号 with 支付完成时间 not '-' and the sum of its sub-orders' 订单应付金额 > 0 "
               "(0元福袋 orders excluded); refunded orders still count. repeat = ≥2 such orders; rate = repeat_buyers / buyers.", {"abs": 0.001}))
    # 福袋
    fd = paid[paid.pkey == "P0"]
    fd_first = fd.groupby("phone").pay.min()
    conv = 0
    for ph, t0 in fd_first.items():
        later = pos[(pos.phone == ph) & (pos.pay > t0)]
        conv += int(len(later) > 0)
    Q.append(q("dd3-05", F_DD, "zh", "直播间福袋（0元领）一共送出去多少单？领过福袋的人里，有几个后来又花钱下单了？",
               {"lucky_bag_orders": int(fd.oid.nunique()), "recipients": int(fd_first.size), "converted": conv},
               "福袋单=选购商品为“【福袋】…0元领”、订单应付金额为0且已支付的订单（按主订单编号去重）。领取人按收件人手机号去重。"
               "converted=在其第一次领福袋的支付时间之后，又有一笔订单应付金额>0的已支付订单的人数（退款不影响）。", 0))
    allo = it.groupby("oid").agg(kind=("kind", "first"))
    Q.append(q("dd3-06", F_DD, "en", "How many orders were closed without ever being paid, and how many were still waiting for payment when the file was exported?",
               {"closed_unpaid": int((allo.kind == "closed").sum()), "awaiting_payment": int((allo.kind == "awaiting").sum())},
               "Count distinct 主订单编号. closed_unpaid = 订单状态 '已关闭' with 支付完成时间 '-' (取消原因 超时未支付 or 买家取消订单). Paid sub-orders that were "
               "refunded also show 订单状态 '已关闭' but have a 支付完成时间 and 售后状态 '退款成功'; they are not included. awaiting_payment = 订单状态 '待支付'.", 0))
    ref = paid[paid.after == "退款成功"]
    po = paid.groupby("oid").agg(n=("cid", "size"), nref=("after", lambda s: int((s == "退款成功").sum())))
    partial = int(((po.nref > 0) & (po.nref < po.n)).sum())
    Q.append(q("dd3-07", F_DD, "zh", "这两个月退款成功的子订单有多少个、涉及金额多少？有几个订单是只退了其中一件（部分退款）？",
               {"refunded_sub_orders": int(len(ref)), "refund_amount": r2(ref.amt.sum()), "partial_refund_orders": partial},
               "售后状态=“退款成功”的已支付子订单行：个数、订单应付金额之和（整单退，该文件没有退款金额列）。“售后关闭”（被拒/撤销）和“待商家处理”不算退款。"
               "部分退款订单=同一主订单编号下有的子订单退款成功、有的没有。", {"abs": 0.01}))
    d11 = paid[(paid.pay >= pd.Timestamp("2025-11-11")) & (paid.pay < pd.Timestamp("2025-11-12"))]
    d11o = d11.groupby("oid").amt.sum()
    Q.append(q("dd3-08", F_DD, "en", "What did the shop do on Double 11 (2025-11-11): paid GMV and number of paid orders?",
               {"gmv": r2(d11.amt.sum()), "orders": int((d11o > 0).sum())},
               "支付完成时间 within 2025-11-11 00:00:00–23:59:59 (this includes the part of 东北大花姐's 11-10 evening live that was paid after midnight). "
               "GMV = sum of 订单应付金额 over those sub-order rows, gross of refunds; orders = distinct 主订单编号 whose amount > 0 (0元福袋 excluded).", {"abs": 0.01}))
    nov_o = nov.groupby("oid").amt.sum()
    nov_o = nov_o[nov_o > 0]
    Q.append(q("dd3-09", F_DD, "zh", "11月抖店的客单价是多少？",
               r2(nov_o.sum() / len(nov_o)),
               "客单价=11月成交金额÷11月支付订单数。11月=支付完成时间在2025-11；订单按主订单编号合并（多件订单的子订单金额相加），只算金额>0的已支付订单（0元福袋不计）；"
               f"不扣退款。11月成交金额={r2(nov_o.sum())}，订单数={len(nov_o)}。", {"abs": 0.01}))
    prov = paid.groupby("prov").amt.sum().sort_values(ascending=False)
    Q.append(q("dd3-10", F_DD, "en", "Which three provinces bought the most (by paid GMV) over the two months?",
               list(prov.index[:3]),
               "Paid sub-order rows grouped by 省, sum of 订单应付金额, gross of refunds. Top 5: " + ", ".join(f"{p}={r2(v)}" for p, v in prov.head(5).items()) + ".", 0))

    # ---------------------------------------------------------------- 罗盘 sessions
    lp = lp.copy()
    lp["month"] = pd.to_datetime(lp.start_ts).dt.month
    h1_oct = lp[(lp.host == "H1") & (lp.month == 10)]
    Q.append(q("lp-01", F_LP, "zh", "官方旗舰店这个号10月一共播了多少场、累计直播多少小时？",
               {"sessions": int(len(h1_oct)), "hours": r2(h1_oct["直播时长(分钟)"].sum() / 60)},
               "主播昵称=暖屿羊绒官方旗舰店、直播开始时间在2025年10月的行，每行一场。10-08那场3分钟的测试直播也是一行，计入；10-31 21:30开播、跨零点到11-01下播的那场按开播时间算10月。"
               "小时=直播时长(分钟)之和÷60。", {"abs": 0.01}))
    ln = lp[lp.month == 11]
    gpm = ln["直播间成交金额"].sum() / ln["直播间观看次数"].sum() * 1000
    Q.append(q("lp-02", F_LP, "en", "What was the overall GPM of all live sessions in November?",
               r2(gpm),
               "The export has no GPM column. GPM (千次观看成交金额) = Σ直播间成交金额 ÷ Σ直播间观看次数 × 1000 over sessions whose 直播开始时间 is in "
               "November (all four accounts), i.e. weighted, not a mean of per-session ratios. (Using 直播间用户支付金额 instead gives "
               f"{r2(ln['直播间用户支付金额'].sum() / ln['直播间观看次数'].sum() * 1000)}; using 观看人数 instead of 观看次数 gives "
               f"{r2(ln['直播间成交金额'].sum() / ln['直播间观看人数'].sum() * 1000)}.)", {"abs": 0.05}))
    byh = lp.groupby("主播昵称")["直播间成交金额"].sum()
    Q.append(q("lp-03", F_LP, "zh", "这两个月每个直播账号的直播间成交金额各是多少？",
               {k: r2(v) for k, v in byh.items()},
               "按“主播昵称”分组，把所有场次的“直播间成交金额”相加（含平台补贴口径的成交金额，不是直播间用户支付金额；不扣退款）。", 0.01))
    g_ = lp.groupby("主播昵称")[["直播间退款金额", "直播间成交金额"]].sum()
    rr = g_["直播间退款金额"] / g_["直播间成交金额"]
    Q.append(q("lp-04", F_LP, "en", "Which live account has the highest refund rate?",
               rr.idxmax(),
               "Per 主播昵称: Σ直播间退款金额 ÷ Σ直播间成交金额 over all sessions in the file. Rates: " + ", ".join(f"{k}={v:.4f}" for k, v in rr.items()) + ".", 0))
    own_n = ln[ln.host.isin(["H1", "H2"])]
    Q.append(q("lp-05", F_LP, "zh", "11月店铺自己的两个号（官方旗舰店、工厂店）直播投流一共花了多少？直播间投产比是多少？",
               {"spend": r2(own_n["投放消耗(店铺绑定)"].sum()), "roi": r2(own_n["直播间用户支付金额"].sum() / own_n["投放消耗(店铺绑定)"].sum())},
               "11月开播（按直播开始时间）、主播昵称为暖屿羊绒官方旗舰店或暖屿羊绒工厂店的场次：spend=投放消耗(店铺绑定)之和（与“店铺被投”相同，不要两列相加）；"
               "roi=直播间用户支付金额之和÷spend。", {"abs": 0.01}))
    Q.append(q("lp-06", F_LP, "en", "What is the highest 直播间成交金额 achieved by a single live session?",
               r2(lp["直播间成交金额"].max()),
               f"Maximum of 直播间成交金额 over all rows. It was {lp.loc[lp['直播间成交金额'].idxmax(), '主播昵称']}'s session starting "
               f"{lp.loc[lp['直播间成交金额'].idxmax(), '直播开始时间']}.", {"abs": 0.01}))
    cv = ln["直播间成交人数"].sum() / ln["直播间商品点击人数"].sum()
    Q.append(q("lp-07", F_LP, "zh", "11月直播间整体的商品点击到成交转化率（按人数）是多少？",
               round(float(cv), 4),
               "11月开播的所有场次：Σ直播间成交人数÷Σ直播间商品点击人数（加权，不是各场“商品点击-成交率(人数)”的平均）。", {"abs": 0.0005}))

    # ---------------------------------------------------------------- joins 抖店 x 罗盘
    both = f"{F_DD} + {F_LP}"
    s1031 = sess[(sess.host == "H1") & (sess.start == pd.Timestamp("2025-10-31 21:30:05"))].iloc[0]
    L = session_live_rows(it, s1031)
    Q.append(q("j-01", both, "zh", "10月31日晚上官方旗舰店那场跨零点的直播，订单表里一共成交多少钱？其中多少是11月1日零点以后付款的？",
               {"session_gmv": r2(L.amt.sum()), "paid_on_nov_1": r2(L[L.pay >= pd.Timestamp("2025-11-01")].amt.sum())},
               "用罗盘直播间列表确定该场的开始/结束时间（2025/10/31 21:30:05 – 2025/11/01 01:05:40）；订单表中达人昵称=暖屿羊绒官方旗舰店、流量体裁=直播、"
               "支付完成时间落在该区间内的已支付子订单，求订单应付金额之和（不扣退款；与罗盘该行的直播间用户支付金额一致）。", {"abs": 0.01}))
    h1n = sess[(sess.host == "H1") & (sess.start.dt.month == 11)]
    ph = set()
    for _, s in h1n.iterrows():
        ph |= set(session_live_rows(it, s).phone)
    sum_uv = int(lp[(lp.host == "H1") & (lp.month == 11)]["直播间成交人数"].sum())
    Q.append(q("j-02", both, "en", "In November, how many distinct customers bought in 暖屿羊绒官方旗舰店's live sessions? (The 罗盘 per-session buyer counts add up to a different number — why?)",
               {"distinct_buyers": len(ph), "sum_of_session_buyers": sum_uv},
               "Sessions = 罗盘 rows with 主播昵称 暖屿羊绒官方旗舰店 and 直播开始时间 in November. Orders = 抖店 rows with 达人昵称 暖屿羊绒官方旗舰店, paid "
               "(支付完成时间 not '-') inside one of those sessions' [直播开始时间, 直播结束时间], 订单应付金额 > 0, 流量体裁 直播 (on 11-30 the column reads "
               "'数据将于第二天更新'; the time window decides). distinct_buyers = distinct 收件人手机号. sum_of_session_buyers = Σ直播间成交人数 over those rows, "
               "which counts a customer once per session they bought in.", 0))
    d30 = paid[(paid.pay >= pd.Timestamp("2025-11-30")) & (paid.pay < pd.Timestamp("2025-12-01"))]
    s30 = sess[(sess.start >= pd.Timestamp("2025-11-30")) & (sess.start < pd.Timestamp("2025-12-01"))]
    live30 = pd.concat([session_live_rows(it, s) for _, s in s30.iterrows()]) if len(s30) else d30.iloc[0:0]
    # include 0元 rows inside windows? they are 0 anyway
    Q.append(q("j-03", both, "zh", "11月30日的订单流量体裁还没更新。对照罗盘的直播场次，当天有多少成交是在直播间里成交的？其余的有多少？",
               {"live": r2(live30.amt.sum()), "other": r2(d30.amt.sum() - live30.amt.sum())},
               "11-30当天（按支付完成时间）已支付子订单，订单应付金额求和，不扣退款。live=达人昵称等于当天某场直播的主播昵称、且支付完成时间落在罗盘该场直播开始/结束时间内的行；"
               "other=当天其余已支付行（商品卡、短视频等）。当天流量体裁列全部是“数据将于第二天更新”，不能用它判断。", {"abs": 0.01}))

    # ---------------------------------------------------------------- 拼多多 orders
    pp = pdd[pdd.kind == "paid"].copy()
    pp["month"] = pp.pay.dt.month
    key = pp[["name", "phone", "prov", "city", "dist", "town"]].astype(str).agg("|".join, axis=1)
    pp["ckey"] = key
    posp = pp[pp.user_paid > 0]
    cust = posp.groupby("ckey").size()
    alt_phone = posp.phone.nunique()
    alt_np = posp[["name", "phone"]].drop_duplicates().shape[0]
    alt_name = posp.name.nunique()
    Q.append(q("pdd-01", F_PDD, "zh", "拼多多店这两个月有多少个不同的付款顾客？",
               int(cust.size),
               "拼多多导出没有买家ID。顾客=收货人+手机+省+市+区+街道 的组合（收货人、手机都是脱敏的：收货人像“张**”，手机像“138****5678”）。"
               "只看已支付（支付时间非空）且用户实付金额>0的订单（0元试用不算），退款订单仍算。"
               f"只按手机去重会得到{alt_phone}（不同的人手机脱敏后相同），按收货人+手机会得到{alt_np}（有同姓且手机脱敏相同、但地址不同的人），只按收货人会得到{alt_name}。", 0))
    nrp = int((cust >= 2).sum())
    Q.append(q("pdd-02", F_PDD, "en", "How many PDD customers bought more than once, and what is the repurchase rate?",
               {"repeat_customers": nrp, "customers": int(cust.size), "repurchase_rate": round(nrp / cust.size, 4)},
               "Customer = the combination 收货人 + 手机 + 省 + 市 + 区 + 街道 (see pdd-01). Orders = 订单号 with 支付时间 not empty and 用户实付金额(元) > 0, "
               "refunded orders included. repeat = ≥2 orders; rate = repeat/customers.", {"abs": 0.001}))
    pm = pp.groupby("month").user_paid.sum()
    Q.append(q("pdd-03", F_PDD, "zh", "拼多多店10月、11月的用户实付金额各是多少？",
               {"oct": r2(pm[10]), "nov": r2(pm[11])},
               "每行一个订单。已支付=支付时间非空，按支付时间所在月份；求“用户实付金额(元)”之和，不扣退款（含“…退款成功”状态的订单）；"
               "已取消（未支付）和待支付订单不计。数值后面带一个制表符（如“139.00\\t”），需要去掉。", 0.01))
    full = pp[pp.after == "退款成功"]
    part = pp[pp.after == "部分退款成功"]
    Q.append(q("pdd-04", F_PDD, "en", "How many PDD orders were fully refunded and for how much, and how many were partially refunded?",
               {"full_refund_orders": int(len(full)), "full_refund_amount": r2(full.user_paid.sum()), "partial_refund_orders": int(len(part))},
               "Full refund = 售后状态 '退款成功' (订单状态 '未发货，退款成功' / '已发货，退款成功' / '已签收，退款成功'); amount = Σ用户实付金额(元) of those "
               "orders (the export has no refund-amount column; a full refund returns what the buyer paid). Partial = 售后状态 '部分退款成功' (amount not "
               "in the export). '退款中' is still pending and counts as neither.", {"abs": 0.01}))
    Q.append(q("pdd-05", F_PDD, "zh", "全额退款的订单里，有多少是还没发货就退了、多少是发货以后退的？",
               {"before_shipping": int((full.status == "未发货，退款成功").sum()),
                "after_shipping": int(full.status.isin(["已发货，退款成功", "已签收，退款成功"]).sum())},
               "按“订单状态”：未发货，退款成功=未发货退款；已发货，退款成功 和 已签收，退款成功=发货后退款。", 0))
    allp = pdd.groupby("kind").size()
    Q.append(q("pdd-06", F_PDD, "en", "How many 0元试用 orders were there, how many orders were cancelled without payment, and how many are still awaiting payment?",
               {"free_trial_orders": int(pp.trial.sum()), "cancelled_unpaid": int(allp.get("cancelled", 0)), "awaiting_payment": int(allp.get("awaiting", 0))},
               "free_trial = 是否抽奖或0元试用 '是' (paid, 用户实付金额 0.00). cancelled_unpaid = 订单状态 '已取消' (支付时间 empty; their 用户实付金额 still shows "
               "a would-be amount). awaiting_payment = 订单状态 '待支付'.", 0))
    Q.append(q("pdd-07", F_PDD, "zh", "这两个月拼多多平台一共补贴了多少钱（平台优惠+多多支付立减）？商家实收一共多少？",
               {"platform_subsidy": r2(pp.plat.sum() + pp.ddpay.sum()), "merchant_received": r2(pp.merchant.sum())},
               "已支付订单（支付时间非空）：platform_subsidy=平台优惠折扣(元)+多多支付立减金额(元)之和；merchant_received=商家实收金额(元)之和（=商品总价−店铺优惠，"
               "含平台补贴部分；不扣退款）。", {"abs": 0.01}))
    provp = posp.groupby("prov").ckey.nunique().sort_values(ascending=False)
    Q.append(q("pdd-08", F_PDD, "en", "Which province has the most paying PDD customers, and how many?",
               {provp.index[0]: int(provp.iloc[0])},
               "Customers as in pdd-01 (收货人+手机+省+市+区+街道, paid orders with 用户实付金额 > 0), counted per 省. Top 3: "
               + ", ".join(f"{k}={v}" for k, v in provp.head(3).items()) + ".", 0))

    # ---------------------------------------------------------------- 拼多多 推广
    tg = tg.copy()
    tg["month"] = tg.date.dt.month
    Q.append(q("tg-01", F_TG, "zh", "拼多多推广这两个月一共花了多少钱、带来多少交易额？整体投产比是多少？",
               {"spend": r2(tg.spend.sum()), "gmv": r2(tg.gmv.sum()), "roi": r2(tg.gmv.sum() / tg.spend.sum())},
               "文件第一行是“名称：推广”说明行，第二行才是表头；最后一行“总计”是合计行，不能再加一遍（否则翻倍）。总花费(元)、交易额(元)带千分位逗号（如“1,201.07”）。"
               "spend=各行总花费(元)之和（成交花费与总花费相同，不要两列相加）；gmv=交易额(元)之和；roi=gmv÷spend。", {"abs": 0.01}))
    byp = tg.groupby("pname").spend.sum().sort_values(ascending=False)
    Q.append(q("tg-02", F_TG, "en", "Which promoted product spent the most on ads?",
               byp.index[0],
               "Sum 总花费(元) per product over all data rows (skip the '名称：推广' line and the '总计' row). The file was re-saved by Excel, so 商品ID is shown as "
               "'7.543E+11' and the scarf and the socks share the same mangled id; group by 商品名称 instead. Totals: "
               + ", ".join(f"{k}={r2(v)}" for k, v in byp.items()) + ".", 0))
    d11t = tg[tg.date == pd.Timestamp("2025-11-11")]
    Q.append(q("tg-03", F_TG, "zh", "双11当天推广花了多少钱？",
               r2(d11t.spend.sum()),
               "日期=2025/11/11 的各行总花费(元)之和（日期被Excel写成“2025/11/11”这种不补零的格式）。", {"abs": 0.01}))
    nov_paid = pp[pp.month == 11].user_paid.sum()
    Q.append(q("tg-04", f"{F_PDD} + {F_TG}", "en", "In November, what share of the PDD shop's paid sales is attributed to ads (推广交易额 ÷ 用户实付金额)?",
               round(float(tg[tg.month == 11].gmv.sum() / nov_paid), 4),
               f"Numerator = Σ交易额(元) of 推广 rows dated in November (no 总计 row) = {r2(tg[tg.month == 11].gmv.sum())}. Denominator = Σ用户实付金额(元) "
               f"of orders with 支付时间 in November (gross of refunds) = {r2(nov_paid)}. Ratio of the two totals.", {"abs": 0.001}))

    # ---------------------------------------------------------------- 有赞 customers
    yz = yz.copy()
    Q.append(q("yzc-01", F_YZ, "zh", "11月新增了多少客户？其中多少人已经在店里消费过？",
               {"new_customers": int(((yz.became >= pd.Timestamp("2025-11-01")) & (yz.became < pd.Timestamp("2025-12-01"))).sum()),
                "with_purchase": int(((yz.became >= pd.Timestamp("2025-11-01")) & (yz.became < pd.Timestamp("2025-12-01")) & (yz.cnt > 0)).sum())},
               "每行一个客户。新增客户=“成为客户时间”在2025-11-01至2025-11-30之间；with_purchase=其中“累计消费次数”≥1的人数。", 0))
    mem = yz[yz.level != ""]
    Q.append(q("yzc-02", F_YZ, "en", "How many members does the 有赞 shop have, and how many of them joined the membership in October–November 2025?",
               {"members": int(len(mem)), "joined_oct_nov": int(((mem.member_t >= pd.Timestamp("2025-10-01")) & (mem.member_t < pd.Timestamp("2025-12-01"))).sum())},
               "Member = 会员等级 not empty (VIP1/VIP2/VIP3; 成为会员时间 is filled exactly for these rows). joined_oct_nov = 成为会员时间 between 2025-10-01 and "
               "2025-11-30. 成为客户时间 is a different date (when they first became a customer) and must not be used here.", 0))
    buyers_y = yz[yz.cnt > 0]
    rep = int((buyers_y.cnt >= 2).sum())
    Q.append(q("yzc-03", F_YZ, "zh", "有消费记录的客户里，复购客户有多少？复购率多少？",
               {"repeat_customers": rep, "buyers": int(len(buyers_y)), "repurchase_rate": round(rep / len(buyers_y), 4)},
               "“累计消费次数”≥1 的客户为有消费客户（次数为0的只是关注/领券的客户，不算分母）；复购=累计消费次数≥2；复购率=复购客户÷有消费客户。"
               "注意这是客户生命周期累计数，不限于10-11月。", {"abs": 0.001}))
    Q.append(q("yzc-04", F_YZ, "en", "What is the overall average order value across all customers in the 有赞 customer list?",
               r2(yz.amt.sum() / yz.cnt.sum()),
               "Σ累计消费金额 ÷ Σ累计消费次数 over all rows (weighted). The simple mean of the 客单价 column is "
               f"{r2(buyers_y.aov.mean())} over buyers (or {r2(yz.aov.mean())} if the 0.00 rows of non-buyers are included) and is not the answer.", {"abs": 0.01}))
    dorm = yz[(yz.cnt > 0) & (yz["last"] < pd.Timestamp("2025-09-02"))]
    Q.append(q("yzc-05", F_YZ, "zh", "截止导出时，有多少老客已经超过90天没有再消费了？",
               int(len(dorm)),
               "导出日期2025-12-01。累计消费次数≥1且“最近消费时间”早于2025-09-02 00:00（即距12-01超过90天）的客户数。没消费过的客户（最近消费时间为空）不算。", 0))
    newc = yz[(yz.became >= pd.Timestamp("2025-10-01")) & (yz.became < pd.Timestamp("2025-12-01"))]
    ch = newc.channel.value_counts()
    Q.append(q("yzc-06", F_YZ, "zh", "10-11月新增的客户主要是从哪个渠道来的？",
               ch.index[0],
               "成为客户时间在2025-10-01至2025-11-30之间的客户按“客户渠道”计数，取人数最多的渠道。各渠道：" + ", ".join(f"{k}={v}" for k, v in ch.items()) + "。", 0))

    # ---------------------------------------------------------------- 生意参谋
    syp = sy[sy.uv > 0].fillna(0)
    Q.append(q("sy-01", F_SY, "zh", "天猫店11月商品支付金额一共多少？成功退款多少？扣掉退款后是多少？",
               {"pay_amount": r2(syp.pay.sum()), "refund_amount": r2(syp.refund.sum()), "net": r2(syp.pay.sum() - syp.refund.sum())},
               "文件前4行是标题/说明（【生意参谋平台】商品_全部、统计时间、店铺名称、空行），第5行才是表头。每行一个商品（统计日期=整月）。"
               "支付金额、成功退款金额带千分位逗号，“-”表示没有数据按0处理。net=支付金额合计−成功退款金额合计。", {"abs": 0.01}))
    top3 = syp.sort_values("pay", ascending=False).head(3)
    Q.append(q("sy-02", F_SY, "en", "Which three products brought in the most payment in November?",
               list(top3["name"]),
               "Rank rows by 支付金额 (strip thousands separators; '-' = 0). Top values: " + ", ".join(f"{a}={r2(b)}" for a, b in zip(top3["name"], top3.pay)) + ".", 0))
    Q.append(q("sy-03", F_SY, "zh", "11月老买家贡献的支付金额占比是多少？",
               round(float(syp.oldpay.sum() / syp.pay.sum()), 4),
               "Σ老买家支付金额÷Σ支付金额（所有商品行，“-”按0）。结果为小数，如0.2345。", {"abs": 0.0005}))
    nopay = sy[(sy.uv > 0) & (sy.payb.fillna(0) == 0)]
    Q.append(q("sy-04", F_SY, "en", "How many products had visitors in November but did not sell a single item?",
               int(len(nopay)),
               "Rows with 商品访客数 > 0 and 支付金额 '-' (no payment). The 已下架 product has '-' in every metric (no visitors) and does not count. "
               "Products: " + ", ".join(nopay["name"]) + ".", 0))
    return Q


# ======================================================================================
# verification: re-read the written files with pandas and check a sample of answers
# ======================================================================================
def _num(s):
    s = s.astype(str).str.replace("\t", "", regex=False).str.replace(",", "", regex=False).str.strip()
    s = s.replace({"-": "0", "": "0", "nan": "0", "None": "0"})
    return pd.to_numeric(s)


def verify(qs):
    A = {x["id"]: x["expected"] for x in qs}
    ok = 0

    def check(name, got, exp, tol=0.011):
        nonlocal ok
        if isinstance(exp, (int, float)) and not isinstance(exp, bool):
            assert abs(float(got) - float(exp)) <= tol, f"{name}: file gives {got}, answer says {exp}"
        else:
            assert got == exp, f"{name}: file gives {got}, answer says {exp}"
        ok += 1

    # 抖店
    d = pd.read_excel(OUT / F_DD, dtype=str)
    assert len(d.columns) == 74
    paid = d[d["支付完成时间"] != "-"].copy()
    paid["amt"] = _num(paid["订单应付金额"])
    paid["m"] = pd.to_datetime(paid["支付完成时间"]).dt.month
    check("dd3-01 oct", round(paid.loc[paid.m == 10, "amt"].sum(), 2), A["dd3-01"]["oct"])
    check("dd3-01 nov", round(paid.loc[paid.m == 11, "amt"].sum(), 2), A["dd3-01"]["nov"])
    oa = paid.groupby("主订单编号").agg(amt=("amt", "sum"), ph=("收件人手机号", "first"))
    pb = oa[oa.amt > 0].groupby("ph").size()
    check("dd3-04 buyers", int(pb.size), A["dd3-04"]["buyers"])
    check("dd3-04 repeat", int((pb >= 2).sum()), A["dd3-04"]["repeat_buyers"])
    allo = d.groupby("主订单编号").agg(st=("订单状态", "first"), pt=("支付完成时间", "first"))
    check("dd3-06 closed", int(((allo.st == "已关闭") & (allo.pt == "-")).sum()), A["dd3-06"]["closed_unpaid"])
    check("dd3-06 awaiting", int((allo.st == "待支付").sum()), A["dd3-06"]["awaiting_payment"])
    rf = paid[paid["售后状态"] == "退款成功"]
    check("dd3-07 amount", round(rf.amt.sum(), 2), A["dd3-07"]["refund_amount"])
    # 罗盘
    lp = pd.read_excel(OUT / F_LP)
    assert len(lp.columns) == 55
    lp["st"] = pd.to_datetime(lp["直播开始时间"], format="%Y/%m/%d %H:%M:%S")
    lp["en"] = pd.to_datetime(lp["直播结束时间"], format="%Y/%m/%d %H:%M:%S")
    n = lp[lp.st.dt.month == 11]
    check("lp-02 gpm", round(n["直播间成交金额"].sum() / n["直播间观看次数"].sum() * 1000, 2), A["lp-02"], 0.05)
    h1o = lp[(lp["主播昵称"] == "暖屿羊绒官方旗舰店") & (lp.st.dt.month == 10)]
    check("lp-01 sessions", len(h1o), A["lp-01"]["sessions"])
    # join: 11-30 live split using session windows
    paid["pt"] = pd.to_datetime(paid["支付完成时间"])
    d30 = paid[paid.pt.dt.date == pd.Timestamp("2025-11-30").date()]
    live = 0.0
    for _, s in lp[lp.st.dt.date == pd.Timestamp("2025-11-30").date()].iterrows():
        live += d30[(d30["达人昵称"] == s["主播昵称"]) & (d30.pt >= s.st) & (d30.pt <= s.en)].amt.sum()
    check("j-03 live", round(live, 2), A["j-03"]["live"])
    # join: distinct buyers in H1 Nov sessions vs 罗盘 sum
    ph = set()
    h1n = lp[(lp["主播昵称"] == "暖屿羊绒官方旗舰店") & (lp.st.dt.month == 11)]
    for _, s in h1n.iterrows():
        x = paid[(paid["达人昵称"] == s["主播昵称"]) & (paid.pt >= s.st) & (paid.pt <= s.en) & (paid.amt > 0)]
        ph |= set(x["收件人手机号"])
    check("j-02 distinct", len(ph), A["j-02"]["distinct_buyers"])
    check("j-02 sum", int(h1n["直播间成交人数"].sum()), A["j-02"]["sum_of_session_buyers"])
    # 拼多多 orders
    p = pd.read_csv(OUT / F_PDD, dtype=str, encoding="utf-8-sig", keep_default_na=False)
    pp = p[p["支付时间"] != ""].copy()
    pp["paid_amt"] = _num(pp["用户实付金额(元)"])
    pp["m"] = pd.to_datetime(pp["支付时间"]).dt.month
    check("pdd-03 oct", round(pp.loc[pp.m == 10, "paid_amt"].sum(), 2), A["pdd-03"]["oct"])
    pos = pp[pp.paid_amt > 0]
    k = pos[["收货人", "手机", "省", "市", "区", "街道"]].agg("|".join, axis=1)
    check("pdd-01", int(k.nunique()), A["pdd-01"])
    full = pp[pp["售后状态"] == "退款成功"]
    check("pdd-04 amount", round(full.paid_amt.sum(), 2), A["pdd-04"]["full_refund_amount"])
    check("pdd-06 cancelled", int((p["订单状态"] == "已取消").sum()), A["pdd-06"]["cancelled_unpaid"])
    # 拼多多 推广 (Excel re-saved, GBK, title line, 总计 row)
    t = pd.read_csv(OUT / F_TG, dtype=str, encoding="gbk", skiprows=1, keep_default_na=False)
    t = t[t["日期"] != "总计"]
    check("tg-01 spend", round(_num(t["总花费(元)"]).sum(), 2), A["tg-01"]["spend"])
    check("tg-01 gmv", round(_num(t["交易额(元)"]).sum(), 2), A["tg-01"]["gmv"])
    assert t["商品ID"].str.contains("E+", regex=False).all()
    check("tg-03", round(_num(t.loc[t["日期"] == "2025/11/11", "总花费(元)"]).sum(), 2), A["tg-03"])
    # 有赞
    y = pd.read_excel(OUT / F_YZ, dtype=str, keep_default_na=False)
    bt = pd.to_datetime(y["成为客户时间"])
    check("yzc-01", int(((bt >= "2025-11-01") & (bt < "2025-12-01")).sum()), A["yzc-01"]["new_customers"])
    check("yzc-04", round(_num(y["累计消费金额"]).sum() / _num(y["累计消费次数"]).sum(), 2), A["yzc-04"])
    # 生意参谋
    s = pd.read_excel(OUT / F_SY, header=4, dtype=str, keep_default_na=False)
    check("sy-01 pay", round(_num(s["支付金额"]).sum(), 2), A["sy-01"]["pay_amount"])
    check("sy-01 refund", round(_num(s["成功退款金额"]).sum(), 2), A["sy-01"]["refund_amount"])
    print(f"verify: {ok} checks on re-read files")
    print("verify: all checks passed")


if __name__ == "__main__":
    main()
