"""Retry with backoff for background tasks: the one place that decides when to try again.

django-tasks 0.12 and django-tasks-db 0.13 have no task retry: a task that raises is
FAILED for good (django-tasks-db only retries its own status writes, three times, 0.1 s
apart). They do support deferred tasks (`run_after`), so a retry here is a new enqueue of
the same task with the same arguments, an `attempt` one higher and a `run_after` in the
future; the attempt that failed returns a small record of the retry (its result row is
SUCCESSFUL: it did its job, which was to hand over), and only the attempt that gives up
raises, so a FAILED task result means "dead": it shows on the staff page.

    @task()
    @retrying(EMAIL, on_give_up=mark_failed)
    def deliver_email(email_id: int) -> str: ...

Transient errors (worth trying again): a lost or refused connection, a time-out, a database
that is briefly unavailable or locked, an SMTP 4xx answer. Anything else (a bug, a 5xx
refusal, a bad file) fails at once.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import random
import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import DatabaseError, InterfaceError, OperationalError
from django.utils import timezone
from django.utils.module_loading import import_string

log = logging.getLogger(__name__)

T = TypeVar("T")

# Storage clients that do not raise OSError for a network failure (django-storages' S3
# client raises botocore's); named so that botocore is not a dependency of this module.
_TRANSIENT_CLASS_NAMES = {
    "pensionportal.files.storage.StorageUnavailable",
    "botocore.exceptions.EndpointConnectionError",
    "botocore.exceptions.ConnectTimeoutError",
    "botocore.exceptions.ReadTimeoutError",
    "botocore.exceptions.ConnectionClosedError",
}


def is_transient(error: BaseException) -> bool:
    """True for a failure that may well pass if the same work is tried again later."""
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500  # 4xx: try later; 5xx: refused for good
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        return bool(codes) and all(400 <= code < 500 for code in codes)
    if isinstance(error, (OperationalError, InterfaceError)):
        return True
    if isinstance(error, DatabaseError):
        return False  # integrity and programming errors do not pass by waiting
    if isinstance(error, OSError):
        return True  # refused or reset connections, time-outs, smtplib's disconnections
    return any(
        f"{cls.__module__}.{cls.__qualname__}" in _TRANSIENT_CLASS_NAMES
        for cls in type(error).__mro__
    )


@dataclass(frozen=True)
class RetryPolicy:
    """`max_attempts` counts the first try; the delay after attempt n is
    base * 2^(n-1) seconds, at most `max_delay`, less up to a quarter at random so that
    tasks that failed together do not all come back in the same second."""

    max_attempts: int
    base_delay: float
    max_delay: float

    def delay(self, failed_attempt: int) -> float:
        ceiling = min(self.max_delay, self.base_delay * 2.0 ** (failed_attempt - 1))
        return ceiling * random.uniform(0.75, 1.0)

    def total_wait(self) -> float:
        """The longest time between the first try and the last (for the operations doc)."""
        return sum(
            min(self.max_delay, self.base_delay * 2.0 ** (n - 1))
            for n in range(1, self.max_attempts)
        )


def _task_of(func: Callable[..., Any]) -> Any:
    """The django-tasks Task object the decorated function is registered under."""
    return import_string(f"{func.__module__}.{func.__qualname__}")


def schedule_retry(
    func: Callable[..., Any], args: tuple[Any, ...], attempt: int, delay: float
) -> None:
    task = _task_of(func)
    backend = task.get_backend()
    if backend.supports_defer:
        task = task.using(run_after=timezone.now() + dt.timedelta(seconds=delay))
    task.enqueue(*args, attempt=attempt)


def retrying(
    policy: RetryPolicy | Callable[[], RetryPolicy],
    *,
    on_give_up: Callable[..., None] | None = None,
    on_retry: Callable[..., None] | None = None,
    transient: Callable[[BaseException], bool] = is_transient,
) -> Callable[[Callable[..., T]], Callable[..., T | dict[str, Any]]]:
    """Decorate a task function (under `@task()`): a transient failure before the last
    attempt enqueues the next attempt after the policy's delay; the last failure, or a
    permanent one, calls `on_give_up(*args, error=...)` and raises. `on_retry(*args,
    delay=...)` is told of each retry that was scheduled.

    `policy` may be a callable so that settings are read when the task runs."""

    def decorate(func: Callable[..., T]) -> Callable[..., T | dict[str, Any]]:
        @functools.wraps(func)
        def wrapper(*args: Any, attempt: int = 1) -> T | dict[str, Any]:
            rules = policy() if callable(policy) else policy
            try:
                return func(*args)
            except Exception as error:
                if transient(error) and attempt < rules.max_attempts:
                    delay = rules.delay(attempt)
                    schedule_retry(wrapper, args, attempt + 1, delay)
                    if on_retry is not None:
                        on_retry(*args, delay=delay)
                    log.warning(
                        "Task %s attempt %d of %d failed (%s); next attempt in %.0f s",
                        func.__qualname__,
                        attempt,
                        rules.max_attempts,
                        type(error).__name__,
                        delay,
                    )
                    return {
                        "retry": attempt + 1,
                        "in_seconds": round(delay, 1),
                        "error": type(error).__name__,
                    }
                log.error(
                    "Task %s gave up after attempt %d of %d (%s)",
                    func.__qualname__,
                    attempt,
                    rules.max_attempts,
                    type(error).__name__,
                )
                if on_give_up is not None:
                    try:
                        on_give_up(*args, error=error)
                    except Exception:
                        log.exception("Recording that %s gave up failed", func.__qualname__)
                raise

        return wrapper

    return decorate
