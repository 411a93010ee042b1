"""Pages of a list: `?page=N&page_size=M`, with the total and links to the neighbours."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any, TypeVar
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.http import HttpRequest

T = TypeVar("T")
MAX_PAGE_SIZE = 500


def _link(request: HttpRequest, page: int) -> str:
    query = request.GET.copy()
    query["page"] = str(page)
    return f"{request.path}?{urlencode(sorted(query.items()))}"


def paged(
    request: HttpRequest,
    items: QuerySet[Any] | Sequence[Any],
    page: int,
    page_size: int,
    serialize: Callable[[Any], T],
) -> dict[str, Any]:
    count = items.count() if isinstance(items, QuerySet) else len(items)
    pages = max(1, math.ceil(count / page_size))
    start = (page - 1) * page_size
    chosen = list(items[start : start + page_size]) if start < count else []
    return {
        "count": count,
        "page": page,
        "page_size": page_size,
        "pages": pages,
        "next": _link(request, page + 1) if page < pages else None,
        "previous": _link(request, min(page - 1, pages)) if page > 1 else None,
        "items": [serialize(item) for item in chosen],
    }
