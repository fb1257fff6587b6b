"""Hostile inputs of wave 3 that do not fit a short text case (``evasion_cases.yaml``): items
nested too deeply to decode, the Cyrillic code pages told apart on names alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from compliance.engine import iter_results
from compliance.exc import InputFileError
from compliance.io import detect_encoding, open_input
from compliance.screener import Screener

ROW = '{"shipment_id": "%s", "hs_code": "%s", "destination_country": "%s"}'
DEEP = '{"shipment_id": "D", "x": ' + "[" * 20_000 + "]" * 20_000 + ', "s": "]]\\" [{"}'


@pytest.fixture(scope="module")
def screener() -> Screener:
    return Screener.load(include_imported=False)


@pytest.mark.parametrize("at", [0, 1, 2])
def test_json_item_nested_too_deeply_is_one_error_row(at: int, screener: Screener, tmp_path: Path) -> None:
    """Rows in == rows out: the deep item (brackets and a string holding brackets) is stepped over."""
    items = [ROW % ("A", "847130", "BY"), ROW % ("B", "310420", "DE")]
    items.insert(at, DEEP)
    path = tmp_path / "deep.json"
    path.write_text("[" + ",\n".join(items) + "]", "utf-8")
    with open_input(path) as table:
        results = list(iter_results(screener, table.chunks(10)))
    assert [r.row_number for r in results] == [1, 2, 3]
    bad = results[at]
    assert bad.verdict.value == "ERROR" and bad.error and f"row {at + 1}" in bad.error and "nested" in bad.error
    assert [r.shipment_id for r in results if r is not bad] == ["A", "B"]


def test_json_cut_inside_a_deep_item_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "cut.json"
    path.write_text("[" + "[" * 20_000, "utf-8")
    with pytest.raises(InputFileError, match="cut"), open_input(path) as table:
        list(table.rows())


NAMES = ["ОАО Беларуськалий (Солигорск)", "БЕЛАРУСЬКАЛИЙ", "беларуськалий, калийные удобрения", "Минский тракторный завод",
         "ОАО Гродно Азот", "Нафтан"]


@pytest.mark.parametrize("enc", ["cp1251", "koi8_r", "cp866", "mac_cyrillic"])
@pytest.mark.parametrize("name", NAMES)
def test_cyrillic_code_pages_from_one_name(enc: str, name: str) -> None:
    """One party name is enough to tell the page: read in the wrong one the name would be
    symbols or another word and match no list entry. (Mac Cyrillic and cp866 share their
    capitals: an all-capital name reads the same in both.)"""
    data = f"shipment_id,hs_code,destination_country,consignee_name\nS1,847130,DE,\"{name}\"\n".encode(enc)
    got = detect_encoding(data)
    assert data.decode(got) == data.decode(enc)


def test_parquet_with_wrong_column_types(screener: Screener, tmp_path: Path) -> None:
    """Text stored as bytes is read as UTF-8 (with a file warning); booleans and integers where
    an amount or a date is expected are ERROR naming the field; NaN (pandas' missing value) is empty."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "types.parquet"
    pq.write_table(pa.table({
        "shipment_id": pa.array([b"A", b"B", b"C"], pa.binary()),
        "hs_code": pa.array([b"847130", b"310420", b"847130"], pa.binary()),
        "destination_country": pa.array(["BY", "DE", "DE"]),
        "origin_country": pa.array([None, "BY", None]),
        "consignee_name": pa.array(["ОАО Беларуськалий".encode(), b"ACME", b"ACME"], pa.binary()),
        "value": pa.array([float("nan"), 10.0, 12.0]),
        "quantity": pa.array([None, True, None], pa.bool_()),
        "date": pa.array([None, None, 45000], pa.int64()),
    }), path)
    with open_input(path) as table:
        results = list(iter_results(screener, table.chunks(10)))
        warnings = list(table.warnings)
    assert any("hold bytes" in w and "'hs_code'" in w for w in warnings)
    a, b, c = results
    assert a.verdict.value == "BLOCK" and a.shipment_id == "A" and not a.warnings
    assert b.verdict.value == "ERROR" and b.error and "row 2" in b.error and "quantity" in b.error
    assert c.verdict.value in ("ERROR", "CLEAR") and (c.verdict.value == "CLEAR") == bool(c.warnings)
