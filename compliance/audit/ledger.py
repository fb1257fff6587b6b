"""The quota ledger: circumvention quota counts kept across runs in the audit store.

Keyed by (quota rule id = goods group, destination country, period), one entry per shipment
id. Idempotent per shipment id (see ``compliance.rules.quota``): screening the same file
again, or re-screening its results, does not count a shipment twice; a shipment seen again
with another value replaces its value and keeps its place. Counts are written when the run
finishes (``flush``): an interrupted run counts nothing.
"""

from __future__ import annotations

import sqlite3

from compliance.audit.store import AuditStore, now_utc
from compliance.rules.quota import KeyState, QuotaKey


class Ledger:
    """A ``QuotaStore`` backed by the audit store's ``quota_ledger`` table."""

    def __init__(self, store: AuditStore) -> None:
        self.store = store
        self.keys: dict[QuotaKey, KeyState] = {}
        self._dirty: dict[tuple[QuotaKey, str], tuple[int, float]] = {}
        self._at = now_utc()

    def _load(self, key: QuotaKey) -> KeyState:
        state = self.keys.get(key)
        if state is None:
            state = self.keys[key] = KeyState()
            for sid, value in self.store.conn.execute(
                    "SELECT shipment_id, value_eur FROM quota_ledger WHERE rule_id = ? AND country = ? "
                    "AND period = ? ORDER BY pos, first_seen, rowid", key):
                state.add(float(value), str(sid))
        return state

    def add(self, key: QuotaKey, value: float, shipment_id: str | None = None) -> float:
        state = self._load(key)
        total, changed = state.add(value, shipment_id)
        if changed and shipment_id is not None:
            self._dirty[(key, shipment_id)] = (state.order[shipment_id], value)
        return total

    def pending(self) -> int:
        """Entries added or changed since the last flush."""
        return len(self._dirty)

    def flush(self, conn: sqlite3.Connection | None = None) -> int:
        """Write the new and changed entries (in ``conn``'s open transaction, else in a new
        one); returns how many."""
        if not self._dirty:
            return 0
        if conn is None:
            with self.store.transaction() as c:
                return self.flush(c)
        rows = [(*key, sid, pos, value, self._at, self._at) for (key, sid), (pos, value) in self._dirty.items()]
        conn.executemany(
            "INSERT INTO quota_ledger (rule_id, country, period, shipment_id, pos, value_eur, first_seen, "
            "last_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (rule_id, country, period, shipment_id) "
            "DO UPDATE SET value_eur = excluded.value_eur, last_seen = excluded.last_seen", rows)
        n = len(rows)
        self._dirty.clear()
        return n

    def totals(self) -> list[dict[str, object]]:
        """Every key's total and number of shipments, from the store."""
        return [dict(r) for r in self.store.conn.execute(
            "SELECT rule_id, country, period, COUNT(*) AS shipments, ROUND(SUM(value_eur), 2) AS total_eur "
            "FROM quota_ledger GROUP BY rule_id, country, period ORDER BY rule_id, country, period")]


class PointLedger(Ledger):
    """The ledger for one shipment at a time (the HTTP service's ``/v1/screen``): two indexed
    queries per quota key instead of loading every shipment of the key into memory. Same
    counts and order as ``Ledger`` (first-seen position, then first-seen time)."""

    def add(self, key: QuotaKey, value: float, shipment_id: str | None = None) -> float:
        if key in self.keys:  # the same key twice in one call: the in-memory way
            return super().add(key, value, shipment_id)
        conn = self.store.conn
        row = None
        if shipment_id is not None:
            row = conn.execute("SELECT pos, first_seen, rowid, value_eur FROM quota_ledger WHERE rule_id = ? AND "
                               "country = ? AND period = ? AND shipment_id = ?", (*key, shipment_id)).fetchone()
        if row is None:
            n, total = conn.execute("SELECT COUNT(*), COALESCE(SUM(value_eur), 0) FROM quota_ledger WHERE "
                                    "rule_id = ? AND country = ? AND period = ?", key).fetchone()
            if shipment_id is not None:
                self._dirty[(key, shipment_id)] = (int(n), value)
            return float(total) + value
        pos, first_seen, rowid, old = row
        before = conn.execute(
            "SELECT COALESCE(SUM(value_eur), 0) FROM quota_ledger WHERE rule_id = ? AND country = ? AND period = ? "
            "AND (pos < ? OR (pos = ? AND (first_seen < ? OR (first_seen = ? AND rowid < ?))))",
            (*key, pos, pos, first_seen, first_seen, rowid)).fetchone()[0]
        if float(old) != value:
            assert shipment_id is not None
            self._dirty[(key, shipment_id)] = (int(pos), value)
        return float(before) + value
