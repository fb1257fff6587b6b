"""The batch engine gives exactly what screening row by row gives, while doing each piece of work once."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compliance.engine import BatchEngine, PendingRow, run_batch
from compliance.exc import InvalidInput
from compliance.fastparse import FastParser
from compliance.io import RawRow, ResultWriter
from compliance.models import INPUT_COLUMNS, ScreeningResult, Shipment, Verdict, parse_shipment
from compliance.rules.quota import MemoryQuotaStore, QuotaTracker
from compliance.screener import PartyCache, Screener
from tests.engine.varied import quota_rows, varied_rows

AS_OF = dt.date(2026, 3, 1)


@pytest.fixture(scope="module")
def screener() -> Screener:
    return Screener.load(include_imported=False)


def reference(screener: Screener, rows: list[RawRow], *, jurisdiction: str | None = None,
              tracker: QuotaTracker | None = None) -> list[ScreeningResult]:
    """Row by row through the model and ``Screener.screen``: no fast parser, no goods cache."""
    tracker = tracker or QuotaTracker(screener.bundle)
    parsed: list[Shipment | str] = []
    for raw in rows:
        try:
            parsed.append(parse_shipment(raw.data, raw.row_number))
        except InvalidInput as e:
            parsed.append(str(e))
    matches = screener.prematch(s for s in parsed if isinstance(s, Shipment))
    out = []
    for raw, s in zip(rows, parsed, strict=True):
        if isinstance(s, str):
            sid = raw.data.get("shipment_id")
            out.append(ScreeningResult(row_number=raw.row_number, verdict=Verdict.ERROR, error=s,
                                       shipment_id=None if sid in (None, "") else str(sid), input=raw.original))
            continue
        out.append(screener.screen(s, row_number=raw.row_number, jurisdiction=jurisdiction, as_of=AS_OF,
                                   quota=tracker, party_matches=matches, input_row=raw.original))
    return out


def engine_results(engine: BatchEngine, rows: list[RawRow], chunk: int) -> list[ScreeningResult]:
    out: list[ScreeningResult] = []
    for i in range(0, len(rows), chunk):
        for r in engine.screen_chunk(rows[i:i + chunk]):
            assert isinstance(r, ScreeningResult)
            out.append(r)
    return out


def csv_bytes(results: list[ScreeningResult]) -> str:
    buf = io.StringIO()
    writer = ResultWriter(None, "jsonl", list(INPUT_COLUMNS))
    writer._fh = buf
    writer.write(results)
    return buf.getvalue()


@pytest.mark.parametrize("jurisdiction", ["EU", "LT", "US"])
def test_cached_engine_equals_row_by_row(screener: Screener, jurisdiction: str) -> None:
    rows = varied_rows(screener.bundle, 1200, seed=len(jurisdiction) * 11) + quota_rows(14, start=1201)
    engine = BatchEngine(screener, jurisdiction=jurisdiction, as_of=AS_OF)
    got = engine_results(engine, rows, chunk=97)
    want = reference(screener, rows, jurisdiction=jurisdiction)
    assert len(got) == len(want) == len(rows)
    for g, w in zip(got, want, strict=True):
        assert g.model_dump(mode="json") == w.model_dump(mode="json"), f"row {w.row_number}"
    assert csv_bytes(got) == csv_bytes(want)
    # The batch really is varied, and the caches really were used.
    verdicts = Counter(r.verdict for r in want)
    assert all(verdicts[v] >= 10 for v in Verdict if jurisdiction != "US" or v != Verdict.BLOCK), verdicts
    assert len({f.rule_id for r in want for f in r.findings}) >= 15
    assert any(f.rule_id.startswith("BY-CIRC-QUOTA") for r in want for f in r.findings)
    assert engine.goods is not None and engine.goods.hits >= 200


def test_party_names_are_searched_once_per_run(screener: Screener) -> None:
    rows = varied_rows(screener.bundle, 400, seed=3)
    engine = BatchEngine(screener, as_of=AS_OF)
    engine_results(engine, rows, chunk=50)
    distinct = {(getattr(s, f"{role}_name"), getattr(s, f"{role}_country"))
                for raw in rows if isinstance(s := engine.parse(raw), Shipment)
                for role in ("exporter", "consignee", "end_user", "manufacturer") if getattr(s, f"{role}_name")}
    assert engine.parties.searches == len(distinct)


def test_party_cache_is_bounded(screener: Screener) -> None:
    cache = PartyCache(screener.index, limit=20)
    for i in range(10):
        for j in range(7):
            cache.search(f"Company {i}-{j}", None)
        assert len(cache) <= 20
    assert cache.searches == 70


def test_quota_totals_follow_input_order_across_chunks(screener: Screener) -> None:
    rows = quota_rows(30)
    engine = BatchEngine(screener, as_of=AS_OF)
    got = engine_results(engine, rows, chunk=4)
    want = reference(screener, rows)
    assert [r.model_dump(mode="json") for r in got] == [r.model_dump(mode="json") for r in want]
    assert any(r.verdict == Verdict.REVIEW for r in got) and got[0].verdict == Verdict.CLEAR


def test_deferred_quota_rows_finish_like_the_local_engine(screener: Screener) -> None:
    """What Dask workers do: rows that add to a quota total are finished later, in order."""
    rows = quota_rows(20) + varied_rows(screener.bundle, 200, seed=5)
    rows = [RawRow(i, r.data, r.original) for i, r in enumerate(rows, start=1)]
    store = MemoryQuotaStore()
    tracker = QuotaTracker(screener.bundle, store)
    client = BatchEngine(screener, as_of=AS_OF)
    worker = BatchEngine(screener, as_of=AS_OF, defer_quota=True)
    got: list[ScreeningResult] = []
    pending = 0
    for i in range(0, len(rows), 16):
        for item in worker.screen_chunk(rows[i:i + 16]):
            if isinstance(item, PendingRow):
                pending += 1
                item = client.finish(item, tracker)
            got.append(item)
    want = reference(screener, rows)
    assert pending >= 16
    assert [r.model_dump(mode="json") for r in got] == [r.model_dump(mode="json") for r in want]


def test_run_batch_keeps_order_and_counts(screener: Screener) -> None:
    rows = varied_rows(screener.bundle, 150, seed=9)
    written: list[ScreeningResult] = []
    summary = run_batch(screener, [rows[:60], rows[60:]], written.extend, as_of=AS_OF)
    assert [r.row_number for r in written] == list(range(1, 151))
    assert summary.rows == 150 and sum(summary.counts.values()) == 150


# The fast parser --------------------------------------------------------------------------
_PARSER = FastParser()  # one for all examples: its memo must not leak between rows
_VALUES = st.one_of(
    st.none(), st.text(max_size=10), st.integers(-10**6, 10**12), st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(), st.lists(st.sampled_from(["BY", "PL", "", "xx"]), max_size=3),
    st.sampled_from(["BY", " Belarus ", "Беларусь", "8542.31", "31042010", "2024-07-01", "01.07.2024", "1 234,50",
                     "EUC", " Manufacturer ", "PL; BY > RU", "-3", "none", "", "  ", "nan", "1e400", "0",
                     "1510.8", "1.234", "12.345", "0012", "999.50", " 12 ", "S-1"]))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from([*INPUT_COLUMNS, "extra"]), _VALUES, max_size=12))
def test_fast_parser_equals_the_model(row: dict[str, Any]) -> None:
    row = {"shipment_id": "S1", "hs_code": "8542 31", "destination_country": "KZ", **row}

    def run(parse: Any) -> Any:
        try:
            s = parse(row, 5)
        except InvalidInput as e:
            return ("invalid", str(e))
        except Exception as e:  # noqa: BLE001 - both paths must fail alike
            return ("error", type(e).__name__)
        return ("ok", s.model_dump(), s.model_fields_set)

    assert _PARSER.enabled
    assert run(_PARSER.parse) == run(parse_shipment)


def test_fast_parser_copies_lists(screener: Screener) -> None:
    parser = FastParser()
    a = parser.parse({"shipment_id": "1", "hs_code": "8542", "destination_country": "KZ", "transit_countries": "PL;BY"})
    b = parser.parse({"shipment_id": "2", "hs_code": "8542", "destination_country": "KZ", "transit_countries": "PL;BY"})
    a.transit_countries.append("RU")
    assert b.transit_countries == ["PL", "BY"]


def test_trusted_results_equal_validated_ones(screener: Screener) -> None:
    """``complete(trusted=True)`` (the batch engine) builds the result validation would give."""
    rows = varied_rows(screener.bundle, 120, seed=5)
    engine = BatchEngine(screener, as_of=AS_OF)
    seen = 0
    for raw in rows:
        s = engine.parse(raw)
        if not isinstance(s, Shipment):
            continue
        ctx = screener.context(s, as_of=AS_OF)
        goods = screener.goods_findings(ctx)
        parties = screener._screen_parties(ctx, None)
        a = screener.complete(ctx, goods, [], parties, row_number=raw.row_number, echo=raw.original, trusted=True)
        b = screener.complete(ctx, goods, [], parties, row_number=raw.row_number, echo=raw.original)
        assert a == b and a.model_fields_set == b.model_fields_set and a.model_dump() == b.model_dump()
        assert a.input is not raw.original and a.warnings is not ctx.warnings  # copies, as validation makes
        seen += bool(a.findings)
    assert seen


def test_summary_add_all_counts_as_add_row_by_row() -> None:
    from compliance.engine import BatchSummary

    verdicts = [Verdict.CLEAR, Verdict.ERROR, Verdict.BLOCK, Verdict.ERROR, Verdict.REVIEW] * 9
    results = [ScreeningResult(row_number=i, verdict=v, error=f"row {i}: bad" if v == Verdict.ERROR and i % 3 else None)
               for i, v in enumerate(verdicts, start=1)]
    one, many = BatchSummary(), BatchSummary()
    for r in results:
        one.add(r)
    many.add_all(results[:7])
    many.add_all([])
    many.add_all(results[7:])
    assert (many.rows, many.counts, many.errors) == (one.rows, one.counts, one.errors)
    assert len(many.errors) == min(one.max_messages, sum(1 for r in results if r.error))
