"""The progress bar's row estimate (for the ETA): cheap, and never in the way."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from compliance.cli.screen import estimate_rows


def test_estimate_rows(tmp_path: Path) -> None:
    csv_file = tmp_path / "a.csv"
    csv_file.write_text("shipment_id,hs_code,destination_country\n1,8542,KZ\n2,8542,KZ\n3,8542,KZ", encoding="utf-8")
    assert estimate_rows(str(csv_file), "csv") == 3
    jsonl = tmp_path / "a.jsonl"
    jsonl.write_text('{"a": 1}\n{"a": 2}\n', encoding="utf-8")
    assert estimate_rows(str(jsonl), "jsonl") == 2
    pq = tmp_path / "a.parquet"
    pd.DataFrame({"shipment_id": ["1", "2"]}).to_parquet(pq)
    assert estimate_rows(str(pq), "parquet") == 2
    assert estimate_rows("-", "csv") is None
    assert estimate_rows(str(tmp_path / "missing.csv"), "csv") is None
    assert estimate_rows(str(csv_file), "xlsx") is None
