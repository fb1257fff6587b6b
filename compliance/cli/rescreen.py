"""CLI: ``compliance rescreen`` — screen earlier results again, report the changed verdicts."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import typer
from rich.table import Table

from compliance.cli.common import (
    EXIT_FAIL_ON,
    EXIT_OK,
    err_console,
    load_screener,
    parse_as_of,
    refuse_overwrite,
    user_errors,
)

_OUT_SUFFIXES = (".csv", ".jsonl", ".ndjson", ".json")
CHANGE_FIELDS = ("row_number", "shipment_id", "old_verdict", "new_verdict", "old_rule_ids", "new_rule_ids",
                 "added_rules", "removed_rules", "why", "shipment_decision")


def register(app: typer.Typer) -> None:
    @app.command(epilog="Example: compliance rescreen results.csv --out changes.csv --fail-on block")
    def rescreen(
        results: Path = typer.Argument(..., help="A result file written by compliance screen (csv, jsonl, json, "
                                       "xlsx, parquet), with its RESULT.meta.json when there is one."),
        out: str | None = typer.Option(None, "--out", "-o", help="Write the changed shipments here "
                                       "(.csv, .jsonl or .json)."),
        rules: Path | None = typer.Option(None, "--rules", help="Rule bundle directory (default: bundled rules/)."),
        lists: list[Path] | None = typer.Option(None, "--lists", help="Extra sanctions list file(s) to load."),
        jurisdiction: str | None = typer.Option(None, "--jurisdiction", "-j", help="Default: the earlier run's."),
        as_of: str | None = typer.Option(None, "--as-of", help="Judge rows without a date as of this date "
                                         "(default: the earlier run's as-of date, else its run date)."),
        mapping: list[str] | None = typer.Option(None, "--map", help="their_col=our_col (default: the earlier "
                                                 "run's mapping, from its metadata)."),
        mapping_file: Path | None = typer.Option(None, "--mapping", help="Column mapping file (YAML or CSV), as "
                                                 "given to screen."),
        db: Path | None = typer.Option(None, "--db", help="Audit store; default: the default store when it exists."),
        no_db: bool = typer.Option(False, "--no-db", help="Use no audit store."),
        fail_on: str | None = typer.Option(None, "--fail-on", help="Exit 1 when a changed row reaches "
                                           "block | review."),
        limit: int = typer.Option(50, "--limit", min=0, help="Rows shown in the table on stderr."),
    ) -> None:
        """Screen the shipments of an earlier result file again with the current rules and lists;
        report only those whose verdict changed, and why."""
        from compliance.audit import resolve_db, run_meta, shipment_decisions
        from compliance.audit.rescreen import rescreen as do_rescreen
        from compliance.audit.results import load_meta
        from compliance.audit.run import audit_run
        from compliance.io import parse_mapping

        if fail_on not in (None, "block", "review"):
            raise typer.BadParameter("--fail-on must be block or review")
        as_of_date = parse_as_of(as_of)
        refuse_overwrite([results], "--out", out)  # the changes would replace the results file
        if out and Path(out).suffix.lower() not in _OUT_SUFFIXES:
            raise typer.BadParameter(f"{out}: write the changes to a .csv, .jsonl or .json file", param_hint="--out")
        with user_errors():
            column_map = parse_mapping(mapping or [], mapping_file)
            old = load_meta(results) or {}
            j = jurisdiction or old.get("jurisdiction")
            db_path = resolve_db(False if no_db else db)
            screener = load_screener(rules, lists, j, as_of_date, db=db_path or False)
            meta = run_meta(screener, jurisdiction=j, as_of=as_of_date, files=[results],
                            column_map={**(old.get("column_map") or {}), **column_map}, db=db_path)
            audit = audit_run(db_path, "rescreen", meta)
            decisions = shipment_decisions(audit.store) if audit is not None else {}
            try:
                report = do_rescreen(screener, results, jurisdiction=j, as_of=as_of_date,
                                     quota_store=audit.ledger if audit else None, mapping=column_map,
                                     new_meta=meta, shipment_decisions=decisions,
                                     observe=audit.observe if audit else None)
            except BaseException:
                if audit is not None:
                    audit.abort()
                raise
            if out:
                _write(out, [c.record() for c in report.changed], report.version_changes)
            if audit is not None:
                audit.finish(output=out, extra={"results_file": str(results), "changed": len(report.changed),
                                                "version_changes": report.version_changes})
                audit.store.close()
        _render(report, limit)
        if fail_on and any(c.new_verdict == "BLOCK" or (fail_on == "review" and c.new_verdict == "REVIEW")
                           for c in report.changed):
            raise typer.Exit(EXIT_FAIL_ON)
        raise typer.Exit(EXIT_OK)


def _write(out: str, rows: list[dict[str, object]], notes: list[str]) -> None:
    from compliance.io import neutralise

    p = Path(out)
    p.parent.mkdir(parents=True, exist_ok=True)
    tmp = p.with_name(f".{p.name}.partial")
    with tmp.open("w", encoding="utf-8", newline="") as fh:
        if p.suffix.lower() == ".json":
            json.dump({"version_changes": notes, "changed": rows}, fh, ensure_ascii=False, indent=2)
        elif p.suffix.lower() in (".jsonl", ".ndjson"):
            for r in rows:
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
        else:
            w = csv.DictWriter(fh, fieldnames=list(CHANGE_FIELDS))
            w.writeheader()
            for r in rows:
                w.writerow({k: neutralise("" if r.get(k) is None else str(r.get(k))) for k in CHANGE_FIELDS})
    tmp.replace(p)


def _render(report: object, limit: int) -> None:
    from compliance.audit.rescreen import RescreenReport

    assert isinstance(report, RescreenReport)
    if report.version_changes:
        err_console.print("[bold]since the earlier run:[/] " + "; ".join(report.version_changes), highlight=False)
    else:
        err_console.print("[bold]since the earlier run:[/] same tool, rules and list versions", highlight=False)
    colour = {"BLOCK": "red", "REVIEW": "yellow", "CLEAR": "green", "ERROR": "magenta"}
    table = Table(title=f"rescreen {report.results_file}: {report.rows} rows, {len(report.changed)} verdict(s) "
                        "changed", title_justify="left")
    for col in ("row", "shipment", "old -> new", "why", "decision"):
        table.add_column(col, overflow="fold")
    for c in report.changed[:limit]:
        d = c.shipment_decision
        table.add_row(str(c.row_number or ""), c.shipment_id or "",
                      f"[{colour.get(c.old_verdict, 'white')}]{c.old_verdict}[/] -> "
                      f"[{colour.get(c.new_verdict, 'white')}]{c.new_verdict}[/]",
                      "; ".join(c.why)[:500], f"{d['kind']} #{d['id']} {d['reviewer']} {d['date']}" if d else "")
    if report.changed:
        err_console.print(table)
    else:
        err_console.print(f"rescreen {report.results_file}: {report.rows} rows, no verdict changed", highlight=False)
    if len(report.changed) > limit:
        err_console.print(f"... and {len(report.changed) - limit} more (see --out)", highlight=False)
