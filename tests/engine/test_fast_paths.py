"""The batch path's shortcuts give what the general path gives: each fast path against its slow one."""

from __future__ import annotations

import csv
import datetime as dt
import itertools
from bisect import bisect_right
from pathlib import Path
from typing import Any

import pytest

from compliance.engine import BatchEngine
from compliance.fastparse import AMBIGUOUS_PLAIN, PLAIN_NUMBER, PLAIN_UNAMBIGUOUS, FastParser
from compliance.io import open_input
from compliance.models import INPUT_COLUMNS, Family, Finding, ScreeningResult, Severity, Shipment, parse_shipment
from compliance.rules.context import Context
from compliance.screener import PartyCache, Screener
from tests.engine.test_engine import AS_OF, engine_results, reference
from tests.engine.varied import quota_rows, varied_rows


@pytest.fixture(scope="module")
def screener() -> Screener:
    return Screener.load(include_imported=False)


AMOUNTS = ["0", "7", "0012", "1510.8", "1.234", "12.345", "123.456", "1234.567", "999.5", "1.2345", "0.123", "01.234",
           "1.23", "1.", ".5", "1..2", "12,345", "1 234", " 12", "12 ", "12\n", "1.234\n", "", "+1", "-1", "1e3",
           "١٢٣", "1" * 21, "1" * 20 + ".5"]


@pytest.mark.parametrize("text", AMOUNTS)
def test_one_amount_regex_is_the_two(text: str) -> None:
    """``PLAIN_UNAMBIGUOUS`` (read on every row) accepts exactly the plain, unambiguous amounts."""
    assert bool(PLAIN_UNAMBIGUOUS.fullmatch(text)) == \
        (bool(PLAIN_NUMBER.fullmatch(text)) and not AMBIGUOUS_PLAIN.fullmatch(text))


def test_one_amount_regex_is_the_two_on_every_short_string() -> None:
    for n in range(1, 8):
        for chars in itertools.product("019.", repeat=n):
            text = "".join(chars)
            assert bool(PLAIN_UNAMBIGUOUS.fullmatch(text)) == \
                (bool(PLAIN_NUMBER.fullmatch(text)) and not AMBIGUOUS_PLAIN.fullmatch(text)), text


def _same_shipment(fast: Shipment, slow: Shipment) -> None:
    assert fast == slow
    assert fast.model_fields_set == slow.model_fields_set
    assert fast.model_dump() == slow.model_dump()
    assert list(fast.__dict__) == list(Shipment.model_fields)  # the model's field order


FULL = {"shipment_id": " S-1 ", "hs_code": "8542.31", "destination_country": "Kazakhstan", "description": " chips ",
        "origin_country": "de", "transit_countries": "PL; BY", "exporter_name": "ОАО «Нафтан»",
        "exporter_country": "BY", "consignee_name": "Almaty Automation LLP", "consignee_country": "KZ",
        "end_user_name": "", "end_user_country": "", "manufacturer_name": "", "manufacturer_country": "",
        "end_use_doc_type": "EUC", "end_use_doc_issuer": " Manufacturer ", "end_use_doc_id": "D-7",
        "quantity": "12", "unit": " pcs ", "value": "1510.8", "currency": "eur", "date": "01.07.2024"}


@pytest.mark.parametrize("row", [
    FULL,  # every column, as text: the Shipment's dict as read
    {k: v for k, v in FULL.items() if k not in ("transit_countries", "date", "unit")},  # columns absent: defaults
    {"shipment_id": "S-2", "hs_code": "940360", "destination_country": "PL"},
    {**FULL, "value": 1510.8, "quantity": None, "hs_code": 31042010, "shipment_id": 7.0},  # not text
    {**FULL, "transit_countries": ["PL", "BY"]},
    {**FULL, "value": "1.234", "quantity": "1 234,5"},  # not plain: the model's reading
    {**FULL, "not_a_column": "x"},
], ids=["full", "absent", "required-only", "not-text", "list", "amounts", "extra"])
def test_fast_parser_gives_the_models_shipment(row: dict[str, Any]) -> None:
    parser = FastParser()
    assert parser.enabled
    for _ in range(2):  # the second time from the memos
        _same_shipment(parser.parse(dict(row), 1), parse_shipment(dict(row), 1))


def test_fast_parser_on_varied_rows(screener: Screener) -> None:
    parser = FastParser()
    for raw in varied_rows(screener.bundle, 400, seed=5):
        try:
            slow = parse_shipment(raw.data, raw.row_number)
        except Exception:  # noqa: BLE001 - an ERROR row: the fast parser must refuse it too
            with pytest.raises(Exception):  # noqa: B017
                parser.parse(raw.data, raw.row_number)
            continue
        _same_shipment(parser.parse(raw.data, raw.row_number), slow)


def test_a_shipments_fields_set_is_its_own() -> None:
    parser = FastParser()
    a, b = parser.parse(dict(FULL), 1), parser.parse(dict(FULL), 2)
    assert a.model_fields_set == b.model_fields_set and a.model_fields_set is not b.model_fields_set
    assert a.transit_countries == b.transit_countries and a.transit_countries is not b.transit_countries


def _clear_context(screener: Screener) -> Context:
    s = parse_shipment({"shipment_id": "S-9", "hs_code": "940360", "destination_country": "PL", "date": "2026-03-01"})
    return screener.context(s)


def test_a_row_without_findings_is_the_validated_result(screener: Screener) -> None:
    echo = {"shipment_id": "S-9", "hs_code": "940360", "destination_country": "PL"}
    fast = screener.complete(_clear_context(screener), [], [], [], row_number=3, echo=echo, trusted=True)
    slow = screener.complete(_clear_context(screener), [], [], [], row_number=3, echo=echo)
    assert fast.model_dump() == slow.model_dump() and fast.verdict.value == "CLEAR" and fast.risk_score == 0
    assert fast.input == echo and fast.input is not echo


def test_hooks_still_see_a_row_without_findings(screener: Screener) -> None:
    """A hook may add a finding to a row that had none: the shortcut must not skip it."""
    rule = next(r for r in screener.bundle.rules if r.family == Family.circumvention)

    def hook(ctx: Context, findings: list[Finding]) -> list[Finding]:
        return findings or [Finding(rule_id=rule.id, family=rule.family, severity=Severity.review,
                                    regime=rule.regime, legal_basis=rule.legal_basis, message="added by a hook")]

    screener.finding_filters.append(hook)
    try:
        echo = {"shipment_id": "S-9"}
        fast = screener.complete(_clear_context(screener), [], [], [], row_number=3, echo=echo, trusted=True)
        slow = screener.complete(_clear_context(screener), [], [], [], row_number=3, echo=echo)
    finally:
        screener.finding_filters.remove(hook)
    assert fast.model_dump() == slow.model_dump()
    assert fast.verdict.value == "REVIEW" and fast.rule_ids == [rule.id]


def test_party_cache_searches_once_and_stays_bounded(screener: Screener) -> None:
    cache = PartyCache(screener.index, limit=20)
    for i in range(70):
        got = cache.search(f"Company {i}", None)
        assert cache[(f"Company {i}", None)] is got and len(cache) <= 20
    assert cache.searches == 70


@pytest.mark.parametrize("party_limit,goods_limit", [(5, 7), (100_000, 40_000)])
def test_small_caches_evicting_mid_chunk_give_the_same_results(screener: Screener, party_limit: int,
                                                              goods_limit: int) -> None:
    """Pairs searched as rows need them, evicted and searched again within a chunk; goods keys
    and country classes shared between rows; quota rows and ERROR rows among them."""
    rows = quota_rows(20) + varied_rows(screener.bundle, 500, seed=82) + quota_rows(20, start=600)
    engine = BatchEngine(screener, as_of=AS_OF, party_cache_limit=party_limit, goods_cache_limit=goods_limit)
    got = engine_results(engine, rows, chunk=131)
    want = reference(screener, rows)
    assert [r.model_dump(mode="json") for r in got] == [r.model_dump(mode="json") for r in want]
    assert any(r.verdict.value == "ERROR" for r in got) and any(r.findings for r in got)
    assert sum(not r.findings and r.verdict.value == "CLEAR" for r in got) >= 5


def test_the_reader_keeps_no_chunk_it_handed_out(tmp_path: Path) -> None:
    """The caller's collection per chunk walks what is alive: a chunk it is done with must go."""
    path = tmp_path / "rows.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(INPUT_COLUMNS[:3])
        for i in range(25):
            w.writerow([f"S-{i}", "940360", "PL"])
    with open_input(path) as table:
        chunks = table.chunks(10)
        first = next(chunks)
        frame = chunks.gi_frame
        assert frame is not None
        assert not any(v is first for v in frame.f_locals.values())
        assert not any(first is x for v in frame.f_locals.values() if isinstance(v, list) for x in v)
        assert [len(first), *map(len, chunks)] == [10, 10, 5]


def test_no_finished_chunk_is_alive_at_the_collection_after_it(screener: Screener,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """The per-chunk collection walks what is alive: the chunk just screened must be gone by then
    (``enumerate`` would keep it in its reused tuple); and what ``_collect`` froze is unfrozen
    when the batch ends."""
    import gc

    import compliance.engine as engine_module
    from compliance.engine import run_batch
    from compliance.io import RawRow

    rows = varied_rows(screener.bundle, 90, seed=5)
    chunks = [rows[i:i + 30] for i in range(0, 90, 30)]
    ids = [{id(r) for r in c} for c in chunks]
    del rows
    seen: list[int] = []
    real = engine_module._collect

    def probe(index: int) -> None:
        # The chunks' rows alive now, but for those the test itself holds (its ``chunks``, dropped below).
        seen.append(sum(1 for o in gc.get_objects() if type(o) is RawRow and id(o) in ids[index]))
        real(index)

    monkeypatch.setattr(engine_module, "_collect", probe)
    monkeypatch.setattr(engine_module, "FULL_GC_EVERY", 2)
    frozen = gc.get_freeze_count()

    def source() -> Any:
        while chunks:
            yield chunks.pop(0)

    got: list[ScreeningResult] = []
    run_batch(screener, source(), got.extend, as_of=AS_OF)
    assert len(got) == 90
    assert seen == [0, 0, 0]
    assert gc.get_freeze_count() <= frozen


def test_engine_rows_of_a_csv_file_equal_row_by_row(screener: Screener, tmp_path: Path) -> None:
    """From the file on: the reader's fast row mapping, the parser and the screening shortcuts."""
    rows = varied_rows(screener.bundle, 300, seed=21) + quota_rows(10, start=400)
    path = tmp_path / "batch.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(INPUT_COLUMNS))
        w.writeheader()
        for r in rows:
            w.writerow({k: r.data.get(k, "") for k in INPUT_COLUMNS})
    with open_input(path) as table:
        read = [raw for chunk in table.chunks(64) for raw in chunk]
    engine = BatchEngine(screener, as_of=AS_OF)
    got: list[ScreeningResult] = engine_results(engine, read, chunk=64)
    want = reference(screener, read)
    assert [r.model_dump(mode="json") for r in got] == [r.model_dump(mode="json") for r in want]
    assert dt.date(2026, 3, 1) == AS_OF


FORMULA_CELLS = ["=SUM(A1)", "+49 30 1234", "-12.5", "-x", "@cmd", "\tx", "\rx", "＝1", "＋1", "－1", "＠1", "a=b", "",
                 " =x", "1-2"]


@pytest.mark.parametrize("cell", FORMULA_CELLS)
@pytest.mark.parametrize("column", ["shipment_id", "description", "date"])
def test_csv_shortcut_neutralises_as_the_record(cell: str, column: str, tmp_path: Path) -> None:
    """Rows whose cells may start like a formula (or are not text): the writer's one test for all
    cells against ``_csv_cell`` of every ``result_record`` cell."""
    import io

    from compliance.io import ResultWriter
    from compliance.io.writers import _csv_cell, result_record
    from compliance.models import Verdict

    columns = list(INPUT_COLUMNS)
    base = dict.fromkeys(columns, "x")
    inputs = [{**base, column: cell}, {**base, column: 12.5}, {**base, column: ["=a", "b"]}, {**base, column: None},
              {**base, column: {"k": "=v"}}, dict(base)]
    results = [ScreeningResult(row_number=i, shipment_id="S", verdict=Verdict.CLEAR, risk_score=0, input=inp)
               for i, inp in enumerate(inputs, start=1)]
    writer = ResultWriter(tmp_path / "out.csv", "csv", columns)
    writer.write(results)
    writer.close()
    buf = io.StringIO(newline="")
    w = csv.writer(buf)
    w.writerow(writer.columns)
    for r in results:
        rec = result_record(r, writer.columns)
        w.writerow([_csv_cell(rec[c]) for c in writer.columns])
    assert (tmp_path / "out.csv").read_bytes() == buf.getvalue().encode("utf-8")


AMOUNT_ROWS = [("1510.8", "12", "EUR"), ("€ 1.234,56", "3", ""), ("1.234", "1,5", "EUR"), ("USD 100", "", "EUR"),
               ("1234 EUR", "2", ""), ("", "", ""), ("12.345", "1.234", ""), ("(100)", "x", "")]


@pytest.mark.parametrize("header", ["contract", "aliases"])
@pytest.mark.parametrize("delimiter", [",", ";"])
def test_rows_under_their_header_read_as_the_general_path(header: str, delimiter: str, tmp_path: Path) -> None:
    """A CSV row under the header (the reader's shortcut; with contract headers one dict for data
    and echo) against the same cells read by the general path: data, echo and warnings; the echo
    keeps the cells as written when the file's conventions change the data."""
    names = {"contract": ["shipment_id", "hs_code", "destination_country", "value", "quantity", "currency"],
             "aliases": ["Order No", "HS Code", "Destination", "Amount", "Qty", "Currency"]}[header]
    path = tmp_path / "amounts.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter=delimiter)
        w.writerow(names)
        for i, (value, qty, cur) in enumerate(AMOUNT_ROWS):
            w.writerow([f"S-{i}", "940360", "PL", value, qty, cur])
    with open_input(path) as table:
        got = [raw for chunk in table.chunks(3) for raw in chunk]
        for raw in got:
            cells = list(raw.original.values())
            general = table._to_raw(raw.row_number, dict(zip(table.columns, cells, strict=True)))
            assert (raw.data, raw.original, raw.warnings) == (general.data, general.original, general.warnings)
            assert (raw.layout is None) == (raw.data != {t: raw.original[k] for k, t in table._layout.targets})
    echoed = [raw.original[names[3]] for raw in got]
    assert echoed == [v for v, _, _ in AMOUNT_ROWS]  # as written, whatever the data became
    assert got[1].data["currency"] == "EUR" and got[1].original[names[5]] == ""  # filled in the data only
    assert got[2].data["value"] != echoed[2] and got[2].layout is None


def test_a_result_keeps_its_rows_echo_only_when_told(screener: Screener) -> None:
    echo = {"shipment_id": "S-9", "hs_code": "940360", "destination_country": "PL"}
    kept = screener.complete(_clear_context(screener), [], [], [], row_number=1, echo=echo, trusted=True, own_echo=True)
    copied = screener.complete(_clear_context(screener), [], [], [], row_number=1, echo=echo, trusted=True)
    assert kept.input is echo and copied.input == echo and copied.input is not echo


@pytest.mark.parametrize("jurisdiction", ["EU", "LT"])
def test_goods_rules_without_a_hit_of_their_own_find_nothing(screener: Screener, jurisdiction: str) -> None:
    """What the goods cache's evaluation relies on to skip them: a sector, dual-use or CHPL rule
    the code does not hit gives no finding, on any row (those that hit other rules included)."""
    from compliance.rules.context import GOODS_FAMILIES
    from compliance.rules.registry import EVALUATORS

    engine = BatchEngine(screener, as_of=AS_OF)
    skipped = fired = 0
    for raw in varied_rows(screener.bundle, 400, seed=17):
        s = engine.parse(raw)
        if not isinstance(s, Shipment):
            continue
        ctx = screener.context(s, jurisdiction=jurisdiction, as_of=AS_OF)
        for rule in screener._rules:
            if rule.family in GOODS_FAMILIES and rule.in_force(ctx.date):
                found = EVALUATORS[rule.family](ctx, rule)
                if rule.id in ctx.hits:
                    fired += bool(found)
                else:
                    assert found == [], (rule.id, s.hs_code)
                    skipped += 1
    assert skipped > 1000 and fired > 20  # both sides really ran


def test_goods_cache_evaluates_as_the_screener(screener: Screener) -> None:
    """The cache's own evaluation (rules in force per date bucket, rules without a hit skipped)
    gives ``goods_findings`` of each row, on every date bucket the rows reach."""
    from compliance.screener import GoodsCache

    cache = GoodsCache(screener)
    buckets = set()
    for raw in varied_rows(screener.bundle, 600, seed=23):
        s = BatchEngine(screener).parse(raw)
        if not isinstance(s, Shipment):
            continue
        want = screener.goods_findings(screener.context(s, as_of=AS_OF))
        ctx = screener.context(s, as_of=AS_OF)
        got = cache.findings(ctx)
        assert [f.model_dump() for f in got] == [f.model_dump() for f in want], raw.row_number
        buckets.add(bisect_right(cache._bounds, ctx.date))
    assert len(buckets) >= 5 and cache.misses > 100


def test_cached_message_parts_are_the_originals() -> None:
    from compliance import countries, hs
    from compliance.rules import context

    for code in ("BY", "RU", "TR", "XK", "DE", "KZ", "ZZ"):
        assert context.country_name(code) == countries.country_name(code)
    for code in ("8542", "854231", "85423190", "8542319010", "94"):
        assert context.format_hs(code) == hs.format_hs(code)
