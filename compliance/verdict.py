"""Findings to verdict: the most severe finding decides (BLOCK > REVIEW > CLEAR)."""

from __future__ import annotations

from collections.abc import Iterable

from compliance.models import Finding, Severity, Verdict
from compliance.rules.registry import FAMILY_ORDER

_BASE_SCORE = {Severity.block: 90, Severity.review: 50, Severity.info: 5}


def order_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Most severe first; then parties, goods, route, documents; then by rule id."""
    return sorted(findings, key=lambda f: (-f.severity.rank, FAMILY_ORDER.get(f.family, 99), f.rule_id))


def verdict_of(findings: list[Finding]) -> Verdict:
    if any(f.severity == Severity.block for f in findings):
        return Verdict.BLOCK
    if any(f.severity == Severity.review for f in findings):
        return Verdict.REVIEW
    return Verdict.CLEAR


def risk_score(findings: list[Finding]) -> int:
    """0-100: the band comes from the worst severity; more findings and stronger party matches
    raise it within the band. BLOCK 90-100, REVIEW 50-89, CLEAR 0-49."""
    if not findings:
        return 0
    worst = max(findings, key=lambda f: f.severity.rank).severity
    same = [f for f in findings if f.severity == worst]
    bonus = min(len(same) - 1, 4) * 2
    party = max((f.score or 0.0 for f in same if f.score is not None), default=0.0)
    top = {Severity.block: 100, Severity.review: 89, Severity.info: 49}[worst]
    return int(min(top, _BASE_SCORE[worst] + bonus + round(party * 10)))
