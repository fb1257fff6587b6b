"""The ``compliance`` command line: a thin typer adapter over the library.

Each command family lives in its own module with a ``register(app)`` function, so the
commands stay a few lines each and the modules do not collide.
"""

from __future__ import annotations

import logging

import typer

from compliance import __version__
from compliance.settings import LOG_LEVEL

app = typer.Typer(
    name="compliance",
    help="Export-control compliance checker for the Belarus sanctions regime.\n\n"
    "Example: compliance screen sample_shipments/weekly_batch.csv --out results.csv",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"compliance {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log progress and decisions to stderr."),
) -> None:
    logging.basicConfig(level=logging.INFO if verbose else getattr(logging, LOG_LEVEL, logging.WARNING),
                        format="%(levelname)s %(name)s: %(message)s")


from compliance.cli import (  # noqa: E402  (registration order = help order)
    decide,
    lists,
    match,
    report,
    rescreen,
    rules,
    screen,
    serve,
)

for _module in (screen, match, rules, lists, report, serve, decide, rescreen):
    _module.register(app)


def main() -> None:
    import sys

    if sys.stderr.isatty():
        app()
        return
    # Piped or logged stderr (a customs system calling the tool): usage errors as plain click
    # lines ("Error: Invalid value for '--fail-on': ..."), not a box of rich drawing characters
    # that wraps the message at 80 columns.
    command = typer.main.get_command(app)
    command.rich_markup_mode = None  # type: ignore[attr-defined]
    command()
