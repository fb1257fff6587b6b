"""HTTP service contract (section 5) with TestClient, and one real `compliance serve`."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from compliance.api import create_app
from compliance.screener import Screener

POTASH = {"shipment_id": "1", "hs_code": "3104 20 50", "destination_country": "PL", "origin_country": "BY",
          "exporter_name": "JSC Belaruskali", "exporter_country": "BY", "date": "2026-03-01"}
CLEAN = {"shipment_id": "2", "hs_code": "9403.60", "destination_country": "DE", "date": "2026-03-01"}


@pytest.fixture(scope="module")
def screener() -> Screener:
    return Screener.load(include_imported=False)


@pytest.fixture()
def client(screener: Screener) -> Iterator[TestClient]:
    with TestClient(create_app(screener, api_keys=[], max_body_bytes=50_000)) as c:
        yield c


@pytest.fixture()
def keyed(screener: Screener) -> Iterator[TestClient]:
    with TestClient(create_app(screener, api_keys=["k1", "k2"])) as c:
        yield c


def test_screen_one(client: TestClient) -> None:
    r = client.post("/v1/screen", json=POTASH)
    assert r.status_code == 200
    body = r.json()
    assert body["result"]["verdict"] == "BLOCK"
    assert "BY-SECT-POTASH" in body["result"]["rule_ids"]
    assert body["result"]["shipment_id"] == "1"
    assert body["provenance"]["rules"]["version"] and body["provenance"]["lists"]
    assert r.headers["X-Request-ID"]


def test_screen_bad_field_is_422_naming_it(client: TestClient) -> None:
    r = client.post("/v1/screen", json={**CLEAN, "hs_code": "84"})
    assert r.status_code == 422
    assert any(d["field"] == "hs_code" for d in r.json()["detail"])
    assert "Traceback" not in r.text
    r = client.post("/v1/screen", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 422


def test_batch_json_and_csv_in_order(client: TestClient) -> None:
    rows = [POTASH, CLEAN, {**CLEAN, "shipment_id": "3", "destination_country": "Narnia"}]
    r = client.post("/v1/screen/batch", json=rows)
    assert r.status_code == 200
    out = r.json()["results"]
    assert [x["shipment_id"] for x in out] == ["1", "2", "3"]
    assert [x["verdict"] for x in out] == ["BLOCK", "CLEAR", "ERROR"]
    assert "destination_country" in out[2]["error"]
    csv_body = "shipment_id;hs_code;destination_country;origin_country\nA;3104 20 50;PL;BY\nB;9403.60;DE;\n"
    r = client.post("/v1/screen/batch", content=csv_body.encode(), headers={"content-type": "text/csv"})
    assert [x["verdict"] for x in r.json()["results"]] == ["BLOCK", "CLEAR"]


def test_batch_ndjson_stream(client: TestClient) -> None:
    rows = [{**CLEAN, "shipment_id": str(i)} for i in range(50)]
    r = client.post("/v1/screen/batch", json=rows, headers={"accept": "application/x-ndjson"})
    lines = [json.loads(x) for x in r.text.splitlines()]
    assert "provenance" in lines[0]
    assert [x["shipment_id"] for x in lines[1:]] == [str(i) for i in range(50)]


def test_match_rules_lists_health(client: TestClient) -> None:
    r = client.post("/v1/match", json={"name": "ААТ «Гродна Азот»", "country": "Беларусь"})
    assert r.json()["matches"][0]["entity_id"] == "curated:grodno-azot"
    assert client.post("/v1/match", json={"name": ""}).status_code == 422
    assert any(x["id"] == "BY-SECT-POTASH" for x in client.get("/v1/rules").json()["rules"])
    assert client.get("/v1/lists").json()["lists"][0]["name"] == "curated-belarus"
    assert client.get("/v1/health").json()["status"] == "ok"
    assert client.get("/openapi.json").status_code == 200


def test_body_limit_413(client: TestClient) -> None:
    rows = [{**CLEAN, "description": "x" * 1000, "shipment_id": str(i)} for i in range(100)]
    r = client.post("/v1/screen/batch", json=rows)
    assert r.status_code == 413


def test_api_keys(keyed: TestClient) -> None:
    assert keyed.get("/v1/health").status_code == 200
    assert keyed.post("/v1/screen", json=CLEAN).status_code == 401
    assert keyed.post("/v1/screen", json=CLEAN, headers={"X-API-Key": "wrong"}).status_code == 401
    assert keyed.post("/v1/screen", json=CLEAN, headers={"X-API-Key": "k2"}).status_code == 200


def test_reload_swaps_lists(client: TestClient) -> None:
    r = client.post("/v1/lists/reload")
    assert r.status_code == 200 and r.json()["status"] == "reloaded"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_real_server() -> None:
    port = _free_port()
    env = {**os.environ, "COMPLIANCE_API_KEYS": "secret"}
    proc = subprocess.Popen([sys.executable, "-m", "compliance", "serve", "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/health", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                time.sleep(0.3)
        req = urllib.request.Request(f"http://127.0.0.1:{port}/v1/screen", data=json.dumps(POTASH).encode(),
                                     headers={"content-type": "application/json", "X-API-Key": "secret"})
        with urllib.request.urlopen(req, timeout=10) as resp:
            assert json.loads(resp.read())["result"]["verdict"] == "BLOCK"
    finally:
        proc.terminate()
        proc.wait(timeout=30)
