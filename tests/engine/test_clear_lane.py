"""The CLEAR lane (``compliance.lane``) against the full path: byte-identical output.

Each test screens the same rows with ``BatchEngine(use_lane=True)`` and ``use_lane=False`` and
compares the written CSV and JSONL, and every result's fields; the lane must have answered a
good share of the rows, so the comparison is not empty.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib.util
import io
import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compliance.engine import BatchEngine, run_batch
from compliance.io import RawRow, ResultWriter, open_input
from compliance.models import INPUT_COLUMNS, Finding, ScreeningResult
from compliance.rules.context import Context
from compliance.screener import Screener
from tests.engine.test_engine import engine_results
from tests.engine.varied import quota_rows, varied_rows

AS_OF = dt.date(2026, 3, 1)
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def screener() -> Screener:
    return Screener.load(include_imported=False)


def _text(results: list[ScreeningResult], fmt: str, columns: list[str]) -> str:
    with contextlib.redirect_stdout(io.StringIO()):  # the header: not compared
        writer = ResultWriter(None, fmt, columns)
    return writer.render(results)[0]


def _renumbered(rows: list[RawRow], start: int) -> list[RawRow]:
    """The same rows again, after the first ones (caches warm: most go the lane)."""
    return [RawRow(start + i, dict(r.data), dict(r.original), r.error, list(r.warnings))
            for i, r in enumerate(rows)]


def _compare(screener: Screener, rows: list[RawRow], *, chunk: int = 97, jurisdiction: str | None = None,
             as_of: dt.date | None = AS_OF, columns: list[str] | None = None) -> BatchEngine:
    lane = BatchEngine(screener, jurisdiction=jurisdiction, as_of=as_of)
    full = BatchEngine(screener, jurisdiction=jurisdiction, as_of=as_of, use_lane=False)
    assert lane.lane is not None and full.lane is None
    got, want = engine_results(lane, rows, chunk), engine_results(full, rows, chunk)
    assert len(got) == len(want) == len(rows)
    for g, w in zip(got, want, strict=True):
        assert g.model_dump(mode="json") == w.model_dump(mode="json"), f"row {w.row_number}"
        assert g.model_fields_set == w.model_fields_set
    columns = columns or list(INPUT_COLUMNS)
    for fmt in ("csv", "jsonl"):
        assert _text(got, fmt, columns) == _text(want, fmt, columns)
    return lane


@pytest.mark.parametrize("jurisdiction", ["EU", "LT", "US"])
def test_lane_equals_the_full_path_on_varied_rows(screener: Screener, jurisdiction: str) -> None:
    rows = varied_rows(screener.bundle, 1500, seed=len(jurisdiction) * 5) + quota_rows(14, start=1501)
    rows += _renumbered(rows, len(rows) + 1)
    engine = _compare(screener, rows, jurisdiction=jurisdiction)
    # Built to flag rows (a few percent are CLEAR): the lane must step aside for all the others.
    assert engine.lane is not None and engine.lane.served >= 5, engine.lane.served


@pytest.mark.parametrize("chunk", [1, 7, 500])
def test_lane_equals_the_full_path_at_any_chunk_size(screener: Screener, chunk: int) -> None:
    rows = varied_rows(screener.bundle, 200, seed=chunk) + _random_rows(chunk, 200, 0.01, start=201)
    engine = _compare(screener, rows + _renumbered(rows, 401), chunk=chunk)
    assert engine.lane is not None and engine.lane.served >= 10, engine.lane.served


def test_lane_without_as_of_judges_undated_rows_as_of_today(screener: Screener) -> None:
    rows = varied_rows(screener.bundle, 100, seed=21) + _random_rows(21, 200, 0.0, start=101)
    engine = _compare(screener, rows + _renumbered(rows, 301), as_of=None)
    assert engine.lane is not None and engine.lane.served >= 10, engine.lane.served


def test_lane_keeps_quota_rows_on_the_full_path(screener: Screener) -> None:
    """A CLEAR row that adds to a quota total decides the next rows' verdicts: never the lane's."""
    rows = quota_rows(40)
    for r in rows:  # no end-use document: only the quota could make them differ
        del r.data["end_use_doc_type"], r.data["end_use_doc_issuer"]
        r.original = dict(r.data)
    engine = _compare(screener, rows + _renumbered(rows, 41), chunk=5)
    assert engine.lane is not None and engine.lane.served == 0


def test_lane_steps_aside_for_a_hook_that_adds_findings(screener: Screener) -> None:
    rows = _random_rows(4, 200, 0.0)
    rows += _renumbered(rows, 201)
    flagged: list[Finding] = []

    def hook(ctx: Context, findings: list[Finding]) -> list[Finding]:
        # A finding on every row of one description: a row the lane would have cleared.
        if ctx.shipment.description == "Goods" and not findings:
            rule = next(r for r in ctx.bundle.rules if r.family.value not in ("party", "humanitarian"))
            flagged.append(ctx.finding(rule, "flagged by a hook", {}))
            return [flagged[-1]]
        return findings

    screener.finding_filters.append(hook)
    try:
        engine = _compare(screener, rows)
    finally:
        screener.finding_filters.remove(hook)
    assert flagged and engine.lane is not None and engine.lane.served == 0


def test_lane_in_forked_workers_gives_the_full_path_output(screener: Screener, tmp_path: Path) -> None:
    import multiprocessing as mp

    if "fork" not in mp.get_all_start_methods():
        pytest.skip("no fork on this platform")
    rows = varied_rows(screener.bundle, 600, seed=8)
    rows += _renumbered(rows, 601)
    columns = list(INPUT_COLUMNS)
    full = BatchEngine(screener, as_of=AS_OF, use_lane=False)
    want = _text(engine_results(full, rows, 100), "csv", columns)
    out = tmp_path / "forked.csv"
    writer = ResultWriter(out, "csv", columns)
    chunks = [rows[i:i + 100] for i in range(0, len(rows), 100)]
    run_batch(screener, chunks, writer.write, as_of=AS_OF, workers=2)
    writer.close()
    body = out.read_bytes().decode("utf-8").split("\r\n", 1)[1]
    assert body == want


# Random rows: cells drawn from pools of ordinary values and of values the lane must refuse or
# read exactly as the full path (hostile, blank, not text, unseen), each pool repeated so that
# later rows find earlier ones in the caches.
_CODES = ["940360", "9403.60.10", "6109 10 00", "8542.31", "854231", "3004.90.00", "0406", "9101 21", "84",
          "n/a", "8471 30 00", "2710.19", "8.54231E+09", "   ", "７３１８.１５"]
_COUNTRY = ["DE", "PL", "LT", "KZ", "BY", "RU", "CN", " de ", "Germany", "Belarus", "", "Atlantis", "DE/PL", "EU"]
_ROUTE = ["", "PL", "PL;BY", "LT > LV", "KZ", "DE|PL", "Atlantis"]
_NAME = ["", "Polmex Sp. z o.o.", "Müller Maschinenbau GmbH", "JSC Belaruskali", "Naftan", "Rinkon Supply A/S",
         "=HYPERLINK()", "Balzar AS", "x" * 1001]
_AMOUNT = ["", "0", "10", "250", "1510.8", "1.234", "1 234,56", "-5", "abc", "3000", "45000", "1e5", " 12 "]
_DATE = ["", "2024-03-20", "2025-06-12", "2026-01-15", "01.07.2024", "2026-02-30", "01/03/2024", "1024-01-01"]
_DOC = ["", "", "", "EUC", "none", "end_user_certificate"]
_ISSUER = ["", "", "manufacturer", "exporter", "supplier"]
_TEXT = ["", "Goods", "Bolts, M8\nzinc", "=cmd()", "Wine, red", "  ", "\"quoted\""]
_ODD: list[Any] = [None, 7, 8542.31, ["PL", "BY"], {"a": 1}, True]

_POOLS: dict[str, list[Any]] = {
    "hs_code": _CODES, "destination_country": _COUNTRY, "origin_country": _COUNTRY,
    "transit_countries": _ROUTE, "exporter_name": _NAME, "exporter_country": _COUNTRY, "consignee_name": _NAME,
    "consignee_country": _COUNTRY, "end_user_name": _NAME, "end_user_country": _COUNTRY,
    "manufacturer_name": _NAME, "manufacturer_country": _COUNTRY, "end_use_doc_type": _DOC,
    "end_use_doc_issuer": _ISSUER, "end_use_doc_id": ["", "", "EUC-1"], "quantity": _AMOUNT,
    "unit": ["pcs", "kg", "", "шт"], "value": _AMOUNT, "currency": ["EUR", "EUR", "", "USD", "eur"],
    "date": _DATE, "description": _TEXT, "shipment_id": ["S1", " S2 ", "", "   ", "S3"],
}


def _random_rows(seed: int, n: int, odd: float, start: int = 1) -> list[RawRow]:
    rng = random.Random(seed)
    rows: list[RawRow] = []
    for i in range(start, start + n):
        data: dict[str, Any] = {}
        for f in INPUT_COLUMNS:
            pool = _POOLS[f]
            # Mostly the first few values of each pool (ordinary, repeating), sometimes any.
            data[f] = rng.choice(pool[:3]) if rng.random() < 0.75 else rng.choice(pool)
            if rng.random() < odd:
                data[f] = rng.choice(_ODD)
        if rng.random() < 0.05:
            del data[rng.choice(INPUT_COLUMNS)]  # a column the row lacks
        warnings = ["row 3: a warning of the reader"] if rng.random() < 0.03 else []
        rows.append(RawRow(i, data, dict(data), None, warnings))
    return rows


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10**6), odd=st.sampled_from([0.0, 0.01, 0.05]),
       jurisdiction=st.sampled_from(["EU", "LT", "US"]), chunk=st.sampled_from([3, 50, 400]))
def test_lane_equals_the_full_path_on_random_rows(screener: Screener, seed: int, odd: float, jurisdiction: str,
                                                  chunk: int) -> None:
    rows = _random_rows(seed, 250, odd)
    engine = _compare(screener, rows + _renumbered(rows, 251), chunk=chunk, jurisdiction=jurisdiction)
    assert engine.lane is not None and engine.lane.served >= 1, engine.lane.served


def _generate() -> Any:
    spec = importlib.util.spec_from_file_location("bench_scale_generate", ROOT / "bench" / "scale" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_lane_equals_the_full_path_on_the_scale_benchmark_file(screener: Screener, tmp_path: Path) -> None:
    """100k rows of ``bench/scale/generate.py`` read from disk: the same CSV, byte for byte."""
    path = _generate().generate(tmp_path / "shipments.csv", 100_000)
    outputs = []
    served = 0
    for use_lane in (True, False):
        engine = BatchEngine(screener, use_lane=use_lane)
        out = tmp_path / f"out_{use_lane}.csv"
        with open_input(path) as table:
            writer = ResultWriter(out, "csv", list(table.columns))
            for chunk in table.chunks(20_000):
                writer.write([r for r in engine.screen_chunk(chunk) if isinstance(r, ScreeningResult)])
            writer.close()
        if engine.lane is not None:
            served = engine.lane.served
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    assert served >= 50_000, served


_CELL = st.text(alphabet=st.sampled_from(list("ab1 ,;=+-@\t\r\n\"'＝－é")), max_size=6)


@settings(max_examples=60, deadline=None)
@given(cells=st.lists(st.lists(_CELL, min_size=len(INPUT_COLUMNS), max_size=len(INPUT_COLUMNS)), min_size=1,
                      max_size=20))
def test_csv_fast_path_is_csv_writers_text(cells: list[list[str]]) -> None:
    """The writer's shortcut for CLEAR rows (what the lane's rows are written by): the text
    ``csv.writer`` gives each ``result_record`` cell, whatever the cells hold."""
    import csv

    from compliance.io.writers import _csv_cell, result_record
    from compliance.models import Verdict

    columns = list(INPUT_COLUMNS)
    results = [ScreeningResult(row_number=i, shipment_id="S", verdict=Verdict.CLEAR, risk_score=0,
                               input=dict(zip(columns, row, strict=True))) for i, row in enumerate(cells, start=1)]
    with contextlib.redirect_stdout(io.StringIO()):
        writer = ResultWriter(None, "csv", columns)
    want = io.StringIO(newline="")
    w = csv.writer(want)
    for r in results:
        rec = result_record(r, writer.columns)
        w.writerow([_csv_cell(rec[c]) for c in writer.columns])
    assert writer.render(results)[0] == want.getvalue()
