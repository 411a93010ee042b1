"""Settings of background work (retries, the reaper), from environment variables with safe
defaults; every variable is in the README ("Configuration") and docs/operations.md."""

from __future__ import annotations

import os

from .retry import RetryPolicy


def _number(name: str, default: float) -> float:
    return float(os.environ.get(name, str(default)))


def email_retry() -> RetryPolicy:
    """E-mail: 12 attempts, 30 s doubling to at most 1 h: about 6 h of an SMTP outage."""
    return RetryPolicy(
        max_attempts=int(_number("PORTAL_EMAIL_MAX_ATTEMPTS", 12)),
        base_delay=_number("PORTAL_EMAIL_RETRY_BASE_SECONDS", 30),
        max_delay=_number("PORTAL_EMAIL_RETRY_MAX_SECONDS", 3600),
    )


def task_retry() -> RetryPolicy:
    """Other work (validation, applying, daily jobs): 5 attempts, 10 s doubling to 5 min."""
    return RetryPolicy(
        max_attempts=int(_number("PORTAL_TASK_MAX_ATTEMPTS", 5)),
        base_delay=_number("PORTAL_TASK_RETRY_BASE_SECONDS", 10),
        max_delay=_number("PORTAL_TASK_RETRY_MAX_SECONDS", 300),
    )


def stuck_after_seconds() -> float:
    """A submission validating or applying for longer is taken as lost when the database
    cannot tell whether its worker still holds it (SQLite). On PostgreSQL the reaper asks
    the database instead (a row lock held by a live worker) and waits only `lock_grace`."""
    return _number("PORTAL_STUCK_AFTER_SECONDS", 1800)


def lock_grace_seconds() -> float:
    return _number("PORTAL_STUCK_LOCK_GRACE_SECONDS", 60)


def task_lost_after_seconds() -> float:
    """A task result still RUNNING after this long lost its worker (SIGKILL, machine lost)."""
    return _number("PORTAL_TASK_LOST_AFTER_SECONDS", 3600)


def email_lost_after_seconds() -> float:
    """A queued e-mail whose attempt is this overdue lost its task: it is queued again."""
    return _number("PORTAL_EMAIL_LOST_AFTER_SECONDS", 600)


def reaper_interval_seconds() -> float:
    return _number("PORTAL_REAPER_INTERVAL_SECONDS", 60)
