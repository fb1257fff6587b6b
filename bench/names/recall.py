"""Search recall on the labelled pairs: does a search for ``a`` find ``b``'s entity?

For every pair of the labelled sets (run.py's and tests/data/euro_name_pairs.csv) with label 1 and
``similarity(a, b) >= REVIEW_THRESHOLD`` (the matcher calls them a match), ``b`` is added as an
entity of its own to every name of the loaded lists (the "everything" corpus of run.py: OFAC SDN
2024-05 with the 2025-12 aliases, UN, UK, curated) and ``a`` is searched (default threshold and
limit, kind of the pair; ``--kind-none``: kind None, as shipment parties are screened). A pair the matcher scores as a match but the index misses is a blocking
miss (the candidate search or its bound never reached ``b``), at the default limit of 5 results and at
50. ``--reverse``: ``b`` searched against ``a`` (the doc set's customs form against the listed name).
``recall.py [--misses] [--kind-none] [--reverse]``.

Needs ../shared/data (COMPLIANCE_SHARED_DATA).
"""

from __future__ import annotations

import csv
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from query_ref import corpora  # noqa: E402
from run import ROOT, SETS  # noqa: E402

from compliance.lists.model import Entity, Listing  # noqa: E402
from compliance.names import REVIEW_THRESHOLD, NameIndex, similarity  # noqa: E402

# Russian and Belarusian names as European languages write them (issue #4).
SETS = {**SETS, "euro": ROOT / "tests" / "data" / "euro_name_pairs.csv"}


def main() -> int:
    pairs: list[tuple[str, str, str, str]] = []
    for set_name, path in SETS.items():
        for r in csv.DictReader(path.open(encoding="utf-8")):
            if r["label"] == "1" and similarity(r["a"], r["b"], r["kind"]) >= REVIEW_THRESHOLD:
                a, b = (r["b"], r["a"]) if "--reverse" in sys.argv else (r["a"], r["b"])
                pairs.append((set_name, a, b, r["kind"]))
    extra = [Entity(id=f"pair:{i}", list_name="pairs", kind=kind or "unknown", name=b, listings=[Listing(regime="EU")])
             for i, (_, _, b, kind) in enumerate(pairs)]
    index = NameIndex([*corpora()["all"], *extra])
    # Limit 5 (the default): the listed entities of the same name (Belaruskali is on several
    # lists) can crowd ``b`` out; limit 50 counts only what the candidate search misses.
    kind_none = "--kind-none" in sys.argv
    for limit in (5, 50):
        t = time.process_time()
        misses: list[tuple[str, str, str, str]] = []
        for i, (set_name, a, b, kind) in enumerate(pairs):
            if not any(m.entity_id == f"pair:{i}" for m in index.search(a, kind=None if kind_none else kind or None, limit=limit)):
                misses.append((set_name, a, b, kind))
        found = len(pairs) - len(misses)
        print(f"limit {limit}: {found}/{len(pairs)} matching pairs found by the index ({found / len(pairs):.2%}); "
              f"{time.process_time() - t:.1f} s CPU")
        for set_name in SETS:
            n = sum(1 for p in pairs if p[0] == set_name)
            m = sum(1 for p in misses if p[0] == set_name)
            print(f"  {set_name}: {n - m}/{n}")
        if "--misses" in sys.argv and limit == 50:
            for set_name, a, b, kind in misses:
                print(f"  miss [{set_name}] {a!r} -> {b!r} ({kind})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
