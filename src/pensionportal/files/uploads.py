"""Every multipart upload in the product streams through `EncryptingUploadHandler`.

Django's own handlers keep small files in memory and spool larger ones to a plaintext
temporary file; this one encrypts each file straight into the storage as it arrives, judges
it (`content.py`, and the virus scanner) before it is acknowledged, and never holds a whole
file. `FILE_UPLOAD_HANDLERS` names `RefuseUnplannedUploads`, so a view that did not declare
its uploads with `@accepts_uploads(policy)` receives no file at all (and nothing is
written anywhere).

    @login_required
    @accepts_uploads(UploadPolicy(purpose="remittances.bank_file", max_size=5 * MB, ...))
    def bank_import(request): ...
        upload = request.FILES["file"]            # a ReceivedUpload: already encrypted
        for refused in refusals(request): ...     # what was refused, and why
        ... keep(upload.stored) inside the action's transaction ...

The decorator installs the handler before anything reads the body (the CSRF check does),
after the policy's `authorize` (so a user without the right never gets a byte stored), and
purges every file the view did not keep once it has answered. The body-size middleware
reads the policy's `request_limit` to refuse an over-size upload before reading it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import wraps
from typing import IO, Any, NoReturn

from django.core.exceptions import SuspiciousOperation
from django.core.files.uploadhandler import FileUploadHandler, SkipFile, StopUpload
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.http.multipartparser import MultiPartParserError
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from . import scanning
from .content import FileKind, FileRefused, Inspector
from .filenames import NameRefused, clean_name
from .models import StoredFile
from .sealing import SizeLimitExceeded
from .storage import StorageUnavailable
from .store import FileWriter, discard_pending, open_chunks, open_reader, purge

MB = 1024 * 1024
# Room for the multipart boundaries and the form's other fields when judging Content-Length.
FORM_OVERHEAD = 1 * MB


def _value(value: Any) -> Any:
    return value() if callable(value) else value


@dataclass(frozen=True)
class UploadPolicy:
    """What one upload URL accepts. Values may be callables (read at request time, so a
    setting changed in a test or by the operator applies at once)."""

    purpose: str
    max_size: int | Callable[[], int]
    max_files: int | Callable[[], int] = 1
    # None: any extension (programs, macros and disguised known kinds are still refused).
    extensions: frozenset[str] | Callable[[], frozenset[str] | None] | None = None
    authorize: Callable[[HttpRequest], None] | None = None  # raises PermissionDenied
    name_cleaner: Callable[[str], str] = clean_name
    # The answer when the body cannot be parsed (None: a plain 400).
    unreadable: Callable[[HttpRequest, str], HttpResponse] | None = None
    # The REST API: a request carrying `Authorization: Bearer` gets this policy's body limit
    # (the token itself is checked before a byte of the body is read).
    bearer_tokens: bool = False

    def size_limit(self) -> int:
        return int(_value(self.max_size))

    def file_limit(self) -> int:
        return int(_value(self.max_files))

    def allowed(self) -> frozenset[str] | None:
        value: frozenset[str] | None = _value(self.extensions)
        return value

    def request_limit(self) -> int:
        return self.size_limit() * self.file_limit() + FORM_OVERHEAD


@dataclass
class ReceivedUpload:
    """A file that arrived, passed every check, and is stored encrypted (pending until its
    owner keeps it). Has `name` and `size`, so Django's FileField accepts it."""

    field_name: str
    name: str
    stored: StoredFile
    kind: FileKind | None
    head: bytes

    @property
    def size(self) -> int:
        return self.stored.size

    @property
    def sha256(self) -> str:
        return self.stored.sha256

    def chunks(self) -> Iterator[bytes]:
        return open_chunks(self.stored)

    def reader(self) -> IO[bytes]:
        return open_reader(self.stored)

    def read_all(self) -> bytes:
        return b"".join(self.chunks())


@dataclass
class RefusedFile:
    name: str
    reason: str  # a sentence naming the file, for the page
    field_name: str = ""


@dataclass
class UploadOutcome:
    received: list[ReceivedUpload] = field(default_factory=list)
    refused: list[RefusedFile] = field(default_factory=list)
    storage_failed: bool = False


class RefuseUnplannedUploads(FileUploadHandler):
    """The only handler in `FILE_UPLOAD_HANDLERS`: a view that did not declare its uploads
    gets none, and nothing is kept in memory or on disk."""

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        raise SkipFile("This page does not accept files.")

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        return None

    def file_complete(self, file_size: int) -> None:
        return None


class FileRefusedError(Exception):
    """One incoming file was refused; `reason` names it and says why."""

    def __init__(self, reason: str, *, storage_failed: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.storage_failed = storage_failed


class IncomingFile:
    """One file arriving through any door (a web form, the API, SFTP): named, checked,
    encrypted into storage chunk by chunk, judged and scanned before it is acknowledged.

        incoming = IncomingFile(policy, "PAY_2026.csv")   # FileRefusedError: bad name
        for chunk in source: incoming.write(chunk)        # FileRefusedError: too large...
        received = incoming.finish()                      # FileRefusedError: a program...

    On any refusal nothing stays stored. `received.stored` is pending until its owner keeps
    it (`store.keep`)."""

    def __init__(self, policy: UploadPolicy, raw_name: str, field_name: str = "") -> None:
        self.policy = policy
        self.field_name = field_name
        self.name = raw_name
        self.max_size = policy.size_limit()
        try:
            self.name = policy.name_cleaner(raw_name)
        except NameRefused as refusal:
            raise FileRefusedError(f"{raw_name} was not accepted: {refusal}") from None
        self._inspector = Inspector(self.name, policy.allowed())
        try:
            self._inspector.refuse_name_early()
        except FileRefused as refusal:
            raise FileRefusedError(refusal.message) from None
        try:
            self._writer: FileWriter | None = FileWriter(
                purpose=policy.purpose,
                filename=self.name,
                content_type=(
                    self._inspector.kind.content_type
                    if self._inspector.kind
                    else "application/octet-stream"
                ),
                max_size=self.max_size,
            )
        except StorageUnavailable:
            raise FileRefusedError(
                f"{self.name}: {StorageUnavailable.MESSAGE}", storage_failed=True
            ) from None

    def write(self, data: bytes) -> None:
        if self._writer is None:
            raise ValueError("The file is closed.")
        try:
            self._writer.write(data)
        except SizeLimitExceeded:
            self._writer = None  # the writer removed its partial file already
            raise FileRefusedError(
                f"{self.name} is too large: the limit is {self.max_size / MB:g} MB a file."
            ) from None
        except StorageUnavailable:
            self._writer = None
            raise FileRefusedError(
                f"{self.name}: {StorageUnavailable.MESSAGE}", storage_failed=True
            ) from None
        self._inspector.feed(data)

    def abort(self) -> None:
        writer, self._writer = self._writer, None
        if writer is not None:
            writer.abort()

    def finish(self) -> ReceivedUpload:
        writer, self._writer = self._writer, None
        if writer is None:
            raise ValueError("The file is closed.")
        if writer.size == 0:
            writer.abort()
            raise FileRefusedError(f"{self.name} is empty: the file has no content.")
        try:
            stored = writer.finish()
        except StorageUnavailable:
            raise FileRefusedError(
                f"{self.name}: {StorageUnavailable.MESSAGE}", storage_failed=True
            ) from None
        try:
            kind = self._inspector.verdict(lambda: open_reader(stored))
            _scan(stored)
        except FileRefused as refusal:
            purge(stored)
            raise FileRefusedError(refusal.message) from None
        except scanning.ScannerUnavailable:
            purge(stored)
            raise FileRefusedError(
                f"{self.name} could not be checked for viruses just now, so it was not "
                "accepted. Please try again in a few minutes."
            ) from None
        except (StorageUnavailable, OSError):
            purge(stored)
            raise FileRefusedError(
                f"{self.name}: {StorageUnavailable.MESSAGE}", storage_failed=True
            ) from None
        except BaseException:
            purge(stored)
            raise
        return ReceivedUpload(self.field_name, self.name, stored, kind, self._inspector.head)


def receive(policy: UploadPolicy, raw_name: str, chunks: Iterable[bytes]) -> ReceivedUpload:
    """Receive one whole file from an iterable (the API, SFTP, the demo): the same checks
    and limits as a web upload. Raises FileRefusedError; on refusal nothing is stored."""
    incoming = IncomingFile(policy, raw_name)
    try:
        for chunk in chunks:
            incoming.write(chunk)
    except BaseException:
        incoming.abort()
        raise
    return incoming.finish()


class EncryptingUploadHandler(FileUploadHandler):
    def __init__(self, policy: UploadPolicy, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.policy = policy
        self.max_files = policy.file_limit()
        self.outcome = UploadOutcome()
        self._incoming: IncomingFile | None = None
        self._current_name = ""
        self._count = 0

    # Django calls these while it parses the request body.
    def new_file(self, field_name: str, file_name: str, *args: Any, **kwargs: Any) -> None:
        super().new_file(field_name, file_name, *args, **kwargs)
        self._abort_current()
        self._current_name = file_name
        if not file_name:
            raise SkipFile()  # an empty file input: no file chosen
        self._count += 1
        if self._count > self.max_files:
            self._skip(
                FileRefusedError(
                    f"{file_name} was not accepted: at most {self.max_files} "
                    f"file{'s' if self.max_files != 1 else ''} can be sent at once."
                )
            )
        if self.outcome.storage_failed:
            self._skip(FileRefusedError(f"{file_name}: {StorageUnavailable.MESSAGE}"))
        try:
            self._incoming = IncomingFile(self.policy, file_name, field_name)
        except FileRefusedError as refusal:
            self._skip(refusal)
        self._current_name = self._incoming.name

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if self._incoming is None:
            raise SkipFile()
        try:
            self._incoming.write(raw_data)
        except FileRefusedError as refusal:
            self._incoming = None
            self._skip(refusal)
        return None

    # Django puts what this returns in request.FILES; a ReceivedUpload is not an
    # UploadedFile (its bytes are already encrypted in storage) but has `name` and `size`.
    def file_complete(self, file_size: int) -> ReceivedUpload | None:  # type: ignore[override]
        incoming, self._incoming = self._incoming, None
        if incoming is None:
            return None
        try:
            received = incoming.finish()
        except FileRefusedError as refusal:
            self._note(refusal)
            return None
        self.outcome.received.append(received)
        return received

    def upload_interrupted(self) -> None:
        self._abort_current()

    def upload_complete(self) -> None:
        self._abort_current()

    # Our own helpers.
    def _note(self, refusal: FileRefusedError) -> None:
        if refusal.storage_failed:
            self.outcome.storage_failed = True
        self.outcome.refused.append(
            RefusedFile(self._current_name, refusal.reason, self.field_name or "")
        )

    def _skip(self, refusal: FileRefusedError) -> NoReturn:
        self._abort_current()
        self._note(refusal)
        if refusal.storage_failed:
            raise StopUpload(connection_reset=False)
        raise SkipFile(refusal.reason)

    def _abort_current(self) -> None:
        incoming, self._incoming = self._incoming, None
        if incoming is not None:
            incoming.abort()

    def discard_unclaimed(self) -> None:
        """Purge every stored file the view did not keep (and any half-written one)."""
        self._abort_current()
        discard_pending([received.stored for received in self.outcome.received])


def _scan(stored: StoredFile) -> None:
    scanner = scanning.current()
    if scanner is None:
        return
    with open_reader(stored) as stream:
        result = scanner.scan(stream)
    if not result.clean:
        raise FileRefused(
            f"{stored.filename} was refused: the virus scanner found {result.threat}."
        )


def handler_of(request: HttpRequest) -> EncryptingUploadHandler | None:
    for handler in getattr(request, "_upload_handlers", []) or []:
        if isinstance(handler, EncryptingUploadHandler):
            return handler
    return None


def refusals(request: HttpRequest, field_name: str | None = None) -> list[RefusedFile]:
    """The files of this request that were refused, with the reason (after the body was
    parsed, e.g. after reading `request.FILES`)."""
    handler = handler_of(request)
    if handler is None:
        return []
    return [r for r in handler.outcome.refused if field_name is None or r.field_name == field_name]


def received(request: HttpRequest) -> list[ReceivedUpload]:
    handler = handler_of(request)
    return list(handler.outcome.received) if handler is not None else []


def accepts_uploads(
    policy: UploadPolicy,
) -> Callable[[Callable[..., HttpResponseBase]], Callable[..., HttpResponseBase]]:
    def decorate(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        protected = csrf_protect(view)

        @csrf_exempt
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if policy.authorize is not None:
                policy.authorize(request)
            if request.method != "POST":
                return protected(request, *args, **kwargs)
            handler = EncryptingUploadHandler(policy, request)
            request.upload_handlers = [handler]
            try:
                return protected(request, *args, **kwargs)
            except (MultiPartParserError, SuspiciousOperation) as error:
                if getattr(request, "body_cut_at", None) is not None:
                    raise
                if policy.unreadable is not None:
                    return policy.unreadable(
                        request, "The upload could not be read; nothing was stored. Try again."
                    )
                raise error
            finally:
                handler.discard_unclaimed()

        wrapper.upload_policy = policy  # type: ignore[attr-defined]
        return wrapper

    return decorate


def refusals_into(form: Any, request: HttpRequest, field_name: str) -> bool:
    """Show each refused file's reason beside `field_name` of a bound, cleaned form (in
    place of "This field is required.", which would only confuse); True when none was
    refused."""
    refused = refusals(request)
    if not refused:
        return True
    form.errors[field_name] = form.error_class([refusal.reason for refusal in refused])
    if hasattr(form, "cleaned_data"):
        form.cleaned_data.pop(field_name, None)
    return False
