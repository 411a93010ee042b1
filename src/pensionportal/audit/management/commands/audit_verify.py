from typing import Any

from django.core.management.base import BaseCommand, CommandError

from pensionportal.audit.verification import verify


class Command(BaseCommand):
    help = (
        "Verify the audit trail: every row's keyed MAC and link, and the chain against its "
        "signed checkpoints. Names the first bad row and the last good checkpoint."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = verify()
        checkpoint = result.last_good_checkpoint
        if result.ok:
            said = f"Audit trail intact: {result.rows} rows verified"
            if result.keys_used:
                said += f" (audit keys {', '.join(sorted(result.keys_used))})"
            if checkpoint is not None:
                said += f"; it matches the last checkpoint, {checkpoint}"
            else:
                said += "; no checkpoint written yet"
            self.stdout.write(said + ".")
            return
        for problem in result.problems:
            self.stderr.write(problem)
        if result.first_bad is not None:
            self.stderr.write(f"First bad row: {result.first_bad}.")
        if checkpoint is not None:
            self.stderr.write(
                f"Last good checkpoint: {checkpoint}; the trail up to it is as it was then."
            )
        else:
            self.stderr.write("Last good checkpoint: none matches.")
        raise CommandError(f"Audit trail verification FAILED: {len(result.problems)} problem(s).")
