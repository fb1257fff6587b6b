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
import io
import json
import logging
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from compliance.exc import InputFileError
from compliance.models import INPUT_COLUMNS, REQUIRED_COLUMNS

log = logging.getLogger(__name__)

SAMPLE_BYTES = 256 * 1024
# Fields up to 16 MB: a long description must not abort the file.
csv.field_size_limit(16 * 1024 * 1024)

FORMATS = ("csv", "jsonl", "json", "xlsx", "parquet")
_SUFFIX = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json",
           ".xlsx": "xlsx", ".xlsm": "xlsx", ".parquet": "parquet", ".pq": "parquet"}
# Common header spellings of the contract columns (after lower-casing and folding _ and -).
HEADER_ALIASES: dict[str, str] = {
    "id": "shipment_id", "shipment": "shipment_id", "shipment no": "shipment_id", "shipment number": "shipment_id",
    "hs": "hs_code", "hs code": "hs_code", "cn code": "hs_code", "hts code": "hs_code", "commodity code": "hs_code",
    "tariff code": "hs_code", "taric code": "hs_code",
    "destination": "destination_country", "destination country": "destination_country", "dest country": "destination_country",
    "country of destination": "destination_country",
    "origin": "origin_country", "country of origin": "origin_country", "origin country": "origin_country",
    "transit": "transit_countries", "route": "transit_countries", "transit countries": "transit_countries",
    "exporter": "exporter_name", "shipper": "exporter_name", "consignee": "consignee_name",
    "end user": "end_user_name", "manufacturer": "manufacturer_name", "goods description": "description",
    "ship date": "date", "shipment date": "date", "amount": "value", "invoice value": "value", "qty": "quantity",
}


@dataclass(slots=True)
class RawRow:
    """One input row: its 1-based data row number, contract-named data, the row as read."""

    row_number: int
    data: dict[str, Any]
    original: dict[str, Any]
    error: str | None = None
    warnings: list[str] = field(default_factory=list)


def _norm_header(h: str) -> str:
    return " ".join(str(h).replace("\ufeff", "").strip().lower().replace("_", " ").replace("-", " ").split())


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
    """BOMs, then UTF-8, then cp1251 vs cp1252 by which reads as more plausible text."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if len(sample) >= 4 and sample[1:4:2] == b"\x00\x00" and sample[0:4:2] != b"\x00\x00":
        return "utf-16-le"
    if len(sample) >= 4 and sample[0:4:2] == b"\x00\x00" and sample[1:4:2] != b"\x00\x00":
        return "utf-16-be"
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as e:
        if e.start >= len(sample) - 4:  # a character cut at the sample's end
            return "utf-8"
    high = [b for b in sample if b >= 0x80]
    # cp1251 letters are 0xC0-0xFF; cp1252 text has isolated accented letters among ASCII.
    if high and sum(1 for b in high if b >= 0xC0) / len(high) > 0.7:
        try:
            from charset_normalizer import from_bytes

            best = from_bytes(sample, cp_isolation=["cp1251", "cp1252", "iso8859_2", "cp1250"]).best()
            if best is not None:
                return str(best.encoding)
        except Exception:  # pragma: no cover - detection is a best effort
            pass
        return "cp1251"
    return "cp1252"


def sniff_delimiter(text: str) -> str:
    lines = [ln for ln in text.splitlines()[:20] if ln.strip()]
    if not lines:
        return ","
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=",;\t|").delimiter
    except csv.Error:
        counts = {d: lines[0].count(d) for d in (",", ";", "\t", "|")}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","


def _looks_binary(sample: bytes, encoding: str) -> bool:
    if encoding.startswith("utf-16"):
        return False
    if b"\x00" in sample[:1024] and sample.count(b"\x00") > len(sample) // 20:
        return True
    ctrl = sum(1 for b in sample[:4096] if b < 9 or 13 < b < 32)
    return ctrl > max(8, len(sample[:4096]) // 50)


# The table -----------------------------------------------------------------------------------
class InputTable:
    """An opened input file: its columns, how they map to the contract, and its rows in chunks."""

    def __init__(self, path: str, fmt: str, columns: list[str], mapping: dict[str, str],
                 rows: Iterable[dict[str, Any] | list[Any] | str], *, encoding: str | None = None,
                 delimiter: str | None = None, warnings: list[str] | None = None,
                 closers: list[IO[Any]] | None = None) -> None:
        self.path = path
        self.format = fmt
        self.encoding = encoding
        self.delimiter = delimiter
        self.columns = columns
        self.mapping = mapping  # file column -> contract column
        self.warnings: list[str] = list(warnings or [])
        self._rows = rows
        self._closers = closers or []
        self._positions: list[tuple[str, int]] | None = None

    def _to_raw(self, i: int, item: dict[str, Any] | list[Any] | str) -> RawRow:
        if isinstance(item, str):
            return RawRow(i, {}, {}, error=f"row {i}: {item}")
        warnings: list[str] = []
        if isinstance(item, list):
            n = len(self.columns)
            if len(item) > n:
                extra = [c for c in item[n:] if str(c).strip()]
                if extra:
                    warnings.append(f"row {i}: {len(item) - n} cell(s) beyond the {n} columns ignored "
                                    f"({', '.join(repr(str(c))[:40] for c in extra[:3])})")
            elif len(item) < n:
                warnings.append(f"row {i}: {n - len(item)} cell(s) missing at the end (read as empty)")
            if len(item) != n:
                item = [*item[:n], *([""] * (n - len(item)))]
            # The common case, a list of cells: contract fields by position (first column wins).
            if self._positions is None:
                taken: dict[str, int] = {}
                for pos, col in enumerate(self.columns):
                    target = self.mapping.get(col)
                    if target is not None and target not in taken:
                        taken[target] = pos
                self._positions = list(taken.items())
            return RawRow(i, {t: item[pos] for t, pos in self._positions}, dict(zip(self.columns, item, strict=True)),
                          warnings=warnings)
        original = {str(k): v for k, v in item.items()}
        data: dict[str, Any] = {}
        for k, v in original.items():
            target = self.mapping.get(k)
            if target is not None and target not in data:
                data[target] = v
        return RawRow(i, data, original, warnings=warnings)

    def rows(self) -> Iterator[RawRow]:
        seen: dict[str, int] = {}
        dup_warned = 0
        for i, item in enumerate(self._rows, start=1):
            raw = self._to_raw(i, item)
            sid = str(raw.data.get("shipment_id") or "").strip()
            if sid:
                first = seen.setdefault(sid, i)
                if first != i:
                    msg = f"row {i}: shipment_id {sid!r} repeats row {first}"
                    raw.warnings.append(msg)
                    if dup_warned < 20:
                        self.warnings.append(msg)
                    dup_warned += 1
            if raw.warnings:
                self.warnings.extend(w for w in raw.warnings if w not in self.warnings and len(self.warnings) < 200)
            yield raw

    def chunks(self, size: int = 50_000) -> Iterator[list[RawRow]]:
        chunk: list[RawRow] = []
        for raw in self.rows():
            chunk.append(raw)
            if len(chunk) >= size:
                yield chunk
                chunk = []
        if chunk:
            yield chunk

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


def map_headers(columns: list[str], mapping: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """File column -> contract column (explicit mapping, exact or case/space-insensitive name,
    common aliases); and warnings for columns that compete for one contract column."""
    out: dict[str, str] = {}
    warnings: list[str] = []
    lowered = {_norm_header(k): v for k, v in mapping.items()}
    taken: dict[str, str] = {}
    for c in columns:
        n = _norm_header(c)
        target = mapping.get(c) or lowered.get(n)
        if target is None:
            snake = n.replace(" ", "_")
            target = snake if snake in INPUT_COLUMNS else HEADER_ALIASES.get(n)
        if target is None:
            continue
        if target in taken:
            warnings.append(f"columns {taken[target]!r} and {c!r} both mean {target}: using {taken[target]!r}")
            continue
        taken[target] = c
        out[c] = target
    return out, warnings


def _dedupe_headers(header: list[str]) -> tuple[list[str], list[str]]:
    out: list[str] = []
    warnings: list[str] = []
    for i, h in enumerate(header, start=1):
        name = str(h if h is not None else "").replace("\ufeff", "").strip() or f"column_{i}"
        if name in out:
            new = f"{name}_{i}"
            warnings.append(f"header {name!r} appears twice: the second (column {i}) is read as {new!r}")
            name = new
        out.append(name)
    return out, warnings


def _format_of(name: str, head: bytes, fmt: str | None) -> str:
    if fmt:
        if fmt not in FORMATS:
            raise InputFileError(f"unknown input format {fmt!r}: use one of {', '.join(FORMATS)}")
        return fmt
    suffix = Path(name).suffix.lower()
    if suffix in _SUFFIX:
        return _SUFFIX[suffix]
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"PAR1"):
        return "parquet"
    stripped = head.lstrip(b"\xef\xbb\xbf \r\n\t")
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
    if p.is_dir():
        raise InputFileError(f"{name}: is a directory, not a shipment file")
    if not p.is_file():
        raise InputFileError(f"{name}: file not found")
    try:
        return name, p.open("rb")
    except OSError as e:
        raise InputFileError(f"{name}: cannot open: {e.strerror}") from None


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
    file as a whole (missing, empty, binary, no required columns); row problems become ERROR rows."""
    name, fh = _open_binary(path)
    try:
        head = fh.read(SAMPLE_BYTES)
    except OSError as e:
        fh.close()
        raise InputFileError(f"{name}: cannot read: {e}") from None
    stream = io.BufferedReader(_Peekable(head, fh), buffer_size=1 << 16)
    try:
        fmt = _format_of(name, head, format)
        if not head.replace(codecs.BOM_UTF8, b"").strip():
            raise InputFileError(f"{name}: the file is empty")
        if fmt == "xlsx":
            table = _open_xlsx(name, stream, mapping or {})
        elif fmt == "parquet":
            table = _open_parquet(name, stream, mapping or {})
        else:
            table = _open_text(name, fmt, head, stream, encoding, delimiter, mapping or {})
    except BaseException:
        stream.close()
        raise
    return table


def _text_stream(name: str, head: bytes, stream: IO[bytes], encoding: str | None) -> tuple[str, io.TextIOWrapper]:
    enc = encoding or detect_encoding(head)
    try:
        codecs.lookup(enc)
    except LookupError:
        raise InputFileError(f"--encoding {enc!r} is not an encoding Python knows (try utf-8, cp1251, cp1252)") from None
    if encoding is None and _looks_binary(head, enc):
        raise InputFileError(f"{name}: binary data, not a text table (CSV/JSONL); XLSX and Parquet are "
                             "recognised by their extension")
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
    if fmt == "csv":
        return _open_csv(name, text, enc, head, delimiter, mapping)
    if fmt == "jsonl":
        return _open_jsonl(name, text, enc, mapping)
    return _open_json(name, text, enc, mapping)


def _clean_lines(text: io.TextIOWrapper) -> Iterator[str]:
    # NUL bytes make the csv module abort the whole file.
    for line in text:
        yield line.replace("\x00", "") if "\x00" in line else line


def _swallowed_rows(row: list[str], ncols: int, delim: str) -> bool:
    """Does a field hold whole lines that look like rows of their own (an unclosed quote)?"""
    for cell in row:
        if "\n" in cell or "\r" in cell:
            lines = cell.replace("\r", "\n").split("\n")[1:]
            if any(ln.count(delim) >= max(2, ncols - 2) for ln in lines):
                return True
    return False


def _recover_unclosed_quote(row: list[str], columns: list[str], delim: str) -> Iterator[list[str] | str]:
    """A quote left open swallows the following lines into one field: give those lines back as
    their own rows, and the damaged row as an ERROR naming the column."""
    k = next(i for i, c in enumerate(row) if "\n" in c or "\r" in c)
    lines = row[k].replace("\r\n", "\n").replace("\r", "\n").split("\n")
    col = columns[k] if k < len(columns) else f"column {k + 1}"
    yield (f"an opening quote in column {col!r} is never closed, so the following lines were read into it; "
           "they are screened as their own rows — fix the quote")
    rest = "\n".join(lines[1:])
    if row[k + 1:]:
        rest += delim + delim.join(row[k + 1:])
    for sub in csv.reader(io.StringIO(rest), delimiter=delim):
        if any(c.strip() for c in sub):
            yield sub


def _open_csv(name: str, text: io.TextIOWrapper, enc: str, head: bytes, delimiter: str | None,
              mapping: dict[str, str]) -> InputTable:
    if delimiter is not None:
        delim = {"\\t": "\t", "tab": "\t", "TAB": "\t"}.get(delimiter, delimiter)
        if len(delim) != 1:
            raise InputFileError(f"--delimiter {delimiter!r}: give one character, e.g. ';' or '\\t'")
    else:
        delim = sniff_delimiter(head.decode(enc, errors="replace"))
    reader = csv.reader(_clean_lines(text), delimiter=delim)
    header: list[str] | None = None
    try:
        for row in reader:
            if any(c.strip() for c in row):
                header = row
                break
    except csv.Error as e:
        raise InputFileError(f"{name}: the header row cannot be read: {e}") from None
    if header is None:
        raise InputFileError(f"{name}: no header row (the file has no data)")
    columns, warnings = _dedupe_headers(header)
    applied, more = map_headers(columns, mapping)
    _required(name, columns, applied)

    def rows() -> Iterator[list[str] | str]:
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as e:
                yield f"the CSV row cannot be read ({e}); check quotes on this line"
                continue
            if not any(c.strip() for c in row):
                continue
            if len(row) < len(columns) and _swallowed_rows(row, len(columns), delim):
                yield from _recover_unclosed_quote(row, columns, delim)
                continue
            yield row

    return InputTable(name, "csv", columns, applied, rows(), encoding=enc, delimiter=delim,
                      warnings=warnings + more, closers=[text])


def _open_jsonl(name: str, text: io.TextIOWrapper, enc: str, mapping: dict[str, str]) -> InputTable:
    # Columns are the contract's plus whatever the first objects carry (JSON has no header).
    lines = _clean_lines(text)
    first: list[str] = []
    for line in lines:
        first.append(line)
        if len([x for x in first if x.strip()]) >= 50:
            break

    def parse(line: str) -> dict[str, Any] | str:
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            return f"not valid JSON ({e.msg} at column {e.colno})"
        return obj if isinstance(obj, dict) else "the line is not a JSON object"

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
        for line in [*first, *lines]:
            if line.strip():
                yield parse(line)

    return InputTable(name, "jsonl", columns, applied, rows(), encoding=enc, warnings=warnings, closers=[text])


def _open_json(name: str, text: io.TextIOWrapper, enc: str, mapping: dict[str, str]) -> InputTable:
    try:
        data = json.loads(text.read())
    except json.JSONDecodeError as e:
        raise InputFileError(f"{name}: not valid JSON ({e.msg} at line {e.lineno} column {e.colno})") from None
    finally:
        text.close()
    if isinstance(data, dict) and isinstance(data.get("shipments"), list):
        data = data["shipments"]
    if not isinstance(data, list):
        raise InputFileError(f"{name}: a JSON input is an array of shipment objects (or {{\"shipments\": [...]}})")
    columns: list[str] = []
    for it in data:
        if isinstance(it, dict):
            columns.extend(str(k) for k in it if str(k) not in columns)
    applied, warnings = map_headers(columns, mapping)
    _required(name, columns, applied)
    rows = [it if isinstance(it, dict) else "the item is not a JSON object" for it in data]
    return InputTable(name, "json", columns, applied, rows, encoding=enc, warnings=warnings)


def _cell(v: Any) -> Any:
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return v


def _open_xlsx(name: str, stream: IO[bytes], mapping: dict[str, str]) -> InputTable:
    import zipfile

    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(stream.read()) if name == "<stdin>" else name, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as e:
        raise InputFileError(f"{name}: not a readable .xlsx workbook ({e})") from None
    ws = wb.worksheets[0]
    it = ws.iter_rows(values_only=True)
    header: list[Any] | None = None
    for row in it:
        if any(c is not None and str(c).strip() for c in row):
            header = list(row)
            break
    if header is None:
        wb.close()
        raise InputFileError(f"{name}: the first sheet {ws.title!r} is empty")
    while header and (header[-1] is None or not str(header[-1]).strip()):
        header.pop()
    columns, warnings = _dedupe_headers([str(h) if h is not None else "" for h in header])
    applied, more = map_headers(columns, mapping)
    _required(name, columns, applied)
    hs_cols = {c for c, t in applied.items() if t == "hs_code"}
    hs_index = [i for i, c in enumerate(columns) if c in hs_cols]

    def rows() -> Iterator[list[Any]]:
        for row in it:
            if not any(c is not None and str(c).strip() for c in row):
                continue
            cells = [_cell(c) for c in row]
            for i in hs_index:
                # A code typed as a number loses its leading zero (0406 90 -> 40690).
                if i < len(row) and isinstance(row[i], int | float) and len(str(cells[i])) in (3, 5, 7, 9):
                    cells[i] = "0" + str(cells[i])
            while len(cells) > len(columns) and (cells[-1] is None or cells[-1] == ""):
                cells.pop()
            yield ["" if c is None else c for c in cells]
        wb.close()

    return InputTable(name, "xlsx", columns, applied, rows(), warnings=warnings + more)


def _open_parquet(name: str, stream: IO[bytes], mapping: dict[str, str]) -> InputTable:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(io.BytesIO(stream.read()) if name == "<stdin>" else name)
    except (pa.ArrowException, OSError, ValueError) as e:
        raise InputFileError(f"{name}: not a readable Parquet file ({e})") from None
    columns = [str(c) for c in pf.schema_arrow.names]
    applied, warnings = map_headers(columns, mapping)
    _required(name, columns, applied)

    def rows() -> Iterator[dict[str, Any]]:
        for batch in pf.iter_batches(batch_size=10_000):
            for rec in batch.to_pylist():
                yield {k: _cell(v) for k, v in rec.items()}

    return InputTable(name, "parquet", columns, applied, rows(), warnings=warnings)
