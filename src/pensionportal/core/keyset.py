"""Keyset pagination for the large lists (issue 18, "Must do" 3): the audit trail, and any
list of millions of rows, pages by "the rows after this id" (an indexed range scan) instead
of OFFSET and a COUNT(*) over the whole table, so page 1,000 costs what page 1 does.

    page = keyset_page(query, request.GET, per_page=50)  # newest (highest id) first
    render(..., {"page": page})  # core/keyset_pagination.html

The query string carries `before=<id>` (older rows) or `after=<id>` (newer rows); a value
that is not a number is ignored (the newest page is shown)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.db.models import Model, QuerySet
from django.utils.http import urlencode

M = TypeVar("M", bound=Model)


@dataclass
class KeysetPage(Generic[M]):
    items: list[M]
    params: Mapping[str, str] = field(repr=False)
    has_older: bool = False
    has_newer: bool = False
    # What `before`/`after` carry for a row: its id, or a list's own sort key (a search
    # of messages, newest activity first, carries the activity's time and the id).
    cursor: Callable[[M], str | int] = field(default=lambda item: item.pk, repr=False)

    def __iter__(self) -> Any:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def _link(self, **cursor: str | int) -> str:
        query: dict[str, str | int] = {
            k: v for k, v in self.params.items() if k not in {"before", "after", "page"}
        }
        query.update(cursor)
        return "?" + urlencode(query)

    @property
    def older_url(self) -> str:
        return self._link(before=self.cursor(self.items[-1])) if self.items else ""

    @property
    def newer_url(self) -> str:
        return self._link(after=self.cursor(self.items[0])) if self.items else ""

    @property
    def newest_url(self) -> str:
        return self._link()

    @property
    def has_other_pages(self) -> bool:
        return self.has_older or self.has_newer


def _cursor(params: Mapping[str, str], name: str) -> int | None:
    raw = (params.get(name) or "").strip()
    return int(raw) if raw.isdigit() and len(raw) < 19 else None


def keyset_page(query: QuerySet[M], params: Mapping[str, str], per_page: int = 50) -> KeysetPage[M]:
    """One page of `query`, newest (highest primary key) first. One query for the rows
    (one more row is read to know whether there is a further page) and, when paging, one
    to know whether the other direction has rows."""
    before, after = _cursor(params, "before"), _cursor(params, "after")
    if after is not None:
        rows = list(query.filter(pk__gt=after).order_by("pk")[: per_page + 1])
        has_newer = len(rows) > per_page
        items = list(reversed(rows[:per_page]))
        has_older = query.filter(pk__lte=after).exists()
        return KeysetPage(items, params, has_older=has_older, has_newer=has_newer)
    scoped = query.filter(pk__lt=before) if before is not None else query
    rows = list(scoped.order_by("-pk")[: per_page + 1])
    items = rows[:per_page]
    has_newer = before is not None and query.filter(pk__gte=before).exists()
    return KeysetPage(items, params, has_older=len(rows) > per_page, has_newer=has_newer)
