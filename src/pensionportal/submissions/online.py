"""Online entry ("created directly in the online data transmission site", Section 2): the
rows typed into the portal become a CSV in the published layout and go through exactly the
same pipeline as an uploaded file."""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from pensionportal.accounts.models import Organization
from pensionportal.datafiles.fields import TemplateSpec
from pensionportal.datafiles.model import ParsedFile, Unreadable
from pensionportal.datafiles.next_period import (
    Period,
    expected_contributions,
    next_period,
    next_reference,
)
from pensionportal.datafiles.specs import SPECS

from .intake import read_submission, validation_context
from .models import Status, Submission
from .registry_db import DatabaseRegistry

logger = logging.getLogger(__name__)

DEFAULT_ROWS = 5
MAX_ROWS = 500


def online_templates() -> list[TemplateSpec]:
    return [spec for spec in SPECS.values() if spec.online_transmission]


def to_csv(
    spec: TemplateSpec,
    rows: Sequence[Mapping[str, str]],
    header: Mapping[str, str] | None = None,
) -> bytes:
    """The entered values in the file layout of docs/datafiles.md (labels as headings)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    if spec.has_header:
        writer.writerow([f.label for f in spec.header_fields])
        writer.writerow([(header or {}).get(f.key, "") for f in spec.header_fields])
    writer.writerow([f.label for f in spec.fields])
    for row in rows:
        writer.writerow([row.get(f.key, "") for f in spec.fields])
    return out.getvalue().encode("utf-8")


def row_offset(spec: TemplateSpec) -> int:
    """File rows before the first entered row: the heading (and PAY's header table)."""
    return 3 if spec.has_header else 1


def blank(row: Mapping[str, str]) -> bool:
    return not any(value.strip() for value in row.values())


@dataclass(frozen=True)
class LastPay:
    header: dict[str, str] = field(default_factory=dict)
    rows: list[dict[str, str]] = field(default_factory=list)
    problem: str = ""  # why the form starts empty, in the clerk's words
    filled_from: str = ""  # the last file's reference, and what was filled in


def last_pay_rows(organization_id: int) -> LastPay:
    """ "Start from last pay period": the last applied PAY file's pay cycle and detail rows
    (amounts included), and the next period's start, end, pay date and payment reference
    from the cycle and the last reference's pattern (datafiles/next_period.py). A file that
    cannot be read leaves the form empty and says so: a convenience never fails a page."""
    last = (
        Submission.objects.filter(
            organization_id=organization_id, template="PAY", status=Status.APPLIED
        )
        .order_by("-pay_date", "-id")
        .first()
    )
    if last is None:
        return LastPay(problem="No pay file has been applied yet to start from.")
    unreadable = LastPay(
        problem=f"The last applied pay file ({last.reference}) could not be read, so the "
        "form starts empty. Enter the pay period's rows, or contact the plan administrator."
    )
    try:
        parsed = read_submission(last)
    except Exception:  # storage or decryption: the page still works
        logger.warning("last pay file %s could not be read", last.reference, exc_info=True)
        return unreadable
    if isinstance(parsed, Unreadable):
        return unreadable
    header = _header_of(parsed)
    filled = _next_header(last)
    header.update(filled)
    told = f"Started from {last.reference} (pay date {last.pay_date}): its rows and pay cycle"
    if filled:
        told += (
            f"; the next period {filled['period_start']} to {filled['period_end']}, "
            f"paid {filled['pay_date']}"
            + (f", reference {filled['payment_reference']}" if "payment_reference" in filled
               else "; enter the payment reference")
        )  # fmt: skip
    return LastPay(header, _rows_of(parsed), filled_from=told + ". Check every figure.")


def _next_header(last: Submission) -> dict[str, str]:
    if not (last.pay_cycle and last.pay_date and last.period_start and last.period_end):
        return {}
    try:
        period = next_period(
            last.pay_cycle, Period(last.period_start, last.period_end, last.pay_date)
        )
    except ValueError:
        return {}
    found = {
        "period_start": period.start.isoformat(),
        "period_end": period.end.isoformat(),
        "pay_date": period.pay_date.isoformat(),
    }
    reference = next_reference(last.payment_reference, last.pay_date, period.pay_date)
    if reference:
        found["payment_reference"] = reference
    return found


@dataclass(frozen=True)
class Expected:
    """Beside an entered contribution: what the plan's formula gives, and whether the
    entered figure differs by more than the tolerance."""

    amount: Decimal
    differs: bool


def expected_rows(
    organization: Organization,
    header: Mapping[str, str],
    rows: Sequence[Mapping[str, str]],
) -> list[dict[str, Expected]]:
    """For each row, the expected contributions on its Pensionable Pay (rules engine), for
    the header's pay date and cycle; {} for a row (or a form) that cannot be computed."""
    pay_date = _date(header.get("pay_date", ""))
    cycle = header.get("pay_cycle", "")
    if pay_date is None or not cycle:
        return [{} for _ in rows]
    context = validation_context(organization)
    ids = {row.get("employee_id", "").strip() for row in rows} - {""}
    members = DatabaseRegistry(organization).members(ids) if ids else {}
    found: list[dict[str, Expected]] = []
    for row in rows:
        pay = _amount(row.get("pensionable_pay", ""))
        if pay is None:
            found.append({})
            continue
        member = members.get(row.get("employee_id", "").strip())
        expected = expected_contributions(context, cycle, pay_date, pay, member)
        shown = {}
        for key, amount in expected.items():
            entered = _amount(row.get(key, "")) if row.get(key, "").strip() else Decimal(0)
            differs = entered is None or abs(entered - amount) > context.tolerance
            shown[key] = Expected(amount, differs)
        found.append(shown)
    return found


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        return None


def _amount(text: str) -> Decimal | None:
    try:
        return Decimal(text.strip().replace(",", "").replace("$", ""))
    except InvalidOperation:
        return None


_KEEP_FROM_LAST = {"pay_cycle"}
_DROP_FROM_ROWS = {"period_start", "period_end"}


def _header_of(parsed: ParsedFile) -> dict[str, str]:
    if parsed.header is None:
        return {}
    labels = parsed.header_columns
    spec = parsed.template
    by_label = dict(zip(labels, parsed.header.raw, strict=False))
    return {
        f.key: by_label.get(f.label, "") for f in spec.header_fields if f.key in _KEEP_FROM_LAST
    }


def _rows_of(parsed: ParsedFile) -> list[dict[str, str]]:
    spec = parsed.template
    positions = {label: i for i, label in enumerate(parsed.columns)}
    rows = []
    for raw in parsed.rows.raw:
        row = {}
        for f in spec.fields:
            i = positions.get(f.label)
            if i is not None and i < len(raw) and f.key not in _DROP_FROM_ROWS:
                row[f.key] = str(raw[i])
        rows.append(row)
    return rows[:MAX_ROWS]
