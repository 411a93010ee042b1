"""File-layer benchmark (issue 12): the figures for the note.

1. A 200 MB upload through the encrypting upload handler (the code path of every upload
   page: Django's multipart parser feeding `EncryptingUploadHandler`, content checks, AES-GCM
   into the storage): wall time and memory (peak RSS of a fresh process, and its growth
   during the upload). Peer, same run: the same body through Django's default handlers
   (memory, then a plaintext temporary file), which is what the product used to do.
2. The largest upload streamed: 1 GiB through the same handler, with its memory.
3. Rotating 10,000 files: `rotate_keys`' re-wrap of every file's data key (and name) under
   a new master key. Peer, same run: re-encrypting the bytes of the same 10,000 files
   (read, decrypt, encrypt under a new data key, write), the naive way to rotate.

    make bench-files                       # a throw-away PostgreSQL server, local storage
    python bench/files.py [--upload-mb 200] [--largest-mb 1024] [--files 10000]

The storage is a local folder in a temporary directory (S3 when PORTAL_STORAGE_URL is set).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
MB = 1024 * 1024
BOUNDARY = "----bench-boundary"
ROW = b"C000001,ALASTNAME,ANNA,N,REG,75.00,2500.00,75.00,75.00\n"


def _django(storage_dir: str) -> None:
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pensionportal.settings")
    os.environ["PORTAL_STORAGE_DIR"] = storage_dir
    import django

    django.setup()


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / MB


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class MultipartBody:
    """A multipart body of one file of `size` bytes, made as it is read (never whole)."""

    def __init__(self, size: int) -> None:
        self.head = (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="files"; '
            f'filename="bench.csv"\r\nContent-Type: text/csv\r\n\r\n'
        ).encode()
        self.tail = f"\r\n--{BOUNDARY}--\r\n".encode()
        self.size = size
        self.length = len(self.head) + size + len(self.tail)
        block = ROW * (64 * 1024 // len(ROW))
        self._parts = self._generate(block)
        self._buffer = b""

    def _generate(self, block: bytes) -> Iterator[bytes]:
        yield self.head
        left = self.size
        while left > 0:
            piece = block[: min(left, len(block))]
            left -= len(piece)
            yield piece
        yield self.tail

    def read(self, size: int = -1) -> bytes:
        while size < 0 or len(self._buffer) < size:
            try:
                self._buffer += next(self._parts)
            except StopIteration:
                break
        if size < 0:
            size = len(self._buffer)
        out, self._buffer = self._buffer[:size], self._buffer[size:]
        return out

    def readline(self, size: int = -1) -> bytes:
        return self.read(size)


def _request(size: int) -> Any:
    from django.core.handlers.wsgi import WSGIRequest

    body = MultipartBody(size)
    return WSGIRequest(
        {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": "/files/upload/",
            "CONTENT_TYPE": f"multipart/form-data; boundary={BOUNDARY}",
            "CONTENT_LENGTH": str(body.length),
            "SERVER_NAME": "bench",
            "SERVER_PORT": "80",
            "wsgi.input": body,
            "wsgi.url_scheme": "http",
        }
    )


def measure_upload(which: str, size: int) -> dict[str, float]:
    """In a fresh process: parse one upload of `size` bytes, report time and memory."""
    storage_dir = tempfile.mkdtemp(prefix="bench-files-")
    temp_dir = tempfile.mkdtemp(prefix="bench-tmp-")
    _django(storage_dir)
    from django.conf import settings
    from django.core.files.uploadhandler import MemoryFileUploadHandler, TemporaryFileUploadHandler

    from pensionportal.files.store import purge
    from pensionportal.files.uploads import EncryptingUploadHandler, UploadPolicy

    settings.FILE_UPLOAD_TEMP_DIR = temp_dir
    if which == "ours":
        from django.core.management import call_command

        call_command("migrate", verbosity=0)  # the file's record is a row
    request = _request(size)
    if which == "ours":
        policy = UploadPolicy(purpose="bench", max_size=size + MB, max_files=1)
        handler = EncryptingUploadHandler(policy, request)
        request.upload_handlers = [handler]
    else:
        request.upload_handlers = [
            MemoryFileUploadHandler(request),
            TemporaryFileUploadHandler(request),
        ]
    before = _rss_mb()
    started = time.perf_counter()
    files = request.FILES
    seconds = time.perf_counter() - started
    peak = _peak_mb()
    if which == "ours":
        received = handler.outcome.received
        assert len(received) == 1, handler.outcome.refused
        assert received[0].size == size
        plaintext_on_disk = sum(
            1 for p in Path(storage_dir).rglob("*") if p.is_file() and ROW in p.read_bytes()
        )
        purge(received[0].stored)
    else:
        uploaded = files["files"]
        assert uploaded.size == size
        plaintext_on_disk = sum(1 for p in Path(temp_dir).rglob("*") if p.is_file())
        uploaded.close()
    shutil.rmtree(storage_dir, ignore_errors=True)
    shutil.rmtree(temp_dir, ignore_errors=True)
    return {
        "seconds": seconds,
        "peak_rss_mb": peak,
        "growth_mb": max(0.0, peak - before),
        "plaintext_files_on_disk": plaintext_on_disk,
    }


def _child(which: str, size: int) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, __file__, "_upload", which, str(size)],
        capture_output=True,
        text=True,
        check=True,
        env=os.environ.copy(),
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def bench_rotation(count: int) -> dict[str, float]:
    from cryptography.fernet import Fernet
    from django.conf import settings
    from django.core.management import call_command

    from pensionportal.core import rotation
    from pensionportal.files import store
    from pensionportal.files.models import StoredFile

    call_command("migrate", verbosity=0)
    StoredFile.objects.all().delete()
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.ENCRYPTION_KEYS = [old]
    content = ROW * (4096 // len(ROW))
    started = time.perf_counter()
    files = [
        store.store([content], purpose="bench", filename=f"file-{n}.csv") for n in range(count)
    ]
    made = time.perf_counter() - started

    settings.ENCRYPTION_KEYS = [new, old]
    started = time.perf_counter()
    results = rotation.rotate_fields(batch=500)
    rotate_seconds = time.perf_counter() - started
    rewrapped = sum(r.rotated for r in results if r.what == "file keys")
    assert rewrapped == count, results
    left = next(c for c in rotation.count_fields() if c.what == "file keys")
    assert left.by_key.get(1, 0) == 0

    # The peer: re-encrypt every file's bytes under a new data key.
    settings.ENCRYPTION_KEYS = [new]
    started = time.perf_counter()
    for stored in StoredFile.objects.filter(purpose="bench").order_by("pk").iterator():
        copy = store.copy(stored, purpose="bench-copy")
        store.keep(copy)
        store.purge(stored)
    peer_seconds = time.perf_counter() - started
    for stored in StoredFile.objects.filter(purpose__startswith="bench"):
        store.purge(stored)
    StoredFile.objects.filter(purpose__startswith="bench").delete()
    del files
    return {"files": count, "made_seconds": made, "rotate": rotate_seconds, "peer": peer_seconds}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--upload-mb", type=int, default=200)
    parser.add_argument("--largest-mb", type=int, default=1024)
    parser.add_argument("--files", type=int, default=10_000)
    args = parser.parse_args()
    upload = args.upload_mb * MB
    print(f"Upload of {args.upload_mb} MB (one file, CSV text), each in a fresh process:")
    ours = _child("ours", upload)
    peer = _child("peer", upload)
    for name, result in (("encrypting handler (ours)", ours), ("Django's defaults (peer)", peer)):
        print(
            f"  {name:28} {result['seconds']:6.2f} s  {upload / MB / result['seconds']:6.0f} MB/s"
            f"  peak RSS {result['peak_rss_mb']:6.0f} MB  growth {result['growth_mb']:6.0f} MB"
            f"  plaintext files on disk: {result['plaintext_files_on_disk']:.0f}"
        )
    print(
        f"  ratio ours/peer: time {ours['seconds'] / peer['seconds']:.2f}, "
        f"memory growth {ours['growth_mb']:.0f} MB vs {peer['growth_mb']:.0f} MB"
    )
    largest = args.largest_mb * MB
    big = _child("ours", largest)
    print(
        f"Largest upload streamed: {args.largest_mb} MB in {big['seconds']:.1f} s "
        f"({largest / MB / big['seconds']:.0f} MB/s), peak RSS {big['peak_rss_mb']:.0f} MB, "
        f"growth {big['growth_mb']:.0f} MB"
    )
    storage_dir = tempfile.mkdtemp(prefix="bench-rotate-")
    os.environ.setdefault(
        "DATABASE_URL", f"sqlite:///{tempfile.mkdtemp(prefix='bench-db-')}/bench.sqlite3"
    )
    _django(storage_dir)
    from django.db import connection

    rotation = bench_rotation(args.files)
    print(
        f"Rotating {rotation['files']} files on {connection.vendor}: rotate_keys re-wraps in "
        f"{rotation['rotate']:.2f} s ({rotation['files'] / rotation['rotate']:.0f} files/s); "
        f"re-encrypting their bytes (peer) {rotation['peer']:.2f} s; ratio "
        f"{rotation['peer'] / rotation['rotate']:.1f}x faster"
    )
    shutil.rmtree(storage_dir, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_upload":
        os.environ.setdefault(
            "DATABASE_URL",
            f"sqlite:///{tempfile.mkdtemp(prefix='bench-db-')}/bench.sqlite3",
        )
        result = measure_upload(sys.argv[2], int(sys.argv[3]))
        print(json.dumps(result))
    else:
        main()
