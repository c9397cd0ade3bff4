"""The notebook API returns DataFrames and Plotly figures."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from assistant import Assistant


def test_ask_tool_sql(demo_db) -> None:
    with Assistant(data=demo_db) as a:
        answer = a.ask("按月看一下销售额趋势")
        assert answer.ok and answer.language == "zh"
        assert isinstance(answer.table(), pd.DataFrame) and "month" in answer.table().columns
        figures = answer.figures()
        assert figures and isinstance(figures[0], go.Figure)
        assert figures[0].data[0].type == "scatter"
        tool = a.tool("rfm_segments", scheme="cn8")
        assert len(tool.table("segments")) == 8
        rows = a.sql("SELECT count(*) AS n FROM orders").table()
        assert int(rows["n"].iat[0]) > 0
        refused = a.sql("DROP TABLE orders")
        assert not refused.ok and refused.error["code"] == "sql_not_read_only"
