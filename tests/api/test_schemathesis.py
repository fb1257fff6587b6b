"""Schemathesis against the service's own OpenAPI document (bounded examples per operation).

Checks: never a 5xx, responses match the documented schemas, status codes and content types
are documented ones, missing or wrong keys are refused. Positive/negative data acceptance is
not checked: HS codes and country names are validated beyond what JSON Schema can say.
"""

from __future__ import annotations

from typing import Any

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, settings  # noqa: E402

from compliance.api import create_app  # noqa: E402
from compliance.screener import Screener  # noqa: E402

KEY = "k"


@schemathesis.serializer("text/csv", "application/x-ndjson")
def _text(ctx: Any, value: Any) -> bytes:
    return value.encode() if isinstance(value, str) else repr(value).encode()


app = create_app(Screener.load(include_imported=False), api_keys=[KEY], reload_poll_seconds=0, max_body_bytes=100_000)
schema = schemathesis.openapi.from_asgi("/openapi.json", app)
CHECKS = [getattr(schemathesis.checks, name) for name in (
    "not_a_server_error", "response_schema_conformance", "status_code_conformance", "content_type_conformance",
    "ignored_auth", "missing_required_header")]


@schema.parametrize()
@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
def test_openapi_contract(case: Any) -> None:
    response = case.call(headers={"X-API-Key": KEY})
    case.validate_response(response, checks=CHECKS)
