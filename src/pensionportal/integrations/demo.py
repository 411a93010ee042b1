"""Demo payroll connections for `make run`: Demo Employer Ltd. has an API client (its ID
and secret printed with the demo sign-ins) and an approved SFTP account whose key pair is
made in var/demo-sftp/ (demo data only: a real client's secret is shown once and never
kept, and a real key never leaves the payroll system), and var/demo-sftp/ holds the next
pay cycle's PAY file, ready to send with curl or sftp (docs/api.md, docs/sftp.md).
Idempotent."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import asyncssh
from django.conf import settings
from django.contrib.auth.hashers import make_password

from pensionportal.accounts.models import Organization, User
from pensionportal.core.demo import DEMO_DOMAIN, DEMO_EMPLOYER
from pensionportal.datafiles.specs import SPECS
from pensionportal.submissions.demo import pay_header, pay_rows
from pensionportal.submissions.online import to_csv

from . import actions
from .models import ApiClient, Scope, SftpAccount, SshKey

DEMO_CLIENT_NAME = "Demo payroll system"
DEMO_CLIENT_SECRET = "pps_demo-secret-printed-for-the-demo-only"  # noqa: S105 (demo data)


def key_dir() -> Path:
    return Path(
        getattr(settings, "DEMO_SFTP_KEY_DIR", Path(settings.BASE_DIR) / "var" / "demo-sftp")
    )


@dataclass(frozen=True)
class DemoConnections:
    client_id: str
    client_secret: str
    sftp_username: str
    key_file: Path
    pay_file: Path


# The pay cycle after the demo's last one (submissions/demo.py: 2026-10-25 to 2026-11-07).
NEXT_PAY = ("2026-11-27", "2026-11-08", "2026-11-21", "EFT-DEMO-1127")


def _next_pay_file() -> Path:
    path = key_dir() / f"PAY_{NEXT_PAY[0]}.csv"
    if not path.exists():
        rows, total = pay_rows()
        path.write_bytes(to_csv(SPECS["PAY"], rows, pay_header(*NEXT_PAY, total)))
    return path


def _demo_key() -> Path:
    folder = key_dir()
    folder.mkdir(parents=True, exist_ok=True)
    private = folder / "id_ed25519"
    if not private.exists():
        key = asyncssh.generate_private_key("ssh-ed25519", comment="demo payroll system")
        private.write_bytes(key.export_private_key("openssh"))
        os.chmod(private, 0o600)
        (folder / "id_ed25519.pub").write_bytes(key.export_public_key("openssh"))
    return private


def load() -> DemoConnections | None:
    org = Organization.objects.filter(name=DEMO_EMPLOYER).first()
    admin = User.objects.filter(email=f"admin@{DEMO_DOMAIN}").first()
    staff = User.objects.filter(email=f"staff@{DEMO_DOMAIN}").first()
    if org is None or admin is None or staff is None:
        return None
    client = ApiClient.objects.filter(
        organization=org, name=DEMO_CLIENT_NAME, revoked_at__isnull=True
    ).first()
    if client is None:
        client = actions.create_client(
            admin, org, name=DEMO_CLIENT_NAME, scopes=[scope.value for scope in Scope]
        ).client
        client.secret_hash = make_password(DEMO_CLIENT_SECRET)
        client.save(update_fields=["secret_hash"])
    account = SftpAccount.objects.filter(organization=org).first()
    if account is None:
        account = actions.approve_sftp(staff, org)
    key_file = _demo_key()
    public = key_file.with_suffix(".pub").read_text()
    fingerprint = asyncssh.import_public_key(public).get_fingerprint("sha256")
    if not SshKey.objects.filter(
        sftp_account=account, fingerprint=fingerprint, removed_at__isnull=True
    ).exists():
        actions.add_ssh_key(admin, account, public, "Demo payroll server")
    actions.host_key()
    return DemoConnections(
        client.client_id, DEMO_CLIENT_SECRET, account.username, key_file, _next_pay_file()
    )
