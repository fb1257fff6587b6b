"""CLI: ``compliance decide``, ``compliance decisions`` and ``compliance audit``.

Reviewers record decisions in the audit store (``--db``, default: ``audit.sqlite`` in the
user's data dir); auditors read the append-only log back.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from compliance.cli.common import EXIT_FAIL_ON, EXIT_USAGE, err_console, user_errors
from compliance.exc import ComplianceError

DB_HELP = "Audit store (SQLite); default: audit.sqlite in the user's data dir (COMPLIANCE_DB)."

decide_app = typer.Typer(help="Record a reviewer's decision: a false-positive party match, or a shipment "
                              "released or held.", no_args_is_help=True,
                        epilog="Example: compliance decide release WB-2026-0017 --reason 'licence checked'")
decisions_app = typer.Typer(help="List and export recorded decisions.", no_args_is_help=True,
                            epilog="Example: compliance decisions list --kind false_positive")
audit_app = typer.Typer(help="Read the append-only audit log of screenings and decisions.", no_args_is_help=True,
                        epilog="Example: compliance audit log --limit 20")


def _store(db: Path | None, *, create: bool = True) -> Any:
    from compliance.audit import open_store

    return open_store(db, create=create)


def _entities(lists: list[Path] | None) -> dict[str, Any]:
    from compliance import lists as lists_mod

    loaded = [lists_mod.load_curated(), *lists_mod.imported_lists(), *lists_mod.load_lists(lists or [])]
    return {e.id: e for lst in loaded for e in lst.entities}


def _find_rows(results: Path, row: int | None, shipment: str | None) -> Any:
    from compliance.audit.results import open_results, result_rows

    if row is None and not shipment:
        raise ComplianceError("with --results, say which row: --row N (the row_number column) or --shipment ID")
    table, _ = open_results(results)
    with table:
        hits = [r for r in result_rows(table)
                if (row is None or r.row_number == row) and (not shipment or r.shipment_id == shipment)]
    if not hits:
        raise ComplianceError(f"{results}: no result row with " + (f"row_number {row}" if row is not None else "")
                              + (" and " if row is not None and shipment else "")
                              + (f"shipment_id {shipment!r}" if shipment else ""))
    if len(hits) > 1:
        raise ComplianceError(f"{results}: {len(hits)} rows have row_number {row} (several input files?): "
                              "add --shipment ID")
    return hits[0]


def _print_decision(d: Any) -> None:
    what = (f"{d.party_name!r} is not {d.entry_name!r} ({d.list_entry_id})" if d.kind == "false_positive"
            else f"shipment {d.shipment_id}" if d.kind in ("released", "held") else f"withdraws #{d.revokes}")
    err_console.print(f"recorded decision [bold]#{d.id}[/] {d.kind}: {what} — {d.reviewer}, {d.decided_at}",
                      highlight=False)


@decide_app.command("false-positive", epilog="Examples:\n\n"
                    "compliance decide false-positive --results results.csv --row 17 --reason 'different company, "
                    "other country and registry number' --reviewer 'J. Smith'\n\n"
                    "compliance decide false-positive --party 'Belaruskali Trading GmbH' --entry curated:belaruskali "
                    "--country DE --reason '...' --reviewer 'J. Smith'")
def false_positive(
    reason: str = typer.Option(..., "--reason", help="Why the match is not the listed entity."),
    reviewer: str = typer.Option(..., "--reviewer", help="Who reviewed it."),
    results: Path | None = typer.Option(None, "--results", help="A result file written by compliance screen."),
    row: int | None = typer.Option(None, "--row", help="With --results: the row_number of the reviewed row."),
    shipment: str | None = typer.Option(None, "--shipment", help="With --results: the shipment_id of the row."),
    party: str | None = typer.Option(None, "--party", help="The party name as it appears in the shipments."),
    entry: str | None = typer.Option(None, "--entry", help="The list entry id (list_entry_id of the finding)."),
    country: str | None = typer.Option(None, "--country", help="Only for this party country (default: from "
                                       "the results row; none: any country)."),
    all_matches: bool = typer.Option(False, "--all", help="With --results: every party match of the row."),
    lists: list[Path] | None = typer.Option(None, "--lists", help="Extra list file(s) the entry is in."),
    db: Path | None = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Record that a party match is a false positive: later screenings lower it to info while
    the list entry is unchanged."""
    from compliance.audit import decision_for_entity, entity_content_hash, record
    from compliance.countries import resolve_country

    with user_errors():
        entities = _entities(lists)
        todo: list[tuple[str, str, str | None, str | None, str | None]] = []  # name, entry, country, hash, source
        if results is not None:
            hit = _find_rows(results, row, shipment)
            parties = [f for f in hit.findings if f.get("family") == "party" and f.get("list_entry_id")
                       and (entry is None or f.get("list_entry_id") == entry)]
            if not parties:
                raise ComplianceError(f"{results} row {hit.row_number}: no party match"
                                      + (f" with list entry {entry!r}" if entry else ""))
            if len(parties) > 1 and not all_matches and entry is None:
                listed = ", ".join(f"{f['list_entry_id']} ({f.get('matched_name')})" for f in parties)
                raise ComplianceError(f"{results} row {hit.row_number} has {len(parties)} party matches: {listed}; "
                                      "choose one with --entry ID, or --all")
            for f in parties:
                ev = f.get("evidence") or {}
                todo.append((str(ev.get("party_name") or ""), str(f["list_entry_id"]),
                             country or ev.get("party_country"), ev.get("entry_hash"),
                             f"{results} row {hit.row_number} (shipment {hit.shipment_id})"))
        else:
            if not party or not entry:
                raise ComplianceError("give --results FILE --row N, or --party NAME and --entry ID")
            todo.append((party, entry, country, None, None))
        with _store(db) as store:
            for name, entry_id, cc, seen_hash, source in todo:
                entity = entities.get(entry_id)
                if entity is None:
                    raise ComplianceError(f"list entry {entry_id!r} is not in the loaded lists (import the list, "
                                          "or pass it with --lists)")
                if not name:
                    raise ComplianceError(f"the finding for {entry_id} names no party")
                code = resolve_country(cc) if cc else None
                if seen_hash and seen_hash != entity_content_hash(entity):
                    err_console.print(f"[yellow]warning:[/] list entry {entry_id} has changed since that screening: "
                                      "the decision covers the version you reviewed and will not apply to the "
                                      "current one", highlight=False)
                d = record(store, decision_for_entity(entity, party_name=name, party_country=code, reason=reason,
                                                      reviewer=reviewer, entry_hash=seen_hash, source=source))
                _print_decision(d)


def _shipment_decision(kind: str, shipment_id: str | None, results: Path | None, row: int | None,
                       reason: str, reviewer: str, db: Path | None) -> None:
    from compliance.audit import Decision, record

    with user_errors():
        source = None
        if results is not None:
            hit = _find_rows(results, row, shipment_id)
            shipment_id = hit.shipment_id
            source = f"{results} row {hit.row_number} ({hit.verdict}: {';'.join(hit.rule_ids)})"
        if not shipment_id:
            raise ComplianceError("give the SHIPMENT_ID, or --results FILE --row N")
        with _store(db) as store:
            _print_decision(record(store, Decision(kind=kind, shipment_id=shipment_id, reason=reason,
                                                   reviewer=reviewer, source=source)))


@decide_app.command("release", epilog="Example: compliance decide release WB-2026-0017 --reason 'licence "
                    "LT-2026-113 covers it' --reviewer 'J. Smith'")
def release(
    shipment_id: str | None = typer.Argument(None, help="The shipment id (or use --results/--row)."),
    reason: str = typer.Option(..., "--reason"),
    reviewer: str = typer.Option(..., "--reviewer"),
    results: Path | None = typer.Option(None, "--results", help="A result file written by compliance screen."),
    row: int | None = typer.Option(None, "--row", help="With --results: the row_number of the row."),
    db: Path | None = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Record that a flagged shipment was released after review."""
    _shipment_decision("released", shipment_id, results, row, reason, reviewer, db)


@decide_app.command("hold", epilog="Example: compliance decide hold WB-2026-0017 --reason 'consignee in BY' "
                    "--reviewer 'J. Smith'")
def hold(
    shipment_id: str | None = typer.Argument(None, help="The shipment id (or use --results/--row)."),
    reason: str = typer.Option(..., "--reason"),
    reviewer: str = typer.Option(..., "--reviewer"),
    results: Path | None = typer.Option(None, "--results", help="A result file written by compliance screen."),
    row: int | None = typer.Option(None, "--row", help="With --results: the row_number of the row."),
    db: Path | None = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Record that a flagged shipment is held."""
    _shipment_decision("held", shipment_id, results, row, reason, reviewer, db)


@decide_app.command("revoke", epilog="Example: compliance decide revoke 12 --reason 'entry re-identified' "
                    "--reviewer 'J. Smith'")
def revoke(
    decision_id: int = typer.Argument(..., help="The id of the decision to withdraw."),
    reason: str = typer.Option(..., "--reason"),
    reviewer: str = typer.Option(..., "--reviewer"),
    db: Path | None = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Withdraw a decision (recorded as a new decision; nothing is deleted)."""
    from compliance.audit import Decision, record

    with user_errors(), _store(db, create=False) as store:
        _print_decision(record(store, Decision(kind="revoked", revokes=decision_id, reason=reason, reviewer=reviewer)))


EXPORT_FIELDS = ("id", "kind", "party_name", "party_key", "party_country", "list_entry_id", "list_name", "entry_name",
                 "entry_hash", "shipment_id", "revokes", "reason", "reviewer", "decided_at", "source", "active")


def _decision_rows(db: Path | None, kind: str | None, include_revoked: bool) -> list[dict[str, Any]]:
    from compliance.audit import list_decisions

    with _store(db, create=False) as store:
        everything = list_decisions(store, kind=kind)
        active = {d.id for d in list_decisions(store, kind=kind, active_only=True)}
    rows = [{**d.model_dump(mode="json"), "active": d.id in active} for d in everything]
    return rows if include_revoked else [r for r in rows if r["active"]]


@decisions_app.command("list", epilog="Example: compliance decisions list --kind false_positive")
def decisions_list(
    kind: str | None = typer.Option(None, "--kind", help="false_positive | released | held | revoked"),
    include_revoked: bool = typer.Option(False, "--all", help="Include revoked decisions and revocations."),
    as_json: bool = typer.Option(False, "--json", help="JSON lines on stdout instead of a table."),
    db: Path | None = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Show the recorded decisions (active ones unless --all)."""
    from compliance.audit.decisions import KINDS

    if kind not in (None, *KINDS):
        raise typer.BadParameter(f"{kind!r}: use one of {' | '.join(KINDS)}", param_hint="--kind")
    with user_errors():
        rows = _decision_rows(db, kind, include_revoked)
    if as_json:
        for r in rows:
            typer.echo(json.dumps(r, ensure_ascii=False))
        return
    table = Table(title=f"{len(rows)} decision(s)", title_justify="left")
    for col in ("id", "kind", "party / shipment", "list entry", "reviewer", "date", "reason"):
        table.add_column(col, overflow="fold")
    for r in rows:
        subject = r["party_name"] or r["shipment_id"] or (f"#{r['revokes']}" if r["revokes"] else "")
        if r["party_country"]:
            subject += f" ({r['party_country']})"
        table.add_row(str(r["id"]), r["kind"] + ("" if r["active"] else " [dim](revoked)[/]"), subject,
                      r["list_entry_id"] or "", r["reviewer"], r["decided_at"][:10], r["reason"])
    err_console.print(table)


@decisions_app.command("export", epilog="Example: compliance decisions export --out decisions.csv")
def decisions_export(
    out: str | None = typer.Option(None, "--out", "-o", help="Output file (default: stdout)."),
    fmt: str | None = typer.Option(None, "--format", "-f", help="csv | json (default: from --out, else csv)."),
    include_revoked: bool = typer.Option(True, "--all/--active", help="All decisions (default) or active only."),
    db: Path | None = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Export every decision as CSV or JSON."""
    if fmt is None and out and Path(out).suffix.lower() not in ("", ".csv", ".json"):
        raise typer.BadParameter(f"{out}: decisions are exported as .csv or .json (or give --format)",
                                 param_hint="--out")
    fmt = fmt or ("json" if out and out.lower().endswith(".json") else "csv")
    if fmt not in ("csv", "json"):
        raise typer.BadParameter("--format must be csv or json")
    with user_errors():
        rows = _decision_rows(db, None, include_revoked)
        fh = open(out, "w", encoding="utf-8", newline="") if out and out != "-" else sys.stdout  # noqa: SIM115
        try:
            if fmt == "json":
                json.dump(rows, fh, ensure_ascii=False, indent=2)
                fh.write("\n")
            else:
                from compliance.io import neutralise

                w = csv.DictWriter(fh, fieldnames=list(EXPORT_FIELDS))
                w.writeheader()
                for r in rows:
                    w.writerow({k: neutralise("" if r.get(k) is None else str(r.get(k))) for k in EXPORT_FIELDS})
        finally:
            if fh is not sys.stdout:
                fh.close()
    if out and out != "-":
        err_console.print(f"{len(rows)} decision(s) written to {out}", highlight=False)


@audit_app.command("log", epilog="Example: compliance audit log --limit 20")
def audit_log(
    limit: int = typer.Option(50, "--limit", "-n", min=0, help="The last N entries (0: all)."),
    action: str | None = typer.Option(None, "--action", help="Only this action: screen, rescreen, "
                                      "decide:false_positive, ..."),
    as_json: bool = typer.Option(False, "--json", help="JSON lines on stdout (full details)."),
    db: Path | None = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Show the audit log: who screened or decided what, when, with which versions."""
    with user_errors(), _store(db, create=False) as store:
        entries = store.log(limit=limit or None, action=action)
    if as_json:
        for e in entries:
            typer.echo(e.model_dump_json())
        return
    table = Table(title=f"audit log ({len(entries)} entries)", title_justify="left")
    for col in ("seq", "at", "who", "action", "subject", "what"):
        table.add_column(col, overflow="fold")
    for e in entries:
        table.add_row(str(e.seq), e.at, e.actor, e.action, e.subject or "", _summary(e.details))
    err_console.print(table)


def _summary(d: dict[str, Any]) -> str:
    if "provenance" in d:
        p = d["provenance"]
        lists = ", ".join(f"{x.get('name')} {x.get('version')}" for x in p.get("lists") or [])
        counts = " ".join(f"{k}={v}" for k, v in sorted((d.get("counts") or {}).items()))
        extra = f"; {d['changed']} changed" if "changed" in d else ""
        return (f"{d.get('rows')} rows ({counts}){extra}; rules {(p.get('rules') or {}).get('version')}; "
                f"lists {lists}; {p.get('jurisdiction')}")
    if "kind" in d:
        return f"#{d.get('id')} {d.get('party_name') or d.get('shipment_id') or ''} {d.get('list_entry_id') or ''}: " \
               f"{d.get('reason')}"
    return json.dumps(d, ensure_ascii=False)[:200]


@audit_app.command("verify", epilog="Example: compliance audit verify")
def audit_verify(db: Path | None = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """Check the log's hash chain: exit 1 and name the entries if anything was altered."""
    with user_errors(), _store(db, create=False) as store:
        problems = store.verify_log()
        n = store.conn.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0]
        head = store.head()
    if problems:
        for p in problems:
            err_console.print(f"[bold red]tampered:[/] {p}", highlight=False)
        raise typer.Exit(EXIT_FAIL_ON)
    err_console.print(f"audit log intact: {n} entries, hash chain verified"
                      + (f"; head entry {head[0]} hash {head[1]} (keep it elsewhere to detect a truncated log)"
                         if head else ""), highlight=False)


@audit_app.command("shipment", epilog="Example: compliance audit shipment WB-2026-0017")
def audit_shipment(
    shipment_id: str = typer.Argument(..., help="The shipment id."),
    db: Path | None = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """A shipment's history: every logged screening (verdict, rules, versions) and decision."""
    from compliance.audit import list_decisions

    with user_errors(), _store(db, create=False) as store:
        history = store.shipment_history(shipment_id)
        decisions = [d for d in list_decisions(store) if d.shipment_id == shipment_id]
    if not history and not decisions:
        err_console.print(f"no logged screening or decision for shipment {shipment_id!r}", highlight=False)
        raise typer.Exit(EXIT_USAGE)
    table = Table(title=f"shipment {shipment_id}", title_justify="left")
    for col in ("log", "at", "who", "event", "verdict / decision", "rules / reason", "versions"):
        table.add_column(col, overflow="fold")
    for h in history:
        versions = f"rules {h['rules_version']}; " + ", ".join(f"{k} {v}" for k, v in h["lists"].items())
        table.add_row(str(h["log_seq"]), h["at"], h["actor"], f"{h['action']} row {h['row_number']}", h["verdict"],
                      h["rule_ids"], versions)
    for d in decisions:
        table.add_row("", d.decided_at, d.reviewer, f"decision #{d.id}", d.kind, d.reason, d.source or "")
    err_console.print(table)


@audit_app.command("ledger", epilog="Example: compliance audit ledger")
def audit_ledger(db: Path | None = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """The quota ledger: cumulative EUR value per quota rule, destination and period."""
    from compliance.audit import Ledger

    with user_errors(), _store(db, create=False) as store:
        rows = Ledger(store).totals()
    table = Table(title="quota ledger", title_justify="left")
    for col in ("rule", "country", "period", "shipments", "total EUR"):
        table.add_column(col, justify="right" if col in ("shipments", "total EUR") else "left")
    for r in rows:
        table.add_row(str(r["rule_id"]), str(r["country"]), str(r["period"]), str(r["shipments"]),
                      f"{float(str(r['total_eur'])):,.2f}")
    err_console.print(table)


def register(app: typer.Typer) -> None:
    """Add the decide, decisions and audit commands to the app."""
    app.add_typer(decide_app, name="decide")
    app.add_typer(decisions_app, name="decisions")
    app.add_typer(audit_app, name="audit")
