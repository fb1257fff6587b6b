"""Report outputs at batch scale: the xlsx workbook and the HTML report against plain writers.

Screens the bundled sample once, repeats its 200 results to N rows (default 20,000; argv[1]),
then times, in the same run:
- csv results (ResultWriter csv): the baseline every other output is measured against;
- a bare openpyxl write-only sheet of the same cells (no styles, one sheet): the floor for xlsx;
- the result workbook (Summary + sheets per verdict, colours, readable findings);
- the HTML report built from the csv results (read back, counted, rendered).
Prints rows/s and ratios; peak memory of the workbook write is reported by tracemalloc.
"""

from __future__ import annotations

import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))


def main() -> None:
    from openpyxl import Workbook

    from compliance.engine import run_batch
    from compliance.io import OUTPUT_COLUMNS, ResultWriter, open_input, result_record
    from compliance.models import ScreeningResult
    from compliance.report import build_report
    from compliance.report.html import vega_bundle
    from compliance.report.xlsx import XlsxResultWriter
    from compliance.screener import Screener

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    screener = Screener.load(include_imported=False)
    base: list[ScreeningResult] = []
    with open_input(REPO / "sample_shipments" / "weekly_batch.csv") as table:
        columns = list(table.columns)
        run_batch(screener, table.chunks(1000), base.extend)
    results = [base[i % len(base)].model_copy(update={"row_number": i + 1}) for i in range(n)]
    meta = screener.provenance().model_dump(mode="json")
    vega_bundle()  # built once per vl-convert version and cached; not part of the per-row cost
    out = Path(tempfile.mkdtemp(prefix="bench-report-"))
    cols = list(columns) + (["shipment_id"] if "shipment_id" not in columns else [])
    cols += [c for c in OUTPUT_COLUMNS if c not in cols]
    records = [result_record(r, cols) for r in results]

    def timed(label: str, fn) -> float:  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        fn()
        secs = time.perf_counter() - start
        print(f"{label:<44} {secs:7.2f} s  {n / secs:9,.0f} rows/s")
        return secs

    def csv_out() -> None:
        w = ResultWriter(out / "r.csv", "csv", columns, meta=meta)
        w.write(results)
        w.close()

    def bare_xlsx() -> None:
        wb = Workbook(write_only=True)
        ws = wb.create_sheet("results")
        for rec in records:
            ws.append([None if v in (None, "") else (v if isinstance(v, int | float) else str(v))
                       for v in (rec.get(c) for c in cols)])
        wb.save(out / "bare.xlsx")

    def workbook(upto: int = n) -> None:
        w = XlsxResultWriter(out / "r.xlsx", cols, meta)
        for rec in records[:upto]:
            w.append(rec)
        w.save()

    def html() -> None:
        build_report(out / "r.csv", html=out / "r.html")

    t_csv = timed("csv results (baseline)", csv_out)
    t_bare = timed("bare openpyxl write-only sheet (floor)", bare_xlsx)
    t_book = timed("result workbook (Summary + verdict sheets)", workbook)
    t_html = timed("HTML report from the csv results", html)
    sizes = {name: (out / name).stat().st_size / 2**20 for name in ("r.csv", "r.xlsx", "r.html")}
    peaks = []
    for upto in (min(n, 1000), min(n, 4000)):  # memory of the workbook write, at two sizes
        tracemalloc.start()
        workbook(upto)
        peaks.append(tracemalloc.get_traced_memory()[1] / 2**20)
        tracemalloc.stop()
    print(f"\nrows {n:,}: workbook / csv = {t_book / t_csv:.1f}x, workbook / bare sheet = {t_book / t_bare:.2f}x, "
          f"html / csv = {t_html / t_csv:.2f}x")
    print(f"workbook peak Python memory {peaks[0]:.1f} MiB at 1,000 rows, {peaks[1]:.1f} MiB at 4,000 rows; "
          f"sizes: csv {sizes['r.csv']:.1f} MiB, xlsx {sizes['r.xlsx']:.1f} MiB, html {sizes['r.html']:.1f} MiB")


if __name__ == "__main__":
    main()
