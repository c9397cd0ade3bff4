"""How personal data is recognised and masked: phone numbers, e-mails, ID numbers, names.

Two uses, one set of rules:
- at the source: tools.sealing stores every dataset with its personal columns already masked, so no
  query, tool or model ever sees a raw value (the raw values sit in a private contact store);
- on the way out: every answer, the model's text and the logs pass `mask_text` / `mask_frame`, so a
  value typed by a person, pasted into data or written by a model is masked too.

Masked forms keep what a person needs to tell values apart and nothing more: 138****8000,
010-****5678, +852 ****4567, l***@example.com, 110101********1234, 张**. Masking a masked value
changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

import pandas as pd

# English column names match whole words (so product_name or segment "name" stay visible);
# Chinese terms match anywhere in the header (收货人姓名, 买家手机号).
PERSONAL_WORDS = {"phone", "mobile", "telephone", "tel", "telno", "cellphone", "nickname", "address", "addr",
                  "email", "mail", "id_card", "idcard", "wechat", "weixin", "qq", "username", "passport"}
PERSONAL_COLUMNS = {"customer_name", "buyer_name", "receiver_name", "billing_name", "shipping_name", "full_name",
                    "real_name", "contact_name", "buyer_nick", "user_nick", "nick", "user_name", "id_number",
                    "contact", "tel_no", "receiver", "consignee", "recipient"}
PERSONAL_ZH = ("手机", "电话", "昵称", "姓名", "收货人", "收件人", "联系人", "联系方式", "地址", "邮箱", "身份证",
               "证件", "微信", "买家账号", "用户名", "会员名", "旺旺", "抖音号", "快手号", "淘宝账号", "支付宝账号")
# A bare "name" is a person's only in a table of people (customers.name), not products.name.
_NAME_ONLY = {"name", "first_name", "last_name", "given_name", "family_name", "名字"}
_PEOPLE_TABLES = ("customer", "buyer", "member", "user", "client", "contact", "客户", "会员", "买家", "用户")


# The contact columns themselves, by exact name: what an answer table holds when it shows a
# personal column as it is. Names built on them ("with_phone", "nickname_status") are an analyst's
# derived values and are left alone; the values themselves are masked at the source anyway.
CONTACT_COLUMNS = {"phone", "mobile", "telephone", "tel", "phone_number", "mobile_phone", "nickname", "nick",
                   "email", "e_mail", "address", "wechat", "wechat_id", "id_card", "idcard", "手机", "手机号",
                   "电话", "昵称", "姓名", "地址", "邮箱", "身份证", "身份证号", "微信", "微信号"} | PERSONAL_COLUMNS


def is_contact_column(name: str) -> bool:
    return re.sub(r"[\s\-]+", "_", str(name).strip().lower()) in CONTACT_COLUMNS


def is_personal_column(name: str, table: str | None = None) -> bool:
    """`table`: the table the column belongs to, when known (a bare "name" is personal in a table
    of people only)."""
    lowered = str(name).lower()
    if lowered in _NAME_ONLY:
        return table is not None and any(word in str(table).lower() for word in _PEOPLE_TABLES)
    if lowered in PERSONAL_COLUMNS or any(term in lowered for term in PERSONAL_ZH):
        return True
    return any(part in PERSONAL_WORDS for part in re.split(r"[^a-z]+", lowered))


# --- Phone numbers ---------------------------------------------------------------------------
# One separator between digit groups: a space, a dash, a dot or a closing bracket.
_SEP = r"[ \-.\u00a0－]?"
# Mainland mobiles, optionally +86 / 0086 / 86 first, grouped any way (13800138000, +86 138-0013-8000,
# 1380 013 8000, 138－0013－8000), also right after letters (TEL13800138000, wx13800138000).
MOBILE = re.compile(rf"(?<![0-9*+])(?:(?:\+|00)?86{_SEP})?1[3-9](?:{_SEP}\d){{9}}(?![0-9*]|[ \-.]\*)")
_PHONE_PATTERNS = (    # any number written with a country code: +852 9123 4567, +886 912 345 678, 00852-91234567
    rf"(?:\+|00)\d{{1,3}}{_SEP}\(?\d{{1,4}}\)?(?:{_SEP}\d{{2,5}}){{1,4}}",
    # Hong Kong / Macau / Taiwan codes written without a plus: 852 9123 4567, 886-2-2345-6789
    rf"(?:852|853|886){_SEP}\(?\d{{1,4}}\)?(?:{_SEP}\d{{3,4}}){{1,3}}",
    # mainland landline with its area code: 010-12345678, (0755) 1234 5678, 0755-1234567, 01012345678
    rf"\(?0[1-9]\d{{1,2}}\)?{_SEP}\d{{3,4}}{_SEP}\d{{4}}",
    # Taiwan mobile written domestically: 0912-345-678, 0912345678
    rf"09\d{{2}}{_SEP}\d{{3}}{_SEP}\d{{3}}",
)
# ASCII boundaries: Chinese text runs straight into numbers ("电话13800138000").
# A match that runs into stars is part of a number masked already ("+86 139-****-1111").
PHONE = re.compile(r"(?<![0-9A-Za-z*+])(?:" + "|".join(_PHONE_PATTERNS) + r")(?![0-9A-Za-z*]|[ \-.]\*)")
_COUNTRY = re.compile(r"^(?:\+|00)?(?:86|852|853|886|\d{1,3}(?=[ \-.\u00a0(]))?")


def _mask_phone(span: str) -> str:
    """Keep the country code, the first three and the last four digits of the number itself."""
    country = ""
    if span.startswith(("+", "00")) or span[:3] in ("852", "853", "886") or span[:2] == "86" and len(
            re.sub(r"\D", "", span)) > 11:
        match = _COUNTRY.match(span)
        country = match.group(0) if match else ""
    body = span[len(country):]
    digits = [i for i, ch in enumerate(body) if ch.isdigit()]
    if len(digits) < 7:  # too short to be a subscriber number: a code and a fragment of something else
        return span
    keep_head = 3 if len(digits) >= 10 else 0
    hidden = set(digits[keep_head:len(digits) - 4])
    return country + "".join("*" if i in hidden else ch for i, ch in enumerate(body))


# --- E-mail ----------------------------------------------------------------------------------
EMAIL = re.compile(r"(?<![A-Za-z0-9._%+-])([A-Za-z0-9])[A-Za-z0-9._%+-]*"
                   r"@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})")

# --- ID numbers ------------------------------------------------------------------------------
# Mainland resident ID: 6-digit region, birth date, 3-digit sequence, check digit (ISO 7064 MOD 11-2).
# Checked rather than matched loosely: an 18-digit order number must stay readable.
ID_CARD = re.compile(r"(?<![0-9A-Za-z*])(\d{6})(\d{8})(\d{3})([\dXx])(?![0-9A-Za-z*])")
ID_CARD_15 = re.compile(r"(?<![0-9A-Za-z*])([1-8]\d{5})(\d{6})(\d{3})(?![0-9A-Za-z*])")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
# After a word that says so, any ID-shaped number is masked, valid or not.
ID_CONTEXT = re.compile(r"(身份证|证件|ID\s*(?:card|no\.?|number|#))(\D{0,8})(\d{6})(\d{5,8})(\d{3}[\dXx]|\d{4})(?!\d)",
                        re.IGNORECASE)
# Hong Kong (A123456(7)) and Taiwan (A123456789) identity cards, checked by their check digit.
HK_ID = re.compile(r"(?<![0-9A-Za-z*])([A-Z]{1,2})(\d{6})\(?([0-9A])\)?(?![0-9A-Za-z*])")
TW_ID = re.compile(r"(?<![0-9A-Za-z*])([A-Z])([12]\d{8})(?![0-9A-Za-z*])")


def _valid_birth(text: str, century_digits: int) -> bool:
    try:
        if century_digits == 4:
            year, month, day = int(text[:4]), int(text[4:6]), int(text[6:8])
        else:
            year, month, day = 1900 + int(text[:2]), int(text[2:4]), int(text[4:6])
        return 1900 <= year <= 2100 and bool(date(year, month, day))
    except ValueError:
        return False


def _valid_id18(number: str) -> bool:
    if not _valid_birth(number[6:14], 4) or number[0] not in "12345678":
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS))
    return _ID_CHECK[total % 11] == number[17].upper()


def _valid_hk(letters: str, digits: str, check: str) -> bool:
    values = ([36] if len(letters) == 1 else []) + [ord(c) - 55 for c in letters] + [int(d) for d in digits]
    total = sum(v * w for v, w in zip(values, range(9, 1, -1)))
    expected = (11 - total % 11) % 11
    return check == ("A" if expected == 10 else str(expected))


_TW_LETTERS = "ABCDEFGHJKLMNPQRSTUVXYWZIO"


def _valid_tw(letter: str, digits: str) -> bool:
    code = _TW_LETTERS.index(letter) + 10
    values = [code // 10, code % 10] + [int(d) for d in digits]
    return sum(v * w for v, w in zip(values, (1, 9, 8, 7, 6, 5, 4, 3, 2, 1, 1))) % 10 == 0


def _mask_id18(m: re.Match[str]) -> str:
    whole = m.group(0)
    return f"{m.group(1)}********{m.group(3)[-3:]}{m.group(4)}" if _valid_id18(whole) else whole


def _mask_id15(m: re.Match[str]) -> str:
    return f"{m.group(1)}******{m.group(3)}" if _valid_birth(m.group(2), 2) else m.group(0)


def _mask_id_context(m: re.Match[str]) -> str:
    return f"{m.group(1)}{m.group(2)}{m.group(3)}{'*' * len(m.group(4))}{m.group(5)}"


def _mask_hk(m: re.Match[str]) -> str:
    return f"{m.group(1)}****{m.group(2)[-2:]}(*)" if _valid_hk(m.group(1), m.group(2), m.group(3)) else m.group(0)


def _mask_tw(m: re.Match[str]) -> str:
    return f"{m.group(1)}{m.group(2)[0]}*****{m.group(2)[-3:]}" if _valid_tw(m.group(1), m.group(2)) else m.group(0)


# Digits written another way are digits: full-width (１３８) ones, and invisible characters between
# digits (a zero-width space after each) would otherwise hide a number from the patterns. Only the
# digits and what sits between them change: Chinese punctuation and the zero-width spaces that
# keep Markdown inert (assistant.inert) elsewhere in the text stay as they are.
_FULL_WIDTH_DIGITS = {ord(f): ord(a) for f, a in zip("０１２３４５６７８９", "0123456789")}
_BETWEEN_DIGITS = re.compile("(?<=[0-9０-９])[\u200b\u200c\u200d\u2060\ufeff\u00ad]+(?=[0-9０-９])")
_FULL_WIDTH_PLUS = re.compile("＋(?=[0-9０-９])")


def _plain_digits(text: str) -> str:
    text = _BETWEEN_DIGITS.sub("", text)
    if any("０" <= ch <= "９" for ch in text):
        text = _FULL_WIDTH_PLUS.sub("+", text.translate(_FULL_WIDTH_DIGITS))
    return text


def mask_text(text: str) -> str:
    """Phone numbers, e-mails and ID numbers masked wherever they appear in a string."""
    if not text:
        return text
    text = _plain_digits(text)
    if not any(ch.isdigit() or ch == "@" for ch in text):
        return text
    text = ID_CONTEXT.sub(_mask_id_context, text)
    text = ID_CARD.sub(_mask_id18, text)  # before phones: an ID holds phone-like digit runs
    text = ID_CARD_15.sub(_mask_id15, text)
    text = HK_ID.sub(_mask_hk, text)
    text = TW_ID.sub(_mask_tw, text)
    text = MOBILE.sub(lambda m: _mask_phone(m.group(0)), text)
    text = PHONE.sub(lambda m: _mask_phone(m.group(0)), text)
    return EMAIL.sub(lambda m: f"{m.group(1)}***@{m.group(2)}", text)


def mask_strings(value: object, personal: bool = False) -> object:
    """Every string inside a JSON-like value masked (tool arguments a model or a person wrote); a
    value under a personal key ({"nickname": ...}, {"phone": ...}) masked whole."""
    if isinstance(value, str):
        return mask_personal(value) if personal else mask_text(value)
    if isinstance(value, dict):
        return {k: mask_strings(v, personal or is_personal_column(k)) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [mask_strings(v, personal) for v in value]
    return value


# A value already in one of the masked forms above is left as it is: a masked name ("张**"), or
# digits, separators and stars only (138****8000, 010-****5678, 110101********1234), a masked
# e-mail or a masked Hong Kong / Taiwan ID.
_ALREADY_MASKED = re.compile(
    r"^.\*\*$|^[+\d \-.()\u00a0]*\*{2,}[\d \-.()*\u00a0Xx]*$|^[A-Za-z0-9]\*\*\*@[\w.-]+$"
    r"|^[A-Z]{1,2}\*+\d{2}\(\*\)$|^[A-Z]\d\*+\d{3}$", re.DOTALL)


def mask_personal(value: object) -> object:
    """A value of a personal column (phone, nickname, name, address...): phone numbers, e-mails and
    ID numbers keep their masked shape; anything else keeps its first character ("张**"), so
    the length of a name is not revealed either."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return value
    text = str(value).strip()
    if not text or _ALREADY_MASKED.match(text):
        return text
    masked = mask_text(text)
    if masked != text and "**" in masked:
        return masked
    return text[:1] + "**"


def _mask_value(value: object, personal: bool) -> object:
    """One cell, however nested: lists (list(phone)), structs (SELECT customers FROM customers) and
    numbers that are phone or ID numbers (CAST(phone AS BIGINT)) are masked like text."""
    if isinstance(value, dict):
        return {k: _mask_value(v, personal or is_contact_column(k)) for k, v in value.items()}
    if isinstance(value, (list, tuple)) or (hasattr(value, "tolist") and getattr(value, "ndim", 0) >= 1):
        return [_mask_value(v, personal) for v in (value.tolist() if hasattr(value, "tolist") else value)]
    if personal:
        return mask_personal(value)
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, int) and not isinstance(value, bool) and mask_text(str(value)) != str(value):
        return mask_text(str(value))
    return value


def mask_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The last pass before an answer leaves: contact columns (by exact name) masked whole unless
    already masked; phone/e-mail/ID patterns masked in every other text column, inside lists and
    structs, and in integer columns holding phone or ID numbers. Datasets are masked at the source
    (tools.sealing): this catches what a person typed, a model wrote or a value hid in free text.
    Columns are taken by position: a self-join can name two columns alike."""
    masked = frame.copy()
    for position, column in enumerate(masked.columns):
        series = masked.iloc[:, position]
        contact = is_contact_column(column)
        if series.dtype == object or pd.api.types.is_string_dtype(series):
            masked.isetitem(position, _map_distinct(series, lambda v, whole=contact: _mask_value(v, whole)))
        elif contact and pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
            # A contact column typed as a number (phone stored as BIGINT or DOUBLE). Numbers under
            # other names are left alone: GMV in fen can have eleven digits too.
            masked.isetitem(position, series.map(lambda v: mask_personal(_whole_number(v)) if pd.notna(v) else v)
                            .astype(object))
    headers = [mask_text(str(c)) if isinstance(c, str) else c for c in masked.columns]
    if headers != list(masked.columns):  # a PIVOT on raw values would put them in the header
        masked.columns = headers
    return masked


def _whole_number(value: object) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


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
