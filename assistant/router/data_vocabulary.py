"""Names found in the data (hosts, products, categories, brands, provinces), so the router can read
"橙子姐姐的GMV" as a host filter and "面膜卖了多少" as a product filter.

Built once per Engine from the warehouse (distinct values, capped); the router works without it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING

from assistant.router.matching import Hit, select_longest
from assistant.router.normalize import normalize

if TYPE_CHECKING:
    from tools.warehouse import WarehouseBase

MAX_NAMES = 2000  # per kind: keeps matching cheap on a large catalogue
MAX_SESSION_IDS = 200_000  # session ids held to tell "session 99999" is not in the data
# Product-name endings that name a pack size, not a kind of product ("三支装", "整箱", "套装").
_PACK_WORDS = re.compile(r"(?:装|整箱|套装|礼包|大礼包|组合|件套|只|条|双|支)$")
# Short words that are too generic to stand for a product or a category on their own.
_GENERIC = {"商品", "产品", "东西", "用品", "日用", "清洁", "用户", "客户", "数据", "套装", "整箱", "礼盒",
            "组合", "三支", "五双"}


@dataclass(frozen=True)
class DataHit:
    """A name found in a question: which column it filters (host / product / category / region) and
    the values it stands for (several products for a short name such as 面膜 or a brand)."""

    kind: str
    phrase: str
    values: tuple[str, ...]
    start: int
    end: int


@dataclass
class DataVocabulary:
    hosts: list[str] = field(default_factory=list)
    products: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    brands: dict[str, list[str]] = field(default_factory=dict)  # brand -> its product names
    provinces: list[str] = field(default_factory=list)
    session_ids: frozenset[str] | None = None  # None: unknown (no table, or too many to hold)
    # figures only some datasets have, which questions may need (a session report's ad spend: ROI)
    figures: frozenset[str] = frozenset()
    anchor: date | None = None  # the data's last day: windows named in a question resolve against it
    session_titles: list[str] = field(default_factory=list)  # a broadcast named by its title ("宠粉福利日那场")
    coupons: list[str] = field(default_factory=list)  # the coupon codes orders used ("coupon_618_2026")
    _phrases: list[tuple[str, str, tuple[str, ...], int]] | None = field(default=None, repr=False)
    _parts: dict[str, tuple[str, ...]] | None = field(default=None, repr=False)

    @classmethod
    def from_warehouse(cls, warehouse: WarehouseBase) -> DataVocabulary:
        """Distinct names from the tables that exist; a missing table or column leaves that kind empty."""
        def distinct(table: str, column: str) -> list[str]:
            if not warehouse.has_table(table):
                return []
            try:
                frame = warehouse.df(
                    f"SELECT DISTINCT CAST({column} AS VARCHAR) AS v FROM {table} "
                    f"WHERE {column} IS NOT NULL ORDER BY 1 LIMIT {MAX_NAMES}")
            except Exception:  # noqa: BLE001 - an imported dataset may lack the column
                return []
            return [v for v in frame["v"].tolist() if isinstance(v, str) and v.strip()]

        brands: dict[str, list[str]] = {}
        if warehouse.has_table("products"):
            try:
                pairs = warehouse.df(f"SELECT DISTINCT brand, product_name FROM products WHERE brand IS NOT NULL "
                                     f"ORDER BY 1, 2 LIMIT {MAX_NAMES}")
                for brand, product in pairs.itertuples(index=False):
                    brands.setdefault(str(brand), []).append(str(product))
            except Exception:  # noqa: BLE001 - no brand column
                brands = {}
        sessions = None
        if warehouse.has_table("live_sessions"):
            try:
                ids = warehouse.df(f"SELECT DISTINCT CAST(session_id AS VARCHAR) AS v FROM live_sessions "
                                   f"LIMIT {MAX_SESSION_IDS + 1}")["v"].tolist()
                sessions = frozenset(ids) if len(ids) <= MAX_SESSION_IDS else None
            except Exception:  # noqa: BLE001 - an imported dataset may lack the column
                sessions = None
        figures: frozenset[str] = frozenset()
        if warehouse.has_table("session_stats") and "ad_spend" in warehouse.columns("session_stats"):
            try:
                if warehouse.scalar("SELECT count(ad_spend) FROM session_stats"):
                    figures = frozenset({"ad_spend"})
            except Exception:  # noqa: BLE001 - read as "not there"
                figures = frozenset()
        from tools.metrics import orders_have_hours  # the tool's own test, so router and tool agree

        if orders_have_hours(warehouse):  # orders with a time of day: "晚上8点以后" can be an hour filter
            figures |= {"order_hours"}
        try:
            anchor = warehouse.anchor_date
        except Exception:  # noqa: BLE001 - no orders or sessions: no anchor
            anchor = None
        return cls(distinct("hosts", "host_name"), distinct("products", "product_name"),
                   distinct("products", "category"), brands, distinct("customers", "province"), sessions,
                   figures, anchor, distinct("live_sessions", "title"), distinct("orders", "coupon_id"))

    def _table(self) -> list[tuple[str, str, tuple[str, ...], int]]:
        """(phrase, kind, values, rank): rank breaks ties between equally long phrases (lower wins)."""
        if self._phrases is not None:
            return self._phrases
        rows: list[tuple[str, str, tuple[str, ...], int]] = []
        rows += [(h, "host", (h,), 0) for h in self.hosts]
        rows += [(p, "product", (p,), 1) for p in self.products]
        rows += [(c, "category", (c,), 2) for c in self.categories]
        rows += [(b, "product", tuple(ps), 3) for b, ps in self.brands.items() if len(b) >= 2]
        rows += [(p, "region", (p,), 6) for p in self.provinces if len(p) >= 2]
        rows += [(c, "coupon_code", (c,), 0) for c in self.coupons if len(c) >= 4]
        # 美妆护肤 -> 美妆, 护肤: people name a compound category by either half.
        for category in self.categories:
            if len(category) == 4 and re.fullmatch(r"[\u4e00-\u9fff]+", category):
                rows += [(half, "category", (category,), 4) for half in (category[:2], category[2:])
                         if half not in _GENERIC]
        # 补水面膜 -> 面膜, 蓝牙耳机 -> 耳机: the kind of product at the end of its name.
        endings: dict[str, list[str]] = {}
        for product in self.products:
            name = product.strip()
            if not re.search(r"[\u4e00-\u9fff]{3,}$", name) or _PACK_WORDS.search(name):
                continue
            for size in (2, 3):
                ending = name[-size:]
                if ending != name and ending not in _GENERIC:
                    endings.setdefault(ending, []).append(product)
        rows += [(e, "product", tuple(ps), 5) for e, ps in endings.items()]
        self._phrases = [(normalize(p), k, v, r) for p, k, v, r in rows if normalize(p)]
        return self._phrases

    def find(self, text: str) -> list[DataHit]:
        """Names in normalised text, longest first without overlaps, in text order."""
        hits: list[Hit] = []
        for phrase, kind, values, rank in self._table():
            pattern = re.escape(phrase)
            if re.match(r"[a-z0-9]", phrase):
                pattern = r"(?<![a-z0-9])" + pattern
            if re.search(r"[a-z0-9]$", phrase):
                pattern += r"(?![a-z0-9])"
            for m in re.finditer(pattern, text):
                hits.append(Hit(m.group(0), (kind, values, rank), m.start(), m.end()))
        hits += _host_part_hits(self.hosts, text)
        hits += self._product_part_hits(text)
        # Equally long phrases: the lower rank wins (a host name before a product ending).
        ranked = sorted(hits, key=lambda h: h.value[2])
        return [DataHit(h.value[0], h.phrase, h.value[1], h.start, h.end) for h in select_longest(ranked)]


    def _product_part_hits(self, text: str) -> list[Hit]:
        """Products named by a run of their name ("凤凰单丛" of 山野茶语 凤凰单丛鸭屎香 乌龙茶 250g礼盒装): four to
        eight Chinese characters inside some products' names but not all of them (a brand every product carries names
        the shop), not a word the router reads, the longest such run of each stretch of the question. (Three
        are too few: "元试用" of "0元试用" is a kind of order, whatever a 【0元试用】 product is called.)"""
        if self._parts is None:
            parts: dict[str, list[str]] = {}
            for product in self.products:
                for run in re.findall(r"[\u4e00-\u9fff]{4,}", normalize(product)):
                    for size in range(4, min(8, len(run)) + 1):
                        for i in range(len(run) - size + 1):
                            owners = parts.setdefault(run[i:i + size], [])
                            if not owners or owners[-1] != product:
                                owners.append(product)
            everyone = len(self.products)
            self._parts = {k: tuple(v) for k, v in parts.items() if len(v) < everyone or everyone == 1}
        words = router_words()
        hits = []
        for m in re.finditer(r"[\u4e00-\u9fff]{4,}", text):
            run = m.group(0)
            spans = ((i, i + size) for size in range(min(8, len(run)), 3, -1) for i in range(len(run) - size + 1))
            found = next(((i, j) for i, j in spans if run[i:j] in self._parts and run[i:j] not in _GENERIC
                          and not _EDGE_WORDS.search(run[i:j]) and not _names_nothing(run[i:j], words)), None)
            if found:
                part = run[found[0]:found[1]]
                hits.append(Hit(part, ("product", self._parts[part], 5), m.start() + found[0], m.start() + found[1]))
        return hits


# Words that make up many account names without telling one from another ("直播间", "官方"), so a part made
# only of them does not name a host.
_ACCOUNT_WORDS = re.compile(r"^(?:直播间?|官方|店铺|小店|主播|达人|账号|频道|旗舰|live|official|shop|store|channel)+$")
# A part that starts or ends on a particle ("lily的") is the name and the grammar around it, not a part of it.
_EDGE_WORDS = re.compile(r"^[的了和与跟在是那这]|[的了和与跟在是那这]$")
# What follows a short name said alone: grammar, an action, 直播/场/号, or no more Chinese ("小周的", "虎妞直播间",
# "阿强卖了"), not the rest of a word ("护肤品").
_NAME_FOLLOWER = re.compile(r"$|[^\u4e00-\u9fff]|[的和与跟及或在上本这那最一共都也还卖播带说做开是有今昨前下近]"
                            r"|直播|场|号|老师|姐|哥")
# A platform's name in a part ("快手店" of 山野小馆快手店) names the shop on that platform, the whole data.
_PLATFORM_WORDS = re.compile(r"快手|抖音|抖店|视频号|小红书|淘宝|天猫|拼多多|有赞|京东|微信|kuaishou|douyin|taobao")
MAX_PART_HOSTS = 300  # hosts whose names are searched part by part (a shop has a handful; a platform has more)


@lru_cache(maxsize=1)
def router_words() -> frozenset[str]:
    """The words the router reads as measures, breakdowns and asks (分享, 推荐, 复购 ...): a part of a host's name
    that is one of them, or inside one, is the word, not the host."""
    from assistant.router import vocabulary as vocab

    words: set[str] = set()
    for mapping in (vocab.METRIC_SYNONYMS, vocab.DIMENSION_SYNONYMS, vocab.CHANNEL_WORDS):
        for phrases in mapping.values():
            words |= {normalize(p) for p in phrases}
    for keywords in vocab.TOOL_KEYWORDS.values():
        words |= {normalize(p) for p in keywords}
    return frozenset(w for w in words if w)


def _names_nothing(part: str, words: frozenset[str]) -> bool:
    """A part of a host's name that stands for no host: account words alone, a platform, a word the router reads
    (or one inside such a word)."""
    return bool(_ACCOUNT_WORDS.match(part) or _PLATFORM_WORDS.search(part)) or part in words \
        or any(part in w for w in words if len(w) > 1)


def _crosses_whole(name: str, i: int, j: int) -> bool:
    """Whether name[i:j] holds both Chinese and Latin letters and cuts no Latin word ("may姐", not "ay姐")."""
    part = name[i:j]
    latin = lambda k: 0 <= k < len(name) and name[k].isascii() and name[k].isalnum()  # noqa: E731
    return bool(re.search(r"[\u4e00-\u9fff]", part) and re.search(r"[a-z]", part)) \
        and not (latin(i - 1) and latin(i)) and not (latin(j - 1) and latin(j))


def _host_part_hits(hosts: list[str], text: str) -> list[Hit]:
    """Hosts named by a part of their account name: "官方旗舰店" or "工厂店" for 暖屿羊绒官方旗舰店 / 暖屿羊绒工厂店,
    "Lily" for 穿搭师Lily, "虎妞" for 东北虎妞爱分享. A part is at least two Chinese characters (three Latin
    letters), found in this one host's name only (the brand the shop's accounts share names none of them), not
    made of account words alone and not a word the router reads. The longest part of each host in the text."""
    names = [normalize(h) for h in hosts[:MAX_PART_HOSTS]]
    words = router_words()
    platforms = [m.span() for m in _PLATFORM_WORDS.finditer(text)]
    hits: list[Hit] = []
    for host, name in zip(hosts, names):
        best: tuple[int, int] | None = None
        pieces = [run.group(0) for run in re.finditer(r"[\u4e00-\u9fff]+|[a-z][a-z0-9]*", name)]
        mixed = len(pieces) > 1  # "may姐好物推荐": a part may also cross from the Latin word into the Chinese
        for k, piece in enumerate(pieces + ([name] if mixed else [])):
            crossing = k == len(pieces)
            short = 2 if crossing or re.match(r"[\u4e00-\u9fff]", piece) else 3
            for i in range(len(piece)):
                for j in range(len(piece), i + short - 1, -1):
                    part = piece[i:j]
                    if part == name or (best and j - i <= best[1] - best[0]):
                        continue
                    if (crossing and not _crosses_whole(name, i, j)) or _EDGE_WORDS.search(part):
                        continue
                    latin = short == 3
                    found = re.search(rf"(?<![a-z]){re.escape(part)}(?![a-z])" if latin else re.escape(part), text)
                    if found is None or _names_nothing(part, words) \
                            or any(part in other for other in names if other != name):
                        continue
                    at = found.start()
                    if any(a < at + len(part) and at < b for a, b in platforms):
                        continue  # "手店" inside the text's "快手店": the platform's shop, not a host
                    if len(part) == 2 and not _NAME_FOLLOWER.match(text[at + 2:]):
                        continue  # "护肤品", "老铁们": two characters running on into a word are that word
                    best = (at, at + len(part))
        if best:
            hits.append(Hit(text[best[0]:best[1]], ("host", (host,), 0), best[0], best[1]))
    return hits + _shared_part_hits(hosts[:MAX_PART_HOSTS], names, text, words, hits)


def _shared_part_hits(hosts: list[str], names: list[str], text: str, words: frozenset[str],
                      taken: list[Hit]) -> list[Hit]:
    """A part several hosts' names share ("Lily" of 穿搭师Lily and Lily的护肤日记, the brand 暖屿羊绒 of a shop's
    accounts) names them all: the answer lists whom it covers, rather than silently covering everyone. At least
    three letters, a whole Latin word or three Chinese characters, and not a word the router reads."""
    hits: list[Hit] = []
    for m in re.finditer(r"[a-z][a-z0-9]{2,}|[\u4e00-\u9fff]{3,}", text):
        run = m.group(0)
        latin = run[0].isascii()
        spans = [(0, len(run))] if latin else [(i, j) for i in range(len(run)) for j in range(len(run), i + 2, -1)]
        for i, j in spans:
            part = run[i:j]
            start, end = m.start() + i, m.start() + j
            owners = tuple(h for h, n in zip(hosts, names) if part in n)
            if len(owners) < 2 or _names_nothing(part, words) or _EDGE_WORDS.search(part) \
                    or any(h.start < end and start < h.end for h in taken + hits):
                continue
            if latin and not all(re.search(rf"(?<![a-z]){re.escape(part)}(?![a-z])", n) for n in
                                 (names[hosts.index(o)] for o in owners)):
                continue  # "lily" in "lilyshop" is not the word Lily
            hits.append(Hit(part, ("host", owners, 0), start, end))
            break
    return hits


def data_filters(hits: list[DataHit]) -> dict[str, str | list[str]]:
    """metric_query filters from the names found: one value stays a string, several become a list."""
    merged: dict[str, list[str]] = {}
    for hit in hits:
        merged.setdefault(hit.kind, [])
        merged[hit.kind] += [v for v in hit.values if v not in merged[hit.kind]]
    return {kind: values[0] if len(values) == 1 else values for kind, values in merged.items()}
