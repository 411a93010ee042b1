"""Fixtures of the API tests."""

from __future__ import annotations

import datetime as dt

import pytest

from pensionportal.integrations import ratelimit

ONE_MINUTE = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC)


@pytest.fixture
def one_rate_window(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every call falls in the same rate-limit minute.

    Opening a minute's window costs four more queries than counting in an open one, so a
    query-count comparison that straddles a minute boundary (a slow machine building more
    data between the two calls) would fail for a reason that is not the page's."""
    monkeypatch.setattr(ratelimit, "_window_start", lambda now: ONE_MINUTE)
