"""Typed XLSX cells (issue 15, "One money and date presentation"): dates as dates, money as
numbers with the currency format, text never a formula."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from pensionportal.presentation.spreadsheet import (
    DATE,
    DATE_FORMAT,
    MONEY,
    MONEY_FORMAT,
    RATE,
    TEXT,
    append_typed,
    typed_row,
)


def test_cells_are_typed_and_formatted() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    kinds = (TEXT, DATE, MONEY, MONEY, RATE)
    append_typed(
        sheet,
        ["=HYPERLINK()", dt.date(2026, 11, 6), Decimal("669.810000"), Decimal("-100"), "0.025"],
        kinds,
    )
    out = io.BytesIO()
    book.save(out)
    read = load_workbook(io.BytesIO(out.getvalue())).active
    assert read is not None
    text, day, owed, negative, rate = (read.cell(row=1, column=c) for c in range(1, 6))
    assert text.value == "'=HYPERLINK()"
    assert day.value == dt.datetime(2026, 11, 6)
    assert day.number_format == DATE_FORMAT
    assert owed.value == pytest.approx(669.81)
    assert owed.number_format == MONEY_FORMAT
    assert negative.value == -100
    assert negative.number_format == MONEY_FORMAT
    assert rate.value == pytest.approx(0.025)
    assert rate.number_format == "0.000%"


def test_a_row_must_match_its_columns() -> None:
    with pytest.raises(ValueError, match="2 values for 3 columns"):
        typed_row([1, 2], (TEXT, TEXT, TEXT))
