import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from pensionportal.core.scheduling import run_due_jobs


class Command(BaseCommand):
    help = "Enqueue the daily jobs (reminders, scheduled reports) once a day."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="check once and exit (cron)")
        parser.add_argument("--interval", type=float, default=60.0, help="seconds between checks")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            for job in run_due_jobs():
                self.stdout.write(f"enqueued {job}")
            if options["once"]:
                return
            time.sleep(options["interval"])
