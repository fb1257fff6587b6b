"""CSV/XLSX formula-injection guard (CONTRACT.md §2: cells that begin with ``= + - @`` are
neutralised). A cell that is only a signed number (``-12.50``, a credit note's amount) is left
as it is: a spreadsheet reads it as that number and runs nothing, and a quote would turn the
amount into text. Anything more after the sign (an operator, a reference, a function) is quoted."""

from __future__ import annotations

import pytest

from compliance.io import neutralise

LEFT = ["-12.50", "+5", "-1e3", "+1 234,56", "-0,5", "12-3", "plain", ""]
QUOTED = ["-2+3", "-A1", "+SUM(A1)", "-12.50+1", "- 12", "-1e3*2", "=1", "@SUM(A1)", "+cmd|' /C calc'!A0",
          "-", "+", "\t-1", "\r=1", "\uff1d1", "\uff0d12"]


@pytest.mark.parametrize("cell", LEFT)
def test_signed_numbers_and_plain_text_are_left(cell: str) -> None:
    assert neutralise(cell) == cell


@pytest.mark.parametrize("cell", QUOTED)
def test_formula_starts_are_quoted(cell: str) -> None:
    assert neutralise(cell) == "'" + cell
