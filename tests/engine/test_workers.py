"""``--workers N``: chunks screened in forked processes give the one-process output, byte for byte."""

from __future__ import annotations

import csv
import datetime as dt
import gc
import multiprocessing as mp
from pathlib import Path

import pytest

from compliance.engine import BatchSummary, Rendered, run_batch
from compliance.io import ResultWriter, open_input
from compliance.models import INPUT_COLUMNS, ScreeningResult
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


class _Take:
    """Rows rendered in the workers, written by the parent (what ``compliance screen`` does)."""

    def __init__(self, writer: ResultWriter) -> None:
        self.writer = writer
        self.parts = 0

    def render(self, results: list[ScreeningResult]) -> tuple[str, int]:
        return self.writer.render(results)

    def take(self, part: Rendered) -> None:
        self.parts += 1
        self.writer.write_text(part.text, part.rows)


def _screen_auto(screener: Screener, path: Path, out: Path, fmt: str, *, render: bool,
                 workers: int | None = None) -> tuple[bytes, BatchSummary, int]:
    table = open_input(path)
    writer = ResultWriter(out, fmt, table.columns)
    take = _Take(writer) if render else None
    with table:
        summary = run_batch(screener, table.chunks(23), writer.write, as_of=AS_OF, workers=workers,
                            quota_store=MemoryQuotaStore(), renderer=take)
    writer.close()
    return out.read_bytes(), summary, take.parts if take else 0


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
@pytest.mark.parametrize("render", [False, True])
def test_automatic_workers_are_byte_identical(screener: Screener, batch_file: Path, tmp_path: Path, fmt: str,
                                              render: bool) -> None:
    """The default (workers=None): the first chunk here, the rest on one process per core (at
    least two here, so the forked path runs on any machine), rendered there or not."""
    import compliance.engine as engine

    one, s1, _ = _screen_auto(screener, batch_file, tmp_path / f"one.{fmt}", fmt, render=False, workers=1)
    cores, spare = engine._cores, engine.SPARE_CORES_TO_FORK
    engine._cores = lambda: max(2, cores())  # type: ignore[assignment]
    engine.SPARE_CORES_TO_FORK = float("-inf")  # however busy the machine running the tests
    try:
        auto, s2, parts = _screen_auto(screener, batch_file, tmp_path / f"auto.{fmt}", fmt, render=render)
    finally:
        engine._cores, engine.SPARE_CORES_TO_FORK = cores, spare  # type: ignore[assignment]
    assert auto == one
    assert (s2.rows, s2.counts, s2.errors) == (s1.rows, s1.counts, s1.errors)
    assert (parts > 0) == render  # rendered text came back from the workers
    if render:
        explicit, s3, _ = _screen_auto(screener, batch_file, tmp_path / f"two.{fmt}", fmt, render=True, workers=2)
        assert explicit == one and (s3.rows, s3.counts) == (s1.rows, s1.counts)


def test_rendered_rows_count_their_rules(screener: Screener, batch_file: Path) -> None:
    """What a worker sends back instead of results: the text and the same counts."""
    from collections import Counter

    from compliance.engine import render_part
    from compliance.report.terminal import count_rules

    table = open_input(batch_file)
    results: list[ScreeningResult] = []
    with table:
        run_batch(screener, table.chunks(50), results.extend, as_of=AS_OF)
    writer = ResultWriter(None, "csv", table.columns)
    part = render_part(_Take(writer), results)
    rules: Counter[tuple[str, str, str]] = Counter()
    count_rules(results, rules)
    assert part.rules == rules and part.rows == len(results) == 351
    assert part.counts == Counter(r.verdict.value for r in results)
    assert part.errors == [r.error for r in results if r.error][:20]
    assert part.text == writer.render(results)[0] and part.text.count("\n") >= 351


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_workers_output_is_byte_identical(screener: Screener, batch_file: Path, tmp_path: Path, fmt: str) -> None:
    one = _screen(screener, batch_file, tmp_path / f"one.{fmt}", 1, fmt)
    two = _screen(screener, batch_file, tmp_path / f"two.{fmt}", 2, fmt)
    assert gc.get_freeze_count() == 0  # the heap frozen for the workers' run is given back after it
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


def test_cli_default_uses_workers_with_the_same_output(batch_file: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """``compliance screen`` without --workers: a file of several chunks goes to worker processes
    (rendered there), and gives the output and the summary of one process."""
    from typer.testing import CliRunner

    import compliance.engine as engine
    from compliance.cli import app

    monkeypatch.setattr(engine, "_cores", lambda: 2)
    monkeypatch.setattr(engine, "SPARE_CORES_TO_FORK", float("-inf"))
    runner = CliRunner()
    outs = {}
    for name, extra in (("one", ["--workers", "1"]), ("auto", [])):
        out = tmp_path / f"{name}.csv"
        result = runner.invoke(app, ["screen", str(batch_file), "--out", str(out), "--chunk-size", "40",
                                     "--as-of", "2026-03-01", "--no-db", *extra])
        assert result.exit_code == 0, result.output
        summary = [line for line in result.output.splitlines() if "time " not in line]
        outs[name] = (out.read_bytes(), summary)
    assert outs["auto"] == outs["one"]
    assert any("351" in line for line in outs["one"][1]), outs["one"][1]


def test_automatic_workers_wait_for_spare_cores(screener: Screener, batch_file: Path, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """With the other cores busy the batch stays in this process (workers would only add their
    overhead); when a core frees up later in the batch, the rest moves to workers."""
    import compliance.engine as engine

    one, _, _ = _screen_auto(screener, batch_file, tmp_path / "one.csv", "csv", render=False, workers=1)
    monkeypatch.setattr(engine, "_cores", lambda: 2)
    forked: list[int] = []
    real = engine.run_forked

    def spy(*args: object, **kwargs: object) -> engine.BatchSummary:
        forked.append(int(kwargs["first_index"]))  # type: ignore[call-overload]
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(engine, "run_forked", spy)
    monkeypatch.setattr(engine._IdleMeter, "spare", lambda self, pids=(): 0.1)  # busy machine
    busy, _, _ = _screen_auto(screener, batch_file, tmp_path / "busy.csv", "csv", render=True)
    assert busy == one and forked == []
    spares = iter([0.1, 0.2, 1.0])  # a core frees up after the third chunk
    monkeypatch.setattr(engine._IdleMeter, "spare", lambda self, pids=(): next(spares, 1.0))
    later, _, _ = _screen_auto(screener, batch_file, tmp_path / "later.csv", "csv", render=True)
    assert later == one and forked == [3]
    assert engine._auto_workers(engine._IdleMeter(), 8) in (0, 2, 3)  # at most AUTO_WORKERS_MAX


def test_idle_meter_reads_the_machine() -> None:
    import compliance.engine as engine

    meter = engine._IdleMeter()
    sum(range(200_000))
    spare = meter.spare()
    assert spare is None or 0.0 <= spare <= (engine.os.cpu_count() or 1) + 1e-6


@pytest.mark.parametrize("render", [False, True])
def test_automatic_workers_come_back_when_the_machine_gets_busy(screener: Screener, batch_file: Path,
                                                                tmp_path: Path, render: bool,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """On workers, chunks come back to this process while the other cores are busy, and go to the
    workers again when cores free up: the same output, in order, quota totals included (quota
    rows in the first and last chunks, screened here between chunks of the workers)."""
    import compliance.engine as engine

    one, s1, _ = _screen_auto(screener, batch_file, tmp_path / "one.csv", "csv", render=False, workers=1)
    monkeypatch.setattr(engine, "_cores", lambda: 2)
    seen: list[list[int]] = []
    # 16 chunks of 23 rows: chunk 0 here, then one reading before each chunk. 0.5 is between the
    # two thresholds: it keeps the batch where it is (on workers at chunk 4, here at chunk 6).
    spares = iter([1.0,  # after chunk 0: fork
                   0.1, 1.0, 1.0, 0.5, 0.1, 0.5, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.1, 1.0])

    def spare(self: engine._IdleMeter, pids: object = ()) -> float:
        seen.append(list(pids))  # type: ignore[call-overload]
        return next(spares)

    monkeypatch.setattr(engine._IdleMeter, "spare", spare)
    got, s2, parts = _screen_auto(screener, batch_file, tmp_path / "both.csv", "csv", render=render)
    assert got == one
    assert (s2.rows, s2.counts, s2.errors) == (s1.rows, s1.counts, s1.errors)
    assert next(spares, None) is None  # read once per chunk
    # Here: chunks 0, 1, 5, 6 and 14; the other 11 on the workers (rendered there or not).
    assert s2.worker_chunks == 11
    assert (parts > 0) == render
    assert any(len(p) == 2 for p in seen[2:])  # the workers' own CPU is told apart from the machine's


def _fake_meter(monkeypatch: pytest.MonkeyPatch, stat: list[tuple[int, int]], own: list[float],
                worker: list[float]) -> object:
    """A meter on 2 cores (100 ticks a second) reading scripted /proc values."""
    import compliance.engine as engine

    stats, owns, workers = iter(stat), iter(own), iter(worker)
    monkeypatch.setattr(engine._IdleMeter, "_stat", staticmethod(lambda: next(stats)))
    monkeypatch.setattr(engine._IdleMeter, "_self_cpu", staticmethod(lambda: next(owns)))
    monkeypatch.setattr(engine._IdleMeter, "_cpu_of", lambda self, pid: next(workers))
    meter = engine._IdleMeter()
    meter._cores, meter._clock = 2, 100.0
    return meter


def test_idle_meter_leaves_out_the_batchs_own_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Busy cores are the other processes' only once this process and its workers are left out:
    the test that sends a batch back from its workers, which keep the cores busy by design."""
    import compliance.engine as engine

    # Two 1 s intervals. First: all busy; this process 0.2 cores, its worker 1.0 (first seen:
    # forked since the start) -> the others 0.8 -> 0.2 to spare besides this process. Then: half
    # idle, this process 0.1 and the worker 0.9 -> the others nothing -> 1.0 to spare.
    meter = _fake_meter(monkeypatch, [(0, 0), (0, 200), (5, 210), (100, 400)], [0.0, 0.2, 0.21, 0.3], [1.0, 1.05, 1.9])
    assert isinstance(meter, engine._IdleMeter)
    assert meter.spare([7]) == pytest.approx(0.2)
    assert meter.spare([7]) is None  # 0.05 s: too short to tell, measured on from the last reading
    assert meter.spare([7]) == pytest.approx(1.0)
    # The same first interval without the worker told apart: its 1.0 core looks like the others'.
    blind = _fake_meter(monkeypatch, [(0, 0), (0, 200)], [0.0, 0.2], [])
    assert isinstance(blind, engine._IdleMeter)
    assert blind.spare() == pytest.approx(0.0)
