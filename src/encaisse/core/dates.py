"""Business dates: the company's day in Europe/Paris, month ends, French business days."""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

PARIS = ZoneInfo("Europe/Paris")


def today() -> date:
    """The current business date in France; services take it as `on`, never call this."""
    return datetime.now(tz=PARIS).date()


def end_of_month(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


@lru_cache(maxsize=64)
def _french_holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("FR", years=year)


def is_business_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _french_holidays(day.year)


def next_business_day(day: date) -> date:
    """`day` itself when it is a business day, else the first one after it."""
    while not is_business_day(day):
        day += timedelta(days=1)
    return day


_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$")
_SLASHED = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def parse_date(text: str, *, day_first: bool = True) -> date:
    """Parse ISO (2026-03-31), compact (20260331), dd/mm/yyyy or, when told, m/d/yyyy.

    A slashed date that can only be read one way (31/03/2026, 3/31/2026) is read that way
    whatever `day_first` says, so a file in the other convention is not silently misread
    as long as one of its days is above 12.
    """
    text = text.strip()
    if match := _ISO.match(text) or _COMPACT.match(text):
        y, m, d = (int(g) for g in match.groups()[:3])
        return date(y, m, d)
    if match := _SLASHED.match(text):
        a, b, y = (int(g) for g in match.groups())
        if y < 100:
            y += 2000
        if a > 12 >= b:
            day_first = True
        elif b > 12 >= a:
            day_first = False
        d, m = (a, b) if day_first else (b, a)
        return date(y, m, d)
    raise ValueError(f"not a date: {text!r}")
