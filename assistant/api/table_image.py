"""A table as a PNG, for chat tools whose messages cannot show a table (DingTalk, WeCom) and for
links in OpenAI-style answers. Drawn with Pillow: no browser, no model-written code."""

from __future__ import annotations

import functools
import io
import os
import shutil
import subprocess
from typing import Any

from PIL import Image, ImageDraw, ImageFont

MAX_ROWS = 20
MAX_COLUMNS = 8
MAX_CELL_CHARS = 28
FONT_SIZE = 22
PAD_X, PAD_Y = 14, 9
HEADER_BG, STRIPE_BG, GRID, TEXT, TITLE = "#1f4e79", "#f2f6fa", "#d0d7de", "#1f2328", "#57606a"

# Noto/WenQuanYi first: the tables are mostly Chinese. ASSISTANT_FONT overrides.
_CANDIDATES = [
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "C:/Windows/Fonts/msyh.ttc",
]


@functools.cache
def font_path() -> str | None:
    """A font file with Chinese glyphs, or None (Pillow's built-in font then draws Latin only)."""
    configured = os.environ.get("ASSISTANT_FONT", "").strip()
    for path in [configured, *_CANDIDATES]:
        if path and os.path.isfile(path):
            return path
    if shutil.which("fc-match"):
        try:
            found = subprocess.run(["fc-match", "-f", "%{file}", ":lang=zh"], capture_output=True, text=True,
                                   timeout=5).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            found = ""
        if found and os.path.isfile(found):
            return found
    return None


@functools.cache
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    path = font_path()
    return ImageFont.truetype(path, size) if path else ImageFont.load_default(size)


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:,.4g}" if abs(value) < 1 else f"{value:,.2f}"
    text = str(value).replace("\n", " ")
    return text if len(text) <= MAX_CELL_CHARS else text[: MAX_CELL_CHARS - 1] + "…"


def _numeric(values: list[Any]) -> bool:
    present = [v for v in values if v is not None]
    return bool(present) and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in present)


def table_png(columns: list[str], rows: list[list[Any]], title: str = "", footer: str = "") -> bytes:
    """The first MAX_ROWS rows and MAX_COLUMNS columns; `footer` says what was left out."""
    columns = [cell_text(c) for c in columns[:MAX_COLUMNS]]
    shown = [list(r[:MAX_COLUMNS]) for r in rows[:MAX_ROWS]]
    right = [_numeric([r[i] for r in shown if i < len(r)]) for i in range(len(columns))]
    cells = [[cell_text(r[i]) if i < len(r) else "" for i in range(len(columns))] for r in shown]
    font = _font(FONT_SIZE)
    small = _font(FONT_SIZE - 4)
    probe = ImageDraw.Draw(Image.new("RGB", (1, 1)))

    def width(text: str, f: Any = font) -> int:
        return int(probe.textlength(text, font=f))

    widths = [max([width(c)] + [width(row[i]) for row in cells]) + 2 * PAD_X for i, c in enumerate(columns)]
    row_height = FONT_SIZE + 2 * PAD_Y
    title_height = row_height if title else 0
    footer_height = row_height - 4 if footer else 0
    table_width = max(sum(widths), 1)
    image_width = max(table_width, width(title) + 2 * PAD_X, width(footer, small) + 2 * PAD_X)
    image_height = title_height + row_height * (len(cells) + 1) + footer_height + 2
    image = Image.new("RGB", (image_width, image_height), "white")
    draw = ImageDraw.Draw(image)
    if title:
        draw.text((PAD_X, PAD_Y), title, fill=TEXT, font=font)
    top = title_height
    draw.rectangle([0, top, table_width, top + row_height], fill=HEADER_BG)
    for line_no, row in enumerate([columns, *cells]):
        y = top + line_no * row_height
        if line_no and line_no % 2 == 0:
            draw.rectangle([0, y, table_width, y + row_height], fill=STRIPE_BG)
        x = 0
        for i, text in enumerate(row):
            colour = "white" if line_no == 0 else TEXT
            offset = widths[i] - PAD_X - width(text) if right[i] and line_no else PAD_X
            draw.text((x + offset, y + PAD_Y), text, fill=colour, font=font)
            x += widths[i]
        draw.line([0, y + row_height, table_width, y + row_height], fill=GRID)
    if footer:
        draw.text((PAD_X, top + row_height * (len(cells) + 1) + 4), footer, fill=TITLE, font=small)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
