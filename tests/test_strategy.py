"""segment_strategy: playbook plus this data's numbers, for every segment of every scheme."""

from __future__ import annotations

import pytest

from tools import catalog


@pytest.mark.parametrize("key", list(catalog.segments("rfm")))
def test_every_rfm_segment_has_a_strategy_with_its_numbers(engine, key) -> None:
    answer = engine.run_tool("segment_strategy", {"segment": key}, "en")
    assert answer.ok, answer.error
    sizes = engine.run_tool("rfm_segments", {}, "en").table("segments").set_index("segment")
    customers = int(sizes.loc[key, "customers"])
    assert f"{customers:,}" in answer.answer
    assert f"{customers:,}" in answer.recommendations[0]
    assert len(answer.recommendations) >= 4
    assert len(answer.table("tactics")) >= 3


@pytest.mark.parametrize("key", list(catalog.segments("cn8")))
def test_every_cn8_class_has_a_strategy(engine, key) -> None:
    answer = engine.run_tool("segment_strategy", {"segment": key, "scheme": "cn8"}, "zh")
    assert answer.ok, answer.error
    assert catalog.segments("cn8")[key]["zh"] in answer.answer


@pytest.mark.parametrize("key", list(catalog.segments("lifecycle")))
def test_every_lifecycle_stage_has_a_strategy(engine, key) -> None:
    answer = engine.run_tool("segment_strategy", {"segment": key, "scheme": "lifecycle"}, "en")
    assert answer.ok, answer.error
    assert answer.table("segments")["customers"].sum() > 0


@pytest.mark.parametrize(
    "name,expected",
    [("沉睡客户", "hibernating"), ("at-risk", "at_risk"), ("高价值客户", "champions"),
     ("重要价值客户", "important_value"), ("Potential Loyalists", "potential_loyalists")],
)
def test_names_and_aliases_resolve(engine, name, expected) -> None:
    answer = engine.run_tool("segment_strategy", {"segment": name})
    assert answer.ok
    assert answer.tool_calls[0].resolved["segment"] == expected


def test_unknown_segment_lists_known_ones(engine) -> None:
    answer = engine.run_tool("segment_strategy", {"segment": "martians"})
    assert answer.error["code"] == "unknown_segment"
    assert "hibernating" in answer.error["message"]


def test_overview_without_segment(engine) -> None:
    answer = engine.run_tool("segment_strategy", {}, "zh")
    assert answer.ok
    assert len(answer.table("strategy")) == 10
    assert answer.recommendations
