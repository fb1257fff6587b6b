"""The summary after ``compliance screen``: plain lines when stderr is not a terminal, rich tables on one."""

from __future__ import annotations

import io
from collections import Counter
from pathlib import Path

from rich.console import Console
from typer.testing import CliRunner

from compliance.cli import app
from compliance.engine import BatchSummary
from compliance.report.terminal import count_rules, render_flagged, render_summary
from tests.report.conftest import SAMPLE, Screened

runner = CliRunner()
BOX = set("┏┳┓┃━│─┡╇┩└┴┘")


def _summary(sample: Screened) -> BatchSummary:
    s = BatchSummary()
    for r in sample.results:
        s.add(r)
    s.seconds = 0.5
    return s


def test_screen_prints_plain_summary_when_not_a_tty(tmp_path: Path) -> None:
    res = runner.invoke(app, ["screen", str(SAMPLE), "--out", str(tmp_path / "r.csv"), "--top", "3"])
    assert res.exit_code == 0, res.output
    err = res.stderr
    assert "\x1b[" not in err and not BOX & set(err)
    assert "rows 200 | BLOCK " in err and "| time " in err
    assert "top rules (rows):" in err and "BY-PARTY-LISTED" in err
    assert "first 3 flagged rows:" in err


def test_screen_quiet_prints_nothing(tmp_path: Path) -> None:
    res = runner.invoke(app, ["screen", str(SAMPLE), "--out", str(tmp_path / "r.csv"), "--quiet"])
    assert res.exit_code == 0 and res.stderr == ""


def test_rich_tables_on_a_terminal(sample: Screened) -> None:
    buf = io.StringIO()
    console = Console(file=buf, force_terminal=True, width=120)
    rules: Counter[tuple[str, str, str]] = Counter()
    count_rules(sample.results, rules)
    render_summary(console, _summary(sample), ["weekly.csv"], rules)
    out = buf.getvalue()
    assert "\x1b[" in out and BOX & set(out)
    assert "top rules" in out and "BY-PARTY-LISTED" in out
    top_rule, top_n = rules.most_common(1)[0]
    assert top_rule[0] in out and str(top_n) in out


def test_rows_per_rule_count_each_row_once(sample: Screened) -> None:
    rules: Counter[tuple[str, str, str]] = Counter()
    count_rules(sample.results, rules)
    listed = sum(1 for r in sample.results if "BY-PARTY-LISTED" in r.rule_ids)
    assert rules[("BY-PARTY-LISTED", "party", "block")] == listed


def test_markup_in_data_is_printed_as_text(hostile: Screened) -> None:
    buf = io.StringIO()
    console = Console(file=buf, force_terminal=True, width=200)
    flagged = [r for r in hostile.results if r.verdict.value != "CLEAR"]
    render_flagged(console, flagged, 10)  # an id like "[bold red]markup[/]" must not break rich
    assert "[bold red]markup[/]" in buf.getvalue()
    plain = io.StringIO()
    render_flagged(Console(file=plain, width=200), flagged, 10)
    assert "[bold red]markup[/]" in plain.getvalue() and "\x1b[" not in plain.getvalue()
