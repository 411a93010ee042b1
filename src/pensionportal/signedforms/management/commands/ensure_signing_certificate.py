from typing import Any

from django.core.management.base import BaseCommand, CommandError

from pensionportal.signedforms import certificates


class Command(BaseCommand):
    help = (
        "Make a development CA and document-signing certificate for sealing signed forms, "
        "unless a certificate is already there (refused in production)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            made = certificates.ensure_development_certificate()
        except certificates.SigningNotConfigured as error:
            raise CommandError(str(error)) from error
        files = certificates.configured()
        if made:
            self.stdout.write(
                "Generated a DEVELOPMENT signing CA and certificate for sealing signed forms:\n"
                f"  CA certificate: {files.chain[0]}\n  seal certificate: {files.cert}\n"
                f"  seal key (encrypted): {files.key}\n"
                "They are for this local installation only; production configures the plan "
                "administrator's own (PORTAL_SIGNING_KEY, PORTAL_SIGNING_CERT, "
                "PORTAL_SIGNING_CHAIN). Check a sealed form with\n"
                f"  pyhanko sign validate --trust {files.chain[0]} --trust-replace FILE.pdf"
            )
        else:
            self.stdout.write(f"Signing certificate in place: {files.cert}")
