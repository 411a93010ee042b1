from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.core import mail

from pensionportal.remittances.models import ReminderSent
from pensionportal.remittances.reminders import send_due_date_reminders
from pensionportal.remittances.timing import next_pay_date
from tests.factories import make_org

from .helpers import pay_submission

pytestmark = pytest.mark.django_db
CaptureCallbacks = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]


def test_reminders_go_once_before_the_contribution_due_date_without_content(
    django_capture_on_commit_callbacks: CaptureCallbacks,
) -> None:
    org = make_org()
    pay_submission(org, dt.date(2026, 11, 6), "REM-1")  # bi-weekly: next pay date 11-20
    # 2026-11-20 contributions are due 2026-11-27; two days before is 11-25.
    with django_capture_on_commit_callbacks(execute=True):
        assert send_due_date_reminders(dt.date(2026, 11, 25), lead_days=2) == 1
        assert send_due_date_reminders(dt.date(2026, 11, 25), lead_days=2) == 0
    assert ReminderSent.objects.get().kind == "contributions"
    assert "2026-11-27" in mail.outbox[0].subject
    assert "REM-1" not in mail.outbox[0].body


@pytest.mark.parametrize(
    ("cycle", "last", "following"),
    [
        ("weekly", dt.date(2024, 2, 26), dt.date(2024, 3, 4)),
        ("bi-weekly", dt.date(2024, 2, 23), dt.date(2024, 3, 8)),
        ("semi-monthly", dt.date(2024, 2, 15), dt.date(2024, 2, 29)),
        ("semi-monthly", dt.date(2024, 2, 29), dt.date(2024, 3, 15)),
        ("monthly", dt.date(2024, 1, 31), dt.date(2024, 2, 29)),
    ],
)
def test_expected_pay_dates_follow_the_pay_cycle(
    cycle: str, last: dt.date, following: dt.date
) -> None:
    assert next_pay_date(cycle, last) == following
