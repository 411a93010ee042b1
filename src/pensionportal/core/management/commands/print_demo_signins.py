from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from pensionportal.core.demo import DEMO_PASSWORD
from pensionportal.demo import load_demo_data
from pensionportal.files.storage import describe as describe_storage
from pensionportal.integrations.demo import load


class Command(BaseCommand):
    help = "Print the demo sign-ins (after load_demo_data)."

    def handle(self, *args: Any, **options: Any) -> None:
        base = settings.PORTAL_BASE_URL
        lines = [
            "",
            "=" * 78,
            f" Employer Portal demo — open {base}/ and sign in with:",
            f" password for every demo account: {DEMO_PASSWORD}",
            "-" * 78,
        ]
        for sign_in in load_demo_data():
            lines.append(f" {sign_in.email:<26} {sign_in.description}")
            if sign_in.totp_secret:
                lines.append(f" {'':<26} MFA: authenticator secret {sign_in.totp_secret}")
                lines.append(
                    f" {'':<26}      or print the current code: "
                    f"make demo-code EMAIL={sign_in.email}"
                )
        lines += [
            "-" * 78,
            f" Files are stored encrypted in {describe_storage()}; every upload is",
            " checked (try sending a program renamed statement.pdf in File Upload).",
            " Keys: make rotate-keys-check (what is still under an older key).",
            " Pension data (upload@): PAY_2026-11-13.csv is rejected (D1OO2 typed for",
            " D1002, a type X, a pay 2,400.OO): open it and press Correct online.",
        ]
        lines += _connections(base)
        lines += ["=" * 78, ""]
        self.stdout.write("\n".join(lines))


def _connections(base: str) -> list[str]:
    """The payroll system's demo credentials: the REST API and SFTP (docs/api.md, sftp.md)."""
    demo = load()
    if demo is None:
        return []
    return [
        "-" * 78,
        " Payroll systems (Payroll connections page; docs/api.md, docs/sftp.md):",
        f"   API client {demo.client_id}  secret {demo.client_secret}",
        f"   curl -u {demo.client_id}:{demo.client_secret} -d grant_type=client_credentials \\",
        f"     {base}/api/v1/oauth/token        (reference: {base}/api/v1/reference/)",
        f"   sftp -i {demo.key_file} -P {settings.SFTP_PORT} "
        f"{demo.sftp_username}@{settings.SFTP_HOST}",
        f"   this pay cycle's PAY file, to send either way: {demo.pay_file}",
    ]
