from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from pensionportal.accounts import access
from pensionportal.accounts.models import User


@login_required
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
        },
    )
