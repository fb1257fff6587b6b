"""The bundled sample files screen end to end with the verdicts the policy gives their planted rows."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from compliance.engine import iter_results
from compliance.io import open_input, parse_mapping
from compliance.models import ScreeningResult, Verdict
from compliance.screener import Screener

SAMPLES = Path(__file__).parents[1] / "sample_shipments"
EXPECTED = list(csv.DictReader((SAMPLES / "expected_verdicts.csv").open(encoding="utf-8")))


@pytest.fixture(scope="module")
def screener() -> Screener:
    return Screener.load(include_imported=False)


def _screen(screener: Screener, name: str) -> list[ScreeningResult]:
    mapping = parse_mapping([], SAMPLES / "customer_erp_mapping.yaml") if name == "customer_erp_export.csv" else {}
    table = open_input(SAMPLES / name, mapping=mapping)
    return list(iter_results(screener, table.chunks(64)))


@pytest.fixture(scope="module")
def results(screener: Screener) -> dict[str, list[ScreeningResult]]:
    return {name: _screen(screener, name) for name in
            ("weekly_batch.csv", "customer_erp_export.csv", "cyrillic_cp1251.csv")}


@pytest.mark.parametrize(("name", "rows"), [("weekly_batch.csv", 200), ("customer_erp_export.csv", 40),
                                            ("cyrillic_cp1251.csv", 30)])
def test_one_result_per_row_in_order(results: dict[str, list[ScreeningResult]], name: str, rows: int) -> None:
    out = results[name]
    assert len(out) == rows
    assert [r.row_number for r in out] == list(range(1, rows + 1))


@pytest.mark.parametrize("case", EXPECTED, ids=[f"{c['file']}:{c['shipment_id']}" for c in EXPECTED])
def test_planted_rows(results: dict[str, list[ScreeningResult]], case: dict[str, str]) -> None:
    by_id = {r.shipment_id or (r.input or {}).get("shipment_id"): r for r in results[case["file"]]}
    r = by_id[case["shipment_id"]]
    assert r.verdict.value == case["expected_verdict"], (case["why"], r.reasons, r.error)


def test_error_rows_are_exactly_the_planted_ones(results: dict[str, list[ScreeningResult]]) -> None:
    for name, out in results.items():
        planted = {c["shipment_id"] for c in EXPECTED if c["file"] == name and c["expected_verdict"] == "ERROR"}
        errors = {r.shipment_id or str((r.input or {}).get("shipment_id")) for r in out if r.verdict == Verdict.ERROR}
        assert errors == planted, name
        for r in out:
            if r.verdict == Verdict.ERROR:
                assert r.error and any(f in r.error for f in ("hs_code", "destination_country", "value", "date"))


def test_weekly_batch_is_mostly_clear(results: dict[str, list[ScreeningResult]]) -> None:
    counts = Counter(r.verdict for r in results["weekly_batch.csv"])
    assert counts[Verdict.CLEAR] >= 140
    assert 10 <= counts[Verdict.BLOCK] <= 30


def test_cp1251_names_survive(results: dict[str, list[ScreeningResult]]) -> None:
    first = results["cyrillic_cp1251.csv"][0]
    assert (first.input or {}).get("exporter_name") == "ОАО «Беларуськалий»"
    assert first.shipment_id == "ЛТ-001"


def test_erp_extra_column_echoed(results: dict[str, list[ScreeningResult]]) -> None:
    assert all("Sales Rep" in (r.input or {}) for r in results["customer_erp_export.csv"])
