"""Datasets hold personal data only in masked form: raw values are unavailable, not policed.

A *sealed* dataset is a DuckDB file in which
- every personal column (phone, nickname, name, address...; tools.privacy.is_personal_column) holds
  masked values (138****8000, 张**), so no SQL shape — alias, cast, slice, join condition — can reach
  a raw value: there is none in the file;
- an identifier column whose values are phone numbers, e-mails or ID numbers (an export keyed by
  the buyer's phone, or a customer_id the caller says is personal) holds a surrogate key instead: a
  keyed hash, so joins and counts still work and the same buyer gets the same key on re-import;
- phone numbers, e-mails and ID numbers inside any other text are masked;
- only base tables exist: views, macros and generated columns of a source file are not copied, so
  nothing stored in a file runs when it is queried;
- a marker table records the sealing (hidden from queries by the warehouse).

The raw values of the customers' personal columns go to the dataset's *contact store*, a separate
file beside it (mode 0600), read in exactly one place: `read_contacts`, used by the contact export an
admin asks for explicitly (assistant.exporting).
"""

from __future__ import annotations

import atexit
import hashlib
import json
import os
import re
import shutil
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from tools.privacy import is_personal_column, mask_personal, mask_text
from tools.result import ToolError

MARKER_TABLE = "_assistant_sealed"
HIDDEN_TABLES = (MARKER_TABLE,)  # bookkeeping, unknown to queries (it holds a version and a time)
SEAL_VERSION = 1
CONTACTS_TABLE = "contacts"
SOURCE_KEY_COLUMN = "source_customer_key"  # in the contact store: the raw key a surrogate replaced
PRIVATE_FILE_MODE = 0o600
CUSTOMER_KEY = "customer_id"
# A key column is treated as personal when this share of its values are phones, e-mails or IDs.
PERSONAL_KEY_SHARE = 0.5
_KEY_SAMPLE = 2000
# Cheap SQL pre-filter before the exact Python masking: seven digits in a row (allowing
# separators) or an @. Most text cells (statuses, titles, categories) never reach Python.
# Digits may be full-width and separated by NBSP, zero-width characters or a full-width dash,
# as tools.privacy.mask_text reads them.
_MAYBE_PATTERN = ("[0-9０-９][0-9０-９ \\-.()\u00a0\u200b\u200c\u200d\u2060\ufeff－]{5,}[0-9０-９]"
                  "|@|＠")


def is_identifier_column(name: str) -> bool:
    lowered = name.lower()
    return lowered in ("id", "uid", "key") or lowered.endswith(("_id", "_key", "_no", "_uid"))


def contacts_path(dataset: Path) -> Path:
    """Where a dataset's raw contact details live: beside it, never inside it."""
    dataset = Path(dataset)
    return dataset.with_name(f"{dataset.stem}.contacts.duckdb")


def private_file(path: Path) -> Path:
    """Owner read/write only: datasets, contact stores and exports hold customers' data."""
    try:
        os.chmod(path, PRIVATE_FILE_MODE)
    except OSError:
        pass
    return path


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@dataclass
class SealReport:
    """What sealing changed, for the import report and the logs (no values, only names and counts)."""

    masked_columns: list[str] = field(default_factory=list)  # table.column masked whole
    surrogate_columns: list[str] = field(default_factory=list)  # table.column replaced by surrogate keys
    pattern_columns: list[str] = field(default_factory=list)  # table.column with phones/e-mails masked inside
    dropped: list[str] = field(default_factory=list)  # views, macros, generated columns not copied
    contacts: int = 0  # customers with a row in the contact store
    names: int = 0  # customers' names with a digest in the contact store (NameMask)


# --- Inspecting -------------------------------------------------------------------------------

def _attach_read_only(path: Path) -> duckdb.DuckDBPyConnection:
    """A private in-memory connection with `path` attached read-only as `src`, then locked: nothing
    stored in the file (a view reading files, a settings function) can reach outside it."""
    con = duckdb.connect(config={"threads": 2})
    try:
        con.execute(f"ATTACH {_literal(str(path))} AS src (READ_ONLY)")
        con.execute("SET enable_external_access = false")
    except duckdb.Error as error:
        con.close()
        raise ToolError(
            "data_unreadable",
            f"Could not open {path.name} as a DuckDB database ({str(error).splitlines()[0]}).",
            f"无法把 {path.name} 作为 DuckDB 数据库打开（{str(error).splitlines()[0]}）。",
        ) from None
    return con


def _base_tables(con: duckdb.DuckDBPyConnection, catalog: str = "src") -> list[str]:
    rows = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = ? AND schema_name = 'main' "
        "AND NOT internal AND NOT temporary ORDER BY table_name", [catalog]).fetchall()
    return [r[0] for r in rows if r[0] not in HIDDEN_TABLES]


def record_path(dataset: Path) -> Path:
    """Beside a sealed file: its size and modification time when it was sealed. A file changed
    since (a table added, a row updated) no longer matches and is sealed again before use."""
    dataset = Path(dataset)
    return dataset.with_name(f"{dataset.stem}.sealed")


def _write_record(dataset: Path) -> None:
    stat = dataset.stat()
    record = record_path(dataset)
    tmp = _temp_beside(record)
    tmp.write_text(json.dumps({"version": SEAL_VERSION, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}),
                   encoding="utf-8")
    os.replace(private_file(tmp), record)


def _record_matches(dataset: Path) -> bool:
    try:
        record = json.loads(record_path(dataset).read_text(encoding="utf-8"))
        stat = dataset.stat()
    except (OSError, ValueError):
        return False
    return record == {"version": SEAL_VERSION, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}


def is_sealed(path: Path) -> bool:
    """Sealed by this version and unchanged since (its record matches), with no view or macro in
    it, and every personal column masked."""
    if not _record_matches(Path(path)):
        return False
    con = _attach_read_only(path)
    try:
        marker = con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE database_name = 'src' AND table_name = ?",
            [MARKER_TABLE]).fetchone()[0]
        if not marker or con.execute(f"SELECT max(version) FROM src.main.{MARKER_TABLE}").fetchone()[0] \
                != SEAL_VERSION:
            return False
        stored_code = con.execute(
            "SELECT (SELECT count(*) FROM duckdb_views() WHERE database_name = 'src' AND NOT internal) + "
            "(SELECT count(*) FROM duckdb_functions() WHERE database_name = 'src' AND NOT internal) + "
            "(SELECT count(*) FROM duckdb_columns() WHERE database_name = 'src' AND is_generated)").fetchone()[0]
        if stored_code:
            return False
        # A file copied and then edited could carry new raw values under the old marker: every
        # personal column must hold masked values only (each masked form contains "**").
        for table, column in _columns(con, lambda t, c, _type: is_personal_column(c, t)):
            raw = con.execute(
                f"SELECT count(*) FROM src.main.{_quoted(table)} WHERE {_quoted(column)} IS NOT NULL "
                f"AND trim({_quoted(column)}::VARCHAR) <> '' AND NOT contains({_quoted(column)}::VARCHAR, '**')"
            ).fetchone()[0]
            if raw:
                return False
        return True
    finally:
        con.close()


def _columns(con: duckdb.DuckDBPyConnection, keep, catalog: str = "src") -> list[tuple[str, str]]:
    rows = con.execute(
        "SELECT table_name, column_name, data_type FROM duckdb_columns() WHERE database_name = ? "
        "AND schema_name = 'main' AND NOT is_generated ORDER BY table_name, column_index", [catalog]).fetchall()
    tables = set(_base_tables(con, catalog))
    return [(t, c) for t, c, d in rows if t in tables and keep(t, c, d)]


# --- Sealing ----------------------------------------------------------------------------------

def seal(source: Path, target: Path, secret: bytes, *, personal_keys: tuple[str, ...] = ()) -> SealReport:
    """Write the sealed form of the DuckDB file `source` to `target` and its contact store beside it
    (both replaced atomically, both mode 0600). `source` is only read. `personal_keys` names
    identifier columns the caller knows hold personal values (an import keyed by phone or nickname);
    others are recognised by their values."""
    target = Path(target)
    contacts = contacts_path(target)
    tmp_target, tmp_contacts = _temp_beside(target), _temp_beside(contacts)
    report = SealReport()
    try:
        con = duckdb.connect(str(tmp_target))
        try:
            private_file(tmp_target)
            con.execute(f"ATTACH {_literal(str(source))} AS src (READ_ONLY)")
            con.execute(f"ATTACH {_literal(str(tmp_contacts))} AS private")
            private_file(tmp_contacts)
            # From here on, nothing the source file stores can touch files, the network or settings.
            con.execute("SET enable_external_access = false")
            con.execute("SET lock_configuration = true")
            con.create_function("assistant_mask_personal", _mask_personal_cell, ["VARCHAR"], "VARCHAR",
                                null_handling="special", side_effects=False)
            con.create_function("assistant_mask_text", _mask_text_cell, ["VARCHAR"], "VARCHAR",
                                null_handling="special", side_effects=False)
            _note_dropped(con, report)
            surrogates = _surrogate_columns(con, personal_keys)
            secret_hex = hashlib.sha256(secret).hexdigest()
            _write_contacts(con, surrogates, secret_hex, report)
            for table in _base_tables(con):
                _copy_table(con, table, surrogates, secret_hex, report)
            report.names = _write_name_digests(con)
            con.execute(f"CREATE TABLE main.{MARKER_TABLE} (version INTEGER, sealed_at TIMESTAMP)")
            con.execute(f"INSERT INTO main.{MARKER_TABLE} VALUES (?, now()::TIMESTAMP)", [SEAL_VERSION])
            con.execute("DETACH src")
            con.execute("DETACH private")
            con.execute("CHECKPOINT")
        finally:
            con.close()
        Path(f"{tmp_target}.wal").unlink(missing_ok=True)
        private = report.contacts or report.names
        os.replace(tmp_contacts, contacts) if private else tmp_contacts.unlink(missing_ok=True)
        if not private:
            contacts.unlink(missing_ok=True)  # a re-import without personal data leaves no stale store
        os.replace(tmp_target, target)
        _write_record(target)
    finally:
        for leftover in (tmp_target, tmp_contacts, Path(f"{tmp_target}.wal"), Path(f"{tmp_contacts}.wal")):
            leftover.unlink(missing_ok=True)
    return report


def _temp_beside(path: Path) -> Path:
    return path.with_name(f"{path.name}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}")


def _mask_personal_cell(value: str | None) -> str | None:
    return None if value is None else str(mask_personal(value))


def _mask_text_cell(value: str | None) -> str | None:
    return None if value is None else mask_text(value)


def _note_dropped(con: duckdb.DuckDBPyConnection, report: SealReport) -> None:
    for (name,) in con.execute("SELECT view_name FROM duckdb_views() WHERE database_name = 'src' AND NOT internal "
                               "UNION ALL SELECT DISTINCT function_name FROM duckdb_functions() "
                               "WHERE database_name = 'src' AND NOT internal").fetchall():
        report.dropped.append(name)
    for table, column in con.execute("SELECT table_name, column_name FROM duckdb_columns() "
                                     "WHERE database_name = 'src' AND is_generated").fetchall():
        report.dropped.append(f"{table}.{column}")


# --- Names that no pattern can find -----------------------------------------------------------
# A phone number looks like one; a nickname does not. So the contact store keeps keyed digests of
# the customers' names (3 characters or more, and not also a host, product, brand or category
# name), and text a model writes is checked against them (NameMask). They live in the private
# store, never in the file queries open: a digest table there could be read back and tried
# against a word list.
DIGESTS_TABLE = "name_digests"
KEY_TABLE = "store_key"
MIN_NAME_CHARS = 3
_NAME_WORDS = ("nick", "name", "昵称", "姓名", "收货人", "收件人", "联系人", "用户名", "会员名", "微信", "旺旺",
               "consignee", "recipient", "receiver")
_PUBLIC_NAMES = (("hosts", "host_name"), ("products", "product_name"), ("products", "brand"),
                 ("products", "category"), ("live_sessions", "title"))


def _name_columns(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    return _columns(con, lambda t, c, d: d == "VARCHAR" and is_personal_column(c, t)
                    and any(w in c.lower() for w in _NAME_WORDS))


def _write_name_digests(con: duckdb.DuckDBPyConnection) -> int:
    columns = _name_columns(con)
    if not columns:
        return 0
    key = os.urandom(32).hex()
    con.execute(f"CREATE TABLE private.main.{KEY_TABLE} AS SELECT ? AS key", [key])
    con.execute(f"CREATE TABLE private.main.{DIGESTS_TABLE} (digest VARCHAR, length INTEGER)")
    every = set(_columns(con, lambda *_: True))
    public = [f"SELECT {_quoted(c)} AS v FROM src.main.{_quoted(t)}" for t, c in _PUBLIC_NAMES if (t, c) in every]
    exclude = f" EXCEPT ({' UNION '.join(public)})" if public else ""
    for table, column in columns:
        con.execute(
            f"INSERT INTO private.main.{DIGESTS_TABLE} SELECT substr(sha256(? || ':' || v), 1, 16), length(v) "
            f"FROM (SELECT DISTINCT trim({_quoted(column)}) AS v FROM src.main.{_quoted(table)} "
            f"WHERE length(trim({_quoted(column)})) >= {MIN_NAME_CHARS}{exclude}) names", [key])
    return con.execute(f"SELECT count(*) FROM private.main.{DIGESTS_TABLE}").fetchone()[0]


@dataclass(frozen=True)
class NameMask:
    """Masks the customers' names a text holds (first character kept: 张**)."""

    key: str = ""
    digests: frozenset[str] = frozenset()
    lengths: tuple[int, ...] = ()

    def __call__(self, text: str) -> str:
        if not self.digests or not text:
            return text
        found: list[tuple[int, int]] = []
        for size in self.lengths:  # longest first: a name inside a longer name is the longer one
            for start in range(0, len(text) - size + 1):
                piece = text[start:start + size]
                if piece[0].isspace() or piece[-1].isspace():
                    continue
                digest = hashlib.sha256(f"{self.key}:{piece}".encode()).hexdigest()[:16]
                if digest in self.digests and not any(a < start + size and start < b for a, b in found):
                    found.append((start, start + size))
        for start, end in sorted(found, reverse=True):
            text = text[:start] + text[start] + "**" + text[end:]
        return text


def name_mask(dataset: Path) -> NameMask:
    """The name digests kept in a dataset's contact store (an empty mask when it has none)."""
    store = contacts_path(dataset)
    if not store.is_file():
        return NameMask()
    con = duckdb.connect(config={"threads": 1})
    try:
        con.execute(f"ATTACH {_literal(str(store))} AS private (READ_ONLY)")
        con.execute("SET enable_external_access = false")
        present = {r[0] for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = 'private'").fetchall()}
        if not {DIGESTS_TABLE, KEY_TABLE} <= present:
            return NameMask()
        key = con.execute(f"SELECT key FROM private.main.{KEY_TABLE}").fetchone()[0]
        rows = con.execute(f"SELECT digest, length FROM private.main.{DIGESTS_TABLE}").fetchall()
    except duckdb.Error:
        return NameMask()
    finally:
        con.close()
    return NameMask(key, frozenset(r[0] for r in rows), tuple(sorted({r[1] for r in rows}, reverse=True)))


def _surrogate_columns(con: duckdb.DuckDBPyConnection, personal_keys: tuple[str, ...]) -> set[str]:
    """Identifier column names (across all tables) whose values are personal: given, or mostly
    phone numbers, e-mails or ID numbers in a sample."""
    found = {k for k in personal_keys}
    candidates = _columns(con, lambda t, c, d: is_identifier_column(c) and c not in found
                          and (d == "VARCHAR" or d in ("BIGINT", "HUGEINT", "UBIGINT", "DECIMAL(18,0)")))
    for table, column in candidates:
        sample = [r[0] for r in con.execute(
            f"SELECT {_quoted(column)}::VARCHAR FROM src.main.{_quoted(table)} "
            f"WHERE {_quoted(column)} IS NOT NULL USING SAMPLE {_KEY_SAMPLE} ROWS").fetchall()]
        if not sample:
            continue
        personal = sum(mask_text(v) != v for v in sample)
        if column == CUSTOMER_KEY:  # a customer "id" that is a name or an account (买家会员名 → momo_li)
            personal = max(personal, sum(not _OPAQUE_ID.match(v.strip()) for v in sample))
        if personal / len(sample) >= PERSONAL_KEY_SHARE:
            found.add(column)
    return found


# What a platform's or a shop's own customer id looks like: digits with at most a short letter
# prefix (100000001, C0042, dy_8812345, tb1234567), or a hex digest / UUID. Anything else in a
# customer id column — 小红帽2020, momo_li, 快乐的小猪猪 — is someone's chosen name.
_OPAQUE_ID = re.compile(r"^(?:[A-Za-z]{0,4}[-_]?\d+|[0-9a-fA-F][0-9a-fA-F-]{15,})$")


# Hex digits spelled as letters only (0-9 -> g..s): a surrogate never holds a run of digits that
# reads as a phone number (C13812345678ab… was masked on the way out, garbling the id).
SURROGATE_LETTERS = ("0123456789", "ghjkmnpqrs")


def surrogate_sql(value_sql: str, secret_hex: str) -> str:
    """A keyed hash: the same buyer gets the same key on every import into this workspace, and the
    key cannot be reversed by hashing every possible phone number without the workspace secret.
    DuckDB's spelling; tools.spark_warehouse builds the same for a catalog."""
    digits, letters = SURROGATE_LETTERS
    return (f"CASE WHEN {value_sql} IS NULL THEN NULL ELSE 'C' || translate(substr(sha256({_literal(secret_hex)} "
            f"|| ':' || {value_sql}::VARCHAR), 1, 16), '{digits}', '{letters}') END")


def _surrogate_sql(column: str, secret_hex: str) -> str:
    return surrogate_sql(_quoted(column), secret_hex)


def _write_contacts(con: duckdb.DuckDBPyConnection, surrogates: set[str], secret_hex: str,
                    report: SealReport) -> None:
    """The customers' raw personal columns (and a replaced raw key) into the private store."""
    if "customers" not in _base_tables(con):
        return
    columns = [c for t, c in _columns(con, lambda t, c, d: t == "customers")]
    if CUSTOMER_KEY not in columns:
        return
    personal = [c for c in columns if is_personal_column(c, "customers")]
    keyed = CUSTOMER_KEY in surrogates
    if not personal and not keyed:
        return
    key = _surrogate_sql(CUSTOMER_KEY, secret_hex) if keyed else _quoted(CUSTOMER_KEY)
    picked = [f"{key} AS {CUSTOMER_KEY}"] + [_quoted(c) for c in personal]
    if keyed:
        picked.append(f"{_quoted(CUSTOMER_KEY)}::VARCHAR AS {SOURCE_KEY_COLUMN}")
    con.execute(f"CREATE TABLE private.main.{CONTACTS_TABLE} AS SELECT {', '.join(picked)} "
                f"FROM src.main.customers")
    report.contacts = con.execute(f"SELECT count(*) FROM private.main.{CONTACTS_TABLE}").fetchone()[0]


_WHOLE_NUMBERS = ("BIGINT", "HUGEINT", "UBIGINT", "INTEGER")
_NUMBERS = (*_WHOLE_NUMBERS, "DOUBLE", "FLOAT", "REAL")
_PLAIN = (*_NUMBERS, "SMALLINT", "TINYINT", "USMALLINT", "UTINYINT", "UINTEGER", "BOOLEAN", "DATE", "TIME",
          "TIMESTAMP", "TIMESTAMP WITH TIME ZONE", "INTERVAL", "BLOB", "UUID")


def _copy_table(con: duckdb.DuckDBPyConnection, table: str, surrogates: set[str], secret_hex: str,
                report: SealReport) -> None:
    rows = con.execute(
        "SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = 'src' AND schema_name = 'main' "
        "AND table_name = ? AND NOT is_generated ORDER BY column_index", [table]).fetchall()
    exprs = []
    for column, data_type in rows:
        name = _quoted(column)
        nested = data_type not in _PLAIN and data_type != "VARCHAR" and not data_type.startswith("DECIMAL")
        if column in surrogates:
            exprs.append(f"{_surrogate_sql(column, secret_hex)} AS {name}")
            report.surrogate_columns.append(f"{table}.{column}")
        elif is_personal_column(column, table) or _holds_phone_numbers(con, table, column, data_type):
            exprs.append(f"assistant_mask_personal({name}::VARCHAR) AS {name}")
            report.masked_columns.append(f"{table}.{column}")
        elif data_type == "VARCHAR" and not is_identifier_column(column) and _has_patterns(con, table, name):
            exprs.append(f"CASE WHEN regexp_matches({name}, {_literal(_MAYBE_PATTERN)}) "
                         f"THEN assistant_mask_text({name}) ELSE {name} END AS {name}")
            report.pattern_columns.append(f"{table}.{column}")
        elif nested and _has_patterns(con, table, f"{name}::VARCHAR"):
            # A struct, list, map or JSON value holding a phone number becomes its masked text.
            exprs.append(f"assistant_mask_text({name}::VARCHAR) AS {name}")
            report.pattern_columns.append(f"{table}.{column}")
        else:
            exprs.append(name)
    con.execute(f"CREATE TABLE main.{_quoted(table)} AS SELECT {', '.join(exprs)} FROM src.main.{_quoted(table)}")


def _has_patterns(con: duckdb.DuckDBPyConnection, table: str, value_sql: str) -> bool:
    """Whether any value (`value_sql` over the table's row) holds a phone, e-mail or ID number."""
    hit = con.execute(
        f"SELECT count(*) FROM (SELECT 1 FROM src.main.{_quoted(table)} "
        f"WHERE regexp_matches({value_sql}, {_literal(_MAYBE_PATTERN)}) "
        f"AND assistant_mask_text({value_sql}) <> {value_sql} LIMIT 1)").fetchone()[0]
    return bool(hit)


def _holds_phone_numbers(con: duckdb.DuckDBPyConnection, table: str, column: str, data_type: str) -> bool:
    """A number column (not an identifier) whose values are mostly phone numbers: a phone column
    under a name nobody would guess (`contact`, `tel_no` typed as a number, or a float)."""
    if not (data_type in _NUMBERS or data_type.startswith("DECIMAL")) or is_identifier_column(column):
        return False
    whole = f"CASE WHEN {_quoted(column)} = floor({_quoted(column)}) THEN {_quoted(column)}::HUGEINT::VARCHAR END" \
        if data_type not in _WHOLE_NUMBERS else f"{_quoted(column)}::VARCHAR"
    sample = [r[0] for r in con.execute(
        f"SELECT {whole} FROM src.main.{_quoted(table)} WHERE {_quoted(column)} IS NOT NULL "
        f"USING SAMPLE {_KEY_SAMPLE} ROWS").fetchall()]
    return bool(sample) and sum(v is not None and mask_text(v) != v for v in sample) / len(sample) >= PERSONAL_KEY_SHARE


# --- Opening ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Sealing:
    """Where sealed copies of unsealed files go, and the secret for surrogate keys. Without a
    folder, a copy lives in a private temporary folder for as long as the warehouse is open."""

    folder: Path | None = None
    secret: bytes = b""


def sealed_source(path: Path, sealing: Sealing | None) -> tuple[Path, Path | None]:
    """The file a warehouse opens for `path`: `path` itself when sealed, else a sealed copy (made
    once per version of the file in `sealing.folder`). Also the temporary folder to delete on close."""
    path = Path(path)
    if is_sealed(path):
        return path, None
    sealing = sealing or Sealing()
    temporary = None
    if sealing.folder is None:
        temporary = Path(tempfile.mkdtemp(prefix="assistant-sealed-"))
        atexit.register(shutil.rmtree, temporary, True)  # also when the warehouse is never closed
        folder = temporary
    else:
        folder = Path(sealing.folder)
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    stat = path.stat()
    stem = hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:16]
    target = folder / f"{stem}-{stat.st_size}-{stat.st_mtime_ns}.duckdb"
    if not target.exists() or not is_sealed(target):
        secret = sealing.secret or os.urandom(32)
        try:
            seal(path, target, secret)
        except duckdb.Error as error:
            if temporary:
                shutil.rmtree(temporary, ignore_errors=True)
            raise ToolError(
                "data_unreadable",
                f"Could not prepare {path.name} for safe reading ({str(error).splitlines()[0]}).",
                f"无法为安全读取准备 {path.name}（{str(error).splitlines()[0]}）。",
            ) from None
        _remove_older_copies(folder, stem, target)
    return target, temporary


STALE_COPY_SECONDS = 24 * 3600


def _remove_older_copies(folder: Path, stem: str, keep: Path) -> None:
    """Copies of earlier versions of the same file, once a day old: a server started before the
    file changed may still be reading its copy (its SQL workers open it by path)."""
    import time

    for old in folder.glob(f"{stem}-*.duckdb"):
        if old == keep or old.name.endswith(".contacts.duckdb"):
            continue
        try:
            if time.time() - old.stat().st_mtime < STALE_COPY_SECONDS:
                continue
        except OSError:
            continue
        for path in (old, contacts_path(old), record_path(old)):
            path.unlink(missing_ok=True)


# --- The one reader of raw values -----------------------------------------------------------

def read_contacts(dataset: Path, customer_ids: pd.Series, columns: tuple[str, ...]) -> pd.DataFrame:
    """Raw contact details of these customers: `customer_id` plus whichever of `columns` the store
    has. The only function that reads raw personal values; called by the contact export alone."""
    store = contacts_path(dataset)
    out = pd.DataFrame({CUSTOMER_KEY: customer_ids.drop_duplicates().reset_index(drop=True)})
    if not store.is_file():
        return out
    con = duckdb.connect(config={"threads": 1})
    try:
        con.execute(f"ATTACH {_literal(str(store))} AS private (READ_ONLY)")
        con.execute("SET enable_external_access = false")
        present = [r[0] for r in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE database_name = 'private' AND table_name = ?",
            [CONTACTS_TABLE]).fetchall()]
        wanted = [c for c in columns if c in present]
        if not wanted:
            return out
        con.register("wanted_ids", out.astype({CUSTOMER_KEY: "string"}))
        picked = ", ".join(f"c.{_quoted(c)}" for c in wanted)
        found = con.execute(
            f"SELECT w.{CUSTOMER_KEY}, {picked} FROM wanted_ids w JOIN private.main.{CONTACTS_TABLE} c "
            f"ON c.{CUSTOMER_KEY}::VARCHAR = w.{CUSTOMER_KEY}").df()
    finally:
        con.close()
    found[CUSTOMER_KEY] = found[CUSTOMER_KEY].astype(str)
    keyed = out.assign(**{CUSTOMER_KEY: out[CUSTOMER_KEY].astype(str)})
    return keyed.merge(found, on=CUSTOMER_KEY, how="left")

