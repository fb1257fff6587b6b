"""Same-process A/B of the name index: the index of a git ref (default ``main``) against the
working tree's, on run.py latency's queries of the OFAC SDN 2024-05 + 2021 aliases + curated
corpus (the machine is shared: times in separate runs drift by up to 2x, ratios here hold).

Both indexes are built in this process; each query is searched cold on both, the order
alternating query by query (the scorer's own caches, shared, warm for whichever runs second).
Prints the median, p95 and mean CPU (``time.thread_time``) per cold query of each, the names
aligned per query, and whether the result lists are equal. ``ab.py [REF] [--all]``: ``--all``
adds query_ref's typo queries and pair names (about 10k queries). An A/A run (``ab.py HEAD``
on a clean tree) put the working tree's index 2 % above the ref's (built first) in median and
mean at load 8: smaller differences are noise.

Needs ../shared/data (COMPLIANCE_SHARED_DATA).
"""

from __future__ import annotations

import gc
import importlib.util
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

sys.path.insert(0, str(Path(__file__).parent))

from query_ref import _typos, bench_queries, pair_names  # noqa: E402
from run import ROOT, SHARED, corpus  # noqa: E402

import compliance.names.index as new_index  # noqa: E402
from compliance.lists import load_curated  # noqa: E402


def _module_at(ref: str) -> ModuleType:
    """compliance/names/index.py as it is at ``ref``, imported as a module of its own."""
    src = subprocess.run(["git", "show", f"{ref}:compliance/names/index.py"], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout
    path = Path(tempfile.mkdtemp()) / "index_ref.py"
    path.write_text(src, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("index_ref", path)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules["index_ref"] = mod  # pydantic resolves the models' annotations through it
    spec.loader.exec_module(mod)
    return mod


def _counted(mod: ModuleType) -> list[int]:
    """Count the module's calls of ``align`` (one cell, read and reset per query)."""
    count = [0]
    align = mod.align

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        count[0] += 1
        return align(*args, **kwargs)

    mod.align = counting
    return count


def _row(label: str, cpu: list[float], aligns: list[int]) -> str:
    s = sorted(cpu)
    return (f"  {label:8s} median {statistics.median(s) * 1e3:.3f} ms, p95 {s[int(len(s) * 0.95)] * 1e3:.3f} ms, "
            f"mean {statistics.mean(s) * 1e3:.3f} ms CPU; {statistics.mean(aligns):.2f} names aligned a query")


def main() -> int:
    ref = next((a for a in sys.argv[1:] if not a.startswith("--")), "main")
    ofac = SHARED / "ofac"
    entities = [*corpus(ofac / "sdn_2024-05", ofac / "sdn_2021-07"), *load_curated().entities]
    old_mod = _module_at(ref)
    counts = {"old": _counted(old_mod), "new": _counted(new_index)}
    t = time.process_time()
    indexes = {"old": old_mod.NameIndex(entities)}
    t_old = time.process_time() - t
    t = time.process_time()
    indexes["new"] = new_index.NameIndex(entities)
    print(f"built: {ref} {t_old:.1f} s, working tree {time.process_time() - t:.1f} s CPU "
          f"(load {os.getloadavg()[0]:.1f})")
    queries = bench_queries(entities)
    if "--all" in sys.argv:
        queries += _typos(entities, 11, 1500) + pair_names()
    queries = list(dict.fromkeys(queries))
    for q in queries[:50]:  # the allocator, not the query caches
        for index in indexes.values():
            index.search(q + " x")
    gc.collect()
    cpu: dict[str, list[float]] = {"old": [], "new": []}
    aligns: dict[str, list[int]] = {"old": [], "new": []}
    differ = 0
    for n, q in enumerate(queries):
        got = {}
        for label in ("old", "new") if n % 2 == 0 else ("new", "old"):
            counts[label][0] = 0
            t0 = time.thread_time()
            got[label] = indexes[label].search(q)
            cpu[label].append(time.thread_time() - t0)
            aligns[label].append(counts[label][0])
        if [(m.entity_id, m.matched_name, m.score) for m in got["old"]] != \
                [(m.entity_id, m.matched_name, m.score) for m in got["new"]]:
            differ += 1
            print(f"  differs: {q!r}\n    {ref}: {[(m.entity_id, m.score) for m in got['old']]}\n"
                  f"    new: {[(m.entity_id, m.score) for m in got['new']]}")
    print(f"{len(queries)} cold queries (load {os.getloadavg()[0]:.1f}):")
    print(_row(ref, cpu["old"], aligns["old"]))
    print(_row("new", cpu["new"], aligns["new"]))
    ratio = statistics.median(cpu["new"]) / statistics.median(cpu["old"])
    print(f"  new / {ref}: median {ratio:.3f}, mean {statistics.mean(cpu['new']) / statistics.mean(cpu['old']):.3f}; "
          f"{differ} result lists differ")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
