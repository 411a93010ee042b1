"""Every upload streams through the one encrypting handler: no plaintext ever touches the
disk, every path checks content the same way and refuses with a reason a payroll clerk
understands, a virus scanner runs before a file is acknowledged, and a storage outage is
a clear error with nothing half-recorded."""

from __future__ import annotations

import os
import socket
import struct
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, cast

import pytest
from botocore.config import Config
from django.conf import LazySettings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory
from django.urls import reverse

from pensionportal.accounts.models import Role, StaffRole
from pensionportal.exchange.models import ExchangedFile
from pensionportal.files import scanning
from pensionportal.files import uploads as upload_module
from pensionportal.files.models import StoredFile
from pensionportal.files.uploads import EncryptingUploadHandler
from pensionportal.messaging.models import Attachment, Message
from pensionportal.remittances.models import BankImport
from pensionportal.reports.models import Report
from pensionportal.submissions.models import Submission
from tests.exchange.helpers import flash_texts, post_files
from tests.factories import make_org, make_staff, make_user
from tests.messaging.helpers import ensure_standard_mailboxes, mailbox, ooxml
from tests.stored import stored_names

from .samples import EICAR, LINUX_PROGRAM, MAC_PROGRAM, SCRIPT, WINDOWS_PROGRAM, zip_of

pytestmark = [pytest.mark.django_db, pytest.mark.storage]

MARKER = b"MARKER-SIN-046454286-"


@pytest.fixture
def temp_dir(tmp_path: Path, settings: LazySettings, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Django's and Python's temporary folders, pointed at an empty folder of this test."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(folder)
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    monkeypatch.setenv("TMPDIR", str(folder))
    return folder


def _holding(marker: bytes, *folders: Path) -> list[Path]:
    found = []
    for folder in folders:
        if not folder.exists():
            continue
        for path in folder.rglob("*"):
            if path.is_file() and marker in path.read_bytes():
                found.append(path)
    return found


def _compose(client: Client, org_pk: int, files: list[SimpleUploadedFile]) -> Any:
    return client.post(
        reverse("messaging:compose"),
        {
            "organization": org_pk,
            "mailbox": mailbox("data-management").pk,
            "subject": "Correction",
            "body": "See attached.",
            "attachments": files,
        },
    )


def test_a_6_mb_attachment_is_never_on_disk_in_clear_during_or_after_the_request(
    temp_dir: Path, settings: LazySettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    ensure_standard_mailboxes()
    org = make_org()
    user = make_user(org, [Role.COMMUNICATIONS])
    options = cast(dict[str, Any], settings.STORAGES["default"]["OPTIONS"])
    storage_dir = Path(options.get("location", "/nonexistent"))
    content = b"sin,name\n" + (MARKER + b",Zoe\n") * (6 * 1024 * 1024 // (len(MARKER) + 5))
    assert len(content) > 6_000_000
    seen_during: list[list[Path]] = []
    finish = upload_module.IncomingFile.finish

    def finish_and_look(self: upload_module.IncomingFile) -> Any:
        # Every byte has arrived and been stored: look at the disk before the answer.
        seen_during.append(_holding(MARKER, temp_dir, storage_dir))
        return finish(self)

    monkeypatch.setattr(upload_module.IncomingFile, "finish", finish_and_look)
    client = Client()
    client.force_login(user)
    response = _compose(client, org.pk, [SimpleUploadedFile("members.csv", content)])
    assert response.status_code == 302, response.content.decode()[:2000]
    attachment = Attachment.objects.get()
    assert attachment.size == len(content)
    assert seen_during == [[]]
    assert _holding(MARKER, temp_dir, storage_dir) == []
    assert _holding(MARKER[:12], temp_dir, storage_dir) == []


def test_the_disk_check_would_see_djangos_own_temporary_file(
    temp_dir: Path, settings: LazySettings
) -> None:
    """The check above can fail: with Django's default handlers the same body leaves the
    marker in a plaintext temporary file."""
    from django.core.files.uploadhandler import TemporaryFileUploadHandler

    content = MARKER * 200_000
    request = RequestFactory().post("/anywhere/", {"f": SimpleUploadedFile("members.csv", content)})
    request.upload_handlers = [TemporaryFileUploadHandler(request)]
    uploaded = request.FILES["f"]
    assert _holding(MARKER, temp_dir) != []
    assert not isinstance(uploaded, list)
    uploaded.close()


def test_a_page_that_did_not_declare_uploads_receives_no_file_and_writes_nothing(
    temp_dir: Path,
) -> None:
    request = RequestFactory().post(
        "/anywhere/", {"f": SimpleUploadedFile("members.csv", MARKER * 500_000), "x": "1"}
    )
    assert request.POST["x"] == "1"
    assert list(request.FILES) == []
    assert _holding(MARKER, temp_dir) == []
    assert stored_names() == []


# --- The same checks on every upload path ----------------------------------------------


def _employer() -> tuple[Any, Client]:
    org = make_org()
    user = make_user(org, [Role.FILE_UPLOAD, Role.COMMUNICATIONS])
    client = Client()
    client.force_login(user)
    return org, client


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("statement.pdf", WINDOWS_PROGRAM, "statement.pdf is a Windows program, not a PDF."),
        ("PAY_2026-01-15.csv", WINDOWS_PROGRAM, "PAY_2026-01-15.csv is a Windows program"),
        ("PAY_2026-01-15.csv", LINUX_PROGRAM, "is a Linux program, not a CSV file."),
        ("notes.txt", MAC_PROGRAM, "notes.txt is a Mac program"),
        ("run.txt", SCRIPT, "run.txt is a script (a program)"),
        ("data.zip", zip_of({"setup.exe": b"anything"}), "holds a program (setup.exe)"),
        (
            "data.zip",
            zip_of({"readme.txt": WINDOWS_PROGRAM}),
            "holds readme.txt, which is a Windows program",
        ),
        (
            "data.zip",
            zip_of({"inner.zip": zip_of({"a/b/tool.exe": b"x"})}),
            "holds a program (tool.exe)",
        ),
        (
            "budget.xlsx",
            ooxml("application/vnd.ms-excel.sheet.macroEnabled.main+xml"),
            "budget.xlsx contains macros",
        ),
        ("budget.xlsm", b"PK\x03\x04", "budget.xlsm contains macros"),
        ("letter.pdf", b"<html>not a pdf</html>", "letter.pdf is named .pdf but its content"),
        ("PAY_2026-01-15.csv", b"a,b\n\x00\x01\x02", "not a valid CSV file"),
    ],
)
def test_file_upload_refuses_programs_macros_and_disguised_files_and_stores_nothing(
    name: str, content: bytes, says: str
) -> None:
    org, client = _employer()
    response = post_files(
        client, reverse("exchange:upload"), {"organization": str(org.pk)}, [(name, content)]
    )
    texts = flash_texts(response)
    assert any(says in text for text in texts), texts
    assert not ExchangedFile.objects.exists()
    assert not StoredFile.objects.exists()
    assert stored_names() == []


def test_staff_deliveries_of_any_type_still_refuse_programs() -> None:
    org = make_org()
    client = Client()
    client.force_login(make_staff([StaffRole.DATA_MANAGEMENT]))
    response = post_files(
        client,
        reverse("exchange:deliver"),
        {"organization": str(org.pk), "category": "letter"},
        [("tool.bin", LINUX_PROGRAM), ("notes.unknown", b"plain words\n")],
    )
    texts = flash_texts(response)
    assert any("tool.bin is a program, and programs are not accepted." in t for t in texts), texts
    assert list(ExchangedFile.objects.values_list("name", flat=True)) == ["notes.unknown"]


def test_secure_messages_refuse_the_same_program() -> None:
    ensure_standard_mailboxes()
    org, client = _employer()
    response = _compose(client, org.pk, [SimpleUploadedFile("statement.pdf", WINDOWS_PROGRAM)])
    assert "statement.pdf is a Windows program, not a PDF." in response.content.decode()
    assert not Message.objects.exists()
    assert stored_names() == []


def test_the_pension_data_page_refuses_the_same_program() -> None:
    org, client = _employer()
    response = post_files(
        client,
        reverse("submissions:upload"),
        {"organization": str(org.pk)},
        [("PAY_2026-01-15.csv", WINDOWS_PROGRAM)],
        field="file",
    )
    assert any("is a Windows program" in text for text in flash_texts(response))
    assert not Submission.objects.exists()
    assert stored_names() == []


def test_the_bank_import_refuses_a_program_and_keeps_the_file_it_imports() -> None:
    staff = make_staff()
    client = Client()
    client.force_login(staff)
    url = reverse("remittances:bank_import")
    response = client.post(url, {"file": SimpleUploadedFile("bank.csv", WINDOWS_PROGRAM)})
    assert response.status_code == 400
    assert "bank.csv is a Windows program, not a CSV file." in response.content.decode()
    assert "This field is required" not in response.content.decode()
    assert stored_names() == []
    good = b"date,amount,reference\n2026-11-10,100.00,EFT-1\n"
    response = client.post(url, {"file": SimpleUploadedFile("bank.csv", good)})
    assert response.status_code == 302, response.content.decode()[:3000]
    imported = BankImport.objects.get()
    assert imported.file is not None
    assert imported.file.state == "kept"
    assert stored_names() == [imported.file.name]


def test_the_problem_report_upload_refuses_a_program() -> None:
    from pensionportal.buybacks.models import DeductionFileEmployer

    org, client = _employer()
    DeductionFileEmployer.objects.create(organization=org)
    response = client.post(
        reverse("buybacks:problem_report"),
        {"organization": org.pk, "file": SimpleUploadedFile("problems.csv", LINUX_PROGRAM)},
    )
    assert "problems.csv is a Linux program, not a CSV file." in response.content.decode()
    assert stored_names() == []


def test_report_publishing_refuses_a_program() -> None:
    org = make_org()
    client = Client()
    client.force_login(make_staff())
    response = post_files(
        client,
        reverse("reports:publish"),
        {"organization": str(org.pk), "title": "T", "kind": "other"},
        [("report.pdf", WINDOWS_PROGRAM)],
    )
    assert response.status_code == 400
    assert "report.pdf is a Windows program, not a PDF." in response.content.decode()
    assert not Report.objects.exists()
    assert stored_names() == []


# --- The virus scanner hook ---------------------------------------------------------------


class FakeScanner:
    def __init__(self, *, down: bool = False) -> None:
        self.down = down
        self.seen: list[bytes] = []

    def scan(self, stream: IO[bytes]) -> scanning.ScanResult:
        if self.down:
            raise scanning.ScannerUnavailable("connection refused")
        data = stream.read()
        self.seen.append(data)
        if EICAR in data:
            return scanning.ScanResult(clean=False, threat="Eicar-Test-Signature")
        return scanning.ScanResult(clean=True)


def test_the_scanner_sees_every_upload_before_it_is_acknowledged() -> None:
    org, client = _employer()
    scanner = FakeScanner()
    with scanning.use_scanner(scanner):
        response = post_files(
            client,
            reverse("exchange:upload"),
            {"organization": str(org.pk)},
            [("virus.txt", EICAR), ("clean.txt", b"hello\n")],
        )
    texts = flash_texts(response)
    assert any(
        "virus.txt was refused: the virus scanner found Eicar-Test-Signature." in t for t in texts
    ), texts
    assert scanner.seen == [EICAR, b"hello\n"]
    assert list(ExchangedFile.objects.values_list("name", flat=True)) == ["clean.txt"]
    assert len(stored_names()) == 1


def test_a_scanner_that_cannot_be_reached_refuses_the_file() -> None:
    org, client = _employer()
    with scanning.use_scanner(FakeScanner(down=True)):
        response = post_files(
            client, reverse("exchange:upload"), {"organization": str(org.pk)}, [("a.txt", b"x\n")]
        )
    assert any("could not be checked for viruses" in t for t in flash_texts(response))
    assert not ExchangedFile.objects.exists()
    assert stored_names() == []


@pytest.fixture
def fake_clamd(tmp_path: Path) -> Iterator[tuple[str, list[bytes]]]:
    """A Unix socket answering clamd's INSTREAM protocol, so the pinned clamav-client
    library itself is exercised (a real clamd needs virus signatures from the network)."""
    path = str(tmp_path / "clamd.sock")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(4)
    received: list[bytes] = []
    stop = threading.Event()

    def serve() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except TimeoutError:
                continue
            with connection:
                command = b""
                while not command.endswith(b"\n") and not command.endswith(b"\0"):
                    command += connection.recv(1)
                data = b""
                while True:
                    header = b""
                    while len(header) < 4:
                        header += connection.recv(4 - len(header))
                    (size,) = struct.unpack("!L", header)
                    if size == 0:
                        break
                    chunk = b""
                    while len(chunk) < size:
                        chunk += connection.recv(size - len(chunk))
                    data += chunk
                received.append(data)
                verdict = b"stream: Eicar-Test-Signature FOUND" if EICAR in data else b"stream: OK"
                connection.sendall(verdict + b"\n")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield path, received
    stop.set()
    thread.join(timeout=5)
    server.close()
    os.unlink(path)


def test_with_a_clamd_socket_set_uploads_are_scanned_through_the_real_client(
    settings: LazySettings, fake_clamd: tuple[str, list[bytes]]
) -> None:
    path, received = fake_clamd
    settings.CLAMD_SOCKET = path
    org, client = _employer()
    response = post_files(
        client,
        reverse("exchange:upload"),
        {"organization": str(org.pk)},
        [("virus.txt", EICAR), ("clean.csv", b"a,b\n1,2\n")],
    )
    texts = flash_texts(response)
    assert any("the virus scanner found Eicar-Test-Signature" in t for t in texts), texts
    assert received == [EICAR, b"a,b\n1,2\n"]
    assert list(ExchangedFile.objects.values_list("name", flat=True)) == ["clean.csv"]


# --- A storage outage ---------------------------------------------------------------------


def test_a_storage_outage_during_upload_is_a_clear_error_and_records_nothing(
    settings: LazySettings,
) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "pensionportal.files.backends.S3Storage",
            "OPTIONS": {
                "bucket_name": "portal",
                "endpoint_url": "http://127.0.0.1:9",
                "client_config": Config(connect_timeout=1, retries={"max_attempts": 1}),
                "access_key": "x",
                "secret_key": "y",
                "region_name": "us-east-1",
            },
        },
    }
    org, client = _employer()
    response = post_files(
        client,
        reverse("exchange:upload"),
        {"organization": str(org.pk)},
        [("PAY_2026-01-15.csv", b"a,b\n" * 10), ("second.csv", b"c,d\n")],
    )
    texts = flash_texts(response)
    assert any("The file store cannot be reached just now" in t for t in texts), texts
    assert response.status_code == 302
    assert not ExchangedFile.objects.exists()
    assert not StoredFile.objects.exists()


def test_the_handler_is_the_only_one_installed_on_upload_pages() -> None:
    org, client = _employer()
    seen: list[Any] = []
    original = EncryptingUploadHandler.new_file

    def spy(self: EncryptingUploadHandler, *args: Any, **kwargs: Any) -> None:
        seen.append(list(self.request.upload_handlers) if self.request else None)
        original(self, *args, **kwargs)

    EncryptingUploadHandler.new_file = spy  # type: ignore[method-assign]
    try:
        post_files(
            client, reverse("exchange:upload"), {"organization": str(org.pk)}, [("a.csv", b"x,y\n")]
        )
    finally:
        EncryptingUploadHandler.new_file = original  # type: ignore[method-assign]
    assert len(seen) == 1
    assert len(seen[0]) == 1
    assert isinstance(seen[0][0], EncryptingUploadHandler)
