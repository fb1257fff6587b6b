"""The HTML report without a browser: self-contained, escaped, provenance shown, counts right."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from compliance.cli import app
from compliance.report import build_report
from compliance.report.html import script_json
from tests.report.conftest import Screened

runner = CliRunner()


def _page_outside_vega(html: str) -> str:
    """The page without the inlined vega bundle (a library's own text is not user data)."""
    start = html.index("<script>", html.index('id="chart-specs"'))
    end = html.index("</script>", start)
    return html[:start] + html[end:]


def test_self_contained_offline(results_file, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "r.html"
    build_report(results_file("csv"), html=out)
    html = out.read_text(encoding="utf-8")
    assert "window.vegaEmbed" in html and "default-src 'none'" in html
    # Nothing is loaded from elsewhere: no external script, stylesheet, image or font (the CSP
    # forbids it anyway; the browser test checks that no request leaves the page).
    page = _page_outside_vega(html)
    assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)=", page, flags=re.IGNORECASE)
    assert "@import" not in page and "url(http" not in page
    assert html.count("<script") == 3  # chart data (JSON), vega bundle, page script


def test_headline_table_and_provenance(sample: Screened, results_file, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "r.html"
    outcome = build_report(results_file("csv"), html=out)
    html = out.read_text(encoding="utf-8")
    counts = sample.counts()
    for verdict in ("BLOCK", "REVIEW", "ERROR", "CLEAR"):
        assert re.search(rf'class="card {verdict}" data-verdict="{verdict}"><div class="n">{counts[verdict]}</div>', html)
    flagged = [r for r in sample.results if r.verdict.value != "CLEAR"]
    assert html.count('<tr class="BLOCK"') + html.count('<tr class="REVIEW"') + html.count('<tr class="ERROR"') \
        == len(flagged)
    assert outcome.meta_source and outcome.meta_source.endswith("results.csv.meta.json")
    bundle = sample.meta["rules"]
    assert f"{bundle['name']} {bundle['version']}" in html
    assert sample.meta["lists"][0]["name"] in html and sample.meta["lists"][0]["sha256"] in html
    some = next(f for r in flagged for f in r.findings if f.family.value == "party")
    assert some.legal_basis in html and some.explanation and some.explanation.replace("'", "&#x27;") in html


def test_missing_provenance_is_said(sample: Screened, tmp_path: Path) -> None:
    out = sample.write(tmp_path / "r.csv", meta=False)
    build_report(out, html=tmp_path / "r.html")
    assert "Provenance not recorded" in (tmp_path / "r.html").read_text(encoding="utf-8")


def test_hostile_strings_stay_text(hostile: Screened, tmp_path: Path) -> None:
    build_report(hostile.write(tmp_path / "h.csv"), html=tmp_path / "h.html")
    page = _page_outside_vega((tmp_path / "h.html").read_text(encoding="utf-8"))
    for raw in ("<script>window.__pwned", "<img src=x", "<svg onload", "</script><b>"):
        assert raw not in page
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=&quot;window.__pwned=2&quot;&gt; potash &amp; more" in page
    specs = page[page.index('id="chart-specs">'):]
    assert "\\u003c/script\\u003e\\u003cb\\u003eBY" in specs  # the country label, inside the chart JSON


def test_script_json_escapes_closing_tags() -> None:
    assert script_json({"a": "</script><!--&"}) == '{"a":"\\u003c/script\\u003e\\u003c!--\\u0026"}'


def test_row_cap_banner(sample: Screened, tmp_path: Path) -> None:
    build_report(sample.write(tmp_path / "r.csv"), html=tmp_path / "r.html", max_rows=3)
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    flagged = sum(1 for r in sample.results if r.verdict.value != "CLEAR")
    assert f"first 3 of {flagged} BLOCK, REVIEW and ERROR rows" in html
    assert len(re.findall(r'<tr class="(BLOCK|REVIEW|ERROR)"', html)) == 3


def test_cli_report_writes_both(sample: Screened, tmp_path: Path) -> None:
    results = sample.write(tmp_path / "r.parquet")
    res = runner.invoke(app, ["report", str(results), "--html", str(tmp_path / "o.html"),
                              "--xlsx", str(tmp_path / "o.xlsx")])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "o.html").stat().st_size > 100_000 and (tmp_path / "o.xlsx").is_file()
    assert "wrote" in res.output and "BLOCK" in res.output
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".partial")]


def test_cli_report_usage_errors(tmp_path: Path) -> None:
    assert runner.invoke(app, ["report", str(tmp_path / "x.csv")]).exit_code == 2
    res = runner.invoke(app, ["report", str(tmp_path / "x.csv"), "--html", str(tmp_path / "o.html")])
    assert res.exit_code == 2 and "no such results file" in res.output
    assert not (tmp_path / "o.html").exists()
    res = runner.invoke(app, ["report", "--help"])
    assert res.exit_code == 0 and "Example" in res.output
