"""Headings: matching column labels to fields, and telling which template a file follows.

Headings match a field's label, its key or an alias, ignoring case, spaces and punctuation
("Employee ID", "employee_id" and "EMPLOYEE-ID" are the same column). The template is the
one whose headings are all recognised and whose mandatory columns are all present; when
several fit (e.g. only Employee ID and Last Name), the file name decides (a template code
as a word in it, e.g. ``acme_TER_2024-03.csv``). A PAY file starts with the header table.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from pensionportal.datafiles.fields import Field, TemplateSpec
from pensionportal.datafiles.specs import SPECS
from pensionportal.datafiles.values import as_text

_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def normalise(label: str) -> str:
    return _NOT_ALNUM.sub("", label.lower())


def lookup_for(fields: Sequence[Field]) -> dict[str, Field]:
    lookup: dict[str, Field] = {}
    for field in fields:
        for name in (field.label, field.key, *field.aliases):
            lookup.setdefault(normalise(name), field)
    return lookup


_LOOKUPS = {code: lookup_for(spec.fields) for code, spec in SPECS.items()}
_HEADER_LOOKUP = lookup_for(SPECS["PAY"].header_fields)


@dataclass(frozen=True)
class Columns:
    """A heading row matched against a set of fields: position -> field (None: unknown)."""

    labels: tuple[str, ...]
    fields: tuple[Field | None, ...]

    @property
    def recognised(self) -> int:
        return sum(1 for f in self.fields if f is not None)

    def keys(self) -> set[str]:
        return {f.key for f in self.fields if f is not None}


def match_columns(cells: Sequence[object], lookup: dict[str, Field]) -> Columns:
    labels = [as_text(cell) for cell in cells]
    while labels and not labels[-1]:
        labels.pop()
    return Columns(
        tuple(labels), tuple(lookup.get(normalise(label)) if label else None for label in labels)
    )


def missing_required(spec_fields: Sequence[Field], columns: Columns) -> list[Field]:
    present = columns.keys()
    return [f for f in spec_fields if f.required and f.key not in present]


def is_pay_header(cells: Sequence[object]) -> bool:
    columns = match_columns(cells, _HEADER_LOOKUP)
    return columns.recognised >= 2 and columns.recognised == len(
        [label for label in columns.labels if label]
    )


def filename_hint(filename: str) -> str | None:
    words = set(re.split(r"[^0-9A-Za-z]+", filename.upper()))
    found = [code for code in SPECS if code in words]
    return found[0] if len(found) == 1 else None


def detect(cells: Sequence[object], filename: str) -> TemplateSpec | list[str]:
    """The template a detail heading row belongs to, or the candidates when it is unclear."""
    if is_pay_header(cells):
        return SPECS["PAY"]
    hint = filename_hint(filename)
    exact: list[str] = []
    scores: dict[str, int] = {}
    for code, spec in SPECS.items():
        columns = match_columns(cells, _LOOKUPS[code])
        named = len([label for label in columns.labels if label])
        missing = len(missing_required(spec.fields, columns))
        if columns.recognised == named and missing == 0 and named > 0:
            exact.append(code)
        scores[code] = columns.recognised - missing
    if len(exact) == 1:
        return SPECS[exact[0]]
    if exact:
        return SPECS[hint] if hint in exact else exact
    if hint is not None:
        return SPECS[hint]
    best = max(scores.values())
    leaders = [code for code, score in scores.items() if score == best]
    if best >= 2 and len(leaders) == 1:
        return SPECS[leaders[0]]
    return leaders if best >= 2 else []


def lookup(spec: TemplateSpec) -> dict[str, Field]:
    return _LOOKUPS[spec.code]


def header_lookup() -> dict[str, Field]:
    return _HEADER_LOOKUP
