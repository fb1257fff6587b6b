"""The ``Screener``: rules, lists and the name index loaded once; shipments screened many times.

It holds no per-request state: after ``load`` it is read-only, so one instance can be
shared between threads (the HTTP service does) and between batches.
"""

from __future__ import annotations

import datetime as dt
import logging
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, cast

from pydantic import BaseModel, Field

from compliance import __version__
from compliance.exc import ComplianceError, InvalidInput
from compliance.hs import prefix_relation, screened_code
from compliance.lists.model import Entity, ListInfo, LoadedList
from compliance.models import PARTY_ROLES, Family, Finding, Party, ScreeningResult, Shipment, Verdict, parse_shipment
from compliance.rules import humanitarian
from compliance.rules.context import GOODS_FAMILIES, Context, GoodsHit, format_hs
from compliance.rules.loader import RuleBundle, load_bundle
from compliance.rules.model import Rule
from compliance.rules.party import evaluate_party
from compliance.rules.quota import QuotaStore, QuotaTracker
from compliance.rules.registry import EVALUATORS, FAMILY_ORDER, KIND_ORDER, Evaluator
from compliance.verdict import order_findings, risk_score, verdict_of

if TYPE_CHECKING:
    import pandas as pd

    from compliance.names import NameIndex, NameMatch

log = logging.getLogger(__name__)

MatchKey = tuple[str, str | None]
# Each party role with its name and country fields (read per row: no string building there).
ROLE_FIELDS: tuple[tuple[str, str, str], ...] = tuple((r, f"{r}_name", f"{r}_country") for r in PARTY_ROLES)
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

    def context_maker(self, *, jurisdiction: str | None = None,
                      as_of: dt.date | None = None) -> Callable[[Shipment], Context]:
        """``context`` with these arguments, for many shipments: the jurisdiction checked once
        (the batch engine makes one per row)."""
        j = (jurisdiction or self.jurisdiction).upper()
        if j not in self.bundle.countries.jurisdictions:
            raise ComplianceError(f"unknown jurisdiction {j!r}: use one of "
                                  f"{', '.join(self.bundle.countries.jurisdictions)}")
        bundle, same_name, date_of = self.bundle, self._same_name, self._date

        def make(shipment: Shipment) -> Context:
            return Context(shipment, date_of(shipment, as_of), bundle, j, same_name)

        return make

    def screen(self, shipment: Mapping[str, Any] | Shipment, *, row_number: int | None = None,
               jurisdiction: str | None = None, as_of: dt.date | None = None,
               quota: QuotaTracker | None = None,
               party_matches: Mapping[MatchKey, Sequence[NameMatch]] | None = None,
               input_row: Mapping[str, Any] | None = None, notes: Sequence[str] = ()) -> ScreeningResult:
        """Screen one shipment (a dict of contract columns or a ``Shipment``).

        Never raises for bad input: an unreadable row comes back as an ERROR result naming the
        field and how to fix it. A dict is read as a file row is (``normalise_record``: numeric HS
        codes, disguised party names ...), each change in the result's warnings. ``quota``: the
        batch's tracker; without one the shipment is counted against the quota rules as a batch
        of one. ``notes``: warnings of the caller's own reading of the row, added to the result's.
        """
        echo = dict(input_row if input_row is not None else
                    (shipment if isinstance(shipment, Mapping) else shipment.model_dump(mode="json")))
        raw_id = echo.get("shipment_id")
        try:
            if isinstance(shipment, Shipment):
                s = shipment
            else:
                # Imported here: the file readers add ~25 ms to ``import compliance.screener``.
                from compliance.io.readers import normalise_record

                problems: list[str] = []
                data, read_notes = normalise_record(shipment, row_number or 1, problems)
                notes = [*notes, *read_notes]
                if problems:  # what makes a file row ERROR (an amount of 10^15, a number as currency)
                    raise InvalidInput(("" if row_number is None else f"row {row_number}: ") + "; ".join(problems),
                                       row=row_number, field=problems[0].split(" ", 1)[0])
                s = parse_shipment(data, row_number)
        except InvalidInput as e:
            return ScreeningResult(row_number=row_number, shipment_id=None if raw_id is None else str(raw_id),
                                   verdict=Verdict.ERROR, error=str(e), input=echo, warnings=list(notes))
        ctx = self.context(s, jurisdiction=jurisdiction, as_of=as_of)
        if notes:
            ctx.warnings.extend(notes)
        goods = self.goods_findings(ctx)
        if quota is None and s.value is not None:
            # Without a tracker the shipment is a batch of one: its own value counts against the
            # quotas (a row without a value counts for nothing either way).
            quota = QuotaTracker(self.bundle)
        quota_findings = quota.observe(ctx) if quota is not None else []
        parties = self._screen_parties(ctx, party_matches)
        return self.complete(ctx, goods, quota_findings, parties, row_number=row_number, echo=echo)

    def rules_in_force(self, date: dt.date) -> tuple[tuple[Evaluator, Rule, bool], ...]:
        """``goods_findings``'s rules in force on ``date``, in order, with their evaluators and
        whether the rule can fire only on a goods hit of its own (the goods families)."""
        return tuple((EVALUATORS[r.family], r, r.family in GOODS_FAMILIES) for r in self._rules if r.in_force(date))

    def goods_findings(self, ctx: Context,
                       rules: tuple[tuple[Evaluator, Rule, bool], ...] | None = None) -> list[Finding]:
        """The goods, route and document rules (every family but party and humanitarian), in order.
        A goods-family rule the code does not hit is not called: its evaluator finds nothing
        without a hit of its own. ``rules``: ``rules_in_force(ctx.date)``, when the caller keeps it
        (the batch's goods cache, per date bucket)."""
        findings: list[Finding] = []
        hits = ctx.hits
        for evaluate, rule, needs_hit in self.rules_in_force(ctx.date) if rules is None else rules:
            if not needs_hit or rule.id in hits:
                findings.extend(evaluate(ctx, rule))
        return findings

    def complete(self, ctx: Context, goods: list[Finding], quota: list[Finding], parties: list[Finding], *,
                 row_number: int | None, echo: dict[str, Any], trusted: bool = False,
                 own_echo: bool = False) -> ScreeningResult:
        """Fold one row's findings into its result: humanitarian lowering, hooks, order, verdict.

        The single place every engine (``screen``, the batch engine, Dask) finishes a row, so all
        of them give the same result for the same findings. ``trusted``: ``row_number`` and the
        echo's keys are of the model's types (the batch engine's rows): the result is built
        without validating them again — the same result, for less. ``own_echo`` (with
        ``trusted``): the result may keep ``echo`` itself, which the caller no longer changes.
        """
        if trusted and not own_echo:
            echo = dict(echo)
        # A document kind the contract does not know vouches for nothing: the row says so (once,
        # also for a row a worker or the quota pass hands back with its warnings).
        # So does a code HS 2022 does not have (an HS 2017 code, a typo): the goods rules may miss it.
        for note in (ctx.shipment.end_use_doc_warning, ctx.shipment.hs_code_warning):
            if note is not None and note not in ctx.warnings:
                ctx.warnings.append(note)
        if not goods and not quota and not parties:
            # Most rows of a batch: nothing to lower (only the hooks may add findings).
            findings: list[Finding] = []
        else:
            findings = goods + quota
            if self._humanitarian is not None and self._humanitarian.in_force(ctx.date):
                findings = humanitarian.apply(ctx, self._humanitarian, findings)
            findings.extend(parties)
        for hook in self.finding_filters:
            findings = hook(ctx, findings)
        if trusted and (row_number is None or type(row_number) is int):
            # What validation gives for values of the right types: lists and dict copied.
            if not findings:  # nothing to order or weigh
                return _construct_result({"row_number": row_number, "shipment_id": ctx.shipment.shipment_id,
                                          "verdict": Verdict.CLEAR, "risk_score": 0, "findings": [], "error": None,
                                          "warnings": list(ctx.warnings), "input": echo})
            findings = order_findings(findings)
            return _construct_result({"row_number": row_number, "shipment_id": ctx.shipment.shipment_id,
                                      "verdict": verdict_of(findings), "risk_score": risk_score(findings),
                                      "findings": findings, "error": None, "warnings": list(ctx.warnings),
                                      "input": echo})
        findings = order_findings(findings)
        return ScreeningResult(row_number=row_number, shipment_id=ctx.shipment.shipment_id,
                               verdict=verdict_of(findings), risk_score=risk_score(findings), findings=findings,
                               warnings=ctx.warnings, input=echo)

    def _screen_parties(self, ctx: Context,
                        cache: Mapping[MatchKey, Sequence[NameMatch]] | None) -> list[Finding]:
        rules: dict[str, Rule] | None = None
        out: list[Finding] = []
        s = ctx.shipment
        for role, name_field, country_field in ROLE_FIELDS:
            name = getattr(s, name_field)
            if not name:
                continue
            country = getattr(s, country_field)
            matches = cache.get((name, country)) if cache is not None else None
            if matches is None:
                if isinstance(cache, PartyCache):  # searched once per run: kept for the rows after
                    matches = cache.search(name, country)
                else:
                    matches = self.index.search(name, country=country, limit=PARTY_SEARCH_LIMIT)
            if not matches:
                continue  # most parties of a batch: nothing to evaluate
            if rules is None:
                rules = {k: r for k, r in self._party_rules.items() if r.in_force(ctx.date)}
                if "listed" not in rules or "possible" not in rules:
                    return []
            party = Party(role=role, name=name, country=country)
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


_RESULT_SET = frozenset({"row_number", "shipment_id", "verdict", "risk_score", "findings", "warnings", "input"})


_setattr = object.__setattr__
_new = object.__new__  # what ``ScreeningResult.__new__`` is (a pydantic model defines none)


def _construct_result(values: dict[str, Any]) -> ScreeningResult:
    # ``model_construct`` without its per-call overhead: every field given, in the model's
    # order; the fields set are those ``complete`` passes when it validates.
    result: ScreeningResult = _new(ScreeningResult)
    _setattr(result, "__dict__", values)
    _setattr(result, "__pydantic_fields_set__", set(_RESULT_SET))
    _setattr(result, "__pydantic_extra__", None)
    _setattr(result, "__pydantic_private__", None)
    return result


# Batch caches ------------------------------------------------------------------------------
# Stand-ins for the per-row values that goods findings carry only as evidence: a cached
# finding is built once with these and gets each row's own values back (see GoodsCache).
_DESCRIPTION = "\x00description\x00"
_DOC_ID = "\x00end_use_doc_id\x00"
# The HS code is evidence too, and messages write it (``format_hs``): evaluated with this in its
# place, findings are shared by the codes with the same goods hits. Four characters, so that
# ``format_hs`` writes it unchanged: a message's stand-in is the formatted code, evidence's the code.
_HS_CODE = "\x00hs\x00"
_PER_ROW = {_DESCRIPTION: "description", _DOC_ID: "end_use_doc_id", _HS_CODE: "hs_code"}


# A country class not known yet, for each of the six countries of ``GoodsCache.known_clear``.
_UNKNOWN = (-1,) * 6

# The cached property's function (the class attribute is the ``cached_property``).
_STATUS_OF: Callable[[Context], str] = Context.__dict__["document_status"].func


def _document_status(ctx: Context) -> str:
    """``ctx.document_status`` (a cached property), computed and kept as it would be, without
    the descriptor's per-call lock (Python 3.11): read on every row."""
    d = ctx.__dict__
    status: str | None = d.get("document_status")
    if status is None:
        status = d["document_status"] = _STATUS_OF(ctx)
    return status


def _evict(cache: dict[Any, Any], limit: int) -> None:
    """Drop the oldest tenth of a full cache (insertion order; hits move a key to the end, so
    the least recently used go): bounded, and cheap per row."""
    if len(cache) >= limit:
        for key in list(islice(iter(cache), max(1, limit // 10))):
            del cache[key]


class PartyCache(dict[MatchKey, list["NameMatch"]]):
    """Name matches of distinct (party name, country) pairs across a whole run, searched when a
    row first needs them (``search``).

    Holds at most ``limit`` pairs.
    """

    def __init__(self, index: NameIndex, limit: int = 200_000) -> None:
        super().__init__()
        self.index = index
        self.limit = limit
        self.searches = 0

    def search(self, name: str, country: str | None) -> list[NameMatch]:
        """The matches of a pair not in the cache yet: searched, and kept."""
        self.searches += 1
        found = self.index.search(name, country=country, limit=PARTY_SEARCH_LIMIT)
        _evict(self, self.limit)  # a pair evicted and seen again is searched again
        self[(name, country)] = found
        return found


@dataclass(slots=True)
class _CodeOnly:
    """The shipment of a hits probe: ``Context.hits`` and ``.humanitarian`` read only its code
    (a ``Shipment`` costs ~300 us to construct without validation, this nothing)."""

    hs_code: str


@dataclass(slots=True)
class _Hits:
    hits: dict[str, GoodsHit]
    signature: int  # the same number for the same hits (entries and relations) and humanitarian flag
    per_item: bool  # a hit rule reads the value per item (luxury thresholds): amounts join the key
    humanitarian: bool  # ``Context.humanitarian``: a function of the code and its hits
    # The CLEAR lane's: the destinations of each quota rule in force that counts the code.
    quota: tuple[frozenset[str], ...] | None = None


@dataclass(slots=True)
class _Cached:
    findings: tuple[Finding, ...]
    per_row: tuple[tuple[str, ...], ...]  # per finding: evidence keys holding a stand-in
    in_message: tuple[bool, ...]  # per finding: its message writes the code's stand-in
    fired: frozenset[str]
    warnings: tuple[str, ...]
    reads: tuple[str, ...]  # the shipment's fields the evaluation read (but those with stand-ins)


class _Reads:
    """A shipment that notes the names of the fields read of it (``GoodsCache._evaluate``)."""

    __slots__ = ("_shipment", "read")

    def __init__(self, shipment: Shipment) -> None:
        self._shipment = shipment
        self.read: set[str] = set()

    def __getattr__(self, name: str) -> Any:  # every name but the two slots
        self.read.add(name)
        return getattr(self._shipment, name)


_FIELDS = frozenset(Shipment.model_fields)


def _values_of(s: Shipment, fields: tuple[str, ...]) -> tuple[Any, ...]:
    """The shipment's values of ``fields``, hashable (lists as tuples)."""
    return tuple(tuple(v) if type(v := getattr(s, f)) is list else v for f in fields)


def _holds_stand_in(value: object) -> bool:
    """Does a finding's value hold a stand-in's character (a stand-in cut or joined to other text)?"""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list | tuple):
        return any(map(_holds_stand_in, value))
    if isinstance(value, dict):
        return any(map(_holds_stand_in, value.values()))
    return False


class GoodsCache:
    """The goods, route and document findings of a batch, computed once per distinct goods key.

    Those families read a fixed set of a shipment's facts: what its HS code hits (the hits per
    rule, a function of the code and of which rules and codes are in force), where it goes
    (destination, consignee and end-user countries), where it comes from (origin, exporter
    country), its route, its end-use document (type, issuer, and whether it counts as the
    manufacturer's) and, for luxury-type bans only, value, quantity, unit and currency; plus
    the jurisdiction and the shipment date — only through rule validity, so dates between the
    same validity boundaries share a key. The HS code counts only through its hits (which
    entries of which rules, how related) and whether it is humanitarian; the code itself, the
    description and the document number are evidence and message text only: findings are built
    with stand-ins and get each row's values back (codes under one listed heading, ``84713000``
    and ``84713090``, share one evaluation). Findings that read the code's stand-in in any other
    way (cut, or an error reading it) are evaluated again with the row's code and kept per code.
    Per-row state (quota totals, party names) is not in here: quotas and parties are screened per row.

    Two tiers. Whether any finding fires depends on the countries only through the country
    groups of the bundle they belong to (sanctioned, harmonised, partner, high-risk, and any
    country list a rule names) and on where route countries equal the destination, exporter
    or origin country; and on the HS code only through its hits. A key made of those (the
    shape) settles most rows of a batch (no finding) without evaluating anything. Rows with
    findings add to the shape the values of the shipment's fields the evaluation read (noted
    as it runs: the countries it names, the route, the document fields, ...), so rows that agree
    on those take the same branches and get the same findings: a destination or route is read
    by most rules, a manufacturer country only by some, and the code by none (its stand-in).
    """

    def __init__(self, screener: Screener, limit: int = 100_000) -> None:
        self.screener = screener
        self.limit = limit
        bundle = screener.bundle
        dates: set[dt.date] = set()
        one_day = dt.timedelta(days=1)
        for rule in bundle.rules:
            dates.add(rule.valid_from)
            if rule.valid_to:
                dates.add(rule.valid_to + one_day)
            if rule.wind_down_until:
                dates.add(rule.wind_down_until + one_day)
        for entries in bundle.goods.values():
            for e in entries:
                if e.valid_from:
                    dates.add(e.valid_from)
                if e.valid_to:
                    dates.add(e.valid_to + one_day)
        # Every date test of the goods families is "date >= boundary" for one of these.
        self._bounds = sorted(dates)
        groups = [set(g.countries) for g in (bundle.countries.sanctioned, bundle.countries.harmonised,
                                             bundle.countries.partner, bundle.countries.high_risk)]
        for rule in bundle.rules:
            for v in rule.params.values():
                if isinstance(v, list) and all(isinstance(x, str) for x in v):
                    groups.append(set(v))
        self._groups = groups
        self._classes: dict[str | None, int | None] = {None: None}  # no country: no class
        self._class_ids: dict[tuple[bool, ...], int] = {}
        # Goods entries by code, and by every prefix of their code: the entries a declared
        # code can relate to (prefix either way), so hits never scan the whole bundle.
        self._exact: dict[str, list[tuple[int, str, Any]]] = {}
        self._under: dict[str, list[tuple[int, str, Any]]] = {}
        n = 0
        for rid, entries in bundle.goods.items():
            for e in entries:
                item = (n, rid, e)
                n += 1
                self._exact.setdefault(e.code, []).append(item)
                for k in range(1, len(e.code) + 1):
                    self._under.setdefault(e.code[:k], []).append(item)
        self._hits: dict[tuple[str, int], _Hits] = {}
        self._hit_sets: dict[tuple[Any, ...], dict[str, GoodsHit]] = {}
        # Distinct hit signatures: bounded by the bundle's goods entries, kept for the run.
        self._signatures: dict[tuple[Any, ...], int] = {}
        self._fires: dict[tuple[Any, ...], bool] = {}
        self._found: dict[tuple[Any, ...], _Cached] = {}
        self._reads: dict[tuple[Any, ...], list[tuple[str, ...]]] = {}  # per shape: the fields read
        self._rules: dict[int, tuple[tuple[Evaluator, Rule, bool], ...]] = {}
        self.hits = 0
        self.misses = 0

    def _cls(self, country: str | None) -> int | None:
        """The country's class: which of the groups it is in, as a small number (the same number
        for the same groups; hashed in every row's key, unlike the tuple of flags)."""
        if country is None:
            return None
        c = self._classes.get(country)
        if c is None:
            flags = tuple(country in g for g in self._groups)
            c = self._classes[country] = self._class_ids.setdefault(flags, len(self._class_ids))
        return c

    def _compute_hits(self, code: str, date: dt.date) -> tuple[dict[str, GoodsHit], bool]:
        """``Context.hits`` and ``.humanitarian`` of a shipment of this code on this date, over
        only the entries the code relates to (the same result: both read no other fact)."""
        code = screened_code(code)  # as ``Context.hits`` reads it: an HS 2017 code as its successor
        # Entries whose code starts the declared one (it is within them), and entries under it.
        related: dict[int, tuple[int, str, Any]] = {}
        for k in range(1, len(code) + 1):
            for item in self._exact.get(code[:k], ()):
                related[item[0]] = item
        for item in self._under.get(code, ()):
            related[item[0]] = item
        bundle, screener = self.screener.bundle, self.screener
        # The hits read the code only through its relation to each of these entries: codes
        # related alike to the same entries (most: to none) share them, per date bucket.
        bucket = bisect_right(self._bounds, date)
        key = (tuple(sorted((n, prefix_relation(code, e.code)) for n, _, e in related.values())), bucket)
        hits = self._hit_sets.get(key)
        if hits is None:
            goods: dict[str, list[Any]] = {}
            for _, rid, e in sorted(related.values(), key=lambda x: x[0]):
                goods.setdefault(rid, []).append(e)
            probe = Context(shipment=cast(Shipment, _CodeOnly(code)), date=date, bundle=replace(bundle, goods=goods),
                            jurisdiction_code=screener.jurisdiction, same_name=screener._same_name)
            hits = self._hit_sets[key] = probe.hits  # bounded by the bundle's entries and dates
        probe = Context(shipment=cast(Shipment, _CodeOnly(code)), date=date, bundle=bundle,
                        jurisdiction_code=screener.jurisdiction, same_name=screener._same_name)
        probe.__dict__["hits"] = hits
        return hits, probe.humanitarian

    def hits_of(self, code: str, bucket: int, date: dt.date) -> _Hits:
        """The goods hits of a code on a date of ``bucket``: remembered per (code, bucket)."""
        key = (code, bucket)
        found = self._hits.get(key)
        if found is None:
            hits, humanitarian = self._compute_hits(code, date)
            signature = (tuple((rid, id(h.entry), h.relation) for rid, h in hits.items()), humanitarian)
            # A small number in the keys instead of the nested tuple (hashed on every row).
            sid = self._signatures.setdefault(signature, len(self._signatures))
            per_item = any("min_item_value_eur" in h.rule.params for h in hits.values())
            found = _Hits(hits, sid, per_item, humanitarian)
            _evict(self._hits, self.limit)
            self._hits[key] = found
        else:
            self._hits[key] = self._hits.pop(key)  # most recently used last: evicted last
        return found

    def _goods_hits(self, ctx: Context, bucket: int) -> _Hits:
        found = self.hits_of(ctx.shipment.hs_code, bucket, ctx.date)
        # Context.hits and .humanitarian are cached properties: set as they would be computed
        # (and without the descriptor's per-call lock, in Python 3.11).
        ctx.__dict__["hits"] = found.hits
        ctx.__dict__["humanitarian"] = found.humanitarian
        return found

    def prepare(self, ctx: Context) -> None:
        """Fill the context's goods hits from the cache (for per-row rules such as quotas)."""
        self._goods_hits(ctx, bisect_right(self._bounds, ctx.date))

    def findings(self, ctx: Context) -> list[Finding]:
        """``Screener.goods_findings(ctx)``, from the cache when the key was seen before."""
        s = ctx.shipment
        bucket = bisect_right(self._bounds, ctx.date)
        gh = self._goods_hits(ctx, bucket)
        cls = self._cls
        dest, exporter, origin = s.destination_country, s.exporter_country, s.origin_country
        consignee, end_user = s.consignee_country, s.end_user_country
        route = s.transit_countries
        common = (gh.signature, bucket, ctx.jurisdiction_code, s.end_use_doc_type, s.end_use_doc_issuer,
                  _document_status(ctx), s.description is None, s.end_use_doc_id is None,
                  (s.value, s.quantity, s.unit, s.currency) if gh.per_item else None)
        maker = s.manufacturer_country
        # The countries' classes as known (-1: not yet, worked out by ``_cls``): read per row.
        get = self._classes.get
        classes = (get(dest, -1), get(consignee, -1), get(end_user, -1), get(origin, -1), get(exporter, -1),
                   get(maker, -1))
        if -1 in classes:
            classes = (cls(dest), cls(consignee), cls(end_user), cls(origin), cls(exporter), cls(maker))
        shape = (*common, *classes,
                 tuple((cls(c), c == dest, c == exporter, c == origin) for c in route) if route else ())
        if self._fires.get(shape) is False:
            self.hits += 1
            return []
        # The key: the shape, and the values of the fields the evaluation under this shape read
        # (the class docstring). Usually one set of fields per shape; a branch that reads other
        # fields adds its own.
        found = self._found
        reads = self._reads.get(shape)
        cached = None
        if reads is not None:
            for fields in reads:
                key = (shape, fields, _values_of(s, fields))
                cached = found.get(key)
                if cached is not None:
                    break
        if cached is None:
            self.misses += 1
            cached = self._evaluate(ctx, bucket)
            if not cached.findings:
                _evict(self._fires, self.limit)
                self._fires[shape] = False
            else:
                if reads is None:
                    _evict(self._reads, self.limit)
                    reads = self._reads[shape] = []
                if cached.reads not in reads:
                    reads.append(cached.reads)
                # Findings weigh a few KB per key: a fifth of the limit keeps them to tens of MB.
                _evict(found, max(1, self.limit // 5))
                found[(shape, cached.reads, _values_of(s, cached.reads))] = cached
        else:
            self.hits += 1
            found[key] = found.pop(key)  # most recently used last: evicted last
        if cached.fired:
            ctx.fired.update(cached.fired)
        if cached.warnings:
            ctx.warnings.extend(cached.warnings)
        out: list[Finding] = []
        code = None
        for f, keys, in_message in zip(cached.findings, cached.per_row, cached.in_message, strict=True):
            evidence = dict(f.evidence)
            for k in keys:
                evidence[k] = getattr(s, _PER_ROW[evidence[k]])
            if in_message:
                code = code or format_hs(s.hs_code)
                out.append(f.model_copy(update={"evidence": evidence, "message": f.message.replace(_HS_CODE, code)}))
            else:
                out.append(f.model_copy(update={"evidence": evidence}))
        return out

    def bounds(self) -> list[dt.date]:
        """The dates where some rule or goods entry starts or ends (``bisect_right`` of a date
        in them is its bucket: the same rules and entries are in force across a bucket)."""
        return self._bounds

    def known_clear(self, code: str, bucket: int, date: dt.date, jurisdiction: str, doc_type: str,
                    doc_issuer: str | None, status: str, no_description: bool, no_doc_id: bool,
                    amounts: tuple[Any, ...], countries: tuple[str | None, ...], route: list[str]) -> _Hits | None:
        """The code's hits when ``findings`` would give no finding for these facts from what it
        knows already (the shape it keys on, seen before with no finding), else None.

        Evaluates nothing (a code not seen yet on this bucket: its hits are worked out, as
        ``findings`` would): ``compliance.lane`` asks it of rows it proves CLEAR without building
        their shipment. The key is ``findings``'s own, built from the same facts: ``countries`` are
        destination, consignee, end user, origin, exporter and manufacturer countries, ``amounts``
        value, quantity, unit and currency."""
        # Not moved to the end as a hit (``hits_of``): read on every row, and cheap to work out again.
        gh = self._hits.get((code, bucket)) or self.hits_of(code, bucket, date)
        get = self._classes.get
        classes = tuple(map(get, countries, _UNKNOWN))
        if -1 in classes:
            return None
        if route:
            dest, exporter, origin = countries[0], countries[4], countries[3]
            steps = tuple((get(c, -1), c == dest, c == exporter, c == origin) for c in route)
            for step in steps:
                if step[0] == -1:
                    return None
        else:
            steps = ()
        shape = (gh.signature, bucket, jurisdiction, doc_type, doc_issuer, status, no_description, no_doc_id,
                 amounts if gh.per_item else None, *classes, steps)
        return gh if self._fires.get(shape) is False else None

    def _in_force(self, bucket: int, date: dt.date) -> tuple[tuple[Evaluator, Rule, bool], ...]:
        """``Screener.rules_in_force`` on the dates of ``bucket`` (any of them: validity changes
        only at the bucket bounds), worked out once per bucket."""
        got = self._rules.get(bucket)
        if got is None:
            got = self._rules[bucket] = self.screener.rules_in_force(date)
        return got

    def _evaluate(self, ctx: Context, bucket: int) -> _Cached:
        """The row's goods findings with stand-ins for its per-row values (the class docstring)."""
        s = ctx.shipment
        stand_ins = {"description": None if s.description is None else _DESCRIPTION,
                     "end_use_doc_id": None if s.end_use_doc_id is None else _DOC_ID, "hs_code": _HS_CODE}
        try:
            cached = self._evaluate_with(ctx, bucket, stand_ins)
        except Exception:  # noqa: BLE001 - a rule that reads the code itself: evaluated with it
            cached = None
        if cached is None or any(_holds_stand_in(f.message.replace(_HS_CODE, "")) or any(
                not (type(v) is str and v in _PER_ROW) and _holds_stand_in(v) for v in f.evidence.values())
                for f in cached.findings):
            # The code's stand-in cut or read otherwise than written out: the row's own code, a
            # field of the key like the others.
            del stand_ins["hs_code"]
            cached = self._evaluate_with(ctx, bucket, stand_ins)
        return cached

    def _evaluate_with(self, ctx: Context, bucket: int, stand_ins: dict[str, Any]) -> _Cached:
        reads = _Reads(ctx.shipment.model_copy(update=stand_ins))
        template = Context(shipment=cast(Shipment, reads), date=ctx.date, bundle=ctx.bundle,
                           jurisdiction_code=ctx.jurisdiction_code, same_name=ctx.same_name)
        # What the rules know of the code: its hits, and whether it is humanitarian; the document
        # status is in the key (its computing would read the party names).
        template.__dict__["hits"] = ctx.hits
        template.__dict__["humanitarian"] = ctx.humanitarian
        template.__dict__["document_status"] = _document_status(ctx)
        findings = self.screener.goods_findings(template, self._in_force(bucket, ctx.date))
        per_row = tuple(tuple(k for k, v in f.evidence.items() if isinstance(v, str) and v in _PER_ROW)
                        for f in findings)
        in_message = tuple(_HS_CODE in f.message for f in findings)
        # A property or method read (not a field): it may read any field, so all are in the key.
        read = reads.read if reads.read <= _FIELDS else _FIELDS
        fields = tuple(sorted(read - stand_ins.keys()))
        return _Cached(tuple(findings), per_row, in_message, frozenset(template.fired), tuple(template.warnings),
                       fields)
