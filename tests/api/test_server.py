"""A real `compliance serve` on 127.0.0.1: concurrency, chunked 413, JSON log, graceful SIGTERM.

Each server is started once per module and every request loop is bounded (issue 5 and 6).
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from .conftest import CLEAN, POTASH

KEY = "s3cret"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    def __init__(self, tmp: Path, *args: str, env: dict[str, str] | None = None) -> None:
        self.port = _free_port()
        self.log = tmp / "server.log"
        self._log_fh = self.log.open("wb")
        full_env = {**os.environ, "COMPLIANCE_API_KEYS": KEY, "COMPLIANCE_DATA_DIR": str(tmp / "data"), **(env or {})}
        self.proc = subprocess.Popen([sys.executable, "-m", "compliance", "serve", "--port", str(self.port), *args],
                                     env=full_env, stdout=subprocess.DEVNULL, stderr=self._log_fh)
        deadline = time.time() + 90
        while time.time() < deadline:
            assert self.proc.poll() is None, self.log.read_text()
            try:
                if self.request("GET", "/v1/health", timeout=2)[0] == 200:
                    return
            except OSError:
                time.sleep(0.2)
        raise AssertionError("server did not start: " + self.log.read_text())

    def conn(self, timeout: float = 30) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def request(self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None,
                timeout: float = 30) -> tuple[int, dict[str, str], bytes]:
        c = self.conn(timeout)
        try:
            data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
            c.request(method, path, body=data, headers={"content-type": "application/json", "X-API-Key": KEY,
                                                        **(headers or {})})
            r = c.getresponse()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
        finally:
            c.close()

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout=30)
        finally:
            self._log_fh.close()
        return rc


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("serve")
    s = Server(tmp, "--workers", "2", "--json-log", "--db", str(tmp / "audit.sqlite"), "--jurisdiction", "EU",
               env={"COMPLIANCE_MAX_BODY_BYTES": "1000000"})
    yield s
    s.stop()


def test_real_server_screens(server: Server) -> None:
    status, headers, body = server.request("POST", "/v1/screen", POTASH)
    assert status == 200 and json.loads(body)["result"]["verdict"] == "BLOCK"
    assert headers["x-request-id"] and headers["x-rules-version"].startswith("belarus@")
    assert server.request("POST", "/v1/screen", POTASH, headers={"X-API-Key": "nope"})[0] == 401
    with urllib.request.urlopen(f"http://127.0.0.1:{server.port}/v1/health", timeout=10) as r:  # no key needed
        assert json.loads(r.read())["status"] == "ok"


def test_fifty_concurrent_clients_all_answered(server: Server) -> None:
    bodies: list[Any] = [POTASH, CLEAN, b"{broken", {**CLEAN, "hs_code": []}, b"\xff\xfe", {"name": "x"}]

    def one(i: int) -> int:
        path = "/v1/screen/batch" if i % 10 == 0 else "/v1/screen"
        body = [CLEAN] * 200 if i % 10 == 0 else bodies[i % len(bodies)]
        return server.request("POST", path, body, timeout=60)[0]

    with ThreadPoolExecutor(50) as pool:
        statuses = list(pool.map(one, range(150), timeout=120))
    expected = [200 if i % 10 == 0 or i % len(bodies) < 2 else 422 for i in range(150)]
    assert statuses == expected


def test_chunked_body_over_the_limit_is_413(server: Server) -> None:
    c = server.conn()
    try:
        c.putrequest("POST", "/v1/screen/batch")
        for k, v in {"content-type": "text/csv", "X-API-Key": KEY, "transfer-encoding": "chunked"}.items():
            c.putheader(k, v)
        c.endheaders()
        chunk = b"1,854231,DE\n" * 10_000
        sent = 0
        try:
            head = b"shipment_id,hs_code,destination_country\n"
            c.send(f"{len(head):x}\r\n".encode() + head + b"\r\n")
            while sent < 3_000_000:  # bounded: three times the server's 1 MB limit
                c.send(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                sent += len(chunk)
            c.send(b"0\r\n\r\n")
        except OSError:
            pass  # the server may close once it has answered
        r = c.getresponse()
        assert r.status == 413 and "larger than 1000000 bytes" in json.loads(r.read())["error"]
    finally:
        c.close()
    assert server.request("GET", "/v1/health")[0] == 200  # the worker is fine


def test_json_access_log_names_the_request_id(server: Server) -> None:
    server.request("POST", "/v1/screen", CLEAN, headers={"X-Request-ID": "trace-me-123"})
    deadline = time.time() + 10
    while time.time() < deadline:
        lines = [json.loads(x) for x in server.log.read_text().splitlines() if x.strip()]  # all JSON
        mine = [x for x in lines if x.get("request_id") == "trace-me-123"]
        if mine:
            break
        time.sleep(0.2)
    assert mine and mine[0]["status"] == 200 and mine[0]["path"] == "/v1/screen" and mine[0]["method"] == "POST"
    assert mine[0]["duration_ms"] >= 0 and mine[0]["ts"]
    assert all(isinstance(x, dict) and x["ts"] and x["level"] for x in lines)  # every line is one JSON object


@pytest.mark.parametrize("workers", ["1", "2"])
def test_sigterm_lets_the_request_in_flight_finish(tmp_path: Path, workers: str) -> None:
    srv = Server(tmp_path, "--workers", workers)
    rows = [{**CLEAN, "shipment_id": str(i)} for i in range(3000)]
    c = srv.conn(timeout=60)
    try:
        c.request("POST", "/v1/screen/batch", body=json.dumps(rows).encode(),
                  headers={"content-type": "application/json", "accept": "application/x-ndjson", "X-API-Key": KEY})
        r = c.getresponse()
        assert r.status == 200
        first = r.readline()
        assert b"provenance" in first
        srv.proc.send_signal(signal.SIGTERM)  # mid-stream
        rest = r.read().splitlines()
    finally:
        c.close()
    assert json.loads(rest[-1])["summary"]["rows"] == 3000
    assert len(rest) == 3001
    # uvicorn finishes in-flight work, then re-raises the signal (exit status = killed by SIGTERM).
    assert srv.stop() in (0, -signal.SIGTERM)
    assert "Finished server process" in srv.log.read_text()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", srv.port), timeout=1).close()


def test_reload_reaches_every_worker(server: Server, tmp_path: Path) -> None:
    own = tmp_path / "own.yaml"
    own.write_text("version: '3'\ndate: 2026-11-01\nentities:\n  - id: own:acme\n    kind: organization\n"
                   "    name: Acme Diversion Trading\n    countries: [AE]\n    listings:\n"
                   "      - {regime: EU, program: test, measure: asset_freeze, legal_basis: test, confidence: confirmed}\n")
    env = {**os.environ, "COMPLIANCE_DATA_DIR": str(server.log.parent / "data")}
    subprocess.run([sys.executable, "-m", "compliance", "lists", "import", str(own), "--name", "own-list"],
                   env=env, check=True, capture_output=True, timeout=60)
    assert server.request("POST", "/v1/lists/reload")[0] == 200
    deadline = time.time() + 15
    while True:  # the other worker follows within its poll interval (2 s)
        names = [[x["name"] for x in json.loads(server.request("GET", "/v1/lists")[2])["lists"]] for _ in range(12)]
        if all("own-list" in n for n in names) or time.time() > deadline:
            break
        time.sleep(0.5)
    assert all("own-list" in n for n in names), names


def test_audit_log_and_decisions_across_workers(server: Server) -> None:
    """Screenings of both workers are logged under the key's name; a decision recorded through
    one worker applies in the other within its poll interval."""
    party = {"shipment_id": "AUD-1", "hs_code": "940360", "destination_country": "DE",
             "consignee_name": "Belaruskali", "consignee_country": "DE", "date": "2026-03-01"}
    status, _, body = server.request("POST", "/v1/screen", party)
    assert status == 200
    finding = next(f for f in json.loads(body)["result"]["findings"] if f.get("list_entry_id"))
    status, _, body = server.request("POST", "/v1/decisions", {
        "kind": "false_positive", "party_name": "Belaruskali", "list_entry_id": finding["list_entry_id"],
        "entry_hash": finding["evidence"]["entry_hash"], "reason": "other company", "reviewer": "J. Smith"})
    assert status == 201, body
    deadline = time.time() + 15
    while True:  # every worker (connections land on either) lowers the match
        sev = [next(f for f in json.loads(server.request("POST", "/v1/screen", party)[2])["result"]["findings"]
                    if f.get("list_entry_id") == finding["list_entry_id"])["severity"] for _ in range(8)]
        if set(sev) == {"info"} or time.time() > deadline:
            break
        time.sleep(0.5)
    assert set(sev) == {"info"}, sev
    from compliance.audit import open_store

    deadline = time.time() + 10
    while True:  # the log writer is asynchronous
        with open_store(server.log.parent / "audit.sqlite") as store:
            history = store.shipment_history("AUD-1")
            problems = store.verify_log()
        if len(history) >= 9 or time.time() > deadline:
            break
        time.sleep(0.3)
    assert len(history) >= 9 and problems == []
    assert {h["actor"] for h in history} == {"api:" + history[0]["actor"].removeprefix("api:")}
    assert history[0]["actor"].startswith("api:key-") and KEY not in history[0]["actor"]
