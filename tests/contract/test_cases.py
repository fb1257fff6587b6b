"""CONTRACT.md conformance, driven by ``cases.yaml``: rows (Python API and CLI), commands, requests.

Each case quotes the contract sentence it checks; a failure names the case id and that sentence.
"""

from __future__ import annotations

import csv
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from compliance.api import create_app
from compliance.cli import app
from compliance.screener import Screener
from tests.csvfiles import write_rows

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
CASES: dict[str, list[dict[str, Any]]] = yaml.safe_load((HERE / "cases.yaml").read_text(encoding="utf-8"))
ROWS = CASES["rows"]
runner = CliRunner()

# The small batch of the CLI cases: one row per verdict.
BATCH = [
    {"shipment_id": "B1", "hs_code": "854231", "destination_country": "BY"},  # BLOCK
    {"shipment_id": "B2", "hs_code": "854231", "destination_country": "KZ"},  # REVIEW
    {"shipment_id": "B3", "hs_code": "9403 60", "destination_country": "DE"},  # CLEAR
    {"shipment_id": "B4", "hs_code": "85", "destination_country": "DE"},  # ERROR
]
EU_FSF_CSV = ("fileGenerationDate;Entity_LogicalId;Entity_EU_ReferenceNumber;Entity_DesignationDate;"
              "Entity_SubjectType;Entity_SubjectType_ClassificationCode;Entity_Regulation_NumberTitle;"
              "Entity_Regulation_Programme;Entity_Regulation_PublicationDate;NameAlias_WholeName;"
              "Citizenship_CountryIso2Code;Address_CountryIso2Code;BirthDate_BirthDate\n"
              "2025-06-30;13;EU.1.2;2022-06-03;enterprise;E;2022/876 (OJ L153);BLR;2022-06-03;"
              "Belaruskali OAO;;BY;\n")




def _row(case: dict[str, Any]) -> dict[str, str]:
    return {"shipment_id": case["id"], **{k: str(v) for k, v in case["shipment"].items()}}


def _check_row(case: dict[str, Any], verdict: str, rule_ids: list[str], severities: list[str],
               error: str | None) -> None:
    why = f"{case['id']}: {case['contract']}"
    assert verdict == case["verdict"], f"{why}: got {verdict} {rule_ids} {error}"
    for rule in case.get("rules", []):
        assert rule in rule_ids, f"{why}: {rule} not among {rule_ids}"
    for rule in case.get("absent", []):
        assert rule not in rule_ids, f"{why}: {rule} fired"
    if "severities" in case:
        assert severities and set(severities) <= set(case["severities"]), f"{why}: severities {severities}"
    if verdict == "ERROR":
        assert error and case["error_field"] in error, f"{why}: error {error!r} does not name {case['error_field']}"
        assert not rule_ids, f"{why}: an ERROR row has no findings"
    else:
        assert not error, f"{why}: a screened row has no error ({error!r})"


@pytest.fixture(scope="module")
def screener() -> Screener:
    return Screener.load(include_imported=False)


@pytest.mark.parametrize("case", ROWS, ids=[c["id"] for c in ROWS])
def test_row_through_the_python_api(screener: Screener, case: dict[str, Any]) -> None:
    r = screener.screen(_row(case))
    _check_row(case, r.verdict.value, r.rule_ids, [f.severity.value for f in r.findings], r.error)


@pytest.fixture(scope="module")
def batch_results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, str]]:  # by case id
    """Every row case in one CSV through ``compliance screen``: one output row each, in order."""
    folder = tmp_path_factory.mktemp("rows")
    src = write_rows(folder / "rows.csv", [_row(c) for c in ROWS])
    out = folder / "out.csv"
    result = runner.invoke(app, ["screen", str(src), "--out", str(out), "-q", "--no-db"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8", newline="")))
    assert [r["row_number"] for r in rows] == [str(i) for i in range(1, len(ROWS) + 1)]
    assert [r["shipment_id"] for r in rows] == [_row(c)["shipment_id"] for c in ROWS]
    return {c["id"]: r for c, r in zip(ROWS, rows, strict=True)}


@pytest.mark.parametrize("case", ROWS, ids=[c["id"] for c in ROWS])
def test_row_through_the_cli(batch_results: dict[str, dict[str, str]], case: dict[str, Any]) -> None:
    out = batch_results[case["id"]]
    findings = json.loads(out["findings"])
    rule_ids = out["rule_ids"].split(";") if out["rule_ids"] else []
    assert rule_ids == [f["rule_id"] for f in findings]
    _check_row(case, out["verdict"], rule_ids, [f["severity"] for f in findings], out["error"] or None)
    # §2 "all input columns, unchanged"
    for k, v in _row(case).items():
        assert out[k] == v, f"{case['id']}: input column {k} changed: {v!r} -> {out[k]!r}"


# ---------------------------------------------------------------- commands

@pytest.fixture(scope="module")
def places(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("cli")
    bad_rules = folder / "bad_rules"
    shutil.copytree(REPO / "rules", bad_rules)
    text = (bad_rules / "sector_import.yaml").read_text(encoding="utf-8")
    (bad_rules / "sector_import.yaml").write_text(text.replace("severity: block", "severity: blok", 1),
                                                  encoding="utf-8")
    results = folder / "results.csv"
    batch = write_rows(folder / "batch.csv", BATCH)
    for fmt in ("csv", "jsonl", "json", "xlsx", "parquet"):
        made = results.with_suffix(f".{fmt}")
        assert runner.invoke(app, ["screen", str(batch), "--out", str(made), "-q", "--no-db"]).exit_code == 0
    (folder / "header_only.csv").write_text("shipment_id,hs_code,destination_country\n", encoding="utf-8")
    (folder / "empty.csv").write_bytes(b"")
    (folder / "eu_fsf.csv").write_text(EU_FSF_CSV, encoding="utf-8")
    (folder / "not_table.csv").write_text("colour,size\nred,3\n", encoding="utf-8")
    return {
        "FILE_REVIEW": str(write_rows(folder / "review.csv", BATCH[1:3])),
        "FILE_ERRORS": str(write_rows(folder / "errors.csv", BATCH[2:])),  # CLEAR and ERROR
        "FILE_NOT_TABLE": str(folder / "not_table.csv"),
        "FILE": str(batch),
        "BAD_RULES": str(bad_rules),
        "RULES": str(REPO / "rules"),
        "RESULTS": str(results),
        **{f"RESULTS_{fmt.upper()}": str(results.with_suffix(f".{fmt}")) for fmt in ("jsonl", "json", "xlsx", "parquet")},
        "FILE_HEADER_ONLY": str(folder / "header_only.csv"),
        "FILE_EMPTY": str(folder / "empty.csv"),
        "EU_FSF_CSV": str(folder / "eu_fsf.csv"),
        "OUT": str(folder),
    }


def _arg(a: str, places: dict[str, str], shared: Path) -> str:
    if a.startswith("SHARED/"):
        return str(shared / a.removeprefix("SHARED/"))
    if a.startswith("OUT/"):
        return str(Path(places["OUT"]) / a.removeprefix("OUT/"))
    return places.get(a, a)


CLI = CASES["cli"]


@pytest.mark.parametrize("case", CLI, ids=[c["id"] for c in CLI])
def test_command(case: dict[str, Any], places: dict[str, str], shared_data: Path) -> None:
    args = [_arg(str(a), places, shared_data) for a in case["args"]]
    if args[0] == "screen":
        args.append("--no-db")
    result = runner.invoke(app, args)
    why = f"{case['id']}: {case['contract']}"
    assert result.exit_code == case["exit"], f"{why}: exit {result.exit_code}\n{result.output}"
    assert "Traceback" not in result.output, why
    if "stdout_starts" in case:
        assert result.stdout.startswith(case["stdout_starts"]), why
    if case.get("stdout_empty"):
        assert result.stdout == "", f"{why}: stdout {result.stdout[:200]!r}"
    for text in case.get("stdout_has", []):
        assert text in result.stdout, f"{why}: {text!r} not in stdout {result.stdout[:300]!r}"
    for text in case.get("stderr_has", []):
        assert text in result.stderr, f"{why}: {text!r} not in stderr {result.stderr[:300]!r}"
    if "stdout_json_len" in case:
        assert len(json.loads(result.stdout)) == case["stdout_json_len"], why
    if "creates" in case:
        made = Path(_arg(case["creates"], places, shared_data))
        assert made.is_file() and made.stat().st_size > 0, why


# ---------------------------------------------------------------- requests

@pytest.fixture(scope="module")
def client(screener: Screener) -> Iterator[TestClient]:
    with TestClient(create_app(screener, api_keys=[], reload_poll_seconds=0, loader=lambda: screener),
                    raise_server_exceptions=False) as c:
        yield c


HTTP = CASES["http"]


@pytest.mark.parametrize("case", HTTP, ids=[c["id"] for c in HTTP])
def test_request(client: TestClient, case: dict[str, Any]) -> None:
    why = f"{case['id']}: {case['contract']}"
    kw: dict[str, Any] = {}
    if "json" in case:
        kw["json"] = case["json"]
    if "body" in case:
        kw["content"] = case["body"].encode()
        kw["headers"] = {"content-type": case["content_type_in"]}
    r = client.request(case["method"], case["path"], **kw)
    assert r.status_code == case["status"], f"{why}: {r.status_code} {r.text[:300]}"
    if "content_type" in case:
        assert r.headers["content-type"].startswith(case["content_type"]), why
    body = r.json() if r.headers["content-type"].startswith("application/json") else None
    for key in case.get("keys", []):
        assert body is not None and key in body, f"{why}: no {key!r} in {list(body or {})}"
    if "field" in case:
        assert body is not None and case["field"] in [d["field"] for d in body["detail"]], f"{why}: {body}"
    if "result_verdict" in case:
        assert body is not None and body["result"]["verdict"] == case["result_verdict"], why
    for key, value in case.get("first_match", {}).items():
        assert body is not None and body["matches"][0][key] == value, f"{why}: {body['matches'][:1]}"
    if "verdicts" in case:
        assert body is not None and [x["verdict"] for x in body["results"]] == case["verdicts"], why
        assert [x["row_number"] for x in body["results"]] == list(range(1, len(case["verdicts"]) + 1)), why
