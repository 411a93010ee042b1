"""Facts one app publishes and other apps react to, so that no app calls an app above or
beside it (docs/architecture.md, "Events").

The app that owns a fact publishes it; an app that reacts subscribes once, in its
``AppConfig.ready()``, with a function of its own ``reactions.py``::

    # submissions (the owner)
    events.publish(events.PaySubmissionApplied(submission_id=s.pk, organization_id=o.pk))

    # remittances/apps.py (a reaction)
    events.subscribe(events.PaySubmissionApplied, reactions.reconcile_applied_pay)

`publish` runs every subscriber at once, in the publisher's transaction and in the order the
apps are installed: a subscriber that raises undoes the publisher's action with it (nothing
half-applied), exactly as a direct call would. `publish_on_commit` runs them after the
transaction commits, for reactions that must not undo the fact (an upload stays received
even if its hand-over fails).

An event carries ids and plain values, never a model instance: the subscriber reads what it
needs through its own app's code, and this module imports nothing of the apps.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from django.db import transaction

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Event:
    """A fact, named in the past tense."""


# --- The list of events -----------------------------------------------------------------
# Each names its publisher and its subscribers; docs/architecture.md has the same table
# (tests/architecture/test_events.py keeps both and the subscriptions in step).


@dataclass(frozen=True)
class PensionDataFileReceived(Event):
    """An employer's upload in File Upload was recognised as a pension data file.

    Published by exchange, after the upload commits. Subscribers: submissions (the file
    becomes a submission in the intake pipeline)."""

    upload_id: int
    organization_id: int


@dataclass(frozen=True)
class MemberEnrolled(Event):
    """An ENROL record made a new member (an applied submission).

    Published by submissions, in the applying transaction. Subscribers: buybacks (the
    automatic quote for prior non-contributory service)."""

    member_id: int
    organization_id: int
    hire_date: dt.date
    membership_date: dt.date


@dataclass(frozen=True)
class PaySubmissionApplied(Event):
    """A PAY file was applied to the member registry.

    Published by submissions, in the applying transaction. Subscribers: remittances (the
    remittance advice and its reconciliation), missed (open cases paid by R or A
    contributions)."""

    submission_id: int
    organization_id: int


@dataclass(frozen=True)
class SubmissionApplied(Event):
    """A pension data file (any template) was applied to the member registry.

    Published by submissions, after the applying transaction commits. Subscribers:
    memberevents (the organization's member-event work items follow the data)."""

    submission_id: int
    organization_id: int
    template: str


@dataclass(frozen=True)
class SubmissionChecked(Event):
    """A pension data file's check committed: its problems are stored and its status says
    what happens next (rejected, waiting for a confirmation, accepted, test mode).

    Published by submissions, after the check's transaction commits. Subscribers: sftp
    (the problem report written back to the organization's `outbox/results/`)."""

    submission_id: int
    organization_id: int


EVENTS: tuple[type[Event], ...] = (
    PensionDataFileReceived,
    MemberEnrolled,
    PaySubmissionApplied,
    SubmissionApplied,
    SubmissionChecked,
)

# --- Publishing and subscribing --------------------------------------------------------

E = TypeVar("E", bound=Event)
Subscriber = Callable[[E], None]

_subscribers: dict[type[Event], list[Callable[[Any], None]]] = {kind: [] for kind in EVENTS}


def subscribe(kind: type[E], subscriber: Subscriber[E]) -> None:
    """Run `subscriber` for every `kind` event published from now on (once per function)."""
    if kind not in _subscribers:
        raise TypeError(f"{kind.__name__} is not in the list of events (core/events.py)")
    if subscriber not in _subscribers[kind]:
        _subscribers[kind].append(subscriber)


def subscribers(kind: type[E]) -> list[Subscriber[E]]:
    return [cast(Subscriber[E], s) for s in _subscribers[kind]]


def publish(event: Event) -> None:
    """Run every subscriber now, in the caller's transaction; an exception propagates."""
    for subscriber in list(_subscribers[type(event)]):
        subscriber(event)


def publish_on_commit(event: Event) -> None:
    """Run every subscriber after the caller's transaction commits (at once outside one).
    A subscriber that fails is logged and does not stop the others: the fact stands."""

    def run() -> None:
        for subscriber in list(_subscribers[type(event)]):
            try:
                subscriber(event)
            except Exception:
                log.exception("%s failed to react to %s", _name(subscriber), event)

    transaction.on_commit(run)


def _name(subscriber: Callable[..., object]) -> str:
    return f"{subscriber.__module__}.{getattr(subscriber, '__qualname__', subscriber)}"


def subscriptions() -> dict[str, list[str]]:
    """Event name -> the dotted names of its subscribers (for the docs test)."""
    return {kind.__name__: [_name(s) for s in _subscribers[kind]] for kind in EVENTS}
