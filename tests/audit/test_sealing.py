"""The audit trail does not serialize the portal (issue 14, "Must do" 3): a row is written
in the caller's transaction and sealed into the chain after the commit, under a lock held
only for that moment."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, transaction
from django.test import TestCase

from pensionportal.audit.chain import GENESIS_HASH, seal
from pensionportal.audit.models import AuditChainHead, AuditEvent
from pensionportal.audit.record import record
from pensionportal.audit.verification import verify


@pytest.mark.django_db
def test_a_row_is_sealed_when_its_transaction_commits() -> None:
    with TestCase.captureOnCommitCallbacks(execute=False) as callbacks:
        event = record("test.inside", actor_email="a@example.com")
        event.refresh_from_db()
        assert event.seq is None
        assert event.hash is None
        assert not AuditChainHead.objects.exists()  # the chain head was not touched
    for callback in callbacks:
        callback()
    event.refresh_from_db()
    assert event.seq == 1
    assert event.prev_hash == GENESIS_HASH
    assert AuditChainHead.objects.get().last_hash == event.hash


@pytest.mark.django_db
def test_a_rolled_back_action_leaves_no_row() -> None:
    def action_that_fails() -> None:
        with transaction.atomic():
            record("test.rolled_back", actor_email="a@example.com")
            raise RuntimeError

    with pytest.raises(RuntimeError):
        action_that_fails()
    assert not AuditEvent.objects.filter(action="test.rolled_back").exists()


@pytest.mark.django_db
def test_rows_left_unsealed_by_a_dead_process_are_sealed_by_the_next_seal() -> None:
    rows = [record(f"test.orphan{n}", actor_email="a@example.com") for n in range(3)]
    assert seal() == 3
    assert [r.seq for r in AuditEvent.objects.order_by("seq")] == [1, 2, 3]
    assert {r.pk for r in rows} == set(AuditEvent.objects.values_list("pk", flat=True))
    assert verify().ok


@pytest.mark.django_db(transaction=True)
def test_a_long_transaction_does_not_hold_up_other_audited_actions() -> None:
    """Two employers' long applies and a sign-in at once: the sign-in does not wait."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer at a time; this is a PostgreSQL property")
    started = threading.Event()
    release = threading.Event()

    def long_apply(name: str) -> None:
        with transaction.atomic():
            record(f"submission.applied.{name}", actor_email="system:intake")
            started.set()
            release.wait(10)  # the rest of a long apply
        connection.close()

    workers = [threading.Thread(target=long_apply, args=(n,)) for n in ("a", "b")]
    for worker in workers:
        worker.start()
    started.wait(5)
    time.sleep(0.2)
    began = time.monotonic()
    record("auth.signed_in", actor_email="clerk@example.com")
    took = time.monotonic() - began
    release.set()
    for worker in workers:
        worker.join()
    assert took < 1.0, f"the sign-in's audit row waited {took:.1f} s for a long transaction"
    assert verify().ok
    assert AuditEvent.objects.filter(seq__isnull=False).count() == 3
