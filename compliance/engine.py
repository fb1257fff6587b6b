"""Batch screening: read in chunks, match each distinct party once per chunk, screen, write.

No business logic here: the engine only decides how rows flow. Memory stays bounded by the
chunk size; output order is input order; every input row yields exactly one result.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from compliance.exc import InvalidInput
from compliance.models import ScreeningResult, Shipment, Verdict, parse_shipment
from compliance.rules.quota import QuotaStore, QuotaTracker

if TYPE_CHECKING:
    from compliance.io import RawRow
    from compliance.screener import Screener

log = logging.getLogger(__name__)


@dataclass
class BatchSummary:
    """What a batch run did: counts, time, and the first errors to show the user."""

    rows: int = 0
    counts: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    max_messages: int = 20

    def add(self, result: ScreeningResult) -> None:
        self.rows += 1
        self.counts[result.verdict.value] += 1
        if result.verdict == Verdict.ERROR and result.error and len(self.errors) < self.max_messages:
            self.errors.append(result.error)

    def as_dict(self) -> dict[str, Any]:
        return {"rows": self.rows, **{v.value: self.counts.get(v.value, 0) for v in Verdict},
                "seconds": round(self.seconds, 3)}


def screen_chunk(screener: Screener, rows: list[RawRow], *, tracker: QuotaTracker,
                 jurisdiction: str | None = None, as_of: dt.date | None = None) -> list[ScreeningResult]:
    """Screen one chunk of raw rows in order."""
    parsed: list[Shipment | str] = []
    for raw in rows:
        if raw.error:
            parsed.append(raw.error)
            continue
        try:
            parsed.append(parse_shipment(raw.data, raw.row_number))
        except InvalidInput as e:
            parsed.append(str(e))
        except Exception as e:  # values no validator expected (nested JSON, huge numbers ...)
            log.warning("row %s: unreadable values: %s", raw.row_number, e)
            parsed.append(f"row {raw.row_number}: the row's values cannot be read ({type(e).__name__}); "
                          "send text or numbers in each column")
    matches = screener.prematch(s for s in parsed if isinstance(s, Shipment))
    out: list[ScreeningResult] = []
    for raw, item in zip(rows, parsed, strict=True):
        if isinstance(item, str):
            raw_id = raw.data.get("shipment_id")
            out.append(ScreeningResult(row_number=raw.row_number, verdict=Verdict.ERROR, error=item,
                                       shipment_id=None if raw_id in (None, "") else str(raw_id),
                                       input=raw.original, warnings=list(raw.warnings)))
            continue
        try:
            result = screener.screen(item, row_number=raw.row_number, jurisdiction=jurisdiction, as_of=as_of,
                                     quota=tracker, party_matches=matches, input_row=raw.original)
        except Exception as e:  # a defect must cost one row, never the batch
            log.exception("row %s: screening failed", raw.row_number)
            out.append(ScreeningResult(row_number=raw.row_number, verdict=Verdict.ERROR, shipment_id=item.shipment_id,
                                       error=f"row {raw.row_number}: internal error while screening "
                                             f"({type(e).__name__}); the row was not screened, report it",
                                       input=raw.original))
            continue
        if raw.warnings:
            result.warnings = list(raw.warnings) + result.warnings
        out.append(result)
    return out


def run_batch(screener: Screener, chunks: Iterable[list[RawRow]], write: Callable[[list[ScreeningResult]], None],
              *, jurisdiction: str | None = None, as_of: dt.date | None = None,
              quota_store: QuotaStore | None = None,
              progress: Callable[[int], None] | None = None) -> BatchSummary:
    """Screen every chunk and hand each chunk's results to ``write``, in input order."""
    summary = BatchSummary()
    tracker = QuotaTracker(screener.bundle, quota_store)
    start = time.perf_counter()
    for chunk in chunks:
        results = screen_chunk(screener, chunk, tracker=tracker, jurisdiction=jurisdiction, as_of=as_of)
        for r in results:
            summary.add(r)
        write(results)
        if progress is not None:
            progress(len(results))
    summary.seconds = time.perf_counter() - start
    return summary


def iter_results(screener: Screener, chunks: Iterable[list[RawRow]], **kwargs: Any) -> Iterator[ScreeningResult]:
    """The same pipeline as a generator (for the HTTP batch route and the Python API)."""
    tracker = QuotaTracker(screener.bundle, kwargs.pop("quota_store", None))
    for chunk in chunks:
        yield from screen_chunk(screener, chunk, tracker=tracker, **kwargs)
