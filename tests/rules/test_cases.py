"""Goods-rule cases, one YAML file per area (tests/rules/cases/*.yaml).

Each case is a shipment and what a compliance officer expects: the verdict, the rule ids
that must fire (optionally with their severity) and those that must not.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from compliance.models import ScreeningResult, Verdict
from compliance.screener import Screener

CASES_DIR = Path(__file__).parent / "cases"


def _cases() -> list[Any]:
    out = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        for i, case in enumerate(yaml.safe_load(path.read_text(encoding="utf-8"))):
            out.append(pytest.param(case, id=f"{path.stem}:{i}:{case['name']}"))
    return out


@pytest.fixture(scope="module")
def screener() -> Screener:
    return Screener.load(include_imported=False)


@pytest.mark.parametrize("case", _cases())
def test_case(screener: Screener, case: dict[str, Any]) -> None:
    row = {"shipment_id": "T1", **{k: (v.isoformat() if hasattr(v, "isoformat") else v)
                                   for k, v in case["shipment"].items()}}
    result = screener.screen(row, jurisdiction=case.get("jurisdiction"))
    detail = "\n".join(f"  {f.rule_id} {f.severity.value}: {f.message}" for f in result.findings) or result.error
    assert result.verdict == Verdict(case["verdict"]), f"{case['name']}: got {result.verdict.value}\n{detail}"
    got = {f.rule_id: f.severity.value for f in result.findings}
    for expected in case.get("rules", []):
        rule_id, _, severity = expected.partition(":")
        assert rule_id in got, f"{case['name']}: {rule_id} did not fire\n{detail}"
        if severity:
            assert got[rule_id] == severity, f"{case['name']}: {rule_id} is {got[rule_id]}, expected {severity}\n{detail}"
    for rule_id in case.get("absent", []):
        assert rule_id not in got, f"{case['name']}: {rule_id} fired\n{detail}"
    for text in case.get("error_contains", []):
        assert result.error and text in result.error, f"{case['name']}: error {result.error!r} lacks {text!r}"
    _check_contract(result)


# Words that show a legal basis names an act or a customs rule, not only a topic.
_ACT_WORDS = ("Regulation", "Reg.", "Art.", "EO ", "CFR", "Decision", "Act ", "practice", "Dz.U.",
              "Regulations 20", "FIN-2022", "listing", "Listing", "Annex")


def _check_contract(result: ScreeningResult) -> None:
    """CONTRACT §2 for every case: findings most severe first, one ';'-free reason each, a legal
    basis naming its act, evidence of the values that fired, the verdict and risk band folded
    from the worst severity; ERROR rows carry the error and no findings."""
    if result.verdict == Verdict.ERROR:
        assert result.error and not result.findings, "an ERROR row says what is wrong and has no findings"
        return
    assert result.error is None
    ranks = [f.severity.rank for f in result.findings]
    assert ranks == sorted(ranks, reverse=True), f"rule_ids must be most severe first: {result.rule_ids}"
    worst = max(ranks, default=-1)
    expected = {2: Verdict.BLOCK, 1: Verdict.REVIEW}.get(worst, Verdict.CLEAR)
    assert result.verdict == expected
    band = {Verdict.BLOCK: (90, 100), Verdict.REVIEW: (50, 89), Verdict.CLEAR: (0, 49)}[result.verdict]
    assert result.risk_score is not None and band[0] <= result.risk_score <= band[1], result.risk_score
    for f in result.findings:
        assert f.family.value in {"sector", "dual_use", "chpl", "transit", "party", "end_use_doc",
                                  "circumvention", "humanitarian"}
        assert f.regime and f.message, f.rule_id
        assert any(w in f.legal_basis for w in _ACT_WORDS), f"{f.rule_id}: legal basis {f.legal_basis!r}"
        assert ";" not in f.message and "\n" not in f.message, f"{f.rule_id}: one sentence, no ';'"
        assert f.evidence, f"{f.rule_id} has no evidence"
        if f.family.value == "party":
            assert f.evidence.get("party_name") and f.matched_name and f.list_entry_id and f.score is not None
        else:  # goods, route, document and diversion findings show the code they judged
            assert f.evidence.get("hs_code"), f"{f.rule_id}: evidence lacks the hs_code"
