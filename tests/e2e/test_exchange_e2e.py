"""File Upload in headless Chromium: an upload with its progress bar, staff notified in the
portal, staff delete with a reason; axe-core checks every page visited."""

from __future__ import annotations

import hashlib

import pytest
from playwright.sync_api import FilePayload, Page
from pytest_django.live_server_helper import LiveServer

from pensionportal.accounts.models import Role
from pensionportal.exchange.models import ExchangedFile, Status
from pensionportal.messaging.models import DATA_MANAGEMENT_MAILBOX, Mailbox
from tests.factories import enrol_totp, make_org, make_staff, make_user
from tests.stored import exists

from .conftest import check_accessibility, sign_in, visit

WATCH_PROGRESS = """() => {
  const bar = document.querySelector('#upload-progress-bar');
  const box = bar.closest('.upload-progress');
  new MutationObserver(() => window.reportProgress(`${bar.value}|${!box.hidden}`))
    .observe(bar, {attributes: true});
}"""


@pytest.mark.django_db(transaction=True)
def test_an_upload_shows_progress_notifies_staff_and_staff_delete_it(
    live_server: LiveServer, browser_page: Page
) -> None:
    page = browser_page
    org = make_org("Progress Employer Ltd.")
    uploader = make_user(org, [Role.FILE_UPLOAD])
    staff = make_staff(mfa=False)
    secret = enrol_totp(staff)
    Mailbox.objects.get(slug=DATA_MANAGEMENT_MAILBOX).keepers.add(staff)
    content = (
        b"Employee ID,Last Name,Contribution Type,Pensionable Pay\n" + b"C1,X,N,1.00\n" * 300_000
    )

    # The employer uploads; the progress bar reports up to 100%.
    sign_in(page, live_server.url, uploader.email)
    visit(page, f"{live_server.url}/files/")
    progress: list[str] = []
    page.expose_function("reportProgress", lambda value: progress.append(value))
    page.evaluate(WATCH_PROGRESS)
    payload: FilePayload = {"name": "PAY_2026-02.csv", "mimeType": "text/csv", "buffer": content}
    page.locator("#id_files").set_input_files([payload])
    page.get_by_role("button", name="Send files").click()
    page.wait_for_url("**/files/receipt/**")
    check_accessibility(page)
    assert "100|true" in progress
    upload = ExchangedFile.objects.get()
    assert upload.sha256 == hashlib.sha256(content).hexdigest()
    assert page.get_by_text(upload.sha256).first.is_visible()
    assert upload.detected_template == "PAY"
    stored = upload.file

    # Staff are notified in the portal.
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()
    sign_in(page, live_server.url, staff.email, totp_secret=secret)
    visit(page, f"{live_server.url}/files/")
    page.get_by_role("link", name="New uploads (1 unread)").click()
    page.wait_for_load_state()
    check_accessibility(page)
    assert page.get_by_text("Unread").is_visible()
    page.get_by_role("link", name="PAY_2026-02.csv").click()
    page.wait_for_load_state()
    check_accessibility(page)

    # Staff delete it with a reason; the record stays, the bytes go.
    page.get_by_label("Reason for deleting").fill("Sent for the wrong pay period")
    page.get_by_role("button", name="Delete the file").click()
    page.wait_for_load_state()
    check_accessibility(page)
    assert page.get_by_text("Sent for the wrong pay period").is_visible()
    upload.refresh_from_db()
    assert upload.status == Status.DELETED
    assert upload.file is not None
    assert upload.file.state == "purged"
    assert not exists(stored)
    visit(page, f"{live_server.url}/files/new/")
