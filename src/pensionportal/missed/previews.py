""" "Run detection now", previewed (issue 16, Must do 5): what the run would invoice, shown
before anything is written, and issued only when staff confirm that very preview.

The preview runs detection without storing it (actions.detected_findings) and applies the
rule that decides what goes on the invoice (actions.would_invoice), with interest quoted to
the employer's due date as open_case does. Its fingerprint covers every line and the dates;
the confirmation recomputes the preview under a lock of the organization and issues only if
the fingerprint is the same, otherwise nothing is written and the new preview says what
changed. Seed: reporting-pension-data.txt "Missed mandatory contributions" / "Procedures" 1.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.http import HttpRequest

from pensionportal.accounts import access
from pensionportal.accounts.access import Capability
from pensionportal.accounts.models import Organization, User
from pensionportal.audit.record import record
from pensionportal.members.models import Member
from pensionportal.rules.deadlines import missed_mandatory_employer_due_date

from . import actions
from .detection import interest_on
from .models import OPEN_STAGES, Case, Cause, Finding

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class PreviewLine:
    member_id: int
    employee_id: str
    name: str
    period_start: dt.date
    period_end: dt.date
    pay_date: dt.date
    cause: str
    member_owed: Decimal
    employer_owed: Decimal
    interest: Decimal

    @property
    def principal(self) -> Decimal:
        return self.member_owed + self.employer_owed

    @property
    def total(self) -> Decimal:
        return self.principal + self.interest

    @property
    def cause_label(self) -> str:
        return str(Cause(self.cause).label) if self.cause in Cause.values else self.cause


@dataclass(frozen=True)
class RunPreview:
    organization: Organization
    today: dt.date
    due_date: dt.date  # the employer's deadline the invoice would carry
    detected: int  # periods detection finds in all (some already invoiced)
    lines: list[PreviewLine]  # what the new invoice would hold
    waiting: int  # periods whose amount cannot be computed yet: not invoiced
    open_cases: int  # cases the run moves along their windows

    @property
    def total(self) -> Decimal:
        return sum((line.total for line in self.lines), ZERO)

    @property
    def interest(self) -> Decimal:
        return sum((line.interest for line in self.lines), ZERO)

    @property
    def principal(self) -> Decimal:
        return sum((line.principal for line in self.lines), ZERO)

    @property
    def members(self) -> int:
        return len({line.member_id for line in self.lines})

    @property
    def fingerprint(self) -> str:
        digest = hashlib.sha256()
        digest.update(f"{self.organization.pk}|{self.today}|{self.due_date}".encode())
        for line in self.lines:
            digest.update(
                f"|{line.member_id},{line.period_start},{line.period_end},{line.cause},"
                f"{line.member_owed},{line.employer_owed},{line.interest}".encode()
            )
        return digest.hexdigest()[:32]


class PreviewChanged(Exception):
    """The figures moved between the preview and the confirmation: nothing was issued."""

    def __init__(self, preview: RunPreview, message: str) -> None:
        super().__init__(message)
        self.preview = preview


def preview_run(staff: User, organization: Organization, today: dt.date) -> RunPreview:
    """What "Run detection now" would issue today; reads only."""
    access.require_staff(staff, Capability.MISSED)
    found, settings = actions.detected_findings(organization, today)
    stored = {
        (f.member_id, f.period_start, f.period_end): f
        for f in Finding.objects.filter(organization=organization)
    }
    due = missed_mandatory_employer_due_date(today)
    invoiced = []
    waiting = 0
    for item in found:
        if not actions.would_invoice(
            stored.get((item.member_id, item.period.start, item.period.end))
        ):
            continue
        if item.amount_unknown:
            waiting += 1
            continue
        invoiced.append(item)
    # stored open periods that this run keeps but detection does not report again are
    # withdrawn by run_detection, so only what detection finds can be on the invoice
    people = {
        pk: (employee_id, f"{first} {last}".strip())
        for pk, employee_id, first, last in Member.objects.filter(
            pk__in={item.member_id for item in invoiced}
        ).values_list("pk", "employee_id", "first_name", "last_name")
    }
    lines = []
    for item in invoiced:
        interest = ZERO
        if settings.rates is not None:
            computed = interest_on(
                item.period.pay_date,
                item.member_owed,
                item.employer_owed,
                item.member_share_paid_by_employer,
                due,
                settings.rates,
            )
            interest = computed.member + computed.employer
        employee_id, name = people.get(item.member_id, ("", ""))
        lines.append(
            PreviewLine(
                member_id=item.member_id,
                employee_id=employee_id,
                name=name,
                period_start=item.period.start,
                period_end=item.period.end,
                pay_date=item.period.pay_date,
                cause=item.cause,
                member_owed=item.member_owed,
                employer_owed=item.employer_owed,
                interest=interest,
            )
        )
    lines.sort(key=lambda line: (line.employee_id, line.period_start))
    return RunPreview(
        organization=organization,
        today=today,
        due_date=due,
        detected=len(found),
        lines=lines,
        waiting=waiting,
        open_cases=Case.objects.filter(organization=organization, stage__in=OPEN_STAGES).count(),
    )


def _what_changed(before_count: int, before_total: str, now: RunPreview) -> str:
    before_total = before_total or "an unknown amount"
    return (
        "The figures changed since your preview, so nothing was issued: you previewed "
        f"{before_count} period{'s' if before_count != 1 else ''} totalling {before_total}; "
        f"detection now finds {len(now.lines)} period{'s' if len(now.lines) != 1 else ''} "
        f"totalling ${now.total:,.2f}. Check the new preview and confirm again."
    )


@transaction.atomic
def confirm_run(
    staff: User,
    organization: Organization,
    today: dt.date,
    fingerprint: str,
    *,
    previewed_count: int = 0,
    previewed_total: str = "",
    request: HttpRequest | None = None,
) -> actions.OrganizationRun:
    """Run detection and issue the invoice, only if it is exactly what was previewed."""
    access.require_staff(staff, Capability.MISSED)
    # one confirmation at a time per employer: a second waits here, then finds its
    # preview already issued (the periods are on a case) and is refused
    Organization.objects.select_for_update().filter(pk=organization.pk).first()
    now = preview_run(staff, organization, today)
    if now.fingerprint != fingerprint:
        raise PreviewChanged(now, _what_changed(previewed_count, previewed_total, now))
    run = actions.run_for_organization(organization, today, staff)
    issued = (
        sorted(
            (f.member_id, f.period_start, f.period_end, f.total) for f in run.case.findings.all()
        )
        if run.case is not None
        else []
    )
    expected = sorted(
        (line.member_id, line.period_start, line.period_end, line.total) for line in now.lines
    )
    if issued != expected:  # the preview's rule and the run's disagree: issue nothing
        raise RuntimeError("The run would not issue what was previewed; nothing was issued.")
    record(
        "missed.run_confirmed",
        request=request,
        actor=staff,
        organization=organization,
        target=f"organization:{organization.pk}",
        details={
            "fingerprint": fingerprint,
            "periods": len(now.lines),
            "total": f"{now.total:.2f}",
            "case": run.case.number if run.case is not None else "",
        },
    )
    return run
