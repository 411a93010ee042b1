from __future__ import annotations

import pytest

from pensionportal.accounts.models import User
from pensionportal.core.demo import DEMO_DOMAIN
from pensionportal.demo import load_demo_data
from pensionportal.messaging.models import Thread
from pensionportal.messaging.queries import ThreadSearch, search_threads

from .helpers import ensure_standard_mailboxes


@pytest.mark.django_db
def test_demo_threads_load_once() -> None:
    ensure_standard_mailboxes()
    load_demo_data()
    count = Thread.objects.count()
    # Messaging's three demo threads, plus those other capabilities' demos send (buybacks).
    assert count >= 3
    load_demo_data()
    assert Thread.objects.count() == count


@pytest.mark.django_db
def test_demo_threads_are_in_the_search_index() -> None:
    ensure_standard_mailboxes()
    load_demo_data()
    staff = User.objects.get(email=f"staff@{DEMO_DOMAIN}")
    found = search_threads(staff, ThreadSearch(words="unpaid LEAVE"))
    assert [t.subject for t in found] == ["Question about a leave of absence"]
