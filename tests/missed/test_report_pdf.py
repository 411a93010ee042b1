"""Issue 15, item 5: the missed-contributions report prints each Cause in full (it was cut
at "…plan membersh") and names outside Latin-1 as written (they were `?`)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from pypdf import PdfReader

from pensionportal.missed.documents import LetterPeriod, ReportLine, member_letter_pdf, report_pdf

CAUSE = "Administrative error: deductions did not commence at the plan membership date"


def _text(data: bytes) -> str:
    pages = PdfReader(io.BytesIO(data)).pages
    return " ".join(" ".join((page.extract_text() or "").split()) for page in pages)


def test_the_report_prints_every_cause_and_name_in_full() -> None:
    line = ReportLine(
        case="MMC-000001",
        employee_id="D1001",
        last_name="Łukasiewicz-Nguyễn",
        first_name="Zoë",
        period_start=dt.date(2026, 3, 29),
        period_end=dt.date(2026, 4, 11),
        pay_date=dt.date(2026, 4, 17),
        cause=CAUSE,
        member_owed=Decimal("71.75"),
        employer_owed=Decimal("76.53"),
        interest=Decimal("2.20"),
        interest_to=dt.date(2026, 12, 1),
        deadline=dt.date(2027, 3, 31),
        stage="Employer",
        note="",
    )
    text = _text(report_pdf("Société Demo Ltée", dt.date(2026, 11, 6), [line]))
    assert CAUSE in text
    # Every letter is there, none is a "?".
    assert "Łukasiewicz-Nguyễn" in text
    assert "Zoë" in text
    assert "?" not in text
    assert "Société Demo Ltée" in text
    assert "$71.75 $76.53 $2.20 $150.48" in text
    assert "Pay cycle: Pay cycle" not in text


def test_the_member_letter_keeps_the_members_name_and_the_cause() -> None:
    text = _text(
        member_letter_pdf(
            member_name="Дмитрий Ševčík",
            address=["12 Rue Saint-Paul", "Montréal, QC  H2Y 1Z5"],
            employer="Demo Employer Ltd.",
            case_number="MMC-000001",
            letter_date=dt.date(2026, 11, 1),
            due_date=dt.date(2026, 12, 16),
            periods=[
                LetterPeriod(dt.date(2026, 3, 29), dt.date(2026, 4, 11), CAUSE, Decimal("150.48"))
            ],
            closing=False,
        )
    )
    assert "Дмитрий Ševčík" in text
    assert "Montréal" in text
    assert CAUSE in text
    assert "Please arrange payment of $150.48" in text
