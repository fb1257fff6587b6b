"""A results workbook of ``screen`` read back as input (re-screening yesterday's results) gives
each shipment once: its Results sheet holds every row, the verdict sheets the same rows again."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from compliance.cli import app
from compliance.io import open_input

SAMPLE = Path(__file__).parents[2] / "sample_shipments" / "weekly_batch.csv"


def test_results_workbook_reads_each_row_once(tmp_path: Path) -> None:
    out = tmp_path / "results.xlsx"
    res = CliRunner().invoke(app, ["screen", str(SAMPLE), "--out", str(out)])
    assert res.exit_code == 0, res.output
    with open_input(out) as table:
        rows = list(table.rows())
        warnings = list(table.warnings)
    assert len(rows) == 200
    assert [r.data.get("shipment_id") for r in rows[:2]] == ["WB-2026-0001", "WB-2026-0002"]  # input order
    assert any("results workbook" in w for w in warnings)
