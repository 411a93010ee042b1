"""With the demo data loaded, no page answers 500 to any demo user (a crawl of every URL
pattern, ids "1" and "sample" where the pattern takes one: the demo's first rows)."""

from __future__ import annotations

import pytest
from django.test import Client

from pensionportal.accounts.models import User
from pensionportal.core.demo import DEMO_DOMAIN
from pensionportal.core.reference_data import ensure
from pensionportal.demo import load_demo_data
from tests.core.test_url_walk import _all_urls

SKIP = ("/accounts/logout/", "/accounts/password/reset/key/", "/invitation/")


@pytest.mark.django_db
def test_no_page_answers_500_to_any_demo_user() -> None:
    ensure()
    load_demo_data()
    urls = sorted({url for url, _ in _all_urls()})
    failures = []
    for user in User.objects.filter(email__endswith=DEMO_DOMAIN):
        client = Client(raise_request_exception=False)
        client.force_login(user)
        for url in urls:
            if url.startswith(SKIP) or "/admin/" in url:
                continue
            response = client.get(url)
            if response.status_code >= 500:
                failures.append(f"{user.email} GET {url}: {response.status_code}")
    assert not failures, "\n".join(failures)
