"""One employer's worth of objects, reachable through every API operation."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from pensionportal.accounts.models import Organization, Plan, Role, User
from pensionportal.exchange.actions import deliver_file
from pensionportal.exchange.models import Category, ExchangedFile
from pensionportal.members.models import Member
from pensionportal.remittances.models import (
    AdviceSource,
    Invoice,
    InvoiceLine,
    LineKind,
    RemittanceAdvice,
)
from pensionportal.reports.actions import publish_report
from pensionportal.reports.models import Report, ReportKind
from pensionportal.submissions.models import Submission
from tests.factories import make_member, make_org, make_staff, make_user
from tests.submissions.helpers import pay_file, pay_row, submit


@dataclass
class World:
    org: Organization
    clerk: User
    submission: Submission
    delivery: ExchangedFile
    report: Report
    advice: RemittanceAdvice
    invoice: Invoice
    member: Member

    def ids(self) -> dict[str, int]:
        return {
            "submission_id": self.submission.pk,
            "delivery_id": self.delivery.pk,
            "report_id": self.report.pk,
            "file_id": self.report.files.get().pk,
            "advice_id": self.advice.pk,
            "invoice_id": self.invoice.pk,
            "member_id": self.member.pk,
        }


def employer(name: str | None = None) -> Organization:
    org = make_org(name, plan=Plan.SELECT)
    org.plan_participation_date = dt.date(2015, 1, 1)
    org.save()
    return org


def build(staff: User | None = None, org: Organization | None = None) -> World:
    org = org or employer()
    staff = staff or make_staff()
    clerk = make_user(org, [Role.FILE_UPLOAD])
    member = make_member(org, "E1")
    submission = submit(clerk, org, pay_file([pay_row("E1")]), "PAY_2026-03-13.csv")
    delivery = deliver_file(
        staff,
        org,
        "DS_2026-03-13.csv",
        [b"member,amount\r\nE1,10.00\r\n"],
        Category.BUYBACK_DEDUCTIONS,
    )
    report = publish_report(
        org,
        "Missed mandatory contributions",
        ReportKind.MISSED_MANDATORY_CONTRIBUTIONS,
        [("missed.csv", "", b"member,period\r\nE1,2026-03\r\n")],
        published_by=staff,
    )
    advice = RemittanceAdvice.objects.create(
        organization=org,
        pay_date=dt.date(2026, 1, 9),
        period_start=dt.date(2025, 12, 21),
        period_end=dt.date(2026, 1, 3),
        payment_reference="EFT-API-1",
        member_contributions=Decimal("100.00"),
        employer_regular=Decimal("100.00"),
        source=AdviceSource.ONLINE,
    )
    invoice = Invoice.objects.create(
        organization=org,
        advice=advice,
        invoice_date=dt.date(2026, 2, 2),
        due_date=dt.date(2026, 2, 16),
        total=Decimal("3.21"),
        issued_by=staff,
    )
    InvoiceLine.objects.create(
        invoice=invoice,
        position=1,
        kind=LineKind.INTEREST,
        description="Interest on late contributions",
        principal=Decimal("200.00"),
        start=dt.date(2026, 1, 17),
        end=dt.date(2026, 2, 2),
        days=17,
        rate=Decimal("0.0345"),
        rate_name="Pre-judgment",
        amount=Decimal("3.21"),
    )
    return World(org, clerk, submission, delivery, report, advice, invoice, member)


def more_of(world: World, count: int = 3) -> None:
    """More members, deliveries, reports and invoices for the same organization."""
    staff = make_staff()
    for n in range(count):
        make_member(world.org, f"M{n}", sin=f"{130692544 + n * 7:09d}")
        deliver_file(staff, world.org, f"letter-{n}.csv", [b"a,b\r\n1,2\r\n"], Category.LETTER)
        publish_report(
            world.org,
            f"Report {n}",
            ReportKind.OTHER,
            [(f"r{n}.csv", "", b"a\r\n1\r\n")],
            published_by=staff,
        )
        invoice = Invoice.objects.create(
            organization=world.org,
            advice=world.advice,
            invoice_date=dt.date(2026, 3, 2 + n),
            due_date=dt.date(2026, 3, 16 + n),
            total=Decimal("1.00"),
            issued_by=staff,
        )
        InvoiceLine.objects.create(
            invoice=invoice,
            position=1,
            kind=LineKind.INTEREST,
            description="Interest",
            amount=Decimal("1.00"),
        )
