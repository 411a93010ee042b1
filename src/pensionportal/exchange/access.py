"""Every lookup of exchanged files goes through here (DESIGN.md house rules)."""

from __future__ import annotations

from django.db.models import QuerySet

from pensionportal.accounts import access
from pensionportal.accounts.access import AnyUser, Capability

from .models import ExchangedFile, FileNotice


def files_for(user: AnyUser) -> QuerySet[ExchangedFile]:
    """Files of the organizations in which the user may use File Upload (staff: all)."""
    organizations = access.organizations_for(user, Capability.FILES)
    return ExchangedFile.objects.filter(organization__in=organizations).select_related(
        "organization", "sent_by", "deleted_by", "possible_duplicate_of"
    )


def access_file(user: AnyUser, file_id: int | str) -> ExchangedFile:
    """The file if the user may see it; otherwise 404, so its existence is not revealed."""
    return access.one_or_404(files_for(user), file_id, "file")


def notices_for(user: AnyUser) -> QuerySet[FileNotice]:
    if not user.is_authenticated:
        return FileNotice.objects.none()
    return FileNotice.objects.filter(recipient_id=user.pk, file__in=files_for(user)).select_related(
        "file", "file__organization", "file__sent_by"
    )
