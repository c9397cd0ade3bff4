"""Mapped raw tables -> typed canonical tables (docs/data_model.md), with every rejected row and why.

Nothing is dropped silently: a row either lands in a canonical table or in `report.rejected` with a
reason in both languages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
import pandas as pd

from assistant.ingest import parsing
from assistant.ingest.companions import join_companions
from assistant.ingest.mapping import BUYER_PHONE_HEADER, PERSONAL_ROLES
from assistant.ingest.types import RawTable, TableMapping
from tools.privacy import is_personal_column, mask_personal, mask_text

CUSTOMER_KEY_ROLES = ("customer_id", "phone", "nickname", "customer_name")
CUSTOMER_ATTRIBUTES = ("nickname", "phone", "gender", "age_band", "province", "city", "signup_time", "channel")
ORDER_COLUMNS = ("order_id", "customer_id", "order_time", "status", "total_amount", "discount_amount",
                 "coupon_id", "coupon_amount", "pay_amount", "source", "session_id", "host_id")

REASONS = {
    "bad_date": ("unparseable order time", "下单时间无法识别"),
    "future_date": ("order time in the future", "下单时间晚于今天"),
    "bad_amount": ("unparseable amount", "金额无法识别"),
    "negative_amount": ("negative amount without a refund status", "金额为负数但状态不是退款"),
    "no_customer": ("no customer id", "缺少客户标识"),
    "bad_status": ("unknown order status", "无法识别的订单状态"),
    "duplicate_row": ("exact duplicate of an earlier row", "与前面某行完全重复"),
    "duplicate_order_id": ("duplicate order id", "订单号重复"),
}


@dataclass
class ImportReport:
    rows_read: int = 0
    rows_loaded: dict[str, int] = field(default_factory=dict)
    rejected: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=["source", "row", "reason_code", "reason_en", "reason_zh", "values"]))
    notes_en: list[str] = field(default_factory=list)
    notes_zh: list[str] = field(default_factory=list)
    refunded_orders: int = 0
    partially_refunded_orders: int = 0  # paid orders with a refunded line or a refund amount
    zero_amount_orders: int = 0  # rows, kept: free gifts and 0元 orders count as orders and buyers, add no GMV
    # Customers are keyed by a phone number, nickname or name: the stored key becomes a surrogate.
    personal_key: bool = False
    customer_key: dict[str, list[str]] = field(default_factory=dict)  # per source: the columns that key customers
    no_buyer: bool = False  # no buyer column at all: each order keyed as its own customer
    key_warning: tuple[int, int] | None = None  # (customers, orders) when the key looks implausible
    # Per source file, the columns mapped to a personal role: masked in the rejected-rows report.
    personal_columns: dict[str, set[str]] = field(default_factory=dict)

    def caveats(self) -> list[dict[str, str]]:
        """What answers on this dataset must say about it: an implausible customer key, or none at all."""
        if self.no_buyer:
            return [{"code": "no_buyer_column",
                     "en": "This export names no buyer: each order is counted as its own customer, so customer counts, "
                           "segments and repurchase figures are not meaningful here (order and amount figures are). "
                           "Upload it together with the order report that has the buyers.",
                     "zh": "这份导出没有买家信息：每笔订单暂按一位客户计，所以客户数、分群和复购在这里没有意义"
                           "（订单和金额数字可用）。请和带买家的订单报表一起上传。"}]
        if self.key_warning is None:
            return []
        customers, orders = self.key_warning
        return [{"code": "implausible_customer_key",
                 "en": f"The customer key of this import gives only {customers:,} customers for {orders:,} orders, so "
                       "customer counts, segments and repurchase figures are probably wrong. Re-import with a buyer "
                       "id column (or receiver name, phone and address together).",
                 "zh": f"这份数据导入时的客户标识只得到 {customers:,} 位客户、{orders:,} 笔订单，"
                       "客户数、分群和复购等结果很可能不对。请用买家ID列（或收件人、手机号、地址一起）重新导入。"}]

    def note(self, en: str, zh: str) -> None:
        self.notes_en.append(en)
        self.notes_zh.append(zh)

    def reject(self, raw: RawTable, rows: pd.Index, code: str) -> None:
        if len(rows) == 0:
            return
        en, zh = REASONS[code]
        personal = self.personal_columns.get(raw.source, set())
        values = raw.df.loc[rows].apply(lambda r: _masked_row(r, personal).to_json(force_ascii=False), axis=1)
        frame = pd.DataFrame({
            "source": raw.source, "row": [int(i) + raw.header_row + 2 for i in rows],
            "reason_code": code, "reason_en": en, "reason_zh": zh, "values": values.to_numpy(),
        })
        self.rejected = frame if self.rejected.empty else pd.concat([self.rejected, frame], ignore_index=True)

    def summary(self, language: str) -> str:
        loaded = ", ".join(f"{name} {count:,}" for name, count in self.rows_loaded.items())
        by_reason = self.rejected.groupby("reason_zh" if language == "zh" else "reason_en").size()
        reasons = "; ".join(f"{reason}: {count:,}" for reason, count in by_reason.items())
        notes = self.notes_zh if language == "zh" else self.notes_en
        if language == "zh":
            text = f"读取 {self.rows_read:,} 行；导入 {loaded}；拒收 {len(self.rejected):,} 行" + (
                f"（{reasons}）" if reasons else "") + "。"
        else:
            text = f"Read {self.rows_read:,} rows; loaded {loaded}; rejected {len(self.rejected):,}" + (
                f" ({reasons})" if reasons else "") + "."
        return " ".join([text, *notes])


def _masked_row(row: pd.Series, personal: set[str]) -> pd.Series:
    """A rejected row as the report shows it: personal cells masked like every answer."""
    row = row.dropna()
    return pd.Series({column: mask_personal(value) if column in personal or is_personal_column(column)
                      else mask_text(value) if isinstance(value, str) else value
                      for column, value in row.items()}, dtype=object)


def _column(raw: RawTable, mapping: TableMapping, role: str) -> pd.Series | None:
    match = mapping.roles.get(role)
    return raw.df[match.column] if match else None


_WHOLE_REFUND_WORDS = re.compile(r"全额|全部退|整单|(?<![a-z])(?:full|whole|entire)(?![a-z])", re.IGNORECASE)
_MASKED = re.compile(r"[*＊×xX]{2,}|\*")
# Address parts the mapping leaves unmapped (抖店 splits the address into 省/市/区/街道/详细地址).
_ADDRESS_PART = re.compile(r"区|县|街道|乡镇|镇|district|street|county", re.IGNORECASE)


def _masked_share(series: pd.Series) -> float:
    text = series.dropna().astype(str)
    text = text[text.str.strip().ne("") & text.ne("-")]
    return float(text.str.contains(_MASKED).mean()) if len(text) else 0.0


def _composite_key(raw: RawTable, mapping: TableMapping) -> tuple[pd.Series, list[str]] | None:
    """A buyer in an export with masked contact fields: name, phone and address together (孔** 131****8411
    广东省 广州市 天河区 石牌街道 体育西路***). None when the file has nothing masked to combine."""
    phone, name = _column(raw, mapping, "phone"), None
    for role in ("customer_name", "nickname"):
        if (series := _column(raw, mapping, role)) is not None:
            name = series
            break
    masked = (phone is not None and _masked_share(phone) >= 0.5) or (
        phone is None and name is not None and _masked_share(name) >= 0.5)
    if not masked:
        return None
    columns = [mapping.roles[r].column for r in ("customer_name", "nickname", "phone", "province", "city", "address")
               if r in mapping.roles]
    used = {m.column for m in mapping.roles.values()}
    columns += [c for c in raw.df.columns if c not in used and _ADDRESS_PART.search(str(c))
                and raw.df[c].astype(str).str.len().mean() <= 40]
    if len(columns) < 2:
        return None
    parts = raw.df[columns].astype("string").fillna("").apply(lambda s: s.str.strip())
    key = parts.agg("|".join, axis=1)
    return key.where(parts.ne("").any(axis=1)), columns


def _customer_key(raw: RawTable, mapping: TableMapping, report: ImportReport) -> pd.Series | None:
    if (series := _column(raw, mapping, "customer_id")) is not None:
        if is_personal_column(mapping.roles["customer_id"].column):
            report.personal_key = True  # 买家会员名, 旺旺, 抖音号: an account name, not an opaque id
        return series.astype("string").str.strip()
    buyer_phone = next((c for c in raw.df.columns if BUYER_PHONE_HEADER.search(str(c))), None)
    if buyer_phone is not None and raw.df[buyer_phone].notna().mean() >= 0.9:
        # the buyer's own phone (有赞 买家手机号) names the buyer, masked or not; receiver fields name a parcel
        # (one buyer ships to several people), so they are no part of this key
        report.personal_key = True
        report.customer_key[raw.source] = [buyer_phone]
        key = _text(raw.df[buyer_phone])
        report.note(f"No buyer id column: a customer is the buyer's phone {buyer_phone} ({key.nunique():,} customers), "
                    "not the receiver's fields, stored as a pseudonymous id.",
                    f"没有买家ID列：按买家本人的手机号 {buyer_phone} 识别客户（{key.nunique():,} 位），"
                    f"不按收货人信息，存为化名ID。")
        return key
    if (composite := _composite_key(raw, mapping)) is not None:
        key, columns = composite
        report.personal_key = True
        report.customer_key[raw.source] = columns
        names = " + ".join(columns)
        report.note(f"No buyer id column and the contact fields are masked: a customer is one combination of "
                    f"{names} ({key.nunique():,} customers), stored as a pseudonymous id.",
                    f"没有买家ID列且联系信息已打码：按 {names} 的组合识别客户（{key.nunique():,} 位），存为化名ID。")
        return key
    for role in CUSTOMER_KEY_ROLES[1:]:
        series = _column(raw, mapping, role)
        if series is not None and _text(series).notna().any():  # (an empty 联系方式备注 names no one)
            report.personal_key = True
            report.customer_key[raw.source] = [mapping.roles[role].column]
            report.note(f"No customer id column: customers are identified by {role}, stored as a "
                        "pseudonymous id (the raw values go to the private contact store).",
                        f"没有客户ID列：按 {role} 识别客户，存为化名ID（原始值只保存在私密联系人库中）。")
            if role == "phone":
                series = parsing.normalise_phone(series)
            return series.astype("string").str.strip()
    if (orders := _column(raw, mapping, "order_id")) is not None and _text(orders).notna().all():
        # no one named at all (淘宝's item report alone): each order stands for its own buyer, so order and money
        # figures hold and every answer about customers says it cannot (ImportReport.caveats)
        report.no_buyer = True
        report.note("No buyer column at all: each order is counted as its own customer. Order, amount and refund "
                    "figures hold; customer counts, segments and repurchase do not (upload the order report with "
                    "the buyers together with this file).",
                    "没有任何买家列：每笔订单暂按一位客户计。订单、金额、退款类数字可用；客户数、分群、复购不可用"
                    "（请把带买家的订单报表和这个文件一起上传）。")
        return "order:" + _text(orders).str.lstrip("=").str.strip('"\t ')
    return None


def _check_key_plausible(orders: pd.DataFrame, report: ImportReport) -> None:
    """A key that makes a handful of "customers" out of thousands of orders (a masked phone alone) is
    named, with its numbers, so nobody reads customer figures built on it unawares."""
    n_orders, n_customers = len(orders), orders["customer_id"].nunique()
    if n_orders >= 500 and n_customers / n_orders < 0.03:
        report.key_warning = (n_customers, n_orders)
        report.note(f"Warning: the customer key gives only {n_customers:,} customers for {n_orders:,} orders "
                    f"({n_orders / max(n_customers, 1):,.0f} orders each). It is probably not a buyer id: customer "
                    "counts, RFM and repurchase answers will be wrong. Map a buyer id column, or the receiver "
                    "name, phone and address together, and import again.",
                    f"警告：当前的客户标识只得到 {n_customers:,} 位客户、{n_orders:,} 笔订单（平均每人 "
                    f"{n_orders / max(n_customers, 1):,.0f} 单），很可能不是买家ID：客户数、RFM、复购等结果都会出错。"
                    "请映射买家ID列，或同时使用收件人、手机号和地址，再重新导入。")


_PLACEHOLDERS = {"-", "--", "—", "——", "无", "空", "null", "none", "n/a", "na", "/"}


def _text(series: pd.Series) -> pd.Series:
    """Text cells stripped; a platform's placeholder for "none" (抖店 writes '-') is empty."""
    text = series.astype("string").str.strip()
    return text.mask(text.str.lower().isin(_PLACEHOLDERS))


def _drop(frame: pd.DataFrame, raw: RawTable, mask: pd.Series, code: str, report: ImportReport) -> pd.DataFrame:
    report.reject(raw, frame.index[mask.to_numpy()], code)
    return frame.loc[~mask.to_numpy()]


def _status_from_payment(frame: pd.DataFrame, paid_at: pd.Series, report: ImportReport) -> None:
    """A payment time (`paid_at`, parsed) is what the platform records only for paid orders: a closed order that
    has one was paid and refunded (淘宝 交易关闭 after a refund), a "successful" one without one was never paid."""
    paid = paid_at.notna().to_numpy()
    refunded = (frame["status"].to_numpy() == "cancelled") & paid
    unpaid = (frame["status"].to_numpy() == "paid") & ~paid  # (an order awaiting payment keeps saying so)
    frame.loc[refunded, "status"] = "refunded"
    frame.loc[unpaid, "status"] = "cancelled"
    if refunded.any() or unpaid.any():
        report.note(f"By the payment time: {int(refunded.sum()):,} closed orders were paid (read as refunded), "
                    f"{int(unpaid.sum()):,} orders without one were never paid (read as cancelled).",
                    f"按付款时间：{int(refunded.sum()):,} 笔已关闭订单曾经付款（按已退款处理），"
                    f"{int(unpaid.sum()):,} 笔没有付款时间的订单从未付款（按已取消处理）。")


def _gross_of_refunds(frame: pd.DataFrame, mapping: TableMapping, report: ImportReport) -> None:
    """A paid amount that is already net of its refund (淘宝's 买家实际支付金额 = 总金额 − 退款金额, and 0 on a
    wholly refunded order) would count refunds twice and make refunded orders look free. When the file shows
    it (on the refunded orders the paid amount is the total less the refund, on the others the total itself),
    the paid amount is the total; refunds are counted once, from the refund column."""
    total = frame["total_amount"]
    if total.isna().all() or frame["refund_amount"].isna().all():
        return
    paid = frame["status"].isin(["paid", "refunded"]) & total.notna() & frame["pay_amount"].notna()
    refunded = paid & (frame["refund_amount"] > 0) & (total > 0)
    kept = paid & ~(frame["refund_amount"] > 0)
    if refunded.sum() < 5 or kept.sum() < 5:
        return
    net = ((frame.loc[refunded, "pay_amount"] - (total[refunded] - frame.loc[refunded, "refund_amount"])).abs()
           <= 0.011).mean()
    same = ((frame.loc[kept, "pay_amount"] - total[kept]).abs() <= 0.011).mean()
    if net < 0.9 or same < 0.9:
        return
    frame["pay_amount"] = total.where(total.notna(), frame["pay_amount"])
    pay, gross = mapping.roles["pay_amount"].column, mapping.roles["total_amount"].column
    report.note(f"{pay} is net of refunds here ({pay} = {gross} − the refund on {net:.0%} of the refunded orders): "
                f"the paid amount is {gross}, and refunds are counted once, from the refund column.",
                f"这里的 {pay} 已扣除退款（{net:.0%} 的退款订单上 {pay} = {gross} − 退款金额）："
                f"实付金额按 {gross} 计，退款只从退款金额列扣一次。")


def _dated_by_payment(frame: pd.DataFrame, paid: pd.Series, report: ImportReport) -> None:
    """A sale is counted when it is paid (the platforms' 成交 is by 支付时间): an order paid on a later day than
    it was placed (`paid`: the parsed payment times) belongs to the day of its payment. Orders never paid keep
    the time they were placed."""
    later = (frame["status"].isin(["paid", "refunded"]) & paid.notna() & frame["order_time"].notna()
             & (paid.dt.normalize() != frame["order_time"].dt.normalize()))
    if not later.any():
        return
    frame.loc[later, "order_time"] = paid[later]
    n = int(later.sum())
    report.note(f"{n:,} orders were paid on a later day than they were placed: they are dated by the payment time, "
                "as the platforms count a sale (成交 by 支付时间).",
                f"{n:,} 笔订单付款日期晚于下单日期：按付款时间记日期（平台的成交按支付时间统计）。")


# 拼多多 order numbers begin with the day the order was placed ("251001-624121397688396"); an order closed before
# payment has no time in that export at all.
_ID_DAY = re.compile(r"^(\d{2})(\d{2})(\d{2})-\d{6,}$")


def _dated_by_order_id(frame: pd.DataFrame, bad_times: pd.Series, report: ImportReport) -> None:
    """Orders with no time at all are dated by their order number when the number says the day: its first six
    digits are yymmdd and equal the order's date on at least 95% of the orders that do have a time. Otherwise
    they stay undated (and are rejected, as before)."""
    missing = frame["order_time"].isna() & ~bad_times
    if not missing.any() or frame["order_id"].isna().all():
        return
    parts = frame["order_id"].astype("string").str.extract(_ID_DAY)
    days = pd.to_datetime("20" + parts[0] + "-" + parts[1] + "-" + parts[2], errors="coerce", format="%Y-%m-%d")
    timed = frame["order_time"].notna() & days.notna()
    if timed.sum() < 20 or (days[timed] == frame.loc[timed, "order_time"].dt.normalize()).mean() < 0.95:
        return
    dated = missing & days.notna()
    if not dated.any():
        return
    frame.loc[dated, "order_time"] = days[dated]
    n = int(dated.sum())
    report.note(f"{n:,} orders with no time at all (closed or awaiting payment) are dated by their order number, "
                "whose first six digits are the order day on the orders that have a time.",
                f"{n:,} 笔没有任何时间的订单（未付款关闭或待付款）按订单号开头的日期记日期"
                "（其余订单的订单号开头六位就是下单日期）。")


def _typed_order_rows(raw: RawTable, mapping: TableMapping, report: ImportReport, now: datetime) -> pd.DataFrame:
    """One typed row per raw row; rows that cannot be typed go to the report."""
    frame = pd.DataFrame(index=raw.df.index)
    times, bad_times = parsing.parse_datetimes(_column(raw, mapping, "order_time"))
    amounts, bad_amounts = parsing.parse_numbers(_column(raw, mapping, "pay_amount"))
    frame["order_time"], frame["pay_amount"] = times, amounts
    frame["customer_id"] = _customer_key(raw, mapping, report)
    status = _column(raw, mapping, "status")
    if status is None:
        frame["status"] = "paid"
        report.note("No status column: every order is treated as paid.", "没有订单状态列：全部按已支付处理。")
        bad_status = pd.Series(False, index=frame.index)
    else:
        frame["status"], bad_status = parsing.parse_status(status)
    # what the platform shows as closed (已关闭, 已取消, 交易关闭): of the paid orders read as refunded below,
    # these were closed by the refund (the others were refunded in full after they completed)
    frame["closed"] = (frame["status"] == "cancelled").to_numpy()
    if (paid_at := _column(raw, mapping, "pay_time")) is not None:
        paid_times = parsing.parse_datetimes(_text(paid_at))[0]
        _status_from_payment(frame, paid_times, report)
        _dated_by_payment(frame, paid_times, report)
    refunds = _column(raw, mapping, "refund_amount")
    frame["refund_amount"] = parsing.parse_numbers(refunds)[0].abs() if refunds is not None else np.nan
    for role in ("total_amount", "discount_amount", "coupon_amount", "unit_price", "quantity"):
        series = _column(raw, mapping, role)
        frame[role] = parsing.parse_numbers(series)[0] if series is not None else np.nan
    _gross_of_refunds(frame, mapping, report)
    frame["partly_refunded"] = False  # 部分退款成功 with no amount in the export (拼多多): known, amount unknown
    frame["shipped"] = _shipped(raw, mapping, status)
    # a refund asked for and not yet decided, as the after-sale column (else the status) says it
    after_sale = _column(raw, mapping, "after_sale")
    said = next((s for s in (after_sale, _column(raw, mapping, "open_request"), status) if s is not None), None)
    frame["refund_open"] = (_text(said).str.contains(parsing.REFUND_OPEN, na=False).to_numpy() if said is not None
                            else False)
    if after_sale is not None:
        # 售后状态 退款成功 on a closed order: it was paid, then refunded (a closed unpaid order has none); on
        # one line of a paid order, that line was refunded: a partial refund of the order (_orders_from_lines)
        refunded, partial = parsing.refund_states(after_sale)
        # ... unless the row says less came back than was paid (视频号 退款成功 of ¥12 on a ¥121 line): a partial
        # refund of a paid order, which keeps its status (a whole order closed after payment stays refunded)
        less = (frame["refund_amount"] < frame["pay_amount"] * 0.999 - 0.01) & (frame["status"] == "paid")
        # ... or, with no amount, unless the line's own status still says the trade goes on (抖店 已完成 or
        # 已发货 with 同意退款，退款成功): a whole refund closes the line (已关闭, 交易关闭), so this one was in
        # part, by an amount only the after-sale export gives; the line stays paid, its refund of unknown size
        # (only where orders come a line per row: an export of one row per order says the whole order)
        lines_of_orders = (order_ids := _column(raw, mapping, "order_id")) is not None \
            and bool(_text(order_ids).duplicated(keep=False).any())
        said_whole = after_sale.astype("string").str.contains(_WHOLE_REFUND_WORDS, na=False)
        unsized = refunded & (frame["status"] == "paid") & frame["refund_amount"].isna() & (status is not None) \
            & lines_of_orders & ~said_whole
        refunded, partly = refunded & ~less & ~unsized, refunded & less
        frame.loc[refunded.to_numpy(), "status"] = "refunded"
        frame.loc[refunded.to_numpy(), "refund_amount"] = frame.loc[refunded.to_numpy(), "refund_amount"].fillna(
            frame.loc[refunded.to_numpy(), "pay_amount"])
        # an amount on a request the after-sale status says was refused, closed or still open (退款关闭, 退款中)
        # was not given back; 部分退款 was, in part (the order stays paid)
        frame.loc[~(refunded | partly | partial).to_numpy(), "refund_amount"] = np.nan
        bad_status = bad_status & ~refunded
    # nothing is given back on an order never paid, and nothing at all is no refund
    frame.loc[frame["status"].isin(["cancelled", "unpaid"]).to_numpy() | (frame["refund_amount"] == 0).to_numpy(),
              "refund_amount"] = np.nan
    if after_sale is not None:
        frame["partly_refunded"] = ((partial | unsized).to_numpy() & frame["refund_amount"].isna().to_numpy()
                                    & (frame["status"] == "paid").to_numpy())
    for role in ("order_id", "coupon_id", "product_id", "product_name", "category", "brand", "host_name",
                 "session_id", "source"):
        series = _column(raw, mapping, role)
        frame[role] = _text(series) if series is not None else pd.NA
    duplicate_rows = raw.df.duplicated(keep="first")
    _dated_by_order_id(frame, bad_times, report)
    frame = _drop(frame, raw, bad_times | frame["order_time"].isna(), "bad_date", report)
    frame = _drop(frame, raw, frame["order_time"] > pd.Timestamp(now), "future_date", report)
    frame = _drop(frame, raw, bad_amounts.loc[frame.index] | frame["pay_amount"].isna(), "bad_amount", report)
    frame = _drop(frame, raw, frame["customer_id"].isna() | (frame["customer_id"] == ""), "no_customer", report)
    frame = _drop(frame, raw, bad_status.loc[frame.index], "bad_status", report)
    frame = _signed_amounts(frame, raw, report)
    if _column(raw, mapping, "order_id") is None:
        # Without an order id two identical rows are two purchases (same customer, day, items and amount:
        # CDNOW has 21): kept, and counted in the report so a file pasted twice is noticed.
        repeated = int(duplicate_rows.loc[frame.index].sum())
        if repeated:
            report.note(f"{repeated:,} rows repeat an earlier row exactly; with no order id column each is kept as "
                        "its own order (remove them from the file if they are copies).",
                        f"{repeated:,} 行与前面某行完全相同；文件没有订单号列，"
                        f"每行仍按一笔订单导入（如是重复粘贴请从文件中删除）。")
        return frame
    return _drop(frame, raw, duplicate_rows.loc[frame.index], "duplicate_row", report)


def _signed_amounts(frame: pd.DataFrame, raw: RawTable, report: ImportReport) -> pd.DataFrame:
    """Zero-amount orders are purchases (福袋, 0元购, free gifts): kept and counted. A negative amount is a
    refund only where the row's status says so; without that it is a row the file does not explain."""
    refund = (frame["pay_amount"] < 0) & (frame["status"] == "refunded")
    frame.loc[refund, "pay_amount"] = -frame.loc[refund, "pay_amount"]
    frame = _drop(frame, raw, frame["pay_amount"] < 0, "negative_amount", report)
    report.zero_amount_orders += int(((frame["pay_amount"] == 0) & frame["status"].isin(["paid", "refunded"])).sum())
    return frame


def _assign_order_ids(frame: pd.DataFrame, raw: RawTable, report: ImportReport) -> pd.DataFrame:
    if frame["order_id"].isna().all():
        report.note("No order id column: each row is one order, numbered in file order.",
                    "没有订单号列：每行视为一笔订单，按文件顺序编号。")
        frame["order_id"] = [f"{raw.name}-{i + 1}" for i in range(len(frame))]
        return frame
    line_level = frame["product_name"].notna().any() or frame["product_id"].notna().any()
    if line_level:
        return frame  # several lines of one order share its id
    return _drop(frame, raw, frame["order_id"].duplicated(keep="first"), "duplicate_order_id", report)


# 拼多多 says in the status whether a refunded order had shipped: "未发货，退款成功" / "已发货，…" / "已签收，…"
_SHIPPED_STATUS = re.compile(r"^(?:已发货|已签收|已收货|待签收|待收货|已完成|交易成功|已送达)")
_UNSHIPPED_STATUS = re.compile(r"^(?:未发货|待发货|备货中|待出库)")


# a line's own shipping status (视频号 商品发货, 有赞 商品发货状态, Shopify Fulfillment Status)
_LINE_SHIPPED = re.compile(r"^(?:已发货|已签收|已收货|待收货|待签收|运输中|已揽收|派送中|已送达|shipped|fulfilled"
                           r"|delivered"
                           r"|in transit)$", re.IGNORECASE)
_LINE_UNSHIPPED = re.compile(r"^(?:未发货|待发货|备货中|待出库|无需发货|unshipped|unfulfilled|not shipped|pending)$",
                             re.IGNORECASE)


def _shipped(raw: RawTable, mapping: TableMapping, status: pd.Series | None) -> pd.Series:
    """Whether each row had shipped: the row's own shipping status where the export has one (商品发货 已发货 /
    未发货: in an order of several lines, one line may be refunded unshipped while the others went out), else a
    shipping time (发货时间), else what a status that says so tells (未发货 / 已发货 / 已签收); NA where none tells."""
    shipped = pd.Series(pd.NA, index=raw.df.index, dtype="boolean")
    if (ship_time := _column(raw, mapping, "ship_time")) is not None:
        times = parsing.parse_datetimes(_text(ship_time))[0]
        shipped = pd.Series(times.notna().to_numpy(), index=raw.df.index, dtype="boolean")
    if (ship_status := _column(raw, mapping, "ship_status")) is not None:
        said = _said_shipped(_text(ship_status), _LINE_SHIPPED, _LINE_UNSHIPPED)
        if said.notna().mean() >= 0.5:  # a column of other words (部分发货 everywhere) is not read
            return said.fillna(shipped)
    if ship_time is not None or status is None:
        return shipped
    text = _text(status)
    if not text.str.contains(r"^(?:未发货|已发货|已签收)[，,]", na=False).any():
        return shipped  # (only an export whose refunds say it: a plain 已完成 tells nothing of a refund)
    return _said_shipped(text, _SHIPPED_STATUS, _UNSHIPPED_STATUS)


def _said_shipped(text: pd.Series, shipped: re.Pattern[str], unshipped: re.Pattern[str]) -> pd.Series:
    """Shipped or not as the words say it (已发货 / 未发货), NA where they say neither."""
    said = pd.Series(pd.NA, index=text.index, dtype="boolean")
    said[text.str.contains(shipped, na=False).to_numpy()] = True
    said[text.str.contains(unshipped, na=False).to_numpy()] = False
    return said


_ORDER_LEVEL_AMOUNTS = ("pay_amount", "total_amount", "discount_amount", "coupon_amount", "refund_amount")


def _order_amounts_once(lines: pd.DataFrame, report: ImportReport) -> pd.DataFrame:
    """An export with a row per product that repeats the order's own amount on each row (视频号小店's
    订单实际支付金额): the amount is the order's, so each line carries its share, not the whole again.

    Read as repeated when nearly every order of several lines has the same amount on all of them; the
    share follows the lines' list value (unit price x quantity) where the file gives it, else is equal."""
    multi = lines[lines.duplicated("order_id", keep=False)]
    orders = multi.groupby("order_id", sort=False)
    if orders.ngroups < 5:
        return lines
    # a ¥0 line (a free gift, 赠品) takes no share; an order whose lines' prices are not all known, or are all ¥0,
    # shares equally
    weight = (lines["unit_price"] * lines["quantity"].fillna(1)).clip(lower=0)
    by_order = weight.groupby(lines["order_id"])
    unknown = by_order.transform(lambda w: w.isna().any() or not (w > 0).any())
    weight = weight.where(~unknown, 1.0)
    share = weight / weight.groupby(lines["order_id"]).transform("sum")
    repeated = []
    for column in _ORDER_LEVEL_AMOUNTS:
        values = multi[column]
        if values.isna().all():
            continue
        same = orders[column].nunique(dropna=False).eq(1)
        varied = orders[column].sum(min_count=1).fillna(0).ne(0)  # orders of 0 tell nothing
        if varied.sum() >= 5 and same[varied].mean() >= 0.95:
            whole = lines[column].groupby(lines["order_id"]).transform("first")
            parts = (whole * share).round(2)
            first = ~lines.duplicated("order_id", keep="first")  # the cents rounding leaves go to the first line
            rest = parts.groupby(lines["order_id"]).transform("sum") - parts
            lines[column] = parts.where(~first, (whole - rest).round(2))
            repeated.append(column)
    if repeated:
        report.note(f"The file repeats each order's amount ({', '.join(repeated)}) on every product row of the "
                    "order: it is counted once per order, shared across its lines.",
                    f"文件在订单的每个商品行上都重复了订单金额（{', '.join(repeated)}）：每笔订单只计一次，"
                    f"按商品行分摊。")
    return lines


def _order_status(statuses: pd.Series) -> str:
    """One order's status from its lines': paid while any line stays paid (a refunded line is then a partial
    refund, in refund_amount), refunded when every paid line was, else as the first line says."""
    values = set(statuses)
    if "paid" in values:
        return "paid"
    return "refunded" if "refunded" in values else str(statuses.iloc[0])


def _orders_from_lines(lines: pd.DataFrame) -> pd.DataFrame:
    lines = lines.assign(open_amount=lines["pay_amount"].where(lines["refund_open"], 0.0))  # the lines asked back
    # whether the goods refunded had shipped, from the refunded lines alone: a line refunded before it shipped
    # is a refund before shipping though the order's other lines went out (有赞, 视频号 per-line shipping)
    lines = lines.assign(refund_shipped=lines["shipped"].where(_refunded_lines(lines)))
    grouped = lines.groupby("order_id", sort=False)
    orders = grouped.agg(
        customer_id=("customer_id", "first"), order_time=("order_time", "min"), status=("status", _order_status),
        pay_amount=("pay_amount", "sum"), total_amount=("total_amount", "sum"),
        discount_amount=("discount_amount", "sum"), coupon_amount=("coupon_amount", "sum"),
        coupon_id=("coupon_id", "first"), session_id=("session_id", "first"), host_name=("host_name", "first"),
        source=("source", "first"), refund_amount=("refund_amount", lambda x: x.sum(min_count=1)),
        partly_refunded=("partly_refunded", "any"), refund_open=("refund_open", "any"),
        refund_open_amount=("open_amount", "sum"),
        shipped=("shipped", lambda x: x.max() if x.notna().any() else pd.NA),  # shipped when any line had
        refund_shipped=("refund_shipped", lambda x: x.max() if x.notna().any() else pd.NA),
        closed=("closed", "all"),
    ).reset_index()
    for column in ("total_amount", "discount_amount", "coupon_amount"):
        if lines[column].isna().all():
            orders[column] = np.nan
    orders["pay_amount"] = orders["pay_amount"].round(2)
    # refunds that add up to what was paid make a wholly refunded order, whatever its status column said
    whole = (orders["status"] == "paid") & (orders["pay_amount"] > 0) \
        & (orders["refund_amount"] >= orders["pay_amount"] * 0.999 - 0.01)
    orders.loc[whole, "status"] = "refunded"
    return orders


def _refunded_lines(lines: pd.DataFrame) -> pd.Series:
    """Which order lines had a completed refund, whole or in part (抖店 子订单 退款成功): the one reading behind
    a refund's timing (orders.refund_shipped) and the refunded-line count (order_items.refunded)."""
    return (lines["status"] == "refunded") | (lines["refund_amount"] > 0) \
        | lines["partly_refunded"].fillna(False).astype(bool)


def _refund_shipped_apart(orders: pd.DataFrame) -> bool:
    """Whether the refunded lines' shipping tells some refund's timing apart from its order's (kept only then)."""
    told = orders["refund_shipped"].notna() & orders["shipped"].notna()
    return bool((orders.loc[told, "refund_shipped"].astype(bool) != orders.loc[told, "shipped"].astype(bool)).any())


def _items_from_lines(lines: pd.DataFrame, products: pd.DataFrame) -> pd.DataFrame:
    keyed = lines.assign(product_key=lines["product_id"].fillna(lines["product_name"]))
    keyed = keyed[keyed["product_key"].notna()]
    items = keyed.merge(products[["product_key", "product_id"]], on="product_key", suffixes=("_raw", ""))
    items["line_no"] = items.groupby("order_id").cumcount() + 1
    items["quantity"] = items["quantity"].fillna(1).astype("int64")
    items["unit_price"] = items["unit_price"].fillna(items["pay_amount"] / items["quantity"]).round(2)
    items["refunded"] = _refunded_lines(items)  # (refunded lines are counted by it)
    # what went back on each line, where the export says (淘宝 宝贝报表 退款金额, 视频号 商品已退款金额): a product's
    # refunds and net sales count a line refunded in part at its amount, not at nothing
    line_refunds = (items["refund_amount"].fillna(0) > 0).any()
    # each line's own shipping, where an order's lines did not all go out together (有赞 商品发货状态): lines
    # still to ship are counted as lines, not as whole orders
    told = items["shipped"].notna()
    mixed = bool(told.any() and items[told].groupby("order_id")["shipped"].nunique().gt(1).any())
    if mixed:
        items["shipped"] = items["shipped"].astype("boolean")
    return items[["order_id", "line_no", "product_id", "quantity", "unit_price", "pay_amount",
                  *(["refunded"] if items["refunded"].any() else []), *(["refund_amount"] if line_refunds else []),
                  *(["shipped"] if mixed else [])]]


def _products(lines: pd.DataFrame) -> pd.DataFrame:
    keyed = lines.assign(product_key=lines["product_id"].fillna(lines["product_name"]))
    keyed = keyed[keyed["product_key"].notna()]
    products = keyed.groupby("product_key", sort=True).agg(
        product_name=("product_name", "first"), category=("category", "first"), brand=("brand", "first"),
        price=("unit_price", "median"),
    ).reset_index()
    products["product_name"] = products["product_name"].fillna(products["product_key"])
    products.insert(0, "product_id", np.arange(1, len(products) + 1, dtype="int64"))
    return products


def _hosts_and_sessions(orders: pd.DataFrame) -> tuple[pd.DataFrame | None, pd.DataFrame | None, pd.DataFrame]:
    hosts = sessions = None
    if orders["host_name"].notna().any():
        names = sorted(orders["host_name"].dropna().unique())
        hosts = pd.DataFrame({"host_id": np.arange(1, len(names) + 1, dtype="int64"), "host_name": names})
        orders = orders.merge(hosts, on="host_name", how="left")
    else:
        orders["host_id"] = pd.NA
    if orders["session_id"].notna().any():
        sessions = orders.dropna(subset=["session_id"]).groupby("session_id").agg(
            host_id=("host_id", "first"), start_time=("order_time", "min"), end_time=("order_time", "max"),
        ).reset_index()
        sessions["title"] = sessions["session_id"]
    live = orders["host_id"].notna() | orders["session_id"].notna()
    # The model's source is live or not (docs/data_model.md): a platform's own words (直播 / 短视频 / 商品卡 /
    # 搜索) become live when they name the live room, shelf (not live) otherwise
    named = orders["source"].astype("string").str.strip()
    said = np.where(named.str.contains(r"直播|(?i:live)", regex=True, na=False), "live", "shelf")
    orders["source"] = np.where(named.notna() & (named != ""), said, np.where(live, "live", "shelf"))
    return hosts, sessions, orders


_SESSION_FIGURES = (("viewers", "viewers"), ("views", "views"),
                    ("session_orders", "orders"), ("session_buyers", "buyers"), ("new_followers", "new_followers"),
                    ("pay_amount", "gmv"), ("impressions", "impressions"),
                    ("product_impressions", "product_impressions"), ("product_clickers", "product_clickers"),
                    ("session_refunds", "refund_orders"), ("refund_amount", "refund_amount"),
                    ("user_paid", "user_paid"), ("ad_spend", "ad_spend"))
SESSION_STATS_COLUMNS = ("session_id", "viewers", "views", "avg_watch_minutes", "gmv", "orders", "buyers",
                         "new_followers", "impressions", "product_impressions", "product_clickers", "refund_orders",
                         "refund_amount", "user_paid", "ad_spend", "live_minutes")


def _session_rows(raw: RawTable, mapping: TableMapping, report: ImportReport) -> pd.DataFrame:
    """A session report's rows: host, start/end, and the platform's figures for the broadcast."""
    frame = pd.DataFrame(index=raw.df.index)
    starts, bad = parsing.parse_datetimes(_column(raw, mapping, "start_time"))
    frame["start_time"] = starts
    end = _column(raw, mapping, "end_time")
    frame["end_time"] = parsing.parse_datetimes(end)[0] if end is not None else pd.NaT
    for role, column in (("host_name", "host_name"), ("session_id", "session_key")):
        series = _column(raw, mapping, role)
        frame[column] = series.astype("string").str.strip() if series is not None else pd.NA
    for role, column in _SESSION_FIGURES:
        series = _column(raw, mapping, role)
        frame[column] = parsing.parse_numbers(series)[0] if series is not None else np.nan
    for role, column, short in (("avg_watch", "avg_watch_minutes", True), ("live_minutes", "live_minutes", False)):
        series = _column(raw, mapping, role)  # the table holds minutes, whatever unit the export wrote
        header = str(mapping.roles[role].column) if role in mapping.roles else ""
        frame[column] = parsing.parse_minutes(series, header, short)[0] if series is not None else np.nan
    unit = str(mapping.roles["live_minutes"].column) if "live_minutes" in mapping.roles else "分钟"
    bare = not re.search(r"分钟|[(（]分|秒|小时|min|sec|hour", unit, re.IGNORECASE)
    if bare and frame["live_minutes"].median() > 720:
        # a bare duration whose typical broadcast would be over twelve hours is in seconds (视频号's 直播时长)
        frame["live_minutes"] = frame["live_minutes"] / 60
    # a report with the time on air but no end: the end is the start plus it (orders are linked by it)
    ends = frame["start_time"] + pd.to_timedelta(frame["live_minutes"] * 60, "s").dt.round("s")
    frame["end_time"] = pd.to_datetime(frame["end_time"]).fillna(ends).astype(frame["start_time"].dtype)
    return _drop(frame, raw, bad | frame["start_time"].isna(), "bad_date", report)


def _report_sessions(parts: list[pd.DataFrame], orders: pd.DataFrame | None,
                     hosts: pd.DataFrame | None
                     ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame | None]:
    """live_sessions, session_stats and hosts from session reports; the orders placed during a session by
    its host get its session_id (the report and the order export describe the same broadcasts)."""
    sessions = pd.concat(parts, ignore_index=True).sort_values("start_time", kind="stable").reset_index(drop=True)
    names = sorted(set(sessions["host_name"].dropna()) | set(hosts["host_name"] if hosts is not None else []))
    hosts = pd.DataFrame({"host_id": np.arange(1, len(names) + 1, dtype="int64"), "host_name": names})
    sessions = sessions.merge(hosts, on="host_name", how="left")
    keys = sessions["session_key"]
    numeric = pd.to_numeric(keys, errors="coerce")
    if keys.notna().all() and numeric.notna().all() and numeric.is_unique:
        sessions["session_id"] = numeric.astype("int64")
    else:
        sessions["session_id"] = np.arange(1, len(sessions) + 1, dtype="int64")
    day = sessions["start_time"].dt.strftime("%Y-%m-%d %H:%M")
    sessions["title"] = sessions["host_name"].fillna("") + " " + day
    stats = sessions[list(SESSION_STATS_COLUMNS)].copy()
    live = sessions[["session_id", "host_id", "title", "start_time", "end_time"]].copy()
    if orders is not None and "host_name" in orders:
        orders = orders.drop(columns=["host_id"], errors="ignore").merge(hosts, on="host_name", how="left")
        orders["session_id"] = pd.array([pd.NA] * len(orders), dtype="Int64")
        for row in live.dropna(subset=["end_time"]).itertuples(index=False):
            during = ((orders["host_id"] == row.host_id) & (orders["order_time"] >= row.start_time)
                      & (orders["order_time"] <= row.end_time) & orders["session_id"].isna())
            orders.loc[during, "session_id"] = row.session_id
        orders["source"] = np.where(orders["session_id"].notna(), "live", orders["source"])
    return live, stats, hosts, orders


def _customer_attributes(raw: RawTable, mapping: TableMapping, keys: pd.Series) -> pd.DataFrame:
    frame = pd.DataFrame({"customer_id": keys})
    for role in ("nickname", "province", "city", "channel"):
        series = _column(raw, mapping, role)
        if series is not None:
            frame[role] = series.astype("string").str.strip()
    if "province" not in frame and (address := _column(raw, mapping, "address")) is not None:
        frame["province"] = parsing.province_of_address(address)  # (淘宝 收货地址 starts with it)
    if (phone := _column(raw, mapping, "phone")) is not None:
        frame["phone"] = parsing.normalise_phone(phone)
    if (gender := _column(raw, mapping, "gender")) is not None:
        frame["gender"] = parsing.parse_gender(gender)
    if (band := _column(raw, mapping, "age_band")) is not None:
        frame["age_band"] = parsing.age_band(band)
    elif (age := _column(raw, mapping, "age")) is not None:
        frame["age_band"] = parsing.age_band(parsing.parse_numbers(age)[0])
    if (signup := _column(raw, mapping, "signup_time")) is not None:
        frame["signup_time"] = parsing.parse_datetimes(signup)[0]
    return frame


def _customers(parts: list[pd.DataFrame], order_customers: pd.Series) -> pd.DataFrame:
    everyone = pd.DataFrame({"customer_id": order_customers.dropna().unique()})
    if parts:
        attributes = pd.concat(parts, ignore_index=True).dropna(subset=["customer_id"])
        attributes = attributes.groupby("customer_id", sort=False).first().reset_index()
        everyone = attributes.merge(everyone, on="customer_id", how="outer")
    keep = ["customer_id", *[c for c in CUSTOMER_ATTRIBUTES if c in everyone and everyone[c].notna().any()]]
    return everyone[keep].sort_values("customer_id").reset_index(drop=True)


def build_dataset(
    raws: list[RawTable], mappings: list[TableMapping], now: datetime | None = None
) -> tuple[dict[str, pd.DataFrame], ImportReport]:
    """Canonical tables from mapped raw tables; only an orders table is required."""
    report = ImportReport(rows_read=sum(len(r.df) for r in raws))
    report.personal_columns = {
        raw.source: set(mapping.personal) | {m.column for role, m in mapping.roles.items() if role in PERSONAL_ROLES}
        for raw, mapping in zip(raws, mappings)}
    now = now or datetime.now()
    raws, mappings = join_companions(raws, mappings, report.note)
    lines_parts, customer_parts, session_parts = [], [], []
    for raw, mapping in zip(raws, mappings):
        if mapping.kind == "live_sessions" and "start_time" in mapping.roles:
            session_parts.append(_session_rows(raw, mapping, report))
            continue
        if mapping.kind == "orders":
            typed = _assign_order_ids(_typed_order_rows(raw, mapping, report, now), raw, report)
            lines_parts.append(typed)
            customer_parts.append(_customer_attributes(raw, mapping, typed["customer_id"]).loc[typed.index])
        elif mapping.kind == "customers":
            keys = _customer_key(raw, mapping, report)
            if keys is not None:
                customer_parts.append(_customer_attributes(raw, mapping, keys))
    if not lines_parts:
        if not session_parts:
            return {}, report
        live, stats, hosts, _ = _report_sessions(session_parts, None, None)
        tables = {"hosts": hosts, "live_sessions": live, "session_stats": stats}
        report.rows_loaded = {name: len(frame) for name, frame in tables.items()}
        report.note("A live-session report on its own: hosts and sessions with the platform's figures (viewers, "
                    "watch time, GMV, orders); customer and order questions need an order export too.",
                    "只导入了直播场次报表：主播和场次及平台统计（观看、时长、成交额、订单）；客户和订单类问题还需要订单导出。")
        return tables, report
    lines = pd.concat(lines_parts, ignore_index=True)
    lines = _order_amounts_once(lines, report)
    orders = _orders_from_lines(lines)
    _check_key_plausible(orders, report)
    report.refunded_orders = int((orders["status"] == "refunded").sum())
    tables: dict[str, pd.DataFrame] = {}
    if lines["product_name"].notna().any() or lines["product_id"].notna().any():
        tables["products"] = _products(lines)
        tables["order_items"] = _items_from_lines(lines, tables["products"])
        tables["products"] = tables["products"].drop(columns=["product_key"])
    hosts, sessions, orders = _hosts_and_sessions(orders)
    if session_parts:  # the report's sessions replace ones inferred from orders, and join them by host and time
        sessions = None
        live, stats, hosts, orders = _report_sessions(session_parts, orders, hosts)
        tables["live_sessions"], tables["session_stats"] = live, stats
        matched = int(orders["session_id"].notna().sum())
        report.note(f"{matched:,} orders fall inside a reported session of their host and are linked to it.",
                    f"{matched:,} 笔订单落在其主播某场直播的时间内，已关联到该场次。")
    if hosts is not None:
        tables["hosts"] = hosts
    if sessions is not None:
        tables["live_sessions"] = sessions[["session_id", "host_id", "title", "start_time", "end_time"]]
    # a refund amount is kept where the export gave one (a refund column, or refunded lines of a paid order):
    # a paid order with one was partly refunded; the metrics read it only when the column is there
    unknown = orders["partly_refunded"] & orders["refund_amount"].isna() & (orders["status"] == "paid")
    partial = (orders["refund_amount"].notna() | unknown) & (orders["status"] == "paid")
    columns = list(ORDER_COLUMNS) + (["refund_amount"] if orders["refund_amount"].notna().any() or unknown.any()
                                     else []) + (["partly_refunded"] if unknown.any() else []) \
        + (["shipped"] if orders["shipped"].notna().any() else []) \
        + (["refund_shipped"] if _refund_shipped_apart(orders) else []) \
        + (["refund_open", "refund_open_amount"] if orders["refund_open"].any() else [])
    # a whole refund the platform shows as a closed order (视频号 已取消, 淘宝 交易关闭 after payment)
    orders["closed_after_payment"] = orders["closed"].astype(bool) & (orders["status"] == "refunded")
    columns += ["closed_after_payment"] if orders["closed_after_payment"].any() else []
    orders["shipped"] = orders["shipped"].astype("boolean")
    orders["refund_shipped"] = orders["refund_shipped"].astype("boolean")
    orders["partly_refunded"] = unknown
    tables["orders"] = orders[columns].sort_values(["order_time", "order_id"]).reset_index(drop=True)
    tables["customers"] = _customers(customer_parts, orders["customer_id"])
    report.rows_loaded = {name: len(frame) for name, frame in tables.items()}
    if report.zero_amount_orders:
        report.note(f"{report.zero_amount_orders:,} zero-amount orders (free gifts, 福袋, 0元购) are kept: they count "
                    "as orders and buyers and add nothing to GMV.",
                    f"{report.zero_amount_orders:,} 笔零元订单（"
                    f"赠品、福袋、0元购）已保留：计入订单数和购买人数，不增加GMV。")
    report.partially_refunded_orders = int(partial.sum())
    known = partial & ~unknown  # (those with an amount; the rest are said apart below)
    if known.any():
        report.note(f"{int(known.sum()):,} paid orders were partly refunded (a refunded line, or a refund amount "
                    f"below the order's): they stay paid orders; their refund amount "
                    f"(¥{orders.loc[known, 'refund_amount'].sum():,.2f}) counts in refunds, the refund rate and net "
                    "sales.",
                    f"{int(known.sum()):,} 笔已支付订单有部分退款（某个商品退款或退款金额小于订单金额）："
                    f"仍按已支付订单计，"
                    f"退款金额（¥{orders.loc[known, 'refund_amount'].sum():,.2f}）计入退款金额、退款率和净销售额。")
    if unknown.any():
        report.note(f"{int(unknown.sum()):,} paid orders are marked partly refunded with no amount in the export "
                    "(部分退款成功, or 退款成功 on a line whose status stayed 已完成/已发货): they stay paid orders "
                    "and count as partial refunds in the refund rate; the refund amount and net sales leave them out "
                    "(answers say so; an after-sale export uploaded with the orders gives the amounts).",
                    f"{int(unknown.sum()):,} 笔已支付订单有部分退款但导出里没有退款金额"
                    "（部分退款成功，或某行售后退款成功而订单状态仍为已完成/已发货）：仍按已支付订单计，"
                    "计入部分退款和退款率；退款金额和净销售额不含它们（回答里会注明；与订单一起上传售后单导出即可得到金额）。")
    if report.refunded_orders:
        report.note(f"{report.refunded_orders:,} orders are marked refunded: they count in the refund rate, "
                    "not as completed purchases.",
                    f"{report.refunded_orders:,} 笔订单为已退款：计入退款率，不计为完成的购买。")
    return tables, report
