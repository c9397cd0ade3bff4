"""Red-team support: a detector for the demo shop's raw personal data, and a whole-run pytest plugin.

`RawIndex` knows the demo shop's raw phones and nicknames (from the `demo_contacts` fixture) and finds
them in any text or JSON a surface returns: phones in every formatting (plain, +86, spaces, dashes,
dots, parentheses, zero-width characters, full-width digits, digits spread over a JSON list), nicknames
of at least 3 characters as exact substrings (also reversed, spread over a list or with spaces in
between), and derived forms that give a raw value straight back (md5/sha1/sha256, DuckDB's hash(),
base64, hex, the phone as a number plus or minus one, doubled, reversed).

The plugin part (registered from tests/conftest.py with `pytest_plugins`) attaches a handler to the
root logger when the session starts and, when it ends, scans every file under the test workspace
($ASSISTANT_HOME as tests/conftest.py's pytest_configure set it) and every log record of the run for
raw demo phones and nicknames. The only files allowed to hold them are each dataset's private contact
store (`*.contacts.duckdb`) and contact exports a person explicitly asked for (names containing
`_contacts`). Anything else fails the run.
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import json
import logging
import os
import re
import shutil
import stat
import tempfile
import threading
import time
import unicodedata
import urllib.parse
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

# --------------------------------------------------------------------------------------------------
# Finding raw values
# --------------------------------------------------------------------------------------------------

# Separators people and programs put inside a phone number: spaces (incl. no-break and ideographic),
# hyphens and dashes, dots, slashes, parentheses, plus signs and zero-width characters.
_SEP = "[\\s\u00a0\u3000\\-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\uff0d.\u00b7/()+\u200b\u200c\u200d\u2060\ufeff_]"
_DIGIT_RUN = re.compile(rf"\d(?:{_SEP}{{0,3}}\d)*")
_HEX_RUN = re.compile(r"[0-9a-fA-F]{8,}")
_B64_RUN = re.compile(r"[A-Za-z0-9+/_-]{8,}={0,2}")
_INT_RUN = re.compile(r"-?\d{6,}")
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_JSON_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")


@dataclass(frozen=True)
class Leak:
    kind: str  # "phone", "nickname", "derived"
    value: str  # the raw value found (or what the derived form stands for)
    where: str  # which part of the body / file
    context: str  # a few characters around it, masked for the report

    def __str__(self) -> str:
        return f"{self.kind} {mask(self.value)} at {self.where}: …{self.context}…"


def mask(value: str) -> str:
    """Reports name a leaked value without repeating it (the report is itself a log/console output)."""
    if len(value) <= 2:
        return value[0] + "*"
    return value[:1] + "*" * (len(value) - 2) + value[-1:]


def _contexts(text: str, start: int, end: int) -> str:
    left, right = text[max(0, start - 25):start], text[end:end + 25]
    return (left + "«" + mask(text[start:end]) + "»" + right).replace("\n", " ")


def _duckdb_hashes(values: list[str]) -> list[int]:
    try:
        import duckdb
        import pyarrow as pa

        con = duckdb.connect()
        try:
            con.register("v", pa.table({"i": list(range(len(values))), "s": values}))
            return [row[0] for row in con.execute("SELECT hash(s) FROM v ORDER BY i").fetchall()]
        finally:
            con.close()
    except Exception:  # noqa: BLE001 - the other derived forms still work
        return []


class RawIndex:
    """The demo shop's raw phones and nicknames, and a fast search for them in text and JSON."""

    def __init__(self, contacts: Any, public_texts: Iterable[str] = ()):
        rows = [(int(c), str(n), str(p)) for c, n, p in
                zip(contacts["customer_id"], contacts["nickname"], contacts["phone"]) if p is not None]
        self.phone_of: dict[int, str] = {c: p for c, _, p in rows}
        self.nickname_of: dict[int, str] = {c: n for c, n, _ in rows}
        self.customer_of_phone: dict[str, int] = {p: c for c, _, p in rows}
        self.phones: set[str] = set(self.phone_of.values())
        self.nicknames: set[str] = {n for n in self.nickname_of.values() if len(n) >= 3}
        # A nickname that is also public shop vocabulary (a host's stage name, a product) is not a leak
        # when that vocabulary is shown: leave those few out of the search.
        public = "\n".join(public_texts)
        self.public_nicknames = {n for n in self.nicknames if n in public}
        self.nicknames -= self.public_nicknames
        if not self.phones or any(not re.fullmatch(r"\d{11}", p) for p in list(self.phones)[:50]):
            raise ValueError("demo_contacts does not hold raw 11-digit phones")
        if any("*" in n for n in list(self.nicknames)[:200]):
            raise ValueError("demo_contacts does not hold raw nicknames")
        self._tri: dict[str, list[tuple[str, str]]] = {}
        for nick in self.nicknames:
            self._tri.setdefault(nick[:3], []).append((nick, "nickname"))
        for nick in self.nicknames:  # reverse(nickname)
            rev = nick[::-1]
            if rev not in self.nicknames:
                self._tri.setdefault(rev[:3], []).append((nick, "nickname reversed"))
        first = {key[0] for key in self._tri}
        self._first = re.compile("[" + "".join(re.escape(ch) for ch in sorted(first)) + "]")
        self.derived: dict[str, tuple[str, str]] = {}
        self._build_derived()

    # -- derived forms ---------------------------------------------------------------------------
    def _build_derived(self) -> None:
        def add(token: str, value: str, how: str) -> None:
            self.derived[token.lower()] = (value, how)

        phones = sorted(self.phones)
        nicks = sorted(self.nicknames)
        for value in phones + nicks:
            data = value.encode("utf-8")
            add(hashlib.md5(data).hexdigest(), value, "md5")
            add(hashlib.sha1(data).hexdigest(), value, "sha1")
            add(hashlib.sha256(data).hexdigest(), value, "sha256")
            add(base64.b64encode(data).decode().rstrip("="), value, "base64")
            add(base64.urlsafe_b64encode(data).decode().rstrip("="), value, "base64url")
            add(data.hex(), value, "hex")
        for phone in phones:
            number = int(phone)
            for delta, how in ((1, "phone+1"), (-1, "phone-1")):
                add(str(number + delta), phone, how)
            add(str(number * 2), phone, "phone*2")
            add(phone[::-1], phone, "reversed phone")
            add(format(number, "x"), phone, "phone as hex number")
        for values in (phones, nicks):
            for value, digest in zip(values, _duckdb_hashes(values)):
                add(str(digest), value, "duckdb hash()")
                add(str(digest - (1 << 64) if digest >= 1 << 63 else digest), value, "duckdb hash() signed")

    # -- search ------------------------------------------------------------------------------------
    def variants(self, text: str) -> Iterator[tuple[str, str]]:
        """The text as sent, and decoded the ways a client might decode it before showing it."""
        seen = {text}
        yield "", text
        candidates = [("nfkc", unicodedata.normalize("NFKC", text))]
        if "\\u" in text:
            candidates.append(("json-unescaped", _JSON_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)))
        if "&" in text:
            candidates.append(("html-unescaped", html.unescape(text)))
        if "%" in text:
            candidates.append(("url-decoded", urllib.parse.unquote(text)))
        candidates.append(("zero-width removed", text.translate(_ZERO_WIDTH)))
        for label, variant in candidates:
            if variant not in seen:
                seen.add(variant)
                yield label, variant

    def find(self, text: str, where: str = "body", thorough: bool | None = None) -> list[Leak]:
        """Raw values in `text`. Large texts (file contents) get the lean search: the text as it is,
        phones in any formatting and nicknames, without the decoded variants and derived forms."""
        if not text:
            return []
        if thorough is None:
            thorough = len(text) <= 2 * MB
        if not thorough:
            return _unique(self._phones_in(text, where) + self._nicknames_in(text, where))
        leaks: list[Leak] = []
        for label, variant in self.variants(text):
            spot = f"{where} ({label})" if label else where
            leaks += self._phones_in(variant, spot)
            leaks += self._nicknames_in(variant, spot)
            if label == "":
                leaks += self._derived_in(variant, spot)
            else:
                leaks += self._nicknames_in(re.sub(r"\s+", "", variant), spot + " (whitespace removed)")
        if not leaks:  # nicknames with spaces between the characters
            squeezed = re.sub(r"[\s\u3000]+", "", text)
            if squeezed != text:
                leaks += self._nicknames_in(squeezed, where + " (whitespace removed)")
        first: dict[tuple[str, str], Leak] = {}
        for leak in leaks:  # one report per value: the decoded variants find the same thing again
            first.setdefault((leak.kind, leak.value), leak)
        return [Leak(k.kind, k.value, k.where, self.scrub(k.context)) for k in first.values()]

    def scrub(self, text: str) -> str:
        """A report's context without other raw values in it (reports end up in consoles and CI logs)."""
        text = re.sub(r"\d{5,}", lambda m: m.group()[:3] + "#" * (len(m.group()) - 3), text)
        for match in sorted(self._nicknames_in(text, ""), key=lambda k: -len(k.value)):
            text = text.replace(match.value, mask(match.value)).replace(match.value[::-1], mask(match.value))
        return text

    def _phones_in(self, text: str, where: str) -> list[Leak]:
        out = []
        for match in _DIGIT_RUN.finditer(text):
            digits = re.sub(r"\D", "", match.group())
            if len(digits) < 11:
                continue
            for i in range(len(digits) - 10):
                window = digits[i:i + 11]
                if window in self.phones:
                    out.append(Leak("phone", window, where, _contexts(text, match.start(), match.end())))
                    break
        return out

    def _nicknames_in(self, text: str, where: str) -> list[Leak]:
        out = []
        for match in self._first.finditer(text):
            start = match.start()
            for nick, how in self._tri.get(text[start:start + 3], ()):
                form = nick if how == "nickname" else nick[::-1]
                if text.startswith(form, start):
                    out.append(Leak("nickname" if how == "nickname" else "derived", nick,
                                    where + ("" if how == "nickname" else f" [{how}]"),
                                    _contexts(text, start, start + len(form))))
        return out

    def _derived_in(self, text: str, where: str) -> list[Leak]:
        out = []
        for pattern in (_HEX_RUN, _B64_RUN, _INT_RUN):
            for match in pattern.finditer(text):
                token = match.group().lower().rstrip("=")
                hit = self.derived.get(token)
                if hit is not None:
                    value, how = hit
                    out.append(Leak("derived", value, f"{where} [{how}]", _contexts(text, match.start(), match.end())))
        return out

    def find_json(self, payload: Any, where: str = "$") -> list[Leak]:
        """Every string in a JSON value, every dict key, and each list's scalar items joined together
        (a phone split into its digits, a nickname into its characters). Scanned as one text first;
        only when something is found is each part scanned again, to say where."""
        leaves: list[tuple[str, str]] = []
        joined: list[tuple[str, str]] = []
        stack: list[tuple[Any, str]] = [(payload, where)]
        while stack:
            value, path = stack.pop()
            if isinstance(value, dict):
                for key, item in value.items():
                    leaves.append((f"{path} key", str(key)))
                    stack.append((item, f"{path}.{key}"))
            elif isinstance(value, (list, tuple)):
                scalars = [str(v) for v in value if isinstance(v, (str, int, float)) and not isinstance(v, bool)]
                if len(scalars) >= 3:
                    joined.append((f"{path}[*] joined", "".join(scalars)))
                for i, item in enumerate(value):
                    stack.append((item, f"{path}[{i}]"))
            elif isinstance(value, str):
                leaves.append((path, value))
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                whole = isinstance(value, float) and value.is_integer()
                leaves.append((path, str(int(value)) if whole else str(value)))
        fence = "\n|\n"  # breaks digit runs and nicknames between parts
        leaks: list[Leak] = []
        if self.find(fence.join(text for _, text in leaves), where):
            for path, text in leaves:
                leaks += self.find(text, path)
        if joined and any(k.kind != "derived" for k in self.find(fence.join(text for _, text in joined), where)):
            for path, text in joined:
                leaks += [leak for leak in self.find(text, path) if leak.kind != "derived"]
        return _unique(leaks)

    def find_any(self, body: Any, where: str = "body") -> list[Leak]:
        """Text, bytes or an already-parsed JSON value; JSON text is also walked as JSON."""
        if isinstance(body, bytes):
            body = body.decode("utf-8", errors="replace")
        if isinstance(body, str):
            leaks = self.find(body, where)
            stripped = body.strip()
            if stripped[:1] in "[{":
                try:
                    leaks += self.find_json(json.loads(stripped), where)
                except ValueError:
                    pass
            return _unique(leaks)
        return self.find_json(body, where)

    def check(self, body: Any, where: str = "response") -> None:
        leaks = self.find_any(body, where)
        assert not leaks, "raw personal data left the server:\n" + "\n".join(map(str, leaks[:20]))

    def assert_clean(self, *bodies: Any, where: str = "response") -> None:
        for i, body in enumerate(bodies):
            self.check(body, f"{where}#{i}" if len(bodies) > 1 else where)

    def phone_digits_in(self, text: str) -> set[str]:
        """The raw phones in `text` (any formatting)."""
        return {leak.value for leak in self.find(text) if leak.kind == "phone"}


def _unique(leaks: Iterable[Leak]) -> list[Leak]:
    seen, out = set(), []
    for leak in leaks:
        key = (leak.kind, leak.value, leak.where)
        if key not in seen:
            seen.add(key)
            out.append(leak)
    return out


def digits_of(text: str) -> str:
    """All digits of a text run together after NFKC normalisation (for planted numbers)."""
    return re.sub(r"\D", "", unicodedata.normalize("NFKC", text))


def digit_runs(text: str) -> list[str]:
    """Runs of digits with the separators a phone number may carry removed (NFKC first)."""
    text = unicodedata.normalize("NFKC", text).translate(_ZERO_WIDTH)
    return [re.sub(r"\D", "", m.group()) for m in _DIGIT_RUN.finditer(text)]


def contains_number(text: str, number: str) -> bool:
    """Is `number` (digits only) present in `text` in any phone-like formatting?"""
    target = re.sub(r"\D", "", number)
    return any(target in run for run in digit_runs(text))


# --------------------------------------------------------------------------------------------------
# Raw contacts: the fixture's frame, or the dataset's contact store when the fixture reads a masked file
# --------------------------------------------------------------------------------------------------

def _looks_raw(contacts: Any) -> bool:
    try:
        phones = [str(p) for p in list(contacts["phone"])[:50]]
        nicks = [str(n) for n in list(contacts["nickname"])[:200]]
    except Exception:  # noqa: BLE001
        return False
    return bool(phones) and all(re.fullmatch(r"\d{11}", p) for p in phones) and not any("*" in n for n in nicks)


def _read_contacts(path: Path) -> Any:
    import duckdb

    with tempfile.TemporaryDirectory(prefix="redteam-contacts-") as folder:
        copy = Path(folder) / "copy.duckdb"
        shutil.copy(path, copy)
        con = duckdb.connect(str(copy), read_only=True)
        try:
            tables = con.execute(
                "SELECT table_name FROM information_schema.columns WHERE column_name IN ('phone', 'nickname') "
                "GROUP BY 1 HAVING count(*) = 2").fetchall()
            for (table,) in tables:
                columns = {r[0] for r in con.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [table]).fetchall()}
                if "customer_id" in columns:
                    frame = con.execute(f'SELECT customer_id, nickname, phone FROM "{table}"').df()
                    if _looks_raw(frame):
                        return frame
        finally:
            con.close()
    return None


def public_texts(demo_db: Path | None) -> list[str]:
    """Shop vocabulary that is not personal (host, product, brand, category, session title, city names)
    from the demo file, plus the project's own data and prompt files."""
    import duckdb

    texts: list[str] = []
    root = Path(__file__).resolve().parents[1]
    for folder in ("data", "prompts"):
        for path in (root / folder).rglob("*"):
            if path.is_file() and path.suffix in (".yaml", ".yml", ".txt", ".md", ".json"):
                texts.append(path.read_text(encoding="utf-8", errors="ignore"))
    if demo_db is None or not Path(demo_db).exists():
        return texts
    with tempfile.TemporaryDirectory(prefix="redteam-public-") as folder:
        copy = Path(folder) / "copy.duckdb"
        shutil.copy(demo_db, copy)
        con = duckdb.connect(str(copy), read_only=True)
        try:
            for table, column in (("hosts", "host_name"), ("products", "product_name"), ("products", "brand"),
                                  ("products", "category"), ("live_sessions", "title"), ("customers", "city"),
                                  ("customers", "province")):
                try:
                    texts += [str(r[0]) for r in con.execute(f"SELECT DISTINCT {column} FROM {table}").fetchall()]
                except Exception:  # noqa: BLE001 - a table the demo may not have
                    pass
        finally:
            con.close()
    return texts


def raw_contacts(contacts: Any, demo_db: Path | None = None) -> Any:
    """`demo_contacts` when it holds raw values; otherwise the contact store beside the demo file."""
    if contacts is not None and _looks_raw(contacts):
        return contacts
    if demo_db is not None:
        for candidate in (Path(f"{Path(demo_db).with_suffix('')}.contacts.duckdb"), Path(demo_db)):
            if candidate.exists():
                frame = _read_contacts(candidate)
                if frame is not None:
                    return frame
    raise RuntimeError("could not find the demo shop's raw contacts (demo_contacts holds masked values)")


_INDEX_CACHE: dict[int, RawIndex] = {}


def index_for(contacts: Any, demo_db: Path | None = None) -> RawIndex:
    frame = raw_contacts(contacts, demo_db)
    key = id(frame)
    if key not in _INDEX_CACHE:
        _INDEX_CACHE.clear()
        _INDEX_CACHE[key] = RawIndex(frame, public_texts(demo_db))
        _STATE.index = _INDEX_CACHE[key]
    return _INDEX_CACHE[key]


@pytest.fixture(scope="session")
def raw_index(demo_contacts, demo_db) -> RawIndex:
    """The leak detector for the demo shop (session-wide)."""
    return index_for(demo_contacts, demo_db)


# --------------------------------------------------------------------------------------------------
# Markdown / HTML neutralisation checks
# --------------------------------------------------------------------------------------------------

_BAD_SCHEMES = ("javascript:", "vbscript:", "data:", "file:")


def rendered_html(markdown_text: str) -> str:
    """What a Markdown renderer with raw HTML enabled (CommonMark) turns the text into."""
    from markdown_it import MarkdownIt

    renderer = MarkdownIt("commonmark", {"html": True}).enable("table")
    renderer.validateLink = lambda url: True  # render javascript:/data: links too, as laxer renderers do
    return renderer.render(markdown_text or "")


def _scheme(url: str) -> str:
    """The URL as a browser reads it: entities decoded, tabs and newlines dropped anywhere, leading
    controls and spaces dropped (what the URL parser does before it looks for the scheme)."""
    cleaned = html.unescape(url or "")
    cleaned = re.sub(r"[\t\n\r]", "", cleaned)
    return cleaned.lstrip("".join(chr(c) for c in range(0x21))).lower()


_IDNA_IGNORED = dict.fromkeys(map(ord, "\u00ad\u200b\u2060\ufeff\u034f\u180b\u180c\u180d\ufe00\ufe0f"), None)


def _browser_host(target: str) -> str | None:
    """The host a browser would contact for an http(s) or protocol-relative URL (None: not a fetch)."""
    match = re.match(r"^(?:https?:)?[/\\]+", target) if target.startswith(("http:", "https:", "//", "\\\\")) \
        else None
    if match is None:
        return None
    rest = target[match.end():]
    authority = re.split(r"[/\\?#]", rest, maxsplit=1)[0]
    authority = authority.rsplit("@", 1)[-1]
    host = urllib.parse.unquote(authority).translate(_IDNA_IGNORED)
    host = re.sub(r":\d*$", "", host).strip("[]").lower()
    return host or None


def active_content(markdown_text: str, own_hosts: Iterable[str] = ()) -> list[str]:
    """Problems a renderer would turn into behaviour: images from other hosts (beacons), javascript:/
    data: links, script/iframe/object/embed/style elements, inline event handlers."""
    problems = []
    own = {h.lower() for h in own_hosts}
    page = rendered_html(markdown_text)
    for tag in re.finditer(r"<(img|a|script|iframe|object|embed|svg|math|style|form|link|meta|base|video|audio|source)"
                           r"\b([^>]*)>", page, flags=re.IGNORECASE):
        name, attrs = tag.group(1).lower(), tag.group(2)
        if name in ("script", "iframe", "object", "embed", "style", "form", "link", "meta", "base", "svg", "math"):
            problems.append(f"<{name}> element")
        if re.search(r"\bon[a-z]+\s*=", attrs, flags=re.IGNORECASE):
            problems.append(f"event handler on <{name}>")
        for attr, double, single, bare in re.findall(
                r"\b(src|href|srcset|xlink:href|action|formaction|poster)\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+))",
                attrs, flags=re.IGNORECASE):
            url = double or single or bare
            target = _scheme(url)
            if target.startswith(_BAD_SCHEMES):
                problems.append(f"{target[:12]}… in {attr} of <{name}>")
            if name in ("img", "video", "audio", "source") and attr.lower() in ("src", "srcset", "poster"):
                host = _browser_host(urllib.parse.unquote(target))
                if host is not None and host not in own:
                    problems.append(f"image from {host}")
    return problems


# --------------------------------------------------------------------------------------------------
# Memory of a process: peak resident set between two points (Linux /proc)
# --------------------------------------------------------------------------------------------------

def _status(pid: int | str, field_name: str) -> int:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field_name + ":"):
                return int(line.split()[1]) * 1024
    return 0


def rss(pid: int | str = "self") -> int:
    return _status(pid, "VmRSS")


def reset_peak(pid: int | str = "self") -> int:
    """Reset the peak resident set (VmHWM) to the current one; returns the current RSS."""
    with open(f"/proc/{pid}/clear_refs", "w", encoding="ascii") as refs:
        refs.write("5")
    return rss(pid)


def peak(pid: int | str = "self") -> int:
    return _status(pid, "VmHWM")


def children_of(pid: int) -> list[int]:
    out = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as children:
                out += [int(c) for c in children.read().split()]
    except OSError:
        pass
    return out


class PeakWatcher:
    """Polls a process's RSS in a thread (for peaks clear_refs cannot see, and as a second opinion)."""

    def __init__(self, pid: int | str = "self", interval: float = 0.02):
        self.pid, self.interval, self.max = pid, interval, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.max = max(self.max, rss(self.pid))
            except OSError:
                return
            time.sleep(self.interval)

    def __enter__(self) -> PeakWatcher:
        self.max = rss(self.pid)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=2)


MB = 1024 * 1024


# --------------------------------------------------------------------------------------------------
# Files under a folder: text of any kind a person or program could read back
# --------------------------------------------------------------------------------------------------

PERSONAL_STORE = re.compile(r"\.contacts\.duckdb(\.wal)?$")


def legitimately_personal(path: Path) -> bool:
    """The dataset's private contact store (`X.contacts.duckdb` beside the dataset file `X.duckdb`),
    and contact exports a person explicitly asked for (`_contacts` in the name)."""
    store = PERSONAL_STORE.search(path.name)
    if store:
        return (path.parent / (path.name[:store.start()] + ".duckdb")).exists()
    return "_contacts" in path.name


def _duckdb_texts(path: Path) -> Iterator[tuple[str, str]]:
    import duckdb

    with tempfile.TemporaryDirectory(prefix="redteam-scan-") as folder:
        copy = Path(folder) / "scan.duckdb"
        shutil.copy(path, copy)
        wal = Path(f"{path}.wal")
        if wal.exists():
            shutil.copy(wal, Path(f"{copy}.wal"))
        con = duckdb.connect(str(copy), read_only=True)
        try:
            columns = con.execute(
                "SELECT table_schema, table_name, column_name, data_type FROM information_schema.columns "
                "WHERE table_schema NOT IN ('information_schema', 'pg_catalog')").fetchall()
            for schema, table, column, kind in columns:
                ref = f'"{schema}"."{table}"'
                col = '"' + column.replace('"', '""') + '"'
                kind = kind.upper()
                if kind.startswith(("VARCHAR", "STRUCT", "MAP", "JSON", "UNION")) or kind.endswith("[]"):
                    query = f"SELECT DISTINCT CAST({col} AS VARCHAR) FROM {ref} WHERE {col} IS NOT NULL"
                elif kind in ("BIGINT", "HUGEINT", "UBIGINT", "DOUBLE", "DECIMAL(18,0)", "DECIMAL(20,0)") or \
                        kind.startswith("DECIMAL"):
                    query = (f"SELECT DISTINCT CAST(CAST({col} AS HUGEINT) AS VARCHAR) FROM {ref} "
                             f"WHERE {col} BETWEEN 10000000000 AND 19999999999")
                else:
                    continue
                try:
                    values = [r[0] for r in con.execute(query).fetchall()]
                except Exception:  # noqa: BLE001 - an odd type: the byte scan still covers it
                    continue
                if values:
                    yield f"{table}.{column}", "\n".join(values)
        finally:
            con.close()


def file_texts(path: Path) -> Iterator[tuple[str, str]]:
    """(where, text) pieces of a file: DuckDB tables, zip members (xlsx), parquet cells, raw text."""
    name = path.name.lower()
    try:
        data = path.read_bytes()
    except OSError:
        return
    if name.endswith(".duckdb") or data[8:12] == b"DUCK":
        try:
            yield from _duckdb_texts(path)
        except Exception:  # noqa: BLE001 - not openable (locked, corrupt): bytes below
            pass
    if data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                for member in archive.infolist()[:200]:
                    if member.file_size <= 200 * MB:
                        yield f"zip:{member.filename}", archive.read(member).decode("utf-8", errors="ignore")
        except Exception:  # noqa: BLE001
            pass
    if name.endswith(".parquet") or data[:4] == b"PAR1":
        try:
            import pyarrow.parquet as pq

            table = pq.read_table(io.BytesIO(data))
            if table.num_rows <= 2_000_000:
                for column in table.column_names:
                    yield f"parquet:{column}", "\n".join(map(str, table.column(column).to_pylist()))
        except Exception:  # noqa: BLE001
            pass
    yield "bytes(utf-8)", data.decode("utf-8", errors="ignore")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        yield "bytes(utf-16)", data.decode("utf-16", errors="ignore")
    elif len(data) <= 20 * MB and b"\x00" not in data[:4096]:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:  # a text file in a Chinese code page (GBK exports)
            yield "bytes(gb18030)", data.decode("gb18030", errors="ignore")


def scan_tree(index: RawIndex, root: Path, skip: Callable[[Path], bool] = legitimately_personal,
              max_bytes: int = 300 * MB) -> list[Leak]:
    leaks: list[Leak] = []
    if not root.exists():
        return leaks
    for path in sorted(p for p in root.rglob("*")):
        relative = str(path.relative_to(root))
        shown = index.scrub(relative)
        leaks += [Leak(k.kind, k.value, f"file name {shown}", k.context) for k in index.find(relative, "name")]
        if not path.is_file() or path.is_symlink() or skip(path):
            continue
        try:
            if path.stat().st_size > max_bytes:
                continue
        except OSError:
            continue
        for where, text in file_texts(path):
            leaks += [Leak(k.kind, k.value, f"{shown} {where} {k.where}", k.context)
                      for k in index.find(text, "text")]
    return _unique(leaks)


def world_or_group_readable(path: Path) -> bool:
    return bool(path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO))


# --------------------------------------------------------------------------------------------------
# The whole-run plugin
# --------------------------------------------------------------------------------------------------

@dataclass
class _State:
    home: Path | None = None
    handler: logging.Handler | None = None
    records: list[str] = field(default_factory=list)
    dropped: int = 0
    contacts: Any = None
    demo_db: Path | None = None
    index: RawIndex | None = None
    findings: list[str] = field(default_factory=list)


_STATE = _State()
_MAX_RECORDS = 500_000


class _Recorder(logging.Handler):
    """Keeps the text of every record (message, exception, stack) for the end-of-run scan."""

    def __init__(self) -> None:
        super().__init__(level=logging.NOTSET)
        self._lock_records = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        try:
            parts = [record.name, record.getMessage()]
            if record.exc_info:
                parts.append(logging.Formatter().formatException(record.exc_info))
            elif record.exc_text:
                parts.append(record.exc_text)
            if record.stack_info:
                parts.append(record.stack_info)
            text = "\n".join(parts)
        except Exception:  # noqa: BLE001 - a broken record must not break the run
            return
        with self._lock_records:
            if len(_STATE.records) < _MAX_RECORDS:
                _STATE.records.append(text)
            else:
                _STATE.dropped += 1


def pytest_sessionstart(session: pytest.Session) -> None:
    home = os.environ.get("ASSISTANT_HOME")
    _STATE.home = Path(home) if home else None
    _STATE.handler = _Recorder()
    logging.getLogger().addHandler(_STATE.handler)


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(fixturedef: Any, request: Any) -> Any:
    result = yield
    if fixturedef.argname == "demo_contacts":
        _STATE.contacts = result
    elif fixturedef.argname == "demo_db":
        _STATE.demo_db = Path(result)
    return result


def _end_of_run_index() -> RawIndex:
    if _STATE.index is not None:
        return _STATE.index
    try:
        return RawIndex(raw_contacts(_STATE.contacts, _STATE.demo_db), public_texts(_STATE.demo_db))
    except Exception:  # noqa: BLE001 - build the (deterministic) demo shop to know its raw contacts
        from data.demo import build_demo

        with tempfile.TemporaryDirectory(prefix="redteam-demo-") as folder:
            path = Path(folder) / "demo.duckdb"
            build_demo(path)
            return RawIndex(raw_contacts(None, path), public_texts(path))


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _STATE.handler is not None:
        logging.getLogger().removeHandler(_STATE.handler)
    home = _STATE.home
    has_files = home is not None and home.exists() and any(p.is_file() for p in home.rglob("*"))
    if not has_files and not _STATE.records:
        return
    try:
        index = _end_of_run_index()
    except Exception as error:  # noqa: BLE001
        _STATE.findings.append(f"could not load the demo shop's raw contacts to scan the run: {error!r}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        return
    findings: list[str] = []
    if has_files:
        findings += [f"workspace file: {leak}" for leak in scan_tree(index, home)]
    for number, text in enumerate(_STATE.records):
        findings += [f"log record {number}: {leak}" for leak in index.find(text, "log")]
    if _STATE.dropped:
        findings.append(f"{_STATE.dropped} log records were not kept for scanning (over {_MAX_RECORDS})")
    _STATE.findings = findings
    if findings:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not _STATE.findings:
        return
    terminalreporter.section("red team: raw personal data left in the workspace or the logs", red=True)
    for line in _STATE.findings[:60]:
        terminalreporter.line(line, red=True)
    if len(_STATE.findings) > 60:
        terminalreporter.line(f"... and {len(_STATE.findings) - 60} more", red=True)
    terminalreporter.line("The run fails: only *.contacts.duckdb stores and explicit *_contacts* exports may "
                          "hold raw phones and nicknames.", red=True)


# --------------------------------------------------------------------------------------------------
# Servers for one module: `assistant serve` in this process with its own settings and workspace
# --------------------------------------------------------------------------------------------------

def session_home() -> Path:
    """The test session's workspace (what the whole-run scan reads)."""
    return _STATE.home or Path(os.environ["ASSISTANT_HOME"])


def module_home(name: str) -> Path:
    """A workspace for one module's server, inside the session workspace so the end-of-run scan covers it."""
    home = session_home() / "redteam" / name
    home.mkdir(parents=True, exist_ok=True)
    return home


class ServedApp:
    """`assistant serve` on a free loopback port with `env` set while it runs (a module fixture)."""

    managed: set[str] = set()  # every setting some module server set: the others' must not leak into a test

    def __init__(self, data: Path, env: dict[str, str], host: str = "127.0.0.1"):
        self.data, self.env, self.host = data, env, host
        self.patch = pytest.MonkeyPatch()
        self.server: Any = None
        ServedApp.managed |= set(env)

    def __enter__(self) -> ServedApp:
        from assistant.server import serve
        from tests.conftest import free_port

        # The settings hold while the app is built; afterwards each test that uses this server puts
        # them back (`setenv`), so other tests in the session never see them.
        for key in ServedApp.managed - set(self.env):
            self.patch.delenv(key, raising=False)
        for key, value in self.env.items():
            self.patch.setenv(key, value)
        try:
            self.port = free_port()
            self.server = serve(self.data, self.host, self.port, block=False)
            self.url = self.server.url
        finally:
            self.patch.undo()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.server is not None:
            # Open Gradio heartbeat streams would hold a graceful shutdown for its full timeout.
            self.server.server.force_exit = True
            self.server.close()

    def active(self) -> Any:
        """The settings in force for a block (module fixtures run before a test's autouse fixtures)."""
        import contextlib

        @contextlib.contextmanager
        def block() -> Iterator[ServedApp]:
            with pytest.MonkeyPatch.context() as patch:
                self.setenv(patch)
                yield self

        return block()

    def setenv(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Put this server's settings back for one test (conftest's autouse fixture drops model keys)."""
        for key in ServedApp.managed - set(self.env):
            monkeypatch.delenv(key, raising=False)
        for key, value in self.env.items():
            monkeypatch.setenv(key, value)


# --------------------------------------------------------------------------------------------------
# `assistant serve` in a subprocess (its memory is its own; it can be restarted), shared by modules
# --------------------------------------------------------------------------------------------------

DINGTALK_SECRET = "redteam-ding-secret"


class SubprocessServer:
    def __init__(self, data: Path, home: Path, env: dict[str, str], name: str):
        self.data, self.home, self.env, self.name = data, home, env, name
        self.process: Any = None
        self.url = ""
        self.log = home / f"{name}-server.log"

    @property
    def pid(self) -> int:
        return self.process.pid

    def start(self) -> SubprocessServer:
        import subprocess
        import sys

        import httpx

        from tests.conftest import REPO, free_port

        port = free_port()
        full = dict(os.environ) | {"ASSISTANT_HOME": str(self.home)} | self.env
        for key in ("ASSISTANT_USERS", "ASSISTANT_API_TOKENS", "ASSISTANT_ADMINS"):
            if key not in self.env:
                full.pop(key, None)
        handle = self.log.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "assistant.cli", "serve", "--data", str(self.data), "--port", str(port)],
            cwd=REPO, env=full, stdout=handle, stderr=subprocess.STDOUT)
        handle.close()
        self.url = f"http://127.0.0.1:{port}/"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited: {self.log.read_text(errors='ignore')[-2000:]}")
            try:
                if httpx.get(self.url + "health", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError("the server did not start")

    def stop(self) -> None:
        import subprocess

        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=3)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def restart(self) -> SubprocessServer:
        self.stop()
        return self.start()

    def alive(self) -> bool:
        import httpx

        if self.process is None or self.process.poll() is not None:
            return False
        try:
            return httpx.get(self.url + "health", timeout=10).status_code == 200
        except httpx.HTTPError:
            return False


@pytest.fixture(scope="session")
def rt_model():
    """The scripted model for the subprocess server (it reaches the stub over HTTP)."""
    from tests.openai_stub import StubOpenAI, text

    stub = StubOpenAI(text("ok"))
    yield stub
    stub.close()


@pytest.fixture(scope="session")
def rt_server(demo_db, rt_model):
    """`assistant serve` in a subprocess: the stub model, a DingTalk secret, a 30 s query timeout."""
    env = {"OPENAI_API_KEY": "stub-key", "OPENAI_BASE_URL": rt_model.base_url, "ASSISTANT_MODEL": "stub-model",
           "ASSISTANT_LLM_MAX_RETRIES": "0", "ASSISTANT_LLM_TIMEOUT": "60", "ASSISTANT_QUERY_TIMEOUT": "30",
           "ASSISTANT_DINGTALK_APP_SECRET": DINGTALK_SECRET, "ASSISTANT_BOTS_SYNC_SECONDS": "4.5"}
    server = SubprocessServer(Path(demo_db), module_home("subprocess"), env, "subprocess").start()
    yield server
    server.stop()


# --------------------------------------------------------------------------------------------------
# In-process servers shared by the red-team modules
# --------------------------------------------------------------------------------------------------

TEAM_USERS = {"alice": "redteam-alice-pw", "bob": "redteam-bob-pw", "carol": "carols-real-password",
              "dave": "dave-pw"}


@pytest.fixture(scope="session")
def rt_app_model():
    """The scripted model behind `rt_app`."""
    from tests.openai_stub import StubOpenAI, text

    stub = StubOpenAI(text("ok"))
    yield stub
    stub.close()


@pytest.fixture(scope="session")
def rt_platforms():
    """The chat platforms' APIs (WeCom, DingTalk, Feishu, Slack), faked; records what the bots send."""
    from tests.test_bots import Stub

    stub = Stub()
    yield stub
    stub.server.shutdown()


@pytest.fixture(scope="session")
def rt_app(demo_db, rt_app_model, rt_platforms):
    """`assistant serve` on loopback with no login (the local person is the admin), the stub model
    (used when a test puts the model settings back) and all four bots configured."""
    from tests.test_bots import DINGTALK, FEISHU, SLACK, WECOM

    env = {"OPENAI_API_KEY": "stub-key", "OPENAI_BASE_URL": rt_app_model.base_url, "ASSISTANT_MODEL": "stub-model",
           "ASSISTANT_LLM_MAX_RETRIES": "0", "ASSISTANT_LLM_TIMEOUT": "20", "ASSISTANT_MAX_MODEL_CALLS": "4",
           "ASSISTANT_HOME": str(module_home("app")), "ASSISTANT_BOTS_SYNC_SECONDS": "4.5",
           **WECOM, **DINGTALK, **FEISHU, **SLACK}
    for name in ("FEISHU", "SLACK", "WECOM", "DINGTALK"):
        env[f"ASSISTANT_{name}_API_BASE"] = rt_platforms.url
    with ServedApp(Path(demo_db), env) as served:
        yield served


@pytest.fixture(scope="session")
def rt_team(demo_db):
    """`assistant serve` with logins: alice is the admin; bob, carol and dave are not."""
    env = {"ASSISTANT_HOME": str(module_home("team")),
           "ASSISTANT_USERS": ",".join(f"{u}:{p}" for u, p in TEAM_USERS.items()), "ASSISTANT_ADMINS": "alice"}
    with ServedApp(Path(demo_db), env) as served:
        yield served


def from_address(address: str, timeout: float = 60) -> Any:
    """An httpx client whose requests come from another loopback address (127.0.0.2, ...), so a per-address
    login limit hit by one test does not lock the others out."""
    import httpx

    return httpx.Client(transport=httpx.HTTPTransport(local_address=address), timeout=timeout)


def offered_files(payload: Any, base_url: str = "") -> list[tuple[str, str]]:
    """(where, text) of every file an answer offers: `files[].path` read from disk, `files[].url` and any
    /downloads/ or /gradio_api/file= link in the answer fetched over HTTP."""
    import httpx

    out: list[tuple[str, str]] = []
    text = json.dumps(payload, ensure_ascii=False) if not isinstance(payload, str) else payload
    if isinstance(payload, str) and payload.strip()[:1] == "{":
        try:
            payload = json.loads(payload)
        except ValueError:
            pass
    entries = payload.get("files") or [] if isinstance(payload, dict) else []
    links = set(re.findall(r"https?://[^\s\"')\]]+/(?:downloads|gradio_api/file=)[^\s\"')\]]*", text))
    for entry in entries:
        if isinstance(entry, dict):
            path = Path(str(entry.get("path") or ""))
            if entry.get("path") and path.is_file():
                out += [(f"file {path.name} {where}", chunk) for where, chunk in file_texts(path)]
            if entry.get("url"):
                links.add(str(entry["url"]))
    for link in sorted(links):
        if base_url and link.startswith("/"):
            link = base_url.rstrip("/") + link
        try:
            response = httpx.get(link, timeout=60)
        except httpx.HTTPError:
            continue
        if response.status_code < 400:
            out.append((f"link {urllib.parse.urlsplit(link).path}", response.content.decode("utf-8-sig", "ignore")))
    return out
