"""How loose the index's bound is, and what of it the unseen-pair credit makes.

For run.py latency's queries and query_ref's typo queries on the OFAC SDN 2024-05 + 2021
aliases + curated corpus: every name the index aligns, its bound and its score. Prints how
many aligned names reach review, how far the bound is above the score, how often the score
exceeds the bound plus BOUND_SLACK (the bound is not exact: align credits readings the index
keys nothing for), and how many aligned names are candidates only because tokens the index
saw nothing near are credited UNSEEN_CREDIT (the names left out when that credit is 0) — the
alignments a per-token-pair bound from the scorer could save. ``bound_gap.py [N_TYPOS]``.

Needs ../shared/data (COMPLIANCE_SHARED_DATA).
"""

from __future__ import annotations

import collections
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from query_ref import _typos, bench_queries  # noqa: E402
from run import SHARED, corpus  # noqa: E402

import compliance.names.index as ix  # noqa: E402
from compliance.lists import load_curated  # noqa: E402


def main() -> int:
    n_typos = int(sys.argv[1]) if len(sys.argv) > 1 else 1500
    ofac = SHARED / "ofac"
    entities = [*corpus(ofac / "sdn_2024-05", ofac / "sdn_2021-07"), *load_curated().entities]
    index = ix.NameIndex(entities)
    queries = list(dict.fromkeys(bench_queries(entities) + _typos(entities, 11, n_typos)))
    aligned: list[tuple[int, float]] = []  # (id of the listed name's parse, min(score, ceiling))
    align = ix.align

    def logged(a: Any, b: Any, **kwargs: Any) -> Any:
        al = align(a, b, **kwargs)
        aligned.append((id(b), min(al.score, al.ceiling)))
        return al

    ix.align = logged
    floor = ix.REVIEW_THRESHOLD
    total = reach = without = without_reach = over = 0
    gaps: collections.Counter[float] = collections.Counter()
    for q in queries:
        aligned.clear()
        index.search(q)
        memo = index._queries.get((q, None))
        if memo is None:
            continue
        bounds = {id(index._names[ni][2]): b for b, ni in memo.candidates[(floor, 0)][0]}
        ix.UNSEEN_CREDIT = 0.0
        kept = {id(index._names[ni][2]) for _, ni in index._candidates(memo.rep, floor, *memo.weights)}
        ix.UNSEEN_CREDIT = 0.9
        for b, score in aligned:
            total += 1
            reach += score >= floor
            if b in bounds:
                gaps[round(bounds[b] - score, 1)] += 1
                over += score > bounds[b] + ix.BOUND_SLACK
            if b not in kept:
                without += 1
                without_reach += score >= floor
    print(f"{len(queries)} queries, {total} names aligned ({total / len(queries):.2f} a query), "
          f"{reach} reaching review ({reach / total:.1%})")
    print("bound - score (rounded):", ", ".join(f"{g:+.1f}: {n}" for g, n in sorted(gaps.items())))
    print(f"score above bound + BOUND_SLACK: {over}")
    print(f"aligned only through the unseen-token credit: {without} ({without / total:.1%}), "
          f"of them reaching review: {without_reach}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
