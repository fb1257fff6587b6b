"""The one-shipment ledger of the HTTP service counts exactly as the batch ledger."""

from __future__ import annotations

import random
from pathlib import Path

from compliance.audit import open_store
from compliance.audit.ledger import Ledger, PointLedger


def test_point_ledger_equals_the_batch_ledger(tmp_path: Path) -> None:
    rng = random.Random(7)
    key = ("BY-CIRC-QUOTA-X", "KZ", "2026-03")
    with open_store(tmp_path / "a.sqlite") as a, open_store(tmp_path / "b.sqlite") as b:
        for _ in range(150):
            sid = rng.choice([None, *[f"S{i}" for i in range(25)]])
            value = float(rng.choice([10, 20, 35, 50]))
            batch, point = Ledger(a), PointLedger(b)
            assert point.add(key, value, sid) == batch.add(key, value, sid), sid
            assert point.flush() == batch.flush()
        assert Ledger(a).totals() == Ledger(b).totals()
