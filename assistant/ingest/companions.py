"""Exports that only make sense beside another one, uploaded together, joined to it by order id.

Platforms split an order across files: 淘宝's order list (ExportOrderList: the buyer, the payment) and its
order detail (ExportOrderDetailList: one row per 宝贝); 抖店's order export and its after-sale export (售后单:
what was refunded). A file of orders with no buyer in it whose order ids are (mostly) another file's is
such a companion:

- **detail lines** (it names products): each line takes its order's buyer and order fields from the other
  file, and the lines stand for those orders (orders the detail lacks stay as the other file has them);
- **after-sale records** (it says how an after-sale ended): the refunds completed are added to their
  orders (or order lines, when both files carry the line id) as refund amounts.

Anything else is left as it is, and is imported (or rejected) on its own.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from assistant.ingest import parsing
from assistant.ingest.mapping import BUYER_PHONE_HEADER, CUSTOMER_KEY_ROLES
from assistant.ingest.types import ColumnMatch, RawTable, TableMapping

_LINE_ROLES = ("product_id", "product_name", "quantity", "unit_price", "category", "brand")
_AFTER_SALE_HEADER = re.compile(r"售后单号|售后类型|售后申请|退款申请|售后原因|after[- ]?sale|return request"
                                r"|refund request",
                                re.IGNORECASE)
_REFUND_AMOUNT_HEADER = re.compile(r"^(?:退款金额|实际退款金额|退商品金额|退款总额|售后退款金额)|refund(?:ed)? amount",
                                   re.IGNORECASE)
_MIN_OVERLAP = 0.5  # share of a companion's order ids the other file must have
_ALL_BUT_A_FEW = 0.95  # ...and of a file of lines naming buyers of its own, read as another file's detail
# When an order was placed and paid is the order file's to say (有赞's 商品维度 export has only 交易成功时间)
_ORDER_TIMES = ("order_time", "pay_time")
_ID_HEADER = re.compile(r"单号|编号|(?<![a-z])id(?![a-z])", re.IGNORECASE)


def _name(raw: RawTable) -> str:
    return Path(raw.source.split("#")[0]).name


def _ids(raw: RawTable, column: str) -> pd.Series:
    return raw.df[column].astype("string").str.strip().str.lstrip("=").str.strip('"\t ')


def _has_buyer(raw: RawTable, mapping: TableMapping) -> bool:
    """Whether the file says who bought: a buyer column with values in it (淘宝's item report has an empty
    联系方式备注, which names no one)."""
    def filled(column: str) -> bool:
        values = raw.df[column].astype("string").str.strip()
        return bool((values.notna() & (values != "") & (values != "-")).mean() >= 0.1)

    return any(filled(mapping.roles[r].column) for r in CUSTOMER_KEY_ROLES if r in mapping.roles) \
        or any(BUYER_PHONE_HEADER.search(str(c)) and filled(c) for c in raw.df.columns)


def _line_id_pair(companion: RawTable, primary: RawTable, skip: set[str]) -> tuple[str, str] | None:
    """A line id both files carry (抖店 商品单号 / 子订单编号), found by the values they share."""
    for c_col in companion.df.columns:
        if c_col in skip or not _ID_HEADER.search(str(c_col)):
            continue
        values = set(_ids(companion, c_col).dropna())
        if len(values) < 3:
            continue
        for p_col in primary.df.columns:
            if _ID_HEADER.search(str(p_col)):
                shared = _ids(primary, p_col).isin(values)
                if shared.sum() >= 0.5 * len(values) and _ids(primary, p_col).is_unique:
                    return c_col, p_col
    return None


def _add_refunds(companion: RawTable, cmap: TableMapping, primary: RawTable, pmap: TableMapping,
                 note: Callable[[str, str], None]) -> tuple[RawTable, TableMapping] | None:
    amount_col = next((c for c in companion.df.columns if _REFUND_AMOUNT_HEADER.search(str(c))), None)
    status = cmap.roles.get("after_sale")
    if amount_col is None or status is None:
        return None
    amounts = parsing.parse_numbers(companion.df[amount_col])[0].abs()
    done = pd.concat(parsing.refund_states(companion.df[status.column]), axis=1).any(axis=1)
    refunds = amounts.where(done.to_numpy(), 0.0)
    c_order, p_order = cmap.roles["order_id"].column, pmap.roles["order_id"].column
    pair = _line_id_pair(companion, primary, {c_order})
    frame = primary.df.copy()
    column = "退款金额（售后单）"
    if pair is not None:  # line by line: each refunded line carries its own amount
        by_line = refunds.groupby(_ids(companion, pair[0]).to_numpy()).sum()
        frame[column] = _ids(primary, pair[1]).map(by_line).astype(float).to_numpy()
    else:  # order by order: the order's refunds on its first row only, so they are counted once
        by_order = refunds.groupby(_ids(companion, c_order).to_numpy()).sum()
        first = ~_ids(primary, p_order).duplicated()
        frame[column] = np.where(first, _ids(primary, p_order).map(by_order).astype(float), np.nan)
    frame[column] = frame[column].where(frame[column] > 0)
    roles = dict(pmap.roles)
    roles["refund_amount"] = ColumnMatch(column, 0.9, f"refunds completed in {_name(companion)}")
    # the after-sale file says which refunds were completed, not the order file; the order file's status still
    # tells which requests are open (待商家处理): kept for that alone (build's open_request)
    if (said := roles.pop("after_sale", None)) is not None:
        roles["open_request"] = ColumnMatch(said.column, said.confidence, "open after-sale requests")
    n, total = int(done.sum()), float(refunds.sum())
    note(f"{len(companion.df):,} after-sale records of {_name(companion)} are joined to the orders by "
         f"{'line' if pair else 'order'} id: {n:,} completed refunds (¥{total:,.2f}) count as refunds.",
         f"{_name(companion)} 的 {len(companion.df):,} 条售后记录已按{'商品单号' if pair else '订单号'}关联到订单："
         f"{n:,} 笔退款成功（¥{total:,.2f}）计为退款。")
    return (RawTable(primary.name, frame, primary.source, primary.encoding, primary.delimiter, primary.header_row,
                     list(primary.notes)),
            TableMapping(pmap.raw_name, pmap.kind, roles, list(pmap.unmapped), list(pmap.personal)))


def _add_buyers(companion: RawTable, cmap: TableMapping, primary: RawTable, pmap: TableMapping,
                note: Callable[[str, str], None]) -> tuple[RawTable, TableMapping, RawTable] | None:
    """Detail lines with their order's buyer and order fields; and the primary's orders the detail lacks."""
    c_order, p_order = cmap.roles["order_id"].column, pmap.roles["order_id"].column
    taken = {role: match for role, match in pmap.roles.items()
             if (role not in cmap.roles or role in _ORDER_TIMES) and role not in _LINE_ROLES and role != "order_id"}
    if not any(r in taken for r in CUSTOMER_KEY_ROLES) and not any(r in pmap.roles for r in CUSTOMER_KEY_ROLES):
        return None
    # the buyer always comes from the order file: a detail row's own copy of it (if any) is not the buyer's key,
    # nor are its receiver fields (有赞's 商品维度 export names the parcel's 收货人, the order export the buyer)
    for role in CUSTOMER_KEY_ROLES:
        if role in pmap.roles:
            taken[role] = pmap.roles[role]
    own_keys = [r for r in (*CUSTOMER_KEY_ROLES, "address") if r in cmap.roles and r not in taken]
    right = primary.df[[p_order, *dict.fromkeys(m.column for m in taken.values())]].copy()
    right = right.assign(_key=_ids(primary, p_order)).drop_duplicates("_key")
    renamed = {m.column: f"{m.column}（订单）" for m in taken.values()}
    right = right.drop(columns=[p_order]).rename(columns=renamed)
    frame = companion.df.assign(_key=_ids(companion, c_order)).merge(right, on="_key", how="left").drop(columns="_key")
    frame.index = companion.df.index
    for role in _ORDER_TIMES:  # a line whose order the order file lacks keeps its own time, where it has one
        if role in cmap.roles and role in taken:
            column = renamed[taken[role].column]
            frame[column] = frame[column].where(frame[column].notna(), companion.df[cmap.roles[role].column])
    roles = {r: m for r, m in cmap.roles.items() if r not in own_keys}
    for role, match in taken.items():
        roles[role] = ColumnMatch(renamed[match.column], match.confidence, f"{match.reason} (from {_name(primary)})")
    rest = primary.df[~_ids(primary, p_order).isin(set(_ids(companion, c_order)))]
    note(f"{_name(companion)} lists the products of {_name(primary)}'s orders: its {len(companion.df):,} lines are "
         f"joined to them by order id and take each order's buyer ({len(rest):,} orders without lines stay as "
         "the order file has them).",
         f"{_name(companion)} 是 {_name(primary)} 订单的商品明细：{len(companion.df):,} 行已按订单号关联，"
         f"并取各订单的买家（没有明细的 {len(rest):,} 笔订单按订单文件导入）。")
    joined = RawTable(companion.name, frame, companion.source, companion.encoding, companion.delimiter,
                      companion.header_row, list(companion.notes))
    left = RawTable(primary.name, rest, primary.source, primary.encoding, primary.delimiter, primary.header_row,
                    list(primary.notes))
    return joined, TableMapping(cmap.raw_name, "orders", roles, list(cmap.unmapped), list(cmap.personal)), left


def _lines_of(table: list[Any], whole_orders: list[list[Any]]) -> bool:
    """Whether a file lists the product lines (several rows to some order) of another file's whole orders."""
    raw, mapping = table
    ids = _ids(raw, mapping.roles["order_id"].column).dropna()
    if ids.empty or ids.is_unique or not any(r in mapping.roles for r in ("product_id", "product_name")):
        return False
    # (nearly all of them: a file of lines with buyers of its own whose orders the other file only partly lists
    # is orders of its own, not a detail)
    return any(ids.isin(set(_ids(t[0], t[1].roles["order_id"].column))).mean() >= _ALL_BUT_A_FEW
               for t in whole_orders if t is not table)


def join_companions(raws: list[RawTable], mappings: list[TableMapping],
                    note: Callable[[str, str], None]) -> tuple[list[RawTable], list[TableMapping]]:
    """The tables to import, with each companion joined to the order file it belongs to."""
    tables: list[list[Any]] = [[r, m] for r, m in zip(raws, mappings)]
    orders = [t for t in tables if t[1].kind == "orders" and "order_id" in t[1].roles]
    primaries = [t for t in orders if _has_buyer(t[0], t[1])]
    # a companion may not look like orders on its own (an after-sale file has no order time or amount)
    candidates = [t for t in tables if t[1].kind in ("orders", "unknown") and "order_id" in t[1].roles]
    # ...and a file of product lines beside one of whole orders is their detail, though it names a receiver
    # (有赞 订单维度 + 商品维度: the same orders, the buyer in one and the products in the other)
    whole_orders = [t for t in primaries if _ids(t[0], t[1].roles["order_id"].column).dropna().is_unique]
    if whole_orders:
        primaries = [t for t in primaries if t in whole_orders or not _lines_of(t, whole_orders)]
    emptied: list[list[Any]] = []
    for companion in [t for t in candidates if t not in primaries]:
        craw, cmap = companion
        ids = _ids(craw, cmap.roles["order_id"].column).dropna()
        if ids.empty:
            continue
        best = max(primaries, default=None,
                   key=lambda t: ids.isin(set(_ids(t[0], t[1].roles["order_id"].column))).mean())
        if best is None or ids.isin(set(_ids(best[0], best[1].roles["order_id"].column))).mean() < _MIN_OVERLAP:
            continue
        if any(_AFTER_SALE_HEADER.search(str(c)) for c in craw.df.columns):
            joined = _add_refunds(craw, cmap, best[0], best[1], note)
            if joined is not None:
                best[0], best[1] = joined
                tables.remove(companion)
        elif any(role in cmap.roles for role in ("product_id", "product_name")):
            lines = _add_buyers(craw, cmap, best[0], best[1], note)
            if lines is not None:
                companion[0], companion[1], best[0] = lines
                primaries.append(companion)
                emptied.append(best)
    # an order file whose every order has its lines in a detail file has nothing left of its own to import
    tables = [t for t in tables if t not in emptied or len(t[0].df)]
    return [t[0] for t in tables], [t[1] for t in tables]
