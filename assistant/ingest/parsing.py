"""Typing raw string cells: dates, money, statuses, gender, age bands, phones; and `looks_like`, the value
profile the column mapper uses.

Pure and vectorised. The value parsers return (values, bad_mask): bad_mask is True for a cell that held
something but could not be parsed (empty cells are never bad). parse_gender, age_band and normalise_phone
return only the values: an unknown gender or age is not an error.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

# Full-width digits and punctuation (common in Chinese exports) -> ASCII.
_FULLWIDTH = str.maketrans(
    "０１２３４５６７８９．，－＋（）％：／　",
    "0123456789.,-+()%:/ ",
)
# Placeholders exports put in empty cells.
EMPTY_TOKENS = frozenset({
    "", "-", "--", "---", "—", "——", "/", "n/a", "na", "null", "none", "nan", "nat", "无", "暂无",
})

EXCEL_EPOCH = pd.Timestamp("1899-12-30")
SERIAL_MIN, SERIAL_MAX = 20000, 80000


def _text(series: pd.Series) -> pd.Series:
    """Stripped strings with full-width characters folded; missing -> ''."""
    s = pd.Series(series, copy=False)
    s = s.astype(object)
    text = s.where(s.notna(), "").astype(str).str.translate(_FULLWIDTH).str.strip()
    return text


def _empty(text: pd.Series) -> pd.Series:
    return text.str.lower().isin(EMPTY_TOKENS)


# ----------------------------------------------------------------------------------------------------------------
# Dates and times

_YMD = re.compile(
    r"^(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*[日号]?"
    r"(?:[\sT]*(?P<H>\d{1,2})\s*[:时點点]\s*(?P<M>\d{1,2})\s*分?(?:\s*[:]?\s*(?P<S>\d{1,2})(?:\.(?P<f>\d{1,9}))?\s*秒?)?)?"
    r"\s*(?:Z|[+-]\d{2}:?\d{2}|UTC|GMT)?$"
)
_MDY = re.compile(
    r"^(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<y>\d{4})"
    r"(?:\s+(?P<H>\d{1,2}):(?P<M>\d{1,2})(?::(?P<S>\d{1,2}))?\s*(?P<ampm>[AaPp][Mm])?)?$"
)
_COMPACT = re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})(?:(?P<H>\d{2})(?P<M>\d{2})(?P<S>\d{2}))?$")
_FAST_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M")
_SERIAL = re.compile(r"^\d{5}(?:\.\d+)?$")


def _assemble(parts: pd.DataFrame) -> pd.Series:
    """year/month/day[/hour/minute/second/fraction] string columns -> datetime64[ns]; impossible dates -> NaT."""
    nums = {}
    for col in ("y", "m", "d", "H", "M", "S"):
        if col in parts:
            nums[col] = pd.to_numeric(parts[col], errors="coerce")
        else:
            nums[col] = pd.Series(np.nan, index=parts.index)
    frame = pd.DataFrame({
        "year": nums["y"], "month": nums["m"], "day": nums["d"],
        "hour": nums["H"].fillna(0), "minute": nums["M"].fillna(0), "second": nums["S"].fillna(0),
    })
    bad = (frame["hour"] > 23) | (frame["minute"] > 59) | (frame["second"] > 59)
    frame.loc[bad, "year"] = np.nan
    out = pd.to_datetime(frame, errors="coerce")
    if "f" in parts:
        frac = pd.to_numeric("0." + parts["f"].fillna("0"), errors="coerce").fillna(0)
        out = out + pd.to_timedelta((frac * 1e6).round(), unit="us")
    return out.astype("datetime64[ns]")


def parse_datetimes(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Strings -> naive datetime64[ns]. Accepts 2024-06-18, 2024/6/18 20:15, 2024-06-18 20:15:30, 20240618,
    2024年6月18日 20:15, ISO with T (time zone dropped), 6/18/2024 or 18/6/2024 when the column makes the
    order clear, and Excel serial numbers (45461.84) when the whole column is serial-like."""
    text = _text(series)
    empty = _empty(text)
    out = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    todo = ~empty
    if not todo.any():
        return out, pd.Series(False, index=text.index)

    # Excel serial numbers, only when every non-empty value is one.
    filled = text[todo]
    serial = filled.str.fullmatch(_SERIAL)
    if serial.all():
        days = pd.to_numeric(filled, errors="coerce")
        if days.between(SERIAL_MIN, SERIAL_MAX).all():
            stamps = EXCEL_EPOCH + pd.to_timedelta((days * 86400).round(), unit="s")
            out.loc[filled.index] = stamps.astype("datetime64[ns]")
            return out, pd.Series(False, index=text.index)

    # Fast path: the common fixed formats, parsed in C; the rest goes through the regexes below.
    for fmt in _FAST_FORMATS:
        if filled.empty:
            break
        fast = pd.to_datetime(filled, format=fmt, errors="coerce")
        ok = fast.notna()
        if ok.any():
            out.loc[ok[ok].index] = fast[ok].astype("datetime64[ns]")
            filled = filled[~ok]
    if filled.empty:
        return out, pd.Series(False, index=text.index)

    ymd = filled.str.extract(_YMD)
    hit = ymd["y"].notna()
    if hit.any():
        out.loc[hit[hit].index] = _assemble(ymd[hit])

    rest = filled[~hit]
    if not rest.empty:
        compact = rest.str.extract(_COMPACT)
        chit = compact["y"].notna()
        if chit.any():
            out.loc[chit[chit].index] = _assemble(compact[chit])
        rest = rest[~chit]

    if not rest.empty:
        mdy = rest.str.extract(_MDY)
        mhit = mdy["a"].notna()
        if mhit.any():
            m = mdy[mhit].copy()
            a = pd.to_numeric(m["a"])
            b = pd.to_numeric(m["b"])
            day_first_col = bool((a > 12).any()) and not bool((b > 12).any())
            month_first_col = bool((b > 12).any()) and not bool((a > 12).any())
            day_first = (a > 12) | ((a <= 12) & (b <= 12) & day_first_col)
            month_first = (b > 12) | ((a <= 12) & (b <= 12) & month_first_col) | (a == b)
            ok = day_first ^ month_first | (a == b)
            m["m"] = m["a"].where(month_first, m["b"])
            m["d"] = m["b"].where(month_first, m["a"])
            hours = pd.to_numeric(m["H"], errors="coerce")
            pm = m["ampm"].fillna("").str.lower() == "pm"
            am = m["ampm"].fillna("").str.lower() == "am"
            hours = hours.where(~(pm & (hours < 12)), hours + 12).where(~(am & (hours == 12)), 0)
            m["H"] = hours.astype("Float64").astype(str).str.replace(r"\.0$", "", regex=True).replace("<NA>", None)
            stamps = _assemble(m[["y", "m", "d", "H", "M", "S"]])
            stamps = stamps.where(ok)
            out.loc[stamps.index] = stamps

    bad = todo & out.isna()
    return out, bad


# ----------------------------------------------------------------------------------------------------------------
# Numbers and money

_CURRENCY = re.compile(r"(?i)(?:人民币|rmb|cny|usd|hkd|us\$|hk\$|[¥￥$€£]|元|块钱|块)")
_MULTIPLIER = {"万": 1e4, "w": 1e4, "亿": 1e8, "千": 1e3, "k": 1e3}
_NUMBER = re.compile(r"^[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?$", re.I)


def parse_numbers(series: pd.Series, percent: bool = False) -> tuple[pd.Series, pd.Series]:
    """Strings -> float64: '¥1,299.00', '1,299.5元', 'RMB 12.5', '1.2万' (12000), '3亿', '(12.50)' (-12.5),
    full-width digits. '12%' -> 0.12 only with percent=True (otherwise bad)."""
    text = _text(series)
    empty = _empty(text)
    s = text.str.replace(_CURRENCY, "", regex=True).str.replace(r"[\s,']", "", regex=True)
    neg_paren = s.str.fullmatch(r"\(.*\)")
    s = s.where(~neg_paren, s.str[1:-1])
    is_pct = s.str.endswith("%")
    s = s.where(~is_pct, s.str[:-1])
    factor = pd.Series(1.0, index=s.index)
    for suffix, mult in _MULTIPLIER.items():
        has = s.str.lower().str.endswith(suffix) & (s.str.len() > 1)
        if has.any():
            factor = factor.where(~has, mult)
            s = s.where(~has, s.str[:-1])
    valid = s.str.fullmatch(_NUMBER)
    values = pd.to_numeric(s.where(valid, None), errors="coerce").astype("float64")
    values = values * factor
    values = values.where(~neg_paren, -values.abs())
    if percent:
        values = values.where(~is_pct, values / 100)
    else:
        values = values.where(~is_pct, np.nan)
    values = values.where(~empty, np.nan)
    bad = ~empty & values.isna()
    return values.astype("float64"), bad


_CLOCK = re.compile(r"^(\d{1,3}):(\d{1,2})(?::(\d{1,2}(?:\.\d+)?))?$")
_SPELLED = re.compile(r"^(?:(\d+(?:\.\d+)?)\s*(?:小时|时|h|hours?|hrs?))?"
                      r"\s*(?:(\d+(?:\.\d+)?)\s*(?:分钟|分|m|min|mins|minutes?))?"
                      r"\s*(?:(\d+(?:\.\d+)?)\s*(?:秒钟|秒|s|sec|secs|seconds?))?$", re.IGNORECASE)


def parse_minutes(series: pd.Series, header: str = "", short: bool = False) -> tuple[pd.Series, pd.Series]:
    """Durations -> minutes (float64): '2小时13分', '1分23秒', '01:05:30' (h:m:s), '3h 20min', or a bare number
    in the header's unit (秒/sec, 小时/hour, else minutes). Two parts ('1:23') are m:s for a short duration
    (a watch time, or a header in seconds) and h:m for a broadcast."""
    text = _text(series)
    empty = _empty(text)
    numbers, _ = parse_numbers(series)
    unit = 1 / 60 if re.search(r"秒|sec", header, re.IGNORECASE) else 60 if re.search(r"小时|hour|hrs?\b", header,
                                                                                    re.IGNORECASE) else 1
    values = numbers * unit
    compact = text.str.strip().str.replace(r"\s+", " ", regex=True)
    for index in compact[values.isna() & ~empty].index:
        cell = compact[index]
        if m := _CLOCK.fullmatch(cell):
            a, b, c = float(m.group(1)), float(m.group(2)), float(m.group(3) or 0)
            two_part_ms = m.group(3) is None and (short or unit == 1 / 60)
            values[index] = a + b / 60 if two_part_ms else a * 60 + b + c / 60
        elif (m := _SPELLED.fullmatch(cell)) and any(m.groups()):
            h, mi, se = (float(g) if g else 0.0 for g in m.groups())
            values[index] = h * 60 + mi + se / 60
    values = values.where(~empty, np.nan)
    return values.astype("float64"), ~empty & values.isna()


# ----------------------------------------------------------------------------------------------------------------
# Order status

# An after-sale status (售后状态, 退款状态) saying the refund was completed, read on the stripped cell.
REFUND_DONE = re.compile(r"^(?:同意退款[，,]\s*)?(?:退货退款完成|退款已完成|退货完成"
                         r"|退款成功|已退款|退款完成|全额退款(?:成功|完成)?|售后完成|退货退款成功|已退货退款"
                         r"|refunded|refund completed)$", re.IGNORECASE)

# A completed refund in part of the order (部分退款, partially refunded): the order stays paid.
REFUND_PART = re.compile(r"^(?:部分退款(?:成功|完成)?|partially refunded|partial refund)$", re.IGNORECASE)
# 有赞 writes the kind of a completed refund after its state, in brackets (退款成功（部分退款）, 退款成功（全额退款）):
# the words before the bracket say where the request stands, the bracket how much of the order went back.
_KIND_IN_BRACKETS = re.compile(r"^(.*?)\s*[（(【\[]([^）)】\]]*)[）)】\]]$")
_IN_PART = re.compile(r"部分|partial", re.IGNORECASE)


def refund_states(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Of each after-sale cell: (refunded, in_part). refunded: the refund was completed and the cell does not say it
    was in part; in_part: a completed refund of part of the order (部分退款, or 退款成功 bracketed 部分退款)."""
    text = values.astype("string").str.strip()
    parts = text.str.extract(_KIND_IN_BRACKETS)
    state = parts[0].fillna(text).str.strip()
    kind = parts[1].fillna("")
    done = state.str.contains(REFUND_DONE, na=False)
    in_part = state.str.contains(REFUND_PART, na=False) | (done & kind.str.contains(_IN_PART, na=False))
    return done & ~in_part, in_part


# An after-sale request still open (asked for, neither given nor refused nor withdrawn): the order stays a
# purchase until it is decided (orders.refund_open).
REFUND_OPEN = re.compile(r"退款中|退货中|售后中|(?<!已)申请退款|待商家处理|待买家退货|待商家收货|商家受理中|售后处理中"
                         r"|待商家审核|退款审核中|refund (?:requested|pending|in progress)"
                         r"|return (?:requested|pending)",
                         re.IGNORECASE)

STATUS_WORDS: dict[str, str] = {
    **dict.fromkeys([
        "已完成", "完成", "交易成功", "交易完成", "已支付", "支付成功", "已付款", "买家已付款",
        "已发货", "待发货", "待收货", "备货中", "部分发货", "待出库",
        # a refund asked for and not (yet) given: the order stays a purchase until one is
        "退款中", "退货中", "售后中", "申请退款中",
        "已签收", "已收货", "确认收货", "待评价", "已评价", "退款关闭", "售后关闭", "部分退款", "拒绝退款",
        "completed", "complete", "paid", "shipped", "delivered", "fulfilled", "success", "successful",
        "partially_refunded", "partiallyrefunded", "partially refunded", "authorized",
    ], "paid"),
    **dict.fromkeys([
        "已退款", "退款成功", "售后完成", "退货退款", "全额退款", "已退货", "退款完成", "仅退款",
        "交易关闭(退款)", "交易关闭（退款）", "refunded", "returned", "refund", "return",
    ], "refunded"),
    **dict.fromkeys([
        "已取消", "交易关闭", "取消", "订单取消", "已关闭", "关闭",
        "cancelled", "canceled", "closed", "voided", "void", "expired",
    ], "cancelled"),
    # placed and not paid yet: neither a purchase nor a closed order (a payment may still come)
    **dict.fromkeys([
        "未付款", "待付款", "待支付", "未支付", "等待买家付款", "等待付款", "待买家付款",
        "unpaid", "pending", "pending payment", "awaiting payment", "payment pending",
    ], "unpaid"),
}
_STATUS_RULES = (  # substring rules for longer labels such as '卖家已发货，等待买家确认'
    ("paid", REFUND_OPEN),  # open requests
    ("refunded", re.compile(r"退款|退货|refund|return")),
    ("cancelled", re.compile(r"取消|关闭|cancel|close|void")),
    ("unpaid", re.compile(r"未付|待付|待支付|未支付|等待买家付款|等待付款|unpaid|awaiting payment|pending")),
    # 出库 (京东 等待出库: paid, leaving the warehouse), 配货/备货 (picked for shipping)
    ("paid", re.compile(r"成功|完成|已付|已支付|发货|出库|配货|备货|签收|收货|paid|ship|deliver|complete|fulfil")),
)


def parse_status(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Order statuses (Chinese or English) -> 'paid' | 'refunded' | 'cancelled' | 'unpaid' (awaiting payment);
    unknown non-empty -> bad."""
    text = _text(series)
    empty = _empty(text)
    key = text.str.lower().str.replace(r"\s+", " ", regex=True)
    out = key.map(STATUS_WORDS)
    missing = out.isna() & ~empty
    if missing.any():
        uniques = key[missing].unique()
        found = {}
        for u in uniques:
            if u.replace(" ", "") in STATUS_WORDS:
                found[u] = STATUS_WORDS[u.replace(" ", "")]
                continue
            for label, rule in _STATUS_RULES:
                if rule.search(u):
                    found[u] = label
                    break
        out = out.where(~missing, key.map(found))
    out = out.astype(object).where(out.notna() & ~empty, None)
    bad = ~empty & out.isna()
    return out, bad


# ----------------------------------------------------------------------------------------------------------------
# Gender, age, phone

GENDER_WORDS: dict[str, str] = {
    **dict.fromkeys(["男", "男性", "男士", "先生", "m", "male", "man", "boy"], "male"),
    **dict.fromkeys(["女", "女性", "女士", "小姐", "f", "female", "woman", "girl"], "female"),
}


def parse_gender(series: pd.Series) -> pd.Series:
    """男/男性/M/male/先生 -> 'male', 女/女性/F/female/女士 -> 'female', anything else -> 'unknown'."""
    key = _text(series).str.lower()
    return key.map(GENDER_WORDS).fillna("unknown").astype(object)


AGE_BANDS = ("18-24", "25-30", "31-40", "41-50", "50+")
_BAND_RANGE = re.compile(r"(\d{1,3})\s*(?:岁|周岁)?\s*[-~～至到—–]\s*(\d{1,3})")
_BAND_OVER = re.compile(r"(\d{1,3})\s*(?:岁|周岁)?\s*(?:\+|以上|及以上|岁以上)|(?:over|above)\s*(\d{1,3})", re.I)
_BAND_UNDER = re.compile(r"(\d{1,3})\s*(?:岁|周岁)?\s*(?:以下|以内)|(?:under|below)\s*(\d{1,3})", re.I)


def _band_of(ages: pd.Series) -> pd.Series:
    a = pd.to_numeric(ages, errors="coerce")
    out = pd.Series(None, index=a.index, dtype=object)
    out[(a >= 0) & (a < 18)] = "under 18"
    out[(a >= 18) & (a <= 24)] = "18-24"
    out[(a > 24) & (a <= 30)] = "25-30"
    out[(a > 30) & (a <= 40)] = "31-40"
    out[(a > 40) & (a <= 50)] = "41-50"
    out[(a > 50) & (a <= 120)] = "50+"
    return out


def age_band(ages: pd.Series) -> pd.Series:
    """Ages (numbers) -> '18-24' | '25-30' | '31-40' | '41-50' | '50+' | 'under 18'; text bands such as
    '25-30岁', '50岁以上' are accepted too. Unknown -> None."""
    s = pd.Series(ages, copy=False)
    if pd.api.types.is_numeric_dtype(s):
        out = _band_of(np.floor(pd.to_numeric(s, errors="coerce").astype("float64")))
        return out.astype(object).where(out.notna(), None)
    text = _text(s)
    numbers, _ = parse_numbers(text.str.replace(r"\s*(?:周岁|岁)$", "", regex=True))
    out = _band_of(np.floor(numbers))
    rest = out.isna() & (text != "")
    if rest.any():
        r = text[rest]
        rng = r.str.extract(_BAND_RANGE).astype("float64")
        mid = (rng[0] + rng[1]) / 2
        # a range that is one of ours (or inside one) -> that band; else the band holding its midpoint
        low = _band_of(rng[0])
        high = _band_of(rng[1])
        by_range = low.where(low == high, _band_of(mid.round()))
        over = r.str.extract(_BAND_OVER).astype("float64").bfill(axis=1)[0]
        under = r.str.extract(_BAND_UNDER).astype("float64").bfill(axis=1)[0]
        by_over = pd.Series(np.where(over >= 45, "50+", None), index=r.index, dtype=object).where(over.notna(), None)
        by_under = pd.Series(np.where(under <= 18, "under 18", None), index=r.index, dtype=object)
        by_under = by_under.where(under.notna(), None)
        found = by_range.where(rng[0].notna(), by_over.where(over.notna(), by_under))
        out.loc[r.index] = found
    return out.astype(object).where(out.notna(), None)


_MASKED = re.compile(r"^1[3-9]\d\*{4}\d{4}$")
MOBILE = re.compile(r"^1[3-9]\d{9}$")


def normalise_phone(series: pd.Series) -> pd.Series:
    """Digits only, +86 / 0086 / 86 prefix removed. A mainland mobile comes back as its 11 digits; a masked
    one ('138****1234') is kept as is; other numbers as their digits; nothing usable -> None.
    Use `is_mobile` for the validity mask."""
    text = _text(series)
    masked = text.str.replace(r"[\s\-()]", "", regex=True).str.replace(r"^(?:\+?86|0086)", "", regex=True)
    is_masked = masked.str.fullmatch(_MASKED)
    digits = text.str.replace(r"\D", "", regex=True)
    stripped = digits.str.replace(r"^(?:0086|86)(?=1[3-9]\d{9}$)", "", regex=True)
    out = stripped.where(~is_masked, masked)
    return out.astype(object).where(out != "", None)


def is_mobile(series: pd.Series) -> pd.Series:
    """True where the value is a valid mainland mobile number (11 digits, 1[3-9]...) after normalising."""
    norm = normalise_phone(series)
    return norm.fillna("").astype(str).str.fullmatch(MOBILE)


# ----------------------------------------------------------------------------------------------------------------
# Value profile for the column mapper

PROVINCES = (
    "北京", "天津", "上海", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽", "福建", "江西",
    "山东", "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西", "甘肃", "青海", "台湾",
    "内蒙古", "广西", "西藏", "宁夏", "新疆", "香港", "澳门",
)
# A province as an export writes it: its name, with or without 省 / 市 / 自治区.
_PROVINCE_NAME = "(?:" + "|".join(PROVINCES) + r")(?:省|市|自治区|壮族自治区|回族自治区|维吾尔自治区|特别行政区)?"
PROVINCE = re.compile(f"^{_PROVINCE_NAME}$")
_ADDRESS_PROVINCE = re.compile(rf"^\s*({_PROVINCE_NAME})")


def province_of_address(address: pd.Series) -> pd.Series:
    """The province an address begins with, as written ("广东省 深圳市 南山区 …" -> 广东省), where an export has
    the address but no province column; missing where the address starts otherwise."""
    return address.astype("string").str.extract(_ADDRESS_PROVINCE, expand=False)


_EMAIL = re.compile(r"^[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+$")
_ADDRESS = re.compile(r"[\u4e00-\u9fff].*(?:省|市|区|县|镇|乡|路|街|道|号|栋|单元|室|村|弄|巷|大厦|小区)")
_ID = re.compile(r"^[A-Za-z0-9_\-]{6,32}$")
_MONEY_MARK = re.compile(r"(?i)[¥￥$€£]|元|rmb|cny|usd|^[-+]?[\d,]*\d\.\d{2}$")
_DATE_SHAPE = re.compile(r"\d[-/.年]\d{1,2}[-/.月]\d|^\d{8}$|^\d{14}$|\d/\d{1,2}/\d{4}")
_PHONE_SHAPE = re.compile(r"^(?:\+?86|0086)?1[3-9]\d{9}$|^1[3-9]\d\*{4}\d{4}$")
_GENDER_WORDS_ONLY = {k for k in GENDER_WORDS if not k.isdigit()}


def looks_like(series: pd.Series, sample: int = 2000) -> dict[str, float]:
    """Fractions (0..1) of the non-empty values that look like each kind: phone, datetime, number, money, id,
    status, gender, province, email, address."""
    text = _text(series)
    text = text[~_empty(text)]
    if len(text) > sample:
        text = text.sample(sample, random_state=0)
    n = len(text)
    if n == 0:
        return dict.fromkeys(
            ("phone", "datetime", "number", "money", "id", "status", "gender", "province", "email", "address"), 0.0)

    def frac(mask: pd.Series) -> float:
        return float(mask.fillna(False).astype(bool).sum()) / n

    squeezed = text.str.replace(r"[\s\-()]", "", regex=True)
    times, bad_times = parse_datetimes(text)
    numbers, bad_numbers = parse_numbers(text)
    is_number = numbers.notna()
    status, _ = parse_status(text)
    exact_status = text.str.lower().isin(STATUS_WORDS)
    is_id = text.str.fullmatch(_ID) & text.str.contains(r"\d")
    unique = text.nunique() / n
    return {
        "phone": frac(squeezed.str.fullmatch(_PHONE_SHAPE)),
        "datetime": frac(times.notna() & text.str.contains(_DATE_SHAPE)
                         & times.dt.year.between(1990, 2100)),
        "number": frac(is_number),
        "money": frac(is_number & text.str.contains(_MONEY_MARK) & ~text.str.contains(_DATE_SHAPE)),
        "id": frac(is_id) * min(1.0, unique / 0.5),
        "status": frac(exact_status | (status.notna() & (text.str.len() <= 12) & ~is_number)),
        "gender": frac(text.str.lower().isin(_GENDER_WORDS_ONLY)),
        "province": frac(text.str.fullmatch(PROVINCE)),
        "email": frac(text.str.fullmatch(_EMAIL)),
        "address": frac((text.str.len() >= 6) & text.str.contains(_ADDRESS)),
    }
