from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from pensionportal.accounts import access
from pensionportal.accounts.models import User
from pensionportal.accounts.sections import section
from pensionportal.worklist import home as todos


@section(None)
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    memberships = access.own_memberships(user)
    today = timezone.localdate()
    return render(
        request,
        "core/home.html",
        {
            "memberships": memberships,
            "is_staff": access.is_staff_user(request.user),
            "staff_roles": sorted(role.label for role in access.staff_roles(request.user)),
            "invitation_count": access.own_invitations(user).count(),
            "today": today,
            "employer_todos": todos.employer_home(user, today),
            "staff_todos": todos.staff_home(user, today),
        },
    )
