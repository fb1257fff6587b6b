"""Writing results: csv, jsonl, json, xlsx, parquet — atomically.

Results go to a temporary file beside the target, renamed over it only when the run
completes: an interrupted run (Ctrl-C, kill, crash) leaves no file or the previous one.
Cells that a spreadsheet would run as a formula are neutralised in CSV and XLSX.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sys
import tempfile
from collections.abc import Callable, Iterable
from functools import lru_cache
from json.encoder import encode_basestring
from operator import itemgetter
from pathlib import Path
from typing import IO, Any

from compliance.exc import InputFileError
from compliance.models import ScreeningResult

OUTPUT_COLUMNS: tuple[str, ...] = ("row_number", "verdict", "risk_score", "rule_ids", "reasons",
                                   "top_party_match", "top_party_score", "top_party_list", "findings", "error",
                                   "warnings")
OUTPUT_FORMATS = ("csv", "jsonl", "json", "xlsx", "parquet")
# The contract's numeric result columns and their types in typed formats (parquet): a reader
# gets numbers it can sort and sum. Every other column is text (input cells as they were read).
NUMERIC_COLUMNS: dict[str, str] = {"row_number": "int64", "risk_score": "int64", "top_party_score": "float64"}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_FORMULA_CHARS = frozenset(_FORMULA_START)
# "-12.5", "+1 234,56", "-1e3": a signed number is not a formula, so it is left as it is.
# ``json.dumps(v, ensure_ascii=False, default=str)`` without a new encoder each call.
_JSON_ENCODE = json.JSONEncoder(ensure_ascii=False, default=str).encode
_SIGNED_NUMBER = re.compile(r"[+-]?(?:\d[\d.,\u00a0 ]*\d|\d)(?:[eE][+-]?\d+)?")


def neutralise(value: Any) -> Any:
    """Prefix a quote so spreadsheets show the text instead of running it (CSV/XLSX injection):
    text starting with ``= + - @``, tab or CR (and their full-width forms). A cell that is just a
    signed number (``-12.50``) is left alone: it cannot run anything."""
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _SIGNED_NUMBER.fullmatch(value):
        return "'" + value
    return value


# A file with these columns is results of ``screen`` given back: screened again, its old result
# columns are replaced by the new ones (``compliance screen`` says so).
_RESULTS_HEADER = frozenset({"row_number", "verdict", "findings"})
_RESULT_NAMES = frozenset(c.casefold() for c in OUTPUT_COLUMNS)


@lru_cache(maxsize=64)
def echo_names(columns: tuple[str, ...]) -> dict[str, str]:
    """Input columns named like a result column (``verdict``, ``risk_score``, ``findings``, also
    in another case: SQL and Excel take names without case) -> the name each is echoed under,
    ``input_<name>``: echoed under its own name, the result would overwrite the customer's value
    (or two columns would share a name). Empty for a results file of ``screen`` given back."""
    if _RESULTS_HEADER <= set(columns):
        return {}
    clash = [c for c in columns if c.strip().casefold() in _RESULT_NAMES]
    if not clash:
        return {}
    taken = {c.casefold() for c in columns} | _RESULT_NAMES
    out: dict[str, str] = {}
    for c in clash:
        name = "input_" + c.strip()
        while name.casefold() in taken:
            name = "input_" + name
        taken.add(name.casefold())
        out[c] = name
    return out


def result_record(result: ScreeningResult, input_columns: list[str],
                  echo: dict[str, str] | None = None) -> dict[str, Any]:
    """One output row (contract section 2): input columns unchanged, then the result columns.
    An input column named like a result column is echoed as ``input_<name>`` (``echo_names``;
    ``echo``: that renaming, when the caller has it)."""
    names = echo_names(tuple(input_columns)) if echo is None else echo
    get = result.input.get
    rec: dict[str, Any] = {names.get(c, c): get(c, "") for c in input_columns} if names else \
        {c: get(c, "") for c in input_columns}
    if "shipment_id" not in result.input and not _id_echoed(tuple(input_columns)):
        # The id came from a renamed column (--map, an alias such as "Order No"): the added
        # shipment_id column carries it, so results can be matched without the mapping.
        rec["shipment_id"] = result.shipment_id or ""
    rec.update(_result_values(result))
    return rec


@lru_cache(maxsize=64)
def _id_echoed(columns: tuple[str, ...]) -> bool:
    """Is the id in an echoed column whose name differs from ``shipment_id`` only by case or
    surrounding spaces (``Shipment_ID``, `` SHIPMENT_ID ``)? Then no ``shipment_id`` column is
    added: SQL and Excel take names without case, so the two would clash, and the echo holds
    the id already (the reader matched that header to shipment_id)."""
    return any(c != "shipment_id" and c.strip().casefold() == "shipment_id" for c in columns)


def _result_values(result: ScreeningResult) -> dict[str, Any]:
    """The result columns of ``result_record``, in ``OUTPUT_COLUMNS`` order."""
    top = result.top_party
    return {
        "row_number": result.row_number,
        "verdict": result.verdict.value,
        "risk_score": result.risk_score,
        "rule_ids": ";".join(result.rule_ids),
        "reasons": ";".join(result.reasons),
        "top_party_match": top.matched_name if top else None,
        "top_party_score": top.score if top else None,
        "top_party_list": top.list_name if top else None,
        "findings": [f.model_dump(mode="json", exclude_none=True) for f in result.findings],
        "error": result.error,
        # What was read differently from how it was written (ragged row, repeated id, a number's
        # separators): the row is screened, but its sender should fix the file.
        "warnings": ";".join(result.warnings),
    }


def _result_cells(result: ScreeningResult) -> dict[str, Any]:
    """The result columns of ``result_record`` as CSV cells (``_csv_cell`` of each)."""
    top = result.top_party
    findings = result.findings
    return {
        "row_number": result.row_number,
        "verdict": result.verdict.value,
        "risk_score": _csv_cell(result.risk_score),
        "rule_ids": _csv_cell(";".join(result.rule_ids)),
        "reasons": _csv_cell(";".join(result.reasons)),
        "top_party_match": _csv_cell(top.matched_name) if top else "",
        "top_party_score": _csv_cell(top.score) if top else "",
        "top_party_list": _csv_cell(top.list_name) if top else "",
        "findings": _csv_cell(json.dumps([f.model_dump(mode="json", exclude_none=True) for f in findings],
                                         ensure_ascii=False)) if findings else "[]",
        "error": _csv_cell(result.error),
        "warnings": _csv_cell(";".join(result.warnings)),
    }


def format_for(out: str | None, fmt: str | None) -> str:
    if fmt:
        if fmt not in OUTPUT_FORMATS:
            raise InputFileError(f"unknown output format {fmt!r}: use one of {', '.join(OUTPUT_FORMATS)}")
        return fmt
    if out and out != "-":
        suffix = Path(out).suffix.lower().lstrip(".")
        if suffix in OUTPUT_FORMATS:
            return suffix
        if suffix == "ndjson":
            return "jsonl"
    return "csv"


def _scalar(v: Any) -> Any:
    if v is None:
        return ""
    if isinstance(v, list | dict):
        return json.dumps(v, ensure_ascii=False)
    return v


def _csv_cell(v: Any) -> Any:
    """``neutralise(str(_scalar(v)))`` for non-numbers, numbers as they are (the CSV cell)."""
    if type(v) is str:
        return neutralise(v) if v.startswith(_FORMULA_START) else v
    if isinstance(v, int | float):
        return v
    return neutralise(str(_scalar(v)))


def _parquet_schema(columns: list[str]) -> Any:
    """The parquet schema of ``columns``: ``NUMERIC_COLUMNS`` typed, the others text.

    Numbers are nullable (an ERROR row has no risk_score, a row without a party match no
    top_party_score). The pandas metadata asks ``pandas.read_parquet`` for its nullable dtypes
    (``Int64``, ``Float64``): a missing value is ``<NA>`` and a whole-number column stays integer,
    instead of turning into floats with NaN."""
    import pandas as pd
    import pyarrow as pa

    fields = [pa.field(c, pa.type_for_alias(NUMERIC_COLUMNS[c]) if c in NUMERIC_COLUMNS else pa.string())
              for c in columns]
    if len(set(columns)) != len(columns):  # pandas metadata needs distinct names; plain types then
        return pa.schema(fields)
    # One sample row of the right dtypes: pyarrow writes the metadata pandas reads back.
    dtypes = {c: NUMERIC_COLUMNS[c].capitalize() if c in NUMERIC_COLUMNS else "object" for c in columns}
    sample = pd.DataFrame({c: [1 if c in NUMERIC_COLUMNS else "x"] for c in columns}).astype(dtypes)
    return pa.schema(fields, metadata=pa.Schema.from_pandas(sample, preserve_index=False).metadata)


class _Sink:
    """A file for ``csv.writer`` whose ``write`` is given (a list's ``append``)."""

    __slots__ = ("write",)

    def __init__(self, write: Callable[[str], Any]) -> None:
        self.write = write


def _csv_line(cells: list[Any]) -> str:
    """``cells`` as ``csv.writer`` writes them: one line, with its CRLF."""
    buffer = io.StringIO()
    csv.writer(buffer).writerow(cells)
    return buffer.getvalue()


class ResultWriter:
    """Streams result rows to ``out`` (None or '-' = stdout) in one of ``OUTPUT_FORMATS``."""

    def __init__(self, out: str | Path | None, format: str, input_columns: list[str],
                 meta: dict[str, Any] | None = None) -> None:
        if format not in OUTPUT_FORMATS:
            raise InputFileError(f"output format {format!r} is not supported: use one of {', '.join(OUTPUT_FORMATS)}")
        self.out = None if out in (None, "-") else Path(out)
        self.format = format
        self._inputs = list(input_columns)
        # Input columns named like a result column, echoed as input_<name> (out name -> input key).
        self._echo = echo_names(tuple(input_columns))
        self._source = {new: old for old, new in self._echo.items()}
        self.columns = [self._echo.get(c, c) for c in input_columns]
        if "shipment_id" not in self.columns and not _id_echoed(tuple(self.columns)):
            self.columns.append("shipment_id")
        self.columns += [c for c in OUTPUT_COLUMNS if c not in self.columns]
        self.meta = meta
        # The common layout: the input columns, then the result columns, none shared. Then a
        # row's input cells are picked at once (``_csv_rows``) and a clear row's result cells
        # are the same but for its number.
        # A renamed id (--map, "Order No") adds the shipment_id column last of the input ones:
        # a row's own id goes there.
        head = self.columns[: len(self.columns) - len(OUTPUT_COLUMNS)]
        self._add_id = "shipment_id" in self.columns and "shipment_id" not in input_columns
        # What ``result_record`` reads of a row: the input columns and the added id column.
        self._inputs += ["shipment_id"] if self._add_id else []
        own = head[:-1] if self._add_id else head
        simple = self.columns[len(head):] == list(OUTPUT_COLUMNS) and len(own) >= 2 \
            and len(set(head)) == len(head) and not set(head) & set(OUTPUT_COLUMNS)
        self._pick: Callable[[dict[str, Any]], tuple[Any, ...]] | None = \
            itemgetter(*[self._source.get(c, c) for c in own]) if simple else None
        self._head = head  # the input columns (of the common layout)
        self._clear_json: dict[tuple[Any, int | None], str] = {}
        self._clear_cells: dict[tuple[Any, int | None], list[Any]] = {}
        self._clear_text: dict[tuple[Any, int | None], str] = {}  # the same cells as CSV text
        self.rows_written = 0
        self._tmp: str | None = None
        if self.out is None and format in ("xlsx", "parquet"):
            raise InputFileError(f"{format} output needs --out FILE (it cannot go to the terminal)")
        if self.out is not None:
            if self.out.is_dir():
                raise InputFileError(f"--out {self.out}: is a directory; give a file name, e.g. {self.out}/results.csv")
            try:
                self.out.parent.mkdir(parents=True, exist_ok=True)
                fd, self._tmp = tempfile.mkstemp(prefix=f".{self.out.name}.", suffix=".partial",
                                                 dir=self.out.parent)
            except OSError as e:
                raise InputFileError(f"--out {self.out}: cannot write there ({e.strerror or e})") from None
            os.close(fd)
        self._fh: IO[str] | None = None
        self._first = True
        self._csv: Any = None
        self._xlsx: Any = None
        self._pq: Any = None
        self._pq_buffer: list[dict[str, Any]] = []
        self._pq_schema: Any = None
        if format in ("csv", "jsonl", "json"):
            self._fh = open(self._tmp, "w", encoding="utf-8", newline="") if self._tmp else sys.stdout  # noqa: SIM115
            if format == "csv":
                self._csv = csv.writer(self._fh)
                self._csv.writerow([neutralise(c) for c in self.columns])  # an input header '=...' too
            elif format == "json":
                self._fh.write('{"meta": ' + json.dumps(meta, ensure_ascii=False, default=str) + ', "results": [\n')
        elif format == "xlsx":
            # Summary + one sheet per verdict, readable findings: compliance.report.xlsx.
            from compliance.report.xlsx import XlsxResultWriter

            self._xlsx = XlsxResultWriter(self._tmp or "", self.columns, meta)

    @property
    def renders(self) -> bool:
        """Can rows be rendered apart (``render``) and written as text (``write_text``)?"""
        return self.format in ("csv", "jsonl")

    def render(self, results: Iterable[ScreeningResult]) -> tuple[str, int]:
        """The output text of ``results`` (csv or jsonl) and how many rows it holds, exactly as
        ``write`` would write them: a worker process renders, the parent writes the text."""
        buffer = io.StringIO()
        if self.format == "csv":
            n = self._csv_rows(results, buffer.write)
        elif self.format == "jsonl":
            n = self._jsonl_rows(results, buffer.write)
        else:
            raise InputFileError(f"{self.format} output cannot be rendered in parts")
        return buffer.getvalue(), n

    def write_text(self, text: str, rows: int) -> None:
        """Write rows rendered by ``render`` (of a writer with the same format and columns)."""
        assert self._fh is not None and self.renders
        self._fh.write(text)
        self.rows_written += rows
        self._first = self._first and rows == 0

    def _csv_rows(self, results: Iterable[ScreeningResult], out: Callable[[str], Any]) -> int:
        """The batch path: each row's CSV text, handed to ``out`` some thousand rows at a time;
        ``_csv_cell(result_record(r, columns)[c])`` of each column, as ``csv.writer`` writes it.

        The common row (``_pick``): its input cells joined with commas once. When that text
        holds no quote, CR, LF or extra comma and no cell starts like a formula, ``csv.writer``
        would write it as it is, so it is the row's start; a clear row's result cells are
        then the same text but for its number (cached). Any other row goes cell by cell."""
        columns, start, pick, add_id = self.columns, _FORMULA_START, self._pick, self._add_id
        source = self._source
        commas = len(columns) - len(OUTPUT_COLUMNS) - 1  # the commas between the input cells
        starts = _FORMULA_CHARS
        clear, clear_text = self._clear_cells, self._clear_text
        parts: list[str] = []
        append = parts.append
        writerow = csv.writer(_Sink(append)).writerow
        n = 0
        for r in results:
            n += 1
            if not n & 4095:
                out("".join(parts))
                parts.clear()
            inp = r.input
            if pick is not None:
                try:
                    cells = pick(inp)
                    if add_id:  # the id of result_record (a row with a shipment_id cell: not text, the slow way)
                        cells = (*cells, r.shipment_id or "") if "shipment_id" not in inp else (None,)
                    text = ",".join(cells)
                except (KeyError, TypeError):
                    pass  # a column this row lacks (a renamed id, another file's columns), or non-text
                else:
                    # Every cell starts the text or follows a comma: none starts like a formula
                    # (a comma inside a cell can only send a row the slow way).
                    # (A one-character test first where the character is rare: a fraction of the
                    # cost of the two-character searches on every row.)
                    if not (text[:1] in starts or "=" in text and ",=" in text or "+" in text and ",+" in text
                            or ",-" in text or "@" in text and ",@" in text
                            or "\t" in text and ",\t" in text or "\r" in text and ",\r" in text
                            or not text.isascii() and (",\uff1d" in text or ",\uff0b" in text
                                                       or ",\uff0d" in text or ",\uff20" in text)):
                        # As csv.writer writes it: no cell holds a comma, quote, CR or LF; or only
                        # commas (cells quoted but unchanged): the cells as a line of their own —
                        # csv.writer's minimal quoting of them, the cells with a comma in quotes.
                        plain = not ('"' in text or "\n" in text or "\r" in text)
                        if plain and text.count(",") != commas:
                            text = ",".join([f'"{c}"' if "," in c else c for c in cells])
                        number = r.row_number
                        if not r.findings and not r.warnings and r.error is None:
                            key = (r.verdict, r.risk_score)
                            tail = clear.get(key)
                            if tail is None:
                                tail = clear[key] = [_result_cells(r)[c] for c in OUTPUT_COLUMNS[1:]]
                                clear_text[key] = _csv_line(tail)
                            if plain and type(number) is int:
                                append(f"{text},{number},{clear_text[key]}")
                            else:
                                row = [*cells, number]
                                row.extend(tail)
                                writerow(row)
                        else:
                            res = _result_cells(r)
                            if plain:
                                append(text + ",")
                                writerow([res[c] for c in OUTPUT_COLUMNS])
                            else:
                                row = list(cells)
                                row.extend([res[c] for c in OUTPUT_COLUMNS])
                                writerow(row)
                        continue
            res = _result_cells(r)
            if "shipment_id" not in inp:  # the id came from a renamed column: as result_record
                res["shipment_id"] = _csv_cell(r.shipment_id or "")
            writerow([res[c] if c in res else
                      (v if type(v := inp.get(source.get(c, c) if source else c, "")) is str
                       and not v.startswith(start) else _csv_cell(v))
                      for c in columns])
        if parts:
            out("".join(parts))
        return n

    def _jsonl_rows(self, results: Iterable[ScreeningResult], out: Callable[[str], Any]) -> int:
        """Each row's JSON line (``result_record`` in column order), handed to ``out`` some
        thousand rows at a time. The common row, with every input column and all of them
        text: the input cells encoded one by one into their keys' line, then the result columns
        (a clear row's cached but for its number) — the same text as the record's, key by key."""
        columns, pick, add_id, enc, quote = self.columns, self._pick, self._add_id, _JSON_ENCODE, encode_basestring
        # '{"shipment_id": %s, ...': the input columns' keys, as the encoder writes them.
        template = "{" + ", ".join(enc(c).replace("%", "%%") + ": %s" for c in self._head) if pick else ""
        start: str | None = None
        clear = self._clear_json
        parts: list[str] = []
        append = parts.append
        n = 0
        for r in results:
            n += 1
            if not n & 4095:
                out("".join(parts))
                parts.clear()
            inp = r.input
            if pick is not None:
                try:
                    # All text (a TypeError else): each cell as the encoder writes it, under its key.
                    cells = pick(inp)
                    if add_id:  # as in _csv_rows
                        cells = (*cells, r.shipment_id or "") if "shipment_id" not in inp else (None,)
                    start = template % tuple(map(quote, cells))
                except (KeyError, TypeError):
                    start = None  # a column this row lacks (a renamed id, another file's columns), or not text
            if start is not None:
                number = r.row_number
                if not r.findings and not r.warnings and r.error is None and type(number) is int:
                    key = (r.verdict, r.risk_score)
                    tail = clear.get(key)
                    if tail is None:
                        values = _result_values(r)
                        del values["row_number"]
                        tail = clear[key] = ", " + enc(values)[1:] + "\n"
                    append(f"{start}, \"row_number\": {number}{tail}")
                else:
                    append(f"{start}, {enc(_result_values(r))[1:]}\n")
                continue
            rec = result_record(r, self._inputs, self._echo)
            append(enc({c: rec.get(c) for c in columns}) + "\n")
        if parts:
            out("".join(parts))
        return n

    def write(self, results: Iterable[ScreeningResult]) -> None:
        if self.format == "csv":
            assert self._fh is not None
            n = self._csv_rows(results, self._fh.write)
            self.rows_written += n
            self._first = self._first and n == 0
            return
        if self.format == "jsonl":
            assert self._fh is not None
            n = self._jsonl_rows(results, self._fh.write)
            self.rows_written += n
            self._first = self._first and n == 0
            return
        for r in results:
            rec = result_record(r, self._inputs, self._echo)
            rec = {c: rec.get(c) for c in self.columns}
            if self.format == "xlsx":
                self._xlsx.append(rec)
            elif self.format == "parquet":
                self._pq_buffer.append({k: (None if v is None else v if k in NUMERIC_COLUMNS else str(_scalar(v)))
                                        for k, v in rec.items()})
                if len(self._pq_buffer) >= 10_000:
                    self._flush_parquet()
            else:
                assert self._fh is not None
                self._fh.write(("" if self._first else ",\n") + _JSON_ENCODE(rec))  # json
            self._first = False
            self.rows_written += 1

    def _flush_parquet(self) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        if self._pq is None:
            assert self._tmp is not None
            self._pq_schema = _parquet_schema(self.columns)
            self._pq = pq.ParquetWriter(self._tmp, self._pq_schema)
        if self._pq_buffer:
            self._pq.write_table(pa.Table.from_pylist(self._pq_buffer, schema=self._pq_schema))
            self._pq_buffer = []

    def close(self) -> None:
        """Finish the file and move it into place (with ``OUT.meta.json`` for csv/xlsx/parquet/jsonl;
        json output carries the same record as its ``meta`` key)."""
        if self.format == "json" and self._fh is not None:
            self._fh.write("\n]}\n")
        if self._fh is not None:
            self._fh.flush()
            if self._tmp is not None:
                os.fsync(self._fh.fileno())
                self._fh.close()
        elif self.format == "xlsx":
            assert self._tmp is not None
            self._xlsx.save(self._tmp)
        elif self.format == "parquet":
            self._flush_parquet()
            self._pq.close()
        if self.out is not None and self._tmp is not None:
            os.replace(self._tmp, self.out)
            self._tmp = None
            if self.meta is not None and self.format in ("csv", "xlsx", "parquet", "jsonl"):
                meta_path = Path(str(self.out) + ".meta.json")
                tmp = meta_path.with_name(f".{meta_path.name}.partial")
                tmp.write_text(json.dumps(self.meta, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
                os.replace(tmp, meta_path)

    def abort(self) -> None:
        """Drop the partial output; the previous file at ``out`` (if any) is untouched."""
        try:
            if self._fh is not None and self._tmp is not None:
                self._fh.close()
            if self._pq is not None:
                self._pq.close()
            if self._xlsx is not None:
                self._xlsx.discard()
        except Exception:  # noqa: BLE001 - already failing; removing the temp file matters more
            pass
        if self._tmp is not None:
            Path(self._tmp).unlink(missing_ok=True)
            self._tmp = None
