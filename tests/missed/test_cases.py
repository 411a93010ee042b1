"""Detection stored, cases and their windows, closing on R/A contributions, letters."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from pypdf import PdfReader

from pensionportal.accounts.models import Organization
from pensionportal.members.models import Member
from pensionportal.missed import actions
from pensionportal.missed.models import (
    Case,
    CaseStage,
    Cause,
    Finding,
    FindingStatus,
    LetterKind,
    MemberLetter,
)
from pensionportal.submissions.models import Submission
from tests.factories import make_member, make_org
from tests.stored import plaintext

from .helpers import contribution, cycles, period, rates

pytestmark = pytest.mark.django_db
Gap = tuple[Organization, list[Member]]
TODAY = dt.date(2026, 6, 15)


@pytest.fixture
def employer_with_gap() -> Gap:
    org = make_org()
    members = [
        make_member(org, "M1", membership_date=dt.date(2025, 1, 1)),
        make_member(org, "M2", sin="130692544", membership_date=dt.date(2025, 1, 1)),
    ]
    cycles(org, members, 8, skip={(0, 3), (0, 4)})
    rates()
    return org, members


def test_detection_stores_findings_with_cause_amounts_and_interest(employer_with_gap: Gap) -> None:
    org, members = employer_with_gap
    result = actions.run_detection(org, TODAY)
    assert (result.found, result.new) == (2, 2)
    finding = Finding.objects.get(member=members[0], period_start=period(3)[0])
    assert finding.cause == Cause.NOT_REMITTED
    assert finding.member_owed == finding.employer_owed == Decimal("68.99")
    assert finding.interest_member > 0
    assert finding.interest_to == TODAY


def test_detection_is_idempotent_and_withdraws_what_was_paid_before_invoicing(
    employer_with_gap: Gap,
) -> None:
    org, members = employer_with_gap
    actions.run_detection(org, TODAY)
    assert actions.run_detection(org, TODAY).new == 0
    contribution(members[0], 3, kind="R")
    assert actions.run_detection(org, TODAY).withdrawn == 1
    assert Finding.objects.filter(status=FindingStatus.OPEN).count() == 1


def test_an_invoice_dated_the_last_day_of_a_month_is_due_90_days_after_it(
    employer_with_gap: Gap,
) -> None:
    org, _ = employer_with_gap
    actions.run_detection(org, dt.date(2026, 5, 31))
    case = actions.open_case(org, dt.date(2026, 5, 31))
    assert case is not None
    assert case.employer_due_date == dt.date(2026, 8, 29)  # 31 May + 90 days
    later = actions.open_case(org, dt.date(2026, 6, 1))
    assert later is None  # nothing new to invoice


def test_an_invoice_dated_the_first_of_a_month_counts_from_that_months_end(
    employer_with_gap: Gap,
) -> None:
    org, _ = employer_with_gap
    actions.run_detection(org, dt.date(2026, 6, 1))
    case = actions.open_case(org, dt.date(2026, 6, 1))
    assert case is not None
    assert case.employer_due_date == dt.date(2026, 9, 28)  # 30 June + 90 days


def test_the_windows_move_from_employer_to_member_to_closed_without_credit(
    employer_with_gap: Gap,
) -> None:
    org, members = employer_with_gap
    actions.run_detection(org, dt.date(2026, 6, 30))
    case = actions.open_case(org, dt.date(2026, 6, 30))
    assert case is not None
    assert case.employer_due_date == dt.date(2026, 9, 28)
    assert actions.advance_case(case, dt.date(2026, 9, 28)) == CaseStage.EMPLOYER  # last day
    assert actions.advance_case(case, dt.date(2026, 9, 29)) == CaseStage.MEMBER
    case.refresh_from_db()
    assert case.member_due_date == dt.date(2026, 11, 13)  # 45 days from the letter
    letter = MemberLetter.objects.get(case=case, kind=LetterKind.REQUEST)
    assert letter.member == members[0]
    text = "".join(
        page.extract_text() for page in PdfReader(io.BytesIO(plaintext(letter.file))).pages
    )
    assert "request for payment" in text
    assert "2026-11-13" in text
    assert case.number in text
    assert actions.advance_case(case, dt.date(2026, 11, 13)) == CaseStage.MEMBER
    assert actions.advance_case(case, dt.date(2026, 11, 14)) == CaseStage.CLOSED_NO_CREDIT
    assert set(case.findings.values_list("status", flat=True)) == {FindingStatus.NO_CREDIT}
    assert MemberLetter.objects.filter(case=case, kind=LetterKind.CLOSED).count() == 1


def test_matching_retroactive_contributions_close_the_case_as_paid(employer_with_gap: Gap) -> None:
    org, members = employer_with_gap
    actions.run_detection(org, TODAY)
    case = actions.open_case(org, TODAY)
    assert case is not None
    contribution(members[0], 3, kind="R", pay_date=dt.date(2026, 7, 3))
    submission = Submission(organization=org, pay_date=dt.date(2026, 7, 3))
    assert actions.on_pay_submission_applied(submission) == 1
    case.refresh_from_db()
    assert case.stage == CaseStage.EMPLOYER  # one period still open
    contribution(members[0], 4, kind="A", pay_date=dt.date(2026, 7, 3))
    assert actions.on_pay_submission_applied(submission) == 1
    case.refresh_from_db()
    assert case.stage == CaseStage.CLOSED_PAID
    paid = case.findings.first()
    assert paid is not None
    assert paid.paid_on == dt.date(2026, 7, 3)
    assert not paid.interest_recalculated


def test_regular_contributions_do_not_close_a_case(employer_with_gap: Gap) -> None:
    org, members = employer_with_gap
    actions.run_detection(org, TODAY)
    case = actions.open_case(org, TODAY)
    assert case is not None
    contribution(members[0], 3, kind="N")
    assert actions.on_pay_submission_applied(Submission(organization=org, pay_date=TODAY)) == 0


def test_contributions_arriving_after_the_deadline_have_their_interest_recalculated(
    employer_with_gap: Gap,
) -> None:
    org, members = employer_with_gap
    actions.run_detection(org, TODAY)
    case = actions.open_case(org, TODAY)
    assert case is not None
    quoted = Finding.objects.get(member=members[0], period_start=period(3)[0])
    late = case.employer_due_date + dt.timedelta(days=30)
    contribution(members[0], 3, kind="R", pay_date=late)
    actions.recheck_payments(case, late)
    quoted_interest = quoted.interest
    quoted.refresh_from_db()
    assert quoted.status == FindingStatus.PAID
    assert quoted.interest_recalculated
    assert quoted.interest > quoted_interest
    assert quoted.interest_to == late


def test_a_short_remittance_of_the_owed_amount_does_not_close_the_period(
    employer_with_gap: Gap,
) -> None:
    org, members = employer_with_gap
    actions.run_detection(org, TODAY)
    case = actions.open_case(org, TODAY)
    assert case is not None
    contribution(members[0], 3, kind="R", member_share="10.00", employer_share="10.00")
    assert actions.recheck_payments(case, TODAY) == 0


def test_the_scheduled_cycle_publishes_once_per_pay_cycle(employer_with_gap: Gap) -> None:
    from pensionportal.reports.models import Report

    org, _ = employer_with_gap
    first = actions.run_cycle(TODAY)
    assert (first.cases_opened, first.reports) == (1, 1)
    again = actions.run_cycle(TODAY)
    assert (again.cases_opened, again.reports) == (0, 0)
    assert Report.objects.filter(organization=org).count() == 1
    assert Case.objects.filter(organization=org).count() == 1
