"""ASVS 6.4 (issue 17): the owner of an account is e-mailed, content-free, whenever its
second factors change: an authenticator app or a passkey added or removed, recovery codes
generated again, or staff removing them all."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authenticator_added, authenticator_removed, authenticator_reset
from django.core import mail
from django.test import RequestFactory, TestCase

from pensionportal.accounts import actions
from tests.factories import enrol_totp, make_staff, make_user

pytestmark = pytest.mark.django_db

SUBJECT = "[Employer Portal] The sign-in security of your account changed"


def _notices(address: str) -> list[str]:
    return [str(m.body) for m in mail.outbox if m.to == [address] and m.subject == SUBJECT]


@pytest.mark.parametrize(
    ("signal", "kind", "said"),
    [
        (authenticator_added, Authenticator.Type.TOTP, "an authenticator app was set up"),
        (authenticator_added, Authenticator.Type.WEBAUTHN, "a passkey was added"),
        (authenticator_removed, Authenticator.Type.WEBAUTHN, "a passkey was removed"),
        (authenticator_removed, Authenticator.Type.TOTP, "the authenticator app was removed"),
        (authenticator_reset, Authenticator.Type.RECOVERY_CODES, "new recovery codes"),
    ],
)
def test_each_change_of_a_second_factor_e_mails_the_owner(
    signal: object, kind: str, said: str
) -> None:
    user = make_user(None)
    secret = enrol_totp(user)
    authenticator = Authenticator(user=user, type=kind, data={})
    request = RequestFactory().post("/accounts/2fa/")
    with TestCase.captureOnCommitCallbacks(execute=True):
        signal.send(  # type: ignore[attr-defined]
            sender=Authenticator, request=request, user=user, authenticator=authenticator
        )
    [body] = _notices(user.email)
    assert said in body
    assert "If it was not, sign in now, change your password" in body
    assert secret not in body  # content-free: no code, key or device


def test_a_rolled_back_change_e_mails_nobody() -> None:
    user = make_user(None)
    authenticator = Authenticator(user=user, type=Authenticator.Type.WEBAUTHN, data={})
    authenticator_added.send(
        sender=Authenticator, request=None, user=user, authenticator=authenticator
    )  # never committed: the test's transaction is rolled back
    assert _notices(user.email) == []


def test_staff_removing_a_users_sign_in_methods_tells_the_user() -> None:
    staff = make_staff()
    user = make_user(None, mfa=True)
    with TestCase.captureOnCommitCallbacks(execute=True):
        actions.reset_mfa(staff, user, None)
    [body] = _notices(user.email)
    assert "staff removed your sign-in methods" in body
    assert _notices(staff.email) == []
