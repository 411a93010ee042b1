"""Issue 4 end to end in headless Chromium: an employer writes with an attachment, staff see
it unread and reply, and the employer sees the reply under the same reference, unread.
axe-core checks every page visited."""

from __future__ import annotations

import pytest
from playwright.sync_api import FilePayload, Page
from pytest_django.live_server_helper import LiveServer

from pensionportal.accounts.models import Role
from pensionportal.messaging.models import Mailbox, Thread
from tests.factories import enrol_totp, make_org, make_staff, make_user
from tests.messaging.helpers import ensure_standard_mailboxes

from .conftest import check_accessibility, sign_in, visit

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


@pytest.mark.django_db(transaction=True)
def test_employer_and_staff_exchange_messages_under_one_reference(
    live_server: LiveServer, browser_page: Page
) -> None:
    page = browser_page
    base = live_server.url
    ensure_standard_mailboxes()
    org = make_org("Maple Employer Inc.")
    employer = make_user(org, [Role.COMMUNICATIONS], email="casey@maple.example")
    staff = make_staff(mfa=False, email="dmg@plan.example")
    secret = enrol_totp(staff)

    # The employer writes to a mailbox with an attachment.
    sign_in(page, base, employer.email)
    visit(page, f"{base}/messages/")
    page.get_by_role("link", name="Write a message").click()
    page.wait_for_load_state()
    check_accessibility(page)
    assert page.get_by_text("can be viewed by any member of the plan administrator").is_visible()
    data_management = Mailbox.objects.get(slug="data-management")
    page.get_by_label("To mailbox").select_option(value=str(data_management.pk))
    page.get_by_label("Subject").fill("Record of employment for a member")
    page.get_by_label("Message").fill("Attention: Jane Doe. The ROE is attached.")
    roe: FilePayload = {"name": "roe.pdf", "mimeType": "application/pdf", "buffer": PDF}
    page.get_by_label("Attachments").set_input_files([roe])
    page.get_by_role("button", name="Send message").click()
    page.wait_for_load_state()
    check_accessibility(page)
    thread = Thread.objects.get()
    reference = thread.reference
    assert page.get_by_role("heading", name="Record of employment for a member").is_visible()
    assert page.get_by_role("link", name="roe.pdf").is_visible()
    _sign_out(page)

    # Staff see it unread, open it, download the attachment and reply.
    sign_in(page, base, staff.email, totp_secret=secret)
    visit(page, f"{base}/messages/")
    row = page.get_by_role("row").filter(has_text=reference)
    assert row.get_by_role("img", name="Unread").is_visible()
    row.get_by_role("link", name=reference).click()
    page.wait_for_load_state()
    check_accessibility(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="roe.pdf").click()
    assert download_info.value.suggested_filename == "roe.pdf"
    page.get_by_label("Your reply").fill("Thank you, we have updated the record.")
    page.get_by_role("button", name="Send reply").click()
    page.wait_for_load_state()
    check_accessibility(page)
    assert page.get_by_text(f"Your reply was sent under reference {reference}").is_visible()
    _sign_out(page)

    # The employer sees the reply under the same reference, marked unread.
    sign_in(page, base, employer.email)
    visit(page, f"{base}/messages/")
    row = page.get_by_role("row").filter(has_text=reference)
    assert row.get_by_role("img", name="Unread").is_visible()
    assert row.get_by_role("img", name="Has replies").is_visible()
    row.get_by_role("link", name=reference).click()
    page.wait_for_load_state()
    check_accessibility(page)
    assert page.get_by_text("Thank you, we have updated the record.").is_visible()
    assert Thread.objects.count() == 1

    # Archive it: it moves to Archived, where it can still be found.
    page.get_by_role("button", name="Archive this thread").click()
    page.wait_for_load_state()
    check_accessibility(page)
    visit(page, f"{base}/messages/archived/?reference={reference}")
    assert page.get_by_role("link", name=reference).is_visible()
