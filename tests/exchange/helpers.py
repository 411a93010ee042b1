"""Building multipart bodies by hand, so a test can send any file name (Django's test client
would strip a path from it before the server ever saw it)."""

from __future__ import annotations

from typing import Any

from django.test import Client

BOUNDARY = "----exchange-test-boundary"


def multipart(
    fields: dict[str, str], files: list[tuple[str, bytes]], field: str = "files"
) -> bytes:
    parts: list[bytes] = []
    for name, value in fields.items():
        parts.append(
            f"--{BOUNDARY}\r\n"
            f'Content-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    for filename, content in files:
        header = (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{field}"; '
            f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
        )
        parts.append(header.encode() + content + b"\r\n")
    parts.append(f"--{BOUNDARY}--\r\n".encode())
    return b"".join(parts)


def post_files(
    client: Client,
    url: str,
    fields: dict[str, str],
    files: list[tuple[str, bytes]],
    field: str = "files",
    **extra: str,
) -> Any:
    return client.post(
        url,
        data=multipart(fields, files, field),
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
        **extra,  # type: ignore[arg-type]
    )


def flash_texts(response: Any) -> list[str]:
    from django.contrib.messages import get_messages

    return [str(message) for message in get_messages(response.wsgi_request)]
