"""The command line per the contract: one output row per input row, exit codes, summaries."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from compliance.cli import app
from tests.csvfiles import write_rows

runner = CliRunner()

ROWS = [
    {"shipment_id": "A1", "hs_code": "3104 20 10", "destination_country": "PL", "origin_country": "BY",
     "date": "2024-01-10"},
    {"shipment_id": "A2", "hs_code": "9403.20", "destination_country": "DE", "date": "2025-01-10"},
    {"shipment_id": "A3", "hs_code": "85", "destination_country": "BY", "date": "2025-01-10"},
    {"shipment_id": "A4", "hs_code": "854231", "destination_country": "KZ", "date": "2025-01-10"},
]




@pytest.fixture()
def shipments(tmp_path: Path) -> Path:
    return write_rows(tmp_path / "in.csv", ROWS)


def test_screen_csv_one_row_per_input_in_order(shipments: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    result = runner.invoke(app, ["screen", str(shipments), "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["shipment_id"] for r in rows] == ["A1", "A2", "A3", "A4"]
    assert [r["verdict"] for r in rows] == ["BLOCK", "CLEAR", "ERROR", "REVIEW"]
    assert [r["row_number"] for r in rows] == ["1", "2", "3", "4"]
    assert "BY-SECT-POTASH" in rows[0]["rule_ids"]
    assert "hs_code" in rows[2]["error"]
    findings = json.loads(rows[0]["findings"])
    assert findings[0]["legal_basis"] and findings[0]["family"] == "sector"


def test_screen_to_stdout_jsonl(shipments: Path) -> None:
    result = runner.invoke(app, ["screen", str(shipments), "--format", "jsonl", "--quiet"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert [x["verdict"] for x in lines] == ["BLOCK", "CLEAR", "ERROR", "REVIEW"]


def test_screen_json(shipments: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    assert runner.invoke(app, ["screen", str(shipments), "--out", str(out)]).exit_code == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    rows = data["results"] if isinstance(data, dict) else data
    assert len(rows) == 4


@pytest.mark.parametrize(("level", "code"), [("block", 1), ("review", 1)])
def test_fail_on(shipments: Path, tmp_path: Path, level: str, code: int) -> None:
    result = runner.invoke(app, ["screen", str(shipments), "--out", str(tmp_path / "o.csv"), "--fail-on", level])
    assert result.exit_code == code


def test_fail_on_not_reached(tmp_path: Path) -> None:
    path = write_rows(tmp_path / "ok.csv", [ROWS[1]])
    result = runner.invoke(app, ["screen", str(path), "--out", str(tmp_path / "o.csv"), "--fail-on", "review"])
    assert result.exit_code == 0


def test_unreadable_input_exit_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["screen", str(tmp_path / "missing.csv")])
    assert result.exit_code == 2
    junk = tmp_path / "junk.csv"
    junk.write_bytes(bytes(range(256)) * 10)
    assert runner.invoke(app, ["screen", str(junk)]).exit_code == 2


def test_missing_required_column_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "nohs.csv"
    path.write_text("shipment_id,destination_country\nX,BY\n", encoding="utf-8")
    result = runner.invoke(app, ["screen", str(path)])
    assert result.exit_code == 2
    assert "hs_code" in result.output


def test_map_option(tmp_path: Path) -> None:
    path = tmp_path / "theirs.csv"
    path.write_text("Ref;Commodity;Ship to\nR1;3104 20 10;BY\n", encoding="utf-8")
    out = tmp_path / "o.csv"
    result = runner.invoke(app, ["screen", str(path), "--map", "Ref=shipment_id", "--map", "Commodity=hs_code",
                                 "--map", "Ship to=destination_country", "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert rows[0]["Ref"] == "R1" and rows[0]["verdict"] == "CLEAR"


def test_jurisdiction_and_as_of(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("shipment_id,hs_code,destination_country\nX,854231,BY\n", encoding="utf-8")
    out = tmp_path / "o.csv"
    args = ["screen", str(path), "--out", str(out), "--quiet"]
    runner.invoke(app, [*args, "--as-of", "2025-01-01"])
    assert next(csv.DictReader(out.open(encoding="utf-8")))["verdict"] == "BLOCK"
    runner.invoke(app, [*args, "--as-of", "2021-01-01"])
    assert next(csv.DictReader(out.open(encoding="utf-8")))["verdict"] == "CLEAR"
    runner.invoke(app, [*args, "--as-of", "2025-01-01", "--jurisdiction", "US"])
    assert next(csv.DictReader(out.open(encoding="utf-8")))["verdict"] == "REVIEW"
    bad = runner.invoke(app, [*args, "--jurisdiction", "XX"])
    assert bad.exit_code == 2


def test_rules_commands(tmp_path: Path) -> None:
    listed = runner.invoke(app, ["rules", "list", "--json"])
    assert listed.exit_code == 0
    assert any(r["id"] == "BY-SECT-POTASH" for r in json.loads(listed.stdout))
    shown = runner.invoke(app, ["rules", "show", "BY-SECT-POTASH"])
    assert shown.exit_code == 0 and "Annex VIII" in shown.stdout
    assert runner.invoke(app, ["rules", "show", "BY-NOPE"]).exit_code == 2
    assert runner.invoke(app, ["rules", "validate", "rules"]).exit_code == 0
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "bundle.yaml").write_text("version: [\n", encoding="utf-8")
    result = runner.invoke(app, ["rules", "validate", str(bad)])
    assert result.exit_code == 2 and "bundle.yaml" in result.output


def test_every_command_has_help_with_example() -> None:
    for args in (["screen"], ["rules", "list"], ["rules", "show"], ["rules", "validate"],
                 ["rules"], ["lists"], ["decide"], ["decisions"], ["audit"]):  # command groups too
        result = runner.invoke(app, [*args, "--help"])
        assert result.exit_code == 0
        assert "Example" in result.output, args


def test_screen_from_stdin() -> None:
    data = io.StringIO()
    w = csv.DictWriter(data, fieldnames=list(ROWS[1]))
    w.writeheader()
    w.writerow(ROWS[1])
    result = runner.invoke(app, ["screen", "-", "--format", "jsonl", "--quiet"], input=data.getvalue())
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout.splitlines()[0])["verdict"] == "CLEAR"


def test_out_that_is_the_input_file_is_refused(shipments: Path, tmp_path: Path) -> None:
    """The results would have replaced the shipments they came from (also through a symlink)."""
    before = shipments.read_bytes()
    link = tmp_path / "link.csv"
    link.symlink_to(shipments)
    for given, out in ((shipments, shipments), (link, shipments), (shipments, link)):
        result = runner.invoke(app, ["screen", str(given), "--out", str(out), "--no-db"])
        said = " ".join(result.output.replace("│", " ").split())  # rich wraps the message in a box
        assert result.exit_code == 2 and "is the input file" in said, said
    assert shipments.read_bytes() == before and link.is_symlink()
    assert runner.invoke(app, ["screen", str(shipments), "--out", str(tmp_path / "out.csv"), "--no-db"]).exit_code == 0


def test_rescreen_and_report_do_not_overwrite_the_results(shipments: Path, tmp_path: Path) -> None:
    results = tmp_path / "results.csv"
    assert runner.invoke(app, ["screen", str(shipments), "--out", str(results), "--no-db"]).exit_code == 0
    before = results.read_bytes()
    for args in (["rescreen", str(results), "--out", str(results), "--no-db"],
                 ["report", str(results), "--html", str(results)]):
        result = runner.invoke(app, args)
        said = " ".join(result.output.replace("│", " ").split())
        assert result.exit_code == 2 and "is the input file" in said, said
    assert results.read_bytes() == before
