"""Passkeys (issue 17, "Must do" 5): WebAuthn through django-allauth, as a second factor and
as a passwordless sign-in, with TOTP and recovery codes kept; tested in real Chromium with
its virtual authenticator (the DevTools WebAuthn domain), not a mock."""

from __future__ import annotations

from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from pensionportal.audit.models import AuditEvent
from tests.factories import PASSWORD, enrol_totp, make_staff

from .conftest import check_accessibility, sign_in


def _virtual_authenticator(page: Page) -> Any:
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return cdp


@pytest.mark.django_db(transaction=True)
def test_a_staff_member_adds_a_passkey_and_signs_in_with_it_alone(
    live_server: LiveServer, browser_page: Page
) -> None:
    base = live_server.url.replace("127.0.0.1", "localhost")  # an IP cannot be a WebAuthn RP
    staff = make_staff(mfa=False)
    secret = enrol_totp(staff)
    page = browser_page
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    _virtual_authenticator(page)
    sign_in(page, base, staff.email, totp_secret=secret)
    page.goto(f"{base}/accounts/2fa/webauthn/add/")
    if "/reauthenticate/" in page.url:  # adding a factor asks for the password again
        check_accessibility(page)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Confirm").click()
        page.wait_for_load_state()
    check_accessibility(page)
    page.get_by_label("Name").fill("Work laptop")
    page.get_by_label("Passwordless").check()
    page.get_by_role("button", name="Add").click()
    page.wait_for_url(lambda url: "/webauthn/add/" not in url)
    assert Authenticator.objects.filter(user=staff, type=Authenticator.Type.WEBAUTHN).exists()
    assert AuditEvent.objects.filter(action="mfa.added", actor_id=staff.pk).exists()
    # TOTP and the recovery codes are kept beside it.
    assert Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists()
    page.goto(f"{base}/")
    page.get_by_role("button", name="Sign out").first.click()
    page.wait_for_load_state()
    page.goto(f"{base}/accounts/login/")
    check_accessibility(page)
    page.get_by_role("button", name="Sign in with a passkey").click()
    page.wait_for_url(f"{base}/")
    assert page.get_by_role("heading", name="Welcome").is_visible()
    used = AuditEvent.objects.filter(action="auth.signed_in", actor_id=staff.pk).count()
    assert used == 2
    assert not errors
