"""Input columns named like a result column (``verdict``, ``risk_score``, ``findings``, ``Error``):
echoed as ``input_<name>`` with a file warning, in every output format, over HTTP and from
``screen_frame``, so the customer's value is neither overwritten nor silently dropped. A results
file of ``screen`` given back (``row_number``, ``verdict``, ``findings``) keeps its old behaviour:
the old result columns are replaced, and ``screen`` says so."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from compliance.api import create_app
from compliance.cli import app
from compliance.io import open_input
from compliance.io.writers import echo_names
from compliance.screener import Screener

TEXT = ("shipment_id,hs_code,destination_country,verdict,risk_score,findings,Error\n"
        "A,310420,DE,CLEAR,0,none,x\n"
        "B,847130,BY,=cmd,5,\"a,b\",y\n")
ECHOED = ["input_verdict", "input_risk_score", "input_findings", "input_Error"]


@pytest.fixture(scope="module")
def screener() -> Screener:
    return Screener.load(include_imported=False)


def test_echo_names() -> None:
    assert echo_names(("shipment_id", "verdict", " Risk_Score ")) == {"verdict": "input_verdict",
                                                                      " Risk_Score ": "input_Risk_Score"}
    assert echo_names(("verdict", "input_verdict")) == {"verdict": "input_input_verdict"}
    assert echo_names(("shipment_id", "row_number", "verdict", "findings")) == {}  # results given back
    assert echo_names(("shipment_id", "hs_code")) == {}


def test_reader_warns(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text(TEXT, "utf-8")
    with open_input(path) as table:
        assert any("'verdict'" in w and "input_verdict" in w for w in table.warnings)


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "json", "xlsx", "parquet"])
def test_cli_echoes_under_input_names(fmt: str, tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text(TEXT, "utf-8")
    out = tmp_path / f"r.{fmt}"
    res = CliRunner().invoke(app, ["screen", str(path), "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "input_verdict" in res.output  # the warning
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(out.read_text("utf-8"))))
    elif fmt == "jsonl":
        rows = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    elif fmt == "json":
        rows = json.loads(out.read_text("utf-8"))["results"]
    elif fmt == "xlsx":
        rows = pd.read_excel(out, dtype=str, keep_default_na=False).to_dict(orient="records")
    else:
        rows = pd.read_parquet(out).to_dict(orient="records")
    assert len(rows) == 2
    first, second = rows
    assert [str(first[c]) for c in ECHOED] == ["CLEAR", "0", "none", "x"]
    assert second["input_verdict"] in ("=cmd", "'=cmd")  # neutralised in csv/xlsx
    assert second["input_findings"] == "a,b"
    assert first["verdict"] == "CLEAR" and second["verdict"] == "BLOCK"
    assert str(second["risk_score"]) != "5"


def test_http_batch_echoes_under_input_names(screener: Screener) -> None:
    client = TestClient(create_app(screener, api_keys=[], reload_poll_seconds=0, loader=lambda: screener))
    with client:
        res = client.post("/v1/screen/batch", content=TEXT.encode(), headers={"content-type": "text/csv"})
    assert res.status_code == 200, res.text
    body = res.json()
    first, second = body["results"]
    assert first["input_verdict"] == "CLEAR" and second["input_risk_score"] == "5"
    assert second["verdict"] == "BLOCK"
    assert any("input_verdict" in w for w in body["warnings"])


def test_screen_frame_echoes_under_input_names(screener: Screener) -> None:
    frame = pd.read_csv(io.StringIO(TEXT), dtype=str)
    out = screener.screen_frame(frame)
    assert list(out["input_verdict"]) == ["CLEAR", "=cmd"]
    assert list(out["verdict"]) == ["CLEAR", "BLOCK"]
