"""Transit through Belarus: sanctioned goods may not pass through it at all.

``sensitive``: export-restricted goods whose route passes through BY (or RU, harmonised), in
either direction: RULES.md, which decides verdicts, bans them on any route through Belarus.
``import_banned``: import-banned goods of another origin routed through BY.
``other``: any other non-humanitarian goods routed through BY (the route is a known loophole).
Departure from and arrival in BY are not transit: the import and export rules judge those.
"""

from __future__ import annotations

from compliance.models import Finding
from compliance.rules.context import Context, country_name, format_hs
from compliance.rules.model import Rule


def evaluate(ctx: Context, rule: Rule) -> list[Finding]:
    s = ctx.shipment
    countries = ctx.sanctioned(rule) if rule.kind == "sensitive" else ctx.core_sanctioned
    through = ctx.passes_through(countries)
    if not through:
        return []
    where = " and ".join(sorted({country_name(c) for c in through}))
    evidence: dict[str, object] = {"hs_code": s.hs_code, "transit_countries": s.transit_countries,
                                   "description": s.description}
    if rule.kind == "sensitive":
        if not ctx.sensitive:
            return []
        doubts = [] if ctx.sensitive_certain else [
            "the goods are only possibly export-restricted (" + ctx.sensitive_summary() + ")"]
        evidence["restricted_as"] = [h.rule.id for h in ctx.sensitive_hits]
        message = (f"{rule.title}: export-restricted goods (HS {format_hs(s.hs_code)}: "
                   f"{ctx.sensitive_summary()}) routed through {where}")
        ctx.fired.add("transit")
        return [ctx.finding(rule, message, evidence, doubts=doubts)]
    if rule.kind == "import_banned":
        if not ctx.import_banned_hits or ctx.exported_from_by or s.origin_country in ctx.core_sanctioned:
            return []
        hit = ctx.import_banned_hits[0]
        evidence["listed_code"] = format_hs(hit.entry.code)
        message = (f"{rule.title}: goods of a Belarus import ban ({hit.rule.title}, HS "
                   f"{format_hs(s.hs_code)}) of {country_name(s.origin_country) if s.origin_country else 'undeclared'}"
                   f" origin routed through {where}: prove they were not exported from Belarus")
        ctx.fired.add("transit")
        return [ctx.finding(rule, message, evidence)]
    if "transit" in ctx.fired:
        return []
    message = f"{rule.title}: goods (HS {format_hs(s.hs_code)}) routed through {where}"
    ctx.fired.add("transit")
    return [ctx.finding(rule, message, evidence)]
