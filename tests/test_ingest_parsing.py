"""parsing: table-driven cases for every accepted format, and bad values flagged (never silently dropped)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from assistant.ingest import parsing as P

T = pd.Timestamp


@pytest.mark.parametrize("raw,expected", [
    ("2024-06-18", T("2024-06-18")),
    ("2024/6/18 20:15", T("2024-06-18 20:15")),
    ("2024-06-18 20:15:30", T("2024-06-18 20:15:30")),
    ("2024.06.18", T("2024-06-18")),
    ("20240618", T("2024-06-18")),
    ("20240618201530", T("2024-06-18 20:15:30")),
    ("2024年6月18日", T("2024-06-18")),
    ("2024年6月18日 20:15", T("2024-06-18 20:15")),
    ("2024年6月18日20时15分", T("2024-06-18 20:15")),
    ("２０２４-０６-１８", T("2024-06-18")),
    ("2024-06-18T20:15:30", T("2024-06-18 20:15:30")),
    ("2024-06-18T20:15:30Z", T("2024-06-18 20:15:30")),
    ("2024-06-18T20:15:30+08:00", T("2024-06-18 20:15:30")),
    ("2024-06-18 20:15:30.250", T("2024-06-18 20:15:30.250")),
    ("6/18/2024", T("2024-06-18")),
    ("18/6/2024", T("2024-06-18")),
    ("6/18/2024 8:15 PM", T("2024-06-18 20:15")),
    ("  2024-06-18  ", T("2024-06-18")),
])
def test_parse_datetimes_formats(raw: str, expected: pd.Timestamp) -> None:
    values, bad = P.parse_datetimes(pd.Series([raw]))
    assert values.iat[0] == expected
    assert not bad.iat[0]


@pytest.mark.parametrize("raw", ["2024-02-30", "2024-13-01", "not a date", "2024-06-18 25:00", "18.06.24", "99999"])
def test_parse_datetimes_bad(raw: str) -> None:
    values, bad = P.parse_datetimes(pd.Series(["2024-06-18", raw]))
    assert pd.isna(values.iat[1]) and bad.iat[1]
    assert not bad.iat[0]


def test_parse_datetimes_empty_is_not_bad_and_dtype() -> None:
    values, bad = P.parse_datetimes(pd.Series(["2024-06-18", None, "", "  ", "-"], index=[5, 6, 7, 8, 9]))
    assert str(values.dtype) == "datetime64[ns]"
    assert values.index.tolist() == [5, 6, 7, 8, 9]
    assert bad.tolist() == [False] * 5
    assert values.isna().tolist() == [False, True, True, True, True]


def test_excel_serial_dates_when_whole_column_is_serial() -> None:
    values, bad = P.parse_datetimes(pd.Series(["45461", "45461.84", None]))
    assert values.iat[0] == T("2024-06-18")
    assert values.iat[1] == T("2024-06-18 20:09:36")
    assert not bad.any()
    # a lone number among real dates is not a serial date
    values, bad = P.parse_datetimes(pd.Series(["2024-06-18", "45461"]))
    assert bad.tolist() == [False, True]
    # out of range numbers are not dates
    assert P.parse_datetimes(pd.Series(["12345", "99999"]))[1].all()


def test_month_day_order_needs_evidence() -> None:
    # the 18 proves month/day order for the whole column
    values, bad = P.parse_datetimes(pd.Series(["6/18/2024", "7/6/2024"]))
    assert values.tolist() == [T("2024-06-18"), T("2024-07-06")]
    values, bad = P.parse_datetimes(pd.Series(["18/6/2024", "7/6/2024"]))
    assert values.tolist() == [T("2024-06-18"), T("2024-06-07")]
    # nothing decides: ambiguous values are flagged, same-number ones are fine
    values, bad = P.parse_datetimes(pd.Series(["6/7/2024", "5/5/2024"]))
    assert bad.tolist() == [True, False]
    assert values.iat[1] == T("2024-05-05")


@pytest.mark.parametrize("raw,expected", [
    ("¥1,299.00", 1299.0),
    ("￥1,299.00", 1299.0),
    ("1299", 1299.0),
    ("1,299.5元", 1299.5),
    ("RMB 12.5", 12.5),
    ("CNY12.5", 12.5),
    ("$12.50", 12.5),
    ("1.2万", 12000.0),
    ("3亿", 3e8),
    ("-12.5", -12.5),
    ("-¥12.5", -12.5),
    ("(12.50)", -12.5),
    ("（12.50）", -12.5),
    ("１２３", 123.0),
    ("１，２３４．５", 1234.5),
    (" 88 ", 88.0),
    (".5", 0.5),
    ("+7", 7.0),
    ("1e3", 1000.0),
])
def test_parse_numbers_formats(raw: str, expected: float) -> None:
    values, bad = P.parse_numbers(pd.Series([raw]))
    assert values.iat[0] == pytest.approx(expected)
    assert not bad.iat[0]
    assert values.dtype == np.float64


@pytest.mark.parametrize("raw", ["abc", "1.2.3", "12%", "¥", "12-5", "一百"])
def test_parse_numbers_bad(raw: str) -> None:
    values, bad = P.parse_numbers(pd.Series([raw]))
    assert math.isnan(values.iat[0]) and bad.iat[0]


def test_parse_numbers_percent_flag_and_empties() -> None:
    values, bad = P.parse_numbers(pd.Series(["12%", "0.5%", "３０％", "7", None, "", "-", "--"]), percent=True)
    assert values.iloc[:4].tolist() == pytest.approx([0.12, 0.005, 0.30, 7.0])
    assert values.iloc[4:].isna().all()
    assert not bad.any()


@pytest.mark.parametrize("raw,expected", [
    *[(w, "paid") for w in ["已完成", "交易成功", "已支付", "已付款", "已发货", "待发货", "待收货", "已签收",
                            "completed", "paid", "PAID", "Shipped", "delivered", "卖家已发货，等待买家确认",
                            "买家已付款，等待卖家发货", "退款关闭", "部分退款"]],
    *[(w, "refunded") for w in ["已退款", "退款成功", "售后完成", "退货退款", "全额退款", "refunded", "returned",
                                "交易关闭（退款）"]],
    *[(w, "cancelled") for w in ["已取消", "交易关闭", "取消", "cancelled", "canceled", "closed", " Cancelled "]],
    # placed and still awaiting payment: not a closed order
    *[(w, "unpaid") for w in ["未付款", "待付款", "unpaid", "等待买家付款", "Pending payment", "待支付"]],
])
def test_parse_status(raw: str, expected: str) -> None:
    values, bad = P.parse_status(pd.Series([raw]))
    assert values.iat[0] == expected
    assert not bad.iat[0]


def test_parse_status_unknown_is_bad_empty_is_not() -> None:
    values, bad = P.parse_status(pd.Series(["???", "发呆中", None, ""]))
    assert values.tolist() == [None, None, None, None]
    assert bad.tolist() == [True, True, False, False]


@pytest.mark.parametrize("raw,expected", [
    ("男", "male"), ("男性", "male"), ("M", "male"), ("male", "male"), ("Male", "male"), ("先生", "male"),
    ("女", "female"), ("女性", "female"), ("F", "female"), ("female", "female"), ("女士", "female"),
    ("未知", "unknown"), ("", "unknown"), (None, "unknown"), ("x", "unknown"),
])
def test_parse_gender(raw, expected: str) -> None:
    assert P.parse_gender(pd.Series([raw])).iat[0] == expected


@pytest.mark.parametrize("age,expected", [
    (10, "under 18"), (17, "under 18"), (18, "18-24"), (24, "18-24"), (24.6, "18-24"), (25, "25-30"),
    (30, "25-30"), (31, "31-40"), (40, "31-40"), (41, "41-50"), (50, "41-50"), (51, "50+"), (88, "50+"),
    (None, None), (-3, None), (200, None),
])
def test_age_band_numbers(age, expected) -> None:
    assert P.age_band(pd.Series([age], dtype="float64")).iat[0] == expected


@pytest.mark.parametrize("text,expected", [
    ("25-30岁", "25-30"), ("18-24", "18-24"), ("31~40岁", "31-40"), ("41至50岁", "41-50"), ("50+", "50+"),
    ("50岁以上", "50+"), ("18岁以下", "under 18"), ("33", "31-40"), ("33岁", "31-40"), ("未知", None),
    ("", None), (None, None),
])
def test_age_band_text(text, expected) -> None:
    assert P.age_band(pd.Series([text], dtype=object)).iat[0] == expected


@pytest.mark.parametrize("raw,expected,valid", [
    ("13800138000", "13800138000", True),
    ("+86 138-0013-8000", "13800138000", True),
    ("008613800138000", "13800138000", True),
    ("86 13800138000", "13800138000", True),
    ("(+86) 159 0000 1111", "15900001111", True),
    ("138****8000", "138****8000", False),
    ("12800138000", "12800138000", False),
    ("020-12345678", "02012345678", False),
    ("abc", None, False),
    (None, None, False),
])
def test_normalise_phone(raw, expected, valid: bool) -> None:
    s = pd.Series([raw], dtype=object)
    assert P.normalise_phone(s).iat[0] == expected
    assert bool(P.is_mobile(s).iat[0]) is valid


KEYS = {"phone", "datetime", "number", "money", "id", "status", "gender", "province", "email", "address"}


@pytest.mark.parametrize("values,kind", [
    (["13800138000", "+86 139 0013 9000", "15900001111"], "phone"),
    (["2024-06-18 20:15", "2024/6/19", "2024年6月20日"], "datetime"),
    (["12", "13.5", "1,000"], "number"),
    (["¥12.50", "13.00", "99元"], "money"),
    (["A1B2C3D4", "A1B2C3D5", "A1B2C3D6"], "id"),
    (["已完成", "交易成功", "已取消"], "status"),
    (["男", "女", "女"], "gender"),
    (["广东", "浙江省", "广西壮族自治区", "上海市"], "province"),
    (["a@b.com", "x.y+z@shop.cn"], "email"),
    (["广东省广州市天河区体育西路1号", "浙江省杭州市西湖区文三路100号"], "address"),
])
def test_looks_like(values: list[str], kind: str) -> None:
    found = P.looks_like(pd.Series(values + [None, ""]))
    assert set(found) == KEYS
    assert found[kind] == pytest.approx(1.0)
    for other in KEYS - {kind, "number", "money", "id", "address", "province"}:
        assert found[other] < 1.0, other


def test_looks_like_distinguishes() -> None:
    prices = P.looks_like(pd.Series(["12.50", "13.00", "8.90"]))
    assert prices["money"] == 1.0 and prices["datetime"] == 0.0 and prices["phone"] == 0.0
    repeated = P.looks_like(pd.Series(["100001"] * 10))
    assert repeated["id"] < 0.5
    assert P.looks_like(pd.Series([None, ""]))["phone"] == 0.0


def test_durations_are_minutes_whatever_the_export_wrote() -> None:
    from assistant.ingest.parsing import parse_minutes

    spelled = pd.Series(["2小时13分", "1分23秒", "01:05:30", "3h 20min", "95", "-", "45秒"])
    minutes, bad = parse_minutes(spelled, "直播时长")
    assert minutes.round(3).tolist()[:5] == [133.0, 1.383, 65.5, 200.0, 95.0]
    assert pd.isna(minutes[5]) and minutes[6] == 0.75 and not bad.any()
    assert parse_minutes(pd.Series(["95", "1:30"]), "人均观看时长(秒)")[0].round(3).tolist() == [1.583, 1.5]
    assert parse_minutes(pd.Series(["2.5"]), "直播时长(小时)")[0].tolist() == [150.0]
    assert parse_minutes(pd.Series(["1:30"]), "直播时长")[0].tolist() == [90.0]  # a broadcast's h:m
    assert parse_minutes(pd.Series(["1:30"]), "人均观看时长", short=True)[0].tolist() == [1.5]
