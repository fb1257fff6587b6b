"""US lists beyond OFAC's own files: the trade.gov Consolidated Screening List CSV (SDN, SSI,
FSE, Entity List, Unverified List, MEU, DPL, ISN, ITAR debarred ... in one file) and the BIS
Denied Persons List (tab-separated text).

Only OFAC SDN rows are asset freezes. The export-control lists carry their own measure so the
party rule can tell them apart: ``export_denial`` (DPL: export privileges denied),
``export_licence`` (Entity List, MEU: a licence is required), ``sectoral`` (the other OFAC
non-SDN lists), and the Unverified List is ``unverified`` (a red flag, not a prohibition).
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from pathlib import Path
from typing import Any

from compliance.exc import ListLoadError
from compliance.lists.formats._common import (
    country_code,
    dedupe,
    looks_binary,
    open_text,
    parse_date,
    partial_date,
    sha256_of,
    sniff,
)
from compliance.lists.model import Entity, ListInfo, Listing, LoadedList

_KIND = {"individual": "person", "entity": "organization", "vessel": "vessel", "aircraft": "aircraft"}


def _measure(source: str) -> tuple[str, str]:
    """(measure, confidence) of a CSL source list."""
    s = source.lower()
    if "(sdn)" in s or "specially designated nationals" in s:
        return "asset_freeze", "confirmed"
    if "(dpl)" in s or "denied persons" in s:
        return "export_denial", "confirmed"
    if "(el)" in s or "entity list" in s or "(meu)" in s or "military end user" in s:
        return "export_licence", "confirmed"
    if "(uvl)" in s or "unverified" in s:
        return "export_licence", "unverified"
    return "sectoral", "confirmed"


# Entries of the CSL 'ids' field that are facts about the party, not identifiers of it.
_NOT_IDS = frozenset(("Gender", "Email Address", "Website", "Phone Number", "Organization Established Date",
                      "Organization Type", "Target Type", "Nationality of Registration", "Other Vessel Flag",
                      "Other Vessel Type", "Vessel Year of Build"))


def _split(text: str) -> list[str]:
    return [x.strip() for x in text.split(";") if x.strip()] if text else []


def _many(value: Any) -> list[str]:
    """A multi-valued CSL field: '; '-separated in the CSV, a JSON array in the JSON."""
    if isinstance(value, list):
        return [str(v).strip() for v in value if isinstance(v, (str, int, float)) and str(v).strip()]
    return _split(str(value)) if value else []


def _address_countries(value: Any) -> list[str | None]:
    if isinstance(value, list):  # JSON: [{"address": ..., "city": ..., "country": "BY"}, ...]
        return [country_code(str(a.get("country") or "")) if isinstance(a, dict) else
                country_code(str(a).rsplit(",", 1)[-1]) for a in value]
    return [country_code(a.rsplit(",", 1)[-1]) for a in _split(str(value or ""))]


def _csl_entity(rec: dict[str, Any], where: str) -> Entity | None:
    """One CSL record (a CSV row or a JSON object, same field names) as an entity."""
    def get(k: str) -> str:
        v = rec.get(k)
        return v.strip() if isinstance(v, str) else ""

    name = get("name")
    if not name:
        return None
    source = get("source")
    measure, confidence = _measure(source)
    rid = get("_id") or get("id") or get("entity_number") or \
        hashlib.sha1(f"{source}|{name}".encode()).hexdigest()[:16]
    programs = _many(rec.get("programs")) or [re.sub(r"\s+-\s+.*$", "", source) or "CSL"]
    countries = _address_countries(rec.get("addresses"))
    countries += [country_code(c) for k in ("citizenships", "nationalities", "vessel_flag") for c in _many(rec.get(k))]
    listings = [Listing(regime="US", program=p, measure=measure, confidence=confidence,
                        legal_basis=" - ".join(x for x in (source, get("federal_register_notice"),
                                                           get("license_requirement")) if x),
                        listed_on=parse_date(get("start_date")), delisted_on=parse_date(get("end_date")),
                        source=where) for p in programs]
    kind = _KIND.get(get("type").lower(), "organization" if get("type") == "" else "unknown")
    ids: dict[str, str] = {}
    raw_ids = rec.get("ids")
    if isinstance(raw_ids, list):  # JSON: [{"type": "Passport", "number": "...", "country": "BY"}, ...]
        pairs = [(str(d["type"]), str(d["number"])) for d in raw_ids
                 if isinstance(d, dict) and d.get("type") and d.get("number")]
    else:  # CSV: "Passport, 836238033, KP; Gender, Male; Secondary sanctions risk:, ..."
        pairs = [(t.strip(), n.strip()) for t, _, n in (x.partition(",") for x in _split(str(raw_ids or "")))]
    for key, number in pairs:
        if key and number and not key.endswith((":", "-")) and key not in _NOT_IDS:
            number = number.split(",")[0].strip()  # the issuing country follows
            ids[key] = f"{ids[key]}; {number}" if key in ids and number not in ids[key] else number
    return Entity(id=f"csl:{rid}", list_name="us-csl", kind=kind, name=name,
                  aliases=[a for a in dedupe(_many(rec.get("alt_names"))) if a != name],
                  countries=dedupe(countries), listings=listings, identifiers=ids,
                  birth_dates=dedupe(partial_date(d) for d in _many(rec.get("dates_of_birth"))),
                  remarks=get("remarks") or None,
                  raw={"source": source, "entity_number": get("entity_number") or None})


def _csl_info(path: Path, fmt: str, entities: list[Entity], updated: str | None) -> ListInfo:
    date = parse_date(updated)
    source = "file" if date else None
    if date is None and (m := re.search(r"(\d{4})-(\d{2})(?:-(\d{2}))?", path.name)):
        date, updated, source = parse_date(f"{m[1]}-{m[2]}-{m[3] or '01'}"), m[0], "file name"
    return ListInfo(name="us-csl", format=fmt, version=updated, date=date, entries=len(entities),
                    sha256=sha256_of([path]), path=str(path), date_source=source if date else None,
                    files=[str(path)])


def read_csl(path: Path) -> LoadedList:
    if looks_binary(sniff(path)):
        raise ListLoadError(f"{path}: binary data, not a Consolidated Screening List CSV")
    entities: list[Entity] = []
    with open_text(path) as f:
        head = f.readline()
        f.seek(0)
        # trade.gov offers the CSL as CSV and as TSV; the header says which.
        reader = csv.DictReader(f, delimiter="\t" if head.count("\t") > head.count(",") else ",")
        fields = [c.strip().lower().lstrip("\ufeff") for c in reader.fieldnames or []]
        if not {"source", "name"} <= set(fields):
            raise ListLoadError(f"{path}: line 1: no 'source' and 'name' columns: not a Consolidated Screening List")
        reader.fieldnames = fields
        for n, row in enumerate(reader, start=2):
            if (e := _csl_entity(row, f"{path.name} line {n}")) is not None:
                entities.append(e)
    return LoadedList(info=_csl_info(path, "us-csl-csv", entities, None), entities=entities)


def read_csl_json(path: Path) -> LoadedList:
    """The CSL as JSON (the trade.gov download or an API response): {"results": [...],
    "sources_used": [{"source": ..., "source_last_updated": ...}], "total": N}, or a bare array."""
    if looks_binary(sniff(path)):
        raise ListLoadError(f"{path}: binary data, not a Consolidated Screening List JSON")
    with open_text(path) as f:
        try:
            data = json.load(f)
        except json.JSONDecodeError as e:
            raise ListLoadError(f"{path}: not valid JSON at line {e.lineno}, column {e.colno}: {e.msg}") from None
    records = data.get("results") if isinstance(data, dict) else data
    if not isinstance(records, list):
        raise ListLoadError(f"{path}: no 'results' array: not a Consolidated Screening List JSON")
    entities: list[Entity] = []
    warnings: list[str] = []
    for i, rec in enumerate(records):
        if not isinstance(rec, dict):
            raise ListLoadError(f"{path}: results[{i}]: not a JSON object")
        if (ent := _csl_entity(rec, f"{path.name} results[{i}]")) is not None:
            entities.append(ent)
        else:
            warnings.append(f"{path.name} results[{i}]: no name; skipped")
    sources = data.get("sources_used") if isinstance(data, dict) else None
    updated = max((str(s.get("source_last_updated")) for s in sources or [] if isinstance(s, dict)
                   and s.get("source_last_updated")), default=None)
    info = _csl_info(path, "us-csl-json", entities, updated)
    total = data.get("total") if isinstance(data, dict) else None
    if isinstance(total, int) and total != len(records):
        # An API response is paged (size/offset): the rest of the list is on later pages.
        warnings.append(f"the file says total {total} but holds {len(records)} records: a page of an API "
                        "response, not the whole list?")
    info.warnings = warnings
    return LoadedList(info=info, entities=entities)


def read_dpl(path: Path) -> LoadedList:
    if looks_binary(sniff(path)):
        raise ListLoadError(f"{path}: binary data, not a BIS Denied Persons List")
    entities: list[Entity] = []
    latest = None
    with open_text(path) as f:
        reader = csv.DictReader(f, delimiter="\t")
        if "Name" not in (reader.fieldnames or []):
            raise ListLoadError(f"{path}: line 1: no Name column: not a BIS Denied Persons List")
        for n, row in enumerate(reader, start=2):
            name = (row.get("Name") or "").strip()
            if not name:
                continue
            effective = parse_date(row.get("Effective_Date"), month_first=True)
            updated = parse_date(row.get("Last_Update"))
            if updated and 1990 < updated.year < 2100 and (latest is None or updated > latest):
                latest = updated  # the file holds impossible dates (0222-05-18, 3017-08-22)
            key = hashlib.sha1(f"{name}|{row.get('Effective_Date', '')}".encode()).hexdigest()[:16]
            entities.append(Entity(
                id=f"dpl:{key}", list_name="us-bis-dpl", kind="unknown", name=name,
                countries=dedupe([country_code(row.get("Country"))]),
                listings=[Listing(regime="US", program="DPL", measure="export_denial",
                                  legal_basis=f"BIS Denied Persons List (EAR part 764), {row.get('FR_Citation') or ''}"
                                  .strip(", "), listed_on=effective,
                                  delisted_on=parse_date(row.get("Expiration_Date"), month_first=True),
                                  source=f"{path.name} line {n}")],
                raw={"city": row.get("City"), "action": row.get("Action")}))
    info = ListInfo(name="us-bis-dpl", format="us-bis-dpl", version=latest.isoformat() if latest else None,
                    date=latest, entries=len(entities), sha256=sha256_of([path]), path=str(path),
                    date_source="file" if latest else None, files=[str(path)])
    return LoadedList(info=info, entities=entities)
