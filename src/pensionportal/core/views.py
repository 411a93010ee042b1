from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from pensionportal.accounts import access
from pensionportal.accounts.models import User
from pensionportal.accounts.sections import section


@section(None)
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    memberships = access.own_memberships(user)
    return render(
        request,
        "core/home.html",
        {
            "memberships": memberships,
            "is_staff": access.is_staff_user(request.user),
            "staff_roles": sorted(role.label for role in access.staff_roles(request.user)),
            "invitation_count": access.own_invitations(user).count(),
        },
    )
