"""Field builders and code lists the form definitions share (the codes are the data-file
templates' own, select-employer-manual.txt Section 2 "Content", so a form's values become
intake rows unchanged)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ..spec import FormField, Kind

# The version of the portal's forms (the "date of its version" in Forms and Publications);
# not a plan rule.
VERSION_2026 = dt.date(2026, 1, 1)

RPD = "reporting-pension-data.txt"
SELECT = "select-employer-manual.txt"
BUYBACKS = "buybacks.txt"

YES_NO = (("Y", "Yes"), ("N", "No"))
PROVINCES = (
    ("AB", "Alberta"),
    ("BC", "British Columbia"),
    ("MB", "Manitoba"),
    ("NB", "New Brunswick"),
    ("NL", "Newfoundland and Labrador"),
    ("NS", "Nova Scotia"),
    ("NT", "Northwest Territories"),
    ("NU", "Nunavut"),
    ("ON", "Ontario"),
    ("PE", "Prince Edward Island"),
    ("QC", "Quebec"),
    ("SK", "Saskatchewan"),
    ("YT", "Yukon"),
)
EMPLOYMENT_TYPES = (
    ("FT", "Full time"),
    ("PT", "Part time"),
    ("PS", "Permanent seasonal"),
    ("NP", "Non-permanent (contract or irregular hours)"),
)
LEAVE_TYPES = (
    ("DISC", "Discretionary (personal, educational, extended parental)"),
    ("ESA_PAR", "Pregnancy or parental (Employment Standards Act)"),
    ("ESA_OTH", "Other statutory leave (Employment Standards Act)"),
    ("ILL", "Illness or WSIB"),
    ("LTIP", "Long-term income protection (LTIP)"),
)
GENDERS = (("M", "Male"), ("F", "Female"), ("U", "Unspecified"))
MARITAL = (
    ("SI", "Single"),
    ("M", "Married"),
    ("C", "Common law"),
    ("SE", "Separated"),
    ("D", "Divorced"),
    ("W", "Widowed"),
)
ADDRESS_TYPES = (("HOME", "Home"), ("BUS", "Business"))
PHONE_TYPES = (("HOME", "Home"), ("BUS", "Business"), ("CELL", "Cell"), ("CELLB", "Business cell"))


def text(
    key: str, label: str, *, required: bool = False, help: str = "", **kw: object
) -> FormField:
    return FormField(key, label, Kind.TEXT, required, help, **kw)  # type: ignore[arg-type]


def date(
    key: str, label: str, *, required: bool = False, help: str = "", **kw: object
) -> FormField:
    return FormField(key, label, Kind.DATE, required, help, **kw)  # type: ignore[arg-type]


def choice(
    key: str,
    label: str,
    choices: tuple[tuple[str, str], ...],
    *,
    required: bool = False,
    help: str = "",
    **kw: object,
) -> FormField:
    return FormField(key, label, Kind.CHOICE, required, help, choices, **kw)  # type: ignore[arg-type]


def money(
    key: str, label: str, *, required: bool = False, help: str = "", **kw: object
) -> FormField:
    return FormField(key, label, Kind.MONEY, required, help, **kw)  # type: ignore[arg-type]


def confirm(key: str, label: str) -> FormField:
    return FormField(key, label, Kind.CONFIRM, True)


def decimal(
    key: str,
    label: str,
    *,
    minimum: Decimal,
    maximum: Decimal,
    required: bool = False,
    help: str = "",
    **kw: object,
) -> FormField:
    return FormField(
        key,
        label,
        Kind.DECIMAL,
        required,
        help,
        minimum=minimum,
        maximum=maximum,
        **kw,  # type: ignore[arg-type]
    )


def ratio(
    key: str, label: str, *, required: bool = False, help: str = "", **kw: object
) -> FormField:
    return decimal(
        key,
        label,
        minimum=Decimal("0"),
        maximum=Decimal("1"),
        required=required,
        help=help
        or "The fraction of full-time employment: 1.00 is full time, 0.60 is 60 per cent.",
        places=4,
        **kw,
    )


def hours(
    key: str, label: str, *, required: bool = False, help: str = "", **kw: object
) -> FormField:
    return decimal(
        key,
        label,
        minimum=Decimal("0.01"),
        maximum=Decimal("48"),
        required=required,
        help=help or "Full-time weekly hours, e.g. 37.50 (at most 48.00).",
        **kw,
    )


def address(prefix: str = "", *, required: bool = True) -> tuple[FormField, ...]:
    """An address as the data files carry it (Canada Post format)."""
    return (
        text(
            f"{prefix}address_line1",
            "Address line 1",
            required=required,
            max_length=200,
            help="Apt# - Street Number Street Name Street Type",
            prefill="address_line1",
        ),
        text(f"{prefix}address_line2", "Address line 2", max_length=200, prefill="address_line2"),
        text(f"{prefix}city", "City", required=required, prefill="city"),
        choice(f"{prefix}province", "Province", PROVINCES, required=required, prefill="province"),
        FormField(
            f"{prefix}postal_code",
            "Postal code",
            Kind.POSTAL,
            required,
            "E.g. M5C3A7",
            prefill="postal_code",
        ),
    )
