"""The HTTP service's side of the audit trail: logged screenings, the quota ledger, decisions.

- **Log entries** (one per ``/v1/screen`` call and one per batch, with every row's verdict in
  ``screened_rows``, as ``compliance screen`` records them) are queued and written by one
  background thread per worker, many entries per transaction: a request never waits for
  SQLite's writer lock or an fsync. Shutdown drains the queue.
- **Quota ledger**: each screening request uses a ``Ledger`` on its thread's own connection;
  the entries it made are written (a short transaction, only when a quota rule counted the
  shipment) before the response is sent, so the next request — in any worker — sees them.
- **Decisions** recorded through ``POST /v1/decisions`` (or ``compliance decide`` on the same
  store) reach the screener's decisions hook: at once in the worker that recorded them, within
  the reload poll interval in the others.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import queue
import sqlite3
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from compliance.audit.decisions import DecisionFilter
from compliance.audit.ledger import Ledger, PointLedger
from compliance.audit.store import AuditStore, StoreError, open_store, row_digest_line
from compliance.models import ScreeningResult

log = logging.getLogger("compliance.api.audit")

# Entries per write transaction and how many may wait before a request has to wait too.
WRITE_BATCH = 200
QUEUE_LIMIT = 10_000


def parse_key(entry: str) -> tuple[str, str]:
    """``name:key`` -> (name, key); a bare key is named by a short hash of it (never the key)."""
    name, sep, key = entry.partition(":")
    if sep and name.strip() and key:
        return name.strip(), key
    return "key-" + hashlib.sha256(entry.encode()).hexdigest()[:10], entry


def row_tuple(r: ScreeningResult) -> tuple[int | None, str | None, str, str]:
    return r.row_number, r.shipment_id, r.verdict.value, ";".join(dict.fromkeys(r.rule_ids))


@dataclass
class Entry:
    """One screening to log: its rows and what the log entry says about them."""

    action: str
    actor: str
    subject: str | None
    details: dict[str, Any]
    rows: list[tuple[int | None, str | None, str, str]] = field(default_factory=list)

    def seal(self) -> Entry:
        digest = hashlib.sha256()
        counts: dict[str, int] = {}
        for row in self.rows:
            digest.update(row_digest_line(*row))
            counts[row[2]] = counts.get(row[2], 0) + 1
        self.details.update(rows=len(self.rows), counts=counts, rows_sha256=digest.hexdigest())
        return self


class AuditWriter:
    """One thread that owns the writing connection and appends queued entries in batches."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.queue: queue.Queue[Entry | None] = queue.Queue(QUEUE_LIMIT)
        self.failed = 0
        self._thread = threading.Thread(target=self._run, name="compliance-audit-writer", daemon=True)
        self._thread.start()

    def submit(self, entry: Entry) -> None:
        self.queue.put(entry.seal())

    def flush(self) -> None:
        """Wait until everything submitted so far is written (tests, shutdown)."""
        self.queue.join()

    def close(self, timeout: float = 30.0) -> None:
        self.queue.put(None)
        self._thread.join(timeout)

    def _run(self) -> None:
        store: AuditStore | None = None
        done = False
        while not done:
            batch: list[Entry] = []
            item = self.queue.get()
            taken = 1
            if item is None:
                done = True
            else:
                batch.append(item)
            while not done and len(batch) < WRITE_BATCH:
                try:
                    item = self.queue.get_nowait()
                except queue.Empty:
                    break
                taken += 1
                if item is None:
                    done = True
                else:
                    batch.append(item)
            try:
                if batch:
                    store = store or open_store(self.path)
                    self._write(store, batch)
            except Exception:  # a log entry that cannot be written is loud, never silent
                self.failed += len(batch)
                log.exception("audit log: %d screening entr(ies) could not be written to %s", len(batch), self.path)
            finally:
                for _ in range(taken):
                    self.queue.task_done()
        if store is not None:
            store.close()

    @staticmethod
    def _write(store: AuditStore, batch: list[Entry]) -> None:
        for attempt in range(3):  # the store is busy for longer than its 30 s timeout: try again
            try:
                with store.transaction() as conn:
                    for e in batch:
                        seq = store._append(conn, e.action, e.details, actor=e.actor, subject=e.subject)
                        store.record_rows(conn, seq, e.rows)
                return
            except StoreError:
                if attempt == 2:
                    raise
                log.warning("audit store busy, retrying %d entr(ies)", len(batch))


class ApiAudit:
    """The audit store of one worker: background log writer, per-thread connections."""

    def __init__(self, path: Path) -> None:
        self.path = path
        open_store(path).close()  # created (and checked) before the first request
        self.writer = AuditWriter(path)
        self._local = threading.local()
        self.decisions_seen = self._max_decision_id()

    def store(self) -> AuditStore:
        """This thread's connection (SQLite connections are not shared between threads)."""
        s: AuditStore | None = getattr(self._local, "store", None)
        if s is None:
            s = self._local.store = open_store(self.path)
        return s

    def request_store(self) -> AuditStore:
        """A connection of its own for one request whose work hops between pool threads (one
        thread at a time uses it)."""
        s = open_store(self.path)
        s.conn.close()
        s.conn = sqlite3.connect(self.path, timeout=30.0, isolation_level=None, check_same_thread=False)
        s.conn.row_factory = sqlite3.Row
        return s

    def ledger(self) -> Ledger:
        """A ledger for one shipment on this thread's connection."""
        return PointLedger(self.store())

    def log(self, entry: Entry) -> None:
        self.writer.submit(entry)

    def close(self) -> None:
        self.writer.close()
        with contextlib.suppress(Exception):
            self.store().close()

    def _max_decision_id(self) -> int:
        row = self.store().conn.execute("SELECT COALESCE(MAX(id), 0) FROM decisions").fetchone()
        return int(row[0])

    def refresh_decisions(self, screener: Any, *, force: bool = False) -> bool:
        """Rebuild the screener's decisions hook when the store has new decisions. The hook is
        swapped in one assignment: a screening in flight uses the old one or the new one."""
        seen = self._max_decision_id()
        if not force and seen == self.decisions_seen:
            return False
        filters = screener.finding_filters
        old = next((i for i, f in enumerate(filters) if isinstance(f, DecisionFilter)), None)
        hook = DecisionFilter.from_store(screener.entities, self.store())
        if old is None:
            filters.append(hook)
        else:
            filters[old] = hook
        self.decisions_seen = seen
        return True
