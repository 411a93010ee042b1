from __future__ import annotations

import json
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, TestCase

from pensionportal.accounts.models import Plan
from pensionportal.submissions.models import Status, Submission
from tests.factories import make_member, make_org
from tests.submissions.helpers import pay_file, pay_row

from .helpers import bearer, make_client, token_for

pytestmark = pytest.mark.django_db


def test_a_pay_file_sent_through_the_api_is_applied_and_its_status_read() -> None:
    org = make_org(plan=Plan.SELECT)
    org.plan_participation_date = date(2015, 1, 1)
    org.save()
    make_member(org, "E1")
    credential = make_client(org)
    http = Client()
    token = token_for(http, credential)
    with TestCase.captureOnCommitCallbacks(execute=True):
        answer = http.post(
            "/api/v1/submissions",
            {"file": SimpleUploadedFile("PAY_2026-03-13.csv", pay_file([pay_row("E1")]))},
            headers={**bearer(token), "Idempotency-Key": "pay-2026-03-13"},
        )
    assert answer.status_code == 201, answer.content
    body = json.loads(answer.content)
    submission = Submission.objects.get(pk=body["id"])
    assert submission.source == "api"
    got = http.get(body["links"]["self"], headers=bearer(token))
    assert got.status_code == 200, got.content
    assert json.loads(got.content)["status"] == Status.APPLIED
