"""Dated parameters: every rate, threshold, limit and period the rules use.

Each quantity lives in its own YAML file beside this module (``ympe.yaml``,
``member_delinquency_days.yaml``, ...)::

    name: ympe
    description: CPP Year's Maximum Pensionable Earnings, by calendar year
    unit: money
    values:
      - effective: 2023-01-01      # first day the value is in force
        until: 2023-12-31          # optional last day (for quarterly rates with gaps)
        value: "66600"             # a decimal string, a fraction "365.25/14", or a date
        source: "where the value comes from"

A value is in force from its ``effective`` date until the day before the next value's
``effective`` date (or its own ``until``). Formulas never branch on years: they ask a
:class:`DatedTable` for the value in force on a date.

The same :class:`DatedTable` (alias :data:`RateTable`) can be built from YAML, from
database rows (:meth:`DatedTable.from_rows`) or by hand, so staff-maintained tables such
as the pre-judgment interest rate and the fund earning rate can be passed into the
formulas instead of the shipped files.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from importlib import resources
from typing import Any

import yaml

__all__ = [
    "DatedTable",
    "DatedValue",
    "ParameterError",
    "ParameterNotInForce",
    "RateTable",
    "all_parameter_names",
    "load",
    "parse_table",
    "table_from_yaml",
]


class ParameterError(ValueError):
    """A parameter file or table is malformed."""


class ParameterNotInForce(LookupError):
    """No value of the parameter is in force on the requested date."""

    def __init__(self, name: str, on: dt.date) -> None:
        super().__init__(f"no value of {name!r} is in force on {on.isoformat()}")
        self.name = name
        self.on = on


Value = Decimal | dt.date


@dataclass(frozen=True)
class DatedValue:
    """One value of a parameter, in force from ``effective`` (to ``until``, if given)."""

    effective: dt.date
    value: Value
    source: str
    until: dt.date | None = None

    def __post_init__(self) -> None:
        if not self.source.strip():
            raise ParameterError(f"value effective {self.effective} has no source")
        if self.until is not None and self.until < self.effective:
            raise ParameterError(f"value effective {self.effective} ends before it starts")


@dataclass(frozen=True)
class DatedTable:
    """A quantity's values by effective date. Immutable; look values up by date."""

    name: str
    values: tuple[DatedValue, ...]
    description: str = ""
    unit: str = ""

    def __post_init__(self) -> None:
        ordered = tuple(sorted(self.values, key=lambda v: v.effective))
        for earlier, later in itertools.pairwise(ordered):
            if earlier.effective == later.effective:
                raise ParameterError(f"{self.name}: two values effective {later.effective}")
            if earlier.until is not None and earlier.until >= later.effective:
                raise ParameterError(f"{self.name}: value {earlier.effective} overlaps the next")
        object.__setattr__(self, "values", ordered)

    @classmethod
    def from_rows(
        cls,
        name: str,
        rows: Iterable[tuple[dt.date, Value, str] | tuple[dt.date, Value, str, dt.date | None]],
        *,
        description: str = "",
        unit: str = "",
    ) -> DatedTable:
        """Build a table from ``(effective, value, source[, until])`` rows (e.g. database rows)."""
        values = []
        for row in rows:
            until = row[3] if len(row) == 4 else None
            values.append(DatedValue(row[0], row[1], row[2], until))
        return cls(name=name, values=tuple(values), description=description, unit=unit)

    def entry_at(self, on: dt.date) -> DatedValue:
        """The value in force on ``on``; raises :class:`ParameterNotInForce` if none."""
        found: DatedValue | None = None
        for value in self.values:
            if value.effective <= on:
                found = value
            else:
                break
        if found is None or (found.until is not None and on > found.until):
            raise ParameterNotInForce(self.name, on)
        return found

    def decimal_at(self, on: dt.date) -> Decimal:
        value = self.entry_at(on).value
        if not isinstance(value, Decimal):
            raise ParameterError(f"{self.name} is not a number")
        return value

    def int_at(self, on: dt.date) -> int:
        value = self.decimal_at(on)
        if value != value.to_integral_value():
            raise ParameterError(f"{self.name} is not a whole number on {on}")
        return int(value)

    def date_at(self, on: dt.date) -> dt.date:
        value = self.entry_at(on).value
        if not isinstance(value, dt.date):
            raise ParameterError(f"{self.name} is not a date")
        return value

    def is_in_force(self, on: dt.date) -> bool:
        try:
            self.entry_at(on)
        except ParameterNotInForce:
            return False
        return True

    def change_dates(self) -> tuple[dt.date, ...]:
        """Every date on which the value in force may change (starts and day-after-ends)."""
        dates: set[dt.date] = set()
        for value in self.values:
            dates.add(value.effective)
            if value.until is not None:
                dates.add(value.until + dt.timedelta(days=1))
        return tuple(sorted(dates))


#: A table of rates by date (pre-judgment interest, fund earning rate, COLA, ...).
RateTable = DatedTable


def _parse_value(name: str, raw: Any) -> Value:
    if isinstance(raw, dt.date) and not isinstance(raw, dt.datetime):
        return raw
    text = str(raw).strip()
    try:
        if "/" in text:
            numerator, denominator = text.split("/")
            return Decimal(numerator.strip()) / Decimal(denominator.strip())
        if len(text) == 10 and text[4] == "-" and text[7] == "-":
            return dt.date.fromisoformat(text)
        return Decimal(text)
    except (InvalidOperation, ValueError, ZeroDivisionError) as exc:
        raise ParameterError(f"{name}: bad value {text!r}") from exc


def _as_date(name: str, raw: Any) -> dt.date:
    if isinstance(raw, dt.date):
        return raw
    try:
        return dt.date.fromisoformat(str(raw))
    except ValueError as exc:
        raise ParameterError(f"{name}: bad date {raw!r}") from exc


def parse_table(document: dict[str, Any]) -> DatedTable:
    """Build a table from a parsed YAML document (the shape in the module docstring)."""
    try:
        name = str(document["name"])
        raw_values = document.get("values") or []
    except (KeyError, TypeError) as exc:
        raise ParameterError("a parameter document needs a name and values") from exc
    values = []
    for raw in raw_values:
        try:
            effective = _as_date(name, raw["effective"])
            until = _as_date(name, raw["until"]) if raw.get("until") is not None else None
            value = _parse_value(name, raw["value"])
            source = str(raw["source"])
        except (KeyError, TypeError) as exc:
            raise ParameterError(f"{name}: each value needs effective, value, source") from exc
        values.append(DatedValue(effective, value, source, until))
    return DatedTable(
        name=name,
        values=tuple(values),
        description=str(document.get("description", "")),
        unit=str(document.get("unit", "")),
    )


def table_from_yaml(text: str) -> DatedTable:
    """Parse a table from YAML text (e.g. a rate file given on the command line)."""
    document = yaml.safe_load(text)
    if not isinstance(document, dict):
        raise ParameterError("a parameter file must be a mapping")
    return parse_table(document)


@cache
def load(name: str) -> DatedTable:
    """The shipped table for the quantity ``name`` (``parameters/<name>.yaml``)."""
    resource = resources.files(__name__).joinpath(f"{name}.yaml")
    if not resource.is_file():
        raise ParameterError(f"no parameter file named {name!r}")
    table = table_from_yaml(resource.read_text(encoding="utf-8"))
    if table.name != name:
        raise ParameterError(f"{name}.yaml declares the name {table.name!r}")
    return table


def all_parameter_names() -> tuple[str, ...]:
    """Names of every shipped parameter file."""
    names = [
        entry.name.removesuffix(".yaml")
        for entry in resources.files(__name__).iterdir()
        if entry.name.endswith(".yaml")
    ]
    return tuple(sorted(names))
