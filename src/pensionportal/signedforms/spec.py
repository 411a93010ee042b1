"""Forms as data: one declarative definition per plan form.

Each `FormSpec` says which fields the form has, who fills each section (the employer or
the member), how each value is checked, which registry data pre-fills it, in which order
the parties sign and the seed section it comes from. From that one spec come the online
form (`web.py`), the PDF, blank or completed (`rendering.py`), and the back-office effect
(`effects.py`), the same "one spec, many outputs" shape as the data-file templates
(`pensionportal.datafiles.specs`). Pure Python: no Django import.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation

from stdnum.ca import sin as sin_number


class Party(enum.StrEnum):
    EMPLOYER = "employer"
    MEMBER = "member"

    @property
    def label(self) -> str:
        return "Employer" if self is Party.EMPLOYER else "Member"


class Kind(enum.StrEnum):
    TEXT = "text"
    LONG_TEXT = "long_text"
    DATE = "date"
    MONEY = "money"  # dollars and cents, not negative
    DECIMAL = "decimal"  # hours, ratios
    INTEGER = "integer"
    CHOICE = "choice"
    EMAIL = "email"
    PHONE = "phone"  # 10 digits
    SIN = "sin"  # 9 digits, Luhn-valid
    POSTAL = "postal"  # A9A9A9
    CONFIRM = "confirm"  # a box the signer must tick


Value = str | dt.date | Decimal | int | bool | None
Values = Mapping[str, Value]


@dataclass(frozen=True)
class FormField:
    key: str
    label: str
    kind: Kind = Kind.TEXT
    required: bool = False
    help: str = ""
    choices: tuple[tuple[str, str], ...] = ()
    # The registry member's attribute that pre-fills this field (e.g. "birth_date").
    prefill: str = ""
    max_length: int = 100
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    places: int = 2
    # Required only when another field has one of these values: (key, values).
    required_when: tuple[str, tuple[str, ...]] | None = None
    sensitive: bool = False  # shown masked (a SIN)

    def choice_label(self, value: str) -> str:
        return dict(self.choices).get(value, value)


@dataclass(frozen=True)
class Section:
    title: str
    party: Party
    fields: tuple[FormField, ...]
    note: str = ""
    # A table: the fields are one row's columns, repeated this many times (keys end _1, _2,
    # ...); a row left wholly empty is ignored, a row begun needs its required columns.
    repeat: int = 0

    @property
    def expanded(self) -> tuple[FormField, ...]:
        if not self.repeat:
            return self.fields
        return tuple(
            replace(f, key=f"{f.key}_{i}", label=f"{f.label}, row {i}")
            for i in range(1, self.repeat + 1)
            for f in self.fields
        )

    def rows(self) -> list[list[FormField]]:
        """A table's rows of expanded fields (one row for a plain section)."""
        if not self.repeat:
            return [list(self.fields)]
        width = len(self.fields)
        cells = self.expanded
        return [list(cells[i : i + width]) for i in range(0, len(cells), width)]


# A rule across fields: the values (typed) in, (field key, message) pairs out.
Check = Callable[[Values], list[tuple[str, str]]]


@dataclass(frozen=True)
class FormSpec:
    code: str
    title: str
    version: dt.date  # the date of this version of the form
    source: str  # the seed section it comes from
    purpose: str  # one paragraph shown above the form and on its PDF
    sections: tuple[Section, ...]
    signers: tuple[Party, ...]  # in signing order
    effect: str  # what completing it does in the back office, in words
    needs_member: bool = True  # about a member already in the registry
    checks: tuple[Check, ...] = ()
    declarations: Mapping[Party, str] = field(default_factory=dict)

    @property
    def fields(self) -> tuple[FormField, ...]:
        return tuple(f for s in self.sections for f in s.expanded)

    def field(self, key: str) -> FormField:
        for candidate in self.fields:
            if candidate.key == key:
                return candidate
        raise KeyError(key)

    def fields_of(self, party: Party) -> tuple[FormField, ...]:
        return tuple(f for s in self.sections if s.party is party for f in s.expanded)

    def sections_of(self, party: Party) -> tuple[Section, ...]:
        return tuple(s for s in self.sections if s.party is party)

    @property
    def parties(self) -> tuple[Party, ...]:
        return tuple(dict.fromkeys(s.party for s in self.sections))

    @property
    def needs_member_signature(self) -> bool:
        return Party.MEMBER in self.signers


# -- values: parsing a typed-in text, and back ------------------------------------------------

_POSTAL = re.compile(r"^[A-Z]\d[A-Z]\d[A-Z]\d$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class Invalid(ValueError):
    """A value that does not fit its field; the message is for the person typing it."""


def parse(spec_field: FormField, text: str) -> Value:
    """The typed value of one field from what was typed, or `Invalid` saying why."""
    raw = (text or "").strip()
    kind = spec_field.kind
    if kind is Kind.CONFIRM:
        return raw.lower() in {"on", "true", "1", "yes", "y"}
    if not raw:
        return None
    if kind in (Kind.TEXT, Kind.LONG_TEXT):
        limit = spec_field.max_length if kind is Kind.TEXT else 2000
        if len(raw) > limit:
            raise Invalid(f"Use at most {limit} characters (this has {len(raw)}).")
        return raw
    if kind is Kind.DATE:
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            raise Invalid(f"{raw} is not a date: enter it as YYYY-MM-DD.") from None
    if kind in (Kind.MONEY, Kind.DECIMAL):
        return _number(spec_field, raw)
    if kind is Kind.INTEGER:
        if not raw.isdigit():
            raise Invalid(f"{raw} is not a whole number.")
        number = int(raw)
        _bounds(spec_field, Decimal(number))
        return number
    if kind is Kind.CHOICE:
        if raw not in dict(spec_field.choices):
            allowed = ", ".join(label for _, label in spec_field.choices)
            raise Invalid(f"Choose one of: {allowed}.")
        return raw
    if kind is Kind.EMAIL:
        if not _EMAIL.match(raw) or len(raw) > 254:
            raise Invalid(f"{raw} is not an e-mail address.")
        return raw.lower()
    if kind is Kind.PHONE:
        digits = re.sub(r"[\s().-]", "", raw)
        if not (digits.isdigit() and len(digits) == 10):
            raise Invalid("Enter the 10-digit phone number, e.g. 4161234567.")
        return digits
    if kind is Kind.SIN:
        digits = re.sub(r"[\s-]", "", raw)
        if not sin_number.is_valid(digits):
            raise Invalid("This is not a valid social insurance number (9 digits).")
        return digits
    if kind is Kind.POSTAL:
        code = raw.replace(" ", "").upper()
        if not _POSTAL.match(code):
            raise Invalid("Enter the six-character postal code, e.g. M5C3A7.")
        return code
    raise AssertionError(kind)


def _number(spec_field: FormField, raw: str) -> Decimal:
    cleaned = raw.replace(",", "").replace("$", "").strip()
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        raise Invalid(f"{raw} is not a number.") from None
    if not number.is_finite():
        raise Invalid(f"{raw} is not a number.")
    places = 2 if spec_field.kind is Kind.MONEY else spec_field.places
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        raise Invalid(f"Use at most {places} decimal places.")
    if spec_field.kind is Kind.MONEY and number < 0:
        raise Invalid("An amount cannot be negative.")
    _bounds(spec_field, number)
    return number


def _bounds(spec_field: FormField, number: Decimal) -> None:
    if spec_field.minimum is not None and number < spec_field.minimum:
        raise Invalid(f"The lowest value allowed is {spec_field.minimum}.")
    if spec_field.maximum is not None and number > spec_field.maximum:
        raise Invalid(f"The highest value allowed is {spec_field.maximum}.")


def serialise(value: Value) -> str | bool | None:
    """The JSON form of a typed value (dates ISO, numbers as exact text)."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        return str(value)
    return value


def typed(spec: FormSpec, stored: Mapping[str, object]) -> dict[str, Value]:
    """Typed values from their stored JSON form (unknown keys dropped)."""
    out: dict[str, Value] = {}
    for spec_field in spec.fields:
        raw = stored.get(spec_field.key)
        if raw is None or raw == "":
            out[spec_field.key] = False if spec_field.kind is Kind.CONFIRM else None
        elif spec_field.kind is Kind.CONFIRM:
            out[spec_field.key] = bool(raw)
        else:
            out[spec_field.key] = parse(spec_field, str(raw))
    return out


def text_of(spec_field: FormField, value: Value) -> str:
    """A value as a person reads it on the page and in the PDF (unformatted money is
    formatted by the caller, who knows the locale)."""
    if value is None or value == "":
        return ""
    if spec_field.kind is Kind.CONFIRM:
        return "Yes" if value else "Not ticked"
    if spec_field.kind is Kind.CHOICE:
        return spec_field.choice_label(str(value))
    if isinstance(value, dt.date):
        return value.isoformat()
    if spec_field.kind is Kind.SIN:
        digits = str(value)
        return f"*** *** {digits[-3:]}"
    return str(value)


def validate(
    spec: FormSpec, values: Values, parties: tuple[Party, ...] | None = None
) -> dict[str, list[str]]:
    """Every problem of the values of the given parties' sections (all by default): a
    required field left empty, then the spec's rules across fields. Keys are field keys."""
    wanted = parties or spec.parties
    keys = {f.key for p in wanted for f in spec.fields_of(p)}
    errors: dict[str, list[str]] = {}
    in_empty_row: set[str] = set()
    for section in spec.sections:
        if section.repeat:
            for row in section.rows():
                if all(values.get(f.key) in (None, "", False) for f in row):
                    in_empty_row.update(f.key for f in row)
    for spec_field in spec.fields:
        if spec_field.key not in keys or spec_field.key in in_empty_row:
            continue
        value = values.get(spec_field.key)
        needed = spec_field.required
        if spec_field.required_when is not None:
            other, accepted = spec_field.required_when
            needed = str(values.get(other) or "") in accepted
        if spec_field.kind is Kind.CONFIRM:
            if needed and value is not True:
                errors.setdefault(spec_field.key, []).append("Tick this box to go on.")
        elif needed and (value is None or value == ""):
            errors.setdefault(spec_field.key, []).append(missing(spec_field))
    for check in spec.checks:
        for key, message in check(values):
            if key in keys:
                errors.setdefault(key, []).append(message)
    return errors


def missing(spec_field: FormField) -> str:
    """What to say of a required field left empty."""
    if spec_field.kind is Kind.CHOICE:
        return f"Choose an answer for \u201c{spec_field.label}\u201d."
    return f"Enter the {spec_field.label[0].lower()}{spec_field.label[1:]}."


# -- small building blocks the definitions share -------------------------------------------


def date_order(first: str, then: str, message: str) -> Check:
    """`then` is on or after `first` (when both are given)."""

    def check(values: Values) -> list[tuple[str, str]]:
        a, b = values.get(first), values.get(then)
        if isinstance(a, dt.date) and isinstance(b, dt.date) and b < a:
            return [(then, message)]
        return []

    return check


def one_of_required(keys: tuple[str, ...], message: str) -> Check:
    def check(values: Values) -> list[tuple[str, str]]:
        if any(values.get(k) not in (None, "") for k in keys):
            return []
        return [(keys[0], message)]

    return check
