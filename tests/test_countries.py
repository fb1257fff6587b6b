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


@pytest.mark.parametrize(("text", "code"), [
    # EU official-language names of the two sanctioned countries, as EU brokers write them.
    ("Krievija", "RU"), ("Venemaa", "RU"), ("Rusko", "RU"), ("Ryssland", "RU"), ("Venäjä", "RU"), ("Rusland", "RU"),
    ("Ρωσία", "RU"), ("Русия", "RU"), ("Hviderusland", "BY"), ("Vitryssland", "BY"), ("Valko-Venäjä", "BY"),
    ("Bělorusko", "BY"), ("Λευκορωσία", "BY"), ("Fehéroroszország", "BY"), ("Qazaqstan", "KZ"), ("EL", "GR"),
    # hard negatives: near spellings of other places stay what they are
    ("Belgium", "BE"), ("Belize", "BZ"), ("Bulgaria", "BG"), ("Rwanda", "RW"), ("Estonia", "EE"),
])
def test_eu_language_names(text: str, code: str) -> None:
    assert resolve_country(text) == code


@pytest.mark.parametrize("text", ["Ruse", "Russell", "Velaro", "Hellas Shipping"])
def test_near_names_are_not_countries(text: str) -> None:
    with pytest.raises(UnknownCountry):
        resolve_country(text)


@pytest.mark.parametrize(("text", "parts"), [
    # separators brokers write besides ; , | >: a slash, a spaced dash, en/em dashes, =>, line breaks,
    # and ISO codes separated by spaces only
    ("PL/BY/RU", ["PL", "BY", "RU"]), ("PL - BY - RU", ["PL", "BY", "RU"]), ("PL–BY—RU", ["PL", "BY", "RU"]),
    ("PL=>BY", ["PL", "BY"]), ("PL\nBY", ["PL", "BY"]), ("PL BY RU", ["PL", "BY", "RU"]),
    # ISO codes joined by hyphens only (was ERROR: "names 3 countries, give one")
    ("PL-BY-RU", ["PL", "BY", "RU"]), ("DE-PL-LT-BY; KZ", ["DE", "PL", "LT", "BY", "KZ"]), ("LTU-BLR", ["LTU", "BLR"]),
    # hard negatives: hyphens and spaces inside names do not split them
    ("GUINEA-BISSAU", ["GUINEA-BISSAU"]), ("TIMOR-LESTE > BY", ["TIMOR-LESTE", "BY"]), ("PL-XX", ["PL-XX"]),
    ("Guinea-Bissau > BY", ["Guinea-Bissau", "BY"]), ("Timor-Leste; BY", ["Timor-Leste", "BY"]),
    ("Valko-Venäjä", ["Valko-Venäjä"]), ("United States > BY", ["United States", "BY"]),
    ("Bosnia and Herzegovina; BY", ["Bosnia and Herzegovina", "BY"]), ("South Africa", ["South Africa"]),
])
def test_split_transit_other_separators(text: str, parts: list[str]) -> None:
    assert split_countries(text) == parts


@pytest.mark.parametrize(("text", "parts"), [
    # routes in words: the words are no countries (TO is Tonga, AND Andorra)
    ("PL to BY", ["PL", "BY"]), ("PL TO BY", ["PL", "BY"]), ("PL and BY", ["PL", "BY"]), ("PL via BY", ["PL", "BY"]),
    ("from DE via PL to BY", ["DE", "PL", "BY"]), ("via Poland and Lithuania", ["Poland", "Lithuania"]),
    ("Польша через Беларусь", ["Польша", "Беларусь"]), ("PL & BY", ["PL", "BY"]),
    # hard negatives: "and" inside a name
    ("Bosnia and Herzegovina to Serbia", ["Bosnia and Herzegovina", "Serbia"]), ("Trinidad and Tobago", ["Trinidad and Tobago"]),
    ("TO", ["TO"]),
])
def test_split_transit_words(text: str, parts: list[str]) -> None:
    assert split_countries(text) == parts


@pytest.mark.parametrize(("text", "code"), [
    ("Rep. of Belarus", "BY"), ("Russian Fed.", "RU"), ("Belarus BY", "BY"), ("Minsk Belarus", "BY"), ("Minsk", "BY"),
    ("Гомель", "BY"), ("Hrodna", "BY"), ("Moscow", "RU"), ("Trinidad & Tobago", "TT"), ("St. Lucia", "LC"),
])
def test_more_country_forms(text: str, code: str) -> None:
    assert resolve_country(text) == code


@pytest.mark.parametrize("text", ["Brest", "St. Petersburg", "PL and BY", "BY or RU", "Moscow, Belarus", "Made by Germany"])
def test_ambiguous_or_several_countries_are_unknown(text: str) -> None:
    with pytest.raises(UnknownCountry):
        resolve_country(text)


@pytest.mark.parametrize(("text", "code"), [("B\u200bY", "BY"), ("BY\u200e", "BY"), ("\u0412Y", "BY"), ("\u0412\u0423", "BY")])
def test_codes_with_invisible_or_cyrillic_look_alike_letters(text: str, code: str) -> None:
    assert resolve_country(text) == code


@pytest.mark.parametrize(("text", "parts"), [("N/A", []), ("-", []), ("none", []), ("direct", []), ("нет", []),
                                             ("NO", ["NO"]), ("NA", ["NA"])])
def test_transit_that_says_none(text: str, parts: list[str]) -> None:
    assert split_countries(text) == parts


@pytest.mark.parametrize(("text", "parts"), [("PL (via BY)", ["PL", "BY"]), ("PL (BY)", ["PL", "BY"]),
                                             ("Iran (Islamic Republic of)", ["Iran (Islamic Republic of)"])])
def test_transit_country_in_brackets(text: str, parts: list[str]) -> None:
    assert split_countries(text) == parts


def test_a_country_mentioned_in_a_part_is_not_dropped() -> None:
    with pytest.raises(UnknownCountry, match="2 countries"):
        resolve_country("Poland (transit Belarus)")
    assert resolve_country("Germany (Hamburg port)") == "DE" and resolve_country("USA (New York, NY)") == "US"
