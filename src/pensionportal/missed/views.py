from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse

from pensionportal.accounts import access
from pensionportal.core.views import coming_soon


@login_required
def index(request: HttpRequest) -> HttpResponse:
    access.require_staff(request.user)
    return coming_soon(request, "Missed mandatory contributions")
