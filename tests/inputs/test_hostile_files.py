"""Hostile shipment files made on the fly (sixth audit): every data row comes out exactly once,
in order, with a verdict; an ERROR row names its row; a file refused as a whole says why."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from compliance.exc import InputFileError
from compliance.io import open_input
from compliance.models import ScreeningResult
from compliance.screener import Screener
from tests.csvfiles import screen_file

H = ["shipment_id", "hs_code", "destination_country", "description"]


def _rows(n: int, desc: Callable[[int], str] = lambda i: f"goods {i}") -> list[list[str]]:
    return [[f"S{i}", "847130", "DE", desc(i)] for i in range(1, n + 1)]


def _csv(header: list[str], rows: list[list[str]], delim: str = ",", nl: str = "\n", enc: str = "utf-8") -> bytes:
    s = io.StringIO()
    csv.writer(s, delimiter=delim, lineterminator=nl).writerows([header, *rows])
    return s.getvalue().encode(enc)


def _ids(n: int) -> list[str]:
    return [f"S{i}" for i in range(1, n + 1)]


@pytest.fixture(scope="module")
def screener() -> Screener:
    return Screener.load(include_imported=False)


def _screen(screener: Screener, path: Path) -> tuple[list[ScreeningResult], list[str]]:
    return screen_file(screener, path)


def _check(results: list[ScreeningResult], ids: list[str | None]) -> None:
    assert [r.shipment_id or None for r in results] == ids
    assert [r.row_number for r in results] == list(range(1, len(ids) + 1))
    for r in results:
        assert r.verdict.value != "ERROR" or f"row {r.row_number}" in (r.error or ""), r.error


# Each case: the file's bytes and the shipment ids of its rows, in order (None: no id read).
CASES: dict[str, tuple[bytes, list[str | None]]] = {
    # Descriptions with line breaks and commas on every line, as Excel or csv.writer quote them:
    # not an unclosed quote (the lines are not rows), so no row is split off.
    "multiline_commas.csv": (_csv(H, _rows(40, lambda i: f"Steel bolts, M8, zinc plated\nPacked in boxes, 100 pcs, "
                                                         f"pallet {i}\r\nNote: a;b|c, d, e")), _ids(40)),
    "multiline_commas_wide.csv": (_csv([*H, "consignee_name", "value", "currency", "date"],
                                       [[*r, "Acme, Ltd.", "100", "EUR", "2024-01-05"] for r in
                                        _rows(20, lambda i: "One, two, three\nx, y, z, w, v, u, t, s")]),
                                  _ids(20)),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_file(screener: Screener, tmp_path: Path, name: str) -> None:
    data, ids = CASES[name]
    path = tmp_path / name
    path.write_bytes(data)
    results, _ = _screen(screener, path)
    _check(results, ids)


_JOINED = _csv(H, _rows(2)) + b"\xef\xbb\xbf" + _csv([h.upper() for h in H], [["S3", "847130", "DE", "x"]])
MORE: dict[str, tuple[bytes, list[str | None], str | None]] = {
    # Two exports joined with cat: the second header (with its BOM) is not a shipment.
    "header_repeated.csv": (_JOINED, ["S1", "S2", "S3"], "line 4 repeats the header"),
    "header_repeated_semicolon.csv": (_csv(H, _rows(1), ";") + b"shipment_id;hs_code;destination_country;description;\n"
                                      + b"S2;847130;DE;y\n", ["S1", "S2"], "line 3 repeats the header"),
    # A BOM before a data row (files joined) is not part of its shipment_id.
    "bom_before_row.csv": (_csv(H, _rows(1)) + b"\xef\xbb\xbfS2,847130,DE,x\n", ["S1", "S2"], None),
    # JSON has no comments: '#' and '//' lines are skipped and said; blank lines skipped.
    "comments.jsonl": (b'# exported 2024-03-01\n{"shipment_id":"S1","hs_code":"847130","destination_country":"DE"}\n\n'
                       b'  // next\n{"shipment_id":"S2","hs_code":"847130","destination_country":"DE"}\n',
                       ["S1", "S2"], "line 4 is a comment"),
    # A cell over the 16 MB limit: that row is an ERROR saying so, the next row is read.
    "cell_over_limit.csv": (b"shipment_id,hs_code,destination_country\nS1,847130,DE" + b"x" * (17 << 20)
                            + b"\nS2,847130,DE\n", [None, "S2"], None),
}


@pytest.mark.parametrize("name", sorted(MORE))
def test_hostile_file_with_warning(screener: Screener, tmp_path: Path, name: str) -> None:
    data, ids, warning = MORE[name]
    path = tmp_path / name
    path.write_bytes(data)
    results, warnings = _screen(screener, path)
    _check(results, ids)
    if warning:
        assert any(warning in w for w in warnings), warnings
    if name == "cell_over_limit.csv":
        assert "longer than the 16 MB" in (results[0].error or "")


def test_pipe_and_fifo_are_read_as_streams(screener: Screener, tmp_path: Path) -> None:
    """``compliance screen <(zcat x.csv.gz)`` and a FIFO: not 'file not found'; a workbook too."""
    import os
    import threading

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["shipment_id", "hs_code", "destination_country"])
    ws.append(["X1", 402, "DE"])
    book = io.BytesIO()
    wb.save(book)
    for data, ids in ((_csv(H, _rows(3)), _ids(3)), (book.getvalue(), ["X1"])):
        fifo = tmp_path / f"fifo{len(ids)}"
        os.mkfifo(fifo)
        writer = threading.Thread(target=fifo.write_bytes, args=(data,))
        writer.start()
        results, _ = _screen(screener, fifo)
        writer.join()
        _check(results, list(ids))


def test_links_and_directories_get_clear_messages(tmp_path: Path) -> None:
    (tmp_path / "loop1").symlink_to(tmp_path / "loop2")
    (tmp_path / "loop2").symlink_to(tmp_path / "loop1")
    (tmp_path / "dangling").symlink_to(tmp_path / "gone.csv")
    for name, words in (("loop1", "loop of symbolic links"), ("dangling", "symbolic link to a file that does not exist"),
                        ("missing.csv", "file not found"), (".", "is a directory")):
        with pytest.raises(InputFileError, match=words):
            open_input(tmp_path / name)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_formula_in_a_header_is_neutralised(screener: Screener, tmp_path: Path, fmt: str) -> None:
    """Input column names are echoed as output headers: '=HYPERLINK(...)' was a live formula."""
    from openpyxl import load_workbook

    from compliance.io import ResultWriter

    src = tmp_path / "in.csv"
    src.write_bytes(b'shipment_id,hs_code,destination_country,"=HYPERLINK(""http://x"")",@cmd\n1,847130,DE,a,b\n')
    results, _ = _screen(screener, src)
    out = tmp_path / f"out.{fmt}"
    w = ResultWriter(out, fmt, list(results[0].input))
    w.write(results)
    w.close()
    if fmt == "csv":
        header = next(csv.reader(out.open(encoding="utf-8")))
    else:
        wb = load_workbook(out)
        assert not [c for ws in wb.worksheets for r in ws.iter_rows() for c in r if c.data_type == "f"]
        header = [str(c.value) for c in next(wb["CLEAR"].iter_rows())]
    assert "'=HYPERLINK(\"http://x\")" in header and "'@cmd" in header


@pytest.mark.parametrize(("text", "code"), [
    ("402.0", "0402"), ("0402.0", "0402"), ("8471.0", "8471"), ("8471.3", "847130"), ("310420.0", "310420"),
    ("84713000.0", "84713000"), (" 854231.0 ", "854231"),
])
def test_hs_code_written_out_as_a_float(screener: Screener, tmp_path: Path, text: str, code: str) -> None:
    """'402.0' (pandas or a spreadsheet writing 0402 as a float) was read as 4020, another chapter."""
    path = tmp_path / "floats.csv"
    path.write_text(f"shipment_id,hs_code,destination_country\n1,{text},DE\n", encoding="utf-8")
    with open_input(path) as table:
        (raw,) = [r for chunk in table.chunks() for r in chunk]
    assert raw.data["hs_code"] == code
    assert any(f"read as {code}" in w for w in raw.warnings)
    assert raw.original["hs_code"] == text  # echoed as the customer wrote it


@pytest.mark.parametrize("text", ["8542.31", "3104.20.50", "0409.00", "8471 30", "84.71"])
def test_hs_notation_is_not_taken_for_a_float(tmp_path: Path, text: str) -> None:
    path = tmp_path / "codes.csv"
    path.write_text(f"shipment_id,hs_code,destination_country\n1,{text},DE\n", encoding="utf-8")
    with open_input(path) as table:
        (raw,) = [r for chunk in table.chunks() for r in chunk]
    assert raw.data["hs_code"] == text and not raw.warnings


_S = '{{"shipment_id": "{}", "hs_code": "847130", "destination_country": "DE"}}'
JSON_SHAPES: dict[str, tuple[str, list[str | None], str | None]] = {
    # JSON lines saved as .json: read line by line (a broken line is one ERROR row, the rest read).
    "lines.json": (f"{_S.format('S1')}\n{{broken\n{_S.format('S3')}\n", ["S1", None, "S3"], "read as JSON lines"),
    # One pretty-printed array saved as .jsonl.
    "array.jsonl": (f"[\n  {_S.format('S1')},\n  {_S.format('S2')}\n]\n", ["S1", "S2"], "holds one JSON array"),
    # Objects pretty-printed over several lines, one after another.
    "pretty.jsonl": (json.dumps(json.loads(_S.format("S1")), indent=2) + "\n" + json.dumps(json.loads(_S.format("S2")),
                                                                                         indent=2), ["S1", "S2"],
                     "span several lines"),
    # One shipment object, not in an array; an array under another key than 'shipments'.
    "single.json": (_S.format("S1"), ["S1"], None),
    "wrapped.json": (f'{{"exported": "2024-03-01", "data": [{_S.format("S1")}, {_S.format("S2")}]}}', ["S1", "S2"],
                     "array under 'data'"),
}


@pytest.mark.parametrize("name", sorted(JSON_SHAPES))
def test_json_shapes(screener: Screener, tmp_path: Path, name: str) -> None:
    text, ids, warning = JSON_SHAPES[name]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    results, warnings = _screen(screener, path)
    _check(results, ids)
    if warning:
        assert any(warning in w for w in warnings), warnings


def test_json_object_that_is_no_shipment_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "config.json"
    path.write_text('{"a": 1, "b": [1, 2]}', encoding="utf-8")
    with pytest.raises(InputFileError, match="array of shipment objects"):
        open_input(path)


def test_parquet_float_hs_codes_get_their_zeros_back(screener: Screener, tmp_path: Path) -> None:
    """pandas turns an integer column with a gap into floats: 402.0 was read as '402' (an ERROR)."""
    import pandas as pd

    path = tmp_path / "gap.parquet"
    pd.DataFrame({"shipment_id": ["P1", "P2", "P3"], "hs_code": [402, None, 847130],
                  "destination_country": ["DE", "DE", "BY"]}).to_parquet(path)
    results, warnings = _screen(screener, path)
    _check(results, ["P1", "P2", "P3"])
    assert [r.verdict.value for r in results] == ["CLEAR", "ERROR", "BLOCK"]
    assert any("read as 0402" in w for w in warnings)


def test_xlsx_date_cells_that_lost_their_format(screener: Screener, tmp_path: Path) -> None:
    """A date column whose cells are plain numbers holds Excel day numbers: read as dates, said."""
    import datetime as dt

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["shipment_id", "hs_code", "destination_country", "date"])
    for sid, day in (("X1", dt.datetime(2024, 3, 1)), ("X2", 45352), ("X3", 45352.75), ("X4", 20240301), ("X5", True)):
        ws.append([sid, "940360", "DE", day])
    path = tmp_path / "dates.xlsx"
    wb.save(path)
    with open_input(path) as table:
        raws = [r for chunk in table.chunks() for r in chunk]
    assert [r.data["date"] for r in raws[:3]] == ["2024-03-01"] * 3
    assert raws[3].data["date"] == 20240301 and raws[4].data["date"] is True  # not day numbers: the model decides
    assert any("day number, read as 2024-03-01" in w for w in raws[1].warnings)
    results, _ = _screen(screener, path)
    assert [r.verdict.value for r in results] == ["CLEAR", "CLEAR", "CLEAR", "CLEAR", "ERROR"]  # 20240301: YYYYMMDD
    assert "row 5" in (results[4].error or "") and "date" in (results[4].error or "")


def test_other_spreadsheet_files_are_named(tmp_path: Path) -> None:
    """An .ods, an HTML table called .xls, a password-protected workbook: each refused saying what it is."""
    import zipfile

    ods = tmp_path / "shipments.ods"
    with zipfile.ZipFile(ods, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", "<office:document-content/>")
        z.writestr("META-INF/manifest.xml", "<manifest/>")
    bare = tmp_path / "renamed.xlsx"  # no mimetype entry first, as some writers make them
    with zipfile.ZipFile(bare, "w") as z:
        z.writestr("content.xml", "<office:document-content/>")
        z.writestr("META-INF/manifest.xml", "<manifest/>")
    html = tmp_path / "export.xls"
    html.write_bytes(b"\xef\xbb\xbf<!DOCTYPE html><html><table><tr><td>shipment_id</td></tr></table></html>")
    locked = tmp_path / "locked.xlsx"
    locked.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "EncryptedPackage".encode("utf-16-le"))
    for path, words in ((ods, "OpenDocument spreadsheet"), (bare, "OpenDocument spreadsheet"),
                        (html, "an HTML page"), (locked, "password-protected")):
        with pytest.raises(InputFileError, match=words):
            open_input(path)


@pytest.mark.parametrize(("header", "row"), [
    ("Sendungsnr;Zolltarifnummer;Bestimmungsland;Warenbeschreibung;Empfänger;Wert;Währung",
     "S1;8471.30.00;Weißrussland;Gerät;OAO Test;1.234,50;EUR"),
    ("Nr przesyłki;Kod CN;Kraj przeznaczenia;Opis towaru;Odbiorca", "S1;8471 30 00;Białoruś;Komputery;OAO Test"),
    ("Siuntos Nr;KN kodas;Paskirties šalis;Aprašymas", "S1;847130;Baltarusija;Kompiuteriai"),
])
def test_german_polish_lithuanian_headers(screener: Screener, tmp_path: Path, header: str, row: str) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(f"Export 01.03.2024\r\n\r\n{header}\r\n{row}\r\n".encode())
    results, warnings = _screen(screener, path)
    _check(results, ["S1"])
    assert results[0].verdict.value == "BLOCK", results[0]
    assert any("above the header skipped" in w for w in warnings)


def test_float_text_hs_code_through_the_python_api(screener: Screener) -> None:
    """One shipment screened directly (Python API, HTTP /v1/screen) reads '8471.0' as files do."""
    result = screener.screen({"shipment_id": "1", "hs_code": "8471.0", "destination_country": "BY"})
    assert result.verdict.value == "BLOCK"
    assert screener.screen({"shipment_id": "2", "hs_code": "402.0", "destination_country": "DE"}).verdict.value == "CLEAR"


def test_xlsx_formulas_without_saved_results_are_said(screener: Screener, tmp_path: Path) -> None:
    """openpyxl and other writers save formulas without their results: the cells read as empty, and
    the file's warnings say why a row's hs_code is 'missing'."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["shipment_id", "hs_code", "destination_country"])
    ws.append(["S1", "847130", "DE"])
    ws.append(["S2", '="0402"', "DE"])
    path = tmp_path / "formulas.xlsx"
    wb.save(path)
    results, warnings = _screen(screener, path)
    _check(results, ["S1", "S2"])
    assert results[1].verdict.value == "ERROR" and "hs_code" in (results[1].error or "")
    assert any("formulas without a saved result (B3)" in w for w in warnings), warnings
