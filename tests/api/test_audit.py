"""The HTTP service and the audit trail: logged screenings, the quota ledger, decisions."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from compliance.audit import open_store
from compliance.screener import Screener
from tests.api.conftest import CLEAN, POTASH


@pytest.fixture()
def db(tmp_path: Path) -> Path:
    return tmp_path / "audit.sqlite"


@pytest.fixture()
def fresh() -> Screener:
    """Decisions change a screener's hook: not the session one."""
    return Screener.load(include_imported=False, db=False)


def _flush(c: TestClient) -> None:
    """Wait for the background writer (it also drains on shutdown)."""
    c.app.state.audit.writer.flush()  # type: ignore[attr-defined]


def test_screenings_are_logged_with_the_key_name_never_the_key(make_client: Callable[..., TestClient],
                                                               db: Path) -> None:
    c = make_client(db=db, api_keys=["erp:s3cret-key", "bare-key-123"])
    assert c.post("/v1/screen", json=POTASH, headers={"X-API-Key": "s3cret-key"}).status_code == 200
    r = c.post("/v1/screen/batch", json=[POTASH, CLEAN, {"hs_code": "x"}], headers={"X-API-Key": "bare-key-123"})
    assert r.status_code == 200
    csv = "shipment_id,hs_code,destination_country\n7,940360,DE\n"
    r = c.post("/v1/screen/batch", content=csv, headers={"X-API-Key": "s3cret-key", "content-type": "text/csv",
                                                          "accept": "application/x-ndjson"})
    assert r.status_code == 200 and r.text.count("\n") == 3
    _flush(c)
    with open_store(db) as store:
        entries = store.log()
        assert [e.action for e in entries] == ["screen"] * 3
        assert entries[0].actor == "api:erp" and entries[2].actor == "api:erp"
        assert entries[1].actor.startswith("api:key-") and "bare-key" not in entries[1].actor
        assert entries[0].details["counts"] == {"BLOCK": 1} and entries[0].details["rows"] == 1
        assert entries[1].details["counts"] == {"BLOCK": 1, "CLEAR": 1, "ERROR": 1}
        assert entries[2].details["inputs"][0]["format"] == "csv" and entries[2].details["rows"] == 1
        assert entries[0].details["provenance"]["rules"]["sha256"]
        assert entries[0].details["request_id"]
        assert all("s3cret" not in e.model_dump_json() for e in entries)
        assert [h["verdict"] for h in store.shipment_history("1")] == ["BLOCK", "BLOCK"]
        assert store.verify_log() == []


def test_no_store_no_log(make_client: Callable[..., TestClient], db: Path) -> None:
    c = make_client(db=False)
    assert c.post("/v1/screen", json=POTASH).status_code == 200
    assert c.get("/v1/decisions").status_code == 409
    assert not db.exists()


def _quota_row(sid: str, value: float) -> dict[str, object]:
    return {"shipment_id": sid, "hs_code": "3105 20", "destination_country": "KZ", "value": value,
            "currency": "EUR", "date": "2026-03-10"}


def _quota_flagged(result: dict[str, object]) -> bool:
    return "quota" in str(result.get("rule_ids")) or "cumulative" in str(result.get("reasons"))


def test_quota_ledger_counts_single_calls_and_batches_idempotently(make_client: Callable[..., TestClient],
                                                                  db: Path, screener: Screener) -> None:
    rule = next(r for r in screener.bundle.rules if r.family.value == "circumvention" and r.kind == "quota")
    limit = float(rule.params["limit_eur"])
    goods = screener.bundle.goods[rule.id][0].code
    row = lambda sid, v: {**_quota_row(sid, v), "hs_code": goods.ljust(6, "0")}  # noqa: E731
    c = make_client(db=db)
    first = c.post("/v1/screen", json=row("Q1", limit * 0.6)).json()["result"]
    again = c.post("/v1/screen", json=row("Q1", limit * 0.6)).json()["result"]  # the same declaration again
    assert not _quota_flagged(first) and not _quota_flagged(again), "a shipment seen twice counted twice"
    batch = c.post("/v1/screen/batch", json=[row("Q2", limit * 0.6)]).json()["results"][0]
    assert _quota_flagged(batch), batch
    assert _quota_flagged(c.post("/v1/screen", json=row("Q3", 1.0)).json()["result"])  # after the limit
    assert not _quota_flagged(c.post("/v1/screen", json=row("Q1", limit * 0.6)).json()["result"])  # still first
    assert _quota_flagged(c.post("/v1/screen", json=row("Q2", limit * 0.6)).json()["result"])  # still the crosser
    with open_store(db) as store:
        rows = store.conn.execute("SELECT shipment_id FROM quota_ledger WHERE rule_id = ? ORDER BY pos",
                                  (rule.id,)).fetchall()
        assert [r[0] for r in rows] == ["Q1", "Q2", "Q3"]


def test_decisions_over_http_apply_to_later_screenings(make_client: Callable[..., TestClient], db: Path,
                                                       fresh: Screener) -> None:
    c = make_client(db=db, screener=fresh, loader=lambda: fresh, api_keys=["desk:k"])
    h = {"X-API-Key": "k"}
    party = {"shipment_id": "D1", "hs_code": "940360", "destination_country": "DE",
             "consignee_name": "Belaruskali", "consignee_country": "DE", "date": "2026-03-01"}
    before = c.post("/v1/screen", json=party, headers=h).json()["result"]
    finding = next(f for f in before["findings"] if f["family"] == "party" and f.get("list_entry_id"))
    assert finding["severity"] != "info"
    r = c.post("/v1/decisions", headers=h, json={
        "kind": "false_positive", "party_name": "Belaruskali", "list_entry_id": finding["list_entry_id"],
        "entry_hash": finding["evidence"].get("entry_hash"), "reason": "other company", "reviewer": "J. Smith"})
    assert r.status_code == 201, r.text
    decision = r.json()["decision"]
    assert decision["id"] and decision["reviewer"] == "J. Smith" and "api:desk" in decision["source"]
    after = c.post("/v1/screen", json=party, headers=h).json()["result"]
    lowered = next(f for f in after["findings"] if f.get("list_entry_id") == finding["list_entry_id"])
    assert lowered["severity"] == "info" and lowered["evidence"]["decision"]["id"] == decision["id"]
    assert c.post("/v1/decisions", headers=h, json={"kind": "released", "shipment_id": "D1",
                                                    "reason": "checked"}).json()["decision"]["reviewer"] == "api:desk"
    listed = c.get("/v1/decisions", headers=h).json()["decisions"]
    assert [d["kind"] for d in listed] == ["false_positive", "released"]
    assert c.get("/v1/decisions?kind=held", headers=h).json()["decisions"] == []
    # Bad input names the field.
    r = c.post("/v1/decisions", headers=h, json={"kind": "false_positive", "party_name": "X", "reason": "r"})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "list_entry_id"
    r = c.post("/v1/decisions", headers=h, json={"kind": "false_positive", "party_name": "X", "reason": "r",
                                                 "list_entry_id": "nope:1"})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "list_entry_id"
    r = c.post("/v1/decisions", headers=h, json={"kind": "revoked", "revokes": 999, "reason": "r"})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "revokes"
    # Revoking brings the finding back.
    assert c.post("/v1/decisions", headers=h, json={"kind": "revoked", "revokes": decision["id"],
                                                    "reason": "wrong"}).status_code == 201
    back = c.post("/v1/screen", json=party, headers=h).json()["result"]
    assert next(f for f in back["findings"] if f.get("list_entry_id") == finding["list_entry_id"])["severity"] != "info"
    with open_store(db) as store:
        actions = [e.action for e in store.log()]
        assert "decide:false_positive" in actions and "decide:revoked" in actions


def test_serve_options_reach_the_app(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, screener: Screener) -> None:
    """``compliance serve --rules --lists --jurisdiction --db`` -> every worker's app_factory."""
    from compliance import settings
    from compliance.api.app import app_factory

    own = tmp_path / "own.yaml"
    own.write_text("version: '3'\ndate: 2026-11-01\nentities:\n  - id: own:acme\n    kind: organization\n"
                   "    name: Acme Diversion Trading\n    countries: [AE]\n    listings:\n"
                   "      - {regime: EU, program: test, measure: asset_freeze, legal_basis: test, confidence: confirmed}\n")
    db = tmp_path / "serve.sqlite"
    monkeypatch.setenv(settings.SERVE_OPTIONS_VAR, "")  # restored after the test
    settings.export_serve_options({"rules_dir": str(screener.bundle.path), "lists": [str(own)],
                                   "jurisdiction": "LT", "db": str(db)})
    with TestClient(app_factory()) as c:
        prov = c.post("/v1/screen", json=CLEAN).json()["provenance"]
        assert prov["jurisdiction"] == "LT" and any(x["name"] == "own" or "own" in x["name"] for x in prov["lists"])
        assert c.post("/v1/match", json={"name": "Acme Diversion Trading"}).json()["matches"][0]["entity_id"] == "own:acme"
        _flush(c)
    with open_store(db) as store:
        assert store.log()[0].details["provenance"]["jurisdiction"] == "LT"


def test_a_streamed_jsonl_batch_is_logged_with_its_error_rows(make_client: Callable[..., TestClient], db: Path) -> None:
    c = make_client(db=db)
    body = b'{"shipment_id": "1", "hs_code": "940360", "destination_country": "DE"}\n' * 3 + b"\xff{not json\n"
    r = c.post("/v1/screen/batch", content=body, headers={"content-type": "application/x-ndjson",
                                                         "accept": "application/x-ndjson"})
    assert r.status_code == 200
    _flush(c)
    with open_store(db) as store:
        entries = store.log()
    assert len(entries) == 1 and entries[0].details["inputs"][0]["format"] == "jsonl"
    assert entries[0].details["rows"] == 4 and entries[0].details["counts"].get("ERROR") == 1
