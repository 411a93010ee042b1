from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import AbstractContextManager
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail

from pensionportal.accounts.models import Role
from pensionportal.remittances import actions
from pensionportal.remittances.bank_file import BankFileError
from pensionportal.remittances.models import (
    AdviceSource,
    CaseStatus,
    Payment,
    ReconciliationCase,
    RemittanceAdvice,
)
from pensionportal.remittances.reconciliation import Outcome, reconcile
from tests.factories import make_org, make_staff, make_user

from .helpers import pay_submission

pytestmark = pytest.mark.django_db
D = Decimal
TODAY = dt.date(2026, 11, 20)
CaptureCallbacks = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]


def _pay(reference: str, amount: str, on: dt.date = dt.date(2026, 11, 10)) -> Payment:
    return actions.record_payment(
        make_staff(), actions.PaymentInput(on, D(amount), reference, "eft")
    )


def test_on_pay_submission_applied_derives_the_advice_once_and_matches() -> None:
    org = make_org()
    sub = pay_submission(org, dt.date(2026, 11, 6), "REF-1", ltip=D("50.00"))
    first = actions.on_pay_submission_applied(sub)
    again = actions.on_pay_submission_applied(sub)
    assert first is not None
    assert again is not None
    assert first.pk == again.pk
    assert RemittanceAdvice.objects.count() == 1
    assert first.source == AdviceSource.PAY_HEADER
    assert (first.member_contributions, first.employer_regular, first.ltip) == (
        D("100.00"),
        D("100.00"),
        D("50.00"),
    )
    _pay("ref-1", "250.00")
    rec = reconcile(first)
    assert rec.outcome is Outcome.MATCHED
    assert not ReconciliationCase.objects.exists()


def test_a_payment_that_arrives_before_the_data_is_matched_when_the_data_is_applied() -> None:
    org = make_org()
    payment = _pay("EARLY-1", "200.00")
    assert not payment.is_matched
    sub = pay_submission(org, dt.date(2026, 11, 6), "EARLY-1")
    actions.on_pay_submission_applied(sub)
    payment.refresh_from_db()
    assert payment.organization == org


def test_a_short_payment_opens_a_case_that_staff_notify_and_the_employer_answers(
    django_capture_on_commit_callbacks: CaptureCallbacks,
) -> None:
    org = make_org()
    employer_user = make_user(org, [Role.FILE_UPLOAD])
    advice = actions.on_pay_submission_applied(pay_submission(org, dt.date(2026, 11, 6), "R-2"))
    assert advice is not None
    _pay("R-2", "150.00", dt.date(2026, 11, 10))
    case = ReconciliationCase.objects.get()
    assert case.notify_by == dt.date(2027, 1, 9)  # 60 days from receipt
    assert case.differences[0]["difference"] == "-50.00"
    with django_capture_on_commit_callbacks(execute=True):
        actions.notify_employer(make_staff(), case, "Short by $50", dt.date(2026, 11, 12))
    assert case.reconcile_by == dt.date(2026, 12, 12)
    assert [employer_user.email] in [m.to for m in mail.outbox]
    assert "50" not in mail.outbox[0].body
    actions.employer_response(employer_user, case, "Sent the rest")
    _pay("R-2", "50.00", dt.date(2026, 11, 14))
    case.refresh_from_db()
    assert case.status == CaseStatus.RESOLVED
    assert list(case.events.values_list("status", flat=True)) == [
        "open",
        "notified",
        "responded",
        "resolved",
    ]


def test_advice_that_disagrees_with_the_pay_data_by_category_is_a_discrepancy() -> None:
    org = make_org()
    user = make_user(org, [Role.ADMINISTRATOR])
    amounts = {"member_contributions": D("100.00"), "employer_regular": D("90.00")}
    advice = actions.enter_advice(
        user,
        org,
        actions.AdviceInput(
            dt.date(2026, 11, 6),
            dt.date(2026, 10, 18),
            dt.date(2026, 10, 31),
            "R-3",
            "eft",
            amounts,
        ),
    )
    _pay("R-3", "190.00")
    actions.on_pay_submission_applied(pay_submission(org, dt.date(2026, 11, 6), "R-3"))
    rec = reconcile(advice)
    assert rec.outcome is Outcome.MISMATCHED
    assert [d["what"] for d in rec.differences] == [
        "Employer regular contributions: advice vs PAY data"
    ]


def test_a_bank_file_with_a_bad_row_names_it_and_imports_nothing() -> None:
    content = b"date,amount,reference\n2026-11-10,100.00,A\n2026-13-01,abc,B\n"
    with pytest.raises(BankFileError) as error:
        actions.import_bank_file(make_staff(), "bank.csv", content, TODAY)
    problems = [str(p) for p in error.value.problems]
    assert problems == [
        "Row 3, column date (value '2026-13-01'): must be a date written YYYY-MM-DD",
        "Row 3, column amount (value 'abc'): must be an amount such as 1234.56",
    ]
    assert not Payment.objects.exists()


def test_a_bank_file_keeps_and_lists_payments_that_match_nothing() -> None:
    org = make_org()
    actions.on_pay_submission_applied(pay_submission(org, dt.date(2026, 11, 6), "R-4"))
    content = b"date,amount,reference\n2026-11-10,200.00,R-4\n2026-11-11,5.00,NOBODY\n"
    imported = actions.import_bank_file(make_staff(), "bank.csv", content, TODAY)
    assert imported.rows == 2
    unmatched = Payment.objects.filter(advice__isnull=True, invoice__isnull=True)
    assert [p.reference for p in unmatched] == ["NOBODY"]
    with pytest.raises(BankFileError):
        actions.import_bank_file(make_staff(), "again.csv", content, TODAY)
