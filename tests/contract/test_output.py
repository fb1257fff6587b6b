"""CONTRACT.md §1-§2 through ``compliance screen`` as a black box: input formats and forms, output
formats, columns (names, order, types, empty values), row order, none lost, neutralised cells."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from compliance.cli import app

runner = CliRunner()

# The contract's result columns, in its order (§2), then this tool's `warnings` (README).
CONTRACT_COLUMNS = ["row_number", "verdict", "risk_score", "rule_ids", "reasons", "top_party_match",
                    "top_party_score", "top_party_list", "findings", "error"]
VERDICTS = {"BLOCK", "REVIEW", "CLEAR", "ERROR"}
FAMILIES = {"sector", "dual_use", "chpl", "transit", "party", "end_use_doc", "circumvention", "humanitarian"}
SEVERITY_RANK = {"block": 2, "review": 1, "info": 0}
BAND = {"BLOCK": (90, 100), "REVIEW": (50, 89), "CLEAR": (0, 49)}

# One row per verdict and per finding shape; `my_ref` and `Notes` are unknown extra columns.
ROWS: list[dict[str, str]] = [
    {"shipment_id": "PO-1", "hs_code": "3104 20 10", "destination_country": "PL", "origin_country": "BY",
     "exporter_name": "JSC Belaruskali", "exporter_country": "BY", "my_ref": "r1", "Notes": ""},
    {"shipment_id": "PO-2", "hs_code": "854231", "destination_country": "KZ", "my_ref": "r2", "Notes": "chips"},
    {"shipment_id": "PO-3", "hs_code": "9403.60", "destination_country": "DE", "my_ref": "=HYPERLINK(\"x\")",
     "Notes": "@SUM(A1)"},
    {"shipment_id": "PO-4", "hs_code": "85", "destination_country": "BY", "my_ref": "r4", "Notes": "-12.50"},
    {"shipment_id": "PO-5", "hs_code": "0402 10", "destination_country": "Беларусь", "my_ref": "r5",
     "Notes": "Молоко сухое"},
]
EXPECTED = ["BLOCK", "REVIEW", "CLEAR", "ERROR", "CLEAR"]
INPUT_COLUMNS = list(ROWS[0])


def _csv_text(rows: list[dict[str, str]], delimiter: str = ",") -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(rows[0]), delimiter=delimiter, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


def _screen(args: list[str]) -> Any:
    result = runner.invoke(app, ["screen", *args, "-q", "--no-db"])
    assert "Traceback" not in result.output
    return result


@pytest.fixture(scope="module")
def src(tmp_path_factory: pytest.TempPathFactory) -> Path:
    p = tmp_path_factory.mktemp("out") / "in.csv"
    p.write_text(_csv_text(ROWS), encoding="utf-8")
    return p


def _read(path: Path, fmt: str) -> tuple[list[str], list[dict[str, Any]]]:
    """The output as a program reads it: header, then one dict per row."""
    if fmt == "csv":
        with path.open(encoding="utf-8", newline="") as f:
            reader = csv.DictReader(f)
            return list(reader.fieldnames or []), list(reader)
    if fmt == "jsonl":
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        return list(rows[0]), rows
    if fmt == "json":
        doc = json.loads(path.read_text(encoding="utf-8"))
        rows = doc["results"] if isinstance(doc, dict) else doc
        return list(rows[0]), rows
    if fmt == "parquet":
        frame = pd.read_parquet(path)
        return list(frame.columns), frame.to_dict("records")
    wb = load_workbook(path, read_only=True)
    header: list[str] = []
    out: list[dict[str, Any]] = []
    for ws in wb.worksheets:
        if ws.title not in VERDICTS:
            continue
        values = list(ws.iter_rows(values_only=True))
        header = [str(h) for h in values[0]]
        out += [dict(zip(header, v, strict=True)) for v in values[1:]]
    return header, sorted(out, key=lambda r: int(r["row_number"]))


FORMATS = ["csv", "jsonl", "json", "xlsx", "parquet"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_one_row_per_input_row_in_order(src: Path, tmp_path: Path, fmt: str) -> None:
    """§2 "Every input row yields exactly one output row ... Output formats: csv, jsonl, json, xlsx,
    parquet"; columns: all input columns, then row_number ... error."""
    out = tmp_path / f"r.{fmt}"
    assert _screen([str(src), "--out", str(out)]).exit_code == 0
    header, rows = _read(out, fmt)
    assert header[:len(INPUT_COLUMNS)] == INPUT_COLUMNS, "all input columns first, in their order"
    result_cols = [c for c in header[len(INPUT_COLUMNS):] if c in CONTRACT_COLUMNS]
    assert result_cols == CONTRACT_COLUMNS, "the contract's columns, in its order"
    assert header[len(INPUT_COLUMNS):len(INPUT_COLUMNS) + len(CONTRACT_COLUMNS)] == CONTRACT_COLUMNS
    assert [str(r["shipment_id"]) for r in rows] == [r["shipment_id"] for r in ROWS]
    assert [int(r["row_number"]) for r in rows] == [1, 2, 3, 4, 5]
    assert [r["verdict"] for r in rows] == EXPECTED
    assert rows[3]["error"] and "hs_code" in str(rows[3]["error"])


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "json", "parquet"])
def test_format_chosen_by_flag_and_extension_agree(src: Path, tmp_path: Path, fmt: str) -> None:
    """§3 --format csv|jsonl|json|xlsx|parquet: the same rows as the extension gives."""
    by_ext, by_flag = tmp_path / f"a.{fmt}", tmp_path / "b.out"
    assert _screen([str(src), "--out", str(by_ext)]).exit_code == 0
    assert _screen([str(src), "--out", str(by_flag), "--format", fmt]).exit_code == 0
    assert _read(by_ext, fmt) == _read(by_flag, fmt)


def test_json_types_and_empty_values(src: Path) -> None:
    """§2 types in JSON output: row_number an integer, risk_score 0-100, findings a JSON array of
    objects; empty results are null (top_party_* without a match, error on screened rows)."""
    result = _screen([str(src), "--format", "jsonl"])
    assert result.exit_code == 0
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    for r in rows:
        assert isinstance(r["row_number"], int) and r["verdict"] in VERDICTS
        assert isinstance(r["findings"], list)
        assert isinstance(r["rule_ids"], str) and isinstance(r["reasons"], str)
        if r["verdict"] == "ERROR":
            assert isinstance(r["error"], str) and r["error"] and r["findings"] == []
        else:
            assert r["error"] is None
            assert isinstance(r["risk_score"], int) and 0 <= r["risk_score"] <= 100
        if not any(f["family"] == "party" for f in r["findings"]):
            assert r["top_party_match"] is None and r["top_party_score"] is None and r["top_party_list"] is None
    top = rows[0]
    assert top["top_party_match"] == "Belaruskali OAO" and isinstance(top["top_party_score"], float)
    assert 0 <= top["top_party_score"] <= 1 and top["top_party_list"] == "curated-belarus"


def test_csv_cells_and_neutralisation(src: Path) -> None:
    """§2 "findings: the full findings as JSON (in CSV output: a JSON string)"; "Cells that begin
    with = + - @ are neutralised in CSV/XLSX output"; input columns otherwise unchanged; empty
    values are empty cells."""
    result = _screen([str(src)])
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    for r in rows:
        assert isinstance(json.loads(r["findings"]), list)
    assert rows[2]["my_ref"] == "'=HYPERLINK(\"x\")" and rows[2]["Notes"] == "'@SUM(A1)"
    assert rows[3]["Notes"] == "-12.50", "a signed number is an amount, not a formula"
    assert rows[4]["destination_country"] == "Беларусь" and rows[4]["Notes"] == "Молоко сухое"
    assert rows[0]["hs_code"] == "3104 20 10", "echoed as written, not normalised"
    assert rows[1]["top_party_match"] == "" and rows[3]["risk_score"] == "" and rows[2]["error"] == ""


def test_xlsx_neutralised_and_every_row_on_one_verdict_sheet(src: Path, tmp_path: Path) -> None:
    """§2 neutralised in XLSX output; one output row per input row (on its verdict's sheet)."""
    out = tmp_path / "r.xlsx"
    assert _screen([str(src), "--out", str(out)]).exit_code == 0
    wb = load_workbook(out)
    cells = [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert not [c for c in cells if isinstance(c, str) and c.startswith(("=", "@"))]
    _, rows = _read(out, "xlsx")
    assert [r["row_number"] for r in rows] == [1, 2, 3, 4, 5]
    assert isinstance(rows[0]["risk_score"], int) and isinstance(rows[0]["top_party_score"], int | float)


def test_parquet_numbers_are_numbers(src: Path, tmp_path: Path) -> None:
    """§2 row_number (1-based), risk_score 0-100, top_party_score: numbers in a typed format."""
    out = tmp_path / "r.parquet"
    assert _screen([str(src), "--out", str(out)]).exit_code == 0
    frame = pd.read_parquet(out)
    assert pd.api.types.is_integer_dtype(frame["row_number"])
    assert pd.api.types.is_numeric_dtype(frame["risk_score"])
    assert pd.api.types.is_float_dtype(frame["top_party_score"])


def test_findings_carry_the_contract_fields(src: Path) -> None:
    """§2 a finding has rule_id, family, severity, regime, legal_basis, message, evidence, and for
    party matches matched_name, list_entry_id, score, explanation; rule_ids are the findings' ids,
    most severe first; reasons one sentence per finding; the verdict the most severe finding."""
    result = _screen([str(src), "--format", "jsonl"])
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    party = 0
    for r in rows:
        findings = r["findings"]
        ids = r["rule_ids"].split(";") if r["rule_ids"] else []
        assert ids == [f["rule_id"] for f in findings]
        assert r["reasons"] == ";".join(f["message"] for f in findings)
        assert len(r["reasons"].split(";") if r["reasons"] else []) == len(ids), "one sentence per finding"
        ranks = [SEVERITY_RANK[f["severity"]] for f in findings]
        assert ranks == sorted(ranks, reverse=True), "most severe first"
        for f in findings:
            assert f["rule_id"].startswith("BY-") and f["family"] in FAMILIES and f["severity"] in SEVERITY_RANK
            assert f["regime"] and f["legal_basis"] and f["message"]
            assert isinstance(f["evidence"], dict) and f["evidence"]
            if f["family"] == "party":
                party += 1
                assert f["matched_name"] and f["list_entry_id"] and f["explanation"]
                assert 0 <= f["score"] <= 1
        if r["verdict"] != "ERROR":
            worst = max(ranks, default=0)
            assert r["verdict"] == {2: "BLOCK", 1: "REVIEW", 0: "CLEAR"}[worst]
            lo, hi = BAND[r["verdict"]]
            assert lo <= r["risk_score"] <= hi
    assert party, "the sample has a party match"
    # info findings alone leave a row CLEAR (PO-5: humanitarian goods to Belarus).
    assert rows[4]["verdict"] == "CLEAR"


# ---------------------------------------------------------------- §1 input formats and forms

def _shipments_as(fmt: str, folder: Path, rows: list[dict[str, str]]) -> Path:
    frame = pd.DataFrame(rows)
    path = folder / f"in.{fmt}"
    if fmt == "jsonl":
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    elif fmt == "xlsx":
        frame.to_excel(path, index=False)
    elif fmt == "parquet":
        frame.to_parquet(path)
    else:
        path.write_text(_csv_text(rows), encoding="utf-8")
    return path


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "xlsx", "parquet"])
def test_input_formats(tmp_path: Path, fmt: str) -> None:
    """§1 "CSV ..., JSONL, Excel (.xlsx) or Parquet"; unknown extra columns kept and echoed back."""
    path = _shipments_as(fmt, tmp_path, ROWS)
    result = _screen([str(path), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert [r["verdict"] for r in rows] == EXPECTED
    # A formula written into a workbook by a program has no saved result: it reads as empty.
    sent = [r["my_ref"] if fmt != "xlsx" or not r["my_ref"].startswith("=") else "" for r in ROWS]
    assert [r["my_ref"] for r in rows] == sent
    assert list(rows[0])[:len(INPUT_COLUMNS)] == INPUT_COLUMNS


@pytest.mark.parametrize(("encoding", "delimiter"), [
    ("utf-8", ","), ("utf-8-sig", ","), ("cp1251", ";"), ("cp1252", "\t"), ("utf-8", ";"), ("cp1251", "\t"),
])
def test_csv_encodings_and_delimiters_detected(tmp_path: Path, encoding: str, delimiter: str) -> None:
    """§1 CSV in UTF-8, UTF-8 with BOM, cp1251, cp1252; comma, semicolon or tab delimited — detected."""
    rows = [{"shipment_id": "E1", "hs_code": "854231", "destination_country": "Беларусь" if encoding != "cp1252"
             else "Belarus", "consignee_name": "ОАО «Интеграл»" if encoding != "cp1252" else "Müller Straße GmbH"},
            {"shipment_id": "E2", "hs_code": "9403 60", "destination_country": "DE", "consignee_name": "Zoë Café"
             if encoding != "cp1251" else "ООО Ромашка"}]
    path = tmp_path / "in.csv"
    path.write_bytes(_csv_text(rows, delimiter).encode(encoding))
    result = _screen([str(path), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert [r["verdict"] for r in out] == ["BLOCK", "CLEAR"]
    assert [r["consignee_name"] for r in out] == [r["consignee_name"] for r in rows]


def test_encoding_and_delimiter_forced(tmp_path: Path) -> None:
    """§1 "or forced with --encoding / --delimiter"."""
    path = tmp_path / "in.txt"
    path.write_bytes("shipment_id|hs_code|destination_country|consignee_name\nF1|854231|BY|ОАО Интеграл\n"
                     .encode("cp1251"))
    result = _screen([str(path), "--format", "jsonl", "--encoding", "cp1251", "--delimiter", "|"])
    assert result.exit_code == 0, result.output
    row = json.loads(result.stdout.splitlines()[0])
    assert row["verdict"] == "BLOCK" and row["consignee_name"] == "ОАО Интеграл"


def test_headers_case_insensitive_after_trimming(tmp_path: Path) -> None:
    """§1 "Header names are matched case-insensitively after trimming"."""
    path = tmp_path / "in.csv"
    path.write_text(" SHIPMENT_ID ,Hs_Code,  Destination_Country\nH1,854231,BY\n", encoding="utf-8")
    result = _screen([str(path), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    row = json.loads(result.stdout.splitlines()[0])
    assert row["verdict"] == "BLOCK" and row["row_number"] == 1


def test_map_and_mapping_file(tmp_path: Path) -> None:
    """§1 "--map their_col=our_col (repeatable) or a mapping file renames a customer's columns"."""
    path = tmp_path / "erp.csv"
    path.write_text("Order,Tariff,Land\nM1,854231,BY\nM2,9403 60,DE\n", encoding="utf-8")
    by_map = _screen([str(path), "--format", "jsonl", "--map", "Order=shipment_id", "--map", "Tariff=hs_code",
                      "--map", "Land=destination_country"])
    assert by_map.exit_code == 0, by_map.output
    mapping = tmp_path / "map.yaml"
    mapping.write_text("Order: shipment_id\nTariff: hs_code\nLand: destination_country\n", encoding="utf-8")
    by_file = _screen([str(path), "--format", "jsonl", "--mapping", str(mapping)])
    assert by_file.exit_code == 0, by_file.output
    for result in (by_map, by_file):
        rows = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
        assert [r["verdict"] for r in rows] == ["BLOCK", "CLEAR"]
        assert [r["Order"] for r in rows] == ["M1", "M2"], "the customer's columns echoed"


def test_unreadable_rows_keep_their_place(tmp_path: Path) -> None:
    """§2 "Every input row yields exactly one output row — including unreadable ones", in order."""
    path = tmp_path / "in.jsonl"
    path.write_text('{"shipment_id": "U1", "hs_code": "854231", "destination_country": "BY"}\n'
                    '{"shipment_id": "U2", "hs_code": \n'
                    '["not", "an", "object"]\n'
                    '{"shipment_id": "U4", "hs_code": "9403 60", "destination_country": "DE"}\n', encoding="utf-8")
    result = _screen([str(path), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert [r["verdict"] for r in rows] == ["BLOCK", "ERROR", "ERROR", "CLEAR"]
    assert [r["row_number"] for r in rows] == [1, 2, 3, 4]
    assert all(r["error"] for r in rows[1:3])


def test_several_input_files_in_order(tmp_path: Path) -> None:
    """§3 screen FILE...: every row of every file, file after file, in input order."""
    a = _shipments_as("csv", tmp_path, ROWS[:2])
    b = tmp_path / "b.jsonl"
    b.write_text(json.dumps(ROWS[2]) + "\n", encoding="utf-8")
    result = _screen([str(a), str(b), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert [r["shipment_id"] for r in rows] == ["PO-1", "PO-2", "PO-3"]
    assert [r["row_number"] for r in rows] == [1, 2, 1], "row_number: the data row of its own input file"


def test_stdout_is_only_results(src: Path) -> None:
    """§3 results to stdout when no --out; the summary goes to stderr, so stdout parses whole."""
    result = runner.invoke(app, ["screen", str(src), "--format", "json", "--no-db"])
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert len(doc["results"]) == len(ROWS)
    assert "rows 5" in result.stderr


@pytest.mark.parametrize("fmt", ["xlsx", "parquet"])
def test_binary_formats_to_a_pipe(src: Path, tmp_path: Path, fmt: str) -> None:
    """§3 "screen writes results (to stdout when no --out)" — xlsx and parquet too, when stdout is
    a pipe or a file (`screen x.csv --format parquet > r.parquet`)."""
    result = runner.invoke(app, ["screen", str(src), "--format", fmt, "-q", "--no-db"])
    assert result.exit_code == 0, result.output
    out = tmp_path / f"piped.{fmt}"
    out.write_bytes(result.stdout_bytes)
    _, rows = _read(out, fmt)
    assert [r["verdict"] for r in rows] == EXPECTED


@pytest.mark.parametrize("fmt", FORMATS)
def test_list_versions_recorded_in_every_result_set(src: Path, tmp_path: Path, fmt: str) -> None:
    """§6 lists loaded "each with its version/date recorded in every result set" (and the rules'
    version): beside the file (RESULTS.meta.json), or inside json output."""
    out = tmp_path / f"r.{fmt}"
    assert _screen([str(src), "--out", str(out)]).exit_code == 0
    if fmt == "json":
        meta = json.loads(out.read_text(encoding="utf-8"))["meta"]
    else:
        meta = json.loads(Path(f"{out}.meta.json").read_text(encoding="utf-8"))
    assert meta["rules"]["version"]
    curated = meta["lists"][0]
    assert curated["name"] == "curated-belarus" and curated["version"] and curated["date"]


def test_every_command_has_help_with_an_example() -> None:
    """§3 "Every command has --help with an example" — every command and group of the app."""
    import typer.main

    def walk(cmd: Any, path: list[str]) -> list[list[str]]:
        found = [path]
        for name, sub in (getattr(cmd, "commands", None) or {}).items():
            found += walk(sub, [*path, name])
        return found

    paths = walk(typer.main.get_command(app), [])
    assert len(paths) > 15
    for path in paths:
        result = runner.invoke(app, [*path, "--help"])
        assert result.exit_code == 0, path
        assert "Example" in result.output, f"compliance {' '.join(path)} --help has no example"
