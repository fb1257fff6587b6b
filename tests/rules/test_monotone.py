"""Verdicts that must move one way only, for every goods code of the bundle (and a few ordinary
and humanitarian ones): a route through Belarus, a Belarusian receiver behind a third country, a
missing document or the Lithuanian rule never makes a shipment less severe than the same
shipment without it (RULES.md rule families); Russia as destination is judged as Belarus
(harmonised rules). A case table checks single rows; this checks the rule set as a whole, so a
new goods entry that breaks the order is caught without a case written for it."""

from __future__ import annotations

from typing import Any

import pytest

from compliance.models import Verdict
from compliance.screener import Screener

_RANK = {Verdict.CLEAR: 0, Verdict.REVIEW: 1, Verdict.BLOCK: 2, Verdict.ERROR: 3}
# Ordinary, humanitarian and tobacco codes beside the bundle's goods codes.
_EXTRA = ("620342", "640399", "870195", "392690", "100199", "300490", "901890", "240110")
_DOC = {"end_use_doc_type": "end_use_statement", "end_use_doc_issuer": "manufacturer"}


@pytest.fixture(scope="module")
def screener() -> Screener:
    return Screener.load(include_imported=False)


def _codes(screener: Screener) -> list[str]:
    codes = set(_EXTRA)
    for entries in screener.bundle.goods.values():
        for e in entries:
            codes.add(e.code.ljust(6, "0"))  # a chapter entry is declared as a code beneath it
            codes.add(e.code.ljust(4, "0")[:4])  # and the heading, broader than a listed subheading
    return sorted(codes)


# (name, harsher-or-equal row, milder row, jurisdiction of the first row); rows without hs_code,
# dated 2025-09-15 unless they say otherwise.
_PAIRS: list[tuple[str, dict[str, Any], dict[str, Any], str | None]] = [
    ("transit through BY to a high-risk country", {"destination_country": "KZ", "transit_countries": "BY"},
     {"destination_country": "KZ"}, None),
    ("transit through BY to another third country", {"destination_country": "EG", "transit_countries": "BY"},
     {"destination_country": "EG"}, None),
    ("Belarusian end user behind a third country", {"destination_country": "KZ", "end_user_country": "BY"},
     {"destination_country": "BY"}, None),
    ("Belarusian consignee behind a partner country", {"destination_country": "DE", "consignee_country": "BY"},
     {"destination_country": "BY"}, None),
    ("Belarusian end user behind a third country, 2021 dual-use scope",
     {"destination_country": "KZ", "end_user_country": "BY", "date": "2021-12-01"},
     {"destination_country": "BY", "date": "2021-12-01"}, None),
    ("Belarusian end user behind a third country, before Annex XXX",
     {"destination_country": "KZ", "end_user_country": "BY", "date": "2024-01-10"},
     {"destination_country": "BY", "date": "2024-01-10"}, None),
    ("transit through BY before the 2024 transit bans",
     {"destination_country": "KZ", "transit_countries": "BY", "date": "2024-01-10"},
     {"destination_country": "KZ", "date": "2024-01-10"}, None),
    ("no end-use document", {"destination_country": "KZ"}, {"destination_country": "KZ", **_DOC}, None),
    ("Lithuanian manufacturer rule", {"destination_country": "EG"}, {"destination_country": "EG"}, "LT"),
    ("Belarus itself against a documented third country", {"destination_country": "BY"},
     {"destination_country": "KZ", **_DOC}, None),
    ("Belarusian origin with a route out of Belarus",
     {"destination_country": "DE", "origin_country": "BY", "transit_countries": "BY;PL"},
     {"destination_country": "DE", "origin_country": "BY"}, None),
]


@pytest.mark.parametrize(("name", "harsh", "mild", "jurisdiction"), _PAIRS, ids=[p[0] for p in _PAIRS])
def test_never_milder(screener: Screener, name: str, harsh: dict[str, Any], mild: dict[str, Any],
                      jurisdiction: str | None) -> None:
    def verdict(j: str | None, **kw: Any) -> Verdict:
        return screener.screen({"shipment_id": "M", "date": "2025-09-15", **kw}, jurisdiction=j).verdict

    wrong = []
    for code in _codes(screener):
        hi = verdict(jurisdiction, hs_code=code, **harsh)
        lo = verdict(None, hs_code=code, **mild)
        if _RANK[hi] < _RANK[lo]:
            wrong.append(f"{code}: {hi.value} with, {lo.value} without")
    assert not wrong, f"{name}: " + "; ".join(wrong)


def test_russia_is_judged_as_belarus(screener: Screener) -> None:
    wrong = []
    for code in _codes(screener):
        ru, by = (screener.screen({"shipment_id": "M", "date": "2025-09-15", "hs_code": code,
                                   "destination_country": c}).verdict for c in ("RU", "BY"))
        if ru != by:
            wrong.append(f"{code}: RU {ru.value}, BY {by.value}")
    assert not wrong, "; ".join(wrong)


# Rows that may add at most a REVIEW to what the same goods get when sent straight to Belarus
# (first row, jurisdiction; second row, EU): a route through Belarus or Russia, a Belarusian
# receiver behind a third country and the Lithuanian document rule judge goods by the same export
# bans, so they cannot block goods that only get a REVIEW in Belarus (an unverified code, the 2021
# military-end-use scope, a luxury item at or below the per-item threshold).
_LOW_VALUE = {"value": 1000, "quantity": 10, "unit": "pcs", "currency": "EUR"}
_UPPER: list[tuple[str, dict[str, Any], dict[str, Any], str | None]] = [
    ("Belarusian end user behind a third country", {"destination_country": "KZ", "end_user_country": "BY"},
     {"destination_country": "BY"}, None),
    ("Belarusian end user behind a third country, 2021 dual-use scope",
     {"destination_country": "KZ", "end_user_country": "BY", "date": "2021-12-01"},
     {"destination_country": "BY", "date": "2021-12-01"}, None),
    ("Russian consignee behind a partner country, items at EUR 100",
     {"destination_country": "DE", "consignee_country": "RU", **_LOW_VALUE}, {"destination_country": "BY", **_LOW_VALUE},
     None),
    ("transit through Belarus", {"destination_country": "KZ", "transit_countries": "PL;BY"},
     {"destination_country": "BY"}, None),
    ("transit through Belarus, items at EUR 100", {"destination_country": "KZ", "transit_countries": "PL;BY", **_LOW_VALUE},
     {"destination_country": "BY", **_LOW_VALUE}, None),
    ("transit through Russia, items at EUR 100", {"destination_country": "AM", "transit_countries": "RU", **_LOW_VALUE},
     {"destination_country": "BY", **_LOW_VALUE}, None),
    ("Lithuanian rule, items at EUR 100", {"destination_country": "EG", **_LOW_VALUE},
     {"destination_country": "BY", **_LOW_VALUE}, "LT"),
]


@pytest.mark.parametrize(("name", "row", "bound", "jurisdiction"), _UPPER, ids=[p[0] for p in _UPPER])
def test_never_harsher_than_belarus_plus_review(screener: Screener, name: str, row: dict[str, Any],
                                                bound: dict[str, Any], jurisdiction: str | None) -> None:
    def verdict(j: str | None, **kw: Any) -> Verdict:
        return screener.screen({"shipment_id": "M", "date": "2025-09-15", **kw}, jurisdiction=j).verdict

    wrong = []
    for code in _codes(screener):
        got = verdict(jurisdiction, hs_code=code, **row)
        direct = verdict(None, hs_code=code, **bound)
        if _RANK[got] > max(_RANK[direct], _RANK[Verdict.REVIEW]):
            wrong.append(f"{code}: {got.value}, {direct.value} straight to Belarus")
    assert not wrong, f"{name}: " + "; ".join(wrong)


_TIGHTEN_ROUTES = [{"destination_country": "BY"}, {"destination_country": "KZ", "transit_countries": "PL;BY"},
                   {"destination_country": "DE", "origin_country": "BY"}, {"destination_country": "EG"}]


@pytest.mark.parametrize("route", _TIGHTEN_ROUTES, ids=lambda r: "-".join(f"{k}={v}" for k, v in r.items()))
def test_goods_measures_only_tighten(screener: Screener, route: dict[str, Any]) -> None:
    """The goods measures of the reference only ever tighten (a wind-down ends in a ban, the 2021
    dual-use scope and the 2023 Annex Va extension give way to wider bans): for every goods code,
    the verdict of a row without parties never falls from one rule date of the bundle to the next."""
    import datetime as dt

    one = dt.timedelta(days=1)
    dates: set[dt.date] = set()
    for rule in screener.bundle.rules:
        dates |= {rule.valid_from - one, rule.valid_from}
        if rule.valid_to:
            dates |= {rule.valid_to, rule.valid_to + one}
        if rule.wind_down_until:
            dates |= {rule.wind_down_until, rule.wind_down_until + one}
    for entries in screener.bundle.goods.values():
        for e in entries:
            if e.valid_from:
                dates |= {e.valid_from - one, e.valid_from}
    days = sorted(d for d in dates if d.year >= 2010)  # the party rules' 2006 start adds nothing here
    wrong = []
    for code in _codes(screener):
        before: tuple[dt.date, Verdict] | None = None
        for day in days:
            got = screener.screen({"shipment_id": "M", "date": day.isoformat(), "hs_code": code, **route}).verdict
            if before and _RANK[got] < _RANK[before[1]]:
                wrong.append(f"{code}: {before[1].value} on {before[0]}, {got.value} on {day}")
            before = (day, got)
    assert not wrong, "; ".join(wrong)
