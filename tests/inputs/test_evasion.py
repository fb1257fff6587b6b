"""Evasion and hostile-input cases from ``evasion_cases.yaml``: a file a compliance officer
would expect flagged (ERROR, REVIEW or BLOCK) must never come out CLEAR, and no row is lost.

Each case is a small input file written out as text (or bytes in an encoding) and what each
of its rows must give; see the head of the YAML file for the keys."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest
import yaml

from compliance.engine import iter_results
from compliance.exc import InputFileError
from compliance.io import open_input
from compliance.screener import Screener

CASES: list[dict[str, Any]] = yaml.safe_load(Path(__file__).with_name("evasion_cases.yaml").read_text("utf-8"))


@pytest.fixture(scope="module")
def screener() -> Screener:
    return Screener.load(include_imported=False)


def _bytes(case: dict[str, Any]) -> bytes:
    if "base64" in case:
        return base64.b64decode(case["base64"])
    text: str = case["text"]
    if case.get("crlf"):
        text = text.replace("\n", "\r\n")
    return text.encode(case.get("encoding", "utf-8"))


def _one_of(want: str | list[str]) -> list[str]:
    return [want] if isinstance(want, str) else list(want)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_evasion_case(case: dict[str, Any], screener: Screener, tmp_path: Path) -> None:
    path = tmp_path / case["file"]
    path.write_bytes(_bytes(case))
    if "refused" in case:
        with pytest.raises(InputFileError) as info, open_input(path) as table:
            list(table.rows())
        assert case["refused"].lower() in str(info.value).lower()
        return
    with open_input(path) as table:
        results = list(iter_results(screener, table.chunks(7)))
        file_warnings = list(table.warnings)
    expect: list[dict[str, Any]] = case["rows"]
    assert [r.row_number for r in results] == list(range(1, len(expect) + 1)), "a row was lost or added"
    for r, want in zip(results, expect, strict=True):
        where = f"{case['id']} row {r.row_number}: {r.verdict.value} {r.rule_ids} {r.error} {r.warnings}"
        assert r.verdict.value in _one_of(want["verdict"]), where
        if "id" in want:
            assert r.shipment_id == want["id"], where
        if "error" in want:
            assert r.error and f"row {r.row_number}" in r.error, where
            for part in _one_of(want["error"]):
                assert part.lower() in r.error.lower(), where
        if "rule" in want:
            assert set(_one_of(want["rule"])) & set(r.rule_ids), where
        if "warning" in want:
            for part in _one_of(want["warning"]):
                assert any(part.lower() in w.lower() for w in r.warnings or []), where
    for part in _one_of(case.get("file_warning", [])):
        assert any(part.lower() in w.lower() for w in file_warnings), (case["id"], file_warnings)
