"""Per-account sign-in throttling that an attacker cannot turn against the owner (issue 17,
finding 3; docs/security.md, "Throttling").

Failed passwords are counted per account in *allowances*, each with its own count:

- the device allowance: a browser that has signed in to the account before (a signed,
  HttpOnly cookie names the device; the account remembers its devices);
- the address allowance: an address the account has signed in from before;
- everyone else's: the one an attacker (from anywhere) shares.

In an allowance the first `PORTAL_LOGIN_FREE_ATTEMPTS` (5) failures cost nothing; after
that each failure makes the next attempt wait, doubling from `PORTAL_LOGIN_BACKOFF_SECONDS`
(30 s) up to `PORTAL_LOGIN_BACKOFF_MAX_SECONDS` (15 min): exponential back-off, never a
lock. An attempt while waiting is refused before the password is tried (so it tests
nothing) and does not add to the wait; it is audited (`auth.sign_in_throttled`). So
someone hammering an account slows down only the strangers' allowance, and the owner, on
a device or at an address that signed in before, goes straight in.

The per-address limit (allauth's `login_failed` rate per ip) stays, applied to the real
client address behind the trusted proxies (core/addresses.py). State lives in the cache
(the database cache: shared by every web process and machine).
"""

from __future__ import annotations

import hashlib
import math
import secrets
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest, HttpResponseBase
from django.utils import timezone

from pensionportal.core.addresses import client_address

now: Callable[[], datetime] = timezone.now

DEVICE_COOKIE = "portal_device"
_DEVICE_SALT = "pensionportal.accounts.throttle.device"
_DEVICE_COOKIE_DAYS = 400
_KNOWN_DAYS = 180
_KNOWN_KEEP = 20  # the most recent devices and addresses per account
_STATE_SECONDS = 24 * 3600  # failures are forgotten a day after the last one
STRANGERS = "strangers"


@dataclass
class State:
    failures: int = 0
    until: float = 0.0  # POSIX time before which the next attempt waits

    def as_dict(self) -> dict[str, float]:
        return {"failures": self.failures, "until": self.until}


def _account(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


def _state_key(email: str, allowance: str) -> str:
    return f"portal:throttle:{_account(email)}:{hashlib.sha256(allowance.encode()).hexdigest()}"


def _known_key(email: str) -> str:
    return f"portal:throttle-known:{_account(email)}"


def _read(key: str) -> State:
    raw = cache.get(key)
    if not isinstance(raw, dict):
        return State()
    return State(int(raw.get("failures", 0)), float(raw.get("until", 0.0)))


def backoff_after(failures: int) -> float:
    """Seconds the next attempt waits after `failures` failed ones in an allowance."""
    free = settings.LOGIN_FREE_ATTEMPTS
    if failures < free:
        return 0.0
    base = float(settings.LOGIN_BACKOFF_SECONDS)
    ceiling = float(settings.LOGIN_BACKOFF_MAX_SECONDS)
    # Capped exponent: 2**n grows past any ceiling long before n reaches 40.
    return min(base * float(2 ** min(failures - free, 40)), ceiling)


@contextmanager
def _locked(key: str) -> Any:
    """A short lock around read-modify-write of one allowance (cache.add is atomic in
    the database cache), so parallel attempts cannot all slip through the free ones."""
    lock = f"{key}:lock"
    for _ in range(50):
        if cache.add(lock, 1, timeout=5):
            break
        # Another attempt on this allowance is being counted: it takes milliseconds.
        time.sleep(0.02)
    try:
        yield
    finally:
        cache.delete(lock)


def _device_id(request: HttpRequest) -> str | None:
    raw = request.COOKIES.get(DEVICE_COOKIE)
    if not raw:
        return None
    try:
        value = signing.loads(raw, salt=_DEVICE_SALT, max_age=timedelta(days=_DEVICE_COOKIE_DAYS))
    except signing.BadSignature:
        return None
    return str(value) if isinstance(value, str) else None


def _known(email: str) -> dict[str, list[str]]:
    raw = cache.get(_known_key(email))
    if not isinstance(raw, dict):
        return {"devices": [], "addresses": []}
    return {
        "devices": [str(v) for v in raw.get("devices", [])],
        "addresses": [str(v) for v in raw.get("addresses", [])],
    }


def allowance_for(request: HttpRequest, email: str) -> str:
    """Which allowance this attempt draws on: the device's, the address's or strangers'."""
    known = _known(email)
    device = _device_id(request)
    if device is not None and device in known["devices"]:
        return f"device:{device}"
    address = client_address(request)
    if address is not None and address in known["addresses"]:
        return f"address:{address}"
    return STRANGERS


def wait_for(email: str, allowance: str = STRANGERS) -> float:
    """Seconds before the next attempt in this allowance is tried (0: at once)."""
    state = _read(_state_key(email, allowance))
    return max(0.0, state.until - float(now().timestamp()))


@dataclass(frozen=True)
class Attempt:
    """An attempt counted in advance as failed (so parallel ones wait their turn);
    `succeeded` takes it back."""

    email: str
    allowance: str
    before: State


class Throttled(Exception):
    def __init__(self, seconds: float) -> None:
        super().__init__(f"wait {seconds:.0f} s")
        self.seconds = seconds


def begin(request: HttpRequest, email: str) -> Attempt:
    """Count an attempt before its password is tried; raises Throttled while it must wait."""
    allowance = allowance_for(request, email)
    key = _state_key(email, allowance)
    with _locked(key):
        state = _read(key)
        moment = now().timestamp()
        if state.until > moment:
            raise Throttled(state.until - moment)
        after = State(state.failures + 1, moment + backoff_after(state.failures + 1))
        cache.set(key, after.as_dict(), _STATE_SECONDS)
    return Attempt(email, allowance, state)


def succeeded(attempt: Attempt) -> None:
    """The password was right: on the owner's own device its failures are forgotten;
    elsewhere only this attempt is taken back (a stranger cannot reset the count by
    someone else's success)."""
    key = _state_key(attempt.email, attempt.allowance)
    with _locked(key):
        if attempt.allowance.startswith("device:") or attempt.before.failures == 0:
            cache.delete(key)
        else:
            cache.set(key, attempt.before.as_dict(), _STATE_SECONDS)


def forget_failures(email: str) -> None:
    """After a password reset (which proves the mailbox): every allowance starts afresh."""
    known = _known(email)
    allowances = [STRANGERS]
    allowances += [f"device:{device}" for device in known["devices"]]
    allowances += [f"address:{address}" for address in known["addresses"]]
    cache.delete_many([_state_key(email, allowance) for allowance in allowances])


def remember(request: HttpRequest, response: HttpResponseBase, email: str) -> None:
    """After a complete sign-in (password and second factor): the device and the address
    get allowances of their own from now on."""
    known = _known(email)
    device = _device_id(request) or secrets.token_urlsafe(18)
    address = client_address(request)

    def most_recent(values: list[str], value: str | None) -> list[str]:
        if value is None:
            return values
        return ([v for v in values if v != value] + [value])[-_KNOWN_KEEP:]

    known["devices"] = most_recent(known["devices"], device)
    known["addresses"] = most_recent(known["addresses"], address)
    cache.set(_known_key(email), known, _KNOWN_DAYS * 24 * 3600)
    response.set_cookie(
        DEVICE_COOKIE,
        signing.dumps(device, salt=_DEVICE_SALT),
        max_age=_DEVICE_COOKIE_DAYS * 24 * 3600,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def in_words(seconds: float) -> str:
    """30 -> "30 seconds", 476 -> "8 minutes" (rounded up: never sooner than said)."""
    whole = max(1, math.ceil(seconds))
    if whole < 60:
        return f"{whole} second{'' if whole == 1 else 's'}"
    minutes = math.ceil(whole / 60)
    return f"{minutes} minute{'' if minutes == 1 else 's'}"
