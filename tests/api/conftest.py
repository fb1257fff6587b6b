"""Fixtures of the HTTP tests: one screener for the module, apps built around it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from compliance.api import create_app
from compliance.screener import Screener

POTASH = {"shipment_id": "1", "hs_code": "3104 20 50", "destination_country": "PL", "origin_country": "BY",
          "exporter_name": "JSC Belaruskali", "exporter_country": "BY", "date": "2026-03-01"}
CLEAN = {"shipment_id": "2", "hs_code": "9403.60", "destination_country": "DE", "date": "2026-03-01"}


@pytest.fixture(scope="session")
def screener() -> Screener:
    return Screener.load(include_imported=False)


@pytest.fixture()
def make_client(screener: Screener) -> Iterator[Callable[..., TestClient]]:
    opened: list[TestClient] = []

    def make(**kwargs: Any) -> TestClient:
        kwargs.setdefault("api_keys", [])
        kwargs.setdefault("reload_poll_seconds", 0)
        kwargs.setdefault("loader", lambda: screener)
        c = TestClient(create_app(kwargs.pop("screener", screener), **kwargs), raise_server_exceptions=False)
        c.__enter__()
        opened.append(c)
        return c

    yield make
    for c in opened:
        c.__exit__(None, None, None)


@pytest.fixture()
def client(make_client: Callable[..., TestClient]) -> TestClient:
    return make_client(max_body_bytes=200_000)
