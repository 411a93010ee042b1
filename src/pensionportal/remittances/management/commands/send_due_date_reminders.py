from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from pensionportal.remittances.reminders import send_due_date_reminders


class Command(BaseCommand):
    help = "E-mail reminders before contribution and data due dates (PORTAL_REMINDER_LEAD_DAYS)."

    def handle(self, *args: Any, **options: Any) -> None:
        count = send_due_date_reminders(timezone.localdate())
        self.stdout.write(f"Sent {count} reminder(s).")
