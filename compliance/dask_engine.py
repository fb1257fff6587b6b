"""``--engine dask``: the batch pipeline partitioned on a Dask cluster, same results as local.

The client reads the input in chunks (one partition each), sends each to a worker and writes
the results in input order; at most a few partitions are in flight, so client memory stays
flat however large the file. The loaded ``Screener`` (rules, lists, name index) is sent to
every worker once, so workers need the ``compliance`` package (same version) but not the rule
or list files; each worker keeps its caches (party matches, goods keys) across partitions.

Quotas count across the whole batch in input order. A worker cannot know the totals of the
partitions before its own, so a row that adds to a quota total comes back unfinished
(``PendingRow``: its goods and party findings done) and the client finishes it — quota, hooks,
verdict — in input order with the one run-wide tracker (and ``quota_store``). Every other row
is finished on the worker by the same ``Screener.complete``: the output is byte-identical to
the local engine's.
"""

from __future__ import annotations

import datetime as dt
import gc
import logging
import os
import time
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from compliance import __version__
from compliance.engine import (
    BatchEngine,
    BatchSummary,
    PackedChunk,
    PendingRow,
    chunked_gc,
    deliver,
    pack_chunk,
    unpack_chunk,
)
from compliance.exc import ComplianceError
from compliance.models import ScreeningResult
from compliance.rules.quota import QuotaStore, QuotaTracker

if TYPE_CHECKING:
    from compliance.io import InputTable, RawRow
    from compliance.screener import Screener

log = logging.getLogger(__name__)

# One engine per (screener, options) per worker process, kept across partitions (its caches).
_ENGINES: dict[tuple[int, str | None, dt.date | None], tuple[Screener, BatchEngine]] = {}


def _worker_version() -> str:
    return __version__


def _screen_partition(screener: Screener, rows: PackedChunk | list[RawRow], jurisdiction: str | None,
                      as_of: dt.date | None) -> list[ScreeningResult | PendingRow]:
    """Runs on a worker: one partition, in order; quota-dependent rows come back pending."""
    key = (id(screener), jurisdiction, as_of)
    held = _ENGINES.get(key)
    if held is None or held[0] is not screener:
        if len(_ENGINES) >= 4:
            _ENGINES.clear()
        held = _ENGINES[key] = (screener, BatchEngine(screener, jurisdiction=jurisdiction, as_of=as_of,
                                                      defer_quota=True))
    with chunked_gc():
        out = held[1].screen_chunk(unpack_chunk(rows) if isinstance(rows, PackedChunk) else rows)
    gc.collect()
    return out


def _connect(scheduler: str | None, workers: int | None) -> tuple[Any, Any]:
    try:
        import distributed
    except ImportError:
        raise ComplianceError("--engine dask needs Dask: pip install 'compliance[dask]'") from None
    dd = cast(Any, distributed)  # distributed is untyped
    if scheduler:
        try:
            return dd.Client(scheduler, timeout="15s"), None
        except (OSError, TimeoutError) as e:
            raise ComplianceError(f"cannot reach the Dask scheduler at {scheduler}: {e}") from None
    n = workers or max(1, min(4, os.cpu_count() or 1))
    cluster = dd.LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None,
                              silence_logs=logging.WARNING)
    return dd.Client(cluster), cluster


def _check_workers(client: Any) -> None:
    versions = client.run(_worker_version)
    if not versions:
        raise ComplianceError("the Dask cluster has no workers")
    wrong = {w: v for w, v in versions.items() if v != __version__}
    if wrong:
        raise ComplianceError(f"Dask workers run compliance {sorted(set(wrong.values()))}, this client "
                              f"{__version__}: install the same version on every worker")


def run_dask(screener: Screener, table: InputTable, write: Callable[[list[ScreeningResult]], None], *,
             jurisdiction: str | None = None, as_of: dt.date | None = None, scheduler: str | None = None,
             chunk_size: int = 50_000, quota_store: QuotaStore | None = None,
             progress: Callable[[int], None] | None = None, workers: int | None = None,
             in_flight: int | None = None) -> BatchSummary:
    """Screen ``table`` on Dask (``scheduler`` address, or a local cluster) and hand each
    partition's results to ``write`` in input order."""
    summary = BatchSummary()
    start = time.perf_counter()
    client, cluster = _connect(scheduler, workers)
    try:
        _check_workers(client)
        n_workers = len(client.scheduler_info().get("workers", {})) or 1
        window = in_flight or 2 * n_workers
        # Shipped once to every worker, not with each partition.
        remote = client.scatter(screener, broadcast=True, hash=False)
        finisher = BatchEngine(screener, jurisdiction=jurisdiction, as_of=as_of)
        tracker = QuotaTracker(screener.bundle, quota_store)
        pending: deque[Any] = deque()

        def drain(one: Any) -> None:
            try:
                items = one.result()
            except Exception as e:  # a lost worker or a defect: stop, the output is not written
                raise ComplianceError(f"a Dask partition failed: {type(e).__name__}: {e}") from e
            deliver(items, finisher, tracker, summary, write, progress)

        for chunk in table.chunks(chunk_size):
            # Sent packed (``pack_chunk``): a few objects to serialise per partition, not ~25 per row.
            pending.append(client.submit(_screen_partition, remote, pack_chunk(chunk), jurisdiction, as_of,
                                         pure=False))
            while len(pending) >= window:
                drain(pending.popleft())
        while pending:
            drain(pending.popleft())
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    summary.seconds = time.perf_counter() - start
    return summary
