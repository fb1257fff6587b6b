"""CLI: ``compliance rules list | show RULE_ID | validate DIR``."""

from __future__ import annotations

import json
from pathlib import Path

import typer
import yaml
from rich.console import Console
from rich.table import Table

from compliance.cli.common import EXIT_USAGE, err_console, user_errors
from compliance.hs import format_hs
from compliance.rules.loader import load_bundle

rules_app = typer.Typer(help="Inspect and validate the rule bundle.", no_args_is_help=True,
                        epilog="Example: compliance rules show BY-SECT-POTASH")
console = Console()


@rules_app.command("list", epilog="Example: compliance rules list --family sector")
def list_rules(
    rules: Path | None = typer.Option(None, "--rules", help="Rule bundle directory (default: bundled)."),
    family: str | None = typer.Option(None, "--family", help="Only this family (sector, dual_use, ...)."),
    as_json: bool = typer.Option(False, "--json", help="JSON output."),
) -> None:
    """List the rules of the bundle: id, family, severity, regime, dates, confidence."""
    with user_errors():
        bundle = load_bundle(rules)
    items = [r for r in bundle.rules if family in (None, r.family.value)]
    if as_json:
        typer.echo(json.dumps([r.model_dump(mode="json", exclude={"goods"}) for r in items], indent=2,
                              ensure_ascii=False))
        return
    columns = ("id", "family", "kind", "severity", "regime", "in force", "confidence", "codes")
    rows = [(r.id, r.family.value, r.kind, r.severity.value, r.regime, f"{r.valid_from}…{r.valid_to or ''}",
             r.confidence, str(len(bundle.goods.get(r.id, [])))) for r in items]
    if not console.is_terminal:
        # Piped into grep, a file or a script: one tab-separated line per rule, nothing cut
        # (an 80-column table would shorten the ids to "BY-SECT…").
        typer.echo("\t".join(columns))
        for row in rows:
            typer.echo("\t".join(str(x) for x in row))
        return
    table = Table(title=f"rules {bundle.info.name} {bundle.version} ({len(items)} rules)", title_justify="left")
    for col in columns:
        table.add_column(col, no_wrap=col == "id")
    for row in rows:
        table.add_row(*row)
    console.print(table)


@rules_app.command("show", epilog="Example: compliance rules show BY-SECT-POTASH")
def show_rule(
    rule_id: str = typer.Argument(..., help="Rule id, e.g. BY-SECT-POTASH."),
    rules: Path | None = typer.Option(None, "--rules", help="Rule bundle directory (default: bundled)."),
) -> None:
    """Show one rule in full: legal basis, source, rationale and its codes."""
    with user_errors():
        bundle = load_bundle(rules)
    rule = bundle.get(rule_id.upper())
    if rule is None:
        close = [r.id for r in bundle.rules if rule_id.upper().split("-")[-1] in r.id]
        err_console.print(f"[red]error:[/] no rule {rule_id!r}" + (f"; did you mean {', '.join(close)}?" if close else ""))
        raise typer.Exit(EXIT_USAGE)
    data = rule.model_dump(mode="json", exclude_none=True, exclude={"goods"})
    data["file"] = bundle.files.get(rule.id)
    goods = bundle.goods.get(rule.id, [])
    if goods:
        data["goods"] = [
            " ".join(x for x in (format_hs(g.code), "(ex)" if g.ex else "", f"[{g.confidence}]" if g.confidence else "",
                                 f"from {g.valid_from}" if g.valid_from else "", f"- {g.note}" if g.note else "") if x)
            for g in goods]
    typer.echo(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100))


@rules_app.command("validate", epilog="Example: compliance rules validate rules/")
def validate(directory: Path = typer.Argument(..., help="Rule bundle directory to check.")) -> None:
    """Validate a rule bundle; errors name the file, line and field. Exit 2 when invalid."""
    with user_errors():
        bundle = load_bundle(directory)
    n_codes = sum(len(g) for g in bundle.goods.values())
    typer.echo(f"OK: {bundle.info.name} {bundle.version}: {len(bundle.rules)} rules, {n_codes} codes, "
               f"sha256 {bundle.sha256[:16]}")


def register(app: typer.Typer) -> None:
    app.add_typer(rules_app, name="rules")
