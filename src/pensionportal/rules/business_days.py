"""Ontario business days.

A business day is a Monday to Friday that is not an Ontario public holiday as given by the
``holidays`` package (pinned at 0.108) with ``country_holidays("CA", subdiv="ON")``: New
Year's Day, Family Day, Good Friday, Victoria Day, Canada Day, Labour Day, Thanksgiving,
Christmas Day and Boxing Day, with the package's observed (substitute) days. Civic Holiday,
Easter Monday and Remembrance Day are business days.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

import holidays

__all__ = ["add_business_days", "is_business_day", "ontario_holidays"]


@cache
def _holidays_for(year: int) -> frozenset[dt.date]:
    calendar = holidays.country_holidays("CA", subdiv="ON", years=[year])
    return frozenset(day for day in calendar if day.year == year)


def ontario_holidays(year: int) -> frozenset[dt.date]:
    """Ontario public holidays (including observed days) in ``year``."""
    return _holidays_for(year)


def is_business_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in _holidays_for(day.year)


def add_business_days(start: dt.date, count: int) -> dt.date:
    """The date ``count`` business days after ``start`` (``start`` itself is not counted).

    ``add_business_days(friday, 1)`` is the next Monday (or Tuesday after a holiday Monday).
    ``count`` 0 gives ``start`` if it is a business day, else the next business day.
    Negative counts go backwards.
    """
    if count == 0:
        day = start
        while not is_business_day(day):
            day += dt.timedelta(days=1)
        return day
    step = dt.timedelta(days=1 if count > 0 else -1)
    remaining = abs(count)
    day = start
    while remaining:
        day += step
        if is_business_day(day):
            remaining -= 1
    return day
