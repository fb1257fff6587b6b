"""Reading result files back: for decisions recorded from a results row and for re-screening.

A result file (csv, jsonl, json, xlsx, parquet as written by ``compliance screen``) holds the
input columns unchanged, then the result columns; its metadata is ``RESULT.meta.json`` beside
it (or the ``meta`` key of json output). Cells the writer neutralised against formula
injection (a leading quote before ``= + - @``) are restored, so shipments rebuild exactly.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from compliance.exc import InputFileError
from compliance.io import OUTPUT_COLUMNS, InputTable, RawRow, map_headers, open_input
from compliance.io.writers import _FORMULA_START

from .run import meta_path_for


@dataclass
class ResultRow:
    """One row of an earlier result file."""

    raw: RawRow  # the input columns (as a shipment row) and all columns (``raw.original``)
    row_number: int | None  # the row_number column: the row of the screened input file
    shipment_id: str | None
    verdict: str
    rule_ids: list[str]
    findings: list[dict[str, Any]]


def _unneutralise(v: Any) -> Any:
    if isinstance(v, str) and len(v) > 1 and v[0] == "'" and v[1] in _FORMULA_START:
        return v[1:]
    return v


def _int(v: Any) -> int | None:
    try:
        return int(float(str(v)))
    except (TypeError, ValueError):
        return None


def load_meta(path: str | Path) -> dict[str, Any] | None:
    """The metadata of a result file (sidecar, or the json envelope's ``meta``); None if absent."""
    p = Path(path)
    side = meta_path_for(p)
    try:
        if side.is_file():
            data = json.loads(side.read_text(encoding="utf-8"))
            return data if isinstance(data, dict) else None
        if p.suffix.lower() == ".json":
            with p.open("rb") as f:
                head = f.read(1 << 16).decode("utf-8", errors="replace")
            if head.lstrip().startswith('{"meta"'):
                data = json.loads(p.read_text(encoding="utf-8"))
                meta = data.get("meta") if isinstance(data, dict) else None
                return meta if isinstance(meta, dict) else None
    except (OSError, ValueError) as e:
        raise InputFileError(f"{side}: the results metadata cannot be read ({e})") from None
    return None


def open_results(path: str | Path, *, mapping: dict[str, str] | None = None) -> tuple[InputTable, dict[str, Any] | None]:
    """Open a result file as an input table (shipments rebuilt from the echoed input columns)."""
    p = Path(path)
    meta = load_meta(p)
    column_map = dict((meta or {}).get("column_map") or {})
    column_map.update(mapping or {})
    if p.suffix.lower() in (".json", ".xlsx", ".xlsm"):
        return _report_results(p, column_map), meta
    return _checked(open_input(p, mapping=column_map)), meta


def _report_results(path: Path, column_map: dict[str, str]) -> InputTable:
    """A json result file (``{"meta": ..., "results": [...]}``) or a result workbook (one sheet per
    verdict, readable findings, the structured ones in a hidden column): read with the report
    reader, back in input order (``row_number``)."""
    from compliance.report.records import FINDINGS_JSON
    from compliance.report.records import open_results as open_result_records

    rs = open_result_records(path)
    records = list(rs.records)
    if rs.format == "xlsx":
        records.sort(key=lambda r: (r.get("row_number") is None, r.get("row_number") or 0))
    columns = [c for c in rs.columns if c != FINDINGS_JSON]
    applied, warnings = map_headers(columns, column_map)
    return _checked(InputTable(str(path), rs.format, columns, applied, records, warnings=warnings))


def _checked(table: InputTable) -> InputTable:
    missing = [c for c in ("verdict", "row_number") if c not in table.columns]
    if missing:
        table.close()
        raise InputFileError(f"{table.path}: not a result file of compliance screen (no {', '.join(missing)} "
                             "column): give the results, not the shipments")
    return table


def result_rows(table: InputTable) -> Iterator[ResultRow]:
    """The rows of an opened result file, input columns restored."""
    restore = table.format in ("csv", "xlsx")
    for raw in table.rows():
        if restore:
            raw.original = {k: _unneutralise(v) for k, v in raw.original.items()}
            raw.data = {k: _unneutralise(v) for k, v in raw.data.items()}
        o = raw.original
        findings = o.get("findings")
        if isinstance(findings, str):
            try:
                findings = json.loads(findings) if findings.strip() else []
            except ValueError:
                findings = []
        rule_ids = o.get("rule_ids") or ""
        sid = o.get("shipment_id", raw.data.get("shipment_id"))
        yield ResultRow(raw=raw, row_number=_int(o.get("row_number")),
                        shipment_id=None if sid in (None, "") else str(sid),
                        verdict=str(o.get("verdict") or ""),
                        rule_ids=[r for r in (rule_ids.split(";") if isinstance(rule_ids, str) else rule_ids) if r],
                        findings=[f for f in findings or [] if isinstance(f, dict)])


def input_columns(table: InputTable) -> list[str]:
    """The result file's columns that came from the input (everything but the result columns)."""
    return [c for c in table.columns if c not in OUTPUT_COLUMNS or c in table.mapping]


def strip_result_columns(raw: RawRow) -> RawRow:
    """The row as it was read from the input file (result columns removed), renumbered to its
    original row number."""
    original = {k: v for k, v in raw.original.items() if k not in OUTPUT_COLUMNS}
    number = _int(raw.original.get("row_number")) or raw.row_number
    return RawRow(number, dict(raw.data), original, error=raw.error, warnings=list(raw.warnings))
