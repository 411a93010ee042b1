"""Storage backends for the file layer.

`S3Storage` is django-storages' S3 backend (boto3) with one change: opening an object for
reading streams it (and can start at a byte offset), where the stock backend first
downloads the whole object into memory. Writing is the stock multipart upload (parts of
`AWS_S3_FILE_BUFFER_SIZE`, 5 MB), so memory stays bounded both ways. Only ciphertext ever
goes through here (`files/sealing.py`).
"""

from __future__ import annotations

import io
from typing import Any

from django.core.files.base import File
from storages.backends.s3 import S3Storage as _StockS3Storage
from storages.utils import clean_name


class _StreamingBody(io.RawIOBase):
    """A botocore StreamingBody as a readable binary file."""

    def __init__(self, body: Any) -> None:
        super().__init__()
        self._body = body

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview | bytearray) -> int:  # type: ignore[override]
        data = self._body.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        try:
            self._body.close()
        finally:
            super().close()


class S3Storage(_StockS3Storage):  # type: ignore[misc]
    def open_stream(self, name: str, offset: int = 0) -> io.BufferedReader:
        """The object's bytes from `offset` on, streamed (one GET, with a Range if needed)."""
        key = self._normalize_name(clean_name(name))
        params: dict[str, Any] = {}
        if offset:
            params["Range"] = f"bytes={offset}-"
        response = self.bucket.Object(key).get(**params)
        return io.BufferedReader(_StreamingBody(response["Body"]), buffer_size=256 * 1024)

    def _open(self, name: str, mode: str = "rb") -> File[Any]:
        if "r" in mode and "w" not in mode:
            return File(self.open_stream(name), name=name)
        opened: File[Any] = super()._open(name, mode)
        return opened

    def is_reachable(self) -> bool:
        """The bucket answers (for the readiness check)."""
        self.connection.meta.client.head_bucket(Bucket=self.bucket_name)
        return True
