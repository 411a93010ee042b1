"""Demo threads for `make run` (called by `manage.py load_demo_data`). Idempotent."""

from __future__ import annotations

from pensionportal.accounts.models import Organization, User
from pensionportal.core.demo import DEMO_DOMAIN, DEMO_EMPLOYER, SECOND_EMPLOYER
from pensionportal.files.uploads import receive

from . import actions
from .forms import ATTACHMENTS
from .models import Mailbox, Thread

DEMO_CSV = b"member,period,salary\nDemo Member,2026-01,52000.00\n"


def _attachment(name: str, content: bytes) -> actions.AttachmentUpload:
    received = receive(ATTACHMENTS, name, [content])
    assert received.kind is not None
    return actions.AttachmentUpload(filename=received.name, kind=received.kind, received=received)


def load() -> None:
    if Thread.objects.filter(organization__name__in=[DEMO_EMPLOYER, SECOND_EMPLOYER]).exists():
        return
    staff = User.objects.get(email=f"staff@{DEMO_DOMAIN}")
    comms = User.objects.get(email=f"comms@{DEMO_DOMAIN}")
    multi = User.objects.get(email=f"multi@{DEMO_DOMAIN}")
    employer = Organization.objects.get(name=DEMO_EMPLOYER)
    northern = Organization.objects.get(name=SECOND_EMPLOYER)
    for mailbox in Mailbox.objects.all():
        mailbox.keepers.add(staff)

    correction = actions.start_thread(
        comms,
        organization=employer,
        mailbox=Mailbox.objects.get(slug="data-management"),
        subject="Salary correction for January",
        body="Attention: Data Management Group.\n\nThe attached file corrects one salary.",
        attachments=[_attachment("salary-correction.csv", DEMO_CSV)],
    )
    actions.reply(staff, correction, body="Thank you. The correction has been applied.")
    actions.start_thread(
        multi,
        organization=northern,
        mailbox=Mailbox.objects.get(slug="pension-partner"),
        subject="Question about a leave of absence",
        body="How should we report a member's unpaid leave starting next month?",
    )
    actions.start_thread(
        staff,
        organization=employer,
        mailbox=Mailbox.objects.get(slug="buybacks"),
        subject="Buyback payroll deduction direction",
        body=(
            "Please start payroll deductions of $125.00 a pay for the buyback described in "
            "our letter, from the first pay in May."
        ),
    )
