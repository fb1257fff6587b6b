"""A result set's metadata (``RESULT.meta.json``) and the logging of screening runs.

The metadata of a result set is the screener's ``Provenance`` (tool version, rules bundle
version and hash, each list's name/version/date/hash, jurisdiction, as-of date, run time)
plus what was screened: the input files (path, format, size, SHA-256) and the column mapping,
so ``compliance rescreen`` can rebuild the shipments from the results.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from compliance.audit.ledger import Ledger
from compliance.audit.store import AuditStore, row_digest_line
from compliance.models import ScreeningResult

if TYPE_CHECKING:
    import datetime as dt

    from compliance.screener import Screener

META_SUFFIX = ".meta.json"


def file_sha256(path: str | Path) -> str | None:
    """SHA-256 of a regular file (None for stdin, pipes and unreadable paths)."""
    p = Path(path)
    try:
        if str(path) == "-" or not p.is_file():
            return None
        h = hashlib.sha256()
        with p.open("rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
        return h.hexdigest()
    except OSError:
        return None


def input_refs(files: Iterable[str | Path]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for f in files:
        p = Path(f)
        ref: dict[str, Any] = {"path": str(f)}
        if str(f) != "-" and p.is_file():
            ref["bytes"] = p.stat().st_size
            ref["sha256"] = file_sha256(p)
        out.append(ref)
    return out


def run_meta(screener: Screener, *, jurisdiction: str | None = None, as_of: dt.date | None = None,
             files: Iterable[str | Path] = (), column_map: Mapping[str, str] | None = None,
             db: Path | None = None) -> dict[str, Any]:
    """The metadata written beside a result set (and into JSON output as ``meta``)."""
    meta: dict[str, Any] = screener.provenance(jurisdiction=jurisdiction, as_of=as_of).model_dump(mode="json")
    meta["inputs"] = input_refs(files)
    if column_map:
        meta["column_map"] = dict(column_map)
    if db is not None:
        meta["audit_db"] = str(db)
    from compliance.audit.decisions import DecisionFilter

    hook = next((f for f in screener.finding_filters if isinstance(f, DecisionFilter)), None)
    if hook is not None and hook.by_entry:
        # Which decisions were in force: enough to tell a later run what changed.
        ids = [d.id or 0 for ds in hook.by_entry.values() for d in ds]
        meta["decisions"] = {"store": str(hook.db_path), "false_positive_active": len(ids), "last_id": max(ids)}
    return meta


def meta_path_for(results: str | Path) -> Path:
    return Path(str(results) + META_SUFFIX)


class RunRecorder:
    """Logs one screening run: every row's verdict, the counts, the versions, the output.

    Rows go to a temporary table as they are screened; ``finish`` moves them into the
    append-only ``screened_rows``, writes the quota ledger and the log entry in one
    transaction. ``abort`` leaves the store as it was.
    """

    def __init__(self, store: AuditStore, action: str, meta: Mapping[str, Any], *,
                 ledger: Ledger | None = None, actor: str | None = None) -> None:
        self.store = store
        self.action = action
        self.meta = dict(meta)
        self.ledger = ledger
        self.actor = actor
        self.rows = 0
        self.counts: dict[str, int] = {}
        self._digest = hashlib.sha256()
        store.conn.execute("CREATE TEMP TABLE IF NOT EXISTS pending_rows (row_number INTEGER, shipment_id TEXT, "
                           "verdict TEXT, rule_ids TEXT)")
        store.conn.execute("DELETE FROM temp.pending_rows")

    def observe(self, results: Iterable[ScreeningResult]) -> None:
        batch = []
        for r in results:
            row = (r.row_number, r.shipment_id, r.verdict.value, ";".join(dict.fromkeys(r.rule_ids)))
            self._digest.update(row_digest_line(*row))
            self.counts[row[2]] = self.counts.get(row[2], 0) + 1
            batch.append(row)
        self.rows += len(batch)
        self.store.conn.executemany("INSERT INTO temp.pending_rows VALUES (?, ?, ?, ?)", batch)

    def finish(self, *, output: str | Path | None = None, extra: Mapping[str, Any] | None = None) -> int:
        """Commit the run; returns the log entry's sequence number."""
        details: dict[str, Any] = {"provenance": {k: v for k, v in self.meta.items()
                                                  if k not in ("inputs", "column_map", "audit_db", "decisions")},
                                   "inputs": self.meta.get("inputs", []), "rows": self.rows,
                                   "counts": self.counts, "rows_sha256": self._digest.hexdigest()}
        for key in ("column_map", "decisions"):
            if self.meta.get(key):
                details[key] = self.meta[key]
        if output is not None and str(output) != "-":
            details["output"] = {"path": str(output), "sha256": file_sha256(output)}
        if extra:
            details.update(extra)
        with self.store.transaction() as conn:
            if self.ledger is not None:
                details["quota_ledger_entries_written"] = self.ledger.flush(conn)
            seq = self.store._append(conn, self.action, details, actor=self.actor,
                                     subject=", ".join(str(x.get("path")) for x in details["inputs"]) or None)
            conn.execute("INSERT INTO screened_rows (log_seq, row_number, shipment_id, verdict, rule_ids) "
                         "SELECT ?, row_number, shipment_id, verdict, rule_ids FROM temp.pending_rows ORDER BY rowid",
                         (seq,))
            conn.execute("DELETE FROM temp.pending_rows")
        return seq

    def abort(self) -> None:
        self.store.conn.execute("DELETE FROM temp.pending_rows")


def audit_run(db: Path | None, action: str, meta: Mapping[str, Any], *,
              actor: str | None = None) -> RunRecorder | None:
    """A recorder with a quota ledger on the store at ``db`` (None: no store, no recorder)."""
    if db is None:
        return None
    from compliance.audit.store import open_store

    store = open_store(db)
    return RunRecorder(store, action, meta, ledger=Ledger(store), actor=actor)
