"""Issue 15, item 8: a pension data file sent through File Upload and rejected by intake is
listed as rejected on File Upload (and its detail page), with a link to the problems."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, TestCase

from pensionportal.accounts.models import Plan, Role
from pensionportal.exchange.models import ExchangedFile
from pensionportal.submissions.models import Status, Submission
from tests.factories import make_member, make_org, make_user
from tests.submissions.helpers import pay_file, pay_row

pytestmark = pytest.mark.django_db


def test_file_upload_shows_that_intake_rejected_the_file() -> None:
    org = make_org(plan=Plan.SELECT)
    org.plan_participation_date = date(2015, 1, 1)
    org.save()
    clerk = make_user(org, [Role.FILE_UPLOAD])
    make_member(org, "E1", sin="046454286")
    client = Client()
    client.force_login(clerk)
    data = pay_file([pay_row("E1"), pay_row("NOBODY")])
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(
            "/files/upload/",
            {"organization": org.pk, "files": SimpleUploadedFile("PAY_1.csv", data, "text/csv")},
        )
    submission = Submission.objects.get()
    assert submission.status == Status.REJECTED
    listing = client.get("/files/").content.decode()
    assert f"Pension data {submission.reference}" in listing
    assert "Rejected, 1 error to fix" in listing
    upload = ExchangedFile.objects.get()
    detail = client.get(f"/files/{upload.pk}/").content.decode()
    assert "Rejected, 1 error to fix" in detail
    assert f'href="/submissions/{submission.pk}/"' in detail
