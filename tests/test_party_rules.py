"""Party decision logic (compliance/rules/party.py) on hand-made lists: which listings bind
under which jurisdiction, export-control measures, sectoral listings, dates, the party's
country, curated licences and delistings applied to official list entries, and the evidence."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from compliance import lists as lists_mod
from compliance.io.writers import result_record
from compliance.lists.model import Entity, ListInfo, Listing, LoadedList
from compliance.models import ScreeningResult
from compliance.rules.loader import load_bundle
from compliance.screener import Screener


def _list(name: str, entities: list[Entity], date: dt.date | None = None) -> LoadedList:
    return LoadedList(info=ListInfo(name=name, format="test", version=date and date.isoformat(), date=date,
                                    entries=len(entities)), entities=entities)


def _org(eid: str, name: str, list_name: str, *listings: Listing, countries: list[str] | None = None) -> Entity:
    return Entity(id=eid, list_name=list_name, kind="organization", name=name, countries=countries or [],
                  listings=list(listings))


US_LISTS = _list("us-csl", [
    _org("csl:1", "Zarvex Precision Instruments", "us-csl",
         Listing(regime="US", program="DPL", measure="export_denial", listed_on=dt.date(2020, 1, 1))),
    _org("csl:2", "Quorvane Microsystems", "us-csl",
         Listing(regime="US", program="EL", measure="export_licence", listed_on=dt.date(2020, 1, 1))),
    _org("csl:3", "Tellmarch Optronics", "us-csl",
         Listing(regime="US", program="UVL", measure="export_licence", confidence="unverified")),
    _org("csl:4", "Velkorin Energy Finance", "us-csl", Listing(regime="US", program="SSI", measure="sectoral")),
    _org("csl:5", "Drobnitsa Heavy Works", "us-csl", Listing(regime="US", program="BELARUS-EO14038"),
         countries=["BY"]),
], dt.date(2025, 6, 1))


@pytest.fixture(scope="module")
def screener() -> Screener:
    bundle = load_bundle(None)
    sdn_2024 = _list("ofac-sdn", [
        _org("ofac:1", "BELARUSKALI OAO", "ofac-sdn", Listing(regime="US", program="BELARUS-EO14038")),
        _org("ofac:2", "OPEN JOINT STOCK COMPANY BELAVIA BELARUSIAN AIRLINES", "ofac-sdn",
             Listing(regime="US", program="BELARUS-EO14038")),
    ], dt.date(2024, 5, 1))
    return Screener(bundle, [lists_mod.load_curated(), US_LISTS, sdn_2024])


def _screen(s: Screener, name: str, jurisdiction: str = "EU", date: str = "2025-03-10",
            country: str | None = None) -> ScreeningResult:
    row: dict[str, Any] = {"shipment_id": "P1", "hs_code": "620342", "destination_country": "DE",
                           "consignee_name": name, "date": date}
    if country:
        row["consignee_country"] = country
    return s.screen(row, jurisdiction=jurisdiction)


def _party(r: ScreeningResult) -> dict[str, str]:
    return {f.list_entry_id or "": f.severity.value for f in r.findings if f.family.value == "party"}


@pytest.mark.parametrize(("name", "entry", "us", "eu"), [
    ("Zarvex Precision Instruments", "csl:1", "block", "review"),   # DPL: export privileges denied
    ("Quorvane Microsystems", "csl:2", "block", "review"),          # Entity List: licence required
    ("Tellmarch Optronics", "csl:3", "review", "review"),           # Unverified List: red flag
    ("Velkorin Energy Finance", "csl:4", "review", "review"),       # sectoral (SSI)
])
def test_us_export_control_lists(screener: Screener, name: str, entry: str, us: str, eu: str) -> None:
    assert _party(_screen(screener, name, "US"))[entry] == us
    assert _party(_screen(screener, name, "EU"))[entry] == eu


def test_block_message_names_the_measure(screener: Screener) -> None:
    f = next(f for f in _screen(screener, "Quorvane Microsystems", "US").findings if f.list_entry_id == "csl:2")
    assert "licence required" in f.message


def test_other_country_is_review_not_block(screener: Screener) -> None:
    assert _party(_screen(screener, "Drobnitsa Heavy Works", "US", country="BY"))["csl:5"] == "block"
    r = _screen(screener, "Drobnitsa Heavy Works", "US", country="IT")
    assert _party(r)["csl:5"] == "review"
    assert "confirm the identity" in next(f.message for f in r.findings if f.list_entry_id == "csl:5")
    # No declared country: the name decides.
    assert _party(_screen(screener, "Drobnitsa Heavy Works", "US"))["csl:5"] == "block"


def test_curated_general_licence_reaches_the_official_list_entry(screener: Screener) -> None:
    # OFAC Belarus GL 13 (15 Dec 2025) is recorded in the curated list only.
    assert _party(_screen(screener, "Belaruskali OAO", "US", "2025-06-10"))["ofac:1"] == "block"
    r = _screen(screener, "Belaruskali OAO", "US", "2026-01-20")
    assert r.verdict.value == "REVIEW"
    assert "GL 13" in next(f.message for f in r.findings if f.list_entry_id == "ofac:1")


@pytest.mark.parametrize(("name", "date", "entry", "wind_down"), [
    # OFAC Belarus GL 4 wound down dealings with Belaruskali (SDN 9 Aug 2021) through 12:01 a.m.
    # on 8 Dec 2021, GL 5 those with BPC (SDN 2 Dec 2021) through 1 Apr 2022 (reference §8).
    ("Belaruskali OAO", "2021-10-01", "ofac:1", True),
    ("Belaruskali OAO", "2021-12-07", "ofac:1", True),
    ("Belaruskali OAO", "2021-12-08", "ofac:1", False),
    ("JSC BPC", "2022-03-31", "curated:belarusian-potash-company", True),
    ("JSC BPC", "2022-04-01", "curated:belarusian-potash-company", False),
])
def test_ofac_wind_down_licence_holds_until_the_day_it_ends(screener: Screener, name: str, date: str,
                                                           entry: str, wind_down: bool) -> None:
    r = _screen(screener, name, "US", date)
    message = next(f.message for f in r.findings if f.list_entry_id == entry)
    assert ("wind-down of earlier contracts is authorised" in message) is wind_down
    if entry == "ofac:1":  # an exact name: REVIEW inside the wind-down, BLOCK from the day it ends
        assert r.verdict.value == ("REVIEW" if wind_down else "BLOCK")
    # The wind-down is a US licence: the EU listing (3 June 2022) is not in force yet on these dates.
    assert not any(f.list_entry_id == entry and f.severity.value == "block"
                   for f in _screen(screener, name, "EU", date).findings)


def test_curated_delisting_reaches_an_older_list_file(screener: Screener) -> None:
    # Belavia left the SDN list on 4 Nov 2025; the May 2024 file still lists it.
    name = "Open Joint Stock Company Belavia Belarusian Airlines"
    assert _party(_screen(screener, name, "US", "2024-06-10"))["ofac:2"] == "block"
    r = _screen(screener, name, "US", "2026-01-10")
    assert r.verdict.value == "REVIEW" and _party(r)["ofac:2"] == "review"
    assert _party(_screen(screener, name, "EU", "2026-01-10"))["curated:belavia"] == "block"


def test_curated_delisting_ignored_by_a_newer_list_file() -> None:
    newer = _list("ofac-sdn", [_org("ofac:2", "OPEN JOINT STOCK COMPANY BELAVIA BELARUSIAN AIRLINES", "ofac-sdn",
                                    Listing(regime="US", program="BELARUS-EO14038"))], dt.date(2026, 3, 1))
    s = Screener(load_bundle(None), [lists_mod.load_curated(), newer])
    r = _screen(s, "Open Joint Stock Company Belavia Belarusian Airlines", "US", "2026-04-01")
    assert _party(r)["ofac:2"] == "block"   # still listed in a file dated after the delisting: re-listed


def test_listing_after_the_shipment_date_is_review(screener: Screener) -> None:
    r = _screen(screener, "Dana Holdings", "EU", "2020-06-01")
    assert r.verdict.value == "REVIEW"
    f = next(f for f in r.findings if f.list_entry_id == "curated:dana-holdings")
    assert f.rule_id == "BY-PARTY-DELISTED" and "after the shipment date" in f.message


def test_finding_evidence_and_top_party_columns(screener: Screener) -> None:
    r = _screen(screener, "Grodno Azot", "EU", country="BY")
    f = next(f for f in r.findings if f.rule_id == "BY-PARTY-LISTED")
    assert f.matched_name and f.list_entry_id == "curated:grodno-azot" and f.list_name == "curated-belarus"
    assert f.score == 1.0 and f.explanation and "2021/2124" in f.legal_basis
    assert f.evidence["list_version"] == "2026.12.1" and f.evidence["party_role"] == "consignee"
    rec = result_record(r, ["shipment_id"])
    assert rec["top_party_list"] == "curated-belarus" and rec["top_party_score"] == 1.0


def test_top_party_prefers_the_blocking_match(screener: Screener) -> None:
    # Two parties: a REVIEW match at 1.00 (US-only under EU) and a BLOCK match.
    row = {"shipment_id": "P2", "hs_code": "620342", "destination_country": "DE", "date": "2025-03-10",
           "exporter_name": "Belarusian National Olympic Committee", "consignee_name": "Grodno Azot OAO"}
    r = screener.screen(row)
    assert r.verdict.value == "BLOCK"
    assert r.top_party is not None and r.top_party.severity.value == "block"
