"""Party screening: every named party matched against every loaded list.

A strong match to an entity with a listing that binds under the jurisdiction and is in force
on the shipment date BLOCKs. Binding means: a regime of the jurisdiction (or UN), confirmed in
the legal-facts reference, no general licence authorising dealings, and a measure that bars
the shipment: an asset freeze, or one of the jurisdiction's export-control party lists (BIS
Denied Persons List: export privileges denied; Entity List / Military End-User List: a
licence is required, reviewed with a policy of denial). A weaker match, or a listing that does
not bind (another regime's list: secondary exposure; an unverified listing; a sectoral
measure such as a SWIFT ban or debt/equity restrictions; a general licence) gives REVIEW. So
does a strong match to an entity whose listings are not in force on the shipment date (listed
later, or delisted before it): the officer checks the dates and whether payment or delivery
falls inside a listing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from compliance.lists.model import Entity, ListInfo, Listing
from compliance.models import Finding, Party, Severity
from compliance.rules.context import UNIVERSAL_REGIMES, Context
from compliance.rules.model import Rule

# Findings kept per party, most severe first: every match is judged, so a binding listing
# is never crowded out by the same party's entries on other regimes' lists.
MAX_FINDINGS_PER_PARTY = 4
# Lists of this format hold the legal-facts reference's own record (general licences,
# delistings) that official list files of a given date may not show yet.
CURATED_FORMAT = "curated-yaml"
# Measures that bar the shipment under their own jurisdiction, and what the finding says.
BARRING_MEASURES = {
    "asset_freeze": "asset freeze",
    "export_denial": "export privileges denied (no export or reexport to or from this party)",
    # Entity List: every item subject to the EAR; Military End-User List: the items of
    # Supplement 2 to Part 744. The shipment record cannot tell which, so the officer checks.
    "export_licence": "BIS licence required (Entity List / Military End-User List, policy of denial): "
                      "do not ship without the licence",
}


class MatchLike(Protocol):
    entity_id: str
    list_name: str
    entity_name: str
    matched_name: str
    score: float
    explanation: str


def _describe(listing: Listing) -> str:
    text = listing.regime
    if listing.program:
        text += f" {listing.program}"
    if listing.listed_on:
        text += f" since {listing.listed_on.isoformat()}"
    return text


def _weakness(listing: Listing, binding_regimes: set[str], on: dt.date) -> str | None:
    """Why a listing in force does not bind (None when it binds)."""
    if listing.regime not in binding_regimes:
        return f"listed only under {_describe(listing)}, not binding here (secondary exposure)"
    if listing.confidence != "confirmed":
        return f"the {_describe(listing)} listing is unverified in the legal-facts reference"
    if listing.measure not in BARRING_MEASURES:
        return f"{_describe(listing)} is a {listing.measure} measure, not an asset freeze or export denial"
    if listing.licensed(on):
        return f"{_describe(listing)}: dealings authorised by {listing.general_licence}"
    if listing.winding_down(on):
        return (f"{_describe(listing)}: the wind-down of earlier contracts is authorised by "
                f"{listing.wind_down_licence} until {listing.wind_down_ends}: check the contract's date and that "
                "the dealing winds it down")
    return None


def _not_in_force(listing: Listing, on: dt.date) -> str:
    if listing.listed_on is not None and on < listing.listed_on:
        return f"{_describe(listing)}: listed after the shipment date {on}"
    return f"{_describe(listing)}: ended {listing.delisted_on} (before the shipment date {on})"


def _curated_facts(matches: Sequence[MatchLike], entities: Mapping[str, Entity], lists: Mapping[str, ListInfo],
                   block_threshold: float) -> dict[str, Listing]:
    """Per regime, the curated listing carrying a general licence or a delisting, taken from
    the curated entities the party strongly matches: it then applies to the same party's
    entries in the official lists of that regime (an OFAC file of May 2024 does not know GL 13
    of December 2025 or the Belavia removal of November 2025)."""
    out: dict[str, Listing] = {}
    for m in matches:
        info = lists.get(m.list_name)
        entity = entities.get(m.entity_id)
        if m.score < block_threshold or entity is None or info is None or info.format != CURATED_FORMAT:
            continue
        for lst in entity.listings:
            if (lst.general_licence or lst.delisted_on or lst.wind_down_licence) and lst.regime not in out:
                out[lst.regime] = lst
    return out


def _apply_curated(listing: Listing, fact: Listing | None, list_date: dt.date | None) -> Listing:
    """An official list's listing with the curated licence / delisting of the same regime added;
    a delisting counts only when the list file predates it (a later file still listing the
    party means it was listed again, and the ended listing's licences are not its own)."""
    if fact is None:
        return listing
    update: dict[str, Any] = {}
    # A file dated after the curated delisting that still lists the party re-listed it: the licences
    # recorded for the ended listing (Belavia's GL 11) do not carry over.
    if fact.delisted_on is not None and list_date is not None and list_date >= fact.delisted_on:
        return listing
    if fact.general_licence and not listing.general_licence:
        update["general_licence"] = f"{fact.general_licence} (recorded in the curated list)"
        update["general_licence_from"] = fact.general_licence_from
    if fact.wind_down_licence and not listing.wind_down_licence:
        update["wind_down_licence"] = f"{fact.wind_down_licence} (recorded in the curated list)"
        update["wind_down_ends"] = fact.wind_down_ends
    if fact.delisted_on and not listing.delisted_on \
            and (listing.listed_on is None or listing.listed_on < fact.delisted_on):
        update["delisted_on"] = fact.delisted_on
    return listing.model_copy(update=update) if update else listing


def evaluate_party(ctx: Context, rules: Mapping[str, Rule], party: Party, matches: Sequence[MatchLike],
                   entities: Mapping[str, Entity], block_threshold: float,
                   lists: Mapping[str, ListInfo] | None = None) -> list[Finding]:
    """Findings for one party from its name matches (best first)."""
    binding_regimes = set(ctx.jurisdiction.binding_regimes) | UNIVERSAL_REGIMES
    lists = lists or {}
    facts = _curated_facts(matches, entities, lists, block_threshold)
    out: list[Finding] = []
    seen: set[str] = set()
    for m in matches:
        if m.entity_id in seen:
            continue
        entity = entities.get(m.entity_id)
        if entity is None or not entity.listings:
            continue  # an entity with no listing is reference data, never a hit
        seen.add(m.entity_id)
        info = lists.get(m.list_name)
        listings = entity.listings
        if info is not None and info.format != CURATED_FORMAT and m.score >= block_threshold:
            listings = [_apply_curated(lst, facts.get(lst.regime), info.date) for lst in listings]
            entity = entity.model_copy(update={"listings": listings})
        in_force = [lst for lst in listings if lst.in_force(ctx.date)]
        evidence: dict[str, Any] = {"party_role": party.role, "party_name": party.name,
                                    "party_country": party.country, "entity_countries": entity.countries,
                                    "list_version": info and (info.version or (info.date and info.date.isoformat()))}
        base = dict(matched_name=m.matched_name, list_entry_id=m.entity_id, list_name=m.list_name,
                    score=round(m.score, 4), explanation=m.explanation)
        who = f"{party.role.replace('_', ' ')} {party.name!r}"
        strong = m.score >= block_threshold
        if not in_force:
            # Listed only after the shipment date, or delisted before it: does not bind for this
            # shipment (RULES.md), but a strong match is shown for review. A weak one is noise.
            rule = rules.get("delisted")
            if rule is None or not strong:
                continue
            why = ", ".join(_not_in_force(lst, ctx.date) for lst in entity.listings)
            evidence["listings"] = why
            f = ctx.finding(rule, f"{who} matches {entity.name} ({m.list_name}, score {m.score:.2f}), "
                                  f"no listing in force on {ctx.date}: {why} ({m.explanation})",
                            evidence, regime=entity.listings[0].regime, binding_note=False)
            out.append(f.model_copy(update=base))
            continue
        binding = [lst for lst in in_force if _weakness(lst, binding_regimes, ctx.date) is None]
        evidence["listings"] = [_describe(lst) for lst in in_force]
        # The party's declared country is evidence (RULES.md): a strong name match to an entity
        # of another country does not establish identity (common personal names, generic
        # company names), so a human confirms it before the shipment is stopped for good.
        other_country = bool(party.country and entity.countries and party.country not in entity.countries)
        if strong and binding and not other_country:
            rule = rules["listed"]
            listing = binding[0]
            measure = BARRING_MEASURES[listing.measure]
            message = (f"{who} matches listed {entity.name} ({listing.regime} {measure}, {m.list_name}, "
                       f"score {m.score:.2f}): {m.explanation}")
            f = ctx.finding(rule, message, evidence, regime=listing.regime)
            out.append(f.model_copy(update={**base, "regime": listing.regime,
                                            "legal_basis": listing.legal_basis or listing.program or f.legal_basis}))
            continue
        rule = rules["possible"]
        reasons = []
        if not strong:
            reasons.append(f"partial name match (score {m.score:.2f})")
        elif binding and other_country:
            reasons.append(f"listed under {_describe(binding[0])} but the party is in {party.country}, "
                           f"the listed entity in {', '.join(entity.countries)}: confirm the identity")
        if not binding:
            reasons.extend(w for lst in in_force if (w := _weakness(lst, binding_regimes, ctx.date)))
            # A binding regime's listing outside the shipment date is what the officer checks first.
            reasons.extend(_not_in_force(lst, ctx.date) for lst in entity.listings
                           if not lst.in_force(ctx.date) and lst.regime in binding_regimes)
        listing = (binding or in_force)[0]
        message = (f"{who} possibly matches {entity.name} ({listing.regime}, {m.list_name}): "
                   f"{', '.join(reasons)} ({m.explanation})")
        f = ctx.finding(rule, message, evidence, severity=Severity.review, regime=listing.regime,
                        binding_note=False)
        update: dict[str, Any] = {**base, "regime": listing.regime,
                                  "legal_basis": listing.legal_basis or listing.program or f.legal_basis}
        if not binding and all(lst.confidence != "confirmed" for lst in in_force if lst.regime in binding_regimes) \
                and any(lst.regime in binding_regimes for lst in in_force):
            update["confidence"] = "unverified"
        out.append(f.model_copy(update=update))
    out.sort(key=lambda f: (-f.severity.rank, -(f.score or 0.0)))
    return out[:MAX_FINDINGS_PER_PARTY]
