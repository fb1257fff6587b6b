"""Fixtures for the report tests: the bundled sample batch screened once, written in every format.

The sample (sample_shipments/weekly_batch.csv) has BLOCK, REVIEW, CLEAR and ERROR rows, party
matches and values in EUR: enough to exercise every chart and sheet. A second, hostile batch
carries markup, formula prefixes, control characters and a huge cell.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from compliance.io import ResultWriter, open_input, result_record
from compliance.models import ScreeningResult
from compliance.screener import Screener
from tests.csvfiles import write_rows

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "sample_shipments" / "weekly_batch.csv"
FORMATS = ("csv", "jsonl", "json", "xlsx", "parquet")
AS_OF = dt.date(2026, 11, 1)

HOSTILE_ROWS: list[dict[str, str]] = [
    {"shipment_id": "<script>window.__pwned=1</script>", "hs_code": "3104 20 10", "destination_country": "PL",
     "origin_country": "BY", "description": "<img src=x onerror=\"window.__pwned=2\"> potash & more",
     "exporter_name": "JSC Belaruskali", "exporter_country": "BY", "value": "1000", "currency": "EUR",
     "date": "2026-10-01"},
    {"shipment_id": "=HYPERLINK(\"http://evil.example\",\"x\")", "hs_code": "8542.31", "destination_country": "KZ",
     "description": "+cmd|' /C calc'!A0 \x01\x02 bell\x07", "consignee_name": "\"><svg onload=window.__pwned=3>",
     "consignee_country": "KZ", "value": "2500", "currency": "USD", "date": "2026-10-01"},
    {"shipment_id": "[bold red]markup[/]", "hs_code": "85", "destination_country": "</script><b>BY</b>",
     "description": "x" * 40_000, "date": "2026-10-01"},
    {"shipment_id": "@SUM(A1)", "hs_code": "9403.20", "destination_country": "DE", "description": "-2+3",
     "date": "2026-10-01"},
]


@dataclass
class Screened:
    results: list[ScreeningResult]
    columns: list[str]
    meta: dict[str, Any]

    def records(self) -> list[dict[str, Any]]:
        return [result_record(r, self.columns) for r in self.results]

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for r in self.results:
            out[r.verdict.value] = out.get(r.verdict.value, 0) + 1
        return out

    def write(self, path: Path, fmt: str | None = None, meta: bool = True) -> Path:
        w = ResultWriter(path, fmt or path.suffix.lstrip("."), self.columns, meta=self.meta if meta else None)
        w.write(self.results)
        w.close()
        return path


@pytest.fixture(scope="session")
def screener() -> Screener:
    return Screener.load(include_imported=False, as_of=AS_OF)


def _screen(screener: Screener, path: Path) -> Screened:
    from compliance.engine import run_batch

    results: list[ScreeningResult] = []
    with open_input(path) as table:
        columns = list(table.columns)
        run_batch(screener, table.chunks(1000), results.extend, as_of=AS_OF)
    return Screened(results, columns, screener.provenance(as_of=AS_OF).model_dump(mode="json"))


@pytest.fixture(scope="session")
def sample(screener: Screener) -> Screened:
    return _screen(screener, SAMPLE)


@pytest.fixture(scope="session")
def hostile(screener: Screener, tmp_path_factory: pytest.TempPathFactory) -> Screened:
    path = write_rows(tmp_path_factory.mktemp("hostile") / "hostile.csv", HOSTILE_ROWS)
    return _screen(screener, path)


@pytest.fixture()
def results_file(sample: Screened, tmp_path: Path) -> Callable[[str], Path]:
    def make(fmt: str) -> Path:
        return sample.write(tmp_path / f"results.{fmt}", fmt)

    return make
