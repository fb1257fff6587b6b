"""CLI: ``compliance report`` — the HTML report and the Excel workbook of a result set."""

from __future__ import annotations

from pathlib import Path

import typer

from compliance.cli.common import EXIT_OK, EXIT_USAGE, err_console, refuse_overwrite, user_errors


def register(app: typer.Typer) -> None:
    """Add the report command to the app."""

    @app.command(epilog="Example: compliance report results.csv --html report.html --xlsx results.xlsx")
    def report(
        results: Path = typer.Argument(..., help="Output of `compliance screen` (csv, jsonl, json, xlsx, parquet)."),
        html: Path | None = typer.Option(None, "--html", help="Write the self-contained HTML report here."),
        xlsx: Path | None = typer.Option(None, "--xlsx", help="Write the Excel workbook here (Summary + one sheet "
                                         "per verdict)."),
        meta: Path | None = typer.Option(None, "--meta", help="Provenance file (default: RESULTS.meta.json beside "
                                         "the results, or the provenance embedded in json output)."),
        mapping: list[str] | None = typer.Option(None, "--map", help="The results' input column for a contract "
                                                 "column: their_col=our_col (as given to screen)."),
        mapping_file: Path | None = typer.Option(None, "--mapping", help="Column mapping file (as given to screen)."),
        title: str | None = typer.Option(None, "--title", help="Report title."),
        max_rows: int = typer.Option(10_000, "--max-rows", min=0, help="Most BLOCK/REVIEW/ERROR rows listed in the "
                                     "HTML table (counts and charts always cover every row)."),
        quiet: bool = typer.Option(False, "--quiet", "-q", help="Print nothing on success."),
    ) -> None:
        """Render a result set for people: an HTML report (offline, one file) and/or an xlsx workbook.

        Verdicts and findings are shown as the results recorded them; nothing is re-screened.
        """
        from compliance.io import parse_mapping
        from compliance.report import build_report

        if html is None and xlsx is None:
            err_console.print("[bold red]error:[/] nothing to write: give --html FILE and/or --xlsx FILE",
                              highlight=False)
            raise typer.Exit(EXIT_USAGE)
        refuse_overwrite([results], "--html", html)
        refuse_overwrite([results], "--xlsx", xlsx)
        with user_errors():
            column_map = parse_mapping(mapping or [], mapping_file)
            outcome = build_report(results, html=html, xlsx=xlsx, meta=meta, mapping=column_map,
                                   max_rows=max_rows, title=title)
        if not quiet:
            t = outcome.tally
            counts = "  ".join(f"{v} {t.verdicts.get(v, 0)}" for v in ("BLOCK", "REVIEW", "CLEAR", "ERROR"))
            err_console.print(f"{results}: {t.rows} rows  {counts}", highlight=False, markup=False)
            if outcome.meta_source is None:
                err_console.print("warning: no provenance found beside the results (RESULTS.meta.json): "
                                  "the report cannot name the rules and list versions", highlight=False, markup=False)
            if t.truncated and html is not None:
                err_console.print(f"note: the HTML table lists the first {len(t.flagged)} of {t.flagged_total} "
                                  "flagged rows (--max-rows)", highlight=False, markup=False)
            for path in outcome.written:
                err_console.print(f"wrote {path}", highlight=False, markup=False)
        raise typer.Exit(EXIT_OK)
