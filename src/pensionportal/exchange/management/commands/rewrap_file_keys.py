"""Key rotation: re-wrap every stored file's data key under the newest master key.

Put a new Fernet key in front of PORTAL_ENCRYPTION_KEYS (keeping the old ones behind it),
run this command, then the old key can be removed. Only the small wrapped keys change; the
files' bytes are not touched (core/crypto.py). Covers files exchanged with employers and
published reports.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from pensionportal.audit.record import record
from pensionportal.core import crypto
from pensionportal.exchange.models import ExchangedFile
from pensionportal.reports.models import ReportFile


class Command(BaseCommand):
    help = "Re-wrap every stored file's data key under the newest encryption key."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = {"exchange": 0, "reports": 0}
        with transaction.atomic():
            for upload in ExchangedFile.objects.exclude(wrapped_key="").select_for_update():
                upload.wrapped_key = crypto.rewrap_key(upload.wrapped_key)
                upload.save(update_fields=["wrapped_key"])
                counts["exchange"] += 1
            for report_file in ReportFile.objects.exclude(wrapped_key="").select_for_update():
                report_file.wrapped_key = crypto.rewrap_key(report_file.wrapped_key)
                report_file.save(update_fields=["wrapped_key"])
                counts["reports"] += 1
            record(
                "storage.file_keys_rewrapped", actor_email="system:rewrap_file_keys", details=counts
            )
        self.stdout.write(
            f"Re-wrapped {counts['exchange']} exchanged file keys and "
            f"{counts['reports']} report file keys under the newest key."
        )
