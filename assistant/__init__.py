"""Live-commerce customer-analytics assistant.

Python API for notebooks:

    >>> from assistant import Assistant
    >>> a = Assistant()                      # the built-in demo data, or Assistant(data="shop.duckdb")
    >>> answer = a.ask("各个RFM分群分别有多少用户？")
    >>> answer.table("segments")             # a pandas DataFrame
    >>> answer.figures()[0]                  # a Plotly figure
    >>> a.tool("metric_query", metric="gmv", dimension="month").table()
    >>> a.sql("SELECT count(*) FROM orders").table()
"""

from __future__ import annotations

import os
from typing import Any

from assistant import logs
from assistant.answer import Answer
from assistant.engine import Engine

logs.install()

__all__ = ["Answer", "Assistant"]


class Assistant:
    def __init__(self, data: str | os.PathLike[str] | None = None, language: str = "en",
                 engine: str | None = None):
        """`engine`: "duckdb" (default) or "spark"; ASSISTANT_ENGINE sets the default."""
        self._engine = Engine(data, engine)
        self.language = language

    @property
    def data_path(self) -> str:
        return str(self._engine.data_path)

    def ask(self, question: str) -> Answer:
        """Answer a question in Chinese or English (the answer follows the question's language)."""
        return self._engine.ask(question)

    def tool(self, name: str, language: str | None = None, **args: Any) -> Answer:
        """Run one vetted tool with keyword arguments."""
        return self._engine.run_tool(name, args, language or self.language)

    def sql(self, query: str, limit: int | None = None) -> Answer:
        """Run one read-only SELECT through the same checks as the chat."""
        return self._engine.sql(query, self.language, limit)

    def close(self) -> None:
        self._engine.close()

    def __enter__(self) -> Assistant:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
