"""What File Upload accepts, for every door (the web form, the demo, later the API/SFTP)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from pensionportal.files.uploads import UploadPolicy

from . import conf

Authorize = Callable[[HttpRequest], None] | None
Unreadable = Callable[[HttpRequest, str], HttpResponse] | None


def _policy(
    authorize: Authorize,
    unreadable: Unreadable,
    extensions: Callable[[], frozenset[str]] | None,
) -> UploadPolicy:
    return UploadPolicy(
        purpose="exchange.file",
        authorize=authorize,
        unreadable=unreadable,
        max_size=conf.max_file_size,
        max_files=conf.max_files_per_upload,
        extensions=extensions,
    )


def employer_uploads(authorize: Authorize = None, unreadable: Unreadable = None) -> UploadPolicy:
    """Employers send the listed file types (PORTAL_EXCHANGE_ALLOWED_EXTENSIONS)."""
    return _policy(authorize, unreadable, conf.allowed_extensions)


def staff_deliveries(authorize: Authorize = None, unreadable: Unreadable = None) -> UploadPolicy:
    """Staff deliver what they choose (PA files, deduction files, letters): the name is
    judged and the content checked (no programs, no macros), the type is not restricted."""
    return _policy(authorize, unreadable, None)
