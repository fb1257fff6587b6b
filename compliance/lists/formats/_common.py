"""Helpers shared by the list readers."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable
from pathlib import Path

from compliance.countries import resolve_country
from compliance.exc import ComplianceError, ListLoadError


def sha256_of(paths: Iterable[Path]) -> str:
    h = hashlib.sha256()
    for p in paths:
        with p.open("rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
    return h.hexdigest()


def country_code(text: str | None) -> str | None:
    """ISO alpha-2 for a country name or code as lists write them, or None."""
    if not text:
        return None
    text = text.strip().strip(".")
    if not text:
        return None
    try:
        return resolve_country(text)
    except (ComplianceError, ValueError):
        return None


def parse_date(text: str | None) -> dt.date | None:
    """Dates as lists write them: ISO, DD-MM-YYYY, DD/MM/YYYY, MM/DD/YYYY (OFAC), '14 Nov 2007'."""
    if not text:
        return None
    text = text.strip()
    for fmt in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%m/%d/%Y", "%d %b %Y", "%d %B %Y", "%Y-%m-%dT%H:%M:%S"):
        try:
            return dt.datetime.strptime(text[:len(text) if "T" not in text else 19], fmt).date()
        except ValueError:
            continue
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", text)
    if m:
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return None
    return None


def sniff(path: Path, size: int = 4096) -> bytes:
    try:
        with path.open("rb") as f:
            return f.read(size)
    except OSError as e:
        raise ListLoadError(f"{path}: cannot read: {e}") from None


def version_from_dirname(path: Path) -> tuple[str | None, dt.date | None]:
    m = re.search(r"(\d{4})-(\d{2})(?:-(\d{2}))?", path.parent.name)
    if not m:
        return None, None
    return m[0], dt.date(int(m[1]), int(m[2]), int(m[3] or 1))
