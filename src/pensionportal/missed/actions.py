"""Every state change of missed mandatory contributions: one atomic action each, audited,
notifying on commit.

Seed: reporting-pension-data.txt "Missed mandatory contributions" / "Procedures":
1. OPTrust identifies the periods, calculates the amount with interest and informs the
   employer by a report on the secure site; 90 days from the end of the month of the
   invoice date to remit, the outstanding list re-issued every pay cycle meanwhile;
   then a letter to the member, 45 days; then the case is closed without credit.
2./3. The employer remits through the data feed; OPTrust updates the member's file.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Max, Q, QuerySet, Sum
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from pensionportal.accounts import access
from pensionportal.accounts.access import Capability
from pensionportal.accounts.models import Organization, OrganizationKind, User
from pensionportal.audit.record import record
from pensionportal.core.notify import Notice, absolute_url, notify_on_commit
from pensionportal.files import store as files
from pensionportal.members.models import Contribution, Member
from pensionportal.reports.actions import ReportFileInput, publish_report
from pensionportal.reports.models import Report, ReportKind
from pensionportal.rules.deadlines import (
    missed_mandatory_employer_due_date,
    missed_mandatory_member_due_date,
)
from pensionportal.rules.interest import InterestRates
from pensionportal.submissions.models import Status, Submission

from . import documents, loading
from .detection import Finding as DetectedFinding
from .detection import Settings, interest_on
from .models import (
    CHOICES_FOR_FORM,
    OPEN_STAGES,
    BridgingLeave,
    Case,
    CaseEvent,
    CaseStage,
    Cause,
    Election,
    ElectionChoice,
    ElectionForm,
    Finding,
    FindingStatus,
    LetterKind,
    MemberLetter,
    PublishedList,
    WrongPlanTransfer,
)

SYSTEM = "system:missed-contributions"
REPORT_TITLE = "Missed mandatory contributions"

log = logging.getLogger(__name__)


class MissedError(ValueError):
    """A refusal whose message says why; nothing was changed."""


# -- elections ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ElectionInput:
    form: str
    choice: str
    applies_from: dt.date
    applies_to: dt.date | None
    received_date: dt.date
    sub_allowance_from: dt.date | None = None
    sub_allowance_to: dt.date | None = None
    notes: str = ""


@transaction.atomic
def record_election(
    staff: User, member: Member, data: ElectionInput, request: HttpRequest | None = None
) -> Election:
    """Record a written election (1025 or 1030) on the member's record. Who may: staff of
    data management through the page (@section), or the signatures of a form signed online
    (signedforms/effects.py, with the employer user who completed it)."""
    form = ElectionForm(data.form)
    if ElectionChoice(data.choice) not in CHOICES_FOR_FORM[form]:
        raise MissedError("That choice does not belong to this form.")
    if data.applies_to is not None and data.applies_to < data.applies_from:
        raise MissedError("The election cannot end before it starts.")
    if form is ElectionForm.PART_TIME_1030 and data.sub_allowance_from is not None:
        raise MissedError("A SUB-allowance period belongs on a 1025 leave election only.")
    if (data.sub_allowance_from is None) != (data.sub_allowance_to is None):
        raise MissedError("Give both the first and the last day of the SUB-allowance period.")
    if (
        data.sub_allowance_from is not None
        and data.sub_allowance_to is not None
        and data.sub_allowance_to < data.sub_allowance_from
    ):
        raise MissedError("The SUB-allowance period cannot end before it starts.")
    election = Election.objects.create(
        member=member,
        form=form,
        choice=data.choice,
        applies_from=data.applies_from,
        applies_to=data.applies_to,
        received_date=data.received_date,
        sub_allowance_from=data.sub_allowance_from,
        sub_allowance_to=data.sub_allowance_to,
        notes=data.notes.strip()[:300],
        recorded_by=staff,
    )
    record(
        "missed.election_recorded",
        request=request,
        actor=staff,
        organization=member.organization,
        target=f"member:{member.pk}",
        details={
            "form": form.value,
            "choice": data.choice,
            "applies_from": data.applies_from.isoformat(),
            "received": data.received_date.isoformat(),
        },
    )
    return election


# -- facts staff record: bridging leaves, contributions found at another plan ---------------


@dataclass(frozen=True)
class BridgingInput:
    start_date: dt.date
    end_date: dt.date
    notes: str = ""


@transaction.atomic
def record_bridging(
    staff: User, member: Member, data: BridgingInput, request: HttpRequest | None = None
) -> BridgingLeave:
    """A leave with pay under a bridging benefit (cause 5): its periods owe contributions."""
    access.require_staff(staff, Capability.MISSED)
    if data.end_date < data.start_date:
        raise MissedError("The bridging leave cannot end before it starts.")
    if data.start_date < member.membership_date:
        raise MissedError(
            f"The bridging leave starts before the member's plan membership date "
            f"({member.membership_date:%Y-%m-%d})."
        )
    leave = BridgingLeave.objects.create(
        member=member,
        start_date=data.start_date,
        end_date=data.end_date,
        notes=data.notes.strip()[:300],
        recorded_by=staff,
    )
    record(
        "missed.bridging_recorded",
        request=request,
        actor=staff,
        organization=member.organization,
        target=f"member:{member.pk}",
        details={"start": data.start_date.isoformat(), "end": data.end_date.isoformat()},
    )
    return leave


@dataclass(frozen=True)
class WrongPlanInput:
    other_plan: str
    period_start: dt.date
    period_end: dt.date
    amount_found: Decimal
    found_on: dt.date
    notes: str = ""


@transaction.atomic
def record_wrong_plan(
    staff: User, member: Member, data: WrongPlanInput, request: HttpRequest | None = None
) -> WrongPlanTransfer:
    """Contributions found at another plan (cause 1): the period is opened as missed."""
    access.require_staff(staff, Capability.MISSED)
    if not data.other_plan.strip():
        raise MissedError("Name the plan the contributions were remitted to.")
    if data.period_end < data.period_start:
        raise MissedError("The period cannot end before it starts.")
    if data.amount_found < 0:
        raise MissedError("The amount found cannot be negative.")
    if data.found_on > timezone.localdate():
        raise MissedError("The date found cannot be in the future.")
    transfer = WrongPlanTransfer.objects.create(
        member=member,
        other_plan=data.other_plan.strip()[:120],
        period_start=data.period_start,
        period_end=data.period_end,
        amount_found=data.amount_found,
        found_on=data.found_on,
        notes=data.notes.strip()[:300],
        recorded_by=staff,
    )
    record(
        "missed.wrong_plan_recorded",
        request=request,
        actor=staff,
        organization=member.organization,
        target=f"member:{member.pk}",
        details={
            "plan": transfer.other_plan,
            "start": data.period_start.isoformat(),
            "end": data.period_end.isoformat(),
        },
    )
    return transfer


@transaction.atomic
def record_transfer_received(
    staff: User,
    transfer: WrongPlanTransfer,
    *,
    received_on: dt.date,
    amount: Decimal,
    request: HttpRequest | None = None,
) -> int:
    """The other plan transferred the contributions: the open periods of the transfer's
    range are paid in date order while the amount lasts (a period is paid in full or not
    at all). Returns the number of periods paid."""
    access.require_staff(staff, Capability.MISSED)
    if transfer.received_on is not None:
        raise MissedError("This transfer was already received.")
    if amount <= 0:
        raise MissedError("Enter the amount received.")
    if received_on > timezone.localdate() or received_on < transfer.found_on:
        raise MissedError("The date received must be between the date found and today.")
    left = amount
    paid: list[Finding] = []
    for finding in (
        Finding.objects.select_for_update()
        .filter(
            member=transfer.member,
            status=FindingStatus.OPEN,
            period_start__lte=transfer.period_end,
            period_end__gte=transfer.period_start,
        )
        .order_by("period_start")
    ):
        if finding.principal > left:
            break
        left -= finding.principal
        finding.status = FindingStatus.PAID
        finding.paid_on = received_on
        paid.append(finding)
    Finding.objects.bulk_update(paid, ["status", "paid_on"])
    transfer.received_on = received_on
    transfer.amount_received = amount
    transfer.save(update_fields=["received_on", "amount_received"])
    record(
        "missed.wrong_plan_received",
        request=request,
        actor=staff,
        organization=transfer.member.organization,
        target=f"member:{transfer.member_id}",
        details={"amount": f"{amount:.2f}", "periods_paid": len(paid)},
    )
    for case in Case.objects.filter(pk__in={f.case_id for f in paid if f.case_id}):
        if not outstanding(case).exists() and case.is_open:
            case.stage = CaseStage.CLOSED_PAID
            case.closed_on = received_on
            case.save(update_fields=["stage", "closed_on"])
            _event(case, received_on, "closed_paid", "Paid by the transfer from another plan.")
    return len(paid)


# -- detection ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DetectionResult:
    found: int
    new: int
    withdrawn: int


def _interest(
    finding: Finding, until: dt.date, rates: InterestRates
) -> tuple[Decimal, Decimal, str]:
    computed = interest_on(
        finding.pay_date,
        finding.member_owed,
        finding.employer_owed,
        finding.member_share_paid_by_employer,
        until,
        rates,
    )
    return computed.member, computed.employer, computed.note


def detected_findings(
    organization: Organization, today: dt.date
) -> tuple[list[DetectedFinding], Settings]:
    """What detection finds today, written nowhere (run_detection stores it; the preview of
    "Run detection now" shows it)."""
    settings = loading.settings_for(organization)
    return loading.detect_findings(organization, today, settings), settings


def would_invoice(existing: Finding | None) -> bool:
    """Whether a detected period goes on the next invoice, given its stored row: a new
    period, or one stored but not on a case and still open (or withdrawn, and found again).
    The rule run_detection and open_case apply, stated once for the preview."""
    if existing is None:
        return True
    return existing.case_id is None and existing.status in (
        FindingStatus.OPEN,
        FindingStatus.WITHDRAWN,
    )


@transaction.atomic
def run_detection(
    organization: Organization, today: dt.date, actor: User | None = None
) -> DetectionResult:
    """Detect and store the organization's findings: new ones are added, those not yet on a
    case are refreshed, and those no longer detected (and not invoiced) are withdrawn."""
    found, settings = detected_findings(organization, today)
    existing = {
        (f.member_id, f.period_start, f.period_end): f
        for f in Finding.objects.filter(organization=organization)
    }
    seen: set[tuple[int, dt.date, dt.date]] = set()
    new: list[Finding] = []
    changed: list[Finding] = []
    rates = settings.rates
    for item in found:
        key = (item.member_id, item.period.start, item.period.end)
        seen.add(key)
        row = existing.get(key)
        if row is not None and (row.case_id is not None or row.status != FindingStatus.OPEN):
            if row.status == FindingStatus.WITHDRAWN:
                row.status = FindingStatus.OPEN
            else:
                continue
        if row is None:
            row = Finding(organization=organization, member_id=item.member_id)
            new.append(row)
        else:
            changed.append(row)
        row.period_start, row.period_end = item.period.start, item.period.end
        row.pay_date = item.period.pay_date
        row.cause = item.cause
        row.expected_member, row.expected_employer = item.expected_member, item.expected_employer
        row.remitted_member = item.remitted_member
        row.remitted_employer = item.remitted_employer
        row.member_owed, row.employer_owed = item.member_owed, item.employer_owed
        row.member_share_paid_by_employer = item.member_share_paid_by_employer
        row.note = item.note
        row.amount_unknown = item.amount_unknown
        if rates is not None and not item.amount_unknown:
            row.interest_member, row.interest_employer, row.interest_note = _interest(
                row, today, rates
            )
            row.interest_to = today
    withdrawn = [
        row
        for key, row in existing.items()
        if key not in seen and row.case_id is None and row.status == FindingStatus.OPEN
    ]
    for row in withdrawn:
        row.status = FindingStatus.WITHDRAWN
    Finding.objects.bulk_create(new, batch_size=2000)
    fields = [
        "status",
        "pay_date",
        "cause",
        "expected_member",
        "expected_employer",
        "remitted_member",
        "remitted_employer",
        "member_owed",
        "employer_owed",
        "member_share_paid_by_employer",
        "note",
        "amount_unknown",
        "interest_member",
        "interest_employer",
        "interest_note",
        "interest_to",
    ]
    Finding.objects.bulk_update([*changed, *withdrawn], fields, batch_size=2000)
    record(
        "missed.detection_run",
        actor=actor,
        actor_email="" if actor else SYSTEM,
        organization=organization,
        target=f"organization:{organization.pk}",
        details={"found": len(found), "new": len(new), "withdrawn": len(withdrawn)},
    )
    return DetectionResult(len(found), len(new), len(withdrawn))


# -- cases ----------------------------------------------------------------------------------


def _event(case: Case, on: dt.date, kind: str, text: str) -> None:
    CaseEvent.objects.create(case=case, on=on, kind=kind, text=text[:300])


def _employer_recipients(organization: Organization) -> list[str]:
    return list(
        User.objects.filter(is_active=True, memberships__organization=organization)
        .filter(Q(memberships__payroll_manager=True) | Q(memberships__administrator=True))
        .values_list("email", flat=True)
        .distinct()
    )


@transaction.atomic
def open_case(organization: Organization, today: dt.date, actor: User | None = None) -> Case | None:
    """The missed mandatory invoice: every open finding not yet on a case, dated today, due
    90 days from the end of the month (rules.deadlines.missed_mandatory_employer_due_date);
    interest quoted to the due date."""
    # a period whose amount cannot be computed (rates not on record) waits for staff
    pending = list(
        Finding.objects.select_for_update().filter(
            organization=organization, case=None, status=FindingStatus.OPEN, amount_unknown=False
        )
    )
    if not pending:
        return None
    due = missed_mandatory_employer_due_date(today)
    case = Case.objects.create(organization=organization, invoice_date=today, employer_due_date=due)
    rates = loading.settings_for(organization).rates
    for finding in pending:
        finding.case = case
        if rates is not None:
            finding.interest_member, finding.interest_employer, finding.interest_note = _interest(
                finding, due, rates
            )
            finding.interest_to = due
    Finding.objects.bulk_update(
        pending,
        ["case", "interest_member", "interest_employer", "interest_note", "interest_to"],
        batch_size=2000,
    )
    total = sum((f.total for f in pending), Decimal("0.00"))
    _event(
        case,
        today,
        "invoiced",
        f"Invoice {case.number}: {len(pending)} periods, ${total:,.2f} with interest to "
        f"{due.isoformat()}; employer deadline {due.isoformat()}.",
    )
    record(
        "missed.case_opened",
        actor=actor,
        actor_email="" if actor else SYSTEM,
        organization=organization,
        target=f"missed_case:{case.pk}",
        details={"periods": len(pending), "total": f"{total:.2f}", "due": due.isoformat()},
    )
    notify_on_commit(
        _employer_recipients(organization),
        "Missed mandatory contributions: invoice issued",
        "The plan administrator found pay periods where mandatory pension contributions were "
        "not remitted. Sign in to the portal's Reports section to see the periods, amounts and "
        f"deadline.\n\n{absolute_url(reverse('reports:index'))}",
        kind=Notice.INVOICE,
        organization_id=organization.pk,
    )
    return case


def outstanding(case: Case) -> QuerySet[Finding]:
    return case.findings.filter(status=FindingStatus.OPEN)


@dataclass(frozen=True)
class Received:
    member_cents: int
    employer_cents: int
    last_pay_date: dt.date | None


def _received_by_period(case: Case) -> dict[tuple[int, dt.date], Received]:
    """Retroactive or adjustment contributions (R or A) for the case's open periods."""
    keys = list(outstanding(case).values_list("member_id", "period_start"))
    if not keys:
        return {}
    members = {m for m, _ in keys}
    rows = (
        Contribution.objects.filter(
            organization_id=case.organization_id,
            member_id__in=members,
            contribution_type__in=("R", "A"),
        )
        .values("member_id", "period_start")
        .order_by()
        .annotate(
            m=Sum("employee_regular"),
            e=Sum("employer_regular") + Sum("employer_special"),
            last=Max("pay_date"),
        )
        .values_list("member_id", "period_start", "m", "e", "last")
    )
    return {
        (mid, start): Received(int(m * 100), int(e * 100), last) for mid, start, m, e, last in rows
    }


@transaction.atomic
def recheck_payments(case: Case, today: dt.date) -> int:
    """Mark each open period paid when matching R or A contributions arrived; recalculate
    the interest to the day received when they came after the employer deadline
    ("If funds are not remitted on time, a recalculation of interest will be applied")."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not case.is_open:
        return 0
    received = _received_by_period(case)
    rates = loading.settings_for(case.organization).rates
    paid: list[Finding] = []
    for finding in outstanding(case):
        got = received.get((finding.member_id, finding.period_start))
        if got is None:
            continue
        tolerance = 100  # one dollar, the detection's minimum shortfall
        if got.member_cents + tolerance < int(finding.member_owed * 100):
            continue
        if got.employer_cents + tolerance < int(finding.employer_owed * 100):
            continue
        on = got.last_pay_date or today
        finding.status = FindingStatus.PAID
        finding.paid_on = on
        if on > case.employer_due_date and rates is not None:
            finding.interest_member, finding.interest_employer, finding.interest_note = _interest(
                finding, on, rates
            )
            finding.interest_to = on
            finding.interest_recalculated = True
        paid.append(finding)
    Finding.objects.bulk_update(
        paid,
        [
            "status",
            "paid_on",
            "interest_member",
            "interest_employer",
            "interest_note",
            "interest_to",
            "interest_recalculated",
        ],
    )
    if paid:
        late = sum(1 for f in paid if f.interest_recalculated)
        _event(
            case,
            today,
            "paid",
            f"{len(paid)} periods paid by retroactive/adjustment contributions"
            + (f"; interest recalculated on {late} paid late." if late else "."),
        )
    if not outstanding(case).exists():
        case.stage = CaseStage.CLOSED_PAID
        case.closed_on = today
        case.save(update_fields=["stage", "closed_on"])
        _event(case, today, "closed_paid", "All periods paid: case closed.")
        record(
            "missed.case_closed_paid",
            actor_email=SYSTEM,
            organization=case.organization,
            target=f"missed_case:{case.pk}",
            details={"periods_paid": len(paid)},
        )
    return len(paid)


def _address(member: Member) -> list[str]:
    city = " ".join(x for x in (member.city, member.province, member.postal_code) if x)
    return [member.address_line1, member.address_line2, member.address_line3, city]


def _write_letters(case: Case, today: dt.date, kind: LetterKind, due: dt.date | None) -> int:
    by_member: dict[int, list[Finding]] = defaultdict(list)
    for finding in outstanding(case).select_related("member"):
        by_member[finding.member_id].append(finding)
    for findings in by_member.values():
        member = findings[0].member
        periods = [
            documents.LetterPeriod(f.period_start, f.period_end, Cause(f.cause).label, f.total)
            for f in findings
        ]
        pdf = documents.member_letter_pdf(
            member_name=f"{member.first_name} {member.last_name}",
            address=_address(member),
            employer=case.organization.name,
            case_number=case.number,
            letter_date=today,
            due_date=due,
            periods=periods,
            closing=kind is LetterKind.CLOSED,
        )
        letter = MemberLetter(
            case=case,
            member=member,
            kind=kind,
            letter_date=today,
            due_date=due,
            amount=sum((p.amount for p in periods), Decimal("0.00")),
        )
        stored = files.store(
            [pdf],
            purpose="missed.member_letter",
            filename=letter.filename,
            organization=case.organization,
            content_type="application/pdf",
        )
        letter.file = stored
        letter.size = stored.size
        letter.save()
    return len(by_member)


@transaction.atomic
def advance_case(case: Case, today: dt.date) -> str:
    """Move a case along its windows on ``today``; returns its stage."""
    recheck_payments(case, today)
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.stage == CaseStage.EMPLOYER and today > case.employer_due_date:
        due = missed_mandatory_member_due_date(today)
        letters = _write_letters(case, today, LetterKind.REQUEST, due)
        case.stage = CaseStage.MEMBER
        case.member_stage_on = today
        case.member_due_date = due
        case.save(update_fields=["stage", "member_stage_on", "member_due_date"])
        _event(
            case,
            today,
            "member_stage",
            f"Employer window ended {case.employer_due_date.isoformat()}: {letters} letters "
            f"to members, payment due {due.isoformat()}.",
        )
        record(
            "missed.member_stage",
            actor_email=SYSTEM,
            organization=case.organization,
            target=f"missed_case:{case.pk}",
            details={"letters": letters, "due": due.isoformat()},
        )
    elif (
        case.stage == CaseStage.MEMBER
        and case.member_due_date is not None
        and today > case.member_due_date
    ):
        letters = _write_letters(case, today, LetterKind.CLOSED, None)
        count = outstanding(case).update(status=FindingStatus.NO_CREDIT)
        case.stage = CaseStage.CLOSED_NO_CREDIT
        case.closed_on = today
        case.save(update_fields=["stage", "closed_on"])
        _event(
            case,
            today,
            "closed_no_credit",
            f"Member payment not received by {case.member_due_date.isoformat()}: {count} "
            f"periods closed without credit; {letters} members advised.",
        )
        record(
            "missed.case_closed_no_credit",
            actor_email=SYSTEM,
            organization=case.organization,
            target=f"missed_case:{case.pk}",
            details={"periods": count},
        )
    return case.stage


def on_pay_submission_applied(submission: Submission) -> int:
    """Intake's hook after a PAY file is applied: re-check the organization's open cases
    for matching R or A contributions. Returns the number of periods found paid."""
    today = submission.pay_date or dt.date.today()
    paid = 0
    for case in Case.objects.filter(
        organization_id=submission.organization_id, stage__in=OPEN_STAGES
    ):
        paid += recheck_payments(case, today)
    return paid


# -- the report -----------------------------------------------------------------------------


def report_lines(organization: Organization) -> list[documents.ReportLine]:
    """The outstanding periods: open findings, on an open case or not yet invoiced."""
    rows = (
        Finding.objects.filter(organization=organization, status=FindingStatus.OPEN)
        .select_related("member", "case")
        .order_by("member__employee_id", "period_start")
    )
    lines = []
    for f in rows:
        case = f.case
        deadline = None
        stage = "Not yet invoiced"
        if case is not None:
            stage = case.get_stage_display()
            deadline = (
                case.member_due_date if case.stage == CaseStage.MEMBER else case.employer_due_date
            )
        lines.append(
            documents.ReportLine(
                case=case.number if case else "",
                employee_id=f.member.employee_id,
                last_name=f.member.last_name,
                first_name=f.member.first_name,
                period_start=f.period_start,
                period_end=f.period_end,
                pay_date=f.pay_date,
                cause=Cause(f.cause).label,
                member_owed=f.member_owed,
                employer_owed=f.employer_owed,
                interest=f.interest,
                interest_to=f.interest_to,
                deadline=deadline,
                stage=stage,
                note=" ".join(x for x in (f.note, f.interest_note) if x),
            )
        )
    return lines


def current_pay_date(organization: Organization, today: dt.date) -> dt.date:
    """The organization's latest applied pay date on or before today (the pay cycle a list
    belongs to); today when it has none."""
    latest = (
        Submission.objects.filter(
            organization=organization,
            template="PAY",
            status=Status.APPLIED,
            pay_date__lte=today,
        )
        .order_by("-pay_date")
        .values_list("pay_date", flat=True)
        .first()
    )
    return latest or today


def publish_list(
    organization: Organization,
    today: dt.date,
    published_by: User | None = None,
    request: HttpRequest | None = None,
) -> Report | None:
    """Publish the report to the organization's Reports section. Scheduled (no user): at
    most once per organization and pay cycle, and only with outstanding periods. Staff on
    demand: always (a fresh copy).

    One transaction, under a lock on the organization's row: two runs the same day (a
    retried task, a second scheduler) wait for each other, and the second finds the list
    published; a crash anywhere publishes nothing."""
    if published_by is not None:
        access.require_staff(published_by, Capability.MISSED)
    blob_names: list[str] = []
    try:
        with transaction.atomic():
            Organization.objects.select_for_update().filter(pk=organization.pk).first()
            pay_date = current_pay_date(organization, today)
            if (
                published_by is None
                and PublishedList.objects.filter(
                    organization=organization, pay_date=pay_date
                ).exists()
            ):
                return None
            lines = report_lines(organization)
            if published_by is None and not lines:
                return None
            period = f"Pay cycle of {pay_date.isoformat()}"
            stem = f"missed-contributions-{pay_date.isoformat()}"
            report = publish_report(
                organization,
                REPORT_TITLE,
                ReportKind.MISSED_MANDATORY_CONTRIBUTIONS,
                [
                    ReportFileInput(
                        f"{stem}.pdf",
                        "application/pdf",
                        documents.report_pdf(organization.name, pay_date, lines),
                    ),
                    ReportFileInput(f"{stem}.csv", "text/csv", documents.report_csv(lines)),
                    ReportFileInput(
                        f"{stem}.xlsx",
                        "",
                        documents.report_xlsx(organization.name, pay_date, lines),
                    ),
                ],
                published_by=published_by,
                period=period,
                request=request,
            )
            blob_names = list(report.files.values_list("file__name", flat=True))
            PublishedList.objects.update_or_create(
                organization=organization, pay_date=pay_date, defaults={"report": report}
            )
            for case in Case.objects.filter(organization=organization, stage__in=OPEN_STAGES):
                case.last_list_pay_date = pay_date
                case.save(update_fields=["last_list_pay_date"])
                _event(case, today, "list_issued", f"Outstanding list published ({period}).")
    except BaseException:
        for name in blob_names:  # the report's rows were rolled back: so are its files
            if name:
                files.delete_orphan(name)
        raise
    return report


# -- the scheduled cycle --------------------------------------------------------------------


@dataclass(frozen=True)
class CycleResult:
    organizations: int
    findings: int
    cases_opened: int
    reports: int


@dataclass(frozen=True)
class OrganizationRun:
    findings: int
    case: Case | None


def run_for_organization(
    organization: Organization, today: dt.date, actor: User | None = None
) -> OrganizationRun:
    """Detect, invoice the new findings, and move the open cases along their windows."""
    if actor is not None:
        access.require_staff(actor, Capability.MISSED)
    detected = run_detection(organization, today, actor)
    case = open_case(organization, today, actor)
    for open_one in Case.objects.filter(organization=organization, stage__in=OPEN_STAGES):
        advance_case(open_one, today)
    return OrganizationRun(detected.found, case)


def run_scheduled_for(organization: Organization, today: dt.date) -> tuple[OrganizationRun, bool]:
    """One employer's daily run (the scheduler's per-employer task): detect, invoice, move
    the cases along, then publish the outstanding list once per pay cycle."""
    run = run_for_organization(organization, today)
    return run, publish_list(organization, today) is not None


def run_cycle(today: dt.date) -> CycleResult:
    """Every employer's daily run in one go (the command; the scheduler runs one task per
    employer instead). An employer whose run fails is logged and skipped: the others run."""
    organizations = Organization.objects.filter(
        kind=OrganizationKind.EMPLOYER, is_active=True, members__isnull=False
    ).distinct()
    findings = opened = reports = count = 0
    for organization in organizations:
        count += 1
        try:
            with transaction.atomic():  # a failure rolls back this employer's run only
                run, published = run_scheduled_for(organization, today)
        except Exception:
            log.exception("Missed contributions for organization %s failed", organization.pk)
            continue
        findings += run.findings
        opened += run.case is not None
        reports += published
    return CycleResult(count, findings, opened, reports)
