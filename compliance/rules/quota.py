"""Circumvention quotas: cumulative value per third country, goods group and period.

Quotas on trade with the high-risk third countries are proposed, not adopted: the limits in
the rule data are watch thresholds, configurable per rule. Values count in EUR (rows in another
currency are not summed and carry a note). The tracker keeps state for one batch; a ledger
(``compliance.audit.Ledger``) keeps it across runs through the same ``QuotaStore`` interface.

Counting is idempotent per shipment id: a shipment seen again (the same file screened twice,
a re-screening, a repeated row) replaces its earlier value instead of adding to it, and keeps
its place in the order shipments were first seen. The total a shipment is judged by is the
running total up to and including it, so screening the same shipments again gives the same
findings, and the shipment that first took the total over the limit stays the first flagged.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from compliance.hs import screened_code
from compliance.models import Finding, Severity, Shipment
from compliance.rules.context import Context, country_name, is_eur
from compliance.rules.loader import RuleBundle
from compliance.rules.model import Rule

QuotaKey = tuple[str, str, str]  # (rule id, destination country, period)


class QuotaStore(Protocol):
    def add(self, key: QuotaKey, value: float, shipment_id: str | None = None) -> float:
        """Count ``value`` of ``shipment_id`` under ``key``; return the running total up to and
        including that shipment (idempotent per shipment id; ``None``: always a new entry)."""


class KeyState:
    """The shipments counted under one key, in first-seen order, with cached running totals."""

    __slots__ = ("order", "values", "total", "_prefix")

    def __init__(self) -> None:
        self.order: dict[str, int] = {}  # shipment id -> position
        self.values: list[float] = []
        self.total = 0.0
        self._prefix: list[float] | None = []

    def add(self, value: float, shipment_id: str | None) -> tuple[float, bool]:
        """The running total at the shipment, and whether the stored value changed."""
        pos = self.order.get(shipment_id) if shipment_id is not None else None
        if pos is None:
            if shipment_id is not None:
                self.order[shipment_id] = len(self.values)
            self.values.append(value)
            self.total += value
            if self._prefix is not None:
                self._prefix.append(self.total)
            return self.total, True
        changed = self.values[pos] != value
        if changed:
            self.total += value - self.values[pos]
            self.values[pos] = value
            self._prefix = None
        if self._prefix is None:
            running, self._prefix = 0.0, []
            for v in self.values:
                running += v
                self._prefix.append(running)
        return self._prefix[pos], changed


class MemoryQuotaStore:
    """Counts for one batch (the default when no ledger is in use)."""

    def __init__(self) -> None:
        self.keys: dict[QuotaKey, KeyState] = {}

    @property
    def totals(self) -> dict[QuotaKey, float]:
        return {k: v.total for k, v in self.keys.items()}

    def add(self, key: QuotaKey, value: float, shipment_id: str | None = None) -> float:
        return self.keys.setdefault(key, KeyState()).add(value, shipment_id)[0]


def period_key(date: dt.date, period: str) -> str:
    if period == "year":
        return f"{date.year}"
    if period == "quarter":
        return f"{date.year}-Q{(date.month - 1) // 3 + 1}"
    return f"{date.year}-{date.month:02d}"


def _countries(ctx: Context, rule: Rule) -> set[str]:
    spec = rule.params.get("countries", "high_risk")
    if spec == "high_risk":
        return ctx.high_risk
    return set(spec)


class QuotaTracker:
    """Counts shipments against the bundle's quota rules, in input order."""

    def __init__(self, bundle: RuleBundle, store: QuotaStore | None = None) -> None:
        self.bundle = bundle
        self.rules = [r for r in bundle.rules if r.family.value == "circumvention" and r.kind == "quota"]
        self.store: QuotaStore = store or MemoryQuotaStore()
        self._covered: dict[tuple[str, str], bool] = {}
        # Each rule's destination countries, worked out once per country group object (the
        # check runs on every row; building the set each time was a tenth of a batch's rules).
        self._destinations: dict[str, tuple[object, Rule, frozenset[str]]] = {}
        # Per rule: its goods list (the object, to notice a new bundle), codes and code lengths.
        self._prefixes: dict[str, tuple[object, frozenset[str], tuple[int, ...]]] = {}

    def covers(self, rule: Rule, code: str) -> bool:
        """Is the HS code within the rule's goods (remembered per code: batches repeat codes)."""
        key = (rule.id, code)
        hit = self._covered.get(key)
        if hit is None:
            if len(self._covered) > 100_000:
                self._covered.clear()
            code = screened_code(code)  # as ``Context.hits`` reads it: an HS 2017 code as its successor
            codes, lengths = self._prefixes_of(rule)
            # ``prefix_relation(code, entry) == "within"`` for some entry: the code starts with it.
            hit = self._covered[key] = any(code[:n] in codes for n in lengths)
        return hit

    def _prefixes_of(self, rule: Rule) -> tuple[frozenset[str], tuple[int, ...]]:
        """The rule's goods codes as a set, with their lengths: a code is covered when one of its
        prefixes is in the set (one lookup per length instead of a scan of every entry)."""
        goods = self.bundle.goods.get(rule.id, [])
        got = self._prefixes.get(rule.id)
        if got is None or got[0] is not goods:
            codes = frozenset(e.code for e in goods)
            got = self._prefixes[rule.id] = (goods, codes, tuple(sorted({len(c) for c in codes})))
        return got[1], got[2]

    def known_destinations(self, rule: Rule, group: object) -> frozenset[str] | None:
        """The rule's destination countries as worked out for the high-risk ``group`` (the
        bundle's), or None when not worked out yet for this rule and group."""
        got = self._destinations.get(rule.id)
        return got[2] if got is not None and got[0] is group and got[1] is rule else None

    def _destinations_of(self, ctx: Context, rule: Rule) -> frozenset[str]:
        """``_countries(ctx, rule)``, remembered per rule while the rule and the bundle's group are
        the same objects."""
        group = ctx.bundle.countries.high_risk
        known = self.known_destinations(rule, group)
        if known is None:
            known = frozenset(_countries(ctx, rule))
            self._destinations[rule.id] = (group, rule, known)
        return known

    def observe(self, ctx: Context) -> list[Finding]:
        s: Shipment = ctx.shipment
        out: list[Finding] = []
        if ctx.humanitarian or s.value is None:
            return out
        for rule in self.rules:
            if not rule.in_force(ctx.date) or s.destination_country not in self._destinations_of(ctx, rule):
                continue
            if not self.covers(rule, s.hs_code):
                continue
            if not is_eur(s.currency):
                ctx.warnings.append(f"{rule.id}: value in {s.currency} not counted towards the EUR quota")
                continue
            limit = float(rule.params["limit_eur"])
            period = period_key(ctx.date, rule.params.get("period", "month"))
            key = (rule.id, s.destination_country, period)
            total = self.store.add(key, s.value, s.shipment_id)
            if total > limit:
                group = rule.params.get("group", rule.title)
                message = (f"{rule.title}: cumulative {group} value to {country_name(s.destination_country)} in "
                           f"{period} is EUR {total:,.0f}, above the watch threshold of EUR {limit:,.0f}")
                out.append(ctx.finding(rule, message, {"hs_code": s.hs_code,
                                                       "destination_country": s.destination_country,
                                                       "period": period, "cumulative_eur": round(total, 2),
                                                       "limit_eur": limit, "value": s.value},
                                       severity=Severity.review))
        return out
