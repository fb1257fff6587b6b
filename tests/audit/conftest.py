"""Fixtures for the audit tests: a small watch list in two versions, shipment files, the CLI."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from compliance.cli import app
from tests.csvfiles import write_rows

LISTING = {"regime": "EU", "program": "Annex I", "measure": "asset_freeze",
           "legal_basis": "Council Regulation (EC) No 765/2006, Annex I", "listed_on": "2022-01-01"}


def entity(eid: str, name: str, *, aliases: list[str] | None = None, **extra: Any) -> dict[str, Any]:
    return {"id": eid, "kind": "organization", "name": name, "aliases": aliases or [], "countries": ["BY"],
            "listings": [LISTING], **extra}


def write_list(path: Path, version: str, entities: list[dict[str, Any]]) -> Path:
    # JSON is valid YAML: the curated list format, under one list name for every version.
    path.write_text(json.dumps({"name": "watchlist", "version": version, "date": "2026-01-01",
                                "entities": entities}), encoding="utf-8")
    return path


write_shipments = write_rows


def read_results(path: Path) -> dict[str, dict[str, Any]]:
    with path.open(encoding="utf-8", newline="") as f:
        return {r["shipment_id"]: {**r, "findings": json.loads(r["findings"] or "[]")} for r in csv.DictReader(f)}


@pytest.fixture()
def cli() -> Callable[..., Any]:
    runner = CliRunner()

    def run(*args: str, code: int | None = 0) -> Any:
        result = runner.invoke(app, [str(a) for a in args])
        if code is not None:
            assert result.exit_code == code, (result.stdout, result.stderr if hasattr(result, "stderr") else "",
                                              result.exception)
        return result

    return run
