"""Typed output formats keep the contract's numbers numbers (CONTRACT.md §2: ``row_number``
1-based, ``risk_score`` 0-100, ``top_party_score``); every other column stays text."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from compliance.io import ResultWriter
from compliance.models import Family, Finding, ScreeningResult, Severity, Verdict


def _results() -> list[ScreeningResult]:
    party = Finding(rule_id="BY-PARTY-LISTED", family=Family.party, severity=Severity.block, regime="EU",
                    legal_basis="Reg. 765/2006", message="listed", matched_name="OAO Belaruskali",
                    list_name="EU FSF", score=0.97)
    return [
        ScreeningResult(row_number=1, shipment_id="S1", verdict=Verdict.BLOCK, risk_score=95, findings=[party],
                        input={"shipment_id": "S1", "hs_code": "310420", "qty": "12"}),
        ScreeningResult(row_number=2, shipment_id="S2", verdict=Verdict.ERROR, error="row 2: hs_code is missing",
                        input={"shipment_id": "S2", "hs_code": "", "qty": "-3"}),
        ScreeningResult(row_number=3, shipment_id="S3", verdict=Verdict.CLEAR, risk_score=0,
                        input={"shipment_id": "S3", "hs_code": "0401", "qty": "7"}),
    ]


def test_parquet_numeric_columns_are_typed_and_nullable(tmp_path: Path) -> None:
    out = tmp_path / "r.parquet"
    w = ResultWriter(out, "parquet", ["shipment_id", "hs_code", "qty"])
    w.write(_results())
    w.close()
    schema = pq.read_schema(out)
    assert str(schema.field("row_number").type) == "int64"
    assert str(schema.field("risk_score").type) == "int64"
    assert str(schema.field("top_party_score").type) == "double"
    assert {str(schema.field(c).type) for c in ("shipment_id", "hs_code", "qty", "verdict", "findings")} == {"string"}
    frame = pd.read_parquet(out)
    assert frame["row_number"].tolist() == [1, 2, 3]
    assert frame["risk_score"].tolist()[0] == 95 and frame["risk_score"].isna().tolist() == [False, True, False]
    assert frame["top_party_score"].tolist()[0] == 0.97 and frame["top_party_score"].isna().tolist()[1:] == [True, True]
    # An input cell that looks like a number stays the text it was (echoed unchanged).
    assert frame["qty"].tolist() == ["12", "-3", "7"]
