from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pensionportal.signedforms import pades


class Command(BaseCommand):
    help = (
        "Check the plan administrator's seal on a signed form PDF: 'Signature valid' (exit 0) "
        "or 'Document changed' (exit 1)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the sealed PDF, as downloaded")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path} is not a file.")
        verdict = pades.verify(path.read_bytes())
        lines = [f"{path.name}: {verdict.summary}. {verdict.explanation}"]
        if verdict.signer:
            lines.append(f"Sealed by: {verdict.signer}")
        if verdict.signed_at:
            lines.append(f"Sealed at: {verdict.signed_at.isoformat()}")
        self.stdout.write("\n".join(lines))
        if not verdict.valid:
            raise SystemExit(1)
