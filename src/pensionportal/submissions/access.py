"""Employers see their organizations' submissions (file upload and administrator roles);
staff see all."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from pensionportal.accounts import access
from pensionportal.accounts.access import AnyUser, Capability

from .models import Submission


def visible_submissions(user: AnyUser) -> QuerySet[Submission]:
    access.require(user, Capability.FILES)
    return Submission.objects.filter(
        organization__in=access.organizations_for(user, Capability.FILES)
    ).select_related("organization", "submitted_by")


def access_submission(user: AnyUser, submission_id: int | str) -> Submission:
    try:
        pk = int(submission_id)
    except (TypeError, ValueError):
        raise Http404("No such submission.") from None
    found = visible_submissions(user).filter(pk=pk).first()
    if found is None:
        raise Http404("No such submission.")
    return found
