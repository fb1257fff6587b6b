"""Amounts written with a currency sign or code before or after them: the number is read and the
sign gives the currency (ISO 4217), as ``€``/``EUR`` always did. ``kr`` (SEK, NOK, DKK or ISK) and
``руб.`` / ``р.`` (BYN or RUB) give the number only: the currency column must say which one."""

from __future__ import annotations

from pathlib import Path

import pytest

from compliance.io import open_input
from compliance.io.readers import RawRow
from compliance.models import amount_currency_note, parse_number, split_amount

# (written, number, currency read from it)
SIGNED: list[tuple[str, float, str | None]] = [
    ("1 234,56 zł", 1234.56, "PLN"),
    ("1234,56zł", 1234.56, "PLN"),
    ("R$ 1.234,56", 1234.56, "BRL"),
    ("R$1.234,56", 1234.56, "BRL"),
    ("US$1,234.56", 1234.56, "USD"),
    ("US$ 1,234.56", 1234.56, "USD"),
    ("1 234 руб.", 1234.0, None),  # BYN or RUB: the currency column says which
    ("1 234,50 руб", 1234.5, None),
    ("1 234 р.", 1234.0, None),
    ("1 234 бел. руб.", 1234.0, "BYN"),
    ("1 234 бел.руб.", 1234.0, "BYN"),
    ("1 234 рос. руб.", 1234.0, "RUB"),
    ("1 234 Бел. руб", 1234.0, "BYN"),
    ("₽ 1 234", 1234.0, "RUB"),
    ("1 234 ₽", 1234.0, "RUB"),
    ("1 234 грн", 1234.0, "UAH"),
    ("1 234,00 грн.", 1234.0, "UAH"),
    ("Br 500", 500.0, "BYN"),
    ("500 Br", 500.0, "BYN"),
    ("BYN 500", 500.0, "BYN"),
    ("500 BYN", 500.0, "BYN"),
    ("₸ 5 000", 5000.0, "KZT"),
    ("5 000 ₸", 5000.0, "KZT"),
    ("£1,000.50", 1000.5, "GBP"),
    ("CHF 1'234.50", 1234.5, "CHF"),
    ("1 000 Kč", 1000.0, "CZK"),
    ("2 500 Ft", 2500.0, "HUF"),
    ("BRL 100", 100.0, "BRL"),  # a code, not "Br" and "L 100"
    ("€ 1.234,56", 1234.56, "EUR"),
    ("1234 EUR", 1234.0, "EUR"),
    ("$ 100", 100.0, "USD"),
    ("10 ZŁ", 10.0, "PLN"),  # signs are case-blind
    ("1 234 kr", 1234.0, None),  # SEK, NOK, DKK or ISK: the currency column says which
    ("kr 99,50", 99.5, None),
    ("1234.50", 1234.5, None),
    ("1 234,56", 1234.56, None),
]


@pytest.mark.parametrize(("written", "number", "currency"), SIGNED, ids=[c[0] for c in SIGNED])
def test_signed_amount(written: str, number: float, currency: str | None) -> None:
    assert parse_number(written, "value") == pytest.approx(number)
    assert split_amount(written)[1] == currency


@pytest.mark.parametrize("written", ["zł", "R$", "Br", "kr 1 kr", "US$ 100 USD", "100 zł zł", "(100) zł"])
def test_not_an_amount(written: str) -> None:
    with pytest.raises(ValueError, match="value"):
        parse_number(written, "value")


@pytest.mark.parametrize(("written", "column", "noted"), [
    ("1 234 kr", None, True),
    ("1 234 kr", "", True),
    ("1 234 kr", "USD", True),
    ("1 234 kr", "sek", False),
    ("kr 1 234", "NOK", False),
    ("1 234 zł", None, False),
    ("1234", None, False),
    ("1 234 руб.", None, True),
    ("1 234 руб.", "BYN", False),
    ("1 234 р.", "rub", False),
    ("1 234 бел. руб.", None, False),
])
def test_kr_note(written: str, column: str | None, noted: bool) -> None:
    note = amount_currency_note(written, column)
    assert (note is not None) == noted
    if note:
        assert ("SEK" in note and "NOK" in note) or ("BYN" in note and "RUB" in note)
        assert written in note
        assert ("currency says USD" in note) == (column == "USD")


def _read(tmp_path: Path, text: str) -> list[RawRow]:
    path = tmp_path / "amounts.csv"
    path.write_text(text, "utf-8")
    with open_input(path) as table:
        return list(table.rows())


def test_sign_fills_an_empty_currency_column(tmp_path: Path) -> None:
    rows = _read(tmp_path, 'shipment_id,hs_code,destination_country,value,currency\n'
                              'A,8471,DE,"1 234,56 zł",\nB,8471,DE,Br 500,\nC,8471,DE,1 234 kr,\n'
                              'D,8471,DE,"US$1,234.56",\nE,8471,DE,"1 234 kr",SEK\n')
    assert [r.data.get("currency") or None for r in rows] == ["PLN", "BYN", None, "USD", "SEK"]


def test_sign_and_column_disagree_as_for_euro(tmp_path: Path) -> None:
    """A sign the currency column contradicts is treated as ``€ 100`` with USD always was: the
    column is used and the row warns, naming both."""
    rows = _read(tmp_path, "shipment_id,hs_code,destination_country,value,currency\n"
                           "A,8471,DE,€ 100,USD\nB,8471,DE,100 zł,USD\nC,8471,DE,Br 500,RUB\n")
    for r, (sign, column) in zip(rows, [("EUR", "USD"), ("PLN", "USD"), ("BYN", "RUB")], strict=True):
        assert r.data.get("currency") == column
        assert any(f"says {sign} but currency says {column}" in w for w in r.warnings), r.warnings


def test_kr_without_a_currency_column_warns_in_a_file(tmp_path: Path) -> None:
    """``kr`` names four currencies: a file row whose currency column does not say which one is
    warned about (an empty column or another currency); SEK, NOK, DKK or ISK there is quiet."""
    path = tmp_path / "kr.csv"
    path.write_text("shipment_id,hs_code,destination_country,value,currency\n"
                    "K1,940360,DE,100 kr,\nK2,940360,DE,100 kr,SEK\nK3,940360,DE,100 kr,USD\n", encoding="utf-8")
    with open_input(path) as table:
        rows = [raw for chunk in table.chunks(10) for raw in chunk]
    kr = [[w for w in raw.warnings if "'kr'" in w] for raw in rows]
    assert [bool(w) for w in kr] == [True, False, True]
    assert "currency column is empty" in kr[0][0] and "currency says USD" in kr[2][0]
