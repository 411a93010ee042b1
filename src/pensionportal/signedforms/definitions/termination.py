"""Termination of Membership - Application for Entitlement (OPTrust 1012)."""

from __future__ import annotations

from ..spec import FormField, FormSpec, Kind, Party, Section
from .common import RPD, SELECT, VERSION_2026, YES_NO, address, choice, confirm, date

# The TER template's reasons a living member applies for (select-employer-manual.txt §2
# "Termination Data"); a death is reported by the TER file with DTH, not by the member.
REASONS = (
    ("TER", "Termination of employment"),
    ("SLE", "Shortened life expectancy"),
    ("DIV", "Divestment"),
)

F1012 = FormSpec(
    code="1012",
    title="Termination of Membership - Application for Entitlement",
    version=VERSION_2026,
    source=f'{SELECT} Section 3 "Ending Employment" / "Termination" and Section 2 "Termination '
    f'Data"; {RPD} "Forms and tools"',
    purpose="A member whose employment ends applies for their entitlement. You give the "
    "termination; the member confirms their home contact details and signs first, then you. "
    "The termination goes through pension data intake like a TER file, and the plan then "
    "sends the member a statement of benefits and options.",
    sections=(
        Section(
            "Termination",
            Party.EMPLOYER,
            (
                date(
                    "termination_date",
                    "Termination date",
                    required=True,
                    help="The final day of plan participation.",
                ),
                choice("termination_reason", "Reason", REASONS, required=True),
                choice(
                    "grievance",
                    "Outstanding grievance",
                    YES_NO,
                    help="Yes if the member is grieving the termination under a collective "
                    "agreement.",
                ),
            ),
        ),
        Section(
            "Member's home contact details",
            Party.MEMBER,
            (
                *address("home_"),
                FormField(
                    "home_phone",
                    "Home phone number",
                    Kind.PHONE,
                    False,
                    "10 digits",
                    prefill="phone_number",
                ),
                FormField(
                    "home_email", "Personal e-mail address", Kind.EMAIL, False, prefill="email"
                ),
            ),
            note="Where the plan sends your statement of benefits and options.",
        ),
        Section(
            "Member's application",
            Party.MEMBER,
            (
                confirm(
                    "member_confirms",
                    "I apply for my entitlement under the plan and my contact details are correct.",
                ),
            ),
        ),
        Section(
            "Employer's declaration",
            Party.EMPLOYER,
            (confirm("employer_confirms", "The member's employment ended on the date given."),),
        ),
    ),
    signers=(Party.MEMBER, Party.EMPLOYER),
    effect="A TER submission through pension data intake: the member terminated on the registry.",
)
