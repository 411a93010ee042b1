from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from pensionportal.accounts.models import Role
from pensionportal.exchange import actions
from pensionportal.exchange.models import Category, Direction, FileNotice, Status
from tests.factories import make_org, make_staff, make_user
from tests.stored import plaintext

from .helpers import post_files

CaptureCallbacks = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]
pytestmark = [pytest.mark.django_db, pytest.mark.storage]


def test_a_delivered_file_is_listed_from_the_administrator_and_its_users_notified(
    django_capture_on_commit_callbacks: CaptureCallbacks,
) -> None:
    org = make_org()
    uploader = make_user(org, [Role.FILE_UPLOAD])
    payroll_only = make_user(org, [Role.PAYROLL_MANAGER])
    staff = make_staff()
    with django_capture_on_commit_callbacks(execute=True):
        delivery = actions.deliver_file(
            staff,
            org,
            "PA_2025.csv",
            [b"Employee ID,Year,Amount\n", b"C1,2025,1257\n"],
            Category.PA_FILE,
        )
    assert delivery.direction == Direction.FROM_ADMINISTRATOR
    assert delivery.status == Status.DELIVERED
    assert plaintext(delivery.file).endswith(b"1257\n")
    assert FileNotice.objects.filter(file=delivery, recipient=uploader).exists()
    assert not FileNotice.objects.filter(file=delivery, recipient=payroll_only).exists()
    assert [m.to for m in mail.outbox] == [[uploader.email]]
    assert "1257" not in mail.outbox[0].body
    client = Client()
    client.force_login(uploader)
    page = client.get(reverse("exchange:index")).content.decode()
    assert "PA_2025.csv" in page
    assert "From the administrator" in page
    assert "New" in page


def test_staff_deliver_through_the_page_and_bad_input_stores_nothing(
    django_capture_on_commit_callbacks: CaptureCallbacks,
) -> None:
    org = make_org()
    staff = make_staff()
    client = Client()
    client.force_login(staff)
    url = reverse("exchange:deliver")
    post_files(
        client, url, {"organization": str(org.pk), "category": ""}, [("letter.pdf", b"%PDF")]
    )
    assert not org.files.exists()
    post_files(
        client,
        url,
        {"organization": str(org.pk), "category": Category.BUYBACK_DEDUCTIONS},
        [("DS_2026-03.txt", b"deductions\n")],
    )
    delivery = org.files.get()
    assert delivery.category == Category.BUYBACK_DEDUCTIONS
    assert delivery.from_administrator


def test_the_delivery_api_refuses_an_employer_and_an_empty_file() -> None:
    org = make_org()
    employer = make_user(org, [Role.ADMINISTRATOR])
    with pytest.raises(Exception, match="staff"):
        actions.deliver_file(employer, org, "x.csv", [b"x"], Category.LETTER)
    with pytest.raises(actions.ExchangeError, match="empty"):
        actions.deliver_file(make_staff(), org, "x.csv", [], Category.LETTER)
    assert not org.files.exists()
