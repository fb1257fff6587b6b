"""Audit trail: provenance, reviewers' decisions, the quota ledger and the append-only log.

Everything lives in one SQLite file, the *audit store* (``--db PATH``; default
``audit.sqlite`` in the user's data dir, or ``COMPLIANCE_DB``):

- ``decisions``: false positives (party name + list entry, with the entry's content hash)
  and shipment releases/holds (``compliance.audit.decisions``);
- ``quota_ledger``: circumvention quota counts across runs (``compliance.audit.ledger``);
- ``audit_log`` and ``screened_rows``: append-only, hash-chained (``compliance.audit.store``).

``attach_decisions(screener, db)`` registers the decisions hook on a ``Screener``;
``Screener.load`` does it with the default store when that exists.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from compliance.audit.decisions import (
    Decision,
    DecisionFilter,
    decision_for_entity,
    entity_content_hash,
    list_decisions,
    party_key,
    record,
    shipment_decisions,
)
from compliance.audit.ledger import Ledger
from compliance.audit.run import RunRecorder, meta_path_for, run_meta
from compliance.audit.store import AuditStore, LogEntry, StoreError, default_db_path, open_store

if TYPE_CHECKING:
    from compliance.screener import Screener

log = logging.getLogger(__name__)

__all__ = ["AuditStore", "Decision", "DecisionFilter", "Ledger", "LogEntry", "RunRecorder", "StoreError",
           "attach_decisions", "decision_for_entity", "default_db_path", "entity_content_hash", "list_decisions",
           "meta_path_for", "open_store", "party_key", "record", "resolve_db", "run_meta", "shipment_decisions"]

DbChoice = str | Path | None | Literal[False]


def resolve_db(db: DbChoice) -> Path | None:
    """Which store a screening uses: the path given; ``None``: the default store if it exists;
    ``False``: none."""
    if db is False:
        return None
    if db is not None:
        return Path(db)
    try:
        path = default_db_path()
    except OSError as e:  # no writable home (service accounts): no default store
        log.warning("no default audit store: %s", e)
        return None
    return path if path.is_file() else None


def attach_decisions(screener: Screener, db: DbChoice = None) -> DecisionFilter:
    """Register (or replace) the decisions hook on ``screener``.

    Without a store the hook still stamps each party finding with the matched entry's content
    hash, so a decision recorded later from the results names the version the reviewer saw."""
    path = resolve_db(db)
    hook = DecisionFilter(screener.entities)
    if path is not None:
        try:
            with open_store(path) as store:
                hook = DecisionFilter.from_store(screener.entities, store)
        except StoreError as e:
            if db is not None:  # the caller asked for this store
                raise
            # The implicit default store is unreadable: screen without decisions (findings are
            # then not lowered, never wrongly cleared) rather than refuse to screen.
            log.warning("decisions not applied: %s", e)
        log.info("applying %d false-positive decision(s) from %s", sum(map(len, hook.by_entry.values())), path)
    screener.finding_filters[:] = [f for f in screener.finding_filters if not isinstance(f, DecisionFilter)]
    screener.finding_filters.append(hook)
    return hook
