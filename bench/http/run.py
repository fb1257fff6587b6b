"""bench/http: a bounded load test of a real `compliance serve` on 127.0.0.1 (issue 5).

Phases (about 30 s of load in all, every loop bounded in time):
  health      GET /v1/health, sequential: the HTTP floor of this machine
  single-seq  POST /v1/screen, one shipment, one client after the other
  single-c8   POST /v1/screen, 8 concurrent keep-alive clients
  batch-1000  POST /v1/screen/batch with 1,000 rows, sequential

Baselines measured in the same run: the same work in-process (Screener.screen and the batch
engine, no HTTP), so the ratios show what HTTP costs. Targets on a 2-core machine:
single p99 <= 25 ms sequential, >= 300 req/s at concurrency 8, a 1,000-row batch <= 1 s.

Load generator: `wrk` when installed (C, a few % of a core; Debian: apt-get install wrk),
else a small asyncio raw-socket HTTP/1.1 client in this file (no HTTP library in the loop).
Options: --workers N (default 2), --seconds S (scale of the phases, default 30), --no-access-log,
--audit (serve with an audit store: every screening logged, quota ledger kept).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

SINGLE = {
    "shipment_id": "SO-48807", "hs_code": "8542.31", "destination_country": "KZ", "description": "Microcontrollers",
    "exporter_name": "Müller Maschinenbau GmbH", "exporter_country": "DE", "consignee_name": "Astana Components TOO",
    "consignee_country": "KZ", "end_user_country": "RU", "value": 51000, "currency": "EUR", "date": "2026-03-02",
}
TARGETS = {"single-seq": ("p99", 25.0), "single-c8": ("req/s", 300.0), "batch-1000": ("p99", 1000.0)}


def batch_rows(n: int = 1000) -> list[dict[str, Any]]:
    """1,000 realistic rows: the sample weekly batch (200 rows, planted cases) repeated with new ids."""
    from compliance.io import open_input

    with open_input(REPO / "sample_shipments" / "weekly_batch.csv") as table:
        base = [dict(r.original) for r in table.rows()]
    rows = []
    for i in range(n):
        row = dict(base[i % len(base)])
        row["shipment_id"] = f"B{i:05d}"
        rows.append(row)
    return rows


def pct(samples: list[float], q: float) -> float:
    s = sorted(samples)
    return s[min(len(s) - 1, int(round(q / 100 * (len(s) - 1))))]


# In-process baselines ------------------------------------------------------------------------
def in_process(rows: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    from compliance import Screener
    from compliance.engine import iter_results
    from compliance.io import RawRow, result_record

    screener = Screener.load(include_imported=False)
    for _ in range(20):
        screener.screen(SINGLE)
    lat = []
    end = time.perf_counter() + 2
    while time.perf_counter() < end:
        t = time.perf_counter()
        result_record(screener.screen(SINGLE, row_number=1), list(SINGLE))
        lat.append((time.perf_counter() - t) * 1000)
    raws = [RawRow(i, r, r) for i, r in enumerate(rows, 1)]
    blat = []
    for _ in range(3):
        t = time.perf_counter()
        [result_record(r, list(r.input)) for r in iter_results(screener, [raws])]
        blat.append((time.perf_counter() - t) * 1000)
    return {"single": {"p50": pct(lat, 50), "p99": pct(lat, 99), "n": len(lat)},
            "batch": {"p50": pct(blat, 50), "p99": max(blat), "n": len(blat)}}


# The server ----------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(workers: int, access_log: bool, tmp: Path,
                 audit: bool = False) -> tuple[subprocess.Popen[bytes], int, Path]:
    port = free_port()
    log = tmp / "server.log"
    env = {**os.environ, "COMPLIANCE_DATA_DIR": str(tmp / "data")}
    env.pop("COMPLIANCE_API_KEYS", None)
    cmd = [sys.executable, "-m", "compliance", "serve", "--port", str(port), "--workers", str(workers),
           "--json-log", "--access-log" if access_log else "--no-access-log",
           *(["--db", str(tmp / "audit.sqlite")] if audit else ["--no-db"])]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=log.open("wb"), cwd=REPO)
    deadline = time.time() + 120
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit("server exited: " + log.read_text()[-2000:])
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/health", timeout=2):
                break
        except OSError:
            time.sleep(0.3)
    time.sleep(1.0 * workers)  # let every worker finish loading and warming up
    return proc, port, log


# Load generators -----------------------------------------------------------------------------
def run_wrk(port: int, path: str, body: bytes | None, conns: int, seconds: float) -> dict[str, float]:
    # The body is read from a file by the Lua script: no escaping of JSON inside Lua.
    tmp = Path(tempfile.mkdtemp(prefix="bench-wrk-"))
    script, bodyfile = tmp / "post.lua", tmp / "body"
    if body is not None:
        bodyfile.write_bytes(body)
        script.write_text('wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
                          f'local f = io.open("{bodyfile}", "rb")\nwrk.body = f:read("*all")\nf:close()\n')
    else:
        script.write_text("")
    out = subprocess.run(["wrk", "-t1", f"-c{conns}", f"-d{max(1, round(seconds))}s", "--latency", "--timeout", "30s",
                          "-s", str(script), f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True,
                         timeout=seconds + 60).stdout
    shutil.rmtree(tmp, ignore_errors=True)

    def ms(text: str) -> float:
        m = re.match(r"([\d.]+)(us|ms|s|m)", text)
        assert m, text
        return float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[m.group(2)]

    def dist(q: str) -> float:
        m = re.search(rf"^\s+{q}%\s+(\S+)", out, re.M)
        return ms(m.group(1)) if m else float("nan")

    reqs = re.search(r"(\d+) requests in", out)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sock = re.search(r"Socket errors: (.*)", out)
    return {"n": float(reqs.group(1)) if reqs else 0.0,
            "req/s": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
            "p50": dist("50"), "p99": dist("99"),
            "errors": float(errors.group(1)) if errors else 0.0, "socket_errors": sock.group(1) if sock else ""}


async def _client(port: int, request: bytes, until: float, lat: list[float], errors: list[int]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while time.perf_counter() < until:
            t = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1])
            m = re.search(rb"(?i)content-length:\s*(\d+)", head)
            await reader.readexactly(int(m.group(1)) if m else 0)
            lat.append((time.perf_counter() - t) * 1000)
            if status >= 300:
                errors.append(status)
    finally:
        writer.close()


def run_asyncio(port: int, path: str, body: bytes | None, conns: int, seconds: float) -> dict[str, float]:
    method = "POST" if body is not None else "GET"
    request = (f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
               f"Content-Length: {len(body or b'')}\r\n\r\n").encode() + (body or b"")
    lat: list[float] = []
    errors: list[int] = []

    async def main() -> float:
        start = time.perf_counter()
        until = start + seconds
        await asyncio.wait_for(asyncio.gather(*(_client(port, request, until, lat, errors) for _ in range(conns))),
                               timeout=seconds + 60)
        return time.perf_counter() - start

    elapsed = asyncio.run(main())
    return {"n": float(len(lat)), "req/s": len(lat) / elapsed, "p50": pct(lat, 50), "p99": pct(lat, 99),
            "errors": float(len(errors)), "socket_errors": ""}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--no-access-log", dest="access_log", action="store_false",
                    help="turn off the JSON access log (on by default, as in production)")
    ap.add_argument("--client", choices=["auto", "wrk", "asyncio"], default="auto")
    ap.add_argument("--audit", action="store_true",
                    help="serve with an audit store (--db): every screening logged, the quota ledger kept")
    args = ap.parse_args()
    use_wrk = args.client == "wrk" or (args.client == "auto" and shutil.which("wrk") is not None)
    gen = run_wrk if use_wrk else run_asyncio
    scale = args.seconds / 30.0

    rows = batch_rows()
    batch_body = json.dumps(rows).encode()
    single_body = json.dumps(SINGLE).encode()
    print(f"load generator: {'wrk (C)' if use_wrk else 'asyncio raw-socket client'}; server: compliance serve "
          f"--workers {args.workers} (uvicorn, access log {'on' if args.access_log else 'off'}, audit store "
          f"{'on' if args.audit else 'off'}); "
          f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f} before start", flush=True)
    base = in_process(rows)
    with tempfile.TemporaryDirectory(prefix="bench-http-") as tmp:
        proc, port, _ = start_server(args.workers, args.access_log, Path(tmp), args.audit)
        try:
            gen(port, "/v1/screen", single_body, 2, 1.0)  # warm every worker
            phases = [("health", "/v1/health", None, 1, 2.0), ("single-seq", "/v1/screen", single_body, 1, 8.0),
                      ("single-c8", "/v1/screen", single_body, 8, 10.0),
                      ("batch-1000", "/v1/screen/batch", batch_body, 1, 10.0)]
            results = {}
            for name, path, body, conns, secs in phases:
                results[name] = gen(port, path, body, conns, secs * scale)
                print(f"  {name}: done", flush=True)
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=60)
    print(f"\n{'phase':<12} {'requests':>8} {'req/s':>9} {'p50 ms':>9} {'p99 ms':>9} {'errors':>6}  target")
    ok = True
    for name, r in results.items():
        target = ""
        if name in TARGETS:
            metric, limit = TARGETS[name]
            met = r[metric] >= limit if metric == "req/s" else r[metric] <= limit
            ok &= met
            target = f"{metric} {'>=' if metric == 'req/s' else '<='} {limit:g}: {'met' if met else 'NOT met'}"
        print(f"{name:<12} {r['n']:>8.0f} {r['req/s']:>9.1f} {r['p50']:>9.2f} {r['p99']:>9.2f} {r['errors']:>6.0f}  "
              f"{target} {r.get('socket_errors') or ''}")
    s, b = base["single"], base["batch"]
    print(f"\nbaseline in-process (same run, no HTTP): single p50 {s['p50']:.2f} ms, p99 {s['p99']:.2f} ms; "
          f"1,000-row batch {b['p50']:.0f} ms")
    print(f"ratios HTTP / in-process: single-seq p50 {results['single-seq']['p50'] / s['p50']:.1f}x, "
          f"batch-1000 p50 {results['batch-1000']['p50'] / b['p50']:.2f}x; single-seq p50 over the health floor: "
          f"+{results['single-seq']['p50'] - results['health']['p50']:.2f} ms")
    print(f"load average after: {os.getloadavg()[0]:.1f} (other processes on this machine skew the numbers)")
    print(f"targets: {'all met' if ok else 'NOT all met'}")
    return 0  # a missed target is reported, not an error: benchmarks never fail the build


if __name__ == "__main__":
    sys.exit(main())
