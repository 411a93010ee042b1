"""Each form, completed, does its part in the back office (issue 20 "Into the back
office"), and each effect links from the form to what it created."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from pensionportal.buybacks.models import Buyback
from pensionportal.members.models import Leave, Member, MemberEvent, MemberStatus, PriorService
from pensionportal.missed.models import Election
from pensionportal.signedforms.models import MembershipWaiver, ReemploymentEarnings, Status
from pensionportal.submissions.models import Status as SubmissionStatus
from pensionportal.submissions.models import Submission

from .helpers import complete, employer

pytestmark = pytest.mark.django_db


def _applied_submission(form: object, template: str) -> Submission:
    effect = form.effects.get(kind="submission")  # type: ignore[attr-defined]
    submission = Submission.objects.get(pk=effect.object_id)
    assert submission.template == template
    assert submission.status == SubmissionStatus.APPLIED, list(
        submission.problems.values_list("message", flat=True)
    )
    assert effect.path == f"/submissions/{submission.pk}/"
    return submission


def test_a_1005_enrols_the_employee_through_intake_with_the_member_s_own_sin() -> None:
    e = employer()
    form = complete(e, "1005")
    assert form.status == Status.COMPLETED
    assert form.sealed_file is not None
    _applied_submission(form, "ENROL")
    member = Member.objects.get(organization=e.org, employee_id="N2001")
    assert (member.first_name, member.sin_last3, member.email) == (
        "Élodie",
        "544",
        "elodie.tremblay@example.com",
    )
    assert member.postal_code == "M5C1R6"


def test_a_1012_terminates_the_member_through_intake() -> None:
    e = employer()
    form = complete(e, "1012")
    _applied_submission(form, "TER")
    e.member.refresh_from_db()
    assert e.member.status == MemberStatus.TERMINATED
    assert e.member.termination_date == dt.date(2026, 4, 30)


def test_a_1025er_opens_the_leave_through_intake() -> None:
    e = employer()
    form = complete(e, "1025ER")
    _applied_submission(form, "LOA")
    leave = Leave.objects.get(member=e.member)
    assert (leave.leave_type, leave.start_date, leave.expected_end_date) == (
        "ESA_PAR",
        dt.date(2026, 3, 2),
        dt.date(2026, 12, 31),
    )


def test_a_1025_records_the_member_s_written_election_with_the_sub_period() -> None:
    e = employer()
    form = complete(e, "1025")
    election = Election.objects.get(member=e.member)
    assert (election.form, election.choice) == ("1025", "not_contribute")
    assert election.applies_from == dt.date(2026, 3, 2)
    assert election.sub_allowance_to == dt.date(2026, 4, 12)
    assert election.received_date == dt.date.today()
    assert form.effects.get().path == f"/members/{e.member.pk}/"


def test_a_1030_election_sends_the_arrangement_through_intake_and_records_the_election() -> None:
    e = employer()
    form = complete(e, "1030")
    _applied_submission(form, "EMCHG")
    changes = list(e.member.employment_changes.order_by("effective_date"))
    assert [(c.effective_date, c.employment_ratio) for c in changes] == [
        (dt.date(2026, 9, 1), Decimal("0.6000")),
        (dt.date(2027, 3, 1), Decimal("1.0000")),
    ]
    assert "Temporary part-time work arrangement 2026-09-01 to 2027-02-28" in changes[0].reason
    election = Election.objects.get(member=e.member)
    assert (election.form, election.choice, election.applies_to) == (
        "1030",
        "reduced_hours",
        dt.date(2027, 2, 28),
    )


def test_a_1030_buyback_application_creates_the_buyback_for_the_hours_not_worked() -> None:
    e = employer()
    form = complete(
        e,
        "1030",
        {
            "arrangement_start": "2024-09-01",
            "arrangement_end": "2025-02-28",
            "regular_ratio": "1.00",
            "reduced_ratio": "0.60",
            "standard_hours": "37.50",
            "pay_rate": "60000.00",
        },
        {"purpose": "buyback", "member_confirms": "on"},
    )
    buyback = Buyback.objects.get(member=e.member)
    assert (buyback.form, buyback.service_type, buyback.share) == (
        "1030",
        "part-time",
        Decimal("0.4"),
    )
    assert not Election.objects.filter(member=e.member).exists()
    assert form.effects.get().kind == "buyback"


def test_a_1035_records_the_employment_history_as_prior_service() -> None:
    e = employer(hire_date=dt.date(2012, 5, 1), membership_date=dt.date(2015, 1, 5))
    form = complete(e, "1035")
    _applied_submission(form, "PRIORSVC")
    years = list(PriorService.objects.filter(member=e.member).values_list("year", "hours_worked"))
    assert years == [(2013, Decimal("1200.00")), (2014, Decimal("1500.50"))]


@pytest.mark.parametrize(
    ("code", "summary"),
    [
        (
            "1040",
            "Transfer of membership (OPTrust 1040): From the OPSEU Pension Plan to the Public "
            "Service Pension Plan (PSPP)",
        ),
        ("3002", "Employer's statement on disability (OPTrust 3002): last day worked 2026-02-13"),
    ],
)
def test_a_1040_or_3002_is_recorded_on_the_member_s_history(code: str, summary: str) -> None:
    e = employer()
    complete(e, code)
    event = MemberEvent.objects.get(member=e.member, kind=code)
    assert event.summary == summary


def test_a_1074_records_the_waiver_for_the_employee_id() -> None:
    e = employer()
    form = complete(e, "1074")
    waiver = MembershipWaiver.objects.get()
    assert (waiver.employee_id, waiver.eligible_date, waiver.form_id) == (
        "N3001",
        dt.date(2026, 2, 2),
        form.pk,
    )


def test_a_1008_is_checked_against_the_maximum_from_the_final_salary_rate_on_record() -> None:
    # The retiree was this employer's member: final rate 30,000 -> 7,500.00 a quarter.
    e = employer(
        pay_rate=Decimal("30000"),
        status=MemberStatus.TERMINATED,
        termination_date=dt.date(2025, 12, 31),
    )
    complete(e, "1008")
    earnings = ReemploymentEarnings.objects.get()
    assert earnings.maximum == Decimal("7500.00")
    assert earnings.over_maximum
    assert earnings.excess == Decimal("1500.00")


def test_a_1008_without_the_figure_on_record_is_kept_and_says_so() -> None:
    e = employer()  # an active member, not a retiree: no final rate on record
    form = complete(e, "1008")
    earnings = ReemploymentEarnings.objects.get()
    assert earnings.maximum is None
    assert "maximum not on record" in form.effects.get().label


def test_the_1035_history_is_shown_on_a_buyback_of_that_service_with_its_share() -> None:
    from django.test import Client

    from pensionportal.buybacks import actions as buybacks
    from tests.factories import make_staff

    e = employer(hire_date=dt.date(2012, 5, 1), membership_date=dt.date(2015, 1, 5))
    complete(e, "1035")
    buyback = buybacks.create_application(
        None,
        e.member,
        buybacks.ApplicationInput(
            form="1036",
            service_type="non-contributory",
            service_start=dt.date(2013, 1, 1),
            service_end=dt.date(2014, 12, 31),
            received_date=dt.date(2015, 6, 1),
        ),
    )
    client = Client()
    client.force_login(make_staff())
    page = client.get(f"/buybacks/{buyback.pk}/").content.decode()
    assert "Employment history on record" in page
    # 1200 h / (37.5 h x 365.25/7 weeks) = 0.6133; 1500.5 h -> 0.7669; average 0.6901
    assert "0.6133" in page
    assert "0.7669" in page
    assert "0.6901 over these years" in page


def test_a_refused_effect_is_shown_on_the_form_e_mailed_and_not_retried() -> None:
    import dataclasses

    from django.core import mail
    from django.test import Client
    from django.utils import timezone

    from pensionportal.accounts.models import Role
    from pensionportal.signedforms.tasks import daily_forms_for
    from tests.factories import enrol_totp, make_user

    from .helpers import committed

    e = employer()
    complete(e, "1074")
    mail.outbox.clear()
    # A colleague sends the same employee ID again (their own authenticator: a code is
    # accepted once per period, so the first signer could not sign again this minute).
    colleague = make_user(e.org, [Role.FILE_UPLOAD])
    again = dataclasses.replace(e, user=colleague, secret=enrol_totp(colleague))
    second = complete(again, "1074")
    assert second.status == Status.COMPLETED
    assert second.sealed_file is not None
    assert second.effect_applied_at is None
    assert second.effect_error == "A waiver is already on record for employee ID N3001."
    assert MembershipWaiver.objects.count() == 1
    notices = [m for m in mail.outbox if "could not apply" in str(m.subject)]
    assert len(notices) == 1
    assert colleague.email in notices[0].to
    assert "A waiver is already on record for employee ID N3001." in str(notices[0].body)
    client = Client()
    client.force_login(e.user)
    page = client.get(f"/forms/{second.pk}/").content.decode()
    assert "The back office could not apply this form: A waiver is already on record" in page
    with committed():
        assert daily_forms_for.enqueue(e.org.pk, timezone.localdate().isoformat()).return_value == 0
    assert MembershipWaiver.objects.count() == 1
