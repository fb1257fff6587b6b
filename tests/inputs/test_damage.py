"""Property-based: shipment files with random structural damage (ragged rows, stray quotes,
junk bytes, BOMs, blank lines, any delimiter and encoding, JSONL with broken lines) still give
one result per input row, ids in input order, each with a verdict, and no exception escapes.

Each example is a small file (at most 30 rows) and the example count is capped, so the whole
module runs in a few seconds.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compliance.engine import iter_results
from compliance.exc import InputFileError
from compliance.io import open_input
from compliance.models import Verdict
from compliance.screener import Screener

HEADER = ["shipment_id", "hs_code", "destination_country", "description", "consignee_name", "value", "date"]
SETTINGS = settings(max_examples=int(os.environ.get("DAMAGE_EXAMPLES", "40")), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# Cell contents that are valid, wrong, or hostile; none holds the delimiter or a line break
# (those are structural damage, added below) so each physical line is one intended row.
_cell = st.one_of(
    st.sampled_from(["", "BY", "DE", "Germny", "Беларусь", "3104 20 50", "8542.31", "84", "ABC", "-5", "1.234,56",
                     "2024-02-30", "=cmd|' /C calc'!A0", "@SUM(1)", "+1", "ОАО «Беларуськалий»", "Müller €",
                     "\x00", "\ufeff", "'", "x\"y", "NaN", "1e400", "None", "null", "  "]),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r\x0b\x0c\x1c\x1d\x1e"
                                   "\x85\u2028\u2029,;\t|\""), max_size=12),
)
# Damage applied to a row: drop cells, add cells, open a quote that is never closed.
_damage = st.sampled_from(["none", "none", "none", "short", "long", "open_quote", "blank_after"])


@pytest.fixture(scope="module")
def screener() -> Screener:
    return Screener.load(include_imported=False)


def _screen(screener: Screener, path: Path, **kw: object) -> list[tuple[str | None, Verdict]]:
    with open_input(path, **kw) as table:  # type: ignore[arg-type]
        return [(str(r.input.get("shipment_id")) if r.input.get("shipment_id") not in (None, "") else None,
                 r.verdict) for r in iter_results(screener, table.chunks(7))]


@SETTINGS
@given(rows=st.lists(st.tuples(st.lists(_cell, min_size=6, max_size=6), _damage), min_size=1, max_size=30),
       delim=st.sampled_from([",", ";", "\t", "|"]),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1251", "cp1252"]),
       newline=st.sampled_from(["\n", "\r\n"]), forced=st.booleans())
def test_structural_damage_never_loses_or_reorders_rows(screener: Screener, tmp_path: Path,
                                                         rows: list[tuple[list[str], str]], delim: str, encoding: str,
                                                         newline: str, forced: bool) -> None:
    lines = [delim.join(HEADER)]
    ids = []
    for i, (cells, damage) in enumerate(rows):
        sid = f"S{i:03d}"
        ids.append(sid)
        cells = [c.replace("\x00", "") if encoding.startswith("utf-16") else c for c in cells]
        if damage == "short":
            cells = cells[:2]
        elif damage == "long":
            cells = [*cells, "extra", "more"]
        elif damage == "open_quote":
            cells = [cells[0], '"' + cells[1], *cells[2:]]
        lines.append(delim.join([sid, *cells]))
        if damage == "blank_after":
            lines.append("")
    path = tmp_path / "damaged.csv"
    path.write_bytes((newline.join(lines) + newline).encode(encoding, errors="replace"))
    kw = {"encoding": encoding, "delimiter": delim} if forced else {}
    try:
        results = _screen(screener, path, **kw)
    except InputFileError:
        # Only a file-level refusal is allowed, and only when detection had to guess.
        assert not forced
        return
    assert len(results) == len(ids)
    assert [sid for sid, _ in results] == ids
    assert all(v in set(Verdict) for _, v in results)


@SETTINGS
@given(items=st.lists(st.one_of(
    st.fixed_dictionaries({"shipment_id": st.text(max_size=6), "hs_code": st.one_of(st.text(max_size=8), st.integers(),
                                                                                    st.floats(), st.none()),
                           "destination_country": st.one_of(st.text(max_size=8), st.integers(), st.none()),
                           "value": st.one_of(st.text(max_size=8), st.floats(), st.booleans())}),
    st.sampled_from(["{broken", "[1, 2]", "42", '"text"', "null", '{"shipment_id": {"nested": [1]}}'])),
    min_size=1, max_size=25))
def test_jsonl_with_broken_lines(screener: Screener, tmp_path: Path, items: list[object]) -> None:
    path = tmp_path / "damaged.jsonl"
    lines = [it if isinstance(it, str) else json.dumps(it) for it in items]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    if not lines[0].startswith("{"):
        lines[0] = "{}"  # keep the format detectable without --format
    results = _screen(screener, path, format="jsonl")
    assert len(results) == len(items)
    for (_sid, verdict), item in zip(results, items, strict=True):
        assert verdict in set(Verdict)
        if not isinstance(item, dict):
            assert verdict == Verdict.ERROR


@SETTINGS
@given(junk=st.binary(min_size=1, max_size=2000))
def test_binary_junk_is_refused_or_read_never_crashes(screener: Screener, tmp_path: Path, junk: bytes) -> None:
    path = tmp_path / "junk.csv"
    path.write_bytes(junk)
    try:
        results = _screen(screener, path)
    except InputFileError as e:
        assert "junk.csv" in str(e)
        return
    assert all(v in set(Verdict) for _, v in results)
