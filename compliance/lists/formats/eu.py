"""EU Financial Sanctions Files (FSF): XML 1.1 and the semicolon CSV."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path
from typing import Any

from compliance.exc import ListLoadError
from compliance.lists.formats._common import country_code, parse_date, sha256_of
from compliance.lists.model import Entity, ListInfo, Listing, LoadedList

NS = "{http://eu.europa.ec/fpi/fsd/export}"
_KIND = {"person": "person", "enterprise": "organization", "P": "person", "E": "organization"}


def read_xml(path: Path) -> LoadedList:
    entities: list[Entity] = []
    generated: str | None = None
    try:
        for event, el in ET.iterparse(path, events=("start", "end")):
            if event == "start":
                if el.tag == f"{NS}export":
                    generated = el.get("generationDate")
                continue
            if el.tag == f"{NS}sanctionEntity":
                entities.append(_xml_entity(el))
                el.clear()
    except ET.ParseError as e:
        raise ListLoadError(f"{path}: not valid EU FSF XML: {e}") from None
    info = ListInfo(name="eu-fsf", format="eu-fsf-xml", version=generated, date=parse_date(generated),
                    entries=len(entities), sha256=sha256_of([path]), path=str(path))
    return LoadedList(info=info, entities=entities)


def _xml_entity(el: ET.Element) -> Entity:
    logical = el.get("logicalId", "")
    st = el.find(f"{NS}subjectType")
    kind = _KIND.get(st.get("code", "") if st is not None else "", "organization")
    names = [n.get("wholeName", "").strip() for n in el.iter(f"{NS}nameAlias") if n.get("wholeName", "").strip()]
    countries: list[str] = []
    for tag in ("citizenship", "address", "birthdate"):
        for c in el.iter(f"{NS}{tag}"):
            code = c.get("countryIso2Code") or ""
            code = code.upper() if len(code) == 2 and code != "00" else (country_code(c.get("countryDescription")) or "")
            if code and code not in countries:
                countries.append(code)
    programmes = []
    for reg in el.iter(f"{NS}regulation"):
        prog = reg.get("programme")
        if prog and (prog, reg.get("numberTitle")) not in programmes:
            programmes.append((prog, reg.get("numberTitle")))
    listed = parse_date(el.get("designationDate"))
    listings = [Listing(regime="EU", program=p, legal_basis=f"EU FSF programme {p}" + (f", Regulation {t}" if t else ""),
                        listed_on=listed, source=f"EU FSF {el.get('euReferenceNumber') or logical}")
                for p, t in programmes[:1]] or [Listing(regime="EU", listed_on=listed, source=f"EU FSF {logical}")]
    name = names[0] if names else f"EU FSF {logical}"
    return Entity(id=f"eu:{logical}", list_name="eu-fsf", kind=kind, name=name, aliases=names[1:], countries=countries,
                  listings=listings, raw={"logicalId": logical, "euReferenceNumber": el.get("euReferenceNumber")})


def read_csv(path: Path) -> LoadedList:
    """The FSF CSV: semicolon-separated, one row per name/address/... with Entity_LogicalId."""
    raw = path.read_bytes()
    text = raw.decode("utf-8-sig", errors="replace")
    reader = csv.DictReader(io.StringIO(text), delimiter=";")
    fields = reader.fieldnames or []
    if "Entity_LogicalId" not in fields:
        raise ListLoadError(f"{path}: no Entity_LogicalId column: not an EU FSF CSV file")
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in reader:
        lid = (row.get("Entity_LogicalId") or "").strip()
        if lid:
            groups[lid].append(row)
    entities = []
    for lid, rows in groups.items():
        names: list[str] = []
        countries: list[str] = []
        for r in rows:
            n = (r.get("NameAlias_WholeName") or "").strip()
            if n and n not in names:
                names.append(n)
            for col in ("Citizenship_CountryIso2Code", "Address_CountryIso2Code"):
                c = (r.get(col) or "").strip().upper()
                if len(c) == 2 and c != "00" and c not in countries:
                    countries.append(c)
        first = rows[0]
        kind = _KIND.get((first.get("Entity_SubjectType") or first.get("Entity_SubjectType_ClassificationCode") or "").strip(),
                         "organization")
        prog = (first.get("Entity_Programme") or first.get("Entity_Regulation_Programme") or "").strip() or None
        listing = Listing(regime="EU", program=prog, legal_basis=f"EU FSF programme {prog}" if prog else "EU FSF",
                          listed_on=parse_date(first.get("Entity_DesignationDate")), source=f"EU FSF {lid}")
        entities.append(Entity(id=f"eu:{lid}", list_name="eu-fsf", kind=kind, name=names[0] if names else f"EU FSF {lid}",
                               aliases=names[1:], countries=countries, listings=[listing], raw={"logicalId": lid}))
    info = ListInfo(name="eu-fsf", format="eu-fsf-csv", entries=len(entities), sha256=sha256_of([path]), path=str(path))
    return LoadedList(info=info, entities=entities)
