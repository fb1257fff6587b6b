"""Dual-use goods, found by the reference's HS-to-control-list correlation table.

A hit means "obtain the control classification from the exporter or manufacturer": the HS
heading is where controlled items sit, not proof that the item is controlled.
"""

from __future__ import annotations

from compliance.models import Finding
from compliance.rules.context import Context
from compliance.rules.destination import evaluate_destination
from compliance.rules.model import Rule


def evaluate(ctx: Context, rule: Rule) -> list[Finding]:
    hit = ctx.hits.get(rule.id)
    what = "Possible dual-use goods"
    if hit is not None and hit.entry.note:
        what += f" ({hit.entry.note})"
    return evaluate_destination(ctx, rule, what)
