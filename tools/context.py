"""What a tool call runs against: the warehouse and the asker's language."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tools.warehouse import Warehouse


@dataclass
class Context:
    warehouse: Warehouse
    language: str = "en"

    def t(self, zh: str, en: str) -> str:
        """Pick the text for the asker's language."""
        return zh if self.language == "zh" else en
