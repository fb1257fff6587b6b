"""A header of 50,000 columns (a pasted row, a broken export) reads in linear time: every step
that looks at the header uses sets and dicts, not lists (it took 25 s at 50,000 columns when
the repeated-header check scanned a list)."""

from __future__ import annotations

from pathlib import Path

from compliance.io import open_input


def test_fifty_thousand_columns(tmp_path: Path) -> None:
    n = 50_000
    header = ["shipment_id", "hs_code", "destination_country", *[f"x{i}" for i in range(n)], "x7", "HS Code"]
    row = ["S1", "847130", "BY", *["v"] * n, "w", "310420"]
    path = tmp_path / "wide.csv"
    path.write_text(",".join(header) + "\n" + ",".join(row) + "\n", encoding="utf-8")
    with open_input(path) as t:
        rows = list(t.rows())
        warnings = t.warnings
    assert len(rows) == 1 and rows[0].data["shipment_id"] == "S1"
    assert any("'x7' appears twice" in w for w in warnings)
    assert rows[0].error and "'HS Code'" in rows[0].error  # the twin hs_code column differs
