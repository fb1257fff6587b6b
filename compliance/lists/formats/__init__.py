"""List file formats: one reader per source format, and format detection.

Every reader returns a whole ``LoadedList`` or raises ``ListLoadError`` naming the file (and
line or record): a damaged file never yields half a list.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from compliance.exc import ListLoadError
from compliance.lists.formats import eu, ftm, ofac, uk, un
from compliance.lists.formats._common import sniff
from compliance.lists.model import LoadedList

FORMATS: dict[str, Callable[[Path], LoadedList]] = {
    "ofac-csv": ofac.read_csv,
    "ofac-xml": ofac.read_xml,
    "un-xml": un.read,
    "eu-fsf-xml": eu.read_xml,
    "eu-fsf-csv": eu.read_csv,
    "uk-ods": uk.read_ods,
    "uk-csv": uk.read_csv,
    "ftm-json": ftm.read,
}


def detect_format(path: Path) -> str:
    """The format of a list file from its name and first bytes."""
    head = sniff(path)
    name = path.name.lower()
    if head.startswith(b"PK") and (name.endswith(".ods") or b"opendocument" in head):
        return "uk-ods"
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff \r\n\t")
    if text.startswith("<"):
        if "sdnList" in text or "publshInformation" in text:
            return "ofac-xml"
        if "CONSOLIDATED_LIST" in text:
            return "un-xml"
        if "eu.europa.ec/fpi/fsd/export" in text:
            return "eu-fsf-xml"
        raise ListLoadError(f"{path}: XML of an unknown list format; give --format")
    if text.startswith(("{", "[")):
        return "ftm-json"
    if "Entity_LogicalId" in text:
        return "eu-fsf-csv"
    first = text.splitlines()[0].lower() if text else ""
    if "unique id" in first or "name 6" in first or "ofsi" in first or "last updated" in first:
        return "uk-csv"
    if name in ("sdn.csv", "cons_prim.csv") or (first[:1].isdigit() and '"' in first and "-0-" in text):
        return "ofac-csv"
    raise ListLoadError(f"{path}: unknown list format; give --format (one of {', '.join(FORMATS)})")


__all__ = ["FORMATS", "detect_format"]
