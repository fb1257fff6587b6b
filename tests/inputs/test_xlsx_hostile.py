"""Workbooks that lie about themselves: a wrong <dimension>, merged cells, hidden sheets, a zip bomb."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

import compliance.io.readers as readers
from compliance.exc import InputFileError
from compliance.io import open_input

openpyxl = pytest.importorskip("openpyxl")
H = ["shipment_id", "hs_code", "destination_country", "consignee_name"]


def _book(path: Path, rows: list[list[object]], *, hidden: bool = False, merge: str | None = None) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    for r in [H, *rows]:
        ws.append(r)
    if merge:
        ws.merge_cells(merge)
    if hidden:
        h = wb.create_sheet("Old")
        h.sheet_state = "hidden"
        h.append(H[:3])
        h.append(["H1", "847130", "BY"])
    wb.save(path)
    return path


def _rewrite(src: Path, dst: Path, member: str, change: object) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            zout.writestr(item, change(data) if item.filename == member else data)  # type: ignore[operator]
    return dst


def test_wrong_dimension_loses_no_rows_or_columns(tmp_path: Path) -> None:
    # A writer that never updates <dimension>: read-only openpyxl stopped at A1:C3 (2 of 20 rows,
    # and without the consignee column).
    good = _book(tmp_path / "g.xlsx", [[f"S{i}", "847130", "DE", f"Party {i}"] for i in range(1, 21)])
    bad = _rewrite(good, tmp_path / "b.xlsx", "xl/worksheets/sheet1.xml",
                   lambda d: re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:C3"/>', d))
    with open_input(bad) as t:
        rows = list(t.rows())
    assert [r.data["shipment_id"] for r in rows] == [f"S{i}" for i in range(1, 21)]
    assert rows[-1].data["consignee_name"] == "Party 20"


def test_merged_cells_give_their_value_to_every_row(tmp_path: Path) -> None:
    path = _book(tmp_path / "m.xlsx", [["M1", "847130", "BY", "A"], ["M2", "847130", None, "B"],
                                       ["M3", "847130", None, "C"], ["M4", "847130", "DE", "D"]], merge="C2:C4")
    with open_input(path) as t:
        rows = list(t.rows())
        warnings = t.warnings
    assert [r.data["destination_country"] for r in rows] == ["BY", "BY", "BY", "DE"]
    assert any("merged cells (C2:C4)" in w for w in warnings)


def test_hidden_sheet_is_read_and_said(tmp_path: Path) -> None:
    path = _book(tmp_path / "h.xlsx", [["S1", "847130", "DE", "A"]], hidden=True)
    with open_input(path) as t:
        rows = list(t.rows())
        warnings = t.warnings
    assert [r.data["shipment_id"] for r in rows] == ["S1", "H1"]
    assert any("'Old' is hidden" in w for w in warnings)


def test_zip_bomb_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(readers, "MIN_XLSX_BOMB", 1 << 20)
    good = _book(tmp_path / "g.xlsx", [["S1", "847130", "DE", "A"]])
    # 8 MB of padding inside the sheet packs to a few KB: over 400 times its size.
    bomb = _rewrite(good, tmp_path / "bomb.xlsx", "xl/worksheets/sheet1.xml",
                    lambda d: d.replace(b"<sheetData>", b"<sheetData>" + b" " * (8 << 20)))
    with pytest.raises(InputFileError, match="zip bomb"):
        open_input(bomb)


def test_oversized_workbook_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(readers, "MAX_XLSX_UNPACKED", 1000)
    path = _book(tmp_path / "g.xlsx", [["S1", "847130", "DE", "A"]])
    with pytest.raises(InputFileError, match="unpacks to"):
        open_input(path)
