"""Score name pairs with nomenklatura's logic-v2; runs inside the bench's own venv.

Input: a JSON file of [a, b, kind] triples (argv[1]); output (stdout): JSON with the scores
and the time per pair (the first comparison, which loads models and data, is not timed).
"""

from __future__ import annotations

import json
import sys
import time

from followthemoney import model
from nomenklatura.matching import get_algorithm
from nomenklatura.matching.types import ScoringConfig

SCHEMAS = {"person": "Person", "vessel": "Vessel", "company": "Company"}


def main() -> int:
    pairs = json.loads(open(sys.argv[1], encoding="utf-8").read())
    algo = get_algorithm("logic-v2")
    assert algo is not None
    config = ScoringConfig.defaults()

    def entity(eid: str, name: str, kind: str):  # type: ignore[no-untyped-def]
        e = model.make_entity(SCHEMAS.get(kind, "Organization"))
        e.id = eid
        e.add("name", name)
        return e

    algo.compare(entity("w1", "warm up", "person"), entity("w2", "warm up", "person"), config)
    scores = []
    start = time.perf_counter()
    for i, (a, b, kind) in enumerate(pairs):
        # Unique ids: logic-v2 caches its name analysis per entity id.
        scores.append(float(algo.compare(entity(f"a{i}", a, kind), entity(f"b{i}", b, kind), config).score))
    elapsed = time.perf_counter() - start
    json.dump({"scores": scores, "seconds_per_pair": elapsed / max(1, len(pairs))}, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
