"""Letters to the member's home address: the reminder before the 1017 lapses, the notice
that it lapsed, and the confirmation of a stop with the service credited. Stored encrypted
in the file layer; staff download and mail them (the 1017 itself goes to the home address:
seeds/buybacks.txt 'Payment options')."""

from __future__ import annotations

import datetime as dt

from pensionportal.files import store as files
from pensionportal.presentation import formatting as fmt
from pensionportal.rules import buybacks as rules

from . import pdfs
from .models import Buyback, BuybackLetter, LetterKind


def _address(buyback: Buyback) -> list[str]:
    member = buyback.member
    city = " ".join(x for x in (member.city, member.province, member.postal_code) if x)
    return [member.address_line1, member.address_line2, member.address_line3, city]


def _content(buyback: Buyback, kind: LetterKind, on: dt.date) -> bytes:
    member = buyback.member
    name = f"{member.first_name} {member.last_name}"
    address = _address(buyback)
    if kind is LetterKind.REMINDER:
        return pdfs.member_letter(
            title="Reminder: your Agreement to Purchase Credit (OPTrust 1017)",
            facts=[
                ("Quote mailed", fmt.iso_date(buyback.quote_date)),
                ("Cost to you", fmt.money(buyback.member_cost)),
                ("Respond by", fmt.iso_date(buyback.response_deadline)),
            ],
            paragraphs=[
                "We sent you an Agreement to Purchase Credit for the service shown on it. You "
                f"must respond within {rules.response_days(buyback.quote_date or on)} days of the "
                "quote. If we do not receive your signed "
                f"agreement by {fmt.iso_date(buyback.response_deadline)}, the quote lapses.",
                "You are not committed to the purchase until you sign the agreement. If the "
                "quote lapses you may ask for a new one; it will be costed as of the new date.",
            ],
            letter_date=on,
            member_name=name,
            address=address,
            reference=buyback.reference,
        )
    if kind is LetterKind.LAPSED:
        return pdfs.member_letter(
            title="Your buyback quote has lapsed",
            facts=[
                ("Quote mailed", fmt.iso_date(buyback.quote_date)),
                ("Response was due", fmt.iso_date(buyback.response_deadline)),
            ],
            paragraphs=[
                "We did not receive your signed Agreement to Purchase Credit (OPTrust 1017) "
                f"within {rules.response_days(buyback.quote_date or on)} days of the quote, so the "
                "quote has lapsed.",
                "If you still wish to buy back this service, contact us: we will send you a new "
                "quote, costed as of the new date. "
                + (
                    "The purchase must be completed by "
                    f"{fmt.iso_date(buyback.completion_deadline)}, "
                    f"{rules.completion_window_words(buyback.original_quote_date or on)} from "
                    "the original quote."
                    if buyback.completion_deadline
                    else ""
                ),
            ],
            letter_date=on,
            member_name=name,
            address=address,
            reference=buyback.reference,
        )
    credited = buyback.credited_years or 0
    return pdfs.member_letter(
        title="Your buyback has stopped",
        facts=[
            ("Stopped on", f"{fmt.iso_date(on)} ({buyback.get_stop_reason_display()})"),
            ("Cost paid (principal)", fmt.money(buyback.principal_paid or 0)),
            ("Service credited", f"{fmt.decimal(credited, 4)} years"),
        ],
        paragraphs=[
            "The buyback has stopped; no further payments are due and the rest of the payment "
            "schedule is cancelled. You are credited with the service your payments bought: "
            "the years purchased in proportion to the cost you paid.",
        ],
        letter_date=on,
        member_name=name,
        address=address,
        reference=buyback.reference,
    )


def write_letter(buyback: Buyback, kind: LetterKind, on: dt.date) -> BuybackLetter:
    letter = BuybackLetter(buyback=buyback, kind=kind, letter_date=on)
    stored = files.store(
        [_content(buyback, kind, on)],
        purpose="buybacks.member_letter",
        filename=letter.filename,
        organization=buyback.organization,
        content_type="application/pdf",
    )
    letter.file = stored
    letter.size = stored.size
    letter.save()
    return letter
