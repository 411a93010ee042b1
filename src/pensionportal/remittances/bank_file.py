"""Reading a bank deposit file: CSV with the columns date, amount, reference.

All or nothing (issue 7, Bad input): every bad row is named with its row number, column,
value and rule, and then nothing is imported.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

COLUMNS = ("date", "amount", "reference")
MAX_ROWS = 10_000
MAX_REFERENCE = 50


@dataclass(frozen=True)
class Deposit:
    row: int  # row number in the file, the header being row 1
    received_on: dt.date
    amount: Decimal
    reference: str


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    value: str
    rule: str

    def __str__(self) -> str:
        where = f"Row {self.row}" + (f", column {self.column}" if self.column else "")
        shown = f" (value {self.value!r})" if self.value else ""
        return f"{where}{shown}: {self.rule}"


class BankFileError(ValueError):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def _date(text: str, today: dt.date) -> tuple[dt.date | None, str]:
    try:
        value = dt.date.fromisoformat(text)
    except ValueError:
        return None, "must be a date written YYYY-MM-DD"
    if len(text) != 10:
        return None, "must be a date written YYYY-MM-DD"
    if value > today:
        return None, "must not be in the future"
    return value, ""


def _amount(text: str) -> tuple[Decimal | None, str]:
    try:
        value = Decimal(text.replace(",", "").replace("$", ""))
    except InvalidOperation:
        return None, "must be an amount such as 1234.56"
    if not value.is_finite():
        return None, "must be an amount such as 1234.56"
    if value <= 0:
        return None, "must be more than zero"
    if value.as_tuple().exponent < -2:  # type: ignore[operator]
        return None, "must have at most two decimals"
    return value.quantize(Decimal("0.01")), ""


def read(content: bytes, today: dt.date) -> list[Deposit]:
    """Parse the whole file; raise BankFileError listing every problem."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BankFileError([Problem(1, "", "", "the file must be UTF-8 text (CSV)")]) from None
    reader = csv.reader(io.StringIO(text))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except (StopIteration, csv.Error):
        raise BankFileError(
            [Problem(1, "", "", "the file is empty: expected a header row")]
        ) from None
    if tuple(header) != COLUMNS:
        raise BankFileError(
            [Problem(1, "", ",".join(header), "the header must be exactly: date,amount,reference")]
        )
    deposits: list[Deposit] = []
    problems: list[Problem] = []
    try:
        for number, cells in enumerate(reader, start=2):
            if not any(c.strip() for c in cells):
                continue
            if number > MAX_ROWS + 1:
                problems.append(Problem(number, "", "", f"at most {MAX_ROWS} rows per file"))
                break
            if len(cells) != len(COLUMNS):
                problems.append(Problem(number, "", "", f"expected 3 cells, found {len(cells)}"))
                continue
            raw_date, raw_amount, reference = (c.strip() for c in cells)
            day, why = _date(raw_date, today)
            if why:
                problems.append(Problem(number, "date", raw_date, why))
            amount, why = _amount(raw_amount)
            if why:
                problems.append(Problem(number, "amount", raw_amount, why))
            if not reference:
                problems.append(Problem(number, "reference", "", "is required"))
            elif len(reference) > MAX_REFERENCE:
                problems.append(
                    Problem(
                        number, "reference", reference[:60], f"at most {MAX_REFERENCE} characters"
                    )
                )
            if (
                day is not None
                and amount is not None
                and reference
                and len(reference) <= MAX_REFERENCE
            ):
                deposits.append(Deposit(number, day, amount, reference))
    except csv.Error as error:
        problems.append(Problem(reader.line_num, "", "", f"the CSV cannot be read: {error}"))
    if problems:
        raise BankFileError(problems)
    if not deposits:
        raise BankFileError([Problem(2, "", "", "the file has no deposits")])
    return deposits
