"""An ``end_use_doc_type`` the contract does not know (CONTRACT.md §1: end_user_certificate,
end_use_statement, import_certificate, delivery_verification, none) is screened as a document
that vouches for nothing, and the row says so: a warning naming the field and the accepted values."""

from __future__ import annotations

from pathlib import Path

import pytest

from compliance.models import DOC_TYPES, parse_shipment
from compliance.screener import Screener
from tests.csvfiles import screen_file

ROW = {"shipment_id": "S1", "hs_code": "854231", "destination_country": "KZ", "end_use_doc_issuer": "manufacturer"}


@pytest.mark.parametrize("kind", ["garbage", "passport", "Invoice", "certificate of origin"])
def test_unknown_kind_has_a_warning_naming_field_and_values(kind: str) -> None:
    note = parse_shipment({**ROW, "end_use_doc_type": kind}).end_use_doc_warning
    assert note and note.startswith("end_use_doc_type ") and all(t in note for t in DOC_TYPES)
    assert "none (blank = none)" in note


@pytest.mark.parametrize("kind", ["", None, "none", "n/a", "EUC", "end_user_certificate", "Delivery Verification"])
def test_known_kinds_and_blank_have_none(kind: str | None) -> None:
    assert parse_shipment({**ROW, "end_use_doc_type": kind}).end_use_doc_warning is None


def test_unknown_kind_warning_reaches_the_result() -> None:
    result = Screener.load(include_imported=False).screen({**ROW, "end_use_doc_type": "passport"}, row_number=1)
    assert result.verdict.value == "REVIEW"
    assert any(w.startswith("end_use_doc_type 'passport'") for w in result.warnings)


def test_unknown_kind_warning_in_a_batch(tmp_path: Path) -> None:
    """Through the file path too, the CLEAR lane included (unrestricted goods: CLEAR with the warning)."""
    path = tmp_path / "docs.csv"
    path.write_text("shipment_id,hs_code,destination_country,end_use_doc_type\n"
                    + "".join(f"S{i},940360,DE,passport\n" for i in range(30)), encoding="utf-8")
    results, _ = screen_file(Screener.load(include_imported=False), path)
    assert len(results) == 30
    assert all(any(w.startswith("end_use_doc_type 'passport'") for w in r.warnings) for r in results)
