"""The causes of missed mandatory contributions the first round left out
(reporting-pension-data.txt 'Causes of missed mandatory contributions'): the wrong plan
(cause 1), top-up salary (cause 2), pension bridging (cause 5), LTIP before 1990 on the
actual salary rate (cause 6). Pure detection first, then through the database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from pensionportal.accounts.models import Plan, Role
from pensionportal.missed import actions
from pensionportal.missed import detection as d
from pensionportal.missed.models import Cause, Finding, FindingStatus
from pensionportal.rules.contributions import Plan as RulesPlan
from pensionportal.rules.parameters import DatedTable
from pensionportal.rules.pay_cycles import Frequency
from tests.factories import make_member, make_org, make_staff, make_user

from .helpers import applied_pay, contribution, period
from .reference import every_period
from .test_detection import AS_OF, PERIODS, facts, paid_all, run

D = Decimal


# --- pure detection ------------------------------------------------------------------------


def test_a_bridging_leave_with_pay_and_no_contributions_is_its_own_cause() -> None:
    bridge = d.BridgingFacts(PERIODS[3].start, PERIODS[4].end)
    found = run(d.MemberRecord(facts(), bridging=[bridge]), paid_all({3, 4}))
    assert [f.cause for f in found] == [d.BRIDGING, d.BRIDGING]
    # a leave with pay: both shares at the regular rate
    assert (found[0].member_owed, found[0].employer_owed) == (D("68.99"), D("68.99"))
    assert "bridging leave with pay" in found[0].note


def test_contributions_found_at_another_plan_name_the_cause() -> None:
    transfer = d.WrongPlanFacts(
        PERIODS[5].start, PERIODS[6].end, "Ontario Pension Board", dt.date(2026, 9, 1)
    )
    found = run(d.MemberRecord(facts(), wrong_plan=[transfer]), paid_all({5, 6}))
    assert [f.cause for f in found] == [d.WRONG_PLAN, d.WRONG_PLAN]
    assert "Ontario Pension Board" in found[0].note


def test_a_transfer_opens_as_missed_a_period_with_no_pay_data_at_all() -> None:
    last = PERIODS[-1].end  # 2026-05-23: no pay data after it
    transfer = d.WrongPlanFacts(
        last + dt.timedelta(days=1), last + dt.timedelta(days=28), "OPB", dt.date(2026, 9, 1)
    )
    found = run(d.MemberRecord(facts(), wrong_plan=[transfer]), paid_all())
    [gap] = found
    assert gap.cause == d.WRONG_PLAN
    assert (gap.period.start, gap.period.end) == (transfer.start, transfer.end)
    # 28 days are two biweekly periods' worth of the salary on record: 3 % of $4,599.59
    assert gap.member_owed == D("137.99")
    assert "no pay data" in gap.note


def test_contributions_on_less_pay_than_the_salary_on_record_are_top_up_salary() -> None:
    ledger = paid_all()
    ledger[1][PERIODS[2].start] = (3000, 3000, 0)  # contributions on $1,000 of pay
    [found] = run(d.MemberRecord(facts()), ledger)
    assert found.cause == d.NOT_REMITTED
    assert found.plain_service
    assert found.expected_earnings.quantize(D("0.01")) == D("2299.79")
    settings = d.Settings()
    [topped] = d.reclassify_top_up([found], {(1, PERIODS[2].start): D("1000.00")}, settings)
    assert topped.cause == d.TOP_UP
    assert topped.member_share_paid_by_employer  # the employer owes both shares
    assert "pensionable pay reported $1,000.00" in topped.note
    # the full pay reported but contributions short: insufficient, not top-up
    [same] = d.reclassify_top_up([found], {(1, PERIODS[2].start): D("2299.79")}, settings)
    assert same.cause == d.NOT_REMITTED


def test_top_up_is_not_claimed_during_a_part_time_arrangement() -> None:
    changes = [d.JobChange(PERIODS[4].start, "CHG", None, D("0.6"), "arrangement")]
    election = d.ElectionFacts("1030", "reduced_hours", PERIODS[4].start, None, PERIODS[3].start)
    ledger = paid_all()
    ledger[1][PERIODS[4].start] = (1000, 1000, 0)
    [found] = run(d.MemberRecord(facts(), changes=changes, elections=[election]), ledger)
    assert not found.plain_service
    [same] = d.reclassify_top_up([found], {(1, PERIODS[4].start): D("300")}, d.Settings())
    assert same.cause == found.cause


PERIODS_89 = [
    d.PayPeriod(
        dt.date(1989, 11, 12) + dt.timedelta(days=14 * i),
        dt.date(1989, 11, 25) + dt.timedelta(days=14 * i),
        dt.date(1989, 12, 1) + dt.timedelta(days=14 * i),
        Frequency.BIWEEKLY,
    )
    for i in range(6)  # the last two fall in 1990
]


def _ltip_run(plan: RulesPlan, settings: d.Settings) -> list[d.Finding]:
    leave = d.LeaveFacts("LTIP", dt.date(1989, 6, 1), None, None, dt.date(1989, 6, 1))
    changes = [
        d.JobChange(dt.date(1985, 1, 1), "CHG", D(60000), None),
        d.JobChange(dt.date(1989, 9, 1), "ATB", D(66000), None),  # a raise after disability
    ]
    record = d.MemberRecord(
        facts(membership_date=dt.date(1985, 1, 1), birth_date=dt.date(1950, 1, 1)),
        changes=changes,
        leaves=[leave],
    )
    employer = d.Employer(plan, None, PERIODS_89)
    return d.detect(employer, [record], every_period({1: {}}, PERIODS_89), AS_OF, settings)


def test_ltip_before_1990_is_on_the_actual_salary_rate_and_after_on_the_escalated_base() -> None:
    # Select rates apply to any date (no start date in the source), so both sides compute
    escalation = DatedTable.from_rows("escalation", [(dt.date(1990, 1, 1), D("0.05"), "test")])
    found = _ltip_run(RulesPlan.SELECT, d.Settings(ltip_escalation=escalation))
    causes = [f.cause for f in found]
    assert causes == [d.LTIP_PRE_1990] * 4 + [d.LTIP] * 2
    # 1989: 3 % of the actual $66,000 rate; 1990: 3 % of the $60,000 before the disability x 1.05
    assert found[0].expected_member == (D(66000) / (D("365.25") / 14) * D("0.03")).quantize(
        D("0.01")
    )
    assert found[-1].expected_member == (D(63000) / (D("365.25") / 14) * D("0.03")).quantize(
        D("0.01")
    )
    assert "actual salary rate" in found[0].note
    assert all(f.member_share_paid_by_employer for f in found)


def test_opseu_ltip_before_1990_is_listed_with_its_amount_to_compute() -> None:
    # no OPSEU Pension Plan rate before 2005 is on record: never a silent zero
    found = _ltip_run(RulesPlan.OPSEU, d.Settings())
    assert found
    assert {f.cause for f in found} == {d.LTIP_PRE_1990, d.LTIP}
    assert all(f.amount_unknown for f in found)
    assert "not on record" in found[0].note


# --- through the database ------------------------------------------------------------------


@pytest.fixture
def employer(db: None) -> Any:
    org = make_org(plan=Plan.SELECT)
    member = make_member(org, "W1", membership_date=dt.date(2025, 1, 1), pay_rate=D(60000))
    user = make_staff(mfa=False)
    for i in range(6):
        submission = applied_pay(org, i, user)
        if i not in (2, 3):
            contribution(member, i, submission=submission)
    return org, member


@pytest.mark.django_db
def test_detection_stores_each_cause_with_its_explanation(employer: Any) -> None:
    org, member = employer
    staff = make_staff()
    start2, end2, _ = period(2)
    start3, end3, _ = period(3)
    actions.record_bridging(staff, member, actions.BridgingInput(start2, end2, "ESP bridge"))
    actions.record_wrong_plan(
        staff,
        member,
        actions.WrongPlanInput(
            "Ontario Pension Board", start3, end3, D("137.98"), dt.date(2026, 6, 1)
        ),
    )
    actions.run_detection(org, dt.date(2026, 6, 30))
    by_start = {f.period_start: f for f in Finding.objects.filter(member=member)}
    assert by_start[start2].cause == Cause.BRIDGING
    assert by_start[start3].cause == Cause.WRONG_PLAN
    labels = {Cause(f.cause).label for f in by_start.values()}
    assert any("bridging benefit" in label for label in labels)
    assert any("wrong plan" in label for label in labels)


@pytest.mark.django_db
def test_the_transfer_from_the_other_plan_pays_the_periods_it_covers(employer: Any) -> None:
    org, member = employer
    staff = make_staff()
    start2, _, _ = period(2)
    _, end3, _ = period(3)
    transfer = actions.record_wrong_plan(
        staff, member, actions.WrongPlanInput("OPB", start2, end3, D("275.96"), dt.date(2026, 6, 1))
    )
    actions.run_detection(org, dt.date(2026, 6, 30))
    actions.open_case(org, dt.date(2026, 6, 30))
    owed = sum((f.principal for f in Finding.objects.filter(member=member)), D(0))
    paid = actions.record_transfer_received(
        staff, transfer, received_on=dt.date(2026, 7, 10), amount=owed
    )
    assert paid == 2
    assert set(Finding.objects.filter(member=member).values_list("status", flat=True)) == {
        FindingStatus.PAID
    }
    with pytest.raises(actions.MissedError, match="already"):
        actions.record_transfer_received(
            staff, transfer, received_on=dt.date(2026, 7, 11), amount=D("1")
        )


@pytest.mark.django_db
def test_top_up_salary_is_found_from_the_pay_reported(employer: Any) -> None:
    org, member = employer
    submission = applied_pay(org, 6)
    contribution(
        member,
        6,
        submission=submission,
        member_share="30.00",
        employer_share="30.00",
        pay="1000.00",
    )
    actions.run_detection(org, dt.date(2026, 6, 30))
    start6, _, _ = period(6)
    found = Finding.objects.get(member=member, period_start=start6)
    assert found.cause == Cause.TOP_UP
    assert found.member_share_paid_by_employer
    assert "pensionable pay reported $1,000.00" in found.note


@pytest.mark.django_db
def test_a_period_whose_amount_is_unknown_is_listed_but_not_invoiced() -> None:
    org = make_org(plan=Plan.OPSEU)
    member = make_member(
        org,
        "L1",
        membership_date=dt.date(1985, 1, 1),
        birth_date=dt.date(1950, 1, 1),
        pay_rate=D(60000),
    )
    from pensionportal.members.models import Leave
    from pensionportal.submissions.models import Status, Submission

    Leave.objects.create(
        member=member,
        leave_type="LTIP",
        start_date=dt.date(1989, 6, 1),
        disability_date=dt.date(1989, 6, 1),
    )
    user = make_staff(mfa=False)
    for i, p in enumerate(PERIODS_89[:2]):
        Submission.objects.create(
            organization=org,
            template="PAY",
            source="upload",
            status=Status.APPLIED,
            filename=f"PAY_{i}.csv",
            sha256="1" * 64,
            submitted_by=user,
            pay_cycle="bi-weekly",
            pay_date=p.pay_date,
            period_start=p.start,
            period_end=p.end,
            payment_reference=f"H{i}",
        )
    actions.run_detection(org, dt.date(2026, 6, 30))
    found = list(Finding.objects.filter(member=member))
    assert len(found) == 2
    assert all(f.amount_unknown and f.cause == Cause.LTIP_PRE_1990 for f in found)
    assert actions.open_case(org, dt.date(2026, 6, 30)) is None
    lines = actions.report_lines(org)
    assert "not on record" in lines[0].note


@pytest.mark.django_db
def test_the_fact_forms_are_for_staff(client: Any, employer: Any) -> None:
    org, member = employer
    client.force_login(make_user(org, [Role.FILE_UPLOAD]))
    assert client.get(f"/missed/members/{member.pk}/bridging/new/").status_code == 403
    assert client.get(f"/missed/members/{member.pk}/wrong-plan/new/").status_code == 403
    page = client.get(f"/members/{member.pk}/")
    assert page.status_code == 200
    client.force_login(make_staff())
    assert client.get(f"/missed/members/{member.pk}/bridging/new/").status_code == 200
    response = client.post(
        f"/missed/members/{member.pk}/bridging/new/",
        {"start_date": "2026-03-01", "end_date": "2026-02-01"},
    )
    assert response.status_code == 400
    assert "cannot end before" in response.content.decode()
    ok = client.post(
        f"/missed/members/{member.pk}/wrong-plan/new/",
        {
            "other_plan": "Ontario Pension Board",
            "period_start": "2026-02-01",
            "period_end": "2026-02-28",
            "amount_found": "100.00",
            "found_on": "2026-06-01",
        },
    )
    assert ok.status_code == 302
    detail = client.get(f"/members/{member.pk}/").content.decode()
    assert "Ontario Pension Board" in detail
    client.logout()
    assert client.get(f"/missed/members/{member.pk}/bridging/new/").status_code == 302
