"""The Excel workbook of a result set: Results, Summary, then one sheet per verdict.

Layout (what a compliance officer opens, and what a program reads):

- ``Results`` (the first sheet, so ``pandas.read_excel`` and other readers get it by default):
  every row in input order with the CSV output's columns, ``findings`` as JSON. Continues on
  ``Results (2)`` past Excel's row limit.
- ``Summary``: rows per verdict, the rules that fired most, and the provenance of the run
  (tool, rules bundle, sanctions lists with their versions).
- ``BLOCK``, ``REVIEW``, ``ERROR``, ``CLEAR``: every result row is on exactly one of them, in
  input order, with the contract's output columns (input columns, then ``row_number`` ...
  ``error``). Header frozen, auto-filter on, widths from the first rows, rows coloured by
  verdict. ``findings`` is readable, one line per finding (severity, rule id, message, legal
  basis); the full findings as JSON are in the last, hidden column ``findings_json`` so the
  workbook can be read back (``compliance report results.xlsx``). Past Excel's row limit a
  verdict continues on ``CLEAR (2)`` and so on: no row is dropped.

The workbook opens on Summary (the active sheet), as before Results was added.

Streams in openpyxl's write-only mode: memory stays flat whatever the batch size. Text that a
spreadsheet would run as a formula is neutralised, characters XML cannot hold are replaced, and
cells are cut at Excel's 32,767-character limit with a note.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from compliance.report.records import FINDINGS_JSON, RESULT_COLUMNS, VERDICTS
from compliance.report.stats import VERDICT_ORDER, Tally

RESULTS_SHEET = "Results"
# Excel's limits: 1,048,576 rows per sheet (one is the header) and 32,767 characters per cell.
MAX_DATA_ROWS = 1_048_575
MAX_CELL_CHARS = 32_767
_CUT_NOTE = " …[cut at Excel's cell limit]"
# Rows looked at before fixing column widths (write-only sheets need widths before any row).
WIDTH_SAMPLE_ROWS = 200

# Row fills: Excel's own "bad / neutral / good" palette, so the colours read as expected.
ROW_FILL = {"BLOCK": "FFC7CE", "REVIEW": "FFEB9C", "ERROR": "E4DFEC", "CLEAR": "C6EFCE"}
TAB_COLOUR = {"BLOCK": "C00000", "REVIEW": "BF8F00", "ERROR": "7030A0", "CLEAR": "548235"}
_HEADER_FILL = "1F3864"
# Fixed widths for columns whose content the sample rows would mislead on.
_WIDTHS = {"findings": 90, "reasons": 70, "description": 45, "error": 60, "rule_ids": 30, FINDINGS_JSON: 12,
           "row_number": 8, "verdict": 10, "risk_score": 8, "top_party_score": 9}


def cell_value(value: Any) -> Any:
    """A value Excel can hold safely: no formula, no XML-illegal character, within the cell limit."""
    from compliance.io.writers import neutralise

    if value is None or value == "":
        return None
    if isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, list | dict):
        value = json.dumps(value, ensure_ascii=False, default=str)
    elif not isinstance(value, str):
        if hasattr(value, "isoformat"):  # dates and datetimes from xlsx input stay dates
            return value
        value = str(value)
    if ILLEGAL_CHARACTERS_RE.search(value):
        value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
    value = neutralise(value)
    if len(value) > MAX_CELL_CHARS:
        value = value[: MAX_CELL_CHARS - len(_CUT_NOTE)] + _CUT_NOTE
    return value


def finding_line(f: Mapping[str, Any]) -> str:
    """One finding as one line: ``BLOCK BY-SECT-POTASH — message — legal basis``."""
    head = f"{str(f.get('severity') or '').upper()} {f.get('rule_id') or '?'}".strip()
    parts = [head, str(f.get("message") or "")]
    if f.get("legal_basis"):
        parts.append(str(f["legal_basis"]))
    if f.get("matched_name"):
        score = f.get("score")
        where = ", ".join(str(x) for x in (f.get("list_name"), f.get("list_entry_id")) if x)
        parts.append(f"listed: {f['matched_name']}" + (f" ({where})" if where else "")
                     + (f", score {float(score):.2f}" if isinstance(score, int | float) else ""))
    return " — ".join(p.replace("\n", " ") for p in parts if p)


def findings_text(findings: Iterable[Mapping[str, Any]]) -> str:
    return "\n".join(finding_line(f) for f in findings)


def _styles(wb: Workbook) -> None:
    thin = Side(style="thin", color="BFBFBF")
    for verdict, colour in ROW_FILL.items():
        fill = PatternFill("solid", fgColor=colour)
        wb.add_named_style(NamedStyle(name=f"row {verdict}", fill=fill, border=Border(bottom=thin),
                                      alignment=Alignment(vertical="top")))
        wb.add_named_style(NamedStyle(name=f"row {verdict} wrap", fill=fill, border=Border(bottom=thin),
                                      alignment=Alignment(vertical="top", wrap_text=True)))
    wb.add_named_style(NamedStyle(name="header", font=Font(bold=True, color="FFFFFF"),
                                  fill=PatternFill("solid", fgColor=_HEADER_FILL),
                                  alignment=Alignment(vertical="center")))
    wb.add_named_style(NamedStyle(name="title", font=Font(bold=True, size=14)))
    wb.add_named_style(NamedStyle(name="label", font=Font(bold=True)))


class _VerdictSheet:
    """One verdict's sheet (and its continuations past the row limit); with ``styled=False``
    the Results sheet: every row, no row fill and nothing wrapped (the findings are JSON)."""

    def __init__(self, wb: Workbook, verdict: str, columns: list[str], *, styled: bool = True) -> None:
        self.wb = wb
        self.verdict = verdict
        self.columns = columns
        self.styled = styled
        self.part = 1
        self.rows = 0  # data rows on the current part
        self.total = 0
        self.parts: list[WriteOnlyWorksheet] = []
        self.buffer: list[list[Any]] = []
        self.started = False
        self.wrap = {i for i, c in enumerate(columns) if c == "findings"} if styled else set()
        self.ws = self._new_part()
        # Resolve the named styles once and share their style arrays: assigning a style by name
        # on every cell costs more than writing the cell.
        self._style = self._style_array(f"row {verdict}") if styled else None
        self._wrap_style = self._style_array(f"row {verdict} wrap") if styled else None

    def _style_array(self, name: str) -> Any:
        proto = WriteOnlyCell(self.ws)
        proto.style = name
        return proto._style

    def _new_part(self) -> WriteOnlyWorksheet:
        title = self.verdict if self.part == 1 else f"{self.verdict} ({self.part})"
        ws: WriteOnlyWorksheet = self.wb.create_sheet(title)
        ws.sheet_properties.tabColor = TAB_COLOUR.get(self.verdict, "808080")
        self.parts.append(ws)
        return ws

    def _start(self) -> None:
        """Fix widths from the sampled rows, then write the header and the sample."""
        ws = self.ws
        for i, col in enumerate(self.columns):
            letter = get_column_letter(i + 1)
            width = _WIDTHS.get(col)
            if width is None:
                longest = max((len(str(r[i])) for r in self.buffer if r[i] is not None), default=0)
                width = min(50, max(len(col) + 2, longest + 2, 8))
            ws.column_dimensions[letter].width = width
            if col == FINDINGS_JSON or (col == "findings" and not self.styled):
                ws.column_dimensions[letter].hidden = col == FINDINGS_JSON
                if col == "findings":  # JSON for programs: narrow, it is not read in the sheet
                    ws.column_dimensions[letter].width = 30
        first = self.columns[0] if self.columns else ""
        ws.freeze_panes = "B2" if first == "shipment_id" else "A2"
        header = []
        for col in self.columns:
            c = WriteOnlyCell(ws, value=cell_value(col))  # a column named "=..." is a cell too
            c.style = "header"
            header.append(c)
        ws.append(header)
        self.started = True
        rows, self.buffer = self.buffer, []
        for values in rows:
            self._write(values)

    def _write(self, values: list[Any]) -> None:
        if self.rows >= MAX_DATA_ROWS:
            self._finish_part()
            self.part += 1
            self.rows = 0
            self.ws = self._new_part()
            self.started = False
            self.buffer = [values]
            self._start()
            return
        ws = self.ws
        cells = []
        style, wrap_style, wrap = self._style, self._wrap_style, self.wrap
        if style is None:  # Results: plain values (write-only sheets take them as they are)
            ws.append(values)
            self.rows += 1
            return
        for i, v in enumerate(values):
            c = WriteOnlyCell(ws, value=v)
            c._style = wrap_style if i in wrap else style
            cells.append(c)
        ws.append(cells)
        self.rows += 1

    def append(self, values: list[Any]) -> None:
        self.total += 1
        if not self.started:
            self.buffer.append(values)
            if len(self.buffer) >= WIDTH_SAMPLE_ROWS:
                self._start()
            return
        self._write(values)

    def _finish_part(self) -> None:
        if self.columns:
            self.ws.auto_filter.ref = f"A1:{get_column_letter(len(self.columns))}{self.rows + 1}"

    def close(self) -> None:
        if not self.started:
            self._start()
        self._finish_part()


class XlsxResultWriter:
    """Streams result records (``io.result_record`` or ``records``) into the workbook at ``path``.

    ``columns`` are the output columns in contract order; ``meta`` is the run's provenance.
    """

    def __init__(self, path: str | Path, columns: list[str], meta: Mapping[str, Any] | None = None) -> None:
        self.path = Path(path)
        self.columns = [c for c in columns if c != FINDINGS_JSON] + [FINDINGS_JSON]
        self.meta = dict(meta) if meta else None
        self.tally = Tally(keep_flagged=0)
        self.wb = Workbook(write_only=True)
        _styles(self.wb)
        # Results first: readers take the first sheet (pandas.read_excel, pyarrow, Power Query).
        self._results = _VerdictSheet(self.wb, RESULTS_SHEET, [c for c in columns if c != FINDINGS_JSON],
                                      styled=False)
        self._summary: WriteOnlyWorksheet = self.wb.create_sheet("Summary")
        self._summary.sheet_properties.tabColor = _HEADER_FILL
        self._sheets = {v: _VerdictSheet(self.wb, v, self.columns) for v in VERDICT_ORDER}

    def append(self, rec: Mapping[str, Any]) -> None:
        self.tally.add(rec)
        verdict = str(rec.get("verdict") or "ERROR")
        findings = rec.get("findings") or []
        values: list[Any] = []
        row: list[Any] = []  # the Results sheet's: the same cells, findings as JSON
        for col in self.columns:
            if col == "findings":
                v: Any = findings_text(findings) if isinstance(findings, list) else findings
                # As the CSV output writes it: "[]" for none, so every row's cell parses as JSON.
                row.append(cell_value(json.dumps(findings, ensure_ascii=False, default=str)
                                      if isinstance(findings, list) else findings))
            elif col == FINDINGS_JSON:
                v = json.dumps(findings, ensure_ascii=False, default=str) if findings else None
            else:
                v = rec.get(col)
                if v == "" and col in RESULT_COLUMNS:
                    v = None
            value = cell_value(v)
            values.append(value)
            if col != "findings" and col != FINDINGS_JSON:
                row.append(value)
        self._results.append(row)
        # A verdict the contract does not know (a hand-edited file) is shown with the errors.
        self._sheets[verdict if verdict in VERDICTS else "ERROR"].append(values)

    def write(self, records: Iterable[Mapping[str, Any]]) -> None:
        for rec in records:
            self.append(rec)

    def save(self, path: str | Path | None = None) -> None:
        """Finish every sheet, fill the Summary and write the workbook (to ``path`` or the target)."""
        self._results.close()
        for sheet in self._sheets.values():
            sheet.close()
        # Opens on Summary, as it did (its tab selected too, as Excel marks the sheet it opens on).
        self._summary.sheet_view.tabSelected = True
        self._write_summary()
        self.wb.active = self.wb.worksheets.index(self._summary)
        self.wb.save(str(path or self.path))

    def discard(self) -> None:
        """Drop the workbook without saving: remove the sheets' temporary files now (a long-running
        service must not keep them until exit)."""
        for ws in self.wb.worksheets:
            writer = getattr(ws, "_writer", None)
            if writer is None:
                continue
            try:
                if getattr(ws, "_rows", None) is not None:
                    ws._rows.close()
                writer.xf.close()
                if writer.out:
                    Path(writer.out).unlink(missing_ok=True)
            except Exception:  # noqa: BLE001 - best effort while already failing
                continue

    # Summary -----------------------------------------------------------------------------
    def _row(self, *values: Any, style: str | None = None, styles: Mapping[int, str] | None = None) -> None:
        cells = []
        for i, v in enumerate(values):
            c = WriteOnlyCell(self._summary, value=cell_value(v))
            s = (styles or {}).get(i) or style
            if s:
                c.style = s
            cells.append(c)
        self._summary.append(cells)

    def _write_summary(self) -> None:
        ws = self._summary
        for letter, width in zip("ABCDEFG", (30, 14, 16, 12, 10, 90, 20), strict=True):
            ws.column_dimensions[letter].width = width
        t = self.tally
        self._row("Compliance screening results", style="title")
        self._row()
        self._row("verdict", "rows", "sheet", style="header")
        for v in VERDICT_ORDER:
            sheet = self._sheets[v]
            names = ", ".join(ws_.title for ws_ in sheet.parts)
            self._row(v, t.verdicts.get(v, 0), names, styles={0: f"row {v}", 1: f"row {v}", 2: f"row {v}"})
        for v, n in sorted(t.other_verdicts.items()):
            self._row(f"{v} (not a contract verdict)", n, "ERROR", styles={0: "row ERROR"})
        self._row("all rows", t.rows, style="label")
        results = ", ".join(ws_.title for ws_ in self._results.parts)
        self._row("Each result row is on exactly one verdict sheet; row_number gives its place in the input. "
                  "The findings column lists one finding per line: severity, rule, reason, legal basis.")
        self._row(f"{results}: every row in input order, the columns of the CSV output, findings as JSON "
                  "(for programs and imports).")
        self._row()
        self._row("Rules that fired (rows per rule)", style="label")
        self._row("rule_id", "rows", "family", "severity", "regime", "legal basis", style="header")
        for r in t.top_rules(50):
            self._row(r.rule_id, r.rows, r.family, r.severity, r.regime, r.legal_basis)
        if not t.rules:
            self._row("(no rule fired)")
        self._row()
        self._provenance()

    def _provenance(self) -> None:
        from compliance.report.provenance import describe

        prov = describe(self.meta)
        self._row("Provenance", style="label")
        if not prov.known:
            self._row("not recorded: the results came without their provenance (meta.json)")
            return
        for key, value in prov.facts:
            self._row(key, value, styles={0: "label"})
        if prov.lists:
            self._row()
            self._row("sanctions list", "format", "version", "date", "entries", "sha256", style="header")
            for lst in prov.lists:
                self._row(lst.get("name"), lst.get("format"), lst.get("version"), lst.get("date"),
                          lst.get("entries"), lst.get("sha256"))
