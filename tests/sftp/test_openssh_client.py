"""Debian's OpenSSH `sftp` client in batch mode against the product's SFTP server: a
payroll system sends a PAY file, sees it become a submission, fetches the problem report
from outbox/, and cannot leave its root."""

from __future__ import annotations

from pathlib import Path

import pytest

from pensionportal.audit.models import AuditEvent
from pensionportal.submissions.models import Source, Status, Submission
from tests.submissions.helpers import pay_file, pay_row

from .conftest import Account, Running, employer_with_sftp, new_key, run_batch

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture
def account(tmp_path: Path) -> Account:
    return employer_with_sftp(tmp_path)


def test_a_pay_file_put_in_inbox_becomes_a_submission_and_its_report_comes_back(
    sftp_server: Running, account: Account, tmp_path: Path
) -> None:
    (tmp_path / "PAY_2026-03-13.csv").write_bytes(
        pay_file([pay_row("E1"), pay_row("NOBODY")], amount="1.00")
    )
    put = run_batch(
        sftp_server, account, tmp_path, "put PAY_2026-03-13.csv inbox/\nls -l outbox/results\n"
    )
    assert put.returncode == 0, put.stderr
    submission = Submission.objects.get(organization=account.org)
    assert submission.source == Source.SFTP
    assert submission.filename == "PAY_2026-03-13.csv"
    assert submission.status == Status.REJECTED  # NOBODY is no member
    assert f"{submission.reference}_PAY_2026-03-13.problems.csv" in put.stdout
    (tmp_path / "fetched").mkdir()
    got = run_batch(
        sftp_server,
        account,
        tmp_path,
        "lcd fetched\nget outbox/results/*PAY_2026-03-13.problems.csv\n"
        "get outbox/results/*PAY_2026-03-13.status.txt\n",
    )
    assert got.returncode == 0, got.stderr
    report = (
        tmp_path / "fetched" / f"{submission.reference}_PAY_2026-03-13.problems.csv"
    ).read_text(encoding="utf-8-sig")
    assert "NOBODY" in report
    status = (
        tmp_path / "fetched" / f"{submission.reference}_PAY_2026-03-13.status.txt"
    ).read_text()
    assert "Status: Rejected: errors to fix" in status
    assert AuditEvent.objects.filter(
        action="submissions.problem_report_downloaded", target=submission.reference
    ).exists()
    assert AuditEvent.objects.filter(action="sftp.signed_in").exists()


def test_the_root_holds_only_inbox_and_outbox(
    sftp_server: Running, account: Account, tmp_path: Path
) -> None:
    listed = run_batch(sftp_server, account, tmp_path, "ls -1a /\nls -1 outbox\npwd\n")
    assert listed.returncode == 0, listed.stderr
    names = [line.strip() for line in listed.stdout.splitlines() if not line.startswith("sftp>")]
    assert names[:7] == [
        "/.",
        "/..",
        "/inbox",
        "/outbox",
        "outbox/files",
        "outbox/reports",
        "outbox/results",
    ]
    assert "Remote working directory: /" in listed.stdout


@pytest.mark.parametrize(
    ("command", "answer"),
    [
        ("get ../../../../etc/passwd", "not found"),
        ("get /etc/passwd", "not found"),
        ("get outbox/../../etc/hostname", "not found"),
        ("cd /etc", "No such file"),
        ("ls /home", "not found"),
        ("symlink /etc/passwd inbox/passwd", "Permission denied"),
        ("ln -s /etc/passwd inbox/passwd", "Permission denied"),
        ("mkdir inbox/sub", "Permission denied"),
        ("put PAY.csv ../PAY.csv", "Permission denied"),
        ("put PAY.csv /PAY.csv", "Permission denied"),
        ("put PAY.csv outbox/results/PAY.csv", "Permission denied"),
        ("rm outbox", "Permission denied"),
        ("rename outbox/files inbox/x", "Permission denied"),
    ],
)
def test_nothing_outside_the_root_can_be_reached_and_no_link_made(
    sftp_server: Running, account: Account, tmp_path: Path, command: str, answer: str
) -> None:
    (tmp_path / "PAY.csv").write_bytes(pay_file([pay_row("E1")]))
    result = run_batch(sftp_server, account, tmp_path, command + "\n")
    assert result.returncode != 0, (command, result.stdout)
    assert answer in result.stderr, (command, result.stderr)
    assert not (tmp_path / "passwd").exists()
    assert not (tmp_path / "hostname").exists()
    assert not Submission.objects.exists()


def test_an_unknown_key_and_another_organizations_account_are_refused(
    sftp_server: Running, account: Account, tmp_path: Path
) -> None:
    stranger = new_key(tmp_path, "stranger")
    refused = run_batch(sftp_server, account, tmp_path, "ls\n", key=stranger)
    assert refused.returncode != 0
    assert "Permission denied" in refused.stderr
    other = employer_with_sftp(tmp_path, "Other Employer")
    crossed = run_batch(sftp_server, other, tmp_path, "ls\n", key=account.key)
    assert crossed.returncode != 0


def test_a_refused_file_leaves_its_reason_in_outbox_results(
    sftp_server: Running, account: Account, tmp_path: Path
) -> None:
    (tmp_path / "PAY.csv").write_bytes(
        b"MZ\x90\x00" + b"\x00" * 56 + b"\x40\x00\x00\x00" + b"PE\x00\x00" + b"\x00" * 200
    )
    put = run_batch(sftp_server, account, tmp_path, "put PAY.csv inbox/\n")
    assert put.returncode != 0
    assert not Submission.objects.exists()
    listed = run_batch(
        sftp_server, account, tmp_path, "ls outbox/results\nget outbox/results/REFUSED-*\n"
    )
    assert listed.returncode == 0, listed.stderr
    (text,) = [p.read_text() for p in tmp_path.glob("REFUSED-*_PAY.csv.txt")]
    assert "Windows program" in text
