"""CONTRACT.md §4: what customs software imports, exactly as the contract writes it."""

from __future__ import annotations

import inspect
import json
from pathlib import Path

import pandas as pd
import pytest
from pydantic import BaseModel

REPO = Path(__file__).resolve().parent.parent.parent


def test_contract_snippet_as_written() -> None:
    """§4 the five lines of the contract, as a customer would paste them."""
    from compliance import Screener

    screener = Screener.load()
    result = screener.screen({"shipment_id": "S1", "hs_code": "310420", "destination_country": "BY"})
    assert isinstance(result, BaseModel), "pydantic models"
    assert result.verdict.value in ("BLOCK", "REVIEW", "CLEAR", "ERROR")
    assert result.verdict == result.verdict.value, "the verdict compares equal to its text"
    assert isinstance(result.findings, list) and all(isinstance(f, BaseModel) for f in result.findings)
    json.loads(result.model_dump_json())  # JSON-serialisable
    json.dumps(result.model_dump(mode="json"))
    frame = screener.screen_frame(pd.DataFrame([{"shipment_id": "S1", "hs_code": "310420",
                                                 "destination_country": "BY"}]))
    assert isinstance(frame, pd.DataFrame)
    from compliance.names import similarity

    score = similarity("Belaruskali", "Беларуськалий")
    assert isinstance(score, float) and 0.0 <= score <= 1.0


def test_load_with_rules_dir_and_lists(shared_data: Path) -> None:
    """§4 Screener.load(rules_dir, lists=[...])."""
    from compliance import Screener

    params = list(inspect.signature(Screener.load).parameters)
    assert params[:2] == ["rules_dir", "lists"]
    screener = Screener.load(REPO / "rules", lists=[shared_data / "ofac" / "sdn_selection_2025-05" / "sdn.csv"])
    names = [x.info.name for x in screener.lists]
    assert names[0] == "curated-belarus" and len(names) == 2
    assert screener.screen({"shipment_id": "1", "hs_code": "854231", "destination_country": "BY"}).verdict == "BLOCK"


def test_finding_fields_on_the_model() -> None:
    """§2 finding fields as model attributes: rule_id, family, severity, regime, legal_basis,
    message, evidence; party matches: matched_name, list_entry_id, score, explanation."""
    from compliance import Screener

    r = Screener.load().screen({"shipment_id": "P", "hs_code": "9403 60", "destination_country": "DE",
                                "consignee_name": "JSC Belaruskali", "consignee_country": "BY"})
    assert r.verdict == "BLOCK"
    f = next(f for f in r.findings if f.family == "party")
    for name in ("rule_id", "family", "severity", "regime", "legal_basis", "message", "evidence",
                 "matched_name", "list_entry_id", "score", "explanation"):
        assert getattr(f, name) not in (None, "", {}), name
    dumped = f.model_dump(mode="json")
    assert dumped["family"] == "party" and dumped["severity"] == "block"


def test_screen_frame_rows_in_order_with_the_output_columns() -> None:
    """§4 "pandas DataFrame in, DataFrame out": one row per input row, in order, with the
    input columns then the §2 columns; a bad row is ERROR, not an exception."""
    from compliance import Screener

    df = pd.DataFrame([
        {"shipment_id": "F1", "hs_code": "854231", "destination_country": "BY", "ref": "a"},
        {"shipment_id": "F2", "hs_code": "85", "destination_country": "BY", "ref": "b"},
        {"shipment_id": "F3", "hs_code": "9403 60", "destination_country": "DE", "ref": "c"},
    ], index=[10, 20, 30])
    out = Screener.load().screen_frame(df)
    assert len(out) == 3
    assert list(out["shipment_id"]) == ["F1", "F2", "F3"] and list(out["ref"]) == ["a", "b", "c"]
    assert list(out["verdict"]) == ["BLOCK", "ERROR", "CLEAR"]
    assert list(out["row_number"]) == [1, 2, 3]
    cols = list(out.columns)
    assert cols[:4] == ["shipment_id", "hs_code", "destination_country", "ref"]
    for c in ("row_number", "verdict", "risk_score", "rule_ids", "reasons", "top_party_match", "top_party_score",
              "top_party_list", "findings", "error"):
        assert c in cols, c
    assert "hs_code" in out["error"].iloc[1]


def test_bad_input_is_an_error_row_not_an_exception() -> None:
    """§2 ERROR means the row could not be screened; it is never silently CLEAR."""
    from compliance import Screener

    s = Screener.load()
    for row in ({}, {"shipment_id": "x"}, {"shipment_id": "x", "hs_code": "12", "destination_country": "BY"},
                {"shipment_id": "x", "hs_code": "854231", "destination_country": "Atlantis"}):
        r = s.screen(row)
        assert r.verdict == "ERROR" and r.error and not r.findings


@pytest.mark.parametrize(("a", "b"), [("", ""), ("Belaruskali", ""), ("ОАО «Гродно Азот»", "Grodno Azot"),
                                      ("x" * 3000, "y"), ("\u0000\ud7ff", "🙂")])
def test_similarity_is_a_symmetric_float_in_unit_range(a: str, b: str) -> None:
    """§4 similarity(a, b) -> float in [0, 1]."""
    from compliance.names import similarity

    ab, ba = similarity(a, b), similarity(b, a)
    assert isinstance(ab, float) and 0.0 <= ab <= 1.0 and ab == ba


def test_results_are_json_serialisable_plainly() -> None:
    """§4 "pydantic models, JSON-serialisable": json.dumps of model_dump() too, for text input."""
    from compliance import Screener

    s = Screener.load()
    rows = [{"shipment_id": "J1", "hs_code": "854231", "destination_country": "KZ", "date": "2025-01-10",
             "value": "1 250,50", "consignee_name": "JSC Belaruskali", "consignee_country": "BY"},
            {"shipment_id": "J2", "hs_code": "12", "destination_country": "BY"}]
    for row in rows:
        r = s.screen(row)
        assert json.loads(json.dumps(r.model_dump()))["verdict"] == r.verdict.value
        assert json.loads(r.model_dump_json())["findings"] == json.loads(json.dumps(r.model_dump()))["findings"]


def test_screen_frame_takes_numbers_and_dates_as_pandas_reads_them() -> None:
    """§4 screen_frame(df): a frame read by pandas (numeric ids and codes, Timestamps, NaN)."""
    from compliance import Screener

    df = pd.DataFrame({"shipment_id": [1, 2], "hs_code": [854231, 940360], "destination_country": ["BY", "DE"],
                       "date": [pd.Timestamp("2025-01-10"), pd.NaT], "value": [3.5, float("nan")]})
    out = Screener.load().screen_frame(df)
    assert list(out["verdict"]) == ["BLOCK", "CLEAR"]
    assert list(out["shipment_id"]) == [1, 2], "echoed as given"
