"""Sector rules: goods banned for export to Belarus, or for import from it.

Export bans fire when a receiving party (destination, consignee or end user) is in a
sanctioned country; import bans when the goods originate in Belarus or are exported from it
(exporter in BY, or the route starts in BY), whatever their destination (the EU bans also
cover purchase and transport). Goods made by a manufacturer in Belarus but not declared of
Belarusian origin get the import ban as REVIEW: the origin must be established.
"""

from __future__ import annotations

from compliance.models import Finding
from compliance.rules.context import Context, GoodsHit, country_name, format_hs
from compliance.rules.model import Rule


def _evaluate_export(ctx: Context, rule: Rule, hit: GoodsHit) -> list[Finding]:
    receivers = ctx.receivers_in(ctx.sanctioned(rule))
    if not receivers:
        return []
    where = ", ".join(sorted({f"{country_name(c)} ({c})" for c in receivers.values()}))
    roles = ", ".join(k.removesuffix("_country").replace("_", " ") for k in receivers)
    verb = "falls under" if hit.relation == "within" else "may fall under"
    message = (f"{rule.title}: HS {format_hs(ctx.shipment.hs_code)} {verb} listed "
               f"{format_hs(hit.entry.code)}, export to {where} ({roles}) is banned")
    evidence = {**ctx.goods_evidence(hit), **receivers}
    return [ctx.finding(rule, message, evidence, doubts=hit.doubts() + ctx.per_item_doubts(rule))]


def _evaluate_import(ctx: Context, rule: Rule, hit: GoodsHit) -> list[Finding]:
    s = ctx.shipment
    sanctioned = ctx.sanctioned(rule)
    reasons = []
    if s.origin_country in sanctioned:
        reasons.append(f"originates in {country_name(s.origin_country)}")
    if s.exporter_country in sanctioned:
        reasons.append(f"is exported by a party in {country_name(s.exporter_country)}")
    elif ctx.route_starts_in_by:
        reasons.append(f"starts its route in {country_name(s.transit_countries[0])}")
    doubts = hit.doubts()
    made_here_only = not reasons
    if made_here_only:
        # Made in Belarus but not declared as of Belarusian origin (or declared of another): the
        # origin is what the ban turns on and a Belarusian maker is the evidence against the
        # declaration (goods relabelled through a third country).
        if s.manufacturer_country not in sanctioned:
            return []
        reasons.append(f"is made by a manufacturer in {country_name(s.manufacturer_country)}")
        doubts = [*doubts, "origin " + (f"declared as {country_name(s.origin_country)}" if s.origin_country
                                        else "not declared") + ": establish whether the goods originate in Belarus"]
    verb = "falls under" if hit.relation == "within" else "may fall under"
    banned = "are banned if it originates there" if made_here_only else "are banned"
    message = (f"{rule.title}: HS {format_hs(s.hs_code)} {verb} listed {format_hs(hit.entry.code)} and "
               f"{' and '.join(reasons)}; its import, purchase and transport {banned}")
    evidence = {**ctx.goods_evidence(hit), "origin_country": s.origin_country,
                "exporter_country": s.exporter_country, "transit_countries": s.transit_countries,
                "manufacturer_country": s.manufacturer_country}
    return [ctx.finding(rule, message, evidence, doubts=doubts)]


def evaluate(ctx: Context, rule: Rule) -> list[Finding]:
    hit = ctx.hits.get(rule.id)
    if hit is None:
        return []
    if rule.kind == "export_ban":
        return _evaluate_export(ctx, rule, hit)
    return _evaluate_import(ctx, rule, hit)
