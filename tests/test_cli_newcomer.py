"""What a newcomer meets first: every command's help, usage errors as one line with exit 2
(contract section 3, never a traceback), and the id of a renamed column in the output."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner

from compliance.cli import app

runner = CliRunner()

COMMANDS = (["screen"], ["match"], ["report"], ["rescreen"], ["rules", "list"], ["rules", "show"],
            ["rules", "validate"], ["lists", "import"], ["lists", "status"], ["decide", "false-positive"],
            ["decide", "release"], ["decide", "hold"], ["decide", "revoke"], ["decisions", "list"],
            ["decisions", "export"], ["audit", "log"], ["audit", "verify"], ["audit", "shipment"],
            ["audit", "ledger"])


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_every_command_has_help_with_example(args: list[str]) -> None:
    result = runner.invoke(app, [*args, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example" in result.output


def _results(tmp_path: Path) -> Path:
    src = tmp_path / "in.csv"
    src.write_text("shipment_id,hs_code,destination_country\nA1,3104 20 10,BY\n", encoding="utf-8")
    out = tmp_path / "r.csv"
    assert runner.invoke(app, ["screen", str(src), "--out", str(out), "--quiet", "--no-db"]).exit_code == 0
    return out


@pytest.mark.parametrize("args", [
    ["match", "Belaruskali", "--country", "Narnia"],
    ["match", "  "],
    ["decisions", "list", "--kind", "nonsense"],
    ["decisions", "export", "--out", "decisions.xlsx"],
])
def test_usage_errors_exit_2_without_traceback(args: list[str]) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output


def test_rescreen_out_format_checked_before_screening(tmp_path: Path) -> None:
    result = runner.invoke(app, ["rescreen", str(_results(tmp_path)), "--out", str(tmp_path / "c.xlsx"), "--no-db"])
    assert result.exit_code == 2 and ".csv, .jsonl or .json" in result.output
    assert not (tmp_path / "c.xlsx").exists()


def test_report_to_unwritable_place_names_the_file(tmp_path: Path) -> None:
    blocker = tmp_path / "not_a_dir"
    blocker.write_text("x", encoding="utf-8")
    result = runner.invoke(app, ["report", str(_results(tmp_path)), "--html", str(blocker / "report.html")])
    assert result.exit_code == 2
    assert result.output.startswith(f"error: {blocker}") and ".partial" not in result.output


def test_results_given_as_shipments_are_screened_with_a_warning(tmp_path: Path) -> None:
    results = _results(tmp_path)
    result = runner.invoke(app, ["screen", str(results), "--out", str(tmp_path / "again.csv"), "--no-db"])
    assert result.exit_code == 0, result.output
    assert "results file of compliance screen" in result.output and "rescreen" in result.output
    rows = list(csv.DictReader((tmp_path / "again.csv").open(encoding="utf-8")))
    before = list(csv.DictReader(results.open(encoding="utf-8")))
    assert [r["verdict"] for r in rows] == [r["verdict"] for r in before]
    assert list(rows[0]).count("verdict") == 1


def test_renamed_id_column_fills_shipment_id(tmp_path: Path) -> None:
    src = tmp_path / "theirs.csv"
    src.write_text("Order No,Commodity,Ship to\nSO-1,3104 20 10,BY\nSO-2,9403 20,DE\n", encoding="utf-8")
    out = tmp_path / "o.csv"
    result = runner.invoke(app, ["screen", str(src), "--map", "Order No=shipment_id", "--map", "Commodity=hs_code",
                                 "--map", "Ship to=destination_country", "--out", str(out), "--quiet", "--no-db"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [(r["Order No"], r["shipment_id"]) for r in rows] == [("SO-1", "SO-1"), ("SO-2", "SO-2")]
