"""An ``hs_code`` HS 2022 does not have (an HS 2017 heading such as 6908 or 8803, a mistyped
code) is screened as written, and the row says so: a warning naming the field and the code.
Broader codes (a heading padded with zeros, a one-dash group) and the national chapters 98/99
are not unknown."""

from __future__ import annotations

from pathlib import Path

import pytest

from compliance.hs import nomenclature_note
from compliance.screener import Screener
from tests.csvfiles import screen_file

ROW = {"shipment_id": "S1", "destination_country": "DE", "origin_country": "PL"}


@pytest.mark.parametrize("code", ["690890", "8803300000", "1234", "12345678", "847199", "84712"])
def test_unknown_codes_have_a_note_naming_field_and_code(code: str) -> None:
    note = nomenclature_note(code)
    assert note and note.startswith("hs_code ") and "HS 2022" in note and code[:4] in note


@pytest.mark.parametrize("code", ["8471", "847130", "8471300000", "847100", "85423000", "440000", "2503000000",
                                  "0500", "9801", "9999", "980100", "2710194100", "880730", "84715"])
def test_known_and_broader_codes_have_none(code: str) -> None:
    assert nomenclature_note(code) is None


def test_unknown_code_warning_reaches_the_result_and_keeps_the_verdict() -> None:
    screener = Screener.load(include_imported=False)
    result = screener.screen({**ROW, "hs_code": "6908.90"}, row_number=1)
    assert result.verdict.value == "CLEAR"
    assert any(w.startswith("hs_code 6908 90: HS 2022 has no heading 6908") for w in result.warnings)
    assert not any(w.startswith("hs_code") for w in screener.screen({**ROW, "hs_code": "6907.21"}).warnings)


def test_unknown_code_warning_in_a_batch(tmp_path: Path) -> None:
    """Through the file path too, the CLEAR lane included (it warns as the full path does)."""
    path = tmp_path / "codes.csv"
    path.write_text("shipment_id,hs_code,destination_country\n"
                    + "".join(f"S{i},{'690890' if i % 2 else '690721'},DE\n" for i in range(30)), encoding="utf-8")
    results, _ = screen_file(Screener.load(include_imported=False), path)
    assert len(results) == 30 and all(r.verdict.value == "CLEAR" for r in results)
    for i, r in enumerate(results):
        assert any(w.startswith("hs_code 6908 90") for w in r.warnings) == bool(i % 2)
