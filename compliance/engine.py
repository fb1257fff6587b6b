"""Batch screening: read in chunks, do each piece of work once, screen in order, write in chunks.

No business logic here: the engine decides how rows flow and what is computed once. Across a
whole run it keeps

- a fast row parser (``compliance.fastparse``: the same ``Shipment`` as ``parse_shipment``),
- the name matches of each distinct (party name, country), searched once (``PartyCache``),
- the goods, route and document findings of each distinct goods key (``GoodsCache``),

all bounded, so memory stays flat as the file grows; quota rules and party findings are
per row, in input order. Every input row yields exactly one result, in input order.

``BatchEngine`` is also what a Dask worker runs on its partitions (``compliance.dask_engine``):
with ``defer_quota`` a row whose quota total depends on earlier rows comes back as a
``PendingRow``, finished by the client in input order, so both engines give the same results.
"""

from __future__ import annotations

import datetime as dt
import gc
import logging
import multiprocessing as mp
import os
import sys
import time
import traceback
from array import array
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from itertools import chain
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from compliance.exc import ComplianceError, InvalidInput
from compliance.fastparse import FastParser
from compliance.io.readers import RawRow, RowLayout
from compliance.models import Finding, ScreeningResult, Shipment, Verdict
from compliance.rules.quota import QuotaStore, QuotaTracker

if TYPE_CHECKING:
    from compliance.lane import ClearLane
    from compliance.screener import Screener

log = logging.getLogger(__name__)

# Distinct (name, country) pairs and goods keys kept across a run (goods keys with findings:
# a fifth of it); past that the least recently used are dropped and recomputed when seen
# again. Sized so a forwarder's batch fills them within its first ~100k rows: memory is then
# flat however long the file (measured: 1M rows peak near the 100k figure).
PARTY_CACHE_LIMIT = 100_000
GOODS_CACHE_LIMIT = 40_000
# ERROR messages a summary keeps to show the user.
MAX_MESSAGES = 20


_VERDICT = attrgetter("verdict")


@dataclass
class BatchSummary:
    """What a batch run did: counts, time, and the first errors to show the user."""

    rows: int = 0
    counts: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    max_messages: int = MAX_MESSAGES
    worker_chunks: int = 0  # chunks screened in worker processes (the others: in this one)

    def add(self, result: ScreeningResult) -> None:
        self.rows += 1
        self.counts[result.verdict.value] += 1
        if result.verdict == Verdict.ERROR and result.error and len(self.errors) < self.max_messages:
            self.errors.append(result.error)

    def add_all(self, results: list[ScreeningResult]) -> None:
        """``add`` of each result: the verdicts counted in one pass (a method call per row saved)."""
        self.rows += len(results)
        verdicts = Counter(map(_VERDICT, results))
        self.counts.update({v.value: n for v, n in verdicts.items()})
        if Verdict.ERROR in verdicts and len(self.errors) < self.max_messages:
            for r in results:
                if r.verdict == Verdict.ERROR and r.error and len(self.errors) < self.max_messages:
                    self.errors.append(r.error)

    def add_rendered(self, part: Rendered) -> None:
        self.rows += part.rows
        self.counts.update(part.counts)
        self.errors.extend(part.errors[: max(0, self.max_messages - len(self.errors))])

    def as_dict(self) -> dict[str, Any]:
        return {"rows": self.rows, **{v.value: self.counts.get(v.value, 0) for v in Verdict},
                "seconds": round(self.seconds, 3)}


RuleKey = tuple[str, str, str]


@dataclass(slots=True)
class Rendered:
    """Rows a worker process finished and rendered as output text, in order, with what the
    parent counts of them: sending this back costs a fraction of sending the results."""

    text: str
    rows: int
    counts: Counter[str]  # rows per verdict
    errors: list[str]  # the first ERROR messages (at most MAX_MESSAGES)
    rules: Counter[RuleKey]  # rows per (rule id, family, severity), a rule counted once per row


class Renderer(Protocol):
    """Renders finished results as output text (in a worker) and takes the text (in the parent)."""

    def render(self, results: list[ScreeningResult]) -> tuple[str, int]: ...

    def take(self, part: Rendered) -> None: ...


def render_part(renderer: Renderer, results: list[ScreeningResult]) -> Rendered:
    text, rows = renderer.render(results)
    counts: Counter[str] = Counter()
    rules: Counter[RuleKey] = Counter()
    errors: list[str] = []
    for r in results:
        counts[r.verdict.value] += 1
        if r.findings:
            rules.update({(f.rule_id, f.family.value, f.severity.value) for f in r.findings})
        if r.verdict == Verdict.ERROR and r.error and len(errors) < MAX_MESSAGES:
            errors.append(r.error)
    return Rendered(text, rows, counts, errors, rules)


@dataclass
class PendingRow:
    """A row screened but for its quota rules, whose totals depend on every earlier row."""

    row_number: int
    shipment: Shipment
    goods: list[Finding]
    parties: list[Finding]
    fired: set[str]
    warnings: list[str]  # the context's warnings before the quota rules ran
    echo: dict[str, Any]
    raw_warnings: list[str]
    # Filled by a worker that renders (``BatchEngine.provisional``): what the parent needs to
    # take the row as the worker rendered it when its quota rules add nothing after all —
    # most quota rows, which stay under their thresholds.
    humanitarian: bool | None = None
    quota_warnings: list[str] = field(default_factory=list)  # what the worker's quota pass added
    provisional: ScreeningResult | None = None  # the row's result if quotas add no finding (not sent)
    part: Rendered | None = None  # ``provisional`` rendered (sent instead of it)


class _CountingStore:
    """A quota store that only notes that a row adds to a total (Dask workers: the real totals
    are kept by the client, in input order)."""

    def __init__(self) -> None:
        self.adds = 0

    def add(self, key: tuple[str, str, str], value: float, shipment_id: str | None = None) -> float:
        self.adds += 1
        return 0.0


def _drop_frames(e: BaseException) -> None:
    """Clear the finished frames of a rejected row's exception (and of the exceptions it was
    raised from). A validator's error, kept in a finished frame's locals, reaches that frame
    again through its traceback: a reference cycle that would hold the whole chunk (through the
    frames' callers) until the garbage collector walks it — a tenth of a batch's time."""
    seen: set[int] = set()
    stack: list[BaseException | None] = [e]
    while stack:
        x = stack.pop()
        if x is None or id(x) in seen:
            continue
        seen.add(id(x))
        if x.__traceback__ is not None:
            traceback.clear_frames(x.__traceback__)
        stack.extend((x.__context__, x.__cause__))


def _error_result(raw: RawRow, message: str) -> ScreeningResult:
    raw_id = raw.data.get("shipment_id")
    return ScreeningResult(row_number=raw.row_number, verdict=Verdict.ERROR, error=message,
                           shipment_id=None if raw_id in (None, "") else str(raw_id),
                           input=raw.original, warnings=list(raw.warnings))


def _internal_error(raw: RawRow, shipment: Shipment, e: Exception) -> ScreeningResult:
    log.error("row %s: screening failed", raw.row_number, exc_info=e)
    return ScreeningResult(row_number=raw.row_number, verdict=Verdict.ERROR, shipment_id=shipment.shipment_id,
                           error=f"row {raw.row_number}: internal error while screening "
                                 f"({type(e).__name__}); the row was not screened, report it",
                           input=raw.original)


class BatchEngine:
    """Screens chunks of raw rows in order with run-wide caches (see the module docstring)."""

    def __init__(self, screener: Screener, *, jurisdiction: str | None = None, as_of: dt.date | None = None,
                 tracker: QuotaTracker | None = None, quota_store: QuotaStore | None = None,
                 defer_quota: bool = False, party_cache_limit: int = PARTY_CACHE_LIMIT,
                 goods_cache_limit: int = GOODS_CACHE_LIMIT, cache_goods: bool = True,
                 use_lane: bool = True) -> None:
        from compliance.screener import GoodsCache, PartyCache

        self.screener = screener
        self.jurisdiction = jurisdiction
        self.as_of = as_of
        self.defer_quota = defer_quota
        self._counting = _CountingStore() if defer_quota else None
        self.tracker = QuotaTracker(screener.bundle, self._counting) if self._counting is not None else \
            (tracker or QuotaTracker(screener.bundle, quota_store))
        try:
            self._context = screener.context_maker(jurisdiction=jurisdiction, as_of=as_of)
        except ComplianceError:  # an unknown jurisdiction: each row's ERROR, as ``context`` gives it
            self._context = partial(screener.context, jurisdiction=jurisdiction, as_of=as_of)
        self.parser = FastParser()
        self.parties = PartyCache(screener.index, party_cache_limit)
        self.goods: GoodsCache | None = GoodsCache(screener, goods_cache_limit) if cache_goods else None
        # With defer_quota: also work out each pending row's result as if its quota rules
        # added nothing (``PendingRow.provisional``; ``finish_part`` takes it when so).
        self.provisional = False
        # Rows proven CLEAR from the caches (``compliance.lane``): the same results, for less.
        self.use_lane = use_lane
        self.lane: ClearLane | None = None
        self.make_lane()

    def make_lane(self) -> None:
        """The lane over this engine's caches (again when they are replaced: forked workers)."""
        self.lane = None
        if self.use_lane and self.goods is not None and not isinstance(self._context, partial):
            from compliance.lane import ClearLane

            self.lane = ClearLane(self.screener, self.parser, self.goods, self.parties, self.tracker,
                                  jurisdiction=(self.jurisdiction or self.screener.jurisdiction).upper(),
                                  as_of=self.as_of)

    def parse(self, raw: RawRow) -> Shipment | str:
        """The row's ``Shipment``, or the message of why it cannot be screened."""
        if raw.error:
            return raw.error
        try:
            return self.parser.parse(raw.data, raw.row_number)
        except InvalidInput as e:
            _drop_frames(e)
            return str(e)
        except Exception as e:  # values no validator expected (nested JSON, huge numbers ...)
            _drop_frames(e)
            log.warning("row %s: unreadable values: %s", raw.row_number, e)
            return (f"row {raw.row_number}: the row's values cannot be read ({type(e).__name__}); "
                    "send text or numbers in each column")

    def screen_chunk(self, rows: list[RawRow]) -> list[ScreeningResult | PendingRow]:
        """Screen one chunk in order (``PendingRow`` items only with ``defer_quota``)."""
        # Party names are searched as rows first need them (``PartyCache.search``): once per run.
        # Row by row: a row the lane cannot prove CLEAR fills the caches the next rows are proven from.
        lane = self.lane if self.lane is not None and self.lane.ready() else None
        out: list[ScreeningResult | PendingRow] = []
        for raw in rows:
            if lane is not None and (clear := lane.clear(raw)) is not None:
                out.append(clear)
                continue
            item = self.parse(raw)
            if isinstance(item, str):
                out.append(_error_result(raw, item))
                continue
            try:
                result = self._screen(raw, item)
            except Exception as e:  # a defect must cost one row, never the batch
                out.append(_internal_error(raw, item, e))
                continue
            if isinstance(result, ScreeningResult) and raw.warnings:
                result.warnings = list(raw.warnings) + result.warnings
            out.append(result)
        return out

    def _screen(self, raw: RawRow, s: Shipment) -> ScreeningResult | PendingRow:
        screener = self.screener
        ctx = self._context(s)
        goods = self.goods.findings(ctx) if self.goods is not None else screener.goods_findings(ctx)
        parties = screener._screen_parties(ctx, self.parties)
        if self._counting is not None:
            before = self._counting.adds
            warnings = list(ctx.warnings)
            quota = self.tracker.observe(ctx)
            if self._counting.adds != before:
                pending = PendingRow(raw.row_number, s, goods, parties, set(ctx.fired), warnings,
                                     dict(raw.original), list(raw.warnings))
                if self.provisional and not quota:
                    try:
                        result = screener.complete(ctx, goods, [], parties, row_number=raw.row_number,
                                                   echo=dict(raw.original), trusted=True, own_echo=True)
                    except Exception:  # noqa: BLE001 - the parent finishes the row (and reports it)
                        return pending
                    if raw.warnings:
                        result.warnings = list(raw.warnings) + result.warnings
                    pending.humanitarian = ctx.humanitarian
                    pending.quota_warnings = ctx.warnings[len(warnings):]
                    pending.provisional = result
                return pending
        else:
            quota = self.tracker.observe(ctx)
        # The row's own dict, read by nothing else from here: the result keeps it.
        return screener.complete(ctx, goods, quota, parties, row_number=raw.row_number, echo=raw.original,
                                 trusted=True, own_echo=True)

    def finish_part(self, pending: PendingRow, tracker: QuotaTracker) -> ScreeningResult | Rendered:
        """``finish``, or the row as the worker rendered it (``pending.part``) when the quota rules,
        counted here with the real totals, add no finding and the same warnings as there."""
        return self._finish(pending, tracker, pending.part is not None and pending.humanitarian is not None)

    def finish(self, pending: PendingRow, tracker: QuotaTracker) -> ScreeningResult:
        """Finish a ``PendingRow`` with the run's real quota totals (call in input order)."""
        result = self._finish(pending, tracker, False)
        assert isinstance(result, ScreeningResult)
        return result

    def _finish(self, pending: PendingRow, tracker: QuotaTracker, use_part: bool) -> ScreeningResult | Rendered:
        try:
            ctx = self.screener.context(pending.shipment, jurisdiction=self.jurisdiction, as_of=self.as_of)
            if use_part:
                # Worked out by the worker from the same code, date and bundle; the goods hits are
                # left to be computed if anything asks for them.
                ctx.__dict__["humanitarian"] = pending.humanitarian
            elif self.goods is not None:
                self.goods.prepare(ctx)
            ctx.fired.update(pending.fired)
            ctx.warnings.extend(pending.warnings)
            quota = tracker.observe(ctx)
            if use_part and not quota and ctx.warnings[len(pending.warnings):] == pending.quota_warnings:
                assert pending.part is not None
                return pending.part
            result = self.screener.complete(ctx, pending.goods, quota, pending.parties,
                                            row_number=pending.row_number, echo=pending.echo, trusted=True)
        except Exception as e:  # a defect must cost one row, never the batch
            log.error("row %s: screening failed", pending.row_number, exc_info=e)
            return ScreeningResult(row_number=pending.row_number, verdict=Verdict.ERROR,
                                   shipment_id=pending.shipment.shipment_id, input=pending.echo,
                                   error=f"row {pending.row_number}: internal error while screening "
                                         f"({type(e).__name__}); the row was not screened, report it")
        if pending.raw_warnings:
            result.warnings = list(pending.raw_warnings) + result.warnings
        return result


@contextmanager
def chunked_gc() -> Iterator[None]:
    """No automatic garbage collection inside a batch: the caller collects once per chunk.

    Python's collector runs every few hundred allocations and walks every live container —
    a third of a batch's time with a chunk of rows alive. Rows make no reference cycles except
    through the tracebacks of rejected rows, which a collection per chunk frees, so memory
    stays bounded by the chunk. The collector is restored afterwards (and what ``_collect``
    froze, unfrozen).
    """
    was = gc.isenabled()
    frozen = gc.get_freeze_count()
    gc.disable()
    try:
        yield
    finally:
        if gc.get_freeze_count() > frozen:
            # Frozen by ``_collect`` in the batch: back in the collector's sight (whatever of it
            # became garbage is collected then), with whatever the caller had frozen before.
            gc.unfreeze()
        if was:
            gc.enable()


def screen_chunk(screener: Screener, rows: list[RawRow], *, tracker: QuotaTracker,
                 jurisdiction: str | None = None, as_of: dt.date | None = None) -> list[ScreeningResult]:
    """Screen one chunk of raw rows in order (a one-off engine: no caches kept between calls)."""
    engine = BatchEngine(screener, jurisdiction=jurisdiction, as_of=as_of, tracker=tracker)
    return [r for r in engine.screen_chunk(rows) if isinstance(r, ScreeningResult)]


# Every this many chunks a full collection (the others only collect the young generations:
# objects that survived one collection, the caches' entries, are not walked again each chunk).
FULL_GC_EVERY = 16


def _screen_here(engine: BatchEngine, chunk: list[RawRow], summary: BatchSummary,
                 write: Callable[[list[ScreeningResult]], None], progress: Callable[[int], None] | None) -> None:
    """Screen a chunk in this process and write its results, in input order."""
    results = [r for r in engine.screen_chunk(chunk) if isinstance(r, ScreeningResult)]
    summary.add_all(results)
    write(results)
    if progress is not None:
        progress(len(results))


# The parent of forked workers collects every this many chunks.
PARENT_GC_EVERY = 8


def _collect(chunk_index: int) -> None:
    if chunk_index % FULL_GC_EVERY == FULL_GC_EVERY - 1:
        gc.collect()
        # What survived a full collection is the run's (caches, memos): out of the collector's
        # sight from here, so the next full collections walk only what came since (a full
        # collection of a million rows' caches: ~0.3 s). Unfrozen when the batch ends.
        gc.freeze()
    else:
        gc.collect(1)


def run_batch(screener: Screener, chunks: Iterable[list[RawRow]], write: Callable[[list[ScreeningResult]], None],
              *, jurisdiction: str | None = None, as_of: dt.date | None = None,
              quota_store: QuotaStore | None = None,
              progress: Callable[[int], None] | None = None, workers: int | None = 1,
              renderer: Renderer | None = None) -> BatchSummary:
    """Screen every chunk and hand each chunk's results to ``write``, in input order.

    ``workers`` > 1 screens chunks in that many forked processes (``run_forked``); 0 = one per
    core; None = automatic: chunks in this process, and once one has been screened and more
    follow (a batch large enough that it pays), the rest on worker processes if the machine
    has cores to spare — measured while that chunk ran; if the other cores are busy, workers
    would only add their overhead, and the check is made again after each chunk. It goes on
    both ways: on workers, when the other processes of the machine leave no core to spare, the
    next chunks come back to this process (the workers wait) until cores are free again.
    With ``renderer`` (optional) worker processes render their rows as output text and the
    parent hands that to ``renderer.take`` instead of calling ``write`` (rows finished in the
    parent, quota rows, still go to ``write``).
    """
    auto = workers is None
    if workers == 0 or workers is None:
        workers = _cores()
    can_fork = "fork" in mp.get_all_start_methods()
    meter = _IdleMeter() if auto and workers > 1 and can_fork else None
    if workers > 1 and can_fork and not auto:
        return run_forked(screener, chunks, write, jurisdiction=jurisdiction, as_of=as_of,
                          quota_store=quota_store, progress=progress, workers=workers, renderer=renderer)
    summary = BatchSummary()
    engine = BatchEngine(screener, jurisdiction=jurisdiction, as_of=as_of, quota_store=quota_store)
    start = time.perf_counter()
    it = iter(chunks)
    # Not ``enumerate``: it keeps its last (index, chunk) tuple for reuse, so the finished chunk
    # would stay alive through the collection after it, which then walks all its rows.
    i = -1
    with chunked_gc():
        for chunk in it:
            i += 1
            _screen_here(engine, chunk, summary, write, progress)
            del chunk  # freed before the next chunk is read
            _collect(i)
            n = _auto_workers(meter, workers) if meter is not None else 0
            if n > 1:
                following = next(it, None)
                if following is None:
                    break  # a batch of this one chunk: no workers
                # More than one chunk: the rest in worker processes, forked now so they start
                # with this engine's caches; quota totals go on in this process's tracker.
                log.info("batch: the rest on %d worker processes", n)
                rest = run_forked(screener, chain([following], it), write, jurisdiction=jurisdiction, as_of=as_of,
                                  progress=progress, workers=n, renderer=renderer, engine=engine,
                                  first_index=i + 1, meter=meter)
                summary.worker_chunks += rest.worker_chunks
                summary.rows += rest.rows
                summary.counts.update(rest.counts)
                summary.errors.extend(rest.errors[: max(0, summary.max_messages - len(summary.errors))])
                break
    summary.seconds = time.perf_counter() - start
    log.info("batch: %d rows in %.1f s; %d distinct parties searched; goods cache %s hits / %s misses",
             summary.rows, summary.seconds, engine.parties.searches,
             engine.goods.hits if engine.goods else 0, engine.goods.misses if engine.goods else 0)
    return summary


# Automatic workers: at most this many (the parent, which reads and writes, keeps up with ~3).
AUTO_WORKERS_MAX = 3
# Spare cores needed to move a batch to worker processes: the machine's idle share while a
# chunk ran in this process, times its cores. Workers cost ~30 % more CPU in all (rows and
# results sent between processes, caches filled in each): with no core to spare they only
# slow the batch down.
SPARE_CORES_TO_FORK = 0.6
# Spare cores below which a batch on automatic workers comes back to this process (lower than
# the threshold to fork, so a machine near it does not make the batch move at every chunk).
SPARE_CORES_TO_STAY = 0.4
# The shortest interval the meter tells spare cores of, in clock ticks per core (0.1 s).
MIN_METER_TICKS = 10


def _cores() -> int:
    """Cores this process may use: its CPU affinity, within a cgroup CPU quota if any."""
    try:
        n = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not Linux
        n = os.cpu_count() or 1
    try:
        quota, period = Path("/sys/fs/cgroup/cpu.max").read_text().split()[:2]
        if quota != "max":
            n = min(n, max(1, int(-(-int(quota) // int(period)))))
    except (OSError, ValueError):
        pass
    return n


class _IdleMeter:
    """The cores the machine leaves for this batch between two calls (Linux: /proc/stat): all
    cores less one for this process and less what the other processes of the machine used —
    measured apart from this process and its worker processes (``pids``), which are busy by
    design while workers run and must not count as the machine's load."""

    def __init__(self) -> None:
        self._clock = float(os.sysconf("SC_CLK_TCK")) if hasattr(os, "sysconf") else 100.0
        self._cores = os.cpu_count() or 1  # /proc/stat counts every core of the machine
        self._own: dict[int, float] = {}  # CPU seconds of each worker process at the last call
        self._workers = 0.0  # CPU seconds of the worker processes seen, all together
        self._last = self._read()

    @staticmethod
    def _stat() -> tuple[int, int] | None:
        try:
            with open("/proc/stat", "rb") as fh:
                fields = [int(x) for x in fh.readline().split()[1:9]]
        except (OSError, ValueError):
            return None
        if len(fields) < 5:
            return None
        return fields[3] + fields[4], sum(fields)  # idle + iowait, all (guest time is in user)

    def _cpu_of(self, pid: int) -> float | None:
        """CPU seconds of a worker process so far (None once it is gone)."""
        try:
            with open(f"/proc/{pid}/stat", "rb") as fh:
                # The fields after the command name (which may hold spaces): utime, stime 12th, 13th.
                rest = fh.read().rsplit(b")", 1)[1].split()
            return (int(rest[11]) + int(rest[12])) / self._clock
        except (OSError, ValueError, IndexError):
            return None

    def _read(self, pids: Iterable[int] = ()) -> tuple[int, int, float] | None:
        stat = self._stat()
        if stat is None:
            return None
        for pid in pids:
            cpu = self._cpu_of(pid)
            if cpu is not None:
                # A worker first seen was forked since the last call: all its time is new.
                self._workers += cpu - self._own.get(pid, 0.0)
                self._own[pid] = cpu
        return stat[0], stat[1], self._self_cpu() + self._workers

    @staticmethod
    def _self_cpu() -> float:
        return time.process_time()

    def spare(self, pids: Iterable[int] = ()) -> float | None:
        """Cores to spare since the last call: all cores, less one for this process, less the
        other processes' use (``pids``: this batch's worker processes); None when it cannot be told."""
        now = self._read(pids)
        last = self._last
        if now is None or last is None:
            self._last = now
            return None
        cores = self._cores
        if now[1] - last[1] < MIN_METER_TICKS * cores:
            return None  # too short to tell (the clock ticks 100 times a second): measured on from ``last``
        self._last = now
        seconds = (now[1] - last[1]) / self._clock / cores  # wall time between the calls
        busy = (1 - (now[0] - last[0]) / (now[1] - last[1])) * cores
        own = (now[2] - last[2]) / seconds if seconds > 0 else 0.0
        others = max(0.0, busy - own)
        return max(0.0, cores - 1 - others)


def _auto_workers(meter: _IdleMeter, cores: int) -> int:
    """How many workers to move the rest of a batch to now (0: stay in this process)."""
    spare = meter.spare()
    if spare is None:  # not Linux: the load average, less this process
        try:
            spare = cores - max(0.0, os.getloadavg()[0] - 1.0)
        except OSError:
            spare = float(cores)
    if spare < SPARE_CORES_TO_FORK:
        return 0
    return max(2, min(AUTO_WORKERS_MAX, cores, 1 + int(spare + 0.4)))


# What a forked worker screens with: set by the parent just before it forks, so every worker
# shares the loaded screener (rules, lists, name index) and the parent's caches copy-on-write
# instead of receiving them.
_FORK_JOB: tuple[BatchEngine, Renderer | None] | None = None
_FORK_ENGINE: BatchEngine | None = None
_FORK_RENDERER: Renderer | None = None

# A row as sent to a worker: its number, cells, warnings and layout when it has one (the
# layout object is pickled once per chunk), else RawRow's fields. Tuples pickle several times
# faster than RawRow objects, and cells alone at a third of the cost of the row's two dicts.
RowTuple = tuple[int, tuple[Any, ...], list[str], RowLayout] | tuple[int, dict[str, Any], dict[str, Any],
                                                                    str | None, list[str]]


def _row_tuple(r: RawRow) -> RowTuple:
    if r.layout is not None:
        return (r.row_number, tuple(r.original.values()), r.warnings, r.layout)
    return (r.row_number, r.data, r.original, r.error, r.warnings)


def _raw_row(t: RowTuple) -> RawRow:
    if len(t) == 4:
        return t[3].raw(t[0], t[1], t[2])
    return RawRow(t[0], t[1], t[2], t[3], t[4])


# Between the cells of a chunk sent as one text: a control character files hardly hold (a chunk
# with one in a cell is sent row by row).
CELL_SEPARATOR = "\x1f"


class PackedChunk(NamedTuple):
    """A chunk as sent to a worker. The rows of its layout (most rows of a CSV file) travel as
    their cells, all of the chunk's joined into one text, with their numbers and warnings; pickling
    a few objects per chunk instead of ~25 per row is what makes it cheap. The other rows (values
    the file's conventions changed, unreadable rows, JSON records) go as ``RowTuple`` by position."""

    layout: RowLayout | None
    numbers: array[int]  # the layout rows' numbers, in order
    text: str  # their cells, CELL_SEPARATOR between cells and between rows
    warnings: dict[int, list[str]]  # a layout row's warnings, by its position in ``numbers``
    others: dict[int, RowTuple]  # the other rows, by position in the chunk


def pack_chunk(rows: list[RawRow]) -> PackedChunk:
    """``rows`` in the form cheapest to send to another process (``unpack_chunk`` rebuilds them)."""
    layout = next((r.layout for r in rows if r.layout is not None), None)
    width = len(layout.columns) if layout is not None else 0
    numbers: array[int] = array("q")
    lines: list[str] = []
    warnings: dict[int, list[str]] = {}
    others: dict[int, RowTuple] = {}
    join = CELL_SEPARATOR.join
    try:
        for j, r in enumerate(rows):
            # The row's cells are its layout's columns in order when there is one of each.
            if r.layout is layout and layout is not None and len(r.original) == width:
                if r.warnings:
                    warnings[len(numbers)] = r.warnings
                numbers.append(r.row_number)
                lines.append(join(r.original.values()))  # TypeError: a cell not text (a spreadsheet's)
            else:
                others[j] = _row_tuple(r)
        text = join(lines)
        if len(numbers) and text.count(CELL_SEPARATOR) != width * len(numbers) - 1:
            raise ValueError("a cell holds the separator")
    except (TypeError, ValueError):
        return PackedChunk(None, array("q"), "", {}, {j: _row_tuple(r) for j, r in enumerate(rows)})
    return PackedChunk(layout, numbers, text, warnings, others)


def unpack_chunk(p: PackedChunk) -> list[RawRow]:
    """The chunk ``pack_chunk`` packed: the same rows, in order."""
    laid = p.layout.rows(p.numbers, p.text.split(CELL_SEPARATOR), p.warnings) \
        if p.layout is not None and len(p.numbers) else []
    if not p.others:
        return laid
    rest = iter(laid)
    others = p.others
    return [_raw_row(others[j]) if j in others else next(rest) for j in range(len(laid) + len(others))]


def deliver(items: list[ScreeningResult | PendingRow], finisher: BatchEngine, tracker: QuotaTracker,
            summary: BatchSummary, write: Callable[[list[ScreeningResult]], None],
            progress: Callable[[int], None] | None) -> None:
    """A parallel partition's results, in input order: quota rows finished by the one run-wide
    tracker, counted, written, progress advanced (the forked and the Dask engines share it)."""
    results = [finisher.finish(x, tracker) if isinstance(x, PendingRow) else x for x in items]
    summary.add_all(results)
    write(results)
    if progress is not None:
        progress(len(results))


def deliver_parts(parts: list[Rendered | PendingRow], finisher: BatchEngine, tracker: QuotaTracker,
                  summary: BatchSummary, write: Callable[[list[ScreeningResult]], None], renderer: Renderer,
                  progress: Callable[[int], None] | None) -> None:
    """``deliver`` for a partition a worker rendered: text runs in order, quota rows finished here."""
    for part in parts:
        if isinstance(part, Rendered):
            summary.add_rendered(part)
            renderer.take(part)
            n = part.rows
        else:
            got = finisher.finish_part(part, tracker)
            if isinstance(got, Rendered):
                summary.add_rendered(got)
                renderer.take(got)
            else:
                summary.add(got)
                write([got])
            n = 1
        if progress is not None:
            progress(n)


def _fork_init() -> None:
    global _FORK_ENGINE, _FORK_RENDERER
    assert _FORK_JOB is not None
    parent, _FORK_RENDERER = _FORK_JOB
    engine = BatchEngine(parent.screener, jurisdiction=parent.jurisdiction, as_of=parent.as_of, defer_quota=True)
    # The parent's caches as they were at the fork: this process's own copies from here on.
    engine.parser, engine.parties, engine.goods = parent.parser, parent.parties, parent.goods
    engine.use_lane = parent.use_lane
    engine.make_lane()
    engine.provisional = _FORK_RENDERER is not None
    _FORK_ENGINE = engine
    gc.disable()  # collected once per chunk (``_fork_screen``), as in one process


def _fork_screen(index: int, rows: PackedChunk) -> list[ScreeningResult | PendingRow] | list[Rendered | PendingRow]:
    assert _FORK_ENGINE is not None
    out = _FORK_ENGINE.screen_chunk(unpack_chunk(rows))
    del rows
    renderer = _FORK_RENDERER
    if renderer is None:
        _collect(index)
        return out
    parts: list[Rendered | PendingRow] = []
    run: list[ScreeningResult] = []
    for x in out:
        if isinstance(x, PendingRow):
            if run:
                parts.append(render_part(renderer, run))
                run = []
            if x.provisional is not None:
                x.part, x.provisional = render_part(renderer, [x.provisional]), None
            parts.append(x)
        else:
            run.append(x)
    if run:
        parts.append(render_part(renderer, run))
    del out, run
    _collect(index)
    return parts


def run_forked(screener: Screener, chunks: Iterable[list[RawRow]], write: Callable[[list[ScreeningResult]], None],
               *, jurisdiction: str | None = None, as_of: dt.date | None = None,
               quota_store: QuotaStore | None = None, progress: Callable[[int], None] | None = None,
               workers: int = 2, renderer: Renderer | None = None, engine: BatchEngine | None = None,
               first_index: int = 0, meter: _IdleMeter | None = None) -> BatchSummary:
    """``run_batch`` on ``workers`` forked processes: the same results, byte for byte.

    The parent reads chunks and hands each to the pool (a few in flight, so memory stays
    bounded); workers screen them with their own caches, and as in the Dask engine a row that
    adds to a quota total comes back pending and the parent finishes it, in input order, with
    the run's one quota tracker. Results are written in input order. ``engine``: the parent's
    engine of the chunks before (its tracker goes on counting, its caches seed the workers').
    ``meter`` (automatic workers): measured before each chunk; while the machine leaves no core
    to spare (``SPARE_CORES_TO_STAY``) chunks are screened here instead — every chunk in flight
    delivered first, so quota totals and output keep input order — and go to the (waiting)
    workers again once it leaves ``SPARE_CORES_TO_FORK``.
    """
    global _FORK_JOB
    summary = BatchSummary()
    start = time.perf_counter()
    finisher = engine or BatchEngine(screener, jurisdiction=jurisdiction, as_of=as_of, quota_store=quota_store)
    tracker = finisher.tracker
    _FORK_JOB = (finisher, renderer)
    # Everything alive now (screener, name index, caches) out of the collector's sight for the
    # run: a worker's collections then never walk the inherited heap, which wrote to every
    # object's header and so copied its pages from the parent (measured: ~5 % of the CPU).
    # Unfrozen after the run: whatever of it became garbage is collected then.
    gc.freeze()
    pending: deque[Future[Any]] = deque()
    # Nothing buffered for the terminal may be inherited by the workers (output to stdout).
    for stream in (sys.stdout, sys.stderr):
        stream.flush()

    def drain() -> None:
        try:
            items = pending.popleft().result()
        except BrokenProcessPool as e:  # a worker killed (out of memory ...): stop, nothing is written
            raise ComplianceError(f"a screening worker process died ({e}); run again with fewer --workers "
                                  "or a smaller --chunk-size") from None
        if renderer is not None:
            deliver_parts(items, finisher, tracker, summary, write, renderer, progress)
        else:
            deliver(items, finisher, tracker, summary, write, progress)

    try:
        with ProcessPoolExecutor(workers, mp_context=mp.get_context("fork"), initializer=_fork_init) as pool, \
                chunked_gc():
            here = False  # chunks screened in this process (automatic workers, a busy machine)
            i = first_index - 1
            for chunk in chunks:  # not ``enumerate``: it would keep the chunk alive (see ``run_batch``)
                i += 1
                if meter is not None:
                    spare = meter.spare(list(pool._processes or ()))
                    if spare is not None and (spare >= SPARE_CORES_TO_FORK if here else spare < SPARE_CORES_TO_STAY):
                        here = not here
                        log.info("batch: from chunk %d on %s (%.1f cores to spare)", i,
                                 "this process" if here else "the worker processes", spare)
                if here:
                    while pending:  # the chunks before, in order: quota totals count in input order
                        drain()
                    _screen_here(finisher, chunk, summary, write, progress)
                    del chunk
                    _collect(i)
                    continue
                rows = pack_chunk(chunk)
                pending.append(pool.submit(_fork_screen, i, rows))
                summary.worker_chunks += 1
                del chunk, rows
                while len(pending) > workers:
                    drain()
                if i % PARENT_GC_EVERY == PARENT_GC_EVERY - 1:
                    # The parent's chunks leave no cycles (rows, text, futures): collected rarely,
                    # each collection walks the chunks in flight.
                    _collect(i // PARENT_GC_EVERY)
            while pending:
                drain()
    finally:
        _FORK_JOB = None
        gc.unfreeze()
    summary.seconds = time.perf_counter() - start
    return summary


def iter_results(screener: Screener, chunks: Iterable[list[RawRow]], **kwargs: Any) -> Iterator[ScreeningResult]:
    """The same pipeline as a generator (for the HTTP batch route and the Python API)."""
    engine = BatchEngine(screener, jurisdiction=kwargs.get("jurisdiction"), as_of=kwargs.get("as_of"),
                         quota_store=kwargs.get("quota_store"))
    for chunk in chunks:
        for r in engine.screen_chunk(chunk):
            if isinstance(r, ScreeningResult):
                yield r
