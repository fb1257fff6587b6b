from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from compliance.hs import InvalidHSCode, format_hs, normalise_hs, prefix_relation


@pytest.mark.parametrize(("raw", "digits"), [
    ("8542.31", "854231"), ("3104 20 10", "31042010"), ("8471-30", "847130"), ("8542 31 90 00", "8542319000"),
    ("3104", "3104"), (" 2709.00.90 ", "27090090"), ("HS 8542.31", "854231"), (310420, "310420"),
    # decimal comma; trailing and leading zeros a spreadsheet dropped
    ("8542,31", "854231"), (3104.2, "310420"), (8471.0, "8471"), (40690, "040690"), ("40690", "040690"),
    ("1012100", "01012100"), (101, "0101"),
    # odd lengths whose heading exists are kept as given (no guessing)
    ("84713", "84713"), ("854231000", "854231000"),
    # full-width and Arabic-Indic digits, zero-width and soft-hyphen characters of ERP exports
    ("８５４２.３１", "854231"), ("\u200b8542.31\u200e", "854231"), ("٨٥٤٢٣١", "854231"), ("8542\u00ad31", "854231"),
])
def test_normalise(raw: object, digits: str) -> None:
    assert normalise_hs(raw) == digits


@pytest.mark.parametrize("raw", ["85", "", "85A231", "12345678901", None, "  ", "0000", "7701 10", "101"])
def test_invalid(raw: object) -> None:
    with pytest.raises(InvalidHSCode):
        normalise_hs(raw)


def test_scientific_notation_says_the_digits_are_lost() -> None:
    with pytest.raises(InvalidHSCode, match="scientific notation.*format the column as text"):
        normalise_hs("8.54231E+09")


def test_a_huge_bad_value_is_quoted_short() -> None:
    with pytest.raises(InvalidHSCode) as e:
        normalise_hs("9" * 5000)
    assert "(5000 characters)" in str(e.value) and len(str(e.value)) < 200


def test_prefix_relation() -> None:
    assert prefix_relation("31042010", "310420") == "within"
    assert prefix_relation("3104", "310420") == "broader"
    assert prefix_relation("3105", "310420") is None
    assert format_hs("31042010") == "3104 20 10"


@given(st.text())
def test_normalise_never_crashes_unexpectedly(text: str) -> None:
    try:
        out = normalise_hs(text)
    except InvalidHSCode:
        return
    assert out.isdigit() and 4 <= len(out) <= 10
    assert normalise_hs(out) == out


def test_code_behind_a_right_to_left_override_is_read_as_displayed() -> None:
    assert normalise_hs("\u202e031748") == "847130"


@pytest.mark.parametrize(("raw", "digits"), [("8471\u201030", "847130"), ("8471\u221230\u221200", "84713000"),
                                              ("8471\u00b730", "847130")])
def test_unicode_dashes_in_a_code(raw: str, digits: str) -> None:
    assert normalise_hs(raw) == digits
