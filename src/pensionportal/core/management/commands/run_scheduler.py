import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from pensionportal.core import conf
from pensionportal.operations.reaper import reap
from pensionportal.operations.scheduling import run_due_jobs


class Command(BaseCommand):
    help = (
        "Enqueue the daily jobs (reminders, missed contributions and their reports) once a "
        "day per employer, and run the reaper of lost work."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="check once and exit (cron)")
        parser.add_argument("--interval", type=float, default=60.0, help="seconds between checks")

    def handle(self, *args: Any, **options: Any) -> None:
        last_reap = 0.0
        while True:
            try:
                enqueued = run_due_jobs()
                if enqueued:
                    self.stdout.write(f"enqueued {len(enqueued)} daily task(s)")
                if (
                    options["once"]
                    or time.monotonic() - last_reap >= conf.reaper_interval_seconds()
                ):
                    found = {name: n for name, n in reap().items() if n}
                    if found:
                        self.stdout.write(f"reaper: {found}")
                    last_reap = time.monotonic()
            except Exception as error:  # the database may be away for a moment
                if options["once"]:
                    raise
                self.stderr.write(f"scheduler: {type(error).__name__}; trying again")
            if options["once"]:
                return
            time.sleep(min(options["interval"], conf.reaper_interval_seconds()))
