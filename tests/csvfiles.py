"""Writing test shipments as a CSV file and screening a file through the batch engine (shared by
the CLI, contract, audit, report and input tests)."""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from compliance.models import ScreeningResult
    from compliance.screener import Screener


def write_rows(path: Path, rows: Sequence[Mapping[str, Any]]) -> Path:
    """``rows`` as a CSV file at ``path``: the columns of every row, in order of first use."""
    columns: list[str] = []
    for r in rows:
        columns.extend(k for k in r if k not in columns)
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=columns)
        w.writeheader()
        w.writerows(rows)
    return path


def screen_file(screener: Screener, path: Path, chunk: int = 7,
                **options: Any) -> tuple[list[ScreeningResult], list[str]]:
    """Every result of the file at ``path`` read with ``open_input(path, **options)`` and screened in
    chunks of ``chunk`` rows (the CLEAR lane included), and the file's warnings."""
    from compliance.engine import iter_results
    from compliance.io import open_input

    with open_input(path, **options) as table:
        return list(iter_results(screener, table.chunks(chunk))), table.warnings
