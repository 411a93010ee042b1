"""The list of events, its table in docs/architecture.md and the subscriptions agree, and
each event reaches its subscribers (docs/architecture.md "Events")."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from django.db import transaction

from pensionportal.core import events

from .source import SRC_DIR

ARCHITECTURE = SRC_DIR.parent / "docs" / "architecture.md"


def documented() -> dict[str, tuple[str, str]]:
    """Event name -> (publisher, subscribers) from the table in docs/architecture.md."""
    rows = {}
    for line in ARCHITECTURE.read_text(encoding="utf-8").splitlines():
        match = re.match(r"\| `(\w+)` \| (\w+) \| [^|]+ \| (.+) \|$", line)
        if match:
            rows[match.group(1)] = (match.group(2), match.group(3))
    return rows


def test_every_event_is_documented_with_its_publisher_and_subscribers() -> None:
    table = documented()
    assert sorted(table) == sorted(kind.__name__ for kind in events.EVENTS)
    for name, subscribers in events.subscriptions().items():
        assert subscribers, f"{name} has no subscriber"
        apps_subscribed = {s.split(".")[1] for s in subscribers}
        publisher, listed = table[name]
        named = set(re.findall(r"(\w+): ", listed))
        assert named == apps_subscribed, name
        assert publisher not in apps_subscribed, f"{publisher} reacts to its own {name}"


@dataclass(frozen=True)
class _Probe(events.Event):
    value: int


@pytest.fixture
def probe_event(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    seen: list[int] = []
    monkeypatch.setitem(events._subscribers, _Probe, [])
    events.subscribe(_Probe, lambda event: seen.append(event.value))
    return seen


def test_publish_runs_subscribers_at_once_and_an_error_propagates(
    probe_event: list[int],
) -> None:
    events.publish(_Probe(1))
    assert probe_event == [1]

    def fails(event: _Probe) -> None:
        raise RuntimeError("subscriber failed")

    events.subscribe(_Probe, fails)
    with pytest.raises(RuntimeError):
        events.publish(_Probe(2))


@pytest.mark.django_db(transaction=True)
def test_publish_on_commit_waits_for_the_commit_and_a_failure_is_only_logged(
    probe_event: list[int], caplog: pytest.LogCaptureFixture
) -> None:
    def fails(event: _Probe) -> None:
        raise RuntimeError("subscriber failed")

    events._subscribers[_Probe].insert(0, fails)
    with transaction.atomic():
        events.publish_on_commit(_Probe(3))
        assert probe_event == []
    assert probe_event == [3]
    assert "failed to react" in caplog.text

    def rolled_back() -> None:
        with transaction.atomic():
            events.publish_on_commit(_Probe(4))
            raise ValueError("rolled back")

    with pytest.raises(ValueError, match="rolled back"):
        rolled_back()
    assert probe_event == [3]


def test_an_event_outside_the_list_cannot_be_subscribed_to() -> None:
    with pytest.raises(TypeError, match="not in the list of events"):
        events.subscribe(_Probe, lambda event: None)
