"""Sanctions lists: the bundled curated Belarus list, importers, and the local list store.

``load_list`` parses a list file now (format detected or given); ``import_list`` parses it and
keeps it in the data directory, where every later screening picks it up (``imported_lists``).
A failed import never replaces the list already stored.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import json
import logging
import os
import re
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from compliance import settings
from compliance.exc import ComplianceError, InvalidRuleFile, ListLoadError
from compliance.lists.formats._common import DELIMITED, check_not_cut
from compliance.lists.model import Entity, ListInfo, Listing, LoadedList

log = logging.getLogger(__name__)

__all__ = ["Entity", "ListInfo", "Listing", "LoadedList", "detect_format", "import_list", "imported_lists",
           "list_formats", "list_status", "load_curated", "load_list", "load_lists", "load_yaml_list",
           "remove_list"]

CURATED_FORMAT = "curated-yaml"
_MAX_WARNINGS = 200


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
    """Parse one list file now (not stored). Errors name the file and, where possible, the line."""
    p = Path(path)
    if not p.exists():
        raise ListLoadError(f"{p}: no such file")
    if p.is_dir():
        return load_list(_list_in_folder(p), format)
    readers = _readers()
    if format is not None and format not in readers:
        raise ListLoadError(f"{p}: unknown list format {format!r}; use one of {', '.join(sorted(readers))}")
    if format not in ("uk-ods", "uk-xlsx"):
        from compliance.lists.archive import archive_kind

        if (kind := archive_kind(p)) is not None:
            return _load_archive(p, kind, format)
    fmt = format or detect_format(p)
    # Building tens of thousands of small objects: the cyclic GC would rescan them again and
    # again (about a third of the import time); nothing here creates cycles.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        if fmt in DELIMITED:
            check_not_cut(p, DELIMITED[fmt])
        loaded = readers[fmt](p)
        if not loaded.entities:
            raise ListLoadError(f"{p}: no entries found when read as {fmt}")
    except ListLoadError as e:
        raise ListLoadError(str(e) + _format_hint(p, format)) from None
    except (OSError, ValueError, KeyError, IndexError, TypeError, UnicodeError) as e:
        raise ListLoadError(f"{p}: cannot read as {fmt}: {type(e).__name__}: {e}{_format_hint(p, format)}") from None
    finally:
        if gc_was_enabled:
            gc.enable()
    loaded = _merge_duplicate_ids(_clean_names(loaded))
    if len(loaded.info.warnings) > _MAX_WARNINGS:  # a badly damaged file: keep the status readable
        extra = len(loaded.info.warnings) - _MAX_WARNINGS
        loaded.info.warnings = [*loaded.info.warnings[:_MAX_WARNINGS], f"... and {extra} more warnings"]
    for w in loaded.info.warnings:
        log.warning("%s", w)
    log.info("loaded %s (%s): %d entries", p, fmt, len(loaded.entities))
    return loaded


def _list_in_folder(folder: Path) -> Path:
    """The list file of a folder given instead of a file (an unzipped OFAC SDN.ZIP: its sdn.csv,
    which reads the side files beside it; or the folder's only list-like file)."""
    from compliance.lists.archive import LIST_SUFFIXES, OFAC_MAIN

    try:
        files = sorted(f for f in folder.iterdir() if f.is_file() and not f.name.startswith("."))
    except OSError as e:
        raise ListLoadError(f"{folder}: cannot read the folder: {e.strerror or e}") from None
    main = next((f for m in OFAC_MAIN for f in files if f.name.lower() == m), None)
    if main is not None:
        return main
    lists = [f for f in files if f.suffix.lower() in (*LIST_SUFFIXES, ".zip", ".gz")]
    if len(lists) == 1:
        return lists[0]
    shown = ", ".join(f.name for f in lists[:8]) or "no list file"
    raise ListLoadError(f"{folder}: is a directory ({shown}); give the list file (e.g. sdn.csv)")


def _load_archive(path: Path, kind: str, format: str | None) -> LoadedList:
    """The list inside a zip or gzip file, recorded under the archive's path and checksum (the
    file the user has); errors and files name the member inside the archive."""
    from compliance.lists.archive import archive_kind, unpacked

    with unpacked(path, kind) as (inner, member):
        if archive_kind(inner) is not None:  # one level only: a zip holding itself would never end
            raise ListLoadError(f"{path}!{member}: an archive inside an archive; unpack it and import the list file")
        try:
            loaded = load_list(inner, format)
        except ListLoadError as e:
            raise ListLoadError(str(e).replace(str(inner.parent) + os.sep, f"{path}!")) from None
        files = [f"{path}!{Path(f).name}" for f in loaded.info.files]
    info = loaded.info.model_copy(update={"path": str(path), "sha256": _sha256(path), "files": files})
    log.info("read %s from the %s archive %s", member, kind, path)
    return LoadedList(info=info, entities=loaded.entities)


# C0/C1 control characters (a damaged export, a stray escape): they match nothing and would be
# written into results as they are. Line breaks and tabs read as a space, the rest as nothing.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_BREAKS = str.maketrans("\t\n\r\x0b\x0c", "     ")


def _clean_name(name: str) -> str:
    return " ".join(_CONTROL.sub("", name.translate(_BREAKS)).split())


def _clean_names(loaded: LoadedList) -> LoadedList:
    """Names and aliases without control characters (a name left empty by it keeps its text)."""
    changed = 0
    entities = []
    for e in loaded.entities:
        if not any(_CONTROL.search(n) for n in e.all_names):
            entities.append(e)
            continue
        changed += 1
        name = _clean_name(e.name) or e.name
        aliases = [a for a in dict.fromkeys(_clean_name(x) or x for x in e.aliases) if a != name]
        entities.append(e.model_copy(update={"name": name, "aliases": aliases}))
    if not changed:
        return loaded
    info = loaded.info.model_copy(update={"warnings": [
        *loaded.info.warnings, f"{changed} records had control characters in their names; removed"]})
    return LoadedList(info=info, entities=entities)


def _merge_duplicate_ids(loaded: LoadedList) -> LoadedList:
    """Records sharing an id (a list's own duplicates) become one entity with the union of their
    names, countries and listings: ids must be unique for screening, and no record is dropped."""
    by_id: dict[str, Entity] = {}
    merged = 0
    for e in loaded.entities:
        first = by_id.get(e.id)
        if first is None:
            by_id[e.id] = e
            continue
        merged += 1
        names = [n for n in e.all_names if n not in first.all_names]
        by_id[e.id] = first.model_copy(update={
            "aliases": [*first.aliases, *names],
            "countries": [*first.countries, *(c for c in e.countries if c not in first.countries)],
            "birth_dates": [*first.birth_dates, *(d for d in e.birth_dates if d not in first.birth_dates)],
            "listings": [*first.listings, *(x for x in e.listings if x not in first.listings)],
            "identifiers": {**e.identifiers, **first.identifiers}})
    if not merged:
        return loaded
    info = loaded.info.model_copy(update={
        "entries": len(by_id),
        "warnings": [*loaded.info.warnings, f"{merged} records repeat the id of an earlier record; merged into it"]})
    return LoadedList(info=info, entities=list(by_id.values()))


def _format_hint(path: Path, given: str | None) -> str:
    """When --format was given and the content says otherwise, say so."""
    if given is None:
        return ""
    try:
        detected = detect_format(path)
    except ListLoadError:
        return ""
    return f" (--format {given} was given, but the content looks like {detected})" if detected != given else ""


def load_lists(paths: Iterable[str | Path]) -> list[LoadedList]:
    return [load_list(p) for p in paths]


# The store ------------------------------------------------------------------------------------
def _store() -> Path:
    return settings.data_dir() / "lists"


def _store_file(name: str) -> Path:
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in name)
    return _store() / f"{safe}.json"


def import_list(path: str | Path, format: str | None = None, *, name: str | None = None,
                force: bool = False) -> ListInfo:
    """Parse a list file and keep it in the store (replacing the list of the same name).

    Written to a temporary file and renamed, so a failed import leaves the previous list intact.
    Re-importing the same content changes nothing (the stored list and its import time stay).
    A file older than the stored list of the same name (by the list's own date), or with fewer than
    half its entries, is refused unless ``force``: a stale or cut download must not silently replace
    a newer or whole list.
    """
    loaded = load_list(path, format)
    if name:
        loaded = LoadedList(info=loaded.info.model_copy(update={"name": name}),
                            entities=[e.model_copy(update={"list_name": name}) for e in loaded.entities])
    if loaded.info.name == "curated-belarus":
        raise ListLoadError("the name 'curated-belarus' is the bundled list's; import under another --name")
    target = _store_file(loaded.info.name)
    previous = _stored_info(target)
    if previous is not None and previous.sha256 == loaded.info.sha256 and previous.format == loaded.info.format:
        log.info("%s: already imported as %s (same sha256); nothing changed", path, previous.name)
        return previous
    if (previous is not None and not force and previous.date and loaded.info.date
            and loaded.info.date < previous.date):
        raise ListLoadError(f"{path}: this {loaded.info.name} list is dated {loaded.info.date}, older than the one "
                            f"already imported ({previous.date}, {previous.entries} entries); kept the stored "
                            "list (use --force to replace it anyway)")
    if previous is not None and not force and loaded.info.entries * 2 < previous.entries:
        # A cut download or a selection would silently drop most of the list from every later screening.
        raise ListLoadError(f"{path}: {loaded.info.entries} entries would replace the {previous.entries} of the "
                            f"stored {previous.name} list (dated {previous.date or 'unknown'}): a partial file or a "
                            "selection? kept the stored list (use --force to replace it anyway, or --name to keep "
                            "this file as a list of its own)")
    if previous is not None and loaded.info.entries < previous.entries * 0.8:
        # Lists change by a few per cent from one release to the next: a fifth fewer is worth a word.
        loaded.info.warnings.append(f"{loaded.info.entries} entries replace the {previous.entries} of the stored "
                                    f"{previous.name} list (dated {previous.date or 'unknown'}): a partial file?")
        log.warning("%s", loaded.info.warnings[-1])
    loaded.info.imported_at = dt.datetime.now(dt.UTC)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".import-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            # Entity by entity: one JSON string of the whole list would be another copy of it.
            f.write('{"info":' + loaded.info.model_dump_json(exclude_none=True) + ',"entities":[')
            for i, e in enumerate(loaded.entities):
                f.write(("," if i else "") + e.model_dump_json(exclude_none=True))
            f.write("]}")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    log.info("imported %s as %s (%d entries)", path, loaded.info.name, loaded.info.entries)
    return loaded.info


def _stored_info(target: Path) -> ListInfo | None:
    """The info of a stored list, read without validating its entities (fast)."""
    if not target.is_file():
        return None
    try:
        with target.open("rb") as f:
            data = json.load(f)
        return ListInfo.model_validate(data.get("info", {}))
    except (OSError, ValueError, ValidationError):
        return None


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
    infos = [load_curated().info]
    store = _store()
    for f in sorted(store.glob("*.json")) if store.is_dir() else []:
        info = _stored_info(f)  # the header only: status need not validate every entity
        if info is None:
            log.warning("skipping damaged list store file %s", f)
            continue
        infos.append(info)
    return infos
