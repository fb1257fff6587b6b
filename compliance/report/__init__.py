"""Reports people read: the HTML report and the Excel workbook of a result set.

Rendered from results, never recomputed: the verdicts, findings and matches shown are those
``compliance screen`` wrote. ``build_report`` reads a results file once, in a stream, and
writes the requested outputs::

    from compliance.report import build_report
    build_report("results.csv", html="report.html", xlsx="results.xlsx")

Modules: ``records`` (reading results back, any output format), ``stats`` (one-pass counts),
``charts`` (Vega-Lite specs via altair), ``html`` (the self-contained page), ``xlsx`` (the
workbook, also behind ``screen --format xlsx``), ``provenance`` (rules and list versions),
``terminal`` (the summary after ``screen``).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from compliance.report.records import ResultSet, open_results
from compliance.report.stats import Tally

__all__ = ["ReportOutcome", "ResultSet", "Tally", "build_report", "field_map", "open_results"]


@dataclass
class ReportOutcome:
    tally: Tally
    written: list[Path] = field(default_factory=list)
    meta_source: str | None = None
    warnings: list[str] = field(default_factory=list)


def field_map(columns: list[str], mapping: Mapping[str, str] | None = None) -> dict[str, str]:
    """Contract column -> the results file's column (its input columns may be the customer's)."""
    from compliance.io import map_headers

    applied, _ = map_headers(columns, dict(mapping or {}))
    out: dict[str, str] = {}
    for theirs, ours in applied.items():
        out.setdefault(ours, theirs)
    return out


def _share_mode(tmp: str) -> None:
    """mkstemp makes 0600 files; a report is meant to be shared, so honour the umask instead."""
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(tmp, 0o666 & ~mask)


def _atomic_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    try:
        _share_mode(tmp)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def build_report(results: str | Path, *, html: str | Path | None = None, xlsx: str | Path | None = None,
                 meta: str | Path | None = None, mapping: Mapping[str, str] | None = None,
                 max_rows: int = 10_000, title: str | None = None) -> ReportOutcome:
    """Read ``results`` once and write the HTML report and/or the xlsx workbook.

    ``max_rows`` caps the rows listed in the HTML table (counts and charts cover all rows; the
    page says when the cap applies). Outputs are written atomically: a failure leaves none.
    """
    rs = open_results(results, meta_path=meta)
    tally = Tally(keep_flagged=max_rows if html else 0, fields=field_map(rs.input_columns, mapping))
    writer: Any = None
    tmp_xlsx: str | None = None
    out = ReportOutcome(tally, meta_source=rs.meta_source, warnings=rs.warnings)
    try:
        if xlsx:
            from compliance.report.xlsx import XlsxResultWriter

            xlsx_path = Path(xlsx)
            xlsx_path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp_xlsx = tempfile.mkstemp(prefix=f".{xlsx_path.name}.", suffix=".partial", dir=xlsx_path.parent)
            os.close(fd)
            _share_mode(tmp_xlsx)
            columns = list(rs.columns)
            if "findings" not in columns:
                columns.append("findings")
            writer = XlsxResultWriter(tmp_xlsx, [c for c in columns if not c.startswith("_")], rs.meta)
        for rec in rs.records:
            tally.add(rec)
            if writer is not None:
                writer.append(rec)
        if html:
            from compliance.report.html import render_html

            page = render_html(tally, source=Path(results).name, meta=rs.meta, meta_source=rs.meta_source,
                               title=title, warnings=rs.warnings)
            _atomic_text(Path(html), page)
            out.written.append(Path(html))
        if writer is not None and tmp_xlsx is not None:
            writer.save()
            os.replace(tmp_xlsx, Path(str(xlsx)))
            tmp_xlsx = None
            out.written.append(Path(str(xlsx)))
    finally:
        if tmp_xlsx is not None:
            Path(tmp_xlsx).unlink(missing_ok=True)
    return out
