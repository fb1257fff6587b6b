"""End-use documents for export-restricted goods to non-partner third countries.

The document confirming the final destination counts when the MANUFACTURER issued it (the
Lithuanian customs rule), or the exporter when it is the manufacturer, or a state authority
of the destination country. Missing or supplier-issued: REVIEW under EU, BLOCK under LT.
"""

from __future__ import annotations

from compliance.models import Finding, Severity
from compliance.rules.context import Context, country_name, format_hs
from compliance.rules.model import Rule

# CONTRACT.md §1: the values end_use_doc_issuer takes.
CONTRACT_ISSUERS = ("manufacturer", "supplier", "exporter", "consignee", "end_user", "authority")


def evaluate(ctx: Context, rule: Rule) -> list[Finding]:
    if not ctx.sensitive or ctx.receivers_in(ctx.sanctioned(rule)):
        return []
    outside = {k: v for k, v in ctx.to_countries.items() if v not in ctx.partner}
    if not outside:
        return []
    s = ctx.shipment
    status = ctx.document_status
    where = ", ".join(sorted({f"{country_name(c)} ({c})" for c in outside.values()}))
    evidence: dict[str, object] = {"hs_code": s.hs_code, **outside, "end_use_doc_type": s.end_use_doc_type,
                                   "end_use_doc_issuer": s.end_use_doc_issuer, "end_use_doc_id": s.end_use_doc_id,
                                   "restricted_as": [h.rule.id for h in ctx.sensitive_hits]}
    lt = ctx.jurisdiction.manufacturer_document_blocks
    if rule.kind == "missing":
        if status != "none":
            return []
        message = (f"{rule.title}: export-restricted goods (HS {format_hs(s.hs_code)}: {ctx.sensitive_summary()}) "
                   f"to {where} without an end-use document; Lithuanian customs accept only a document "
                   "issued by the manufacturer")
    else:
        if status != "other":
            return []
        issuer = s.end_use_doc_issuer
        if issuer and issuer not in CONTRACT_ISSUERS:
            # 'Hersteller', 'producer': the reader may mean the manufacturer, but RULES.md counts any
            # value outside the contract's words as not the manufacturer's; say how to settle it.
            by = (f"names the issuer '{issuer}', not one of the contract's issuers ({', '.join(CONTRACT_ISSUERS)}): "
                  "it counts as not the manufacturer's; write manufacturer if the manufacturer issued it")
        else:
            by = f"was issued by {issuer or 'an unnamed issuer'}, not by the manufacturer"
        message = (f"{rule.title}: the end-use document ({s.end_use_doc_type}) for export-restricted goods to "
                   f"{where} {by} (Lithuanian manufacturer rule)")
    severity = Severity.block if lt else Severity.review
    doubts = [] if ctx.sensitive_certain or not lt else [
        "the goods are only possibly export-restricted (" + ctx.sensitive_summary() + ")"]
    return [ctx.finding(rule, message, evidence, severity=severity, doubts=doubts)]
