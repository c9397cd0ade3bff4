"""Schemathesis fuzzes every operation of the served OpenAPI spec: no input a schema allows (or
breaks) may cause a server error, and every response must match what the spec says."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

OPERATIONS = ["GET /health", "POST /api/ask", "GET /api/tools", "POST /api/tools/{name}", "GET /api/datasets",
              "GET /v1/models", "POST /v1/chat/completions"]


@pytest.fixture(scope="module")
def api_schema(live_server):
    return schemathesis.openapi.from_url(live_server.url + "api/openapi.json")


def test_the_fuzzed_operations_are_all_the_spec_has(api_schema) -> None:
    labels = {result.ok().label for result in api_schema.get_all_operations()}
    assert labels == set(OPERATIONS)


# (schemathesis' own pytest plugin, `from_fixture`, does not run under pytest 9: drive hypothesis directly)
@pytest.mark.parametrize("label", OPERATIONS)
def test_no_server_errors_and_responses_match_the_spec(api_schema, label: str) -> None:
    operation = api_schema.find_operation_by_label(label)

    @given(case=operation.as_strategy())
    @settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def fuzz(case) -> None:
        case.call_and_validate(timeout=120)

    fuzz()
