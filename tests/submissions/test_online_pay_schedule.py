"""Issue 16 Must do 4: "Start from the last pay period" fills the next period's dates and
payment reference from the cycle and the last file, the expected contributions are shown
beside each entered figure, and a clean test-mode file is applied without re-sending."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client, TestCase

from pensionportal.accounts.models import Organization, Plan, Role, User
from pensionportal.audit.models import AuditEvent
from pensionportal.members.models import Contribution
from pensionportal.submissions.models import Status
from tests.factories import make_member, make_org, make_user

from .helpers import pay_file, pay_row, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def org() -> Organization:
    organization = make_org(plan=Plan.SELECT)
    organization.plan_participation_date = date(2015, 1, 1)
    organization.save()
    make_member(organization, "E1", sin="046454286")
    return organization


@pytest.fixture
def clerk(org: Organization) -> User:
    return make_user(org, [Role.FILE_UPLOAD])


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_start_from_last_fills_the_next_periods_dates_and_reference(
    org: Organization, clerk: User
) -> None:
    # The helpers' file: bi-weekly, 2026-02-22 to 2026-03-07, paid 2026-03-13, EFT-2026-001.
    assert submit(clerk, org, pay_file([pay_row("E1")])).status == Status.APPLIED
    response = _client(clerk).get(f"/submissions/online/PAY/?from_last=1&organization={org.pk}")
    body = response.content.decode()
    assert 'name="h-period_start" value="2026-03-08"' in body
    assert 'name="h-period_end" value="2026-03-21"' in body
    assert 'name="h-pay_date" value="2026-03-27"' in body
    assert 'name="h-payment_reference" value="EFT-2026-002"' in body
    assert "the next period 2026-03-08 to 2026-03-21, paid 2026-03-27" in body
    # Beside each contribution, the plan's formula (3% of 2,500.00 = 75.00).
    assert "Matches the plan's formula ($75.00)" in body


def test_a_figure_off_the_formula_is_shown_beside_it(org: Organization, clerk: User) -> None:
    data = {
        "organization": str(org.pk),
        "row_count": "1",
        "action": "expected",
        "h-pay_cycle": "bi-weekly",
        "h-pay_date": "2026-03-27",
        "r1-employee_id": "E1",
        "r1-pensionable_pay": "2500.00",
        "r1-employee_regular": "70.00",
        "r1-employer_regular": "75.00",
    }
    body = _client(clerk).post("/submissions/online/PAY/", data).content.decode()
    assert "Differs: the plan's formula gives $75.00" in body
    assert body.count("Matches the plan's formula ($75.00)") == 1
    assert not Contribution.objects.exists()  # showing the figures sends nothing


def test_a_clean_test_mode_file_is_applied_now_without_sending_it_again(
    org: Organization, clerk: User
) -> None:
    tested = submit(clerk, org, pay_file([pay_row("E1")]), "PAY_test.csv", test_mode=True)
    assert tested.status == Status.VALIDATED_TEST
    client = _client(clerk)
    assert "Apply this file now" in client.get(f"/submissions/{tested.pk}/").content.decode()
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(f"/submissions/{tested.pk}/apply-now/")
    assert response.status_code == 302
    tested.refresh_from_db()
    assert (tested.status, tested.test_mode) == (Status.APPLIED, False)
    assert Contribution.objects.count() == 1
    assert AuditEvent.objects.filter(
        action="submission.apply_requested", target=tested.reference
    ).exists()
    # Twice is refused, nothing applied twice.
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(f"/submissions/{tested.pk}/apply-now/")
    assert Contribution.objects.count() == 1


def test_a_test_mode_file_with_errors_is_not_applied_and_another_org_gets_404(
    org: Organization, clerk: User
) -> None:
    tested = submit(clerk, org, pay_file([pay_row("NOBODY")]), "PAY_t.csv", test_mode=True)
    assert tested.error_count
    client = _client(clerk)
    assert "Apply this file now" not in client.get(f"/submissions/{tested.pk}/").content.decode()
    client.post(f"/submissions/{tested.pk}/apply-now/")
    tested.refresh_from_db()
    assert (tested.status, tested.test_mode) == (Status.REJECTED, True)  # errors win
    outsider = make_user(make_org(), [Role.FILE_UPLOAD])
    assert _client(outsider).post(f"/submissions/{tested.pk}/apply-now/").status_code == 404
