"""UK sanctions list: the FCDO summary spreadsheet (ODS) or the same columns as CSV, and the
older OFSI consolidated list CSV (Name 6, Name 1 ... Group ID)."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from pathlib import Path
from typing import Any

from compliance.exc import ListLoadError
from compliance.lists.formats._common import country_code, parse_date, sha256_of
from compliance.lists.model import Entity, ListInfo, Listing, LoadedList

_KIND = {"individual": "person", "entity": "organization", "ship": "vessel"}
_FCDO_HEADER = ("unique id", "name", "regime name")
_LEGAL = "The sanctions regulations of the UK regime named in the listing (Sanctions and Anti-Money Laundering Act 2018)"


def _clean(v: Any) -> str:
    if v is None:
        return ""
    s = str(v).strip()
    return "" if s.lower() in ("nan", "none") else s


def _from_rows(rows: list[list[str]], path: Path, fmt: str) -> LoadedList:
    header_at = next((i for i, r in enumerate(rows[:20])
                      if all(h in [c.lower() for c in r] for h in _FCDO_HEADER)), None)
    if header_at is not None:
        return _fcdo(rows, header_at, path, fmt)
    header_at = next((i for i, r in enumerate(rows[:5]) if "name 6" in [c.lower() for c in r]), None)
    if header_at is not None:
        return _ofsi(rows, header_at, path, fmt)
    raise ListLoadError(f"{path}: no 'Unique ID / Name / Regime Name' or 'Name 6 ... Group ID' header: not a UK list")


def _fcdo(rows: list[list[str]], header_at: int, path: Path, fmt: str) -> LoadedList:
    header = [c.lower() for c in rows[header_at]]
    col = {h: header.index(h) for h in header}

    def get(r: list[str], name: str) -> str:
        i = col.get(name)
        return r[i] if i is not None and i < len(r) else ""

    date_col = next((h for h in header if h.startswith("date designated")), "")
    groups: dict[str, list[list[str]]] = defaultdict(list)
    for r in rows[header_at + 1:]:
        uid = get(r, "unique id")
        if not uid:
            continue
        groups[get(r, "ofsi group id") or uid].append(r)
    entities = []
    for gid, members in groups.items():
        names = [n for n in dict.fromkeys(get(r, "name") for r in members) if n]
        if not names:
            continue
        first = members[0]
        listings: list[Listing] = []
        for r in members:
            sanctions = get(r, "sanctions imposed")
            prog = get(r, "regime name") or None
            if any(lst.program == prog for lst in listings):
                continue
            listings.append(Listing(regime="UK", program=prog, legal_basis=f"{_LEGAL}: {prog}",
                                    measure="asset_freeze" if "asset freeze" in sanctions.lower() or not sanctions
                                    else "sectoral",
                                    listed_on=parse_date(get(r, date_col)), source=f"UK {get(r, 'unique id')}",
                                    note=sanctions or None))
        entities.append(Entity(id=f"uk:{get(first, 'unique id')}", list_name="uk-sanctions",
                               kind=_KIND.get(get(first, "type").lower(), "organization"), name=names[0],
                               aliases=names[1:], listings=listings,
                               raw={"unique_id": get(first, "unique id"), "group_id": gid,
                                    "designation_source": get(first, "designation source")}))
    info = ListInfo(name="uk-sanctions", format=fmt, entries=len(entities), sha256=sha256_of([path]), path=str(path))
    stem = path.stem
    if (d := _date_in_name(stem)) is not None:
        info.date = d
        info.version = d.isoformat()
    return LoadedList(info=info, entities=entities)


def _date_in_name(stem: str) -> Any:
    import re

    m = re.search(r"([A-Z][a-z]{2})_(\d{1,2})_(\d{4})", stem)
    return parse_date(f"{m[2]} {m[1]} {m[3]}") if m else None


def _ofsi(rows: list[list[str]], header_at: int, path: Path, fmt: str) -> LoadedList:
    header = [c.lower() for c in rows[header_at]]
    col = {h: i for i, h in enumerate(header)}

    def get(r: list[str], name: str) -> str:
        i = col.get(name)
        return r[i] if i is not None and i < len(r) else ""

    groups: dict[str, list[list[str]]] = defaultdict(list)
    for r in rows[header_at + 1:]:
        gid = get(r, "group id")
        if gid:
            groups[gid].append(r)
    entities = []
    for gid, members in groups.items():
        names = []
        for r in members:
            parts = [get(r, f"name {i}") for i in (1, 2, 3, 4, 5)] + [get(r, "name 6")]
            n = " ".join(p for p in parts if p)
            if n and n not in names:
                names.append(n)
        if not names:
            continue
        first = members[0]
        countries = [c for c in dict.fromkeys(country_code(get(r, "country")) or country_code(get(r, "nationality"))
                                              for r in members) if c]
        prog = get(first, "regime") or None
        entities.append(Entity(id=f"uk:{gid}", list_name="uk-sanctions",
                               kind=_KIND.get(get(first, "group type").lower(), "organization"), name=names[0],
                               aliases=names[1:], countries=countries,
                               listings=[Listing(regime="UK", program=prog, legal_basis=f"{_LEGAL}: {prog}",
                                                 listed_on=parse_date(get(first, "listed on")), source=f"OFSI {gid}")],
                               raw={"group_id": gid}))
    info = ListInfo(name="uk-sanctions", format=fmt, entries=len(entities), sha256=sha256_of([path]), path=str(path))
    return LoadedList(info=info, entities=entities)


def read_ods(path: Path) -> LoadedList:
    import pandas as pd

    try:
        frame = pd.read_excel(path, engine="odf", header=None, dtype=str)
    except Exception as e:  # odfpy raises many kinds on a damaged file
        raise ListLoadError(f"{path}: cannot read as an ODS spreadsheet: {e}") from None
    rows = [[_clean(v) for v in row] for row in frame.itertuples(index=False)]
    return _from_rows(rows, path, "uk-ods")


def read_csv(path: Path) -> LoadedList:
    raw = path.read_bytes()
    if b"\x00" in raw[:4096]:
        raise ListLoadError(f"{path}: binary data, not a UK list CSV")
    text = raw.decode("utf-8-sig", errors="replace")
    rows = [[_clean(c) for c in r] for r in csv.reader(io.StringIO(text))]
    return _from_rows(rows, path, "uk-csv")
