"""List importers on the real files of ../shared/data, the store, and damaged input."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest

from compliance.exc import ListLoadError
from compliance.lists import (
    LoadedList,
    detect_format,
    import_list,
    imported_lists,
    list_status,
    load_curated,
    load_list,
)
from compliance.names import NameIndex


@lru_cache(maxsize=8)
def _load(path: Path) -> LoadedList:
    return load_list(path)


REAL = [
    ("ofac/sdn_2024-05/sdn.csv", "ofac-csv", 14965),
    ("ofac/sdn_2021-07/sdn.csv", "ofac-csv", 8976),
    ("ofac/consolidated_non_sdn_2025-12/cons_prim.csv", "ofac-csv", 442),
    ("ofac/sample_sdn_xml_2020-04/sdn.xml", "ofac-xml", 8),
    ("un/UN_consolidated.xml", "un-xml", 1003),
    ("eu/sample_eu_fsf_xml_2020-04.xml", "eu-fsf-xml", 6),  # 7 records, logicalId 5468 twice
    ("opensanctions/yente_t1_entities.ftm.json", "ftm-json", 6),
]


@pytest.mark.parametrize(("rel", "fmt", "count"), REAL)
def test_real_files_load(shared_data: Path, rel: str, fmt: str, count: int) -> None:
    path = shared_data / rel
    assert detect_format(path) == fmt
    loaded = _load(path)
    assert loaded.info.entries == count == len(loaded.entities)
    assert loaded.info.sha256 and len(loaded.info.sha256) == 64
    assert all(e.name and e.listings for e in loaded.entities)


def test_ofac_belarus_programs_load_with_aliases(shared_data: Path) -> None:
    full = _load(shared_data / "ofac/sdn_2024-05/sdn.csv")
    belarus = [e for e in full.entities if any(lst.program and lst.program.startswith("BELARUS") for lst in e.listings)]
    assert len(belarus) > 200
    bk = next(e for e in belarus if e.name == "BELARUSKALI OAO")
    assert {lst.program for lst in bk.listings} == {"BELARUS-EO14038"}
    assert "BY" in bk.countries  # from "(Belarus)" in the remarks
    # The complete 2021-07 set joins alt.csv and add.csv beside sdn.csv.
    old = _load(shared_data / "ofac/sdn_2021-07/sdn.csv")
    assert sum(len(e.aliases) for e in old.entities) > 10000
    assert sum(1 for e in old.entities if "BY" in e.countries) >= 40
    cons = load_list(shared_data / "ofac/consolidated_non_sdn_2025-12/cons_prim.csv")
    assert all(lst.measure == "sectoral" for e in cons.entities for lst in e.listings)


def test_uk_ods_belarus_regime(shared_data: Path) -> None:
    uk = load_list(shared_data / "uk/FCDO_SL_Mon_Aug_11_2025.ods")
    assert uk.info.date is not None and uk.info.date.isoformat() == "2025-08-11"
    belarus = [e for e in uk.entities if any(lst.program == "Belarus" for lst in e.listings)]
    assert len(belarus) >= 100
    assert all(e.id.startswith("uk:") for e in belarus)


def test_un_and_ftm_details(shared_data: Path) -> None:
    un = load_list(shared_data / "un/UN_consolidated.xml")
    assert un.info.version and un.info.version.startswith("2026-02-27")
    assert all(lst.regime == "UN" for e in un.entities for lst in e.listings)
    ftm = load_list(shared_data / "opensanctions/yente_t1_entities.ftm.json")
    inter = next(e for e in ftm.entities if "Inter Tobacco" in e.name)
    assert inter.countries == ["BY"] and inter.listings[0].regime == "EU"
    assert any("Интер Тобако" in a for a in inter.aliases)


def test_real_list_matches_belarusian_spellings(shared_data: Path) -> None:
    full = _load(shared_data / "ofac/sdn_2024-05/sdn.csv")
    index = NameIndex([*full.entities, *load_curated().entities])
    hits = index.search("ОАО «Беларуськалий»", country="BY")
    assert {"ofac:32746", "curated:belaruskali"} <= {m.entity_id for m in hits}


@pytest.mark.parametrize(("name", "content", "fmt"), [
    ("sdn.csv", b'36,"AEROCARIBBEAN AIRLINES",-0- ,"CUBA"\r\n', "ofac-csv"),  # truncated row
    ("list.xml", b"<?xml version='1.0'?><CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL>", "un-xml"),
    ("eu.xml", b'<export xmlns="http://eu.europa.ec/fpi/fsd/export"><sanctionEntity', "eu-fsf-xml"),
    ("junk.json", b"{not json", "ftm-json"),
    ("junk.bin", b"\x00\x01\x02\x03" * 100, None),
])
def test_damaged_files_raise(tmp_path: Path, name: str, content: bytes, fmt: str | None) -> None:
    p = tmp_path / name
    p.write_bytes(content)
    with pytest.raises(ListLoadError) as e:
        load_list(p, fmt)
    assert str(p) in str(e.value)


def test_import_keeps_previous_list_on_failure(shared_data: Path, tmp_path: Path) -> None:
    info = import_list(shared_data / "ofac/sdn_selection_2025-05/sdn.csv")
    assert info.name == "ofac-sdn" and info.entries == 17
    bad = tmp_path / "sdn.csv"
    bad.write_bytes(b'1,"X"\r\n')
    with pytest.raises(ListLoadError):
        import_list(bad)
    stored = imported_lists()
    assert [x.info.entries for x in stored] == [17]
    assert [i.name for i in list_status()] == ["curated-belarus", "ofac-sdn"]


def test_curated_list_is_complete() -> None:
    cur = load_curated()
    assert len(cur.entities) >= 60
    for e in cur.entities:
        assert e.countries
        for lst in e.listings:
            assert lst.source and lst.legal_basis and lst.confidence in ("confirmed", "unverified")
    with_cyrillic = [e for e in cur.entities if any(any("\u0400" <= c <= "\u04ff" for c in a) for a in e.aliases)]
    assert len(with_cyrillic) >= 55


def test_curated_format_errors_name_line_and_field(tmp_path: Path) -> None:
    p = tmp_path / "own.yaml"
    p.write_text("version: '1'\nentities:\n  - id: x\n    name: X\n    listings:\n      - {regime: EU, listed_on: notadate}\n",
                 encoding="utf-8")
    with pytest.raises(ListLoadError) as e:
        load_list(p)
    assert "own.yaml:6" in str(e.value) and "listed_on" in str(e.value)
