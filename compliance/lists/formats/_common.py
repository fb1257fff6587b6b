"""Helpers shared by the list readers: streaming text with encoding detection, dates, countries."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import IO, Any

from compliance import countries as _countries
from compliance.exc import ListLoadError

_BLOCK = 1 << 20


def sha256_of(paths: Iterable[Path]) -> str:
    h = hashlib.sha256()
    for p in paths:
        with p.open("rb") as f:
            for block in iter(lambda: f.read(_BLOCK), b""):
                h.update(block)
    return h.hexdigest()


@lru_cache(maxsize=1 << 16)
def country_code(text: str | None) -> str | None:
    """ISO alpha-2 for a country name or code as lists write them, or None.

    The same lookup as ``resolve_country`` without its did-you-mean suggestions (a fuzzy scan
    of every country name, ~10 ms): list remarks hold thousands of strings that are not
    countries. Cached: the same spellings repeat across a list.
    """
    if not text:
        return None
    text = text.strip().strip(".").strip()
    if not text or text in ("00", "-0-") or len(text) > 60:
        return None
    codes, names = _countries._tables()
    upper = text.upper()
    if upper in codes and not text.isdigit():
        return codes[upper]
    key = _countries._key(text)
    if key in names:
        return names[key]
    if text.count(",") == 1:
        head, _, tail = text.partition(",")
        return names.get(_countries._key(f"{tail.strip()} {head.strip()}"))
    for part in re.split(r"[()\-/:]", text):
        part = part.strip()
        if part and part != text:
            if part.upper() in codes and len(part) in (2, 3):
                return codes[part.upper()]
            if (pk := _countries._key(part)) in names:
                return names[pk]
    return None


_MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
                                        "nov", "dec"), start=1)}


_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_NUMERIC = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4})$")
_NAMED = re.compile(r"(\d{1,2})[ -]([A-Za-z]{3})[a-z]*\.?[ -](\d{4})$")


def _date(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def parse_date(text: str | None, *, month_first: bool = False) -> dt.date | None:
    """Dates as lists write them: ISO (also with a time), DD-MM-YYYY, DD/MM/YYYY, DD.MM.YYYY,
    '14 Nov 2007', '11-Aug-2025'; ``month_first`` for OFAC's MM/DD/YYYY. None if not a date."""
    if not text:
        return None
    text = text.strip()
    if m := _ISO.match(text):
        return _date(int(m[1]), int(m[2]), int(m[3]))
    if m := _NUMERIC.match(text):
        a, b, y = int(m[1]), int(m[3]), int(m[4])
        first = _date(y, a, b) if month_first else _date(y, b, a)
        return first or (_date(y, b, a) if month_first else _date(y, a, b))
    if (m := _NAMED.match(text)) and m[2].lower() in _MONTHS:
        return _date(int(m[3]), _MONTHS[m[2].lower()], int(m[1]))
    return None


def partial_date(text: str | None) -> str | None:
    """A date of birth as precise as the list gives it: 'YYYY-MM-DD', 'YYYY-MM' or 'YYYY'.

    Lists write '30 Aug 1954', 'Aug 1954', '1954', '1954 to 1956', '28/09/1955', '00/04/1984'
    (unknown day), '1965-12-12'. A range keeps its first year (matching treats it as evidence only).
    """
    if not text:
        return None
    t = text.strip().strip(".;")
    if not t:
        return None
    d = parse_date(t)
    if d is not None:
        return d.isoformat()
    m = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", t)  # 00/04/1984: day or month unknown
    if m:
        day, month, year = int(m[1]), int(m[2]), m[3]
        return f"{year}-{month:02d}" if day == 0 and 1 <= month <= 12 else year
    m = re.fullmatch(r"(?:circa\s+|c\.\s*)?([A-Za-z]{3})[a-z]*\.?\s+(\d{4})", t, re.I)
    if m and m[1].lower() in _MONTHS:
        return f"{m[2]}-{_MONTHS[m[1].lower()]:02d}"
    m = re.search(r"\b(1[89]\d\d|20\d\d)\b", t)
    return m[1] if m else None


def sniff(path: Path, size: int = 4096) -> bytes:
    try:
        with path.open("rb") as f:
            return f.read(size)
    except OSError as e:
        raise ListLoadError(f"{path}: cannot read: {e}") from None


def utf16_of(head: bytes) -> str | None:
    """'utf-16' for a UTF-16 byte-order mark, 'utf-16-le'/'utf-16-be' for UTF-16 text without
    one (Windows "Unicode" exports often have none: its ASCII characters leave a NUL at every
    other byte), else None."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    sample = head[:2048]
    sample = sample[: len(sample) - len(sample) % 2]
    if len(sample) < 8:
        return None
    half = len(sample) // 2
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd >= 0.3 * half and even <= 0.02 * half:
        enc = "utf-16-le"
    elif even >= 0.3 * half and odd <= 0.02 * half:
        enc = "utf-16-be"
    else:
        return None
    try:
        sample.decode(enc)
    except UnicodeDecodeError:
        if len(sample) < len(head):  # a surrogate pair cut by the sample's end is fine
            try:
                sample[:-2].decode(enc)
            except UnicodeDecodeError:
                return None
        else:
            return None
    return enc


def looks_binary(head: bytes) -> bool:
    """NUL bytes (outside UTF-16 text) or mostly control bytes: not a text list file."""
    if utf16_of(head):
        return False
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 9 or 13 < b < 32 and b != 26)
    return bool(head) and controls > len(head) // 20


def detect_encoding(path: Path) -> str:
    """'utf-8-sig', 'utf-16' or, when the bytes are not valid UTF-8, 'cp1252' (older OFAC files).

    Scans the file once in blocks (no copy in memory) with an incremental UTF-8 decoder.
    """
    if enc := utf16_of(sniff(path)):
        return enc
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as f:
            for block in iter(lambda: f.read(_BLOCK), b""):
                decoder.decode(block)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8-sig"


def open_text(path: Path) -> IO[str]:
    """The file as text, streamed, in its detected encoding (newline='' for the csv module)."""
    enc = detect_encoding(path)
    # cp1252 leaves five bytes undefined; replace them rather than fail on one odd byte.
    return path.open(encoding=enc, errors="replace" if enc == "cp1252" else "strict", newline="")


def numbered_lines(f: IO[str]) -> Iterator[tuple[int, str]]:
    """(1-based line number, line without its line ending)."""
    for n, line in enumerate(f, start=1):
        yield n, line.rstrip("\r\n")


def version_from_dirname(path: Path) -> tuple[str | None, dt.date | None]:
    m = re.search(r"(\d{4})-(\d{2})(?:-(\d{2}))?", path.parent.name)
    if not m:
        return None, None
    try:
        return m[0], dt.date(int(m[1]), int(m[2]), int(m[3] or 1))
    except ValueError:
        return None, None


def local(tag: str) -> str:
    """An XML tag without its namespace: lists change namespaces between releases."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def child_text(el: ET.Element, tag: str) -> str:
    """The stripped text of ``el``'s first child named ``tag`` (any namespace); "" when absent."""
    for c in el:
        if local(c.tag) == tag:
            return (c.text or "").strip()
    return ""


ROOT = ""  # the tag iter_xml gives the root element, at its start


def iter_xml(path: Path, root_ok: Callable[[str], bool], expected: str) -> Iterator[tuple[str, ET.Element]]:
    """A list's XML elements streamed as (local tag, element) at their end, the root first at its
    start as (ROOT, root) so its attributes can be read. A root ``root_ok`` refuses stops the read
    with ``expected`` (what the root should have been and what the file is then not)."""
    seen_root = False
    for event, el in ET.iterparse(xml_source(path), events=("start", "end")):
        if event == "start":
            if not seen_root:
                seen_root = True
                if not root_ok(tag := local(el.tag)):
                    raise ListLoadError(f"{path}: root element <{tag}>, expected {expected}")
                yield ROOT, el
            continue
        yield local(el.tag), el


def xml_error(path: Path, kind: str, err: Exception, where: str | None = None) -> ListLoadError:
    pos = getattr(err, "position", None)
    at = f" at line {pos[0]}, column {pos[1]}" if pos else ""
    after = f" (after {where})" if where else ""
    return ListLoadError(f"{path}: not valid {kind}{at}{after}: {err}")


def dedupe(values: Iterable[str | None]) -> list[str]:
    out: list[str] = []
    seen: set[str] = set()
    for v in values:
        if v and (s := v.strip()) and s not in seen:
            seen.add(s)
            out.append(s)
    return out


# Delimited text formats and their delimiter: a download cut short is caught before parsing.
DELIMITED = {"ofac-csv": ",", "us-csl-csv": None, "us-bis-dpl": "\t", "uk-csv": ",", "eu-fsf-csv": None,
             "os-simple-csv": ","}


def check_not_cut(path: Path, delimiter: str | None) -> None:
    """Refuse a delimited list file that ends in the middle of a record: the csv module reads an
    open quote at the end of the file as a complete field, so a download cut short would import
    as a smaller list without a word. Complete files end with a line break (OFAC also with 0x1A),
    or with a last record that closes its quotes and has as many fields as the lines above it."""
    size = path.stat().st_size
    with path.open("rb") as f:
        f.seek(max(0, size - 65536))
        tail = f.read()
        f.seek(0)
        head = f.read(65536)
    if utf16_of(head):
        return  # rare for lists; the byte-level look below does not apply
    end = tail.rstrip(b"\x1a \t")
    if not end or end.endswith((b"\n", b"\r")):
        return
    last = end.rsplit(b"\n", 1)[-1].decode("utf-8", errors="replace")
    line, quotes = 1, 0
    with path.open("rb") as f:
        for block in iter(lambda: f.read(_BLOCK), b""):
            line += block.count(b"\n")
            quotes += block.count(b'"')
    if last.count('"') % 2:
        if not quotes % 2:
            return  # the closing line of a record that spans lines: complete
        raise ListLoadError(f"{path}: line {line}: the file ends inside a quoted field ({last[-40:]!r}): "
                            "the file is truncated (cut short, e.g. an interrupted download); get the complete file")
    first = head.split(b"\n", 1)[0]
    delim = delimiter or max((";", ",", "\t"), key=lambda d: first.count(d.encode()))
    widths = sorted(len(r) for r in csv.reader(head.decode("utf-8", errors="replace").splitlines()[:6],
                                                delimiter=delim))
    fields = len(next(csv.reader([last], delimiter=delim), []))
    if len(widths) >= 2 and fields < widths[len(widths) // 2]:
        raise ListLoadError(f"{path}: line {line}: the last record has {fields} fields, the first lines "
                            f"{widths[len(widths) // 2]}, and the file ends without a line break: the file is "
                            "truncated (cut short, e.g. an interrupted download); get the complete file")



_DECLARED = re.compile(r"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


class _Recoded(io.RawIOBase):
    """A text file in one encoding read as UTF-8 bytes, its XML declaration saying so."""

    def __init__(self, path: Path, encoding: str) -> None:
        self._f = path.open(encoding=encoding, errors="replace" if encoding == "cp1252" else "strict", newline="")
        self._buf = b""
        self._first = True

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        while not self._buf:
            text = "" if self._f.closed else self._f.read(1 << 16)
            if not text:
                self._f.close()
                return 0
            if self._first:
                text = _DECLARED.sub(lambda m: m[0].replace(m[1], "utf-8"), text.lstrip("\ufeff"), count=1)
                self._first = False
            self._buf = text.encode("utf-8")
        n = min(len(b), len(self._buf))
        b[:n] = self._buf[:n]
        self._buf = self._buf[n:]
        return n


def xml_source(path: Path) -> Path | IO[bytes]:
    """The XML file as the parser should read it: as it is, or re-encoded to UTF-8 when its bytes
    are not in the encoding its declaration names. An editor re-saving a list as UTF-16
    ("Unicode") or cp1252 ("ANSI") keeps ``encoding="utf-8"`` in the first line, and the
    parser would stop at the first byte with a misleading error."""
    head = sniff(path, 2048)
    if enc := utf16_of(head):
        m = _DECLARED.match(head.decode(enc, errors="replace").lstrip("\ufeff"))
        if enc == "utf-16" and m and m[1].lower().replace("-", "") in ("utf16", "utf16le", "utf16be"):
            return path
        return io.BufferedReader(_Recoded(path, enc))
    m = _DECLARED.match(head.decode("utf-8", errors="replace").lstrip("\ufeff"))
    if (m is None or m[1].lower().replace("-", "") == "utf8") and detect_encoding(path) == "cp1252":
        return io.BufferedReader(_Recoded(path, "cp1252"))
    return path
