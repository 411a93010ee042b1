"""Employers see their organizations' submissions (file upload and administrator roles);
staff see all."""

from __future__ import annotations

from django.db.models import QuerySet

from pensionportal.accounts import access
from pensionportal.accounts.access import AnyUser, Capability

from .models import Submission


def visible_submissions(user: AnyUser) -> QuerySet[Submission]:
    access.require(user, Capability.SUBMISSIONS)
    return access.visible_to(user, Submission.objects.all(), Capability.SUBMISSIONS).select_related(
        "organization", "submitted_by"
    )


def intake_by_upload(user: AnyUser, upload_ids: list[int]) -> dict[int, Submission]:
    """What intake made of each pension data file sent through File Upload (issue 15,
    item 8: a clerk on File Upload must learn that a file was rejected). One query. Nothing
    for someone on File Upload whose roles do not include submissions (a pension partner):
    the page shows the files without their intake status rather than refusing."""
    if not access.can_use(user, Capability.SUBMISSIONS):
        return {}
    found = visible_submissions(user).filter(upload_id__in=upload_ids).order_by("id")
    return {s.upload_id: s for s in found if s.upload_id is not None}


def access_submission(user: AnyUser, submission_id: int | str) -> Submission:
    return access.one_or_404(visible_submissions(user), submission_id, "submission")
