"""Reference dump of index results, to check that a faster index finds the same matches.

``python bench/names/query_ref.py dump OUT.json`` writes, for a few thousand queries against the
two corpora of bench/names/run.py, the top results (entity, matched name, score) at the default
threshold and limit 5, the screener's limit 10 with a country, and a lower threshold (0.6: the
bounds and pruning are tested harder there). ``compare REF.json NEW.json`` lists every query
whose results differ. Queries: the bench's typo queries and fixed queries, more typo queries
(deleted, inserted, swapped letters, swapped words), and every name of tests/data/name_pairs.csv
tests/data/real_name_pairs.csv and tests/data/euro_name_pairs.csv;
the comparison also counts the entities lost and gained (a result list's entities).

Needs ../shared/data (COMPLIANCE_SHARED_DATA).
"""

from __future__ import annotations

import csv
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from run import ROOT, SETS, SHARED, corpus  # noqa: E402

from compliance.lists import load_curated, load_list  # noqa: E402
from compliance.lists.model import Entity  # noqa: E402
from compliance.names import NameIndex  # noqa: E402


def _typos(entities: list[Entity], seed: int, n: int) -> list[str]:
    rng = random.Random(seed)
    pool = [name for e in entities for name in e.all_names]
    out = []
    for name in rng.sample(pool, n):
        q = list(name)
        op = rng.randrange(5)
        if len(q) > 4:
            i = rng.randrange(1, len(q) - 1)
            if op == 0:
                q[i] = rng.choice("aeioukstrnvhy")
            elif op == 1:
                del q[i]
            elif op == 2:
                q.insert(i, rng.choice("aeiouhn"))
            elif op == 3:
                q[i], q[i - 1] = q[i - 1], q[i]
            else:
                words = "".join(q).split()
                rng.shuffle(words)
                q = list(" ".join(words))
        out.append("".join(q))
    return out


def bench_queries(entities: list[Entity]) -> list[str]:
    """The queries of bench/names/run.py latency(), same seed."""
    rng = random.Random(7)
    pool = [(n, e.id) for e in entities for n in e.all_names]
    out = []
    for n, _ in rng.sample(pool, 500):
        q = list(n)
        if len(q) > 6:
            i = rng.randrange(1, len(q) - 1)
            q[i] = rng.choice("aeioukstrn")
        out.append("".join(q))
    return out + ["Minsk Trading LLC", "Belarus Plant Supplies GmbH", "ОАО «Беларуськалий»", "Aliaksandr Lukashenka",
                  "Siemens AG", "Acme Logistics Sp. z o.o."]


def pair_names() -> list[str]:
    names: dict[str, None] = {}
    # And the European-language spellings of Russian and Belarusian names (issue #4).
    for path in [*SETS.values(), ROOT / "tests" / "data" / "euro_name_pairs.csv"]:
        for r in csv.DictReader(path.open(encoding="utf-8")):
            names[r["a"]] = None
            names[r["b"]] = None
    return list(names)


def corpora() -> dict[str, list[Entity]]:
    ofac = SHARED / "ofac"
    curated = load_curated().entities
    return {
        "sdn": [*corpus(ofac / "sdn_2024-05", ofac / "sdn_2021-07"), *curated],
        "all": [*corpus(ofac / "sdn_2024-05", ofac / "sdn_2025-12_partial"),
                *load_list(SHARED / "un" / "UN_consolidated.xml").entities,
                *load_list(SHARED / "uk" / "FCDO_SL_Mon_Aug_11_2025.ods").entities, *curated],
    }


def dump(out: Path) -> None:
    res: dict[str, Any] = {}
    names = pair_names()
    for label, entities in corpora().items():
        t = time.process_time()
        index = NameIndex(entities)
        print(f"{label}: {index.name_count} names, built in {time.process_time() - t:.1f} s CPU", flush=True)
        queries = list(dict.fromkeys(bench_queries(entities) + _typos(entities, 11, 1500) + names))
        t = time.process_time()
        d: dict[str, Any] = {}
        for q in queries:
            d[q] = {
                "default": [[m.entity_id, m.matched_name, m.score] for m in index.search(q)],
                "BY10": [[m.entity_id, m.matched_name, m.score] for m in index.search(q, country="BY", limit=10)],
                "low": [[m.entity_id, m.score] for m in index.search(q, threshold=0.6, limit=5)],
            }
        print(f"  {len(queries)} queries x 3 in {time.process_time() - t:.1f} s CPU", flush=True)
        res[label] = d
    out.write_text(json.dumps(res, ensure_ascii=False, indent=0), encoding="utf-8")


def compare(ref_path: Path, new_path: Path) -> int:
    ref = json.loads(ref_path.read_text(encoding="utf-8"))
    new = json.loads(new_path.read_text(encoding="utf-8"))
    diffs = lost = gained = 0
    for label, d in ref.items():
        for q, modes in d.items():
            for mode, r in modes.items():
                n = new[label][q][mode]
                if r != n:
                    diffs += 1
                    print(f"[{label}/{mode}] {q!r}\n   ref: {r}\n   new: {n}")
                    ids_r, ids_n = {x[0] for x in r}, {x[0] for x in n}
                    lost += len(ids_r - ids_n)
                    gained += len(ids_n - ids_r)
    total = sum(len(d) * 3 for d in ref.values())
    print(f"{diffs} of {total} result lists differ; entities lost {lost}, gained {gained}")
    return 1 if diffs else 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "dump":
        dump(Path(sys.argv[2]))
    elif len(sys.argv) == 4 and sys.argv[1] == "compare":
        sys.exit(compare(Path(sys.argv[2]), Path(sys.argv[3])))
    else:
        print(__doc__)
        sys.exit(2)
    _ = ROOT
