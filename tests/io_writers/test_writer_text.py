"""The writer's batch paths (csv, jsonl, json; ``write`` and ``render``) give the text of the
general record, byte for byte: ``_csv_cell`` of each ``result_record`` cell through ``csv.writer``,
``json.dumps`` of the record in column order. Random rows from cells that each shortcut must
notice (quotes, commas, CR/LF, formula starts in ASCII and full width, signed numbers, ``%``,
non-text values, missing columns), with and without findings."""

from __future__ import annotations

import csv
import io
import json
import random
from pathlib import Path
from typing import Any

import pytest

from compliance.io import ResultWriter, result_record
from compliance.io.writers import _csv_cell
from compliance.models import INPUT_COLUMNS, Family, Finding, ScreeningResult, Severity, Verdict

PIECES = ["a", "Z", "7", "-12.5", "+1", " ", ",", '"', "\r", "\n", "\r\n", "=", "+", "-", "@", "\t", "\uff1d",
          "\uff0b", "\uff0d", "\uff20", "'", "%", "%s", "\x00", "\\", "ООО «Тест»", "é", "\u2028", "{", "}", ":"]
ODD_VALUES: list[Any] = [12.5, 3, None, ["=a", "b"], {"k": "=v"}, True, float("nan")]


def _cell(rng: random.Random) -> str:
    return "".join(rng.choice(PIECES) for _ in range(rng.choice([0, 1, 1, 2, 3, 6])))


def _finding(rng: random.Random) -> Finding:
    return Finding(rule_id=rng.choice(["BY-PARTY-LISTED", "BY-GOODS-X"]), family=Family.party, severity=Severity.review,
                   regime="EU", legal_basis="Reg. 765/2006", message=_cell(rng) or "m",
                   matched_name=rng.choice([None, _cell(rng)]), list_name=rng.choice([None, "=list"]),
                   score=rng.choice([None, 0.5, 1.0]))


def _results(rng: random.Random, columns: list[str], n: int) -> list[ScreeningResult]:
    out = []
    for i in range(n):
        # Most rows plain (the shortcuts), some with one hostile cell, an odd value or a missing column.
        inp: dict[str, Any] = {c: rng.choice(["x", "1.5", "2026-01-02", "a b", "ООО Тест"]) for c in columns}
        for _ in range(rng.choice([0, 0, 1, 3])):
            inp[rng.choice(columns)] = _cell(rng)
        if rng.random() < 0.05:
            inp[rng.choice(columns)] = rng.choice(ODD_VALUES)
        if rng.random() < 0.05:
            del inp[rng.choice(columns)]
        if rng.random() < 0.03:
            inp[rng.choice(["extra", "shipment_id"])] = "=x"
        findings = [_finding(rng) for _ in range(rng.choice([0, 0, 0, 1, 2]))]
        verdict = Verdict.CLEAR if not findings else rng.choice([Verdict.REVIEW, Verdict.BLOCK])
        out.append(ScreeningResult(row_number=rng.choice([i + 1] * 9 + [None]),
                                   shipment_id=rng.choice(["S-1", "S,2", _cell(rng), None]),
                                   verdict=rng.choice([verdict, Verdict.ERROR]) if rng.random() < 0.05 else verdict,
                                   risk_score=rng.choice([0, 0, 40, None]), findings=findings,
                                   error=rng.choice([None] * 9 + ["bad =row"]),
                                   warnings=rng.choice([[]] * 9 + [["-w", "x"]]), input=inp))
    return out


def _reference(fmt: str, inputs: list[str], columns: list[str], results: list[ScreeningResult]) -> str:
    """The records of ``inputs`` (the input columns, and the id column the writer adds) in the
    writer's ``columns`` (an input column named like a result column is echoed as input_<name>)."""
    buffer = io.StringIO(newline="")
    if "shipment_id" in columns and "shipment_id" not in inputs:
        inputs = [*inputs, "shipment_id"]
    if fmt == "csv":
        w = csv.writer(buffer)
        for r in results:
            rec = result_record(r, inputs)
            w.writerow([_csv_cell(rec[c]) for c in columns])
    else:
        lines = []
        for r in results:
            rec = result_record(r, inputs)
            lines.append(json.dumps({c: rec.get(c) for c in columns}, ensure_ascii=False, default=str))
        buffer.write("".join(line + "\n" for line in lines) if fmt == "jsonl" else ",\n".join(lines))
    return buffer.getvalue()


LAYOUTS = {"contract": list(INPUT_COLUMNS), "few": ["shipment_id", "description", "weird %s \"col\""],
           "no_id": ["description", "hs_code"], "renamed_id": ["Order No", "Goods Description", "Ship-to Country"],
           "one_and_renamed_id": ["Order No"], "shares_a_result_column": ["shipment_id", "verdict", "note"],
           "repeated_column": ["shipment_id", "description", "description"],
           "id_in_other_case": ["Shipment_ID", "description", "hs_code"]}


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "json"])
@pytest.mark.parametrize("layout", list(LAYOUTS))
@pytest.mark.parametrize("seed", range(3))
def test_batch_text_is_the_records_text(fmt: str, layout: str, seed: int, tmp_path: Path) -> None:
    rng = random.Random(f"{fmt}{layout}{seed}")
    results = _results(rng, LAYOUTS[layout], 5000 if seed == 0 else 600)  # 5000: past a flush
    writer = ResultWriter(tmp_path / f"out.{fmt}", fmt, LAYOUTS[layout])
    # Two calls, as the batch writes chunk after chunk.
    writer.write(results[:100])
    writer.write(results[100:])
    writer.close()
    got = (tmp_path / f"out.{fmt}").read_bytes().decode("utf-8")
    body = _reference(fmt, LAYOUTS[layout], writer.columns, results)
    if fmt == "csv":
        header = io.StringIO(newline="")
        csv.writer(header).writerow(writer.columns)
        assert got == header.getvalue() + body
    elif fmt == "json":
        assert got.endswith(body + "\n]}\n")
    else:
        assert got == body
    if fmt != "json":
        renderer = ResultWriter(None, fmt, LAYOUTS[layout])
        text, n = renderer.render(results)
        assert (text, n) == (body, len(results))


def test_csv_row_with_only_commas_in_cells_is_quoted_as_csv_writer() -> None:
    """The common row whose cells hold commas (a description ``a, b``): quoted, not split."""
    columns = list(INPUT_COLUMNS)
    inp = {**dict.fromkeys(columns, "x"), "description": "Bedroom furniture, order 1110", "value": "1,5"}
    r = ScreeningResult(row_number=1, shipment_id="S", verdict=Verdict.CLEAR, risk_score=0, input=inp)
    text, _ = ResultWriter(None, "csv", columns).render([r])
    assert next(csv.reader(io.StringIO(text))) == [*inp.values(), "1", "CLEAR", "0", "", "", "", "", "", "[]", "", ""]
    assert '"Bedroom furniture, order 1110"' in text
