"""Party verdicts with the real lists of ../shared/data loaded beside the curated list (OFAC
SDN May 2024, UN consolidated, UK sanctions list ODS, CSL selection): listed parties in other
spellings, the curated licences and delistings over older official files, and innocent
look-alikes that must not BLOCK."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from compliance.screener import Screener

FILES = ["ofac/sdn_2024-05/sdn.csv", "un/UN_consolidated.xml", "uk/FCDO_SL_Mon_Aug_11_2025.ods",
         "csl/consolidated_selection_2025-06.csv"]


@pytest.fixture(scope="module")
def screener(shared_data: Path) -> Screener:
    return Screener.load(lists=[shared_data / f for f in FILES], include_imported=False, db=False)


def _verdict(s: Screener, name: str, jurisdiction: str, date: str, country: str | None = None) -> tuple[str, str]:
    row: dict[str, Any] = {"shipment_id": "R1", "hs_code": "620342", "destination_country": "DE",
                           "consignee_name": name, "consignee_country": country, "date": date}
    r = s.screen(row, jurisdiction=jurisdiction)
    party = [f for f in r.findings if f.family.value == "party"]
    worst = max((f.severity.rank for f in party), default=-1)
    return {2: "BLOCK", 1: "REVIEW", 0: "INFO", -1: "CLEAR"}[worst], "\n".join(f.message for f in party)


@pytest.mark.parametrize(("name", "jurisdiction", "date", "expected", "why"), [
    ("Belaruskali OAO", "US", "2023-01-20", "BLOCK", "SDN 9 Aug 2021"),
    ("ОАО «Беларуськалий»", "US", "2026-01-20", "REVIEW", "OFAC GL 13 from 15 Dec 2025, recorded in the curated list"),
    ("Open Joint Stock Company Belarusian Potash Company", "US", "2026-01-20", "REVIEW", "GL 13 covers BPC"),
    ("Belaruskali", "UK", "2025-03-10", "BLOCK", "UK designation 2 Dec 2021 (BEL0111)"),
    ("Khrenin Viktor Gennadievich", "US", "2025-03-10", "BLOCK", "SDN 24 Feb 2022"),
    ("Хренин Виктор Геннадьевич", "UK", "2025-03-10", "BLOCK", "UK list, Belarus regime"),
    ("Хренин Виктор Геннадьевич", "EU", "2025-03-10", "REVIEW", "EU listing unverified in the reference"),
    ("Open Joint Stock Company Belavia Belarusian Airlines", "US", "2024-06-10", "BLOCK", "SDN from 9 Aug 2023"),
    ("Open Joint Stock Company Belavia Belarusian Airlines", "US", "2026-01-10", "REVIEW",
     "delisted 4 Nov 2025 (after the May 2024 file), EU listing secondary"),
    ("Belshina OAO", "EU", "2024-09-10", "REVIEW", "EU annulled 20 Mar 2024, SDN secondary"),
    ("Grodno Azot", "US", "2025-03-10", "BLOCK", "SDN (EO 13405)"),
])
def test_listed_parties(screener: Screener, name: str, jurisdiction: str, date: str, expected: str,
                        why: str) -> None:
    got, detail = _verdict(screener, name, jurisdiction, date, "BY")
    assert got == expected, f"{name} under {jurisdiction} on {date} ({why}): {got}\n{detail}"


@pytest.mark.parametrize(("name", "country"), [
    ("Minsk Trading GmbH", "DE"), ("Belarus Food Export LLC", "LT"), ("Ivanov Logistics Sp. z o.o.", "PL"),
    ("Grodno Pharmacy", "BY"), ("Integral Software GmbH", "DE"), ("Nordwind Agrar GmbH", "DE"),
    ("Kowalski Transport Sp. z o.o.", "PL"), ("Tanaka Seiki Co., Ltd.", "JP"),
])
@pytest.mark.parametrize("jurisdiction", ["EU", "US", "UK"])
def test_innocent_names_do_not_block(screener: Screener, name: str, country: str, jurisdiction: str) -> None:
    got, detail = _verdict(screener, name, jurisdiction, "2025-03-10", country)
    assert got != "BLOCK", f"{name} ({country}) under {jurisdiction}: {detail}"
