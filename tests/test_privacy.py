"""Personal data never leaves the engine unmasked, whichever tool or SQL asks for it."""

from __future__ import annotations

import pandas as pd

from tools.privacy import mask_frame, mask_text


def test_mask_text_patterns() -> None:
    text = "联系 13812345678 或 +86 139-0000-1111? mail li.lei@example.com, 身份证 110101199003071234"
    masked = mask_text(text)
    assert "13812345678" not in masked and "138****5678" in masked
    assert "li.lei@" not in masked and "l***@example.com" in masked
    assert "110101199003071234" not in masked and "110101********1234" in masked
    assert mask_text("GMV 1234567.89, orders 20240618") == "GMV 1234567.89, orders 20240618"


def test_mask_frame_masks_personal_columns_and_patterns() -> None:
    frame = pd.DataFrame({"customer_id": [1, 2], "phone": ["13812345678", None], "nickname": ["小猫爱吃鱼", "阿杰"],
                          "note": ["call 15900001111", "ok"], "gmv": [10.5, 20.0]})
    masked = mask_frame(frame)
    assert masked["phone"].tolist()[0] == "138****5678" and masked["phone"].isna().tolist()[1]
    assert masked["nickname"].tolist() == ["小****", "阿**"]
    assert masked["note"].tolist() == ["call 159****1111", "ok"]
    assert masked["gmv"].tolist() == [10.5, 20.0] and masked["customer_id"].tolist() == [1, 2]


def test_sql_cannot_read_raw_phones(engine, raw_tables) -> None:
    answer = engine.sql("SELECT customer_id, phone, nickname, phone AS contact FROM customers LIMIT 50")
    assert answer.ok
    shown = answer.table()
    raw = raw_tables["customers"].set_index("customer_id").loc[shown["customer_id"]]
    for column in ("phone", "contact"):
        assert not (shown[column].to_numpy() == raw["phone"].to_numpy()).any()
    assert all("****" in p for p in shown["phone"])
    assert not any(n == r for n, r in zip(shown["nickname"], raw["nickname"]))
    as_json = str(answer.to_json())
    assert not any(phone in as_json for phone in raw["phone"])


def test_only_personal_columns_are_masked_whole() -> None:
    from tools.privacy import is_personal_column

    personal = ["phone", "Phone Number", "nickname", "customer_name", "email", "收货人姓名", "买家手机号", "收货地址"]
    public = ["name", "segment_name", "product_name", "host_name", "category", "segment", "region", "gmv"]
    assert all(is_personal_column(c) for c in personal)
    assert not any(is_personal_column(c) for c in public)
