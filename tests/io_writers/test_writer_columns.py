"""The output's columns (CONTRACT.md §2): the input columns echoed, a ``shipment_id`` added only
where the id came from a renamed column, then the result columns; no two names that differ only
by case (SQL and Excel take column names without case)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from compliance.io import OUTPUT_COLUMNS, ResultWriter, result_record
from compliance.models import ScreeningResult, Verdict


def _result(inp: dict[str, str], shipment_id: str = "S1") -> ScreeningResult:
    return ScreeningResult(row_number=1, shipment_id=shipment_id, verdict=Verdict.CLEAR, risk_score=0, input=inp)


@pytest.mark.parametrize("header", ["Shipment_ID", " SHIPMENT_ID ", "shipment_ID"])
def test_id_column_in_another_case_is_not_added_again(header: str, tmp_path: Path) -> None:
    columns = [header, "hs_code", "destination_country"]
    writer = ResultWriter(tmp_path / "r.jsonl", "jsonl", columns)
    assert writer.columns == [*columns, *OUTPUT_COLUMNS]
    assert len({c.strip().casefold() for c in writer.columns}) == len(writer.columns)
    writer.write([_result({header: "S1", "hs_code": "0401", "destination_country": "DE"})])
    writer.close()
    row = json.loads((tmp_path / "r.jsonl").read_text(encoding="utf-8"))
    assert list(row) == writer.columns and row[header] == "S1", "the id is echoed where it was, nothing lost"
    assert "shipment_id" not in result_record(_result({header: "S1"}), columns)


def test_renamed_id_still_gets_the_added_column(tmp_path: Path) -> None:
    columns = ["Order No", "Commodity Code"]
    writer = ResultWriter(tmp_path / "r.csv", "csv", columns)
    assert writer.columns == [*columns, "shipment_id", *OUTPUT_COLUMNS]
    assert result_record(_result({"Order No": "PO-1"}, "PO-1"), columns)["shipment_id"] == "PO-1"
