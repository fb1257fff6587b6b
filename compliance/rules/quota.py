"""Circumvention quotas: cumulative value per third country, goods group and period.

Quotas on trade with the high-risk third countries are proposed, not adopted: the limits in
the rule data are watch thresholds, configurable per rule. Values count in EUR (rows in another
currency are not summed and carry a note). The tracker keeps state for one batch; a ledger
(``compliance.audit``) can keep it across runs through the same ``QuotaStore`` interface.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from compliance.countries import country_name
from compliance.hs import prefix_relation
from compliance.models import Finding, Severity, Shipment
from compliance.rules.context import Context
from compliance.rules.loader import RuleBundle
from compliance.rules.model import Rule


class QuotaStore(Protocol):
    def add(self, key: tuple[str, str, str], value: float) -> float:
        """Add ``value`` under ``key`` and return the new cumulative total."""


class MemoryQuotaStore:
    def __init__(self) -> None:
        self.totals: dict[tuple[str, str, str], float] = {}

    def add(self, key: tuple[str, str, str], value: float) -> float:
        self.totals[key] = self.totals.get(key, 0.0) + value
        return self.totals[key]


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

    def _covers(self, rule: Rule, code: str) -> bool:
        """Is the HS code within the rule's goods (remembered per code: batches repeat codes)."""
        key = (rule.id, code)
        hit = self._covered.get(key)
        if hit is None:
            if len(self._covered) > 100_000:
                self._covered.clear()
            goods = self.bundle.goods.get(rule.id, [])
            hit = self._covered[key] = any(prefix_relation(code, e.code) == "within" for e in goods)
        return hit

    def observe(self, ctx: Context) -> list[Finding]:
        s: Shipment = ctx.shipment
        out: list[Finding] = []
        if ctx.humanitarian or s.value is None:
            return out
        for rule in self.rules:
            if not rule.in_force(ctx.date) or s.destination_country not in _countries(ctx, rule):
                continue
            if not self._covers(rule, s.hs_code):
                continue
            if (s.currency or "EUR").upper() != "EUR":
                ctx.warnings.append(f"{rule.id}: value in {s.currency} not counted towards the EUR quota")
                continue
            limit = float(rule.params["limit_eur"])
            period = period_key(ctx.date, rule.params.get("period", "month"))
            key = (rule.id, s.destination_country, period)
            total = self.store.add(key, s.value)
            if total > limit:
                group = rule.params.get("group", rule.title)
                message = (f"{rule.title}: cumulative {group} value to {country_name(s.destination_country)} in "
                           f"{period} is EUR {total:,.0f}, above the watch threshold of EUR {limit:,.0f}")
                out.append(ctx.finding(rule, message, {"destination_country": s.destination_country,
                                                       "period": period, "cumulative_eur": round(total, 2),
                                                       "limit_eur": limit, "value": s.value},
                                       severity=Severity.review))
        return out
