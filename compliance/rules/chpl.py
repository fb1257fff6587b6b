"""Common High Priority List goods (Annex XXX of Reg. 765/2006), by HS6 with their tier."""

from __future__ import annotations

from compliance.models import Finding
from compliance.rules.context import Context
from compliance.rules.destination import evaluate_destination
from compliance.rules.model import Rule


def evaluate(ctx: Context, rule: Rule) -> list[Finding]:
    hit = ctx.hits.get(rule.id)
    what = "Common High Priority List item"
    if hit is not None and hit.entry.note:
        what += f" ({hit.entry.note})"
    return evaluate_destination(ctx, rule, what)
