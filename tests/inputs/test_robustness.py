"""Messy and hostile input: every file either is refused as a whole with a clear message, or
yields exactly one result per data row, in order, each with a verdict; output is atomic."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from compliance.exc import InputFileError
from compliance.io import ResultWriter, open_input
from compliance.models import ScreeningResult
from compliance.screener import Screener
from tests.csvfiles import screen_file

BAD = Path(__file__).parents[1] / "data" / "bad"
EXPECTED: dict[str, dict[str, object]] = yaml.safe_load((BAD / "expected.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def screener() -> Screener:
    return Screener.load(include_imported=False)


def _screen(screener: Screener, path: Path, **kw: object) -> tuple[list[ScreeningResult], list[str]]:
    return screen_file(screener, path, 3, **kw)


def test_corpus_is_complete() -> None:
    files = {p.name for p in BAD.iterdir() if p.suffix != ".py" and p.name != "expected.yaml"}
    assert files == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_file(screener: Screener, name: str) -> None:
    exp = EXPECTED[name]
    if "file_error" in exp:
        with pytest.raises(InputFileError) as e:
            _screen(screener, BAD / name)
        assert str(exp["file_error"]) in str(e.value) and name in str(e.value)
        return
    results, warnings = _screen(screener, BAD / name)
    if "rows" in exp:  # a file cut short: the rows before the cut, then one ERROR row saying so
        assert len(results) == exp["rows"]
        assert str(exp["last_error"]) in (results[-1].error or "")
        assert all(r.verdict.value != "ERROR" for r in results[:-2])
        return
    assert [r.verdict.value for r in results] == exp["verdicts"]
    for row, values in dict(exp.get("values", {})).items():  # type: ignore[call-overload]
        for column, value in values.items():
            assert results[int(row) - 1].input.get(column) == value, (row, column)
    assert [r.row_number for r in results] == list(range(1, len(results) + 1))
    for row, field in dict(exp.get("errors", {})).items():  # type: ignore[call-overload]
        err = results[int(row) - 1].error or ""
        assert str(field) in err and f"row {row}" in err, err
    for text in exp.get("warnings", []):  # type: ignore[attr-defined]
        assert any(text in w for w in warnings), warnings
    table = open_input(BAD / name)
    if "encoding" in exp:
        assert table.encoding == exp["encoding"]
    if "delimiter" in exp:
        assert table.delimiter == exp["delimiter"]
    table.close()


def test_long_field_and_many_rows(screener: Screener, tmp_path: Path) -> None:
    p = tmp_path / "long.csv"
    p.write_text("shipment_id,hs_code,destination_country,description\n1,9403.60,DE," + "x" * 2_000_000 +
                 "\n2,9403.60,DE,y\n", encoding="utf-8")
    results, _ = _screen(screener, p)
    assert [r.verdict.value for r in results] == ["CLEAR", "CLEAR"]


def test_forced_encoding_and_delimiter(screener: Screener) -> None:
    results, _ = _screen(screener, BAD / "cp1251_semicolon.csv", encoding="cp1251", delimiter=";")
    assert results[0].input["exporter_name"] == "ОАО «Беларуськалий»"
    with pytest.raises(InputFileError):
        open_input(BAD / "utf8_bom.csv", encoding="no-such-encoding")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_formula_injection_neutralised(screener: Screener, tmp_path: Path, fmt: str) -> None:
    results, _ = _screen(screener, BAD / "formula.csv")
    out = tmp_path / f"out.{fmt}"
    w = ResultWriter(out, fmt, list(results[0].input), meta={"x": 1})
    w.write(results)
    w.close()
    if fmt == "csv":
        rows = list(csv.DictReader(out.open(encoding="utf-8")))
    else:  # the first sheet, Results: every row in input order (compliance.report.xlsx)
        values = [[c.value for c in r] for r in load_workbook(out).worksheets[0].iter_rows()]
        rows = [dict(zip(values[0], v, strict=True)) for v in values[1:]]
    assert rows[0]["description"].startswith("'=")
    assert rows[0]["exporter_name"] == "'+Polmex"
    assert rows[1]["description"] == "'@SUM(A1)"
    assert (tmp_path / f"out.{fmt}.meta.json").exists()


@pytest.mark.parametrize("name", ["json_lone_surrogate.jsonl", "json_huge_int.jsonl"])
@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_json_oddities_can_be_written(screener: Screener, tmp_path: Path, name: str, fmt: str) -> None:
    # A lone surrogate escape once decoded as is and broke the writer mid-run (a traceback, no output).
    results, _ = _screen(screener, BAD / name)
    out = tmp_path / f"r.{fmt}"
    w = ResultWriter(out, fmt, list(results[0].input))
    w.write(results)
    w.close()
    assert sum(len(c) for c in open_input(out).chunks(100)) == len(results) == 2


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "json", "xlsx", "parquet"])
def test_every_output_format_round_trips_row_count(screener: Screener, tmp_path: Path, fmt: str) -> None:
    results, _ = _screen(screener, BAD / "bad_values.csv")
    out = tmp_path / f"r.{fmt}"
    w = ResultWriter(out, fmt, list(results[0].input))
    w.write(results)
    w.close()
    back = open_input(out) if fmt not in ("json", "xlsx") else None
    if fmt == "xlsx":  # one sheet per verdict: read back as a result set
        from compliance.report.records import open_results

        assert sum(1 for _ in open_results(out).records) == len(results)
    elif back is not None:
        assert sum(len(c) for c in back.chunks(100)) == len(results)
    else:
        assert len(json.loads(out.read_text(encoding="utf-8"))["results"]) == len(results)
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".partial")]


def test_abort_keeps_previous_output(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    out.write_text("previous", encoding="utf-8")
    w = ResultWriter(out, "csv", ["shipment_id"])
    w.abort()
    assert out.read_text(encoding="utf-8") == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


# Property: random damage to cell contents never loses a row -------------------------------------
_cell = st.one_of(st.text(max_size=30), st.sampled_from(["", "BY", "Беларусь", "3104 20 50", "8542.31", "-5", "abc",
                                                         "=cmd", "2026-02-30", '"', "\n", ";", ",", "\t", "\x00"]))
_row = st.lists(_cell, min_size=0, max_size=8)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(_row, min_size=1, max_size=25), delim=st.sampled_from([",", ";", "\t", "|"]),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1251"]))
def test_random_damage_never_loses_rows(screener: Screener, tmp_path: Path, rows: list[list[str]], delim: str,
                                        encoding: str) -> None:
    header = ["shipment_id", "hs_code", "destination_country", "exporter_name", "value", "date"]
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delim)
    writer.writerow(header)
    ids = []
    for i, cells in enumerate(rows):
        sid = f"S{i}"
        ids.append(sid)
        writer.writerow([sid, *[c.replace("\x00", "") for c in cells]])
    path = tmp_path / f"f{abs(hash((delim, encoding, len(rows))))}.csv"
    path.write_bytes(buf.getvalue().encode(encoding, errors="replace"))
    results, _ = _screen(screener, path, encoding=encoding, delimiter=delim)
    assert [r.input.get("shipment_id") for r in results] == ids
    assert all(r.verdict is not None for r in results)


# Killing a run half-way leaves no partial output ------------------------------------------------
def test_killed_run_leaves_no_partial_output(tmp_path: Path) -> None:
    src = tmp_path / "big.csv"
    with src.open("w", encoding="utf-8") as f:
        f.write("shipment_id,hs_code,destination_country,consignee_name,consignee_country\n")
        for i in range(150_000):
            f.write(f"{i},8542.31,KZ,Almaty Trading {i % 997} LLP,KZ\n")
    out = tmp_path / "out.csv"
    out.write_text("previous results\n", encoding="utf-8")
    env = {**os.environ, "COMPLIANCE_LOG_LEVEL": "ERROR"}
    proc = subprocess.Popen([sys.executable, "-m", "compliance", "screen", str(src), "--out", str(out), "--quiet"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while time.time() < deadline and not any(p.name.endswith(".partial") for p in tmp_path.iterdir()):
        time.sleep(0.05)
    time.sleep(0.5)
    assert proc.poll() is None, "the run finished before it could be killed; make the input bigger"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert out.read_text(encoding="utf-8") == "previous results\n"
    # SIGINT (Ctrl-C): the temporary file is removed too.
    proc = subprocess.Popen([sys.executable, "-m", "compliance", "screen", str(src), "--out", str(tmp_path / "new.csv"),
                             "--quiet"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while time.time() < deadline and not any(p.name.startswith(".new.csv") for p in tmp_path.iterdir()):
        time.sleep(0.05)
    time.sleep(0.3)
    proc.send_signal(signal.SIGINT)
    proc.wait(timeout=30)
    assert not (tmp_path / "new.csv").exists()
    assert not any(p.name.startswith(".new.csv") for p in tmp_path.iterdir())


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_tab_cr_prefixes_neutralised_signed_numbers_kept(screener: Screener, tmp_path: Path, fmt: str) -> None:
    results, _ = _screen(screener, BAD / "formula_prefixes.csv")
    out = tmp_path / f"out.{fmt}"
    w = ResultWriter(out, fmt, list(results[0].input))
    w.write(results)
    w.close()
    if fmt == "csv":
        rows = list(csv.DictReader(out.open(encoding="utf-8", newline="")))
    else:  # the first sheet, Results: every row in input order (compliance.report.xlsx)
        values = [[c.value for c in r] for r in load_workbook(out).worksheets[0].iter_rows()]
        rows = [dict(zip(values[0], v, strict=True)) for v in values[1:]]
    assert rows[0]["description"] == "'\tcmd"
    assert rows[0]["exporter_name"] in ("'\r=1+1", "'\n=1+1")  # XML stores a CR as a line feed
    assert rows[1]["description"].startswith("'-2+3+cmd")
    assert rows[1]["exporter_name"] == "'@A1"
    # A signed number cannot run anything: it is written as it came.
    assert rows[0]["discount"] == "-12.50" and rows[1]["discount"] == "+5"


def test_warnings_reach_the_output_row(screener: Screener, tmp_path: Path) -> None:
    results, _ = _screen(screener, BAD / "row_problems.csv")
    out = tmp_path / "out.csv"
    w = ResultWriter(out, "csv", list(results[0].input))
    w.write(results)
    w.close()
    rows = list(csv.DictReader(out.open(encoding="utf-8", newline="")))
    assert "repeats row 1" in rows[12]["warnings"] and rows[12]["verdict"] == "CLEAR"
    assert "read as 1234" in rows[9]["warnings"]


def test_id_index_is_compact_and_bounded() -> None:
    from compliance.io.readers import _IdIndex

    index = _IdIndex()
    index.capacity = 1000
    assert all(index.first(f"S{i}", i) is None for i in range(1, 1001))
    assert index.first("S500", 2000) == 500
    assert index.first("new", 2001) is None and index.full
    assert len(index._keys) == 1 << 16  # 12 bytes a slot, grown only past half full


_RSS_SCRIPT = """
import resource, sys
from compliance.io import open_input
n = 0
with open_input(sys.argv[1]) as table:
    for chunk in table.chunks(5_000):
        n += len(chunk)
print(n, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def test_reading_memory_stays_bounded(tmp_path: Path) -> None:
    """Reading 5x the rows must not need 5x the memory (chunks are streamed; the duplicate-id
    index costs ~24 bytes an id). Reading only, so it runs in seconds."""
    peaks = {}
    for n in (20_000, 100_000):
        src = tmp_path / f"r{n}.csv"
        with src.open("w", encoding="utf-8") as f:
            f.write("shipment_id,hs_code,destination_country,description,consignee_name\n")
            for i in range(n):
                f.write(f"S{i:07d},8542.31,KZ,Integrated circuits lot {i} for resale,Almaty Trading {i % 997} LLP\n")
        out = subprocess.run([sys.executable, "-c", _RSS_SCRIPT, str(src)], capture_output=True, text=True,
                             check=True, timeout=240)
        rows, peak_kb = map(int, out.stdout.split())
        assert rows == n
        peaks[n] = peak_kb / 1024
    assert peaks[100_000] < peaks[20_000] + 25, peaks  # MB


def test_json_array_is_streamed(screener: Screener, tmp_path: Path) -> None:
    items = [{"shipment_id": str(i), "hs_code": "9403.60", "destination_country": "DE", "value": i * 1.25}
             for i in range(3000)]
    src = tmp_path / "big.json"
    src.write_text(json.dumps(items, indent=1)[:-2] + ', 7, {"shipment_id": }', encoding="utf-8")
    with open_input(src) as table:
        rows = list(table.rows())
    assert [r.data.get("shipment_id") for r in rows[:3000]] == [str(i) for i in range(3000)]
    assert rows[2999].data["value"] == 2999 * 1.25  # numbers split across read chunks survive
    assert "not a JSON object" in (rows[3000].error or "") and "not valid JSON" in (rows[3001].error or "")
    assert len(rows) == 3002


def test_out_is_a_directory_is_a_usage_error(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "compliance", "screen", str(BAD / "utf8_bom.csv"), "--out",
                           str(tmp_path), "--quiet"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert "is a directory" in proc.stderr and "Traceback" not in proc.stderr


def _late(tmp_path: Path, name: str, last: str, enc: str, *, head: str = "Polmex Sp z o o") -> Path:
    # Far more than the 256 KB encoding sample of plain ASCII, then one non-ASCII row.
    body = "".join(f"S{i},9403.60,DE,Tables and chairs {'.' * 100},{head}\n" for i in range(2200))
    path = tmp_path / name
    path.write_bytes(("shipment_id,hs_code,destination_country,description,exporter_name\n" + body).encode("utf-8")
                     + f"SX,9403.60,DE,Tables,{last}\n".encode(enc))
    assert path.stat().st_size > 256 * 1024
    return path


@pytest.mark.parametrize(("last", "enc", "verdict"), [("ОАО «Беларуськалий»", "cp1251", "BLOCK"),
                                                       ("Müller Möbel GmbH", "cp1252", "CLEAR")])
def test_code_page_text_after_the_encoding_sample(screener: Screener, tmp_path: Path, last: str, enc: str,
                                                  verdict: str) -> None:
    # A cp1251 export whose first Cyrillic name came after the sample was read as UTF-8: the name
    # became U+FFFD and a listed exporter came out CLEAR.
    results, warnings = _screen(screener, _late(tmp_path, "late.csv", last, enc))
    assert len(results) == 2201
    assert results[-1].input["exporter_name"] == last
    assert results[-1].verdict.value == verdict
    assert any(f"read as {enc}" in w for w in warnings), warnings


def test_utf8_file_with_one_stray_byte_stays_utf8(screener: Screener, tmp_path: Path) -> None:
    # A line in a code page among UTF-8 lines (rows appended by another program) is read in that
    # code page, line by line (it used to become U+FFFD, and a Cyrillic name in it matched nothing).
    path = _late(tmp_path, "mixed.csv", "Caf\xe9", "cp1252", head="ООО Ромашка")
    results, warnings = _screen(screener, path)
    assert results[0].input["exporter_name"] == "ООО Ромашка"  # multi-byte text across 64 KB blocks intact
    assert all("\ufffd" not in r.input["exporter_name"] for r in results)
    assert results[-1].input["exporter_name"] == "Café"
    assert any("is not UTF-8 (the lines before it are)" in w for w in warnings)


def test_mapping_a_column_the_file_lacks_is_warned(screener: Screener, tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_text("Ref;Tariff;Dest\n1;8542 31;BY\n", encoding="utf-8")
    mapping = {"Ref": "shipment_id", "tariff": "hs_code", "Destinaton": "destination_country"}
    results, warnings = _screen(screener, path, mapping=mapping)
    assert results[0].verdict.value == "BLOCK"  # 'Dest' still found by its alias
    (said,) = [w for w in warnings if "mapping names column" in w]  # 'tariff' matches 'Tariff': not said
    assert said.endswith("m.csv: the mapping names column 'Destinaton' (Destinaton -> destination_country), "
                         "which the file does not have")


def test_xlsx_time_only_date_cell_is_named_as_text(screener: Screener, tmp_path: Path) -> None:
    import datetime as dt

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["shipment_id", "hs_code", "destination_country", "date"])
    ws.append(["T1", "9403.60", "DE", dt.time(12, 30)])
    wb.save(tmp_path / "t.xlsx")
    (result,), _ = _screen(screener, tmp_path / "t.xlsx")
    assert result.verdict.value == "ERROR" and "'12:30:00'" in (result.error or "")  # not datetime.time(12, 30)
