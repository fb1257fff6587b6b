"""Scale benchmark: a million shipments on one machine, and the Dask engine against the local one.

    python bench/scale/run.py                 # 100k and 1M rows, Dask identity on 50k
    python bench/scale/run.py --sizes 20000 100000 --dask-rows 20000

Measured in one run, on files from ``bench/scale/generate.py`` (cached outside the repo):

- ``compliance screen FILE --out OUT.csv -q`` as a subprocess: wall time, rows/s, CPU time and
  peak RSS of that process (``wait4``);
- the baseline: ``pandas.read_csv`` of the same file (best of 2), and the ratio to it; and
  ``read_csv`` then ``to_csv`` (read and write, best of 2), and the ratio to that;
- memory at each size (flat = the 1M run's peak RSS close to the 100k run's);
- the output's sha256 at each size (a change that must keep the results compares it before and after);
- local vs ``--engine dask`` (a LocalCluster) output, byte for byte, on a smaller file.

The machine's load average is printed with the numbers: on a shared machine every time is
inflated by the other processes (the ratio to pandas, measured in the same run, less so).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import dataset  # noqa: E402

ROOT = HERE.parents[1]
CLI = [sys.executable, "-c", "from compliance.cli import main; main()"]


def pandas_seconds(path: Path, out: Path) -> tuple[float, float]:
    """Best of 2 ``pandas.read_csv`` of ``path``, and best of 2 reading it and writing it back
    with ``to_csv`` (to ``out``: what screening does, less the screening), in a subprocess: a
    parent that held the DataFrame would pass its memory high-water mark to every process it
    starts (Linux keeps ``ru_maxrss`` across fork+exec), inflating the screening run's peak RSS."""
    code = ("import sys, time\nimport pandas as pd\nread = both = float('inf')\nfor _ in range(2):\n"
            "    t = time.perf_counter(); df = pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False)\n"
            "    read = min(read, time.perf_counter() - t); df.to_csv(sys.argv[2], index=False)\n"
            "    both = min(both, time.perf_counter() - t); del df\nprint(read, both)\n")
    got = subprocess.run([sys.executable, "-c", code, str(path), str(out)], check=True, capture_output=True,
                         text=True)
    read, both = got.stdout.split()
    return float(read), float(both)


def screen(path: Path, out: Path, *extra: str) -> dict[str, float]:
    start = time.perf_counter()
    proc = subprocess.Popen([*CLI, "screen", str(path), "--out", str(out), "-q", *extra], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise SystemExit(f"compliance screen failed ({code}): {err[-2000:]}")
    # Linux reports ru_maxrss in KiB.
    return {"seconds": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss_mib": usage.ru_maxrss / 1024}


def digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(1 << 20):
            h.update(block)
    return h.hexdigest()[:16]


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--workers", type=int, default=None,
                    help="compliance screen --workers N (0: one per core; default: the CLI's default)")
    ap.add_argument("--dask-rows", type=int, default=50_000, help="rows for the local-vs-Dask identity check (0: skip)")
    args = ap.parse_args(argv)
    workers = [] if args.workers is None else ["--workers", str(args.workers)]
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; "
          f"{' '.join(workers) or 'default --workers'} (CPU time: the process and its workers; peak RSS: the "
          "largest process's)", flush=True)
    rows_of: dict[int, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        for n in args.sizes:
            t0 = time.perf_counter()
            path = dataset(n)
            gen = time.perf_counter() - t0
            base, base_rw = pandas_seconds(path, Path(tmp) / f"pandas_{n}.csv")
            m = screen(path, Path(tmp) / f"out_{n}.csv", *workers)
            m["pandas"] = base
            m["pandas_rw"] = base_rw
            m["load"] = os.getloadavg()[0]
            rows_of[n] = m
            print(f"{n:>9,} rows ({path.stat().st_size / 2**20:,.0f} MiB{'' if gen < 1 else f', generated in {gen:.0f} s'}): "
                  f"screen {m['seconds']:.1f} s = {n / m['seconds']:,.0f} rows/s (CPU {m['cpu']:.1f} s), "
                  f"peak RSS {m['rss_mib']:,.0f} MiB; pandas.read_csv {base:.2f} s -> "
                  f"{m['seconds'] / base:.1f}x pandas (read+to_csv {base_rw:.2f} s -> "
                  f"{m['seconds'] / base_rw:.1f}x); load average {m['load']:.1f}; output sha256 "
                  f"{digest(Path(tmp) / f'out_{n}.csv')}", flush=True)
        if len(rows_of) >= 2:
            small, large = min(rows_of), max(rows_of)
            print(f"memory: {rows_of[small]['rss_mib']:,.0f} MiB at {small:,} rows, {rows_of[large]['rss_mib']:,.0f} MiB "
                  f"at {large:,} rows ({rows_of[large]['rss_mib'] / rows_of[small]['rss_mib']:.2f}x for "
                  f"{large / small:.0f}x the rows)")
        if args.dask_rows:
            path = dataset(args.dask_rows)
            local = screen(path, Path(tmp) / "local.csv", *workers)
            dask = screen(path, Path(tmp) / "dask.csv", "--engine", "dask")
            same = (Path(tmp) / "local.csv").read_bytes() == (Path(tmp) / "dask.csv").read_bytes()
            print(f"local vs dask on {args.dask_rows:,} rows: {'byte-identical' if same else 'DIFFERENT'} "
                  f"(sha256 {digest(Path(tmp) / 'local.csv')}); local {local['seconds']:.1f} s, "
                  f"dask (LocalCluster, startup included) {dask['seconds']:.1f} s")
            if not same:
                return 1
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
