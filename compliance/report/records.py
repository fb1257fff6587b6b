"""Reading a result set back: the files ``compliance screen`` writes, in each of its formats.

A record is one contract output row (CONTRACT.md section 2) as a dict: the input columns as
they were, then ``row_number``, ``verdict``, ``risk_score``, ``rule_ids``, ``reasons``,
``top_party_*``, ``findings`` (a list of finding dicts) and ``error``. Verdicts are read, never
recomputed. A line or row that cannot be read is not dropped: it comes back as a record with
``verdict`` ``ERROR`` and an ``error`` that says where the results file is damaged.
"""

from __future__ import annotations

import csv
import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from compliance.exc import InputFileError

log = logging.getLogger(__name__)

# Result columns (contract section 2), in contract order.
RESULT_COLUMNS: tuple[str, ...] = ("row_number", "verdict", "risk_score", "rule_ids", "reasons",
                                   "top_party_match", "top_party_score", "top_party_list", "findings", "error",
                                   "warnings")
# In xlsx output ``findings`` is readable text; the structured findings ride along in this column.
FINDINGS_JSON = "findings_json"
VERDICTS: tuple[str, ...] = ("BLOCK", "REVIEW", "CLEAR", "ERROR")
# Verdict sheets of an xlsx result workbook: "BLOCK", and "BLOCK (2)"... past Excel's row limit.
_VERDICT_SHEET = re.compile(r"^(BLOCK|REVIEW|CLEAR|ERROR)(?: \(\d+\))?$")
_FORMATS = {".csv": "csv", ".tsv": "csv", ".txt": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json",
            ".xlsx": "xlsx", ".xlsm": "xlsx", ".parquet": "parquet", ".pq": "parquet"}


@dataclass
class ResultSet:
    """An opened result file: its records (a one-pass iterator) and the provenance found beside it."""

    path: Path
    format: str
    columns: list[str]
    records: Iterator[dict[str, Any]]
    meta: dict[str, Any] | None = None
    meta_source: str | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def input_columns(self) -> list[str]:
        return [c for c in self.columns if c not in RESULT_COLUMNS and c != FINDINGS_JSON]


def _format_of(path: Path, head: bytes) -> str:
    fmt = _FORMATS.get(path.suffix.lower())
    if fmt:
        return fmt
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"PAR1"):
        return "parquet"
    stripped = head.lstrip()
    if stripped.startswith(b"["):
        return "json"
    if stripped.startswith(b"{"):
        return "json" if b'"results"' in head[:4096] and b'"meta"' in head[:64] else "jsonl"
    return "csv"


def open_results(path: str | Path, *, meta_path: str | Path | None = None) -> ResultSet:
    """Open a result file written by ``compliance screen`` (csv, jsonl, json, xlsx or parquet).

    Raises ``InputFileError`` when the file is missing, unreadable or is not a result file
    (no ``verdict`` column: an input file passed by mistake, say).
    """
    p = Path(path)
    if not p.is_file():
        raise InputFileError(f"{p}: no such results file (give the output of `compliance screen --out`)")
    with p.open("rb") as fh:
        head = fh.read(65536)
    fmt = _format_of(p, head)
    embedded: dict[str, Any] | None = None
    try:
        if fmt == "csv":
            columns, records = _csv_records(p, head)
        elif fmt == "jsonl":
            columns, records = _jsonl_records(p)
        elif fmt == "json":
            try:
                columns, records, embedded = _json_records(p)
            except ValueError:  # JSON Lines saved as .json: one object per line
                columns, records = _jsonl_records(p)
        elif fmt == "xlsx":
            columns, records = _xlsx_records(p)
        else:
            columns, records, embedded = _parquet_records(p)
    except InputFileError:
        raise
    except Exception as e:  # a damaged container (zip, parquet footer, JSON document)
        raise InputFileError(f"{p}: not a readable {fmt} results file ({type(e).__name__}: {e})") from None
    if "verdict" not in columns:
        raise InputFileError(f"{p}: no 'verdict' column; is this the output of `compliance screen`? "
                             f"(columns: {', '.join(columns[:12]) or 'none'})")
    meta, source = load_meta(p, meta_path, embedded)
    return ResultSet(p, fmt, columns, (normalise_record(r) for r in records), meta, source)


# Provenance ----------------------------------------------------------------------------------
def meta_candidates(path: Path) -> list[Path]:
    """Where provenance may sit beside ``results.csv``: ``results.csv.meta.json``, ``results.meta.json``."""
    out = [path.with_name(path.name + ".meta.json"), path.with_suffix(".meta.json")]
    return list(dict.fromkeys(out))


def load_meta(path: Path, meta_path: str | Path | None = None,
              embedded: dict[str, Any] | None = None) -> tuple[dict[str, Any] | None, str | None]:
    """The run's provenance (tool, rules bundle, lists): an explicit file, a file beside, or embedded."""
    candidates = [Path(meta_path)] if meta_path else meta_candidates(path)
    for c in candidates:
        if c.is_file():
            try:
                data = json.loads(c.read_text(encoding="utf-8"))
            except (OSError, ValueError) as e:
                if meta_path:
                    raise InputFileError(f"{c}: provenance file is not readable JSON ({e})") from None
                log.warning("%s: provenance file is not readable JSON (%s)", c, e)
                continue
            if isinstance(data, dict):
                return _unwrap_meta(data), str(c)
    if meta_path:
        raise InputFileError(f"{meta_path}: no such provenance file")
    if embedded:
        return _unwrap_meta(embedded), f"{path} (embedded)"
    return None, None


def _unwrap_meta(data: dict[str, Any]) -> dict[str, Any]:
    for key in ("provenance", "meta"):
        inner = data.get(key)
        if isinstance(inner, dict) and len(data) <= 3:
            return {**{k: v for k, v in data.items() if k != key}, **inner}
    return data


# Readers -------------------------------------------------------------------------------------
def _csv_records(path: Path, head: bytes) -> tuple[list[str], Iterator[dict[str, Any]]]:
    from compliance.io import detect_encoding, sniff_delimiter

    encoding = detect_encoding(head)
    text = head.decode(encoding, errors="replace")
    delimiter = sniff_delimiter(text.split("\n", 1)[0]) if text else ","
    # The cell limit stays the readers' 16 MB (set when compliance.io is imported), which a findings
    # JSON cell never nears: raising the process-wide limit here let a later screen in the same
    # process (a server, a notebook) read a 1 GB cell instead of refusing it.
    fh = path.open("r", encoding=encoding, errors="replace", newline="")
    reader = csv.reader(fh, delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        fh.close()
        raise InputFileError(f"{path}: the results file is empty") from None
    except csv.Error as e:
        fh.close()
        raise InputFileError(f"{path}: not a readable CSV results file ({e})") from None
    header = [h.strip().lstrip("\ufeff") for h in header]

    def rows() -> Iterator[dict[str, Any]]:
        with fh:
            while True:
                try:
                    cells = next(reader)
                except StopIteration:
                    return
                except csv.Error as e:
                    yield _damaged(path, f"line {reader.line_num}", str(e))
                    continue
                if not any(c.strip() for c in cells):
                    continue
                rec: dict[str, Any] = dict(zip(header, cells, strict=False))
                if len(cells) != len(header):
                    rec.setdefault("_warning", f"line {reader.line_num} has {len(cells)} cells, "
                                               f"the header {len(header)}")
                yield rec

    return header, rows()


def _jsonl_records(path: Path) -> tuple[list[str], Iterator[dict[str, Any]]]:
    fh = path.open("r", encoding="utf-8", errors="replace")
    first: dict[str, Any] | None = None
    first_line = 0
    for n, line in enumerate(fh, 1):
        if line.strip():
            try:
                obj = json.loads(line)
            except ValueError:
                obj = None
            if isinstance(obj, dict):
                first, first_line = obj, n
            break
    if first is None:
        fh.close()
        raise InputFileError(f"{path}: the first line is not a JSON object; is this a JSONL results file?")
    columns = list(first)

    def rows() -> Iterator[dict[str, Any]]:
        assert first is not None
        yield first
        with fh:
            for n, line in enumerate(fh, first_line + 1):
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except ValueError as e:
                    yield _damaged(path, f"line {n}", str(e))
                    continue
                if isinstance(obj, dict):
                    yield obj
                else:
                    yield _damaged(path, f"line {n}", "not a JSON object")

    return columns, rows()


def _json_records(path: Path) -> tuple[list[str], Iterator[dict[str, Any]], dict[str, Any] | None]:
    with path.open("r", encoding="utf-8-sig", errors="replace") as fh:
        doc = json.load(fh)
    meta: dict[str, Any] | None = None
    if isinstance(doc, dict):
        meta = doc.get("meta") if isinstance(doc.get("meta"), dict) else None
        items = doc.get("results")
        if not isinstance(items, list):
            raise InputFileError(f"{path}: a JSON results file holds {{\"meta\": ..., \"results\": [...]}}")
    elif isinstance(doc, list):
        items = doc
    else:
        raise InputFileError(f"{path}: a JSON results file holds a list of results")
    columns: list[str] = []
    for item in items[:1]:
        if isinstance(item, dict):
            columns = list(item)

    def rows() -> Iterator[dict[str, Any]]:
        for i, item in enumerate(items):
            yield item if isinstance(item, dict) else _damaged(path, f"result {i + 1}", "not a JSON object")

    return columns, rows(), meta


def _xlsx_records(path: Path) -> tuple[list[str], Iterator[dict[str, Any]]]:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    sheets = [ws for ws in wb.worksheets if _VERDICT_SHEET.match(ws.title)] or wb.worksheets[:1]
    headers: list[list[str]] = []
    for ws in sheets:
        first = next(ws.iter_rows(max_row=1, values_only=True), ())
        headers.append([str(h).strip() if h is not None else f"column_{i + 1}" for i, h in enumerate(first)])
    columns: list[str] = []
    for h in headers:
        columns.extend(c for c in h if c not in columns)

    def rows() -> Iterator[dict[str, Any]]:
        try:
            for ws, header in zip(sheets, headers, strict=True):
                for cells in ws.iter_rows(min_row=2, values_only=True):
                    if all(c is None or c == "" for c in cells):
                        continue
                    yield {k: ("" if v is None else v) for k, v in zip(header, cells, strict=False)}
        finally:
            wb.close()

    return columns, rows()


def _parquet_records(path: Path) -> tuple[list[str], Iterator[dict[str, Any]], dict[str, Any] | None]:
    import pyarrow.parquet as pq

    pf = pq.ParquetFile(path)
    meta: dict[str, Any] | None = None
    for key, value in (pf.schema_arrow.metadata or {}).items():
        if key.decode("utf-8", "replace") in ("compliance", "meta", "provenance"):
            try:
                loaded = json.loads(value)
            except ValueError:
                continue
            if isinstance(loaded, dict):
                meta = loaded
    columns = list(pf.schema_arrow.names)

    def rows() -> Iterator[dict[str, Any]]:
        for batch in pf.iter_batches(batch_size=10_000):
            yield from batch.to_pylist()

    return columns, rows(), meta


def _damaged(path: Path, where: str, why: str) -> dict[str, Any]:
    return {"verdict": "ERROR", "error": f"{path.name} {where}: this result could not be read back ({why}); "
                                         "screen the input again", "_damaged": True}


# Normalising one record ----------------------------------------------------------------------
def _int(v: Any) -> int | None:
    if v is None or v == "" or isinstance(v, bool):
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return int(f) if f == f and abs(f) < 2**53 else None


def _float(v: Any) -> float | None:
    if v is None or v == "" or isinstance(v, bool):
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return f if f == f else None


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v != v:
        return ""
    return v if isinstance(v, str) else str(v)


def parse_findings(value: Any) -> list[dict[str, Any]]:
    """Findings from a list, a JSON string (csv/parquet) or nothing; a malformed cell gives []."""
    if isinstance(value, list):
        items: Any = value
    elif isinstance(value, str) and value.strip().startswith("["):
        try:
            items = json.loads(value)
        except ValueError:
            return []
    else:
        return []
    return [f for f in items if isinstance(f, dict)] if isinstance(items, list) else []


def normalise_record(rec: dict[str, Any]) -> dict[str, Any]:
    """Typed result columns (findings as dicts, numbers as numbers); input columns left alone."""
    out = dict(rec)
    raw_findings = rec.get(FINDINGS_JSON) if rec.get(FINDINGS_JSON) not in (None, "") else rec.get("findings")
    out.pop(FINDINGS_JSON, None)
    out["findings"] = parse_findings(raw_findings)
    verdict = _text(rec.get("verdict")).strip().upper()
    out["verdict"] = verdict or "ERROR"
    if not verdict:
        out["error"] = _text(rec.get("error")) or "this row has no verdict in the results file"
    out["row_number"] = _int(rec.get("row_number"))
    out["risk_score"] = _int(rec.get("risk_score"))
    out["top_party_score"] = _float(rec.get("top_party_score"))
    for key in ("rule_ids", "reasons", "top_party_match", "top_party_list", "error"):
        out[key] = _text(out.get(key))
    return out
