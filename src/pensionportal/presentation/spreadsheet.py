"""Typed XLSX cells: dates are dates, money is a number shown with the currency format, and
text can never run as a formula.

    sheet.append(typed_row([case, period_start, owed], (TEXT, DATE, MONEY)))
    apply_formats(sheet, row_number, (TEXT, DATE, MONEY))

The formats match `formatting`: `$1,890.00`, `-$100.00`, `2026-11-06`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Any

from pensionportal.datafiles.escaping import safe_text

from .formatting import cents, to_decimal

# openpyxl is imported when a workbook is made, not with every app that can export one.
if TYPE_CHECKING:
    # openpyxl on first use: see the note at the top
    from openpyxl import Workbook

MONEY_FORMAT = '"$"#,##0.00;-"$"#,##0.00'
DATE_FORMAT = "yyyy-mm-dd"
RATE_FORMAT = "0.000%"


class Kind(Enum):
    TEXT = "text"
    MONEY = "money"
    DATE = "date"
    RATE = "rate"
    NUMBER = "number"


TEXT, MONEY, DATE, RATE, NUMBER = Kind.TEXT, Kind.MONEY, Kind.DATE, Kind.RATE, Kind.NUMBER

_FORMATS = {Kind.MONEY: MONEY_FORMAT, Kind.DATE: DATE_FORMAT, Kind.RATE: RATE_FORMAT}


def typed_value(value: object, kind: Kind) -> Any:
    """The cell value for a column of this kind; None stays an empty cell."""
    if value is None or value == "":
        return None
    if kind is Kind.MONEY:
        return cents(value)  # type: ignore[arg-type]
    if kind in (Kind.RATE, Kind.NUMBER):
        number = to_decimal(value)  # type: ignore[arg-type]
        return number if number is not None else safe_text(str(value))
    if kind is Kind.DATE:
        if isinstance(value, dt.datetime):
            return value.replace(tzinfo=None)
        if isinstance(value, dt.date):
            return value
        return dt.date.fromisoformat(str(value))
    if isinstance(value, Decimal | int):
        return value
    return safe_text(str(value))


def typed_row(values: Sequence[object], kinds: Sequence[Kind]) -> list[Any]:
    if len(values) != len(kinds):
        raise ValueError(f"{len(values)} values for {len(kinds)} columns")
    return [typed_value(value, kind) for value, kind in zip(values, kinds, strict=True)]


def apply_formats(sheet: Any, row: int, kinds: Sequence[Kind]) -> None:
    """Give the cells of one worksheet row the number format of their column's kind."""
    for column, kind in enumerate(kinds, start=1):
        number_format = _FORMATS.get(kind)
        if number_format is not None:
            sheet.cell(row=row, column=column).number_format = number_format


def append_typed(sheet: Any, values: Sequence[object], kinds: Sequence[Kind]) -> None:
    sheet.append(typed_row(values, kinds))
    apply_formats(sheet, sheet.max_row, kinds)


def captioned_sheet(title: str, caption: str, headings: Sequence[str]) -> tuple[Workbook, Any]:
    """A new workbook whose one sheet, named `title`, opens with a caption line and a bold
    row of headings; returns (workbook, sheet)."""
    # openpyxl on first use: see the note at the top
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title
    sheet.append([safe_text(caption)])
    sheet.append(list(headings))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    return workbook, sheet
