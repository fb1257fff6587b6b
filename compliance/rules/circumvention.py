"""Circumvention: third-country routes that hide a Belarusian or Russian receiver.

``diversion``: the destination is a third country but the consignee or end user is in BY/RU —
BLOCK for export-restricted goods, REVIEW otherwise. ``quota`` rules are counted across a
batch (``compliance.rules.quota``), not per row.
"""

from __future__ import annotations

from compliance.models import Finding, Severity
from compliance.rules.context import Context, country_name, format_hs
from compliance.rules.model import Rule


def evaluate(ctx: Context, rule: Rule) -> list[Finding]:
    if rule.kind != "diversion":
        return []
    s = ctx.shipment
    sanctioned = ctx.sanctioned(rule)
    if s.destination_country in sanctioned:
        return []
    hidden = {k: v for k, v in ctx.receivers_in(sanctioned).items() if k != "destination_country"}
    if not hidden:
        return []
    roles = ", ".join(f"{k.removesuffix('_country').replace('_', ' ')} in {country_name(v)}"
                      for k, v in hidden.items())
    evidence: dict[str, object] = {"destination_country": s.destination_country, **hidden,
                                   "hs_code": s.hs_code}
    if ctx.sensitive:
        evidence["restricted_as"] = [h.rule.id for h in ctx.sensitive_hits]
        message = (f"{rule.title}: export-restricted goods (HS {format_hs(s.hs_code)}) declared for "
                   f"{country_name(s.destination_country)} but the {roles}")
        doubts = [] if ctx.sensitive_certain else [
            "the goods are only possibly export-restricted (" + ctx.sensitive_summary() + ")"]
        return [ctx.finding(rule, message, evidence, severity=Severity.block, doubts=doubts)]
    message = (f"{rule.title}: goods declared for {country_name(s.destination_country)} but the {roles}: "
               "the route hides the real destination")
    return [ctx.finding(rule, message, evidence, severity=Severity.review)]
