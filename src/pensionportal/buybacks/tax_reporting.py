"""One year's buyback tax reporting: for each buyback payment, who reports it (the
administrator's T4A by mid-February, or the employer's T4 for payroll deductions of a
non-CORPAY employer); for each purchase, who reports the PA (the administrator files it
for leaves and arrangements signed before April 30 of the following year; otherwise a PA
amendment request to the employer). The rules are `rules.buyback_tax`; this module reads
the payments and purchases, lists them for staff, and sends each employer its notice.

A "CORPAY employer" is one whose payroll takes the administrator's deduction file
(`DeductionFileEmployer`). Payroll deductions are the PAY rows' "Buyback Contribution"
amounts with a pay date in the year (by member: the PAY row does not say which buyback).
Which tax year a PA belongs to: the year the leave or arrangement ended (seeds); for the
other purchases, the year the signed 1017 was received (choice, docs/buybacks.md).
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal

from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from pensionportal.accounts import access
from pensionportal.accounts.access import Capability
from pensionportal.accounts.models import Organization, User
from pensionportal.audit.record import record
from pensionportal.datafiles.escaping import safe_text
from pensionportal.files import store as files
from pensionportal.members.models import Member
from pensionportal.rules import buyback_tax as rules
from pensionportal.rules.buybacks import ServiceType
from pensionportal.worklist.actions import TaskSpec
from pensionportal.worklist.models import Audience

from . import other_apps, pdfs
from .models import (
    Buyback,
    DeductionFileEmployer,
    LumpSumPayment,
    PaymentOption,
    Status,
    TaxNoticeRun,
)
from .tax_lines import TaxLine

AGREED = (Status.AWAITING_PAYMENT, Status.IN_PAYMENT, Status.COMPLETED, Status.STOPPED)
HEADINGS = (
    "Year",
    "Employer",
    "Employee ID",
    "Last Name",
    "First Name",
    "Buyback",
    "What",
    "Amount",
    "Who Reports",
    "Due",
    "Rule",
)


class TaxNoticeError(ValueError):
    """A refusal whose message says why; nothing was changed."""


def _corpay_ids() -> set[int]:
    return set(
        DeductionFileEmployer.objects.filter(enabled=True).values_list("organization_id", flat=True)
    )


def _payment_line(
    year: int,
    organization: Organization,
    member: Member,
    reference: str,
    what: str,
    total: Decimal,
    found: rules.PaymentReporting,
) -> TaxLine:
    """A year's payments of one kind, with who reports them (slip, due date, why)."""
    return TaxLine(
        year,
        organization,
        member,
        reference,
        what,
        total,
        found.slip.value,
        found.due,
        found.reason,
        found.by_employer,
    )


def year_lines(year: int, organization: Organization | None = None) -> list[TaxLine]:
    """Every payment and PA responsibility of ``year`` (one organization, or all)."""
    corpay = _corpay_ids()
    buybacks = Buyback.objects.filter(status__in=AGREED).select_related("organization", "member")
    payments = LumpSumPayment.objects.filter(received_date__year=year).select_related(
        "buyback__organization", "buyback__member"
    )
    if organization is not None:
        buybacks = buybacks.filter(organization=organization)
        payments = payments.filter(buyback__organization=organization)
    lines: list[TaxLine] = []
    # payments made directly: grouped by buyback and method
    direct: dict[tuple[int, bool], Decimal] = defaultdict(Decimal)
    owner: dict[int, Buyback] = {}
    for payment in payments:
        direct[(payment.buyback_id, payment.direct)] += payment.amount
        owner[payment.buyback_id] = payment.buyback
    for (buyback_id, is_direct), total in sorted(direct.items()):
        buyback = owner[buyback_id]
        method = rules.PaymentMethod.DIRECT if is_direct else rules.PaymentMethod.LUMP_SUM
        found = rules.payment_reporting(
            method, dt.date(year, 12, 31), buyback.organization_id in corpay
        )
        what = "Monthly/quarterly payments made directly" if is_direct else "Lump-sum payments"
        lines.append(
            _payment_line(
                year, buyback.organization, buyback.member, buyback.reference, what, total, found
            )
        )
    # payroll deductions reported in the PAY data, by member
    org_ids = (
        [organization.pk]
        if organization is not None
        else list(buybacks.values_list("organization_id", flat=True).distinct())
    )
    amounts = other_apps.payroll_buyback_amounts(org_ids, year)
    members = Member.objects.filter(pk__in=[m for m, _ in amounts]).select_related("organization")
    by_id = {m.pk: m for m in members}
    for member_id, total in amounts:
        member = by_id[member_id]
        found = rules.payment_reporting(
            rules.PaymentMethod.PAYROLL, dt.date(year, 12, 31), member.organization_id in corpay
        )
        what = "Payroll deductions (PAY data, all buybacks)"
        lines.append(_payment_line(year, member.organization, member, "", what, total, found))
    # the PA of each purchase
    for buyback in buybacks:
        responsibility = rules.pa_responsibility(
            rules.Purchase(
                ServiceType(buyback.service_type),
                buyback.service_start,
                buyback.service_end,
                buyback.agreement_date,
                buyback.organization_id in corpay,
                buyback.payment_option == PaymentOption.LUMP_SUM,
            )
        )
        if responsibility.tax_year != year or responsibility.filer is rules.PaFiler.NONE:
            continue
        files = responsibility.administrator_files
        lines.append(
            TaxLine(
                year,
                buyback.organization,
                buyback.member,
                buyback.reference,
                f"Pension adjustment: {buyback.get_service_type_display().lower()} "
                f"{buyback.service_start:%Y-%m-%d} to {buyback.service_end:%Y-%m-%d}",
                None,
                responsibility.filer.value,
                rules.t4a_due(year) if files else None,
                responsibility.reason,
                not files,
                files,
            )
        )
        if responsibility.employer_reports_reduced_hours:
            lines.append(
                TaxLine(
                    year,
                    buyback.organization,
                    buyback.member,
                    buyback.reference,
                    "Pension adjustment for the reduced hours worked during the arrangement",
                    None,
                    "employer calculates and reports it on the T4",
                    None,
                    "seeds/buybacks.txt 'Reminder! Employers are responsible for calculating "
                    "and submitting a PA to CRA for the member's reduced hours worked'",
                    True,
                )
            )
    lines.sort(key=lambda x: (x.organization.name, x.member.employee_id, x.buyback, x.what))
    return lines


def pa_for(buyback: Buyback) -> rules.PaResponsibility | None:
    """Who reports the PA of this purchase, once it is agreed."""
    if buyback.status not in AGREED or buyback.agreement_date is None:
        return None
    return rules.pa_responsibility(
        rules.Purchase(
            ServiceType(buyback.service_type),
            buyback.service_start,
            buyback.service_end,
            buyback.agreement_date,
            buyback.organization_id in _corpay_ids(),
            buyback.payment_option == PaymentOption.LUMP_SUM,
        )
    )


def lines_csv(lines: Sequence[TaxLine]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADINGS)
    for line in lines:
        writer.writerow([safe_text(str(cell)) for cell in line.cells()])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def issue_notices(actor: User, year: int, request: HttpRequest | None = None) -> list[TaxNoticeRun]:
    """Each employer with buyback tax reporting in ``year`` gets its notice (a PDF in File
    Upload and a secure message from the Buybacks mailbox): what it must report itself and
    what the administrator reports for its members. Once per employer and year."""
    access.require_staff(actor, Capability.BUYBACKS)
    lines = year_lines(year)
    by_org: dict[int, list[TaxLine]] = defaultdict(list)
    for line in lines:
        by_org[line.organization.pk].append(line)
    done = set(TaxNoticeRun.objects.filter(year=year).values_list("organization_id", flat=True))
    runs = []
    for org_lines in by_org.values():
        organization = org_lines[0].organization
        if organization.pk in done:
            continue
        runs.append(_notice(actor, organization, year, org_lines, request))
    if not runs and not lines:
        raise TaxNoticeError(f"No buyback payments or purchases to report for {year}.")
    if runs or not by_org.keys() - done:
        other_apps.task_done(_notices_key(year), timezone.localdate(), "Notices sent.", actor)
    return runs


def _notice(
    actor: User,
    organization: Organization,
    year: int,
    lines: list[TaxLine],
    request: HttpRequest | None,
) -> TaxNoticeRun:
    content = pdfs.tax_notice(organization.name, year, lines)
    stored = None
    try:
        with transaction.atomic():
            file_id, file_reference, file_name, stored = other_apps.deliver(
                actor, organization, f"buyback-tax-reporting-{year}.pdf", content, request
            )
            yours = sum(1 for line in lines if line.employer_acts)
            body = (
                f"Buyback tax reporting for {year}: {len(lines)} item(s), {yours} of them for "
                "you to report (payroll deductions on the T4 of non-CORPAY employers, PA "
                "amendment requests, the PA for reduced hours of an arrangement). The "
                "administrator gives the members their T4As by mid-February for the payments "
                f"it reports. The notice is in File Upload as {file_name} ({file_reference})."
            )
            thread = other_apps.message(
                actor, organization, f"Buyback tax reporting {year}", body, request
            )
            run = TaxNoticeRun.objects.create(
                organization=organization,
                year=year,
                lines=len(lines),
                delivered_file_id=file_id,
                thread_reference=thread,
                produced_by=actor,
            )
            record(
                "buybacks.tax_notice_sent",
                request=request,
                actor=actor,
                organization=organization,
                target=f"{organization.pk}:{year}",
                details={"lines": len(lines), "file": file_reference},
            )
    except BaseException:
        if stored is not None:
            files.delete_orphan(stored)
        raise
    return run


def _notices_key(year: int) -> str:
    return f"buyback-tax-notices:{year}"


def sync_year_tasks(today: dt.date, organization: Organization | None = None) -> int:
    """From 1 January, the staff tasks for last year's buyback tax reporting (when there is
    any): issue the T4As, send the employers their notices; both by mid-February. With an
    employer (the scheduler's per-employer task): when that employer has any; the tasks
    are the administrator's, one each a year whichever employer's run brings them."""
    year = today.year - 1
    due = rules.t4a_due(year)
    if today > due or not year_lines(year, organization):
        return 0
    yearly = functools.partial(
        TaskSpec,
        category="Buyback tax reporting",
        audience=Audience.STAFF,
        organization_id=None,
        subject="All employers",
        due_date=due,
        listed_from=dt.date(year + 1, 1, 1),
        url=reverse("buybacks:tax") + f"?year={year}",
        source="seeds/buybacks.txt 'T4 tax reporting' (a T4A by mid-February)",
    )
    specs = [
        yearly(
            key=f"buyback-t4a:{year}",
            kind="buyback_t4a",
            title=f"Give the members their T4As for {year} buyback payments",
            detail="the list shows each payment the administrator reports",
        ),
        yearly(
            key=_notices_key(year),
            kind="buyback_tax_notices",
            title=f"Send employers their {year} buyback tax reporting notices",
            detail="T4 payroll deductions (non-CORPAY) and PA amendment requests",
            closable_by_staff=False,
        ),
    ]
    for spec in specs:
        other_apps.task(spec, today)
    return len(specs)
