"""What a reader gives back: a parsed file with its rows, or the reasons it is unreadable."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from pensionportal.datafiles.fields import TemplateSpec
from pensionportal.datafiles.problems import Problem
from pensionportal.datafiles.values import Value

TypedValues = Mapping[str, Value | None]


@dataclass(frozen=True, slots=True)
class Row:
    """One record of the file.

    ``number`` is the row number in the original file (1 = first row, as Excel shows it;
    for CSV, the record number). ``raw`` holds the cells as given, in the file's column
    order (see :attr:`ParsedFile.columns`). ``values`` maps every field key of the template
    to its typed value, or None when blank, absent or unreadable (see the problems).
    """

    number: int
    raw: tuple[str, ...]
    values: TypedValues


@dataclass(frozen=True)
class ParsedFile:
    """A file read against one template.

    ``header`` is the PAY header record (None for other templates); ``problems`` are those
    found while reading (structure, cell formats, mandatory values); :func:`validate` adds
    the rest.
    """

    template: TemplateSpec
    columns: tuple[str, ...]
    """The detail table's column headings as given in the file."""
    rows: tuple[Row, ...]
    header: Row | None = None
    header_columns: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = ()

    @property
    def code(self) -> str:
        return self.template.code


@dataclass(frozen=True)
class Unreadable:
    """A file that could not be read against any template; ``problems`` say why."""

    problems: tuple[Problem, ...]
