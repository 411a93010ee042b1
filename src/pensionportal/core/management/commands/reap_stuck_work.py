from typing import Any

from django.core.management.base import BaseCommand

from pensionportal.operations.reaper import reap


class Command(BaseCommand):
    help = (
        "Queue again the work that lost its worker (see operations/reaper.py); prints what it did."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        for name, count in reap().items():
            self.stdout.write(f"{name}: {count}")
