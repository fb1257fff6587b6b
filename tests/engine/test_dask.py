"""``--engine dask`` on a LocalCluster: byte-identical output to the local engine, quotas included."""

from __future__ import annotations

import csv
import datetime as dt
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from compliance.engine import run_batch
from compliance.io import ResultWriter, open_input
from compliance.models import INPUT_COLUMNS
from compliance.screener import Screener
from tests.engine.varied import quota_rows, varied_rows

distributed = pytest.importorskip("distributed")

AS_OF = dt.date(2026, 3, 1)


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  silence_logs=logging.WARNING) as cluster:
        yield cluster.scheduler_address


@pytest.fixture(scope="module")
def batch_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    screener = Screener.load(include_imported=False)
    rows = quota_rows(25) + varied_rows(screener.bundle, 300, seed=21) + quota_rows(25, start=400)
    path = tmp_path_factory.mktemp("dask") / "batch.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(INPUT_COLUMNS))
        w.writeheader()
        for r in rows:
            w.writerow({k: r.data.get(k, "") for k in INPUT_COLUMNS})
    return path


def _screen(path: Path, out: Path, engine: str, scheduler: str | None = None) -> bytes:
    screener = Screener.load(include_imported=False)
    table = open_input(path)
    writer = ResultWriter(out, "csv", table.columns)
    with table:
        if engine == "dask":
            from compliance.dask_engine import run_dask

            summary = run_dask(screener, table, writer.write, as_of=AS_OF, scheduler=scheduler, chunk_size=23)
        else:
            summary = run_batch(screener, table.chunks(23), writer.write, as_of=AS_OF)
    writer.close()
    assert summary.rows == 350
    return out.read_bytes()


def test_dask_output_is_byte_identical(scheduler: str, batch_file: Path, tmp_path: Path) -> None:
    local = _screen(batch_file, tmp_path / "local.csv", "local")
    on_dask = _screen(batch_file, tmp_path / "dask.csv", "dask", scheduler)
    assert on_dask == local
    assert b"BY-CIRC-QUOTA" in local  # quotas crossed partitions and still count in input order


def test_unreachable_scheduler_is_a_clear_error(batch_file: Path, tmp_path: Path) -> None:
    from compliance.dask_engine import run_dask
    from compliance.exc import ComplianceError

    with pytest.raises(ComplianceError, match="cannot reach the Dask scheduler"), open_input(batch_file) as table:
        run_dask(Screener.load(include_imported=False), table, lambda rs: None, scheduler="tcp://127.0.0.1:1")
