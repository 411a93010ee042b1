"""The buyback deduction file (the seed's "DS file") and the employer's problem report back.
Pure Python; the layouts are documented in docs/buybacks.md.

Seed: reporting-pension-data.txt "Buyback deductions" / "OPTrust-administered deductions":
the administrator generates a deduction file from members' open buybacks each pay; after
the pay run "the employer submits the payroll data, together with a report of any problems".
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

DS_COLUMNS = (
    "Pay Date",
    "Employee ID",
    "Last Name",
    "First Name",
    "Buyback Reference",
    "Deduction Code",
    "Deduction Amount",
    "Payment Number",
    "Number of Payments",
    "Start Date",
    "End Date",
)
PROBLEM_COLUMNS = (
    "Pay Date",
    "Buyback Reference",
    "Deduction Code",
    "Amount Deducted",
    "Problem",
    "Comment",
)
PROBLEMS = {
    "NOT_PAID": "The member was not paid for the period",
    "NOT_TAKEN": "The deduction could not be taken (insufficient pay)",
    "TERMINATED": "The member has terminated",
    "ON_LEAVE": "The member is on leave",
    "OTHER": "Other (explain in the comment)",
}
MAX_ROWS = 10_000


@dataclass(frozen=True)
class DsLine:
    pay_date: dt.date
    employee_id: str
    last_name: str
    first_name: str
    reference: str
    code: str
    amount: Decimal
    payment_number: int
    number_of_payments: int
    start_date: dt.date
    end_date: dt.date


def _safe(text: str) -> str:
    """Keep a spreadsheet from reading a cell as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def build_csv(lines: Sequence[DsLine]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(DS_COLUMNS)
    for line in lines:
        writer.writerow(
            [
                f"{line.pay_date:%Y-%m-%d}",
                _safe(line.employee_id),
                _safe(line.last_name),
                _safe(line.first_name),
                line.reference,
                line.code,
                f"{line.amount:.2f}",
                line.payment_number,
                line.number_of_payments,
                f"{line.start_date:%Y-%m-%d}",
                f"{line.end_date:%Y-%m-%d}",
            ]
        )
    return out.getvalue().encode("utf-8")


@dataclass(frozen=True)
class ProblemRow:
    row: int
    pay_date: dt.date
    reference: str
    code: str
    amount_deducted: Decimal
    problem: str
    comment: str


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"Row {self.row}" if self.row else "The file"
        return (
            f"{where}, {self.column}: {self.message}" if self.column else f"{where}: {self.message}"
        )


def parse_problem_report(
    data: bytes, requested: Mapping[tuple[dt.date, str, str], Decimal]
) -> tuple[list[ProblemRow], list[RowError]]:
    """Rows of the problem report, or every error found (row numbers count the header as 1).

    ``requested`` maps (pay date, buyback reference, deduction code) to the amount the
    deduction file asked for; a row must name one of them.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [RowError(0, "", "is not a UTF-8 CSV file.")]
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [cell.strip() for cell in next(reader, [])]
    missing = [name for name in PROBLEM_COLUMNS if name not in header]
    if missing:
        return [], [RowError(1, "", f"the header lacks the column(s) {', '.join(missing)}.")]
    at = {name: header.index(name) for name in PROBLEM_COLUMNS}
    rows: list[ProblemRow] = []
    errors: list[RowError] = []
    seen: set[tuple[dt.date, str, str]] = set()
    for number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if number > MAX_ROWS:
            errors.append(RowError(number, "", f"the file has more than {MAX_ROWS} rows."))
            break
        cell = {name: (cells[i].strip() if i < len(cells) else "") for name, i in at.items()}
        before = len(errors)
        try:
            pay_date = dt.date.fromisoformat(cell["Pay Date"])
        except ValueError:
            errors.append(RowError(number, "Pay Date", "must be a date as YYYY-MM-DD."))
            pay_date = dt.date.min
        try:
            amount = Decimal(cell["Amount Deducted"])
            if not amount.is_finite() or amount < 0 or amount != amount.quantize(Decimal("0.01")):
                raise InvalidOperation
        except InvalidOperation:
            errors.append(
                RowError(number, "Amount Deducted", "must be an amount of 0 or more, like 12.50.")
            )
            amount = Decimal(0)
        problem = cell["Problem"].upper()
        if problem not in PROBLEMS:
            errors.append(RowError(number, "Problem", f"must be one of {', '.join(PROBLEMS)}."))
        comment = cell["Comment"]
        if len(comment) > 300:
            errors.append(RowError(number, "Comment", "must be 300 characters or fewer."))
        if problem == "OTHER" and not comment:
            errors.append(RowError(number, "Comment", "explain the problem when it is OTHER."))
        key = (pay_date, cell["Buyback Reference"].upper(), cell["Deduction Code"])
        if len(errors) == before:
            if key not in requested:
                errors.append(
                    RowError(
                        number,
                        "Buyback Reference",
                        f"{key[1] or '(blank)'} with code {key[2] or '(blank)'} was not in the "
                        f"deduction file for pay date {pay_date:%Y-%m-%d}.",
                    )
                )
            elif amount > requested[key]:
                errors.append(
                    RowError(
                        number,
                        "Amount Deducted",
                        f"is more than the {requested[key]:.2f} requested.",
                    )
                )
            elif key in seen:
                errors.append(RowError(number, "", "repeats an earlier row of this file."))
        seen.add(key)
        if len(errors) == before:
            rows.append(ProblemRow(number, pay_date, key[1], key[2], amount, problem, comment))
    if not rows and not errors:
        errors.append(RowError(0, "", "has no rows under the header."))
    return (rows if not errors else []), errors
