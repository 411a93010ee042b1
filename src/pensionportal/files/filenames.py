"""Judging a file's name. A name is only ever shown and offered back on download, never used
as a path (storage names are random), but a name that could mislead or break a download is
refused with a reason (issue 5 "Bad input" and "Must do" 8)."""

from __future__ import annotations

import unicodedata
from pathlib import PurePosixPath

MAX_NAME_LENGTH = 255


class NameRefused(ValueError):
    """The reason is the message shown to the user."""


def clean_name(raw: str, allowed_extensions: frozenset[str] | None = None) -> str:
    name = raw.strip()
    if any(unicodedata.category(char) in {"Cc", "Cf", "Zl", "Zp"} for char in name):
        raise NameRefused("not allowed: the file name contains control characters.")
    if "/" in name or "\\" in name:
        raise NameRefused("not allowed: the file name contains a folder path.")
    if not name.strip(". "):
        raise NameRefused("not allowed: the file name is empty or made only of dots.")
    if len(name) > MAX_NAME_LENGTH:
        raise NameRefused(
            f"not allowed: the file name is longer than {MAX_NAME_LENGTH} characters."
        )
    if allowed_extensions is not None:
        extension = extension_of(name)
        if extension not in allowed_extensions:
            shown = f".{extension} files" if extension else "files without an extension"
            allowed = ", ".join(sorted(allowed_extensions))
            raise NameRefused(f"not allowed: {shown} cannot be sent here (allowed: {allowed}).")
    return name


def extension_of(name: str) -> str:
    return PurePosixPath(name).suffix.lower().lstrip(".")
