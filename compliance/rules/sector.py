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

_ITEM_UNITS = {"", "pcs", "pc", "pce", "piece", "pieces", "item", "items", "unit", "units", "u", "ea",
               "each", "nar", "p/st", "bottle", "bottles", "шт", "штук"}


def _per_item_doubt(ctx: Context, rule: Rule) -> list[str]:
    """Luxury-type bans apply above a value per item: at or below it is a REVIEW (so is a whole
    shipment declared at or below it). A value per item that cannot be worked out (no quantity, a
    unit that is not items, another currency) leaves the finding as it is."""
    limit = rule.params.get("min_item_value_eur")
    if limit is None:
        return []
    s = ctx.shipment
    if s.value is None or (s.currency or "EUR").upper() != "EUR":
        return []
    if s.value <= float(limit):
        # No item can be worth more than the whole shipment, whatever the quantity or unit.
        return [f"declared value EUR {s.value:,.2f} for the whole shipment is not above the EUR {limit} "
                "per-item threshold of the Russia model, the Belarus threshold is unverified"]
    unit = (s.unit or "").strip().lower()
    if not s.quantity or unit not in _ITEM_UNITS:
        return []
    per_item = s.value / s.quantity
    if per_item <= float(limit):
        return [f"declared value EUR {per_item:,.2f} per item is not above the EUR {limit} threshold "
                "of the Russia model; the Belarus threshold is unverified"]
    return []


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
    return [ctx.finding(rule, message, evidence, doubts=hit.doubts() + _per_item_doubt(ctx, rule))]


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
