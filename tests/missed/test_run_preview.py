""" "Run detection now" is previewed and issues only on confirmation of that preview
(issue 16, Must do 5): the preview writes nothing; the confirmation issues exactly the
previewed lines, atomically and audited; a stale preview issues nothing and says what
changed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from pensionportal.accounts.models import Organization, Role, StaffRole
from pensionportal.audit.models import AuditEvent
from pensionportal.core.models import OutgoingEmail
from pensionportal.members.models import Member
from pensionportal.missed import actions, previews
from pensionportal.missed.models import Case, Finding
from pensionportal.worklist import home
from tests.factories import make_member, make_org, make_staff, make_user

from .helpers import contribution, cycles, rates

pytestmark = pytest.mark.django_db
Setup = tuple[Organization, Member, Member]
TODAY = dt.date(2026, 6, 15)


@pytest.fixture
def employer() -> Setup:
    org = make_org("Preview Employer")
    one = make_member(org, "P1", last_name="Tremblay", membership_date=dt.date(2025, 1, 1))
    two = make_member(
        org, "P2", sin="130692544", last_name="Roy", membership_date=dt.date(2025, 1, 1)
    )
    cycles(org, [one, two], 6, skip={(0, 2), (1, 3), (1, 4)})
    rates()
    make_user(org, [Role.PAYROLL_MANAGER])
    return org, one, two


def test_the_preview_lists_employer_members_periods_and_amounts_with_interest_and_writes_nothing(
    employer: Setup,
) -> None:
    org, _, _ = employer
    staff = make_staff([StaffRole.DATA_MANAGEMENT])
    before = AuditEvent.objects.count()
    preview = previews.preview_run(staff, org, TODAY)
    assert [(line.employee_id, line.period_start) for line in preview.lines] == [
        ("P1", dt.date(2026, 2, 1)),
        ("P2", dt.date(2026, 2, 15)),
        ("P2", dt.date(2026, 3, 1)),
    ]
    assert preview.members == 2
    assert all(line.member_owed > 0 and line.employer_owed > 0 for line in preview.lines)
    assert all(line.interest > 0 for line in preview.lines)
    assert preview.total == sum(line.total for line in preview.lines)
    assert preview.due_date == dt.date(2026, 9, 28)
    assert Finding.objects.count() == 0
    assert Case.objects.count() == 0
    assert OutgoingEmail.objects.count() == 0
    assert AuditEvent.objects.count() == before


def test_confirming_issues_exactly_what_was_previewed_and_is_audited(
    employer: Setup,
) -> None:
    org, _, _ = employer
    staff = make_staff([StaffRole.DATA_MANAGEMENT])
    preview = previews.preview_run(staff, org, TODAY)
    run = previews.confirm_run(staff, org, TODAY, preview.fingerprint)
    assert run.case is not None
    issued = sorted(
        (f.member.employee_id, f.period_start, f.total) for f in run.case.findings.all()
    )
    assert issued == sorted(
        (line.employee_id, line.period_start, line.total) for line in preview.lines
    )
    event = AuditEvent.objects.get(action="missed.run_confirmed")
    assert event.details["total"] == f"{preview.total:.2f}"
    assert event.details["case"] == run.case.number
    assert OutgoingEmail.objects.count() == 1  # the employer's content-free notice


def test_a_preview_that_no_longer_holds_issues_nothing_and_says_what_changed(
    employer: Setup,
) -> None:
    org, one, _ = employer
    staff = make_staff([StaffRole.DATA_MANAGEMENT])
    preview = previews.preview_run(staff, org, TODAY)
    contribution(one, 2)  # the employer remits the missed period meanwhile
    with pytest.raises(previews.PreviewChanged) as changed:
        previews.confirm_run(
            staff, org, TODAY, preview.fingerprint, previewed_count=3, previewed_total="$1.00"
        )
    assert "you previewed 3 periods totalling $1.00" in str(changed.value)
    assert "now finds 2 periods" in str(changed.value)
    assert len(changed.value.preview.lines) == 2
    assert Finding.objects.count() == 0
    assert Case.objects.count() == 0
    assert OutgoingEmail.objects.count() == 0


def test_staff_home_lists_periods_detected_but_not_yet_invoiced(employer: Setup) -> None:
    org, _, _ = employer
    staff = make_staff([StaffRole.DATA_MANAGEMENT])
    actions.run_detection(org, TODAY)
    found = {item.label: item for item in home.staff_home(staff, TODAY)}
    waiting = found["Missed-contribution periods detected, not yet invoiced"]
    assert (waiting.count, waiting.date) == (3, dt.date(2026, 2, 20))
    actions.open_case(org, TODAY)
    labels = {item.label for item in home.staff_home(staff, TODAY)}
    assert "Missed-contribution periods detected, not yet invoiced" not in labels


def test_a_second_confirmation_of_the_same_preview_issues_nothing_twice(
    employer: Setup,
) -> None:
    org, _, _ = employer
    staff = make_staff([StaffRole.DATA_MANAGEMENT])
    preview = previews.preview_run(staff, org, TODAY)
    previews.confirm_run(staff, org, TODAY, preview.fingerprint)
    with pytest.raises(previews.PreviewChanged):
        previews.confirm_run(staff, org, TODAY, preview.fingerprint)
    assert Case.objects.count() == 1


def test_the_pages_preview_then_issue_and_a_post_without_the_preview_issues_nothing(
    client: Client,
    employer: Setup,
) -> None:
    org, _, _ = employer
    client.force_login(make_staff([StaffRole.DATA_MANAGEMENT]))
    page = client.get(f"/missed/employers/{org.pk}/run/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Nothing has been issued yet" in text
    assert "P2 Member Roy" in text or "P2" in text
    assert Case.objects.count() == 0
    refused = client.post("/missed/run/", {"organization": str(org.pk)})
    assert refused.status_code == 409
    assert "nothing was issued" in refused.content.decode()
    assert Case.objects.count() == 0
    preview = page.context["preview"]
    done = client.post(
        "/missed/run/",
        {"organization": str(org.pk), "fingerprint": preview.fingerprint},
        follow=True,
    )
    case = Case.objects.get()
    assert f"Invoice {case.number} issued" in done.content.decode()
    assert preview.today == timezone.localdate()


def test_the_preview_of_another_kind_of_organization_is_404_and_employers_403(
    client: Client,
    employer: Setup,
) -> None:
    org, _, _ = employer
    client.force_login(make_staff([StaffRole.DATA_MANAGEMENT]))
    vendor = make_org(vendor=True)
    assert client.get(f"/missed/employers/{vendor.pk}/run/").status_code == 404
    client.force_login(make_user(org, [Role.PAYROLL_MANAGER]))
    assert client.get(f"/missed/employers/{org.pk}/run/").status_code == 403
