"""The quota ledger counts across runs and crosses its limit on the run where it should."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from compliance.audit import Ledger, open_store
from compliance.rules.quota import MemoryQuotaStore

from .conftest import read_results, write_shipments

QUOTA = "BY-CIRC-QUOTA-CHPL"  # EUR 100,000 of CHPL goods per high-risk country per month


def _chips(sid: str, value: int, *, day: str = "2026-03-10", dest: str = "KZ") -> dict[str, Any]:
    # Integrated circuits (CHPL tier 1) to Kazakhstan with a manufacturer-issued end-use certificate.
    return {"shipment_id": sid, "hs_code": "854231", "destination_country": dest, "value": value, "currency": "EUR",
            "date": day, "end_use_doc_type": "end_user_certificate", "end_use_doc_issuer": "manufacturer"}


def _flagged(path: Path) -> set[str]:
    return {sid for sid, r in read_results(path).items() if QUOTA in r["rule_ids"].split(";")}


def test_ledger_crosses_the_limit_on_the_right_run(tmp_path: Path, cli: Any) -> None:
    db = tmp_path / "a.sqlite"
    week1 = write_shipments(tmp_path / "w1.csv", [_chips("A1", 40_000), _chips("A2", 20_000),
                                                  _chips("A3", 90_000, dest="AM")])
    week2 = write_shipments(tmp_path / "w2.csv", [_chips("B1", 30_000), _chips("B2", 20_000),
                                                  _chips("B3", 5_000, day="2026-04-01")])
    cli("screen", week1, "--out", tmp_path / "r1.csv", "--db", db, "-q")
    assert _flagged(tmp_path / "r1.csv") == set()  # KZ 60,000 and AM 90,000 in March
    cli("screen", week2, "--out", tmp_path / "r2.csv", "--db", db, "-q")
    # KZ March: 60,000 + 30,000 = 90,000 (under), + 20,000 = 110,000 (over). April starts afresh.
    assert _flagged(tmp_path / "r2.csv") == {"B2"}
    finding = next(f for f in read_results(tmp_path / "r2.csv")["B2"]["findings"] if f["rule_id"] == QUOTA)
    assert finding["evidence"]["cumulative_eur"] == 110_000
    assert finding["evidence"]["period"] == "2026-03"

    # Without the ledger, week 2 alone stays under the limit.
    cli("screen", week2, "--out", tmp_path / "r2b.csv", "--no-db", "-q")
    assert _flagged(tmp_path / "r2b.csv") == set()


def test_screening_again_does_not_double_count(tmp_path: Path, cli: Any) -> None:
    db = tmp_path / "a.sqlite"
    week1 = write_shipments(tmp_path / "w1.csv", [_chips("A1", 60_000), _chips("A2", 30_000)])
    for _ in range(2):
        cli("screen", week1, "--out", tmp_path / "r1.csv", "--db", db, "-q")
        assert _flagged(tmp_path / "r1.csv") == set()
    cli("rescreen", tmp_path / "r1.csv", "--db", db)
    with open_store(db) as store:
        totals = {(r["rule_id"], r["country"], r["period"]): r["total_eur"] for r in Ledger(store).totals()}
    assert totals[(QUOTA, "KZ", "2026-03")] == 90_000

    # A later shipment crosses; screening week 1 again still does not flag week 1's shipments,
    # and the crossing shipment stays the flagged one.
    week2 = write_shipments(tmp_path / "w2.csv", [_chips("B1", 20_000)])
    cli("screen", week2, "--out", tmp_path / "r2.csv", "--db", db, "-q")
    assert _flagged(tmp_path / "r2.csv") == {"B1"}
    cli("screen", week1, "--out", tmp_path / "r1.csv", "--db", db, "-q")
    assert _flagged(tmp_path / "r1.csv") == set()
    cli("screen", week2, "--out", tmp_path / "r2.csv", "--db", db, "-q")
    assert _flagged(tmp_path / "r2.csv") == {"B1"}


def test_corrected_value_replaces_the_earlier_one(tmp_path: Path) -> None:
    key = (QUOTA, "KZ", "2026-03")
    with open_store(tmp_path / "a.sqlite") as store:
        ledger = Ledger(store)
        assert ledger.add(key, 60_000, "A1") == 60_000
        assert ledger.add(key, 30_000, "A2") == 90_000
        ledger.flush()
    with open_store(tmp_path / "a.sqlite") as store:
        ledger = Ledger(store)
        assert ledger.add(key, 50_000, "A1") == 50_000  # corrected down: A1 keeps its place
        assert ledger.add(key, 30_000, "A2") == 80_000
        assert ledger.add(key, 25_000, "A3") == 105_000
        ledger.flush()
        assert Ledger(store).totals()[0]["total_eur"] == 105_000


def test_an_interrupted_run_counts_nothing(tmp_path: Path) -> None:
    with open_store(tmp_path / "a.sqlite") as store:
        ledger = Ledger(store)
        ledger.add((QUOTA, "KZ", "2026-03"), 60_000, "A1")  # never flushed
        assert Ledger(store).totals() == []


def test_memory_store_is_idempotent_per_shipment() -> None:
    store = MemoryQuotaStore()
    key = (QUOTA, "KZ", "2026-03")
    assert store.add(key, 10.0, "A") == 10.0
    assert store.add(key, 10.0, "A") == 10.0
    assert store.add(key, 5.0, None) == 15.0
    assert store.add(key, 5.0, None) == 20.0
    assert store.totals[key] == 20.0
