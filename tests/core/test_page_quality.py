"""The page-quality test (issue 15): signed in as each demo user, every page of the
navigation and each first-level detail page linked from it is free of the defects a new
user found — money with more than two decimals, a literal `None`, an empty option label, a
debug page, a server error — so that this class of defect cannot come back.
"""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import Resolver404, resolve

from pensionportal.accounts.models import User
from pensionportal.core.demo import DEMO_DOMAIN
from pensionportal.core.reference_data import ensure
from pensionportal.demo import load_demo_data

MONEY_TOO_PRECISE = re.compile(r"\$\s?-?[\d,\u00a0 ]*\d\.\d{3,}|-?\$[\d,]*\d\.\d{3,}")
NOISE_DECIMALS = re.compile(r"\b\d+\.\d{5,}\b")  # 0.025000, 669.810000000000
LITERAL_NONE = re.compile(r"\bNone\b")
EMPTY_OPTION = re.compile(r"<option\b[^>]*>\s*</option>")
DEBUG_PAGE = ("Traceback", "technical_500", "Django tried these URL patterns", "DEBUG = True")
# Links that change state, download a file or leave the section are not pages to check.
NOT_PAGES = ("/accounts/logout/", "/static/", "/download", "/pdf", ".csv", ".xlsx", ".pdf")
PER_VIEW = 2  # first-level detail pages checked per view (the demo's first rows)


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.in_nav = 0
        self.in_main = 0
        self.nav: list[str] = []
        self.main: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "nav" and found.get("aria-label") == "Main":
            self.in_nav += 1
        elif tag == "main":
            self.in_main += 1
        elif tag == "a" and (href := found.get("href")) and href.startswith("/"):
            (self.nav if self.in_nav else self.main if self.in_main else []).append(href)

    def handle_endtag(self, tag: str) -> None:
        if tag == "nav" and self.in_nav:
            self.in_nav -= 1
        elif tag == "main" and self.in_main:
            self.in_main -= 1


def _links(html: str) -> _Links:
    parser = _Links()
    parser.feed(html)
    return parser


def _text(html: str) -> str:
    body = re.search(r"<main\b.*?</main>", html, re.S)
    visible = re.sub(r"<(script|style)\b.*?</\1>", " ", body.group(0) if body else html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", visible))


def problems_on(html: str) -> list[str]:
    text = _text(html)
    found = [f"money with more than two decimals: {m!r}" for m in MONEY_TOO_PRECISE.findall(text)]
    found += [f"unrounded figure: {m!r}" for m in NOISE_DECIMALS.findall(text)]
    if LITERAL_NONE.search(text):
        start = LITERAL_NONE.search(text).start()  # type: ignore[union-attr]
        found.append(f"literal None: …{text[max(0, start - 60) : start + 20]}…")
    found += [f"empty option label: {m}" for m in EMPTY_OPTION.findall(html)]
    found += [f"debug page ({marker})" for marker in DEBUG_PAGE if marker in html]
    return found


def test_the_checker_catches_each_defect_class() -> None:
    # The test is not vacuous: each defect the issue lists is caught.
    bad = (
        "<main><p>$669.810000000000</p><p>to , paid ; remittance $None</p><p>0.025000</p>"
        '<select><option value="bi-weekly"></option></select></main>'
    )
    kinds = {problem.split(":")[0] for problem in problems_on(bad)}
    assert kinds == {
        "money with more than two decimals",
        "unrounded figure",
        "literal None",
        "empty option label",
    }
    assert problems_on("<main>Traceback (most recent call last)</main>") == [
        "debug page (Traceback)"
    ]
    assert problems_on("<main><p>$1,890.00 -$100.00 2026-11-06 2.500%</p></main>") == []


def _view_name(url: str) -> str:
    try:
        return resolve(urlsplit(url).path).view_name
    except Resolver404:
        return url


@pytest.mark.django_db
def test_every_page_of_every_demo_user_is_right_to_the_cent_and_readable() -> None:
    ensure()
    load_demo_data()
    failures: list[str] = []
    visited = 0
    for user in User.objects.filter(email__endswith=DEMO_DOMAIN).order_by("email"):
        client = Client(raise_request_exception=False)
        client.force_login(user)
        home = client.get("/")
        assert home.status_code == 200, user.email
        nav = _links(home.content.decode()).nav
        assert nav, f"{user.email} has no navigation"
        pages: list[str] = []
        for url in nav:
            response = client.get(url, follow=True)  # Remittances goes to the one employer
            visited += 1
            html = response.content.decode(errors="replace")
            if response.status_code != 200:
                failures.append(f"{user.email} {url}: {response.status_code}")
                continue
            failures += [f"{user.email} {url}: {p}" for p in problems_on(html)]
            seen: Counter[str] = Counter()
            for link in _links(html).main:
                if link in nav or link in pages or any(part in link for part in NOT_PAGES):
                    continue
                view = _view_name(link)
                if seen[view] < PER_VIEW:
                    seen[view] += 1
                    pages.append(link)
        for url in pages:
            response = client.get(url)
            visited += 1
            if response.status_code >= 500 or response.status_code == 404:
                failures.append(f"{user.email} {url}: {response.status_code}")
                continue
            if response.status_code == 200 and "html" in response.get("Content-Type", ""):
                html = response.content.decode(errors="replace")
                failures += [f"{user.email} {url}: {p}" for p in problems_on(html)]
    assert visited > 100
    assert not failures, "\n".join(failures)
