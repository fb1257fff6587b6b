"""Sanctions lists: the bundled curated Belarus list, importers, and the local list store.

``load_list`` parses a list file now (format detected or given); ``import_list`` parses it and
keeps it in the data directory, where every later screening picks it up (``imported_lists``).
A failed import never replaces the list already stored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from compliance import settings
from compliance.exc import ComplianceError, InvalidRuleFile, ListLoadError
from compliance.lists.model import Entity, ListInfo, Listing, LoadedList

log = logging.getLogger(__name__)

__all__ = ["Entity", "ListInfo", "Listing", "LoadedList", "detect_format", "import_list", "imported_lists",
           "list_formats", "list_status", "load_curated", "load_list", "load_lists", "load_yaml_list",
           "remove_list"]

CURATED_FORMAT = "curated-yaml"


# The curated-list file format (also usable for a company's own watch list) -------------------
class _ListingIn(Listing):
    model_config = ConfigDict(extra="forbid")


class _EntityIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    kind: str = "organization"
    name: str
    ru: str | None = None
    be: str | None = None
    aliases: list[str] = Field(default_factory=list)
    countries: list[str] = Field(default_factory=list)
    identifiers: dict[str, str] = Field(default_factory=dict)
    remarks: str | None = None
    listings: list[_ListingIn] = Field(default_factory=list)


class _ListFileIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = None
    version: str
    date: dt.date | None = None
    source: str | None = None
    entities: list[_EntityIn]


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def load_yaml_list(path: str | Path, *, list_name: str | None = None) -> LoadedList:
    """Read a list in the curated YAML format; errors name the file, line and field."""
    from compliance.countries import resolve_country
    from compliance.rules.loader import _read_yaml, _validate

    p = Path(path)
    try:
        data, node = _read_yaml(p)
        parsed: _ListFileIn = _validate(_ListFileIn, data, node, p)
    except InvalidRuleFile as err:
        raise ListLoadError(str(err)) from None
    name = list_name or parsed.name or ("curated-belarus" if p == settings.CURATED_LIST else p.stem)
    entities: list[Entity] = []
    seen: set[str] = set()
    for i, e in enumerate(parsed.entities):
        if e.id in seen:
            raise ListLoadError(f"{p}: entities[{i}].id: duplicate id {e.id!r}")
        seen.add(e.id)
        countries = []
        for c in e.countries:
            code = resolve_country(c)
            if code is None:
                raise ListLoadError(f"{p}: entities[{i}].countries: unknown country {c!r}")
            countries.append(code)
        aliases = [a for a in (e.ru, e.be, *e.aliases) if a]
        entities.append(Entity(id=e.id, list_name=name, kind=e.kind, name=e.name, aliases=aliases,
                               countries=countries, identifiers=e.identifiers, remarks=e.remarks,
                               listings=[Listing.model_validate(x.model_dump()) for x in e.listings]))
    info = ListInfo(name=name, format=CURATED_FORMAT, version=parsed.version, date=parsed.date,
                    entries=len(entities), sha256=_sha256(p), path=str(p))
    return LoadedList(info=info, entities=entities)


def load_curated() -> LoadedList:
    """The bundled curated list of Belarus-sanctioned parties (reference §8)."""
    return load_yaml_list(settings.CURATED_LIST, list_name="curated-belarus")


# Formats --------------------------------------------------------------------------------------
def _readers() -> dict[str, Callable[[Path], LoadedList]]:
    readers: dict[str, Callable[[Path], LoadedList]] = {CURATED_FORMAT: load_yaml_list}
    try:
        from compliance.lists.formats import FORMATS
    except ImportError:  # pragma: no cover - the formats package ships with the project
        return readers
    readers.update(FORMATS)
    return readers


def list_formats() -> list[str]:
    """Names accepted by ``--format``."""
    return sorted(_readers())


def detect_format(path: str | Path) -> str:
    """The format of a list file, from its name and first bytes; ``ListLoadError`` if unknown."""
    p = Path(path)
    if p.suffix.lower() in (".yaml", ".yml"):
        return CURATED_FORMAT
    from compliance.lists.formats import detect_format as detect

    return str(detect(p))


def load_list(path: str | Path, format: str | None = None) -> LoadedList:
    """Parse one list file now (not stored)."""
    p = Path(path)
    if not p.exists():
        raise ListLoadError(f"{p}: no such file")
    if p.is_dir():
        raise ListLoadError(f"{p}: is a directory; give the list file (e.g. sdn.csv)")
    fmt = format or detect_format(p)
    readers = _readers()
    if fmt not in readers:
        raise ListLoadError(f"{p}: unknown list format {fmt!r}; use one of {', '.join(sorted(readers))}")
    try:
        loaded = readers[fmt](p)
    except ListLoadError:
        raise
    except (OSError, ValueError, KeyError, IndexError, TypeError) as e:
        raise ListLoadError(f"{p}: cannot read as {fmt}: {e}") from None
    if not loaded.entities:
        raise ListLoadError(f"{p}: no entries found when read as {fmt}")
    log.info("loaded %s (%s): %d entries", p, fmt, len(loaded.entities))
    return loaded


def load_lists(paths: Iterable[str | Path]) -> list[LoadedList]:
    return [load_list(p) for p in paths]


# The store ------------------------------------------------------------------------------------
def _store() -> Path:
    return settings.data_dir() / "lists"


def _store_file(name: str) -> Path:
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in name)
    return _store() / f"{safe}.json"


def import_list(path: str | Path, format: str | None = None, *, name: str | None = None) -> ListInfo:
    """Parse a list file and keep it in the store (replacing the list of the same name).

    Written to a temporary file and renamed, so a failed import leaves the previous list intact.
    """
    loaded = load_list(path, format)
    if name:
        loaded = LoadedList(info=loaded.info.model_copy(update={"name": name}),
                            entities=[e.model_copy(update={"list_name": name}) for e in loaded.entities])
    if loaded.info.name == "curated-belarus":
        raise ListLoadError("the name 'curated-belarus' is the bundled list's; import under another --name")
    loaded.info.imported_at = dt.datetime.now(dt.UTC)
    target = _store_file(loaded.info.name)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".import-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(loaded.model_dump_json(exclude_none=True))
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    log.info("imported %s as %s (%d entries)", path, loaded.info.name, loaded.info.entries)
    return loaded.info


def imported_lists() -> list[LoadedList]:
    """Every list kept by ``import_list``; a damaged store file is skipped with a warning."""
    store = _store()
    if not store.is_dir():
        return []
    out = []
    for f in sorted(store.glob("*.json")):
        try:
            out.append(LoadedList.model_validate_json(f.read_bytes()))
        except (OSError, ValidationError, ValueError) as e:
            log.warning("skipping damaged list store file %s: %s", f, str(e).splitlines()[0])
    return out


def remove_list(name: str) -> None:
    f = _store_file(name)
    if not f.exists():
        raise ComplianceError(f"no imported list named {name!r}")
    f.unlink()


def list_status() -> list[ListInfo]:
    """The bundled list and every imported list, with version, date, size and checksum."""
    return [x.info for x in [load_curated(), *imported_lists()]]
