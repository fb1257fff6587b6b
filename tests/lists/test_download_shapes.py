"""The list files a compliance officer downloads, in the shapes they come in: archives (OFAC
SDN.ZIP, a .gz), re-encoded or re-saved copies, and the layouts of the same lists that the
shared data folder has no copy of (CSL JSON, OFAC SDN_ENHANCED.XML, the UK XML, OpenSanctions
targets.simple.csv / Senzing / yente responses). Those are derived here, at run time, from the
real files of ../shared/data, and each is checked against the importer's reading of the file it
was derived from: same entries, names, programmes, countries.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import json
import zipfile
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest

from compliance.exc import ListLoadError
from compliance.lists import LoadedList, detect_format, load_list
from compliance.lists.formats.uk import _ods_rows
from compliance.names import NameIndex

_BELARUS = {"BELARUS", "BELARUS-EO14038"}


def _summary(loaded: LoadedList) -> dict[str, tuple[Any, ...]]:
    return {e.id: (e.kind, e.name, sorted(e.aliases), sorted(e.countries), sorted(e.birth_dates),
                   sorted(str(li.program) for li in e.listings)) for e in loaded.entities}


# Archives ------------------------------------------------------------------------------------------
def test_ofac_sdn_zip_reads_the_side_files_inside_it(shared_data: Path, tmp_path: Path) -> None:
    folder = shared_data / "ofac" / "sdn_2021-07"
    archive = tmp_path / "sdn_2021-07" / "SDN.ZIP"
    archive.parent.mkdir()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        for name in ("sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv"):
            z.write(folder / name, name.upper())  # OFAC's archives name them in capitals
        z.writestr("README.TXT", "OFAC")
    direct, packed = load_list(folder / "sdn.csv"), load_list(archive)
    assert _summary(packed) == _summary(direct) and packed.info.entries == 8976
    assert packed.info.version == "2021-07"  # still from the folder name
    assert packed.info.path == str(archive) and len(packed.info.files) == 4
    assert all(f.startswith(f"{archive}!") for f in packed.info.files)


@pytest.mark.parametrize("rel", ["un/UN_consolidated.xml", "ofac/sample_sdn_xml_2020-04/sdn.xml",
                                 "opensanctions/yente_t1_entities.ftm.json", "csl/bis_dpl_2022-09.txt"])
def test_gzip_and_single_file_zip(shared_data: Path, tmp_path: Path, rel: str) -> None:
    src = shared_data / rel
    gz = tmp_path / f"{src.name}.gz"
    gz.write_bytes(gzip.compress(src.read_bytes()))
    zp = tmp_path / f"{src.stem}.zip"
    with zipfile.ZipFile(zp, "w", zipfile.ZIP_DEFLATED) as z:
        z.write(src, f"export/{src.name}")
    direct = _summary(load_list(src))
    assert _summary(load_list(gz)) == direct and _summary(load_list(zp)) == direct


def test_damaged_or_ambiguous_archives_say_why(shared_data: Path, tmp_path: Path) -> None:
    src = shared_data / "un" / "UN_consolidated.xml"
    zp = tmp_path / "lists.zip"
    with zipfile.ZipFile(zp, "w", zipfile.ZIP_DEFLATED) as z:
        z.write(src, "UN_consolidated.xml")
        z.write(shared_data / "eu" / "sample_eu_fsf_xml_2020-04.xml", "eu.xml")
    with pytest.raises(ListLoadError, match=r"lists\.zip: a zip archive holding several files "
                                            r"\(UN_consolidated\.xml, eu\.xml\)"):
        load_list(zp)
    cut = tmp_path / "cut.zip"
    single = tmp_path / "single.zip"
    with zipfile.ZipFile(single, "w", zipfile.ZIP_DEFLATED) as z:
        z.write(src, "UN_consolidated.xml")
    data = single.read_bytes()
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(ListLoadError, match=r"cut\.zip"):
        load_list(cut)
    gz = tmp_path / "UN_consolidated.xml.gz"
    packed = gzip.compress(src.read_bytes())
    gz.write_bytes(packed[: len(packed) // 2])
    with pytest.raises(ListLoadError, match=r"UN_consolidated\.xml\.gz: a damaged or cut-short gzip file"):
        load_list(gz)
    nested = tmp_path / "nested.zip"
    with zipfile.ZipFile(nested, "w") as z:
        z.write(single, "inner.zip")
    with pytest.raises(ListLoadError, match=r"nested\.zip!inner\.zip: an archive inside an archive"):
        load_list(nested)
    # A list inside an archive that does not parse is named as archive!member.
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(bad, "w") as z:
        z.writestr("UN_consolidated.xml", src.read_bytes()[:50000])
    with pytest.raises(ListLoadError, match=r"bad\.zip!UN_consolidated\.xml: not valid UN XML at line \d+"):
        load_list(bad)


# Re-encoded and re-saved copies -----------------------------------------------------------------
def _reencode(data: bytes, how: str) -> bytes:
    text = data.decode("utf-8")
    if how == "bom":
        return codecs.BOM_UTF8 + data
    if how == "utf-16":
        return text.encode("utf-16")
    if how in ("utf-16-le", "utf-16-be"):  # a "Unicode" export without a byte-order mark
        return text.lstrip("\ufeff").encode(how)
    if how == "cp1252":
        return text.encode("cp1252")
    if how == "lf":
        return text.replace("\r\n", "\n").encode()
    return text.replace("\r\n", "\n").replace("\n", "\r\n").encode()  # crlf


_COPIES = [(rel, how) for rel in ("ofac/sdn_2024-05/sdn.csv", "csl/consolidated_selection_2025-06.csv",
                                   "csl/bis_dpl_2022-09.txt", "opensanctions/yente_t1_entities.ftm.json",
                                   "ofac/sample_sdn_xml_2020-04/sdn.xml", "un/UN_consolidated.xml",
                                   "eu/sample_eu_fsf_xml_2020-04.xml")
           for how in ("bom", "utf-16", "utf-16-le", "utf-16-be", "cp1252", "lf", "crlf")
           if not (how == "cp1252" and rel.startswith(("opensanctions", "un/")))]  # text not in cp1252


@pytest.mark.parametrize(("rel", "how"), _COPIES)
# An editor re-saving an XML list as UTF-16 or cp1252 keeps its encoding="utf-8" declaration: the
# parser stopped at the first byte ("encoding specified in XML declaration is incorrect").
def test_reencoded_copies_read_the_same(shared_data: Path, tmp_path: Path, rel: str, how: str) -> None:
    src = shared_data / rel
    copy = tmp_path / src.parent.name / src.name
    copy.parent.mkdir()
    copy.write_bytes(_reencode(src.read_bytes(), how))
    loaded = load_list(copy)
    assert _summary(loaded) == _summary(load_list(src))
    assert not [w for w in loaded.info.warnings if "end-of-file" in w]  # the 0x1A is still there (UTF-16 too)


def test_csl_csv_with_columns_reordered_by_a_spreadsheet(shared_data: Path, tmp_path: Path) -> None:
    src = shared_data / "csl" / "consolidated_selection_2025-06.csv"
    with src.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    order = list(reversed(range(len(rows[0]))))
    out = io.StringIO()
    csv.writer(out).writerows([[r[i] for i in order] for r in rows])
    copy = tmp_path / "consolidated.csv"
    copy.write_text(out.getvalue(), encoding="utf-8")
    assert detect_format(copy) == "us-csl-csv"
    assert _summary(load_list(copy)) == _summary(load_list(src))


def test_csl_tsv(shared_data: Path, tmp_path: Path) -> None:
    src = shared_data / "csl" / "consolidated_selection_2025-06.csv"
    with src.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    out = io.StringIO()
    csv.writer(out, delimiter="\t").writerows(rows)
    copy = tmp_path / "consolidated.tsv"
    copy.write_text(out.getvalue(), encoding="utf-8")
    assert detect_format(copy) == "us-csl-csv"
    assert _summary(load_list(copy)) == _summary(load_list(src))
    cut = tmp_path / "consolidated_cut.tsv"
    text = out.getvalue()
    cut.write_text(text[: text.index("\n", len(text) // 2) + 30], encoding="utf-8")  # 30 characters into a row
    with pytest.raises(ListLoadError, match=r"consolidated_cut\.tsv: line \d+: .* the file is truncated"):
        load_list(cut)


# CSL JSON ------------------------------------------------------------------------------------------
def _csl_json(src: Path, total: int | None = None) -> dict[str, Any]:
    with src.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    results = []
    for r in rows:
        rec: dict[str, Any] = {k: v or None for k, v in r.items()}
        rec["id"] = rec.pop("_id")
        for k in ("programs", "alt_names", "citizenships", "dates_of_birth", "nationalities", "places_of_birth"):
            rec[k] = [x.strip() for x in (r[k] or "").split(";") if x.strip()]
        rec["addresses"] = [{"address": a.rsplit(",", 1)[0].strip(), "country": a.rsplit(",", 1)[-1].strip()}
                            for a in (r["addresses"] or "").split(";") if a.strip()]
        rec["ids"] = [{"type": "Registration Number", "number": "123"}] if r["name"].startswith("A") else []
        results.append(rec)
    return {"results": results, "total": len(results) if total is None else total,
            "sources_used": [{"source": "Specially Designated Nationals (SDN) - Treasury Department",
                              "source_last_updated": "2025-06-24T15:39:22.000+00:00"}]}


def test_csl_json_reads_as_the_csv(shared_data: Path, tmp_path: Path) -> None:
    src = shared_data / "csl" / "consolidated_selection_2025-06.csv"
    p = tmp_path / "consolidated.json"
    p.write_text(json.dumps(_csl_json(src), indent=2), encoding="utf-8")
    assert detect_format(p) == "us-csl-json"
    loaded, direct = load_list(p), load_list(src)
    assert loaded.info.entries == 13 and loaded.info.date is not None and loaded.info.date.isoformat() == "2025-06-24"
    strip = {k: v for k, v in _summary(direct).items()}
    assert {k.split(":", 1)[1]: v for k, v in _summary(loaded).items()} == \
        {k.split(":", 1)[1]: v for k, v in strip.items()}
    assert [(li.measure, li.confidence) for e in loaded.entities for li in e.listings] == \
        [(li.measure, li.confidence) for e in direct.entities for li in e.listings]
    assert direct.info.version == "2025-06" and direct.info.date_source == "file name"
    page = tmp_path / "page.json"
    page.write_text(json.dumps(_csl_json(src, total=9000)), encoding="utf-8")
    assert any("total 9000 but holds 13" in w for w in load_list(page).info.warnings)


# OFAC SDN_ENHANCED.XML -------------------------------------------------------------------------------
_ENH_NS = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ENHANCED_XML"


def _enhanced_entity(row: list[str]) -> str:
    ent, name, typ, program = row[0], row[1], row[2], row[3]
    kind = {"individual": "Individual", "vessel": "Vessel", "aircraft": "Aircraft"}.get(typ.lower(), "Entity")
    last, _, first = name.partition(", ") if kind == "Individual" else (name, "", "")
    parts = "".join(f"<namePart><type>{t}</type><value>{escape(v)}</value></namePart>"
                    for t, v in (("Last Name", last), ("First Name", first)) if v)
    full = f"{first} {last}".strip()
    programs = "".join(f"<sanctionsProgram refId=\"1\">{escape(p.strip(' []'))}</sanctionsProgram>"
                       for p in program.split("] [") if p.strip(" []-0"))
    return (f'<entity id="{ent}"><generalInfo><identityId>{ent}</identityId><entityType refId="1">{kind}</entityType>'
            f'</generalInfo><sanctionsLists><sanctionsList refId="1550" datePublished="2021-08-09">SDN List'
            f'</sanctionsList></sanctionsLists><sanctionsPrograms>{programs}</sanctionsPrograms>'
            f'<names><name id="n{ent}"><isPrimary>true</isPrimary><aliasType refId="1">Name</aliasType>'
            f'<translations><translation><isPrimary>true</isPrimary><script refId="215">Latin</script>'
            + (f"<formattedFirstName>{escape(first)}</formattedFirstName>" if first else "")
            + f"<formattedLastName>{escape(last)}</formattedLastName><formattedFullName>{escape(full)}"
            f"</formattedFullName><nameParts>{parts}</nameParts></translation></translations></name></names>"
            '<addresses><address><country refId="1">Belarus</country></address></addresses>'
            '<identityDocuments><identityDocument><type refId="1">Passport</type><name>NOT A NAME</name>'
            f'<documentNumber>MP{ent}</documentNumber></identityDocument></identityDocuments>'
            '<relationships><relationship><type>Associate Of</type><relatedEntity entityId="1">'
            'SOMEONE ELSE</relatedEntity></relationship></relationships></entity>')


def test_ofac_enhanced_xml_has_every_belarus_entry(shared_data: Path, tmp_path: Path) -> None:
    src = shared_data / "ofac" / "sdn_2024-05" / "sdn.csv"
    with src.open(encoding="utf-8", newline="") as f:
        rows = [[c.strip() for c in r] for r in csv.reader(f) if len(r) == 12]
    belarus = [r for r in rows if {p.strip(" []") for p in r[3].split("] [")} & _BELARUS]
    assert len(belarus) == 232
    lukashenka = _enhanced_entity(next(r for r in rows if r[0] == "9760")).replace(
        "</translations>", "<translation><isPrimary>false</isPrimary><script refId=\"1\">Cyrillic</script>"
        "<formattedFullName>Аляксандр Рыгоравіч Лукашэнка</formattedFullName></translation></translations>")
    feats = ('<features><feature><type featureTypeId="8">Birthdate</type><value>30 Aug 1954</value><valueDate>'
             '<fromDateBegin>1954-08-30</fromDateBegin><isDateRange>false</isDateRange></valueDate></feature>'
             '<feature><type featureTypeId="8">Birthdate</type><value>1955</value><valueDate><fromDateBegin>1955-01-01'
             '</fromDateBegin><fromDateEnd>1955-12-31</fromDateEnd></valueDate></feature>'
             '<feature><type featureTypeId="10">Nationality Country</type><value>Belarus</value></feature></features>')
    lukashenka = lukashenka.replace("<identityDocuments>", feats + "<identityDocuments>")
    body = "".join(lukashenka if r[0] == "9760" else _enhanced_entity(r) for r in belarus)
    p = tmp_path / "SDN_ENHANCED.XML"
    p.write_text(f'<?xml version="1.0" encoding="utf-8"?><sanctionsData xmlns="{_ENH_NS}"><publicationInfo>'
                 f"<dataAsOf>2024-05-03T00:00:00</dataAsOf></publicationInfo><entities>{body}</entities>"
                 "</sanctionsData>", encoding="utf-8")
    assert detect_format(p) == "ofac-enhanced-xml"
    loaded = load_list(p)
    assert loaded.info.entries == 232 and loaded.info.name == "ofac-sdn"
    assert loaded.info.date is not None and loaded.info.date.isoformat() == "2024-05-03"
    direct = {e.id: e for e in load_list(src).entities}
    for e in loaded.entities:
        d = direct[e.id]
        assert (e.kind, e.name) == (d.kind, d.name)
        assert {li.program for li in e.listings} == {li.program for li in d.listings}
        assert "SOMEONE ELSE" not in e.all_names and "NOT A NAME" not in e.all_names
        assert e.countries[0] == "BY" and e.identifiers["Passport"] == f"MP{e.id[5:]}"
    luk = next(e for e in loaded.entities if e.id == "ofac:9760")
    assert "Аляксандр Рыгоравіч Лукашэнка" in luk.aliases and luk.birth_dates == ["1954-08-30", "1955"]
    assert NameIndex(loaded.entities).search("Лукашэнка Аляксандр Рыгоравіч", country="BY")[0].entity_id == \
        "ofac:9760"


# OFAC SDN Advanced: name parts and dates as precise as the file gives them --------------------------
def test_ofac_advanced_person_name_parts_and_a_birth_year(tmp_path: Path) -> None:
    from tests.lists.test_quirks import ADVANCED

    person = """<DistinctParty FixedRef="9760"><Comment>Head of state</Comment><Profile ID="9760" PartySubTypeID="4">
        <Identity ID="2" FixedRef="9760" Primary="true">
          <Alias FixedRef="9760" AliasTypeID="1403" Primary="true" LowQuality="false">
            <DocumentedName ID="21" FixedRef="9760">
              <DocumentedNamePart><NamePartValue NamePartGroupID="71">Aliaksandr</NamePartValue></DocumentedNamePart>
              <DocumentedNamePart><NamePartValue NamePartGroupID="72">LUKASHENKA</NamePartValue></DocumentedNamePart>
            </DocumentedName></Alias>
          <NamePartGroups><MasterNamePartGroup><NamePartGroup ID="71" NamePartTypeID="1521"/></MasterNamePartGroup>
            <MasterNamePartGroup><NamePartGroup ID="72" NamePartTypeID="1520"/></MasterNamePartGroup></NamePartGroups>
        </Identity>
        <Feature ID="9" FeatureTypeID="8"><FeatureVersion ID="10"><DatePeriod>
          <Start><From><Year>1954</Year><Month>1</Month><Day>1</Day></From><To><Year>1954</Year><Month>1</Month>
          <Day>1</Day></To></Start>
          <End><From><Year>1954</Year><Month>12</Month><Day>31</Day></From><To><Year>1954</Year><Month>12</Month>
          <Day>31</Day></To></End></DatePeriod></FeatureVersion></Feature>
      </Profile></DistinctParty>"""
    docs = ('<IDRegDocuments><IDRegDocument ID="5" IDRegDocTypeID="1571" IdentityID="2">'
            "<IDRegistrationNo>MP0000001</IDRegistrationNo></IDRegDocument></IDRegDocuments>")
    text = ADVANCED.replace("</DistinctParties>", person + "</DistinctParties>").replace(
        "<DistinctParties>", docs + "<DistinctParties>").replace(
        "<ListValues>", '<IDRegDocTypeValues><IDRegDocType ID="1571">Passport</IDRegDocType></IDRegDocTypeValues>'
        "<ListValues>").replace(
        "<PartyTypeValues>", '<NamePartTypeValues><NamePartType ID="1520">Last Name</NamePartType>'
        '<NamePartType ID="1521">First Name</NamePartType></NamePartTypeValues><PartyTypeValues>')
    p = tmp_path / "sdn_advanced.xml"
    p.write_text(text, encoding="utf-8")
    luk = next(e for e in load_list(p).entities if e.id == "ofac:9760")
    assert luk.kind == "person" and luk.name == "LUKASHENKA, Aliaksandr" and luk.aliases == ["Aliaksandr LUKASHENKA"]
    assert luk.birth_dates == ["1954"]  # the year, not 1 January of it
    assert luk.identifiers == {"Passport": "MP0000001"} and luk.remarks == "Head of state"


# UK XML ---------------------------------------------------------------------------------------------
def test_uk_fcdo_xml_reads_as_the_ods(shared_data: Path, tmp_path: Path) -> None:
    src = shared_data / "uk" / "FCDO_SL_Mon_Aug_11_2025.ods"
    rows = list(_ods_rows(src))
    header = rows[0]
    records = []
    for r in rows[1:]:
        d = dict(zip(header, r + [""] * (len(header) - len(r)), strict=True))
        belarus = d["Regime Name"] == "Belarus" and bool(d["Name"])
        records.append(
            f"<Designation><LastUpdated>2025-08-11T00:00:00</LastUpdated><DateDesignated>{d['Date Designated']}"
            f"</DateDesignated><UniqueID>{escape(d['Unique ID'])}</UniqueID><OFSIGroupID>{d['OFSI Group ID']}"
            f"</OFSIGroupID><RegimeName>{escape(d['Regime Name'])}</RegimeName><IndividualEntityShip>{d['Type']}"
            f"</IndividualEntityShip><DesignationSource>{d['Designation source']}</DesignationSource>"
            f"<SanctionsImposed>{escape(d['Sanctions Imposed'])}</SanctionsImposed><Names><Name><Name6>"
            f"{escape(d['Name'])}</Name6></Name></Names>"
            + ("<NonLatinNames><NonLatinName><NameNonLatinScript>Тест Беларусь</NameNonLatinScript>"
               "</NonLatinName></NonLatinNames><Addresses><Address><AddressCountry>Belarus</AddressCountry>"
               "</Address></Addresses>" if belarus else "") + "</Designation>")
    p = tmp_path / "UK_Sanctions_List.xml"
    p.write_text('<?xml version="1.0" encoding="utf-8"?>\n<Designations>' + "\n".join(records) + "</Designations>",
                 encoding="utf-8")
    assert detect_format(p) == "uk-xml"
    loaded, direct = load_list(p), load_list(src)
    assert loaded.info.entries == direct.info.entries == 5284
    # 5,302 rows: 2 with an empty Name (said, with row and regime), 16 more rows of a group id already seen.
    assert "FCDO_SL_Mon_Aug_11_2025.ods row 649: BEL0174 (Belarus) has an empty name" in direct.info.warnings[0]
    assert loaded.info.date is not None and loaded.info.date.isoformat() == "2025-08-11"
    ods = {e.id: e for e in direct.entities}
    for e in loaded.entities:
        d = ods[e.id]
        assert (e.kind, e.name) == (d.kind, d.name)
        assert [(li.program, li.listed_on, li.measure) for li in e.listings] == \
            [(li.program, li.listed_on, li.measure) for li in d.listings]
    bel = [e for e in loaded.entities if any(li.program == "Belarus" for li in e.listings)]
    assert len(bel) == 166 and all("Тест Беларусь" in e.aliases and "BY" in e.countries for e in bel)


def test_uk_ofsi_conlist_xml_rows_group_on_the_group_id(tmp_path: Path) -> None:
    def target(name6: str, alias: str, dob: str = "") -> str:
        return (f"<FinancialSanctionsTarget><Name1>Viktar</Name1><Name6>{name6}</Name6><DOB>{dob}</DOB>"
                "<Country>Belarus</Country><GroupTypeDescription>Individual</GroupTypeDescription>"
                f"<AliasType>{alias}</AliasType><RegimeName>Belarus</RegimeName><DateListed>2021-06-21T00:00:00"
                "</DateListed><GroupID>14126</GroupID><LastUpdated>2022-03-01T00:00:00</LastUpdated>"
                "</FinancialSanctionsTarget>")
    p = tmp_path / "ConList.xml"
    p.write_text('<?xml version="1.0"?><ArrayOfFinancialSanctionsTarget xmlns:xsd="http://www.w3.org/2001/XMLSchema">'
                 + target("SHEIMAN", "AKA", "") + target("SHEYMAN", "Primary name", "26/05/1958")
                 + "</ArrayOfFinancialSanctionsTarget>", encoding="utf-8")
    (e,) = load_list(p).entities
    assert e.id == "uk:14126" and e.kind == "person" and e.name == "Viktar SHEYMAN"
    assert e.aliases == ["Viktar SHEIMAN"] and e.countries == ["BY"] and e.birth_dates == ["1958-05-26"]
    assert e.listings[0].program == "Belarus" and str(e.listings[0].listed_on) == "2021-06-21"


# OpenSanctions -------------------------------------------------------------------------------------
def _ftm(shared_data: Path) -> list[dict[str, Any]]:
    src = shared_data / "opensanctions" / "yente_t1_entities.ftm.json"
    return [json.loads(line) for line in src.read_text(encoding="utf-8").splitlines() if line.strip()]


def _names(loaded: LoadedList) -> dict[str, set[str]]:
    return {e.id: set(e.all_names) for e in loaded.entities}


def test_opensanctions_simple_csv(shared_data: Path, tmp_path: Path) -> None:
    recs = [r for r in _ftm(shared_data) if r["schema"] != "Address"]
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["id", "schema", "name", "aliases", "birth_date", "countries", "addresses", "identifiers", "sanctions",
                "phones", "emails", "program_ids", "dataset", "first_seen", "last_seen", "last_change"])
    for r in recs:
        p = r["properties"]
        names = [n for n in p.get("name", []) + p.get("alias", []) if n != r["caption"]]
        w.writerow([r["id"], r["schema"], r["caption"], ";".join(names), ";".join(p.get("birthDate", [])),
                    ";".join(p.get("country", [])), "", "", "Council Regulation (EC) No 765/2006",
                    "", "", "EU-BLR" if "by" in p.get("country", []) else "",
                    "EU Financial Sanctions Files (FSF)", r["first_seen"], r["last_seen"], r["last_change"]])
    path = tmp_path / "targets.simple.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    assert detect_format(path) == "os-simple-csv"
    loaded = load_list(path)
    assert loaded.info.entries == 6 and _names(loaded) == _names(load_list(shared_data / "opensanctions" /
                                                                               "yente_t1_entities.ftm.json"))
    assert {(li.regime, li.program, li.confidence) for e in loaded.entities for li in e.listings} == \
        {("EU", "EU-BLR", "confirmed"), ("EU", None, "confirmed")}
    pachodava = next(e for e in loaded.entities if "PACHODAVA" in e.name)
    hits = NameIndex(loaded.entities).search("Святлана Пахадава")
    assert hits and hits[0].entity_id == pachodava.id


def test_opensanctions_senzing_export(shared_data: Path, tmp_path: Path) -> None:
    lines = []
    for r in _ftm(shared_data):
        if r["schema"] == "Address":
            continue
        p = r["properties"]
        key = "NAME_FULL" if r["schema"] == "Person" else "NAME_ORG"
        lines.append(json.dumps({
            "DATA_SOURCE": "OPENSANCTIONS", "RECORD_ID": r["id"],
            "RECORD_TYPE": "PERSON" if r["schema"] == "Person" else "ORGANIZATION", "LAST_CHANGE": r["last_change"],
            "NAMES": [{"NAME_TYPE": "PRIMARY" if n == r["caption"] else "ALIAS", key: n}
                      for n in [r["caption"], *p.get("name", []), *p.get("alias", [])]],
            "DATES": [{"DATE_OF_BIRTH": d} for d in p.get("birthDate", [])],
            "COUNTRIES": [{"NATIONALITY": c} for c in p.get("country", [])],
            "RISKS": [{"TOPIC": t} for t in p.get("topics", [])]}, ensure_ascii=False))
    path = tmp_path / "senzing.json"
    path.write_text("\n".join(lines), encoding="utf-8")
    assert detect_format(path) == "os-senzing-json"
    loaded = load_list(path)
    ref = load_list(shared_data / "opensanctions" / "yente_t1_entities.ftm.json")
    assert _names(loaded) == _names(ref)
    assert {e.id: e.birth_dates for e in loaded.entities} == {e.id: e.birth_dates for e in ref.entities}
    assert all(li.confidence == "unverified" for e in loaded.entities for li in e.listings)
    assert any("does not say which authority" in w for w in loaded.info.warnings)


def test_yente_match_response_and_nested_addresses(shared_data: Path, tmp_path: Path) -> None:
    recs = _ftm(shared_data)
    response = {"responses": {"q1": {"status": 200, "results": recs[:4], "total": {"value": 4}},
                              "q2": {"status": 200, "results": recs[3:], "total": {"value": 4}}}, "limit": 5}
    path = tmp_path / "match.json"
    path.write_text(json.dumps(response, indent=2, ensure_ascii=False), encoding="utf-8")
    assert detect_format(path) == "ftm-json"
    assert _names(load_list(path)) == _names(load_list(shared_data / "opensanctions" / "yente_t1_entities.ftm.json"))
    person = {"id": "NK-x", "schema": "Person", "caption": "Ivan Ivanau", "datasets": ["eu_fsf"],
              "properties": {"name": ["Ivan Ivanau"], "topics": ["sanction"],
                             "addressEntity": [{"id": "addr-1", "schema": "Address",
                                                "properties": {"full": ["Minsk"], "country": ["by"]}}]}}
    nested = tmp_path / "targets.nested.json"
    nested.write_text(json.dumps(person) + "\n", encoding="utf-8")
    assert load_list(nested).entities[0].countries == ["BY"]


# What the user is told -----------------------------------------------------------------------------
def test_cli_import_says_source_version_hash_and_each_warning_once(shared_data: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from compliance.cli import app

    folder = shared_data / "ofac" / "sdn_2021-07"
    r = CliRunner().invoke(app, ["lists", "import", str(folder / "sdn.csv")])
    assert r.exit_code == 0, r.output
    assert "imported ofac-sdn (ofac-csv): 8976 entries" in r.output
    assert f"source:  {folder / 'sdn.csv'} (read with alt.csv, add.csv, sdn_comments.csv)" in r.output
    assert "version: 2021-07 (taken from the folder name: the file states no date)" in r.output
    assert "sha256:  " in r.output and "1 warning:" in r.output
    assert r.output.count("sdn_comments.csv: no end-of-file byte") == 1  # not also as a log line
    r = CliRunner().invoke(app, ["lists", "status"])
    assert r.exit_code == 0 and "2021-07" in r.output and "2021-07-01" not in r.output  # no invented day


def test_ofac_xml_excerpt_is_said_from_its_record_count(shared_data: Path) -> None:
    loaded = load_list(shared_data / "ofac" / "sample_sdn_xml_2020-04" / "sdn.xml")
    assert loaded.info.warnings == ["the file's Record_Count says 8197 entries, it holds 8: an excerpt or an edited "
                                    "copy, not the whole published list?"]


# OFAC's non-SDN lists in the XML layouts are sectoral, and never replace the stored SDN list --------
def test_ofac_consolidated_xml_is_not_the_sdn_list(shared_data: Path, tmp_path: Path) -> None:
    from tests.lists.test_quirks import ADVANCED

    cons = tmp_path / "consolidated.xml"
    cons.write_bytes((shared_data / "ofac" / "sample_sdn_xml_2020-04" / "sdn.xml").read_bytes())
    loaded = load_list(cons)
    assert loaded.info.name == "ofac-cons" and {e.list_name for e in loaded.entities} == {"ofac-cons"}
    assert {li.measure for e in loaded.entities for li in e.listings} == {"sectoral"}
    adv = tmp_path / "cons_advanced.xml"
    adv.write_text(ADVANCED.replace(">SDN List<", ">Non-SDN Menu-Based Sanctions List<"), encoding="utf-8")
    loaded = load_list(adv)
    assert loaded.info.name == "ofac-cons" and loaded.entities[0].listings[0].measure == "sectoral"
    sdn = tmp_path / "sdn_advanced.xml"
    sdn.write_text(ADVANCED, encoding="utf-8")
    assert load_list(sdn).entities[0].listings[0].measure == "asset_freeze"


@pytest.mark.parametrize(("query", "who"), [
    ("Віктар Уладзіміравіч СОЙКА", "Sojko"),  # Belarusian Cyrillic alias
    ("Viktar Uladzimiravich Soika", "Sojko"),  # its Latin transliteration, in no field of the file
    ("Святлана Паўлаўна ПАХОДАВА", "PACHODAVA"),
    ("Светлана Павловна ПОХОДОВА", "PACHODAVA"),  # Russian form
])
def test_ftm_cyrillic_aliases_reach_the_index(shared_data: Path, query: str, who: str) -> None:
    loaded = load_list(shared_data / "opensanctions" / "yente_t1_entities.ftm.json")
    hits = NameIndex(loaded.entities).search(query)
    assert hits and who in next(e.name for e in loaded.entities if e.id == hits[0].entity_id)


def test_eu_fsf_csv_saved_with_commas_reads_as_with_semicolons(tmp_path: Path) -> None:
    from tests.lists.test_quirks import EU_CSV_11

    rows = list(csv.reader(io.StringIO(EU_CSV_11.lstrip("\ufeff")), delimiter=";"))
    out = io.StringIO()
    csv.writer(out, quoting=csv.QUOTE_ALL).writerows(rows)
    semi, comma = tmp_path / "semi.csv", tmp_path / "comma.csv"
    semi.write_text(EU_CSV_11, encoding="utf-8")
    comma.write_text(out.getvalue(), encoding="utf-8-sig")
    assert detect_format(comma) == "eu-fsf-csv"
    assert _summary(load_list(comma)) == _summary(load_list(semi))


@pytest.mark.parametrize(("name", "text", "expect"), [
    ("csl.json", '{"results": [{"name": "A", "source": "Entity List (EL)", "alt_names": []},\n {"name": "B", "sour',
     r"csl\.json: not valid JSON at line 2, column 16"),
    ("senzing.json", '{"DATA_SOURCE": "OS", "RECORD_ID": "1", "NAMES": [{"NAME_FULL": "A"}]}\n'
                     '{"DATA_SOURCE": "OS", "RECORD_ID": "2", "NAMES": [{"NAME_FU\n', r"senzing\.json: line 2: not valid JSON"),
    ("targets.simple.csv", 'id,schema,name,aliases,birth_date,countries,sanctions\nNK-1,Person,Ivan,,,by,EU\nNK-2,P,"Pe',
     r"targets\.simple\.csv: line 3: the file ends inside a quoted field"),
    ("uk.xml", '<?xml version="1.0"?>\n<Designations>\n<Designation><UniqueID>BEL1</UniqueID><Names><Name><Name6>X'
               "</Name6></Name></Names></Designation>\n<Designation><UniqueID>BEL2</Uni",
     r"uk\.xml: not valid UK sanctions list XML at line 4, column 27 \(after Designation BEL1\)"),
    ("SDN_ENHANCED.XML", '<?xml version="1.0"?>\n<sanctionsData><entities>\n<entity id="1"><names><name><isPrimary>'
                         "true</isPrimary><translations><translation><isPrimary>true</isPrimary><formattedFullName>A"
                         '</formattedFullName></translation></translations></name></names></entity>\n<entity id="2"><na',
     r"SDN_ENHANCED\.XML: not valid OFAC SDN_ENHANCED XML at line 4, column 15 \(after entity id=1\)"),
])
def test_cut_files_of_the_new_layouts_say_where(tmp_path: Path, name: str, text: str, expect: str) -> None:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    with pytest.raises(ListLoadError, match=expect):
        load_list(p)


@pytest.mark.parametrize(("title", "regime", "confidence"), [
    ("EU Financial Sanctions Files (FSF)", "EU", "confirmed"),
    ("US OFAC Specially Designated Nationals (SDN) List", "US", "confirmed"),
    ("UK HMT/OFSI Consolidated List of Targets", "UK", "confirmed"),
    ("Belarus KGB List of Terrorists", "UNKNOWN", "unverified"),  # 'Belarus KGB' holds no 'US '
    ("Ukraine NSDC State Register of Sanctions", "UNKNOWN", "unverified"),
])
def test_simple_csv_regime_from_the_dataset_title(tmp_path: Path, title: str, regime: str, confidence: str) -> None:
    p = tmp_path / "targets.simple.csv"
    p.write_text("id,schema,name,aliases,birth_date,countries,sanctions,dataset\n"
                 f'NK-1,Person,Ivan Ivanau,,,by,Listed 2021,"{title}"\n', encoding="utf-8")
    (e,) = load_list(p).entities
    assert [(li.regime, li.confidence) for li in e.listings] == [(regime, confidence)]


def test_a_folder_given_for_a_file(shared_data: Path, tmp_path: Path) -> None:
    # An unzipped SDN.ZIP: its sdn.csv, with the side files beside it.
    assert load_list(shared_data / "ofac" / "sdn_2021-07").info.entries == 8976
    (tmp_path / "one").mkdir()
    (tmp_path / "one" / "UN_consolidated.xml").write_bytes((shared_data / "un" / "UN_consolidated.xml").read_bytes())
    assert load_list(tmp_path / "one").info.entries == 1003
    (tmp_path / "one" / "eu.xml").write_bytes((shared_data / "eu" / "sample_eu_fsf_xml_2020-04.xml").read_bytes())
    with pytest.raises(ListLoadError, match=r"one: is a directory \(UN_consolidated\.xml, eu\.xml\); give the list"):
        load_list(tmp_path / "one")


def test_csl_csv_identifiers(shared_data: Path) -> None:
    ids = {e.name: e.identifiers for e in load_list(shared_data / "csl" / "consolidated_selection_2025-06.csv").entities}
    assert ids["SME BANK"] == {"Public Registration Number": "1027739108649", "SWIFT/BIC": "RUDVRUMM"}
    assert ids["RIM, Ryong Nam"] == {"Passport": "836238033"}  # not 'Gender' nor 'Secondary sanctions risk:'


def test_eu_identification_documents(shared_data: Path, tmp_path: Path) -> None:
    ids = {e.name: e.identifiers for e in load_list(shared_data / "eu" / "sample_eu_fsf_xml_2020-04.xml").entities}
    assert ids["Mohamed Ben Belkacem Aouadi"] == {"National identification card": "04643632",
                                                  "National passport": "L191609", "eu_reference": "EU.3343.85"}
    p = tmp_path / "eu.csv"
    p.write_text("fileGenerationDate;Entity_LogicalId;NameAlias_WholeName;Identification_Number;"
                 "Identification_TypeCode;Identification_TypeDescription\n"
                 "2025-06-30;14;Aliaksandr LUKASHENKA;MP0000001;passport;National passport\n"
                 "2025-06-30;14;Alexander LUKASHENKO;;;\n", encoding="utf-8")
    (e,) = load_list(p).entities
    assert e.identifiers == {"National passport": "MP0000001"} and e.aliases == ["Alexander LUKASHENKO"]
