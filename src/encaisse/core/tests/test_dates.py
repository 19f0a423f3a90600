from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from encaisse.core import dates


@pytest.mark.parametrize(
    ("text", "day_first", "expected"),
    [
        ("2026-03-31", True, date(2026, 3, 31)),
        ("20260331", True, date(2026, 3, 31)),
        ("31/03/2026", True, date(2026, 3, 31)),
        ("31/03/2026", False, date(2026, 3, 31)),  # only one reading possible
        ("3/31/2026", True, date(2026, 3, 31)),
        ("04/05/2026", True, date(2026, 5, 4)),
        ("04/05/2026", False, date(2026, 4, 5)),
        ("29.02.2024", True, date(2024, 2, 29)),
        ("1/2/26", True, date(2026, 2, 1)),
    ],
)
def test_parse_date_formats(text: str, day_first: bool, expected: date) -> None:
    assert dates.parse_date(text, day_first=day_first) == expected


@pytest.mark.parametrize("text", ["31/02/2026", "2026-13-01", "yesterday", "", "29/02/2025"])
def test_parse_date_refuses_impossible_dates(text: str) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - both "not a date" and "day is out of range"
        dates.parse_date(text)


@given(day=st.dates(min_value=date(1990, 1, 1), max_value=date(2099, 12, 31)))
def test_parse_date_round_trips_each_convention(day: date) -> None:
    assert dates.parse_date(day.isoformat()) == day
    assert dates.parse_date(day.strftime("%d/%m/%Y"), day_first=True) == day
    assert dates.parse_date(f"{day.month}/{day.day}/{day.year}", day_first=False) == day


def test_end_of_month_handles_leap_years() -> None:
    assert dates.end_of_month(date(2024, 2, 10)) == date(2024, 2, 29)
    assert dates.end_of_month(date(2025, 2, 10)) == date(2025, 2, 28)
    assert dates.end_of_month(date(2100, 2, 1)) == date(2100, 2, 28)


def test_next_business_day_skips_weekends_and_french_holidays() -> None:
    assert dates.next_business_day(date(2026, 5, 1)) == date(2026, 5, 4)  # Fête du travail, Fri
    assert dates.next_business_day(date(2026, 7, 14)) == date(2026, 7, 15)
    assert dates.next_business_day(date(2026, 11, 23)) == date(2026, 11, 23)
    assert dates.next_business_day(date(2026, 12, 25)) == date(2026, 12, 28)
