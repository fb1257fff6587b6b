"""Name matching benchmark: quality and speed against baselines measured in the same run.

1. Quality on tests/data/name_pairs.csv: our ``similarity`` vs rapidfuzz WRatio on
   ASCII-folded text (best threshold for WRatio, our calibrated threshold for us) and, when
   the package is installed, nomenklatura's logic-v2.
2. Per-pair speed: our ``similarity`` vs logic-v2 (when installed) and WRatio.
3. Query latency: one party name against every name and alias of the OFAC SDN list (2024-05
   plus the 2021-07 aliases) and the curated list, through the blocking index, vs a brute-force
   rapidfuzz scan of the same names.

Needs ../shared/data (COMPLIANCE_SHARED_DATA) for part 3.
"""

from __future__ import annotations

import csv
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from rapidfuzz import fuzz, process

from compliance.lists import load_curated, load_list
from compliance.names import REVIEW_THRESHOLD, NameIndex, similarity
from compliance.names.normalize import to_latin

ROOT = Path(__file__).resolve().parents[2]
PAIRS = ROOT / "tests" / "data" / "name_pairs.csv"
SHARED = Path(os.environ.get("COMPLIANCE_SHARED_DATA", ROOT.parent / "shared" / "data"))


def f1_at(scores: list[tuple[float, bool]], th: float) -> tuple[float, float, float]:
    tp = sum(1 for s, y in scores if s >= th and y)
    fp = sum(1 for s, y in scores if s >= th and not y)
    fn = sum(1 for s, y in scores if s < th and y)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def best_f1(scores: list[tuple[float, bool]]) -> tuple[float, float, float, float]:
    best = (0.0, 0.0, 0.0, 0.0)
    for th in [x / 100 for x in range(30, 100)]:
        p, r, f = f1_at(scores, th)
        if f > best[3]:
            best = (th, p, r, f)
    return best


def logic_v2() -> Callable[[str, str, str], float] | None:
    try:
        from followthemoney import model  # type: ignore[import-not-found]
        from nomenklatura.matching import get_algorithm  # type: ignore[import-not-found]
    except Exception:
        return None
    algo = get_algorithm("logic-v2")
    if algo is None:
        return None

    def score(a: str, b: str, kind: str) -> float:
        schema = "Person" if kind == "person" else "Organization"
        ea = model.make_entity(schema)
        ea.id = "a"
        ea.add("name", a)
        eb = model.make_entity(schema)
        eb.id = "b"
        eb.add("name", b)
        return float(algo.compare(ea, eb).score)

    return score


def timed(fn: Callable[[], object], n: int) -> float:
    start = time.perf_counter()
    for _ in range(n):
        fn()
    return (time.perf_counter() - start) / n


def main() -> int:
    rows = list(csv.DictReader(PAIRS.open(encoding="utf-8")))
    labels = [r["label"] == "1" for r in rows]
    ours = [(similarity(r["a"], r["b"], r["kind"]), y) for r, y in zip(rows, labels, strict=True)]
    wr = [(fuzz.WRatio(to_latin(r["a"]), to_latin(r["b"])) / 100, y) for r, y in zip(rows, labels, strict=True)]
    p, r, f = f1_at(ours, REVIEW_THRESHOLD)
    th, wp, wrr, wf = best_f1(wr)
    print(f"pairs: {len(rows)} ({sum(labels)} positive)")
    print(f"ours   @ {REVIEW_THRESHOLD:.2f} (calibrated): P={p:.3f} R={r:.3f} F1={f:.3f}")
    print(f"WRatio @ {th:.2f} (its best):     P={wp:.3f} R={wrr:.3f} F1={wf:.3f}")
    lv2 = logic_v2()
    if lv2 is not None:
        lv = [(lv2(r["a"], r["b"], r["kind"]), y) for r, y in zip(rows, labels, strict=True)]
        lp, lr, lf = f1_at(lv, 0.7)
        print(f"logic-v2 @ 0.70:                P={lp:.3f} R={lr:.3f} F1={lf:.3f}")
    else:
        print("logic-v2: nomenklatura not installed in this environment (pip install nomenklatura to compare)")

    sample = rows[:300]
    t_ours = timed(lambda: [similarity(x["a"] + " ", x["b"], x["kind"]) for x in sample], 3) / len(sample)
    t_wr = timed(lambda: [fuzz.WRatio(to_latin(x["a"]), to_latin(x["b"])) for x in sample], 3) / len(sample)
    print(f"per pair: ours {t_ours * 1e6:.1f} us, WRatio {t_wr * 1e6:.1f} us (ratio {t_ours / t_wr:.1f}x)")
    if lv2 is not None:
        t_lv = timed(lambda: [lv2(x["a"], x["b"], x["kind"]) for x in sample[:50]], 1) / 50
        print(f"per pair: logic-v2 {t_lv * 1e6:.0f} us -> ours is {t_lv / t_ours:.0f}x faster")

    sdn = SHARED / "ofac" / "sdn_2024-05" / "sdn.csv"
    if not sdn.exists():
        print(f"query latency: skipped ({sdn} not found)")
        return 0
    entities = [*load_list(sdn).entities, *load_list(SHARED / "ofac" / "sdn_2021-07" / "sdn.csv").entities,
                *load_curated().entities]
    start = time.perf_counter()
    index = NameIndex(entities)
    build = time.perf_counter() - start
    names = [n for e in entities for n in e.all_names]
    print(f"index: {len(index)} entities, {index.name_count} names (incl. variants), built in {build:.1f} s")
    rng = random.Random(7)
    queries = []
    for n in rng.sample(names, 500):
        q = list(n)
        if len(q) > 6:
            i = rng.randrange(1, len(q) - 1)
            q[i] = rng.choice("aeioukstrn")
        queries.append("".join(q))
    queries += ["Minsk Trading LLC", "Belarus Plant Supplies GmbH", "ОАО «Беларуськалий»", "Aliaksandr Lukashenka"] * 25
    lat = []
    for q in queries:
        t = time.perf_counter()
        index.search(q, country="BY")
        lat.append(time.perf_counter() - t)
    med = statistics.median(lat)
    p95 = sorted(lat)[int(len(lat) * 0.95)]
    folded = [to_latin(n) for n in names]
    bl = []
    for q in queries[:100]:
        t = time.perf_counter()
        process.extract(to_latin(q), folded, scorer=fuzz.WRatio, limit=5, score_cutoff=80)
        bl.append(time.perf_counter() - t)
    bmed = statistics.median(bl)
    print(f"query latency: median {med * 1e3:.3f} ms, p95 {p95 * 1e3:.3f} ms over {len(queries)} queries "
          f"(target <= 0.2 ms median)")
    print(f"brute-force rapidfuzz WRatio scan of the same {len(folded)} names: median {bmed * 1e3:.2f} ms "
          f"-> index is {bmed / med:.0f}x faster")
    return 0


if __name__ == "__main__":
    sys.exit(main())
