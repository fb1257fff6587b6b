"""Every real list file of ../shared/data, checked against a direct parse of the same file.

The direct parses here use only the csv / xml / zip modules, so they do not share code with the
importers they check.
"""

from __future__ import annotations

import csv
import re
import xml.etree.ElementTree as ET
import zipfile
from functools import lru_cache
from pathlib import Path

import pytest

from compliance.exc import ListLoadError
from compliance.lists import LoadedList, detect_format, load_list

_BELARUS = {"BELARUS", "BELARUS-EO14038"}
_KINDS = {"individual": "person", "vessel": "vessel", "aircraft": "aircraft", "-0-": "organization"}


@lru_cache(maxsize=8)
def _load(path: Path) -> LoadedList:
    return load_list(path)


def _ofac_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return [[c.strip() for c in r] for r in csv.reader(f) if len(r) > 1]


def _programs(cell: str) -> set[str]:
    return {p.strip(" []") for p in cell.split("] [")} - {"-0-", ""}


def _akas(remarks: str) -> list[str]:
    return re.findall(r"[afn]\.k\.a\.,?\s*'([^']+)'", remarks)


def _check_ofac_against_csv(loaded: LoadedList, rows: list[list[str]], alts: dict[str, list[str]]) -> int:
    by_id = {e.id: e for e in loaded.entities}
    assert len(by_id) == len(rows) == loaded.info.entries
    belarus = 0
    for r in rows:
        e = by_id[f"ofac:{r[0]}"]
        assert e.name == r[1]
        assert e.kind == _KINDS[r[2]]
        assert {lst.program for lst in e.listings} == _programs(r[3])
        assert all(lst.regime == "US" for lst in e.listings)
        if _programs(r[3]) & _BELARUS:
            belarus += 1
            expected = set(alts.get(r[0], [])) | set(_akas(r[11]))
            assert expected <= set(e.aliases), (r[0], expected - set(e.aliases))
            for lst in e.listings:
                if lst.program in _BELARUS:
                    assert lst.measure == "asset_freeze"
                    assert lst.legal_basis and ("13405" in lst.legal_basis or "14038" in lst.legal_basis)
    return belarus


def test_ofac_sdn_2024_every_belarus_entry(shared_data: Path) -> None:
    path = shared_data / "ofac/sdn_2024-05/sdn.csv"
    rows = _ofac_rows(path)
    loaded = _load(path)
    assert loaded.info.files == [str(path)]  # no side files of that date
    assert _check_ofac_against_csv(loaded, rows, {}) == 232  # MANIFEST: 232 distinct Belarus-program records
    lukashenka = next(e for e in loaded.entities if e.name.startswith("LUKASHENKA, Alyaksandr"))
    assert lukashenka.kind == "person" and "BY" in lukashenka.countries
    assert lukashenka.birth_dates[:2] == ["1954-08-30", "1954-08-31"]
    aircraft = [e for e in loaded.entities if e.kind == "aircraft" and any(x.program == "BELARUS-EO14038"
                                                                            for x in e.listings)]
    assert len(aircraft) == 5


def test_ofac_2021_full_set_joins_alt_add_comments(shared_data: Path) -> None:
    folder = shared_data / "ofac/sdn_2021-07"
    loaded = _load(folder / "sdn.csv")
    assert sorted(Path(f).name for f in loaded.info.files) == ["add.csv", "alt.csv", "sdn.csv", "sdn_comments.csv"]
    alts: dict[str, list[str]] = {}
    for r in _ofac_rows(folder / "alt.csv"):
        alts.setdefault(r[0], []).append(r[3])
    assert _check_ofac_against_csv(loaded, _ofac_rows(folder / "sdn.csv"), alts) == 59
    by_id = {e.id: e for e in loaded.entities}
    for r in _ofac_rows(folder / "sdn_comments.csv"):
        remarks = by_id[f"ofac:{r[0]}"].remarks or ""
        assert remarks.endswith(r[1])  # the overflow continues the Remarks
    add_by = {r[0] for r in _ofac_rows(folder / "add.csv") if r[4] == "Belarus"}
    assert all("BY" in by_id[f"ofac:{n}"].countries for n in add_by if f"ofac:{n}" in by_id)


def test_ofac_2024_with_later_alt_file_loads_belarus_aliases(shared_data: Path, tmp_path: Path) -> None:
    """sdn.csv of 2024 with the Dec 2025 alt.csv beside it (ent_nums are stable across releases)."""
    (tmp_path / "sdn.csv").symlink_to(shared_data / "ofac/sdn_2024-05/sdn.csv")
    (tmp_path / "alt.csv").symlink_to(shared_data / "ofac/sdn_2025-12_partial/alt.csv")
    loaded = load_list(tmp_path / "sdn.csv")
    alts: dict[str, list[str]] = {}
    for r in _ofac_rows(tmp_path / "alt.csv"):
        alts.setdefault(r[0], []).append(r[3])
    assert _check_ofac_against_csv(loaded, _ofac_rows(tmp_path / "sdn.csv"), alts) == 232
    with_alias_rows = [e for e in loaded.entities if e.id[5:] in alts and any(
        x.program in _BELARUS for x in e.listings)]
    assert len(with_alias_rows) == 207  # MANIFEST: 207 of the 232 have alias rows there


def test_ofac_consolidated_is_sectoral(shared_data: Path) -> None:
    path = shared_data / "ofac/consolidated_non_sdn_2025-12/cons_prim.csv"
    loaded = _load(path)
    assert loaded.info.name == "ofac-cons" and loaded.info.entries == 442
    assert all(x.measure == "sectoral" and x.regime == "US" for e in loaded.entities for x in e.listings)
    assert len(loaded.info.files) == 4


def test_ofac_xml_sample(shared_data: Path) -> None:
    path = shared_data / "ofac/sample_sdn_xml_2020-04/sdn.xml"
    loaded = _load(path)
    assert loaded.info.date is not None and loaded.info.date.isoformat() == "2020-04-22"
    assert loaded.info.date_source == "file"
    root = ET.parse(path).getroot()
    ns = {"o": "http://tempuri.org/sdnList.xsd"}
    entries = root.findall("o:sdnEntry", ns)
    assert len(entries) == loaded.info.entries == 8
    by_id = {e.id: e for e in loaded.entities}
    for entry in entries:
        e = by_id[f"ofac:{entry.findtext('o:uid', namespaces=ns)}"]
        assert {p.text for p in entry.iterfind(".//o:program", ns)} == {x.program for x in e.listings}
        for aka in entry.iterfind(".//o:aka", ns):
            full = " ".join(t for t in (aka.findtext("o:firstName", "", ns), aka.findtext("o:lastName", "", ns)) if t)
            assert full in e.aliases or full == e.name
        dobs = entry.findall(".//o:dateOfBirth", ns)
        assert len(e.birth_dates) == len({d.text for d in dobs})


def test_un_counts_ids_and_dates(shared_data: Path) -> None:
    path = shared_data / "un/UN_consolidated.xml"
    loaded = _load(path)
    root = ET.parse(path).getroot()
    people, orgs = root.findall("INDIVIDUALS/INDIVIDUAL"), root.findall("ENTITIES/ENTITY")
    assert (len(people), len(orgs)) == (730, 273)
    assert sum(e.kind == "person" for e in loaded.entities) == 730
    assert sum(e.kind == "organization" for e in loaded.entities) == 273
    by_id = {e.id: e for e in loaded.entities}
    assert len(by_id) == 1003  # REFERENCE_NUMBER ids are unique
    for node in [*people, *orgs]:
        e = by_id[f"un:{(node.findtext('REFERENCE_NUMBER') or '').strip()}"]  # 'KPe.023 '
        (lst,) = e.listings
        assert lst.regime == "UN" and lst.program == node.findtext("UN_LIST_TYPE")
        assert lst.listed_on is not None and lst.listed_on.isoformat() == (node.findtext("LISTED_ON") or "")[:10]  # "2015-04-07-04:00"
        aliases = {a.text.strip() for a in node.iter("ALIAS_NAME") if a.text and a.text.strip()}
        assert aliases <= {*e.aliases, e.name}
        for dob in node.iter("INDIVIDUAL_DATE_OF_BIRTH"):
            exact = (dob.findtext("DATE") or "")[:10] or (dob.findtext("YEAR") or "").strip()
            if exact:
                assert exact in e.birth_dates, (e.id, exact, e.birth_dates)
    assert loaded.info.date is not None and loaded.info.date.isoformat() == "2026-02-27"


def test_eu_fsf_xml_sample(shared_data: Path) -> None:
    path = shared_data / "eu/sample_eu_fsf_xml_2020-04.xml"
    loaded = _load(path)
    ns = "{http://eu.europa.ec/fpi/fsd/export}"
    entities = ET.parse(path).getroot().findall(f"{ns}sanctionEntity")
    assert len(entities) == 7
    # The excerpt repeats logicalId 5468: the two records are merged (with a warning), not lost.
    assert loaded.info.entries == len({n.get("logicalId") for n in entities}) == 6
    assert any("merged" in w for w in loaded.info.warnings)
    by_id = {e.id: e for e in loaded.entities}
    for node in entities:
        if node.get("logicalId") == "5468":
            continue
        e = by_id[f"eu:{node.get('logicalId')}"]
        reg = node.find(f"{ns}regulation")
        assert reg is not None
        assert [x.program for x in e.listings] == [reg.get("programme")]
        assert all(x.regime == "EU" and x.listed_on is not None for x in e.listings)
        if node.get("designationDate"):
            assert e.listings[0].listed_on.isoformat() == node.get("designationDate")  # type: ignore[union-attr]
        names = {n.get("wholeName") for n in node.iter(f"{ns}nameAlias") if n.get("wholeName")}
        assert names == {e.name, *e.aliases}
        code = node.find(f"{ns}subjectType").get("code")  # type: ignore[union-attr]
        assert e.kind == {"person": "person", "enterprise": "organization"}[code]  # type: ignore[index]


def _ods_rows(path: Path) -> list[list[str]]:
    """Minimal independent ODS read: cells of content.xml with repeats expanded."""
    t = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
    with zipfile.ZipFile(path) as zf:
        root = ET.fromstring(zf.read("content.xml"))
    out = []
    for row in root.iter(f"{t}table-row"):
        cells: list[str] = []
        for c in row:
            text = "".join(c.itertext()).strip()
            cells.extend([text] * min(int(c.get(f"{t}number-columns-repeated", "1")), 50))
        if any(cells):
            out.append(cells)
    return out


def test_uk_ods_groups_and_regimes(shared_data: Path) -> None:
    path = shared_data / "uk/FCDO_SL_Mon_Aug_11_2025.ods"
    rows = _ods_rows(path)
    header, data = rows[0], rows[1:]
    assert len(data) == 5302
    col = {h: i for i, h in enumerate(header)}
    keys = {r[col["OFSI Group ID"]] or r[col["Unique ID"]] for r in data}
    nameless = {r[col["OFSI Group ID"]] or r[col["Unique ID"]] for r in data if not r[col["Name"]]}
    loaded = _load(path)
    assert loaded.info.entries == len(keys - nameless) == len(keys) - 2
    assert len(loaded.info.warnings) == 2 and any("BEL0174" in w for w in loaded.info.warnings)
    assert loaded.info.date is not None and loaded.info.date.isoformat() == "2025-08-11"
    belarus_rows = [r for r in data if r[col["Regime Name"]] == "Belarus" and r[col["Name"]]]
    by_uid = {}
    for e in loaded.entities:
        for x in e.listings:
            by_uid[(x.source or "")[3:]] = (e, x)
    for r in belarus_rows:
        e, x = next(v for k, v in by_uid.items() if k == r[col["Unique ID"]]) if r[col["Unique ID"]] in by_uid else \
            next((e, x) for e in loaded.entities for x in e.listings if x.program == "Belarus"
                 and r[col["Name"]] in e.all_names)
        assert x.regime == "UK" and x.program == "Belarus"
        assert "Belarus" in (x.legal_basis or "")
        assert r[col["Name"]] in e.all_names
    kinds = {e.kind for e in loaded.entities}
    assert kinds == {"person", "organization", "vessel"}


def test_uk_ofsi_conlist_csv(shared_data: Path) -> None:
    path = shared_data / "uk/sample_ofsi_conlist_2020-04.csv"
    assert detect_format(path) == "uk-csv"
    loaded = load_list(path)
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))[2:]
    groups = {r[-1] for r in rows if r and r[-1]}
    assert loaded.info.entries == len(groups)
    assert loaded.info.date is not None and loaded.info.date.isoformat() == "2020-04-27"  # the title row
    hub = next(e for e in loaded.entities if e.id == "uk:13063")
    assert hub.kind == "person" and hub.countries == ["UA"] and "1983-07-05" in hub.birth_dates
    assert hub.listings[0].listed_on is not None and hub.listings[0].listed_on.isoformat() == "2014-07-25"


def test_ftm_entities(shared_data: Path) -> None:
    import json

    path = shared_data / "opensanctions/yente_t1_entities.ftm.json"
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    parties = [r for r in records if r["schema"] in ("Person", "Organization", "Company", "LegalEntity")]
    loaded = _load(path)
    assert loaded.info.entries == len(parties)
    by_id = {e.id: e for e in loaded.entities}
    for r in parties:
        e = by_id[f"os:{r['id']}"]
        assert set(r["properties"].get("name", [])) <= {e.name, *e.aliases}
        assert [x.regime for x in e.listings] == ["EU"]
        assert e.kind == ("person" if r["schema"] == "Person" else "organization")


def test_us_csl_and_bis_dpl(shared_data: Path) -> None:
    csl_path = shared_data / "csl/consolidated_selection_2025-06.csv"
    assert detect_format(csl_path) == "us-csl-csv"
    csl = load_list(csl_path)
    with csl_path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert csl.info.entries == len(rows) == 13
    by_source = {(e.raw or {})["source"]: e for e in csl.entities}
    sdn = next(e for s, e in by_source.items() if "(SDN)" in s)
    assert all(x.measure == "asset_freeze" and x.regime == "US" for x in sdn.listings)
    el = next(e for s, e in by_source.items() if "Entity List" in s)
    assert {x.measure for x in el.listings} == {"export_licence"} and "HSRI" in el.aliases
    uvl = next(e for s, e in by_source.items() if "Unverified" in s)
    assert uvl.listings[0].confidence == "unverified"
    dpl_path = shared_data / "csl/bis_dpl_2022-09.txt"
    assert detect_format(dpl_path) == "us-bis-dpl"
    dpl = load_list(dpl_path)
    with dpl_path.open(encoding="utf-8", newline="") as f:
        drows = list(csv.DictReader(f, delimiter="\t"))
    assert len(drows) == 581
    # One row per address: the same person and order repeat; merged, never dropped.
    assert dpl.info.entries == len({(r["Name"].strip(), r["Effective_Date"]) for r in drows})
    assert dpl.info.date is not None and dpl.info.date.isoformat() == "2022-09-02"  # impossible dates ignored
    belavia = next(e for e in dpl.entities if e.name == "BELAVIA BELARUSIAN AIRLINES")
    (lst,) = belavia.listings
    assert belavia.countries == ["BY"] and lst.measure == "export_denial"
    assert lst.listed_on is not None and lst.listed_on.isoformat() == "2022-06-16"
    assert lst.delisted_on is not None and lst.delisted_on.isoformat() == "2022-12-13"


CUT_FILES = ["ofac/sdn_selection_2025-05/sdn.csv", "ofac/consolidated_non_sdn_2025-12/cons_prim.csv",
             "csl/consolidated_selection_2025-06.csv", "csl/bis_dpl_2022-09.txt", "uk/sample_ofsi_conlist_2020-04.csv"]


@pytest.mark.parametrize("fraction", [0.31, 0.5, 0.77, 0.93])
@pytest.mark.parametrize("rel", CUT_FILES)
def test_a_real_file_cut_short_is_refused(shared_data: Path, tmp_path: Path, rel: str, fraction: float) -> None:
    # A download cut short once imported as a smaller list without a word (the csv module reads
    # an open quote at the end of the file as a complete field), replacing the complete one.
    data = (shared_data / rel).read_bytes()
    cut = data[:int(len(data) * fraction)]
    assert not cut.endswith(b"\n")
    target = tmp_path / Path(rel).parent.name / Path(rel).name
    target.parent.mkdir(parents=True)
    target.write_bytes(cut)
    with pytest.raises(ListLoadError, match="cut short|truncated"):
        load_list(target, detect_format(shared_data / rel))


@pytest.mark.parametrize("rel", CUT_FILES)
def test_a_real_file_without_its_last_line_break_still_imports(shared_data: Path, tmp_path: Path, rel: str) -> None:
    data = (shared_data / rel).read_bytes()
    target = tmp_path / Path(rel).parent.name / Path(rel).name
    target.parent.mkdir(parents=True)
    target.write_bytes(data.rstrip(b"\r\n\x1a"))
    assert load_list(target).info.entries == _load(shared_data / rel).info.entries


@pytest.mark.parametrize("shape", ["pretty_array", "pretty_wrapper", "one_line_wrapper", "bom_pretty_array"])
def test_ftm_entities_in_other_json_shapes(shared_data: Path, tmp_path: Path, shape: str) -> None:
    # A pretty-printed export or a yente search response ({"results": [...]}) was read as JSON
    # lines and refused at "line 1" (or, on one line, imported nothing).
    import json

    src = shared_data / "opensanctions" / "yente_t1_entities.ftm.json"
    items = [json.loads(line) for line in src.read_text(encoding="utf-8").splitlines() if line.strip()]
    text = {"pretty_array": json.dumps(items, indent=2),
            "pretty_wrapper": json.dumps({"results": items, "total": {"value": len(items)}}, indent=2),
            "one_line_wrapper": json.dumps({"limit": 10, "results": items}),
            "bom_pretty_array": "\ufeff" + json.dumps(items, indent=2)}[shape]
    target = tmp_path / "export.json"
    target.write_text(text, encoding="utf-8")
    got = load_list(target)
    assert sorted(e.id for e in got.entities) == sorted(e.id for e in _load(src).entities)
