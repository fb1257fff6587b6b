"""List import benchmark: time and peak memory of ``load_list`` on the real list files, against
a baseline measured in the same run (a bare parse of the same file with the csv / xml / zip
modules, which builds nothing), and on a synthetic OFAC sdn.csv ten times the real one (is
the cost linear, is memory bounded by the output rather than copies of the input?).

Needs ../shared/data (COMPLIANCE_SHARED_DATA).
"""

from __future__ import annotations

import csv
import os
import sys
import tempfile
import time
import tracemalloc
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Callable
from pathlib import Path

from compliance.lists import load_list

ROOT = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("COMPLIANCE_SHARED_DATA", ROOT.parent / "shared" / "data"))


def bare_csv(path: Path) -> int:
    with path.open(encoding="utf-8", newline="") as f:
        return sum(1 for _ in csv.reader(f))


def bare_xml(path: Path) -> int:
    n = 0
    for _, el in ET.iterparse(path):
        n += 1
        el.clear()
    return n


def bare_ods(path: Path) -> int:
    with zipfile.ZipFile(path) as zf, zf.open("content.xml") as f:
        return sum(1 for _ in ET.iterparse(f))


def timed(fn: Callable[[], object], repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def peak_mb(fn: Callable[[], object]) -> float:
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1e6


def scaled_sdn(src: Path, factor: int, out: Path) -> Path:
    """sdn.csv repeated ``factor`` times with fresh ent_nums (same quirks, ten times the rows)."""
    lines = src.read_bytes().rstrip(b"\x1a\r\n").split(b"\r\n")
    with out.open("wb") as f:
        for k in range(factor):
            for line in lines:
                num, _, rest = line.partition(b",")
                f.write(str(int(num) + k * 1_000_000).encode() + b"," + rest + b"\r\n")
        f.write(b"\x1a")
    return out


def main() -> int:
    if not (SHARED / "MANIFEST.md").is_file():
        print(f"shared data not found at {SHARED}; set COMPLIANCE_SHARED_DATA")
        return 1
    load_list(SHARED / "un/UN_consolidated.xml")  # warm the country tables once
    cases: list[tuple[str, Path, Callable[[Path], int]]] = [
        ("OFAC SDN CSV 2024-05 (sdn.csv only)", SHARED / "ofac/sdn_2024-05/sdn.csv", bare_csv),
        ("OFAC SDN CSV 2021-07 (sdn+alt+add+comments)", SHARED / "ofac/sdn_2021-07/sdn.csv", bare_csv),
        ("UN consolidated XML", SHARED / "un/UN_consolidated.xml", bare_xml),
        ("UK FCDO ODS", SHARED / "uk/FCDO_SL_Mon_Aug_11_2025.ods", bare_ods),
    ]
    with tempfile.TemporaryDirectory() as tmp:
        big = scaled_sdn(SHARED / "ofac/sdn_2024-05/sdn.csv", 10, Path(tmp) / "sdn.csv")
        cases.append(("OFAC sdn.csv x10 (synthetic, 39 MB)", big, bare_csv))
        print(f"{'file':46} {'MB':>6} {'entries':>8} {'import s':>9} {'bare s':>7} {'ratio':>6} {'peak MB':>8}")
        for label, path, bare in cases:
            size = sum(p.stat().st_size for p in path.parent.iterdir() if p.is_file()) if "alt" in label \
                else path.stat().st_size
            repeat = 1 if "x10" in label else 3
            loaded = load_list(path)
            t_imp = timed(lambda p=path: load_list(p), repeat)
            t_bare = timed(lambda p=path, b=bare: b(p), repeat)
            peak = peak_mb(lambda p=path: load_list(p))
            print(f"{label:46} {size / 1e6:6.1f} {loaded.info.entries:8d} {t_imp:9.2f} {t_bare:7.2f} "
                  f"{t_imp / t_bare:6.1f} {peak:8.1f}")
    print("ratio = import time / bare parse time of the same file; peak MB = traced Python allocations "
          "during one import (the result included)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
