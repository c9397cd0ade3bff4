"""How personal data is recognised and masked (tools.privacy): every phone form, e-mails, ID numbers
and names; amounts, dates and order numbers left alone; masking a masked value changes nothing."""

from __future__ import annotations

import pandas as pd
import pytest

from tools.privacy import is_personal_column, mask_frame, mask_personal, mask_text


def with_check_digit(first17: str) -> str:
    """A mainland ID number with a valid ISO 7064 MOD 11-2 check digit."""
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights)) % 11]


VALID_ID = with_check_digit("11010519491231002")

# (text, the raw part that must disappear, what must be left)
MASKED = [
    ("联系 13812345678 吧", "13812345678", "138****5678"),
    ("电话13800138000", "13800138000", "138****8000"),  # Chinese text runs straight into the number
    ("+86 139-0000-1111", "0000", "+86 139-****-1111"),
    ("+8613800138000", "13800138000", "+86138****8000"),
    ("138 0013 8000", "0013", "138 **** 8000"),
    ("1380 013 8000", "0 013", "8000"),
    ("138－0013－8000", "0013", "138－****－8000"),  # the full-width dash of Chinese input methods
    ("TEL13800138000", "13800138000", "TEL138****8000"),
    ("wx13800138000", "13800138000", "wx138****8000"),
    ("电话１３８００１３８０００", "１３８００", "138****8000"),  # full-width digits
    ("1\u200b3\u200b8\u200b0\u200b0\u200b1\u200b3\u200b8\u200b0\u200b0\u200b0", "0\u200b0\u200b1", "138****8000"),
    ("座机 010-12345678", "1234", "010-****5678"),
    ("(0755) 1234 5678", "1234 5678", "5678"),
    ("0755-1234567", "1234567", "4567"),
    ("+852 9123 4567", "9123", "+852 **** 4567"),
    ("00852-91234567", "9123", "4567"),
    ("+886 912 345 678", "912 345", "678"),
    ("台湾 0912-345-678", "345", "678"),
    ("mail li.lei@example.com", "li.lei@", "l***@example.com"),
    ("邮箱li@x.com", "li@", "l***@x.com"),
    (f"证号 {VALID_ID}", VALID_ID, VALID_ID[:6] + "********" + VALID_ID[-4:]),  # valid check digit: no word needed
    ("身份证 110101199003071235", "19900307", "110101********1235"),  # after the word: masked even if invalid
    ("ID card: 11010119900307123X", "19900307", "123X"),
]

UNTOUCHED = [
    "GMV 1234567.89, orders 20240618",
    "2024-06-18 12:30:45",
    "订单 4921345678901234567",  # a 19-digit platform order number
    "18位订单 123456789012345678",  # 18 digits with no valid date and check digit: not an ID
    "price 1,380,013,800",
    "复购率 23.5%，客单价 ¥128.00，共 20,000 位客户",
]


@pytest.mark.parametrize("text,raw,kept", MASKED, ids=[m[0] for m in MASKED])
def test_every_form_is_masked(text: str, raw: str, kept: str) -> None:
    masked = mask_text(text)
    assert raw not in masked and kept in masked, masked
    assert mask_text(masked) == masked  # idempotent


@pytest.mark.parametrize("text", UNTOUCHED)
def test_numbers_that_are_not_personal_stay(text: str) -> None:
    assert mask_text(text) == text


def test_personal_values_keep_only_their_first_character() -> None:
    assert mask_personal("小猫爱吃鱼") == "小**" and mask_personal("阿杰") == "阿**"  # the length is not revealed
    assert mask_personal("13800138000") == "138****8000"
    assert mask_personal("li.lei@example.com") == "l***@example.com"
    assert mask_personal("广东省深圳市南山区科技园1号") == "广**"
    for masked in ("张**", "138****8000", "010-****5678", "l***@example.com"):
        assert mask_personal(masked) == masked
    assert mask_personal("星星***") == "星**"  # stars in a raw name do not make it look masked
    assert mask_personal(None) is None


def test_mask_frame_masks_personal_columns_and_patterns() -> None:
    frame = pd.DataFrame({"customer_id": [1, 2], "phone": ["13812345678", None], "nickname": ["小猫爱吃鱼", "阿杰"],
                          "note": ["call 15900001111", "ok"], "gmv": [10.5, 20.0],
                          "mobile": [13812345678, 13912345678], "gmv_fen": [15012345678, 5]})
    masked = mask_frame(frame)
    assert masked["phone"].tolist()[0] == "138****5678" and masked["phone"].isna().tolist()[1]
    assert masked["nickname"].tolist() == ["小**", "阿**"]
    assert masked["note"].tolist() == ["call 159****1111", "ok"]
    assert masked["gmv"].tolist() == [10.5, 20.0] and masked["customer_id"].tolist() == [1, 2]
    assert masked["mobile"].tolist() == ["138****5678", "139****5678"]  # a phone column typed as a number
    assert masked["gmv_fen"].tolist() == [15012345678, 5]  # an eleven-digit amount is not a phone number
    assert list(mask_frame(pd.DataFrame({"13812345678": [1]})).columns) == ["138****5678"]  # a pivoted header


def test_sql_cannot_read_raw_phones(engine, demo_contacts) -> None:
    answer = engine.sql("SELECT customer_id, phone, nickname, phone AS contact FROM customers LIMIT 50")
    assert answer.ok
    shown = answer.table()
    raw = demo_contacts.set_index("customer_id").loc[shown["customer_id"]]
    for column in ("phone", "contact"):
        assert not (shown[column].to_numpy() == raw["phone"].to_numpy()).any()
    assert all("****" in p for p in shown["phone"])
    assert not any(n == r for n, r in zip(shown["nickname"], raw["nickname"]))
    as_json = str(answer.to_json())
    assert not any(phone in as_json for phone in raw["phone"])


def test_only_personal_columns_are_masked_whole() -> None:
    personal = ["phone", "Phone Number", "nickname", "customer_name", "email", "收货人姓名", "买家手机号", "收货地址",
                "buyer_nick", "联系人", "wechat_id"]
    public = ["name", "segment_name", "product_name", "host_name", "category", "segment", "region", "gmv", "hotel"]
    assert all(is_personal_column(c) for c in personal)
    assert not any(is_personal_column(c) for c in public)
