"""A customer key that cannot be a buyer id (a masked phone shared by hundreds of orders) is recorded with
the dataset, and every answer that counts or follows customers leads with it; order totals do not."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest


def _export(rows: int = 900, keys: int = 12) -> pd.DataFrame:
    """A 抖店-style export keyed only by a masked phone: few distinct masks for many orders."""
    rng = np.random.default_rng(3)
    masks = [f"1{'*' * 8}{i:02d}" for i in range(keys)]
    times = pd.Timestamp("2025-05-01") + pd.to_timedelta(rng.integers(0, 120 * 24, rows), unit="h")
    return pd.DataFrame({
        "主订单编号": [f"6900{i:06d}" for i in range(rows)],
        "收件人手机号": [masks[i % keys] for i in range(rows)],
        "订单提交时间": times.strftime("%Y-%m-%d %H:%M:%S"),
        "订单应付金额": np.round(rng.uniform(20, 300, rows), 2),
        "订单状态": "已完成",
    })


@pytest.fixture
def doubtful(tmp_path, workspace):
    from assistant.ingest.workspace import import_dataset

    path = tmp_path / "抖店_订单导出.csv"
    _export().to_csv(path, index=False)
    return import_dataset(path)


def test_the_import_records_the_caveat(doubtful) -> None:
    assert doubtful.report.key_warning == (12, 900)
    assert [c["code"] for c in doubtful.dataset.caveats] == ["implausible_customer_key"]
    from assistant.ingest.workspace import dataset_caveats, list_datasets

    assert dataset_caveats(list_datasets()[doubtful.dataset.name].path) == doubtful.dataset.caveats


@pytest.mark.parametrize(("tool", "args", "doubtful_figures"), [
    ("rfm_segments", {}, True),
    ("metric_query", {"metric": "buyers"}, True),
    ("metric_query", {"metric": "repurchase_rate"}, True),
    ("metric_query", {"metric": "gmv", "dimension": "customer"}, True),
    ("metric_query", {"metric": "gmv"}, False),
    ("metric_query", {"metric": "orders", "dimension": "month"}, False),
])
def test_customer_answers_lead_with_the_caveat(doubtful, tool, args, doubtful_figures) -> None:
    from assistant.engine import Engine

    with Engine(doubtful.dataset.path) as engine:
        for language, lead in (("zh", "12 位客户"), ("en", "only 12 customers for 900 orders")):
            answer = engine.run_tool(tool, args, language)
            assert answer.ok, answer.answer
            payload = answer.to_json()
            if doubtful_figures:
                assert [c["code"] for c in payload["caveats"]] == ["implausible_customer_key"]
                assert lead in answer.answer.split("\n\n")[0]
            else:
                assert payload["caveats"] == [] and lead not in answer.answer


def test_a_plausible_key_has_no_caveat(tmp_path, workspace) -> None:
    from assistant.engine import Engine
    from assistant.ingest.workspace import import_dataset

    frame = _export(rows=600, keys=12)
    frame["买家ID"] = [f"U{i % 300}" for i in range(len(frame))]
    path = tmp_path / "with_buyer_id.csv"
    frame.to_csv(path, index=False)
    result = import_dataset(path)
    assert result.report.key_warning is None and result.dataset.caveats == []
    with Engine(result.dataset.path) as engine:
        assert engine.run_tool("rfm_segments", {}, "en").to_json()["caveats"] == []
