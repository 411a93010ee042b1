"""Daily: detect missed mandatory contributions for every employer, invoice new findings,
move cases along their windows (90 days, then the member's 45 days) and publish the
outstanding list to each employer with findings, once per pay cycle (idempotent)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from pensionportal.missed.actions import run_cycle


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="Run as of this date (YYYY-MM-DD); default today.")

    def handle(self, *args: Any, **options: Any) -> None:
        raw = options.get("date")
        try:
            today = dt.date.fromisoformat(raw) if raw else timezone.localdate()
        except ValueError:
            raise CommandError("--date must be YYYY-MM-DD") from None
        result = run_cycle(today)
        self.stdout.write(
            f"{result.organizations} employers checked, {result.findings} periods outstanding, "
            f"{result.cases_opened} invoices issued, {result.reports} reports published."
        )
