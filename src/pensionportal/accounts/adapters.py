"""allauth adapter: no self-sign-up; accounts come from staff or an employer administrator."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.http import HttpRequest


class PortalAccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False


class PortalMFAAdapter(DefaultMFAAdapter):  # type: ignore[misc]
    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        """Those for whom MFA is required cannot switch it off themselves (staff can reset)."""
        from .access import mfa_required

        return not mfa_required(authenticator.user)
