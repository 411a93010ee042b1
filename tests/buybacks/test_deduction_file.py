"""The deduction file ('DS file') each pay, and the employer's problem report back
(reporting-pension-data.txt 'OPTrust-administered deductions')."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest

from pensionportal.accounts.models import Role, User
from pensionportal.buybacks import actions
from pensionportal.buybacks.models import (
    Buyback,
    DeductionDirection,
    DeductionFileRun,
    DeductionProblem,
)
from pensionportal.exchange.models import Category, ExchangedFile
from tests.factories import make_staff, make_user
from tests.stored import plaintext

from .helpers import financed, opseu_member, opseu_org

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup() -> tuple[User, User, Buyback]:
    org = opseu_org()
    staff = make_staff(mfa=False)
    employer = make_user(org, [Role.FILE_UPLOAD])
    buyback = financed(staff, opseu_member(org, employee_id="E100", last_name="Lopez"))
    actions.set_deduction_file(staff, org, True)
    return staff, employer, buyback


def _rows(run: DeductionFileRun) -> list[dict[str, str]]:
    upload = ExchangedFile.objects.get(pk=run.delivered_file_id or 0)
    data = plaintext(upload.file)
    return list(csv.DictReader(io.StringIO(data.decode())))


def test_the_file_lists_member_and_employer_deductions_with_their_codes(
    setup: tuple[User, User, Buyback],
) -> None:
    staff, _, buyback = setup
    direction = DeductionDirection.objects.get(buyback=buyback)
    second = direction.lines.all()[1]
    run = actions.produce_deduction_file(staff, buyback.organization, second.due_date)
    rows = _rows(run)
    assert [(r["Deduction Code"], r["Deduction Amount"]) for r in rows] == [
        ("055", f"{second.member_payment:.2f}"),
        ("056", f"{second.employer_payment:.2f}"),
    ]
    assert rows[0]["Employee ID"] == "E100"
    assert rows[0]["Payment Number"] == "2"
    assert ExchangedFile.objects.get(pk=run.delivered_file_id or 0).category == (
        Category.BUYBACK_DEDUCTIONS
    )
    assert "046454286" not in str(rows)


def test_terminated_members_are_left_out(setup: tuple[User, User, Buyback]) -> None:
    staff, _, buyback = setup
    buyback.member.status = "terminated"
    buyback.member.save()
    run = actions.produce_deduction_file(staff, buyback.organization, dt.date(2026, 3, 27))
    assert _rows(run) == []


def test_a_pay_date_gets_one_file(setup: tuple[User, User, Buyback]) -> None:
    staff, _, buyback = setup
    actions.produce_deduction_file(staff, buyback.organization, dt.date(2026, 3, 27))
    with pytest.raises(actions.BuybackError, match="already produced"):
        actions.produce_deduction_file(staff, buyback.organization, dt.date(2026, 3, 27))


def test_it_refuses_an_employer_that_takes_no_file() -> None:
    staff = make_staff(mfa=False)
    with pytest.raises(actions.BuybackError, match="does not take"):
        actions.produce_deduction_file(staff, opseu_org(), dt.date(2026, 3, 27))


def _report(*rows: str) -> bytes:
    header = "Pay Date,Buyback Reference,Deduction Code,Amount Deducted,Problem,Comment\n"
    return (header + "".join(row + "\n" for row in rows)).encode()


def test_the_problem_report_is_recorded_against_each_deduction(
    setup: tuple[User, User, Buyback],
) -> None:
    staff, employer, buyback = setup
    actions.produce_deduction_file(staff, buyback.organization, dt.date(2026, 3, 27))
    ref = buyback.reference
    problems = actions.accept_problem_report(
        employer,
        buyback.organization,
        _report(f"2026-03-27,{ref},055,0,NOT_PAID,", f"2026-03-27,{ref},056,0,OTHER,payroll error"),
    )
    assert len(problems) == 2
    assert problems[0].line.direction.buyback == buyback
    assert problems[1].comment == "payroll error"


def test_a_bad_problem_report_names_each_row_and_stores_nothing(
    setup: tuple[User, User, Buyback],
) -> None:
    staff, employer, buyback = setup
    actions.produce_deduction_file(staff, buyback.organization, dt.date(2026, 3, 27))
    ref = buyback.reference
    with pytest.raises(actions.ProblemReportRefused) as refused:
        actions.accept_problem_report(
            employer,
            buyback.organization,
            _report(
                f"2026-03-27,{ref},055,0,NOT_PAID,",
                "2026-13-01,BB1,055,0,NOT_PAID,",
                f"2026-03-27,{ref},056,abc,LATE,",
                f"2026-03-27,{ref},056,99999,NOT_TAKEN,",
                "2026-03-27,BB999999,055,0,OTHER,",
            ),
        )
    messages = [str(e) for e in refused.value.errors]
    assert "Row 3, Pay Date: must be a date as YYYY-MM-DD." in messages
    assert any(m.startswith("Row 4, Amount Deducted") for m in messages)
    assert any(m.startswith("Row 4, Problem") for m in messages)
    assert any("Row 5, Amount Deducted: is more than" in m for m in messages)
    assert any(m.startswith("Row 6, Comment") for m in messages)
    assert not DeductionProblem.objects.exists()


def test_a_report_without_the_columns_is_refused(setup: tuple[User, User, Buyback]) -> None:
    _, employer, buyback = setup
    with pytest.raises(actions.ProblemReportRefused) as refused:
        actions.accept_problem_report(employer, buyback.organization, b"a,b\n1,2\n")
    assert "lacks the column" in str(refused.value.errors[0])
    assert Decimal(0) == Decimal(DeductionProblem.objects.count())


def test_the_pay_cycle_command_delivers_each_employers_file(
    setup: tuple[User, User, Buyback],
) -> None:
    from django.core.management import call_command

    staff, _, buyback = setup
    out = io.StringIO()
    call_command(
        "produce_buyback_deduction_files",
        "--pay-date",
        "2026-03-27",
        "--staff",
        staff.email,
        stdout=out,
    )
    assert "DS_2026-03-27.csv delivered" in out.getvalue()
    assert DeductionFileRun.objects.filter(organization=buyback.organization).count() == 1
