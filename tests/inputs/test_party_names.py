"""What the reader undoes in a party name before it is screened (compliance.io.party_names)."""

from __future__ import annotations

import pytest

from compliance.io.party_names import SUSPECT, clean_party_name


@pytest.mark.parametrize(("name", "screened"), [
    ("\u202eilaksuraleB", "Belaruskali"), ("ACME \u202eilaksuraleB\u202c GmbH", "ACME Belaruskali GmbH"),
    ("Bela\u200bruskali", "Belaruskali"), ("Belaruskali\u2122", "Belaruskali"), ("c/o Belaruskali", "Belaruskali"),
    ("ACME GmbH c/o Belaruskali", "ACME GmbH; Belaruskali"), ("ACME GmbH C/O Belaruskali", "ACME GmbH; Belaruskali"),
    ("ACME\r\nBelaruskali", "ACME; Belaruskali"), ('["ACME", "Belaruskali"]', "ACME; Belaruskali"),
])
def test_disguises_are_undone_with_a_note(name: str, screened: str) -> None:
    text, notes = clean_party_name(name)
    assert text == screened and notes


@pytest.mark.parametrize("name", ["Müller GmbH", "ОАО «Нафтан»", "Marc/Otto GmbH", "Cooper & Co.", "[Draft] ACME",
                                  "Société Générale", "Nafta Co. Ltd"])
def test_ordinary_names_are_left_alone(name: str) -> None:
    assert clean_party_name(name) == (name, ())


def test_plain_ascii_names_skip_the_check() -> None:
    assert not SUSPECT.search("ACME Trading GmbH & Co. KG")


def test_mojibake_is_repaired_and_undecodable_bytes_are_said() -> None:
    text, notes = clean_party_name("Беларуськалий".encode().decode("cp1251"))
    assert text == "Беларуськалий" and "misread" in notes[0]
    assert clean_party_name("MÃ¼ller GmbH")[0] == "Müller GmbH"
    assert "undecodable" in clean_party_name("Caf\ufffd")[1][0]
    for name in ("РСБ Банк", "Сбербанк России", "Société Générale"):
        assert clean_party_name(name) == (name, ())
