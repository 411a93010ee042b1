from __future__ import annotations

import pytest
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from tests.factories import enrol_totp, make_staff

from .conftest import sign_in


@pytest.mark.django_db(transaction=True)
def test_staff_signs_in_with_a_one_time_code(live_server: LiveServer, browser_page: Page) -> None:
    staff = make_staff(mfa=False)
    secret = enrol_totp(staff)
    sign_in(browser_page, live_server.url, staff.email, totp_secret=secret)
    assert browser_page.get_by_role("heading", name="Welcome").is_visible()
