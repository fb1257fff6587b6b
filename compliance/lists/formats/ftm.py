"""OpenSanctions / FollowTheMoney data: entities (JSON lines or one JSON array, also the
``targets.nested.json`` export whose properties hold nested entities) and statements (JSON lines
or CSV with ``entity_id, prop, value`` columns), streamed.

Party schemas become entities; ``Sanction`` entities (their ``entity`` property names the
target) give the listings with program, dates and authority; ``Address`` entities give
countries. Without Sanction entities a listing is derived from the entity's datasets and
``topics`` (``sanction`` binds; ``sanction.linked`` only for review; PEPs and the like give
no listing: the entity is kept as reference data).
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

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

_PARTY_SCHEMAS = {"Person": "person", "Organization": "organization", "Company": "organization",
                  "LegalEntity": "organization", "PublicBody": "organization", "Vessel": "vessel",
                  "Airplane": "aircraft"}
_REGIMES = {"eu_fsf": "EU", "us_ofac_sdn": "US", "us_ofac_cons": "US", "gb_hmt_sanctions": "UK",
            "gb_fcdo_sanctions": "UK", "un_sc_sanctions": "UN", "ch_seco_sanctions": "CH", "ca_dfatd_sema_sanctions": "CA"}
_PREFIX_REGIMES = {"eu": "EU", "us": "US", "gb": "UK", "un": "UN", "ch": "CH", "ca": "CA"}
_SECTORAL_DATASETS = {"us_ofac_cons"}
_SANCTION_TOPICS = {"sanction", "sanction.linked", "sanction.counter"}
_NAME_PROPS = ("name", "alias", "previousName", "weakAlias", "abbreviation")
_COUNTRY_PROPS = ("country", "nationality", "citizenship", "jurisdiction", "mainCountry", "flag")


def _regime(dataset: str) -> str | None:
    return _REGIMES.get(dataset) or _PREFIX_REGIMES.get(dataset.split("_", 1)[0])


def _json_records(path: Path, f: IO[str]) -> Iterator[dict[str, Any]]:
    first = f.read(1)
    while first and first.isspace():
        first = f.read(1)
    if first == "[":  # one JSON array: has to be read whole
        yield from _whole(path, first + f.read())
        return
    n = 0
    for n, line in enumerate(_prepend(first, f), start=1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as e:
            if n == 1 and first == "{":  # one pretty-printed object: {"results": [...]} or an entity
                f.seek(0)
                yield from _whole(path, f.read().lstrip("\ufeff"))
                return
            raise ListLoadError(f"{path}: line {n}: not valid JSON: {e.msg} (column {e.colno})") from None
        if n == 1 and isinstance(rec, dict) and "schema" not in rec and (any(
                isinstance(rec.get(k), list) for k in ("results", "entities", "data"))
                or isinstance(rec.get("responses"), dict)):
            yield from _whole(path, line)  # a wrapper object on one line
            continue
        if not isinstance(rec, dict):
            raise ListLoadError(f"{path}: line {n}: not a JSON object")
        yield rec


def _whole(path: Path, text: str) -> Iterator[dict[str, Any]]:
    """Entities of a whole JSON document: an array, an object holding one under ``results``,
    ``entities`` or ``data`` (a yente search response, an export wrapper), or one entity."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise ListLoadError(f"{path}: not valid JSON at line {e.lineno}, column {e.colno}: {e.msg}") from None
    if isinstance(data, dict) and isinstance(data.get("responses"), dict):
        # yente /match: {"responses": {"q1": {"results": [...]}, ...}}; a candidate found by two
        # queries is one entity (merged on its id later).
        data = [r for resp in data["responses"].values() if isinstance(resp, dict)
                for r in resp.get("results") or [] if isinstance(resp.get("results"), list)]
    elif isinstance(data, dict):
        data = next((data[k] for k in ("results", "entities", "data") if isinstance(data.get(k), list)),
                    [data] if "schema" in data else None)
    if not isinstance(data, list):
        raise ListLoadError(f"{path}: a JSON array of entities expected (or an object with 'results' or 'entities')")
    for i, rec in enumerate(data):
        if not isinstance(rec, dict):
            raise ListLoadError(f"{path}: item {i}: not a JSON object")
        yield rec


def _prepend(first: str, f: IO[str]) -> Iterator[str]:
    line = f.readline()
    yield first + line
    yield from f


def _csv_records(path: Path, f: IO[str]) -> Iterator[dict[str, Any]]:
    reader = csv.DictReader(f)
    for rec in reader:
        yield dict(rec)


def _from_statements(statements: Iterator[dict[str, Any]], path: Path) -> Iterator[dict[str, Any]]:
    """Group FtM statements (one property value each) into entity records."""
    entities: dict[str, dict[str, Any]] = {}
    for n, st in enumerate(statements, start=1):
        eid = st.get("canonical_id") or st.get("entity_id")
        prop, value = st.get("prop"), st.get("value")
        if not eid or not prop:
            raise ListLoadError(f"{path}: statement {n}: no entity_id or prop")
        rec = entities.setdefault(str(eid), {"id": str(eid), "schema": st.get("schema"), "properties": {},
                                             "datasets": [], "first_seen": None, "last_change": None})
        if st.get("schema") and rec["schema"] in (None, "Thing", "LegalEntity"):
            rec["schema"] = st.get("schema")
        if st.get("dataset") and st["dataset"] not in rec["datasets"]:
            rec["datasets"].append(st["dataset"])
        if prop == "id":
            continue
        if value not in (None, ""):
            rec["properties"].setdefault(str(prop), []).append(str(value))
        seen = st.get("last_seen") or st.get("first_seen")
        if seen and (rec["last_change"] is None or str(seen) > rec["last_change"]):
            rec["last_change"] = str(seen)
    yield from entities.values()


def _records(path: Path) -> Iterator[dict[str, Any]]:
    if looks_binary(sniff(path)):
        raise ListLoadError(f"{path}: binary data, not FtM JSON")
    with open_text(path) as f:
        head = f.readline()
        f.seek(0)
        if head.lstrip("\ufeff ").startswith(("{", "[")):
            records = _json_records(path, f)
            first = next(records, None)
            if first is None:
                return
            if "prop" in first and ("entity_id" in first or "canonical_id" in first) and "properties" not in first:
                yield from _from_statements(_chain(first, records), path)
            else:
                yield first
                yield from records
        elif "entity_id" in head and "prop" in head and "value" in head:
            yield from _from_statements(_csv_records(path, f), path)
        else:
            raise ListLoadError(f"{path}: line 1: neither FtM JSON entities nor FtM statements")


def _chain(first: dict[str, Any], rest: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    yield first
    yield from rest


def _strs(values: Any) -> list[str]:
    if not isinstance(values, list):
        values = [values]
    return [str(v) for v in values if isinstance(v, (str, int, float)) and str(v).strip()]


def _sanction_listing(sanction: dict[str, Any], fallback: list[str], rid: str) -> Listing:
    props = sanction.get("properties") or {}
    datasets = _strs(sanction.get("datasets") or []) or fallback
    countries = _strs(props.get("country", []))
    regime = next((r for r in (_regime(d) for d in datasets) if r), None) or \
        next((_PREFIX_REGIMES.get(c.lower()) for c in countries if _PREFIX_REGIMES.get(c.lower())), None)
    program = next(iter(_strs(props.get("programId", [])) + _strs(props.get("program", []))), None)
    authority = ", ".join(_strs(props.get("authority", [])))
    dates = [parse_date(d) for d in _strs(props.get("listingDate", [])) + _strs(props.get("startDate", []))]
    ended = [d for d in (parse_date(x) for x in _strs(props.get("endDate", []))) if d]
    return Listing(regime=regime or (datasets[0].upper() if datasets else "UNKNOWN"), program=program,
                   legal_basis=" - ".join(x for x in (authority, program, f"OpenSanctions {', '.join(datasets)}")
                                          if x),
                   listed_on=min((d for d in dates if d), default=None), delisted_on=max(ended, default=None),
                   confidence="confirmed" if regime else "unverified",
                   measure="sectoral" if any(d in _SECTORAL_DATASETS for d in datasets) else "asset_freeze",
                   source=f"OpenSanctions {rid}")


def read(path: Path) -> LoadedList:
    parties: list[dict[str, Any]] = []
    sanctions: dict[str, list[dict[str, Any]]] = defaultdict(list)
    address_country: dict[str, list[str]] = {}
    latest: str | None = None
    skipped = 0
    named: dict[str, list[dict[str, Any]]] = defaultdict(list)  # records of other schemas that have a name
    for rec in _records(path):
        schema = str(rec.get("schema", ""))
        props = rec.get("properties") or {}
        if not isinstance(props, dict):
            raise ListLoadError(f"{path}: entity {rec.get('id')}: properties is not an object")
        change = rec.get("last_change") or rec.get("last_seen")
        if isinstance(change, str) and (latest is None or change > latest):
            latest = change
        if schema == "Sanction":
            for target in _strs(props.get("entity", [])):
                sanctions[target].append(rec)
        elif schema == "Address":
            address_country[str(rec.get("id"))] = _strs(props.get("country", []))
        elif schema in _PARTY_SCHEMAS:
            for nested in props.get("sanctions", []) if isinstance(props.get("sanctions"), list) else []:
                if isinstance(nested, dict):
                    sanctions[str(rec.get("id"))].append(nested)
            parties.append(rec)
        else:
            skipped += 1
            if any(_strs(props.get(p, [])) for p in _NAME_PROPS):
                named[schema].append(rec)
    # A named record of another schema (a Security, a CryptoWallet, a schema newer than this reader)
    # that a sanction names or whose topics say sanctioned is a party all the same: kept, kind unknown.
    sanctioned = [r for recs in named.values() for r in recs if str(r.get("id")) in sanctions
                  or set(_strs((r.get("properties") or {}).get("topics", []))) & _SANCTION_TOPICS]
    parties.extend(sanctioned)
    entities = [e for e in (_entity(r, sanctions, address_country) for r in parties) if e is not None]
    date = parse_date(latest)
    info = ListInfo(name="opensanctions", format="ftm-json", version=latest, date=date, entries=len(entities),
                    sha256=sha256_of([path]), path=str(path), date_source="file" if date else None,
                    files=[str(path)])
    if len(entities) < len(parties):
        info.warnings.append(f"{len(parties) - len(entities)} party entities without any name were skipped")
    if sanctioned:
        info.warnings.append(f"{len(sanctioned)} sanctioned records of other schemas "
                             f"({', '.join(sorted({str(r.get('schema')) for r in sanctioned})[:5])}) kept as parties "
                             "of kind unknown")
    kept = {id(r) for r in sanctioned}
    left = [r for recs in named.values() for r in recs if id(r) not in kept]
    if left:
        info.warnings.append(f"{len(left)} named records of other schemas "
                             f"({', '.join(sorted({str(r.get('schema')) for r in left})[:5])}), neither parties nor "
                             "sanctioned, were skipped")
    return LoadedList(info=info, entities=entities)


def _entity(rec: dict[str, Any], sanctions: dict[str, list[dict[str, Any]]],
            address_country: dict[str, list[str]]) -> Entity | None:
    props: dict[str, Any] = rec.get("properties") or {}
    rid = str(rec.get("id"))
    kind = _PARTY_SCHEMAS.get(str(rec.get("schema")), "unknown")
    names = dedupe([str(rec["caption"])] if isinstance(rec.get("caption"), str) and rec.get("caption") else [])
    all_names = dedupe(n for p in _NAME_PROPS for n in _strs(props.get(p, [])))
    caption = names[0] if names else (all_names[0] if all_names else "")
    if not caption:
        return None
    countries = [country_code(c) for p in _COUNTRY_PROPS for c in _strs(props.get(p, []))]
    for addr in props.get("addressEntity", []) or []:
        nested = addr.get("properties") if isinstance(addr, dict) else None
        if isinstance(nested, dict):  # targets.nested.json / yente: the Address entity itself
            countries.extend(country_code(c) for c in _strs(nested.get("country", [])))
        ref = addr.get("id") if isinstance(addr, dict) else addr
        countries.extend(country_code(c) for c in address_country.get(str(ref), []))
    datasets = _strs(rec.get("datasets") or [])
    topics = set(_strs(props.get("topics", [])))
    listings = [_sanction_listing(s, datasets, rid) for s in sanctions.get(rid, [])]
    # "target": false marks a record OpenSanctions carries as context (an owner, a relative), not a
    # sanctioned party: its datasets are no listing, only a Sanction or a sanction topic would be.
    context_only = rec.get("target") is False and not topics & _SANCTION_TOPICS
    if not listings and not context_only and (not topics or topics & _SANCTION_TOPICS):
        listed = min((d for d in (parse_date(x) for x in _strs(props.get("createdAt", []))) if d), default=None)
        for ds in datasets:
            regime = _regime(ds)
            confirmed = regime is not None and (not topics or "sanction" in topics)
            listings.append(Listing(regime=regime or ds.upper(), program=ds, legal_basis=f"OpenSanctions dataset {ds}",
                                    listed_on=listed, confidence="confirmed" if confirmed else "unverified",
                                    measure="sectoral" if ds in _SECTORAL_DATASETS else "asset_freeze",
                                    source=f"OpenSanctions {rid}"))
    ids = {k: "; ".join(_strs(props[k])) for k in ("registrationNumber", "taxNumber", "innCode", "ogrnCode",
                                                    "imoNumber", "passportNumber", "idNumber", "swiftBic")
           if _strs(props.get(k, []))}
    return Entity(id=f"os:{rid}", list_name="opensanctions", kind=kind, name=caption,
                  aliases=[n for n in all_names if n != caption], countries=dedupe(countries), listings=listings,
                  identifiers=ids, birth_dates=dedupe(partial_date(d) for d in _strs(props.get("birthDate", [])))
                  if kind == "person" else [],
                  raw={"id": rid, "schema": rec.get("schema"), "datasets": datasets, "topics": sorted(topics)})
