"""Issue 15, item 7: the Reports list offers each format as a working download link (not
inert bordered text); item 14: the title is not repeated, and payroll managers, who cannot
send secure messages, are not told to attach reports to one."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from pensionportal.accounts.models import Organization, Role
from pensionportal.reports.actions import ReportFileInput, publish_report
from pensionportal.reports.models import Report, ReportKind
from tests.factories import make_org, make_user

pytestmark = pytest.mark.django_db


def _report() -> tuple[Organization, Report]:
    org = make_org()
    report = publish_report(
        org,
        "Missed mandatory contributions",
        ReportKind.MISSED_MANDATORY_CONTRIBUTIONS,
        [
            ReportFileInput("r.pdf", "application/pdf", b"%PDF-1.4 demo"),
            ReportFileInput("r.csv", "text/csv", b"a,b\r\n1,2\r\n"),
        ],
        published_by=None,
        period="Pay cycle of 2026-11-06",
    )
    return org, report


def test_every_format_is_a_download_link_that_works() -> None:
    org, _ = _report()
    client = Client()
    client.force_login(make_user(org, [Role.PAYROLL_MANAGER]))
    body = client.get("/reports/").content.decode()
    links = re.findall(r'href="(/reports/\d+/files/\d+/[^"]*)"[^>]*>(PDF|CSV)', body)
    assert {label for _, label in links} == {"PDF", "CSV"}
    for href, _ in links:
        assert client.get(href).status_code == 200
    assert '<span class="tag">PDF</span>' not in body


def test_payroll_managers_are_not_told_to_send_a_secure_message() -> None:
    org, report = _report()
    client = Client()
    client.force_login(make_user(org, [Role.PAYROLL_MANAGER]))
    for url in ("/reports/", f"/reports/{report.pk}/"):
        body = client.get(url).content.decode()
        assert "attach it to a" not in body, url
        assert body.count("Missed mandatory contributions") <= 3  # head title, h1/row, sr-only
    both = make_user(org, [Role.PAYROLL_MANAGER, Role.COMMUNICATIONS])
    client.force_login(both)
    assert "attach it to a" in client.get("/reports/").content.decode()
