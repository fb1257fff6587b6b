"""The summary ``compliance screen`` prints on stderr: rich tables on a terminal, plain lines otherwise.

Plain output (no colour codes, no box drawing) when stderr is not a terminal: a CI log, a
pipe or a file gets lines a grep can read.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table
from rich.text import Text

from compliance.report.stats import VERDICT_ORDER

if TYPE_CHECKING:
    from compliance.engine import BatchSummary
    from compliance.models import ScreeningResult

RuleKey = tuple[str, str, str]  # (rule_id, family, severity)
TOP_RULES = 8
_STYLE = {"BLOCK": "bold red", "REVIEW": "yellow", "CLEAR": "green", "ERROR": "magenta"}


def count_rules(results: Iterable[ScreeningResult], counter: Counter[RuleKey]) -> None:
    """Rows per rule (a rule counted once per row), for the summary's top rules."""
    for r in results:
        counter.update({(f.rule_id, f.family.value, f.severity.value) for f in r.findings})


def _plain(console: Console, plain: bool | None) -> bool:
    return (not console.is_terminal) if plain is None else plain


def _line(console: Console, text: str) -> None:
    console.print(text, markup=False, highlight=False, soft_wrap=True)


def render_summary(console: Console, summary: BatchSummary, files: Sequence[str],
                   rules: Counter[RuleKey] | None = None, *, plain: bool | None = None) -> None:
    """Rows and verdict counts, time, the rules that fired most, warnings and unreadable rows."""
    d = summary.as_dict()
    rate = f" ({summary.rows / summary.seconds:,.0f} rows/s)" if summary.seconds > 0 and summary.rows else ""
    top = (rules or Counter()).most_common(TOP_RULES)
    if _plain(console, plain):
        _line(console, f"compliance screen: {', '.join(files)}")
        _line(console, f"rows {d['rows']} | " + " | ".join(f"{v} {d[v]}" for v in ("BLOCK", "REVIEW", "CLEAR", "ERROR"))
              + f" | time {summary.seconds:.2f}s{rate}")
        if top:
            _line(console, "top rules (rows):")
            for (rule_id, family, severity), n in top:
                _line(console, f"  {rule_id:<28} {n:>7}  {family}/{severity}")
        for w in summary.warnings[:20]:
            _line(console, f"warning: {w}")
        if summary.errors:
            _line(console, f"{d['ERROR']} row(s) could not be screened (first {len(summary.errors)}):")
            for e in summary.errors:
                _line(console, f"  {e}")
        return
    table = Table(title=f"compliance screen: {', '.join(files)}", title_justify="left")
    for col in ("rows", "BLOCK", "REVIEW", "CLEAR", "ERROR", "time"):
        table.add_column(col, justify="right")
    table.add_row(str(d["rows"]), *(Text(str(d[v]), style=_STYLE[v]) for v in ("BLOCK", "REVIEW", "CLEAR", "ERROR")),
                  f"{summary.seconds:.2f}s{rate}")
    console.print(table)
    if top:
        rt = Table(title="top rules", title_justify="left")
        rt.add_column("rule")
        rt.add_column("rows", justify="right")
        rt.add_column("family")
        rt.add_column("severity")
        sev_style = {"block": "red", "review": "yellow", "info": "blue"}
        for (rule_id, family, severity), n in top:
            rt.add_row(Text(rule_id), str(n), Text(family), Text(severity, style=sev_style.get(severity, "")))
        console.print(rt)
    for w in summary.warnings[:20]:
        console.print(Text.assemble(("warning: ", "yellow"), w))
    if summary.errors:
        console.print(Text(f"{d['ERROR']} row(s) could not be screened (first {len(summary.errors)}):", style="magenta"))
        for e in summary.errors:
            console.print(Text(f"  {e}"))


def render_flagged(console: Console, flagged: Sequence[ScreeningResult], limit: int, *,
                   plain: bool | None = None) -> None:
    """The first flagged rows with their reasons: what a reviewer looks at first."""
    if not flagged or limit <= 0:
        return
    rows = []
    for r in flagged[:limit]:
        reason = r.error if r.error else (r.findings[0].message if r.findings else "")
        rows.append((str(r.row_number), r.shipment_id or "", r.verdict.value, ";".join(dict.fromkeys(r.rule_ids)),
                     reason[:300]))
    title = f"first {len(rows)} flagged rows"
    if _plain(console, plain):
        _line(console, title + ":")
        for row_number, sid, verdict, rule_ids, reason in rows:
            _line(console, f"  row {row_number}  {sid}  {verdict}  {rule_ids}  {reason}")
        return
    table = Table(title=title, title_justify="left")
    for col in ("row", "shipment", "verdict", "rules", "first reason"):
        table.add_column(col, overflow="fold")
    for row_number, sid, verdict, rule_ids, reason in rows:
        # Text, not markup: ids and reasons come from the input and may hold '[' ... ']'.
        table.add_row(row_number, Text(sid), Text(verdict, style=_STYLE.get(verdict, "")), Text(rule_ids), Text(reason))
    console.print(table)


__all__ = ["VERDICT_ORDER", "count_rules", "render_flagged", "render_summary"]
