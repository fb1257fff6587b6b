"""Which evaluator judges which rule family: a registry, not if/else."""

from __future__ import annotations

from collections.abc import Callable

from compliance.models import Family, Finding
from compliance.rules import chpl, circumvention, dual_use, end_use_doc, sector, transit
from compliance.rules.context import Context
from compliance.rules.model import Rule

Evaluator = Callable[[Context, Rule], list[Finding]]

# Per-row evaluators in the order they run (transit's catch-all rule relies on this order;
# humanitarian and party run after them, see compliance.screener).
EVALUATORS: dict[Family, Evaluator] = {
    Family.sector: sector.evaluate,
    Family.dual_use: dual_use.evaluate,
    Family.chpl: chpl.evaluate,
    Family.transit: transit.evaluate,
    Family.circumvention: circumvention.evaluate,
    Family.end_use_doc: end_use_doc.evaluate,
}

FAMILY_ORDER = {family: i for i, family in enumerate(
    [Family.party, Family.sector, Family.dual_use, Family.chpl, Family.transit, Family.circumvention,
     Family.end_use_doc, Family.humanitarian])}

# Transit kinds: specific before catch-all.
KIND_ORDER = {"sensitive": 0, "import_banned": 1, "other": 2}
