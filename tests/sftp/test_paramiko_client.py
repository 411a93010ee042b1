"""paramiko against the product's SFTP server: temporary names, outbox downloads, what
cannot be done, and who cannot sign in."""

from __future__ import annotations

import base64
import hashlib
import io
import time
from pathlib import Path

import paramiko
import pytest

from pensionportal.audit.models import AuditEvent
from pensionportal.exchange.actions import deliver_file
from pensionportal.exchange.models import Category
from pensionportal.integrations import actions
from pensionportal.integrations.models import HostKey, SshKey
from pensionportal.reports.actions import publish_report
from pensionportal.reports.models import ReportKind
from pensionportal.sftp.models import InboxRefusal
from pensionportal.submissions.models import Source, Submission
from tests.factories import make_staff
from tests.submissions.helpers import pay_file, pay_row

from .conftest import Account, Running, employer_with_sftp, settle

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture
def account(tmp_path: Path) -> Account:
    return employer_with_sftp(tmp_path)


def connect(running: Running, account: Account, key: Path | None = None) -> paramiko.SSHClient:
    client = paramiko.SSHClient()
    client.get_host_keys().add(
        f"[127.0.0.1]:{running.port}",
        running.host_key.public_key.split()[0],
        paramiko.PKey.from_type_string(
            running.host_key.public_key.split()[0],
            base64.b64decode(running.host_key.public_key.split()[1]),
        ),
    )
    client.set_missing_host_key_policy(paramiko.RejectPolicy())
    client.connect(
        "127.0.0.1",
        port=running.port,
        username=account.sftp.username,
        key_filename=str(key or account.key),
        look_for_keys=False,
        allow_agent=False,
        timeout=20,
    )
    settle()
    return client


def test_a_file_written_under_a_temporary_name_becomes_a_submission_at_the_rename(
    sftp_server: Running, account: Account
) -> None:
    with connect(sftp_server, account) as client, client.open_sftp() as sftp:
        sftp.putfo(io.BytesIO(pay_file([pay_row("E1")])), "inbox/PAY_2026-03-13.csv.part")
        assert not Submission.objects.exists()
        assert "PAY_2026-03-13.csv.part" in sftp.listdir("inbox")
        sftp.rename("inbox/PAY_2026-03-13.csv.part", "inbox/PAY_2026-03-13.csv")
        assert sftp.listdir("inbox") == []
        submission = Submission.objects.get()
        assert submission.filename == "PAY_2026-03-13.csv"
        assert submission.source == Source.SFTP
        names = sftp.listdir("outbox/results")
        assert f"{submission.reference}_PAY_2026-03-13.status.txt" in names
        status = sftp.stat(f"outbox/results/{submission.reference}_PAY_2026-03-13.status.txt")
        with sftp.open(f"outbox/results/{submission.reference}_PAY_2026-03-13.status.txt") as f:
            text = f.read()
        assert len(text) == status.st_size
        assert b"Status: Applied" in text


def test_a_temporary_file_never_renamed_is_not_kept(sftp_server: Running, account: Account) -> None:
    from pensionportal.files.models import StoredFile

    with connect(sftp_server, account) as client, client.open_sftp() as sftp:
        sftp.putfo(io.BytesIO(pay_file([pay_row("E1")])), "inbox/.PAY.csv")
        assert StoredFile.objects.filter(state="pending").count() == 1
    deadline = time.monotonic() + 10
    while StoredFile.objects.filter(state="pending").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not StoredFile.objects.filter(state="pending").exists()
    assert not Submission.objects.exists()


def test_a_temporary_file_cannot_be_renamed_to_another_kind(
    sftp_server: Running, account: Account
) -> None:
    with connect(sftp_server, account) as client, client.open_sftp() as sftp:
        sftp.putfo(io.BytesIO(pay_file([pay_row("E1")])), "inbox/PAY.csv.tmp")
        with pytest.raises(OSError, match=r"cannot become PAY\.xlsx"):
            sftp.rename("inbox/PAY.csv.tmp", "inbox/PAY.xlsx")
    assert not Submission.objects.exists()


def test_files_and_reports_from_the_administrator_are_in_the_outbox(
    sftp_server: Running, account: Account
) -> None:
    staff = make_staff()
    delivery = deliver_file(
        staff,
        account.org,
        "DS_2026-03-13.csv",
        [b"member,amount\r\nE1,10.00\r\n"],
        Category.BUYBACK_DEDUCTIONS,
    )
    report = publish_report(
        account.org,
        "Missed mandatory contributions",
        ReportKind.MISSED_MANDATORY_CONTRIBUTIONS,
        [("missed.csv", "", b"member\r\nE1\r\n")],
        published_by=staff,
    )
    with connect(sftp_server, account) as client, client.open_sftp() as sftp:
        assert sftp.listdir("outbox/files") == [f"{delivery.reference}_DS_2026-03-13.csv"]
        with sftp.open(f"outbox/files/{delivery.reference}_DS_2026-03-13.csv") as f:
            assert f.read() == b"member,amount\r\nE1,10.00\r\n"
        assert sftp.listdir("outbox/reports") == [f"{report.reference}_missed.csv"]
        with sftp.open(f"outbox/reports/{report.reference}_missed.csv") as f:
            assert f.read() == b"member\r\nE1\r\n"
        for name in ("F9999999_x.csv", f"{delivery.reference}_other.csv"):
            with pytest.raises(FileNotFoundError):
                sftp.open(f"outbox/files/{name}")
    downloads = AuditEvent.objects.filter(
        action="exchange.file_downloaded", target=delivery.reference
    )
    assert downloads.get().details["channel"] == "sftp"
    assert AuditEvent.objects.filter(action="reports.file_downloaded").exists()


def test_another_organizations_outbox_is_never_seen(
    sftp_server: Running, account: Account, tmp_path: Path
) -> None:
    other = employer_with_sftp(tmp_path, "Other Employer")
    staff = make_staff()
    theirs = deliver_file(staff, other.org, "PA_2025.csv", [b"a\r\n"], Category.PA_FILE)
    with connect(sftp_server, account) as client, client.open_sftp() as sftp:
        assert sftp.listdir("outbox/files") == []
        with pytest.raises(FileNotFoundError):
            sftp.stat(f"outbox/files/{theirs.reference}_PA_2025.csv")


def test_what_cannot_be_done(sftp_server: Running, account: Account) -> None:
    with connect(sftp_server, account) as client, client.open_sftp() as sftp:
        assert sftp.normalize("../../..") == "/"
        assert sftp.normalize("/etc/../inbox") == "/inbox"
        for path in ("../../etc/passwd", "/etc/passwd", "inbox/../../etc/shadow"):
            with pytest.raises(FileNotFoundError):
                sftp.open(path)
        with pytest.raises(PermissionError):
            sftp.symlink("/etc/passwd", "inbox/link.csv")
        with pytest.raises(FileNotFoundError):
            sftp.readlink("inbox")
        with pytest.raises(PermissionError):
            sftp.mkdir("inbox/folder")
        with pytest.raises(PermissionError):
            sftp.open("outbox/results/new.csv", "w")
        with pytest.raises(PermissionError):
            sftp.remove("outbox/results")


def test_writes_out_of_order_are_refused_and_nothing_is_kept(
    sftp_server: Running, account: Account
) -> None:
    with connect(sftp_server, account) as client, client.open_sftp() as sftp:
        handle = sftp.open("inbox/PAY.csv", "w", bufsize=0)  # each write sent as it is made
        handle.set_pipelined(False)
        handle.seek(100)
        with pytest.raises(OSError, match="one pass"):
            handle.write(b"employee_id\r\n")
        handle.close()  # paramiko ignores the refusal the close gets
    assert not Submission.objects.exists()
    assert InboxRefusal.objects.filter(filename="PAY.csv").exists()


def test_a_removed_key_or_a_suspended_account_cannot_sign_in(
    sftp_server: Running, account: Account
) -> None:
    connect(sftp_server, account).close()
    settle()
    actions.suspend_sftp(make_staff(), account.sftp)
    with pytest.raises(paramiko.AuthenticationException):
        connect(sftp_server, account)
    actions.approve_sftp(make_staff(), account.org)
    connect(sftp_server, account).close()
    settle()
    actions.remove_ssh_key(account.admin, SshKey.objects.get(sftp_account=account.sftp))
    with pytest.raises(paramiko.AuthenticationException):
        connect(sftp_server, account)


def test_passwords_are_never_accepted_and_no_command_runs(
    sftp_server: Running, account: Account
) -> None:
    transport = paramiko.Transport(("127.0.0.1", sftp_server.port))
    transport.start_client(timeout=20)
    try:
        with pytest.raises(paramiko.BadAuthenticationType) as refused:
            transport.auth_password(account.sftp.username, "Demo!Portal2026")
        assert refused.value.allowed_types == ["publickey"]
    finally:
        transport.close()
    with connect(sftp_server, account) as client, pytest.raises(paramiko.SSHException):
        client.exec_command("cat /etc/passwd", timeout=10)[1].read()


def test_the_host_key_is_kept_and_its_fingerprint_is_the_one_shown(
    sftp_server: Running, account: Account
) -> None:
    with connect(sftp_server, account) as client:
        key = client.get_transport().get_remote_server_key()
    shown = HostKey.objects.get().fingerprint
    digest = hashlib.sha256(key.asbytes()).digest()
    assert shown == "SHA256:" + base64.b64encode(digest).decode().rstrip("=")
    assert actions.host_key().fingerprint == shown  # the same key, not a new one
