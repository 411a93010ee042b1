"""Every portal page names its section: `@section(Capability.X)` on the view.

The decorator signs an anonymous visitor in first (Django's `login_required`), then answers
403 when the user's roles do not grant the section, before the view looks anything up; the
view's access helpers then answer 404 for another organization's object. The declaration
stays on the view (`view.portal_section`), so the generated users x objects x methods test
(tests/security/test_access_matrix.py) reads from the URL configuration what each page
must allow, and a page without a declaration fails it.

    @section(Capability.REMITTANCES)                        # employers' roles or staff roles
    @section(Capability.FILES, Capability.REMITTANCES)      # either section grants the page
    @section(Capability.REMITTANCES, audience=Audience.STAFF)      # staff only
    @section(Capability.SUBMISSIONS, audience=Audience.EMPLOYERS)  # employers' own work
    @section(None)                                           # any signed-in user
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase

from . import access
from .access import Capability


class Audience(StrEnum):
    EVERYONE = "everyone"  # employers through their roles, staff through their staff roles
    STAFF = "staff"
    EMPLOYERS = "employers"


@dataclass(frozen=True)
class Section:
    capability: Capability | None  # None: every signed-in user
    audience: Audience = Audience.EVERYONE
    also: tuple[Capability, ...] = ()  # a page of several sections: any one of them grants it

    @property
    def capabilities(self) -> tuple[Capability, ...]:
        return () if self.capability is None else (self.capability, *self.also)

    def check(self, user: access.AnyUser) -> None:
        """Raise PermissionDenied unless `user` may open pages of this section."""
        if self.capability is None:
            if self.audience is Audience.STAFF and not access.is_staff_user(user):
                raise PermissionDenied("This page is for the plan administrator's staff.")
            return
        refused: PermissionDenied | None = None
        for capability in self.capabilities:
            try:
                self._check_one(user, capability)
            except PermissionDenied as error:
                refused = refused or error
            else:
                return
        assert refused is not None
        raise refused

    def _check_one(self, user: access.AnyUser, capability: Capability) -> None:
        if self.audience is Audience.STAFF:
            access.require_staff(user, capability)
        elif self.audience is Audience.EMPLOYERS:
            access.require_employer(user, capability)
        else:
            access.require(user, capability)

    def allows(self, user: access.AnyUser) -> bool:
        try:
            self.check(user)
        except PermissionDenied:
            return False
        return True


V = TypeVar("V", bound=Callable[..., HttpResponseBase])


def section(
    capability: Capability | None, *also: Capability, audience: Audience = Audience.EVERYONE
) -> Callable[[V], V]:
    declared = Section(capability, audience, also)

    def decorate(view: V) -> V:
        @wraps(view)
        def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            declared.check(request.user)
            return view(request, *args, **kwargs)

        wrapped = login_required(checked)
        wrapped.portal_section = declared  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorate


def section_of(view: Callable[..., Any]) -> Section | None:
    """The section a view declared (through any decorators that keep attributes)."""
    found: Section | None = getattr(view, "portal_section", None)
    return found
