"""What a pension data file upload accepts, whatever the door (the Pension data page, the
REST API, the SFTP inbox): one policy, so the limits and content checks are the same."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from pensionportal.files.uploads import UploadPolicy

from . import conf

PURPOSE = "submissions.pension_data"
EXTENSIONS = frozenset({"csv", "xlsx", "txt"})


def upload_policy(
    *,
    authorize: Callable[[HttpRequest], None] | None = None,
    unreadable: Callable[[HttpRequest, str], HttpResponse] | None = None,
    bearer_tokens: bool = False,
) -> UploadPolicy:
    return UploadPolicy(
        purpose=PURPOSE,
        authorize=authorize,
        unreadable=unreadable,
        max_size=conf.max_file_bytes,
        max_files=1,
        extensions=EXTENSIONS,
        bearer_tokens=bearer_tokens,
    )
