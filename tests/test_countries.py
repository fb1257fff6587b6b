from __future__ import annotations

import pytest

from compliance.countries import UnknownCountry, resolve_country, split_countries


@pytest.mark.parametrize("text", ["BY", "by", "BLR", "112", "Belarus", "BELARUS", "Byelorussia", "Belorussia",
                                  "Беларусь", "Республика Беларусь", "Рэспубліка Беларусь", "Belarús",
                                  "Republic of Belarus", "Weißrussland", "Białoruś", "Baltarusija", " belarus "])
def test_belarus_every_way(text: str) -> None:
    assert resolve_country(text) == "BY"


@pytest.mark.parametrize(("text", "code"), [
    ("Russia", "RU"), ("Российская Федерация", "RU"), ("RUS", "RU"), ("643", "RU"),
    ("Kazakhstan", "KZ"), ("Казахстан", "KZ"), ("Türkiye", "TR"), ("Turkey", "TR"), ("UAE", "AE"),
    ("United Kingdom", "GB"), ("UK", "GB"), ("USA", "US"), ("Germany", "DE"), ("Германия", "DE"),
    ("Lietuva", "LT"), ("Литва", "LT"), ("NA", "NA"), ("Namibia", "NA"), ("Hong Kong", "HK"),
    ("Kosovo", "XK"), ("Kyrgyz Republic", "KG"), ("Korea, Republic of", "KR"), ("NO", "NO"),
])
def test_other_countries(text: str, code: str) -> None:
    assert resolve_country(text) == code


def test_unknown_country_suggests() -> None:
    with pytest.raises(UnknownCountry) as e:
        resolve_country("Belarusia")
    assert "Belarus (BY)" in str(e.value)
    with pytest.raises(UnknownCountry):
        resolve_country("Narnia")


@pytest.mark.parametrize(("text", "parts"), [
    ("PL;BY;RU", ["PL", "BY", "RU"]), ("PL > BY > RU", ["PL", "BY", "RU"]), ("PL|BY", ["PL", "BY"]),
    ("PL, BY", ["PL", "BY"]), ("PL -> BY", ["PL", "BY"]), ("", []),
])
def test_split_transit(text: str, parts: list[str]) -> None:
    assert split_countries(text) == parts
