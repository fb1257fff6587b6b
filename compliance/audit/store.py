"""The audit store: one SQLite file with decisions, the quota ledger and the audit log.

Tables:

- ``audit_log``: append-only (triggers refuse UPDATE and DELETE), one entry per screening,
  re-screening and decision: who, when, what, with which tool, rules and list versions. Each
  entry's ``hash`` is SHA-256 over the previous entry's hash and the entry's own canonical
  JSON, so editing or removing an entry with another SQLite client breaks the chain and
  ``verify_log`` names the first broken entry.
- ``screened_rows``: append-only, the verdict and rule ids of every row of every logged
  screening (shipment history: ``compliance audit shipment ID``). A screening's log entry
  carries the SHA-256 of its rows, so they are covered by the chain too.
- ``decisions``: append-only; a decision is withdrawn by a later ``revoked`` decision.
- ``quota_ledger``: the circumvention quota counts across runs (``compliance.audit.ledger``);
  the one table whose rows change (a shipment seen again replaces its value).

One writer at a time: SQLite serialises writers (WAL journal, 30 s busy timeout).
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import json
import logging
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from compliance import settings
from compliance.exc import ComplianceError

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
DB_FILE_NAME = "audit.sqlite"
GENESIS_HASH = "0" * 64

_APPEND_ONLY = ("audit_log", "screened_rows", "decisions")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS store_info (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS audit_log (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT,
    details TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS screened_rows (
    log_seq INTEGER NOT NULL REFERENCES audit_log(seq),
    row_number INTEGER,
    shipment_id TEXT,
    verdict TEXT NOT NULL,
    rule_ids TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS screened_rows_shipment ON screened_rows(shipment_id);
CREATE TABLE IF NOT EXISTS decisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL CHECK (kind IN ('false_positive', 'released', 'held', 'revoked')),
    party_name TEXT,
    party_key TEXT,
    party_country TEXT,
    list_entry_id TEXT,
    list_name TEXT,
    entry_name TEXT,
    entry_hash TEXT,
    shipment_id TEXT,
    revokes INTEGER REFERENCES decisions(id),
    reason TEXT NOT NULL,
    reviewer TEXT NOT NULL,
    decided_at TEXT NOT NULL,
    source TEXT
);
CREATE INDEX IF NOT EXISTS decisions_entry ON decisions(list_entry_id, party_key);
CREATE INDEX IF NOT EXISTS decisions_shipment ON decisions(shipment_id);
CREATE TABLE IF NOT EXISTS quota_ledger (
    rule_id TEXT NOT NULL,
    country TEXT NOT NULL,
    period TEXT NOT NULL,
    shipment_id TEXT NOT NULL,
    pos INTEGER NOT NULL,
    value_eur REAL NOT NULL,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    PRIMARY KEY (rule_id, country, period, shipment_id)
);
""" + "".join(
    f"""
CREATE TRIGGER IF NOT EXISTS {t}_no_update BEFORE UPDATE ON {t}
BEGIN SELECT RAISE(ABORT, '{t} is append-only'); END;
CREATE TRIGGER IF NOT EXISTS {t}_no_delete BEFORE DELETE ON {t}
BEGIN SELECT RAISE(ABORT, '{t} is append-only'); END;
""" for t in _APPEND_ONLY)


class StoreError(ComplianceError):
    """The audit store cannot be opened or is not a compliance store."""


class LogEntry(BaseModel):
    seq: int
    at: str
    actor: str
    action: str
    subject: str | None = None
    details: dict[str, Any]
    prev_hash: str
    hash: str


def default_db_path() -> Path:
    """``COMPLIANCE_DB``, else ``audit.sqlite`` in the user's data directory."""
    if settings.DB_PATH is not None:
        return settings.DB_PATH
    return settings.data_dir() / DB_FILE_NAME


def current_user() -> str:
    """The operating-system user, for log entries that have no named reviewer."""
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):  # no passwd entry (containers)
        return "unknown"


def now_utc() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def canonical(data: Any) -> str:
    """The JSON text hashes are computed over: sorted keys, no spaces, UTF-8."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def entry_hash(prev_hash: str, at: str, actor: str, action: str, subject: str | None, details_json: str) -> str:
    body = canonical({"at": at, "actor": actor, "action": action, "subject": subject, "details": details_json})
    return hashlib.sha256((prev_hash + body).encode()).hexdigest()


class AuditStore:
    """An open audit store. Not shared between threads: open one per thread or process."""

    def __init__(self, path: str | Path, *, create: bool = True) -> None:
        self.path = Path(path)
        if not create and not self.path.is_file():
            raise StoreError(f"no audit store at {self.path}: record a decision or screen with --db first")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.conn = sqlite3.connect(self.path, timeout=30.0, isolation_level=None)
            self.conn.row_factory = sqlite3.Row
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA foreign_keys=ON")
            self.conn.executescript(_SCHEMA)
            row = self.conn.execute("SELECT value FROM store_info WHERE key='schema_version'").fetchone()
            if row is None:
                self.conn.execute("INSERT INTO store_info VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
            elif int(row[0]) > SCHEMA_VERSION:
                raise StoreError(f"{self.path}: store schema {row[0]} is newer than this tool's "
                                 f"({SCHEMA_VERSION}): upgrade compliance")
        except sqlite3.DatabaseError as e:
            raise StoreError(f"{self.path}: not a usable audit store ({e})") from None

    # Connection ---------------------------------------------------------------------------
    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> AuditStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (BEGIN IMMEDIATE: the log's hash chain needs the last hash)."""
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as e:  # locked by another writer for longer than the timeout
            raise StoreError(f"{self.path}: cannot write to the audit store ({e})") from None
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        try:
            self.conn.execute("COMMIT")
        except sqlite3.OperationalError as e:
            self.conn.execute("ROLLBACK")
            raise StoreError(f"{self.path}: cannot write to the audit store ({e})") from None

    # Audit log ----------------------------------------------------------------------------
    def _append(self, conn: sqlite3.Connection, action: str, details: dict[str, Any], *,
                actor: str | None = None, subject: str | None = None) -> int:
        row = conn.execute("SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
        prev = row[0] if row else GENESIS_HASH
        at = now_utc()
        who = actor or current_user()
        body = canonical(details)
        h = entry_hash(prev, at, who, action, subject, body)
        cur = conn.execute("INSERT INTO audit_log (at, actor, action, subject, details, prev_hash, hash) "
                           "VALUES (?, ?, ?, ?, ?, ?, ?)", (at, who, action, subject, body, prev, h))
        assert cur.lastrowid is not None
        return cur.lastrowid

    def append(self, action: str, details: dict[str, Any], *, actor: str | None = None,
               subject: str | None = None) -> int:
        """Append one entry to the audit log; returns its sequence number."""
        with self.transaction() as conn:
            return self._append(conn, action, details, actor=actor, subject=subject)

    def log(self, *, limit: int | None = None, action: str | None = None,
            subject: str | None = None) -> list[LogEntry]:
        """Log entries, oldest first (the last ``limit`` when given)."""
        where, args = [], []
        if action:
            where.append("action = ?")
            args.append(action)
        if subject:
            where.append("subject = ?")
            args.append(subject)
        sql = "SELECT * FROM audit_log" + (f" WHERE {' AND '.join(where)}" if where else "") + " ORDER BY seq DESC"
        if limit:
            sql += f" LIMIT {int(limit)}"
        rows = self.conn.execute(sql, args).fetchall()
        return [LogEntry(**{**dict(r), "details": json.loads(r["details"])}) for r in reversed(rows)]

    def verify_log(self) -> list[str]:
        """Problems with the hash chain (empty: intact), each naming the entry."""
        # One read transaction: a consistent snapshot while a service keeps appending.
        own = not self.conn.in_transaction
        if own:
            self.conn.execute("BEGIN")
        try:
            return self._verify_log()
        finally:
            if own:
                self.conn.execute("COMMIT")

    def _verify_log(self) -> list[str]:
        problems: list[str] = []
        prev = GENESIS_HASH
        expected_seq = None
        rows_digest = {r[0]: r[1] for r in self._rows_digests()}
        for r in self.conn.execute("SELECT * FROM audit_log ORDER BY seq"):
            seq = r["seq"]
            if expected_seq is not None and seq != expected_seq:
                problems.append(f"entries {expected_seq}..{seq - 1} are missing")
            expected_seq = seq + 1
            if r["prev_hash"] != prev:
                problems.append(f"entry {seq}: does not follow entry {seq - 1} (previous hash differs)")
            h = entry_hash(r["prev_hash"], r["at"], r["actor"], r["action"], r["subject"], r["details"])
            if h != r["hash"]:
                problems.append(f"entry {seq}: content changed after it was written (hash differs)")
            details = json.loads(r["details"])
            want = details.get("rows_sha256") if isinstance(details, dict) else None
            if want is not None and rows_digest.get(seq, _empty_digest()) != want:
                problems.append(f"entry {seq}: its screened rows changed after they were written")
            prev = r["hash"]
        # AUTOINCREMENT remembers the highest seq ever used: the newest entries removed show here.
        top = self.conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'audit_log'").fetchone()
        if top is not None and expected_seq is not None and top[0] >= expected_seq:
            problems.append(f"entries {expected_seq}..{top[0]} (the newest) are missing")
        elif top is not None and top[0] > 0 and expected_seq is None:
            problems.append(f"entries 1..{top[0]} are missing")
        return problems

    def head(self) -> tuple[int, str] | None:
        """The newest entry's (seq, hash): keep it elsewhere to detect a truncated log."""
        row = self.conn.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
        return (int(row[0]), str(row[1])) if row else None

    def _rows_digests(self) -> Iterable[tuple[int, str]]:
        digests: dict[int, Any] = {}
        for r in self.conn.execute("SELECT log_seq, row_number, shipment_id, verdict, rule_ids "
                                   "FROM screened_rows ORDER BY rowid"):
            d = digests.setdefault(r[0], hashlib.sha256())
            d.update(row_digest_line(r[1], r[2], r[3], r[4]))
        return [(k, v.hexdigest()) for k, v in digests.items()]

    def record_rows(self, conn: sqlite3.Connection, log_seq: int,
                    rows: Iterable[tuple[int | None, str | None, str, str]]) -> None:
        conn.executemany("INSERT INTO screened_rows (log_seq, row_number, shipment_id, verdict, rule_ids) "
                         "VALUES (?, ?, ?, ?, ?)", ((log_seq, *r) for r in rows))

    def shipment_history(self, shipment_id: str) -> list[dict[str, Any]]:
        """Every logged screening of a shipment, with the run's versions, oldest first."""
        out = []
        for r in self.conn.execute(
                "SELECT s.row_number, s.verdict, s.rule_ids, a.seq, a.at, a.actor, a.action, a.details "
                "FROM screened_rows s JOIN audit_log a ON a.seq = s.log_seq WHERE s.shipment_id = ? "
                "ORDER BY a.seq", (shipment_id,)):
            details = json.loads(r["details"])
            prov = details.get("provenance") or {}
            out.append({"log_seq": r["seq"], "at": r["at"], "actor": r["actor"], "action": r["action"],
                        "row_number": r["row_number"], "verdict": r["verdict"], "rule_ids": r["rule_ids"],
                        "rules_version": (prov.get("rules") or {}).get("version"),
                        "lists": {x.get("name"): x.get("version") for x in prov.get("lists") or []},
                        "inputs": details.get("inputs")})
        return out


def _empty_digest() -> str:
    return hashlib.sha256().hexdigest()


def row_digest_line(row_number: int | None, shipment_id: str | None, verdict: str, rule_ids: str) -> bytes:
    return (canonical([row_number, shipment_id, verdict, rule_ids]) + "\n").encode()


def open_store(path: str | Path | None = None, *, create: bool = True) -> AuditStore:
    """Open (and create) the store at ``path`` (default: ``default_db_path()``)."""
    return AuditStore(path or default_db_path(), create=create)
