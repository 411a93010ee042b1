"""The SFTP server (asyncssh), run as its own process by `manage.py run_sftp`.

Each organization's account signs in with the SSH keys its administrator uploaded (no
password, no keyboard-interactive), and sees a tree of two folders made by the portal, not a
directory on disk:

    /inbox/    drop pension data files (write only; a file becomes a submission once its
               upload completes: at close, or at the rename of a temporary name)
    /outbox/   results/, files/, reports/ (read only; see outbox.py)

Paths are resolved inside that tree (`..` stops at its root, an absolute path is the
tree's own), no link can be made or followed, no folder made or removed, no other
account's names are ever listed. No shell, no command, no port forwarding.

asyncssh runs the protocol on one event loop; every Django call (the database, the file
layer) runs in a small pool of worker threads."""

from __future__ import annotations

import asyncio
import logging
import stat as stat_mode
import threading
import time
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import IO, Any, TypeVar

import asyncssh
from django.db import close_old_connections
from django.utils import timezone

from pensionportal.accounts.models import User
from pensionportal.audit.record import record
from pensionportal.core import crypto
from pensionportal.integrations.actions import host_key
from pensionportal.integrations.models import SftpAccount, SshKey

from . import outbox
from .inbox import Inbox, InboxError, Upload
from .names import INBOX, OUTBOX, OUTBOX_FOLDERS, PathRefused, normalize, parts

log = logging.getLogger(__name__)
T = TypeVar("T")

DIR_MODE = stat_mode.S_IFDIR | 0o555
INBOX_MODE = stat_mode.S_IFDIR | 0o333  # write and enter, not list others' uploads
FILE_MODE = stat_mode.S_IFREG | 0o444
UPLOAD_MODE = stat_mode.S_IFREG | 0o200
READ_CHUNK_LIMIT = 256 * 1024

_pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="sftp-django")


def _django(function: Callable[..., T], *args: Any) -> Callable[[], T]:
    def run() -> T:
        close_old_connections()
        try:
            return function(*args)
        finally:
            close_old_connections()

    return run


_busy = 0
_busy_lock = threading.Lock()


def busy() -> int:
    """Django calls in progress (a sign-in being recorded, a file handed to intake)."""
    return _busy


async def in_thread(function: Callable[..., T], *args: Any) -> T:
    global _busy
    with _busy_lock:
        _busy += 1
    try:
        return await asyncio.get_running_loop().run_in_executor(_pool, _django(function, *args))
    finally:
        with _busy_lock:
            _busy -= 1


async def drain(timeout: float) -> None:
    """Wait (at most `timeout` seconds) for the Django calls in progress: at a stop, a file
    being handed to intake is recorded before the process exits."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while busy() and loop.time() < deadline:
        await asyncio.sleep(0.05)


# --- Signing in ---------------------------------------------------------------------------------


@dataclass
class SignedIn:
    account: SftpAccount
    user: User
    key_id: int


def _find_key(username: str, fingerprint: str) -> SignedIn | None:
    account = (
        SftpAccount.objects.select_related("organization", "account")
        .filter(username=username, suspended_at__isnull=True, organization__is_active=True)
        .first()
    )
    if account is None or not account.account.is_active:
        return None
    key = SshKey.objects.filter(
        sftp_account=account, fingerprint=fingerprint, removed_at__isnull=True
    ).first()
    if key is None:
        return None
    return SignedIn(account, account.account, key.pk)


def _signed_in(signed: SignedIn, address: str | None) -> None:
    now = timezone.now()
    SshKey.objects.filter(pk=signed.key_id).update(last_used_at=now)
    SftpAccount.objects.filter(pk=signed.account.pk).update(last_login_at=now)
    record(
        "sftp.signed_in",
        actor=signed.user,
        organization=signed.account.organization,
        target=signed.account.username,
        details={"key": signed.key_id},
        ip_address=address,
    )


class PortalSSHServer(asyncssh.SSHServer):
    def __init__(self) -> None:
        self.signed: SignedIn | None = None
        self.candidate: SignedIn | None = None
        self.address: str | None = None

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        peer = conn.get_extra_info("peername")
        self.address = str(peer[0]) if peer else None

    def begin_auth(self, username: str) -> bool:
        return True

    def password_auth_supported(self) -> bool:
        return False

    def kbdint_auth_supported(self) -> bool:
        return False

    def public_key_auth_supported(self) -> bool:
        return True

    async def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        found = await in_thread(_find_key, username, key.get_fingerprint("sha256"))
        if found is None:
            return False
        self.candidate = found
        return True

    async def auth_completed(self) -> None:
        self.signed = self.candidate
        if self.signed is not None:
            await in_thread(_signed_in, self.signed, self.address)


# --- The tree -----------------------------------------------------------------------------------


def _attrs(mode: int, size: int = 0, modified: float | None = None) -> asyncssh.SFTPAttrs:
    moment = int(modified if modified is not None else time.time())
    return asyncssh.SFTPAttrs(
        type=asyncssh.FILEXFER_TYPE_DIRECTORY
        if stat_mode.S_ISDIR(mode)
        else asyncssh.FILEXFER_TYPE_REGULAR,
        size=size,
        permissions=mode,
        uid=0,
        gid=0,
        atime=moment,
        mtime=moment,
        nlink=1,
    )


class _Reader:
    def __init__(self, stream: IO[bytes], size: int) -> None:
        self.stream = stream
        self.size = size


def _no_such(path: str) -> asyncssh.SFTPNoSuchFile:
    return asyncssh.SFTPNoSuchFile(f"No such file or folder: {path}")


def _denied(reason: str) -> asyncssh.SFTPPermissionDenied:
    return asyncssh.SFTPPermissionDenied(reason)


class PortalSFTPServer(asyncssh.SFTPServer):
    def __init__(self, chan: asyncssh.SSHServerChannel[bytes]) -> None:
        super().__init__(chan)
        owner = chan.get_connection().get_owner()
        assert isinstance(owner, PortalSSHServer)
        assert owner.signed is not None
        self.signed = owner.signed
        self.address = owner.address
        self.inbox = Inbox(self.signed.user, self.signed.account.organization)
        self.uploads: set[Upload] = set()

    # Paths.
    def _path(self, raw: bytes) -> str:
        try:
            return normalize(raw)
        except PathRefused as refusal:
            raise asyncssh.SFTPNoSuchFile(str(refusal)) from None

    def format_user(self, uid: int | None) -> str:
        return self.signed.account.username

    def format_group(self, gid: int | None) -> str:
        return "portal"

    def realpath(self, path: bytes) -> bytes:
        return self._path(path).encode()

    async def stat(self, path: bytes) -> asyncssh.SFTPAttrs:
        return await self._stat(self._path(path))

    async def lstat(self, path: bytes) -> asyncssh.SFTPAttrs:
        return await self._stat(self._path(path))

    async def _stat(self, path: str) -> asyncssh.SFTPAttrs:
        names = parts(path)
        if not names:
            return _attrs(DIR_MODE)
        if names == [INBOX]:
            return _attrs(INBOX_MODE)
        if names == [OUTBOX] or (
            len(names) == 2 and names[0] == OUTBOX and names[1] in OUTBOX_FOLDERS
        ):
            return _attrs(DIR_MODE)
        if len(names) == 2 and names[0] == INBOX:
            held = self.inbox.held.get(names[1])
            if held is not None:
                return _attrs(UPLOAD_MODE, held[1].size)
            raise _no_such(path)
        if len(names) == 3 and names[0] == OUTBOX and names[1] in OUTBOX_FOLDERS:
            try:
                entry = await in_thread(
                    outbox.find, self.signed.user, self.signed.account, names[1], names[2]
                )
            except FileNotFoundError:
                raise _no_such(path) from None
            return _attrs(FILE_MODE, entry.size, entry.modified.timestamp())
        raise _no_such(path)

    async def scandir(self, path: bytes) -> AsyncIterator[asyncssh.SFTPName]:
        where = self._path(path)
        names = parts(where)
        entries: list[tuple[str, asyncssh.SFTPAttrs]] = [
            (".", await self._stat(where)),
            ("..", _attrs(DIR_MODE)),
        ]
        if not names:
            entries += [(INBOX, _attrs(INBOX_MODE)), (OUTBOX, _attrs(DIR_MODE))]
        elif names == [INBOX]:
            entries += [
                (name, _attrs(UPLOAD_MODE, held[1].size)) for name, held in self.inbox.held.items()
            ]
        elif names == [OUTBOX]:
            entries += [(folder, _attrs(DIR_MODE)) for folder in OUTBOX_FOLDERS]
        elif len(names) == 2 and names[0] == OUTBOX and names[1] in OUTBOX_FOLDERS:
            found = await in_thread(outbox.listing, self.signed.user, self.signed.account, names[1])
            entries += [
                (entry.name, _attrs(FILE_MODE, entry.size, entry.modified.timestamp()))
                for entry in found
            ]
        else:
            raise _no_such(where)
        for name, attrs in entries:
            sftp_name = asyncssh.SFTPName(name.encode(), attrs=attrs)
            self.format_longname(sftp_name)
            yield sftp_name

    # Files.
    async def open(self, path: bytes, pflags: int, attrs: asyncssh.SFTPAttrs) -> object:
        where = self._path(path)
        names = parts(where)
        writing = bool(pflags & (asyncssh.FXF_WRITE | asyncssh.FXF_APPEND | asyncssh.FXF_CREAT))
        if len(names) == 2 and names[0] == INBOX:
            if not writing:
                raise _denied(
                    "Files in inbox/ cannot be read back; results are in outbox/results/."
                )
            try:
                upload = await in_thread(self.inbox.open, names[1])
            except InboxError as refusal:
                raise asyncssh.SFTPFailure(refusal.reason) from None
            self.uploads.add(upload)
            return upload
        if len(names) == 3 and names[0] == OUTBOX and names[1] in OUTBOX_FOLDERS:
            if writing:
                raise _denied("outbox/ is read only. Put files to send in inbox/.")
            try:
                stream, size = await in_thread(
                    outbox.open_file,
                    self.signed.user,
                    self.signed.account,
                    names[1],
                    names[2],
                    self.address,
                )
            except FileNotFoundError:
                raise _no_such(where) from None
            return _Reader(stream, size)
        if len(names) <= 2 and (not names or names[0] in (INBOX, OUTBOX)):
            if writing:
                raise _denied("Put files in inbox/ (for example: put PAY.csv inbox/).")
            raise asyncssh.SFTPFailure(f"{where} is a folder.")
        if writing:
            raise _denied("Files can only be put in inbox/.")
        raise _no_such(where)

    async def read(self, file_obj: object, offset: int, size: int) -> bytes:
        if not isinstance(file_obj, _Reader):
            raise _denied("This file is open for writing.")
        if offset >= file_obj.size:
            return b""

        def chunk() -> bytes:
            file_obj.stream.seek(offset)
            return file_obj.stream.read(min(size, READ_CHUNK_LIMIT))

        return await asyncio.get_running_loop().run_in_executor(_pool, chunk)

    async def write(self, file_obj: object, offset: int, data: bytes) -> int:
        if not isinstance(file_obj, Upload):
            raise _denied("This file is open for reading.")
        try:
            await in_thread(self.inbox.write, file_obj, offset, data)
        except InboxError as refusal:
            raise asyncssh.SFTPFailure(refusal.reason) from None
        return len(data)

    async def close(self, file_obj: object) -> None:
        if isinstance(file_obj, _Reader):
            file_obj.stream.close()
            return
        if isinstance(file_obj, Upload):
            self.uploads.discard(file_obj)
            try:
                await in_thread(self.inbox.close, file_obj)
            except InboxError as refusal:
                raise asyncssh.SFTPFailure(refusal.reason) from None

    async def fstat(self, file_obj: object) -> asyncssh.SFTPAttrs:
        if isinstance(file_obj, _Reader):
            return _attrs(FILE_MODE, file_obj.size)
        if isinstance(file_obj, Upload):
            return _attrs(UPLOAD_MODE, file_obj.received_bytes)
        raise asyncssh.SFTPInvalidHandle("Invalid handle.")

    # Times and modes set by clients (sftp -p, WinSCP) are accepted and not kept.
    def setstat(self, path: bytes, attrs: asyncssh.SFTPAttrs) -> None:
        self._path(path)

    def lsetstat(self, path: bytes, attrs: asyncssh.SFTPAttrs) -> None:
        self._path(path)

    def fsetstat(self, file_obj: object, attrs: asyncssh.SFTPAttrs) -> None:
        return None

    async def rename(self, oldpath: bytes, newpath: bytes) -> None:
        old, new = parts(self._path(oldpath)), parts(self._path(newpath))
        if len(old) != 2 or len(new) != 2 or old[0] != INBOX or new[0] != INBOX:
            raise _denied("Only a file just put in inbox/ under a temporary name can be renamed.")
        try:
            await in_thread(self.inbox.rename, old[1], new[1])
        except InboxError as refusal:
            raise asyncssh.SFTPFailure(refusal.reason) from None

    async def posix_rename(self, oldpath: bytes, newpath: bytes) -> None:
        await self.rename(oldpath, newpath)

    async def remove(self, path: bytes) -> None:
        names = parts(self._path(path))
        if len(names) == 2 and names[0] == INBOX and await in_thread(self.inbox.discard, names[1]):
            return
        raise _denied("Files here cannot be removed.")

    def mkdir(self, path: bytes, attrs: asyncssh.SFTPAttrs) -> None:
        raise _denied("Folders cannot be made here: put files in inbox/.")

    def rmdir(self, path: bytes) -> None:
        raise _denied("Folders cannot be removed.")

    def readlink(self, path: bytes) -> bytes:
        raise _no_such(self._path(path))

    def symlink(self, oldpath: bytes, newpath: bytes) -> None:
        raise _denied("Links cannot be made here.")

    def link(self, oldpath: bytes, newpath: bytes) -> None:
        raise _denied("Links cannot be made here.")

    def statvfs(self, path: bytes) -> asyncssh.SFTPVFSAttrs:
        raise asyncssh.SFTPOpUnsupported("Not supported.")

    def fstatvfs(self, file_obj: object) -> asyncssh.SFTPVFSAttrs:
        raise asyncssh.SFTPOpUnsupported("Not supported.")

    async def exit(self) -> None:
        for upload in list(self.uploads):
            await in_thread(self.inbox.abandon, upload)
        self.uploads.clear()
        await in_thread(self.inbox.close_session)


# --- Running ------------------------------------------------------------------------------------


def _host_key() -> asyncssh.SSHKey:
    found = host_key()
    return asyncssh.import_private_key(crypto.decrypt_text(found.private_key_encrypted))


async def start(host: str, port: int) -> asyncssh.SSHAcceptor:
    key = await in_thread(_host_key)
    return await asyncssh.create_server(
        PortalSSHServer,
        host,
        port,
        server_host_keys=[key],
        sftp_factory=PortalSFTPServer,
        allow_scp=False,
        agent_forwarding=False,
        x11_forwarding=False,
        allow_pty=False,
        login_timeout=60,
        keepalive_interval=30,
    )


def host_fingerprint() -> str:
    return host_key().fingerprint
