"""EU Financial Sanctions Files (FSF): the XML (1.0/1.1, any namespace) and the semicolon CSV
(1.0 column names ``Entity_logical_id``/``Naal_wholename``, 1.1 ``Entity_LogicalId``/
``NameAlias_WholeName``). Both are streamed: the full files are tens of MB."""

from __future__ import annotations

import csv
import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

from compliance.exc import ListLoadError
from compliance.lists.formats._common import (
    ROOT,
    country_code,
    dedupe,
    iter_xml,
    local,
    looks_binary,
    open_text,
    parse_date,
    partial_date,
    sha256_of,
    sniff,
    xml_error,
)
from compliance.lists.model import Entity, ListInfo, Listing, LoadedList

_KIND = {"person": "person", "enterprise": "organization", "p": "person", "e": "organization"}
# Base acts of the programmes the project knows (reference: eu.base; RULES.md for Russia).
_BASE_ACT = {"BLR": "Council Regulation (EC) No 765/2006 (Belarus)",
             "RUS": "Council Regulation (EU) No 269/2014 (Russia/Ukraine territorial integrity)"}


def _basis(programme: str | None, acts: list[str]) -> str:
    text = f"EU FSF programme {programme}" if programme else "EU Financial Sanctions Files"
    if programme in _BASE_ACT:
        text += f": {_BASE_ACT[programme]}"
    if acts:
        text += f"; acts cited: {', '.join(acts[:3])}"
    return text


class _Acc:
    """What one EU entity accumulates over its elements or CSV rows."""

    def __init__(self, lid: str) -> None:
        self.lid = lid
        self.kind = "organization"
        self.names: list[str] = []
        self.countries: list[str | None] = []
        self.dobs: list[str | None] = []
        self.programmes: list[str] = []
        self.acts: list[str] = []
        self.designated: dt.date | None = None
        self.act_dates: list[dt.date] = []
        self.eu_ref: str | None = None
        self.un_ref: str | None = None
        self.remark: str | None = None
        self.ids: dict[str, str] = {}

    def add_id(self, kind: str, number: str) -> None:
        """A passport, national id or registration number ('National passport': 'MP1234567')."""
        kind, number = kind.strip() or "identification", number.strip()
        if number:
            self.ids[kind] = f"{self.ids[kind]}; {number}" if kind in self.ids and number not in self.ids[kind] \
                else number

    def entity(self, fname: str) -> Entity | None:
        names = dedupe(self.names)
        if not names:
            return None
        # No designation date (FSF 1.0): the earliest act naming the entity, which errs on the
        # side of the listing being in force.
        listed = self.designated or (min(self.act_dates) if self.act_dates else None)
        src = f"EU FSF {self.eu_ref or self.lid} ({fname})"
        programmes = dedupe(self.programmes) or [""]
        listings = [Listing(regime="EU", program=p or None, legal_basis=_basis(p or None, dedupe(self.acts)),
                            listed_on=listed, source=src) for p in programmes]
        ids = {**self.ids, **{k: v for k, v in (("eu_reference", self.eu_ref), ("un_reference", self.un_ref)) if v}}
        return Entity(id=f"eu:{self.lid}", list_name="eu-fsf", kind=self.kind, name=names[0], aliases=names[1:],
                      countries=dedupe(self.countries), birth_dates=dedupe(self.dobs) if self.kind == "person" else [],
                      listings=listings, identifiers=ids, remarks=self.remark,
                      raw={"logicalId": self.lid, "euReferenceNumber": self.eu_ref})


def read_xml(path: Path) -> LoadedList:
    entities: list[Entity] = []
    generated: str | None = None
    root: str | None = None
    last: str | None = None
    try:
        for tag, el in iter_xml(path, lambda t: t in ("export", "WHOLE"), "<export>: not an EU FSF XML file"):
            if tag == ROOT:
                root = local(el.tag)
                generated = el.get("generationDate") or el.get("Date")
            elif tag == "ENTITY" and root == "WHOLE":  # the FSF 1.0 XML (global.xml)
                if (e := _xml10_entity(el, path.name)) is not None:
                    entities.append(e)
                last = f"ENTITY Id={el.get('Id')}"
                el.clear()
            elif tag == "sanctionEntity":
                if (e := _xml_entity(el, path.name)) is not None:
                    entities.append(e)
                last = f"sanctionEntity logicalId={el.get('logicalId')}"
                el.clear()
    except ET.ParseError as e:
        raise xml_error(path, "EU FSF XML", e, last) from None
    date = parse_date(generated)
    info = ListInfo(name="eu-fsf", format="eu-fsf-xml", version=generated, date=date, entries=len(entities),
                    sha256=sha256_of([path]), path=str(path), date_source="file" if date else None,
                    files=[str(path)])
    return LoadedList(info=info, entities=entities)


def _xml_entity(el: ET.Element, fname: str) -> Entity | None:
    acc = _Acc(el.get("logicalId", ""))
    acc.designated = parse_date(el.get("designationDate"))
    acc.eu_ref = el.get("euReferenceNumber") or None
    acc.un_ref = el.get("unitedNationId") or None
    for c in el.iter():
        tag = local(c.tag)
        if tag == "subjectType":
            acc.kind = _KIND.get((c.get("code") or c.get("classificationCode") or "").lower(), "organization")
        elif tag == "nameAlias":
            whole = c.get("wholeName") or " ".join(x for x in (c.get("firstName"), c.get("middleName"),
                                                                c.get("lastName")) if x)
            acc.names.append(whole)
        elif tag in ("citizenship", "address", "birthdate"):
            code = (c.get("countryIso2Code") or "").upper()
            acc.countries.append(code if re.fullmatch(r"[A-Z]{2}", code) and code != "00"
                                 else country_code(c.get("countryDescription")))
            if tag == "birthdate":
                acc.dobs.append(partial_date(c.get("birthdate")) or partial_date(c.get("year")))
        elif tag in ("regulation", "regulationSummary"):
            if tag == "regulation" and c.get("programme"):
                acc.programmes.append(c.get("programme", ""))
            if c.get("numberTitle"):
                acc.acts.append(c.get("numberTitle", ""))
            if (d := parse_date(c.get("publicationDate"))) is not None:
                acc.act_dates.append(d)
        elif tag == "identification":
            acc.add_id(c.get("identificationTypeDescription") or c.get("identificationTypeCode") or "",
                       c.get("number") or "")
        elif tag == "remark" and c.text and acc.remark is None and local(el.tag) == "sanctionEntity":
            acc.remark = c.text.strip()
    return acc.entity(fname)


def _xml10_entity(el: ET.Element, fname: str) -> Entity | None:
    """<ENTITY Id Type="P|E" legal_basis reg_date programme> with NAME/ADDRESS/BIRTH/CITIZEN children."""
    acc = _Acc(el.get("Id", ""))
    acc.kind = _KIND.get((el.get("Type") or "").lower(), "organization")
    if el.get("programme"):
        acc.programmes.append(el.get("programme", ""))
    if el.get("legal_basis"):
        acc.acts.append(el.get("legal_basis", ""))
    if (d := parse_date(el.get("reg_date"))) is not None:
        acc.act_dates.append(d)
    acc.remark = el.get("remark") or None
    for c in el:
        tag = local(c.tag)

        def text(name: str, node: ET.Element = c) -> str:
            return next(((x.text or "").strip() for x in node if local(x.tag) == name), "")

        if tag == "NAME":
            acc.names.append(text("WHOLENAME") or " ".join(x for x in (text("FIRSTNAME"), text("MIDDLENAME"),
                                                                        text("LASTNAME")) if x))
        elif tag in ("ADDRESS", "CITIZEN", "BIRTH"):
            acc.countries.append(country_code(text("COUNTRY")))
            if tag == "BIRTH":
                acc.dobs.append(partial_date(text("DATE")))
    return acc.entity(fname)


# CSV -----------------------------------------------------------------------------------------
def _norm(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", header.lower())


# Normalised column names: FSF 1.1 first, then 1.0.
_COLS = {
    "lid": ("entitylogicalid",),
    "kind": ("entitysubjecttypeclassificationcode", "entitysubjecttype"),
    "designated": ("entitydesignationdate",),
    "programme": ("entityregulationprogramme", "entityprogramme"),
    "act": ("entityregulationnumbertitle",),
    "act_date": ("entityregulationpublicationdate",),
    "eu_ref": ("entityeureferencenumber", "entityeurefnum"),
    "un_ref": ("entityunitednationid", "entityunrefnum"),
    "whole": ("namealiaswholename", "naalwholename"),
    "first": ("namealiasfirstname", "naalfirstname"),
    "middle": ("namealiasmiddlename", "naalmiddlename"),
    "last": ("namealiaslastname", "naallastname"),
    "cit": ("citizenshipcountryiso2code", "citicountry"),
    "cit_desc": ("citizenshipcountrydescription",),
    "addr": ("addresscountryiso2code", "addrcountry"),
    "addr_desc": ("addresscountrydescription",),
    "birth_country": ("birthdatecountryiso2code", "birtcountry"),
    "dob": ("birthdatebirthdate", "birtdate"),
    "dob_year": ("birthdateyear",),
    "file_date": ("filegenerationdate", "datefile"),
    "id_number": ("identificationnumber", "passnumber"),
    "id_type": ("identificationtypedescription", "identificationtypecode", "passtype"),
}


def read_csv(path: Path) -> LoadedList:
    if looks_binary(sniff(path)):
        raise ListLoadError(f"{path}: binary data, not an EU FSF CSV file")
    with open_text(path) as f:
        head = f.readline()
        delimiter = ";" if head.count(";") >= head.count(",") else ","
        header = next(csv.reader([head.lstrip("\ufeff")], delimiter=delimiter), [])
        norm = [_norm(h) for h in header]
        idx = {key: next((norm.index(n) for n in names if n in norm), None) for key, names in _COLS.items()}
        if idx["lid"] is None:
            raise ListLoadError(f"{path}: line 1: no Entity_LogicalId / Entity_logical_id column: "
                                "not an EU FSF CSV file")

        def getter(r: list[str]) -> Callable[[str], str]:
            def get(key: str) -> str:
                i = idx[key]
                return r[i].strip() if i is not None and i < len(r) else ""
            return get

        accs: dict[str, _Acc] = {}
        file_date: str | None = None
        for n, row in enumerate(csv.reader(f, delimiter=delimiter), start=2):
            if not row or not any(c.strip() for c in row):
                continue
            get = getter(row)
            lid = get("lid")
            if not lid:
                raise ListLoadError(f"{path}: line {n}: empty Entity_LogicalId")
            acc = accs.get(lid)
            if acc is None:
                acc = accs[lid] = _Acc(lid)
                acc.kind = _KIND.get(get("kind").lower(), "organization")
                acc.designated = parse_date(get("designated"))
                acc.eu_ref = get("eu_ref") or None
                acc.un_ref = get("un_ref") or None
            file_date = file_date or get("file_date") or None
            acc.names.append(get("whole") or " ".join(x for x in (get("first"), get("middle"), get("last")) if x))
            for code_key, desc_key in (("cit", "cit_desc"), ("addr", "addr_desc"), ("birth_country", "")):
                code = get(code_key)
                acc.countries.append(country_code(code) if code and code != "00" else
                                     country_code(get(desc_key)) if desc_key else None)
            acc.dobs.append(partial_date(get("dob")) or partial_date(get("dob_year")))
            acc.add_id(get("id_type") or ("passport" if idx["id_number"] is not None and
                                          norm[idx["id_number"]] == "passnumber" else ""), get("id_number"))
            if get("programme"):
                acc.programmes.append(get("programme"))
            if get("act"):
                acc.acts.append(get("act"))
            if (d := parse_date(get("act_date"))) is not None:
                acc.act_dates.append(d)
    entities = [e for e in (a.entity(path.name) for a in accs.values()) if e is not None]
    date = parse_date(file_date)
    info = ListInfo(name="eu-fsf", format="eu-fsf-csv", version=file_date, date=date, entries=len(entities),
                    sha256=sha256_of([path]), path=str(path), date_source="file" if date else None,
                    files=[str(path)])
    if len(entities) < len(accs):
        info.warnings.append(f"{len(accs) - len(entities)} entities without any name were skipped")
    return LoadedList(info=info, entities=entities)
