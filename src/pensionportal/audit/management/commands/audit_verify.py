from typing import Any

from django.core.management.base import BaseCommand, CommandError

from pensionportal.audit.chain import verify


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain: detects edited, removed or truncated rows."

    def handle(self, *args: Any, **options: Any) -> None:
        result = verify()
        if result.ok:
            self.stdout.write(f"Audit trail intact: {result.rows} rows verified.")
            return
        for problem in result.problems:
            self.stderr.write(problem)
        raise CommandError(f"Audit trail verification FAILED: {len(result.problems)} problem(s).")
