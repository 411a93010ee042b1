"""One way to show money, rates, dates and times, for pages, PDFs and spreadsheets.

Canadian English by default (`$1,890.00`, negative `-$100.00`, ISO dates `2026-11-06`);
the locale is a parameter, so French (`1 890,00 $`) needs no new code: the template filters
pass the active Django language. Numbers are formatted by Babel (CLDR data shipped with the
package, nothing fetched at run time), never by hand.

Money stays Decimal. A figure is shown to the cent, rounded half up: a rule rounds once
where the seed says (see rules/); rounding here only removes the noise of a database sum.
Missing values are "" so that the caller decides what a blank means.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from babel.numbers import format_currency, format_decimal, format_percent

DEFAULT_LOCALE = "en_CA"
CURRENCY = "CAD"
TIME_ZONE = "America/Toronto"
CENT = Decimal("0.01")

Number = Decimal | int | float | str


def to_decimal(value: Number | None) -> Decimal | None:
    """The value as a Decimal (a float goes through its shortest text, never its binary
    expansion); None for None, "" and text that is not a number."""
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def cents(value: Number) -> Decimal:
    """A money figure rounded to the cent, half up."""
    number = to_decimal(value)
    if number is None:
        raise ValueError(f"not an amount of money: {value!r}")
    return number.quantize(CENT, rounding=ROUND_HALF_UP)


def money(value: Number | None, locale: str = DEFAULT_LOCALE) -> str:
    """`$1,890.00`, `-$100.00` (en_CA); `1 890,00 $` (fr_CA)."""
    number = to_decimal(value)
    if number is None:
        return ""
    return format_currency(cents(number), CURRENCY, locale=locale)


def money_plain(value: Number | None) -> str:
    """`1890.00`: a machine-readable amount (CSV files, form values), to the cent."""
    number = to_decimal(value)
    return "" if number is None else str(cents(number))


def rate(value: Number | None, places: int = 3, locale: str = DEFAULT_LOCALE) -> str:
    """An annual rate kept as a fraction, shown in per cent: 0.025 -> `2.500%`."""
    number = to_decimal(value)
    if number is None:
        return ""
    pattern = "#,##0." + "0" * places + "%" if places else "#,##0%"
    return format_percent(number, pattern, locale=locale, decimal_quantization=True)


def decimal(value: Number | None, places: int, locale: str = DEFAULT_LOCALE) -> str:
    """A quantity that is not money (hours, years of service, a ratio): `37.50`, `2.8333`."""
    number = to_decimal(value)
    if number is None:
        return ""
    pattern = "#,##0." + "0" * places if places else "#,##0"
    return format_decimal(number, pattern, locale=locale, decimal_quantization=True)


def iso_date(value: dt.date | None) -> str:
    """`2026-11-06`: the same in every locale, sorts as text, never ambiguous."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = local_time(value).date()
    return value.isoformat()


def local_time(value: dt.datetime, zone: str = TIME_ZONE) -> dt.datetime:
    return value.astimezone(ZoneInfo(zone)) if value.tzinfo is not None else value


def iso_datetime(value: dt.datetime | None, zone: str = TIME_ZONE) -> str:
    """`2026-11-06 10:00` in the plan administrator's time zone (Ontario)."""
    if value is None:
        return ""
    return local_time(value, zone).strftime("%Y-%m-%d %H:%M")


def period(start: dt.date | None, end: dt.date | None) -> str:
    """`2026-10-11 to 2026-10-24`."""
    if start is None and end is None:
        return ""
    return f"{iso_date(start)} to {iso_date(end)}"
