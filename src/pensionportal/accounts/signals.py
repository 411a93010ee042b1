"""Audit rows for sign-ins, failures, sign-outs, password and MFA changes."""

from __future__ import annotations

from typing import Any

from allauth.account.signals import password_changed, password_reset, user_logged_out
from allauth.mfa.signals import (
    authentication_failed,
    authenticator_added,
    authenticator_removed,
    authenticator_reset,
    authenticator_used,
)
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from pensionportal.audit.record import record

from . import sessions
from .security_notices import tell_of_mfa_change


@receiver(user_logged_in)
def _signed_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        sessions.start(request.session)  # the absolute lifetime counts from here
    record("auth.signed_in", request=request, actor=user, target=user.email)


@receiver(user_login_failed)
def _sign_in_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # The e-mail as typed is kept (it may be unknown); the password never is.
    typed = str(credentials.get("email") or credentials.get("username") or "")[:254]
    record("auth.sign_in_failed", request=request, actor_email=typed, target=typed)


@receiver(user_logged_out)
def _signed_out(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record("auth.signed_out", request=request, actor=user, target=user.email)


@receiver(password_changed)
def _password_changed(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    record("auth.password_changed", request=request, actor=user, target=user.email)


@receiver(password_reset)
def _password_reset(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    record("auth.password_reset", request=request, actor=user, target=user.email)


def _mfa_event(action: str, request: HttpRequest | None, user: Any, authenticator: Any) -> None:
    record(
        action, request=request, actor=user, target=user.email, details={"type": authenticator.type}
    )
    tell_of_mfa_change(user, _CHANGES[action].get(authenticator.type, _CHANGES[action][""]))


_CHANGES = {
    "mfa.added": {
        "totp": "an authenticator app was set up",
        "webauthn": "a passkey was added",
        "recovery_codes": "recovery codes were created",
        "": "a sign-in method was added",
    },
    "mfa.removed": {
        "totp": "the authenticator app was removed",
        "webauthn": "a passkey was removed",
        "": "a sign-in method was removed",
    },
    "mfa.recovery_codes_regenerated": {"": "new recovery codes were generated"},
}


@receiver(authenticator_added)
def _mfa_added(sender: Any, request: HttpRequest, user: Any, authenticator: Any, **kw: Any) -> None:
    _mfa_event("mfa.added", request, user, authenticator)


@receiver(authenticator_removed)
def _mfa_removed(
    sender: Any, request: HttpRequest, user: Any, authenticator: Any, **kw: Any
) -> None:
    _mfa_event("mfa.removed", request, user, authenticator)


@receiver(authenticator_reset)
def _mfa_reset(sender: Any, request: HttpRequest, user: Any, authenticator: Any, **kw: Any) -> None:
    _mfa_event("mfa.recovery_codes_regenerated", request, user, authenticator)


@receiver(authentication_failed)
def _mfa_failed(
    sender: Any, request: HttpRequest, user: Any, authenticator: Any, **kw: Any
) -> None:
    """A wrong second-factor code (issue 17, finding 4): the password was right."""
    details = {"type": authenticator.type}
    if kw.get("reauthentication"):
        details["reauthentication"] = True
    record("mfa.failed", request=request, actor=user, target=user.email, details=details)


@receiver(authenticator_used)
def _mfa_used(sender: Any, request: HttpRequest, user: Any, authenticator: Any, **kw: Any) -> None:
    """Signing in with a recovery code is worth knowing (the authenticator app was lost, or
    someone has the codes); how many are left is said, never which."""
    if authenticator.type != "recovery_codes":
        return
    # Read afresh: allauth marked the code used on a copy of the authenticator it locked.
    authenticator.refresh_from_db()
    left = len(authenticator.wrap().get_unused_codes())
    record(
        "mfa.recovery_code_used",
        request=request,
        actor=user,
        target=user.email,
        details={"codes_left": left},
    )
