"""Humanitarian goods: food (HS 01-23), medicines (30), medical devices (9018-9022).

They are deliberately not sanctioned: sector, dual-use-by-HS, transit and circumvention
findings on them are lowered to INFO and one humanitarian finding says why. Party matches are
untouched: a listed person needs a licence for anything. Codes a luxury-type row lists (wine,
spirits, caviar) are not humanitarian for this purpose (see ``Context.humanitarian``).
"""

from __future__ import annotations

from compliance.models import Family, Finding, Severity
from compliance.rules.context import Context, format_hs
from compliance.rules.model import Rule

SUPPRESSED = {Family.sector, Family.dual_use, Family.chpl, Family.transit, Family.circumvention,
              Family.end_use_doc}


def apply(ctx: Context, rule: Rule, findings: list[Finding]) -> list[Finding]:
    """Return the findings with goods findings on humanitarian goods lowered to INFO."""
    if not ctx.humanitarian:
        return findings
    lowered = [f for f in findings if f.family in SUPPRESSED and f.severity != Severity.info]
    if not lowered:
        return findings
    out = []
    for f in findings:
        if f in lowered:
            f = f.model_copy(update={"severity": Severity.info,
                                     "message": f"{f.message} (lowered to info: humanitarian goods)"})
        out.append(f)
    message = (f"{rule.title}: HS {format_hs(ctx.shipment.hs_code)} is humanitarian (food, medicines or "
               f"medical devices); {', '.join(sorted({f.rule_id for f in lowered}))} lowered to info")
    out.append(ctx.finding(rule, message, {"hs_code": ctx.shipment.hs_code,
                                           "lowered": sorted({f.rule_id for f in lowered})}))
    return out
