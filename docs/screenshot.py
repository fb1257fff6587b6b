"""Regenerate docs/report.png: the HTML report of the bundled sample batch, in headless Chromium.

Usage (after `make demo`): .venv/bin/python docs/screenshot.py [demo_output/weekly_report.html]
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


def main() -> None:
    report = Path(sys.argv[1] if len(sys.argv) > 1 else HERE.parent / "demo_output" / "weekly_report.html").resolve()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        sys.exit("chromium not found: apt-get install chromium")
    with sync_playwright() as p, tempfile.TemporaryDirectory() as profile:
        ctx = p.chromium.launch_persistent_context(profile, executable_path=chromium, headless=True, args=ARGS,
                                                   viewport={"width": 1360, "height": 1700})
        page = ctx.new_page()
        page.goto(report.as_uri())
        page.wait_for_function("document.querySelectorAll('.chart svg.marks').length >= 4")
        page.screenshot(path=str(HERE / "report.png"), full_page=False)
        ctx.close()
    print(f"wrote {HERE / 'report.png'}")


if __name__ == "__main__":
    main()
