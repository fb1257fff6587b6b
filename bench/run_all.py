"""`make bench`: run every benchmark under bench/ in turn (each prints its own ratios).

Benchmarks measure against baselines in the same run (never timed tests). Pass names to run a
subset: `python bench/run_all.py names scale`.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ORDER = ["names", "lists", "scale", "http", "report", "party_fp"]


def main(argv: list[str]) -> int:
    wanted = argv or ORDER
    failed = []
    for name in wanted:
        script = BENCH_DIR / name / "run.py"
        if not script.is_file():
            print(f"== bench/{name}: not present, skipped")
            continue
        print(f"\n== bench/{name}", flush=True)
        start = time.perf_counter()
        rc = subprocess.call([sys.executable, str(script)])
        print(f"== bench/{name}: exit {rc} after {time.perf_counter() - start:.1f} s", flush=True)
        if rc:
            failed.append(name)
    if failed:
        print(f"failed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
