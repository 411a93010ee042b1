"""Whole-column fast paths for CSV text: one C-level pass instead of one call per cell.

Each function returns the typed column, or None when the column is not clean (a bad cell,
a value out of range, surrounding spaces...), in which case the reader falls back to
parsing cell by cell, which reports every problem with its row. The result is the same
either way; tests compare the two paths.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from decimal import Decimal

from pensionportal.datafiles.errors import CellError
from pensionportal.datafiles.fields import Field, Kind
from pensionportal.datafiles.values import Parser, Value

LOW_CARDINALITY = 8
"""Parse each distinct value once when a column has at most n/8 distinct values."""
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_DECIMAL_KINDS = frozenset((Kind.MONEY, Kind.HOURS, Kind.RATIO))


def _optional(cell: str) -> re.Pattern[str]:
    """One cell, or a blank one (checked per cell with ``map``: a single regex over the
    joined column backtracks and is several times slower)."""
    return re.compile(rf"(?:{cell})?")


_patterns: dict[tuple[Kind, int, bool, int | None], re.Pattern[str]] = {}


def _pattern(field: Field) -> re.Pattern[str]:
    places = field.decimals if field.decimals is not None else 2
    signed = field.minimum is None or field.minimum < 0
    key = (field.kind, places, signed, field.max_length)
    found = _patterns.get(key)
    if found is None:
        if field.kind is Kind.EMPLOYEE_ID:
            limit = (field.max_length or 20) - 1
            cell = rf"[A-Za-z0-9][A-Za-z0-9._/-]{{0,{limit}}}"
        else:
            sign = "-?" if signed else ""
            fraction = rf"(?:\.\d{{1,{places}}})?" if places else ""
            cell = rf"{sign}\d{{1,15}}{fraction}"
        found = _patterns[key] = _optional(cell)
    return found


def _all_match(field: Field, column: list[str]) -> bool:
    return all(map(_pattern(field).fullmatch, column))


def _decimals(field: Field, column: list[str]) -> list[Value | None] | None:
    if not _all_match(field, column):
        return None
    # One Decimal per distinct text, shared by the cells that repeat it (contributions
    # repeat: at 100,000 rows a third of the file's Decimals); a blank cell is None.
    parsed = {cell: Decimal(cell) for cell in set(column) if cell}
    out: list[Value | None] = list(map(parsed.get, column))
    present = parsed.values()
    low, high = field.minimum, field.maximum
    if present and (
        (low is not None and (min(present) < low or (field.minimum_exclusive and low in present)))
        or (high is not None and max(present) > high)
    ):
        return None
    return out


def _employee_ids(field: Field, column: list[str]) -> list[Value | None] | None:
    if not _all_match(field, column):
        return None
    return [c or None for c in column]


def _text(field: Field, column: list[str]) -> list[Value | None] | None:
    stripped = list(map(str.strip, column))
    limit = field.max_length
    if limit is not None and max(map(len, stripped)) > limit:
        return None
    if _CONTROL.search("\n".join(stripped)):
        return None
    return [s or None for s in stripped]


def _by_distinct_values(parse: Parser, column: list[str]) -> list[Value | None] | None:
    sample = column[:1024]
    if len(set(sample)) * LOW_CARDINALITY > len(sample):
        return None
    distinct = set(column)
    if len(distinct) * LOW_CARDINALITY > len(column):
        return None
    try:
        mapping = {cell: parse(cell) for cell in distinct}
    except CellError:
        return None
    return list(map(mapping.__getitem__, column))


_BY_KIND: dict[Kind, Callable[[Field, list[str]], list[Value | None] | None]] = {
    Kind.MONEY: _decimals,
    Kind.HOURS: _decimals,
    Kind.RATIO: _decimals,
    Kind.EMPLOYEE_ID: _employee_ids,
    Kind.TEXT: _text,
}


def fast_column(field: Field, column: Sequence[object], parse: Parser) -> list[Value | None] | None:
    """The typed column if every cell is text and clean, else None (parse cell by cell)."""
    if len(column) < 64 or not all(c.__class__ is str for c in column[:64]):
        return None
    try:
        cells: list[str] = list(column)  # type: ignore[arg-type]
        result = _by_distinct_values(parse, cells)
        if result is not None:
            return result
        kind_path = _BY_KIND.get(field.kind)
        return kind_path(field, cells) if kind_path is not None else None
    except TypeError:  # a non-text cell further down (XLSX)
        return None
