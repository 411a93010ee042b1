"""E-mails that tell a person of a change to their own account's security."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from pensionportal.core.notify import Notice, notify_on_commit


def tell_of_mfa_change(user: Any, change: str) -> None:
    """ASVS 6.4: the account's owner hears of every change to its second factors, so a
    change they did not make is noticed. Content-free like every portal e-mail: what kind of
    change and when, never a code, a key or a device."""
    when = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    notify_on_commit(
        [user.email],
        "The sign-in security of your account changed",
        f"On {when}, {change} for your Employer Portal account.\n\n"
        "If this was you, there is nothing to do. If it was not, sign in now, change your "
        "password, check Security settings, and tell the plan administrator.",
        kind=Notice.ALWAYS,
        organization_id=None,
    )
