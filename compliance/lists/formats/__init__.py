"""List file formats: one reader per source format, and format detection from the content.

Every reader returns a whole ``LoadedList`` or raises ``ListLoadError`` naming the file (and
line or record): a damaged file never yields half a list.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from pathlib import Path

from compliance.exc import ListLoadError
from compliance.lists.formats import eu, ftm, ofac, opensanctions, uk, un, us
from compliance.lists.formats._common import looks_binary, sniff, utf16_of
from compliance.lists.model import LoadedList

FORMATS: dict[str, Callable[[Path], LoadedList]] = {
    "ofac-csv": ofac.read_csv,
    "ofac-xml": ofac.read_xml,
    "ofac-advanced-xml": ofac.read_advanced_xml,
    "ofac-enhanced-xml": ofac.read_enhanced_xml,
    "un-xml": un.read,
    "eu-fsf-xml": eu.read_xml,
    "eu-fsf-csv": eu.read_csv,
    "uk-ods": uk.read_ods,
    "uk-xlsx": uk.read_xlsx,
    "uk-csv": uk.read_csv,
    "uk-xml": uk.read_xml,
    "ftm-json": ftm.read,
    "os-simple-csv": opensanctions.read_simple_csv,
    "os-senzing-json": opensanctions.read_senzing,
    "us-csl-csv": us.read_csl,
    "us-csl-json": us.read_csl_json,
    "us-bis-dpl": us.read_dpl,
}

_ROOT = re.compile(r"<([A-Za-z_][\w.:-]*)([^>]*)(?:>|$)")  # the end: a file cut inside its root tag
# trade.gov CSL JSON keys; FtM records always have a schema (Senzing records a RECORD_TYPE).
_CSL_JSON = re.compile(r'"(?:sources_used|alt_names|entity_number|source_list_url)"\s*:')
_FTM_JSON = re.compile(r'"(?:schema|RECORD_TYPE)"\s*:')
_OFAC_SIDE = {5: "alt.csv (aliases)", 6: "add.csv (addresses)", 2: "sdn_comments.csv (remarks overflow)"}


def _decode_head(head: bytes) -> str:
    if enc := utf16_of(head):
        return head.decode(enc, errors="replace")
    return head.decode("utf-8", errors="replace").lstrip("\ufeff")


def _xml_root(text: str) -> tuple[str, str]:
    """(local root tag, its attributes text) after the prolog, comments and doctype."""
    body = re.sub(r"<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>", "", text, flags=re.S)
    m = _ROOT.search(body)
    return (m[1].rsplit(":", 1)[-1], m[2]) if m else ("", "")


def _zip_spreadsheet(path: Path) -> str | None:
    """'uk-ods' or 'uk-xlsx' from the parts a zip holds (an ODS need not start with its mimetype
    entry, nor carry the .ods extension); None for other archives, or an unreadable one."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            mimetype = z.read("mimetype")[:100] if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        return None
    if b"opendocument.spreadsheet" in mimetype or ("content.xml" in names and "META-INF/manifest.xml" in names):
        return "uk-ods"
    if "xl/workbook.xml" in names:
        return "uk-xlsx"
    return None


def detect_format(path: Path) -> str:
    """The format of a list file from its first bytes (the name is only a tie-breaker)."""
    head = sniff(path, 16384)
    if not head.strip(b" \t\r\n\x1a\xef\xbb\xbf"):
        raise ListLoadError(f"{path}: empty file")
    if head.startswith(b"PK"):
        if b"opendocument.spreadsheet" in head[:200] or path.suffix.lower() == ".ods":
            return "uk-ods"
        if b"[Content_Types].xml" in head or b"xl/" in head or path.suffix.lower() == ".xlsx":
            return "uk-xlsx"
        kind = _zip_spreadsheet(path)  # the parts named in the archive's directory, for any name
        if kind:
            return kind
        raise ListLoadError(f"{path}: a zip archive that is neither an ODS nor an XLSX spreadsheet; unzip it first")
    if head.startswith(b"\x1f\x8b"):
        raise ListLoadError(f"{path}: a gzip-compressed file: decompress it first (gunzip {path.name})")
    if looks_binary(head):
        raise ListLoadError(f"{path}: binary data, not a list file (expected XML, CSV, JSON or ODS)")
    text = _decode_head(head).lstrip(" \r\n\t")
    if text.startswith("<"):
        root, attrs = _xml_root(text)
        if root == "sdnList":
            return "ofac-xml"
        if root == "Sanctions":
            return "ofac-advanced-xml"
        if root == "sanctionsData":
            return "ofac-enhanced-xml"
        if root == "CONSOLIDATED_LIST":
            return "un-xml"
        if (root == "export" and ("fsd" in attrs or "sanctionEntity" in text)) or (root == "WHOLE" and "<ENTITY" in text):
            return "eu-fsf-xml"
        if uk.is_uk_root(root):
            return "uk-xml"
        if not root:
            raise ListLoadError(f"{path}: XML without a root element (the file is cut short, or not a list)")
        raise ListLoadError(f"{path}: XML with root <{root}> is not a known list format; give --format "
                            f"(one of {', '.join(FORMATS)})")
    if text.startswith(("{", "[")):
        if opensanctions.is_senzing(text[:4096]):
            return "os-senzing-json"
        if _CSL_JSON.search(text) and not _FTM_JSON.search(text):
            return "us-csl-json"
        return "ftm-json"
    lines = text.splitlines()
    first = lines[0] if lines else ""
    low = text[:8192].lower()
    if "entity_logicalid" in low or "entity_logical_id" in low:
        return "eu-fsf-csv"
    if first.startswith(("_id,", "_id\t")) or ("source" in first and "entity_number" in first and "alt_names" in first):
        return "us-csl-csv"
    if '"Name"\t"Street_Address"' in first or first.startswith("Name\tStreet_Address"):
        return "us-bis-dpl"
    if opensanctions.is_simple_csv(first):
        return "os-simple-csv"
    if "entity_id" in first and "prop" in first and "value" in first:
        return "ftm-json"  # FtM statements CSV
    if any(("name 6" in ln.lower() or "unique id" in ln.lower()) and "id" in ln.lower() for ln in lines[:30]):
        return "uk-csv"
    row = next(csv.reader([first]), [])
    if row and row[0].strip().lower() in ofac.HEADER_FIRST_CELLS:  # a header added in a spreadsheet
        row = next(csv.reader(lines[1:2]), [])
    if path.name.lower() in ("sdn.csv", "cons_prim.csv") and row and row[0].strip().isdigit():
        return "ofac-csv"  # named so and starting with an ent_num: the reader reports what is wrong
    if row and row[0].strip().isdigit():
        if len(row) == 12:
            return "ofac-csv"
        if len(row) in _OFAC_SIDE:
            raise ListLoadError(f"{path}: looks like an OFAC {_OFAC_SIDE[len(row)]} file; import the sdn.csv "
                                "(or cons_prim.csv) beside it, which reads this file too")
    if path.name.lower() in ("sdn.csv", "cons_prim.csv"):
        return "ofac-csv"
    raise ListLoadError(f"{path}: unknown list format; give --format (one of {', '.join(FORMATS)})")


__all__ = ["FORMATS", "detect_format"]
