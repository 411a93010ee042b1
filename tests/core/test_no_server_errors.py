"""With the demo data loaded, no page answers 500 to any demo user (a crawl of every URL
pattern, ids "1" and "sample" where the pattern takes one: the demo's first rows), with
the query strings the views read set to what a careless or hostile user sends, and the
online PAY form's `from_last` variant; and no page shows a member's full SIN (issue 17,
finding 7)."""

from __future__ import annotations

import pytest
from django.test import Client

from pensionportal.accounts.models import User
from pensionportal.core import crypto
from pensionportal.core.demo import DEMO_DOMAIN
from pensionportal.core.reference_data import ensure
from pensionportal.demo import load_demo_data
from pensionportal.members.models import Member
from tests.core.test_url_walk import _all_urls

SKIP = ("/accounts/logout/", "/accounts/password/reset/key/", "/invitation/")
# Every parameter a view reads from the query string (grep request.GET), badly.
QUERIES = [
    "",
    "?page=0&q=%27%22%3Cscript%3E&organization=abc&mailbox=%00&ids=1,abc,-3&rows=x"
    "&actor=x&action=%25&status=nope&year=abcd&kind=x&overdue=maybe&from_last=1",
    "?page=99999&organization=999999&rows=-1&year=99999&from_last=1&ids=999999",
]


@pytest.mark.django_db
def test_no_page_answers_500_to_any_demo_user() -> None:
    ensure()
    load_demo_data()
    urls = sorted({url for url, _ in _all_urls()} | {"/submissions/online/PAY/"})
    sins = {crypto.decrypt_text(m.sin_encrypted) for m in Member.objects.all()}
    assert sins
    failures = []
    users = list(User.objects.filter(email__endswith=DEMO_DOMAIN).order_by("pk"))
    # The hostile query strings for one staff member and one employer user (the views read
    # the same parameters for everyone); every demo user gets the plain crawl.
    hostile = {next(u for u in users if u.is_staff), next(u for u in users if not u.is_staff)}
    for user in users:
        client = Client(raise_request_exception=False)
        client.force_login(user)
        for url in urls:
            if url.startswith(SKIP) or "/admin/" in url:
                continue
            for query in QUERIES if user in hostile else QUERIES[:1]:
                response = client.get(url + query)
                if response.status_code >= 500:
                    failures.append(f"{user.email} GET {url}{query}: {response.status_code}")
                if getattr(response, "streaming", False):
                    continue
                if not response.get("Content-Type", "").startswith("text/html"):
                    continue
                body = response.content.decode(errors="replace")
                if any(s in body or f"{s[:3]} {s[3:6]} {s[6:]}" in body for s in sins):
                    failures.append(f"{user.email} GET {url}{query}: shows a full SIN")
    assert not failures, "\n".join(failures)
