"""Re-screening earlier results with the current rules and lists.

The shipments are rebuilt from the input columns echoed in the results and screened again
(same jurisdiction and as-of date as the first run, from its metadata, unless overridden), and
only the shipments whose verdict changed are reported, each with why: the findings that
appeared or disappeared and the version change that explains each (a list's version, the
rules bundle, a recorded decision), from the old run's ``RESULT.meta.json`` when present.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from compliance.audit.results import ResultRow, open_results, result_rows, strip_result_columns
from compliance.engine import BatchSummary, run_batch
from compliance.io import RawRow
from compliance.models import Family, ScreeningResult
from compliance.rules.quota import QuotaStore

if TYPE_CHECKING:
    from compliance.screener import Screener


class Change(BaseModel):
    """One shipment whose verdict changed."""

    row_number: int | None
    shipment_id: str | None
    old_verdict: str
    new_verdict: str
    old_rule_ids: list[str]
    new_rule_ids: list[str]
    added_rules: list[str] = Field(default_factory=list)
    removed_rules: list[str] = Field(default_factory=list)
    why: list[str] = Field(default_factory=list)
    shipment_decision: dict[str, Any] | None = Field(None, description="a recorded release/hold of the shipment")

    def record(self) -> dict[str, Any]:
        return {"row_number": self.row_number, "shipment_id": self.shipment_id, "old_verdict": self.old_verdict,
                "new_verdict": self.new_verdict, "old_rule_ids": ";".join(self.old_rule_ids),
                "new_rule_ids": ";".join(self.new_rule_ids), "added_rules": ";".join(self.added_rules),
                "removed_rules": ";".join(self.removed_rules), "why": "; ".join(self.why),
                "shipment_decision": (f"{self.shipment_decision['kind']} #{self.shipment_decision['id']} by "
                                      f"{self.shipment_decision['reviewer']} on {self.shipment_decision['date']}"
                                      if self.shipment_decision else "")}


class RescreenReport(BaseModel):
    results_file: str
    rows: int = 0
    counts: dict[str, int] = Field(default_factory=dict)
    version_changes: list[str] = Field(default_factory=list)
    changed: list[Change] = Field(default_factory=list)
    old_meta: dict[str, Any] | None = None
    new_meta: dict[str, Any] = Field(default_factory=dict)


def _short(h: str | None) -> str:
    return (h or "?")[:12]


def _list_label(info: dict[str, Any]) -> str:
    bits = [str(info.get("version") or "?")]
    if info.get("date"):
        bits.append(str(info["date"]))
    return f"{' '.join(bits)}, {_short(info.get('sha256'))}"


def compare_versions(old: dict[str, Any] | None, new: dict[str, Any]) -> tuple[list[str], dict[str, str], str | None]:
    """What changed between two runs' metadata: sentences, per-list change notes, rules note."""
    if not old:
        return (["the earlier results have no metadata (RESULT.meta.json): versions cannot be compared"], {}, None)
    notes: list[str] = []
    lists: dict[str, str] = {}
    rules_note = None
    o_rules, n_rules = old.get("rules") or {}, new.get("rules") or {}
    if o_rules.get("sha256") != n_rules.get("sha256"):
        rules_note = (f"rules {o_rules.get('name', '?')} {o_rules.get('version', '?')} ({_short(o_rules.get('sha256'))}) "
                      f"-> {n_rules.get('version', '?')} ({_short(n_rules.get('sha256'))})")
        notes.append(rules_note)
    o_lists = {x.get("name"): x for x in old.get("lists") or []}
    n_lists = {x.get("name"): x for x in new.get("lists") or []}
    for name in sorted(set(o_lists) | set(n_lists), key=str):
        a, b = o_lists.get(name), n_lists.get(name)
        if a is None and b is not None:
            lists[str(name)] = f"list {name} added ({_list_label(b)})"
        elif b is None and a is not None:
            lists[str(name)] = f"list {name} removed (was {_list_label(a)})"
        elif a is not None and b is not None and a.get("sha256") != b.get("sha256"):
            lists[str(name)] = f"list {name} {_list_label(a)} -> {_list_label(b)}"
    notes.extend(lists.values())
    for key in ("jurisdiction", "as_of"):
        if old.get(key) != new.get(key) and (key != "as_of" or old.get(key) is not None):
            notes.append(f"{key} {old.get(key)} -> {new.get(key)}")
    o_dec, n_dec = old.get("decisions") or {}, new.get("decisions") or {}
    if (o_dec.get("false_positive_active"), o_dec.get("last_id")) != (n_dec.get("false_positive_active"),
                                                                       n_dec.get("last_id")):
        notes.append(f"false-positive decisions in force: {o_dec.get('false_positive_active', 0)} "
                     f"(last #{o_dec.get('last_id', '-')}) -> {n_dec.get('false_positive_active', 0)} "
                     f"(last #{n_dec.get('last_id', '-')})")
    if old.get("tool_version") != new.get("tool_version"):
        notes.append(f"tool {old.get('tool_version')} -> {new.get('tool_version')}")
    return notes, lists, rules_note


def _key(f: dict[str, Any]) -> tuple[str, str | None, str | None]:
    ev = f.get("evidence") or {}
    return (str(f.get("rule_id")), f.get("list_entry_id"), ev.get("party_role") if isinstance(ev, dict) else None)


def explain(old: ResultRow, new: ScreeningResult, list_notes: dict[str, str], rules_note: str | None) -> list[str]:
    """Why the verdict changed, one sentence per finding that appeared, went or changed severity."""
    old_f = {_key(f): f for f in old.findings}
    new_f = {_key(f.model_dump(mode="json")): f.model_dump(mode="json") for f in new.findings}
    why: list[str] = []

    def cause(f: dict[str, Any]) -> str:
        if f.get("family") == Family.party.value and f.get("list_name") and f["list_name"] in list_notes:
            return list_notes[f["list_name"]]
        if f.get("family") != Family.party.value and rules_note:
            return rules_note
        if f.get("family") == Family.party.value and rules_note:
            return rules_note
        return "same rules and lists: the quota ledger, a decision or the row's data"

    for k, f in new_f.items():
        if k not in old_f:
            who = f" ({f.get('matched_name')}, {f.get('list_entry_id')})" if f.get("list_entry_id") else ""
            why.append(f"new {f['severity']} finding {f['rule_id']}{who}: {cause(f)}")
        elif old_f[k].get("severity") != f.get("severity"):
            ev = f.get("evidence") or {}
            if "decision" in ev:
                d = ev["decision"]
                why.append(f"{f['rule_id']} {old_f[k].get('severity')} -> {f['severity']}: false-positive decision "
                           f"#{d.get('id')} by {d.get('reviewer')} on {d.get('date')} ({d.get('reason')})")
            else:
                why.append(f"{f['rule_id']} {old_f[k].get('severity')} -> {f['severity']}: {cause(f)}")
    for k, f in old_f.items():
        if k not in new_f:
            who = f" ({f.get('matched_name')}, {f.get('list_entry_id')})" if f.get("list_entry_id") else ""
            why.append(f"{f.get('severity')} finding {f.get('rule_id')}{who} no longer fires: {cause(f)}")
    if new.error and not old.findings:
        why.append(f"now unreadable: {new.error}")
    if not why and old.verdict == "ERROR":
        why.append("the row was unreadable before and is screened now")
    return why or ["verdict changed with the same findings (severity policy changed)"]


def rescreen(screener: Screener, results: str | Path, *, jurisdiction: str | None = None,
             as_of: dt.date | None = None, quota_store: QuotaStore | None = None,
             mapping: dict[str, str] | None = None, new_meta: dict[str, Any] | None = None,
             shipment_decisions: dict[str, Any] | None = None,
             observe: Callable[[list[ScreeningResult]], None] | None = None,
             chunk_size: int = 50_000) -> RescreenReport:
    """Screen the shipments of an earlier result file again; report the changed verdicts."""
    from compliance.audit.run import run_meta

    table, old_meta = open_results(results, mapping=mapping)
    jurisdiction = jurisdiction or (old_meta or {}).get("jurisdiction") or screener.jurisdiction
    if as_of is None and old_meta:
        if old_meta.get("as_of"):
            as_of = dt.date.fromisoformat(str(old_meta["as_of"])[:10])
        elif old_meta.get("run_at"):
            as_of = dt.date.fromisoformat(str(old_meta["run_at"])[:10])
    meta = new_meta or run_meta(screener, jurisdiction=jurisdiction, as_of=as_of, files=[results])
    notes, list_notes, rules_note = compare_versions(old_meta, meta)
    report = RescreenReport(results_file=str(results), version_changes=notes, old_meta=old_meta, new_meta=meta)
    pending: deque[ResultRow] = deque()

    def chunks() -> Iterator[list[RawRow]]:
        chunk: list[RawRow] = []
        for row in result_rows(table):
            pending.append(row)
            chunk.append(strip_result_columns(row.raw))
            if len(chunk) >= chunk_size:
                yield chunk
                chunk = []
        if chunk:
            yield chunk

    decisions = shipment_decisions or {}

    def write(new_results: list[ScreeningResult]) -> None:
        if observe is not None:
            observe(new_results)
        for new in new_results:
            old = pending.popleft()
            if new.verdict.value == old.verdict:
                continue
            d = decisions.get(new.shipment_id or old.shipment_id or "")
            report.changed.append(Change(
                row_number=old.row_number, shipment_id=old.shipment_id or new.shipment_id,
                old_verdict=old.verdict or "?", new_verdict=new.verdict.value, old_rule_ids=old.rule_ids,
                new_rule_ids=list(dict.fromkeys(new.rule_ids)),
                added_rules=[r for r in dict.fromkeys(new.rule_ids) if r not in old.rule_ids],
                removed_rules=[r for r in dict.fromkeys(old.rule_ids) if r not in new.rule_ids],
                why=explain(old, new, list_notes, rules_note),
                shipment_decision=d.cite() if d is not None and hasattr(d, "cite") else d))

    with table:
        summary: BatchSummary = run_batch(screener, chunks(), write, jurisdiction=jurisdiction, as_of=as_of,
                                          quota_store=quota_store)
    report.rows = summary.rows
    report.counts = {k: int(v) for k, v in summary.counts.items()}
    return report
