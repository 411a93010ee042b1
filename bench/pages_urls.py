"""The portal's URLs plus the peer of `make bench-pages`: a hello-world view behind the same
middleware and sign-in (bench only; ROOT_URLCONF of bench/pages_settings.py)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import include, path


@login_required
def hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse("Hello, world.", content_type="text/plain")


urlpatterns = [
    path("bench/hello/", hello),
    path("", include("pensionportal.urls")),
]
