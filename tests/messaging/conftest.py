from __future__ import annotations

from dataclasses import dataclass

import pytest
from cryptography.fernet import MultiFernet

from pensionportal.accounts.models import Organization, Role, User
from pensionportal.messaging.models import Thread
from tests.factories import make_org, make_staff, make_user

from .helpers import PDF_BYTES, attachment, ensure_standard_mailboxes, start


@dataclass
class World:
    org_a: Organization
    org_b: Organization
    alice: User  # communications at A
    bob: User  # file upload at B
    staff: User
    thread_a: Thread
    thread_b: Thread


@pytest.fixture
def world(db: None) -> World:
    ensure_standard_mailboxes()
    org_a, org_b = make_org("Org A"), make_org("Org B")
    alice = make_user(org_a, [Role.COMMUNICATIONS])
    bob = make_user(org_b, [Role.FILE_UPLOAD])
    staff = make_staff()
    thread_a = start(alice, org_a, files=[attachment("a.pdf", PDF_BYTES)])
    thread_b = start(bob, org_b, subject="B matter", files=[attachment("b.pdf", PDF_BYTES)])
    return World(org_a, org_b, alice, bob, staff, thread_a, thread_b)


@pytest.fixture
def decryptions(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts every Fernet decryption (subjects, bodies, anything) while the test runs."""
    calls = [0]
    real = MultiFernet.decrypt

    def counting(self: MultiFernet, token: bytes | str, ttl: int | None = None) -> bytes:
        calls[0] += 1
        return real(self, token, ttl)

    monkeypatch.setattr(MultiFernet, "decrypt", counting)
    return calls
