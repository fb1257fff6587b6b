"""Re-screening earlier results after a list version swap reports exactly the changed shipments."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

from .conftest import entity, write_list, write_shipments

BASE = {"hs_code": "620342", "destination_country": "DE", "date": "2026-03-02"}
ZORVEX = entity("wl:zorvex", "Zorvex Instruments")
KALVORA = entity("wl:kalvora", "Kalvora Optics")
TREVANIK = entity("wl:trevanik", "Trevanik Systems")


def _ships(tmp: Path) -> Path:
    return write_shipments(tmp / "ship.csv", [
        {"shipment_id": "S1", **BASE, "exporter_name": "Zorvex Instruments"},   # listed in v1 and v2
        {"shipment_id": "S2", **BASE, "exporter_name": "Trevanik Systems"},     # listed only in v2
        {"shipment_id": "S3", **BASE, "exporter_name": "Kalvora Optics"},       # delisted in v2
        {"shipment_id": "S4", **BASE, "exporter_name": "Hansa Textil"},         # never listed
        {"shipment_id": "S5", **BASE, "hs_code": "31", "exporter_name": "Kalvora Optics"},  # unreadable both times
    ])


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "json", "xlsx"])
def test_rescreen_after_list_swap_reports_exactly_the_changed(tmp_path: Path, cli: Any, fmt: str) -> None:
    v1 = write_list(tmp_path / "v1.yaml", "2026.1", [ZORVEX, KALVORA])
    v2 = write_list(tmp_path / "v2.yaml", "2026.2", [ZORVEX, TREVANIK])
    results = tmp_path / f"r1.{fmt}"
    cli("screen", _ships(tmp_path), "--lists", v1, "--out", results, "--no-db", "-q")
    changes = tmp_path / "changes.csv"
    r = cli("rescreen", results, "--lists", v2, "--out", changes, "--no-db")
    with changes.open(encoding="utf-8") as f:
        rows = {x["shipment_id"]: x for x in csv.DictReader(f)}
    assert set(rows) == {"S2", "S3"}
    assert (rows["S2"]["old_verdict"], rows["S2"]["new_verdict"]) == ("CLEAR", "BLOCK")
    assert (rows["S3"]["old_verdict"], rows["S3"]["new_verdict"]) == ("BLOCK", "CLEAR")
    assert rows["S2"]["added_rules"] == "BY-PARTY-LISTED"
    assert rows["S3"]["removed_rules"] == "BY-PARTY-LISTED"
    for sid in ("S2", "S3"):
        assert "list watchlist 2026.1" in rows[sid]["why"] and "-> 2026.2" in rows[sid]["why"]
    assert "wl:trevanik" in rows["S2"]["why"] and "wl:kalvora" in rows["S3"]["why"]
    assert "2 verdict(s) changed" in r.stderr


def test_rescreen_same_versions_reports_nothing(tmp_path: Path, cli: Any) -> None:
    v1 = write_list(tmp_path / "v1.yaml", "2026.1", [ZORVEX, KALVORA])
    cli("screen", _ships(tmp_path), "--lists", v1, "--out", tmp_path / "r.csv", "--no-db", "-q")
    r = cli("rescreen", tmp_path / "r.csv", "--lists", v1, "--out", tmp_path / "c.json", "--no-db")
    data = json.loads((tmp_path / "c.json").read_text(encoding="utf-8"))
    assert data == {"version_changes": [], "changed": []}
    assert "same tool, rules and list versions" in r.stderr


def test_rescreen_uses_the_earlier_mapping_and_restores_neutralised_cells(tmp_path: Path, cli: Any) -> None:
    v1 = write_list(tmp_path / "v1.yaml", "2026.1", [KALVORA])
    v2 = write_list(tmp_path / "v2.yaml", "2026.2", [KALVORA, ZORVEX])
    ships = write_shipments(tmp_path / "erp.csv", [
        {"Ref": "A1", "Tariff": "620342", "Ship-to": "DE", "Seller": "-Zorvex Instruments", "date": "2026-03-02"},
        {"Ref": "A2", "Tariff": "620342", "Ship-to": "DE", "Seller": "Hansa", "date": "2026-03-02"},
    ])
    cli("screen", ships, "--lists", v1, "--map", "Ref=shipment_id", "--map", "Tariff=hs_code",
        "--map", "Ship-to=destination_country", "--map", "Seller=exporter_name", "--out", tmp_path / "r.csv",
        "--no-db", "-q")
    meta = json.loads((tmp_path / "r.csv.meta.json").read_text(encoding="utf-8"))
    assert meta["column_map"]["Ref"] == "shipment_id"
    cli("rescreen", tmp_path / "r.csv", "--lists", v2, "--out", tmp_path / "c.jsonl", "--no-db")
    lines = [json.loads(x) for x in (tmp_path / "c.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [x["shipment_id"] for x in lines] == ["A1"]
    assert lines[0]["new_verdict"] == "BLOCK"


def test_rescreen_notes_a_release_decision(tmp_path: Path, cli: Any) -> None:
    v1 = write_list(tmp_path / "v1.yaml", "2026.1", [ZORVEX])
    v2 = write_list(tmp_path / "v2.yaml", "2026.2", [ZORVEX, TREVANIK])
    db = tmp_path / "a.sqlite"
    cli("screen", _ships(tmp_path), "--lists", v1, "--out", tmp_path / "r.csv", "--db", db, "-q")
    cli("decide", "release", "S2", "--reason", "cleared by broker", "--reviewer", "K. Lee", "--db", db)
    cli("rescreen", tmp_path / "r.csv", "--lists", v2, "--out", tmp_path / "c.csv", "--db", db)
    with (tmp_path / "c.csv").open(encoding="utf-8") as f:
        rows = {x["shipment_id"]: x for x in csv.DictReader(f)}
    assert set(rows) == {"S2"}
    assert rows["S2"]["shipment_decision"].startswith("released #1 by K. Lee")
    log = [json.loads(x) for x in cli("audit", "log", "--json", "--db", db).stdout.splitlines()]
    assert [e["action"] for e in log] == ["screen", "decide:released", "rescreen"]
    assert log[-1]["details"]["changed"] == 1


def test_rescreen_refuses_a_shipments_file(tmp_path: Path, cli: Any) -> None:
    r = cli("rescreen", _ships(tmp_path), "--no-db", code=2)
    assert "not a result file" in r.output
