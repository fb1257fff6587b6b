"""Several input files in one run: ``row_number`` is the row of *its* file (CONTRACT §2), so it
restarts in each; a ``source_file`` column names the file every result row came from."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from compliance.cli import app

runner = CliRunner()


def _files(tmp_path: Path, header_extra: str = "") -> list[Path]:
    one = tmp_path / "one.csv"
    one.write_text("shipment_id,hs_code,destination_country" + header_extra + "\n"
                   + "".join(f"A{i},847130,DE{',own' if header_extra else ''}\n" for i in range(1, 41)),
                   encoding="utf-8")
    two = tmp_path / "two.csv"
    two.write_text("shipment_id,hs_code,destination_country,note\n"
                   + "".join(f"B{i},310420,PL,n{i}\n" for i in range(1, 26)), encoding="utf-8")
    return [one, two]


@pytest.mark.parametrize("workers", ["1", "2"])
def test_every_row_names_its_file(tmp_path: Path, workers: str) -> None:
    files = _files(tmp_path)
    result = runner.invoke(app, ["screen", *map(str, files), "--format", "csv", "--quiet", "--workers", workers,
                                 "--chunk-size", "7"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 65
    header = list(rows[0])
    assert header.index("source_file") == header.index("row_number") - 1  # after every file's own columns
    assert [(r["shipment_id"][0], r["source_file"], r["row_number"]) for r in rows] == \
        [("A", str(files[0]), str(i)) for i in range(1, 41)] + [("B", str(files[1]), str(i)) for i in range(1, 26)]
    assert rows[45]["note"] == "n6" and rows[0]["note"] == ""


def test_one_file_has_no_tag(tmp_path: Path) -> None:
    result = runner.invoke(app, ["screen", str(_files(tmp_path)[0]), "--format", "jsonl", "--quiet"])
    assert result.exit_code == 0
    assert "source_file" not in json.loads(result.stdout.splitlines()[0])


def test_a_file_with_its_own_source_file_column_keeps_it(tmp_path: Path) -> None:
    files = _files(tmp_path, header_extra=",source_file")
    result = runner.invoke(app, ["screen", *map(str, files), "--format", "jsonl", "--quiet"])
    assert result.exit_code == 0, result.output
    first, last = (json.loads(x) for x in (result.stdout.splitlines()[0], result.stdout.splitlines()[-1]))
    assert first["source_file"] == "own" and first["compliance_source_file"] == str(files[0])
    assert last["compliance_source_file"] == str(files[1])
