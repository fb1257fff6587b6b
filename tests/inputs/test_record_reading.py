"""A shipment given as a dict (``Screener.screen``, ``POST /v1/screen``) is read as the same row
in a file is: the cell-level cases of ``evasion_cases.yaml`` (HS codes, countries, party names,
end-use documents) give the same verdict and the same warnings through every door."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient

from compliance.api.app import create_app
from compliance.engine import iter_results
from compliance.io import open_input
from compliance.screener import Screener

CASES: list[dict[str, Any]] = yaml.safe_load(Path(__file__).with_name("evasion_cases.yaml").read_text("utf-8"))
# Cases about what one cell says (not about the file: encodings, twin columns, JSON keys).
_CELL_CASES = [c for c in CASES if c["id"].split("-")[0] in ("hs", "country", "transit", "party", "end", "rtl",
                                                            "mojibake") and c["file"].endswith(".csv")
               and "text" in c and "encoding" not in c]


@pytest.fixture(scope="module")
def screener() -> Screener:
    return Screener.load(include_imported=False)


def _rows(case: dict[str, Any]) -> list[dict[str, str]]:
    return [{k: v for k, v in r.items() if v != ""} for r in csv.DictReader(io.StringIO(case["text"]))]


def test_cell_cases_are_found() -> None:
    assert len(_CELL_CASES) >= 10


@pytest.mark.parametrize("case", _CELL_CASES, ids=[c["id"] for c in _CELL_CASES])
def test_dict_reads_as_the_file_row(case: dict[str, Any], screener: Screener, tmp_path: Path) -> None:
    path = tmp_path / case["file"]
    path.write_text(case["text"], encoding="utf-8")
    with open_input(path) as table:
        from_file = list(iter_results(screener, table.chunks(7)))
    for i, (row, want) in enumerate(zip(_rows(case), from_file, strict=True), start=1):
        got = screener.screen(row, row_number=i)
        assert (got.verdict, got.rule_ids) == (want.verdict, want.rule_ids), (case["id"], i, got.warnings, want.warnings)
        assert bool(got.warnings) == bool(want.warnings), (case["id"], i, got.warnings, want.warnings)


def test_http_reads_party_names_as_a_file_does(screener: Screener) -> None:
    with TestClient(create_app(screener, api_keys=[])) as client:
        for name in ("Bela\u200bruskali", "Acme GmbH c/o Belaruskali", '["Acme GmbH", "Belaruskali"]',
                     "\u202eilaksuraleB"):
            body = {"shipment_id": "S1", "hs_code": "847130", "destination_country": "DE", "consignee_name": name}
            r = client.post("/v1/screen", json=body)
            assert r.status_code == 200, r.text
            result = r.json()["result"]
            assert result["verdict"] == "BLOCK", (name, result)
            assert result["warnings"], name
        r = client.post("/v1/screen", json={"shipment_id": "S2", "hs_code": "847l30", "destination_country": "BY"})
        assert r.json()["result"]["verdict"] == "BLOCK" and "letters for digits" in str(r.json()["result"]["warnings"])


@pytest.mark.parametrize(("record", "field"), [
    ({"value": "1e16"}, "value"),
    ({"quantity": 10**15}, "quantity"),
    ({"value": "1", "currency": "234.50"}, "currency"),
])
def test_screen_of_a_dict_is_error_where_a_file_row_is(record: dict[str, object], field: str) -> None:
    """What makes a file row ERROR (an amount of 10^15 or more, a number as currency) makes the
    dict given to ``Screener.screen`` ERROR too, naming the field (HTTP answers 422)."""
    from compliance.screener import Screener

    result = Screener.load(include_imported=False).screen(
        {"shipment_id": "S1", "hs_code": "847130", "destination_country": "DE", **record}, row_number=1)
    assert result.verdict.value == "ERROR" and (result.error or "").startswith(f"row 1: {field}")
