"""Issue 21's daily jobs run the way the scheduler runs every daily job since issue 14: one
task per employer a day, called with (organization_id, "YYYY-MM-DD"); each touches only its
employer. A work item two runs create at once is created once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from pensionportal.buybacks import tasks as buyback_tasks
from pensionportal.buybacks.models import IssuedQuote, QuoteOutcome
from pensionportal.memberevents import tasks as memberevent_tasks
from pensionportal.members.models import MemberEvent, MemberStatus
from pensionportal.operations.scheduling import DAILY_TASKS
from pensionportal.remittances import actions as remittance_actions
from pensionportal.remittances import tasks as remittance_tasks
from pensionportal.remittances.models import RegulatorNotice
from pensionportal.worklist import actions as worklist
from pensionportal.worklist.models import Audience, Task
from tests.buybacks.helpers import QUOTE_DATE, opseu_member, quoted
from tests.factories import make_member, make_org, make_staff, next_sin
from tests.remittances.helpers import pay_submission

pytestmark = pytest.mark.django_db
D = Decimal


def test_the_three_jobs_are_scheduled_per_employer() -> None:
    assert {
        "pensionportal.remittances.tasks.draft_regulator_notices_for",
        "pensionportal.buybacks.tasks.run_buybacks_daily_for",
        "pensionportal.memberevents.tasks.refresh_member_events_for",
    } <= set(DAILY_TASKS)


def test_the_regulator_notices_of_one_employer_only() -> None:
    pay_date, due = dt.date(2026, 4, 17), dt.date(2026, 4, 24)
    first, second = make_org(), make_org()
    for org, reference in ((first, "A-1"), (second, "B-1")):
        remittance_actions.on_pay_submission_applied(
            pay_submission(org, pay_date, reference, D("1000.00"), D("1000.00"))
        )
    day = (due + dt.timedelta(days=1)).isoformat()
    assert remittance_tasks.draft_regulator_notices_for.call(first.pk, day) == 1
    assert list(RegulatorNotice.objects.values_list("organization_id", flat=True)) == [first.pk]
    assert remittance_tasks.draft_regulator_notices_for.call(first.pk, day) == 0
    assert remittance_tasks.draft_regulator_notices_for.call(second.pk, day) == 1


def test_the_buyback_lapses_of_one_employer_only() -> None:
    staff = make_staff(mfa=False)
    mine, theirs = quoted(staff, opseu_member()), quoted(staff, opseu_member())
    day_46 = (QUOTE_DATE + dt.timedelta(days=46)).isoformat()
    result = buyback_tasks.run_buybacks_daily_for.call(mine.organization_id, day_46)
    assert result["lapsed"] == 1
    outcomes = dict(IssuedQuote.objects.values_list("buyback_id", "outcome"))
    assert outcomes == {mine.pk: QuoteOutcome.LAPSED, theirs.pk: QuoteOutcome.OPEN}


def test_the_member_events_of_one_employer_only() -> None:
    first, second = make_org(), make_org()
    for org in (first, second):
        member = make_member(
            org,
            sin=next_sin(),
            status=MemberStatus.TERMINATED,
            termination_date=dt.date(2026, 3, 2),
            termination_reason="TER",
        )
        MemberEvent.objects.create(
            member=member, kind="TER", effective_date=dt.date(2026, 3, 2), summary="Terminated"
        )
    opened = memberevent_tasks.refresh_member_events_for.call(first.pk, "2026-03-03")
    assert isinstance(opened, int)
    assert opened >= 1
    assert set(Task.objects.values_list("organization_id", flat=True)) == {first.pk}


def test_an_item_created_meanwhile_by_another_run_is_brought_up_to_date(
    monkeypatch: Any,
) -> None:
    spec = worklist.TaskSpec(
        key="race:1",
        kind="buyback_t4a",
        category="Buyback tax reporting",
        audience=Audience.STAFF,
        organization_id=None,
        title="Give the members their T4As",
        detail="",
        subject="All employers",
        due_date=dt.date(2027, 2, 15),
        url="/",
        source="test",
    )
    worklist.sync(spec, dt.date(2027, 1, 2))  # the other run's item
    real_filter = Task.objects.filter

    def not_yet_seen(*args: Any, **kwargs: Any) -> Any:
        return real_filter(*args, **kwargs).none()  # this run looked before it was written

    monkeypatch.setattr(Task.objects, "filter", not_yet_seen)
    later = worklist.TaskSpec(**{**spec.__dict__, "title": "Issue the T4As"})
    task = worklist.sync(later, dt.date(2027, 1, 3))
    monkeypatch.undo()
    assert Task.objects.count() == 1
    assert task.title == Task.objects.get().title == "Issue the T4As"
