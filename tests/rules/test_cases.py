"""Goods-rule cases, one YAML file per area (tests/rules/cases/*.yaml).

Each case is a shipment and what a compliance officer expects: the verdict, the rule ids
that must fire (optionally with their severity) and those that must not.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from compliance.models import Verdict
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
    for f in result.findings:
        assert f.legal_basis, f"{f.rule_id} has no legal basis"
        assert f.family.value in {"sector", "dual_use", "chpl", "transit", "party", "end_use_doc",
                                  "circumvention", "humanitarian"}
