"""Dates as a payroll clerk writes them, and nothing that needs a guess.

Accepted: ISO ``YYYY-MM-DD`` (2011-08-04), ``D-Mon-YYYY`` as in the manual's Prior Service
example (4-Aug-2011, also 04-AUG-2011 or 4 August 2011), and real Excel date cells.
Refused: ``04/08/2011`` and every other all-number form (April or August? We never guess),
Excel date serial numbers typed as plain numbers, and dates outside 1900-2099.
"""

from __future__ import annotations

import datetime as dt
import re

from pensionportal.datafiles.errors import CellError

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
# Not a plan rule: the range of dates a data file may hold at all (typos beyond it).
EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2099, 12, 31)  # not a plan rule (as above)

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})").fullmatch
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})[- ]([A-Za-z]{3,9})\.?[- ](\d{4})").fullmatch
_ALL_NUMBERS = re.compile(r"(\d{1,4})[/.-](\d{1,2})[/.-](\d{1,4})").fullmatch
_FORMAT_HELP = "Write dates as YYYY-MM-DD (e.g. 2011-08-04) or D-Mon-YYYY (e.g. 4-Aug-2011)."


def parse_date_text(text: str) -> dt.date:
    """Parse one date written as text; raise :class:`CellError` when it is not a clear date."""
    match = _ISO(text)
    if match:
        return _checked(int(match[1]), int(match[2]), int(match[3]), text)
    match = _DAY_MONTH_YEAR(text)
    if match:
        month = MONTHS.get(match[2].lower())
        if month is None:
            raise CellError("date.format", f"'{match[2]}' is not a month. {_FORMAT_HELP}")
        return _checked(int(match[3]), month, int(match[1]), text)
    match = _ALL_NUMBERS(text)
    if match and len(match[3]) == 4:
        first, second = int(match[1]), int(match[2])
        if first <= 12 and second <= 12 and first != second:
            raise CellError(
                "date.ambiguous",
                f"{text} could be read as day-month or month-day, so it is not accepted. "
                + _FORMAT_HELP,
            )
    raise CellError("date.format", f"'{text}' is not a date we can read. {_FORMAT_HELP}")


def parse_date_cell(cell: object) -> dt.date:
    """A date from a CSV text cell or an XLSX cell (real Excel dates are taken as they are)."""
    if isinstance(cell, dt.datetime):
        return _in_range(cell.date(), cell.date().isoformat())
    if isinstance(cell, dt.date):
        return _in_range(cell, cell.isoformat())
    if isinstance(cell, str):
        return parse_date_text(cell.strip())
    raise CellError(
        "date.format",
        "This looks like a number, not a date. Format the column as a date in Excel, or "
        + _FORMAT_HELP[0].lower()
        + _FORMAT_HELP[1:],
    )


def _checked(year: int, month: int, day: int, text: str) -> dt.date:
    try:
        value = dt.date(year, month, day)
    except ValueError:
        raise CellError("date.invalid", f"{text} is not a real calendar date.") from None
    return _in_range(value, text)


def _in_range(value: dt.date, text: str) -> dt.date:
    if not EARLIEST <= value <= LATEST:
        raise CellError("date.invalid", f"{text} is outside the years 1900 to 2099.")
    return value
