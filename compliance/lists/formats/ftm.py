"""OpenSanctions FollowTheMoney entities (JSON lines, or one JSON array)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from compliance.exc import ListLoadError
from compliance.lists.formats._common import country_code, parse_date, sha256_of
from compliance.lists.model import Entity, ListInfo, Listing, LoadedList

_PARTY_SCHEMAS = {"Person": "person", "Organization": "organization", "Company": "organization",
                  "LegalEntity": "organization", "PublicBody": "organization", "Vessel": "vessel",
                  "Airplane": "aircraft"}
_REGIMES = {"eu_fsf": "EU", "us_ofac_sdn": "US", "us_ofac_cons": "US", "gb_hmt_sanctions": "UK",
            "gb_fcdo_sanctions": "UK", "un_sc_sanctions": "UN", "ch_seco_sanctions": "CH", "ca_dfatd_sema_sanctions": "CA"}


def _records(path: Path) -> list[dict[str, Any]]:
    text = path.read_text(encoding="utf-8-sig", errors="replace").strip()
    if not text:
        return []
    if text.startswith("["):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as e:
            raise ListLoadError(f"{path}: not valid JSON: {e}") from None
        return [d for d in data if isinstance(d, dict)]
    out = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as e:
            raise ListLoadError(f"{path}: line {n}: not valid JSON: {e.msg}") from None
        if not isinstance(rec, dict):
            raise ListLoadError(f"{path}: line {n}: not a JSON object")
        out.append(rec)
    return out


def read(path: Path) -> LoadedList:
    entities = []
    for rec in _records(path):
        kind = _PARTY_SCHEMAS.get(str(rec.get("schema", "")))
        if kind is None:
            continue
        props: dict[str, list[str]] = rec.get("properties") or {}
        names = [str(n) for n in props.get("name", [])]
        if not names and rec.get("caption"):
            names = [str(rec["caption"])]
        caption = str(rec.get("caption") or (names[0] if names else ""))
        if not caption:
            continue
        aliases = [n for n in dict.fromkeys([*names, *props.get("alias", []), *props.get("previousName", []),
                                             *props.get("weakAlias", [])]) if n != caption]
        countries = [c for c in dict.fromkeys(country_code(x) for key in ("country", "nationality", "citizenship",
                                                                           "jurisdiction") for x in props.get(key, []))
                     if c]
        created = props.get("createdAt") or []
        listed = parse_date(created[0] if created else None)
        listings = []
        for ds in rec.get("datasets", []):
            regime = _REGIMES.get(ds)
            listings.append(Listing(regime=regime or ds.upper(), program=ds, legal_basis=f"OpenSanctions dataset {ds}",
                                    listed_on=listed, confidence="confirmed" if regime else "unverified",
                                    source=f"OpenSanctions {rec.get('id')}"))
        entities.append(Entity(id=f"os:{rec.get('id')}", list_name="opensanctions", kind=kind, name=caption,
                               aliases=aliases, countries=countries, listings=listings,
                               raw={"id": rec.get("id"), "schema": rec.get("schema"), "datasets": rec.get("datasets")}))
    info = ListInfo(name="opensanctions", format="ftm-json", entries=len(entities), sha256=sha256_of([path]),
                    path=str(path))
    return LoadedList(info=info, entities=entities)
