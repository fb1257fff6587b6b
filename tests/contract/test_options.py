"""CONTRACT.md §3 screen options that change verdicts: --as-of, --jurisdiction (with RULES.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from compliance.cli import app

runner = CliRunner()


def _verdicts(path: Path, *options: str) -> list[str]:
    result = runner.invoke(app, ["screen", str(path), "--format", "jsonl", "-q", "--no-db", *options])
    assert result.exit_code == 0, result.output
    return [json.loads(line)["verdict"] for line in result.stdout.splitlines() if line.strip()]


@pytest.mark.parametrize(("as_of", "expected"), [("2021-05-10", ["CLEAR", "BLOCK"]), ("2022-01-10", ["BLOCK", "BLOCK"])])
def test_as_of_judges_rows_without_a_date(tmp_path: Path, as_of: str, expected: list[str]) -> None:
    """§3 --as-of DATE; §1 `date` decides which rule versions are in force (default today): a row's
    own date wins over --as-of. Cigarette paper to Belarus is banned from 25 June 2021."""
    path = tmp_path / "in.csv"
    path.write_text("shipment_id,hs_code,destination_country,date\nA1,4813 10 00,BY,\nA2,4813 10 00,BY,2022-01-10\n",
                    encoding="utf-8")
    assert _verdicts(path, "--as-of", as_of) == expected


def test_jurisdiction_lt_blocks_a_non_manufacturer_document(tmp_path: Path) -> None:
    """§3 --jurisdiction EU|US|UK|LT; R: under LT the Lithuanian manufacturer-document rule is
    block instead of review; the default jurisdiction is EU."""
    path = tmp_path / "in.csv"
    path.write_text("shipment_id,hs_code,destination_country,end_use_doc_type,end_use_doc_issuer\n"
                    "J1,854231,KZ,end_user_certificate,supplier\n", encoding="utf-8")
    assert _verdicts(path) == ["REVIEW"]
    assert _verdicts(path, "--jurisdiction", "EU") == ["REVIEW"]
    assert _verdicts(path, "--jurisdiction", "LT") == ["BLOCK"]
