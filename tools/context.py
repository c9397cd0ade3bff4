"""What a tool call runs against: the warehouse and the asker's language."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from tools.result import ToolError
from tools.timewindow import PeriodError, Window, resolve_period

if TYPE_CHECKING:
    from tools.warehouse import WarehouseBase


@dataclass
class Context:
    warehouse: WarehouseBase
    language: str = "en"

    def t(self, zh: str, en: str) -> str:
        """Pick the text for the asker's language."""
        return zh if self.language == "zh" else en

    def window(self, period: str | None) -> Window:
        """A period token resolved against the data's last order date, or an error to act on."""
        wh = self.warehouse
        try:
            return resolve_period(period, wh.anchor_date, wh.first_date)
        except PeriodError as error:
            raise ToolError("bad_period", str(error), f"无法识别的时间范围：{period}。{error}") from None
