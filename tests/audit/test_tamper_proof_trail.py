"""An audit trail a database administrator cannot rewrite unseen (issue 17, finding 2 and
"Must do" 2): keyed MACs with versioned keys, signed checkpoints, append-only in the
database, and `audit_verify` naming the first bad row and the last good checkpoint.

The probe: anyone with write access to the database could edit a row, recompute every
later (unkeyed SHA-256) hash, and `audit_verify` said "intact"; `.update()` and SQL got
past the append-only rule, which only `save()` enforced.
"""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.test import TestCase

from pensionportal.audit import checkpoints
from pensionportal.audit.models import AppendOnlyError, AuditChainHead, AuditEvent
from pensionportal.audit.record import record
from pensionportal.audit.verification import verify
from tests.audit import tamper

pytestmark = pytest.mark.django_db

KEY_2026 = "2026a:" + "a" * 40
KEY_2027 = "2027a:" + "b" * 40


def _rows(n: int, start: int = 0) -> list[AuditEvent]:
    rows = []
    for i in range(start, start + n):
        with TestCase.captureOnCommitCallbacks(execute=True):
            rows.append(record(f"test.event{i}", actor_email=f"a{i}@example.com", details={"n": i}))
    for row in rows:
        row.refresh_from_db()
    return rows


def _sha256_chain(event: AuditEvent, prev: str) -> str:
    """The unkeyed link an attacker can recompute without any secret (the old chain)."""
    payload = {
        "at": event.at.isoformat(),
        "actor_id": event.actor_id,
        "actor_email": event.actor_email,
        "ip": event.ip_address,
        "action": event.action,
        "organization_id": event.organization_id,
        "target": event.target,
        "details": event.details,
        "prev": prev,
    }
    encoded = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(encoded.encode()).hexdigest()


def test_an_edit_with_every_later_hash_recomputed_is_caught() -> None:
    """Finding 2: without the key, recomputing the chain no longer makes it verify."""
    rows = _rows(4)
    rows[1].actor_email = "innocent@example.com"
    prev = rows[0].hash or ""
    for row in rows[1:]:
        new_hash = _sha256_chain(row, prev)
        tamper.edit(row.pk, actor_email=row.actor_email, prev_hash=prev, hash=new_hash)
        prev = new_hash
    with transaction.atomic():
        AuditChainHead.objects.filter(id=1).update(last_hash=prev)
    result = verify()
    assert not result.ok
    assert result.first_bad is not None
    assert result.first_bad.id == rows[1].pk


def test_the_application_cannot_update_or_delete_rows_through_a_queryset() -> None:
    """Finding 2: `.update()` and `.delete()` went past the append-only `save()`."""
    row = _rows(1)[0]
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=row.pk).update(target="edited")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=row.pk).delete()
    row.refresh_from_db()
    assert row.target == ""


def test_each_row_carries_its_key_id_and_a_mac_of_its_content() -> None:
    row = _rows(1)[0]
    assert row.key_id
    assert len(row.content_mac) == 64
    assert row.hash is not None
    assert row.hash != row.content_mac


def test_rows_under_an_older_key_still_verify_after_rotation(settings: Any) -> None:
    settings.AUDIT_KEYS = [KEY_2026]
    old = _rows(2)
    settings.AUDIT_KEYS = [KEY_2027, KEY_2026]
    new = _rows(2, start=2)
    assert {row.key_id for row in old} == {"2026a"}
    assert {row.key_id for row in new} == {"2027a"}
    result = verify()
    assert result.ok, result.problems
    assert result.keys_used == {"2026a", "2027a"}
    # Drop the old key too early and its rows can no longer be vouched for.
    settings.AUDIT_KEYS = [KEY_2027]
    result = verify()
    assert not result.ok
    assert result.first_bad is not None
    assert result.first_bad.id == old[0].pk
    assert "2026a" in result.first_bad.reason


def test_a_row_inserted_with_sql_is_never_linked_into_the_chain() -> None:
    _rows(2)
    forged = tamper.insert(
        at="2026-12-01 10:00:00",
        actor_email="ghost@example.com",
        action="auth.signed_in",
        target="",
        details={},
        key_id="dev",
        content_mac="0" * 64,
        prev_hash="",
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        record("test.after", actor_email="a@example.com")
    assert AuditEvent.objects.get(pk=forged).seq is None
    result = verify()
    assert not result.ok
    assert result.first_bad is not None
    assert result.first_bad.id == forged
    assert "not written by the portal" in result.first_bad.reason


def test_a_checkpoint_goes_to_the_checkpoint_storage_and_the_log(
    caplog: pytest.LogCaptureFixture,
) -> None:
    _rows(3)
    with caplog.at_level(logging.INFO, logger="pensionportal.audit.checkpoint"):
        written = checkpoints.write()
    assert written.seq == 3
    assert written.count == 3
    stored = checkpoints.storage().open(written.name).read().decode()
    assert checkpoints.Checkpoint.from_json(stored) == written
    assert written.signature_ok()
    logged = [r.getMessage() for r in caplog.records if r.name == "pensionportal.audit.checkpoint"]
    assert any(written.signature in line for line in logged)


def test_truncation_after_a_checkpoint_is_caught_and_the_last_good_one_named() -> None:
    _rows(3)
    first = checkpoints.write()
    rows = _rows(3, start=3)
    second = checkpoints.write()
    # The attacker removes the last two rows and puts the head back as it would be.
    tamper.delete(rows[-1].pk, rows[-2].pk)
    with transaction.atomic():
        AuditChainHead.objects.filter(id=1).update(count=4, last_seq=4, last_hash=rows[0].hash)
    result = verify()
    assert not result.ok
    assert any(f"recorded {second.seq}" in p for p in result.problems)
    assert result.last_good_checkpoint == first


def test_a_full_rewrite_with_the_key_is_caught_against_the_checkpoint() -> None:
    """Even someone holding the audit key (who can compute valid MACs) cannot rewrite rows
    that a checkpoint already vouched for."""
    from pensionportal.audit import chain, keys

    rows = _rows(4)
    written = checkpoints.write()
    key = keys.current()
    prev = chain.GENESIS_HASH
    for seq, row in enumerate(rows, start=1):
        row.actor_email = f"rewritten{seq}@example.com"
        mac = chain.content_mac(row, key)
        link = chain.link_mac(key, prev, seq, mac)
        tamper.edit(row.pk, actor_email=row.actor_email, content_mac=mac, prev_hash=prev, hash=link)
        prev = link
    with transaction.atomic():
        AuditChainHead.objects.filter(id=1).update(last_hash=prev)
    result = verify()
    assert not result.ok
    assert any("rewritten" in p and f"seq {written.seq}" in p for p in result.problems)
    assert result.last_good_checkpoint is None


def test_a_forged_checkpoint_is_refused() -> None:
    _rows(2)
    honest = checkpoints.write()
    forged = checkpoints.Checkpoint(
        seq=honest.seq,
        hash="f" * 64,
        count=honest.count,
        at=honest.at,
        key_id="dev",
        signature="0" * 64,
    )
    from django.core.files.base import ContentFile

    # Same seq, a later time: it is the one the verification reads first.
    name = f"checkpoints/{honest.seq:012d}-20991231T000000Z.json"
    checkpoints.storage().save(name, ContentFile(forged.to_json()))
    result = verify()
    assert not result.ok
    assert any("not signed by a configured audit key" in p for p in result.problems)


def test_audit_verify_names_the_first_bad_row_and_the_last_good_checkpoint(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _rows(2)
    first = checkpoints.write()
    rows = _rows(2, start=2)
    tamper.edit(rows[0].pk, target="edited")
    with pytest.raises(CommandError):
        call_command("audit_verify")
    err = capsys.readouterr().err
    assert f"First bad row: row {rows[0].pk} (seq 3" in err
    assert f"Last good checkpoint: seq {first.seq}" in err


def test_an_intact_trail_says_which_checkpoint_it_matches(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _rows(2)
    call_command("audit_checkpoint")
    call_command("audit_verify")
    out = capsys.readouterr().out
    assert "Audit trail intact: 2 rows verified" in out
    assert "it matches the last checkpoint, seq 2" in out


def test_a_checkpoint_removed_from_the_storage_is_reported() -> None:
    _rows(1)
    written = checkpoints.write()
    checkpoints.storage().delete(written.name)
    result = verify()
    assert any("missing from the checkpoint storage" in p for p in result.problems)


def test_the_reaper_writes_a_checkpoint_when_one_is_due(settings: Any) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from pensionportal.operations.reaper import reap

    settings.AUDIT_CHECKPOINT_MINUTES = 60
    _rows(1)
    assert reap()["audit_checkpoints"] == 1
    assert reap()["audit_checkpoints"] == 0  # nothing new
    _rows(1, start=1)
    assert reap()["audit_checkpoints"] == 0  # not due yet
    assert checkpoints.write_if_due(timezone.now() + timedelta(minutes=61)) == 1


def _postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the append-only trigger is PostgreSQL's (the CI's second run)")


def _refused(match: str, sql: str, params: list[Any] | None = None) -> None:
    """The statement, run as the application would, fails with the trigger's message."""
    with (
        pytest.raises(DatabaseError, match=match),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, params)


def test_postgresql_refuses_an_update_of_an_audit_row() -> None:
    _postgresql()
    row = _rows(1)[0]
    changed = "audit rows cannot be changed"
    _refused(changed, "UPDATE audit_auditevent SET target = 'x' WHERE id = %s", [row.pk])
    # Not even the link fields of a row already sealed.
    _refused(changed, "UPDATE audit_auditevent SET hash = %s WHERE id = %s", ["0" * 64, row.pk])


def test_postgresql_refuses_a_delete_of_an_audit_row() -> None:
    _postgresql()
    row = _rows(1)[0]
    _refused("audit rows cannot be deleted", "DELETE FROM audit_auditevent WHERE id = %s", [row.pk])
    assert AuditEvent.objects.filter(pk=row.pk).exists()


def test_postgresql_allows_sealing_once_and_nothing_more() -> None:
    _postgresql()
    with TestCase.captureOnCommitCallbacks(execute=False) as callbacks:
        row = record("test.unsealed", actor_email="a@example.com")
    # "Sealing" that also changes the content is refused.
    _refused(
        "audit rows cannot be changed",
        "UPDATE audit_auditevent SET seq = 1, hash = %s, target = 'x' WHERE id = %s",
        ["1" * 64, row.pk],
    )
    for callback in callbacks:
        callback()
    row.refresh_from_db()
    assert row.seq == 1
    assert verify().ok


def test_postgresql_refuses_changes_to_checkpoints() -> None:
    _postgresql()
    _rows(1)
    checkpoints.write()
    _refused("audit checkpoints cannot be changed", "DELETE FROM audit_auditcheckpoint")
