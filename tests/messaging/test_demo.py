from __future__ import annotations

import pytest

from pensionportal.demo import load_demo_data
from pensionportal.messaging.models import Thread

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
