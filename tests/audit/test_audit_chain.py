from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client, TestCase

from pensionportal.accounts.models import StaffRole
from pensionportal.audit.models import AppendOnlyError, AuditChainHead, AuditEvent
from pensionportal.audit.record import record
from pensionportal.audit.verification import verify
from tests.audit import tamper
from tests.factories import make_org, make_staff, make_user

pytestmark = pytest.mark.django_db


def _three_rows() -> list[AuditEvent]:
    """Three rows, each written in a transaction that commits (so each is sealed)."""
    rows = []
    for n in range(3):
        with TestCase.captureOnCommitCallbacks(execute=True):
            rows.append(record(f"test.event{n}", actor_email=f"a{n}@example.com", details={"n": n}))
    return rows


def test_an_intact_trail_verifies() -> None:
    _three_rows()
    result = verify()
    assert result.ok
    assert result.rows == 3


def test_the_application_cannot_change_or_delete_a_row() -> None:
    event = _three_rows()[0]
    event.action = "tampered"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()


def test_it_catches_an_edited_row() -> None:
    middle = _three_rows()[1]
    tamper.edit(middle.pk, actor_email="someone.else@example.com")
    result = verify()
    assert not result.ok
    assert any(f"row {middle.pk}" in p and "content" in p for p in result.problems)


def test_it_catches_an_edited_row_even_when_its_hash_is_recomputed() -> None:
    from pensionportal.audit.chain import legacy_hash

    first = _three_rows()[0]
    first.details = {"n": 99}
    tamper.edit(first.pk, details={"n": 99}, hash=legacy_hash(first))
    assert not verify().ok


def test_it_catches_a_removed_row() -> None:
    middle = _three_rows()[1]
    tamper.delete(middle.pk)  # as an attacker with SQL would
    result = verify()
    assert not result.ok
    assert any("missing" in p for p in result.problems)


def test_it_catches_a_truncated_tail() -> None:
    last = _three_rows()[-1]
    tamper.delete(last.pk)
    assert not verify().ok


def test_the_verify_command_fails_loudly_on_tampering(capsys: pytest.CaptureFixture[str]) -> None:
    rows = _three_rows()
    call_command("audit_verify")
    assert "3 rows verified" in capsys.readouterr().out
    tamper.edit(rows[0].pk, target="edited")
    with pytest.raises(CommandError):
        call_command("audit_verify")


def test_the_chain_head_counts_rows() -> None:
    _three_rows()
    assert AuditChainHead.objects.get().count == 3


def test_staff_can_view_and_filter_the_trail() -> None:
    org = make_org("Filterable Org")
    staff = make_staff([StaffRole.AUDIT_READER])
    record(
        "organization.created",
        actor_email="x@example.com",
        organization=org,
        target="Filterable Org",
    )
    record("auth.sign_in_failed", actor_email="y@example.com")
    client = Client()
    client.force_login(staff)
    page = client.get("/staff/audit/", {"action": "organization.created"}).content.decode()
    assert "Filterable Org" in page
    assert "y@example.com" not in page
    page = client.get("/staff/audit/", {"actor": "y@"}).content.decode()
    assert "y@example.com" in page
    assert "x@example.com" not in page
    page = client.get("/staff/audit/", {"organization": org.pk}).content.decode()
    assert "x@example.com" in page
    bad = client.get("/staff/audit/", {"from": "21/11/2026"})
    assert bad.status_code == 200
    assert "is not a date" in bad.content.decode()


def test_employer_users_cannot_view_the_trail() -> None:
    from pensionportal.accounts.models import Role

    user = make_user(make_org(), [Role.ADMINISTRATOR])
    client = Client()
    client.force_login(user)
    assert client.get("/staff/audit/").status_code == 403
