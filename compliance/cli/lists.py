"""CLI: ``compliance lists import | status | show | remove``."""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from compliance.cli.common import EXIT_USAGE, err_console, user_errors
from compliance.lists.model import ListInfo

lists_app = typer.Typer(help="Import and inspect sanctions lists.", no_args_is_help=True,
                        epilog="Example: compliance lists import ../shared/data/ofac/sdn_2024-05/sdn.csv")
console = Console()


@lists_app.command("import", epilog="Example: compliance lists import ../shared/data/ofac/sdn_2024-05/sdn.csv")
def import_cmd(
    path: Path = typer.Argument(..., help="The list file (OFAC sdn.csv/sdn.xml/sdn_advanced.xml/SDN_ENHANCED.XML "
                                         "or their .zip, UN XML, EU FSF XML/CSV, UK ODS/XLSX/CSV/XML, US CSL "
                                         "CSV/JSON, BIS DPL, OpenSanctions FtM JSON/simple CSV/Senzing, or a YAML "
                                         "list in the curated format)."),
    format: str | None = typer.Option(None, "--format", help="Format (default: detected from the content)."),
    name: str | None = typer.Option(None, "--name", help="Store under this list name (default: the format's)."),
    force: bool = typer.Option(False, "--force", help="Replace a stored list even if this file is older or has "
                                                      "fewer than half its entries."),
) -> None:
    """Read a list file and keep it: every later screening uses it. A failed import keeps the old list."""
    from compliance.lists import import_list

    started = dt.datetime.now(dt.UTC)
    # The warnings are printed below, once, with the result: not also as log lines while reading.
    lists_log = logging.getLogger("compliance.lists")
    level = lists_log.level
    lists_log.setLevel(logging.ERROR)
    try:
        with user_errors():
            info = import_list(path, format.strip().lower() if format else None, name=name, force=force)
    finally:
        lists_log.setLevel(level)
    fresh = info.imported_at is not None and info.imported_at >= started
    if fresh:
        err_console.print(f"imported {info.name} ({info.format}): {info.entries} entries", highlight=False)
    else:
        when = info.imported_at.isoformat(timespec="seconds") if info.imported_at else "earlier"
        err_console.print(f"unchanged: {info.name} ({info.format}) already holds this file (imported {when}): "
                          f"{info.entries} entries", highlight=False)
    for line in describe(info):
        err_console.print(f"  {escape(line)}", highlight=False)
    if info.warnings:
        err_console.print(f"  [yellow]{len(info.warnings)} warning{'s' if len(info.warnings) > 1 else ''}:[/]")
    for w in info.warnings[:10]:
        err_console.print(f"    - {escape(w)}", highlight=False)
    if len(info.warnings) > 10:
        err_console.print(f"    ... and {len(info.warnings) - 10} more (compliance lists status --json)")


def _when(info: ListInfo, both: str) -> str:
    """Version and date, the date only where it says more than the version ('2021-07' is not
    given a day it does not have, '2026-02-27T00:00:09Z' is not repeated)."""
    v, d = info.version or "", info.date.isoformat() if info.date else ""
    if not d or v.startswith(d) or d.startswith(v) and v:
        return v or d
    return both.format(v=v, d=d) if v else d


def _version(info: ListInfo) -> str:
    """The list's version and date, and where they come from: a date guessed from a folder or
    file name is only as good as the name, and a list with none cannot be told from an older one."""
    if not info.version and not info.date:
        return "unknown: the file states no date (a newer or older copy cannot be told apart)"
    text = _when(info, "{v}, dated {d}")
    if info.date_source == "file":
        return f"{text} (stated in the file)"
    if info.date_source:
        return f"{text} (taken from the {info.date_source}: the file states no date)"
    return text


def describe(info: ListInfo) -> list[str]:
    """The lines telling a user what a list is: source file(s), version and date, checksum."""
    files = [Path(f).name for f in info.files[1:]]
    source = (info.path or "bundled with the program") + (f" (read with {', '.join(files)})" if files else "")
    return [f"source:  {source}", f"version: {_version(info)}", f"sha256:  {info.sha256 or 'unknown'}"]


@lists_app.command("status", epilog="Example: compliance lists status --json")
def status(as_json: bool = typer.Option(False, "--json", help="JSON output.")) -> None:
    """The lists every screening uses: name, format, version, entries, checksum, import time."""
    from compliance.lists import list_status

    with user_errors():
        infos = list_status()
    if as_json:
        typer.echo(json.dumps([i.model_dump(mode="json") for i in infos], indent=2))
        return
    columns = ("name", "format", "version / date", "entries", "sha256", "imported at", "warnings")
    rows = []
    for i in infos:
        when = _when(i, "{v} ({d})") or "unknown"
        if i.date_source and i.date_source != "file":
            when += f" (from the {i.date_source})"
        rows.append((i.name, i.format, when, str(i.entries), (i.sha256 or "")[:12],
                     i.imported_at.isoformat(timespec="seconds") if i.imported_at else "bundled",
                     str(len(i.warnings)) if i.warnings else ""))
    if not console.is_terminal:
        # Piped or logged: one tab-separated line per list, names and versions whole (an
        # 80-column table folds "curated-belarus" over two lines).
        typer.echo("\t".join(columns))
        for row in rows:
            typer.echo("\t".join(row))
    else:
        table = Table(title="sanctions lists", title_justify="left")
        for col in columns:
            table.add_column(col, overflow="fold")
        for row in rows:
            table.add_row(*row)
        console.print(table)
    for i in infos:
        if i.path:
            console.print(f"{i.name}: {escape(describe(i)[0].removeprefix('source:  '))}", soft_wrap=True,
                          highlight=False)
    if any(i.warnings for i in infos):
        console.print("warnings: compliance lists status --json shows them", highlight=False)


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
