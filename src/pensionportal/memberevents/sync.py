"""Keep an organization's member-event work items in step with its data: each run works out
what is owed today and writes it through `worklist.actions` (idempotent), closing what the
data shows is done and cancelling what no longer applies.

Seeds: select-employer-manual.txt §3 "Termination", "Retirement"; §2 "Prior Service Data",
"Pension Adjustment Data". Deadlines from `rules.member_events`; choices in
docs/memberevents.md.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from pensionportal.accounts.models import Organization, Plan
from pensionportal.members.models import (
    Member,
    MemberEvent,
    MemberStatus,
    OptionalMember,
    PensionAdjustment,
)
from pensionportal.rules import member_events as rules
from pensionportal.rules import parameters
from pensionportal.rules.membership import end_of_year_turning_max_age
from pensionportal.worklist import actions as worklist
from pensionportal.worklist.actions import TaskSpec
from pensionportal.worklist.models import Audience, Task, TaskStatus

from . import other_apps
from .models import PaArrangement, RetirementNotice

S3 = "seeds/select-employer-manual.txt §3"
S2 = "seeds/select-employer-manual.txt §2"
# Terminations reported longer ago than this are history, not work (first run after an
# upgrade): the statement of each was due long ago. Not a plan rule: how far the job looks.
LOOK_BACK_DAYS = 400
# Termination reasons that end employment (TER data "Termination Reason"): a statement of
# benefits and options follows; death and shortened life expectancy have their own paths.
STATEMENT_REASONS = frozenset({"TER", "DIV"})


def _who(member: Member) -> str:
    return f"{member.first_name} {member.last_name} ({member.employee_id})"


def _member_url(member: Member) -> str:
    return reverse("members:detail", args=[member.pk])


@dataclass
class _Run:
    organization: Organization
    today: dt.date
    kept: dict[str, set[str]]

    def put(self, spec: TaskSpec) -> None:
        worklist.sync(spec, self.today)
        self.kept.setdefault(spec.kind, set()).add(spec.key)

    def done(self, key: str, on: dt.date, note: str) -> None:
        worklist.close(key, on, note)


def _terminations(run: _Run) -> None:
    since = run.today - dt.timedelta(days=LOOK_BACK_DAYS)
    reported: dict[int, dt.date] = {}
    for member_id, recorded_at in (
        MemberEvent.objects.filter(
            member__organization=run.organization, kind="TER", recorded_at__date__gte=since
        )
        .order_by("recorded_at")
        .values_list("member_id", "recorded_at")
    ):
        reported[member_id] = timezone.localdate(recorded_at)
    members = Member.objects.filter(
        pk__in=list(reported), status=MemberStatus.TERMINATED, termination_date__isnull=False
    )
    for member in members:
        if member.termination_reason not in STATEMENT_REASONS:
            continue
        assert member.termination_date is not None
        on = reported[member.pk]
        due = rules.termination_statement_due(member.termination_date, on)
        run.put(
            TaskSpec(
                key=f"termination-statement:{member.pk}:{member.termination_date.isoformat()}",
                kind="termination_statement",
                category="Statement of benefits and options",
                audience=Audience.STAFF,
                organization_id=run.organization.pk,
                title="Send the statement of benefits and options",
                detail=(
                    f"terminated {member.termination_date:%Y-%m-%d}, TER data received "
                    f"{on:%Y-%m-%d}"
                ),
                subject=_who(member),
                due_date=due,
                listed_from=on,
                url=_member_url(member),
                source=f"{S3} 'Termination': \"30 days following the termination of employment\"",
            )
        )


def _retirements(run: _Run) -> None:
    notices = RetirementNotice.objects.filter(
        member__organization=run.organization,
        retirement_date__gte=run.today - dt.timedelta(days=LOOK_BACK_DAYS),
    ).select_related("member")
    for notice in notices:
        member = notice.member
        late = notice.timing == "late"
        run.put(
            TaskSpec(
                key=f"retirement:{notice.pk}",
                kind="retirement_pension",
                category="Retirement: start the pension",
                audience=Audience.STAFF,
                organization_id=run.organization.pk,
                title=f"Start the pension on {notice.retirement_date:%Y-%m-%d}",
                detail=(
                    f"notice of intent received {notice.received_on:%Y-%m-%d}"
                    + (
                        " (less than four months ahead: the pension may not start on time)"
                        if late
                        else ""
                    )
                ),
                subject=_who(member),
                due_date=notice.retirement_date,
                listed_from=notice.received_on,
                url=_member_url(member),
                source=f"{S3} 'Retirement' (notice of intent four to six months prior)",
            )
        )
        key = f"retirement-report:{notice.pk}"
        if member.termination_date is not None and member.termination_date >= notice.received_on:
            run.done(key, run.today, "The retirement was reported in the TER data.")
            continue
        run.put(
            TaskSpec(
                key=key,
                kind="retirement_report",
                category="Retirement: report it",
                audience=Audience.EMPLOYER,
                organization_id=run.organization.pk,
                title=f"Report the retirement on {notice.retirement_date:%Y-%m-%d} in the TER data",
                detail="send the termination data no later than the pay cycle in which "
                "membership ends",
                subject=_who(member),
                due_date=notice.retirement_date,
                listed_from=notice.received_on,
                url=reverse("submissions:list"),
                source=f"{S3} 'Retirement' (you report the retirement via the online data "
                "transmission site)",
                closable_by_staff=False,
            )
        )


def _pension_start(run: _Run) -> None:
    """Members approaching the end of November of the year they turn 71 (OPTrust Select:
    the seed is the Select manual; docs/memberevents.md)."""
    if run.organization.plan != Plan.SELECT:
        return
    latest_birth = dt.date(run.today.year - 70, 12, 31)  # turns 71 this year or earlier
    for member in Member.objects.filter(
        organization=run.organization, birth_date__lte=latest_birth
    ).exclude(status=MemberStatus.TERMINATED):
        deadline = rules.pension_start_deadline(member.birth_date)
        if run.today < deadline.listed_from:
            continue
        membership_ends = end_of_year_turning_max_age(member.birth_date)
        staff_key = f"pension-71:{member.pk}:{deadline.deadline.year}"
        employer_key = f"pension-71-employer:{member.pk}:{deadline.deadline.year}"
        if run.today > membership_ends:
            run.done(employer_key, run.today, "Membership ended at the end of the year of 71.")
        else:
            run.put(
                TaskSpec(
                    key=employer_key,
                    kind="pension_start_71_employer",
                    category="Member turning 71",
                    audience=Audience.EMPLOYER,
                    organization_id=run.organization.pk,
                    title=f"The pension starts by {deadline.deadline:%Y-%m-%d}",
                    detail=(
                        "the member turns 71 this year: the pension must start by the end of "
                        "November, whether or not employment ends; contributions end on "
                        f"{membership_ends:%Y-%m-%d}"
                    ),
                    subject=_who(member),
                    due_date=deadline.deadline,
                    listed_from=deadline.listed_from,
                    url="",
                    source=f"{S3} 'Retirement' and 'Ending Employment' (the end of the year in "
                    "which they turn 71)",
                    closable_by_staff=False,
                )
            )
        run.put(
            TaskSpec(
                key=staff_key,
                kind="pension_start_71",
                category="Pension must start (age 71)",
                audience=Audience.STAFF,
                organization_id=run.organization.pk,
                title=f"Start the pension by {deadline.deadline:%Y-%m-%d}",
                detail="the end of November of the year the member turns 71",
                subject=_who(member),
                due_date=deadline.deadline,
                listed_from=deadline.listed_from,
                url=_member_url(member),
                source=f"{S3} 'Retirement' (members must start to receive their pension)",
            )
        )


def _prior_service(run: _Run) -> None:
    participation = run.organization.plan_participation_date
    if run.organization.plan != Plan.SELECT or participation is None:
        return
    due = rules.prior_service_due(participation)
    # seeds/select-employer-manual.txt §2 'Prior Service Data': from the later of this date
    # and the hire date.
    prior_service_from = parameters.load("select_prior_service_from").date_at(participation)
    received = [on for _, _, on in other_apps.applied(run.organization, "PRIORSVC")]
    keys = [f"prior-service:{run.organization.pk}", f"prior-service-staff:{run.organization.pk}"]
    if received:
        for key in keys:
            run.done(key, min(received), "Prior service data applied.")
        return
    common = {
        "due_date": due,
        "listed_from": participation,
        "organization_id": run.organization.pk,
        "subject": run.organization.name,
        "source": f"{S2} 'Prior Service Data': \"within 30 days of your plan participation date\"",
    }
    run.put(
        TaskSpec(
            key=keys[0],
            kind="prior_service_data",
            category="Prior service data",
            audience=Audience.EMPLOYER,
            title="Send the prior service data (PRIORSVC) for your employees",
            detail=(
                f"plan participation date {participation:%Y-%m-%d}: full-time annual pay rate "
                f"and hours for each year from {prior_service_from.year} or the hire date"
            ),
            url=reverse("exchange:index"),
            closable_by_staff=False,
            **common,  # type: ignore[arg-type]
        )
    )
    run.put(
        TaskSpec(
            key=keys[1],
            kind="prior_service_data_staff",
            category="Prior service data",
            audience=Audience.STAFF,
            title="Prior service data due from a new employer",
            detail=f"plan participation date {participation:%Y-%m-%d}",
            url="",
            **common,  # type: ignore[arg-type]
        )
    )


def _optional_members(run: _Run) -> None:
    """The administrator informs each optional member of the right to join within 60 days
    of hire or eligibility (§2 'Optional Member Data'); the due date is the intake's."""
    since = run.today - dt.timedelta(days=LOOK_BACK_DAYS)
    for optional in OptionalMember.objects.filter(
        organization=run.organization, notice_due_date__gte=since, optional_status_end_date=None
    ):
        assert optional.notice_due_date is not None
        name = f"{optional.first_name} {optional.last_name}".strip() or "an optional member"
        run.put(
            TaskSpec(
                key=f"optional-member-notice:{optional.pk}",
                kind="optional_member_notice",
                category="Optional member: right to join",
                audience=Audience.STAFF,
                organization_id=run.organization.pk,
                title="Inform the employee of the right to join OPTrust Select",
                detail=f"eligible employee who did not join; hired {optional.hire_date:%Y-%m-%d}"
                if optional.hire_date
                else "eligible employee who did not join",
                subject=f"{name} ({optional.employee_id})",
                due_date=optional.notice_due_date,
                url="",
                source=f"{S2} 'Optional Member Data': \"within 60 days of their date of hire "
                'or the date they became eligible"',
            )
        )


def _prior_service_at_enrolment(run: _Run) -> None:
    """An employee hired before the plan participation date who joins later: prior service
    data up to that date is required at the enrolment (§2 'Prior Service Data')."""
    participation = run.organization.plan_participation_date
    if run.organization.plan != Plan.SELECT or participation is None:
        return
    members = (
        Member.objects.filter(
            organization=run.organization,
            membership_date__gt=participation,
            hire_date__lt=participation,
            membership_date__gte=run.today - dt.timedelta(days=LOOK_BACK_DAYS),
        )
        .exclude(status=MemberStatus.TERMINATED)
        .prefetch_related("prior_service")
    )
    for member in members:
        key = f"prior-service-member:{member.pk}"
        if member.prior_service.all():
            run.done(key, run.today, "Prior service data applied.")
            continue
        run.put(
            TaskSpec(
                key=key,
                kind="prior_service_member",
                category="Prior service data",
                audience=Audience.EMPLOYER,
                organization_id=run.organization.pk,
                title="Send the prior service data (PRIORSVC) of a member who joined after "
                "your participation date",
                detail=(
                    f"hired {member.hire_date:%Y-%m-%d}, joined {member.membership_date:%Y-%m-%d}:"
                    f" years up to {participation:%Y-%m-%d}"
                ),
                subject=_who(member),
                due_date=member.membership_date,
                listed_from=min(run.today, member.membership_date),
                url=reverse("exchange:index"),
                source=f"{S2} 'Prior Service Data' (required at the member's enrolment date)",
                closable_by_staff=False,
            )
        )


def _year_end_data(organization: Organization, year: int) -> dt.date | None:
    """The day all of ``year``'s pay data arrived: the PAY submission for the year's last
    pay date (the next pay date of its cycle falls in the next year)."""
    found: list[dt.date] = []
    for pay_date, cycle, applied_on in other_apps.applied(organization, "PAY"):
        if pay_date is None or pay_date.year != year:
            continue
        following = other_apps.next_pay_date(cycle, pay_date)
        if following is not None and following.year > year:
            found.append(applied_on)
    return min(found) if found else None


def _pension_adjustments(run: _Run) -> None:
    year = run.today.year - 1
    organization = run.organization
    arrangement = PaArrangement.objects.filter(organization=organization).first()
    if arrangement is not None and arrangement.employer_calculates:
        due = rules.employer_pa_file_due(year)
        keys = [
            f"employer-pa-file:{organization.pk}:{year}",
            f"pa-file-staff:{organization.pk}:{year}",
        ]
        if PensionAdjustment.objects.filter(member__organization=organization, year=year).exists():
            for key in keys:
                run.done(key, run.today, f"PA data for {year} applied.")
            return
        common = {
            "due_date": due,
            "listed_from": dt.date(year + 1, 1, 1),
            "organization_id": organization.pk,
            "subject": organization.name,
            "source": f"{S2} 'Pension Adjustment Data': \"5 business days following the "
            'CRA deadline"',
        }
        run.put(
            TaskSpec(
                key=keys[0],
                kind="employer_pa_file",
                category="Pension adjustment file",
                audience=Audience.EMPLOYER,
                title=f"Send the {year} pension adjustment (PA) file",
                detail=(
                    f"your organization calculates its PAs: send them with the PA template "
                    f"(CRA T4 deadline {rules.cra_t4_deadline(year):%Y-%m-%d})"
                ),
                url=reverse("submissions:list"),
                closable_by_staff=False,
                **common,  # type: ignore[arg-type]
            )
        )
        run.put(
            TaskSpec(
                key=keys[1],
                kind="employer_pa_file_staff",
                category="Pension adjustment file",
                audience=Audience.STAFF,
                title=f"The employer's {year} PA file is due",
                detail="the employer calculates its own PAs",
                url="",
                closable_by_staff=False,
                **common,  # type: ignore[arg-type]
            )
        )
        return
    received = _year_end_data(organization, year)
    if received is None:
        return
    key = f"pa-calculation:{organization.pk}:{year}"
    delivered = other_apps.pa_file_delivered_since(organization, dt.date(year, 12, 31))
    if delivered is not None:
        run.done(key, delivered, "PA file delivered to the employer.")
        return
    run.put(
        TaskSpec(
            key=key,
            kind="pa_calculation",
            category="Pension adjustments: calculate",
            audience=Audience.STAFF,
            organization_id=organization.pk,
            title=f"Calculate the {year} pension adjustments and upload the PA file",
            detail=f"all {year} data received {received:%Y-%m-%d}",
            subject=organization.name,
            due_date=rules.pa_calculation_due(received),
            listed_from=received,
            url=reverse("exchange:index"),
            source=f"{S2} 'Pension Adjustment Data': \"within 15 business days of receipt "
            'of all required data for the tax year"',
        )
    )


STEPS = (
    _terminations,
    _retirements,
    _pension_start,
    _prior_service,
    _prior_service_at_enrolment,
    _optional_members,
    _pension_adjustments,
)
KINDS_SYNCED = (
    "termination_statement",
    "retirement_pension",
    "retirement_report",
    "pension_start_71",
    "pension_start_71_employer",
)


@transaction.atomic
def refresh(organization: Organization, today: dt.date) -> int:
    """Bring the organization's member-event items up to date; returns how many are open."""
    run = _Run(organization, today, {})
    for step in STEPS:
        step(run)
    # an item whose reason went away (a termination reversed, a notice withdrawn) is cancelled
    for kind in KINDS_SYNCED:
        worklist.cancel_others(
            kind, organization.pk, run.kept.get(kind, set()), today, "No longer applies."
        )
    return Task.objects.filter(organization=organization, status=TaskStatus.OPEN).count()


def refresh_all(today: dt.date) -> int:
    count = 0
    for organization in Organization.objects.filter(kind="employer", is_active=True):
        refresh(organization, today)
        count += 1
    return count
