#!/usr/bin/env python3
"""Blind test-set generator: synthetic shop exports in the real layouts of Chinese platforms.

Run:  uv run python bench/blind/platform_files/make_files.py   (writes the files beside this script)

Writes into the directory of this script:
  1748741295_抖店订单导出_20250301-20250531.csv   抖店 订单管理→导出 (商品维度, UTF-8 BOM, "\t"-prefixed ids)
  罗盘_直播列表_20250301-20250531.xlsx             抖音电商罗盘-style per-session live report (same shop/hosts)
  淘宝_ExportOrderList_20250301-20250531.xlsx       千牛/淘宝 order report workbook with a title row
  快手小店_订单导出_20250301-20250531.csv           快手小店 order export (GBK)  [layout assumed]
  有赞_订单导出_20250301-20250531.csv               有赞 订单维度 export (UTF-8 BOM)
  抖店订单_20250601-20250615_Excel另存.csv          the 抖店 export for June opened in Excel and re-saved
                                                    (GBK, ￥1,234.50 amounts, 2025/6/3 20:15 dates)
  answers.yaml                                      questions + true answers computed from the ground truth
Everything is synthetic; fixed seed.
"""
import csv
import datetime as dt
import io
import os
import random
from collections import Counter, defaultdict

import pandas as pd
import yaml
from openpyxl import Workbook
from openpyxl.styles import Font

OUT = os.path.dirname(os.path.abspath(__file__))
SEED = 20250601
R = random.Random(SEED)
D = dt.datetime


def fmt(t):
    return t.strftime("%Y-%m-%d %H:%M:%S") if t is not None else None


def yuan(c):
    """cents -> '12.30'"""
    return f"{c / 100:.2f}"


# ----------------------------------------------------------------------------------------------
# people and places
# ----------------------------------------------------------------------------------------------
SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
SURNAME_W = [1.0 / (i + 4) for i in range(len(SURNAMES))]
GIVEN = list("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华玉萍红娥玲芬燕彬鹏辉建国志文斌宇浩凯欣怡佳琪梓涵子轩雨婷晨阳思远嘉俊婉晴瑶倩颖慧雪琳璐淑珍凤梅丹月春海波")
PREFIX = ["130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153", "155",
          "156", "157", "158", "159", "166", "173", "175", "176", "177", "180", "181", "182", "183", "185",
          "186", "187", "188", "189", "191", "198", "199"]
GEO = [  # province, city, district, streets, roads, weight
    ("浙江省", "杭州市", "西湖区", ["西溪街道", "文新街道", "翠苑街道"], ["文三路", "古墩路", "学院路", "天目山路"], 5),
    ("浙江省", "杭州市", "余杭区", ["五常街道", "仓前街道", "良渚街道"], ["文一西路", "荆长大道", "良渚大道"], 4),
    ("浙江省", "宁波市", "鄞州区", ["首南街道", "中河街道"], ["天童南路", "日丽中路"], 2),
    ("江苏省", "南京市", "鼓楼区", ["湖南路街道", "华侨路街道"], ["中山北路", "湖南路"], 3),
    ("江苏省", "苏州市", "吴中区", ["长桥街道", "越溪街道"], ["东吴北路", "吴中大道"], 3),
    ("上海市", "上海市", "浦东新区", ["张江镇", "花木街道", "陆家嘴街道"], ["张衡路", "锦绣路", "世纪大道"], 6),
    ("上海市", "上海市", "闵行区", ["莘庄镇", "古美路街道"], ["莘松路", "古美路"], 3),
    ("北京市", "北京市", "朝阳区", ["望京街道", "三里屯街道", "劲松街道"], ["阜通东大街", "工体北路", "劲松路"], 5),
    ("北京市", "北京市", "海淀区", ["中关村街道", "学院路街道"], ["中关村大街", "学院路"], 4),
    ("广东省", "广州市", "天河区", ["天河南街道", "石牌街道"], ["天河路", "体育西路", "石牌西路"], 5),
    ("广东省", "深圳市", "南山区", ["粤海街道", "南头街道"], ["科技园路", "南海大道"], 5),
    ("广东省", "深圳市", "宝安区", ["新安街道", "西乡街道"], ["宝安大道", "前进路"], 3),
    ("广东省", "佛山市", "顺德区", ["大良街道", "容桂街道"], ["东乐路", "桂洲大道"], 2),
    ("四川省", "成都市", "武侯区", ["玉林街道", "红牌楼街道"], ["玉林南路", "佳灵路"], 3),
    ("四川省", "成都市", "成华区", ["猛追湾街道", "建设路街道"], ["建设路", "府青路"], 2),
    ("重庆市", "重庆市", "渝北区", ["龙溪街道", "回兴街道"], ["新牌坊路", "金开大道"], 3),
    ("湖北省", "武汉市", "洪山区", ["关山街道", "珞南街道"], ["珞喻路", "关山大道"], 3),
    ("湖南省", "长沙市", "岳麓区", ["望月湖街道", "观沙岭街道"], ["麓山南路", "金星中路"], 2),
    ("山东省", "济南市", "历下区", ["泉城路街道", "解放路街道"], ["泉城路", "解放路"], 2),
    ("山东省", "青岛市", "市南区", ["香港中路街道", "八大湖街道"], ["香港中路", "东海西路"], 2),
    ("河南省", "郑州市", "金水区", ["花园路街道", "文化路街道"], ["花园路", "文化路"], 3),
    ("福建省", "厦门市", "思明区", ["鹭江街道", "莲前街道"], ["湖滨南路", "莲前西路"], 2),
    ("陕西省", "西安市", "雁塔区", ["小寨路街道", "电子城街道"], ["长安中路", "电子二路"], 2),
    ("天津市", "天津市", "南开区", ["学府街道", "长虹街道"], ["卫津路", "红旗南路"], 2),
    ("安徽省", "合肥市", "蜀山区", ["三里庵街道", "琥珀街道"], ["长江西路", "潜山路"], 2),
    ("辽宁省", "沈阳市", "和平区", ["南湖街道", "太原街街道"], ["三好街", "南京北街"], 1),
    ("河北省", "石家庄市", "长安区", ["建北街道", "育才街道"], ["中山东路", "建设北大街"], 1),
    ("江西省", "南昌市", "红谷滩区", ["沙井街道", "凤凰洲管理处"], ["红谷中大道", "丰和中大道"], 1),
    ("云南省", "昆明市", "盘龙区", ["拓东街道", "联盟街道"], ["北京路", "白塔路"], 1),
    ("广西壮族自治区", "南宁市", "青秀区", ["新竹街道", "中山街道"], ["民族大道", "东葛路"], 1),
]
GEO_W = [g[5] for g in GEO]


def new_person(r, geo=None):
    s = r.choices(SURNAMES, SURNAME_W)[0]
    n = 2 if r.random() < 0.4 else 3
    name = s + "".join(r.choice(GIVEN) for _ in range(n - 1))
    phone = r.choice(PREFIX) + "".join(str(r.randint(0, 9)) for _ in range(8))
    g = geo or r.choices(GEO, GEO_W)[0]
    street = r.choice(g[3])
    road = r.choice(g[4])
    house = f"{r.randint(1, 999)}号" + (f"{r.randint(1, 30)}幢{r.randint(1, 30)}{r.randint(1, 4):02d}室"
                                         if r.random() < 0.7 else f"{r.choice(['A', 'B', 'C'])}座{r.randint(2, 28)}楼")
    return dict(name=name, phone=phone, prov=g[0], city=g[1], dist=g[2], street=street, road=road, house=house)


def mask_name(n):  # 张** / 王*
    return n[0] + "*" * (len(n) - 1)


def mask_phone_mid(p):  # 138****5678
    return p[:3] + "****" + p[-4:]


def mask_phone_tail2(p):  # 1********35
    return p[0] + "*" * 8 + p[-2:]


def mask_detail(p):  # 文三路***
    return p["road"] + "***"


# ----------------------------------------------------------------------------------------------
# 抖店 buyers (identified only by masked name + masked phone + address)
# ----------------------------------------------------------------------------------------------
def dd_key(p):
    return (mask_name(p["name"]), mask_phone_mid(p["phone"]), p["prov"], p["city"], p["dist"], p["street"],
            mask_detail(p))


def make_dd_buyers(n, r, n_twins=30, n_family=20, existing=None):
    buyers, keys = [], set(existing or [])
    while len(buyers) < n - n_twins - n_family:
        p = new_person(r)
        k = dd_key(p)
        if k in keys:
            continue
        keys.add(k)
        p["kind"] = "normal"
        buyers.append(p)
    base = list(buyers)
    # "twins": same masked name + masked phone, different address -> different people
    made = 0
    while made < n_twins:
        a = r.choice(base)
        b = new_person(r)
        b["name"] = a["name"][0] + "".join(r.choice(GIVEN) for _ in range(len(a["name"]) - 1))
        b["phone"] = a["phone"][:3] + "".join(str(r.randint(0, 9)) for _ in range(4)) + a["phone"][-4:]
        if b["phone"] == a["phone"] or (b["dist"] == a["dist"]):
            continue
        k = dd_key(b)
        if k in keys:
            continue
        keys.add(k)
        b["kind"] = "twin"
        buyers.append(b)
        made += 1
    # family members: same address, different name/phone
    made = 0
    while made < n_family:
        a = r.choice(base)
        b = new_person(r)
        for f in ("prov", "city", "dist", "street", "road", "house"):
            b[f] = a[f]
        k = dd_key(b)
        if k in keys:
            continue
        keys.add(k)
        b["kind"] = "family"
        buyers.append(b)
        made += 1
    r.shuffle(buyers)
    return buyers


# ----------------------------------------------------------------------------------------------
# catalog
# ----------------------------------------------------------------------------------------------
# key, 商品ID, 选购商品, 商品规格, price(cents), 商家编码, popularity
DD_PRODUCTS = [
    ("P01", "3689521047736281234", "山野小馆 每日坚果混合果仁 孕妇儿童零食", "750g/30袋", 8990, "SY-MRJG-30", 10.0),
    ("P02", "3689521047736281234", "山野小馆 每日坚果混合果仁 孕妇儿童零食", "375g/15袋", 4990, "SY-MRJG-15", 6.5),
    ("P03", "3689521047736289013", "山野小馆 手剥山核桃仁 临安特产", "250g/罐", 5990, "SY-SHT-250", 4.0),
    ("P04", "3689521047736290551", "山野小馆 夏威夷果 奶油味 大颗粒", "500g/袋", 3990, "SY-XWY-500", 6.0),
    ("P05", "3689521047736291846", "山野小馆 碧根果 长寿果 奶油味", "500g/袋", 4590, "SY-BGG-500", 3.5),
    ("P06", "3689521047736293370", "山野小馆 巴旦木 薄壳原味", "500g/袋", 3590, "SY-BDM-500", 3.0),
    ("P07", "3689521047736294418", "山野小馆 蜂蜜黄油味腰果", "454g/罐", 4290, "SY-YG-454", 2.5),
    ("P08", "3689521047736295527", "山野小馆 冻干草莓脆 无添加蔗糖", "60g*3袋", 2990, "SY-DGCM-3", 4.5),
    ("P09", "3689521047736296604", "山野小馆 黑芝麻丸 0添加白砂糖", "252g/盒(36颗)", 3990, "SY-HZMW-36", 7.5),
    ("P10", "3689521047736297785", "山野小馆 红枣夹核桃 新疆若羌灰枣", "500g/袋", 3290, "SY-HZJHT-500", 5.0),
    ("P11", "3689521047736298862", "山野小馆 猪肉脯 靖江特产 原味", "200g/袋", 2690, "SY-ZRF-200", 4.0),
    ("P12", "3689521047736299947", "山野小馆 牛肉干 内蒙古风干手撕", "250g/袋", 7990, "SY-NRG-250", 2.5),
    ("P13", "3689521047736301125", "山野小馆 芒果干 泰国风味 厚切", "400g/袋", 2590, "SY-MGG-400", 3.5),
    ("P14", "3689521047736302209", "山野小馆 海苔肉松卷 早餐小零食", "300g/箱", 1990, "SY-HTRS-300", 8.5),
    ("P15", "3689521047736303318", "山野小馆 坚果燕麦片 即食冲饮", "1000g/袋", 3690, "SY-YMP-1000", 3.0),
    ("P16", "3689521047736304427", "山野小馆 坚果零食大礼包 年货送礼", "1.6kg/礼盒(14袋)", 12900, "SY-LB-129", 2.0),
    ("P17", "3689521047736305536", "山野小馆 臻品坚果礼盒 企业团购", "2.2kg/礼盒(8罐)", 29900, "SY-LB-299", 0.8),
    ("P18", "3689521047736306645", "山野小馆 山珍年礼 高端坚果干货礼盒", "3.5kg/木箱装", 128800, "SY-LB-1288", 0.2),
    ("P19", "3689521047736307754", "山野小馆 开心果 原色无漂白", "500g/袋", 4990, "SY-KXG-500", 3.5),
    ("P20", "3689521047736308863", "山野小馆 辣条 大面筋 童年怀旧", "30包/箱", 1690, "SY-LT-30", 4.0),
    ("P21", "3689521047736309972", "山野小馆 山楂条 无添加 酸甜开胃", "500g/袋", 1890, "SY-SZT-500", 3.0),
    ("P22", "3689521047736311081", "山野小馆 试吃装 每日坚果 体验装", "25g*3袋", 990, "SY-SCZ-3", 3.0),
]
DD_FUDAI = ("P99", "3689521047736399999", "【直播间福袋】山野小馆 每日坚果 试吃装", "25g*2袋(福袋专享)", 0,
            "SY-FD-0", 0)
DD_PROD = {p[0]: p for p in DD_PRODUCTS + [DD_FUDAI]}

# ----------------------------------------------------------------------------------------------
# 抖店 hosts and live sessions
# ----------------------------------------------------------------------------------------------
DD_HOSTS = [
    dict(nick="山野小馆官方旗舰店", id="4182736450", dyid="shanyexiaoguan", kind="自播", w=1.0),
    dict(nick="山野小馆零食铺", id="4187720193", dyid="syxg_lingshipu", kind="自播", w=0.55),
    dict(nick="吃货小美", id="102938475610", dyid="chihuoxiaomei", kind="达人", w=1.6),
    dict(nick="老王测评", id="93847561029", dyid="laowangceping", kind="达人", w=2.0),
    dict(nick="阿玉的厨房", id="2039485761", dyid="ayu_kitchen", kind="达人", w=1.2),
]
BIG_DAYS = {dt.date(2025, 3, 8): 3.0, dt.date(2025, 4, 18): 2.0, dt.date(2025, 5, 20): 3.0,
            dt.date(2025, 6, 1): 2.0, dt.date(2025, 6, 12): 2.5}


def make_sessions(d0, d1, r):
    """list of sessions (host index, start, end, weight) for dates d0..d1 inclusive"""
    sess = []
    d = d0
    ayu_days = set()
    all_days = [d0 + dt.timedelta(days=i) for i in range((d1 - d0).days + 1)]
    for x in r.sample(all_days, max(2, len(all_days) // 15)):
        ayu_days.add(x)
    while d <= d1:
        wd = d.weekday()
        plans = []
        if r.random() > 0.1:
            plans.append((0, dt.time(19, r.randint(0, 30), r.randint(0, 59)), r.randint(180, 270)))
        if wd in (0, 2, 4, 5):
            plans.append((1, dt.time(13, r.randint(30, 59), r.randint(0, 59)), r.randint(150, 210)))
        if wd in (1, 3):
            plans.append((2, dt.time(20, r.randint(0, 30), r.randint(0, 59)), r.randint(120, 180)))
        if wd == 6:
            plans.append((3, dt.time(19, r.randint(30, 59), r.randint(0, 59)), r.randint(150, 200)))
        if d in ayu_days:
            plans.append((4, dt.time(10, r.randint(0, 59), r.randint(0, 59)), r.randint(120, 150)))
        for h, t, mins in plans:
            start = D.combine(d, t)
            end = start + dt.timedelta(minutes=mins, seconds=r.randint(0, 59))
            w = DD_HOSTS[h]["w"] * r.lognormvariate(0, 0.35) * BIG_DAYS.get(d, 1.0)
            sess.append(dict(host=h, start=start, end=end, w=w))
        d += dt.timedelta(days=1)
    sess.sort(key=lambda s: s["start"])
    for i, s in enumerate(sess):
        s["sid"] = i
    return sess


HOUR_W = [2, 1, 0.5, 0.3, 0.3, 0.4, 0.8, 1.5, 2.5, 3, 3.5, 4, 4.5, 4, 3.5, 3.5, 3.5, 4, 5, 6, 7, 7.5, 6, 4]


def random_time(d0, d1, r):
    days = (d1 - d0).days + 1
    d = d0 + dt.timedelta(days=r.randrange(days))
    h = r.choices(range(24), HOUR_W)[0]
    return D.combine(d, dt.time(h, r.randint(0, 59), r.randint(0, 59)))


def orders_per_buyer(r):
    x = r.random()
    if x < 0.58:
        return 1
    if x < 0.78:
        return 2
    if x < 0.88:
        return 3
    if x < 0.96:
        return r.randint(4, 6)
    return r.randint(7, 14)


CANCEL_UNPAID = ["超时未支付", "买家取消订单", "超时未支付", "拍错/多拍", "不想要了"]
REFUND_REASON = ["不想要了", "拍错/多拍", "地址填写错误", "未按约定时间发货", "商品质量问题", "其他"]
CARRIERS = ["中通快递", "圆通速递", "韵达快递", "申通快递", "极兔速递", "顺丰速运"]


def gen_dd_orders(buyers, sessions, d0, d1, export_t, id_base, r, k_override=None):
    """Ground truth for a 抖店 export: one dict per sub-order."""
    by_host = defaultdict(list)
    for s in sessions:
        by_host[s["host"]].append(s)
    sess_w = [s["w"] * (s["end"] - s["start"]).total_seconds() for s in sessions]
    orders = []  # list of (submit_time, buyer_idx, channel, session or None, host or None)
    for bi, b in enumerate(buyers):
        k = k_override[bi] if k_override else orders_per_buyer(r)
        for _ in range(k):
            x = r.random()
            if x < 0.021:
                ch = "福袋"
            elif x < 0.60:
                ch = "直播"
            elif x < 0.85:
                ch = "商品卡"
            elif x < 0.95:
                ch = "短视频"
            else:
                ch = "其他"
            sess = host = None
            if ch in ("直播", "福袋"):
                sess = r.choices(sessions, sess_w)[0]
                host = sess["host"]
                span = (sess["end"] - sess["start"]).total_seconds() - 480
                t = sess["start"] + dt.timedelta(seconds=r.uniform(30, span))
            elif ch == "短视频":
                host = r.choices(range(len(DD_HOSTS)), [3, 1, 2, 2, 1])[0]
                t = random_time(d0, d1, r)
            else:
                t = random_time(d0, d1, r)
            if t >= export_t - dt.timedelta(minutes=20):
                t = export_t - dt.timedelta(hours=r.randint(1, 40))
            orders.append((t.replace(microsecond=0), bi, ch, sess, host))
    orders.sort(key=lambda o: o[0])
    rows = []
    oid = id_base
    prods = [p for p in DD_PRODUCTS]
    pw = [p[6] for p in prods]
    for (t, bi, ch, sess, host) in orders:
        oid += r.randint(11, 4000)
        main_id = str(oid)
        age = (export_t - t).total_seconds() / 86400
        # items
        if ch == "福袋":
            items = [(DD_FUDAI, 1)]
        else:
            n_items = 1 if r.random() < 0.82 else (2 if r.random() < 0.8 else 3)
            chosen = []
            while len(chosen) < n_items:
                p = r.choices(prods, pw)[0]
                if p[0] in [c[0][0] for c in chosen]:
                    continue
                q = 1 if r.random() < 0.86 else (2 if r.random() < 0.8 else 3)
                if p[4] >= 29900:
                    q = 1
                chosen.append((p, q))
            items = chosen
        # order-level status
        unpaid = ch != "福袋" and r.random() < 0.07
        pay_t = None if unpaid else t + dt.timedelta(seconds=r.randint(4, 240))
        x = r.random()
        if unpaid:
            ostate = "unpaid"
        elif ch == "福袋":
            ostate = "normal"
        elif x < 0.085:
            ostate = "refund_full"
        elif x < 0.115:
            ostate = "aftersale_closed"
        elif x < 0.125 and age < 25:
            ostate = "return_pending"
        else:
            ostate = "normal"
        partial_idx = None
        if ostate == "normal" and len(items) > 1 and r.random() < 0.12:
            partial_idx = r.randrange(len(items))
        # shipping timeline
        ship_t = None
        if pay_t is not None:
            cand = pay_t + dt.timedelta(hours=r.uniform(6, 46))
            if cand < export_t - dt.timedelta(hours=2):
                ship_t = cand
        refund_before_ship = ostate == "refund_full" and (ship_t is None or r.random() < 0.55)
        if refund_before_ship:
            ship_t = None
        done_t = None
        if ship_t is not None and ostate in ("normal", "aftersale_closed"):
            cand = ship_t + dt.timedelta(days=r.uniform(3, 9))
            if cand < export_t:
                done_t = cand
        if ostate == "return_pending" and ship_t is None:
            ship_t = pay_t + dt.timedelta(hours=20)
        for ii, (p, q) in enumerate(items):
            sub_id = main_id if len(items) == 1 else str(oid + ii + 1)
            unit = p[4]
            gross = unit * q
            m_disc = 0
            if gross >= 9900 and r.random() < 0.35:
                m_disc = 1000
            elif gross >= 5900 and r.random() < 0.35:
                m_disc = 500
            p_disc = r.choice([200, 300, 500, 800]) if gross >= 2000 and r.random() < 0.12 else 0
            t_disc = 300 if host is not None and DD_HOSTS[host]["kind"] == "达人" and gross >= 3000 \
                and r.random() < 0.15 else 0
            pay = gross - m_disc - p_disc - t_disc
            sub_state = ostate
            if partial_idx is not None and ii == partial_idx:
                sub_state = "refund_partial"
            if sub_state == "unpaid":
                status, after, cancel = "已关闭", "-", r.choice(CANCEL_UNPAID)
            elif sub_state in ("refund_full", "refund_partial"):
                status, after, cancel = "已关闭", "退款成功", (r.choice(REFUND_REASON) if refund_before_ship else "-")
            elif sub_state == "return_pending":
                status, after, cancel = "已发货", "待收退货", "-"
            else:
                after = "售后关闭" if sub_state == "aftersale_closed" else "-"
                cancel = "-"
                if done_t is not None:
                    status = "已完成"
                elif ship_t is not None:
                    status = "已发货"
                else:
                    status = "待发货"
            sub_ship = ship_t if (sub_state not in ("unpaid",) and not (
                sub_state == "refund_full" and refund_before_ship)) else None
            rows.append(dict(
                main_id=main_id, sub_id=sub_id, buyer=bi, pkey=p[0], pid=p[1], pname=p[2], spec=p[3],
                code=p[5], qty=q, unit=unit, gross=gross, m_disc=m_disc, p_disc=p_disc, t_disc=t_disc, pay=pay,
                submit=t, paid_at=pay_t, ship=sub_ship,
                done=done_t if status == "已完成" else None, status=status, after=after, cancel=cancel,
                channel=ch, host=host, sid=sess["sid"] if sess else None, n_items=len(items),
            ))
        oid += len(items) + 1
    return pd.DataFrame(rows)


DD_COLUMNS = [
    "主订单编号", "子订单编号", "选购商品", "商品规格", "商品数量", "商品ID", "商家编码", "商品单价", "订单应付金额", "运费",
    "优惠总金额", "平台优惠", "商家优惠", "达人优惠", "商家改价", "支付优惠", "红包抵扣", "支付方式", "手续费",
    "收件人", "收件人手机号", "省", "市", "区", "街道", "详细地址", "是否修改过地址", "买家留言",
    "订单提交时间", "旗帜颜色", "商家备注", "订单完成时间", "支付完成时间", "APP渠道", "流量来源", "订单状态",
    "承诺发货时间", "订单类型", "鲁班落地页ID", "达人ID", "达人昵称", "所属门店ID", "售后状态", "取消原因",
    "预约发货时间", "仓库ID", "仓库名称", "是否安心购", "广告渠道", "流量类型", "流量体裁", "流量渠道",
    "发货主体", "发货主体明细", "发货时间", "降价类优惠", "平台实际承担优惠金额", "商家实际承担优惠金额",
    "达人实际承担优惠金额", "快递信息",
]
DD_TAB_COLS = {"主订单编号", "子订单编号", "选购商品", "商品规格", "商品ID", "商家编码", "达人ID"}
DD_MONEY_COLS = ["商品单价", "订单应付金额", "运费", "优惠总金额", "平台优惠", "商家优惠", "达人优惠", "商家改价",
                 "支付优惠", "红包抵扣", "手续费", "降价类优惠", "平台实际承担优惠金额", "商家实际承担优惠金额",
                 "达人实际承担优惠金额"]
DD_TIME_COLS = ["订单提交时间", "订单完成时间", "支付完成时间", "承诺发货时间", "发货时间"]


def dd_file_rows(gt, buyers, r):
    """Render ground-truth sub-orders to 抖店 export cells (all strings; '-' for empty)."""
    out = []
    track = {}
    for row in gt.itertuples(index=False):
        b = buyers[row.buyer]
        host = DD_HOSTS[int(row.host)] if row.host is not None and not pd.isna(row.host) else None
        ch = row.channel
        if ch in ("直播", "福袋"):
            ticai, qudao = "直播", "直播间"
        elif ch == "商品卡":
            ticai, qudao = "商品卡", r.choice(["搜索", "商城推荐", "店铺页", "搜索"])
        elif ch == "短视频":
            ticai, qudao = "短视频", "短视频"
        else:
            ticai, qudao = "其他", "其他"
        if host is not None:
            laiyuan = "精选联盟" if host["kind"] == "达人" else "自营"
        else:
            laiyuan = "商城" if ch == "商品卡" else "其他"
        paid = row.paid_at is not None and not pd.isna(row.paid_at)
        if row.pkey == "P99":
            paymethod = "无需支付"
        elif not paid:
            paymethod = "-"
        else:
            paymethod = R.choices(["抖音支付", "微信", "支付宝", "抖音月付"], [5, 3, 2, 1])[0]
        ship = row.ship if (row.ship is not None and not pd.isna(row.ship)) else None
        if ship is not None:
            if row.main_id not in track:
                track[row.main_id] = f"{R.choice(CARRIERS)}:{R.choice(['7', '4', '3'])}{R.randint(10 ** 11, 10 ** 12 - 1)}"
            kuaidi = track[row.main_id]
        else:
            kuaidi = "-"
        promise = row.paid_at + dt.timedelta(hours=48) if paid else None
        disc = row.m_disc + row.p_disc + row.t_disc
        cells = {
            "主订单编号": row.main_id, "子订单编号": row.sub_id, "选购商品": row.pname, "商品规格": row.spec,
            "商品数量": str(row.qty), "商品ID": row.pid, "商家编码": row.code, "商品单价": yuan(row.unit),
            "订单应付金额": yuan(row.pay), "运费": "0.00", "优惠总金额": yuan(disc), "平台优惠": yuan(row.p_disc),
            "商家优惠": yuan(row.m_disc), "达人优惠": yuan(row.t_disc), "商家改价": "0.00", "支付优惠": "0.00",
            "红包抵扣": "0.00", "支付方式": paymethod, "手续费": "0.00",
            "收件人": mask_name(b["name"]), "收件人手机号": mask_phone_mid(b["phone"]), "省": b["prov"],
            "市": b["city"], "区": b["dist"], "街道": b["street"], "详细地址": mask_detail(b),
            "是否修改过地址": "否", "买家留言": "-", "订单提交时间": fmt(row.submit), "旗帜颜色": "-",
            "商家备注": "-", "订单完成时间": fmt(row.done) if row.done is not None and not pd.isna(row.done) else "-",
            "支付完成时间": fmt(row.paid_at) if paid else "-",
            "APP渠道": R.choices(["抖音", "抖音极速版", "抖音火山版", "抖音商城"], [10, 3, 1, 2])[0],
            "流量来源": laiyuan, "订单状态": row.status, "承诺发货时间": fmt(promise) if promise else "-",
            "订单类型": "普通订单", "鲁班落地页ID": "-", "达人ID": host["id"] if host else "-",
            "达人昵称": host["nick"] if host else "-", "所属门店ID": "-", "售后状态": row.after,
            "取消原因": row.cancel if row.cancel != "-" else "", "预约发货时间": "-", "仓库ID": "-", "仓库名称": "-",
            "是否安心购": "否", "广告渠道": "千川" if (ch in ("直播", "短视频") and R.random() < 0.3) else "-",
            "流量类型": "付费流量" if R.random() < 0.25 and ch in ("直播", "短视频") else "自然流量",
            "流量体裁": ticai, "流量渠道": qudao, "发货主体": "商家", "发货主体明细": "商家自发",
            "发货时间": fmt(ship) if ship else "-", "降价类优惠": "0.00", "平台实际承担优惠金额": yuan(row.p_disc),
            "商家实际承担优惠金额": yuan(row.m_disc), "达人实际承担优惠金额": yuan(row.t_disc), "快递信息": kuaidi,
        }
        if R.random() < 0.04 and row.pkey != "P99":
            cells["买家留言"] = R.choice(["尽快发货谢谢", "送人的，不要放发票", "请发顺丰", "日期新鲜一点"])
        if R.random() < 0.03:
            cells["商家备注"] = R.choice(["已改价", "补发赠品", "客户要求延迟发货", "直播间承诺送试吃装"])
            cells["旗帜颜色"] = R.choice(["红", "黄", "绿"])
        out.append(cells)
    return out


def csv_line(vals, quote_flags):
    parts = []
    for v, qf in zip(vals, quote_flags):
        s = "" if v is None else str(v)
        if qf or any(c in s for c in ',"\n\r'):
            s = '"' + s.replace('"', '""') + '"'
        parts.append(s)
    return ",".join(parts)


def write_dd_csv(path, rows):
    lines = [",".join(DD_COLUMNS)]
    flags = [c in DD_TAB_COLS for c in DD_COLUMNS]
    for cells in rows:
        vals = [("\t" + cells[c]) if (c in DD_TAB_COLS and cells[c] != "-") else cells[c] for c in DD_COLUMNS]
        lines.append(csv_line(vals, flags))
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        f.write("\r\n".join(lines) + "\r\n")


def excel_resave_rows(rows):
    """Simulate: open the export in Excel, format money as currency and ids as text, save as CSV (GBK)."""
    out = []
    for cells in rows:
        c2 = dict(cells)
        for c in DD_TIME_COLS:
            v = c2[c]
            if v and v != "-":
                t = D.strptime(v, "%Y-%m-%d %H:%M:%S")
                c2[c] = f"{t.year}/{t.month}/{t.day} {t.hour}:{t.minute:02d}"
        for c in DD_MONEY_COLS:
            v = float(c2[c])
            c2[c] = f"￥{v:,.2f}"
        out.append(c2)
    return out


def write_resaved_csv(path, rows):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(DD_COLUMNS)
    for cells in rows:
        w.writerow([cells[c] for c in DD_COLUMNS])
    with open(path, "w", encoding="gbk", newline="") as f:
        f.write(buf.getvalue())


# ----------------------------------------------------------------------------------------------
# 罗盘 live-session report
# ----------------------------------------------------------------------------------------------
COMPASS_COLUMNS = [
    "主播昵称", "主播抖音号", "直播开始时间", "直播结束时间", "直播时长(分钟)", "直播间曝光人数", "直播间观看人数",
    "直播间观看次数", "最高在线人数", "平均在线人数", "人均观看时长(分钟)", "新增粉丝数", "直播间商品曝光人数",
    "直播间商品点击人数", "商品点击率", "直播间成交订单数", "直播间成交人数", "直播间用户支付金额", "千次观看成交金额",
]


def compass_rows(sessions, gt, r):
    live = gt[(gt.channel.isin(["直播", "福袋"])) & gt.paid_at.notna()].copy()
    rows = []
    for s in sessions:
        h = DD_HOSTS[s["host"]]
        m = live[(live.host == s["host"]) & (live.paid_at >= s["start"]) & (live.paid_at <= s["end"])]
        mo = m.groupby("main_id").agg(pay=("pay", "sum"), buyer=("buyer", "first"))
        mo = mo[mo.pay > 0]
        gmv_c = int(mo.pay.sum())
        n_orders = int(len(mo))
        n_buyers = int(mo.buyer.nunique())
        mins = int((s["end"] - s["start"]).total_seconds() // 60)
        if n_buyers > 0:
            viewers = max(400, int(n_buyers / r.uniform(0.004, 0.018)))
        else:
            viewers = r.randint(300, 1500)
        views = int(viewers * r.uniform(1.25, 1.9))
        avg_watch = round(r.uniform(0.6, 3.8), 2)
        avg_online = max(1, int(viewers * avg_watch / mins))
        peak = int(avg_online * r.uniform(1.6, 3.2)) + 1
        expo = int(viewers / r.uniform(0.15, 0.45))
        p_expo = int(viewers * r.uniform(0.45, 0.8))
        p_click = int(p_expo * r.uniform(0.06, 0.22))
        ctr = p_click / p_expo if p_expo else 0
        gpm = round(gmv_c / 100 / views * 1000, 2) if views else 0.0
        rows.append({
            "主播昵称": h["nick"], "主播抖音号": h["dyid"], "直播开始时间": s["start"].strftime("%Y/%m/%d %H:%M:%S"),
            "直播结束时间": s["end"].strftime("%Y/%m/%d %H:%M:%S"), "直播时长(分钟)": mins, "直播间曝光人数": expo,
            "直播间观看人数": viewers, "直播间观看次数": views, "最高在线人数": peak, "平均在线人数": avg_online,
            "人均观看时长(分钟)": avg_watch, "新增粉丝数": int(viewers * r.uniform(0.005, 0.03)),
            "直播间商品曝光人数": p_expo, "直播间商品点击人数": p_click, "商品点击率": f"{ctr * 100:.2f}%",
            "直播间成交订单数": n_orders, "直播间成交人数": n_buyers, "直播间用户支付金额": round(gmv_c / 100, 2),
            "千次观看成交金额": gpm, "_sid": s["sid"], "_start": s["start"], "_host": s["host"],
        })
    return rows


# ----------------------------------------------------------------------------------------------
# 淘宝
# ----------------------------------------------------------------------------------------------
TB_ITEMS = [  # title, price cents, weight
    ("山野小馆每日坚果750g30包混合果仁孕妇儿童零食干果大礼包", 9900, 9),
    ("山野小馆每日坚果375g15包混合坚果果仁小包装休闲零食", 5290, 6),
    ("山野小馆临安手剥山核桃仁250g罐装小核桃仁坚果零食", 6290, 4),
    ("山野小馆夏威夷果500g奶油味大颗粒坚果干果零食袋装", 4290, 6),
    ("山野小馆黑芝麻丸0添加白砂糖九蒸九晒独立包装252g", 4290, 7),
    ("山野小馆新疆若羌红枣夹核桃仁500g枣夹核桃零食", 3590, 5),
    ("山野小馆靖江猪肉脯200g原味蜜汁肉干肉铺休闲零食", 2990, 4),
    ("山野小馆海苔肉松卷300g整箱早餐面包小零食", 2190, 6),
    ("山野小馆冻干草莓脆60g*3袋无添加蔗糖果干", 3290, 4),
    ("山野小馆坚果零食大礼包1.6kg送礼年货礼盒14袋", 13900, 2),
    ("山野小馆臻品坚果礼盒2.2kg企业团购福利礼品", 31900, 0.8),
    ("山野小馆开心果500g原色无漂白大颗粒坚果", 5290, 3.5),
]
TB_COLUMNS = [
    "订单编号", "买家会员名", "买家支付宝账号", "支付单号", "买家应付货款", "买家应付邮费", "买家支付积分", "总金额", "返点积分",
    "买家实际支付金额", "买家实际支付积分", "订单状态", "买家留言", "收货人姓名", "收货地址 ", "运送方式", "联系电话",
    "联系手机", "订单创建时间", "订单付款时间 ", "宝贝标题 ", "宝贝种类", "物流单号 ", "物流公司", "订单备注",
    "宝贝总数量", "店铺Id", "店铺名称", "订单关闭原因", "卖家服务费", "买家服务费", "发票抬头", "是否手机订单",
    "分阶段订单信息", "特权订金订单id", "是否上传合同照片", "是否上传小票", "是否代付", "定金排名", "修改后的sku",
    "修改后的收货地址", "异常信息", "天猫卡券抵扣", "集分宝抵扣", "是否是O2O交易", "退款金额", "预约门店",
    "发货时间", "确认收货时间", "打款商家金额",
]
PINYIN = ["xiaoxiong", "momo", "ayu", "dudu", "lele", "sunny", "lily", "kk", "tiantian", "mianmian", "guoguo",
          "yoyo", "nana", "beibei", "doudou", "jiajia", "xixi", "tutu", "qiqi", "haohao", "coco", "maomao"]
CN_NICK = ["爱吃坚果的", "小熊", "吃货", "快乐的", "阳光", "柠檬", "奶茶", "小鱼", "向日葵", "猫咪", "星星", "橘子"]


def tb_nick(r):
    x = r.random()
    if x < 0.35:
        return "tb" + "".join(str(r.randint(0, 9)) for _ in range(r.choice([9, 10, 11])))
    if x < 0.7:
        return r.choice(PINYIN) + str(r.randint(1, 9999))
    return r.choice(CN_NICK) + r.choice(["宝宝", "妈妈", "小姐姐", "大叔", "同学", "酱"]) + str(r.randint(1, 999))


def gen_tb(r):
    n_b = 760
    nicks, seen = [], set()
    while len(nicks) < n_b:
        n = tb_nick(r)
        if n in seen:
            continue
        seen.add(n)
        nicks.append(n)
    buyers = [dict(nick=n, person=new_person(r)) for n in nicks]
    export_t = D(2025, 6, 1, 10, 12, 33)
    d0, d1 = dt.date(2025, 3, 1), dt.date(2025, 5, 31)
    orders = []
    for bi in range(n_b):
        for _ in range(orders_per_buyer(r)):
            orders.append((random_time(d0, d1, r), bi))
    orders.sort()
    oid = 3821466785120000000
    rows = []
    iw = [i[2] for i in TB_ITEMS]
    for t, bi in orders:
        oid += r.randint(1000, 9_000_000)
        kinds = 1 if r.random() < 0.88 else 2
        its = []
        while len(its) < kinds:
            it = r.choices(TB_ITEMS, iw)[0]
            if it in [x[0] for x in its]:
                continue
            q = 1 if r.random() < 0.85 else 2
            its.append((it, q))
        goods = sum(it[1] * q for it, q in its)
        post = 0 if goods >= 2900 else 600
        total = goods + post
        disc = 0
        if goods >= 9900 and r.random() < 0.4:
            disc = 1000
        elif goods >= 4900 and r.random() < 0.4:
            disc = 500
        age = (export_t - t).total_seconds() / 86400
        x = r.random()
        if age < 0.5 and x < 0.3:
            state = "wait_pay"
        elif x < 0.075:
            state = "closed_unpaid"
        elif x < 0.145:
            state = "closed_refund"
        else:
            state = "paid"
        paid_t = None if state in ("wait_pay", "closed_unpaid") else t + dt.timedelta(seconds=r.randint(10, 900))
        actual = 0 if paid_t is None else total - disc
        refund = 0
        ship_t = confirm_t = None
        if state == "closed_refund":
            refund = actual
            status = "交易关闭"
            reason = "退款"
            if r.random() < 0.4:
                ship_t = paid_t + dt.timedelta(hours=r.uniform(8, 40))
        elif state == "closed_unpaid":
            status, reason = "交易关闭", "买家未付款"
        elif state == "wait_pay":
            status, reason = "等待买家付款", "订单未关闭"
        else:
            reason = "订单未关闭"
            ship_c = paid_t + dt.timedelta(hours=r.uniform(8, 48))
            if ship_c > export_t:
                status = "买家已付款,等待卖家发货"
            else:
                ship_t = ship_c
                conf = ship_t + dt.timedelta(days=r.uniform(3, 10))
                if conf > export_t:
                    status = "卖家已发货,等待买家确认"
                else:
                    status = "交易成功"
                    confirm_t = conf
            if kinds == 2 and r.random() < 0.25 and status == "交易成功":
                it, q = its[1]
                refund = min(actual, it[1] * q)
        p = buyers[bi]["person"]
        rows.append(dict(
            oid=str(oid), buyer=bi, nick=buyers[bi]["nick"], goods=goods, post=post, total=total, actual=actual,
            status=status, reason=reason, created=t, paid=paid_t, ship=ship_t, confirm=confirm_t, refund=refund,
            titles="，".join(it[0] for it, q in its), kinds=kinds, qty=sum(q for it, q in its),
            its=[(it[0], q) for it, q in its], person=p,
        ))
    return pd.DataFrame(rows), export_t


def write_tb_xlsx(path, gt, export_t, r):
    wb = Workbook()
    ws = wb.active
    ws.title = "订单报表"
    ws.append([f"订单报表  店铺：山野小馆食品店  时间范围：2025-03-01 00:00:00 至 2025-05-31 23:59:59  导出时间：{fmt(export_t)}"])
    ws["A1"].font = Font(bold=True)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=12)
    ws.append(TB_COLUMNS)
    for x in gt.itertuples(index=False):
        p = x.person
        addr = f"{p['prov']} {p['city']} {p['dist']} {p['street']} {mask_detail(p)}"
        carrier = r.choice(CARRIERS) if x.ship is not None and not pd.isna(x.ship) else ""
        waybill = f"{r.choice(['7', '4'])}{r.randint(10 ** 12, 10 ** 13 - 1)}" if carrier else ""
        payout = ""
        if x.status == "交易成功":
            payout = f"{(x.actual - x.refund) / 100:.2f}元"
        vals = [
            x.oid, x.nick, "", (f"2025{x.created.strftime('%m%d')}22001{R.randint(10 ** 14, 10 ** 15 - 1)}"
                                if x.paid is not None and not pd.isna(x.paid) else ""), x.goods / 100, x.post / 100, 0, x.total / 100, 0, x.actual / 100, 0, x.status,
            r.choice(["", "", "", "", "", "不要放发票", "尽快发货"]), mask_name(p["name"]), addr,
            "快递", "", mask_phone_mid(p["phone"]), fmt(x.created), fmt(x.paid) if x.paid is not None and not pd.isna(x.paid) else "",
            x.titles, x.kinds, waybill, carrier, "", x.qty, "208810234", "山野小馆食品店", x.reason, 0, 0, "",
            "手机订单" if r.random() < 0.93 else "", "", "", "否", "否", "否", "", "", "", "", 0, 0, "否",
            x.refund / 100, "", fmt(x.ship) if x.ship is not None and not pd.isna(x.ship) else "",
            fmt(x.confirm) if x.confirm is not None and not pd.isna(x.confirm) else "", payout,
        ]
        assert len(vals) == len(TB_COLUMNS), (len(vals), len(TB_COLUMNS))
        ws.append(vals)
    for col in ("A", "D", "R", "S", "T", "W"):
        for cell in ws[col][2:]:
            cell.number_format = "@"
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["U"].width = 60
    wb.save(path)


# ----------------------------------------------------------------------------------------------
# 快手小店  (layout assumed - see README)
# ----------------------------------------------------------------------------------------------
KS_HOSTS = [dict(nick="山野小馆快手店", id="2187364501", kind="自卖", w=1.0),
            dict(nick="二哥带你吃", id="1983746502", kind="分销", w=1.8),
            dict(nick="胖丫零食屋", id="3021948573", kind="分销", w=1.1)]
KS_COLUMNS = ["订单号", "订单状态", "售后状态", "订单创建时间", "订单支付时间", "发货时间", "订单完成时间", "商品ID",
              "商品名称", "商品规格", "SKU编码", "商品单价", "商品数量", "商品总价", "运费", "店铺优惠", "平台补贴",
              "实付款", "支付方式", "收货人", "收货人手机号", "收货地址", "买家留言", "商家备注", "快递公司", "快递单号",
              "订单来源", "推广类型", "达人ID", "达人昵称"]


def ks_key(p):
    return (mask_name(p["name"]), mask_phone_tail2(p["phone"]),
            f"{p['prov']} {p['city']} {p['dist']} {p['street']} {mask_detail(p)}")


def gen_ks(r):
    n_b = 850
    buyers, keys = [], set()
    while len(buyers) < n_b:
        p = new_person(r)
        k = ks_key(p)
        if k in keys:
            continue
        keys.add(k)
        buyers.append(p)
    export_t = D(2025, 6, 1, 14, 5, 10)
    d0, d1 = dt.date(2025, 3, 1), dt.date(2025, 5, 31)
    ks_products = [(f"2210{p[1][-8:]}", p[2].replace("山野小馆 ", "山野小馆】").replace("山野小馆】", "【山野小馆】"),
                    p[3], p[4], p[5].replace("SY-", "KS-"), p[6]) for p in DD_PRODUCTS if p[4] < 100000]
    pw = [p[5] for p in ks_products]
    fudai = ("221099999999", "【福利】山野小馆 每日坚果 试吃装 0元抽奖", "25g*2袋", 0, "KS-FL-0", 0)
    orders = []
    for bi in range(n_b):
        for _ in range(orders_per_buyer(r)):
            orders.append((random_time(d0, d1, r), bi))
    orders.sort()
    oid = 2503011000000000
    rows = []
    for t, bi in orders:
        oid += r.randint(500, 900000)
        x = r.random()
        if x < 0.015:
            src = "直播间"
            prod, q = fudai, 1
        else:
            src = r.choices(["直播间", "短视频", "商品详情页", "店铺"], [55, 15, 20, 10])[0]
            prod = r.choices(ks_products, pw)[0]
            q = 1 if r.random() < 0.85 else 2
        host = None
        if src in ("直播间", "短视频"):
            host = r.choices(range(3), [h["w"] for h in KS_HOSTS])[0]
        gross = prod[3] * q
        shop_disc = 500 if gross >= 5900 and r.random() < 0.3 else 0
        plat = r.choice([100, 200, 300]) if gross >= 2000 and r.random() < 0.1 else 0
        pay = gross - shop_disc - plat
        age = (export_t - t).total_seconds() / 86400
        y = r.random()
        if prod is fudai:
            state = "paid"
        elif age < 0.3 and y < 0.3:
            state = "wait_pay"
        elif y < 0.08:
            state = "closed_unpaid"
        elif y < 0.16:
            state = "refund"
        elif y < 0.18:
            state = "refund_closed"
        else:
            state = "paid"
        paid_t = None if state in ("wait_pay", "closed_unpaid") else t + dt.timedelta(seconds=r.randint(5, 300))
        ship_t = done_t = None
        after = "-"
        if state == "wait_pay":
            status = "待付款"
        elif state == "closed_unpaid":
            status = "交易关闭"
        elif state == "refund":
            status, after = "交易关闭", "退款成功"
            if r.random() < 0.5:
                ship_t = paid_t + dt.timedelta(hours=r.uniform(6, 40))
        else:
            if state == "refund_closed":
                after = "退款关闭"
            c = paid_t + dt.timedelta(hours=r.uniform(6, 48))
            if c > export_t:
                status = "待发货"
            else:
                ship_t = c
                c2 = ship_t + dt.timedelta(days=r.uniform(4, 10))
                if c2 > export_t:
                    status = "已发货"
                else:
                    status, done_t = "交易成功", c2
        rows.append(dict(oid=str(oid), buyer=bi, status=status, after=after, created=t, paid=paid_t, ship=ship_t,
                         done=done_t, pid=prod[0], pname=prod[1], spec=prod[2], sku=prod[4], unit=prod[3], qty=q,
                         gross=gross, shop_disc=shop_disc, plat=plat, pay=pay if paid_t is not None else pay,
                         src=src, host=host, fudai=prod is fudai))
    return pd.DataFrame(rows), buyers, export_t


def write_ks_csv(path, gt, buyers, r):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(KS_COLUMNS)
    for x in gt.itertuples(index=False):
        p = buyers[x.buyer]
        h = KS_HOSTS[int(x.host)] if x.host is not None and not pd.isna(x.host) else None
        shipped = x.ship is not None and not pd.isna(x.ship)
        paid = x.paid is not None and not pd.isna(x.paid)
        vals = [
            x.oid, x.status, x.after, fmt(x.created), fmt(x.paid) if paid else "", fmt(x.ship) if shipped else "",
            fmt(x.done) if x.done is not None and not pd.isna(x.done) else "", x.pid, x.pname, x.spec, x.sku,
            yuan(x.unit), x.qty, yuan(x.gross), "0.00", yuan(x.shop_disc), yuan(x.plat), yuan(x.pay),
            ("-" if x.fudai else r.choice(["微信支付", "支付宝", "快手支付"])) if paid else "",
            mask_name(p["name"]), mask_phone_tail2(p["phone"]),
            f"{p['prov']} {p['city']} {p['dist']} {p['street']} {mask_detail(p)}",
            "", "", r.choice(CARRIERS) if shipped else "", f"YT{r.randint(10 ** 12, 10 ** 13 - 1)}" if shipped else "",
            x.src, (h["kind"] if h else "自卖"), h["id"] if h else "", h["nick"] if h else "",
        ]
        assert len(vals) == len(KS_COLUMNS)
        w.writerow(vals)
    with open(path, "w", encoding="gbk", newline="") as f:
        f.write(buf.getvalue())


# ----------------------------------------------------------------------------------------------
# 有赞
# ----------------------------------------------------------------------------------------------
YZ_COLUMNS = ("订单号,销售渠道,归属店铺,订单类型,订单状态,推广方式,订单来源,订单创建时间,买家付款时间,交易成功时间,付款方式,"
              "支付流水号,商品金额合计,运费,店铺优惠合计,应收订单金额,订单实付金额,支付优惠合计,订单实收金额,订单抵用积分数,"
              "店铺优惠方式,支付优惠方式,全部商品名称,商品种类数,订单配送方式,同城送达时间/提货时间,收货人省份,收货人城市,"
              "收货人地区,详细收货地址/提货地址,收货人/提货人,收货人手机号/提货人手机号,买家备注,订单星级,买家昵称,买家是否会员,"
              "买家手机号,下单网点,收银员,分销员,销售导购,专属导购,订单退款状态,订单已退款金额,商家订单备注,桌号,挂账主体,"
              "挂账手机号,团长订单,订单风险标签,分销员,分销员手机号,分销员所属店铺,分销员所属团队,分销员所属分组,分销员等级,"
              "订单佣金类型,订单佣金金额,订单下级卖货提成类型,订单下级卖货提成金额").split(",")
YZ_ITEMS = [("每日坚果 750g/30袋", 9800, 8), ("每日坚果 375g/15袋", 5200, 6), ("黑芝麻丸 252g/盒", 4200, 6),
            ("夏威夷果 500g", 4200, 5), ("手剥山核桃仁 250g", 6200, 3), ("红枣夹核桃 500g", 3500, 4),
            ("海苔肉松卷 300g", 2200, 5), ("坚果零食大礼包 1.6kg", 13800, 2), ("臻品坚果礼盒 2.2kg", 31800, 0.7),
            ("会员专享 坚果尝鲜装", 990, 2)]
WX_NICK = ["Lily", "阿杰", "小鱼儿", "Sunny", "木子", "Grace", "老陈", "糖糖", "一颗柠檬", "Kevin", "花花", "Momo",
           "晴天", "大白", "Amy", "果果妈", "南风", "小王同学", "Jason", "七七"]


def gen_yz(r):
    n_b = 520
    buyers, phones = [], set()
    while len(buyers) < n_b:
        p = new_person(r)
        if p["phone"] in phones:
            continue
        phones.add(p["phone"])
        p["nick"] = r.choice(WX_NICK) + ("" if r.random() < 0.5 else str(r.randint(1, 99)))
        p["member"] = "是" if r.random() < 0.45 else "否"
        buyers.append(p)
    export_t = D(2025, 6, 1, 9, 40, 0)
    d0, d1 = dt.date(2025, 3, 1), dt.date(2025, 5, 31)
    orders = []
    for bi in range(n_b):
        for _ in range(orders_per_buyer(r)):
            orders.append((random_time(d0, d1, r), bi))
    orders.sort()
    rows = []
    iw = [i[2] for i in YZ_ITEMS]
    for t, bi in orders:
        b = buyers[bi]
        kinds = 1 if r.random() < 0.8 else 2
        its = []
        while len(its) < kinds:
            it = r.choices(YZ_ITEMS, iw)[0]
            if it in [x[0] for x in its]:
                continue
            its.append((it, 1 if r.random() < 0.85 else 2))
        goods = sum(it[1] * q for it, q in its)
        post = 0 if goods >= 4900 else 800
        shop_disc = 1000 if goods >= 9800 and r.random() < 0.3 else 0
        if b["member"] == "是" and r.random() < 0.5:
            shop_disc += int(goods * 0.05)
        receivable = goods + post - shop_disc
        age = (export_t - t).total_seconds() / 86400
        x = r.random()
        if age < 0.2 and x < 0.3:
            state = "wait_pay"
        elif x < 0.06:
            state = "closed_unpaid"
        elif x < 0.11:
            state = "refund_full"
        else:
            state = "paid"
        paid_t = None if state in ("wait_pay", "closed_unpaid") else t + dt.timedelta(seconds=r.randint(8, 600))
        paid_amt = receivable if paid_t is not None else 0
        refund_amt = 0
        refund_state = ""
        done_t = None
        if state == "wait_pay":
            status = "待付款"
        elif state == "closed_unpaid":
            status = "交易关闭"
        elif state == "refund_full":
            status, refund_state, refund_amt = "交易关闭", "全额退款", paid_amt
        else:
            ship = paid_t + dt.timedelta(hours=r.uniform(5, 50))
            if ship > export_t:
                status = "待发货"
            else:
                c2 = ship + dt.timedelta(days=r.uniform(4, 10))
                if c2 > export_t:
                    status = "已发货"
                else:
                    status, done_t = "交易完成", c2
            if kinds == 2 and r.random() < 0.2:
                refund_state, refund_amt = "部分退款", its[1][0][1] * its[1][1]
        gift = r.random() < 0.12
        rec = new_person(r) if gift else b
        rows.append(dict(oid=f"E{t.strftime('%Y%m%d%H%M%S')}{r.randint(10 ** 8, 10 ** 9 - 1)}", buyer=bi,
                         phone=b["phone"], nick=b["nick"], member=b["member"], rec=rec, gift=gift, status=status,
                         created=t, paid=paid_t, done=done_t, goods=goods, post=post, shop_disc=shop_disc,
                         receivable=receivable, paid_amt=paid_amt, refund_state=refund_state, refund_amt=refund_amt,
                         names="；".join(f"{it[0]}({q}件)" for it, q in its), kinds=kinds,
                         src=r.choices(["微信小程序", "微信公众号", "H5"], [7, 2, 1])[0]))
    return pd.DataFrame(rows), buyers, export_t


def write_yz_csv(path, gt, r):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(YZ_COLUMNS)
    for x in gt.itertuples(index=False):
        rec = x.rec
        paid = x.paid is not None and not pd.isna(x.paid)
        vals = [
            x.oid, "网店", "山野小馆微商城", "普通订单", x.status, "", x.src, fmt(x.created), fmt(x.paid) if paid else "",
            fmt(x.done) if x.done is not None and not pd.isna(x.done) else "", "微信支付" if paid else "",
            f"4200002{r.randint(10 ** 20, 10 ** 21 - 1)}" if paid else "", yuan(x.goods), yuan(x.post),
            yuan(x.shop_disc), yuan(x.receivable), yuan(x.paid_amt), "0.00", yuan(x.paid_amt), "0",
            "会员折扣" if x.shop_disc and x.member == "是" else ("满减送" if x.shop_disc else ""), "", x.names, x.kinds,
            "快递发货", "", rec["prov"], rec["city"], rec["dist"], f"{rec['street']}{rec['road']}{rec['house']}",
            rec["name"], rec["phone"], "", " ", x.nick, x.member, x.phone, "", "", "", "", "",
            x.refund_state, yuan(x.refund_amt), "", "", "", "", "否", "——", "", "", "", "", "", "", "", "", "", "",
        ]
        assert len(vals) == len(YZ_COLUMNS), (len(vals), len(YZ_COLUMNS))
        w.writerow(vals)
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        f.write(buf.getvalue())


# ----------------------------------------------------------------------------------------------
# main
# ----------------------------------------------------------------------------------------------
def main():
    answers = []

    def add(file, qid, lang, q, expected, definition, tolerance):
        answers.append(dict(id=qid, file=file, lang=lang, q=q, expected=expected, definition=definition,
                            tolerance=tolerance))

    # ---------------- 抖店 Mar-May ----------------
    dd_buyers = make_dd_buyers(2000, R)
    sessions = make_sessions(dt.date(2025, 3, 1), dt.date(2025, 5, 31), R)
    dd_export_t = D(2025, 6, 1, 9, 28, 15)
    dd = gen_dd_orders(dd_buyers, sessions, dt.date(2025, 3, 1), dt.date(2025, 5, 31), dd_export_t,
                       6925318800000000000, R)
    dd_rows = dd_file_rows(dd, dd_buyers, R)
    f_dd = "1748741295_抖店订单导出_20250301-20250531.csv"
    write_dd_csv(os.path.join(OUT, f_dd), dd_rows)

    dd["paid"] = dd.paid_at.notna()
    dd["refunded"] = dd.after == "退款成功"
    orders = dd.groupby("main_id").agg(buyer=("buyer", "first"), paid=("paid", "first"), pay=("pay", "sum"),
                                       paid_at=("paid_at", "first"), any_ref=("refunded", "any"),
                                       all_ref=("refunded", "all"), host=("host", "first"),
                                       channel=("channel", "first"))
    n_buyers_all = dd.buyer.nunique()
    add(f_dd, "dd-01", "zh", "这份抖店订单导出里一共有多少个真实买家？（导出里没有买家ID）", int(n_buyers_all),
        "一个买家 = (收件人, 收件人手机号, 省, 市, 区, 街道, 详细地址) 这组打码后的值唯一组合；同一个打码姓名+打码手机号但地址不同算不同的人"
        "（文件里故意有 30 对这样的情况），同一地址不同收件人也算不同的人。统计文件里出现的所有买家，包括只有未支付订单或只有福袋订单的。",
        0)
    apr = orders[orders.paid & (orders.paid_at >= D(2025, 4, 1)) & (orders.paid_at < D(2025, 5, 1))]
    add(f_dd, "dd-02", "en", "What was the GMV of paid orders in April 2025 on the Douyin shop export?",
        round(apr.pay.sum() / 100, 2),
        "对所有 支付完成时间 不是 '-' 且落在 2025-04-01 00:00:00 到 2025-04-30 23:59:59 的子订单，把 订单应付金额 加起来。"
        "之后退款的订单也算（退款前口径），0 元福袋订单也算（贡献 0）。",
        {"abs": 1.0})
    n_ref = int(orders.any_ref.sum())
    n_ref_full = int(orders.all_ref.sum())
    add(f_dd, "dd-03", "zh", "3到5月有多少笔订单退款成功了？其中整单退的有几笔？",
        {"refunded_orders": n_ref, "fully_refunded_orders": n_ref_full},
        "按主订单编号计。refunded_orders = 至少一个子订单的 售后状态 = '退款成功' 的主订单数；fully_refunded_orders = "
        "所有子订单都是 '退款成功' 的主订单数（其余为多商品订单里只退了一个商品的部分退款）。'售后关闭' 和 '待收退货' 不算退款成功。",
        0)
    zero = orders[orders.paid & (orders.pay == 0)]
    add(f_dd, "dd-04", "zh", "有多少单是0元单（直播间福袋之类的）？", int(len(zero)),
        "已支付（支付完成时间 不是 '-'）且该主订单所有子订单 订单应付金额 合计 = 0.00 的主订单数。在这份文件里它们全是"
        "选购商品 '【直播间福袋】…' 的订单。", 0)
    valid = orders[orders.paid & (orders.pay > 0) & (~orders.all_ref)]
    cnt = valid.groupby("buyer").size()
    rep = round(float((cnt >= 2).sum() / len(cnt)), 4)
    add(f_dd, "dd-05", "en", "What is the repurchase rate of this Douyin shop (share of customers with 2+ paid orders)?",
        rep,
        "有效订单 = 已支付、金额 > 0 且不是整单退款成功的主订单（排除 0 元福袋和整单退款）。分母 = 至少有 1 笔有效订单的买家数，"
        f"分子 = 有 2 笔及以上有效订单的买家数（{int((cnt >= 2).sum())} / {len(cnt)}）。买家身份按 dd-01 的打码三要素组合。以小数给出。",
        {"abs": 0.005})
    vs = dd[dd.paid & (~dd.refunded) & (dd.pkey != "P99")]
    by_pid = vs.groupby("pid").qty.sum().sort_values(ascending=False)
    top3 = [DD_PROD[dd[dd.pid == pid].pkey.iloc[0]][2] for pid in by_pid.index[:3]]
    add(f_dd, "dd-06", "zh", "销量前三的商品是哪几个？", top3,
        "按 商品ID 汇总 商品数量（同一商品ID下不同 商品规格/商家编码 的 SKU 合并，例如每日坚果 750g 和 375g 属同一个商品ID），"
        "只算已支付且 售后状态 不是 '退款成功' 的子订单，不算 0 元福袋。按销量降序给出 选购商品 名称。"
        f"销量：{', '.join(f'{n}={int(v)}' for n, v in zip(top3, by_pid.values[:3]))}；第4名 {int(by_pid.values[3])}。",
        "exact list, order matters")
    n_unpaid = int((~orders.paid).sum())
    add(f_dd, "dd-07", "zh", "有多少订单是没付款就关闭了的？", n_unpaid,
        "支付完成时间 = '-' 的主订单数（订单状态 都是 '已关闭'，取消原因 为 超时未支付/买家取消订单 等）。", 0)
    hp = orders[orders.paid & orders.host.notna()].groupby("host").pay.sum().sort_values(ascending=False)
    add(f_dd, "dd-08", "en", "Which host (达人昵称) brought the most GMV in March–May, and how much?",
        {"host": DD_HOSTS[int(hp.index[0])]["nick"], "gmv": round(hp.iloc[0] / 100, 2)},
        "按 达人昵称 汇总已支付子订单的 订单应付金额（包含后来退款的，所有 流量体裁：直播+短视频；达人昵称 = '-' 的商品卡/其他订单不算）。"
        f"第二名 {DD_HOSTS[int(hp.index[1])]['nick']} {hp.iloc[1] / 100:.2f}。",
        {"abs": 1.0})

    # ---------------- 罗盘 sessions ----------------
    cp = compass_rows(sessions, dd, R)
    cpd = pd.DataFrame(cp)
    f_cp = "罗盘_直播列表_20250301-20250531.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = "直播列表"
    ws.append(COMPASS_COLUMNS)
    for row in cp:
        ws.append([row[c] for c in COMPASS_COLUMNS])
    wb.save(os.path.join(OUT, f_cp))
    apr_self = cpd[(cpd._host == 0) & (cpd._start >= D(2025, 4, 1)) & (cpd._start < D(2025, 5, 1))]
    add(f_cp, "lp-01", "zh", "4月份官方旗舰店（山野小馆官方旗舰店）一共播了多少场？", int(len(apr_self)),
        "主播昵称 = '山野小馆官方旗舰店' 且 直播开始时间 在 2025-04-01 至 2025-04-30 的行数（一行一场）。", 0)
    add(f_cp, "lp-02", "zh", "所有场次的人均观看时长平均是多少分钟？", round(float(cpd["人均观看时长(分钟)"].mean()), 2),
        f"对全部 {len(cpd)} 场的 人均观看时长(分钟) 做简单平均（不按观看人数加权）。按观看人数加权的结果是 "
        f"{(cpd['人均观看时长(分钟)'] * cpd['直播间观看人数']).sum() / cpd['直播间观看人数'].sum():.2f}，也可接受但需说明口径。",
        {"abs": 0.05})
    best = cpd.sort_values("千次观看成交金额", ascending=False).iloc[0]
    add(f_cp, "lp-03", "en", "Which live session had the best GPM, and what was it?",
        {"host": best["主播昵称"], "start": best["直播开始时间"], "gpm": float(best["千次观看成交金额"])},
        "取 千次观看成交金额 最大的一行（该列 = 直播间用户支付金额 / 直播间观看次数 × 1000）。"
        f"第二高 {cpd.sort_values('千次观看成交金额', ascending=False).iloc[1]['千次观看成交金额']}。",
        {"gpm_abs": 0.01, "start": "exact (same session)"})
    hg = cpd.groupby("主播昵称")["直播间用户支付金额"].sum().sort_values(ascending=False)
    add(f_cp, "lp-04", "en", "Rank the hosts by live GMV (直播间用户支付金额) for the whole period.",
        [dict(host=h, gmv=round(float(v), 2)) for h, v in hg.items()],
        "按 主播昵称 汇总 直播间用户支付金额。这一列与抖店导出一致：= 该主播直播间（流量体裁=直播）在开播时间段内支付的订单的 订单应付金额 之和"
        "（含后来退款的），所以它比 dd-08 的主播 GMV 少了短视频订单。",
        {"abs_per_host": 1.0})
    may = cpd[(cpd._start >= D(2025, 5, 1)) & (cpd._start < D(2025, 6, 1))]
    add(f_cp, "lp-05", "zh", "5月所有直播一共成交了多少单？观看人数合计多少？",
        {"orders": int(may["直播间成交订单数"].sum()), "viewers": int(may["直播间观看人数"].sum())},
        "直播开始时间 在 2025-05 的所有场次，直播间成交订单数 求和、直播间观看人数 求和（场次间简单相加，不去重）。", 0)


    # ---------------- 淘宝 ----------------
    tb, tb_export = gen_tb(R)
    f_tb = "淘宝_ExportOrderList_20250301-20250531.xlsx"
    write_tb_xlsx(os.path.join(OUT, f_tb), tb, tb_export, R)
    tb["is_paid"] = tb.paid.notna()
    pb = tb[tb.is_paid].nick.nunique()
    add(f_tb, "tb-01", "zh", "淘宝店3-5月有多少个付款买家？", int(pb),
        "订单付款时间 非空的订单中 买家会员名 去重计数（含后来退款关闭的订单的买家）。", 0)
    apr_tb = tb[tb.is_paid & (tb.paid >= D(2025, 4, 1)) & (tb.paid < D(2025, 5, 1))]
    add(f_tb, "tb-02", "en", "Taobao: total paid amount (GMV) for April 2025?", round(apr_tb.actual.sum() / 100, 2),
        "订单付款时间 在 2025-04 的订单的 买家实际支付金额 之和（含之后退款的；未付款订单的 买家实际支付金额 为 0 且无付款时间，不计）。"
        "注意表头上方有一行标题行，'订单付款时间 ' 表头末尾带空格。", {"abs": 1.0})
    add(f_tb, "tb-03", "zh", "有多少笔订单发生了退款？退款总金额多少？",
        {"orders": int((tb.refund > 0).sum()), "refund_amount": round(tb.refund.sum() / 100, 2)},
        "退款金额 > 0 的订单数及 退款金额 之和。包括 交易关闭（订单关闭原因=退款，整单退）和 交易成功但部分退款 的订单。", {"abs": 1.0})
    n_unpaid_tb = int((~tb.is_paid).sum())
    add(f_tb, "tb-04", "zh", "没付款的订单有多少（包括还在等待付款的）？",
        {"unpaid_total": n_unpaid_tb, "closed_unpaid": int((tb.reason == "买家未付款").sum()),
         "waiting_payment": int((tb.status == "等待买家付款").sum())},
        "订单付款时间 为空的订单数 = 订单状态 '交易关闭'(订单关闭原因 '买家未付款') + '等待买家付款'。", 0)
    tv = tb[tb.is_paid & (tb.status != "交易关闭")]
    c2 = tv.groupby("nick").size()
    add(f_tb, "tb-05", "en", "What share of paying Taobao customers ordered more than once?",
        round(float((c2 >= 2).sum() / len(c2)), 4),
        "有效订单 = 已付款且 订单状态 不是 '交易关闭'（排除整单退款）。分母 = 有有效订单的 买家会员名 数，分子 = 有效订单 ≥ 2 的买家数"
        f"（{int((c2 >= 2).sum())} / {len(c2)}）。", {"abs": 0.005})

    # ---------------- 快手 ----------------
    ks, ks_buyers, ks_export = gen_ks(R)
    f_ks = "快手小店_订单导出_20250301-20250531.csv"
    write_ks_csv(os.path.join(OUT, f_ks), ks, ks_buyers, R)
    ks["is_paid"] = ks.paid.notna()
    add(f_ks, "ks-01", "zh", "快手店一共有多少个不同的买家？", int(ks.buyer.nunique()),
        "买家 = (收货人, 收货人手机号, 收货地址) 打码值的唯一组合。手机号只露首位和末两位（1********35），所以同姓+同尾号的不同买家很多，"
        f"必须连同地址一起区分（只用 姓名+手机号 会得到 {ks.assign(k=[mask_name(ks_buyers[b]['name']) + mask_phone_tail2(ks_buyers[b]['phone']) for b in ks.buyer]).k.nunique()}，是错的）。"
        "包含只有未付款订单的买家。", 0)
    may_ks = ks[ks.is_paid & (ks.paid >= D(2025, 5, 1)) & (ks.paid < D(2025, 6, 1))]
    add(f_ks, "ks-02", "en", "Kuaishou: GMV of paid orders in May 2025?", round(may_ks.pay.sum() / 100, 2),
        "订单支付时间 在 2025-05 的订单 实付款 之和（含后来退款成功的）。文件为 GBK 编码。", {"abs": 1.0})
    add(f_ks, "ks-03", "zh", "付了款后来又退款成功的订单有多少？",
        int(((ks.after == "退款成功") & ks.is_paid).sum()),
        "售后状态 = '退款成功' 的订单数（订单状态 都是 '交易关闭' 且有 订单支付时间）。'退款关闭' 表示退款申请被关闭、交易正常，不算。"
        "没付款就关闭的 '交易关闭' 订单（订单支付时间 为空）也不算。", 0)
    add(f_ks, "ks-04", "zh", "有多少笔0元订单？", int((ks.is_paid & (ks.pay == 0)).sum()),
        "已支付且 实付款 = 0.00 的订单（商品名称 '【福利】…0元抽奖'）。", 0)
    kh = ks[ks.is_paid & ks.host.notna()].groupby("host").pay.sum().sort_values(ascending=False)
    add(f_ks, "ks-05", "en", "Which Kuaishou creator (达人昵称) generated the most paid GMV?",
        {"host": KS_HOSTS[int(kh.index[0])]["nick"], "gmv": round(kh.iloc[0] / 100, 2)},
        "按 达人昵称 汇总已支付订单的 实付款（含之后退款的）；达人昵称 为空的订单（商品详情页/店铺来源）不计。"
        f"第二名 {KS_HOSTS[int(kh.index[1])]['nick']} {kh.iloc[1] / 100:.2f}。", {"abs": 1.0})

    # ---------------- 有赞 ----------------
    yz, yz_buyers, yz_export = gen_yz(R)
    f_yz = "有赞_订单导出_20250301-20250531.csv"
    write_yz_csv(os.path.join(OUT, f_yz), yz, R)
    yz["is_paid"] = yz.paid.notna()
    add(f_yz, "yz-01", "zh", "有赞商城3到5月有多少个付款客户？", int(yz[yz.is_paid].phone.nunique()),
        "买家付款时间 非空的订单按 买家手机号 去重。注意约 12% 的订单 收货人/提货人 不是下单人（送礼），不能按收货人手机号数人。", 0)
    add(f_yz, "yz-02", "en", "Youzan: total amount actually paid (订单实付金额) across all paid orders in the file?",
        round(yz[yz.is_paid].paid_amt.sum() / 100, 2),
        "买家付款时间 非空的订单的 订单实付金额 之和（含之后退款的）。", {"abs": 1.0})
    add(f_yz, "yz-03", "zh", "退款金额一共多少？涉及多少订单？",
        {"orders": int((yz.refund_amt > 0).sum()), "refund_amount": round(yz.refund_amt.sum() / 100, 2)},
        "订单已退款金额 > 0 的订单数与 订单已退款金额 之和（订单退款状态 为 '全额退款' 或 '部分退款'）。", {"abs": 1.0})
    yv = yz[yz.is_paid & (yz.refund_state != "全额退款")]
    c3 = yv.groupby("phone").size()
    add(f_yz, "yz-04", "en", "Youzan repurchase rate: share of paying customers with 2 or more valid orders?",
        round(float((c3 >= 2).sum() / len(c3)), 4),
        "有效订单 = 已付款且不是全额退款的订单；客户 = 买家手机号。分母 = 有有效订单的客户数，分子 = 有效订单 ≥ 2 的客户数"
        f"（{int((c3 >= 2).sum())} / {len(c3)}）。", {"abs": 0.005})
    mem = yz[yz.is_paid]
    mem_share = mem.groupby("phone").member.first()
    add(f_yz, "yz-05", "zh", "付款客户里会员占多少？会员贡献了多少实付金额？",
        {"member_share": round(float((mem_share == "是").mean()), 4),
         "member_paid_amount": round(mem[mem.member == "是"].paid_amt.sum() / 100, 2)},
        "付款客户（按 买家手机号）中 买家是否会员 = '是' 的比例；会员订单（已付款）的 订单实付金额 之和。", {"abs": 0.005, "amount_abs": 1.0})

    # ---------------- 抖店 June, re-saved in Excel ----------------
    jun_sessions = make_sessions(dt.date(2025, 6, 1), dt.date(2025, 6, 15), R)
    returning_idx = R.sample(range(len(dd_buyers)), 330)
    new_buyers = make_dd_buyers(330, R, n_twins=6, n_family=4, existing=[dd_key(b) for b in dd_buyers])
    jun_buyers = [dd_buyers[i] for i in returning_idx] + new_buyers
    k_over = [1 if R.random() < 0.75 else 2 for _ in jun_buyers]
    jun_export = D(2025, 6, 16, 8, 50, 2)
    jun = gen_dd_orders(jun_buyers, jun_sessions, dt.date(2025, 6, 1), dt.date(2025, 6, 15), jun_export,
                        6925811900000000000, R, k_override=k_over)
    jun_rows = excel_resave_rows(dd_file_rows(jun, jun_buyers, R))
    f_jun = "抖店订单_20250601-20250615_Excel另存.csv"
    write_resaved_csv(os.path.join(OUT, f_jun), jun_rows)
    jun["paid"] = jun.paid_at.notna()
    jun["refunded"] = jun.after == "退款成功"
    jo = jun.groupby("main_id").agg(buyer=("buyer", "first"), paid=("paid", "first"), pay=("pay", "sum"),
                                    all_ref=("refunded", "all"), any_ref=("refunded", "any"))
    add(f_jun, "jun-01", "zh", "6月1日到15日已支付订单的GMV是多少？", round(jo[jo.paid].pay.sum() / 100, 2),
        "支付完成时间 非 '-' 的子订单 订单应付金额 之和（含后来退款的）。文件被 Excel 另存过：GBK 编码，金额是 '￥1,234.50' 格式，"
        "时间是 '2025/6/3 20:15' 格式（无秒）。", {"abs": 1.0})
    add(f_jun, "jun-02", "en", "How many distinct buyers placed orders in this June file?", int(jun.buyer.nunique()),
        "买家 = (收件人, 收件人手机号, 省, 市, 区, 街道, 详细地址) 打码值组合去重，包括只有未支付订单的。", 0)
    add(f_jun, "jun-03", "zh", "6月上半月退款成功的订单几笔？0元福袋单几笔？",
        {"refunded_orders": int(jo.any_ref.sum()), "zero_amount_orders": int((jo.paid & (jo.pay == 0)).sum())},
        "按主订单编号：至少一个子订单 售后状态='退款成功' 的订单数；已支付且应付合计为 ￥0.00 的订单数。", 0)
    big = int((jun.pay >= 100000).sum())
    add(f_jun, "jun-04", "en", "How many sub-order lines in the June file are worth ¥1,000 or more, and what is the largest one?",
        {"lines": big, "max_amount": round(jun.pay.max() / 100, 2)},
        "订单应付金额 ≥ 1000.00 的行数（不论支付状态），以及该列最大值。用来检验带千分位的 '￥1,283.00' 这类金额能否被正确解析。", {"abs": 0.01})
    # cross-file: returning customers
    key_old = {dd_key(dd_buyers[b]) for b in valid.buyer.unique()}
    jv = jo[jo.paid & (jo.pay > 0) & (~jo.all_ref)]
    jkeys = {dd_key(jun_buyers[b]) for b in jv.buyer.unique()}
    add(f"{f_dd} + {f_jun}", "x-01", "zh",
        "6月上半月的付款客户里，有多少是3-5月就买过的老客？（需要同时导入两个抖店文件）",
        {"returning_customers": len(jkeys & key_old), "june_paying_customers": len(jkeys)},
        "两份文件都按打码三要素 (收件人, 收件人手机号, 省市区街道+详细地址) 识别买家。6月付款客户 = 6月文件中有效订单（已支付、金额>0、"
        "非整单退款）的买家；老客 = 其中在 3-5 月文件里也有有效订单的买家。", 0)

    def clean(v):
        if isinstance(v, dict):
            return {k: clean(x) for k, x in v.items()}
        if isinstance(v, (list, tuple)):
            return [clean(x) for x in v]
        if hasattr(v, "item"):
            return v.item()
        return v

    answers = [clean(a) for a in answers]
    A = {a["id"]: a["expected"] for a in answers}
    with open(os.path.join(OUT, "answers.yaml"), "w", encoding="utf-8") as f:
        f.write("# Blind test answers. Generated by make_files.py (seed %d) from the ground truth, not from the files.\n" % SEED)
        f.write("# tolerance: 0 = exact; {abs: x} = absolute tolerance; lists must match in order unless noted.\n")
        yaml.safe_dump(dict(seed=SEED, questions=answers), f, allow_unicode=True, sort_keys=False, width=200)

    # ---------------- self-checks: re-read the files the way an operator would ----------------
    chk = pd.read_csv(os.path.join(OUT, f_dd), dtype=str, encoding="utf-8-sig")
    chk = chk.apply(lambda s: s.str.strip("\t"))
    paid = chk[chk["支付完成时间"] != "-"]
    a = paid[(paid["支付完成时间"] >= "2025-04-01") & (paid["支付完成时间"] < "2025-05-01")]["订单应付金额"].astype(float).sum()
    assert abs(a - A["dd-02"]) < 0.01, (a, A["dd-02"])
    keys = chk[["收件人", "收件人手机号", "省", "市", "区", "街道", "详细地址"]].drop_duplicates()
    assert len(keys) == A["dd-01"]
    t = pd.read_excel(os.path.join(OUT, f_tb), header=1, dtype={"订单编号": str})
    tp = t[t["订单付款时间 "].notna()]
    assert tp["买家会员名"].nunique() == A["tb-01"]
    k = pd.read_csv(os.path.join(OUT, f_ks), encoding="gbk", dtype=str)
    assert k[["收货人", "收货人手机号", "收货地址"]].drop_duplicates().shape[0] == A["ks-01"]
    y = pd.read_csv(os.path.join(OUT, f_yz), encoding="utf-8-sig", dtype=str)
    assert y[y["买家付款时间"].notna()]["买家手机号"].nunique() == A["yz-01"]
    j = pd.read_csv(os.path.join(OUT, f_jun), encoding="gbk", dtype=str)
    jp = j[j["支付完成时间"] != "-"]
    s = jp["订单应付金额"].str.replace("￥", "").str.replace(",", "").astype(float).sum()
    assert abs(s - A["jun-01"]) < 0.01, (s, A["jun-01"])
    c = pd.read_excel(os.path.join(OUT, f_cp))
    assert len(c) == len(sessions)
    # compass GMV per host == 抖店 live orders inside sessions
    print("files:", f_dd, f_cp, f_tb, f_ks, f_yz, f_jun)
    print("抖店 rows", len(dd), "orders", dd.main_id.nunique(), "buyers", n_buyers_all, "sessions", len(sessions))
    print("淘宝 orders", len(tb), "快手 orders", len(ks), "有赞 orders", len(yz), "June rows", len(jun))
    print("questions:", len(answers))


if __name__ == "__main__":
    main()
