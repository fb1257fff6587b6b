"""Reading shipment files and writing results (minimal: CSV, JSONL, JSON)."""

from __future__ import annotations

import csv
import io
import json
import os
import sys
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from compliance.exc import InputFileError
from compliance.models import INPUT_COLUMNS, REQUIRED_COLUMNS, ScreeningResult

OUTPUT_COLUMNS: tuple[str, ...] = ("row_number", "verdict", "risk_score", "rule_ids", "reasons",
                                   "top_party_match", "top_party_score", "top_party_list", "findings", "error")


@dataclass(slots=True)
class RawRow:
    row_number: int
    data: dict[str, Any]
    original: dict[str, Any]
    error: str | None = None
    warnings: list[str] = field(default_factory=list)


def _norm_header(h: str) -> str:
    return " ".join(h.strip().lower().replace("_", " ").split())


def parse_mapping(items: list[str], mapping_file: str | Path | None = None) -> dict[str, str]:
    out: dict[str, str] = {}
    if mapping_file is not None:
        import yaml

        data = yaml.safe_load(Path(mapping_file).read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise InputFileError(f"{mapping_file}: a mapping file is a YAML dict 'their column: our column'")
        out.update({str(k): str(v) for k, v in data.items()})
    for item in items:
        if "=" not in item:
            raise InputFileError(f"--map {item!r}: write their_col=our_col")
        k, _, v = item.partition("=")
        out[k.strip()] = v.strip()
    for v in out.values():
        if v not in INPUT_COLUMNS:
            raise InputFileError(f"mapping target {v!r} is not a contract column ({', '.join(INPUT_COLUMNS)})")
    return out


def _decode(raw: bytes, encoding: str | None) -> tuple[str, str]:
    if encoding:
        return raw.decode(encoding), encoding
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8"), "utf-8-sig"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16"), "utf-16"
    if b"\x00" in raw[:4096]:
        raise InputFileError("the file is binary, not a text table")
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    cyr = sum(1 for b in raw if 0xC0 <= b <= 0xFF)
    hi = sum(1 for b in raw if b >= 0x80)
    enc = "cp1251" if hi and cyr / hi > 0.6 else "cp1252"
    return raw.decode(enc, errors="replace"), enc


def _sniff(text: str) -> str:
    first = text.split("\n", 1)[0]
    counts = {d: first.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


class InputTable:
    def __init__(self, path: str, fmt: str, encoding: str | None, delimiter: str | None, columns: list[str],
                 mapping: dict[str, str], rows: Iterable[dict[str, Any] | str | list[str]]) -> None:
        self.path = path
        self.format = fmt
        self.encoding = encoding
        self.delimiter = delimiter
        self.columns = columns
        self.mapping = mapping
        self.warnings: list[str] = []
        self._rows = rows

    def chunks(self, size: int = 50_000) -> Iterator[list[RawRow]]:
        chunk: list[RawRow] = []
        seen: dict[str, int] = {}
        for i, item in enumerate(self._rows, start=1):
            if isinstance(item, str):
                chunk.append(RawRow(i, {}, {}, error=f"row {i}: {item}"))
            else:
                if isinstance(item, list):
                    extra = len(item) - len(self.columns)
                    warnings = []
                    if extra > 0:
                        warnings.append(f"row {i}: {extra} extra cell(s) ignored")
                    item = dict(zip(self.columns, item + [""] * max(0, -extra), strict=False))
                else:
                    warnings = []
                original = {str(k): v for k, v in item.items()}
                data: dict[str, Any] = {}
                for k, v in original.items():
                    data[self.mapping.get(k, k)] = v
                sid = str(data.get("shipment_id") or "")
                if sid:
                    if sid in seen:
                        self.warnings.append(f"row {i}: shipment_id {sid!r} repeats row {seen[sid]}")
                    else:
                        seen[sid] = i
                chunk.append(RawRow(i, data, original, warnings=warnings))
            if len(chunk) >= size:
                yield chunk
                chunk = []
        if chunk:
            yield chunk

    def close(self) -> None:
        pass

    def __enter__(self) -> InputTable:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _header_map(columns: list[str], mapping: dict[str, str]) -> dict[str, str]:
    out: dict[str, str] = {}
    lowered = {_norm_header(k): v for k, v in mapping.items()}
    for c in columns:
        if c in mapping:
            out[c] = mapping[c]
        elif _norm_header(c) in lowered:
            out[c] = lowered[_norm_header(c)]
        else:
            n = _norm_header(c).replace(" ", "_")
            if n in INPUT_COLUMNS:
                out[c] = n
    return out


def open_input(path: str | Path, *, format: str | None = None, encoding: str | None = None,
               delimiter: str | None = None, mapping: dict[str, str] | None = None) -> InputTable:
    name = str(path)
    if name == "-":
        raw = sys.stdin.buffer.read()
    else:
        p = Path(path)
        if not p.is_file():
            raise InputFileError(f"{name}: file not found")
        raw = p.read_bytes()
    fmt = format or ("jsonl" if name.endswith((".jsonl", ".ndjson")) else "json" if name.endswith(".json") else "csv")
    if not raw.strip():
        raise InputFileError(f"{name}: the file is empty")
    text, enc = _decode(raw, encoding)
    mapping = mapping or {}
    if fmt == "csv":
        delim = delimiter or _sniff(text)
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
        try:
            header = next(reader)
        except StopIteration:
            raise InputFileError(f"{name}: no header row") from None
        columns = [h.strip() for h in header]
        rows: Iterable[Any] = (r for r in reader if any(c.strip() for c in r))
        table_delim: str | None = delim
    elif fmt == "jsonl":
        def gen() -> Iterator[Any]:
            for line in text.splitlines():
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                    yield obj if isinstance(obj, dict) else "the line is not a JSON object"
                except json.JSONDecodeError as e:
                    yield f"not valid JSON ({e.msg})"
        items = list(gen())
        columns = []
        for it in items:
            if isinstance(it, dict):
                columns.extend(k for k in it if k not in columns)
        rows, table_delim = items, None
    else:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as e:
            raise InputFileError(f"{name}: not valid JSON ({e.msg} at line {e.lineno})") from None
        if not isinstance(data, list):
            raise InputFileError(f"{name}: a JSON input is an array of shipment objects")
        columns = []
        for it in data:
            if isinstance(it, dict):
                columns.extend(k for k in it if k not in columns)
        rows = [it if isinstance(it, dict) else "the item is not a JSON object" for it in data]
        table_delim = None
    applied = _header_map(columns, mapping)
    missing = [c for c in REQUIRED_COLUMNS if c not in applied.values()]
    if missing:
        raise InputFileError(f"{name}: required column(s) {', '.join(missing)} not found; the file has "
                             f"{', '.join(columns) or 'no columns'}; use --map their_col=our_col")
    return InputTable(name, fmt, enc, table_delim, columns, applied, rows)


def _neutralise(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def result_record(result: ScreeningResult, input_columns: list[str]) -> dict[str, Any]:
    rec: dict[str, Any] = {c: result.input.get(c, "") for c in input_columns}
    if "shipment_id" not in rec:
        rec["shipment_id"] = result.shipment_id or ""
    top = result.top_party
    rec.update({
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
    })
    return rec


class ResultWriter:
    def __init__(self, out: str | Path | None, format: str, input_columns: list[str],
                 meta: dict[str, Any] | None = None) -> None:
        self.out = None if out in (None, "-") else Path(out)
        self.format = format
        self.columns = list(input_columns)
        if "shipment_id" not in self.columns:
            self.columns.append("shipment_id")
        self.columns += [c for c in OUTPUT_COLUMNS if c not in self.columns]
        self.meta = meta
        self._tmp: str | None = None
        if self.out is not None:
            self.out.parent.mkdir(parents=True, exist_ok=True)
            fd, self._tmp = tempfile.mkstemp(prefix=f".{self.out.name}.", dir=self.out.parent)
            self._fh: IO[str] = os.fdopen(fd, "w", encoding="utf-8", newline="")
        else:
            self._fh = sys.stdout
        self._first = True
        self._csv: Any = None
        if format == "csv":
            self._csv = csv.writer(self._fh)
            self._csv.writerow(self.columns)
        elif format == "json":
            self._fh.write('{"meta": ' + json.dumps(meta, ensure_ascii=False) + ', "results": [\n')
        elif format not in ("jsonl",):
            raise InputFileError(f"output format {format!r} is not supported")

    def write(self, results: Iterable[ScreeningResult]) -> None:
        for r in results:
            rec = result_record(r, self.columns[: len(self.columns)])
            rec = {c: rec.get(c) for c in self.columns}
            if self.format == "csv":
                rec["findings"] = json.dumps(rec["findings"], ensure_ascii=False)
                self._csv.writerow(["" if v is None else _neutralise(v if isinstance(v, str) else str(v))
                                    for v in rec.values()])
            else:
                line = json.dumps(rec, ensure_ascii=False, default=str)
                if self.format == "json":
                    self._fh.write(("" if self._first else ",\n") + line)
                else:
                    self._fh.write(line + "\n")
            self._first = False

    def close(self) -> None:
        if self.format == "json":
            self._fh.write("\n]}\n")
        self._fh.flush()
        if self.out is not None and self._tmp is not None:
            os.fsync(self._fh.fileno())
            self._fh.close()
            os.replace(self._tmp, self.out)
            if self.meta is not None and self.format in ("csv", "xlsx"):
                Path(str(self.out) + ".meta.json").write_text(json.dumps(self.meta, indent=2), encoding="utf-8")
            self._tmp = None

    def abort(self) -> None:
        if self._tmp is not None:
            try:
                self._fh.close()
            finally:
                os.unlink(self._tmp)
                self._tmp = None
