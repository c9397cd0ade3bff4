"""product_associations: which products (or categories) are bought together in the same paid order.

Market-basket measures, all computed in DuckDB over order_items joined to paid orders:
support(A,B) = orders with both / all paid orders with lines; confidence(A->B) = orders with both /
orders with A; lift = confidence(A->B) / support(B) = P(A and B) / (P(A) P(B)).
Pairs come from a self-join on order_id with a.item < b.item, so each unordered pair is counted once.
"""

from __future__ import annotations

import difflib
import re
from typing import Literal

import pandas as pd

from tools import catalog, fmt
from tools.context import Context
from tools.registry import tool
from tools.result import ChartSpec, Table, ToolError, ToolResult
from tools.timewindow import Window

Level = Literal["product", "category"]

DEFAULT_MIN_SUPPORT = 0.001
# For "who bought X also bought", a co-purchased item needs at least this many shared orders.
MIN_PAIR_ORDERS_FOR_PRODUCT = 10

# English words for the demo catalogue's Chinese product names (the product table has no English
# names); a question in English such as "what goes with the face mask?" resolves through these.
_GLOSSARY: dict[str, list[str]] = {
    "face mask": ["面膜"], "sheet mask": ["面膜"], "mask": ["面膜", "发膜"], "hair mask": ["发膜"],
    "hyaluronic": ["玻尿酸"], "serum": ["精华"], "essence": ["精华"], "cleanser": ["洁面"],
    "toner": ["爽肤水"], "body lotion": ["身体乳"], "sunscreen": ["防晒霜"], "lipstick": ["口红"],
    "bb cream": ["BB霜"], "cushion": ["气垫"], "eye cream": ["眼霜"], "makeup remover": ["卸妆"],
    "face cream": ["面霜"], "cream": ["面霜", "眼霜", "护手霜"], "eyeshadow": ["眼影"],
    "powder": ["散粉"], "shampoo": ["洗发水"], "conditioner": ["护发素"], "shower gel": ["沐浴露"],
    "body wash": ["沐浴露"], "toothpaste": ["牙膏"], "toothbrush head": ["牙刷刷头"],
    "electric toothbrush": ["电动牙刷"], "toothbrush": ["牙刷"], "laundry pods": ["洗衣凝珠"],
    "hand wash": ["洗手液"], "laundry detergent": ["洗衣液"], "hand cream": ["护手霜"],
    "mouthwash": ["漱口水"], "scrub": ["磨砂膏"], "dry shampoo": ["干发喷雾"],
    "sanitary pads": ["卫生巾"], "razor": ["剃须刀"], "t-shirt": ["T恤"], "tshirt": ["T恤"],
    "trousers": ["阔腿裤"], "pants": ["阔腿裤", "瑜伽裤"], "bra": ["无痕内衣"],
    "underwear": ["无痕内衣", "内裤"], "panties": ["内裤"], "seamless": ["无痕"],
    "sweater": ["针织衫"], "down jacket": ["羽绒服"], "yoga pants": ["瑜伽裤"], "socks": ["袜"],
    "pajamas": ["睡衣"], "dress": ["连衣裙"], "denim jacket": ["牛仔外套"], "thermal": ["保暖内衣"],
    "sneakers": ["帆布鞋"], "scarf": ["围巾", "丝巾"], "drip coffee": ["挂耳咖啡"],
    "cold brew": ["冷萃咖啡"], "coffee": ["咖啡"], "cookie": ["曲奇"], "cookies": ["曲奇"],
    "butter cookies": ["黄油曲奇"], "nuts": ["坚果"], "river snail": ["螺蛳粉"], "luosifen": ["螺蛳粉"],
    "hot pot": ["火锅"], "hotpot": ["火锅"], "beef jerky": ["牛肉干"], "oatmeal": ["燕麦"],
    "oats": ["燕麦"], "dried fruit": ["冻干水果"], "bread": ["面包"], "sparkling water": ["气泡水"],
    "milk": ["牛奶"], "yogurt": ["酸奶"], "snacks": ["辣条"], "tea": ["花果茶"], "diaper": ["纸尿裤"],
    "diapers": ["纸尿裤"], "nappies": ["纸尿裤"], "baby wipes": ["婴儿湿巾"], "wipes": ["湿巾"],
    "formula": ["奶粉"], "milk powder": ["奶粉"], "rice cereal": ["米粉"], "diaper cream": ["护臀膏"],
    "play mat": ["爬行垫"], "bottle": ["奶瓶"], "breast pump": ["吸奶器"], "picture books": ["绘本"],
    "cotton towels": ["棉柔巾"], "pillow": ["枕"], "bedding": ["四件套"], "tissues": ["抽纸"],
    "trash bags": ["垃圾袋"], "storage box": ["收纳箱"], "candle": ["蜡烛"], "pan": ["不粘锅"],
    "thermos": ["保温杯"], "bean bag": ["懒人沙发"], "hangers": ["衣架"], "towel": ["浴巾"],
    "slippers": ["拖鞋"], "air fryer paper": ["空气炸锅纸"], "air fryer": ["空气炸锅"],
    "diffuser": ["扩香"], "phone case": ["手机壳"], "case": ["手机壳"],
    "screen protector": ["钢化膜"], "tempered glass": ["钢化膜"], "earbuds": ["耳机"],
    "headphones": ["耳机"], "earphones": ["耳机"], "charger": ["充电器"], "power bank": ["充电宝"],
    "fitness band": ["手环"], "smart band": ["手环"], "hair dryer": ["吹风机"],
    "robot vacuum": ["扫地机器人"], "speaker": ["音箱"], "cable": ["数据线"], "tablet": ["平板电脑"],
    "curling iron": ["卷发棒"], "fan": ["风扇"], "necklace": ["项链"], "earrings": ["耳钉", "耳环"],
    "bracelet": ["手链", "手镯"], "bangle": ["手镯"], "hair clips": ["发夹"], "sunglasses": ["太阳镜"],
    "watch": ["手表"], "belt": ["腰带"], "ring": ["戒指"], "scrunchies": ["发圈"],
    "beauty": ["美妆护肤"], "skincare": ["美妆护肤"], "personal care": ["个护清洁"],
    "clothing": ["服饰内衣"], "apparel": ["服饰内衣"], "food": ["食品饮料"], "drinks": ["食品饮料"],
    "baby": ["母婴用品"], "home": ["家居日用"], "household": ["家居日用"], "electronics": ["数码家电"],
    "digital": ["数码家电"], "jewelry": ["珠宝配饰"], "jewellery": ["珠宝配饰"],
    "accessories": ["珠宝配饰"],
}



def baskets_sql(level: str, window: Window) -> str:
    """One row per (paid order, item); item = product_id or category."""
    statuses = ", ".join(f"'{s}'" for s in catalog.load("metrics")["paid_statuses"])
    conditions = [f"o.status IN ({statuses})"]
    if window.start:
        conditions.append(f"CAST(o.order_time AS DATE) >= DATE '{window.start}'")
    if window.end:
        conditions.append(f"CAST(o.order_time AS DATE) <= DATE '{window.end}'")
    if level == "category":
        item, join = "p.category", "JOIN products p ON p.product_id = i.product_id"
    else:
        item, join = "i.product_id", ""
    return (
        f"SELECT DISTINCT i.order_id, {item} AS item\n"
        f"  FROM order_items i JOIN orders o ON o.order_id = i.order_id {join}\n"
        f"  WHERE {' AND '.join(conditions)}"
    )


def pairs_sql(level: str, window: Window) -> str:
    """Every unordered pair bought together at least once, with support, confidence and lift."""
    if level == "category":
        names = "a_item AS item_a, b_item AS item_b, a_item AS name_a, b_item AS name_b"
        joins = ""
    else:
        names = ("a_item AS item_a, b_item AS item_b, pa.product_name AS name_a, pb.product_name AS name_b, "
                 "pa.category AS category_a, pb.category AS category_b")
        joins = ("LEFT JOIN products pa ON pa.product_id = a_item "
                 "LEFT JOIN products pb ON pb.product_id = b_item")
    return f"""WITH baskets AS (
  {baskets_sql(level, window)}
),
total AS (SELECT count(DISTINCT order_id) AS n FROM baskets),
items AS (SELECT item, count(*) AS orders FROM baskets GROUP BY item),
pairs AS (
  SELECT a.item AS a_item, b.item AS b_item, count(*) AS pair_orders
  FROM baskets a JOIN baskets b ON a.order_id = b.order_id AND a.item < b.item
  GROUP BY 1, 2
)
SELECT {names},
  ia.orders AS orders_a, ib.orders AS orders_b, pair_orders, total.n AS total_orders,
  pair_orders / total.n AS support,
  pair_orders / ia.orders AS confidence_a_to_b,
  pair_orders / ib.orders AS confidence_b_to_a,
  pair_orders * total.n / (ia.orders * ib.orders) AS lift
FROM pairs
JOIN items ia ON ia.item = a_item
JOIN items ib ON ib.item = b_item
CROSS JOIN total
{joins}"""


_MODEL_WORDS = {"pro", "max", "plus", "mini", "ultra", "lite", "se", "air", "prime", "turbo"}


def _match_terms(text: str) -> list[str]:
    """The search terms for a product phrase: itself, plus Chinese words for English phrases."""
    terms = [text]
    lowered = f" {text.lower()} "
    found: list[str] = []
    for english in sorted(_GLOSSARY, key=len, reverse=True):
        if re.search(rf"(?<![a-z]){re.escape(english)}(?![a-z])", lowered):
            found += _GLOSSARY[english]
            lowered = lowered.replace(english, " ")
    # "Bluetooth earbuds Pro", "air fryer X20": a model word the glossary does not translate stays part of
    # the name, so the phrase matches only a product that has it too (never a plain 蓝牙耳机).
    rest = "".join(w for w in re.findall(r"[a-z0-9]+", lowered) if w in _MODEL_WORDS or re.search(r"\d", w))
    terms += [f"{term}{rest}" for term in found]
    return list(dict.fromkeys(t for t in terms if t.strip()))


def _resolve_items(ctx: Context, product: str, level: str) -> tuple[list, list[str]]:
    """Item keys (product ids or categories) whose name contains the phrase; ToolError if none."""
    wh = ctx.warehouse
    catalogue = wh.df("SELECT product_id, product_name, category FROM products ORDER BY product_id")
    phrase = product.strip()
    for term in _match_terms(phrase):
        needle = term.lower()
        by_name = catalogue[catalogue["product_name"].str.lower().str.contains(needle, regex=False)]
        by_category = catalogue[catalogue["category"].str.lower().str.contains(needle, regex=False)]
        if level == "category":
            chosen = by_category if not by_category.empty else by_name
            if not chosen.empty:
                cats = list(dict.fromkeys(chosen["category"]))
                return cats, cats
        elif not by_name.empty:
            return list(by_name["product_id"]), list(by_name["product_name"])
    names = list(catalogue["product_name"])
    close = difflib.get_close_matches(phrase, names, n=5, cutoff=0.3)
    if len(close) < 5:  # Chinese phrases: also names sharing characters with the phrase
        shared = sorted(names, key=lambda n: -len(set(n) & set(phrase)))
        close += [n for n in shared if set(n) & set(phrase) and n not in close][: 5 - len(close)]
    if not close:
        close = names[:5]
    listed_en, listed_zh = ", ".join(close), "、".join(close)
    raise ToolError(
        "unknown_product",
        f"No product matches '{phrase}'. Close product names: {listed_en}.",
        f"没有找到与“{phrase}”匹配的商品。相近的商品：{listed_zh}。",
    )


@tool
def product_associations(
    ctx: Context,
    product: str | None = None,
    min_support: float | None = None,
    limit: int = 10,
    level: Level = "product",
    period: str | None = None,
) -> ToolResult:
    """Which products are bought together? Basket pairs (support, confidence, lift) or "who bought X also bought".

    Past co-purchases; picking products for a customer or segment is recommend_products.
    Args:
        product: product name or part, zh/en (e.g. "面膜"); default none = strongest pairs overall.
        min_support: smallest pair support (share of orders); default 0.001, or 10+ orders with a product.
        limit: pairs returned (default 10).
        level: product (default) | category.
        period: period token (e.g. "last_90_days", "2025"); default all.
    Example: "买了面膜的人还会买什么？" -> {"product": "面膜"};
        "Which categories sell together?" -> {"level": "category"}
    """
    wh = ctx.warehouse
    wh.require_tables("orders", "order_items", "products")
    if limit < 1 or limit > 200:
        raise ToolError("bad_arguments", "limit must be between 1 and 200.", "limit 须在 1 到 200 之间。")
    if min_support is not None and not 0 <= min_support < 1:
        raise ToolError("bad_arguments", "min_support must be between 0 and 1 (e.g. 0.001).",
                        "min_support 须在 0 到 1 之间（例如 0.001）。")
    window = ctx.window(period)
    base_sql = pairs_sql(level, window)
    params = {"level": level, "window": {"start": str(window.start) if window.start else None,
                                         "end": str(window.end) if window.end else None,
                   "label": {"zh": window.label_zh, "en": window.label_en}}}
    if product and product.strip():
        keys, matched = _resolve_items(ctx, product, level)
        params["matched"] = matched
        return _for_product(ctx, base_sql, keys, matched, min_support, limit, level, window, params)
    support = DEFAULT_MIN_SUPPORT if min_support is None else min_support
    params["min_support"] = support
    sql = (f"{base_sql}\nWHERE pair_orders / total.n >= {float(support)!r}\n"
           f"ORDER BY lift DESC, support DESC\nLIMIT {int(limit)}")
    frame = wh.df(sql)
    total_orders = _total_orders(ctx, level, window)
    table = _pairs_table(frame, level)
    return _overview_result(ctx, table, sql, params, support, level, window, total_orders)


def _total_orders(ctx: Context, level: str, window: Window) -> int:
    value = ctx.warehouse.scalar(f"SELECT count(DISTINCT order_id) FROM ({baskets_sql(level, window)})")
    return int(value or 0)


def _pairs_table(frame: pd.DataFrame, level: str) -> pd.DataFrame:
    table = pd.DataFrame({
        "pair": [f"{a} + {b}" for a, b in zip(frame["name_a"], frame["name_b"], strict=True)],
        "item_a": frame["name_a"], "item_b": frame["name_b"],
    })
    if level == "product":
        table["product_id_a"] = frame["item_a"].astype("Int64")
        table["product_id_b"] = frame["item_b"].astype("Int64")
        table["category_a"], table["category_b"] = frame["category_a"], frame["category_b"]
    for column in ("orders_a", "orders_b", "pair_orders"):
        table[column] = frame[column].astype(int)
    table["support"] = frame["support"].round(5)
    table["confidence_a_to_b"] = frame["confidence_a_to_b"].round(4)
    table["confidence_b_to_a"] = frame["confidence_b_to_a"].round(4)
    table["lift"] = frame["lift"].round(2)
    return table.reset_index(drop=True)


def _window_label(ctx: Context, window: Window) -> str:
    return window.label_zh if ctx.language == "zh" else window.label_en


STRONG_LIFT = 3  # pairs bought together over 3x as often as chance: worth a bundle


def _overview_result(ctx: Context, table: pd.DataFrame, sql: str, params: dict, support: float, level: str,
                     window: Window, total_orders: int) -> ToolResult:
    lang = ctx.language
    what = ctx.t("品类" if level == "category" else "商品", "category" if level == "category" else "product")
    label = _window_label(ctx, window)
    params = {**params, "total_orders": total_orders, "strong_lift": STRONG_LIFT}  # cited by the answer
    if table.empty:
        answer = ctx.t(
            f"{label}共 {fmt.number(total_orders, lang)} 笔已支付订单，没有{what}组合的支持度达到 "
            f"{fmt.percent(support)}（同时出现在这么多订单中）。可以调低 min_support 再看。",
            f"{label}: {fmt.number(total_orders, lang)} paid orders, and no {what} pair reaches a support of "
            f"{fmt.percent(support)} (share of orders containing both). Try a lower min_support.",
        )
        return ToolResult(answer=answer, tables=[Table("pairs", table)], sql=[sql], params=params)
    cited = []
    for row in table.head(3).itertuples():
        cited.append(ctx.t(
            f"{row.item_a} + {row.item_b}（提升度 {fmt.decimal(row.lift)}，"
            f"{fmt.number(row.pair_orders, lang)} 单同时购买，"
            f"买了{row.item_a}的订单中 {fmt.percent(row.confidence_a_to_b)} 也买了{row.item_b}，"
            f"反向 {fmt.percent(row.confidence_b_to_a)}）",
            f"{row.item_a} + {row.item_b} (lift {fmt.decimal(row.lift)}, "
            f"{fmt.number(row.pair_orders, lang)} orders with both; "
            f"{fmt.percent(row.confidence_a_to_b)} of orders with {row.item_a} also have {row.item_b}, "
            f"{fmt.percent(row.confidence_b_to_a)} the other way)",
        ))
    strong = int((table["lift"] > STRONG_LIFT).sum())
    params["strong_pairs"] = strong
    answer = ctx.t(
        f"{label}共 {fmt.number(total_orders, lang)} 笔已支付订单。按提升度排序、"
        f"支持度不低于 {fmt.percent(support)} 的前 "
        f"{len(table)} 个{what}组合中，最强的是：{'；'.join(cited)}。其中 {strong} 个组合的提升度大于 {STRONG_LIFT}"
        f"（同时购买的概率是随机情况下的 {STRONG_LIFT} 倍以上）。",
        f"{label}: {fmt.number(total_orders, lang)} paid orders. Of the top {len(table)} {what} pairs by lift "
        f"(support at least {fmt.percent(support)}), the strongest are: {'; '.join(cited)}. {strong} of them have "
        f"a lift above {STRONG_LIFT} (bought together over {STRONG_LIFT} times as often as chance would give).",
    )
    chart = ChartSpec("bar", ctx.t(f"{what}组合提升度", f"Lift of {what} pairs"), "pairs", "pair", "lift")
    return ToolResult(answer=answer, tables=[Table("pairs", table)], charts=[chart], sql=[sql], params=params,
                      recommendations=_pair_recommendations(ctx, table))


def _pair_recommendations(ctx: Context, table: pd.DataFrame) -> list[str]:
    out = []
    for row in table.head(3).itertuples():
        if row.lift < 1.2:
            continue
        both_ways = min(row.confidence_a_to_b, row.confidence_b_to_a)
        if row.lift >= 3 and both_ways >= 0.2:
            out.append(ctx.t(
                f"把{row.item_a}和{row.item_b}做成组合装/套餐价：提升度 {fmt.decimal(row.lift)}，双向置信度都在 "
                f"{fmt.percent(both_ways)} 以上，客户本来就常一起买。",
                f"Bundle {row.item_a} with {row.item_b} at a set price: lift {fmt.decimal(row.lift)}, and at least "
                f"{fmt.percent(both_ways)} confidence in both directions: customers already buy them together.",
            ))
        else:
            lead, follow, conf = ((row.item_a, row.item_b, row.confidence_a_to_b)
                                  if row.confidence_a_to_b >= row.confidence_b_to_a
                                  else (row.item_b, row.item_a, row.confidence_b_to_a))
            out.append(ctx.t(
                f"直播间讲解{lead}时同步挂出{follow}的链接或加购券：买{lead}的订单中有 {fmt.percent(conf)} "
                f"也买了{follow}（提升度 {fmt.decimal(row.lift)}）。",
                f"Cross-sell in the live room: when presenting {lead}, pin {follow} (or an add-on coupon): "
                f"{fmt.percent(conf)} of orders with {lead} also contain {follow} (lift {fmt.decimal(row.lift)}).",
            ))
    if not out:
        top = table.iloc[0]
        out.append(ctx.t(
            f"没有组合明显比随机更常一起买（最高提升度仅 {fmt.decimal(top['lift'])}），不建议按这些组合做套餐；"
            "可以换到商品层级或单个商品再看。",
            f"No pair is bought together clearly more often than chance (the highest lift is "
            f"{fmt.decimal(top['lift'])}): "
            "do not build bundles on these; look at product level or at a single product instead.",
        ))
    elif len(table) > 3:
        weak = table[table["lift"] < 1.5]
        if not weak.empty:
            row = weak.iloc[0]
            out.append(ctx.t(
                f"{row['item_a']} + {row['item_b']} 的提升度只有 "
                f"{fmt.decimal(row['lift'])}，接近随机，不必专门做搭配。",
                f"{row['item_a']} + {row['item_b']} has a lift of only {fmt.decimal(row['lift'])}, close to chance: "
                "no need to promote it as a pair.",
            ))
    return out


def _for_product(ctx: Context, base_sql: str, keys: list, matched: list[str], min_support: float | None,
                 limit: int, level: str, window: Window, params: dict) -> ToolResult:
    wh = ctx.warehouse
    quoted = ", ".join(f"'{k.replace(chr(39), chr(39) * 2)}'" if isinstance(k, str) else str(int(k)) for k in keys)
    floor = (f"pair_orders / total_orders >= {float(min_support)!r}" if min_support is not None
             else f"pair_orders >= {MIN_PAIR_ORDERS_FOR_PRODUCT}")
    params["min_support"] = min_support
    sql = f"""WITH pairs AS (
{base_sql}
),
directed AS (
  SELECT name_a AS antecedent, name_b AS consequent, item_b AS consequent_key, orders_a AS antecedent_orders,
    pair_orders, total_orders, support, confidence_a_to_b AS confidence, confidence_b_to_a AS reverse_confidence, lift
  FROM pairs WHERE item_a IN ({quoted})
  UNION ALL
  SELECT name_b, name_a, item_a, orders_b, pair_orders, total_orders, support, confidence_b_to_a,
    confidence_a_to_b, lift
  FROM pairs WHERE item_b IN ({quoted})
)
SELECT * FROM directed
WHERE {floor}
ORDER BY confidence DESC, lift DESC
LIMIT {int(limit)}"""
    frame = wh.df(sql)
    lang = ctx.language
    table = pd.DataFrame({
        "antecedent": frame["antecedent"], "consequent": frame["consequent"],
        "antecedent_orders": frame["antecedent_orders"].astype(int),
        "pair_orders": frame["pair_orders"].astype(int),
        "support": frame["support"].round(5), "confidence": frame["confidence"].round(4),
        "reverse_confidence": frame["reverse_confidence"].round(4), "lift": frame["lift"].round(2),
    })
    table.insert(0, "rule", [f"{a} → {c}" for a, c in zip(table["antecedent"], table["consequent"], strict=True)])
    label = _window_label(ctx, window)
    names = ("、" if lang == "zh" else ", ").join(matched[:5])
    if table.empty:
        answer = ctx.t(
            f"{label}，含有{names}的订单里没有其他{'品类' if level == 'category' else '商品'}达到筛选门槛"
            "（共同出现的订单太少）。",
            f"{label}: nothing else reaches the threshold in orders with {names} (too few shared orders).",
        )
        return ToolResult(answer=answer, tables=[Table("also_bought", table)], sql=[sql], params=params)
    cited = []
    for row in table.head(3).itertuples():
        cited.append(ctx.t(
            f"{row.consequent}（{fmt.percent(row.confidence)} 的{row.antecedent}订单也买了它，提升度 "
            f"{fmt.decimal(row.lift)}，"
            f"{fmt.number(row.pair_orders, lang)} 单）",
            f"{row.consequent} ({fmt.percent(row.confidence)} of orders with {row.antecedent} include it, "
            f"lift {fmt.decimal(row.lift)}, {fmt.number(row.pair_orders, lang)} orders)",
        ))
    top = table.iloc[0]
    answer = ctx.t(
        f"{label}，买了{names}的订单里最常同时购买的是：{'；'.join(cited)}。按置信度（买了前者的订单中也买了后者的比例）排序；"
        f"提升度大于 1 表示比随机更常一起买。",
        f"{label}: orders with {names} most often also contain: {'; '.join(cited)}. Ranked by confidence "
        f"(share of orders with the first item that also have the second); "
        "a lift above 1 means more often than chance.",
    )
    recommendations = [ctx.t(
        f"直播间讲解{top['antecedent']}时挂出{top['consequent']}做搭配推荐或加购券："
        f"{fmt.percent(top['confidence'])} 的订单本就一起买（提升度 {fmt.decimal(top['lift'])}）。",
        f"In the live room, pin {top['consequent']} (with an add-on coupon) while presenting {top['antecedent']}: "
        f"{fmt.percent(top['confidence'])} of those orders already include it (lift {fmt.decimal(top['lift'])}).",
    )]
    if top["lift"] >= 3:
        recommendations.append(ctx.t(
            f"考虑推出{top['antecedent']} + {top['consequent']}组合装：提升度 {fmt.decimal(top['lift'])}，"
            f"反向置信度 {fmt.percent(top['reverse_confidence'])}。",
            f"Consider a {top['antecedent']} + {top['consequent']} bundle: lift {fmt.decimal(top['lift'])}, "
            f"reverse confidence {fmt.percent(top['reverse_confidence'])}.",
        ))
    low = table[table["lift"] < 1]
    if not low.empty:
        row = low.iloc[0]
        recommendations.append(ctx.t(
            f"{row['consequent']}虽常出现在同一订单（{fmt.percent(row['confidence'])}），但提升度仅 "
            f"{fmt.decimal(row['lift'])}，"
            "只是本身卖得多，不适合作为搭配卖点。",
            f"{row['consequent']} often appears in the same orders ({fmt.percent(row['confidence'])}) but its lift is "
            f"only {fmt.decimal(row['lift'])}: it is simply popular, not a real complement.",
        ))
    chart = ChartSpec("bar", ctx.t(f"与{names}搭配购买的提升度", f"Lift of items bought with {names}"),
                      "also_bought", "consequent", "lift")
    return ToolResult(answer=answer, tables=[Table("also_bought", table)], charts=[chart], sql=[sql],
                      params=params, recommendations=recommendations)
