"""CONTRACT.md §3 and §5 as another program sees them: the installed ``compliance`` executable
(exit codes, stdout and stderr of a piped run) and ``compliance serve`` on a real port."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

EXE = Path(sys.executable).with_name("compliance")
ROWS = "shipment_id,hs_code,destination_country\nP1,854231,BY\nP2,9403 60,DE\n"


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    if not EXE.exists():
        pytest.skip(f"{EXE} not installed (make install)")
    return subprocess.run([str(EXE), *args], capture_output=True, text=True, cwd=cwd, timeout=120,
                          env={**os.environ, "COLUMNS": "80"})


def test_piped_screen_results_on_stdout_summary_on_stderr(tmp_path: Path) -> None:
    """§3 results to stdout when no --out; summary (rows, counts, time) on stderr; exit 0."""
    (tmp_path / "in.csv").write_text(ROWS, encoding="utf-8")
    p = _run("screen", "in.csv", "--format", "jsonl", "--no-db", cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    rows = [json.loads(line) for line in p.stdout.splitlines()]
    assert [r["verdict"] for r in rows] == ["BLOCK", "CLEAR"]
    assert "rows 2" in p.stderr and "BLOCK 1" in p.stderr and "time" in p.stderr
    assert "\x1b[" not in p.stderr, "no colour codes on a pipe"


def test_piped_exit_codes_and_plain_usage_errors(tmp_path: Path) -> None:
    """§3 exit 1 = --fail-on reached, 2 = usage error or unreadable input; a piped error is
    plain text a log keeps (no box drawing, no traceback)."""
    (tmp_path / "in.csv").write_text(ROWS, encoding="utf-8")
    assert _run("screen", "in.csv", "-q", "--fail-on", "block", "--no-db", cwd=tmp_path).returncode == 1
    bad = _run("screen", "in.csv", "--fail-on", "sometimes", "--no-db", cwd=tmp_path)
    assert bad.returncode == 2 and "--fail-on" in bad.stderr
    assert not set(bad.stderr) & set("╭╮╰╯│─"), bad.stderr
    missing = _run("screen", "missing.csv", "--no-db", cwd=tmp_path)
    assert missing.returncode == 2 and "missing.csv" in missing.stderr and "Traceback" not in missing.stderr
    assert missing.stdout == ""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_on_host_and_port(tmp_path: Path) -> None:
    """§3 compliance serve [--host 127.0.0.1] [--port 8000]; §5 GET /v1/health, POST /v1/screen."""
    if not EXE.exists():
        pytest.skip(f"{EXE} not installed (make install)")
    port = _free_port()
    proc = subprocess.Popen([str(EXE), "serve", "--host", "127.0.0.1", "--port", str(port), "--no-db"],
                            cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/v1/health", timeout=2) as r:
                    assert r.status == 200 and json.load(r)["status"] == "ok"
                    break
            except (urllib.error.URLError, ConnectionError):
                assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
                assert time.monotonic() < deadline, "server did not come up"
                time.sleep(0.3)
        body = json.dumps({"shipment_id": "S1", "hs_code": "854231", "destination_country": "BY"}).encode()
        req = urllib.request.Request(f"{base}/v1/screen", data=body, headers={"content-type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as r:
            assert r.headers["content-type"].startswith("application/json")
            assert json.load(r)["result"]["verdict"] == "BLOCK"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
