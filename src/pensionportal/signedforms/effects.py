"""What a completed form does in the back office, and the same checks before anyone signs.

Forms whose facts have a pension data template go through intake exactly as a file would
(issue 20, "Into the back office": "a completed 1005 creates the member's enrolment (as an
ENROL submission through intake, so the same validation applies)"): 1005 ENROL, 1012 TER,
1025ER LOA, 1030 EMCHG (the arrangement's start and end), 1035 PRIORSVC. The others use the
owning app's action: the 1025 and 1030 elections (missed contributions), the 1030 buyback
application (buybacks), the 1040 transfer and 3002 statement on the member's history
(members); the 1074 waiver and 1008 earnings are records of this app. Before the last
signature `dry_run` reads and validates the intake rows with the registry, so a problem is
shown beside its field while it can still be fixed, and nothing is half-applied.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from pensionportal.accounts.models import Plan, User
from pensionportal.audit.record import record
from pensionportal.buybacks import actions as buybacks
from pensionportal.datafiles.context import ValidationContext
from pensionportal.datafiles.model import Unreadable
from pensionportal.datafiles.reader import read
from pensionportal.datafiles.specs import SPECS
from pensionportal.datafiles.validate import validate
from pensionportal.members.actions import record_form_event
from pensionportal.members.models import Member, MemberStatus
from pensionportal.missed.actions import ElectionInput, MissedError, record_election
from pensionportal.rules import reemployment
from pensionportal.rules.contributions_select import Participation
from pensionportal.submissions import conf
from pensionportal.submissions.actions import IntakeError, receive
from pensionportal.submissions.models import Source
from pensionportal.submissions.registry_db import DatabaseRegistry

from .definitions import FORMS
from .models import FormEffect, MembershipWaiver, ReemploymentEarnings, SignedForm
from .spec import Value, serialise

GENERAL = "__all__"


class EffectError(Exception):
    """The back office refused the completed form's facts (nothing was applied)."""


@dataclass(frozen=True)
class Subject:
    employee_id: str
    last_name: str
    first_name: str
    birth_date: dt.date | None
    email: str
    hire_date: dt.date | None = None
    membership_date: dt.date | None = None


def subject_of(form: SignedForm, values: Mapping[str, Value]) -> Subject:
    """Who the form is about: the registry member, or the person typed on the form."""
    member = form.member
    if member is not None:
        return Subject(
            member.employee_id,
            member.last_name,
            member.first_name,
            member.birth_date,
            member.email,
            member.hire_date,
            member.membership_date,
        )
    birth = values.get("birth_date")
    return Subject(
        str(values.get("employee_id") or ""),
        str(values.get("last_name") or ""),
        str(values.get("first_name") or ""),
        birth if isinstance(birth, dt.date) else None,
        str(values.get("email") or ""),
    )


# -- intake rows ----------------------------------------------------------------------------


@dataclass
class IntakeRows:
    template: str
    rows: list[dict[str, str]]
    # data-file field key -> form field key, per row (for problems shown beside fields)
    fields: list[dict[str, str]] = field(default_factory=list)

    def csv(self) -> bytes:
        spec = SPECS[self.template]
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow([f.label for f in spec.fields])
        for row in self.rows:
            writer.writerow([row.get(f.key, "") for f in spec.fields])
        return out.getvalue().encode("utf-8")


def _t(value: Value) -> str:
    shown = serialise(value)
    return "" if shown is None or isinstance(shown, bool) else str(shown)


def _identity_row(subject: Subject) -> dict[str, str]:
    return {
        "employee_id": subject.employee_id,
        "last_name": subject.last_name,
        "first_name": subject.first_name,
    }


_ENROL_KEYS = [
    "sin",
    "employee_id",
    "last_name",
    "first_name",
    "middle_name",
    "birth_date",
    "gender",
    "marital_status",
    "address_type",
    "address_line1",
    "address_line2",
    "city",
    "province",
    "postal_code",
    "phone_type",
    "phone_number",
    "email",
    "hire_date",
    "membership_date",
    "employment_type",
    "employment_ratio",
    "pay_rate",
    "standard_hours",
]


def _enrol(form: SignedForm, values: Mapping[str, Value]) -> IntakeRows:
    row = {key: _t(values.get(key)) for key in _ENROL_KEYS}
    row["country"] = "CAN"
    row["email_type"] = "HOME" if row["email"] else ""
    return IntakeRows("ENROL", [row], [{k: k for k in row}])


def _termination(form: SignedForm, values: Mapping[str, Value]) -> IntakeRows:
    subject = subject_of(form, values)
    row = _identity_row(subject)
    keys = [
        "termination_date",
        "termination_reason",
        "home_address_line1",
        "home_address_line2",
        "home_city",
        "home_province",
        "home_postal_code",
        "home_phone",
        "home_email",
        "grievance",
    ]
    row.update({key: _t(values.get(key)) for key in keys})
    row["home_country"] = "CAN" if row["home_address_line1"] else ""
    return IntakeRows("TER", [row], [{k: k for k in row}])


def _leave(form: SignedForm, values: Mapping[str, Value]) -> IntakeRows:
    row = _identity_row(subject_of(form, values))
    for key in ("leave_type", "leave_start", "expected_end", "disability_date"):
        row[key] = _t(values.get(key))
    return IntakeRows("LOA", [row], [{k: k for k in row}])


def _arrangement(form: SignedForm, values: Mapping[str, Value]) -> IntakeRows | None:
    if values.get("purpose") != "election":
        return None
    start, end = values.get("arrangement_start"), values.get("arrangement_end")
    if not isinstance(start, dt.date) or not isinstance(end, dt.date):
        return None
    identity = _identity_row(subject_of(form, values))
    span = f"{start.isoformat()} to {end.isoformat()}"
    starts = {
        **identity,
        "effective_date": start.isoformat(),
        "event_type": "CHG",
        "employment_ratio": _t(values.get("reduced_ratio")),
        "standard_hours": _t(values.get("standard_hours")),
        "pay_rate": _t(values.get("pay_rate")),
        # §2 EMCHG "Job Change Reason": "For temporary part-time work arrangements include
        # start and end dates for the arrangement."
        "job_change_reason": f"Temporary part-time work arrangement {span} (OPTrust 1030)",
    }
    ends = {
        **identity,
        "effective_date": (end + dt.timedelta(days=1)).isoformat(),
        "event_type": "CHG",
        "employment_ratio": _t(values.get("regular_ratio")),
        "job_change_reason": f"Return to regular hours after the arrangement {span}",
    }
    shared = {"employee_id": "employee_id", "pay_rate": "pay_rate"}
    return IntakeRows(
        "EMCHG",
        [starts, ends],
        [
            {
                **shared,
                "effective_date": "arrangement_start",
                "employment_ratio": "reduced_ratio",
                "standard_hours": "standard_hours",
            },
            {**shared, "effective_date": "arrangement_end", "employment_ratio": "regular_ratio"},
        ],
    )


def _history(form: SignedForm, values: Mapping[str, Value]) -> IntakeRows:
    subject = subject_of(form, values)
    rows, fields = [], []
    for i in range(1, 100):
        if f"year_{i}" not in values:
            break
        if values.get(f"year_{i}") is None:
            continue
        notes = _t(values.get(f"notes_{i}"))
        status = _t(values.get("status"))
        rows.append(
            {
                "employee_id": subject.employee_id,
                "last_name": subject.last_name,
                "hire_date": _t(values.get("employment_start")),
                "membership_date": _t(subject.membership_date),
                "year": _t(values.get(f"year_{i}")),
                "hours_worked": _t(values.get(f"hours_{i}")),
                "standard_hours": _t(values.get("standard_hours")),
                "annual_pay": _t(values.get(f"annual_pay_{i}")),
                "notes": f"{status} (OPTrust 1035){'; ' + notes if notes else ''}",
            }
        )
        fields.append(
            {
                "year": f"year_{i}",
                "hours_worked": f"hours_{i}",
                "annual_pay": f"annual_pay_{i}",
                "hire_date": "employment_start",
                "standard_hours": "standard_hours",
                "notes": f"notes_{i}",
            }
        )
    return IntakeRows("PRIORSVC", rows, fields)


INTAKE: dict[str, Callable[[SignedForm, Mapping[str, Value]], IntakeRows | None]] = {
    "1005": _enrol,
    "1012": _termination,
    "1025ER": _leave,
    "1030": _arrangement,
    "1035": _history,
}


def _context(form: SignedForm) -> ValidationContext:
    organization = form.organization
    participation = None
    if organization.plan == Plan.SELECT and organization.plan_participation_date:
        participation = Participation(organization.plan_participation_date)
    plan = Plan.SELECT if organization.plan == Plan.SELECT else Plan.OPSEU
    return ValidationContext(plan=plan, participation=participation, tolerance=conf.tolerance())


@dataclass
class DryRun:
    errors: dict[str, list[str]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def dry_run(form: SignedForm, values: Mapping[str, Value]) -> DryRun:
    """Intake's own reading and validation of the rows this form will send, with the
    registry as it is now; problems keyed by the form's field (or GENERAL)."""
    result = DryRun()
    builder = INTAKE.get(form.code)
    rows = builder(form, values) if builder else None
    if rows is None or not rows.rows:
        return result
    parsed = read(rows.csv(), f"{form.reference}-{rows.template}.csv", rows.template)
    if isinstance(parsed, Unreadable):
        problems = list(parsed.problems)
    else:
        problems = validate(parsed, DatabaseRegistry(form.organization), _context(form))
    for problem in problems:
        index = (problem.row or 2) - 2  # row 1 is the heading
        mapping = rows.fields[index] if 0 <= index < len(rows.fields) else {}
        key = mapping.get(problem.field or "", GENERAL)
        if problem.is_error:
            result.errors.setdefault(key, []).append(problem.message)
        else:
            result.warnings.append(problem.message)
    return result


# -- applying -------------------------------------------------------------------------------


def _employer_user(form: SignedForm) -> User:
    signature = form.signatures.filter(party="employer").select_related("user").first()
    if signature is None or signature.user is None:
        raise EffectError("The form has no employer signature.")
    return signature.user


def _effect(form: SignedForm, kind: str, label: str, obj_id: int | None, path: str) -> FormEffect:
    return FormEffect.objects.create(
        form=form, kind=kind, label=label[:200], object_id=obj_id, path=path[:200]
    )


def _through_intake(form: SignedForm, rows: IntakeRows) -> FormEffect:
    actor = _employer_user(form)
    try:
        submission = receive(
            actor,
            form.organization,
            f"{form.reference}-{rows.template}.csv",
            [rows.csv()],
            source=Source.ONLINE,
            row_offset=1,
        )
    except IntakeError as error:
        raise EffectError(error.message) from error
    return _effect(
        form,
        "submission",
        f"Pension data submission {submission.reference} ({rows.template}, "
        f"{len(rows.rows)} row{'s' if len(rows.rows) != 1 else ''})",
        submission.pk,
        reverse("submissions:detail", args=[submission.pk]),
    )


def _member_link(member: Member) -> str:
    return reverse("members:detail", args=[member.pk])


def _completion_day(form: SignedForm) -> dt.date:
    return timezone.localdate(form.completed_at or timezone.now())


def _election(
    form: SignedForm, values: Mapping[str, Value], code: str, start: str, end: str
) -> FormEffect:
    member = form.member
    assert member is not None
    sub_from, sub_to = values.get("sub_from"), values.get("sub_to")
    applies_from, applies_to = values.get(start), values.get(end)
    assert isinstance(applies_from, dt.date)
    try:
        election = record_election(
            _employer_user(form),
            member,
            ElectionInput(
                form=code,
                choice=str(values.get("election")),
                applies_from=applies_from,
                applies_to=applies_to if isinstance(applies_to, dt.date) else None,
                received_date=_completion_day(form),
                sub_allowance_from=sub_from if isinstance(sub_from, dt.date) else None,
                sub_allowance_to=sub_to if isinstance(sub_to, dt.date) else None,
                notes=f"Signed online: {form.reference}",
            ),
        )
    except MissedError as error:
        raise EffectError(str(error)) from error
    return _effect(
        form,
        "election",
        f"Written election on record: {election.get_choice_display()} (form {code}, from "
        f"{applies_from.isoformat()})",
        election.pk,
        _member_link(member),
    )


def _buyback(form: SignedForm, values: Mapping[str, Value]) -> FormEffect:
    member = form.member
    assert member is not None
    start, end = values.get("arrangement_start"), values.get("arrangement_end")
    regular, reduced = values.get("regular_ratio"), values.get("reduced_ratio")
    assert isinstance(start, dt.date)
    assert isinstance(end, dt.date)
    assert isinstance(regular, Decimal)
    assert isinstance(reduced, Decimal)
    try:
        buyback = buybacks.create_application(
            None,
            member,
            buybacks.ApplicationInput(
                form="1030",
                service_type="part-time",
                service_start=start,
                service_end=end,
                received_date=_completion_day(form),
                share=(regular - reduced).quantize(Decimal("0.0001")),
                reduced_hours_elected=True,
                notes=f"Signed online: {form.reference}",
            ),
        )
    except buybacks.BuybackError as error:
        raise EffectError(str(error)) from error
    return _effect(
        form,
        "buyback",
        f"Buyback application {buyback.reference}: {buyback.get_status_display()}",
        buyback.pk,
        reverse("buybacks:detail", args=[buyback.pk]),
    )


def _history_event(form: SignedForm, values: Mapping[str, Value]) -> FormEffect:
    member = form.member
    assert member is not None
    spec = FORMS[form.code]
    if form.code == "1040":
        direction = spec.field("direction").choice_label(str(values.get("direction")))
        summary = f"Transfer of membership (OPTrust 1040): {direction}"
        effective = values.get("transfer_date")
    else:
        summary = (
            f"Employer's statement on disability (OPTrust 3002): last day worked "
            f"{_t(values.get('last_day_worked'))}"
        )
        effective = values.get("last_day_worked")
    event = record_form_event(
        member,
        kind=form.code,
        summary=summary,
        effective_date=effective,
        details={"form": form.reference},
    )
    return _effect(form, "member_event", summary, event.pk, _member_link(member))


def _waiver(form: SignedForm, values: Mapping[str, Value]) -> FormEffect:
    subject = subject_of(form, values)
    eligible = values.get("eligible_date")
    assert isinstance(eligible, dt.date)
    if MembershipWaiver.objects.filter(
        organization=form.organization, employee_id=subject.employee_id
    ).exists():
        raise EffectError(f"A waiver is already on record for employee ID {subject.employee_id}.")
    waiver = MembershipWaiver.objects.create(
        organization=form.organization,
        employee_id=subject.employee_id,
        last_name=subject.last_name,
        first_name=subject.first_name,
        eligible_date=eligible,
        form=form,
    )
    return _effect(
        form,
        "waiver",
        f"Membership waiver on record for employee ID {subject.employee_id} from "
        f"{eligible.isoformat()}",
        waiver.pk,
        reverse("signedforms:records"),
    )


def maximum_on_record(form: SignedForm, employee_id: str) -> tuple[Decimal | None, str]:
    """The retired member's maximum quarterly re-employment earnings, from their final
    pre-retirement annual salary rate when the registry has them as a former member."""
    former = (
        Member.objects.filter(
            organization=form.organization,
            employee_id=employee_id,
            status=MemberStatus.TERMINATED,
        )
        .order_by("-termination_date")
        .first()
    )
    if former is None or former.pay_rate <= 0:
        return None, "No final pre-retirement salary rate on record for this employee ID."
    maximum = reemployment.maximum_quarterly_earnings(former.pay_rate)
    return maximum, (
        f"A quarter of the final annual salary rate on record ({former.pay_rate}) at "
        f"termination on {_t(former.termination_date)}."
    )


def _earnings(form: SignedForm, values: Mapping[str, Value]) -> FormEffect:
    subject = subject_of(form, values)
    year, quarter, earnings = values.get("year"), values.get("quarter"), values.get("earnings")
    assert isinstance(year, int)
    assert isinstance(earnings, Decimal)
    if ReemploymentEarnings.objects.filter(
        organization=form.organization,
        employee_id=subject.employee_id,
        year=year,
        quarter=int(str(quarter)),
    ).exists():
        raise EffectError(
            f"Earnings for {year} quarter {quarter} are already on record for employee ID "
            f"{subject.employee_id}."
        )
    maximum, basis = maximum_on_record(form, subject.employee_id)
    hours = values.get("hours")
    row = ReemploymentEarnings.objects.create(
        organization=form.organization,
        employee_id=subject.employee_id,
        last_name=subject.last_name,
        first_name=subject.first_name,
        year=year,
        quarter=int(str(quarter)),
        earnings=earnings,
        hours=hours if isinstance(hours, Decimal) else None,
        maximum=maximum,
        maximum_basis=basis[:300],
        form=form,
    )
    verdict = (
        "over the maximum quarterly re-employment earnings"
        if row.over_maximum
        else ("within the maximum" if maximum is not None else "maximum not on record")
    )
    return _effect(
        form,
        "earnings",
        f"Re-employment earnings for {year} Q{quarter} on record: {verdict}",
        row.pk,
        reverse("signedforms:records"),
    )


def apply(form: SignedForm, values: Mapping[str, Value]) -> list[FormEffect]:
    """Everything the completed form creates, in one transaction (all or nothing), each
    part audited."""
    created: list[FormEffect] = []
    with transaction.atomic():
        builder = INTAKE.get(form.code)
        rows = builder(form, values) if builder else None
        if rows is not None and rows.rows:
            created.append(_through_intake(form, rows))
        if form.code == "1025":
            created.append(_election(form, values, "1025", "leave_start", "expected_end"))
        elif form.code == "1030":
            if values.get("purpose") == "election":
                created.append(
                    _election(form, values, "1030", "arrangement_start", "arrangement_end")
                )
            else:
                created.append(_buyback(form, values))
        elif form.code in ("1040", "3002"):
            created.append(_history_event(form, values))
        elif form.code == "1074":
            created.append(_waiver(form, values))
        elif form.code == "1008":
            created.append(_earnings(form, values))
        for effect in created:
            record(
                "forms.effect_applied",
                actor_email="system:forms",
                organization=form.organization,
                target=form.reference,
                details={"kind": effect.kind, "object": effect.object_id, "what": effect.label},
            )
    return created
