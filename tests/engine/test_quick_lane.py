"""The per-row shortcuts of this round against their general paths: the parser's quick lane
(rows read from memos alone), the context made per batch, and the context facts the goods cache
fills in (humanitarian, document status), on mixed files read from disk at several chunk sizes."""

from __future__ import annotations

import csv
import random
from pathlib import Path
from typing import Any

import pytest

from compliance.engine import BatchEngine
from compliance.fastparse import FastParser
from compliance.io import RawRow, open_input
from compliance.models import INPUT_COLUMNS, MAX_FIELD_CHARS, Shipment, parse_shipment
from compliance.rules.context import Context
from compliance.screener import Screener
from tests.engine.test_engine import AS_OF, engine_results, reference
from tests.engine.test_fast_paths import FULL, _same_shipment
from tests.engine.varied import quota_rows, varied_rows


@pytest.fixture(scope="module")
def screener() -> Screener:
    return Screener.load(include_imported=False)


# Cells the quick lane must refuse (or read exactly as the loop): not text, unhashable, blank
# where required, over a length cap, or text never seen before.
HOSTILE: list[dict[str, Any]] = [
    {"hs_code": 85423100}, {"hs_code": 8542.31}, {"destination_country": None}, {"transit_countries": ["PL", "BY"]},
    {"transit_countries": {"a": 1}}, {"exporter_name": ["x"]}, {"date": 20240701}, {"value": 1510.8},
    {"quantity": None}, {"shipment_id": ""}, {"shipment_id": "   "}, {"shipment_id": 7},
    {"exporter_name": "x" * (MAX_FIELD_CHARS["exporter_name"] + 1)}, {"hs_code": "8" * 101},
    {"destination_country": "Atlantis"}, {"hs_code": "n/a"}, {"value": "1.234"}, {"value": "-5"},
    {"description": "line one\nline two, \"quoted\""}, {"exporter_name": "ООО «Гелгра Трейд»\nМинск"},
    {"unit": True}, {"currency": b"EUR"},
]


def _outcome(parse: Any, row: dict[str, Any]) -> Shipment | str:
    try:
        return parse(dict(row), 3)
    except Exception as e:  # noqa: BLE001 - the message is compared
        return f"{type(e).__name__}: {e}"


def _same(fast: Shipment | str, slow: Shipment | str) -> None:
    if isinstance(slow, str):
        assert isinstance(fast, str) and fast == slow
    else:
        assert isinstance(fast, Shipment)
        _same_shipment(fast, slow)


@pytest.mark.parametrize("change", HOSTILE, ids=[f"{next(iter(c))}-{i}" for i, c in enumerate(HOSTILE)])
def test_quick_lane_refuses_or_reads_as_the_model(change: dict[str, Any]) -> None:
    """A row seen whole before (memos warm), then with one hostile cell: the model's outcome,
    the second time too (nothing the quick lane keeps may change it)."""
    parser = FastParser()
    assert parser.enabled and parser._quick_on
    parser.parse(dict(FULL), 1)
    assert parser._quick(dict(FULL)) is not None  # the warm row takes the quick lane
    row = {**FULL, **change}
    for _ in range(2):
        _same(_outcome(parser.parse, row), _outcome(parse_shipment, row))


def test_quick_lane_needs_every_contract_column() -> None:
    parser = FastParser()
    parser.parse(dict(FULL), 1)
    for column in INPUT_COLUMNS:
        row = {k: v for k, v in FULL.items() if k != column}
        assert parser._quick(row) is None
        _same(_outcome(parser.parse, row), _outcome(parse_shipment, row))
    extra = {**FULL, "not_a_column": "x"}
    assert parser._quick(extra) is not None
    _same(_outcome(parser.parse, extra), _outcome(parse_shipment, extra))


def test_quick_lane_after_memos_are_cleared(screener: Screener) -> None:
    """Memos cleared mid-batch (their size cap): rows go back to the loop, then quick again."""
    parser = FastParser()
    rows = varied_rows(screener.bundle, 300, seed=41)
    quick = 0
    for n, raw in enumerate(rows * 2):
        if n % 97 == 0:
            for memo in parser._memo.values():
                memo.clear()
        quick += parser._quick(dict(raw.data)) is not None
        _same(_outcome(parser.parse, raw.data), _outcome(parse_shipment, raw.data))
    assert quick > 30  # varied rows are mostly new: enough of them repeat


def test_quick_lane_lists_are_each_rows_own() -> None:
    parser = FastParser()
    parser.parse(dict(FULL), 1)
    a, b = parser.parse(dict(FULL), 2), parser.parse(dict(FULL), 3)
    assert parser._quick(dict(FULL)) is not None
    assert a.transit_countries == b.transit_countries == ["PL", "BY"]
    assert a.transit_countries is not b.transit_countries
    a.transit_countries.append("RU")
    assert parser.parse(dict(FULL), 4).transit_countries == ["PL", "BY"]
    assert a.model_fields_set == b.model_fields_set and a.model_fields_set is not b.model_fields_set


def test_quick_lane_off_when_a_column_has_no_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    """A direct reader the self-check turned off leaves its column to the loop: no quick lane."""
    import compliance.fastparse as fp

    monkeypatch.setitem(fp.DIRECT, "quantity", lambda raw: "not what the model reads")
    parser = FastParser()
    assert "quantity" not in parser._direct and not parser._quick_on
    _same(_outcome(parser.parse, FULL), _outcome(parse_shipment, FULL))


def _mixed_rows(screener: Screener) -> list[dict[str, Any]]:
    """Ordinary rows, rows with findings, malformed rows, Cyrillic names and cells with quoted
    newlines, repeated so the quick lane and the caches take most of them."""
    rng = random.Random(11)
    base = [r.data for r in varied_rows(screener.bundle, 160, seed=31)] + [r.data for r in quota_rows(12)]
    out: list[dict[str, Any]] = []
    for i in range(520):
        row = {k: ("" if v is None else str(v)) for k, v in rng.choice(base).items()}
        row = {k: row.get(k, "") for k in INPUT_COLUMNS}
        row["shipment_id"] = f"M{i:04d}"
        pick = rng.random()
        if pick < 0.05:
            row["description"] = f"two lines\nof \"goods\", {i}"
        elif pick < 0.08:
            row["exporter_name"] = "ОАО «Нафтан»\nНовополоцк"
        elif pick < 0.11:
            row[rng.choice(["hs_code", "destination_country", "date", "value"])] = rng.choice(["??", "-1", "31.02.2026"])
        elif pick < 0.13:
            row["shipment_id"] = ""
        out.append(row)
    return out


@pytest.mark.parametrize("chunk", [1, 7, 64, 1000])
def test_mixed_file_through_the_quick_lane_as_row_by_row(screener: Screener, tmp_path: Path, chunk: int) -> None:
    path = tmp_path / "mixed.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(INPUT_COLUMNS))
        w.writeheader()
        w.writerows(_mixed_rows(screener))
        fh.write("M9999,940360\n")  # a short row: the reader's error, one row kept
    with open_input(path) as table:
        read: list[RawRow] = [raw for c in table.chunks(chunk) for raw in c]
    assert len(read) == 521
    engine = BatchEngine(screener, as_of=AS_OF)
    got = engine_results(engine, read, chunk=chunk)
    want = reference(screener, read)
    for raw, r in zip(read, want, strict=True):  # the reader's warnings come first (the reference lacks them)
        r.warnings = list(raw.warnings) + r.warnings
    assert [r.model_dump(mode="json") for r in got] == [r.model_dump(mode="json") for r in want]
    assert any(raw.warnings for raw in read)
    slow = BatchEngine(screener, as_of=AS_OF)
    slow.parser._quick_on = False  # the parser's loop only
    assert [r.model_dump(mode="json") for r in engine_results(slow, read, chunk=chunk)] == \
        [r.model_dump(mode="json") for r in got]
    verdicts = {r.verdict.value for r in got}
    assert {"ERROR", "CLEAR"} <= verdicts and len(verdicts) >= 3


@pytest.mark.parametrize("jurisdiction", [None, "EU", "lt"])
def test_batch_context_is_the_screeners(screener: Screener, jurisdiction: str | None) -> None:
    engine = BatchEngine(screener, jurisdiction=jurisdiction, as_of=AS_OF)
    for raw in varied_rows(screener.bundle, 120, seed=3):
        s = engine.parse(raw)
        if isinstance(s, str):
            continue
        fast, slow = engine._context(s), screener.context(s, jurisdiction=jurisdiction, as_of=AS_OF)
        assert (fast.shipment, fast.date, fast.bundle, fast.jurisdiction_code, fast.warnings, fast.fired) == \
            (slow.shipment, slow.date, slow.bundle, slow.jurisdiction_code, slow.warnings, slow.fired)


def test_unknown_jurisdiction_still_costs_each_row_its_error(screener: Screener) -> None:
    rows = varied_rows(screener.bundle, 5, seed=2)
    out = BatchEngine(screener, jurisdiction="XX", as_of=AS_OF).screen_chunk(rows)
    assert len(out) == 5 and all(getattr(r, "verdict", None) is not None and r.verdict.value == "ERROR" for r in out)


def test_context_facts_the_goods_cache_fills_are_the_computed(screener: Screener) -> None:
    """``humanitarian`` and ``document_status`` set by the goods cache (from a key's first row,
    for the rows after) equal what a fresh context computes for each row."""
    engine = BatchEngine(screener, as_of=AS_OF)
    assert engine.goods is not None
    seen = 0
    for raw in varied_rows(screener.bundle, 600, seed=13) * 2:
        s = engine.parse(raw)
        if isinstance(s, str):
            continue
        ctx = engine._context(s)
        engine.goods.findings(ctx)
        fresh = screener.context(s, as_of=AS_OF)
        filled = ctx.__dict__
        assert filled["humanitarian"] == fresh.humanitarian
        assert filled["document_status"] == fresh.document_status
        assert filled["hits"].keys() == fresh.hits.keys()
        seen += 1
    assert seen > 1000 and isinstance(Context.__dict__["document_status"].func(fresh), str)


def test_models_are_made_by_object_new() -> None:
    """The parser and the screener make Shipments and results with ``object.__new__``: what the
    models' own ``__new__`` is (pydantic defines none); a model that defined one would need it."""
    from compliance.models import ScreeningResult

    assert Shipment.__new__ is object.__new__ and ScreeningResult.__new__ is object.__new__
