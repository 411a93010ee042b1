"""Per-client rate limits: calls per minute, counted in the database so that every web
process shares one count. A call over the limit is answered 429 with `Retry-After` (the
seconds until the minute's window ends) and does nothing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .models import ApiClient, RateWindow

WINDOW_SECONDS = 60


@dataclass(frozen=True)
class Decision:
    allowed: bool
    limit: int
    remaining: int
    retry_after: int  # seconds until the window resets


def _window_start(now: dt.datetime) -> dt.datetime:
    return now.replace(second=0, microsecond=0)


def take(client: ApiClient, now: dt.datetime | None = None) -> Decision:
    """Count one call of `client`; say whether it is within the limit."""
    moment = now or timezone.now()
    start = _window_start(moment)
    retry_after = max(1, WINDOW_SECONDS - int((moment - start).total_seconds()))
    limit = client.rate_limit_per_minute
    with transaction.atomic():
        updated = RateWindow.objects.filter(client=client, started_at=start).update(
            count=F("count") + 1
        )
        if not updated:
            try:
                with transaction.atomic():
                    RateWindow.objects.create(client=client, started_at=start, count=1)
            except IntegrityError:  # another process opened the window first
                RateWindow.objects.filter(client=client, started_at=start).update(
                    count=F("count") + 1
                )
            # Earlier windows are of no more use.
            RateWindow.objects.filter(client=client, started_at__lt=start).delete()
        count = (
            RateWindow.objects.filter(client=client, started_at=start)
            .values_list("count", flat=True)
            .first()
            or 1
        )
    return Decision(
        allowed=count <= limit,
        limit=limit,
        remaining=max(0, limit - count),
        retry_after=retry_after,
    )
