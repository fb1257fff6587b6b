"""OFAC legacy formats: the SDN / consolidated non-SDN CSV files, sdn.xml and SDN Advanced XML.

CSV: headerless, one record per physical line (CRLF); ``-0- `` is blank; a trailing 0x1A
byte; programs ``PROG1] [PROG2``; aliases in alt.csv, addresses in add.csv, remarks overflow
in sdn_comments.csv, all beside the main file and optional. Read line by line, so one
unbalanced quote can never swallow the records after it.
"""

from __future__ import annotations

import csv
import logging
import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from compliance.exc import ListLoadError
from compliance.lists.formats._common import (
    ROOT,
    child_text,
    country_code,
    dedupe,
    iter_xml,
    local,
    looks_binary,
    numbered_lines,
    open_text,
    parse_date,
    partial_date,
    sha256_of,
    sniff,
    version_from_dirname,
    xml_error,
    xml_source,
)
from compliance.lists.model import Entity, ListInfo, Listing, LoadedList

log = logging.getLogger(__name__)

_NULL = "-0-"
_KIND = {"individual": "person", "vessel": "vessel", "aircraft": "aircraft", "": "organization",
         "entity": "organization"}
# a.k.a. / f.k.a. / n.k.a. 'NAME' in the remarks (the CSV has no other place for some aliases).
_AKA = re.compile(r"\b[afn]\.k\.a\.,?\s*'([^']+)'", re.I)
_NATIONALITY = re.compile(r"(?:^|;\s*)(?:alt\.\s*)?(?:nationality|citizen(?:ship)?)\s+([^;]+?)\s*(?=;|\.?$)", re.I)
_DOB = re.compile(r"(?:^|;\s*)(?:alt\.\s*)?DOB\s+([^;]+?)\s*(?=;|\.?$)")
_POB = re.compile(r"(?:^|;\s*)(?:alt\.\s*)?POB\s+([^;]+?)\s*(?=;|\.?$)")
_PAREN = re.compile(r"\(([A-Z][A-Za-z .'-]{2,40})\)")
_IDS = re.compile(r"(?:^|;\s*)(Passport|National ID No\.|Tax ID No\.|Registration Number|Registration ID|"
                  r"Business Registration Number|Company Number|Identification Number|SWIFT/BIC|"
                  r"Vessel Registration Identification IMO|Aircraft Manufacturer's Serial Number \(MSN\)|"
                  r"Aircraft Tail Number)\s+([^;(]+?)\s*(?=;|\(|\.?$)")
_SIDE_FILES = {"sdn.csv": ("alt.csv", "add.csv", "sdn_comments.csv"),
               "cons_prim.csv": ("cons_alt.csv", "cons_add.csv", "cons_comments.csv")}
# The two Belarus program tags and their legal basis (reference: us.eo13405, us.eo14038, us.cfr548).
_PROGRAM_BASIS = {"BELARUS": "Executive Order 13405 (Belarus Sanctions Regulations, 31 CFR Part 548)",
                  "BELARUS-EO14038": "Executive Order 14038 (Belarus Sanctions Regulations, 31 CFR Part 548)"}
# A tolerant field splitter for a line the csv module cannot split into the right number of
# fields (a quote inside a quoted field): a quoted field ends at a quote followed by a comma
# and something that starts an OFAC field (a quote, -0-, a number) or by the end of the line.
_FIELD = re.compile(r'\s*(?:"(?P<q>.*?)"(?=\s*(?:,\s*(?:"|-0-|-?\d)|$))|(?P<u>[^,]*))\s*(?:,|$)')
# A quote inside a field that is not doubled: the csv module would silently mangle the field.
_STRAY_QUOTE = re.compile(r'[^,"]"[^,"]')
# First cells of a header row that copies saved from a spreadsheet add (OFAC's files have none).
HEADER_FIRST_CELLS = frozenset(("ent_num", "entnum", "ent_no"))
_WIDTH = {12: "sdn.csv / cons_prim.csv (names)", 6: "add.csv (addresses)", 5: "alt.csv (aliases)",
          2: "sdn_comments.csv (remarks)"}


def _clean(cell: str) -> str:
    c = cell.strip().rstrip("\x1a").strip()
    return "" if c == _NULL else c


def _split_tolerant(line: str) -> list[str]:
    out: list[str] = []
    pos = 0
    while True:
        m = _FIELD.match(line, pos)
        if m is None:  # pragma: no cover - the unquoted alternative always matches
            break
        out.append(m["q"] if m["q"] is not None else m["u"])
        if m.end() >= len(line):
            if m.group(0).endswith(","):
                out.append("")
            break
        pos = m.end()
    return out


def _rows(path: Path, width: int, warnings: list[str]) -> Iterator[tuple[int, list[str]]]:
    """(line number, cleaned fields) for every record of one OFAC CSV file, streamed."""
    if looks_binary(sniff(path)):
        raise ListLoadError(f"{path}: binary data, not an OFAC CSV file")
    with open_text(path) as f:
        last_line = 0
        for n, line in numbered_lines(f):
            last_line = n
            if not line.strip("\x1a \t\ufeff"):
                continue  # blank line or the DOS end-of-file byte on its own line
            row = next(csv.reader([line.lstrip("\ufeff")]), [])
            if n == 1 and row and row[0].strip().lower().replace(" ", "_") in HEADER_FIRST_CELLS:
                # OFAC's files have no header, but copies saved from a spreadsheet often do.
                warnings.append(f"{path.name} line 1: a header row ({', '.join(row[:3])}, ...) skipped")
                continue
            if len(row) != width or _STRAY_QUOTE.search(line):
                alt = _split_tolerant(line.lstrip("\ufeff"))
                if len(alt) == width:
                    row = alt
            if len(row) < width:
                guess = _WIDTH.get(len(row))
                hint = f" (looks like an OFAC {guess}; import the sdn.csv beside it)" if guess and n == 1 else \
                    " (truncated file, or not an OFAC CSV)"
                raise ListLoadError(f"{path}: line {n}: {len(row)} fields, expected {width}{hint}")
            if len(row) > width:
                # An unquoted comma in the last (remarks) field: keep the text, never drop the row.
                warnings.append(f"{path.name} line {n}: {len(row)} fields, expected {width}; "
                                f"extra fields joined into the last one")
                row = [*row[:width - 1], ",".join(row[width - 1:])]
            yield n, [_clean(c) for c in row]
        if last_line == 0:
            raise ListLoadError(f"{path}: empty file")


def _person_alias(name: str) -> str | None:
    if "," not in name:
        return None
    last, _, first = name.partition(",")
    return f"{first.strip()} {last.strip()}".strip() or None


def _side_file(path: Path, name: str) -> Path | None:
    """The side file beside ``path``, matched case-insensitively (SDN.CSV / ALT.CSV)."""
    exact = path.with_name(name)
    if exact.is_file():
        return exact
    try:
        return next((p for p in path.parent.iterdir() if p.name.lower() == name and p.is_file()), None)
    except OSError:
        return None


def _remarks_facts(remarks: str) -> tuple[list[str], list[str], list[str], dict[str, str]]:
    """(aliases, country codes, dates of birth, identifiers) stated in an OFAC remarks text."""
    if not remarks:
        return [], [], [], {}
    aliases = _AKA.findall(remarks)
    countries: list[str] = []
    for nat in _NATIONALITY.findall(remarks):
        countries.append(country_code(nat) or "")
    for pob in _POB.findall(remarks):
        countries.append(country_code(pob.rsplit(",", 1)[-1]) or "")
    for paren in _PAREN.findall(remarks):
        countries.append(country_code(paren) or "")
    dobs = [d for d in (partial_date(x) for x in _DOB.findall(remarks)) if d]
    ids: dict[str, str] = {}
    for key, value in _IDS.findall(remarks):
        key = "IMO" if key.endswith("IMO") else "MSN" if "MSN" in key else key.rstrip(".")
        ids[key] = f"{ids[key]}; {value}" if key in ids and value not in ids[key] else value
    return aliases, dedupe(countries), dedupe(dobs), ids


def _programs(text: str) -> list[str]:
    return dedupe(p.strip(" []") for p in re.split(r"\]\s*\[", text)) if text else []


def _listing(program: str, consolidated: bool, source: str) -> Listing:
    basis = _PROGRAM_BASIS.get(program)
    what = "Consolidated (non-SDN) list" if consolidated else "SDN list"
    return Listing(regime="US", program=program or None, measure="sectoral" if consolidated else "asset_freeze",
                   legal_basis=f"OFAC {what}" + (f", program {program}" if program else "") +
                   (f": {basis}" if basis else ""), source=source)


def _is_sdn_list(name: str) -> bool:
    """'SDN List' is; 'Non-SDN Menu-Based Sanctions List', 'SSI List', 'NS-PLC List' are not."""
    low = name.lower()
    return "sdn" in low and "non-sdn" not in low and "non sdn" not in low


def _has_eof_byte(path: Path) -> bool:
    """Does the file end with the DOS end-of-file byte (after it at most blanks)? A copy cut at a
    line break reads as a complete, shorter list: without the byte, that is worth a word."""
    with path.open("rb") as f:
        f.seek(max(0, path.stat().st_size - 64))
        return f.read().replace(b"\x00", b"").rstrip(b" \t\r\n").endswith(b"\x1a")  # NULs: a UTF-16 copy


def read_csv(path: Path) -> LoadedList:
    lower = path.name.lower()
    consolidated = lower.startswith("cons")
    alt_name, add_name, com_name = _SIDE_FILES["cons_prim.csv" if consolidated else "sdn.csv"]
    files = [path]
    warnings: list[str] = []
    aliases: dict[str, list[str]] = defaultdict(list)
    countries: dict[str, list[str]] = defaultdict(list)
    comments: dict[str, str] = {}
    if (alt := _side_file(path, alt_name)) is not None:
        files.append(alt)
        for _, r in _rows(alt, 5, warnings):
            if r[3]:
                aliases[r[0]].append(r[3])
    if (add := _side_file(path, add_name)) is not None:
        files.append(add)
        for _, r in _rows(add, 6, warnings):
            code = country_code(r[4])
            if code and code not in countries[r[0]]:
                countries[r[0]].append(code)
    if (com := _side_file(path, com_name)) is not None:
        files.append(com)
        for _, r in _rows(com, 2, warnings):
            comments[r[0]] = comments.get(r[0], "") + r[1]
    entities = []
    seen: set[str] = set()
    list_name = "ofac-cons" if consolidated else "ofac-sdn"
    for n, r in _rows(path, 12, warnings):
        ent_num, name, sdn_type, program = r[0], r[1], r[2].lower(), r[3]
        if not ent_num.isdigit() or not name:
            raise ListLoadError(f"{path}: line {n}: no ent_num / SDN_Name ({ent_num!r}, {name!r}): not an OFAC record")
        if ent_num in seen:
            warnings.append(f"{path.name} line {n}: ent_num {ent_num} repeated; merged with the earlier record")
        seen.add(ent_num)
        # Remarks overflow continues the Remarks text (may start mid-word).
        remarks = r[11] + comments[ent_num] if ent_num in comments else r[11]
        kind = _KIND.get(sdn_type, "organization")
        names = list(aliases.get(ent_num, []))
        if kind == "person":
            for nm in [name, *names]:
                if (alt_n := _person_alias(nm)) and alt_n not in names:
                    names.append(alt_n)
        r_aliases, r_countries, dobs, ids = _remarks_facts(remarks)
        names.extend(a for a in r_aliases if a not in names)
        cc = list(countries.get(ent_num, []))
        flag = country_code(r[9]) if kind == "vessel" else None
        cc.extend(c for c in [*r_countries, flag] if c and c not in cc)
        if r[5]:
            ids["call_sign"] = r[5]
        # Being on the list is the listing: a record with no program still gets one.
        listings = [_listing(p, consolidated, f"{path.name} #{ent_num}") for p in _programs(program) or [""]]
        entities.append(Entity(id=f"ofac:{ent_num}", list_name=list_name, kind=kind, name=name,
                               aliases=[x for x in dedupe(names) if x != name], countries=cc, listings=listings,
                               identifiers=ids, birth_dates=dobs if kind == "person" else [],
                               remarks=remarks or None,
                               raw={"ent_num": ent_num, "type": r[2], "program": program, "title": r[4],
                                    "vessel_type": r[6], "vessel_flag": r[9], "vessel_owner": r[10]}))
    for f in files:  # the side files too: an alt.csv cut at a line break silently drops aliases
        if not _has_eof_byte(f):
            what = f"{len(entities)} records read" if f == path else "its rows are joined to the records"
            warnings.append(f"{f.name}: no end-of-file byte (0x1A), which OFAC's own files end with: if this copy "
                            f"was downloaded or cut, check that it is complete ({what})")
    version, date = version_from_dirname(path)
    info = ListInfo(name=list_name, format="ofac-csv", version=version, date=date, entries=len(entities),
                    sha256=sha256_of(files), path=str(path), date_source="folder name" if version else None,
                    files=[str(f) for f in files], warnings=warnings)
    return LoadedList(info=info, entities=entities)


# sdn.xml (the legacy XML, any namespace: tempuri.org in old releases, treas.gov in newer) ---------
def read_xml(path: Path) -> LoadedList:
    # consolidated.xml (the non-SDN lists) has the same schema and no list marker in its entries:
    # only its name tells it from sdn.xml. Read as SDN it would block sectoral-only parties and
    # replace the stored SDN list.
    consolidated = path.name.lower().startswith("cons")
    list_name = "ofac-cons" if consolidated else "ofac-sdn"
    entities: list[Entity] = []
    publish: str | None = None
    count = ""
    root: str | None = None
    last = None
    try:
        for tag, el in iter_xml(path, lambda t: t in ("sdnList", "Sanctions"), "<sdnList>: not OFAC sdn.xml"):
            if tag == ROOT:
                root = local(el.tag)
                if root == "Sanctions":
                    break  # SDN Advanced: a different schema
            elif tag == "Publish_Date":
                publish = (el.text or "").strip()
            elif tag == "Record_Count":
                count = (el.text or "").strip()
            elif tag == "sdnEntry":
                entities.append(_xml_entity(el, path.name, consolidated))
                last = entities[-1].id
                el.clear()
    except ET.ParseError as e:
        raise xml_error(path, "OFAC XML", e, last) from None
    if root == "Sanctions":
        return read_advanced_xml(path)
    date = parse_date(publish, month_first=True)
    # The file states its own size: fewer entries is an excerpt or a file edited by hand.
    warnings = [f"the file's Record_Count says {count} entries, it holds {len(entities)}: an excerpt or an edited "
                "copy, not the whole published list?"] if count.isdigit() and int(count) != len(entities) else []
    info = ListInfo(name=list_name, format="ofac-xml", version=publish, date=date, entries=len(entities),
                    sha256=sha256_of([path]), path=str(path), date_source="file" if date else None,
                    files=[str(path)], warnings=warnings)
    return LoadedList(info=info, entities=entities)


def _xml_entity(el: ET.Element, fname: str, consolidated: bool) -> Entity:
    uid = child_text(el, "uid")
    first, last = child_text(el, "firstName"), child_text(el, "lastName")
    kind = _KIND.get(child_text(el, "sdnType").lower(), "organization")
    name = f"{last}, {first}" if first and kind == "person" else (f"{first} {last}".strip())
    aliases: list[str] = []
    programs: list[str] = []
    countries: list[str] = []
    dobs: list[str] = []
    ids: dict[str, str] = {}
    for c in el.iter():
        t = local(c.tag)
        if t == "program" and c.text:
            programs.append(c.text.strip())
        elif t == "aka":
            af, al = child_text(c, "firstName"), child_text(c, "lastName")
            aliases.append(f"{af} {al}".strip())
            if af and kind == "person":
                aliases.append(f"{al}, {af}")
        elif t in ("country", "vesselFlag") and c.text:
            if (code := country_code(c.text)) and code not in countries:
                countries.append(code)
        elif t == "placeOfBirth" and c.text:
            if (code := country_code(c.text.rsplit(",", 1)[-1])) and code not in countries:
                countries.append(code)
        elif t == "dateOfBirth" and c.text:
            dobs.append(partial_date(c.text) or "")
        elif t == "id":
            key, value = child_text(c, "idType"), child_text(c, "idNumber")
            if key and value:
                ids[key] = f"{ids[key]}; {value}" if key in ids else value
    if kind == "person" and first:
        aliases.append(f"{first} {last}")
    listings = [_listing(p, consolidated, f"{fname} uid {uid}") for p in dedupe(programs) or [""]]
    return Entity(id=f"ofac:{uid}", list_name="ofac-cons" if consolidated else "ofac-sdn", kind=kind, name=name,
                  aliases=[a for a in dedupe(aliases) if a != name], countries=countries, listings=listings,
                  identifiers=ids, birth_dates=dedupe(dobs), remarks=child_text(el, "remarks") or None,
                  raw={"uid": uid, "sdnType": child_text(el, "sdnType")})


# SDN Advanced XML (sdn_advanced.xml / cons_advanced.xml): reference values, then parties ----------
def _find(el: ET.Element, *path: str) -> ET.Element | None:
    cur: ET.Element | None = el
    for name in path:
        if cur is None:
            return None
        cur = next((c for c in cur if local(c.tag) == name), None)
    return cur


def _ymd(el: ET.Element | None) -> str | None:
    if el is None:
        return None
    y, m, d = (child_text(el, k) for k in ("Year", "Month", "Day"))
    if not y:
        return None
    return "-".join([y, *([f"{int(m):02d}"] if m.isdigit() else []),
                     *([f"{int(d):02d}"] if m.isdigit() and d.isdigit() else [])])


def _period(period: ET.Element | None) -> str | None:
    """A DatePeriod as precise as it is: OFAC writes a birth year as 1 Jan to 31 Dec of it and a
    month as its first to last day, so From alone would invent a day ('1954' -> '1954-01-01')."""
    if period is None:
        return None
    start = _ymd(_find(period, "Start", "From"))
    end = _ymd(_find(period, "End", "To")) or _ymd(_find(period, "Start", "To")) or start
    if start is None:
        return None
    if end is None or end == start or len(start) < 10:
        return start
    if start[:4] == end[:4] and start[5:] == "01-01" and end[5:] == "12-31":
        return start[:4]
    if start[:7] == end[:7] and start[8:] == "01":
        return start[:7]
    return start[:4]  # a range of dates or years: its first year, as the CSV's '1954 to 1956'


class _AdvancedRefs:
    def __init__(self) -> None:
        self.values: dict[str, dict[str, str]] = defaultdict(dict)
        self.party_type_of_subtype: dict[str, str] = {}
        self.country: dict[str, str] = {}
        self.location: dict[str, list[str]] = {}


def _advanced_party(el: ET.Element, refs: _AdvancedRefs) -> tuple[str, dict[str, Any]]:
    profile = _find(el, "Profile")
    if profile is None:
        raise ListLoadError(f"DistinctParty {el.get('FixedRef')}: no Profile")
    sub = profile.get("PartySubTypeID", "")
    sub_name = refs.values["PartySubType"].get(sub, "")
    party_type = refs.values["PartyType"].get(refs.party_type_of_subtype.get(sub, ""), "")
    kind = _KIND.get(sub_name.lower()) if sub_name.lower() in ("vessel", "aircraft") else \
        _KIND.get(party_type.lower(), "organization")
    names: list[str] = []
    primary = ""
    # NamePartGroupID -> its part type ("Last Name", "First Name", ...), declared in the Identity.
    group_type = {g.get("ID", ""): refs.values["NamePartType"].get(g.get("NamePartTypeID", ""), "")
                  for g in profile.iter() if local(g.tag) == "NamePartGroup"}
    for alias in profile.iter():
        if local(alias.tag) != "Alias":
            continue
        for doc in alias.iter():
            if local(doc.tag) != "DocumentedName":
                continue
            parts = [(group_type.get(p.get("NamePartGroupID", ""), "").lower(), (p.text or "").strip())
                     for p in doc.iter() if local(p.tag) == "NamePartValue" and (p.text or "").strip()]
            text = " ".join(v for _, v in parts)
            lasts = [v for t, v in parts if t == "last name"]
            rest = [v for t, v in parts if t != "last name"]
            forms = [text]
            if kind == "person" and lasts and rest:
                # As the SDN CSV writes a person ("LUKASHENKA, Aliaksandr Ryhoravich"), whatever the part
                # order in the file, and the given names first as an alias.
                text = f"{' '.join(lasts)}, {' '.join(rest)}"
                forms = [text, f"{' '.join(rest)} {' '.join(lasts)}"]
            if text:
                names.extend(forms)
                if alias.get("Primary") == "true" and not primary:
                    primary = text
    countries: list[str] = []
    dobs: list[str] = []
    for feat in profile.iter():
        if local(feat.tag) != "Feature":
            continue
        ftype = refs.values["FeatureType"].get(feat.get("FeatureTypeID", ""), "")
        if ftype.lower().startswith("birthdate"):
            if (d := _period(_find(feat, "FeatureVersion", "DatePeriod"))) is not None:
                dobs.append(d)
        for loc in feat.iter():
            if local(loc.tag) == "VersionLocation":
                countries.extend(refs.location.get(loc.get("LocationID", ""), []))
    fixed = el.get("FixedRef") or profile.get("ID") or ""
    identities = [i.get("ID", "") for i in profile if local(i.tag) == "Identity"]
    return profile.get("ID") or fixed, {"fixed": fixed, "kind": kind, "name": primary or (names[0] if names else ""),
                                      "aliases": names, "countries": dedupe(countries), "dobs": dedupe(dobs),
                                      "identities": identities, "remarks": child_text(el, "Comment")}


def read_advanced_xml(path: Path) -> LoadedList:
    refs = _AdvancedRefs()
    parties: dict[str, dict[str, Any]] = {}
    listings: dict[str, list[Listing]] = defaultdict(list)
    issued: str | None = None
    last: str | None = None
    lists_seen: set[str] = set()
    documents: dict[str, list[tuple[str, str]]] = defaultdict(list)
    ref_tags = {"AliasType", "IDRegDocType", "NamePartType", "PartySubType", "PartyType", "SanctionsProgram", "List", "FeatureType", "SanctionsType",
                "EntryEventType"}
    try:
        for _, el in ET.iterparse(xml_source(path), events=("end",)):
            tag = local(el.tag)
            if tag in ref_tags and el.get("ID") and len(el) == 0:
                refs.values[tag][el.get("ID", "")] = (el.text or "").strip()
                if tag == "PartySubType":
                    refs.party_type_of_subtype[el.get("ID", "")] = el.get("PartyTypeID", "")
            elif tag == "Country" and el.get("ID") and len(el) == 0:
                code = el.get("ISO2") or country_code(el.text)
                if code:
                    refs.country[el.get("ID", "")] = code.upper()
            elif tag == "Location" and el.get("ID"):
                refs.location[el.get("ID", "")] = [refs.country[c.get("CountryID", "")] for c in el.iter()
                                                   if local(c.tag) == "LocationCountry"
                                                   and c.get("CountryID", "") in refs.country]
                el.clear()
            elif tag == "DateOfIssue":
                issued = issued or _ymd(el)  # the file's own, which comes first
            elif tag == "IDRegDocument":
                # Passports, registration numbers...: listed apart from the parties, by identity.
                number = child_text(el, "IDRegistrationNo")
                if number:
                    kind = refs.values["IDRegDocType"].get(el.get("IDRegDocTypeID", ""), "") or "document"
                    documents[el.get("IdentityID", "")].append((kind, number))
                el.clear()
            elif tag == "DistinctParty":
                pid, party = _advanced_party(el, refs)
                parties[pid] = party
                last = f"DistinctParty {party['fixed']}"
                el.clear()
            elif tag == "SanctionsEntry":
                list_name = refs.values["List"].get(el.get("ListID", ""), "")
                lists_seen.add(list_name)
                created = next((parse_date(_ymd(_find(ev, "Date"))) for ev in el if local(ev.tag) == "EntryEvent"),
                               None)
                programs = refs.values["SanctionsProgram"].values()
                for measure in el:
                    if local(measure.tag) != "SanctionsMeasure":
                        continue
                    comment = child_text(measure, "Comment")
                    if comment and (comment in programs or not programs):
                        lst = _listing(comment, bool(list_name) and not _is_sdn_list(list_name),
                                       f"{path.name} entry {el.get('ID')}")
                        lst.listed_on = created
                        listings[el.get("ProfileID", "")].append(lst)
                el.clear()
    except ET.ParseError as e:
        raise xml_error(path, "OFAC SDN Advanced XML", e, last) from None
    except ListLoadError as e:
        raise ListLoadError(f"{path}: {e}") from None
    consolidated = bool(lists_seen) and not any(_is_sdn_list(x) for x in lists_seen)
    list_name = "ofac-cons" if consolidated else "ofac-sdn"
    entities = []
    for pid, p in parties.items():
        if not p["name"]:
            continue
        ids: dict[str, str] = {}
        for key, value in (d for i in p["identities"] for d in documents.get(i, [])):
            ids[key] = f"{ids[key]}; {value}" if key in ids and value not in ids[key] else value
        entities.append(Entity(id=f"ofac:{p['fixed']}", list_name=list_name, kind=p["kind"], name=p["name"],
                               identifiers=ids, remarks=p["remarks"] or None,
                               aliases=[a for a in dedupe(p["aliases"]) if a != p["name"]], countries=p["countries"],
                               birth_dates=p["dobs"] if p["kind"] == "person" else [],
                               listings=listings.get(pid, []), raw={"fixed_ref": p["fixed"], "profile_id": pid}))
    date = parse_date(issued)
    info = ListInfo(name=list_name, format="ofac-advanced-xml", version=issued, date=date, entries=len(entities),
                    sha256=sha256_of([path]), path=str(path), date_source="file" if date else None,
                    files=[str(path)])
    return LoadedList(info=info, entities=entities)


# SDN_ENHANCED.XML / CONS_ENHANCED.XML (the Sanctions List Service's "enhanced" XML): one
# <entity> per record with its names (every script as a translation), programs, addresses and
# features. Paths are followed from the entity down, never searched for anywhere: a
# relationship names *another* entity and an identity document has a <name> of its own.
def _kids(el: ET.Element | None, tag: str) -> list[ET.Element]:
    return [c for c in el if local(c.tag) == tag] if el is not None else []


def _path(el: ET.Element | None, *tags: str) -> list[ET.Element]:
    nodes = [el] if el is not None else []
    for t in tags:
        nodes = [c for n in nodes for c in _kids(n, t)]
    return nodes


def _enhanced_entity(el: ET.Element, fname: str) -> tuple[Entity, bool]:
    """(the entity, whether it is on the SDN List rather than a non-SDN list)."""
    eid = el.get("id") or ""
    general = _find(el, "generalInfo")
    kind = _KIND.get(child_text(general, "entityType").lower(), "organization") if general is not None \
        else "organization"
    primary: str | None = None
    names: list[str] = []
    for nm in _path(el, "names", "name"):
        is_primary = child_text(nm, "isPrimary").lower() == "true"
        for tr in _path(nm, "translations", "translation"):
            first, last = child_text(tr, "formattedFirstName"), child_text(tr, "formattedLastName")
            full = child_text(tr, "formattedFullName") or " ".join(
                child_text(p, "value") for p in _path(tr, "nameParts", "namePart") if child_text(p, "value"))
            forms = [f"{last}, {first}"] if kind == "person" and first and last else []
            forms += [full, f"{first} {last}".strip()]
            if is_primary and child_text(tr, "isPrimary").lower() == "true" and primary is None:
                primary = next((f for f in forms if f), None)
            names.extend(forms)
    names = dedupe(names)
    name = primary or (names[0] if names else "")
    lists = [(lst.text or "").strip() for lst in _path(el, "sanctionsLists", "sanctionsList")]
    on_sdn = not lists or any(_is_sdn_list(x) for x in lists)
    published = [d for d in (parse_date(lst.get("datePublished")) for lst in _path(el, "sanctionsLists",
                                                                                   "sanctionsList")) if d]
    programs = dedupe((p.text or "").strip() for p in _path(el, "sanctionsPrograms", "sanctionsProgram"))
    countries = [country_code(child_text(a, "country")) for a in _path(el, "addresses", "address")]
    dobs: list[str | None] = []
    for feat in _path(el, "features", "feature"):
        ftype, value = child_text(feat, "type").lower(), child_text(feat, "value")
        if ftype.startswith("birthdate"):
            # The text first ('30 Aug 1954', 'Aug 1954', '1954', '1954 to 1956'): the structured date
            # of a birth year runs from its 1 January, which is no birth date.
            exact = _find(feat, "valueDate")
            dobs.append(partial_date(value) or partial_date(child_text(exact, "fromDateBegin") if exact is not None
                                                           else None))
        elif "country" in ftype or "flag" in ftype:
            countries.append(country_code(value))
        elif "place of birth" in ftype:
            countries.append(country_code(value.rsplit(",", 1)[-1]))
    ids: dict[str, str] = {}
    for doc in _path(el, "identityDocuments", "identityDocument"):
        key, value = child_text(doc, "type"), child_text(doc, "documentNumber")
        if key and value:
            ids[key] = f"{ids[key]}; {value}" if key in ids else value
    listings = [_listing(p, not on_sdn, f"{fname} entity {eid}") for p in programs or [""]]
    for lst in listings:
        lst.listed_on = min(published, default=None)
    remarks = child_text(general, "remarks") if general is not None else ""
    return Entity(id=f"ofac:{eid}", list_name="ofac-sdn" if on_sdn else "ofac-cons", kind=kind, name=name,
                  aliases=[a for a in names if a != name], countries=dedupe(countries), listings=listings,
                  identifiers=ids, birth_dates=dedupe(dobs) if kind == "person" else [], remarks=remarks or None,
                  raw={"id": eid, "lists": lists}), on_sdn


def read_enhanced_xml(path: Path) -> LoadedList:
    entities: list[Entity] = []
    on_sdn = 0
    as_of: str | None = None
    last: str | None = None
    warnings: list[str] = []
    try:
        for tag, el in iter_xml(path, lambda t: t == "sanctionsData", "<sanctionsData>: not OFAC SDN_ENHANCED.XML"):
            if tag == ROOT:
                continue
            if tag == "dataAsOf" and as_of is None:
                as_of = (el.text or "").strip()
            elif tag == "entity" and el.get("id"):
                entity, sdn = _enhanced_entity(el, path.name)
                last = f"entity id={el.get('id')}"
                if entity.name:
                    entities.append(entity)
                    on_sdn += sdn
                else:
                    warnings.append(f"{path.name}: entity {el.get('id')} has no name; skipped")
                el.clear()
    except ET.ParseError as e:
        raise xml_error(path, "OFAC SDN_ENHANCED XML", e, last) from None
    list_name = "ofac-sdn" if on_sdn or not entities else "ofac-cons"
    if on_sdn and on_sdn < len(entities):  # one file, both lists: stored as one list named by the majority
        warnings.append(f"{len(entities) - on_sdn} entities are on non-SDN lists (kept with measure 'sectoral')")
    for ent in entities:
        ent.list_name = list_name
    date = parse_date(as_of)
    info = ListInfo(name=list_name, format="ofac-enhanced-xml", version=as_of, date=date, entries=len(entities),
                    sha256=sha256_of([path]), path=str(path), date_source="file" if date else None,
                    files=[str(path)], warnings=warnings)
    return LoadedList(info=info, entities=entities)
