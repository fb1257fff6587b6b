"""CLI: ``compliance lists import | status | show | remove``."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from compliance.cli.common import EXIT_USAGE, err_console, user_errors

lists_app = typer.Typer(help="Import and inspect sanctions lists.", no_args_is_help=True,
                        epilog="Example: compliance lists import ../shared/data/ofac/sdn_2024-05/sdn.csv")
console = Console()


@lists_app.command("import", epilog="Example: compliance lists import ../shared/data/ofac/sdn_2024-05/sdn.csv")
def import_cmd(
    path: Path = typer.Argument(..., help="The list file (OFAC sdn.csv/sdn.xml/sdn_advanced.xml, UN XML, EU FSF "
                                         "XML/CSV, UK ODS/XLSX/CSV, OpenSanctions FtM JSON, or a YAML list in the "
                                         "curated format)."),
    format: str | None = typer.Option(None, "--format", help="Format (default: detected from the content)."),
    name: str | None = typer.Option(None, "--name", help="Store under this list name (default: the format's)."),
    force: bool = typer.Option(False, "--force", help="Replace a stored list even if this file is older."),
) -> None:
    """Read a list file and keep it: every later screening uses it. A failed import keeps the old list."""
    from compliance.lists import import_list

    started = dt.datetime.now(dt.UTC)
    with user_errors():
        info = import_list(path, format, name=name, force=force)
    fresh = info.imported_at is not None and info.imported_at >= started
    verb = "imported" if fresh else "unchanged (same file already imported)"
    err_console.print(f"{verb} {info.name} ({info.format}): {info.entries} entries, version "
                      f"{info.version or info.date or 'unknown'}, sha256 {(info.sha256 or '')[:12]}")
    for w in info.warnings[:10]:
        err_console.print(f"[yellow]warning:[/] {w}")
    if len(info.warnings) > 10:
        err_console.print(f"[yellow]warning:[/] ... and {len(info.warnings) - 10} more")


@lists_app.command("status", epilog="Example: compliance lists status --json")
def status(as_json: bool = typer.Option(False, "--json", help="JSON output.")) -> None:
    """The lists every screening uses: name, format, version, entries, checksum, import time."""
    from compliance.lists import list_status

    with user_errors():
        infos = list_status()
    if as_json:
        typer.echo(json.dumps([i.model_dump(mode="json") for i in infos], indent=2))
        return
    table = Table(title="sanctions lists", title_justify="left")
    for col in ("name", "format", "version / date", "entries", "sha256", "imported at"):
        table.add_column(col, overflow="fold")
    for i in infos:
        when = i.version or (i.date.isoformat() if i.date else "unknown")
        if i.date_source and i.date_source != "file":
            when += f" (from {i.date_source})"
        table.add_row(i.name, i.format, when, str(i.entries), (i.sha256 or "")[:12],
                      i.imported_at.isoformat(timespec="seconds") if i.imported_at else "bundled")
    console.print(table)
    if any(i.path for i in infos):
        console.print("files: " + "; ".join(f"{i.name} = {i.path}" for i in infos if i.path), soft_wrap=True)


@lists_app.command("show", epilog="Example: compliance lists show curated:belaruskali")
def show(entity_id: str = typer.Argument(..., help="Entity id, as in a finding's list_entry_id.")) -> None:
    """Show one listed entity with its names and listings."""
    from compliance.lists import imported_lists, load_curated

    with user_errors():
        for lst in [load_curated(), *imported_lists()]:
            for e in lst.entities:
                if e.id == entity_id:
                    typer.echo(json.dumps(e.model_dump(mode="json", exclude_none=True, exclude={"raw"}),
                                          ensure_ascii=False, indent=2))
                    return
    err_console.print(f"[red]error:[/] no entity {entity_id!r} in the loaded lists")
    raise typer.Exit(EXIT_USAGE)


@lists_app.command("remove", epilog="Example: compliance lists remove ofac-sdn")
def remove(name: str = typer.Argument(..., help="Imported list name (see lists status).")) -> None:
    """Remove an imported list from the store."""
    from compliance.lists import remove_list

    with user_errors():
        remove_list(name)
    err_console.print(f"removed {name}")


def register(app: typer.Typer) -> None:
    app.add_typer(lists_app, name="lists")
