"""Personal data stays masked in answers: phones, e-mails, ID-card numbers, names and addresses.

Applied to every Answer (CLI, Python API, chat, HTTP, and therefore the LLM's summaries), whatever
tool or SQL produced it. Unmasked exports need an explicit request (issue: export_segment).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pandas as pd

# English column names match whole words (so product_name or segment "name" stay visible);
# Chinese terms match anywhere in the header (收货人姓名, 买家手机号).
PERSONAL_WORDS = {"phone", "mobile", "telephone", "nickname", "address", "email", "id_card", "idcard", "wechat"}
PERSONAL_COLUMNS = {"customer_name", "buyer_name", "receiver_name", "billing_name", "shipping_name"}
PERSONAL_ZH = ("手机", "电话", "昵称", "姓名", "收货人", "收件人", "地址", "邮箱", "身份证", "微信")
PHONE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?(1[3-9]\d)(\d{4})(\d{4})(?!\d)")
EMAIL = re.compile(r"\b([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})\b")
ID_CARD = re.compile(r"(?<![0-9A-Za-z])(\d{6})\d{8}(\d{3}[\dXx])(?![0-9A-Za-z])")


def mask_text(text: str) -> str:
    text = PHONE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)
    text = EMAIL.sub(lambda m: f"{m.group(1)}***@{m.group(2)}", text)
    return ID_CARD.sub(lambda m: f"{m.group(1)}********{m.group(2)}", text)


def _mask_whole(value: object) -> object:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return value
    text = str(value)
    masked = mask_text(text)
    if masked != text:
        return masked
    return text[:1] + "*" * max(len(text) - 1, 2) if text else text


def is_personal_column(name: str) -> bool:
    lowered = str(name).lower()
    if lowered in PERSONAL_COLUMNS or any(term in lowered for term in PERSONAL_ZH):
        return True
    return any(part in PERSONAL_WORDS for part in re.split(r"[^a-z]+", lowered))


def _mask_value(value: object, personal: bool) -> object:
    """One cell, however nested: lists (list(phone)), structs (SELECT customers FROM customers) and
    numbers that are phone or ID numbers (CAST(phone AS BIGINT)) are masked like text."""
    if isinstance(value, dict):
        return {k: _mask_value(v, personal or is_personal_column(k)) for k, v in value.items()}
    if isinstance(value, (list, tuple)) or (hasattr(value, "tolist") and getattr(value, "ndim", 0) >= 1):
        return [_mask_value(v, personal) for v in (value.tolist() if hasattr(value, "tolist") else value)]
    if personal:
        return _mask_whole(value)
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, int) and not isinstance(value, bool) and mask_text(str(value)) != str(value):
        return mask_text(str(value))
    return value


def mask_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Personal columns masked whole; phone/e-mail/ID patterns masked in every other text column,
    inside lists and structs, and in integer columns holding phone or ID numbers."""
    masked = frame.copy()
    for column in masked.columns:
        series = masked[column]
        if is_personal_column(column):
            masked[column] = _map_distinct(series, lambda v: _mask_value(v, True))
        elif series.dtype == object or pd.api.types.is_string_dtype(series):
            masked[column] = _map_distinct(series, lambda v: _mask_value(v, False))
        elif pd.api.types.is_integer_dtype(series) and _may_hold_numbers_to_mask(series):
            masked[column] = series.map(lambda v: _mask_value(int(v), False) if pd.notna(v) else v).astype(object)
    return masked


def _map_distinct(series: pd.Series, mask: Callable[[object], object]) -> pd.Series:
    """`mask` once per distinct value: a per-customer table of a million rows has a handful of
    segment names, and masking each cell again cost seconds per answer."""
    try:
        codes, distinct = pd.factorize(series, use_na_sentinel=True)
    except TypeError:  # unhashable cells (lists, structs): one by one
        return series.map(mask)
    if len(distinct) == len(series):
        return series.map(mask)
    lookup = {value: mask(value) for value in distinct}
    out = series.map(lookup).astype(object)
    missing = codes == -1
    if missing.any():  # None / NaN / NA stay as mask() leaves them
        out[missing] = series[missing].map(mask).astype(object)
    return out


def _may_hold_numbers_to_mask(series: pd.Series) -> bool:
    """Only 11-digit mobile numbers (optionally 86-prefixed) and 18-digit ID numbers can match as
    integers; a range test skips the per-value check for ids, counts and amounts."""
    values = series.dropna()
    size = values.abs()  # "-13800138000" masks too: the pattern only needs no digit before it
    candidates = (size.between(13_000_000_000, 19_999_999_999) | size.between(8_613_000_000_000, 8_619_999_999_999)
                  | (size >= 10**17))
    return bool(values[candidates].map(lambda v: _mask_value(int(v), False) != v).any())
