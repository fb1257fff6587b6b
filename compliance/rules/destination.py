"""Shared by the dual-use and CHPL families: export-restricted goods judged by where they go.

``params.to: sanctioned`` — a receiving party in a sanctioned country: the rule's severity.
``params.to: high_risk`` — a receiving party in a high-risk third country (and none in a
sanctioned one): REVIEW, or INFO when a manufacturer's or authority's end-use document covers
the shipment (RULES.md: documented sensitive goods can be CLEAR).
"""

from __future__ import annotations

from compliance.models import Finding, Severity
from compliance.rules.context import Context, country_name, format_hs
from compliance.rules.model import Rule


def evaluate_destination(ctx: Context, rule: Rule, what: str) -> list[Finding]:
    hit = ctx.hits.get(rule.id)
    if hit is None:
        return []
    to = rule.params.get("to", "sanctioned")
    sanctioned = ctx.receivers_in(ctx.sanctioned(rule))
    s = ctx.shipment
    code = format_hs(s.hs_code)
    evidence = dict(ctx.goods_evidence(hit))
    if to == "sanctioned":
        if not sanctioned:
            return []
        where = ", ".join(sorted({country_name(c) for c in sanctioned.values()}))
        evidence.update(sanctioned)
        message = f"{what} (HS {code}, listed {format_hs(hit.entry.code)}) to a party in {where}: {rule.title}"
        return [ctx.finding(rule, message, evidence, doubts=hit.doubts())]
    if sanctioned:
        return []  # the 'sanctioned' rule of the family speaks for this shipment
    risky = ctx.receivers_in(ctx.high_risk)
    if not risky:
        return []
    where = ", ".join(sorted({f"{country_name(c)} ({c})" for c in risky.values()}))
    evidence.update(risky)
    evidence["end_use_doc"] = ctx.document_status
    if ctx.documented:
        message = (f"{what} (HS {code}) to high-risk third country {where}, covered by a "
                   f"{ctx.document_status}-issued end-use document: {rule.title}")
        return [ctx.finding(rule, message, evidence, severity=Severity.info)]
    message = (f"{what} (HS {code}) to high-risk third country {where} (re-export risk to Belarus/Russia): "
               f"{rule.title}; obtain the manufacturer's end-use document and the 'no Belarus' contract clause")
    return [ctx.finding(rule, message, evidence, severity=Severity.review, doubts=hit.doubts())]
