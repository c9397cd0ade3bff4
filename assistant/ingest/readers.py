"""Files -> raw string tables (RawTable): encoding, delimiter and header row detected, every cell a
string or None, nothing typed yet.

Supported: .csv .tsv .txt (UTF-8, UTF-8 with BOM, UTF-16 with BOM, GB18030/GBK), .xlsx, .parquet, or a
folder of such files. Every failure a person can hit (wrong file type, too big, a picture renamed
.csv, an empty file) is a ToolError with a message in English and Chinese, never a stack trace.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import zipfile
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pandas as pd

from assistant.ingest.types import RawTable
from tools.result import ToolError

TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
SUPPORTED_SUFFIXES = (*TEXT_SUFFIXES, ".xlsx", ".parquet")
DELIMITERS = (",", "\t", ";", "|")
DEFAULT_MAX_UPLOAD_MB = 200.0
ZIP_BOMB_FACTOR = 20          # an .xlsx may unpack to at most 20x the upload limit
# Real workbooks unpack to 5-15 times their size; a small file unpacking a hundred times over is a
# decompression bomb (a 3 MB .xlsx once unpacked to 805 MB), refused before anything is unpacked.
MAX_UNPACK_RATIO = 100
_RATIO_FLOOR = 50 * 1024 * 1024  # below this, any ratio is harmless
DEFAULT_MAX_IMPORT_ROWS = 3_000_000
# A sheet is read this many columns wide at most, and this many cells in all: openpyxl pads every
# row to the sheet's declared width, so a 2 KB workbook declaring column XFD took 10 GB to read.
MAX_IMPORT_COLUMNS = 300
MAX_IMPORT_CELLS = 30_000_000
MAX_IMPORT_TEXT_BYTES = 1024 * 1024 * 1024  # the text of a Parquet file, unpacked
_SAMPLE_ROWS = 60             # rows looked at to find the header
_HEADER_SEARCH = 25           # the header must be within the first 25 non-blank rows

_SUPPORTED_TEXT_EN = "CSV (.csv), TSV (.tsv), text (.txt), Excel (.xlsx), Parquet (.parquet), DuckDB (.duckdb)"
_SUPPORTED_TEXT_ZH = "CSV（.csv）、TSV（.tsv）、文本（.txt）、Excel（.xlsx）、Parquet（.parquet）、DuckDB（.duckdb）"

# Magic numbers of files people rename by mistake: (prefix, English name, Chinese name).
_MAGIC = (
    (b"\x89PNG", "a PNG picture", "PNG 图片"),
    (b"\xff\xd8\xff", "a JPEG picture", "JPEG 图片"),
    (b"GIF8", "a GIF picture", "GIF 图片"),
    (b"%PDF", "a PDF document", "PDF 文档"),
    (b"PK\x03\x04", "a zip archive (maybe an Excel .xlsx file)", "压缩包（可能是 Excel .xlsx 文件）"),
    (b"\xd0\xcf\x11\xe0", "an old Excel .xls (or an encrypted) file", "旧版 Excel .xls（或加密）文件"),
    (b"Rar!", "a RAR archive", "RAR 压缩包"),
    (b"\x1f\x8b", "a gzip archive", "gzip 压缩包"),
    (b"PAR1", "a Parquet file", "Parquet 文件"),
    (b"SQLite format 3", "a SQLite database", "SQLite 数据库"),
)

_EXCEL_FORMULA_TEXT = re.compile(r'^="(.*)"$', re.S)


# ----------------------------------------------------------------------------------------------------------------
# Public entry point


def read_source(path: str | os.PathLike[str]) -> list[RawTable]:
    """A supported file, or a folder of them (one table per file, sorted by name; an .xlsx gives one
    table per non-empty sheet)."""
    p = Path(path).expanduser()
    if not p.exists():
        raise ToolError("data_not_found", f"No such file or folder: {p}", f"找不到文件或文件夹：{p}")
    if p.is_dir():
        files = sorted(
            (f for f in p.iterdir()
             if f.is_file() and f.suffix.lower() in SUPPORTED_SUFFIXES and not f.name.startswith((".", "~$"))),
            key=lambda f: f.name,
        )
        if not files:
            raise ToolError(
                "empty_file",
                f"The folder {p.name} holds no file that can be imported. Supported types: {_SUPPORTED_TEXT_EN}.",
                f"文件夹 {p.name} 里没有可以导入的文件。支持的类型：{_SUPPORTED_TEXT_ZH}。",
            )
        tables: list[RawTable] = []
        for f in files:
            tables.extend(read_file(f))
        return tables
    return read_file(p)


def read_file(path: str | os.PathLike[str]) -> list[RawTable]:
    """One file -> its tables (one for text and Parquet, one per non-empty sheet for Excel)."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix == ".duckdb":
        raise ToolError(
            "unsupported_file",
            f"{p.name} is a DuckDB database: it is opened as a dataset directly, not read as a table file.",
            f"{p.name} 是 DuckDB 数据库：它会作为数据集直接打开，而不是作为表格文件读取。",
        )
    if suffix not in SUPPORTED_SUFFIXES:
        shown = suffix or "(no extension)"
        shown_zh = suffix or "（无扩展名）"
        if suffix == ".xls":
            extra_en, extra_zh = " Open it in Excel and save it as .xlsx.", "请用 Excel 打开后另存为 .xlsx。"
        else:
            extra_en = extra_zh = ""
        raise ToolError(
            "unsupported_file",
            f"{p.name}: files of type {shown} cannot be imported.{extra_en} Supported types: {_SUPPORTED_TEXT_EN}.",
            f"{p.name}：无法导入 {shown_zh} 类型的文件。{extra_zh}支持的类型：{_SUPPORTED_TEXT_ZH}。",
        )
    size = p.stat().st_size
    limit = max_upload_bytes()
    if size > limit:
        raise _too_large(p, size, limit)
    if size == 0:
        raise _empty(p)
    if suffix in TEXT_SUFFIXES:
        return [read_text(p)]
    if suffix == ".xlsx":
        return read_xlsx(p)
    return [read_parquet(p)]


def max_import_rows() -> int:
    """ASSISTANT_MAX_IMPORT_ROWS (default 3,000,000): rows one import may read. Every cell is held
    as text while it is mapped, so a file declaring tens of millions of rows would exhaust memory."""
    raw = os.environ.get("ASSISTANT_MAX_IMPORT_ROWS", "").strip()
    try:
        rows = int(raw) if raw else DEFAULT_MAX_IMPORT_ROWS
    except ValueError:
        rows = DEFAULT_MAX_IMPORT_ROWS
    return rows if rows > 0 else DEFAULT_MAX_IMPORT_ROWS


def _too_wide(p: Path, columns: int) -> ToolError:
    return ToolError(
        "too_many_columns",
        f"{p.name} has data in {columns:,} columns; one sheet is read {MAX_IMPORT_COLUMNS} columns wide at most. "
        "Export only the columns you need.",
        f"{p.name} 有 {columns:,} 列数据，每个工作表最多读取 {MAX_IMPORT_COLUMNS} 列。请只导出需要的列。",
    )


def _too_many_rows(p: Path, rows: int, limit: int, declared: bool = False) -> ToolError:
    how_en, how_zh = ("declares", "声明有") if declared else ("has more than", "超过")
    return ToolError(
        "too_many_rows",
        f"{p.name} {how_en} {rows:,} rows; one import reads at most {limit:,}. Export a shorter date range, "
        "or split it into several files and import them one at a time.",
        f"{p.name} {how_zh} {rows:,} 行，单次导入最多读取 {limit:,} 行。请导出更短的时间段，或拆成几个文件分别导入。",
    )


def max_upload_bytes() -> int:
    """ASSISTANT_MAX_UPLOAD_MB (default 200) in bytes."""
    raw = os.environ.get("ASSISTANT_MAX_UPLOAD_MB", "")
    try:
        mb = float(raw) if raw.strip() else DEFAULT_MAX_UPLOAD_MB
    except ValueError:
        mb = DEFAULT_MAX_UPLOAD_MB
    if mb <= 0:
        mb = DEFAULT_MAX_UPLOAD_MB
    return int(mb * 1024 * 1024)


# ----------------------------------------------------------------------------------------------------------------
# Errors


def _mb(n: float) -> str:
    return f"{n / 1024 / 1024:,.1f} MB" if n >= 1024 * 1024 else f"{n / 1024:,.1f} KB"


def _too_large(p: Path, size: int, limit: int, unpacked: bool = False) -> ToolError:
    if unpacked:
        return ToolError(
            "file_too_large",
            f"{p.name} unpacks to {_mb(size)}, far more than the {_mb(limit)} allowed; it may be damaged. "
            "Export a smaller date range, or save it as CSV.",
            f"{p.name} 解压后有 {_mb(size)}，远超允许的 {_mb(limit)}，文件可能已损坏。"
            "请导出更短的时间段，或另存为 CSV。",
        )
    return ToolError(
        "file_too_large",
        f"{p.name} is {_mb(size)}, more than the {_mb(limit)} allowed. Export a shorter date range or split it "
        "into several files in one folder.",
        f"{p.name} 有 {_mb(size)}，超过了允许的 {_mb(limit)}。请导出更短的时间段，或拆成几个文件放在同一个文件夹里。",
    )


def _empty(p: Path) -> ToolError:
    return ToolError(
        "empty_file",
        f"{p.name} is empty: it has no rows of data. Check that the export finished, then try again.",
        f"{p.name} 是空的：没有任何数据行。请确认导出已完成后再试。",
    )


def _not_a_table(p: Path, what_en: str | None = None, what_zh: str | None = None) -> ToolError:
    if what_en:
        return ToolError(
            "not_a_table",
            f"{p.name} is not a table: it looks like {what_en}. Please choose the exported CSV or Excel file.",
            f"{p.name} 不是表格：它看起来是{what_zh}。请选择导出的 CSV 或 Excel 文件。",
        )
    return ToolError(
        "not_a_table",
        f"{p.name} cannot be read as a table: its content is not text in a known encoding. "
        "Please choose the exported CSV or Excel file.",
        f"{p.name} 无法作为表格读取：内容不是常见编码的文字。请选择导出的 CSV 或 Excel 文件。",
    )


# ----------------------------------------------------------------------------------------------------------------
# Cells, headers


def clean_cell(value: object) -> str | None:
    """A cell as a stripped string; Excel-export artefacts (a leading tab or =, ="123") removed; '' -> None."""
    if value is None:
        return None
    text = str(value).strip().lstrip("\ufeff").strip()
    if text.startswith("="):
        m = _EXCEL_FORMULA_TEXT.match(text)
        text = m.group(1) if m else text[1:]
        text = text.strip()
    return text or None


def _clean_series(s: pd.Series) -> pd.Series:
    """Vectorised clean_cell for a column of strings."""
    s = s.astype(object)
    text = s.where(s.notna(), "").astype(str).str.strip().str.lstrip("\ufeff").str.strip()
    has_eq = text.str.startswith("=")
    if has_eq.any():
        fixed = text[has_eq].str.replace(_EXCEL_FORMULA_TEXT, r"\1", regex=True)
        fixed = fixed.where(fixed != text[has_eq], text[has_eq].str[1:]).str.strip()
        text = text.where(~has_eq, fixed)
    out = text.astype(object)
    return out.where(text != "", None)


def unique_names(names: Sequence[str | None]) -> list[str]:
    """Blank names -> 列1, 列2 ... (by position); repeats -> name_2, name_3."""
    base = [(n if n else f"列{i + 1}") for i, n in enumerate(names)]
    seen: set[str] = set()
    out: list[str] = []
    counts: Counter[str] = Counter()
    for name in base:
        candidate = name
        while candidate in seen:
            counts[name] += 1
            candidate = f"{name}_{counts[name] + 1}"
        seen.add(candidate)
        out.append(candidate)
    return out


def _width(row: Sequence[str | None]) -> int:
    """Cells up to the last non-empty one."""
    for i in range(len(row) - 1, -1, -1):
        if row[i] not in (None, ""):
            return i + 1
    return 0


_NUMERIC_CELL = re.compile(r"^[-+(¥￥$]*[\d.,:/\- ]+[)%元]*$")


def find_header(rows: Sequence[Sequence[str | None]]) -> int:
    """Index (into `rows`) of the header: the first row as wide as the typical row after it whose cells
    are mostly filled and mostly not numbers. Blank rows and title rows above it are skipped."""
    widths = [_width(r) for r in rows]
    non_blank = [i for i, w in enumerate(widths) if w > 0]
    if not non_blank:
        return 0
    for pos, i in enumerate(non_blank[:_HEADER_SEARCH]):
        following = [widths[j] for j in non_blank[pos + 1: pos + 21]]
        mode = Counter(following).most_common(1)[0][0] if following else widths[i]
        if widths[i] < mode or (mode <= 1 and widths[i] <= 1 and following and max(following) > 1):
            continue
        cells = [c for c in rows[i][: widths[i]]]
        filled = [c for c in cells if c not in (None, "")]
        if len(filled) < 0.5 * len(cells):
            continue
        text_cells = [c for c in filled if not _NUMERIC_CELL.match(str(c))]
        if len(text_cells) >= 0.6 * len(filled):
            return i
    return non_blank[0]


def _frame(header: Sequence[str | None], body: pd.DataFrame) -> pd.DataFrame:
    """Apply the header; drop columns with neither a name nor a value and fully blank rows."""
    width = max(len(header), body.shape[1])
    header = list(header) + [None] * (width - len(header))
    for j in range(body.shape[1], width):
        body[j] = None
    body = body.iloc[:, :width]
    keep = [j for j in range(width) if header[j] or body.iloc[:, j].notna().any()]
    body = body.iloc[:, keep]
    body.columns = unique_names([header[j] for j in keep])
    body = body.astype(object)
    body = body.where(body.notna(), None).dropna(how="all")
    return body


# ----------------------------------------------------------------------------------------------------------------
# Text files


def _decode(p: Path, data: bytes) -> tuple[str, str]:
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise _not_a_table(p) from None
    for magic, en, zh in _MAGIC:
        if data.startswith(magic):
            raise _not_a_table(p, en, zh)
    if b"\x00" in data[:65536]:
        guessed = _utf16_without_bom(data)
        if guessed:
            try:
                text = data.decode(guessed)
            except UnicodeDecodeError:
                raise _not_a_table(p) from None
            return text, "utf-16"
        raise _not_a_table(p)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        pass
    text = data.decode("gb18030", errors="replace")
    if text.count("\ufffd") > max(3, len(text) // 200):
        raise _not_a_table(p)
    return text, "gb18030"


def _utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le' / 'utf-16-be' when NUL bytes sit on one side of (nearly) every byte pair, as in mostly-ASCII
    UTF-16 text without a BOM; None otherwise."""
    sample = data[:4096]
    if len(sample) < 4 or len(sample) % 2:
        sample = sample[: len(sample) - (len(sample) % 2)]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    half = len(sample) // 2
    nul_even, nul_odd = even.count(0), odd.count(0)
    if nul_odd >= 0.4 * half and nul_even <= 0.02 * half:
        return "utf-16-le"
    if nul_even >= 0.4 * half and nul_odd <= 0.02 * half:
        return "utf-16-be"
    return None


def _looks_binary(text: str) -> bool:
    sample = text[:65536]
    if not sample:
        return False
    controls = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\t\r\n\f\v") or ch == "\ufffd")
    return controls > max(2, len(sample) // 100)


def _field_counts(lines: Sequence[str], delimiter: str) -> list[int]:
    counts = []
    for row in csv.reader(lines, delimiter=delimiter):
        if any(c.strip() for c in row):
            counts.append(len(row))
    return counts


def sniff_delimiter(lines: Sequence[str]) -> str:
    """csv.Sniffer on a sample, checked; else the delimiter giving the most consistent multi-column rows."""
    sample_lines = [ln for ln in lines if ln.strip()]
    if not sample_lines:
        return ","

    def score(delimiter: str) -> tuple[float, int]:
        counts = _field_counts(sample_lines, delimiter)
        if not counts:
            return 0.0, 0
        mode, freq = Counter(counts).most_common(1)[0]
        if mode <= 1:
            return 0.0, mode
        return freq / len(counts), mode

    # The sniffer is easily fooled by title rows above the header, so only the lower part of the sample is used.
    tail = sample_lines[len(sample_lines) // 3:] if len(sample_lines) >= 6 else sample_lines
    try:
        sniffed = csv.Sniffer().sniff("".join(tail), delimiters="".join(DELIMITERS)).delimiter
    except csv.Error:
        sniffed = None
    scores = {d: score(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: (scores[d][0] >= 0.6, scores[d][0] * min(scores[d][1], 50), scores[d][1]))
    if sniffed in scores and scores[sniffed][0] >= 0.6 and scores[sniffed][1] >= scores[best][1]:
        return sniffed
    return best if scores[best][0] > 0 else ","


class _LineCounter:
    """Iterates lines for csv.reader, remembering how many were consumed."""

    def __init__(self, lines: Iterable[str]):
        self._it = iter(lines)
        self.consumed = 0

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line = next(self._it)
        self.consumed += 1
        return line


def read_text(p: Path) -> RawTable:
    data = p.read_bytes()
    if not data.strip():
        raise _empty(p)
    text, encoding = _decode(p, data)
    text = text.lstrip("\ufeff")
    if _looks_binary(text):
        raise _not_a_table(p)
    if not text.strip():
        raise _empty(p)
    lines = text.splitlines(keepends=True)
    if len(lines) > max_import_rows() + _SAMPLE_ROWS:
        raise _too_many_rows(p, max_import_rows(), max_import_rows())
    sample = lines[:200]
    delimiter = "\t" if p.suffix.lower() == ".tsv" and _tab_ok(sample) else sniff_delimiter(sample)

    # Parse the first rows with the csv module, remembering the line where each record starts.
    counter = _LineCounter(sample)
    starts: list[int] = []
    rows: list[list[str | None]] = []
    reader = csv.reader(counter, delimiter=delimiter)
    while len(rows) < _SAMPLE_ROWS:
        start = counter.consumed
        try:
            row = next(reader)
        except (StopIteration, csv.Error):
            break
        starts.append(start)
        rows.append([clean_cell(c) for c in row])
    header_idx = find_header(rows)
    if not rows or _width(rows[header_idx]) == 0:
        raise _empty(p)
    header_line = starts[header_idx]
    header = rows[header_idx][: _width(rows[header_idx])]
    body_text = "".join(lines[header_line + 1:]) if header_line + 1 < len(lines) else ""
    notes: list[str] = []
    if header_line:
        notes.append(f"skipped {header_line} line(s) above the header (title or blank lines)")
    body = _read_body(body_text, delimiter, len(header), notes)
    df = _frame(header, body)
    if df.empty:
        raise _empty(p)
    return RawTable(name=p.stem, df=df, source=str(p), encoding=encoding, delimiter=delimiter,
                    header_row=header_line, notes=notes)


def _tab_ok(sample: Sequence[str]) -> bool:
    return any("\t" in ln for ln in sample)


def _read_body(body_text: str, delimiter: str, width: int, notes: list[str]) -> pd.DataFrame:
    """Data rows below the header as cleaned strings, indexed by line offset from the header."""
    if not body_text.strip():
        return pd.DataFrame(columns=range(width), dtype=object)
    try:
        body = pd.read_csv(
            io.StringIO(body_text), sep=delimiter, header=None, dtype=str, keep_default_na=False,
            skip_blank_lines=False, engine="c", names=range(width), quoting=csv.QUOTE_MINIMAL,
        )
    except (pd.errors.ParserError, ValueError):
        body = None
    if body is None:
        # Ragged rows: read with the csv module and pad/truncate, noting how many rows were odd.
        records = list(csv.reader(io.StringIO(body_text), delimiter=delimiter))
        longest = max((len(r) for r in records), default=width)
        wide = sum(1 for r in records if len(r) > width and any(c.strip() for c in r[width:]))
        if wide:
            notes.append(f"{wide} row(s) had more cells than the header; extra columns were kept")
        n = max(width, longest)
        body = pd.DataFrame([r + [""] * (n - len(r)) for r in records], dtype=object)
    body = body.apply(_clean_series)
    body.columns = range(body.shape[1])
    return body


# ----------------------------------------------------------------------------------------------------------------
# Excel


def excel_cell(value: object) -> str | None:
    """An openpyxl value as a string: datetimes ISO, integral floats without .0."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d 00:00:00")
    if isinstance(value, time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, timedelta):
        return str(value)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value != value:  # NaN
            return None
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(value)
    return clean_cell(value)


def read_xlsx(p: Path) -> list[RawTable]:
    with open(p, "rb") as fh:
        head = fh.read(8)
    if not zipfile.is_zipfile(p):
        for magic, en, zh in _MAGIC:
            if head.startswith(magic):
                raise _not_a_table(p, en, zh)
        raise ToolError(
            "not_a_table",
            f"{p.name} is not a valid Excel .xlsx file (it may be damaged or renamed). "
            "Open it in Excel and save it again as .xlsx, or export CSV.",
            f"{p.name} 不是有效的 Excel .xlsx 文件（可能已损坏或被改了扩展名）。"
            "请用 Excel 打开后重新另存为 .xlsx，或导出 CSV。",
        )
    try:
        with zipfile.ZipFile(p) as zf:
            unpacked = sum(info.file_size for info in zf.infolist())
    except (zipfile.BadZipFile, OSError):
        raise _not_a_table(p) from None
    limit = max_upload_bytes()
    packed = max(p.stat().st_size, 1)
    if unpacked > ZIP_BOMB_FACTOR * limit or (unpacked > _RATIO_FLOOR and unpacked / packed > MAX_UNPACK_RATIO):
        raise _too_large(p, unpacked, limit, unpacked=True)

    import openpyxl  # noqa: PLC0415 - only needed for Excel

    try:
        wb = openpyxl.load_workbook(p, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any failure here means "not a workbook we can read"
        raise ToolError(
            "not_a_table",
            f"{p.name} could not be opened as an Excel workbook (it may be damaged, encrypted or not really .xlsx). "
            "Open it in Excel and save it again as .xlsx, or export CSV.",
            f"{p.name} 无法作为 Excel 工作簿打开（可能已损坏、加密或并非真正的 .xlsx）。"
            "请用 Excel 打开后重新另存为 .xlsx，或导出 CSV。",
        ) from None
    sheets: list[tuple[str, pd.DataFrame, int, list[str]]] = []
    most, read, cells = max_import_rows(), 0, 0
    try:
        for ws in wb.worksheets:
            rows = []
            declared = ws.max_column or 0
            width = min(declared, MAX_IMPORT_COLUMNS) if declared else MAX_IMPORT_COLUMNS
            for row in ws.iter_rows(values_only=True, max_col=width):  # counted: a declared size can lie
                read += 1
                cells += len(row)
                if read > most:
                    raise _too_many_rows(p, most, most)
                if cells > MAX_IMPORT_CELLS:
                    raise ToolError(
                        "too_many_cells",
                        f"{p.name} holds more than {MAX_IMPORT_CELLS:,} cells (rows x columns, empty ones included); "
                        "it may be damaged. Export a shorter date range or only the columns you need, or save "
                        "it as CSV.",
                        f"{p.name} 超过 {MAX_IMPORT_CELLS:,} 个单元格（行×列，含空单元格），文件可能已损坏。"
                        "请导出更短的时间段或只导出需要的列，或另存为 CSV。")
                rows.append([excel_cell(v) for v in row])
            if declared > MAX_IMPORT_COLUMNS and any(r[-1] is not None for r in rows if r):
                raise _too_wide(p, declared)
            found = _sheet_frame(rows)
            if found is not None:
                df, header_row, notes = found
                sheets.append((ws.title, df, header_row, notes))
    except ToolError:
        raise
    except Exception:  # noqa: BLE001
        raise _not_a_table(p) from None
    finally:
        wb.close()
    if not sheets:
        raise _empty(p)
    several = len(sheets) > 1
    return [
        RawTable(name=title if several else p.stem, df=df, source=f"{p}#{title}", encoding=None, delimiter=None,
                 header_row=header_row, notes=notes)
        for title, df, header_row, notes in sheets
    ]


def _sheet_frame(rows: list[list[str | None]]) -> tuple[pd.DataFrame, int, list[str]] | None:
    if not any(_width(r) for r in rows):
        return None
    header_idx = find_header(rows[:_SAMPLE_ROWS])
    header = rows[header_idx][: _width(rows[header_idx])]
    data = rows[header_idx + 1:]
    width = max([len(header), *(_width(r) for r in data)])
    body = pd.DataFrame([r[:width] + [None] * (width - len(r[:width])) for r in data],
                        index=range(len(data)), columns=range(width), dtype=object)
    df = _frame(header, body)
    if df.empty:
        return None
    notes = [f"skipped {header_idx} row(s) above the header (title or blank rows)"] if header_idx else []
    return df, header_idx, notes


# ----------------------------------------------------------------------------------------------------------------
# Parquet


def read_parquet(p: Path) -> RawTable:
    import duckdb  # noqa: PLC0415

    con = duckdb.connect(config={"memory_limit": "1GB", "threads": 2})
    try:
        # A few KB of run-length encoded Parquet can hold millions of rows: check the declared size
        # first, with the .xlsx rule (at most ZIP_BOMB_FACTOR x the upload limit, 8 bytes a cell).
        rows, columns = con.execute(
            "SELECT coalesce(sum(num_rows), 0), coalesce(max(num_cols), 0) FROM ("
            "SELECT num_rows, (SELECT count(*) FROM parquet_schema(?) WHERE num_children IS NULL) AS num_cols "
            "FROM parquet_file_metadata(?))", [str(p), str(p)]).fetchone()
        limit = max_upload_bytes()
        if rows > max_import_rows():
            raise _too_many_rows(p, rows, max_import_rows(), declared=True)
        # Compressed strings can declare few rows and still unpack to gigabytes.
        unpacked = con.execute("SELECT coalesce(sum(total_uncompressed_size), 0) FROM parquet_metadata(?)",
                               [str(p)]).fetchone()[0]
        if unpacked > ZIP_BOMB_FACTOR * limit:
            raise _too_large(p, unpacked, limit, unpacked=True)
        if rows * max(columns, 1) * 8 > ZIP_BOMB_FACTOR * limit or rows * columns > MAX_IMPORT_CELLS:
            raise _too_large(p, rows * max(columns, 1) * 8, limit, unpacked=True)
        # Dictionary encoding stores a repeated 100 MB string once: count the text itself, streaming,
        # before anything is held in memory.
        text = con.execute("SELECT sum(strlen(COLUMNS(*)::VARCHAR)) FROM read_parquet(?)", [str(p)]).fetchone() \
            if columns else ()
        if sum(int(v or 0) for v in text) > MAX_IMPORT_TEXT_BYTES:
            raise _too_large(p, sum(int(v or 0) for v in text), limit, unpacked=True)
        frame = con.execute("SELECT * FROM read_parquet(?)", [str(p)]).df()
    except duckdb.Error:
        raise ToolError(
            "not_a_table",
            f"{p.name} could not be read as a Parquet file (it may be damaged or renamed).",
            f"{p.name} 无法作为 Parquet 文件读取（可能已损坏或被改了扩展名）。",
        ) from None
    finally:
        con.close()
    out = pd.DataFrame(index=range(len(frame)))
    for j, col in enumerate(frame.columns):
        out[j] = _stringify(frame[col])
    df = _frame([str(c) if c is not None else None for c in frame.columns], out)
    if df.empty:
        raise _empty(p)
    return RawTable(name=p.stem, df=df, source=str(p), header_row=0)


def _stringify(s: pd.Series) -> pd.Series:
    """A typed column as cleaned strings, the way the Excel reader writes cells."""
    if pd.api.types.is_datetime64_any_dtype(s):
        if getattr(s.dt, "tz", None) is not None:
            s = s.dt.tz_localize(None)
        text = s.dt.strftime("%Y-%m-%d %H:%M:%S").astype(object)
        return text.where(s.notna(), None)
    if pd.api.types.is_bool_dtype(s):
        return s.map(lambda v: None if v is None or v != v else ("TRUE" if v else "FALSE")).astype(object)
    if pd.api.types.is_float_dtype(s):
        return s.map(lambda v: excel_cell(float(v)) if v == v else None).astype(object)
    if pd.api.types.is_integer_dtype(s):
        return s.map(lambda v: None if pd.isna(v) else str(int(v))).astype(object)
    return _clean_series(s.map(_object_cell))


def _object_cell(value: object) -> object:
    if isinstance(value, str):
        return value
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return excel_cell(value)
