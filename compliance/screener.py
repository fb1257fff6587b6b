"""The ``Screener``: rules, lists and the name index loaded once; shipments screened many times.

It holds no per-request state: after ``load`` it is read-only, so one instance can be
shared between threads (the HTTP service does) and between batches.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field

from compliance import __version__
from compliance.exc import ComplianceError, InvalidInput
from compliance.lists.model import Entity, ListInfo, LoadedList
from compliance.models import Family, Finding, ScreeningResult, Shipment, Verdict, parse_shipment
from compliance.rules import humanitarian
from compliance.rules.context import Context
from compliance.rules.loader import RuleBundle, load_bundle
from compliance.rules.model import Rule
from compliance.rules.party import evaluate_party
from compliance.rules.quota import QuotaStore, QuotaTracker
from compliance.rules.registry import EVALUATORS, FAMILY_ORDER, KIND_ORDER
from compliance.verdict import order_findings, risk_score, verdict_of

if TYPE_CHECKING:
    import pandas as pd

    from compliance.names import NameIndex, NameMatch

log = logging.getLogger(__name__)

MatchKey = tuple[str, str | None]
# Matches judged per party: one entity can sit on the curated list and on four official lists,
# and the binding one must not be cut off.
PARTY_SEARCH_LIMIT = 10


class BundleRef(BaseModel):
    name: str
    version: str
    sha256: str
    path: str


class Provenance(BaseModel):
    """What a result set was screened with: recorded with every result set."""

    tool: str = "compliance"
    tool_version: str = __version__
    rules: BundleRef
    lists: list[ListInfo]
    jurisdiction: str
    as_of: dt.date | None = None
    run_at: dt.datetime = Field(default_factory=lambda: dt.datetime.now(dt.UTC))


class Screener:
    """Screens shipments against the rule bundle and the loaded sanctions lists."""

    def __init__(self, bundle: RuleBundle, lists: Sequence[LoadedList], *, jurisdiction: str | None = None,
                 as_of: dt.date | None = None) -> None:
        from compliance.names import BLOCK_THRESHOLD, NameIndex

        self.bundle = bundle
        self.lists = list(lists)
        jurisdiction = (jurisdiction or bundle.countries.default_jurisdiction).upper()
        if jurisdiction not in bundle.countries.jurisdictions:
            raise ComplianceError(f"unknown jurisdiction {jurisdiction!r}: use one of "
                                  f"{', '.join(bundle.countries.jurisdictions)}")
        self.jurisdiction = jurisdiction
        self.as_of = as_of
        self.entities: dict[str, Entity] = {e.id: e for lst in self.lists for e in lst.entities}
        self.index: NameIndex = NameIndex(self.entities.values())
        # Each party finding names the version of the list it matched on.
        self._list_infos = {x.info.name: x.info for x in self.lists}
        self.block_threshold = float(BLOCK_THRESHOLD)
        self._rules = sorted((r for r in bundle.rules if r.family in EVALUATORS),
                             key=lambda r: (FAMILY_ORDER[r.family], KIND_ORDER.get(r.kind, 0), r.id))
        self._party_rules: dict[str, Rule] = {r.kind: r for r in bundle.rules if r.family == Family.party}
        self._humanitarian = next((r for r in bundle.rules if r.family == Family.humanitarian), None)
        # Hooks run on every result's findings after all families (e.g. recorded decisions on
        # reviewed false positives, compliance.audit). Registered at load time, never per request.
        self.finding_filters: list[Callable[[Context, list[Finding]], list[Finding]]] = []
        for kind in ("listed", "possible"):
            if kind not in self._party_rules:
                raise ComplianceError(f"the rule bundle has no party rule of kind {kind!r}")

    # Loading ---------------------------------------------------------------------------
    @classmethod
    def load(cls, rules_dir: str | Path | None = None, lists: Iterable[str | Path] | None = None, *,
             jurisdiction: str | None = None, as_of: dt.date | None = None,
             include_imported: bool = True, db: str | Path | None | Literal[False] = None) -> Screener:
        """Load the rule bundle (default: the bundled ``rules/``), the curated Belarus list, the
        lists imported with ``compliance lists import`` and any list files given.

        ``db``: the audit store whose false-positive decisions apply (default: the default store
        when it exists; ``False``: none)."""
        from compliance import lists as lists_mod
        from compliance.audit import attach_decisions

        bundle = load_bundle(rules_dir)
        loaded = [lists_mod.load_curated()]
        if include_imported:
            loaded.extend(lists_mod.imported_lists())
        if lists:
            loaded.extend(lists_mod.load_lists(list(lists)))
        log.info("loaded rules %s (%d rules) and %d lists (%d entities)", bundle.version, len(bundle.rules),
                 len(loaded), sum(len(x.entities) for x in loaded))
        screener = cls(bundle, loaded, jurisdiction=jurisdiction, as_of=as_of)
        attach_decisions(screener, db)
        return screener

    def provenance(self, *, jurisdiction: str | None = None, as_of: dt.date | None = None) -> Provenance:
        b = self.bundle
        return Provenance(rules=BundleRef(name=b.info.name, version=b.version, sha256=b.sha256, path=str(b.path)),
                          lists=[x.info for x in self.lists], jurisdiction=(jurisdiction or self.jurisdiction).upper(),
                          as_of=as_of or self.as_of)

    # Names -----------------------------------------------------------------------------
    def match(self, name: str, country: str | None = None, limit: int = 10) -> list[NameMatch]:
        return self.index.search(name, country=country, limit=limit)

    def _same_name(self, a: str, b: str) -> bool:
        from compliance.names import normalize_name

        return normalize_name(a) == normalize_name(b)

    # Screening -------------------------------------------------------------------------
    def _date(self, shipment: Shipment, as_of: dt.date | None) -> dt.date:
        return shipment.date or as_of or self.as_of or dt.date.today()

    def context(self, shipment: Shipment, *, jurisdiction: str | None = None,
                as_of: dt.date | None = None) -> Context:
        j = (jurisdiction or self.jurisdiction).upper()
        if j not in self.bundle.countries.jurisdictions:
            raise ComplianceError(f"unknown jurisdiction {j!r}: use one of "
                                  f"{', '.join(self.bundle.countries.jurisdictions)}")
        return Context(shipment=shipment, date=self._date(shipment, as_of), bundle=self.bundle,
                       jurisdiction_code=j, same_name=self._same_name)

    def screen(self, shipment: Mapping[str, Any] | Shipment, *, row_number: int | None = None,
               jurisdiction: str | None = None, as_of: dt.date | None = None,
               quota: QuotaTracker | None = None,
               party_matches: Mapping[MatchKey, Sequence[NameMatch]] | None = None,
               input_row: Mapping[str, Any] | None = None) -> ScreeningResult:
        """Screen one shipment (a dict of contract columns or a ``Shipment``).

        Never raises for bad input: an unreadable row comes back as an ERROR result naming the
        field and how to fix it.
        """
        echo = dict(input_row if input_row is not None else
                    (shipment if isinstance(shipment, Mapping) else shipment.model_dump(mode="json")))
        raw_id = echo.get("shipment_id")
        try:
            s = shipment if isinstance(shipment, Shipment) else parse_shipment(dict(shipment), row_number)
        except InvalidInput as e:
            return ScreeningResult(row_number=row_number, shipment_id=None if raw_id is None else str(raw_id),
                                   verdict=Verdict.ERROR, error=str(e), input=echo)
        ctx = self.context(s, jurisdiction=jurisdiction, as_of=as_of)
        findings: list[Finding] = []
        for rule in self._rules:
            if rule.in_force(ctx.date):
                findings.extend(EVALUATORS[rule.family](ctx, rule))
        if quota is not None:
            findings.extend(quota.observe(ctx))
        if self._humanitarian is not None and self._humanitarian.in_force(ctx.date):
            findings = humanitarian.apply(ctx, self._humanitarian, findings)
        findings.extend(self._screen_parties(ctx, party_matches))
        for hook in self.finding_filters:
            findings = hook(ctx, findings)
        findings = order_findings(findings)
        return ScreeningResult(row_number=row_number, shipment_id=s.shipment_id, verdict=verdict_of(findings),
                               risk_score=risk_score(findings), findings=findings, warnings=ctx.warnings,
                               input=echo)

    def _screen_parties(self, ctx: Context,
                        cache: Mapping[MatchKey, Sequence[NameMatch]] | None) -> list[Finding]:
        rules = {k: r for k, r in self._party_rules.items() if r.in_force(ctx.date)}
        if "listed" not in rules or "possible" not in rules:
            return []
        out: list[Finding] = []
        for party in ctx.shipment.parties:
            key = (party.name, party.country)
            matches = cache.get(key) if cache is not None else None
            if matches is None:
                matches = self.index.search(party.name, country=party.country, limit=PARTY_SEARCH_LIMIT)
            out.extend(evaluate_party(ctx, rules, party, matches, self.entities, self.block_threshold,
                                      self._list_infos))
        return out

    def prematch(self, shipments: Iterable[Shipment]) -> dict[MatchKey, list[NameMatch]]:
        """Match each distinct (party name, country) of a batch once."""
        keys = {(p.name, p.country) for s in shipments for p in s.parties}
        return {key: self.index.search(key[0], country=key[1], limit=PARTY_SEARCH_LIMIT) for key in keys}

    def screen_many(self, rows: Iterable[Mapping[str, Any] | Shipment], *, jurisdiction: str | None = None,
                    as_of: dt.date | None = None, quota_store: QuotaStore | None = None,
                    first_row_number: int = 1) -> Iterator[ScreeningResult]:
        """Screen rows in order; quota rules count across the whole iterable."""
        tracker = QuotaTracker(self.bundle, quota_store)
        for i, row in enumerate(rows, start=first_row_number):
            yield self.screen(row, row_number=i, jurisdiction=jurisdiction, as_of=as_of, quota=tracker)

    def screen_frame(self, frame: pd.DataFrame, *, jurisdiction: str | None = None,
                     as_of: dt.date | None = None) -> pd.DataFrame:
        """DataFrame in (contract columns), DataFrame out (input columns + result columns)."""
        import pandas as pd

        from compliance.io import result_record

        columns = [str(c) for c in frame.columns]
        rows = frame.astype(object).where(frame.notna(), None).to_dict(orient="records")
        records = [result_record(r, columns) for r in
                   self.screen_many(({str(k): v for k, v in row.items()} for row in rows),
                                    jurisdiction=jurisdiction, as_of=as_of)]
        return pd.DataFrame.from_records(records)
