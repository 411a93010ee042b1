"""Issue 15, item 12: the demo data tells the truth — interest rates in force for every
demo date (so every invoice and the missed-contributions report show real interest), no
fake files or hashes, no overlapping pay periods, sources that cite a publisher."""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
from collections import defaultdict

import pytest

from pensionportal.core.reference_data import ensure
from pensionportal.demo import load_demo_data
from pensionportal.files.store import read_all
from pensionportal.missed.models import Finding
from pensionportal.remittances.models import InterestRate, Invoice, LineKind
from pensionportal.reports.models import Report
from pensionportal.submissions.models import Status, Submission

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo() -> None:
    ensure()
    load_demo_data()


@pytest.mark.usefixtures("demo")
def test_every_demo_invoice_charges_real_interest() -> None:
    # late-contribution invoices carry interest; the costs of recovery and the quarterly
    # employer share of buyback payments (issue 21) have none, but a real amount
    assert all(i.total > 0 for i in Invoice.objects.exclude(kind="late"))
    invoices = list(Invoice.objects.filter(kind="late"))
    assert invoices
    for invoice in invoices:
        interest = [line for line in invoice.lines.all() if line.kind == LineKind.INTEREST]
        assert interest, invoice.number
        assert all(line.amount > 0 for line in interest), invoice.number
        assert invoice.total > 0


@pytest.mark.usefixtures("demo")
def test_every_late_missed_contribution_has_interest_and_the_report_says_no_less() -> None:
    # a period whose amount is unknown (the plan's rates for 1989 are not on record, issue
    # 21) can have no interest either: it says so instead
    unknown = list(Finding.objects.filter(amount_unknown=True))
    assert all("not on record" in f.note for f in unknown)
    findings = list(Finding.objects.filter(amount_unknown=False))
    assert findings
    for finding in findings:
        assert "not computed" not in finding.interest_note, finding.interest_note
        assert finding.interest > 0, (finding.member.employee_id, finding.period_start)
    report = Report.objects.filter(kind="missed_mandatory_contributions").latest("id")
    stored = report.files.get(format="csv")
    assert stored.file is not None
    text = read_all(stored.file).decode("utf-8-sig")
    assert "not computed" not in text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows
    assert all(float(row["Interest"]) > 0 for row in rows)


@pytest.mark.usefixtures("demo")
def test_every_demo_submission_has_its_real_file() -> None:
    for submission in Submission.objects.all():
        assert submission.file is not None, submission.reference
        data = read_all(submission.file)
        assert data, submission.reference
        assert hashlib.sha256(data).hexdigest() == submission.sha256, submission.reference
        if submission.status == Status.APPLIED:
            assert submission.rows_done > 0, submission.reference


@pytest.mark.usefixtures("demo")
def test_demo_pay_periods_do_not_overlap() -> None:
    periods: dict[int, list[tuple[object, object, str]]] = defaultdict(list)
    for s in Submission.objects.filter(template="PAY", status=Status.APPLIED):
        periods[s.organization_id].append((s.period_start, s.period_end, s.reference))
    assert periods
    for spans in periods.values():
        spans.sort()
        for (_, end, first), (start, _, second) in itertools.pairwise(spans):
            assert end < start, f"{first} and {second} overlap"  # type: ignore[operator]


@pytest.mark.usefixtures("demo")
def test_rate_sources_cite_a_publisher_not_a_file_of_this_repository() -> None:
    for rate in InterestRate.objects.all():
        assert "README" not in rate.source
        assert rate.source
