from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client, TestCase

from pensionportal.accounts.models import Organization, Plan, Role, StaffRole, User
from pensionportal.audit.models import AuditEvent
from pensionportal.core import crypto
from pensionportal.datafiles.model import Unreadable
from pensionportal.members.models import Contribution, Leave, Member, MemberStatus
from pensionportal.submissions import actions, appliers
from pensionportal.submissions.models import Status, Submission
from tests.factories import make_member, make_org, make_staff, make_user

from .helpers import enrol_row, file_of, pay_file, pay_row, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def org() -> Organization:
    organization = make_org(plan=Plan.SELECT)
    organization.plan_participation_date = date(2015, 1, 1)
    organization.save()
    return organization


@pytest.fixture
def clerk(org: Organization) -> User:
    return make_user(org, [Role.FILE_UPLOAD])


def test_an_enrol_file_creates_members_with_the_sin_encrypted(
    org: Organization, clerk: User
) -> None:
    data = file_of("ENROL", [enrol_row("E100", "550911895"), enrol_row("E101", "130692544")])
    submission = submit(clerk, org, data)
    assert submission.status == Status.APPLIED, list(
        submission.problems.values_list("message", flat=True)
    )
    member = Member.objects.get(organization=org, employee_id="E100")
    assert "550911895" not in member.sin_encrypted
    assert crypto.decrypt_text(member.sin_encrypted) == "550911895"
    assert member.masked_sin == "*** *** 895"
    assert member.events.filter(kind="ENROL").exists()


def test_a_pay_file_is_applied_to_the_ledger(org: Organization, clerk: User) -> None:
    make_member(org, "E1", sin="046454286")
    make_member(org, "E2", sin="130692544")
    submission = submit(clerk, org, pay_file([pay_row("E1"), pay_row("E2", "3000.00")]))
    assert submission.status == Status.APPLIED, list(
        submission.problems.values_list("message", flat=True)
    )
    assert submission.payment_reference == "EFT-2026-001"
    assert submission.remittance_amount == Decimal("330.00")
    rows = Contribution.objects.filter(source_submission_id=submission.pk).order_by("source_row")
    assert [r.member.employee_id for r in rows] == ["E1", "E2"]
    assert rows[1].employee_regular == Decimal("90.00")
    assert rows[0].pay_cycle == "biweekly"


def test_a_file_with_errors_is_rejected_with_every_problem_and_nothing_applied(
    org: Organization, clerk: User
) -> None:
    make_member(org, "E1", sin="046454286")
    bad = [
        pay_row("E1"),
        pay_row("NOBODY"),  # unknown Employee ID
        pay_row("E1", contribution_type="X", period_start="2026-02-22", period_end="2026-03-07"),
        pay_row("E1", service_type="ABC", pensionable_pay="abc"),
    ]
    submission = submit(clerk, org, pay_file(bad, amount="1.00"))
    assert submission.status == Status.REJECTED
    problems = list(submission.problems.all())
    assert submission.error_count >= 3
    rows_with_problems = {p.row for p in problems if p.row is not None}
    assert {4, 5} <= rows_with_problems or len(rows_with_problems) >= 2
    assert any("remittance" in p.rule for p in problems)
    assert not Contribution.objects.exists()


def test_warnings_wait_for_confirmation_then_apply(org: Organization, clerk: User) -> None:
    make_member(org, "E1", sin="046454286")
    row = pay_row("E1", employee_regular="70.00")  # expected 75.00: more than $0.05 off
    submission = submit(clerk, org, pay_file([row]))
    assert submission.status == Status.AWAITING_CONFIRMATION, list(
        submission.problems.values_list("message", flat=True)
    )
    warning = submission.problems.get()
    assert "75.00" in warning.message
    assert not Contribution.objects.exists()
    with TestCase.captureOnCommitCallbacks(execute=True):
        actions.confirm(clerk, submission, None)
    submission.refresh_from_db()
    assert submission.status == Status.APPLIED
    assert Contribution.objects.count() == 1


def test_test_mode_validates_without_applying(org: Organization, clerk: User) -> None:
    submission = submit(
        clerk, org, file_of("ENROL", [enrol_row("E100", "550911895")]), test_mode=True
    )
    assert submission.status == Status.VALIDATED_TEST
    assert not Member.objects.exists()


def test_the_same_file_sent_twice_is_flagged(org: Organization, clerk: User) -> None:
    make_member(org, "E1", sin="046454286")
    data = pay_file([pay_row("E1")])
    assert submit(clerk, org, data).status == Status.APPLIED
    again = submit(clerk, org, data)
    assert again.status in (Status.REJECTED, Status.AWAITING_CONFIRMATION)
    assert (
        again.problems.filter(rule__icontains="duplicate").exists()
        or again.problems.filter(rule__icontains="submitted").exists()
    )
    assert Contribution.objects.count() == 1


def test_applying_is_all_or_nothing_when_it_fails_midway(
    org: Organization, clerk: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_member(org, "E1", sin="046454286")
    data = file_of("ENROL", [enrol_row("E100", "130692544"), enrol_row("E101", "193456787")])
    real_create = Member.objects.create
    calls = {"n": 0}

    def create_then_fail(**kwargs: object) -> Member:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("worker killed")
        return real_create(**kwargs)

    monkeypatch.setattr(Member.objects, "create", create_then_fail)
    submission = submit(clerk, org, data)
    assert calls["n"] == 2
    assert submission.status == Status.ACCEPTED
    assert "Nothing was applied" in submission.failure_message
    assert not Member.objects.filter(employee_id__in=["E100", "E101"]).exists()
    monkeypatch.setattr(Member.objects, "create", real_create)
    # Running again is for staff of data management (the action checks it too).
    staff_user = make_staff([StaffRole.DATA_MANAGEMENT])
    with TestCase.captureOnCommitCallbacks(execute=True):
        actions.run_again(staff_user, submission, None)
    submission.refresh_from_db()
    assert submission.status == Status.APPLIED
    assert Member.objects.filter(employee_id__in=["E100", "E101"]).count() == 2


def test_leave_and_return_to_work_open_and_close_a_leave(org: Organization, clerk: User) -> None:
    make_member(org, "E1", sin="046454286")
    loa = submit(
        clerk,
        org,
        file_of(
            "LOA", [{"employee_id": "E1", "leave_type": "ESA_PAR", "leave_start": "2026-01-05"}]
        ),
    )
    assert loa.status == Status.APPLIED, list(loa.problems.values_list("message", flat=True))
    member = Member.objects.get(employee_id="E1")
    assert member.status == MemberStatus.ON_LEAVE
    rtw = submit(clerk, org, file_of("RTW", [{"employee_id": "E1", "leave_end": "2026-06-30"}]))
    assert rtw.status == Status.APPLIED, list(rtw.problems.values_list("message", flat=True))
    leave = Leave.objects.get(member=member)
    assert str(leave.end_date) == "2026-06-30"
    member.refresh_from_db()
    assert member.status == MemberStatus.ACTIVE


def test_a_return_to_work_without_an_open_leave_is_refused(org: Organization, clerk: User) -> None:
    make_member(org, "E1", sin="046454286")
    rtw = submit(clerk, org, file_of("RTW", [{"employee_id": "E1", "leave_end": "2026-06-30"}]))
    assert rtw.status == Status.REJECTED


def test_termination_and_contributions_after_it(org: Organization, clerk: User) -> None:
    make_member(org, "E1", sin="046454286")
    ter = submit(
        clerk,
        org,
        file_of(
            "TER",
            [{"employee_id": "E1", "termination_date": "2026-01-31", "termination_reason": "TER"}],
        ),
    )
    assert ter.status == Status.APPLIED, list(ter.problems.values_list("message", flat=True))
    member = Member.objects.get(employee_id="E1")
    assert member.status == MemberStatus.TERMINATED
    later = submit(clerk, org, pay_file([pay_row("E1")], reference="EFT-LATE"))
    assert later.status in (Status.REJECTED, Status.AWAITING_CONFIRMATION)
    assert later.problems.exists()


def test_a_sin_change_keeps_the_new_number_encrypted(org: Organization, clerk: User) -> None:
    make_member(org, "E1", sin="046454286")
    change = submit(
        clerk,
        org,
        file_of(
            "PERCHG",
            [
                {
                    "employee_id": "E1",
                    "new_sin": "130692544",
                    "address_type": "HOME",
                    "address_line1": "1 Wellington St",
                    "city": "Ottawa",
                    "province": "ON",
                    "country": "CAN",
                    "postal_code": "K1A0A9",
                }
            ],
        ),
    )
    assert change.status == Status.APPLIED, list(change.problems.values_list("message", flat=True))
    member = Member.objects.get(employee_id="E1")
    assert crypto.decrypt_text(member.sin_encrypted) == "130692544"
    assert member.city == "Ottawa"
    assert member.events.filter(kind="SIN_CHANGE").exists()
    assert "130692544" not in str(list(member.events.values_list("details", "summary")))


def test_a_bad_sin_is_never_stored_in_clear_in_the_problems(org: Organization, clerk: User) -> None:
    submission = submit(clerk, org, file_of("ENROL", [enrol_row("E100", "550911896")]))
    assert submission.status == Status.REJECTED
    values = list(submission.problems.values_list("value", flat=True))
    assert not any("550911896" in v for v in values)


def test_applier_refuses_an_unknown_member_even_if_validation_was_skipped(
    org: Organization, clerk: User
) -> None:
    from pensionportal.datafiles.reader import read_records

    parsed = read_records("PA", [{"employee_id": "GHOST", "year": "2025", "amount": "100"}])
    submission = Submission(organization=org, submitted_by=clerk)
    with pytest.raises(appliers.ApplyError):
        appliers.apply_pa(submission, parsed)


def test_another_organizations_submission_answers_404(org: Organization, clerk: User) -> None:
    submission = submit(clerk, org, file_of("ENROL", [enrol_row("E100", "550911895")]))
    stranger = make_user(make_org(), [Role.FILE_UPLOAD])
    client = Client()
    client.force_login(stranger)
    for url in (
        f"/submissions/{submission.pk}/",
        f"/submissions/{submission.pk}/problems.csv",
    ):
        assert client.get(url).status_code == 404
    assert (
        client.post(f"/submissions/{submission.pk}/confirm/", {"confirm": "yes"}).status_code == 404
    )
    comms = make_user(org, [Role.COMMUNICATIONS])
    client.force_login(comms)
    assert client.get("/submissions/").status_code == 403


def test_the_problem_report_escapes_formulas_and_keeps_the_original_rows(
    org: Organization, clerk: User
) -> None:
    make_member(org, "E1", sin="046454286")
    evil = "=cmd|' /C calc'!A0"
    submission = submit(clerk, org, pay_file([pay_row("E1"), pay_row(evil)]))
    client = Client()
    client.force_login(clerk)
    response = client.get(f"/submissions/{submission.pk}/problems.csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    event = AuditEvent.objects.get(action="submissions.problem_report_downloaded")
    assert (event.actor, event.target) == (clerk, submission.reference)
    assert evil in body
    for line in body.splitlines():
        for cell in line.split(","):
            assert not cell.strip('"').startswith("=")
    xlsx = client.get(f"/submissions/{submission.pk}/problems.xlsx")
    assert xlsx.status_code == 200
    assert xlsx["Content-Disposition"].startswith("attachment")


def test_templates_download_for_each_template(clerk: User) -> None:
    client = Client()
    client.force_login(clerk)
    for code in ("PAY", "ENROL", "PA"):
        assert client.get(f"/submissions/formats/{code}.csv").status_code == 200
        assert client.get(f"/submissions/formats/{code}.xlsx").status_code == 200
    assert client.get("/submissions/formats/NOPE.csv").status_code == 404
    assert client.get("/submissions/formats/").status_code == 200


def test_an_opseu_employers_pay_rows_are_checked_by_the_integrated_formula() -> None:
    from pensionportal.rules.contributions import Frequency, ReportedPay, compute
    from pensionportal.rules.contributions import Plan as RulePlan

    opseu = make_org(plan=Plan.OPSEU)
    clerk = make_user(opseu, [Role.FILE_UPLOAD])
    make_member(opseu, "O1", sin="046454286", pay_rate=Decimal("90000"))
    expected = compute(
        RulePlan.OPSEU,
        ReportedPay(Decimal("90000"), Decimal("3461.54")),
        date(2026, 3, 13),
        Frequency.BIWEEKLY,
    ).member.total
    good = pay_row("O1", "3461.54", employee_regular=str(expected), employer_regular=str(expected))
    assert submit(clerk, opseu, pay_file([good])).status == Status.APPLIED
    off = pay_row("O1", "3461.54", employee_regular="100.00", employer_regular=str(expected))
    flagged = submit(clerk, opseu, pay_file([off], reference="EFT-OFF"))
    assert flagged.status == Status.AWAITING_CONFIRMATION
    assert str(expected) in flagged.problems.get().message


def test_a_pay_file_lands_in_the_ledger_value_for_value(org: Organization, clerk: User) -> None:
    """Every column of the ledger row as the file gave it, blanks as 0 or an empty code, and
    a payment reference with a backslash and a tab kept as sent: the same on SQLite's
    bulk insert and PostgreSQL's COPY (whose text format escapes both)."""
    make_member(org, "E1", sin="046454286")
    make_member(org, "E2", sin="130692544")
    rows = [
        pay_row("E1", buyback="12.34", buyback_code="054"),
        pay_row(
            "E2",
            "3000.00",
            contribution_type="A",
            service_type="LOAM",
            period_start="2026-01-25",
            period_end="2026-02-07",
        ),
    ]
    reference = "EFT\\2026\t01"
    submission = submit(clerk, org, pay_file(rows, reference=reference))
    assert submission.status == Status.APPLIED, list(
        submission.problems.values_list("message", flat=True)
    )
    ledger = list(
        Contribution.objects.filter(source_submission_id=submission.pk)
        .order_by("source_row")
        .values()
    )
    first, second = ledger
    for row in ledger:
        assert row["organization_id"] == org.pk
        assert row["pay_date"] == date(2026, 3, 13)
        assert row["pay_cycle"] == "biweekly"
        assert row["payment_reference"] == reference
        assert row["employee_interest"] == row["employer_interest"] == Decimal("0")
    assert first["member_id"] == Member.objects.get(organization=org, employee_id="E1").pk
    assert (first["period_start"], first["period_end"]) == (date(2026, 2, 22), date(2026, 3, 7))
    assert (first["buyback"], first["buyback_code"]) == (Decimal("12.34"), "054")
    assert first["employer_special"] == Decimal("0")
    assert first["pensionable_hours"] == Decimal("75.00")
    assert second["member_id"] == Member.objects.get(organization=org, employee_id="E2").pk
    assert (second["contribution_type"], second["service_type"]) == ("A", "LOAM")
    assert (second["period_start"], second["period_end"]) == (date(2026, 1, 25), date(2026, 2, 7))
    assert (second["buyback"], second["buyback_code"]) == (Decimal("0"), "")
    assert second["employee_regular"] == Decimal("90.00")
    assert [r["source_row"] for r in ledger] == [4, 5]


def test_the_pay_applier_refuses_a_member_of_another_employer_and_writes_nothing(
    org: Organization, clerk: User
) -> None:
    """The ledger's member reference is checked by the applier for the whole file (there is
    no per-row foreign-key check in the database): an Employee ID that is not one of this
    employer's members stops the file."""
    from pensionportal.datafiles.reader import read

    make_member(org, "E1", sin="046454286")
    make_member(make_org(), "E2", sin="130692544")
    parsed = read(pay_file([pay_row("E1"), pay_row("E2")]), "PAY.csv")
    assert not isinstance(parsed, Unreadable)
    submission = Submission.objects.create(organization=org, submitted_by=clerk)
    with pytest.raises(appliers.ApplyError, match="Row 5: Employee ID E2 is not a member"):
        appliers.apply_pay(submission, parsed)
    assert not Contribution.objects.filter(source_submission_id=submission.pk).exists()
