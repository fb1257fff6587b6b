"""Reading shipment files: CSV (any common encoding and delimiter), JSONL, JSON, XLSX, Parquet.

Files are streamed: CSV, JSONL, XLSX (read-only mode) and Parquet (record batches) never sit
in memory whole. Every data row comes out as exactly one ``RawRow``; a row that cannot be read
becomes a ``RawRow`` with ``error`` set (naming the row and saying what is wrong), never an
exception, so a batch always yields one result per input row.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import errno
import io
import itertools
import json
import logging
import os
import re
import stat
import sys
import unicodedata
from array import array
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from operator import itemgetter
from pathlib import Path
from typing import IO, Any, cast
from zlib import error as zlib_error

from compliance.countries import UnknownCountry, resolve_country
from compliance.exc import InputFileError, quoted
from compliance.fastparse import PLAIN_UNAMBIGUOUS
from compliance.hs import InvalidHSCode, hs_from_number, lookalike_digits, normalise_hs
from compliance.io.party_names import SUSPECT as _SUSPECT_NAME
from compliance.io.party_names import clean_party_name
from compliance.io.writers import echo_names
from compliance.models import (
    INPUT_COLUMNS,
    PARTY_ROLES,
    REQUIRED_COLUMNS,
    ambiguous_number,
    amount_currency_note,
    parse_number,
    split_amount,
)

log = logging.getLogger(__name__)

SAMPLE_BYTES = 256 * 1024
# Fields up to 16 MB: a long description must not abort the file.
csv.field_size_limit(16 * 1024 * 1024)

FORMATS = ("csv", "jsonl", "json", "xlsx", "parquet")
_SUFFIX = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json",
           ".xlsx": "xlsx", ".xlsm": "xlsx", ".parquet": "parquet", ".pq": "parquet"}
# Common header spellings of the contract columns, after ``_norm_header`` (lower case; ``_ - . / #
# : ( )`` read as spaces). ERP exports, customs declarations and Russian-language sheets.
_ALIAS_GROUPS: dict[str, tuple[str, ...]] = {
    "shipment_id": ("id", "shipment", "shipment no", "shipment nr", "shipment number", "shipment ref",
                    "shipment reference", "ship no", "consignment", "consignment no", "consignment number",
                    "order", "order no", "order id", "order number", "reference", "ref", "ref no", "line id",
                    "item id", "row id", "declaration no", "invoice no", "номер", "номер отправки",
                    "номер партии", "id отправки", "no", "nr"),
    "hs_code": ("hs", "hs code", "hscode", "hs no", "hs6", "hs 6", "cn", "cn code", "cn8", "hts", "hts code",
                "htsus", "commodity code", "commodity", "tariff code", "tariff number", "tariff no", "taric",
                "taric code", "customs code", "customs tariff code", "code hs", "код тн вэд", "тн вэд",
                "тн вэд еаэс", "код тнвэд", "тнвэд", "код товара", "hs code 6", "hs code 8", "hs code 10"),
    "destination_country": ("destination", "destination country", "dest country", "dest", "country of destination",
                            "ship to country", "ship to", "country to", "to country", "final destination",
                            "country of final destination", "destination country code", "страна назначения",
                            "страна получения", "краіна прызначэння"),
    "description": ("goods description", "description of goods", "goods", "item description", "product",
                    "product description", "item", "описание", "описание товара", "наименование",
                    "наименование товара", "товар"),
    "origin_country": ("origin", "country of origin", "origin country", "coo", "made in", "страна происхождения"),
    "transit_countries": ("transit", "route", "transit countries", "transit country", "via", "routing",
                          "транзит", "страны транзита", "маршрут"),
    "exporter_name": ("exporter", "shipper", "seller", "supplier", "consignor", "sender", "exporter name",
                      "shipper name", "экспортер", "отправитель", "грузоотправитель"),
    "exporter_country": ("shipper country", "seller country", "consignor country", "country of exporter",
                         "страна экспортера", "страна отправителя"),
    "consignee_name": ("consignee", "buyer", "importer", "receiver", "recipient", "customer", "sold to",
                       "получатель", "грузополучатель", "покупатель", "импортер"),
    "consignee_country": ("country of consignee", "buyer country", "importer country", "receiver country",
                          "customer country", "страна получателя", "страна покупателя"),
    "end_user_name": ("end user", "enduser", "end user name", "ultimate consignee", "конечный пользователь"),
    "end_user_country": ("country of end user", "enduser country", "ultimate consignee country",
                         "страна конечного пользователя"),
    "manufacturer_name": ("manufacturer", "producer", "maker", "производитель", "изготовитель"),
    "manufacturer_country": ("producer country", "country of manufacturer", "страна производителя"),
    "end_use_doc_type": ("end use document", "end use doc", "doc type", "document type", "euc type"),
    "end_use_doc_issuer": ("document issuer", "doc issuer", "end use document issuer"),
    "end_use_doc_id": ("document no", "document number", "euc no", "euc number", "doc no", "doc id"),
    "quantity": ("qty", "quantity", "pcs", "pieces", "количество", "кол во"),
    "unit": ("uom", "unit of measure", "units", "единица", "ед изм"),
    "value": ("amount", "invoice value", "invoice amount", "net value", "value eur", "total value", "price",
              "customs value", "статистическая стоимость", "стоимость", "сумма"),
    "currency": ("cur", "ccy", "curr", "currency code", "валюта"),
    "date": ("ship date", "shipment date", "shipping date", "export date", "dispatch date", "date of shipment",
             "departure date", "дата", "дата отгрузки", "дата отправки"),
}
# German, Polish and Lithuanian exports (EU brokers' ERP systems in the neighbouring countries).
_ALIAS_GROUPS_EU: dict[str, tuple[str, ...]] = {
    "shipment_id": ("sendungsnummer", "sendungsnr", "sendung", "sendungs nr", "auftragsnummer", "auftragsnr",
                    "lieferscheinnummer", "numer przesyłki", "nr przesyłki", "siuntos nr", "siuntos numeris"),
    "hs_code": ("zolltarifnummer", "warennummer", "warentarifnummer", "kn code", "kn nummer", "kod cn", "kod hs",
                "kod taric", "kod towaru", "kn kodas", "prekės kodas"),
    "destination_country": ("bestimmungsland", "empfangsland", "zielland", "kraj przeznaczenia",
                            "paskirties šalis"),
    "origin_country": ("ursprungsland", "kraj pochodzenia", "kilmės šalis"),
    "description": ("warenbeschreibung", "beschreibung", "warenbezeichnung", "bezeichnung", "opis", "opis towaru",
                    "aprašymas", "prekių aprašymas"),
    "consignee_name": ("empfänger", "warenempfänger", "odbiorca", "gavėjas"),
    "exporter_name": ("versender", "ausführer", "exporteur", "nadawca", "eksporter", "siuntėjas",
                      "eksportuotojas"),
    "end_user_name": ("endverwender", "endempfänger", "użytkownik końcowy", "galutinis naudotojas"),
    "manufacturer_name": ("hersteller", "producent", "gamintojas"),
    "quantity": ("menge", "anzahl", "ilość", "kiekis"),
    "unit": ("einheit", "mengeneinheit", "jednostka", "matavimo vienetas"),
    "value": ("wert", "warenwert", "rechnungsbetrag", "wartość", "vertė"),
    "currency": ("währung", "waluta", "valiuta"),
    "date": ("datum", "versanddatum", "ausfuhrdatum", "data wysyłki", "siuntimo data"),
}
HEADER_ALIASES: dict[str, str] = {alias: col for groups in (_ALIAS_GROUPS, _ALIAS_GROUPS_EU)
                                  for col, names in groups.items() for alias in names}


@dataclass(slots=True)
class RawRow:
    """One input row: its 1-based data row number, contract-named data, the row as read."""

    row_number: int
    data: dict[str, Any]
    original: dict[str, Any]
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    # Set when ``original`` is the file's columns in order and ``data`` follows from it by the
    # layout alone: the row can then travel as its cells (``RowLayout.raw`` rebuilds it).
    layout: RowLayout | None = None


@dataclass(frozen=True, slots=True)
class RowLayout:
    """A table's columns and their contract columns (the first file column of each winning)."""

    columns: tuple[str, ...]
    targets: tuple[tuple[str, str], ...]

    @property
    def identity(self) -> bool:
        """Every column is the contract column of its name: a row's data is the row as read
        (one dict for both, as ``InputTable`` makes it)."""
        return len(self.targets) == len(self.columns) and all(k == t for k, t in self.targets)

    def raw(self, i: int, cells: tuple[Any, ...] | list[Any], warnings: list[str]) -> RawRow:
        original = dict(zip(self.columns, cells, strict=True))
        data = original if self.identity else {target: original[k] for k, target in self.targets}
        return RawRow(i, data, original, None, warnings, self)

    def rows(self, numbers: Sequence[int], cells: list[Any], warnings: dict[int, list[str]]) -> list[RawRow]:
        """``raw`` of many rows at once: ``cells`` the rows' cells end to end (``len(columns)``
        each, in order), ``warnings`` by position in ``numbers``. One plan for the whole list
        (the targets' positions, worked out once) instead of a dict lookup per cell."""
        columns, width = self.columns, len(self.columns)
        if len(cells) != width * len(numbers):
            raise ValueError(f"{len(cells)} cells for {len(numbers)} rows of {width} columns")
        if len(set(columns)) != width:  # a repeated column: its last cell is the row's (as in ``raw``)
            return [self.raw(i, cells[j * width:(j + 1) * width], warnings.get(j) or [])
                    for j, i in enumerate(numbers)]
        out: list[RawRow] = []
        append = out.append
        if self.identity:
            it = iter(cells)
            # zip stops at the end of ``columns`` before drawing from ``it``: one row's cells each.
            for j, i in enumerate(numbers):
                original = dict(zip(columns, it, strict=False))
                append(RawRow(i, original, original, None, warnings.get(j) or [], self))
            return out
        names = [t for _, t in self.targets]
        at = [columns.index(k) for k, _ in self.targets]
        pick: Callable[[list[Any]], Iterable[Any]] = (
            itemgetter(*at) if len(at) > 1 else (lambda row: [row[at[0]]]) if at else (lambda row: ()))
        start = 0
        for j, i in enumerate(numbers):
            row = cells[start:start + width]
            start += width
            append(RawRow(i, dict(zip(names, pick(row), strict=True)), dict(zip(columns, row, strict=True)), None,
                          warnings.get(j) or [], self))
        return out


def _norm_header(h: str) -> str:
    text = unicodedata.normalize("NFKC", str(h)).casefold().replace("ё", "е")
    if not text.isascii():  # invisible format characters (BOM, zero-width space, LRM) copied along
        text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return " ".join(_HEADER_PUNCT.sub(" ", text).split())


# Spreadsheet day numbers read as dates: 1980-01-01 up to 2099-12-31 (other numbers are no shipment date).
_EXCEL_DAYS = (29221, 73051)
_FLOAT_TEXT = re.compile(r"\s*([0-9]{1,10})\.([0-9])\s*")  # '402.0', '8471.3': a float's text
_NAME_FIELDS = tuple(f"{role}_name" for role in PARTY_ROLES)
_LOOKALIKE_HINT = re.compile(r"[OolIi|Оо]")  # a letter that may stand for a digit in an HS code
_HEADER_PUNCT = re.compile(r"[_\-./#:()\[\]*'\"]+")
_UNIT_SUFFIX = re.compile(r"\s*(?:\(.*\)|\[.*\])\s*$")


@lru_cache(maxsize=1)
def _record_table() -> InputTable:
    """One reader of contract columns for records, shared (its caches are bounded sets)."""
    cols = list(INPUT_COLUMNS)
    return InputTable("<record>", "record", cols, {c: c for c in cols}, ())


def normalise_record(data: Mapping[str, Any], row: int = 1,
                     problems: list[str] | None = None) -> tuple[dict[str, Any], list[str]]:
    """A shipment given as a dict (the Python API, the HTTP service) read the way a file row is:
    HS codes stored as numbers or with letters for digits, spreadsheet day numbers, amounts with a
    currency or an ambiguous separator, disguised party names (direction marks, invisible
    characters, c/o, lists). Returns the contract columns to screen and the warnings saying what
    was read differently (``row`` numbers them). What stops a file row being screened (an amount
    of 10^15, a number as currency; each starting with its field) goes to ``problems`` when given,
    else to the warnings."""
    warnings: list[str] = []
    out = dict(data)
    out.update(_record_table()._changes(row, out, warnings, problems))
    return out, warnings


# An amount of 10^15 or more (in any currency, a quantity in any unit) is no shipment: digits run
# together, a number from another column (an id, a barcode) or a float's overflow. Screened, it
# would pass every value threshold; it is an ERROR naming the field instead.
_ABSURD_AMOUNT = 1e15
_LONG_AMOUNT = 16  # characters: a plain amount this long may be that large


def _absurd(name: str, v: Any) -> str:
    shown = quoted(v) if isinstance(v, str) else f"{v:g}"
    return (f"{name} {shown} is 10^15 or more, larger than any shipment: digits run together or a number "
            "from another column? Give the amount")


def _row_error(i: int, problems: list[str]) -> str | None:
    return f"row {i}: {'; '.join(problems)}" if problems else None


@lru_cache(maxsize=4096)
def _odd_code_note(hs: str) -> str | None:
    """What a text HS code with an odd number of digits was read as (HS/CN codes have 4, 6, 8 or
    10): with the leading zero a spreadsheet drops put back (``40690`` -> 040690), or as written
    when only that reading has a heading (``84713``). None for any other code (and for a bad one:
    the model's error names it)."""
    try:
        code = normalise_hs(hs)
    except InvalidHSCode:
        return None
    written = "".join(ch for ch in hs if ch.isdigit())
    if len(code) % 2:
        return (f"hs_code {quoted(hs)} has {len(code)} digits (HS/CN codes have 4, 6, 8 or 10): screened as written, "
                f"under heading {code[:4]}; give the full code")
    if code[0] == "0" and len(written) == len(code) - 1 and written == code[1:]:
        return (f"hs_code {quoted(hs)} has {len(written)} digits (HS/CN codes have 4, 6, 8 or 10): read as {code}, "
                f"heading {code[:4]}, with the leading zero a spreadsheet drops put back; write codes as text "
                "with their zeros")
    return None


def parse_mapping(items: list[str], mapping_file: str | Path | None = None) -> dict[str, str]:
    """Column renames from ``--map their=ours`` items and a YAML (dict) or CSV (two columns) file."""
    out: dict[str, str] = {}
    if mapping_file is not None:
        p = Path(mapping_file)
        if not p.is_file():
            raise InputFileError(f"{p}: mapping file not found")
        text = p.read_text(encoding="utf-8-sig")
        if p.suffix.lower() == ".csv":
            for n, row in enumerate(csv.reader(io.StringIO(text)), start=1):
                if len(row) >= 2 and row[0].strip() and n > 1 or (len(row) >= 2 and row[1].strip() in INPUT_COLUMNS):
                    out[row[0].strip()] = row[1].strip()
        else:
            import yaml

            try:
                data = yaml.safe_load(text)
            except yaml.YAMLError as e:
                raise InputFileError(f"{p}: not valid YAML: {e}") from None
            if not isinstance(data, dict):
                raise InputFileError(f"{p}: a mapping file is a YAML dict 'their column: our column'")
            out.update({str(k): str(v) for k, v in data.items()})
    for item in items:
        if "=" not in item:
            raise InputFileError(f"--map {item!r}: write their_col=our_col")
        k, _, v = item.partition("=")
        out[k.strip()] = v.strip()
    for their, ours in out.items():
        if ours not in INPUT_COLUMNS:
            raise InputFileError(f"mapping {their!r} -> {ours!r}: {ours!r} is not a contract column "
                                 f"({', '.join(INPUT_COLUMNS)})")
    return out


# Encoding and delimiter ----------------------------------------------------------------------
def detect_encoding(sample: bytes) -> str:
    """BOMs, UTF-16 without BOM (NUL pattern), UTF-8, then the single-byte Windows code pages.

    For the single-byte case the question is which of cp1251 (Cyrillic), cp1252 (Western) or
    cp1250 (Central European: Polish, Czech, Lithuanian names) the high bytes belong to. Byte
    statistics decide it, not a general detector: ``_cyrillic_share`` and ``_cp1250_marks``; which
    Cyrillic page (cp1251, KOI8-R, DOS cp866, Mac Cyrillic), ``_cyrillic_page``.
    """
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):  # before UTF-16: FF FE starts both
        return "utf-32"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if len(sample) >= 8:  # UTF-32 without BOM: three NULs in every four bytes of ASCII text
        lanes = [sample[k:400:4] for k in range(4)]
        zero = [lane.count(0) > len(lane) * 0.6 for lane in lanes]
        if zero == [False, True, True, True]:
            return "utf-32-le"
        if zero == [True, True, True, False]:
            return "utf-32-be"
    even, odd = sample[0:200:2], sample[1:200:2]
    if len(sample) >= 4 and odd.count(0) > len(odd) * 0.6 and even.count(0) < len(even) * 0.1:
        return "utf-16-le"
    if len(sample) >= 4 and even.count(0) > len(even) * 0.6 and odd.count(0) < len(odd) * 0.1:
        return "utf-16-be"
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as e:
        if e.start >= len(sample) - 4 and e.reason == "unexpected end of data":  # cut at the sample's end
            return "utf-8"
    return _single_byte_encoding(sample)


def _single_byte_encoding(sample: bytes) -> str:
    sample = sample[:65536]
    if _cyrillic_share(sample) > 0.5:
        return _cyrillic_page(sample)[0]
    # DOS (cp866) and Mac Cyrillic put capitals or half the small letters below 0xC0, where
    # cp1251 has symbols: words of high bytes that read as Cyrillic words in one of them.
    if _cyrillic_share(sample, _HIGH_BYTES) > 0.5 and (page := _cyrillic_page(sample))[1] >= 0.9:
        return page[0]
    if _cp1250_marks(sample):
        return "cp1250"
    return "cp1252"


def _utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


class _Utf8OrLegacy(io.RawIOBase):
    """UTF-8 bytes of a file the sample read as UTF-8, checked as they stream by. When the first
    invalid byte comes after plain ASCII only, the file is a Windows code page whose first non-ASCII
    text lies beyond the sample (a cp1251 export whose Cyrillic names start at row 20 000): the rest
    is decoded with the code page the bytes from there point to, and a warning says so. Read as
    UTF-8 with replacement instead, a name such as «Беларуськалий» would have come out as U+FFFD
    and matched nothing. After real UTF-8 text an invalid byte stays a replacement character."""

    def __init__(self, raw: IO[bytes], name: str, legacy: str | None = None) -> None:
        super().__init__()
        self._raw = raw
        self._name = name
        self._pending = b""
        self._out = memoryview(b"")
        self._multibyte = False
        self._pos = 0
        self._eof = False
        self.warnings: list[str] = []
        # Line by line once a file mixes encodings (lines appended by different programs): each
        # line that is valid UTF-8 is read as UTF-8, any other in the code page ``_enc``.
        # ``legacy``: the file was detected as that code page (its UTF-8 lines are the odd ones).
        self._enc: str | None = legacy
        self._detected_legacy = legacy is not None
        self._lineno = 0  # line breaks passed on so far
        self._said = False

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        while not self._out and not self._eof:
            chunk = self._raw.read(1 << 16)
            self._eof = not chunk
            self._out = memoryview(self._convert(chunk, final=self._eof))
        n = min(len(b), len(self._out))
        b[:n] = self._out[:n]
        self._out = self._out[n:]
        return n

    def close(self) -> None:
        self._raw.close()
        super().close()

    def _convert(self, chunk: bytes, *, final: bool) -> bytes:
        start = self._pos - len(self._pending)
        self._pos += len(chunk)
        if self._enc is not None:
            return self._by_line(chunk, final)
        buf = self._pending + chunk if self._pending else chunk
        self._pending = b""
        if buf.isascii():
            self._lineno += buf.count(b"\n")
            return buf
        try:
            buf.decode("utf-8")
            self._multibyte = True
            self._lineno += buf.count(b"\n")
            return buf
        except UnicodeDecodeError as e:
            good, rest = buf[:e.start], buf[e.start:]
            if not good.isascii():
                self._multibyte = True
            if not final and e.reason == "unexpected end of data":
                self._pending = rest  # a character cut at the chunk's end
                self._lineno += good.count(b"\n")
                return good
        if len(rest) < 4096 and not final:  # enough bytes to tell the code page
            more = self._raw.read(1 << 16)
            self._pos += len(more)
            final = not more
            self._eof = final
            rest += more
        # The code page from the lines that are not UTF-8, whole (the UTF-8 ones would mislead).
        cut = good.rfind(b"\n") + 1
        lines = (good[cut:] + rest).split(b"\n")
        enc = _single_byte_encoding(b"\n".join(x for x in lines if not _utf8(x)) or rest)
        if not self._multibyte:
            self._said = True
            self.warnings.append(f"{self._name}: the first {start + len(good)} bytes are plain ASCII, then the file "
                                 f"is not UTF-8: read as {enc} from there (give --encoding if that is wrong)")
        # From the line of the first bad byte on, the file is read line by line.
        head, self._pending = good[:cut], good[cut:]
        self._lineno += head.count(b"\n")
        self._enc = enc
        return head + self._by_line(rest, final)

    def _by_line(self, chunk: bytes, final: bool) -> bytes:
        buf = self._pending + chunk if self._pending else chunk
        if final:
            complete, self._pending = buf, b""
        else:
            k = buf.rfind(b"\n")
            if k < 0 and len(buf) < 1 << 20:
                self._pending = buf
                return b""
            complete, self._pending = (buf, b"") if k < 0 else (buf[:k + 1], buf[k + 1:])
        if complete.isascii():
            self._lineno += complete.count(b"\n")
            return complete
        enc = self._enc or "cp1252"
        out: list[bytes] = []
        for line in complete.split(b"\n"):
            self._lineno += 1
            if line.isascii():
                out.append(line)
            elif _utf8(line):
                out.append(line)
                if self._detected_legacy:
                    self._say(f"line {self._lineno} is UTF-8 in a {enc} file: such lines are read as UTF-8")
            else:
                out.append(line.decode(enc, "replace").encode("utf-8"))
                if not self._detected_legacy:
                    self._say(f"line {self._lineno} is not UTF-8 (the lines before it are): such lines are read "
                              f"as {enc}")
        self._lineno -= 1  # the last piece ends without a line break (or is empty)
        return b"\n".join(out)

    def _say(self, what: str) -> None:
        if not self._said:
            self._said = True
            self.warnings.append(f"{self._name}: {what} (give --encoding if that is wrong)")


_CASE_FLIP = re.compile(r"[а-яё][А-ЯЁ]")
# The Cyrillic single-byte code pages, most common first (a tie goes to the earlier one).
_CYRILLIC_PAGES = ("cp1251", "koi8_r", "cp866", "mac_cyrillic")
# The letters of Russian, Belarusian and Ukrainian: what the high bytes of such a file are.
_EAST_SLAVIC = frozenset("АБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯабвгдежзийклмнопрстуфхцчшщъыьэюяЁёІіЎўЇїЄєҐґ")
# The ten most frequent Russian letters (and Belarusian і): about 60 % of the letters of a text,
# far fewer of the letters that another page's bytes read as (all-capital or all-small words
# read in the wrong page are letters still: cp1251 "беларусь" read as KOI8-R is "АЕКЮПСЯЭ").
_COMMON_CYRILLIC = frozenset("оеаинтсрвлОЕАИНТСРВЛіІ")
_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")


def _cyrillic_page(sample: bytes) -> tuple[str, float]:
    """The Cyrillic code page in which the sample's runs of high bytes read as words, and the
    share of its high-byte characters that are letters. Read in the wrong page, letters become
    symbols or box drawing (cp866 and Mac Cyrillic read as cp1251: "Ћ€Ћ ЃҐ«...") or flip case
    inside words (KOI8-R read as cp1251: "бЕЛАРУСЬ") or become rare ones; the page with the most
    letters, most of them common, and the fewest case flips wins."""
    best, best_score, best_share = _CYRILLIC_PAGES[0], float("-inf"), 0.0
    for enc in _CYRILLIC_PAGES:
        text = sample.decode(enc, "replace")
        letters = other = common = 0
        for m in _NON_ASCII_RUN.finditer(text):
            run = m.group()
            n = sum(1 for ch in run if ch in _EAST_SLAVIC)
            letters += n
            other += len(run) - n
            common += sum(1 for ch in run if ch in _COMMON_CYRILLIC)
        flips = len(_CASE_FLIP.findall(text))
        score = letters + common - 2 * other - 2 * flips
        if score > best_score:
            best, best_score = enc, score
            best_share = letters / (letters + other) if letters + other else 0.0
    return best, best_share


def _is_ascii_letter(b: int) -> bool:
    return 0x41 <= b <= 0x5A or 0x61 <= b <= 0x7A


# cp1251 letters: 0xC0-0xFF (А-я) plus Ё ё Ў ў І і Ї ї Є є Ґ ґ.
_CP1251_LETTERS = frozenset(range(0xC0, 0x100)) | {0xA8, 0xB8, 0xA1, 0xA2, 0xB2, 0xB3, 0xAF, 0xBF, 0xAA, 0xBA,
                                                   0xA5, 0xB4}


_HIGH_BYTES = frozenset(range(0x80, 0x100))


def _cyrillic_share(sample: bytes, letters: frozenset[int] = _CP1251_LETTERS) -> float:
    """Of the high bytes that could be cp1251 letters, the share that sit among other high bytes
    rather than beside ASCII letters. Cyrillic words are runs of high bytes ("Беларусь"); Western
    accents sit inside ASCII words ("Müller", "Société") — even a few Cyrillic words in an
    English file, or a few umlauts in a Cyrillic one, are told apart this way."""
    cyr = lat = 0
    n = len(sample)
    for i, b in enumerate(sample):
        if b < 0x80:
            continue
        before = sample[i - 1] if i else 0x20
        after = sample[i + 1] if i + 1 < n else 0x20
        if _is_ascii_letter(before) or _is_ascii_letter(after):
            lat += 1
        elif b in letters and (before in letters or after in letters
                                       or (before in b" \t,;|\"'(" and after in b" \t,;|\"').")):
            cyr += 1
    return cyr / (cyr + lat) if cyr + lat else 0.0


# Bytes that are Polish/Czech letters in cp1250 (ą ł ż ź ť Ą Ź Ť Ż) but symbols or unassigned in
# cp1252: one of them inside an ASCII word means cp1250. (ś/Ś are left out: they are French œ/Œ.)
_CP1250_LETTERS = frozenset({0xB9, 0xB3, 0xBF, 0x9F, 0x8D, 0x8F, 0x9D, 0xA5, 0xAF})


def _cp1250_marks(sample: bytes) -> bool:
    marks = 0
    for i, b in enumerate(sample[1:-1], start=1):
        if b in _CP1250_LETTERS and _is_ascii_letter(sample[i - 1]) and (
                _is_ascii_letter(sample[i + 1]) or b in (0xB9, 0xBF)):
            # "są", "już" end with the letter; "m³" (cubic metre) does not count.
            marks += 1
    return marks >= 2 or (marks == 1 and len(sample) < 2000)


_DELIMITERS = (",", ";", "\t", "|")
_TITLE_ROWS = 10  # rows above the header (report titles, export notes) that are skipped


def sniff_delimiter(text: str, mapping: dict[str, str] | None = None) -> str:
    """The delimiter (``, ; tab |``) that splits the header into the most contract columns and the
    first rows into as many cells as the header; quotes are honoured, so commas inside quoted
    descriptions (or bare commas in a semicolon file) do not mislead it."""
    lines = text.splitlines(keepends=True)[:200]
    best, best_score = ",", (-1, -1.0, -1)
    for d in _DELIMITERS:
        try:
            rows = [r for r in csv.reader(io.StringIO("".join(lines)), delimiter=d) if any(c.strip() for c in r)]
        except csv.Error:
            continue
        if not rows:
            continue
        # The header is the first of the first rows that names contract columns (a title line
        # may sit above it); the last line of a sample may be cut.
        scored = [(len(map_headers(_dedupe_headers(r)[0], mapping or {})[0]) if len(r) > 1 else 0, n)
                  for n, r in enumerate(rows[:_TITLE_ROWS + 1])]
        known, at = max(scored, key=lambda x: (x[0], -x[1]))
        header, body = rows[at], rows[at + 1:-1] or rows[at + 1:]
        same = sum(1 for r in body if len(r) == len(header)) / len(body) if body else 1.0
        score = (known, same if len(header) > 1 else 0.0, len(header))
        if score > best_score:
            best, best_score = d, score
    if best_score[0] <= 0 and best_score[2] <= 1:
        counts = {d: text.split("\n", 1)[0].count(d) for d in _DELIMITERS}
        best = max(counts, key=lambda d: counts[d]) if max(counts.values()) else ","
    return best


def _looks_binary(sample: bytes, encoding: str) -> bool:
    if encoding.startswith(("utf-16", "utf-32")):
        return False
    if b"\x00" in sample[:1024] and sample.count(b"\x00") > len(sample) // 20:
        return True
    ctrl = sum(1 for b in sample[:4096] if b < 9 or 13 < b < 32)
    return ctrl > max(8, len(sample[:4096]) // 50)


# The table -----------------------------------------------------------------------------------
@dataclass(slots=True)
class SheetRow:
    """A row of one sheet of a workbook whose sheets have their own headers."""

    sheet: str
    columns: list[str]
    cells: list[Any]
    key: str = "sheet"
    mapping: dict[str, str] | None = None  # this sheet's column -> contract column


@dataclass(slots=True)
class BadRow:
    """Cells that were read, but wrong in a way that stops the row being screened."""

    cells: list[Any]
    error: str


# A row as a reader yields it: cells under the table's header, a dict (JSON), a sheet row, a
# damaged row, or the text of what is wrong with it.
Item = dict[str, Any] | list[Any] | SheetRow | BadRow | str


class InputTable:
    """An opened input file: its columns, how they map to the contract, and its rows in chunks."""

    def __init__(self, path: str, fmt: str, columns: list[str], mapping: dict[str, str],
                 rows: Iterable[Item], *, encoding: str | None = None,
                 delimiter: str | None = None, warnings: list[str] | None = None,
                 closers: list[IO[Any]] | None = None) -> None:
        self.path = path
        self.format = fmt
        self.encoding = encoding
        self.delimiter = delimiter
        self.columns = columns
        self.mapping = mapping  # file column -> contract column
        self.warnings: list[str] = list(warnings or [])
        if echo := echo_names(tuple(columns)):
            self.warnings.append(f"{path}: column(s) {', '.join(map(repr, echo))} have the name of a result column: "
                                 f"echoed as {', '.join(map(repr, echo.values()))}, so the results do not "
                                 "overwrite them")
        self._rows = rows
        self._closers = closers or []
        self._source: tuple[str, str, RowLayout] | None = None  # tag_source's column, value and layout
        # What went wrong after the last row was read (a cut .gz), as one final ERROR row.
        self.tail_error: Callable[[], str | None] = lambda: None
        # How "1.234" is read: a ';'-separated file comes from a decimal-comma locale.
        self.decimal = "," if delimiter == ";" else None
        # Each file column's contract column, the first of the file's columns winning (as in _to_raw).
        self._width = len(columns)
        targets: list[tuple[str, str]] = []
        for c in columns:
            t = mapping.get(c)
            if t is not None and t not in {x for _, x in targets}:
                targets.append((c, t))
        self._layout = RowLayout(tuple(columns), tuple(targets))
        self._identity = self._layout.identity  # kept: read for every row
        # Columns that mean a contract column another column already gives ('HS Code' beside
        # 'hs_code'): loser -> (its contract column, the winning column).
        self._twins = _twin_columns(columns, dict(targets)) if len(targets) < len(columns) else {}
        # HS code and party name spellings seen to need nothing undone (a batch repeats them).
        self._plain_hs: set[str] = set()
        self._plain_names: set[str] = set()

    def _twin_problem(self, i: int, cells: dict[str, Any], data: dict[str, Any], notes: list[str]) -> str | None:
        """Two columns for one contract column that say different things: the row cannot be
        screened on either (an ERROR naming both). One empty: the other's value is used."""
        problems = []
        for loser, (target, winner) in self._twins.items():
            mine, theirs = cells.get(loser), cells.get(winner)
            if _blank_cell(mine):
                continue
            if _blank_cell(theirs):
                data[target] = mine
                notes.append(f"row {i}: {winner!r} is empty: {target} is read from {loser!r} ({quoted(str(mine))})")
                continue
            if _same_value(target, mine, theirs):
                continue
            if target in _NAME_FIELDS:  # two names for one party: both are screened
                data[target] = f"{theirs}; {mine}"
                notes.append(f"row {i}: columns {winner!r} and {loser!r} both give {target} and differ: both names "
                             "are screened")
            elif target in _DECISIVE:
                problems.append(f"columns {winner!r} and {loser!r} both give {target} but differ ({quoted(str(theirs))} "
                                f"and {quoted(str(mine))}): fix one, or --map the other to its own name")
            else:
                notes.append(f"row {i}: columns {winner!r} and {loser!r} both give {target} and differ: "
                             f"{quoted(str(theirs))} is used")
        return "; ".join(problems) or None

    def _to_raw(self, i: int, item: Item) -> RawRow:
        if type(item) is list and len(item) == self._width:
            # The common row of a CSV file: every cell under its header (the general path below,
            # without the checks that cannot apply).
            layout = self._layout
            cells = dict(zip(layout.columns, item, strict=True))
            notes: list[str] = []
            problems: list[str] = []
            if self._identity:
                # Every column is the contract column of its name: the row as read is its data,
                # one dict for both unless the file's conventions change a value.
                changes = self._changes(i, cells, notes, problems)
                if not changes and not problems:
                    return RawRow(i, cells, cells, None, notes, layout)
                contract = {**cells, **changes}
            else:
                contract = {target: cells[k] for k, target in layout.targets}
                if self._twins:
                    before = len(notes)
                    if (problem := self._twin_problem(i, cells, contract, notes)) is not None:
                        return RawRow(i, contract, cells, f"row {i}: {problem}", notes)
                    if len(notes) > before:  # a value taken from the twin column
                        contract.update(self._changes(i, contract, notes, problems))
                        return RawRow(i, contract, cells, _row_error(i, problems), notes)
                changes = self._changes(i, contract, notes, problems)
                contract.update(changes)
            if problems:
                return RawRow(i, contract, cells, _row_error(i, problems), notes)
            return RawRow(i, contract, cells, None, notes, None if changes else layout)
        if isinstance(item, str):
            return RawRow(i, {}, {}, error=f"row {i}: {item}")
        warnings: list[str] = []
        columns, extra, mapping = self.columns, {}, self.mapping
        error = None
        if isinstance(item, BadRow):
            error, item = f"row {i}: {item.error}", item.cells
        if isinstance(item, SheetRow):
            columns, extra, mapping = item.columns, {item.key: item.sheet}, item.mapping or mapping
            item = item.cells
        if isinstance(item, list):
            n = len(columns)
            if len(item) > n:
                spill = [c for c in item[n:] if str(c).strip()]
                if spill:
                    warnings.append(f"row {i}: {len(item) - n} cell(s) beyond the {n} columns ignored "
                                    f"({', '.join(repr(str(c))[:40] for c in spill[:3])}); check the delimiter "
                                    "or quote the cell")
            elif len(item) < n:
                warnings.append(f"row {i}: {n - len(item)} cell(s) missing at the end (read as empty): "
                                f"{', '.join(columns[len(item):][:5])}{' ...' if n - len(item) > 5 else ''}")
            original = dict(zip(columns, [*item[:n], *([""] * (n - len(item)))], strict=True))
            original.update(extra)
        else:
            if type(item) is DuplicateKeys:
                problem, notes = duplicate_key_problem(item, mapping)
                warnings.extend(f"row {i}: {n}" for n in notes)
                if problem and error is None:
                    error = f"row {i}: {problem}"
            original = {str(k): v for k, v in item.items()}
        data: dict[str, Any] = {}
        for k, v in original.items():
            target = mapping.get(k)
            if target is not None and target not in data:
                data[target] = v
        if self._twins and mapping is self.mapping and error is None:
            if (problem := self._twin_problem(i, original, data, warnings)) is not None:
                error = f"row {i}: {problem}"
        unscreenable: list[str] = []
        data.update(self._changes(i, data, warnings, unscreenable))
        if unscreenable and error is None:
            error = _row_error(i, unscreenable)
        return RawRow(i, data, original, error=error, warnings=warnings)

    def _changes(self, i: int, data: dict[str, Any], warnings: list[str],
                 problems: list[str] | None = None) -> dict[str, Any]:
        """What the file's conventions decide before the row is validated (numeric HS codes that
        lost zeros, ambiguous thousands separators, a currency written into the amount): the
        changes to ``data`` (which is left as it is), its warnings added, and what stops the row
        being screened added to ``problems`` (to ``warnings`` when None)."""
        changes: dict[str, Any] = {}
        plain = self._plain_hs
        get = data.get
        hs = get("hs_code")
        if type(hs) is str and hs in plain:
            # Most rows: the code and names spellings seen before to need nothing undone, no day
            # number, plain amounts. Settled by these tests alone (each the first the general
            # path below makes of that cell, and changing nothing); any other row goes on below.
            day, value, quantity = get("date"), get("value"), get("quantity")
            if type(day) is not int and type(day) is not float \
                    and (value is None or type(value) is str and (not value or len(value) < _LONG_AMOUNT
                                                                  and PLAIN_UNAMBIGUOUS.fullmatch(value))) \
                    and (quantity is None or type(quantity) is str and (not quantity or len(quantity) < _LONG_AMOUNT
                                                                        and PLAIN_UNAMBIGUOUS.fullmatch(quantity))) \
                    and not ((cur := get("currency")) and type(cur) is str and cur[:1].isdigit()):
                names = self._plain_names
                for v in map(get, _NAME_FIELDS):
                    if v is not None and (type(v) is not str or v not in names):
                        break
                else:
                    return changes
        if type(hs) is str and hs in plain:
            pass  # a spelling seen before to need nothing undone
        elif isinstance(hs, int | float) and not isinstance(hs, bool) and hs == hs and hs >= 0 \
                and hs not in (float("inf"),):
            code = hs_from_number(hs)
            shown = str(int(hs)) if isinstance(hs, int) or hs.is_integer() else repr(hs)
            if code != shown:
                warnings.append(f"row {i}: hs_code was stored as the number {shown} and is read as {code} "
                                "(numbers drop leading and trailing zeros); store HS codes as text")
            changes["hs_code"] = code
        elif type(hs) is str and "." in hs and (m := _FLOAT_TEXT.fullmatch(hs)):
            # One digit after the point is no HS notation (its groups are pairs: 8542.31): it is a
            # number written out by a spreadsheet or pandas ("402.0" for 0402, "8471.3" for 8471.30),
            # read as that number is.
            code = hs_from_number(float(f"{m[1]}.{m[2]}"))
            warnings.append(f"row {i}: hs_code {hs!r} is a number as a spreadsheet writes it out (one digit after "
                            f"the point is no HS notation): read as {code}; store HS codes as text")
            changes["hs_code"] = code
        elif type(hs) is str and hs not in plain and _LOOKALIKE_HINT.search(hs) \
                and (fixed := lookalike_digits(hs)) is not None:
            warnings.append(f"row {i}: hs_code {hs[:40]!r} has letters for digits (O for 0, l or I for 1): read as "
                            f"{fixed}; check the code")
            changes["hs_code"] = fixed
        elif type(hs) is str and (odd := _odd_code_note(hs)) is not None:
            warnings.append(f"row {i}: {odd}")  # never in ``plain``: every row with it is told
        elif type(hs) is str and len(plain) < 100_000:
            plain.add(hs)  # nothing to undo in this spelling: not looked at again
        day = data.get("date")
        if (type(day) is int or type(day) is float) and _EXCEL_DAYS[0] <= day < _EXCEL_DAYS[1]:
            # A number in the date column: a spreadsheet cell that lost its date format holds the
            # day number (days since 1899-12-30, Excel's and LibreOffice's epoch), time as a fraction.
            iso = (dt.date(1899, 12, 30) + dt.timedelta(days=int(day))).isoformat()
            warnings.append(f"row {i}: date {day!r} is a spreadsheet day number, read as {iso}; format the "
                            "column as a date (or write ISO 8601)")
            changes["date"] = iso
        cur = data.get("currency")
        if type(cur) is str and cur[:1].isdigit():
            # "1,234.50" unquoted in a comma file: value 1, currency 234.50. The amount is lost.
            (warnings if problems is None else problems).append(
                f"currency {quoted(cur)} is a number, not a currency code: an amount with a comma split into two "
                "cells? Quote the value (\"1,234.50\") or check the columns")
        for name in ("value", "quantity"):
            v = data.get(name)
            if (type(v) is float or type(v) is int) and v >= _ABSURD_AMOUNT:
                (warnings if problems is None else problems).append(_absurd(name, v))
                continue
            if type(v) is float and v != v:  # JSON's NaN, a spreadsheet's #NUM!: no amount was given
                warnings.append(f"row {i}: {name} is NaN (not a number): read as empty")
                continue
            if not isinstance(v, str) or not v.strip():
                continue
            if PLAIN_UNAMBIGUOUS.fullmatch(v):
                if len(v) >= _LONG_AMOUNT and float(v) >= _ABSURD_AMOUNT:
                    (warnings if problems is None else problems).append(_absurd(name, v))
                continue  # digits with at most one point: no currency, not ambiguous
            try:
                number = parse_number(v, name, self.decimal)
            except ValueError:
                number = None  # the model says what is wrong with it
            if number is not None and number >= _ABSURD_AMOUNT:
                (warnings if problems is None else problems).append(_absurd(name, v))
                continue
            text, currency = split_amount(v)
            if name == "value" and currency is None and (note := amount_currency_note(v, data.get("currency"))):
                warnings.append(f"row {i}: {note}")  # 'kr': SEK, NOK, DKK or ISK? the column must say
            if name == "value" and currency and text and text[0] in "0123456789(":
                have = str(data.get("currency") or "").strip().upper()
                if not have:
                    changes["currency"] = currency
                elif have[:1].isdigit():
                    pass  # said above: the row is not screened
                elif have != currency:
                    warnings.append(f"row {i}: value {v!r} says {currency} but currency says {have}: "
                                    f"using {have}; fix one of them")
            if ambiguous_number(v):
                try:
                    number = parse_number(v, name, self.decimal)
                except ValueError:
                    continue
                if number is None:
                    continue
                sep = "." if "." in v else ","
                where = "in this ';'-separated file" if self.decimal == "," else "as in English"
                if number.is_integer():
                    alt = v.replace(sep, "." if self.decimal != "," else ",")
                    warnings.append(f"row {i}: {name} {v!r} is read as {int(number)} ('{sep}' groups thousands "
                                    f"{where}); if you meant {alt.replace(',', '.')} as a fraction, write {alt}")
                else:
                    warnings.append(f"row {i}: {name} {v!r} is read as {number:g} ('{sep}' is the decimal "
                                    f"separator {where}); if you meant {round(number * 1000)}, write it without "
                                    "a separator")
                changes[name] = number
        plain = self._plain_names
        for name in _NAME_FIELDS:
            v = data.get(name)
            if type(v) is str:
                if v in plain:
                    continue
                if not _SUSPECT_NAME.search(v):
                    if len(plain) < 100_000:
                        plain.add(v)  # nearly every name: plain printable ASCII
                    continue
                cleaned, notes = clean_party_name(v)
                if not notes and len(plain) < 100_000:
                    plain.add(v)
            elif isinstance(v, list) and v and all(isinstance(x, str) for x in v):
                cleaned, notes = clean_party_name(json.dumps(v, ensure_ascii=False))
            else:
                continue
            if notes:
                warnings.extend(f"row {i}: {name} {quoted(str(v))} {note}" for note in notes)
                if cleaned != v:
                    changes[name] = cleaned
        return changes

    def tag_source(self, column: str, value: str) -> None:
        """Give every row a ``column`` naming where it came from (the file, when one run reads
        several: ``row_number`` restarts in each, so it alone cannot tell them apart). Called
        before the rows are read; the column is echoed last, like the ``sheet`` column."""
        self.columns = [*self.columns, column]
        self._source = (column, value, RowLayout((*self._layout.columns, column), self._layout.targets))

    def rows(self) -> Iterator[RawRow]:
        for chunk in self._read(1):
            yield from chunk

    def chunks(self, size: int = 50_000) -> Iterator[list[RawRow]]:
        return self._read(size)

    def _read(self, size: int) -> Iterator[list[RawRow]]:
        """The rows in lists of ``size`` (the last one shorter), read in one loop: a row passes
        through no generator but this one (``rows`` takes them one by one)."""
        # Each list is yielded out of a box, so this generator holds no reference to it while
        # the caller works on it: the caller's collection per chunk would otherwise walk every
        # row of the chunk it has finished with (a tenth of a batch's time).
        box: list[list[RawRow]] = [[]]
        seen = _IdIndex()
        first = seen.first
        dup_warned = 0
        source = self._source
        to_raw = self._to_raw
        i = 0
        for item in self._rows:
            i += 1
            raw = to_raw(i, item)
            if source is not None:
                # A copy: the row's data may be the same dict as its echo (an identity layout).
                raw.original = {**raw.original, source[0]: source[1]}
                if raw.layout is not None:  # the echo is still the columns in order, the tag last
                    raw.layout = source[2]
            sid = raw.data.get("shipment_id")
            # ``str(sid or "")``: a text is itself (an empty one too).
            sid = (sid if type(sid) is str else str(sid or "")).strip()
            if sid:
                at = first(sid, i)
                if at is not None:
                    msg = (f"row {i}: shipment_id {sid!r} repeats row {at}; both rows are screened, give "
                           "each shipment its own id")
                    raw.warnings.append(msg)
                    if dup_warned < 20:
                        self.warnings.append(msg)
                    dup_warned += 1
                elif seen.full and not seen.warned:
                    seen.warned = True
                    self.warnings.append(f"row {i}: more than {seen.capacity:,} shipment_ids: later rows are not "
                                         "checked for repeated ids (memory stays bounded)")
            if raw.warnings:
                self.warnings.extend(w for w in raw.warnings if w not in self.warnings and len(self.warnings) < 200)
            box[0].append(raw)
            if len(box[0]) >= size:
                yield box.pop()
                box.append([])
        if (problem := self.tail_error()) is not None:
            box[0].append(RawRow(i + 1, {}, {}, error=f"row {i + 1}: {problem}"))
        if box[0]:
            yield box.pop()

    def close(self) -> None:
        for f in self._closers:
            try:
                f.close()
            except OSError:  # pragma: no cover
                pass

    def __enter__(self) -> InputTable:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _IdIndex:
    """Which row a shipment_id was first seen on, in about 24 bytes per id (a dict of strings
    costs over 100): an open-addressing table of 64-bit id hashes and 32-bit row numbers. It
    stops taking new ids at ``capacity`` so memory stays bounded on endless files. Two ids with
    the same 64-bit hash would be reported as a repeat: odds below 1e-6 for 4 million ids."""

    capacity = 4_000_000

    def __init__(self) -> None:
        self._size = 1 << 16
        self._keys = array("Q", bytes(8 * self._size))
        self._rows = array("I", bytes(4 * self._size))
        self._count = 0
        self.full = False
        self.warned = False

    def first(self, sid: str, row: int) -> int | None:
        """The row ``sid`` was first seen on, or None (and ``row`` is remembered)."""
        # Python's string hash (64-bit SipHash, keyed per process): ids are only compared within
        # one run, and it is several times cheaper than a digest per row. 0 marks an empty slot.
        h = (hash(sid) & 0xFFFF_FFFF_FFFF_FFFF) or 1
        mask = self._size - 1
        slot = h & mask
        keys = self._keys
        while k := keys[slot]:
            if k == h:
                return self._rows[slot]
            slot = (slot + 1) & mask
        if self._count >= self.capacity:
            self.full = True
            return None
        keys[slot] = h
        self._rows[slot] = min(row, 0xFFFFFFFF)
        self._count += 1
        if self._count * 2 > self._size:
            self._grow()
        return None

    def _grow(self) -> None:
        old_keys, old_rows = self._keys, self._rows
        self._size *= 2
        self._keys = array("Q", bytes(8 * self._size))
        self._rows = array("I", bytes(4 * self._size))
        mask = self._size - 1
        for k, r in zip(old_keys, old_rows, strict=True):
            if not k:
                continue
            slot = k & mask
            while self._keys[slot]:
                slot = (slot + 1) & mask
            self._keys[slot] = k
            self._rows[slot] = r


def map_headers(columns: list[str], mapping: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """File column -> contract column: the explicit mapping first, then contract names (any case,
    spaces or dashes), then common aliases (``HEADER_ALIASES``, also with a trailing ``(unit)``
    removed); and warnings for columns that compete for one contract column."""
    out: dict[str, str] = {}
    warnings: list[str] = []
    lowered = {_norm_header(k): v for k, v in mapping.items()}
    taken: dict[str, str] = {}

    def explicit(c: str) -> str | None:
        n = _norm_header(c)
        target = mapping.get(c) or lowered.get(n)
        if target is None and n.replace(" ", "_") in INPUT_COLUMNS:
            target = n.replace(" ", "_")
        return target

    def alias(c: str) -> str | None:
        n = _norm_header(c)
        return HEADER_ALIASES.get(n) or HEADER_ALIASES.get(_norm_header(_UNIT_SUFFIX.sub("", str(c))))

    # Two passes, so that a column named exactly 'hs_code' beats an earlier 'Commodity code'.
    for finder in (explicit, alias):
        for c in columns:
            if c in out:
                continue
            target = finder(c)
            if target is None:
                continue
            if target in taken:
                warnings.append(f"columns {taken[target]!r} and {c!r} both mean {target}: using {taken[target]!r}"
                                f" (a row where they differ: ERROR for a code, country, date or document, both names screened for a"
                                f" party; rename or --map the other to keep it apart)")
                continue
            taken[target] = c
            out[c] = target
    return out, warnings


def _twin_columns(columns: list[str], winners: dict[str, str]) -> dict[str, tuple[str, str]]:
    """Columns ``map_headers`` left out because another column already gives their contract
    column (``winners``: file column -> contract column): loser -> (contract column, winner).
    Also a repeated header renamed by ``_dedupe_headers`` ('hs_code' twice: 'hs_code_5')."""
    by_target = {t: c for c, t in winners.items()}
    out: dict[str, tuple[str, str]] = {}
    for n, c in enumerate(columns, start=1):
        if c in winners:
            continue
        target = _own_target(c)
        if target is None and (m := _DEDUPED.fullmatch(c)) and int(m[2]) == n and m[1] in winners:
            target = winners[m[1]]
        if target is not None and target in by_target:
            out[c] = (target, by_target[target])
    return out


_DEDUPED = re.compile(r"(.+)_([0-9]+)")
_CONTRACT_BY_NORM = {_norm_header(c): c for c in INPUT_COLUMNS}


def _own_target(c: str) -> str | None:
    """The contract column a header names on its own (``map_headers`` without a mapping)."""
    n = _norm_header(c)
    return (_CONTRACT_BY_NORM.get(n) or HEADER_ALIASES.get(n)
            or HEADER_ALIASES.get(_norm_header(_UNIT_SUFFIX.sub("", str(c)))))


def _blank_cell(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip()) or (isinstance(v, float) and v != v)


# Contract columns that decide a verdict: two columns giving different values of one are an ERROR.
_DECISIVE = frozenset({"hs_code", "destination_country", "origin_country", "transit_countries", "date",
                       "end_use_doc_type", "end_use_doc_issuer", "exporter_country", "consignee_country",
                       "end_user_country", "manufacturer_country"})


def _same_value(target: str, a: Any, b: Any) -> bool:
    """Do two cells give a contract column the same value ('DE' and 'Germany', '8471.30' and '847130')?
    ``a`` is the second column's: when it is no value of the column at all ('Klaipeda port' in a
    'Destination' column beside 'destination_country'), it says nothing against the first."""
    x, y = str(a).strip(), str(b).strip()
    if x.casefold() == y.casefold():
        return True
    if target == "hs_code":
        try:
            mine, theirs = normalise_hs(a), normalise_hs(b)
        except InvalidHSCode:
            return _SEPARATORS_HS.sub("", x) == _SEPARATORS_HS.sub("", y)
        return mine.startswith(theirs) or theirs.startswith(mine)  # 8471 beside 847130: the same goods
    if target.endswith("_country") and target != "transit_countries":
        try:
            mine = resolve_country(x)
        except UnknownCountry:
            return True  # a place, a port, a note: no country to disagree with
        try:
            return mine == resolve_country(y)
        except UnknownCountry:
            return False
    return " ".join(x.casefold().split()) == " ".join(y.casefold().split())


_SEPARATORS_HS = re.compile(r"[\s.,\-/_]+")


def _unused_mapping(name: str, columns: list[str], mapping: dict[str, str]) -> list[str]:
    """A ``--map`` / mapping-file column the file does not have: said, since its contract column then
    comes from another column, or not at all (a typo in a mapping must not pass unnoticed)."""
    have = {_norm_header(c) for c in columns}
    return [f"{name}: the mapping names column {k!r} ({k} -> {v}), which the file does not have"
            for k, v in mapping.items() if k not in columns and _norm_header(k) not in have]


def _dedupe_headers(header: list[str]) -> tuple[list[str], list[str]]:
    out: list[str] = []
    seen: set[str] = set()  # a set: a header of 50,000 columns must not take quadratic time
    warnings: list[str] = []
    for i, h in enumerate(header, start=1):
        name = str(h if h is not None else "").replace("\ufeff", "").strip() or f"column_{i}"
        if name in seen:
            new = f"{name}_{i}"
            warnings.append(f"header {name!r} appears twice: the second (column {i}) is read as {new!r}")
            name = new
        out.append(name)
        seen.add(name)
    return out, warnings


# Binary formats recognised by their first bytes, whatever the file is called.
_MAGIC_REFUSED = {
    b"\xd0\xcf\x11\xe0": "an old Excel .xls (or other OLE) file: save it as .xlsx or CSV",
    b"%PDF": "a PDF document, not a shipment table: export the table as CSV or .xlsx",
    b"\x89PNG": "a PNG image, not a shipment table",
    b"\xff\xd8\xff": "a JPEG image, not a shipment table",
    b"7z\xbc\xaf": "a 7-Zip archive: extract the shipment file first",
    b"Rar!": "a RAR archive: extract the shipment file first",
    b"SQLite format 3": "an SQLite database, not a shipment table",
}


def _format_of(name: str, head: bytes, fmt: str | None, warnings: list[str]) -> str:
    """The input format: ``--format``, else the file's first bytes for binary formats, else its
    extension, else a look at the text."""
    if fmt:
        if fmt not in FORMATS:
            raise InputFileError(f"unknown input format {fmt!r}: use one of {', '.join(FORMATS)}")
        return fmt
    for magic, what in _MAGIC_REFUSED.items():
        if head.startswith(magic):
            if magic == b"\xd0\xcf\x11\xe0" and "EncryptedPackage".encode("utf-16-le") in head:
                what = "a password-protected workbook: remove the password (or save it as CSV) first"
            raise InputFileError(f"{name}: {what}")
    if head.startswith(b"PK\x03\x04") and b"opendocument.spreadsheet" in head[:400]:
        raise InputFileError(f"{name}: an OpenDocument spreadsheet (.ods): save it as .xlsx or CSV")
    if head.lstrip(b"\xef\xbb\xbf \r\n\t")[:15].lower().startswith((b"<!doctype html", b"<html", b"<table")):
        raise InputFileError(f"{name}: an HTML page, not a shipment table (web exports often save tables as HTML "
                             "called .xls): open it in a spreadsheet and save it as .xlsx or CSV")
    suffix = Path(name).suffix.lower()
    by_suffix = _SUFFIX.get(suffix)
    by_magic = "xlsx" if head.startswith(b"PK\x03\x04") else "parquet" if head.startswith(b"PAR1") else None
    if by_magic:
        if by_suffix not in (None, by_magic):
            warnings.append(f"{name}: the file is called {suffix} but is a {by_magic} file; read as {by_magic}")
        return by_magic
    if by_suffix in ("xlsx", "parquet"):
        if _looks_binary(head, "utf-8"):
            return by_suffix  # let the reader say what is wrong with it
        warnings.append(f"{name}: the file is called {suffix} but holds text; read as CSV/JSON")
        by_suffix = None
    stripped = head.lstrip(b"\xef\xbb\xbf \r\n\t")
    if by_suffix == "jsonl" and stripped.startswith(b"["):
        warnings.append(f"{name}: the file is called {suffix} but holds one JSON array; read as JSON")
        return "json"
    if by_suffix:
        return by_suffix
    if stripped.startswith(b"["):
        return "json"
    if stripped.startswith(b"{"):
        return "jsonl"
    return "csv"


def _open_binary(path: str | Path) -> tuple[str, IO[bytes]]:
    name = str(path)
    if name == "-":
        return "<stdin>", sys.stdin.buffer
    p = Path(path)
    try:
        mode = p.stat().st_mode
    except OSError as e:
        if e.errno == errno.ELOOP:
            raise InputFileError(f"{name}: a loop of symbolic links, not a shipment file") from None
        if p.is_symlink():
            raise InputFileError(f"{name}: a symbolic link to a file that does not exist") from None
        if e.errno == errno.ENOENT:
            raise InputFileError(f"{name}: file not found") from None
        raise InputFileError(f"{name}: cannot open: {e.strerror}") from None
    if stat.S_ISDIR(mode):
        raise InputFileError(f"{name}: is a directory, not a shipment file")
    # A pipe (``<(zcat x.csv.gz)``, a FIFO) or a device is read as a stream like stdin.
    try:
        return name, p.open("rb")
    except OSError as e:
        raise InputFileError(f"{name}: cannot open: {e.strerror}") from None


def _regular(fh: IO[bytes]) -> bool:
    try:
        return stat.S_ISREG(os.fstat(fh.fileno()).st_mode)
    except (OSError, ValueError, io.UnsupportedOperation):
        return False


class _TolerantGzip(io.RawIOBase):
    """A gzip stream that ends quietly where the file is cut, remembering why (a truncated
    download must give the rows before the cut and then one ERROR row, not a crash)."""

    def __init__(self, fh: IO[bytes]) -> None:
        import gzip

        self._gz = gzip.GzipFile(fileobj=fh, mode="rb")
        self._fh = fh
        self.error: str | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        if self.error is not None:
            return 0
        try:
            data = self._gz.read1(min(len(b), 8192))  # small reads: little is lost at the cut
        except (EOFError, OSError, zlib_error) as e:
            self.error = f"the compressed file is cut or damaged here ({e}); the rows after it are missing"
            return 0
        b[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._gz.close()
        self._fh.close()
        super().close()


class _Peekable(io.RawIOBase):
    """A binary stream whose first bytes were already read for sniffing (stdin can't seek)."""

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        self._head = head
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        if self._head:
            n = min(len(b), len(self._head))
            b[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        data = self._rest.read(len(b))
        b[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._rest.close()
        super().close()


def open_input(path: str | Path, *, format: str | None = None, encoding: str | None = None,
               delimiter: str | None = None, mapping: dict[str, str] | None = None) -> InputTable:
    """Open a shipment file for streaming. Raises ``InputFileError`` only for problems with the
    file as a whole (missing, empty, binary, no required columns); row problems become ERROR rows.
    A gzip-compressed file (``shipments.csv.gz``) is read through a streaming decompressor."""
    name, fh = _open_binary(path)
    stream: IO[bytes] = fh
    try:
        head = fh.read(SAMPLE_BYTES)
        gz: _TolerantGzip | None = None
        if head.startswith(b"\x1f\x8b"):
            gz = _TolerantGzip(io.BufferedReader(_Peekable(head, fh)))
            stream = cast(IO[bytes], io.BufferedReader(gz, buffer_size=1 << 16))
            head = stream.read(SAMPLE_BYTES)
            name_for_format = name[:-3] if name.lower().endswith(".gz") else name
        else:
            name_for_format = name
    except (OSError, EOFError) as e:
        fh.close()
        raise InputFileError(f"{name}: cannot read: {e}") from None
    buffered = io.BufferedReader(_Peekable(head, stream), buffer_size=1 << 16)
    # Workbooks and Parquet are opened again by name, unless the bytes can only be read once.
    from_memory = stream is not fh or name == "<stdin>" or not _regular(fh)
    warnings: list[str] = []
    try:
        if not head.replace(codecs.BOM_UTF8, b"").strip():
            if gz is not None and gz.error:
                raise InputFileError(f"{name}: {gz.error.split(';')[0]}")
            raise InputFileError(f"{name}: the file is empty")
        fmt = _format_of(name_for_format, head, format, warnings)
        if fmt == "xlsx":
            table = _open_xlsx(name, buffered, mapping or {}, from_memory=from_memory)
        elif fmt == "parquet":
            table = _open_parquet(name, buffered, mapping or {}, from_memory=from_memory)
        else:
            table = _open_text(name, fmt, head, buffered, encoding, delimiter, mapping or {})
    except BaseException:
        buffered.close()
        raise
    table.warnings[:0] = warnings
    if gz is not None:
        table.tail_error = lambda: gz.error
    return table


def _text_stream(name: str, head: bytes, stream: IO[bytes], encoding: str | None) -> tuple[str, io.TextIOWrapper]:
    enc = encoding or detect_encoding(head)
    try:
        codecs.lookup(enc)
    except LookupError:
        raise InputFileError(f"--encoding {enc!r} is not an encoding Python knows (try utf-8, cp1251, cp1252)") from None
    if encoding is None and _looks_binary(head, enc):
        raise InputFileError(f"{name}: binary data, not a text table (CSV/JSONL); .xlsx and .parquet files are "
                             "recognised by their content")
    if encoding is None and enc in ("utf-8", "cp1251", "cp1252", "cp1250", "koi8_r"):
        # Checked as the bytes stream by: a UTF-8 file with lines in a code page, or the reverse.
        checked = _Utf8OrLegacy(stream, name, None if enc == "utf-8" else enc)
        text = io.TextIOWrapper(io.BufferedReader(checked, buffer_size=1 << 16), encoding="utf-8",
                                errors="replace", newline="")
        text.checked = checked  # type: ignore[attr-defined]
        return enc, text
    # Undecodable bytes become U+FFFD rather than aborting the file; the row is still screened.
    return enc, io.TextIOWrapper(stream, encoding=enc, errors="replace", newline="")


def _required(name: str, columns: list[str], applied: dict[str, str]) -> None:
    missing = [c for c in REQUIRED_COLUMNS if c not in applied.values()]
    if missing:
        shown = ", ".join(repr(c) for c in columns[:30]) or "no columns"
        raise InputFileError(f"{name}: required column(s) {', '.join(missing)} not found; the file has {shown}; "
                             "rename with --map their_col=our_col or a --mapping file")


def _open_text(name: str, fmt: str, head: bytes, stream: IO[bytes], encoding: str | None, delimiter: str | None,
               mapping: dict[str, str]) -> InputTable:
    enc, text = _text_stream(name, head, stream, encoding)
    nul: _NulLines | None = None
    if fmt in ("csv", "jsonl") and "\x00" in head.decode(enc, "replace"):
        # NUL characters in the text (not the NUL bytes of UTF-16): removed, each line named.
        nul = _NulLines(name, text)
        text = cast(io.TextIOWrapper, nul)
    if fmt == "csv":
        table = _open_csv(name, text, enc, head, delimiter, mapping)
    elif fmt == "jsonl":
        table = _open_jsonl(name, text, enc, mapping)
    else:
        table = _open_json(name, text, enc, mapping)
    if nul is not None:
        table.warnings.extend(nul.warnings)
        nul.warnings = table.warnings
    checked: _Utf8OrLegacy | None = getattr(text, "checked", None)
    if checked is not None:  # a code page found after the sample: said in the table's warnings
        table.warnings.extend(checked.warnings)
        checked.warnings = table.warnings
    return table


class _NulLines:
    """The lines of a text whose first part holds NUL characters (a damaged or binary export),
    without them; the lines that had any are named in ``warnings`` (the first few): "3104\\x0020"
    is read as 310420, but the sender should know the file is damaged."""

    _SHOWN = 5

    def __init__(self, name: str, text: IO[str]) -> None:
        self._name = name
        self._text = text
        self.warnings: list[str] = []
        self._said = 0

    def __iter__(self) -> Iterator[str]:
        for n, line in enumerate(self._text, start=1):
            if "\x00" in line:
                self._said += 1
                if self._said <= self._SHOWN:
                    self.warnings.append(f"{self._name}: line {n}: {line.count(chr(0))} NUL character(s) removed "
                                         "(a damaged or binary export?): check the values on that line")
                line = line.replace("\x00", "")
            yield line

    def __getattr__(self, attr: str) -> Any:
        return getattr(self._text, attr)


def _clean_lines(text: IO[str]) -> Iterator[str]:
    # NUL bytes make the csv module abort the whole file. ``str.replace`` mapped over the lines
    # runs without a Python frame per line (a line without NUL comes back as it is).
    return map(str.replace, text, itertools.repeat("\x00"), itertools.repeat(""))


def _shape(value: str) -> str:
    """'SHP-00042' -> 'A-9': the look of an id, to spot ids inside a swallowed cell."""
    return re.sub(r"[^\W\d_]+", "A", re.sub(r"\d+", "9", value.strip())) if value.strip() else "<blank>"


_DIGITS_AS_NINE = str.maketrans("0123456789", "9999999999")


def _multiline(row: list[str]) -> bool:
    text = "".join(row)  # one scan of the row's text, not one per cell
    return "\n" in text or "\r" in text


def _swallowed_rows(row: list[str], ncols: int, delim: str) -> bool:
    """Does a field hold whole lines that look like rows of their own (an unclosed quote)?"""
    for cell in row:
        if "\n" in cell or "\r" in cell:
            lines = cell.replace("\r", "\n").split("\n")[1:]
            if any(ln.count(delim) >= max(2, ncols - 2) for ln in lines):
                return True
    return False


def _recover_unclosed_quote(row: list[str], columns: list[str], delim: str) -> Iterator[Item]:
    """A quote left open swallows the following lines into one field: the damaged row becomes an
    ERROR naming the column (its other cells still echoed), and each swallowed line is read as a
    row of its own. Each such line is parsed alone, so a second stray quote cannot swallow more."""
    k = next(i for i, c in enumerate(row) if "\n" in c or "\r" in c)
    lines = row[k].replace("\r\n", "\n").replace("\r", "\n").split("\n")
    col = columns[k] if k < len(columns) else f"column {k + 1}"
    yield BadRow([*row[:k], lines[0]],
                 f"an opening quote in column {col!r} is never closed, so the following lines were read into "
                 "it; they are screened as their own rows. Fix the quote (or double it: \"\")")
    # The rest of the record as the lines it was read from (later cells may hold lines too).
    rest = "\n".join(lines[1:])
    if row[k + 1:]:
        rest += delim + delim.join(row[k + 1:])
    for line in rest.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if line.strip():
            try:
                yield next(csv.reader([line], delimiter=delim), [])
            except csv.Error:
                yield line.split(delim)


# Physical lines kept for re-reading a record with line breaks (a longer record is judged without).
_RECENT_LINES = 256
_SEP_LINE = re.compile(r"^\ufeff?\"?sep=(.)\"?\s*$", re.IGNORECASE)


def _header_fit(sample: str, delim: str, mapping: dict[str, str]) -> int:
    """How many contract columns the sample's first non-empty line names, split by ``delim``."""
    try:
        first = next((r for r in csv.reader(io.StringIO(sample), delimiter=delim) if any(c.strip() for c in r)), [])
    except csv.Error:
        return 0
    return len(map_headers(_dedupe_headers(first)[0], mapping)[0])


def _open_csv(name: str, text: io.TextIOWrapper, enc: str, head: bytes, delimiter: str | None,
              mapping: dict[str, str]) -> InputTable:
    lines = _clean_lines(text)
    sample = head.decode(enc, errors="replace")
    sep_note: str | None = None
    first_line = sample.split("\n", 1)[0]
    sep = _SEP_LINE.match(first_line)
    if sep:  # Excel's "sep=;" hint line
        next(lines, None)
        sample = sample.split("\n", 1)[1] if "\n" in sample else ""
    if delimiter is not None:
        delim = {"\\t": "\t", "tab": "\t", "TAB": "\t"}.get(delimiter, delimiter)
        if len(delim) != 1:
            raise InputFileError(f"--delimiter {delimiter!r}: give one character, e.g. ';' or '\\t'")
    elif sep:
        delim = sep.group(1)
        if (sniffed := sniff_delimiter(sample, mapping)) != delim \
                and _header_fit(sample, sniffed, mapping) > _header_fit(sample, delim, mapping):
            # A "sep=;" line over a comma file (the line kept when the file was re-saved): the
            # header's own delimiter is believed, not the hint.
            sep_note = (f"{name}: the first line says sep={delim}, but the header is separated by "
                        f"{'tab' if sniffed == chr(9) else sniffed!r}: read with that (give --delimiter if that is wrong)")
            delim = sniffed
    else:
        delim = sniff_delimiter(sample, mapping)
    # The last physical lines read, kept (without a Python frame per line) so that a record with
    # line breaks can be parsed again strictly: was its quote closed where the writer put it?
    recent: deque[str] = deque(maxlen=_RECENT_LINES)
    fed, kept = itertools.tee(lines)
    lines = map(itemgetter(0), zip(fed, map(recent.append, kept), strict=False))
    reader = csv.reader(lines, delimiter=delim)
    header: list[str] | None = None
    above: list[list[str]] = []  # non-empty rows read before the header
    try:
        for row in reader:
            if not any(c.strip() for c in row):
                continue
            cols = _dedupe_headers(row)[0]
            if all(c in map_headers(cols, mapping)[0].values() for c in REQUIRED_COLUMNS):
                header = row
                break
            above.append(row)
            if len(above) > _TITLE_ROWS:
                break
    except csv.Error as e:
        raise InputFileError(f"{name}: the header row cannot be read: {e}") from None
    except (OSError, EOFError) as e:
        raise InputFileError(f"{name}: cannot read: {e}") from None
    if header is None:
        if not above:
            raise InputFileError(f"{name}: no header row (the file has no data)")
        # The message shows the row most like a header (the most cells), not a title line above it.
        columns = _dedupe_headers(max(above, key=lambda r: sum(1 for c in r if c.strip())))[0]
        _required(name, columns, map_headers(columns, mapping)[0])
    assert header is not None
    columns, warnings = _dedupe_headers(header)
    applied, more = map_headers(columns, mapping)
    more += _unused_mapping(name, columns, mapping)
    if above:
        warnings.append(f"{name}: {len(above)} line(s) above the header skipped "
                        f"({'; '.join(repr(delim.join(r))[:60] for r in above[:2])})")

    id_index = next((i for i, c in enumerate(columns) if applied.get(c) == "shipment_id"), None)
    id_shapes: set[str] = set()
    shapes_of: dict[str, str] = {}

    def starts_a_row(row: list[str]) -> bool:
        """Does a line inside a multi-line cell begin with an id shaped like the ids above it?"""
        if id_index is None:
            return False
        shapes = id_shapes | ({_shape(row[id_index])} if id_index < len(row) and "\n" not in row[id_index] else set())
        for cell in row:
            for line in cell.replace("\r", "\n").split("\n")[1:]:
                parts = line.split(delim)
                if len(parts) > max(1, id_index) and _shape(parts[id_index]) in shapes:
                    return True
        return False

    def well_quoted(row: list[str]) -> bool:
        """Is the record with line breaks what a CSV writer makes: parsed strictly (every quote
        closed, and closed right before a delimiter or the line's end), it is the same row?"""
        n = 1 + sum(c.count("\n") + c.count("\r") - c.count("\r\n") for c in row)
        if n >= len(recent):
            return False
        text = "".join(itertools.islice(recent, len(recent) - n, None))
        try:
            return list(csv.reader(io.StringIO(text, newline=""), delimiter=delim, strict=True)) == [row]
        except csv.Error:
            return False

    header_first, header_key = header[0].lstrip("\ufeff"), _header_key(header)
    repeats: list[int] = []  # lines that repeat the header

    def rows() -> Iterator[Item]:
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as e:
                if "field limit" in str(e):
                    yield (f"a cell is longer than the {csv.field_size_limit() // (1 << 20)} MB a cell may hold, so the "
                           "row cannot be read: shorten it, or close the quote that runs on")
                else:
                    yield f"the CSV row cannot be read ({e}); check quotes on this line"
                continue
            except (OSError, EOFError) as e:  # a truncated .gz, a disk error
                yield f"the file cannot be read past this point ({e}); the rows after it are missing"
                return
            if not (row and row[0].strip()) and not any(c.strip() for c in row):
                continue
            if row[0] == header_first or row[0][:1] == "\ufeff":
                row[0] = row[0].lstrip("\ufeff")  # a BOM inside the file: where two files were joined
                if _header_key(row) == header_key:
                    repeats.append(reader.line_num)
                    if len(repeats) <= 20:
                        table.warnings.append(f"{name}: line {reader.line_num} repeats the header (files joined "
                                              "together?): skipped, it is not a shipment")
                    continue
            if _multiline(row) and (starts_a_row(row) or not well_quoted(row)
                                    and _swallowed_rows(row, len(columns), delim)):
                # A quoted line break in a description is fine, commas on its lines too when the
                # quotes are where a CSV writer puts them. Lines inside a cell that look like rows
                # (an id like the ids above; or many delimiters, when a quote is not closed right
                # before a delimiter) are an unclosed quote that swallowed the rows after it:
                # give them back, never lose them.
                yield from _recover_unclosed_quote(row, columns, delim)
                continue
            if id_index is not None and len(id_shapes) < 50 and id_index < len(row):
                value = row[id_index]
                # Ids that differ only in their digits have one shape: worked out once.
                sig = value.translate(_DIGITS_AS_NINE)
                shape = shapes_of.get(sig)
                if shape is None:
                    shape = _shape(value)
                    if len(shapes_of) < 4096:
                        shapes_of[sig] = shape
                id_shapes.add(shape)
            yield row

    table = InputTable(name, "csv", columns, applied, rows(), encoding=enc, delimiter=delim,
                       warnings=warnings + more + ([sep_note] if sep_note else []), closers=[text])
    return table


def _header_key(row: list[str]) -> list[str]:
    """A header row as compared with a later row (case, spaces, BOMs and empty cells at the end aside)."""
    key = [c.replace("\ufeff", "").strip().casefold() for c in row]
    while key and not key[-1]:
        key.pop()
    return key


def _open_jsonl(name: str, text: IO[str], enc: str, mapping: dict[str, str]) -> InputTable:
    # Columns are the contract's plus whatever the first objects carry (JSON has no header).
    lines = _clean_lines(text)
    first: list[str] = []
    for line in lines:
        first.append(line)
        if len([x for x in first if x.strip()]) >= 50:
            break

    def parse(line: str) -> dict[str, Any] | str:
        try:
            obj = _JSON.decode(line)
        except json.JSONDecodeError as e:
            return f"not valid JSON ({e.msg} at column {e.colno})"
        except RecursionError:
            return "not valid JSON (nested too deeply to read)"
        if r"\u" in line:
            obj = _no_lone_surrogates(obj)
        return obj if isinstance(obj, dict) else "the line is not a JSON object"

    if _spans_lines(first):
        # Objects pretty-printed over several lines, one after another: no line is a record of its
        # own, so the file is read as a stream of JSON values.
        values = _json_values(text, "".join(first))
        return _json_table(name, "jsonl", values, enc, mapping, [text], [
            f"{name}: the objects span several lines (pretty-printed), not one per line: read one after another"])
    columns: list[str] = []
    for line in first:
        if line.strip() and isinstance(obj := parse(line), dict):
            columns.extend(str(k) for k in obj if str(k) not in columns)
    applied, warnings = map_headers(columns, mapping)
    for c in INPUT_COLUMNS:  # keys that appear only in later lines still map
        if c not in applied.values():
            applied.setdefault(c, c)
    _required(name, columns or list(INPUT_COLUMNS), applied)

    def rows() -> Iterator[dict[str, Any] | str]:
        comments = 0
        for n, line in enumerate(itertools.chain(first, lines), start=1):
            if not line.strip():
                continue
            if line.lstrip().startswith(("#", "//")):
                # '# ...' or '// ...': a comment line (JSON has none), not a shipment; said, not screened.
                comments += 1
                if comments <= 20:
                    table.warnings.append(f"{name}: line {n} is a comment ({line.strip()[:40]!r}): skipped, it is "
                                          "not a shipment")
                continue
            yield parse(line)

    table = InputTable(name, "jsonl", columns, applied, rows(), encoding=enc, warnings=warnings, closers=[text])
    return table


def _int_or_digits(digits: str) -> int | str:
    # Python refuses to convert integers of more than 4300 digits (a ValueError mid-decode): such
    # a number is kept as its text, and the row's field check says what is wrong with it.
    return int(digits) if len(digits) <= 4000 else digits


class DuplicateKeys(dict[str, Any]):
    """A JSON object that named a key more than once (the last value kept, as JSON readers do);
    ``duplicates``: each such key and its values in order. A shipment whose key says two
    different things cannot be screened as either (``InputTable`` makes it an ERROR row)."""

    duplicates: dict[str, list[Any]]


def json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """``object_pairs_hook`` of every JSON input: a plain dict, or ``DuplicateKeys``."""
    d = dict(pairs)
    if len(d) == len(pairs):
        return d
    out = DuplicateKeys(d)
    seen: dict[str, list[Any]] = {}
    for k, v in pairs:
        seen.setdefault(k, []).append(v)
    out.duplicates = {k: vs for k, vs in seen.items() if len(vs) > 1}
    return out


def duplicate_key_problem(obj: DuplicateKeys, mapping: dict[str, str]) -> tuple[str | None, list[str]]:
    """What a repeated key means for a row: an error (a screened column given different
    values), and warnings (the same value twice, or a column that is not screened)."""
    errors, warnings = [], []
    for k, values in obj.duplicates.items():
        shown = ", ".join(quoted(str(v)) for v in values[:4])
        if any(v != values[0] for v in values) and mapping.get(k) is not None:
            errors.append(f"key {k!r} is given {len(values)} times with different values ({shown}): it cannot be "
                          "screened as either; give the key once")
        else:
            warnings.append(f"key {k!r} is given {len(values)} times ({shown}): the last value is used")
    return ("; ".join(errors) or None), warnings


# A JSON decoder whose numbers never raise and that reports repeated keys; used for every JSON input.
_JSON = json.JSONDecoder(parse_int=_int_or_digits, object_pairs_hook=json_object)
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _no_lone_surrogates(obj: Any) -> Any:
    """A JSON escape such as ``\\ud800`` decodes to a lone surrogate, which no output encoding
    can write: it becomes U+FFFD, as undecodable bytes of a CSV do."""
    if isinstance(obj, str):
        return _SURROGATE.sub("\ufffd", obj)
    if isinstance(obj, dict):
        clean = {_no_lone_surrogates(k): _no_lone_surrogates(v) for k, v in obj.items()}
        if isinstance(obj, DuplicateKeys):
            kept = DuplicateKeys(clean)
            kept.duplicates = obj.duplicates
            return kept
        return clean
    if isinstance(obj, list):
        return [_no_lone_surrogates(v) for v in obj]
    return obj


def _json_array_items(text: IO[str], first: str) -> Iterator[Any | _JsonCut]:
    """Stream the items of a top-level JSON array without loading the file: each item is
    decoded as soon as its text is complete. A cut or broken array ends with a ``_JsonCut``."""
    decoder = _JSON
    buf, pos, eof = first, 0, False

    def more() -> bool:
        nonlocal buf, pos, eof
        chunk = text.read(1 << 16)
        if not chunk:
            eof = True
            return False
        buf, pos = buf[pos:] + chunk, 0
        return True

    def skip(chars: str) -> None:
        nonlocal pos
        while True:
            while pos < len(buf) and buf[pos] in chars:
                pos += 1
            if pos < len(buf) or not more():
                return

    def skip_value() -> bool:
        """Move past the value at ``pos`` by counting its brackets; False when the text ends first."""
        nonlocal pos
        depth, in_string = 0, False
        while True:
            while (m := _JSON_SPECIAL.search(buf, pos)) is not None:
                ch, pos = m.group(), m.end()
                if ch == "\\":
                    pos += 1  # the escaped character (a quote or a backslash) is text
                elif ch == '"':
                    in_string = not in_string
                elif in_string:
                    continue
                elif ch in "[{":
                    depth += 1
                else:
                    depth -= 1
                    if depth <= 0:
                        return True
            over = max(0, pos - len(buf))  # an escaped character in the next chunk
            pos = len(buf)
            if not more():
                return False
            pos += over

    skip(" \t\r\n\ufeff")
    if buf[pos:pos + 1] != "[":  # pragma: no cover - the caller checked
        yield _JsonCut("the file does not start with '['")
        return
    pos += 1
    while True:
        skip(" \t\r\n")
        if pos >= len(buf):
            yield _JsonCut("the JSON array ends without its closing ']' (the file is cut)")
            return
        if buf[pos] == "]":
            return
        while True:
            try:
                obj, end = decoder.raw_decode(buf, pos)
            except RecursionError:
                # Step over the item (brackets counted, strings honoured): it is one ERROR row and
                # the items after it are read on.
                if not skip_value():
                    yield _JsonCut("not valid JSON from here (an item is nested too deeply to read, and the "
                                   "array ends inside it: the file is cut)")
                    return
                obj = _JsonCut("not valid JSON (the item is nested too deeply to read): skipped")
                end = pos
                break
            except json.JSONDecodeError as e:
                # Incomplete: read on, but never hold more than one item's worth (16 MB).
                if not eof and len(buf) - pos < 16 * 1024 * 1024 and more():
                    continue
                yield _JsonCut(f"not valid JSON from here ({e.msg}); the items after it cannot be read")
                return
            # A number at the end of the buffer may continue in the next chunk.
            if end == len(buf) and not eof and more():
                continue
            break
        yield _no_lone_surrogates(obj) if type(obj) is not _JsonCut and "\\u" in buf[pos:end] else obj
        pos = end
        skip(" \t\r\n")
        if pos < len(buf) and buf[pos] == ",":
            pos += 1
        elif pos < len(buf) and buf[pos] == "]":
            return
        elif pos >= len(buf):
            yield _JsonCut("the JSON array ends without its closing ']' (the file is cut)")
            return
        else:
            yield _JsonCut(f"expected ',' or ']' after an item, found {buf[pos]!r}; the items after it cannot be read")
            return


_JSON_SPECIAL = re.compile(r'["\\\[\]{}]')


@dataclass(slots=True)
class _JsonCut:
    reason: str


def _spans_lines(first: list[str]) -> bool:
    """Does the first object of these JSONL lines run over more than one line (and decode so)?"""
    text = "".join(first)
    start = len(text) - len(text.lstrip(" \t\r\n\ufeff"))
    line = text[start:].split("\n", 1)[0].strip()
    if not line.startswith("{") or line.endswith("}"):
        return False
    try:
        _, end = _JSON.raw_decode(text, start)
    except (json.JSONDecodeError, RecursionError):
        return False
    return "\n" in text[start:end]


def _json_values(text: IO[str], first: str) -> Iterator[Any | _JsonCut]:
    """Stream JSON values written one after another (whitespace or commas between them): pretty-
    printed objects in a .jsonl file, JSON lines in a .json file. A broken value ends the stream
    with a ``_JsonCut``: where one value breaks, the next cannot be found reliably."""
    buf, pos, eof = first, 0, False
    while True:
        while True:
            while pos < len(buf) and buf[pos] in " \t\r\n,\ufeff":
                pos += 1
            if pos < len(buf) or eof:
                break
            chunk = text.read(1 << 16)
            eof = not chunk
            buf, pos = buf[pos:] + chunk, 0
        if pos >= len(buf):
            return
        try:
            obj, end = _JSON.raw_decode(buf, pos)
            if end == len(buf) and not eof:
                raise json.JSONDecodeError("may go on", buf, end)  # a number cut at the buffer's end
        except RecursionError:
            yield _JsonCut("not valid JSON from here (nested too deeply to read); the values after it cannot be read")
            return
        except json.JSONDecodeError as e:
            if not eof and len(buf) - pos < 16 * 1024 * 1024:
                chunk = text.read(1 << 16)
                eof = not chunk
                buf, pos = buf[pos:] + chunk, 0
                continue
            yield _JsonCut(f"not valid JSON from here ({e.msg}); the values after it cannot be read")
            return
        yield _no_lone_surrogates(obj) if type(obj) is not _JsonCut and "\\u" in buf[pos:end] else obj
        pos = end


def _json_table(name: str, fmt: str, values: Iterable[Any], enc: str, mapping: dict[str, str],
                closers: list[IO[Any]], warnings: list[str], sample: int | None = 50) -> InputTable:
    """A table of JSON values (objects are rows): columns from the first ``sample`` values
    (all of them with None)."""
    values = iter(values)
    head = list(itertools.islice(values, sample))
    if len(head) == 1 and isinstance(head[0], _JsonCut):
        for f in closers:
            f.close()
        raise InputFileError(f"{name}: not valid JSON ({head[0].reason})")
    columns: list[str] = []
    for it in head:
        if isinstance(it, dict):
            columns.extend(str(k) for k in it if str(k) not in columns)
    applied, more = map_headers(columns, mapping)
    for c in INPUT_COLUMNS:  # keys that appear only in later items still map
        if c not in applied.values() and c not in columns:
            applied.setdefault(c, c)
    _required(name, columns or list(INPUT_COLUMNS), applied)

    def rows() -> Iterator[Item]:
        for it in itertools.chain(head, values):
            if isinstance(it, _JsonCut):
                yield it.reason
            else:
                yield it if isinstance(it, dict) else "the item is not a JSON object"

    return InputTable(name, fmt, columns, applied, rows(), encoding=enc, warnings=warnings + more, closers=closers)


def _open_json(name: str, text: io.TextIOWrapper, enc: str, mapping: dict[str, str]) -> InputTable:
    """A JSON array of shipment objects is streamed item by item; ``{"shipments": [...]}`` (a
    wrapper object) is read whole. A broken or cut array gives its readable items, then one
    ERROR row saying where it broke."""
    start = text.read(4096)
    if start.lstrip(" \t\r\n\ufeff").startswith("["):
        return _json_table(name, "json", _json_array_items(text, start), enc, mapping, [text], [])
    body = start + text.read()
    text.close()
    try:
        whole = _no_lone_surrogates(_JSON.decode(body))
    except json.JSONDecodeError as e:
        if e.msg == "Extra data":  # values one after another: JSON lines in a file called .json
            table = _open_jsonl(name, io.StringIO(body), enc, mapping)
            table.warnings.insert(0, f"{name}: holds JSON values one after another (JSON lines), not one "
                                     "array: read as JSON lines")
            return table
        raise InputFileError(f"{name}: not valid JSON ({e.msg} at line {e.lineno} column {e.colno})") from None
    except RecursionError:
        raise InputFileError(f"{name}: not valid JSON (nested too deeply to read)") from None
    said: list[str] = []
    if isinstance(whole, dict):
        arrays = [k for k, v in whole.items() if isinstance(v, list) and any(isinstance(x, dict) for x in v)]
        if isinstance(whole, DuplicateKeys) and (
                arrays or not set(REQUIRED_COLUMNS) <= set(map_headers([str(k) for k in whole], mapping)[0].values())):
            # A wrapper that names a key twice ("shipments" twice): reading only its last array
            # would drop the shipments of the first without a trace.
            keys = ", ".join(repr(k) for k in whole.duplicates)
            raise InputFileError(f"{name}: the top-level object names {keys} more than once; JSON keeps only the "
                                 "last, so shipments would be lost: give each key once (one array)")
        if isinstance(whole.get("shipments"), list):
            whole = whole["shipments"]
        elif set(REQUIRED_COLUMNS) <= set(map_headers([str(k) for k in whole], mapping)[0].values()):
            whole = [whole]  # one whole shipment, not in an array
        elif len(arrays) == 1:
            said.append(f"{name}: the shipments are read from the array under {arrays[0]!r}")
            whole = whole[arrays[0]]
    if not isinstance(whole, list):
        raise InputFileError(f"{name}: a JSON input is an array of shipment objects "
                             "(or {\"shipments\": [...]})")
    # A wrapper's array is read whole, so its columns come from every object (a keyed array: the first 50).
    return _json_table(name, "json", whole, enc, mapping, [], said, sample=50 if said else None)


def _cell(v: Any) -> Any:
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat()
    if isinstance(v, dt.date | dt.time):  # a time-only cell stays text the date check can name
        return v.isoformat()
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return v


_RESULTS_SHEET = re.compile(r"Results(?: \(\d+\))?")


def _sheet_header(rows: Iterator[tuple[Any, ...]], mapping: dict[str, str]) -> tuple[list[str], list[str], int]:
    """The header of a sheet: the first of its first non-empty rows that names the required
    columns (a title or notes row above the header is common in Excel exports), else the first
    non-empty row. Returns the header, the skipped rows (as text), and how many rows were read."""
    seen: list[list[str]] = []
    for n, row in enumerate(rows, start=1):
        cells = ["" if c is None else str(c).strip() for c in row]
        if not any(cells):
            if n > 200:
                break
            continue
        while cells and not cells[-1]:
            cells.pop()
        applied = map_headers(_dedupe_headers(cells)[0], mapping)[0]
        if all(c in applied.values() for c in REQUIRED_COLUMNS):
            return cells, [" ".join(x for x in r if x)[:60] for r in seen], n
        seen.append(cells)
        if len(seen) >= 10:
            break
    return (seen[0] if seen else []), [], 0


def _formulas_without_values(src: IO[bytes], name: str, values: Any, header_row: int) -> str | None:
    """A warning when the first data rows hold formulas whose results were never saved (a workbook
    written by a program rather than saved by Excel): those cells read as empty, and a row
    then says 'hs_code is missing' though the sheet shows a code."""
    from openpyxl import load_workbook

    try:
        copy: IO[bytes] = io.BytesIO(src.getvalue()) if isinstance(src, io.BytesIO) else open(name, "rb")  # noqa: SIM115
        with copy:
            wb = load_workbook(copy, read_only=True, data_only=False)
            try:
                rows = range(header_row + 1, header_row + 201)
                found = [c.coordinate for row, shown in
                         zip(wb[values.title].iter_rows(min_row=rows[0], max_row=rows[-1]),
                             values.iter_rows(min_row=rows[0], max_row=rows[-1], values_only=True), strict=False)
                         for c, v in zip(row, shown, strict=False)
                         if isinstance(c.value, str) and c.value.startswith("=") and v is None]
            finally:
                wb.close()
    except Exception:  # noqa: BLE001 - only a hint: any failure means no warning
        return None
    if not found:
        return None
    return (f"{name}: sheet {values.title!r} has formulas without a saved result ({', '.join(found[:3])}"
            f"{' ...' if len(found) > 3 else ''}): the workbook was written by a program and never saved in a "
            "spreadsheet, so those cells read as empty; open and save it in Excel or LibreOffice, or paste values")


def _zip_names(src: IO[bytes]) -> set[str]:
    import zipfile

    try:
        src.seek(0)
        with zipfile.ZipFile(src) as z:
            return set(z.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return set()


# A workbook is refused past these: its sheets unpacked (an xlsx is a zip: a "zip bomb" of a few
# MB can unpack to terabytes), one member's packing ratio (real sheets pack 5-50x, deflate tops
# out near 1000x), and the shared strings, which openpyxl holds in memory whole.
MAX_XLSX_UNPACKED = 8 << 30
MAX_XLSX_RATIO = 400
MIN_XLSX_BOMB = 64 << 20  # members smaller than this are never a bomb, however well they pack
MAX_XLSX_SHARED_STRINGS = 1 << 30
_MERGE_REF = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Z]{1,3})([0-9]{1,7}):([A-Z]{1,3})([0-9]{1,7})"')


def _check_zip_sizes(src: IO[bytes], name: str) -> None:
    """Refuse a workbook that unpacks to more than can be read (a zip bomb), saying so."""
    import zipfile

    try:
        src.seek(0)
        with zipfile.ZipFile(src) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # not a zip: openpyxl's error says what it is
    finally:
        src.seek(0)
    total = sum(i.file_size for i in infos)
    for i in infos:
        if i.file_size > MIN_XLSX_BOMB and i.file_size > MAX_XLSX_RATIO * max(i.compress_size, 1):
            raise InputFileError(f"{name}: {i.filename} unpacks {i.file_size / max(i.compress_size, 1):,.0f} times "
                                 f"its size ({i.file_size >> 20:,} MB): a zip bomb, not a workbook; not read")
        if i.filename.endswith("sharedStrings.xml") and i.file_size > MAX_XLSX_SHARED_STRINGS:
            raise InputFileError(f"{name}: its shared strings unpack to {i.file_size >> 20:,} MB (at most "
                                 f"{MAX_XLSX_SHARED_STRINGS >> 20:,} MB are read): save the sheet as CSV")
    if total > MAX_XLSX_UNPACKED:
        raise InputFileError(f"{name}: the workbook unpacks to {total >> 20:,} MB (at most {MAX_XLSX_UNPACKED >> 20:,} MB "
                             "are read): split it, or save the sheet as CSV")


def _col_number(letters: bytes) -> int:
    n = 0
    for b in letters:
        n = n * 26 + b - 64
    return n


def _merged_ranges(src: IO[bytes], path: str | None) -> list[tuple[int, int, int, int]]:
    """The merged cell ranges of a sheet (min_col, min_row, max_col, max_row), which openpyxl's
    read-only mode does not read: the sheet's XML is scanned for its <mergeCell> elements."""
    import zipfile

    if not path:
        return []
    out: list[tuple[int, int, int, int]] = []
    try:
        pos = src.tell()
        src.seek(0)
        with zipfile.ZipFile(src) as z, z.open(path.lstrip("/")) as f:
            tail = b""
            while chunk := f.read(1 << 20):
                buf = tail + chunk
                if b"mergeCell" in buf:
                    last = 0
                    for m in _MERGE_REF.finditer(buf):
                        out.append((_col_number(m[1]), int(m[2]), _col_number(m[3]), int(m[4])))
                        last = m.end()
                    tail = buf[max(last, len(buf) - 300):]
                else:
                    tail = buf[-300:]
        src.seek(pos)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        return []
    return out


def _open_xlsx(name: str, stream: IO[bytes], mapping: dict[str, str], *, from_memory: bool) -> InputTable:
    """Every sheet whose header names the required columns is read, in workbook order (rows of
    other sheets are not shipments: the warnings say which were skipped). With more than one such
    sheet, a ``sheet`` column tells the rows apart. Excel dates become ISO dates; numeric HS codes
    get their lost zeros back (see ``hs_from_number``)."""
    import zipfile

    from openpyxl import load_workbook

    try:
        # A file object, not the path: openpyxl refuses paths whose extension is not .xlsx.
        src: IO[bytes] = io.BytesIO(stream.read()) if from_memory else open(name, "rb")  # noqa: SIM115
        _check_zip_sizes(src, name)
        wb = load_workbook(src, read_only=True, data_only=True)
    except InputFileError:
        raise
    except Exception as e:  # noqa: BLE001 - zipfile, XML and openpyxl errors all mean "not a workbook"
        if isinstance(e, KeyError) and "[Content_Types].xml" in str(e):  # a zip archive of other files
            if _zip_names(src) >= {"content.xml", "META-INF/manifest.xml"}:
                raise InputFileError(f"{name}: an OpenDocument spreadsheet (.ods): save it as .xlsx or CSV") from None
            raise InputFileError(f"{name}: a zip archive, not an .xlsx workbook: extract the shipment file "
                                 "first") from None
        raise InputFileError(f"{name}: not a readable .xlsx workbook ({type(e).__name__}: {e})"[:400]) from None
    warnings: list[str] = []
    sheets: list[tuple[Any, list[str], int]] = []  # worksheet, columns, header row index
    merges: dict[str, list[tuple[int, int, int, int]]] = {}  # sheet title -> merged ranges below its header
    first_columns: list[str] | None = None
    for ws in wb.worksheets:
        if not hasattr(ws, "iter_rows"):  # chart sheets
            continue
        if hasattr(ws, "reset_dimensions"):
            # The sheet's <dimension> is the writer's claim of its size, often wrong (a program that
            # never updates it): read-only openpyxl would stop at it and lose rows and columns.
            ws.reset_dimensions()
        if ws.sheet_state != "visible":
            warnings.append(f"{name}: sheet {ws.title!r} is {ws.sheet_state} in the workbook: read like the others")
        header, skipped, at = _sheet_header(ws.iter_rows(values_only=True), mapping)
        sheet_columns, more = _dedupe_headers(header)
        if first_columns is None and header:
            first_columns = sheet_columns
        if at == 0:
            if header:
                warnings.append(f"{name}: sheet {ws.title!r} has no shipment columns (shipment_id, hs_code, "
                                "destination_country) and was not read")
            continue
        if skipped:
            warnings.append(f"{name}: sheet {ws.title!r}: {len(skipped)} row(s) above the header skipped "
                            f"({'; '.join(repr(x) for x in skipped[:2])})")
        warnings.extend(f"sheet {ws.title!r}: {w}" for w in more)
        sheets.append((ws, sheet_columns, at))
        merged = [r for r in _merged_ranges(src, getattr(ws, "_worksheet_path", None)) if r[3] > at]
        if merged:
            merges[ws.title] = merged
            refs = [f"{_col_letters(a)}{b}:{_col_letters(c)}{d}" for a, b, c, d in merged[:3]]
            warnings.append(f"{name}: sheet {ws.title!r} has merged cells ({', '.join(refs)}"
                            f"{' ...' if len(merged) > 3 else ''}): each row they cover is read with the merged value")
    ours = [t for t in sheets if _RESULTS_SHEET.fullmatch(t[0].title) and {"row_number", "verdict"} <= set(t[1])]
    if ours and len(ours) < len(sheets):
        # A results workbook of ``screen``: its Results sheets hold every row, the verdict sheets
        # the same rows again; reading both would screen each shipment twice.
        left = [t[0].title for t in sheets if t not in ours]
        sheets = ours
        warnings.append(f"{name}: a results workbook: its {', '.join(repr(t[0].title) for t in ours)} sheet(s) "
                        f"read, not {', '.join(repr(x) for x in left[:6])} (the same rows by verdict)")
    if not sheets:
        wb.close()
        if first_columns is None:
            raise InputFileError(f"{name}: the workbook is empty (no sheet has any cells)")
        _required(name, first_columns, map_headers(first_columns, mapping)[0])
        raise InputFileError(f"{name}: no sheet has the required columns")  # pragma: no cover
    if (lost := _formulas_without_values(src, name, sheets[0][0], sheets[0][2])) is not None:
        warnings.append(lost)
    multi = len(sheets) > 1
    columns: list[str] = []
    for _, cols, _ in sheets:
        columns.extend(c for c in cols if c not in columns)
    if multi:
        columns.append("sheet" if "sheet" not in columns else "source_sheet")
        warnings.append(f"{name}: {len(sheets)} sheets read ({', '.join(repr(ws.title) for ws, _, _ in sheets)}); "
                        f"the '{columns[-1]}' column says which sheet each row came from")
    per_sheet = [map_headers(cols, mapping) for _, cols, _ in sheets]
    applied: dict[str, str] = {}
    for sheet_map, _ in per_sheet:
        applied.update({k: v for k, v in sheet_map.items() if k not in applied})
    more = [w for _, ws_warnings in per_sheet for w in ws_warnings]
    more += _unused_mapping(name, [c for _, cols, _ in sheets for c in cols], mapping)
    _required(name, columns, applied)

    def rows() -> Iterator[Item]:
        try:
            for (ws, cols, at), (sheet_map, _) in zip(sheets, per_sheet, strict=True):
                hs_index = {i for i, c in enumerate(cols) if sheet_map.get(c) == "hs_code"}
                fill = _MergeFill(merges.get(ws.title, []))
                for r, row in enumerate(ws.iter_rows(min_row=at + 1, values_only=True), start=at + 1):
                    if fill.ranges:
                        row = fill.apply(r, row)
                    if not any(c is not None and str(c).strip() for c in row):
                        continue
                    # Numbers in the hs_code column stay numbers: _normalise restores their zeros.
                    cells = [c if i in hs_index and isinstance(c, int | float) else _cell(c)
                             for i, c in enumerate(row)]
                    while len(cells) > len(cols) and (cells[-1] is None or cells[-1] == ""):
                        cells.pop()
                    out = ["" if c is None else c for c in cells]
                    yield SheetRow(ws.title, cols, out, columns[-1], sheet_map) if multi else out
        except (zipfile.BadZipFile, OSError, KeyError, ValueError) as e:
            yield f"the workbook cannot be read past this point ({e}); the rows after it are missing"
        finally:
            wb.close()

    return InputTable(name, "xlsx", columns, applied, rows(), warnings=warnings + more)


def _col_letters(n: int) -> str:
    out = ""
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


class _MergeFill:
    """Puts a merged range's value (its top-left cell's) into every cell it covers, row by row:
    a destination merged over three rows is the destination of all three."""

    def __init__(self, ranges: list[tuple[int, int, int, int]]) -> None:
        # Ranges of a single cell, or of more than a million cells, are no merge to fill.
        self.ranges = [x for x in ranges if (x[2] - x[0] + 1) * (x[3] - x[1] + 1) in range(2, 1_000_001)]
        self._values: dict[tuple[int, int], Any] = {}

    def apply(self, r: int, row: tuple[Any, ...]) -> tuple[Any, ...]:
        cells: list[Any] | None = None
        for c1, r1, c2, r2 in self.ranges:
            if r == r1:
                self._values[(r1, c1)] = row[c1 - 1] if c1 - 1 < len(row) else None
            if not r1 <= r <= r2:
                continue
            value = self._values.get((r1, c1))
            if value is None:
                continue
            if cells is None:
                cells = list(row)
            if len(cells) < c2:
                cells.extend([None] * (c2 - len(cells)))
            for c in range(c1, c2 + 1):
                if (r, c) != (r1, c1) and cells[c - 1] in (None, ""):
                    cells[c - 1] = value
        return row if cells is None else tuple(cells)


def _open_parquet(name: str, stream: IO[bytes], mapping: dict[str, str], *, from_memory: bool) -> InputTable:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(io.BytesIO(stream.read()) if from_memory else name)
    except (pa.ArrowException, OSError, ValueError, TypeError, IndexError) as e:
        raise InputFileError(f"{name}: not a readable Parquet file ({e})") from None
    columns = [str(c) for c in pf.schema_arrow.names]
    applied, warnings = map_headers(columns, mapping)
    warnings += _unused_mapping(name, columns, mapping)
    _required(name, columns, applied)

    # Numbers in the hs_code column stay numbers: _normalise restores their zeros (a float column,
    # as pandas makes of integer codes with a gap, held 402.0 for 0402 and was read as '402').
    hs_columns = {c for c, t in applied.items() if t == "hs_code"}
    # Text stored as bytes (a BYTE_ARRAY column without its UTF-8 annotation, as some Spark and
    # Hive jobs write it) is read as UTF-8: as b'847130' every row would be an ERROR.
    binary = [str(f.name) for f in pf.schema_arrow if pa.types.is_binary(f.type) or pa.types.is_large_binary(f.type)]
    if binary:
        warnings.append(f"{name}: column(s) {', '.join(map(repr, binary[:10]))} hold bytes, not text: read as UTF-8 "
                        "(store text columns as strings)")

    def rows() -> Iterator[dict[str, Any]]:
        for batch in pf.iter_batches(batch_size=10_000):
            for rec in batch.to_pylist():
                if binary:
                    for k in binary:
                        if type(v := rec[k]) is bytes:
                            rec[k] = v.decode("utf-8", "replace")
                yield {k: v if k in hs_columns and isinstance(v, int | float) and not isinstance(v, bool) else
                       None if v != v else _cell(v)  # NaN: pandas' missing value
                       for k, v in rec.items()}

    return InputTable(name, "parquet", columns, applied, rows(), warnings=warnings)
