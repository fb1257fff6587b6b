"""The HTML report in headless Chromium (Debian's ``chromium``, driven by playwright without
downloading a browser): renders without console errors, loads nothing from the network, draws
its charts, and its table filters.

``make test`` installs chromium when missing. Without it these tests skip on a laptop and fail
under CI (env ``CI`` set), like the shared-data tests.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from compliance.report import build_report
from tests.report.conftest import Screened

LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]
VISIBLE = "#flagged tbody tr:not([hidden])"


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    message = "chromium not found (make test installs Debian's chromium)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    executable = _chromium()
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")), executable_path=executable, headless=True,
            args=LAUNCH_ARGS, viewport={"width": 1400, "height": 1000})
        yield context
        context.close()


class Page:
    """An opened report with what the browser said while loading it."""

    def __init__(self, context: Any, path: Path) -> None:
        self.page = context.new_page()
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.goto(path.as_uri())
        self.page.wait_for_load_state("load")

    def visible(self) -> int:
        return int(self.page.locator(VISIBLE).count())

    def shown_count(self) -> int:
        return int(self.page.inner_text("#shown-count"))


@pytest.fixture(scope="module")
def sample_report(sample: Screened, tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("report")
    out = d / "report.html"
    build_report(sample.write(d / "results.csv"), html=out)
    return out


def _flagged(sample: Screened) -> list[Any]:
    return [r for r in sample.results if r.verdict.value != "CLEAR"]


def test_renders_with_charts_and_no_console_errors(browser: Any, sample_report: Path, sample: Screened) -> None:
    p = Page(browser, sample_report)
    # Four charts drawn by vega-embed as SVG with marks in them.
    p.page.wait_for_function("document.querySelectorAll('.chart svg.marks').length >= 4", timeout=20_000)
    for chart in ("chart-country", "chart-family", "chart-chapter", "chart-entities"):
        assert p.page.locator(f"#{chart} svg.marks").count() == 1, chart
        assert p.page.locator(f"#{chart} svg path, #{chart} svg rect").count() > 3, chart
    assert p.errors == []
    # Offline: the only thing the page asked for is itself.
    assert [u for u in p.requests if not u.startswith(("file://", "data:", "about:"))] == []
    assert p.visible() == len(_flagged(sample)) == p.shown_count()
    assert "rows screened" in p.page.inner_text("#headline").lower()
    assert sample.meta["rules"]["version"] in p.page.inner_text("#provenance")


def test_table_filters(browser: Any, sample_report: Path, sample: Screened) -> None:
    p = Page(browser, sample_report)
    flagged = _flagged(sample)
    total = len(flagged)
    # Free-text search.
    word = "belaruskali"
    expected = sum(1 for r in flagged if word in json.dumps([r.input, [f.model_dump() for f in r.findings]],
                                                            ensure_ascii=False).lower())
    assert 0 < expected < total
    p.page.fill("#search", "Belaruskali")
    assert p.visible() == expected == p.shown_count()
    assert all(word in t.lower() for t in p.page.locator(VISIBLE).all_inner_texts())
    # Two words must both match.
    p.page.fill("#search", "belaruskali potash")
    both = p.visible()
    assert 0 < both <= expected
    p.page.fill("#search", "no-such-text-anywhere")
    assert p.visible() == 0 and p.shown_count() == 0
    p.page.fill("#search", "")
    assert p.visible() == total
    # Verdict check boxes.
    p.page.uncheck("input.verdict-filter[value=BLOCK]")
    assert p.visible() == sum(1 for r in flagged if r.verdict.value != "BLOCK")
    assert p.page.locator(f"{VISIBLE}[data-verdict=BLOCK]").count() == 0
    p.page.uncheck("input.verdict-filter[value=REVIEW]")
    assert p.visible() == sum(1 for r in flagged if r.verdict.value == "ERROR")
    p.page.click("#reset-filters")
    assert p.visible() == total
    # Rule family.
    p.page.select_option("#family-filter", "party")
    assert p.visible() == sum(1 for r in flagged if any(f.family.value == "party" for f in r.findings))
    p.page.click("#reset-filters")
    # Sorting by risk: a click sorts ascending, filtering still applies after.
    p.page.click("#flagged th:has-text('risk')")
    risks = [int(x) for x in p.page.locator(f"{VISIBLE} td:nth-child(4)").all_inner_texts() if x.strip()]
    assert risks == sorted(risks)
    p.page.fill("#search", "Belaruskali")
    assert p.visible() == expected
    assert p.errors == []


def test_hostile_strings_do_not_run(browser: Any, hostile: Screened, tmp_path: Path) -> None:
    out = tmp_path / "h.html"
    build_report(hostile.write(tmp_path / "h.csv"), html=out)
    p = Page(browser, out)
    p.page.wait_for_function("document.querySelectorAll('.chart svg.marks').length >= 1", timeout=20_000)
    assert p.page.evaluate("typeof window.__pwned") == "undefined"
    text = p.page.inner_text("#flagged")
    assert "<script>window.__pwned=1</script>" in text
    assert '"><svg onload=window.__pwned=3>' in text
    assert p.errors == []
    assert [u for u in p.requests if not u.startswith(("file://", "data:", "about:"))] == []


def test_a_click_on_a_bar_filters_the_table(browser: Any, sample_report: Path, sample: Screened) -> None:
    from compliance.report.stats import country_label

    p = Page(browser, sample_report)
    p.page.wait_for_function("document.querySelectorAll('.chart svg.marks').length >= 4", timeout=20_000)
    p.page.locator('#chart-country path[aria-label*="Belarus (BY)"]').first.click()
    assert p.page.eval_on_selector("#country-filter", "e => e.value") == "Belarus (BY)"
    expected = sum(1 for r in _flagged(sample)
                   if country_label(str(r.input.get("destination_country") or ""))[0] == "BY")
    assert p.visible() == expected > 0
    p.page.locator('#chart-family path[aria-label*="family: party"]').first.click()
    assert p.page.eval_on_selector("#family-filter", "e => e.value") == "party"
    assert p.visible() == sum(1 for r in _flagged(sample)
                              if country_label(str(r.input.get("destination_country") or ""))[0] == "BY"
                              and any(f.family.value == "party" for f in r.findings))
    assert p.errors == []
