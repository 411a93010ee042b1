"""The payroll-history checks read from the database (issue 16 "Checks from the payroll
history"): the registry's reads in a fixed number of whole-file queries, and a PAY file
through the intake warned about by name, held for the clerk's confirmation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pensionportal.accounts.models import Organization, Plan, Role, User
from pensionportal.datafiles.registry import LastPay
from pensionportal.members.models import EmploymentChange
from pensionportal.submissions.models import Status
from pensionportal.submissions.registry_db import DatabaseRegistry
from tests.buybacks.helpers import financed, opseu_member, opseu_org
from tests.factories import make_member, make_org, make_staff, make_user, next_sin
from tests.paths import both_paths  # noqa: F401  (a fixture)

from .helpers import paid, pay_file, pay_row, submit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("both_paths")]

LAST_PAY_DATE = dt.date(2026, 2, 27)  # the period before helpers.pay_header's
OLDER_PAY_DATE = dt.date(2026, 2, 13)


@pytest.fixture
def org() -> Organization:
    organization = make_org(plan=Plan.SELECT)
    organization.plan_participation_date = dt.date(2015, 1, 1)
    organization.save()
    return organization


@pytest.fixture
def clerk(org: Organization) -> User:
    return make_user(org, [Role.FILE_UPLOAD])


def test_the_history_is_read_in_a_fixed_number_of_queries(org: Organization) -> None:
    stays = make_member(org, "E1", sin=next_sin())
    leaves = make_member(org, "E2", sin=next_sin())
    raised = make_member(org, "E3", sin=next_sin())
    make_member(org, "E4", sin=next_sin())  # enrolled, never paid
    make_member(org, "E5", sin=next_sin(), membership_date=dt.date(2026, 6, 1))  # not yet
    paid(make_member(org, "E6", sin=next_sin()), OLDER_PAY_DATE, "900.00")
    for member in (stays, leaves, raised):
        paid(member, OLDER_PAY_DATE, "1000.00")
        paid(member, LAST_PAY_DATE, "2500.00")
    paid(raised, LAST_PAY_DATE, "100.00")  # two Normal rows in one period add up
    EmploymentChange.objects.create(
        member=raised, effective_date=dt.date(2026, 2, 20), event_type="SAL"
    )
    for n in range(20):  # more members cost no more queries
        paid(make_member(org, f"X{n}", sin=next_sin()), LAST_PAY_DATE, "10.00")
    registry = DatabaseRegistry(org)
    with CaptureQueriesContext(connection) as queries:
        history = registry.pay_history(
            dt.date(2026, 2, 22), dt.date(2026, 3, 7), dt.date(2026, 3, 13)
        )
        names = registry.member_names(["E2"])
    assert len(queries) == 7  # members + open leaves, last pay, EMCHG, never paid, 1016, names
    period = (dt.date(2026, 2, 8), dt.date(2026, 2, 21))
    assert history.last_pay["E1"] == LastPay(Decimal("2500.00"), *period)
    assert history.last_pay["E3"] == LastPay(Decimal("2600.00"), *period)
    assert "E6" not in history.last_pay  # paid only more than 1.5 periods before
    assert history.changed == frozenset({"E3"})
    assert history.never_paid == frozenset({"E4"})
    assert history.buyback_due == {}
    assert names == {"E2": f"Pat {leaves.last_name}"}


def test_the_deduction_due_under_a_1016_direction_is_read() -> None:
    org = opseu_org()
    member = opseu_member(org, employee_id="E1")
    buyback = financed(make_staff(), member, payment="200.00")
    line = buyback.directions.get().lines.order_by("number").first()
    assert line is not None
    history = DatabaseRegistry(org).pay_history(
        line.due_date - dt.timedelta(days=13), line.due_date, line.due_date + dt.timedelta(days=1)
    )
    assert history.buyback_due == {"E1": line.member_payment}
    assert (
        DatabaseRegistry(org)
        .pay_history(line.due_date, line.due_date, line.due_date - dt.timedelta(days=7))
        .buyback_due
        == {}
    )


def test_a_pay_file_missing_two_members_and_a_9999999_row_waits_for_confirmation(
    org: Organization, clerk: User
) -> None:
    members = [make_member(org, f"E{n}", sin=next_sin()) for n in range(1, 5)]
    for member in members:
        paid(member, LAST_PAY_DATE, "2500.00")
    submission = submit(clerk, org, pay_file([pay_row("E1"), pay_row("E2", "9999999.00")]))
    assert submission.status == Status.AWAITING_CONFIRMATION
    problems: dict[str, list[str]] = {p.rule: [] for p in submission.problems.all()}
    for p in submission.problems.all():
        problems[p.rule].append(p.message)
    missing = problems["pay.member_missing"]
    assert len(missing) == 2
    assert missing[0].startswith(f"Pat {members[2].last_name} (Employee ID E3) was paid 2,500.00")
    assert missing[1].startswith(f"Pat {members[3].last_name} (Employee ID E4)")
    (ceiling,) = problems["pay.above_ceiling"]
    assert "Pensionable Pay 9,999,999.00 for Employee ID E2" in ceiling
    (changed,) = problems["pay.pay_changed"]
    assert "E2" in changed


def test_a_pay_file_with_every_member_at_their_usual_pay_is_applied(
    org: Organization, clerk: User
) -> None:
    for n in (1, 2):
        paid(make_member(org, f"E{n}", sin=next_sin()), LAST_PAY_DATE, "2500.00")
    submission = submit(clerk, org, pay_file([pay_row("E1"), pay_row("E2", "2600.00")]))
    assert submission.status == Status.APPLIED, list(
        submission.problems.values_list("message", flat=True)
    )
