"""The virus-scanner hook: every upload is scanned before it is acknowledged.

With `PORTAL_CLAMD_SOCKET` set (a clamd Unix socket path, or `tcp://host:port`), each file
is streamed (decrypted, chunk by chunk, never to disk) to clamd with the pinned
`clamav-client` library. Without it, no scanner runs (the embedded default). Tests install
their own scanner with `use_scanner`. A scanner that cannot be reached refuses the upload:
a file that was not scanned is not acknowledged.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, Protocol

from clamav_client import clamd
from django.conf import settings


@dataclass(frozen=True)
class ScanResult:
    clean: bool
    threat: str = ""


class ScannerUnavailable(Exception):
    pass


class Scanner(Protocol):
    def scan(self, stream: IO[bytes]) -> ScanResult: ...


class ClamdScanner:
    def __init__(self, address: str) -> None:
        self.address = address

    def _client(self) -> object:
        if self.address.startswith("tcp://"):
            host, _, port = self.address.removeprefix("tcp://").rpartition(":")
            return clamd.ClamdNetworkSocket(host=host, port=int(port), timeout=60)
        return clamd.ClamdUnixSocket(path=self.address, timeout=60)

    def scan(self, stream: IO[bytes]) -> ScanResult:
        client = self._client()
        try:
            result = client.instream(stream)  # type: ignore[attr-defined]
        except (clamd.ClamdError, OSError) as error:
            raise ScannerUnavailable(str(error)) from error
        for status, reason in result.values():
            if status == "FOUND":
                return ScanResult(clean=False, threat=str(reason))
            if status == "ERROR":
                raise ScannerUnavailable(str(reason))
        return ScanResult(clean=True)


_override: list[Scanner | None] = []


def current() -> Scanner | None:
    if _override:
        return _override[-1]
    address = getattr(settings, "CLAMD_SOCKET", "")
    return ClamdScanner(address) if address else None


@contextmanager
def use_scanner(scanner: Scanner | None) -> Iterator[None]:
    """Run with this scanner (tests: a fake one; None: none at all)."""
    _override.append(scanner)
    try:
        yield
    finally:
        _override.pop()
