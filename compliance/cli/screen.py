"""CLI: ``compliance screen`` — batch-check shipment files."""

from __future__ import annotations

import gc
import shutil
import sys
import tempfile
from collections import Counter
from functools import partial
from pathlib import Path

import typer
from rich.progress import BarColumn, Progress, ProgressColumn, Task, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.text import Text

from compliance.cli.common import (
    EXIT_FAIL_ON,
    EXIT_OK,
    EXIT_USAGE,
    RepeatedListsCommand,
    err_console,
    load_screener,
    parse_as_of,
    refuse_overwrite,
    user_errors,
)
from compliance.engine import BatchSummary, Rendered, run_batch
from compliance.exc import ComplianceError
from compliance.io import ResultWriter
from compliance.models import ScreeningResult
from compliance.report import terminal
from compliance.report.terminal import RuleKey, count_rules


def _format_for(out: str | None, fmt: str | None) -> str:
    from compliance.exc import InputFileError
    from compliance.io import format_for

    try:
        return format_for(out, fmt)
    except InputFileError as e:
        raise typer.BadParameter(str(e), param_hint="--format") from None


class _RateColumn(ProgressColumn):
    """Rows per second so far."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:,.0f} rows/s" if speed else "… rows/s", style="progress.data.speed")


def estimate_rows(path: str, fmt: str) -> int | None:
    """How many rows a file has, quickly (for the ETA): line count of a CSV/JSONL file, the
    row count in a Parquet footer; None when it cannot be known cheaply (stdin, XLSX)."""
    p = Path(path)
    try:
        if path == "-" or not p.is_file():
            return None
        if fmt == "parquet":
            import pyarrow.parquet as pq

            return int(pq.ParquetFile(p).metadata.num_rows)
        if fmt not in ("csv", "jsonl"):
            return None
        lines = 0
        last = b""
        with p.open("rb") as fh:
            while block := fh.read(1 << 20):
                lines += block.count(b"\n")
                last = block
        if last and not last.endswith(b"\n"):
            lines += 1
        return max(0, lines - (1 if fmt == "csv" else 0))  # quoted line breaks make it an estimate
    except Exception:  # noqa: BLE001 - an estimate is optional
        return None


def _binary_spool(out: str | None, fmt: str) -> str | None:
    """A temporary file for xlsx/parquet results bound for stdout, when stdout is not a terminal."""
    if out not in (None, "-") or fmt not in ("xlsx", "parquet") or sys.stdout.isatty():
        return None
    return str(Path(tempfile.mkdtemp(prefix="compliance-")) / f"results.{fmt}")


def _copy_to_stdout(path: str) -> None:
    """The finished file's bytes to stdout (its .meta.json stays behind: stdout carries one file)."""
    try:
        sys.stdout.flush()
        with open(path, "rb") as fh:
            shutil.copyfileobj(fh, sys.stdout.buffer)
        sys.stdout.buffer.flush()
    finally:
        shutil.rmtree(Path(path).parent, ignore_errors=True)


def render_flagged(flagged: list[ScreeningResult], limit: int) -> None:
    """The first flagged rows with their reasons: what a reviewer looks at first."""
    terminal.render_flagged(err_console, flagged, limit)


def render_summary(summary: BatchSummary, files: list[str], rules: Counter[RuleKey] | None = None) -> None:
    """Counts per verdict, time and top rules: rich tables on a terminal, plain lines otherwise."""
    terminal.render_summary(err_console, summary, files, rules)


class _Renderer:
    """Rows rendered by worker processes (``compliance.engine.Renderer``): written as they are,
    their rules counted for the summary."""

    def __init__(self, writer: ResultWriter, rules: Counter[RuleKey] | None) -> None:
        self.writer = writer
        self.rules = rules

    def render(self, results: list[ScreeningResult]) -> tuple[str, int]:
        return self.writer.render(results)

    def take(self, part: Rendered) -> None:
        self.writer.write_text(part.text, part.rows)
        if self.rules is not None:
            self.rules.update(part.rules)


def register(app: typer.Typer) -> None:
    @app.command(cls=RepeatedListsCommand, epilog="Example: compliance screen sample_shipments/weekly_batch.csv --out results.csv "
                        "--fail-on block")
    def screen(
        files: list[Path] = typer.Argument(..., help="Shipment files: CSV, JSONL, JSON, XLSX or Parquet ('-' = stdin)."),
        out: str | None = typer.Option(None, "--out", "-o", help="Output file (default: stdout; xlsx and "
                                        "parquet only when stdout is a pipe or a file)."),
        fmt: str | None = typer.Option(None, "--format", "-f", help="csv | jsonl | json | xlsx | parquet "
                                       "(default: from --out's extension, else csv)."),
        rules: Path | None = typer.Option(None, "--rules", help="Rule bundle directory (default: bundled rules/)."),
        lists: list[Path] | None = typer.Option(None, "--lists", help="Extra sanctions list file(s) to load "
                                                  "(after the input files: --lists A B, or repeat --lists)."),
        jurisdiction: str = typer.Option("EU", "--jurisdiction", "-j", help="EU | US | UK | LT: whose rules bind."),
        as_of: str | None = typer.Option(None, "--as-of", help="Judge rows without a date as of this date "
                                         "(default: today)."),
        engine: str = typer.Option("local", "--engine", help="local | dask"),
        scheduler: str | None = typer.Option(None, "--scheduler", help="Dask scheduler address (with --engine dask)."),
        fail_on: str | None = typer.Option(None, "--fail-on", help="Exit 1 when a row reaches block | review "
                                       "(review: also an ERROR row, which was not screened)."),
        encoding: str | None = typer.Option(None, "--encoding", help="Force the input encoding (e.g. cp1251)."),
        delimiter: str | None = typer.Option(None, "--delimiter", help="Force the CSV delimiter (e.g. ';')."),
        mapping: list[str] | None = typer.Option(None, "--map", help="Rename a column: their_col=our_col (repeatable)."),
        mapping_file: Path | None = typer.Option(None, "--mapping", help="Column mapping file (YAML or CSV)."),
        chunk_size: int = typer.Option(20_000, "--chunk-size", min=1, help="Rows per chunk (memory bound)."),
        workers: int | None = typer.Option(None, "--workers", min=0, show_default=False,
                                           help="Local engine: screen chunks in N processes (0: one per core); "
                                           "same output as one. Default: one process, and from the second "
                                           "chunk on one per core (at most 3) when the machine has a core "
                                           "to spare."),
        quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar or summary."),
        top: int = typer.Option(0, "--top", min=0, help="After the summary, show the first N flagged rows."),
        db: Path | None = typer.Option(None, "--db", help="Audit store (decisions, quota ledger, log); default: "
                                       "the default store when it exists."),
        no_db: bool = typer.Option(False, "--no-db", help="Use no audit store: no decisions, ledger or log."),
    ) -> None:
        """Screen shipment files and write one result row per input row, in input order."""
        from compliance.audit import resolve_db, run_meta
        from compliance.audit.run import audit_run
        from compliance.io import open_input, parse_mapping

        # Choice values as written in the contract, in any case: a script that passes the verdict
        # it fails on (--fail-on BLOCK) or --format CSV means the same thing.
        fail_on = fail_on.strip().lower() if fail_on else None
        engine = engine.strip().lower()
        fmt = fmt.strip().lower() if fmt else None
        if fail_on not in (None, "block", "review"):
            raise typer.BadParameter("--fail-on must be block or review")
        if engine not in ("local", "dask"):
            raise typer.BadParameter("--engine must be local or dask")
        out_format = _format_for(out, fmt)
        refuse_overwrite(files, "--out", out)  # the results would replace the shipments they came from
        as_of_date = parse_as_of(as_of)
        with user_errors():
            column_map = parse_mapping(mapping or [], mapping_file)
            db_path = resolve_db(False if no_db else db)
            screener = load_screener(rules, lists, jurisdiction, as_of_date, db=db_path or False)
            tables = [open_input(f, encoding=encoding, delimiter=delimiter, mapping=column_map) for f in files]
            audit = audit_run(db_path, "screen", run_meta(screener, jurisdiction=jurisdiction, as_of=as_of_date,
                                                          files=files, column_map=column_map, db=db_path))
        # The loaded rules, lists and name index live for the whole run: keep the garbage
        # collector from walking them again and again while millions of rows stream past.
        gc.freeze()
        if len(tables) > 1:
            # row_number restarts in each file: a column says which file a result row came from.
            tag = "source_file" if not any("source_file" in t.columns for t in tables) else "compliance_source_file"
            for t, f in zip(tables, files, strict=True):
                t.tag_source(tag, str(f))
        columns: list[str] = []
        for t in tables:
            columns = list(dict.fromkeys([*columns, *t.columns]))  # linear: a header may have 50,000 columns
            if {"verdict", "row_number", "findings"} <= set(t.columns):
                # A results file given where shipments are expected: it screens (its input columns are
                # echoed), but the old result columns are overwritten; say so rather than stay silent.
                t.warnings.append(f"{t.path}: this is a results file of compliance screen (verdict, findings "
                                  "columns): its shipments are screened again and the old result columns "
                                  "replaced; to see what changed since, use compliance rescreen")
        if len(tables) > 1:  # the tag after every file's own columns
            columns = [*(c for c in columns if c != tag), tag]
        total = BatchSummary()
        flagged: list[ScreeningResult] = []
        rule_counts: Counter[RuleKey] = Counter()

        def write(results: list[ScreeningResult]) -> None:
            if not quiet:
                count_rules(results, rule_counts)
            if top and len(flagged) < top:
                flagged.extend(r for r in results if r.verdict.value != "CLEAR")
            writer.write(results)
            if audit is not None:
                audit.observe(results)

        show_progress = not quiet and sys.stderr.isatty()
        # xlsx and parquet to a pipe (`screen x.csv --format parquet > r.parquet`): written to a
        # temporary file, then copied to stdout whole; on a terminal they stay refused (binary).
        spool = _binary_spool(out, out_format)
        with user_errors():  # an --out that is a directory or not writable: exit 2, one line
            writer = ResultWriter(spool or out, out_format, columns, meta=audit.meta if audit is not None else
                                  run_meta(screener, jurisdiction=jurisdiction, as_of=as_of_date, files=files,
                                           column_map=column_map))
        # Worker processes send back their rows as output text (and counts) rather than results,
        # when nothing here needs the results themselves (the audit log, --top).
        renderer = _Renderer(writer, None if quiet else rule_counts) \
            if writer.renders and audit is None and not top else None
        try:
            with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed:,} rows"),
                          _RateColumn(), TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
                          console=err_console, disable=not show_progress, transient=True) as progress:
                for table in tables:
                    expected = estimate_rows(table.path, table.format) if show_progress else None
                    task = progress.add_task(f"screening {table.path}", total=expected)
                    advance = partial(progress.advance, task)
                    with table:
                        if engine == "dask":
                            from compliance.dask_engine import run_dask

                            summary = run_dask(screener, table, write, jurisdiction=jurisdiction,
                                               as_of=as_of_date, scheduler=scheduler, chunk_size=chunk_size,
                                               quota_store=audit.ledger if audit is not None else None,
                                               progress=advance)
                        else:
                            summary = run_batch(screener, table.chunks(chunk_size), write,
                                                jurisdiction=jurisdiction, as_of=as_of_date,
                                                quota_store=audit.ledger if audit is not None else None,
                                                progress=advance, workers=workers, renderer=renderer)
                    progress.update(task, total=summary.rows, completed=summary.rows)
                    total.rows += summary.rows
                    total.counts.update(summary.counts)
                    total.seconds += summary.seconds
                    total.errors.extend(summary.errors[: max(0, total.max_messages - len(total.errors))])
                    total.warnings.extend(table.warnings)
            writer.close()
            if spool is not None:
                _copy_to_stdout(spool)
            if audit is not None:
                with user_errors():
                    audit.finish(output=out)
                    audit.store.close()
        except BaseException as exc:
            writer.abort()
            if spool is not None:
                shutil.rmtree(Path(spool).parent, ignore_errors=True)
            if audit is not None:
                audit.abort()
            if isinstance(exc, ComplianceError):
                err_console.print(f"[bold red]error:[/] {exc}", highlight=False)
                raise typer.Exit(EXIT_USAGE) from None
            raise
        if not quiet:
            render_summary(total, [str(f) for f in files], rule_counts)
            render_flagged(flagged, top)
        if fail_on == "block" and total.counts.get("BLOCK"):
            raise typer.Exit(EXIT_FAIL_ON)
        # An ERROR row was not screened: a person must look at it as at a REVIEW row, so a
        # `--fail-on review` gate does not let a batch of unreadable rows through.
        if fail_on == "review" and (total.counts.get("BLOCK") or total.counts.get("REVIEW")
                                    or total.counts.get("ERROR")):
            raise typer.Exit(EXIT_FAIL_ON)
        raise typer.Exit(EXIT_OK)


__all__ = ["register", "EXIT_USAGE"]
