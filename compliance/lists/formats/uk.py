"""UK sanctions lists, by their columns rather than one fixed layout:

- the FCDO UK Sanctions List summary (ODS or CSV: Unique ID, OFSI Group ID, Name, Regime Name,
  Type, Designation source, Date Designated, Sanctions Imposed);
- the FCDO detailed CSV and the older OFSI consolidated list CSV (ConList.csv), whose names are
  split over ``Name 6`` (surname or organisation name) and ``Name 1``..``Name 5``, with one row per
  name or address, aggregated on the Group ID.

Title rows above the header ("Last Updated,27/04/2020", "Report Date: ...") are skipped and
give the list date.
"""

from __future__ import annotations

import csv
import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from compliance.exc import ListLoadError
from compliance.lists.formats._common import (
    ROOT,
    country_code,
    dedupe,
    iter_xml,
    looks_binary,
    open_text,
    parse_date,
    partial_date,
    sha256_of,
    sniff,
    xml_error,
)
from compliance.lists.model import Entity, ListInfo, Listing, LoadedList

_KIND = {"individual": "person", "entity": "organization", "ship": "vessel", "vessel": "vessel",
         "aircraft": "aircraft"}
_LEGAL = "The sanctions regulations of the UK regime named in the listing (Sanctions and Anti-Money Laundering Act 2018)"
_BELARUS_ACT = "The Republic of Belarus (Sanctions) (EU Exit) Regulations 2019"
_HEADER_ROWS = 30


def _norm(h: str) -> str:
    return re.sub(r"[^a-z0-9]", "", h.lower())


# Column roles, by normalised header name (first match wins).
_ROLES: dict[str, tuple[str, ...]] = {
    "uid": ("uniqueid",),
    "group": ("ofsigroupid", "groupid"),
    "whole": ("name", "fullname", "primaryname"),
    "name6": ("name6",),
    "non_latin": ("namenonlatinscript",),
    "type": ("grouptype", "type", "designationtype", "entitytype", "individualentityship"),
    "regime": ("regimename", "regime"),
    "listed": ("datedesignated", "listedon", "dateoriginallydesignated", "uksanctionslistdatedesignated"),
    "sanctions": ("sanctionsimposed",),
    "dob": ("dob", "dateofbirth", "dobs"),
    "source": ("designationsource",),
    "name_type": ("nametype", "aliastype"),
}
_COUNTRY_COLS = ("country", "addresscountry", "nationality", "nationalityies", "nationalities", "countryofbirth",
                 "citizenship", "currentbelievedflagofship", "flag")


def _clean(v: Any) -> str:
    if v is None:
        return ""
    s = str(v).strip()
    return "" if s.lower() in ("nan", "none", "nat") else s


def _is_header(row: list[str]) -> bool:
    norm = {_norm(c) for c in row}
    has_name = bool(norm & {"name", "name6", "fullname", "primaryname"})
    has_key = bool(norm & {"uniqueid", "groupid", "ofsigroupid"})
    return has_name and has_key


def _title_date(rows: Iterable[list[str]]) -> str | None:
    for r in rows:
        text = " ".join(c for c in r if c)
        m = re.search(r"(?:last updated|report date|date)\W*(.+)", text, re.I)
        if m and (d := parse_date(m[1].strip()) or parse_date(m[1].strip().split()[0])):
            return d.isoformat()
    return None


def _from_rows(rows: Iterator[list[str]], path: Path, fmt: str) -> LoadedList:
    before: list[list[str]] = []
    header: list[str] | None = None
    for r in rows:
        if _is_header(r):
            header = r
            break
        before.append(r)
        if len(before) >= _HEADER_ROWS:
            break
    if header is None:
        raise ListLoadError(f"{path}: no header row with a name column (Name / Name 6) and an id column "
                            f"(Unique ID / Group ID) in the first {_HEADER_ROWS} rows: not a UK sanctions list")
    norm = [_norm(h) for h in header]
    col = {role: next((norm.index(n) for n in names if n in norm), None) for role, names in _ROLES.items()}
    name_cols = [norm.index(f"name{i}") for i in range(1, 6) if f"name{i}" in norm]
    country_cols = [i for i, n in enumerate(norm) if n in _COUNTRY_COLS]

    def get(r: list[str], role: str) -> str:
        i = col[role]
        return r[i] if i is not None and i < len(r) else ""

    groups: dict[str, dict[str, Any]] = {}
    warnings: list[str] = []
    line_of_header = len(before) + 1
    for n, r in enumerate(rows, start=line_of_header + 1):
        if not any(r):
            continue
        uid, gid = get(r, "uid"), get(r, "group")
        key = gid or uid
        if not key:
            warnings.append(f"{path.name} row {n}: no Unique ID or Group ID; row skipped")
            continue
        if get(r, "name6") or name_cols:
            parts = [r[i] for i in name_cols if i < len(r)] + [get(r, "name6")]
            name = " ".join(p for p in parts if p)
        else:
            name = get(r, "whole")
        g = groups.setdefault(key, {"uid": uid or key, "gid": gid, "names": [], "countries": [], "dobs": [],
                                    "listings": [], "kind": _KIND.get(get(r, "type").lower(), "organization"),
                                    "source": get(r, "source"), "rows": []})
        g["rows"].append(n)
        if any(w in get(r, "name_type").lower() for w in ("primary", "prime")):
            g["names"].insert(0, name)  # the primary name leads whatever the row order
        else:
            g["names"].append(name)
        g["names"].append(get(r, "non_latin"))
        g["countries"].extend(country_code(r[i]) for i in country_cols if i < len(r) and r[i])
        g["dobs"].append(partial_date(get(r, "dob")))
        prog = get(r, "regime") or None
        if not any(lst.program == prog for lst in g["listings"]):
            sanctions = get(r, "sanctions")
            legal = f"{_BELARUS_ACT} ({_LEGAL.split(' (')[1]}" if prog and prog.lower() == "belarus" else \
                f"{_LEGAL}: {prog}"
            g["listings"].append(Listing(
                regime="UK", program=prog, legal_basis=legal,
                measure="asset_freeze" if "asset freeze" in sanctions.lower() or not sanctions else "sectoral",
                listed_on=parse_date(get(r, "listed")), source=f"UK {uid or gid}", note=sanctions or None))
    entities = []
    for g in groups.values():
        names = dedupe(g["names"])
        if not names:
            regimes = ", ".join(str(li.program) for li in g["listings"] if li.program)
            rows_text = ", ".join(map(str, g["rows"][:5]))
            warnings.append(f"{path.name} row{'s' if len(g['rows']) > 1 else ''} {rows_text}: {g['uid']}"
                            + (f" ({regimes})" if regimes else "") + " has an empty name in the file, so it cannot "
                            "be screened; skipped")
            continue
        entities.append(Entity(id=f"uk:{g['uid']}", list_name="uk-sanctions", kind=g["kind"], name=names[0],
                               aliases=names[1:], countries=dedupe(g["countries"]),
                               birth_dates=dedupe(g["dobs"]) if g["kind"] == "person" else [],
                               listings=g["listings"],
                               raw={"unique_id": g["uid"], "group_id": g["gid"] or None,
                                    "designation_source": g["source"] or None}))
    version = _title_date(before)
    source = "file" if version else None
    if version is None and (d := _date_in_name(path.stem)) is not None:
        version, source = d.isoformat(), "file name"
    info = ListInfo(name="uk-sanctions", format=fmt, version=version, date=parse_date(version), entries=len(entities),
                    sha256=sha256_of([path]), path=str(path), date_source=source, files=[str(path)],
                    warnings=warnings)
    return LoadedList(info=info, entities=entities)


def _date_in_name(stem: str) -> Any:
    """FCDO_SL_Mon_Aug_11_2025 / UK_Sanctions_List_2025-08-11."""
    m = re.search(r"([A-Z][a-z]{2})[_ ](\d{1,2})[_ ](\d{4})", stem)
    if m:
        return parse_date(f"{m[2]} {m[1]} {m[3]}")
    m = re.search(r"(\d{4}-\d{2}-\d{2})", stem)
    return parse_date(m[1]) if m else None


_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"


def _walk(node: ET.Element, parts: list[str]) -> None:
    if node.text:
        parts.append(node.text)
    for child in node:
        if child.tag == f"{{{_TEXT}}}s":
            parts.append(" " * int(child.get(f"{{{_TEXT}}}c", "1")))
        else:
            _walk(child, parts)
        if child.tail:
            parts.append(child.tail)


def _cell_text(cell: ET.Element) -> str:
    """A cell's text: paragraphs joined by newlines, <text:s c="n"/> as n spaces."""
    paras = []
    for p in cell.iter(f"{{{_TEXT}}}p"):
        parts: list[str] = []
        _walk(p, parts)
        paras.append("".join(parts))
    return "\n".join(paras)


def _ods_rows(path: Path) -> Iterator[list[str]]:
    """Rows of the first sheet, streamed from content.xml; honours repeated cells and rows."""
    try:
        zf = zipfile.ZipFile(path)
        content = zf.open("content.xml")
    except (zipfile.BadZipFile, KeyError, OSError) as e:
        raise ListLoadError(f"{path}: not an ODS spreadsheet ({e})") from None
    with zf, content:
        depth = 0
        try:
            for event, el in ET.iterparse(content, events=("start", "end")):
                if el.tag == f"{{{_TABLE}}}table":
                    if event == "start":
                        depth += 1
                    else:
                        return  # first sheet only
                if event != "end" or el.tag != f"{{{_TABLE}}}table-row" or depth != 1:
                    continue
                row: list[str] = []
                pending = 0  # empty cells not yet added: trailing ones are never materialised
                for cell in el:
                    if cell.tag not in (f"{{{_TABLE}}}table-cell", f"{{{_TABLE}}}covered-table-cell"):
                        continue
                    repeat = min(int(cell.get(f"{{{_TABLE}}}number-columns-repeated", "1")), 16384)
                    text = _clean(_cell_text(cell))
                    if not text:
                        pending += repeat
                        continue
                    row.extend([""] * pending)
                    pending = 0
                    row.extend([text] * repeat)
                el.clear()
                if not row:
                    continue  # empty (possibly repeated) rows: ODS pads sheets with them
                for _ in range(min(int(el.get(f"{{{_TABLE}}}number-rows-repeated", "1")), 100000)):
                    yield row
        except ET.ParseError as e:
            raise ListLoadError(f"{path}: damaged ODS content.xml: {e}") from None


def read_ods(path: Path) -> LoadedList:
    if not sniff(path, 4).startswith(b"PK"):
        raise ListLoadError(f"{path}: not an ODS spreadsheet (no zip signature)")
    return _from_rows(_ods_rows(path), path, "uk-ods")


def read_csv(path: Path) -> LoadedList:
    if looks_binary(sniff(path)):
        raise ListLoadError(f"{path}: binary data, not a UK list CSV")
    with open_text(path) as f:
        rows = ([_clean(c) for c in r] for r in csv.reader(f))
        return _from_rows(rows, path, "uk-csv")


def read_xlsx(path: Path) -> LoadedList:
    """OFSI ConList.xlsx and the like: the first sheet, read row by row (openpyxl read-only)."""
    from openpyxl import load_workbook

    if not sniff(path, 4).startswith(b"PK"):
        raise ListLoadError(f"{path}: not an XLSX spreadsheet (no zip signature)")
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many kinds on a damaged file
        raise ListLoadError(f"{path}: cannot read as an XLSX spreadsheet: {type(e).__name__}: {e}") from None
    try:
        ws = wb.worksheets[0]
        rows = ([_clean(v) for v in row] for row in ws.iter_rows(values_only=True))
        return _from_rows(rows, path, "uk-xlsx")
    finally:
        wb.close()


# XML: the FCDO UK Sanctions List (<Designations><Designation>) and the OFSI ConList.xml
# (<ArrayOfFinancialSanctionsTarget><FinancialSanctionsTarget>), read into the rows above. -----
_XML_RECORDS = {"designation", "financialsanctionstarget"}
XML_ROOTS = ("Designations", "ArrayOfFinancialSanctionsTarget", "FinancialSanctionsTargets")


def is_uk_root(tag: str) -> bool:
    """The roots above, and the like ('ArrayOfDesignation'): the schema is not published with a
    fixed root name, the record elements are what is read."""
    low = tag.lower()
    return tag in XML_ROOTS or "designation" in low or "financialsanctionstarget" in low
_XML_HEADER = ["Unique ID", "OFSI Group ID", "Name 1", "Name 2", "Name 3", "Name 4", "Name 5", "Name 6", "Name type",
               "Name non-latin script", "Regime Name", "Designation Type", "Date Designated", "Sanctions Imposed",
               "DOB", "Designation source", "Country"]
_XML_ONE = {"uniqueid": "Unique ID", "ofsigroupid": "OFSI Group ID", "groupid": "OFSI Group ID",
            "regimename": "Regime Name", "regime": "Regime Name", "individualentityship": "Designation Type",
            "designationtype": "Designation Type", "grouptypedescription": "Designation Type",
            "grouptype": "Designation Type", "entitytype": "Designation Type", "datedesignated": "Date Designated",
            "datelisted": "Date Designated", "listedon": "Date Designated", "sanctionsimposed": "Sanctions Imposed",
            "designationsource": "Designation source"}
_XML_NAME_PARTS = {f"name{i}": f"Name {i}" for i in range(1, 7)}
_XML_COUNTRY = {"addresscountry", "country", "nationality", "countryofbirth", "currentbelievedflagofship",
                "citizenship", "flag"}
_XML_DOB = {"dob", "dateofbirth", "individualdateofbirth"}
_XML_DATE = {"lastupdated", "dategenerated", "reportdate", "publicationdate", "datepublished"}


def _xml_rows(el: ET.Element) -> tuple[list[list[str]], list[str]]:
    """(rows in the _XML_HEADER layout, dates the record was updated) for one designation."""
    one: dict[str, str] = {}
    names: list[dict[str, str]] = []
    extra: list[tuple[str, str]] = []  # (column, value): non-Latin names, DOBs, countries
    dates: list[str] = []
    for node in el.iter():
        tag = _norm(node.tag.rsplit("}", 1)[-1]) if isinstance(node.tag, str) else ""
        text = (node.text or "").strip()
        parts = {_XML_NAME_PARTS[k]: (c.text or "").strip() for c in node
                 if (k := _norm(c.tag.rsplit("}", 1)[-1])) in _XML_NAME_PARTS}
        if parts and any(parts.values()):
            kind = next(((c.text or "").strip() for c in node
                         if _norm(c.tag.rsplit("}", 1)[-1]) in ("nametype", "aliastype")), "")
            names.append({**parts, "Name type": kind})
        if not text or len(node):
            continue
        if tag in _XML_ONE and not one.get(_XML_ONE[tag]):
            one[_XML_ONE[tag]] = text
        elif tag == "namenonlatinscript":
            extra.append(("Name non-latin script", text))
        elif tag in _XML_DOB:
            extra.append(("DOB", text))
        elif tag in _XML_COUNTRY:
            extra.append(("Country", text))
        elif tag in _XML_DATE:
            dates.append(text)
    rows = []
    for i in range(max(len(names), len(extra), 1)):
        row = {**one, **(names[i] if i < len(names) else {})}
        if i < len(extra):
            row[extra[i][0]] = extra[i][1]
        rows.append([row.get(h, "") for h in _XML_HEADER])
    return rows, dates


def read_xml(path: Path) -> LoadedList:
    dates: list[str] = []

    def rows() -> Iterator[list[str]]:
        last = "the start"
        try:
            for tag, el in iter_xml(path, is_uk_root, "<Designations> (FCDO) or <ArrayOfFinancialSanctionsTarget> "
                                    "(OFSI): not a UK sanctions list"):
                if tag == ROOT:
                    continue
                low = _norm(tag)
                if low in _XML_RECORDS:
                    got, when = _xml_rows(el)
                    dates.extend(when)
                    last = f"{tag} {got[0][0] or got[0][1]}"
                    el.clear()
                    yield from got
                elif low in _XML_DATE and el.text and len(el) == 0:
                    dates.append(el.text.strip())  # a generation date outside the records
        except ET.ParseError as e:
            raise xml_error(path, "UK sanctions list XML", e, last) from None

    loaded = _from_rows(iter([_XML_HEADER, *rows()]), path, "uk-xml")
    parsed = [d for d in (parse_date(x) for x in dates) if d]
    if parsed:
        loaded.info.date = max(parsed)
        loaded.info.version, loaded.info.date_source = loaded.info.date.isoformat(), "file"
    return loaded
