from __future__ import annotations

import hashlib
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from pensionportal.accounts.models import Organization, User
from pensionportal.audit.models import AuditEvent
from pensionportal.exchange.models import Category, ExchangedFile, FileNotice, Status
from tests.stored import plaintext, raw_bytes, raw_bytes_named, stored_names

from .helpers import flash_texts, post_files

PAY_CSV = (
    b"Employee ID,Last Name,First Name,Contribution Type,Pensionable Hours,Pensionable Pay,"
    b"Employee Regular Contribution,Employer Regular Contribution\n"
    b"C000001,ALASTNAME,ANNA,N,75,2500.00,75.00,75.00\n"
)

CaptureCallbacks = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]

pytestmark = [pytest.mark.django_db, pytest.mark.storage]


def _login(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_upload_is_encrypted_listed_notified_and_receipted(
    org: Organization,
    uploader: User,
    staff: User,
    storage: Path,
    django_capture_on_commit_callbacks: CaptureCallbacks,
) -> None:
    client = _login(uploader)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_files(
            client,
            reverse("exchange:upload"),
            {"organization": str(org.pk)},
            [("pay.csv", PAY_CSV)],
        )
    upload = ExchangedFile.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("exchange:receipt") + f"?ids={upload.pk}"
    assert upload.sha256 == hashlib.sha256(PAY_CSV).hexdigest()
    assert upload.size == len(PAY_CSV)
    assert upload.status == Status.RECEIVED
    assert upload.detected_template == "PAY"
    assert upload.category == Category.PENSION_DATA
    # Encrypted at rest under a random name: the plaintext is nowhere on disk.
    raw = raw_bytes(upload.file)
    assert b"ALASTNAME" not in raw
    assert raw != PAY_CSV
    assert upload.file is not None
    assert "pay" not in upload.file.name.lower()
    assert plaintext(upload.file) == PAY_CSV
    assert all(b"ALASTNAME" not in raw_bytes_named(name) for name in stored_names())
    # Staff are told in the portal and by a content-free e-mail; the uploader gets a receipt.
    assert FileNotice.objects.filter(file=upload, recipient=staff, read_at=None).exists()
    staff_mail = [m for m in mail.outbox if m.to == [staff.email]]
    assert len(staff_mail) == 1
    assert "pay.csv" not in staff_mail[0].body
    assert "ALASTNAME" not in staff_mail[0].body
    receipt_mail = [m for m in mail.outbox if m.to == [uploader.email]]
    assert upload.sha256 in receipt_mail[0].body
    assert "ALASTNAME" not in receipt_mail[0].body
    receipt = client.get(response["Location"])
    assert upload.sha256 in receipt.content.decode()
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"exchange.file_uploaded", "exchange.pension_data_file_recognised"} <= actions


def test_several_files_are_uploaded_at_once(
    org: Organization, uploader: User, staff: User, storage: Path
) -> None:
    response = post_files(
        _login(uploader),
        reverse("exchange:upload"),
        {"organization": str(org.pk)},
        [("a.csv", b"one\n"), ("b.txt", b"two\n"), ("ENROL_2026.csv", b"three\n")],
    )
    assert response.status_code == 302
    assert sorted(ExchangedFile.objects.values_list("name", flat=True)) == [
        "ENROL_2026.csv",
        "a.csv",
        "b.txt",
    ]
    assert ExchangedFile.objects.get(name="ENROL_2026.csv").detected_template == "ENROL"
    assert len(stored_names()) == 3


def test_the_progress_script_gets_json_with_the_next_page(
    org: Organization, uploader: User, storage: Path
) -> None:
    response = post_files(
        _login(uploader),
        reverse("exchange:upload"),
        {"organization": str(org.pk)},
        [("a.csv", b"x\n")],
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 200
    assert response.json()["redirect"].startswith(reverse("exchange:receipt"))


def test_it_refuses_an_empty_file_and_stores_nothing(
    org: Organization, uploader: User, storage: Path
) -> None:
    response = post_files(
        _login(uploader),
        reverse("exchange:upload"),
        {"organization": str(org.pk)},
        [("e.csv", b"")],
    )
    assert response.status_code == 302
    assert any("empty" in text for text in flash_texts(response))
    assert not ExchangedFile.objects.exists()
    assert stored_names() == []


def test_it_refuses_an_oversize_file_at_the_limit_and_keeps_nothing(
    org: Organization, uploader: User, storage: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PORTAL_EXCHANGE_MAX_FILE_MB", "1")
    big = b"x" * (1024 * 1024 + 1)
    response = post_files(
        _login(uploader),
        reverse("exchange:upload"),
        {"organization": str(org.pk)},
        [("big.csv", big), ("small.csv", b"ok\n")],
    )
    texts = flash_texts(response)
    assert any("big.csv" in text and "too large" in text and "1 MB" in text for text in texts)
    assert list(ExchangedFile.objects.values_list("name", flat=True)) == ["small.csv"]
    assert len(stored_names()) == 1


def test_it_refuses_an_oversize_request_from_its_length_before_reading_it(
    org: Organization, uploader: User, storage: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PORTAL_EXCHANGE_MAX_FILE_MB", "1")
    monkeypatch.setenv("PORTAL_EXCHANGE_MAX_FILES", "1")
    response = post_files(
        _login(uploader),
        reverse("exchange:upload"),
        {"organization": str(org.pk)},
        [("big.csv", b"x" * (3 * 1024 * 1024))],
    )
    # The body-size middleware answers before the body is read (a page in the layout).
    assert response.status_code == 413
    assert "too large" in response.content.decode()
    assert "1 MB" in response.content.decode() or "2 MB" in response.content.decode()
    assert not ExchangedFile.objects.exists()
    assert stored_names() == []


@pytest.mark.parametrize(
    ("sent_name", "kept_name"),
    [
        ("../../etc/passwd.csv", "passwd.csv"),
        ("..\\..\\windows\\evil.csv", "evil.csv"),
        ("pay\x07roll\x1b.csv", "payroll.csv"),
    ],
)
def test_a_path_or_control_characters_never_reach_the_stored_name(
    org: Organization, uploader: User, storage: Path, sent_name: str, kept_name: str
) -> None:
    post_files(
        _login(uploader),
        reverse("exchange:upload"),
        {"organization": str(org.pk)},
        [(sent_name, b"data\n")],
    )
    upload = ExchangedFile.objects.get()
    assert upload.name == kept_name
    # The bytes went only into the file store, under a random name.
    assert upload.file is not None
    assert stored_names() == [upload.file.name]
    assert not (storage.parent / "etc").exists()


@pytest.mark.parametrize("name", ["..", ".", "...", ". .", "....csv"])
def test_it_refuses_a_name_made_only_of_dots(
    org: Organization, uploader: User, storage: Path, name: str
) -> None:
    response = post_files(
        _login(uploader), reverse("exchange:upload"), {"organization": str(org.pk)}, [(name, b"x")]
    )
    texts = flash_texts(response)
    if name == "....csv":
        # Dots then an extension is an ordinary (if odd) name.
        assert ExchangedFile.objects.count() == 1
        return
    assert any("dots" in text for text in texts), texts
    assert not ExchangedFile.objects.exists()
    assert stored_names() == []


def test_it_refuses_a_file_type_that_is_not_allowed(
    org: Organization, uploader: User, storage: Path
) -> None:
    response = post_files(
        _login(uploader),
        reverse("exchange:upload"),
        {"organization": str(org.pk)},
        [("setup.exe", b"MZ...")],
    )
    assert any(
        "setup.exe is not an accepted type of file" in text and ".exe" in text
        for text in flash_texts(response)
    ), flash_texts(response)
    assert stored_names() == []


def test_an_identical_file_is_refused_as_a_duplicate_unless_sent_anyway(
    org: Organization, uploader: User, storage: Path
) -> None:
    client = _login(uploader)
    url = reverse("exchange:upload")
    post_files(client, url, {"organization": str(org.pk)}, [("pay.csv", PAY_CSV)])
    first = ExchangedFile.objects.get()

    response = post_files(client, url, {"organization": str(org.pk)}, [("again.csv", PAY_CSV)])
    assert any("duplicate" in text and first.reference in text for text in flash_texts(response))
    assert ExchangedFile.objects.count() == 1
    assert len(stored_names()) == 1

    post_files(
        client, url, {"organization": str(org.pk), "send_anyway": "on"}, [("again.csv", PAY_CSV)]
    )
    second = ExchangedFile.objects.exclude(pk=first.pk).get()
    assert second.possible_duplicate_of == first
    assert "Possible duplicate" in client.get(reverse("exchange:index")).content.decode()


def test_it_refuses_files_for_an_organization_the_user_is_not_in(
    uploader: User, other_org: Organization, storage: Path
) -> None:
    response = post_files(
        _login(uploader),
        reverse("exchange:upload"),
        {"organization": str(other_org.pk)},
        [("a.csv", b"x")],
    )
    assert response.status_code == 302
    assert any("organization" in text for text in flash_texts(response))
    assert not ExchangedFile.objects.exists()
    assert stored_names() == []


def test_a_request_failing_the_csrf_check_leaves_nothing_behind(
    org: Organization, uploader: User, storage: Path
) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(uploader)
    response = post_files(
        client, reverse("exchange:upload"), {"organization": str(org.pk)}, [("a.csv", b"x")]
    )
    assert response.status_code == 403
    assert not ExchangedFile.objects.exists()
    assert stored_names() == []


def test_no_file_at_all_gets_a_clear_message(org: Organization, uploader: User) -> None:
    response = post_files(
        _login(uploader), reverse("exchange:upload"), {"organization": str(org.pk)}, []
    )
    assert any("No file arrived" in text for text in flash_texts(response))
