"""Reviewers' decisions and how later screenings apply them.

A **false-positive decision** says: the party named ``party_name`` is not the listed entity
``list_entry_id``. It applies to a later party finding when

- the finding's list entry id is the decision's, and
- the finding's party name has the same normal form as the decision's (``names.normalize_name``:
  Cyrillic transliterated, case, punctuation and legal forms ignored, so "ACME Trading GmbH",
  "acme trading" and "ООО ACME-Trading" are the same party; another word, or another spelling
  of a word ("Akme", "Treyding"), is another party and needs its own review: a decision
  suppresses a match, so it is kept narrow on purpose), and
- when the decision names the party's country, the party has that country, and
- the list entry is unchanged: its content hash (names, aliases, kind, countries, listings)
  equals the hash recorded with the decision.

Then the finding is lowered to ``info`` and cites the decision (id, reviewer, date, reason).
When the entry changed, the finding stays and says a decision existed for an older version of
the entry. The latest matching decision counts; a ``revoked`` decision withdraws an earlier one.

**Shipment decisions** (``released`` / ``held``) record what a reviewer did with a flagged
shipment; they never change a verdict (re-screening reports them next to a changed verdict).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

from compliance.audit.store import AuditStore, canonical, now_utc
from compliance.exc import ComplianceError
from compliance.lists.model import Entity
from compliance.models import Family, Finding, Severity
from compliance.rules.context import Context

DecisionKind = Literal["false_positive", "released", "held", "revoked"]
KINDS: tuple[str, ...] = ("false_positive", "released", "held", "revoked")


class Decision(BaseModel):
    """One recorded decision (a row of the ``decisions`` table)."""

    id: int | None = None
    kind: DecisionKind
    party_name: str | None = None
    party_key: str | None = Field(None, description="normal form of party_name: what later findings must equal")
    party_country: str | None = Field(None, description="ISO alpha-2; None: any country")
    list_entry_id: str | None = None
    list_name: str | None = None
    entry_name: str | None = None
    entry_hash: str | None = Field(None, description="SHA-256 of the list entry's content when decided")
    shipment_id: str | None = None
    revokes: int | None = None
    reason: str
    reviewer: str
    decided_at: str = Field(default_factory=now_utc)
    source: str | None = Field(None, description="where it was recorded from, e.g. results.csv row 17")

    def cite(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "reviewer": self.reviewer, "date": self.decided_at[:10],
                "reason": self.reason}


def party_key(name: str) -> str:
    """The normal form two party names must share for a decision to carry over."""
    from compliance.names import normalize_name

    key = normalize_name(name)
    return key or " ".join(name.casefold().split())


def entity_content_hash(entity: Entity) -> str:
    """SHA-256 over what a reviewer judged: names, aliases, kind, countries and listings.

    Not the raw source record or remarks, which change with harmless re-publication."""
    data = {"id": entity.id, "kind": entity.kind, "name": entity.name, "aliases": sorted(entity.aliases),
            "countries": sorted(entity.countries),
            "listings": sorted(canonical(x.model_dump(mode="json")) for x in entity.listings)}
    return hashlib.sha256(canonical(data).encode()).hexdigest()


# Recording ------------------------------------------------------------------------------------
def _check(d: Decision) -> None:
    if not d.reason.strip():
        raise ComplianceError("a decision needs a --reason")
    if not d.reviewer.strip():
        raise ComplianceError("a decision needs a --reviewer")
    if d.kind == "false_positive" and not (d.party_name and d.list_entry_id and d.entry_hash):
        raise ComplianceError("a false-positive decision needs the party name and the list entry id")
    if d.kind in ("released", "held") and not d.shipment_id:
        raise ComplianceError(f"a {d.kind} decision needs the shipment id")
    if d.kind == "revoked" and d.revokes is None:
        raise ComplianceError("a revocation needs the id of the decision it withdraws")


def record(store: AuditStore, decision: Decision) -> Decision:
    """Store a decision and log it (one transaction); returns it with its id."""
    _check(decision)
    if decision.party_name:
        decision = decision.model_copy(update={"party_key": party_key(decision.party_name)})
    fields = [f for f in Decision.model_fields if f != "id"]
    with store.transaction() as conn:
        if decision.revokes is not None:
            target = conn.execute("SELECT kind FROM decisions WHERE id = ?", (decision.revokes,)).fetchone()
            if target is None:
                raise ComplianceError(f"no decision #{decision.revokes} to revoke")
            if target[0] == "revoked":
                raise ComplianceError(f"decision #{decision.revokes} is itself a revocation")
        cur = conn.execute(f"INSERT INTO decisions ({', '.join(fields)}) VALUES ({', '.join('?' * len(fields))})",
                           [getattr(decision, f) for f in fields])
        decision = decision.model_copy(update={"id": cur.lastrowid})
        subject = decision.shipment_id or decision.list_entry_id or (f"#{decision.revokes}" if decision.revokes else None)
        store._append(conn, f"decide:{decision.kind}", decision.model_dump(mode="json"),
                      actor=decision.reviewer, subject=subject)
    return decision


def list_decisions(store: AuditStore, *, kind: str | None = None, active_only: bool = False) -> list[Decision]:
    rows = store.conn.execute("SELECT * FROM decisions" + (" WHERE kind = ?" if kind else "") + " ORDER BY id",
                              (kind,) if kind else ()).fetchall()
    out = [Decision(**dict(r)) for r in rows]
    if active_only:
        revoked = _revoked(store.conn)
        out = [d for d in out if d.id not in revoked and d.kind != "revoked"]
    return out


def _revoked(conn: sqlite3.Connection) -> set[int]:
    return {r[0] for r in conn.execute("SELECT revokes FROM decisions WHERE kind = 'revoked'")}


def shipment_decisions(store: AuditStore) -> dict[str, Decision]:
    """The latest released/held decision per shipment id (revoked ones left out)."""
    revoked = _revoked(store.conn)
    out: dict[str, Decision] = {}
    for r in store.conn.execute("SELECT * FROM decisions WHERE kind IN ('released', 'held') ORDER BY id"):
        d = Decision(**dict(r))
        if d.id not in revoked and d.shipment_id:
            out[d.shipment_id] = d
    return out


# Applying -------------------------------------------------------------------------------------
class DecisionFilter:
    """A ``Screener.finding_filters`` hook: annotates every party finding with the hash of the
    list entry it matched, and applies the recorded false-positive decisions.

    Holds a snapshot of the decisions taken when it was built (screeners are rebuilt on list
    reload, so a running service sees new decisions after ``/v1/lists/reload``). Picklable.
    """

    def __init__(self, entities: Mapping[str, Entity], decisions: list[Decision] | None = None,
                 db_path: Path | None = None) -> None:
        self.entities = entities
        self.db_path = db_path
        self._hashes: dict[str, str] = {}
        self.by_entry: dict[tuple[str, str], list[Decision]] = {}
        for d in decisions or []:
            if d.kind == "false_positive" and d.list_entry_id and d.party_key:
                self.by_entry.setdefault((d.list_entry_id, d.party_key), []).append(d)
        for ds in self.by_entry.values():
            ds.sort(key=lambda d: d.id or 0, reverse=True)  # latest first

    @classmethod
    def from_store(cls, entities: Mapping[str, Entity], store: AuditStore) -> DecisionFilter:
        return cls(entities, list_decisions(store, kind="false_positive", active_only=True), store.path)

    def entry_hash(self, entry_id: str) -> str | None:
        h = self._hashes.get(entry_id)
        if h is None:
            entity = self.entities.get(entry_id)
            if entity is None:
                return None
            h = self._hashes[entry_id] = entity_content_hash(entity)
        return h

    def __call__(self, ctx: Context, findings: list[Finding]) -> list[Finding]:
        if not any(f.family == Family.party and f.list_entry_id for f in findings):
            return findings
        return [self._apply(f) if f.family == Family.party and f.list_entry_id
                else f for f in findings]

    def _apply(self, f: Finding) -> Finding:
        assert f.list_entry_id is not None
        current = self.entry_hash(f.list_entry_id)
        evidence = dict(f.evidence)
        if current:
            evidence["entry_hash"] = current
        name = str(f.evidence.get("party_name") or "")
        country = f.evidence.get("party_country")
        candidates = self.by_entry.get((f.list_entry_id, party_key(name)), []) if name else []
        decision = next((d for d in candidates if d.party_country in (None, country)), None)
        if decision is None:
            return f.model_copy(update={"evidence": evidence})
        cite = decision.cite()
        if f.severity == Severity.info:
            return f.model_copy(update={"evidence": evidence})
        if current is not None and decision.entry_hash == current:
            evidence["decision"] = cite
            evidence["original_severity"] = f.severity.value
            message = (f"{f.message} — cleared as a false positive by decision #{decision.id} "
                       f"({decision.reviewer}, {cite['date']}): {decision.reason}")
            return f.model_copy(update={"severity": Severity.info, "message": message, "evidence": evidence})
        evidence["stale_decision"] = cite
        message = (f"{f.message} [a false-positive decision #{decision.id} ({decision.reviewer}, {cite['date']}) "
                   f"exists, but list entry {f.list_entry_id} has changed since: review the match again]")
        return f.model_copy(update={"message": message, "evidence": evidence})


def decision_for_entity(entity: Entity, *, party_name: str, reason: str, reviewer: str,
                        party_country: str | None = None, entry_hash: str | None = None,
                        source: str | None = None, decided_at: dt.datetime | None = None) -> Decision:
    """A false-positive decision on ``party_name`` against ``entity`` (its current content
    unless ``entry_hash`` — the version the reviewer saw — is given)."""
    return Decision(kind="false_positive", party_name=party_name, party_country=party_country,
                    list_entry_id=entity.id, list_name=entity.list_name, entry_name=entity.name,
                    entry_hash=entry_hash or entity_content_hash(entity), reason=reason, reviewer=reviewer,
                    source=source, **({"decided_at": decided_at.isoformat(timespec="seconds")} if decided_at else {}))
