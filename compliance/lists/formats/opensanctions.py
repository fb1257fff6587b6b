"""OpenSanctions exports other than FtM entities: ``targets.simple.csv`` (one row per target,
multi-values ';'-separated) and the Senzing JSON lines export (``senzing.json``).

Neither names the authority as a dataset id: the simple CSV gives dataset *titles* and
``program_ids`` (``EU-BLR``, ``US-BELARUS``...), Senzing only risk topics. A listing gets its
regime from those; where none can be told, it is kept ``unverified`` (it asks for review and
never blocks on its own), and the import says so.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
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

_KIND = {"person": "person", "organization": "organization", "company": "organization",
         "legalentity": "organization", "publicbody": "organization", "vessel": "vessel", "airplane": "aircraft"}
# Dataset titles as the simple CSV writes them -> regime.
# Abbreviations as whole words and in capitals: 'US' is not the end of 'Belarus KGB' or 'Cyprus'.
_TITLE_REGIMES = ((re.compile(r"\bEU\b|European Union"), "EU"), (re.compile(r"\bOFAC\b|\bUS\b"), "US"),
                  (re.compile(r"\bUK\b|HM Treasury|\bFCDO\b|\bOFSI\b"), "UK"),
                  (re.compile(r"\bUN Security Council|United Nations Security Council"), "UN"),
                  (re.compile(r"\bSwiss\b|\bSECO\b"), "CH"), (re.compile(r"\bCanad(?:a|ian)\b"), "CA"))
_PROGRAM_PREFIX = {"EU": "EU", "US": "US", "GB": "UK", "UK": "UK", "UN": "UN", "CH": "CH", "CA": "CA"}
_SIMPLE_COLUMNS = {"id", "schema", "name", "aliases"}


def _split(text: str | None) -> list[str]:
    return [x.strip() for x in (text or "").split(";") if x.strip()]


def _title_regime(title: str) -> str | None:
    return next((r for pattern, r in _TITLE_REGIMES if pattern.search(title)), None)


def is_simple_csv(first_line: str) -> bool:
    cols = {c.strip().lower() for c in next(csv.reader([first_line.lstrip("\ufeff")]), [])}
    return _SIMPLE_COLUMNS <= cols and ("countries" in cols or "sanctions" in cols)


def read_simple_csv(path: Path) -> LoadedList:
    if looks_binary(sniff(path)):
        raise ListLoadError(f"{path}: binary data, not an OpenSanctions targets.simple.csv")
    entities: list[Entity] = []
    warnings: list[str] = []
    latest: str | None = None
    unverified = 0
    with open_text(path) as f:
        reader = csv.DictReader(f)
        fields = [c.strip().lower().lstrip("\ufeff") for c in reader.fieldnames or []]
        if not _SIMPLE_COLUMNS <= set(fields):
            raise ListLoadError(f"{path}: line 1: no id, schema, name and aliases columns: not an OpenSanctions "
                                "targets.simple.csv")
        reader.fieldnames = fields
        for n, row in enumerate(reader, start=2):
            def get(k: str, r: dict[str, str | None] = row) -> str:
                return (r.get(k) or "").strip()

            name = get("name")
            if not get("id") or not name:
                warnings.append(f"{path.name} line {n}: no id or name; row skipped")
                continue
            change = get("last_change") or get("last_seen")
            if change and (latest is None or change > latest):
                latest = change
            titles = _split(get("dataset"))
            title_regime = next((r for r in (_title_regime(t) for t in titles) if r), None)
            listings = []
            for pid in _split(get("program_ids")):
                regime = _PROGRAM_PREFIX.get(re.split(r"[-_]", pid, maxsplit=1)[0].upper()) or title_regime
                listings.append(Listing(regime=regime or "UNKNOWN", program=pid, source=f"{path.name} line {n}",
                                        legal_basis=f"OpenSanctions program {pid}"
                                        + (f" ({'; '.join(titles)})" if titles else ""),
                                        confidence="confirmed" if regime else "unverified"))
            if not listings and get("sanctions"):
                listings.append(Listing(regime=title_regime or "UNKNOWN", program=None, source=f"{path.name} line {n}",
                                        legal_basis=get("sanctions")[:300],
                                        confidence="confirmed" if title_regime else "unverified"))
            unverified += any(li.confidence == "unverified" for li in listings)
            ids = {"identifiers": get("identifiers")} if get("identifiers") else {}
            kind = _KIND.get(get("schema").lower(), "unknown")
            entities.append(Entity(
                id=f"os:{get('id')}", list_name="opensanctions", kind=kind, name=name,
                aliases=[a for a in dedupe(_split(get("aliases"))) if a != name],
                countries=dedupe(country_code(c) for c in _split(get("countries"))), listings=listings,
                identifiers=ids, birth_dates=dedupe(partial_date(d) for d in _split(get("birth_date")))
                if kind == "person" else [], remarks=get("sanctions") or None,
                raw={"id": get("id"), "schema": get("schema"), "datasets": titles}))
    if unverified:
        warnings.append(f"{unverified} records name no authority this reader knows (program ids / dataset "
                        "titles): their listings are marked unverified")
    date = parse_date(latest)
    info = ListInfo(name="opensanctions", format="os-simple-csv", version=latest, date=date, entries=len(entities),
                    sha256=sha256_of([path]), path=str(path), date_source="file" if date else None,
                    files=[str(path)], warnings=warnings)
    return LoadedList(info=info, entities=entities)


# Senzing -----------------------------------------------------------------------------------------
_SZ_COUNTRY = ("NATIONALITY", "CITIZENSHIP", "REGISTRATION_COUNTRY", "ADDR_COUNTRY", "COUNTRY_OF_ASSOCIATION")
_SZ_LISTS = ("NAMES", "DATES", "ADDRESSES", "COUNTRIES", "IDENTIFIERS", "RISKS", "FEATURES", "ATTRIBUTES")


def is_senzing(head: str) -> bool:
    return '"RECORD_ID"' in head and '"DATA_SOURCE"' in head


def _attributes(rec: dict[str, Any]) -> list[dict[str, Any]]:
    """Every attribute object of a record: the top level, the grouped lists (NAMES, DATES...) of
    the older layout and the FEATURES list of the newer one."""
    out: list[dict[str, Any]] = [rec]
    for key in _SZ_LISTS:
        items = rec.get(key)
        if isinstance(items, list):
            out.extend(x for x in items if isinstance(x, dict))
    return out


def _sz_records(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    with open_text(path) as f:
        if f.read(64).lstrip("\ufeff \r\n\t").startswith("["):  # one JSON array rather than lines
            f.seek(0)
            try:
                data = json.loads(f.read().lstrip("\ufeff"))
            except json.JSONDecodeError as e:
                raise ListLoadError(f"{path}: not valid JSON at line {e.lineno}, column {e.colno}: {e.msg}") from None
            for i, rec in enumerate(data if isinstance(data, list) else []):
                if isinstance(rec, dict):
                    yield i + 1, rec
            return
        f.seek(0)
        for n, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line.lstrip("\ufeff"))
            except json.JSONDecodeError as e:
                raise ListLoadError(f"{path}: line {n}: not valid JSON: {e.msg} (column {e.colno})") from None
            if not isinstance(rec, dict):
                raise ListLoadError(f"{path}: line {n}: not a JSON object")
            yield n, rec


def read_senzing(path: Path) -> LoadedList:
    if looks_binary(sniff(path)):
        raise ListLoadError(f"{path}: binary data, not an OpenSanctions Senzing export")
    entities: list[Entity] = []
    warnings: list[str] = []
    latest: str | None = None
    for n, rec in _sz_records(path):
        attrs = _attributes(rec)
        rid = str(rec.get("RECORD_ID") or "")
        primary: list[str] = []
        names: list[str] = []
        for a in attrs:
            full = a.get("NAME_FULL") or a.get("NAME_ORG") or " ".join(
                str(a[k]) for k in ("NAME_FIRST", "NAME_MIDDLE", "NAME_LAST") if a.get(k))
            if isinstance(full, str) and full.strip():
                (primary if str(a.get("NAME_TYPE", "")).upper() == "PRIMARY" else names).append(full.strip())
        all_names = dedupe([*primary, *names])
        if not rid or not all_names:
            warnings.append(f"{path.name} line {n}: no RECORD_ID or name; skipped")
            continue
        change = rec.get("LAST_CHANGE") or rec.get("LAST_SEEN")
        if isinstance(change, str) and (latest is None or change > latest):
            latest = change
        rtype = next((str(a["RECORD_TYPE"]) for a in attrs if a.get("RECORD_TYPE")), "")
        kind = _KIND.get(rtype.lower(), "unknown")
        topics = {str(a["TOPIC"]) for a in attrs if a.get("TOPIC")}
        countries = [country_code(str(a[k])) for a in attrs for k in _SZ_COUNTRY if a.get(k)]
        dobs = [partial_date(str(a["DATE_OF_BIRTH"])) for a in attrs if a.get("DATE_OF_BIRTH")]
        listings = []
        if "sanction" in topics or "sanction.linked" in topics:
            listings.append(Listing(regime="UNKNOWN", program=None, confidence="unverified",
                                    legal_basis="OpenSanctions (Senzing export: the listing authority is not stated)",
                                    source=f"OpenSanctions {rid}"))
        entities.append(Entity(id=f"os:{rid}", list_name="opensanctions", kind=kind, name=all_names[0],
                               aliases=all_names[1:], countries=dedupe(countries), listings=listings,
                               birth_dates=dedupe(dobs) if kind == "person" else [],
                               raw={"id": rid, "data_source": rec.get("DATA_SOURCE"), "topics": sorted(topics)}))
    if any(e.listings for e in entities):
        warnings.append("a Senzing export does not say which authority listed a record: its sanction listings are "
                        "marked unverified (review, never block); import targets.nested.json or entities.ftm.json "
                        "for the regimes")
    date = parse_date(latest)
    info = ListInfo(name="opensanctions", format="os-senzing-json", version=latest, date=date,
                    entries=len(entities), sha256=sha256_of([path]), path=str(path),
                    date_source="file" if date else None, files=[str(path)], warnings=warnings)
    return LoadedList(info=info, entities=entities)
