"""List files as publishers ship them compressed: OFAC's SDN.ZIP / SDN_XML.ZIP / sdn_advanced.zip /
SDN_ENHANCED.ZIP, a list saved as .gz. The archive is unpacked into a temporary folder and
the list inside it read as if given directly; spreadsheets (ODS, XLSX are zips too) are not.
"""

from __future__ import annotations

import gzip
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from compliance.exc import ListLoadError
from compliance.lists.formats._common import sniff

# Far above any real list (the EU FSF XML, the largest, is ~30 MB): an archive that unpacks to
# more is refused rather than allowed to fill the disk.
MAX_UNPACKED = 2 << 30
LIST_SUFFIXES = (".csv", ".xml", ".json", ".jsonl", ".ndjson", ".txt", ".ods", ".xlsx", ".tsv")
OFAC_MAIN = ("sdn.csv", "cons_prim.csv")


def archive_kind(path: Path) -> str | None:
    """'gzip' or 'zip' for an archive holding a list; None for anything else (and for ODS/XLSX)."""
    from compliance.lists.formats import _zip_spreadsheet

    head = sniff(path, 512)
    if head.startswith(b"\x1f\x8b"):
        return "gzip"
    if head.startswith(b"PK"):
        if b"opendocument.spreadsheet" in head[:200] or path.suffix.lower() in (".ods", ".xlsx"):
            return None
        if _zip_spreadsheet(path) is not None:
            return None
        return "zip"
    return None


def _copy(src: object, dst: Path, path: Path, member: str) -> None:
    total = 0
    with dst.open("wb") as out:
        while block := src.read(1 << 20):  # type: ignore[attr-defined]
            total += len(block)
            if total > MAX_UNPACKED:
                raise ListLoadError(f"{path}: {member} unpacks to more than {MAX_UNPACKED >> 30} GiB: "
                                    "not a list file (refused)")
            out.write(block)


def _pick(path: Path, names: list[str]) -> list[str]:
    """The members to unpack, the list file first."""
    files = [n for n in names if not n.endswith("/") and "__MACOSX" not in n and not Path(n).name.startswith(".")]
    if not files:
        raise ListLoadError(f"{path}: an empty zip archive (no list file in it)")
    for main in OFAC_MAIN:  # OFAC's SDN.ZIP: sdn.csv with alt/add/comments beside it, read together
        hit = next((n for n in files if Path(n).name.lower() == main), None)
        if hit is not None:
            folder = str(Path(hit).parent)
            return [hit, *(n for n in files if n != hit and str(Path(n).parent) == folder
                           and Path(n).suffix.lower() == ".csv")]
    if len(files) == 1:
        return files
    lists = [n for n in files if Path(n).suffix.lower() in LIST_SUFFIXES]
    if len(lists) == 1:
        return lists
    shown = ", ".join(files[:8]) + (f", ... ({len(files)} files)" if len(files) > 8 else "")
    raise ListLoadError(f"{path}: a zip archive holding several files ({shown}); unzip it and import the list "
                        "file itself")


@contextmanager
def unpacked(path: Path, kind: str) -> Iterator[tuple[Path, str]]:
    """(the list file unpacked from the archive, its name inside the archive). The folder it sits
    in is named like the archive's, so a version read from the folder name (OFAC CSV) survives."""
    with tempfile.TemporaryDirectory(prefix="compliance-list-") as tmp:
        folder = Path(tmp) / (path.parent.name or "list")
        folder.mkdir()
        if kind == "gzip":
            stem = path.name[:-3] if path.name.lower().endswith(".gz") else path.stem
            target = folder / (stem or "list")
            try:
                with gzip.open(path, "rb") as src:
                    _copy(src, target, path, stem)
            except (OSError, EOFError, zlib.error) as e:
                raise ListLoadError(f"{path}: a damaged or cut-short gzip file ({e}); get the complete file") from None
            yield target, target.name
            return
        try:
            with zipfile.ZipFile(path) as z:
                members = _pick(path, z.namelist())
                out: list[Path] = []
                for m in members:
                    dst = folder / Path(m).name
                    with z.open(m) as src:
                        _copy(src, dst, path, m)
                    out.append(dst)
        except (zipfile.BadZipFile, OSError, EOFError, zlib.error, NotImplementedError) as e:
            raise ListLoadError(f"{path}: a damaged or cut-short zip archive ({e}); get the complete file") from None
        yield out[0], members[0]
