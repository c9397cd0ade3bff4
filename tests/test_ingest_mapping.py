"""Column mapping of real-world shop exports: header synonyms, value evidence, kinds, corrections, files."""

from __future__ import annotations

import pandas as pd
import pytest

from assistant.ingest.mapping import (
    ROLES,
    apply_overrides,
    dump_mapping,
    load_mapping_file,
    missing_required,
    propose_mapping,
)
from assistant.ingest.types import RawTable
from tools.result import ToolError

N = 12


def raw(name: str, columns: dict[str, list[str | None]]) -> RawTable:
    df = pd.DataFrame({k: pd.Series(v, dtype=object) for k, v in columns.items()})
    return RawTable(name=name, df=df, source=f"/tmp/{name}.csv")


def rep(values: list, n: int = N) -> list:
    return [values[i % len(values)] for i in range(n)]


PHONES = [f"13{i % 10}{(i * 7919) % 100000000:08d}" for i in range(N)]
MASKED = [f"138****{1000 + i:04d}" for i in range(N)]
TIMES = [f"2025-03-{1 + i:02d} 1{i % 10}:2{i % 6}:0{i % 9}" for i in range(N)]
PAY_TIMES = [f"2025-03-{1 + i:02d} 1{i % 10}:3{i % 6}:1{i % 9}" for i in range(N)]
AMOUNTS = [f"{59 + i * 10.5:.2f}" for i in range(N)]
NAMES = rep(["张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊"])
PROVINCES = rep(["广东省", "浙江省", "江苏省", "北京市", "四川省", "湖北省"])
CITIES = rep(["广州市", "杭州市", "南京市", "北京市", "成都市", "武汉市"])
ADDRESSES = rep(["天河区体育西路 191 号中石化大厦 B 座 1203 室", "西湖区文三路 90 号东部软件园 3 号楼",
                 "鼓楼区中山北路 200 号 5 栋 2 单元 301", "朝阳区建国路 88 号 SOHO 现代城 7 号楼"])


def assert_role(mapping, role: str, column: str, min_conf: float = 0.6) -> None:
    assert role in mapping.roles, f"{role} not mapped: {mapping.roles}"
    match = mapping.roles[role]
    assert match.column == column, f"{role}: {match}"
    assert match.confidence >= min_conf, f"{role}: {match}"
    assert match.reason


# ---------------------------------------------------------------------------------------------
# shop exports


def douyin() -> RawTable:
    return raw("抖店订单导出", {
        "主订单编号": [f"69{4000000000000000 + i}" for i in range(N)],
        "子订单编号": [f"69{4000000000000100 + i}" for i in range(N)],
        "选购商品": rep(["【直播专享】补水面膜 10 片装", "氨基酸洗面奶 120g", "防晒喷雾 SPF50"]),
        "商品ID": rep(["3612345678901", "3612345678902", "3612345678903"]),
        "商品数量": rep(["1", "2", "1", "3"]),
        "商品金额": AMOUNTS,
        "订单应付金额": AMOUNTS,
        "运费": rep(["0.00", "8.00"]),
        "优惠总金额": rep(["10.00", "0.00", "5.00"]),
        "订单提交时间": TIMES,
        "支付完成时间": PAY_TIMES,
        "订单状态": rep(["已完成", "已发货", "已关闭", "待发货"]),
        "售后状态": rep(["-", "退款成功", "-"]),
        "达人ID": rep(["88812345", "88867890"]),
        "达人昵称": rep(["小美的好物", "丽丽直播间"]),
        "流量来源": rep(["直播", "商品卡", "短视频"]),
        "收件人": NAMES,
        "收件人手机号": MASKED,
        "省": PROVINCES,
        "市": CITIES,
        "区": rep(["天河区", "西湖区", "鼓楼区"]),
        "详细地址": ADDRESSES,
        "买家留言": rep([None, "请尽快发货", None]),
    })


def test_douyin_order_export():
    m = propose_mapping(douyin())
    assert m.kind == "orders"
    assert_role(m, "order_id", "主订单编号", 0.9)
    assert_role(m, "order_time", "订单提交时间", 0.9)       # creation time, not payment time
    assert_role(m, "pay_amount", "订单应付金额", 0.7)
    assert_role(m, "total_amount", "商品金额", 0.9)
    assert_role(m, "discount_amount", "优惠总金额", 0.9)
    assert_role(m, "status", "订单状态", 0.9)
    assert_role(m, "product_name", "选购商品", 0.9)
    assert_role(m, "product_id", "商品ID", 0.9)
    assert_role(m, "quantity", "商品数量", 0.9)
    assert_role(m, "host_name", "达人昵称", 0.9)
    assert_role(m, "host_id", "达人ID", 0.9)
    assert_role(m, "source", "流量来源", 0.9)
    assert_role(m, "customer_name", "收件人", 0.9)
    assert_role(m, "phone", "收件人手机号", 0.9)
    assert_role(m, "province", "省", 0.9)
    assert_role(m, "city", "市", 0.9)
    assert_role(m, "address", "详细地址", 0.9)
    assert "nickname" not in m.roles                       # 达人昵称 is the host, not the buyer
    for col in ("子订单编号", "运费", "区", "买家留言"):
        assert col in m.unmapped
    assert_role(m, "pay_time", "支付完成时间", 0.9)  # paid or not, whatever 已关闭 says
    assert_role(m, "after_sale", "售后状态", 0.9)  # 退款成功 there turns a closed order into a refunded one
    assert set(m.personal) >= {"收件人", "收件人手机号", "详细地址"}
    # no customer id: the phone stands in, and says so
    assert "customer_id" not in m.roles
    assert "customer key" in m.roles["phone"].reason
    assert missing_required(m) == []


def test_kuaishou_order_export():
    m = propose_mapping(raw("快手小店订单", {
        "订单号": [f"2412{100000000 + i}" for i in range(N)],
        "订单创建时间": TIMES,
        "支付时间": PAY_TIMES,
        "订单状态": rep(["交易成功", "已发货", "交易关闭"]),
        "商品名称": rep(["纯棉T恤", "牛仔裤", "运动鞋"]),
        "商品ID": rep(["1001", "1002", "1003"]),
        "SKU编码": rep(["A-1", "A-2", "B-1"]),
        "成交数量": rep(["1", "2"]),
        "商品单价(元)": rep(["59.00", "129.00", "299.00"]),
        "实付款(元)": AMOUNTS,
        "买家ID": rep(["100234", "100235", "100236", "100237"]),
        "买家昵称": rep(["快乐小猪", "momo", "阿强"]),
        "收货人姓名": NAMES,
        "收货人电话": PHONES,
        "收货地址": ADDRESSES,
        "主播ID": rep(["KS001", "KS002"]),
        "主播昵称": rep(["老铁严选", "辛选好物"]),
    }))
    assert m.kind == "orders"
    assert_role(m, "order_id", "订单号", 0.9)
    assert_role(m, "order_time", "订单创建时间", 0.9)
    assert_role(m, "pay_time", "支付时间", 0.9)
    assert_role(m, "pay_amount", "实付款(元)", 0.9)
    assert_role(m, "unit_price", "商品单价(元)", 0.9)
    assert_role(m, "quantity", "成交数量", 0.9)
    assert_role(m, "customer_id", "买家ID", 0.9)
    assert_role(m, "nickname", "买家昵称", 0.9)
    assert_role(m, "customer_name", "收货人姓名", 0.9)
    assert_role(m, "phone", "收货人电话", 0.9)
    assert_role(m, "address", "收货地址", 0.9)
    assert_role(m, "host_id", "主播ID", 0.9)
    assert_role(m, "host_name", "主播昵称", 0.9)
    assert_role(m, "product_id", "商品ID", 0.9)
    assert set(m.personal) == {"买家昵称", "收货人姓名", "收货人电话", "收货地址"}
    assert missing_required(m) == []


def test_taobao_qianniu_export():
    m = propose_mapping(raw("ExportOrderList202503", {
        "订单编号": [f"3{800000000000000 + i}" for i in range(N)],
        "买家会员名": rep(["tb_8812", "小鱼儿2019", "t_1500023"]),
        "买家应付货款": AMOUNTS,
        "买家实际支付金额": AMOUNTS,
        "订单状态": rep(["交易成功", "卖家已发货，等待买家确认", "交易关闭"]),
        "收货人姓名": NAMES,
        "收货地址": [f"{p} {c} {a}" for p, c, a in zip(PROVINCES, CITIES, ADDRESSES)],
        "联系手机": PHONES,
        "订单创建时间": TIMES,
        "订单付款时间": PAY_TIMES,
        "宝贝标题": rep(["秋冬新款毛衣", "加厚羽绒服"]),
        "宝贝总数量": rep(["1", "2"]),
        "店铺名称": rep(["某某旗舰店"]),
    }))
    assert m.kind == "orders"
    assert_role(m, "order_id", "订单编号", 0.9)
    assert_role(m, "customer_id", "买家会员名", 0.9)
    assert_role(m, "pay_amount", "买家实际支付金额", 0.9)
    assert_role(m, "total_amount", "买家应付货款", 0.9)
    assert_role(m, "order_time", "订单创建时间", 0.9)
    assert_role(m, "status", "订单状态", 0.9)
    assert_role(m, "customer_name", "收货人姓名", 0.9)
    assert_role(m, "phone", "联系手机", 0.9)
    assert_role(m, "address", "收货地址", 0.9)
    assert_role(m, "product_name", "宝贝标题", 0.9)
    assert_role(m, "quantity", "宝贝总数量", 0.9)
    assert "店铺名称" in m.unmapped
    assert_role(m, "pay_time", "订单付款时间", 0.9)  # 交易关闭 with a payment time was refunded, without was unpaid
    assert set(m.personal) == {"收货人姓名", "收货地址", "联系手机"}


def test_shopify_orders_export():
    m = propose_mapping(raw("orders_export_1", {
        "Name": [f"#{1001 + i}" for i in range(N)],
        "Email": [f"buyer{i}@example.com" for i in range(N)],
        "Financial Status": rep(["paid", "refunded", "paid", "partially_refunded"]),
        "Fulfillment Status": rep(["fulfilled", "unfulfilled"]),
        "Created at": [f"2025-03-{1 + i:02d} 10:15:00 +0800" for i in range(N)],
        "Subtotal": AMOUNTS,
        "Shipping": rep(["0.00", "5.00"]),
        "Discount Code": rep(["WELCOME10", None, None]),
        "Discount Amount": rep(["10.00", "0.00", "0.00"]),
        "Total": AMOUNTS,
        "Lineitem quantity": rep(["1", "2"]),
        "Lineitem name": rep(["Silk Scarf - Red", "Wool Hat"]),
        "Lineitem price": rep(["39.00", "25.50"]),
        "Lineitem sku": rep(["SC-RED", "HAT-01"]),
        "Billing Name": rep(["Ann Lee", "Bo Chen", "Carl Wu"]),
        "Billing Phone": rep([None, "+8613912345678"]),
        "Billing Province": rep(["Guangdong", "Zhejiang"]),
        "Billing City": rep(["Guangzhou", "Hangzhou"]),
        "Vendor": rep(["Acme"]),
    }))
    assert m.kind == "orders"
    assert_role(m, "order_id", "Name", 0.8)                 # '#1001' values: the order number
    assert_role(m, "status", "Financial Status", 0.9)
    assert_role(m, "order_time", "Created at", 0.9)
    assert_role(m, "pay_amount", "Total", 0.9)
    assert_role(m, "total_amount", "Subtotal", 0.9)
    assert_role(m, "discount_amount", "Discount Amount", 0.9)
    assert_role(m, "coupon_id", "Discount Code", 0.9)
    assert_role(m, "quantity", "Lineitem quantity", 0.9)
    assert_role(m, "unit_price", "Lineitem price", 0.9)
    assert_role(m, "product_name", "Lineitem name", 0.9)
    assert_role(m, "product_id", "Lineitem sku", 0.9)
    assert_role(m, "customer_name", "Billing Name", 0.9)
    assert_role(m, "province", "Billing Province", 0.9)
    assert_role(m, "city", "Billing City", 0.9)
    assert_role(m, "brand", "Vendor", 0.9)
    assert_role(m, "customer_id", "Email", 0.5)             # the only stable buyer key in a Shopify export
    assert_role(m, "ship_status", "Fulfillment Status", 0.9)  # whether the order went out, never its status
    assert {"Email", "Billing Name", "Billing Phone"} <= set(m.personal)


def test_hand_made_sheet_values_decide():
    m = propose_mapping(raw("Sheet1", {
        "客户": rep(["A001", "A002", "A003", "A004", "A005"]),
        "日期": [f"2025/3/{1 + i}" for i in range(N)],
        "金额": rep(["99", "199.5", "58", "1,280.00"]),
        "列4": PHONES,
        "备注": rep(["女", "男", "女"]),
        "Unnamed: 6": rep(["广东", "浙江", "四川"]),
    }))
    assert m.kind == "orders"
    assert_role(m, "customer_id", "客户")
    assert_role(m, "order_time", "日期", 0.9)
    assert_role(m, "pay_amount", "金额", 0.9)
    assert_role(m, "phone", "列4", 0.8)
    assert "mobile" in m.roles["phone"].reason
    assert_role(m, "gender", "备注", 0.7)
    assert_role(m, "province", "Unnamed: 6", 0.7)
    assert "列4" in m.personal


def test_headers_say_nothing_values_decide_everything():
    m = propose_mapping(raw("Sheet1", {
        "A": PHONES,
        "B": TIMES,
        "C": AMOUNTS,
        "D": rep(["已完成", "已退款", "已完成"]),
    }))
    assert m.kind == "orders"
    assert_role(m, "phone", "A", 0.8)
    assert_role(m, "order_time", "B", 0.5)
    assert_role(m, "pay_amount", "C", 0.4)
    assert_role(m, "status", "D", 0.7)
    assert missing_required(m) == []
    assert all(match.confidence < 0.95 for match in m.roles.values())   # value-only guesses are less sure


def test_typos_and_units_in_headers():
    m = propose_mapping(raw("orders", {
        "Oder ID": [str(10000 + i) for i in range(N)],
        "Custmer ID": rep(["c1", "c2", "c3"]),
        "Order Date": TIMES,
        "Amount (¥)": AMOUNTS,
        "Quantiy": rep(["1", "2"]),
    }))
    assert m.kind == "orders"
    assert_role(m, "order_id", "Oder ID", 0.5)
    assert_role(m, "customer_id", "Custmer ID", 0.5)
    assert m.roles["order_id"].confidence < 0.95
    assert_role(m, "pay_amount", "Amount (¥)", 0.9)
    assert_role(m, "quantity", "Quantiy", 0.5)


def test_customers_table():
    m = propose_mapping(raw("会员列表", {
        "会员ID": [str(500 + i) for i in range(N)],
        "昵称": rep(["爱吃鱼", "Lucky", "小王"]),
        "手机号": PHONES,
        "性别": rep(["女", "男", "未知"]),
        "年龄": rep(["23", "35", "41"]),
        "省份": rep(["广东", "浙江", "江苏"]),
        "城市": rep(["深圳", "杭州", "苏州"]),
        "注册时间": TIMES,
        "来源渠道": rep(["直播间", "短视频", "搜索"]),
        "累计消费金额": AMOUNTS,
    }))
    assert m.kind == "customers"
    assert_role(m, "customer_id", "会员ID", 0.9)
    assert_role(m, "nickname", "昵称", 0.9)
    assert_role(m, "phone", "手机号", 0.9)
    assert_role(m, "gender", "性别", 0.9)
    assert_role(m, "age", "年龄", 0.9)
    assert_role(m, "province", "省份", 0.9)
    assert_role(m, "city", "城市", 0.9)
    assert_role(m, "signup_time", "注册时间", 0.9)
    assert_role(m, "channel", "来源渠道", 0.9)
    assert "order_time" not in m.roles
    assert "累计消费金额" in m.unmapped                       # lifetime spend is not an order amount
    assert set(m.personal) == {"昵称", "手机号"}
    assert missing_required(m) == []


def test_customers_table_created_at_is_signup():
    m = propose_mapping(raw("customers", {
        "Customer ID": [str(9000 + i) for i in range(N)],
        "Email": [f"u{i}@example.com" for i in range(N)],
        "Province": rep(["Guangdong", "Zhejiang"]),
        "Created At": TIMES,
        "Gender": rep(["female", "male"]),
    }))
    assert m.kind == "customers"
    assert_role(m, "signup_time", "Created At", 0.6)
    assert "order_time" not in m.roles
    assert "Email" in m.personal


def test_products_table():
    m = propose_mapping(raw("商品列表", {
        "商品ID": [str(1000 + i) for i in range(N)],
        "商品名称": rep(["补水面膜", "洗面奶", "精华液", "口红"]),
        "类目": rep(["美妆护肤", "美妆护肤", "彩妆"]),
        "品牌": rep(["自然堂", "珀莱雅", "花西子"]),
        "价格(元)": rep(["59.00", "79.00", "199.00"]),
        "库存": rep(["100", "20"]),
    }))
    assert m.kind == "products"
    assert_role(m, "product_id", "商品ID", 0.9)
    assert_role(m, "product_name", "商品名称", 0.9)
    assert_role(m, "category", "类目", 0.9)
    assert_role(m, "brand", "品牌", 0.9)
    assert_role(m, "unit_price", "价格(元)", 0.9)
    assert "库存" in m.unmapped
    assert m.personal == []


def test_hosts_and_sessions_tables():
    hosts = propose_mapping(raw("主播名单", {
        "主播ID": ["1", "2", "3"], "主播昵称": ["小美", "阿杰", "丽丽"], "入驻日期": ["2024-01-02"] * 3}))
    assert hosts.kind == "hosts"
    assert_role(hosts, "host_id", "主播ID", 0.9)
    sessions = propose_mapping(raw("直播场次", {
        "场次ID": ["s1", "s2"], "主播ID": ["1", "2"], "直播标题": ["双11狂欢", "宠粉日"],
        "开始时间": ["2025-11-11 19:00", "2025-11-12 20:00"], "结束时间": ["2025-11-11 23:00", "2025-11-13 00:30"]}))
    assert sessions.kind == "live_sessions"
    assert_role(sessions, "session_id", "场次ID", 0.9)


def test_missing_amount_column_is_reported():
    m = propose_mapping(raw("订单", {
        "订单号": [str(1 + i) for i in range(N)],
        "买家ID": rep(["u1", "u2"]),
        "下单时间": TIMES,
        "订单状态": rep(["已完成"]),
        "商品名称": rep(["面膜"]),
    }))
    assert "pay_amount" not in m.roles
    assert "pay_amount" in missing_required(m)
    assert "order_time" not in missing_required(m)


def test_missing_customer_key_is_reported():
    m = propose_mapping(raw("订单", {"下单时间": TIMES, "实付金额": AMOUNTS}))
    assert m.kind == "orders"
    gaps = missing_required(m)
    assert len(gaps) == 1 and gaps[0].startswith("customer_id") and "phone" in gaps[0]


def test_personal_data_found_from_values_even_when_unmapped():
    m = propose_mapping(raw("orders", {
        "order id": [str(i) for i in range(N)],
        "contact": [f"user{i}@mail.cn" for i in range(N)],
        "证件": [f"11010519900307{1000 + i:04d}"[:17] + "X" for i in range(N)],
        "date": TIMES, "total": AMOUNTS, "tel2": PHONES,
    }))
    assert {"contact", "证件", "tel2"} <= set(m.personal)


# ---------------------------------------------------------------------------------------------
# corrections and mapping files


def test_apply_overrides_moves_unmaps_and_sets_kind():
    m = propose_mapping(douyin())
    fixed = apply_overrides(m, {"order_time": "支付完成时间", "order_id": "子订单编号", "city": None})
    assert fixed.roles["order_time"].column == "支付完成时间"
    assert fixed.roles["order_time"].confidence == 1.0
    assert "set by you" in fixed.roles["order_time"].reason
    assert fixed.roles["order_id"].column == "子订单编号"
    assert "city" not in fixed.roles
    assert {"订单提交时间", "主订单编号", "市"} <= set(fixed.unmapped)
    assert fixed.kind == "orders"
    # a column moved to another role leaves its old role
    moved = apply_overrides(m, {"customer_id": "收件人手机号"})
    assert moved.roles["customer_id"].column == "收件人手机号"
    assert "phone" not in moved.roles
    assert "收件人手机号" in moved.personal          # still personal data
    assert apply_overrides(m, {"kind": "order_items"}).kind == "order_items"
    # dropping the amount makes the gap visible again
    assert "pay_amount" in missing_required(apply_overrides(m, {"pay_amount": None}))


def test_apply_overrides_rejects_unknown_names():
    m = propose_mapping(douyin())
    with pytest.raises(ToolError) as err:
        apply_overrides(m, {"order_tme": "订单提交时间"})
    assert err.value.code == "unknown_role"
    assert "order_time" in err.value.en and "未知" in err.value.zh
    with pytest.raises(ToolError) as err:
        apply_overrides(m, {"order_time": "下单时间"})
    assert err.value.code == "unknown_column"
    assert "下单时间" in err.value.en and "没有列" in err.value.zh
    with pytest.raises(ToolError) as err:
        apply_overrides(m, {"kind": "invoices"})
    assert err.value.code == "unknown_kind"


def test_mapping_file_round_trip(tmp_path):
    tables = [douyin(), raw("商品列表", {"商品ID": ["1", "2"], "商品名称": ["面膜", "口红"], "类目": ["美妆", "彩妆"]})]
    mappings = [propose_mapping(t) for t in tables]
    text = dump_mapping(mappings)
    assert "订单提交时间" in text and "\\u" not in text          # readable Chinese
    path = tmp_path / "mapping.yaml"
    path.write_text(text, encoding="utf-8")
    loaded = load_mapping_file(path)
    assert set(loaded) == {"抖店订单导出", "商品列表"}
    assert loaded["抖店订单导出"]["kind"] == "orders"
    assert loaded["抖店订单导出"]["order_time"] == "订单提交时间"
    for table, mapping in zip(tables, mappings):
        again = apply_overrides(propose_mapping(table), loaded[table.name])
        assert again.kind == mapping.kind
        assert {r: c.column for r, c in again.roles.items()} == {r: c.column for r, c in mapping.roles.items()}


def test_mapping_file_flat_form_and_nulls(tmp_path):
    path = tmp_path / "m.yaml"
    path.write_text("orders.csv:\n  order_time: 下单时间\n  pay_amount: 实付金额\n  status: null\n", encoding="utf-8")
    expected = {"order_time": "下单时间", "pay_amount": "实付金额", "status": None}
    assert load_mapping_file(path) == {"orders.csv": expected}


@pytest.mark.parametrize("text, code", [
    ("t:\n  kind: orders\n  roles:\n    paid: 实付金额\n", "unknown_role"),
    ("t:\n  kind: invoices\n  roles: {}\n", "unknown_kind"),
    ("t:\n  kind: orders\n  roles: [a, b]\n", "bad_mapping_file"),
    ("- just a list\n", "bad_mapping_file"),
    ("t: {kind: orders, roles: {order_time: [a, b]}}\n", "bad_mapping_file"),
    ("t: [unclosed\n", "bad_mapping_file"),
])
def test_mapping_file_rejects_bad_content(tmp_path, text, code):
    path = tmp_path / "m.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ToolError) as err:
        load_mapping_file(path)
    assert err.value.code == code
    assert err.value.zh != err.value.en


def test_mapping_file_unknown_column_rejected_when_applied(tmp_path):
    path = tmp_path / "m.yaml"
    path.write_text("抖店订单导出:\n  kind: orders\n  roles:\n    pay_amount: 实付金额\n", encoding="utf-8")
    override = load_mapping_file(path)["抖店订单导出"]
    with pytest.raises(ToolError) as err:
        apply_overrides(propose_mapping(douyin()), override)
    assert err.value.code == "unknown_column"


def test_missing_mapping_file():
    with pytest.raises(ToolError) as err:
        load_mapping_file("/nonexistent/mapping.yaml")
    assert err.value.code == "mapping_not_found"


def test_every_role_has_synonyms():
    from assistant.ingest.mapping import _load_specs

    specs = _load_specs()
    assert set(specs) == set(ROLES)
    assert all(spec.synonyms for spec in specs.values())


def test_masked_phone_as_customer_key_is_flagged():
    m = propose_mapping(douyin())
    assert "masked" in m.roles["phone"].reason


def test_table_name_is_a_hint():
    m = propose_mapping(raw("会员", {"手机": PHONES, "时间": TIMES}))
    assert m.kind == "customers"
    assert_role(m, "signup_time", "时间", 0.5)
    assert "order_time" not in m.roles
    sheet = RawTable(name="Sheet2", df=pd.DataFrame({"商品ID": ["1", "2"], "商品名称": ["面膜", "口红"]}, dtype=object),
                     source="/tmp/book.xlsx#商品")
    assert propose_mapping(sheet).kind == "products"


def test_uses_parsing_looks_like_when_present(monkeypatch):
    import sys
    import types

    import assistant.ingest as ingest_pkg

    fake = types.ModuleType("assistant.ingest.parsing")
    calls = []

    def looks_like(series):
        calls.append(len(series))
        hidden = series.astype(str).str.startswith("sealed").mean()
        return {"phone": float(hidden), "datetime": 0.0}

    fake.looks_like = looks_like
    monkeypatch.setitem(sys.modules, "assistant.ingest.parsing", fake)
    monkeypatch.setattr(ingest_pkg, "parsing", fake, raising=False)
    m = propose_mapping(raw("x", {"col": [f"sealed-{i}" for i in range(N)], "下单时间": TIMES}))
    assert calls
    assert_role(m, "phone", "col", 0.8)            # their checks count
    assert_role(m, "order_time", "下单时间", 0.9)    # ours still fill in what theirs leaves at 0


def test_broken_parsing_looks_like_falls_back(monkeypatch):
    import sys
    import types

    import assistant.ingest as ingest_pkg

    fake = types.ModuleType("assistant.ingest.parsing")

    def looks_like(series):
        raise RuntimeError("boom")

    fake.looks_like = looks_like
    monkeypatch.setitem(sys.modules, "assistant.ingest.parsing", fake)
    monkeypatch.setattr(ingest_pkg, "parsing", fake, raising=False)
    m = propose_mapping(raw("Sheet1", {"A": PHONES, "B": TIMES, "C": AMOUNTS}))
    assert m.kind == "orders"
    assert_role(m, "phone", "A", 0.8)


def test_values_that_contradict_the_header_lower_confidence():
    m = propose_mapping(raw("orders", {
        "订单号": [str(i) for i in range(N)],
        "买家ID": rep(["u1", "u2"]),
        "下单时间": rep(["见备注", "不详"]),          # not dates
        "日期": [str(45352 + i) for i in range(N)],   # Excel date serials: still dates
        "实付金额": AMOUNTS,
    }))
    assert_role(m, "order_time", "日期", 0.9)
    assert "下单时间" in m.unmapped


def test_other_statuses_and_times_are_not_taken_for_the_order():
    m = propose_mapping(raw("orders", {
        "订单号": [str(i) for i in range(N)],
        "用户ID": rep(["u1", "u2"]),
        "实付金额": AMOUNTS,
        "发货时间": TIMES,
        "售后状态": rep(["退款成功", "已关闭"]),
    }))
    assert "order_time" not in m.roles and "status" not in m.roles
    assert missing_required(m) == ["order_time"]


def test_a_lone_payment_time_is_the_order_time():
    m = propose_mapping(raw("orders", {"用户ID": ["u1", "u2", "u3"] * 4, "支付时间": TIMES[:12] if len(TIMES) >= 12
                                       else (TIMES * 12)[:12], "实付金额": ["10.5"] * 12}))
    assert "order_time" in m.roles and m.roles["order_time"].column == "支付时间"
    assert "pay_time" not in m.roles


def test_a_lines_own_shipping_status_is_read_and_a_return_parcels_is_not() -> None:
    m = propose_mapping(raw("微信小店订单列表", {
        "订单号": [f"37{i:06d}" for i in range(N)], "订单下单时间": TIMES, "订单实际支付金额": AMOUNTS,
        "收件人手机": MASKED, "商品发货": rep(["已发货", "未发货"]), "退货物流状态": rep(["已签收", "运输中", None]),
    }))
    assert_role(m, "ship_status", "商品发货", 0.6)
    returns = propose_mapping(raw("售后单", {
        "订单号": [f"37{i:06d}" for i in range(N)], "订单下单时间": TIMES, "订单实际支付金额": AMOUNTS,
        "收件人手机": MASKED, "退货物流状态": rep(["已签收", "运输中", "未发货"]),
    }))
    assert "ship_status" not in returns.roles
