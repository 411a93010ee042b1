"""The vocabulary of a template spec: field kinds, choices, conditions, fields, templates.

A :class:`TemplateSpec` is pure data. Readers, validators, downloadable templates, online
form descriptions and docs/datafiles.md are all derived from it (see ``specs.py``).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol

Labels = Callable[[str], str]
"""Maps a field key to its label (used to describe conditions in plain words)."""


class Kind(enum.StrEnum):
    """What a value is; each kind has one parser in ``values.py``."""

    TEXT = "text"
    EMPLOYEE_ID = "employee ID"
    CODE = "code"
    DATE = "date"
    MONEY = "money"
    WHOLE_DOLLARS = "whole dollars"
    HOURS = "hours"
    RATIO = "ratio"
    YEAR = "year"
    SIN = "SIN"
    EMAIL = "e-mail"
    PHONE = "phone"
    PHONE_EXTENSION = "phone extension"
    POSTAL_CODE = "postal code"
    PROVINCE = "province"
    COUNTRY = "country"


@dataclass(frozen=True)
class Choice:
    code: str
    meaning: str
    aliases: tuple[str, ...] = ()


class Condition(Protocol):
    """A test on a row's typed values, also describable in words for docs and forms."""

    def holds(self, values: Mapping[str, object]) -> bool: ...

    def describe(self, label: Labels) -> str: ...


@dataclass(frozen=True)
class Is:
    """The field ``key`` holds one of ``codes``."""

    key: str
    codes: tuple[str, ...]

    def holds(self, values: Mapping[str, object]) -> bool:
        return values.get(self.key) in self.codes

    def describe(self, label: Labels) -> str:
        codes = " or ".join(self.codes)
        return f"{label(self.key)} is {codes}"


@dataclass(frozen=True)
class Given:
    """The field ``key`` is not blank."""

    key: str

    def holds(self, values: Mapping[str, object]) -> bool:
        return values.get(self.key) is not None

    def describe(self, label: Labels) -> str:
        return f"{label(self.key)} is given"


@dataclass(frozen=True)
class Blank:
    """The field ``key`` is blank."""

    key: str

    def holds(self, values: Mapping[str, object]) -> bool:
        return values.get(self.key) is None

    def describe(self, label: Labels) -> str:
        return f"{label(self.key)} is blank"


@dataclass(frozen=True)
class AllOf:
    conditions: tuple[Condition, ...]

    def holds(self, values: Mapping[str, object]) -> bool:
        return all(c.holds(values) for c in self.conditions)

    def describe(self, label: Labels) -> str:
        return " and ".join(c.describe(label) for c in self.conditions)


@dataclass(frozen=True)
class Not:
    condition: Condition

    def holds(self, values: Mapping[str, object]) -> bool:
        return not self.condition.holds(values)

    def describe(self, label: Labels) -> str:
        return f"not ({self.condition.describe(label)})"


@dataclass(frozen=True)
class Described:
    """A condition with a hand-written description."""

    condition: Condition
    text: str

    def holds(self, values: Mapping[str, object]) -> bool:
        return self.condition.holds(values)

    def describe(self, label: Labels) -> str:
        return self.text


@dataclass(frozen=True)
class Field:
    """One column of a template."""

    key: str
    label: str
    kind: Kind
    description: str
    sample: str
    required: bool = False
    required_when: Condition | None = None
    """Conditional: mandatory when this holds (``required`` is then False)."""
    choices: tuple[Choice, ...] = ()
    max_length: int | None = None
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    minimum_exclusive: bool = False
    decimals: int | None = None
    aliases: tuple[str, ...] = ()
    sensitive: bool = False
    reference_only: bool = False
    source: str = ""

    @property
    def requirement(self) -> str:
        if self.required:
            return "mandatory"
        if self.required_when is not None:
            return "conditional"
        return "optional"

    def choice_codes(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.choices)


@dataclass(frozen=True)
class AddressGroup:
    """Fields that together make a postal address (all or nothing, checked as a whole)."""

    line1: str
    city: str
    province: str
    country: str
    postal_code: str
    address_type: str | None = None
    other_lines: tuple[str, ...] = ()

    def field_keys(self) -> tuple[str, ...]:
        head = (self.address_type,) if self.address_type else ()
        return (
            *head,
            self.line1,
            *self.other_lines,
            self.city,
            self.province,
            self.country,
            self.postal_code,
        )


@dataclass(frozen=True)
class Pair:
    """A type code and the value it qualifies: both given or both blank."""

    type_key: str
    value_key: str


@dataclass(frozen=True)
class DateOrder:
    """``earlier`` must be on or before ``later`` when both are given."""

    earlier: str
    later: str


@dataclass(frozen=True)
class TemplateSpec:
    code: str
    title: str
    description: str
    source: str
    fields: tuple[Field, ...]
    header_fields: tuple[Field, ...] = ()
    """PAY only: the remittance header record."""
    online_transmission: bool = True
    """False when the manual says the file goes through the contact form, not the site."""
    one_row_per: str = "employee"
    unique_key: tuple[str, ...] = ("employee_id",)
    """Fields that identify a row; two rows with the same values are duplicates."""
    address_groups: tuple[AddressGroup, ...] = ()
    pairs: tuple[Pair, ...] = ()
    date_orders: tuple[DateOrder, ...] = ()
    notes: tuple[str, ...] = field(default=())

    def field(self, key: str) -> Field:
        for f in (*self.header_fields, *self.fields):
            if f.key == key:
                return f
        raise KeyError(key)

    def label(self, key: str) -> str:
        return self.field(key).label

    @property
    def has_header(self) -> bool:
        return bool(self.header_fields)
