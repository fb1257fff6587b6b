"""CLI: ``compliance match NAME`` — one name against every loaded list, with the explanation."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from compliance.cli.common import load_screener, user_errors

console = Console()


def match(
    name: str = typer.Argument(..., help="Party name in any script, e.g. 'ОАО Беларуськалий'."),
    country: str | None = typer.Option(None, "--country", help="The party's country (code or name)."),
    limit: int = typer.Option(10, "--limit", min=1, max=100, help="Most matches to show."),
    as_json: bool = typer.Option(False, "--json", help="JSON output."),
    lists: list[Path] | None = typer.Option(None, "--lists", help="Extra sanctions list file(s) to load."),
) -> None:
    """Match one party name against the curated and imported sanctions lists."""
    from compliance.countries import UnknownCountry, resolve_country

    if not name.strip():
        raise typer.BadParameter("give a party name, e.g. 'JSC Belaruskali'", param_hint="NAME")
    try:
        cc = resolve_country(country) if country else None
    except UnknownCountry as bad:
        raise typer.BadParameter(str(bad), param_hint="--country") from None
    with user_errors():
        screener = load_screener(None, lists, None)
        if country and cc is None:
            raise typer.BadParameter(f"unknown country {country!r}", param_hint="--country")
        matches = screener.match(name, country=cc, limit=limit)
    if as_json:
        out = []
        for m in matches:
            # list_entry_id: the key a party finding gives the same entity, so both can be joined.
            item = {**m.model_dump(mode="json"), "list_entry_id": m.entity_id}
            e = screener.entities.get(m.entity_id)
            if e is not None:
                item["listings"] = [x.model_dump(mode="json", exclude_none=True) for x in e.listings]
            out.append(item)
        typer.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    if not matches:
        console.print(f"no match for {name!r} at or above the review threshold")
        return
    table = Table(title=f"matches for {name!r}", title_justify="left")
    for col in ("score", "matched name", "entity", "list", "listings", "why"):
        table.add_column(col, overflow="fold")
    for m in matches:
        e = screener.entities.get(m.entity_id)
        listings = ", ".join(f"{x.regime}{'' if x.confidence == 'confirmed' else '?'}" for x in e.listings) if e else ""
        table.add_row(f"{m.score:.2f}", m.matched_name, f"{m.entity_name} [{m.entity_id}]", m.list_name, listings,
                      m.explanation)
    console.print(table)


def register(app: typer.Typer) -> None:
    app.command("match", epilog="Example: compliance match 'JSC Belaruskali' --country BY")(match)
