"""The xlsx workbook (``screen --format xlsx`` and ``report --xlsx``), read back with openpyxl sheet by sheet."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from compliance.io import OUTPUT_COLUMNS
from compliance.report import build_report, open_results
from compliance.report import xlsx as xlsx_mod
from compliance.report.records import FINDINGS_JSON
from tests.report.conftest import Screened

SHEETS = ["Results", "Summary", "BLOCK", "REVIEW", "ERROR", "CLEAR"]
VERDICT_SHEETS = SHEETS[2:]


def _rows(ws: Any) -> tuple[list[str], list[dict[str, Any]]]:
    values = [[c.value for c in r] for r in ws.iter_rows()]
    header = [str(h) for h in values[0]]
    return header, [dict(zip(header, v, strict=True)) for v in values[1:]]


def test_one_sheet_per_verdict_plus_summary(sample: Screened, tmp_path: Path) -> None:
    out = sample.write(tmp_path / "r.xlsx")
    wb = load_workbook(out)
    assert wb.sheetnames == SHEETS
    assert wb.active.title == "Summary"
    counts = sample.counts()
    assert all(counts.get(v) for v in ("BLOCK", "REVIEW", "ERROR", "CLEAR")), "the sample must have every verdict"
    expected_header = [*sample.columns, *[c for c in OUTPUT_COLUMNS if c not in sample.columns], FINDINGS_JSON]
    seen: list[int] = []
    for verdict in VERDICT_SHEETS:
        ws = wb[verdict]
        header, rows = _rows(ws)
        assert header == expected_header  # the contract's output columns, in contract order
        assert len(rows) == counts[verdict]
        assert {r["verdict"] for r in rows} == {verdict}
        numbers = [r["row_number"] for r in rows]
        assert numbers == sorted(numbers)  # input order within a sheet
        seen += numbers
        # Frozen header (and the id column), filters over every row, widths, hidden JSON column.
        assert ws.freeze_panes == "B2"
        assert ws.auto_filter.ref == f"A1:{ws.cell(1, len(header)).column_letter}{len(rows) + 1}"
        assert ws.column_dimensions["A"].width and ws.column_dimensions["A"].width >= len("shipment_id")
        findings_col = ws.cell(1, header.index("findings") + 1).column_letter
        json_col = ws.cell(1, header.index(FINDINGS_JSON) + 1).column_letter
        assert ws.column_dimensions[findings_col].width >= 60
        assert ws.column_dimensions[json_col].hidden
        assert ws.sheet_properties.tabColor.rgb.endswith(xlsx_mod.TAB_COLOUR[verdict])
        # Rows coloured by verdict; header styled.
        assert ws.cell(1, 1).font.bold
        for row in range(2, len(rows) + 2):
            assert ws.cell(row, 1).fill.fgColor.rgb.endswith(xlsx_mod.ROW_FILL[verdict])
            assert ws.cell(row, len(header)).fill.fgColor.rgb.endswith(xlsx_mod.ROW_FILL[verdict])
    assert sorted(seen) == list(range(1, len(sample.results) + 1))  # every row exactly once


def test_findings_are_readable_lines(sample: Screened, tmp_path: Path) -> None:
    wb = load_workbook(sample.write(tmp_path / "r.xlsx"))
    _, rows = _rows(wb["BLOCK"])
    by_row = {r.row_number: r for r in sample.results}
    for row in rows:
        result = by_row[row["row_number"]]
        lines = row["findings"].split("\n")
        assert len(lines) == len(result.findings)
        assert not row["findings"].lstrip().startswith(("[", "{"))
        for line, f in zip(lines, result.findings, strict=True):
            assert line.startswith(f"{f.severity.value.upper()} {f.rule_id} — {f.message}")
            assert f.legal_basis in line
        assert json.loads(row[FINDINGS_JSON]) == [f.model_dump(mode="json", exclude_none=True)
                                                  for f in result.findings]
        assert row["reasons"] == ";".join(result.reasons)
    party = [r for r in rows if "BY-PARTY-LISTED" in (r["rule_ids"] or "")]
    assert party and "listed: " in party[0]["findings"] and "score" in party[0]["findings"]


def test_summary_sheet_counts_rules_and_provenance(sample: Screened, tmp_path: Path) -> None:
    ws = load_workbook(sample.write(tmp_path / "r.xlsx"))["Summary"]
    values = [[c.value for c in r] for r in ws.iter_rows()]
    first = {row[0]: row[1:] for row in values if row[0] is not None}
    counts = sample.counts()
    for verdict in ("BLOCK", "REVIEW", "ERROR", "CLEAR"):
        assert first[verdict][0] == counts[verdict]
        assert first[verdict][1] == verdict  # which sheet holds them
    assert first["all rows"][0] == len(sample.results)
    rules_at = [r[0] for r in values].index("rule_id")
    top = values[rules_at + 1]
    rows_per_rule: dict[str, int] = {}
    for r in sample.results:
        for rule_id in set(r.rule_ids):
            rows_per_rule[rule_id] = rows_per_rule.get(rule_id, 0) + 1
    assert top[1] == max(rows_per_rule.values()) and rows_per_rule[top[0]] == top[1]
    assert top[5]  # legal basis
    bundle = sample.meta["rules"]
    assert any(str(v).startswith(f"{bundle['name']} {bundle['version']}") for v in first["rules bundle"] if v)
    lists_at = [r[0] for r in values].index("sanctions list")
    assert values[lists_at + 1][0] == sample.meta["lists"][0]["name"]
    assert values[lists_at + 1][4] == sample.meta["lists"][0]["entries"]


def test_summary_without_provenance_says_so(sample: Screened, tmp_path: Path) -> None:
    ws = load_workbook(sample.write(tmp_path / "r.xlsx", meta=False))["Summary"]
    text = " ".join(str(c.value) for r in ws.iter_rows() for c in r if c.value)
    assert "not recorded" in text


def test_hostile_values_are_neutralised(hostile: Screened, tmp_path: Path) -> None:
    wb = load_workbook(hostile.write(tmp_path / "h.xlsx"))
    cells = [c.value for ws in wb.worksheets[2:] for r in ws.iter_rows(min_row=2) for c in r]
    texts = [v for v in cells if isinstance(v, str)]
    assert not [v for v in texts if v.startswith(("=", "+", "-", "@"))]
    assert "'=HYPERLINK(\"http://evil.example\",\"x\")" in texts
    assert "'@SUM(A1)" in texts and "'-2+3" in texts
    assert any(v.startswith("'+cmd") and "\ufffd" in v and "\x01" not in v for v in texts)
    huge = [v for v in texts if v.startswith("xxxx")]
    assert huge and len(huge[0]) == xlsx_mod.MAX_CELL_CHARS and huge[0].endswith("limit]")
    assert sum(ws.max_row - 1 for ws in wb.worksheets[2:]) == len(hostile.results)
    results = [c.value for r in wb["Results"].iter_rows(min_row=2) for c in r]
    assert not [v for v in results if isinstance(v, str) and v.startswith(("=", "+", "-", "@"))]
    assert wb["Results"].max_row - 1 == len(hostile.results)


def test_overflow_continues_on_a_new_sheet(sample: Screened, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xlsx_mod, "MAX_DATA_ROWS", 50)
    monkeypatch.setattr(xlsx_mod, "WIDTH_SAMPLE_ROWS", 7)
    out = sample.write(tmp_path / "r.xlsx")
    wb = load_workbook(out)
    clear = sample.counts()["CLEAR"]
    parts = [n for n in wb.sheetnames if n.startswith("CLEAR")]
    assert parts == ["CLEAR"] + [f"CLEAR ({i})" for i in range(2, len(parts) + 1)]
    assert len(parts) == -(-clear // 50)
    assert sum(wb[n].max_row - 1 for n in parts) == clear
    assert all(wb[n].cell(1, 1).value == "shipment_id" for n in parts)
    back = list(open_results(out).records)  # read back across the continuation sheets
    assert sorted(r["row_number"] for r in back) == list(range(1, len(sample.results) + 1))


def test_write_only_streaming(sample: Screened, tmp_path: Path) -> None:
    w = xlsx_mod.XlsxResultWriter(tmp_path / "s.xlsx", sample.columns)
    assert w.wb.write_only  # rows stream to disk: memory stays flat for big batches
    w.write(sample.records())
    w.save()
    assert load_workbook(tmp_path / "s.xlsx")["CLEAR"].max_row == sample.counts()["CLEAR"] + 1


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_report_converts_results_to_the_same_workbook(sample: Screened, tmp_path: Path, fmt: str) -> None:
    results = sample.write(tmp_path / f"r.{fmt}")
    direct = load_workbook(sample.write(tmp_path / "direct.xlsx"))
    build_report(results, xlsx=tmp_path / "converted.xlsx")
    converted = load_workbook(tmp_path / "converted.xlsx")
    assert converted.sheetnames == SHEETS
    for verdict in VERDICT_SHEETS:
        h1, a = _rows(direct[verdict])
        h2, b = _rows(converted[verdict])
        assert h1 == h2
        assert [r["row_number"] for r in a] == [r["row_number"] for r in b]
        assert [r["findings"] for r in a] == [r["findings"] for r in b]
        assert [r["verdict"] for r in a] == [r["verdict"] for r in b]


def test_abort_leaves_no_temporary_files(sample: Screened, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import glob
    import tempfile

    from compliance.io import ResultWriter

    # A temp dir of this test's own: other processes writing workbooks into /tmp meanwhile
    # (the other xdist worker, other jobs on the machine) must not count.
    own_tmp = tmp_path / "tmp"
    own_tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(own_tmp))
    before = set(glob.glob(f"{tempfile.gettempdir()}/openpyxl.*"))
    w = ResultWriter(tmp_path / "r.xlsx", "xlsx", sample.columns, meta=sample.meta)
    w.write(sample.results * 2)  # past the width sample: the sheets have started streaming
    w.abort()
    assert not (tmp_path / "r.xlsx").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".partial")]
    assert set(glob.glob(f"{tempfile.gettempdir()}/openpyxl.*")) - before == set()


def test_results_sheet_first_every_row_in_input_order(sample: Screened, tmp_path: Path) -> None:
    """A program reading the workbook's default (first) sheet gets every result, in input order,
    with the CSV output's columns and findings as JSON; the workbook still opens on Summary."""
    import pandas as pd

    out = sample.write(tmp_path / "r.xlsx")
    csv_out = sample.write(tmp_path / "r.csv")
    frame = pd.read_excel(out)
    assert list(frame.columns) == list(pd.read_csv(csv_out, nrows=0).columns)
    assert frame["row_number"].tolist() == list(range(1, len(sample.results) + 1))
    assert frame["verdict"].tolist() == [r.verdict.value for r in sample.results]
    for cell, r in zip(frame["findings"], sample.results, strict=True):
        assert [f["rule_id"] for f in json.loads(cell)] == [f.rule_id for f in r.findings]
    wb = load_workbook(out)
    assert wb.active.title == "Summary" and wb.worksheets[0].title == "Results"
    assert wb["Results"].freeze_panes == "B2" and wb["Results"].cell(1, 1).font.bold


def test_results_sheet_continues_past_the_row_limit(sample: Screened, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xlsx_mod, "MAX_DATA_ROWS", 60)
    wb = load_workbook(sample.write(tmp_path / "r.xlsx"))
    parts = [n for n in wb.sheetnames if n.startswith("Results")]
    assert parts == ["Results"] + [f"Results ({i})" for i in range(2, len(parts) + 1)]
    numbers = [r[0].value for n in parts for r in wb[n].iter_rows(min_row=2, min_col=_col(wb[n], "row_number"),
                                                                     max_col=_col(wb[n], "row_number"))]
    assert numbers == list(range(1, len(sample.results) + 1))


def _col(ws: Any, name: str) -> int:
    return [c.value for c in ws[1]].index(name) + 1
