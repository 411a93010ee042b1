"""Issue 15, item 13: the audit trail page shows actions and targets in words, and does not
tell staff to run a developer command."""

from __future__ import annotations

import pytest
from django.test import Client

from pensionportal.audit.labels import action_label, target_label
from pensionportal.audit.record import record
from tests.factories import make_org, make_staff

pytestmark = pytest.mark.django_db


def test_actions_and_targets_are_read_out() -> None:
    assert action_label("missed.detection_run") == "Missed contributions: detection run"
    assert action_label("login") == "Login"
    assert target_label("organization:7", {7: "Demo Employer Ltd."}) == "Demo Employer Ltd."
    assert target_label("SUB-000001", {}) == "SUB-000001"


def test_the_audit_page_shows_words_not_codes() -> None:
    org = make_org("Words Employer Ltd.")
    record("missed.detection_run", organization=org, target=f"organization:{org.pk}")
    client = Client()
    client.force_login(make_staff())
    body = client.get("/staff/audit/").content.decode()
    assert "Missed contributions: detection run" in body
    assert f"organization:{org.pk}" not in body
    assert "make audit-verify" not in body
