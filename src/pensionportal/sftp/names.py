"""Names in an SFTP account's tree: the two folders, and safe file names made from the
portal's own names (nothing the client sends is ever used as a storage path)."""

from __future__ import annotations

import posixpath
import re

INBOX = "inbox"
OUTBOX = "outbox"
OUTBOX_FOLDERS = ("results", "files", "reports")
MAX_PATH = 1024

_UNSAFE = re.compile(r"[^A-Za-z0-9._ ()+,=@-]")


class PathRefused(ValueError):
    pass


def normalize(raw: bytes | str) -> str:
    """An absolute path inside the account's root. `..` cannot climb above the root (it
    stops there, as on any SFTP server with a root), absolute paths are the root's own."""
    if isinstance(raw, bytes):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise PathRefused("File names must be UTF-8.") from None
    else:
        text = raw
    if len(text) > MAX_PATH or "\x00" in text or any(ord(ch) < 32 for ch in text):
        raise PathRefused("This name cannot be used.")
    # normpath keeps a leading "//" (POSIX allows it a meaning): one slash only here.
    path = posixpath.normpath("/" + text.replace("\\", "/").lstrip("/"))
    return "/" if path == "/" else path.rstrip("/")


def parts(path: str) -> list[str]:
    return [part for part in path.split("/") if part]


def safe(name: str, limit: int = 120) -> str:
    cleaned = _UNSAFE.sub("_", name).strip(" .") or "file"
    return cleaned[:limit]


def stem(filename: str) -> str:
    base = filename.rsplit("/", 1)[-1]
    return safe(base.rsplit(".", 1)[0] if "." in base else base, 80)


TEMP_SUFFIXES = (".filepart", ".partial", ".part", ".tmp", ".upload")


def judged_name(name: str) -> tuple[str, bool]:
    """The name a file is judged by, and whether its name is a temporary one (written under
    a temporary name, then renamed: it becomes a submission at the rename). A name ending
    in .part, .filepart, .partial, .tmp or .upload, or starting with a dot, is temporary."""
    lowered = name.lower()
    for suffix in TEMP_SUFFIXES:
        if lowered.endswith(suffix) and len(name) > len(suffix):
            return judged_name(name[: -len(suffix)])[0], True
    if name.startswith(".") and len(name) > 1:
        return name.lstrip("."), True
    return name, False
