"""OFAC legacy formats: the SDN / consolidated non-SDN CSV files and sdn.xml.

CSV: headerless; ``-0- `` is blank; a trailing 0x1A byte; programs ``PROG1] [PROG2``;
aliases in alt.csv, addresses in add.csv, remarks overflow in sdn_comments.csv, all beside
the main file and optional.
"""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path
from typing import Any

from compliance.exc import ListLoadError
from compliance.lists.formats._common import country_code, parse_date, sha256_of, version_from_dirname
from compliance.lists.model import Entity, ListInfo, Listing, LoadedList

_NULL = "-0-"
_KIND = {"individual": "person", "vessel": "vessel", "aircraft": "aircraft", "": "organization",
         "entity": "organization"}
_AKA = re.compile(r"a\.k\.a\.,?\s*'([^']+)'", re.I)
_NATIONALITY = re.compile(r"(?:nationality|citizen(?:ship)?)\s+([A-Z][A-Za-z .'-]+?)(?:;|\.|,|$)")
_PAREN = re.compile(r"\(([A-Z][A-Za-z .'-]{2,40})\)")
_SIDE_FILES = {"sdn.csv": ("alt.csv", "add.csv", "sdn_comments.csv"),
               "cons_prim.csv": ("cons_alt.csv", "cons_add.csv", "cons_comments.csv")}


def _rows(path: Path, width: int) -> list[list[str]]:
    raw = path.read_bytes()
    if b"\x00" in raw[:4096]:
        raise ListLoadError(f"{path}: binary data, not an OFAC CSV file")
    text = raw.decode("utf-8", errors="replace").rstrip("\x1a\r\n ")
    out = []
    for n, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        if not row or (len(row) == 1 and not row[0].strip("\x1a ")):
            continue
        if len(row) < width:
            raise ListLoadError(f"{path}: line {n}: {len(row)} fields, expected {width} (truncated or not OFAC CSV)")
        out.append([("" if c.strip() == _NULL else c.strip()) for c in row])
    return out


def _person_alias(name: str) -> str | None:
    if "," not in name:
        return None
    last, _, first = name.partition(",")
    return f"{first.strip()} {last.strip()}".strip() or None


def read_csv(path: Path) -> LoadedList:
    consolidated = path.name.lower().startswith("cons")
    alt_name, add_name, com_name = _SIDE_FILES.get(path.name.lower(), _SIDE_FILES["sdn.csv"])
    files = [path]
    aliases: dict[str, list[str]] = defaultdict(list)
    countries: dict[str, list[str]] = defaultdict(list)
    comments: dict[str, str] = {}
    alt, add, com = path.with_name(alt_name), path.with_name(add_name), path.with_name(com_name)
    if alt.exists():
        files.append(alt)
        for r in _rows(alt, 4):
            if r[3]:
                aliases[r[0]].append(r[3])
    if add.exists():
        files.append(add)
        for r in _rows(add, 5):
            code = country_code(r[4])
            if code and code not in countries[r[0]]:
                countries[r[0]].append(code)
    if com.exists():
        files.append(com)
        for r in _rows(com, 2):
            comments[r[0]] = r[1]
    entities = []
    list_name = "ofac-cons" if consolidated else "ofac-sdn"
    for r in _rows(path, 12):
        ent_num, name, sdn_type, program = r[0], r[1], r[2].lower(), r[3]
        if not ent_num or not name:
            continue
        remarks = " ".join(x for x in (r[11], comments.get(ent_num, "")) if x)
        kind = _KIND.get(sdn_type, "organization")
        names = list(aliases.get(ent_num, []))
        if kind == "person":
            for n in [name, *names]:
                if (alt_n := _person_alias(n)) and alt_n not in names:
                    names.append(alt_n)
        names.extend(a for a in _AKA.findall(remarks) if a not in names)
        cc = list(countries.get(ent_num, []))
        for nat in [*_NATIONALITY.findall(remarks), *_PAREN.findall(remarks)]:
            if (code := country_code(nat)) and code not in cc:
                cc.append(code)
        programs = [p.strip(" []") for p in program.split("] [")] if program else []
        listings = [Listing(regime="US", program=p, measure="sectoral" if consolidated else "asset_freeze",
                            legal_basis=f"OFAC {'Consolidated (non-SDN)' if consolidated else 'SDN'} list, program {p}",
                            source=f"{path.name} #{ent_num}") for p in programs if p]
        entities.append(Entity(id=f"ofac:{ent_num}", list_name=list_name, kind=kind, name=name,
                               aliases=[n for n in names if n != name], countries=cc, listings=listings,
                               remarks=remarks or None,
                               raw={"ent_num": ent_num, "type": r[2], "program": program, "title": r[4]}))
    version, date = version_from_dirname(path)
    info = ListInfo(name=list_name, format="ofac-csv", version=version, date=date, entries=len(entities),
                    sha256=sha256_of(files), path=str(path))
    return LoadedList(info=info, entities=entities)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child_text(el: ET.Element, name: str) -> str:
    for c in el:
        if _local(c.tag) == name:
            return (c.text or "").strip()
    return ""


def read_xml(path: Path) -> LoadedList:
    entities: list[Entity] = []
    publish: str | None = None
    try:
        for _, el in ET.iterparse(path, events=("end",)):
            tag = _local(el.tag)
            if tag == "Publish_Date":
                publish = (el.text or "").strip()
            elif tag == "sdnEntry":
                entities.append(_xml_entity(el))
                el.clear()
    except ET.ParseError as e:
        raise ListLoadError(f"{path}: not valid OFAC XML: {e}") from None
    date = parse_date(publish)
    info = ListInfo(name="ofac-sdn", format="ofac-xml", version=publish, date=date, entries=len(entities),
                    sha256=sha256_of([path]), path=str(path))
    return LoadedList(info=info, entities=entities)


def _xml_entity(el: ET.Element) -> Entity:
    uid = _child_text(el, "uid")
    first, last = _child_text(el, "firstName"), _child_text(el, "lastName")
    kind = _KIND.get(_child_text(el, "sdnType").lower(), "organization")
    name = f"{last}, {first}" if first and kind == "person" else (f"{first} {last}".strip())
    aliases: list[str] = []
    programs: list[str] = []
    countries: list[str] = []
    raw: dict[str, Any] = {"uid": uid}
    for c in el.iter():
        t = _local(c.tag)
        if t == "program" and c.text:
            programs.append(c.text.strip())
        elif t == "aka":
            af, al = _child_text(c, "firstName"), _child_text(c, "lastName")
            alias = f"{af} {al}".strip()
            if alias:
                aliases.append(alias)
        elif t in ("country", "nationality", "citizenship") and c.text:
            if (code := country_code(c.text)) and code not in countries:
                countries.append(code)
    if kind == "person" and first:
        aliases.append(f"{first} {last}")
    listings = [Listing(regime="US", program=p, legal_basis=f"OFAC SDN list, program {p}", source=f"sdn.xml uid {uid}")
                for p in programs]
    return Entity(id=f"ofac:{uid}", list_name="ofac-sdn", kind=kind, name=name, aliases=aliases, countries=countries,
                  listings=listings, raw=raw)
