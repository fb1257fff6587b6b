"""Party screening: every named party matched against every loaded list.

A strong match to an entity with a listing that binds under the jurisdiction and is in force
on the shipment date BLOCKs. A weaker match, or a listing that does not bind (another regime's
list: secondary exposure; a listing the reference marks unverified; a sectoral measure such as
a SWIFT ban; a general licence authorising dealings) gives REVIEW. A match to an entity whose
listings have all ended is INFO, so the history stays visible.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from compliance.lists.model import Entity, Listing
from compliance.models import Finding, Party, Severity
from compliance.rules.context import UNIVERSAL_REGIMES, Context
from compliance.rules.model import Rule

MAX_ENTITIES_PER_PARTY = 3


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
    if listing.measure != "asset_freeze":
        return f"{_describe(listing)} is a {listing.measure} measure, not an asset freeze"
    if listing.licensed(on):
        return f"{_describe(listing)}: dealings authorised by {listing.general_licence}"
    return None


def evaluate_party(ctx: Context, rules: Mapping[str, Rule], party: Party, matches: Sequence[MatchLike],
                   entities: Mapping[str, Entity], block_threshold: float) -> list[Finding]:
    """Findings for one party from its name matches (best first)."""
    binding_regimes = set(ctx.jurisdiction.binding_regimes) | UNIVERSAL_REGIMES
    out: list[Finding] = []
    seen: set[str] = set()
    for m in matches:
        if m.entity_id in seen or len(seen) >= MAX_ENTITIES_PER_PARTY:
            continue
        entity = entities.get(m.entity_id)
        if entity is None or not entity.listings:
            continue  # an entity with no listing is reference data, never a hit
        seen.add(m.entity_id)
        in_force = [lst for lst in entity.listings if lst.in_force(ctx.date)]
        evidence: dict[str, Any] = {"party_role": party.role, "party_name": party.name,
                                    "party_country": party.country, "entity_countries": entity.countries}
        base = dict(matched_name=m.matched_name, list_entry_id=m.entity_id, list_name=m.list_name,
                    score=round(m.score, 4), explanation=m.explanation)
        who = f"{party.role.replace('_', ' ')} {party.name!r}"
        if not in_force:
            rule = rules.get("delisted")
            if rule is None or m.score < block_threshold:
                continue
            ended = "; ".join(f"{_describe(lst)} until {lst.delisted_on}" for lst in entity.listings)
            evidence["listings"] = ended
            f = ctx.finding(rule, f"{who} matches {entity.name} ({m.list_name}), whose listings are not in "
                                  f"force on {ctx.date}: {ended}", evidence, severity=Severity.info)
            out.append(f.model_copy(update=base))
            continue
        binding = [lst for lst in in_force if _weakness(lst, binding_regimes, ctx.date) is None]
        strong = m.score >= block_threshold
        if strong and binding:
            rule = rules["listed"]
            listing = binding[0]
            evidence["listings"] = [_describe(lst) for lst in in_force]
            message = (f"{who} matches listed {entity.name} ({listing.regime}, {m.list_name}, score "
                       f"{m.score:.2f}): {m.explanation}")
            f = ctx.finding(rule, message, evidence, regime=listing.regime)
            out.append(f.model_copy(update={**base, "regime": listing.regime,
                                            "legal_basis": listing.legal_basis or listing.program or f.legal_basis}))
            continue
        rule = rules["possible"]
        reasons = []
        if not strong:
            reasons.append(f"partial name match (score {m.score:.2f})")
        if not binding:
            reasons.extend(w for lst in in_force if (w := _weakness(lst, binding_regimes, ctx.date)))
        listing = (binding or in_force)[0]
        evidence["listings"] = [_describe(lst) for lst in in_force]
        message = (f"{who} possibly matches {entity.name} ({listing.regime}, {m.list_name}): "
                   f"{'; '.join(reasons)} ({m.explanation})")
        f = ctx.finding(rule, message, evidence, severity=Severity.review, regime=listing.regime,
                        binding_note=False)
        out.append(f.model_copy(update={**base, "regime": listing.regime,
                                        "legal_basis": listing.legal_basis or listing.program or f.legal_basis}))
    return out
