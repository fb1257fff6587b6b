"""ISO 8601 ordinal (2024-061) and week dates (2024-W10-5) in the ``date`` column (CONTRACT.md §1:
"shipment date (ISO 8601)"): read as the day they name, or ERROR saying what is wrong."""

from __future__ import annotations

import datetime as dt

import pytest

from compliance.models import parse_date
from compliance.screener import Screener

READ = [("2024-061", dt.date(2024, 3, 1)), ("2024061", dt.date(2024, 3, 1)), ("2023-060", dt.date(2023, 3, 1)),
        ("2024-366", dt.date(2024, 12, 31)), ("2024-001T08:30", dt.date(2024, 1, 1)),
        ("2024-W10-5", dt.date(2024, 3, 8)), ("2024W105", dt.date(2024, 3, 8)), ("2024-w10-5", dt.date(2024, 3, 8)),
        ("2020-W53-5", dt.date(2021, 1, 1)), ("2025-W01-1", dt.date(2024, 12, 30)),
        ("2024-W10-5T09:00", dt.date(2024, 3, 8))]
REFUSED = [("2023-366", "2023 has 365"), ("2024-000", "2024 has 366"), ("2024-W10", "names a week, not a day"),
           ("2024-W53-1", "weeks 1-52"), ("2024-W10-8", "7 (Sunday)"), ("1899-061", "looks like a typo")]


@pytest.fixture(scope="module")
def screener() -> Screener:
    return Screener.load(include_imported=False)


@pytest.mark.parametrize(("text", "day"), READ)
def test_ordinal_and_week_dates_are_read(text: str, day: dt.date) -> None:
    assert parse_date(text) == day


@pytest.mark.parametrize(("text", "why"), REFUSED)
def test_impossible_ordinal_and_week_dates_are_refused_with_the_reason(text: str, why: str) -> None:
    with pytest.raises(ValueError, match="date") as e:
        parse_date(text)
    assert why in str(e.value) and repr(text) in str(e.value)


def test_a_week_date_decides_the_rules_in_force_as_its_day(screener: Screener) -> None:
    row = {"shipment_id": "S1", "hs_code": "854231", "destination_country": "KZ"}
    by_week = screener.screen({**row, "date": "2024-W10-5"})
    by_day = screener.screen({**row, "date": "2024-03-08"})
    assert by_week.verdict == by_day.verdict and by_week.rule_ids == by_day.rule_ids and by_week.error is None
    bad = screener.screen({**row, "date": "2024-W10"}, row_number=3)
    assert bad.verdict.value == "ERROR" and bad.error and "row 3" in bad.error and "weekday" in bad.error
