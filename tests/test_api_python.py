"""The Python API customs software imports (contract §4)."""

from __future__ import annotations

import json
import threading

import pandas as pd

from compliance import Screener
from compliance.models import ScreeningResult, Shipment, Verdict


def test_screen_dict_and_model() -> None:
    screener = Screener.load(include_imported=False)
    result = screener.screen({"shipment_id": "S1", "hs_code": "310420", "destination_country": "BY"})
    assert isinstance(result, ScreeningResult)
    assert result.verdict == Verdict.CLEAR
    json.loads(result.model_dump_json())
    ship = Shipment(shipment_id="S2", hs_code="8542 31", destination_country="Беларусь", date="2025-01-01")
    assert screener.screen(ship).verdict == Verdict.BLOCK


def test_bad_row_is_error_not_exception() -> None:
    screener = Screener.load(include_imported=False)
    result = screener.screen({"shipment_id": "S3", "hs_code": "xx", "destination_country": "BY"})
    assert result.verdict == Verdict.ERROR and "hs_code" in (result.error or "")


def test_screen_many_and_frame() -> None:
    screener = Screener.load(include_imported=False)
    rows = [{"shipment_id": str(i), "hs_code": "854231", "destination_country": c, "date": "2025-01-01"}
            for i, c in enumerate(["BY", "DE", "KZ"])]
    verdicts = [r.verdict for r in screener.screen_many(rows)]
    assert verdicts == [Verdict.BLOCK, Verdict.CLEAR, Verdict.REVIEW]
    frame = screener.screen_frame(pd.DataFrame(rows))
    assert list(frame["verdict"]) == ["BLOCK", "CLEAR", "REVIEW"]
    assert list(frame["shipment_id"]) == ["0", "1", "2"]


def test_thread_safe_shared_screener() -> None:
    screener = Screener.load(include_imported=False)
    row = {"shipment_id": "T", "hs_code": "854231", "destination_country": "BY", "date": "2025-01-01"}
    expected = screener.screen(row).model_dump(exclude={"input"})
    errors: list[str] = []

    def work() -> None:
        for _ in range(50):
            got = screener.screen(row).model_dump(exclude={"input"})
            if got != expected:
                errors.append("mismatch")

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors


def test_provenance() -> None:
    screener = Screener.load(include_imported=False)
    p = screener.provenance()
    assert p.rules.version and len(p.rules.sha256) == 64
    assert any(x.name == "curated-belarus" for x in p.lists)
