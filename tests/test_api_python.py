"""The Python API customs software imports (contract §4), including the README example."""

from __future__ import annotations

import json
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pytest

from compliance import Screener
from compliance.io import OUTPUT_COLUMNS
from compliance.models import ScreeningResult, Shipment, Verdict

README = Path(__file__).resolve().parent.parent / "README.md"


@pytest.fixture(scope="module")
def screener() -> Screener:
    return Screener.load(include_imported=False)


def test_screen_dict_and_model(screener: Screener) -> None:
    result = screener.screen({"shipment_id": "S1", "hs_code": "310420", "destination_country": "BY"})
    assert isinstance(result, ScreeningResult)
    assert result.verdict == Verdict.CLEAR
    json.loads(result.model_dump_json())
    ship = Shipment(shipment_id="S2", hs_code="8542 31", destination_country="Беларусь", date="2025-01-01")
    assert screener.screen(ship).verdict == Verdict.BLOCK


def test_bad_row_is_error_not_exception(screener: Screener) -> None:
    result = screener.screen({"shipment_id": "S3", "hs_code": "xx", "destination_country": "BY"})
    assert result.verdict == Verdict.ERROR and "hs_code" in (result.error or "")
    result = screener.screen({"shipment_id": "S4", "hs_code": "854231", "destination_country": "DE",
                              "exporter_name": "ab1;" * 250_000})
    assert result.verdict == Verdict.ERROR and "exporter_name" in (result.error or "")


@pytest.mark.parametrize("field", ["quantity", "value", "date", "hs_code", "destination_country"])
def test_a_huge_bad_value_is_quoted_short_in_the_error(screener: Screener, field: str) -> None:
    row = {"shipment_id": "S5", "hs_code": "854231", "destination_country": "DE", field: "9x" * 2500}
    result = screener.screen(row)
    assert result.verdict == Verdict.ERROR and field in (result.error or "")
    assert "5000 characters" in (result.error or "") and len(result.error or "") < 400


def test_screen_many_and_frame(screener: Screener) -> None:
    rows = [{"shipment_id": str(i), "hs_code": "854231", "destination_country": c, "date": "2025-01-01"}
            for i, c in enumerate(["BY", "DE", "KZ"])]
    verdicts = [r.verdict for r in screener.screen_many(rows)]
    assert verdicts == [Verdict.BLOCK, Verdict.CLEAR, Verdict.REVIEW]
    assert [r.verdict for r in screener.screen_many(iter([Shipment(**rows[0])]))] == [Verdict.BLOCK]
    frame = screener.screen_frame(pd.DataFrame(rows))
    assert list(frame["verdict"]) == ["BLOCK", "CLEAR", "REVIEW"]
    assert list(frame["shipment_id"]) == ["0", "1", "2"]
    assert list(frame.columns) == ["shipment_id", "hs_code", "destination_country", "date", *OUTPUT_COLUMNS]


def test_thread_safe_shared_screener(screener: Screener) -> None:
    names = ["JSC Belaruskali", "ОАО «Гродно Азот»", "Müller GmbH", "Aliaksandr Lukashenka", "MAZ", None]
    rows = [{"shipment_id": str(i), "hs_code": ["854231", "3104 20 50", "9403.60", "8471.30"][i % 4],
             "destination_country": ["BY", "KZ", "DE", "PL"][i % 4], "origin_country": ["BY", None][i % 2],
             "consignee_name": names[i % len(names)], "date": "2026-03-01"} for i in range(48)]
    expected = [screener.screen(r).model_dump() for r in rows]

    def work(offset: int) -> list[tuple[int, dict[str, object]]]:
        order = rows[offset:] + rows[:offset]  # every thread in a different order
        return [(int(str(r["shipment_id"])), screener.screen(r).model_dump()) for r in order]

    with ThreadPoolExecutor(8) as pool:
        runs = list(pool.map(work, range(0, 48, 6)))
    frames = list(ThreadPoolExecutor(4).map(lambda _: screener.screen_frame(pd.DataFrame(rows)), range(4)))
    for run in runs:
        for i, got in run:
            assert got == expected[i], f"row {i} differs when screened from threads"
    for frame in frames:
        assert list(frame["verdict"]) == [e["verdict"].value for e in expected]


def test_provenance(screener: Screener) -> None:
    p = screener.provenance()
    assert p.rules.version and len(p.rules.sha256) == 64
    assert any(x.name == "curated-belarus" for x in p.lists)


def test_readme_example_runs(capsys: pytest.CaptureFixture[str]) -> None:
    section = README.read_text(encoding="utf-8").split("## Python API", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S)
    assert code, "README has no Python API example"
    exec(compile(code.group(1), "README.md", "exec"), {})  # noqa: S102
    out = capsys.readouterr().out
    assert "BLOCK" in out and "ERROR" in out and "hs_code" in out
