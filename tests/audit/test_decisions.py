"""Recorded false-positive decisions: applied on the next run, dropped when the entry changes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from compliance import Screener
from compliance.audit import decision_for_entity, list_decisions, open_store, party_key, record
from compliance.audit.decisions import Decision
from compliance.exc import ComplianceError

from .conftest import entity, read_results, write_list, write_shipments

ZORVEX = entity("wl:zorvex", "Zorvex Instruments", aliases=["Zorveks Instrumenty"])
KALVORA = entity("wl:kalvora", "Kalvora Optics")

# Harmless goods (cotton trousers) to Germany: only the party match can flag these rows.
BASE = {"hs_code": "620342", "destination_country": "DE", "date": "2026-03-02"}


def _shipments(tmp: Path) -> Path:
    return write_shipments(tmp / "ship.csv", [
        {"shipment_id": "S1", **BASE, "exporter_name": "Zorvex Instruments GmbH", "exporter_country": "BY"},
        {"shipment_id": "S2", **BASE, "exporter_name": "Kalvora Optics", "exporter_country": "BY"},
        {"shipment_id": "S3", **BASE, "exporter_name": "OOO Zorvex Instruments", "exporter_country": "BY"},
        {"shipment_id": "S4", **BASE, "exporter_name": "Zorvex Instruments Trading", "exporter_country": "BY"},
    ])


def _party(row: dict[str, Any]) -> dict[str, Any]:
    return next(f for f in row["findings"] if f["family"] == "party")


def test_party_key_ignores_case_legal_form_and_script() -> None:
    assert party_key("ООО «Зорвекс Инструментс»") == party_key("Zorveks Instruments LLC")
    assert party_key("ООО «Зорвекс Инструментс»") != party_key("Zorvex Instruments")  # another spelling
    assert party_key("Zorvex Instruments GmbH") == party_key("zorvex  INSTRUMENTS")
    assert party_key("OOO Zorvex Instruments") == party_key("Zorvex Instruments LLC")
    assert party_key("Zorvex Instruments Trading") != party_key("Zorvex Instruments")


def test_decision_downgrades_the_same_match_on_the_next_run(tmp_path: Path, cli: Any) -> None:
    lst = write_list(tmp_path / "v1.yaml", "1", [ZORVEX, KALVORA])
    db = tmp_path / "audit.sqlite"
    ships = _shipments(tmp_path)
    cli("screen", ships, "--lists", lst, "--out", tmp_path / "r1.csv", "--db", db, "-q")
    first = read_results(tmp_path / "r1.csv")
    assert {sid: r["verdict"] for sid, r in first.items()} == {"S1": "BLOCK", "S2": "BLOCK", "S3": "BLOCK",
                                                               "S4": "BLOCK"}
    assert _party(first["S1"])["evidence"]["entry_hash"]

    row = first["S1"]["row_number"]
    cli("decide", "false-positive", "--results", tmp_path / "r1.csv", "--row", row, "--lists", lst,
        "--reason", "different company: German registry HRB 1234", "--reviewer", "J. Smith", "--db", db)

    cli("screen", ships, "--lists", lst, "--out", tmp_path / "r2.csv", "--db", db, "-q")
    second = read_results(tmp_path / "r2.csv")
    # S1 and S3 name the same party (legal forms aside): cleared, citing the decision.
    for sid in ("S1", "S3"):
        f = _party(second[sid])
        assert second[sid]["verdict"] == "CLEAR", second[sid]["reasons"]
        assert f["severity"] == "info"
        assert f["evidence"]["decision"]["id"] == 1
        assert f["evidence"]["decision"]["reviewer"] == "J. Smith"
        assert "decision #1" in f["message"] and "German registry" in f["message"]
    # Another party name, or another entry, is not covered.
    assert second["S4"]["verdict"] == "BLOCK"
    assert second["S2"]["verdict"] == "BLOCK"

    # The Python API applies the store too.
    screener = Screener.load(lists=[lst], db=db)
    res = screener.screen({"shipment_id": "X", **BASE, "exporter_name": "zorvex instruments",
                           "exporter_country": "BY"})
    assert res.verdict.value == "CLEAR"
    assert Screener.load(lists=[lst], db=False).screen(
        {"shipment_id": "X", **BASE, "exporter_name": "zorvex instruments", "exporter_country": "BY"}
    ).verdict.value == "BLOCK"


def test_changed_list_entry_stops_the_decision(tmp_path: Path, cli: Any) -> None:
    v1 = write_list(tmp_path / "v1.yaml", "1", [ZORVEX])
    db = tmp_path / "audit.sqlite"
    ships = _shipments(tmp_path)
    cli("decide", "false-positive", "--party", "Zorvex Instruments GmbH", "--entry", "wl:zorvex", "--lists", v1,
        "--reason", "other company", "--reviewer", "J. Smith", "--db", db)
    cli("screen", ships, "--lists", v1, "--out", tmp_path / "r1.csv", "--db", db, "-q")
    assert read_results(tmp_path / "r1.csv")["S1"]["verdict"] == "CLEAR"

    # The list publisher adds an alias to the entry: the reviewer judged another version.
    changed = {**ZORVEX, "aliases": [*ZORVEX["aliases"], "ZI Holding"]}
    v2 = write_list(tmp_path / "v2.yaml", "2", [changed])
    cli("screen", ships, "--lists", v2, "--out", tmp_path / "r2.csv", "--db", db, "-q")
    row = read_results(tmp_path / "r2.csv")["S1"]
    f = _party(row)
    assert row["verdict"] == "BLOCK"
    assert f["severity"] == "block"
    assert f["evidence"]["stale_decision"]["id"] == 1
    assert "has changed since" in f["message"]

    # A listing change counts as well; a harmless remark does not.
    relisted = {**ZORVEX, "listings": [{**ZORVEX["listings"][0], "listed_on": "2023-05-05"}]}
    remark = {**ZORVEX, "remarks": "re-published"}
    for variant, verdict in ((relisted, "BLOCK"), (remark, "CLEAR")):
        lst = write_list(tmp_path / "v3.yaml", "3", [variant])
        res = Screener.load(lists=[lst], db=db).screen({"shipment_id": "S1", **BASE,
                                                        "exporter_name": "Zorvex Instruments GmbH",
                                                        "exporter_country": "BY"})
        assert res.verdict.value == verdict


def test_decision_scoped_to_a_country(tmp_path: Path) -> None:
    lst = write_list(tmp_path / "v1.yaml", "1", [ZORVEX])
    db = tmp_path / "audit.sqlite"
    screener = Screener.load(lists=[lst], db=False)
    with open_store(db) as store:
        record(store, decision_for_entity(screener.entities["wl:zorvex"], party_name="Zorvex Instruments",
                                          party_country="PL", reason="Polish namesake", reviewer="A"))
    screener = Screener.load(lists=[lst], db=db)
    pl = screener.screen({"shipment_id": "1", **BASE, "exporter_name": "Zorvex Instruments", "exporter_country": "PL"})
    by = screener.screen({"shipment_id": "2", **BASE, "exporter_name": "Zorvex Instruments", "exporter_country": "BY"})
    assert pl.verdict.value == "CLEAR"
    assert by.verdict.value != "CLEAR"


def test_revoked_decision_no_longer_applies(tmp_path: Path, cli: Any) -> None:
    lst = write_list(tmp_path / "v1.yaml", "1", [ZORVEX])
    db = tmp_path / "audit.sqlite"
    cli("decide", "false-positive", "--party", "Zorvex Instruments", "--entry", "wl:zorvex", "--lists", lst,
        "--reason", "other company", "--reviewer", "J. Smith", "--db", db)
    ship = {"shipment_id": "1", **BASE, "exporter_name": "Zorvex Instruments", "exporter_country": "BY"}
    assert Screener.load(lists=[lst], db=db).screen(ship).verdict.value == "CLEAR"
    cli("decide", "revoke", "1", "--reason", "registry check failed", "--reviewer", "K. Lee", "--db", db)
    assert Screener.load(lists=[lst], db=db).screen(ship).verdict.value == "BLOCK"
    with open_store(db) as store:
        kinds = [d.kind for d in list_decisions(store)]
    assert kinds == ["false_positive", "revoked"]


def test_decisions_list_and_export(tmp_path: Path, cli: Any) -> None:
    lst = write_list(tmp_path / "v1.yaml", "1", [ZORVEX])
    db = tmp_path / "audit.sqlite"
    cli("decide", "false-positive", "--party", "Zorvex Instruments", "--entry", "wl:zorvex", "--lists", lst,
        "--reason", "=HYPERLINK(\"x\")", "--reviewer", "J. Smith", "--db", db)
    cli("decide", "release", "S9", "--reason", "licence LT-1", "--reviewer", "K. Lee", "--db", db)
    cli("decide", "hold", "S8", "--reason", "consignee unclear", "--reviewer", "K. Lee", "--db", db)
    out = cli("decisions", "list", "--json", "--db", db).stdout.strip().splitlines()
    assert len(out) == 3
    cli("decisions", "export", "--out", tmp_path / "d.csv", "--db", db)
    text = (tmp_path / "d.csv").read_text(encoding="utf-8")
    assert "'=HYPERLINK" in text and "released" in text and "held" in text
    cli("decisions", "export", "--out", tmp_path / "d.json", "--db", db)
    import json

    data = json.loads((tmp_path / "d.json").read_text(encoding="utf-8"))
    assert [d["kind"] for d in data] == ["false_positive", "released", "held"]
    assert data[0]["entry_hash"] and data[0]["party_key"] == party_key("Zorvex Instruments")


def test_decision_needs_reason_reviewer_and_a_known_entry(tmp_path: Path, cli: Any) -> None:
    db = tmp_path / "audit.sqlite"
    with open_store(db) as store, pytest.raises(ComplianceError, match="reason"):
        record(store, Decision(kind="released", shipment_id="S1", reason=" ", reviewer="A"))
    r = cli("decide", "false-positive", "--party", "X", "--entry", "nope:1", "--reason", "r", "--reviewer", "a",
            "--db", db, code=2)
    assert "not in the loaded lists" in r.output


def test_results_row_with_several_matches_needs_an_entry(tmp_path: Path, cli: Any) -> None:
    lst = write_list(tmp_path / "v1.yaml", "1", [ZORVEX, KALVORA])
    db = tmp_path / "audit.sqlite"
    ships = write_shipments(tmp_path / "s.csv", [{"shipment_id": "S1", **BASE, "exporter_name": "Zorvex Instruments",
                                                  "consignee_name": "Kalvora Optics"}])
    cli("screen", ships, "--lists", lst, "--out", tmp_path / "r.csv", "--db", db, "-q")
    r = cli("decide", "false-positive", "--results", tmp_path / "r.csv", "--row", "1", "--lists", lst,
            "--reason", "r", "--reviewer", "a", "--db", db, code=2)
    assert "--entry" in r.output
    cli("decide", "false-positive", "--results", tmp_path / "r.csv", "--row", "1", "--entry", "wl:kalvora",
        "--lists", lst, "--reason", "r", "--reviewer", "a", "--db", db)
    cli("screen", ships, "--lists", lst, "--out", tmp_path / "r2.csv", "--db", db, "-q")
    f = {x["list_entry_id"]: x["severity"] for x in read_results(tmp_path / "r2.csv")["S1"]["findings"]
         if x["family"] == "party"}
    assert f == {"wl:kalvora": "info", "wl:zorvex": "block"}


def test_meta_names_the_decisions_in_force_and_rescreen_explains(tmp_path: Path, cli: Any) -> None:
    import csv
    import json

    lst = write_list(tmp_path / "v1.yaml", "1", [ZORVEX])
    db = tmp_path / "audit.sqlite"
    ships = _shipments(tmp_path)
    cli("screen", ships, "--lists", lst, "--out", tmp_path / "r1.csv", "--db", db, "-q")
    assert "decisions" not in json.loads((tmp_path / "r1.csv.meta.json").read_text(encoding="utf-8"))
    cli("decide", "false-positive", "--results", tmp_path / "r1.csv", "--row", "1", "--lists", lst,
        "--reason", "namesake", "--reviewer", "J. Smith", "--db", db)
    cli("rescreen", tmp_path / "r1.csv", "--lists", lst, "--db", db, "--out", tmp_path / "c.csv")
    with (tmp_path / "c.csv").open(encoding="utf-8") as f:
        rows = {r["shipment_id"]: r for r in csv.DictReader(f)}
    assert set(rows) == {"S1", "S3"}
    assert all("decision #1 by J. Smith" in r["why"] for r in rows.values())
    log = [json.loads(x) for x in cli("audit", "log", "--json", "--db", db).stdout.splitlines()]
    assert log[-1]["details"]["decisions"]["false_positive_active"] == 1
    assert any("false-positive decisions in force: 0" in n for n in log[-1]["details"]["version_changes"])
