"""Writing messages through the pages: bad input is refused beside its field with nothing
stored; attachments are checked, encrypted, and downloaded safely with an audit row."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import LazySettings
from django.core import mail
from django.test import Client
from django.urls import reverse

from pensionportal.accounts.models import Role
from pensionportal.audit.models import AuditEvent
from pensionportal.messaging.models import Attachment, Message, Thread
from tests.factories import add_membership, make_org, make_staff, make_user
from tests.stored import plaintext, raw_bytes, stored_names

from .conftest import World
from .helpers import CSV_BYTES, PDF_BYTES, PNG_BYTES, mailbox, upload

pytestmark = pytest.mark.storage


def _stored_files() -> list[str]:
    return stored_names()


def _compose(client: Client, **fields: Any) -> Any:
    data: dict[str, Any] = {
        "mailbox": mailbox("data-management").pk,
        "subject": "Record of employment",
        "body": "Attention: Jane Doe. Please see attached.",
    }
    data.update(fields)
    return client.post(reverse("messaging:compose"), data)


@pytest.fixture
def writer(db: None) -> Any:
    org = make_org("Writer Org")
    return org, make_user(org, [Role.COMMUNICATIONS])


def test_the_compose_page_warns_that_messages_are_not_private(client: Client, writer: Any) -> None:
    _org, user = writer
    client.force_login(user)
    page = client.get(reverse("messaging:compose")).content.decode()
    assert "can be viewed by any member of the plan administrator" in page
    assert "Attention: their name" in page
    assert 'type="file"' in page
    assert "multiple" in page


def test_an_employer_writes_with_several_attachments(client: Client, writer: Any) -> None:
    org, user = writer
    client.force_login(user)
    response = _compose(
        client,
        organization=org.pk,
        attachments=[upload("roe.pdf", PDF_BYTES), upload("members.csv", CSV_BYTES)],
    )
    thread = Thread.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("messaging:thread", args=[thread.reference])
    files = list(Attachment.objects.filter(message__thread=thread))
    assert [f.filename for f in files] == ["roe.pdf", "members.csv"]
    assert [f.kind for f in files] == ["PDF", "CSV"]
    for file, content in zip(files, [PDF_BYTES, CSV_BYTES], strict=True):
        assert raw_bytes(file.file) != content
        assert content not in raw_bytes(file.file)
        assert plaintext(file.file) == content
        assert "/" not in file.filename
        assert file.file is not None
        assert file.file.name != file.filename
    assert AuditEvent.objects.filter(
        action="messaging.thread_started", target=thread.reference
    ).exists()


@pytest.mark.parametrize(
    ("fields", "field_message"),
    [
        ({"subject": ""}, "Enter a subject."),
        ({"subject": "   "}, "Enter a subject."),
        ({"body": ""}, "Enter a message."),
        ({"body": "  \n "}, "Enter a message."),
        ({"mailbox": "999999"}, "Choose one of the mailboxes listed."),
        ({"mailbox": "not-a-number"}, "Choose one of the mailboxes listed."),
        ({"subject": "x" * 201}, "at most 200 characters"),
    ],
)
def test_it_refuses_bad_input_beside_the_field_and_stores_nothing(
    client: Client, writer: Any, fields: dict[str, Any], field_message: str
) -> None:
    org, user = writer
    client.force_login(user)
    response = _compose(
        client, organization=org.pk, attachments=[upload("a.pdf", PDF_BYTES)], **fields
    )
    assert response.status_code == 200
    assert field_message in response.content.decode()
    assert Thread.objects.count() == 0
    assert Message.objects.count() == 0
    assert _stored_files() == []


def test_it_refuses_a_forged_organization(client: Client, writer: Any) -> None:
    _, user = writer
    other = make_org("Someone Else")
    client.force_login(user)
    response = _compose(client, organization=other.pk)
    assert "Choose one of the organizations listed." in response.content.decode()
    assert Thread.objects.count() == 0


def test_a_user_of_several_organizations_picks_the_one_to_write_for(
    client: Client, writer: Any
) -> None:
    _org, user = writer
    second = make_org("Second Org")
    third = make_org("Payroll Only Org")
    add_membership(user, second, [Role.FILE_UPLOAD])
    add_membership(user, third, [Role.PAYROLL_MANAGER])
    client.force_login(user)
    page = client.get(reverse("messaging:compose")).content.decode()
    assert "Second Org" in page
    assert "Writer Org" in page
    assert "Payroll Only Org" not in page
    assert (
        "Choose one of the organizations listed."
        in _compose(client, organization=third.pk).content.decode()
    )
    _compose(client, organization=second.pk)
    assert Thread.objects.get().organization == second


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("tool.exe", b"MZ\x90\x00\x03", "not an accepted type"),
        ("report.pdf", b"MZ\x90\x00\x03", "report.pdf is a Windows program, not a PDF."),
        ("photo.png", PDF_BYTES, "not a valid PNG"),
        ("empty.pdf", b"", "is empty"),
    ],
)
def test_it_refuses_disallowed_attachments_and_stores_nothing(
    client: Client, writer: Any, name: str, content: bytes, says: str
) -> None:
    org, user = writer
    client.force_login(user)
    response = _compose(
        client,
        organization=org.pk,
        attachments=[upload("fine.png", PNG_BYTES), upload(name, content)],
    )
    assert says in response.content.decode()
    assert Thread.objects.count() == 0
    assert _stored_files() == []


def test_it_refuses_an_oversized_attachment_and_stores_nothing(
    client: Client, writer: Any, settings: LazySettings
) -> None:
    settings.MESSAGING_MAX_ATTACHMENT_BYTES = 1024 * 1024
    org, user = writer
    client.force_login(user)
    big = PDF_BYTES + b"0" * (1024 * 1024)
    response = _compose(client, organization=org.pk, attachments=[upload("big.pdf", big)])
    assert "big.pdf is too large: the limit is 1 MB a file." in response.content.decode()
    assert Thread.objects.count() == 0
    assert _stored_files() == []


def test_it_refuses_too_many_attachments(
    client: Client, writer: Any, settings: LazySettings
) -> None:
    settings.MESSAGING_MAX_ATTACHMENTS = 2
    org, user = writer
    client.force_login(user)
    files = [upload(f"{n}.pdf", PDF_BYTES) for n in range(3)]
    response = _compose(client, organization=org.pk, attachments=files)
    assert "2.pdf was not accepted: at most 2 files can be sent at once." in (
        response.content.decode()
    )
    assert Thread.objects.count() == 0


def test_a_bad_reply_is_refused_beside_the_field(client: Client, world: World) -> None:
    client.force_login(world.alice)
    a = world.thread_a
    response = client.post(
        reverse("messaging:reply", args=[a.reference]),
        {"body": " ", "attachments": [upload("x.docx", PDF_BYTES)]},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Enter a message." in page
    assert "not a valid DOCX" in page
    assert a.messages.count() == 1


def test_attachments_download_safely_and_each_download_is_audited(
    client: Client, world: World
) -> None:
    file = Attachment.objects.get(message__thread=world.thread_a)
    url = reverse("messaging:download", args=[world.thread_a.reference, file.pk])
    client.force_login(world.staff)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES  # type: ignore[attr-defined]
    assert response["Content-Disposition"] == 'attachment; filename="a.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    events = AuditEvent.objects.filter(action="messaging.attachment_downloaded")
    assert events.count() == 1
    assert events.get().actor == world.staff
    client.get(url)
    assert events.count() == 2


def test_staff_start_a_thread_to_an_organization(
    client: Client, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    comms = make_user(world.org_b, [Role.COMMUNICATIONS])
    client.force_login(world.staff)
    page = client.get(reverse("messaging:compose")).content.decode()
    assert "To organization" in page
    assert "From mailbox" in page
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = _compose(client, organization=world.org_b.pk, body="Please send the ROE.")
    assert response.status_code == 302
    thread = Thread.objects.get(started_by_staff=True)
    assert thread.organization == world.org_b
    assert thread.respond_by is None
    client.force_login(comms)
    assert thread.reference in client.get(reverse("messaging:index")).content.decode()
    assert sorted(m.to[0] for m in mail.outbox) == sorted([comms.email, world.bob.email])


def test_thread_by_id_redirects_to_the_reference(client: Client, world: World) -> None:
    client.force_login(world.alice)
    response = client.get(reverse("messaging:thread_by_id", args=[world.thread_a.pk]))
    assert response["Location"] == reverse("messaging:thread", args=[world.thread_a.reference])


def test_staff_who_is_not_active_gets_nothing(client: Client, world: World) -> None:
    gone = make_staff()
    gone.is_active = False
    gone.save()
    client.force_login(gone)
    response = client.get(reverse("messaging:index"))
    assert response.status_code in (302, 403)
