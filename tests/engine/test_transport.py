"""How chunks travel to worker processes (``pack_chunk`` / ``unpack_chunk``): the rows rebuilt
in the worker are the rows the parent read — numbers, data, echo, warnings, errors, key order —
whatever the file (contract headers, aliases, repeated ids, changed values, unreadable rows,
cells holding the separator, JSON records, cells that are not text)."""

from __future__ import annotations

import csv
import json
import pickle
from pathlib import Path
from typing import Any

import pytest

from compliance.engine import CELL_SEPARATOR, pack_chunk, unpack_chunk
from compliance.io import RawRow, open_input
from compliance.io.readers import RowLayout

CONTRACT = ["shipment_id", "hs_code", "destination_country", "value", "currency", "exporter_name"]
ALIASES = ["Order No", "HS Code", "Destination", "Amount", "Currency", "Shipper"]
# (id, hs, destination, value, currency, exporter): plain rows, a repeated id (a warning), an
# amount the reader changes (the row leaves the layout), an empty cell, non-ASCII text.
ROWS = [
    ["S-1", "940360", "PL", "100", "EUR", "Acme GmbH"],
    ["S-2", "9403.60.10", "DE", "2487.15", "EUR", "ОАО «Нафтан»"],
    ["S-1", "940360", "LT", "5", "", "Żabka Sp. z o.o."],
    ["S-4", "940360", "PL", "1.234", "EUR", "Acme"],
    ["S-5", "940360", "PL", "100 USD", "", ""],
    ["S-6", "", "", "", "", ""],
]


def _fields(r: RawRow) -> tuple[Any, ...]:
    return (r.row_number, r.data, list(r.data), r.original, list(r.original), r.error, r.warnings, r.layout,
            r.data is r.original)


def _roundtrip(rows: list[RawRow]) -> list[RawRow]:
    return unpack_chunk(pickle.loads(pickle.dumps(pack_chunk(rows), protocol=pickle.HIGHEST_PROTOCOL)))


def _csv(path: Path, header: list[str], rows: list[list[str]], tail: str = "") -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
        fh.write(tail)
    return path


def _read(path: Path) -> list[RawRow]:
    with open_input(path) as table:
        return [raw for chunk in table.chunks(100) for raw in chunk]


@pytest.mark.parametrize("header", [CONTRACT, ALIASES], ids=["contract", "aliases"])
@pytest.mark.parametrize("tail", ["", "a row,that,is,too,short,for,the,header,really\n"], ids=["", "bad-row"])
def test_rows_come_back_as_read(header: list[str], tail: str, tmp_path: Path) -> None:
    rows = _read(_csv(tmp_path / "in.csv", header, ROWS, tail))
    assert any(r.layout is not None for r in rows) and any(r.layout is None for r in rows)
    assert any(r.warnings for r in rows if r.layout is not None)  # the repeated id
    packed = pack_chunk(rows)
    assert packed.layout is not None and len(packed.numbers) + len(packed.others) == len(rows)
    assert [_fields(r) for r in _roundtrip(rows)] == [_fields(r) for r in rows]


def test_contract_headers_share_one_dict_as_the_reader_does(tmp_path: Path) -> None:
    rows = _read(_csv(tmp_path / "in.csv", CONTRACT, ROWS[:3]))
    assert all(r.data is r.original for r in rows)
    assert all(r.data is r.original for r in _roundtrip(rows))
    aliased = _roundtrip(_read(_csv(tmp_path / "al.csv", ALIASES, ROWS[:3])))
    assert all(r.data is not r.original and r.data["shipment_id"] == r.original["Order No"] for r in aliased)


@pytest.mark.parametrize("cell", [f"a{CELL_SEPARATOR}b", CELL_SEPARATOR, f"x{CELL_SEPARATOR}"])
def test_a_cell_holding_the_separator_sends_the_chunk_row_by_row(cell: str, tmp_path: Path) -> None:
    rows = _read(_csv(tmp_path / "in.csv", CONTRACT, [ROWS[0], [*ROWS[1][:5], cell], ROWS[2]]))
    assert rows[1].original["exporter_name"] == cell
    packed = pack_chunk(rows)
    assert packed.layout is None and len(packed.others) == len(rows)
    assert [_fields(r) for r in _roundtrip(rows)] == [_fields(r) for r in rows]


def test_cells_not_text_and_json_records_come_back(tmp_path: Path) -> None:
    layout = RowLayout(("shipment_id", "hs_code", "value"), (("shipment_id", "shipment_id"), ("hs_code", "hs_code"),
                                                             ("value", "value")))
    spreadsheet = [layout.raw(1, ["S-1", "940360", "10"], []), layout.raw(2, ["S-2", 940360, 10.5], ["w"])]
    assert pack_chunk(spreadsheet).layout is None  # a number among the cells: row by row
    assert [_fields(r) for r in _roundtrip(spreadsheet)] == [_fields(r) for r in spreadsheet]
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(json.dumps(dict(zip(CONTRACT, r, strict=True))) for r in ROWS) + "\n{bad\n",
                    encoding="utf-8")
    records = _read(path)
    assert [_fields(r) for r in _roundtrip(records)] == [_fields(r) for r in records]


def test_layout_rows_equal_raw_of_each_row() -> None:
    """``RowLayout.rows`` (one plan per chunk) against ``raw`` per row, for every shape of layout:
    identity, renamed, a column no contract column, one target, none, a repeated column name."""
    layouts = [
        RowLayout(("a", "b", "c"), (("a", "a"), ("b", "b"), ("c", "c"))),
        RowLayout(("A", "B", "C"), (("A", "a"), ("B", "b"), ("C", "c"))),
        RowLayout(("x", "B", "note"), (("B", "b"),)),
        RowLayout(("x", "y", "z"), ()),
        RowLayout(("C", "x", "A"), (("A", "a"), ("C", "c"))),
        RowLayout(("A", "A", "B"), (("A", "a"), ("B", "b"))),
    ]
    cells = [f"v{n}" for n in range(9)]
    for layout in layouts:
        got = layout.rows([4, 5, 9], cells, {1: ["warned"]})
        want = [layout.raw(4, cells[0:3], []), layout.raw(5, cells[3:6], ["warned"]), layout.raw(9, cells[6:9], [])]
        assert [_fields(r) for r in got] == [_fields(r) for r in want]
    with pytest.raises(ValueError):
        layouts[0].rows([1, 2], cells, {})
