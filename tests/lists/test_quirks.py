"""List-file quirks of other releases, on small synthetic files built in tmp_path.

Each file imitates one real-world variation (encoding, quoting, namespaces, column names,
title rows, statement exports) that the repository's samples do not show.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from compliance.exc import ListLoadError
from compliance.lists import detect_format, load_list

SDN_ROW = '{n},"{name}","{t}","{p}",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,{r}'


def _sdn(*rows: str, eof: bytes = b"\r\n\x1a", enc: str = "utf-8") -> bytes:
    return "\r\n".join(rows).encode(enc) + eof


def _write(p: Path, data: bytes | str) -> Path:
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return p


# OFAC CSV ---------------------------------------------------------------------------------------
def test_ofac_cp1252_eof_byte_and_blanks(tmp_path: Path) -> None:
    p = _write(tmp_path / "sdn.csv", _sdn(
        SDN_ROW.format(n=1, name="MUÑOZ, José", t="individual", p="BELARUS-EO14038] [RUSSIA-EO14024",
                       r='"DOB 02 Mar 1970; nationality Belarus; a.k.a. \'PEPE\'."'),
        SDN_ROW.format(n=2, name="BELAZ OAO", t="-0- ", p="BELARUS", r="-0- "),
        enc="cp1252"))
    loaded = load_list(p)
    jose, belaz = loaded.entities
    assert jose.name == "MUÑOZ, José" and jose.kind == "person"
    assert {x.program for x in jose.listings} == {"BELARUS-EO14038", "RUSSIA-EO14024"}
    assert "PEPE" in jose.aliases and "José MUÑOZ" in jose.aliases
    assert jose.countries == ["BY"] and jose.birth_dates == ["1970-03-02"]
    assert belaz.kind == "organization" and belaz.remarks is None and belaz.raw and belaz.raw["title"] == ""


def test_ofac_record_without_program_still_listed(tmp_path: Path) -> None:
    p = _write(tmp_path / "sdn.csv", _sdn(SDN_ROW.format(n=3, name="NO PROGRAM LLC", t="-0- ", p="-0- ", r="-0- ")))
    (e,) = load_list(p).entities
    (lst,) = e.listings
    assert lst.regime == "US" and lst.program is None and lst.measure == "asset_freeze"


@pytest.mark.parametrize("eof", [b"", b"\x1a", b"\r\n", b"\r\n\x1a", b"\r\n\x1a\r\n", b"\n"])
def test_ofac_file_endings(tmp_path: Path, eof: bytes) -> None:
    p = _write(tmp_path / "x" / "sdn.csv", _sdn(SDN_ROW.format(n=7, name="A", t="-0- ", p="CUBA", r="-0- "),
                                                 SDN_ROW.format(n=8, name="B", t="vessel", p="CUBA", r="-0- "),
                                                 eof=eof))
    assert [e.id for e in load_list(p).entities] == ["ofac:7", "ofac:8"]


def test_ofac_odd_quoting_and_extra_commas_keep_every_row(tmp_path: Path) -> None:
    rows = [
        SDN_ROW.format(n=1, name='THE "BEST" TRADING CO', t="-0- ", p="SDGT", r="-0- "),  # undoubled inner quotes
        SDN_ROW.format(n=2, name='DOUBLED ""QUOTE"" LLC', t="-0- ", p="SDGT", r="-0- "),  # proper CSV escaping
        '3,"NORMAL, LTD.",-0- ,"SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,Unquoted remarks, with a comma',
        SDN_ROW.format(n=4, name="LAST", t="-0- ", p="SDGT", r='"a.k.a. \'L\'."'),
    ]
    p = _write(tmp_path / "sdn.csv", "\n".join(rows) + "\n")  # LF-only line ends too
    loaded = load_list(p)
    names = [e.name for e in loaded.entities]
    assert names == ['THE "BEST" TRADING CO', 'DOUBLED "QUOTE" LLC', "NORMAL, LTD.", "LAST"]
    assert loaded.entities[2].remarks == "Unquoted remarks, with a comma"
    assert any("line 3" in w for w in loaded.info.warnings)
    assert loaded.entities[3].aliases == ["L"]


def test_ofac_side_files_any_case_and_vessel_details(tmp_path: Path) -> None:
    d = tmp_path / "release"
    _write(d / "SDN.CSV", _sdn('5,"SEA STAR","vessel","BELARUS",-0- ,"ABCD","Cargo",-0- ,"1000","Belarus",-0- ,'
                               '"Vessel Registration Identification IMO 1234567."'))
    _write(d / "ALT.CSV", _sdn('5,1,"fka","OLD STAR",-0- '))
    _write(d / "ADD.CSV", _sdn('5,1,-0- ,"Minsk","Belarus",-0- '))
    loaded = load_list(d / "SDN.CSV")
    (e,) = loaded.entities
    assert e.kind == "vessel" and e.aliases == ["OLD STAR"] and e.countries == ["BY"]
    assert e.identifiers["IMO"] == "1234567" and e.identifiers["call_sign"] == "ABCD"
    assert len(loaded.info.files) == 3


def test_ofac_truncated_and_side_file_errors(tmp_path: Path) -> None:
    p = _write(tmp_path / "sdn.csv", _sdn(SDN_ROW.format(n=1, name="A", t="-0- ", p="CUBA", r="-0- "),
                                          '2,"B",-0- ,"CU', eof=b""))
    with pytest.raises(ListLoadError, match=r"sdn\.csv: line 2: .*truncated"):
        load_list(p)
    alt = _write(tmp_path / "o" / "alt.csv", _sdn('5,1,"aka","X",-0- '))
    with pytest.raises(ListLoadError, match="alt.csv .aliases"):
        load_list(alt)


# OFAC XML, old and new schema ---------------------------------------------------------------------
SDN_XML = """<?xml version="1.0" standalone="yes"?>
<sdnList xmlns="{ns}">
  <publshInformation><Publish_Date>05/03/2024</Publish_Date><Record_Count>1</Record_Count></publshInformation>
  <sdnEntry><uid>9760</uid><firstName>Alyaksandr Ryhorovich</firstName><lastName>LUKASHENKA</lastName>
    <sdnType>Individual</sdnType><programList><program>BELARUS</program></programList>
    <akaList><aka><uid>1</uid><type>a.k.a.</type><category>strong</category><lastName>LUKASHENKO</lastName>
      <firstName>Alexander</firstName></aka></akaList>
    <nationalityList><nationality><uid>2</uid><country>Belarus</country><mainEntry>true</mainEntry></nationality>
    </nationalityList>
    <dateOfBirthList><dateOfBirthItem><uid>3</uid><dateOfBirth>30 Aug 1954</dateOfBirth>
      <mainEntry>true</mainEntry></dateOfBirthItem></dateOfBirthList>
  </sdnEntry>
</sdnList>"""


@pytest.mark.parametrize("ns", ["http://tempuri.org/sdnList.xsd",
                                "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/XML"])
def test_ofac_xml_namespaces(tmp_path: Path, ns: str) -> None:
    p = _write(tmp_path / "list.xml", SDN_XML.format(ns=ns))
    assert detect_format(p) == "ofac-xml"
    loaded = load_list(p)
    (e,) = loaded.entities
    assert loaded.info.date is not None and loaded.info.date.isoformat() == "2024-05-03"  # MM/DD/YYYY
    assert e.name == "LUKASHENKA, Alyaksandr Ryhorovich" and "Alexander LUKASHENKO" in e.aliases
    assert e.countries == ["BY"] and e.birth_dates == ["1954-08-30"]
    assert e.listings[0].program == "BELARUS" and "13405" in (e.listings[0].legal_basis or "")


ADVANCED = """<?xml version="1.0" encoding="utf-8"?>
<Sanctions xmlns="https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ADVANCED_XML">
  <DateOfIssue><Year>2025</Year><Month>12</Month><Day>19</Day></DateOfIssue>
  <ReferenceValueSets>
    <AliasTypeValues><AliasType ID="1400">A.K.A.</AliasType><AliasType ID="1403">Name</AliasType></AliasTypeValues>
    <CountryValues><Country ID="11058" ISO2="BY">Belarus</Country></CountryValues>
    <FeatureTypeValues><FeatureType ID="8">Birthdate</FeatureType><FeatureType ID="25">Location</FeatureType>
    </FeatureTypeValues>
    <ListValues><List ID="1550">SDN List</List></ListValues>
    <PartySubTypeValues><PartySubType ID="3" PartyTypeID="2">Unknown</PartySubType>
      <PartySubType ID="4" PartyTypeID="1">Unknown</PartySubType>
      <PartySubType ID="2" PartyTypeID="4">Aircraft</PartySubType></PartySubTypeValues>
    <PartyTypeValues><PartyType ID="1">Individual</PartyType><PartyType ID="2">Entity</PartyType>
      <PartyType ID="4">Aircraft</PartyType></PartyTypeValues>
    <SanctionsProgramValues><SanctionsProgram ID="91">BELARUS-EO14038</SanctionsProgram></SanctionsProgramValues>
  </ReferenceValueSets>
  <Locations><Location ID="500"><LocationCountry CountryID="11058"/></Location></Locations>
  <DistinctParties>
    <DistinctParty FixedRef="32746">
      <Profile ID="32746" PartySubTypeID="3">
        <Identity ID="1" FixedRef="32746" Primary="true">
          <Alias FixedRef="32746" AliasTypeID="1403" Primary="true" LowQuality="false">
            <DocumentedName ID="11" FixedRef="32746"><DocumentedNamePart>
              <NamePartValue NamePartGroupID="1">BELARUSKALI OAO</NamePartValue></DocumentedNamePart></DocumentedName>
          </Alias>
          <Alias FixedRef="32746" AliasTypeID="1400" Primary="false" LowQuality="false">
            <DocumentedName ID="12" FixedRef="32746"><DocumentedNamePart>
              <NamePartValue NamePartGroupID="2">BELARUSKALI JSC</NamePartValue></DocumentedNamePart></DocumentedName>
          </Alias>
        </Identity>
        <Feature ID="7" FeatureTypeID="25"><FeatureVersion ID="8"><VersionLocation LocationID="500"/></FeatureVersion>
        </Feature>
      </Profile>
    </DistinctParty>
  </DistinctParties>
  <SanctionsEntries>
    <SanctionsEntry ID="99" ProfileID="32746" ListID="1550">
      <EntryEvent ID="1" EntryEventTypeID="1"><Date><Year>2021</Year><Month>8</Month><Day>9</Day></Date></EntryEvent>
      <SanctionsMeasure ID="2" SanctionsTypeID="1"><Comment>BELARUS-EO14038</Comment></SanctionsMeasure>
    </SanctionsEntry>
  </SanctionsEntries>
</Sanctions>"""


def test_ofac_sdn_advanced_xml(tmp_path: Path) -> None:
    p = _write(tmp_path / "sdn_advanced.xml", ADVANCED)
    assert detect_format(p) == "ofac-advanced-xml"
    loaded = load_list(p)
    (e,) = loaded.entities
    assert loaded.info.name == "ofac-sdn" and loaded.info.date is not None
    assert loaded.info.date.isoformat() == "2025-12-19"
    assert e.id == "ofac:32746" and e.name == "BELARUSKALI OAO" and e.aliases == ["BELARUSKALI JSC"]
    assert e.kind == "organization" and e.countries == ["BY"]
    (lst,) = e.listings
    assert lst.program == "BELARUS-EO14038" and lst.listed_on is not None and lst.listed_on.isoformat() == "2021-08-09"
    # Given as sdn.xml or with --format ofac-xml, the advanced schema is still read as such.
    assert load_list(p, "ofac-xml").entities[0].id == "ofac:32746"


# UN and EU ------------------------------------------------------------------------------------------
def test_un_with_namespace_and_dates(tmp_path: Path) -> None:
    p = _write(tmp_path / "un.xml", """<?xml version="1.0"?>
<CONSOLIDATED_LIST xmlns="urn:example:un" dateGenerated="2025-01-02T00:00:00Z"><INDIVIDUALS><INDIVIDUAL>
<DATAID>1</DATAID><FIRST_NAME>KIM</FIRST_NAME><SECOND_NAME>IL</SECOND_NAME><UN_LIST_TYPE>DPRK</UN_LIST_TYPE>
<REFERENCE_NUMBER> KPi.001 </REFERENCE_NUMBER><LISTED_ON>2016-03-02-05:00</LISTED_ON>
<NATIONALITY><VALUE>Democratic People's Republic of Korea</VALUE></NATIONALITY>
<INDIVIDUAL_ALIAS><QUALITY>Good</QUALITY><ALIAS_NAME>KIM IL-SUNG</ALIAS_NAME></INDIVIDUAL_ALIAS>
<INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>APPROXIMATELY</TYPE_OF_DATE><YEAR>1960</YEAR></INDIVIDUAL_DATE_OF_BIRTH>
</INDIVIDUAL></INDIVIDUALS><ENTITIES/></CONSOLIDATED_LIST>""")
    (e,) = load_list(p).entities
    assert e.id == "un:KPi.001" and e.aliases == ["KIM IL-SUNG"] and e.countries == ["KP"]
    assert e.birth_dates == ["1960"] and e.listings[0].listed_on is not None
    assert e.listings[0].listed_on.isoformat() == "2016-03-02"


EU_CSV_11 = ("\ufefffileGenerationDate;Entity_LogicalId;Entity_EU_ReferenceNumber;Entity_DesignationDate;"
             "Entity_SubjectType;Entity_SubjectType_ClassificationCode;Entity_Regulation_NumberTitle;"
             "Entity_Regulation_Programme;Entity_Regulation_PublicationDate;NameAlias_WholeName;"
             "Citizenship_CountryIso2Code;Address_CountryIso2Code;BirthDate_BirthDate\n"
             "2025-06-30;13;EU.1.2;2022-06-03;enterprise;E;2022/876 (OJ L153);BLR;2022-06-03;"
             "Belaruskali OAO;;BY;\n"
             "2025-06-30;13;EU.1.2;2022-06-03;enterprise;E;2022/876 (OJ L153);BLR;2022-06-03;"
             "ОАО «Беларуськалий»;;00;\n"
             "2025-06-30;14;EU.3.4;;person;P;2006/765;BLR;2011-01-31;Aliaksandr LUKASHENKA;BY;;1954-08-30\n")
EU_CSV_10 = ("Date_file;Entity_logical_id;Entity_remark;Entity_subject_type;Entity_regulation_type;"
             "Entity_regulation_publication_date;Entity_regulation_number_title;Entity_regulation_programme;"
             "Naal_logical_id;Naal_lastname;Naal_firstname;Naal_middlename;Naal_wholename;Addr_country;"
             "Birt_date;Citi_country\n"
             "2019-05-01;13;;E;regulation;2012-03-24;265/2012 (OJ L87);BLR;1;;;;BELSHINA OAO;BLR;;\n"
             "2019-05-01;14;;P;regulation;2011-01-31;84/2011 (OJ L28);BLR;2;LUKASHENKA;Aliaksandr;;;;"
             "1954-08-30;BLR\n")


@pytest.mark.parametrize("text", [EU_CSV_11, EU_CSV_10])
def test_eu_csv_versions(tmp_path: Path, text: str) -> None:
    p = _write(tmp_path / "export.csv", text)
    assert detect_format(p) == "eu-fsf-csv"
    loaded = load_list(p)
    org, person = loaded.entities
    assert org.kind == "organization" and org.countries == ["BY"] and org.listings[0].program == "BLR"
    assert "765/2006" in (org.listings[0].legal_basis or "")
    assert person.kind == "person" and person.countries == ["BY"] and person.birth_dates == ["1954-08-30"]
    assert "LUKASHENKA" in person.name and loaded.info.date is not None
    assert person.listings[0].listed_on is not None  # designation date, else the earliest act
    if text is EU_CSV_11:
        assert org.aliases == ["ОАО «Беларуськалий»"]
        assert org.listings[0].listed_on is not None and org.listings[0].listed_on.isoformat() == "2022-06-03"


def test_eu_xml_without_namespace(tmp_path: Path) -> None:
    p = _write(tmp_path / "eu.xml", '<export generationDate="2025-01-01T00:00:00"><sanctionEntity logicalId="9" '
               'designationDate="2021-12-02"><regulation programme="BLR" numberTitle="2021/2124"/>'
               '<subjectType code="enterprise"/><nameAlias wholeName="Grodno Azot OAO"/></sanctionEntity></export>')
    assert detect_format(p) == "eu-fsf-xml"
    (e,) = load_list(p).entities
    assert e.id == "eu:9" and e.listings[0].regime == "EU" and e.listings[0].program == "BLR"


def test_eu_xml_10_global_format(tmp_path: Path) -> None:
    p = _write(tmp_path / "global.xml", """<?xml version="1.0" encoding="UTF-8"?>
<WHOLE Date="01/05/2019">
 <ENTITY Id="13" Type="E" legal_basis="2012/265 (OJ L87)" reg_date="2012-03-24" programme="BLR" remark="">
  <NAME Id="1" Entity_id="13"><LASTNAME/><FIRSTNAME/><MIDDLENAME/><WHOLENAME>BELSHINA OAO</WHOLENAME></NAME>
  <NAME Id="2" Entity_id="13"><WHOLENAME>ОАО «Белшина»</WHOLENAME></NAME>
  <ADDRESS Id="3" Entity_id="13"><CITY>Babruysk</CITY><COUNTRY>BLR</COUNTRY></ADDRESS>
 </ENTITY>
 <ENTITY Id="14" Type="P" legal_basis="2011/84 (OJ L28)" reg_date="2011-01-31" programme="BLR">
  <NAME Id="4" Entity_id="14"><LASTNAME>LUKASHENKA</LASTNAME><FIRSTNAME>Aliaksandr</FIRSTNAME></NAME>
  <BIRTH Id="5" Entity_id="14"><DATE>1954-08-30</DATE><COUNTRY>BLR</COUNTRY></BIRTH>
 </ENTITY>
</WHOLE>""")
    assert detect_format(p) == "eu-fsf-xml"
    loaded = load_list(p)
    org, person = loaded.entities
    assert org.name == "BELSHINA OAO" and org.aliases == ["ОАО «Белшина»"] and org.countries == ["BY"]
    assert org.listings[0].program == "BLR" and org.listings[0].listed_on is not None
    assert person.kind == "person" and person.name == "Aliaksandr LUKASHENKA"
    assert person.birth_dates == ["1954-08-30"]
    assert loaded.info.date is not None and loaded.info.date.isoformat() == "2019-05-01"


# UK -------------------------------------------------------------------------------------------------
def test_uk_detailed_csv_with_title_rows_and_groups(tmp_path: Path) -> None:
    p = _write(tmp_path / "UK_Sanctions_List.csv", (
        "Report Date: 11-Aug-2025\n\n"
        "Last Updated,Unique ID,OFSI Group ID,Name 6,Name 1,Name 2,Name type,Name non-latin script,Regime Name,"
        "Designation Type,Sanctions Imposed,Date Designated,Address Country,Nationality(/ies),D.O.B\n"
        "01/01/2025,BEL0001,14000,NAUMOV,Vladimir,,Alias,,Belarus,Individual,Asset freeze|Travel ban,31/12/2020,"
        ",Belarus,07/02/1956\n"
        "01/01/2025,BEL0001,14000,NAVUMAU,Uladzimir,Uladzimiravich,Primary Name,Навумаў Уладзімір,Belarus,"
        "Individual,Asset freeze|Travel ban,31/12/2020,,Belarus,07/02/1956\n"
        "01/01/2025,BEL0100,14100,BELARUSKALI,,,Primary Name,,Belarus,Entity,Asset freeze,02/12/2021,Belarus,,\n"))
    assert detect_format(p) == "uk-csv"
    loaded = load_list(p)
    person, org = loaded.entities
    assert person.id == "uk:BEL0001" and person.kind == "person"
    assert person.name == "Uladzimir Uladzimiravich NAVUMAU"
    assert {"Навумаў Уладзімір", "Vladimir NAUMOV"} <= set(person.aliases)
    assert person.countries == ["BY"] and person.birth_dates == ["1956-02-07"]
    assert org.kind == "organization" and org.countries == ["BY"]
    assert org.listings[0].listed_on is not None and org.listings[0].listed_on.isoformat() == "2021-12-02"
    assert loaded.info.date is not None and loaded.info.date.isoformat() == "2025-08-11"  # from the title row


def test_uk_ods_repeated_cells(tmp_path: Path) -> None:
    """ODS stores runs of equal or empty cells once (number-columns-repeated)."""
    t = 'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" ' \
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" ' \
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'

    def cell(v: str, rep: int = 1) -> str:
        r = f' table:number-columns-repeated="{rep}"' if rep > 1 else ""
        return f"<table:table-cell{r}><text:p>{v}</text:p></table:table-cell>" if v else \
            f"<table:table-cell{r}/>"

    rows = [["Unique ID", "OFSI Group ID", "Name", "Regime Name", "Type", "Date Designated"],
            ["BEL0002", "", "Minsk  Tractor", "Belarus", "Entity", "02-12-2021"]]
    xml = "".join("<table:table-row>" + "".join(cell(v) for v in r) + cell("", 1000) + "</table:table-row>"
                  for r in rows)
    xml += '<table:table-row table:number-rows-repeated="1000">' + cell("", 1024) + "</table:table-row>"
    content = f'<office:document-content {t}><office:body><office:spreadsheet><table:table table:name="S">' \
              f"{xml}</table:table></office:spreadsheet></office:body></office:document-content>"
    p = tmp_path / "list.ods"
    with zipfile.ZipFile(p, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", content)
    assert detect_format(p) == "uk-ods"
    (e,) = load_list(p).entities
    assert e.id == "uk:BEL0002" and e.kind == "organization" and e.listings[0].program == "Belarus"
    assert e.listings[0].listed_on is not None and e.listings[0].listed_on.isoformat() == "2021-12-02"


# OpenSanctions --------------------------------------------------------------------------------------
def test_ftm_statements_and_sanction_entities(tmp_path: Path) -> None:
    def st(eid: str, schema: str, prop: str, value: str, ds: str = "us_ofac_sdn") -> str:
        return json.dumps({"id": f"{eid}{prop}{value}", "entity_id": eid, "canonical_id": eid, "prop": prop,
                           "schema": schema, "value": value, "dataset": ds, "first_seen": "2025-01-01T00:00:00"})

    lines = [st("p1", "Company", "name", "Belaruskali OAO"), st("p1", "Company", "alias", "Беларуськалий"),
             st("p1", "Company", "country", "by"), st("p1", "Company", "topics", "sanction"),
             st("s1", "Sanction", "entity", "p1"), st("s1", "Sanction", "program", "BELARUS-EO14038"),
             st("s1", "Sanction", "startDate", "2021-08-09"), st("s1", "Sanction", "authority", "OFAC"),
             st("x1", "Person", "name", "Some Politician", "everypolitician"),
             st("x1", "Person", "topics", "role.pep", "everypolitician")]
    p = _write(tmp_path / "statements.json", "\n".join(lines))
    assert detect_format(p) == "ftm-json"
    loaded = load_list(p)
    company, pep = loaded.entities
    assert company.name == "Belaruskali OAO" and company.aliases == ["Беларуськалий"] and company.countries == ["BY"]
    (lst,) = company.listings
    assert (lst.regime, lst.program, lst.confidence) == ("US", "BELARUS-EO14038", "confirmed")
    assert lst.listed_on is not None and lst.listed_on.isoformat() == "2021-08-09"
    assert pep.listings == []  # a PEP is reference data, never a sanctions hit
    csv_text = "id,entity_id,canonical_id,prop,prop_type,schema,value,dataset\n" \
               "1,p1,p1,name,name,Person,Ivan Petrov,gb_hmt_sanctions\n" \
               "2,p1,p1,weakAlias,name,Person,Vanya,gb_hmt_sanctions\n"
    c = _write(tmp_path / "statements.csv", csv_text)
    (e,) = load_list(c).entities
    assert e.aliases == ["Vanya"] and e.listings[0].regime == "UK"


def test_ftm_nested_targets(tmp_path: Path) -> None:
    rec = {"id": "NK-1", "schema": "Person", "caption": "Viktar Sheiman", "datasets": ["eu_fsf"],
           "properties": {"name": ["Viktar Sheiman"], "previousName": ["Viktor Sheyman"], "nationality": ["by"],
                          "topics": ["sanction"],
                          "sanctions": [{"schema": "Sanction", "datasets": ["eu_fsf"],
                                         "properties": {"program": ["BLR"], "listingDate": ["2004-09-24"]}}]}}
    p = _write(tmp_path / "targets.nested.json", json.dumps(rec) + "\n")
    (e,) = load_list(p).entities
    assert e.aliases == ["Viktor Sheyman"] and e.countries == ["BY"]
    assert e.listings[0].program == "BLR" and e.listings[0].regime == "EU"
    assert e.listings[0].listed_on is not None and e.listings[0].listed_on.isoformat() == "2004-09-24"


# Detection from content -----------------------------------------------------------------------------
def test_detection_ignores_misleading_names(tmp_path: Path) -> None:
    ofac = _write(tmp_path / "download(3).txt", _sdn(SDN_ROW.format(n=1, name="A", t="-0- ", p="CUBA", r="-0- ")))
    assert detect_format(ofac) == "ofac-csv"
    un = _write(tmp_path / "sdn.csv", '<?xml version="1.0"?>\n<!-- c -->\n<CONSOLIDATED_LIST dateGenerated="x"/>')
    assert detect_format(un) == "un-xml"
    utf16 = _write(tmp_path / "eu16.xml", '<?xml version="1.0" encoding="UTF-16"?><export xmlns="http://eu.'
                   'europa.ec/fpi/fsd/export"/>'.encode("utf-16"))
    assert detect_format(utf16) == "eu-fsf-xml"


def test_ofac_csv_with_a_spreadsheet_header_row(tmp_path: Path) -> None:
    # A copy re-saved from a spreadsheet gains a header row: once refused as "not an OFAC record".
    header = "ent_num,SDN_Name,SDN_Type,Program,Title,Call_Sign,Vess_type,Tonnage,GRT,Vess_flag,Vess_owner,Remarks"
    rows = (header, SDN_ROW.format(n=7, name="BELAZ OAO", t="-0- ", p="BELARUS", r="-0- "))
    for name in ("sdn.csv", "sdn_copy.csv"):
        p = _write(tmp_path / name, _sdn(*rows))
        assert detect_format(p) == "ofac-csv"
        loaded = load_list(p)
        assert [e.id for e in loaded.entities] == ["ofac:7"]
        assert any("header row" in w for w in loaded.info.warnings)


@pytest.mark.parametrize(("size", "words"), [(100, "UN XML at line 2"), (40, "without a root element")])
def test_xml_cut_in_its_first_lines(tmp_path: Path, size: int, words: str) -> None:
    text = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<CONSOLIDATED_LIST xmlns:xsi='
            '"http://www.w3.org/2001/XMLSchema-instance" dateGenerated="2026-02-27T00:00:09.554Z">\n<INDIVIDUALS>')
    p = _write(tmp_path / "un.xml", text[:size])
    with pytest.raises(ListLoadError, match=words):
        load_list(p)


def test_last_record_spanning_lines_without_a_final_line_break_is_complete(tmp_path: Path) -> None:
    text = ('_id,source,entity_number,type,programs,name,title,addresses,federal_register_notice,start_date,'
            'end_date,standard_order,license_requirement,license_policy,call_sign,vessel_type,gross_tonnage,'
            'gross_registered_tonnage,vessel_flag,vessel_owner,remarks,source_list_url,alt_names,citizenships,'
            'dates_of_birth,places_of_birth,source_information_url,ids\n'
            '1,Entity List (EL) - Bureau of Industry and Security,,,,OAO INTEGRAL,,"Minsk, BY",,,,,,,,,,,,,'
            '"two\nlines",,,,,,,')
    p = _write(tmp_path / "csl.csv", text)
    assert [e.name for e in load_list(p, "us-csl-csv").entities] == ["OAO INTEGRAL"]
    with pytest.raises(ListLoadError, match="truncated"):
        load_list(_write(tmp_path / "cut.csv", text[:-12]), "us-csl-csv")


def test_gzip_list_file_is_read_and_a_cut_one_refused(tmp_path: Path) -> None:
    import gzip

    packed = gzip.compress(_sdn(SDN_ROW.format(n=1, name="A", t="-0- ", p="CUBA", r="-0- ")))
    loaded = load_list(_write(tmp_path / "sdn.csv.gz", packed))
    assert [e.name for e in loaded.entities] == ["A"] and loaded.info.path == str(tmp_path / "sdn.csv.gz")
    with pytest.raises(ListLoadError, match=r"sdn\.csv\.gz: a damaged or cut-short gzip file"):
        load_list(_write(tmp_path / "cut" / "sdn.csv.gz", packed[: len(packed) // 2]))
