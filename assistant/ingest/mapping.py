"""Which raw column plays which canonical role, and which canonical table a raw table feeds.

Each (column, role) pair is scored from the header (synonyms in data/column_roles.yaml) and from the
values (phone numbers, dates, money, status words, 男/女, provinces ...). Roles are then handed out
greedily, best score first, one column per role and one role per column. The person can correct
the result (`apply_overrides`) or hand a mapping file to the CLI (`load_mapping_file`).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from assistant.ingest.parsing import PROVINCE
from assistant.ingest.types import ColumnMatch, RawTable, TableMapping
from tools.result import ToolError

ROLES_FILE = Path(__file__).resolve().parents[2] / "data" / "column_roles.yaml"

ROLES: tuple[str, ...] = (
    "order_id", "customer_id", "order_time", "pay_amount", "status", "total_amount", "discount_amount",
    "coupon_amount", "coupon_id", "quantity", "unit_price", "product_id", "product_name", "category", "brand",
    "host_id", "host_name", "session_id", "source", "province", "city", "gender", "age", "age_band", "channel",
    "signup_time", "phone", "customer_name", "nickname", "address", "after_sale", "pay_time", "refund_amount",
    "ship_time", "ship_status",
    # a live-session report (罗盘/百应/快手直播数据): one row per broadcast with the platform's figures
    "start_time", "end_time", "viewers", "views", "avg_watch", "session_orders", "session_buyers", "new_followers",
    "impressions", "product_impressions", "product_clickers", "session_refunds", "user_paid", "ad_spend",
    "live_minutes",
)
PERSONAL_ROLES: tuple[str, ...] = ("phone", "customer_name", "nickname", "address")
CUSTOMER_KEY_ROLES: tuple[str, ...] = ("customer_id", "phone", "nickname", "customer_name")
# The buyer's own phone (有赞 买家手机号), as opposed to a receiver's: it names the buyer, masked or not.
# (a detail file joined to its order file carries it as "买家手机号（订单）")
BUYER_PHONE_HEADER = re.compile(r"^(?:买家|下单人|购买人|会员)(?:手机|手机号|手机号码|电话|联系电话)(?:（订单）)?$"
                                r"|^buyer[ _]?(?:phone|mobile)$",
                                re.IGNORECASE)
KINDS: tuple[str, ...] = ("orders", "customers", "order_items", "products", "hosts", "live_sessions", "unknown")

MIN_CONFIDENCE = 0.4      # below this a candidate is not assigned at all

EXACT, WEAK_EXACT = 0.95, 0.7
_NO_RANK = 10_000  # a header that is none of a role's synonyms exactly

_TIME_ROLES = ("order_time", "signup_time", "start_time", "end_time", "pay_time", "ship_time")
_NUMBER_ROLES = ("pay_amount", "total_amount", "discount_amount", "coupon_amount", "unit_price", "quantity", "age",
                 "viewers", "views", "avg_watch", "session_orders", "session_buyers", "new_followers",
                 "impressions", "product_impressions", "product_clickers", "session_refunds", "user_paid", "ad_spend",
                 "live_minutes")

# table-name hints: first hit wins
_NAME_HINTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("live_sessions", ("场次", "直播记录", "直播数据", "session", "broadcast")),
    ("hosts", ("主播", "达人", "host", "streamer", "anchor", "creator", "kol")),
    ("order_items", ("订单明细", "订单商品", "order_items", "orderitems", "order items", "line items", "lineitems")),
    ("orders", ("订单", "交易", "销售", "成交", "order", "sales", "transaction")),
    ("customers", ("客户", "会员", "用户", "粉丝", "顾客", "customer", "member", "user", "fans", "client")),
    ("products", ("商品", "产品", "宝贝", "货品", "sku", "product", "goods", "catalog", "catalogue", "inventory")),
)

_UNIT_WORDS = {"元", "¥", "￥", "rmb", "cny", "$", "usd", "件", "个", "%", "kg", "g", "岁", "次", "单", "人民币",
               "yuan", "pcs", "万元", "万"}
_GENERIC_HEADER = re.compile(
    r"^(?:|unnamed:?\s*\d*|列\s*\d*|字段\s*\d*|栏\s*\d*|col(?:umn)?\s*_?\d*|field\s*_?\d*|[a-z]|\d+|未命名\d*|[a-z]\d*)$")


# ---------------------------------------------------------------------------------------------
# synonyms


@dataclass(frozen=True)
class _RoleSpec:
    role: str
    label_en: str
    label_zh: str
    personal: bool
    synonyms: tuple[str, ...]
    weak: tuple[str, ...]
    exclude: tuple[str, ...]
    demote: tuple[str, ...] = ()


def _compact(text: str) -> str:
    """Full-width -> half-width, lowercase, unit brackets dropped, brackets and separators removed."""
    # 帐号 is the older spelling of 账号 (京东's 下单帐号): one word for the synonyms
    text = unicodedata.normalize("NFKC", str(text)).strip().lower().replace("\ufeff", "").replace("帐", "账")

    def bracket(m: re.Match[str]) -> str:
        inner = m.group(1).strip()
        return "" if inner in _UNIT_WORDS or not inner else f" {inner} "

    text = re.sub(r"[(\[{<【（《]([^)\]}>】）》]*)[)\]}>】）》]", bracket, text)
    text = re.sub(r"[\s_\-./:：,，、'\"`*#]+", "", text)
    return text


def _tokens(text: str) -> tuple[str, ...]:
    """ASCII word tokens (for containment of English synonyms on word boundaries)."""
    text = unicodedata.normalize("NFKC", str(text)).lower()
    text = re.sub(r"([a-z])([A-Z])", r"\1 \2", text)
    return tuple(t for t in re.split(r"[^a-z0-9#]+", text) if t)


def _has_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


@lru_cache(maxsize=4)
def _load_specs(path: str = str(ROLES_FILE)) -> dict[str, _RoleSpec]:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    specs: dict[str, _RoleSpec] = {}
    for role, entry in (data.get("roles") or {}).items():
        if role not in ROLES:
            raise ValueError(f"{path}: unknown role {role!r}")
        label = entry.get("label") or {}
        specs[role] = _RoleSpec(
            role=role,
            label_en=str(label.get("en", role)),
            label_zh=str(label.get("zh", role)),
            personal=bool(entry.get("personal", role in PERSONAL_ROLES)),
            synonyms=tuple(str(s) for s in entry.get("synonyms") or ()),
            weak=tuple(str(s) for s in entry.get("weak") or ()),
            exclude=tuple(_compact(str(s)) for s in entry.get("exclude") or ()),
            demote=tuple(_compact(str(s)) for s in entry.get("demote") or ()),
        )
    missing = [r for r in ROLES if r not in specs]
    if missing:
        raise ValueError(f"{path}: roles without synonyms: {missing}")
    return specs


def role_labels(role: str) -> tuple[str, str]:
    """(English, Chinese) label of a role, for messages."""
    spec = _load_specs()[role]
    return spec.label_en, spec.label_zh


def _header_score(header: str, spec: _RoleSpec) -> tuple[float, str, int]:
    """Best header evidence for one role: (score, reason, rank); rank is where in the role's synonyms an exact
    header stands (the first listed is the better name), else a number past them all."""
    h = _compact(header)
    if not h:
        return 0.0, "", _NO_RANK
    h_tokens = _tokens(header)
    excluded = any(x and x in h for x in spec.exclude)
    best: tuple[float, str] = (0.0, "")
    for weak, synonyms in ((False, spec.synonyms), (True, spec.weak)):
        for syn in synonyms:
            s = _compact(syn)
            if not s:
                continue
            if s == h:
                score = WEAK_EXACT if weak else EXACT
                what = "can stand for" if weak else "is a usual name for"
                cand = (score, f"header '{header}' {what} {spec.label_en}")
            elif excluded:
                continue
            elif _has_cjk(s) and len(s) >= (3 if weak else 2) and s in h:
                score = 0.6 + 0.15 * len(s) / len(h) + (0.03 if h.endswith(s) else 0.0)
                cand = (score - (0.15 if weak else 0.0), f"header '{header}' contains '{syn}' ({spec.label_en})")
            elif not weak and not _has_cjk(s) and len(s) >= 3 and _contains_tokens(h_tokens, _tokens(syn)):
                score = 0.6 + 0.15 * len(s) / len(h) + (0.03 if h.endswith(s) else 0.0)
                cand = (score, f"header '{header}' contains '{syn}' ({spec.label_en})")
            else:
                continue
            if cand[0] > best[0]:
                best = cand
    if best[0] == 0.0 and len(h) >= 4 and not excluded:
        # typo-tolerant: 'Oder ID', 'quantiy', '下单事件'
        for syn in spec.synonyms:
            s = _compact(syn)
            if len(s) < 4 or abs(len(s) - len(h)) > 2:
                continue
            ratio = difflib.SequenceMatcher(None, h, s).ratio()
            if ratio >= 0.8 and 0.65 * ratio > best[0]:
                best = (0.65 * ratio, f"header '{header}' looks like a misspelling of '{syn}' ({spec.label_en})")
    if best[0] and best[0] < EXACT and any(d and d in h for d in spec.demote):
        # e.g. a payment time can be the order time, but a creation time is the better choice
        best = (best[0] - 0.15, best[1] + " (a second choice)")
    rank = next((i for i, syn in enumerate(spec.synonyms) if _compact(syn) == h), _NO_RANK)
    return best[0], best[1], rank


def _contains_tokens(haystack: tuple[str, ...], needle: tuple[str, ...]) -> bool:
    if not needle or len(needle) > len(haystack):
        return False
    n = len(needle)
    return any(haystack[i:i + n] == needle for i in range(len(haystack) - n + 1))


# ---------------------------------------------------------------------------------------------
# values

_PHONE = re.compile(r"^(?:\+?86)?1[3-9]\d{9}$")
_MASKED_PHONE = re.compile(r"^(?:\+?86)?1[3-9]\d[*xX]{4}\d{4}$")
_EMAIL = re.compile(r"^[\w.+-]+@[\w-]+(?:\.[\w-]+)+$")
_ID_CARD = re.compile(r"^\d{6}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx]$")
_DATETIME = re.compile(
    r"^(?:\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?|\d{1,2}/\d{1,2}/\d{4}|\d{8}(?=[ T]))"
    r"(?:[ T]+\d{1,2}[:时]\d{1,2}(?:[:分]\d{1,2}(?:\.\d+)?秒?)?)?\s*(?:z|[+-]\d{2}:?\d{2}|utc|[a-z]{3})?$",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"^[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?$")
_CURRENCY = re.compile(r"^(?:[¥￥$]|rmb|cny|usd)\s*|\s*(?:元|rmb|cny|usd)$", re.IGNORECASE)
_ID = re.compile(r"^(?:#?\d{5,}|[a-z]{1,6}[-_]?\d{3,}[a-z\d-]*|[\da-f]{8}-[\da-f-]{20,})$", re.IGNORECASE)
_HASH_ID = re.compile(r"^#\d{3,}$")
_STATUS_WORDS = {
    "已付款", "已支付", "支付成功", "待发货", "已发货", "卖家已发货", "待收货", "已收货", "已签收", "已完成",
    "交易成功", "交易完成", "交易关闭", "已关闭", "订单关闭", "已取消", "取消", "已退款", "退款成功", "退款中",
    "售后中", "部分退款", "待付款", "未付款", "等待买家付款", "等待卖家发货", "卖家已发货,等待买家确认",
    "买家已付款,等待卖家发货", "待评价", "已评价", "待成团", "待确认收货", "已成团", "完成", "关闭", "成功",
    "失败", "已拒收", "已付款待发货",
    "paid", "unpaid", "pending", "refunded", "partially_refunded", "partially refunded", "partially_paid",
    "authorized", "voided", "cancelled", "canceled", "completed", "complete", "closed", "shipped", "fulfilled",
    "unfulfilled", "delivered", "success", "failed", "refund", "open", "processing",
}
_GENDER_WORDS = {"男", "女", "男性", "女性", "男士", "女士", "未知", "保密", "male", "female", "m", "f", "man",
                 "woman", "unknown", "先生", "小姐", "其他"}
_ADDRESS_MARK = re.compile(r"(?:省|市|区|县|镇|乡|路|街|道|号|栋|单元|室|村|弄|巷|大厦|小区)")
_CITY_RE = re.compile(r"^[\u4e00-\u9fff]{2,7}(?:市|州|盟|地区)$")


def _own_looks_like(values: pd.Series) -> dict[str, float]:
    """Small fallback checks with the same keys as parsing.looks_like (fractions of non-empty values)."""
    text = values.dropna().astype(str).map(lambda v: unicodedata.normalize("NFKC", v)).str.strip()
    text = text[text != ""]
    if text.empty:
        return {}
    n = len(text)
    squeezed = text.str.replace(r"[\s\-()]", "", regex=True)

    def frac(mask: Iterable[bool]) -> float:
        return float(sum(bool(m) for m in mask)) / n

    numbers = text.str.replace(_CURRENCY, "", regex=True).str.strip()
    is_number = numbers.str.fullmatch(_NUMBER) & (numbers != "") & (numbers != ".")
    is_id = text.str.fullmatch(_ID)
    money = is_number & ~numbers.str.fullmatch(r"[-+]?\d{8,}") & ~numbers.str.fullmatch(r"\d*\.\d{3,}")
    lowered = text.str.lower()
    return {
        "phone": frac(squeezed.str.fullmatch(_PHONE) | squeezed.str.fullmatch(_MASKED_PHONE)),
        "datetime": frac(text.str.fullmatch(_DATETIME)),
        "number": frac(is_number),
        "money": frac(money),
        "id": frac(is_id),
        "status": frac(lowered.isin(_STATUS_WORDS)),
        "gender": frac(lowered.isin(_GENDER_WORDS)),
        "province": frac(text.str.fullmatch(PROVINCE)),
        "email": frac(text.str.fullmatch(_EMAIL)),
        "address": frac((text.str.len() >= 8) & text.str.contains(_ADDRESS_MARK)),
    }


def _looks_like(values: pd.Series) -> dict[str, float]:
    """parsing.looks_like when the parsing module provides it, topped up with our own checks."""
    own = _own_looks_like(values)
    try:
        from assistant.ingest import parsing  # noqa: PLC0415 - written in parallel, may be missing
    except ImportError:
        return own
    looks_like = getattr(parsing, "looks_like", None)
    if looks_like is None:
        return own
    try:
        theirs = dict(looks_like(values))
    except Exception:  # noqa: BLE001 - a bug there must not stop the mapping
        return own
    merged = dict(own)
    for key, value in theirs.items():
        try:
            merged[key] = max(float(value), merged.get(key, 0.0))
        except (TypeError, ValueError):
            continue
    return merged


@dataclass
class _Profile:
    """What the values of one column look like."""

    n: int
    looks: dict[str, float]
    unique_ratio: float
    hash_id: float            # '#1001' (Shopify order names)
    id_card: float
    city: float
    age_number: float         # integers 10..90
    age_band: float           # '18-24', '25-30岁', '50+'
    integers: float
    masked_phone: float = 0.0
    masked: float = 0.0  # share of values with a run of asterisks (梅**9, 叶**): masked for privacy
    serial_time: float = 0.0  # Excel date serials (45352.5) or unix timestamps: dates the reader left as numbers
    compact_date: float = 0.0  # integers spelling a calendar day, 19970101 (CDNOW, SAS/Stata exports, data warehouses)

    def get(self, key: str) -> float:
        return float(self.looks.get(key, 0.0))


def _profile(values: pd.Series, sample: int = 1000) -> _Profile:
    text = values.dropna().astype(str).str.strip()
    text = text[text != ""]
    if len(text) > sample:
        text = text.sample(sample, random_state=0)
    n = len(text)
    if n == 0:
        return _Profile(0, {}, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
    looks = _looks_like(text)
    nums = pd.to_numeric(text.str.replace(",", "", regex=False), errors="coerce")
    integers = nums.notna() & (nums == nums.round())
    return _Profile(
        n=n,
        looks=looks,
        unique_ratio=text.nunique() / n,
        hash_id=float(text.str.fullmatch(_HASH_ID).mean()),
        id_card=float(text.str.fullmatch(_ID_CARD).mean()),
        city=float(text.str.fullmatch(_CITY_RE).mean()),
        age_number=float((integers & nums.between(10, 90)).mean()),
        age_band=float(text.str.fullmatch(r"\d{1,2}\s*[-~～至到]\s*\d{1,2}\s*岁?|\d{2}\s*岁?\s*(?:\+|以上)").mean()),
        integers=float(integers.mean()),
        serial_time=float((nums.between(20000, 80000) | nums.between(1e9, 2.2e9) | nums.between(1e12, 2.2e12)).mean()),
        masked_phone=float(text.str.replace(r"[\s-]", "", regex=True).str.fullmatch(_MASKED_PHONE).mean()),
        masked=float(text.str.contains(r"\*{2,}", regex=True).mean()),
        compact_date=_compact_date_share(text),
    )


def _compact_date_share(text: pd.Series) -> float:
    """Share of values that are a yyyymmdd day between 1990 and 2099 (a real date, not just eight digits)."""
    digits = text.str.removesuffix(".0")
    candidates = digits[digits.str.fullmatch(r"(?:19[9]\d|20\d\d)\d{4}")]
    if candidates.empty:
        return 0.0
    days = pd.to_datetime(candidates, format="%Y%m%d", errors="coerce")
    return float(days.notna().sum()) / len(text)


def _value_scores(p: _Profile, generic_header: bool, hint: str | None) -> dict[str, tuple[float, str]]:
    """Role evidence from the values alone."""
    if p.n == 0:
        return {}
    out: dict[str, tuple[float, str]] = {}

    def put(role: str, score: float, reason: str) -> None:
        if score > out.get(role, (0.0, ""))[0]:
            out[role] = (score, reason)

    pct = "{:.0%}".format
    if (f := p.get("phone")) >= 0.6:
        put("phone", 0.9 * f, f"values look like mobile numbers ({pct(f)})")
    if (f := p.get("gender")) >= 0.6:
        put("gender", 0.88 * f, f"values are gender words such as 男/女 ({pct(f)})")
    if (f := p.get("province")) >= 0.6:
        put("province", 0.85 * f, f"values are province names ({pct(f)})")
    if (f := p.city) >= 0.6 and p.get("province") < 0.3:
        put("city", 0.7 * f, f"values look like city names ({pct(f)})")
    if (f := p.get("status")) >= 0.6:
        put("status", 0.85 * f, f"values are order status words ({pct(f)})")
    if (f := p.get("address")) >= 0.6 and p.get("province") < 0.3:
        put("address", 0.8 * f, f"values look like street addresses ({pct(f)})")
    if (f := p.hash_id) >= 0.8:
        put("order_id", 0.8 * f, f"values look like order numbers such as #1001 ({pct(f)})")
    if (f := max(p.get("datetime"), p.compact_date)) >= 0.6:
        # a date column with an unhelpful header: the order time, or in a customer table the signup time
        put("signup_time" if hint == "customers" else "order_time", 0.6 * f, f"values look like dates/times ({pct(f)})")
    if (f := p.age_band) >= 0.6:
        put("age_band", 0.75 * f, f"values look like age bands such as 25-30 ({pct(f)})")
    if generic_header:
        # numbers and ids say little on their own: only used when the header says nothing
        money = p.get("money")
        if money >= 0.8 and p.get("phone") < 0.3 and p.get("id") < 0.5 and p.integers < 0.9:
            put("pay_amount", 0.55 * money, f"values look like money amounts ({pct(money)})")
        elif money >= 0.8 and p.integers >= 0.9 and p.get("id") < 0.5 and p.get("phone") < 0.3:
            put("pay_amount", 0.42 * money, f"values are whole numbers that may be amounts ({pct(money)})")
        if p.get("id") >= 0.8 and p.get("phone") < 0.3:
            if p.unique_ratio >= 0.98:
                put("order_id", 0.45, "values look like unique codes (order numbers?)")
            else:
                put("customer_id", 0.45, "values look like codes that repeat (customer ids?)")
    return out


def _type_fit(role: str, p: _Profile) -> tuple[float, str]:
    """Penalty when the values contradict what the header says: (multiplier, note)."""
    if p.n == 0:
        return 1.0, ""
    if role in _TIME_ROLES and p.get("datetime") < 0.3 and p.serial_time < 0.8 and p.compact_date < 0.8:
        return 0.6, "but the values do not look like dates"
    if role in _NUMBER_ROLES and p.get("number") < 0.3 and p.get("money") < 0.3:
        return 0.6, "but the values are not numbers"
    if role == "phone" and p.get("phone") < 0.3 and p.get("number") < 0.3:
        return 0.7, "but the values do not look like phone numbers"
    if role == "gender" and p.get("gender") < 0.3:
        return 0.6, "but the values are not gender words"
    if role in ("customer_id", "order_id") and p.n >= 50 and p.unique_ratio * p.n <= 3:
        return 0.3, "but the column has only a few distinct values (a yes/no flag?)"
    if role == "customer_id" and p.masked >= 0.5:  # a buyer id column beside it names buyers apart
        return 0.7, "but the values are masked (梅**9): different buyers share one"
    if role in ("customer_name", "nickname", "product_name", "host_name") and p.hash_id >= 0.8:
        return 0.45, "but the values look like order numbers"
    if role not in _TIME_ROLES and max(p.get("datetime"), p.compact_date) >= 0.8:
        return 0.5, "but the values look like dates"
    if role not in ("phone", "customer_id") and p.get("phone") >= 0.8:
        return 0.5, "but the values look like phone numbers"
    if role == "province" and p.get("address") >= 0.6 and p.get("province") < 0.3:
        return 0.8, "but the values look like full addresses"
    return 1.0, ""


def _is_generic(header: str) -> bool:
    return bool(_GENERIC_HEADER.fullmatch(_compact(header)))


def table_hint(name: str) -> str | None:
    """The kind a table name suggests (订单/orders, 客户/会员/customers, 商品/products, 主播/hosts ...)."""
    text = unicodedata.normalize("NFKC", str(name)).lower()
    text = re.sub(r"\.(csv|tsv|txt|xlsx?|parquet|duckdb|json)$", "", text)
    for kind, words in _NAME_HINTS:
        if any(w in text for w in words):
            return kind
    return None


# ---------------------------------------------------------------------------------------------
# proposing a mapping


@dataclass
class _Candidate:
    column: str
    role: str
    score: float
    reason: str
    position: int
    rank: int = 0  # _header_score's rank: of two columns both named exactly for a role, the better name


def _candidates(raw: RawTable, hint: str | None) -> tuple[list[_Candidate], dict[str, _Profile]]:
    specs = _load_specs()
    cands: list[_Candidate] = []
    profiles: dict[str, _Profile] = {}
    for pos, column in enumerate(raw.df.columns):
        col = str(column)
        profile = _profile(raw.df[column])
        profiles[col] = profile
        values = _value_scores(profile, _is_generic(col), hint)
        for role, spec in specs.items():
            h, h_reason, rank = _header_score(col, spec)
            v, v_reason = values.get(role, (0.0, ""))
            if v and any(x and x in _compact(col) for x in spec.exclude):
                v = 0.0       # '售后状态' holds status words, '发货时间' holds dates: neither is the order's
            if h <= 0 and v <= 0:
                continue
            if h > 0 and v == 0 and role in _NUMBER_ROLES and profile.get("number") >= 0.8:
                v, v_reason = 0.3, f"values are numbers ({profile.get('number'):.0%})"
            if h > 0:
                factor, note = _type_fit(role, profile)
                h *= factor
                reason = h_reason + (f" {note}" if note else "")
                if v > 0:
                    score = 1 - (1 - h) * (1 - 0.5 * v)
                    reason += f"; {v_reason}"
                else:
                    score = h
            else:
                score, reason = v, v_reason
            # the table's name breaks ties between roles that look alike
            if hint == "customers" and role == "order_time":
                score *= 0.85
            if hint in ("orders", "order_items") and role == "signup_time":
                score *= 0.85
            cands.append(_Candidate(col, role, min(score, 0.99), reason, pos, rank))
    return cands, profiles


def _assign(cands: list[_Candidate]) -> dict[str, ColumnMatch]:
    roles: dict[str, ColumnMatch] = {}
    used: set[str] = set()
    # equal scores: one column is the role listed first; one role takes the column whose exact name its synonyms
    # list first (京东's 应付金额 before its 订单金额, which is before discounts), then the first column
    for c in sorted(cands, key=lambda c: (-round(c.score, 6), ROLES.index(c.role), c.rank, c.position)):
        if c.score < MIN_CONFIDENCE or c.role in roles or c.column in used:
            continue
        roles[c.role] = ColumnMatch(c.column, round(c.score, 2), c.reason)
        used.add(c.column)
    return {role: roles[role] for role in ROLES if role in roles}


def _personal_from_values(profiles: dict[str, _Profile]) -> list[str]:
    out = []
    for col, p in profiles.items():
        if p.get("phone") >= 0.5 or p.get("email") >= 0.5 or p.id_card >= 0.5:
            out.append(col)
    return out


def _decide_kind(roles: dict[str, Any], hint: str | None) -> str:
    has = set(roles)
    if "start_time" in has and {"viewers", "views", "session_orders", "avg_watch"} & has and "order_time" not in has:
        return "live_sessions"  # a session report: one row per broadcast, the platform's figures
    key = any(r in has for r in CUSTOMER_KEY_ROLES)
    timed_amount = {"order_time", "pay_amount"} <= has
    product = bool({"product_id", "product_name"} & has)
    customer_attrs = {"gender", "province", "city", "age", "age_band", "signup_time", "phone", "channel",
                      "nickname", "customer_name"} & has
    if timed_amount and (key or "order_id" in has or hint == "orders"):
        return "orders"
    if hint == "orders" and ("order_time" in has or "pay_amount" in has):
        return "orders"
    key_role = next((r for r in CUSTOMER_KEY_ROLES if r in has), None)
    if key_role and (customer_attrs - {key_role}) and not timed_amount and not product:
        return "customers"
    if "order_id" in has and product and ({"quantity", "unit_price"} & has) and "order_time" not in has:
        return "order_items"
    if product and ({"category", "unit_price", "brand"} & has or hint == "products") and "customer_id" not in has \
            and "order_time" not in has:
        return "products"
    if "session_id" in has and not product and "pay_amount" not in has:
        return "live_sessions"
    if ({"host_id", "host_name"} & has) and not product and not timed_amount and "customer_id" not in has:
        return "hosts"
    if hint == "customers" and key:
        return "customers"
    if hint == "products" and product:
        return "products"
    return "unknown"


def _finish(mapping: TableMapping, columns: list[str], personal_extra: Iterable[str] = ()) -> TableMapping:
    """Fill unmapped/personal, note a stand-in customer key, fix the time role for customer tables."""
    roles = dict(mapping.roles)
    if mapping.kind == "customers" and "order_time" in roles and "signup_time" not in roles:
        m = roles.pop("order_time")
        roles["signup_time"] = replace(m, reason=m.reason + "; in a customer table a date is the signup time")
    if "customer_id" not in roles:
        for role in CUSTOMER_KEY_ROLES[1:]:
            if role in roles:
                m = roles[role]
                note = f"; no customer id column, so {role} stands in as the customer key"
                if note not in m.reason:
                    roles[role] = replace(m, reason=m.reason + note)
                break
    roles = {role: roles[role] for role in ROLES if role in roles}
    mapped = {m.column for m in roles.values()}
    personal = {m.column for role, m in roles.items() if role in PERSONAL_ROLES} | set(personal_extra)
    return TableMapping(
        raw_name=mapping.raw_name,
        kind=mapping.kind,
        roles=roles,
        unmapped=[c for c in columns if c not in mapped],
        personal=[c for c in columns if c in personal],
    )


def _raw_hint(raw: RawTable) -> str | None:
    source = str(raw.source or "")
    sheet = source.split("#", 1)[1] if "#" in source else ""
    return table_hint(raw.name) or table_hint(sheet) or table_hint(Path(source.split("#", 1)[0]).name)


def propose_mapping(raw: RawTable) -> TableMapping:
    """Best guess of the kind of table and the column for each role, with confidence and reasons."""
    hint = _raw_hint(raw)
    cands, profiles = _candidates(raw, hint)
    roles = _assign(cands)
    if "order_time" not in roles and "pay_time" in roles:
        # the payment time is the only time of the order: it is the order time (and the table's kind follows)
        m = roles.pop("pay_time")
        roles["order_time"] = replace(m, reason=m.reason + "; the only time of the order, so the order time")
    kind = _decide_kind(roles, hint)
    if kind == "orders" and "order_time" not in roles and "signup_time" in roles:
        # a lone date column in an order table is the order time
        m = roles.pop("signup_time")
        roles["order_time"] = replace(m, reason=m.reason + "; in an order table a date is the order time")
    key = next((r for r in CUSTOMER_KEY_ROLES if r in roles), None)
    if key == "phone" and profiles[roles["phone"].column].masked_phone >= 0.5:
        m = roles["phone"]
        roles["phone"] = replace(m, reason=m.reason + "; the numbers are masked (138****1234), so different "
                                 "buyers may share one: map a buyer id or nickname column if the file has one")
    columns = [str(c) for c in raw.df.columns]
    return _finish(TableMapping(raw.name, kind, roles), columns, _personal_from_values(profiles))


def missing_required(mapping: TableMapping) -> list[str]:
    """Roles a table of its kind cannot do without (an unknown table is held to the orders rules)."""
    has = set(mapping.roles)
    kind = mapping.kind
    out: list[str] = []
    key = "customer_id (or phone / nickname / customer_name)"
    if kind in ("orders", "unknown"):
        out += [r for r in ("order_time", "pay_amount") if r not in has]
        if not any(r in has for r in CUSTOMER_KEY_ROLES):
            out.append(key)
    elif kind == "customers":
        if not any(r in has for r in CUSTOMER_KEY_ROLES):
            out.append(key)
    elif kind == "products":
        if not {"product_id", "product_name"} & has:
            out.append("product_id (or product_name)")
    elif kind == "order_items":
        if "order_id" not in has:
            out.append("order_id")
        if not {"product_id", "product_name"} & has:
            out.append("product_id (or product_name)")
    elif kind == "hosts":
        if not {"host_id", "host_name"} & has:
            out.append("host_id (or host_name)")
    elif kind == "live_sessions":
        if "session_id" not in has and "start_time" not in has:
            out.append("session_id (or start_time)")
    return out


# ---------------------------------------------------------------------------------------------
# corrections


def _check_role(role: str, where: str = "") -> None:
    if role in ROLES:
        return
    close = difflib.get_close_matches(str(role), ROLES, n=1)
    hint_en = f" Did you mean '{close[0]}'?" if close else ""
    hint_zh = f"是不是「{close[0]}」？" if close else ""
    raise ToolError(
        "unknown_role",
        f"Unknown role '{role}'{where}.{hint_en} Known roles: {', '.join(ROLES)}.",
        f"未知的字段角色「{role}」{where}。{hint_zh}可用角色：{', '.join(ROLES)}。",
    )


def _check_kind(kind: Any, where: str = "") -> None:
    if kind in KINDS:
        return
    raise ToolError(
        "unknown_kind",
        f"Unknown table kind '{kind}'{where}. Known kinds: {', '.join(KINDS)}.",
        f"未知的表类型「{kind}」{where}。可用类型：{', '.join(KINDS)}。",
    )


def apply_overrides(mapping: TableMapping, overrides: dict[str, str | None]) -> TableMapping:
    """The person's corrections: role -> column name, or None to unmap the role.

    A column given to a new role leaves its old role. The key "kind" (if present) sets the table kind;
    otherwise the kind is decided again from the corrected roles.
    """
    columns = list(dict.fromkeys([m.column for m in mapping.roles.values()] + list(mapping.unmapped)))
    overrides = dict(overrides or {})
    kind = overrides.pop("kind", None)
    if kind is not None:
        _check_kind(kind, f" for table '{mapping.raw_name}'")
    roles = dict(mapping.roles)
    for role, column in overrides.items():
        _check_role(role, f" for table '{mapping.raw_name}'")
        if column is None or (isinstance(column, str) and column.strip() == ""):
            roles.pop(role, None)
            continue
        column = str(column)
        if column not in columns:
            close = difflib.get_close_matches(column, columns, n=1, cutoff=0.5)
            hint_en = f" Did you mean '{close[0]}'?" if close else ""
            hint_zh = f"是不是「{close[0]}」？" if close else ""
            raise ToolError(
                "unknown_column",
                f"Table '{mapping.raw_name}' has no column '{column}' (for {role}).{hint_en} "
                f"Columns: {', '.join(columns)}.",
                f"表「{mapping.raw_name}」没有列「{column}」（用于 {role}）。{hint_zh}现有列：{'、'.join(columns)}。",
            )
        for other, m in list(roles.items()):
            if m.column == column and other != role:
                roles.pop(other)
        roles[role] = ColumnMatch(column, 1.0, f"set by you: '{column}' is {role}")
    if kind is not None:
        new_kind = kind
    elif {r: m.column for r, m in roles.items()} == {r: m.column for r, m in mapping.roles.items()}:
        new_kind = mapping.kind
    else:
        new_kind = _decide_kind(roles, table_hint(mapping.raw_name))
    # columns already flagged as personal stay flagged (their values may look like phones/emails)
    return _finish(TableMapping(mapping.raw_name, new_kind, roles), columns, mapping.personal)


# ---------------------------------------------------------------------------------------------
# mapping files


def _parse_mapping_data(data: Any, source: str) -> dict[str, dict[str, str | None]]:
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ToolError(
            "bad_mapping_file",
            f"{source}: expected 'table name: {{kind: ..., roles: {{role: column}}}}' entries.",
            f"{source}：格式应为「表名: {{kind: ..., roles: {{角色: 列名}}}}」。",
        )
    out: dict[str, dict[str, str | None]] = {}
    for table, entry in data.items():
        where = f" in {source} (table '{table}')"
        if entry is None:
            out[str(table)] = {}
            continue
        if not isinstance(entry, dict):
            raise ToolError(
                "bad_mapping_file",
                f"Table '{table}' in {source} must map to {{kind: ..., roles: {{role: column}}}}.",
                f"{source} 中表「{table}」的格式应为 {{kind: ..., roles: {{角色: 列名}}}}。",
            )
        entry = dict(entry)
        flat: dict[str, str | None] = {}
        kind = entry.pop("kind", None)
        if kind is not None:
            _check_kind(kind, where)
            flat["kind"] = str(kind)
        roles = entry.pop("roles", None)
        if roles is None:
            roles = {}
        if not isinstance(roles, dict):
            raise ToolError(
                "bad_mapping_file",
                f"'roles' of table '{table}' in {source} must be 'role: column' pairs.",
                f"{source} 中表「{table}」的 roles 应为「角色: 列名」。",
            )
        roles = {**entry, **roles}     # flat form too: {table: {order_time: 下单时间, ...}}
        for role, column in roles.items():
            _check_role(str(role), where)
            if column is not None and not isinstance(column, str | int | float):
                raise ToolError(
                    "bad_mapping_file",
                    f"Role '{role}' of table '{table}' in {source} must name one column (or be null).",
                    f"{source} 中表「{table}」的角色「{role}」应填写一个列名（或 null）。",
                )
            flat[str(role)] = None if column is None else str(column)
        out[str(table)] = flat
    return out


def load_mapping_file(path: str | Path) -> dict[str, dict[str, str | None]]:
    """Read a mapping file: {table or file name: {kind: orders, roles: {role: column | null}}}.

    Returns {table: {"kind": kind?, role: column | None, ...}}, ready for apply_overrides. Unknown roles
    and kinds are rejected here; unknown columns when the file is applied to a table.
    """
    p = Path(path).expanduser()
    if not p.is_file():
        raise ToolError("mapping_not_found", f"No such mapping file: {p}", f"找不到映射文件：{p}")
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8-sig"))
    except yaml.YAMLError as exc:
        raise ToolError("bad_mapping_file", f"{p} is not valid YAML: {exc}", f"{p} 不是有效的 YAML：{exc}") from exc
    return _parse_mapping_data(data, str(p))


def dump_mapping(mappings: TableMapping | Iterable[TableMapping]) -> str:
    """YAML text of mappings in the mapping-file format (what the person edits and passes back)."""
    if isinstance(mappings, TableMapping):
        mappings = [mappings]
    data: dict[str, Any] = {}
    for m in mappings:
        data[m.raw_name] = {"kind": m.kind, "roles": {role: match.column for role, match in m.roles.items()}}
    header = ("# Column mapping: <table>: {kind: ..., roles: {role: column}}. Set a role to null to leave it out.\n"
              "# 列映射：<表名>: {kind: 表类型, roles: {角色: 列名}}；把角色设为 null 表示不使用。\n")
    return header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=False)


__all__ = [
    "CUSTOMER_KEY_ROLES", "KINDS", "PERSONAL_ROLES", "ROLES", "apply_overrides", "dump_mapping",
    "load_mapping_file", "missing_required", "propose_mapping", "role_labels", "table_hint",
]
