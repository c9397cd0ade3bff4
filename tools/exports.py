"""Tables written as campaign files (CSV or Excel) that are safe to open.

A cell starting with = + - @ (or a tab / carriage return) is a formula to Excel, WPS and
LibreOffice: a customer nickname like `=HYPERLINK(...)` would run when a marketer opens the file
(CSV injection). Such text cells get a leading apostrophe, the spreadsheet convention for
"this is text". Numbers stay numbers.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
import uuid
from pathlib import Path
from typing import Literal

import pandas as pd

ExportFormat = Literal["csv", "xlsx"]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MEDIA_TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def neutralise_cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells (and headers) cannot be read as formulas."""
    safe = frame.copy()
    for column in safe.columns:
        series = safe[column]
        if series.dtype == object or pd.api.types.is_string_dtype(series):
            safe[column] = series.map(neutralise_cell).astype(object)
    safe.columns = [str(neutralise_cell(str(c))) for c in safe.columns]
    return safe


def _plain_datetimes(frame: pd.DataFrame) -> pd.DataFrame:
    # Excel cannot store timezone-aware datetimes; campaign files want local wall time anyway.
    out = frame.copy()
    for column in out.columns:
        if isinstance(out[column].dtype, pd.DatetimeTZDtype):
            out[column] = out[column].dt.tz_localize(None)
    return out


def table_bytes(frame: pd.DataFrame, file_format: ExportFormat) -> bytes:
    safe = _plain_datetimes(neutralise_formulas(frame))
    if file_format == "csv":
        # UTF-8 with BOM so Excel on Chinese Windows shows the headers correctly.
        # CRLF rows make the writer quote any cell holding a bare CR, which Excel would otherwise
        # treat as a row break (and the text after it as a new, formula-capable cell).
        return safe.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")
    return workbook_bytes([("export", frame)])


def workbook_bytes(tables: list[tuple[str, pd.DataFrame]]) -> bytes:
    """Several tables as sheets of one Excel workbook, each formula-safe."""
    buffer = io.BytesIO()
    used: set[str] = set()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in tables:
            sheet = re.sub(r"[\[\]:*?/\\']", "_", name)[:31] or "table"
            while sheet in used:
                sheet = f"{sheet[:28]}_{len(used)}"
            used.add(sheet)
            _plain_datetimes(neutralise_formulas(frame)).to_excel(writer, index=False, sheet_name=sheet)
            for row in writer.sheets[sheet].iter_rows():
                for cell in row:
                    if isinstance(cell.value, str):
                        cell.data_type = "s"  # openpyxl would otherwise store "=..." as a formula
    return buffer.getvalue()


def safe_stem(text: str, fallback: str = "export") -> str:
    """A file-name stem with no path parts or odd characters (Chinese letters are kept)."""
    stem = re.sub(r"[^\w-]+", "_", str(text), flags=re.UNICODE).strip("_.")
    return stem[:80] or fallback


def write_table(frame: pd.DataFrame, folder: Path, stem: str, file_format: ExportFormat) -> Path:
    """Write atomically (temp file, then rename) so a reader never sees half a file. Each file gets
    a name of its own (`<stem>_<random>`): two people exporting the same segment on the same day
    must never receive, or overwrite, each other's file."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{safe_stem(stem)}_{uuid.uuid4().hex[:10]}.{file_format}"
    data = table_bytes(frame, file_format)
    handle, temp = tempfile.mkstemp(dir=folder, suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return path
