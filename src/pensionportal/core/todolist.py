"""The home page's to-do sources (issue 16, Must do 1), a platform hook like core.events:
each domain app registers from its AppConfig.ready() the functions that answer "what is
due or waiting" for its section, and worklist.home asks them (with the acting user and
within their roles) when the home page is drawn. Here, below every app, so that apps on
any layer (messaging beside the work list, missed above it) can register.

A source answers for all of a user's organizations at once with a fixed number of
queries, so the home page costs the same for one organization or fifty.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Todo:
    """One line of the list: what, how many, the date that matters, and where to do it."""

    label: str
    count: int
    url: str
    date: dt.date | None = None
    date_label: str = "Due"  # "Due", "Oldest", "Escalate after", "Respond by", ...
    organization_id: int | None = None
    today: dt.date | None = None
    is_deadline: bool = True  # the date is a deadline (overdue once past)

    @property
    def overdue(self) -> bool:
        return (
            self.is_deadline
            and self.date is not None
            and self.today is not None
            and self.date < self.today
        )


# (acting user, their organizations with the section, today); (acting user, today)
EmployerSource = Callable[[Any, Sequence[Any], dt.date], Iterable[Todo]]
StaffSource = Callable[[Any, dt.date], Iterable[Todo]]

EMPLOYER_SOURCES: list[tuple[str, EmployerSource]] = []
STAFF_SOURCES: list[tuple[str | None, StaffSource]] = []


def register_employer(capability: str, source: EmployerSource) -> None:
    """``source`` answers for the organizations where the user's roles include
    ``capability``; each Todo names its organization."""
    if (capability, source) not in EMPLOYER_SOURCES:
        EMPLOYER_SOURCES.append((capability, source))


def register_staff(capability: str | None, source: StaffSource) -> None:
    """``source`` is asked only for staff whose roles include ``capability``."""
    if (capability, source) not in STAFF_SOURCES:
        STAFF_SOURCES.append((capability, source))
