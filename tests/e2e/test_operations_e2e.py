"""Staff see undelivered e-mail and dead tasks on the Operations page, in the browser, with
axe-core checking it at desktop and phone widths; "Send again" works from the keyboard."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.utils import timezone
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from pensionportal.core import outbox
from pensionportal.core.models import EmailStatus, OutgoingEmail
from tests.factories import enrol_totp, make_staff

from .conftest import check_accessibility, sign_in, visit

pytestmark = pytest.mark.django_db(transaction=True)


def test_staff_see_and_resend_undelivered_email(
    live_server: LiveServer, browser_page: Page
) -> None:
    staff = make_staff()
    secret = enrol_totp(staff)
    with transaction.atomic():  # the last attempt failed before anything else ran
        [email] = outbox.queue(["clerk@example.com"], "A new report is available", "body")
        OutgoingEmail.objects.filter(pk=email.pk).update(
            status=EmailStatus.FAILED,
            attempts=12,
            failed_at=timezone.now(),
            last_error="The mail server could not be reached (ConnectionRefusedError).",
        )
    page = browser_page
    sign_in(page, live_server.url, staff.email, totp_secret=secret)
    page.get_by_role("navigation").get_by_role("link", name="Operations").click()
    page.wait_for_load_state()
    check_accessibility(page)
    assert page.get_by_role("cell", name="clerk@example.com", exact=True).is_visible()
    page.set_viewport_size({"width": 390, "height": 844})
    visit(page, f"{live_server.url}/staff/operations/")
    page.set_viewport_size({"width": 1280, "height": 900})
    button = page.get_by_role("button", name="Send again to clerk@example.com")
    button.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    check_accessibility(page)
    assert page.get_by_text("is queued to be sent again").is_visible()
    assert OutgoingEmail.objects.get(pk=email.pk).status == EmailStatus.SENT
