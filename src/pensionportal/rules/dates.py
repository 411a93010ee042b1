"""Calendar arithmetic shared by the rules (months, ends of months, birthdays, ages)."""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal


def end_of_month(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def add_months(day: dt.date, months: int) -> dt.date:
    """Same day ``months`` later; a day that does not exist becomes the month's last day.

    2024-01-31 + 1 month = 2024-02-29; 2024-02-29 + 12 months = 2025-02-28.
    """
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def add_years(day: dt.date, years: int) -> dt.date:
    return add_months(day, 12 * years)


def birthday(birth_date: dt.date, age: int) -> dt.date:
    """The date a person born on ``birth_date`` reaches ``age``.

    Someone born on 29 February reaches an age on 28 February in a common year (the same
    convention as :func:`add_months`).
    """
    return add_years(birth_date, age)


def age_on(birth_date: dt.date, on: dt.date) -> int:
    """Completed years of age on ``on``."""
    years = on.year - birth_date.year
    if birthday(birth_date, years) > on:
        years -= 1
    return years


def days_inclusive(start: dt.date, end: dt.date) -> int:
    """Calendar days from ``start`` to ``end``, both counted (a one-day leave is 1)."""
    if end < start:
        raise ValueError(f"end {end} is before start {start}")
    return (end - start).days + 1


def year_fraction(start: dt.date, end: dt.date) -> Decimal:
    """Years from ``start`` to ``end`` (both included), counting each calendar year's part
    as its days / the days in that year: a whole calendar year is exactly 1."""
    if end < start:
        raise ValueError(f"end {end} is before start {start}")
    total = Decimal(0)
    first = start
    while first <= end:
        year_end = dt.date(first.year, 12, 31)
        last = min(year_end, end)
        year_days = 366 if calendar.isleap(first.year) else 365
        total += Decimal((last - first).days + 1) / year_days
        first = last + dt.timedelta(days=1)
    return total
