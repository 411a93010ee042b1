"""Audit trail under contention (issue 14, "Must do" 3), on PostgreSQL.

Two employers' PAY applies (each a transaction that writes its audit row, then works for
APPLY_SECONDS) run beside SIGNERS threads that sign in over and over (each sign-in writes
one audit row in its own transaction). Measured twice in the same run:

- peer: the chain as it was (the chain head locked from the moment a row is appended to the
  end of the caller's transaction): everything queues behind each apply in turn;
- portal: the row written in the caller's transaction, sealed into the chain after the
  commit (audit/chain.py): the lock is held only to seal.

Printed: how long the two applies took together, how many sign-ins completed and their
latency (p50, p95, max), each beside the peer's with the ratio; and `verify()` after each.

    make bench-audit          # starts a throw-away PostgreSQL server and runs this
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pensionportal.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from pensionportal.audit import chain, keys, verification  # noqa: E402
from pensionportal.audit.models import AuditChainHead, AuditEvent  # noqa: E402

APPLY_SECONDS = float(os.environ.get("BENCH_APPLY_SECONDS", "3"))
SIGNERS = int(os.environ.get("BENCH_SIGNERS", "16"))

Append = Callable[..., Any]


def locked_append(**fields: Any) -> AuditEvent:
    """The peer: the chain head locked inside the caller's transaction (as before issue 14),
    with the same keyed MACs as the portal's rows (issue 17), so only the locking differs."""
    key = keys.current()
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(
            id=1, defaults={"last_hash": chain.GENESIS_HASH, "count": 0, "last_seq": 0}
        )
        event = AuditEvent(**fields, key_id=key.id)
        event.content_mac = chain.content_mac(event, key)
        event.save()
        seq = head.last_seq + 1
        link = chain.link_mac(key, head.last_hash, seq, event.content_mac)
        AuditEvent.objects.all()._seal_row(event.pk, seq=seq, prev_hash=head.last_hash, hash=link)
        head.last_seq = seq
        head.count += 1
        head.last_hash = link
        head.save()
    return event


def sealed_append(**fields: Any) -> AuditEvent:
    return chain.append(
        action=fields["action"],
        actor_id=None,
        actor_email=fields["actor_email"],
        ip_address=None,
        organization_id=None,
        target="",
        details={},
    )


def scenario(append: Append) -> dict[str, float]:
    # Audit rows cannot be deleted (the append-only trigger); TRUNCATE of a scratch
    # database's trail is how the bench starts each scenario afresh.
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE audit_auditevent, audit_auditchainhead, audit_auditcheckpoint")
    stop = threading.Event()
    latencies: list[float] = []
    lock = threading.Lock()

    def pay_apply(n: int) -> None:
        with transaction.atomic():
            append(action="submission.applied", actor_email=f"system:apply{n}")
            time.sleep(APPLY_SECONDS)  # the rest of a long apply: COPY, reconciliation
        connection.close()

    def signer(n: int) -> None:
        while not stop.is_set():
            began = time.monotonic()
            append(action="auth.signed_in", actor_email=f"clerk{n}@example.com")
            with lock:
                latencies.append(time.monotonic() - began)
        connection.close()

    signers = [threading.Thread(target=signer, args=(n,)) for n in range(SIGNERS)]
    applies = [threading.Thread(target=pay_apply, args=(n,)) for n in range(2)]
    for thread in signers:
        thread.start()
    time.sleep(0.2)
    began = time.monotonic()
    for thread in applies:
        thread.start()
    for thread in applies:
        thread.join()
    applies_took = time.monotonic() - began
    stop.set()
    for thread in signers:
        thread.join()
    result = verification.verify()
    assert result.ok, result.problems
    ordered = sorted(latencies)
    return {
        "applies_took_s": round(applies_took, 2),
        "sign_ins": len(latencies),
        "sign_ins_per_s": round(len(latencies) / applies_took, 1),
        "p50_ms": round(1000 * statistics.median(ordered), 1),
        "p95_ms": round(1000 * ordered[int(0.95 * (len(ordered) - 1))], 1),
        "max_ms": round(1000 * ordered[-1], 1),
        "rows_verified": result.rows,
    }


def main() -> None:
    if connection.vendor != "postgresql":
        raise SystemExit("run on PostgreSQL: make bench-audit")
    call_command("migrate", verbosity=0)
    peer = scenario(locked_append)
    portal = scenario(sealed_append)
    print(
        f"Two {APPLY_SECONDS:.0f}-second PAY applies beside {SIGNERS} threads signing in "
        "(PostgreSQL, same run):"
    )
    print(f"{'':<26}{'peer: lock to commit':>22}{'portal: sealed':>18}{'ratio':>10}")
    for key, label, better_high in (
        ("applies_took_s", "both applies took (s)", False),
        ("sign_ins", "sign-ins completed", True),
        ("p50_ms", "sign-in p50 (ms)", False),
        ("p95_ms", "sign-in p95 (ms)", False),
        ("max_ms", "sign-in max (ms)", False),
    ):
        a, b = peer[key], portal[key]
        ratio = (b / a if better_high else a / b) if a and b else float("nan")
        print(f"{label:<26}{a:>22}{b:>18}{ratio:>9.1f}x")
    print(json.dumps({"peer_lock_to_commit": peer, "portal_sealed": portal}))


if __name__ == "__main__":
    main()
