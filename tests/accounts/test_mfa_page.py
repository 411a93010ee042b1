"""Issue 15, item 15: the two-factor pages use the portal's own panels, buttons and fields
(not allauth's stock markup)."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import enrol_totp, make_staff

pytestmark = pytest.mark.django_db


def test_the_security_settings_page_is_styled_like_the_portal() -> None:
    staff = make_staff()
    enrol_totp(staff)
    client = Client()
    client.force_login(staff)
    body = client.get("/accounts/2fa/").content.decode()
    assert '<section class="panel">' in body
    assert 'class="button' in body
    assert '<div class="actions-row">' in body
