"""Request bodies are capped before they are read (files/middleware.py): a few KB for a
request without a signed-in user, an ordinary form's size for a signed-in one, and an
upload page's own maximum; a declared length over the cap is answered at once (413, a
page in the portal's layout), a body without a length is counted and cut."""

from __future__ import annotations

import contextlib
import socket
from typing import Any

import pytest
from django.conf import LazySettings
from django.test import Client
from django.urls import reverse

from pensionportal.accounts.models import Role
from pensionportal.exchange.models import ExchangedFile
from tests.exchange.helpers import BOUNDARY, multipart
from tests.factories import make_org, make_user
from tests.stored import stored_names

pytestmark = pytest.mark.django_db

GIB = 1024 * 1024 * 1024
MB = 1024 * 1024


class EndlessBody:
    """A request body that never ends, counting what the server reads of it."""

    def __init__(self, limit: int | None = None) -> None:
        self.read_bytes = 0
        self.limit = limit

    def _give(self, size: int) -> bytes:
        if self.limit is not None:
            size = min(size, self.limit - self.read_bytes)
        size = max(0, size)
        self.read_bytes += size
        return b"a" * size

    def read(self, size: int = -1) -> bytes:
        return self._give(64 * 1024 if size is None or size < 0 else size)

    def readline(self, size: int = -1) -> bytes:
        return self.read(size)


def _post_declared(client: Client, url: str, length: int, body: Any, **extra: str) -> Any:
    return client.generic(
        "POST",
        url,
        b"",
        content_type="application/x-www-form-urlencoded",
        CONTENT_LENGTH=str(length),
        **{"wsgi.input": body, **extra},
    )


def test_an_anonymous_1_gib_post_to_the_sign_in_page_is_answered_without_reading_it() -> None:
    body = EndlessBody()
    response = _post_declared(Client(), reverse("account_login"), GIB, body)
    assert response.status_code == 413
    page = response.content.decode()
    assert "What you sent is too large" in page
    assert "8 KB" in page
    assert "<main" in page  # the portal's layout
    assert body.read_bytes == 0


def test_an_anonymous_sign_in_of_ordinary_size_still_works() -> None:
    response = Client().post(reverse("account_login"), {"login": "a@b.c", "password": "x"})
    assert response.status_code == 200
    assert "too large" not in response.content.decode()


def test_a_signed_in_ordinary_form_is_capped_at_the_form_limit(settings: LazySettings) -> None:
    org = make_org()
    client = Client()
    client.force_login(make_user(org, [Role.COMMUNICATIONS]))
    body = EndlessBody()
    url = reverse("messaging:index")
    too_big = settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1
    response = _post_declared(client, url, too_big, body)
    assert response.status_code == 413
    assert "3 MB" in response.content.decode() or "2 MB" in response.content.decode()
    assert body.read_bytes == 0


def test_an_upload_page_accepts_up_to_its_own_limit_and_refuses_beyond_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PORTAL_EXCHANGE_MAX_FILE_MB", "2")
    monkeypatch.setenv("PORTAL_EXCHANGE_MAX_FILES", "2")
    org = make_org()
    client = Client()
    client.force_login(make_user(org, [Role.FILE_UPLOAD]))
    url = reverse("exchange:upload")
    # 2 files of 2 MB plus 1 MB for the form: 5 MB.
    body = EndlessBody()
    response = _post_declared(client, url, 5 * MB + 1, body)
    assert response.status_code == 413
    assert body.read_bytes == 0
    # Within the limit (more than an ordinary form may carry) it is read and stored.
    first, second = b"a,b\n" * (400 * 1024), b"c,d\n" * (400 * 1024)  # 1.6 MB each
    data = multipart({"organization": str(org.pk)}, [("one.csv", first), ("two.csv", second)])
    assert len(data) > 3 * MB
    response = client.post(url, data=data, content_type=f"multipart/form-data; boundary={BOUNDARY}")
    assert response.status_code == 302
    assert sorted(ExchangedFile.objects.values_list("size", flat=True)) == [len(first)] * 2


def _chunked(client: Client, url: str, body: Any, content_type: str) -> Any:
    """As gunicorn passes on a `Transfer-Encoding: chunked` body: no CONTENT_LENGTH."""
    environ = {
        "wsgi.input": body,
        "HTTP_TRANSFER_ENCODING": "chunked",
        "CONTENT_TYPE": content_type,
        "REQUEST_METHOD": "POST",
    }
    request = client._base_environ(PATH_INFO=url, **environ)  # type: ignore[attr-defined]
    request.pop("CONTENT_LENGTH", None)
    return client.request(**request)


def test_a_body_without_a_length_is_counted_and_cut_at_the_same_limit() -> None:
    body = EndlessBody()
    response = _chunked(
        Client(), reverse("account_login"), body, "application/x-www-form-urlencoded"
    )
    assert response.status_code == 413
    assert body.read_bytes <= 8 * 1024 + 64 * 1024


def test_a_chunked_upload_within_the_limit_is_streamed_and_stored() -> None:
    org = make_org()
    client = Client()
    client.force_login(make_user(org, [Role.FILE_UPLOAD]))
    data = multipart({"organization": str(org.pk)}, [("small.csv", b"a,b\n1,2\n")])

    class Body:
        def __init__(self) -> None:
            self.rest = data

        def read(self, size: int = -1) -> bytes:
            size = len(self.rest) if size is None or size < 0 else size
            part, self.rest = self.rest[:size], self.rest[size:]
            return part

        def readline(self, size: int = -1) -> bytes:
            return self.read(size)

    response = _chunked(
        client, reverse("exchange:upload"), Body(), f"multipart/form-data; boundary={BOUNDARY}"
    )
    assert response.status_code == 302
    assert ExchangedFile.objects.get().name == "small.csv"


def test_a_chunked_upload_over_the_limit_is_cut_and_leaves_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PORTAL_EXCHANGE_MAX_FILE_MB", "1")
    monkeypatch.setenv("PORTAL_EXCHANGE_MAX_FILES", "1")
    org = make_org()
    client = Client()
    client.force_login(make_user(org, [Role.FILE_UPLOAD]))
    head = multipart({"organization": str(org.pk)}, [("big.csv", b"")]).rsplit(b"\r\n", 2)[0]

    class Body:
        def __init__(self) -> None:
            self.sent = 0

        def read(self, size: int = -1) -> bytes:
            size = 64 * 1024 if size is None or size < 0 else size
            if self.sent == 0:
                self.sent = len(head)
                return head[:size]
            self.sent += size
            return b"x" * size

        def readline(self, size: int = -1) -> bytes:
            return self.read(size)

    body = Body()
    response = _chunked(
        client, reverse("exchange:upload"), body, f"multipart/form-data; boundary={BOUNDARY}"
    )
    assert response.status_code == 413
    assert body.sent <= 2 * MB + 256 * 1024
    assert not ExchangedFile.objects.exists()
    assert stored_names() == []


@pytest.mark.django_db(transaction=True)
def test_a_real_server_answers_a_1_gib_declared_body_after_at_most_a_few_mb(
    live_server: Any,
) -> None:
    host, port = live_server.thread.host, live_server.thread.port
    with socket.create_connection((host, port), timeout=20) as connection:
        connection.sendall(
            b"POST /accounts/login/ HTTP/1.1\r\nHost: localhost\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n"
            + f"Content-Length: {GIB}\r\n\r\n".encode()
        )
        sent = 0
        answer = b""
        connection.settimeout(0.05)
        while sent < 4 * MB and b"\r\n\r\n" not in answer:
            try:
                connection.sendall(b"a" * (64 * 1024))
                sent += 64 * 1024
            except OSError:
                break
            with contextlib.suppress(TimeoutError, BlockingIOError):
                answer += connection.recv(65536)
        connection.settimeout(10)
        while b"\r\n\r\n" not in answer:
            chunk = connection.recv(65536)
            if not chunk:
                break
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert sent <= 4 * MB
