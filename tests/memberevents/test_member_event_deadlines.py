"""Member-event deadlines as staff tasks and employer to-dos, with the dates at the edges:
the 30th and 31st day after a termination, November 30 of the year the member turns 71,
prior service data 30 days after participation, the PA calculation 15 business days after
the year's last data, the employer's PA file 5 business days after the CRA deadline.
Seeds: select-employer-manual.txt §2 'Prior Service Data', 'Pension Adjustment Data'; §3
'Termination', 'Retirement'."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from pensionportal.accounts.models import Plan, Role
from pensionportal.memberevents import actions, sync
from pensionportal.memberevents.models import PaArrangement
from pensionportal.members.models import Member, MemberEvent, MemberStatus, PensionAdjustment
from pensionportal.submissions.models import Status, Submission
from pensionportal.worklist import queries
from pensionportal.worklist.models import Audience, Task, TaskStatus
from tests.factories import make_member, make_org, make_staff, make_user, next_sin

pytestmark = pytest.mark.django_db
D = dt.date


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, 12))


def _terminated(org: Any, on: dt.date, reported: dt.date, reason: str = "TER") -> Member:
    member = make_member(
        org,
        sin=next_sin(),
        status=MemberStatus.TERMINATED,
        termination_date=on,
        termination_reason=reason,
    )
    MemberEvent.objects.create(
        member=member,
        kind="TER",
        effective_date=on,
        summary="Terminated",
        recorded_at=_at(reported),
    )
    return member


def _row(rows: list[queries.Row], kind: str) -> queries.Row:
    [row] = [r for r in rows if r.task.kind == kind]
    return row


def test_the_termination_statement_is_due_on_the_30th_day_and_overdue_on_the_31st() -> None:
    org = make_org()
    member = _terminated(org, D(2026, 3, 2), D(2026, 3, 2))
    staff = make_staff()
    sync.refresh(org, D(2026, 3, 3))
    task = Task.objects.get(kind="termination_statement")
    assert task.due_date == D(2026, 4, 1)
    assert member.employee_id in task.subject
    day_30 = _row(queries.staff_queue(staff, D(2026, 4, 1)), "termination_statement")
    assert (day_30.overdue, day_30.state) == (False, "Due today")
    day_31 = _row(queries.staff_queue(staff, D(2026, 4, 2)), "termination_statement")
    assert (day_31.overdue, day_31.state) == (True, "Overdue by 1 day")


def test_a_late_ter_counts_from_the_day_it_arrived_and_a_death_gets_no_statement() -> None:
    org = make_org()
    _terminated(org, D(2026, 1, 15), D(2026, 3, 1))
    _terminated(org, D(2026, 2, 1), D(2026, 2, 2), reason="DTH")
    sync.refresh(org, D(2026, 3, 2))
    [task] = Task.objects.filter(kind="termination_statement")
    assert task.due_date == D(2026, 3, 31)


def test_staff_mark_the_statement_sent_and_it_stays_done() -> None:
    org = make_org()
    _terminated(org, D(2026, 3, 2), D(2026, 3, 2))
    sync.refresh(org, D(2026, 3, 3))
    task = Task.objects.get(kind="termination_statement")
    from pensionportal.worklist import actions as worklist

    worklist.mark_done(make_staff(), task, D(2026, 3, 20), "Statement mailed.")
    sync.refresh(org, D(2026, 3, 21))
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    assert task.closed_on == D(2026, 3, 20)


@pytest.mark.parametrize(
    ("today", "listed", "overdue"),
    [
        (D(2026, 5, 29), False, False),
        (D(2026, 5, 30), True, False),  # six months before the deadline
        (D(2026, 11, 30), True, False),  # November 30 of the year of 71: due today
        (D(2026, 12, 1), True, True),
    ],
)
def test_members_approaching_november_30_of_the_year_of_71(
    today: dt.date, listed: bool, overdue: bool
) -> None:
    org = make_org(plan=Plan.SELECT)
    make_member(org, "OLD", sin=next_sin(), birth_date=D(1955, 12, 15))
    make_member(org, "YOUNG", sin=next_sin(), birth_date=D(1956, 1, 1))  # turns 71 next year
    user = make_user(org, [Role.FILE_UPLOAD])
    sync.refresh(org, today)
    staff_rows = [
        r for r in queries.staff_queue(make_staff(), today) if r.task.kind == "pension_start_71"
    ]
    employer_rows = [
        r for r in queries.employer_todos(user, org.pk, today) if r.task.kind.startswith("pension")
    ]
    assert len(staff_rows) == (1 if listed else 0)
    assert len(employer_rows) == (1 if listed else 0)
    if listed:
        assert staff_rows[0].task.due_date == D(2026, 11, 30)
        assert "OLD" in staff_rows[0].task.subject
        assert staff_rows[0].overdue is overdue
        assert employer_rows[0].overdue is overdue


def test_the_employers_age_71_item_closes_when_membership_ends() -> None:
    org = make_org(plan=Plan.SELECT)
    make_member(org, "OLD", sin=next_sin(), birth_date=D(1955, 12, 15))
    sync.refresh(org, D(2026, 6, 1))
    sync.refresh(org, D(2027, 1, 1))
    task = Task.objects.get(kind="pension_start_71_employer")
    assert task.status == TaskStatus.DONE


def test_opseu_members_are_not_listed_for_the_select_age_71_rule() -> None:
    org = make_org(plan=Plan.OPSEU)
    make_member(org, "OLD", sin=next_sin(), birth_date=D(1955, 12, 15))
    sync.refresh(org, D(2026, 6, 1))
    assert not Task.objects.filter(kind__startswith="pension_start").exists()


def _submission(org: Any, template: str, pay_date: dt.date | None, applied: dt.date) -> None:
    Submission.objects.create(
        organization=org,
        template=template,
        source="upload",
        status=Status.APPLIED,
        filename=f"{template}.csv",
        sha256="2" * 64,
        submitted_by=make_staff(mfa=False),
        pay_cycle="bi-weekly",
        pay_date=pay_date,
        period_start=pay_date,
        period_end=pay_date,
        payment_reference=f"{template}{applied}",
        applied_at=_at(applied),
    )


@pytest.mark.parametrize(("today", "overdue"), [(D(2026, 2, 4), False), (D(2026, 2, 5), True)])
def test_prior_service_data_is_due_30_days_after_participation(
    today: dt.date, overdue: bool
) -> None:
    org = make_org(plan=Plan.SELECT)
    org.plan_participation_date = D(2026, 1, 5)
    org.save()
    user = make_user(org, [Role.FILE_UPLOAD])
    sync.refresh(org, today)
    [row] = [
        r
        for r in queries.employer_todos(user, org.pk, today)
        if r.task.kind == "prior_service_data"
    ]
    assert row.task.due_date == D(2026, 2, 4)
    assert row.overdue is overdue
    _submission(org, "PRIORSVC", None, D(2026, 2, 10))
    sync.refresh(org, D(2026, 2, 11))
    assert queries.employer_todos(user, org.pk, D(2026, 2, 11)) == []
    assert Task.objects.get(key=f"prior-service:{org.pk}").closed_on == D(2026, 2, 10)


def test_the_pa_calculation_is_due_15_business_days_after_the_years_last_data() -> None:
    org = make_org(plan=Plan.OPSEU)
    _submission(org, "PAY", D(2026, 12, 4), D(2026, 12, 8))  # next pay 2026-12-18: same year
    sync.refresh(org, D(2027, 1, 2))
    assert not Task.objects.filter(kind="pa_calculation").exists()
    _submission(org, "PAY", D(2026, 12, 18), D(2027, 1, 8))  # the year's last pay date
    sync.refresh(org, D(2027, 1, 9))
    task = Task.objects.get(kind="pa_calculation")
    assert task.due_date == D(2027, 1, 29)
    assert task.audience == Audience.STAFF


def test_an_employer_that_calculates_its_pas_sends_the_file_5_business_days_after_cra() -> None:
    org = make_org(plan=Plan.SELECT)
    staff = make_staff()
    user = make_user(org, [Role.PAYROLL_MANAGER])
    actions.set_pa_arrangement(staff, org, True)
    assert PaArrangement.objects.get(organization=org).employer_calculates
    sync.refresh(org, D(2027, 1, 2))
    [row] = [
        r
        for r in queries.employer_todos(user, org.pk, D(2027, 1, 2))
        if r.task.key == f"employer-pa-file:{org.pk}:2026"
    ]
    assert row.task.due_date == D(2027, 3, 8)  # CRA deadline Monday 1 March 2027 + 5
    member = make_member(org, sin=next_sin())
    PensionAdjustment.objects.create(member=member, year=2026, amount=1257)
    sync.refresh(org, D(2027, 3, 1))
    assert Task.objects.get(key=f"employer-pa-file:{org.pk}:2026").status == TaskStatus.DONE


def test_a_notice_of_intent_to_retire_gives_staff_and_the_employer_their_items() -> None:
    org = make_org()
    member = make_member(org, sin=next_sin())
    employer = make_user(org, [Role.FILE_UPLOAD])
    today = timezone.localdate()
    notice = actions.record_retirement_notice(
        employer, member, received_on=today, retirement_date=today + dt.timedelta(days=60)
    )
    assert notice.timing == "late"  # less than four months before
    staff_task = Task.objects.get(kind="retirement_pension")
    assert staff_task.due_date == notice.retirement_date
    assert "may not start on time" in staff_task.detail
    assert Task.objects.get(kind="retirement_report").audience == Audience.EMPLOYER
    Member.objects.filter(pk=member.pk).update(
        status=MemberStatus.TERMINATED, termination_date=notice.retirement_date
    )
    sync.refresh(org, today)
    assert Task.objects.get(kind="retirement_report").status == TaskStatus.DONE


def test_a_notice_is_refused_with_a_reason() -> None:
    org = make_org()
    member = make_member(org, sin=next_sin())
    staff = make_staff()
    today = timezone.localdate()
    with pytest.raises(actions.EventError, match="after the notice"):
        actions.record_retirement_notice(staff, member, received_on=today, retirement_date=today)
    with pytest.raises(actions.EventError, match="future"):
        actions.record_retirement_notice(
            staff,
            member,
            received_on=today + dt.timedelta(days=1),
            retirement_date=today + dt.timedelta(days=200),
        )


def test_the_retirement_form_is_for_those_who_see_the_member(client: Any) -> None:
    org, other = make_org(), make_org()
    member = make_member(org, sin=next_sin())
    url = f"/member-events/members/{member.pk}/retirement/"
    client.force_login(make_user(org, [Role.FILE_UPLOAD]))
    assert client.get(url).status_code == 200
    today = timezone.localdate()
    ok = client.post(
        url,
        {
            "received_on": today.isoformat(),
            "retirement_date": (today + dt.timedelta(days=150)).isoformat(),
        },
    )
    assert ok.status_code == 302
    assert "Four to six months before" in client.get(f"/members/{member.pk}/").content.decode()
    client.force_login(make_user(org, [Role.PAYROLL_MANAGER]))
    assert client.get(url).status_code == 403
    client.force_login(make_user(other, [Role.FILE_UPLOAD]))
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_the_employer_page_is_for_staff(client: Any) -> None:
    org = make_org()
    client.force_login(make_user(org, [Role.ADMINISTRATOR]))
    assert client.get(f"/member-events/employers/{org.pk}/").status_code == 403
    client.force_login(make_staff())
    assert client.get(f"/member-events/employers/{org.pk}/").status_code == 200
    response = client.post(f"/member-events/employers/{org.pk}/", {"employer_calculates": "on"})
    assert response.status_code == 302
    assert PaArrangement.objects.get(organization=org).employer_calculates


def test_applying_a_ter_file_creates_the_statement_task(
    django_capture_on_commit_callbacks: Any,
) -> None:
    from pensionportal.memberevents.actions import on_submission_applied

    org = make_org()
    _terminated(org, timezone.localdate(), timezone.localdate())
    with django_capture_on_commit_callbacks(execute=True):
        on_submission_applied(org, "TER")
    assert Task.objects.filter(kind="termination_statement").count() == 1


def test_an_optional_member_is_told_of_the_right_to_join_within_60_days() -> None:
    from pensionportal.members.models import OptionalMember

    org = make_org(plan=Plan.SELECT)
    OptionalMember.objects.create(
        organization=org,
        employee_id="OPT1",
        first_name="Opal",
        last_name="Option",
        hire_date=D(2026, 3, 2),
        notice_due_date=D(2026, 5, 1),
    )
    sync.refresh(org, D(2026, 3, 10))
    [row] = [
        r
        for r in queries.staff_queue(make_staff(), D(2026, 5, 2))
        if r.task.kind == "optional_member_notice"
    ]
    assert row.task.due_date == D(2026, 5, 1)
    assert row.overdue
    assert "OPT1" in row.task.subject


def test_a_member_who_joins_after_participation_owes_prior_service_at_enrolment() -> None:
    from pensionportal.members.models import PriorService

    org = make_org(plan=Plan.SELECT)  # participation 2024-01-01
    member = make_member(
        org,
        "LATE",
        sin=next_sin(),
        hire_date=D(2020, 5, 4),
        membership_date=D(2026, 2, 1),
    )
    sync.refresh(org, D(2026, 2, 2))
    task = Task.objects.get(kind="prior_service_member")
    assert task.due_date == D(2026, 2, 1)
    assert task.audience == Audience.EMPLOYER
    PriorService.objects.create(
        member=member, year=2023, hours_worked=1950, standard_hours=37.5, annual_pay=52000
    )
    sync.refresh(org, D(2026, 2, 3))
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
