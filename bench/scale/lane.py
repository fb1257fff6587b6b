"""The CLEAR lane against the full path on a scale file: the same output, and what it saves.

    python bench/scale/lane.py                # 100k rows
    python bench/scale/lane.py --rows 1000000 --repeat 2

In one process, on a file from ``bench/scale/generate.py``: the batch screened and written as
CSV with ``BatchEngine(use_lane=True)`` and ``use_lane=False`` in turn (``--repeat`` times,
alternating, best kept), each with fresh caches. Prints the CPU time of each (read, screen and
write; ``time.process_time``), the rows the lane answered, and whether the outputs are byte
for byte the same (exit 1 if not). Same-process A/B: the machine's other load inflates both.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import dataset  # noqa: E402

from compliance.engine import BatchEngine, BatchSummary, _collect, _screen_here, chunked_gc  # noqa: E402
from compliance.io import ResultWriter, open_input  # noqa: E402
from compliance.screener import Screener  # noqa: E402


def run(screener: Screener, path: Path, out: Path, use_lane: bool, chunk: int) -> tuple[float, int]:
    """CPU seconds to read, screen and write ``path``, and the rows the lane answered."""
    engine = BatchEngine(screener, use_lane=use_lane)
    summary = BatchSummary()
    start = time.process_time()
    with open_input(path) as table:
        writer = ResultWriter(out, "csv", list(table.columns))
        with chunked_gc():
            for i, rows in enumerate(table.chunks(chunk)):
                _screen_here(engine, rows, summary, writer.write, None)
                del rows
                _collect(i)
        writer.close()
    return time.process_time() - start, engine.lane.served if engine.lane is not None else 0


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--chunk-size", type=int, default=20_000)
    args = ap.parse_args(argv)
    path = dataset(args.rows)
    screener = Screener.load()
    gc.freeze()  # as the CLI does: the loaded rules and lists out of the collector's sight
    best: dict[bool, float] = {}
    served = 0
    with tempfile.TemporaryDirectory(prefix="bench-lane-") as tmp:
        outs = {flag: Path(tmp) / f"out_{flag}.csv" for flag in (True, False)}
        for _ in range(args.repeat):
            for flag in (False, True):
                seconds, n = run(screener, path, outs[flag], flag, args.chunk_size)
                best[flag] = min(best.get(flag, float("inf")), seconds)
                served = max(served, n)
        same = outs[True].read_bytes() == outs[False].read_bytes()
        print(f"{args.rows:,} rows: full path {best[False]:.2f} s CPU, lane {best[True]:.2f} s CPU "
              f"({(best[True] / best[False] - 1) * 100:+.0f} %); the lane answered {served:,} rows "
              f"({served / args.rows:.0%}); outputs {'byte-identical' if same else 'DIFFERENT'} "
              f"(sha256 {digest(outs[True])})")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
