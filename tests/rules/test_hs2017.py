"""An HS 2017 code that HS 2022 deleted is judged as its HS 2022 successor (``hs.screened_code``)
on every path: one row, a batch through the goods cache and the CLEAR lane, and the quota count;
the row says which code it was screened as."""

from __future__ import annotations

from pathlib import Path

import pytest

from compliance.hs import nomenclature_note, screened_code
from compliance.screener import Screener
from tests.csvfiles import screen_file, write_rows


@pytest.mark.parametrize(("code", "successor"), [
    ("88033000", "88073000"), ("8803", "8807"), ("880310", "880710"), ("854140", "85414"),
    ("85415000", "85415"), ("852580", "85258"), ("85489090", "854800"), ("902780", "90278"),
])
def test_deleted_codes_have_their_successor(code: str, successor: str) -> None:
    assert screened_code(code) == successor
    note = nomenclature_note(code)
    assert note and "HS 2017" in note and "HS 2022" in note


@pytest.mark.parametrize("code", ["88073000", "854149", "8541", "85414", "854800", "847130", "854810", "0303"])
def test_current_and_unmapped_codes_are_screened_as_written(code: str) -> None:
    assert screened_code(code) == code


def test_batch_path_agrees_with_one_row(tmp_path: Path) -> None:
    screener = Screener.load(include_imported=False)
    rows = []
    for i in range(40):
        code, dest = [("8803 30 00", "BY"), ("8548 90", "BY"), ("8803 30 00", "DE"), ("6403 99", "BY")][i % 4]
        rows.append({"shipment_id": f"S{i}", "hs_code": code, "destination_country": dest, "date": "2025-10-01"})
    rows.append({"shipment_id": "Q", "hs_code": "8548 90", "destination_country": "TR", "date": "2025-10-01",
                 "value": 150000, "currency": "EUR"})
    results, _ = screen_file(screener, write_rows(tmp_path / "hs2017.csv", rows))
    assert len(results) == len(rows)
    for row, got in zip(rows, results, strict=True):
        one = screener.screen(row)
        assert got.verdict == one.verdict and got.rule_ids == one.rule_ids, row
    verdicts = [r.verdict.value for r in results[:4]]
    assert verdicts == ["BLOCK", "BLOCK", "CLEAR", "CLEAR"]
    assert "BY-SECT-AVIATION" in results[0].rule_ids and "BY-CHPL-EXPORT" in results[1].rule_ids
    assert any("successor 8807 30 00" in w for w in results[2].warnings)  # a CLEAR row says it too
    assert "BY-CIRC-QUOTA-CHPL" in results[-1].rule_ids
