from typing import Any

from django.core.management.base import BaseCommand

from pensionportal.audit.checkpoints import write


class Command(BaseCommand):
    help = (
        "Write a signed checkpoint of the audit chain's head now, to the checkpoint storage "
        "and the log (the scheduler's reaper writes one every PORTAL_AUDIT_CHECKPOINT_MINUTES)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        checkpoint = write()
        self.stdout.write(f"Audit checkpoint written: {checkpoint}.")
