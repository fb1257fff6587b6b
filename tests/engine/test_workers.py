"""``--workers N``: chunks screened in forked processes give the one-process output, byte for byte."""

from __future__ import annotations

import csv
import datetime as dt
import multiprocessing as mp
from pathlib import Path

import pytest

from compliance.engine import run_batch
from compliance.io import ResultWriter, open_input
from compliance.models import INPUT_COLUMNS
from compliance.rules.quota import MemoryQuotaStore
from compliance.screener import Screener
from tests.engine.varied import quota_rows, varied_rows

pytestmark = pytest.mark.skipif("fork" not in mp.get_all_start_methods(), reason="needs fork")

AS_OF = dt.date(2026, 3, 1)


@pytest.fixture(scope="module")
def screener() -> Screener:
    return Screener.load(include_imported=False)


@pytest.fixture(scope="module")
def batch_file(screener: Screener, tmp_path_factory: pytest.TempPathFactory) -> Path:
    rows = quota_rows(25) + varied_rows(screener.bundle, 300, seed=33) + quota_rows(25, start=400)
    path = tmp_path_factory.mktemp("workers") / "batch.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(INPUT_COLUMNS))
        w.writeheader()
        for r in rows:
            w.writerow({k: r.data.get(k, "") for k in INPUT_COLUMNS})
        fh.write("a row,that,is,too,short\n")  # an unreadable row still comes back, in its place
    return path


def _screen(screener: Screener, path: Path, out: Path, workers: int, fmt: str = "csv") -> bytes:
    table = open_input(path)
    writer = ResultWriter(out, fmt, table.columns)
    with table:
        summary = run_batch(screener, table.chunks(23), writer.write, as_of=AS_OF, workers=workers,
                            quota_store=MemoryQuotaStore())
    writer.close()
    assert summary.rows == 351
    return out.read_bytes()


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_workers_output_is_byte_identical(screener: Screener, batch_file: Path, tmp_path: Path, fmt: str) -> None:
    one = _screen(screener, batch_file, tmp_path / f"one.{fmt}", 1, fmt)
    two = _screen(screener, batch_file, tmp_path / f"two.{fmt}", 2, fmt)
    three = _screen(screener, batch_file, tmp_path / f"three.{fmt}", 3, fmt)
    assert two == one and three == one
    assert b"BY-CIRC-QUOTA" in one  # quotas crossed chunks in different workers and still count in order


def test_csv_fast_path_equals_the_record(screener: Screener, batch_file: Path, tmp_path: Path) -> None:
    """The CSV writer's per-row shortcut gives ``_csv_cell`` of every ``result_record`` cell."""
    import io

    from compliance.io.writers import _csv_cell, result_record

    table = open_input(batch_file)
    results: list[object] = []
    with table:
        run_batch(screener, table.chunks(50), results.extend, as_of=AS_OF)
    fast = _screen(screener, batch_file, tmp_path / "fast.csv", 1)
    writer = ResultWriter(tmp_path / "unused.csv", "csv", table.columns)
    buf = io.StringIO(newline="")
    w = csv.writer(buf)
    w.writerow(writer.columns)
    for r in results:
        rec = result_record(r, writer.columns)  # type: ignore[arg-type]
        w.writerow([_csv_cell(rec[c]) for c in writer.columns])
    writer.abort()
    assert fast == buf.getvalue().encode("utf-8")
