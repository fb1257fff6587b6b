"""The audit log is append-only and tamper-evident; every result set carries its provenance."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from compliance import __version__
from compliance.audit import open_store

from .conftest import entity, write_list, write_shipments

BASE = {"hs_code": "620342", "destination_country": "DE", "date": "2026-03-02"}


def _screen(tmp: Path, cli: Any, db: Path, out: str = "r.csv") -> Path:
    lst = write_list(tmp / "v1.yaml", "2026.1", [entity("wl:zorvex", "Zorvex Instruments")])
    ships = write_shipments(tmp / "s.csv", [{"shipment_id": "S1", **BASE, "exporter_name": "Zorvex Instruments"},
                                            {"shipment_id": "S2", **BASE}])
    cli("screen", ships, "--lists", lst, "--out", tmp / out, "--db", db, "-q")
    return tmp / out


def test_log_records_who_what_and_versions(tmp_path: Path, cli: Any) -> None:
    db = tmp_path / "a.sqlite"
    _screen(tmp_path, cli, db)
    with open_store(db) as store:
        (entry,) = store.log()
        history = store.shipment_history("S1")
    d = entry.details
    assert entry.action == "screen" and entry.actor
    assert d["rows"] == 2 and d["counts"] == {"BLOCK": 1, "CLEAR": 1}
    assert d["provenance"]["tool_version"] == __version__
    assert d["provenance"]["rules"]["sha256"]
    assert {x["name"]: x["version"] for x in d["provenance"]["lists"]}["watchlist"] == "2026.1"
    assert d["inputs"][0]["sha256"] and d["output"]["sha256"]
    assert [(h["verdict"], h["rule_ids"]) for h in history] == [("BLOCK", "BY-PARTY-LISTED")]
    r = cli("audit", "shipment", "S1", "--db", db)
    assert "BLOCK" in r.stderr


def test_log_is_append_only(tmp_path: Path, cli: Any) -> None:
    db = tmp_path / "a.sqlite"
    _screen(tmp_path, cli, db)
    cli("decide", "hold", "S1", "--reason", "check", "--reviewer", "K", "--db", db)
    conn = sqlite3.connect(db)
    for sql in ("UPDATE audit_log SET actor = 'mallory'", "DELETE FROM audit_log",
                "UPDATE screened_rows SET verdict = 'CLEAR'", "DELETE FROM decisions"):
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            conn.execute(sql)
    conn.close()
    cli("audit", "verify", "--db", db)


@pytest.mark.parametrize("table,sql", [
    ("audit_log", "UPDATE audit_log SET actor = 'mallory' WHERE seq = 1"),
    ("audit_log", "DELETE FROM audit_log WHERE seq = 1"),
    ("audit_log", "DELETE FROM audit_log WHERE seq = 2"),  # the newest entry
    ("screened_rows", "UPDATE screened_rows SET verdict = 'CLEAR' WHERE shipment_id = 'S1'"),
])
def test_tampering_is_detected(tmp_path: Path, cli: Any, table: str, sql: str) -> None:
    db = tmp_path / "a.sqlite"
    _screen(tmp_path, cli, db)
    cli("decide", "release", "S1", "--reason", "ok", "--reviewer", "K", "--db", db)
    conn = sqlite3.connect(db)
    # Someone with raw access drops the guard and edits history.
    conn.execute(f"DROP TRIGGER {table}_no_update")
    conn.execute(f"DROP TRIGGER {table}_no_delete")
    conn.execute(sql)
    conn.commit()
    conn.close()
    r = cli("audit", "verify", "--db", db, code=1)
    assert "tampered" in r.stderr


def test_audit_commands_without_a_store_are_usage_errors(tmp_path: Path, cli: Any) -> None:
    r = cli("audit", "log", "--db", tmp_path / "none.sqlite", code=2)
    assert "no audit store" in r.output
    assert not (tmp_path / "none.sqlite").exists()


def test_default_store_applies_when_it_exists(tmp_path: Path, cli: Any) -> None:
    from compliance.audit import default_db_path

    lst = write_list(tmp_path / "v1.yaml", "2026.1", [entity("wl:zorvex", "Zorvex Instruments")])
    ships = write_shipments(tmp_path / "s.csv", [{"shipment_id": "S1", **BASE, "exporter_name": "Zorvex Instruments"}])
    cli("screen", ships, "--lists", lst, "--out", tmp_path / "r.csv", "-q")
    assert not default_db_path().exists()  # no store is created by screening
    cli("decide", "false-positive", "--party", "Zorvex Instruments", "--entry", "wl:zorvex", "--lists", lst,
        "--reason", "namesake", "--reviewer", "J")
    assert default_db_path().exists()
    cli("screen", ships, "--lists", lst, "--out", tmp_path / "r.csv", "-q")
    assert "CLEAR" in (tmp_path / "r.csv").read_text(encoding="utf-8")
    cli("screen", ships, "--lists", lst, "--out", tmp_path / "r.csv", "-q", "--no-db")
    assert "BLOCK" in (tmp_path / "r.csv").read_text(encoding="utf-8")
    actions = [json.loads(x)["action"] for x in cli("audit", "log", "--json").stdout.splitlines()]
    assert actions == ["decide:false_positive", "screen"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "parquet", "jsonl"])
def test_meta_json_beside_the_results(tmp_path: Path, cli: Any, fmt: str) -> None:
    out = _screen(tmp_path, cli, tmp_path / "a.sqlite", out=f"r.{fmt}")
    meta = json.loads(Path(str(out) + ".meta.json").read_text(encoding="utf-8"))
    assert meta["tool_version"] == __version__
    assert meta["rules"]["version"] and len(meta["rules"]["sha256"]) == 64
    names = {x["name"]: x for x in meta["lists"]}
    assert {"curated-belarus", "watchlist"} <= set(names)
    assert names["watchlist"]["version"] == "2026.1" and names["watchlist"]["sha256"]
    assert str(names["watchlist"]["date"]) == "2026-01-01"
    assert meta["jurisdiction"] == "EU" and "as_of" in meta and meta["run_at"]
    if fmt == "jsonl":  # still one result per line, nothing else
        lines = out.read_text(encoding="utf-8").splitlines()
        assert len(lines) == 2 and all("verdict" in json.loads(x) for x in lines)


def test_json_output_carries_meta(tmp_path: Path, cli: Any) -> None:
    out = _screen(tmp_path, cli, tmp_path / "a.sqlite", out="r.json")
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["meta"]["rules"]["sha256"] and len(data["results"]) == 2
    assert not Path(str(out) + ".meta.json").exists()
