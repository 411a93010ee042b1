"""Every URL pattern sends an anonymous visitor to sign in, except an explicit allow-list
(issue: Foundation, Tests). New URL patterns are covered automatically."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

# Pages an anonymous visitor may see: signing in and its steps, password reset, the
# invitation link and a member's form-signing link (the token is the credential; they
# move it into the session at once), pages
# that only say "closed", and the health probes, which answer without any data
# (tests/core/test_health.py).
ANONYMOUS_ALLOWED = {
    "core:healthz",
    "core:readyz",
    "account_login",
    "account_signup",
    "account_reset_password",
    "account_reset_password_done",
    "account_reset_password_from_key",
    "account_reset_password_from_key_done",
    "account_confirm_email",
    "account_email_verification_sent",
    "account_inactive",
    "account_logout",
    "account_confirm_login_code",
    "account_request_login_code",
    "mfa_authenticate",
    "mfa_login_webauthn",
    "mfa_signup_webauthn",
    "accounts:accept_invitation",
    "signedforms:member_link",
    "signedforms:member_start",
    "signedforms:member_code",
    "signedforms:member_form",
    "accounts:invitation_link",
    "django.views.static.serve",
}

# The REST API (issue 19) has no sign-in page: an anonymous call is answered with a problem
# document (401 and a Bearer challenge, or 404/405 where there is no such operation), never
# redirected and never data. Its schema is public (it describes, it holds nothing), and the
# token endpoint is where a client proves who it is. Its reference page is for signed-in
# users and follows the portal's rule.
API_PUBLIC = {"api:openapi-json", "api:token"}
API_SIGNED_IN_PAGES = {"api:reference"}

SAMPLE = {
    "int": "1",
    "str": "sample",
    "slug": "sample",
    "uuid": "00000000-0000-0000-0000-000000000001",
    "path": "sample",
}


def _patterns(
    resolver: URLResolver, prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, str]]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}{entry.namespace}:"
            yield from _patterns(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else entry.lookup_str
            yield prefix + str(entry.pattern), name


def _sample_url(pattern: str) -> str:
    url = re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLE.get(m.group(1) or "str", "sample"), pattern)
    # Regex patterns (admin): drop anchors and fill groups with a sample value.
    url = re.sub(r"\(\?P<\w+>[^)]*\)", "1", url)
    url = url.replace("^", "").replace("$", "").replace("\\", "")
    return "/" + url


def _all_urls() -> list[tuple[str, str]]:
    return sorted({(_sample_url(p), name) for p, name in _patterns(get_resolver())})


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "name"), _all_urls())
def test_anonymous_visitors_are_sent_to_sign_in(url: str, name: str) -> None:
    if name in ANONYMOUS_ALLOWED:
        pytest.skip(f"{name} is on the anonymous allow-list")
    client = Client()
    if name.startswith("api:") and name not in API_SIGNED_IN_PAGES:
        _anonymous_api_call_is_refused(client, url, name)
        return
    for method in (client.get, client.post):
        response = method(url, follow=True)
        final = response.request["PATH_INFO"]
        assert final == "/accounts/login/", (
            f"{method.__name__.upper()} {url} ({name}) answered {response.status_code} at {final} "
            "without asking an anonymous visitor to sign in"
        )


def _anonymous_api_call_is_refused(client: Client, url: str, name: str) -> None:
    for method in (client.get, client.post):
        answer = method(url)
        call = f"{method.__name__.upper()} {url} ({name})"
        if name == "api:openapi-json":
            assert answer.status_code == 200, call
            assert set(answer.json()) >= {"openapi", "paths"}, call
            continue
        if name == "api:token" and method.__name__ == "post":
            assert answer.status_code == 400, call  # RFC 6749 5.2: invalid_request, as JSON
            assert answer.json()["error"] == "invalid_request", call
            continue
        assert answer["Content-Type"] == "application/problem+json", call
        assert answer.status_code in (401, 404, 405), call
        if answer.status_code == 401:
            assert answer["WWW-Authenticate"].startswith("Bearer"), call


def test_the_walk_covers_the_sections() -> None:
    names = {name for _, name in _all_urls()}
    assert {
        "core:home",
        "accounts:users",
        "audit:list",
        "messaging:index",
        "exchange:index",
        "reports:index",
        "api:submissions",
        "api:reference",
    } <= names
