"""The goods cache's coarse key: rows that share an evaluation get the findings their own
evaluation gives (the code, description and document number put back; fields the rules read
in the key), on many random rows, and when a rule reads the code or a field in a way the key
did not foresee."""

from __future__ import annotations

import random
from bisect import bisect_right
from typing import Any

import pytest

from compliance.engine import BatchEngine
from compliance.io import RawRow
from compliance.models import Finding, Shipment
from compliance.rules import registry
from compliance.rules.context import Context
from compliance.rules.model import Rule
from compliance.screener import GoodsCache, Screener
from tests.engine.test_engine import AS_OF
from tests.engine.varied import varied_rows


@pytest.fixture(scope="module")
def screener() -> Screener:
    return Screener.load(include_imported=False)


def _siblings(rows: list[RawRow], seed: int) -> list[RawRow]:
    """The rows, and after each a copy of an earlier one with other digits after its code's first
    six (the same listed heading for most: what the key shares), or another route or country."""
    rng = random.Random(seed)
    out: list[RawRow] = []
    for raw in rows:
        out.append(raw)
        if not out or rng.random() < 0.3:
            continue
        data = dict(rng.choice(out).data)
        digits = "".join(ch for ch in str(data["hs_code"]) if ch.isdigit())
        if len(digits) >= 6:
            data["hs_code"] = digits[:6] + "".join(str(rng.randrange(10)) for _ in range(rng.choice((0, 2, 4))))
        if rng.random() < 0.3:
            data["transit_countries"] = rng.choice(["", "PL", "PL;LT", "PL;BY", "LT;BY;RU", "DE|PL"])
        if rng.random() < 0.3:
            data["consignee_country"] = rng.choice(["KZ", "AM", "DE", "BY", "RU", ""])
        data["shipment_id"] = f"S{len(out)}"
        out.append(RawRow(len(out) + 1, data, dict(data)))
    return out


def _dump(findings: list[Finding]) -> list[dict[str, Any]]:
    return [f.model_dump() for f in findings]


# Per-row fields: not in any key (the party names are screened per row).
_OWN = {"shipment_id", "description", "end_use_doc_id", "exporter_name", "consignee_name", "end_user_name",
        "manufacturer_name", "date"}


def _compare(screener: Screener, rows: list[RawRow], jurisdiction: str) -> tuple[GoodsCache, int, int]:
    """Every row's cached findings, fired kinds and warnings against its own evaluation; the
    cache, its evaluations that found something, and the distinct rows with findings (all their
    goods facts, the date by its bucket: the finest key a cache could have)."""
    cache = GoodsCache(screener)
    evaluate = cache._evaluate
    evaluated: list[bool] = []

    def counted(ctx: Context, bucket: int) -> Any:
        got = evaluate(ctx, bucket)
        evaluated.append(bool(got.findings))
        return got

    cache._evaluate = counted  # type: ignore[method-assign]
    facts: set[tuple[Any, ...]] = set()
    parse = BatchEngine(screener).parse
    for raw in rows:
        s = parse(raw)
        if not isinstance(s, Shipment):
            continue
        want_ctx = screener.context(s, jurisdiction=jurisdiction, as_of=AS_OF)
        want = screener.goods_findings(want_ctx)
        ctx = screener.context(s, jurisdiction=jurisdiction, as_of=AS_OF)
        got = cache.findings(ctx)
        assert _dump(got) == _dump(want), (raw.row_number, s.hs_code)
        assert ctx.fired == want_ctx.fired and ctx.warnings == want_ctx.warnings, raw.row_number
        if want:
            facts.add((bisect_right(cache.bounds(), ctx.date),
                       *(str(v) for k, v in s.model_dump().items() if k not in _OWN)))
    return cache, sum(evaluated), len(facts)


@pytest.mark.parametrize("jurisdiction", ["EU", "LT", "US"])
def test_cached_findings_are_each_rows_own_on_random_rows(screener: Screener, jurisdiction: str) -> None:
    rows = _siblings(varied_rows(screener.bundle, 900, seed=41), seed=5)
    cache, evaluations, distinct = _compare(screener, rows, jurisdiction)
    assert cache.hits > 300 and cache.misses > 100
    # The key really is coarser than the rows' facts: none keyed by its code, and fewer
    # evaluations than distinct rows with findings.
    assert all("hs_code" not in c.reads for c in cache._found.values())
    assert 50 < evaluations < distinct * 0.9, (evaluations, distinct)



@pytest.fixture
def odd_transit(monkeypatch: pytest.MonkeyPatch) -> None:
    """A transit rule that writes the code's chapter (the code cut: not what the stand-in allows)
    and, on one branch, the unit (a field no rule reads otherwise)."""
    original = registry.EVALUATORS[registry.Family.transit]

    def evaluate(ctx: Context, rule: Rule) -> list[Finding]:
        out = original(ctx, rule)
        s = ctx.shipment
        if out and s.destination_country in ("KZ", "RU"):
            f = out[0]
            out[0] = f.model_copy(update={"message": f"{f.message} (chapter {s.hs_code[:2]}, unit {s.unit})"})
        return out

    monkeypatch.setitem(registry.EVALUATORS, registry.Family.transit, evaluate)


@pytest.mark.usefixtures("odd_transit")
def test_a_rule_reading_the_code_or_a_field_otherwise_gets_its_own_findings(screener: Screener) -> None:
    rows = _siblings(varied_rows(screener.bundle, 700, seed=43), seed=9)
    cache, _, _ = _compare(screener, rows, "EU")
    assert any("hs_code" in c.reads and "unit" in c.reads for c in cache._found.values())


# Where the goods families' evaluators may read the declared code: written out (``format_hs``)
# or as evidence. Anything else (a test of its digits) would be hidden from the cache's key.
_CODE_USES = ("format_hs(s.hs_code)", "format_hs(ctx.shipment.hs_code)", '"hs_code": s.hs_code',
              '"hs_code": self.shipment.hs_code')


def test_goods_rules_read_the_code_only_to_write_it() -> None:
    import inspect

    from compliance.rules import context, destination

    modules = {inspect.getmodule(f) for f in registry.EVALUATORS.values()} | {destination}
    for module in modules:
        assert module is not None
        for n, line in enumerate(inspect.getsource(module).splitlines(), 1):
            rest = line
            for use in _CODE_USES:
                rest = rest.replace(use, "")
            assert "hs_code" not in rest, f"{module.__name__}:{n}: {line.strip()}"
    source = inspect.getsource(context.Context.goods_evidence)
    assert source.count("hs_code") == 2 and '"hs_code": self.shipment.hs_code' in source
