"""Table images and chart pages made from an answer, served at unguessable URLs.

Chat tools and OpenAI-style clients show a link, not a Plotly figure. A link is opened by a browser
or a chat platform that cannot send our API token, so each one is a capability URL (128 random bits)
that expires (`ASSISTANT_PUBLISH_TTL`, default 24 h); at most `ASSISTANT_PUBLISH_MAX` (default 500)
are kept. They show what the answer already showed to the person who asked, nothing more."""

from __future__ import annotations

import html
import json
import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from assistant.api.table_image import MAX_ROWS, table_png
from assistant.config import env_number

PLOTLY_JS_ROUTE = "/api/static/plotly.min.js"


@dataclass
class Item:
    body: bytes
    media_type: str
    expires: float


class Publisher:
    def __init__(self, ttl_seconds: float | None = None, max_items: int | None = None):
        self.ttl_seconds = ttl_seconds or env_number("ASSISTANT_PUBLISH_TTL", 24 * 3600, 1.0)
        self.max_items = int(max_items or env_number("ASSISTANT_PUBLISH_MAX", 500, 1.0))
        self._items: OrderedDict[str, Item] = OrderedDict()
        self._lock = threading.Lock()

    def put(self, body: bytes, media_type: str) -> str:
        key = secrets.token_urlsafe(16)
        now = time.monotonic()
        with self._lock:
            self._items[key] = Item(body, media_type, now + self.ttl_seconds)
            while len(self._items) > self.max_items:
                self._items.popitem(last=False)
        return key

    def get(self, key: str) -> Item | None:
        with self._lock:
            item = self._items.get(key)
            if item is not None and item.expires < time.monotonic():
                del self._items[key]
                return None
            return item

    def publish(self, answer: dict[str, Any], base_url: str) -> list[tuple[str, str]]:
        """(label, URL) for the first table as an image and for each chart as a page."""
        base = base_url.rstrip("/")
        zh = answer.get("language") == "zh"
        links: list[tuple[str, str]] = []
        tables = answer.get("tables") or []
        if tables and tables[0].get("rows"):
            first = tables[0]
            total = first.get("row_count", len(first["rows"]))
            footer = ""
            if total > MAX_ROWS:
                footer = f"前 {MAX_ROWS} 行，共 {total:,} 行" if zh else f"first {MAX_ROWS} of {total:,} rows"
            png = table_png(first["columns"], first["rows"], title=first.get("name", ""), footer=footer)
            links.append(("表格图片" if zh else "Table image", f"{base}/api/images/{self.put(png, 'image/png')}.png"))
        for chart in answer.get("charts") or []:
            page = chart_page(chart.get("title") or "", chart.get("plotly") or {}, base)
            key = self.put(page.encode("utf-8"), "text/html; charset=utf-8")
            label = ("图表：" if zh else "Chart: ") + (chart.get("title") or "")
            links.append((label, f"{base}/api/charts/{key}"))
        return links


def chart_page(title: str, figure: dict[str, Any], base: str) -> str:
    """A standalone page drawing one Plotly figure spec (data we computed, rendered by plotly.js)."""
    spec = json.dumps(figure, ensure_ascii=False).replace("</", "<\\/")  # no early </script>
    return f"""<!doctype html>
<html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title><script src="{html.escape(base)}{PLOTLY_JS_ROUTE}"></script></head>
<body style="margin:0;font-family:sans-serif"><div id="chart" style="width:100vw;height:95vh"></div>
<script>const spec = {spec};
Plotly.newPlot("chart", spec.data || [], spec.layout || {{}}, {{responsive: true}});</script>
</body></html>"""
